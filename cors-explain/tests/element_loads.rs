//! Element loads in a HAR (issue 15 item 4): images, scripts, stylesheets and fonts are
//! replayed with their element's rules (mode, credentials, destination) instead of being
//! listed as not replayed, and the report says what the page gets from each.

use std::process::Command;

use serde_json::{Value, json};

fn headers(list: &[(&str, &str)]) -> Value {
    Value::Array(
        list.iter()
            .map(|(n, v)| json!({"name": n, "value": v}))
            .collect(),
    )
}

fn entry(
    resource_type: &str,
    url: &str,
    req: &[(&str, &str)],
    resp: &[(&str, &str)],
    error: Option<&str>,
) -> Value {
    let mut response = json!({"status": 200, "headers": headers(resp), "redirectURL": ""});
    if let Some(e) = error {
        response["_error"] = json!("net::ERR_FAILED");
        response["_corsErrorStatus"] = json!({"corsError": e, "failedParameter": ""});
    }
    json!({
        "startedDateTime": "2026-12-02T10:00:01.000Z",
        "pageref": "page_1",
        "_resourceType": resource_type,
        "request": {"method": "GET", "url": url, "headers": headers(req), "cookies": []},
        "response": response
    })
}

fn explain(entries: Vec<Value>) -> (Value, String) {
    let text = json!({"log": {
        "version": "1.2",
        "creator": {"name": "WebInspector", "version": "537.36"},
        "pages": [{"id": "page_1", "title": "https://app.example/", "startedDateTime": "2026-12-02T10:00:00.000Z"}],
        "entries": entries
    }})
    .to_string();
    let dir = std::env::temp_dir().join(format!("cors-explain-elements-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("page.har");
    std::fs::write(&path, &text).unwrap();
    let run = |json: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_cors-explain"));
        c.arg(&path);
        if json {
            c.arg("--json");
        }
        c.output().expect("run cors-explain")
    };
    let out = run(true);
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (report, String::from_utf8(run(false).stdout).unwrap())
}

const NO_CORS_IMAGE: &[(&str, &str)] =
    &[("Sec-Fetch-Dest", "image"), ("Sec-Fetch-Mode", "no-cors")];
const CORS_IMAGE: &[(&str, &str)] = &[
    ("Sec-Fetch-Dest", "image"),
    ("Sec-Fetch-Mode", "cors"),
    ("Origin", "https://app.example"),
];

#[test]
fn element_loads_are_replayed_with_their_rules() {
    let (report, text) = explain(vec![
        // <img> without crossorigin: no-cors, opaque.
        entry(
            "image",
            "https://cdn.example/a.png",
            NO_CORS_IMAGE,
            &[],
            None,
        ),
        // <img crossorigin> with no Access-Control-Allow-Origin: blocked.
        entry(
            "image",
            "https://cdn.example/b.png",
            CORS_IMAGE,
            &[],
            Some("MissingAllowOriginHeader"),
        ),
        // A web font, allowed.
        entry(
            "font",
            "https://fonts.example/f.woff2",
            &[
                ("Sec-Fetch-Dest", "font"),
                ("Sec-Fetch-Mode", "cors"),
                ("Origin", "https://app.example"),
            ],
            &[("Access-Control-Allow-Origin", "*")],
            None,
        ),
        // A classic script without crossorigin.
        entry(
            "script",
            "https://cdn.example/s.js",
            &[("Sec-Fetch-Dest", "script"), ("Sec-Fetch-Mode", "no-cors")],
            &[],
            None,
        ),
        // The browser's own favicon request is not the page's.
        entry(
            "image",
            "https://app.example/favicon.ico",
            NO_CORS_IMAGE,
            &[],
            None,
        ),
    ]);
    let fetches = report["fetches"].as_array().unwrap();
    assert_eq!(fetches.len(), 4, "{}", report["skipped"]);
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0]["reason"].as_str().unwrap().contains("favicon"));

    let img = &fetches[0];
    assert_eq!(img["element"], "img");
    assert_eq!(img["mode"], "no-cors");
    assert_eq!(img["outcome"]["status"], "pass");
    assert_eq!(img["outcome"]["response_type"], "opaque");
    assert!(
        img["page_gets"].as_str().unwrap().contains("tainted"),
        "{img}"
    );

    let cors_img = &fetches[1];
    assert_eq!(cors_img["mode"], "cors");
    assert_eq!(cors_img["outcome"]["status"], "blocked");
    assert_eq!(cors_img["failure"]["error"], "MissingAllowOrigin");
    // Chromium names the resource kind, as recorded in tests/browsers/console.
    assert!(
        cors_img["failure"]["console"]
            .as_str()
            .unwrap()
            .starts_with("Access to image at "),
        "{cors_img}"
    );
    assert!(!cors_img["notes"].to_string().contains("resource kind"));

    let font = &fetches[2];
    assert_eq!(font["element"], "font");
    assert_eq!(font["credentials"], "same-origin");
    assert_eq!(font["outcome"]["status"], "pass");
    assert_eq!(font["outcome"]["response_type"], "cors");

    let script = &fetches[3];
    assert_eq!(script["outcome"]["response_type"], "opaque");
    assert!(
        script["page_gets"]
            .as_str()
            .unwrap()
            .contains("Script error."),
        "{script}"
    );
    assert!(text.contains("(element load: img)"), "{text}");
}
