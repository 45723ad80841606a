//! Declarative CORS policies: what a server *means* to allow, a reference server that does
//! exactly that, and ready-made properties that hold any server to the intent.
//!
//! A [`CorsPolicy`] states intent: which origins may read (exact values and safe, anchored
//! patterns), with or without credentials, which methods and request headers they may use,
//! which response headers they may read, how long preflights may be cached, and whether
//! responses say `Vary: Origin`. It is useful three ways:
//!
//! - as a [`Server`]: [`CorsPolicy`] answers preflights and requests the way a correct server
//!   with that intent would ([`CorsPolicy::wrap`] puts the same CORS layer around any other
//!   server);
//! - as intent: [`CorsPolicy::intends_to_allow`] says whether a page of some origin is meant to
//!   read the response to some request;
//! - as the yardstick of the properties below, which take **any** [`Server`] (a real
//!   middleware, driven in-process) and the policy, run the fetch through the browser
//!   simulator, and say with a readable counterexample where the browser would let a page
//!   read more, or less, than intended:
//!   - [`allowed_origins_can_read`]: every allowed origin can read what the policy intends;
//!   - [`other_origins_cannot_read`]: no other origin can read anything;
//!   - [`no_credentialed_read_from_unlisted`]: no credentialed read from an origin that is not
//!     listed (matched by a rule other than [`OriginRule::Any`]) in a policy with credentials;
//!   - [`vary_origin_when_allow_origin_varies`]: `Vary: Origin` is present whenever
//!     `Access-Control-Allow-Origin` depends on the request;
//!   - [`nothing_beyond_intent`]: no read the policy does not intend, for any reason (origin,
//!     credentials, method, header).
//!
//! [`check_all`] runs one fetch and judges all of them (returning the most severe violation);
//! [`violations`] returns every one. Inside a `proptest!` block, `?` turns a [`Violation`]
//! into a test failure (with the `proptest` feature). Each violation says how bad it is
//! ([`Severity`]), what kind of bug it shows ([`BugClass`]: which look-alike got in, or which
//! part of the intent broke), whether cookies were sent, and what to change on the server.
//! A server that panics is caught and reported ([`Property::ServerAnswers`]) with the origin
//! and request it was answering.
//!
//! # Finding every known bug, every time
//!
//! Random search finds a bug only with some probability. [`audit`] tries, without
//! randomness, every origin of [`adversarial_origins`] (the allowed ones, an unrelated one,
//! `null`, each allowed origin's [`look_alikes`]: prefix, suffix, substring, odd characters,
//! unescaped dots, subdomains, parent and sibling, trailing dot, punycode homograph, other
//! scheme, other ports; and the [`combinations`] of every two allowed origins) with every
//! request of [`probe_requests`] (plain and credentialed reads, each method and request header
//! the policy allows, alone and together, preflighted safelisted methods, and requests beyond
//! the intent), and returns one violation per property and class, most severe first
//! ([`Findings`]). `strategies::search` runs it and then searches at random. Name the methods
//! and request headers your application sends in the policy: only then are its preflights
//! intended, and a preflight refused by authentication middleware or a missing
//! `Access-Control-Allow-Headers` entry shows up.
//!
//! The same pieces serve a live probe of a server in any language: [`adversarial_origins`]
//! and [`probe_requests`] say what to send (most telling first, so a bounded probe can take a
//! prefix), and [`violations`] or [`judge_all`] judge what came back, through a [`Server`]
//! that forwards to the network or on a recorded [`Simulation`].
//!
//! ```
//! use fetch_cors::policy::{self, CorsPolicy, OriginRule};
//! use fetch_cors::simulate::PageRequest;
//! use fetch_cors::{CredentialsMode, Origin, Profile};
//!
//! // Intent: only https://app.example reads /me, with cookies.
//! let policy = CorsPolicy::new()
//!     .allow_origin(OriginRule::exact("https://app.example").unwrap())
//!     .allow_credentials(true);
//!
//! // A server that checks the origin with `ends_with`.
//! let mut server = |req: &http::Request<()>| {
//!     let mut resp = http::Response::builder().header("vary", "origin");
//!     if let Some(o) = req.headers().get("origin") {
//!         if o.as_bytes().ends_with(b"app.example") {
//!             resp = resp
//!                 .header("access-control-allow-origin", o)
//!                 .header("access-control-allow-credentials", "true");
//!         }
//!     }
//!     resp.body(()).unwrap()
//! };
//! let me = PageRequest::get("https://api.example/me").unwrap()
//!     .with_credentials(CredentialsMode::Include);
//!
//! let app = Origin::parse("https://app.example").unwrap();
//! assert!(policy::check_all(&mut server, &policy, &app, &me, &Profile::CHROMIUM).is_ok());
//!
//! let evil = Origin::parse("https://evilapp.example").unwrap();
//! let violation = policy::check_all(&mut server, &policy, &evil, &me, &Profile::CHROMIUM).unwrap_err();
//! assert!(violation.to_string().contains("https://evilapp.example"));
//! ```

use std::collections::HashSet;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use url::Host;

use crate::cache::PreflightCache;
use crate::error::CorsError;
use crate::header::safelist::{
    cors_unsafe_request_header_names, is_forbidden_response_header_name,
};
use crate::machine::OutgoingKind;
use crate::method::{is_cors_safelisted_method, normalize};
use crate::origin::Origin;
use crate::profile::Profile;
use crate::request::{CredentialsMode, Mode};
use crate::simulate::{Exchange, PageRequest, Server, Simulation, simulate_page};
use crate::time::Timestamp;

// ---------------------------------------------------------------------------------------------
// Origin rules

/// One way a policy allows origins.
///
/// [`Exact`](OriginRule::Exact), [`Any`](OriginRule::Any) and
/// [`Subdomains`](OriginRule::Subdomains) are the safe forms. [`Null`](OriginRule::Null) and the
/// string matchers [`Suffix`](OriginRule::Suffix), [`Prefix`](OriginRule::Prefix) and
/// [`Substring`](OriginRule::Substring) are here because real servers are written that way: a
/// policy using them states exactly what such a server allows, and [`lint`](crate::lint::lint)
/// reports who else that lets in.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OriginRule {
    /// One origin, compared with the request's serialized origin byte for byte.
    Exact(Origin),
    /// Every origin. Without credentials the server answers `*`; with credentials it has to
    /// reflect the request's origin, and every site can read credentialed responses.
    Any,
    /// An anchored pattern: `scheme://domain` and `scheme://*.domain` (any depth of
    /// subdomains), on one port.
    Subdomains {
        /// The scheme (`https`).
        scheme: String,
        /// The domain, lowercase ASCII (punycode for IDNs), without a leading dot.
        domain: String,
        /// The port; `None` means the scheme's default port.
        port: Option<u16>,
        /// Whether `scheme://domain` itself is allowed too.
        include_apex: bool,
    },
    /// The opaque origin's serialization, `null`: sandboxed documents, `data:` URLs, and
    /// requests redirect-tainted across origins, from any site.
    Null,
    /// Any serialized origin ending with this string (an unanchored pattern).
    Suffix(String),
    /// Any serialized origin starting with this string (an unanchored pattern).
    Prefix(String),
    /// Any serialized origin containing this string (an unanchored pattern, as an unanchored
    /// regular expression behaves).
    Substring(String),
    /// Any serialized origin a regular expression matches, anywhere unless anchored (as
    /// `Regex::is_match` and JavaScript's `RegExp.test` do). Build it with
    /// [`OriginRule::regex`]; the supported syntax is ASCII literals and escapes, `.`, classes
    /// (`[a-z0-9-]`, `\d`, `\w`), groups with `|`, `*`, `+`, `?`, `{m,n}`, `^` and `$`. A
    /// pattern that does not parse matches nothing.
    Regex(String),
}

impl OriginRule {
    /// An exact origin, parsed from its serialization (a path is ignored). `null` gives
    /// [`OriginRule::Null`].
    pub fn exact(origin: &str) -> Result<OriginRule, url::ParseError> {
        Origin::parse(origin).map(OriginRule::from)
    }

    /// A regular expression as a server's origin check uses it ([`OriginRule::Regex`]).
    ///
    /// ```
    /// use fetch_cors::policy::OriginRule;
    ///
    /// let rule = OriginRule::regex(r"^https://(foo|bar)+\.com$").unwrap();
    /// assert!(rule.matches("https://foo.com"));
    /// assert!(rule.matches("https://barfoo.com"));
    /// assert!(!rule.matches("https://evil.com"));
    /// assert!(OriginRule::regex("https://(app").is_err());
    /// ```
    pub fn regex(pattern: &str) -> Result<OriginRule, PatternError> {
        pattern::parse(pattern)?;
        Ok(OriginRule::Regex(pattern.to_owned()))
    }

    /// For a [`OriginRule::Regex`], the origin its author most likely meant it for (the first
    /// alternative, an unescaped `.` read as a dot), if that is an origin.
    pub fn regex_example(&self) -> Option<Origin> {
        let OriginRule::Regex(p) = self else {
            return None;
        };
        let alts = pattern::parse(p).ok()?;
        Origin::parse(&pattern::example(&alts))
            .ok()
            .filter(Origin::is_tuple)
    }

    /// `scheme://*.domain` on the scheme's default port, apex excluded.
    pub fn subdomains_of(scheme: &str, domain: &str) -> OriginRule {
        OriginRule::Subdomains {
            scheme: scheme.to_ascii_lowercase(),
            domain: domain.trim_start_matches('.').to_ascii_lowercase(),
            port: None,
            include_apex: false,
        }
    }

    /// Whether this rule lets a request whose serialized origin is `origin` (the `Origin`
    /// header's value) in.
    pub fn matches(&self, origin: &str) -> bool {
        match self {
            OriginRule::Exact(o) => o.serialize() == origin,
            OriginRule::Any => true,
            OriginRule::Null => origin == "null",
            OriginRule::Suffix(s) => origin.ends_with(s.as_str()),
            OriginRule::Prefix(s) => origin.starts_with(s.as_str()),
            OriginRule::Substring(s) => origin.contains(s.as_str()),
            OriginRule::Regex(p) => pattern::parse(p).is_ok_and(|a| pattern::is_match(&a, origin)),
            OriginRule::Subdomains {
                scheme,
                domain,
                port,
                include_apex,
            } => {
                // Only a canonical serialized origin can match: no path, no trailing slash,
                // no upper case, no default port spelled out.
                let Ok(parsed) = Origin::parse(origin) else {
                    return false;
                };
                let Some(t) = parsed.as_tuple() else {
                    return false;
                };
                if parsed.serialize() != origin || t.scheme() != scheme {
                    return false;
                }
                let want_port = port.or_else(|| default_port(scheme));
                if Some(t.port()) != want_port {
                    return false;
                }
                let Host::Domain(host) = t.host() else {
                    return false;
                };
                (*include_apex && host == domain)
                    || host
                        .strip_suffix(domain.as_str())
                        .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.'))
            }
        }
    }

    /// Whether this rule names origins (anything but [`OriginRule::Any`]).
    pub fn is_listing(&self) -> bool {
        !matches!(self, OriginRule::Any)
    }
}

impl From<Origin> for OriginRule {
    fn from(origin: Origin) -> Self {
        if origin.is_tuple() {
            OriginRule::Exact(origin)
        } else {
            OriginRule::Null
        }
    }
}

impl fmt::Display for OriginRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OriginRule::Exact(o) => write!(f, "{o}"),
            OriginRule::Any => f.write_str("any origin"),
            OriginRule::Null => f.write_str("null"),
            OriginRule::Suffix(s) => write!(f, "origins ending with {s:?}"),
            OriginRule::Prefix(s) => write!(f, "origins starting with {s:?}"),
            OriginRule::Substring(s) => write!(f, "origins containing {s:?}"),
            OriginRule::Regex(p) => write!(f, "origins matching /{p}/"),
            OriginRule::Subdomains {
                scheme,
                domain,
                port,
                include_apex,
            } => {
                let port = port.map(|p| format!(":{p}")).unwrap_or_default();
                write!(f, "{scheme}://*.{domain}{port}")?;
                if *include_apex {
                    write!(f, " and {scheme}://{domain}{port}")?;
                }
                Ok(())
            }
        }
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

/// A list of allowed items, or all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllowList<T> {
    /// Every item. A correct server mirrors the request's (with credentials, `*` is literal).
    Any,
    /// These items only.
    Only(Vec<T>),
}

impl<T> AllowList<T> {
    /// Whether this is [`AllowList::Any`].
    pub fn is_any(&self) -> bool {
        matches!(self, AllowList::Any)
    }
}

impl<T> Default for AllowList<T> {
    fn default() -> Self {
        AllowList::Only(Vec::new())
    }
}

// ---------------------------------------------------------------------------------------------
// The policy

