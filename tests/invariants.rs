//! Security invariants, as property tests over every built-in profile.
//!
//! Each property runs `FETCH_CORS_INVARIANT_CASES` cases (512 by default, so that plain
//! `cargo test` stays quick); `.ci/run` runs this file a second time with 10,000. The oracles
//! here are written from the standard, independently of the code under test: they split lists
//! and compare bytes themselves, and where they need a model (the preflight cache) the model
//! over-approximates what may be cached, so "the cache covers this" can only be believed when
//! the model agrees.
//!
//! Where an engine profile deliberately departs from the standard, the invariant is stated so
//! that it holds for every profile, and the comment says which departure it allows for.

use std::collections::BTreeSet;

use fetch_cors::RedirectTaint;
use fetch_cors::header::CORS_SAFELISTED_RESPONSE_HEADER_NAMES;
use fetch_cors::header::safelist::cors_unsafe_request_header_names;
use fetch_cors::profile::MethodMatch;
use fetch_cors::strategies::{look_alike_list, origins, tuple_origins};
use fetch_cors::{
    Action, Classification, CorsFetch, CredentialsMode, MaxAge, Mode, Origin, OutgoingKind,
    PreflightCache, Profile, RedirectMode, Request, ResponseHead, ResponseType, Stage, Timestamp,
    check_preflight_response, check_response, classify_request, cors_check,
};
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, LOCATION, ORIGIN,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use url::Url;

/// Cases per property: `FETCH_CORS_INVARIANT_CASES`, or 512.
fn config() -> ProptestConfig {
    let cases = std::env::var("FETCH_CORS_INVARIANT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Generators

fn profiles() -> impl Strategy<Value = Profile> {
    select(Profile::ALL.to_vec())
}

/// Tuple origins near `page`: itself (if a tuple), its look-alikes, and anywhere.
fn targets(page: &Origin) -> impl Strategy<Value = Origin> + use<> {
    let mut options: Vec<BoxedStrategy<Origin>> = vec![tuple_origins()];
    if page.is_tuple() {
        options.push(Just(page.clone()).boxed());
    }
    let alikes: Vec<Origin> = look_alike_list(page)
        .into_iter()
        .filter(Origin::is_tuple)
        .collect();
    if !alikes.is_empty() {
        options.push(select(alikes).boxed());
    }
    proptest::strategy::Union::new(options)
}

/// A page origin and a URL to fetch: same origin, a look-alike, or anywhere.
fn page_and_url() -> impl Strategy<Value = (Origin, Url)> {
    origins().prop_flat_map(|page| {
        (
            Just(page.clone()),
            targets(&page),
            select(&["/", "/items/1", "/a?b=c"][..]),
        )
            .prop_map(|(page, target, path)| {
                let url = Url::parse(&format!("{}{path}", target.serialize())).expect("url");
                (page, url)
            })
    })
}

const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "patch"];

/// Request header entries (name, value); names in mixed case.
const REQUEST_HEADERS: &[(&str, &str)] = &[
    ("Accept", "application/json"),
    ("content-type", "text/plain"),
    ("Content-Type", "application/json"),
    ("accept-language", "de"),
    ("Authorization", "Bearer t"),
    ("X-Requested-With", "XMLHttpRequest"),
    ("x-api-key", "k"),
    ("X-Custom", "1"),
    ("range", "bytes=0-"),
    ("dpr", "2"),
];

fn request_headers() -> impl Strategy<Value = Vec<(&'static str, &'static str)>> {
    proptest::collection::vec(select(REQUEST_HEADERS), 0..5)
}

#[derive(Clone, Debug)]
struct Req {
    page: Origin,
    url: Url,
    method: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    mode: Mode,
    credentials: CredentialsMode,
    redirect: RedirectMode,
    use_cors_preflight: bool,
}

fn requests() -> impl Strategy<Value = Req> {
    (
        page_and_url(),
        select(METHODS),
        request_headers(),
        select(vec![
            Mode::Cors,
            Mode::Cors,
            Mode::Cors,
            Mode::NoCors,
            Mode::SameOrigin,
            Mode::Navigate,
        ]),
        select(vec![
            CredentialsMode::SameOrigin,
            CredentialsMode::Include,
            CredentialsMode::Omit,
        ]),
        select(vec![
            RedirectMode::Follow,
            RedirectMode::Manual,
            RedirectMode::Error,
        ]),
        any::<bool>(),
    )
        .prop_map(
            |((page, url), method, headers, mode, credentials, redirect, flag)| Req {
                page,
                url,
                method,
                headers,
                mode,
                credentials,
                redirect,
                use_cors_preflight: flag,
            },
        )
}

fn header_map(entries: &[(&str, &str)]) -> HeaderMap {
    header_map_cased(entries, false)
}

/// The header map, with every name upper-cased first when `upper`.
fn header_map_cased(entries: &[(&str, &str)], upper: bool) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (n, v) in entries {
        let n = if upper {
            n.to_ascii_uppercase()
        } else {
            (*n).to_owned()
        };
        h.append(
            HeaderName::from_bytes(n.as_bytes()).expect("name"),
            HeaderValue::from_str(v).expect("value"),
        );
    }
    h
}

