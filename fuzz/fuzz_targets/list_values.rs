//! Extract header list values (`#token` lists: Allow-Methods, Allow-Headers, Expose-Headers)
//! over arbitrary entries. The input is split at `0x00` into entries of one header.
//!
//! Oracle: no panic; on success every element is a non-empty token found again by both
//! searches, the iterator and a plain comma split of the entries agree, and the searches
//! answer the same as a scan of the collected elements; on failure the reported element is
//! one of the entries' comma-separated parts and is not a token.
#![no_main]

use fetch_cors::header::extract_header_list_values;
use http::header::ACCESS_CONTROL_ALLOW_HEADERS as ACAH;
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn trim(e: &[u8]) -> &[u8] {
    let start = e
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(e.len());
    let end = e
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |i| i + 1);
    &e[start..end]
}

fuzz_target!(|data: &[u8]| {
    let mut headers = HeaderMap::new();
    for entry in data.split(|&b| b == 0) {
        if let Ok(v) = HeaderValue::from_bytes(entry) {
            headers.append(ACAH, v);
        }
    }
    let parts: Vec<&[u8]> = headers
        .get_all(ACAH)
        .iter()
        .flat_map(|v| v.as_bytes().split(|&b| b == b','))
        .map(trim)
        .filter(|e| !e.is_empty())
        .collect();
    match extract_header_list_values(&headers, &ACAH) {
        Ok(None) => assert!(headers.is_empty()),
        Ok(Some(list)) => {
            let elements: Vec<&[u8]> = list.clone().collect();
            assert_eq!(elements, parts);
            assert_eq!(list.is_empty(), elements.is_empty());
            for e in &elements {
                assert!(!e.is_empty() && e.iter().all(|&b| is_tchar(b)));
                assert!(list.contains_exact(e));
                assert!(list.contains_ignore_ascii_case(&e.to_ascii_uppercase()));
            }
            // Searches for things that are not there say so.
            for probe in [&b"*"[..], b"x-absent-name", b"GET", b""] {
                assert_eq!(list.contains_exact(probe), elements.contains(&probe));
                assert_eq!(
                    list.contains_ignore_ascii_case(probe),
                    elements.iter().any(|e| e.eq_ignore_ascii_case(probe))
                );
            }
            // Searching a partly read list looks only at what is left.
            let mut rest = list.clone();
            if rest.next().is_some() {
                let left: Vec<&[u8]> = rest.clone().collect();
                for e in &elements {
                    assert_eq!(rest.contains_exact(e), left.contains(e));
                }
            }
        }
        Err(e) => {
            assert!(parts.contains(&e.element()));
            assert!(!e.element().iter().all(|&b| is_tchar(b)));
        }
    }
});
