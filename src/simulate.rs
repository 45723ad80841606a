//! A browser simulator over any server: run a whole fetch (preflight, cache, redirects) against
//! a function from request to response, and see what the page could read.
//!
//! This is the [`CorsFetch`] drive loop packaged for tests: server authors hand in their CORS
//! policy as a [`Server`] (any `FnMut(&http::Request<()>) -> http::Response<()>` is one) and
//! learn what a browser of a given profile would let the page read.
//!
//! ```
//! use fetch_cors::simulate::{simulate, Simulation};
//! use fetch_cors::{Origin, PreflightCache, Profile, Request, Timestamp};
//!
//! // A server that reflects any origin: a browser lets every origin read it.
//! let mut server = |req: &http::Request<()>| {
//!     let origin = req.headers().get("origin").cloned();
//!     let mut resp = http::Response::builder();
//!     if let Some(o) = origin {
//!         resp = resp.header("access-control-allow-origin", o);
//!     }
//!     resp.body(()).unwrap()
//! };
//! let evil = Origin::parse("https://evil.example").unwrap();
//! let (parts, ()) = http::Request::get("https://api.example/me").body(()).unwrap().into_parts();
//! let request = Request::from_parts(&parts, &evil).unwrap();
//! let mut cache = PreflightCache::new(&Profile::CHROMIUM);
//! let sim: Simulation = simulate(&request, &Profile::CHROMIUM, &mut cache, Timestamp::ZERO, &mut server).unwrap();
//! assert!(sim.outcome.is_ok(), "the reflected origin lets evil.example read /me");
//! assert_eq!(sim.sent.len(), 1);
//! ```

use std::borrow::Cow;
use std::fmt;

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use url::Url;

use crate::ResponseType;
use crate::cache::PreflightCache;
use crate::error::RequestError;
use crate::machine::{Action, CorsFetch, FetchResponse, Outcome, OutgoingKind};
use crate::origin::Origin;
use crate::profile::Profile;
use crate::request::{CredentialsMode, Mode, Request};
use crate::time::Timestamp;

/// A server under test: answers each request a browser sends.
pub trait Server {
    /// The response head for `request`.
    fn respond(&mut self, request: &http::Request<()>) -> http::Response<()>;
}

impl<F> Server for F
where
    F: FnMut(&http::Request<()>) -> http::Response<()>,
{
    fn respond(&mut self, request: &http::Request<()>) -> http::Response<()> {
        self(request)
    }
}

/// One request the simulated browser sent, with the response it got.
#[derive(Debug)]
pub struct Exchange {
    /// Preflight or request.
    pub kind: OutgoingKind,
    /// What went on the wire.
    pub request: http::Request<()>,
    /// Whether the browser would have attached cookies.
    pub include_credentials: bool,
    /// What came back.
    pub response: http::Response<()>,
}

/// The result of a simulated fetch.
#[derive(Debug)]
pub struct Simulation {
    /// What the page sees, or the network error.
    pub outcome: Outcome,
    /// Every exchange, in order.
    pub sent: Vec<Exchange>,
}

impl Simulation {
    /// The response the page can read: `Some` when the fetch succeeded with a `basic` or
    /// `cors` response, `None` for a network error or an opaque response.
    pub fn readable(&self) -> Option<&FetchResponse> {
        match &self.outcome {
            Ok(r) if matches!(r.response_type, ResponseType::Basic | ResponseType::Cors) => Some(r),
            _ => None,
        }
    }

    /// The last response to the request itself (not a preflight), if one was sent.
    pub fn final_response(&self) -> Option<&http::Response<()>> {
        self.sent
            .iter()
            .rev()
            .find(|e| e.kind == OutgoingKind::Request)
            .map(|e| &e.response)
    }
}

/// A request a page makes, owned and origin-free: what `fetch(url, init)` says. Its `Debug`
/// and `Display` read like the JavaScript call, so a shrunk counterexample is readable.
///
/// ```
/// use fetch_cors::simulate::PageRequest;
/// use fetch_cors::CredentialsMode;
///
/// let req = PageRequest::new(http::Method::PUT, "https://api.example/items/1")
///     .unwrap()
///     .with_header("content-type", "application/json")
///     .with_credentials(CredentialsMode::Include);
/// assert_eq!(
///     req.to_string(),
///     r#"fetch("https://api.example/items/1", { method: "PUT", credentials: "include", headers: { "content-type": "application/json" } })"#
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// The method, as the page wrote it (`fetch()` normalizes `get`, `post`, ... on use).
    pub method: Method,
    /// The URL fetched.
    pub url: Url,
    /// The headers the page set.
    pub headers: HeaderMap,
    /// The request mode (`cors` by default).
    pub mode: Mode,
    /// The credentials mode (`same-origin` by default).
    pub credentials: CredentialsMode,
}

