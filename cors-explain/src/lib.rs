//! Explaining CORS failures from what was recorded on the wire.
//!
//! This is the library half of the `cors-explain` tool, built on the public API of
//! [`fetch_cors`]. It stays pure: text goes in, report values come out, and the binary
//! (`src/main.rs`) does the reading and printing.
//!
//! 1. Turn a recording into a [`Capture`]: [`har::parse`] reads an HTTP Archive exported from
//!    browser devtools (Chromium, Firefox, WebKit), works out the page's origin, and groups
//!    each fetch with its preflights and redirect hops; [`raw::capture`] builds the same from a
//!    request described by flags and responses given as raw header blocks (`curl -i`).
//! 2. [`explain`] replays every fetch of the capture through [`CorsFetch`](fetch_cors::CorsFetch)
//!    under all four profiles, with the recorded response heads as the server's answers and a
//!    preflight cache per profile shared across the page's fetches, and returns a
//!    [`Report`]: per fetch the decision, what the page could read, and for a failure the
//!    browser's console message, the rule that failed and the smallest fix
//!    ([`fix::fix_for`]), plus where the engines disagree.
//! 3. [`Report::render`] formats it for people; the report serializes to the documented JSON
//!    of `cors-explain --json`.
//!
//! Without a recording, [`message::recognize`] reads a console message someone pasted (any
//! engine's wording) and gives the rule, the fix and the other engines' words for it.
//!
//! ```
//! use cors_explain::{explain, raw};
//! use fetch_cors::Profile;
//!
//! let request = raw::RawRequest::new("https://app.example", "PUT", "https://api.example/x").unwrap();
//! let preflight = raw::parse_blocks("HTTP/2 204\r\naccess-control-allow-origin: https://app.example\r\n\r\n").unwrap();
//! let response = raw::parse_blocks("HTTP/2 200\r\naccess-control-allow-origin: https://app.example\r\n\r\n").unwrap();
//! let capture = raw::capture(&request, &preflight, &response);
//! let report = explain(&capture, &Profile::CHROMIUM);
//! let fetch = &report.fetches[0];
//! assert_eq!(fetch.outcome.status, cors_explain::Status::Blocked);
//! let fix = fetch.failure.as_ref().unwrap().fix.set_headers.clone();
//! assert_eq!(fix, [("Access-Control-Allow-Methods".to_owned(), "PUT".to_owned())]);
//! ```

#![forbid(unsafe_code)]

pub mod fix;
pub mod har;
pub mod message;
pub mod probe;
pub mod raw;
mod replay;
mod report;

/// Every item of `fetch-cors` the tool uses, in one place: the tool sees only the library's
/// public API, and a rename there is an edit here.
mod core {
    pub(crate) use fetch_cors::diagnostics::{
        Api, ConsoleContext, chromium_cors_error, console_message,
    };
    pub(crate) use fetch_cors::header::safelist::is_forbidden_request_header;
    pub(crate) use fetch_cors::{
        Action, Classification, CorsError, CorsFetch, CredentialsMode, Engine, FetchResponse,
        Initiator, Mode, Origin, OutgoingKind, PreflightCache, Profile, Request, ResponseHead,
        ResponseType, Stage, Timestamp, classify_request,
    };
}

use http::{HeaderMap, Method};
use serde::Serialize;
use url::Url;

use crate::core::{Api, CredentialsMode, Engine, Initiator, Mode, Origin, OutgoingKind, Profile};

pub use fix::{Fix, FixContext, FixTarget, expose_fix, fix_for};
pub use replay::explain;
pub use report::{
    Decision, EngineResult, Failure, FetchReport, Frontend, Outcome, Report, Skipped, Status,
    Summary, WireStep,
};

/// What a capture was read from; it changes the report's wording only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Input {
    /// An HTTP Archive exported from browser devtools ([`har::parse`]).
    Har,
    /// A request described by flags and responses as raw header blocks ([`raw::capture`]).
    Raw,
}

