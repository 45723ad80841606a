//! `cors-explain probe` over the wire against real CORS frameworks (issue 14), each in a
//! buggy and a correct configuration: `cors-explain/tests/servers/`, started by
//! `.ci/frameworks.sh` on 127.0.0.1. Each buggy configuration must give its bug class first
//! (the worst finding), and each correct one no finding at all.
//!
//! Runs only with `FETCH_CORS_FRAMEWORKS=1` (set by `.ci/frameworks.sh`, which also starts the
//! servers); then a server that does not answer is a failure. Without it the test says it
//! skipped.

use std::process::Command;

use serde_json::Value;

struct Case {
    name: &'static str,
    url: &'static str,
    extra: &'static [&'static str],
    /// The class codes the first finding may have (empty: no finding at all).
    first: &'static [&'static str],
    /// Classes that must be among the findings too.
    also: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "Express + cors, origin: true with credentials",
        url: "http://127.0.0.1:9601/api/me",
        extra: &[],
        first: &["any-origin"],
        also: &[],
    },
    Case {
        name: "Express + cors, an exact allow-list",
        url: "http://127.0.0.1:9602/api/me",
        extra: &[],
        first: &[],
        also: &[],
    },
    Case {
        name: "Flask-CORS, a regex matched at the start only",
        url: "http://127.0.0.1:9611/api/me",
        extra: &[],
        first: &["prefix"],
        also: &["missing-vary"],
    },
    Case {
        name: "Flask-CORS, the exact origin, Vary added",
        url: "http://127.0.0.1:9612/api/me",
        extra: &[],
        first: &[],
        also: &[],
    },
    Case {
        name: "FastAPI CORSMiddleware, allow_origin_regex without a dot anchor",
        url: "http://127.0.0.1:9621/api/me",
        extra: &[],
        first: &["suffix"],
        also: &[],
    },
    Case {
        name: "FastAPI CORSMiddleware, allow_origins",
        url: "http://127.0.0.1:9622/api/me",
        extra: &[],
        first: &[],
        also: &[],
    },
    Case {
        name: "nginx add_header, an unanchored regex, no Vary",
        url: "http://127.0.0.1:9631/api/me",
        extra: &["--header", "authorization"],
        first: &["substring"],
        also: &["missing-vary", "blocked"],
    },
    Case {
        name: "nginx, the preflight behind authentication (401)",
        url: "http://127.0.0.1:9631/private/me",
        extra: &["--header", "authorization"],
        first: &["blocked"],
        also: &[],
    },
    Case {
        name: "nginx, an exact map, Vary, the preflight before authentication",
        url: "http://127.0.0.1:9632/private/me",
        extra: &["--header", "authorization"],
        first: &[],
        also: &[],
    },
];

fn probe(case: &Case) -> (Value, i32) {
    let mut args = vec![
        "probe",
        case.url,
        "--allow",
        "https://app.example",
        "--credentials",
        "--delay-ms",
        "0",
        "--json",
    ];
    args.extend(case.extra);
    let out = Command::new(env!("CARGO_BIN_EXE_cors-explain"))
        .args(&args)
        .output()
        .expect("run cors-explain");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{}: no report ({e}); is the server up? {stderr}", case.name));
    (report, out.status.code().unwrap_or(-1))
}

#[test]
fn every_framework_configuration_gets_its_finding_and_only_that() {
    if std::env::var_os("FETCH_CORS_FRAMEWORKS").is_none() {
        eprintln!(
            "probe_frameworks: skipped (set FETCH_CORS_FRAMEWORKS=1 with the servers running: bash .ci/frameworks.sh)"
        );
        return;
    }
    let mut failures = Vec::new();
    for case in CASES {
        let (report, code) = probe(case);
        let findings = report["findings"].as_array().unwrap();
        let codes: Vec<&str> = findings
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        eprintln!(
            "{}: {} request(s), findings {:?}",
            case.name, report["requests_sent"], codes
        );
        let ok = if case.first.is_empty() {
            codes.is_empty() && code == 0
        } else {
            code == 1
                && codes.first().is_some_and(|c| case.first.contains(c))
                && case.also.iter().all(|a| codes.contains(a))
                && !findings[0]["fix"].as_str().unwrap().is_empty()
        };
        if !ok {
            failures.push(format!(
                "{}: exit {code}, findings {codes:?}, expected first {:?} and {:?}",
                case.name, case.first, case.also
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
