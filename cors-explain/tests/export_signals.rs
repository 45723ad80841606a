//! Signals in a devtools export beyond its headers (issue 13 items 1-3): Chromium's recorded
//! error, names a sanitized export removed but the preflight still lists, and WebKit's
//! missing failures. Each test failed before its fix: the first two said PASS (exit 0)
//! where the browser blocked the request.

use std::process::{Command, Output};

use serde_json::{Value, json};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cors-explain"))
        .args(args)
        .output()
        .expect("run cors-explain")
}

fn headers(list: &[(&str, &str)]) -> Value {
    Value::Array(
        list.iter()
            .map(|(n, v)| json!({"name": n, "value": v}))
            .collect(),
    )
}

/// A Chromium default-export entry: no Cookie, no Authorization, and what the browser
/// recorded of its failure, if any.
fn entry(
    method: &str,
    url: &str,
    req: &[(&str, &str)],
    status: u16,
    resp: &[(&str, &str)],
    error: Option<(&str, &str)>,
) -> Value {
    let mut response = json!({"status": status, "headers": headers(resp), "redirectURL": ""});
    if let Some((net, cors)) = error {
        response["_error"] = json!(net);
        if !cors.is_empty() {
            response["_corsErrorStatus"] = json!({"corsError": cors, "failedParameter": ""});
        }
    }
    json!({
        "startedDateTime": "2026-12-02T10:00:01.000Z",
        "pageref": "page_1",
        "_resourceType": if method == "OPTIONS" { "preflight" } else { "fetch" },
        "request": {"method": method, "url": url, "headers": headers(req), "cookies": []},
        "response": response
    })
}

fn explain(creator: &str, entries: Vec<Value>) -> (Value, i32, String) {
    let text = json!({"log": {
        "version": "1.2",
        "creator": {"name": creator, "version": "1"},
        "pages": [{"id": "page_1", "title": "https://app.example/", "startedDateTime": "2026-12-02T10:00:00.000Z"}],
        "entries": entries
    }})
    .to_string();
    let dir = std::env::temp_dir().join(format!("cors-explain-signals-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.har", entries_hash(&text)));
    std::fs::write(&path, &text).unwrap();
    let out = run(&[path.to_str().unwrap(), "--json"]);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    let text_out = String::from_utf8(run(&[path.to_str().unwrap()]).stdout).unwrap();
    (report, out.status.code().unwrap_or(-1), text_out)
}

fn entries_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

const ORIGIN: (&str, &str) = ("Origin", "https://app.example");

#[test]
fn wildcard_with_credentials_recorded_by_chromium_is_blocked_not_pass() {
    let (report, code, text) = explain(
        "WebInspector",
        vec![entry(
            "GET",
            "https://api.example/me",
            &[ORIGIN],
            200,
            &[("Access-Control-Allow-Origin", "*")],
            Some(("net::ERR_FAILED", "WildcardOriginNotAllowed")),
        )],
    );
    let f = &report["fetches"][0];
    assert_eq!(f["outcome"]["status"], "blocked", "{f}");
    assert_eq!(f["credentials"], "include");
    assert_eq!(
        f["failure"]["chromium_cors_error"],
        "kWildcardOriginNotAllowed"
    );
    assert!(
        f["failure"]["console"].as_str().unwrap().contains(
            "must not be the wildcard '*' when the request's credentials mode is 'include'"
        ),
        "{f}"
    );
    assert_eq!(code, 1);
    assert!(
        text.contains("the replay fails only with credentials"),
        "{text}"
    );
}

#[test]
fn missing_allow_credentials_recorded_by_chromium_is_blocked() {
    let (report, code, _) = explain(
        "WebInspector",
        vec![entry(
            "GET",
            "https://api.example/me",
            &[ORIGIN],
            200,
            &[("Access-Control-Allow-Origin", "https://app.example")],
            Some(("net::ERR_FAILED", "InvalidAllowCredentials")),
        )],
    );
    let f = &report["fetches"][0];
    assert_eq!(f["outcome"]["status"], "blocked", "{f}");
    assert_eq!(
        f["failure"]["chromium_cors_error"],
        "kInvalidAllowCredentials"
    );
    assert_eq!(code, 1);
}

