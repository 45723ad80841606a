//! The CORS check and the filtered response a page sees.
//!
//! - [`cors_check`]: <https://fetch.spec.whatwg.org/#concept-cors-check>, run on every
//!   response (preflight, redirect, final) of a request whose tainting is `cors`.
//! - [`check_response`]: the CORS check plus main fetch's choice of filtered response
//!   (steps 14.1–14.2) and HTTP fetch's redirect-mode switch, giving an [`Exposure`]: the
//!   response type, status and exactly which headers script can read.
//!
//! An [`Exposure`] can only be obtained through [`check_response`], so a response cannot be
//! shown to a page without the check having run.
//!
//! ```
//! use fetch_cors::{check_response, Origin, Profile, Request, ResponseType};
//!
//! let page = Origin::parse("https://app.example").unwrap();
//! let (parts, ()) = http::Request::get("https://api.example/data").body(()).unwrap().into_parts();
//! let req = Request::from_parts(&parts, &page).unwrap();
//!
//! let resp = http::Response::builder()
//!     .header("access-control-allow-origin", "https://app.example")
//!     .header("access-control-expose-headers", "x-total")
//!     .header("x-total", "3")
//!     .header("x-secret", "s")
//!     .header("content-type", "application/json")
//!     .body(()).unwrap();
//! let exposure = check_response(&req, &resp, &Profile::SPEC).unwrap();
//! assert_eq!(exposure.response_type(), ResponseType::Cors);
//! let mut names: Vec<&str> = exposure.readable_names().map(|n| n.as_str()).collect();
//! names.sort();
//! assert_eq!(names, ["content-type", "x-total"]);
//! ```

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS,
};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use crate::classify::{Path, main_fetch_path};
use crate::error::{CorsError, Stage};
use crate::header::safelist::{
    is_cors_safelisted_response_header, is_forbidden_response_header_name,
};
use crate::header::values::{Combined, ListValues, extract_header_list_values, get};
use crate::profile::{MultipleAllowOrigin, Profile};
use crate::request::{CredentialsMode, Mode, RedirectMode, Request, ResponseTainting};

/// The status line and headers of a response: all the CORS algorithms read.
#[derive(Clone, Copy, Debug)]
pub struct ResponseHead<'r> {
    /// The status.
    pub status: StatusCode,
    /// The header list.
    pub headers: &'r HeaderMap,
}

impl<'r> ResponseHead<'r> {
    /// A response head from its parts.
    pub fn new(status: StatusCode, headers: &'r HeaderMap) -> Self {
        ResponseHead { status, headers }
    }
}

impl<'r> From<&'r http::response::Parts> for ResponseHead<'r> {
    fn from(parts: &'r http::response::Parts) -> Self {
        ResponseHead::new(parts.status, &parts.headers)
    }
}

impl<'r, B> From<&'r http::Response<B>> for ResponseHead<'r> {
    fn from(response: &'r http::Response<B>) -> Self {
        ResponseHead::new(response.status(), response.headers())
    }
}

/// Proof that a CORS check passed. Only this module can make one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CorsOk(());

/// Performs a CORS check of `response` for `request`.
///
/// <https://fetch.spec.whatwg.org/#concept-cors-check>. `stage` only labels the error. The
/// profile chooses which error a failure is reported as; whether it fails never depends on it.
pub fn cors_check(
    request: &Request<'_>,
    response: &ResponseHead<'_>,
    stage: Stage,
    profile: &Profile,
) -> Result<CorsOk, CorsError> {
    let include = request.credentials_mode() == CredentialsMode::Include;
    // Steps 1-2.
    let Some(origin) = get(response.headers, &ACCESS_CONTROL_ALLOW_ORIGIN) else {
        return Err(CorsError::MissingAllowOrigin {
            stage,
            status: response.status.as_u16(),
        });
    };
    // Step 3.
    if !include && origin.eq_bytes(b"*") {
        return Ok(CorsOk(()));
    }
    // Step 4.
    let serialized = request.serialized_origin();
    if !origin.eq_bytes(serialized.as_bytes()) {
        return Err(allow_origin_failure(
            &origin, serialized, include, stage, profile,
        ));
    }
    // Step 5.
    if !include {
        return Ok(CorsOk(()));
    }
    // Steps 6-8.
    match get(response.headers, &ACCESS_CONTROL_ALLOW_CREDENTIALS) {
        Some(c) if c.eq_bytes(b"true") => Ok(CorsOk(())),
        c => Err(CorsError::InvalidAllowCredentials {
            stage,
            value: c.map(|c| lossy(&c)),
        }),
    }
}

