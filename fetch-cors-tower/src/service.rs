//! The layer and the service: one `CorsFetch` driven per call.

use std::borrow::Cow;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use fetch_cors::diagnostics::{Api, ConsoleContext, console_message};
use fetch_cors::http_redirect_fetch::BodyAction;
use fetch_cors::{
    Action, CorsError, CorsFetch, CredentialsMode, Destination, FetchResponse, Mode, Origin,
    Outgoing, OutgoingKind, PreflightCache, Profile, RedirectMode, Request, RequestCacheMode,
    RequestError, ResponseType, UseCorsPreflight,
};
use http::header::{AUTHORIZATION, LOCATION};
use http::{HeaderValue, StatusCode};
use http_body::Body;
use http_body_util::{BodyExt, Full, Limited};
use tower_layer::Layer;
use tower_service::Service;
use url::Url;

use crate::body::PageBody;
use crate::clock::{Clock, SystemClock};
use crate::credentials::{CookieJar, CredentialStore};
use crate::error::{Blocked, BoxError, FetchError};

/// The page's URL for a request, when the `http::Uri` cannot say all of it: a fragment
/// (preflight-cache entries are keyed by the whole URL) or a form `http::Uri` rejects. Put
/// it in the request's extensions; it wins over the request's URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageUrl(pub Url);

/// A preflight cache shared by every clone of a service, as one browser shares one.
pub type SharedCache = Arc<Mutex<PreflightCache>>;

/// How much of a response body the adapter reads and throws away (redirects, preflights,
/// opaque responses) so that the connection can be reused.
const DRAIN_LIMIT: usize = 64 * 1024;

/// What every clone of a service shares.
struct Config {
    origin: Origin,
    profile: Profile,
    cache: SharedCache,
    clock: Arc<dyn Clock>,
    credentials: Arc<dyn CredentialStore>,
    partition_key: Option<Box<str>>,
}

impl Clone for Config {
    fn clone(&self) -> Self {
        Config {
            origin: self.origin.clone(),
            profile: self.profile,
            cache: Arc::clone(&self.cache),
            clock: Arc::clone(&self.clock),
            credentials: Arc::clone(&self.credentials),
            partition_key: self.partition_key.clone(),
        }
    }
}

/// A [`Layer`] that makes an HTTP client service fetch as a page at `origin` in a browser
/// described by a [`Profile`]. See the crate docs.
#[derive(Clone)]
pub struct CorsLayer {
    config: Config,
}

impl std::fmt::Debug for CorsLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorsLayer")
            .field("origin", &self.config.origin)
            .field("engine", &self.config.profile.engine)
            .finish_non_exhaustive()
    }
}

impl CorsLayer {
    /// A page at `origin` in the browser `profile` describes, with a fresh preflight cache
    /// sized for that profile, the [`SystemClock`] and an empty [`CookieJar`].
    pub fn new(origin: Origin, profile: Profile) -> Self {
        CorsLayer {
            config: Config {
                origin,
                profile,
                cache: Arc::new(Mutex::new(PreflightCache::new(&profile))),
                clock: Arc::new(SystemClock::new()),
                credentials: Arc::new(CookieJar::new()),
                partition_key: None,
            },
        }
    }

    /// Reads the time from `clock` instead of the system clock.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.config.clock = Arc::new(clock);
        self
    }

    /// Takes and keeps credentials with `store` instead of a fresh [`CookieJar`].
    #[must_use]
    pub fn with_credentials(mut self, store: Arc<dyn CredentialStore>) -> Self {
        self.config.credentials = store;
        self
    }

    /// Uses `cache` as the preflight cache, shared with whoever else holds it. It should have
    /// been made for the same profile (`PreflightCache::new(&profile)`).
    #[must_use]
    pub fn with_cache(mut self, cache: SharedCache) -> Self {
        self.config.cache = cache;
        self
    }

    /// Sets the network partition key of every fetch (by default the page's site; see
    /// [`CorsFetch::with_partition_key`]).
    #[must_use]
    pub fn with_partition_key(mut self, key: impl Into<Box<str>>) -> Self {
        self.config.partition_key = Some(key.into());
        self
    }

    /// The preflight cache the services of this layer share.
    pub fn cache(&self) -> &SharedCache {
        &self.config.cache
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = CorsService<S>;

    fn layer(&self, inner: S) -> CorsService<S> {
        CorsService {
            inner,
            config: self.config.clone(),
        }
    }
}

