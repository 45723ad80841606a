//! Recognizing a console message someone pasted: which rule failed, the fix, and how the
//! other engines word it.
//!
//! Nothing here is a hand-written pattern. Every [`CorsError`] variant is rendered by
//! [`console_message`] for every engine and API, in contexts with and without a redirect,
//! a request origin and a status, with distinctive placeholders as the URL, the origin and
//! the error's values. Each rendering becomes a template: the literal text, with holes where
//! the placeholders were. A pasted text is matched against all templates (anywhere in the
//! paste, ASCII case-insensitively, whitespace and curly quotes normalized, the lines of a
//! multi-line message joined or not); the template matching the most literal text wins, and
//! the holes give the values to rebuild the error with.
//!
//! ```
//! use cors_explain::message::recognize;
//!
//! let text = "Access to fetch at 'https://api.example/x' from origin 'https://app.example' \
//!             has been blocked by CORS policy: Method PUT is not allowed by \
//!             Access-Control-Allow-Methods in preflight response.";
//! let found = recognize(text).unwrap();
//! assert_eq!(found.engine, "chromium");
//! assert_eq!(found.error, "MethodNotAllowed");
//! assert_eq!(found.fix.set_headers, [("Access-Control-Allow-Methods".to_owned(), "PUT".to_owned())]);
//! ```

use std::collections::BTreeMap;
use std::sync::OnceLock;

use http::{HeaderName, Method};
use serde::Serialize;

use crate::core::{
    Api, ConsoleContext, CorsError, Engine, Stage, chromium_cors_error, console_message,
};
use crate::fix::{Fix, FixContext, fix_for};

/// The start of the network line Chromium and WebKit log beside a CORS message, lowercase.
const NETWORK_LINE: &str = "failed to load resource";

/// The most bytes of pasted text looked at.
pub const MAX_INPUT: usize = 64 * 1024;

/// What a hole in a template stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Field {
    Url,
    From,
    To,
    Origin,
    RequestOrigin,
    Document,
    Status,
    ErrStatus,
    ErrUrl,
    ErrOrigin,
    CredUrl,
    CredUrlStripped,
    Location,
    Method,
    Header,
    Scheme,
    Value,
    Reason,
}

/// How much text a hole may take.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// No whitespace, at least one character.
    Token,
    /// Digits.
    Digits,
    /// Anything on one line, possibly empty.
    Text,
}

impl Field {
    /// The placeholder rendered for the field; all distinct, none inside another.
    fn placeholder(self) -> &'static str {
        match self {
            Field::Url => "https://zqurl.invalid/zq",
            Field::From => "https://zqfrom.invalid/zq",
            Field::To => "https://zqto.invalid/zq",
            Field::Origin => "https://zqorigin.invalid",
            Field::RequestOrigin => "https://zqreqorigin.invalid",
            Field::Document => "https://zqdoc.invalid/zq",
            Field::Status => "477",
            Field::ErrStatus => "466",
            Field::ErrUrl => "https://zqerrurl.invalid/zq",
            Field::ErrOrigin => "https://zqerrorigin.invalid",
            Field::CredUrl => "https://zquser:zqpass@zqcred.invalid/zq",
            Field::CredUrlStripped => "https://zqcred.invalid/zq",
            Field::Location => "zqlocation",
            Field::Method => "ZQMETHOD",
            Field::Header => "x-zqheader",
            Field::Scheme => "zqscheme",
            Field::Value => "zqvalue",
            Field::Reason => "zqreason",
        }
    }

    fn kind(self) -> Kind {
        match self {
            Field::Status | Field::ErrStatus => Kind::Digits,
            Field::Value | Field::Reason => Kind::Text,
            _ => Kind::Token,
        }
    }

    /// The key in the JSON output.
    fn name(self) -> &'static str {
        match self {
            Field::Url => "url",
            Field::From => "redirected_from",
            Field::To => "redirect_to",
            Field::Origin => "origin",
            Field::RequestOrigin => "request_origin",
            Field::Document => "document_url",
            Field::Status => "status",
            Field::ErrStatus => "status",
            Field::ErrUrl => "url",
            Field::ErrOrigin => "request_origin",
            Field::CredUrl => "location_with_credentials",
            Field::CredUrlStripped => "location",
            Field::Location => "location",
            Field::Method => "method",
            Field::Header => "header",
            Field::Scheme => "scheme",
            Field::Value => "value",
            Field::Reason => "reason",
        }
    }

    const ALL: [Field; 18] = [
        Field::Url,
        Field::From,
        Field::To,
        Field::Origin,
        Field::RequestOrigin,
        Field::Document,
        Field::Status,
        Field::ErrStatus,
        Field::ErrUrl,
        Field::ErrOrigin,
        Field::CredUrl,
        Field::CredUrlStripped,
        Field::Location,
        Field::Method,
        Field::Header,
        Field::Scheme,
        Field::Value,
        Field::Reason,
    ];
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Seg {
    Lit(Vec<u8>),
    Hole(Field),
}

/// The context a template was rendered in, so that a rebuilt context keeps its shape.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
struct Shape {
    from: bool,
    to: bool,
    request_origin: bool,
    status: bool,
}

struct Template {
    engine: Engine,
    api: Api,
    error: CorsError,
    shape: Shape,
    /// One pattern per console line.
    lines: Vec<Vec<Seg>>,
    /// All lines joined by a space.
    full: Vec<Seg>,
}

