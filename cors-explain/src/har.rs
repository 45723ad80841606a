//! HAR input: an HTTP Archive 1.2 exported from browser devtools, turned into a [`Capture`].
//!
//! The three engines export differently, and [`parse`] reads all of them:
//!
//! - **Chromium** (`creator.name` `WebInspector`) marks entries with `_resourceType`
//!   (`document`, `fetch`, `xhr`, `preflight`, ...) and `_initiator`, lists a CORS preflight as
//!   its own `OPTIONS` entry just before the request, records a request that was blocked before
//!   it was sent with status `0`, `_error` and without the headers the network layer adds
//!   (no `Origin`), and a blocked response with its real status and headers plus `_error`.
//! - **Firefox** (`creator.name` `Firefox`) has no `_resourceType`, empty `timings`, offsets
//!   like `+00:00` in `startedDateTime`, and may list a request *before* its preflight (the
//!   request's channel is opened first); a request its preflight blocked has status `0`.
//! - **WebKit** (`WebKit Web Inspector`) marks entries with `_fetchType` and does not list
//!   preflights at all; a request that needed one is then taken to have had it pass.
//!
//! Redirects are separate entries in all three, linked by `response.redirectURL` (or the
//! `Location` header). Header names come in any case, and `Origin` is missing on some
//! entries; the mode is read from `Sec-Fetch-Mode`, `_resourceType` or `Origin`, the
//! credentials mode from whether a cookie was sent.
//!
//! The page's origin comes from `--origin`, else the page's URL in `pages[].title`, else the
//! first document entry, else the most common `Origin` header, else a `Referer`.

use std::collections::{HashMap, HashSet};

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde_json::Value;
use url::Url;

use crate::core::{
    Api, CredentialsMode, Engine, Mode, Origin, OutgoingKind, is_forbidden_request_header,
};
use crate::{
    Capture, Element, Input, InputError, MAX_HAR_ENTRIES, MAX_HEADER_LINES, PageFetch, Recorded,
    RecordedRequest, RecordedResponse, Skipped, header_value, too_many_headers,
};

/// Settings that override what [`parse`] would work out itself.
#[derive(Clone, Debug, Default)]
pub struct HarOptions {
    /// The page's origin.
    pub origin: Option<Origin>,
    /// The credentials mode of every fetch.
    pub credentials: Option<CredentialsMode>,
}

/// Headers a browser adds on its own. They are not the page's, unless a preflight listed
/// them in `Access-Control-Request-Headers`.
const BROWSER_ADDED: &[&str] = &[
    "accept-language",
    "cache-control",
    "pragma",
    "priority",
    "upgrade-insecure-requests",
    "if-none-match",
    "if-modified-since",
    "if-match",
    "if-unmodified-since",
    "if-range",
    "user-agent",
    "purpose",
    "x-client-data",
    "x-purpose",
];

struct Entry {
    index: usize,
    method: String,
    url: Url,
    request_headers: Vec<(String, String)>,
    cookies_sent: bool,
    response: Option<RecordedResponse>,
    redirect_to: Option<Url>,
    time: Option<i64>,
    resource_type: Option<String>,
    /// Chromium's `_initiator.type` (`script`, `parser`, `other`, ...).
    initiator: Option<String>,
    pageref: Option<String>,
    browser_error: Option<String>,
}

impl Entry {
    fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.request_headers, name)
    }

    fn is_preflight(&self) -> bool {
        self.method.eq_ignore_ascii_case("OPTIONS")
            && (self.header("access-control-request-method").is_some()
                || self.resource_type.as_deref() == Some("preflight"))
    }

    /// The browser's favicon request: not made by the page (Chromium's initiator `other`).
    fn is_favicon(&self) -> bool {
        self.url.path() == "/favicon.ico" && self.initiator.as_deref().is_none_or(|i| i == "other")
    }

    fn is_navigation(&self) -> bool {
        matches!(self.resource_type.as_deref(), Some("document"))
            || self
                .header("sec-fetch-mode")
                .is_some_and(|m| m.eq_ignore_ascii_case("navigate"))
            || self
                .header("sec-fetch-dest")
                .is_some_and(|d| matches!(d, "document" | "iframe" | "frame"))
    }

    fn recorded(&self, kind: OutgoingKind) -> Recorded {
        Recorded {
            kind,
            request: RecordedRequest {
                method: self.method.clone(),
                url: self.url.to_string(),
                headers: self.request_headers.clone(),
            },
            response: self.response.clone(),
            entry: Some(self.index),
            browser_error: self.browser_error.clone(),
        }
    }
}

/// Where in the HAR a value is, for error messages.
fn at(index: usize, field: &str) -> String {
    format!("log.entries[{index}].{field}")
}

fn json_error(e: &serde_json::Error) -> InputError {
    let text = e.to_string();
    // serde_json appends " at line L column C"; the position is reported separately.
    let message = match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    };
    let message = if e.is_eof() {
        format!("the HAR file is truncated: the JSON ends before it is complete ({message})")
    } else {
        format!("the HAR file is not valid JSON: {message}")
    };
    InputError {
        line: Some(e.line()),
        column: Some(e.column()),
        message,
    }
}

