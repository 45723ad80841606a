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

/// Which response a CORS check failed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
pub enum Blame {
    /// The server's response headers or status.
    Server,
    /// The request the page made (its mode, redirect mode, URL or headers).
    Request,
}

/// Why a fetch ended in a network error.
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

    // --- anything else ---
    /// The request cannot be put on the wire (for example, its URL has no `http::Uri` form).
    InvalidRequest {
        /// Why.
        reason: String,
    },
}

impl CorsError {
    /// Who has to change something to make the fetch succeed.
    pub fn blame(&self) -> Blame {
        match self {
            CorsError::DisallowedByMode { .. }
            | CorsError::NoCorsRedirectModeNotFollow
            | CorsError::NoCorsMethodNotSafelisted { .. }
            | CorsError::NoCorsHeaderNotSafelisted { .. }
            | CorsError::SchemeNotSupported { .. }
            | CorsError::RedirectModeError
            | CorsError::InvalidRequest { .. } => Blame::Request,
            _ => Blame::Server,
        }
    }

    /// The response the failure concerns, for the CORS-check variants.
    pub fn stage(&self) -> Option<Stage> {
        match self {
            CorsError::MissingAllowOrigin { stage, .. }
            | CorsError::MultipleAllowOriginValues { stage, .. }
            | CorsError::InvalidAllowOriginValue { stage, .. }
            | CorsError::AllowOriginMismatch { stage, .. }
            | CorsError::WildcardOriginWithCredentials { stage }
            | CorsError::InvalidAllowCredentials { stage, .. } => Some(*stage),
            CorsError::PreflightInvalidStatus { .. }
            | CorsError::PreflightDisallowedRedirect { .. }
            | CorsError::InvalidAllowMethods { .. }
            | CorsError::InvalidAllowHeaders { .. }
            | CorsError::MethodNotAllowed { .. }
            | CorsError::HeaderNotAllowed { .. } => Some(Stage::Preflight),
            _ => None,
        }
    }

    /// The Fetch Standard anchor of the step that failed.
    pub fn spec_anchor(&self) -> &'static str {
        match self {
            CorsError::DisallowedByMode { .. }
            | CorsError::NoCorsRedirectModeNotFollow
            | CorsError::SchemeNotSupported { .. } => "https://fetch.spec.whatwg.org/#main-fetch",
            CorsError::NoCorsMethodNotSafelisted { .. }
            | CorsError::NoCorsHeaderNotSafelisted { .. } => {
                "https://fetch.spec.whatwg.org/#dom-request"
            }
            CorsError::MissingAllowOrigin { .. }
            | CorsError::MultipleAllowOriginValues { .. }
            | CorsError::InvalidAllowOriginValue { .. }
            | CorsError::AllowOriginMismatch { .. }
            | CorsError::WildcardOriginWithCredentials { .. }
            | CorsError::InvalidAllowCredentials { .. } => {
                "https://fetch.spec.whatwg.org/#concept-cors-check"
            }
            CorsError::PreflightInvalidStatus { .. }
            | CorsError::PreflightDisallowedRedirect { .. }
            | CorsError::InvalidAllowMethods { .. }
            | CorsError::InvalidAllowHeaders { .. }
            | CorsError::MethodNotAllowed { .. }
            | CorsError::HeaderNotAllowed { .. } => {
                "https://fetch.spec.whatwg.org/#cors-preflight-fetch-0"
            }
            CorsError::RedirectModeError
            | CorsError::TooManyRedirects
            | CorsError::RedirectContainsCredentials { .. }
            | CorsError::RedirectSchemeNotHttp { .. }
            | CorsError::InvalidLocation { .. } => {
                "https://fetch.spec.whatwg.org/#concept-http-redirect-fetch"
            }
            CorsError::BlockedByResourcePolicy => {
                "https://fetch.spec.whatwg.org/#cross-origin-resource-policy-check"
            }
            CorsError::InvalidRequest { .. } => "https://fetch.spec.whatwg.org/#concept-fetch",
        }
    }
}

fn stage_prefix(stage: Stage) -> &'static str {
    match stage {
        Stage::Response => "",
        Stage::Redirect => "redirect response: ",
        Stage::Preflight => "preflight response: ",
    }
}

