//! `proptest` strategies for CORS: origins, look-alikes of an origin, requests a page can
//! make, server responses and policies. Available with the `proptest` feature.
//!
//! Every strategy is built from `prop_oneof!` and [`select`] over short, realistic values, so a
//! failing case shrinks to a readable counterexample: `https://app.example.com.evil.test`
//! rather than a random string, and `fetch("https://api.example/", { credentials: "include" })`
//! rather than a header soup.
//!
//! ```
//! use fetch_cors::policy::{self, CorsPolicy, OriginRule};
//! use fetch_cors::strategies::{origins_near, page_requests};
//! use fetch_cors::{Origin, Profile};
//! use proptest::prelude::*;
//!
//! let app = Origin::parse("https://app.example.com").unwrap();
//! let policy = CorsPolicy::new().allow_origin(OriginRule::from(app.clone()));
//! proptest!(|(origin in origins_near(&[app.clone()]),
//!             request in page_requests(&["https://api.example.com/items"]))| {
//!     let mut server = policy.clone(); // your server here
//!     policy::check_all(&mut server, &policy, &origin, &request, &Profile::CHROMIUM)?;
//! });
//! ```

use std::net::{Ipv4Addr, Ipv6Addr};

use http::{HeaderName, HeaderValue, Method};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use url::{Host, Url};

use crate::cache::PreflightCache;
use crate::origin::{OpaqueOrigin, Origin};
use crate::policy::{AllowList, CorsPolicy, OriginRule, Property, judge};
use crate::profile::Profile;
use crate::request::{CredentialsMode, Mode};
use crate::simulate::{PageRequest, Server, simulate_page};
use crate::time::Timestamp;

/// `https` or `http` (shrinks to `https`).
pub fn schemes() -> impl Strategy<Value = &'static str> + Clone {
    select(&["https", "http"][..])
}

const DOMAINS: &[&str] = &[
    "app.example",
    "evil.example",
    "api.example",
    "example.com",
    "app.example.com",
    "a.b.example.com",
    "localhost",
    "attacker.test",
];

const IDNS: &[&str] = &[
    "bücher.example",
    "例え.テスト",
    "app.exämple.com",
    "xn--80ak6aa92e.com",
];

const IPV6: &[Ipv6Addr] = &[
    Ipv6Addr::LOCALHOST,
    Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
];

/// Hosts as they appear in a URL: registrable domains and subdomains, `localhost`, IPv4 and
/// IPv6 literals (bracketed) and internationalized names (before the URL parser's punycode).
pub fn hosts() -> BoxedStrategy<String> {
    let labels = (
        proptest::collection::vec(select(&["a", "app", "api", "x-y", "evil"][..]), 1..3),
        select(&["example", "test", "com"][..]),
    )
        .prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")));
    prop_oneof![
        6 => select(DOMAINS).prop_map(str::to_owned),
        2 => labels,
        1 => any::<[u8; 4]>().prop_map(|b| Ipv4Addr::from(b).to_string()),
        1 => prop_oneof![
            select(IPV6),
            any::<[u16; 8]>().prop_map(|s| Ipv6Addr::new(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7])),
        ]
        .prop_map(|ip| format!("[{ip}]")),
        1 => select(IDNS).prop_map(str::to_owned),
    ]
    .boxed()
}

/// An explicit port, or none (the scheme's default, which it shrinks to).
pub fn ports() -> BoxedStrategy<Option<u16>> {
    prop_oneof![
        4 => Just(None),
        2 => select(&[8080u16, 8443, 3000, 444][..]).prop_map(Some),
        1 => (1u16..=u16::MAX).prop_map(Some),
    ]
    .boxed()
}

/// Tuple origins: a scheme, a host from [`hosts`] and a port from [`ports`].
pub fn tuple_origins() -> BoxedStrategy<Origin> {
    (schemes(), hosts(), ports())
        .prop_filter_map("not a tuple origin", |(scheme, host, port)| {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            Origin::parse(&format!("{scheme}://{host}{port}"))
                .ok()
                .filter(Origin::is_tuple)
        })
        .boxed()
}

