//! HTTP-redirect fetch: what a redirect response does to a request, as pure functions.
//!
//! <https://fetch.spec.whatwg.org/#concept-http-redirect-fetch>. Everything the standard and
//! each engine do with a redirect lives here and takes only the request view, the response
//! and the profile, so it can be called without a [`CorsFetch`](crate::CorsFetch) and gives
//! the machine's answers:
//!
//! 1. [`location`]: the `Location` value, as the profile reads it (several headers, empty).
//! 2. [`redirect_switch`]: HTTP fetch's switch on the redirect mode for a redirect status.
//! 3. [`http_redirect_fetch`]: the checks on the target (scheme, count, credentials), the
//!    method rewrite with the headers and body it removes, `Authorization` across origins,
//!    and the redirect-taint of the longer URL list. It returns a [`Redirect`] to apply.
//!
//! ```
//! use fetch_cors::http_redirect_fetch::{http_redirect_fetch, location, BodyAction, Location};
//! use fetch_cors::{Origin, Profile, Request, ResponseHead};
//!
//! let page = Origin::parse("https://app.example").unwrap();
//! let (parts, ()) = http::Request::post("https://api.example/form")
//!     .header("content-type", "text/plain")
//!     .body(()).unwrap().into_parts();
//! let request = Request::from_parts(&parts, &page).unwrap();
//! let response = http::Response::builder()
//!     .status(303)
//!     .header("location", "/done")
//!     .body(()).unwrap();
//! let head = ResponseHead::from(&response);
//! let target = location(&head, &Profile::SPEC);
//! assert_eq!(target, Location::Value("/done".into()));
//! let redirect = http_redirect_fetch(&request, &head, &target, &Profile::SPEC).unwrap();
//! assert_eq!(redirect.url.as_str(), "https://api.example/done");
//! assert_eq!(redirect.method, http::Method::GET); // 303 turns POST into GET ...
//! assert_eq!(redirect.body, BodyAction::Drop); // ... without its body
//! assert!(redirect.removed_headers.contains(&http::header::CONTENT_TYPE));
//! ```

use http::header::{
    AUTHORIZATION, CONTENT_ENCODING, CONTENT_LANGUAGE, CONTENT_LOCATION, CONTENT_TYPE, LOCATION,
};
use http::{HeaderMap, HeaderName, Method, StatusCode};
use smallvec::SmallVec;
use url::Url;

use crate::error::CorsError;
use crate::network::origin_header_for;
use crate::origin::{Origin, RedirectTaint};
use crate::profile::{EmptyLocation, Profile};
use crate::request::{Mode, RedirectMode, Request, ResponseTainting};
use crate::response::{ResponseHead, is_redirect_status};

/// The most redirects a fetch follows. <https://fetch.spec.whatwg.org/#concept-http-redirect-fetch> step 7.
pub const REDIRECT_LIMIT: u8 = 20;

/// A redirect response's `Location`, as the profile reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// No usable `Location`: the response is not followed (it is the final response).
    Absent,
    /// The value to parse against the current URL.
    Value(String),
    /// A `Location` that makes the fetch a network error (several headers, or an empty one
    /// in some engines).
    Invalid(String),
}

/// The `Location` of `response`, as `profile`'s engine reads it: the standard's *location
/// URL* steps 1-2 (extract header list values; several values fail) plus the engines' ways
/// with several headers and an empty value.
pub fn location(response: &ResponseHead<'_>, profile: &Profile) -> Location {
    let rules = profile.redirect;
    let values: SmallVec<[&[u8]; 2]> = response
        .headers
        .get_all(LOCATION)
        .iter()
        .map(|v| v.as_bytes())
        .collect();
    let value = match values.as_slice() {
        [] => return Location::Absent,
        [one] => String::from_utf8_lossy(one).into_owned(),
        // Several Location headers fail extract header list values, unless joined.
        many if rules.join_multiple_locations => many
            .iter()
            .map(|v| String::from_utf8_lossy(v))
            .collect::<Vec<_>>()
            .join(", "),
        _ => return Location::Invalid("(several Location headers)".into()),
    };
    if value.is_empty() {
        return match rules.empty_location {
            EmptyLocation::FollowToSameUrl => Location::Value(value),
            EmptyLocation::NotARedirect => Location::Absent,
            EmptyLocation::NetworkError => Location::Invalid(value),
        };
    }
    Location::Value(value)
}

