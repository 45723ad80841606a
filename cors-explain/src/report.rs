//! The report of `cors-explain`: plain data that serializes to the `--json` output, and a
//! text rendering for people.

use std::fmt::Write as _;

use serde::Serialize;

use crate::Input;
use crate::fix::Fix;

/// Which path the fetch took.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// A same-origin request: no CORS check.
    SameOrigin,
    /// Mode `no-cors`: an opaque response, no CORS check.
    NoCors,
    /// A CORS request without a preflight (safelisted method and headers).
    Simple,
    /// A CORS request that needed a preflight, and sent one.
    Preflighted,
    /// A CORS request that needed a preflight, answered from the preflight cache.
    PreflightCacheHit,
    /// Nothing was sent: the request failed before any network activity.
    NotSent,
}

impl Decision {
    /// The kebab-case name used in the JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Decision::SameOrigin => "same-origin",
            Decision::NoCors => "no-cors",
            Decision::Simple => "simple",
            Decision::Preflighted => "preflighted",
            Decision::PreflightCacheHit => "preflight-cache-hit",
            Decision::NotSent => "not-sent",
        }
    }
}

/// How a fetch ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The fetch succeeded (the response may still be opaque).
    Pass,
    /// The fetch ended in a network error: CORS (or a related check) blocked it.
    Blocked,
    /// The recording does not hold what the replay needs to finish.
    Incomplete,
    /// The request is one a page cannot make.
    Invalid,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Blocked => "blocked",
            Status::Incomplete => "incomplete",
            Status::Invalid => "invalid",
        }
    }
}

/// An entry that was not replayed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The HAR entry index (0-based).
    pub entry: Option<usize>,
    /// Its method.
    pub method: String,
    /// Its URL.
    pub url: String,
    /// Why it was not replayed.
    pub reason: String,
}

/// One request the engine sent during the replay, with the answer it got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WireStep {
    /// `preflight` or `request`.
    pub kind: &'static str,
    /// The method sent.
    pub method: String,
    /// The URL sent to.
    pub url: String,
    /// The `Origin` header sent, if any.
    pub origin: Option<String>,
    /// The preflight's `Access-Control-Request-Method`.
    pub request_method: Option<String>,
    /// The preflight's `Access-Control-Request-Headers`.
    pub request_headers: Option<String>,
    /// Whether cookies would go with it.
    pub credentials: bool,
    /// 0 for the first URL, 1 after the first redirect, ...
    pub hop: usize,
    /// The status of the response used, if there was one.
    pub status: Option<u16>,
    /// `recording` (the recorded or given response), `assumed` (a preflight not in the
    /// recording, taken to have passed) or `cached` (in a fix check, a preflight the first
    /// replay answered from its cache).
    pub source: &'static str,
    /// The HAR entry used.
    pub entry: Option<usize>,
}

/// What the page got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// Pass, blocked, incomplete or invalid.
    pub status: Status,
    /// `Response.type` on success: `basic`, `cors`, `opaque`, `opaqueredirect`.
    pub response_type: Option<&'static str>,
    /// `Response.status` on success (0 for opaque responses).
    pub http_status: Option<u16>,
    /// `Response.url` on success.
    pub final_url: Option<String>,
    /// `Response.redirected`.
    pub redirected: bool,
    /// The response header names script can read, lowercase, sorted.
    pub readable_headers: Vec<String>,
    /// Headers of a passing CORS response that the page cannot read (not safelisted, not
    /// exposed), lowercase; CORS, hop-by-hop and forbidden response headers are left out.
    pub unreadable_headers: Vec<String>,
    /// The change that would let the page read [`Outcome::unreadable_headers`].
    pub expose_fix: Option<Fix>,
    /// Why the replay is incomplete or the request invalid.
    pub reason: Option<String>,
}

