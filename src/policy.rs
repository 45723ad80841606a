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
//! [`check_all`] runs one fetch and judges all of them. Inside a `proptest!` block, `?` turns a
//! [`Violation`] into a test failure (with the `proptest` feature).
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

use std::fmt;

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use url::Host;

use crate::cache::PreflightCache;
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
}

impl OriginRule {
    /// An exact origin, parsed from its serialization (a path is ignored). `null` gives
    /// [`OriginRule::Null`].
    pub fn exact(origin: &str) -> Result<OriginRule, url::ParseError> {
        Origin::parse(origin).map(OriginRule::from)
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
        if let Some(name) = unsafe_names.iter().find(|n| !self.allows_request_header(n)) {
            return Intent::Deny(DenyReason::Header((*name).clone()));
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
            *r.status_mut() = StatusCode::NO_CONTENT;
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
        let acao = if self.answers_wildcard() { "*" } else { origin };
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
        }
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A property that does not hold, with the counterexample: the page's origin, its request,
/// what the browser would do, and every exchange on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The property broken.
    pub property: Property,
    /// The page's origin, serialized.
    pub origin: String,
    /// The page's request, as a `fetch()` call.
    pub request: String,
    /// What went wrong, in words.
    pub message: String,
    /// The exchanges, one line per request and per response.
    pub exchanges: Vec<String>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "property \"{}\" fails: {}", self.property, self.message)?;
        writeln!(f, "  page origin: {}", self.origin)?;
        write!(f, "  request:     {}", self.request)?;
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
    let fail = |message: String| Violation {
        property,
        origin: origin.serialize().to_owned(),
        request: request.to_string(),
        message,
        exchanges: describe_exchanges(&sim.sent),
    };
    let intent = policy.intends_to_allow(origin, request);
    let read = sim.readable();
    let serialized = origin.serialize();
    match property {
        Property::OtherOriginsCannotRead => {
            if intent == Intent::Deny(DenyReason::Origin) {
                if let Some(r) = read {
                    return Err(fail(format!(
                        "{serialized} is not allowed, yet the browser lets it read the {} response (status {}{})",
                        r.response_type.as_str(),
                        r.status,
                        if request.sends_credentials(origin) {
                            ", sent with cookies"
                        } else {
                            ""
                        }
                    )));
                }
            }
        }
        Property::NoCredentialedReadFromUnlisted => {
            let cross = intent != Intent::SameOrigin;
            if cross && request.sends_credentials(origin) && read.is_some() {
                let listed = policy.lists_origin(serialized);
                if !listed || !policy.credentials {
                    let why = if listed {
                        "the policy allows no credentials"
                    } else {
                        "the policy does not list it"
                    };
                    return Err(fail(format!(
                        "the browser lets {serialized} read a response sent with cookies, but {why}"
                    )));
                }
            }
        }
        Property::NothingBeyondIntent => {
            if let (Intent::Deny(reason), Some(r)) = (&intent, read) {
                return Err(fail(format!(
                    "the browser lets the page read the {} response, but {reason}",
                    r.response_type.as_str()
                )));
            }
        }
        Property::AllowedOriginsCanRead => {
            if let Intent::Read { .. } = intent {
                let Some(r) = read else {
                    let why = match &sim.outcome {
                        Err(e) => e.to_string(),
                        Ok(r) => format!("the response is {}", r.response_type.as_str()),
                    };
                    return Err(fail(format!(
                        "{serialized} is allowed, but the browser blocks the read: {why}"
                    )));
                };
                if let Some(resp) = sim.final_response() {
                    let hidden: Vec<&str> = resp
                        .headers()
                        .keys()
                        .filter(|n| {
                            !n.as_str().starts_with("access-control-")
                                && n.as_str() != "vary"
                                && policy.exposes(n)
                                && !r.header_names.contains(n)
                        })
                        .map(HeaderName::as_str)
                        .collect();
                    if !hidden.is_empty() {
                        return Err(fail(format!(
                            "{serialized} may read the response header(s) {}, but the browser hides them",
                            hidden.join(", ")
                        )));
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
                match acao {
                    Some(v) if v != "*" => {
                        return Err(fail(format!(
                            "the response to {} carries Access-Control-Allow-Origin: {v} without Vary: Origin; \
                             a shared cache can serve it to other origins",
                            e.request.uri()
                        )));
                    }
                    None if policy.allow_origin_varies() => {
                        return Err(fail(format!(
                            "the response to {} has no Access-Control-Allow-Origin and no Vary: Origin, \
                             though the policy answers other origins differently; a shared cache can serve \
                             this answer to them",
                            e.request.uri()
                        )));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

fn run(
    server: &mut impl Server,
    origin: &Origin,
    request: &PageRequest,
    profile: &Profile,
) -> Option<Simulation> {
    let mut cache = PreflightCache::new(profile);
    // A request no page could make (a forbidden method, say) says nothing about the server.
    simulate_page(
        request,
        origin,
        profile,
        &mut cache,
        Timestamp::ZERO,
        server,
    )
    .ok()
}

fn run_and_judge(
    properties: &[Property],
    server: &mut impl Server,
    policy: &CorsPolicy,
    origin: &Origin,
    request: &PageRequest,
    profile: &Profile,
) -> Result<(), Violation> {
    let Some(sim) = run(server, origin, request, profile) else {
        return Ok(());
    };
    for p in properties {
        judge(*p, policy, origin, request, &sim)?;
    }
    Ok(())
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

/// Runs the fetch once and judges every property ([`Property::ALL`]), returning the first
/// violation.
pub fn check_all(
    server: &mut impl Server,
    policy: &CorsPolicy,
    origin: &Origin,
    request: &PageRequest,
    profile: &Profile,
) -> Result<(), Violation> {
    run_and_judge(&Property::ALL, server, policy, origin, request, profile)
}

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