#[test]
fn without_a_recorded_error_both_verdicts_are_given() {
    let (report, code, text) = explain(
        "WebInspector",
        vec![entry(
            "GET",
            "https://api.example/me",
            &[ORIGIN],
            200,
            &[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Credentials", "true"),
            ],
            None,
        )],
    );
    let f = &report["fetches"][0];
    assert_eq!(f["outcome"]["status"], "pass", "{f}");
    assert_eq!(
        f["with_credentials"]["chromium_cors_error"],
        "kWildcardOriginNotAllowed"
    );
    assert_eq!(code, 0);
    assert!(text.contains("with credentials"), "{text}");
}

#[test]
fn a_recorded_failure_the_replay_cannot_reproduce_is_incomplete() {
    let (report, code, _) = explain(
        "WebInspector",
        vec![entry(
            "GET",
            "https://api.example/me",
            &[ORIGIN],
            200,
            &[
                ("Access-Control-Allow-Origin", "https://app.example"),
                ("Access-Control-Allow-Credentials", "true"),
            ],
            Some(("net::ERR_FAILED", "")),
        )],
    );
    let f = &report["fetches"][0];
    assert_eq!(f["outcome"]["status"], "incomplete", "{f}");
    assert!(
        f["outcome"]["reason"]
            .as_str()
            .unwrap()
            .contains("net::ERR_FAILED"),
        "{f}"
    );
    assert_eq!(code, 1);
}

#[test]
fn an_aborted_request_is_not_taken_for_a_cors_failure() {
    let (report, code, _) = explain(
        "WebInspector",
        vec![entry(
            "GET",
            "https://api.example/me",
            &[ORIGIN],
            200,
            &[("Access-Control-Allow-Origin", "*")],
            Some(("net::ERR_ABORTED", "")),
        )],
    );
    assert_eq!(report["fetches"][0]["outcome"]["status"], "pass");
    assert_eq!(code, 0);
}

#[test]
fn a_header_the_export_removed_is_rebuilt_from_its_preflight() {
    // Chromium's default export drops Authorization; the OPTIONS entry still lists it, and
    // the preflight was answered 401 by auth middleware.
    let (report, code, _) = explain(
        "WebInspector",
        vec![
            entry(
                "OPTIONS",
                "https://api.example/me",
                &[
                    ORIGIN,
                    ("Access-Control-Request-Method", "GET"),
                    ("Access-Control-Request-Headers", "authorization"),
                ],
                401,
                &[("WWW-Authenticate", "Bearer")],
                None,
            ),
            entry(
                "GET",
                "https://api.example/me",
                &[ORIGIN],
                0,
                &[],
                Some(("net::ERR_FAILED", "PreflightMissingAllowOriginHeader")),
            ),
        ],
    );
    let f = &report["fetches"][0];
    assert_eq!(f["decision"], "preflighted", "{f}");
    assert_eq!(f["outcome"]["status"], "blocked", "{f}");
    // Chromium checks the preflight's Allow-Origin before its status.
    assert_eq!(
        f["failure"]["chromium_cors_error"],
        "kPreflightMissingAllowOriginHeader"
    );
    assert!(
        f["request_headers"][0]
            .as_str()
            .unwrap()
            .starts_with("authorization: "),
        "{f}"
    );
    let notes = f["notes"].to_string();
    assert!(
        notes.contains("rebuilt authorization from the preflight"),
        "{notes}"
    );
    assert!(!notes.contains("preflight cache"), "{notes}");
    assert_eq!(code, 1);
}

#[test]
fn a_webkit_export_says_it_leaves_failures_out() {
    let (report, code, text) = explain(
        "WebKit Web Inspector",
        vec![entry(
            "GET",
            "https://app.example/",
            &[],
            200,
            &[("Content-Type", "text/html")],
            None,
        )],
    );
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("WebKit's HAR export leaves out requests that failed"),
        "{notes}"
    );
    assert!(text.contains("cors-explain message -"), "{text}");
    assert!(code == 0 || code == 1);
    // Other engines' exports carry no such note.
    let (report, _, _) = explain("WebInspector", vec![]);
    assert_eq!(report["notes"], json!([]));
}