/// A declarative CORS policy. See the module docs.
///
/// CORS-safelisted methods (`GET`, `HEAD`, `POST`) and request headers are always allowed, as
/// browsers never ask about them; [`methods`](CorsPolicy::methods) and
/// [`request_headers`](CorsPolicy::request_headers) list the others. Methods are compared
/// case-sensitively after `fetch()`'s normalization, as browsers compare them: a page that
/// sends `patch` is not allowed by `PATCH`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorsPolicy {
    /// Who may read. Empty: nobody.
    pub origins: Vec<OriginRule>,
    /// Whether allowed origins may read credentialed responses (cookies, HTTP auth).
    pub credentials: bool,
    /// Non-safelisted methods allowed.
    pub methods: AllowList<Method>,
    /// Non-safelisted request headers allowed (lowercase names).
    pub request_headers: AllowList<HeaderName>,
    /// Response headers the page may read beyond the CORS-safelisted ones.
    pub exposed_headers: AllowList<HeaderName>,
    /// `Access-Control-Max-Age` in seconds, if sent.
    pub max_age: Option<u64>,
    /// Whether responses whose `Access-Control-Allow-Origin` depends on the request say
    /// `Vary: Origin` (they must; turn it off only to model a server that forgets).
    pub vary_origin: bool,
    /// The status of a preflight response (`204` by default). Anything outside 200-299 makes
    /// every preflight fail; set it only to model a server that answers `OPTIONS` with, say,
    /// `401` from authentication middleware (see the `preflight_status` method).
    pub preflight_status: u16,
    /// Whether the server answers `Access-Control-Allow-Origin: *` even with
    /// `Access-Control-Allow-Credentials: true` (browsers then refuse every credentialed read);
    /// off by default, on only to model such a server.
    pub literal_wildcard: bool,
}

impl Default for CorsPolicy {
    fn default() -> Self {
        CorsPolicy::new()
    }
}

/// Whether a policy means a page to read a response, and if not, why not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intent {
    /// The page and the URL are same origin: CORS does not apply and the page reads it all.
    SameOrigin,
    /// The page is meant to read the response.
    Read {
        /// Whether the read is credentialed.
        credentials: bool,
    },
    /// The page is not meant to read the response.
    Deny(DenyReason),
}

impl Intent {
    /// Whether the page is meant to read the response.
    pub fn allows_read(&self) -> bool {
        !matches!(self, Intent::Deny(_))
    }
}

/// Why a policy does not mean a page to read a response.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DenyReason {
    /// The page's origin is not allowed.
    Origin,
    /// The request is credentialed and the policy does not allow credentials.
    Credentials,
    /// The method is neither safelisted nor allowed.
    Method(Method),
    /// A request header is neither safelisted nor allowed.
    Header(HeaderName),
    /// The request's mode gives no readable cross-origin response (`no-cors`, `same-origin`).
    Mode(Mode),
}

impl fmt::Display for DenyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DenyReason::Origin => f.write_str("the origin is not allowed"),
            DenyReason::Credentials => f.write_str("credentials are not allowed"),
            DenyReason::Method(m) => write!(f, "the method {m} is not allowed"),
            DenyReason::Header(h) => write!(f, "the request header {h} is not allowed"),
            DenyReason::Mode(m) => write!(f, "mode {:?} gives no readable response", m.as_str()),
        }
    }
}

impl CorsPolicy {
    /// A policy that allows nobody; add to it with the builder methods. Sends `Vary: Origin`.
    pub fn new() -> CorsPolicy {
        CorsPolicy {
            origins: Vec::new(),
            credentials: false,
            methods: AllowList::default(),
            request_headers: AllowList::default(),
            exposed_headers: AllowList::default(),
            max_age: None,
            vary_origin: true,
            preflight_status: 204,
            literal_wildcard: false,
        }
    }

    /// Allows the origins `rule` matches.
    #[must_use]
    pub fn allow_origin(mut self, rule: impl Into<OriginRule>) -> CorsPolicy {
        self.origins.push(rule.into());
        self
    }

    /// Allows every origin ([`OriginRule::Any`]).
    #[must_use]
    pub fn allow_any_origin(self) -> CorsPolicy {
        self.allow_origin(OriginRule::Any)
    }

    /// Allows or forbids credentialed reads.
    #[must_use]
    pub fn allow_credentials(mut self, credentials: bool) -> CorsPolicy {
        self.credentials = credentials;
        self
    }

    /// Allows these methods (besides the safelisted ones).
    #[must_use]
    pub fn allow_methods(mut self, methods: impl IntoIterator<Item = Method>) -> CorsPolicy {
        let list = match &mut self.methods {
            AllowList::Any => return self,
            AllowList::Only(list) => list,
        };
        list.extend(methods);
        self
    }

    /// Allows every method.
    #[must_use]
    pub fn allow_any_method(mut self) -> CorsPolicy {
        self.methods = AllowList::Any;
        self
    }

    /// Allows these request headers (besides the safelisted ones).
    #[must_use]
    pub fn allow_headers(mut self, headers: impl IntoIterator<Item = HeaderName>) -> CorsPolicy {
        if let AllowList::Only(list) = &mut self.request_headers {
            list.extend(headers);
        }
        self
    }

    /// Allows every request header.
    #[must_use]
    pub fn allow_any_header(mut self) -> CorsPolicy {
        self.request_headers = AllowList::Any;
        self
    }

    /// Lets pages read these response headers (besides the safelisted ones).
    #[must_use]
    pub fn expose_headers(mut self, headers: impl IntoIterator<Item = HeaderName>) -> CorsPolicy {
        if let AllowList::Only(list) = &mut self.exposed_headers {
            list.extend(headers);
        }
        self
    }

    /// Lets pages read every response header.
    #[must_use]
    pub fn expose_any_header(mut self) -> CorsPolicy {
        self.exposed_headers = AllowList::Any;
        self
    }

    /// Sends `Access-Control-Max-Age: seconds` on preflight responses.
    #[must_use]
    pub fn max_age(mut self, seconds: u64) -> CorsPolicy {
        self.max_age = Some(seconds);
        self
    }

    /// Whether to send `Vary: Origin` (on by default).
    #[must_use]
    pub fn vary_origin(mut self, vary: bool) -> CorsPolicy {
        self.vary_origin = vary;
        self
    }

    /// Answers preflights with `status` (the field of the same name).
    #[must_use]
    pub fn preflight_status(mut self, status: u16) -> CorsPolicy {
        self.preflight_status = status;
        self
    }

    /// Answers `Access-Control-Allow-Origin: *` even with credentials (the field of the same
    /// name).
    #[must_use]
    pub fn literal_wildcard(mut self, on: bool) -> CorsPolicy {
        self.literal_wildcard = on;
        self
    }

    /// The first rule that lets `origin` (a serialized origin, as in the `Origin` header) in.
    pub fn matching_rule(&self, origin: &str) -> Option<&OriginRule> {
        self.origins.iter().find(|r| r.matches(origin))
    }

    /// Whether `origin` (serialized) may read.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.matching_rule(origin).is_some()
    }

    /// Whether `origin` (serialized) is named by a rule other than [`OriginRule::Any`].
    pub fn lists_origin(&self, origin: &str) -> bool {
        self.origins
            .iter()
            .any(|r| r.is_listing() && r.matches(origin))
    }

    /// Whether the server answers `Access-Control-Allow-Origin: *` (any origin, no
    /// credentials).
    pub fn answers_wildcard(&self) -> bool {
        !self.credentials && self.origins.contains(&OriginRule::Any)
    }

    /// Whether `Access-Control-Allow-Origin` depends on the request's `Origin`, so that
    /// responses must say `Vary: Origin`.
    pub fn allow_origin_varies(&self) -> bool {
        !self.origins.is_empty() && !self.answers_wildcard()
    }

    /// Whether `method` (as the page wrote it) is allowed.
    pub fn allows_method(&self, method: &Method) -> bool {
        let method = normalize(method);
        is_cors_safelisted_method(&method)
            || match &self.methods {
                AllowList::Any => true,
                AllowList::Only(list) => list.contains(&method),
            }
    }

    /// Whether the request header `name` (not safelisted) is allowed.
    pub fn allows_request_header(&self, name: &HeaderName) -> bool {
        match &self.request_headers {
            AllowList::Any => true,
            AllowList::Only(list) => list.contains(name),
        }
    }

    /// Whether pages may read the response header `name`.
    pub fn exposes(&self, name: &HeaderName) -> bool {
        crate::header::safelist::is_cors_safelisted_response_header_name(name.as_str().as_bytes())
            || match &self.exposed_headers {
                AllowList::Any => !is_forbidden_response_header_name(name.as_str().as_bytes()),
                AllowList::Only(list) => list.contains(name),
            }
    }

    /// Whether the policy means a page of `origin` to read the response to `request`.
    ///
    /// ```
    /// use fetch_cors::policy::{CorsPolicy, DenyReason, Intent, OriginRule};
    /// use fetch_cors::simulate::PageRequest;
    /// use fetch_cors::{CredentialsMode, Origin};
    ///
    /// let policy = CorsPolicy::new().allow_origin(OriginRule::subdomains_of("https", "example.com"));
    /// let get = PageRequest::get("https://api.example.com/").unwrap();
    /// let app = Origin::parse("https://app.example.com").unwrap();
    /// assert_eq!(policy.intends_to_allow(&app, &get), Intent::Read { credentials: false });
    /// let evil = Origin::parse("https://app.example.com.evil.test").unwrap();
    /// assert_eq!(policy.intends_to_allow(&evil, &get), Intent::Deny(DenyReason::Origin));
    /// let with_cookies = get.with_credentials(CredentialsMode::Include);
    /// assert_eq!(policy.intends_to_allow(&app, &with_cookies), Intent::Deny(DenyReason::Credentials));
    /// ```
    pub fn intends_to_allow(&self, origin: &Origin, request: &PageRequest) -> Intent {
        if origin.same_origin_with_url(&request.url) {
            return Intent::SameOrigin;
        }
        if !self.allows_origin(origin.serialize()) {
            return Intent::Deny(DenyReason::Origin);
        }
        if request.mode != Mode::Cors {
            return Intent::Deny(DenyReason::Mode(request.mode));
        }
        let credentials = request.credentials == CredentialsMode::Include;
        if credentials && !self.credentials {
            return Intent::Deny(DenyReason::Credentials);
        }
        if !self.allows_method(&request.method) {
            return Intent::Deny(DenyReason::Method(request.method.clone()));
        }
        let unsafe_names =
            cors_unsafe_request_header_names(&request.headers, &Profile::SPEC.safelist);
        if let AllowList::Only(list) = &self.request_headers {
            // A set, so that many names against a long list stay linear.
            let allowed: HashSet<&HeaderName> = list.iter().collect();
            if let Some(name) = unsafe_names.iter().find(|n| !allowed.contains(**n)) {
                return Intent::Deny(DenyReason::Header((*name).clone()));
            }
        }
        Intent::Read { credentials }
    }

    /// Puts this policy's CORS layer around `inner`: the result answers preflights itself and
    /// adds CORS headers to `inner`'s responses, as a correct server with this intent would.
    pub fn wrap<S: Server>(&self, inner: S) -> PolicyServer<S> {
        PolicyServer {
            policy: self.clone(),
            inner,
        }
    }

    /// The response a correct server with this intent gives to `request`, where `resource`
    /// is what the application would answer without CORS.
    pub fn respond_with(
        &self,
        request: &http::Request<()>,
        resource: http::Response<()>,
    ) -> http::Response<()> {
        let origin = single_value(request.headers(), &ORIGIN);
        let preflight = request.method() == Method::OPTIONS
            && request
                .headers()
                .contains_key(ACCESS_CONTROL_REQUEST_METHOD);
        let mut response = if preflight {
            let mut r = http::Response::new(());
            *r.status_mut() =
                StatusCode::from_u16(self.preflight_status).unwrap_or(StatusCode::NO_CONTENT);
            r
        } else {
            resource
        };
        let mirror = preflight && (self.methods.is_any() || self.request_headers.is_any());
        let headers = response.headers_mut();
        if self.vary_origin && self.allow_origin_varies() {
            append_vary(headers, "origin");
        }
        if mirror {
            append_vary(headers, "access-control-request-method");
            append_vary(headers, "access-control-request-headers");
        }
        let Some(origin) = origin.filter(|o| self.allows_origin(o)) else {
            return response;
        };
        if !preflight && !self.allows_method(request.method()) {
            return response;
        }
        let acao = if self.answers_wildcard() || self.literal_wildcard {
            "*"
        } else {
            origin
        };
        insert(headers, ACCESS_CONTROL_ALLOW_ORIGIN, acao);
        if self.credentials {
            insert(headers, ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if preflight {
            let acrm = single_value(request.headers(), &ACCESS_CONTROL_REQUEST_METHOD);
            let acam = match &self.methods {
                AllowList::Any => acrm.map(str::to_owned),
                AllowList::Only(list) => join(list.iter().map(Method::as_str)),
            };
            if let Some(v) = acam {
                insert(headers, ACCESS_CONTROL_ALLOW_METHODS, &v);
            }
            let acah = match &self.request_headers {
                AllowList::Any => single_value(request.headers(), &ACCESS_CONTROL_REQUEST_HEADERS)
                    .map(str::to_owned),
                AllowList::Only(list) => join(list.iter().map(HeaderName::as_str)),
            };
            if let Some(v) = acah {
                insert(headers, ACCESS_CONTROL_ALLOW_HEADERS, &v);
            }
            if let Some(age) = self.max_age {
                insert(headers, ACCESS_CONTROL_MAX_AGE, &age.to_string());
            }
        } else {
            let aceh = match &self.exposed_headers {
                AllowList::Any if !self.credentials => Some("*".to_owned()),
                AllowList::Any => join(
                    headers
                        .keys()
                        .filter(|n| !n.as_str().starts_with("access-control-"))
                        .map(HeaderName::as_str),
                ),
                AllowList::Only(list) => join(list.iter().map(HeaderName::as_str)),
            };
            if let Some(v) = aceh {
                insert(headers, ACCESS_CONTROL_EXPOSE_HEADERS, &v);
            }
        }
        response
    }
}

fn single_value<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Option<&'h str> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(v), None) => v.to_str().ok(),
        _ => None,
    }
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> Option<String> {
    let items: Vec<&str> = items.collect();
    (!items.is_empty()).then(|| items.join(", "))
}