/// One representative value of every variant (of every stage for the CORS-check ones),
/// with placeholders as values. A new variant without a line here is not recognized; the
/// test `every_variant_has_a_template` names it.
fn representatives() -> Vec<CorsError> {
    let p = Field::placeholder;
    let status = || p(Field::ErrStatus).parse::<u16>().unwrap_or(466);
    let method = || Method::from_bytes(p(Field::Method).as_bytes()).unwrap_or(Method::PATCH);
    let header = || HeaderName::from_static("x-zqheader");
    let mut all = vec![
        CorsError::DisallowedByMode {
            url: p(Field::Url).into(),
        },
        CorsError::DisallowedByMode {
            url: p(Field::ErrUrl).into(),
        },
        CorsError::NoCorsRedirectModeNotFollow,
        CorsError::NoCorsMethodNotSafelisted { method: method() },
        CorsError::NoCorsHeaderNotSafelisted { name: header() },
        CorsError::SchemeNotSupported {
            scheme: p(Field::Scheme).into(),
        },
    ];
    // Most common first: among messages an engine words alike, the first is the guess.
    for stage in [Stage::Response, Stage::Preflight, Stage::Redirect] {
        all.extend([
            CorsError::MissingAllowOrigin {
                stage,
                status: status(),
            },
            CorsError::AllowOriginMismatch {
                stage,
                value: p(Field::Value).into(),
                origin: p(Field::ErrOrigin).into(),
            },
            CorsError::InvalidAllowOriginValue {
                stage,
                value: p(Field::Value).into(),
            },
            CorsError::MultipleAllowOriginValues {
                stage,
                value: p(Field::Value).into(),
            },
            CorsError::WildcardOriginWithCredentials { stage },
            CorsError::InvalidAllowCredentials { stage, value: None },
            CorsError::InvalidAllowCredentials {
                stage,
                value: Some(p(Field::Value).into()),
            },
        ]);
    }
    all.extend([
        CorsError::PreflightInvalidStatus { status: status() },
        CorsError::PreflightDisallowedRedirect { status: status() },
        CorsError::InvalidAllowMethods {
            value: p(Field::Value).into(),
        },
        CorsError::InvalidAllowHeaders {
            value: p(Field::Value).into(),
        },
        CorsError::MethodNotAllowed { method: method() },
        CorsError::HeaderNotAllowed {
            name: header(),
            wildcard_present: false,
        },
        CorsError::RedirectModeError,
        CorsError::TooManyRedirects,
        CorsError::RedirectContainsCredentials {
            url: p(Field::CredUrl).into(),
        },
        CorsError::RedirectSchemeNotHttp {
            url: p(Field::Location).into(),
        },
        CorsError::InvalidLocation {
            value: p(Field::Location).into(),
        },
        CorsError::BlockedByResourcePolicy,
        CorsError::NetworkFailure,
        CorsError::InvalidRequest {
            reason: p(Field::Reason).into(),
        },
    ]);
    all
}

/// The `CorsError` variant's name, e.g. `MethodNotAllowed`.
pub fn variant_name(error: &CorsError) -> String {
    let debug = format!("{error:?}");
    debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Curly quotes made straight, whitespace runs made one space (or one line break when the
/// run holds one), and the ends trimmed.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space: Option<char> = None;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c => c,
        };
        if c.is_whitespace() {
            if c == '\n' || space.is_none() {
                space = Some(if c == '\n' { '\n' } else { ' ' });
            }
            continue;
        }
        if let Some(s) = space.take() {
            if !out.is_empty() {
                out.push(s);
            }
        }
        out.push(c);
    }
    out
}

/// The first `needle` in `hay` at or after `from`, ASCII case-insensitively, a space in
/// `needle` matching a line break too.
fn find_ci(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = needle.first()?;
    let mut at = from;
    while at + needle.len() <= hay.len() {
        let p = hay[at..]
            .iter()
            .position(|b| b.eq_ignore_ascii_case(first) || (*first == b' ' && *b == b'\n'))?;
        let p = at + p;
        if lit_at(hay, p, needle) {
            return Some(p);
        }
        at = p + 1;
    }
    None
}

/// A rendered line as segments.
fn segments(line: &str) -> Vec<Seg> {
    let bytes = line.as_bytes();
    let mut segs = Vec::new();
    let mut lit = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // The longest placeholder starting here (they all start with one of these).
        let maybe = matches!(bytes[i].to_ascii_lowercase(), b'h' | b'4' | b'z' | b'x');
        let hit = Field::ALL
            .iter()
            .filter(|_| maybe)
            .filter(|f| {
                let p = f.placeholder().as_bytes();
                bytes.len() - i >= p.len() && bytes[i..i + p.len()].eq_ignore_ascii_case(p)
            })
            .max_by_key(|f| f.placeholder().len());
        match hit {
            Some(f) => {
                if !lit.is_empty() {
                    segs.push(Seg::Lit(std::mem::take(&mut lit)));
                }
                segs.push(Seg::Hole(*f));
                i += f.placeholder().len();
            }
            None => {
                lit.push(bytes[i]);
                i += 1;
            }
        }
    }
    if !lit.is_empty() {
        segs.push(Seg::Lit(lit));
    }
    segs
}

fn join(lines: &[Vec<Seg>]) -> Vec<Seg> {
    let mut out: Vec<Seg> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let mut line = line.clone();
        if i > 0 {
            line.insert(0, Seg::Lit(b" ".to_vec()));
        }
        for seg in line {
            match (out.last_mut(), seg) {
                (Some(Seg::Lit(a)), Seg::Lit(b)) => a.extend(b),
                (_, seg) => out.push(seg),
            }
        }
    }
    out
}