/// Names the failure of step 4 the way the profile's engine reports it.
fn allow_origin_failure(
    origin: &Combined<'_>,
    serialized: &str,
    include: bool,
    stage: Stage,
    profile: &Profile,
) -> CorsError {
    let value = lossy(origin);
    let multiple = match profile.multiple_allow_origin {
        MultipleAllowOrigin::Mismatch => false,
        MultipleAllowOrigin::CommaOrSpace => origin.bytes().any(|b| b == b',' || b == b' '),
        MultipleAllowOrigin::HeaderLines => origin.lines() > 1,
        MultipleAllowOrigin::Comma => origin.bytes().any(|b| b == b','),
    };
    if multiple {
        return CorsError::MultipleAllowOriginValues { stage, value };
    }
    if include && origin.eq_bytes(b"*") {
        return CorsError::WildcardOriginWithCredentials { stage };
    }
    if profile.report_invalid_allow_origin && value != "null" && url::Url::parse(&value).is_err() {
        return CorsError::InvalidAllowOriginValue { stage, value };
    }
    CorsError::AllowOriginMismatch {
        stage,
        value,
        origin: serialized.to_owned(),
    }
}

fn lossy(value: &Combined<'_>) -> String {
    String::from_utf8_lossy(&value.to_vec()).into_owned()
}

/// A response's type as script sees it (`Response.type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResponseType {
    /// Same-origin (or otherwise CORS-free) response: every header but `Set-Cookie` is readable.
    Basic,
    /// A cross-origin response that passed the CORS check.
    Cors,
    /// A `no-cors` cross-origin response: status 0, no headers.
    Opaque,
    /// A redirect returned under redirect mode `manual`: status 0, no headers.
    OpaqueRedirect,
}

impl ResponseType {
    /// The `Response.type` string.
    pub const fn as_str(self) -> &'static str {
        match self {
            ResponseType::Basic => "basic",
            ResponseType::Cors => "cors",
            ResponseType::Opaque => "opaque",
            ResponseType::OpaqueRedirect => "opaqueredirect",
        }
    }
}

/// What a page can see of a response: its type, status and readable headers.
///
/// Made only by [`check_response`]. It borrows the response's header map and filters it on
/// the fly, so it costs no allocation.
#[derive(Clone, Debug)]
pub struct Exposure<'r> {
    response_type: ResponseType,
    status: StatusCode,
    headers: &'r HeaderMap,
    filter: Filter<'r>,
    _proof: Option<CorsOk>,
}

// The CORS variant holds the Expose-Headers list inline (up to eight header lines without a
// heap allocation); boxing it would allocate on every check.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
enum Filter<'r> {
    /// Basic filtered response: everything but forbidden response-header names.
    Basic,
    /// CORS filtered response.
    Cors {
        /// `Access-Control-Expose-Headers: *` without credentials: every name.
        all: bool,
        /// The CORS-exposed header-name list (None when the header was absent or invalid).
        exposed: Option<ListValues<'r>>,
        extra: &'static [&'static str],
        /// What a literal `*` exposes under credentials in this profile.
        star_extra: &'static [&'static str],
    },
    /// Opaque and opaque-redirect filtered responses: nothing.
    Nothing,
}

impl<'r> Exposure<'r> {
    /// The response type.
    pub fn response_type(&self) -> ResponseType {
        self.response_type
    }

    /// The status script sees: 0 for opaque and opaque-redirect responses.
    pub fn status(&self) -> u16 {
        match self.filter {
            Filter::Nothing => 0,
            _ => self.status.as_u16(),
        }
    }

    /// The status of the underlying (internal) response.
    pub fn internal_status(&self) -> StatusCode {
        self.status
    }

    /// Whether script can read the header `name`.
    pub fn is_readable(&self, name: &HeaderName) -> bool {
        self.headers.contains_key(name) && self.allows(name)
    }

    fn allows(&self, name: &HeaderName) -> bool {
        let bytes = name.as_str().as_bytes();
        match &self.filter {
            Filter::Nothing => false,
            Filter::Basic => !is_forbidden_response_header_name(bytes),
            Filter::Cors {
                all,
                exposed,
                extra,
                star_extra,
            } => {
                if is_cors_safelisted_response_header(name)
                    || extra
                        .iter()
                        .chain(star_extra.iter())
                        .any(|e| e.as_bytes() == bytes)
                {
                    return true;
                }
                if is_forbidden_response_header_name(bytes) {
                    return false;
                }
                *all || exposed
                    .as_ref()
                    .is_some_and(|l| l.contains_ignore_ascii_case(bytes))
            }
        }
    }

