//! Feeds arbitrary bytes to every header-value parser. The oracle is "no panic", plus a few
//! cheap consistency checks between parsers that must agree.
#![no_main]

use std::borrow::Cow;

use fetch_cors::Profile;
use fetch_cors::header::{
    cors_unsafe_request_header_names, extract_header_list_values, get, get_decode_split,
    is_cors_safelisted_request_header, is_forbidden_request_header, max_age, parse_mime_type,
    parse_single_range_header_value, split_value,
};
use http::header::{
    ACCEPT, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_MAX_AGE, CONTENT_TYPE, RANGE,
};
use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;

/// Names whose values the safelist parses.
static NAMES: [HeaderName; 6] = [
    ACCEPT,
    CONTENT_TYPE,
    RANGE,
    HeaderName::from_static("accept-language"),
    HeaderName::from_static("dpr"),
    HeaderName::from_static("x-http-method-override"),
];

fuzz_target!(|data: &[u8]| {
    // Raw-byte parsers take the whole input.
    let _ = split_value(data).count();
    if let Some(mime) = parse_mime_type(data) {
        assert_eq!(parse_mime_type(&mime.to_bytes()).as_ref(), Some(&mime));
    }
    for allow_whitespace in [false, true] {
        if let Some((Some(start), Some(end))) =
            parse_single_range_header_value(data, allow_whitespace)
        {
            assert!(start <= end);
        }
    }

    // Header-map parsers: split the input at 0x00 into entries of one name. The first byte
    // repeats them (up to 64 times), so a small input builds long maps and lists.
    let (repeat, rest) = match data.split_first() {
        Some((&r, rest)) if r >= 0xc0 => (usize::from(r - 0xbf), rest),
        _ => (1, data),
    };
    let once: Vec<HeaderValue> = rest
        .split(|&b| b == 0)
        .filter_map(|v| HeaderValue::from_bytes(v).ok())
        .collect();
    let entries: Vec<HeaderValue> = once
        .iter()
        .cycle()
        .take(once.len() * repeat)
        .cloned()
        .collect();
    let mut headers = HeaderMap::new();
    for (i, value) in entries.iter().enumerate() {
        headers.append(ACCESS_CONTROL_MAX_AGE, value.clone());
        headers.append(ACCESS_CONTROL_ALLOW_METHODS, value.clone());
        if let Some(name) = NAMES.get(i % NAMES.len()) {
            headers.append(name.clone(), value.clone());
        }
    }
    for profile in Profile::ALL {
        let _ = max_age(&headers, &profile.max_age);
        let _ = cors_unsafe_request_header_names(&headers, &profile.safelist);
        for value in &entries {
            for name in &NAMES {
                let _ =
                    is_cors_safelisted_request_header(name, value.as_bytes(), &profile.safelist);
            }
        }
    }
    for name in &NAMES {
        for value in &entries {
            let _ = is_forbidden_request_header(name, value.as_bytes());
        }
    }
    if let Ok(Some(list)) = extract_header_list_values(&headers, &ACCESS_CONTROL_ALLOW_METHODS) {
        for element in list {
            assert!(!element.is_empty());
        }
    }
    // Splitting entries one by one equals splitting their joined value.
    if let (Some(items), Some(combined)) = (
        get_decode_split(&headers, &ACCESS_CONTROL_MAX_AGE),
        get(&headers, &ACCESS_CONTROL_MAX_AGE),
    ) {
        let joined = combined.to_vec();
        assert!(combined.eq_bytes(&joined));
        assert!(
            items
                .map(Cow::into_owned)
                .eq(split_value(&joined).map(<[u8]>::to_vec))
        );
    }
});