/// Why a fetch was blocked, in the browser's words and the standard's, and the fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The `CorsError` variant, e.g. `MethodNotAllowed`.
    pub error: String,
    /// The rule that failed, in words (the error's `Display`).
    pub rule: String,
    /// The Fetch Standard anchor of the failed step.
    pub spec: &'static str,
    /// `server`, `request` or `network`: who has to change something.
    pub blame: &'static str,
    /// `preflight`, `redirect` or `response`, for CORS-check failures.
    pub stage: Option<&'static str>,
    /// The engine whose console message follows.
    pub console_engine: &'static str,
    /// The console message that engine prints.
    pub console: String,
    /// Chromium's `CorsError` name (what its devtools show in the Issues panel).
    pub chromium_cors_error: Option<&'static str>,
    /// The smallest change that makes this check pass.
    pub fix: Fix,
    /// Changes for the checks that fail once `fix` is made (found by replaying with it).
    pub further_fixes: Vec<Fix>,
    /// Whether replaying with all the fixes applied passes.
    pub fix_verified: bool,
    /// How the fix was checked, in words.
    pub fix_check: String,
}

/// One profile's result for a fetch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EngineResult {
    /// `spec`, `chromium`, `firefox` or `webkit`.
    pub engine: &'static str,
    /// The path the fetch took under this profile.
    pub decision: Decision,
    /// How it ended.
    pub status: Status,
    /// The `CorsError` variant when blocked.
    pub error: Option<String>,
    /// The failed rule in words, or why the replay is incomplete.
    pub rule: Option<String>,
    /// This engine's console message when blocked.
    pub console: Option<String>,
    /// Readable response header names when it passed.
    pub readable_headers: Vec<String>,
}

/// Everything about one fetch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FetchReport {
    /// 1-based position in the report.
    pub index: usize,
    /// The HAR entries it was built from (0-based).
    pub entries: Vec<usize>,
    /// The method the page used.
    pub method: String,
    /// The URL the page fetched.
    pub url: String,
    /// The page's origin.
    pub page_origin: String,
    /// The request mode.
    pub mode: &'static str,
    /// The credentials mode.
    pub credentials: &'static str,
    /// How the credentials mode was found.
    pub credentials_source: &'static str,
    /// The headers the page set, as `name: value`.
    pub request_headers: Vec<String>,
    /// The element that made the load (`img`, `script`, `stylesheet`, `font`,
    /// `audio/video`), or `None` for `fetch()`, XHR and other script requests.
    pub element: Option<&'static str>,
    /// For an element's load that succeeded: what the page gets from it, in words.
    pub page_gets: Option<String>,
    /// The path the fetch took under the chosen profile.
    pub decision: Decision,
    /// Why, in words.
    pub decision_reason: String,
    /// What the engine sent, in order, with the status it got.
    pub wire: Vec<WireStep>,
    /// What the page got.
    pub outcome: Outcome,
    /// Why it was blocked and how to fix it.
    pub failure: Option<Failure>,
    /// Raw input without `--credentials` whose server allows credentials: why the same
    /// request is blocked when the page sends credentials (`None` when it is not).
    pub with_credentials: Option<Failure>,
    /// What the browser itself recorded as the error (Chromium's `_error`, `_corsErrorStatus`).
    pub browser_recorded: Option<String>,
    /// The result under each of the four profiles.
    pub engines: Vec<EngineResult>,
    /// Whether Chromium, Firefox and WebKit disagree (decision, status or error).
    pub engines_differ: bool,
    /// Remarks.
    pub notes: Vec<String>,
}

/// Counts over the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Fetches replayed.
    pub fetches: usize,
    /// Of which passed.
    pub passed: usize,
    /// Of which were blocked.
    pub blocked: usize,
    /// Of which could not be replayed to the end (or were invalid requests).
    pub incomplete: usize,
    /// Of which the three engines disagree on.
    pub engines_differ: usize,
    /// Entries not replayed.
    pub skipped: usize,
}

/// The whole report. Its JSON form is `cors-explain --json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Always `cors-explain`.
    pub tool: &'static str,
    /// The JSON schema version, 1.
    pub schema_version: u32,
    /// `har` or `raw`.
    pub input: Input,
    /// The page's origin.
    pub page_origin: String,
    /// Where the origin came from.
    pub origin_source: String,
    /// The profile the report speaks for.
    pub profile: &'static str,
    /// How the profile was chosen (set by the caller).
    pub profile_source: String,
    /// The engine that made the recording, if it could be told.
    pub recorded_by: Option<&'static str>,
    /// How that engine was recognized.
    pub recorded_by_source: Option<String>,
    /// One report per fetch, in start order.
    pub fetches: Vec<FetchReport>,
    /// Entries not replayed.
    pub skipped: Vec<Skipped>,
    /// Remarks on the recording as a whole (what its exporter leaves out).
    pub notes: Vec<String>,
    /// Counts.
    pub summary: Summary,
}