fn insert(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}

fn append_vary(headers: &mut HeaderMap, name: &str) {
    if !vary_names(headers).any(|v| v.eq_ignore_ascii_case(name)) {
        if let Ok(v) = HeaderValue::from_str(name) {
            headers.append(VARY, v);
        }
    }
}

/// The names listed in a response's `Vary` headers.
fn vary_names(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Whether a response's `Vary` covers `Origin` (`Vary: Origin` or `Vary: *`).
pub fn varies_on_origin(headers: &HeaderMap) -> bool {
    vary_names(headers).any(|v| v == "*" || v.eq_ignore_ascii_case("origin"))
}

/// The response a [`CorsPolicy`] acting as a server gives when no inner server is wrapped:
/// `200 OK` with `content-type: application/json`, and one value for each header the policy
/// exposes by name (or `x-request-id` when it exposes any), so that exposure is observable.
pub fn default_resource(policy: &CorsPolicy) -> http::Response<()> {
    let mut response = http::Response::new(());
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    match &policy.exposed_headers {
        AllowList::Any => {
            headers.insert(
                HeaderName::from_static("x-request-id"),
                HeaderValue::from_static("1"),
            );
        }
        AllowList::Only(list) => {
            for name in list {
                if !is_forbidden_response_header_name(name.as_str().as_bytes()) {
                    headers.insert(name.clone(), HeaderValue::from_static("1"));
                }
            }
        }
    }
    response
}

impl Server for CorsPolicy {
    fn respond(&mut self, request: &http::Request<()>) -> http::Response<()> {
        self.respond_with(request, default_resource(self))
    }
}

/// A server with a [`CorsPolicy`]'s CORS layer around it; see [`CorsPolicy::wrap`].
#[derive(Clone, Debug)]
pub struct PolicyServer<S> {
    /// The policy.
    pub policy: CorsPolicy,
    /// The application behind the CORS layer (not called for preflights).
    pub inner: S,
}

impl<S: Server> Server for PolicyServer<S> {
    fn respond(&mut self, request: &http::Request<()>) -> http::Response<()> {
        let preflight = request.method() == Method::OPTIONS
            && request
                .headers()
                .contains_key(ACCESS_CONTROL_REQUEST_METHOD);
        let resource = if preflight {
            http::Response::new(())
        } else {
            self.inner.respond(request)
        };
        self.policy.respond_with(request, resource)
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

/// The ready-made properties. See the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Property {
    /// Every allowed origin can read what the policy intends.
    AllowedOriginsCanRead,
    /// No origin the policy does not allow can read anything.
    OtherOriginsCannotRead,
    /// No credentialed read from an origin the policy does not list (with credentials
    /// allowed).
    NoCredentialedReadFromUnlisted,
    /// `Vary: Origin` whenever `Access-Control-Allow-Origin` depends on the request.
    VaryOriginWhenAllowOriginVaries,
    /// No read the policy does not intend, whatever the reason.
    NothingBeyondIntent,
    /// The server answers every request without panicking. Not judged on a simulation (so not
    /// in [`Property::ALL`]): [`check_all`] and [`violations`] catch the panic and report it.
    ServerAnswers,
}

impl Property {
    /// Every property, in the order [`check_all`] judges them.
    pub const ALL: [Property; 5] = [
        Property::OtherOriginsCannotRead,
        Property::NoCredentialedReadFromUnlisted,
        Property::NothingBeyondIntent,
        Property::AllowedOriginsCanRead,
        Property::VaryOriginWhenAllowOriginVaries,
    ];

    /// A short name.
    pub const fn name(self) -> &'static str {
        match self {
            Property::AllowedOriginsCanRead => "allowed origins can read",
            Property::OtherOriginsCannotRead => "other origins cannot read",
            Property::NoCredentialedReadFromUnlisted => {
                "no credentialed read from unlisted origins"
            }
            Property::VaryOriginWhenAllowOriginVaries => "Vary: Origin when Allow-Origin varies",
            Property::NothingBeyondIntent => "nothing beyond intent",
            Property::ServerAnswers => "the server answers without panicking",
        }
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// ---------------------------------------------------------------------------------------------
// Bug classes, severities and fixes

/// How bad a finding is (a [`Violation`] here, a `lint::Finding` there).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; nothing breaks and nothing leaks.
    Info,
    /// Breaks some requests, or leans on lenient browser behaviour.
    Low,
    /// Breaks requests for legitimate pages, or leaks under extra conditions (a shared cache,
    /// a network attacker).
    Medium,
    /// Lets origins outside the intent read responses.
    High,
    /// Lets any site read credentialed responses.
    Critical,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        })
    }
}

/// What kind of bug a [`Violation`] shows: which sort of origin got in that should not have,
/// or which part of the intent is broken. [`audit`] reports one violation per property and
/// class, most severe first; classes are declared from the most general leak to the least.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum BugClass {
    /// An origin unrelated to every allowed one reads: the server reflects `Origin` (or
    /// answers `*`) whatever it is.
    AnyOrigin,
    /// Origins that contain an allowed host anywhere read (an unanchored pattern).
    Substring,
    /// Origins whose host ends with an allowed host read (`https://evilapp.example.com`).
    Suffix,
    /// Origins whose host starts with an allowed host read
    /// (`https://app.example.com.evil.test`).
    Prefix,
    /// Origins with another character where an allowed host has a dot read
    /// (`https://appxexample.com`: an unescaped `.` in a regular expression).
    UnescapedDot,
    /// Origins made of pieces of two allowed ones read (`https://barfoo.com` with
    /// `https://foo.com` and `https://bar.com` allowed).
    Combination,
    /// Origins with an unusual character right after an allowed host read
    /// (`https://app.example.com_.evil.test`: a pattern with a word boundary, say).
    OddCharacter,
    /// A punycode look-alike of an allowed host reads (an IDN homograph).
    Homograph,
    /// `null` reads: sandboxed documents and `data:` URLs of any site.
    NullOrigin,
    /// The trailing-dot spelling of an allowed host reads.
    TrailingDot,
    /// A subdomain, parent or sibling of an allowed host that the policy does not list reads.
    Subdomain,
    /// An allowed host under another scheme reads (`http://app.example.com`).
    SchemeDowngrade,
    /// An allowed host on another port reads.
    OtherPort,
    /// A read with credentials that the policy does not allow.
    Credentials,
    /// A method the policy does not allow goes through.
    Method,
    /// A request header the policy does not allow goes through.
    Header,
    /// A read in a mode that should give none.
    Mode,
    /// A read the policy intends is blocked.
    Blocked,
    /// A response header the policy exposes is hidden from the page.
    HiddenHeaders,
    /// `Vary: Origin` is missing where `Access-Control-Allow-Origin` varies.
    MissingVary,
    /// The server panicked.
    ServerPanic,
}

impl BugClass {
    /// A stable kebab-case code.
    pub const fn code(self) -> &'static str {
        match self {
            BugClass::AnyOrigin => "any-origin",
            BugClass::Substring => "substring",
            BugClass::Suffix => "suffix",
            BugClass::Prefix => "prefix",
            BugClass::UnescapedDot => "unescaped-dot",
            BugClass::Combination => "combination",
            BugClass::OddCharacter => "odd-character",
            BugClass::Homograph => "homograph",
            BugClass::NullOrigin => "null-origin",
            BugClass::TrailingDot => "trailing-dot",
            BugClass::Subdomain => "subdomain",
            BugClass::SchemeDowngrade => "scheme-downgrade",
            BugClass::OtherPort => "other-port",
            BugClass::Credentials => "credentials",
            BugClass::Method => "method",
            BugClass::Header => "header",
            BugClass::Mode => "mode",
            BugClass::Blocked => "blocked",
            BugClass::HiddenHeaders => "hidden-headers",
            BugClass::MissingVary => "missing-vary",
            BugClass::ServerPanic => "server-panic",
        }
    }

    /// A short title, as a report heading.
    pub const fn title(self) -> &'static str {
        match self {
            BugClass::AnyOrigin => "any origin reads",
            BugClass::Substring => "origins containing an allowed host read (substring match)",
            BugClass::Suffix => "look-alikes ending with an allowed host read (suffix match)",
            BugClass::Prefix => "look-alikes starting with an allowed host read (prefix match)",
            BugClass::UnescapedDot => "look-alikes with another character for a dot read",
            BugClass::Combination => "combinations of allowed origins read",
            BugClass::OddCharacter => {
                "look-alikes with an odd character after an allowed host read"
            }
            BugClass::Homograph => "punycode look-alikes of an allowed host read",
            BugClass::NullOrigin => "the null origin reads",
            BugClass::TrailingDot => "the trailing-dot spelling of an allowed host reads",
            BugClass::Subdomain => "an unlisted subdomain, parent or sibling reads",
            BugClass::SchemeDowngrade => "an allowed host reads over another scheme",
            BugClass::OtherPort => "an allowed host reads from another port",
            BugClass::Credentials => "credentialed reads beyond intent",
            BugClass::Method => "a method beyond intent goes through",
            BugClass::Header => "a request header beyond intent goes through",
            BugClass::Mode => "a read in a mode that gives none",
            BugClass::Blocked => "an intended read is blocked",
            BugClass::HiddenHeaders => "an exposed response header is hidden",
            BugClass::MissingVary => "Vary: Origin is missing",
            BugClass::ServerPanic => "the server panics",
        }
    }

    /// Whether the class says which origins get in.
    pub const fn is_origin_leak(self) -> bool {
        (self as u8) <= (BugClass::OtherPort as u8)
    }

    /// Whether a leak of `self` is already explained by a leak of `other` on the same
    /// property (any origin explains every look-alike; a substring match explains suffix and
    /// prefix tricks), so that one bug gives one finding.
    pub fn explained_by(self, other: BugClass) -> bool {
        use BugClass as C;
        if self == other || !self.is_origin_leak() || !other.is_origin_leak() {
            return false;
        }
        let explained: &[BugClass] = match other {
            C::AnyOrigin => return true,
            // A test on part of a host also admits dot tricks and homographs of the rest
            // (`ends_with("example.com")` lets `appxexample.com` in).
            C::Substring => &[
                C::Suffix,
                C::Prefix,
                C::UnescapedDot,
                C::Combination,
                C::OddCharacter,
                C::Homograph,
                C::TrailingDot,
                C::Subdomain,
                C::SchemeDowngrade,
                C::OtherPort,
            ],
            C::Suffix => &[
                C::UnescapedDot,
                C::Homograph,
                C::Subdomain,
                C::Combination,
                C::SchemeDowngrade,
            ],
            C::Prefix => &[C::OddCharacter, C::TrailingDot, C::OtherPort],
            C::UnescapedDot => &[C::Combination],
            _ => &[],
        };
        explained.contains(&self)
    }
}

impl fmt::Display for BugClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

/// An allowed `scheme://host:port` the look-alikes are made from.
struct Anchor {
    scheme: String,
    host: String,
    port: Option<u16>,
}

fn host_text(host: &Host<String>) -> String {
    match host {
        Host::Domain(d) => d.clone(),
        other => other.to_string(),
    }
}

fn anchor_of(origin: &Origin) -> Option<Anchor> {
    origin.as_tuple().map(|t| Anchor {
        scheme: t.scheme().to_owned(),
        host: host_text(t.host()),
        port: Some(t.port()),
    })
}

/// The origins a policy names, as anchors for look-alikes.
fn anchors(policy: &CorsPolicy) -> Vec<Anchor> {
    let mut out = Vec::new();
    for rule in &policy.origins {
        match rule {
            OriginRule::Exact(o) => out.extend(anchor_of(o)),
            OriginRule::Subdomains {
                scheme,
                domain,
                port,
                ..
            } => out.push(Anchor {
                scheme: scheme.clone(),
                host: domain.clone(),
                port: port.or_else(|| default_port(scheme)),
            }),
            OriginRule::Suffix(s) | OriginRule::Prefix(s) | OriginRule::Substring(s) => {
                match Origin::parse(s).ok().as_ref().and_then(anchor_of) {
                    Some(a) if s.contains("://") => out.push(a),
                    _ => {
                        let host = s.split_once("://").map_or(s.as_str(), |(_, h)| h);
                        let host = host.trim_matches(|c| c == '.' || c == '/');
                        if !host.is_empty() {
                            out.push(Anchor {
                                scheme: "https".into(),
                                host: host.to_ascii_lowercase(),
                                port: None,
                            });
                        }
                    }
                }
            }
            OriginRule::Regex(_) => out.extend(rule.regex_example().as_ref().and_then(anchor_of)),
            OriginRule::Any | OriginRule::Null => {}
        }
    }
    out
}

fn first_label(host: &str) -> &str {
    host.split('.').next().unwrap_or(host)
}

