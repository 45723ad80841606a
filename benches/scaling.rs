//! Linear time: every parser at two sizes, a 1 MiB and a 16 MiB value (16x), and a
//! 1,000-item and a 10,000-item list (10x). Linear means the larger input's median is about
//! the size ratio times the smaller one's; criterion's throughput line shows it directly (the
//! same bytes or elements per second at both sizes).
//!
//! Every bench prints the bytes one call allocates beside its times (`… bytes allocated per
//! call`), so memory can be read for linearity the same way.
//!
//! Run with `cargo bench --bench scaling`. The inputs are adversarial where that matters:
//! values made of many parameters, quoted strings left open across entries, long runs of
//! leading zeros or whitespace, and lists that never match what is looked for.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use fetch_cors::header::{
    extract_header_list_values, get_decode_split, max_age, parse_mime_type,
    parse_single_range_header_value, split_value,
};
use fetch_cors::{
    CredentialsMode, Origin, Profile, Request, ResponseHead, Stage, check_preflight_response,
    check_response, classify_request, cors_check,
};
use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS,
    ACCESS_CONTROL_MAX_AGE, HeaderName,
};
use http::{HeaderMap, HeaderValue, Method, StatusCode};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocated;

/// 2,000 and 20,000 header names (an `http::HeaderMap` holds at most about 24,576).
const NAMES: [usize; 2] = [2_000, 20_000];

/// `n` distinct header names of one length, so no length filter can tell them apart.
fn equal_length_names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("x-name-{i:08}")).collect()
}

/// A server in control of the input: a response with N header names and an
/// `Access-Control-Expose-Headers` list of N other names of the same length (none matches), read
/// through `check_response` and through the whole machine; and a page with N custom headers
/// whose preflight answer lists them all (a server that mirrors the requested names). Each
/// prints its allocated bytes per call.
fn server_controlled(c: &mut Criterion) {
    let page = Origin::parse("https://app.example").expect("origin");
    let mut g = config(c, "server_controlled");
    for n in NAMES {
        let names = equal_length_names(2 * n);
        let mut h = HeaderMap::new();
        h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, value(b"https://app.example"));
        for name in &names[..n] {
            h.insert(
                HeaderName::from_bytes(name.as_bytes()).expect("name"),
                value(b"1"),
            );
        }
        h.insert(
            ACCESS_CONTROL_EXPOSE_HEADERS,
            value(names[n..].join(",").as_bytes()),
        );
        let resp = response(h);
        let req_parts = http::Request::get("https://api.example/")
            .body(())
            .expect("request")
            .into_parts()
            .0;
        let req = Request::from_parts(&req_parts, &page).expect("request");
        let readable =
            || check_response(&req, &resp, &Profile::SPEC).map(|e| e.readable_names().count());
        println!(
            "server_controlled/expose_equal_length/{n}: {} bytes allocated per call",
            allocated(readable)
        );
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("expose_equal_length", n), &resp, |b, r| {
            b.iter(|| {
                check_response(black_box(&req), black_box(r), &Profile::SPEC)
                    .map(|e| e.readable_names().count())
            })
        });
        let fetch = || {
            let mut cache = fetch_cors::PreflightCache::new(&Profile::SPEC);
            let mut fetch = fetch_cors::CorsFetch::new(&req, &Profile::SPEC).expect("fetch");
            let _ = fetch.poll(&mut cache, fetch_cors::Timestamp::ZERO);
            fetch
                .handle_response(&resp, &mut cache, fetch_cors::Timestamp::ZERO)
                .expect("in order");
            matches!(
                fetch.poll(&mut cache, fetch_cors::Timestamp::ZERO),
                fetch_cors::Action::Done(Ok(_))
            )
        };
        println!(
            "server_controlled/machine_expose_equal_length/{n}: {} bytes allocated per call",
            allocated(fetch)
        );
        g.bench_with_input(
            BenchmarkId::new("machine_expose_equal_length", n),
            &resp,
            |b, _| b.iter(fetch),
        );

        // The page sends N custom headers; the preflight answer lists them all.
        let mut builder = http::Request::put("https://api.example/");
        for name in &names[..n] {
            builder = builder.header(name.as_str(), "1");
        }
        let put = builder.body(()).expect("request").into_parts().0;
        let put_req = Request::from_parts(&put, &page).expect("request");
        let mut h = HeaderMap::new();
        h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, value(b"https://app.example"));
        h.insert(http::header::ACCESS_CONTROL_ALLOW_METHODS, value(b"PUT"));
        h.insert(
            ACCESS_CONTROL_ALLOW_HEADERS,
            value(names[..n].join(",").as_bytes()),
        );
        let mut pre = response(h);
        pre.status = StatusCode::NO_CONTENT;
        println!(
            "server_controlled/preflight_mirrored/{n}: {} bytes allocated per call",
            allocated(|| check_preflight_response(&put_req, &pre, &Profile::SPEC).is_ok())
        );
        assert!(check_preflight_response(&put_req, &pre, &Profile::SPEC).is_ok());
        g.bench_with_input(BenchmarkId::new("preflight_mirrored", n), &pre, |b, r| {
            b.iter(|| {
                check_preflight_response(black_box(&put_req), black_box(r), &Profile::SPEC).is_ok()
            })
        });
        // The floor: read every response header name once.
        g.bench_with_input(BenchmarkId::new("floor_read_names", n), &resp, |b, r| {
            b.iter(|| {
                black_box(r)
                    .headers
                    .keys()
                    .map(|k| k.as_str().len())
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

/// 1 MiB and 16 MiB.
const BYTES: [usize; 2] = [1 << 20, 16 << 20];
/// 1,000 and 10,000 items.
const ITEMS: [usize; 2] = [1_000, 10_000];

fn value(bytes: &[u8]) -> HeaderValue {
    HeaderValue::from_bytes(bytes).expect("a valid header value")
}

/// `seed` repeated to exactly `len` bytes.
fn repeat_to(seed: &[u8], len: usize) -> Vec<u8> {
    seed.iter().copied().cycle().take(len).collect()
}

/// A header map holding `values` as entries of `name`.
fn entries(name: &HeaderName, values: impl IntoIterator<Item = Vec<u8>>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for v in values {
        headers.append(name.clone(), value(&v));
    }
    headers
}

fn config<'c>(c: &'c mut Criterion, name: &str) -> Group<'c> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    Group {
        g,
        name: name.to_owned(),
    }
}

/// A benchmark group that prints, beside each bench's times, the bytes one call allocates.
struct Group<'c> {
    g: BenchmarkGroup<'c, WallTime>,
    name: String,
}