fn method(m: &str) -> Method {
    Method::from_bytes(m.as_bytes()).expect("method")
}

/// Builds the crate's view of `r` over `headers`.
fn view<'a>(r: &'a Req, headers: &'a HeaderMap) -> Request<'a> {
    Request::new(
        &method(r.method),
        std::borrow::Cow::Borrowed(&r.url),
        headers,
        &r.page,
    )
    .expect("not a forbidden method")
    .with_mode(r.mode)
    .with_credentials(r.credentials)
    .with_redirect(r.redirect)
    .with_use_cors_preflight(r.use_cors_preflight)
}

/// A response: `Access-Control-Allow-Origin` values that are right, near misses, wildcards
/// and junk; `-Allow-Credentials`; `-Expose-Headers` lists; and headers to expose.
#[derive(Clone, Debug)]
struct Resp {
    status: u16,
    /// Entries of Access-Control-Allow-Origin, as strings; `{me}` is the page's origin.
    acao: Vec<String>,
    acac: Vec<&'static str>,
    aceh: Vec<String>,
    acam: Option<String>,
    acah: Option<String>,
    max_age: Option<&'static str>,
    others: Vec<&'static str>,
}

const EXPOSE_TOKENS: &[&str] = &[
    "x-total",
    "X-Total",
    "*",
    "set-cookie",
    "Set-Cookie2",
    "content-type",
    "x-secret",
    "Authorization",
    "accept",
    "ETag",
];

const RESPONSE_HEADERS: &[&str] = &[
    "x-total",
    "x-secret",
    "set-cookie",
    "set-cookie2",
    "content-type",
    "cache-control",
    "accept",
    "etag",
    "authorization",
    "vary",
];

fn token_list(tokens: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::collection::vec(select(tokens), 0..4).prop_map(|t| t.join(", "))
}

fn responses() -> impl Strategy<Value = Resp> {
    let acao_one = prop_oneof![
        4 => Just("{me}".to_owned()),
        2 => Just("*".to_owned()),
        1 => Just("null".to_owned()),
        1 => Just("{me}/".to_owned()),
        1 => Just(" {me}".to_owned()),
        1 => Just("{ME}".to_owned()),
        1 => Just("{me}, https://other.example".to_owned()),
        1 => Just("https://app.example".to_owned()),
        1 => "[ -~]{0,12}",
    ];
    (
        select(&[200u16, 204, 206, 302, 307, 404, 500][..]),
        proptest::collection::vec(acao_one, 0..3),
        proptest::collection::vec(select(&["true", "True", "false", " true", ""][..]), 0..3),
        proptest::collection::vec(token_list(EXPOSE_TOKENS), 0..3),
        proptest::option::of(token_list(&[
            "GET", "PUT", "put", "DELETE", "PATCH", "patch", "*",
        ])),
        proptest::option::of(token_list(&[
            "content-type",
            "Content-Type",
            "authorization",
            "x-requested-with",
            "X-Api-Key",
            "x-custom",
            "*",
            "range",
            "dpr",
        ])),
        proptest::option::of(select(&["0", "5", "600", "86400", "-1", "abc"][..])),
        subsequence(RESPONSE_HEADERS, 0..=RESPONSE_HEADERS.len()),
    )
        .prop_map(
            |(status, acao, acac, aceh, acam, acah, max_age, others)| Resp {
                status,
                acao,
                acac,
                aceh,
                acam,
                acah,
                max_age,
                others,
            },
        )
}

impl Resp {
    fn build(&self, page: &Origin) -> http::Response<()> {
        let me = page.serialize();
        let mut b = http::Response::builder().status(self.status);
        for v in &self.acao {
            let v = v
                .replace("{me}", me)
                .replace("{ME}", &me.to_ascii_uppercase());
            if let Ok(v) = HeaderValue::from_str(&v) {
                b = b.header(ACCESS_CONTROL_ALLOW_ORIGIN, v);
            }
        }
        for v in &self.acac {
            b = b.header(ACCESS_CONTROL_ALLOW_CREDENTIALS, *v);
        }
        for v in &self.aceh {
            b = b.header(ACCESS_CONTROL_EXPOSE_HEADERS, v.as_str());
        }
        if let Some(v) = &self.acam {
            b = b.header(ACCESS_CONTROL_ALLOW_METHODS, v.as_str());
        }
        if let Some(v) = &self.acah {
            b = b.header(ACCESS_CONTROL_ALLOW_HEADERS, v.as_str());
        }
        if let Some(v) = self.max_age {
            b = b.header(ACCESS_CONTROL_MAX_AGE, v);
        }
        for n in &self.others {
            b = b.header(*n, "1");
        }
        if matches!(self.status, 301 | 302 | 303 | 307 | 308) {
            b = b.header(LOCATION, "/next");
        }
        b.body(()).expect("response")
    }
}

