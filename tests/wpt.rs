//! Web-platform-tests CORS conformance vectors, run through the crate's per-fetch state machine.
//!
//! The vectors live in `tests/data/wpt/<CATEGORY>.jsonl`, one JSON record per line (see
//! `tests/data/wpt/SOURCES.md`). Each record is a request a page makes, the server(s) it talks
//! to (`srv`, simulated below from the survey's description of the WPT handler, plus the
//! record's explicit `preflight` / `resp` objects or its per-hop `hops`), and what WPT expects
//! script to observe.
//!
//! The runner does what a browser does with the crate: it starts a [`CorsFetch`] and answers
//! every request the machine sends (preflights, the request, each redirect hop) from the
//! simulated servers, until the machine is done; then it compares what it saw with the record's
//! `expect`. It does so under each of the four profiles in turn: [`Profile::SPEC`] (WPT follows
//! the standard) with `tests/data/wpt-expectations.txt`, then each engine profile with that
//! file amended by `tests/data/wpt-expectations-<engine>.txt`, whose entries cite the browser
//! recording (`tests/browsers/scenarios/`) that shows the engine answering otherwise. An
//! engine file line `ID<TAB>reason` adds or replaces an entry; `!ID<TAB>reason` drops the
//! Spec entry for `ID` (the engine passes that vector). The request on hop `i` of the
//! fetch's URL list is answered by the `i`-th server of the record's chain: `hops[i]` (served at
//! its `at` origin) or the `i`-th part of a `X -> Y` server description; a redirect points at
//! the next hop's origin unless the record gives the Location. A `seq` record runs several
//! fetches sharing one [`PreflightCache`], at the times its steps give; the C304 sequences play
//! the host's HTTP cache (the stored response updated from the 304) in front of the machine.
//!
//! A record the runner cannot evaluate (an expect key outside the crate's scope such as cookies
//! or `Referer`, a header byte `http::HeaderValue` cannot hold, prose the runner cannot read) is
//! *unsupported*; it must then be listed in `tests/data/wpt-expectations.txt` (`ID<TAB>reason`),
//! like a vector expected to fail. A listed vector that passes, or a listed id that does not
//! exist, is an error. With `WPT_DEBUG` set, the runner prints to stderr why each listed
//! vector fails.
//!
//! ```text
//! cargo test --test wpt              # every vector, under every profile
//! cargo test --test wpt -- ACAO      # ids containing "ACAO"
//! cargo test --test wpt -- --exact SAFE-CT-001
//! WPT_PROFILE=webkit cargo test --test wpt   # one profile only
//! ```

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU64;
use std::path::Path;
use std::process::ExitCode;

use fetch_cors::header::safelist::{
    is_forbidden_request_header_in, is_no_cors_safelisted_request_header,
    is_privileged_no_cors_request_header_name,
};
use fetch_cors::header::values::normalize_header_value;
use fetch_cors::{
    Action, CorsFetch, CredentialsMode, FetchResponse, Mode, OpaqueOrigin, Origin, OutgoingKind,
    PreflightCache, Profile, RedirectMode, Request, ResponseType, Timestamp,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde_json::{Map, Value};
use url::Url;

const DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/wpt");
const EXPECTATIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/wpt-expectations.txt"
);

thread_local! {
    /// The profile of the pass being run. The runner is single-threaded and runs one profile's
    /// pass at a time, so the vectors' helpers read it here instead of taking a parameter.
    static PROFILE: Cell<Profile> = const { Cell::new(Profile::SPEC) };
}

fn profile() -> Profile {
    PROFILE.with(Cell::get)
}

/// The expectation file of an engine profile, amending the Spec one.
fn engine_expectations(profile: &Profile) -> String {
    format!(
        "{}/tests/data/wpt-expectations-{}.txt",
        env!("CARGO_MANIFEST_DIR"),
        profile.engine.name()
    )
}

// =============================================================================================
// Outcomes
// =============================================================================================

/// What running one vector gave.
#[derive(Debug)]
enum Outcome {
    Pass,
    Fail(String),
    Unsupported(String),
}

/// Early exit from a vector: `Err(Outcome::Fail(..))` or `Err(Outcome::Unsupported(..))`.
type Step<T> = Result<T, Outcome>;

fn fail<T>(msg: impl Into<String>) -> Step<T> {
    Err(Outcome::Fail(msg.into()))
}

fn unsupported<T>(msg: impl Into<String>) -> Step<T> {
    Err(Outcome::Unsupported(msg.into()))
}

// =============================================================================================
// Command line (a libtest-like subset)
// =============================================================================================

#[derive(Default)]
struct Args {
    filters: Vec<String>,
    skips: Vec<String>,
    exact: bool,
    list: bool,
}

impl Args {
    fn parse() -> Args {
        let mut args = Args::default();
        let mut it = std::env::args().skip(1);
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--exact" => args.exact = true,
                "--list" => args.list = true,
                "--skip" => args.skips.extend(it.next()),
                // Options libtest takes with a separate value; the value is irrelevant here.
                "--test-threads" | "--color" | "--format" | "--logfile" | "-Z" => {
                    it.next();
                }
                a if a.starts_with('-') => {}
                _ => args.filters.push(arg),
            }
        }
        args
    }

    fn selects(&self, id: &str) -> bool {
        let hit = |f: &String| {
            if self.exact {
                id == f
            } else {
                id.contains(f.as_str())
            }
        };
        (self.filters.is_empty() || self.filters.iter().any(hit)) && !self.skips.iter().any(hit)
    }
}

// =============================================================================================
// Main: load, run, report
// =============================================================================================

fn main() -> ExitCode {
    let args = Args::parse();
    let (records, load_errors) = load_records();
    let (spec_expectations, spec_errors) = load_expectations(EXPECTATIONS);

    if args.list {
        for p in selected_profiles() {
            for r in records.iter().filter(|r| args.selects(&r.id)) {
                println!("{}: test", test_name(&p, &r.id));
            }
        }
        return ExitCode::SUCCESS;
    }

    let mut ok = true;
    for p in selected_profiles() {
        let mut errors = load_errors.clone();
        errors.extend(spec_errors.iter().cloned());
        let mut expectations = spec_expectations.clone();
        if p.engine != Profile::SPEC.engine {
            let path = engine_expectations(&p);
            let (amend, amend_errors) = load_expectations(&path);
            errors.extend(amend_errors);
            for (id, reason) in amend {
                match id.strip_prefix('!') {
                    Some(dropped) if expectations.remove(dropped).is_none() => errors.push((
                        id.clone(),
                        format!("{path}: {id} drops an entry the Spec file does not have"),
                    )),
                    Some(_) => {}
                    None => {
                        expectations.insert(id, reason);
                    }
                }
            }
        }
        PROFILE.with(|c| c.set(p));
        ok &= run_pass(&p, &args, &records, &expectations, errors);
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The profiles to run: all four, or the one `WPT_PROFILE` names.
fn selected_profiles() -> Vec<Profile> {
    match std::env::var("WPT_PROFILE") {
        Ok(name) => Profile::by_name(&name).into_iter().collect(),
        Err(_) => Profile::ALL.to_vec(),
    }
}

/// `SAFE-CT-001` under the Spec profile, `chromium/SAFE-CT-001` under Chromium.
fn test_name(profile: &Profile, id: &str) -> String {
    if profile.engine == Profile::SPEC.engine {
        id.to_owned()
    } else {
        format!("{}/{id}", profile.engine.name())
    }
}

/// Runs every selected vector under `profile` with its `expectations`; `true` if all is well.
fn run_pass(
    profile: &Profile,
    args: &Args,
    records: &[Loaded],
    expectations: &BTreeMap<String, String>,
    load_errors: Vec<(String, String)>,
) -> bool {
    let selected = records.iter().filter(|r| args.selects(&r.id)).count();
    let filtered_out = records.len() - selected;
    println!();
    println!("running {selected} tests under {}", profile.engine.name());

    let mut passed = 0usize;
    let mut expected_fail = 0usize;
    let mut unsupported_listed = 0usize;
    let mut failures: Vec<(String, String)> = Vec::new();

    for (name, msg) in &load_errors {
        println!("test {name} ... FAILED");
        failures.push((name.clone(), msg.clone()));
    }
    let known: HashMap<&str, ()> = records.iter().map(|r| (r.id.as_str(), ())).collect();
    for id in expectations.keys() {
        if !known.contains_key(id.as_str()) {
            println!("test {} ... FAILED", test_name(profile, id));
            failures.push((
                id.clone(),
                format!("expectation lists {id}, which is not a vector in {DATA_DIR}"),
            ));
        }
    }

    for r in records.iter().filter(|r| args.selects(&r.id)) {
        let outcome = match &r.parsed {
            Err(e) => Outcome::Fail(e.clone()),
            Ok(rec) => run_record(&r.id, rec, &r.resolved),
        };
        let listed = expectations.get(&r.id);
        let name = test_name(profile, &r.id);
        let (word, problem) = match (outcome, listed) {
            (Outcome::Pass, None) => ("ok", None),
            (Outcome::Pass, Some(_)) => (
                "FAILED",
                Some(format!(
                    "expectation is stale: {name} now passes (remove it from the expectations file)"
                )),
            ),
            (Outcome::Fail(msg), None) => ("FAILED", Some(msg)),
            (Outcome::Unsupported(msg), None) => (
                "FAILED",
                Some(format!(
                    "unsupported, and not listed in the expectations file: {msg}"
                )),
            ),
            (Outcome::Fail(m), Some(_)) => {
                if std::env::var_os("WPT_DEBUG").is_some() {
                    eprintln!("XF {name} FAIL {m}");
                }
                ("expected-fail", None)
            }
            (Outcome::Unsupported(m), Some(_)) => {
                if std::env::var_os("WPT_DEBUG").is_some() {
                    eprintln!("XF {name} UNSUP {m}");
                }
                unsupported_listed += 1;
                ("expected-fail", None)
            }
        };
        println!("test {name} ... {word}");
        match (word, problem) {
            ("ok", _) => passed += 1,
            ("expected-fail", _) => expected_fail += 1,
            (_, Some(msg)) => failures.push((name, msg)),
            _ => {}
        }
    }

    if !failures.is_empty() {
        println!();
        println!("failures:");
        for (id, msg) in &failures {
            println!();
            println!("---- {id} ----");
            println!("{msg}");
        }
        println!();
        println!("failures:");
        for (id, _) in &failures {
            println!("    {id}");
        }
    }
    println!();
    println!(
        "{passed} ok, {expected_fail} expected-fail ({unsupported_listed} of them unsupported by \
         the runner), {} failed",
        failures.len()
    );
    // Listed (expected-fail) vectors are reported as ignored: they neither pass nor fail.
    let ok = failures.is_empty();
    println!(
        "test result: {}. {passed} passed; {} failed; {expected_fail} ignored; 0 measured; \
         {filtered_out} filtered out",
        if ok { "ok" } else { "FAILED" },
        failures.len(),
    );
    println!();
    ok
}

// =============================================================================================
// Loading the data
// =============================================================================================

/// One line of a `.jsonl` file.
struct Loaded {
    id: String,
    parsed: Result<Value, String>,
    resolved: Resolved,
}

/// What a record inherits from the records before it in its file (`"srv": "same"`,
/// `"resp": {"h": "same"}`, a static `.asis` file described once).
#[derive(Clone, Default)]
struct Resolved {
    srv: Option<String>,
    resp: Option<Value>,
}

fn load_records() -> (Vec<Loaded>, Vec<(String, String)>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut files: Vec<_> = match std::fs::read_dir(DATA_DIR) {
        Ok(d) => d
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect(),
        Err(e) => {
            errors.push(("load".into(), format!("cannot read {DATA_DIR}: {e}")));
            return (out, errors);
        }
    };
    files.sort();
    let mut seen: HashMap<String, String> = HashMap::new();
    for path in files {
        let file = path
            .file_name()
            .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                errors.push((file.clone(), format!("cannot read {}: {e}", path.display())));
                continue;
            }
        };
        load_file(&file, &text, &mut out, &mut errors, &mut seen);
    }
    (out, errors)
}

fn load_file(
    file: &str,
    text: &str,
    out: &mut Vec<Loaded>,
    errors: &mut Vec<(String, String)>,
    seen: &mut HashMap<String, String>,
) {
    let mut prev = Resolved::default();
    let mut asis: HashMap<String, Value> = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let place = format!("{file}:{}", n + 1);
        let value: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                errors.push((place.clone(), format!("{place}: not JSON: {e}")));
                continue;
            }
        };
        let Some(id) = value.get("id").and_then(Value::as_str).map(str::to_owned) else {
            errors.push((place.clone(), format!("{place}: record has no string `id`")));
            continue;
        };
        if let Some(other) = seen.insert(id.clone(), place.clone()) {
            errors.push((
                id.clone(),
                format!("{place}: id {id} already used at {other}"),
            ));
            continue;
        }
        let resolved = resolve(&value, &prev, &mut asis);
        prev = resolved.clone();
        out.push(Loaded {
            id,
            parsed: Ok(value),
            resolved,
        });
    }
}

/// Resolves `"srv": "same"` (and `"same (comment)"`) to the previous record's server, and
/// `"resp": {"h": "same"}` or a missing `resp` on a static `.asis` file to the headers given
/// the first time that file appeared.
fn resolve(rec: &Value, prev: &Resolved, asis: &mut HashMap<String, Value>) -> Resolved {
    let srv = match rec.get("srv").and_then(Value::as_str) {
        Some(s) if s == "same" || s.starts_with("same (") || s.starts_with("same, but ") => {
            prev.srv.clone()
        }
        // "... -> B x.py": the previous record's first server, then this one.
        Some(s) if s.starts_with("... -> ") => prev.srv.as_deref().map(|p| {
            let first = p.split(" -> ").next().unwrap_or(p);
            format!("{first}{}", &s[3..])
        }),
        Some(s) => Some(s.to_owned()),
        None => None,
    };
    let mut resp = rec.get("resp").cloned();
    if let Some(Value::Object(r)) = &mut resp {
        if r.get("h").and_then(Value::as_str) == Some("same") {
            match prev.resp.as_ref().and_then(|p| p.get("h")) {
                Some(h) => {
                    r.insert("h".into(), h.clone());
                }
                None => {
                    r.remove("h");
                }
            }
        }
    }
    if let Some(s) = srv.as_deref().filter(|s| s.ends_with(".asis")) {
        match &resp {
            Some(r) => {
                asis.entry(s.to_owned()).or_insert_with(|| r.clone());
            }
            None => resp = asis.get(s).cloned(),
        }
    }
    Resolved { srv, resp }
}

