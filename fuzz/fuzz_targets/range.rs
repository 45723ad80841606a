//! The single-range `Range` parser on arbitrary bytes, with and without whitespace, and the
//! request safelist's `Range` rule in every profile.
//!
//! Oracle: no panic; a range has at least one bound and start ≤ end; a parsed range
//! serializes back to a value that parses to the same range; accepting whitespace only ever
//! accepts more; the safelist accepts `Range` only for a range with a start.
#![no_main]

use fetch_cors::Profile;
use fetch_cors::header::{is_cors_safelisted_request_header, parse_single_range_header_value};
use http::header::RANGE;
use libfuzzer_sys::fuzz_target;

fn serialize(start: Option<u64>, end: Option<u64>) -> Vec<u8> {
    let s = start.map(|s| s.to_string()).unwrap_or_default();
    let e = end.map(|e| e.to_string()).unwrap_or_default();
    format!("bytes={s}-{e}").into_bytes()
}

fuzz_target!(|data: &[u8]| {
    let strict = parse_single_range_header_value(data, false);
    let loose = parse_single_range_header_value(data, true);
    if strict.is_some() {
        assert_eq!(strict, loose, "whitespace only ever accepts more");
    }
    for range in [strict, loose].into_iter().flatten() {
        match range {
            (None, None) => panic!("a range without bounds"),
            (Some(s), Some(e)) => assert!(s <= e),
            _ => {}
        }
        let again = parse_single_range_header_value(&serialize(range.0, range.1), false);
        assert_eq!(again, Some(range));
    }
    for profile in Profile::ALL {
        if is_cors_safelisted_request_header(&RANGE, data, &profile.safelist) {
            assert!(data.len() <= 128);
            // With the profile's case rule for `bytes`: the spec's is case-sensitive.
            if !profile.safelist.range_value_case_insensitive {
                assert!(matches!(strict, Some((Some(_), _))));
            }
        }
    }
});