// ---------------------------------------------------------------------------------------------
// Independent oracles

/// "Get": the entries of `name` joined with `, `, or `None`.
fn combined(headers: &HeaderMap, name: &HeaderName) -> Option<Vec<u8>> {
    let values: Vec<&[u8]> = headers
        .get_all(name)
        .iter()
        .map(HeaderValue::as_bytes)
        .collect();
    (!values.is_empty()).then(|| values.join(&b", "[..]))
}

/// Every comma-separated element of every entry of `name`, trimmed of spaces and tabs.
fn elements(headers: &HeaderMap, name: &HeaderName) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .flat_map(|v| v.as_bytes().split(|&b| b == b','))
        .map(|e| {
            String::from_utf8_lossy(e)
                .trim_matches([' ', '\t'])
                .to_owned()
        })
        .filter(|e| !e.is_empty())
        .collect()
}

/// The spec's redirect-taint of a URL list (Fetch, "redirect-taint"), written out again.
fn taint_of(origin: &Origin, urls: &[Url]) -> RedirectTaint {
    let mut taint = RedirectTaint::SameOrigin;
    for pair in urls.windows(2) {
        let (last, url) = (Origin::from_url(&pair[0]), Origin::from_url(&pair[1]));
        if !url.same_site(&last) && !origin.same_site(&last) {
            return RedirectTaint::CrossSite;
        }
        if !url.same_origin(&last) && !origin.same_origin(&last) {
            taint = RedirectTaint::SameSite;
        }
    }
    taint
}

fn is_forbidden_response_name(n: &str) -> bool {
    n.eq_ignore_ascii_case("set-cookie") || n.eq_ignore_ascii_case("set-cookie2")
}

// ---------------------------------------------------------------------------------------------
// The CORS check and exposure

