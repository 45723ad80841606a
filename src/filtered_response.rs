//! Filtered responses: what a page sees of a response.
//!
//! <https://fetch.spec.whatwg.org/#concept-filtered-response>. Main fetch step 14 wraps the
//! response in a basic, CORS, opaque or opaque-redirect filtered response; [`Exposure`] is
//! that wrapper: the response type, the status and exactly which headers script can read.
//! [`check_response`] is the whole decision for one response: main fetch's path, the CORS
//! check, the redirect-mode switch and the filter.
//!
//! An [`Exposure`] can only be obtained through [`check_response`] or the fetch machine, and a
//! CORS-filtered one holds the [`CorsOk`] of its check, so a response cannot be shown to a page
//! without the check having run.
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

use http::header::ACCESS_CONTROL_EXPOSE_HEADERS;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use crate::cors_check::{CorsOk, cors_check};
use crate::error::{CorsError, Stage};
use crate::header::safelist::{
    is_cors_safelisted_response_header, is_forbidden_response_header_name,
};
use crate::header::values::{ListValues, NameSet, extract_header_list_values};
use crate::http_redirect_fetch::{RedirectSwitch, redirect_switch};
use crate::main_fetch::{Path, main_fetch_path};
use crate::profile::Profile;
use crate::request::{CredentialsMode, Request, ResponseTainting};
use crate::response::{ResponseHead, ResponseType};

/// A response's tainting once its checks ran: the CORS variant carries the proof.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Checked {
    /// Tainting `basic`.
    Basic,
    /// Tainting `opaque`.
    Opaque,
    /// Tainting `cors`, and the CORS check passed.
    Cors(CorsOk),
}

impl Checked {
    /// Runs the CORS check when `tainting` asks for it.
    pub(crate) fn check(
        request: &Request<'_>,
        tainting: ResponseTainting,
        response: &ResponseHead<'_>,
        stage: Stage,
        profile: &Profile,
    ) -> Result<Checked, CorsError> {
        Ok(match tainting {
            ResponseTainting::Basic => Checked::Basic,
            ResponseTainting::Opaque => Checked::Opaque,
            ResponseTainting::Cors => Checked::Cors(cors_check(request, response, stage, profile)?),
        })
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
}

// The CORS variant holds the Expose-Headers list inline (up to eight header lines without a
// heap allocation); boxing it would allocate on every check.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
enum Filter<'r> {
    /// Basic filtered response: everything but forbidden response-header names.
    Basic,
    /// CORS filtered response, with the proof of its CORS check.
    Cors {
        proof: CorsOk,
        /// `Access-Control-Expose-Headers: *` without credentials: every name.
        all: bool,
        /// The CORS-exposed header-name list (empty when the header was absent or invalid).
        exposed: NameSet<'r>,
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
                ..
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
                *all || exposed.contains(bytes)
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

impl<'r> Exposure<'r> {
    /// The CORS check's proof, for a CORS-filtered response.
    pub fn cors_ok(&self) -> Option<CorsOk> {
        match self.filter {
            Filter::Cors { proof, .. } => Some(proof),
            _ => None,
        }
    }

    /// Main fetch step 14 for a final response whose checks gave `checked`, after the
    /// redirect-mode `switch`.
    pub(crate) fn filter(
        request: &Request<'_>,
        checked: Checked,
        switch: &RedirectSwitch,
        response: ResponseHead<'r>,
        profile: &Profile,
    ) -> Result<Exposure<'r>, CorsError> {
        let (response_type, filter) = match (switch, checked) {
            (RedirectSwitch::Error, _) => return Err(CorsError::RedirectModeError),
            (RedirectSwitch::Manual, _) => (ResponseType::OpaqueRedirect, Filter::Nothing),
            (_, Checked::Basic) => (ResponseType::Basic, Filter::Basic),
            (_, Checked::Opaque) => (ResponseType::Opaque, Filter::Nothing),
            (_, Checked::Cors(proof)) => (
                ResponseType::Cors,
                cors_filter(request, proof, response.headers, profile),
            ),
        };
        Ok(Exposure {
            response_type,
            status: response.status,
            headers: response.headers,
            filter,
        })
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
///   under `error` a network error (see [`redirect_switch`]). Following redirects is the fetch
///   machine's job; here a redirect under `follow` is treated as the final response.
///
/// The tainting is the one main fetch gives the request (its path for the request's current
/// URL and tainting so far); a request that main fetch turns into a network error (mode
/// `same-origin` to another origin, `no-cors` with redirect mode other than `follow`, a
/// non-HTTP(S) URL) fails here with the same error. The checks the `Request` constructor
/// makes on methods and headers are [`classify_request`](crate::classify_request)'s job, not
/// repeated here, so that this stays cheap. Pass the response the page would get: a `304`
/// revalidated by an HTTP cache, or a `407` answered by proxy authentication, never reach the
/// CORS check in a browser. Does not allocate on success.
pub fn check_response<'r>(
    request: &Request<'_>,
    response: impl Into<ResponseHead<'r>>,
    profile: &Profile,
) -> Result<Exposure<'r>, CorsError> {
    let response = response.into();
    let tainting = match main_fetch_path(request)? {
        Path::Basic(_) => ResponseTainting::Basic,
        Path::Opaque => ResponseTainting::Opaque,
        Path::Cors => ResponseTainting::Cors,
    };
    // HTTP fetch step 4.4: the CORS check comes before the redirect-mode switch.
    let checked = Checked::check(request, tainting, &response, Stage::Response, profile)?;
    let switch = redirect_switch(request, &response, profile);
    Exposure::filter(request, checked, &switch, response, profile)
}

/// Main fetch step 14.1: the CORS-exposed header-name list.
fn cors_filter<'r>(
    request: &Request<'_>,
    proof: CorsOk,
    headers: &'r HeaderMap,
    profile: &Profile,
) -> Filter<'r> {
    let extra = profile.extra_safelisted_response_headers;
    // A list that fails to parse leaves the exposed list empty.
    let exposed = extract_header_list_values(headers, &ACCESS_CONTROL_EXPOSE_HEADERS)
        .ok()
        .flatten();
    let star = exposed.as_ref().is_some_and(ListValues::has_star);
    let include = request.credentials_mode() == CredentialsMode::Include;
    Filter::Cors {
        proof,
        all: star && !include,
        exposed: NameSet::new(exposed),
        extra,
        star_extra: if star && include {
            profile.exposed_by_star_with_credentials
        } else {
            &[]
        },
    }
}
