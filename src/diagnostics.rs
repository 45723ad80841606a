//! The console message each browser prints for a CORS failure.
//!
//! Web developers meet CORS as a line in the devtools console. [`console_message`] renders a
//! [`CorsError`] the way the profile's engine words it, values filled in, so that the
//! message someone saw can be searched for and matched to its explanation (the error's
//! `Display` text and [`CorsError::spec_anchor`]).
//!
//! The texts are checked against what Chromium 156, Firefox ESR 153 and WebKitGTK 2.50 printed
//! for one scenario per failure (`tests/console_messages.rs`, recorded with
//! `tests/browsers/recorder/record.py --console`; `tests/browsers/console/README.md` lists
//! what each engine prints and what could not be captured). Where an engine prints several
//! console lines for one failure (WebKit always does, Firefox does after a failed preflight or
//! redirect), they are joined with `\n`. [`ConsoleContext`] carries the facts only some
//! engines print (WebKit's status and redirect target, the request's origin after a tainting
//! redirect, the document's URL).
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
//!      requested resource."
//! );
//! assert_eq!(
//!     console_message(&err, Engine::WebKit, &ctx),
//!     "Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 200\n\
//!      Fetch API cannot load https://api.example/data due to access control checks."
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

/// What a console message names besides the error: the URLs involved, the page's origin and
/// the status of the response that failed. Build one with [`ConsoleContext::fetch`] and the
/// `with_*` methods. Only the URL and the origin are required; without the rest the text is
/// as close as the error allows (WebKit's Access-Control-Allow-Origin reasons leave out the
/// status, its redirect reasons name the URL that redirected instead of the target, and the
/// document is taken to be at the origin's `/`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConsoleContext<'a> {
    /// The URL of the response that failed the check: the last request's URL. For a failed
    /// preflight, the request's URL; for a failure on a redirect response, the URL that
    /// redirected.
    pub url: &'a str,
    /// The URL the fetch started at, when `url` was reached by a redirect.
    pub redirected_from: Option<&'a str>,
    /// The page's serialized origin.
    pub origin: &'a str,
    /// The API that made the request.
    pub api: Api,
    /// For a failure on a redirect response: the URL it redirected to (WebKit names it).
    pub redirect_to: Option<&'a str>,
    /// The request's origin when it is not the page's: `null` after a redirect to another
    /// origin (WebKit names it; Chromium names the page's origin).
    pub request_origin: Option<&'a str>,
    /// The URL of the document that made the request (Firefox and Chromium name it for mode
    /// `same-origin`).
    pub document_url: Option<&'a str>,
    /// The status of the response that failed the check (WebKit prints it).
    pub status: Option<u16>,
}

impl<'a> ConsoleContext<'a> {
    /// A `fetch()` of `url` from a page at `origin`, without redirects.
    pub fn fetch(url: &'a str, origin: &'a str) -> Self {
        ConsoleContext {
            url,
            redirected_from: None,
            origin,
            api: Api::Fetch,
            redirect_to: None,
            request_origin: None,
            document_url: None,
            status: None,
        }
    }

    /// The same, made by `api`.
    pub fn with_api(mut self, api: Api) -> Self {
        self.api = api;
        self
    }

    /// The same, reached by a redirect from `url`.
    pub fn with_redirected_from(mut self, url: &'a str) -> Self {
        self.redirected_from = Some(url);
        self
    }

    /// The same, failing on a redirect to `url`.
    pub fn with_redirect_to(mut self, url: &'a str) -> Self {
        self.redirect_to = Some(url);
        self
    }

    /// The same, with the request's origin `origin` (`null` after a tainting redirect).
    pub fn with_request_origin(mut self, origin: &'a str) -> Self {
        self.request_origin = Some(origin);
        self
    }

    /// The same, made by the document at `url`.
    pub fn with_document_url(mut self, url: &'a str) -> Self {
        self.document_url = Some(url);
        self
    }

