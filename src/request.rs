//! The request as the CORS algorithms see it.
//!
//! [`Request`] holds what the Fetch Standard's CORS steps read from a request: method, current
//! URL, header list, origin, mode, credentials mode, redirect mode, the use-CORS-preflight and
//! unsafe-request flags, response tainting and the redirect state. It borrows the method-free
//! parts it can (header list, origin) from the caller.
//!
//! ```
//! use fetch_cors::{Origin, Request, Mode, CredentialsMode};
//!
//! let page = Origin::parse("https://app.example").unwrap();
//! let http_req = http::Request::put("https://api.example/items/1")
//!     .header("content-type", "application/json")
//!     .body(())
//!     .unwrap();
//! let (parts, ()) = http_req.into_parts();
//! let req = Request::from_parts(&parts, &page).unwrap();
//! assert_eq!(req.mode(), Mode::Cors); // fetch() defaults
//! assert_eq!(req.credentials_mode(), CredentialsMode::SameOrigin);
//! ```

use std::borrow::Cow;

use http::{HeaderMap, Method};
use url::Url;

use crate::error::RequestError;
use crate::method;
use crate::origin::{Origin, RedirectTaint, serialize_request_origin};

/// A request's mode. <https://fetch.spec.whatwg.org/#concept-request-mode>
///
/// Put one in an `http::Request`'s extensions to choose it in [`Request::from_parts`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mode {
    /// Same-origin requests only.
    SameOrigin,
    /// Cross-origin requests get opaque responses, no CORS.
    NoCors,
    /// The CORS protocol (the `fetch()` default).
    #[default]
    Cors,
    /// A navigation.
    Navigate,
    /// A WebSocket handshake.
    WebSocket,
}

impl Mode {
    /// The spec's spelling (`no-cors`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::SameOrigin => "same-origin",
            Mode::NoCors => "no-cors",
            Mode::Cors => "cors",
            Mode::Navigate => "navigate",
            Mode::WebSocket => "websocket",
        }
    }
}

/// A request's destination. <https://fetch.spec.whatwg.org/#concept-request-destination>
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Destination {
    /// The empty string: `fetch()`, XHR, `EventSource`, `sendBeacon`.
    #[default]
    Empty,
    /// `audio`.
    Audio,
    /// `font`.
    Font,
    /// `image`.
    Image,
    /// `script` (classic and module scripts).
    Script,
    /// `style`.
    Style,
    /// `video`.
    Video,
}

impl Destination {
    /// The spec's spelling (`""`, `image`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Destination::Empty => "",
            Destination::Audio => "audio",
            Destination::Font => "font",
            Destination::Image => "image",
            Destination::Script => "script",
            Destination::Style => "style",
            Destination::Video => "video",
        }
    }

    /// The `Accept` value fetch gives a request of this destination that has none
    /// (<https://fetch.spec.whatwg.org/#concept-fetch> step 12).
    pub const fn accept(self) -> &'static str {
        match self {
            Destination::Image => "image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5",
            Destination::Style => "text/css,*/*;q=0.1",
            _ => "*/*",
        }
    }
}

/// A request's credentials mode. <https://fetch.spec.whatwg.org/#concept-request-credentials-mode>
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CredentialsMode {
    /// Never send credentials.
    Omit,
    /// Send credentials to same-origin URLs only (the `fetch()` default).
    #[default]
    SameOrigin,
    /// Always send credentials; the CORS check then needs `Access-Control-Allow-Credentials`.
    Include,
}

impl CredentialsMode {
    /// The spec's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            CredentialsMode::Omit => "omit",
            CredentialsMode::SameOrigin => "same-origin",
            CredentialsMode::Include => "include",
        }
    }
}

/// A request's redirect mode. <https://fetch.spec.whatwg.org/#concept-request-redirect-mode>
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RedirectMode {
    /// Follow redirects (the default).
    #[default]
    Follow,
    /// A redirect is a network error.
    Error,
    /// Return an opaque-redirect response.
    Manual,
}