fn render_template(error: &CorsError, engine: Engine, api: Api, shape: Shape) -> Template {
    let mut ctx = ConsoleContext::fetch(Field::Url.placeholder(), Field::Origin.placeholder())
        .with_api(api)
        .with_document_url(Field::Document.placeholder());
    if shape.from {
        ctx = ctx.with_redirected_from(Field::From.placeholder());
    }
    if shape.to {
        ctx = ctx.with_redirect_to(Field::To.placeholder());
    }
    if shape.request_origin {
        ctx = ctx.with_request_origin(Field::RequestOrigin.placeholder());
    }
    if shape.status {
        ctx = ctx.with_status(477);
    }
    let text = console_message(error, engine, &ctx);
    let lines: Vec<Vec<Seg>> = text
        .split('\n')
        .map(normalize)
        .filter(|l| !l.is_empty())
        .map(|l| segments(&l))
        .collect();
    let full = join(&lines);
    Template {
        engine,
        api,
        error: error.clone(),
        shape,
        lines,
        full,
    }
}

fn templates() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let mut out: Vec<Template> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for error in representatives() {
            // Spec: the error's own `Display`, as cors-explain prints it under "rule".
            for engine in [
                Engine::Chromium,
                Engine::Firefox,
                Engine::WebKit,
                Engine::Spec,
            ] {
                for api in [
                    Api::Fetch,
                    Api::Xhr,
                    Api::Image,
                    Api::Script,
                    Api::ModuleScript,
                    Api::Stylesheet,
                    Api::Font,
                    Api::EventSource,
                    Api::Beacon,
                ] {
                    // Fewest facts first, so that of two templates that render alike the
                    // one assuming less is kept.
                    for bits in 0..16u8 {
                        let shape = Shape {
                            status: bits & 1 != 0,
                            request_origin: bits & 2 != 0,
                            from: bits & 4 != 0,
                            to: bits & 8 != 0,
                        };
                        let t = render_template(&error, engine, api, shape);
                        let key = (
                            engine,
                            api,
                            variant_name(&error),
                            error.stage(),
                            t.full.clone(),
                        );
                        if seen.insert(key) {
                            out.push(t);
                        }
                    }
                }
            }
        }
        out
    })
}

fn lit_at(text: &[u8], pos: usize, lit: &[u8]) -> bool {
    text.len() >= pos + lit.len()
        && text[pos..pos + lit.len()]
            .iter()
            .zip(lit)
            .all(|(a, b)| a.eq_ignore_ascii_case(b) || (*b == b' ' && *a == b'\n'))
}

type Caps = Vec<(Field, usize, usize)>;

/// How far a hole of `kind` starting at `pos` may reach.
fn hole_limit(text: &[u8], pos: usize, kind: Kind) -> usize {
    let stop = |b: u8| match kind {
        Kind::Token => b.is_ascii_whitespace(),
        Kind::Digits => !b.is_ascii_digit(),
        Kind::Text => b == b'\n',
    };
    text[pos..]
        .iter()
        .position(|&b| stop(b))
        .map_or(text.len(), |n| pos + n)
}

fn match_at(segs: &[Seg], text: &[u8], pos: usize, caps: &mut Caps) -> Option<usize> {
    let Some((first, rest)) = segs.split_first() else {
        return Some(pos);
    };
    match first {
        Seg::Lit(lit) => {
            if lit_at(text, pos, lit) {
                match_at(rest, text, pos + lit.len(), caps)
            } else {
                None
            }
        }
        Seg::Hole(field) => {
            let kind = field.kind();
            let limit = hole_limit(text, pos, kind);
            let min = if kind == Kind::Text { pos } else { pos + 1 };
            match rest.first() {
                None => {
                    let mut end = limit;
                    while end > pos && text[end - 1] == b' ' {
                        end -= 1;
                    }
                    if end < min {
                        return None;
                    }
                    caps.push((*field, pos, end));
                    Some(end)
                }
                Some(Seg::Lit(lit)) => {
                    // Lazy, except before the pattern's last literal: `... origin {o}.`
                    // must not stop at the first dot of the origin.
                    let ends: Box<dyn Iterator<Item = usize>> = if rest.len() == 1 {
                        Box::new((min..=limit).rev())
                    } else {
                        Box::new(min..=limit)
                    };
                    for end in ends {
                        if lit_at(text, end, lit) {
                            let n = caps.len();
                            caps.push((*field, pos, end));
                            if let Some(e) = match_at(rest, text, end, caps) {
                                return Some(e);
                            }
                            caps.truncate(n);
                        }
                    }
                    None
                }
                Some(Seg::Hole(_)) => None,
            }
        }
    }
}

/// The leftmost match of `segs` at or after `from`: (start, end).
fn find(segs: &[Seg], text: &[u8], from: usize, caps: &mut Caps) -> Option<(usize, usize)> {
    match segs {
        [Seg::Lit(lit), ..] => {
            let mut at = from;
            while let Some(p) = find_ci(text, lit, at) {
                let n = caps.len();
                if let Some(end) = match_at(segs, text, p, caps) {
                    return Some((p, end));
                }
                caps.truncate(n);
                at = p + 1;
            }
            None
        }
        [Seg::Hole(_), Seg::Lit(lit), ..] => {
            let mut at = from;
            while let Some(q) = find_ci(text, lit, at) {
                let mut start = q;
                while start > from && !text[start - 1].is_ascii_whitespace() {
                    start -= 1;
                }
                let n = caps.len();
                if start < q {
                    if let Some(end) = match_at(segs, text, start, caps) {
                        return Some((start, end));
                    }
                }
                caps.truncate(n);
                at = q + 1;
            }
            None
        }
        _ => None,
    }
}

