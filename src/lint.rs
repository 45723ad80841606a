//! A lint for CORS configurations: known misconfigurations, with a severity and what a
//! browser does because of them.
//!
//! [`lint`] reads a declarative [`CorsPolicy`]; [`lint_exchanges`] reads what a server actually
//! answered (request and response heads, for example the `sent` exchanges of a
//! [`Simulation`](crate::simulate::Simulation), or pairs captured from a test client).
//!
//! ```
//! use fetch_cors::lint::{lint, FindingKind, Severity};
//! use fetch_cors::policy::{CorsPolicy, OriginRule};
//!
//! let policy = CorsPolicy::new()
//!     .allow_origin(OriginRule::Suffix("example.com".into()))
//!     .allow_credentials(true);
//! let findings = lint(&policy);
//! assert_eq!(findings[0].kind, FindingKind::UnanchoredPattern);
//! assert_eq!(findings[0].severity, Severity::Critical);
//! assert_eq!(findings[0].example.as_deref(), Some("https://evilexample.com"));
//! ```

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt;

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
};
use http::{HeaderMap, HeaderName, Method};
use url::Host;

use crate::origin::Origin;
use crate::policy::{BugClass, CorsPolicy, OriginRule, varies_on_origin};
use crate::profile::Profile;

pub use crate::policy::Severity;

/// The known misconfigurations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FindingKind {
    /// Any origin allowed with credentials: the server reflects `Origin`.
    AnyOriginWithCredentials,
    /// `null` trusted.
    NullOriginTrusted,
    /// A suffix, prefix or substring pattern that look-alike origins match.
    UnanchoredPattern,
    /// A subdomain pattern over a public suffix (`*.github.io`, `*.com`).
    PublicSuffixPattern,
    /// An `http:` origin trusted with credentials.
    InsecureOriginWithCredentials,
    /// `Access-Control-Allow-Origin` varies with the request but `Vary: Origin` is missing.
    MissingVaryOrigin,
    /// `Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials: true`.
    WildcardWithCredentials,
    /// `*` in `Access-Control-Allow-Methods`, `-Headers` or `Expose-Headers` of a credentialed
    /// response, where it is a literal name.
    WildcardListWithCredentials,
    /// A preflight carrying `Authorization` allowed only by `Access-Control-Allow-Headers: *`.
    AuthorizationViaWildcard,
    /// `Access-Control-Max-Age` above what browsers keep.
    MaxAgeAboveCap,
    /// A preflight answered with a status outside 200-299.
    PreflightNotOk,
    /// Several `Access-Control-Allow-Origin` values.
    MultipleAllowOrigin,
    /// An `Access-Control-Allow-Origin` value that can never match (a path, a trailing slash,
    /// upper case, a default port).
    InvalidAllowOrigin,
    /// An `Access-Control-Allow-Credentials` value other than `true`.
    InvalidAllowCredentials,
    /// The server reflects any origin: it allowed look-alikes of every shape (suffix, prefix
    /// and dot tricks, or two of them and `null`), which no single pattern admits. Two
    /// unrelated origins alone are not reported: a correct allow-list reflects those too.
    ReflectsUnrelatedOrigins,
    /// The server allowed an origin that is a look-alike of another origin it allowed
    /// (reported once, naming the kind of check that explains every look-alike seen).
    LookAlikeAllowed,
}

impl FindingKind {
    /// A stable kebab-case code.
    pub const fn code(self) -> &'static str {
        match self {
            FindingKind::AnyOriginWithCredentials => "any-origin-with-credentials",
            FindingKind::NullOriginTrusted => "null-origin-trusted",
            FindingKind::UnanchoredPattern => "unanchored-pattern",
            FindingKind::PublicSuffixPattern => "public-suffix-pattern",
            FindingKind::InsecureOriginWithCredentials => "insecure-origin-with-credentials",
            FindingKind::MissingVaryOrigin => "missing-vary-origin",
            FindingKind::WildcardWithCredentials => "wildcard-with-credentials",
            FindingKind::WildcardListWithCredentials => "wildcard-list-with-credentials",
            FindingKind::AuthorizationViaWildcard => "authorization-via-wildcard",
            FindingKind::MaxAgeAboveCap => "max-age-above-cap",
            FindingKind::PreflightNotOk => "preflight-not-ok",
            FindingKind::MultipleAllowOrigin => "multiple-allow-origin",
            FindingKind::InvalidAllowOrigin => "invalid-allow-origin",
            FindingKind::InvalidAllowCredentials => "invalid-allow-credentials",
            FindingKind::ReflectsUnrelatedOrigins => "reflects-unrelated-origins",
            FindingKind::LookAlikeAllowed => "look-alike-allowed",
        }
    }
}

/// One misconfiguration found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
    /// How bad.
    pub severity: Severity,
    /// What a browser does because of it.
    pub consequence: String,
    /// An origin or header value that shows it, when there is one.
    pub example: Option<String>,
    /// What to change on the server.
    pub fix: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {}: {}",
            self.severity,
            self.kind.code(),
            self.consequence
        )?;
        if let Some(e) = &self.example {
            write!(f, " (example: {e})")?;
        }
        write!(f, "; fix: {}", self.fix)
    }
}

fn finding(
    kind: FindingKind,
    severity: Severity,
    consequence: impl Into<String>,
    example: Option<String>,
) -> Finding {
    Finding {
        kind,
        severity,
        consequence: consequence.into(),
        example,
        fix: fix_for(kind).to_owned(),
    }
}

