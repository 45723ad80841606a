//! The `Cross-Origin-Resource-Policy` check and the TAO (`Timing-Allow-Origin`) check: the
//! two other response checks HTTP fetch runs beside the CORS check.
//!
//! CORP applies only where CORS does not: when the tainting or the response is opaque
//! (`no-cors`). TAO never blocks a response; it only decides whether timing details are shared.
//!
//! ```
//! use fetch_cors::corp::{cross_origin_resource_policy_check, EmbedderPolicy};
//! use fetch_cors::{Mode, Origin, Request, ResponseHead};
//!
//! let page = Origin::parse("https://app.example").unwrap();
//! let (parts, ()) = http::Request::get("https://cdn.other/img.png").extension(Mode::NoCors)
//!     .body(()).unwrap().into_parts();
//! let req = Request::from_parts(&parts, &page).unwrap();
//! let resp = http::Response::builder()
//!     .header("cross-origin-resource-policy", "same-origin").body(()).unwrap();
//! assert!(!cross_origin_resource_policy_check(&req, ResponseHead::from(&resp), EmbedderPolicy::UnsafeNone));
//! ```

use http::HeaderName;

use crate::header::values::{get, get_decode_split};
use crate::origin::Origin;
use crate::profile::Profile;
use crate::request::{Mode, Request, ResponseTainting};
use crate::response::ResponseHead;

/// The `Cross-Origin-Resource-Policy` response header.
pub const CROSS_ORIGIN_RESOURCE_POLICY: HeaderName =
    HeaderName::from_static("cross-origin-resource-policy");
/// The `Timing-Allow-Origin` response header.
pub const TIMING_ALLOW_ORIGIN: HeaderName = HeaderName::from_static("timing-allow-origin");

/// The request client's embedder policy value (COEP).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum EmbedderPolicy {
    /// `unsafe-none`, the default.
    #[default]
    UnsafeNone,
    /// `credentialless`.
    Credentialless,
    /// `require-corp`.
    RequireCorp,
}

/// Whether the *cross-origin resource policy check* allows `response` for `request`
/// (`true` = allowed). Only meaningful when the response is opaque; see
/// [`corp_applies`].
///
/// <https://fetch.spec.whatwg.org/#cross-origin-resource-policy-internal-check>. The value
/// is read with "get", so a repeated or list-valued header is no policy at all.
pub fn cross_origin_resource_policy_check(
    request: &Request<'_>,
    response: ResponseHead<'_>,
    embedder: EmbedderPolicy,
) -> bool {
    cross_origin_resource_policy_check_for(request, response, embedder, &Profile::SPEC)
}

/// [`cross_origin_resource_policy_check`] as `profile`'s engine runs it: under
/// [`Profile::corp_same_site_matches_ip_hosts`]` == false` (Chromium), `same-site` never
/// matches a response from an IP-literal host.
///
/// ```
/// use fetch_cors::corp::{cross_origin_resource_policy_check_for, EmbedderPolicy};
/// use fetch_cors::{Mode, Origin, Profile, Request, ResponseHead};
///
/// let page = Origin::parse("http://127.0.0.1:8801").unwrap();
/// let (parts, ()) = http::Request::get("http://127.0.0.1:8802/x").extension(Mode::NoCors)
///     .body(()).unwrap().into_parts();
/// let req = Request::from_parts(&parts, &page).unwrap();
/// let resp = http::Response::builder()
///     .header("cross-origin-resource-policy", "same-site").body(()).unwrap();
/// let check = |p: &Profile| {
///     cross_origin_resource_policy_check_for(&req, ResponseHead::from(&resp), EmbedderPolicy::UnsafeNone, p)
/// };
/// assert!(check(&Profile::SPEC));
/// assert!(!check(&Profile::CHROMIUM));
/// ```
pub fn cross_origin_resource_policy_check_for(
    request: &Request<'_>,
    response: ResponseHead<'_>,
    embedder: EmbedderPolicy,
    profile: &Profile,
) -> bool {
    let value = get(response.headers, &CROSS_ORIGIN_RESOURCE_POLICY);
    let mut policy = value.and_then(|v| match v.single() {
        Some(b"same-origin") => Some(Policy::SameOrigin),
        Some(b"same-site") => Some(Policy::SameSite),
        Some(b"cross-origin") => Some(Policy::CrossOrigin),
        _ => None,
    });
    if policy.is_none() {
        let navigation = request.mode() == Mode::Navigate;
        let credentials = crate::network::include_credentials(request, ResponseTainting::Opaque);
        policy = match embedder {
            EmbedderPolicy::UnsafeNone => None,
            EmbedderPolicy::Credentialless if credentials || navigation => Some(Policy::SameOrigin),
            EmbedderPolicy::Credentialless => None,
            EmbedderPolicy::RequireCorp => Some(Policy::SameOrigin),
        };
    }
    let origin = request.origin();
    match policy {
        None | Some(Policy::CrossOrigin) => true,
        Some(Policy::SameOrigin) => request.is_same_origin(),
        Some(Policy::SameSite) => {
            let target = Origin::from_url(request.url());
            let secure_ok = origin.as_tuple().is_some_and(|t| t.scheme() == "https")
                || request.url().scheme() != "https";
            let ip_host = matches!(
                request.url().host(),
                Some(url::Host::Ipv4(_) | url::Host::Ipv6(_))
            );
            origin.schemelessly_same_site(&target)
                && secure_ok
                && (profile.corp_same_site_matches_ip_hosts || !ip_host)
        }
    }
}

/// Whether HTTP fetch step 5 runs the CORP check: the tainting is `opaque`.
pub fn corp_applies(tainting: ResponseTainting) -> bool {
    tainting == ResponseTainting::Opaque
}

#[derive(Clone, Copy)]
enum Policy {
    SameOrigin,
    SameSite,
    CrossOrigin,
}

/// The *TAO check*: whether timing details of `response` may be shared with the page.
///
/// <https://fetch.spec.whatwg.org/#concept-tao-check>. `timing_allow_failed` is the request's
/// sticky flag from earlier redirects.
pub fn tao_check(
    request: &Request<'_>,
    response: ResponseHead<'_>,
    tainting: ResponseTainting,
    timing_allow_failed: bool,
) -> bool {
    // Step 2.
    if timing_allow_failed {
        return false;
    }
    // Steps 3-5.
    if let Some(values) = get_decode_split(response.headers, &TIMING_ALLOW_ORIGIN) {
        let serialized = request.serialized_origin().as_bytes();
        for v in values {
            if &*v == b"*" || &*v == serialized {
                return true;
            }
        }
    }
    // Step 6.
    if request.mode() == Mode::Navigate && !request.is_same_origin() {
        return false;
    }
    // Steps 7-8.
    tainting == ResponseTainting::Basic
}
