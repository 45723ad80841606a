//! Main fetch: the choice of path for each URL of a fetch, and whether it needs a preflight.
//!
//! <https://fetch.spec.whatwg.org/#concept-main-fetch>, step 12, decided once per hop by
//! [`classify_request`]. The preflight cache is consulted later (HTTP fetch step 4.1, in
//! [`http_fetch`](crate::http_fetch)); together they make the [`Hop`] record that every later
//! step of that hop takes as input instead of deciding again.
//!
//! ```
//! use fetch_cors::{classify_request, Classification, Origin, Profile, Request};
//!
//! let page = Origin::parse("https://app.example").unwrap();
//! let (parts, ()) = http::Request::put("https://api.example/items/1")
//!     .header("x-trace", "1")
//!     .header("content-type", "application/json")
//!     .body(()).unwrap().into_parts();
//! let req = Request::from_parts(&parts, &page).unwrap();
//! let Classification::CorsWithPreflight(need) = classify_request(&req, &Profile::SPEC) else {
//!     panic!("a PUT with custom headers is preflighted");
//! };
//! assert!(need.method_not_safelisted);
//! let names: Vec<&str> = need.unsafe_headers.iter().map(|n| n.as_str()).collect();
//! assert_eq!(names, ["content-type", "x-trace"]);
//! ```

use crate::error::{CorsError, RequestError};
use crate::header::safelist::{
    UnsafeNames, cors_unsafe_request_header_names, is_forbidden_request_header_in,
    is_no_cors_safelisted_in, preflight_header_names,
};
use crate::method::is_cors_safelisted_method;
use crate::profile::Profile;
use crate::request::{Mode, RedirectMode, Request, ResponseTainting};

/// What was decided for one URL of a fetch: main fetch's path (step 12) and what HTTP fetch
/// did about the preflight (step 4.1). [`CorsFetch::hops`](crate::CorsFetch::hops) lists one
/// per URL, so tools can show what happened without deciding it again.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Hop {
    /// The index of the URL in the fetch's URL list (0 before any redirect).
    pub index: usize,
    /// The response tainting main fetch set for this hop.
    pub tainting: ResponseTainting,
    /// Whether the hop needed a preflight and how it was satisfied.
    pub preflight: PreflightUse,
}

/// How a hop's preflight need was met.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PreflightUse {
    /// The request was not on the preflight path.
    NotNeeded,
    /// On the preflight path, and the preflight cache covered it: no preflight was sent.
    ServedFromCache,
    /// On the preflight path, and a preflight was sent.
    Sent,
}

/// What main fetch does with a request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
#[non_exhaustive]
pub enum Classification<'a> {
    /// No CORS: a same-origin request, a `data:` URL, a navigation or a WebSocket handshake.
    /// The response is a basic filtered response.
    Basic(BasicReason),
    /// A cross-origin `no-cors` request: no CORS headers are checked and the response is opaque.
    Opaque,
    /// A CORS request that goes straight to the network with an `Origin` header.
    Cors,
    /// A CORS request that needs a preflight unless the preflight cache covers it.
    CorsWithPreflight(PreflightNeed<'a>),
    /// The fetch fails before anything is sent.
    NetworkError(CorsError),
    /// The request is one a page cannot make: a caller bug, not a CORS outcome.
    Rejected(RequestError),
}

/// Why a request takes the basic (no CORS) path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BasicReason {
    /// The current URL is same origin with the request's origin and no redirect made the
    /// request CORS.
    SameOrigin,
    /// The URL's scheme is `data`.
    DataUrl,
    /// The mode is `navigate` or `websocket`.
    Mode(Mode),
}

/// Why a request is on the preflight path. Each reason holds independently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreflightNeed<'a> {
    /// The method is not GET, HEAD or POST (byte for byte).
    pub method_not_safelisted: bool,
    /// The use-CORS-preflight flag is set (for example, by an XHR upload listener).
    pub use_cors_preflight: bool,
    /// The CORS-unsafe request-header names: lowercase, sorted by byte, without duplicates.
    pub unsafe_headers: UnsafeNames<'a>,
}

impl Classification<'_> {
    /// The response tainting main fetch sets, for the outcomes that send a request.
    pub fn tainting(&self) -> Option<ResponseTainting> {
        match self {
            Classification::Basic(_) => Some(ResponseTainting::Basic),
            Classification::Opaque => Some(ResponseTainting::Opaque),
            Classification::Cors | Classification::CorsWithPreflight(_) => {
                Some(ResponseTainting::Cors)
            }
            Classification::NetworkError(_) | Classification::Rejected(_) => None,
        }
    }
}

