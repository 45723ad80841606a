//! `cors-explain raw` (issue 13 item 5): repeated `--response` files are redirect hops, no
//! HAR wording, `curl -v` transcripts, the `Origin` reminder, and both verdicts for a server
//! that allows credentials when `--credentials` was not given. Each test failed before.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cors-explain"))
        .args(args)
        .output()
        .expect("run cors-explain")
}

/// Writes `text` to a file of this test's own directory.
fn file(test: &str, name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cors-explain-raw-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn raw(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "raw",
        "--origin",
        "https://app.example",
        "--url",
        "https://api.example/old",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn json(args: &[String]) -> (Value, i32) {
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.push("--json");
    let out = run(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}"));
    (report, out.status.code().unwrap_or(-1))
}

fn text(args: &[String]) -> String {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&args);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn repeated_response_files_are_hops_in_order() {
    let hop1 = file(
        "hops",
        "1.txt",
        "HTTP/1.1 301 Moved Permanently\r\nLocation: https://cdn.example/x\r\nAccess-Control-Allow-Origin: *\r\n\r\n",
    );
    let hop2 = file(
        "hops",
        "2.txt",
        "HTTP/2 200\r\naccess-control-allow-origin: https://app.example\r\n\r\n",
    );
    let (report, code) = json(&raw(&[
        "--response",
        hop1.to_str().unwrap(),
        "--response",
        hop2.to_str().unwrap(),
    ]));
    let f = &report["fetches"][0];
    assert_eq!(f["wire"].as_array().unwrap().len(), 2, "{f}");
    assert_eq!(f["wire"][1]["url"], "https://cdn.example/x");
    // The redirect to another origin tainted the origin: `null` no longer matches.
    assert_eq!(f["failure"]["error"], "AllowOriginMismatch");
    assert_eq!(code, 1);
}

#[test]
fn credentials_source_and_no_har_wording() {
    let ok = file(
        "words",
        "ok.txt",
        "HTTP/2 200\r\naccess-control-allow-origin: https://app.example\r\n\r\n",
    );
    let default = text(&raw(&["--response", ok.to_str().unwrap()]));
    assert!(!default.contains("from --credentials"), "{default}");
    assert!(default.contains("credentials same-origin (the default of fetch()"));
    assert!(!default.contains("entries not replayed"), "{default}");
    let given = text(&raw(&[
        "--credentials",
        "omit",
        "--response",
        ok.to_str().unwrap(),
    ]));
    assert!(given.contains("(from --credentials)"), "{given}");

    // A preflighted request without its preflight's answer: said in raw mode's terms.
    let missing = text(&raw(&[
        "--method",
        "DELETE",
        "--response",
        ok.to_str().unwrap(),
    ]));
    assert!(
        missing.contains("no --preflight-response answers it"),
        "{missing}"
    );
    assert!(!missing.contains("recording"), "{missing}");
    assert!(!missing.contains("recorded"), "{missing}");
}

const VERBOSE: &str = "\
*   Trying 192.0.2.1:443...
* Connected to api.example (192.0.2.1) port 443
* ALPN: server accepted h2
> GET /old HTTP/2
> Host: api.example
> User-Agent: curl/8.5.0
> Accept: */*
>
< HTTP/2 200
< content-type: application/json
< vary: origin
<
{ [11 bytes data]
* Connection #0 to host api.example left intact
{\"ok\":true}
";

#[test]
fn curl_verbose_transcripts_are_read_and_a_missing_origin_is_named() {
    let path = file("verbose", "v.txt", VERBOSE);
    let (report, _) = json(&raw(&["--response", path.to_str().unwrap()]));
    let f = &report["fetches"][0];
    assert_eq!(f["wire"][0]["status"], 200, "{report}");
    assert_eq!(f["failure"]["error"], "MissingAllowOrigin");
    let notes = f["notes"].to_string();
    assert!(
        notes.contains("curl sent 'GET /old HTTP/2' without an Origin header"),
        "{notes}"
    );
    assert!(
        notes.contains("-H 'Origin: https://app.example'"),
        "{notes}"
    );

    // With the Origin sent, no remark about the request, but the response still lacks CORS
    // headers, and the general reminder stays.
    let with_origin = VERBOSE.replace(
        "> Accept: */*\n",
        "> Accept: */*\n> Origin: https://app.example\n",
    );
    let path = file("verbose", "v2.txt", &with_origin);
    let (report, _) = json(&raw(&["--response", path.to_str().unwrap()]));
    let notes = report["fetches"][0]["notes"].to_string();
    assert!(!notes.contains("without an Origin header"), "{notes}");
    assert!(
        notes.contains("no response given has Access-Control-Allow-Origin"),
        "{notes}"
    );
}

