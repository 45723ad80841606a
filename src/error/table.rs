//! The error table: one row per [`CorsError`] variant with everything said about it.
//!
//! Each row gives the variant's blame, stage, spec anchor, Chromium `CorsError` name, its
//! `Display` text and the console message of each engine. The macro turns the rows into
//! exhaustive matches with no fallback arm, so a variant without a row does not compile, and
//! adding one means writing one row.

use std::fmt;

use super::console::{
    Chromium, ConsoleContext, Firefox, WEBKIT_NON_CORS_SCHEME, WebKit, at_redirect,
    firefox_blocked, firefox_did_not_succeed, firefox_status, offending_item, valid_value,
    webkit_api, webkit_header_name, webkit_not_allowed, webkit_redirection, without_credentials,
    xhr_hint,
};
use super::{Blame, CorsError, Stage};

const MAIN_FETCH: &str = "https://fetch.spec.whatwg.org/#main-fetch";
const REQUEST_CONSTRUCTOR: &str = "https://fetch.spec.whatwg.org/#dom-request";
const CORS_CHECK: &str = "https://fetch.spec.whatwg.org/#concept-cors-check";
const PREFLIGHT: &str = "https://fetch.spec.whatwg.org/#cors-preflight-fetch-0";
const REDIRECT: &str = "https://fetch.spec.whatwg.org/#concept-http-redirect-fetch";
const HTTP_FETCH: &str = "https://fetch.spec.whatwg.org/#concept-http-fetch";
const CORP: &str = "https://fetch.spec.whatwg.org/#cross-origin-resource-policy-check";
const FETCH: &str = "https://fetch.spec.whatwg.org/#concept-fetch";

/// What Firefox shows for failures it logs nothing for: the page's own `TypeError`.
const FIREFOX_TYPE_ERROR: &str = "TypeError: NetworkError when attempting to fetch resource.";

/// Chromium's error name for a CORS-check failure, by the response it concerns.
fn pick(stage: Stage, plain: &'static str, preflight: &'static str) -> Option<&'static str> {
    Some(match stage {
        Stage::Preflight => preflight,
        _ => plain,
    })
}

/// The `Display` prefix naming the response a CORS-check failure concerns.
fn stage_prefix(stage: Stage) -> &'static str {
    match stage {
        Stage::Response => "",
        Stage::Redirect => "redirect response: ",
        Stage::Preflight => "preflight response: ",
    }
}

macro_rules! cors_error_table {
    ($(
        $variant:ident { $($field:ident),* } => {
            blame: $blame:ident,
            stage: $stage:expr,
            anchor: $anchor:expr,
            chromium_name: $cname:expr,
            display: |$f:ident| $display:expr,
            chromium: |$ce:ident, $cctx:ident| $chromium:expr,
            firefox: |$fe:ident, $fctx:ident| $firefox:expr,
            webkit: |$we:ident, $wctx:ident| $webkit:expr $(,)?
        }
    ),* $(,)?) => {
        impl CorsError {
            /// Who has to change something to make the fetch succeed.
            pub fn blame(&self) -> Blame {
                match self {
                    $(CorsError::$variant { .. } => Blame::$blame,)*
                }
            }

            /// The response the failure concerns, for the CORS-check and preflight variants.
            #[allow(unused_variables)]
            pub fn stage(&self) -> Option<Stage> {
                match self {
                    $(CorsError::$variant { $($field,)* .. } => $stage,)*
                }
            }

            /// The Fetch Standard anchor of the step that failed.
            pub fn spec_anchor(&self) -> &'static str {
                match self {
                    $(CorsError::$variant { .. } => $anchor,)*
                }
            }

            /// Chromium's `network::mojom::CorsError` name, where Chromium reports the failure
            /// as a CORS error.
            #[allow(unused_variables)]
            pub(crate) fn chromium_name(&self) -> Option<&'static str> {
                match self {
                    $(CorsError::$variant { $($field,)* .. } => $cname,)*
                }
            }

            #[allow(unused_variables)]
            pub(crate) fn chromium_text(&self, ctx: &ConsoleContext<'_>) -> Chromium {
                match self {
                    $(CorsError::$variant { $($field,)* .. } => {
                        let ($ce, $cctx) = (self, ctx);
                        $chromium
                    })*
                }
            }

            #[allow(unused_variables)]
            pub(crate) fn firefox_text(&self, ctx: &ConsoleContext<'_>) -> Firefox {
                match self {
                    $(CorsError::$variant { $($field,)* .. } => {
                        let ($fe, $fctx) = (self, ctx);
                        $firefox
                    })*
                }
            }

            #[allow(unused_variables)]
            pub(crate) fn webkit_text(&self, ctx: &ConsoleContext<'_>) -> WebKit {
                match self {
                    $(CorsError::$variant { $($field,)* .. } => {
                        let ($we, $wctx) = (self, ctx);
                        $webkit
                    })*
                }
            }
        }

        impl fmt::Display for CorsError {
            #[allow(unused_variables)]
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $(CorsError::$variant { $($field,)* .. } => {
                        let $f = formatter;
                        $display
                    })*
                }
            }
        }
    };
}