/// What HTTP fetch does with a response, by its status and the request's redirect mode.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectSwitch {
    /// Not a redirect, or one without a usable `Location` under mode `follow`: the response
    /// is final.
    NotARedirect,
    /// Redirect mode `error`: a network error.
    Error,
    /// Redirect mode `manual`: an opaque-redirect filtered response.
    Manual,
    /// Redirect mode `follow`: run [`http_redirect_fetch`] with the response's [`location`].
    Follow,
}

/// Whether [`location`] would be other than [`Location::Absent`], without allocating.
fn has_location(response: &ResponseHead<'_>, profile: &Profile) -> bool {
    let mut values = response.headers.get_all(LOCATION).iter();
    match (values.next(), values.next()) {
        (None, _) => false,
        (Some(one), None) if one.is_empty() => {
            profile.redirect.empty_location != EmptyLocation::NotARedirect
        }
        _ => true,
    }
}

/// HTTP fetch step 6.3 (the switch on the request's redirect mode), for `response`.
///
/// <https://fetch.spec.whatwg.org/#concept-http-fetch>. Under mode `follow` a redirect
/// without a `Location` is the final response (HTTP-redirect fetch step 4). Under mode
/// `error`, an engine that wants a `Location` before a status counts as a redirect
/// ([`RedirectRules::error_mode_needs_location`](crate::profile::RedirectRules)) returns a
/// bare 3xx as a response.
pub fn redirect_switch(
    request: &Request<'_>,
    response: &ResponseHead<'_>,
    profile: &Profile,
) -> RedirectSwitch {
    if !is_redirect_status(response.status) {
        return RedirectSwitch::NotARedirect;
    }
    match request.redirect_mode() {
        RedirectMode::Error => {
            if profile.redirect.error_mode_needs_location && !has_location(response, profile) {
                RedirectSwitch::NotARedirect
            } else {
                RedirectSwitch::Error
            }
        }
        // A navigation's manual redirect is the navigation's business, not an opaque response.
        RedirectMode::Manual if request.mode() == Mode::Navigate => RedirectSwitch::NotARedirect,
        RedirectMode::Manual => RedirectSwitch::Manual,
        RedirectMode::Follow if has_location(response, profile) => RedirectSwitch::Follow,
        RedirectMode::Follow => RedirectSwitch::NotARedirect,
    }
}

/// What happens to the request body on a redirect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BodyAction {
    /// The body is sent again to the new URL (307, 308, and methods left alone).
    Keep,
    /// The body is dropped: the method became `GET` (301/302 `POST`, 303).
    Drop,
}

/// A redirect to follow: the new URL and what changes in the request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Redirect {
    /// The location URL (with the current URL's fragment when it has none).
    pub url: Url,
    /// The method of the next request.
    pub method: Method,
    /// Whether the body goes again.
    pub body: BodyAction,
    /// The request headers the redirect removes (request-body-header names after a method
    /// rewrite, `Authorization` across origins), among those the request has.
    pub removed_headers: SmallVec<[HeaderName; 5]>,
    /// The redirect-taint of the URL list once `url` is appended.
    pub redirect_taint: RedirectTaint,
    /// Whether the next request keeps the `Origin` header this one carried even where the
    /// standard would not append one
    /// ([`RedirectRules::origin_kept_after_method_rewrite`](crate::profile::RedirectRules)).
    pub origin_kept: bool,
}