/// Reads `ID<TAB>reason` lines. Returns the entries and the errors found.
fn load_expectations(path: &str) -> (BTreeMap<String, String>, Vec<(String, String)>) {
    let mut map = BTreeMap::new();
    let mut errors = Vec::new();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (map, errors),
        Err(e) => {
            errors.push(("expectations".into(), format!("cannot read {path}: {e}")));
            return (map, errors);
        }
    };
    let file = Path::new(path)
        .file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let place = format!("{file}:{}", n + 1);
        match line.split_once('\t') {
            Some((id, reason)) if !id.trim().is_empty() && !reason.trim().is_empty() => {
                if map
                    .insert(id.trim().to_owned(), reason.trim().to_owned())
                    .is_some()
                {
                    errors.push((place.clone(), format!("{place}: {id} is listed twice")));
                }
            }
            _ => errors.push((
                place.clone(),
                format!("{place}: expected `ID<TAB>reason`, every entry needs a reason: {line:?}"),
            )),
        }
    }
    (map, errors)
}

// =============================================================================================
// Running one record
// =============================================================================================

const RECORD_KEYS: &[&str] = &[
    "id",
    "src",
    "srv",
    "req",
    "preflight",
    "resp",
    "expect",
    "note",
    "guard",
    "ops",
    "hops",
    "seq",
];
const REQ_KEYS: &[&str] = &[
    "from",
    "to",
    "method",
    "mode",
    "cred",
    "headers",
    "body",
    "redirect",
    // Only change the Referer header, which no supported expect key reads.
    "referrer",
    "referrerPolicy",
];
const EXPECT_KEYS: &[&str] = &[
    "preflight",
    "ok",
    "exposed",
    "acrh",
    "acrm",
    "acrh_contains",
    "acrh_excludes",
    "preflight_has_header",
    "origin_seen",
    "status",
    "xhr_status",
    "statusText",
    "body",
    "type",
    "server_saw",
    "actual_sent",
    "getAllResponseHeaders_contains",
    "getAllResponseHeaders_excludes",
    "xhr_readyState",
    "repeat",
    "origin_seen_final",
    "preflight_at",
    "acrh_on_second_preflight_excludes",
    "url",
    "redirected",
    "final_ACAO",
    "method",
    "x-request-method",
    "x-request-content-type",
    "x-request-data",
    "stripped",
    "responseText",
    "body_contains",
];

fn run_record(id: &str, rec: &Value, resolved: &Resolved) -> Outcome {
    match try_record(id, rec, resolved) {
        Ok(()) => Outcome::Pass,
        Err(o) => o,
    }
}

fn try_record(id: &str, rec: &Value, resolved: &Resolved) -> Step<()> {
    let Some(obj) = rec.as_object() else {
        return fail("record is not a JSON object");
    };
    if id.starts_with("PNA-") {
        return unsupported("Private Network Access is tentative and deprecated; not implemented");
    }
    if let Some(k) = obj.keys().find(|k| !RECORD_KEYS.contains(&k.as_str())) {
        return unsupported(format!("unknown record key `{k}`"));
    }
    if obj.contains_key("seq") {
        return run_seq(id, obj, resolved);
    }
    if obj.contains_key("guard") {
        return run_guard(obj);
    }
    let Some(req) = obj.get("req").and_then(Value::as_object) else {
        return fail("record has no `req` object");
    };
    let navigation = navigation_request(req);
    let req = navigation.as_ref().unwrap_or(req);
    let Some(expect) = obj.get("expect").and_then(Value::as_object) else {
        return fail("record has no `expect` object");
    };
    if let Some(k) = req.keys().find(|k| !REQ_KEYS.contains(&k.as_str())) {
        return unsupported(format!("request key `{k}` is outside the runner's model"));
    }
    let bad: Vec<&str> = expect
        .keys()
        .map(String::as_str)
        .filter(|k| !EXPECT_KEYS.contains(k))
        .collect();
    if !bad.is_empty() {
        return unsupported(format!(
            "expect keys outside the crate's scope: {}",
            bad.join(", ")
        ));
    }
    let repeat = match expect.get("repeat") {
        None => 1,
        Some(v) => match v.as_u64() {
            Some(n) if n > 0 => n,
            _ => return fail(format!("`repeat` must be a positive integer, not {v}")),
        },
    };

    let mut failures = Vec::new();
    let mut unsupported_notes = Vec::new();
    for variant in variants(obj, req, resolved)? {
        let expect = variant_expect(expect, &variant)?;
        for _ in 0..repeat {
            match run_variant(obj, req, resolved, &variant, &expect) {
                Ok(()) => {}
                Err(Outcome::Fail(m)) => failures.push(format!("[{}] {m}", variant.describe())),
                Err(Outcome::Unsupported(m)) => {
                    unsupported_notes.push(format!("[{}] {m}", variant.describe()));
                }
                Err(Outcome::Pass) => {}
            }
        }
    }
    if !failures.is_empty() {
        failures.dedup();
        return fail(failures.join("\n"));
    }
    if !unsupported_notes.is_empty() {
        unsupported_notes.dedup();
        return unsupported(unsupported_notes.join("\n"));
    }
    Ok(())
}

