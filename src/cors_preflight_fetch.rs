//! CORS-preflight fetch: the `OPTIONS` request a browser sends, and the validation of its
//! response.
//!
//! <https://fetch.spec.whatwg.org/#cors-preflight-fetch-0>, in two halves:
//!
//! - [`parse_preflight_response`] runs the CORS and status checks and parses the lists
//!   (steps 7 to 7.4 and 7.8-7.10), giving a [`ParsedPreflight`]: what the server allowed.
//! - [`check_preflight_grant`] asks whether that covers the request (steps 7.5-7.7) and only
//!   then gives a [`PreflightGrant`].
//!
//! A [`PreflightGrant`] is what [`PreflightCache::store`](crate::PreflightCache::store)
//! takes, so nothing the standard would not cache can be cached by accident. The one engine
//! that caches before validating has its own named path,
//! [`PreflightCache::store_before_validation`](crate::PreflightCache::store_before_validation).
//!
//! The engine rules for preflights after a redirect (which origin the preflight carries and
//! is checked against, which header names it lists) are applied here, from the request's
//! [`FetchHistory`](crate::FetchHistory).
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
use http::{HeaderName, HeaderValue, Method};

use crate::cors_check::{cors_check, cors_check_for};
use crate::error::{CorsError, RequestError, Stage};
use crate::header::safelist::{
    cors_unsafe_request_header_names, is_cors_non_wildcard_request_header_name,
    preflight_header_names,
};
use crate::header::values::{ListValues, MaxAge, NameSet, extract_header_list_values, max_age};
use crate::origin::RedirectTaint;
use crate::profile::{MethodMatch, PreflightErrorOrder, Profile, TaintedPreflightCheck};
use crate::request::{CredentialsMode, Request};
use crate::response::{ResponseHead, is_ok_status, is_redirect_status};

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
    let names = preflight_header_names(
        request,
        cors_unsafe_request_header_names(request.headers(), &profile.safelist),
        profile,
    );
    build_preflight_request(request, &names, profile)
}

/// [`preflight_request`] with the CORS-unsafe names main fetch already found for the hop.
pub(crate) fn build_preflight_request(
    request: &Request<'_>,
    names: &[&HeaderName],
    profile: &Profile,
) -> Result<http::Request<()>, RequestError> {
    let rules = profile.redirect;
    let url = request.url();
    let invalid = |reason: String| RequestError::InvalidUrl {
        uri: url.to_string(),
        reason,
    };
    let uri: http::Uri = url
        .as_str()
        .parse()
        .map_err(|e: http::uri::InvalidUri| invalid(e.to_string()))?;
    let value = |bytes: &[u8]| HeaderValue::from_bytes(bytes).map_err(|e| invalid(e.to_string()));
    // Built in place: the `http` builder re-validates every name and value it is given.
    let mut preflight = http::Request::new(());
    *preflight.method_mut() = Method::OPTIONS;
    *preflight.uri_mut() = uri;
    let headers = preflight.headers_mut();
    headers.reserve(4);
    // Step 2.
    headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
    // Step 3: the method as normalized, byte for byte.
    headers.insert(
        ACCESS_CONTROL_REQUEST_METHOD,
        value(request.method().as_str().as_bytes())?,
    );
    // Steps 4-5, with the names main fetch decided (`preflight_header_names`).
    if !names.is_empty() {
        let mut list = Vec::with_capacity(names.iter().map(|n| n.as_str().len() + 1).sum());
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                list.push(b',');
            }
            list.extend_from_slice(name.as_str().as_bytes());
        }
        headers.insert(ACCESS_CONTROL_REQUEST_HEADERS, value(&list)?);
    }
    // One engine sends the page's origin on a preflight even after a tainting redirect.
    let origin = if rules.preflight_origin_untainted {
        request.origin_with_taint(RedirectTaint::SameOrigin)
    } else {
        request.serialized_origin()
    };
    headers.insert(ORIGIN, value(origin.as_bytes())?);
    Ok(preflight)
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

/// A preflight response that passed the CORS and status checks, with its lists parsed: what
/// the server allowed, not yet compared with the request.
///
/// Made by [`parse_preflight_response`]. It cannot be cached as it is (the cache takes a
/// [`PreflightGrant`]); [`check_preflight_grant`] turns it into one when it covers the request.
#[derive(Clone, Debug)]
pub struct ParsedPreflight<'r> {
    methods: Methods<'r>,
    header_names: Option<ListValues<'r>>,
    max_age: MaxAge,
    credentials: bool,
}

/// Proof that a preflight response passed every check of CORS-preflight fetch step 7 for a
/// request: the CORS check, an ok status, well-formed `Access-Control-Allow-Methods` and
/// `-Allow-Headers`, and the request's method and CORS-unsafe header names all allowed.
///
/// Only [`check_preflight_grant`] (and so [`check_preflight_response`]) makes one. It is
/// what [`PreflightCache::store`](crate::PreflightCache::store) takes. It borrows the
/// response's headers; the cache copies what it keeps.
#[derive(Clone, Debug)]
pub struct PreflightGrant<'r> {
    parsed: ParsedPreflight<'r>,
}

