//! cors-explain on real devtools exports of ten situations (issue 13's "done means"),
//! recorded by `tests/browsers/recorder/capture_exports.py` in Chromium (DevTools' own HAR
//! writer, sanitized and with sensitive data), Firefox (the netmonitor's export) and WebKit
//! (console lines only: MiniBrowser has no export). `<browser>.json` beside each export holds
//! what the page itself got and the console lines the browser printed, per situation.
//!
//! For every situation in every export: blocked exactly when the page's fetch failed, the
//! rule the console line names, the browser's console lines byte for byte, and a fix the
//! replay checks. WebKit's lines go through `cors-explain message`, and the WebKit profile's
//! prediction for the same requests must be WebKit's lines.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/exports")
}

fn read_json(name: &str) -> Value {
    let text = std::fs::read_to_string(dir().join(name)).expect(name);
    serde_json::from_str(&text).expect(name)
}

/// Runs cors-explain with `args` and returns its exit code and JSON report.
fn explain(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_cors-explain"))
        .args(args)
        .output()
        .expect("run cors-explain");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}

/// The situations, in page order: id, URL path, and the failed rule (`None`: it passes).
/// s05's preflight (401 without CORS headers) fails on the missing header in Chromium and
/// Firefox and on the status in WebKit, as each engine's console line says.
const SITUATIONS: &[(&str, &str, Option<&str>)] = &[
    ("s01", "/s01-simple", None),
    ("s02", "/s02-no-acao", Some("MissingAllowOrigin")),
    ("s03", "/s03-put", Some("MethodNotAllowed")),
    ("s04", "/s04-auth-401-cors", Some("PreflightInvalidStatus")),
    ("s05", "/s05-auth-401-plain", Some("MissingAllowOrigin")),
    (
        "s06",
        "/s06-star-credentials",
        Some("WildcardOriginWithCredentials"),
    ),
    (
        "s07",
        "/s07-credentials-no-acac",
        Some("InvalidAllowCredentials"),
    ),
    ("s08", "/s08-redirect", Some("AllowOriginMismatch")),
    ("s09", "/s09-cached", None),
    ("s09b", "/s09-cached", None),
    ("s10", "/s10-localhost", Some("AllowOriginMismatch")),
];

fn expected_error(engine: &str, id: &str) -> Option<&'static str> {
    if engine == "webkit" && id == "s05" {
        return Some("PreflightInvalidStatus");
    }
    SITUATIONS.iter().find(|s| s.0 == id).and_then(|s| s.2)
}

/// The message text of one recorded console line, without the engine's log prefix (the
/// recorder's formats: tests/browsers/console/README.md).
fn message_text(browser: &str, line: &str) -> String {
    match browser {
        "chromium" => {
            let rest = line.split_once("] \"").expect("Chromium line").1;
            let end = rest.rfind("\", source: ").expect("Chromium source");
            rest[..end].to_owned()
        }
        "firefox" => {
            let json = line.splitn(4, ' ').nth(3).expect("BiDi line");
            serde_json::from_str::<String>(json).expect("BiDi JSON string")
        }
        _ => line.splitn(4, ' ').nth(3).expect("WebKit line").to_owned(),
    }
}

/// The browser's console lines for situation `id`, as text without log prefixes.
fn console_lines(truth: &Value, browser: &str, id: &str) -> Vec<String> {
    truth["console"][id]
        .as_array()
        .unwrap_or_else(|| panic!("{browser}: no console lines recorded for {id}"))
        .iter()
        .map(|l| message_text(browser, l.as_str().expect("line")))
        .collect()
}

/// The report's fetches for each situation, in page order (s09 and s09b share a URL).
fn fetches_by_situation(report: &Value) -> Vec<(&'static str, Value)> {
    let fetches = report["fetches"].as_array().expect("fetches");
    let mut used = vec![false; fetches.len()];
    SITUATIONS
        .iter()
        .map(|&(id, path, _)| {
            let i = fetches
                .iter()
                .enumerate()
                .position(|(i, f)| !used[i] && f["url"].as_str().is_some_and(|u| u.ends_with(path)))
                .unwrap_or_else(|| panic!("no fetch of {path} for {id}"));
            used[i] = true;
            (id, fetches[i].clone())
        })
        .collect()
}