impl Redirect {
    /// Removes [`removed_headers`](Self::removed_headers) from `headers`.
    pub fn apply_to(&self, headers: &mut HeaderMap) {
        for name in &self.removed_headers {
            headers.remove(name);
        }
    }
}

/// HTTP-redirect fetch steps 3-18 for `request` and its redirect `response` whose `Location`
/// value is `location` (step 19, the referrer policy, is not modelled).
///
/// <https://fetch.spec.whatwg.org/#concept-http-redirect-fetch>. The request's tainting must
/// be the one main fetch set for this hop.
pub fn http_redirect_fetch(
    request: &Request<'_>,
    response: &ResponseHead<'_>,
    location: &Location,
    profile: &Profile,
) -> Result<Redirect, CorsError> {
    let current = request.url();
    // Step 3: the location URL, parsed against the current URL.
    let text = match location {
        Location::Value(text) => text,
        Location::Invalid(value) => {
            return Err(CorsError::InvalidLocation {
                value: value.clone(),
            });
        }
        Location::Absent => {
            return Err(CorsError::InvalidLocation {
                value: String::new(),
            });
        }
    };
    let mut url = current.join(text).map_err(|_| CorsError::InvalidLocation {
        value: text.clone(),
    })?;
    if url.fragment().is_none() {
        url.set_fragment(current.fragment());
    }
    // Step 6.
    if !matches!(url.scheme(), "http" | "https") {
        return Err(CorsError::RedirectSchemeNotHttp {
            url: url.to_string(),
        });
    }
    // Steps 7-8.
    if request.redirect_count() >= REDIRECT_LIMIT {
        return Err(CorsError::TooManyRedirects);
    }
    // Steps 9-10.
    let credentials = !url.username().is_empty() || url.password().is_some();
    let location_origin = Origin::from_url(&url);
    if credentials
        && ((request.mode() == Mode::Cors && !request.origin().same_origin(&location_origin))
            || request.tainting() == ResponseTainting::Cors
            || profile.redirect.reject_credentials_in_location)
    {
        return Err(CorsError::RedirectContainsCredentials {
            url: url.to_string(),
        });
    }
    let headers = request.headers();
    let mut removed_headers = SmallVec::new();
    // Step 12: 301/302 POST and 303 non-GET/HEAD become GET without a body; one engine also
    // turns a cross-origin DELETE into GET on the other redirect statuses.
    let status = response.status;
    let method = request.method();
    let current_origin = Origin::from_url(current);
    let cross_origin = !current_origin.same_origin(&location_origin);
    let rewrite = (matches!(status.as_u16(), 301 | 302) && *method == Method::POST)
        || (status == StatusCode::SEE_OTHER && *method != Method::GET && *method != Method::HEAD)
        || (profile.redirect.cross_origin_delete_becomes_get
            && cross_origin
            && *method == Method::DELETE
            && matches!(status.as_u16(), 301 | 302 | 307 | 308));
    if rewrite {
        for name in [
            CONTENT_ENCODING,
            CONTENT_LANGUAGE,
            CONTENT_LOCATION,
            CONTENT_TYPE,
        ] {
            if headers.contains_key(&name) {
                removed_headers.push(name);
            }
        }
    }
    // Step 13: Authorization does not cross origins.
    if cross_origin && headers.contains_key(AUTHORIZATION) {
        removed_headers.push(AUTHORIZATION);
    }
    // Step 18, and the redirect-taint of the longer URL list.
    let redirect_taint =
        request
            .redirect_taint()
            .then(request.origin(), &current_origin, &location_origin);
    Ok(Redirect {
        url,
        method: if rewrite { Method::GET } else { method.clone() },
        body: if rewrite {
            BodyAction::Drop
        } else {
            BodyAction::Keep
        },
        removed_headers,
        redirect_taint,
        origin_kept: rewrite
            && profile.redirect.origin_kept_after_method_rewrite
            && origin_header_for(request, request.tainting(), profile).is_some(),
    })
}
