//! Replaying a capture through [`CorsFetch`] under each profile.

use std::borrow::Cow;

use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use url::Url;

use crate::core::{
    Action, Classification, ConsoleContext, CorsError, CorsFetch, CredentialsMode, Engine,
    FetchResponse, Mode, OutgoingKind, PreflightCache, Profile, Request, ResponseHead,
    ResponseType, Stage, Timestamp, chromium_cors_error, classify_request, console_message,
};
use crate::fix::{Fix, FixContext, FixTarget, expose_fix, fix_for};
use crate::report::{
    Decision, EngineResult, Failure, FetchReport, Outcome, Report, Status, Summary, WireStep,
};
use crate::{
    Capture, Element, Input, MAX_HEADER_LINES, PageFetch, Recorded, RecordedResponse, kind_name,
    too_many_headers,
};

/// How one replay of one fetch ended.
#[derive(Clone, Debug)]
enum Ended {
    Done(Result<FetchResponse, CorsError>),
    /// The recording runs out before the fetch is over.
    Incomplete(String),
    /// The page could not have made this request.
    Invalid(String),
}

#[derive(Clone, Debug)]
struct Run {
    ended: Ended,
    decision: Decision,
    decision_reason: String,
    wire: Vec<WireStep>,
    /// The exchange whose response was handed in last (the failing one, on failure).
    last_fed: Option<usize>,
    /// The response fed last, recorded or assumed.
    last_response: Option<RecordedResponse>,
    /// Preflights of the recording this profile did not send (its cache had them).
    unused_preflights: usize,
    /// Recorded response header lines the replay could not use, in words.
    dropped: Vec<String>,
}

impl Run {
    /// A request the page could not have made.
    fn invalid(why: String) -> Run {
        Run {
            ended: Ended::Invalid(why),
            decision: Decision::NotSent,
            decision_reason: "a page cannot make this request".to_owned(),
            wire: Vec::new(),
            last_fed: None,
            last_response: None,
            unused_preflights: 0,
            dropped: Vec::new(),
        }
    }
}

/// Why `value` is not a header value (a byte no value may hold), or `None` if it is one.
fn invalid_value(value: &str) -> Option<String> {
    let (at, byte) = value
        .bytes()
        .enumerate()
        .find(|&(_, b)| (b < 0x20 && b != b'\t') || b == 0x7f)?;
    Some(format!("byte 0x{byte:02X} at offset {at}"))
}

/// The recorded header lines as a map, saying in `dropped` which lines it cannot hold
/// (instead of leaving them out in silence, which would then read as a missing header);
/// `Err` when the lines hold more names than a header map can.
fn header_map(
    headers: &[(String, String)],
    what: &str,
    dropped: &mut Vec<String>,
) -> Result<HeaderMap, String> {
    if headers.len() > MAX_HEADER_LINES {
        return Err(too_many_headers(what, headers.len()));
    }
    let mut map = HeaderMap::new();
    for (n, v) in headers {
        let Ok(name) = HeaderName::from_bytes(n.as_bytes()) else {
            dropped.push(format!(
                "the {what} has a header line named '{n}', which is not a valid header name: the replay leaves it out"
            ));
            continue;
        };
        let value = match HeaderValue::from_bytes(v.as_bytes()) {
            Ok(value) => value,
            Err(_) => {
                let why = invalid_value(v).unwrap_or_else(|| "a byte no value may hold".to_owned());
                dropped.push(format!(
                    "the {what} has a {n} header whose value is not a valid HTTP header value ({why}): browsers do not accept it, so the replay goes on without that header"
                ));
                continue;
            }
        };
        if map.try_append(name, value).is_err() {
            return Err(too_many_headers(what, headers.len()));
        }
    }
    Ok(map)
}