/// One export: every situation blocked exactly when the page's fetch failed, with the right
/// rule, the browser's own console lines and a fix the replay checks.
fn check_export(file: &str, browser: &str) {
    let truth = read_json(&format!("{browser}.json"));
    let path = dir().join(file);
    let (code, report) = explain(&["--json", path.to_str().unwrap()]);
    assert_eq!(report["recorded_by"], browser, "{file}: engine detected");
    assert_eq!(code, 1, "{file}: blocked requests make exit 1");
    let mut problems = Vec::new();
    for (id, fetch) in fetches_by_situation(&report) {
        let got = &truth["results"][id];
        let page_ok = got["ok"].as_bool().expect("ok");
        let status = fetch["outcome"]["status"].as_str().unwrap_or("?");
        let want_status = if page_ok { "pass" } else { "blocked" };
        if status != want_status {
            problems.push(format!(
                "{id}: {status}, but the page's fetch {}",
                if page_ok { "succeeded" } else { "failed" }
            ));
            continue;
        }
        if page_ok {
            assert!(fetch["failure"].is_null(), "{file} {id}: failure on a pass");
            continue;
        }
        let failure = &fetch["failure"];
        let want = expected_error(browser, id).expect("a failing situation has a rule");
        if failure["error"] != want {
            problems.push(format!("{id}: rule {}, want {want}", failure["error"]));
        }
        let lines = console_lines(&truth, browser, id);
        let printed = failure["console"].as_str().unwrap_or_default();
        if printed != lines.join("\n") {
            problems.push(format!(
                "{id}: console\n  printed  {printed:?}\n  browser  {:?}",
                lines.join("\n")
            ));
        }
        assert_eq!(failure["console_engine"], browser, "{file} {id}");
        let check = failure["fix_check"].as_str().unwrap_or_default();
        let checked = failure["fix_verified"] == true
            || check.starts_with("partly checked: with this change the preflight passes");
        if !checked {
            problems.push(format!("{id}: fix not checked by the replay: {check}"));
        }
    }
    assert!(problems.is_empty(), "{file}:\n{}", problems.join("\n"));
}

#[test]
fn chromium_default_export_sanitized() {
    // DevTools' default export: no Cookie, Set-Cookie or Authorization header, no cookies.
    // Header names, and `cookie:<name>` for each entry of the `cookies` arrays.
    let names = |har: &Value| -> Vec<String> {
        let mut out = Vec::new();
        for e in har["log"]["entries"].as_array().unwrap() {
            for side in ["request", "response"] {
                for h in e[side]["headers"].as_array().unwrap() {
                    out.push(h["name"].as_str().unwrap().to_ascii_lowercase());
                }
                for c in e[side]["cookies"].as_array().unwrap() {
                    out.push(format!("cookie:{}", c["name"].as_str().unwrap()));
                }
            }
        }
        out
    };
    let sanitized = names(&read_json("chromium-sanitized.har"));
    for name in ["cookie", "set-cookie", "authorization", "cookie:sid"] {
        assert!(!sanitized.iter().any(|n| n == name), "{name}");
    }
    let sensitive = names(&read_json("chromium-sensitive.har"));
    for name in ["cookie", "set-cookie", "authorization", "cookie:sid"] {
        assert!(sensitive.iter().any(|n| n == name), "{name}");
    }
    check_export("chromium-sanitized.har", "chromium");
}

#[test]
fn chromium_export_with_sensitive_data() {
    let har = std::fs::read_to_string(dir().join("chromium-sensitive.har")).unwrap();
    assert!(har.contains("Bearer t0k3n") && har.contains("sid=s3cr3t"));
    check_export("chromium-sensitive.har", "chromium");
}

#[test]
fn firefox_netmonitor_export() {
    check_export("firefox.har", "firefox");
}

#[test]
fn what_the_page_could_read_is_what_the_report_says() {
    // s01's X-Request-Id is not exposed (the page read null); s09's X-Total is (it read "3").
    for (file, browser) in [
        ("chromium-sanitized.har", "chromium"),
        ("chromium-sensitive.har", "chromium"),
        ("firefox.har", "firefox"),
    ] {
        let truth = read_json(&format!("{browser}.json"));
        let (_, report) = explain(&["--json", dir().join(file).to_str().unwrap()]);
        let by = fetches_by_situation(&report);
        let get = |id: &str| &by.iter().find(|(i, _)| *i == id).unwrap().1;
        assert!(truth["results"]["s01"]["read"].is_null());
        let s01 = &get("s01")["outcome"];
        assert_eq!(s01["unreadable_headers"][0], "x-request-id", "{file}");
        assert_eq!(
            s01["expose_fix"]["set_headers"][0][1], "x-request-id",
            "{file}: the fix names the header"
        );
        for id in ["s09", "s09b"] {
            assert_eq!(truth["results"][id]["read"], "3");
            let readable = get(id)["outcome"]["readable_headers"].as_array().unwrap();
            assert!(readable.iter().any(|h| h == "x-total"), "{file} {id}");
        }
        // The second s09 fetch was answered from the preflight cache in every engine.
        assert_eq!(get("s09")["decision"], "preflighted", "{file}");
        assert_eq!(get("s09b")["decision"], "preflight-cache-hit", "{file}");
    }
}

#[test]
fn chromium_default_export_rebuilds_what_it_removed() {
    let (_, report) = explain(&[
        "--json",
        dir().join("chromium-sanitized.har").to_str().unwrap(),
    ]);
    let by = fetches_by_situation(&report);
    let get = |id: &str| &by.iter().find(|(i, _)| *i == id).unwrap().1;
    // Authorization is gone from the export, but the preflight lists it.
    for id in ["s04", "s05"] {
        assert_eq!(get(id)["decision"], "preflighted", "{id}");
        let headers = get(id)["request_headers"].as_array().unwrap();
        assert!(
            headers
                .iter()
                .any(|h| h.as_str().unwrap().starts_with("authorization")),
            "{id}: {headers:?}"
        );
    }
    // The cookie is gone too: the credentials mode comes from the browser's recorded error,
    // and the engines are compared with credentials, as the verdict is.
    for id in ["s06", "s07"] {
        let f = get(id);
        assert_eq!(f["credentials"], "include", "{id}");
        assert_eq!(f["credentials_source"], "from the browser's recorded error");
        for e in f["engines"].as_array().unwrap() {
            assert_eq!(e["status"], "blocked", "{id}: {e}");
        }
    }
}