/// `{"navigation": "POST"}` (fetch/origin/assorted.window.js): page A navigates a frame to B
/// (a link for GET, a form for POST), as a `navigate`-mode request with credentials.
fn navigation_request(req: &Map<String, Value>) -> Option<Map<String, Value>> {
    let method = req.get("navigation")?.as_str()?;
    let mut out = Map::new();
    out.insert("from".into(), Value::from("A"));
    out.insert("to".into(), Value::from("B"));
    out.insert("method".into(), Value::from(method));
    out.insert("mode".into(), Value::from("navigate"));
    out.insert("cred".into(), Value::from("include"));
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Variants: `"GET|HEAD|POST"`, `"A|B"`, status lists and ranges each make one run
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Variant {
    method: String,
    to: String,
    /// One of the modes of a `"cors|no-cors"` list, when the record gives several.
    mode: Option<String>,
    preflight_status: Option<u16>,
    resp_status: Option<u16>,
    /// The status of each entry of `hops`, when it gives one.
    hop_status: Vec<Option<u16>>,
    /// One alternative of a `"<X URL with a | b | c>"` Location placeholder: (hop, URL).
    location: Option<(usize, String)>,
}

impl Variant {
    fn describe(&self) -> String {
        let mut s = format!("{} {}", self.method, self.to);
        if let Some(m) = &self.mode {
            s += &format!(", mode {m}");
        }
        if let Some(p) = self.preflight_status {
            s += &format!(", preflight status {p}");
        }
        if let Some(r) = self.resp_status {
            s += &format!(", response status {r}");
        }
        for (i, h) in self.hop_status.iter().enumerate() {
            if let Some(h) = h {
                s += &format!(", hop {i} status {h}");
            }
        }
        if let Some((i, l)) = &self.location {
            s += &format!(", hop {i} Location {l}");
        }
        s
    }
}

fn variants(
    obj: &Map<String, Value>,
    req: &Map<String, Value>,
    resolved: &Resolved,
) -> Step<Vec<Variant>> {
    let text = |k: &str, default: &str| -> Step<String> {
        match req.get(k) {
            None => Ok(default.to_owned()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(v) => fail(format!("req.{k} must be a string, not {v}")),
        }
    };
    let methods = text("method", "GET")?;
    let tos = text("to", "")?;
    if tos.is_empty() {
        return fail("req.to is missing");
    }
    let modes: Vec<Option<String>> = match req.get("mode").and_then(Value::as_str) {
        Some(m) if m.contains('|') => m.split('|').map(|m| Some(m.to_owned())).collect(),
        _ => vec![None],
    };
    let pf = statuses(
        obj.get("preflight").and_then(|p| p.get("status")),
        "preflight.status",
    )?;
    let rs = statuses(
        resolved.resp.as_ref().and_then(|r| r.get("status")),
        "resp.status",
    )?;
    // Every combination of the hops' statuses.
    let mut hop_statuses: Vec<Vec<Option<u16>>> = vec![Vec::new()];
    let mut locations: Vec<Option<(usize, String)>> = vec![None];
    if let Some(hops) = obj.get("hops") {
        let Some(hops) = hops.as_array() else {
            return fail("`hops` must be a list");
        };
        for (i, hop) in hops.iter().enumerate() {
            let options = statuses(hop.get("status"), &format!("hops[{i}].status"))?;
            hop_statuses = hop_statuses
                .iter()
                .flat_map(|prefix| {
                    options.iter().map(move |o| {
                        let mut v = prefix.clone();
                        v.push(*o);
                        v
                    })
                })
                .collect();
            let loc = hop
                .get("h")
                .and_then(|h| h.get("Location"))
                .and_then(Value::as_str);
            if let Some(alternatives) = loc.and_then(location_alternatives) {
                locations = alternatives?.into_iter().map(|u| Some((i, u))).collect();
            }
        }
    }
    let mut out = Vec::new();
    for method in methods.split('|') {
        for to in tos.split('|') {
            for mode in &modes {
                for p in &pf {
                    for r in &rs {
                        for hs in &hop_statuses {
                            for loc in &locations {
                                out.push(Variant {
                                    method: method.to_owned(),
                                    to: to.to_owned(),
                                    mode: mode.clone(),
                                    preflight_status: *p,
                                    resp_status: *r,
                                    hop_status: hs.clone(),
                                    location: loc.clone(),
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

/// `"<A' URL with user:password@ | user:@ | :password@>"`: one URL per userinfo, on the
/// labelled origin. `None` when the value is not such a placeholder.
fn location_alternatives(value: &str) -> Option<Step<Vec<String>>> {
    let inner = value.strip_prefix('<')?.strip_suffix('>')?;
    let (label, list) = inner.split_once(" URL with ")?;
    let Some(origin) = label_origin(label) else {
        return Some(fail(format!(
            "Location placeholder {value}: unknown origin {label}"
        )));
    };
    let Some((scheme, host)) = origin.split_once("://") else {
        return Some(fail(format!("origin {origin} has no scheme")));
    };
    Some(Ok(list
        .split('|')
        .map(|userinfo| format!("{scheme}://{}{host}/wpt/redirected", userinfo.trim()))
        .collect()))
}

/// A status field: absent, a number, a list of numbers, a numeric string or a `"406..417"` range.
fn statuses(v: Option<&Value>, what: &str) -> Step<Vec<Option<u16>>> {
    let one = |v: &Value| -> Step<u16> {
        v.as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .map_or_else(|| fail(format!("{what}: {v} is not a status")), Ok)
    };
    match v {
        None => Ok(vec![None]),
        Some(Value::Array(items)) => items.iter().map(|i| one(i).map(Some)).collect(),
        Some(Value::String(s)) => {
            let num = |t: &str| t.trim().parse::<u16>().ok();
            if let Some((a, b)) = s.split_once("..") {
                match (num(a), num(b)) {
                    (Some(a), Some(b)) if a <= b => Ok((a..=b).map(Some).collect()),
                    _ => fail(format!("{what}: bad range {s:?}")),
                }
            } else {
                num(s).map_or_else(
                    || fail(format!("{what}: {s:?} is not a status")),
                    |n| Ok(vec![Some(n)]),
                )
            }
        }
        Some(v) => Ok(vec![Some(one(v)?)]),
    }
}

/// The record's `expect` for one variant: `"=code"` becomes the variant's status, and an
/// `ok` given as prose per target (`"A: true (status 200); B: false (...)"`) is read for the
/// variant's target.
fn variant_expect(expect: &Map<String, Value>, v: &Variant) -> Step<Map<String, Value>> {
    let mut out = expect.clone();
    let code = v.resp_status.or(v.preflight_status);
    for (k, val) in &mut out {
        if val.as_str() == Some("=code") {
            match code {
                Some(c) => *val = Value::from(c),
                None => return fail(format!("expect.{k} is \"=code\" but no status is given")),
            }
        }
    }
    if let Some(Value::String(prose)) = expect.get("ok") {
        let segment = prose.split(';').map(str::trim).find_map(|s| {
            s.strip_prefix(v.to.as_str())
                .and_then(|rest| rest.strip_prefix(':'))
                .map(str::trim)
        });
        let Some(seg) = segment else {
            return unsupported(format!(
                "expect.ok is prose the runner cannot read: {prose:?}"
            ));
        };
        let ok = if seg.starts_with("true") {
            true
        } else if seg.starts_with("false") {
            false
        } else {
            return unsupported(format!(
                "expect.ok is prose the runner cannot read: {prose:?}"
            ));
        };
        out.insert("ok".into(), Value::Bool(ok));
        if seg.contains("no preflight") {
            out.insert("preflight".into(), Value::Bool(false));
        } else if seg.contains("preflight") {
            out.insert("preflight".into(), Value::Bool(true));
        }
        if let Some(status) = seg
            .split_once("status ")
            .and_then(|(_, s)| s.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|s| s.parse::<u16>().ok())
        {
            out.insert("xhr_status".into(), Value::from(status));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Request builder
// ---------------------------------------------------------------------------------------------

/// The origin labels of the survey's notation.
fn label_origin(label: &str) -> Option<&'static str> {
    Some(match label {
        "A" => "http://web-platform.test:8000",
        "A'" => "http://web-platform.test:8001",
        "As" => "https://web-platform.test:8443",
        "B" => "http://www1.web-platform.test:8000",
        "B'" => "http://www1.web-platform.test:8001",
        "Bs" => "https://www1.web-platform.test:8443",
        "B2" => "http://www2.web-platform.test:8000",
        _ => return None,
    })
}

/// Drops a trailing ` (comment)`.
fn strip_comment(s: &str) -> &str {
    if s.ends_with(')') {
        if let Some(i) = s.rfind(" (") {
            return &s[..i];
        }
    }
    s
}

/// The page's origin: `from` (default `A`), or an opaque origin for a `data:` or sandboxed
/// document.
fn page_origin(req: &Map<String, Value>) -> Step<Origin> {
    let from = req.get("from").and_then(Value::as_str).unwrap_or("A");
    if from.starts_with("opaque") {
        // One id per sandboxed document; a data: document's origin is anonymous.
        return Ok(Origin::Opaque(if from.contains("sandbox") {
            OpaqueOrigin::with_id(NonZeroU64::MIN)
        } else {
            OpaqueOrigin::anonymous()
        }));
    }
    match label_origin(from) {
        Some(o) => Origin::parse(o).map_or_else(|e| fail(format!("origin {o}: {e}")), Ok),
        None => unsupported(format!("requester {from:?} is not an origin label")),
    }
}

/// The request URL from `to`: a label (its origin plus a path) or a URL.
fn target_url(to: &str) -> Step<Url> {
    let to = strip_comment(to);
    // "mailto:, tel:, javascript:, …": several URLs in prose (a data: URL may hold ", ").
    if to.split(", ").filter(|part| part.contains(':')).count() > 1 {
        return unsupported(format!("the target is a prose list of URLs: {to}"));
    }
    let text = match label_origin(to) {
        Some(o) => format!("{o}/wpt/resource"),
        None => to.to_owned(),
    };
    Url::parse(&text).map_or_else(|e| fail(format!("target {text:?}: {e}")), Ok)
}

/// The author request headers (fetch() normalizes values), plus the `Content-Type` fetch()
/// adds for a string body. A list value means repeated header lines.
fn request_headers(req: &Map<String, Value>, method: &str) -> Step<HeaderMap> {
    let mut headers = HeaderMap::new();
    if let Some(h) = req.get("headers") {
        let Some(h) = h.as_object() else {
            return fail("req.headers must be an object");
        };
        for (name, value) in h {
            let values: Vec<&str> = match value {
                Value::String(s) => vec![s.as_str()],
                Value::Array(items) => match items.iter().map(Value::as_str).collect() {
                    Some(v) => v,
                    None => return fail(format!("req.headers.{name}: list of non-strings")),
                },
                other => return fail(format!("req.headers.{name}: {other} is not a string")),
            };
            let n = header_name(name)?;
            for v in values {
                let v = normalize_header_value(v.as_bytes());
                // The page's Headers object (fetch()) or setRequestHeader() (XHR) ignores a
                // forbidden request-header: the request goes out without it.
                if is_forbidden_request_header_in(&n, v, &profile().safelist) {
                    continue;
                }
                headers.append(n.clone(), header_value(name, v)?);
            }
        }
    }
    let body = req.get("body").and_then(Value::as_str);
    // XHR drops the body of a GET or HEAD (fetch() would throw); otherwise a string body with
    // no Content-Type gets text/plain;charset=UTF-8.
    if body.is_some()
        && !method.eq_ignore_ascii_case("GET")
        && !method.eq_ignore_ascii_case("HEAD")
        && !headers.contains_key(http::header::CONTENT_TYPE)
    {
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain;charset=UTF-8"),
        );
    }
    Ok(headers)
}

fn header_name(name: &str) -> Step<HeaderName> {
    HeaderName::from_bytes(expand_abbreviation(name).as_bytes()).map_or_else(
        |_| {
            unsupported(format!(
                "header name {name:?} is not representable as http::HeaderName"
            ))
        },
        Ok,
    )
}

fn header_value(name: &str, value: &[u8]) -> Step<HeaderValue> {
    HeaderValue::from_bytes(value).map_or_else(
        |_| {
            unsupported(format!(
                "header {name}: value {:?} holds a byte http::HeaderValue rejects, so the crate's \
                 HeaderMap-based API cannot be given it",
                String::from_utf8_lossy(value)
            ))
        },
        Ok,
    )
}

fn expand_abbreviation(name: &str) -> &str {
    match name {
        "ACAO" => "access-control-allow-origin",
        "ACAC" => "access-control-allow-credentials",
        "ACAM" => "access-control-allow-methods",
        "ACAH" => "access-control-allow-headers",
        "ACEH" => "access-control-expose-headers",
        "ACRM" => "access-control-request-method",
        "ACRH" => "access-control-request-headers",
        other => other,
    }
}

fn parse_mode(
    req: &Map<String, Value>,
    variant_mode: Option<&str>,
) -> Step<(Mode, CredentialsMode, RedirectMode)> {
    let get = |k: &str| req.get(k).and_then(Value::as_str);
    let mode = match variant_mode.or(get("mode")).unwrap_or("cors") {
        "cors" => Mode::Cors,
        "no-cors" => Mode::NoCors,
        "same-origin" => Mode::SameOrigin,
        "navigate" => Mode::Navigate,
        m => return unsupported(format!("mode {m:?}")),
    };
    let cred = match get("cred").unwrap_or("same-origin") {
        "omit" => CredentialsMode::Omit,
        "same-origin" => CredentialsMode::SameOrigin,
        "include" => CredentialsMode::Include,
        c => return unsupported(format!("credentials mode {c:?}")),
    };
    let redirect = match get("redirect").unwrap_or("follow") {
        "follow" => RedirectMode::Follow,
        "error" => RedirectMode::Error,
        "manual" => RedirectMode::Manual,
        r => return unsupported(format!("redirect mode {r:?}")),
    };
    Ok((mode, cred, redirect))
}

// ---------------------------------------------------------------------------------------------
// The browser: a CorsFetch driven against the simulated servers
// ---------------------------------------------------------------------------------------------

/// What the run showed.
#[derive(Default)]
struct Observation {
    /// The first preflight request, when one was sent.
    preflight: Option<http::Request<()>>,
    /// Every preflight sent, in order: the URL it went to and its headers.
    preflights: Vec<(Url, HeaderMap)>,
    /// The headers of the last request (not preflight) as the server received it.
    actual: Option<HeaderMap>,
    /// Every request (not preflight) sent, in order.
    actuals: Vec<SentRecord>,
    /// What script sees, or the network error.
    result: Option<Result<Seen, String>>,
    /// The URL the fetch started from.
    start: Option<Url>,
    /// The last response to a request (not preflight), as the server sent it.
    final_reply: Option<Reply>,
}

/// A request as the simulated server received it.
struct SentRecord {
    url: Url,
    method: Method,
    headers: HeaderMap,
    body: Option<String>,
}

struct Seen {
    response_type: ResponseType,
    status: u16,
    status_text: Option<String>,
    body: Option<String>,
    /// `Response.url`.
    url: Option<Url>,
    /// `Response.redirected`.
    redirected: bool,
    /// The header lines script can read: lowercase name, value bytes.
    readable: Vec<(String, Vec<u8>)>,
    /// Every header name the (simulated) response carried, lowercase.
    carried: Vec<String>,
}

impl Observation {
    fn failed(msg: impl Into<String>) -> Observation {
        Observation {
            result: Some(Err(msg.into())),
            ..Observation::default()
        }
    }

    fn result(&self) -> Result<&Seen, &str> {
        match &self.result {
            Some(Ok(s)) => Ok(s),
            Some(Err(e)) => Err(e),
            None => Err("the fetch never finished"),
        }
    }
}

/// The page's request, ready for [`CorsFetch::new`].
struct PageRequest {
    page: Origin,
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: Option<String>,
    mode: Mode,
    cred: CredentialsMode,
    redirect: RedirectMode,
}

impl PageRequest {
    fn build(
        req: &Map<String, Value>,
        variant: &Variant,
        url: Url,
        headers: HeaderMap,
    ) -> Step<PageRequest> {
        let page = page_origin(req)?;
        let Ok(method) = Method::from_bytes(variant.method.as_bytes()) else {
            return unsupported(format!(
                "method {:?} is not an http::Method",
                variant.method
            ));
        };
        let (mode, cred, redirect) = parse_mode(req, variant.mode.as_deref())?;
        // XHR drops the body of a GET or HEAD.
        let body = req
            .get("body")
            .and_then(Value::as_str)
            .filter(|_| !matches!(method, Method::GET | Method::HEAD))
            .map(str::to_owned);
        Ok(PageRequest {
            page,
            method,
            url,
            headers,
            body,
            mode,
            cred,
            redirect,
        })
    }
}

/// Runs one fetch of `pr` through [`CorsFetch`], answering each request it sends from
/// `world`, and records what happened.
fn run_fetch(
    pr: &PageRequest,
    world: &World,
    cache: &mut PreflightCache,
    now: Timestamp,
    partition: Option<&str>,
) -> Step<Observation> {
    let request = match Request::new(&pr.method, Cow::Borrowed(&pr.url), &pr.headers, &pr.page) {
        Ok(r) => r
            .with_mode(pr.mode)
            .with_credentials(pr.cred)
            .with_redirect(pr.redirect),
        Err(e) => {
            return Ok(Observation::failed(format!(
                "the page cannot make this request: {e}"
            )));
        }
    };
    let mut fetch = match CorsFetch::new(&request, &profile()) {
        Ok(f) => f,
        Err(e) => return Ok(Observation::failed(format!("request rejected: {e}"))),
    };
    if let Some(key) = partition {
        fetch = fetch.with_partition_key(key);
    }
    let mut obs = Observation {
        start: Some(pr.url.clone()),
        ..Observation::default()
    };
    let mut last_reply: Option<Reply> = None;
    // 21 hops with a preflight each, and some slack.
    for _ in 0..64 {
        match fetch.poll(cache, now) {
            Action::Send(out) => {
                let url = match Url::parse(&out.request.uri().to_string()) {
                    Ok(u) => u,
                    Err(e) => return fail(format!("the machine sent an unparsable URL: {e}")),
                };
                let server = world.at(out.hop);
                let preflight = out.kind == OutgoingKind::Preflight;
                // The body goes along unless a redirect rewrote the method (and dropped it).
                let body = pr
                    .body
                    .clone()
                    .filter(|_| !preflight && *out.request.method() == pr.method);
                let reply = server.respond(&Sent {
                    method: out.request.method().as_str(),
                    headers: out.request.headers(),
                    body: body.as_deref(),
                })?;
                let response = reply.to_http()?;
                if preflight {
                    obs.preflights
                        .push((url.clone(), out.request.headers().clone()));
                    if obs.preflight.is_none() {
                        obs.preflight = Some(out.request);
                    }
                } else {
                    obs.actual = Some(out.request.headers().clone());
                    obs.actuals.push(SentRecord {
                        url,
                        method: out.request.method().clone(),
                        headers: out.request.headers().clone(),
                        body,
                    });
                    last_reply = Some(reply);
                }
                if let Err(e) = fetch.handle_response(&response, cache, now) {
                    return fail(format!("CorsFetch refused the response: {e}"));
                }
            }
            Action::Wait => return fail("CorsFetch waits although every request was answered"),
            Action::Done(outcome) => {
                obs.result = Some(match outcome {
                    Err(e) => Err(format!("network error: {e}")),
                    Ok(r) => Ok(seen(&r, last_reply.as_ref())),
                });
                obs.final_reply = last_reply;
                return Ok(obs);
            }
            _ => unreachable!("an action this driver does not know"),
        }
    }
    fail("CorsFetch did not finish within 64 steps")
}

/// What script sees of a fetch's response.
fn seen(r: &FetchResponse, reply: Option<&Reply>) -> Seen {
    let opaque = matches!(
        r.response_type,
        ResponseType::Opaque | ResponseType::OpaqueRedirect
    );
    let hidden = |v: Option<String>| if opaque { Some(String::new()) } else { v };
    Seen {
        response_type: r.response_type,
        status: r.status,
        status_text: hidden(reply.and_then(|r| r.text.clone())),
        body: hidden(reply.and_then(|r| r.body.clone())),
        url: r.url.clone(),
        redirected: r.redirected,
        readable: r
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
            .collect(),
        carried: reply
            .map(|r| r.headers.iter().map(|(n, _)| n.clone()).collect())
            .unwrap_or_default(),
    }
}

fn run_variant(
    obj: &Map<String, Value>,
    req: &Map<String, Value>,
    resolved: &Resolved,
    variant: &Variant,
    expect: &Map<String, Value>,
) -> Step<()> {
    let (start, chain) = start_and_chain(variant, resolved)?;
    let headers = request_headers(req, &variant.method)?;
    let world = World::new(obj, req, resolved, variant, &start, &headers, &chain)?;
    let pr = PageRequest::build(req, variant, start, headers)?;
    let mut cache = PreflightCache::new(&profile());
    let obs = run_fetch(&pr, &world, &mut cache, Timestamp::ZERO, None)?;
    compare(expect, &obs)
}

// ---------------------------------------------------------------------------------------------
// Sequences of fetches sharing a preflight cache (`seq`)
// ---------------------------------------------------------------------------------------------

/// A step's time: `0`, `"3s"`, `"<1s"` (just before: 0.5 s), `">=1.5s"` (1.5 s).
fn step_time(v: Option<&Value>, prev: Timestamp) -> Step<Timestamp> {
    let Some(v) = v else { return Ok(prev) };
    if let Some(n) = v.as_u64() {
        return Ok(Timestamp::from_secs(n));
    }
    let Some(s) = v.as_str() else {
        return fail(format!("seq time {v} is neither a number nor a string"));
    };
    let (before, rest) = match s.strip_prefix('<') {
        Some(r) => (true, r),
        None => (false, s.trim_start_matches(">=").trim_start_matches('>')),
    };
    let Some(secs) = rest
        .strip_suffix('s')
        .and_then(|n| n.trim().parse::<f64>().ok())
    else {
        return fail(format!("seq time {s:?} is not understood"));
    };
    // Milliseconds; `<1s` is taken as half of it.
    let ms = (secs * if before { 500.0 } else { 1000.0 }).round();
    if !(0.0..1e12).contains(&ms) {
        return fail(format!("seq time {s:?} is out of range"));
    }
    // In range and rounded, so the conversion is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(Timestamp::from_millis(ms as u64))
}

/// A step's request in the survey's prose: `"PUT"`, `"GET + x-print"`,
/// `"POST + x-test-header: test1"`, `"same again"` (the previous one).
fn step_request(
    prose: &str,
    prev: &(String, Vec<(String, String)>),
) -> (String, Vec<(String, String)>) {
    let first = prose.split_whitespace().next().unwrap_or("");
    if first == "same" || prose.is_empty() {
        return prev.clone();
    }
    let known = ["GET", "POST", "PUT", "XMETHOD"];
    let method = if known.contains(&first) {
        first.to_owned()
    } else {
        prev.0.clone()
    };
    let mut headers = Vec::new();
    if let Some((_, h)) = prose.split_once(" + ") {
        let h = h.split(" from ").next().unwrap_or(h).trim();
        let (name, value) = h.split_once(':').unwrap_or((h, "test"));
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    (method, headers)
}

fn run_seq(id: &str, obj: &Map<String, Value>, resolved: &Resolved) -> Step<()> {
    if id.starts_with("C304-") {
        return run_revalidation(obj);
    }
    let Some(steps) = obj.get("seq").and_then(Value::as_array) else {
        return fail("`seq` must be a list");
    };
    let Some(srv) = resolved.srv.as_deref() else {
        return fail("record has no `srv`");
    };
    if srv.starts_with("PNA ") {
        return unsupported("Private Network Access is tentative and deprecated; not implemented");
    }
    let mut cache = PreflightCache::new(&profile());
    let mut now = Timestamp::ZERO;
    // (method, headers) of the step before; the survey's first step is a GET + x-print.
    let mut prev = (
        String::from("GET"),
        vec![("x-print".to_owned(), "test".to_owned())],
    );
    let mut errors = Vec::new();
    let empty = Map::new();
    for (i, step) in steps.iter().enumerate() {
        let Some(step) = step.as_object() else {
            return fail(format!("seq[{i}] is not an object"));
        };
        now = step_time(step.get("t"), now)?;
        let prose = step.get("req").and_then(Value::as_str).unwrap_or("");
        let (method, mut headers) = step_request(prose, &prev);
        // A redirect through B to A' (tainting the origin), or straight to A'.
        let (to, chain_srv) = if let Some((first, last)) = srv.split_once(" -> ") {
            if prose.contains(" via ") || prose.contains("redirect") {
                (
                    first.split_whitespace().next().unwrap_or("B"),
                    srv.to_owned(),
                )
            } else {
                let (label, _) = split_label(last);
                (label.unwrap_or("B"), last.to_owned())
            }
        } else {
            ("B", srv.to_owned())
        };
        if srv.contains("allow_headers=x-test-header") && headers.is_empty() {
            // cors-preflight-cache-tainted: the POST carries the header its servers allow.
            headers.push(("x-test-header".to_owned(), "test".to_owned()));
        }
        prev = (method.clone(), headers.clone());
        let mut req = Map::new();
        req.insert("to".into(), Value::from(to));
        req.insert("method".into(), Value::from(method.clone()));
        let mut h = Map::new();
        for (n, v) in &headers {
            h.insert(n.clone(), Value::from(v.clone()));
        }
        req.insert("headers".into(), Value::Object(h));
        let variant = Variant {
            method,
            to: to.to_owned(),
            mode: None,
            preflight_status: None,
            resp_status: None,
            hop_status: Vec::new(),
            location: None,
        };
        let step_resolved = Resolved {
            srv: Some(chain_srv),
            resp: None,
        };
        let (start, chain) = start_and_chain(&variant, &step_resolved)?;
        let hm = request_headers(&req, &variant.method)?;
        let world = World::new(&empty, &req, &step_resolved, &variant, &start, &hm, &chain)?;
        let pr = PageRequest::build(&req, &variant, start, hm)?;
        let partition = step.get("top_level").and_then(Value::as_str);
        let obs = run_fetch(&pr, &world, &mut cache, now, partition)?;
        let mut want = Map::new();
        if let Some(p) = step.get("expect_preflight") {
            want.insert("preflight".into(), p.clone());
        }
        if let Some(ok) = step.get("ok") {
            want.insert("ok".into(), ok.clone());
        }
        if let Err(o) = compare(&want, &obs) {
            match o {
                Outcome::Fail(m) => errors.push(format!("seq[{i}] ({prose:?}): {m}")),
                other => return Err(other),
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        fail(errors.join("; "))
    }
}

/// `cors/304.htm`: the browser's HTTP cache revalidates a stored 200 and gets a 304. Per
/// Fetch's HTTP-network-or-cache fetch the stored response's headers are updated from the
/// 304 (HTTP Caching, "Freshening Stored Responses upon Validation") and the *stored*
/// response is what HTTP fetch then CORS-checks. The HTTP cache is the host's; the runner
/// plays it and hands the updated response to the machine.
fn run_revalidation(obj: &Map<String, Value>) -> Step<()> {
    let Some(steps) = obj.get("seq").and_then(Value::as_array) else {
        return fail("`seq` must be a list");
    };
    let Some(expect) = obj.get("expect").and_then(Value::as_object) else {
        return fail("record has no `expect` object");
    };
    let [first, second] = steps.as_slice() else {
        return unsupported("a revalidation sequence of other than two responses");
    };
    let resp = |step: &Value| -> Step<Reply> {
        let r = step.get("resp").cloned().unwrap_or(Value::Null);
        let status = r.get("status").and_then(Value::as_u64).unwrap_or(200);
        let mut reply = Reply::new(u16::try_from(status).unwrap_or(200));
        apply_override(&mut reply, &r)?;
        Ok(reply)
    };
    // The survey's `src`: the first response carries `ACAO: *` unless it says otherwise.
    let mut stored = resp(first)?;
    if !stored
        .headers
        .iter()
        .any(|(n, _)| n == "access-control-allow-origin")
    {
        stored.add("ACAO", "*");
    }
    let revalidation = resp(second)?;
    if revalidation.status != 304 {
        return unsupported("the second response is not a 304");
    }
    let mut updated = stored.clone();
    let names: Vec<String> = revalidation
        .headers
        .iter()
        .map(|(n, _)| n.clone())
        .collect();
    for n in &names {
        updated.remove(n);
    }
    for (n, v) in &revalidation.headers {
        updated.add(n, v);
    }
    let mut req = Map::new();
    req.insert("to".into(), Value::from("B"));
    let variant = Variant {
        method: "GET".into(),
        to: "B".into(),
        mode: None,
        preflight_status: None,
        resp_status: None,
        hop_status: Vec::new(),
        location: None,
    };
    let mut cache = PreflightCache::new(&profile());
    let mut observe = |reply: Reply| -> Step<Observation> {
        let start = target_url("B")?;
        let world = World::fixed(reply);
        let pr = PageRequest::build(&req, &variant, start, HeaderMap::new())?;
        run_fetch(&pr, &world, &mut cache, Timestamp::ZERO, None)
    };
    let first_obs = observe(stored)?;
    let second_obs = observe(updated)?;
    let mut errors = Vec::new();
    let mut gaps = Vec::new();
    for (key, want) in expect {
        let (obs, what) = match key.as_str() {
            "second_ok" | "exposed_on_second" => (&second_obs, "second"),
            "exposed_on_first" => (&first_obs, "first"),
            // The body comes from the stored response either way.
            "body_same" => continue,
            other => {
                gaps.push(format!("expect key {other}"));
                continue;
            }
        };
        let mut one = Map::new();
        if key.ends_with("_ok") {
            one.insert("ok".into(), want.clone());
        } else {
            one.insert("exposed".into(), want.clone());
        }
        match compare(&one, obs) {
            Ok(()) => {}
            Err(Outcome::Fail(m)) => errors.push(format!("{what} fetch: {m}")),
            Err(Outcome::Unsupported(m)) => gaps.push(m),
            Err(Outcome::Pass) => {}
        }
    }
    if !errors.is_empty() {
        return fail(errors.join("; "));
    }
    if !gaps.is_empty() {
        return unsupported(gaps.join("; "));
    }
    Ok(())
}

// =============================================================================================
// Server simulation
// =============================================================================================

/// A request as the simulated server receives it.
struct Sent<'a> {
    method: &'a str,
    headers: &'a HeaderMap,
    body: Option<&'a str>,
}

impl Sent<'_> {
    fn is_options(&self) -> bool {
        self.method == "OPTIONS"
    }

    fn header(&self, name: &str) -> Option<String> {
        let values: Vec<String> = self
            .headers
            .get_all(name)
            .iter()
            .map(|v| latin1(v.as_bytes()))
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }

    fn origin(&self) -> Option<String> {
        self.header("origin")
    }
}

/// A simulated response. Header values are raw bytes until [`Reply::to_http`], so that a value
/// `http::HeaderValue` cannot hold makes the vector unsupported rather than the runner panic.
#[derive(Clone, Debug)]
struct Reply {
    status: u16,
    text: Option<String>,
    headers: Vec<(String, Vec<u8>)>,
    body: Option<String>,
}

impl Reply {
    fn new(status: u16) -> Reply {
        Reply {
            status,
            text: None,
            headers: Vec::new(),
            body: None,
        }
    }

    fn add(&mut self, name: &str, value: impl AsRef<[u8]>) {
        self.headers.push((
            expand_abbreviation(name).to_ascii_lowercase(),
            value.as_ref().to_vec(),
        ));
    }

    fn set(&mut self, name: &str, value: impl AsRef<[u8]>) {
        self.remove(name);
        self.add(name, value);
    }

    fn remove(&mut self, name: &str) {
        let name = expand_abbreviation(name).to_ascii_lowercase();
        self.headers.retain(|(n, _)| *n != name);
    }

    fn to_http(&self) -> Step<http::Response<()>> {
        let Ok(status) = StatusCode::from_u16(self.status) else {
            return unsupported(format!("status {} is not an http::StatusCode", self.status));
        };
        let mut response = http::Response::new(());
        *response.status_mut() = status;
        for (name, value) in &self.headers {
            let n = header_name(name)?;
            // An HTTP parser excludes the optional whitespace (space, tab) around a field value.
            let v = header_value(name, trim_ows(value))?;
            response.headers_mut().append(n, v);
        }
        Ok(response)
    }
}

/// Strips leading and trailing spaces and tabs (HTTP's OWS).
fn trim_ows(value: &[u8]) -> &[u8] {
    let ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = value.iter().position(|b| !ows(b)).unwrap_or(value.len());
    let end = value.iter().rposition(|b| !ows(b)).map_or(start, |i| i + 1);
    &value[start..end]
}

/// What a handler remembers between the preflight and the actual request.
#[derive(Default)]
struct State {
    did_preflight: bool,
    acrh: Option<String>,
}

type Handler = Box<dyn Fn(&Sent<'_>, &mut State) -> Reply>;

/// One server of a vector's world: a handler simulating the WPT resource, then the record's
/// explicit `preflight` / `resp` objects (or the hop's) applied on top.
struct Server {
    handler: Handler,
    state: RefCell<State>,
    preflight_override: Option<Value>,
    resp_override: Option<Value>,
    preflight_status: Option<u16>,
    resp_status: Option<u16>,
    /// Where a redirect from this server points when nothing else says: the next hop's URL.
    next: Option<String>,
}

impl Server {
    fn respond(&self, sent: &Sent<'_>) -> Step<Reply> {
        let mut reply = (self.handler)(sent, &mut self.state.borrow_mut());
        let (ov, status) = if sent.is_options() {
            (&self.preflight_override, self.preflight_status)
        } else {
            (&self.resp_override, self.resp_status)
        };
        if let Some(s) = status {
            reply.status = s;
        }
        if let Some(ov) = ov {
            apply_override(&mut reply, ov)?;
        }
        let explicit = ov
            .as_ref()
            .and_then(|o| o.get("h"))
            .and_then(Value::as_object)
            .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case("location")));
        if let Some(next) = &self.next {
            if !explicit && matches!(reply.status, 301 | 302 | 303 | 307 | 308) {
                reply.set("location", next);
            }
        }
        Ok(reply)
    }
}

/// The servers of a vector: the request on hop `i` of the fetch's URL list is answered by
/// server `i` (the last one answers any later hop).
struct World {
    servers: Vec<Server>,
}

/// One server of a chain, before it is built: the origin it is at (when known) and the
/// survey's description of it.
#[derive(Clone, Debug)]
struct Part {
    label: Option<&'static str>,
    desc: String,
}

impl World {
    fn at(&self, hop: usize) -> &Server {
        let last = self.servers.len().saturating_sub(1);
        &self.servers[hop.min(last)]
    }

    /// A world of one server that always gives `reply`.
    fn fixed(reply: Reply) -> World {
        World {
            servers: vec![Server {
                handler: Box::new(move |_, _| reply.clone()),
                state: RefCell::new(State::default()),
                preflight_override: None,
                resp_override: None,
                preflight_status: None,
                resp_status: None,
                next: None,
            }],
        }
    }

    fn new(
        obj: &Map<String, Value>,
        req: &Map<String, Value>,
        resolved: &Resolved,
        variant: &Variant,
        target: &Url,
        headers: &HeaderMap,
        chain: &[Part],
    ) -> Step<World> {
        let ctx = Ctx {
            variant,
            target,
            headers,
            resp: resolved.resp.as_ref(),
            req,
        };
        let hops: &[Value] = obj
            .get("hops")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        let n = hops.len().max(chain.len()).max(1);
        let label_of = |i: usize| -> Option<&'static str> {
            hops.get(i)
                .and_then(|h| h.get("at"))
                .and_then(Value::as_str)
                .and_then(|l| label_origin(l).map(|_| l))
                .and_then(|l| LABELS.iter().copied().find(|x| *x == l))
                .or_else(|| chain.get(i).and_then(|p| p.label))
        };
        let mut servers = Vec::new();
        for i in 0..n {
            let part = &chain[i.min(chain.len() - 1)];
            let hop = hops.get(i);
            let hop_h = hop.and_then(|h| h.get("h")).and_then(Value::as_object);
            // A hop's `h` without a Location lists that hop's headers in full.
            let handler = match hop_h {
                Some(h) if !h.keys().any(|k| k.eq_ignore_ascii_case("location")) => {
                    Box::new(|_: &Sent<'_>, _: &mut State| Reply::new(200)) as Handler
                }
                _ => handler_for(&part.desc, &ctx)?,
            };
            let mut resp_override = resolved.resp.clone();
            let mut preflight_override = obj.get("preflight").cloned();
            if let Some(hop) = hop {
                let mut h = hop_h.cloned().unwrap_or_default();
                if let Some((at, url)) = &variant.location {
                    if *at == i {
                        h.retain(|k, _| !k.eq_ignore_ascii_case("location"));
                        h.insert("Location".into(), Value::from(url.clone()));
                    }
                }
                let mut o = Map::new();
                o.insert("h".into(), Value::Object(h));
                resp_override = Some(Value::Object(o));
                if let Some(p) = hop.get("preflight") {
                    preflight_override = Some(p.clone());
                }
            }
            let hop_status = variant.hop_status.get(i).copied().flatten();
            let hop_preflight_status = hop
                .and_then(|h| h.get("preflight"))
                .and_then(|p| p.get("status"))
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok());
            let next = if i + 1 < n {
                label_of(i + 1)
                    .and_then(label_origin)
                    .map(|o| format!("{o}/wpt/hop{}", i + 1))
            } else {
                None
            };
            servers.push(Server {
                handler,
                state: RefCell::new(State::default()),
                preflight_override,
                resp_override,
                preflight_status: hop_preflight_status.or(variant.preflight_status),
                resp_status: hop_status.or(variant.resp_status),
                next,
            });
        }
        Ok(World { servers })
    }
}

const LABELS: &[&str] = &["A", "A'", "As", "B", "B'", "Bs", "B2"];

/// A leading origin label (`"B redirect.py"`, `"hop1 Bs redirect.py"`) and the rest.
fn split_label(part: &str) -> (Option<&'static str>, &str) {
    let part = part.trim();
    let part = part.strip_prefix("hop1 ").unwrap_or(part);
    let part = part.strip_prefix("A or B ").unwrap_or(part);
    let (first, rest) = part.split_once(' ').unwrap_or((part, ""));
    if let Some(l) = LABELS.iter().copied().find(|l| *l == first) {
        return (Some(l), rest.trim());
    }
    (None, part)
}

/// The URL the fetch starts at and the chain of servers it may meet.
fn start_and_chain(variant: &Variant, resolved: &Resolved) -> Step<(Url, Vec<Part>)> {
    // "A -> redirect -> B": A's redirect.py sends the page to B's top.txt.
    if variant.to.contains("->") {
        let items: Vec<&str> = variant
            .to
            .split("->")
            .map(|s| strip_comment(s.trim()))
            .collect();
        let [from, "redirect", to] = items.as_slice() else {
            return unsupported(format!(
                "target {:?} is not `X -> redirect -> Y`",
                variant.to
            ));
        };
        let find = |l: &str| LABELS.iter().copied().find(|x| *x == l);
        let (Some(from), Some(to)) = (find(from), find(to)) else {
            return fail(format!("target {:?} names an unknown origin", variant.to));
        };
        let chain = vec![
            Part {
                label: Some(from),
                desc: "redirect.py".into(),
            },
            Part {
                label: Some(to),
                desc: "top.txt".into(),
            },
        ];
        return Ok((target_url(from)?, chain));
    }
    let start = target_url(&variant.to)?;
    let Some(srv) = resolved.srv.as_deref() else {
        return fail("record has no `srv`");
    };
    Ok((start, chain_for(srv)))
}

/// The chain of servers a `srv` description names: one server, plus the server its redirect
/// leads to, or the `X -> Y` parts.
fn chain_for(srv: &str) -> Vec<Part> {
    let whole = |desc: &str| Part {
        label: None,
        desc: desc.to_owned(),
    };
    // Descriptions the runner knows whole, redirectors with the resource they lead to.
    let parts = split_chain(srv);
    if described_handler(srv).is_some()
        || static_handler(srv).is_some()
        || (parts.len() == 1 && known_name(srv))
    {
        let base = strip_comment(srv);
        let next = if base.starts_with("redirect.py?redirect_preflight") {
            Some("SP2")
        } else if base.starts_with("redirect.py") {
            Some("cors-top.txt")
        } else if base.starts_with("redirect-cors.py") {
            Some("access-control-basic-allow-star.py")
        } else if base.contains("/common/redirect.py") {
            Some("blank.html")
        } else {
            None
        };
        let mut chain = vec![whole(srv)];
        chain.extend(next.map(whole));
        return chain;
    }
    let mut chain: Vec<Part> = parts
        .into_iter()
        .map(|p| {
            let (label, desc) = split_label(p);
            Part {
                label,
                desc: desc.to_owned(),
            }
        })
        .collect();
    // "… -> data:…": the last part is where the redirect points, not a server.
    if chain.len() > 1 && chain.last().is_some_and(|p| p.desc.starts_with("data:")) {
        if let Some(target) = chain.pop() {
            if let Some(last) = chain.last_mut() {
                last.desc = format!("{} LOCATION={}", last.desc, target.desc);
            }
        }
    }
    chain
}

/// Splits `X -> Y -> Z` at the arrows outside parentheses.
fn split_chain(srv: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = srv.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b' ' if depth == 0 && srv[i..].starts_with(" -> ") => {
                out.push(&srv[start..i]);
                i += 4;
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&srv[start..]);
    out
}

fn known_name(srv: &str) -> bool {
    let base = strip_comment(srv);
    let name = base.split(' ').next().unwrap_or(base);
    [
        "SP1",
        "SP2",
        "SP3",
        "cors-makeheader.py",
        "status.py",
        "access-control-allow-lists.py",
        "redirect.py",
    ]
    .contains(&name)
}

/// Applies a record's `preflight` / `resp` object: `h` (header lines, replacing the handler's
/// lines of the same name), `statusText`, `raw_aceh` (raw `Name: value` lines).
fn apply_override(reply: &mut Reply, ov: &Value) -> Step<()> {
    let Some(ov) = ov.as_object() else {
        return fail(format!("response override {ov} is not an object"));
    };
    for (k, v) in ov {
        match k.as_str() {
            "status" => {}
            "h" => {
                let Some(h) = v.as_object() else {
                    return fail(format!("`h` must be an object, not {v}"));
                };
                for (name, value) in h {
                    reply.remove(name);
                    let values: Vec<&str> = match value {
                        Value::String(s) => vec![s.as_str()],
                        Value::Array(a) => match a.iter().map(Value::as_str).collect() {
                            Some(v) => v,
                            None => return fail(format!("h.{name}: list of non-strings")),
                        },
                        other => return fail(format!("h.{name}: {other} is not a string")),
                    };
                    for value in values {
                        reply.add(name, annotated_value(value)?);
                    }
                }
            }
            "statusText" => match v.as_str() {
                Some(t) if !t.contains(' ') => reply.text = Some(t.to_owned()),
                _ => return unsupported(format!("statusText is prose: {v}")),
            },
            "raw_aceh" => {
                let Some(raw) = v.as_str() else {
                    return fail("raw_aceh must be a string");
                };
                for line in raw.split("\r\n") {
                    let Some((name, value)) = line.split_once(':') else {
                        return fail(format!("raw_aceh line {line:?} has no colon"));
                    };
                    // An HTTP parser drops the optional whitespace around a field value.
                    let value = value.trim_matches(|c| c == ' ' || c == '\t');
                    reply.add(name, value);
                }
            }
            other => return unsupported(format!("response key `{other}`")),
        }
    }
    Ok(())
}

/// A header value from the survey, where `"… (UTF-8 E2 80 A6)"` annotates the bytes meant.
fn annotated_value(value: &str) -> Step<Vec<u8>> {
    if let Some((text, note)) = value.rsplit_once(" (UTF-8 ") {
        if note.ends_with(')') {
            return Ok(text.as_bytes().to_vec());
        }
    }
    if value.starts_with('<') && value.ends_with('>') {
        // A placeholder such as "<SP2>" stands for a URL; its exact text never matters.
        return Ok(value.as_bytes().to_vec());
    }
    Ok(value.as_bytes().to_vec())
}

/// What a handler may read about the vector when it is set up.
struct Ctx<'a> {
    variant: &'a Variant,
    target: &'a Url,
    headers: &'a HeaderMap,
    resp: Option<&'a Value>,
    req: &'a Map<String, Value>,
}

/// Query parameters of a parameterised handler (`SP2 allow_methods=PUT&credentials`), with
/// the survey's placeholders substituted.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(query: &str, ctx: &Ctx<'_>) -> Step<Params> {
        let mut out = Vec::new();
        for item in query.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = item.split_once('=').unwrap_or((item, ""));
            out.push((k.to_owned(), substitute(v, ctx)?));
        }
        Ok(Params(out))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn status(&self, key: &str) -> Option<u16> {
        self.get(key).and_then(|v| v.parse().ok())
    }
}

/// Placeholders used in `srv` parameters.
fn substitute(v: &str, ctx: &Ctx<'_>) -> Step<String> {
    if let Some(o) = label_origin(v) {
        return Ok(o.to_owned());
    }
    if !(v.starts_with('<') && v.ends_with('>')) {
        return Ok(v.to_owned());
    }
    let status = |s: Option<u16>| {
        s.map_or_else(
            || fail(format!("{v} has no status to stand for")),
            |s| Ok(s.to_string()),
        )
    };
    match v {
        "<s>" => status(ctx.variant.preflight_status),
        "<c>" => status(ctx.variant.resp_status),
        "<30x>" => status(ctx.variant.hop_status.first().copied().flatten()),
        "<target origin>" => Ok(ctx.target.origin().ascii_serialization()),
        "<name>" => {
            let names: Vec<&str> = ctx.headers.keys().map(HeaderName::as_str).collect();
            match names.as_slice() {
                [one] => Ok((*one).to_owned()),
                _ => fail(format!("{v}: the request has {} header names", names.len())),
            }
        }
        "<list joined by ', '>" => {
            let acao = ctx
                .resp
                .and_then(|r| r.get("h"))
                .and_then(|h| h.get("ACAO"))
                .and_then(Value::as_array);
            match acao.and_then(|a| a.iter().map(Value::as_str).collect::<Option<Vec<_>>>()) {
                Some(items) => Ok(items.join(", ")),
                None => fail(format!("{v}: resp.h.ACAO is not a list")),
            }
        }
        _ => joined_names(v, ctx),
    }
}

/// `<8 names joined by ' ,'>`: the request's header names other than the safelisted
/// Accept, Accept-Language and Content-Language, in the order the page set them.
fn joined_names(v: &str, ctx: &Ctx<'_>) -> Step<String> {
    let inner = &v[1..v.len() - 1];
    let parsed = inner
        .split_once(" names joined by '")
        .and_then(|(n, rest)| Some((n.parse::<usize>().ok()?, rest.strip_suffix('\'')?)));
    let Some((count, sep)) = parsed else {
        return unsupported(format!("placeholder {v} in the server description"));
    };
    let names: Vec<String> = ctx
        .req
        .get("headers")
        .and_then(Value::as_object)
        .map(|h| {
            h.keys()
                .filter(|n| {
                    !["accept", "accept-language", "content-language"]
                        .contains(&n.to_ascii_lowercase().as_str())
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    if names.len() != count {
        return fail(format!("{v}: the request has {} such names", names.len()));
    }
    Ok(names.join(sep))
}

// ---------------------------------------------------------------------------------------------
// Servers named in redirect chains
// ---------------------------------------------------------------------------------------------

/// `redirect.py` parameters from a prose description: `(allow_headers=X)` or `ACAH X`, a
/// redirect status, `redirect_preflight`, and a `LOCATION=` target (see [`chain_for`]).
fn redirect_params(desc: &str) -> Params {
    let mut out = Vec::new();
    let (desc, location) = match desc.split_once(" LOCATION=") {
        Some((d, l)) => (d, Some(l)),
        None => (desc, None),
    };
    let word_after = |key: &str| {
        desc.split_once(key).map(|(_, rest)| {
            rest.split([')', '&', ';', ',', ' '])
                .next()
                .unwrap_or("")
                .to_owned()
        })
    };
    if let Some(h) = word_after("allow_headers=").or_else(|| word_after("ACAH ")) {
        out.push(("allow_headers".to_owned(), h));
    }
    if let Some(code) = desc
        .split(|c: char| !c.is_ascii_digit())
        .find(|t| t.len() == 3 && t.starts_with("30"))
    {
        out.push(("redirect_status".to_owned(), code.to_owned()));
    }
    if desc.contains("redirect_preflight") {
        out.push(("redirect_preflight".to_owned(), String::new()));
    }
    if let Some(l) = location {
        out.push(("location".to_owned(), l.to_owned()));
    }
    Params(out)
}

/// A server that echoes the request's Origin (or `*`) with credentials allowed.
fn echo_origin(credentials: bool) -> Handler {
    Box::new(move |sent, _| {
        let mut r = Reply::new(200);
        match sent.origin() {
            Some(o) => r.add("ACAO", o),
            None => r.add("ACAO", "*"),
        }
        if credentials {
            r.add("ACAC", "true");
        }
        r
    })
}

/// xhr/resources/corsenabled.py as `send-redirect-to-cors.htm` uses it: `ACAO *`,
/// `ACAC true`, `ACAM GET, POST, PUT, FOO`, `ACAH x-test, x-foo` (plus `content-type` with
/// `?safelist_content_type`) on every response, and what it received as response headers.
fn corsenabled(safelist_content_type: bool) -> Handler {
    Box::new(move |sent, _| {
        let mut r = Reply::new(200);
        r.add("ACAO", "*");
        r.add("ACAC", "true");
        r.add("ACAM", "GET, POST, PUT, FOO");
        r.add(
            "ACAH",
            if safelist_content_type {
                "x-test, x-foo, content-type"
            } else {
                "x-test, x-foo"
            },
        );
        r.add("x-request-method", sent.method);
        r.add(
            "x-request-content-type",
            sent.header("content-type")
                .unwrap_or_else(|| "NO".to_owned()),
        );
        r.add("x-request-data", sent.body.unwrap_or(""));
        r
    })
}

/// fetch/api/resources/dump-authorization-header.py: CORS for the requester with
/// credentials and `Authorization` allowed; the body is the Authorization value or `none`.
/// With `strip_auth_header`, a preflight that asks for `authorization` gets a 500.
fn dump_authorization(strict: bool) -> Handler {
    Box::new(move |sent, _| {
        let mut r = Reply::new(200);
        if let Some(o) = sent.origin() {
            r.add("ACAO", o);
        }
        r.add("ACAC", "true");
        r.add("ACAH", "Authorization");
        if sent.is_options() {
            let asks = sent
                .header("access-control-request-headers")
                .is_some_and(|h| h.to_ascii_lowercase().contains("authorization"));
            if strict && asks {
                r.status = 500;
            }
            return r;
        }
        r.body = Some(
            sent.header("authorization")
                .unwrap_or_else(|| "none".to_owned()),
        );
        r
    })
}

/// A static file with `pipe: Name value, name: value, …` header lines.
fn piped_file(pipe: &str) -> Handler {
    let mut lines = Vec::new();
    for item in pipe.split(", ").map(str::trim).filter(|s| !s.is_empty()) {
        let (n, v) = match item.split_once(':') {
            Some((n, v)) => (n.trim(), v.trim()),
            None => item.split_once(' ').unwrap_or((item, "")),
        };
        lines.push((n.to_owned(), v.to_owned()));
    }
    Box::new(move |sent, _| {
        let mut r = Reply::new(200);
        if sent.is_options() {
            return r;
        }
        for (n, v) in &lines {
            r.add(n, v);
        }
        r
    })
}

/// The text xhr/resources/access-control-basic-allow*.py answer with.
const ALLOWED: &str = "PASS: Cross-domain access allowed.";

/// `handler`, with `body` as the body of every response but a preflight's.
fn with_body(handler: Handler, body: &'static str) -> Handler {
    Box::new(move |sent, st| {
        let mut r = handler(sent, st);
        if !sent.is_options() {
            r.body = Some(body.to_owned());
        }
        r
    })
}

/// xhr/resources/access-control-basic-put-allow.py: the preflight grants PUT to the
/// requester with credentials; the PUT gets [`ALLOWED`], a newline and the request body.
fn put_allow() -> Handler {
    Box::new(|sent, _| {
        let mut r = Reply::new(200);
        r.add("content-type", "text/plain");
        if !(sent.is_options() || sent.method == "PUT") {
            r.body = Some(format!("Wrong method: {}", sent.method));
            return r;
        }
        r.add("ACAC", "true");
        if let Some(o) = sent.origin() {
            r.add("ACAO", o);
        }
        if sent.is_options() {
            r.add("ACAM", "PUT");
        } else {
            r.body = Some(format!("{ALLOWED}\n{}", sent.body.unwrap_or("")));
        }
        r
    })
}

/// xhr/resources/echo-content-cors.py: allows the requester with credentials and whatever
/// the preflight asks (methods after `OPTIONS, `); the body is the request body.
fn echo_content_cors() -> Handler {
    Box::new(|sent, _| {
        let mut r = Reply::new(200);
        r.add("x-request-method", sent.method);
        r.add("ACAC", "true");
        r.add("content-type", "text/plain");
        if let Some(o) = sent.origin() {
            r.add("ACAO", o);
        }
        if let Some(h) = sent.header("access-control-request-headers") {
            r.add("ACAH", h);
        }
        if let Some(m) = sent.header("access-control-request-method") {
            r.add("ACAM", format!("OPTIONS, {m}"));
        }
        r.body = Some(sent.body.unwrap_or("").to_owned());
        r
    })
}

/// Servers named in the parts of a `X -> Y` chain, by file name.
fn named_handler(desc: &str, ctx: &Ctx<'_>) -> Step<Option<Handler>> {
    let base = strip_comment(desc);
    let end = base.find([' ', '?', ':', '(']).unwrap_or(base.len());
    let (name, rest) = base.split_at(end);
    let query = rest.trim().trim_start_matches('?');
    Ok(Some(match name {
        "SP2" | "preflight.py" => sp2(Params::parse(query, ctx)?),
        "SP3" | "cors-makeheader.py" => sp3(Params::parse(query, ctx)?),
        "redirect.py" => redirect_py(redirect_params(desc)),
        "corsenabled.py" => corsenabled(rest.contains("safelist_content_type")),
        "inspect-headers.py" | "method.py" => echo_origin(true),
        "access-control-basic-allow.py" => with_body(echo_origin(true), ALLOWED),
        "access-control-basic-put-allow.py" => put_allow(),
        "echo-content-cors.py" => echo_content_cors(),
        "access-control-basic-allow-no-credentials.py" => echo_origin(false),
        "access-control-basic-allow-star.py" => with_body(piped_file("ACAO *"), ALLOWED),
        "allow-star" | "cors-top.txt" => piped_file("ACAO *"),
        // "B 308 -> A": a bare redirect, then a bare resource.
        "" => Box::new(|_: &Sent<'_>, _: &mut State| Reply::new(200)),
        code if code.len() == 3 && code.starts_with("30") => {
            let status = code.parse().unwrap_or(302);
            Box::new(move |_: &Sent<'_>, _: &mut State| Reply::new(status))
        }
        "dump-authorization-header.py" => dump_authorization(rest.contains("strip_auth_header")),
        "top.txt" | "blank.html" | "content.py" => {
            piped_file(rest.split_once("pipe:").map_or("", |(_, p)| p))
        }
        _ => return Ok(None),
    }))
}

/// Chooses the handler for a `srv` description.
fn handler_for(srv: &str, ctx: &Ctx<'_>) -> Step<Handler> {
    let base = strip_comment(srv);
    let (name, query) = base.split_once(' ').unwrap_or((base, ""));
    match name {
        "SP1" => return Ok(sp1(Params::parse(query, ctx)?)),
        "SP2" => return Ok(sp2(Params::parse(query, ctx)?)),
        "SP3" | "cors-makeheader.py" => return Ok(sp3(Params::parse(query, ctx)?)),
        "status.py" => return Ok(status_py(Params::parse(query, ctx)?)),
        "access-control-allow-lists.py" => return Ok(allow_lists(Params::parse(query, ctx)?)),
        "redirect.py" => return Ok(redirect_py(redirect_params(srv))),
        _ => {}
    }
    if let Some(h) = described_handler(srv) {
        return Ok(h);
    }
    if let Some(h) = static_handler(srv) {
        return Ok(h);
    }
    if let Some(h) = named_handler(srv, ctx)? {
        return Ok(h);
    }
    unsupported(format!("no simulation for server {srv:?}"))
}

// ---------------------------------------------------------------------------------------------
// SP1: cors/resources/preflight.py (2025 revision)
// ---------------------------------------------------------------------------------------------

fn sp1(p: Params) -> Handler {
    Box::new(move |sent, _| {
        if sent.is_options() {
            let Some(acrm) = sent.header("access-control-request-method") else {
                return Reply::new(400);
            };
            let mut r = Reply::new(200);
            r.add("ACAM", acrm);
            r.add("ACAO", "*");
            r.add("ACAH", "x-print");
            if let Some(age) = p.get("max_age") {
                r.add("access-control-max-age", age);
            }
            return r;
        }
        let mut r = Reply::new(200);
        r.add("ACAO", "*");
        r.add("ACAH", "x-print");
        r.add("content-type", "text/plain");
        r.body = Some(sent.header("x-print").unwrap_or_else(|| "NO".into()));
        r
    })
}

// ---------------------------------------------------------------------------------------------
// SP2: fetch/api/resources/preflight.py
// ---------------------------------------------------------------------------------------------

fn sp2(p: Params) -> Handler {
    Box::new(move |sent, st| {
        let mut r = Reply::new(200);
        match p.get("origin") {
            Some(list) => list.split(", ").for_each(|o| r.add("ACAO", o)),
            None => r.add("ACAO", "*"),
        }
        if p.has("credentials") {
            r.add("ACAC", "true");
        }
        if sent.is_options() {
            let acrm = sent.header("access-control-request-method");
            if acrm.is_none() || sent.header("accept").as_deref() != Some("*/*") {
                r.status = 400;
                return r;
            }
            st.did_preflight = true;
            st.acrh = sent.header("access-control-request-headers");
            if let Some(m) = p.get("allow_methods") {
                r.add("ACAM", m);
            }
            if let Some(h) = p.get("allow_headers") {
                r.add("ACAH", h);
            }
            if let Some(age) = p.get("max_age") {
                r.add("access-control-max-age", age);
            }
            r.status = p.status("preflight_status").unwrap_or(200);
            return r;
        }
        r.add("x-did-preflight", if st.did_preflight { "1" } else { "0" });
        r.add(
            "x-control-request-headers",
            st.acrh.clone().unwrap_or_default(),
        );
        if let Some(o) = sent.origin() {
            r.add("x-origin", o);
        }
        r.add(
            "ACEH",
            "x-did-preflight, x-control-request-headers, x-referrer, x-preflight-referrer, x-origin",
        );
        r
    })
}

// ---------------------------------------------------------------------------------------------
// SP3: cors/resources/cors-makeheader.py
// ---------------------------------------------------------------------------------------------

fn sp3(p: Params) -> Handler {
    Box::new(move |sent, _| {
        let mut r = Reply::new(p.status("code").unwrap_or(200));
        match p.get("origin") {
            Some("none") => {}
            Some(o) => r.add("ACAO", o),
            None => {
                if let Some(o) = sent.origin() {
                    r.add("ACAO", o);
                }
            }
        }
        if let Some(o2) = p.get("origin2") {
            r.add("ACAO", o2);
        }
        if let Some(h) = p.get("headers") {
            r.add("ACAH", h);
        }
        if let Some(c) = p.get("credentials") {
            r.add("ACAC", c);
        }
        if let Some(m) = p.get("methods") {
            r.add("ACAM", m);
        }
        if sent.is_options() {
            if let Some(s) = p.status("preflight") {
                r.status = s;
            }
        }
        if let Some(loc) = p.get("location") {
            r.add("location", loc);
            if !p.has("code") {
                r.status = 302;
            }
        }
        r
    })
}

// ---------------------------------------------------------------------------------------------
// cors/resources/status.py
// ---------------------------------------------------------------------------------------------

fn status_py(p: Params) -> Handler {
    Box::new(move |sent, _| {
        let mut r = Reply::new(p.status("code").unwrap_or(200));
        r.text = Some(p.get("text").unwrap_or("OMG").to_owned());
        if let Some(o) = sent.origin() {
            r.add("ACAO", o);
        }
        r.add("ACEH", "X-Request-Method");
        if sent.is_options() {
            r.add("ACAM", "GET, CHICKEN, HEAD, POST, PUT");
            if let Some(s) = p.status("preflight") {
                r.status = s;
            }
        }
        if let Some(h) = p.get("headers") {
            r.add("ACAH", h);
        }
        r.add("x-request-method", sent.method);
        r.body = Some(String::new());
        r
    })
}

// ---------------------------------------------------------------------------------------------
// xhr/resources/access-control-allow-lists.py: the given lists on every response
// ---------------------------------------------------------------------------------------------

fn allow_lists(p: Params) -> Handler {
    Box::new(move |_, _| {
        let mut r = Reply::new(200);
        if let Some(o) = p.get("origin") {
            r.add("ACAO", o);
        }
        if let Some(m) = p.get("methods") {
            r.add("ACAM", m);
        }
        if let Some(h) = p.get("headers") {
            r.add("ACAH", h);
        }
        r
    })
}

// ---------------------------------------------------------------------------------------------
// fetch/api/resources/redirect.py (first hop only; following it needs CorsFetch)
// ---------------------------------------------------------------------------------------------

fn redirect_py(p: Params) -> Handler {
    Box::new(move |sent, _| {
        let mut r = Reply::new(p.status("redirect_status").unwrap_or(302));
        match sent.origin() {
            Some(o) => {
                r.add("ACAO", o);
                r.add("ACAC", "true");
            }
            None => r.add("ACAO", "*"),
        }
        if sent.is_options() && !p.has("redirect_preflight") {
            r.status = 200;
            if let Some(h) = p.get("allow_headers") {
                r.add("ACAH", h);
            }
            return r;
        }
        r.add(
            "location",
            p.get("location").unwrap_or("/fetch/api/resources/top.txt"),
        );
        r
    })
}

// ---------------------------------------------------------------------------------------------
// Handlers the survey describes in prose (one arm per description)
// ---------------------------------------------------------------------------------------------

/// A handler that allows whatever is asked (echoing Origin, the requested method and
/// headers, with credentials) unless `reject` says the preflight is malformed, in which case
/// it answers 400: how the xhr/ resources that check one property of the preflight behave.
fn permissive(reject: impl Fn(&Sent<'_>) -> bool + 'static) -> Handler {
    Box::new(move |sent, _| {
        let mut r = Reply::new(200);
        if let Some(o) = sent.origin() {
            r.add("ACAO", o);
        }
        r.add("ACAC", "true");
        if sent.is_options() {
            if reject(sent) {
                r.status = 400;
                return r;
            }
            if let Some(m) = sent.header("access-control-request-method") {
                r.add("ACAM", m);
            }
            if let Some(h) = sent.header("access-control-request-headers") {
                r.add("ACAH", h);
            }
        }
        r
    })
}

/// Fixed header lines for the preflight and for the actual response; `<Origin>` is replaced
/// by the request's Origin.
fn fixed(
    options_status: u16,
    options: &'static [(&'static str, &'static str)],
    actual_status: u16,
    actual: &'static [(&'static str, &'static str)],
    body: Option<&'static str>,
) -> Handler {
    Box::new(move |sent, _| {
        let (status, lines) = if sent.is_options() {
            (options_status, options)
        } else {
            (actual_status, actual)
        };
        let mut r = Reply::new(status);
        for (n, v) in lines {
            if *v == "<Origin>" {
                if let Some(o) = sent.origin() {
                    r.add(n, o);
                }
            } else {
                r.add(n, v);
            }
        }
        r.body = body.map(str::to_owned);
        r
    })
}

fn acrh_items(sent: &Sent<'_>) -> Vec<String> {
    sent.header("access-control-request-headers")
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_owned())
        .collect()
}

fn described_handler(srv: &str) -> Option<Handler> {
    const ORIGIN_CRED: &[(&str, &str)] = &[("ACAO", "<Origin>"), ("ACAC", "true")];
    const ORIGIN: &[(&str, &str)] = &[("ACAO", "<Origin>")];
    const NONE: &[(&str, &str)] = &[];
    Some(match srv {
        "long-wav.py: OPTIONS->404; GET->206 with ACAO=<request Origin>" => {
            fixed(404, NONE, 206, ORIGIN, None)
        }
        "returns 400 unless ACRH == 'x-custom-s,x-custom-test,x-custom-u,x-custom-ua,x-custom-v'" => {
            permissive(|s| {
                s.header("access-control-request-headers").as_deref()
                    != Some("x-custom-s,x-custom-test,x-custom-u,x-custom-ua,x-custom-v")
            })
        }
        "400 unless 'x-test' is one of the comma-split, space-stripped ACRH items" => {
            permissive(|s| !acrh_items(s).iter().any(|i| i == "x-test"))
        }
        "400 if 'origin' appears in ACRH" => permissive(|s| {
            s.header("access-control-request-headers")
                .is_some_and(|h| h.contains("origin"))
        }),
        "OPTIONS -> 400 unless Accept is exactly '*/*' and ACRM present" => permissive(|s| {
            s.header("accept").as_deref() != Some("*/*")
                || s.header("access-control-request-method").is_none()
        }),
        "no-custom-header-on-preflight.py (ACAO *, ACAH x-test, max-age 0; OPTIONS fails if x-test present)" => {
            Box::new(|sent, _| {
                let mut r = Reply::new(200);
                r.add("ACAO", "*");
                r.add("ACAH", "x-test");
                r.add("access-control-max-age", "0");
                if sent.is_options() && sent.header("x-test").is_some() {
                    r.status = 400;
                }
                r
            })
        }
        "OPTIONS -> 301 with ACAO=<Origin>, ACAH x-pass"
        | "OPTIONS -> 400 with ACAO=<Origin>, ACAH x-pass"
        | "OPTIONS -> 501 with ACAO=<Origin>, ACAH x-pass" => {
            let status = srv[11..14].parse().unwrap_or(500);
            fixed(
                status,
                &[("ACAO", "<Origin>"), ("ACAH", "x-pass")],
                200,
                ORIGIN,
                None,
            )
        }
        // The test asserts status 200 and responseText "PASS" for the GET.
        "OPTIONS: ACAO *, ACAH *" => fixed(
            200,
            &[("ACAO", "*"), ("ACAH", "*")],
            200,
            &[("ACAO", "*")],
            Some("PASS"),
        ),
        "OPTIONS: ACAO=<Origin>, ACAH X-Test; GET: ACAO *" => fixed(
            200,
            &[("ACAO", "<Origin>"), ("ACAH", "X-Test")],
            200,
            &[("ACAO", "*")],
            None,
        ),
        "access-control-allow-with-body.py: ACAO *, ACAM *, ACAH X-Requested-With, Max-Age 0, body 'PASS' on every response" =>
        {
            const ALL: &[(&str, &str)] = &[
                ("ACAO", "*"),
                ("ACAM", "*"),
                ("ACAH", "X-Requested-With"),
                ("access-control-max-age", "0"),
            ];
            fixed(200, ALL, 200, ALL, Some("PASS"))
        }
        "access-control-preflight-denied.py: OPTIONS -> 200 with ACAO=<Origin>, Max-Age 1, no ACAM/ACAH" => {
            fixed(
                200,
                &[("ACAO", "<Origin>"), ("access-control-max-age", "1")],
                200,
                ORIGIN,
                None,
            )
        }
        "OPTIONS -> 400" | "access-control-basic-options-not-supported.py (OPTIONS -> 400)" => {
            fixed(400, NONE, 200, ORIGIN, None)
        }
        "no CORS headers at all" | "no CORS headers" | "access-control-basic-denied.py" => {
            fixed(200, NONE, 200, NONE, None)
        }
        "access-control-basic-put-allow.py: OPTIONS ACAM PUT, ACAO=<Origin>, ACAC true" => fixed(
            200,
            &[("ACAM", "PUT"), ("ACAO", "<Origin>"), ("ACAC", "true")],
            200,
            ORIGIN_CRED,
            None,
        ),
        "access-control-basic-cors-safelisted-request-headers.py (non-POST -> 400)" => {
            Box::new(|sent, _| {
                let mut r = Reply::new(if sent.method == "POST" { 200 } else { 400 });
                if let Some(o) = sent.origin() {
                    r.add("ACAO", o);
                }
                r
            })
        }
        "corsenabled.py: ACAO=<Origin>, ACAC true, ACAM GET, ACAH 'authorization, x-user, x-pass'" =>
        {
            const ALL: &[(&str, &str)] = &[
                ("ACAO", "<Origin>"),
                ("ACAC", "true"),
                ("ACAM", "GET"),
                ("ACAH", "authorization, x-user, x-pass"),
            ];
            fixed(200, ALL, 200, ALL, None)
        }
        "corsenabled-no-authorize.py: ACAH 'x-user, x-pass'" => {
            const ALL: &[(&str, &str)] = &[
                ("ACAO", "<Origin>"),
                ("ACAC", "true"),
                ("ACAM", "GET"),
                ("ACAH", "x-user, x-pass"),
            ];
            fixed(200, ALL, 200, ALL, None)
        }
        "pass.txt pipe: ACAO *, X-foo BAR, x-test TEST, ACEH x-Foo" => fixed(
            200,
            NONE,
            200,
            &[
                ("ACAO", "*"),
                ("X-foo", "BAR"),
                ("x-test", "TEST"),
                ("ACEH", "x-Foo"),
            ],
            Some("PASS"),
        ),
        s if s.starts_with("expose-headers.py:") => fixed(
            200,
            NONE,
            221,
            &[("ACAO", "*"), ("BB-8", "hey"), ("Content-Language", "mkay")],
            None,
        ),
        // xhr/resources/access-control-basic-allow-preflight-cache*.py: the preflight grants
        // PUT (and x-test) for a while; every response allows the requester with credentials.
        "1st OPTIONS: ACAM PUT, Max-Age 10, ACAO=<Origin>, ACAC true"
        | "1st OPTIONS: ACAM PUT, Max-Age 10 (no ACAH)" => fixed(
            200,
            &[
                ("ACAO", "<Origin>"),
                ("ACAC", "true"),
                ("ACAM", "PUT"),
                ("access-control-max-age", "10"),
            ],
            200,
            ORIGIN_CRED,
            None,
        ),
        "1st OPTIONS: ACAM PUT, ACAH x-test, Max-Age 1" => fixed(
            200,
            &[
                ("ACAO", "<Origin>"),
                ("ACAC", "true"),
                ("ACAM", "PUT"),
                ("ACAH", "x-test"),
                ("access-control-max-age", "1"),
            ],
            200,
            ORIGIN_CRED,
            None,
        ),
        // cors/resources/preflight-partitioning.py: like SP1 (no max-age: the default).
        "preflight-partitioning.py" => sp1(Params(Vec::new())),
        "conditional.py (OPTIONS: ACAO *, ACAH IF-NONE-MATCH); 304 without ACAO" => {
            conditional(false)
        }
        "conditional.py?cors=yes (304 carries ACAO *)" => conditional(true),
        "B /common/redirect.py (no CORS headers) -> A blank.html" => fixed(
            200,
            NONE,
            302,
            &[("location", "http://web-platform.test:8000/blank.html")],
            None,
        ),
        s if s.starts_with("redirect.py?redirect_preflight") => Box::new(|sent, _| {
            let mut r = Reply::new(302);
            if let Some(o) = sent.origin() {
                r.add("ACAO", o);
                r.add("ACAC", "true");
            }
            r.add("location", "/fetch/api/resources/preflight.py");
            r
        }),
        s if s.starts_with("redirect-cors.py") => {
            let allow = s.contains("allow_origin=true");
            let redirect_preflight = s.contains("redirect_preflight=true");
            // The test's odd Location values, given as prose after the parameters.
            let location = if s.contains("Location with username:password@") {
                "http://username:password@www1.web-platform.test:8000/xhr/resources/access-control-basic-allow-star.py"
            } else if s.contains("Location foo://bar.cgi") {
                "foo://bar.cgi"
            } else {
                "/xhr/resources/access-control-basic-allow-star.py"
            };
            Box::new(move |sent, _| {
                let mut r = Reply::new(302);
                if allow {
                    if let Some(o) = sent.origin() {
                        r.add("ACAO", o);
                    }
                }
                if sent.is_options() && !redirect_preflight {
                    r.status = 200;
                    return r;
                }
                r.add("location", location);
                r
            })
        }
        _ => return None,
    })
}

/// xhr/resources/conditional.py: an author conditional GET is answered 304 "SUPERCOOL".
fn conditional(cors: bool) -> Handler {
    Box::new(move |sent, _| {
        let mut r = Reply::new(200);
        if sent.is_options() {
            r.add("ACAO", "*");
            r.add("ACAH", "IF-NONE-MATCH");
            return r;
        }
        if sent.header("if-none-match").is_some() {
            r.status = 304;
            r.text = Some("SUPERCOOL".into());
            r.body = Some(String::new());
        }
        if cors {
            r.add("ACAO", "*");
        }
        r
    })
}

/// Static files (`top.txt`, `pass.txt`, `.asis`) whose headers the record gives in full, with
/// wptserve `?pipe=header(Name,Value)` pipes.
fn static_handler(srv: &str) -> Option<Handler> {
    let file = srv.split([' ', '?']).next().unwrap_or("");
    let known = [
        "top.txt",
        "pass.txt",
        "cors-headers.asis",
        "access-control-origin-header.py",
        "n/a",
    ];
    if !known.contains(&file) {
        return None;
    }
    let mut pipes = Vec::new();
    let mut rest = srv;
    while let Some(i) = rest.find("header(") {
        let after = &rest[i + 7..];
        let Some(end) = after.find(')') else { break };
        if let Some((n, v)) = after[..end].split_once(',') {
            pipes.push((n.trim().to_owned(), v.trim().to_owned()));
        }
        rest = &after[end..];
    }
    let text_plain = file.ends_with(".txt");
    Some(Box::new(move |sent, _| {
        let mut r = Reply::new(200);
        if sent.is_options() {
            return r;
        }
        if text_plain {
            r.add("content-type", "text/plain");
        }
        for (n, v) in &pipes {
            r.set(n, v);
        }
        r
    }))
}

// =============================================================================================
// Headers-object guard vectors (`guard` + `ops`)
// =============================================================================================

/// Runs `ops` on a Headers object whose guard is `request-no-cors`, using the crate's
/// no-CORS-safelist predicate for the guard's checks (Fetch, "append" / "set" / "fill").
fn run_guard(obj: &Map<String, Value>) -> Step<()> {
    if obj.get("guard").and_then(Value::as_str) != Some("request-no-cors") {
        return unsupported(format!("guard {:?}", obj.get("guard")));
    }
    let Some(ops) = obj.get("ops").and_then(Value::as_array) else {
        return fail("`ops` must be a list");
    };
    let Some(expect) = obj.get("expect").and_then(Value::as_object) else {
        return fail("record has no `expect` object");
    };
    if let Some(k) = expect
        .keys()
        .find(|k| !["get", "has"].contains(&k.as_str()))
    {
        return unsupported(format!("expect key `{k}` for a guard vector"));
    }
    let mut list = HeaderMap::new();
    let mut names = Vec::new();
    for op in ops {
        let Some([kind, name, value]) = op
            .as_array()
            .and_then(|a| a.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
            .and_then(|v| <[&str; 3]>::try_from(v).ok())
        else {
            return fail(format!("op {op} is not [kind, name, value]"));
        };
        if name.starts_with('<') {
            return unsupported(format!("op names a placeholder: {name}"));
        }
        let n = header_name(name)?;
        let v = normalize_header_value(value.as_bytes());
        let hv = header_value(name, v)?;
        names.push(n.clone());
        match kind {
            "append" | "init" => {
                let mut temporary = combined(&list, &n).unwrap_or_default();
                if list.contains_key(&n) {
                    temporary.extend_from_slice(b", ");
                }
                temporary.extend_from_slice(v);
                if !is_no_cors_safelisted_request_header(&n, &temporary) {
                    continue;
                }
                list.append(n, hv);
                let privileged: Vec<HeaderName> = list
                    .keys()
                    .filter(|k| is_privileged_no_cors_request_header_name(k.as_str().as_bytes()))
                    .cloned()
                    .collect();
                for k in privileged {
                    list.remove(k);
                }
            }
            "set" => {
                if is_no_cors_safelisted_request_header(&n, v) {
                    list.insert(n, hv);
                }
            }
            other => return unsupported(format!("Headers operation {other:?}")),
        }
    }
    let mut errors = Vec::new();
    if let Some(want) = expect.get("get") {
        let Some(first) = names.first() else {
            return fail("no ops");
        };
        let got = combined(&list, first).map(|b| latin1(&b));
        if want.as_str() != got.as_deref() {
            errors.push(format!("get({first}): expected {want}, got {got:?}"));
        }
    }
    if let Some(want) = expect.get("has") {
        let got = names.iter().any(|n| list.contains_key(n));
        if want.as_bool() != Some(got) {
            errors.push(format!("has: expected {want}, got {got}"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        fail(errors.join("; "))
    }
}

fn combined(list: &HeaderMap, name: &HeaderName) -> Option<Vec<u8>> {
    let mut values = list.get_all(name).iter().peekable();
    values.peek()?;
    let mut out = Vec::new();
    for (i, v) in values.enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        out.extend_from_slice(v.as_bytes());
    }
    Some(out)
}

// =============================================================================================
// Comparator
// =============================================================================================

/// Script sees header values as byte strings: each byte one code unit.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

fn compare(expect: &Map<String, Value>, obs: &Observation) -> Step<()> {
    let mut errors: Vec<String> = Vec::new();
    let mut gaps: Vec<String> = Vec::new();
    let seen = obs.result().ok();
    let outcome = || match obs.result() {
        Ok(s) => format!("ok ({} {})", s.response_type.as_str(), s.status),
        Err(e) => e.to_owned(),
    };
    let last = obs.actuals.last();
    let pf_header = |name: &str| -> Option<String> {
        let pf = obs.preflight.as_ref()?;
        let values: Vec<String> = pf
            .headers()
            .get_all(name)
            .iter()
            .map(|v| latin1(v.as_bytes()))
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    };
    for (key, want) in expect {
        match key.as_str() {
            "preflight" => {
                let got = obs.preflight.is_some();
                if want.as_bool() != Some(got) {
                    errors.push(format!("preflight sent: expected {want}, got {got}"));
                }
            }
            "ok" => {
                if want.as_bool() != Some(seen.is_some()) {
                    errors.push(format!("ok: expected {want}, got {}", outcome()));
                }
            }
            "acrh" | "acrm" => {
                let name = if key == "acrh" {
                    "access-control-request-headers"
                } else {
                    "access-control-request-method"
                };
                if obs.preflight.is_none() {
                    errors.push(format!("{key}: expected {want}, but no preflight was sent"));
                    continue;
                }
                let got = pf_header(name);
                if want.as_str() != got.as_deref() {
                    errors.push(format!("{key}: expected {want}, got {got:?}"));
                }
            }
            "acrh_contains" | "acrh_excludes" => {
                let Some(item) = want.as_str() else {
                    return fail(format!("{key} must be a string"));
                };
                let got = pf_header("access-control-request-headers").unwrap_or_default();
                let has = got.split(',').any(|i| i.trim() == item);
                if has != (key == "acrh_contains") {
                    errors.push(format!("{key} {item:?}: ACRH was {got:?}"));
                }
            }
            "preflight_has_header" => {
                let Some(map) = want.as_object() else {
                    return fail("preflight_has_header must be an object");
                };
                for (name, w) in map {
                    let got = pf_header(name);
                    match w {
                        Value::Bool(false) if got.is_some() => errors.push(format!(
                            "preflight carries {name}: {got:?}, expected it absent"
                        )),
                        Value::Bool(false) => {}
                        Value::String(s) if s.starts_with('<') => gaps.push(format!(
                            "preflight_has_header.{name} = {s} (not observable here)"
                        )),
                        Value::String(s) if got.as_deref() != Some(s.as_str()) => errors.push(
                            format!("preflight header {name}: expected {s:?}, got {got:?}"),
                        ),
                        Value::String(_) => {}
                        other => return fail(format!("preflight_has_header.{name}: {other}")),
                    }
                }
            }
            "origin_seen" if want.is_array() => {
                // One entry per request on the redirect chain; "<absent>" means no Origin.
                let wanted: Vec<Option<&str>> = want
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|v| v.as_str().filter(|s| *s != "<absent>"))
                            .collect()
                    })
                    .unwrap_or_default();
                let got: Vec<Option<String>> = obs
                    .actuals
                    .iter()
                    .map(|a| a.headers.get("origin").map(|v| latin1(v.as_bytes())))
                    .collect();
                let got_ref: Vec<Option<&str>> = got.iter().map(Option::as_deref).collect();
                if got_ref != wanted {
                    errors.push(format!(
                        "Origin on each hop: expected {wanted:?}, got {got_ref:?}"
                    ));
                }
            }
            "origin_seen" => {
                let Some(actual) = &obs.actual else {
                    errors.push("origin_seen: the actual request was never sent".into());
                    continue;
                };
                let got = actual.get("origin").map(|v| latin1(v.as_bytes()));
                if want.as_str() != got.as_deref() {
                    errors.push(format!(
                        "Origin seen by the server: expected {want}, got {got:?}"
                    ));
                }
            }
            "server_saw" => {
                let Some(map) = want.as_object() else {
                    return fail("server_saw must be an object");
                };
                let Some(actual) = &obs.actual else {
                    errors.push("server_saw: the actual request was never sent".into());
                    continue;
                };
                for (name, w) in map {
                    let got = actual.get(name.as_str()).map(|v| latin1(v.as_bytes()));
                    if w.as_str() != got.as_deref() {
                        errors.push(format!("server saw {name}: expected {w}, got {got:?}"));
                    }
                }
            }
            "body_contains" => {
                let Some(items) = want.as_array() else {
                    return fail("body_contains must be a list");
                };
                match seen.map(|s| s.body.as_deref()) {
                    None => errors.push(format!("body_contains: got {}", outcome())),
                    Some(None) => gaps.push("body_contains: the simulated server has none".into()),
                    Some(Some(body)) => {
                        for item in items.iter().filter_map(Value::as_str) {
                            if !body.contains(item) {
                                errors.push(format!("body {body:?} does not contain {item:?}"));
                            }
                        }
                    }
                }
            }
            "actual_sent" => {
                let got = obs.actual.is_some();
                if want.as_bool() != Some(got) {
                    errors.push(format!("actual request sent: expected {want}, got {got}"));
                }
            }
            "status" => match seen {
                Some(s) if want.as_u64() == Some(u64::from(s.status)) => {}
                _ => errors.push(format!("status: expected {want}, got {}", outcome())),
            },
            "xhr_status" => {
                let got = seen.map_or(0, |s| s.status);
                if want.as_u64() != Some(u64::from(got)) {
                    errors.push(format!(
                        "XHR status: expected {want}, got {got} ({})",
                        outcome()
                    ));
                }
            }
            "statusText" | "body" | "responseText" => {
                let got = match seen {
                    None => Some(String::new()),
                    Some(s) if key != "statusText" => s.body.clone(),
                    Some(s) => s.status_text.clone(),
                };
                let Some(want) = want.as_str() else {
                    return fail(format!("{key} must be a string"));
                };
                match got {
                    None => gaps.push(format!("{key}: the simulated server has none")),
                    Some(g) if g != want => {
                        errors.push(format!("{key}: expected {want:?}, got {g:?}"));
                    }
                    Some(_) => {}
                }
            }
            "type" => match seen {
                Some(s) if want.as_str() == Some(s.response_type.as_str()) => {}
                _ => errors.push(format!("type: expected {want}, got {}", outcome())),
            },
            "xhr_readyState" => {
                // The simulated XHR always reaches DONE, after a load or an error.
                if want.as_u64() != Some(4) {
                    errors.push(format!("readyState: expected {want}, the XHR ends in 4"));
                }
            }
            "exposed" => {
                let Some(map) = want.as_object() else {
                    return fail("exposed must be an object");
                };
                let Some(s) = seen else {
                    // After a network error script reads nothing: every `null` holds.
                    if map.values().any(|v| !v.is_null()) {
                        errors.push(format!(
                            "exposed: expected readable headers, got {}",
                            outcome()
                        ));
                    }
                    continue;
                };
                for (name, w) in map {
                    compare_exposed(s, name, w, &mut errors, &mut gaps);
                }
            }
            "getAllResponseHeaders_contains" | "getAllResponseHeaders_excludes" => {
                let Some(needle) = want.as_str() else {
                    return fail(format!("{key} must be a string"));
                };
                let Some(s) = seen else {
                    errors.push(format!("{key}: got {}", outcome()));
                    continue;
                };
                let all: String = s
                    .readable
                    .iter()
                    .map(|(n, v)| format!("{n}: {}\r\n", latin1(v)))
                    .collect::<String>()
                    .to_ascii_lowercase();
                let has = all.contains(&needle.to_ascii_lowercase());
                if has != key.ends_with("contains") {
                    errors.push(format!(
                        "{key} {needle:?}: getAllResponseHeaders() is {all:?}"
                    ));
                }
            }
            "origin_seen_final" => {
                let Some(last) = last else {
                    errors.push("origin_seen_final: no request was sent".into());
                    continue;
                };
                let got = last.headers.get("origin").map(|v| latin1(v.as_bytes()));
                match want {
                    Value::Null if got.is_some() => errors.push(format!(
                        "Origin at the final hop: expected none, got {got:?}"
                    )),
                    Value::Null => {}
                    Value::String(w) if w == "null" || w.starts_with("http") => {
                        if got.as_deref() != Some(w.as_str()) {
                            errors.push(format!(
                                "Origin at the final hop: expected {w:?}, got {got:?}"
                            ));
                        }
                    }
                    other => gaps.push(format!("origin_seen_final is prose: {other}")),
                }
            }
            "preflight_at" => {
                let Some(labels) = want.as_array() else {
                    return fail("preflight_at must be a list");
                };
                let mut wanted = Vec::new();
                for l in labels {
                    let label = l.as_str().map(strip_comment).unwrap_or_default();
                    match label_origin(label) {
                        Some(o) => wanted.push(o.to_owned()),
                        None => return fail(format!("preflight_at: {l} is not an origin label")),
                    }
                }
                let got: Vec<String> = obs
                    .preflights
                    .iter()
                    .map(|(u, _)| u.origin().ascii_serialization())
                    .collect();
                if got != wanted {
                    errors.push(format!("preflights went to {got:?}, expected {wanted:?}"));
                }
            }
            "acrh_on_second_preflight_excludes" => {
                let Some(item) = want.as_str() else {
                    return fail(format!("{key} must be a string"));
                };
                // No second preflight asks for nothing.
                match obs.preflights.get(1) {
                    None => {}
                    Some((_, h)) => {
                        let acrh = h
                            .get("access-control-request-headers")
                            .map(|v| latin1(v.as_bytes()))
                            .unwrap_or_default();
                        if acrh.split(',').any(|i| i.trim().eq_ignore_ascii_case(item)) {
                            errors.push(format!("second preflight asks for {item}: {acrh:?}"));
                        }
                    }
                }
            }
            "url" => {
                let Some(s) = seen else {
                    errors.push(format!("url: expected {want}, got {}", outcome()));
                    continue;
                };
                let got = s.url.as_ref().map(Url::as_str);
                let expected: Option<String> = match want.as_str() {
                    Some("") => None,
                    Some("<original request URL>") => obs.start.as_ref().map(|u| u.to_string()),
                    Some("<redirect target>") => {
                        if obs.actuals.len() < 2 {
                            errors
                                .push("url: expected a redirect target, none was followed".into());
                            continue;
                        }
                        last.map(|l| l.url.to_string())
                    }
                    _ => {
                        gaps.push(format!("url {want}"));
                        continue;
                    }
                };
                if got != expected.as_deref() {
                    errors.push(format!("Response.url: expected {expected:?}, got {got:?}"));
                }
            }
            "redirected" => match seen {
                Some(s) if want.as_bool() == Some(s.redirected) => {}
                Some(s) => {
                    errors.push(format!("redirected: expected {want}, got {}", s.redirected))
                }
                None => errors.push(format!("redirected: expected {want}, got {}", outcome())),
            },
            "final_ACAO" => {
                let got = obs.final_reply.as_ref().and_then(|r| {
                    r.headers
                        .iter()
                        .find(|(n, _)| n == "access-control-allow-origin")
                        .map(|(_, v)| latin1(v))
                });
                if want.as_str() != got.as_deref() {
                    errors.push(format!("final ACAO: expected {want}, got {got:?}"));
                }
            }
            "method" | "x-request-method" | "x-request-content-type" | "x-request-data" => {
                let Some(last) = last else {
                    errors.push(format!("{key}: no request was sent"));
                    continue;
                };
                let got = match key.as_str() {
                    "method" | "x-request-method" => last.method.as_str().to_owned(),
                    "x-request-content-type" => last
                        .headers
                        .get(http::header::CONTENT_TYPE)
                        .map_or_else(|| "NO".to_owned(), |v| latin1(v.as_bytes())),
                    _ => last.body.clone().unwrap_or_default(),
                };
                if want.as_str() != Some(got.as_str()) {
                    errors.push(format!(
                        "the final server saw {key} {got:?}, expected {want}"
                    ));
                }
            }
            "stripped" => {
                let Some(names) = want.as_array() else {
                    return fail("stripped must be a list");
                };
                let Some(last) = last else {
                    errors.push("stripped: no request was sent".into());
                    continue;
                };
                for n in names.iter().filter_map(Value::as_str) {
                    let names: &[&str] = match n {
                        "body" => {
                            if last.body.is_some() {
                                errors.push("the body reached the final server".into());
                            }
                            continue;
                        }
                        "request-body headers" => &[
                            "content-type",
                            "content-encoding",
                            "content-language",
                            "content-location",
                        ],
                        other => &[other],
                    };
                    for name in names {
                        if last.headers.contains_key(*name) {
                            errors.push(format!("{name} reached the final server"));
                        }
                    }
                }
            }
            "repeat" => {}
            other => gaps.push(format!("expect key {other}")),
        }
    }
    if !errors.is_empty() {
        return fail(errors.join("; "));
    }
    if !gaps.is_empty() {
        return unsupported(gaps.join("; "));
    }
    Ok(())
}

/// One `exposed` entry: `null` means script cannot read it; `"<exposed>"` / `"<present>"` any
/// value; otherwise the combined value, compared as a byte string.
fn compare_exposed(
    s: &Seen,
    name: &str,
    want: &Value,
    errors: &mut Vec<String>,
    gaps: &mut Vec<String>,
) {
    let lower = name.to_ascii_lowercase();
    let values: Vec<String> = s
        .readable
        .iter()
        .filter(|(n, _)| *n == lower)
        .map(|(_, v)| latin1(v))
        .collect();
    let got = (!values.is_empty()).then(|| values.join(", "));
    match want {
        Value::Null => {
            if got.is_some() {
                errors.push(format!("{name}: expected filtered, script reads {got:?}"));
            }
        }
        Value::String(w) => {
            if got.is_none() && !s.carried.contains(&lower) {
                gaps.push(format!(
                    "{name}: the simulated response does not carry it (the survey does not \
                     describe its value)"
                ));
                return;
            }
            let want = w
                .strip_suffix(" (bytes as Latin-1 code units)")
                .unwrap_or(w);
            let placeholder = want.starts_with('<') && want.ends_with('>');
            match &got {
                None => errors.push(format!("{name}: expected {want:?}, but it is filtered")),
                Some(g) if !placeholder && g != want => {
                    errors.push(format!("{name}: expected {want:?}, got {g:?}"));
                }
                Some(_) => {}
            }
        }
        other => errors.push(format!(
            "exposed.{name}: {other} is neither null nor a string"
        )),
    }
}