impl<'c> std::ops::Deref for Group<'c> {
    type Target = BenchmarkGroup<'c, WallTime>;
    fn deref(&self) -> &Self::Target {
        &self.g
    }
}

impl std::ops::DerefMut for Group<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.g
    }
}

impl Group<'_> {
    /// Prints the bytes one call of `f` allocates, then times it.
    fn bench<I: ?Sized, R>(
        &mut self,
        label: impl std::fmt::Display,
        n: usize,
        input: &I,
        f: impl Fn(&I) -> R,
    ) {
        println!(
            "{}/{label}/{n}: {} bytes allocated per call",
            self.name,
            allocated(|| f(input))
        );
        self.g
            .bench_with_input(BenchmarkId::new(label.to_string(), n), input, |b, i| {
                b.iter(|| f(i))
            });
    }

    fn finish(self) {
        self.g.finish();
    }
}

/// Get, decode and split: one long value, and many entries with a quote left open in each.
fn split(c: &mut Criterion) {
    let mut g = config(c, "split_value");
    for n in BYTES {
        let v = repeat_to(br#"a, "b,\"c", d;e=f,,"#, n);
        g.throughput(Throughput::Bytes(n as u64));
        g.bench("bytes", n, &v, |v| split_value(black_box(v)).count());
    }
    g.finish();
    let mut g = config(c, "get_decode_split");
    let name = HeaderName::from_static("x-list");
    for n in ITEMS {
        // Every entry opens a quote the next one closes: the across-entries path.
        let headers = entries(&name, (0..n).map(|i| format!("x{i}, \"q").into_bytes()));
        g.throughput(Throughput::Elements(n as u64));
        g.bench("entries", n, &headers, |h| {
            get_decode_split(black_box(h), &name).map(Iterator::count)
        });
    }
    g.finish();
}

/// Extract header list values: one long value, and many entries.
fn list(c: &mut Criterion) {
    let mut g = config(c, "extract_header_list_values");
    for n in BYTES {
        let headers = entries(
            &ACCESS_CONTROL_ALLOW_HEADERS,
            [repeat_to(b"x-custom-header, ", n)],
        );
        g.throughput(Throughput::Bytes(n as u64));
        g.bench("bytes", n, &headers, |h| {
            extract_header_list_values(black_box(h), &ACCESS_CONTROL_ALLOW_HEADERS)
                .map(|l| l.map(|l| l.contains_ignore_ascii_case(b"absent")))
        });
    }
    for n in ITEMS {
        let headers = entries(
            &ACCESS_CONTROL_ALLOW_HEADERS,
            (0..n).map(|i| format!("x-h{i}").into_bytes()),
        );
        g.throughput(Throughput::Elements(n as u64));
        g.bench("entries", n, &headers, |h| {
            extract_header_list_values(black_box(h), &ACCESS_CONTROL_ALLOW_HEADERS)
                .map(|l| l.map(|l| l.contains_ignore_ascii_case(b"absent")))
        });
    }
    g.finish();
}

/// The MIME type parser: one long value of many parameters (all distinct, the worst case
/// for the duplicate check), and a list of parameters by count.
fn mime(c: &mut Criterion) {
    let mut g = config(c, "parse_mime_type");
    for n in BYTES {
        let mut v = b"text/plain".to_vec();
        let mut i = 0usize;
        while v.len() < n {
            v.extend_from_slice(format!(";p{i}=\"v\\\"{i}\"").as_bytes());
            i += 1;
        }
        g.throughput(Throughput::Bytes(v.len() as u64));
        g.bench("bytes", n, &v, |v| {
            parse_mime_type(black_box(v)).map(|m| m.parameters.len())
        });
    }
    for n in ITEMS {
        let mut v = b"text/plain".to_vec();
        for i in 0..n {
            v.extend_from_slice(format!(";name{i}=value").as_bytes());
        }
        g.throughput(Throughput::Elements(n as u64));
        g.bench("parameters", n, &v, |v| {
            parse_mime_type(black_box(v)).map(|m| m.parameters.len())
        });
    }
    g.finish();
}

/// The single-range parser: a start made of a long run of leading zeros, so the digit loop
/// reads the whole value.
fn range(c: &mut Criterion) {
    let mut g = config(c, "parse_single_range_header_value");
    for n in BYTES {
        let mut v = b"bytes=".to_vec();
        v.extend(repeat_to(b"0", n - 11));
        v.extend_from_slice(b"1-499");
        g.throughput(Throughput::Bytes(n as u64));
        g.bench("bytes", n, &v, |v| {
            let r = parse_single_range_header_value(black_box(v), true);
            assert_eq!(r, Some((Some(1), Some(499))));
            r
        });
    }
    g.finish();
}

/// `Access-Control-Max-Age` under every profile: leading zeros that keep each parser going
/// to the end, and many entries.
fn max_age_all(c: &mut Criterion) {
    for profile in Profile::ALL {
        let mut g = config(c, &format!("max_age_{}", profile.engine.name()));
        for n in BYTES {
            let mut v = repeat_to(b"0", n - 3);
            v.extend_from_slice(b"600");
            let headers = entries(&ACCESS_CONTROL_MAX_AGE, [v]);
            g.throughput(Throughput::Bytes(n as u64));
            g.bench("bytes", n, &headers, |h| {
                max_age(black_box(h), &profile.max_age)
            });
        }
        for n in ITEMS {
            let headers = entries(&ACCESS_CONTROL_MAX_AGE, (0..n).map(|_| b"0".to_vec()));
            g.throughput(Throughput::Elements(n as u64));
            g.bench("entries", n, &headers, |h| {
                max_age(black_box(h), &profile.max_age)
            });
        }
        g.finish();
    }
}

fn response(headers: HeaderMap) -> http::response::Parts {
    let mut parts = http::Response::new(()).into_parts().0;
    parts.headers = headers;
    parts
}

/// The CORS check's Allow-Origin comparison, including the error path's reporting (which
/// copies the value and, for Chromium, tries to parse it as a URL).
fn allow_origin(c: &mut Criterion) {
    let page = Origin::parse("https://app.example").expect("origin");
    let req_parts = http::Request::get("https://api.example/")
        .body(())
        .expect("request")
        .into_parts()
        .0;
    let req = Request::from_parts(&req_parts, &page)
        .expect("request")
        .with_credentials(CredentialsMode::Include);
    for profile in [Profile::SPEC, Profile::CHROMIUM] {
        let mut g = config(c, &format!("allow_origin_{}", profile.engine.name()));
        for n in BYTES {
            let mut v = b"https://app.example/".to_vec();
            v.extend(repeat_to(b"a", n - v.len()));
            let resp = response(entries(&ACCESS_CONTROL_ALLOW_ORIGIN, [v]));
            g.throughput(Throughput::Bytes(n as u64));
            g.bench("bytes", n, &resp, |r| {
                cors_check(
                    black_box(&req),
                    &ResponseHead::from(r),
                    Stage::Response,
                    &profile,
                )
                .is_ok()
            });
        }
        for n in ITEMS {
            let resp = response(entries(
                &ACCESS_CONTROL_ALLOW_ORIGIN,
                (0..n).map(|_| b"https://app.example".to_vec()),
            ));
            g.throughput(Throughput::Elements(n as u64));
            g.bench("entries", n, &resp, |r| {
                cors_check(
                    black_box(&req),
                    &ResponseHead::from(r),
                    Stage::Response,
                    &profile,
                )
                .is_ok()
            });
        }
        g.finish();
    }
}

/// Exposure through `Access-Control-Expose-Headers`: a long list none of whose names is in
/// the response, so every readable-name check reads all of it.
fn expose(c: &mut Criterion) {
    let page = Origin::parse("https://app.example").expect("origin");
    let req_parts = http::Request::get("https://api.example/")
        .body(())
        .expect("request")
        .into_parts()
        .0;
    let req = Request::from_parts(&req_parts, &page).expect("request");
    let base = |aceh: Vec<Vec<u8>>| {
        let mut h = entries(&ACCESS_CONTROL_EXPOSE_HEADERS, aceh);
        h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, value(b"https://app.example"));
        h.insert(HeaderName::from_static("x-total"), value(b"1"));
        h.insert(HeaderName::from_static("x-secret"), value(b"1"));
        response(h)
    };
    let mut g = config(c, "expose_headers");
    for n in BYTES {
        let resp = base(vec![repeat_to(b"x-other-name, ", n)]);
        g.throughput(Throughput::Bytes(n as u64));
        g.bench("bytes", n, &resp, |r| {
            check_response(black_box(&req), black_box(r), &Profile::SPEC)
                .map(|e| e.readable_names().count())
        });
    }
    for n in ITEMS {
        let resp = base((0..n).map(|i| format!("x-n{i}").into_bytes()).collect());
        g.throughput(Throughput::Elements(n as u64));
        g.bench("entries", n, &resp, |r| {
            check_response(black_box(&req), black_box(r), &Profile::SPEC)
                .map(|e| e.readable_names().count())
        });
    }
    g.finish();
}