/// The front end a text report is written for: it changes only the advice that names a way
/// to give the tool more input (the command's flags, or the web page's fields).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Frontend {
    /// The `cors-explain` command: advice names its flags (`--origin`, `--credentials`, ...).
    #[default]
    Cli,
    /// The web page of `cors-explain-web`: advice names the page's fields and choices.
    Web,
}

/// The command's flags and, for each kind of input, the web page's control that gives the
/// same thing; the longest phrases come first so that the shorter ones do not cut them.
const WEB_PHRASES: &[(&str, &str, &str)] = &[
    // (the command's words, on the HAR tab, on the `curl -i` output tab)
    (
        "pass it to `cors-explain raw ... --preflight-response`",
        "paste it into \"The preflight's answer\" on the `curl -i` output tab",
        "paste it into \"The preflight's answer\"",
    ),
    (
        "pass what `curl -i` prints for it with --response",
        "paste what `curl -i` prints for it into \"The response\" on the `curl -i` output tab",
        "paste what `curl -i` prints for it into \"The response\"",
    ),
    (
        "pass it with --preflight-response",
        "paste it into \"The preflight's answer\" on the `curl -i` output tab",
        "paste it into \"The preflight's answer\"",
    ),
    (
        "no --preflight-response answers it",
        "no preflight answer was pasted for it",
        "nothing in \"The preflight's answer\" answers it",
    ),
    (
        "--preflight-response block(s)",
        "block(s) of \"The preflight's answer\"",
        "block(s) of \"The preflight's answer\"",
    ),
    (
        "--response has no block",
        "\"The response\" has no block",
        "\"The response\" has no block",
    ),
    (
        "--header flags",
        "lines in \"Headers the page sets\"",
        "lines in \"Headers the page sets\"",
    ),
    (
        "pass --origin",
        "type it into \"Page origin, if the file does not tell\"",
        "fill in \"Page origin\"",
    ),
    (
        "--preflight-response",
        "\"The preflight's answer\" on the `curl -i` output tab",
        "\"The preflight's answer\"",
    ),
    (
        "--response",
        "\"The response\" on the `curl -i` output tab",
        "\"The response\"",
    ),
    (
        "--origin",
        "\"Page origin, if the file does not tell\"",
        "\"Page origin\"",
    ),
    (
        "--credentials",
        "\"Credentials of every fetch\"",
        "\"Credentials\"",
    ),
    ("--profile", "\"Explain as\"", "\"Explain as\""),
    ("--url", "\"URL fetched\"", "\"URL fetched\""),
    ("--method", "\"Method\"", "\"Method\""),
    (
        "--header",
        "\"Headers the page sets\"",
        "\"Headers the page sets\"",
    ),
    ("--mode", "\"Mode\"", "\"Mode\""),
    ("--api", "\"API\"", "\"API\""),
];

impl Frontend {
    /// `text` (advice or an error from the analysis of `input`) in this front end's words:
    /// unchanged for [`Frontend::Cli`]; for [`Frontend::Web`], each flag of the command and
    /// the phrases around it name the page's own control instead.
    pub fn words(self, input: Input, text: &str) -> String {
        match self {
            Frontend::Cli => text.to_owned(),
            Frontend::Web => {
                if !text.contains("--") {
                    return text.to_owned();
                }
                let mut out = text.to_owned();
                for (flag, har, raw) in WEB_PHRASES {
                    if out.contains(flag) {
                        let page = if input == Input::Raw { raw } else { har };
                        out = out.replace(flag, page);
                    }
                }
                out
            }
        }
    }
}

struct Style {
    color: bool,
    frontend: Frontend,
    input: Input,
}

impl Style {
    /// Text from the analysis (a note, a reason, advice) in the front end's words.
    fn words(&self, text: &str) -> String {
        self.frontend.words(self.input, text)
    }
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    fn red(&self, t: &str) -> String {
        self.paint("1;31", t)
    }
    fn green(&self, t: &str) -> String {
        self.paint("1;32", t)
    }
    fn yellow(&self, t: &str) -> String {
        self.paint("1;33", t)
    }
    fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    fn status(&self, s: Status) -> String {
        match s {
            Status::Pass => self.green("PASS"),
            Status::Blocked => self.red("BLOCKED"),
            Status::Incomplete => self.yellow("INCOMPLETE"),
            Status::Invalid => self.yellow("INVALID"),
        }
    }
}

