//! The recorded browser scenarios replayed through the adapter over real sockets.
//!
//! For every profile and scenario the root crate's `browser_replay` compares, the adapter's
//! run (hyper-util's client, the scenario server on three `127.0.0.1` listeners) must agree
//! with the recording exactly when the in-memory replay (`tests/replay`) does: same
//! scenarios agreeing, scenario by scenario.

#[path = "../../tests/replay/mod.rs"]
mod replay;
mod wire;

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use fetch_cors::diagnostics::Api;
use fetch_cors::{
    FetchResponse, OpaqueOrigin, Origin, Profile, ResponseType, Timestamp, UseCorsPreflight,
};
use fetch_cors_tower::{CorsLayer, FetchError, PageUrl};
use http::Method;
use http_body_util::{BodyExt, Full};
use replay::{
    Construct, Observation, ObservedStep, PredictedStep, Prediction, Scenario, SeenResponse,
    disagreements, letter_of, predict, read_jsonl,
};
use tower::{Layer, ServiceExt};

const BROWSERS: [&str; 3] = ["chromium", "firefox", "webkit"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/browsers")
}

fn scenarios() -> Vec<Scenario> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .expect("the scenario corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).expect("a scenario file");
            read_jsonl::<Scenario>(&text).expect("scenarios in the format")
        })
        .collect()
}

/// id → observation, and the ids recorded as unstable, for one browser.
fn observations(browser: &str) -> (BTreeMap<String, Observation>, BTreeSet<String>) {
    let text = std::fs::read_to_string(root().join(format!("observations/{browser}.jsonl")))
        .expect("the recordings");
    let obs: Vec<Observation> = read_jsonl(&text).expect("observations in the format");
    let unstable =
        std::fs::read_to_string(root().join(format!("observations/unstable-{browser}.txt")))
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
            .collect();
    (
        obs.into_iter().map(|o| (o.id.clone(), o)).collect(),
        unstable,
    )
}

/// Whether two recorded steps agree (for the Spec profile's consensus), as `browser_replay`.
fn same(a: &ObservedStep, b: &ObservedStep) -> bool {
    fn resp(s: &ObservedStep) -> Option<(Option<String>, u16, BTreeSet<&str>)> {
        s.page.response.as_ref().map(|r| {
            let names: BTreeSet<&str> = r.header_names.iter().map(String::as_str).collect();
            (r.response_type.clone(), r.status, names)
        })
    }
    a.page.outcome == b.page.outcome
        && a.server_requests == b.server_requests
        && (a.page.outcome != "ok" || resp(a) == resp(b))
}

/// What each scenario is compared with under `profile`, chosen as `browser_replay` does:
/// the engine's own complete, stable recording, or for Spec the steps all three agree on.
/// Whether a step is an element or API load rather than `fetch()` or XHR.
fn is_initiator_step(fetch: &replay::FetchSpec) -> bool {
    !matches!(fetch.api.as_deref(), None | Some("fetch" | "xhr"))
}

fn compared(profile: &Profile, scenarios: &[Scenario]) -> Vec<(Scenario, Vec<ObservedStep>)> {
    let name = profile.engine.name();
    let all: Vec<_> = BROWSERS.iter().map(|b| observations(b)).collect();
    let mut out = Vec::new();
    for s in scenarios {
        // Element and API loads (img, script, font, EventSource, beacon, ...) are not requests
        // a client makes through this layer: the in-memory replay alone scores them.
        if s.steps.iter().any(|st| is_initiator_step(&st.fetch)) {
            continue;
        }
        let observed = if name == "spec" {
            let per: Vec<&Observation> = all.iter().filter_map(|(o, _)| o.get(&s.id)).collect();
            if per.len() != 3 || all.iter().any(|(_, u)| u.contains(&s.id)) {
                continue;
            }
            let n = per[0].steps.len();
            let agree = per.iter().all(|o| o.steps.len() == n)
                && (0..n).all(|i| per.iter().all(|o| same(&per[0].steps[i], &o.steps[i])));
            if !agree {
                continue;
            }
            per[0].steps.clone()
        } else {
            let Some(i) = BROWSERS.iter().position(|b| *b == name) else {
                continue;
            };
            let (obs, unstable) = &all[i];
            match obs.get(&s.id) {
                Some(o) if o.complete && !unstable.contains(&s.id) => o.steps.clone(),
                _ => continue,
            }
        };
        out.push((s.clone(), observed));
    }
    out
}

