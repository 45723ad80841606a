//! Exposure through `Access-Control-Expose-Headers`, via `check_response`, for every profile
//! and credentials mode.
//!
//! Input: byte 0 picks the credentials mode and whether the request is same-origin; the rest
//! is split at `0x01` into the Expose-Headers part (split at `0x00` into entries) and a part
//! whose `0x00`-separated pieces become the names of other response headers.
//!
//! Oracle: `Set-Cookie` and `Set-Cookie2` are never readable; a CORS response exposes only
//! CORS-safelisted names, names listed in Expose-Headers (case-insensitively), everything for
//! `*` without credentials, and with credentials under `*` only what the profile's
//! `exposed_by_star_with_credentials` names (WebKit: `accept`); every safelisted name present
//! is readable; a basic response shows everything but the forbidden names.
#![no_main]

use std::borrow::Cow;

use fetch_cors::header::CORS_SAFELISTED_RESPONSE_HEADER_NAMES;
use fetch_cors::{
    CredentialsMode, Origin, Profile, Request, ResponseHead, ResponseType, check_response,
};
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use libfuzzer_sys::fuzz_target;
use url::Url;

fn forbidden(n: &str) -> bool {
    n == "set-cookie" || n == "set-cookie2"
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let include = pick & 1 == 1;
    let same_origin = pick & 2 == 2;
    let (aceh, names) = match rest.iter().position(|&b| b == 1) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("https://app.example"),
    );
    headers.insert(
        ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    for entry in aceh.split(|&b| b == 0) {
        if let Ok(v) = HeaderValue::from_bytes(entry) {
            headers.append(ACCESS_CONTROL_EXPOSE_HEADERS, v);
        }
    }
    for n in names.split(|&b| b == 0) {
        if let Ok(n) = HeaderName::from_bytes(n) {
            headers.append(n, HeaderValue::from_static("1"));
        }
    }
    for n in [
        "set-cookie",
        "set-cookie2",
        "content-type",
        "accept",
        "x-total",
    ] {
        headers.append(n, HeaderValue::from_static("v"));
    }
    let listed: Vec<Vec<u8>> = headers
        .get_all(ACCESS_CONTROL_EXPOSE_HEADERS)
        .iter()
        .flat_map(|v| v.as_bytes().split(|&b| b == b','))
        .map(|e| {
            let s = e
                .iter()
                .position(|&b| b != b' ' && b != b'\t')
                .unwrap_or(e.len());
            let t = e
                .iter()
                .rposition(|&b| b != b' ' && b != b'\t')
                .map_or(s, |i| i + 1);
            e[s..t].to_vec()
        })
        .filter(|e| !e.is_empty())
        .collect();
    let star = listed.iter().any(|e| e == b"*");

    let page = Origin::parse("https://app.example").expect("origin");
    let url = Url::parse(if same_origin {
        "https://app.example/x"
    } else {
        "https://api.example/x"
    })
    .expect("url");
    let empty = HeaderMap::new();
    let credentials = if include {
        CredentialsMode::Include
    } else {
        CredentialsMode::Omit
    };
    let req = Request::new(&Method::GET, Cow::Borrowed(&url), &empty, &page)
        .expect("request")
        .with_credentials(credentials);
    let head = ResponseHead::new(StatusCode::OK, &headers);
    for profile in Profile::ALL {
        let exposure = check_response(&req, head, &profile).expect("the CORS check passes");
        let readable: Vec<&str> = exposure.readable_names().map(HeaderName::as_str).collect();
        for n in &readable {
            assert!(!forbidden(n), "{n}");
        }
        for (n, _) in exposure.readable_headers() {
            assert!(!forbidden(n.as_str()));
        }
        match exposure.response_type() {
            ResponseType::Cors => {
                for n in &readable {
                    let ok = CORS_SAFELISTED_RESPONSE_HEADER_NAMES.contains(n)
                        || profile.extra_safelisted_response_headers.contains(n)
                        || listed.iter().any(|e| e.eq_ignore_ascii_case(n.as_bytes()))
                        || (star && !include)
                        || (star
                            && include
                            && profile.exposed_by_star_with_credentials.contains(n));
                    assert!(ok, "{:?}: {n} readable", profile.engine);
                }
                for n in headers.keys() {
                    if CORS_SAFELISTED_RESPONSE_HEADER_NAMES.contains(&n.as_str()) {
                        assert!(exposure.is_readable(n));
                    }
                }
            }
            ResponseType::Basic => {
                assert!(same_origin);
                for n in headers.keys() {
                    assert_eq!(exposure.is_readable(n), !forbidden(n.as_str()));
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    }
});
