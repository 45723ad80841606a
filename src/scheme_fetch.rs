//! Scheme fetch: the URLs a user agent answers itself. Only `data:` matters to CORS (a
//! `data:` URL is never cross-origin: main fetch gives it a basic response).
//!
//! <https://fetch.spec.whatwg.org/#scheme-fetch>

use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue};
use url::Url;

use crate::error::CorsError;
use crate::header::mime::parse_mime_type;

/// Scheme fetch of a `data:` URL: the header list of its basic response, whose only header
/// is the URL's MIME type.
///
/// <https://fetch.spec.whatwg.org/#data-url-processor> steps 1-11, without decoding the body
/// (the crate never sees bodies).
pub(crate) fn data_url_headers(url: &Url) -> Result<HeaderMap, CorsError> {
    // Steps 2-4: everything after "data:" up to the first comma, fragment excluded.
    let mut input = url.as_str();
    if let Some(hash) = input.find('#') {
        input = &input[..hash];
    }
    let input = input.strip_prefix("data:").unwrap_or(input);
    let Some((mime, _)) = input.split_once(',') else {
        return Err(CorsError::InvalidRequest {
            reason: "a data: URL needs a comma".into(),
        });
    };
    // Steps 6-9: strip whitespace and a ";base64" suffix.
    let mut mime = mime
        .trim_matches(|c: char| c.is_ascii_whitespace())
        .to_owned();
    let lower = mime.to_ascii_lowercase();
    if let Some(cut) = lower
        .rfind(';')
        .filter(|&i| lower[i + 1..].trim_start_matches(' ') == "base64")
    {
        mime.truncate(cut);
        mime.truncate(mime.trim_end_matches(' ').len());
    }
    // Steps 10-11.
    if mime.starts_with(';') {
        mime.insert_str(0, "text/plain");
    }
    let value = parse_mime_type(mime.as_bytes())
        .map(|m| m.to_bytes())
        .unwrap_or_else(|| b"text/plain;charset=US-ASCII".to_vec());
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_bytes(&value) {
        headers.insert(CONTENT_TYPE, v);
    }
    Ok(headers)
}
