//! Servo `components/net/tests/fetch.rs` (as stored at
//! servo/servo@00d65759536e449766962dde9838925e878baea8) and one origin test of
//! `components/net/tests/http_loader.rs`.
//!
//! Upstream runs Servo's fetch against a local hyper server; here each test drives a
//! [`CorsFetch`] and answers every request it sends from a closure playing that server's
//! handler. Servo follows the Fetch Standard without engine quirks, so the expected values are
//! asked of [`Profile::SPEC`]; the engine profiles are asked too, and give the same answers
//! except in the case `EXPECTED-DIFFERENCES.md` lists (row S1).
//!
//! Ported: the CORS-preflight tests, the basic / CORS / opaque / opaque-redirect filters, the
//! redirect count and the redirect method rewrites; from `http_loader.rs`, the Origin
//! serialization check and the request body dropped on a 301. Out of
//! scope: the scheme fetches (`about:`, `blob:`, `file:`, `ftp:`, a bogus scheme), bad ports,
//! HSTS and certificates, SRI, `nosniff`, devtools, bodies and the "response is done" checks,
//! and the Referer check of `test_cors_preflight_fetch` (no referrer policy is modelled).
//! Servo keeps no unit tests of its `cors_cache.rs` beyond those of `fetch.rs` ported here.

use std::borrow::Cow;

use fetch_cors::http_redirect_fetch::BodyAction;
use fetch_cors::{
    Action, CorsError, CorsFetch, FetchResponse, Mode, Origin, OutgoingKind, PreflightCache,
    Profile, RedirectMode, Request, ResponseType, Timestamp,
};
use http::{HeaderMap, Method, response};
use url::Url;

use crate::support::{opaque, origin, response};

const SERVER: &str = "http://localhost:8000/";

/// A request as the simulated server received it.
struct Seen {
    preflight: bool,
    method: Method,
    url: Url,
    headers: HeaderMap,
    /// Whether the page's request body goes along.
    body: BodyAction,
}

/// Runs `req` to completion under `profile`, answering each request with `server`; returns
/// the outcome and what the server received, in order.
fn drive(
    req: &Request<'_>,
    profile: &Profile,
    cache: &mut PreflightCache,
    server: &dyn Fn(&Seen) -> response::Parts,
) -> (Result<FetchResponse, CorsError>, Vec<Seen>) {
    let mut fetch = CorsFetch::new(req, profile).expect("a request a page can make");
    let mut seen = Vec::new();
    // 21 redirects with a preflight each fit.
    for _ in 0..64 {
        match fetch.poll(cache, Timestamp::ZERO) {
            Action::Send(out) => {
                let s = Seen {
                    preflight: out.kind == OutgoingKind::Preflight,
                    method: out.request.method().clone(),
                    url: Url::parse(&out.request.uri().to_string()).unwrap(),
                    headers: out.request.headers().clone(),
                    body: out.body,
                };
                let answer = server(&s);
                seen.push(s);
                fetch
                    .handle_response(&answer, cache, Timestamp::ZERO)
                    .expect("the response the machine asked for");
            }
            Action::Done(outcome) => return (outcome, seen),
            other => panic!("unexpected action {other:?}"),
        }
    }
    panic!("the fetch did not finish")
}

fn url(path: &str) -> Url {
    Url::parse(SERVER).unwrap().join(path).unwrap()
}

/// Upstream's handler path `/N`: how many redirects the request has gone through.
fn redirects(s: &Seen) -> u32 {
    s.url.path().trim_start_matches('/').parse().unwrap_or(0)
}

/// The preflight handler of the three `test_cors_preflight*` tests: the first preflight must
/// carry `Access-Control-Request-Method` and no `-Request-Headers`, and is allowed `GET`
/// (with `max_age`, if any); every other response allows any origin.
fn preflight_server(max_age: Option<&'static str>) -> impl Fn(&Seen) -> response::Parts {
    move |s: &Seen| {
        if s.preflight {
            assert!(s.headers.contains_key("access-control-request-method"));
            assert!(!s.headers.contains_key("access-control-request-headers"));
            response(
                200,
                &[
                    ("access-control-allow-origin", Some("*")),
                    ("access-control-allow-credentials", Some("true")),
                    ("access-control-allow-methods", Some("GET")),
                    ("access-control-max-age", max_age),
                ],
            )
        } else {
            response(200, &[("access-control-allow-origin", Some("*"))])
        }
    }
}