/// What to change on the server, per kind.
fn fix_for(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::AnyOriginWithCredentials | FindingKind::ReflectsUnrelatedOrigins => {
            "look the request's Origin up in an exact allow-list and send \
             Access-Control-Allow-Origin (and Allow-Credentials) only for listed origins"
        }
        FindingKind::NullOriginTrusted => "remove `null` from the allowed origins",
        FindingKind::UnanchoredPattern | FindingKind::LookAlikeAllowed => {
            "compare the whole serialized origin with each allowed one (or, for subdomains, \
             require the scheme, a host ending with `.` plus the domain, and the port); \
             escape dots in regular expressions and anchor them with `^` and `$`"
        }
        FindingKind::PublicSuffixPattern => {
            "list the sites by name: a pattern under a public suffix admits anyone's site"
        }
        FindingKind::InsecureOriginWithCredentials => {
            "allow only https:// origins to read with credentials"
        }
        FindingKind::MissingVaryOrigin => {
            "send Vary: Origin on every response whose CORS headers depend on Origin"
        }
        FindingKind::WildcardWithCredentials => {
            "send the requesting origin (from the allow-list) instead of `*` when credentials \
             are allowed, with Vary: Origin"
        }
        FindingKind::WildcardListWithCredentials => {
            "list the names (or mirror the request's) instead of `*` on credentialed responses"
        }
        FindingKind::AuthorizationViaWildcard => {
            "list authorization in Access-Control-Allow-Headers"
        }
        FindingKind::MaxAgeAboveCap => "send a max-age no browser cuts down (600 s or less)",
        FindingKind::PreflightNotOk => {
            "answer preflights (OPTIONS with Access-Control-Request-Method) with a 2xx status \
             before authentication or routing runs"
        }
        FindingKind::MultipleAllowOrigin => {
            "send exactly one Access-Control-Allow-Origin value: the requesting origin"
        }
        FindingKind::InvalidAllowOrigin => {
            "send the serialized origin exactly: no path or trailing slash, lowercase, no \
             default port"
        }
        FindingKind::InvalidAllowCredentials => {
            "send Access-Control-Allow-Credentials: true, exactly, or nothing"
        }
    }
}

/// The smallest preflight-cache cap among the engine profiles, and the engines that cut
/// `seconds` down.
fn max_age_caps(seconds: u64) -> Vec<(&'static str, u64)> {
    Profile::ALL
        .iter()
        .filter_map(|p| p.max_age.cap.map(|cap| (p.engine.name(), cap)))
        .filter(|(_, cap)| seconds > *cap)
        .collect()
}

fn max_age_finding(seconds: u64) -> Option<Finding> {
    let caps = max_age_caps(seconds);
    if caps.is_empty() {
        return None;
    }
    let cut: Vec<String> = caps
        .iter()
        .map(|(engine, cap)| format!("{engine} keeps {cap} s"))
        .collect();
    Some(finding(
        FindingKind::MaxAgeAboveCap,
        Severity::Info,
        format!(
            "Access-Control-Max-Age: {seconds} is cut down by browsers ({}); preflights repeat sooner than intended",
            cut.join(", ")
        ),
        Some(seconds.to_string()),
    ))
}

fn strip_scheme(s: &str) -> &str {
    s.split_once("://").map_or(s, |(_, rest)| rest)
}

/// An origin (as text) that the rule lets in although its author most likely meant to keep
/// it out, with how bad that is before credentials are considered.
fn unanchored_example(rule: &OriginRule) -> Option<(String, Severity)> {
    match rule {
        OriginRule::Suffix(s) => {
            if s.starts_with('.') {
                // `.example.com`: every subdomain, and every scheme.
                Some((format!("http://evil{s}"), Severity::Medium))
            } else if s.contains("://") {
                // Anchored at the scheme in practice; only odd origins end with it.
                None
            } else {
                Some((format!("https://evil{s}"), Severity::High))
            }
        }
        OriginRule::Prefix(s) => {
            let host = strip_scheme(s).trim_end_matches('/');
            let scheme = s.split_once("://").map_or("https", |(scheme, _)| scheme);
            Some((format!("{scheme}://{host}.evil.test"), Severity::High))
        }
        OriginRule::Substring(s) => {
            let host = strip_scheme(s).trim_end_matches('/');
            let host = host.trim_start_matches('.');
            Some((format!("https://{host}.evil.test"), Severity::High))
        }
        _ => None,
    }
}

fn escalate(severity: Severity, credentials: bool) -> Severity {
    if credentials && severity >= Severity::High {
        Severity::Critical
    } else {
        severity
    }
}

fn is_public_suffix(domain: &str) -> bool {
    psl::domain_str(domain).is_none()
}