/// The service [`CorsLayer`] makes: each call is one `fetch()` from the page.
///
/// The inner service gets every request the browser would send (preflights included) as
/// `http::Request<Full<Bytes>>` with an absolute URI, and must not follow redirects itself.
/// The call resolves to the page's view of the response, or a [`FetchError`].
///
/// The request's extensions may hold a [`Mode`], [`CredentialsMode`], [`RedirectMode`],
/// [`RequestCacheMode`], [`UseCorsPreflight`], [`Destination`], [`PageUrl`] and [`Api`]
/// (`Api::Xhr` makes an `XMLHttpRequest`, which accepts credentials in the URL); without them the request is a
/// plain `fetch()`: mode `cors`, credentials `same-origin`, redirect `follow`.
///
/// The response has only the headers script can read, and a [`FetchResponse`] extension with
/// the page's `Response.type`, `status`, `url` and `redirected`. An opaque or opaque-redirect
/// response has an empty body and no headers; its page status is 0, which `http::StatusCode`
/// cannot hold, so its HTTP status is `200` and only the [`FetchResponse`] says `0`.
pub struct CorsService<S> {
    inner: S,
    config: Config,
}

impl<S: Clone> Clone for CorsService<S> {
    fn clone(&self) -> Self {
        CorsService {
            inner: self.inner.clone(),
            config: self.config.clone(),
        }
    }
}

impl<S> std::fmt::Debug for CorsService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorsService")
            .field("origin", &self.config.origin)
            .field("engine", &self.config.profile.engine)
            .finish_non_exhaustive()
    }
}

impl<S> CorsService<S> {
    /// The same client for a page at another origin (another frame of the same browser): it
    /// shares this one's preflight cache, clock and credentials.
    pub fn for_origin(&self, origin: Origin) -> Self
    where
        S: Clone,
    {
        let mut config = self.config.clone();
        config.origin = origin;
        CorsService {
            inner: self.inner.clone(),
            config,
        }
    }

    /// The shared preflight cache.
    pub fn cache(&self) -> &SharedCache {
        &self.config.cache
    }

    /// The page's origin.
    pub fn origin(&self) -> &Origin {
        &self.config.origin
    }

    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, by value.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// The future of a [`CorsService`] call.
pub type ResponseFuture<RB> =
    Pin<Box<dyn Future<Output = Result<http::Response<PageBody<RB>>, FetchError>> + Send>>;

impl<S, B, RB> Service<http::Request<B>> for CorsService<S>
where
    S: Service<http::Request<Full<Bytes>>, Response = http::Response<RB>> + Clone + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
    RB: Body + Send + 'static,
    RB::Data: Send,
    RB::Error: Into<BoxError>,
{
    type Response = http::Response<PageBody<RB>>;
    type Error = FetchError;
    type Future = ResponseFuture<RB>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), FetchError>> {
        // Readiness of the inner service is awaited before each request of the fetch; a
        // failure there is the fetch's transport failure.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let inner = self.inner.clone();
        let config = self.config.clone();
        Box::pin(fetch(inner, config, request))
    }
}

/// Runs `f` on the shared cache. A poisoned lock still holds a usable cache (the machine
/// never leaves it half-updated), so it is taken as is.
fn with_cache<T>(cache: &SharedCache, f: impl FnOnce(&mut PreflightCache) -> T) -> T {
    let mut guard = cache.lock().unwrap_or_else(|p| p.into_inner());
    f(&mut guard)
}

/// The page's `Request` from the caller's request head.
fn page_request<'a>(
    parts: &'a http::request::Parts,
    url: Url,
    origin: &'a Origin,
) -> Result<Request<'a>, RequestError> {
    let ext = &parts.extensions;
    let new = if ext.get::<Api>() == Some(&Api::Xhr) {
        Request::xhr
    } else {
        Request::new
    };
    let mut request = new(&parts.method, Cow::Owned(url), &parts.headers, origin)?;
    if let Some(&m) = ext.get::<Mode>() {
        request = request.with_mode(m);
    }
    if let Some(&c) = ext.get::<CredentialsMode>() {
        request = request.with_credentials(c);
    }
    if let Some(&r) = ext.get::<RedirectMode>() {
        request = request.with_redirect(r);
    }
    if let Some(&c) = ext.get::<RequestCacheMode>() {
        request = request.with_cache_mode(c);
    }
    if let Some(p) = ext.get::<UseCorsPreflight>() {
        request = request.with_use_cors_preflight(p.0);
    }
    if let Some(&d) = ext.get::<Destination>() {
        request = request.with_destination(d);
    }
    Ok(request)
}

