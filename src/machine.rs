//! One whole fetch as a sans-IO state machine: cache lookup, preflight, request, redirects.
//!
//! A browser does not make one CORS decision per request but runs a *fetch*: main fetch,
//! HTTP fetch (maybe a CORS-preflight fetch first), HTTP-redirect fetch and main fetch again
//! for each redirect. [`CorsFetch`] is that loop with every I/O and clock read taken out: the
//! host owns the sockets, the clock and the [`PreflightCache`], and drives the machine.
//!
//! # Driving it
//!
//! 1. Create the fetch with [`CorsFetch::new`].
//! 2. Call [`poll`](CorsFetch::poll). It returns [`Action::Send`] with the exact request to put
//!    on the wire (a preflight or the request itself), or [`Action::Done`] with the outcome.
//! 3. After sending, hand the response head to [`handle_response`](CorsFetch::handle_response)
//!    with the current time, then poll again.
//!
//! Between a `Send` and the matching `handle_response`, `poll` returns [`Action::Wait`].
//! Handing in a response when none is awaited is an [`ApiMisuse`], never a panic. After
//! `Done`, every poll returns the same outcome.
//!
//! ```
//! use fetch_cors::{Action, CorsFetch, Origin, PreflightCache, Profile, Request, Timestamp};
//!
//! let profile = Profile::SPEC;
//! let mut cache = PreflightCache::new(&profile);
//! let page = Origin::parse("https://app.example").unwrap();
//! let (parts, ()) = http::Request::delete("https://api.example/items/7").body(()).unwrap().into_parts();
//! let request = Request::from_parts(&parts, &page).unwrap();
//! let mut fetch = CorsFetch::new(&request, &profile).unwrap();
//!
//! let server = |req: &http::Request<()>| {
//!     let mut resp = http::Response::builder()
//!         .header("access-control-allow-origin", "https://app.example");
//!     if req.method() == http::Method::OPTIONS {
//!         resp = resp.status(204).header("access-control-allow-methods", "DELETE");
//!     }
//!     resp.body(()).unwrap()
//! };
//!
//! let now = Timestamp::ZERO;
//! let mut sent = Vec::new();
//! let outcome = loop {
//!     match fetch.poll(&mut cache, now) {
//!         Action::Send(out) => {
//!             sent.push(out.request.method().clone());
//!             let response = server(&out.request);
//!             fetch.handle_response(&response, &mut cache, now).unwrap();
//!         }
//!         Action::Wait => unreachable!("we answer every request at once"),
//!         Action::Done(outcome) => break outcome,
//!     }
//! };
//! assert_eq!(sent, [http::Method::OPTIONS, http::Method::DELETE]);
//! assert_eq!(outcome.unwrap().status, 200);
//! ```

use std::borrow::Cow;
use std::fmt;

use http::header::{
    AUTHORIZATION, CONTENT_ENCODING, CONTENT_LANGUAGE, CONTENT_LOCATION, CONTENT_TYPE, LOCATION,
    ORIGIN,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use smallvec::SmallVec;
use url::Url;

use crate::cache::PreflightCache;
use crate::check::{ResponseHead, ResponseType, check_response, cors_check, is_redirect_status};
use crate::classify::{Classification, classify_request};
use crate::corp::{EmbedderPolicy, cross_origin_resource_policy_check};
use crate::error::{CorsError, RequestError, Stage};
use crate::header::mime::parse_mime_type;
use crate::header::safelist::{UnsafeNames, cors_unsafe_request_header_names};
use crate::network::{include_credentials, origin_header};
use crate::origin::{Origin, RedirectTaint};
use crate::preflight::{
    build_preflight, check_preflight_grant, parse_preflight_response,
    parse_preflight_response_unchecked,
};
use crate::profile::{EmptyLocation, Profile, TaintedPreflightCheck};
use crate::request::{
    CredentialsMode, Mode, RedirectMode, Request, RequestCacheMode, ResponseTainting,
};
use crate::time::Timestamp;

/// The most redirects a fetch follows. <https://fetch.spec.whatwg.org/#concept-http-redirect-fetch> step 7.
pub const REDIRECT_LIMIT: u8 = 20;

/// What the host should do next.
#[derive(Debug)]
#[must_use]
pub enum Action {
    /// Put this request on the wire, then pass its response head to
    /// [`CorsFetch::handle_response`].
    Send(Outgoing),
    /// A response is awaited; nothing to do until it arrives.
    Wait,
    /// The fetch is over.
    Done(Outcome),
}

/// The result of a fetch: what the page sees, or the network error it gets.
pub type Outcome = Result<FetchResponse, CorsError>;

/// Whether an outgoing request is a CORS preflight or the request itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutgoingKind {
    /// An `OPTIONS` CORS-preflight request.
    Preflight,
    /// The page's request (on some hop of its redirect chain).
    Request,
}