/// Preflight validation against a long `Access-Control-Allow-Headers` list.
fn preflight(c: &mut Criterion) {
    let page = Origin::parse("https://app.example").expect("origin");
    let req_parts = http::Request::put("https://api.example/")
        .header("x-trace", "1")
        .header("content-type", "application/json")
        .body(())
        .expect("request")
        .into_parts()
        .0;
    let req = Request::from_parts(&req_parts, &page).expect("request");
    let mut g = config(c, "preflight_allow_headers");
    for n in ITEMS {
        let mut h = entries(
            &ACCESS_CONTROL_ALLOW_HEADERS,
            (0..n).map(|i| format!("x-h{i}").into_bytes()),
        );
        h.append(
            ACCESS_CONTROL_ALLOW_HEADERS,
            value(b"content-type, x-trace"),
        );
        h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, value(b"https://app.example"));
        h.insert(http::header::ACCESS_CONTROL_ALLOW_METHODS, value(b"PUT"));
        let mut resp = response(h);
        resp.status = StatusCode::NO_CONTENT;
        g.throughput(Throughput::Elements(n as u64));
        g.bench("entries", n, &resp, |r| {
            check_preflight_response(black_box(&req), black_box(r), &Profile::SPEC).is_ok()
        });
    }
    g.finish();
}

