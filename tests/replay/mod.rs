//! Replays conformance scenarios through the engine and compares the result with what real
//! browsers did.
//!
//! The formats are the project's fixed ones (`../shared/reference/scenario-format.md`):
//! scenarios in, predictions out, observations to compare with. Shared by the `replay`
//! example (the command-line tool) and the `browser_replay` test.

#![allow(dead_code, unreachable_pub)]

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::num::NonZeroU64;

use fetch_cors::header::mime::parse_mime_type;
use fetch_cors::header::safelist::{
    is_forbidden_request_header_in, is_no_cors_safelisted_in,
    is_privileged_no_cors_request_header_name,
};
use fetch_cors::header::values::{is_header_name, is_header_value, normalize_header_value};
use fetch_cors::{
    Action, CorsFetch, CredentialsMode, Initiator, Mode, OpaqueOrigin, Origin, OutgoingKind,
    PreflightCache, Profile, RedirectMode, Request, RequestCacheMode, Timestamp, method,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::{Deserialize, Serialize};
use url::Url;

// ---------------------------------------------------------------- the formats

/// One scenario (a line of a scenario file).
#[derive(Debug, Clone, Deserialize)]
pub struct Scenario {
    pub id: String,
    pub theme: String,
    #[serde(default)]
    pub why: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Step {
    pub fetch: FetchSpec,
    pub server: ServerSpec,
    #[serde(default)]
    pub sleep_before_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FetchSpec {
    pub url_origin: String,
    pub path: String,
    #[serde(default)]
    pub userinfo: Option<String>,
    pub method: String,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    #[serde(default)]
    pub credentials: Option<String>,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub redirect: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub cache: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub api: Option<String>,
    #[serde(default)]
    pub xhr_upload_listener: Option<bool>,
    /// `img`, `script`, `module`, `stylesheet`: the `crossorigin` attribute (null: absent).
    #[serde(default)]
    pub crossorigin: Option<String>,
    /// `beacon`: present (even `""`) means the data is a `Blob` of this type.
    #[serde(default)]
    pub beacon_type: Option<String>,
}

/// The `api` values of the initiator extension (elements and other APIs).
pub const INITIATOR_APIS: [&str; 7] = [
    "img",
    "script",
    "module",
    "stylesheet",
    "font",
    "eventsource",
    "beacon",
];

impl FetchSpec {
    /// The initiator an element or API step names; `None` for `fetch` and `xhr` steps.
    ///
    /// `blob` is [`FetchSpec::blob_type`], kept by the caller so the initiator can borrow it.
    pub fn initiator<'a>(&'a self, blob: Option<&'a str>) -> Option<Initiator<'a>> {
        let crossorigin = self.crossorigin.as_deref();
        Some(match self.api.as_deref()? {
            "img" => Initiator::Image { crossorigin },
            "script" => Initiator::Script { crossorigin },
            "module" => Initiator::ModuleScript { crossorigin },
            "stylesheet" => Initiator::Stylesheet { crossorigin },
            "font" => Initiator::Font,
            "eventsource" => Initiator::EventSource {
                with_credentials: self.credentials.as_deref() == Some("include"),
            },
            "beacon" => Initiator::Beacon {
                content_type: match (&self.beacon_type, &self.body) {
                    (Some(_), _) => blob,
                    (None, Some(_)) => Some("text/plain;charset=UTF-8"),
                    (None, None) => None,
                },
            },
            _ => return None,
        })
    }

    /// A beacon's `Blob` type as the `Blob` constructor keeps it: lowercased, or none when
    /// empty or holding a byte outside U+0020..U+007E (an untyped `Blob`).
    pub fn blob_type(&self) -> Option<String> {
        let t = self.beacon_type.as_deref()?;
        (!t.is_empty() && t.bytes().all(|b| (0x20..=0x7e).contains(&b)))
            .then(|| t.to_ascii_lowercase())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSpec {
    /// Absent and `null` both mean "404 without CORS headers".
    #[serde(default)]
    pub preflight: Option<Resp>,
    #[serde(default)]
    pub hops: Vec<Resp>,
    #[serde(default)]
    pub no_default_cache_control: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Resp {
    #[serde(default = "default_status")]
    pub status: u16,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    #[serde(default)]
    pub preflight: Option<Box<Resp>>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub no_default_cache_control: bool,
    /// The body kind (initiator extension): `text`, `png`, `js`, `css`, `font`, `event-stream`.
    #[serde(default)]
    pub body_kind: Option<String>,
}

fn default_status() -> u16 {
    200
}

/// One request on the wire, in the fields both predictions and observations have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireRequest {
    pub kind: String,
    pub origin_letter: String,
    pub hop: Option<u64>,
    pub method: String,
    pub origin: Option<String>,
    pub acrm: Option<String>,
    pub acrh: Option<String>,
    /// Prediction: whether the request includes credentials (the initiator extension's
    /// optional field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<bool>,
    /// Observation: whether the browser sent a `Cookie` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookie_present: Option<bool>,
}

impl WireRequest {
    /// The fields the format compares request by request (`credentials` is scored apart).
    fn same_wire(&self, other: &WireRequest) -> bool {
        (
            &self.kind,
            &self.origin_letter,
            self.hop,
            &self.method,
            &self.origin,
            &self.acrm,
            &self.acrh,
        ) == (
            &other.kind,
            &other.origin_letter,
            other.hop,
            &other.method,
            &other.origin,
            &other.acrm,
            &other.acrh,
        )
    }
}

/// What script saw of a successful step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenResponse {
    #[serde(rename = "type")]
    pub response_type: Option<String>,
    pub status: u16,
    pub redirected: Option<bool>,
    pub url_origin: Option<String>,
    pub header_names: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PredictedStep {
    pub step: usize,
    pub outcome: String,
    pub requests: Vec<WireRequest>,
    pub response: Option<SeenResponse>,
    pub error: Option<String>,
    /// Initiator steps: whether the page can use what it got (`page.readable`).
    pub readable: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Prediction {
    pub id: String,
    pub profile: String,
    pub steps: Vec<PredictedStep>,
}

/// The parts of an observation line the comparison reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Observation {
    pub id: String,
    pub browser: String,
    #[serde(default)]
    pub browser_version: String,
    #[serde(default)]
    pub complete: bool,
    pub steps: Vec<ObservedStep>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ObservedStep {
    pub step: usize,
    pub page: ObservedPage,
    pub server_requests: Vec<WireRequest>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ObservedPage {
    pub outcome: String,
    #[serde(default)]
    pub response: Option<ObservedResponse>,
    #[serde(default)]
    pub readable: Option<bool>,
    #[serde(default)]
    pub api: Option<String>,
    /// `A` or `opaque`.
    #[serde(default)]
    pub context: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ObservedResponse {
    #[serde(rename = "type")]
    pub response_type: Option<String>,
    pub status: u16,
    #[serde(default)]
    pub header_names: Vec<String>,
}

// ---------------------------------------------------------------- origins of the formats

/// (letter, scheme+host+port) for the format's origins.
pub const ORIGINS: [(&str, &str); 4] = [
    ("A", "http://127.0.0.1:8801"),
    ("B", "http://127.0.0.1:8802"),
    ("Bp", "http://localhost:8802"),
    ("C", "http://127.0.0.1:8803"),
];

pub fn origin_base(letter: &str) -> Option<&'static str> {
    ORIGINS.iter().find(|(l, _)| *l == letter).map(|(_, o)| *o)
}

pub fn letter_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(0);
    match (host, port) {
        ("127.0.0.1", 8801) => "A".into(),
        ("127.0.0.1", 8802) => "B".into(),
        ("localhost", 8802) => "Bp".into(),
        ("127.0.0.1", 8803) => "C".into(),
        // As the recorder spells an unknown Host header: host, and the port if not default.
        _ => match url.port() {
            Some(p) => format!("?{host}:{p}"),
            None => format!("?{host}"),
        },
    }
}

/// `(scenario id, hop)` from `/s/<id>/h<N>`.
pub fn scenario_path(url: &Url) -> Option<(String, Option<u64>)> {
    let mut parts = url.path().strip_prefix("/s/")?.splitn(2, '/');
    let id = parts.next()?.to_owned();
    let hop = parts
        .next()
        .and_then(|h| h.strip_prefix('h'))
        .and_then(|n| n.parse().ok());
    Some((id, hop))
}

/// Header text as bytes: code points up to U+00FF are single bytes (isomorphic encoding).
fn isomorphic(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}

// ---------------------------------------------------------------- building the page's request

/// Why a step never reached the network (public for the adapter's over-the-wire replay).
#[derive(Debug)]
pub enum Construct {
    /// `new Request()`, `open()` or `setRequestHeader()` threw.
    Threw(String),
    /// The step uses something the tool does not model.
    Unsupported(String),
}

/// The page's request after the `Request` constructor (or XHR) and the `Headers` guard.
pub struct Built {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub mode: Mode,
    pub credentials: CredentialsMode,
    pub redirect: RedirectMode,
    pub use_cors_preflight: bool,
    pub xhr: bool,
    pub cache_mode: RequestCacheMode,
    /// An element or API step: the request is the one this initiator makes.
    pub initiator: bool,
}

/// The request an element or API makes: `GET` (`POST` for a beacon) with no author headers;
/// mode and credentials come from the library's initiator settings (`Request::with_initiator`).
fn build_initiator(url: Url, initiator: &Initiator<'_>, profile: &Profile) -> Built {
    let mut headers = HeaderMap::new();
    let mut method = Method::GET;
    if let Initiator::Beacon { content_type } = initiator {
        method = Method::POST;
        if let Some(v) = content_type.and_then(|t| HeaderValue::from_str(t).ok()) {
            headers.insert(http::header::CONTENT_TYPE, v);
        }
    }
    let settings = initiator.settings(profile);
    Built {
        method,
        url,
        headers,
        mode: settings.mode.unwrap_or(Mode::Cors),
        credentials: settings.credentials.unwrap_or(CredentialsMode::SameOrigin),
        redirect: RedirectMode::Follow,
        use_cors_preflight: false,
        xhr: false,
        cache_mode: RequestCacheMode::Default,
        initiator: true,
    }
}

pub fn build(fetch: &FetchSpec, profile: &Profile) -> Result<Built, Construct> {
    let base = origin_base(&fetch.url_origin)
        .ok_or_else(|| Construct::Unsupported(format!("origin letter {}", fetch.url_origin)))?;
    let xhr = fetch.api.as_deref() == Some("xhr");
    let text = match &fetch.userinfo {
        Some(u) => base.replacen("://", &format!("://{u}@"), 1) + &fetch.path,
        None => format!("{base}{}", fetch.path),
    };
    let url = Url::parse(&text).map_err(|e| Construct::Threw(format!("invalid URL: {e}")))?;
    if !xhr && (!url.username().is_empty() || url.password().is_some()) {
        return Err(Construct::Threw("URL with credentials".into()));
    }
    let blob = fetch.blob_type();
    if let Some(initiator) = fetch.initiator(blob.as_deref()) {
        return Ok(build_initiator(url, &initiator, profile));
    }
    let method = Method::from_bytes(fetch.method.as_bytes())
        .map_err(|_| Construct::Threw("invalid method".into()))?;
    if method::is_forbidden_method(fetch.method.as_bytes()) {
        return Err(Construct::Threw("forbidden method".into()));
    }
    let method = method::normalize(&method);

    let (mode, credentials, redirect) = if xhr {
        let credentials = if fetch.credentials.as_deref() == Some("include") {
            CredentialsMode::Include
        } else {
            CredentialsMode::SameOrigin
        };
        (Mode::Cors, credentials, RedirectMode::Follow)
    } else {
        let mode = match fetch.mode.as_deref().unwrap_or("cors") {
            "cors" => Mode::Cors,
            "no-cors" => Mode::NoCors,
            "same-origin" => Mode::SameOrigin,
            "navigate" => return Err(Construct::Threw("mode navigate".into())),
            other => return Err(Construct::Unsupported(format!("mode {other}"))),
        };
        let credentials = match fetch.credentials.as_deref().unwrap_or("same-origin") {
            "omit" => CredentialsMode::Omit,
            "same-origin" => CredentialsMode::SameOrigin,
            "include" => CredentialsMode::Include,
            other => return Err(Construct::Unsupported(format!("credentials {other}"))),
        };
        let redirect = match fetch.redirect.as_deref().unwrap_or("follow") {
            "follow" => RedirectMode::Follow,
            "manual" => RedirectMode::Manual,
            "error" => RedirectMode::Error,
            other => return Err(Construct::Unsupported(format!("redirect {other}"))),
        };
        (mode, credentials, redirect)
    };
    if fetch.cache.as_deref() == Some("only-if-cached") && mode != Mode::SameOrigin {
        return Err(Construct::Threw(
            "only-if-cached needs mode same-origin".into(),
        ));
    }
    if mode == Mode::NoCors && !method::is_cors_safelisted_method(&method) {
        return Err(Construct::Threw(
            "no-cors with a non-safelisted method".into(),
        ));
    }

    let mut headers = HeaderMap::new();
    for (name, value) in &fetch.headers {
        let value = isomorphic(value)
            .ok_or_else(|| Construct::Threw("header value is not a ByteString".into()))?;
        let value = normalize_header_value(&value).to_vec();
        if !is_header_name(name.as_bytes()) || !is_header_value(&value) {
            return Err(Construct::Threw(format!("invalid header {name}")));
        }
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Construct::Threw(format!("invalid header name {name}")))?;
        let value = HeaderValue::from_bytes(&value)
            .map_err(|_| Construct::Unsupported("header value http cannot hold".into()))?;
        if is_forbidden_request_header_in(&name, value.as_bytes(), &profile.safelist) {
            // The "request" guard drops it silently (XHR ignores it too), as the profile's
            // engine runs it.
            continue;
        }
        if xhr {
            // setRequestHeader combines a repeated name into one value.
            let combined = match headers.get(&name) {
                Some(old) => {
                    let mut v = old.as_bytes().to_vec();
                    v.extend_from_slice(b", ");
                    v.extend_from_slice(value.as_bytes());
                    HeaderValue::from_bytes(&v)
                        .map_err(|_| Construct::Unsupported("combined value".into()))?
                }
                None => value,
            };
            headers.insert(name, combined);
            continue;
        }
        headers.append(name.clone(), value);
        if mode == Mode::NoCors {
            // The "request-no-cors" guard: the combined value must stay safelisted, or the
            // new value is dropped; Range is removed on every change.
            if !is_no_cors_safelisted_in(&headers, &name) {
                let kept: Vec<HeaderValue> = headers.get_all(&name).iter().cloned().collect();
                headers.remove(&name);
                for v in &kept[..kept.len() - 1] {
                    headers.append(name.clone(), v.clone());
                }
            }
            let privileged: Vec<HeaderName> = headers
                .keys()
                .filter(|n| is_privileged_no_cors_request_header_name(n.as_str().as_bytes()))
                .cloned()
                .collect();
            for n in privileged {
                headers.remove(n);
            }
        }
    }

    let mut use_cors_preflight = false;
    let has_body = fetch.body.is_some() && method != Method::GET && method != Method::HEAD;
    if xhr && has_body && profile.script.xhr_charset_rewritten_before_cors {
        // XMLHttpRequest.send() sets a Content-Type charset parameter to UTF-8.
        if let Some(mut mime) = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| parse_mime_type(v.as_bytes()))
        {
            if let Some(p) = mime
                .parameters
                .iter_mut()
                .find(|(n, v)| n == "charset" && !v.eq_ignore_ascii_case("UTF-8"))
            {
                p.1 = "UTF-8".into();
                if let Ok(v) = HeaderValue::from_bytes(&mime.to_bytes()) {
                    headers.insert(http::header::CONTENT_TYPE, v);
                }
            }
        }
    }
    if let Some(_body) = &fetch.body {
        if !xhr && (method == Method::GET || method == Method::HEAD) {
            return Err(Construct::Threw("GET/HEAD with a body".into()));
        }
        if has_body && !headers.contains_key(http::header::CONTENT_TYPE) {
            headers.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain;charset=UTF-8"),
            );
        }
    }
    if xhr
        && fetch.xhr_upload_listener == Some(true)
        && (has_body || !profile.script.xhr_upload_listener_needs_body)
    {
        use_cors_preflight = true;
    }
    let cache_mode = match fetch.cache.as_deref() {
        None | Some("default") => RequestCacheMode::Default,
        Some("no-store") => RequestCacheMode::NoStore,
        Some("reload") => RequestCacheMode::Reload,
        Some("no-cache") => RequestCacheMode::NoCache,
        Some("force-cache") => RequestCacheMode::ForceCache,
        Some("only-if-cached") => RequestCacheMode::OnlyIfCached,
        Some(other) => return Err(Construct::Unsupported(format!("cache mode {other}"))),
    };
    Ok(Built {
        method,
        url,
        headers,
        mode,
        credentials,
        redirect,
        use_cors_preflight,
        xhr,
        cache_mode,
        initiator: false,
    })
}

// ---------------------------------------------------------------- the scenario server

/// Answers one request by the format's server rules.
pub fn serve(
    id: &str,
    step: &Step,
    request: &http::Request<()>,
) -> Result<http::Response<()>, String> {
    serve_with_body(id, step, request).map(|(head, _)| head)
}

/// The same, with the body a server on a socket sends (`Content-Length` counts it).
pub fn serve_with_body(
    id: &str,
    step: &Step,
    request: &http::Request<()>,
) -> Result<(http::Response<()>, String), String> {
    let url = Url::parse(&request.uri().to_string()).map_err(|e| e.to_string())?;
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key("access-control-request-method");
    let kind = if preflight { "preflight" } else { "request" };
    let (status, headers, body) = match scenario_path(&url) {
        Some((sid, _)) if sid != id => (410, Vec::new(), "not the current scenario\n".to_owned()),
        Some((_, hop)) => {
            let hop_resp = hop.and_then(|h| step.server.hops.get(usize::try_from(h).ok()?));
            let resp = if preflight {
                hop_resp
                    .and_then(|r| r.preflight.as_deref())
                    .or(step.server.preflight.as_ref())
            } else {
                hop_resp
            };
            let label = hop.map_or("h?".to_owned(), |h| format!("h{h}"));
            let api = step.fetch.api.as_deref().unwrap_or("fetch");
            build_response(
                resp,
                kind,
                id,
                &label,
                step.server.no_default_cache_control,
                api,
            )
        }
        None => (404, Vec::new(), "not found\n".to_owned()),
    };
    let mut b = http::Response::builder().status(status);
    for (name, value) in headers {
        let bytes = isomorphic(&value).unwrap_or_else(|| value.clone().into_bytes());
        // A browser's HTTP parser strips optional whitespace around a field value.
        let trimmed = normalize_header_value(&bytes);
        let value = HeaderValue::from_bytes(trimmed)
            .map_err(|_| format!("response header {name} has bytes http cannot hold"))?;
        b = b.header(name.as_str(), value);
    }
    b.body(())
        .map(|head| (head, body))
        .map_err(|e| e.to_string())
}

fn build_response(
    resp: Option<&Resp>,
    kind: &str,
    id: &str,
    hop: &str,
    server_no_cc: bool,
    api: &str,
) -> (u16, Vec<(String, String)>, String) {
    // The body kind (initiator extension): scripted, else from the API for scripted
    // requests; preflights and unscripted answers are text. Only its Content-Type matters
    // here; the stand-in body keeps Content-Length non-zero.
    let kind_of = |r: &Resp| {
        r.body_kind.clone().or_else(|| {
            (r.body.is_none() && kind == "request").then(|| {
                match api {
                    "img" => "png",
                    "script" | "module" => "js",
                    "stylesheet" => "css",
                    "font" => "font",
                    "eventsource" => "event-stream",
                    _ => "text",
                }
                .to_owned()
            })
        })
    };
    let content_type = match resp.and_then(kind_of).as_deref() {
        Some("png") => "image/png",
        Some("js") => "text/javascript",
        Some("css") => "text/css",
        Some("font") => "font/ttf",
        Some("event-stream") => "text/event-stream",
        _ => "text/plain; charset=utf-8",
    };
    let (status, mut headers, body, no_cc) = match resp {
        None => (404, Vec::new(), format!("{kind}:{id}:{hop}\n"), false),
        Some(r) => {
            let headers = r
                .headers
                .iter()
                .map(|(n, v)| {
                    let v = if n.eq_ignore_ascii_case("location") {
                        rewrite_location(v)
                    } else {
                        v.clone()
                    };
                    (n.clone(), v)
                })
                .collect();
            let body = r
                .body
                .clone()
                .unwrap_or_else(|| format!("{kind}:{id}:{hop}\n"));
            (
                r.status,
                headers,
                body,
                r.no_default_cache_control || server_no_cc,
            )
        }
    };
    let body = if matches!(status, 204 | 304) {
        String::new()
    } else {
        body
    };
    let has = |headers: &Vec<(String, String)>, n: &str| {
        headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n))
    };
    if !has(&headers, "cache-control") && !no_cc {
        headers.push(("Cache-Control".into(), "no-store".into()));
    }
    if !body.is_empty() && !has(&headers, "content-type") {
        headers.push(("Content-Type".into(), content_type.into()));
    }
    if !matches!(status, 204 | 304) && !has(&headers, "content-length") {
        headers.push(("Content-Length".into(), body.len().to_string()));
    }
    (status, headers, body)
}

fn rewrite_location(value: &str) -> String {
    if let Some((letter, path)) = value.split_once(':') {
        if let Some(base) = origin_base(letter) {
            if path.starts_with('/') {
                return format!("{base}{path}");
            }
        }
    }
    value.to_owned()
}

// ---------------------------------------------------------------- running a scenario

pub fn header_text(request: &http::Request<()>, name: &str) -> Option<String> {
    let values: Vec<String> = request
        .headers()
        .get_all(name)
        .iter()
        .map(|v| v.as_bytes().iter().map(|&b| char::from(b)).collect())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// Runs every step of `scenario` through the engine under `profile`.
pub fn predict(scenario: &Scenario, profile: &Profile) -> Prediction {
    let mut cache = PreflightCache::new(profile);
    let page =
        Origin::parse(ORIGINS[0].1).unwrap_or_else(|_| Origin::from(OpaqueOrigin::anonymous()));
    // All opaque steps of a scenario share one sandboxed frame, hence one opaque origin.
    let sandbox = Origin::from(OpaqueOrigin::with_id(NonZeroU64::MIN));
    let mut now = Timestamp::ZERO;
    let mut steps = Vec::new();
    for (i, step) in scenario.steps.iter().enumerate() {
        now = now + std::time::Duration::from_millis(step.sleep_before_ms);
        let origin = if step.fetch.page.as_deref() == Some("opaque") {
            &sandbox
        } else {
            &page
        };
        steps.push(predict_step(
            i,
            &scenario.id,
            step,
            origin,
            profile,
            &mut cache,
            now,
        ));
    }
    Prediction {
        id: scenario.id.clone(),
        profile: profile.engine.name().to_owned(),
        steps,
    }
}

fn predict_step(
    i: usize,
    id: &str,
    step: &Step,
    origin: &Origin,
    profile: &Profile,
    cache: &mut PreflightCache,
    now: Timestamp,
) -> PredictedStep {
    let unsupported = |why: String| PredictedStep {
        step: i,
        outcome: "unsupported".into(),
        requests: Vec::new(),
        response: None,
        error: Some(why),
        readable: None,
    };
    let built = match build(&step.fetch, profile) {
        Ok(b) => b,
        Err(Construct::Threw(why)) => {
            return PredictedStep {
                step: i,
                outcome: "error".into(),
                requests: Vec::new(),
                response: None,
                error: Some(format!("construct: {why}")),
                readable: None,
            };
        }
        Err(Construct::Unsupported(why)) => return unsupported(why),
    };
    let blob = step.fetch.blob_type();
    let initiator = step.fetch.initiator(blob.as_deref());
    // XHR's open() takes a username and password in the URL; fetch() rejects them.
    let new = if built.xhr {
        Request::xhr
    } else {
        Request::new
    };
    let request = match new(
        &built.method,
        Cow::Borrowed(&built.url),
        &built.headers,
        origin,
    ) {
        Ok(r) => r
            .with_mode(built.mode)
            .with_credentials(built.credentials)
            .with_redirect(built.redirect)
            .with_use_cors_preflight(built.use_cors_preflight)
            .with_cache_mode(built.cache_mode)
            .with_initiator(&initiator.unwrap_or(Initiator::Fetch), profile),
        Err(e) => {
            return PredictedStep {
                step: i,
                outcome: "error".into(),
                requests: Vec::new(),
                response: None,
                error: Some(e.to_string()),
                readable: None,
            };
        }
    };
    let mut fetch = match CorsFetch::new(&request, profile) {
        Ok(f) => f,
        Err(e) => {
            return PredictedStep {
                step: i,
                outcome: "error".into(),
                requests: Vec::new(),
                response: None,
                error: Some(e.to_string()),
                readable: None,
            };
        }
    };
    let mut requests = Vec::new();
    // The last request's response headers: an element's MIME check reads them.
    let mut last_headers = http::HeaderMap::new();
    let outcome = loop {
        match fetch.poll(cache, now) {
            Action::Send(out) => {
                let r = &out.request;
                let Ok(url) = Url::parse(&r.uri().to_string()) else {
                    return unsupported("unparsable outgoing URI".into());
                };
                requests.push(WireRequest {
                    kind: if out.kind == OutgoingKind::Preflight {
                        "preflight".into()
                    } else {
                        "request".into()
                    },
                    origin_letter: letter_of(&url),
                    hop: scenario_path(&url).and_then(|(_, h)| h),
                    method: r.method().to_string(),
                    origin: header_text(r, "origin"),
                    acrm: header_text(r, "access-control-request-method"),
                    acrh: header_text(r, "access-control-request-headers"),
                    credentials: Some(out.include_credentials),
                    cookie_present: None,
                });
                let response = match serve(id, step, r) {
                    Ok(resp) => resp,
                    Err(why) => return unsupported(why),
                };
                if out.kind == OutgoingKind::Request {
                    last_headers = response.headers().clone();
                }
                if let Err(e) = fetch.handle_response(&response, cache, now) {
                    return unsupported(format!("driver bug: {e}"));
                }
            }
            Action::Wait => return unsupported("machine waits with nothing outstanding".into()),
            Action::Done(outcome) => break outcome,
            _ => unreachable!("an action this driver does not know"),
        }
    };
    if let Some(initiator) = initiator {
        // Elements and APIs expose no Response: the outcome is the element's event, and
        // `readable` what the page may do with the result. A beacon's result is never seen:
        // sendBeacon returned true once the request was queued.
        let beacon = matches!(initiator, Initiator::Beacon { .. });
        // A load the element refuses for its MIME type ends in its `error` event.
        let refused = outcome.is_ok() && initiator.refuses_mime_type(&last_headers, profile);
        let readable = match (&outcome, initiator) {
            _ if refused => None,
            (
                Ok(resp),
                Initiator::Image { .. }
                | Initiator::Script { .. }
                | Initiator::ModuleScript { .. }
                | Initiator::Stylesheet { .. },
            ) => Some(initiator.page_can_read(resp.response_type, profile)),
            _ => None,
        };
        let ok = (outcome.is_ok() && !refused) || beacon;
        return PredictedStep {
            step: i,
            outcome: if ok { "ok" } else { "error" }.into(),
            requests,
            response: None,
            error: outcome
                .err()
                .map(|e| e.to_string())
                .or_else(|| refused.then(|| "refused for its MIME type".to_owned())),
            readable,
        };
    }
    match outcome {
        // XHR reports a network error for status 0 too; an XHR never gets an opaque response.
        Ok(resp) => PredictedStep {
            step: i,
            outcome: "ok".into(),
            requests,
            response: Some(SeenResponse {
                response_type: (!built.xhr).then(|| resp.response_type.as_str().to_owned()),
                status: resp.status,
                redirected: (!built.xhr).then_some(resp.redirected),
                url_origin: resp.url.as_ref().map(letter_of),
                header_names: resp
                    .header_names
                    .iter()
                    .map(|n| n.as_str().to_owned())
                    .collect(),
            }),
            error: None,
            readable: None,
        },
        Err(e) => PredictedStep {
            step: i,
            outcome: "error".into(),
            requests,
            response: None,
            error: Some(e.to_string()),
            readable: None,
        },
    }
}

// ---------------------------------------------------------------- comparing

/// Why a predicted step does not agree with an observed one (empty = agrees), by the
/// format's rule: same outcome, same requests field by field, and for `ok` the same type,
/// status and set of readable header names.
pub fn disagreements(pred: &PredictedStep, obs: &ObservedStep) -> Vec<String> {
    let mut out = Vec::new();
    if pred.outcome != obs.page.outcome {
        out.push(format!(
            "outcome: engine {} ({}), browser {}",
            pred.outcome,
            pred.error.as_deref().unwrap_or("-"),
            obs.page.outcome
        ));
    }
    let same = pred.requests.len() == obs.server_requests.len()
        && pred
            .requests
            .iter()
            .zip(&obs.server_requests)
            .all(|(p, o)| p.same_wire(o));
    if !same {
        let show = |rs: &[WireRequest]| {
            rs.iter()
                .map(|r| {
                    format!(
                        "{} {} {}/h{} origin={} acrm={} acrh={}",
                        r.kind,
                        r.method,
                        r.origin_letter,
                        r.hop.map_or("?".into(), |h| h.to_string()),
                        r.origin.as_deref().unwrap_or("-"),
                        r.acrm.as_deref().unwrap_or("-"),
                        r.acrh.as_deref().unwrap_or("-")
                    )
                })
                .collect::<Vec<_>>()
                .join(" | ")
        };
        out.push(format!(
            "requests: engine [{}], browser [{}]",
            show(&pred.requests),
            show(&obs.server_requests)
        ));
    }
    // `credentials` against `cookie_present`: only from page A to A, B and C, where the jar
    // holds a cookie for the host (127.0.0.1) in every engine.
    if same && obs.page.context.as_deref().is_none_or(|c| c == "A") {
        for (p, o) in pred.requests.iter().zip(&obs.server_requests) {
            if let (Some(c), Some(sent)) = (p.credentials, o.cookie_present) {
                if ["A", "B", "C"].contains(&p.origin_letter.as_str()) && c != sent {
                    out.push(format!(
                        "credentials: engine {c}, browser sent a cookie: {sent} ({} {}/h{})",
                        p.kind,
                        p.origin_letter,
                        p.hop.map_or("?".into(), |h| h.to_string())
                    ));
                }
            }
        }
    }
    if pred.outcome == "ok" && obs.page.outcome == "ok" && pred.readable != obs.page.readable {
        out.push(format!(
            "readable: engine {:?}, browser {:?}",
            pred.readable, obs.page.readable
        ));
    }
    if pred.outcome == "ok" && obs.page.outcome == "ok" {
        if let (Some(p), Some(o)) = (&pred.response, &obs.page.response) {
            if p.response_type != o.response_type {
                out.push(format!(
                    "type: engine {:?}, browser {:?}",
                    p.response_type, o.response_type
                ));
            }
            if p.status != o.status {
                out.push(format!("status: engine {}, browser {}", p.status, o.status));
            }
            let pn: BTreeSet<&str> = p.header_names.iter().map(String::as_str).collect();
            let on: BTreeSet<&str> = o.header_names.iter().map(String::as_str).collect();
            if pn != on {
                out.push(format!("header names: engine {pn:?}, browser {on:?}"));
            }
        }
    }
    out
}

/// Reads a JSON-lines file into values of `T`, with the line number of any bad line.
pub fn read_jsonl<T: for<'de> Deserialize<'de>>(text: &str) -> Result<Vec<T>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", n + 1)))
        .collect()
}
