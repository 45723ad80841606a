//! Raw input: a request described by flags, and responses as raw HTTP header blocks.
//!
//! [`parse_blocks`] reads what `curl -i`, `curl -I -X OPTIONS` or `curl -i -L` print: a status
//! line (`HTTP/1.1 200 OK`, `HTTP/2 200`), header lines, a blank line, then either the body or
//! (with `-L`) the next response's block. CRLF or LF, a trailing body, `1xx` interim responses
//! and the `< ` prefix of `curl -v` are all accepted. Each block is one hop.
//!
//! ```
//! use cors_explain::raw::parse_blocks;
//!
//! let text = "HTTP/1.1 302 Found\r\nLocation: /b\r\n\r\nHTTP/2 200\r\ncontent-type: text/plain\r\n\r\nhello";
//! let blocks = parse_blocks(text).unwrap();
//! assert_eq!(blocks.len(), 2);
//! assert_eq!(blocks[0].status, 302);
//! assert_eq!(blocks[1].header("Content-Type"), Some("text/plain"));
//! ```

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use url::Url;

use crate::core::{Api, CredentialsMode, Mode, Origin, OutgoingKind, Profile};
use crate::{
    Capture, Input, InputError, MAX_HEADER_LINES, PageFetch, Recorded, RecordedRequest,
    RecordedResponse, Report, Status,
};

/// Parses a status line, returning the status code.
fn status_line(line: &str) -> Option<u16> {
    let rest = line.strip_prefix("HTTP/")?;
    let (version, rest) = rest.split_once(' ')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let code = rest.trim_start().get(..3)?;
    let tail = rest.trim_start().get(3..).unwrap_or("");
    if !code.bytes().all(|b| b.is_ascii_digit()) || !(tail.is_empty() || tail.starts_with(' ')) {
        return None;
    }
    code.parse().ok()
}

/// Parses one or more raw response header blocks (see the module docs). Interim `1xx`
/// blocks are dropped. Fails, with the line number, when the text does not start with a
/// status line or a header line has no colon.
pub fn parse_blocks(text: &str) -> Result<Vec<RecordedResponse>, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if is_verbose_transcript(text) {
        // `curl -v`: only the `< ` lines are the response; `*` (connection), `>` (request)
        // and `{ [n bytes data]` lines, and any body, are dropped. Line numbers stay those
        // of the file.
        let kept: String = text
            .split('\n')
            .map(|line| {
                let bare = line.strip_suffix('\r').unwrap_or(line);
                if bare == "<" || bare.starts_with("< ") {
                    bare
                } else {
                    ""
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        return parse_lines(&kept);
    }
    parse_lines(text)
}

/// Whether `text` is a `curl -v` transcript (its response lines start with `< `).
fn is_verbose_transcript(text: &str) -> bool {
    text.split('\n').any(|l| l.starts_with("< HTTP/"))
        && text
            .split('\n')
            .any(|l| l.starts_with("* ") || l.starts_with("> "))
}

/// Remarks on how `curl` sent the requests in a `curl -v` transcript: a request without an
/// `Origin` header gets no CORS answer from many servers.
pub fn curl_notes(text: &str, origin: &Origin) -> Vec<String> {
    if !is_verbose_transcript(text) {
        return Vec::new();
    }
    let mut notes = Vec::new();
    let mut request: Option<&str> = None;
    let mut has_origin = false;
    let mut check = |request: Option<&str>, has_origin: bool| {
        if let Some(line) = request.filter(|_| !has_origin) {
            notes.push(format!(
                "curl sent '{line}' without an Origin header, so the server may have left its CORS headers out; send it again with -H 'Origin: {}'",
                origin.serialize()
            ));
        }
    };
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let Some(sent) = line.strip_prefix("> ") else {
            continue;
        };
        if sent.contains(" HTTP/") && !sent.contains(':') {
            check(request, has_origin);
            request = Some(sent);
            has_origin = false;
        } else if sent
            .split_once(':')
            .is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case("origin"))
        {
            has_origin = true;
        }
    }
    check(request, has_origin);
    notes
}

