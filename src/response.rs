//! The response as the CORS algorithms see it: a status and a header list.
//!
//! <https://fetch.spec.whatwg.org/#concept-response>. Bodies never matter to CORS, so the
//! crate reads only a borrowed [`ResponseHead`].

use http::{HeaderMap, StatusCode};

/// The status line and headers of a response: all the CORS algorithms read.
#[derive(Clone, Copy, Debug)]
pub struct ResponseHead<'r> {
    /// The status.
    pub status: StatusCode,
    /// The header list.
    pub headers: &'r HeaderMap,
}

impl<'r> ResponseHead<'r> {
    /// A response head from its parts.
    pub fn new(status: StatusCode, headers: &'r HeaderMap) -> Self {
        ResponseHead { status, headers }
    }
}

impl<'r> From<&'r http::response::Parts> for ResponseHead<'r> {
    fn from(parts: &'r http::response::Parts) -> Self {
        ResponseHead::new(parts.status, &parts.headers)
    }
}

impl<'r, B> From<&'r http::Response<B>> for ResponseHead<'r> {
    fn from(response: &'r http::Response<B>) -> Self {
        ResponseHead::new(response.status(), response.headers())
    }
}

/// A response's type as script sees it (`Response.type`).
/// <https://fetch.spec.whatwg.org/#concept-response-type>
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResponseType {
    /// Same-origin (or otherwise CORS-free) response: every header but `Set-Cookie` is readable.
    Basic,
    /// A cross-origin response that passed the CORS check.
    Cors,
    /// A `no-cors` cross-origin response: status 0, no headers.
    Opaque,
    /// A redirect returned under redirect mode `manual`: status 0, no headers.
    OpaqueRedirect,
}

impl ResponseType {
    /// The `Response.type` string.
    pub const fn as_str(self) -> &'static str {
        match self {
            ResponseType::Basic => "basic",
            ResponseType::Cors => "cors",
            ResponseType::Opaque => "opaque",
            ResponseType::OpaqueRedirect => "opaqueredirect",
        }
    }
}

/// <https://fetch.spec.whatwg.org/#redirect-status>
pub fn is_redirect_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// <https://fetch.spec.whatwg.org/#ok-status>
pub fn is_ok_status(status: StatusCode) -> bool {
    (200..=299).contains(&status.as_u16())
}
