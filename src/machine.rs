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
//!         _ => unreachable!("a future action"),
//!     }
//! };
//! assert_eq!(sent, [http::Method::OPTIONS, http::Method::DELETE]);
//! assert_eq!(outcome.unwrap().status, 200);
//! ```

use std::cell::OnceCell;
use std::fmt;

use http::header::{ACCEPT, ORIGIN};
use http::{HeaderMap, HeaderName, HeaderValue};
use smallvec::SmallVec;
use url::Url;

use crate::cache::PreflightCache;
use crate::corp::EmbedderPolicy;
use crate::error::{CorsError, RequestError};
use crate::filtered_response::Exposure;
use crate::http_fetch::{self, FailedAt, Failure, HttpResponse};
use crate::http_redirect_fetch::{
    BodyAction, REDIRECT_LIMIT, Redirect, http_redirect_fetch, location,
};
use crate::main_fetch::{Classification, Hop, PreflightUse, classify_request};
use crate::network::{include_credentials_for, origin_header_for};
use crate::origin::{Origin, Site};
use crate::profile::Profile;
use crate::profile::engines::Engine;
use crate::request::{FetchHistory, Request, ResponseTainting};
use crate::response::{ResponseHead, ResponseType};
use crate::scheme_fetch::data_url_headers;
use crate::time::Timestamp;

/// What the host should do next.
#[derive(Debug)]
#[must_use]
#[non_exhaustive]
pub enum Action {
    /// Put this request on the wire, then pass its response head to
    /// [`CorsFetch::handle_response`].
    Send(Outgoing),
    /// A response is awaited; nothing to do until it arrives.
    Wait,
    /// The fetch is over.
    Done(Outcome),
    /// The host used the machine wrongly (a preflight cache made for another profile):
    /// nothing happened, and the same call with the right cache carries on.
    Misuse(ApiMisuse),
}

/// The result of a fetch: what the page sees, or the network error it gets.
pub type Outcome = Result<FetchResponse, CorsError>;

/// Whether an outgoing request is a CORS preflight or the request itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
    /// The request's URL as a `url::Url`, which clients such as reqwest take: the URL of
    /// `request.uri()`, without the fragment (it never goes on the wire).
    pub url: Url,
    /// Whether the browser would attach cookies and HTTP authentication.
    pub include_credentials: bool,
    /// Whether the page's request body goes with this request: [`BodyAction::Keep`] for the
    /// request (replayed after a 307 or 308), [`BodyAction::Drop`] for a preflight and after a
    /// redirect turned the method into `GET`.
    pub body: BodyAction,
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
    /// The preflight cache handed in was made for another profile's cache rules (its
    /// bounds, keys and lifetimes differ); each profile needs a cache of its own.
    CacheForAnotherProfile {
        /// The engine of the profile the cache was made for.
        cache: Engine,
        /// The engine of the fetch's profile.
        fetch: Engine,
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
            ApiMisuse::CacheForAnotherProfile { cache, fetch } => write!(
                f,
                "the preflight cache was made for the {} profile's cache rules and this fetch uses the {} profile: give each profile its own PreflightCache::new(&profile)",
                cache.name(),
                fetch.name()
            ),
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

/// The machine's states, each with the data it needs.
// The preflight state keeps up to eight names inline; boxing them would allocate per preflight.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum State {
    /// Main fetch runs next for the current URL.
    MainFetch,
    /// The preflight went out; validating its answer needs the hop's CORS-unsafe names, as
    /// main fetch found them.
    AwaitingPreflight {
        unsafe_names: SmallVec<[HeaderName; 8]>,
        /// A failure an earlier redirect left to report once this preflight is answered.
        then_fail: Option<Failure>,
    },
    /// The preflight passed (or was not needed): the request goes out next.
    RequestReady,
    /// The request went out; its response is awaited.
    AwaitingResponse,
    /// The fetch is over.
    Done(Box<Outcome>),
}

impl State {
    fn kind(&self) -> StateKind {
        match self {
            State::MainFetch => StateKind::MainFetch,
            State::RequestReady => StateKind::RequestReady,
            State::AwaitingPreflight { .. } => StateKind::AwaitingPreflight,
            State::AwaitingResponse => StateKind::AwaitingResponse,
            State::Done(_) => StateKind::Done,
        }
    }
}