#[test]
fn webkit_console_lines_name_the_rule() {
    let truth = read_json("webkit.json");
    for &(id, _, error) in SITUATIONS {
        let page_ok = truth["results"][id]["ok"].as_bool().unwrap();
        assert_eq!(page_ok, error.is_none(), "webkit {id}: the page's result");
        let lines = console_lines(&truth, "webkit", id);
        if page_ok {
            assert!(lines.is_empty(), "webkit {id}: {lines:?}");
            continue;
        }
        let want = expected_error("webkit", id).unwrap();
        let (code, r) = explain(&["message", "--json", &lines.join("\n")]);
        assert_eq!(code, 0, "webkit {id}: recognized");
        assert_eq!(r["engine"], "webkit", "{id}");
        assert_eq!(r["api"], "fetch", "{id}: the Fetch API line says so");
        assert_eq!(r["whole_message"], true, "{id}");
        // WebKit words a missing, a mismatched and an invalid Access-Control-Allow-Origin
        // alike; the right one must be among the readings.
        let readings = reading_errors(&r);
        assert!(
            readings.contains(&want),
            "webkit {id}: {readings:?}, want {want}"
        );
    }
}

#[test]
fn webkit_profile_prints_webkits_lines() {
    // The same requests, from the sensitive Chromium export, explained as WebKit: the
    // console lines the report prints are the ones WebKit printed.
    let truth = read_json("webkit.json");
    let har = dir().join("chromium-sensitive.har");
    let (_, report) = explain(&["--json", "--profile", "webkit", har.to_str().unwrap()]);
    let mut problems = Vec::new();
    for (id, fetch) in fetches_by_situation(&report) {
        let lines = console_lines(&truth, "webkit", id);
        let printed = fetch["failure"]["console"].as_str().unwrap_or_default();
        if printed != lines.join("\n") {
            problems.push(format!(
                "{id}:\n  printed  {printed:?}\n  webkit   {:?}",
                lines.join("\n")
            ));
        }
        if let Some(want) = expected_error("webkit", id) {
            if fetch["failure"]["error"] != want {
                problems.push(format!("{id}: {} want {want}", fetch["failure"]["error"]));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_engines_line_is_recognized_as_what_it_is() {
    // The pasted-message input on every recorded line of every engine.
    for browser in ["chromium", "firefox", "webkit"] {
        let truth = read_json(&format!("{browser}.json"));
        for &(id, _, _) in SITUATIONS {
            let Some(want) = expected_error(browser, id) else {
                continue;
            };
            let lines = console_lines(&truth, browser, id);
            let (code, r) = explain(&["message", "--json", &lines.join("\n")]);
            assert_eq!(code, 0, "{browser} {id}");
            assert_eq!(r["engine"], browser, "{browser} {id}");
            let readings = reading_errors(&r);
            assert!(
                readings.contains(&want),
                "{browser} {id}: {readings:?}, want {want}"
            );
            if browser != "webkit" {
                assert_eq!(r["error"], want, "{browser} {id}: the first reading");
            }
        }
    }
}

#[test]
fn chromium_network_lines_are_named_as_chromium_logs_them() {
    // The console's network line, recorded from the DevTools protocol's Log domain: one per
    // blocked load, at the URL that failed. The text report names it and leaves it out.
    let truth = read_json("chromium.json");
    let network = truth["network_lines"].as_array().expect("network_lines");
    let har = dir().join("chromium-sensitive.har");
    let (_, report) = explain(&["--json", har.to_str().unwrap()]);
    let out = Command::new(env!("CARGO_BIN_EXE_cors-explain"))
        .args(["--no-color", har.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut blocked = 0;
    for (id, fetch) in fetches_by_situation(&report) {
        if fetch["outcome"]["status"] != "blocked" {
            continue;
        }
        blocked += 1;
        let failed_url = fetch["wire"].as_array().unwrap().last().unwrap()["url"].clone();
        let lines: Vec<&str> = network
            .iter()
            .filter(|l| l["url"] == failed_url)
            .map(|l| l["text"].as_str().unwrap())
            .collect();
        assert_eq!(lines, ["Failed to load resource: net::ERR_FAILED"], "{id}");
    }
    assert_eq!(blocked, 8);
    assert_eq!(
        text.matches("network line for this load, `Failed to load resource: net::ERR_FAILED`")
            .count(),
        blocked
    );
}

/// The `error` of each reading of a `message --json` answer, first reading first.
fn reading_errors(answer: &Value) -> Vec<&str> {
    answer["readings"]
        .as_array()
        .expect("readings")
        .iter()
        .map(|r| r["error"].as_str().expect("error"))
        .collect()
}
