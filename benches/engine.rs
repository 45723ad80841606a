//! Criterion benches of the hot paths: classification, the CORS check, preflight
//! validation, cache lookups at three sizes, and a whole preflighted fetch.
//!
//! Run with `cargo bench --bench engine`. Each group has a `floor` bench that only reads the
//! needed headers out of the `http::HeaderMap` and compares bytes: the least any
//! implementation has to do.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use fetch_cors::{
    Action, Classification, CorsFetch, CredentialsMode, Origin, PreflightCache, Profile, Request,
    Timestamp, check_preflight_response, check_response, classify_request,
};
use http::{HeaderValue, Method, request, response};

fn parts(method: Method, url: &str, headers: &[(&'static str, &'static str)]) -> request::Parts {
    let mut b = http::Request::builder().method(method).uri(url);
    for (n, v) in headers {
        b = b.header(*n, HeaderValue::from_static(v));
    }
    b.body(()).expect("valid request").into_parts().0
}

fn resp(status: u16, headers: &[(&'static str, &'static str)]) -> response::Parts {
    let mut b = http::Response::builder().status(status);
    for (n, v) in headers {
        b = b.header(*n, HeaderValue::from_static(v));
    }
    b.body(()).expect("valid response").into_parts().0
}

/// The five CORS-safelisted request-header names, for the classification floor.
const SAFELISTED_NAMES: [&str; 5] = [
    "accept",
    "accept-language",
    "content-language",
    "content-type",
    "range",
];

fn classify(c: &mut Criterion) {
    let page = Origin::parse("https://app.example").expect("origin");
    let simple = parts(
        Method::GET,
        "https://api.example/items",
        &[("accept", "application/json")],
    );
    // Three headers: the target case.
    let json = parts(
        Method::POST,
        "https://api.example/items",
        &[
            ("content-type", "application/json"),
            ("authorization", "Bearer abcdef"),
            ("accept", "*/*"),
        ],
    );
    let mut g = c.benchmark_group("classify_request");
    let req = Request::from_parts(&simple, &page).expect("request");
    g.bench_function("simple_get/spec", |b| {
        b.iter(|| black_box(classify_request(black_box(&req), &Profile::SPEC)))
    });
    let req = Request::from_parts(&json, &page).expect("request");
    for profile in Profile::ALL {
        g.bench_function(
            format!("json_post_authorization/{}", profile.engine.name()),
            |b| b.iter(|| black_box(classify_request(black_box(&req), &profile))),
        );
    }
    // The least any classifier does: match each request-header name against the five
    // CORS-safelisted names.
    g.bench_function("floor", |b| {
        b.iter(|| {
            let h = &black_box(&json).headers;
            let unsafe_names = h
                .keys()
                .filter(|n| !SAFELISTED_NAMES.contains(&n.as_str()))
                .count();
            black_box(unsafe_names)
        })
    });
    g.finish();
}

/// A response of nine headers, as a real API answers.
fn nine_headers(creds: bool) -> response::Parts {
    let mut h = vec![
        ("access-control-allow-origin", "https://app.example"),
        ("content-type", "application/json"),
        ("content-length", "512"),
        ("date", "Wed, 02 Dec 2026 05:00:00 GMT"),
        ("cache-control", "no-store"),
        ("vary", "Origin"),
        ("etag", "\"abc\""),
        ("server", "bench"),
    ];
    h.push(if creds {
        ("access-control-allow-credentials", "true")
    } else {
        ("x-request-id", "42")
    });
    resp(200, &h)
}

fn check(c: &mut Criterion) {
    let page = Origin::parse("https://app.example").expect("origin");
    let get = parts(Method::GET, "https://api.example/items", &[]);
    let plain = nine_headers(false);
    let creds = nine_headers(true);
    let exposed = resp(
        200,
        &[
            ("access-control-allow-origin", "https://app.example"),
            ("access-control-expose-headers", "x-total, etag"),
            ("x-total", "12"),
            ("etag", "\"abc\""),
        ],
    );
    let mut g = c.benchmark_group("check_response");
    let req = Request::from_parts(&get, &page).expect("request");
    let cred_req = req.clone().with_credentials(CredentialsMode::Include);
    g.bench_function("no_credentials", |b| {
        b.iter(|| {
            black_box(check_response(black_box(&req), black_box(&plain), &Profile::SPEC).is_ok())
        })
    });
    g.bench_function("credentials", |b| {
        b.iter(|| {
            black_box(
                check_response(black_box(&cred_req), black_box(&creds), &Profile::SPEC).is_ok(),
            )
        })
    });
    g.bench_function("expose_headers", |b| {
        b.iter(|| {
            let e = check_response(black_box(&req), black_box(&exposed), &Profile::SPEC)
                .expect("passes");
            black_box(e.readable_names().count())
        })
    });
    // The least any check does: read Allow-Origin and Allow-Credentials out of the same
    // nine-header map and compare bytes.
    g.bench_function("floor", |b| {
        b.iter(|| {
            let h = &black_box(&creds).headers;
            let o = h
                .get("access-control-allow-origin")
                .map(|v| v.as_bytes() == b"https://app.example");
            let c = h
                .get("access-control-allow-credentials")
                .map(|v| v.as_bytes() == b"true");
            black_box((o, c))
        })
    });
    g.finish();
}

