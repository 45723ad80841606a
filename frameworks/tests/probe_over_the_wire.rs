//! Every bug class of `policy_bug_classes.rs`, found over real sockets (issue 14): each
//! hand-written server is served on 127.0.0.1 by a small HTTP/1.1 loop, and
//! `cors_explain::probe` (the engine behind `cors-explain probe`) plays the adversarial sweep
//! against it through its TCP transport. The most severe finding must be the server's bug
//! class, on every run; the correct server must get no finding.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

use cors_explain::probe::{ProbeOptions, TcpTransport, probe};
use fetch_cors::Origin;
use fetch_cors::simulate::Server;
use fetch_cors_frameworks::{APP, Hand, PARTNER, exact_list, unescaped_dot};
use http::{HeaderName, Method, Request};

/// Serves `hand` on a free port of 127.0.0.1 until the test ends; returns the port.
fn serve(hand: Hand) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut hand = hand;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
                continue;
            };
            let mut req = Request::builder()
                .method(Method::from_bytes(method.as_bytes()).unwrap())
                .uri(format!("http://127.0.0.1:{port}{path}"));
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                    break;
                }
                if let Some((n, v)) = h.split_once(':') {
                    req = req.header(n.trim(), v.trim());
                }
            }
            let resp = hand.respond(&req.body(()).unwrap());
            let mut out = format!("HTTP/1.1 {}\r\n", resp.status().as_u16());
            for (n, v) in resp.headers() {
                out += &format!("{n}: {}\r\n", v.to_str().unwrap());
            }
            out += "content-length: 0\r\nconnection: close\r\n\r\n";
            let _ = stream.write_all(out.as_bytes());
        }
    });
    port
}

/// The intent of `policy_bug_classes.rs`: the front end and a partner read with cookies,
/// with the methods and headers the front end uses.
fn options(port: u16) -> ProbeOptions {
    ProbeOptions {
        url: format!("http://127.0.0.1:{port}/items"),
        allow: vec![Origin::parse(APP).unwrap(), Origin::parse(PARTNER).unwrap()],
        credentials: true,
        methods: vec![Method::PUT, Method::DELETE],
        headers: ["content-type", "authorization", "x-api-key"]
            .map(HeaderName::from_static)
            .to_vec(),
        expose: vec![HeaderName::from_static("x-total-count")],
        max_requests: ProbeOptions::MAX_REQUESTS,
        delay: Duration::ZERO,
    }
}

#[test]
fn every_bug_class_is_found_over_the_wire() {
    let cases: Vec<(&str, Hand, &str)> = vec![
        (
            "reflection with credentials",
            Hand::new(|_| true),
            "any-origin",
        ),
        (
            "suffix",
            Hand::new(|o| o.ends_with("app.example.com") || o == PARTNER),
            "suffix",
        ),
        (
            "substring",
            Hand::new(|o| o.contains("app.example.com") || o == PARTNER),
            "substring",
        ),
        (
            "prefix",
            Hand::new(|o| o.starts_with(APP) || o == PARTNER),
            "prefix",
        ),
        ("unescaped dot", Hand::new(unescaped_dot), "unescaped-dot"),
        (
            "null with credentials",
            Hand::new(|o| exact_list(o) || o == "null"),
            "null-origin",
        ),
        (
            "missing Vary",
            Hand {
                vary: false,
                ..Hand::new(exact_list)
            },
            "missing-vary",
        ),
        (
            "preflight answered 401",
            Hand {
                auth_first: true,
                ..Hand::new(exact_list)
            },
            "blocked",
        ),
        (
            "missing Allow-Headers entry",
            Hand {
                allow_headers: "content-type, authorization",
                ..Hand::new(exact_list)
            },
            "blocked",
        ),
        (
            "http:// downgrade",
            Hand::new(|o| {
                let host = o
                    .strip_prefix("https://")
                    .or_else(|| o.strip_prefix("http://"));
                host == Some("app.example.com") || o == PARTNER
            }),
            "scheme-downgrade",
        ),
        (
            "trailing dot",
            Hand::new(|o| exact_list(o.trim_end_matches('.'))),
            "trailing-dot",
        ),
        ("correct", Hand::new(exact_list), ""),
    ];
    let mut failures = Vec::new();
    for (name, hand, class) in cases {
        let port = serve(hand);
        let report = match probe(&options(port), &mut TcpTransport::default()) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let codes: Vec<&str> = report.findings.iter().map(|f| f.code).collect();
        println!("{name}: {} request(s), {codes:?}", report.requests_sent);
        let ok = if class.is_empty() {
            codes.is_empty()
        } else {
            codes.first() == Some(&class) && !report.findings[0].fix.is_empty()
        };
        if !ok {
            failures.push(format!("{name}: expected {class:?} first, got {codes:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
