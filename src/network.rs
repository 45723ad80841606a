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

use crate::request::{CredentialsMode, Mode, Request, ResponseTainting};

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
