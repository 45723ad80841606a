//! HTTP fetch: the preflight (from the cache or the network) and the checks on each response.
//!
//! <https://fetch.spec.whatwg.org/#concept-http-fetch>. The steps that touch CORS, as
//! stateless functions over the request view, the response, the cache and the profile:
//!
//! - step 4.1: [`preflight_step`] asks the cache whether the hop's preflight is needed and
//!   builds it;
//! - steps 4.1.1-4.1.2 on the preflight's answer: [`handle_preflight_response`] validates it
//!   (CORS-preflight fetch: [`check_preflight_response`](crate::check_preflight_response)) and stores
//!   the grant;
//! - steps 4.4-6 on a response to the request: [`handle_response`] runs the CORS check, the
//!   CORP check and the redirect-mode switch, and either filters the final response or runs
//!   [`http_redirect_fetch`](crate::http_redirect_fetch).
//!
//! A failure says where it happened ([`FailedAt`]), because engines differ on which
//! failures clear the preflight cache (main fetch step 12).

use http::HeaderName;

use crate::cache::PreflightCache;
use crate::corp::{EmbedderPolicy, cross_origin_resource_policy_check_for};
use crate::cors_preflight_fetch::{
    build_preflight_request, check_grant_for, parse_preflight_response,
};
use crate::error::{CorsError, Stage};
use crate::filtered_response::{Checked, Exposure};
use crate::http_redirect_fetch::{
    Redirect, RedirectSwitch, http_redirect_fetch, location, redirect_switch,
};
use crate::main_fetch::PreflightNeed;
use crate::profile::Profile;
use crate::request::{CredentialsMode, Request, ResponseTainting};
use crate::response::ResponseHead;
use crate::time::Timestamp;

/// Where a fetch failed, for the rule on clearing the preflight cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailedAt {
    /// Main fetch itself refused the request (mode, scheme), or it could not be sent.
    MainFetch,
    /// The preflight's response failed its checks, and nothing was stored.
    Preflight,
    /// The preflight's response was stored before its method and header checks, which then
    /// failed ([`CacheRules::store_before_validation`](crate::profile::CacheRules)).
    PreflightStoredFirst,
    /// A response to the request (final or redirect) failed the CORS or CORP check.
    Response,
    /// A redirect response passed the CORS check as the request's credentials mode has it,
    /// and failed it only as credentialed, because the fetch began with credentials
    /// ([`RedirectRules::check_redirects_with_initial_credentials`](crate::profile::RedirectRules)).
    CredentialedRedirect,
    /// A redirect under redirect mode `error`.
    RedirectModeError,
    /// HTTP-redirect fetch refused the redirect (bad `Location`, scheme, count, credentials).
    Redirect,
    /// The network failed: no response arrived.
    Network,
}

impl FailedAt {
    /// Whether a failure here clears the cache entries for the request's URL when the hop took
    /// main fetch's preflight branch (main fetch step 12, preflight case).
    pub fn clears_preflight_cache(self, profile: &Profile) -> bool {
        match self {
            FailedAt::MainFetch | FailedAt::Preflight | FailedAt::Redirect | FailedAt::Network => {
                true
            }
            // What was just stored stays: that is the point of storing first.
            FailedAt::PreflightStoredFirst => false,
            FailedAt::Response | FailedAt::CredentialedRedirect => {
                profile.cache.clear_on_actual_failure
            }
            FailedAt::RedirectModeError => profile.cache.clear_on_redirect_mode_error,
        }
    }
}

/// A network error and where it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The error the page gets.
    pub error: CorsError,
    /// Where it happened.
    pub at: FailedAt,
}

impl Failure {
    fn new(error: CorsError, at: FailedAt) -> Self {
        Failure { error, at }
    }
}

/// HTTP fetch step 4.1 for a request on the preflight path: `None` when the preflight cache
/// covers it, else the CORS-preflight request to send.
pub fn preflight_step(
    request: &Request<'_>,
    need: &PreflightNeed<'_>,
    cache: &mut PreflightCache,
    partition: &str,
    now: Timestamp,
    profile: &Profile,
) -> Option<Result<http::Request<()>, CorsError>> {
    if !cache.needs_preflight(request, partition, need, now) {
        return None;
    }
    Some(
        build_preflight_request(request, &need.unsafe_headers, profile).map_err(|e| {
            CorsError::InvalidRequest {
                reason: e.to_string(),
            }
        }),
    )
}