/// What a failed fetch's console message names.
struct Trail {
    /// The status of the last response that arrived.
    status: Option<u16>,
    /// Where the last response redirected to, when it was a redirect.
    redirect_to: Option<String>,
}

fn blocked(
    error: CorsError,
    fetch: &CorsFetch,
    config: &Config,
    api: Api,
    trail: &Trail,
    source: Option<BoxError>,
) -> FetchError {
    let urls = fetch.url_list();
    let url = fetch.request().url().as_str();
    let origin = config.origin.serialize();
    let mut ctx = ConsoleContext::fetch(url, origin).with_api(api);
    if urls.len() > 1 {
        ctx = ctx.with_redirected_from(urls[0].as_str());
    }
    let request_origin = fetch.request().serialized_origin();
    if request_origin != origin {
        ctx = ctx.with_request_origin(request_origin);
    }
    if let Some(s) = trail.status {
        ctx = ctx.with_status(s);
    }
    if let Some(to) = &trail.redirect_to {
        ctx = ctx.with_redirect_to(to);
    }
    let engine = config.profile.engine;
    FetchError::Blocked(Blocked {
        console_message: console_message(&error, engine, &ctx),
        error,
        engine,
        source,
    })
}

/// The request to hand the inner service for `out`.
fn wire_request(
    out: Outgoing,
    body: &Bytes,
    credentials: &dyn CredentialStore,
) -> http::Request<Full<Bytes>> {
    let include = out.include_credentials;
    let send_body = out.kind == OutgoingKind::Request && out.body == BodyAction::Keep;
    let (mut parts, ()) = out.request.into_parts();
    let url = Url::parse(&parts.uri.to_string()).ok();
    if let Some(url) = &url {
        if !url.username().is_empty() || url.password().is_some() {
            // Userinfo never goes on the wire; a credentialed request sends it as Basic auth.
            if include && !parts.headers.contains_key(AUTHORIZATION) {
                let pair = format!("{}:{}", url.username(), url.password().unwrap_or(""));
                let pair = percent_decode(&pair);
                if let Ok(v) = HeaderValue::from_str(&format!("Basic {}", base64(&pair))) {
                    parts.headers.insert(AUTHORIZATION, v);
                }
            }
            let mut bare = url.clone();
            let _ = bare.set_username("");
            let _ = bare.set_password(None);
            if let Ok(uri) = bare.as_str().parse() {
                parts.uri = uri;
            }
        }
        if include {
            credentials.credentials_for(url, &mut parts.headers);
        }
    }
    let body = if send_body {
        Full::new(body.clone())
    } else {
        Full::default()
    };
    http::Request::from_parts(parts, body)
}

