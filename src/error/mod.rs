//! Errors, typed by who is at fault.
//!
//! - [`CorsError`]: the fetch ends in a network error. Web content only ever sees "network
//!   error"; the variant says why, in the order the standard's steps fail, with the values
//!   involved. [`CorsError::blame`] tells whether the server's response or the request the
//!   page made is to blame.
//! - [`RequestError`]: the caller built a request a page could not make (a forbidden method
//!   or header, a relative URL). This is a bug in the caller, not a CORS outcome.

use std::fmt;

use http::{HeaderName, Method};

pub(crate) mod console;
mod table;

/// Which response a CORS check failed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// The response to the actual request.
    Response,
    /// A redirect response on the way to the final one.
    Redirect,
    /// The response to the CORS preflight (`OPTIONS`) request.
    Preflight,
}

/// Who has to change something for the fetch to succeed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Blame {
    /// The server's response headers or status.
    Server,
    /// The request the page made (its mode, redirect mode, URL or headers).
    Request,
    /// Neither: the network failed before any response arrived.
    Network,
}

impl Blame {
    /// A lowercase name (`server`, `request`, `network`), for reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            Blame::Server => "server",
            Blame::Request => "request",
            Blame::Network => "network",
        }
    }
}

/// Why a fetch ended in a network error.
///
/// Everything the crate says about a variant (who is to blame, which response it concerns,
/// the spec anchor, its `Display` text, each engine's console message and Chromium's error
/// name) is one row of the table in `src/error/table.rs`; a variant without a row does not
/// compile.
///
/// Variants follow the failure taxonomy browsers report (Chromium's `CorsError` is the
/// finest-grained; see `spec-notes/errors.md`). Values are kept so that a message can say
/// exactly what was wrong. `Display` gives a message a web developer can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CorsError {
    // --- main fetch, step 12 ---
    /// Mode `same-origin` and the URL is cross-origin.
    DisallowedByMode {
        /// The cross-origin URL.
        url: String,
    },
    /// Mode `no-cors` requires redirect mode `follow`.
    NoCorsRedirectModeNotFollow,
    /// Mode `no-cors` allows only CORS-safelisted methods.
    NoCorsMethodNotSafelisted {
        /// The method.
        method: Method,
    },
    /// Mode `no-cors` allows only no-CORS-safelisted request headers.
    NoCorsHeaderNotSafelisted {
        /// The header name.
        name: HeaderName,
    },
    /// A cross-origin URL whose scheme is not HTTP(S), in a mode that needs CORS.
    SchemeNotSupported {
        /// The URL's scheme.
        scheme: String,
    },

    // --- CORS check ---
    /// No `Access-Control-Allow-Origin` header.
    MissingAllowOrigin {
        /// Which response.
        stage: Stage,
        /// Its status.
        status: u16,
    },
    /// `Access-Control-Allow-Origin` holds more than one value.
    MultipleAllowOriginValues {
        /// Which response.
        stage: Stage,
        /// The combined header value.
        value: String,
    },
    /// `Access-Control-Allow-Origin` is not an origin, `null` or `*`.
    InvalidAllowOriginValue {
        /// Which response.
        stage: Stage,
        /// The header value.
        value: String,
    },
    /// `Access-Control-Allow-Origin` names another origin.
    AllowOriginMismatch {
        /// Which response.
        stage: Stage,
        /// The header value.
        value: String,
        /// The request's serialized origin (`null` after a tainting redirect).
        origin: String,
    },
    /// `Access-Control-Allow-Origin: *` on a request with credentials mode `include`.
    WildcardOriginWithCredentials {
        /// Which response.
        stage: Stage,
    },
    /// Credentials mode `include` and `Access-Control-Allow-Credentials` is not exactly `true`.
    InvalidAllowCredentials {
        /// Which response.
        stage: Stage,
        /// The header value, if the header was present.
        value: Option<String>,
    },

    // --- CORS-preflight fetch ---
    /// The preflight response's status is not in 200-299.
    PreflightInvalidStatus {
        /// The status.
        status: u16,
    },
    /// The preflight response was a redirect.
    PreflightDisallowedRedirect {
        /// The status.
        status: u16,
    },
    /// `Access-Control-Allow-Methods` is not a list of tokens.
    InvalidAllowMethods {
        /// The offending item.
        value: String,
    },
    /// `Access-Control-Allow-Headers` is not a list of tokens.
    InvalidAllowHeaders {
        /// The offending item.
        value: String,
    },
    /// The request method is not in `Access-Control-Allow-Methods`.
    MethodNotAllowed {
        /// The method.
        method: Method,
    },
    /// A request header is not in `Access-Control-Allow-Headers`.
    HeaderNotAllowed {
        /// The header name.
        name: HeaderName,
        /// Whether the preflight answered `*`, which does not cover this name
        /// (`Authorization`, or any name when credentials are included).
        wildcard_present: bool,
    },

    // --- HTTP-redirect fetch ---
    /// Redirect mode `error` and the response is a redirect.
    RedirectModeError,
    /// More than 20 redirects.
    TooManyRedirects,
    /// The redirect target has a username or password, in a CORS request.
    RedirectContainsCredentials {
        /// The target URL.
        url: String,
    },
    /// The redirect target's scheme is not HTTP(S).
    RedirectSchemeNotHttp {
        /// The target URL.
        url: String,
    },
    /// The `Location` header could not be parsed as a URL.
    InvalidLocation {
        /// The header value.
        value: String,
    },

    // --- HTTP fetch, step 5 ---
    /// A `no-cors` response's `Cross-Origin-Resource-Policy` forbids this page from using it.
    BlockedByResourcePolicy,

    // --- the network ---
    /// No response arrived: the host reported a transport failure
    /// ([`CorsFetch::handle_network_error`](crate::CorsFetch::handle_network_error)).
    NetworkFailure,

    // --- anything else ---
    /// The request cannot be put on the wire (for example, its URL has no `http::Uri` form).
    InvalidRequest {
        /// Why.
        reason: String,
    },
}