/// The opaque origin a sandboxed document or `data:` URL has; it serializes as `null`.
pub fn null_origin() -> Just<Origin> {
    Just(Origin::Opaque(OpaqueOrigin::anonymous()))
}

/// Any origin a page can have: mostly tuple origins, sometimes `null`.
pub fn origins() -> BoxedStrategy<Origin> {
    prop_oneof![9 => tuple_origins(), 1 => null_origin()].boxed()
}

fn with_port(scheme: &str, host: &str, port: u16) -> String {
    let default = match scheme {
        "http" => 80,
        "https" => 443,
        _ => 0,
    };
    if port == default {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{host}:{port}")
    }
}

/// The origins that look like `of` but are not it, most telling first: for
/// `https://app.example.com`, the prefix trick `https://app.example.com.evil.test`, the suffix
/// tricks `https://evilapp.example.com` and `https://evil-app.example.com`, a substring
/// `https://xapp.example.com.evil.test`, unescaped dots `https://appxexample.com` and
/// `https://app.examplexcom`, a subdomain `https://evil.app.example.com`, the parent
/// `https://example.com` and a sibling `https://evil.example.com`, the trailing dot
/// `https://app.example.com.`, the other scheme, other ports, and `null`.
///
/// ```
/// use fetch_cors::Origin;
/// use fetch_cors::strategies::look_alike_list;
///
/// let app = Origin::parse("https://app.example.com").unwrap();
/// let names: Vec<String> = look_alike_list(&app).iter().map(|o| o.to_string()).collect();
/// assert!(names.contains(&"https://appxexample.com".to_string()));
/// assert!(names.contains(&"http://app.example.com".to_string()));
/// assert!(!names.contains(&"https://app.example.com".to_string()));
/// ```
pub fn look_alike_list(of: &Origin) -> Vec<Origin> {
    let mut texts: Vec<String> = Vec::new();
    match of.as_tuple() {
        None => {
            texts.extend(
                [
                    "https://null",
                    "http://null.evil.test",
                    "https://evil.example",
                ]
                .map(String::from),
            );
        }
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
                    let h = h.as_str();
                    texts.push(with_port(s, &format!("{h}.evil.test"), p));
                    texts.push(with_port(s, &format!("evil{h}"), p));
                    texts.push(with_port(s, &format!("evil-{h}"), p));
                    texts.push(with_port(s, &format!("x{h}.evil.test"), p));
                    for (i, _) in h.match_indices('.') {
                        for glue in ["x", "-"] {
                            let mut fake = String::with_capacity(h.len());
                            fake.push_str(&h[..i]);
                            fake.push_str(glue);
                            fake.push_str(&h[i + 1..]);
                            texts.push(with_port(s, &fake, p));
                        }
                    }
                    texts.push(with_port(s, &format!("evil.{h}"), p));
                    if let Some((_, parent)) = h.split_once('.') {
                        if parent.contains('.') {
                            texts.push(with_port(s, parent, p));
                            texts.push(with_port(s, &format!("evil.{parent}"), p));
                        }
                    }
                    texts.push(with_port(s, &format!("{h}."), p));
                    texts.push(with_port(other_scheme, h, other_port));
                    texts.push(with_port(s, h, p.wrapping_add(1).max(1)));
                    texts.push(with_port(s, h, 8443));
                }
                Host::Ipv4(ip) => {
                    let next = Ipv4Addr::from(u32::from(*ip).wrapping_add(1));
                    texts.push(with_port(s, &next.to_string(), p));
                    texts.push(with_port(s, &format!("{ip}.evil.test"), p));
                    texts.push(with_port(other_scheme, &ip.to_string(), other_port));
                    texts.push(with_port(s, &ip.to_string(), p.wrapping_add(1).max(1)));
                }
                Host::Ipv6(ip) => {
                    let next = Ipv6Addr::from(u128::from(*ip).wrapping_add(1));
                    texts.push(with_port(s, &format!("[{next}]"), p));
                    texts.push(with_port(other_scheme, &format!("[{ip}]"), other_port));
                    texts.push(with_port(s, &format!("[{ip}]"), p.wrapping_add(1).max(1)));
                }
            }
            texts.push("null".into());
        }
    }
    let mut out: Vec<Origin> = Vec::new();
    for text in texts {
        let Ok(o) = Origin::parse(&text) else {
            continue;
        };
        if o.serialize() == of.serialize() || out.iter().any(|x| x.serialize() == o.serialize()) {
            continue;
        }
        out.push(o);
    }
    out
}