fn literal_len(segs: &[Seg]) -> usize {
    segs.iter()
        .map(|s| match s {
            Seg::Lit(l) => l.iter().filter(|b| !b.is_ascii_whitespace()).count(),
            Seg::Hole(_) => 0,
        })
        .sum()
}

struct Candidate {
    template: usize,
    score: usize,
    lines_matched: usize,
    spans: Vec<(usize, usize)>,
    values: BTreeMap<Field, String>,
}

/// The values of `caps`, or `None` when a field was captured twice with different values.
fn values(text: &str, caps: &Caps) -> Option<BTreeMap<Field, String>> {
    let mut out: BTreeMap<Field, String> = BTreeMap::new();
    for &(field, a, b) in caps {
        let v = text.get(a..b)?.to_owned();
        match out.get(&field) {
            Some(old) if !old.eq_ignore_ascii_case(&v) => return None,
            Some(_) => {}
            None => {
                out.insert(field, v);
            }
        }
    }
    Some(out)
}

fn match_template(index: usize, t: &Template, text: &str) -> Option<Candidate> {
    let bytes = text.as_bytes();
    // Cheap first: some line's longest literal must be in the text.
    let present = |line: &Vec<Seg>| {
        line.iter()
            .filter_map(|s| match s {
                Seg::Lit(l) => Some(l),
                Seg::Hole(_) => None,
            })
            .max_by_key(|l| l.len())
            .is_none_or(|l| find_ci(bytes, l, 0).is_some())
    };
    if !t.lines.iter().any(present) {
        return None;
    }
    let mut caps = Caps::new();
    if let Some(span) = find(&t.full, bytes, 0, &mut caps) {
        if let Some(values) = values(text, &caps) {
            return Some(Candidate {
                template: index,
                score: literal_len(&t.full),
                lines_matched: t.lines.len(),
                spans: vec![span],
                values,
            });
        }
    }
    if t.lines.len() < 2 {
        return None;
    }
    // The lines one by one, in order, other text allowed between them.
    let (mut caps, mut spans, mut score, mut cursor) = (Caps::new(), Vec::new(), 0, 0);
    for line in &t.lines {
        let n = caps.len();
        match find(line, bytes, cursor, &mut caps) {
            Some(span) => {
                spans.push(span);
                score += literal_len(line);
                cursor = span.1;
            }
            None => caps.truncate(n),
        }
    }
    let values = values(text, &caps)?;
    (!spans.is_empty()).then_some(Candidate {
        template: index,
        score,
        lines_matched: spans.len(),
        spans,
        values,
    })
}

/// The best candidates for `text`, best first; all with the top score are kept.
fn best(text: &str) -> Vec<Candidate> {
    let mut all: Vec<Candidate> = templates()
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match_template(i, t, text))
        .collect();
    let top = all.iter().map(|c| c.score).max().unwrap_or(0);
    all.retain(|c| c.score == top);
    let ts = templates();
    // Whole messages before partial ones; then the order of `representatives`.
    all.sort_by_key(|c| (ts[c.template].lines.len() != c.lines_matched, c.template));
    all
}

/// Fewer literal characters than this is not a recognized message.
const MIN_SCORE: usize = 12;

/// One reading of the pasted message.
///
/// Besides the three browsers' wordings, the error's own `Display` text (what cors-explain
/// and the library print as the rule) is recognized too, as engine `spec`.
#[derive(Clone, Debug, Serialize)]
pub struct Reading {
    /// The engine whose wording it is: `chromium`, `firefox`, `webkit` or `spec`.
    pub engine: &'static str,
    /// `fetch`, `xhr`, `fetch or xhr` when the engine words both alike, or `any` when it
    /// words an element's load (img, script, font, ...) alike too.
    pub api: &'static str,
    /// The `CorsError` variant, e.g. `MethodNotAllowed`.
    pub error: String,
    /// `response`, `redirect` or `preflight` for the CORS-check failures, when the wording
    /// tells; several when it does not.
    pub stages: Vec<&'static str>,
    /// The rule that failed, in words (the error's `Display`, with the values found).
    pub rule: String,
    /// The Fetch Standard anchor of the step that failed.
    pub spec: &'static str,
    /// Who has to change something: `server`, `request` or `network`.
    pub blame: &'static str,
    /// Chromium's `CorsError` name, where it has one.
    pub chromium_cors_error: Option<&'static str>,
    /// The smallest change that makes the check pass.
    pub fix: Fix,
    /// The same failure as each engine prints it, with the values found (`<...>` stands for
    /// a value the paste did not hold).
    pub messages: BTreeMap<&'static str, String>,
}

/// What a pasted console message says.
#[derive(Clone, Debug, Serialize)]
pub struct Recognized {
    /// The engine whose wording it is.
    pub engine: &'static str,
    /// `fetch`, `xhr`, `fetch or xhr` or `any` (see [`Reading::api`]).
    pub api: &'static str,
    /// The `CorsError` variant of the most likely reading.
    pub error: String,
    /// The rule of the most likely reading.
    pub rule: String,
    /// Its spec anchor.
    pub spec: &'static str,
    /// Its fix.
    pub fix: Fix,
    /// The values read from the paste (URL, origin, header value, status ...).
    pub values: BTreeMap<&'static str, String>,
    /// The most likely reading, then the others the engine words the same way.
    pub readings: Vec<Reading>,
    /// How many characters of the template's literal text were found.
    pub matched_chars: usize,
    /// Whether every line of the engine's message was found (a pasted part of a two-line
    /// message is recognized too).
    pub whole_message: bool,
    /// Other messages found in the rest of the paste (engine and variant), for a paste of
    /// several lines of which another explains more.
    pub also_in_paste: Vec<String>,
    /// Remarks: values assumed, wordings shared by several rules.
    pub notes: Vec<String>,
}