#[test]
fn star_with_allow_credentials_gives_both_verdicts() {
    let path = file(
        "star",
        "star.txt",
        "HTTP/2 200\r\naccess-control-allow-origin: *\r\naccess-control-allow-credentials: true\r\n\r\n",
    );
    let (report, code) = json(&raw(&["--response", path.to_str().unwrap()]));
    let f = &report["fetches"][0];
    assert_eq!(f["outcome"]["status"], "pass");
    assert_eq!(code, 0);
    assert_eq!(
        f["with_credentials"]["error"], "WildcardOriginWithCredentials",
        "{f}"
    );
    let human = text(&raw(&["--response", path.to_str().unwrap()]));
    assert!(human.contains("with credentials"), "{human}");
    assert!(human.contains("must not be '*'"), "{human}");

    // Given explicitly, only the verdict asked for.
    let (report, _) = json(&raw(&[
        "--credentials",
        "same-origin",
        "--response",
        path.to_str().unwrap(),
    ]));
    assert!(report["fetches"][0]["with_credentials"].is_null());
}

#[test]
fn a_fix_in_a_redirect_chain_names_its_server() {
    let hop1 = file(
        "server",
        "1.txt",
        "HTTP/1.1 301 Moved Permanently\r\nLocation: https://cdn.example/x\r\nAccess-Control-Allow-Origin: *\r\n\r\n",
    );
    let hop2 = file(
        "server",
        "2.txt",
        "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://app.example\r\n\r\n",
    );
    let args = raw(&[
        "--response",
        hop1.to_str().unwrap(),
        "--response",
        hop2.to_str().unwrap(),
    ]);
    let (report, _) = json(&args);
    // The failing check is on the second hop's response, from cdn.example, not api.example.
    let fix = &report["fetches"][0]["failure"]["fix"];
    assert_eq!(fix["server"], "https://cdn.example/x", "{fix}");
    let out = text(&args);
    assert!(
        out.contains("on the response from https://cdn.example/x:"),
        "{out}"
    );
}

#[test]
fn a_pass_names_the_headers_the_page_cannot_read_and_the_fix() {
    let resp = file(
        "expose",
        "r.txt",
        "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://app.example\r\nContent-Type: text/plain\r\nX-Request-Id: 42\r\nDate: Wed, 02 Dec 2026 10:00:00 GMT\r\nX-Trace: a\r\nx-request-id: 43\r\n\r\n",
    );
    let args = raw(&["--response", resp.to_str().unwrap()]);
    let (report, code) = json(&args);
    assert_eq!(code, 0);
    let o = &report["fetches"][0]["outcome"];
    assert_eq!(o["status"], "pass");
    // Content-Type is safelisted; Date is for the browser; the rest is named once each.
    assert_eq!(o["readable_headers"], serde_json::json!(["content-type"]));
    assert_eq!(
        o["unreadable_headers"],
        serde_json::json!(["x-request-id", "x-trace"])
    );
    assert_eq!(
        o["expose_fix"]["set_headers"],
        serde_json::json!([["Access-Control-Expose-Headers", "x-request-id, x-trace"]])
    );
    assert_eq!(o["expose_fix"]["server"], "https://api.example/old");
    let out = text(&args);
    assert!(out.contains("but not x-request-id, x-trace"), "{out}");
    assert!(
        out.contains("Access-Control-Expose-Headers: x-request-id, x-trace"),
        "{out}"
    );

    // Once exposed, nothing is left to say.
    let exposed = file(
        "expose",
        "e.txt",
        "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://app.example\r\nAccess-Control-Expose-Headers: X-Request-Id, x-trace\r\nX-Request-Id: 42\r\nX-Trace: a\r\n\r\n",
    );
    let (report, _) = json(&raw(&["--response", exposed.to_str().unwrap()]));
    let o = &report["fetches"][0]["outcome"];
    assert_eq!(o["unreadable_headers"], serde_json::json!([]));
    assert!(o["expose_fix"].is_null());
}

/// The text report's note on the console's network line, for one raw run.
fn network_note(test: &str, mode: &[&str], response: &str) -> Option<String> {
    let path = file(test, "response.txt", response);
    let mut args = raw(&["--response", path.to_str().unwrap(), "--no-color"]);
    args.extend(mode.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = String::from_utf8(run(&args).stdout).unwrap();
    out.lines()
        .find(|l| l.contains("network line"))
        .map(|l| l.trim().to_owned())
}

#[test]
fn the_network_line_is_named_only_as_recorded() {
    // A CORS check: Chromium's recorded line (tests/data/exports) is named exactly.
    let missing = network_note(
        "net-cors",
        &[],
        "HTTP/1.1 200 OK\ncontent-type: text/plain\n\n",
    );
    assert!(
        missing
            .as_deref()
            .is_some_and(|n| n.contains("`Failed to load resource: net::ERR_FAILED`")),
        "{missing:?}"
    );
    // Too many redirects: Chromium's line is the network line itself, so no note at all.
    let hop = "HTTP/1.1 302 Found\nlocation: https://api.example/old\naccess-control-allow-origin: https://app.example\n\n";
    assert_eq!(network_note("net-loop", &[], &hop.repeat(21)), None);
    // Not sent (mode same-origin): unrecorded, so the line is not spelled out.
    let mode = network_note(
        "net-mode",
        &["--mode", "same-origin"],
        "HTTP/1.1 200 OK\n\n",
    );
    assert!(
        mode.as_deref()
            .is_some_and(|n| n.contains("`Failed to load resource: …`")),
        "{mode:?}"
    );
}