fn agrees(prediction: &Prediction, observed: &[ObservedStep]) -> (bool, usize) {
    let steps = prediction
        .steps
        .iter()
        .zip(observed)
        .filter(|(p, o)| disagreements(p, o).is_empty())
        .count();
    (
        prediction.steps.len() == observed.len() && steps == observed.len(),
        steps,
    )
}

/// Whether a scenario sends the fetch to `[::1]`, which only an IPv6 loopback can answer.
fn needs_ipv6(scenario: &Scenario) -> bool {
    scenario.steps.iter().any(|step| {
        step.server
            .hops
            .iter()
            .any(|h| h.headers.iter().any(|(_, v)| v.contains("[::1]")))
    })
}

/// A clock the replay moves by each step's `sleep_before_ms`, as the in-memory replay does.
#[derive(Clone, Default)]
struct StepClock(Arc<AtomicU64>);

/// Runs one scenario through the adapter, over the wire.
async fn predict_wire(
    scenario: &Scenario,
    profile: &Profile,
    client: &wire::WireClient,
    stage: &wire::Shared,
) -> Prediction {
    let page = Origin::parse(replay::ORIGINS[0].1).expect("origin A");
    let sandbox = Origin::from(OpaqueOrigin::with_id(NonZeroU64::MIN));
    let clock = StepClock::default();
    let ticks = Arc::clone(&clock.0);
    let layer = CorsLayer::new(page, *profile)
        .with_clock(move || Timestamp::from_millis(ticks.load(Ordering::Relaxed)));
    let service = layer.layer(client.clone());
    let framed = service.for_origin(sandbox);
    let mut steps = Vec::new();
    for (i, step) in scenario.steps.iter().enumerate() {
        clock.0.fetch_add(step.sleep_before_ms, Ordering::Relaxed);
        {
            let mut s = stage.lock().unwrap_or_else(|p| p.into_inner());
            s.scenario = Some((scenario.id.clone(), step.clone()));
            s.requests.clear();
            s.unsupported = None;
        }
        let svc = if step.fetch.page.as_deref() == Some("opaque") {
            framed.clone()
        } else {
            service.clone()
        };
        steps.push(wire_step(i, step, profile, svc, stage).await);
    }
    Prediction {
        id: scenario.id.clone(),
        profile: profile.engine.name().to_owned(),
        steps,
    }
}

async fn wire_step(
    i: usize,
    step: &replay::Step,
    profile: &Profile,
    service: fetch_cors_tower::CorsService<wire::WireClient>,
    stage: &wire::Shared,
) -> PredictedStep {
    let done = |outcome: &str, response, error: Option<String>, requests| PredictedStep {
        step: i,
        outcome: outcome.into(),
        requests,
        response,
        error,
        readable: None,
    };
    let built = match replay::build(&step.fetch, profile) {
        Ok(b) => b,
        Err(Construct::Threw(why)) => {
            return done("error", None, Some(format!("construct: {why}")), Vec::new());
        }
        Err(Construct::Unsupported(why)) => {
            return done("unsupported", None, Some(why), Vec::new());
        }
    };
    let body = match &step.fetch.body {
        Some(b) if built.method != Method::GET && built.method != Method::HEAD => {
            Bytes::from(b.clone())
        }
        _ => Bytes::new(),
    };
    let mut request = http::Request::new(Full::new(body));
    *request.method_mut() = built.method.clone();
    let Ok(uri) = built.url.as_str().parse() else {
        return done(
            "unsupported",
            None,
            Some("URL with no http::Uri form".into()),
            Vec::new(),
        );
    };
    *request.uri_mut() = uri;
    *request.headers_mut() = built.headers.clone();
    let ext = request.extensions_mut();
    ext.insert(built.mode);
    ext.insert(built.credentials);
    ext.insert(built.redirect);
    ext.insert(built.cache_mode);
    ext.insert(UseCorsPreflight(built.use_cors_preflight));
    // The fragment, which an http::Uri drops, keys the preflight cache.
    ext.insert(PageUrl(built.url.clone()));
    if built.xhr {
        ext.insert(Api::Xhr);
    }
    let result = service.oneshot(request).await;
    let (requests, unsupported) = {
        let mut s = stage.lock().unwrap_or_else(|p| p.into_inner());
        (std::mem::take(&mut s.requests), s.unsupported.take())
    };
    if let Some(why) = unsupported {
        return done("unsupported", None, Some(why), Vec::new());
    }
    match result {
        Ok(response) => {
            let seen = response.extensions().get::<FetchResponse>().cloned();
            let names: BTreeSet<String> = response
                .headers()
                .keys()
                .map(|n| n.as_str().to_owned())
                .collect();
            let withheld = response.body().is_withheld();
            let _ = response.into_body().collect().await;
            let Some(seen) = seen else {
                let why = Some("no FetchResponse".into());
                return done("adapter-bug", None, why, requests);
            };
            // The http::Response itself must be the page's view, not only its description.
            let opaque = matches!(
                seen.response_type,
                ResponseType::Opaque | ResponseType::OpaqueRedirect
            );
            let described: BTreeSet<String> = seen
                .header_names
                .iter()
                .map(|n| n.as_str().to_owned())
                .collect();
            if names != described || withheld != opaque {
                let why = format!("headers {names:?} vs {described:?}, withheld {withheld}");
                return done("adapter-bug", None, Some(why), requests);
            }
            let response = SeenResponse {
                response_type: (!built.xhr).then(|| seen.response_type.as_str().to_owned()),
                status: seen.status,
                redirected: (!built.xhr).then_some(seen.redirected),
                url_origin: seen.url.as_ref().map(letter_of),
                header_names: seen
                    .header_names
                    .iter()
                    .map(|n| n.as_str().to_owned())
                    .collect(),
            };
            done("ok", Some(response), None, requests)
        }
        Err(FetchError::Blocked(b)) => done("error", None, Some(b.error.to_string()), requests),
        Err(FetchError::Request(e)) => done("error", None, Some(e.to_string()), requests),
        Err(e) => done("adapter-bug", None, Some(e.to_string()), requests),
    }
}

