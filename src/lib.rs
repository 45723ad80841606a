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
//! Modules are named after the standard's concepts and layered one way: [`origin`],
//! [`method`], [`header`] and [`profile`] at the bottom; [`request`] on those; then
//! [`classify`], [`check`] and [`preflight`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The README's example runs as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub mod cache;
pub mod check;
pub mod classify;
pub mod corp;
pub mod diagnostics;
pub mod error;
pub mod header;
pub mod lint;
pub mod machine;
pub mod method;
pub mod network;
pub mod origin;
pub mod policy;
pub mod preflight;
pub mod profile;
pub mod request;
pub mod simulate;
#[cfg(feature = "proptest")]
pub mod strategies;
pub mod time;

pub use cache::PreflightCache;
pub use check::{CorsOk, Exposure, ResponseHead, ResponseType, check_response, cors_check};
pub use classify::{BasicReason, Classification, PreflightNeed, classify_request};
pub use error::{Blame, CorsError, RequestError, Stage};
pub use header::values::MaxAge;
pub use machine::{Action, ApiMisuse, CorsFetch, FetchResponse, Outcome, Outgoing, OutgoingKind};
pub use origin::{OpaqueOrigin, Origin, RedirectTaint};
pub use policy::{CorsPolicy, Intent, OriginRule, Violation};
pub use preflight::{
    PreflightGrant, check_preflight_grant, check_preflight_response, parse_preflight_response,
    preflight_request,
};
pub use profile::{Engine, Profile};
pub use request::{
    CredentialsMode, Mode, RedirectMode, Request, RequestCacheMode, ResponseTainting,
    UseCorsPreflight,
};
pub use simulate::{PageRequest, Server, Simulation, simulate};
pub use time::Timestamp;