impl RedirectMode {
    /// The spec's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            RedirectMode::Follow => "follow",
            RedirectMode::Error => "error",
            RedirectMode::Manual => "manual",
        }
    }
}

/// A request's cache mode: how it uses the HTTP cache (`RequestInit.cache`). The standard does
/// not let it affect the CORS-preflight cache; some engines do
/// ([`CacheRules::bypass_for_cache_modes`](crate::profile::CacheRules)).
/// <https://fetch.spec.whatwg.org/#concept-request-cache-mode>
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RequestCacheMode {
    /// `default`.
    #[default]
    Default,
    /// `no-store`.
    NoStore,
    /// `reload`.
    Reload,
    /// `no-cache`.
    NoCache,
    /// `force-cache`.
    ForceCache,
    /// `only-if-cached`.
    OnlyIfCached,
}

/// A request's response tainting. <https://fetch.spec.whatwg.org/#concept-request-response-tainting>
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ResponseTainting {
    /// Not (yet) cross-origin.
    #[default]
    Basic,
    /// The CORS protocol applies.
    Cors,
    /// A no-cors cross-origin request: the response is opaque.
    Opaque,
}

/// The use-CORS-preflight flag: set it in an `http::Request`'s extensions (or with
/// [`Request::with_use_cors_preflight`]) to force a preflight, as an XHR upload listener does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct UseCorsPreflight(pub bool);

/// What earlier hops of the same fetch did: the facts some engines' rules consult after a
/// redirect. A fetch starts with the default (nothing happened yet); the machine updates it
/// hop by hop, and a caller running the stateless steps itself sets it with
/// [`Request::with_history`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FetchHistory {
    /// The fetch's first URL was same origin with the request's origin.
    pub started_same_origin: bool,
    /// The page's own header list (before any redirect removed a header) held a CORS-unsafe
    /// request-header.
    pub original_headers_unsafe: bool,
    /// A CORS preflight was sent on some hop so far.
    pub preflight_sent: bool,
    /// Some hop so far took main fetch's preflight branch (sent or served from the cache).
    pub preflight_branch: bool,
    /// A redirect kept the `Origin` header an earlier request carried
    /// ([`Redirect::origin_kept`](crate::http_redirect_fetch::Redirect::origin_kept)), so
    /// later requests send it even where the standard would not append one.
    pub origin_kept: bool,
    /// The latest redirect went to another origin (so it removed `Authorization`).
    pub last_redirect_cross_origin: bool,
    /// The latest redirect rewrote the method and dropped the body (so it removed the
    /// request-body headers).
    pub last_redirect_rewrote_method: bool,
}

impl FetchHistory {
    /// Whether the first hop went out with credentials: mode `include`, or `same-origin` to
    /// the page's own origin.
    pub fn first_hop_credentialed(&self, credentials: CredentialsMode) -> bool {
        match credentials {
            CredentialsMode::Include => true,
            CredentialsMode::SameOrigin => self.started_same_origin,
            CredentialsMode::Omit => false,
        }
    }
}

/// A request as the CORS algorithms see it. See the module docs.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    method: Method,
    url: Cow<'a, Url>,
    headers: Cow<'a, HeaderMap>,
    origin: Cow<'a, Origin>,
    mode: Mode,
    credentials: CredentialsMode,
    redirect: RedirectMode,
    use_cors_preflight: bool,
    unsafe_request: bool,
    tainting: ResponseTainting,
    redirect_taint: RedirectTaint,
    redirect_count: u8,
    cache_mode: RequestCacheMode,
    history: FetchHistory,
    original_headers: Option<Cow<'a, HeaderMap>>,
    destination: Destination,
}