/// How `origin` (not allowed) relates to the origins the policy names.
pub(crate) fn origin_class(policy: &CorsPolicy, origin: &Origin) -> BugClass {
    let Some(t) = origin.as_tuple() else {
        return BugClass::NullOrigin;
    };
    let anchors = anchors(policy);
    let ho = host_text(t.host());
    let (so, po) = (t.scheme(), t.port());
    // An allowed origin spelled differently: another scheme, port, or a trailing dot.
    let default_here = default_port(so) == Some(po);
    for other in ["https", "http"].into_iter().filter(|s| *s != so) {
        let port = if default_here {
            default_port(other).unwrap_or(po)
        } else {
            po
        };
        if policy.allows_origin(&with_port(other, &ho, port)) {
            return BugClass::SchemeDowngrade;
        }
    }
    if let Some(trimmed) = ho.strip_suffix('.') {
        if policy.allows_origin(&with_port(so, trimmed, po)) {
            return BugClass::TrailingDot;
        }
    }
    if !default_here {
        if let Some(p) = default_port(so) {
            if policy.allows_origin(&with_port(so, &ho, p)) {
                return BugClass::OtherPort;
            }
        }
    }
    // Pieces of two different allowed hosts in one name.
    let mut labels: Vec<&str> = anchors
        .iter()
        .map(|a| first_label(&a.host))
        .filter(|l| l.len() >= 2 && ho.contains(*l))
        .collect();
    labels.sort_unstable();
    labels.dedup();
    if labels.len() >= 2 && !anchors.iter().any(|a| a.host == ho) {
        return BugClass::Combination;
    }
    for a in &anchors {
        let ha = a.host.as_str();
        if ho == ha {
            if so != a.scheme {
                return BugClass::SchemeDowngrade;
            }
            if a.port.is_some_and(|p| p != po) {
                return BugClass::OtherPort;
            }
            // The apex of a subdomain rule without it.
            return BugClass::Subdomain;
        }
        if ho.strip_suffix('.') == Some(ha) {
            return BugClass::TrailingDot;
        }
        if ho.contains("xn--")
            && !ha.contains("xn--")
            && ho.split_once('.').map(|(_, r)| r) == ha.split_once('.').map(|(_, r)| r)
        {
            return BugClass::Homograph;
        }
        if ho.ends_with(&format!(".{ha}")) || ha.ends_with(&format!(".{ho}")) {
            return BugClass::Subdomain;
        }
        if ho.ends_with(ha) {
            return BugClass::Suffix;
        }
        if let Some(rest) = ho.strip_prefix(ha) {
            return match rest.chars().next() {
                Some(c) if c == '.' || c == '-' || c.is_ascii_alphanumeric() => BugClass::Prefix,
                _ => BugClass::OddCharacter,
            };
        }
        if ho.contains(ha) {
            return BugClass::Substring;
        }
        if ho.len() == ha.len() && ho.bytes().zip(ha.bytes()).all(|(x, y)| x == y || y == b'.') {
            return BugClass::UnescapedDot;
        }
    }
    if let Ok(o) = Origin::parse(&format!("https://{ho}")) {
        for a in &anchors {
            if Origin::parse(&format!("https://{}", a.host)).is_ok_and(|x| x.same_site(&o)) {
                return BugClass::Subdomain;
            }
        }
    }
    BugClass::AnyOrigin
}

/// How bad a violation of `class` is, with or without the user's cookies.
fn severity_of(class: BugClass, credentialed: bool) -> Severity {
    use BugClass as C;
    match class {
        C::SchemeDowngrade | C::OtherPort | C::Subdomain | C::TrailingDot => {
            if credentialed {
                Severity::High
            } else {
                Severity::Medium
            }
        }
        c if c.is_origin_leak() => {
            if credentialed {
                Severity::Critical
            } else {
                Severity::High
            }
        }
        C::Credentials => Severity::High,
        C::Blocked | C::MissingVary | C::ServerPanic | C::Mode => Severity::Medium,
        _ => Severity::Low,
    }
}

/// What to change on the server so that `class` no longer leaks.
fn origin_fix(class: BugClass, origin: &str, credentialed: bool) -> String {
    use BugClass as C;
    let what = match class {
        C::AnyOrigin => {
            "the server allows every origin: it copies Origin into Access-Control-Allow-Origin \
             (or answers `*`). Look the request's Origin up in an exact allow-list and send \
             Access-Control-Allow-Origin (and Allow-Credentials) only for listed origins"
        }
        C::Substring => {
            "the origin check is an unanchored pattern (a substring test or a regular expression \
             without `^` and `$`): compare the whole serialized origin with each allowed one"
        }
        C::Suffix => {
            "the origin check tests a suffix without a dot boundary: compare whole origins, or \
             for subdomains require the scheme, a host ending with `.` plus the domain, and the port"
        }
        C::Prefix => {
            "the origin check tests a prefix: compare the whole serialized origin (anchor a \
             regular expression with `$`)"
        }
        C::UnescapedDot => {
            "a regular expression has an unescaped `.`, which matches any character: write `\\.`"
        }
        C::Combination => {
            "the check accepts concatenations of allowed names (a repeated group such as \
             `(foo|bar)+`, or a search in the joined list): compare the origin with each list \
             entry in full"
        }
        C::OddCharacter => {
            "the check stops at a character it takes for a boundary (`_`, `` ` ``, `}`, a word \
             boundary `\\b`): compare the whole serialized origin"
        }
        C::Homograph => {
            "the check compares host names loosely (Unicode folding or decoded punycode): compare \
             the ASCII serialization byte for byte"
        }
        C::NullOrigin => {
            "remove `null` from the allow-list: sandboxed iframes, data: URLs and requests \
             redirected across origins send it, from any site"
        }
        C::TrailingDot => {
            "the check ignores a trailing dot: compare the serialized origin byte for byte"
        }
        C::Subdomain => {
            "list exactly the hosts meant to read; a subdomain pattern also lets in every \
             subdomain (including ones that can be taken over)"
        }
        C::SchemeDowngrade => {
            "the check ignores the scheme: require `https://`, since a network attacker can run \
             script in an http:// page of the same host"
        }
        C::OtherPort => "the check ignores the port: compare it too",
        _ => "",
    };
    let creds = if credentialed {
        " Never send Access-Control-Allow-Credentials: true for an origin that is not listed."
    } else {
        ""
    };
    format!("{what} ({origin} must get no Access-Control-Allow-Origin).{creds}")
}

/// What to change on the server so that an intended read is not blocked by `error`.
fn blocked_fix(error: &CorsError, origin: &str) -> String {
    match error {
        CorsError::MissingAllowOrigin {
            stage: crate::error::Stage::Preflight,
            status,
        } if !(200..=299).contains(status) => format!(
            "the preflight was answered {status} with no CORS headers: answer OPTIONS requests \
             that carry Access-Control-Request-Method before authentication or routing (browsers \
             never send cookies or Authorization on them), with a 2xx status and \
             Access-Control-Allow-Origin: {origin}"
        ),
        CorsError::MissingAllowOrigin { stage, .. } => format!(
            "send Access-Control-Allow-Origin: {origin} (with Vary: Origin) on the {} for this origin",
            stage_text(*stage)
        ),
        CorsError::PreflightInvalidStatus { status } => format!(
            "the preflight was answered {status}: answer OPTIONS preflights with a 2xx status \
             (204) before authentication or routing runs"
        ),
        CorsError::MethodNotAllowed { method } => {
            format!("list {method} in Access-Control-Allow-Methods on the preflight response")
        }
        CorsError::HeaderNotAllowed {
            name,
            wildcard_present,
        } => format!(
            "list {name} in Access-Control-Allow-Headers on the preflight response{}",
            if *wildcard_present {
                " (`*` does not cover it here)"
            } else {
                ""
            }
        ),
        CorsError::WildcardOriginWithCredentials { .. } => format!(
            "answer credentialed requests with Access-Control-Allow-Origin: {origin} (the \
             request's origin, found in the allow-list) and Vary: Origin instead of `*`"
        ),
        CorsError::InvalidAllowCredentials { stage, .. } => format!(
            "send Access-Control-Allow-Credentials: true (exactly) on the {}",
            stage_text(*stage)
        ),
        CorsError::AllowOriginMismatch { value, .. } => format!(
            "Access-Control-Allow-Origin says {value}: send the requesting origin ({origin}) when \
             it is on the list, with Vary: Origin"
        ),
        CorsError::MultipleAllowOriginValues { .. } => format!(
            "send exactly one Access-Control-Allow-Origin value, the requesting origin ({origin})"
        ),
        CorsError::InvalidAllowOriginValue { value, .. } => format!(
            "{value} is not a serialized origin: send {origin} exactly (no path, no trailing \
             slash, lowercase, no default port)"
        ),
        other => {
            format!("the browser blocks the read ({other}): change the response so it does not")
        }
    }
}

fn stage_text(stage: crate::error::Stage) -> &'static str {
    match stage {
        crate::error::Stage::Preflight => "preflight response",
        crate::error::Stage::Redirect => "redirect response",
        crate::error::Stage::Response => "response",
    }
}

// ---------------------------------------------------------------------------------------------
// Violations

/// A property that does not hold, with the counterexample: the page's origin, its request,
/// what the browser would do, every exchange on the wire, how bad it is and what to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The property broken.
    pub property: Property,
    /// What kind of bug it shows.
    pub class: BugClass,
    /// How bad it is.
    pub severity: Severity,
    /// Whether the request went out with the user's cookies (a credentialed leak is worse).
    pub credentialed: bool,
    /// The page's origin, serialized.
    pub origin: String,
    /// The page's request, as a `fetch()` call.
    pub request: String,
    /// The engine whose profile it was seen in, when known.
    pub profile: Option<crate::profile::Engine>,
    /// What went wrong, in words.
    pub message: String,
    /// What to change on the server.
    pub fix: String,
    /// The exchanges, one line per request and per response.
    pub exchanges: Box<[String]>,
}