    /// The distinct header names script can read (lowercase, in the header map's iteration order).
    pub fn readable_names(&self) -> impl Iterator<Item = &'r HeaderName> + '_ {
        self.headers.keys().filter(move |n| self.allows(n))
    }

    /// The header entries script can read.
    pub fn readable_headers(&self) -> impl Iterator<Item = (&'r HeaderName, &'r HeaderValue)> + '_ {
        self.headers.iter().filter(move |(n, _)| self.allows(n))
    }
}

/// Runs the checks a browser runs on a final response and returns what the page can see.
///
/// - tainting `basic` (same origin): a basic filtered response;
/// - tainting `opaque` (`no-cors`): an opaque filtered response;
/// - tainting `cors`: the CORS check, then a CORS filtered response whose readable headers
///   are the CORS-safelisted response-header names and those named by
///   `Access-Control-Expose-Headers` (`*` meaning all, without credentials);
/// - a redirect status under redirect mode `manual` gives an opaque-redirect response, and
///   under `error` a network error. Following redirects is the fetch state machine's
///   job; here a redirect under `follow` is treated as the final response.
///
/// The request's tainting is the one main fetch gives it; a request that main fetch turns
/// into a network error (mode `same-origin` to another origin, `no-cors` with redirect mode
/// other than `follow`, a non-HTTP(S) URL) fails here with the same error. The checks the
/// `Request` constructor makes on methods and headers are [`classify_request`](crate::classify_request)'s
/// job, not repeated here, so that this stays cheap. Pass the response the page would get: a
/// `304` revalidated by an HTTP cache, or a `407` answered by proxy authentication, never
/// reach the CORS check in a browser. Does not allocate on success.
pub fn check_response<'r>(
    request: &Request<'_>,
    response: impl Into<ResponseHead<'r>>,
    profile: &Profile,
) -> Result<Exposure<'r>, CorsError> {
    let response = response.into();
    let tainting = response_tainting(request)?;
    // HTTP fetch step 4.4: the CORS check comes before the redirect-mode switch.
    let proof = match tainting {
        ResponseTainting::Cors => Some(cors_check(request, &response, Stage::Response, profile)?),
        _ => None,
    };
    if is_redirect_status(response.status) {
        match request.redirect_mode() {
            RedirectMode::Error => return Err(CorsError::RedirectModeError),
            RedirectMode::Manual if request.mode() != Mode::Navigate => {
                return Ok(Exposure {
                    response_type: ResponseType::OpaqueRedirect,
                    status: response.status,
                    headers: response.headers,
                    filter: Filter::Nothing,
                    _proof: proof,
                });
            }
            _ => {}
        }
    }
    let (response_type, filter) = match tainting {
        ResponseTainting::Basic => (ResponseType::Basic, Filter::Basic),
        ResponseTainting::Opaque => (ResponseType::Opaque, Filter::Nothing),
        ResponseTainting::Cors => (
            ResponseType::Cors,
            cors_filter(request, response.headers, profile),
        ),
    };
    Ok(Exposure {
        response_type,
        status: response.status,
        headers: response.headers,
        filter,
        _proof: proof,
    })
}

/// Main fetch step 14.1: the CORS-exposed header-name list.
fn cors_filter<'r>(request: &Request<'_>, headers: &'r HeaderMap, profile: &Profile) -> Filter<'r> {
    let extra = profile.extra_safelisted_response_headers;
    // A list that fails to parse leaves the exposed list empty.
    let exposed = extract_header_list_values(headers, &ACCESS_CONTROL_EXPOSE_HEADERS)
        .ok()
        .flatten();
    let star = exposed.as_ref().is_some_and(ListValues::has_star);
    let include = request.credentials_mode() == CredentialsMode::Include;
    Filter::Cors {
        all: star && !include,
        exposed,
        extra,
        star_extra: if star && include {
            profile.exposed_by_star_with_credentials
        } else {
            &[]
        },
    }
}

/// The response tainting main fetch gives `request`, or the network error it ends in.
fn response_tainting(request: &Request<'_>) -> Result<ResponseTainting, CorsError> {
    Ok(match main_fetch_path(request)? {
        Path::Basic(_) => ResponseTainting::Basic,
        Path::Opaque => ResponseTainting::Opaque,
        Path::Cors => ResponseTainting::Cors,
    })
}

/// <https://fetch.spec.whatwg.org/#redirect-status>
pub fn is_redirect_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// <https://fetch.spec.whatwg.org/#ok-status>
pub fn is_ok_status(status: StatusCode) -> bool {
    (200..=299).contains(&status.as_u16())
}