    /// The same, failing on a response with status `status`.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    fn request_origin(&self) -> &'a str {
        self.request_origin.unwrap_or(self.origin)
    }

    fn document_url(&self) -> String {
        self.document_url
            .map_or_else(|| format!("{}/", self.origin), str::to_owned)
    }
}

/// The console message `engine` prints for `error`. For [`Engine::Spec`], the error's own
/// `Display` text.
///
/// Some failures print no console message in an engine; the text returned then is what the
/// developer does see: for Chromium, the DevTools network error line (`GET <url>
/// net::ERR_...`, not captured from a real browser), for Firefox, the page's `TypeError`.
pub fn console_message(error: &CorsError, engine: Engine, ctx: &ConsoleContext<'_>) -> String {
    match engine {
        Engine::Chromium => chromium(error, ctx),
        Engine::Firefox => firefox(error, ctx),
        Engine::WebKit => webkit(error, ctx),
        Engine::Spec => error.to_string(),
    }
}

/// Chromium's `network::mojom::CorsError` name for `error`, or `None` for failures Chromium
/// does not report as CORS errors (it reports them as `net::ERR_*`, or Blink rejects them
/// before the network service sees them).
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
        CorsError::SchemeNotSupported { .. } => Some("kCorsDisabledScheme"),
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