impl Violation {
    /// The heading of a report: severity, class and whether cookies were sent.
    pub fn title(&self) -> String {
        let cookies = if self.credentialed && self.class.is_origin_leak() {
            ", with the user's cookies"
        } else {
            ""
        };
        format!("[{}] {}{cookies}", self.severity, self.class)
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.title())?;
        writeln!(f, "property \"{}\" fails: {}", self.property, self.message)?;
        writeln!(f, "  page origin: {}", self.origin)?;
        writeln!(f, "  request:     {}", self.request)?;
        if let Some(p) = self.profile {
            writeln!(f, "  profile:     {}", p.name())?;
        }
        write!(f, "  fix:         {}", self.fix)?;
        for line in &self.exchanges {
            write!(f, "\n    {line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violation {}

fn describe_headers(headers: &HeaderMap, keep: impl Fn(&str) -> bool) -> String {
    let parts: Vec<String> = headers
        .iter()
        .filter(|(n, _)| keep(n.as_str()))
        .map(|(n, v)| format!("{n}: {}", String::from_utf8_lossy(v.as_bytes())))
        .collect();
    parts.join("; ")
}

fn describe_exchanges(sent: &[Exchange]) -> Vec<String> {
    let mut lines = Vec::new();
    for e in sent {
        let kind = match e.kind {
            OutgoingKind::Preflight => "preflight",
            OutgoingKind::Request => "request",
        };
        let creds = if e.include_credentials {
            " (with cookies)"
        } else {
            ""
        };
        lines.push(format!(
            "> {kind}: {} {}{creds} [{}]",
            e.request.method(),
            e.request.uri(),
            describe_headers(e.request.headers(), |_| true)
        ));
        lines.push(format!(
            "< {} [{}]",
            e.response.status().as_u16(),
            describe_headers(e.response.headers(), |n| n.starts_with("access-control-")
                || n == "vary")
        ));
    }
    lines
}

/// Judges one property on a finished simulation of `request` made by a page of `origin`.
pub fn judge(
    property: Property,
    policy: &CorsPolicy,
    origin: &Origin,
    request: &PageRequest,
    sim: &Simulation,
) -> Result<(), Violation> {
    let credentialed = request.sends_credentials(origin);
    let serialized = origin.serialize();
    let fail = |class: BugClass, credentialed: bool, message: String, fix: String| Violation {
        property,
        class,
        severity: severity_of(class, credentialed),
        credentialed,
        origin: serialized.to_owned(),
        request: request.to_string(),
        profile: None,
        message,
        fix,
        exchanges: describe_exchanges(&sim.sent).into_boxed_slice(),
    };
    let intent = policy.intends_to_allow(origin, request);
    let read = sim.readable();
    match property {
        Property::OtherOriginsCannotRead => {
            if intent == Intent::Deny(DenyReason::Origin) {
                if let Some(r) = read {
                    let class = origin_class(policy, origin);
                    return Err(fail(
                        class,
                        credentialed,
                        format!(
                            "{serialized} is not allowed, yet the browser lets it read the {} response (status {}{})",
                            r.response_type.as_str(),
                            r.status,
                            if credentialed {
                                ", sent with cookies"
                            } else {
                                ""
                            }
                        ),
                        origin_fix(class, serialized, credentialed),
                    ));
                }
            }
        }
        Property::NoCredentialedReadFromUnlisted => {
            let cross = intent != Intent::SameOrigin;
            if cross && credentialed && read.is_some() {
                let listed = policy.lists_origin(serialized);
                if !listed || !policy.credentials {
                    let (why, class, fix) = if listed {
                        (
                            "the policy allows no credentials",
                            BugClass::Credentials,
                            "do not send Access-Control-Allow-Credentials: true".to_owned(),
                        )
                    } else {
                        let class = match origin_class(policy, origin) {
                            // Allowed through `Any` only: the list is the problem.
                            _ if policy.allows_origin(serialized) => BugClass::AnyOrigin,
                            c => c,
                        };
                        (
                            "the policy does not list it",
                            class,
                            origin_fix(class, serialized, true),
                        )
                    };
                    return Err(fail(
                        class,
                        true,
                        format!(
                            "the browser lets {serialized} read a response sent with cookies, but {why}"
                        ),
                        fix,
                    ));
                }
            }
        }
        Property::NothingBeyondIntent => {
            if let (Intent::Deny(reason), Some(r)) = (&intent, read) {
                let (class, fix) = match reason {
                    DenyReason::Origin => {
                        let c = origin_class(policy, origin);
                        (c, origin_fix(c, serialized, credentialed))
                    }
                    DenyReason::Credentials => (
                        BugClass::Credentials,
                        "do not send Access-Control-Allow-Credentials: true".to_owned(),
                    ),
                    DenyReason::Method(m) => (
                        BugClass::Method,
                        format!(
                            "list only the methods the API serves in Access-Control-Allow-Methods \
                             (do not mirror Access-Control-Request-Method); {m} is not one"
                        ),
                    ),
                    DenyReason::Header(h) => (
                        BugClass::Header,
                        format!(
                            "list only the request headers the API reads in \
                             Access-Control-Allow-Headers (do not mirror \
                             Access-Control-Request-Headers); {h} is not one"
                        ),
                    ),
                    DenyReason::Mode(_) => (
                        BugClass::Mode,
                        "no server header should make this readable; report it".to_owned(),
                    ),
                };
                return Err(fail(
                    class,
                    credentialed,
                    format!(
                        "the browser lets the page read the {} response, but {reason}",
                        r.response_type.as_str()
                    ),
                    fix,
                ));
            }
        }
        Property::AllowedOriginsCanRead => {
            if let Intent::Read { .. } = intent {
                let Some(r) = read else {
                    let (why, fix) = match &sim.outcome {
                        Err(e) => (e.to_string(), blocked_fix(e, serialized)),
                        Ok(r) => (
                            format!("the response is {}", r.response_type.as_str()),
                            "send CORS headers for this origin".to_owned(),
                        ),
                    };
                    return Err(fail(
                        BugClass::Blocked,
                        credentialed,
                        format!("{serialized} is allowed, but the browser blocks the read: {why}"),
                        fix,
                    ));
                };
                if let Some(resp) = sim.final_response() {
                    // A set of the exposed names, and a binary search in the sorted readable
                    // ones: many names against a long list stay linear-logarithmic.
                    let listed: Option<HashSet<&HeaderName>> = match &policy.exposed_headers {
                        AllowList::Only(list) => Some(list.iter().collect()),
                        AllowList::Any => None,
                    };
                    let exposed = |n: &HeaderName| match &listed {
                        Some(set) => {
                            crate::header::safelist::is_cors_safelisted_response_header_name(
                                n.as_str().as_bytes(),
                            ) || set.contains(n)
                        }
                        None => policy.exposes(n),
                    };
                    let hidden: Vec<&str> = resp
                        .headers()
                        .keys()
                        .filter(|n| {
                            !n.as_str().starts_with("access-control-")
                                && n.as_str() != "vary"
                                && exposed(n)
                                && r.header_names
                                    .binary_search_by(|x| x.as_str().cmp(n.as_str()))
                                    .is_err()
                        })
                        .map(HeaderName::as_str)
                        .collect();
                    if !hidden.is_empty() {
                        let names = hidden.join(", ");
                        return Err(fail(
                            BugClass::HiddenHeaders,
                            credentialed,
                            format!(
                                "{serialized} may read the response header(s) {names}, but the browser hides them"
                            ),
                            format!("list {names} in Access-Control-Expose-Headers"),
                        ));
                    }
                }
            }
        }
        Property::VaryOriginWhenAllowOriginVaries => {
            for e in &sim.sent {
                if e.kind != OutgoingKind::Request || !e.request.headers().contains_key(ORIGIN) {
                    continue;
                }
                let headers = e.response.headers();
                if varies_on_origin(headers) {
                    continue;
                }
                let acao = headers
                    .get(ACCESS_CONTROL_ALLOW_ORIGIN)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
                let fix = "send Vary: Origin on every response whose CORS headers depend on \
                           Origin, refused origins included"
                    .to_owned();
                match acao {
                    Some(v) if v != "*" => {
                        return Err(fail(
                            BugClass::MissingVary,
                            credentialed,
                            format!(
                                "the response to {} carries Access-Control-Allow-Origin: {v} without Vary: Origin; \
                                 a shared cache can serve it to other origins",
                                e.request.uri()
                            ),
                            fix,
                        ));
                    }
                    None if policy.allow_origin_varies() => {
                        return Err(fail(
                            BugClass::MissingVary,
                            credentialed,
                            format!(
                                "the response to {} has no Access-Control-Allow-Origin and no Vary: Origin, \
                                 though the policy answers other origins differently; a shared cache can serve \
                                 this answer to them",
                                e.request.uri()
                            ),
                            fix,
                        ));
                    }
                    _ => {}
                }
            }
        }
        // Judged where the server is called, not on a simulation.
        Property::ServerAnswers => {}
    }
    Ok(())
}

/// Judges every property of `properties` (all of [`Property::ALL`] when empty) on one
/// simulation, most severe violation first.
pub fn judge_all(
    properties: &[Property],
    policy: &CorsPolicy,
    origin: &Origin,
    request: &PageRequest,
    sim: &Simulation,
) -> Vec<Violation> {
    let properties = if properties.is_empty() {
        &Property::ALL[..]
    } else {
        properties
    };
    let mut out: Vec<Violation> = properties
        .iter()
        .filter_map(|p| judge(*p, policy, origin, request, sim).err())
        .collect();
    sort_violations(&mut out);
    out
}

/// Most severe first; among equals, the more general class, then [`Property::ALL`]'s order.
fn sort_violations(v: &mut [Violation]) {
    let rank = |p: Property| {
        Property::ALL
            .iter()
            .position(|x| *x == p)
            .unwrap_or(usize::MAX)
    };
    v.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.class.cmp(&b.class))
            .then(rank(a.property).cmp(&rank(b.property)))
    });
}

/// A server wrapper that turns a panic into a `500` and remembers it.
struct Guard<'s, S> {
    inner: &'s mut S,
    panic: Option<String>,
}

impl<S: Server> Server for Guard<'_, S> {
    fn respond(&mut self, request: &http::Request<()>) -> http::Response<()> {
        let mut error = http::Response::new(());
        *error.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        if self.panic.is_some() {
            return error;
        }
        let inner = &mut *self.inner;
        match catch_unwind(AssertUnwindSafe(|| inner.respond(request))) {
            Ok(r) => r,
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a non-text panic".to_owned());
                self.panic = Some(format!(
                    "{message} (while answering {} {})",
                    request.method(),
                    request.uri()
                ));
                error
            }
        }
    }
}

/// Runs the fetch (catching a panicking server) and judges `properties`.
fn run_and_judge_all(
    properties: &[Property],
    server: &mut impl Server,
    policy: &CorsPolicy,
    origin: &Origin,
    request: &PageRequest,
    profile: &Profile,
) -> Vec<Violation> {
    let mut cache = PreflightCache::new(profile);
    let mut guard = Guard {
        inner: server,
        panic: None,
    };
    // A request no page could make (a forbidden method, say) says nothing about the server.
    let Ok(sim) = simulate_page(
        request,
        origin,
        profile,
        &mut cache,
        Timestamp::ZERO,
        &mut guard,
    ) else {
        return Vec::new();
    };
    let mut out = if let Some(message) = guard.panic {
        vec![Violation {
            property: Property::ServerAnswers,
            class: BugClass::ServerPanic,
            severity: severity_of(BugClass::ServerPanic, false),
            credentialed: request.sends_credentials(origin),
            origin: origin.serialize().to_owned(),
            request: request.to_string(),
            profile: None,
            message: format!("the server panicked: {message}"),
            fix: "return an error response instead of panicking; any page can send this request"
                .to_owned(),
            exchanges: describe_exchanges(&sim.sent).into_boxed_slice(),
        }]
    } else {
        judge_all(properties, policy, origin, request, &sim)
    };
    for v in &mut out {
        v.profile = Some(profile.engine);
    }
    sort_violations(&mut out);
    out
}

fn run_and_judge(
    properties: &[Property],
    server: &mut impl Server,
    policy: &CorsPolicy,
    origin: &Origin,
    request: &PageRequest,
    profile: &Profile,
) -> Result<(), Violation> {
    match run_and_judge_all(properties, server, policy, origin, request, profile)
        .into_iter()
        .next()
    {
        Some(v) => Err(v),
        None => Ok(()),
    }
}

/// Every allowed origin can read what the policy intends: when
/// [`CorsPolicy::intends_to_allow`] says [`Intent::Read`], the browser lets the page read the
/// response, with every header the policy exposes.
pub fn allowed_origins_can_read(
    server: &mut impl Server,
    policy: &CorsPolicy,
    origin: &Origin,
    request: &PageRequest,
    profile: &Profile,
) -> Result<(), Violation> {
    run_and_judge(
        &[Property::AllowedOriginsCanRead],
        server,
        policy,
        origin,
        request,
        profile,
    )
}

/// No other origin can read anything: when the policy does not allow `origin`, the browser
/// gives its page a network error or an opaque response, whatever the request.
pub fn other_origins_cannot_read(
    server: &mut impl Server,
    policy: &CorsPolicy,
    origin: &Origin,
    request: &PageRequest,
    profile: &Profile,
) -> Result<(), Violation> {
    run_and_judge(
        &[Property::OtherOriginsCannotRead],
        server,
        policy,
        origin,
        request,
        profile,
    )
}

/// No credentialed read from an origin not listed: a cross-origin response fetched with
/// cookies is readable only by origins the policy names (not through
/// [`OriginRule::Any`]), and only if the policy allows credentials.
pub fn no_credentialed_read_from_unlisted(
    server: &mut impl Server,
    policy: &CorsPolicy,
    origin: &Origin,
    request: &PageRequest,
    profile: &Profile,
) -> Result<(), Violation> {
    run_and_judge(
        &[Property::NoCredentialedReadFromUnlisted],
        server,
        policy,
        origin,
        request,
        profile,
    )
}

/// `Vary: Origin` is present whenever `Access-Control-Allow-Origin` depends on the request:
/// on every response (not preflight) carrying an `Access-Control-Allow-Origin` other than
/// `*`, and, when the policy answers origins differently, on every response to a request
/// with an `Origin` header.
pub fn vary_origin_when_allow_origin_varies(
    server: &mut impl Server,
    policy: &CorsPolicy,
    origin: &Origin,
    request: &PageRequest,
    profile: &Profile,
) -> Result<(), Violation> {
    run_and_judge(
        &[Property::VaryOriginWhenAllowOriginVaries],
        server,
        policy,
        origin,
        request,
        profile,
    )
}

/// No read the policy does not intend: when [`CorsPolicy::intends_to_allow`] says
/// [`Intent::Deny`], for whatever reason, the page cannot read the response.
pub fn nothing_beyond_intent(
    server: &mut impl Server,
    policy: &CorsPolicy,
    origin: &Origin,
    request: &PageRequest,
    profile: &Profile,
) -> Result<(), Violation> {
    run_and_judge(
        &[Property::NothingBeyondIntent],
        server,
        policy,
        origin,
        request,
        profile,
    )
}

/// Runs the fetch once and judges every property ([`Property::ALL`]), returning the most
/// severe violation (a panicking server gives a [`Property::ServerAnswers`] violation).
/// [`violations`] returns them all.
pub fn check_all(
    server: &mut impl Server,
    policy: &CorsPolicy,
    origin: &Origin,
    request: &PageRequest,
    profile: &Profile,
) -> Result<(), Violation> {
    run_and_judge(&Property::ALL, server, policy, origin, request, profile)
}

/// Runs the fetch once and returns every violated property, most severe first, each with the
/// counterexample, its [`BugClass`] and the fix. A panicking server gives one
/// [`Property::ServerAnswers`] violation naming the origin and the request.
pub fn violations(
    server: &mut impl Server,
    policy: &CorsPolicy,
    origin: &Origin,
    request: &PageRequest,
    profile: &Profile,
) -> Vec<Violation> {
    run_and_judge_all(&Property::ALL, server, policy, origin, request, profile)
}

// ---------------------------------------------------------------------------------------------
// Adversarial origins and requests, and the deterministic audit

fn with_port(scheme: &str, host: &str, port: u16) -> String {
    if default_port(scheme) == Some(port) {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{host}:{port}")
    }
}