/// A request the host must send.
#[derive(Debug)]
pub struct Outgoing {
    /// Preflight or request.
    pub kind: OutgoingKind,
    /// Method, URL and headers exactly as a browser sends them for CORS: the page's headers
    /// (after any redirect removed some), `Origin` when the browser adds one, and for a
    /// preflight `Accept`, `Access-Control-Request-Method` and `-Headers`. Cookies and other
    /// headers the network layer adds are the host's business; see `include_credentials`.
    pub request: http::Request<()>,
    /// Whether the browser would attach cookies and HTTP authentication.
    pub include_credentials: bool,
    /// The index of the URL in the fetch's URL list: 0 for the original URL, 1 after the
    /// first redirect, and so on.
    pub hop: usize,
}

/// What the page can see of the final response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchResponse {
    /// `Response.type`.
    pub response_type: ResponseType,
    /// `Response.status`: 0 for opaque and opaque-redirect responses.
    pub status: u16,
    /// The response's URL: the last URL of the fetch (fragment included; `Response.url`
    /// serializes it without the fragment), or `None` for an opaque response.
    pub url: Option<Url>,
    /// `Response.redirected`.
    pub redirected: bool,
    /// The header names script can read, lowercase, sorted, without duplicates.
    pub header_names: Vec<HeaderName>,
    /// The header entries script can read.
    pub headers: HeaderMap,
}

/// The host used the machine out of order. This is a bug in the host, not a CORS outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiMisuse {
    /// `handle_response` was called while no request was outstanding (poll first).
    NoResponseExpected {
        /// The state the machine was in.
        state: StateKind,
    },
}

impl fmt::Display for ApiMisuse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiMisuse::NoResponseExpected { state } => {
                write!(
                    f,
                    "handle_response called with no request outstanding (state: {state:?}); call poll first"
                )
            }
        }
    }
}

impl std::error::Error for ApiMisuse {}

/// The states of a [`CorsFetch`], without their data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StateKind {
    /// Main fetch has to run for the current URL (at the start, and after each redirect).
    MainFetch,
    /// The preflight was sent; its response is awaited.
    AwaitingPreflight,
    /// The request is ready to go out.
    RequestReady,
    /// The request was sent; its response is awaited.
    AwaitingResponse,
    /// Finished.
    Done,
}

/// What moved the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Input {
    /// `poll`.
    Poll,
    /// `handle_response` with a preflight response.
    PreflightResponse,
    /// `handle_response` with a response to the request.
    Response,
}