impl std::error::Error for CorsError {}

/// The caller built a request that a page could not make.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestError {
    /// `CONNECT`, `TRACE` or `TRACK`.
    ForbiddenMethod {
        /// The method.
        method: Method,
    },
    /// A forbidden request-header, which script cannot set.
    ForbiddenHeader {
        /// The header name.
        name: HeaderName,
    },
    /// The request URI is not an absolute URL.
    InvalidUrl {
        /// The URI as given.
        uri: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The URL has a username or password, which `fetch()` rejects.
    CredentialsInUrl {
        /// The URL.
        url: String,
    },
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::ForbiddenMethod { method } => {
                write!(
                    f,
                    "method {method} is forbidden: a page cannot make such a request"
                )
            }
            RequestError::ForbiddenHeader { name } => {
                write!(
                    f,
                    "header '{name}' is a forbidden request-header: a page cannot set it"
                )
            }
            RequestError::InvalidUrl { uri, reason } => {
                write!(f, "'{uri}' is not an absolute URL: {reason}")
            }
            RequestError::CredentialsInUrl { url } => {
                write!(
                    f,
                    "URL '{url}' contains a username or password, which fetch() rejects"
                )
            }
        }
    }
}

impl std::error::Error for RequestError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blame_and_stage() {
        let e = CorsError::MissingAllowOrigin {
            stage: Stage::Preflight,
            status: 404,
        };
        assert_eq!(e.blame(), Blame::Server);
        assert_eq!(e.stage(), Some(Stage::Preflight));
        assert!(e.to_string().contains("404"));
        assert_eq!(
            CorsError::NoCorsRedirectModeNotFollow.blame(),
            Blame::Request
        );
        assert!(e.spec_anchor().ends_with("#concept-cors-check"));
    }

    #[test]
    fn messages_carry_values() {
        let e = CorsError::AllowOriginMismatch {
            stage: Stage::Response,
            value: "https://evil.example".into(),
            origin: "https://app.example".into(),
        };
        let s = e.to_string();
        assert!(
            s.contains("https://evil.example") && s.contains("https://app.example"),
            "{s}"
        );
        let e = CorsError::HeaderNotAllowed {
            name: http::header::AUTHORIZATION,
            wildcard_present: true,
        };
        assert!(e.to_string().contains("'*' does not cover it"));
    }
}