/// One fetch from a page, as a state machine. See the module docs.
///
/// The machine owns one [`Request`] (the current hop's: URL, method, headers, tainting,
/// redirect state and [`FetchHistory`]) and lends it to the stateless steps in
/// main fetch ([`classify_request`](crate::classify_request)), [`http_fetch`](crate::http_fetch) and
/// [`http_redirect_fetch`](crate::http_redirect_fetch); it only sequences them and keeps state.
#[derive(Debug)]
pub struct CorsFetch {
    profile: Profile,
    request: Request<'static>,
    url_list: Vec<Url>,
    /// The network partition key, worked out when the cache is first consulted.
    partition: OnceCell<Box<str>>,
    /// The `Origin` value while the request is not redirect-tainted, made once per fetch.
    origin_value: Option<HeaderValue>,
    embedder_policy: EmbedderPolicy,
    body: BodyAction,
    state: State,
    hops: SmallVec<[Hop; 2]>,
    transitions: SmallVec<[(StateKind, Input, StateKind); 8]>,
    /// A redirect's failure the engine reports only after the next hop's preflight
    /// ([`RedirectRules::credentialed_redirect_fails_after_next_preflight`](crate::profile::RedirectRules)).
    pending: Option<Failure>,
}

impl CorsFetch {
    /// Starts a fetch of `request` under `profile`.
    ///
    /// Fails when the request is one a page cannot make (a forbidden header).
    pub fn new(request: &Request<'_>, profile: &Profile) -> Result<CorsFetch, RequestError> {
        if let Some(e) = crate::main_fetch::forbidden_header(request, profile) {
            return Err(e);
        }
        let history = FetchHistory {
            started_same_origin: request.is_same_origin(),
            // Only the engines that preflight again after a redirect ask this.
            original_headers_unsafe: profile.redirect.preflight_again_after_redirect
                && !crate::header::safelist::cors_unsafe_request_header_names(
                    request.headers(),
                    &profile.safelist,
                )
                .is_empty(),
            ..FetchHistory::default()
        };
        let mut owned = request.borrowed().into_owned();
        owned.set_hop(request.tainting(), history);
        Ok(CorsFetch {
            profile: *profile,
            partition: OnceCell::new(),
            origin_value: HeaderValue::from_str(request.origin().serialize()).ok(),
            url_list: vec![request.url().clone()],
            request: owned,
            embedder_policy: EmbedderPolicy::UnsafeNone,
            body: BodyAction::Keep,
            state: State::MainFetch,
            pending: None,
            hops: SmallVec::new(),
            transitions: SmallVec::new(),
        })
    }

    /// Sets the network partition key. Cache entries of different partitions never mix.
    ///
    /// By default the page is taken to be the top-level document and the key is its site:
    /// `scheme://registrable-domain` (or `scheme://host` for IP addresses and hosts without
    /// one), `null` for an opaque origin; see [`CorsFetch::partition_key`].
    #[must_use]
    pub fn with_partition_key(mut self, key: impl Into<Box<str>>) -> Self {
        self.partition = OnceCell::from(key.into());
        self
    }

    /// Sets the client's embedder policy, used by the CORP check of `no-cors` responses.
    #[must_use]
    pub fn with_embedder_policy(mut self, policy: EmbedderPolicy) -> Self {
        self.embedder_policy = policy;
        self
    }

    /// The network partition key this fetch uses with the preflight cache.
    pub fn partition_key(&self) -> &str {
        self.partition
            .get_or_init(|| default_partition(self.request.origin()))
    }