/// The look-alikes of `of` ([`look_alike_list`]); shrinks towards the most telling one.
pub fn look_alikes(of: &Origin) -> BoxedStrategy<Origin> {
    select(look_alike_list(of)).boxed()
}

/// Origins an attacker would try against a server that allows `allowed`: the allowed origins
/// themselves, their look-alikes, and arbitrary origins ([`origins`]). With no allowed
/// origins, arbitrary origins only.
pub fn origins_near(allowed: &[Origin]) -> BoxedStrategy<Origin> {
    let alikes: Vec<Origin> = allowed.iter().flat_map(look_alike_list).collect();
    if allowed.is_empty() || alikes.is_empty() {
        return origins();
    }
    prop_oneof![
        2 => select(allowed.to_vec()),
        5 => select(alikes),
        2 => origins(),
    ]
    .boxed()
}

/// Request methods: safelisted (`GET`, `HEAD`, `POST`), common unsafe ones, and odd ones a
/// page can still send (`patch` in lower case, which `fetch()` does not normalize, and an
/// extension method).
pub fn methods() -> BoxedStrategy<Method> {
    prop_oneof![
        3 => select(vec![Method::GET, Method::HEAD, Method::POST]),
        2 => select(vec![Method::PUT, Method::DELETE, Method::PATCH]),
        1 => select(&["patch", "PROPFIND"][..]).prop_filter_map("method", |m| Method::from_bytes(m.as_bytes()).ok()),
    ]
    .boxed()
}

/// Header entries a page may set, CORS-safelisted ones first, then ones that need a preflight.
pub const REQUEST_HEADERS: &[(&str, &str)] = &[
    ("accept", "application/json"),
    ("content-type", "text/plain"),
    ("content-language", "en"),
    ("accept-language", "de"),
    ("content-type", "application/json"),
    ("authorization", "Bearer token"),
    ("x-requested-with", "XMLHttpRequest"),
    ("x-api-key", "key"),
    ("x-custom", "1"),
];

/// Sets of 0 to 3 request headers from [`REQUEST_HEADERS`], one entry per name.
pub fn request_headers() -> BoxedStrategy<Vec<(&'static str, &'static str)>> {
    proptest::collection::vec(select(REQUEST_HEADERS), 0..=3)
        .prop_map(|mut entries| {
            let mut seen: Vec<&str> = Vec::new();
            entries.retain(|(n, _)| {
                let new = !seen.contains(n);
                seen.push(n);
                new
            });
            entries
        })
        .boxed()
}

/// Credentials modes, shrinking towards `same-origin` (the `fetch()` default), then `include`.
pub fn credentials_modes() -> impl Strategy<Value = CredentialsMode> + Clone {
    select(vec![
        CredentialsMode::SameOrigin,
        CredentialsMode::Include,
        CredentialsMode::Omit,
    ])
}

/// Request modes: mostly `cors`, sometimes `no-cors` and `same-origin`.
pub fn modes() -> BoxedStrategy<Mode> {
    prop_oneof![6 => Just(Mode::Cors), 1 => Just(Mode::NoCors), 1 => Just(Mode::SameOrigin)].boxed()
}

/// Requests a page can make to one of `urls`: any method from [`methods`], headers from
/// [`request_headers`], a mode and a credentials mode. URLs that do not parse are skipped; with
/// none left, `https://api.example/` is used. Shrinks towards `fetch(urls[0])`.
pub fn page_requests(urls: &[&str]) -> BoxedStrategy<PageRequest> {
    let mut parsed: Vec<Url> = urls.iter().filter_map(|u| Url::parse(u).ok()).collect();
    if parsed.is_empty() {
        if let Ok(u) = Url::parse("https://api.example/") {
            parsed.push(u);
        }
    }
    (
        select(parsed),
        methods(),
        request_headers(),
        modes(),
        credentials_modes(),
    )
        .prop_map(|(url, method, headers, mode, credentials)| {
            let mut req = PageRequest {
                method,
                url,
                headers: http::HeaderMap::new(),
                mode,
                credentials,
            };
            for (n, v) in headers {
                req = req.with_header(n, v);
            }
            req
        })
        .boxed()
}

