//! The console message each browser prints for a CORS failure.
//!
//! The texts are rows of the crate's error table (one row per [`CorsError`] variant, with its
//! blame, stage and spec anchor), so every variant has its message in every engine.
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

use crate::error::CorsError;
pub use crate::error::console::{Api, ConsoleContext};
use crate::profile::Engine;

/// The console message `engine` prints for `error`. For [`Engine::Spec`], the error's own
/// `Display` text.
///
/// Some failures print no console message in an engine; the text returned then is what the
/// developer does see: for Chromium, the DevTools network error line (`GET <url>
/// net::ERR_...`, not captured from a real browser), for Firefox, the page's `TypeError`.
pub fn console_message(error: &CorsError, engine: Engine, ctx: &ConsoleContext<'_>) -> String {
    match engine {
        Engine::Chromium => error.chromium_text(ctx).render(ctx),
        Engine::Firefox => error.firefox_text(ctx).render(error.stage(), ctx),
        Engine::WebKit => error.webkit_text(ctx).render(error.stage(), ctx),
        Engine::Spec => error.to_string(),
    }
}

/// Chromium's `network::mojom::CorsError` name for `error`, or `None` for failures Chromium
/// does not report as CORS errors (it reports them as `net::ERR_*`, or Blink rejects them
/// before the network service sees them).
pub fn chromium_cors_error(error: &CorsError) -> Option<&'static str> {
    error.chromium_name()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Stage;
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
            CorsError::NetworkFailure,
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
    fn element_loads_name_their_kind() {
        let e = CorsError::AllowOriginMismatch {
            stage: Stage::Response,
            value: "https://evil.example".into(),
            origin: "https://app.example".into(),
        };
        let ctx = ConsoleContext::fetch("https://cdn.example/b", "https://app.example")
            .with_redirected_from("https://app.example/a")
            .with_api(Api::Image);
        // No "Have the server send the header with a valid value." outside fetch().
        assert_eq!(
            console_message(&e, Engine::Chromium, &ctx),
            "Access to image at 'https://cdn.example/b' (redirected from 'https://app.example/a') from origin 'https://app.example' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://evil.example' that is not equal to the supplied origin."
        );
        // WebKit names the URL the element was given.
        assert_eq!(
            console_message(&e, Engine::WebKit, &ctx),
            "Origin https://app.example is not allowed by Access-Control-Allow-Origin.\nCannot load image https://app.example/a due to access control checks."
        );
        let font = ConsoleContext::fetch("https://cdn.example/f", "https://app.example")
            .with_api(Api::Font)
            .with_font_family("F");
        assert!(
            console_message(&e, Engine::Firefox, &font).ends_with(
                "\ndownloadable font: download failed (font-family: \"F\" style:normal weight:400 stretch:100 src index:0): bad URI or cross-site access not allowed source: https://cdn.example/f"
            )
        );
        let sheet = font.with_api(Api::Stylesheet);
        assert_eq!(
            console_message(&e, Engine::WebKit, &sheet),
            "Origin https://app.example is not allowed by Access-Control-Allow-Origin."
        );
        assert!(
            console_message(&e, Engine::Chromium, &sheet)
                .starts_with("Access to CSS stylesheet at ")
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
