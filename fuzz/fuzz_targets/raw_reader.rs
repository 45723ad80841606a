//! The raw-response reader of `cors-explain`: `raw::parse_blocks` and `raw::curl_notes` on
//! `curl -i` style text, `RawRequest::new` and `RawRequest::header`, then `raw::explain`.
//! Byte 0 picks the mode: even, the rest is the text as is (seeds in `corpus/raw_reader/`);
//! odd, the rest drives `arbitrary::Unstructured` to build response blocks with up to 30,000
//! header lines (distinct names or one name repeated), long list values and up to 3,000
//! `--header` flags, so small inputs reach `MAX_HEADER_LINES` and the header-map limit. The
//! oracle is "no panic": every input is either parsed or an `InputError`.
#![no_main]

use cors_explain::raw::{RawRequest, curl_notes, explain, parse_blocks};
use fetch_cors::{Origin, Profile};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const STATUS_LINES: &[&str] = &[
    "HTTP/2 204",
    "HTTP/1.1 200 OK",
    "HTTP/1.1 302 Found",
    "HTTP/2 404",
    "HTTP/1.0 500",
    "HTTP/1.1 100 Continue",
    "HTTP/9 x",
    "",
];
const LINES: &[&str] = &[
    "access-control-allow-origin: https://app.example",
    "access-control-allow-origin: *",
    "Access-Control-Allow-Origin: null",
    "access-control-allow-credentials: true",
    "access-control-allow-methods: PUT, DELETE",
    "access-control-allow-headers: content-type, x-custom",
    "access-control-expose-headers: *",
    "access-control-max-age: 600",
    "location: https://api.example/y",
    "location: /relative",
    "content-type: application/json",
    "vary: Origin",
    " folded continuation",
    "no colon here",
    "x-nul: a\u{0}b",
    "set-cookie: a=1",
];
const ORIGINS: &[&str] = &[
    "https://app.example",
    "null",
    "http://127.0.0.1:8080",
    "bad",
];
const METHODS: &[&str] = &["GET", "PUT", "POST", "OPTIONS", "DELETE", "bad method"];
const URLS: &[&str] = &[
    "https://api.example/x",
    "https://u:p@api.example/x",
    "http://127.0.0.1:8081/",
    "data:,x",
    "relative",
];
const REQUEST_HEADERS: &[&str] = &[
    "Content-Type: application/json",
    "X-Custom: 1",
    "Authorization: Bearer t",
    "Range: bytes=0-",
    "no colon",
    "Bad Name: x",
];

fn block(u: &mut Unstructured<'_>, out: &mut String) -> Result<()> {
    out.push_str(u.choose(STATUS_LINES)?);
    out.push_str("\r\n");
    if u.ratio(1, 8)? {
        let n = u.int_in_range(0..=30_000)?;
        let distinct = u.arbitrary::<bool>()?;
        for i in 0..n {
            if distinct {
                out.push_str(&format!("x-h-{i}: 1\r\n"));
            } else {
                out.push_str("x-same: 1\r\n");
            }
        }
    }
    for _ in 0..u.int_in_range(0..=8)? {
        if u.ratio(1, 10)? {
            let n = u.int_in_range(0..=3000)?;
            let list: Vec<String> = (0..n).map(|i| format!("x-l-{i}")).collect();
            out.push_str("access-control-expose-headers: ");
            out.push_str(&list.join(", "));
        } else {
            out.push_str(u.choose(LINES)?);
        }
        out.push_str(if u.ratio(1, 8)? { "\n" } else { "\r\n" });
    }
    out.push_str("\r\n");
    Ok(())
}

fn blocks(u: &mut Unstructured<'_>) -> Result<String> {
    let mut out = String::new();
    for _ in 0..u.int_in_range(0..=3)? {
        block(u, &mut out)?;
    }
    Ok(out)
}

fn request(u: &mut Unstructured<'_>) -> Result<Option<RawRequest>> {
    let Ok(mut request) = RawRequest::new(u.choose(ORIGINS)?, u.choose(METHODS)?, u.choose(URLS)?)
    else {
        return Ok(None);
    };
    let n = if u.ratio(1, 10)? {
        u.int_in_range(0..=3000)?
    } else {
        u.int_in_range(0..=4)?
    };
    let distinct = u.arbitrary::<bool>()?;
    for i in 0..n {
        let line = if distinct {
            format!("X-F-{i}: 1")
        } else {
            (*u.choose(REQUEST_HEADERS)?).to_owned()
        };
        if request.header(&line).is_err() {
            break;
        }
    }
    Ok(Some(request))
}

fn check(preflight_text: &str, response_text: &str, u: &mut Unstructured<'_>) {
    if let Ok(origin) = Origin::parse("https://app.example") {
        let _ = curl_notes(response_text, &origin);
    }
    let (Ok(preflights), Ok(responses)) =
        (parse_blocks(preflight_text), parse_blocks(response_text))
    else {
        return;
    };
    if let Ok(Some(request)) = request(u) {
        let profile = *u.choose(&Profile::ALL).unwrap_or(&Profile::SPEC);
        let _ = explain(&request, &preflights, &responses, &profile);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let Ok(text) = std::str::from_utf8(rest) else {
            return;
        };
        // A form feed splits the preflight blocks from the response blocks.
        let (preflight, response) = text.split_once('\u{c}').unwrap_or(("", text));
        let mut u = Unstructured::new(&data[..1]);
        check(preflight, response, &mut u);
    } else {
        let mut u = Unstructured::new(rest);
        let (Ok(preflight), Ok(response)) = (blocks(&mut u), blocks(&mut u)) else {
            return;
        };
        check(&preflight, &response, &mut u);
    }
});
