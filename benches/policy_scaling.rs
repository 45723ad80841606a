//! Linear time and memory for the policy tools, with the server in control of the input:
//! `lint::lint_exchanges` over N exchanges from a server that reflects every origin, and
//! `policy::check_all` for a page that sends N custom headers to a server that allows (and
//! mirrors) them all, each at N and 10N, beside a floor: the least any implementation must do
//! with the same input (read every exchange's `Origin`; copy the N headers onto the wire).
//!
//! Linear means the larger input's median is about ten times the smaller one's, as the floor's
//! is; criterion's throughput line shows it directly (the same elements per second at both
//! sizes). Before timing, each case prints the bytes it allocates per call, counted by a
//! global allocator, which should also grow tenfold.
//!
//! Run with `cargo bench --bench policy_scaling`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use fetch_cors::lint::lint_exchanges;
use fetch_cors::policy::{self, CorsPolicy, OriginRule};
use fetch_cors::simulate::PageRequest;
use fetch_cors::{Origin, Profile};
use http::{HeaderName, HeaderValue, Method, Request, Response};

/// Counts the bytes allocated, to print memory per call beside the times.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// The one reviewed use of `unsafe` in the benches: forwarding to the system allocator.
#[allow(unsafe_code)]
// SAFETY: every method forwards unchanged to `System`, which upholds the contract; counting
// is an atomic add.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size, Ordering::Relaxed);
        // SAFETY: the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes `f` allocates in one call.
fn allocated<T>(f: impl FnOnce() -> T) -> usize {
    let before = ALLOCATED.load(Ordering::Relaxed);
    black_box(f());
    ALLOCATED.load(Ordering::Relaxed) - before
}

/// 1,000 and 10,000 exchanges.
const EXCHANGES: [usize; 2] = [1_000, 10_000];
/// 400 and 4,000 request headers (a `PageRequest` holds at most 4,096).
const HEADERS: [usize; 2] = [400, 4_000];

fn config<'c>(c: &'c mut Criterion, name: &str) -> BenchmarkGroup<'c, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    g
}

/// N exchanges with a server that reflects every origin with credentials: distinct sites,
/// every other one a look-alike of the one before (`https://site4.test.evil5.test`).
fn reflected(n: usize) -> Vec<(Request<()>, Response<()>)> {
    (0..n)
        .map(|i| {
            let origin = if i % 2 == 0 {
                format!("https://site{i}.test")
            } else {
                format!("https://site{}.test.evil{i}.test", i - 1)
            };
            let req = Request::get(format!("https://api.example/items/{i}"))
                .header("origin", &origin)
                .body(())
                .expect("a request");
            let resp = Response::builder()
                .header("access-control-allow-origin", &origin)
                .header("access-control-allow-credentials", "true")
                .header("vary", "origin")
                .body(())
                .expect("a response");
            (req, resp)
        })
        .collect()
}

/// N exchanges each answered with its own invalid `Access-Control-Allow-Origin`: N distinct
/// examples of one finding.
fn distinct_examples(n: usize) -> Vec<(Request<()>, Response<()>)> {
    (0..n)
        .map(|i| {
            let req = Request::get("https://api.example/")
                .header("origin", "https://app.example")
                .body(())
                .expect("a request");
            let resp = Response::builder()
                .header(
                    "access-control-allow-origin",
                    format!("https://app.example/{i}"),
                )
                .body(())
                .expect("a response");
            (req, resp)
        })
        .collect()
}

fn lint(c: &mut Criterion) {
    let mut g = config(c, "lint_exchanges");
    for n in EXCHANGES {
        g.throughput(Throughput::Elements(n as u64));
        let input = reflected(n);
        let found = lint_exchanges(&input);
        assert_eq!(found.len(), 1, "{found:#?}");
        eprintln!(
            "lint_exchanges/reflected/{n}: {} bytes allocated per call",
            allocated(|| lint_exchanges(&input))
        );
        g.bench_with_input(BenchmarkId::new("reflected", n), &input, |b, x| {
            b.iter(|| lint_exchanges(black_box(x)))
        });
        let input = distinct_examples(n);
        assert_eq!(lint_exchanges(&input).len(), 1);
        eprintln!(
            "lint_exchanges/distinct_examples/{n}: {} bytes allocated per call",
            allocated(|| lint_exchanges(&input))
        );
        g.bench_with_input(BenchmarkId::new("distinct_examples", n), &input, |b, x| {
            b.iter(|| lint_exchanges(black_box(x)))
        });
        // The floor: read every exchange's Origin once.
        let input = reflected(n);
        g.bench_with_input(BenchmarkId::new("floor_read_origins", n), &input, |b, x| {
            b.iter(|| {
                black_box(x)
                    .iter()
                    .filter_map(|(req, _)| req.headers().get("origin"))
                    .map(|v| v.len())
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

fn names(n: usize) -> Vec<HeaderName> {
    (0..n)
        .map(|i| HeaderName::from_bytes(format!("x-h{i:05}").as_bytes()).expect("a name"))
        .collect()
}

fn check_all(c: &mut Criterion) {
    let mut g = config(c, "check_all");
    let app = Origin::parse("https://app.example").expect("an origin");
    for n in HEADERS {
        g.throughput(Throughput::Elements(n as u64));
        let names = names(n);
        // Lists every name, and the server mirrors the request's (its answer lists them all).
        let listed = CorsPolicy::new()
            .allow_origin(OriginRule::from(app.clone()))
            .allow_methods([Method::PUT])
            .allow_headers(names.clone());
        let mirrored = CorsPolicy::new()
            .allow_origin(OriginRule::from(app.clone()))
            .allow_any_method()
            .allow_any_header();
        let mut request = PageRequest::new(Method::PUT, "https://api.example/items").expect("url");
        for name in &names {
            request = request.with_header(name.as_str(), "1");
        }
        assert_eq!(request.headers.len(), n);
        for (label, server) in [("listed", &listed), ("mirrored", &mirrored)] {
            let run = || {
                policy::check_all(
                    &mut server.clone(),
                    &listed,
                    &app,
                    &request,
                    &Profile::CHROMIUM,
                )
            };
            assert!(run().is_ok(), "{:?}", run());
            eprintln!(
                "check_all/{label}/{n}: {} bytes allocated per call",
                allocated(run)
            );
            g.bench_function(BenchmarkId::new(label, n), |b| b.iter(run));
        }
        // The floor: put the N headers on the wire once (a preflight and the request both
        // carry them, so the real work is at least twice this).
        g.bench_function(BenchmarkId::new("floor_copy_headers", n), |b| {
            b.iter(|| {
                let mut out = http::HeaderMap::new();
                for (k, v) in black_box(&request.headers) {
                    out.append(k.clone(), HeaderValue::clone(v));
                }
                out.len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, lint, check_all);
criterion_main!(benches);