impl<'a> Request<'a> {
    /// A request as `fetch()` makes it: mode `cors`, credentials `same-origin`, redirect
    /// `follow`, the unsafe-request flag set. The method is normalized.
    ///
    /// Fails on a forbidden method and on a URL with a username or password, which
    /// `fetch()` rejects.
    pub fn new(
        method: &Method,
        url: Cow<'a, Url>,
        headers: &'a HeaderMap,
        origin: &'a Origin,
    ) -> Result<Self, RequestError> {
        if !url.username().is_empty() || url.password().is_some() {
            return Err(RequestError::CredentialsInUrl {
                url: url.to_string(),
            });
        }
        Request::xhr(method, url, headers, origin)
    }

    /// A request as `XMLHttpRequest` makes it: like [`Request::new`], except that a URL with a
    /// username and password is accepted (`open()` takes them for HTTP authentication, where
    /// `fetch()` rejects them). Set the mode and credentials mode XHR uses with the `with_*`
    /// methods.
    pub fn xhr(
        method: &Method,
        url: Cow<'a, Url>,
        headers: &'a HeaderMap,
        origin: &'a Origin,
    ) -> Result<Self, RequestError> {
        if method::is_forbidden_method(method.as_str().as_bytes()) {
            return Err(RequestError::ForbiddenMethod {
                method: method.clone(),
            });
        }
        Ok(Request::from_trusted_parts(
            &method::normalize(method),
            url,
            headers,
            origin,
        ))
    }

    /// A view over parts a [`CorsFetch`](crate::CorsFetch) keeps: the method is already
    /// normalized and checked.
    pub(crate) fn from_trusted_parts(
        method: &Method,
        url: Cow<'a, Url>,
        headers: &'a HeaderMap,
        origin: &'a Origin,
    ) -> Self {
        Request {
            method: method.clone(),
            url,
            headers: Cow::Borrowed(headers),
            origin: Cow::Borrowed(origin),
            mode: Mode::Cors,
            credentials: CredentialsMode::SameOrigin,
            redirect: RedirectMode::Follow,
            use_cors_preflight: false,
            unsafe_request: true,
            tainting: ResponseTainting::Basic,
            redirect_taint: RedirectTaint::SameOrigin,
            redirect_count: 0,
            cache_mode: RequestCacheMode::Default,
            history: FetchHistory::default(),
            original_headers: None,
            destination: Destination::Empty,
        }
    }

    /// Builds the view from `http::request::Parts` and the page's origin.
    ///
    /// The URI must be absolute. [`Mode`], [`CredentialsMode`], [`RedirectMode`] and
    /// [`UseCorsPreflight`] values found in `parts.extensions` override the `fetch()` defaults.
    /// A URL with a username or password is rejected, as `fetch()` rejects it.
    pub fn from_parts(
        parts: &'a http::request::Parts,
        origin: &'a Origin,
    ) -> Result<Self, RequestError> {
        Request::from_pieces(
            &parts.method,
            &parts.uri,
            &parts.headers,
            &parts.extensions,
            origin,
        )
    }

    /// Builds the view from an `http::Request` (its body is ignored). See [`Request::from_parts`].
    pub fn from_http<B>(
        request: &'a http::Request<B>,
        origin: &'a Origin,
    ) -> Result<Self, RequestError> {
        Request::from_pieces(
            request.method(),
            request.uri(),
            request.headers(),
            request.extensions(),
            origin,
        )
    }

    fn from_pieces(
        method: &Method,
        uri: &http::Uri,
        headers: &'a HeaderMap,
        ext: &http::Extensions,
        origin: &'a Origin,
    ) -> Result<Self, RequestError> {
        let url = url_from_uri(uri)?;
        let mut req = Request::new(method, Cow::Owned(url), headers, origin)?;
        req.mode = ext.get::<Mode>().copied().unwrap_or(req.mode);
        req.credentials = ext
            .get::<CredentialsMode>()
            .copied()
            .unwrap_or(req.credentials);
        req.redirect = ext.get::<RedirectMode>().copied().unwrap_or(req.redirect);
        req.use_cors_preflight = ext.get::<UseCorsPreflight>().is_some_and(|p| p.0);
        req.cache_mode = ext
            .get::<RequestCacheMode>()
            .copied()
            .unwrap_or(req.cache_mode);
        Ok(req)
    }

