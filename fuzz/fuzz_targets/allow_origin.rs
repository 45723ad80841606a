//! The CORS check (`fetch_cors::cors_check`) with arbitrary `Access-Control-Allow-Origin` and
//! `-Allow-Credentials` bytes, for every profile, credentials mode and a few page origins.
//!
//! Input: byte 0 picks the page origin and the credentials mode; the rest is split at `0x01`
//! into the Allow-Origin part and the Allow-Credentials part, and each part at `0x00` into
//! header entries.
//!
//! Oracle: the check passes only if Allow-Origin (all entries joined with `, `) is the
//! request's serialized origin byte for byte, or `*` without credentials; with credentials
//! only if Allow-Credentials is exactly `true`; and the verdict is the same in every profile
//! (profiles only choose which error is reported).
#![no_main]

use std::borrow::Cow;

use fetch_cors::{CredentialsMode, Origin, Profile, Request, ResponseHead, Stage, cors_check};
use http::header::{ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use libfuzzer_sys::fuzz_target;
use url::Url;

const PAGES: [&str; 4] = [
    "https://app.example",
    "null",
    "http://app.example:8080",
    "https://xn--bcher-kva.example",
];

fn append(headers: &mut HeaderMap, name: &HeaderName, part: &[u8]) {
    for entry in part.split(|&b| b == 0) {
        if let Ok(v) = HeaderValue::from_bytes(entry) {
            headers.append(name.clone(), v);
        }
    }
}

fn joined(headers: &HeaderMap, name: &HeaderName) -> Option<Vec<u8>> {
    let v: Vec<&[u8]> = headers
        .get_all(name)
        .iter()
        .map(HeaderValue::as_bytes)
        .collect();
    (!v.is_empty()).then(|| v.join(&b", "[..]))
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let page = Origin::parse(PAGES[usize::from(pick) % PAGES.len()]).expect("origin");
    let credentials = match (pick >> 2) % 3 {
        0 => CredentialsMode::Omit,
        1 => CredentialsMode::SameOrigin,
        _ => CredentialsMode::Include,
    };
    let (acao, acac) = match rest.iter().position(|&b| b == 1) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let mut headers = HeaderMap::new();
    append(&mut headers, &ACCESS_CONTROL_ALLOW_ORIGIN, acao);
    append(&mut headers, &ACCESS_CONTROL_ALLOW_CREDENTIALS, acac);
    let url = Url::parse("https://api.example/data").expect("url");
    let empty = HeaderMap::new();
    let req = Request::new(&Method::GET, Cow::Borrowed(&url), &empty, &page)
        .expect("request")
        .with_credentials(credentials);
    let head = ResponseHead::new(StatusCode::OK, &headers);
    let include = credentials == CredentialsMode::Include;
    let origin = joined(&headers, &ACCESS_CONTROL_ALLOW_ORIGIN);
    let expected = match origin.as_deref() {
        None => false,
        Some(b"*") if !include => true,
        Some(o) if o == req.serialized_origin().as_bytes() => {
            !include
                || joined(&headers, &ACCESS_CONTROL_ALLOW_CREDENTIALS).as_deref() == Some(b"true")
        }
        Some(_) => false,
    };
    for profile in Profile::ALL {
        for stage in [Stage::Response, Stage::Preflight, Stage::Redirect] {
            let got = cors_check(&req, &head, stage, &profile);
            assert_eq!(got.is_ok(), expected, "{:?} {got:?}", profile.engine);
            if let Err(e) = got {
                // Every error renders and says who is at fault.
                let _ = (e.to_string(), e.blame());
            }
        }
    }
});
