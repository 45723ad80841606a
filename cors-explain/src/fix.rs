//! The smallest change that makes a failed CORS check pass.
//!
//! [`fix_for`] maps one [`CorsError`] and what was sent and received to a [`Fix`]: which
//! response to change (the preflight's, the redirect's, the final one) and the header values
//! to send there, worked out from the response's own values (a method is added to the
//! `Access-Control-Allow-Methods` list the server already sends, not a new list). Failures the
//! page causes get a [`FixTarget::Page`] fix in words.
//!
//! ```
//! use cors_explain::fix::{fix_for, FixContext, FixTarget};
//! use cors_explain::RecordedResponse;
//! use fetch_cors::CorsError;
//!
//! let preflight = RecordedResponse {
//!     status: 204,
//!     headers: vec![("Access-Control-Allow-Methods".into(), "GET, POST".into())],
//! };
//! let ctx = FixContext {
//!     response: Some(&preflight),
//!     ..FixContext::new("https://app.example", &http::Method::DELETE)
//! };
//! let fix = fix_for(&CorsError::MethodNotAllowed { method: http::Method::DELETE }, &ctx);
//! assert_eq!(fix.target, FixTarget::PreflightResponse);
//! assert_eq!(fix.set_headers, [("Access-Control-Allow-Methods".to_owned(), "GET, POST, DELETE".to_owned())]);
//! ```

use http::Method;
use serde::Serialize;

use crate::RecordedResponse;
use crate::core::{CorsError, Stage};

/// Which message has to change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixTarget {
    /// The response to the `OPTIONS` preflight.
    PreflightResponse,
    /// A redirect response on the way.
    RedirectResponse,
    /// The response to the request itself.
    Response,
    /// The page's request (its mode, credentials, headers or URL), not the server.
    Page,
}

impl FixTarget {
    /// Words for the target, for people.
    pub fn describe(self) -> &'static str {
        match self {
            FixTarget::PreflightResponse => "the OPTIONS preflight response",
            FixTarget::RedirectResponse => "the redirect response",
            FixTarget::Response => "the response",
            FixTarget::Page => "the page's request",
        }
    }
}

/// A change that makes the failed check pass.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// Where the change goes.
    pub target: FixTarget,
    /// What to do, in one sentence.
    pub summary: String,
    /// Headers to send on the target response, replacing any value it has (name, value).
    pub set_headers: Vec<(String, String)>,
    /// A status to answer with instead (a preflight must be 2xx).
    pub status: Option<u16>,
    /// Further advice: alternatives, and what else to keep in mind.
    pub also: Vec<String>,
    /// The URL whose response the change is for (in a redirect chain, which server), when
    /// the target is a response; `None` for a change to the page's request.
    pub server: Option<String>,
}

impl Fix {
    fn new(target: FixTarget, summary: impl Into<String>) -> Fix {
        Fix {
            target,
            summary: summary.into(),
            set_headers: Vec::new(),
            status: None,
            also: Vec::new(),
            server: None,
        }
    }

    fn set(mut self, name: &str, value: impl Into<String>) -> Fix {
        let value = value.into();
        if let Some(slot) = self
            .set_headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            slot.1 = value;
        } else {
            self.set_headers.push((name.to_owned(), value));
        }
        self
    }

    fn also(mut self, advice: impl Into<String>) -> Fix {
        self.also.push(advice.into());
        self
    }
}

/// What [`fix_for`] needs to know besides the error.
#[derive(Clone, Copy, Debug)]
pub struct FixContext<'a> {
    /// The page's serialized origin.
    pub page_origin: &'a str,
    /// The `Origin` the server saw: the page's origin, or `null` after a cross-origin
    /// redirect.
    pub request_origin: &'a str,
    /// The request's method (on the failing hop).
    pub method: &'a Method,
    /// The request's CORS-unsafe header names, lowercase (what the preflight asked for).
    pub unsafe_headers: &'a [String],
    /// Whether credentials were included.
    pub credentials: bool,
    /// The response that failed the check, when it was recorded.
    pub response: Option<&'a RecordedResponse>,
}

