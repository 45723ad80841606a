//! The console message each browser prints for a CORS failure.
//!
//! Web developers meet CORS as a line in the devtools console. [`console_message`] renders a
//! [`CorsError`] the way the profile's engine words it, values filled in, so that the
//! message someone saw can be searched for and matched to its explanation (the error's
//! `Display` text and [`CorsError::spec_anchor`]).
//!
//! ```
//! use fetch_cors::diagnostics::{console_message, ConsoleContext};
//! use fetch_cors::{CorsError, Engine, Stage};
//!
//! let err = CorsError::MissingAllowOrigin { stage: Stage::Response, status: 200 };
//! let ctx = ConsoleContext::fetch("https://api.example/data", "https://app.example");
//! assert_eq!(
//!     console_message(&err, Engine::Chromium, &ctx),
//!     "Access to fetch at 'https://api.example/data' from origin 'https://app.example' has been \
//!      blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the \
//!      requested resource. If an opaque response serves your needs, set the request's mode to \
//!      'no-cors' to fetch the resource with CORS disabled."
//! );
//! ```

use crate::error::{CorsError, Stage};
use crate::profile::Engine;

/// Which script API made the request; browsers word some messages differently for XHR.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Api {
    /// `fetch()`.
    #[default]
    Fetch,
    /// `XMLHttpRequest`.
    Xhr,
}

/// What a console message names besides the error: the URL, where it was redirected from,
/// and the page's origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsoleContext<'a> {
    /// The URL the failing request was made to (the last hop).
    pub url: &'a str,
    /// The URL the fetch started at, when it was redirected.
    pub redirected_from: Option<&'a str>,
    /// The page's serialized origin.
    pub origin: &'a str,
    /// The API that made the request.
    pub api: Api,
}

impl<'a> ConsoleContext<'a> {
    /// A `fetch()` of `url` from a page at `origin`, without redirects.
    pub fn fetch(url: &'a str, origin: &'a str) -> Self {
        ConsoleContext {
            url,
            redirected_from: None,
            origin,
            api: Api::Fetch,
        }
    }
}

/// The console message `engine` prints for `error`. For [`Engine::Spec`], the error's own
/// `Display` text.
pub fn console_message(error: &CorsError, engine: Engine, ctx: &ConsoleContext<'_>) -> String {
    match engine {
        Engine::Chromium => chromium(error, ctx),
        Engine::Firefox => firefox(error, ctx),
        Engine::WebKit => webkit(error, ctx),
        Engine::Spec => error.to_string(),
    }
}

/// Chromium's `network::mojom::CorsError` name for `error`, or `None` for failures Chromium
/// does not report as CORS errors (it reports them as `net::ERR_*`).
pub fn chromium_cors_error(error: &CorsError) -> Option<&'static str> {
    let preflight = error.stage() == Some(Stage::Preflight);
    let pick = |plain: &'static str, pre: &'static str| Some(if preflight { pre } else { plain });
    match error {
        CorsError::DisallowedByMode { .. } => Some("kDisallowedByMode"),
        CorsError::WildcardOriginWithCredentials { .. } => pick(
            "kWildcardOriginNotAllowed",
            "kPreflightWildcardOriginNotAllowed",
        ),
        CorsError::MissingAllowOrigin { .. } => pick(
            "kMissingAllowOriginHeader",
            "kPreflightMissingAllowOriginHeader",
        ),
        CorsError::MultipleAllowOriginValues { .. } => pick(
            "kMultipleAllowOriginValues",
            "kPreflightMultipleAllowOriginValues",
        ),
        CorsError::InvalidAllowOriginValue { .. } => pick(
            "kInvalidAllowOriginValue",
            "kPreflightInvalidAllowOriginValue",
        ),
        CorsError::AllowOriginMismatch { .. } => {
            pick("kAllowOriginMismatch", "kPreflightAllowOriginMismatch")
        }
        CorsError::InvalidAllowCredentials { .. } => pick(
            "kInvalidAllowCredentials",
            "kPreflightInvalidAllowCredentials",
        ),
        CorsError::SchemeNotSupported { .. } | CorsError::RedirectSchemeNotHttp { .. } => {
            Some("kCorsDisabledScheme")
        }
        CorsError::PreflightInvalidStatus { .. } => Some("kPreflightInvalidStatus"),
        CorsError::PreflightDisallowedRedirect { .. } => Some("kPreflightDisallowedRedirect"),
        CorsError::InvalidAllowMethods { .. } => Some("kInvalidAllowMethodsPreflightResponse"),
        CorsError::InvalidAllowHeaders { .. } => Some("kInvalidAllowHeadersPreflightResponse"),
        CorsError::MethodNotAllowed { .. } => Some("kMethodDisallowedByPreflightResponse"),
        CorsError::HeaderNotAllowed { .. } => Some("kHeaderDisallowedByPreflightResponse"),
        CorsError::RedirectContainsCredentials { .. } => Some("kRedirectContainsCredentials"),
        _ => None,
    }
}

