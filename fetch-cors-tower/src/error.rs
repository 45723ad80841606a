//! What the caller gets when the page would get no response.

use std::fmt;

use fetch_cors::{ApiMisuse, CorsError, Engine, RequestError};

/// A boxed error from the inner service or a body.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a fetch through [`CorsService`](crate::CorsService) gave the page no response.
#[derive(Debug)]
#[non_exhaustive]
pub enum FetchError {
    /// The fetch ended in a network error, as the page's `fetch()` would reject: blocked by
    /// CORS, a redirect the request's mode forbids, or a transport failure (then `source`
    /// holds the inner service's error).
    Blocked(Blocked),
    /// The page could not make this request at all (`new Request()` would throw): a
    /// forbidden method or header, a URL with credentials, a URI with no URL form.
    Request(RequestError),
    /// Reading the request body failed.
    RequestBody(BoxError),
    /// The adapter drove the machine out of order (a bug in this crate).
    Machine(ApiMisuse),
}

/// A fetch that ended in a network error, with the text the profile's engine prints.
#[derive(Debug)]
pub struct Blocked {
    /// The error, as the machine decided it.
    pub error: CorsError,
    /// The engine whose words `console_message` uses.
    pub engine: Engine,
    /// What the profile's engine prints in the devtools console for this failure.
    pub console_message: String,
    /// The transport error, for [`CorsError::NetworkFailure`].
    pub source: Option<BoxError>,
}

impl FetchError {
    /// The CORS error, when the fetch was blocked.
    pub fn cors_error(&self) -> Option<&CorsError> {
        match self {
            FetchError::Blocked(b) => Some(&b.error),
            _ => None,
        }
    }

    /// The console message of the engine, when the fetch was blocked.
    pub fn console_message(&self) -> Option<&str> {
        match self {
            FetchError::Blocked(b) => Some(&b.console_message),
            _ => None,
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Blocked(b) => match &b.source {
                Some(s) => write!(f, "{} ({s})", b.error),
                None => write!(f, "{}", b.error),
            },
            FetchError::Request(e) => write!(f, "the page cannot make this request: {e}"),
            FetchError::RequestBody(e) => write!(f, "reading the request body failed: {e}"),
            FetchError::Machine(e) => write!(f, "fetch-cors-tower bug: {e}"),
        }
    }
}

impl std::error::Error for FetchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FetchError::Blocked(b) => match &b.source {
                Some(s) => Some(&**s),
                None => Some(&b.error),
            },
            FetchError::Request(e) => Some(e),
            FetchError::RequestBody(e) => Some(&**e),
            FetchError::Machine(e) => Some(e),
        }
    }
}
