//! The hot paths allocate nothing: `classify_request`, `check_response` and iterating an
//! `Exposure`'s readable names, for requests and responses with up to eight headers, under
//! every profile.
//!
//! A counting global allocator wraps the system allocator. Counting is per thread (`const`
//! thread-locals, which themselves never allocate), so tests running in parallel and the
//! harness's other threads cannot disturb one another's counts.
//!
//! What is *not* claimed: the failure outcomes (`Classification::Rejected`,
//! `Classification::NetworkError`, `Err(CorsError)`) carry owned error text and may allocate;
//! building a `Request` parses its URL and allocates. Both happen outside the measured calls.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use fetch_cors::{
    Classification, CredentialsMode, Mode, Origin, Profile, Request, check_response,
    classify_request,
};
use http::{HeaderValue, Method, request, response};

/// Counts the allocations (and reallocations) made while the current thread has counting on.
struct Counting;

thread_local! {
    /// Whether this thread's allocations are counted. `const` so that using it never
    /// allocates (no lazy initialisation, no destructor registration).
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    /// How many allocations this thread made while counting.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn note_allocation() {
    // `try_with`: the allocator may run while this thread's locals are being torn down.
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so the
// `GlobalAlloc` contract is exactly `System`'s; the only addition is a thread-local counter
// bump, which does not allocate.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded unchanged; `ptr` came from this allocator, i.e. from `System`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged; `ptr` came from `System`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` with counting on and returns how many allocations it made.
fn allocations_in<T>(f: impl FnOnce() -> T) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    COUNTING.with(|c| c.set(true));
    let out = f();
    // Drop the result while still counting: dropping must not allocate either.
    drop(black_box(out));
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(Cell::get) - before
}

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

/// Requests with up to eight headers, each taking a different classification path.
fn requests() -> Vec<(&'static str, request::Parts)> {
    vec![
        (
            "simple GET",
            parts(
                Method::GET,
                "https://api.example/items",
                &[("accept", "application/json")],
            ),
        ),
        (
            "JSON POST with Authorization",
            parts(
                Method::POST,
                "https://api.example/items",
                &[
                    ("content-type", "application/json"),
                    ("authorization", "Bearer abcdef"),
                    ("accept", "*/*"),
                ],
            ),
        ),
        (
            "PUT with eight headers",
            parts(
                Method::PUT,
                "https://api.example/items/1",
                &[
                    ("x-h", "1"),
                    ("x-g", "1"),
                    ("x-f", "1"),
                    ("x-e", "1"),
                    ("x-d", "1"),
                    ("x-c", "1"),
                    ("x-b", "1"),
                    ("x-a", "1"),
                ],
            ),
        ),
        (
            "repeated and safelisted headers",
            parts(
                Method::POST,
                "https://api.example/form",
                &[
                    ("accept", "text/html"),
                    ("accept", "application/json"),
                    ("accept-language", "en-GB, de;q=0.5"),
                    ("content-language", "en"),
                    ("content-type", "text/plain;charset=UTF-8"),
                    ("range", "bytes=0-499"),
                    ("dpr", "2.0"),
                    ("x-http-method-override", "PATCH"),
                ],
            ),
        ),
        (
            "same-origin DELETE",
            parts(
                Method::DELETE,
                "https://app.example/items/1",
                &[("x-trace", "1")],
            ),
        ),
        (
            "long safelisted values",
            parts(
                Method::GET,
                "https://api.example/long",
                &[
                    (
                        "accept",
                        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                    ),
                    (
                        "accept",
                        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                    ),
                ],
            ),
        ),
    ]
}

#[test]
fn classify_request_does_not_allocate() {
    let page = Origin::parse("https://app.example").expect("origin");
    let reqs = requests();
    for profile in Profile::ALL {
        for (name, p) in &reqs {
            let base = Request::from_parts(p, &page).expect("request");
            let variants = [
                base.clone(),
                base.clone().with_credentials(CredentialsMode::Include),
                base.clone().with_use_cors_preflight(true),
                base.clone().with_mode(Mode::Navigate),
            ];
            for req in &variants {
                let class = classify_request(req, &profile);
                assert!(
                    !matches!(
                        class,
                        Classification::Rejected(_) | Classification::NetworkError(_)
                    ),
                    "{name}: a success path is measured ({class:?})"
                );
                let n = allocations_in(|| classify_request(black_box(req), black_box(&profile)));
                assert_eq!(
                    n, 0,
                    "{:?} {name}: classify_request allocated",
                    profile.engine
                );
            }
        }
        // A no-cors GET with safelisted headers takes the opaque path.
        let p = &reqs[0].1;
        let req = Request::from_parts(p, &page)
            .expect("request")
            .with_mode(Mode::NoCors);
        assert_eq!(classify_request(&req, &profile), Classification::Opaque);
        let n = allocations_in(|| classify_request(black_box(&req), black_box(&profile)));
        assert_eq!(
            n, 0,
            "{:?} no-cors: classify_request allocated",
            profile.engine
        );
    }
}