fn headers_of(
    value: Option<&Value>,
    index: usize,
    field: &str,
) -> Result<Vec<(String, String)>, InputError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let Some(list) = value.as_array() else {
        return Err(InputError::new(format!(
            "{} is not an array",
            at(index, field)
        )));
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, h) in list.iter().enumerate() {
        let name = h.get("name").and_then(Value::as_str);
        let value = h.get("value").and_then(Value::as_str);
        match (name, value) {
            (Some(n), Some(v)) => out.push((n.to_owned(), v.to_owned())),
            _ => {
                return Err(InputError::new(format!(
                    "{}[{i}] needs a string \"name\" and \"value\"",
                    at(index, field)
                )));
            }
        }
    }
    Ok(out)
}

/// Milliseconds since the Unix epoch of an ISO 8601 date-time such as
/// `2024-05-01T10:00:00.123Z` or `2024-05-01T12:00:00.123+02:00`.
pub(crate) fn parse_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    let mut millis = 0i64;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        let mut ms = frac[..digits].to_owned();
        ms.truncate(3);
        while ms.len() < 3 {
            ms.push('0');
        }
        millis = ms.parse().ok()?;
        rest = &frac[digits..];
    }
    let offset_min = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let r = rest[1..].replace(':', "");
            let oh: i64 = r.get(0..2)?.parse().ok()?;
            let om: i64 = r.get(2..4).unwrap_or("00").parse().ok()?;
            sign * (oh * 60 + om)
        }
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + mi - offset_min) * 60_000 + sec * 1000 + millis)
}