/// One `fetch()`: the drive loop of `CorsFetch`, each `Send` through the inner service.
async fn fetch<S, B, RB>(
    mut inner: S,
    config: Config,
    request: http::Request<B>,
) -> Result<http::Response<PageBody<RB>>, FetchError>
where
    S: Service<http::Request<Full<Bytes>>, Response = http::Response<RB>>,
    S::Error: Into<BoxError>,
    B: Body,
    B::Error: Into<BoxError>,
    RB: Body,
    RB::Error: Into<BoxError>,
{
    let (parts, body) = request.into_parts();
    let api = parts.extensions.get::<Api>().copied().unwrap_or_default();
    let url = match parts.extensions.get::<PageUrl>() {
        Some(PageUrl(url)) => Ok(url.clone()),
        None => Url::parse(&parts.uri.to_string()),
    };
    let url = url.map_err(|e| {
        FetchError::Request(RequestError::InvalidUrl {
            uri: parts.uri.to_string(),
            reason: e.to_string(),
        })
    })?;
    let page = page_request(&parts, url, &config.origin).map_err(FetchError::Request)?;
    let mut fetch = CorsFetch::new(&page, &config.profile).map_err(FetchError::Request)?;
    drop(page);
    if let Some(key) = &config.partition_key {
        fetch = fetch.with_partition_key(key.clone());
    }
    // Buffered, so that a 307 or 308 can send it again.
    let body = body
        .collect()
        .await
        .map_err(|e| FetchError::RequestBody(e.into()))?
        .to_bytes();

    let mut last: Option<http::Response<RB>> = None;
    let mut transport: Option<BoxError> = None;
    let mut trail = Trail {
        status: None,
        redirect_to: None,
    };
    loop {
        let now = config.clock.now();
        let action = with_cache(&config.cache, |c| fetch.poll(c, now));
        let out = match action {
            Action::Send(out) => out,
            Action::Done(Ok(seen)) => return Ok(page_response(seen, last).await),
            Action::Done(Err(error)) => {
                return Err(blocked(error, &fetch, &config, api, &trail, transport));
            }
            // The cache was made for another profile: a bug in the layer's setup.
            Action::Misuse(misuse) => return Err(FetchError::Machine(misuse)),
            // `Wait` with nothing outstanding, or a future action this adapter does not
            // know: fail rather than guess.
            _ => {
                return Err(FetchError::Machine(
                    fetch_cors::ApiMisuse::NoResponseExpected {
                        state: fetch.state(),
                    },
                ));
            }
        };
        let include = out.include_credentials;
        let target = Some(out.url.clone());
        let wire = wire_request(out, &body, &*config.credentials);
        if let Some(previous) = last.take() {
            drain(previous.into_body()).await;
        }
        let ready: Result<(), BoxError> =
            poll_fn(|cx| inner.poll_ready(cx)).await.map_err(Into::into);
        let sent: Result<S::Response, BoxError> = match ready {
            Ok(()) => inner.call(wire).await.map_err(Into::into),
            Err(e) => Err(e),
        };
        match sent {
            Ok(response) => {
                if include {
                    if let Some(url) = &target {
                        config.credentials.store_from(url, response.headers());
                    }
                }
                trail.status = Some(response.status().as_u16());
                trail.redirect_to = redirect_target(&response, target.as_ref());
                let now = config.clock.now();
                with_cache(&config.cache, |c| fetch.handle_response(&response, c, now))
                    .map_err(FetchError::Machine)?;
                last = Some(response);
            }
            Err(e) => {
                transport = Some(e);
                with_cache(&config.cache, |c| fetch.handle_network_error(c))
                    .map_err(FetchError::Machine)?;
            }
        }
    }
}

/// Where a redirect response points, for the console message.
fn redirect_target<RB>(response: &http::Response<RB>, base: Option<&Url>) -> Option<String> {
    if !fetch_cors::is_redirect_status(response.status()) {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    Some(match base.and_then(|b| b.join(location).ok()) {
        Some(u) => u.to_string(),
        None => location.to_owned(),
    })
}

/// The page's view of the final response.
async fn page_response<RB>(
    seen: FetchResponse,
    last: Option<http::Response<RB>>,
) -> http::Response<PageBody<RB>>
where
    RB: Body,
    RB::Error: Into<BoxError>,
{
    let withheld = matches!(
        seen.response_type,
        ResponseType::Opaque | ResponseType::OpaqueRedirect
    );
    let body = match last {
        Some(r) if !withheld => PageBody::new(r.into_body()),
        Some(r) => {
            drain(r.into_body()).await;
            PageBody::empty()
        }
        None => PageBody::empty(),
    };
    let mut response = http::Response::new(body);
    *response.status_mut() = StatusCode::from_u16(seen.status).unwrap_or(StatusCode::OK);
    *response.headers_mut() = seen.headers.clone();
    response.extensions_mut().insert(seen);
    response
}

/// Reads and discards up to [`DRAIN_LIMIT`] bytes of a body nobody will see.
async fn drain<RB>(body: RB)
where
    RB: Body,
    RB::Error: Into<BoxError>,
{
    let _ = Limited::new(body, DRAIN_LIMIT).collect().await;
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let v = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(u8::try_from(v).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn base64(input: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        let chars = chunk.len() + 1;
        for i in 0..4 {
            if i < chars {
                out.push(char::from(TABLE[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_percent_decoding_of_userinfo() {
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b""), "");
        assert_eq!(percent_decode("a%20b%zz%4"), b"a b%zz%4");
    }
}