/// Why a text was not recognized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotRecognized(pub String);

impl std::fmt::Display for NotRecognized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotRecognized {}

fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Chromium => "chromium",
        Engine::Firefox => "firefox",
        Engine::WebKit => "webkit",
        _ => "spec",
    }
}

fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Preflight => "preflight",
        Stage::Redirect => "redirect",
        _ => "response",
    }
}

/// The status used when the message names none, shown as `<status>` (a status cannot be
/// text; this one is not a real status and a URL rarely holds it).
const UNKNOWN_STATUS: u16 = 65535;

/// `text` with the unknown status shown as `<status>`.
fn unknown_status(text: &str) -> String {
    text.replace("65535", "<status>")
}

/// What the paste said, with stand-ins for what it did not.
struct Found<'a> {
    values: &'a BTreeMap<Field, String>,
    assumed: Vec<String>,
}

impl Found<'_> {
    fn get(&self, fields: &[Field]) -> Option<String> {
        fields.iter().find_map(|f| self.values.get(f).cloned())
    }

    fn or(&mut self, fields: &[Field], stand_in: &str) -> String {
        self.get(fields).unwrap_or_else(|| stand_in.to_owned())
    }

    fn status(&mut self, fields: &[Field]) -> u16 {
        match self.get(fields).and_then(|s| s.parse().ok()) {
            Some(s) => s,
            None => {
                self.assumed
                    .push("the status is not in the message; <status> stands for it".to_owned());
                UNKNOWN_STATUS
            }
        }
    }
}

/// The representative `error` with the values found.
fn rebuild(error: &CorsError, found: &mut Found<'_>) -> CorsError {
    use Field as F;
    let method = |found: &mut Found<'_>| {
        found
            .get(&[F::Method])
            .and_then(|m| Method::from_bytes(m.as_bytes()).ok())
            .unwrap_or(Method::GET)
    };
    let header = |found: &mut Found<'_>| {
        found
            .get(&[F::Header])
            .and_then(|h| HeaderName::from_bytes(h.to_ascii_lowercase().as_bytes()).ok())
            .unwrap_or(HeaderName::from_static("x-unknown"))
    };
    match error {
        CorsError::DisallowedByMode { .. } => CorsError::DisallowedByMode {
            url: found.or(&[F::ErrUrl, F::Url], "<url>"),
        },
        CorsError::NoCorsMethodNotSafelisted { .. } => CorsError::NoCorsMethodNotSafelisted {
            method: method(found),
        },
        CorsError::NoCorsHeaderNotSafelisted { .. } => CorsError::NoCorsHeaderNotSafelisted {
            name: header(found),
        },
        CorsError::SchemeNotSupported { .. } => CorsError::SchemeNotSupported {
            scheme: found.or(&[F::Scheme], "<scheme>"),
        },
        CorsError::MissingAllowOrigin { stage, .. } => CorsError::MissingAllowOrigin {
            stage: *stage,
            status: found.status(&[F::ErrStatus, F::Status]),
        },
        CorsError::AllowOriginMismatch { stage, .. } => CorsError::AllowOriginMismatch {
            stage: *stage,
            value: found.or(&[F::Value], "<value>"),
            origin: found.or(&[F::ErrOrigin, F::RequestOrigin, F::Origin], "<origin>"),
        },
        CorsError::InvalidAllowOriginValue { stage, .. } => CorsError::InvalidAllowOriginValue {
            stage: *stage,
            value: found.or(&[F::Value], "<value>"),
        },
        CorsError::MultipleAllowOriginValues { stage, .. } => {
            CorsError::MultipleAllowOriginValues {
                stage: *stage,
                value: found.or(&[F::Value], "<values>"),
            }
        }
        CorsError::InvalidAllowCredentials { stage, .. } => CorsError::InvalidAllowCredentials {
            stage: *stage,
            value: found.get(&[F::Value]).filter(|v| !v.is_empty()),
        },
        CorsError::PreflightInvalidStatus { .. } => CorsError::PreflightInvalidStatus {
            status: found.status(&[F::ErrStatus, F::Status]),
        },
        CorsError::PreflightDisallowedRedirect { .. } => CorsError::PreflightDisallowedRedirect {
            status: found.status(&[F::ErrStatus, F::Status]),
        },
        CorsError::InvalidAllowMethods { .. } => CorsError::InvalidAllowMethods {
            value: found.or(&[F::Value], "<value>"),
        },
        CorsError::InvalidAllowHeaders { .. } => CorsError::InvalidAllowHeaders {
            value: found.or(&[F::Value], "<value>"),
        },
        CorsError::MethodNotAllowed { .. } => CorsError::MethodNotAllowed {
            method: method(found),
        },
        CorsError::HeaderNotAllowed { .. } => CorsError::HeaderNotAllowed {
            name: header(found),
            wildcard_present: false,
        },
        CorsError::RedirectContainsCredentials { .. } => CorsError::RedirectContainsCredentials {
            url: found.or(&[F::CredUrl, F::CredUrlStripped], "<location>"),
        },
        CorsError::RedirectSchemeNotHttp { .. } => CorsError::RedirectSchemeNotHttp {
            url: found.or(&[F::Location, F::To], "<location>"),
        },
        CorsError::InvalidLocation { .. } => CorsError::InvalidLocation {
            value: found.or(&[F::Location, F::To], "<location>"),
        },
        CorsError::InvalidRequest { .. } => CorsError::InvalidRequest {
            reason: found.or(&[F::Reason], "<reason>"),
        },
        other => other.clone(),
    }
}

