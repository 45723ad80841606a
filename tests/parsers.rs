//! No header parser panics, whatever bytes it is given.
//!
//! Values are built with `HeaderValue::from_bytes`, which rejects control bytes other than tab
//! (and DEL); inputs it rejects are skipped, since no `HeaderMap` can hold them. Functions that
//! take plain byte slices get the raw bytes, rejected ones included.

use std::borrow::Cow;

use fetch_cors::Profile;
use fetch_cors::header::mime::parse_mime_type;
use fetch_cors::header::range::parse_single_range_header_value;
use fetch_cors::header::safelist::{
    cors_unsafe_request_header_names, is_cors_safelisted_request_header,
    is_forbidden_request_header, is_no_cors_safelisted_request_header,
};
use fetch_cors::header::values::{
    extract_header_list_values, get, get_decode_split, max_age, split_value,
};
use http::header::{ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_MAX_AGE};
use http::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;

/// Bytes biased towards the ones the parsers care about.
fn interesting_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => prop::sample::select(b"\"\\,;=/- \t0123456789bytesBYTEStext/plain".to_vec()),
        1 => any::<u8>(),
    ];
    prop::collection::vec(byte, 0..160)
}

/// A few header entries, all under `name`.
fn entries() -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(interesting_bytes(), 0..5)
}

fn map_with(name: &HeaderName, values: &[Vec<u8>]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for value in values {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(name.clone(), value);
        }
    }
    headers
}

/// Names that the safelist treats specially, plus arbitrary ones.
fn header_name() -> impl Strategy<Value = HeaderName> {
    prop_oneof![
        prop::sample::select(vec![
            "accept",
            "accept-language",
            "content-language",
            "content-type",
            "range",
            "dpr",
            "ect",
            "save-data",
            "intervention",
            "x-http-method-override",
            "cookie",
            "sec-a",
            "x-a",
        ])
        .prop_map(HeaderName::from_static),
        "[a-z0-9_-]{1,12}".prop_map(|s| HeaderName::from_bytes(s.as_bytes()).unwrap()),
    ]
}

fn header_map() -> impl Strategy<Value = HeaderMap> {
    prop::collection::vec((header_name(), interesting_bytes()), 0..24).prop_map(|pairs| {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            if let Ok(value) = HeaderValue::from_bytes(&value) {
                headers.append(name, value);
            }
        }
        headers
    })
}

