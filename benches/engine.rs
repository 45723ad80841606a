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

fn classify(c: &mut Criterion) {
    let page = Origin::parse("https://app.example").expect("origin");
    let simple = parts(
        Method::GET,
        "https://api.example/items",
        &[("accept", "application/json")],
    );
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
    for (name, p) in [("simple_get", &simple), ("json_post_authorization", &json)] {
        let req = Request::from_parts(p, &page).expect("request");
        g.bench_function(name, |b| {
            b.iter(|| black_box(classify_request(black_box(&req), &Profile::SPEC)))
        });
    }
    g.bench_function("floor", |b| {
        b.iter(|| {
            let h = &black_box(&json).headers;
            let ct = h.get("content-type").map(|v| v.as_bytes() == b"text/plain");
            let auth = h.contains_key("authorization");
            black_box((ct, auth, json.method == Method::GET))
        })
    });
    g.finish();
}

fn check(c: &mut Criterion) {
    let page = Origin::parse("https://app.example").expect("origin");
    let get = parts(Method::GET, "https://api.example/items", &[]);
    let plain = resp(
        200,
        &[
            ("access-control-allow-origin", "https://app.example"),
            ("content-type", "application/json"),
        ],
    );
    let creds = resp(
        200,
        &[
            ("access-control-allow-origin", "https://app.example"),
            ("access-control-allow-credentials", "true"),
            ("content-type", "application/json"),
        ],
    );
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
        .body(())
        .expect("response");
    let ok = http::Response::builder()
        .header("access-control-allow-origin", "https://app.example")
        .body(())
        .expect("response");
    c.bench_function("preflighted_fetch", |b| {
        b.iter(|| {
            let mut cache = PreflightCache::new(&Profile::SPEC);
            let req = Request::from_parts(&put, &page).expect("request");
            let mut fetch = CorsFetch::new(&req, &Profile::SPEC).expect("fetch");
            loop {
                match fetch.poll(&mut cache, Timestamp::ZERO) {
                    Action::Send(out) => {
                        let r = if out.request.method() == Method::OPTIONS {
                            &pre
                        } else {
                            &ok
                        };
                        fetch
                            .handle_response(r, &mut cache, Timestamp::ZERO)
                            .expect("in order");
                    }
                    Action::Wait => unreachable!("answered at once"),
                    Action::Done(o) => break black_box(o.is_ok()),
                }
            }
        })
    });
}

criterion_group!(benches, classify, check, preflight, cache, whole_fetch);
criterion_main!(benches);
