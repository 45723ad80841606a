//! `fetch_cors::lint::lint_exchanges` over exchanges built with `arbitrary::Unstructured`:
//! request origins and methods, responses that reflect the origin, allow `*` or `null`,
//! list several origins, allow credentials, vary or not; up to 3,000 exchanges (each may be
//! repeated, with a fresh origin, to reach the reflected-origin and de-duplication paths) and
//! long header lists. The oracle: no panic, and each finding kind reported at most once.
#![no_main]

use std::collections::HashSet;

use fetch_cors::lint::lint_exchanges;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const ORIGINS: &[&str] = &[
    "https://app.example",
    "https://evil.example",
    "null",
    "http://app.example",
    "https://a.app.example",
];
const URLS: &[&str] = &[
    "https://api.example/me",
    "https://api.example/other",
    "http://127.0.0.1/x",
];
const METHODS: &[&str] = &["GET", "OPTIONS", "PUT", "POST", "DELETE"];
const ALLOW_ORIGIN: &[&str] = &[
    "*",
    "null",
    "https://app.example",
    "https://app.example, https://b.example",
    "https://app.example/",
    "",
];
const RESPONSE_HEADERS: &[(&str, &str)] = &[
    ("access-control-allow-credentials", "true"),
    ("access-control-allow-credentials", "True"),
    ("access-control-allow-methods", "*"),
    ("access-control-allow-methods", "PUT, DELETE"),
    ("access-control-allow-headers", "*"),
    ("access-control-allow-headers", "authorization"),
    ("access-control-expose-headers", "*"),
    ("access-control-expose-headers", "set-cookie"),
    ("access-control-max-age", "99999999"),
    ("access-control-max-age", "-1"),
    ("vary", "Origin"),
    ("vary", "*"),
    ("vary", "accept"),
    ("cache-control", "public, max-age=600"),
];

fn exchange(
    u: &mut Unstructured<'_>,
    fresh: Option<usize>,
) -> Result<(http::Request<()>, http::Response<()>)> {
    let origin = match fresh {
        Some(i) => format!("https://o{i}.example"),
        None => (*u.choose(ORIGINS)?).to_owned(),
    };
    let method = *u.choose(METHODS)?;
    let mut req = http::Request::builder()
        .method(method)
        .uri(*u.choose(URLS)?);
    if u.ratio(7, 8)? {
        req = req.header("origin", origin.as_str());
    }
    if method == "OPTIONS" && u.arbitrary()? {
        req = req.header("access-control-request-method", "PUT");
    }
    let mut resp = http::Response::builder().status(*u.choose(&[200u16, 204, 302, 403, 500])?);
    match u.int_in_range(0..=3)? {
        0 => {}
        1 => resp = resp.header("access-control-allow-origin", origin.as_str()),
        _ => resp = resp.header("access-control-allow-origin", *u.choose(ALLOW_ORIGIN)?),
    }
    for _ in 0..u.int_in_range(0..=4)? {
        let (n, v) = *u.choose(RESPONSE_HEADERS)?;
        resp = resp.header(n, v);
    }
    // A long list, but not in every copy of a repeated exchange (the harness would spend its
    // time building strings).
    if fresh.is_none() && u.ratio(1, 16)? {
        let n = u.int_in_range(0..=3000)?;
        let list: Vec<String> = (0..n).map(|i| format!("x-l-{i}")).collect();
        resp = resp.header("access-control-expose-headers", list.join(", "));
    }
    let (Ok(req), Ok(resp)) = (req.body(()), resp.body(())) else {
        return Err(libfuzzer_sys::arbitrary::Error::IncorrectFormat);
    };
    Ok((req, resp))
}

fn build(u: &mut Unstructured<'_>) -> Result<Vec<(http::Request<()>, http::Response<()>)>> {
    let mut out = Vec::new();
    for _ in 0..u.int_in_range(0..=16)? {
        if u.ratio(1, 8)? {
            // One shape of exchange, many times, each with an origin of its own.
            let n = u.int_in_range(0..=3000)?;
            let snapshot = u.bytes(u.len().min(64))?;
            for i in 0..n {
                let mut again = Unstructured::new(snapshot);
                if let Ok(e) = exchange(&mut again, Some(i)) {
                    out.push(e);
                }
            }
        } else if let Ok(e) = exchange(u, None) {
            out.push(e);
        }
    }
    Ok(out)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(exchanges) = build(&mut u) else {
        return;
    };
    let findings = lint_exchanges(&exchanges);
    let mut kinds = HashSet::new();
    for f in &findings {
        assert!(kinds.insert(f.kind), "{:?} reported twice", f.kind);
    }
});