impl<'a> FixContext<'a> {
    /// A context for a request from `origin` with `method`, no unsafe headers, no
    /// credentials and no recorded response.
    pub fn new(origin: &'a str, method: &'a Method) -> Self {
        FixContext {
            page_origin: origin,
            request_origin: origin,
            method,
            unsafe_headers: &[],
            credentials: false,
            response: None,
        }
    }

    fn header(&self, name: &str) -> Option<&'a str> {
        self.response.and_then(|r| r.header(name))
    }

    fn tainted(&self) -> bool {
        self.request_origin == "null" && self.page_origin != "null"
    }
}

fn target_of(stage: Option<Stage>) -> FixTarget {
    match stage {
        Some(Stage::Preflight) => FixTarget::PreflightResponse,
        Some(Stage::Redirect) => FixTarget::RedirectResponse,
        _ => FixTarget::Response,
    }
}

/// The items of a comma-separated header value that are tokens, in order, without
/// duplicates (ASCII case-insensitive).
fn tokens(value: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in value.unwrap_or("").split(',') {
        let item = item.trim();
        let token = !item.is_empty()
            && item
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if token && !out.iter().any(|o| o.eq_ignore_ascii_case(item)) {
            out.push(item.to_owned());
        }
    }
    out
}

/// Whether a response's `Vary` already covers `Origin`.
fn varies_on_origin(ctx: &FixContext<'_>) -> bool {
    ctx.response
        .map(|r| {
            r.headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("vary"))
                .flat_map(|(_, v)| v.split(','))
                .any(|v| {
                    let v = v.trim();
                    v == "*" || v.eq_ignore_ascii_case("origin")
                })
        })
        .unwrap_or(false)
}

/// The `Access-Control-Allow-Origin` fix: the value to send, and `Vary: Origin` with it when
/// it names one origin.
fn allow_origin(fix: Fix, ctx: &FixContext<'_>) -> Fix {
    if ctx.tainted() {
        // After a cross-origin redirect the request's origin is the opaque "null".
        return if ctx.credentials {
            fix.set("Access-Control-Allow-Origin", "null")
                .set("Access-Control-Allow-Credentials", "true")
                .also("the request's Origin became 'null' at a cross-origin redirect; rather than trusting 'null' (any sandboxed or data: document sends it), let the page fetch the final URL directly")
        } else {
            fix.set("Access-Control-Allow-Origin", "*")
                .also("the request's Origin became 'null' at a cross-origin redirect; alternatively let the page fetch the final URL directly, so it keeps its origin")
        };
    }
    let fix = fix.set("Access-Control-Allow-Origin", ctx.request_origin);
    if fix.target == FixTarget::PreflightResponse || varies_on_origin(ctx) {
        fix
    } else {
        fix.set("Vary", vary_with_origin(ctx))
    }
}

fn vary_with_origin(ctx: &FixContext<'_>) -> String {
    match ctx.header("vary").map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => format!("{v}, Origin"),
        None => "Origin".to_owned(),
    }
}

fn methods_with(ctx: &FixContext<'_>) -> String {
    let mut list = tokens(ctx.header("access-control-allow-methods"));
    if ctx.credentials {
        // `*` is a literal method name when credentials are included.
        list.retain(|m| m != "*");
    }
    let method = ctx.method.as_str();
    if !list.iter().any(|m| m.eq_ignore_ascii_case(method)) {
        list.push(method.to_owned());
    }
    list.join(", ")
}

fn headers_with(ctx: &FixContext<'_>, must: &[&str]) -> String {
    let mut list = tokens(ctx.header("access-control-allow-headers"));
    let star = list.iter().any(|h| h == "*") && !ctx.credentials;
    if ctx.credentials {
        list.retain(|h| h != "*");
    }
    let wanted = ctx
        .unsafe_headers
        .iter()
        .map(String::as_str)
        .chain(must.iter().copied());
    for name in wanted {
        // `*` covers every name but `Authorization` when credentials are not included.
        let covered = list.iter().any(|h| h.eq_ignore_ascii_case(name))
            || (star && !name.eq_ignore_ascii_case("authorization"));
        if !covered {
            list.push(name.to_ascii_lowercase());
        }
    }
    list.join(", ")
}