fn parse_lines(text: &str) -> Result<Vec<RecordedResponse>, InputError> {
    let mut blocks: Vec<RecordedResponse> = Vec::new();
    let mut current: Option<RecordedResponse> = None;
    let mut in_body = false;
    for (index, raw_line) in text.split('\n').enumerate() {
        let lineno = index + 1;
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        // `curl -v` prefixes response lines with "< ".
        let line = if line == "<" {
            ""
        } else {
            line.strip_prefix("< ").unwrap_or(line)
        };
        if in_body {
            // After a blank line: the next block (curl -L), or the body.
            if let Some(status) = status_line(line) {
                in_body = false;
                current = Some(RecordedResponse {
                    status,
                    headers: Vec::new(),
                });
            }
            continue;
        }
        match current.as_mut() {
            None => {
                if line.trim().is_empty() {
                    continue;
                }
                match status_line(line) {
                    Some(status) => {
                        current = Some(RecordedResponse {
                            status,
                            headers: Vec::new(),
                        });
                    }
                    None => {
                        return Err(InputError::at_line(
                            lineno,
                            format!(
                                "expected a status line such as 'HTTP/1.1 200 OK' or 'HTTP/2 204', found '{}'",
                                shorten(line)
                            ),
                        ));
                    }
                }
            }
            Some(block) => {
                if line.trim().is_empty() {
                    if let Some(done) = current.take() {
                        if !(100..200).contains(&done.status) {
                            blocks.push(done);
                        }
                    }
                    in_body = true;
                    continue;
                }
                if line.starts_with([' ', '\t']) {
                    // Obsolete line folding: continues the previous value.
                    match block.headers.last_mut() {
                        Some((_, value)) => {
                            value.push(' ');
                            value.push_str(line.trim());
                        }
                        None => {
                            return Err(InputError::at_line(
                                lineno,
                                "a continuation line before any header",
                            ));
                        }
                    }
                    continue;
                }
                let Some((name, value)) = line.split_once(':') else {
                    return Err(InputError::at_line(
                        lineno,
                        format!(
                            "expected a header line 'Name: value', found '{}'",
                            shorten(line)
                        ),
                    ));
                };
                if name.is_empty() || HeaderName::from_bytes(name.as_bytes()).is_err() {
                    return Err(InputError::at_line(
                        lineno,
                        format!("'{}' is not a valid header name", shorten(name)),
                    ));
                }
                if block.headers.len() >= MAX_HEADER_LINES {
                    return Err(InputError::at_line(
                        lineno,
                        format!(
                            "the response has more than {MAX_HEADER_LINES} header lines, the most cors-explain reads"
                        ),
                    ));
                }
                block
                    .headers
                    .push((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()));
            }
        }
    }
    // A block cut off without its blank line (curl -I output ends so when saved by hand).
    if let Some(done) = current.take() {
        if !(100..200).contains(&done.status) {
            blocks.push(done);
        }
    }
    if blocks.is_empty() {
        return Err(InputError::new(
            "no HTTP response found (expected a status line such as 'HTTP/1.1 200 OK')",
        ));
    }
    Ok(blocks)
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push_str("...");
    }
    out
}

/// A request described by `cors-explain raw` flags.
#[derive(Clone, Debug)]
pub struct RawRequest {
    /// The page's origin.
    pub origin: Origin,
    /// The method.
    pub method: Method,
    /// The URL.
    pub url: Url,
    /// The headers the page sets.
    pub headers: HeaderMap,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// Whether the credentials mode was given (`--credentials`) rather than the default.
    pub credentials_given: bool,
    /// The mode.
    pub mode: Mode,
    /// `fetch()` or XHR (only changes console wording).
    pub api: Api,
    /// Remarks on the request, passed on to the report (see [`curl_notes`]).
    pub notes: Vec<String>,
}

