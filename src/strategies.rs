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

use proptest::strategy::ValueTree;

use crate::origin::{OpaqueOrigin, Origin};
use crate::policy::{
    AllowList, CorsPolicy, Findings, OriginRule, Property, Violation, audit_into, violations,
};
use crate::profile::Profile;
use crate::request::{CredentialsMode, Mode};
use crate::simulate::{PageRequest, Server};

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

/// The origins that look like `of` but are not it, most telling first
/// ([`policy::look_alikes`](crate::policy::look_alikes)): for `https://app.example.com`, the
/// prefix trick `https://app.example.com.evil.test`, the suffix tricks
/// `https://evilapp.example.com` and `https://evil-app.example.com`, a substring
/// `https://xapp.example.com.evil.test`, odd characters after the host, unescaped dots
/// `https://appxexample.com` and `https://app.examplexcom`, a subdomain
/// `https://evil.app.example.com`, the parent `https://example.com` and a sibling
/// `https://evil.example.com`, the trailing dot `https://app.example.com.`, a punycode
/// homograph, the other scheme, other ports, and `null`.
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
    crate::policy::look_alikes(of)
}

/// The look-alikes of `of` ([`look_alike_list`]); shrinks towards the most telling one.
pub fn look_alikes(of: &Origin) -> BoxedStrategy<Origin> {
    select(look_alike_list(of)).boxed()
}

/// Origins an attacker would try against a server that allows `allowed`: the allowed origins
/// themselves, their look-alikes and combinations of two of them
/// ([`policy::combinations`](crate::policy::combinations)), and arbitrary origins
/// ([`origins`]). With no allowed origins, arbitrary origins only.
pub fn origins_near(allowed: &[Origin]) -> BoxedStrategy<Origin> {
    let mut alikes: Vec<Origin> = allowed.iter().flat_map(look_alike_list).collect();
    alikes.extend(crate::policy::combinations(allowed));
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
                    ..CorsPolicy::new()
                }
            },
        )
        .boxed()
}

/// How [`search`] runs: the adversarial sweep ([`policy::audit`](crate::policy::audit)) always
/// runs in full first; then `cases` random cases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchConfig {
    /// Random cases after the sweep (proptest's default, 256 unless `PROPTEST_CASES` says
    /// otherwise).
    pub cases: u32,
    /// The random seed; `None` takes proptest's (`PROPTEST_RNG_SEED`, or a random one).
    pub seed: Option<u64>,
    /// The most steps spent shrinking one counterexample.
    pub max_shrink_steps: u32,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            cases: proptest::test_runner::Config::default().cases,
            seed: None,
            max_shrink_steps: 1024,
        }
    }
}

/// Searches for every violation: first the deterministic sweep of
/// [`policy::audit`](crate::policy::audit) (adversarial origins of the policy and of `allowed`,
/// requests the policy's intent makes), then `config.cases` random (origin, request,
/// profile) cases from [`origins_near`], [`page_requests`]`(urls)` and `profiles` (the
/// standard's when empty), each against a fresh server from `make_server`.
///
/// Returns one [`Violation`] per property and [`BugClass`](crate::policy::BugClass), most
/// severe first, each with its counterexample and fix. A violation found at random is
/// shrunk only towards cases that still break the same property with the same class at the
/// same severity or worse, so shrinking neither drifts to another property nor drops
/// `credentials: "include"` from a credentialed leak. Everything the sweep finds is found on
/// every run, whatever the seed.
///
/// ```
/// use fetch_cors::policy::{BugClass, CorsPolicy, OriginRule};
/// use fetch_cors::strategies::{search, SearchConfig};
/// use fetch_cors::{Origin, Profile};
///
/// let app = Origin::parse("https://app.example.com").unwrap();
/// let intent = CorsPolicy::new().allow_origin(OriginRule::from(app.clone())).allow_credentials(true);
/// // The server trusts `null` with credentials.
/// let sloppy = CorsPolicy::new().allow_origin(app.clone()).allow_origin(OriginRule::Null).allow_credentials(true);
/// let found = search(|| sloppy.clone(), &intent, &[], &["https://api.example.com/"],
///     &[Profile::CHROMIUM], &SearchConfig::default());
/// assert_eq!(found[0].class, BugClass::NullOrigin);
/// assert!(found[0].credentialed, "{}", found[0]);
/// ```
pub fn search<S: Server>(
    make_server: impl Fn() -> S,
    policy: &CorsPolicy,
    allowed: &[Origin],
    urls: &[&str],
    profiles: &[Profile],
    config: &SearchConfig,
) -> Vec<Violation> {
    use proptest::test_runner::{Config, RngSeed, TestRunner};

    let profiles: Vec<Profile> = if profiles.is_empty() {
        vec![Profile::SPEC]
    } else {
        profiles.to_vec()
    };
    let mut findings = Findings::new();
    audit_into(
        &mut findings,
        &make_server,
        policy,
        allowed,
        urls,
        &profiles,
    );

    let mut near: Vec<Origin> = allowed.to_vec();
    near.extend(policy.origins.iter().filter_map(|r| match r {
        OriginRule::Exact(o) => Some(o.clone()),
        _ => None,
    }));
    let defaults = Config::default();
    let mut runner = TestRunner::new(Config {
        cases: config.cases,
        failure_persistence: None,
        rng_seed: config.seed.map_or(defaults.rng_seed, RngSeed::Fixed),
        ..defaults
    });
    let strategy = (origins_near(&near), page_requests(urls), 0..profiles.len());
    let eval = |(origin, request, p): &(Origin, PageRequest, usize)| {
        violations(&mut make_server(), policy, origin, request, &profiles[*p])
    };
    for _ in 0..config.cases {
        let Ok(mut tree) = strategy.new_tree(&mut runner) else {
            break;
        };
        let found = eval(&tree.current());
        let Some(target) = found.iter().find(|v| findings.is_new(v)).cloned() else {
            continue;
        };
        for v in found {
            findings.add(v);
        }
        let (property, class, severity) = (target.property, target.class, target.severity);
        let mut best = target;
        let mut steps = 0;
        if tree.simplify() {
            while steps < config.max_shrink_steps {
                steps += 1;
                let same = eval(&tree.current())
                    .into_iter()
                    .find(|v| v.property == property && v.class == class && v.severity >= severity);
                let more = match same {
                    Some(v) => {
                        best = v;
                        tree.simplify()
                    }
                    None => tree.complicate(),
                };
                if !more {
                    break;
                }
            }
        }
        findings.replace(best);
    }
    findings.into_vec()
}

/// Searches for a violation of `properties` (all of [`Property::ALL`] when empty) with
/// [`search`]: the adversarial sweep, then `cases` random cases drawn from
/// [`origins_near`]`(allowed)`, [`page_requests`]`(urls)` and `profiles`, against a fresh
/// server from `make_server`. Returns the most severe violation's text (its title,
/// counterexample and fix), or `None` when every case held.
///
/// The random part is seeded deterministically, so the same inputs find the same
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
    let config = SearchConfig {
        cases,
        seed: Some(0),
        ..SearchConfig::default()
    };
    search(make_server, policy, allowed, urls, profiles, &config)
        .into_iter()
        .find(|v| properties.is_empty() || properties.contains(&v.property))
        .map(|v| v.to_string())
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
