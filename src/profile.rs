//! Browser profiles: every place where an engine departs from the Fetch Standard, as data.
//!
//! Algorithms in this crate take a [`Profile`] and read its fields; they never test which
//! engine they are running for. The [`Profile::SPEC`] profile follows the standard to the
//! letter. The engine profiles encode the divergences documented in
//! `spec-notes/divergences.md`, each backed by recorded browser behaviour.
//!
//! A profile is plain data: copy one and change a field to model another engine version.
//!
//! ```
//! use fetch_cors::Profile;
//!
//! let mut strict_chromium = Profile::CHROMIUM;
//! strict_chromium.authorization_covered_by_wildcard = false;
//! assert_eq!(strict_chromium.max_age.cap, Some(7200));
//! ```

/// Which engine a profile describes. Used for naming and for rendering diagnostics only;
/// behaviour is read from the other fields of [`Profile`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Engine {
    /// The Fetch Standard as written.
    Spec,
    /// Chromium (Chrome, Edge, Opera, ...).
    Chromium,
    /// Firefox (Gecko).
    Firefox,
    /// WebKit (Safari, WebKitGTK).
    WebKit,
}

impl Engine {
    /// The lowercase name used in scenario and prediction files (`spec`, `chromium`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Engine::Spec => "spec",
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::WebKit => "webkit",
        }
    }
}

/// A set of engine behaviours. See the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Profile {
    /// The engine this profile describes.
    pub engine: Engine,
    /// Which request headers are CORS-safelisted, and how their values are checked.
    pub safelist: SafelistRules,
    /// Whether `Access-Control-Allow-Headers: *` also covers `Authorization`.
    ///
    /// The standard says it never does (the CORS non-wildcard request-header names).
    /// All three shipping engines let it through (whatwg/fetch#1919).
    pub authorization_covered_by_wildcard: bool,
    /// How the request method is compared with `Access-Control-Allow-Methods`.
    pub method_match: MethodMatch,
    /// How a response with more than one `Access-Control-Allow-Origin` value is reported.
    /// Every rule fails the check; they differ only in which error is reported.
    pub multiple_allow_origin: MultipleAllowOrigin,
    /// Whether an `Access-Control-Allow-Origin` value that is not `null` and does not parse as
    /// a URL is reported as invalid rather than as a mismatch (Chromium). Reporting only.
    pub report_invalid_allow_origin: bool,
    /// Names an engine exposes to script on a CORS response in addition to the
    /// CORS-safelisted response-header names. Lowercase.
    pub extra_safelisted_response_headers: &'static [&'static str],
    /// How `Access-Control-Max-Age` is parsed, defaulted and capped.
    pub max_age: MaxAgeRules,
    /// Which failure a preflight response that fails both the CORS check and the status check
    /// is reported as. Reporting only.
    pub preflight_error_order: PreflightErrorOrder,
    /// The shape and bounds of the CORS-preflight cache.
    pub cache: CacheRules,
    /// How redirects are checked.
    pub redirect: RedirectRules,
}

/// Redirect handling that differs between engines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RedirectRules {
    /// Whether the CORS check of a redirect response assumes credentials when the redirect
    /// leads back to the request's own origin under credentials mode `same-origin` (WebKit:
    /// it checks with the credentials policy of the next hop, so such a redirect needs
    /// `Access-Control-Allow-Credentials: true`; recorded in `smoke-redirect-a-b-a-star`).
    /// The standard checks with the request's credentials mode.
    pub check_with_next_hop_credentials: bool,
}