/// Every transition the machine can make: (from, input, to). A test checks that the machine
/// never makes any other, and `spec-notes/state-diagram.md` is generated from this table.
pub const TRANSITIONS: &[(StateKind, Input, StateKind)] = &[
    // Main fetch: a network error, a preflight (cache miss), or straight to the request.
    (StateKind::MainFetch, Input::Poll, StateKind::Done),
    (
        StateKind::MainFetch,
        Input::Poll,
        StateKind::AwaitingPreflight,
    ),
    (
        StateKind::MainFetch,
        Input::Poll,
        StateKind::AwaitingResponse,
    ),
    // A preflight answer: failure, or the request goes out next.
    (
        StateKind::AwaitingPreflight,
        Input::PreflightResponse,
        StateKind::Done,
    ),
    (
        StateKind::AwaitingPreflight,
        Input::PreflightResponse,
        StateKind::RequestReady,
    ),
    (
        StateKind::RequestReady,
        Input::Poll,
        StateKind::AwaitingResponse,
    ),
    // A response: the end, or a redirect to follow (main fetch again).
    (
        StateKind::AwaitingResponse,
        Input::Response,
        StateKind::Done,
    ),
    (
        StateKind::AwaitingResponse,
        Input::Response,
        StateKind::MainFetch,
    ),
    // Waiting and finished states ignore polls.
    (
        StateKind::AwaitingPreflight,
        Input::Poll,
        StateKind::AwaitingPreflight,
    ),
    (
        StateKind::AwaitingResponse,
        Input::Poll,
        StateKind::AwaitingResponse,
    ),
    (StateKind::Done, Input::Poll, StateKind::Done),
];

#[derive(Debug)]
enum State {
    MainFetch,
    RequestReady,
    AwaitingPreflight,
    AwaitingResponse,
    Done(Box<Outcome>),
}

impl State {
    fn kind(&self) -> StateKind {
        match self {
            State::MainFetch => StateKind::MainFetch,
            State::RequestReady => StateKind::RequestReady,
            State::AwaitingPreflight => StateKind::AwaitingPreflight,
            State::AwaitingResponse => StateKind::AwaitingResponse,
            State::Done(_) => StateKind::Done,
        }
    }
}

/// One fetch from a page, as a state machine. See the module docs.
#[derive(Debug)]
pub struct CorsFetch {
    profile: Profile,
    origin: Origin,
    partition: Box<str>,
    method: Method,
    headers: HeaderMap,
    url_list: Vec<Url>,
    mode: Mode,
    credentials: CredentialsMode,
    redirect: RedirectMode,
    use_cors_preflight: bool,
    unsafe_request: bool,
    tainting: ResponseTainting,
    redirect_taint: RedirectTaint,
    /// Some main fetch of this fetch took the preflight branch, so a network error clears
    /// the cache entries for the current URL (main fetch step 12, preflight case).
    preflight_branch: bool,
    /// The page's headers as it made the request, before any redirect removed some.
    original_headers: HeaderMap,
    /// Whether the page's own headers include a CORS-unsafe one.
    original_headers_unsafe: bool,
    /// Whether a preflight has gone out during this fetch.
    preflight_sent: bool,
    cache_mode: RequestCacheMode,
    embedder_policy: EmbedderPolicy,
    state: State,
    transitions: Vec<(StateKind, Input, StateKind)>,
}

impl CorsFetch {
    /// Starts a fetch of `request` under `profile`.
    ///
    /// Fails when the request is one a page cannot make (a forbidden header).
    pub fn new(request: &Request<'_>, profile: &Profile) -> Result<CorsFetch, RequestError> {
        if let Classification::Rejected(e) = classify_request(request, profile) {
            return Err(e);
        }
        Ok(CorsFetch {
            profile: *profile,
            origin: request.origin().clone(),
            partition: default_partition(request.origin()),
            method: request.method().clone(),
            headers: request.headers().clone(),
            url_list: vec![request.url().clone()],
            mode: request.mode(),
            credentials: request.credentials_mode(),
            redirect: request.redirect_mode(),
            use_cors_preflight: request.use_cors_preflight(),
            unsafe_request: request.unsafe_request(),
            tainting: request.tainting(),
            redirect_taint: request.redirect_taint(),
            preflight_branch: false,
            original_headers: request.headers().clone(),
            original_headers_unsafe: !cors_unsafe_request_header_names(
                request.headers(),
                &profile.safelist,
            )
            .is_empty(),
            preflight_sent: false,
            cache_mode: request.cache_mode(),
            embedder_policy: EmbedderPolicy::UnsafeNone,
            state: State::MainFetch,
            transitions: Vec::new(),
        })
    }