/// The look-alikes of one origin, most telling first: for `https://app.example.com`, the
/// prefix trick `https://app.example.com.evil.test`, the suffix tricks
/// `https://evilapp.example.com` and `https://evil-app.example.com`, a substring
/// `https://xapp.example.com.evil.test`, characters matchers mishandle after the host
/// (`-`, `_`, `` ` ``, `}`), unescaped dots `https://appxexample.com`, a subdomain, the parent
/// and a sibling, the trailing dot, a punycode homograph, the other scheme, other ports and
/// `null`. The origin itself is never in the list.
///
/// ```
/// use fetch_cors::Origin;
/// use fetch_cors::policy::look_alikes;
///
/// let app = Origin::parse("https://app.example.com").unwrap();
/// let names: Vec<String> = look_alikes(&app).iter().map(|o| o.to_string()).collect();
/// assert!(names.contains(&"https://appxexample.com".to_string()));
/// assert!(names.contains(&"http://app.example.com".to_string()));
/// assert!(!names.contains(&"https://app.example.com".to_string()));
/// ```
pub fn look_alikes(of: &Origin) -> Vec<Origin> {
    let mut texts: Vec<String> = Vec::new();
    match of.as_tuple() {
        None => texts.extend(
            [
                "https://null",
                "http://null.evil.test",
                "https://evil.example",
            ]
            .map(String::from),
        ),
        Some(t) => {
            let s = t.scheme();
            let p = t.port();
            let other_scheme = if s == "https" { "http" } else { "https" };
            // The other scheme on its own default port when `of` uses its scheme's default.
            let other_port = match (s, p) {
                ("https", 443) => 80,
                ("http", 80) => 443,
                _ => p,
            };
            match t.host() {
                Host::Domain(h) => {
                    look_alike_hosts(h, &mut |host| texts.push(with_port(s, host, p)))
                }
                Host::Ipv4(ip) => {
                    let next = std::net::Ipv4Addr::from(u32::from(*ip).wrapping_add(1));
                    texts.push(with_port(s, &next.to_string(), p));
                    texts.push(with_port(s, &format!("{ip}.evil.test"), p));
                }
                Host::Ipv6(ip) => {
                    let next = std::net::Ipv6Addr::from(u128::from(*ip).wrapping_add(1));
                    texts.push(with_port(s, &format!("[{next}]"), p));
                }
            }
            let host = host_text(t.host());
            texts.push(with_port(other_scheme, &host, other_port));
            texts.push(with_port(s, &host, p.wrapping_add(1).max(1)));
            texts.push(with_port(s, &host, if p == 8443 { 8080 } else { 8443 }));
            texts.push("null".into());
        }
    }
    parse_unique(texts, &[of.serialize()])
}

/// Look-alike hosts of the domain `h`, most telling first.
fn look_alike_hosts(h: &str, push: &mut impl FnMut(&str)) {
    push(&format!("{h}.evil.test"));
    push(&format!("evil{h}"));
    push(&format!("evil-{h}"));
    push(&format!("x{h}.evil.test"));
    push(&format!("{h}evil.test"));
    for c in ["-", "_", "`", "}", "!", "$", "+"] {
        push(&format!("{h}{c}.evil.test"));
    }
    for (i, _) in h.match_indices('.') {
        for glue in ["x", "-"] {
            push(&format!("{}{glue}{}", &h[..i], &h[i + 1..]));
        }
    }
    // Every dot at once, for a pattern with several unescaped ones.
    if h.matches('.').count() > 1 {
        push(&h.replace('.', "x"));
    }
    push(&format!("evil.{h}"));
    if let Some((_, parent)) = h.split_once('.') {
        if parent.contains('.') {
            push(parent);
            push(&format!("evil.{parent}"));
        }
    }
    push(&format!("{h}."));
    // A homograph: the first Latin `a`, `e` or `o` written in Cyrillic (the URL parser turns it
    // into punycode).
    if let Some(i) = h.find(['a', 'e', 'o']) {
        let cyr = match &h[i..=i] {
            "a" => "\u{430}",
            "e" => "\u{435}",
            _ => "\u{43e}",
        };
        push(&format!("{}{cyr}{}", &h[..i], &h[i + 1..]));
    }
    push(&h.to_ascii_uppercase());
}

fn parse_unique(texts: Vec<String>, skip: &[&str]) -> Vec<Origin> {
    let mut seen: HashSet<String> = skip.iter().map(|s| (*s).to_owned()).collect();
    let mut out = Vec::new();
    for text in texts {
        let Ok(o) = Origin::parse(&text) else {
            continue;
        };
        if seen.insert(o.serialize().to_owned()) {
            out.push(o);
        }
    }
    out
}

/// Origins made of two allowed ones: one host's first label glued to the other host
/// (`https://barfoo.com` from `https://foo.com` and `https://bar.com`), both first labels on
/// one domain, one host under the other, and one origin's scheme or port with the other's
/// host.
pub fn combinations(allowed: &[Origin]) -> Vec<Origin> {
    let tuples: Vec<_> = allowed.iter().filter_map(Origin::as_tuple).collect();
    let mut texts = Vec::new();
    for a in &tuples {
        for b in &tuples {
            let (ha, hb) = (host_text(a.host()), host_text(b.host()));
            if ha == hb {
                continue;
            }
            let (s, p) = (a.scheme(), a.port());
            if let (Host::Domain(_), Host::Domain(_)) = (a.host(), b.host()) {
                let lb = first_label(&hb);
                texts.push(with_port(s, &format!("{lb}{ha}"), p));
                texts.push(with_port(s, &format!("{lb}-{ha}"), p));
                if let Some((la, rest)) = ha.split_once('.') {
                    texts.push(with_port(s, &format!("{la}{lb}.{rest}"), p));
                }
                texts.push(with_port(s, &format!("{ha}.{hb}"), p));
            }
            texts.push(with_port(b.scheme(), &ha, b.port()));
            texts.push(with_port(s, &ha, b.port()));
        }
    }
    let skip: Vec<&str> = allowed.iter().map(Origin::serialize).collect();
    parse_unique(texts, &skip)
}

/// Origins that say something about a server, given what a policy allows: first the
/// origins the policy names (they must be able to read), then an unrelated origin
/// (`https://evil.example`, which only a server that lets any origin in admits) and `null`,
/// then the look-alikes of each named origin ([`look_alikes`]) and the combinations of
/// every two of them ([`combinations`]). `extra` origins are added to the named ones.
/// Deterministic, and ordered so that a caller that can only try a few (a live probe) tries
/// the most telling first.
///
/// ```
/// use fetch_cors::policy::{adversarial_origins, CorsPolicy, OriginRule};
///
/// let policy = CorsPolicy::new()
///     .allow_origin(OriginRule::exact("https://foo.com").unwrap())
///     .allow_origin(OriginRule::exact("https://bar.com").unwrap());
/// let names: Vec<String> = adversarial_origins(&policy, &[]).iter().map(|o| o.to_string()).collect();
/// assert_eq!(names[..2], ["https://foo.com", "https://bar.com"]);
/// for want in ["https://evil.example", "null", "https://barfoo.com", "http://foo.com"] {
///     assert!(names.contains(&want.to_string()), "{want}");
/// }
/// ```
pub fn adversarial_origins(policy: &CorsPolicy, extra: &[Origin]) -> Vec<Origin> {
    let mut named: Vec<Origin> = Vec::new();
    for rule in &policy.origins {
        match rule {
            OriginRule::Exact(o) => named.push(o.clone()),
            OriginRule::Subdomains {
                scheme,
                domain,
                port,
                include_apex,
            } => {
                let port = port.or_else(|| default_port(scheme)).unwrap_or(443);
                named.extend(Origin::parse(&with_port(
                    scheme,
                    &format!("app.{domain}"),
                    port,
                )));
                if *include_apex {
                    named.extend(Origin::parse(&with_port(scheme, domain, port)));
                }
            }
            OriginRule::Null => {
                named.push(Origin::Opaque(crate::origin::OpaqueOrigin::anonymous()))
            }
            OriginRule::Suffix(_) | OriginRule::Prefix(_) | OriginRule::Substring(_) => {
                named.extend(
                    anchors(&CorsPolicy::new().allow_origin(rule.clone()))
                        .into_iter()
                        .filter_map(|a| {
                            Origin::parse(&with_port(&a.scheme, &a.host, a.port.unwrap_or(443)))
                                .ok()
                        }),
                );
            }
            OriginRule::Regex(_) => named.extend(rule.regex_example()),
            OriginRule::Any => {}
        }
    }
    named.extend(extra.iter().cloned());
    let mut texts: Vec<String> = named.iter().map(|o| o.serialize().to_owned()).collect();
    texts.push("https://evil.example".into());
    texts.push("null".into());
    let tuples: Vec<Origin> = named.iter().filter(|o| o.is_tuple()).cloned().collect();
    for o in &tuples {
        texts.extend(look_alikes(o).iter().map(|x| x.serialize().to_owned()));
    }
    texts.extend(
        combinations(&tuples)
            .iter()
            .map(|x| x.serialize().to_owned()),
    );
    let mut out = parse_unique(texts, &[]);
    // `null` parses to an opaque origin; keep the named null (if any) first.
    out.dedup_by(|a, b| a.serialize() == b.serialize());
    out
}

/// Requests that say something about a server, given a policy: plain and credentialed
/// `GET`s to every URL, then, to the first URL, each method the policy allows and each
/// request header it allows (alone, and all together with the first allowed method, as the
/// application sends them; with credentials when the policy allows them), a preflighted
/// JSON `POST`, and requests beyond the intent (`PATCH` or another method not allowed, a
/// header not allowed). Deterministic; with the methods and headers the application uses in
/// the policy, every preflight the application needs is tried.
///
/// ```
/// use fetch_cors::policy::{probe_requests, CorsPolicy, OriginRule};
///
/// let policy = CorsPolicy::new()
///     .allow_origin(OriginRule::exact("https://app.example").unwrap())
///     .allow_credentials(true)
///     .allow_methods([http::Method::PUT])
///     .allow_headers([http::HeaderName::from_static("authorization")]);
/// let texts: Vec<String> = probe_requests(&policy, &["https://api.example/me"]).iter().map(|r| r.to_string()).collect();
/// assert!(texts.contains(&r#"fetch("https://api.example/me", { method: "PUT", credentials: "include", headers: { "authorization": "Bearer token" } })"#.to_string()), "{texts:#?}");
/// ```
pub fn probe_requests(policy: &CorsPolicy, urls: &[&str]) -> Vec<PageRequest> {
    let mut out: Vec<PageRequest> = Vec::new();
    let creds = if policy.credentials {
        CredentialsMode::Include
    } else {
        CredentialsMode::SameOrigin
    };
    let mut first: Option<PageRequest> = None;
    for url in urls {
        let Ok(get) = PageRequest::get(url) else {
            continue;
        };
        first.get_or_insert_with(|| get.clone());
        out.push(get.clone().with_credentials(CredentialsMode::Include));
        out.push(get);
    }
    let Some(base) = first else {
        return out;
    };
    let with_method = |m: &Method| PageRequest {
        method: m.clone(),
        ..base.clone()
    };
    let methods: Vec<Method> = match &policy.methods {
        AllowList::Any => vec![Method::PUT, Method::DELETE, Method::PATCH],
        AllowList::Only(list) => list.clone(),
    };
    let headers: Vec<HeaderName> = match &policy.request_headers {
        AllowList::Any => ["authorization", "x-custom"]
            .map(HeaderName::from_static)
            .to_vec(),
        AllowList::Only(list) => list.clone(),
    };
    let value = |h: &HeaderName| match h.as_str() {
        "authorization" => "Bearer token",
        "content-type" => "application/json",
        _ => "1",
    };
    for m in &methods {
        out.push(with_method(m).with_credentials(creds));
    }
    for h in &headers {
        out.push(
            base.clone()
                .with_header(h.as_str(), value(h))
                .with_credentials(creds),
        );
    }
    if let Some(m) = methods.first() {
        let mut all = with_method(m).with_credentials(creds);
        for h in &headers {
            all = all.with_header(h.as_str(), value(h));
        }
        out.push(all);
    }
    // Safelisted methods that need a preflight for their headers: servers that check
    // Access-Control-Request-Method against a list without them refuse these.
    for m in [Method::POST, Method::HEAD] {
        let h = headers
            .first()
            .cloned()
            .unwrap_or(http::header::CONTENT_TYPE);
        let v = if h == http::header::CONTENT_TYPE {
            "application/json"
        } else {
            value(&h)
        };
        out.push(
            with_method(&m)
                .with_header(h.as_str(), v)
                .with_credentials(creds),
        );
    }
    // Beyond the intent.
    let extra_method = [Method::PATCH, Method::DELETE, Method::PUT]
        .into_iter()
        .find(|m| !policy.allows_method(m))
        .unwrap_or_else(|| Method::from_bytes(b"PROPFIND").unwrap_or(Method::PATCH));
    out.push(with_method(&extra_method));
    let extra_header = ["x-not-allowed", "x-evil-header"]
        .into_iter()
        .find(|h| !policy.allows_request_header(&HeaderName::from_static(h)))
        .unwrap_or("x-not-allowed");
    out.push(base.clone().with_header(extra_header, "1"));
    let mut seen = HashSet::new();
    out.retain(|r| seen.insert(r.to_string()));
    out
}

/// Violations gathered over many cases: one per property and [`BugClass`] (keeping the most
/// severe counterexample, the first among equals), with look-alike classes that a more
/// general leak explains dropped ([`BugClass::explained_by`]), and a "nothing beyond
/// intent" leak of the origin dropped when "other origins cannot read" shows the same.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    found: Vec<Violation>,
}

impl Findings {
    /// No findings yet.
    pub fn new() -> Findings {
        Findings::default()
    }