/// Whether the failure concerns a redirect: the error's URL is not the response's, or the
/// context says where it redirected.
fn at_redirect(url: &str, ctx: &ConsoleContext<'_>) -> bool {
    url != ctx.url || ctx.redirect_to.is_some() || ctx.redirected_from.is_some()
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
    // Only the CORS check of a preflight response and its status/redirect get this; the
    // Access-Control-Allow-Methods/-Headers errors say "in preflight response" themselves.
    let preflight = match error {
        CorsError::PreflightInvalidStatus { .. }
        | CorsError::PreflightDisallowedRedirect { .. } => true,
        CorsError::MissingAllowOrigin { stage, .. }
        | CorsError::MultipleAllowOriginValues { stage, .. }
        | CorsError::InvalidAllowOriginValue { stage, .. }
        | CorsError::AllowOriginMismatch { stage, .. }
        | CorsError::WildcardOriginWithCredentials { stage }
        | CorsError::InvalidAllowCredentials { stage, .. } => *stage == Stage::Preflight,
        _ => false,
    };
    let preflight = if preflight {
        "Response to preflight request doesn't pass access control check: "
    } else {
        ""
    };
    const VALID_VALUE: &str = " Have the server send the header with a valid value.";
    let xhr_hint = match ctx.api {
        Api::Xhr => {
            " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute."
        }
        Api::Fetch => "",
    };
    let text = match error {
        // Blink rejects a cross-origin URL in mode `same-origin` before the network service
        // sees it; after a redirect, the network service's kDisallowedByMode is logged with
        // this text (which ends in a line break).
        CorsError::DisallowedByMode { url } => {
            return if at_redirect(url, ctx) {
                format!(
                    "Unsafe attempt to load URL {url} from frame with URL {}. Domains, protocols and ports must match.\n",
                    ctx.document_url()
                )
            } else {
                format!(
                    "Fetch API cannot load {url}. Request mode is \"same-origin\" but the URL's origin is not same as the request origin {}.",
                    ctx.origin
                )
            };
        }
        CorsError::WildcardOriginWithCredentials { .. } => format!(
            "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.{xhr_hint}"
        ),
        CorsError::MissingAllowOrigin { .. } => {
            "No 'Access-Control-Allow-Origin' header is present on the requested resource."
                .to_owned()
        }
        CorsError::MultipleAllowOriginValues { value, .. } => format!(
            "The 'Access-Control-Allow-Origin' header contains multiple values '{value}', but only one is allowed.{VALID_VALUE}"
        ),
        CorsError::InvalidAllowOriginValue { value, .. } => format!(
            "The 'Access-Control-Allow-Origin' header contains the invalid value '{value}'.{VALID_VALUE}"
        ),
        CorsError::AllowOriginMismatch { value, .. } => format!(
            "The 'Access-Control-Allow-Origin' header has a value '{value}' that is not equal to the supplied origin.{VALID_VALUE}"
        ),
        CorsError::InvalidAllowCredentials { value, .. } => format!(
            "The value of the 'Access-Control-Allow-Credentials' header in the response is '{}' which must be 'true' when the request's credentials mode is 'include'.{xhr_hint}",
            value.as_deref().unwrap_or("")
        ),
        CorsError::SchemeNotSupported { .. } => {
            "Cross origin requests are only supported for protocol schemes: chrome, chrome-extension, chrome-untrusted, data, http, https, isolated-app.".to_owned()
        }
        CorsError::PreflightInvalidStatus { .. } => "It does not have HTTP ok status.".to_owned(),
        CorsError::PreflightDisallowedRedirect { .. } => {
            "Redirect is not allowed for a preflight request.".to_owned()
        }
        CorsError::InvalidAllowMethods { .. } => {
            "Cannot parse Access-Control-Allow-Methods response header field in preflight response.".to_owned()
        }
        CorsError::InvalidAllowHeaders { .. } => {
            "Cannot parse Access-Control-Allow-Headers response header field in preflight response.".to_owned()
        }
        CorsError::MethodNotAllowed { method } => format!(
            "Method {method} is not allowed by Access-Control-Allow-Methods in preflight response."
        ),
        CorsError::HeaderNotAllowed { name, .. } => format!(
            "Request header field {name} is not allowed by Access-Control-Allow-Headers in preflight response."
        ),
        // Chromium leaves the location out (its failed_parameter is empty).
        CorsError::RedirectContainsCredentials { .. } => {
            "Redirect location '' contains a username and password, which is disallowed for cross-origin requests.".to_owned()
        }
        // No console message: these fail in the network stack, and DevTools shows only the
        // network error (not recorded; see the module docs).
        CorsError::TooManyRedirects => {
            return format!("GET {} net::ERR_TOO_MANY_REDIRECTS", ctx.url);
        }
        CorsError::InvalidLocation { .. } => {
            return format!("GET {} net::ERR_INVALID_REDIRECT", ctx.url);
        }
        CorsError::RedirectSchemeNotHttp { .. } => {
            return format!("GET {} net::ERR_UNSAFE_REDIRECT", ctx.url);
        }
        CorsError::RedirectModeError => return format!("GET {} net::ERR_FAILED", ctx.url),
        CorsError::BlockedByResourcePolicy => {
            return format!("GET {} net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin", ctx.url);
        }
        other => return format!("Failed to fetch: {other}"),
    };
    format!("{prefix}{preflight}{text}")
}

