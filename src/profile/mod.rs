//! Browser profiles: every place where an engine departs from the Fetch Standard, as data.
//!
//! Algorithms in this crate take a [`Profile`] and read its fields; they never test which
//! engine they are running for. [`Profile::SPEC`](crate::Profile::SPEC) follows the standard to the letter. The
//! engine profiles encode what the recordings in `tests/browsers/` show each engine doing;
//! every field's documentation names a scenario that shows it, and
//! `spec-notes/divergences.md` lists them all.
//!
//! A profile is plain data: copy one and change a field to model another engine version.
//! [`Profile`] itself is at the crate root; this module holds the rule types
//! it is made of.
//!
//! ```
//! use fetch_cors::Profile;
//!
//! let mut strict_chromium = Profile::CHROMIUM;
//! strict_chromium.authorization_covered_by_wildcard = false;
//! assert_eq!(strict_chromium.max_age.cap, Some(7200));
//! ```

pub(crate) mod engines;
mod rules;

pub use rules::{
    CacheRules, CacheShape, EmptyLocation, Eviction, ExtraSafelistedHeader, ExtraValueRule,
    InitiatorRules, MaxAgeParse, MaxAgeRules, MethodMatch, MultipleAllowOrigin, OpaqueOriginKey,
    PreflightErrorOrder, RedirectRules, SafelistRules, ScriptRules, TaintedPreflightCheck,
};
// Inside the crate the profile is reached here; outside, only at the root.
pub(crate) use engines::{Engine, Profile};