/// How an engine's CORS-preflight cache is organised.
///
/// The standard's cache is a list of per-method and per-header entries, each with its own
/// expiry; it may drop entries early, so every bound here is conformant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheRules {
    /// The most (partition key, origin, URL[, credentials]) slots kept at once.
    pub capacity: usize,
    /// The most method and header-name items kept in one slot; a preflight response that
    /// allows more has the rest dropped (they will simply be preflighted again).
    pub max_items_per_slot: usize,
    /// What goes when the cache is full.
    pub eviction: Eviction,
    /// How a new preflight result combines with what is cached for the same URL.
    pub shape: CacheShape,
    /// Whether the credentials mode is part of the key (Firefox), so that a credentialed
    /// result never serves an uncredentialed request. The standard lets it.
    pub credentials_in_key: bool,
    /// URLs this long or longer are never cached (Chromium: 1024).
    pub max_url_len: Option<usize>,
    /// Whether a cached result is reused for a URL whose host is an IP address. Firefox
    /// drops a cached entry when the host's DNS-cache record is newer than the entry, and an
    /// IP-literal host gets a fresh record on every request, so it never reuses one (recorded:
    /// `smoke-cache-max-age-60` on 127.0.0.1 preflights twice, the same on localhost once).
    pub reuse_for_ip_hosts: bool,
}

/// What a full preflight cache evicts to make room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Eviction {
    /// The least recently used slot.
    LeastRecentlyUsed,
    /// Every fully expired slot, then the least recently used one if that freed nothing
    /// (Firefox).
    ExpiredThenLeastRecentlyUsed,
    /// A batch of this many slots, least recently stored first. Chromium purges ten
    /// contiguous entries from a random position; a sans-IO crate has no randomness, so the
    /// batch is taken from the old end.
    OldestBatch(usize),
}

/// How the items of a successful preflight are merged into the cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheShape {
    /// The standard: one entry per method and header name, each refreshed or added on its
    /// own, none removed for being absent from a newer response.
    PerItem,
    /// One result per URL, replaced whole by each new preflight, with one expiry
    /// (Chromium, WebKit).
    ReplacePerUrl,
}
/// The order in which a preflight response's checks are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PreflightErrorOrder {
    /// The CORS check, then the status (Chromium, Firefox; the standard's sentence order).
    CorsCheckFirst,
    /// The status, then the CORS check (WebKit).
    StatusFirst,
}

/// Request-header safelisting rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SafelistRules {
    /// Header names, beyond the standard's five, that are safelisted when their value is well
    /// formed. Lowercase.
    pub extra_request_headers: &'static [ExtraSafelistedHeader],
    /// Whether the value of `Range` is ASCII-lowercased before the simple-range test, so that
    /// `Bytes=0-1` passes. The standard compares `bytes` case-sensitively.
    pub range_value_case_insensitive: bool,
    /// The limit on the summed value length of safelisted headers, past which all of them
    /// become CORS-unsafe. `Some(1024)` in the standard; `None` where an engine has no such rule.
    pub total_value_limit: Option<usize>,
    /// Whether repeated request headers of one name are checked as their combined value
    /// (`a, b`) rather than entry by entry as the standard's header list does.
    pub combine_repeated: bool,
}

/// An engine-specific safelisted request header and the rule its value must meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtraSafelistedHeader {
    /// Lowercase header name.
    pub name: &'static str,
    /// The value grammar.
    pub value: ExtraValueRule,
}

/// Value grammars for [`ExtraSafelistedHeader`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExtraValueRule {
    /// A non-negative decimal number, digits with at most one `.` (client hints such as `dpr`).
    Number,
    /// One of the listed ASCII tokens, compared case-sensitively.
    OneOf(&'static [&'static str]),
    /// Any value made of visible ASCII and spaces.
    Any,
}

/// How the request method is matched against `Access-Control-Allow-Methods` items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MethodMatch {
    /// Byte-for-byte, as the standard says: `patch` is not allowed by `PATCH`.
    Exact,
    /// The request method is ASCII-uppercased first (Chromium before crbug 1228178).
    UppercaseRequestMethod,
}

/// Which error a response with several `Access-Control-Allow-Origin` values gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MultipleAllowOrigin {
    /// The standard: the combined value simply does not match ([`CorsError::AllowOriginMismatch`](crate::CorsError::AllowOriginMismatch)).
    Mismatch,
    /// A combined value containing a comma or a space is "multiple values" (Chromium).
    CommaOrSpace,
    /// More than one header line is "multiple" (Firefox); `a, b` on one line is a mismatch.
    HeaderLines,
    /// A combined value containing a comma is "multiple" (WebKit).
    Comma,
}