impl RawRequest {
    /// A `fetch(url, { method })` from a page at `origin` with the defaults.
    pub fn new(origin: &str, method: &str, url: &str) -> Result<RawRequest, InputError> {
        let origin = Origin::parse(origin).map_err(|e| {
            InputError::new(format!(
                "--origin '{origin}' is not an origin such as https://app.example: {e}"
            ))
        })?;
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|_| InputError::new(format!("--method '{method}' is not a method name")))?;
        let url = Url::parse(url)
            .map_err(|e| InputError::new(format!("--url '{url}' is not an absolute URL: {e}")))?;
        if let Some(why) = crate::replay::url_with_credentials(&url) {
            return Err(InputError::new(format!("--url: {why}")));
        }
        Ok(RawRequest {
            origin,
            method,
            url,
            headers: HeaderMap::new(),
            credentials: CredentialsMode::SameOrigin,
            credentials_given: false,
            mode: Mode::Cors,
            api: Api::Fetch,
            notes: Vec::new(),
        })
    }

    /// Adds a header given as `Name: value`.
    pub fn header(&mut self, line: &str) -> Result<(), InputError> {
        let (name, value) = line.split_once(':').ok_or_else(|| {
            InputError::new(format!(
                "--header '{line}' is not of the form 'Name: value'"
            ))
        })?;
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| InputError::new(format!("--header '{line}': invalid header name")))?;
        let value = HeaderValue::from_str(value.trim())
            .map_err(|_| InputError::new(format!("--header '{line}': invalid header value")))?;
        if self.headers.len() >= MAX_HEADER_LINES {
            return Err(InputError::new(format!(
                "more than {MAX_HEADER_LINES} --header flags: cors-explain reads at most {MAX_HEADER_LINES} request headers"
            )));
        }
        self.headers
            .try_append(name, value)
            .map_err(|_| InputError::new("too many --header flags for one request"))?;
        Ok(())
    }
}

fn recorded_request(method: &Method, url: &Url, headers: &HeaderMap) -> RecordedRequest {
    RecordedRequest {
        method: method.as_str().to_owned(),
        url: url.to_string(),
        headers: headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
    }
}

/// [`capture`] then [`explain`](crate::explain), and, when `--credentials` was not given
/// and a response allows credentials (`Access-Control-Allow-Credentials: true`), the same
/// request with credentials too: the page may well send them, so a block there is reported
/// beside the verdict without them ([`FetchReport::with_credentials`](crate::FetchReport)).
pub fn explain(
    request: &RawRequest,
    preflights: &[RecordedResponse],
    responses: &[RecordedResponse],
    profile: &Profile,
) -> Report {
    let mut report = crate::explain(&capture(request, preflights, responses), profile);
    let allows_credentials = preflights.iter().chain(responses).any(|r| {
        r.header("access-control-allow-credentials")
            .is_some_and(|v| v.trim() == "true")
    });
    if request.credentials_given
        || request.credentials == CredentialsMode::Include
        || request.mode != Mode::Cors
        || !allows_credentials
    {
        return report;
    }
    let mut with = request.clone();
    with.credentials = CredentialsMode::Include;
    with.credentials_given = true;
    let other = crate::explain(&capture(&with, preflights, responses), profile);
    if let (Some(f), Some(o)) = (report.fetches.first_mut(), other.fetches.into_iter().next()) {
        if o.outcome.status == Status::Blocked {
            f.with_credentials = o.failure;
        }
    }
    report
}

