//! Hostile and odd input to the `cors-explain` binary: never a panic (exit 101), a clear
//! error or a note instead (issue 16 items 1 and 6). Each test failed before its fix.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{Value, json};

/// More distinct names than `http::HeaderMap` holds (it panics near 24,576).
const MANY: usize = 25_000;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cors-explain"))
        .args(args)
        .output()
        .expect("run cors-explain")
}

fn no_panic(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn temp(name: &str, text: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cors-explain-adv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn headers(list: &[(String, String)]) -> Value {
    Value::Array(
        list.iter()
            .map(|(n, v)| json!({"name": n, "value": v}))
            .collect(),
    )
}

fn entry(
    method: &str,
    url: &str,
    req: &[(String, String)],
    status: u16,
    resp: &[(String, String)],
) -> Value {
    json!({
        "startedDateTime": "2024-01-01T00:00:01.000Z",
        "pageref": "page_1",
        "_resourceType": "fetch",
        "request": {"method": method, "url": url, "headers": headers(req)},
        "response": {"status": status, "headers": headers(resp), "redirectURL": ""}
    })
}

fn har_with_title(title: &str, entries: Vec<Value>) -> String {
    json!({"log": {
        "version": "1.2",
        "creator": {"name": "WebInspector", "version": "537.36"},
        "pages": [{"id": "page_1", "title": title, "startedDateTime": "2024-01-01T00:00:00.000Z"}],
        "entries": entries
    }})
    .to_string()
}

fn har(entries: Vec<Value>) -> String {
    har_with_title("https://app.example/", entries)
}

fn h(n: &str, v: &str) -> (String, String) {
    (n.to_owned(), v.to_owned())
}

fn many_names(prefix: &str) -> Vec<(String, String)> {
    (0..MANY)
        .map(|i| (format!("{prefix}-{i}"), "1".to_owned()))
        .collect()
}

/// Runs the tool on `text` as a HAR file with `--json`.
fn explain_har(name: &str, text: &str) -> (Value, Output) {
    let path = temp(name, text.as_bytes());
    let out = run(&[path.to_str().unwrap(), "--json"]);
    no_panic(&out);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (report, out)
}

fn skipped_reason(report: &Value, entry: usize) -> String {
    report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["entry"] == entry)
        .unwrap_or_else(|| panic!("entry {entry} not skipped: {}", report["skipped"]))["reason"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn ok_entry() -> Value {
    entry(
        "GET",
        "https://api.example/ok",
        &[h("Origin", "https://app.example")],
        200,
        &[h("Access-Control-Allow-Origin", "*")],
    )
}

#[test]
fn many_distinct_request_headers_skip_the_entry() {
    let mut req = many_names("x-req");
    req.push(h("Origin", "https://app.example"));
    let text = har(vec![
        entry("GET", "https://api.example/big", &req, 200, &[]),
        ok_entry(),
    ]);
    let (report, _) = explain_har("req.har", &text);
    assert!(skipped_reason(&report, 0).contains("25001 header lines"));
    assert_eq!(
        report["summary"]["passed"], 1,
        "the other entry is still replayed"
    );
}

#[test]
fn many_distinct_response_headers_skip_the_entry() {
    let text = har(vec![
        entry(
            "GET",
            "https://api.example/big",
            &[h("Origin", "https://app.example")],
            200,
            &many_names("x-resp"),
        ),
        ok_entry(),
    ]);
    let (report, _) = explain_har("resp.har", &text);
    let reason = skipped_reason(&report, 0);
    assert!(
        reason.contains("response has 25000 header lines"),
        "{reason}"
    );
    assert_eq!(report["summary"]["passed"], 1);
}

#[test]
fn orphan_preflight_listing_many_names_is_skipped() {
    let names: Vec<String> = (0..MANY).map(|i| format!("x-{i}")).collect();
    let text = har(vec![entry(
        "OPTIONS",
        "https://api.example/pf",
        &[
            h("Access-Control-Request-Method", "PUT"),
            h("Access-Control-Request-Headers", &names.join(",")),
        ],
        204,
        &[],
    )]);
    let (report, _) = explain_har("orphan.har", &text);
    assert!(skipped_reason(&report, 0).contains("Access-Control-Request-Headers lists 25000"));
}

#[test]
fn raw_response_with_many_names_is_an_input_error() {
    let mut text = String::from("HTTP/1.1 200 OK\r\n");
    for i in 0..MANY {
        text.push_str(&format!("x-{i}: 1\r\n"));
    }
    text.push_str("\r\n");
    let path = temp("many.txt", text.as_bytes());
    let out = run(&[
        "raw",
        "--origin",
        "https://app.example",
        "--url",
        "https://api.example/x",
        "--response",
        path.to_str().unwrap(),
    ]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("more than 2000 header lines"), "{err}");
}

#[test]
fn many_header_flags_are_a_usage_error() {
    let path = temp(
        "ok.txt",
        b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n\r\n",
    );
    let mut args: Vec<String> = [
        "raw",
        "--origin",
        "https://app.example",
        "--url",
        "https://api.example/x",
        "--response",
        path.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for i in 0..MANY {
        args.push("-H".to_owned());
        args.push(format!("x-{i}: 1"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&args);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--header flags"));
}

#[test]
fn raw_url_with_credentials_is_rejected_as_fetch_does() {
    let path = temp(
        "ok2.txt",
        b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n\r\n",
    );
    let out = run(&[
        "raw",
        "--origin",
        "https://app.example",
        "--url",
        "https://user:pass@api.example/x",
        "--response",
        path.to_str().unwrap(),
    ]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("includes credentials"), "{err}");
}

#[test]
fn har_url_with_credentials_is_invalid() {
    let text = har(vec![entry(
        "GET",
        "https://user@api.example/x",
        &[h("Origin", "https://app.example")],
        200,
        &[h("Access-Control-Allow-Origin", "*")],
    )]);
    let (report, _) = explain_har("userinfo.har", &text);
    let f = &report["fetches"][0];
    assert_eq!(f["outcome"]["status"], "invalid");
    assert!(
        f["outcome"]["reason"]
            .as_str()
            .unwrap()
            .contains("credentials")
    );
}

#[test]
fn invalid_header_value_is_reported_not_dropped_in_silence() {
    let text = har(vec![entry(
        "GET",
        "https://api.example/nul",
        &[h("Origin", "https://app.example")],
        200,
        &[h("Access-Control-Allow-Origin", "https://app.example\u{0}")],
    )]);
    let (report, _) = explain_har("nul.har", &text);
    let f = &report["fetches"][0];
    assert_eq!(f["outcome"]["status"], "blocked");
    let notes = f["notes"].to_string();
    assert!(
        notes.contains("Access-Control-Allow-Origin header whose value is not a valid HTTP header value (byte 0x00 at offset 19)"),
        "{notes}"
    );

    // The same in raw mode, where the text report shows it.
    let path = temp(
        "nul.txt",
        b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://app.example\0\r\n\r\n",
    );
    let out = run(&[
        "raw",
        "--origin",
        "https://app.example",
        "--url",
        "https://api.example/x",
        "--response",
        path.to_str().unwrap(),
    ]);
    no_panic(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not a valid HTTP header value"), "{text}");
}

#[test]
fn one_bad_method_skips_its_entry_only() {
    let text = har(vec![
        entry(
            "G ET",
            "https://api.example/bad",
            &[h("Origin", "https://app.example")],
            200,
            &[],
        ),
        ok_entry(),
    ]);
    let (report, out) = explain_har("method.har", &text);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(skipped_reason(&report, 0).contains("'G ET' is not a method name"));
    assert_eq!(report["summary"]["passed"], 1);
}

#[test]
fn blob_page_title_gives_the_page_origin() {
    let text = har_with_title(
        "blob:https://app.example/6d2b2a7e-7a3a-4b55-9d0c-0c1f0a4d9e11",
        vec![ok_entry()],
    );
    let (report, _) = explain_har("blob.har", &text);
    assert_eq!(report["page_origin"], "https://app.example");
    assert_eq!(report["origin_source"], "pages[0].title");
}

#[test]
fn entries_past_the_har_bound_are_not_read_and_are_counted() {
    use cors_explain::MAX_HAR_ENTRIES;
    // `data:` entries are skipped as soon as they are read, so the file is big but cheap.
    let data = entry("GET", "data:text/plain,x", &[], 200, &[]);
    let mut entries = vec![ok_entry()];
    entries.extend(std::iter::repeat_n(data, MAX_HAR_ENTRIES + 2));
    let (report, out) = explain_har("bound.har", &har(entries));
    assert!(out.status.success() || out.status.code() == Some(1));
    let bound = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["reason"].as_str().unwrap().contains("past the"))
        .unwrap_or_else(|| panic!("no line for the bound"))["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        bound.contains(&format!(
            "log.entries[{MAX_HAR_ENTRIES}..{}]",
            MAX_HAR_ENTRIES + 3
        )),
        "{bound}"
    );
    assert!(bound.contains("3 entries"), "{bound}");
    // 99,999 `data:` entries read and skipped, 3 past the bound.
    assert_eq!(report["summary"]["skipped"], MAX_HAR_ENTRIES + 2);
    assert_eq!(report["summary"]["passed"], 1);
}

#[test]
fn input_past_the_byte_bound_is_an_input_error() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_cors-explain"))
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cors-explain");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b' '; 1 << 20];
        // One MiB past the bound; the tool may stop reading (a broken pipe) before the end.
        for _ in 0..=(cors_explain::MAX_INPUT_BYTES >> 20) {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    no_panic(&out);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("larger than 512 MiB"), "{stderr}");
}