/// `Access-Control-Max-Age` handling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MaxAgeRules {
    /// Seconds used when the header is absent (5 in the standard and every engine).
    pub default: u64,
    /// Upper limit in seconds, or `None` for no limit (the standard leaves it to the UA).
    pub cap: Option<u64>,
    /// What happens to a value that is not a plain `delta-seconds`.
    pub parse: MaxAgeParse,
}

/// Parsers for `Access-Control-Max-Age`. Each is described by what it does with odd values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MaxAgeParse {
    /// The standard: one `delta-seconds` (digits only); anything else, including a repeated
    /// header, is a failure and the default applies. Values past `u64` saturate before the cap.
    Spec,
    /// Chromium: a signed 64-bit integer with an optional sign; invalid or overflowing values
    /// use the default; negative values mean "already expired" (0).
    Chromium,
    /// Firefox: digits only, saturating at the cap; any other byte, or 0, means "do not cache".
    Firefox,
    /// WebKit: leading whitespace and a sign accepted; invalid or overflowing values use the
    /// default; negative values are stored already expired.
    WebKit,
}

const fn spec_safelist() -> SafelistRules {
    SafelistRules {
        extra_request_headers: &[],
        range_value_case_insensitive: false,
        total_value_limit: Some(1024),
        combine_repeated: false,
    }
}

impl Profile {
    /// The Fetch Standard, followed to the letter.
    pub const SPEC: Profile = Profile {
        engine: Engine::Spec,
        redirect: RedirectRules {
            check_with_next_hop_credentials: false,
        },
        cache: CacheRules {
            capacity: 1024,
            max_items_per_slot: 64,
            eviction: Eviction::LeastRecentlyUsed,
            shape: CacheShape::PerItem,
            credentials_in_key: false,
            max_url_len: None,
            reuse_for_ip_hosts: true,
        },
        preflight_error_order: PreflightErrorOrder::CorsCheckFirst,
        report_invalid_allow_origin: false,
        safelist: spec_safelist(),
        authorization_covered_by_wildcard: false,
        method_match: MethodMatch::Exact,
        multiple_allow_origin: MultipleAllowOrigin::Mismatch,
        extra_safelisted_response_headers: &[],
        max_age: MaxAgeRules {
            default: 5,
            cap: None,
            parse: MaxAgeParse::Spec,
        },
    };

    /// Chromium (from its network service source; checked against recordings in
    /// `tests/browsers/`).
    pub const CHROMIUM: Profile = Profile {
        engine: Engine::Chromium,
        redirect: RedirectRules {
            check_with_next_hop_credentials: false,
        },
        cache: CacheRules {
            capacity: 1024,
            max_items_per_slot: 64,
            eviction: Eviction::OldestBatch(10),
            shape: CacheShape::ReplacePerUrl,
            credentials_in_key: false,
            max_url_len: Some(1024),
            reuse_for_ip_hosts: true,
        },
        preflight_error_order: PreflightErrorOrder::CorsCheckFirst,
        report_invalid_allow_origin: true,
        safelist: SafelistRules {
            extra_request_headers: CHROMIUM_EXTRA_SAFELISTED,
            range_value_case_insensitive: true,
            total_value_limit: Some(1024),
            combine_repeated: false,
        },
        authorization_covered_by_wildcard: true,
        method_match: MethodMatch::Exact,
        multiple_allow_origin: MultipleAllowOrigin::CommaOrSpace,
        extra_safelisted_response_headers: &[],
        max_age: MaxAgeRules {
            default: 5,
            cap: Some(7200),
            parse: MaxAgeParse::Chromium,
        },
    };