/// The capture for a raw request: the response blocks are the hops, in order (each
/// redirect's `Location` gives the next hop's URL), and the preflight blocks answer the
/// preflights of hop 0, 1, ... (the last one is reused for later hops).
pub fn capture(
    request: &RawRequest,
    preflights: &[RecordedResponse],
    responses: &[RecordedResponse],
) -> Capture {
    let mut exchanges = Vec::new();
    let mut notes = request.notes.clone();
    let any_cors = preflights
        .iter()
        .chain(responses)
        .any(|r| r.header("access-control-allow-origin").is_some());
    if !any_cors && !responses.is_empty() {
        notes.push(format!(
            "no response given has Access-Control-Allow-Origin; if it was saved with curl, check that curl sent -H 'Origin: {}': curl sends no Origin of its own, and many servers add CORS headers only to a request that has one",
            request.origin.serialize()
        ));
    }
    let mut url = request.url.clone();
    let hops = responses.len().max(1);
    for hop in 0..hops {
        if let Some(pre) = preflights.get(hop).or(preflights.last()) {
            exchanges.push(Recorded {
                kind: OutgoingKind::Preflight,
                request: recorded_request(&Method::OPTIONS, &url, &HeaderMap::new()),
                response: Some(pre.clone()),
                entry: None,
                browser_error: None,
            });
        }
        let response = responses.get(hop);
        exchanges.push(Recorded {
            kind: OutgoingKind::Request,
            request: recorded_request(&request.method, &url, &request.headers),
            response: response.cloned(),
            entry: None,
            browser_error: None,
        });
        let Some(location) = response
            .filter(|r| (300..400).contains(&r.status))
            .and_then(|r| r.header("location"))
        else {
            if hop + 1 < responses.len() {
                notes.push(format!(
                    "response block {} is not a redirect with a Location, so the {} block(s) after it are not used",
                    hop + 1,
                    responses.len() - hop - 1
                ));
            }
            break;
        };
        match url.join(location) {
            Ok(next) => url = next,
            Err(_) => break,
        }
    }
    let fetch = PageFetch {
        origin: request.origin.clone(),
        method: request.method.clone(),
        url: request.url.clone(),
        headers: request.headers.clone(),
        mode: request.mode,
        credentials: request.credentials,
        credentials_source: if request.credentials_given {
            "flag"
        } else {
            "default"
        },
        api: request.api,
        element: None,
        time_ms: Some(0),
        exchanges,
        assume_missing_preflights_passed: false,
        notes,
        input: Input::Raw,
    };
    Capture {
        origin: request.origin.clone(),
        origin_source: "--origin".to_owned(),
        browser: None,
        browser_source: None,
        fetches: vec![fetch],
        skipped: Vec::new(),
        unread: 0,
        notes: Vec::new(),
        input: Input::Raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_i_with_body() {
        let b = parse_blocks(
            "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Type: application/json\r\n\r\n{\"a\": 1}\r\nHTTP/1.1 is in the body\n",
        )
        .unwrap();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].status, 200);
        assert_eq!(b[0].header("access-control-allow-origin"), Some("*"));
    }

    #[test]
    fn http2_lf_and_no_trailing_blank_line() {
        let b =
            parse_blocks("HTTP/2 204\nvary: origin\naccess-control-allow-methods: PUT").unwrap();
        assert_eq!(b[0].status, 204);
        assert_eq!(b[0].headers.len(), 2);
    }

    #[test]
    fn redirects_and_interim_blocks() {
        let text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 301 Moved Permanently\r\nLocation: https://b.example/x\r\n\r\nHTTP/2 200\r\nx: 1\r\n\r\nbody";
        let b = parse_blocks(text).unwrap();
        assert_eq!(b.iter().map(|b| b.status).collect::<Vec<_>>(), [301, 200]);
    }

    #[test]
    fn verbose_prefix_and_folding() {
        let b = parse_blocks("< HTTP/1.1 200 OK\n< X-Long: a\n<  b\n<\n").unwrap();
        assert_eq!(b[0].header("x-long"), Some("a b"));
    }

    #[test]
    fn errors_have_lines() {
        let e = parse_blocks("\nhello\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("status line"), "{e}");
        let e = parse_blocks("HTTP/1.1 200 OK\nno colon here\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = parse_blocks("").unwrap_err();
        assert!(e.message.contains("no HTTP response"));
        let e = parse_blocks("HTTP/1.1 2000 OK\n").unwrap_err();
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn capture_follows_locations() {
        let req = RawRequest::new("https://app.example", "GET", "https://a.example/start").unwrap();
        let responses =
            parse_blocks("HTTP/1.1 302 Found\nLocation: /next\n\nHTTP/1.1 200 OK\n\n").unwrap();
        let cap = capture(&req, &[], &responses);
        let urls: Vec<&str> = cap.fetches[0]
            .exchanges
            .iter()
            .map(|e| e.request.url.as_str())
            .collect();
        assert_eq!(urls, ["https://a.example/start", "https://a.example/next"]);
    }

    #[test]
    fn bad_flags() {
        assert!(RawRequest::new("app.example", "GET", "https://a.example/").is_err());
        assert!(RawRequest::new("https://app.example", "G ET", "https://a.example/").is_err());
        assert!(RawRequest::new("https://app.example", "GET", "/relative").is_err());
        let mut r = RawRequest::new("https://app.example", "GET", "https://a.example/").unwrap();
        assert!(r.header("X-A: 1").is_ok());
        assert!(r.header("no colon").is_err());
    }
}