fn preflight(c: &mut Criterion) {
    let page = Origin::parse("https://app.example").expect("origin");
    let put = parts(
        Method::PUT,
        "https://api.example/items/1",
        &[("content-type", "application/json"), ("x-trace", "1")],
    );
    let answer = resp(
        204,
        &[
            ("access-control-allow-origin", "https://app.example"),
            ("access-control-allow-methods", "GET, PUT, DELETE"),
            ("access-control-allow-headers", "content-type, x-trace"),
            ("access-control-max-age", "600"),
        ],
    );
    let req = Request::from_parts(&put, &page).expect("request");
    c.bench_function("check_preflight_response", |b| {
        b.iter(|| {
            black_box(
                check_preflight_response(black_box(&req), black_box(&answer), &Profile::SPEC)
                    .is_ok(),
            )
        })
    });
}

fn cache(c: &mut Criterion) {
    let page = Origin::parse("https://app.example").expect("origin");
    let answer = resp(
        204,
        &[
            ("access-control-allow-origin", "https://app.example"),
            ("access-control-allow-methods", "PUT"),
            ("access-control-max-age", "600"),
        ],
    );
    let mut g = c.benchmark_group("cache_hit");
    for size in [10usize, 1_000, 100_000] {
        let mut cache = PreflightCache::with_capacity(&Profile::SPEC, size);
        for i in 0..size {
            let p = parts(Method::PUT, &format!("https://api.example/items/{i}"), &[]);
            let r = Request::from_parts(&p, &page).expect("request");
            let grant = check_preflight_response(&r, &answer, &Profile::SPEC).expect("grant");
            cache.store(&r, "p", &grant, Timestamp::ZERO);
        }
        let p = parts(
            Method::PUT,
            &format!("https://api.example/items/{}", size / 2),
            &[],
        );
        let r = Request::from_parts(&p, &page).expect("request");
        let Classification::CorsWithPreflight(need) = classify_request(&r, &Profile::SPEC) else {
            panic!("a PUT is preflighted")
        };
        g.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, _| {
            b.iter(|| {
                black_box(cache.needs_preflight(black_box(&r), "p", &need, Timestamp::from_secs(1)))
            })
        });
    }
    g.finish();
}

fn drive(
    fetch: &mut CorsFetch,
    cache: &mut PreflightCache,
    pre: &http::Response<()>,
    ok: &http::Response<()>,
) -> bool {
    loop {
        match fetch.poll(cache, Timestamp::ZERO) {
            Action::Send(out) => {
                let r = if out.request.method() == Method::OPTIONS {
                    pre
                } else {
                    ok
                };
                fetch
                    .handle_response(r, cache, Timestamp::ZERO)
                    .expect("in order");
            }
            Action::Wait => unreachable!("answered at once"),
            Action::Done(o) => break o.is_ok(),
            _ => unreachable!("an action this driver does not know"),
        }
    }
}

fn whole_fetch(c: &mut Criterion) {
    let page = Origin::parse("https://app.example").expect("origin");
    let put = parts(
        Method::PUT,
        "https://api.example/items/1",
        &[("content-type", "application/json")],
    );
    let pre = http::Response::builder()
        .status(204)
        .header("access-control-allow-origin", "https://app.example")
        .header("access-control-allow-methods", "PUT")
        .header("access-control-allow-headers", "content-type")
        .header("access-control-max-age", "600")
        .body(())
        .expect("response");
    let ok = http::Response::builder()
        .header("access-control-allow-origin", "https://app.example")
        .body(())
        .expect("response");
    let req = Request::from_parts(&put, &page).expect("request");
    let mut g = c.benchmark_group("fetch");
    // Cache miss: a preflight and the request, two exchanges.
    g.bench_function("preflighted_cache_miss", |b| {
        let mut cache = PreflightCache::new(&Profile::SPEC);
        b.iter(|| {
            cache.clear_all();
            let mut fetch = CorsFetch::new(black_box(&req), &Profile::SPEC).expect("fetch");
            black_box(drive(&mut fetch, &mut cache, &pre, &ok))
        })
    });
    // The cache covers the preflight: one exchange.
    g.bench_function("preflight_cached", |b| {
        let mut cache = PreflightCache::new(&Profile::SPEC);
        let mut warm = CorsFetch::new(&req, &Profile::SPEC).expect("fetch");
        assert!(drive(&mut warm, &mut cache, &pre, &ok));
        b.iter(|| {
            let mut fetch = CorsFetch::new(black_box(&req), &Profile::SPEC).expect("fetch");
            black_box(drive(&mut fetch, &mut cache, &pre, &ok))
        })
    });
    // The floor of the same run: the CORS check's two header reads, as in `check_response`.
    g.bench_function("floor", |b| {
        b.iter(|| {
            let h = black_box(&ok).headers();
            black_box(
                h.get("access-control-allow-origin")
                    .map(|v| v.as_bytes() == b"https://app.example"),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, classify, check, preflight, cache, whole_fetch);
criterion_main!(benches);