const INDENT: &str = "             ";

fn label(out: &mut String, style: &Style, name: &str, text: &str) {
    let _ = writeln!(out, "   {} {text}", style.dim(&format!("{name:<9}")));
}

fn wire_line(w: &WireStep, input: Input) -> String {
    let mut extra = Vec::new();
    match &w.origin {
        Some(o) => extra.push(format!("Origin: {o}")),
        None => extra.push("no Origin".to_owned()),
    }
    if let Some(m) = &w.request_method {
        extra.push(format!("Access-Control-Request-Method: {m}"));
    }
    if let Some(h) = &w.request_headers {
        extra.push(format!("Access-Control-Request-Headers: {h}"));
    }
    if w.credentials {
        extra.push("with cookies".to_owned());
    }
    let answer = match (w.status, w.source) {
        (Some(s), "assumed") => format!("-> {s} (not in the recording; assumed to pass)"),
        (Some(s), _) => format!("-> {s}"),
        (None, _) if input == Input::Raw => "-> (no response given)".to_owned(),
        (None, _) => "-> (no response recorded)".to_owned(),
    };
    format!("{} {}  [{}] {answer}", w.method, w.url, extra.join(", "))
}

/// The lines of a failure: the rule, the console message, the spec step and the fixes.
fn render_failure(out: &mut String, style: &Style, head: &str, status: Status, fail: &Failure) {
    label(
        out,
        style,
        head,
        &format!("{} {}", style.status(status), fail.rule),
    );
    let mut lines = fail.console.lines();
    label(
        out,
        style,
        "console",
        &format!(
            "{} {}",
            style.dim(&format!("({})", fail.console_engine)),
            lines.next().unwrap_or("")
        ),
    );
    for more in lines {
        let _ = writeln!(out, "{INDENT}{more}");
    }
    let network_line = match fail.console_engine {
        // Chromium's own line for this failure is its network line (`GET <url> net::…`).
        "chromium" if fail.console.contains(" net::ERR_") => None,
        // Recorded (tests/data/exports) for the CORS checks of a preflight or a response.
        "chromium" if fail.stage.is_some() => Some("`Failed to load resource: net::ERR_FAILED`"),
        "chromium" | "webkit" => Some("`Failed to load resource: …`"),
        _ => None,
    };
    if let Some(line) = network_line {
        let _ = writeln!(
            out,
            "{INDENT}{}",
            style.dim(&format!(
                "(not shown: the console's network line for this load, {line}, which repeats the failure)"
            ))
        );
    }
    label(
        out,
        style,
        "rule",
        &format!(
            "{} {} (to change: the {})",
            fail.error, fail.spec, fail.blame
        ),
    );
    for (i, fix) in std::iter::once(&fail.fix)
        .chain(&fail.further_fixes)
        .enumerate()
    {
        render_fix(out, style, if i == 0 { "fix" } else { "then" }, fix);
    }
    let _ = writeln!(
        out,
        "{INDENT}{}",
        style.dim(&format!("[{}]", style.words(&fail.fix_check)))
    );
}

/// One fix: where it goes (and for which server), then the status and headers to send.
fn render_fix(out: &mut String, style: &Style, name: &str, fix: &Fix) {
    let whom = match &fix.server {
        Some(server) => format!("on {} from {server}", fix.target.describe()),
        None => format!("on {}", fix.target.describe()),
    };
    label(out, style, name, &format!("{whom}: {}", fix.summary));
    if let Some(s) = fix.status {
        let _ = writeln!(out, "{INDENT}  {}", style.green(&format!("status {s}")));
    }
    for (n, v) in &fix.set_headers {
        let _ = writeln!(out, "{INDENT}  {}", style.green(&format!("{n}: {v}")));
    }
    for a in &fix.also {
        let _ = writeln!(
            out,
            "{INDENT}{}",
            style.dim(&format!("({})", style.words(a)))
        );
    }
}