/// Classification of a request with many headers (the CORS-unsafe names are sorted), and the
/// origin of a long URL.
fn request_side(c: &mut Criterion) {
    let page = Origin::parse("https://app.example").expect("origin");
    let mut g = config(c, "classify_many_headers");
    for n in ITEMS {
        let mut parts = http::Request::builder()
            .method(Method::PUT)
            .uri("https://api.example/")
            .body(())
            .expect("request")
            .into_parts()
            .0;
        // Names in reverse order, so the sort has work to do.
        for i in (0..n).rev() {
            let name = HeaderName::from_bytes(format!("x-h{i:05}").as_bytes()).expect("name");
            parts.headers.append(name, value(b"1"));
        }
        let req = Request::from_parts(&parts, &page).expect("request");
        for profile in [Profile::SPEC, Profile::CHROMIUM] {
            g.throughput(Throughput::Elements(n as u64));
            g.bench(format!("headers_{}", profile.engine.name()), n, &req, |r| {
                // The classification borrows the request, so it is consumed here.
                let _ = black_box(classify_request(black_box(r), &profile));
            });
        }
    }
    g.finish();
    let mut g = config(c, "origin_parse");
    for n in BYTES {
        let mut path = String::from("https://app.example/");
        path.extend(std::iter::repeat_n('a', n - path.len()));
        let mut host = String::from("https://");
        while host.len() < n - 8 {
            host.push_str("a.");
        }
        host.push_str("example");
        g.throughput(Throughput::Bytes(n as u64));
        g.bench("long_path", n, &path, |u| {
            Origin::parse(black_box(u)).map(|o| o.serialize().len())
        });
        g.bench("long_host", n, &host, |u| {
            Origin::parse(black_box(u)).map(|o| o.serialize().len())
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    split,
    list,
    mime,
    range,
    max_age_all,
    allow_origin,
    expose,
    preflight,
    request_side,
    server_controlled
);
criterion_main!(benches);