proptest! {
    #![proptest_config(config())]

    /// A response is readable cross-origin only if Allow-Origin names the request's
    /// serialized origin byte for byte, or is `*` without credentials; with credentials, only
    /// with `Access-Control-Allow-Credentials: true` and never with a wildcard. Only
    /// Set-Cookie is hidden from a basic response; nothing at all shows through an opaque
    /// one. Holds for every profile: profiles differ only in which error they report.
    #[test]
    fn readable_only_by_the_origin_allow_origin_names(
        profile in profiles(),
        r in requests(),
        resp in responses(),
    ) {
        let headers = header_map(&r.headers);
        let req = view(&r, &headers);
        let response = resp.build(&r.page);
        let include = r.credentials == CredentialsMode::Include;
        let acao = combined(response.headers(), &ACCESS_CONTROL_ALLOW_ORIGIN);
        let acac = combined(response.headers(), &ACCESS_CONTROL_ALLOW_CREDENTIALS);
        let named = acao.as_deref() == Some(req.serialized_origin().as_bytes());
        let star = acao.as_deref() == Some(&b"*"[..]);

        for stage in [Stage::Response, Stage::Redirect, Stage::Preflight] {
            if cors_check(&req, &ResponseHead::from(&response), stage, &profile).is_ok() {
                prop_assert!(named || (star && !include), "check passed: {acao:?}");
                if include {
                    prop_assert_eq!(acac.as_deref(), Some(&b"true"[..]));
                }
            }
        }

        let Ok(exposure) = check_response(&req, &response, &profile) else {
            return Ok(());
        };
        let readable: Vec<String> =
            exposure.readable_names().map(|n| n.as_str().to_owned()).collect();
        for n in &readable {
            prop_assert!(!is_forbidden_response_name(n), "{n} readable");
        }
        match exposure.response_type() {
            ResponseType::Cors => {
                prop_assert!(named || (star && !include), "cors response with ACAO {acao:?}");
                if include {
                    prop_assert!(named && acac.as_deref() == Some(&b"true"[..]));
                }
                // Only what the safelist or Expose-Headers names. `*` exposes everything
                // without credentials; with credentials it is a name like any other, except in
                // WebKit, where it also exposes `accept` (the profile's
                // `exposed_by_star_with_credentials`).
                let listed = elements(response.headers(), &ACCESS_CONTROL_EXPOSE_HEADERS);
                let listed_star = listed.iter().any(|e| e == "*");
                for n in &readable {
                    let ok = CORS_SAFELISTED_RESPONSE_HEADER_NAMES.contains(&n.as_str())
                        || profile.extra_safelisted_response_headers.contains(&n.as_str())
                        || listed.iter().any(|e| e.eq_ignore_ascii_case(n))
                        || (listed_star
                            && (!include
                                || profile.exposed_by_star_with_credentials.contains(&n.as_str())));
                    prop_assert!(ok, "{n} readable; Expose-Headers {listed:?}, include {include}");
                }
                // And the safelisted names are always readable.
                for n in response.headers().keys() {
                    if CORS_SAFELISTED_RESPONSE_HEADER_NAMES.contains(&n.as_str()) {
                        prop_assert!(readable.contains(&n.as_str().to_owned()), "{n} hidden");
                    }
                }
            }
            ResponseType::Basic => {
                // Only a request that never left its origin (or a navigation) is basic.
                prop_assert!(
                    req.is_same_origin() || r.mode == Mode::Navigate,
                    "basic response for a cross-origin {:?} request", r.mode
                );
                for n in response.headers().keys() {
                    prop_assert_eq!(
                        readable.contains(&n.as_str().to_owned()),
                        !is_forbidden_response_name(n.as_str())
                    );
                }
            }
            ResponseType::Opaque | ResponseType::OpaqueRedirect => {
                prop_assert!(readable.is_empty());
                prop_assert_eq!(exposure.status(), 0);
            }
        }
    }

    /// A credentialed preflight passes only when the method and every CORS-unsafe header name
    /// (Authorization included) are listed by name: a `*` in Allow-Methods or Allow-Headers is
    /// a literal then, in every profile. (The profiles' `authorization_covered_by_wildcard`
    /// only applies without credentials.)
    #[test]
    fn credentials_never_pass_with_a_wildcard(
        profile in profiles(),
        r in requests(),
        resp in responses(),
    ) {
        let mut r = r;
        r.credentials = CredentialsMode::Include;
        r.mode = Mode::Cors;
        let headers = header_map(&r.headers);
        let req = view(&r, &headers);
        let response = resp.build(&r.page);
        if check_preflight_response(&req, &response, &profile).is_err() {
            return Ok(());
        }
        let methods = elements(response.headers(), &ACCESS_CONTROL_ALLOW_METHODS);
        let names = elements(response.headers(), &ACCESS_CONTROL_ALLOW_HEADERS);
        let m = req.method().as_str();
        let safelisted = matches!(m, "GET" | "HEAD" | "POST");
        let method_listed = match profile.method_match {
            MethodMatch::Exact => methods.iter().any(|e| e == m),
            _ => methods.iter().any(|e| e.eq_ignore_ascii_case(m)),
        } || (methods.is_empty() && r.use_cors_preflight
            && response.headers().get(ACCESS_CONTROL_ALLOW_METHODS).is_none());
        prop_assert!(safelisted || method_listed, "{m} passed with {methods:?}");
        let mut must_list: Vec<String> = cors_unsafe_request_header_names(&headers, &profile.safelist)
            .iter()
            .map(|n| n.as_str().to_owned())
            .collect();
        if headers.contains_key("authorization") {
            must_list.push("authorization".to_owned());
        }
        for n in must_list {
            prop_assert!(
                names.iter().any(|e| e.eq_ignore_ascii_case(&n)),
                "{n} passed with {names:?}"
            );
        }
        let acao = combined(response.headers(), &ACCESS_CONTROL_ALLOW_ORIGIN);
        prop_assert_eq!(acao.as_deref(), Some(req.serialized_origin().as_bytes()));
    }

    /// Results do not depend on the order of distinct request headers, of response headers,
    /// or of list elements, nor on the case of header names in Allow-Headers and
    /// Expose-Headers (names are case-insensitive; methods are not, so Allow-Methods keeps
    /// its case). Every profile.
    #[test]
    fn case_and_order_do_not_matter(
        profile in profiles(),
        r in requests(),
        resp in responses(),
        seed in any::<u64>(),
    ) {
        // Distinct names only: entries of one name keep their order (their combined value
        // depends on it).
        let mut r = r;
        let mut seen = BTreeSet::new();
        r.headers.retain(|(n, _)| seen.insert(n.to_ascii_lowercase()));
        let mut shuffled = r.clone();
        shuffle(&mut shuffled.headers, seed);

        let h1 = header_map(&r.headers);
        let h2 = header_map_cased(&shuffled.headers, true);
        let (q1, q2) = (view(&r, &h1), view(&shuffled, &h2));
        prop_assert_eq!(
            decision(&classify_request(&q1, &profile)),
            decision(&classify_request(&q2, &profile))
        );

        let mut other = resp.clone();
        let flip = |s: &String| -> String {
            s.split(", ")
                .enumerate()
                .map(|(i, t)| if (seed >> (i % 64)) & 1 == 1 { t.to_ascii_uppercase() } else { t.to_ascii_lowercase() })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let reorder = |s: &String| -> String {
            let mut t: Vec<&str> = s.split(", ").collect();
            shuffle(&mut t, seed);
            t.join(", ")
        };
        other.aceh = other.aceh.iter().map(|s| reorder(&flip(s))).collect();
        other.acah = other.acah.as_ref().map(|s| reorder(&flip(s)));
        other.acam = other.acam.as_ref().map(reorder);
        shuffle(&mut other.others, seed);
        let (p1, p2) = (resp.build(&r.page), other.build(&r.page));

        let outcome = |q: &Request<'_>, p: &http::Response<()>| {
            check_response(q, p, &profile).ok().map(|e| {
                let mut names: Vec<String> =
                    e.readable_names().map(|n| n.as_str().to_owned()).collect();
                names.sort();
                names.dedup();
                (e.response_type(), e.status(), names)
            })
        };
        prop_assert_eq!(outcome(&q1, &p1), outcome(&q2, &p2));
        let grant = |q: &Request<'_>, p: &http::Response<()>| {
            check_preflight_response(q, p, &profile).map(|g| (g.max_age(), g.credentials())).ok()
        };
        prop_assert_eq!(grant(&q1, &p1), grant(&q2, &p2));
    }
}

