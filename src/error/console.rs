//! The console-message context and the way each engine frames a reason. The reasons
//! themselves are rows of the error table (`table.rs`).

use super::Stage;

/// Which API or element made the request; browsers name the resource kind and add lines of
/// their own for some of them. `Initiator::console_api` gives it for an initiator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Api {
    /// `fetch()`.
    #[default]
    Fetch,
    /// `XMLHttpRequest`.
    Xhr,
    /// `<img>`.
    Image,
    /// A classic `<script>`.
    Script,
    /// `<script type=module>`.
    ModuleScript,
    /// `<link rel=stylesheet>`.
    Stylesheet,
    /// A web font (`@font-face`, `FontFace`).
    Font,
    /// `EventSource`.
    EventSource,
    /// `navigator.sendBeacon()`.
    Beacon,
}

impl Api {
    /// The resource kind Chromium names: "Access to <kind> at ...".
    fn chromium_kind(self) -> &'static str {
        match self {
            Api::Fetch => "fetch",
            Api::Xhr => "XMLHttpRequest",
            Api::Image => "image",
            Api::Script | Api::ModuleScript => "script",
            Api::Stylesheet => "CSS stylesheet",
            Api::Font => "font",
            Api::EventSource | Api::Beacon => "resource",
        }
    }
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
    /// For [`Api::Font`]: the font family the page gave the font (Firefox names it).
    pub font_family: Option<&'a str>,
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
            font_family: None,
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

    /// The same, for a font of the family `family`.
    pub fn with_font_family(mut self, family: &'a str) -> Self {
        self.font_family = Some(family);
        self
    }

    pub(crate) fn request_origin(&self) -> &'a str {
        self.request_origin.unwrap_or(self.origin)
    }

    pub(crate) fn document_url(&self) -> String {
        self.document_url
            .map_or_else(|| format!("{}/", self.origin), str::to_owned)
    }
}

/// Whether the failure concerns a redirect: the error's URL is not the response's, or the
/// context says where it redirected.
pub(crate) fn at_redirect(url: &str, ctx: &ConsoleContext<'_>) -> bool {
    url != ctx.url || ctx.redirect_to.is_some() || ctx.redirected_from.is_some()
}

/// What Chromium prints, before framing.
pub(crate) enum Chromium {
    /// "Access to ... has been blocked by CORS policy: " and the reason.
    Blocked(String),
    /// The same, with "Response to preflight request doesn't pass access control check: ".
    Preflight(String),
    /// A line of its own.
    Line(String),
}

impl Chromium {
    /// The reason of a CORS-check failure, whose prefix depends on the response it concerns.
    pub(crate) fn check(stage: Stage, text: String) -> Chromium {
        match stage {
            Stage::Preflight => Chromium::Preflight(text),
            _ => Chromium::Blocked(text),
        }
    }

    pub(crate) fn render(self, ctx: &ConsoleContext<'_>) -> String {
        let resource = ctx.api.chromium_kind();
        let from = ctx
            .redirected_from
            .map(|u| format!("(redirected from '{u}') "))
            .unwrap_or_default();
        let prefix = format!(
            "Access to {resource} at '{}' {from}from origin '{}' has been blocked by CORS policy: ",
            ctx.url, ctx.origin
        );
        match self {
            Chromium::Blocked(text) => format!("{prefix}{text}"),
            Chromium::Preflight(text) => format!(
                "{prefix}Response to preflight request doesn't pass access control check: {text}"
            ),
            Chromium::Line(text) => text,
        }
    }
}