    fn key(v: &Violation) -> (Property, BugClass) {
        (v.property, v.class)
    }

    /// Whether `v` would add something: a new property and class, or a worse severity.
    pub fn is_new(&self, v: &Violation) -> bool {
        !self
            .found
            .iter()
            .any(|f| Findings::key(f) == Findings::key(v) && f.severity >= v.severity)
    }

    /// Adds one violation.
    pub fn add(&mut self, v: Violation) {
        if !self.is_new(&v) {
            return;
        }
        self.found.retain(|f| Findings::key(f) != Findings::key(&v));
        self.found.push(v);
    }

    /// The findings, most severe first.
    pub fn into_vec(self) -> Vec<Violation> {
        let all = self.found;
        let leaks_origin = |class: BugClass| {
            all.iter()
                .any(|f| f.property == Property::OtherOriginsCannotRead && f.class == class)
        };
        let mut out: Vec<Violation> = all
            .iter()
            .filter(|v| {
                !all.iter()
                    .any(|o| o.property == v.property && v.class.explained_by(o.class))
            })
            .filter(|v| {
                !(v.property == Property::NothingBeyondIntent
                    && v.class.is_origin_leak()
                    && leaks_origin(v.class))
            })
            .cloned()
            .collect();
        sort_violations(&mut out);
        out
    }

    /// Adds `v`, replacing a kept violation of the same property and class (a shrunk
    /// counterexample replaces the one it was shrunk from).
    pub fn replace(&mut self, v: Violation) {
        self.found.retain(|f| Findings::key(f) != Findings::key(&v));
        self.found.push(v);
    }

    /// How many are kept so far (before [`Findings::into_vec`] drops explained ones).
    pub fn len(&self) -> usize {
        self.found.len()
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }
}

/// Audits a server against a policy without randomness: every origin of
/// [`adversarial_origins`]`(policy, extra)` makes every request of
/// [`probe_requests`]`(policy, urls)` in every profile (the standard's when `profiles` is
/// empty), against a server from `make_server` (a fresh one per origin, and after a panic).
/// Returns one violation per property and bug class, most severe first, each with its
/// counterexample and fix ([`Findings`]). Every bug class in [`BugClass`] that shows in the
/// first request to the first URL is found on every run.
///
/// ```
/// use fetch_cors::policy::{audit, BugClass, CorsPolicy, OriginRule, Property};
/// use fetch_cors::Profile;
///
/// let intent = CorsPolicy::new()
///     .allow_origin(OriginRule::exact("https://foo.com").unwrap())
///     .allow_origin(OriginRule::exact("https://bar.com").unwrap());
/// // The server's check: a repeated group, as in `^https://(foo|bar)+\.com$`.
/// let server = || |req: &http::Request<()>| {
///     let mut resp = http::Response::builder().header("vary", "origin");
///     if let Some(o) = req.headers().get("origin").and_then(|o| o.to_str().ok()) {
///         let mut host = o.strip_prefix("https://").and_then(|h| h.strip_suffix(".com")).unwrap_or("!");
///         while let Some(rest) = host.strip_prefix("foo").or_else(|| host.strip_prefix("bar")) {
///             host = rest;
///         }
///         if host.is_empty() {
///             resp = resp.header("access-control-allow-origin", o);
///         }
///     }
///     resp.body(()).unwrap()
/// };
/// let found = audit(server, &intent, &[], &["https://api.example/"], &[Profile::CHROMIUM]);
/// assert_eq!(found[0].class, BugClass::Combination);
/// assert_eq!(found[0].property, Property::OtherOriginsCannotRead);
/// assert!(found[0].fix.contains("concatenations"), "{}", found[0]);
/// ```
pub fn audit<S: Server>(
    make_server: impl Fn() -> S,
    policy: &CorsPolicy,
    extra: &[Origin],
    urls: &[&str],
    profiles: &[Profile],
) -> Vec<Violation> {
    let mut findings = Findings::new();
    audit_into(&mut findings, make_server, policy, extra, urls, profiles);
    findings.into_vec()
}

/// [`audit`], adding to `findings` (to combine with a random search).
pub fn audit_into<S: Server>(
    findings: &mut Findings,
    make_server: impl Fn() -> S,
    policy: &CorsPolicy,
    extra: &[Origin],
    urls: &[&str],
    profiles: &[Profile],
) {
    let profiles: &[Profile] = if profiles.is_empty() {
        std::slice::from_ref(&Profile::SPEC)
    } else {
        profiles
    };
    let origins = adversarial_origins(policy, extra);
    let requests = probe_requests(policy, urls);
    for origin in &origins {
        let mut server = make_server();
        for request in &requests {
            for profile in profiles {
                let found = violations(&mut server, policy, origin, request, profile);
                let panicked = found.iter().any(|v| v.class == BugClass::ServerPanic);
                for v in found {
                    findings.add(v);
                }
                if panicked {
                    server = make_server();
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A small regular-expression matcher, so that a policy can state what a server's regex allows
// (the library takes no regex dependency). Origins are ASCII, so it works on bytes.

mod pattern {
    use std::fmt;

    /// A regular expression that [`OriginRule::regex`](super::OriginRule::regex) cannot read.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct PatternError {
        /// The pattern.
        pub pattern: String,
        /// Where, in bytes.
        pub at: usize,
        /// What is wrong.
        pub reason: &'static str,
    }

    impl fmt::Display for PatternError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "cannot read the regular expression {:?} at byte {}: {}",
                self.pattern, self.at, self.reason
            )
        }
    }

    impl std::error::Error for PatternError {}

    #[derive(Clone, Debug)]
    pub(super) enum Node {
        Byte(u8),
        Any,
        Class {
            ranges: Vec<(u8, u8)>,
            negated: bool,
        },
        Start,
        End,
        Group(Vec<Vec<Node>>),
        Repeat {
            node: Box<Node>,
            min: u32,
            max: u32,
        },
    }

    const MAX_REPEAT: u32 = 1000;

    struct Parser<'a> {
        src: &'a [u8],
        pos: usize,
        pattern: &'a str,
    }

    impl Parser<'_> {
        fn err(&self, reason: &'static str) -> PatternError {
            PatternError {
                pattern: self.pattern.to_owned(),
                at: self.pos,
                reason,
            }
        }

        fn peek(&self) -> Option<u8> {
            self.src.get(self.pos).copied()
        }

        fn alternation(&mut self, depth: u32) -> Result<Vec<Vec<Node>>, PatternError> {
            if depth > 32 {
                return Err(self.err("groups nested too deep"));
            }
            let mut alts = vec![Vec::new()];
            while let Some(c) = self.peek() {
                match c {
                    b'|' => {
                        self.pos += 1;
                        alts.push(Vec::new());
                    }
                    b')' => break,
                    _ => {
                        let atom = self.atom(depth)?;
                        let atom = self.quantifier(atom)?;
                        if let Some(seq) = alts.last_mut() {
                            seq.push(atom);
                        }
                    }
                }
            }
            Ok(alts)
        }

        fn atom(&mut self, depth: u32) -> Result<Node, PatternError> {
            let c = self.peek().ok_or_else(|| self.err("unexpected end"))?;
            self.pos += 1;
            Ok(match c {
                b'^' => Node::Start,
                b'$' => Node::End,
                b'.' => Node::Any,
                b'(' => {
                    if self.src[self.pos..].starts_with(b"?:") {
                        self.pos += 2;
                    }
                    let alts = self.alternation(depth + 1)?;
                    if self.peek() != Some(b')') {
                        return Err(self.err("unclosed group"));
                    }
                    self.pos += 1;
                    Node::Group(alts)
                }
                b'[' => self.class()?,
                b'\\' => self.escape(false)?,
                b'*' | b'+' | b'?' | b'{' => return Err(self.err("nothing to repeat")),
                c if c.is_ascii() => Node::Byte(c),
                _ => return Err(self.err("only ASCII patterns are supported")),
            })
        }

        fn escape(&mut self, in_class: bool) -> Result<Node, PatternError> {
            let c = self.peek().ok_or_else(|| self.err("trailing backslash"))?;
            self.pos += 1;
            let class = |ranges: Vec<(u8, u8)>, negated| Node::Class { ranges, negated };
            let word = vec![(b'a', b'z'), (b'A', b'Z'), (b'0', b'9'), (b'_', b'_')];
            Ok(match c {
                b'd' => class(vec![(b'0', b'9')], false),
                b'D' => class(vec![(b'0', b'9')], true),
                b'w' => class(word, false),
                b'W' => class(word, true),
                b's' => class(vec![(b' ', b' '), (b'\t', b'\r')], false),
                b'b' | b'B' if !in_class => {
                    return Err(self.err("word boundaries are not supported"));
                }
                c if c.is_ascii_alphanumeric() => return Err(self.err("unknown escape")),
                c if c.is_ascii() => Node::Byte(c),
                _ => return Err(self.err("only ASCII patterns are supported")),
            })
        }

        fn class(&mut self) -> Result<Node, PatternError> {
            let negated = self.peek() == Some(b'^');
            if negated {
                self.pos += 1;
            }
            let mut ranges = Vec::new();
            let mut first = true;
            loop {
                let c = self.peek().ok_or_else(|| self.err("unclosed class"))?;
                if c == b']' && !first {
                    self.pos += 1;
                    break;
                }
                first = false;
                self.pos += 1;
                let lo = if c == b'\\' {
                    match self.escape(true)? {
                        Node::Byte(b) => b,
                        Node::Class {
                            ranges: r,
                            negated: false,
                        } => {
                            ranges.extend(r);
                            continue;
                        }
                        _ => return Err(self.err("negated escape in a class")),
                    }
                } else {
                    c
                };
                if self.peek() == Some(b'-')
                    && self.src.get(self.pos + 1).is_some_and(|b| *b != b']')
                {
                    self.pos += 1;
                    let hi = self.peek().ok_or_else(|| self.err("unclosed class"))?;
                    self.pos += 1;
                    if hi < lo {
                        return Err(self.err("range out of order"));
                    }
                    ranges.push((lo, hi));
                } else {
                    ranges.push((lo, lo));
                }
            }
            Ok(Node::Class { ranges, negated })
        }

        fn number(&mut self) -> Option<u32> {
            let start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            std::str::from_utf8(&self.src[start..self.pos])
                .ok()?
                .parse()
                .ok()
        }

        fn quantifier(&mut self, node: Node) -> Result<Node, PatternError> {
            let (min, max) = match self.peek() {
                Some(b'*') => (0, MAX_REPEAT),
                Some(b'+') => (1, MAX_REPEAT),
                Some(b'?') => (0, 1),
                Some(b'{') => {
                    self.pos += 1;
                    let min = self.number().ok_or_else(|| self.err("bad repetition"))?;
                    let max = if self.peek() == Some(b',') {
                        self.pos += 1;
                        self.number().unwrap_or(MAX_REPEAT)
                    } else {
                        min
                    };
                    if self.peek() != Some(b'}') || max < min || max > MAX_REPEAT {
                        return Err(self.err("bad repetition"));
                    }
                    (min, max)
                }
                _ => return Ok(node),
            };
            self.pos += 1;
            // A lazy `?` matches the same strings.
            if self.peek() == Some(b'?') {
                self.pos += 1;
            }
            if matches!(node, Node::Start | Node::End) {
                return Err(self.err("nothing to repeat"));
            }
            Ok(Node::Repeat {
                node: Box::new(node),
                min,
                max,
            })
        }
    }

    /// Parses `pattern`.
    pub(super) fn parse(pattern: &str) -> Result<Vec<Vec<Node>>, PatternError> {
        let mut p = Parser {
            src: pattern.as_bytes(),
            pos: 0,
            pattern,
        };
        let alts = p.alternation(0)?;
        if p.pos != p.src.len() {
            return Err(p.err("unmatched `)`"));
        }
        Ok(alts)
    }

    /// The most steps one match may take; past it the pattern is taken not to match.
    const BUDGET: u32 = 200_000;

    struct Matcher<'a> {
        input: &'a [u8],
        steps: u32,
    }

    impl Matcher<'_> {
        fn alts(
            &mut self,
            alts: &[Vec<Node>],
            pos: usize,
            k: &mut dyn FnMut(&mut Self, usize) -> bool,
        ) -> bool {
            alts.iter().any(|seq| self.seq(seq, pos, k))
        }

        fn seq(
            &mut self,
            seq: &[Node],
            pos: usize,
            k: &mut dyn FnMut(&mut Self, usize) -> bool,
        ) -> bool {
            self.steps += 1;
            if self.steps > BUDGET {
                return false;
            }
            let Some((first, rest)) = seq.split_first() else {
                return k(self, pos);
            };
            self.node(first, pos, &mut |m: &mut Self, p| m.seq(rest, p, k))
        }

        fn node(
            &mut self,
            node: &Node,
            pos: usize,
            k: &mut dyn FnMut(&mut Self, usize) -> bool,
        ) -> bool {
            let byte = self.input.get(pos).copied();
            match node {
                Node::Byte(b) => byte == Some(*b) && k(self, pos + 1),
                Node::Any => byte.is_some_and(|b| b != b'\n') && k(self, pos + 1),
                Node::Class { ranges, negated } => {
                    byte.is_some_and(|b| {
                        ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&b)) != *negated
                    }) && k(self, pos + 1)
                }
                Node::Start => pos == 0 && k(self, pos),
                Node::End => pos == self.input.len() && k(self, pos),
                Node::Group(alts) => self.alts(alts, pos, k),
                Node::Repeat { node, min, max } => self.repeat(node, *min, *max, pos, k),
            }
        }

        fn repeat(
            &mut self,
            node: &Node,
            min: u32,
            max: u32,
            pos: usize,
            k: &mut dyn FnMut(&mut Self, usize) -> bool,
        ) -> bool {
            self.steps += 1;
            if self.steps > BUDGET {
                return false;
            }
            // Greedy: one more first (never an empty iteration), then stop if allowed.
            if max > 0
                && self.node(node, pos, &mut |m: &mut Self, p| {
                    p > pos && m.repeat(node, min.saturating_sub(1), max - 1, p, k)
                })
            {
                return true;
            }
            min == 0 && k(self, pos)
        }
    }

    /// Whether `alts` matches anywhere in `input` (as `Regex::is_match` and JavaScript's
    /// `RegExp.test` do).
    pub(super) fn is_match(alts: &[Vec<Node>], input: &str) -> bool {
        let mut m = Matcher {
            input: input.as_bytes(),
            steps: 0,
        };
        (0..=input.len()).any(|start| m.alts(alts, start, &mut |_, _| true))
    }

    /// One string the pattern was most likely written for: the first alternative, each
    /// repetition once (or its minimum), an unescaped `.` taken as the dot it stands for,
    /// and `app` for a repeated class or `.` (`https://.*\.example\.com` gives
    /// `https://app.example.com`).
    pub(super) fn example(alts: &[Vec<Node>]) -> String {
        let mut out = Vec::new();
        write_alts(alts, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    fn write_alts(alts: &[Vec<Node>], out: &mut Vec<u8>) {
        if let Some(seq) = alts.first() {
            for n in seq {
                write_node(n, out);
            }
        }
    }

    fn write_node(node: &Node, out: &mut Vec<u8>) {
        match node {
            Node::Byte(b) => out.push(*b),
            Node::Any => out.push(b'.'),
            Node::Class { ranges, negated } => {
                let b = if *negated {
                    (b'a'..=b'z').find(|c| !ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(c)))
                } else {
                    ranges.first().map(|r| r.0)
                };
                out.extend(b);
            }
            Node::Start | Node::End => {}
            Node::Group(alts) => write_alts(alts, out),
            Node::Repeat { node, min, .. } => match node.as_ref() {
                Node::Any | Node::Class { .. } => out.extend_from_slice(b"app"),
                n => {
                    for _ in 0..(*min).max(1) {
                        write_node(n, out);
                    }
                }
            },
        }
    }
}

