//! `cors-explain probe`: a live check of a server, in any language, against browser semantics.
//!
//! The probe states the intent (which origins may read, with or without credentials, which
//! methods and headers), then lets the library's deterministic audit
//! ([`fetch_cors::policy::audit`]) play every adversarial origin and probe request against the
//! real server under all four profiles. Each request the simulated browsers send goes over the
//! wire through a [`Transport`]; identical requests (the profiles often send the same bytes)
//! go out once. What comes back is judged exactly as for an in-process server: leaks (who can
//! read, with or without the user's cookies) and intended access that is blocked, most severe
//! first, each with its fix.
//!
//! It is for servers you own or test: it sends at most [`ProbeOptions::max_requests`]
//! requests, [`ProbeOptions::delay`] apart, and refuses to start when the audit could need
//! more.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;
use std::time::Duration;

use fetch_cors::policy::{
    CorsPolicy, OriginRule, Violation, adversarial_origins, audit, probe_requests,
};
use fetch_cors::{Origin, Profile};
use http::{HeaderName, Method};
use serde::Serialize;

/// What to probe and what the server means to allow.
#[derive(Clone, Debug)]
pub struct ProbeOptions {
    /// The URL to probe (`http://` or `https://`).
    pub url: String,
    /// The origins meant to read it.
    pub allow: Vec<Origin>,
    /// Whether those origins are meant to read with credentials (cookies).
    pub credentials: bool,
    /// Methods beyond `GET`, `HEAD` and `POST` the allowed origins use (preflighted).
    pub methods: Vec<Method>,
    /// Request headers the allowed origins send that need a preflight.
    pub headers: Vec<HeaderName>,
    /// Response headers the allowed origins are meant to read (`Access-Control-Expose-Headers`).
    pub expose: Vec<HeaderName>,
    /// The most requests sent to the server.
    pub max_requests: usize,
    /// The pause between two requests.
    pub delay: Duration,
}

impl ProbeOptions {
    /// The default bound on requests.
    pub const MAX_REQUESTS: usize = 2_000;
    /// The default pause between requests.
    pub const DELAY: Duration = Duration::from_millis(5);

    /// The intent as a policy.
    pub fn policy(&self) -> CorsPolicy {
        let mut policy = CorsPolicy::new().allow_credentials(self.credentials);
        for o in &self.allow {
            policy = policy.allow_origin(OriginRule::from(o.clone()));
        }
        if !self.methods.is_empty() {
            policy = policy.allow_methods(self.methods.iter().cloned());
        }
        if !self.headers.is_empty() {
            policy = policy.allow_headers(self.headers.iter().cloned());
        }
        if !self.expose.is_empty() {
            policy = policy.expose_headers(self.expose.iter().cloned());
        }
        policy
    }

    /// The most requests the audit can need: every adversarial origin makes every probe
    /// request, each with its preflight and the 20 redirects a fetch may follow at most
    /// counted as one hop (a server that redirects is reported, not chased).
    pub fn requests_needed(&self) -> usize {
        let policy = self.policy();
        let origins = adversarial_origins(&policy, &[]).len();
        let requests = probe_requests(&policy, &[self.url.as_str()]).len();
        origins * requests * 2
    }
}

/// Sends one request and returns the response head. The probe's only contact with the network.
pub trait Transport {
    /// Sends `request` (no body) and returns the response head, or why nothing came back.
    fn send(&mut self, request: &http::Request<()>) -> Result<http::Response<()>, String>;
}

/// Why the probe did not run to the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeError {
    /// The options cannot be probed (a bad URL, no allowed origin, too many requests needed).
    Usage(String),
    /// The server could not be reached, or stopped answering.
    Network(String),
}

impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProbeError::Usage(m) | ProbeError::Network(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ProbeError {}

/// One finding: a property of the intent that the server's answers break.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `critical`, `high`, `medium`, `low` or `info`.
    pub severity: String,
    /// The bug class, in words.
    pub class: String,
    /// The bug class's short code (`any-origin`, `prefix`, `missing-vary`, ...).
    pub code: &'static str,
    /// The property broken, in words.
    pub property: String,
    /// Whether the request carried the user's cookies.
    pub credentialed: bool,
    /// The page origin that showed it.
    pub origin: String,
    /// The page's request, as a `fetch()` call.
    pub request: String,
    /// The engine whose profile showed it.
    pub profile: Option<&'static str>,
    /// What went wrong.
    pub message: String,
    /// What to change on the server.
    pub fix: String,
    /// The requests sent and the answers, one line each.
    pub exchanges: Vec<String>,
}