fn header_str(req: &http::Request<()>, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

fn same_url(recorded: &str, sent: &Url) -> bool {
    Url::parse(recorded).is_ok_and(|mut u| {
        u.set_fragment(None);
        let mut s = sent.clone();
        s.set_fragment(None);
        u == s
    })
}

/// A preflight response that grants exactly what `preflight` asks for.
fn granting_preflight(preflight: &http::Request<()>, credentials: bool) -> RecordedResponse {
    let mut headers = Vec::new();
    let origin = header_str(preflight, "origin").unwrap_or_else(|| "*".to_owned());
    headers.push(("Access-Control-Allow-Origin".to_owned(), origin));
    if credentials {
        headers.push((
            "Access-Control-Allow-Credentials".to_owned(),
            "true".to_owned(),
        ));
    }
    if let Some(m) = header_str(preflight, "access-control-request-method") {
        headers.push(("Access-Control-Allow-Methods".to_owned(), m));
    }
    if let Some(h) = header_str(preflight, "access-control-request-headers") {
        headers.push(("Access-Control-Allow-Headers".to_owned(), h));
    }
    RecordedResponse {
        status: 204,
        headers,
    }
}

/// The `curl` command that sends the same preflight.
fn curl_preflight(preflight: &http::Request<()>) -> String {
    let mut cmd = format!("curl -i -X OPTIONS '{}'", preflight.uri());
    for name in [
        "origin",
        "access-control-request-method",
        "access-control-request-headers",
    ] {
        if let Some(v) = header_str(preflight, name) {
            let display = match name {
                "origin" => "Origin",
                "access-control-request-method" => "Access-Control-Request-Method",
                _ => "Access-Control-Request-Headers",
            };
            cmd.push_str(&format!(" -H '{display}: {v}'"));
        }
    }
    cmd
}

fn decision_of(class: &Classification, wire: &[WireStep]) -> (Decision, String) {
    let sent_preflight = wire.iter().any(|w| w.kind == "preflight");
    match class {
        Classification::Basic(_) => (Decision::SameOrigin, "same-origin URL".to_owned()),
        Classification::Opaque => (
            Decision::NoCors,
            "mode 'no-cors': the page gets an opaque response".to_owned(),
        ),
        Classification::Cors if sent_preflight => (
            Decision::Preflighted,
            "a redirect made this engine preflight again".to_owned(),
        ),
        Classification::Cors => (
            Decision::Simple,
            "CORS-safelisted method and headers: no preflight".to_owned(),
        ),
        Classification::CorsWithPreflight(need) => {
            let mut why = Vec::new();
            if need.method_not_safelisted {
                why.push("the method is not GET, HEAD or POST".to_owned());
            }
            if !need.unsafe_headers.is_empty() {
                let names: Vec<&str> = need.unsafe_headers.iter().map(|n| n.as_str()).collect();
                why.push(format!("headers not CORS-safelisted: {}", names.join(", ")));
            }
            if need.use_cors_preflight {
                why.push("the use-CORS-preflight flag is set (an upload listener)".to_owned());
            }
            let why = why.join("; ");
            if sent_preflight {
                (Decision::Preflighted, why)
            } else {
                (
                    Decision::PreflightCacheHit,
                    format!("{why}; the preflight cache held a matching entry"),
                )
            }
        }
        Classification::NetworkError(_) | Classification::Rejected(_) => (
            Decision::NotSent,
            "the request fails before anything is sent".to_owned(),
        ),
        // A path added to the library after this tool was written.
        _ => (
            Decision::NotSent,
            format!("a path this version of cors-explain does not know: {class:?}"),
        ),
    }
}

/// Replays `fetch` with `exchanges` as the server's answers.
///
/// `cached_hops` lists the hops whose preflight an earlier replay found in the preflight
/// cache: a preflight this replay sends for one of them is answered with a grant of exactly
/// what it asks, as the cached entry did (see [`fix_and_verify`]).
fn run(
    fetch: &PageFetch,
    exchanges: &[Recorded],
    profile: &Profile,
    cache: &mut PreflightCache,
    now: Timestamp,
    cached_hops: &[usize],
) -> Run {
    let mut wire = Vec::new();
    let mut dropped = Vec::new();
    if let Some(why) = url_with_credentials(&fetch.url) {
        return Run::invalid(why);
    }
    let request = match Request::new(
        &fetch.method,
        Cow::Borrowed(&fetch.url),
        &fetch.headers,
        &fetch.origin,
    ) {
        Ok(r) => match fetch.element {
            // The element's own rules set destination, mode and credentials; the mode and
            // credentials the export showed say which `crossorigin` value it carried.
            Some(element) => {
                let crossorigin = match (fetch.mode, fetch.credentials) {
                    (Mode::NoCors, _) => None,
                    (_, CredentialsMode::Include) => Some("use-credentials"),
                    _ => Some("anonymous"),
                };
                r.with_initiator(&element.initiator(crossorigin), profile)
            }
            None => r.with_mode(fetch.mode).with_credentials(fetch.credentials),
        },
        Err(e) => return Run::invalid(e.to_string()),
    };
    let class = classify_request(&request, profile);
    let mut machine = match CorsFetch::new(&request, profile) {
        Ok(m) => m,
        Err(e) => return Run::invalid(e.to_string()),
    };
    let mut used = vec![false; exchanges.len()];
    let mut last_fed = None;
    let mut last_response = None;
    let credentials = fetch.credentials == CredentialsMode::Include;
    let ended = loop {
        match machine.poll(cache, now) {
            Action::Done(outcome) => break Ended::Done(outcome),
            Action::Wait => break Ended::Incomplete("the replay stalled".to_owned()),
            Action::Send(out) => {
                let url = Url::parse(&out.request.uri().to_string()).ok();
                let method = out.request.method().as_str().to_owned();
                let mut step = WireStep {
                    kind: kind_name(out.kind),
                    method: method.clone(),
                    url: out.request.uri().to_string(),
                    origin: header_str(&out.request, "origin"),
                    request_method: header_str(&out.request, "access-control-request-method"),
                    request_headers: header_str(&out.request, "access-control-request-headers"),
                    credentials: out.include_credentials,
                    hop: out.hop,
                    status: None,
                    source: "recording",
                    entry: None,
                };
                let matches = |e: &Recorded, strict: bool| {
                    e.kind == out.kind
                        && url.as_ref().is_some_and(|u| same_url(&e.request.url, u))
                        && (!strict || e.request.method.eq_ignore_ascii_case(&method))
                };
                let found = (0..exchanges.len())
                    .find(|&i| !used[i] && matches(&exchanges[i], true))
                    .or_else(|| {
                        (out.kind == OutgoingKind::Request)
                            .then(|| {
                                (0..exchanges.len())
                                    .find(|&i| !used[i] && matches(&exchanges[i], false))
                            })
                            .flatten()
                    });
                let found = if out.kind == OutgoingKind::Preflight && cached_hops.contains(&out.hop)
                {
                    None
                } else {
                    found
                };
                let response = match found {
                    None if out.kind == OutgoingKind::Preflight
                        && cached_hops.contains(&out.hop) =>
                    {
                        step.source = "cached";
                        last_fed = None;
                        granting_preflight(&out.request, credentials)
                    }
                    Some(i) => {
                        used[i] = true;
                        step.entry = exchanges[i].entry;
                        match &exchanges[i].response {
                            Some(r) => {
                                last_fed = Some(i);
                                r.clone()
                            }
                            None if fetch.input == Input::Raw => {
                                let why = format!(
                                    "no response was given for the {} {} {}: pass what `curl -i` prints for it with --response",
                                    kind_name(out.kind),
                                    method,
                                    step.url
                                );
                                wire.push(step);
                                break Ended::Incomplete(why);
                            }
                            None => {
                                let what = format!(
                                    "the recording has no response to the {} {} {}",
                                    kind_name(out.kind),
                                    method,
                                    step.url
                                );
                                let recorded = exchanges[i]
                                    .browser_error
                                    .as_ref()
                                    .map(|e| format!(" (the browser recorded: {e})"))
                                    .unwrap_or_default();
                                let why = format!(
                                    "{what}{recorded}: the browser did not send it (a browser stops at a failed preflight), or did not record its response"
                                );
                                wire.push(step);
                                break Ended::Incomplete(why);
                            }
                        }
                    }
                    None if out.kind == OutgoingKind::Preflight
                        && fetch.assume_missing_preflights_passed
                        && exchanges.iter().enumerate().any(|(i, e)| {
                            !used[i]
                                && e.kind == OutgoingKind::Request
                                && e.response.is_some()
                                && url.as_ref().is_some_and(|u| same_url(&e.request.url, u))
                        }) =>
                    {
                        // The browser sent the request without a preflight on record: it had
                        // one cached, or its export does not list preflights.
                        step.source = "assumed";
                        last_fed = None;
                        granting_preflight(&out.request, credentials)
                    }
                    None => {
                        let why = match (out.kind, fetch.input) {
                            (OutgoingKind::Preflight, Input::Raw) => format!(
                                "this engine sends a preflight, and no --preflight-response answers it; save what `{}` prints and pass it with --preflight-response",
                                curl_preflight(&out.request)
                            ),
                            (_, Input::Raw) => format!(
                                "this engine sends {} {} next, and --response has no block for it (`curl -i -L` prints every redirect hop)",
                                method, step.url
                            ),
                            (OutgoingKind::Preflight, Input::Har) => format!(
                                "this engine sends a preflight that the recording does not have{}; to check it, save what `{}` prints and pass it to `cors-explain raw ... --preflight-response`",
                                if fetch.assume_missing_preflights_passed {
                                    " and the browser recorded no response to the request itself: it most likely stopped at a failed preflight, which this export leaves out (WebKit's lists no preflights)"
                                } else {
                                    ""
                                },
                                curl_preflight(&out.request)
                            ),
                            (_, Input::Har) => format!(
                                "this engine sends {} {} next, which the recording does not have",
                                method, step.url
                            ),
                        };
                        wire.push(step);
                        break Ended::Incomplete(why);
                    }
                };
                step.status = Some(response.status);
                let what = format!(
                    "response to the {} {} {}",
                    kind_name(out.kind),
                    method,
                    step.url
                );
                wire.push(step);
                let Ok(status) = StatusCode::from_u16(response.status) else {
                    break Ended::Incomplete(format!("status {} is not valid", response.status));
                };
                let headers = match header_map(&response.headers, &what, &mut dropped) {
                    Ok(h) => h,
                    Err(why) => break Ended::Incomplete(why),
                };
                last_response = Some(response);
                if machine
                    .handle_response(ResponseHead::new(status, &headers), cache, now)
                    .is_err()
                {
                    break Ended::Incomplete("the replay went out of order".to_owned());
                }
            }
            other => {
                break Ended::Incomplete(format!(
                    "the engine asked for an action this version of cors-explain does not know: {other:?}"
                ));
            }
        }
    };
    let unused_preflights = exchanges
        .iter()
        .enumerate()
        .filter(|(i, e)| !used[*i] && e.kind == OutgoingKind::Preflight)
        .count();
    let (decision, decision_reason) = decision_of(&class, &wire);
    Run {
        ended,
        decision,
        decision_reason,
        wire,
        last_fed,
        last_response,
        unused_preflights,
        dropped,
    }
}

/// `fetch()` throws a TypeError for a URL with a username or password.
pub(crate) fn url_with_credentials(url: &Url) -> Option<String> {
    (!url.username().is_empty() || url.password().is_some()).then(|| {
        format!(
            "fetch() rejects a URL that includes credentials (user:password@): {}",
            url.as_str()
        )
    })
}

fn variant_name(e: &CorsError) -> String {
    let debug = format!("{e:?}");
    debug
        .split([' ', '{', '('])
        .next()
        .unwrap_or(&debug)
        .to_owned()
}

fn status_of(run: &Run) -> Status {
    match &run.ended {
        Ended::Done(Ok(_)) => Status::Pass,
        Ended::Done(Err(_)) => Status::Blocked,
        Ended::Incomplete(_) => Status::Incomplete,
        Ended::Invalid(_) => Status::Invalid,
    }
}

/// Response headers that are for the browser or the network, not for script: a page that
/// cannot read them has lost nothing, so they are not reported as unreadable.
const NOT_FOR_SCRIPT: &[&str] = &[
    "age",
    "alt-svc",
    "connection",
    "cross-origin-resource-policy",
    "date",
    "keep-alive",
    "nel",
    "proxy-authenticate",
    "proxy-connection",
    "report-to",
    "server",
    "set-cookie",
    "set-cookie2",
    "strict-transport-security",
    "te",
    "timing-allow-origin",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "vary",
    "via",
    "x-powered-by",
];

/// The headers of a passing CORS response that script cannot read, lowercase, in the order
/// the server sent them, without CORS headers and those in [`NOT_FOR_SCRIPT`].
fn unreadable_headers(
    response: &FetchResponse,
    recorded: Option<&RecordedResponse>,
) -> Vec<String> {
    let (ResponseType::Cors, Some(recorded)) = (response.response_type, recorded) else {
        return Vec::new();
    };
    let mut names: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (name, _) in &recorded.headers {
        let name = name.to_ascii_lowercase();
        // `header_names` is sorted, so a response of many headers stays linear.
        let skip = name.starts_with("access-control-")
            || NOT_FOR_SCRIPT.contains(&name.as_str())
            || response
                .header_names
                .binary_search_by(|r| r.as_str().cmp(name.as_str()))
                .is_ok();
        if !skip && seen.insert(name.clone()) {
            names.push(name);
        }
    }
    names
}

fn readable(response: &FetchResponse) -> Vec<String> {
    if matches!(
        response.response_type,
        ResponseType::Opaque | ResponseType::OpaqueRedirect
    ) {
        return Vec::new();
    }
    response
        .header_names
        .iter()
        .map(|n| n.as_str().to_owned())
        .collect()
}

fn response_type_name(t: ResponseType) -> &'static str {
    match t {
        ResponseType::Basic => "basic",
        ResponseType::Cors => "cors",
        ResponseType::Opaque => "opaque",
        ResponseType::OpaqueRedirect => "opaqueredirect",
    }
}