/// The reading of candidate `c`: the rebuilt error, its fix and every engine's wording.
fn reading(c: &Candidate, stages: Vec<&'static str>, api: &'static str) -> (Reading, Vec<String>) {
    use Field as F;
    let t = &templates()[c.template];
    let mut found = Found {
        values: &c.values,
        assumed: Vec::new(),
    };
    let error = rebuild(&t.error, &mut found);
    let url = found.or(&[F::Url, F::ErrUrl], "<url>");
    let origin = found
        .get(&[F::Origin])
        .or_else(|| {
            found
                .get(&[F::ErrOrigin, F::RequestOrigin])
                .filter(|o| o != "null")
        })
        .unwrap_or_else(|| "<page origin>".to_owned());
    let from = found
        .get(&[F::From])
        .or(t.shape.from.then(|| "<first URL>".to_owned()));
    let to = found.get(&[F::To, F::CredUrlStripped, F::Location]);
    let request_origin = found
        .get(&[F::RequestOrigin, F::ErrOrigin])
        .filter(|o| *o != origin);
    let document = found.get(&[F::Document]);
    let status = found
        .get(&[F::Status, F::ErrStatus])
        .and_then(|s| s.parse::<u16>().ok());
    let mut ctx = ConsoleContext::fetch(&url, &origin).with_api(t.api);
    if let Some(f) = &from {
        ctx = ctx.with_redirected_from(f);
    }
    if let Some(u) = &to {
        ctx = ctx.with_redirect_to(u);
    }
    if let Some(o) = &request_origin {
        ctx = ctx.with_request_origin(o);
    }
    if let Some(d) = &document {
        ctx = ctx.with_document_url(d);
    }
    if let Some(s) = status {
        ctx = ctx.with_status(s);
    }
    let messages: BTreeMap<&'static str, String> =
        [Engine::Chromium, Engine::Firefox, Engine::WebKit]
            .into_iter()
            .map(|e| (engine_name(e), console_message(&error, e, &ctx)))
            .collect();
    let method = match &error {
        CorsError::MethodNotAllowed { method }
        | CorsError::NoCorsMethodNotSafelisted { method } => method.clone(),
        _ => Method::GET,
    };
    let unsafe_headers: Vec<String> = match &error {
        CorsError::HeaderNotAllowed { name, .. } => vec![name.as_str().to_owned()],
        _ => Vec::new(),
    };
    let request_origin_for_fix = request_origin.clone().unwrap_or_else(|| origin.clone());
    let fix_ctx = FixContext {
        request_origin: &request_origin_for_fix,
        unsafe_headers: &unsafe_headers,
        credentials: matches!(
            error,
            CorsError::WildcardOriginWithCredentials { .. }
                | CorsError::InvalidAllowCredentials { .. }
        ),
        ..FixContext::new(&origin, &method)
    };
    let mut fix = fix_for(&error, &fix_ctx);
    let mut messages = messages;
    let mut rule = error.to_string();
    if found.assumed.iter().any(|a| a.contains("<status>")) {
        fix.summary = unknown_status(&fix.summary);
        rule = unknown_status(&rule);
        for m in messages.values_mut() {
            *m = unknown_status(m);
        }
    }
    let reading = Reading {
        engine: engine_name(t.engine),
        api,
        error: variant_name(&error),
        stages,
        rule,
        spec: error.spec_anchor(),
        blame: error.blame().as_str(),
        chromium_cors_error: chromium_cors_error(&error),
        fix,
        messages,
    };
    (reading, found.assumed)
}