    /// Sets the mode.
    #[must_use]
    pub fn with_mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets the credentials mode.
    #[must_use]
    pub fn with_credentials(mut self, credentials: CredentialsMode) -> Self {
        self.credentials = credentials;
        self
    }

    /// Sets the redirect mode.
    #[must_use]
    pub fn with_redirect(mut self, redirect: RedirectMode) -> Self {
        self.redirect = redirect;
        self
    }

    /// Sets the use-CORS-preflight flag.
    #[must_use]
    pub fn with_use_cors_preflight(mut self, flag: bool) -> Self {
        self.use_cors_preflight = flag;
        self
    }

    /// Sets the unsafe-request flag. Requests made by `fetch()` and XHR have it; without it no
    /// preflight is ever made.
    #[must_use]
    pub fn with_unsafe_request(mut self, flag: bool) -> Self {
        self.unsafe_request = flag;
        self
    }

    /// Sets the response tainting (a redirected request keeps the tainting of its first hop).
    #[must_use]
    pub fn with_tainting(mut self, tainting: ResponseTainting) -> Self {
        self.tainting = tainting;
        self
    }

    /// Sets the cache mode.
    #[must_use]
    pub fn with_cache_mode(mut self, mode: RequestCacheMode) -> Self {
        self.cache_mode = mode;
        self
    }

    /// Sets the redirect state: the redirect-taint and how many redirects were followed.
    #[must_use]
    pub fn with_redirects(mut self, taint: RedirectTaint, count: u8) -> Self {
        self.redirect_taint = taint;
        self.redirect_count = count;
        self
    }

    /// Sets what earlier hops of the fetch did, and the page's header list as it made the
    /// request (before redirects removed any header).
    #[must_use]
    pub fn with_history(mut self, history: FetchHistory, original_headers: &'a HeaderMap) -> Self {
        self.history = history;
        self.original_headers = Some(Cow::Borrowed(original_headers));
        self
    }

