//! The console messages real browsers printed for each CORS failure, against
//! [`fetch_cors::diagnostics::console_message`].
//!
//! `tests/browsers/console/scenarios.jsonl` has one small scenario per failure a page can run
//! into. `record.py --console` ran them in Chromium, Firefox ESR and WebKitGTK and kept each
//! step's console error/warning lines in `tests/browsers/console/<browser>.jsonl` (see
//! `tests/browsers/console/README.md`). Here every scenario is run through the engine with the
//! browser's profile (a small driver over [`fetch_cors::simulate`] that answers by the
//! scenario server rules), the resulting [`CorsError`] is rendered with the same context the
//! browser had (the failing URL, where it was redirected from or to, the page's origin, the
//! API), and the text must equal what the browser printed, line for line. Element and API
//! steps (`console-init-*`) make the request their initiator makes
//! (`Request::with_initiator`, as `tests/replay/mod.rs` builds it) and name the resource kind
//! by `Initiator::console_api`.
//!
//! No browser runs here: the test only reads the committed JSONL files.

#[path = "replay/mod.rs"]
mod replay;

use std::borrow::Cow;
use std::collections::BTreeMap;

use fetch_cors::diagnostics::{Api, ConsoleContext, console_message};
use fetch_cors::header::values::normalize_header_value;
use fetch_cors::simulate::{Simulation, simulate};
use fetch_cors::{
    CorsError, CredentialsMode, Engine, Initiator, Mode, OpaqueOrigin, Origin, PreflightCache,
    Profile, RedirectMode, Request, Timestamp,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use replay::{ORIGINS, Resp, Scenario, Step, build, read_jsonl};
use serde::Deserialize;
use url::Url;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browsers/console");
const PAGE_ORIGIN: &str = "http://127.0.0.1:8801";
const PAGE_URL: &str = "http://127.0.0.1:8801/";

/// Steps where the engine fails but the browser printed nothing that the recorder can
/// capture: `(browser, scenario id, why)`. The test checks that these really are empty, so
/// the list cannot go stale; their renderings are not verified against a browser.
const UNVERIFIED: &[(&str, &str, &str)] = &[
    (
        "chromium",
        "console-redirect-data",
        "no console message (the redirect fails in the network stack; DevTools shows only a \
         network-panel error, rendered as `GET <url> net::ERR_UNSAFE_REDIRECT`, unchecked)",
    ),
    (
        "chromium",
        "console-redirect-invalid-location",
        "no console message (DevTools network error only; `net::ERR_INVALID_REDIRECT`, unchecked)",
    ),
    (
        "chromium",
        "console-too-many-redirects",
        "no console message (DevTools network error only; `net::ERR_TOO_MANY_REDIRECTS`, unchecked)",
    ),
    (
        "chromium",
        "console-redirect-mode-error",
        "no console message (DevTools network error only; `net::ERR_FAILED`, unchecked)",
    ),
    (
        "firefox",
        "console-redirect-mode-error",
        "no console message (not a CORS failure); rendered as the page's TypeError",
    ),
    (
        "webkit",
        "console-init-font-acao-missing",
        "WebKit loads FontFace sources no-cors: the font loads and nothing is printed (the \
         WebKit profile still fails it in cors mode); rendered as the reason line alone",
    ),
    (
        "webkit",
        "console-init-font-acao-mismatch",
        "as console-init-font-acao-missing",
    ),
];

/// Steps where the browser printed something the renderer cannot reproduce from the error
/// and the context: `(browser, scenario id, why)`. Checked to still differ.
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "firefox",
        "console-preflight-redirect",
        "between its two lines Firefox also logs the redirect's Access-Control-Allow-Origin \
         value as a mismatch; PreflightDisallowedRedirect does not keep that value",
    ),
    (
        "webkit",
        "console-acam-invalid",
        "WebKit prints the whole Access-Control-Allow-Methods value (`PUT, DE LETE`); the \
         error keeps only the element that is not a token (`DE LETE`)",
    ),
    (
        "webkit",
        "console-acah-invalid",
        "WebKit prints the whole Access-Control-Allow-Headers value (`x-test, a b`); the \
         error keeps only the element that is not a token (`a b`)",
    ),
];

/// One line of `tests/browsers/console/<browser>.jsonl`.
#[derive(Debug, Deserialize)]
struct Captured {
    id: String,
    step: usize,
    browser: String,
    lines: Vec<String>,
}