impl From<&Violation> for Finding {
    fn from(v: &Violation) -> Finding {
        Finding {
            severity: v.severity.to_string(),
            class: v.class.to_string(),
            code: v.class.code(),
            property: v.property.to_string(),
            credentialed: v.credentialed,
            origin: v.origin.clone(),
            request: v.request.clone(),
            profile: v.profile.map(|e| e.name()),
            message: v.message.clone(),
            fix: v.fix.clone(),
            exchanges: v.exchanges.to_vec(),
        }
    }
}

/// What the probe found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProbeReport {
    /// The URL probed.
    pub url: String,
    /// The origins meant to read it.
    pub allowed: Vec<String>,
    /// Whether they are meant to read with credentials.
    pub credentials: bool,
    /// Requests that went over the wire.
    pub requests_sent: usize,
    /// Every broken property, most severe first.
    pub findings: Vec<Finding>,
}

/// The wire, behind the simulated browsers: identical requests go out once, at most
/// `max_requests` in all, `delay` apart; the first transport failure is kept.
struct Wire<'t, T: Transport> {
    transport: &'t mut T,
    seen: HashMap<String, http::Response<()>>,
    sent: usize,
    max: usize,
    delay: Duration,
    failure: Option<String>,
}

impl<T: Transport> Wire<'_, T> {
    fn respond(&mut self, request: &http::Request<()>) -> http::Response<()> {
        let key = request_key(request);
        if let Some(r) = self.seen.get(&key) {
            return clone_head(r);
        }
        if self.failure.is_some() || self.sent >= self.max {
            self.failure
                .get_or_insert_with(|| format!("stopped at --max-requests {}", self.max));
            return refused();
        }
        if self.sent > 0 && !self.delay.is_zero() {
            std::thread::sleep(self.delay);
        }
        self.sent += 1;
        match self.transport.send(request) {
            Ok(r) => {
                let head = clone_head(&r);
                self.seen.insert(key, r);
                head
            }
            Err(e) => {
                self.failure = Some(format!("{} {}: {e}", request.method(), request.uri()));
                refused()
            }
        }
    }
}

/// Method, URL and headers in order: what makes two requests the same on the wire.
fn request_key(request: &http::Request<()>) -> String {
    let mut key = format!("{} {}", request.method(), request.uri());
    for (n, v) in request.headers() {
        let _ = write!(key, "\n{n}: {}", String::from_utf8_lossy(v.as_bytes()));
    }
    key
}

fn clone_head(r: &http::Response<()>) -> http::Response<()> {
    let mut out = http::Response::new(());
    *out.status_mut() = r.status();
    *out.headers_mut() = r.headers().clone();
    out
}

/// The answer the simulated browser gets once the wire has failed; the findings are then
/// discarded, so it only has to end the fetch.
fn refused() -> http::Response<()> {
    let mut r = http::Response::new(());
    *r.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
    r
}

/// Probes `options.url` through `transport`. See the module docs.
pub fn probe(
    options: &ProbeOptions,
    transport: &mut impl Transport,
) -> Result<ProbeReport, ProbeError> {
    let url = url::Url::parse(&options.url)
        .map_err(|e| ProbeError::Usage(format!("'{}' is not a URL: {e}", options.url)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ProbeError::Usage(format!(
            "'{}' is not an http:// or https:// URL",
            options.url
        )));
    }
    if options.allow.is_empty() {
        return Err(ProbeError::Usage(
            "name at least one origin meant to read it: --allow https://app.example".to_owned(),
        ));
    }
    let needed = options.requests_needed();
    if needed > options.max_requests {
        return Err(ProbeError::Usage(format!(
            "this probe may need up to {needed} requests, more than --max-requests {}; raise it if the server is yours",
            options.max_requests
        )));
    }
    let wire = Rc::new(RefCell::new(Wire {
        transport,
        seen: HashMap::new(),
        sent: 0,
        max: options.max_requests,
        delay: options.delay,
        failure: None,
    }));
    let found = {
        let make = || {
            let wire = Rc::clone(&wire);
            move |req: &http::Request<()>| wire.borrow_mut().respond(req)
        };
        audit(
            make,
            &options.policy(),
            &[],
            &[options.url.as_str()],
            &Profile::ALL,
        )
    };
    let wire = wire.borrow();
    if let Some(f) = &wire.failure {
        return Err(ProbeError::Network(format!(
            "the probe stopped after {} request(s): {f}",
            wire.sent
        )));
    }
    Ok(ProbeReport {
        url: options.url.clone(),
        allowed: options
            .allow
            .iter()
            .map(|o| o.serialize().to_owned())
            .collect(),
        credentials: options.credentials,
        requests_sent: wire.sent,
        findings: found.iter().map(Finding::from).collect(),
    })
}