fn opt(values: &[&'static str]) -> BoxedStrategy<Option<&'static str>> {
    prop_oneof![2 => Just(None), 3 => select(values.to_vec()).prop_map(Some)].boxed()
}

/// Response heads a server might send to a page of `origin`: a status, and a mix of correct
/// and broken CORS headers (`*`, the origin, `null`, another origin, a trailing slash, two
/// values; `Access-Control-Allow-Credentials` `true` or `True`; wildcard and listed methods
/// and headers; odd max-ages; `Vary`), plus `content-type` and `x-total-count` to expose.
pub fn responses_for(origin: &Origin) -> BoxedStrategy<http::Response<()>> {
    let me = origin.serialize().to_owned();
    let acao = prop_oneof![
        1 => Just(None),
        2 => Just(Some(me.clone())),
        1 => select(vec![
            "*".to_owned(),
            "null".to_owned(),
            "https://other.example".to_owned(),
            format!("{me}/"),
            format!("{me}, https://other.example"),
        ])
        .prop_map(Some),
    ];
    (
        select(&[200u16, 204, 400, 403, 404, 500][..]),
        acao,
        opt(&["true", "True", "false"]),
        opt(&["*", "GET, POST", "PUT", "put", "PATCH, DELETE"]),
        opt(&[
            "*",
            "content-type",
            "authorization",
            "x-custom, content-type",
            "*, authorization",
        ]),
        opt(&["*", "x-total-count", "content-length"]),
        opt(&["0", "5", "600", "86400", "-1", "abc"]),
        opt(&["Origin", "Accept-Encoding", "*"]),
    )
        .prop_map(|(status, acao, acac, acam, acah, aceh, max_age, vary)| {
            let mut response = http::Response::new(());
            *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or_default();
            let h = response.headers_mut();
            h.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            h.insert(
                HeaderName::from_static("x-total-count"),
                HeaderValue::from_static("3"),
            );
            let pairs = [
                (http::header::ACCESS_CONTROL_ALLOW_CREDENTIALS, acac),
                (http::header::ACCESS_CONTROL_ALLOW_METHODS, acam),
                (http::header::ACCESS_CONTROL_ALLOW_HEADERS, acah),
                (http::header::ACCESS_CONTROL_EXPOSE_HEADERS, aceh),
                (http::header::ACCESS_CONTROL_MAX_AGE, max_age),
                (http::header::VARY, vary),
            ];
            if let Some(v) = acao.and_then(|v| HeaderValue::from_str(&v).ok()) {
                h.insert(http::header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
            }
            for (name, value) in pairs {
                if let Some(v) = value {
                    h.insert(name, HeaderValue::from_static(v));
                }
            }
            response
        })
        .boxed()
}

/// Declarative policies over `origins`: each allows some of them exactly, or their parent
/// domain as an anchored subdomain pattern, or any origin; with or without credentials; with
/// listed or any methods, request headers and exposed headers; with or without a max-age.
/// Useful to test code that consumes policies, and the properties themselves.
pub fn policies(origins: &[Origin]) -> BoxedStrategy<CorsPolicy> {
    let mut rules: Vec<OriginRule> = vec![OriginRule::Any];
    for o in origins {
        rules.push(OriginRule::from(o.clone()));
        if let Some(t) = o.as_tuple() {
            if let Host::Domain(d) = t.host() {
                if let Some((_, parent)) = d.split_once('.') {
                    rules.push(OriginRule::subdomains_of(t.scheme(), parent));
                }
            }
        }
    }
    let n = rules.len();
    (
        subsequence(rules, 0..=n.min(3)),
        any::<bool>(),
        prop_oneof![
            Just(AllowList::Any),
            subsequence(vec![Method::PUT, Method::DELETE, Method::PATCH], 0..=3)
                .prop_map(AllowList::Only),
        ],
        prop_oneof![
            Just(AllowList::Any),
            subsequence(
                vec![
                    "content-type",
                    "authorization",
                    "x-requested-with",
                    "x-api-key",
                    "x-custom"
                ],
                0..=5
            )
            .prop_map(|v| AllowList::Only(v.into_iter().map(HeaderName::from_static).collect())),
        ],
        prop_oneof![
            Just(AllowList::Any),
            subsequence(vec!["x-total-count", "x-request-id"], 0..=2).prop_map(
                |v| AllowList::Only(v.into_iter().map(HeaderName::from_static).collect())
            ),
        ],
        proptest::option::of(select(&[0u64, 5, 600, 86_400][..])),
    )
        .prop_map(
            |(origins, credentials, methods, request_headers, exposed_headers, max_age)| {
                CorsPolicy {
                    origins,
                    credentials,
                    methods,
                    request_headers,
                    exposed_headers,
                    max_age,
                    vary_origin: true,
                }
            },
        )
        .boxed()
}

/// Searches for a violation: runs `cases` random (origin, request, profile) cases drawn from
/// [`origins_near`]`(allowed)`, [`page_requests`]`(urls)` and `profiles` against a fresh server
/// from `make_server`, judging `properties` (all of [`Property::ALL`] when empty), and returns
/// the shrunk counterexample's [`Violation`](crate::policy::Violation) text, or `None` when every case held.
///
/// The random number generator is seeded deterministically, so the same inputs find the same
/// counterexample on every run: a test can assert that a known weakness is still there.
///
/// ```
/// use fetch_cors::policy::{CorsPolicy, OriginRule, Property};
/// use fetch_cors::strategies::counterexample;
/// use fetch_cors::{Origin, Profile};
///
/// let app = Origin::parse("https://app.example.com").unwrap();
/// let intent = CorsPolicy::new().allow_origin(OriginRule::from(app.clone()));
/// // The server checks the origin with a suffix match.
/// let sloppy = CorsPolicy::new().allow_origin(OriginRule::Suffix("example.com".into()));
/// let found = counterexample(|| sloppy.clone(), &intent, &[app], &["https://api.example.com/"],
///     &[Profile::CHROMIUM], &[Property::OtherOriginsCannotRead], 64);
/// let text = found.expect("a suffix match lets a look-alike in");
/// assert!(text.contains("page origin: https://evilapp.example.com"), "{text}");
/// ```
pub fn counterexample<S: Server>(
    make_server: impl Fn() -> S,
    policy: &CorsPolicy,
    allowed: &[Origin],
    urls: &[&str],
    profiles: &[Profile],
    properties: &[Property],
    cases: u32,
) -> Option<String> {
    use proptest::test_runner::{
        Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner,
    };

    let properties: Vec<Property> = if properties.is_empty() {
        Property::ALL.to_vec()
    } else {
        properties.to_vec()
    };
    let profiles: Vec<Profile> = if profiles.is_empty() {
        vec![Profile::SPEC]
    } else {
        profiles.to_vec()
    };
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let strategy = (
        origins_near(allowed),
        page_requests(urls),
        0..profiles.len(),
    );
    let result = runner.run(&strategy, |(origin, request, p)| {
        let profile = &profiles[p];
        let mut server = make_server();
        let mut cache = PreflightCache::new(profile);
        let Ok(sim) = simulate_page(
            &request,
            &origin,
            profile,
            &mut cache,
            Timestamp::ZERO,
            &mut server,
        ) else {
            return Ok(());
        };
        for property in &properties {
            judge(*property, policy, &origin, &request, &sim).map_err(|v| {
                TestCaseError::fail(format!("{v}\n  profile:     {}", profile.engine.name()))
            })?;
        }
        Ok(())
    });
    match result {
        Ok(()) => None,
        Err(TestError::Fail(reason, _)) => Some(reason.message().to_owned()),
        Err(TestError::Abort(reason)) => Some(format!("search aborted: {}", reason.message())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::PreflightCache;
    use crate::policy::{Property, judge};
    use crate::profile::Profile;
    use crate::simulate::simulate_page;
    use crate::time::Timestamp;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    #[test]
    fn look_alikes_of_a_subdomain() {
        let app = Origin::parse("https://app.example.com").unwrap();
        let names: Vec<String> = look_alike_list(&app)
            .iter()
            .map(ToString::to_string)
            .collect();
        for want in [
            "https://app.example.com.evil.test",
            "https://evilapp.example.com",
            "https://evil-app.example.com",
            "https://appxexample.com",
            "https://app.examplexcom",
            "https://app-example.com",
            "https://evil.app.example.com",
            "https://example.com",
            "https://evil.example.com",
            "https://app.example.com.",
            "http://app.example.com",
            "https://app.example.com:444",
            "https://app.example.com:8443",
            "null",
        ] {
            assert!(
                names.contains(&want.to_owned()),
                "{want} missing from {names:?}"
            );
        }
        assert_eq!(names[0], "https://app.example.com.evil.test");
    }

    #[test]
    fn look_alikes_of_ip_and_null() {
        let ip = Origin::parse("http://127.0.0.1:8080").unwrap();
        let names: Vec<String> = look_alike_list(&ip)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            names.contains(&"http://127.0.0.2:8080".to_owned()),
            "{names:?}"
        );
        assert!(
            names.contains(&"https://127.0.0.1:8080".to_owned()),
            "{names:?}"
        );
        let v6 = Origin::parse("https://[::1]").unwrap();
        assert!(
            look_alike_list(&v6)
                .iter()
                .any(|o| o.serialize() == "https://[::2]")
        );
        let null = Origin::parse("null").unwrap();
        assert!(!look_alike_list(&null).is_empty());
        // Empty allow-list: still a strategy.
        let mut runner = TestRunner::deterministic();
        assert!(origins_near(&[]).new_tree(&mut runner).is_ok());
    }

    #[test]
    fn generated_values_are_well_formed() {
        let mut runner = TestRunner::deterministic();
        let app = Origin::parse("https://app.example").unwrap();
        for _ in 0..200 {
            let o = origins().new_tree(&mut runner).unwrap().current();
            assert_eq!(
                Origin::parse(o.serialize()).unwrap().serialize(),
                o.serialize()
            );
            let r = page_requests(&["https://api.example/x", "not a url"])
                .new_tree(&mut runner)
                .unwrap()
                .current();
            assert_eq!(r.url.as_str(), "https://api.example/x");
            let _ = responses_for(&app).new_tree(&mut runner).unwrap().current();
        }
        let fallback = page_requests(&[]).new_tree(&mut runner).unwrap().current();
        assert_eq!(fallback.url.as_str(), "https://api.example/");
    }

    #[test]
    fn shrinks_to_the_plainest_request() {
        let mut runner = TestRunner::deterministic();
        let mut tree = page_requests(&["https://api.example/"])
            .new_tree(&mut runner)
            .unwrap();
        while tree.simplify() {}
        assert_eq!(
            tree.current().to_string(),
            r#"fetch("https://api.example/")"#
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// A policy, acting as a server, keeps every promise it makes.
        #[test]
        fn every_policy_server_satisfies_its_own_properties(
            policy in policies(&[
                Origin::parse("https://app.example.com").unwrap(),
                Origin::parse("http://localhost:3000").unwrap(),
            ]),
            origin in origins_near(&[Origin::parse("https://app.example.com").unwrap()]),
            request in page_requests(&["https://api.example.com/items"]),
            engine in select(&["spec", "chromium", "firefox", "webkit"][..]),
        ) {
            let profile = Profile::by_name(engine).unwrap();
            let mut server = policy.clone();
            // A policy that allows any origin with credentials means to break the
            // no-credentialed-read-from-unlisted floor; hold it to everything else.
            let properties: Vec<Property> = Property::ALL
                .into_iter()
                .filter(|p| {
                    *p != Property::NoCredentialedReadFromUnlisted
                        || !(policy.credentials && policy.origins.contains(&OriginRule::Any))
                })
                .collect();
            let Ok(sim) = simulate_page(
                &request, &origin, &profile, &mut PreflightCache::new(&profile), Timestamp::ZERO, &mut server,
            ) else {
                return Ok(());
            };
            for p in properties {
                judge(p, &policy, &origin, &request, &sim)?;
            }
        }
    }
}