/// The message text of one captured line, without the engine's log prefix.
fn message_text(browser: &str, line: &str) -> String {
    match browser {
        // INFO:CONSOLE:0] "text", source: http://127.0.0.1:8801/ (0)
        "chromium" => {
            let rest = line
                .split_once("] \"")
                .map(|(_, r)| r)
                .unwrap_or_else(|| panic!("not a Chromium console line: {line}"));
            let end = rest
                .rfind("\", source: ")
                .unwrap_or_else(|| panic!("no source in Chromium console line: {line}"));
            rest[..end].to_owned()
        }
        // BIDI javascript error "json string"
        "firefox" => {
            let json = line
                .splitn(4, ' ')
                .nth(3)
                .unwrap_or_else(|| panic!("not a BiDi console line: {line}"));
            serde_json::from_str::<String>(json).unwrap_or_else(|e| panic!("{e}: {line}"))
        }
        // CONSOLE SECURITY ERROR text | CONSOLE JS ERROR text
        "webkit" => {
            let mut words = line.splitn(4, ' ');
            assert_eq!(
                words.next(),
                Some("CONSOLE"),
                "not a WebKit console line: {line}"
            );
            let _source = words.next();
            let _level = words.next();
            words.next().unwrap_or_default().to_owned()
        }
        other => panic!("unknown browser {other}"),
    }
}

// ---------------------------------------------------------------- running a scenario

fn base(letter: &str) -> &'static str {
    ORIGINS
        .iter()
        .find(|(l, _)| *l == letter)
        .map(|(_, o)| *o)
        .unwrap_or_else(|| panic!("unknown origin letter {letter}"))
}

/// The scenario server's answer (the format's server rules, as far as these scenarios use them).
fn serve(id: &str, step: &Step, request: &http::Request<()>) -> http::Response<()> {
    let url = Url::parse(&request.uri().to_string()).expect("outgoing URI");
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key("access-control-request-method");
    let hop = url
        .path()
        .strip_prefix(&format!("/s/{id}/h"))
        .and_then(|n| n.parse::<usize>().ok());
    let hop_resp = hop.and_then(|h| step.server.hops.get(h));
    let resp: Option<&Resp> = if preflight {
        hop_resp
            .and_then(|r| r.preflight.as_deref())
            .or(step.server.preflight.as_ref())
    } else {
        hop_resp
    };
    let mut b = http::Response::builder().status(resp.map_or(404, |r| r.status));
    for (name, value) in resp.map(|r| r.headers.as_slice()).unwrap_or_default() {
        let value = if name.eq_ignore_ascii_case("location") {
            match value.split_once(':') {
                Some((letter, path))
                    if path.starts_with('/') && ORIGINS.iter().any(|(l, _)| *l == letter) =>
                {
                    format!("{}{path}", base(letter))
                }
                _ => value.clone(),
            }
        } else {
            value.clone()
        };
        let value = HeaderValue::from_bytes(normalize_header_value(value.as_bytes()))
            .expect("header value");
        b = b.header(name.as_str(), value);
    }
    b.body(()).expect("response")
}

/// What a failed step gives the renderer: the error and the context the browser had.
struct Failure {
    error: CorsError,
    url: String,
    redirected_from: Option<String>,
    redirect_to: Option<String>,
    origin: &'static str,
    request_origin: Option<String>,
    status: Option<u16>,
    api: Api,
    font_family: Option<String>,
}

impl Failure {
    /// Everything the browser knew.
    fn context(&self) -> ConsoleContext<'_> {
        let mut ctx = self
            .plain_context()
            .with_document_url(if self.origin == "null" {
                "http://127.0.0.1:8801/frame.html"
            } else {
                PAGE_URL
            });
        if let Some(u) = &self.redirect_to {
            ctx = ctx.with_redirect_to(u);
        }
        if let Some(o) = &self.request_origin {
            ctx = ctx.with_request_origin(o);
        }
        if let Some(s) = self.status {
            ctx = ctx.with_status(s);
        }
        ctx
    }

    /// Only the URLs, the page's origin and the API (with the font family the page gave it).
    fn plain_context(&self) -> ConsoleContext<'_> {
        let mut ctx = ConsoleContext::fetch(&self.url, self.origin).with_api(self.api);
        if let Some(family) = &self.font_family {
            ctx = ctx.with_font_family(family);
        }
        match &self.redirected_from {
            Some(u) => ctx.with_redirected_from(u),
            None => ctx,
        }
    }
}