fn parse_entry(index: usize, e: &Value) -> Result<Result<Entry, Skipped>, InputError> {
    if !e.is_object() {
        return Err(InputError::new(format!(
            "log.entries[{index}] is not an object"
        )));
    }
    let request = e
        .get("request")
        .filter(|r| r.is_object())
        .ok_or_else(|| InputError::new(format!("{} is missing", at(index, "request"))))?;
    let method = request
        .get("method")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            InputError::new(format!(
                "{} is missing or not a string",
                at(index, "request.method")
            ))
        })?;
    let url_text = request.get("url").and_then(Value::as_str).ok_or_else(|| {
        InputError::new(format!(
            "{} is missing or not a string",
            at(index, "request.url")
        ))
    })?;
    let skipped = |reason: String| Skipped {
        entry: Some(index),
        method: method.to_owned(),
        url: url_text.to_owned(),
        reason,
    };
    if Method::from_bytes(method.as_bytes()).is_err() {
        return Ok(Err(skipped(format!("'{method}' is not a method name"))));
    }
    let Ok(mut url) = Url::parse(url_text) else {
        return Ok(Err(skipped("not an absolute URL".to_owned())));
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Ok(Err(skipped(format!(
            "a {}: URL, not HTTP(S)",
            url.scheme()
        ))));
    }
    url.set_fragment(None);
    let request_headers = headers_of(request.get("headers"), index, "request.headers")?;
    if request_headers.len() > MAX_HEADER_LINES {
        return Ok(Err(skipped(too_many_headers(
            "request",
            request_headers.len(),
        ))));
    }
    let cookies_sent = header_value(&request_headers, "cookie").is_some()
        || request
            .get("cookies")
            .and_then(Value::as_array)
            .is_some_and(|c| !c.is_empty());
    let response_value = e.get("response").filter(|r| r.is_object());
    let status = response_value
        .and_then(|r| r.get("status"))
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let response = if (100..1000).contains(&status) {
        Some(RecordedResponse {
            status: u16::try_from(status).unwrap_or(0),
            headers: headers_of(
                response_value.and_then(|r| r.get("headers")),
                index,
                "response.headers",
            )?,
        })
    } else {
        None
    };
    if let Some(r) = response
        .as_ref()
        .filter(|r| r.headers.len() > MAX_HEADER_LINES)
    {
        return Ok(Err(skipped(too_many_headers("response", r.headers.len()))));
    }
    let redirect_to = response.as_ref().and_then(|r| {
        if !(300..400).contains(&r.status) {
            return None;
        }
        let target = response_value
            .and_then(|v| v.get("redirectURL"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .or_else(|| r.header("location"))?;
        let mut next = url.join(target).ok()?;
        next.set_fragment(None);
        Some(next)
    });
    let mut browser_error: Vec<String> = Vec::new();
    if let Some(err) = response_value
        .and_then(|r| r.get("_error"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        browser_error.push(err.to_owned());
    }
    for cors in [
        response_value.and_then(|r| r.get("_corsErrorStatus")),
        e.get("_corsErrorStatus"),
    ]
    .into_iter()
    .flatten()
    {
        if let Some(kind) = cors.get("corsError").and_then(Value::as_str) {
            browser_error.push(kind.to_owned());
        }
    }
    let resource_type = e
        .get("_resourceType")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase);
    Ok(Ok(Entry {
        index,
        method: method.to_owned(),
        url,
        request_headers,
        cookies_sent,
        response,
        redirect_to,
        time: e
            .get("startedDateTime")
            .and_then(Value::as_str)
            .and_then(parse_time),
        resource_type,
        initiator: e
            .get("_initiator")
            .and_then(|i| i.get("type"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        pageref: e.get("pageref").and_then(Value::as_str).map(str::to_owned),
        browser_error: (!browser_error.is_empty()).then(|| browser_error.join(" ")),
    }))
}

fn detect_browser(log: &Value, entries: &[Entry]) -> (Option<Engine>, Option<String>) {
    for field in ["creator", "browser"] {
        if let Some(name) = log
            .get(field)
            .and_then(|c| c.get("name"))
            .and_then(Value::as_str)
        {
            let lower = name.to_ascii_lowercase();
            let engine =
                if lower == "webinspector" || lower.contains("chrom") || lower.contains("edge") {
                    Some(Engine::Chromium)
                } else if lower.contains("firefox") {
                    Some(Engine::Firefox)
                } else if lower.contains("webkit") || lower.contains("safari") {
                    Some(Engine::WebKit)
                } else {
                    None
                };
            if engine.is_some() {
                return (engine, Some(format!("log.{field}.name \"{name}\"")));
            }
        }
    }
    for e in entries {
        if let Some(ua) = e.header("user-agent") {
            let engine = if ua.contains("Firefox/") {
                Some(Engine::Firefox)
            } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
                Some(Engine::Chromium)
            } else if ua.contains("AppleWebKit/") {
                Some(Engine::WebKit)
            } else {
                None
            };
            if engine.is_some() {
                return (engine, Some("the User-Agent request header".to_owned()));
            }
        }
    }
    (None, None)
}

/// The page origin of each pageref, and of entries without one.
fn page_origins(
    log: &Value,
    entries: &[Entry],
    options: &HarOptions,
) -> Result<(HashMap<String, Origin>, Origin, String), InputError> {
    let mut map = HashMap::new();
    let mut first: Option<(Origin, String)> = None;
    // The first document entry of each page, found in one pass.
    let mut document_of: HashMap<&str, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Some(p) = e.pageref.as_deref() {
            if e.is_navigation() && e.redirect_to.is_none() {
                document_of.entry(p).or_insert(i);
            }
        }
    }
    if let Some(pages) = log.get("pages").and_then(Value::as_array) {
        for (i, page) in pages.iter().enumerate() {
            let id = page.get("id").and_then(Value::as_str).unwrap_or("");
            // A `blob:https://...` page (a document made from a Blob) has its creator's origin.
            let from_title = page
                .get("title")
                .and_then(Value::as_str)
                .and_then(|t| Url::parse(t).ok())
                .filter(|u| matches!(u.scheme(), "http" | "https" | "blob"))
                .map(|u| Origin::from_url(&u))
                .filter(|o| o.serialize() != "null");
            let from_document = document_of
                .get(id)
                .map(|&e| Origin::from_url(&entries[e].url));
            let found = from_title
                .map(|o| (o, format!("pages[{i}].title")))
                .or_else(|| {
                    from_document.map(|o| (o, format!("the document entry of pages[{i}]")))
                });
            if let Some((origin, source)) = found {
                map.insert(id.to_owned(), origin.clone());
                if first.is_none() {
                    first = Some((origin, source));
                }
            }
        }
    }
    if let Some(origin) = &options.origin {
        for v in map.values_mut() {
            *v = origin.clone();
        }
        return Ok((map, origin.clone(), "--origin".to_owned()));
    }
    if let Some((origin, source)) = first {
        return Ok((map, origin, source));
    }
    if let Some(e) = entries
        .iter()
        .find(|e| e.is_navigation() && e.redirect_to.is_none())
    {
        return Ok((
            map,
            Origin::from_url(&e.url),
            format!("the document entry log.entries[{}]", e.index),
        ));
    }
    let mut counts: Vec<(&str, usize)> = Vec::new();
    let mut position: HashMap<&str, usize> = HashMap::new();
    for e in entries {
        if let Some(o) = e.header("origin").filter(|o| *o != "null") {
            match position.get(o) {
                Some(&i) => counts[i].1 += 1,
                None => {
                    position.insert(o, counts.len());
                    counts.push((o, 1));
                }
            }
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    if let Some(origin) = counts.first().and_then(|(o, _)| Origin::parse(o).ok()) {
        return Ok((map, origin, "the Origin request headers".to_owned()));
    }
    if let Some(origin) = entries
        .iter()
        .filter_map(|e| e.header("referer"))
        .find_map(|r| Url::parse(r).ok())
        .map(|u| Origin::from_url(&u))
    {
        return Ok((map, origin, "a Referer request header".to_owned()));
    }
    Err(InputError::new(
        "could not work out the page's origin (no page URL, document entry, Origin or Referer header); pass --origin",
    ))
}

/// The headers the page itself set, from the recorded request headers of the first hop.
fn author_headers(
    recorded: &[(String, String)],
    listed: &HashSet<String>,
    notes: &mut Vec<String>,
) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in recorded {
        if name.starts_with(':') {
            continue; // HTTP/2 pseudo-headers
        }
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
            notes.push(format!(
                "ignored the request header '{name}': not a valid header name"
            ));
            continue;
        };
        let Ok(value) = HeaderValue::from_str(value) else {
            notes.push(format!(
                "ignored the request header '{name}': its value is not valid"
            ));
            continue;
        };
        let is_listed = listed.contains(name.as_str());
        // fetch() adds `Accept: */*` itself when the page sets none.
        if name == http::header::ACCEPT && value == "*/*" {
            continue;
        }
        if !is_listed
            && (is_forbidden_request_header(&name, value.as_bytes())
                || BROWSER_ADDED.contains(&name.as_str()))
        {
            continue;
        }
        if map.try_append(name, value).is_err() {
            // Not reached while entries hold at most MAX_HEADER_LINES lines.
            notes.push("ignored request headers past the most a header map holds".to_owned());
            break;
        }
    }
    // The preflight asked for names the recorded request lacks: the export removed them
    // (Chromium's default export drops Authorization and Cookie). The page did send them,
    // so they are put back, with a value that is CORS-unsafe as the preflight shows it was.
    let mut missing: Vec<&String> = listed
        .iter()
        .filter(|n| HeaderName::from_bytes(n.as_bytes()).is_ok_and(|h| !map.contains_key(&h)))
        .collect();
    missing.sort();
    for name in &missing {
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            continue;
        };
        let value = if is_cors_safelisted_request_header_name(header.as_str()) {
            // Longer than the 128 bytes any safelisted value may have.
            HeaderValue::from_static(UNSAFE_PLACEHOLDER)
        } else {
            HeaderValue::from_static("(not in the export)")
        };
        if map.try_append(header, value).is_err() {
            break;
        }
    }
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|n| n.as_str()).collect();
        notes.push(format!(
            "rebuilt {} from the preflight's Access-Control-Request-Headers: the export leaves {} out (Chromium's default export removes Authorization and Cookie), so the value is not known",
            names.join(", "),
            if names.len() == 1 { "it" } else { "them" }
        ));
    }
    map
}