    /// The request as it stands for the current hop (after any redirect).
    pub fn request(&self) -> &Request<'static> {
        &self.request
    }

    /// The URL list so far: the original URL, then one URL per redirect followed.
    pub fn url_list(&self) -> &[Url] {
        &self.url_list
    }

    /// What was decided for each hop so far: its tainting and whether its preflight was sent,
    /// served from the cache or not needed.
    pub fn hops(&self) -> &[Hop] {
        &self.hops
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
        if let Err(misuse) = self.check_cache(cache) {
            return Action::Misuse(misuse);
        }
        let from = self.state.kind();
        let action = match std::mem::replace(&mut self.state, State::MainFetch) {
            State::MainFetch => self.main_fetch(cache, now),
            State::RequestReady => self.send_request(cache),
            state @ (State::AwaitingPreflight { .. } | State::AwaitingResponse) => {
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

    /// Tells the machine that the request last sent (preflight or request) got no response:
    /// the network failed (connection refused or reset, DNS, TLS, timeout). The fetch ends in
    /// a network error, and where main fetch took the preflight branch the URL's
    /// preflight-cache entries are cleared (main fetch step 12), as a browser does.
    pub fn handle_network_error(&mut self, cache: &mut PreflightCache) -> Result<(), ApiMisuse> {
        self.check_cache(cache)?;
        let from = self.state.kind();
        let input = match from {
            StateKind::AwaitingPreflight => Input::PreflightResponse,
            StateKind::AwaitingResponse => Input::Response,
            state => return Err(ApiMisuse::NoResponseExpected { state }),
        };
        let failure = Failure {
            error: CorsError::NetworkFailure,
            at: FailedAt::Network,
        };
        self.fail(failure, cache);
        self.record(from, input);
        Ok(())
    }

    /// Hands in the response to the request last sent. `now` is when it arrived.
    pub fn handle_response<'r>(
        &mut self,
        response: impl Into<ResponseHead<'r>>,
        cache: &mut PreflightCache,
        now: Timestamp,
    ) -> Result<(), ApiMisuse> {
        self.check_cache(cache)?;
        let response = response.into();
        let from = self.state.kind();
        match std::mem::replace(&mut self.state, State::MainFetch) {
            State::AwaitingPreflight {
                then_fail: Some(failure),
                ..
            } => {
                self.fail(failure, cache);
                self.record(from, Input::PreflightResponse);
            }
            State::AwaitingPreflight { unsafe_names, .. } => {
                self.handle_preflight_response(&unsafe_names, response, cache, now);
                self.record(from, Input::PreflightResponse);
            }
            State::AwaitingResponse => {
                self.handle_request_response(response, cache);
                self.record(from, Input::Response);
            }
            state => {
                self.state = state;
                return Err(ApiMisuse::NoResponseExpected { state: from });
            }
        }
        Ok(())
    }

    /// A cache made for another profile would apply the wrong bounds and keys, silently.
    fn check_cache(&self, cache: &PreflightCache) -> Result<(), ApiMisuse> {
        if cache.made_for(&self.profile) {
            Ok(())
        } else {
            Err(ApiMisuse::CacheForAnotherProfile {
                cache: cache.engine(),
                fetch: self.profile.engine,
            })
        }
    }

    fn record(&mut self, from: StateKind, input: Input) {
        let to = self.state.kind();
        // Keep the log bounded: a fetch makes at most ~3 transitions per hop.
        if self.transitions.len() < 4 * (REDIRECT_LIMIT as usize + 2) {
            self.transitions.push((from, input, to));
        }
    }

    /// Ends the fetch with `outcome`.
    fn finish(&mut self, outcome: Outcome) {
        self.state = State::Done(Box::new(outcome));
    }

    /// The `Done` action for the outcome just reached, from inside `poll`.
    fn done(&self) -> Action {
        match &self.state {
            State::Done(outcome) => Action::Done((**outcome).clone()),
            _ => Action::Wait,
        }
    }

    /// Ends the fetch in a network error, clearing the URL's preflight-cache entries where
    /// main fetch step 12 (and the profile) say so.
    fn fail(&mut self, failure: Failure, cache: &mut PreflightCache) {
        if self.request.history().preflight_branch
            && failure.at.clears_preflight_cache(&self.profile)
        {
            cache.clear(&self.request, self.partition_key());
        }
        self.finish(Err(failure.error));
    }

    /// Main fetch step 12 and HTTP fetch step 4.1 for the current URL: decided once, recorded
    /// as a [`Hop`] and carried into the request's tainting and history.
    fn main_fetch(&mut self, cache: &mut PreflightCache, now: Timestamp) -> Action {
        let profile = &self.profile;
        let index = self.url_list.len() - 1;
        let decided = match classify_request(&self.request, profile) {
            Classification::Basic(_) => Ok((ResponseTainting::Basic, None)),
            Classification::Opaque => Ok((ResponseTainting::Opaque, None)),
            Classification::Cors => Ok((ResponseTainting::Cors, None)),
            Classification::CorsWithPreflight(need) => {
                let step = http_fetch::preflight_step(
                    &self.request,
                    &need,
                    cache,
                    self.partition_key(),
                    now,
                    profile,
                );
                let names: SmallVec<[HeaderName; 8]> =
                    need.unsafe_headers.iter().map(|&n| n.clone()).collect();
                Ok((ResponseTainting::Cors, Some((step, names))))
            }
            Classification::NetworkError(e) => Err(e),
            Classification::Rejected(e) => Err(CorsError::InvalidRequest {
                reason: e.to_string(),
            }),
        };
        let (tainting, preflight) = match decided {
            Ok(d) => d,
            Err(error) => {
                let failure = Failure {
                    error,
                    at: FailedAt::MainFetch,
                };
                self.fail(failure, cache);
                return self.done();
            }
        };
        let mut history = self.request.history();
        let used = match &preflight {
            None => PreflightUse::NotNeeded,
            Some((None, _)) => PreflightUse::ServedFromCache,
            Some((Some(_), _)) => PreflightUse::Sent,
        };
        history.preflight_branch |= used != PreflightUse::NotNeeded;
        history.preflight_sent |= used == PreflightUse::Sent;
        self.request.set_hop(tainting, history);
        self.hops.push(Hop {
            index,
            tainting,
            preflight: used,
        });
        if self.request.url().scheme() == "data" {
            // Scheme fetch: a data: URL is answered by the user agent itself.
            match data_url_headers(self.request.url()) {
                Ok(headers) => self.finish(Ok(FetchResponse {
                    response_type: ResponseType::Basic,
                    status: 200,
                    url: Some(self.request.url().clone()),
                    redirected: index > 0,
                    header_names: headers.keys().cloned().collect(),
                    headers,
                })),
                Err(error) => self.fail(
                    Failure {
                        error,
                        at: FailedAt::MainFetch,
                    },
                    cache,
                ),
            }
            return self.done();
        }
        match (preflight, self.pending.take()) {
            // A failure an earlier redirect deferred waits for this preflight's answer.
            (Some((Some(Ok(request)), unsafe_names)), then_fail) => {
                self.state = State::AwaitingPreflight {
                    unsafe_names,
                    then_fail,
                };
                Action::Send(Outgoing {
                    kind: OutgoingKind::Preflight,
                    request,
                    url: wire_url(self.request.url()),
                    include_credentials: false,
                    body: BodyAction::Drop,
                    hop: index,
                })
            }
            // No preflight goes out: the deferred failure is reported now.
            (_, Some(failure)) => {
                self.fail(failure, cache);
                self.done()
            }
            (None | Some((None, _)), None) => self.send_request(cache),
            (Some((Some(Err(error)), _)), None) => {
                let failure = Failure {
                    error,
                    at: FailedAt::MainFetch,
                };
                self.fail(failure, cache);
                self.done()
            }
        }
    }

    fn send_request(&mut self, cache: &mut PreflightCache) -> Action {
        let request = &self.request;
        let include = include_credentials_for(request, request.tainting(), &self.profile);
        let origin = origin_header_for(request, request.tainting(), &self.profile).or_else(|| {
            request
                .history()
                .origin_kept
                .then(|| request.serialized_origin())
        });
        let uri: http::Uri = match request.url().as_str().parse() {
            Ok(uri) => uri,
            // The URL came from the url crate, so http::Uri accepts it; guard anyway.
            Err(e) => {
                let failure = Failure {
                    error: CorsError::InvalidRequest {
                        reason: format!("{e}"),
                    },
                    at: FailedAt::MainFetch,
                };
                self.fail(failure, cache);
                return self.done();
            }
        };
        // Built in place: the `http` builder re-validates what is valid already.
        let mut outgoing = http::Request::new(());
        *outgoing.method_mut() = request.method().clone();
        *outgoing.uri_mut() = uri;
        let headers = outgoing.headers_mut();
        headers.reserve(request.headers().len() + 2);
        headers.extend(
            request
                .headers()
                .iter()
                .map(|(n, v)| (n.clone(), v.clone())),
        );
        let origin = match origin {
            Some("null") => Some(HeaderValue::from_static("null")),
            Some(o) => match &self.origin_value {
                Some(v) if v.as_bytes() == o.as_bytes() => Some(v.clone()),
                _ => HeaderValue::from_str(o).ok(),
            },
            None => None,
        };
        if let Some(origin) = origin {
            headers.insert(ORIGIN, origin);
        }
        // Fetch step 12: the destination's `Accept` when the page set none.
        if !headers.contains_key(ACCEPT) {
            headers.insert(
                ACCEPT,
                HeaderValue::from_static(request.destination().accept()),
            );
        }
        self.state = State::AwaitingResponse;
        Action::Send(Outgoing {
            kind: OutgoingKind::Request,
            request: outgoing,
            url: wire_url(self.request.url()),
            include_credentials: include,
            body: self.body,
            hop: self.url_list.len() - 1,
        })
    }

    /// HTTP fetch steps 4.1.1-4.1.2 on the preflight's response.
    fn handle_preflight_response(
        &mut self,
        unsafe_names: &[HeaderName],
        response: ResponseHead<'_>,
        cache: &mut PreflightCache,
        now: Timestamp,
    ) {
        let names: SmallVec<[&HeaderName; 8]> = unsafe_names.iter().collect();
        let result = http_fetch::handle_preflight_response(
            &self.request,
            &names,
            response,
            cache,
            self.partition_key(),
            now,
            &self.profile,
        );
        match result {
            Ok(()) => self.state = State::RequestReady,
            Err(failure) => {
                self.fail(failure, cache);
            }
        }
    }

    /// HTTP fetch steps 4.4-6 on the response to the request.
    fn handle_request_response(&mut self, response: ResponseHead<'_>, cache: &mut PreflightCache) {
        match http_fetch::handle_response(
            &self.request,
            response,
            self.embedder_policy,
            &self.profile,
        ) {
            Ok(HttpResponse::Final(exposure)) => {
                let page = self.page_response(&exposure);
                self.finish(Ok(page));
            }
            Ok(HttpResponse::Redirect(redirect)) => self.follow(redirect),
            Err(failure)
                if failure.at == FailedAt::CredentialedRedirect
                    && self
                        .profile
                        .redirect
                        .credentialed_redirect_fails_after_next_preflight =>
            {
                let target = location(&response, &self.profile);
                match http_redirect_fetch(&self.request, &response, &target, &self.profile) {
                    Ok(redirect) => {
                        self.follow(redirect);
                        self.pending = Some(failure);
                    }
                    Err(_) => self.fail(failure, cache),
                }
            }
            Err(failure) => {
                self.fail(failure, cache);
            }
        }
    }

    /// Moves the fetch to the redirect's URL; main fetch runs next.
    fn follow(&mut self, redirect: Redirect) {
        let cross_origin =
            !Origin::from_url(self.request.url()).same_origin(&Origin::from_url(&redirect.url));
        if redirect.body == BodyAction::Drop {
            self.body = BodyAction::Drop;
        }
        self.url_list.push(redirect.url.clone());
        self.request.follow_redirect(
            redirect.method,
            redirect.url,
            redirect.redirect_taint,
            &redirect.removed_headers,
        );
        let mut history = self.request.history();
        history.origin_kept |= redirect.origin_kept;
        history.last_redirect_cross_origin = cross_origin;
        history.last_redirect_rewrote_method = redirect.body == BodyAction::Drop;
        self.request.set_hop(self.request.tainting(), history);
        self.state = State::MainFetch;
    }

    /// What the page sees of the final response, read from the exposure in one pass.
    fn page_response(&self, exposure: &Exposure<'_>) -> FetchResponse {
        let opaque = exposure.response_type() == ResponseType::Opaque;
        let mut headers = HeaderMap::new();
        for (name, value) in exposure.readable_headers() {
            headers.append(name.clone(), value.clone());
        }
        let mut header_names: Vec<HeaderName> = headers.keys().cloned().collect();
        header_names.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
        FetchResponse {
            response_type: exposure.response_type(),
            status: exposure.status(),
            url: (!opaque).then(|| self.request.url().clone()),
            redirected: !opaque && self.url_list.len() > 1,
            header_names,
            headers,
        }
    }
}

/// The default partition key: the page's site (see [`CorsFetch::with_partition_key`]).
fn default_partition(origin: &Origin) -> Box<str> {
    match origin.site() {
        Site::SchemeAndHost { scheme, host } => format!("{scheme}://{host}").into(),
        Site::Opaque(_) => "null".into(),
    }
}

/// `url` as it goes on the wire: without its fragment.
fn wire_url(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    url
}
