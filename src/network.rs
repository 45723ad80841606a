//! What HTTP-network-or-cache fetch adds to a request for CORS: the `Origin` header and the
//! decision to include credentials.
//!
//! Both depend on the response tainting main fetch chose, which the caller passes in (from
//! [`Classification::tainting`](crate::Classification::tainting)).
//!
//! ```
//! use fetch_cors::{network, Origin, Request, ResponseTainting};
//!
//! let page = Origin::parse("https://app.example").unwrap();
//! let (parts, ()) = http::Request::get("https://api.example/").body(()).unwrap().into_parts();
//! let req = Request::from_parts(&parts, &page).unwrap();
//! assert_eq!(network::origin_header(&req, ResponseTainting::Cors), Some("https://app.example"));
//! // Default credentials mode "same-origin" and a CORS request: no cookies.
//! assert!(!network::include_credentials(&req, ResponseTainting::Cors));
//! ```

use http::Method;

use crate::profile::Profile;
use crate::request::{CredentialsMode, Destination, Mode, Request, ResponseTainting};

/// The referrer policies that change the `Origin` header of a non-CORS request.
/// <https://w3c.github.io/webappsec-referrer-policy/#referrer-policies>
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReferrerPolicy {
    /// `no-referrer`.
    NoReferrer,
    /// `no-referrer-when-downgrade`.
    NoReferrerWhenDowngrade,
    /// `same-origin`.
    SameOrigin,
    /// `origin`.
    Origin,
    /// `strict-origin`.
    StrictOrigin,
    /// `origin-when-cross-origin`.
    OriginWhenCrossOrigin,
    /// `strict-origin-when-cross-origin`, the default.
    #[default]
    StrictOriginWhenCrossOrigin,
    /// `unsafe-url`.
    UnsafeUrl,
}

/// The value of the `Origin` header the request carries, if any, under the default referrer
/// policy. See [`origin_header_with_policy`].
pub fn origin_header<'r>(request: &'r Request<'_>, tainting: ResponseTainting) -> Option<&'r str> {
    origin_header_with_policy(request, tainting, ReferrerPolicy::default())
}

/// *Append a request `Origin` header*.
///
/// <https://fetch.spec.whatwg.org/#append-a-request-origin-header>: CORS requests (and
/// WebSocket handshakes) always carry the serialized request origin, `null` after a tainting
/// redirect; other requests carry it only when the method is neither GET nor HEAD, and then
/// the referrer policy may turn it into `null`.
pub fn origin_header_with_policy<'r>(
    request: &'r Request<'_>,
    tainting: ResponseTainting,
    policy: ReferrerPolicy,
) -> Option<&'r str> {
    // Step 2.
    let serialized = request.serialized_origin();
    // Step 3.
    if tainting == ResponseTainting::Cors || request.mode() == Mode::WebSocket {
        return Some(serialized);
    }
    // Step 4.
    let method = request.method();
    if *method == Method::GET || *method == Method::HEAD {
        return None;
    }
    if request.mode() == Mode::Cors {
        return Some(serialized);
    }
    let downgrade = request
        .origin()
        .as_tuple()
        .is_some_and(|t| t.scheme() == "https")
        && request.url().scheme() != "https";
    let null = match policy {
        ReferrerPolicy::NoReferrer => true,
        ReferrerPolicy::NoReferrerWhenDowngrade
        | ReferrerPolicy::StrictOrigin
        | ReferrerPolicy::StrictOriginWhenCrossOrigin => downgrade,
        ReferrerPolicy::SameOrigin => !request.is_same_origin(),
        ReferrerPolicy::Origin
        | ReferrerPolicy::OriginWhenCrossOrigin
        | ReferrerPolicy::UnsafeUrl => false,
    };
    Some(if null { "null" } else { serialized })
}

/// The `Origin` header `profile`'s engine puts on the request: the standard's
/// [`origin_header`], then the engine's departures for `GET` and `HEAD` requests with a
/// non-empty destination (element and font loads), which the standard leaves without one:
/// [`InitiatorRules`](crate::profile::InitiatorRules) `origin_on_same_origin_cors_loads` and
/// `null_origin_on_opaque_no_cors_loads`.
pub fn origin_header_for<'r>(
    request: &'r Request<'_>,
    tainting: ResponseTainting,
    profile: &Profile,
) -> Option<&'r str> {
    let standard = origin_header(request, tainting);
    if standard.is_some() || request.destination() == Destination::Empty {
        return standard;
    }
    let rules = &profile.initiators;
    match request.mode() {
        Mode::Cors if rules.origin_on_same_origin_cors_loads => Some(request.serialized_origin()),
        Mode::NoCors
            if rules.null_origin_on_opaque_no_cors_loads
                && request.origin().as_tuple().is_none() =>
        {
            Some("null")
        }
        _ => None,
    }
}

/// *includeCredentials*: whether cookies and HTTP authentication go with the request.
///
/// <https://fetch.spec.whatwg.org/#concept-http-network-or-cache-fetch> step 8.3: credentials
/// mode `include`, or `same-origin` while the tainting is still `basic`. A preflight never
/// includes credentials (its credentials mode is `same-origin` and its tainting `cors`).
pub fn include_credentials(request: &Request<'_>, tainting: ResponseTainting) -> bool {
    match request.credentials_mode() {
        CredentialsMode::Include => true,
        CredentialsMode::SameOrigin => tainting == ResponseTainting::Basic,
        CredentialsMode::Omit => false,
    }
}

/// Whether `profile`'s engine includes credentials: the standard's [`include_credentials`],
/// or, where [`RedirectRules::no_cors_keeps_first_hop_credentials`] says so, a `no-cors` fetch
/// whose first hop went out with them.
///
/// [`RedirectRules::no_cors_keeps_first_hop_credentials`]: crate::profile::RedirectRules
pub fn include_credentials_for(
    request: &Request<'_>,
    tainting: ResponseTainting,
    profile: &Profile,
) -> bool {
    include_credentials(request, tainting)
        || (profile.redirect.no_cors_keeps_first_hop_credentials
            && request.mode() == Mode::NoCors
            && request
                .history()
                .first_hop_credentialed(request.credentials_mode()))
}