pub use pattern::PatternError;

#[cfg(test)]
mod tests {
    use super::*;

    fn o(s: &str) -> Origin {
        Origin::parse(s).unwrap()
    }

    fn app_policy() -> CorsPolicy {
        CorsPolicy::new()
            .allow_origin(OriginRule::exact("https://app.example").unwrap())
            .allow_credentials(true)
            .allow_methods([Method::PUT, Method::DELETE])
            .allow_headers([HeaderName::from_static("x-token")])
            .expose_headers([HeaderName::from_static("x-total-count")])
            .max_age(600)
    }

    #[test]
    fn subdomain_rule_is_anchored() {
        let r = OriginRule::subdomains_of("https", "example.com");
        assert!(r.matches("https://app.example.com"));
        assert!(r.matches("https://a.b.example.com"));
        for bad in [
            "https://example.com",
            "http://app.example.com",
            "https://app.example.com:8443",
            "https://evilexample.com",
            "https://app.example.com.evil.test",
            "https://appxexample.com",
            "https://app.example.com.",
            "https://APP.example.com",
            "https://app.example.com/",
            "null",
        ] {
            assert!(!r.matches(bad), "{bad}");
        }
    }

    #[test]
    fn regex_rules_match_as_regex_is_match_does() {
        let m = |p: &str, o: &str| OriginRule::regex(p).unwrap().matches(o);
        assert!(m(r"^https://app\.example\.com$", "https://app.example.com"));
        assert!(!m(
            r"^https://app\.example\.com$",
            "https://appxexample.com"
        ));
        assert!(m(r"^https://app.example.com$", "https://appxexample.com"));
        assert!(m(r"app\.example\.com", "https://app.example.com.evil.test"));
        assert!(m(
            r"^https://[a-z0-9-]+\.example\.com$",
            "https://a-1.example.com"
        ));
        assert!(!m(
            r"^https://[a-z0-9-]+\.example\.com$",
            "https://a.b.example.com"
        ));
        assert!(m(
            r"^https?://(www\.)?example\.com(:\d{2,5})?$",
            "http://example.com:8080"
        ));
        assert!(!m(
            r"^https?://(www\.)?example\.com(:\d{2,5})?$",
            "http://example.com:8"
        ));
        assert!(m(r"^(?:null|https://x\.test)$", "null"));
        assert!(m(r"^https://[^.]+\.test$", "https://evil.test"));
        // Catastrophic patterns give up (no match) instead of running for ever.
        assert!(!m(r"^(a+)+$", &format!("{}b", "a".repeat(64))));
        for bad in ["(", "a{2,1}", "*a", "[z-a]", r"\q", "a)"] {
            assert!(OriginRule::regex(bad).is_err(), "{bad}");
        }
        assert_eq!(
            OriginRule::regex(r"^https://.*\.example\.com$")
                .unwrap()
                .regex_example()
                .unwrap()
                .serialize(),
            "https://app.example.com"
        );
    }

    #[test]
    fn a_panicking_server_is_reported_not_propagated() {
        let policy = app_policy();
        let mut server = |_: &http::Request<()>| -> http::Response<()> { panic!("boom") };
        let req = PageRequest::get("https://api.example/me").unwrap();
        let v = check_all(
            &mut server,
            &policy,
            &o("https://evil.example"),
            &req,
            &Profile::SPEC,
        )
        .unwrap_err();
        assert_eq!(v.property, Property::ServerAnswers);
        assert_eq!(v.class, BugClass::ServerPanic);
        assert!(v.message.contains("boom"), "{v}");
        assert_eq!(v.origin, "https://evil.example");
        assert_eq!(v.request, r#"fetch("https://api.example/me")"#);
    }

    #[test]
    fn string_rules_are_what_they_say() {
        assert!(OriginRule::Suffix("example.com".into()).matches("https://evilexample.com"));
        assert!(
            OriginRule::Prefix("https://app.example.com".into())
                .matches("https://app.example.com.evil.test")
        );
        assert!(
            OriginRule::Substring("example.com".into()).matches("https://example.com.evil.test")
        );
        assert!(OriginRule::Null.matches("null"));
        assert_eq!(OriginRule::exact("null").unwrap(), OriginRule::Null);
    }

    #[test]
    fn policy_server_satisfies_its_own_properties() {
        let policy = app_policy();
        let origins = [
            "https://app.example",
            "https://evil.example",
            "null",
            "https://app.example.evil.test",
        ];
        let requests = [
            PageRequest::get("https://api.example/me").unwrap(),
            PageRequest::get("https://api.example/me")
                .unwrap()
                .with_credentials(CredentialsMode::Include),
            PageRequest::new(Method::PUT, "https://api.example/me")
                .unwrap()
                .with_header("x-token", "1")
                .with_credentials(CredentialsMode::Include),
            PageRequest::new(Method::PATCH, "https://api.example/me").unwrap(),
            PageRequest::get("https://api.example/me")
                .unwrap()
                .with_header("authorization", "Bearer x"),
        ];
        for profile in Profile::ALL {
            for origin in origins {
                for request in &requests {
                    let mut server = policy.clone();
                    check_all(&mut server, &policy, &o(origin), request, &profile)
                        .unwrap_or_else(|v| panic!("{v}"));
                }
            }
        }
    }

    #[test]
    fn wildcard_policy_needs_no_vary_and_any_origin_reads() {
        let policy = CorsPolicy::new()
            .allow_any_origin()
            .allow_any_header()
            .expose_any_header();
        assert!(policy.answers_wildcard());
        assert!(!policy.allow_origin_varies());
        let req = PageRequest::get("https://api.example/").unwrap();
        let mut server = policy.clone();
        for profile in Profile::ALL {
            check_all(&mut server, &policy, &o("https://x.test"), &req, &profile).unwrap();
        }
        let resp = server.respond(
            &http::Request::get("https://api.example/")
                .header("origin", "https://x.test")
                .body(())
                .unwrap(),
        );
        assert_eq!(resp.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert!(!varies_on_origin(resp.headers()));
    }

    #[test]
    fn violations_name_the_counterexample() {
        let policy = app_policy();
        // Reflects everything with credentials.
        let mut reflect = |req: &http::Request<()>| {
            let mut r = http::Response::builder();
            if let Some(o) = req.headers().get(ORIGIN) {
                r = r
                    .header(ACCESS_CONTROL_ALLOW_ORIGIN, o)
                    .header(ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            }
            r.body(()).unwrap()
        };
        let req = PageRequest::get("https://api.example/me")
            .unwrap()
            .with_credentials(CredentialsMode::Include);
        let evil = o("https://evil.example");
        let v = other_origins_cannot_read(&mut reflect, &policy, &evil, &req, &Profile::CHROMIUM)
            .unwrap_err();
        let text = v.to_string();
        assert!(text.contains("other origins cannot read"), "{text}");
        assert!(text.contains("https://evil.example"), "{text}");
        assert!(text.contains(r#"credentials: "include""#), "{text}");
        assert!(
            text.contains("access-control-allow-credentials: true"),
            "{text}"
        );
        let v = no_credentialed_read_from_unlisted(
            &mut reflect,
            &policy,
            &evil,
            &req,
            &Profile::CHROMIUM,
        )
        .unwrap_err();
        assert_eq!(v.property, Property::NoCredentialedReadFromUnlisted);
        let v = vary_origin_when_allow_origin_varies(
            &mut reflect,
            &policy,
            &evil,
            &req,
            &Profile::CHROMIUM,
        )
        .unwrap_err();
        assert_eq!(v.property, Property::VaryOriginWhenAllowOriginVaries);
        // The allowed origin is fine on the first two.
        let app = o("https://app.example");
        assert!(
            allowed_origins_can_read(&mut reflect, &policy, &app, &req, &Profile::CHROMIUM).is_ok()
        );
    }

    #[test]
    fn blocked_allowed_origin_and_hidden_headers_are_reported() {
        let policy = app_policy();
        let app = o("https://app.example");
        let mut deaf = |_: &http::Request<()>| http::Response::new(());
        let req = PageRequest::get("https://api.example/").unwrap();
        let v =
            allowed_origins_can_read(&mut deaf, &policy, &app, &req, &Profile::SPEC).unwrap_err();
        assert!(v.message.contains("blocks the read"), "{v}");
        // Allows the origin but forgets Expose-Headers.
        let mut forgetful = |_: &http::Request<()>| {
            http::Response::builder()
                .header(ACCESS_CONTROL_ALLOW_ORIGIN, "https://app.example")
                .header("x-total-count", "3")
                .header(VARY, "Origin")
                .body(())
                .unwrap()
        };
        let v = allowed_origins_can_read(&mut forgetful, &policy, &app, &req, &Profile::SPEC)
            .unwrap_err();
        assert!(v.message.contains("x-total-count"), "{v}");
        // A method the policy does not allow, let through: beyond intent.
        let mut lax = CorsPolicy::new()
            .allow_origin(OriginRule::exact("https://app.example").unwrap())
            .allow_any_method();
        let patch = PageRequest::new(Method::PATCH, "https://api.example/").unwrap();
        let v = nothing_beyond_intent(&mut lax, &policy, &app, &patch, &Profile::SPEC).unwrap_err();
        assert!(v.message.contains("PATCH"), "{v}");
    }

    #[test]
    fn same_origin_and_no_cors_are_not_violations() {
        let policy = CorsPolicy::new();
        let mut server = |_: &http::Request<()>| http::Response::new(());
        let api = o("https://api.example");
        let req = PageRequest::get("https://api.example/").unwrap();
        check_all(&mut server, &policy, &api, &req, &Profile::SPEC).unwrap();
        let no_cors = req.with_mode(Mode::NoCors);
        check_all(
            &mut server,
            &policy,
            &o("https://evil.example"),
            &no_cors,
            &Profile::SPEC,
        )
        .unwrap();
    }

    #[test]
    fn intent_follows_fetch_method_rules() {
        let policy = CorsPolicy::new()
            .allow_origin(OriginRule::exact("https://app.example").unwrap())
            .allow_methods([Method::PATCH]);
        let app = o("https://app.example");
        let lower = PageRequest::new(
            Method::from_bytes(b"patch").unwrap(),
            "https://api.example/",
        )
        .unwrap();
        assert!(matches!(
            policy.intends_to_allow(&app, &lower),
            Intent::Deny(DenyReason::Method(_))
        ));
        let lower_put =
            PageRequest::new(Method::from_bytes(b"put").unwrap(), "https://api.example/").unwrap();
        assert!(matches!(
            policy.intends_to_allow(&app, &lower_put),
            Intent::Deny(DenyReason::Method(_))
        ));
        let get =
            PageRequest::new(Method::from_bytes(b"get").unwrap(), "https://api.example/").unwrap();
        assert!(policy.intends_to_allow(&app, &get).allows_read());
    }
}