    /// The same request, owning everything it borrowed.
    pub fn into_owned(self) -> Request<'static> {
        Request {
            method: self.method,
            url: Cow::Owned(self.url.into_owned()),
            headers: Cow::Owned(self.headers.into_owned()),
            origin: Cow::Owned(self.origin.into_owned()),
            mode: self.mode,
            credentials: self.credentials,
            redirect: self.redirect,
            use_cors_preflight: self.use_cors_preflight,
            unsafe_request: self.unsafe_request,
            tainting: self.tainting,
            redirect_taint: self.redirect_taint,
            redirect_count: self.redirect_count,
            cache_mode: self.cache_mode,
            history: self.history,
            original_headers: self.original_headers.map(|h| Cow::Owned(h.into_owned())),
            destination: self.destination,
        }
    }

    /// A view of this request that borrows from it: cheap to make, for a step that needs
    /// the request with one field changed.
    pub fn borrowed(&self) -> Request<'_> {
        Request {
            method: self.method.clone(),
            url: Cow::Borrowed(&self.url),
            headers: Cow::Borrowed(&self.headers),
            origin: Cow::Borrowed(&self.origin),
            mode: self.mode,
            credentials: self.credentials,
            redirect: self.redirect,
            use_cors_preflight: self.use_cors_preflight,
            unsafe_request: self.unsafe_request,
            tainting: self.tainting,
            redirect_taint: self.redirect_taint,
            redirect_count: self.redirect_count,
            cache_mode: self.cache_mode,
            history: self.history,
            original_headers: self.original_headers.as_deref().map(Cow::Borrowed),
            destination: self.destination,
        }
    }

    /// Moves the request to its next URL after a redirect: the new method and URL, the
    /// redirect-taint of the longer URL list, and without the `removed` headers. The page's
    /// original header list is kept for the engine rules that read it.
    pub(crate) fn follow_redirect(
        &mut self,
        method: Method,
        url: Url,
        taint: RedirectTaint,
        removed: &[http::HeaderName],
    ) {
        if !removed.is_empty() {
            if self.original_headers.is_none() {
                self.original_headers = Some(self.headers.clone());
            }
            let headers = self.headers.to_mut();
            for name in removed {
                headers.remove(name);
            }
        }
        self.method = method;
        self.url = Cow::Owned(url);
        self.redirect_taint = taint;
        self.redirect_count = self.redirect_count.saturating_add(1);
    }

    /// Records what main fetch and HTTP fetch decided for the current hop.
    pub(crate) fn set_hop(&mut self, tainting: ResponseTainting, history: FetchHistory) {
        self.tainting = tainting;
        self.history = history;
    }

    /// What earlier hops of the fetch did.
    pub fn history(&self) -> FetchHistory {
        self.history
    }

    /// The page's header list as it made the request: the current one unless
    /// [`with_history`](Self::with_history) gave another.
    pub fn original_headers(&self) -> &HeaderMap {
        self.original_headers.as_deref().unwrap_or(&self.headers)
    }

    /// Sets the destination (see [`Request::with_initiator`] for an initiator's).
    #[must_use]
    pub fn with_destination(mut self, destination: Destination) -> Self {
        self.destination = destination;
        self
    }

    /// The destination.
    pub fn destination(&self) -> Destination {
        self.destination
    }

    /// The (normalized) method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The current URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The header list set by the page.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request's origin.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The credentials mode.
    pub fn credentials_mode(&self) -> CredentialsMode {
        self.credentials
    }

    /// The redirect mode.
    pub fn redirect_mode(&self) -> RedirectMode {
        self.redirect
    }

    /// The use-CORS-preflight flag.
    pub fn use_cors_preflight(&self) -> bool {
        self.use_cors_preflight
    }

    /// The unsafe-request flag.
    pub fn unsafe_request(&self) -> bool {
        self.unsafe_request
    }

    /// The response tainting so far.
    pub fn tainting(&self) -> ResponseTainting {
        self.tainting
    }

    /// The redirect-taint.
    pub fn redirect_taint(&self) -> RedirectTaint {
        self.redirect_taint
    }

    /// The cache mode.
    pub fn cache_mode(&self) -> RequestCacheMode {
        self.cache_mode
    }

    /// How many redirects have been followed.
    pub fn redirect_count(&self) -> u8 {
        self.redirect_count
    }

    /// *Serializing a request origin*: the value of the `Origin` header and what
    /// `Access-Control-Allow-Origin` must equal.
    ///
    /// <https://fetch.spec.whatwg.org/#serializing-a-request-origin>
    pub fn serialized_origin(&self) -> &str {
        serialize_request_origin(&self.origin, self.redirect_taint)
    }

    /// The request origin serialized as if the redirect-taint were `taint`.
    pub fn origin_with_taint(&self, taint: RedirectTaint) -> &str {
        serialize_request_origin(&self.origin, taint)
    }

    /// Whether the current URL is same origin with the request's origin.
    pub fn is_same_origin(&self) -> bool {
        self.origin.same_origin_with_url(&self.url)
    }

    /// The spec's "includes credentials" question for the CORS check: credentials mode
    /// `include`.
    pub fn credentials_included(&self) -> bool {
        self.credentials == CredentialsMode::Include
    }
}