/// A classification with a failure reduced to its kind: which of several bad headers an error
/// names is a diagnostic that may follow the header order; the decision may not.
fn decision(c: &Classification<'_>) -> String {
    let full = format!("{c:?}");
    match c {
        Classification::NetworkError(_) | Classification::Rejected(_) => {
            full.split(['{', '(']).take(2).collect::<Vec<_>>().join("(")
        }
        _ => full,
    }
}

/// A deterministic Fisher–Yates shuffle driven by `seed`.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed | 1;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = (state % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

// ---------------------------------------------------------------------------------------------
// Redirect-taint, through the whole machine

/// A server that lets everything through: it reflects `Origin`, allows credentials, and
/// answers a preflight with exactly what it asks for; requests to hop `i` redirect to hop
/// `i + 1` until the last.
fn permissive(
    chain: &[Url],
    hop: usize,
    req: &http::Request<()>,
    status: u16,
) -> http::Response<()> {
    let mut b = http::Response::builder();
    if let Some(o) = req.headers().get(ORIGIN) {
        b = b
            .header(ACCESS_CONTROL_ALLOW_ORIGIN, o.clone())
            .header(ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    if req.method() == Method::OPTIONS {
        let m = req
            .headers()
            .get("access-control-request-method")
            .cloned()
            .unwrap_or(HeaderValue::from_static("GET"));
        b = b.status(204).header(ACCESS_CONTROL_ALLOW_METHODS, m);
        if let Some(h) = req.headers().get(ACCESS_CONTROL_REQUEST_HEADERS) {
            b = b.header(ACCESS_CONTROL_ALLOW_HEADERS, h.clone());
        }
        return b.body(()).expect("response");
    }
    if let Some(next) = chain.get(hop + 1) {
        b = b.status(status).header(LOCATION, next.as_str());
    }
    b.body(()).expect("response")
}

fn chains() -> impl Strategy<Value = (Origin, Vec<Url>)> {
    origins().prop_flat_map(|page| {
        let hop = targets(&page)
            .prop_map(|o| Url::parse(&format!("{}/hop", o.serialize())).expect("url"));
        (Just(page), proptest::collection::vec(hop, 1..5))
    })
}

proptest! {
    #![proptest_config(config())]

    /// After a redirect, every request the machine sends carries `Origin: null` exactly when
    /// the standard's redirect-taint of its URL list is not "same-origin", and its own
    /// origin's serialization otherwise. Every profile, for the request itself. A preflight
    /// is held to the same rule except under Firefox, whose profile deliberately sends the
    /// page's untainted origin on preflights (`preflight_origin_untainted`).
    #[test]
    fn origin_is_null_after_a_tainting_redirect(
        profile in profiles(),
        (page, chain) in chains(),
        m in select(METHODS),
        headers in request_headers(),
        credentials in select(vec![CredentialsMode::SameOrigin, CredentialsMode::Include]),
        status in select(&[301u16, 302, 303, 307, 308][..]),
    ) {
        let headers = header_map(&headers);
        let first = chain[0].clone();
        let req = Request::new(&method(m), std::borrow::Cow::Borrowed(&first), &headers, &page)
            .expect("request")
            .with_credentials(credentials);
        let Ok(mut fetch) = CorsFetch::new(&req, &profile) else {
            return Ok(());
        };
        let mut cache = PreflightCache::new(&profile);
        let now = Timestamp::ZERO;
        for _ in 0..64 {
            match fetch.poll(&mut cache, now) {
                Action::Send(out) => {
                    let urls = &fetch.url_list()[..=out.hop];
                    let expected = if taint_of(&page, urls) == RedirectTaint::SameOrigin {
                        page.serialize()
                    } else {
                        "null"
                    };
                    let exempt = out.kind == OutgoingKind::Preflight
                        && profile.redirect.preflight_origin_untainted;
                    if let Some(origin) = out.request.headers().get(ORIGIN) {
                        if !exempt {
                            prop_assert_eq!(origin.as_bytes(), expected.as_bytes(), "hop {} of {:?}", out.hop, urls);
                        }
                    } else {
                        // No Origin only on a same-origin hop that is not CORS.
                        prop_assert!(expected != "null" && page.same_origin_with_url(out.request.uri().to_string().parse::<Url>().as_ref().expect("url")),
                            "no Origin on hop {} of {:?}", out.hop, urls);
                    }
                    let resp = permissive(&chain, out.hop, &out.request, status);
                    fetch.handle_response(&resp, &mut cache, now).expect("in order");
                }
                Action::Wait => prop_assert!(false, "waiting with nothing outstanding"),
                Action::Done(_) => break,
                _ => unreachable!("an action this driver does not know"),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The preflight cache

/// What a store put in the cache, as the model remembers it.
#[derive(Clone, Debug)]
struct Stored {
    partition: &'static str,
    origin: String,
    url: String,
    credentials: bool,
    methods: Vec<String>,
    headers: Vec<String>,
    expires_ms: u64,
}

#[derive(Clone, Debug)]
enum Op {
    /// A preflight for request `r` answered by `resp`, validated and stored.
    Store(Req, Resp, &'static str),
    /// The clock moves on.
    Advance(u64),
    /// A lookup for request `r`.
    Lookup(Req, &'static str),
    EvictExpired,
    Clear(Req, &'static str),
}

/// Requests to a few URLs from a few origins, so that stores and lookups meet.
fn cache_requests() -> impl Strategy<Value = Req> {
    (
        select(&["https://app.example", "https://evil.example", "null"][..]),
        select(
            &[
                "https://api.example/a",
                "https://api.example/b",
                "http://10.0.0.1/x",
            ][..],
        ),
        select(METHODS),
        request_headers(),
        select(vec![
            CredentialsMode::SameOrigin,
            CredentialsMode::Include,
            CredentialsMode::Omit,
        ]),
        any::<bool>(),
    )
        .prop_map(|(page, url, method, headers, credentials, flag)| Req {
            page: Origin::parse(page).expect("origin"),
            url: Url::parse(url).expect("url"),
            method,
            headers,
            mode: Mode::Cors,
            credentials,
            redirect: RedirectMode::Follow,
            use_cors_preflight: flag,
        })
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let partition = select(&["https://app.example", "https://other.example"][..]);
    let op = prop_oneof![
        4 => (cache_requests(), responses(), partition.clone()).prop_map(|(r, mut p, part)| {
            // A preflight answer that passes the CORS check most of the time.
            p.status = 204;
            if p.acao.is_empty() { p.acao.push("{me}".into()); }
            Op::Store(r, p, part)
        }),
        2 => select(&[0u64, 1, 4, 5, 6, 599, 601, 7201, 86_401][..]).prop_map(Op::Advance),
        6 => (cache_requests(), partition.clone()).prop_map(|(r, part)| Op::Lookup(r, part)),
        1 => Just(Op::EvictExpired),
        1 => (cache_requests(), partition).prop_map(|(r, part)| Op::Clear(r, part)),
    ];
    proptest::collection::vec(op, 1..24)
}

/// The standard's cache update (CORS-preflight fetch step 7.12) sets the max-age of *the
/// entry that matches* each newly granted method or header name, and a live non-credentialed
/// `*` entry matches them all. So a later, narrower grant extends an earlier wildcard for its
/// own max-age: the model must allow for that.
fn refresh_wildcards(model: &mut [Stored], new: &Stored, now_ms: u64) {
    for old in model.iter_mut().filter(|o| {
        o.partition == new.partition
            && o.origin == new.origin
            && o.url == new.url
            && !o.credentials
            && !new.credentials
            && now_ms < o.expires_ms
    }) {
        let methods = !new.methods.is_empty() && old.methods.iter().any(|e| e == "*");
        let headers = !new.headers.is_empty() && old.headers.iter().any(|e| e == "*");
        if methods || headers {
            old.expires_ms = old.expires_ms.max(new.expires_ms);
        }
    }
}

/// Runs `ops` against a cache and the model, checking after each step that the cache is
/// within its bound and that every lookup the cache answers without a preflight is covered
/// by a live stored grant of the model: for the right key, credentials-compatible, naming
/// the method (or `*` from a non-credentialed preflight) and every CORS-unsafe header (or
/// `*` from a non-credentialed preflight, which never stands for Authorization unless the
/// profile's cache says so: WebKit's `wildcard_covers_authorization`). The model ignores
/// eviction and clearing, so it can only over-approximate what the cache may hold.
fn run_cache_ops(
    profile: &Profile,
    capacity: Option<usize>,
    ops: &[Op],
) -> Result<(), TestCaseError> {
    let mut cache = match capacity {
        Some(c) => PreflightCache::with_capacity(profile, c),
        None => PreflightCache::new(profile),
    };
    let mut model: Vec<Stored> = Vec::new();
    let mut now_ms = 0u64;
    for op in ops {
        let now = Timestamp::from_millis(now_ms);
        match op {
            Op::Store(r, p, partition) => {
                let headers = header_map(&r.headers);
                let req = view(r, &headers);
                let response = p.build(&r.page);
                if let Ok(grant) = check_preflight_response(&req, &response, profile) {
                    cache.store(&req, partition, &grant, now);
                    if let MaxAge::Seconds(s) = grant.max_age() {
                        let mut methods =
                            elements(response.headers(), &ACCESS_CONTROL_ALLOW_METHODS);
                        if response
                            .headers()
                            .get(ACCESS_CONTROL_ALLOW_METHODS)
                            .is_none()
                            && r.use_cors_preflight
                        {
                            methods.push(req.method().as_str().to_owned());
                        }
                        let stored = Stored {
                            partition,
                            origin: req.serialized_origin().to_owned(),
                            url: req.url().as_str().to_owned(),
                            credentials: grant.credentials(),
                            methods,
                            headers: elements(response.headers(), &ACCESS_CONTROL_ALLOW_HEADERS),
                            expires_ms: now_ms.saturating_add(s.saturating_mul(1000)),
                        };
                        refresh_wildcards(&mut model, &stored, now_ms);
                        model.push(stored);
                    }
                }
            }
            Op::Advance(s) => now_ms = now_ms.saturating_add(s * 1000),
            Op::EvictExpired => cache.evict_expired(now),
            Op::Clear(r, partition) => {
                let headers = header_map(&r.headers);
                cache.clear(&view(r, &headers), partition);
            }
            Op::Lookup(r, partition) => {
                let headers = header_map(&r.headers);
                let req = view(r, &headers);
                let include = r.credentials == CredentialsMode::Include;
                let Classification::CorsWithPreflight(need) = classify_request(&req, profile)
                else {
                    continue;
                };
                if cache.needs_preflight(&req, partition, &need, now) {
                    continue;
                }
                let live: Vec<&Stored> = model
                    .iter()
                    .filter(|s| {
                        s.partition == *partition
                            && s.origin == req.serialized_origin()
                            && s.url == req.url().as_str()
                            && (s.credentials || !include)
                            && now_ms < s.expires_ms
                    })
                    .collect();
                let m = req.method().as_str();
                // With the flag alone, some engines take any live entry for the URL as cover.
                let flag_needs_method =
                    need.use_cors_preflight && profile.cache.preflight_flag_needs_method_entry;
                if need.use_cors_preflight && !flag_needs_method {
                    prop_assert!(!live.is_empty(), "{m} skipped its preflight with no entry");
                }
                if need.method_not_safelisted || flag_needs_method {
                    prop_assert!(
                        live.iter().any(|s| s
                            .methods
                            .iter()
                            .any(|e| e == m || (e == "*" && !s.credentials))),
                        "{m} skipped its preflight; live grants {live:?}"
                    );
                }
                for n in &need.unsafe_headers {
                    let n = n.as_str();
                    let wildcard_ok =
                        n != "authorization" || profile.cache.wildcard_covers_authorization;
                    prop_assert!(
                        live.iter()
                            .any(|s| s.headers.iter().any(|e| e.eq_ignore_ascii_case(n)
                                || (e == "*" && !s.credentials && wildcard_ok))),
                        "{n} skipped its preflight; live grants {live:?}"
                    );
                }
            }
        }
        prop_assert!(
            cache.len() <= cache.capacity(),
            "{} slots > {}",
            cache.len(),
            cache.capacity()
        );
        prop_assert!(cache.entries() <= cache.capacity() * profile.cache.max_items_per_slot);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// A preflight is never skipped for a method or header the cache does not cover, and the
    /// cache never grows past its bound (see `run_cache_ops`).
    #[test]
    fn preflight_never_skipped_and_cache_bounded(
        profile in profiles(),
        capacity in proptest::option::of(1usize..4),
        ops in ops(),
    ) {
        run_cache_ops(&profile, capacity, &ops)?;
    }

    /// A credentialed request never uses an entry stored by a non-credentialed preflight,
    /// whatever it granted (`*` included): such a request always needs its own preflight.
    #[test]
    fn credentialed_request_never_uses_non_credentialed_entry(
        profile in profiles(),
        stores in proptest::collection::vec((cache_requests(), responses()), 1..6),
        lookup in cache_requests(),
    ) {
        let mut cache = PreflightCache::new(&profile);
        let now = Timestamp::ZERO;
        for (r, p) in &stores {
            let mut r = r.clone();
            r.credentials = CredentialsMode::Omit;
            let mut p = p.clone();
            p.status = 204;
            p.acao = vec!["*".into()];
            let headers = header_map(&r.headers);
            let req = view(&r, &headers);
            let response = p.build(&r.page);
            if let Ok(grant) = check_preflight_response(&req, &response, &profile) {
                prop_assert!(!grant.credentials());
                cache.store(&req, "p", &grant, now);
            }
        }
        let mut lookup = lookup;
        lookup.credentials = CredentialsMode::Include;
        let headers = header_map(&lookup.headers);
        let req = view(&lookup, &headers);
        if let Classification::CorsWithPreflight(need) = classify_request(&req, &profile) {
            prop_assert!(cache.needs_preflight(&req, "p", &need, now));
        }
        for m in METHODS {
            prop_assert!(!cache.method_cache_entry_match(&req, "p", &method(m), now));
        }
        for n in ["content-type", "authorization", "x-custom", "*"] {
            prop_assert!(!cache.header_name_cache_entry_match(&req, "p", n.as_bytes(), now));
        }
    }
}

/// Bounded memory under adversarial churn: many distinct URLs, max-ages from 0 to huge,
/// grants listing far more names than a slot holds, under every profile. The cache never holds
/// more slots than its capacity or more items than capacity × items per slot, and expiring
/// everything empties it.
#[test]
fn cache_stays_bounded_under_url_and_max_age_churn() {
    let page = Origin::parse("https://app.example").expect("origin");
    // Far more names than a slot holds (64 items).
    let many: String = (0..80).map(|i| format!("x-h{i}, ")).collect();
    let max_ages = [
        "0",
        "1",
        "5",
        "600",
        "86400",
        "99999999999999999999",
        "-1",
        "abc",
    ];
    for profile in Profile::ALL {
        let mut cache = PreflightCache::new(&profile);
        let mut now = 0u64;
        for i in 0..6_000u64 {
            let url =
                Url::parse(&format!("https://api{}.example/{i}?q={}", i % 7, i * 31)).expect("url");
            let headers = HeaderMap::new();
            let req = Request::new(
                &Method::PUT,
                std::borrow::Cow::Borrowed(&url),
                &headers,
                &page,
            )
            .expect("request")
            .with_credentials(if i % 3 == 0 {
                CredentialsMode::Include
            } else {
                CredentialsMode::Omit
            });
            let response = http::Response::builder()
                .status(204)
                .header(ACCESS_CONTROL_ALLOW_ORIGIN, "https://app.example")
                .header(ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
                .header(ACCESS_CONTROL_ALLOW_METHODS, "PUT, DELETE, PATCH")
                .header(
                    ACCESS_CONTROL_ALLOW_HEADERS,
                    if i % 10 == 0 {
                        many.as_str()
                    } else {
                        "x-a, x-b"
                    },
                )
                .header(ACCESS_CONTROL_MAX_AGE, max_ages[(i % 8) as usize])
                .body(())
                .expect("response");
            if let Ok(grant) = check_preflight_response(&req, &response, &profile) {
                cache.store(&req, "p", &grant, Timestamp::from_secs(now));
            }
            if i % 500 == 0 {
                now += 3;
                cache.evict_expired(Timestamp::from_secs(now));
            }
            assert!(
                cache.len() <= cache.capacity(),
                "{:?}: {} slots",
                profile.engine,
                cache.len()
            );
            if i % 997 == 0 {
                assert!(
                    cache.entries() <= cache.capacity() * profile.cache.max_items_per_slot,
                    "{:?}: {} items",
                    profile.engine,
                    cache.entries()
                );
            }
        }
        assert!(cache.len() <= cache.capacity());
        cache.evict_expired(Timestamp::MAX);
        assert_eq!(cache.len(), 0, "{:?}: everything expires", profile.engine);
        assert_eq!(cache.entries(), 0);
    }
}

/// Found by the `machine_ops` fuzz target: an expired `*` entry was matched by a later grant
/// for a single method and so refreshed back to life, letting any method through without a
/// preflight for the later grant's max-age. Expired entries are gone, as the standard says.
#[test]
fn an_expired_wildcard_is_not_refreshed_by_a_later_grant() {
    let page = Origin::parse("https://app.example").expect("origin");
    let url = Url::parse("https://api.example/y").expect("url");
    let headers = HeaderMap::new();
    let grant_response = |methods: &str, max_age: &str| {
        http::Response::builder()
            .status(204)
            .header(ACCESS_CONTROL_ALLOW_ORIGIN, "*")
            .header(ACCESS_CONTROL_ALLOW_METHODS, methods)
            .header(ACCESS_CONTROL_MAX_AGE, max_age)
            .body(())
            .expect("response")
    };
    let request = |m: Method| {
        Request::new(&m, std::borrow::Cow::Borrowed(&url), &headers, &page).expect("request")
    };
    for profile in Profile::ALL {
        let mut cache = PreflightCache::new(&profile);
        let star = grant_response("*", "5");
        let delete = grant_response("DELETE", "86400");
        let put = request(Method::PUT);
        let del = request(Method::DELETE);
        let grant = check_preflight_response(&put, &star, &profile).expect("grant");
        cache.store(&put, "p", &grant, Timestamp::from_secs(0));
        let grant = check_preflight_response(&del, &delete, &profile).expect("grant");
        cache.store(&del, "p", &grant, Timestamp::from_secs(20));
        let Classification::CorsWithPreflight(need) = classify_request(&put, &profile) else {
            panic!("a PUT is preflighted");
        };
        assert!(
            cache.needs_preflight(&put, "p", &need, Timestamp::from_secs(30)),
            "{:?}: the 5-second `*` came back",
            profile.engine
        );
    }
}