/// Responses with up to eight headers, and the credentials mode each passes with.
fn responses() -> Vec<(&'static str, CredentialsMode, response::Parts)> {
    vec![
        (
            "plain",
            CredentialsMode::SameOrigin,
            resp(
                200,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("content-type", "application/json"),
                ],
            ),
        ),
        (
            "credentials",
            CredentialsMode::Include,
            resp(
                200,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("access-control-allow-credentials", "true"),
                    ("content-type", "application/json"),
                    ("set-cookie", "a=b"),
                ],
            ),
        ),
        (
            "star",
            CredentialsMode::Omit,
            resp(
                200,
                &[
                    ("access-control-allow-origin", "*"),
                    ("access-control-expose-headers", "*"),
                    ("x-total", "12"),
                    ("set-cookie", "a=b"),
                ],
            ),
        ),
        (
            "expose headers over eight lines",
            CredentialsMode::Include,
            resp(
                200,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("access-control-allow-credentials", "true"),
                    ("access-control-expose-headers", "x-total, etag"),
                    ("access-control-expose-headers", "X-Request-Id"),
                    ("access-control-expose-headers", "*"),
                    ("access-control-expose-headers", "x-a"),
                    ("access-control-expose-headers", "x-b"),
                    ("access-control-expose-headers", "x-c"),
                ],
            ),
        ),
        (
            "expose headers",
            CredentialsMode::SameOrigin,
            resp(
                200,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("access-control-expose-headers", "x-total, etag"),
                    ("access-control-expose-headers", "X-Request-Id"),
                    ("x-total", "12"),
                    ("etag", "\"abc\""),
                    ("x-request-id", "r"),
                    ("x-secret", "s"),
                    ("cache-control", "no-store"),
                ],
            ),
        ),
        (
            "redirect",
            CredentialsMode::SameOrigin,
            resp(
                302,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("location", "/elsewhere"),
                ],
            ),
        ),
    ]
}

#[test]
fn check_response_and_readable_names_do_not_allocate() {
    let page = Origin::parse("https://app.example").expect("origin");
    let cross = parts(Method::GET, "https://api.example/items", &[]);
    let same = parts(Method::GET, "https://app.example/items", &[]);
    let resps = responses();
    for profile in Profile::ALL {
        for (name, credentials, r) in &resps {
            for (target, p, mode) in [
                ("cors", &cross, Mode::Cors),
                ("basic", &same, Mode::Cors),
                ("opaque", &cross, Mode::NoCors),
            ] {
                let req = Request::from_parts(p, &page)
                    .expect("request")
                    .with_credentials(*credentials)
                    .with_mode(mode);
                let exposure = check_response(&req, r, &profile)
                    .unwrap_or_else(|e| panic!("{name} {target}: passes ({e})"));
                let n = allocations_in(|| {
                    check_response(black_box(&req), black_box(r), black_box(&profile))
                });
                assert_eq!(
                    n, 0,
                    "{:?} {name} {target}: check_response allocated",
                    profile.engine
                );
                let n = allocations_in(|| exposure.readable_names().count());
                assert_eq!(
                    n, 0,
                    "{:?} {name} {target}: readable_names allocated",
                    profile.engine
                );
                let n = allocations_in(|| exposure.readable_headers().count());
                assert_eq!(
                    n, 0,
                    "{:?} {name} {target}: readable_headers allocated",
                    profile.engine
                );
            }
        }
    }
}

/// The counter itself works: a `Vec` with capacity is one allocation.
#[test]
fn the_counter_counts() {
    let n = allocations_in(|| Vec::<u8>::with_capacity(black_box(16)));
    assert_eq!(n, 1);
}
