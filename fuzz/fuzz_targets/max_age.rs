//! `Access-Control-Max-Age` under every profile, over arbitrary entries (the input split at
//! `0x00`).
//!
//! Oracle: no panic; the result never exceeds the profile's cap; only a Firefox-style parser
//! says "do not cache"; an absent header gives the capped default; a single entry of plain
//! digits gives that number (saturated, then capped) in every profile but Chromium and
//! WebKit, whose parsers reject numbers past `i64::MAX`.
#![no_main]

use fetch_cors::header::max_age;
use fetch_cors::profile::MaxAgeParse;
use fetch_cors::{MaxAge, Profile};
use http::header::ACCESS_CONTROL_MAX_AGE;
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut headers = HeaderMap::new();
    for entry in data.split(|&b| b == 0) {
        if let Ok(v) = HeaderValue::from_bytes(entry) {
            headers.append(ACCESS_CONTROL_MAX_AGE, v);
        }
    }
    let values: Vec<&[u8]> = headers
        .get_all(ACCESS_CONTROL_MAX_AGE)
        .iter()
        .map(HeaderValue::as_bytes)
        .collect();
    for profile in Profile::ALL {
        let rules = &profile.max_age;
        let cap = rules.cap.unwrap_or(u64::MAX);
        let got = max_age(&headers, rules);
        match got {
            MaxAge::Seconds(s) => assert!(s <= cap),
            MaxAge::DoNotCache => assert_eq!(rules.parse, MaxAgeParse::Firefox),
        }
        if values.is_empty() {
            assert_eq!(got, MaxAge::Seconds(rules.default.min(cap)));
        }
        if let [one] = values.as_slice() {
            if !one.is_empty() && one.iter().all(u8::is_ascii_digit) {
                let n = one.iter().fold(0u64, |n, &d| {
                    n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
                });
                let fits_i64 = n <= i64::MAX as u64;
                match rules.parse {
                    MaxAgeParse::Spec => assert_eq!(got, MaxAge::Seconds(n.min(cap))),
                    MaxAgeParse::Firefox if n == 0 => assert_eq!(got, MaxAge::DoNotCache),
                    MaxAgeParse::Firefox => assert_eq!(got, MaxAge::Seconds(n.min(cap))),
                    _ if fits_i64 => assert_eq!(got, MaxAge::Seconds(n.min(cap))),
                    _ => assert_eq!(got, MaxAge::Seconds(rules.default.min(cap))),
                }
            }
        }
    }
});