    /// Sets the network partition key (by default the page's site: the page is taken to be
    /// the top-level document). Cache entries of different partitions never mix.
    #[must_use]
    pub fn with_partition_key(mut self, key: impl Into<Box<str>>) -> Self {
        self.partition = key.into();
        self
    }

    /// Sets the client's embedder policy, used by the CORP check of `no-cors` responses.
    #[must_use]
    pub fn with_embedder_policy(mut self, policy: EmbedderPolicy) -> Self {
        self.embedder_policy = policy;
        self
    }

    /// The URL list so far: the original URL, then one URL per redirect followed.
    pub fn url_list(&self) -> &[Url] {
        &self.url_list
    }

    /// The state the machine is in.
    pub fn state(&self) -> StateKind {
        self.state.kind()
    }

    /// Every transition made so far, in order.
    pub fn transitions(&self) -> &[(StateKind, Input, StateKind)] {
        &self.transitions
    }

    /// The outcome, once the fetch is over.
    pub fn outcome(&self) -> Option<&Outcome> {
        match &self.state {
            State::Done(o) => Some(o),
            _ => None,
        }
    }

    /// What to do next. See the module docs for the drive loop.
    pub fn poll(&mut self, cache: &mut PreflightCache, now: Timestamp) -> Action {
        let from = self.state.kind();
        let action = match std::mem::replace(&mut self.state, State::MainFetch) {
            State::MainFetch => self.main_fetch(cache, now),
            State::RequestReady => self.send_request(),
            state @ (State::AwaitingPreflight | State::AwaitingResponse) => {
                self.state = state;
                Action::Wait
            }
            State::Done(outcome) => {
                let action = Action::Done((*outcome).clone());
                self.state = State::Done(outcome);
                action
            }
        };
        self.record(from, Input::Poll);
        action
    }