/// Runs the only step of `scenario` under `profile`; `None` if the fetch succeeds.
fn run(scenario: &Scenario, profile: &Profile) -> Option<Failure> {
    assert_eq!(
        scenario.steps.len(),
        1,
        "{}: one step per scenario",
        scenario.id
    );
    let step = &scenario.steps[0];
    let f = &step.fetch;
    let xhr = f.api.as_deref() == Some("xhr");
    let opaque = f.page.as_deref() == Some("opaque");
    let (origin, page_origin) = if opaque {
        (
            Origin::from(OpaqueOrigin::with_id(std::num::NonZeroU64::MIN)),
            "null",
        )
    } else {
        (
            Origin::parse(PAGE_ORIGIN).expect("page origin"),
            PAGE_ORIGIN,
        )
    };
    let start = Url::parse(&format!("{}{}", base(&f.url_origin), f.path)).expect("URL");
    let method = Method::from_bytes(f.method.as_bytes()).expect("method");
    let mut headers = HeaderMap::new();
    for (name, value) in &f.headers {
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(value).expect("header value"),
        );
    }
    let body = f.body.is_some() && method != Method::GET && method != Method::HEAD;
    if body && !headers.contains_key(http::header::CONTENT_TYPE) {
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain;charset=UTF-8"),
        );
    }
    let (mode, credentials, redirect) = if xhr {
        let credentials = if f.credentials.as_deref() == Some("include") {
            CredentialsMode::Include
        } else {
            CredentialsMode::SameOrigin
        };
        (Mode::Cors, credentials, RedirectMode::Follow)
    } else {
        let mode = match f.mode.as_deref().unwrap_or("cors") {
            "cors" => Mode::Cors,
            "no-cors" => Mode::NoCors,
            "same-origin" => Mode::SameOrigin,
            other => panic!("{}: mode {other}", scenario.id),
        };
        let credentials = match f.credentials.as_deref().unwrap_or("same-origin") {
            "omit" => CredentialsMode::Omit,
            "same-origin" => CredentialsMode::SameOrigin,
            "include" => CredentialsMode::Include,
            other => panic!("{}: credentials {other}", scenario.id),
        };
        let redirect = match f.redirect.as_deref().unwrap_or("follow") {
            "follow" => RedirectMode::Follow,
            "manual" => RedirectMode::Manual,
            "error" => RedirectMode::Error,
            other => panic!("{}: redirect {other}", scenario.id),
        };
        (mode, credentials, redirect)
    };
    // An element or API step: the request that initiator makes (GET, or a beacon's POST with
    // its data's Content-Type), as tests/replay/mod.rs builds it.
    let blob = f.blob_type();
    let initiator = f.initiator(blob.as_deref());
    let built =
        initiator.map(|_| build(f, profile).unwrap_or_else(|_| panic!("{}: request", scenario.id)));
    let request = match (&initiator, &built) {
        (Some(initiator), Some(built)) => Request::new(
            &built.method,
            Cow::Borrowed(&start),
            &built.headers,
            &origin,
        )
        .expect("request")
        .with_initiator(initiator, profile),
        _ => Request::new(&method, Cow::Borrowed(&start), &headers, &origin)
            .expect("request")
            .with_mode(mode)
            .with_credentials(credentials)
            .with_redirect(redirect),
    };
    let mut cache = PreflightCache::new(profile);
    let mut server = |r: &http::Request<()>| serve(&scenario.id, step, r);
    let sim: Simulation =
        simulate(&request, profile, &mut cache, Timestamp::ZERO, &mut server).expect("simulate");
    let error = sim.outcome.err()?;
    let last = sim.sent.last();
    let url = last.map_or_else(|| start.to_string(), |e| e.request.uri().to_string());
    let redirected_from = (url != start.as_str()).then(|| start.to_string());
    let redirect_to = last.and_then(|e| {
        let location = e.response.headers().get(http::header::LOCATION)?;
        let base = Url::parse(&url).ok()?;
        base.join(location.to_str().ok()?).ok().map(String::from)
    });
    let request_origin = last
        .and_then(|e| e.request.headers().get(http::header::ORIGIN))
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != page_origin)
        .map(str::to_owned);
    Some(Failure {
        error,
        url,
        redirected_from,
        redirect_to,
        origin: page_origin,
        request_origin,
        status: last.map(|e| e.response.status().as_u16()),
        api: match &initiator {
            Some(i) => i
                .console_api()
                .unwrap_or_else(|| panic!("{}: no console API for {i:?}", scenario.id)),
            None if xhr => Api::Xhr,
            None => Api::Fetch,
        },
        // The family the recorder gives a FontFace: `f<id>-<step>`.
        font_family: matches!(initiator, Some(Initiator::Font))
            .then(|| format!("f{}-0", scenario.id)),
    })
}