/// A request as recorded on the wire: method, URL and header lines as they were sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The URL, serialized by the `url` crate.
    pub url: String,
    /// The header lines, names as recorded.
    pub headers: Vec<(String, String)>,
}

/// A response head as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedResponse {
    /// The status code.
    pub status: u16,
    /// The header lines, names as recorded.
    pub headers: Vec<(String, String)>,
}

impl RecordedResponse {
    /// The first value of the header `name` (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }
}

/// One exchange that belongs to a fetch: a preflight or one hop of the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// Preflight or request.
    pub kind: OutgoingKind,
    /// What was sent.
    pub request: RecordedRequest,
    /// What came back, or `None` when the recording holds no response (the request was
    /// never sent, or was blocked before its response was recorded).
    pub response: Option<RecordedResponse>,
    /// The HAR entry index (0-based), for HAR input.
    pub entry: Option<usize>,
    /// What the browser itself recorded as the failure, if anything (Chromium's `_error`
    /// and `_corsErrorStatus`).
    pub browser_error: Option<String>,
}

/// The element that made a load, for requests not made by script (`fetch()`, XHR,
/// `EventSource` and `sendBeacon` are script's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Element {
    /// `<img>`.
    Image,
    /// `<script>` (classic or module; both are `cors` when they carry `crossorigin`, and a
    /// module script always is).
    Script,
    /// `<link rel=stylesheet>`.
    Stylesheet,
    /// A web font.
    Font,
    /// `<audio>` or `<video>`.
    Media,
}

impl Element {
    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Element::Image => "img",
            Element::Script => "script",
            Element::Stylesheet => "stylesheet",
            Element::Font => "font",
            Element::Media => "audio/video",
        }
    }

    /// The library's initiator for this element with the `crossorigin` attribute given.
    pub fn initiator(self, crossorigin: Option<&str>) -> Initiator<'_> {
        match self {
            Element::Image => Initiator::Image { crossorigin },
            Element::Script => Initiator::Script { crossorigin },
            Element::Stylesheet => Initiator::Stylesheet { crossorigin },
            Element::Font => Initiator::Font,
            Element::Media => Initiator::Video { crossorigin },
        }
    }

    /// What the page gets from a load that succeeded, in words: `readable` is whether the
    /// response was CORS or same-origin (not opaque).
    pub fn what_the_page_gets(self, readable: bool) -> &'static str {
        match (self, readable) {
            (Element::Image, true) => {
                "the image displays, and a canvas that draws it stays readable"
            }
            (Element::Image, false) => {
                "the image displays, but a canvas that draws it is tainted: getImageData and toDataURL throw (add crossorigin and Access-Control-Allow-Origin to read it)"
            }
            (Element::Script, true) => {
                "the script runs, and its errors reach window.onerror in full"
            }
            (Element::Script, false) => {
                "the script runs, but its errors reach window.onerror only as \"Script error.\" (add crossorigin and Access-Control-Allow-Origin for details)"
            }
            (Element::Stylesheet, true) => "the styles apply, and script can read its cssRules",
            (Element::Stylesheet, false) => {
                "the styles apply, but reading its cssRules throws a SecurityError"
            }
            (Element::Font, _) => "the font is used",
            (Element::Media, true) => "it plays, and its data can be read (canvas, Web Audio)",
            (Element::Media, false) => "it plays, but its data cannot be read (canvas, Web Audio)",
        }
    }
}