fn chromium(error: &CorsError, ctx: &ConsoleContext<'_>) -> String {
    let resource = match ctx.api {
        Api::Fetch => "fetch",
        Api::Xhr => "XMLHttpRequest",
    };
    let from = ctx
        .redirected_from
        .map(|u| format!("(redirected from '{u}') "))
        .unwrap_or_default();
    let prefix = format!(
        "Access to {resource} at '{}' {from}from origin '{}' has been blocked by CORS policy: ",
        ctx.url, ctx.origin
    );
    let preflight = if error.stage() == Some(Stage::Preflight) {
        "Response to preflight request doesn't pass access control check: "
    } else {
        ""
    };
    let no_cors_hint = match ctx.api {
        Api::Fetch => {
            " If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled."
        }
        Api::Xhr => "",
    };
    let xhr_hint = match ctx.api {
        Api::Xhr => {
            " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute."
        }
        Api::Fetch => "",
    };
    let text = match error {
        CorsError::DisallowedByMode { .. } => "Cross origin requests are not allowed by request mode.".to_owned(),
        CorsError::WildcardOriginWithCredentials { .. } => format!(
            "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.{xhr_hint}"
        ),
        CorsError::MissingAllowOrigin { .. } => {
            format!("No 'Access-Control-Allow-Origin' header is present on the requested resource.{no_cors_hint}")
        }
        CorsError::MultipleAllowOriginValues { value, .. } => {
            format!("The 'Access-Control-Allow-Origin' header contains multiple values '{value}', but only one is allowed.{no_cors_hint}")
        }
        CorsError::InvalidAllowOriginValue { value, .. } => {
            format!("The 'Access-Control-Allow-Origin' header contains the invalid value '{value}'.{no_cors_hint}")
        }
        CorsError::AllowOriginMismatch { value, .. } => format!(
            "The 'Access-Control-Allow-Origin' header has a value '{value}' that is not equal to the supplied origin.{no_cors_hint}"
        ),
        CorsError::InvalidAllowCredentials { value, .. } => format!(
            "The value of the 'Access-Control-Allow-Credentials' header in the response is '{}' which must be 'true' when the request's credentials mode is 'include'.{xhr_hint}",
            value.as_deref().unwrap_or("")
        ),
        CorsError::SchemeNotSupported { .. } | CorsError::RedirectSchemeNotHttp { .. } => {
            "Cross origin requests are only supported for protocol schemes: chrome, chrome-extension, chrome-untrusted, data, http, https, isolated-app.".to_owned()
        }
        CorsError::PreflightInvalidStatus { .. } => "It does not have HTTP ok status.".to_owned(),
        CorsError::PreflightDisallowedRedirect { .. } => "Redirect is not allowed for a preflight request.".to_owned(),
        CorsError::InvalidAllowMethods { .. } => {
            "Cannot parse Access-Control-Allow-Methods response header field in preflight response.".to_owned()
        }
        CorsError::InvalidAllowHeaders { .. } => {
            "Cannot parse Access-Control-Allow-Headers response header field in preflight response.".to_owned()
        }
        CorsError::MethodNotAllowed { method } => {
            format!("Method {method} is not allowed by Access-Control-Allow-Methods in preflight response.")
        }
        CorsError::HeaderNotAllowed { name, .. } => {
            format!("Request header field {name} is not allowed by Access-Control-Allow-Headers in preflight response.")
        }
        CorsError::RedirectContainsCredentials { url } => {
            format!("Redirect location '{url}' contains a username and password, which is disallowed for cross-origin requests.")
        }
        // Not CORS errors in Chromium: the console shows the network error instead.
        CorsError::TooManyRedirects => return format!("GET {} net::ERR_TOO_MANY_REDIRECTS", ctx.url),
        CorsError::InvalidLocation { .. } => return format!("GET {} net::ERR_INVALID_REDIRECT", ctx.url),
        CorsError::BlockedByResourcePolicy => return format!("GET {} net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin", ctx.url),
        other => return format!("Failed to fetch: {other}"),
    };
    format!("{prefix}{preflight}{text}")
}