impl Report {
    /// Rewords the advice in the report's free text (notes, reasons, how the origin was
    /// found, fix remarks) for `frontend`, as [`Report::render_for`] does for the text: a
    /// front end that shows the JSON itself (the web page's cards) names its own controls.
    /// Nothing changes for [`Frontend::Cli`], nor in the analysis itself.
    pub fn reword_for(&mut self, frontend: Frontend) {
        if frontend == Frontend::Cli {
            return;
        }
        let input = self.input;
        let w = |s: &mut String| *s = frontend.words(input, s);
        let fix = |f: &mut Fix| f.also.iter_mut().for_each(w);
        let failure = |f: &mut Failure| {
            w(&mut f.fix_check);
            fix(&mut f.fix);
            f.further_fixes.iter_mut().for_each(fix);
        };
        w(&mut self.origin_source);
        w(&mut self.profile_source);
        self.notes.iter_mut().for_each(w);
        self.skipped.iter_mut().for_each(|s| w(&mut s.reason));
        for f in &mut self.fetches {
            w(&mut f.decision_reason);
            f.page_gets.iter_mut().for_each(w);
            f.outcome.reason.iter_mut().for_each(w);
            f.outcome.expose_fix.iter_mut().for_each(fix);
            f.failure.iter_mut().for_each(failure);
            f.with_credentials.iter_mut().for_each(failure);
            f.engines
                .iter_mut()
                .for_each(|e| e.rule.iter_mut().for_each(w));
            f.notes.iter_mut().for_each(w);
        }
    }

    /// The report as text for a terminal; `color` adds ANSI colours.
    pub fn render(&self, color: bool) -> String {
        self.render_for(color, Frontend::Cli)
    }

