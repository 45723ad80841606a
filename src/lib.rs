//! # fetch-cors
//!
//! The Fetch Standard's CORS algorithms as a pure, sans-IO library: it decides, as a browser
//! does, what happens to a cross-origin request. No sockets, no clock, no randomness, no
//! global state: the caller hands in requests, responses and (later) the time; the crate
//! hands back decisions and the exact headers a browser would send.
//!
//! Where browsers depart from the standard, a [`Profile`] says how; [`Profile::SPEC`]
//! follows the standard to the letter.
//!
//! ```
//! use fetch_cors::{check_response, classify_request, Classification, Origin, Profile, Request};
//!
//! let page = Origin::parse("https://app.example").unwrap();
//! let (parts, ()) = http::Request::get("https://api.example/data").body(()).unwrap().into_parts();
//! let request = Request::from_parts(&parts, &page).unwrap();
//!
//! // Before sending: a simple GET goes out with an Origin header, no preflight.
//! assert_eq!(classify_request(&request, &Profile::SPEC), Classification::Cors);
//!
//! // On the response: may the page read it?
//! let response = http::Response::builder()
//!     .header("access-control-allow-origin", "*")
//!     .body(()).unwrap();
//! assert!(check_response(&request, &response, &Profile::SPEC).is_ok());
//!
//! let denied = http::Response::builder().body(()).unwrap();
//! let err = check_response(&request, &denied, &Profile::SPEC).unwrap_err();
//! assert_eq!(err.blame(), fetch_cors::Blame::Server);
//! ```
//!
//! # Who uses what
//!
//! **Embedders** (user agents, crawlers, test harnesses, proxies that must behave like a
//! browser) use the items at the crate root: build a [`Request`], then either ask single
//! questions ([`classify_request`], [`preflight_request`], [`check_preflight_response`],
//! [`check_response`]) or run a whole fetch with [`CorsFetch`] and a shared
//! [`PreflightCache`]. A host that drives the standard's steps itself finds them, stateless, in
//! [`http_fetch`] and [`http_redirect_fetch`]; [`network`] and [`corp`] hold the `Origin`
//! header, credentials and CORP/TAO rules; [`diagnostics`] renders each engine's console text.
//!
//! **Server testers** (does my CORS policy do what I meant, as browsers see it?) use
//! [`simulate`] (a browser simulator over any in-process server), [`policy`] (properties of a
//! CORS policy), [`lint`] (findings over recorded exchanges) and, with the `proptest` feature,
//! `strategies` (proptest strategies for origins, look-alikes, requests and responses).
//!
//! **Parser fuzzers** use [`header`] (every header-value algorithm: safelists, MIME types,
//! ranges, lists, `Access-Control-Max-Age`), [`method`] and [`profile`] (the rule types a
//! [`Profile`] is made of).
//!
//! # Layout
//!
//! Modules are named after the standard's concepts and depend on each other one way, from the
//! bottom up:
//!
//! 1. `origin`, [`method`], `time`, `error`: values with no CORS logic.
//! 2. `request` and `response`: the request view (with its modes and the fetch's history) and
//!    the response head.
//! 3. [`profile`]: engine differences as data (it reads the request's mode enums).
//! 4. [`header`]: header-list algorithms, parameterized by the profile's safelist rules.
//! 5. `main_fetch` (step 12), `cors_check`, `filtered_response` (step 14),
//!    `cors_preflight_fetch`, [`http_redirect_fetch`], [`network`], [`corp`], `scheme_fetch`.
//! 6. `cache` (the CORS-preflight cache), then [`http_fetch`], which uses all of the above.
//! 7. `machine` ([`CorsFetch`]) on top, and [`diagnostics`] beside it; the server-testing
//!    modules ([`simulate`], [`policy`], [`lint`]) use the machine.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The README's example runs as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

// The `http` crate this one's API is written in, so users need not name a matching version.
pub use http;

mod cache;
pub mod corp;
mod cors_check;
mod cors_preflight_fetch;
pub mod diagnostics;
mod error;
mod filtered_response;
pub mod header;
pub mod http_fetch;
pub mod http_redirect_fetch;
pub mod lint;
mod machine;
mod main_fetch;
pub mod method;
pub mod network;
mod origin;
pub mod policy;
pub mod profile;
mod request;
mod response;
mod scheme_fetch;
pub mod simulate;
#[cfg(feature = "proptest")]
pub mod strategies;
mod time;

pub use cache::PreflightCache;
pub use cors_check::{CorsOk, cors_check};
pub use cors_preflight_fetch::{
    ParsedPreflight, PreflightGrant, check_preflight_grant, check_preflight_response,
    parse_preflight_response, preflight_request,
};
pub use error::{Blame, CorsError, RequestError, Stage};
pub use filtered_response::{Exposure, check_response};
pub use header::values::MaxAge;
pub use machine::{
    Action, ApiMisuse, CorsFetch, FetchResponse, Input, Outcome, Outgoing, OutgoingKind, StateKind,
    TRANSITIONS,
};
pub use main_fetch::{
    BasicReason, Classification, Hop, PreflightNeed, PreflightUse, classify_request,
};
pub use origin::{
    OpaqueOrigin, Origin, RedirectTaint, Site, TupleOrigin, byte_serialize_request_origin,
    serialize_request_origin,
};
pub use profile::engines::{Engine, Profile};
pub use request::{
    CredentialsMode, FetchHistory, Mode, RedirectMode, Request, RequestCacheMode, ResponseTainting,
    UseCorsPreflight,
};
pub use response::{ResponseHead, ResponseType, is_ok_status, is_redirect_status};
pub use time::Timestamp;
