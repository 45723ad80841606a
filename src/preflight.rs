//! The CORS-preflight fetch: the `OPTIONS` request a browser sends, and the validation of
//! its response.
//!
//! <https://fetch.spec.whatwg.org/#cors-preflight-fetch-0>. Validation yields a
//! [`PreflightGrant`], which only this module can make and which is what a preflight cache
//! stores, so nothing can be cached that did not pass.
//!
//! ```
//! use fetch_cors::{check_preflight_response, preflight_request, Origin, Profile, Request};
//!
//! let page = Origin::parse("https://app.example").unwrap();
//! let (parts, ()) = http::Request::put("https://api.example/items/1")
//!     .header("X-Trace", "1")
//!     .body(()).unwrap().into_parts();
//! let req = Request::from_parts(&parts, &page).unwrap();
//!
//! let preflight = preflight_request(&req, &Profile::SPEC).unwrap();
//! assert_eq!(preflight.method(), http::Method::OPTIONS);
//! assert_eq!(preflight.headers()["access-control-request-method"], "PUT");
//! assert_eq!(preflight.headers()["access-control-request-headers"], "x-trace");
//! assert_eq!(preflight.headers()["origin"], "https://app.example");
//!
//! let answer = http::Response::builder()
//!     .status(204)
//!     .header("access-control-allow-origin", "https://app.example")
//!     .header("access-control-allow-methods", "PUT")
//!     .header("access-control-allow-headers", "X-Trace")
//!     .header("access-control-max-age", "600")
//!     .body(()).unwrap();
//! let grant = check_preflight_response(&req, &answer, &Profile::SPEC).unwrap();
//! assert_eq!(grant.max_age(), fetch_cors::MaxAge::Seconds(600));
//! ```

use http::header::{
    ACCEPT, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, LOCATION, ORIGIN,
};
use http::{HeaderValue, Method};

use crate::check::{ResponseHead, cors_check, is_ok_status, is_redirect_status};
use crate::error::{CorsError, RequestError, Stage};
use crate::header::safelist::{
    UnsafeNames, cors_unsafe_request_header_names, is_cors_non_wildcard_request_header_name,
};
use crate::header::values::{ListValues, MaxAge, extract_header_list_values, max_age};
use crate::profile::{MethodMatch, PreflightErrorOrder, Profile};
use crate::request::{CredentialsMode, Request};

/// Builds the CORS-preflight request a browser sends before `request`.
///
/// <https://fetch.spec.whatwg.org/#cors-preflight-fetch-0> steps 1–5: `OPTIONS` to the
/// current URL with `Accept: */*`, `Access-Control-Request-Method`,
/// `Access-Control-Request-Headers` (the CORS-unsafe request-header names, lowercase, sorted,
/// joined by `,` without spaces, absent when there are none) and `Origin`. It carries no
/// credentials and none of the request's own headers.
pub fn preflight_request(
    request: &Request<'_>,
    profile: &Profile,
) -> Result<http::Request<()>, RequestError> {
    let names = cors_unsafe_request_header_names(request.headers(), &profile.safelist);
    build_preflight(request, &names)
}

pub(crate) fn build_preflight(
    request: &Request<'_>,
    names: &UnsafeNames<'_>,
) -> Result<http::Request<()>, RequestError> {
    let url = request.url();
    let invalid = |reason: String| RequestError::InvalidUrl {
        uri: url.to_string(),
        reason,
    };
    let uri: http::Uri = url
        .as_str()
        .parse()
        .map_err(|e: http::uri::InvalidUri| invalid(e.to_string()))?;
    let mut builder = http::Request::builder()
        .method(Method::OPTIONS)
        .uri(uri)
        // Step 2.
        .header(ACCEPT, HeaderValue::from_static("*/*"))
        // Step 3: the method as normalized, byte for byte.
        .header(ACCESS_CONTROL_REQUEST_METHOD, request.method().as_str());
    // Steps 4-5.
    if !names.is_empty() {
        let mut value = Vec::with_capacity(names.iter().map(|n| n.as_str().len() + 1).sum());
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                value.push(b',');
            }
            value.extend_from_slice(name.as_str().as_bytes());
        }
        builder = builder.header(ACCESS_CONTROL_REQUEST_HEADERS, value);
    }
    builder = builder.header(ORIGIN, request.serialized_origin());
    builder.body(()).map_err(|e| invalid(e.to_string()))
}