    /// Hands in the response to the request last sent. `now` is when it arrived.
    pub fn handle_response<'r>(
        &mut self,
        response: impl Into<ResponseHead<'r>>,
        cache: &mut PreflightCache,
        now: Timestamp,
    ) -> Result<(), ApiMisuse> {
        let response = response.into();
        let from = self.state.kind();
        match from {
            StateKind::AwaitingPreflight => {
                self.handle_preflight_response(response, cache, now);
                self.record(from, Input::PreflightResponse);
            }
            StateKind::AwaitingResponse => {
                self.handle_request_response(response, cache);
                self.record(from, Input::Response);
            }
            state => return Err(ApiMisuse::NoResponseExpected { state }),
        }
        Ok(())
    }

    fn record(&mut self, from: StateKind, input: Input) {
        let to = self.state.kind();
        // Keep the log bounded: a fetch makes at most ~3 transitions per hop.
        if self.transitions.len() < 4 * (REDIRECT_LIMIT as usize + 2) {
            self.transitions.push((from, input, to));
        }
    }

    /// The request as the algorithms see it right now.
    fn view(&self) -> Request<'_> {
        let url = self.url_list.last().unwrap_or(&self.url_list[0]);
        let redirects = u8::try_from(self.url_list.len() - 1).unwrap_or(u8::MAX);
        Request::from_trusted_parts(
            &self.method,
            Cow::Borrowed(url),
            &self.headers,
            &self.origin,
        )
        .with_mode(self.mode)
        .with_credentials(self.credentials)
        .with_redirect(self.redirect)
        .with_use_cors_preflight(self.use_cors_preflight)
        .with_unsafe_request(self.unsafe_request)
        .with_tainting(self.tainting)
        .with_redirects(self.redirect_taint, redirects)
        .with_cache_mode(self.cache_mode)
    }

    fn finish(&mut self, outcome: Outcome, cache: &mut PreflightCache) -> Action {
        self.finish_clearing(outcome, cache, true)
    }

    /// Ends the fetch. `may_clear` is false where the profile keeps the cache entries of a
    /// failed fetch.
    fn finish_clearing(
        &mut self,
        outcome: Outcome,
        cache: &mut PreflightCache,
        may_clear: bool,
    ) -> Action {
        if outcome.is_err() && self.preflight_branch && may_clear {
            // Main fetch step 12, preflight case, 3rd sub-step.
            let partition = self.partition.clone();
            cache.clear(&self.view(), &partition);
        }
        self.state = State::Done(Box::new(outcome.clone()));
        Action::Done(outcome)
    }

    /// Main fetch step 12 and HTTP fetch step 4.1 for the current URL.
    fn main_fetch(&mut self, cache: &mut PreflightCache, now: Timestamp) -> Action {
        let profile = self.profile;
        let view = self.view();
        // (tainting, took the preflight branch, the preflight to send if the cache misses)
        let redirected = self.url_list.len() > 1;
        let force = redirected
            && profile.redirect.preflight_again_after_redirect
            && (self.preflight_sent || self.original_headers_unsafe);
        // An engine that preflights again after a redirect treats the request as flagged:
        // on the CORS path its current method must then be covered by a preflight.
        let view = if force {
            view.with_use_cors_preflight(true)
        } else {
            view
        };
        let decision = match classify_request(&view, &profile) {
            Classification::Basic(_) => Ok((ResponseTainting::Basic, false, None)),
            Classification::Opaque => Ok((ResponseTainting::Opaque, false, None)),
            Classification::Cors => Ok((ResponseTainting::Cors, false, None)),
            Classification::CorsWithPreflight(need) => {
                let preflight = cache
                    .needs_preflight(&view, &self.partition, &need, now)
                    .then(|| self.build_preflight_for(&view, &need.unsafe_headers));
                Ok((ResponseTainting::Cors, true, preflight))
            }
            Classification::NetworkError(e) => Err(e),
            Classification::Rejected(e) => Err(CorsError::InvalidRequest {
                reason: e.to_string(),
            }),
        };
        drop(view);
        let (tainting, preflight_branch, preflight) = match decision {
            Ok(d) => d,
            Err(e) => return self.finish(Err(e), cache),
        };
        self.tainting = tainting;
        self.preflight_branch |= preflight_branch;
        if self.url_list.last().is_some_and(|u| u.scheme() == "data") {
            // Scheme fetch: a data: URL is answered by the user agent itself.
            let outcome = data_url_response(
                self.url_list.last().unwrap_or(&self.url_list[0]),
                self.url_list.len() > 1,
            );
            return self.finish(outcome, cache);
        }
        match preflight {
            None => self.send_request(),
            Some(Ok(request)) => {
                self.state = State::AwaitingPreflight;
                self.preflight_sent = true;
                Action::Send(Outgoing {
                    kind: OutgoingKind::Preflight,
                    request,
                    include_credentials: false,
                    hop: self.url_list.len() - 1,
                })
            }
            Some(Err(e)) => self.finish(
                Err(CorsError::InvalidRequest {
                    reason: e.to_string(),
                }),
                cache,
            ),
        }
    }

    /// The preflight a browser of this profile sends for `view`.
    fn build_preflight_for(
        &self,
        view: &Request<'_>,
        names: &UnsafeNames<'_>,
    ) -> Result<http::Request<()>, RequestError> {
        let rules = self.profile.redirect;
        let untainted;
        let view = if rules.preflight_origin_untainted {
            untainted = view
                .clone()
                .with_redirects(RedirectTaint::SameOrigin, view.redirect_count());
            &untainted
        } else {
            view
        };
        if rules.preflight_lists_original_headers {
            build_preflight(
                view,
                &cors_unsafe_request_header_names(&self.original_headers, &self.profile.safelist),
            )
        } else {
            build_preflight(view, names)
        }
    }

    fn send_request(&mut self) -> Action {
        let view = self.view();
        let include = include_credentials(&view, self.tainting);
        let origin = origin_header(&view, self.tainting);
        let mut builder = http::Request::builder()
            .method(self.method.clone())
            .uri(view.url().as_str());
        if let Some(headers) = builder.headers_mut() {
            headers.clone_from(&self.headers);
            if let Some(origin) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
                headers.insert(ORIGIN, origin);
            }
        }
        let hop = self.url_list.len() - 1;
        match builder.body(()) {
            Ok(request) => {
                self.state = State::AwaitingResponse;
                Action::Send(Outgoing {
                    kind: OutgoingKind::Request,
                    request,
                    include_credentials: include,
                    hop,
                })
            }
            Err(e) => {
                // The URL came from the url crate, so http::Uri accepts it; guard anyway.
                let outcome = Err(CorsError::InvalidRequest {
                    reason: e.to_string(),
                });
                self.state = State::Done(Box::new(outcome.clone()));
                Action::Done(outcome)
            }
        }
    }

    /// CORS-preflight fetch steps 7-16.
    fn handle_preflight_response(
        &mut self,
        response: ResponseHead<'_>,
        cache: &mut PreflightCache,
        now: Timestamp,
    ) {
        let profile = self.profile;
        let store_first = profile.cache.store_before_validation;
        let (result, stored) = {
            let view = self.view();
            let rules = profile.redirect;
            // Some engines check a tainted preflight against the page's own origin, and one
            // does not check a preflight from that origin at all.
            let untainted = view
                .clone()
                .with_redirects(RedirectTaint::SameOrigin, view.redirect_count());
            let parsed = if rules.preflight_to_own_origin_unchecked && view.is_same_origin() {
                parse_preflight_response_unchecked(&view, response, &profile)
            } else if match rules.tainted_preflight_checked_against {
                TaintedPreflightCheck::Null => false,
                TaintedPreflightCheck::PageOrigin => true,
                TaintedPreflightCheck::PageOriginIfStartedSameOrigin => {
                    self.origin.same_origin_with_url(&self.url_list[0])
                }
            } {
                parse_preflight_response(&untainted, response, &profile)
            } else {
                parse_preflight_response(&view, response, &profile)
            };
            match parsed {
                Err(e) => (Err(e), false),
                Ok(grant) => {
                    if store_first {
                        cache.store(&view, &self.partition, &grant, now);
                    }
                    let allowed = check_preflight_grant(&view, &grant, &profile);
                    if allowed.is_ok() && !store_first {
                        cache.store(&view, &self.partition, &grant, now);
                    }
                    (allowed, store_first)
                }
            }
        };
        match result {
            Ok(()) => self.state = State::RequestReady,
            Err(e) => {
                // What was just stored stays: that is the point of storing first.
                let _ = self.finish_clearing(Err(e), cache, !stored);
            }
        }
    }

    /// HTTP fetch steps 4.4-6 on the response to the request.
    fn handle_request_response(&mut self, response: ResponseHead<'_>, cache: &mut PreflightCache) {
        let profile = self.profile;
        let rules = profile.redirect;
        let keep = !profile.cache.clear_on_actual_failure;
        let redirect_status = is_redirect_status(response.status);
        let location = if redirect_status {
            self.location(&response)
        } else {
            Location::Absent
        };
        if self.redirect == RedirectMode::Follow && !matches!(location, Location::Absent) {
            // Step 4.4, on a redirect response.
            if self.tainting == ResponseTainting::Cors {
                let view = self.view();
                let view = if rules.check_redirects_with_initial_credentials
                    && !self.preflight_sent
                    && self.first_hop_credentialed()
                {
                    view.with_credentials(CredentialsMode::Include)
                } else {
                    view
                };
                if let Err(e) = cors_check(&view, &response, Stage::Redirect, &profile) {
                    let _ = self.finish_clearing(Err(e), cache, !keep);
                    return;
                }
            }
            if let Err(e) = self.corp_check(&response) {
                let _ = self.finish_clearing(Err(e), cache, !keep);
                return;
            }
            match self.http_redirect_fetch(&response, location) {
                Ok(()) => self.state = State::MainFetch,
                Err(e) => {
                    let _ = self.finish(Err(e), cache);
                }
            }
            return;
        }
        if let Err(e) = self.corp_check(&response) {
            let _ = self.finish_clearing(Err(e), cache, !keep);
            return;
        }
        let outcome = {
            let view = self.view();
            // An engine that wants a Location before a status counts as a redirect returns
            // a bare 3xx even under redirect mode "error".
            let view = if redirect_status
                && self.redirect == RedirectMode::Error
                && rules.error_mode_needs_location
                && matches!(location, Location::Absent)
            {
                view.with_redirect(RedirectMode::Follow)
            } else {
                view
            };
            check_response(&view, response, &profile).map(|exposure| {
                let opaque = exposure.response_type() == ResponseType::Opaque;
                let mut header_names: Vec<HeaderName> =
                    exposure.readable_names().cloned().collect();
                header_names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
                header_names.dedup();
                let mut headers = HeaderMap::new();
                for (name, value) in exposure.readable_headers() {
                    headers.append(name.clone(), value.clone());
                }
                FetchResponse {
                    response_type: exposure.response_type(),
                    status: exposure.status(),
                    url: (!opaque).then(|| view.url().clone()),
                    redirected: !opaque && self.url_list.len() > 1,
                    header_names,
                    headers,
                }
            })
        };
        let _ = self.finish_clearing(outcome, cache, !keep);
    }

    /// Whether the first hop of the fetch went out with credentials.
    fn first_hop_credentialed(&self) -> bool {
        match self.credentials {
            CredentialsMode::Include => true,
            CredentialsMode::SameOrigin => self.origin.same_origin_with_url(&self.url_list[0]),
            CredentialsMode::Omit => false,
        }
    }

    /// The response's `Location`, as the profile reads it.
    fn location(&self, response: &ResponseHead<'_>) -> Location {
        let rules = self.profile.redirect;
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

    /// HTTP fetch step 5: the CORP check, for opaque responses.
    fn corp_check(&self, response: &ResponseHead<'_>) -> Result<(), CorsError> {
        if self.tainting == ResponseTainting::Opaque
            && !cross_origin_resource_policy_check(&self.view(), *response, self.embedder_policy)
        {
            return Err(CorsError::BlockedByResourcePolicy);
        }
        Ok(())
    }

    /// HTTP-redirect fetch steps 3-18 (step 19, the referrer policy, is not modelled). On
    /// success the URL list has grown by one and main fetch must run again.
    fn http_redirect_fetch(
        &mut self,
        response: &ResponseHead<'_>,
        location: Location,
    ) -> Result<(), CorsError> {
        let current = self.url_list.last().unwrap_or(&self.url_list[0]).clone();
        // Step 3: the location URL, parsed against the current URL.
        let text = match location {
            Location::Value(text) => text,
            Location::Invalid(value) => return Err(CorsError::InvalidLocation { value }),
            Location::Absent => {
                return Err(CorsError::InvalidLocation {
                    value: String::new(),
                });
            }
        };
        let mut location = current
            .join(&text)
            .map_err(|_| CorsError::InvalidLocation {
                value: text.clone(),
            })?;
        if location.fragment().is_none() {
            location.set_fragment(current.fragment());
        }
        // Step 6.
        if !matches!(location.scheme(), "http" | "https") {
            return Err(CorsError::RedirectSchemeNotHttp {
                url: location.to_string(),
            });
        }
        // Steps 7-8.
        if self.url_list.len() > REDIRECT_LIMIT as usize {
            return Err(CorsError::TooManyRedirects);
        }
        // Steps 9-10.
        let credentials = !location.username().is_empty() || location.password().is_some();
        let location_origin = Origin::from_url(&location);
        if credentials
            && ((self.mode == Mode::Cors && !self.origin.same_origin(&location_origin))
                || self.tainting == ResponseTainting::Cors
                || self.profile.redirect.reject_credentials_in_location)
        {
            return Err(CorsError::RedirectContainsCredentials {
                url: location.to_string(),
            });
        }
        // Step 12: 301/302 POST and 303 non-GET/HEAD become GET without a body.
        let status = response.status;
        if (matches!(status.as_u16(), 301 | 302) && self.method == Method::POST)
            || (status == StatusCode::SEE_OTHER
                && self.method != Method::GET
                && self.method != Method::HEAD)
        {
            self.method = Method::GET;
            for name in [
                CONTENT_ENCODING,
                CONTENT_LANGUAGE,
                CONTENT_LOCATION,
                CONTENT_TYPE,
            ] {
                self.headers.remove(name);
            }
        }
        // Step 13: Authorization does not cross origins.
        let current_origin = Origin::from_url(&current);
        if !current_origin.same_origin(&location_origin) {
            self.headers.remove(AUTHORIZATION);
        }
        // Step 18, and the redirect-taint of the longer URL list.
        self.redirect_taint =
            self.redirect_taint
                .then(&self.origin, &current_origin, &location_origin);
        self.url_list.push(location);
        Ok(())
    }
}