// ---------------------------------------------------------------- the test

fn engine_of(browser: &str) -> (Engine, Profile) {
    match browser {
        "chromium" => (Engine::Chromium, Profile::CHROMIUM),
        "firefox" => (Engine::Firefox, Profile::FIREFOX),
        "webkit" => (Engine::WebKit, Profile::WEBKIT),
        other => panic!("unknown browser {other}"),
    }
}

fn listed(list: &[(&str, &str, &str)], browser: &str, id: &str) -> bool {
    list.iter().any(|(b, i, _)| *b == browser && *i == id)
}

#[test]
fn console_messages_match_the_browsers() {
    let text = std::fs::read_to_string(format!("{DIR}/scenarios.jsonl")).expect("scenarios");
    let scenarios: Vec<Scenario> = read_jsonl(&text).expect("scenario file");
    let by_id: BTreeMap<&str, &Scenario> = scenarios.iter().map(|s| (s.id.as_str(), s)).collect();

    let mut failures = Vec::new();
    let mut verified: BTreeMap<&str, usize> = BTreeMap::new();
    for browser in ["chromium", "firefox", "webkit"] {
        let text = std::fs::read_to_string(format!("{DIR}/{browser}.jsonl"))
            .unwrap_or_else(|e| panic!("{browser}.jsonl: {e}"));
        let captured: Vec<Captured> = read_jsonl(&text).expect("console file");
        assert_eq!(
            captured.len(),
            scenarios.len(),
            "{browser}: one line per scenario step"
        );
        let (engine, profile) = engine_of(browser);
        for c in &captured {
            assert_eq!(c.browser, browser);
            assert_eq!(c.step, 0);
            let scenario = by_id
                .get(c.id.as_str())
                .unwrap_or_else(|| panic!("{browser}: unknown scenario {}", c.id));
            let seen: Vec<String> = c.lines.iter().map(|l| message_text(browser, l)).collect();
            let Some(failure) = run(scenario, &profile) else {
                // Authorization under `*` without credentials: every engine lets it through;
                // none prints a console error (the warnings are not console messages here,
                // see the README).
                if !seen.is_empty() {
                    failures.push(format!(
                        "{browser} {}: the engine lets the fetch succeed, the browser printed {seen:#?}",
                        c.id
                    ));
                }
                continue;
            };
            let rendered = console_message(&failure.error, engine, &failure.context());
            // Chromium and Firefox print none of the optional facts except the document's URL,
            // which defaults to the page's here: the plain context renders the same.
            if engine != Engine::WebKit {
                assert_eq!(
                    console_message(&failure.error, engine, &failure.plain_context()),
                    rendered,
                    "{browser} {}",
                    c.id
                );
            }
            if seen.is_empty() {
                if !listed(UNVERIFIED, browser, &c.id) {
                    failures.push(format!(
                        "{browser} {}: the browser printed nothing for {:?}; list it in UNVERIFIED",
                        c.id, failure.error
                    ));
                }
                continue;
            }
            if listed(UNVERIFIED, browser, &c.id) {
                failures.push(format!(
                    "{browser} {}: listed in UNVERIFIED but the browser printed {seen:#?}",
                    c.id
                ));
            }
            let expected = seen.join("\n");
            let differs = rendered != expected;
            if differs != listed(KNOWN_DIFFERENCES, browser, &c.id) {
                failures.push(if differs {
                    format!(
                        "{browser} {} ({:?}):\n  rendered: {rendered}\n  browser:  {expected}",
                        c.id, failure.error
                    )
                } else {
                    format!(
                        "{browser} {}: listed in KNOWN_DIFFERENCES but matches",
                        c.id
                    )
                });
            }
            if !differs {
                *verified.entry(browser).or_default() += 1;
            }
        }
    }
    println!("verified against a browser: {verified:?}");
    for (browser, id, why) in UNVERIFIED.iter().chain(KNOWN_DIFFERENCES) {
        println!("not verified: {browser} {id}: {why}");
    }
    assert!(
        failures.is_empty(),
        "{} console message(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Every engine has most of its failures checked against a real browser.
    for browser in ["chromium", "firefox", "webkit"] {
        assert!(
            verified.get(browser).copied().unwrap_or(0) >= 25,
            "{verified:?}"
        );
    }
}