/// Reports the known misconfigurations of a declarative policy, worst first.
pub fn lint(policy: &CorsPolicy) -> Vec<Finding> {
    let mut out = Vec::new();
    let creds = policy.credentials;
    for rule in &policy.origins {
        match rule {
            OriginRule::Any if creds => out.push(finding(
                FindingKind::AnyOriginWithCredentials,
                Severity::Critical,
                "browsers reject `*` with credentials, so the server must reflect Origin: every site \
                 can read every response sent with the user's cookies",
                Some("https://evil.example".into()),
            )),
            OriginRule::Null => out.push(finding(
                FindingKind::NullOriginTrusted,
                escalate(Severity::High, creds),
                "any site can send `Origin: null` (a sandboxed iframe, a data: URL, a request \
                 redirected across origins) and read the response",
                Some("null".into()),
            )),
            OriginRule::Suffix(_) | OriginRule::Prefix(_) | OriginRule::Substring(_) => {
                if let Some((example, severity)) = unanchored_example(rule) {
                    out.push(finding(
                        FindingKind::UnanchoredPattern,
                        escalate(severity, creds),
                        format!(
                            "{rule} also match origins their owner does not control; such a page can read {}",
                            if creds {
                                "responses sent with the user's cookies"
                            } else {
                                "the responses"
                            }
                        ),
                        Some(example),
                    ));
                }
            }
            OriginRule::Subdomains { scheme, domain, .. } => {
                if is_public_suffix(domain) {
                    out.push(finding(
                        FindingKind::PublicSuffixPattern,
                        escalate(Severity::High, creds),
                        format!(
                            "{domain} is a public suffix: anyone can register a name under it and read the responses"
                        ),
                        Some(format!("{scheme}://evil.{domain}")),
                    ));
                }
                if scheme == "http" && creds {
                    out.push(insecure_finding(&format!("{scheme}://*.{domain}")));
                }
            }
            OriginRule::Exact(o)
                if creds && o.as_tuple().is_some_and(|t| t.scheme() == "http") =>
            {
                out.push(insecure_finding(o.serialize()));
            }
            OriginRule::Regex(p) => out.extend(regex_findings(rule, p, creds)),
            _ => {}
        }
    }
    if !policy.vary_origin && policy.allow_origin_varies() {
        out.push(finding(
            FindingKind::MissingVaryOrigin,
            Severity::Medium,
            "Access-Control-Allow-Origin depends on Origin but responses do not say Vary: Origin: a \
             shared or browser cache can serve one origin's answer to another, so allowed pages fail \
             at random, and a cached allowance can reach other origins",
            None,
        ));
    }
    if creds {
        let lists = [
            ("Access-Control-Allow-Methods", policy.methods.is_any()),
            (
                "Access-Control-Allow-Headers",
                policy.request_headers.is_any(),
            ),
            (
                "Access-Control-Expose-Headers",
                policy.exposed_headers.is_any(),
            ),
        ];
        for (header, any) in lists {
            if any {
                out.push(finding(
                    FindingKind::WildcardListWithCredentials,
                    Severity::Low,
                    format!(
                        "with credentials, `{header}: *` is a literal name: the server must list or mirror \
                         the names, or credentialed requests lose them"
                    ),
                    Some(format!("{header}: *")),
                ));
            }
        }
    }
    if let Some(f) = policy.max_age.and_then(max_age_finding) {
        out.push(f);
    }
    if policy.literal_wildcard && creds && !policy.origins.is_empty() {
        out.push(finding(
            FindingKind::WildcardWithCredentials,
            Severity::Medium,
            "the server answers `Access-Control-Allow-Origin: *` with credentials allowed: \
             browsers refuse every credentialed read (and any origin reads without cookies)",
            Some("Access-Control-Allow-Origin: *".into()),
        ));
    }
    if !(200..=299).contains(&policy.preflight_status) && !policy.origins.is_empty() {
        out.push(finding(
            FindingKind::PreflightNotOk,
            Severity::Medium,
            format!(
                "preflights are answered {}: browsers fail them whatever the headers, so no \
                 request that needs one (a non-safelisted method or header) is ever sent",
                policy.preflight_status
            ),
            Some(policy.preflight_status.to_string()),
        ));
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

/// What a regular-expression rule lets in besides the origin it was written for: its
/// look-alikes (and an unrelated origin, and `null`) that it matches, one finding per kind
/// of look-alike.
fn regex_findings(rule: &OriginRule, pattern: &str, creds: bool) -> Vec<Finding> {
    let meant = rule.regex_example();
    let base = match &meant {
        Some(m) => CorsPolicy::new().allow_origin(m.clone()),
        None => CorsPolicy::new(),
    };
    let meant_text = meant
        .as_ref()
        .map_or_else(|| "no origin in particular".to_owned(), ToString::to_string);
    let mut candidates = vec![
        Origin::parse("https://evil.example").ok(),
        Origin::parse("null").ok(),
    ];
    if let Some(m) = &meant {
        candidates.extend(crate::policy::look_alikes(m).into_iter().map(Some));
    }
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for o in candidates.into_iter().flatten() {
        if !rule.matches(o.serialize()) {
            continue;
        }
        let class = crate::policy::origin_class(&base, &o);
        if seen.contains(&class) {
            continue;
        }
        seen.push(class);
        let (kind, severity) = match class {
            BugClass::AnyOrigin => (
                FindingKind::AnyOriginWithCredentials,
                if creds {
                    Severity::Critical
                } else {
                    Severity::High
                },
            ),
            BugClass::NullOrigin => (
                FindingKind::NullOriginTrusted,
                escalate(Severity::High, creds),
            ),
            BugClass::SchemeDowngrade if creds => {
                (FindingKind::InsecureOriginWithCredentials, Severity::Medium)
            }
            BugClass::SchemeDowngrade | BugClass::OtherPort | BugClass::TrailingDot => {
                (FindingKind::UnanchoredPattern, Severity::Low)
            }
            BugClass::Subdomain => (FindingKind::UnanchoredPattern, Severity::Medium),
            _ => (
                FindingKind::UnanchoredPattern,
                escalate(Severity::High, creds),
            ),
        };
        out.push(finding(
            kind,
            severity,
            format!(
                "/{pattern}/, written for {meant_text}, also matches {o} ({})",
                class.title()
            ),
            Some(o.serialize().to_owned()),
        ));
    }
    // The worst kind of look-alike is enough to act on; keep the others as their own lines.
    out
}

fn insecure_finding(origin: &str) -> Finding {
    finding(
        FindingKind::InsecureOriginWithCredentials,
        Severity::Medium,
        format!(
            "{origin} is plain HTTP: a network attacker (public Wi-Fi) can inject script into it and \
             read responses sent with the user's cookies"
        ),
        Some(origin.to_owned()),
    )
}

fn values(headers: &HeaderMap, name: &HeaderName) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect()
}

fn list_items(headers: &HeaderMap, name: &HeaderName) -> Vec<String> {
    values(headers, name)
        .iter()
        .flat_map(|v| {
            v.split(',')
                .map(|s| s.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

fn is_ok_status(status: http::StatusCode) -> bool {
    (200..=299).contains(&status.as_u16())
}

fn host_text(origin: &Origin) -> Option<String> {
    origin.as_tuple().map(|t| match t.host() {
        Host::Domain(d) => d.clone(),
        other => other.to_string(),
    })
}

/// Reports the known misconfigurations visible in observed request and response heads, worst
/// first, each kind once (the first example kept), in time and memory linear in the
/// exchanges. A refused preflight (no CORS headers, any status) is not a finding.
///
/// ```
/// use fetch_cors::lint::{lint_exchanges, FindingKind};
///
/// let req = http::Request::get("https://api.example/me")
///     .header("origin", "https://app.example")
///     .body(()).unwrap();
/// let resp = http::Response::builder()
///     .header("access-control-allow-origin", "https://app.example")
///     .header("access-control-allow-credentials", "true")
///     .body(()).unwrap();
/// let findings = lint_exchanges(&[(req, resp)]);
/// assert_eq!(findings[0].kind, FindingKind::MissingVaryOrigin);
/// ```
pub fn lint_exchanges(exchanges: &[(http::Request<()>, http::Response<()>)]) -> Vec<Finding> {
    let mut out = Deduped::default();
    let mut reflected = Reflected::default();
    for (req, resp) in exchanges {
        let rh = req.headers();
        let h = resp.headers();
        let preflight =
            req.method() == Method::OPTIONS && rh.contains_key(ACCESS_CONTROL_REQUEST_METHOD);
        let origin = values(rh, &ORIGIN).into_iter().next();
        let acao = values(h, &ACCESS_CONTROL_ALLOW_ORIGIN);
        let acac = values(h, &ACCESS_CONTROL_ALLOW_CREDENTIALS);
        let creds = acac.len() == 1 && acac[0] == "true";
        if let Some(v) = acac.iter().find(|v| v.as_str() != "true") {
            out.push(finding(
                FindingKind::InvalidAllowCredentials,
                Severity::Low,
                "browsers accept only the exact value `true`: credentialed requests fail",
                Some(format!("Access-Control-Allow-Credentials: {v}")),
            ));
        }
        if acao.len() > 1 || acao.iter().any(|v| v.contains(',')) {
            out.push(finding(
                FindingKind::MultipleAllowOrigin,
                Severity::Medium,
                "browsers accept exactly one Access-Control-Allow-Origin value: every CORS read of \
                 this response fails",
                Some(acao.join(", ")),
            ));
        } else if let Some(v) = acao.first() {
            match v.as_str() {
                "*" => {
                    if creds {
                        out.push(finding(
                            FindingKind::WildcardWithCredentials,
                            Severity::Low,
                            "browsers reject `*` on credentialed requests: reads with cookies fail \
                             (reads without them work)",
                            Some(format!("{} {}", req.method(), req.uri())),
                        ));
                    }
                }
                "null" => {
                    reflected.null = true;
                    reflected.null_creds |= creds;
                }
                other => {
                    let canonical = Origin::parse(other)
                        .ok()
                        .filter(Origin::is_tuple)
                        .is_some_and(|o| o.serialize() == other);
                    if !canonical {
                        out.push(finding(
                            FindingKind::InvalidAllowOrigin,
                            Severity::Medium,
                            "browsers compare Access-Control-Allow-Origin byte for byte with the \
                             serialized origin (no path or trailing slash, lowercase, no default \
                             port): this value never matches and every CORS read fails",
                            Some(other.to_owned()),
                        ));
                    } else if !preflight && !varies_on_origin(h) {
                        out.push(finding(
                            FindingKind::MissingVaryOrigin,
                            Severity::Medium,
                            "the response names one origin in Access-Control-Allow-Origin without \
                             Vary: Origin: a shared or browser cache can serve it to pages of other \
                             origins, which then fail (or read a response meant for another origin)",
                            Some(format!("{} {}", req.method(), req.uri())),
                        ));
                    }
                    if canonical && origin.as_deref() == Some(other) {
                        if let Ok(o) = Origin::parse(other) {
                            reflected.add(o, creds);
                        }
                    }
                }
            }
        }
        if !preflight {
            if creds
                && list_items(h, &ACCESS_CONTROL_EXPOSE_HEADERS)
                    .iter()
                    .any(|i| i == "*")
            {
                out.push(wildcard_list_finding("Access-Control-Expose-Headers"));
            }
            continue;
        }
        // Preflight-only checks. A refused preflight (no CORS headers) may have any status.
        if !is_ok_status(resp.status()) && !acao.is_empty() {
            out.push(finding(
                FindingKind::PreflightNotOk,
                Severity::Medium,
                format!(
                    "browsers fail a preflight answered {} whatever its headers: the request is \
                     never sent, though the response allows the origin",
                    resp.status().as_u16(),
                ),
                Some(format!("{} {}", req.method(), req.uri())),
            ));
        }
        let acah = list_items(h, &ACCESS_CONTROL_ALLOW_HEADERS);
        let acrh = list_items(rh, &ACCESS_CONTROL_REQUEST_HEADERS);
        let star = |items: &[String]| items.iter().any(|i| i == "*");
        if creds {
            if star(&acah) {
                out.push(wildcard_list_finding("Access-Control-Allow-Headers"));
            }
            if star(&list_items(h, &ACCESS_CONTROL_ALLOW_METHODS)) {
                out.push(wildcard_list_finding("Access-Control-Allow-Methods"));
            }
        } else if star(&acah)
            && acrh.iter().any(|i| i.eq_ignore_ascii_case("authorization"))
            && !acah.iter().any(|i| i.eq_ignore_ascii_case("authorization"))
        {
            out.push(finding(
                FindingKind::AuthorizationViaWildcard,
                Severity::Low,
                "the standard says `Access-Control-Allow-Headers: *` never covers Authorization; \
                 Chromium, Firefox and WebKit let it through today (whatwg/fetch#1919), so requests \
                 with Authorization depend on that leniency: list authorization explicitly",
                Some(format!("Access-Control-Allow-Headers: {}", acah.join(", "))),
            ));
        }
        let max_age = values(h, &ACCESS_CONTROL_MAX_AGE);
        if let [one] = max_age.as_slice() {
            if let Some(f) = one.trim().parse::<u64>().ok().and_then(max_age_finding) {
                out.push(f);
            }
        }
    }
    for f in reflected.findings() {
        out.push(f);
    }
    let mut findings = out.list;
    // Stable: among equals, the order found.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    findings
}

/// Findings kept once per kind (per header for the `*`-list kind), the first example and
/// the worst severity; a hash map keeps this linear in the number of exchanges.
#[derive(Default)]
struct Deduped {
    list: Vec<Finding>,
    index: HashMap<(FindingKind, Option<String>), usize>,
}

impl Deduped {
    fn push(&mut self, f: Finding) {
        let discriminator = match f.kind {
            FindingKind::WildcardListWithCredentials | FindingKind::MaxAgeAboveCap => {
                f.example.clone()
            }
            _ => None,
        };
        match self.index.entry((f.kind, discriminator)) {
            Entry::Occupied(e) => {
                let kept = &mut self.list[*e.get()];
                if f.severity > kept.severity {
                    *kept = f;
                }
            }
            Entry::Vacant(e) => {
                e.insert(self.list.len());
                self.list.push(f);
            }
        }
    }
}

/// The shapes of look-alike that a reflected origin can have relative to another one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    /// `evilapp.example.com` of `app.example.com`.
    Suffix,
    /// `app.example.com.evil.test` of `app.example.com`.
    Prefix,
    /// `xapp.example.com.evil.test` of `app.example.com`.
    Substring,
    /// `appxexample.com` of `app.example.com`.
    UnescapedDot,
}

impl Shape {
    const fn describe(self) -> &'static str {
        match self {
            Shape::Suffix => "a suffix match",
            Shape::Prefix => "a prefix match",
            Shape::Substring => "a substring match (an unanchored pattern)",
            Shape::UnescapedDot => "a regular expression with an unescaped `.`",
        }
    }
}

/// Origins the server reflected, distinct, in the order seen.
#[derive(Default)]
struct Reflected {
    origins: Vec<(Origin, String, bool)>,
    by_host: HashMap<String, usize>,
    seen: HashSet<String>,
    null: bool,
    null_creds: bool,
}

/// Hosts longer than this are not searched for look-alikes (no DNS name is longer).
const MAX_HOST: usize = 253;

impl Reflected {
    fn add(&mut self, origin: Origin, creds: bool) {
        if !self.seen.insert(origin.serialize().to_owned()) {
            if creds {
                if let Some(o) = self.origins.iter_mut().rev().find(|o| o.0 == origin) {
                    o.2 = true;
                }
            }
            return;
        }
        let Some(host) = host_text(&origin) else {
            return;
        };
        self.by_host
            .entry(host.clone())
            .or_insert(self.origins.len());
        self.origins.push((origin, host, creds));
    }

    /// The reflected origin whose host is `host`, if it is another site than `of`.
    fn anchor(&self, host: &str, of: &Origin) -> Option<usize> {
        self.by_host
            .get(host)
            .copied()
            .filter(|i| !self.origins[*i].0.schemelessly_same_site(of))
    }

    /// The first look-alike relation of reflected origin `i` to another reflected origin:
    /// a bounded number of candidate hosts per origin, each looked up in a hash map.
    fn relation(&self, i: usize) -> Option<(Shape, usize)> {
        let (origin, host, _) = &self.origins[i];
        if host.len() > MAX_HOST || !host.is_ascii() {
            return None;
        }
        let b = host.as_bytes();
        // A subdomain of another reflected origin: the same owner, not a look-alike.
        for (k, _) in host.match_indices('.') {
            if self.by_host.contains_key(&host[k + 1..]) {
                return None;
            }
        }
        // Ends with another host, not at a dot (`evilapp.example.com`), on any site.
        for start in 1..b.len() {
            if b[start - 1] != b'.' {
                if let Some(a) = self.by_host.get(&host[start..]) {
                    return Some((Shape::Suffix, *a));
                }
            }
        }
        // Another host, then more (`app.example.com.evil.test`, `xapp.example.com.evil.test`).
        for end in (1..b.len()).filter(|e| !b[*e].is_ascii_alphanumeric() || b[*e] == b'.') {
            for start in 0..end {
                if start > 0 && b[start - 1] == b'.' {
                    continue;
                }
                if let Some(a) = self.anchor(&host[start..end], origin) {
                    let shape = if start == 0 {
                        Shape::Prefix
                    } else {
                        Shape::Substring
                    };
                    return Some((shape, a));
                }
            }
        }
        // Another host with a dot replaced (`appxexample.com`).
        let mut candidate = host.clone().into_bytes();
        for k in 0..b.len() {
            if b[k] == b'.' {
                continue;
            }
            candidate[k] = b'.';
            if let Ok(text) = std::str::from_utf8(&candidate) {
                if let Some(a) = self.anchor(text, origin) {
                    return Some((Shape::UnescapedDot, a));
                }
            }
            candidate[k] = b[k];
        }
        None
    }

    fn findings(&self) -> Vec<Finding> {
        let mut shapes: Vec<Shape> = Vec::new();
        let mut first: Option<(usize, usize)> = None;
        let mut creds = false;
        for i in 0..self.origins.len() {
            if let Some((shape, a)) = self.relation(i) {
                if !shapes.contains(&shape) {
                    shapes.push(shape);
                }
                first.get_or_insert((a, i));
                creds |= self.origins[i].2 || self.origins[a].2;
            }
        }
        shapes.sort_unstable();
        let readers = |creds: bool| {
            if creds {
                "responses sent with the user's cookies"
            } else {
                "the responses"
            }
        };
        let null = || {
            finding(
                FindingKind::NullOriginTrusted,
                escalate(Severity::High, self.null_creds),
                "the server allows `Origin: null`, which any site can send (a sandboxed iframe, \
                 a data: URL, a request redirected across origins) and so read the response",
                Some("null".into()),
            )
        };
        let Some((real, fake)) = first else {
            return if self.null { vec![null()] } else { Vec::new() };
        };
        let (real, fake) = (&self.origins[real].0, &self.origins[fake].0);
        // Every family of look-alike at once, or several with `null`: no pattern admits all
        // of those; the server copies whatever Origin it gets.
        let families = [
            shapes
                .iter()
                .any(|s| matches!(s, Shape::Suffix | Shape::Substring)),
            shapes.contains(&Shape::Prefix),
            shapes.contains(&Shape::UnescapedDot),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if families == 3 || (families == 2 && self.null) {
            let creds = creds || self.null_creds;
            return vec![finding(
                FindingKind::ReflectsUnrelatedOrigins,
                if creds {
                    Severity::Critical
                } else {
                    Severity::High
                },
                format!(
                    "the server allowed {real} and look-alikes of every shape ({fake}, and \
                     suffix, prefix and dot tricks{}): it reflects any Origin, so every site can \
                     read {}",
                    if self.null { ", and null" } else { "" },
                    readers(creds)
                ),
                Some(fake.serialize().to_owned()),
            )];
        }
        // A substring test explains suffix and prefix tricks at once.
        let unanchored = shapes.contains(&Shape::Substring)
            || (shapes.contains(&Shape::Suffix) && shapes.contains(&Shape::Prefix));
        let why: Vec<&str> = shapes
            .iter()
            .map(|s| match s {
                Shape::Suffix | Shape::Prefix if unanchored => Shape::Substring,
                s => *s,
            })
            .fold(Vec::new(), |mut v, s| {
                if !v.contains(&s) {
                    v.push(s);
                }
                v
            })
            .iter()
            .map(|s| s.describe())
            .collect();
        let mut out = vec![finding(
            FindingKind::LookAlikeAllowed,
            escalate(Severity::High, creds),
            format!(
                "the server allowed both {real} and {fake}, a look-alike: its origin check is {}, \
                 and whoever owns such a name can read {}",
                why.join(" and "),
                readers(creds)
            ),
            Some(fake.serialize().to_owned()),
        )];
        if self.null {
            out.push(null());
        }
        out
    }
}

fn wildcard_list_finding(header: &str) -> Finding {
    finding(
        FindingKind::WildcardListWithCredentials,
        Severity::Low,
        format!(
            "on a credentialed response, `{header}: *` is a literal name, not a wildcard: the names \
             the page needs are not allowed or not exposed"
        ),
        Some(format!("{header}: *")),
    )
}

/// The exchanges of a simulation, as [`lint_exchanges`] takes them.
pub fn exchanges_of(
    sim: &crate::simulate::Simulation,
) -> Vec<(http::Request<()>, http::Response<()>)> {
    sim.sent
        .iter()
        .map(|e| (clone_request(&e.request), clone_response(&e.response)))
        .collect()
}

fn clone_request(r: &http::Request<()>) -> http::Request<()> {
    let mut out = http::Request::new(());
    *out.method_mut() = r.method().clone();
    *out.uri_mut() = r.uri().clone();
    *out.headers_mut() = r.headers().clone();
    out
}

fn clone_response(r: &http::Response<()>) -> http::Response<()> {
    let mut out = http::Response::new(());
    *out.status_mut() = r.status();
    *out.headers_mut() = r.headers().clone();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(findings: &[Finding]) -> Vec<FindingKind> {
        findings.iter().map(|f| f.kind).collect()
    }

    fn req(method: &str, origin: &str) -> http::request::Builder {
        http::Request::builder()
            .method(method)
            .uri("https://api.example/data")
            .header("origin", origin)
    }

    fn preflight(origin: &str, acrh: &str) -> http::Request<()> {
        req("OPTIONS", origin)
            .header("access-control-request-method", "PUT")
            .header("access-control-request-headers", acrh)
            .body(())
            .unwrap()
    }

    fn resp(headers: &[(&str, &str)]) -> http::Response<()> {
        let mut b = http::Response::builder();
        for (n, v) in headers {
            b = b.header(*n, *v);
        }
        b.body(()).unwrap()
    }

    #[test]
    fn safe_policy_has_no_findings() {
        let policy = CorsPolicy::new()
            .allow_origin(OriginRule::exact("https://app.example").unwrap())
            .allow_origin(OriginRule::subdomains_of("https", "example.com"))
            .allow_credentials(true)
            .max_age(600);
        assert_eq!(lint(&policy), []);
    }

    #[test]
    fn any_origin_with_credentials_is_critical() {
        let f = lint(&CorsPolicy::new().allow_any_origin().allow_credentials(true));
        assert_eq!(kinds(&f), [FindingKind::AnyOriginWithCredentials]);
        assert_eq!(f[0].severity, Severity::Critical);
        assert!(lint(&CorsPolicy::new().allow_any_origin()).is_empty());
    }

    #[test]
    fn null_is_flagged() {
        let f = lint(&CorsPolicy::new().allow_origin(OriginRule::Null));
        assert_eq!(kinds(&f), [FindingKind::NullOriginTrusted]);
        assert_eq!(f[0].severity, Severity::High);
        let f = lint(
            &CorsPolicy::new()
                .allow_origin(OriginRule::Null)
                .allow_credentials(true),
        );
        assert_eq!(f[0].severity, Severity::Critical);
    }

    #[test]
    fn unanchored_patterns_come_with_a_matching_example() {
        for rule in [
            OriginRule::Suffix("example.com".into()),
            OriginRule::Suffix(".example.com".into()),
            OriginRule::Prefix("https://app.example.com".into()),
            OriginRule::Substring("example.com".into()),
        ] {
            let f = lint(&CorsPolicy::new().allow_origin(rule.clone()));
            assert_eq!(kinds(&f), [FindingKind::UnanchoredPattern], "{rule}");
            let example = f[0].example.clone().unwrap();
            assert!(rule.matches(&example), "{rule} should match {example}");
            assert_eq!(
                Origin::parse(&example).unwrap().serialize(),
                example,
                "a real origin"
            );
        }
        assert!(
            lint(&CorsPolicy::new().allow_origin(OriginRule::Suffix("https://app.example".into())))
                .is_empty()
        );
    }

    #[test]
    fn public_suffix_and_insecure_origins() {
        let f =
            lint(&CorsPolicy::new().allow_origin(OriginRule::subdomains_of("https", "github.io")));
        assert_eq!(kinds(&f), [FindingKind::PublicSuffixPattern]);
        let f = lint(
            &CorsPolicy::new()
                .allow_origin(OriginRule::exact("http://app.example").unwrap())
                .allow_credentials(true),
        );
        assert_eq!(kinds(&f), [FindingKind::InsecureOriginWithCredentials]);
        let f = lint(
            &CorsPolicy::new()
                .allow_origin(OriginRule::subdomains_of("http", "example.com"))
                .allow_credentials(true),
        );
        assert_eq!(kinds(&f), [FindingKind::InsecureOriginWithCredentials]);
    }

    #[test]
    fn missing_vary_wildcard_lists_and_max_age() {
        let f = lint(
            &CorsPolicy::new()
                .allow_origin(OriginRule::exact("https://app.example").unwrap())
                .vary_origin(false),
        );
        assert_eq!(kinds(&f), [FindingKind::MissingVaryOrigin]);
        // No vary needed when the answer is always `*`.
        assert!(lint(&CorsPolicy::new().allow_any_origin().vary_origin(false)).is_empty());
        let f = lint(
            &CorsPolicy::new()
                .allow_origin(OriginRule::exact("https://app.example").unwrap())
                .allow_credentials(true)
                .allow_any_header(),
        );
        assert_eq!(kinds(&f), [FindingKind::WildcardListWithCredentials]);
        let f = lint(&CorsPolicy::new().max_age(86_400));
        assert_eq!(kinds(&f), [FindingKind::MaxAgeAboveCap]);
        assert!(f[0].consequence.contains("webkit keeps 600 s"), "{}", f[0]);
        assert!(
            f[0].consequence.contains("chromium keeps 7200 s"),
            "{}",
            f[0]
        );
        assert!(!f[0].consequence.contains("firefox"), "{}", f[0]);
    }

    #[test]
    fn regex_literal_star_and_preflight_status() {
        // A regex with unescaped dots and no `$`.
        let rule = OriginRule::regex(r"^https://app.example.com").unwrap();
        let f = lint(&CorsPolicy::new().allow_origin(rule).allow_credentials(true));
        assert_eq!(f[0].kind, FindingKind::UnanchoredPattern, "{f:#?}");
        assert_eq!(f[0].severity, Severity::Critical);
        let examples: Vec<&str> = f.iter().filter_map(|x| x.example.as_deref()).collect();
        assert!(
            examples.contains(&"https://app.example.com.evil.test"),
            "{f:#?}"
        );
        assert!(examples.contains(&"https://appxexample.com"), "{f:#?}");
        // Anchored and escaped: nothing.
        let good = OriginRule::regex(r"^https://(app|admin)\.example\.com$").unwrap();
        assert_eq!(lint(&CorsPolicy::new().allow_origin(good)), []);
        // `.*`: any origin.
        let any = OriginRule::regex(r".*").unwrap();
        let f = lint(&CorsPolicy::new().allow_origin(any).allow_credentials(true));
        assert_eq!(f[0].kind, FindingKind::AnyOriginWithCredentials, "{f:#?}");
        // A literal `*` with credentials, and preflights answered 401.
        let app = OriginRule::exact("https://app.example").unwrap();
        let f = lint(
            &CorsPolicy::new()
                .allow_origin(app.clone())
                .allow_credentials(true)
                .literal_wildcard(true),
        );
        assert_eq!(kinds(&f), [FindingKind::WildcardWithCredentials]);
        let f = lint(&CorsPolicy::new().allow_origin(app).preflight_status(401));
        assert_eq!(kinds(&f), [FindingKind::PreflightNotOk]);
        assert!(f[0].consequence.contains("401"));
    }

    #[test]
    fn exchange_wildcard_with_credentials() {
        let f = lint_exchanges(&[(
            req("GET", "https://app.example").body(()).unwrap(),
            resp(&[
                ("access-control-allow-origin", "*"),
                ("access-control-allow-credentials", "true"),
            ]),
        )]);
        assert_eq!(kinds(&f), [FindingKind::WildcardWithCredentials]);
    }

    #[test]
    fn exchange_null_invalid_multiple_and_credentials_value() {
        let f = lint_exchanges(&[(
            req("GET", "null").body(()).unwrap(),
            resp(&[("access-control-allow-origin", "null"), ("vary", "origin")]),
        )]);
        assert_eq!(kinds(&f), [FindingKind::NullOriginTrusted]);
        let f = lint_exchanges(&[(
            req("GET", "https://app.example").body(()).unwrap(),
            resp(&[("access-control-allow-origin", "https://app.example/")]),
        )]);
        assert_eq!(kinds(&f), [FindingKind::InvalidAllowOrigin]);
        let f = lint_exchanges(&[(
            req("GET", "https://app.example").body(()).unwrap(),
            resp(&[
                ("access-control-allow-origin", "https://app.example"),
                ("access-control-allow-origin", "https://admin.example"),
            ]),
        )]);
        assert_eq!(kinds(&f), [FindingKind::MultipleAllowOrigin]);
        let f = lint_exchanges(&[(
            req("GET", "https://app.example").body(()).unwrap(),
            resp(&[
                ("access-control-allow-origin", "*"),
                ("access-control-allow-credentials", "True"),
            ]),
        )]);
        assert_eq!(kinds(&f), [FindingKind::InvalidAllowCredentials]);
    }

    #[test]
    fn exchange_missing_vary() {
        let pair = |vary: Option<&str>| {
            let mut h = vec![("access-control-allow-origin", "https://app.example")];
            if let Some(v) = vary {
                h.push(("vary", v));
            }
            (
                req("GET", "https://app.example").body(()).unwrap(),
                resp(&h),
            )
        };
        assert_eq!(
            kinds(&lint_exchanges(&[pair(None)])),
            [FindingKind::MissingVaryOrigin]
        );
        assert!(lint_exchanges(&[pair(Some("Accept-Encoding, Origin"))]).is_empty());
        assert!(lint_exchanges(&[pair(Some("*"))]).is_empty());
    }

    #[test]
    fn exchange_preflight_findings() {
        let ok = resp(&[
            ("access-control-allow-origin", "https://app.example"),
            ("access-control-allow-methods", "PUT"),
            ("access-control-allow-headers", "*"),
        ]);
        let f = lint_exchanges(&[(preflight("https://app.example", "authorization"), ok)]);
        assert_eq!(kinds(&f), [FindingKind::AuthorizationViaWildcard]);

        let mut not_ok = resp(&[("access-control-allow-origin", "https://app.example")]);
        *not_ok.status_mut() = http::StatusCode::METHOD_NOT_ALLOWED;
        let f = lint_exchanges(&[(preflight("https://app.example", "x-a"), not_ok)]);
        assert_eq!(kinds(&f), [FindingKind::PreflightNotOk]);
        assert_eq!(f[0].severity, Severity::Medium);
        // A refused preflight (no CORS headers) is not a finding, whatever its status.
        let mut refused = resp(&[]);
        *refused.status_mut() = http::StatusCode::BAD_REQUEST;
        let f = lint_exchanges(&[(preflight("https://evil.example", "x-a"), refused)]);
        assert_eq!(f, []);

        let f = lint_exchanges(&[(
            preflight("https://app.example", "x-a"),
            resp(&[
                ("access-control-allow-origin", "https://app.example"),
                ("access-control-allow-credentials", "true"),
                ("access-control-allow-headers", "*"),
                ("access-control-allow-methods", "*"),
                ("access-control-max-age", "86400"),
            ]),
        )]);
        assert_eq!(
            kinds(&f),
            [
                FindingKind::WildcardListWithCredentials,
                FindingKind::WildcardListWithCredentials,
                FindingKind::MaxAgeAboveCap
            ]
        );
    }

    #[test]
    fn exchange_reflection() {
        let reflect = |origin: &str, creds: bool| {
            let mut h = vec![("access-control-allow-origin", origin), ("vary", "origin")];
            if creds {
                h.push(("access-control-allow-credentials", "true"));
            }
            (req("GET", origin).body(()).unwrap(), resp(&h))
        };
        let f = lint_exchanges(&[
            reflect("https://app.example.com", true),
            reflect("https://app.example.com.evil.test", true),
        ]);
        assert_eq!(kinds(&f), [FindingKind::LookAlikeAllowed]);
        assert_eq!(f[0].severity, Severity::Critical);
        assert_eq!(
            f[0].example.as_deref(),
            Some("https://app.example.com.evil.test")
        );
        // Two unrelated sites: as likely a correct allow-list as reflection.
        assert_eq!(
            lint_exchanges(&[
                reflect("https://app.example", true),
                reflect("https://attacker.test", true),
            ]),
            []
        );
        // One look-alike bug, many look-alikes: one finding, naming the pattern.
        let f = lint_exchanges(&[
            reflect("https://app.example.com", true),
            reflect("https://partner.test", true),
            reflect("https://evilapp.example.com", true),
            reflect("https://evil-app.example.com", true),
            reflect("https://partnerapp.example.com", true),
        ]);
        assert_eq!(kinds(&f), [FindingKind::LookAlikeAllowed]);
        assert!(f[0].consequence.contains("a suffix match"), "{}", f[0]);
        assert!(!f[0].consequence.contains("prefix"), "{}", f[0]);
        // Look-alikes of every shape, and null: plain reflection, one finding.
        let f = lint_exchanges(&[
            reflect("https://app.example.com", true),
            reflect("https://app.example.com.evil.test", true),
            reflect("https://evilapp.example.com", true),
            reflect("https://appxexample.com", true),
            reflect("null", true),
            reflect("https://evil.example", true),
        ]);
        assert_eq!(kinds(&f), [FindingKind::ReflectsUnrelatedOrigins], "{f:#?}");
        assert_eq!(f[0].severity, Severity::Critical);
        assert!(!f[0].fix.is_empty());
        let f = lint_exchanges(&[
            reflect("https://app.example.com", true),
            reflect("https://appxexample.com", false),
        ]);
        assert!(f[0].consequence.contains("unescaped"), "{}", f[0]);
        // Same site: not reported.
        assert!(
            lint_exchanges(&[
                reflect("https://app.example.com", true),
                reflect("https://admin.example.com", true),
            ])
            .is_empty()
        );
    }
}