/// Recognizes a pasted console message (one engine's wording of one CORS failure, any
/// part of it, with or without the browser's log prefix).
pub fn recognize(text: &str) -> Result<Recognized, NotRecognized> {
    let mut cut = text.len().min(MAX_INPUT);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let text = normalize(&text[..cut]);
    if text.is_empty() {
        return Err(NotRecognized("the message is empty".to_owned()));
    }
    let found = best(&text);
    let network_line = text.to_ascii_lowercase().contains(NETWORK_LINE);
    let Some(first) = found.first().filter(|c| c.score >= MIN_SCORE) else {
        if network_line {
            return Err(NotRecognized(
                "`Failed to load resource: …` is the console's network line: it says the load failed, and with `net::ERR_FAILED` not why. The reason is on the CORS line the browser logs with it (Chromium: `Access to fetch at … has been blocked by CORS policy: …`; WebKit: the line before `Fetch API cannot load …`): paste that one".to_owned(),
            ));
        }
        return Err(NotRecognized(
            "this is not a CORS console message of Chromium, Firefox or WebKit that cors-explain knows (paste the whole line as the console prints it)".to_owned(),
        ));
    };
    let ts = templates();
    // A status the paste gives rules readings out: a redirect is 3xx. For a 3xx status
    // the redirect reading comes first, since that is what the status says.
    let status = first
        .values
        .get(&Field::Status)
        .or(first.values.get(&Field::ErrStatus))
        .and_then(|s| s.parse::<u16>().ok());
    let is_redirect_reading = |c: &Candidate| {
        matches!(
            ts[c.template].error,
            CorsError::PreflightDisallowedRedirect { .. }
        )
    };
    let mut found: Vec<&Candidate> = found
        .iter()
        .filter(|c| !(is_redirect_reading(c) && status.is_some_and(|s| !(300..400).contains(&s))))
        .collect();
    if status.is_some_and(|s| (300..400).contains(&s)) {
        found.sort_by_key(|c| !is_redirect_reading(c));
    }
    // Group the tied candidates by engine and variant (and then stage and API).
    let mut groups: Vec<(Engine, String, Vec<&Candidate>)> = Vec::new();
    for c in found {
        let t = &ts[c.template];
        if t.engine != ts[first.template].engine {
            continue;
        }
        let name = variant_name(&t.error);
        match groups
            .iter_mut()
            .find(|(e, n, _)| *e == t.engine && *n == name)
        {
            Some(g) => g.2.push(c),
            None => groups.push((t.engine, name, vec![c])),
        }
    }
    let mut readings = Vec::new();
    let mut notes = Vec::new();
    for (_, _, members) in &groups {
        let mut stages: Vec<&'static str> = Vec::new();
        let mut apis: Vec<Api> = Vec::new();
        for c in members {
            let t = &ts[c.template];
            if let Some(s) = t.error.stage() {
                if !stages.contains(&stage_name(s)) {
                    stages.push(stage_name(s));
                }
            }
            if !apis.contains(&t.api) {
                apis.push(t.api);
            }
        }
        let api = match apis.as_slice() {
            [Api::Fetch] => "fetch",
            [Api::Xhr] => "xhr",
            a if a.iter().all(|a| matches!(a, Api::Fetch | Api::Xhr)) => "fetch or xhr",
            _ => "any",
        };
        // The other engines' wordings are given for fetch() when the paste fits it: the
        // most common case, and the one the report's wording assumes.
        let shown = [Api::Fetch, Api::Xhr]
            .iter()
            .find_map(|want| members.iter().find(|c| ts[c.template].api == *want))
            .unwrap_or(&members[0]);
        let (mut r, assumed) = reading(shown, stages.clone(), api);
        if !std::ptr::eq(*shown, members[0]) {
            // The pasted engine's own wording stays the one that matched the paste.
            let own = engine_name(ts[members[0].template].engine);
            let (matched, _) = reading(members[0], stages, api);
            if let Some(m) = matched.messages.get(own) {
                r.messages.insert(own, m.clone());
            }
        }
        if readings.is_empty() {
            notes.extend(assumed);
        }
        readings.push(r);
    }
    let primary = readings[0].clone();
    if readings.len() > 1 {
        notes.push(format!(
            "{} words {} failures this way; the first reading is the likeliest (the most common, or what the status says), the wording in the other engines tells them apart",
            capitalized(primary.engine),
            readings.len()
        ));
    }
    if primary.stages.len() > 1 {
        notes.push(format!(
            "{} words this alike on a {}; the fix is for the first",
            capitalized(primary.engine),
            primary.stages.join(" or a ")
        ));
    }
    let t = &ts[first.template];
    let whole = first.lines_matched == t.lines.len();
    if !whole {
        notes.push(format!(
            "only {} of the {} lines {} prints for this were pasted",
            first.lines_matched,
            t.lines.len(),
            capitalized(primary.engine)
        ));
    }
    if network_line {
        notes.push(
            "the `Failed to load resource` line in the paste is the console's network line for the same load; it repeats the failure, so the reading comes from the CORS line".to_owned(),
        );
    }
    // What the rest of the paste says.
    let mut rest = text.clone().into_bytes();
    for &(a, b) in &first.spans {
        rest[a..b].fill(b'\n');
    }
    let rest = String::from_utf8_lossy(&rest).into_owned();
    let mut also = Vec::new();
    if let Some(c) = best(&rest).first().filter(|c| c.score >= MIN_SCORE) {
        let ot = &ts[c.template];
        let name = variant_name(&ot.error);
        if readings.iter().all(|r| r.error != name) {
            also.push(format!("{} {name}", engine_name(ot.engine)));
        }
    }
    let values = first
        .values
        .iter()
        .map(|(f, v)| (f.name(), v.clone()))
        .collect();
    Ok(Recognized {
        engine: primary.engine,
        api: primary.api,
        error: primary.error.clone(),
        rule: primary.rule.clone(),
        spec: primary.spec,
        fix: primary.fix.clone(),
        values,
        readings,
        matched_chars: first.score,
        whole_message: whole,
        also_in_paste: also,
        notes,
    })
}