impl fmt::Display for CorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CorsError::DisallowedByMode { url } => {
                write!(f, "request mode is 'same-origin' but {url} is cross-origin")
            }
            CorsError::NoCorsRedirectModeNotFollow => {
                f.write_str("request mode 'no-cors' requires redirect mode 'follow'")
            }
            CorsError::NoCorsMethodNotSafelisted { method } => {
                write!(
                    f,
                    "request mode 'no-cors' allows only GET, HEAD and POST, not {method}"
                )
            }
            CorsError::NoCorsHeaderNotSafelisted { name } => {
                write!(
                    f,
                    "request mode 'no-cors' does not allow the request header '{name}'"
                )
            }
            CorsError::SchemeNotSupported { scheme } => {
                write!(
                    f,
                    "cross-origin requests are only supported for http and https, not '{scheme}'"
                )
            }
            CorsError::MissingAllowOrigin { stage, status } => write!(
                f,
                "{}no 'Access-Control-Allow-Origin' header (status {status}); the server must send one naming the page's origin",
                stage_prefix(*stage)
            ),
            CorsError::MultipleAllowOriginValues { stage, value } => write!(
                f,
                "{}'Access-Control-Allow-Origin' has several values '{value}', but only one is allowed",
                stage_prefix(*stage)
            ),
            CorsError::InvalidAllowOriginValue { stage, value } => write!(
                f,
                "{}'Access-Control-Allow-Origin' has the invalid value '{value}'",
                stage_prefix(*stage)
            ),
            CorsError::AllowOriginMismatch {
                stage,
                value,
                origin,
            } => write!(
                f,
                "{}'Access-Control-Allow-Origin' is '{value}', which is not the request's origin '{origin}'",
                stage_prefix(*stage)
            ),
            CorsError::WildcardOriginWithCredentials { stage } => write!(
                f,
                "{}'Access-Control-Allow-Origin' must not be '*' when credentials are included; send the page's origin instead",
                stage_prefix(*stage)
            ),
            CorsError::InvalidAllowCredentials { stage, value } => match value {
                Some(v) => write!(
                    f,
                    "{}'Access-Control-Allow-Credentials' is '{v}' but must be exactly 'true' when credentials are included",
                    stage_prefix(*stage)
                ),
                None => write!(
                    f,
                    "{}'Access-Control-Allow-Credentials: true' is missing and credentials are included",
                    stage_prefix(*stage)
                ),
            },
            CorsError::PreflightInvalidStatus { status } => {
                write!(
                    f,
                    "preflight response status {status} is not in the 200-299 range"
                )
            }
            CorsError::PreflightDisallowedRedirect { status } => {
                write!(
                    f,
                    "preflight response is a redirect ({status}); preflights cannot be redirected"
                )
            }
            CorsError::InvalidAllowMethods { value } => {
                write!(
                    f,
                    "preflight response: 'Access-Control-Allow-Methods' has the invalid item '{value}'"
                )
            }
            CorsError::InvalidAllowHeaders { value } => {
                write!(
                    f,
                    "preflight response: 'Access-Control-Allow-Headers' has the invalid item '{value}'"
                )
            }
            CorsError::MethodNotAllowed { method } => write!(
                f,
                "preflight response: method {method} is not listed in 'Access-Control-Allow-Methods'"
            ),
            CorsError::HeaderNotAllowed {
                name,
                wildcard_present,
            } => {
                write!(
                    f,
                    "preflight response: request header '{name}' is not listed in 'Access-Control-Allow-Headers'"
                )?;
                if *wildcard_present {
                    f.write_str(" ('*' does not cover it)")?;
                }
                Ok(())
            }
            CorsError::RedirectModeError => {
                f.write_str("redirect mode is 'error' and the response is a redirect")
            }
            CorsError::TooManyRedirects => f.write_str("more than 20 redirects"),
            CorsError::RedirectContainsCredentials { url } => {
                write!(
                    f,
                    "redirect location '{url}' contains a username or password"
                )
            }
            CorsError::RedirectSchemeNotHttp { url } => {
                write!(f, "redirect location '{url}' is not an HTTP(S) URL")
            }
            CorsError::InvalidLocation { value } => {
                write!(f, "redirect location '{value}' is not a valid URL")
            }
            CorsError::BlockedByResourcePolicy => f.write_str(
                "the response's Cross-Origin-Resource-Policy does not allow this page to use it",
            ),
            CorsError::InvalidRequest { reason } => {
                write!(f, "the request cannot be sent: {reason}")
            }
        }
    }
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
