//! Arbitrary sequences of fetches through `CorsFetch` sharing one `PreflightCache`: request
//! parameters, scripted server responses (preflights, redirects, finals) and time steps, under
//! every profile. The oracle is the security invariants, not only "no panic":
//!
//! 1. A readable CORS response had `Access-Control-Allow-Origin` equal to the serialized
//!    request origin the last request carried (or `*` without credentials), and with
//!    credentials `Access-Control-Allow-Credentials: true`.
//! 2. No header outside the CORS-safelisted names and the final response's
//!    `Access-Control-Expose-Headers` is readable (`*` exposes all only without credentials;
//!    WebKit's profile also exposes `accept` under `*` with credentials), and `Set-Cookie`
//!    never is; an opaque response shows nothing; a basic one only when every hop stayed
//!    same-origin.
//! 3. Every CORS-mode request carries `Origin: null` exactly when the standard's
//!    redirect-taint of its URL list so far is not "same-origin" (preflights too, except under
//!    Firefox, whose profile sends the untainted origin on preflights). Other modes are left
//!    out: there the referrer policy may also make it `null`.
//! 4. A request on the preflight path that went out without a preflight on its hop is covered
//!    by a live preflight answer the harness gave earlier for the same partition, origin, URL
//!    and a compatible credentials mode (the harness's model over-approximates the cache:
//!    it never forgets). So a credentialed request never rides on a non-credentialed entry.
//! 5. The cache never holds more slots than its capacity, nor more items than capacity ×
//!    items per slot.
//! 6. Credentials never go out with `credentials: "omit"`.
#![no_main]

use std::borrow::Cow;

use fetch_cors::header::{CORS_SAFELISTED_RESPONSE_HEADER_NAMES, max_age};
use fetch_cors::{
    Action, Classification, CorsFetch, CredentialsMode, MaxAge, Mode, Origin, OutgoingKind,
    PreflightCache, Profile, RedirectMode, RedirectTaint, Request, ResponseType, Timestamp,
    classify_request,
};
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, LOCATION, ORIGIN,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use url::Url;

const PAGES: &[&str] = &[
    "https://app.example",
    "https://evil.example",
    "null",
    "http://app.example",
    "https://a.app.example",
];
const URLS: &[&str] = &[
    "https://api.example/a",
    "https://api.example/b",
    "https://app.example/x",
    "http://10.0.0.1/y",
    "https://evil.example/z",
    "https://a.app.example/w",
];
const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "DELETE", "patch", "PROPFIND"];
const REQUEST_HEADERS: &[(&str, &str)] = &[
    ("accept", "application/json"),
    ("content-type", "text/plain"),
    ("content-type", "application/json"),
    ("authorization", "Bearer t"),
    ("x-custom", "1"),
    ("x-api-key", "k"),
    ("range", "bytes=0-"),
    ("dpr", "2"),
];
const TOKENS: &[&str] = &[
    "*",
    "PUT",
    "put",
    "DELETE",
    "GET",
    "patch",
    "content-type",
    "authorization",
    "x-custom",
    "X-Api-Key",
    "range",
    "dpr",
    "x-total",
    "set-cookie",
    "accept",
];
const STATUSES: &[u16] = &[200, 204, 206, 301, 302, 303, 307, 308, 400, 404, 500];
const LOCATIONS: &[&str] = &[
    "https://api.example/a",
    "https://api.example/b",
    "https://app.example/x",
    "https://evil.example/z",
    "https://a.app.example/w",
    "/relative",
    "",
    "https://u:p@api.example/",
    "data:,x",
    "http://[::1",
];
const MAX_AGES: &[&str] = &[
    "0",
    "5",
    "600",
    "86400",
    "-1",
    "abc",
    "99999999999999999999",
];
const EXTRA_RESPONSE_HEADERS: &[&str] = &[
    "set-cookie",
    "set-cookie2",
    "x-total",
    "x-secret",
    "content-type",
    "cache-control",
    "accept",
    "authorization",
];
const ADVANCE: &[u64] = &[0, 1, 4, 5, 6, 599, 601, 7201, 86_401];

