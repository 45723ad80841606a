//! The `cors-explain` binary on real HAR files and raw header blocks.
//!
//! Fixtures in `tests/data/har/`:
//! - `chromium-cdp.har`: real Chromium 156, captured over the DevTools protocol by
//!   `tests/browsers/recorder/capture_har.py` (the page makes six fetches: a passing simple
//!   GET, a PUT whose preflight lacks Access-Control-Allow-Methods, a credentialed GET answered
//!   `*`, a redirect to a third origin that taints the request's origin, and two GETs with
//!   `X-Test` where the second reuses the cached preflight).
//! - `firefox-netmonitor.har`: the same page, Firefox ESR 153's own HAR export.
//! - `{chromium,firefox,webkit}-observed.har`: recorder observations of real runs of seven
//!   scenarios, written in each engine's devtools flavour by `to_har.py` (WebKit's lists no
//!   preflights).
//! - `truncated.har`, `malformed.har`: broken input.
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn data(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cors-explain"))
        .args(args)
        .output()
        .expect("run cors-explain")
}

fn json(args: &[&str]) -> (Value, i32) {
    let mut all = args.to_vec();
    all.push("--json");
    let out = run(&all);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let value: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}"));
    (value, out.status.code().unwrap_or(-1))
}

fn fetches(report: &Value) -> &Vec<Value> {
    report["fetches"].as_array().expect("fetches")
}

fn find<'a>(report: &'a Value, url_part: &str) -> Vec<&'a Value> {
    fetches(report)
        .iter()
        .filter(|f| f["url"].as_str().unwrap_or("").contains(url_part))
        .collect()
}

