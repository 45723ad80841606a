//! Builders shared by the peer suites: an owned request (the `Request` view borrows it) and
//! response heads.

use std::borrow::Cow;
use std::num::NonZeroU64;

use fetch_cors::{CredentialsMode, OpaqueOrigin, Origin, Request};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, response};
use url::Url;

/// Everything a [`Request`] view borrows.
pub(crate) struct OwnedRequest {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) origin: Origin,
    pub(crate) credentials: CredentialsMode,
}

impl OwnedRequest {
    /// A `fetch()` from `origin` to `url`; credentials `omit` unless changed.
    pub(crate) fn new(origin: Origin, method: &str, url: &str) -> Self {
        OwnedRequest {
            method: Method::from_bytes(method.as_bytes()).expect("a method token"),
            url: Url::parse(url).expect("an absolute URL"),
            headers: HeaderMap::new(),
            origin,
            credentials: CredentialsMode::Omit,
        }
    }

    /// Appends a header set by the page (names are lowercased by `http`, as Chromium's
    /// `HttpRequestHeaders` compares them case-insensitively).
    pub(crate) fn header(mut self, name: &str, value: &[u8]) -> Self {
        self.headers.append(
            HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
            HeaderValue::from_bytes(value).expect("a header value"),
        );
        self
    }

    pub(crate) fn credentials(mut self, mode: CredentialsMode) -> Self {
        self.credentials = mode;
        self
    }

    /// The crate's view of the request (the method normalized, as `fetch()` does).
    pub(crate) fn view(&self) -> Request<'_> {
        Request::new(
            &self.method,
            Cow::Borrowed(&self.url),
            &self.headers,
            &self.origin,
        )
        .expect("a request a page can make")
        .with_credentials(self.credentials)
    }
}

/// A tuple origin from a URL.
pub(crate) fn origin(url: &str) -> Origin {
    Origin::parse(url).expect("an origin")
}

/// An opaque origin with a fixed identity (one sandboxed document).
pub(crate) fn opaque(id: u64) -> Origin {
    Origin::from(OpaqueOrigin::with_id(
        NonZeroU64::new(id).expect("non-zero"),
    ))
}

/// A response head with `status` and the given header lines; `None` values are left out.
pub(crate) fn response(status: u16, headers: &[(&str, Option<&str>)]) -> response::Parts {
    let mut b = http::Response::builder().status(StatusCode::from_u16(status).unwrap());
    for (n, v) in headers {
        if let Some(v) = v {
            b = b.header(*n, HeaderValue::from_bytes(v.as_bytes()).unwrap());
        }
    }
    b.body(()).unwrap().into_parts().0
}

/// A header map from (name, value) pairs, appended in order.
pub(crate) fn headers(pairs: &[(&str, &[u8])]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (n, v) in pairs {
        map.append(
            HeaderName::from_bytes(n.as_bytes()).unwrap(),
            HeaderValue::from_bytes(v).unwrap(),
        );
    }
    map
}