/// HTTP fetch steps 4.1.1-4.1.2 on the preflight's `response`: CORS-preflight fetch step 7 and its cache steps,
/// storing the grant in `cache`. `unsafe_names` are the hop's CORS-unsafe request-header
/// names, as main fetch found them.
pub fn handle_preflight_response(
    request: &Request<'_>,
    unsafe_names: &[&HeaderName],
    response: ResponseHead<'_>,
    cache: &mut PreflightCache,
    partition: &str,
    now: Timestamp,
    profile: &Profile,
) -> Result<(), Failure> {
    let parsed = parse_preflight_response(request, response, profile)
        .map_err(|e| Failure::new(e, FailedAt::Preflight))?;
    let stored_first = cache.store_before_validation(request, partition, &parsed, now);
    let grant = check_grant_for(request, parsed, unsafe_names, profile).map_err(|e| {
        let at = if stored_first {
            FailedAt::PreflightStoredFirst
        } else {
            FailedAt::Preflight
        };
        Failure::new(e, at)
    })?;
    if !stored_first {
        cache.store(request, partition, &grant, now);
    }
    Ok(())
}

/// What HTTP fetch makes of a response to the request.
#[derive(Debug)]
#[non_exhaustive]
pub enum HttpResponse<'r> {
    /// The final response, as the page sees it.
    Final(Exposure<'r>),
    /// A redirect to follow: main fetch runs again for its URL.
    Redirect(Redirect),
}

/// HTTP fetch steps 4.4-6 on a `response` to the request: the CORS check (tainting `cors`),
/// the CORP check (tainting `opaque`), then the redirect-mode switch, which either filters the
/// final response or follows the redirect through HTTP-redirect fetch.
///
/// `request`'s tainting is the one main fetch set for this hop, and its
/// [`FetchHistory`](crate::FetchHistory) says what earlier hops did (one engine checks
/// redirects of a fetch that began with credentials as credentialed).
pub fn handle_response<'r>(
    request: &Request<'_>,
    response: ResponseHead<'r>,
    embedder_policy: EmbedderPolicy,
    profile: &Profile,
) -> Result<HttpResponse<'r>, Failure> {
    let switch = redirect_switch(request, &response, profile);
    let follow = switch == RedirectSwitch::Follow;
    let tainting = request.tainting();
    // Step 4.4.
    let checked = if follow {
        let history = request.history();
        let credentialed = profile.redirect.check_redirects_with_initial_credentials
            && history.first_hop_credentialed(request.credentials_mode());
        let plain = || Checked::check(request, tainting, &response, Stage::Redirect, profile);
        if credentialed && tainting == ResponseTainting::Cors {
            let view = request
                .borrowed()
                .with_credentials(CredentialsMode::Include);
            Checked::check(&view, tainting, &response, Stage::Redirect, profile).map_err(|e| {
                // Tell apart a response that fails only because of the initial credentials.
                let at = if plain().is_ok() {
                    FailedAt::CredentialedRedirect
                } else {
                    FailedAt::Response
                };
                Failure::new(e, at)
            })
        } else {
            plain().map_err(|e| Failure::new(e, FailedAt::Response))
        }
    } else {
        Checked::check(request, tainting, &response, Stage::Response, profile)
            .map_err(|e| Failure::new(e, FailedAt::Response))
    }?;
    // Step 5.
    if tainting == ResponseTainting::Opaque
        && !cross_origin_resource_policy_check_for(request, response, embedder_policy, profile)
    {
        return Err(Failure::new(
            CorsError::BlockedByResourcePolicy,
            FailedAt::Response,
        ));
    }
    // Step 6.3.
    match &switch {
        RedirectSwitch::Follow => {
            http_redirect_fetch(request, &response, &location(&response, profile), profile)
                .map(HttpResponse::Redirect)
                .map_err(|e| Failure::new(e, FailedAt::Redirect))
        }
        _ => Exposure::filter(request, checked, &switch, response, profile)
            .map(HttpResponse::Final)
            .map_err(|e| {
                let at = if switch == RedirectSwitch::Error {
                    FailedAt::RedirectModeError
                } else {
                    FailedAt::Response
                };
                Failure::new(e, at)
            }),
    }
}