fn firefox(error: &CorsError, ctx: &ConsoleContext<'_>) -> String {
    let blocked = |reason: &str, tail: &str| {
        format!(
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {}. (Reason: {reason}).{tail}",
            ctx.url
        )
    };
    // After a failed preflight or a failed redirect the channel itself fails, and Firefox
    // logs that too (CORSDidNotSucceed2, without a status).
    let did_not_succeed = blocked("CORS request did not succeed", " Status code: (null).");
    let status = |s: &u16| format!(" Status code: {s}.");
    let first = match error {
        CorsError::MissingAllowOrigin { status: s, .. } => blocked(
            "CORS header ‘Access-Control-Allow-Origin’ missing",
            &status(s),
        ),
        CorsError::MultipleAllowOriginValues { .. } => blocked(
            "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed",
            "",
        ),
        CorsError::AllowOriginMismatch { value, .. }
        | CorsError::InvalidAllowOriginValue { value, .. } => blocked(
            &format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{value}’"),
            "",
        ),
        // This one quotes the URL.
        CorsError::WildcardOriginWithCredentials { .. } => format!(
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘{}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).",
            ctx.url
        ),
        CorsError::InvalidAllowCredentials { .. } => blocked(
            "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’",
            "",
        ),
        CorsError::PreflightInvalidStatus { status: s } => {
            blocked("CORS preflight response did not succeed", &status(s))
        }
        // Firefox then also checks the redirect's Access-Control-Allow-Origin against the
        // request's origin and logs a mismatch naming its value, which the error does not keep.
        CorsError::PreflightDisallowedRedirect { .. } => {
            blocked("CORS request external redirect not allowed", "")
        }
        CorsError::InvalidAllowMethods { value } => blocked(
            &format!(
                "invalid token ‘{}’ in CORS header ‘Access-Control-Allow-Methods’",
                offending_item(value)
            ),
            "",
        ),
        CorsError::InvalidAllowHeaders { value } => blocked(
            &format!(
                "invalid token ‘{}’ in CORS header ‘Access-Control-Allow-Headers’",
                offending_item(value)
            ),
            "",
        ),
        CorsError::MethodNotAllowed { .. } => blocked(
            "Did not find method in CORS header ‘Access-Control-Allow-Methods’",
            "",
        ),
        CorsError::HeaderNotAllowed { name, .. } => blocked(
            &format!(
                "header ‘{name}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response"
            ),
            "",
        ),
        CorsError::SchemeNotSupported { .. } => blocked("CORS request not http", ""),
        // No reason of their own: the redirect is refused and only the failure is logged.
        CorsError::RedirectContainsCredentials { .. }
        | CorsError::RedirectSchemeNotHttp { .. }
        | CorsError::InvalidLocation { .. }
        | CorsError::TooManyRedirects => return did_not_succeed,
        CorsError::DisallowedByMode { url } => {
            return format!(
                "Security Error: Content at {} may not load data from {url}.",
                ctx.document_url()
            );
        }
        // Firefox logs nothing for these; the page only gets the generic TypeError.
        _ => return "TypeError: NetworkError when attempting to fetch resource.".to_owned(),
    };
    match error.stage() {
        Some(Stage::Preflight | Stage::Redirect) => format!("{first}\n{did_not_succeed}"),
        _ => first,
    }
}

/// `name` as WebKit prints it: the page's own spelling for most names and the canonical one
/// for the names WebKit knows (`Authorization`, `Content-Type`). The error keeps the name
/// lowercased, so this capitalizes each dash-separated word, which is both for names written
/// the usual way.
fn webkit_header_name(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The list element an `InvalidAllowMethods`/`InvalidAllowHeaders` error names. The
/// preflight check currently stores the parser's description (``list element `x` is not a
/// token``) rather than the element itself; both forms give the element.
fn offending_item(value: &str) -> &str {
    value
        .strip_prefix("list element `")
        .and_then(|v| v.strip_suffix("` is not a token"))
        .unwrap_or(value)
}

/// `url` without its username and password.
fn without_credentials(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => url.to_owned(),
    }
}