/// Classifies `request` as main fetch does, for the given browser `profile`.
///
/// <https://fetch.spec.whatwg.org/#concept-main-fetch> step 12, with the checks the `Request`
/// constructor and `Headers` guard would have made first (forbidden headers, `no-cors`
/// restrictions), so that a request a page could not make never passes silently.
///
/// Does not allocate for requests with up to eight CORS-unsafe header names.
pub fn classify_request<'r>(request: &'r Request<'_>, profile: &Profile) -> Classification<'r> {
    let headers = request.headers();
    if let Some(e) = forbidden_header(request, profile) {
        return Classification::Rejected(e);
    }

    match main_fetch_path(request) {
        Err(e) => return Classification::NetworkError(e),
        Ok(Path::Basic(reason)) => return Classification::Basic(reason),
        Ok(Path::Opaque) => {
            // The Request constructor and the "request-no-cors" guard keep these out.
            if !is_cors_safelisted_method(request.method()) {
                return Classification::NetworkError(CorsError::NoCorsMethodNotSafelisted {
                    method: request.method().clone(),
                });
            }
            // The guard checks each name's combined value, as `append` builds it.
            if let Some(name) = headers
                .keys()
                .find(|n| !is_no_cors_safelisted_in(headers, n))
            {
                return Classification::NetworkError(CorsError::NoCorsHeaderNotSafelisted {
                    name: name.clone(),
                });
            }
            return Classification::Opaque;
        }
        Ok(Path::Cors) => {}
    }

    let use_cors_preflight =
        request.use_cors_preflight() || forced_after_redirect(request, profile);
    // Without either flag (a user-agent-internal request) there is never a preflight.
    if !use_cors_preflight && !request.unsafe_request() {
        return Classification::Cors;
    }
    let method_not_safelisted = !is_cors_safelisted_method(request.method());
    let unsafe_headers = cors_unsafe_request_header_names(headers, &profile.safelist);
    if use_cors_preflight || method_not_safelisted || !unsafe_headers.is_empty() {
        return Classification::CorsWithPreflight(PreflightNeed {
            method_not_safelisted,
            use_cors_preflight,
            unsafe_headers: preflight_header_names(request, unsafe_headers, profile),
        });
    }
    Classification::Cors
}

/// A header a script cannot set (the "request" `Headers` guard, as the profile's engine runs
/// it): a caller that set one has a bug.
pub(crate) fn forbidden_header(request: &Request<'_>, profile: &Profile) -> Option<RequestError> {
    request
        .headers()
        .iter()
        .find(|(n, v)| is_forbidden_request_header_in(n, v.as_bytes(), &profile.safelist))
        .map(|(name, _)| RequestError::ForbiddenHeader { name: name.clone() })
}

/// Whether the profile's engine treats a redirected request as flagged for a preflight
/// because of what earlier hops of the fetch did
/// ([`RedirectRules::preflight_again_after_redirect`](crate::profile::RedirectRules)).
fn forced_after_redirect(request: &Request<'_>, profile: &Profile) -> bool {
    let history = request.history();
    // The preflight branch, not a sent preflight: a first hop served from the cache counts
    // too (`fidelity-5-put-303-c-cached`).
    request.redirect_count() > 0
        && profile.redirect.preflight_again_after_redirect
        && (history.preflight_branch || history.original_headers_unsafe)
}

/// The path main fetch step 12 takes, decided without looking at headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Path {
    Basic(BasicReason),
    Opaque,
    Cors,
}

/// Main fetch step 12, first matching statement wins (the preflight statement and the
/// "otherwise" one are both [`Path::Cors`]).
pub(crate) fn main_fetch_path(request: &Request<'_>) -> Result<Path, CorsError> {
    let mode = request.mode();
    let url = request.url();
    if request.tainting() == ResponseTainting::Basic && request.is_same_origin() {
        return Ok(Path::Basic(BasicReason::SameOrigin));
    }
    if url.scheme() == "data" {
        return Ok(Path::Basic(BasicReason::DataUrl));
    }
    if matches!(mode, Mode::Navigate | Mode::WebSocket) {
        return Ok(Path::Basic(BasicReason::Mode(mode)));
    }
    match mode {
        Mode::SameOrigin => Err(CorsError::DisallowedByMode {
            url: url.to_string(),
        }),
        Mode::NoCors if request.redirect_mode() != RedirectMode::Follow => {
            Err(CorsError::NoCorsRedirectModeNotFollow)
        }
        Mode::NoCors => Ok(Path::Opaque),
        _ if !matches!(url.scheme(), "http" | "https") => Err(CorsError::SchemeNotSupported {
            scheme: url.scheme().to_owned(),
        }),
        _ => Ok(Path::Cors),
    }
}