#[test]
fn cors_preflight_fetch() {
    // fetch.rs test_cors_preflight_fetch
    for p in &Profile::ALL {
        let page = opaque(1);
        let u = url("");
        let h = HeaderMap::new();
        let req = Request::new(&Method::GET, Cow::Borrowed(&u), &h, &page)
            .unwrap()
            .with_mode(Mode::Cors)
            .with_use_cors_preflight(true);
        let mut cache = PreflightCache::new(p);
        let (outcome, seen) = drive(&req, p, &mut cache, &preflight_server(None));
        assert!(outcome.is_ok(), "{}: {outcome:?}", p.engine.name());
        assert_eq!(seen.len(), 2);
        assert!(seen[0].preflight && !seen[1].preflight);
    }
}

#[test]
fn cors_preflight_cache_fetch() {
    // fetch.rs test_cors_preflight_cache_fetch
    for p in &Profile::ALL {
        // Upstream's page is one opaque origin, used for both fetches.
        let page = opaque(1);
        let u = url("");
        let h = HeaderMap::new();
        let req = Request::new(&Method::GET, Cow::Borrowed(&u), &h, &page)
            .unwrap()
            .with_mode(Mode::Cors)
            .with_use_cors_preflight(true);
        let mut cache = PreflightCache::new(p);
        let server = preflight_server(Some("6000"));
        let (first, seen0) = drive(&req, p, &mut cache, &server);
        let (second, seen1) = drive(&req, p, &mut cache, &server);
        assert!(first.is_ok() && second.is_ok(), "{}", p.engine.name());
        let preflights = seen0.iter().chain(&seen1).filter(|s| s.preflight).count();
        // Servo's answer is the standard's: the Spec profile must take the first branch.
        assert!(p.engine != Profile::SPEC.engine || p.cache.reuse_for_opaque_origins);
        if p.cache.reuse_for_opaque_origins {
            // The second fetch used the cached preflight; the entry matches GET.
            assert_eq!(preflights, 1, "{}", p.engine.name());
            let key = CorsFetch::new(&req, p).unwrap().partition_key().to_owned();
            assert!(cache.method_cache_entry_match(&req, &key, &Method::GET, Timestamp::ZERO));
        } else {
            // S1: this engine never reuses an entry for an opaque requester.
            assert_eq!(preflights, 2, "{}", p.engine.name());
        }
    }
}

#[test]
fn cors_preflight_fetch_network_error() {
    // fetch.rs test_cors_preflight_fetch_network_error
    for p in &Profile::ALL {
        let page = opaque(1);
        let u = url("");
        let h = HeaderMap::new();
        let chicken = Method::from_bytes(b"CHICKEN").unwrap();
        let req = Request::new(&chicken, Cow::Borrowed(&u), &h, &page)
            .unwrap()
            .with_mode(Mode::Cors)
            .with_use_cors_preflight(true);
        let mut cache = PreflightCache::new(p);
        let (outcome, seen) = drive(&req, p, &mut cache, &preflight_server(None));
        // The preflight allows GET only: CHICKEN is refused and never sent.
        assert!(outcome.is_err(), "{}", p.engine.name());
        assert!(seen.iter().all(|s| s.preflight));
    }
}

fn cookie_lines() -> [(&'static str, Option<&'static str>); 2] {
    [("set-cookie", Some("")), ("set-cookie2", Some(""))]
}

#[test]
fn fetch_response_is_basic_filtered() {
    // fetch.rs test_fetch_response_is_basic_filtered
    for p in &Profile::ALL {
        let u = url("");
        let page = origin(SERVER);
        let h = HeaderMap::new();
        let req = Request::new(&Method::GET, Cow::Borrowed(&u), &h, &page).unwrap();
        let mut cache = PreflightCache::new(p);
        let (outcome, _) = drive(&req, p, &mut cache, &|_| response(200, &cookie_lines()));
        let r = outcome.unwrap();
        assert_eq!(r.response_type, ResponseType::Basic);
        assert!(!r.headers.contains_key("set-cookie"));
        assert!(!r.headers.contains_key("set-cookie2"));
    }
}