impl<'r> ParsedPreflight<'r> {
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

impl<'r> PreflightGrant<'r> {
    /// What the validated preflight response allowed.
    pub fn parsed(&self) -> &ParsedPreflight<'r> {
        &self.parsed
    }

    /// The allowed methods; see [`ParsedPreflight::methods`].
    pub fn methods(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.parsed.methods()
    }

    /// The allowed header names; see [`ParsedPreflight::header_names`].
    pub fn header_names(&self) -> impl Iterator<Item = &'r [u8]> + '_ {
        self.parsed.header_names()
    }

    /// The max-age, after the profile's parsing and cap.
    pub fn max_age(&self) -> MaxAge {
        self.parsed.max_age
    }

    /// Whether the preflight was for a request with credentials mode `include`.
    pub fn credentials(&self) -> bool {
        self.parsed.credentials
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
    let parsed = parse_preflight_response(request, response, profile)?;
    check_preflight_grant(request, parsed, profile)
}

/// The first half of [`check_preflight_response`]: the redirect, CORS and status checks
/// (step 7's condition), the list parsing (steps 7.1–7.4) and the max-age (steps 7.8–7.10).
///
/// After a tainting redirect the profile chooses the origin the CORS check expects
/// ([`RedirectRules::tainted_preflight_checked_against`](crate::profile::RedirectRules)), and
/// one engine does not check a preflight to the page's own origin at all.
pub fn parse_preflight_response<'r>(
    request: &Request<'_>,
    response: impl Into<ResponseHead<'r>>,
    profile: &Profile,
) -> Result<ParsedPreflight<'r>, CorsError> {
    let response = response.into();
    let status = response.status;
    let rules = profile.redirect;
    // Both rules concern a preflight after a redirect; a first hop is checked as the standard says.
    let redirected = request.redirect_count() > 0;
    let unchecked =
        redirected && rules.preflight_to_own_origin_unchecked && request.is_same_origin();
    let against_page = redirected
        && match rules.tainted_preflight_checked_against {
            TaintedPreflightCheck::Null => false,
            TaintedPreflightCheck::PageOrigin => true,
        };
    let cors = || {
        if unchecked {
            return Ok(());
        }
        if against_page {
            let page = request.origin_with_taint(RedirectTaint::SameOrigin);
            let include = request.credentials_mode() == CredentialsMode::Include;
            return cors_check_for(page, include, &response, Stage::Preflight, profile).map(|_| ());
        }
        cors_check(request, &response, Stage::Preflight, profile).map(|_| ())
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
            cors()?;
            if !is_ok_status(status) {
                return Err(status_error);
            }
        }
        PreflightErrorOrder::StatusFirst => {
            if !is_ok_status(status) {
                return Err(status_error);
            }
            cors()?;
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
    Ok(ParsedPreflight {
        methods,
        header_names,
        max_age: max_age(response.headers, &profile.max_age),
        credentials: include,
    })
}

/// The second half of [`check_preflight_response`]: whether what the preflight allowed
/// covers `request`'s method (step 7.5) and its headers (steps 7.6–7.7). Only this makes a
/// [`PreflightGrant`].
pub fn check_preflight_grant<'r>(
    request: &Request<'_>,
    parsed: ParsedPreflight<'r>,
    profile: &Profile,
) -> Result<PreflightGrant<'r>, CorsError> {
    let names = preflight_header_names(
        request,
        cors_unsafe_request_header_names(request.headers(), &profile.safelist),
        profile,
    );
    check_grant_for(request, parsed, &names, profile)
}

/// [`check_preflight_grant`] with the CORS-unsafe names main fetch already found for the hop.
pub(crate) fn check_grant_for<'r>(
    request: &Request<'_>,
    parsed: ParsedPreflight<'r>,
    unsafe_names: &[&HeaderName],
    profile: &Profile,
) -> Result<PreflightGrant<'r>, CorsError> {
    let include = parsed.credentials;
    let header_names = &parsed.header_names;
    // Step 7.5.
    let method = request.method();
    if !crate::method::is_cors_safelisted_method(method) {
        let allowed = match &parsed.methods {
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

    let star = header_names
        .as_ref()
        .is_some_and(|l| l.contains_exact(b"*"));
    let wildcard = !include && star;
    let listed = NameSet::new(header_names.clone());
    let not_allowed = |name: &HeaderName| CorsError::HeaderNotAllowed {
        name: name.clone(),
        wildcard_present: star,
    };
    // Step 7.6: `*` never covers a CORS non-wildcard request-header name (Authorization),
    // unless the profile's engine lets it.
    for name in request.headers().keys() {
        let bytes = name.as_str().as_bytes();
        if is_cors_non_wildcard_request_header_name(bytes)
            && !listed.contains(bytes)
            && !(wildcard && profile.authorization_covered_by_wildcard)
        {
            return Err(not_allowed(name));
        }
    }
    // Step 7.7.
    if !wildcard {
        for name in unsafe_names {
            if !listed.contains(name.as_str().as_bytes()) {
                return Err(not_allowed(name));
            }
        }
    }
    Ok(PreflightGrant { parsed })
}
