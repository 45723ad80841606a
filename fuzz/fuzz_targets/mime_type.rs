//! The MIME type parser on arbitrary bytes, and `Content-Type` safelisting built on it.
//!
//! Oracle: no panic; a parsed type re-parses from its serialization to the same record
//! (serialization is idempotent); type, subtype and parameter names are lowercase tokens and
//! parameter names are unique; the request safelist's `Content-Type` verdict (which uses a
//! non-allocating essence check) agrees with parsing; extracting from entries never panics.
#![no_main]

use fetch_cors::Profile;
use fetch_cors::header::{extract_mime_type, is_cors_safelisted_request_header, parse_mime_type};
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

/// CORS-unsafe request-header bytes.
fn unsafe_byte(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b"\"():<>?@[\\]{}\x7f".contains(&b)
}

fuzz_target!(|data: &[u8]| {
    let parsed = parse_mime_type(data);
    if let Some(mime) = &parsed {
        let bytes = mime.to_bytes();
        let again = parse_mime_type(&bytes).expect("a serialization parses");
        assert_eq!(&again, mime);
        assert_eq!(again.to_bytes(), bytes);
        for s in [&mime.type_, &mime.subtype] {
            assert!(!s.is_empty());
            assert_eq!(s, &s.to_ascii_lowercase());
        }
        let mut names: Vec<&str> = mime.parameters.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "parameter names are unique");
    }
    let essence_ok = parsed.as_ref().is_some_and(|m| {
        matches!(
            m.essence().as_str(),
            "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
        )
    });
    let expected = data.len() <= 128 && !data.iter().any(|&b| unsafe_byte(b)) && essence_ok;
    assert_eq!(
        is_cors_safelisted_request_header(&CONTENT_TYPE, data, &Profile::SPEC.safelist),
        expected
    );

    let mut headers = HeaderMap::new();
    for entry in data.split(|&b| b == 0) {
        if let Ok(v) = HeaderValue::from_bytes(entry) {
            headers.append(CONTENT_TYPE, v);
        }
    }
    if let Some(mime) = extract_mime_type(&headers) {
        assert_ne!(mime.essence(), "*/*");
    }
});