impl ProbeReport {
    /// The report as text; `color` adds ANSI colours.
    pub fn render(&self, color: bool) -> String {
        let paint = |code: &str, t: &str| {
            if color {
                format!("\x1b[{code}m{t}\x1b[0m")
            } else {
                t.to_owned()
            }
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Probed {} for {}{} ({} request(s) sent, judged as Chromium, Firefox, WebKit and the standard)",
            self.url,
            self.allowed.join(", "),
            if self.credentials {
                " with credentials"
            } else {
                ""
            },
            self.requests_sent
        );
        if self.findings.is_empty() {
            let _ = writeln!(
                out,
                "{} the allowed origins read as intended and no other origin reads anything",
                paint("32;1", "OK")
            );
            return out;
        }
        let _ = writeln!(
            out,
            "{} finding(s), most severe first:",
            self.findings.len()
        );
        for f in &self.findings {
            let cookies = if f.credentialed {
                ", with the user's cookies"
            } else {
                ""
            };
            let code = match f.severity.as_str() {
                "critical" | "high" => "31;1",
                "medium" => "33;1",
                _ => "1",
            };
            let _ = writeln!(
                out,
                "\n{} {}{cookies}",
                paint(code, &format!("[{}]", f.severity)),
                f.class
            );
            let _ = writeln!(out, "   broken    {}: {}", f.property, f.message);
            let _ = writeln!(out, "   origin    {}", f.origin);
            let _ = writeln!(out, "   request   {}", f.request);
            if let Some(p) = f.profile {
                let _ = writeln!(out, "   seen in   {p}");
            }
            let _ = writeln!(out, "   fix       {}", paint("32", &f.fix));
            for (i, line) in f.exchanges.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "   {}  {line}",
                    if i == 0 { "wire    " } else { "        " }
                );
            }
        }
        out
    }
}

/// A [`Transport`] over real sockets: HTTP/1.1 over TCP, `http://` only, one connection per
/// request (`Connection: close`), reading the response head and no body.
#[derive(Clone, Debug)]
pub struct TcpTransport {
    /// How long to wait to connect and for each read.
    pub timeout: Duration,
}

impl Default for TcpTransport {
    fn default() -> Self {
        TcpTransport {
            timeout: Duration::from_secs(10),
        }
    }
}

impl Transport for TcpTransport {
    fn send(&mut self, request: &http::Request<()>) -> Result<http::Response<()>, String> {
        use std::io::{Read, Write};
        use std::net::{TcpStream, ToSocketAddrs};

        let uri = request.uri();
        if uri.scheme_str() != Some("http") {
            return Err(format!(
                "{uri}: the probe speaks plain http:// only; probe the server's http:// address (its local port, or behind the TLS proxy)"
            ));
        }
        let host = uri.host().ok_or_else(|| format!("{uri}: no host"))?;
        let port = uri.port_u16().unwrap_or(80);
        let addr = (host.trim_start_matches('[').trim_end_matches(']'), port)
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {host}: {e}"))?
            .next()
            .ok_or_else(|| format!("cannot resolve {host}"))?;
        let mut stream = TcpStream::connect_timeout(&addr, self.timeout)
            .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
        stream
            .set_read_timeout(Some(self.timeout))
            .and_then(|()| stream.set_write_timeout(Some(self.timeout)))
            .map_err(|e| e.to_string())?;
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let authority = uri.authority().map_or(host, |a| a.as_str());
        let mut head = format!(
            "{} {path} HTTP/1.1\r\nHost: {authority}\r\n",
            request.method()
        );
        for (n, v) in request.headers() {
            let _ = write!(head, "{n}: {}\r\n", String::from_utf8_lossy(v.as_bytes()));
        }
        head.push_str("Connection: close\r\n\r\n");
        stream
            .write_all(head.as_bytes())
            .map_err(|e| format!("cannot send to {addr}: {e}"))?;
        // Read up to the end of the head (or 64 KiB, whichever comes first).
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            if buf.len() > 64 << 10 {
                return Err(format!("{uri}: a response head over 64 KiB"));
            }
            match stream.read(&mut chunk) {
                Ok(0) => {
                    return Err(format!(
                        "{uri}: the connection closed before the response head ended"
                    ));
                }
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(e) => return Err(format!("{uri}: {e}")),
            }
        };
        parse_head(&buf[..end]).map_err(|e| format!("{uri}: {e}"))
    }
}