cors_error_table! {
    // --- main fetch, step 12 ---
    DisallowedByMode { url } => {
        blame: Request,
        stage: None,
        anchor: MAIN_FETCH,
        chromium_name: Some("kDisallowedByMode"),
        display: |f| write!(f, "request mode is 'same-origin' but {url} is cross-origin"),
        // Blink refuses the first URL before the network service sees it; after a redirect
        // the network service logs this (ending in a line break).
        chromium: |e, ctx| Chromium::Line(if at_redirect(url, ctx) {
            format!(
                "Unsafe attempt to load URL {url} from frame with URL {}. Domains, protocols and ports must match.\n",
                ctx.document_url()
            )
        } else {
            format!(
                "Fetch API cannot load {url}. Request mode is \"same-origin\" but the URL's origin is not same as the request origin {}.",
                ctx.origin
            )
        }),
        firefox: |e, ctx| Firefox::Line(format!(
            "Security Error: Content at {} may not load data from {url}.",
            ctx.document_url()
        )),
        // The first URL is refused before loading, with no reason of its own.
        webkit: |e, ctx| WebKit::Line(if at_redirect(url, ctx) {
            format!(
                "Unsafe attempt to load URL {url} from origin {}. Domains, protocols and ports must match.\n{api} cannot load {url} due to access control checks.",
                ctx.origin,
                api = webkit_api(ctx)
            )
        } else {
            format!("{} cannot load {url}.", webkit_api(ctx))
        }),
    },
    NoCorsRedirectModeNotFollow {} => {
        blame: Request,
        stage: None,
        anchor: MAIN_FETCH,
        chromium_name: None,
        display: |f| f.write_str("request mode 'no-cors' requires redirect mode 'follow'"),
        chromium: |e, ctx| Chromium::Line(format!("Failed to fetch: {e}")),
        firefox: |e, ctx| Firefox::Line(FIREFOX_TYPE_ERROR.to_owned()),
        webkit: |e, ctx| WebKit::Reason(e.to_string()),
    },
    NoCorsMethodNotSafelisted { method } => {
        blame: Request,
        stage: None,
        anchor: REQUEST_CONSTRUCTOR,
        chromium_name: None,
        display: |f| write!(
            f,
            "request mode 'no-cors' allows only GET, HEAD and POST, not {method}"
        ),
        chromium: |e, ctx| Chromium::Line(format!("Failed to fetch: {e}")),
        firefox: |e, ctx| Firefox::Line(FIREFOX_TYPE_ERROR.to_owned()),
        webkit: |e, ctx| WebKit::Reason(e.to_string()),
    },
    NoCorsHeaderNotSafelisted { name } => {
        blame: Request,
        stage: None,
        anchor: REQUEST_CONSTRUCTOR,
        chromium_name: None,
        display: |f| write!(
            f,
            "request mode 'no-cors' does not allow the request header '{name}'"
        ),
        chromium: |e, ctx| Chromium::Line(format!("Failed to fetch: {e}")),
        firefox: |e, ctx| Firefox::Line(FIREFOX_TYPE_ERROR.to_owned()),
        webkit: |e, ctx| WebKit::Reason(e.to_string()),
    },
    SchemeNotSupported { scheme } => {
        blame: Request,
        stage: None,
        anchor: MAIN_FETCH,
        chromium_name: Some("kCorsDisabledScheme"),
        display: |f| write!(
            f,
            "cross-origin requests are only supported for http and https, not '{scheme}'"
        ),
        chromium: |e, ctx| Chromium::Blocked(
            "Cross origin requests are only supported for protocol schemes: chrome, chrome-extension, chrome-untrusted, data, http, https, isolated-app.".to_owned()
        ),
        firefox: |e, ctx| Firefox::First(firefox_blocked(ctx, "CORS request not http", "")),
        webkit: |e, ctx| WebKit::Reason(e.to_string()),
    },

    // --- CORS check ---
    MissingAllowOrigin { stage, status } => {
        blame: Server,
        stage: Some(*stage),
        anchor: CORS_CHECK,
        chromium_name: pick(*stage, "kMissingAllowOriginHeader", "kPreflightMissingAllowOriginHeader"),
        display: |f| write!(
            f,
            "{}no 'Access-Control-Allow-Origin' header (status {status}); the server must send one naming the page's origin",
            stage_prefix(*stage)
        ),
        chromium: |e, ctx| Chromium::check(
            *stage,
            "No 'Access-Control-Allow-Origin' header is present on the requested resource.".to_owned(),
        ),
        firefox: |e, ctx| Firefox::First(firefox_blocked(
            ctx,
            "CORS header ‘Access-Control-Allow-Origin’ missing",
            &firefox_status(*status),
        )),
        webkit: |e, ctx| WebKit::Reason(webkit_not_allowed(ctx.request_origin(), Some(*status))),
    },
    MultipleAllowOriginValues { stage, value } => {
        blame: Server,
        stage: Some(*stage),
        anchor: CORS_CHECK,
        chromium_name: pick(*stage, "kMultipleAllowOriginValues", "kPreflightMultipleAllowOriginValues"),
        display: |f| write!(
            f,
            "{}'Access-Control-Allow-Origin' has several values '{value}', but only one is allowed",
            stage_prefix(*stage)
        ),
        chromium: |e, ctx| Chromium::check(*stage, format!(
            "The 'Access-Control-Allow-Origin' header contains multiple values '{value}', but only one is allowed.{}",
            valid_value(ctx)
        )),
        firefox: |e, ctx| Firefox::First(firefox_blocked(
            ctx,
            "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed",
            "",
        )),
        webkit: |e, ctx| WebKit::Reason(
            "Access-Control-Allow-Origin cannot contain more than one origin.".to_owned()
        ),
    },
    InvalidAllowOriginValue { stage, value } => {
        blame: Server,
        stage: Some(*stage),
        anchor: CORS_CHECK,
        chromium_name: pick(*stage, "kInvalidAllowOriginValue", "kPreflightInvalidAllowOriginValue"),
        display: |f| write!(
            f,
            "{}'Access-Control-Allow-Origin' has the invalid value '{value}'",
            stage_prefix(*stage)
        ),
        chromium: |e, ctx| Chromium::check(*stage, format!(
            "The 'Access-Control-Allow-Origin' header contains the invalid value '{value}'.{}",
            valid_value(ctx)
        )),
        firefox: |e, ctx| Firefox::First(firefox_blocked(
            ctx,
            &format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{value}’"),
            "",
        )),
        webkit: |e, ctx| WebKit::Reason(webkit_not_allowed(ctx.request_origin(), ctx.status)),
    },
    AllowOriginMismatch { stage, value, origin } => {
        blame: Server,
        stage: Some(*stage),
        anchor: CORS_CHECK,
        chromium_name: pick(*stage, "kAllowOriginMismatch", "kPreflightAllowOriginMismatch"),
        display: |f| write!(
            f,
            "{}'Access-Control-Allow-Origin' is '{value}', which is not the request's origin '{origin}'",
            stage_prefix(*stage)
        ),
        chromium: |e, ctx| Chromium::check(*stage, format!(
            "The 'Access-Control-Allow-Origin' header has a value '{value}' that is not equal to the supplied origin.{}",
            valid_value(ctx)
        )),
        firefox: |e, ctx| Firefox::First(firefox_blocked(
            ctx,
            &format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{value}’"),
            "",
        )),
        webkit: |e, ctx| WebKit::Reason(webkit_not_allowed(origin, ctx.status)),
    },
    WildcardOriginWithCredentials { stage } => {
        blame: Server,
        stage: Some(*stage),
        anchor: CORS_CHECK,
        chromium_name: pick(*stage, "kWildcardOriginNotAllowed", "kPreflightWildcardOriginNotAllowed"),
        display: |f| write!(
            f,
            "{}'Access-Control-Allow-Origin' must not be '*' when credentials are included; send the page's origin instead",
            stage_prefix(*stage)
        ),
        chromium: |e, ctx| Chromium::check(*stage, format!(
            "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.{}",
            xhr_hint(ctx)
        )),
        // This one quotes the URL.
        firefox: |e, ctx| Firefox::First(format!(
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘{}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).",
            ctx.url
        )),
        webkit: |e, ctx| WebKit::Reason(
            "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.".to_owned()
        ),
    },
    InvalidAllowCredentials { stage, value } => {
        blame: Server,
        stage: Some(*stage),
        anchor: CORS_CHECK,
        chromium_name: pick(*stage, "kInvalidAllowCredentials", "kPreflightInvalidAllowCredentials"),
        display: |f| match value {
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
        chromium: |e, ctx| Chromium::check(*stage, format!(
            "The value of the 'Access-Control-Allow-Credentials' header in the response is '{}' which must be 'true' when the request's credentials mode is 'include'.{}",
            value.as_deref().unwrap_or(""),
            xhr_hint(ctx)
        )),
        firefox: |e, ctx| Firefox::First(firefox_blocked(
            ctx,
            "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’",
            "",
        )),
        webkit: |e, ctx| WebKit::Reason(
            "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\".".to_owned()
        ),
    },

    // --- CORS-preflight fetch ---
    PreflightInvalidStatus { status } => {
        blame: Server,
        stage: Some(Stage::Preflight),
        anchor: PREFLIGHT,
        chromium_name: Some("kPreflightInvalidStatus"),
        display: |f| write!(
            f,
            "preflight response status {status} is not in the 200-299 range"
        ),
        chromium: |e, ctx| Chromium::Preflight("It does not have HTTP ok status.".to_owned()),
        firefox: |e, ctx| Firefox::First(firefox_blocked(
            ctx,
            "CORS preflight response did not succeed",
            &firefox_status(*status),
        )),
        webkit: |e, ctx| WebKit::Reason(format!(
            "Preflight response is not successful. Status code: {status}"
        )),
    },
    PreflightDisallowedRedirect { status } => {
        blame: Server,
        stage: Some(Stage::Preflight),
        anchor: PREFLIGHT,
        chromium_name: Some("kPreflightDisallowedRedirect"),
        display: |f| write!(
            f,
            "preflight response is a redirect ({status}); preflights cannot be redirected"
        ),
        chromium: |e, ctx| Chromium::Preflight(
            "Redirect is not allowed for a preflight request.".to_owned()
        ),
        // Firefox then also checks the redirect's Access-Control-Allow-Origin and logs a
        // mismatch naming its value, which the error does not keep.
        firefox: |e, ctx| Firefox::First(firefox_blocked(
            ctx,
            "CORS request external redirect not allowed",
            "",
        )),
        webkit: |e, ctx| WebKit::Reason(format!(
            "Preflight response is not successful. Status code: {status}"
        )),
    },
    InvalidAllowMethods { value } => {
        blame: Server,
        stage: Some(Stage::Preflight),
        anchor: PREFLIGHT,
        chromium_name: Some("kInvalidAllowMethodsPreflightResponse"),
        display: |f| write!(
            f,
            "preflight response: 'Access-Control-Allow-Methods' has the invalid item '{value}'"
        ),
        chromium: |e, ctx| Chromium::Blocked(
            "Cannot parse Access-Control-Allow-Methods response header field in preflight response.".to_owned()
        ),
        firefox: |e, ctx| Firefox::First(firefox_blocked(
            ctx,
            &format!(
                "invalid token ‘{}’ in CORS header ‘Access-Control-Allow-Methods’",
                offending_item(value)
            ),
            "",
        )),
        // WebKit prints the whole header value, which the error does not keep.
        webkit: |e, ctx| WebKit::Reason(format!(
            "Header Access-Control-Allow-Methods has an invalid value: {}",
            offending_item(value)
        )),
    },
    InvalidAllowHeaders { value } => {
        blame: Server,
        stage: Some(Stage::Preflight),
        anchor: PREFLIGHT,
        chromium_name: Some("kInvalidAllowHeadersPreflightResponse"),
        display: |f| write!(
            f,
            "preflight response: 'Access-Control-Allow-Headers' has the invalid item '{value}'"
        ),
        chromium: |e, ctx| Chromium::Blocked(
            "Cannot parse Access-Control-Allow-Headers response header field in preflight response.".to_owned()
        ),
        firefox: |e, ctx| Firefox::First(firefox_blocked(
            ctx,
            &format!(
                "invalid token ‘{}’ in CORS header ‘Access-Control-Allow-Headers’",
                offending_item(value)
            ),
            "",
        )),
        webkit: |e, ctx| WebKit::Reason(format!(
            "Header Access-Control-Allow-Headers has an invalid value: {}",
            offending_item(value)
        )),
    },
    MethodNotAllowed { method } => {
        blame: Server,
        stage: Some(Stage::Preflight),
        anchor: PREFLIGHT,
        chromium_name: Some("kMethodDisallowedByPreflightResponse"),
        display: |f| write!(
            f,
            "preflight response: method {method} is not listed in 'Access-Control-Allow-Methods'"
        ),
        chromium: |e, ctx| Chromium::Blocked(format!(
            "Method {method} is not allowed by Access-Control-Allow-Methods in preflight response."
        )),
        firefox: |e, ctx| Firefox::First(firefox_blocked(
            ctx,
            "Did not find method in CORS header ‘Access-Control-Allow-Methods’",
            "",
        )),
        webkit: |e, ctx| WebKit::Reason(format!(
            "Method {method} is not allowed by Access-Control-Allow-Methods."
        )),
    },
    HeaderNotAllowed { name, wildcard_present } => {
        blame: Server,
        stage: Some(Stage::Preflight),
        anchor: PREFLIGHT,
        chromium_name: Some("kHeaderDisallowedByPreflightResponse"),
        display: |f| {
            write!(
                f,
                "preflight response: request header '{name}' is not listed in 'Access-Control-Allow-Headers'"
            )?;
            if *wildcard_present {
                f.write_str(" ('*' does not cover it)")?;
            }
            Ok(())
        },
        chromium: |e, ctx| Chromium::Blocked(format!(
            "Request header field {name} is not allowed by Access-Control-Allow-Headers in preflight response."
        )),
        firefox: |e, ctx| Firefox::First(firefox_blocked(
            ctx,
            &format!(
                "header ‘{name}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response"
            ),
            "",
        )),
        webkit: |e, ctx| WebKit::Reason(format!(
            "Request header field {} is not allowed by Access-Control-Allow-Headers.",
            webkit_header_name(name.as_str())
        )),
    },

    // --- HTTP fetch, step 6.3, and HTTP-redirect fetch ---
    RedirectModeError {} => {
        blame: Request,
        stage: None,
        anchor: HTTP_FETCH,
        chromium_name: None,
        display: |f| f.write_str("redirect mode is 'error' and the response is a redirect"),
        // These fail in Chromium's network stack: DevTools shows only the network error.
        chromium: |e, ctx| Chromium::Line(format!("GET {} net::ERR_FAILED", ctx.url)),
        firefox: |e, ctx| Firefox::Line(FIREFOX_TYPE_ERROR.to_owned()),
        webkit: |e, ctx| WebKit::Reason(format!(
            "Not allowed to follow a redirection while loading {}",
            ctx.url
        )),
    },
    TooManyRedirects {} => {
        blame: Server,
        stage: None,
        anchor: REDIRECT,
        chromium_name: None,
        display: |f| f.write_str("more than 20 redirects"),
        chromium: |e, ctx| Chromium::Line(format!("GET {} net::ERR_TOO_MANY_REDIRECTS", ctx.url)),
        // No reason of its own: the redirect is refused and only the failure is logged.
        firefox: |e, ctx| Firefox::Line(firefox_did_not_succeed(ctx)),
        webkit: |e, ctx| WebKit::Reason("Load cannot follow more than 20 redirections".to_owned()),
    },
    RedirectContainsCredentials { url } => {
        blame: Server,
        stage: None,
        anchor: REDIRECT,
        chromium_name: Some("kRedirectContainsCredentials"),
        display: |f| write!(f, "redirect location '{url}' contains a username or password"),
        // Chromium leaves the location out (its failed_parameter is empty).
        chromium: |e, ctx| Chromium::Blocked(
            "Redirect location '' contains a username and password, which is disallowed for cross-origin requests.".to_owned()
        ),
        firefox: |e, ctx| Firefox::Line(firefox_did_not_succeed(ctx)),
        webkit: |e, ctx| WebKit::Reason(webkit_redirection(
            &without_credentials(url),
            &format!("redirection URL {url} has credentials"),
        )),
    },
    RedirectSchemeNotHttp { url } => {
        blame: Server,
        stage: None,
        anchor: REDIRECT,
        chromium_name: None,
        display: |f| write!(f, "redirect location '{url}' is not an HTTP(S) URL"),
        chromium: |e, ctx| Chromium::Line(format!("GET {} net::ERR_UNSAFE_REDIRECT", ctx.url)),
        firefox: |e, ctx| Firefox::Line(firefox_did_not_succeed(ctx)),
        webkit: |e, ctx| WebKit::Reason(webkit_redirection(url, WEBKIT_NON_CORS_SCHEME)),
    },
    InvalidLocation { value } => {
        blame: Server,
        stage: None,
        anchor: REDIRECT,
        chromium_name: None,
        display: |f| write!(f, "redirect location '{value}' is not a valid URL"),
        chromium: |e, ctx| Chromium::Line(format!("GET {} net::ERR_INVALID_REDIRECT", ctx.url)),
        firefox: |e, ctx| Firefox::Line(firefox_did_not_succeed(ctx)),
        webkit: |e, ctx| WebKit::Reason(webkit_redirection(value, WEBKIT_NON_CORS_SCHEME)),
    },

    // --- HTTP fetch, step 5 ---
    BlockedByResourcePolicy {} => {
        blame: Server,
        stage: None,
        anchor: CORP,
        chromium_name: None,
        display: |f| f.write_str(
            "the response's Cross-Origin-Resource-Policy does not allow this page to use it"
        ),
        chromium: |e, ctx| Chromium::Line(format!(
            "GET {} net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin",
            ctx.url
        )),
        firefox: |e, ctx| Firefox::Line(FIREFOX_TYPE_ERROR.to_owned()),
        webkit: |e, ctx| WebKit::Reason(e.to_string()),
    },

    // --- the network ---
    // Not captured from real browsers: each engine's page-side TypeError text.
    NetworkFailure {} => {
        blame: Network,
        stage: None,
        anchor: FETCH,
        chromium_name: None,
        display: |f| f.write_str("the network failed before a response arrived"),
        chromium: |e, ctx| Chromium::Line("TypeError: Failed to fetch".to_owned()),
        firefox: |e, ctx| Firefox::Line(FIREFOX_TYPE_ERROR.to_owned()),
        webkit: |e, ctx| WebKit::Line("TypeError: Load failed".to_owned()),
    },

    // --- anything else ---
    InvalidRequest { reason } => {
        blame: Request,
        stage: None,
        anchor: FETCH,
        chromium_name: None,
        display: |f| write!(f, "the request cannot be sent: {reason}"),
        chromium: |e, ctx| Chromium::Line(format!("Failed to fetch: {e}")),
        firefox: |e, ctx| Firefox::Line(FIREFOX_TYPE_ERROR.to_owned()),
        webkit: |e, ctx| WebKit::Reason(e.to_string()),
    },
}