fn url_from_uri(uri: &http::Uri) -> Result<Url, RequestError> {
    let text = uri.to_string();
    if uri.scheme().is_none() {
        return Err(RequestError::InvalidUrl {
            uri: text,
            reason: "no scheme".into(),
        });
    }
    Url::parse(&text).map_err(|e| RequestError::InvalidUrl {
        uri: text,
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Origin {
        Origin::parse("https://app.example").unwrap()
    }

    #[test]
    fn item_034_fetch_defaults() {
        let origin = page();
        let (parts, ()) = http::Request::get("https://api.example/")
            .body(())
            .unwrap()
            .into_parts();
        let r = Request::from_parts(&parts, &origin).unwrap();
        assert_eq!(r.mode(), Mode::Cors);
        assert_eq!(r.credentials_mode(), CredentialsMode::SameOrigin);
        assert_eq!(r.redirect_mode(), RedirectMode::Follow);
        assert!(r.unsafe_request());
        assert!(!r.use_cors_preflight());
        assert_eq!(r.tainting(), ResponseTainting::Basic);
    }

    #[test]
    fn extensions_override_defaults() {
        let origin = page();
        let (parts, ()) = http::Request::post("https://api.example/")
            .extension(Mode::NoCors)
            .extension(CredentialsMode::Include)
            .extension(RedirectMode::Manual)
            .extension(UseCorsPreflight(true))
            .body(())
            .unwrap()
            .into_parts();
        let r = Request::from_parts(&parts, &origin).unwrap();
        assert_eq!(r.mode(), Mode::NoCors);
        assert_eq!(r.credentials_mode(), CredentialsMode::Include);
        assert_eq!(r.redirect_mode(), RedirectMode::Manual);
        assert!(r.use_cors_preflight());
        let http_req = http::Request::get("https://api.example/")
            .extension(Mode::SameOrigin)
            .body(())
            .unwrap();
        assert_eq!(
            Request::from_http(&http_req, &origin).unwrap().mode(),
            Mode::SameOrigin
        );
    }

    #[test]
    fn item_032_method_normalized_on_construction() {
        let origin = page();
        let (parts, ()) = http::Request::builder()
            .method(Method::from_bytes(b"post").unwrap())
            .uri("https://api.example/")
            .body(())
            .unwrap()
            .into_parts();
        assert_eq!(
            Request::from_parts(&parts, &origin).unwrap().method(),
            Method::POST
        );
        let (parts, ()) = http::Request::builder()
            .method(Method::from_bytes(b"patch").unwrap())
            .uri("https://api.example/")
            .body(())
            .unwrap()
            .into_parts();
        assert_eq!(
            Request::from_parts(&parts, &origin)
                .unwrap()
                .method()
                .as_str(),
            "patch"
        );
    }

    #[test]
    fn item_033_forbidden_method_is_caller_error() {
        let origin = page();
        for m in ["trace", "CONNECT", "Track"] {
            let (parts, ()) = http::Request::builder()
                .method(Method::from_bytes(m.as_bytes()).unwrap())
                .uri("https://api.example/")
                .body(())
                .unwrap()
                .into_parts();
            assert!(
                matches!(
                    Request::from_parts(&parts, &origin),
                    Err(RequestError::ForbiddenMethod { .. })
                ),
                "{m}"
            );
        }
    }

    #[test]
    fn item_035_credentials_in_url_rejected() {
        let origin = page();
        let (parts, ()) = http::Request::get("https://u:p@api.example/")
            .body(())
            .unwrap()
            .into_parts();
        assert!(matches!(
            Request::from_parts(&parts, &origin),
            Err(RequestError::CredentialsInUrl { .. })
        ));
    }

    #[test]
    fn relative_uri_is_caller_error() {
        let origin = page();
        let (parts, ()) = http::Request::get("/relative")
            .body(())
            .unwrap()
            .into_parts();
        assert!(matches!(
            Request::from_parts(&parts, &origin),
            Err(RequestError::InvalidUrl { .. })
        ));
    }

    #[test]
    fn serialized_origin_follows_taint() {
        let origin = page();
        let headers = HeaderMap::new();
        let url = Url::parse("https://api.example/").unwrap();
        let r = Request::new(&Method::GET, Cow::Borrowed(&url), &headers, &origin).unwrap();
        assert_eq!(r.serialized_origin(), "https://app.example");
        let r = r.with_redirects(RedirectTaint::CrossSite, 2);
        assert_eq!(r.serialized_origin(), "null");
        assert_eq!(r.redirect_count(), 2);
    }
}
