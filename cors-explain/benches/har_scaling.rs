//! Linear time and memory in the fetches of a HAR (issue 13 item 4, issue 16 item 4), and in
//! the bytes of a raw `curl -i` response (`raw_scaling`, 1 MiB and 16 MiB).
//!
//! Input: synthetic Chromium exports of N and 10N preflighted fetches to distinct URLs
//! (`benches/support/synthetic.rs`; one in ten blocked, so the fix check runs too). Benches, in one
//! group so they read side by side:
//! - `floor/json`: only `serde_json::from_str::<Value>` of the text, the least any HAR
//!   reader does;
//! - `har::parse`: JSON to a `Capture` (grouping preflights and redirect hops);
//! - `parse+explain`: the whole analysis under all four profiles plus the chosen one.
//!
//! Linear means the 10N median is about ten times the N one; criterion's throughput line
//! (elements = fetches) then reads the same at both sizes. Before the fix, memory grew with
//! the square of the fetches (a preflight-cache copy per fetch and profile).
//!
//! Bytes: a counting global allocator measures, once per size before the timings, the bytes
//! allocated in total and the peak of live bytes for `parse+explain`, and prints them with
//! their per-fetch figures (`cargo bench -p cors-explain --bench har_scaling`). Linear
//! means the per-fetch figures stay about the same from N to 10N.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use fetch_cors::Profile;

#[path = "support/synthetic.rs"]
mod synthetic;

/// N and 10N fetches.
const FETCHES: [usize; 2] = [200, 2_000];

/// The system allocator, counting bytes allocated and the peak of bytes live.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    ALLOCATED.fetch_add(bytes, Ordering::Relaxed);
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`, whose contract this keeps; the
// only addition is counting, which neither allocates nor touches the memory.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        grew(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn parse_and_explain(text: &str) -> cors_explain::Report {
    let capture = cors_explain::har::parse(text, &cors_explain::har::HarOptions::default())
        .expect("a valid synthetic HAR");
    cors_explain::explain(&capture, &Profile::CHROMIUM)
}

/// Bytes allocated and peak live bytes (above what was live before) of one `parse+explain`.
fn measure_bytes(text: &str) -> (usize, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let before = ALLOCATED.load(Ordering::Relaxed);
    let report = parse_and_explain(text);
    let allocated = ALLOCATED.load(Ordering::Relaxed) - before;
    let peak = PEAK.load(Ordering::Relaxed) - base;
    drop(black_box(report));
    (allocated, peak)
}

fn har_scaling(c: &mut Criterion) {
    let texts: Vec<(usize, String)> = FETCHES.iter().map(|&n| (n, synthetic::har(n))).collect();
    for (n, text) in &texts {
        let report = parse_and_explain(text);
        assert_eq!(report.fetches.len(), *n);
        assert_eq!(report.summary.blocked, n / 10, "one in ten is blocked");
        let (allocated, peak) = measure_bytes(text);
        eprintln!(
            "har_scaling bytes: {n} fetches, {} KiB of HAR: allocated {} KiB ({} B/fetch), peak live {} KiB ({} B/fetch)",
            text.len() >> 10,
            allocated >> 10,
            allocated / n,
            peak >> 10,
            peak / n,
        );
    }
    let mut group = c.benchmark_group("har_scaling");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    for (n, text) in &texts {
        group.throughput(Throughput::Elements(*n as u64));
        group.bench_with_input(BenchmarkId::new("floor/json", n), text, |b, t| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(t)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("har::parse", n), text, |b, t| {
            b.iter(|| {
                cors_explain::har::parse(black_box(t), &cors_explain::har::HarOptions::default())
                    .unwrap()
            })
        });
        group.bench_with_input(BenchmarkId::new("parse+explain", n), text, |b, t| {
            b.iter(|| parse_and_explain(black_box(t)))
        });
    }
    group.finish();
}

/// 1 MiB and 16 MiB of `curl -i` output.
const RAW_BYTES: [usize; 2] = [1 << 20, 16 << 20];

/// A `curl -i` response of about `len` bytes: 1,000 header lines (half the tool's line bound),
/// half of them `Access-Control-Expose-Headers` lists of equal-length names, the rest padding.
fn raw_response(len: usize) -> String {
    let per_line = len / 1_000;
    let mut text = String::with_capacity(len + 4096);
    text.push_str("HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n");
    for i in 0..1_000 {
        if i % 2 == 0 {
            let start = text.len();
            text.push_str("Access-Control-Expose-Headers: ");
            let mut k = 0;
            // Each name and its separator is 14 bytes.
            while text.len() - start + 14 < per_line {
                text.push_str(&format!("x-n{i:03}-{k:05}, "));
                k += 1;
            }
        } else {
            text.push_str(&format!("X-Pad-{i}: "));
            text.extend(std::iter::repeat_n('a', per_line.saturating_sub(16)));
        }
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text
}

/// The raw-response reader (`cors-explain --response FILE`), a file the user hands in: linear
/// in bytes, beside a floor that only splits the text into lines.
fn raw_scaling(c: &mut Criterion) {
    let texts: Vec<(usize, String)> = RAW_BYTES.iter().map(|&n| (n, raw_response(n))).collect();
    for (n, text) in &texts {
        let before = ALLOCATED.load(Ordering::Relaxed);
        let blocks = cors_explain::raw::parse_blocks(text).expect("a valid response");
        let allocated = ALLOCATED.load(Ordering::Relaxed) - before;
        assert_eq!(blocks.len(), 1);
        eprintln!(
            "raw_scaling bytes: {} KiB of response: allocated {} KiB ({:.2} B per input byte)",
            n >> 10,
            allocated >> 10,
            allocated as f64 / text.len() as f64,
        );
    }
    let mut group = c.benchmark_group("raw_scaling");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(3));
    for (n, text) in &texts {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("floor/lines", n), text, |b, t| {
            b.iter(|| black_box(t).lines().count())
        });
        group.bench_with_input(BenchmarkId::new("raw::parse_blocks", n), text, |b, t| {
            b.iter(|| cors_explain::raw::parse_blocks(black_box(t)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, har_scaling, raw_scaling);
criterion_main!(benches);