impl PageRequest {
    /// `fetch(url, { method })` with the defaults: mode `cors`, credentials `same-origin`,
    /// no headers.
    pub fn new(method: Method, url: &str) -> Result<PageRequest, url::ParseError> {
        Ok(PageRequest {
            method,
            url: Url::parse(url)?,
            headers: HeaderMap::new(),
            mode: Mode::Cors,
            credentials: CredentialsMode::SameOrigin,
        })
    }

    /// `fetch(url)`: a GET with the defaults.
    pub fn get(url: &str) -> Result<PageRequest, url::ParseError> {
        PageRequest::new(Method::GET, url)
    }

    /// The most header entries a `PageRequest` holds. `http::HeaderMap` panics near 24,576
    /// distinct names; browsers refuse far smaller requests (Chromium's request headers are
    /// limited to about 256 KiB in all), so this bound loses no request a page can make.
    pub const MAX_HEADERS: usize = 4096;

    /// Adds a header. An invalid name or value is ignored, as no page could send it, and so
    /// is an entry past [`PageRequest::MAX_HEADERS`]; [`PageRequest::try_with_header`] says
    /// which.
    #[must_use]
    pub fn with_header(self, name: &str, value: &str) -> PageRequest {
        match self.try_with_header(name, value) {
            Ok(req) => req,
            Err((req, _)) => req,
        }
    }

    /// Adds a header, or says why not (giving the request back unchanged): an invalid name
    /// or value, or [`PageRequest::MAX_HEADERS`] entries already. Never panics.
    ///
    /// ```
    /// use fetch_cors::simulate::{HeaderRefused, PageRequest};
    ///
    /// let mut req = PageRequest::get("https://api.example/").unwrap();
    /// for i in 0..PageRequest::MAX_HEADERS {
    ///     req = req.try_with_header(&format!("x-h{i}"), "1").unwrap();
    /// }
    /// let (req, why) = req.try_with_header("x-one-more", "1").unwrap_err();
    /// assert_eq!(why, HeaderRefused::TooMany { limit: PageRequest::MAX_HEADERS });
    /// assert_eq!(req.headers.len(), PageRequest::MAX_HEADERS);
    /// ```
    #[allow(clippy::result_large_err)]
    pub fn try_with_header(
        mut self,
        name: &str,
        value: &str,
    ) -> Result<PageRequest, (PageRequest, HeaderRefused)> {
        let Ok(n) = HeaderName::from_bytes(name.as_bytes()) else {
            return Err((self, HeaderRefused::InvalidName));
        };
        let Ok(v) = HeaderValue::from_str(value) else {
            return Err((self, HeaderRefused::InvalidValue));
        };
        let too_many = HeaderRefused::TooMany {
            limit: PageRequest::MAX_HEADERS,
        };
        if self.headers.len() >= PageRequest::MAX_HEADERS {
            return Err((self, too_many));
        }
        match self.headers.try_append(n, v) {
            Ok(_) => Ok(self),
            Err(_) => Err((self, too_many)),
        }
    }

    /// Sets the mode.
    #[must_use]
    pub fn with_mode(mut self, mode: Mode) -> PageRequest {
        self.mode = mode;
        self
    }

    /// Sets the credentials mode.
    #[must_use]
    pub fn with_credentials(mut self, credentials: CredentialsMode) -> PageRequest {
        self.credentials = credentials;
        self
    }

    /// The request as the CORS algorithms see it, made by a page of `origin`.
    pub fn view<'a>(&'a self, origin: &'a Origin) -> Result<Request<'a>, RequestError> {
        Ok(Request::new(
            &self.method,
            Cow::Borrowed(&self.url),
            &self.headers,
            origin,
        )?
        .with_mode(self.mode)
        .with_credentials(self.credentials))
    }

    /// Whether the browser would attach cookies when a page of `origin` sends this request to
    /// its URL: credentials mode `include`, or `same-origin` for a same-origin URL.
    pub fn sends_credentials(&self, origin: &Origin) -> bool {
        match self.credentials {
            CredentialsMode::Include => true,
            CredentialsMode::SameOrigin => origin.same_origin_with_url(&self.url),
            CredentialsMode::Omit => false,
        }
    }