fn fix_headers(f: &Value) -> Vec<(String, String)> {
    f["failure"]["fix"]["set_headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_owned(),
                p[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The six fetches of the capture page, as every engine must explain them.
fn check_capture_page(report: &Value, engine: &str, console_start: &str) {
    assert_eq!(report["page_origin"], "http://127.0.0.1:8821");
    assert_eq!(report["recorded_by"], engine);
    assert_eq!(report["profile"], engine);

    let pass = find(report, "/pass")[0];
    assert_eq!(pass["decision"], "simple");
    assert_eq!(pass["outcome"]["status"], "pass");
    assert_eq!(pass["outcome"]["response_type"], "cors");
    let readable = pass["outcome"]["readable_headers"].as_array().unwrap();
    assert!(readable.contains(&Value::from("x-total")), "{readable:?}");

    let put = find(report, "/put-no-acam")[0];
    assert_eq!(put["decision"], "preflighted");
    assert_eq!(put["outcome"]["status"], "blocked");
    assert_eq!(put["failure"]["error"], "MethodNotAllowed");
    assert_eq!(put["failure"]["stage"], "preflight");
    assert_eq!(put["failure"]["fix"]["target"], "preflight-response");
    assert_eq!(
        fix_headers(put),
        [("Access-Control-Allow-Methods".to_owned(), "PUT".to_owned())]
    );
    assert!(
        put["failure"]["console"]
            .as_str()
            .unwrap()
            .starts_with(console_start),
        "{}",
        put["failure"]["console"]
    );
    assert!(
        put["failure"]["spec"]
            .as_str()
            .unwrap()
            .contains("#cors-preflight-fetch")
    );

    let cred = find(report, "/cred")[0];
    assert_eq!(cred["credentials"], "include");
    assert_eq!(cred["credentials_source"], "cookie sent");
    assert_eq!(cred["failure"]["error"], "WildcardOriginWithCredentials");
    assert_eq!(
        fix_headers(cred),
        [
            (
                "Access-Control-Allow-Origin".to_owned(),
                "http://127.0.0.1:8821".to_owned()
            ),
            ("Vary".to_owned(), "Origin".to_owned())
        ]
    );
    assert_eq!(cred["failure"]["fix_verified"], true);

    let redir = find(report, "/redir")[0];
    let wire = redir["wire"].as_array().unwrap();
    assert_eq!(wire.len(), 2);
    assert_eq!(wire[1]["origin"], "null", "the redirect tainted the origin");
    assert_eq!(redir["failure"]["error"], "AllowOriginMismatch");
    assert_eq!(
        fix_headers(redir),
        [("Access-Control-Allow-Origin".to_owned(), "*".to_owned())]
    );

    let cached = find(report, "/cached");
    assert_eq!(cached.len(), 2);
    assert_eq!(cached[0]["decision"], "preflighted");
    assert_eq!(cached[1]["decision"], "preflight-cache-hit");
    assert_eq!(cached[1]["wire"].as_array().unwrap().len(), 1);
    assert!(cached.iter().all(|f| f["outcome"]["status"] == "pass"));

    let ctl = find(report, "/ctl/results")[0];
    assert_eq!(ctl["decision"], "same-origin");
    assert_eq!(ctl["outcome"]["response_type"], "basic");

    assert_eq!(report["summary"]["blocked"], 3);
    assert_eq!(report["summary"]["passed"], 4);
}

#[test]
fn real_chromium_devtools_protocol_har() {
    let (report, code) = json(&[&data("har/chromium-cdp.har")]);
    assert_eq!(code, 1);
    check_capture_page(
        &report,
        "chromium",
        "Access to fetch at 'http://127.0.0.1:8822/put-no-acam' from origin 'http://127.0.0.1:8821' has been blocked by CORS policy:",
    );
    // Chromium recorded its own verdict next to ours.
    let put = find(&report, "/put-no-acam")[0];
    assert!(
        put["browser_recorded"]
            .as_str()
            .unwrap()
            .contains("MethodDisallowedByPreflightResponse")
    );
    assert_eq!(
        put["failure"]["chromium_cors_error"],
        "kMethodDisallowedByPreflightResponse"
    );
}

#[test]
fn real_firefox_netmonitor_har() {
    let (report, code) = json(&[&data("har/firefox-netmonitor.har")]);
    assert_eq!(code, 1);
    check_capture_page(&report, "firefox", "Cross-Origin Request Blocked:");
    // Firefox lists the PUT before its preflight; they are still grouped.
    let put = find(&report, "/put-no-acam")[0];
    assert_eq!(put["entries"], serde_json::json!([4, 3]));
}

#[test]
fn profile_flag_changes_the_console_wording() {
    let (report, _) = json(&[&data("har/chromium-cdp.har"), "--profile", "webkit"]);
    assert_eq!(report["profile"], "webkit");
    assert_eq!(report["profile_source"], "--profile");
    let put = find(&report, "/put-no-acam")[0];
    let console = put["failure"]["console"].as_str().unwrap();
    assert!(
        console.contains("due to access control checks"),
        "{console}"
    );
}

fn observed(engine: &str) -> Value {
    let (report, code) = json(&[&data(&format!("har/{engine}-observed.har"))]);
    assert_eq!(code, 1, "{engine}");
    assert_eq!(report["recorded_by"], engine);
    report
}

#[test]
fn observed_hars_in_three_flavours() {
    for engine in ["chromium", "firefox", "webkit"] {
        let report = observed(engine);
        let simple = find(&report, "smoke-get-acao-match")[0];
        assert_eq!(simple["outcome"]["status"], "pass", "{engine}");
        assert_eq!(simple["decision"], "simple");

        let cred = find(&report, "smoke-credentials-include-star")[0];
        assert_eq!(
            cred["failure"]["error"], "WildcardOriginWithCredentials",
            "{engine}"
        );

        let taint = find(&report, "smoke-redirect-b-c-acao-a")[0];
        assert_eq!(taint["failure"]["error"], "AllowOriginMismatch", "{engine}");
        assert_eq!(taint["wire"][1]["origin"], "null");

        let cached = find(&report, "smoke-cache-header-max-age-60-bp");
        assert_eq!(cached[1]["decision"], "preflight-cache-hit", "{engine}");
        assert_eq!(cached[1]["outcome"]["status"], "pass");

        let put = find(&report, "smoke-put-preflight-no-acam")[0];
        let header = find(&report, "smoke-acrh-missing-acah")[0];
        if engine == "webkit" {
            // WebKit's export has no preflights: the tool says so, with the curl to run.
            assert_eq!(put["outcome"]["status"], "incomplete");
            let reason = put["outcome"]["reason"].as_str().unwrap();
            assert!(reason.contains("curl -i -X OPTIONS"), "{reason}");
            assert!(
                reason.contains("Access-Control-Request-Method: PUT"),
                "{reason}"
            );
            // and the passing preflighted request is taken to have had its preflight pass
            assert_eq!(cached[0]["wire"][0]["source"], "assumed");
        } else {
            assert_eq!(put["failure"]["error"], "MethodNotAllowed", "{engine}");
            assert_eq!(header["failure"]["error"], "HeaderNotAllowed", "{engine}");
            assert_eq!(
                fix_headers(header),
                [(
                    "Access-Control-Allow-Headers".to_owned(),
                    "x-test".to_owned()
                )]
            );
        }

        // `Access-Control-Expose-Headers: *` with credentials: WebKit alone exposes `accept`.
        let star = find(&report, "aceh-star-include")[0];
        assert_eq!(star["engines_differ"], true, "{engine}");
        let webkit = star["engines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["engine"] == "webkit")
            .unwrap();
        assert!(
            webkit["readable_headers"]
                .as_array()
                .unwrap()
                .contains(&Value::from("accept"))
        );
        assert_eq!(report["summary"]["engines_differ"], 1);
    }
}

#[test]
fn human_output_without_colour_off_a_terminal() {
    let out = run(&[&data("har/chromium-cdp.har")]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\x1b'),
        "no ANSI codes when stdout is a pipe"
    );
    assert!(text.contains("BLOCKED preflight response: method PUT is not listed"));
    assert!(text.contains("Access-Control-Allow-Methods: PUT"));
    assert!(text.contains("decision  preflight-cache-hit"));
    assert!(text.contains("the page can read the body and the headers"));
    let out = run(&[&data("har/chromium-cdp.har"), "--no-color"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn broken_har_files_are_input_errors() {
    let out = run(&[&data("har/truncated.har")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("truncated"), "{err}");
    assert!(err.contains("line 732, column"), "{err}");
    assert!(out.stdout.is_empty());

    let out = run(&[&data("har/malformed.har")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 29, column"), "{err}");
    assert!(err.contains("not valid JSON"), "{err}");

    let out = run(&[&data("har/does-not-exist.har")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn every_prefix_of_a_real_har_is_an_error_or_a_report_never_a_panic() {
    use cors_explain::{explain, har};
    use fetch_cors::Profile;
    let text = std::fs::read_to_string(data("har/firefox-netmonitor.har")).unwrap();
    let mut cut = 0;
    while cut < text.len() {
        if text.is_char_boundary(cut) {
            if let Ok(capture) = har::parse(&text[..cut], &har::HarOptions::default()) {
                let _ = explain(&capture, &Profile::FIREFOX);
            }
        }
        cut += 97;
    }
    // Structure errors name the field.
    let e = har::parse(
        r#"{"log": {"entries": [{"request": {"method": "GET", "url": 5}}]}}"#,
        &har::HarOptions::default(),
    )
    .unwrap_err();
    assert!(e.message.contains("log.entries[0].request.url"), "{e}");
}

#[test]
fn usage_errors() {
    for args in [
        &[][..],
        &["--profile", "lynx", "x.har"],
        &["raw", "--origin", "https://app.example"],
        &[
            "raw",
            "--origin",
            "https://app.example",
            "--url",
            "https://a.example/",
        ],
        &["x.har", "--url", "https://a.example/"],
        &[
            "raw",
            "--origin",
            "app",
            "--url",
            "https://a.example/",
            "--response",
            "x",
        ],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
    let out = run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("cors-explain raw"));
}

#[test]
fn raw_preflight_with_missing_method_credentials_and_header() {
    let (report, code) = json(&[
        "raw",
        "--origin",
        "https://app.example",
        "--method",
        "PUT",
        "--header",
        "X-A: 1",
        "--header",
        "Content-Type: application/json",
        "--credentials",
        "include",
        "--mode",
        "cors",
        "--url",
        "https://api.example/x",
        "--preflight-response",
        &data("raw/preflight-put-missing.txt"),
        "--response",
        &data("raw/response-ok.txt"),
    ]);
    assert_eq!(code, 1);
    let f = &fetches(&report)[0];
    assert_eq!(f["decision"], "preflighted");
    assert_eq!(f["failure"]["error"], "InvalidAllowCredentials");
    // Replaying with each fix in turn finds the rest, and the whole set passes.
    let further: Vec<&str> = f["failure"]["further_fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["set_headers"][0][1].as_str().unwrap())
        .collect();
    assert_eq!(further, ["GET, POST, PUT", "content-type, x-a", "true"]);
    assert_eq!(f["failure"]["fix_verified"], true);
}

#[test]
fn raw_passing_and_redirect_hops() {
    let (report, code) = json(&[
        "raw",
        "--origin",
        "https://app.example",
        "--url",
        "https://api.example/x",
        "--response",
        &data("raw/response-ok.txt"),
    ]);
    assert_eq!(code, 0);
    let f = &fetches(&report)[0];
    assert_eq!(f["outcome"]["status"], "pass");
    assert_eq!(
        f["outcome"]["readable_headers"],
        serde_json::json!(["content-type"])
    );

    // curl -i -L: a 301 to another origin, then a response naming the page's origin, which
    // no longer matches the tainted `null` origin.
    let (report, code) = json(&[
        "raw",
        "--origin",
        "https://app.example",
        "--url",
        "https://api.example/old",
        "--response",
        &data("raw/response-redirect.txt"),
    ]);
    assert_eq!(code, 1);
    let f = &fetches(&report)[0];
    assert_eq!(f["wire"][1]["url"], "https://cdn.example/x");
    assert_eq!(f["failure"]["error"], "AllowOriginMismatch");

    // No preflight response given for a request that needs one: incomplete, with the curl.
    let (report, code) = json(&[
        "raw",
        "--origin",
        "https://app.example",
        "--method",
        "DELETE",
        "--url",
        "https://api.example/x",
        "--response",
        &data("raw/response-ok.txt"),
    ]);
    assert_eq!(code, 1);
    let reason = fetches(&report)[0]["outcome"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("curl -i -X OPTIONS 'https://api.example/x'"),
        "{reason}"
    );
}

#[test]
fn raw_bad_block_is_an_input_error_with_a_line() {
    let dir = std::env::temp_dir().join(format!("cors-explain-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.txt");
    std::fs::write(
        &bad,
        "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin *\r\n\r\n",
    )
    .unwrap();
    let out = run(&[
        "raw",
        "--origin",
        "https://app.example",
        "--url",
        "https://api.example/x",
        "--response",
        bad.to_str().unwrap(),
    ]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2: expected a header line"), "{err}");
}

/// A fetch whose preflight the chosen profile's cache answered is fix-checked as if its cache
/// still held the entry, even though the replay of the fix starts from an empty cache and the
/// recording holds a later preflight (refused) that this profile never sent.
#[test]
fn fix_check_of_a_cache_hit_keeps_the_cached_grant() {
    let entry = |t: &str, method: &str, req: &str, status: u16, resp: &str| {
        format!(
            r#"{{"startedDateTime": "2024-01-01T00:00:{t}Z", "pageref": "p", "_resourceType": "{}",
            "request": {{"method": "{method}", "url": "https://api.example/c", "headers": [{req}]}},
            "response": {{"status": {status}, "headers": [{resp}], "redirectURL": ""}}}}"#,
            if method == "OPTIONS" {
                "preflight"
            } else {
                "fetch"
            }
        )
    };
    let origin = r#"{"name": "Origin", "value": "https://app.example"}"#;
    let preflight_req =
        format!(r#"{origin}, {{"name": "Access-Control-Request-Method", "value": "PUT"}}"#);
    let granted = r#"{"name": "Access-Control-Allow-Origin", "value": "https://app.example"},
        {"name": "Access-Control-Allow-Methods", "value": "PUT"},
        {"name": "Access-Control-Max-Age", "value": "600"}"#;
    let acao = r#"{"name": "Access-Control-Allow-Origin", "value": "https://app.example"}"#;
    let entries = [
        entry("01.000", "OPTIONS", &preflight_req, 204, granted),
        entry("01.100", "PUT", origin, 200, acao),
        // A second preflight, refused: Chromium, with the first one cached, does not send it.
        entry("02.000", "OPTIONS", &preflight_req, 403, ""),
        entry("02.100", "PUT", origin, 200, ""),
    ];
    let har = format!(
        r#"{{"log": {{"version": "1.2", "creator": {{"name": "WebInspector"}},
        "pages": [{{"id": "p", "title": "https://app.example/"}}], "entries": [{}]}}}}"#,
        entries.join(",")
    );
    let dir = std::env::temp_dir().join(format!("cors-explain-cache-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cache.har");
    std::fs::write(&path, har).unwrap();
    let (report, _) = json(&[path.to_str().unwrap(), "--profile", "chromium"]);
    std::fs::remove_dir_all(&dir).ok();
    let second = &fetches(&report)[1];
    assert_eq!(second["decision"], "preflight-cache-hit", "{second}");
    assert_eq!(second["failure"]["error"], "MissingAllowOrigin");
    assert_eq!(
        second["failure"]["fix_verified"], true,
        "{}",
        second["failure"]
    ); // The cached grant covers the preflight: no fix for the refused one is called for.
    assert_eq!(
        second["failure"]["further_fixes"],
        serde_json::json!([]),
        "{}",
        second["failure"]
    );
}

// ---------------------------------------------------------------- cors-explain message

fn message(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_cors-explain"))
        .arg("message")
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run cors-explain message");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

#[test]
fn message_chromium_header_not_allowed_json() {
    let out = message(
        &[
            "--json",
            "Access to XMLHttpRequest at 'https://api.example/v1/items' from origin \
             'https://app.example' has been blocked by CORS policy: Request header field \
             x-api-key is not allowed by Access-Control-Allow-Headers in preflight response.",
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["engine"], "chromium");
    assert_eq!(v["api"], "xhr");
    assert_eq!(v["error"], "HeaderNotAllowed");
    assert_eq!(v["values"]["header"], "x-api-key");
    assert_eq!(v["values"]["url"], "https://api.example/v1/items");
    assert_eq!(v["fix"]["target"], "preflight-response");
    assert_eq!(
        v["fix"]["set_headers"][0],
        serde_json::json!(["Access-Control-Allow-Headers", "x-api-key"])
    );
    let webkit = v["readings"][0]["messages"]["webkit"].as_str().unwrap();
    assert_eq!(
        webkit,
        "Request header field X-Api-Key is not allowed by Access-Control-Allow-Headers.\n\
         XMLHttpRequest cannot load https://api.example/v1/items due to access control checks."
    );
    assert!(
        v["spec"]
            .as_str()
            .unwrap()
            .starts_with("https://fetch.spec.whatwg.org/#")
    );
}

#[test]
fn message_firefox_from_stdin_names_the_other_engines() {
    let text = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote \
                resource at https://api.example/data. (Reason: CORS header \
                ‘Access-Control-Allow-Origin’ does not match ‘https://www.app.example’).";
    let out = message(&["-"], Some(text));
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Firefox console message"), "{stdout}");
    assert!(stdout.contains("AllowOriginMismatch"), "{stdout}");
    assert!(
        stdout.contains("The 'Access-Control-Allow-Origin' header has a value 'https://www.app.example' that is not equal to the supplied origin."),
        "{stdout}"
    );
    assert!(stdout.contains("WebKit"), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "NO_COLOR: {stdout}");
}

#[test]
fn message_webkit_two_lines_or_one() {
    let two = "Preflight response is not successful. Status code: 401\n\
               Fetch API cannot load https://api.example/x due to access control checks.";
    for text in [two.to_owned(), two.replace('\n', " ")] {
        let out = message(&["--json", &text], None);
        assert_eq!(out.status.code(), Some(0));
        let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(v["engine"], "webkit");
        assert_eq!(v["error"], "PreflightInvalidStatus");
        assert_eq!(v["values"]["status"], "401");
        assert_eq!(v["whole_message"], true);
        assert_eq!(v["fix"]["status"], 204);
        // WebKit words a preflight redirect the same way, but 401 is not a redirect.
        let errors = reading_errors(&v);
        assert_eq!(errors, ["PreflightInvalidStatus"]);
    }
    // With a 3xx status the redirect is the first reading, the status one the second.
    let out = message(&["--json", &two.replace("401", "302")], None);
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let errors = reading_errors(&v);
    assert_eq!(
        errors,
        ["PreflightDisallowedRedirect", "PreflightInvalidStatus"]
    );
}

#[test]
fn message_other_engines_words_are_for_fetch_when_the_paste_fits_any_load() {
    // WebKit's reason line alone is its whole message for an element's load too; the other
    // engines' words are given for fetch() (they were "Access to script at ..." before),
    // and the paste's own wording is kept as it matched.
    let line = "Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 200";
    let out = message(&["--json", line], None);
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["api"], "any");
    let m = &v["readings"][0]["messages"];
    assert!(
        m["chromium"]
            .as_str()
            .unwrap()
            .starts_with("Access to fetch at '<url>'"),
        "{m}"
    );
    assert_eq!(m["webkit"], line);
}

#[test]
fn message_unknown_text_exits_2() {
    let out = message(&["the", "server", "is", "down"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a CORS console message"), "{stderr}");
}

#[test]
fn message_is_in_help() {
    let out = run(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("cors-explain message"), "{help}");
    let out = run(&["message", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Exit status: 0 recognized"));
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