/// One `fetch()` or XHR as the page made it, with everything recorded for it.
#[derive(Clone, Debug)]
pub struct PageFetch {
    /// The page's origin.
    pub origin: Origin,
    /// The method the page asked for.
    pub method: Method,
    /// The URL the page asked for.
    pub url: Url,
    /// The headers the page set (browser-added headers removed).
    pub headers: HeaderMap,
    /// The request mode.
    pub mode: Mode,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// How the credentials mode was found: `flag`, `default` (raw input without
    /// `--credentials`), `cookie sent`, `no cookie sent` or `unknown` (a request rebuilt
    /// from its preflight).
    pub credentials_source: &'static str,
    /// `fetch()` or XHR (the console wording used).
    pub api: Api,
    /// The element that made the load, when not script.
    pub element: Option<Element>,
    /// When the fetch started, in milliseconds on the recording's clock.
    pub time_ms: Option<i64>,
    /// Preflights and hops, in the order they were sent.
    pub exchanges: Vec<Recorded>,
    /// Whether a preflight the engine wants but the recording lacks is taken to have passed
    /// (HAR input: the browser sent the request, so it had a preflight result; raw input: no,
    /// the user is asked for the preflight response).
    pub assume_missing_preflights_passed: bool,
    /// Remarks made while reading the recording.
    pub notes: Vec<String>,
    /// What the fetch was read from.
    pub input: Input,
}

/// Everything read from one recording.
#[derive(Clone, Debug)]
pub struct Capture {
    /// The page's origin (of the first page, for a HAR with several).
    pub origin: Origin,
    /// Where the origin came from (`pages[0].title`, a flag, ...).
    pub origin_source: String,
    /// The engine that made the recording, when it could be told.
    pub browser: Option<Engine>,
    /// How the engine was recognized (the HAR's creator or browser name).
    pub browser_source: Option<String>,
    /// The fetches, in the order they started.
    pub fetches: Vec<PageFetch>,
    /// Entries that were not replayed, with why.
    pub skipped: Vec<Skipped>,
    /// Entries past [`MAX_HAR_ENTRIES`], not read at all (one line of `skipped` says so).
    pub unread: usize,
    /// Remarks on the recording as a whole (what its exporter leaves out).
    pub notes: Vec<String>,
    /// What the capture was read from.
    pub input: Input,
}

impl Capture {
    /// The profile to explain the capture in when none was chosen: the recording's engine,
    /// else Chromium; with where it came from, in words.
    pub fn default_profile(&self) -> (Profile, &'static str) {
        match self.browser {
            Some(engine) => (
                Profile::ALL
                    .into_iter()
                    .find(|p| p.engine == engine)
                    .unwrap_or(Profile::CHROMIUM),
                "the recording's engine",
            ),
            None => (Profile::CHROMIUM, "default"),
        }
    }
}

/// An error in the input: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl InputError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        InputError {
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub(crate) fn at_line(line: usize, message: impl Into<String>) -> Self {
        InputError {
            line: Some(line),
            column: None,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for InputError {}

/// The most header lines cors-explain reads in one recorded request or response, and the
/// most names it takes from one `Access-Control-Request-Headers` list. A HAR entry past it
/// is skipped with a note; raw input past it is an input error. Real traffic stays far below
/// (Node.js's HTTP server stops reading at 2,000 header lines by default), and the bound
/// keeps the tool clear of `http::HeaderMap`'s own limit, about 24,576 names, where it panics.
pub const MAX_HEADER_LINES: usize = 2_000;

/// The most entries cors-explain reads from one HAR file. The entries past it are not read,
/// and one line under "Not replayed" says how many there were. A 50 MB export holds about
/// 17,000 fetches, so the bound sits well above real captures while keeping the tool's memory
/// (about 13 times the text) within a few gigabytes.
pub const MAX_HAR_ENTRIES: usize = 100_000;

/// The most bytes cors-explain reads from one input file or standard input. Past it the
/// tool stops with an input error (exit 2) rather than read on.
pub const MAX_INPUT_BYTES: u64 = 512 << 20;

pub(crate) fn too_many_headers(what: &str, count: usize) -> String {
    format!(
        "the {what} has {count} header lines, more than the {MAX_HEADER_LINES} cors-explain reads"
    )
}

pub(crate) fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `OutgoingKind` as a lowercase word.
pub(crate) fn kind_name(kind: OutgoingKind) -> &'static str {
    match kind {
        OutgoingKind::Preflight => "preflight",
        OutgoingKind::Request => "request",
        _ => "exchange",
    }
}