/// A value no safelist accepts (it is longer than 128 bytes), for a safelisted name the
/// preflight listed although the export left it out.
const UNSAFE_PLACEHOLDER: &str = "(not in the export; the preflight listed it, so its value was not CORS-safelisted, which for this name means, among other things, longer than 128 bytes)";

/// Names that are CORS-safelisted for some values.
fn is_cors_safelisted_request_header_name(name: &str) -> bool {
    matches!(
        name,
        "accept" | "accept-language" | "content-language" | "content-type" | "range"
    )
}

fn mode_of(head: &Entry, origin: &Origin) -> Option<Mode> {
    if let Some(mode) = head.header("sec-fetch-mode") {
        return match mode.to_ascii_lowercase().as_str() {
            "cors" => Some(Mode::Cors),
            "no-cors" => Some(Mode::NoCors),
            "same-origin" => Some(Mode::SameOrigin),
            _ => None,
        };
    }
    match head.resource_type.as_deref() {
        Some("fetch" | "xhr" | "eventsource") => return Some(Mode::Cors),
        Some("document" | "websocket") => return None,
        _ => {}
    }
    if head.header("origin").is_some() || origin.same_origin_with_url(&head.url) {
        Some(Mode::Cors)
    } else {
        Some(Mode::NoCors)
    }
}

/// The element that made a load, from `Sec-Fetch-Dest` or, without it, Chromium's
/// `_resourceType`.
fn element_of(head: &Entry) -> Option<Element> {
    let from_dest = |d: &str| match d.to_ascii_lowercase().as_str() {
        "image" => Some(Element::Image),
        "script" => Some(Element::Script),
        "style" => Some(Element::Stylesheet),
        "font" => Some(Element::Font),
        "audio" | "video" => Some(Element::Media),
        _ => None,
    };
    match head.header("sec-fetch-dest") {
        Some(d) => from_dest(d),
        None => match head.resource_type.as_deref() {
            Some("image") => Some(Element::Image),
            Some("script") => Some(Element::Script),
            Some("stylesheet") => Some(Element::Stylesheet),
            Some("font") => Some(Element::Font),
            Some("media") => Some(Element::Media),
            _ => None,
        },
    }
}

/// Whether a request was made by script (`fetch()`/XHR) rather than by an element.
fn by_script(head: &Entry) -> bool {
    matches!(head.resource_type.as_deref(), Some("fetch" | "xhr"))
        || head.header("sec-fetch-dest") == Some("empty")
}

/// Entry positions of one group (same URL, ...), ascending, with path-compressed skips over
/// the taken ones in each direction, so that finding the nearest untaken position costs
/// amortized near-constant time instead of a scan.
#[derive(Default)]
struct Group {
    items: Vec<usize>,
    /// `forward[i]`: the smallest `j >= i` that may be untaken (`items.len()` for none).
    forward: Vec<usize>,
    /// `backward[i]`: like `forward`, over `items` reversed.
    backward: Vec<usize>,
}

impl Group {
    fn push(&mut self, position: usize) {
        self.items.push(position);
    }

    fn ready(&mut self) {
        if self.forward.len() != self.items.len() {
            self.forward = (0..self.items.len()).collect();
            self.backward = (0..self.items.len()).collect();
        }
    }