fn firefox(error: &CorsError, ctx: &ConsoleContext<'_>) -> String {
    let status = |s: &u16| format!(" Status code: {s}.");
    let (reason, tail) = match error {
        CorsError::MissingAllowOrigin { status: s, .. } => (
            "CORS header ‘Access-Control-Allow-Origin’ missing".to_owned(),
            status(s),
        ),
        CorsError::MultipleAllowOriginValues { .. } => (
            "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed".to_owned(),
            String::new(),
        ),
        CorsError::AllowOriginMismatch { value, .. }
        | CorsError::InvalidAllowOriginValue { value, .. } => (
            format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{value}’"),
            String::new(),
        ),
        CorsError::WildcardOriginWithCredentials { .. } => (
            "Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’"
                .to_owned(),
            String::new(),
        ),
        CorsError::InvalidAllowCredentials { .. } => (
            "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’".to_owned(),
            String::new(),
        ),
        CorsError::PreflightInvalidStatus { status: s } => (
            "CORS preflight response did not succeed".to_owned(),
            status(s),
        ),
        CorsError::PreflightDisallowedRedirect { .. } => (
            "CORS request external redirect not allowed".to_owned(),
            String::new(),
        ),
        CorsError::InvalidAllowMethods { value } => (
            format!("invalid token ‘{value}’ in CORS header ‘Access-Control-Allow-Methods’"),
            String::new(),
        ),
        CorsError::InvalidAllowHeaders { value } => (
            format!("invalid token ‘{value}’ in CORS header ‘Access-Control-Allow-Headers’"),
            String::new(),
        ),
        CorsError::MethodNotAllowed { .. } => (
            "Did not find method in CORS header ‘Access-Control-Allow-Methods’".to_owned(),
            String::new(),
        ),
        CorsError::HeaderNotAllowed { name, .. } => (
            format!(
                "header ‘{name}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response"
            ),
            String::new(),
        ),
        CorsError::SchemeNotSupported { .. } | CorsError::RedirectSchemeNotHttp { .. } => {
            ("CORS request not HTTP".to_owned(), String::new())
        }
        // Firefox has no CORS reason for these; the page only gets the generic TypeError.
        _ => return "TypeError: NetworkError when attempting to fetch resource.".to_owned(),
    };
    format!(
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {}. (Reason: {reason}).{tail}",
        ctx.url
    )
}