/// The methods a preflight response allows.
#[derive(Clone, Debug)]
enum Methods<'r> {
    /// `Access-Control-Allow-Methods` was absent.
    None,
    /// Absent, but the use-CORS-preflight flag puts the request's own method in (step 7.4).
    RequestMethod(Method),
    /// The parsed list.
    Listed(ListValues<'r>),
}

/// A successful preflight: what `Access-Control-Allow-Methods`, `-Allow-Headers` and
/// `-Max-Age` granted, for the request's credentials mode.
///
/// Only [`check_preflight_response`] makes one. It borrows the response's headers; a cache
/// copies what it keeps.
#[derive(Clone, Debug)]
pub struct PreflightGrant<'r> {
    methods: Methods<'r>,
    header_names: Option<ListValues<'r>>,
    max_age: MaxAge,
    credentials: bool,
}

impl<'r> PreflightGrant<'r> {
    /// The allowed methods, as sent (`*` included), plus the request's method when the
    /// use-CORS-preflight flag put it there.
    pub fn methods(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let (list, single): (Option<ListValues<'r>>, Option<&[u8]>) = match &self.methods {
            Methods::None => (None, None),
            Methods::RequestMethod(m) => (None, Some(m.as_str().as_bytes())),
            Methods::Listed(l) => (Some(l.clone()), None),
        };
        // ListValues is invariant in its lifetime; shorten each item instead.
        list.into_iter()
            .flatten()
            .map(|m| -> &[u8] { m })
            .chain(single)
    }

    /// The allowed header names, as sent (`*` included).
    pub fn header_names(&self) -> impl Iterator<Item = &'r [u8]> + '_ {
        self.header_names.iter().flat_map(|l| l.clone())
    }

    /// The max-age, after the profile's parsing and cap.
    pub fn max_age(&self) -> MaxAge {
        self.max_age
    }

    /// Whether the preflight was for a request with credentials mode `include`.
    pub fn credentials(&self) -> bool {
        self.credentials
    }
}

/// Validates a preflight response for `request`.
///
/// <https://fetch.spec.whatwg.org/#cors-preflight-fetch-0> steps 7–10: the CORS check with
/// the actual request's credentials mode and an ok status; `Access-Control-Allow-Methods` and
/// `-Allow-Headers` parsed as token lists (a parse failure is a network error); the method and
/// every CORS-unsafe header name allowed, where `*` is a wildcard only without credentials and
/// never covers `Authorization` unless the profile says so; and the max-age.
///
/// The same as [`parse_preflight_response`] followed by [`check_preflight_grant`].
pub fn check_preflight_response<'r>(
    request: &Request<'_>,
    response: impl Into<ResponseHead<'r>>,
    profile: &Profile,
) -> Result<PreflightGrant<'r>, CorsError> {
    let grant = parse_preflight_response(request, response, profile)?;
    check_preflight_grant(request, &grant, profile)?;
    Ok(grant)
}

/// The first half of [`check_preflight_response`]: the redirect, CORS and status checks
/// (step 7's condition), the list parsing (steps 7.1–7.4) and the max-age (steps 7.8–7.10).
///
/// A grant from here says what the server allowed; whether that covers `request` is
/// [`check_preflight_grant`]'s question. An engine that caches a preflight before asking it
/// ([`CacheRules::store_before_validation`](crate::profile::CacheRules)) stores this.
pub fn parse_preflight_response<'r>(
    request: &Request<'_>,
    response: impl Into<ResponseHead<'r>>,
    profile: &Profile,
) -> Result<PreflightGrant<'r>, CorsError> {
    parse(request, response.into(), profile, true)
}

/// [`parse_preflight_response`] without the CORS check, for an engine that does not check a
/// preflight from the page's own origin.
pub(crate) fn parse_preflight_response_unchecked<'r>(
    request: &Request<'_>,
    response: ResponseHead<'r>,
    profile: &Profile,
) -> Result<PreflightGrant<'r>, CorsError> {
    parse(request, response, profile, false)
}