/// The change that lets the page read `names`, response headers a passing CORS response
/// sent but did not expose: list them in `Access-Control-Expose-Headers` on the response from
/// `server`. Names only, never `*`: `*` exposes nothing to a request with credentials.
pub fn expose_fix(names: &[String], server: &str, credentials: bool) -> Fix {
    let mut fix = Fix::new(
        FixTarget::Response,
        "list the headers the page should read in Access-Control-Expose-Headers",
    )
    .set("Access-Control-Expose-Headers", names.join(", "));
    if !credentials {
        fix = fix.also(
            "`Access-Control-Expose-Headers: *` exposes them all, but only while the request carries no credentials",
        );
    }
    fix.server = Some(server.to_owned());
    fix
}

/// The smallest server-side change (or, when the page is at fault, the change to the
/// request) that makes the check that failed with `error` pass. See the module docs.
pub fn fix_for(error: &CorsError, ctx: &FixContext<'_>) -> Fix {
    let target = target_of(error.stage());
    match error {
        CorsError::MissingAllowOrigin { .. } => allow_origin(
            Fix::new(
                target,
                "send Access-Control-Allow-Origin, naming the page's origin".to_owned(),
            ),
            ctx,
        )
        .also(if ctx.credentials || ctx.tainted() {
            "a CORS response must carry it whatever its status, errors included".to_owned()
        } else {
            "'*' works as well, since the request carries no credentials; a CORS response must carry it whatever its status, errors included".to_owned()
        }),
        CorsError::AllowOriginMismatch { value, .. }
        | CorsError::InvalidAllowOriginValue { value, .. } => allow_origin(
            Fix::new(
                target,
                format!(
                    "send Access-Control-Allow-Origin: {} instead of '{value}' (it must be the origin byte for byte: scheme, host and port, no path or trailing slash)",
                    if ctx.tainted() {
                        if ctx.credentials { "null" } else { "*" }
                    } else {
                        ctx.request_origin
                    }
                ),
            ),
            ctx,
        ),
        CorsError::MultipleAllowOriginValues { value, .. } => allow_origin(
            Fix::new(
                target,
                format!(
                    "send exactly one Access-Control-Allow-Origin value, not '{value}' (often a proxy and the application both add one)"
                ),
            ),
            ctx,
        ),
        CorsError::WildcardOriginWithCredentials { .. } => {
            let fix = allow_origin(
                Fix::new(
                    target,
                    "the request includes credentials, so Access-Control-Allow-Origin must name the origin instead of \'*\'",
                ),
                ctx,
            );
            let fix = if ctx.header("access-control-allow-credentials") == Some("true") {
                fix
            } else {
                fix.set("Access-Control-Allow-Credentials", "true")
            };
            fix.also("or, if the page does not need cookies, make the request with credentials: 'omit' (or 'same-origin')")
        }
        CorsError::InvalidAllowCredentials { value, .. } => {
            let summary = match value {
                Some(v) => format!(
                    "send Access-Control-Allow-Credentials: true (exactly 'true', lowercase, not '{v}')"
                ),
                None => "send Access-Control-Allow-Credentials: true, since the request includes credentials".to_owned(),
            };
            Fix::new(target, summary)
                .set("Access-Control-Allow-Credentials", "true")
                .also("or, if the page does not need cookies, make the request with credentials: 'omit'")
        }
        CorsError::PreflightInvalidStatus { status } => {
            let mut fix = Fix::new(
                FixTarget::PreflightResponse,
                format!(
                    "answer the OPTIONS preflight with a 2xx status (204 No Content), not {status}; let OPTIONS through routing and authentication, since a preflight never carries cookies or Authorization"
                ),
            );
            fix.status = Some(204);
            fix
        }
        CorsError::PreflightDisallowedRedirect { status } => {
            let mut fix = Fix::new(
                FixTarget::PreflightResponse,
                format!(
                    "answer the OPTIONS preflight at this URL itself with 204, not with a redirect ({status}); or let the page request the URL it is redirected to"
                ),
            );
            fix.status = Some(204);
            fix
        }
        CorsError::InvalidAllowMethods { value } => Fix::new(
            FixTarget::PreflightResponse,
            format!(
                "make Access-Control-Allow-Methods a comma-separated list of method names; '{value}' is not one"
            ),
        )
        .set("Access-Control-Allow-Methods", methods_with(ctx)),
        CorsError::InvalidAllowHeaders { value } => Fix::new(
            FixTarget::PreflightResponse,
            format!(
                "make Access-Control-Allow-Headers a comma-separated list of header names; '{value}' is not one"
            ),
        )
        .set("Access-Control-Allow-Headers", headers_with(ctx, &[])),
        CorsError::MethodNotAllowed { method } => Fix::new(
            FixTarget::PreflightResponse,
            format!(
                "add {method} to Access-Control-Allow-Methods{}",
                if ctx.credentials
                    && tokens(ctx.header("access-control-allow-methods")).iter().any(|m| m == "*")
                {
                    " ('*' does not cover it when credentials are included)"
                } else {
                    ""
                }
            ),
        )
        .set("Access-Control-Allow-Methods", methods_with(ctx)),
        CorsError::HeaderNotAllowed {
            name,
            wildcard_present,
        } => Fix::new(
            FixTarget::PreflightResponse,
            format!(
                "add {name} to Access-Control-Allow-Headers{}",
                if *wildcard_present {
                    " by name ('*' does not cover it)"
                } else {
                    ""
                }
            ),
        )
        .set(
            "Access-Control-Allow-Headers",
            headers_with(ctx, &[name.as_str()]),
        ),
        CorsError::RedirectContainsCredentials { url } => Fix::new(
            FixTarget::RedirectResponse,
            format!("redirect to a URL without a username or password, not '{url}'"),
        ),
        CorsError::RedirectSchemeNotHttp { url } => Fix::new(
            FixTarget::RedirectResponse,
            format!("redirect to an http: or https: URL, not '{url}'"),
        ),
        CorsError::InvalidLocation { value } => Fix::new(
            FixTarget::RedirectResponse,
            format!("send a valid URL in Location, not '{value}'"),
        ),
        CorsError::TooManyRedirects => Fix::new(
            FixTarget::RedirectResponse,
            "end the redirect chain: browsers give up after 20 redirects",
        ),
        CorsError::BlockedByResourcePolicy => Fix::new(
            FixTarget::Response,
            "allow this page to embed the response: send Cross-Origin-Resource-Policy: cross-origin (or same-site)",
        )
        .set("Cross-Origin-Resource-Policy", "cross-origin"),
        CorsError::DisallowedByMode { .. } => Fix::new(
            FixTarget::Page,
            "the request's mode is 'same-origin' but the URL is cross-origin: use mode 'cors' (the fetch() default)",
        ),
        CorsError::NoCorsRedirectModeNotFollow => Fix::new(
            FixTarget::Page,
            "a 'no-cors' request must use redirect: 'follow'",
        ),
        CorsError::NoCorsMethodNotSafelisted { method } => Fix::new(
            FixTarget::Page,
            format!("a 'no-cors' request can only use GET, HEAD or POST, not {method}: use mode 'cors'"),
        ),
        CorsError::NoCorsHeaderNotSafelisted { name } => Fix::new(
            FixTarget::Page,
            format!("a 'no-cors' request cannot carry the header '{name}': use mode 'cors'"),
        ),
        CorsError::SchemeNotSupported { scheme } => Fix::new(
            FixTarget::Page,
            format!("CORS requests need an http: or https: URL, not {scheme}:"),
        ),
        CorsError::RedirectModeError => Fix::new(
            FixTarget::Page,
            "the request uses redirect: 'error' and the server redirected: request the final URL, or use redirect: 'follow'",
        ),
        other => Fix::new(FixTarget::Page, format!("fix the request: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderName;

    const ORIGIN: &str = "https://app.example";

    fn response(headers: &[(&str, &str)]) -> RecordedResponse {
        RecordedResponse {
            status: 200,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    fn headers(fix: &Fix) -> Vec<(&str, &str)> {
        fix.set_headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn missing_allow_origin_names_origin_and_varies() {
        let ctx = FixContext::new(ORIGIN, &Method::GET);
        let err = CorsError::MissingAllowOrigin {
            stage: Stage::Response,
            status: 200,
        };
        let fix = fix_for(&err, &ctx);
        assert_eq!(fix.target, FixTarget::Response);
        assert_eq!(
            headers(&fix),
            [("Access-Control-Allow-Origin", ORIGIN), ("Vary", "Origin")]
        );
        assert!(fix.also[0].contains("'*' works"));
    }

    #[test]
    fn vary_kept_and_extended() {
        let r = response(&[("Vary", "Accept-Encoding")]);
        let ctx = FixContext {
            response: Some(&r),
            ..FixContext::new(ORIGIN, &Method::GET)
        };
        let err = CorsError::AllowOriginMismatch {
            stage: Stage::Response,
            value: "https://other.example".into(),
            origin: ORIGIN.into(),
        };
        let fix = fix_for(&err, &ctx);
        assert_eq!(
            headers(&fix),
            [
                ("Access-Control-Allow-Origin", ORIGIN),
                ("Vary", "Accept-Encoding, Origin")
            ]
        );
        assert!(fix.summary.contains("instead of 'https://other.example'"));
        let r = response(&[("Vary", "origin")]);
        let ctx = FixContext {
            response: Some(&r),
            ..ctx
        };
        assert_eq!(
            headers(&fix_for(&err, &ctx)),
            [("Access-Control-Allow-Origin", ORIGIN)]
        );
    }

    #[test]
    fn preflight_origin_fix_has_no_vary() {
        let ctx = FixContext::new(ORIGIN, &Method::PUT);
        let err = CorsError::MissingAllowOrigin {
            stage: Stage::Preflight,
            status: 204,
        };
        let fix = fix_for(&err, &ctx);
        assert_eq!(fix.target, FixTarget::PreflightResponse);
        assert_eq!(headers(&fix), [("Access-Control-Allow-Origin", ORIGIN)]);
    }

    #[test]
    fn tainted_origin_gets_star_or_null() {
        let ctx = FixContext {
            request_origin: "null",
            ..FixContext::new(ORIGIN, &Method::GET)
        };
        let err = CorsError::AllowOriginMismatch {
            stage: Stage::Response,
            value: ORIGIN.into(),
            origin: "null".into(),
        };
        let fix = fix_for(&err, &ctx);
        assert_eq!(headers(&fix), [("Access-Control-Allow-Origin", "*")]);
        assert!(fix.also[0].contains("cross-origin redirect"));
        let ctx = FixContext {
            credentials: true,
            ..ctx
        };
        let fix = fix_for(&err, &ctx);
        assert_eq!(
            headers(&fix),
            [
                ("Access-Control-Allow-Origin", "null"),
                ("Access-Control-Allow-Credentials", "true")
            ]
        );
    }

    #[test]
    fn wildcard_with_credentials() {
        let r = response(&[
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Credentials", "true"),
        ]);
        let ctx = FixContext {
            credentials: true,
            response: Some(&r),
            ..FixContext::new(ORIGIN, &Method::GET)
        };
        let fix = fix_for(
            &CorsError::WildcardOriginWithCredentials {
                stage: Stage::Response,
            },
            &ctx,
        );
        assert_eq!(
            headers(&fix),
            [("Access-Control-Allow-Origin", ORIGIN), ("Vary", "Origin")]
        );
        assert!(fix.also.iter().any(|a| a.contains("credentials: 'omit'")));
        // Without ACAC: true, that comes too.
        let ctx = FixContext {
            response: None,
            ..ctx
        };
        let fix = fix_for(
            &CorsError::WildcardOriginWithCredentials {
                stage: Stage::Response,
            },
            &ctx,
        );
        assert!(headers(&fix).contains(&("Access-Control-Allow-Credentials", "true")));
    }

    #[test]
    fn allow_credentials_exactly_true() {
        let ctx = FixContext {
            credentials: true,
            ..FixContext::new(ORIGIN, &Method::GET)
        };
        let fix = fix_for(
            &CorsError::InvalidAllowCredentials {
                stage: Stage::Response,
                value: Some("True".into()),
            },
            &ctx,
        );
        assert_eq!(
            headers(&fix),
            [("Access-Control-Allow-Credentials", "true")]
        );
        assert!(fix.summary.contains("not 'True'"));
    }

    #[test]
    fn method_added_to_existing_list() {
        let r = response(&[("Access-Control-Allow-Methods", "GET, post,GET")]);
        let ctx = FixContext {
            response: Some(&r),
            ..FixContext::new(ORIGIN, &Method::PATCH)
        };
        let fix = fix_for(
            &CorsError::MethodNotAllowed {
                method: Method::PATCH,
            },
            &ctx,
        );
        assert_eq!(
            headers(&fix),
            [("Access-Control-Allow-Methods", "GET, post, PATCH")]
        );
        // With credentials `*` is literal: replaced by the method.
        let r = response(&[("Access-Control-Allow-Methods", "*")]);
        let ctx = FixContext {
            response: Some(&r),
            credentials: true,
            ..ctx
        };
        let fix = fix_for(
            &CorsError::MethodNotAllowed {
                method: Method::PATCH,
            },
            &ctx,
        );
        assert_eq!(headers(&fix), [("Access-Control-Allow-Methods", "PATCH")]);
        assert!(fix.summary.contains("'*' does not cover it"));
    }

    #[test]
    fn headers_added_all_at_once() {
        let unsafe_headers = ["content-type".to_owned(), "x-token".to_owned()];
        let r = response(&[("Access-Control-Allow-Headers", "X-Other")]);
        let ctx = FixContext {
            response: Some(&r),
            unsafe_headers: &unsafe_headers,
            ..FixContext::new(ORIGIN, &Method::POST)
        };
        let fix = fix_for(
            &CorsError::HeaderNotAllowed {
                name: HeaderName::from_static("content-type"),
                wildcard_present: false,
            },
            &ctx,
        );
        assert_eq!(
            headers(&fix),
            [(
                "Access-Control-Allow-Headers",
                "X-Other, content-type, x-token"
            )]
        );
        // `*` covers all but Authorization.
        let unsafe_headers = ["authorization".to_owned(), "x-token".to_owned()];
        let r = response(&[("Access-Control-Allow-Headers", "*")]);
        let ctx = FixContext {
            response: Some(&r),
            unsafe_headers: &unsafe_headers,
            ..ctx
        };
        let fix = fix_for(
            &CorsError::HeaderNotAllowed {
                name: http::header::AUTHORIZATION,
                wildcard_present: true,
            },
            &ctx,
        );
        assert_eq!(
            headers(&fix),
            [("Access-Control-Allow-Headers", "*, authorization")]
        );
        assert!(fix.summary.contains("by name"));
    }

    #[test]
    fn invalid_lists_are_rebuilt() {
        let r = response(&[("Access-Control-Allow-Methods", "PUT;DELETE, GET")]);
        let ctx = FixContext {
            response: Some(&r),
            ..FixContext::new(ORIGIN, &Method::PUT)
        };
        let fix = fix_for(
            &CorsError::InvalidAllowMethods {
                value: "PUT;DELETE".into(),
            },
            &ctx,
        );
        assert_eq!(
            headers(&fix),
            [("Access-Control-Allow-Methods", "GET, PUT")]
        );
    }

    #[test]
    fn preflight_status_and_redirect() {
        let ctx = FixContext::new(ORIGIN, &Method::PUT);
        let fix = fix_for(&CorsError::PreflightInvalidStatus { status: 401 }, &ctx);
        assert_eq!(fix.status, Some(204));
        assert!(fix.summary.contains("not 401"));
        let fix = fix_for(
            &CorsError::PreflightDisallowedRedirect { status: 301 },
            &ctx,
        );
        assert_eq!(fix.target, FixTarget::PreflightResponse);
        assert_eq!(fix.status, Some(204));
    }

    #[test]
    fn page_side_failures() {
        let ctx = FixContext::new(ORIGIN, &Method::GET);
        let fix = fix_for(
            &CorsError::DisallowedByMode {
                url: "https://api.example/".into(),
            },
            &ctx,
        );
        assert_eq!(fix.target, FixTarget::Page);
        assert!(fix.set_headers.is_empty());
        let fix = fix_for(&CorsError::BlockedByResourcePolicy, &ctx);
        assert_eq!(
            headers(&fix),
            [("Cross-Origin-Resource-Policy", "cross-origin")]
        );
    }

    #[test]
    fn redirect_stage_targets_the_redirect() {
        let ctx = FixContext::new(ORIGIN, &Method::GET);
        let fix = fix_for(
            &CorsError::MissingAllowOrigin {
                stage: Stage::Redirect,
                status: 302,
            },
            &ctx,
        );
        assert_eq!(fix.target, FixTarget::RedirectResponse);
        assert_eq!(fix.set_headers[0].1, ORIGIN);
    }
}