fn webkit(error: &CorsError, ctx: &ConsoleContext<'_>) -> String {
    let reason = match error {
        CorsError::MissingAllowOrigin { status, .. } => {
            format!(
                "Origin {} is not allowed by Access-Control-Allow-Origin. Status code: {status}",
                ctx.origin
            )
        }
        CorsError::AllowOriginMismatch { .. } | CorsError::InvalidAllowOriginValue { .. } => {
            format!(
                "Origin {} is not allowed by Access-Control-Allow-Origin.",
                ctx.origin
            )
        }
        CorsError::MultipleAllowOriginValues { .. } => {
            "Access-Control-Allow-Origin cannot contain more than one origin.".to_owned()
        }
        CorsError::WildcardOriginWithCredentials { .. } => {
            "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."
                .to_owned()
        }
        CorsError::InvalidAllowCredentials { .. } => {
            "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\"."
                .to_owned()
        }
        CorsError::PreflightInvalidStatus { status } => {
            format!("Preflight response is not successful. Status code: {status}")
        }
        CorsError::PreflightDisallowedRedirect { status } => {
            format!("Preflight response is not successful. Status code: {status}")
        }
        CorsError::InvalidAllowMethods { value } => {
            format!("Header Access-Control-Allow-Methods has an invalid value: {value}")
        }
        CorsError::InvalidAllowHeaders { value } => {
            format!("Header Access-Control-Allow-Headers has an invalid value: {value}")
        }
        CorsError::MethodNotAllowed { method } => {
            format!("Method {method} is not allowed by Access-Control-Allow-Methods.")
        }
        CorsError::HeaderNotAllowed { name, .. } => {
            format!("Request header field {name} is not allowed by Access-Control-Allow-Headers.")
        }
        CorsError::RedirectContainsCredentials { url } => {
            format!(
                "Cross-origin redirection to {url} denied by Cross-Origin Resource Sharing policy: redirection URL {url} has credentials"
            )
        }
        CorsError::RedirectSchemeNotHttp { url } => format!(
            "Cross-origin redirection to {url} denied by Cross-Origin Resource Sharing policy: not allowed to follow a cross-origin CORS redirection with non CORS scheme"
        ),
        CorsError::TooManyRedirects => "Load cannot follow more than 20 redirections".to_owned(),
        CorsError::DisallowedByMode { .. } => format!(
            "Unsafe attempt to load URL {} from origin {}. Domains, protocols and ports must match.",
            ctx.url, ctx.origin
        ),
        CorsError::RedirectModeError => format!(
            "Not allowed to follow a redirection while loading {}",
            ctx.url
        ),
        other => other.to_string(),
    };
    let reason = match error.stage() {
        Some(Stage::Redirect) => format!(
            "Cross-origin redirection to {} denied by Cross-Origin Resource Sharing policy: {reason}",
            ctx.url
        ),
        _ => reason,
    };
    let api = match ctx.api {
        Api::Fetch => "Fetch API",
        Api::Xhr => "XMLHttpRequest",
    };
    format!(
        "{reason}\n{api} cannot load {} due to access control checks.",
        ctx.url
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderName, Method};

    fn all_errors() -> Vec<CorsError> {
        vec![
            CorsError::DisallowedByMode {
                url: "https://b.example/".into(),
            },
            CorsError::NoCorsRedirectModeNotFollow,
            CorsError::NoCorsMethodNotSafelisted {
                method: Method::PUT,
            },
            CorsError::NoCorsHeaderNotSafelisted {
                name: HeaderName::from_static("x-a"),
            },
            CorsError::SchemeNotSupported {
                scheme: "ftp".into(),
            },
            CorsError::MissingAllowOrigin {
                stage: Stage::Response,
                status: 404,
            },
            CorsError::MultipleAllowOriginValues {
                stage: Stage::Response,
                value: "a, b".into(),
            },
            CorsError::InvalidAllowOriginValue {
                stage: Stage::Response,
                value: "x y".into(),
            },
            CorsError::AllowOriginMismatch {
                stage: Stage::Preflight,
                value: "https://evil.example".into(),
                origin: "https://app.example".into(),
            },
            CorsError::WildcardOriginWithCredentials {
                stage: Stage::Redirect,
            },
            CorsError::InvalidAllowCredentials {
                stage: Stage::Response,
                value: Some("True".into()),
            },
            CorsError::PreflightInvalidStatus { status: 403 },
            CorsError::PreflightDisallowedRedirect { status: 302 },
            CorsError::InvalidAllowMethods {
                value: "PUT;DELETE".into(),
            },
            CorsError::InvalidAllowHeaders {
                value: "x a".into(),
            },
            CorsError::MethodNotAllowed {
                method: Method::DELETE,
            },
            CorsError::HeaderNotAllowed {
                name: HeaderName::from_static("x-token"),
                wildcard_present: false,
            },
            CorsError::RedirectModeError,
            CorsError::TooManyRedirects,
            CorsError::RedirectContainsCredentials {
                url: "https://u:p@b.example/".into(),
            },
            CorsError::RedirectSchemeNotHttp {
                url: "data:,x".into(),
            },
            CorsError::InvalidLocation {
                value: "http://[".into(),
            },
            CorsError::BlockedByResourcePolicy,
            CorsError::InvalidRequest { reason: "x".into() },
        ]
    }

    #[test]
    fn every_error_renders_for_every_engine() {
        let ctx = ConsoleContext::fetch("https://api.example/r", "https://app.example");
        for e in all_errors() {
            for engine in [
                Engine::Spec,
                Engine::Chromium,
                Engine::Firefox,
                Engine::WebKit,
            ] {
                let m = console_message(&e, engine, &ctx);
                assert!(!m.is_empty(), "{e:?} {engine:?}");
            }
        }
    }

    #[test]
    fn chromium_preflight_prefix_and_values() {
        let ctx = ConsoleContext {
            url: "https://api.example/r",
            redirected_from: Some("https://a.example/"),
            origin: "https://app.example",
            api: Api::Fetch,
        };
        let e = CorsError::HeaderNotAllowed {
            name: HeaderName::from_static("x-token"),
            wildcard_present: false,
        };
        assert_eq!(
            console_message(&e, Engine::Chromium, &ctx),
            "Access to fetch at 'https://api.example/r' (redirected from 'https://a.example/') from origin 'https://app.example' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: Request header field x-token is not allowed by Access-Control-Allow-Headers in preflight response."
        );
        assert_eq!(
            chromium_cors_error(&e),
            Some("kHeaderDisallowedByPreflightResponse")
        );
        let e = CorsError::AllowOriginMismatch {
            stage: Stage::Preflight,
            value: "https://evil.example".into(),
            origin: "https://app.example".into(),
        };
        assert!(console_message(&e, Engine::Chromium, &ctx).contains("Response to preflight request doesn't pass access control check: The 'Access-Control-Allow-Origin' header has a value 'https://evil.example'"));
        assert_eq!(
            chromium_cors_error(&e),
            Some("kPreflightAllowOriginMismatch")
        );
    }

    #[test]
    fn firefox_reason_and_status() {
        let ctx = ConsoleContext::fetch("https://api.example/r", "https://app.example");
        let e = CorsError::MissingAllowOrigin {
            stage: Stage::Response,
            status: 404,
        };
        assert_eq!(
            console_message(&e, Engine::Firefox, &ctx),
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/r. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 404."
        );
    }

    #[test]
    fn webkit_reason_and_trailer() {
        let ctx = ConsoleContext {
            url: "https://api.example/r",
            redirected_from: None,
            origin: "https://app.example",
            api: Api::Xhr,
        };
        let e = CorsError::PreflightInvalidStatus { status: 500 };
        assert_eq!(
            console_message(&e, Engine::WebKit, &ctx),
            "Preflight response is not successful. Status code: 500\nXMLHttpRequest cannot load https://api.example/r due to access control checks."
        );
    }
}