fn parse<'r>(
    request: &Request<'_>,
    response: ResponseHead<'r>,
    profile: &Profile,
    check_cors: bool,
) -> Result<PreflightGrant<'r>, CorsError> {
    let status = response.status;
    let cors = |request| {
        if check_cors {
            cors_check(request, &response, Stage::Preflight, profile).map(|_| ())
        } else {
            Ok(())
        }
    };
    // A preflight is fetched with redirect mode "manual" semantics: a redirect is a failure.
    if is_redirect_status(status) && response.headers.contains_key(LOCATION) {
        return Err(CorsError::PreflightDisallowedRedirect {
            status: status.as_u16(),
        });
    }
    // Step 7's condition. Which failure is reported first is the profile's choice.
    let status_error = CorsError::PreflightInvalidStatus {
        status: status.as_u16(),
    };
    match profile.preflight_error_order {
        PreflightErrorOrder::CorsCheckFirst => {
            cors(request)?;
            if !is_ok_status(status) {
                return Err(status_error);
            }
        }
        PreflightErrorOrder::StatusFirst => {
            if !is_ok_status(status) {
                return Err(status_error);
            }
            cors(request)?;
        }
    }
    let include = request.credentials_mode() == CredentialsMode::Include;

    // Steps 7.1-7.3.
    let listed = extract_header_list_values(response.headers, &ACCESS_CONTROL_ALLOW_METHODS)
        .map_err(|e| CorsError::InvalidAllowMethods {
            value: String::from_utf8_lossy(e.element()).into_owned(),
        })?;
    let header_names = extract_header_list_values(response.headers, &ACCESS_CONTROL_ALLOW_HEADERS)
        .map_err(|e| CorsError::InvalidAllowHeaders {
            value: String::from_utf8_lossy(e.element()).into_owned(),
        })?;
    // Step 7.4.
    let methods = match listed {
        Some(l) => Methods::Listed(l),
        None if request.use_cors_preflight() => Methods::RequestMethod(request.method().clone()),
        None => Methods::None,
    };

    // Steps 7.8-7.10.
    Ok(PreflightGrant {
        methods,
        header_names,
        max_age: max_age(response.headers, &profile.max_age),
        credentials: include,
    })
}

/// The second half of [`check_preflight_response`]: whether `grant` allows `request`'s method
/// (step 7.5) and its headers (steps 7.6–7.7).
pub fn check_preflight_grant(
    request: &Request<'_>,
    grant: &PreflightGrant<'_>,
    profile: &Profile,
) -> Result<(), CorsError> {
    let include = grant.credentials;
    let methods = &grant.methods;
    let header_names = &grant.header_names;
    // Step 7.5.
    let method = request.method();
    if !crate::method::is_cors_safelisted_method(method) {
        let allowed = match methods {
            Methods::None => false,
            Methods::RequestMethod(_) => true,
            Methods::Listed(l) => {
                let in_list = match profile.method_match {
                    MethodMatch::Exact => l.contains_exact(method.as_str().as_bytes()),
                    MethodMatch::UppercaseRequestMethod => l.clone().any(|m| {
                        m.eq_ignore_ascii_case(method.as_str().as_bytes())
                            && m.iter().all(|b| !b.is_ascii_lowercase())
                    }),
                };
                in_list || (!include && l.contains_exact(b"*"))
            }
        };
        if !allowed {
            return Err(CorsError::MethodNotAllowed {
                method: method.clone(),
            });
        }
    }

    let wildcard = !include
        && header_names
            .as_ref()
            .is_some_and(|l| l.contains_exact(b"*"));
    let listed_name = |name: &[u8]| {
        header_names
            .as_ref()
            .is_some_and(|l| l.contains_ignore_ascii_case(name))
    };
    // Step 7.6: `*` never covers a CORS non-wildcard request-header name (Authorization),
    // unless the profile's engine lets it.
    for name in request.headers().keys() {
        let bytes = name.as_str().as_bytes();
        if is_cors_non_wildcard_request_header_name(bytes)
            && !listed_name(bytes)
            && !(wildcard && profile.authorization_covered_by_wildcard)
        {
            return Err(CorsError::HeaderNotAllowed {
                name: name.clone(),
                wildcard_present: header_names
                    .as_ref()
                    .is_some_and(|l| l.contains_exact(b"*")),
            });
        }
    }
    // Step 7.7.
    for name in cors_unsafe_request_header_names(request.headers(), &profile.safelist) {
        if !listed_name(name.as_str().as_bytes()) && !wildcard {
            return Err(CorsError::HeaderNotAllowed {
                name: name.clone(),
                wildcard_present: header_names
                    .as_ref()
                    .is_some_and(|l| l.contains_exact(b"*")),
            });
        }
    }

    Ok(())
}