impl Recognized {
    /// The recognition as text for a terminal; `color` adds ANSI colours.
    pub fn render(&self, color: bool) -> String {
        use std::fmt::Write as _;
        let paint = |code: &str, t: &str| {
            if color {
                format!("\x1b[{code}m{t}\x1b[0m")
            } else {
                t.to_owned()
            }
        };
        let mut out = String::new();
        let api = match self.api {
            "fetch" => "fetch()",
            "xhr" => "XMLHttpRequest",
            "fetch or xhr" => "fetch() or XMLHttpRequest",
            _ => {
                "any load (fetch(), XMLHttpRequest or an element's; the other engines' words below are for fetch())"
            }
        };
        if self.engine == "spec" {
            let _ = writeln!(
                out,
                "{} the rule as fetch-cors words it",
                paint("1", "Recognized:")
            );
        } else {
            let _ = writeln!(
                out,
                "{} {} console message, {api}",
                paint("1", "Recognized:"),
                capitalized(self.engine)
            );
        }
        for (i, r) in self.readings.iter().enumerate() {
            if i == 1 {
                let _ = writeln!(out, "\n{}", paint("1", "It could also be:"));
            }
            let stage = if r.stages.is_empty() {
                String::new()
            } else {
                format!(" (on the {})", r.stages.join(" or "))
            };
            let _ = writeln!(out, "   {} {}{stage}", paint("2", "error    "), r.error);
            let _ = writeln!(out, "   {} {}", paint("2", "rule     "), r.rule);
            let _ = writeln!(
                out,
                "   {} {} (to change: the {})",
                paint("2", "spec     "),
                r.spec,
                r.blame
            );
            if let Some(name) = r.chromium_cors_error {
                let _ = writeln!(out, "   {} {name}", paint("2", "chromium "));
            }
            let _ = writeln!(
                out,
                "   {} on {}: {}",
                paint("2", "fix      "),
                r.fix.target.describe(),
                r.fix.summary
            );
            if let Some(s) = r.fix.status {
                let _ = writeln!(
                    out,
                    "               {}",
                    paint("1;32", &format!("status {s}"))
                );
            }
            for (n, v) in &r.fix.set_headers {
                let _ = writeln!(
                    out,
                    "               {}",
                    paint("1;32", &format!("{n}: {v}"))
                );
            }
            for a in &r.fix.also {
                let _ = writeln!(out, "               {}", paint("2", &format!("({a})")));
            }
            for (engine, message) in &r.messages {
                if *engine == self.engine {
                    continue;
                }
                let mut lines = message.lines();
                let _ = writeln!(
                    out,
                    "   {} {}",
                    paint("2", &format!("{:<9}", capitalized(engine))),
                    lines.next().unwrap_or("")
                );
                for l in lines {
                    let _ = writeln!(out, "             {l}");
                }
            }
        }
        if !self.values.is_empty() {
            let _ = writeln!(out, "\n{}", paint("1", "Read from the message:"));
            for (k, v) in &self.values {
                let _ = writeln!(out, "   {k}: {v}");
            }
        }
        for a in &self.also_in_paste {
            let _ = writeln!(out, "Also in the paste: {a}");
        }
        for n in &self.notes {
            let _ = writeln!(out, "{}", paint("2", &format!("note: {n}")));
        }
        out
    }
}

fn capitalized(engine: &str) -> &'static str {
    match engine {
        "chromium" => "Chromium",
        "firefox" => "Firefox",
        "webkit" => "WebKit",
        _ => "Spec",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_literal_text_and_holes() {
        for t in templates() {
            for seg in &t.full {
                if let Seg::Lit(l) = seg {
                    let l = String::from_utf8_lossy(l).to_ascii_lowercase();
                    assert!(!l.contains("zq"), "placeholder left in {:?}: {l}", t.error);
                }
            }
            assert!(
                !t.full
                    .windows(2)
                    .any(|w| matches!(w, [Seg::Hole(_), Seg::Hole(_)])),
                "two holes side by side in {:?}",
                t.error
            );
        }
    }

    #[test]
    fn every_variant_has_a_template() {
        let names: std::collections::BTreeSet<String> =
            templates().iter().map(|t| variant_name(&t.error)).collect();
        assert_eq!(names.len(), 25, "{names:?}");
    }

    #[test]
    fn joined_and_split_lines_both_match() {
        let two = "Method PUT is not allowed by Access-Control-Allow-Methods.\nFetch API cannot load https://api.example/x due to access control checks.";
        let one = two.replace('\n', " ");
        for text in [two.to_owned(), one] {
            let r = recognize(&text).unwrap();
            assert_eq!((r.engine, r.error.as_str()), ("webkit", "MethodNotAllowed"));
            assert_eq!(
                r.values.get("url").map(String::as_str),
                Some("https://api.example/x")
            );
            assert!(r.whole_message);
        }
        let first =
            recognize("Method PUT is not allowed by Access-Control-Allow-Methods.").unwrap();
        assert_eq!(first.error, "MethodNotAllowed");
        // The reason line alone is WebKit's whole message for a module script or a
        // stylesheet, which print no "cannot load" line.
        assert!(first.whole_message);
    }

    #[test]
    fn placeholders_start_with_a_listed_byte() {
        for f in Field::ALL {
            let b = f.placeholder().as_bytes()[0].to_ascii_lowercase();
            assert!(matches!(b, b'h' | b'4' | b'z' | b'x'), "{f:?}");
        }
    }

    #[test]
    fn template_count() {
        println!("{} templates", templates().len());
        assert!(templates().len() > 100);
    }

    #[test]
    fn a_status_not_in_the_message_is_not_made_up() {
        let r = recognize("Access to fetch at 'https://a.example/x' from origin 'https://b.example' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.").unwrap();
        assert_eq!(r.error, "PreflightInvalidStatus");
        assert!(r.rule.contains("<status>"), "{}", r.rule);
        assert!(r.readings[0].messages["webkit"].contains("Status code: <status>"));
        assert!(!r.fix.summary.contains("65535"), "{}", r.fix.summary);
    }

    #[test]
    fn the_network_line_alone_points_to_the_cors_line() {
        let err = recognize("Failed to load resource: net::ERR_FAILED").unwrap_err();
        assert!(err.0.contains("paste that one"), "{}", err.0);
        // Beside the CORS line, the reading comes from the CORS line, and says so.
        let r = recognize(
            "Access to fetch at 'https://api.example/x' from origin 'https://app.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\n\
             Failed to load resource: net::ERR_FAILED",
        )
        .unwrap();
        assert_eq!(r.error, "MissingAllowOrigin");
        assert!(
            r.notes.iter().any(|n| n.contains("network line")),
            "{:?}",
            r.notes
        );
        // WebKit's network line carries the reason itself.
        let r = recognize(
            "Failed to load resource: Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 200",
        )
        .unwrap();
        assert_eq!(r.engine, "webkit");
    }

    #[test]
    fn unknown_text_is_refused() {
        assert!(recognize("hello world").is_err());
        assert!(recognize("").is_err());
    }
}