    /// The first untaken index `>= from` in `next`'s space; `item(i)` maps an index there
    /// to an entry position.
    fn find(
        next: &mut [usize],
        from: usize,
        taken: &[bool],
        item: impl Fn(usize) -> usize,
    ) -> Option<usize> {
        let len = next.len();
        let mut i = from;
        let mut path = Vec::new();
        let found = loop {
            if i >= len {
                break None;
            }
            if next[i] != i {
                path.push(i);
                i = next[i];
                continue;
            }
            if taken[item(i)] {
                path.push(i);
                next[i] = i + 1;
                i += 1;
                continue;
            }
            break Some(i);
        };
        let root = found.unwrap_or(len);
        for j in path {
            next[j] = root;
        }
        found
    }

    /// The first untaken position after `after`.
    fn first_after(&mut self, after: usize, taken: &[bool]) -> Option<usize> {
        self.ready();
        let from = self.items.partition_point(|&x| x <= after);
        let items = &self.items;
        Self::find(&mut self.forward, from, taken, |i| items[i]).map(|i| items[i])
    }

    /// The nearest untaken positions before and after `at`.
    fn around(&mut self, at: usize, taken: &[bool]) -> (Option<usize>, Option<usize>) {
        self.ready();
        let len = self.items.len();
        let split = self.items.partition_point(|&x| x < at);
        let items = &self.items;
        let after = Self::find(&mut self.forward, split, taken, |i| items[i]).map(|i| items[i]);
        let before = Self::find(&mut self.backward, len - split, taken, |i| {
            items[len - 1 - i]
        })
        .map(|i| items[len - 1 - i]);
        (before, after)
    }
}

