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
//! [`check_response`]) or run a whole fetch with [`CorsFetch`] and one [`PreflightCache`]
//! shared by every fetch of the user agent. The host owns the sockets and the clock:
//!
//! ```
//! use fetch_cors::{Action, CorsFetch, Origin, PreflightCache, Profile, Request, Timestamp};
//!
//! let profile = Profile::FIREFOX;
//! let mut cache = PreflightCache::new(&profile);
//! let page = Origin::parse("https://app.example").unwrap();
//! let (parts, ()) = http::Request::put("https://api.example/x").body(()).unwrap().into_parts();
//! let mut fetch = CorsFetch::new(&Request::from_parts(&parts, &page).unwrap(), &profile).unwrap();
//! let outcome = loop {
//!     match fetch.poll(&mut cache, Timestamp::ZERO) {
//!         // Send `out.request` (with cookies if `out.include_credentials`, and the body if
//!         // `out.body` says so), then hand the response head back.
//!         Action::Send(out) => {
//!             let answer = http::Response::builder()
//!                 .header("access-control-allow-origin", "https://app.example")
//!                 .header("access-control-allow-methods", "PUT")
//!                 .body(()).unwrap();
//!             fetch.handle_response(&answer, &mut cache, Timestamp::ZERO).unwrap();
//!             // On a transport failure: fetch.handle_network_error(&mut cache).
//!         }
//!         Action::Done(outcome) => break outcome,
//!         _ => unreachable!("every request is answered at once"),
//!     }
//! };
//! assert_eq!(outcome.unwrap().status, 200);
//! ```
//!
//! A host that drives the standard's steps itself finds them, stateless, in [`http_fetch`]
//! and [`http_redirect_fetch`]; [`network`] and [`corp`] hold the `Origin` header, credentials
//! and CORP/TAO rules; [`diagnostics`] renders each engine's console text.
//!
//! Each [`Outgoing`] carries the request as an `http::Request` and its URL as a `url::Url`
//! ([`Outgoing::url`]), for clients that take either. A cache made for another profile is
//! refused ([`Action::Misuse`], [`ApiMisuse::CacheForAnotherProfile`]): each profile needs its own.
//!
//! Bodies never reach the crate: [`Outgoing::body`] says whether the page's body goes with a
//! request (dropped on a preflight and after a redirect turned the method into `GET`), and the
//! page gets the last response's body, or none for an opaque response. `data:` URLs are answered
//! by the machine itself; build their request with [`Request::new`], since `http::Uri` cannot
//! hold one. The preflight cache is keyed by a network partition key, by default the page's
//! site (see [`CorsFetch::partition_key`]).
//!
//! **Server testers** (does my CORS policy do what I meant, as browsers see it?) use
//! [`simulate`] (a browser simulator over any in-process server), [`policy`] (what the
//! policy means, the properties a server must keep, and a deterministic sweep of adversarial
//! origins and requests), [`lint`] (findings over recorded exchanges) and, with the `proptest`
//! feature, `strategies` (a sweep followed by a random search):
//!
//! ```
//! use fetch_cors::policy::{audit, CorsPolicy, OriginRule};
//! use fetch_cors::{Origin, Profile};
//!
//! // A server that trusts any origin ending in "example.com".
//! let server = || |req: &http::Request<()>| {
//!     let mut resp = http::Response::builder().header("vary", "origin");
//!     if let Some(o) = req.headers().get("origin").filter(|o| o.as_bytes().ends_with(b"example.com")) {
//!         resp = resp.header("access-control-allow-origin", o);
//!     }
//!     resp.body(()).unwrap()
//! };
//! let app = Origin::parse("https://app.example.com").unwrap();
//! let intent = CorsPolicy::new().allow_origin(OriginRule::from(app));
//! let found = audit(server, &intent, &[], &["https://api.example.com/me"], &[Profile::CHROMIUM]);
//! assert!(!found.is_empty(), "a look-alike such as https://evilapp.example.com reads /me");
//! println!("{}\nfix: {}", found[0], found[0].fix);
//! ```
//!
//! **Parser fuzzers** use [`header`] (every header-value algorithm: safelists, MIME types,
//! ranges, lists, `Access-Control-Max-Age`), [`method`] and [`profile`] (the rule types a
//! [`Profile`] is made of). Each takes bytes and never panics:
//!
//! ```
//! use fetch_cors::header::{is_cors_safelisted_request_header, parse_mime_type};
//! use fetch_cors::Profile;
//!
//! let input: &[u8] = b"text/plain;charset=\"\xff";
//! let _ = parse_mime_type(input);
//! let _ = is_cors_safelisted_request_header(&http::header::CONTENT_TYPE, input, &Profile::SPEC.safelist);
//! ```
//!
//! # Bounds
//!
//! Everything a caller or a server can grow has a bound or costs time and memory linear in
//! its input:
//!
//! - **The preflight cache**: at most [`CacheRules::max_bytes`](profile::CacheRules) bytes of
//!   keys and names (Spec and Chromium 4 MiB, Firefox 1 MiB, WebKit 16 MiB;
//!   [`PreflightCache::bytes`]), besides its slot and per-slot item bounds. A grant larger than
//!   the bound on its own is not stored, so the next such request is preflighted again.
//! - **Names per list** (`Access-Control-Allow-Headers`, `-Expose-Headers`, `-Allow-Methods`):
//!   no count limit, and none is needed: lists are read in place, and a list of more than 16
//!   names is sorted once as borrowed slices (16 bytes per name), so checking N names against
//!   a list of N costs O(N log N). The count of distinct names in a map is bounded by
//!   `http::HeaderMap` itself (about 24,576; it panics past it), so a caller building maps
//!   from untrusted input should use `HeaderMap::try_append`.
//! - **Headers of a simulated page request**: [`simulate::PageRequest::MAX_HEADERS`];
//!   `try_with_header` says when an entry is refused.
//! - **Exchanges per simulation**: [`simulate::MAX_EXCHANGES`], which the 20-redirect limit
//!   ([`CorsError::TooManyRedirects`]) keeps a fetch under.
//!
//! `cors-explain` adds its own input bounds (bytes per file, entries per HAR, header lines per
//! message); its README lists them.
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

// The README's examples run as doctests (one uses `strategies`, hence the feature).
#[doc = include_str!("../README.md")]
#[cfg(all(doctest, feature = "proptest"))]
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
mod initiator;
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
pub use initiator::{CorsSettings, Initiator, InitiatorSettings};
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
    CredentialsMode, Destination, FetchHistory, Mode, RedirectMode, Request, RequestCacheMode,
    ResponseTainting, UseCorsPreflight,
};
pub use response::{ResponseHead, ResponseType, is_ok_status, is_redirect_status};
pub use time::Timestamp;
