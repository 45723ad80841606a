//! Synthetic HAR files for the scaling bench and `examples/synthetic_har.rs`: a Chromium
//! export of `n` preflighted `PUT`s to distinct URLs (an `OPTIONS` entry, then the request),
//! with the headers and timings a real export carries. Every tenth preflight lacks
//! `Access-Control-Allow-Methods`, so failures (and the fix check) are part of the load.

use std::fmt::Write as _;

/// The HAR text of `n` preflighted fetches.
pub(crate) fn har(n: usize) -> String {
    let mut out = String::with_capacity(n * 2600 + 512);
    out.push_str(
        r#"{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
"pages": [{"id": "page_1", "title": "https://app.example/index.html", "startedDateTime": "2024-01-01T00:00:00.000Z", "pageTimings": {}}],
"entries": ["#,
    );
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let ms = i * 3;
        let (s, m) = (ms / 1000, ms % 1000);
        let url = format!("https://api{}.example/items/{i}?page={}", i % 7, i % 13);
        let methods = if i % 10 == 9 {
            String::new()
        } else {
            r#"{"name": "access-control-allow-methods", "value": "GET, PUT, DELETE"}, "#.to_owned()
        };
        let _ = write!(
            out,
            r#"
{{"startedDateTime": "2024-01-01T{:02}:{:02}:{:02}.{m:03}Z", "time": 1.5, "pageref": "page_1", "_resourceType": "preflight", "_priority": "High",
"request": {{"method": "OPTIONS", "url": "{url}", "httpVersion": "http/2.0", "headers": [
{{"name": ":authority", "value": "api.example"}}, {{"name": "accept", "value": "*/*"}},
{{"name": "access-control-request-method", "value": "PUT"}},
{{"name": "access-control-request-headers", "value": "content-type,x-request-id"}},
{{"name": "origin", "value": "https://app.example"}}, {{"name": "sec-fetch-mode", "value": "cors"}},
{{"name": "user-agent", "value": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"}}],
"queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0}},
"response": {{"status": 204, "statusText": "", "httpVersion": "http/2.0", "headers": [
{{"name": "access-control-allow-origin", "value": "https://app.example"}}, {methods}
{{"name": "access-control-allow-headers", "value": "content-type, x-request-id"}},
{{"name": "access-control-max-age", "value": "600"}}, {{"name": "date", "value": "Mon, 01 Jan 2024 00:00:00 GMT"}},
{{"name": "vary", "value": "Origin"}}],
"cookies": [], "content": {{"size": 0, "mimeType": "x-unknown"}}, "redirectURL": "", "headersSize": -1, "bodySize": 0}},
"cache": {{}}, "timings": {{"blocked": 0.5, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 0.8, "receive": 0.1}}}},
{{"startedDateTime": "2024-01-01T{:02}:{:02}:{:02}.{:03}Z", "time": 2.5, "pageref": "page_1", "_resourceType": "fetch", "_priority": "High",
"request": {{"method": "PUT", "url": "{url}", "httpVersion": "http/2.0", "headers": [
{{"name": ":authority", "value": "api.example"}}, {{"name": "accept", "value": "application/json"}},
{{"name": "content-type", "value": "application/json"}}, {{"name": "x-request-id", "value": "req-{i}"}},
{{"name": "origin", "value": "https://app.example"}}, {{"name": "referer", "value": "https://app.example/"}},
{{"name": "sec-fetch-mode", "value": "cors"}}, {{"name": "sec-fetch-dest", "value": "empty"}},
{{"name": "user-agent", "value": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"}}],
"queryString": [], "cookies": [], "headersSize": -1, "bodySize": 17, "postData": {{"mimeType": "application/json", "text": "{{\"item\": {i}}}"}}}},
"response": {{"status": 200, "statusText": "", "httpVersion": "http/2.0", "headers": [
{{"name": "access-control-allow-origin", "value": "https://app.example"}},
{{"name": "access-control-expose-headers", "value": "x-total"}}, {{"name": "content-type", "value": "application/json"}},
{{"name": "x-total", "value": "{i}"}}, {{"name": "date", "value": "Mon, 01 Jan 2024 00:00:00 GMT"}}, {{"name": "vary", "value": "Origin"}}],
"cookies": [], "content": {{"size": 2, "mimeType": "application/json", "text": "{{}}"}}, "redirectURL": "", "headersSize": -1, "bodySize": 2}},
"cache": {{}}, "timings": {{"blocked": 0.5, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 1.8, "receive": 0.1}}}}"#,
            s / 3600,
            (s / 60) % 60,
            s % 60,
            s / 3600,
            (s / 60) % 60,
            s % 60,
            m + 1,
        );
    }
    out.push_str("]}}\n");
    out
}