/// Parses HAR text into a [`Capture`]. Fails with the line and column of a JSON syntax
/// error, a clear message for a truncated file, and the path of a missing field.
pub fn parse(text: &str, options: &HarOptions) -> Result<Capture, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(InputError::new("the HAR file is empty"));
    }
    let mut root: Value = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    let log = root
        .get_mut("log")
        .filter(|l| l.is_object())
        .ok_or_else(|| InputError::new("not a HAR file: the top level has no \"log\" object"))?;
    // Taken out of the tree and consumed one by one, so that each entry's JSON is freed as
    // soon as it is read (the tree is several times the size of the text).
    let list = match log.get_mut("entries").map(Value::take) {
        Some(Value::Array(list)) => list,
        _ => {
            return Err(InputError::new(
                "not a HAR file: log.entries is missing or not an array",
            ));
        }
    };
    let log = &*log;
    let total = list.len();
    let mut entries = Vec::with_capacity(total.min(MAX_HAR_ENTRIES));
    let mut skipped = Vec::new();
    if total > MAX_HAR_ENTRIES {
        skipped.push(Skipped {
            entry: None,
            method: String::new(),
            url: String::new(),
            reason: format!(
                "log.entries[{MAX_HAR_ENTRIES}..{total}]: {} entries past the {MAX_HAR_ENTRIES} cors-explain reads",
                total - MAX_HAR_ENTRIES
            ),
        });
    }
    for (index, e) in list.into_iter().take(MAX_HAR_ENTRIES).enumerate() {
        match parse_entry(index, &e)? {
            Ok(entry) => entries.push(entry),
            Err(skip) => skipped.push(skip),
        }
    }
    let (browser, browser_source) = detect_browser(log, &entries);
    let (origins, origin, origin_source) = page_origins(log, &entries, options)?;
    // Time order when every entry has a time, else file order.
    if entries.iter().all(|e| e.time.is_some()) {
        entries.sort_by_key(|e| (e.time, e.index));
    }
    let origin_of = |e: &Entry| -> Origin {
        e.pageref
            .as_ref()
            .and_then(|p| origins.get(p))
            .cloned()
            .unwrap_or_else(|| origin.clone())
    };

    // Redirect chains, in start order. A hop is the first untaken later entry to the
    // redirect's target in the same page; entries are grouped by (URL, page) so that finding
    // it does not scan the file.
    let n = entries.len();
    let mut claimed = vec![false; n];
    let mut by_target: HashMap<(&Url, Option<&str>), Group> = HashMap::new();
    for (i, e) in entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.is_preflight())
    {
        by_target
            .entry((&e.url, e.pageref.as_deref()))
            .or_default()
            .push(i);
    }
    let mut chains: Vec<Vec<usize>> = Vec::new();
    for start in 0..n {
        if claimed[start] || entries[start].is_preflight() {
            continue;
        }
        claimed[start] = true;
        let mut chain = vec![start];
        let mut cur = start;
        while let Some(target) = &entries[cur].redirect_to {
            let next = by_target
                .get_mut(&(target, entries[start].pageref.as_deref()))
                .and_then(|g| g.first_after(cur, &claimed));
            match next {
                Some(j) => {
                    claimed[j] = true;
                    chain.push(j);
                    cur = j;
                }
                None => break,
            }
        }
        chains.push(chain);
    }
    drop(by_target);

    // Preflights go with the nearest untaken hop to the same URL with the requested method:
    // nearest in time when every entry has a time (the list is then in time order), else
    // in file order; a tie goes to the earlier hop.
    let all_timed = entries.iter().all(|e| e.time.is_some());
    let mut hop_of = vec![(usize::MAX, usize::MAX); n];
    let mut by_method: HashMap<(&Url, String), Group> = HashMap::new();
    let mut by_url: HashMap<&Url, Group> = HashMap::new();
    for (c, chain) in chains.iter().enumerate() {
        for (k, &h) in chain.iter().enumerate() {
            hop_of[h] = (c, k);
        }
    }
    for (h, e) in entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.is_preflight())
    {
        by_method
            .entry((&e.url, e.method.to_ascii_uppercase()))
            .or_default()
            .push(h);
        by_url.entry(&e.url).or_default().push(h);
    }
    let mut preflights_of: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    let mut has_preflight = vec![false; n];
    let mut orphans = Vec::new();
    for p in (0..n).filter(|&i| entries[i].is_preflight()) {
        let pre = &entries[p];
        let group = match pre.header("access-control-request-method") {
            Some(m) => by_method.get_mut(&(&pre.url, m.to_ascii_uppercase())),
            None => by_url.get_mut(&pre.url),
        };
        let distance = |h: usize| -> u64 {
            match (all_timed, entries[h].time, pre.time) {
                (true, Some(x), Some(y)) => x.abs_diff(y),
                _ => h.abs_diff(p) as u64,
            }
        };
        let best = group.and_then(|g| {
            let (before, after) = g.around(p, &has_preflight);
            [before, after]
                .into_iter()
                .flatten()
                .min_by_key(|&h| (distance(h), h))
        });
        match best {
            Some(h) => {
                has_preflight[h] = true;
                preflights_of.insert(hop_of[h], vec![p]);
            }
            None => orphans.push(p),
        }
    }
    drop((by_method, by_url));

    let mut fetches = Vec::new();
    for (c, chain) in chains.iter().enumerate() {
        let head = &entries[chain[0]];
        let page_origin = origin_of(head);
        if head.is_favicon() {
            skipped.push(Skipped {
                entry: Some(head.index),
                method: head.method.clone(),
                url: head.url.to_string(),
                reason: "the browser's own favicon request, not the page's".to_owned(),
            });
            continue;
        }
        if head.is_navigation() {
            skipped.push(Skipped {
                entry: Some(head.index),
                method: head.method.clone(),
                url: head.url.to_string(),
                reason: "navigation (the page itself or a frame): not CORS-checked".to_owned(),
            });
            continue;
        }
        let Some(mode) = mode_of(head, &page_origin) else {
            skipped.push(Skipped {
                entry: Some(head.index),
                method: head.method.clone(),
                url: head.url.to_string(),
                reason: "not a fetch (WebSocket, navigation)".to_owned(),
            });
            continue;
        };
        let element = if by_script(head) {
            None
        } else {
            element_of(head)
        };
        if mode == Mode::NoCors && !by_script(head) && element.is_none() {
            skipped.push(Skipped {
                entry: Some(head.index),
                method: head.method.clone(),
                url: head.url.to_string(),
                reason: format!(
                    "no-cors {} (a load of a kind cors-explain does not know): opaque, not CORS-checked",
                    head.header("sec-fetch-dest")
                        .or(head.resource_type.as_deref())
                        .unwrap_or("subresource")
                ),
            });
            continue;
        }
        // parse_entry skips entries whose method is not a token.
        let Ok(method) = Method::from_bytes(head.method.as_bytes()) else {
            continue;
        };
        let mut exchanges = Vec::new();
        let mut listed: HashSet<String> = HashSet::new();
        for (k, &h) in chain.iter().enumerate() {
            for &p in preflights_of.get(&(c, k)).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(acrh) = entries[p].header("access-control-request-headers") {
                    listed.extend(acrh.split(',').map(|s| s.trim().to_ascii_lowercase()));
                }
                exchanges.push(entries[p].recorded(OutgoingKind::Preflight));
            }
            exchanges.push(entries[h].recorded(OutgoingKind::Request));
        }
        let mut notes = Vec::new();
        // An element sets no headers of its own: what the export lists, the browser added.
        let headers = match element {
            Some(_) => HeaderMap::new(),
            None => author_headers(&head.request_headers, &listed, &mut notes),
        };
        let (credentials, credentials_source) = match options.credentials {
            Some(c) => (c, "flag"),
            None if !page_origin.same_origin_with_url(&head.url)
                && chain.iter().any(|&h| entries[h].cookies_sent) =>
            {
                (CredentialsMode::Include, "cookie sent")
            }
            None => (CredentialsMode::SameOrigin, "no cookie sent"),
        };
        let time_ms = chain
            .iter()
            .chain(preflights_of.get(&(c, 0)).into_iter().flatten())
            .filter_map(|&i| entries[i].time)
            .min();
        fetches.push(PageFetch {
            origin: page_origin,
            method,
            url: head.url.clone(),
            headers,
            mode,
            credentials,
            credentials_source,
            // An element load is worded as its resource kind ("Access to image at ...").
            api: match element {
                Some(e) => e.initiator(None).console_api().unwrap_or(Api::Fetch),
                None if head.resource_type.as_deref() == Some("xhr") => Api::Xhr,
                None => Api::Fetch,
            },
            element,
            time_ms,
            exchanges,
            assume_missing_preflights_passed: true,
            notes,
            input: Input::Har,
        });
    }

    // A preflight without its request: the request was never listed, rebuild it from the
    // preflight's Access-Control-Request-* headers.
    for p in orphans {
        let pre = &entries[p];
        let page_origin = origin_of(pre);
        let method = pre
            .header("access-control-request-method")
            .and_then(|m| Method::from_bytes(m.trim().as_bytes()).ok())
            .unwrap_or(Method::GET);
        let names: Vec<&str> = pre
            .header("access-control-request-headers")
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if names.len() > MAX_HEADER_LINES {
            skipped.push(Skipped {
                entry: Some(pre.index),
                method: pre.method.clone(),
                url: pre.url.to_string(),
                reason: format!(
                    "a preflight without its request, whose Access-Control-Request-Headers lists {} names, more than the {MAX_HEADER_LINES} cors-explain rebuilds a request from",
                    names.len()
                ),
            });
            continue;
        }
        let mut headers = HeaderMap::new();
        for name in names {
            if let Ok(name) = HeaderName::from_bytes(name.as_bytes()) {
                // Any value: the names listed are CORS-unsafe whatever it was.
                if headers
                    .try_append(name, HeaderValue::from_static("?"))
                    .is_err()
                {
                    break; // not reached within MAX_HEADER_LINES
                }
            }
        }
        fetches.push(PageFetch {
            origin: page_origin,
            method,
            url: pre.url.clone(),
            headers,
            mode: Mode::Cors,
            credentials: options.credentials.unwrap_or(CredentialsMode::SameOrigin),
            credentials_source: if options.credentials.is_some() { "flag" } else { "unknown" },
            api: Api::Fetch,
            element: None,
            time_ms: pre.time,
            exchanges: vec![pre.recorded(OutgoingKind::Preflight)],
            assume_missing_preflights_passed: false,
            notes: vec![
                "the request itself is not in the HAR: rebuilt from its preflight's Access-Control-Request-Method and -Headers".to_owned(),
            ],
            input: Input::Har,
        });
    }
    fetches.sort_by_key(|f| {
        (
            f.time_ms.unwrap_or(i64::MAX),
            f.exchanges.first().and_then(|e| e.entry),
        )
    });
    skipped.sort_by_key(|s| s.entry);
    let mut notes = Vec::new();
    if browser == Some(Engine::WebKit) {
        notes.push(format!(
            "WebKit's HAR export leaves out requests that failed, CORS failures among them ({} fetch(es) here): a request missing from this file may have been blocked. Paste WebKit's console lines to `cors-explain message -` to explain them.",
            fetches.len()
        ));
    }
    Ok(Capture {
        origin,
        origin_source,
        browser,
        browser_source,
        fetches,
        skipped,
        unread: total.saturating_sub(MAX_HAR_ENTRIES),
        notes,
        input: Input::Har,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn har(entries: &str) -> String {
        format!(
            r#"{{"log": {{"version": "1.2", "creator": {{"name": "WebInspector", "version": "537.36"}},
            "pages": [{{"id": "page_1", "title": "https://app.example/index.html", "startedDateTime": "2024-01-01T00:00:00.000Z"}}],
            "entries": [{entries}]}}}}"#
        )
    }

    fn entry(
        t: &str,
        method: &str,
        url: &str,
        req: &str,
        status: i64,
        resp: &str,
        extra: &str,
    ) -> String {
        format!(
            r#"{{"startedDateTime": "{t}", "pageref": "page_1", {extra}
            "request": {{"method": "{method}", "url": "{url}", "headers": [{req}]}},
            "response": {{"status": {status}, "headers": [{resp}], "redirectURL": ""}}}}"#
        )
    }

    #[test]
    fn group_skips_taken_positions_both_ways() {
        let mut g = Group::default();
        for p in [2, 5, 7, 9, 12] {
            g.push(p);
        }
        let mut taken = vec![false; 13];
        assert_eq!(g.around(8, &taken), (Some(7), Some(9)));
        taken[7] = true;
        taken[9] = true;
        assert_eq!(g.around(8, &taken), (Some(5), Some(12)));
        assert_eq!(g.first_after(5, &taken), Some(12));
        taken[12] = true;
        taken[5] = true;
        assert_eq!(g.around(8, &taken), (Some(2), None));
        assert_eq!(g.first_after(0, &taken), Some(2));
        taken[2] = true;
        assert_eq!(g.around(8, &taken), (None, None));
        assert_eq!(g.first_after(0, &taken), None);
        assert_eq!(g.around(0, &taken), (None, None));
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_time("1970-01-01T00:00:01.5Z"), Some(1500));
        assert_eq!(parse_time("1970-01-01T01:00:00.000+01:00"), Some(0));
        assert_eq!(parse_time("2000-03-01T00:00:00Z"), Some(951_868_800_000));
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn groups_preflight_redirect_and_origin() {
        let text = har(&[
            entry("2024-01-01T00:00:00.000Z", "GET", "https://app.example/index.html", "", 200, "", r#""_resourceType": "document","#),
            entry("2024-01-01T00:00:01.010Z", "PUT", "https://api.example/x", r#"{"name": "content-type", "value": "application/json"}, {"name": "Cookie", "value": "a=1"}, {"name": "Accept-Language", "value": "en"}"#, 200, "", r#""_resourceType": "fetch","#),
            entry("2024-01-01T00:00:01.000Z", "OPTIONS", "https://api.example/x", r#"{"name": "Access-Control-Request-Method", "value": "PUT"}, {"name": "Access-Control-Request-Headers", "value": "content-type"}"#, 204, "", r#""_resourceType": "preflight","#),
            entry("2024-01-01T00:00:02.000Z", "GET", "https://api.example/r", "", 302, r#"{"name": "Location", "value": "https://c.example/final"}"#, r#""_resourceType": "fetch","#),
            entry("2024-01-01T00:00:02.100Z", "GET", "https://c.example/final", "", 200, "", r#""_resourceType": "fetch","#),
            entry("2024-01-01T00:00:03.000Z", "GET", "https://cdn.example/a.png", "", 200, "", r#""_resourceType": "image","#),
        ].join(","));
        let cap = parse(&text, &HarOptions::default()).unwrap();
        assert_eq!(cap.origin.serialize(), "https://app.example");
        assert_eq!(cap.origin_source, "pages[0].title");
        assert_eq!(cap.browser, Some(Engine::Chromium));
        // The image is an element load, replayed with its own rules.
        assert_eq!(cap.fetches.len(), 3);
        assert_eq!(cap.fetches[2].element, Some(Element::Image));
        assert_eq!(cap.fetches[2].mode, Mode::NoCors);
        assert!(cap.fetches[..2].iter().all(|f| f.element.is_none()));
        let put = &cap.fetches[0];
        assert_eq!(put.method, Method::PUT);
        assert_eq!(put.credentials, CredentialsMode::Include);
        let kinds: Vec<_> = put.exchanges.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [OutgoingKind::Preflight, OutgoingKind::Request]);
        let names: Vec<&str> = put.headers.keys().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            ["content-type"],
            "cookie and accept-language are the browser's"
        );
        let redirect = &cap.fetches[1];
        assert_eq!(redirect.exchanges.len(), 2);
        assert_eq!(redirect.exchanges[1].request.url, "https://c.example/final");
        assert_eq!(cap.skipped.len(), 1, "{:?}", cap.skipped);
    }

    #[test]
    fn firefox_request_before_its_preflight() {
        // Firefox lists the request first; two requests to the same URL, one preflight.
        let text = har(&[
            entry(
                "2024-01-01T00:00:01.000+00:00",
                "GET",
                "https://api.example/c",
                r#"{"name": "X-Test", "value": "1"}, {"name": "Sec-Fetch-Mode", "value": "cors"}"#,
                200,
                "",
                "",
            ),
            entry(
                "2024-01-01T00:00:01.003+00:00",
                "OPTIONS",
                "https://api.example/c",
                r#"{"name": "Access-Control-Request-Method", "value": "GET"}"#,
                204,
                "",
                "",
            ),
            entry(
                "2024-01-01T00:00:01.200+00:00",
                "GET",
                "https://api.example/c",
                r#"{"name": "X-Test", "value": "1"}, {"name": "Sec-Fetch-Mode", "value": "cors"}"#,
                200,
                "",
                "",
            ),
        ]
        .join(","));
        let cap = parse(&text, &HarOptions::default()).unwrap();
        assert_eq!(cap.fetches.len(), 2);
        assert_eq!(cap.fetches[0].exchanges.len(), 2);
        assert_eq!(cap.fetches[1].exchanges.len(), 1);
    }

    #[test]
    fn orphan_preflight_rebuilds_the_request() {
        let text = har(&entry(
            "2024-01-01T00:00:01Z",
            "OPTIONS",
            "https://api.example/d",
            r#"{"name": "Access-Control-Request-Method", "value": "DELETE"}, {"name": "Access-Control-Request-Headers", "value": "x-a"}"#,
            403,
            "",
            "",
        ));
        let cap = parse(&text, &HarOptions::default()).unwrap();
        assert_eq!(cap.fetches[0].method, Method::DELETE);
        assert!(cap.fetches[0].headers.contains_key("x-a"));
    }

    #[test]
    fn errors() {
        let e = parse("{\"log\": {\"entries\": [", &HarOptions::default()).unwrap_err();
        assert!(e.message.contains("truncated"), "{e}");
        assert_eq!(e.line, Some(1));
        let e = parse("{\n  \"log\": nope\n}", &HarOptions::default()).unwrap_err();
        assert!(e.message.contains("not valid JSON"), "{e}");
        assert_eq!((e.line, e.column), (Some(2), Some(11)));
        let e = parse("[]", &HarOptions::default()).unwrap_err();
        assert!(e.message.contains("no \"log\""));
        let e = parse(
            r#"{"log": {"entries": [{"request": {"url": "https://a.example/"}}]}}"#,
            &HarOptions::default(),
        )
        .unwrap_err();
        assert!(e.message.contains("log.entries[0].request.method"), "{e}");
        let e = parse(r#"{"log": {"entries": [{"request": {"method": "GET", "url": "https://a.example/"}}]}}"#, &HarOptions::default()).unwrap_err();
        assert!(e.message.contains("--origin"), "{e}");
        assert!(
            parse("", &HarOptions::default())
                .unwrap_err()
                .message
                .contains("empty")
        );
    }
}