const SAFELISTED: [&str; 3] = [
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn split_does_not_panic_and_matches_joined(values in entries()) {
        let name = HeaderName::from_static("a");
        let headers = map_with(&name, &values);
        match get_decode_split(&headers, &name) {
            None => prop_assert!(get(&headers, &name).is_none()),
            Some(items) => {
                let items: Vec<Vec<u8>> = items.map(Cow::into_owned).collect();
                // Splitting the entries equals splitting the joined value.
                let joined = get(&headers, &name).unwrap().to_vec();
                let expected: Vec<Vec<u8>> = split_value(&joined).map(<[u8]>::to_vec).collect();
                prop_assert_eq!(items, expected);
            }
        }
    }

    #[test]
    fn split_value_does_not_panic(value in interesting_bytes()) {
        let count = split_value(&value).count();
        prop_assert!(count >= 1);
        let commas = value.iter().filter(|&&b| b == b',').count();
        prop_assert!(count <= commas + 1);
    }

    #[test]
    fn combined_view_agrees_with_joined(values in entries()) {
        let name = HeaderName::from_static("a");
        let headers = map_with(&name, &values);
        if let Some(combined) = get(&headers, &name) {
            let joined = combined.to_vec();
            prop_assert_eq!(combined.len(), joined.len());
            prop_assert!(combined.eq_bytes(&joined));
            prop_assert_eq!(combined.bytes().collect::<Vec<u8>>(), joined);
            prop_assert_eq!(combined.lines(), combined.values().count());
        }
    }

    #[test]
    fn extract_header_list_values_does_not_panic(values in entries()) {
        let headers = map_with(&ACCESS_CONTROL_ALLOW_HEADERS, &values);
        match extract_header_list_values(&headers, &ACCESS_CONTROL_ALLOW_HEADERS) {
            Ok(None) => prop_assert!(headers.is_empty()),
            Ok(Some(list)) => {
                for element in list.clone() {
                    prop_assert!(!element.is_empty());
                    prop_assert!(list.contains_exact(element));
                    prop_assert!(list.contains_ignore_ascii_case(element));
                }
                let _ = list.is_empty();
            }
            Err(error) => {
                prop_assert!(!error.element().is_empty());
                let _ = error.to_string();
            }
        }
    }

    #[test]
    fn max_age_does_not_panic(values in entries()) {
        let headers = map_with(&ACCESS_CONTROL_MAX_AGE, &values);
        for profile in Profile::ALL {
            let _ = max_age(&headers, &profile.max_age);
        }
    }

    #[test]
    fn max_age_digits_agree_across_profiles(n in 1u64..=600) {
        let mut headers = HeaderMap::new();
        headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_str(&n.to_string()).unwrap());
        for profile in Profile::ALL {
            prop_assert_eq!(
                max_age(&headers, &profile.max_age),
                fetch_cors::header::values::MaxAge::Seconds(n)
            );
        }
    }

    #[test]
    fn parse_mime_type_does_not_panic(input in interesting_bytes()) {
        if let Some(mime) = parse_mime_type(&input) {
            // The serialization parses back to the same record.
            let again = parse_mime_type(&mime.to_bytes());
            prop_assert_eq!(again.as_ref(), Some(&mime));
        }
    }

    #[test]
    fn content_type_essence_check_agrees_with_parse(input in interesting_bytes()) {
        // Safelisting goes through the allocation-free essence check; it must agree with the
        // full parser on every value that has no CORS-unsafe byte.
        let no_unsafe_byte = !input.iter().any(|&b| {
            (b < 0x20 && b != b'\t') || b"\"():<>?@[\\]{}\x7f".contains(&b)
        });
        let by_parse = no_unsafe_byte
            && input.len() <= 128
            && parse_mime_type(&input).is_some_and(|m| SAFELISTED.contains(&m.essence().as_str()));
        let by_safelist = is_cors_safelisted_request_header(
            &http::header::CONTENT_TYPE,
            &input,
            &Profile::SPEC.safelist,
        );
        prop_assert_eq!(by_safelist, by_parse);
    }

    #[test]
    fn essence_agreement_on_mime_shaped_input(
        type_ in "[ \t]{0,2}(text|TEXT|multipart|application|x y|)",
        subtype in "(plain|Plain|form-data|x-www-form-urlencoded|json|)[ \t]{0,2}",
        rest in "(;[ a-z=\"\\\\]{0,8}){0,2}[ \t\r\n]{0,2}",
    ) {
        let input = format!("{type_}/{subtype}{rest}");
        let by_parse = parse_mime_type(input.as_bytes())
            .is_some_and(|m| SAFELISTED.contains(&m.essence().as_str()));
        let no_unsafe_byte = !input.bytes().any(|b| {
            (b < 0x20 && b != b'\t') || b"\"():<>?@[\\]{}\x7f".contains(&b)
        });
        let by_safelist = is_cors_safelisted_request_header(
            &http::header::CONTENT_TYPE,
            input.as_bytes(),
            &Profile::SPEC.safelist,
        );
        prop_assert_eq!(by_safelist, no_unsafe_byte && by_parse);
    }

    #[test]
    fn range_parser_does_not_panic(value in interesting_bytes(), ws in any::<bool>()) {
        if let Some((start, end)) = parse_single_range_header_value(&value, ws) {
            prop_assert!(start.is_some() || end.is_some());
            if let (Some(s), Some(e)) = (start, end) {
                prop_assert!(s <= e);
            }
        }
    }

    #[test]
    fn safelist_predicates_do_not_panic(name in header_name(), value in interesting_bytes()) {
        for profile in Profile::ALL {
            let _ = is_cors_safelisted_request_header(&name, &value, &profile.safelist);
        }
        let _ = is_forbidden_request_header(&name, &value);
        let _ = is_no_cors_safelisted_request_header(&name, &value);
    }

    #[test]
    fn unsafe_names_are_sorted_unique_and_complete(headers in header_map()) {
        for profile in Profile::ALL {
            let names = cors_unsafe_request_header_names(&headers, &profile.safelist);
            for pair in names.windows(2) {
                // Strictly increasing when de-duplicated; otherwise only sorted.
                if profile.safelist.deduplicate_unsafe_names {
                    prop_assert!(pair[0].as_str().as_bytes() < pair[1].as_str().as_bytes());
                } else {
                    prop_assert!(pair[0].as_str().as_bytes() <= pair[1].as_str().as_bytes());
                }
            }
            for (name, value) in &headers {
                if !is_cors_safelisted_request_header(name, value.as_bytes(), &profile.safelist)
                    && !profile.safelist.combine_repeated
                {
                    prop_assert!(names.contains(&name));
                }
            }
        }
    }
}