/// A redirect response's `Location`, as the profile reads it.
enum Location {
    /// No usable Location: the response is not followed.
    Absent,
    /// The value to parse.
    Value(String),
    /// A Location that is a network error.
    Invalid(String),
}

/// Scheme fetch of a `data:` URL: a basic response whose only header is the URL's MIME type.
///
/// <https://fetch.spec.whatwg.org/#data-url-processor> steps 1-11, without decoding the body
/// (the crate never sees bodies).
fn data_url_response(url: &Url, redirected: bool) -> Outcome {
    // Steps 2-4: everything after "data:" up to the first comma, fragment excluded.
    let mut input = url.as_str();
    if let Some(hash) = input.find('#') {
        input = &input[..hash];
    }
    let input = input.strip_prefix("data:").unwrap_or(input);
    let Some((mime, _)) = input.split_once(',') else {
        return Err(CorsError::InvalidRequest {
            reason: "a data: URL needs a comma".into(),
        });
    };
    // Steps 6-9: strip whitespace and a ";base64" suffix.
    let mut mime = mime
        .trim_matches(|c: char| c.is_ascii_whitespace())
        .to_owned();
    let lower = mime.to_ascii_lowercase();
    if let Some(cut) = lower
        .rfind(';')
        .filter(|&i| lower[i + 1..].trim_start_matches(' ') == "base64")
    {
        mime.truncate(cut);
        mime.truncate(mime.trim_end_matches(' ').len());
    }
    // Steps 10-11.
    if mime.starts_with(';') {
        mime.insert_str(0, "text/plain");
    }
    let value = parse_mime_type(mime.as_bytes())
        .map(|m| m.to_bytes())
        .unwrap_or_else(|| b"text/plain;charset=US-ASCII".to_vec());
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_bytes(&value) {
        headers.insert(CONTENT_TYPE, v);
    }
    Ok(FetchResponse {
        response_type: ResponseType::Basic,
        status: 200,
        url: Some(url.clone()),
        redirected,
        header_names: headers.keys().cloned().collect(),
        headers,
    })
}

fn default_partition(origin: &Origin) -> Box<str> {
    match origin.site() {
        crate::origin::Site::SchemeAndHost { scheme, host } => format!("{scheme}://{host}").into(),
        crate::origin::Site::Opaque(_) => "null".into(),
    }
}