    /// The request as an `http::Request` whose extensions carry the mode and credentials mode,
    /// ready for [`Request::from_http`] or [`simulate_http`]. It carries no `Origin` header:
    /// the simulated browser adds it.
    pub fn to_http(&self) -> Result<http::Request<()>, RequestError> {
        let mut builder = http::Request::builder()
            .method(self.method.clone())
            .uri(self.url.as_str())
            .extension(self.mode)
            .extension(self.credentials);
        if let Some(headers) = builder.headers_mut() {
            headers.clone_from(&self.headers);
        }
        builder.body(()).map_err(|e| RequestError::InvalidUrl {
            uri: self.url.to_string(),
            reason: e.to_string(),
        })
    }
}

/// Why [`PageRequest::try_with_header`] did not add a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderRefused {
    /// The name is not a header name.
    InvalidName,
    /// The value is not a header value.
    InvalidValue,
    /// The request holds `limit` entries already ([`PageRequest::MAX_HEADERS`]).
    TooMany {
        /// The bound.
        limit: usize,
    },
}

impl fmt::Display for HeaderRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderRefused::InvalidName => f.write_str("not a valid header name"),
            HeaderRefused::InvalidValue => f.write_str("not a valid header value"),
            HeaderRefused::TooMany { limit } => {
                write!(f, "the request already holds {limit} header entries")
            }
        }
    }
}

impl std::error::Error for HeaderRefused {}

impl fmt::Display for PageRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fetch({:?}", self.url.as_str())?;
        let mut opts: Vec<String> = Vec::new();
        if self.method != Method::GET {
            opts.push(format!("method: {:?}", self.method.as_str()));
        }
        if self.mode != Mode::Cors {
            opts.push(format!("mode: {:?}", self.mode.as_str()));
        }
        if self.credentials != CredentialsMode::SameOrigin {
            opts.push(format!("credentials: {:?}", self.credentials.as_str()));
        }
        if !self.headers.is_empty() {
            let headers: Vec<String> = self
                .headers
                .iter()
                .map(|(n, v)| {
                    format!(
                        "{:?}: {:?}",
                        n.as_str(),
                        String::from_utf8_lossy(v.as_bytes())
                    )
                })
                .collect();
            opts.push(format!("headers: {{ {} }}", headers.join(", ")));
        }
        if !opts.is_empty() {
            write!(f, ", {{ {} }}", opts.join(", "))?;
        }
        f.write_str(")")
    }
}

impl fmt::Debug for PageRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// [`simulate`] for a [`PageRequest`] made by a page of `origin`.
pub fn simulate_page(
    page: &PageRequest,
    origin: &Origin,
    profile: &Profile,
    cache: &mut PreflightCache,
    now: Timestamp,
    server: &mut impl Server,
) -> Result<Simulation, RequestError> {
    simulate(&page.view(origin)?, profile, cache, now, server)
}

/// [`simulate`] for an `http::Request` made by a page of `origin`: the request is read with
/// [`Request::from_http`], so [`Mode`] and [`CredentialsMode`] values in its extensions
/// override the `fetch()` defaults.
///
/// ```
/// use fetch_cors::simulate::simulate_http;
/// use fetch_cors::{CredentialsMode, Origin, PreflightCache, Profile, Timestamp};
///
/// let page = Origin::parse("https://app.example").unwrap();
/// let request = http::Request::get("https://api.example/me")
///     .extension(CredentialsMode::Include)
///     .body(())
///     .unwrap();
/// // Allows the origin but not credentials: the credentialed read is blocked.
/// let mut server = |_: &http::Request<()>| {
///     http::Response::builder()
///         .header("access-control-allow-origin", "https://app.example")
///         .body(())
///         .unwrap()
/// };
/// let mut cache = PreflightCache::new(&Profile::FIREFOX);
/// let sim = simulate_http(&request, &page, &Profile::FIREFOX, &mut cache, Timestamp::ZERO, &mut server).unwrap();
/// assert!(sim.readable().is_none());
/// ```
pub fn simulate_http(
    request: &http::Request<()>,
    origin: &Origin,
    profile: &Profile,
    cache: &mut PreflightCache,
    now: Timestamp,
    server: &mut impl Server,
) -> Result<Simulation, RequestError> {
    simulate(
        &Request::from_http(request, origin)?,
        profile,
        cache,
        now,
        server,
    )
}