#[test]
fn fetch_response_is_cors_filtered() {
    // fetch.rs test_fetch_response_is_cors_filtered
    let kept = [
        "cache-control",
        "content-language",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    ];
    for p in &Profile::ALL {
        let page = opaque(1);
        let u = url("");
        let h = HeaderMap::new();
        let req = Request::new(&Method::GET, Cow::Borrowed(&u), &h, &page)
            .unwrap()
            .with_mode(Mode::Cors);
        let server = |_: &Seen| {
            response(
                200,
                &[
                    ("access-control-allow-origin", Some("*")),
                    ("cache-control", Some("")),
                    ("content-language", Some("")),
                    ("content-type", Some("text/html")),
                    ("expires", Some("Thu, 01 Jan 2026 00:00:00 GMT")),
                    ("last-modified", Some("Wed, 31 Dec 2025 00:00:00 GMT")),
                    ("pragma", Some("no-cache")),
                    ("set-cookie", Some("")),
                    ("set-cookie2", Some("")),
                    // Allow-Headers is about request headers: it exposes nothing.
                    (
                        "access-control-allow-headers",
                        Some("set-cookie, set-cookie2"),
                    ),
                ],
            )
        };
        let mut cache = PreflightCache::new(p);
        let (outcome, seen) = drive(&req, p, &mut cache, &server);
        assert_eq!(seen.len(), 1, "a simple request: no preflight");
        let r = outcome.unwrap();
        assert_eq!(r.response_type, ResponseType::Cors);
        for name in kept {
            assert!(r.headers.contains_key(name), "{}: {name}", p.engine.name());
        }
        for name in ["access-control-allow-origin", "set-cookie", "set-cookie2"] {
            assert!(!r.headers.contains_key(name), "{}: {name}", p.engine.name());
        }
    }
}

#[test]
fn fetch_response_is_opaque_filtered() {
    // fetch.rs test_fetch_response_is_opaque_filtered
    for p in &Profile::ALL {
        let page = opaque(1);
        let u = url("");
        let h = HeaderMap::new();
        // Servo's Request::new is a no-cors request.
        let req = Request::new(&Method::GET, Cow::Borrowed(&u), &h, &page)
            .unwrap()
            .with_mode(Mode::NoCors);
        let mut cache = PreflightCache::new(p);
        let (outcome, _) = drive(&req, p, &mut cache, &|_| {
            response(200, &[("content-type", Some("text/plain"))])
        });
        let r = outcome.unwrap();
        assert_eq!(r.response_type, ResponseType::Opaque);
        assert!(r.url.is_none());
        assert_eq!(r.status, 0);
        assert!(r.headers.is_empty());
        assert!(r.header_names.is_empty());
    }
}

#[test]
fn fetch_response_is_opaque_redirect_filtered() {
    // fetch.rs test_fetch_response_is_opaque_redirect_filtered
    for p in &Profile::ALL {
        let u = url("");
        let page = origin(SERVER);
        let h = HeaderMap::new();
        let req = Request::new(&Method::GET, Cow::Borrowed(&u), &h, &page)
            .unwrap()
            .with_redirect(RedirectMode::Manual);
        let server = |s: &Seen| {
            if redirects(s) == 1 {
                response(200, &[])
            } else {
                response(302, &[("location", Some("1"))])
            }
        };
        let mut cache = PreflightCache::new(p);
        let (outcome, seen) = drive(&req, p, &mut cache, &server);
        let r = outcome.unwrap();
        assert_eq!(r.response_type, ResponseType::OpaqueRedirect);
        assert_eq!(r.status, 0);
        assert!(r.headers.is_empty());
        assert_eq!(seen.len(), 1, "manual: the redirect is not followed");
    }
}

/// Upstream's `setup_server_and_fetch`: each hop redirects to `/N+1` until `/cap`.
fn redirect_chain(cap: u32, p: &Profile) -> (Result<FetchResponse, CorsError>, Vec<Seen>) {
    let u = url("");
    let page = origin(SERVER);
    let h = HeaderMap::new();
    let req = Request::new(&Method::GET, Cow::Borrowed(&u), &h, &page).unwrap();
    let server = move |s: &Seen| {
        let n = redirects(s);
        if n >= cap {
            response(200, &[])
        } else {
            let next = (n + 1).to_string();
            response(302, &[("location", Some(next.as_str()))])
        }
    };
    let mut cache = PreflightCache::new(p);
    drive(&req, p, &mut cache, &server)
}

#[test]
fn fetch_redirect_count_ceiling() {
    // fetch.rs test_fetch_redirect_count_ceiling
    for p in &Profile::ALL {
        let (outcome, seen) = redirect_chain(20, p);
        assert_eq!(outcome.unwrap().response_type, ResponseType::Basic);
        assert_eq!(seen.len(), 21);
    }
}