/// Replays every compared scenario of `profile` both ways and checks the agreement matches.
fn replay_profile(profile: Profile) {
    if !root().join("observations").is_dir() {
        println!("skipped: no recordings (tests/browsers/observations/)");
        return;
    }
    let cases = compared(&profile, &scenarios());
    assert!(!cases.is_empty(), "no scenario to compare");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let stage: wire::Shared = Arc::new(Mutex::new(wire::Stage::default()));
    let (mut mem_agree, mut wire_agree, mut mem_steps, mut wire_steps, mut steps) = (0, 0, 0, 0, 0);
    let mut mismatches = Vec::new();
    let mut differing_predictions = 0;
    runtime.block_on(async {
        let ports = wire::start(Arc::clone(&stage)).await.expect("listeners");
        let client = wire::client(ports);
        for (scenario, observed) in &cases {
            if ports.c_v6.is_none() && needs_ipv6(scenario) {
                println!("{}: not compared: no IPv6 loopback here", scenario.id);
                continue;
            }
            let mem = predict(scenario, &profile);
            let wire = predict_wire(scenario, &profile, &client, &stage).await;
            let (m, ms) = agrees(&mem, observed);
            let (w, ws) = agrees(&wire, observed);
            steps += observed.len();
            mem_steps += ms;
            wire_steps += ws;
            mem_agree += usize::from(m);
            wire_agree += usize::from(w);
            let detail = |p: &Prediction| {
                p.steps
                    .iter()
                    .map(|s| {
                        format!(
                            "step {} {} {:?} {:?} {:?}",
                            s.step, s.outcome, s.error, s.requests, s.response
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n      ")
            };
            let (dm, dw) = (detail(&mem), detail(&wire));
            if dm != dw {
                differing_predictions += 1;
            }
            if m != w || ms != ws {
                mismatches.push(format!(
                    "{}: in memory {} ({ms} steps), over the wire {} ({ws} steps)\n    memory:\n      {dm}\n    wire:\n      {dw}",
                    scenario.id,
                    if m { "agrees" } else { "disagrees" },
                    if w { "agrees" } else { "disagrees" },
                ));
            }
        }
    });
    println!(
        "{}: {} scenarios ({steps} steps) compared; agreeing in memory {mem_agree} ({mem_steps} steps), over the wire {wire_agree} ({wire_steps} steps); {differing_predictions} scenarios with any prediction detail differing",
        profile.engine.name(),
        cases.len(),
    );
    assert!(
        mismatches.is_empty(),
        "{} scenarios agree differently over the wire:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert_eq!(mem_agree, wire_agree);
}

#[test]
fn spec_agrees_over_the_wire_as_in_memory() {
    replay_profile(Profile::SPEC);
}

#[test]
fn chromium_agrees_over_the_wire_as_in_memory() {
    replay_profile(Profile::CHROMIUM);
}

#[test]
fn firefox_agrees_over_the_wire_as_in_memory() {
    replay_profile(Profile::FIREFOX);
}

#[test]
fn webkit_agrees_over_the_wire_as_in_memory() {
    replay_profile(Profile::WEBKIT);
}