fn console_for(err: &CorsError, engine: Engine, fetch: &PageFetch, run: &Run) -> String {
    let url = run
        .wire
        .last()
        .map_or_else(|| fetch.url.to_string(), |w| w.url.clone());
    let first = fetch.url.to_string();
    let mut ctx = ConsoleContext::fetch(&url, fetch.origin.serialize()).with_api(fetch.api);
    if run.wire.last().is_some_and(|w| w.hop > 0) {
        ctx = ctx.with_redirected_from(&first);
    }
    // WebKit ends its origin-mismatch lines with the failing response's status.
    if let Some(status) = run.wire.last().and_then(|w| w.status) {
        ctx = ctx.with_status(status);
    }
    console_message(err, engine, &ctx)
}

/// The fix for `err`, checked by replaying with the fix applied (and, where another check
/// fails next, the fixes for those too).
///
/// The replays start from an empty preflight cache instead of a copy of the page's cache
/// (a copy per failed fetch made memory grow with the square of the fetches): a hop that
/// the first run answered from the cache has its preflight, if the replay sends one,
/// answered with a grant of what it asks, which is what the cached entry amounted to.
fn fix_and_verify(
    err: &CorsError,
    fetch: &PageFetch,
    first_run: &Run,
    profile: &Profile,
    now: Timestamp,
) -> (Fix, Vec<Fix>, bool, String) {
    let cached_hops = cached_hops(first_run);
    let mut exchanges: Vec<Recorded> = fetch.exchanges.clone();
    let mut fixes: Vec<Fix> = Vec::new();
    let mut current_err = err.clone();
    let mut current_run = first_run.clone();
    let mut verdict = String::new();
    let mut verified = false;
    for _round in 0..5 {
        let step = current_run.wire.last();
        let unsafe_headers: Vec<String> = current_run
            .wire
            .iter()
            .rev()
            .find(|w| w.kind == "preflight")
            .and_then(|w| w.request_headers.clone())
            .map(|h| {
                h.split(',')
                    .map(|s| s.trim().to_ascii_lowercase())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let method = match step {
            Some(w) if w.kind == "preflight" => w.request_method.clone(),
            Some(w) => Some(w.method.clone()),
            None => None,
        }
        .and_then(|m| Method::from_bytes(m.as_bytes()).ok())
        .unwrap_or_else(|| fetch.method.clone());
        let request_origin = step
            .and_then(|w| w.origin.clone())
            .unwrap_or_else(|| fetch.origin.serialize().to_owned());
        let credentials = match current_err.stage() {
            Some(Stage::Preflight) => fetch.credentials == CredentialsMode::Include,
            _ => step.is_some_and(|w| w.credentials),
        };
        let ctx = FixContext {
            page_origin: fetch.origin.serialize(),
            request_origin: &request_origin,
            method: &method,
            unsafe_headers: &unsafe_headers,
            credentials,
            response: current_run.last_response.as_ref(),
        };
        let mut fix = fix_for(&current_err, &ctx);
        if fix.target != FixTarget::Page {
            fix.server = step.map(|w| w.url.clone());
        }
        let applicable =
            fix.target != FixTarget::Page && (!fix.set_headers.is_empty() || fix.status.is_some());
        let (set_headers, set_status) = (fix.set_headers.clone(), fix.status);
        fixes.push(fix);
        let (Some(target), true) = (current_run.last_fed, applicable) else {
            verdict = "not checked: the change is not one to response headers".to_owned();
            break;
        };
        // Apply the fix to the recorded response that failed, and replay.
        if let Some(resp) = exchanges[target].response.as_mut() {
            for (name, value) in &set_headers {
                resp.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
                resp.headers.push((name.clone(), value.clone()));
            }
            if let Some(s) = set_status {
                resp.status = s;
            }
        }
        let mut cache = PreflightCache::new(profile);
        let again = run(fetch, &exchanges, profile, &mut cache, now, &cached_hops);
        match &again.ended {
            Ended::Done(Ok(_)) => {
                verified = true;
                verdict = "checked: with this change the replay passes".to_owned();
                break;
            }
            Ended::Done(Err(next)) => {
                if *next == current_err {
                    verdict = "not checked: the replay still fails the same way".to_owned();
                    break;
                }
                current_err = next.clone();
                current_run = again;
            }
            Ended::Incomplete(why) => {
                let never_sent = again
                    .wire
                    .last()
                    .is_some_and(|w| w.kind == "request" && w.status.is_none());
                verdict = if never_sent {
                    "partly checked: with this change the preflight passes; the browser never sent the request itself, so its response is not known".to_owned()
                } else {
                    format!("partly checked: with this change that check passes; then {why}")
                };
                break;
            }
            Ended::Invalid(why) => {
                verdict = format!("not checked: {why}");
                break;
            }
        }
    }
    if verdict.is_empty() {
        verdict = "not checked: too many further failures".to_owned();
    }
    let first = fixes.remove(0);
    (first, fixes, verified, verdict)
}

fn engine_name(engine: Engine) -> &'static str {
    engine.name()
}

/// The hops at which `run` sent the request without a preflight of its own although the
/// request needed one: its preflight cache held the answer.
fn cached_hops(run: &Run) -> Vec<usize> {
    let mut hops: Vec<usize> = run
        .wire
        .iter()
        .filter(|w| w.kind == "request")
        .map(|w| w.hop)
        .filter(|&hop| {
            !run.wire
                .iter()
                .any(|p| p.kind == "preflight" && p.hop == hop)
        })
        .collect();
    hops.dedup();
    hops
}

/// Replays every fetch of `capture` in order under `profile`, with one preflight cache
/// shared across the page's fetches, handing each run to `each` as it ends. Nothing is
/// kept per fetch here, so time and memory are linear in the capture.
fn replay_profile(
    capture: &Capture,
    profile: &Profile,
    mut each: impl FnMut(usize, Run, Timestamp),
) {
    let mut cache = PreflightCache::new(profile);
    let t0 = capture
        .fetches
        .iter()
        .filter_map(|f| f.time_ms)
        .min()
        .unwrap_or(0);
    let mut last_now = 0u64;
    for (i, fetch) in capture.fetches.iter().enumerate() {
        let now_ms = fetch
            .time_ms
            .map(|t| u64::try_from(t.saturating_sub(t0)).unwrap_or(0))
            .unwrap_or(last_now)
            .max(last_now);
        last_now = now_ms;
        let now = Timestamp::from_millis(now_ms);
        let r = run(fetch, &fetch.exchanges, profile, &mut cache, now, &[]);
        each(i, r, now);
    }
}

fn engine_result(fetch: &PageFetch, run: &Run, engine: Engine) -> EngineResult {
    let (error, rule, console) = match &run.ended {
        Ended::Done(Err(e)) => (
            Some(variant_name(e)),
            Some(e.to_string()),
            Some(console_for(e, engine, fetch, run)),
        ),
        Ended::Incomplete(why) | Ended::Invalid(why) => (None, Some(why.clone()), None),
        Ended::Done(Ok(_)) => (None, None, None),
    };
    EngineResult {
        engine: engine_name(engine),
        decision: run.decision,
        status: status_of(run),
        error,
        rule,
        console,
        readable_headers: match &run.ended {
            Ended::Done(Ok(r)) => readable(r),
            _ => Vec::new(),
        },
    }
}

/// Whether Chromium, Firefox and WebKit disagree on a fetch (the Spec result is left out).
fn browsers_differ(engines: &[EngineResult]) -> bool {
    let browsers: Vec<&EngineResult> = engines
        .iter()
        .filter(|e| e.engine != Engine::Spec.name())
        .collect();
    browsers.windows(2).any(|w| {
        (
            w[0].status,
            &w[0].error,
            w[0].decision,
            &w[0].readable_headers,
        ) != (
            w[1].status,
            &w[1].error,
            w[1].decision,
            &w[1].readable_headers,
        )
    })
}

/// The profiles every report compares, in the order the `engines` list shows them.
const COMPARED: [Profile; 4] = [
    Profile::CHROMIUM,
    Profile::FIREFOX,
    Profile::WEBKIT,
    Profile::SPEC,
];

/// Replays `capture` under the [`COMPARED`] profiles (and `profile`, when it is none of
/// them): each fetch's report in the words of `profile`, and its result under each profile.
fn replay_compared(
    capture: &Capture,
    profile: &Profile,
) -> (Vec<Option<FetchReport>>, Vec<Vec<EngineResult>>) {
    let n = capture.fetches.len();
    let mut engines: Vec<Vec<EngineResult>> = (0..n).map(|_| Vec::with_capacity(4)).collect();
    let mut reports: Vec<Option<FetchReport>> = (0..n).map(|_| None).collect();
    for p in &COMPARED {
        let is_primary = p == profile;
        replay_profile(capture, p, |i, run, now| {
            let fetch = &capture.fetches[i];
            engines[i].push(engine_result(fetch, &run, p.engine));
            if is_primary {
                reports[i] = Some(fetch_report(i, fetch, &run, profile, now));
            }
        });
    }
    if !COMPARED.contains(profile) {
        replay_profile(capture, profile, |i, run, now| {
            reports[i] = Some(fetch_report(i, &capture.fetches[i], &run, profile, now));
        });
    }
    (reports, engines)
}

/// Replays every fetch of `capture` under all four profiles and reports, in the words of
/// `profile`, what happened, why, and how to fix it. See the module docs.
pub fn explain(capture: &Capture, profile: &Profile) -> Report {
    let n = capture.fetches.len();
    let (reports, engines) = replay_compared(capture, profile);
    let mut fetches = Vec::with_capacity(n);
    for (report, engines) in reports.into_iter().zip(engines) {
        let Some(mut report) = report else { continue };
        report.engines_differ = browsers_differ(&engines);
        report.engines = engines;
        fetches.push(report);
    }
    if capture.input == Input::Har {
        credentials_unknown(capture, profile, &mut fetches);
    }
    let count = |s: Status| fetches.iter().filter(|f| f.outcome.status == s).count();
    let summary = Summary {
        fetches: fetches.len(),
        passed: count(Status::Pass),
        blocked: count(Status::Blocked),
        incomplete: count(Status::Incomplete) + count(Status::Invalid),
        engines_differ: fetches.iter().filter(|f| f.engines_differ).count(),
        // The bound's own line stands for every entry it left unread.
        skipped: capture.skipped.len() + capture.unread.saturating_sub(1),
    };
    Report {
        tool: "cors-explain",
        schema_version: 1,
        input: capture.input,
        page_origin: capture.origin.serialize().to_owned(),
        origin_source: capture.origin_source.clone(),
        profile: profile.engine.name(),
        profile_source: String::new(),
        recorded_by: capture.browser.map(Engine::name),
        recorded_by_source: capture.browser_source.clone(),
        fetches,
        skipped: capture.skipped.clone(),
        notes: capture.notes.clone(),
        summary,
    }
}

/// Whether an error the browser recorded (Chromium's `_error`, `_corsErrorStatus`) says the
/// fetch failed a CORS check: `net::ERR_FAILED` or a CORS error kind, not, say, a request
/// the page aborted.
fn recorded_cors_failure(recorded: &str) -> bool {
    recorded
        .split(' ')
        .any(|t| t == "net::ERR_FAILED" || !t.starts_with("net::"))
}

/// A HAR does not say whether a request carried credentials, and exports remove cookies:
/// a cross-origin fetch that passes without them is replayed again with them when the
/// browser recorded a CORS failure, or when the response allows credentials. If only the
/// credentialed replay fails and the browser recorded a failure, the fetch is reported
/// blocked (the browser said so); with no recorded failure, both verdicts are given. A
/// recorded failure that no replay reproduces makes the fetch incomplete, never a pass.
fn credentials_unknown(capture: &Capture, profile: &Profile, reports: &mut [FetchReport]) {
    let guessed = |f: &PageFetch| {
        f.credentials_source == "no cookie sent"
            && f.mode == crate::core::Mode::Cors
            && !f.origin.same_origin_with_url(&f.url)
    };
    let mut picked: Vec<usize> = Vec::new();
    for (i, r) in reports.iter().enumerate() {
        let fetch = &capture.fetches[r.index - 1];
        let recorded = r
            .browser_recorded
            .as_deref()
            .is_some_and(recorded_cors_failure);
        let allows = fetch.exchanges.iter().any(|e| {
            e.response.as_ref().is_some_and(|resp| {
                resp.header("access-control-allow-credentials")
                    .is_some_and(|v| v.trim() == "true")
            })
        });
        if r.outcome.status == Status::Pass && guessed(fetch) && (recorded || allows) {
            picked.push(i);
        }
    }
    if picked.is_empty() {
        return;
    }
    let sub = Capture {
        origin: capture.origin.clone(),
        origin_source: String::new(),
        browser: capture.browser,
        browser_source: None,
        fetches: picked
            .iter()
            .map(|&i| {
                let mut f = capture.fetches[reports[i].index - 1].clone();
                f.credentials = CredentialsMode::Include;
                f
            })
            .collect(),
        skipped: Vec::new(),
        unread: 0,
        notes: Vec::new(),
        input: capture.input,
    };
    // A fetch explained with credentials compares the engines with credentials too.
    let (with, with_engines) = replay_compared(&sub, profile);
    for ((&i, with), engines) in picked.iter().zip(with).zip(with_engines) {
        let report = &mut reports[i];
        let recorded = report
            .browser_recorded
            .clone()
            .filter(|b| recorded_cors_failure(b));
        match (
            with.and_then(|w| w.failure.map(|f| (w.outcome, f))),
            recorded,
        ) {
            (Some((outcome, failure)), Some(b)) => {
                report.notes.push(format!(
                    "the export does not show whether credentials were sent (no Cookie header; Chromium's default export removes it), and the browser recorded {b}: the replay fails only with credentials, so this is explained with credentials"
                ));
                report.outcome = outcome;
                report.failure = Some(failure);
                report.credentials = CredentialsMode::Include.as_str();
                report.credentials_source = "from the browser's recorded error";
                report.engines_differ = browsers_differ(&engines);
                report.engines = engines;
            }
            (Some((_, failure)), None) => report.with_credentials = Some(failure),
            (None, Some(b)) => {
                report.outcome.status = Status::Incomplete;
                report.outcome.reason = Some(format!(
                    "the browser recorded {b}, but the replay passes with and without credentials: the export leaves out what made it fail"
                ));
            }
            (None, None) => {}
        }
    }
}

/// The report of fetch `i` from its run under the chosen profile (`engines` are filled in
/// by the caller).
fn fetch_report(
    i: usize,
    fetch: &PageFetch,
    run: &Run,
    profile: &Profile,
    now: Timestamp,
) -> FetchReport {
    let mut notes = fetch.notes.clone();
    notes.extend(run.dropped.iter().cloned());
    if run.wire.iter().any(|w| w.source == "assumed") {
        notes.push("the recording has no preflight for this request, though the browser sent the request: taken to have passed (the browser had it cached, or its export leaves preflights out)".to_owned());
    }
    if run.unused_preflights > 0 && fetch.input == Input::Raw {
        notes.push(format!(
            "{} --preflight-response block(s) not used: the {} profile sends no preflight for them",
            run.unused_preflights,
            profile.engine.name()
        ));
    } else if run.unused_preflights > 0 {
        notes.push(format!(
            "the browser sent {} preflight(s) that the {} profile answers from its preflight cache",
            run.unused_preflights,
            profile.engine.name()
        ));
    }
    // Audio and video: no recorded wording of their own.
    if let (Some(element), Ended::Done(Err(_))) = (fetch.element, &run.ended) {
        if element.initiator(None).console_api().is_none() {
            notes.push(format!(
                "the console line above is in fetch()'s words; for an {} load the engines name the resource kind instead, which has not been recorded",
                element.name()
            ));
        }
    }
    let browser_recorded = fetch
        .exchanges
        .iter()
        .filter_map(|e| e.browser_error.clone())
        .next_back();
    let (outcome, failure) = match &run.ended {
        Ended::Done(Ok(r)) => {
            let unreadable = unreadable_headers(r, run.last_response.as_ref());
            let expose_fix = match (unreadable.is_empty(), run.wire.last()) {
                (false, Some(last)) => Some(expose_fix(&unreadable, &last.url, last.credentials)),
                _ => None,
            };
            (
                Outcome {
                    status: Status::Pass,
                    response_type: Some(response_type_name(r.response_type)),
                    http_status: Some(r.status),
                    final_url: r.url.as_ref().map(Url::to_string),
                    redirected: r.redirected,
                    readable_headers: readable(r),
                    unreadable_headers: unreadable,
                    expose_fix,
                    reason: None,
                },
                None,
            )
        }
        Ended::Done(Err(e)) => {
            let (fix, further_fixes, fix_verified, fix_check) =
                fix_and_verify(e, fetch, run, profile, now);
            let stage = e.stage().map(|s| match s {
                Stage::Preflight => "preflight",
                Stage::Redirect => "redirect",
                Stage::Response => "response",
                _ => "other",
            });
            (
                Outcome {
                    status: Status::Blocked,
                    response_type: None,
                    http_status: None,
                    final_url: None,
                    redirected: false,
                    readable_headers: Vec::new(),
                    unreadable_headers: Vec::new(),
                    expose_fix: None,
                    reason: None,
                },
                Some(Failure {
                    error: variant_name(e),
                    rule: e.to_string(),
                    spec: e.spec_anchor(),
                    blame: e.blame().as_str(),
                    stage,
                    console_engine: profile.engine.name(),
                    console: console_for(e, profile.engine, fetch, run),
                    chromium_cors_error: chromium_cors_error(e),
                    fix,
                    further_fixes,
                    fix_verified,
                    fix_check,
                }),
            )
        }
        Ended::Incomplete(why) | Ended::Invalid(why) => (
            Outcome {
                status: status_of(run),
                response_type: None,
                http_status: None,
                final_url: None,
                redirected: false,
                readable_headers: Vec::new(),
                unreadable_headers: Vec::new(),
                expose_fix: None,
                reason: Some(why.clone()),
            },
            None,
        ),
    };
    FetchReport {
        index: i + 1,
        entries: fetch.exchanges.iter().filter_map(|e| e.entry).collect(),
        method: fetch.method.as_str().to_owned(),
        url: fetch.url.to_string(),
        page_origin: fetch.origin.serialize().to_owned(),
        mode: fetch.mode.as_str(),
        credentials: fetch.credentials.as_str(),
        credentials_source: fetch.credentials_source,
        request_headers: fetch
            .headers
            .iter()
            .map(|(n, v)| format!("{}: {}", n.as_str(), String::from_utf8_lossy(v.as_bytes())))
            .collect(),
        element: fetch.element.map(Element::name),
        page_gets: match (&run.ended, fetch.element) {
            // A status that is not a success is the element's error event (or, opaque, a
            // status the page cannot see), so only a 2xx or opaque answer is described.
            (Ended::Done(Ok(r)), Some(element))
                if r.status == 0 || (200..300).contains(&r.status) =>
            {
                Some(
                    element
                        .what_the_page_gets(!matches!(
                            r.response_type,
                            ResponseType::Opaque | ResponseType::OpaqueRedirect
                        ))
                        .to_owned(),
                )
            }
            _ => None,
        },
        decision: run.decision,
        decision_reason: run.decision_reason.clone(),
        wire: run.wire.clone(),
        outcome,
        failure,
        browser_recorded,
        engines: Vec::new(),
        engines_differ: false,
        with_credentials: None,
        notes,
    }
}