    /// The report as text for `frontend`: [`Report::render`] is this for the command; for
    /// the web page the advice names the page's controls rather than the command's flags.
    pub fn render_for(&self, color: bool, frontend: Frontend) -> String {
        let style = Style {
            color,
            frontend,
            input: self.input,
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} {} (from {})",
            style.bold("Page origin:"),
            self.page_origin,
            style.words(&self.origin_source)
        );
        let recorded = match (&self.recorded_by, &self.recorded_by_source) {
            (Some(e), Some(src)) => format!("recorded by {e} (from {src}); "),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "{} {recorded}explained as {}{}",
            style.bold("Browser:"),
            self.profile,
            if self.profile_source.is_empty() {
                String::new()
            } else {
                format!(" ({})", style.words(&self.profile_source))
            }
        );
        let s = &self.summary;
        let _ = write!(
            out,
            "{} {} fetch(es): {} pass, {} blocked, {} incomplete; engines differ on {}",
            style.bold("Summary:"),
            s.fetches,
            s.passed,
            s.blocked,
            s.incomplete,
            s.engines_differ,
        );
        if self.input == Input::Har {
            let _ = write!(
                out,
                "; {} entr{} not replayed",
                s.skipped,
                if s.skipped == 1 { "y" } else { "ies" }
            );
        }
        out.push('\n');
        for n in &self.notes {
            label(&mut out, &style, "note", &style.words(n));
        }
        for f in &self.fetches {
            out.push('\n');
            let entries = match f.entries.as_slice() {
                [] => String::new(),
                [one] => format!("  {}", style.dim(&format!("[entry {one}]"))),
                many => format!(
                    "  {}",
                    style.dim(&format!(
                        "[entries {}]",
                        many.iter()
                            .map(usize::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                ),
            };
            let by = f
                .element
                .map(|e| format!("  {}", style.dim(&format!("(element load: {e})"))))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{} {}{by}{entries}",
                style.bold(&format!("#{} {}", f.index, f.method)),
                style.bold(&f.url)
            );
            let source = match f.credentials_source {
                "flag" => style.words("from --credentials"),
                "default" => style.words("the default of fetch(); --credentials to change it"),
                "cookie sent" => "a cookie was sent".to_owned(),
                "no cookie sent" => "assumed: no cookie was sent".to_owned(),
                other => other.to_owned(),
            };
            let mut req = format!("mode {}, credentials {} ({source})", f.mode, f.credentials);
            if !f.request_headers.is_empty() {
                let _ = write!(req, "; headers: {}", f.request_headers.join(", "));
            }
            label(&mut out, &style, "request", &req);
            label(
                &mut out,
                &style,
                "decision",
                &format!("{}: {}", f.decision.name(), style.words(&f.decision_reason)),
            );
            for (i, w) in f.wire.iter().enumerate() {
                label(
                    &mut out,
                    &style,
                    if i == 0 { "wire" } else { "" },
                    &wire_line(w, self.input),
                );
            }
            match f.outcome.status {
                Status::Pass => {
                    let o = &f.outcome;
                    let what = format!(
                        "{} {} response, status {}{}",
                        style.status(Status::Pass),
                        o.response_type.unwrap_or("?"),
                        o.http_status.unwrap_or(0),
                        if o.redirected { ", redirected" } else { "" }
                    );
                    label(&mut out, &style, "result", &what);
                    let readable = if o.response_type == Some("opaque") {
                        "the page can read nothing (opaque response)".to_owned()
                    } else if o.readable_headers.is_empty() {
                        "the page can read the body, and no response headers".to_owned()
                    } else {
                        format!(
                            "the page can read the body and the headers {}",
                            o.readable_headers.join(", ")
                        )
                    };
                    let _ = writeln!(out, "{INDENT}{readable}");
                    if let Some(gets) = &f.page_gets {
                        let _ = writeln!(out, "{INDENT}{}", style.words(gets));
                    }
                    if let Some(fix) = &o.expose_fix {
                        let _ =
                            writeln!(out, "{INDENT}but not {}", o.unreadable_headers.join(", "));
                        render_fix(&mut out, &style, "to read", fix);
                    }
                }
                status => {
                    if let Some(fail) = &f.failure {
                        render_failure(&mut out, &style, "result", status, fail);
                    } else {
                        label(
                            &mut out,
                            &style,
                            "result",
                            &format!(
                                "{} {}",
                                style.status(status),
                                style.words(f.outcome.reason.as_deref().unwrap_or(""))
                            ),
                        );
                    }
                }
            }
            if let Some(fail) = &f.with_credentials {
                label(
                    &mut out,
                    &style,
                    "if creds",
                    &format!(
                        "{} with credentials (fetch's credentials: 'include', XHR's withCredentials) the browser blocks it:",
                        style.yellow("BUT")
                    ),
                );
                render_failure(&mut out, &style, "", Status::Blocked, fail);
            }
            if let Some(b) = &f.browser_recorded {
                label(
                    &mut out,
                    &style,
                    "browser",
                    &format!("recorded the error {b}"),
                );
            }
            let engines: Vec<String> = f
                .engines
                .iter()
                .map(|e| {
                    let mut s = format!("{} {}", e.engine, e.status.word());
                    if let Some(err) = &e.error {
                        let _ = write!(s, " ({err})");
                    } else if e.decision != f.decision {
                        let _ = write!(s, " ({})", e.decision.name());
                    }
                    s
                })
                .collect();
            if f.engines_differ {
                label(
                    &mut out,
                    &style,
                    "engines",
                    &format!("{} {}", style.yellow("DIFFER:"), engines.join("; ")),
                );
                for e in f.engines.iter().filter(|e| e.engine != "spec") {
                    let detail = match (&e.console, &e.rule) {
                        (Some(c), _) => c.lines().next().unwrap_or("").to_owned(),
                        (None, Some(r)) => r.clone(),
                        (None, None) => format!(
                            "{} ({}), readable: {}",
                            e.status.word(),
                            e.decision.name(),
                            if e.readable_headers.is_empty() {
                                "no headers".to_owned()
                            } else {
                                e.readable_headers.join(", ")
                            }
                        ),
                    };
                    let _ = writeln!(out, "{INDENT}{}: {detail}", e.engine);
                }
            } else {
                label(&mut out, &style, "engines", &engines.join("; "));
            }
            for n in &f.notes {
                label(&mut out, &style, "note", &style.words(n));
            }
        }
        if !self.skipped.is_empty() {
            let _ = writeln!(out, "\n{}", style.bold("Not replayed:"));
            for s in &self.skipped {
                let entry = s.entry.map(|e| format!("entry {e}: ")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "   {}{} {}  {}",
                    entry,
                    s.method,
                    s.url,
                    style.dim(&format!("({})", style.words(&s.reason)))
                );
            }
        }
        out
    }
}