    /// Firefox.
    pub const FIREFOX: Profile = Profile {
        engine: Engine::Firefox,
        redirect: RedirectRules {
            check_with_next_hop_credentials: false,
        },
        cache: CacheRules {
            capacity: 100,
            max_items_per_slot: 64,
            eviction: Eviction::ExpiredThenLeastRecentlyUsed,
            shape: CacheShape::PerItem,
            credentials_in_key: true,
            max_url_len: None,
            reuse_for_ip_hosts: false,
        },
        preflight_error_order: PreflightErrorOrder::CorsCheckFirst,
        report_invalid_allow_origin: false,
        safelist: spec_safelist(),
        authorization_covered_by_wildcard: true,
        method_match: MethodMatch::Exact,
        multiple_allow_origin: MultipleAllowOrigin::HeaderLines,
        extra_safelisted_response_headers: &[],
        max_age: MaxAgeRules {
            default: 5,
            cap: Some(86400),
            parse: MaxAgeParse::Firefox,
        },
    };

    /// WebKit (Safari; recorded with WebKitGTK).
    pub const WEBKIT: Profile = Profile {
        engine: Engine::WebKit,
        redirect: RedirectRules {
            check_with_next_hop_credentials: true,
        },
        cache: CacheRules {
            // WebKit's cache is unbounded; ours is not.
            capacity: 4096,
            max_items_per_slot: 64,
            eviction: Eviction::LeastRecentlyUsed,
            shape: CacheShape::ReplacePerUrl,
            credentials_in_key: false,
            max_url_len: None,
            reuse_for_ip_hosts: true,
        },
        preflight_error_order: PreflightErrorOrder::StatusFirst,
        report_invalid_allow_origin: false,
        safelist: spec_safelist(),
        authorization_covered_by_wildcard: true,
        method_match: MethodMatch::Exact,
        multiple_allow_origin: MultipleAllowOrigin::Comma,
        extra_safelisted_response_headers: &["accept"],
        max_age: MaxAgeRules {
            default: 5,
            cap: Some(600),
            parse: MaxAgeParse::WebKit,
        },
    };

    /// All built-in profiles, `SPEC` first.
    pub const ALL: [Profile; 4] = [
        Profile::SPEC,
        Profile::CHROMIUM,
        Profile::FIREFOX,
        Profile::WEBKIT,
    ];

    /// Looks a built-in profile up by its [`Engine::name`].
    ///
    /// ```
    /// assert_eq!(fetch_cors::Profile::by_name("firefox"), Some(fetch_cors::Profile::FIREFOX));
    /// assert_eq!(fetch_cors::Profile::by_name("lynx"), None);
    /// ```
    pub fn by_name(name: &str) -> Option<Profile> {
        Profile::ALL
            .into_iter()
            .find(|p| p.engine.name().eq_ignore_ascii_case(name))
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::SPEC
    }
}

/// Chromium's legacy client hints and friends, safelisted when well formed.
const CHROMIUM_EXTRA_SAFELISTED: &[ExtraSafelistedHeader] = &[
    ExtraSafelistedHeader {
        name: "device-memory",
        value: ExtraValueRule::Number,
    },
    ExtraSafelistedHeader {
        name: "dpr",
        value: ExtraValueRule::Number,
    },
    ExtraSafelistedHeader {
        name: "width",
        value: ExtraValueRule::Number,
    },
    ExtraSafelistedHeader {
        name: "viewport-width",
        value: ExtraValueRule::Number,
    },
    ExtraSafelistedHeader {
        name: "rtt",
        value: ExtraValueRule::Number,
    },
    ExtraSafelistedHeader {
        name: "downlink",
        value: ExtraValueRule::Number,
    },
    ExtraSafelistedHeader {
        name: "ect",
        value: ExtraValueRule::OneOf(&["slow-2g", "2g", "3g", "4g"]),
    },
    ExtraSafelistedHeader {
        name: "save-data",
        value: ExtraValueRule::OneOf(&["on"]),
    },
    ExtraSafelistedHeader {
        name: "intervention",
        value: ExtraValueRule::Any,
    },
];