/// Chromium's hint for XHR after a credentials failure.
pub(crate) fn xhr_hint(ctx: &ConsoleContext<'_>) -> &'static str {
    if ctx.api == Api::Xhr {
        " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute."
    } else {
        ""
    }
}

/// Chromium's closing sentence for a bad `Access-Control-Allow-Origin` value, printed for
/// `fetch()` only (not for XHR, elements or other APIs).
pub(crate) fn valid_value(ctx: &ConsoleContext<'_>) -> &'static str {
    if ctx.api == Api::Fetch {
        " Have the server send the header with a valid value."
    } else {
        ""
    }
}

/// What Firefox prints, before framing.
pub(crate) enum Firefox {
    /// A first line; after a failed preflight or redirect Firefox adds "CORS request did not
    /// succeed".
    First(String),
    /// The whole message.
    Line(String),
}

impl Firefox {
    pub(crate) fn render(self, stage: Option<Stage>, ctx: &ConsoleContext<'_>) -> String {
        match self {
            Firefox::First(first) => {
                let mut text = match stage {
                    Some(Stage::Preflight | Stage::Redirect) => {
                        format!("{first}\n{}", firefox_did_not_succeed(ctx))
                    }
                    _ => first,
                };
                if let Some(line) = firefox_api_line(ctx) {
                    text.push('\n');
                    text.push_str(&line);
                }
                text
            }
            Firefox::Line(text) => text,
        }
    }
}

/// The line the font loader or `EventSource` adds after Firefox's CORS line. The font line
/// needs the family ([`ConsoleContext::font_family`]) and is left out without it; it is
/// worded for a `FontFace` with one source and the default descriptors.
fn firefox_api_line(ctx: &ConsoleContext<'_>) -> Option<String> {
    match ctx.api {
        Api::Font => ctx.font_family.map(|family| {
            format!(
                "downloadable font: download failed (font-family: \"{family}\" style:normal weight:400 stretch:100 src index:0): bad URI or cross-site access not allowed source: {}",
                ctx.url
            )
        }),
        Api::EventSource => Some(format!(
            "Firefox can\u{2019}t establish a connection to the server at {}.",
            ctx.url
        )),
        _ => None,
    }
}

/// Firefox's "(Reason: ...)" line.
pub(crate) fn firefox_blocked(ctx: &ConsoleContext<'_>, reason: &str, tail: &str) -> String {
    format!(
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {}. (Reason: {reason}).{tail}",
        ctx.url
    )
}

/// The line Firefox logs when the channel itself fails (CORSDidNotSucceed2, no status).
pub(crate) fn firefox_did_not_succeed(ctx: &ConsoleContext<'_>) -> String {
    firefox_blocked(ctx, "CORS request did not succeed", " Status code: (null).")
}

/// Firefox's " Status code: N." tail.
pub(crate) fn firefox_status(status: u16) -> String {
    format!(" Status code: {status}.")
}

/// What WebKit prints, before framing.
pub(crate) enum WebKit {
    /// A reason, followed by "<API> cannot load <url> due to access control checks."; on a
    /// redirect response, wrapped in "Cross-origin redirection to ... denied".
    Reason(String),
    /// The whole message.
    Line(String),
}

impl WebKit {
    pub(crate) fn render(self, stage: Option<Stage>, ctx: &ConsoleContext<'_>) -> String {
        match self {
            WebKit::Reason(reason) => {
                let reason = match stage {
                    Some(Stage::Redirect) => {
                        webkit_redirection(ctx.redirect_to.unwrap_or(ctx.url), &reason)
                    }
                    _ => reason,
                };
                match webkit_cannot_load(&reason, ctx) {
                    Some(line) => format!("{reason}\n{line}"),
                    None => reason,
                }
            }
            WebKit::Line(text) => text,
        }
    }
}

/// The line WebKit prints after the reason, by the API that loaded: none for module scripts
/// and stylesheets (and fonts, which WebKit loads `no-cors`).
fn webkit_cannot_load(reason: &str, ctx: &ConsoleContext<'_>) -> Option<String> {
    let url = ctx.url;
    Some(match ctx.api {
        Api::Fetch | Api::Xhr | Api::EventSource => format!(
            "{} cannot load {url} due to access control checks.",
            webkit_api(ctx)
        ),
        // The URL the element was given, also after a redirect.
        Api::Image => format!(
            "Cannot load image {} due to access control checks.",
            ctx.redirected_from.unwrap_or(url)
        ),
        Api::Script => {
            "Cross-origin script load denied by Cross-Origin Resource Sharing policy.".to_owned()
        }
        Api::Beacon => format!("Beacon API cannot load {url}. {reason}"),
        Api::ModuleScript | Api::Stylesheet | Api::Font => return None,
    })
}

/// WebKit's name for the API in "<API> cannot load <url>". Elements and fonts are never in
/// mode `same-origin`, the only other place it is used; they get `Fetch API` there.
pub(crate) fn webkit_api(ctx: &ConsoleContext<'_>) -> &'static str {
    match ctx.api {
        Api::Xhr => "XMLHttpRequest",
        Api::EventSource => "EventSource",
        Api::Beacon => "Beacon API",
        _ => "Fetch API",
    }
}

/// WebKit's " Status code: N" tail, when the status is known.
pub(crate) fn webkit_status(status: Option<u16>) -> String {
    status
        .map(|s| format!(" Status code: {s}"))
        .unwrap_or_default()
}

/// WebKit's origin-mismatch reason.
pub(crate) fn webkit_not_allowed(origin: &str, status: Option<u16>) -> String {
    format!(
        "Origin {origin} is not allowed by Access-Control-Allow-Origin.{}",
        webkit_status(status)
    )
}

/// WebKit's refused-redirect reason.
pub(crate) fn webkit_redirection(to: &str, why: &str) -> String {
    format!(
        "Cross-origin redirection to {to} denied by Cross-Origin Resource Sharing policy: {why}"
    )
}

/// WebKit's reason for a redirect to a non-HTTP(S) or unparsable target.
pub(crate) const WEBKIT_NON_CORS_SCHEME: &str =
    "not allowed to follow a cross-origin CORS redirection with non CORS scheme";

/// `name` as WebKit prints it: the page's own spelling for most names and the canonical one
/// for the names WebKit knows (`Authorization`, `Content-Type`). The error keeps the name
/// lowercased, so this capitalizes each dash-separated word, which is both for names written
/// the usual way.
pub(crate) fn webkit_header_name(name: &str) -> String {
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
pub(crate) fn offending_item(value: &str) -> &str {
    value
        .strip_prefix("list element `")
        .and_then(|v| v.strip_suffix("` is not a token"))
        .unwrap_or(value)
}

/// `url` without its username and password.
pub(crate) fn without_credentials(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => url.to_owned(),
    }
}