fn webkit(error: &CorsError, ctx: &ConsoleContext<'_>) -> String {
    let api = match ctx.api {
        Api::Fetch => "Fetch API",
        Api::Xhr => "XMLHttpRequest",
    };
    let status = |s: Option<u16>| s.map(|s| format!(" Status code: {s}")).unwrap_or_default();
    let not_allowed = |origin: &str, s: Option<u16>| {
        format!(
            "Origin {origin} is not allowed by Access-Control-Allow-Origin.{}",
            status(s)
        )
    };
    let redirection = |to: &str, why: &str| {
        format!(
            "Cross-origin redirection to {to} denied by Cross-Origin Resource Sharing policy: {why}"
        )
    };
    const NON_CORS_SCHEME: &str =
        "not allowed to follow a cross-origin CORS redirection with non CORS scheme";
    let reason = match error {
        CorsError::MissingAllowOrigin { status: s, .. } => {
            not_allowed(ctx.request_origin(), Some(*s))
        }
        CorsError::AllowOriginMismatch { origin, .. } => not_allowed(origin, ctx.status),
        CorsError::InvalidAllowOriginValue { .. } => not_allowed(ctx.request_origin(), ctx.status),
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
        CorsError::PreflightInvalidStatus { status }
        | CorsError::PreflightDisallowedRedirect { status } => {
            format!("Preflight response is not successful. Status code: {status}")
        }
        // WebKit prints the whole header value, which the error does not keep; the offending
        // element is the whole value only when the header has one element.
        CorsError::InvalidAllowMethods { value } => format!(
            "Header Access-Control-Allow-Methods has an invalid value: {}",
            offending_item(value)
        ),
        CorsError::InvalidAllowHeaders { value } => format!(
            "Header Access-Control-Allow-Headers has an invalid value: {}",
            offending_item(value)
        ),
        CorsError::MethodNotAllowed { method } => {
            format!("Method {method} is not allowed by Access-Control-Allow-Methods.")
        }
        CorsError::HeaderNotAllowed { name, .. } => format!(
            "Request header field {} is not allowed by Access-Control-Allow-Headers.",
            webkit_header_name(name.as_str())
        ),
        CorsError::RedirectContainsCredentials { url } => redirection(
            &without_credentials(url),
            &format!("redirection URL {url} has credentials"),
        ),
        CorsError::RedirectSchemeNotHttp { url } => redirection(url, NON_CORS_SCHEME),
        CorsError::InvalidLocation { value } => redirection(value, NON_CORS_SCHEME),
        CorsError::TooManyRedirects => "Load cannot follow more than 20 redirections".to_owned(),
        CorsError::DisallowedByMode { url } => {
            // The initial URL is refused before loading with no reason of its own.
            if !at_redirect(url, ctx) {
                return format!("{api} cannot load {url}.");
            }
            return format!(
                "Unsafe attempt to load URL {url} from origin {}. Domains, protocols and ports must match.\n{api} cannot load {url} due to access control checks.",
                ctx.origin
            );
        }
        CorsError::RedirectModeError => {
            format!(
                "Not allowed to follow a redirection while loading {}",
                ctx.url
            )
        }
        other => other.to_string(),
    };
    let reason = match error.stage() {
        Some(Stage::Redirect) => redirection(ctx.redirect_to.unwrap_or(ctx.url), &reason),
        _ => reason,
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
        let ctx = ConsoleContext::fetch("https://api.example/r", "https://app.example")
            .with_redirected_from("https://a.example/");
        // The Access-Control-Allow-Headers errors name the preflight themselves: no prefix.
        let e = CorsError::HeaderNotAllowed {
            name: HeaderName::from_static("x-token"),
            wildcard_present: false,
        };
        assert_eq!(
            console_message(&e, Engine::Chromium, &ctx),
            "Access to fetch at 'https://api.example/r' (redirected from 'https://a.example/') from origin 'https://app.example' has been blocked by CORS policy: Request header field x-token is not allowed by Access-Control-Allow-Headers in preflight response."
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
        assert!(console_message(&e, Engine::Chromium, &ctx).ends_with("Response to preflight request doesn't pass access control check: The 'Access-Control-Allow-Origin' header has a value 'https://evil.example' that is not equal to the supplied origin. Have the server send the header with a valid value."));
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
        let ctx = ConsoleContext::fetch("https://api.example/r", "https://app.example")
            .with_api(Api::Xhr);
        let e = CorsError::PreflightInvalidStatus { status: 500 };
        assert_eq!(
            console_message(&e, Engine::WebKit, &ctx),
            "Preflight response is not successful. Status code: 500\nXMLHttpRequest cannot load https://api.example/r due to access control checks."
        );
    }
}