/// A live preflight answer, as the model remembers it.
#[derive(Debug)]
struct Stored {
    partition: String,
    origins: Vec<String>,
    url: String,
    credentials: bool,
    methods: Vec<String>,
    headers: Vec<String>,
    expires_ms: u64,
}

/// The standard's cache update sets the max-age of *the entry that matches* each newly
/// granted name, and a live non-credentialed `*` entry matches them all: a later, narrower
/// grant extends an earlier wildcard for its own max-age. The model allows for that.
fn refresh_wildcards(model: &mut [Stored], new: &Stored, now_ms: u64) {
    for old in model.iter_mut().filter(|o| {
        o.partition == new.partition
            && o.url == new.url
            && o.origins.iter().any(|x| new.origins.contains(x))
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

fn joined(headers: &HeaderMap, name: &HeaderName) -> Option<Vec<u8>> {
    let v: Vec<&[u8]> = headers
        .get_all(name)
        .iter()
        .map(HeaderValue::as_bytes)
        .collect();
    (!v.is_empty()).then(|| v.join(&b", "[..]))
}

/// The standard's redirect-taint of a URL list.
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

/// A list of tokens: usually a few from `TOKENS`, sometimes thousands, mixed with generated
/// names (up to 2,000 bytes long in a list of at most 64), so that a small input reaches the size bounds (items per
/// slot, cache bytes) and the linear-time paths.
fn tokens(u: &mut Unstructured<'_>) -> Result<String> {
    let long = u.ratio(1, 8)?;
    let n = if long {
        u.int_in_range(0..=3000)?
    } else {
        u.int_in_range(0..=3)?
    };
    // Long names or many names, not both: a few MiB a list would only slow the fuzzer.
    let pad = match (long, n) {
        (false, _) => 0,
        (true, 0..=64) => u.int_in_range(0..=2000)?,
        (true, _) => u.int_in_range(0..=20)?,
    };
    let mut out: Vec<Cow<'static, str>> = Vec::with_capacity(n);
    for i in 0..n {
        if long && u.ratio(3, 4).unwrap_or(true) {
            out.push(Cow::Owned(format!("x-gen-{i}-{}", "a".repeat(pad))));
        } else {
            out.push(Cow::Borrowed(*u.choose(TOKENS)?));
        }
    }
    Ok(out.join(", "))
}

/// A scripted answer to `req`: sometimes well-behaved (reflecting what it is asked), often
/// not.
fn respond(u: &mut Unstructured<'_>, req: &http::Request<()>) -> Result<http::Response<()>> {
    let mut b = http::Response::builder().status(*u.choose(STATUSES)?);
    let origin = req.headers().get(ORIGIN).cloned();
    match u.int_in_range(0..=5)? {
        0 => {}
        1 => b = b.header(ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        2 => b = b.header(ACCESS_CONTROL_ALLOW_ORIGIN, "null"),
        3 => b = b.header(ACCESS_CONTROL_ALLOW_ORIGIN, "https://app.example"),
        _ => {
            if let Some(o) = origin {
                b = b.header(ACCESS_CONTROL_ALLOW_ORIGIN, o);
            }
        }
    }
    match u.int_in_range(0..=3)? {
        0 => {}
        1 => b = b.header(ACCESS_CONTROL_ALLOW_CREDENTIALS, "True"),
        _ => b = b.header(ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"),
    }
    if u.arbitrary()? {
        // Reflect the preflight's questions.
        if let Some(m) = req.headers().get(ACCESS_CONTROL_REQUEST_METHOD) {
            b = b.header(ACCESS_CONTROL_ALLOW_METHODS, m.clone());
        }
        if let Some(h) = req.headers().get(ACCESS_CONTROL_REQUEST_HEADERS) {
            b = b.header(ACCESS_CONTROL_ALLOW_HEADERS, h.clone());
        }
    } else {
        if u.arbitrary()? {
            b = b.header(ACCESS_CONTROL_ALLOW_METHODS, tokens(u)?);
        }
        if u.arbitrary()? {
            b = b.header(ACCESS_CONTROL_ALLOW_HEADERS, tokens(u)?);
        }
    }
    for _ in 0..u.int_in_range(0..=2)? {
        b = b.header(ACCESS_CONTROL_EXPOSE_HEADERS, tokens(u)?);
    }
    if u.arbitrary()? {
        b = b.header(ACCESS_CONTROL_MAX_AGE, *u.choose(MAX_AGES)?);
    }
    for _ in 0..u.int_in_range(0..=2)? {
        b = b.header(LOCATION, *u.choose(LOCATIONS)?);
    }
    for _ in 0..u.int_in_range(0..=3)? {
        b = b.header(*u.choose(EXTRA_RESPONSE_HEADERS)?, "1");
    }
    Ok(b.body(()).expect("a valid response"))
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let mut profile = *u.choose(&Profile::ALL)?;
    if u.ratio(1, 4)? {
        // A small byte bound, so byte eviction and refused grants happen often.
        profile.cache.max_bytes = u.int_in_range(0..=8192)?;
    }
    let mut cache = if u.arbitrary()? {
        PreflightCache::new(&profile)
    } else {
        PreflightCache::with_capacity(&profile, u.int_in_range(1..=3)?)
    };
    let mut model: Vec<Stored> = Vec::new();
    let mut now_ms = 0u64;
    for _ in 0..u.int_in_range(1..=6)? {
        let page = Origin::parse(u.choose(PAGES)?).expect("origin");
        let url = Url::parse(u.choose(URLS)?).expect("url");
        let method = Method::from_bytes(u.choose(METHODS)?.as_bytes()).expect("method");
        let mut headers = HeaderMap::new();
        for _ in 0..u.int_in_range(0..=3)? {
            let (n, v) = *u.choose(REQUEST_HEADERS)?;
            headers.append(n, HeaderValue::from_static(v));
        }
        let credentials = *u.choose(&[
            CredentialsMode::SameOrigin,
            CredentialsMode::Include,
            CredentialsMode::Omit,
        ])?;
        let mode = *u.choose(&[Mode::Cors, Mode::Cors, Mode::NoCors, Mode::SameOrigin])?;
        let redirect = *u.choose(&[
            RedirectMode::Follow,
            RedirectMode::Follow,
            RedirectMode::Manual,
            RedirectMode::Error,
        ])?;
        let flag: bool = u.arbitrary()?;
        let partition = if u.arbitrary()? { "p1" } else { "p2" };
        let Ok(req) = Request::new(&method, Cow::Borrowed(&url), &headers, &page) else {
            continue;
        };
        let req = req
            .with_credentials(credentials)
            .with_mode(mode)
            .with_redirect(redirect)
            .with_use_cors_preflight(flag);
        let Ok(fetch) = CorsFetch::new(&req, &profile) else {
            continue;
        };
        let mut fetch = fetch.with_partition_key(partition);
        let include = credentials == CredentialsMode::Include;
        // The hop of the last preflight sent, and the last request and response.
        let mut preflight_hop: Option<usize> = None;
        let mut last: Option<(http::Request<()>, http::Response<()>)> = None;
        for _ in 0..80 {
            if u.arbitrary()? {
                now_ms = now_ms.saturating_add(u.choose(ADVANCE)? * 1000);
                if u.ratio(1, 4)? {
                    cache.evict_expired(Timestamp::from_millis(now_ms));
                }
            }
            let now = Timestamp::from_millis(now_ms);
            match fetch.poll(&mut cache, now) {
                Action::Send(out) => {
                    let urls = &fetch.url_list()[..=out.hop];
                    let sent_origin = out
                        .request
                        .headers()
                        .get(ORIGIN)
                        .map(|o| o.to_str().unwrap_or("?").to_owned());
                    // 3: Origin follows the redirect-taint.
                    let expected = if taint_of(&page, urls) == RedirectTaint::SameOrigin {
                        page.serialize()
                    } else {
                        "null"
                    };
                    // Only CORS-mode requests: in other modes the referrer policy may also
                    // turn `Origin` into `null` (an HTTPS page's POST to HTTP, say).
                    let exempt = mode != Mode::Cors
                        || (out.kind == OutgoingKind::Preflight
                            && profile.redirect.preflight_origin_untainted);
                    if let Some(o) = &sent_origin {
                        if !exempt {
                            assert_eq!(
                                o, expected,
                                "{:?} hop {} of {urls:?}",
                                profile.engine, out.hop
                            );
                        }
                    }
                    // 6.
                    if credentials == CredentialsMode::Omit {
                        assert!(!out.include_credentials);
                    }
                    if out.kind == OutgoingKind::Preflight {
                        assert!(
                            !out.include_credentials,
                            "a preflight never carries credentials"
                        );
                        preflight_hop = Some(out.hop);
                    } else if preflight_hop != Some(out.hop) {
                        // 4: no preflight on this hop; the cache must have covered it.
                        let mut page_headers = out.request.headers().clone();
                        page_headers.remove(ORIGIN);
                        let hop_url: Url = out.request.uri().to_string().parse().expect("url");
                        // `Request::new` refuses a URL with credentials, which a no-cors
                        // fetch may follow a redirect to; no CORS lookup happens there.
                        let view = Request::new(
                            out.request.method(),
                            Cow::Borrowed(&hop_url),
                            &page_headers,
                            &page,
                        )
                        .ok()
                        .map(|v| {
                            v.with_credentials(credentials)
                                .with_mode(mode)
                                .with_use_cors_preflight(flag)
                        });
                        if let (Some(Classification::CorsWithPreflight(need)), Some(origin)) = (
                            view.as_ref().map(|v| classify_request(v, &profile)),
                            &sent_origin,
                        ) {
                            let live: Vec<&Stored> = model
                                .iter()
                                .filter(|s| {
                                    s.partition == partition
                                        && s.origins.contains(origin)
                                        && s.url == hop_url.as_str()
                                        && (s.credentials || !include)
                                        && now_ms < s.expires_ms
                                })
                                .collect();
                            let m = out.request.method().as_str();
                            // The cache's rule: the flag alone asks for a method entry only
                            // under `preflight_flag_needs_method_entry`; otherwise any live
                            // entry for the URL covers a flag-only request.
                            let check_method = need.method_not_safelisted
                                || (need.use_cors_preflight
                                    && profile.cache.preflight_flag_needs_method_entry)
                                || !profile.cache.lookup_exempt_methods.contains(&m);
                            if need.use_cors_preflight
                                && !check_method
                                && need.unsafe_headers.is_empty()
                            {
                                assert!(
                                    !live.is_empty(),
                                    "{:?}: flag-only {m} {hop_url} went out without a preflight \
                                     and no live entry for the URL",
                                    profile.engine
                                );
                            }
                            if check_method {
                                assert!(
                                    live.iter().any(|s| s
                                        .methods
                                        .iter()
                                        .any(|e| e == m || (e == "*" && !s.credentials))),
                                    "{:?}: {m} {hop_url} went out without a preflight \
                                     (hop {}, at {now_ms} ms, {credentials:?}, origin {origin}); \
                                     the model holds {:#?}",
                                    profile.engine,
                                    out.hop,
                                    model
                                        .iter()
                                        .filter(|s| s.url == hop_url.as_str())
                                        .collect::<Vec<_>>()
                                );
                            }
                            for n in &need.unsafe_headers {
                                let n = n.as_str();
                                let wildcard_ok = n != "authorization"
                                    || profile.cache.wildcard_covers_authorization;
                                assert!(
                                    live.iter().any(|s| s
                                        .headers
                                        .iter()
                                        .any(|e| e.eq_ignore_ascii_case(n)
                                            || (e == "*" && !s.credentials && wildcard_ok))),
                                    "{:?}: {n} to {hop_url} went out without a preflight",
                                    profile.engine
                                );
                            }
                        }
                    }
                    let resp = respond(u, &out.request)?;
                    if out.kind == OutgoingKind::Preflight {
                        if let MaxAge::Seconds(s) = max_age(resp.headers(), &profile.max_age) {
                            let mut methods =
                                elements(resp.headers(), &ACCESS_CONTROL_ALLOW_METHODS);
                            if resp.headers().get(ACCESS_CONTROL_ALLOW_METHODS).is_none() {
                                // The use-CORS-preflight flag grants the request's method.
                                if let Some(m) =
                                    out.request.headers().get(ACCESS_CONTROL_REQUEST_METHOD)
                                {
                                    methods.push(m.to_str().unwrap_or("?").to_owned());
                                }
                            }
                            let mut origins = vec!["null".to_owned(), page.serialize().to_owned()];
                            origins.extend(sent_origin.clone());
                            let stored = Stored {
                                partition: partition.to_owned(),
                                origins,
                                url: out.request.uri().to_string(),
                                credentials: include,
                                methods,
                                headers: elements(resp.headers(), &ACCESS_CONTROL_ALLOW_HEADERS),
                                expires_ms: now_ms.saturating_add(s.saturating_mul(1000)),
                            };
                            refresh_wildcards(&mut model, &stored, now_ms);
                            model.push(stored);
                        }
                    }
                    fetch
                        .handle_response(&resp, &mut cache, now)
                        .expect("a response was awaited");
                    if out.kind == OutgoingKind::Request {
                        last = Some((out.request, resp));
                    }
                }
                Action::Wait => panic!("waiting although every request was answered"),
                Action::Done(outcome) => {
                    if let Ok(fr) = outcome {
                        check_final(
                            &profile,
                            &page,
                            include,
                            fetch.url_list(),
                            &fr,
                            last.as_ref(),
                        );
                    }
                    break;
                }
                _ => unreachable!("an action this driver does not know"),
            }
            // 5.
            assert!(cache.len() <= cache.capacity());
            assert!(cache.bytes() <= cache.max_bytes());
            assert!(cache.entries() <= cache.capacity() * profile.cache.max_items_per_slot);
        }
    }
    Ok(())
}

/// Invariants 1 and 2 on a finished fetch.
fn check_final(
    profile: &Profile,
    page: &Origin,
    include: bool,
    urls: &[Url],
    fr: &fetch_cors::FetchResponse,
    last: Option<&(http::Request<()>, http::Response<()>)>,
) {
    for n in &fr.header_names {
        assert!(n != "set-cookie" && n != "set-cookie2", "{n} readable");
    }
    assert!(!fr.headers.contains_key("set-cookie") && !fr.headers.contains_key("set-cookie2"));
    match fr.response_type {
        ResponseType::Opaque | ResponseType::OpaqueRedirect => {
            assert!(fr.header_names.is_empty() && fr.headers.is_empty());
            assert_eq!(fr.status, 0);
        }
        ResponseType::Basic => {
            // data: URLs are basic too, and come from a redirect's Location.
            assert!(
                urls.iter()
                    .all(|u| page.same_origin_with_url(u) || u.scheme() == "data"),
                "basic after {urls:?}"
            );
        }
        ResponseType::Cors => {
            let (req, resp) = last.expect("a CORS response answers a request");
            let origin = req
                .headers()
                .get(ORIGIN)
                .expect("a CORS request carries Origin");
            let acao = joined(resp.headers(), &ACCESS_CONTROL_ALLOW_ORIGIN);
            let named = acao.as_deref() == Some(origin.as_bytes());
            let star = acao.as_deref() == Some(&b"*"[..]);
            assert!(
                named || (star && !include),
                "{:?}: readable with {acao:?}",
                profile.engine
            );
            if include {
                assert!(named);
                assert_eq!(
                    joined(resp.headers(), &ACCESS_CONTROL_ALLOW_CREDENTIALS).as_deref(),
                    Some(&b"true"[..])
                );
            }
            let listed = elements(resp.headers(), &ACCESS_CONTROL_EXPOSE_HEADERS);
            let listed_star = listed.iter().any(|e| e == "*");
            for n in &fr.header_names {
                let n = n.as_str();
                let ok = CORS_SAFELISTED_RESPONSE_HEADER_NAMES.contains(&n)
                    || profile.extra_safelisted_response_headers.contains(&n)
                    || listed.iter().any(|e| e.eq_ignore_ascii_case(n))
                    || (listed_star && !include)
                    || (listed_star
                        && include
                        && profile.exposed_by_star_with_credentials.contains(&n));
                assert!(ok, "{:?}: {n} readable; listed {listed:?}", profile.engine);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = run(&mut u);
});