/// The most exchanges one [`simulate`] call makes: a preflight and a request for each of the
/// 21 URLs a fetch may visit (the first and 20 redirects). The machine ends the fetch with
/// [`CorsError::TooManyRedirects`](crate::CorsError::TooManyRedirects) before it gets there,
/// so a server that redirects forever costs at most this many calls; should a run ever pass
/// it, `simulate` stops and the outcome is
/// [`CorsError::InvalidRequest`](crate::CorsError::InvalidRequest) ("the fetch did not
/// finish").
pub const MAX_EXCHANGES: usize = 2 * 21;

/// Runs `request` as a browser with `profile` would, against `server`, sharing `cache`
/// across calls. Fails only if the request is one no page could make. Calls `server` at
/// most [`MAX_EXCHANGES`] times.
pub fn simulate(
    request: &Request<'_>,
    profile: &Profile,
    cache: &mut PreflightCache,
    now: Timestamp,
    server: &mut impl Server,
) -> Result<Simulation, RequestError> {
    let mut fetch = CorsFetch::new(request, profile)?;
    let mut sent = Vec::new();
    loop {
        match fetch.poll(cache, now) {
            Action::Send(out) => {
                let response = server.respond(&out.request);
                // The machine is fed in order, so this cannot be misuse.
                let _ = fetch.handle_response(&response, cache, now);
                sent.push(Exchange {
                    kind: out.kind,
                    request: out.request,
                    include_credentials: out.include_credentials,
                    response,
                });
                if sent.len() > MAX_EXCHANGES {
                    // Unreachable: the machine stops at 20 redirects.
                    break;
                }
            }
            Action::Wait => break,
            Action::Misuse(misuse) => {
                return Ok(Simulation {
                    outcome: Err(crate::error::CorsError::InvalidRequest {
                        reason: misuse.to_string(),
                    }),
                    sent,
                });
            }
            Action::Done(outcome) => return Ok(Simulation { outcome, sent }),
        }
    }
    let outcome =
        fetch
            .outcome()
            .cloned()
            .unwrap_or(Err(crate::error::CorsError::InvalidRequest {
                reason: "the fetch did not finish".into(),
            }));
    Ok(Simulation { outcome, sent })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_that_redirects_forever_costs_at_most_max_exchanges() {
        // Every answer grants the preflight and redirects to a fresh URL; a custom header
        // makes each hop preflight, so each URL costs two exchanges.
        let mut calls = 0usize;
        let mut server = |req: &http::Request<()>| {
            calls += 1;
            let mut resp = http::Response::builder()
                .header("access-control-allow-origin", "https://app.example")
                .header("access-control-allow-headers", "x-custom");
            if req.method() != Method::OPTIONS {
                resp = resp
                    .status(307)
                    .header("location", format!("https://api.example/{calls}"));
            }
            resp.body(()).unwrap()
        };
        let page = Origin::parse("https://app.example").unwrap();
        let req = PageRequest::get("https://api.example/0")
            .unwrap()
            .with_header("x-custom", "1");
        let mut cache = PreflightCache::new(&Profile::SPEC);
        let request = req.view(&page).unwrap();
        let sim = simulate(
            &request,
            &Profile::SPEC,
            &mut cache,
            Timestamp::ZERO,
            &mut server,
        )
        .unwrap();
        assert!(
            matches!(sim.outcome, Err(crate::CorsError::TooManyRedirects)),
            "{:?}",
            sim.outcome
        );
        assert_eq!(sim.sent.len(), MAX_EXCHANGES);
        assert_eq!(calls, MAX_EXCHANGES);
    }

    #[test]
    fn many_distinct_header_names_do_not_panic() {
        // http::HeaderMap panics ("size overflows MAX_SIZE") near 24,576 distinct names.
        let mut req = PageRequest::get("https://api.example/").unwrap();
        for i in 0..30_000 {
            req = req.with_header(&format!("x-header-{i}"), "1");
        }
        assert_eq!(req.headers.len(), PageRequest::MAX_HEADERS);
        let refused = req.clone().try_with_header("x-more", "1").unwrap_err().1;
        assert_eq!(
            refused,
            HeaderRefused::TooMany {
                limit: PageRequest::MAX_HEADERS
            }
        );
        assert!(refused.to_string().contains("4096"));
        assert_eq!(
            req.clone().try_with_header("bad name", "1").unwrap_err().1,
            HeaderRefused::InvalidName
        );
        assert_eq!(
            req.try_with_header("x-ok", "a\nb").unwrap_err().1,
            HeaderRefused::InvalidValue
        );
    }
}