#[test]
fn fetch_redirect_count_failure() {
    // fetch.rs test_fetch_redirect_count_failure
    for p in &Profile::ALL {
        let (outcome, _) = redirect_chain(21, p);
        assert!(
            matches!(outcome, Err(CorsError::TooManyRedirects)),
            "{outcome:?}"
        );
    }
}

/// Upstream's `test_fetch_redirect_updates_method_runner`: `/` answers 307 to `/1`, `/1`
/// answers `status` to `/2`. Returns the method seen at `/1` and at `/2`.
fn methods_after(status: u16, method: &Method, p: &Profile) -> (Method, Method) {
    let u = url("");
    let page = origin(SERVER);
    let h = HeaderMap::new();
    let req = Request::new(method, Cow::Borrowed(&u), &h, &page).unwrap();
    let server = move |s: &Seen| match redirects(s) {
        0 => response(307, &[("location", Some("1"))]),
        1 => response(status, &[("location", Some("2"))]),
        _ => response(200, &[]),
    };
    let mut cache = PreflightCache::new(p);
    let (_, seen) = drive(&req, p, &mut cache, &server);
    let at = |n: u32| {
        seen.iter()
            .find(|s| !s.preflight && redirects(s) == n)
            .map(|s| s.method.clone())
            .expect("the hop was requested")
    };
    (at(1), at(2))
}

#[test]
fn fetch_redirect_updates_method() {
    // fetch.rs test_fetch_redirect_updates_method
    let foo = Method::from_bytes(b"FOO").unwrap();
    for p in &Profile::ALL {
        // 307 keeps the method; 301 and 302 turn POST into GET; 303 turns anything into GET
        // (a GET stays a GET).
        for (status, method, at2) in [
            (301, Method::POST, Method::GET),
            (302, Method::POST, Method::GET),
            (303, Method::GET, Method::GET),
            (301, foo.clone(), foo.clone()),
            (302, foo.clone(), foo.clone()),
            (303, foo.clone(), Method::GET),
        ] {
            let (m1, m2) = methods_after(status, &method, p);
            assert_eq!(m1, method, "{}: 307 {method}", p.engine.name());
            assert_eq!(m2, at2, "{}: {status} {method}", p.engine.name());
        }
    }
}

#[test]
fn origin_serialization_compatibility() {
    // http_loader.rs test_origin_serialization_compatability: the Origin header's
    // serialization is the origin's ASCII serialization (default ports dropped).
    for (input, want) in [
        ("https://example.com", "https://example.com"),
        ("https://example.com:443", "https://example.com"),
        ("http://example.com", "http://example.com"),
        ("http://example.com:80", "http://example.com"),
        ("https://example.com:1234", "https://example.com:1234"),
        ("http://example.com:1234", "http://example.com:1234"),
    ] {
        assert_eq!(origin(input).serialize(), want);
        assert_eq!(
            origin(input).serialize(),
            Url::parse(input).unwrap().origin().ascii_serialization()
        );
    }
    // A data: URL's origin is opaque; it serializes as `null`.
    let data: Origin = Origin::parse("data:,dataurltexta").unwrap();
    assert_eq!(data.serialize(), "null");
    assert_eq!(
        Url::parse("data:,dataurltexta")
            .unwrap()
            .origin()
            .ascii_serialization(),
        "null"
    );
}

#[test]
fn load_doesnt_send_request_body_on_any_redirect() {
    // http_loader.rs test_load_doesnt_send_request_body_on_any_redirect: a POST with a body
    // answered 301 to another server (another port) reaches it as a GET without the body.
    for p in &Profile::ALL {
        let u = url("");
        let page = origin(SERVER);
        let h = HeaderMap::new();
        // Servo's RequestBuilder makes a no-cors request.
        let req = Request::new(&Method::POST, Cow::Borrowed(&u), &h, &page)
            .unwrap()
            .with_mode(Mode::NoCors);
        let server = |s: &Seen| {
            if s.url.port() == Some(8000) {
                response(301, &[("location", Some("http://localhost:8001/"))])
            } else {
                response(200, &[])
            }
        };
        let mut cache = PreflightCache::new(p);
        let (outcome, seen) = drive(&req, p, &mut cache, &server);
        assert!(outcome.is_ok(), "{}: {outcome:?}", p.engine.name());
        assert_eq!(seen.len(), 2);
        assert_eq!(
            (&seen[0].method, seen[0].body),
            (&Method::POST, BodyAction::Keep)
        );
        assert_eq!(
            (&seen[1].method, seen[1].body),
            (&Method::GET, BodyAction::Drop)
        );
        assert_eq!(seen[1].url.port(), Some(8001));
    }
}