/// Parses `HTTP/1.1 200 OK` and the header lines after it.
fn parse_head(head: &[u8]) -> Result<http::Response<()>, String> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .and_then(|s| http::StatusCode::from_u16(s).ok())
        .ok_or_else(|| format!("not an HTTP status line: {status_line:?}"))?;
    let mut response = http::Response::new(());
    *response.status_mut() = status;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("a header line without a colon: {line:?}"));
        };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.trim().as_bytes()),
            http::HeaderValue::from_str(value.trim()),
        ) else {
            continue;
        };
        if response.headers_mut().try_append(name, value).is_err() {
            return Err("more header names than a header map holds".to_owned());
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server in process: reflects any origin, with credentials (the worst bug).
    struct Reflect {
        calls: usize,
    }

    impl Transport for Reflect {
        fn send(&mut self, req: &http::Request<()>) -> Result<http::Response<()>, String> {
            self.calls += 1;
            let mut r = http::Response::builder().header("vary", "origin");
            if let Some(o) = req.headers().get("origin") {
                r = r
                    .header("access-control-allow-origin", o)
                    .header("access-control-allow-credentials", "true");
            }
            Ok(r.body(()).unwrap())
        }
    }

    fn options(url: &str) -> ProbeOptions {
        ProbeOptions {
            url: url.to_owned(),
            allow: vec![Origin::parse("https://app.example").unwrap()],
            credentials: true,
            methods: Vec::new(),
            headers: Vec::new(),
            expose: Vec::new(),
            max_requests: ProbeOptions::MAX_REQUESTS,
            delay: Duration::ZERO,
        }
    }

    #[test]
    fn a_reflecting_server_leaks_with_cookies_first() {
        let mut t = Reflect { calls: 0 };
        let report = probe(&options("http://api.example/me"), &mut t).unwrap();
        assert!(!report.findings.is_empty());
        assert_eq!(
            report.findings[0].severity,
            "critical",
            "{}",
            report.render(false)
        );
        assert!(report.findings[0].credentialed);
        // Identical requests went out once: fewer calls than the simulated exchanges.
        assert_eq!(report.requests_sent, t.calls);
        assert!(t.calls <= options("http://api.example/me").requests_needed());
        assert!(report.render(false).contains("fix"));
    }

    #[test]
    fn bounds_and_failures_are_errors() {
        let mut t = Reflect { calls: 0 };
        let mut o = options("http://api.example/me");
        o.max_requests = 3;
        assert!(
            matches!(probe(&o, &mut t), Err(ProbeError::Usage(m)) if m.contains("--max-requests"))
        );
        assert_eq!(t.calls, 0, "nothing is sent when the bound is too low");
        assert!(matches!(
            probe(&options("ftp://x/"), &mut t),
            Err(ProbeError::Usage(_))
        ));
        let mut none = options("http://api.example/me");
        none.allow.clear();
        assert!(matches!(probe(&none, &mut t), Err(ProbeError::Usage(_))));

        struct Down;
        impl Transport for Down {
            fn send(&mut self, _: &http::Request<()>) -> Result<http::Response<()>, String> {
                Err("connection refused".to_owned())
            }
        }
        let err = probe(&options("http://api.example/me"), &mut Down).unwrap_err();
        assert!(
            matches!(&err, ProbeError::Network(m) if m.contains("connection refused")),
            "{err}"
        );
    }

    #[test]
    fn heads_parse() {
        let r = parse_head(
            b"HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: *\r\nVary: Origin",
        )
        .unwrap();
        assert_eq!(r.status(), 204);
        assert_eq!(r.headers()["access-control-allow-origin"], "*");
        assert!(parse_head(b"garbage").is_err());
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nno colon").is_err());
    }
}
