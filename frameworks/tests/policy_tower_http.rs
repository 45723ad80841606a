//! tower-http's `CorsLayer`, property-tested against what browsers do.
//!
//! Each configuration is wrapped around a small application service and driven in-process (no
//! sockets, no runtime: the services answer at once). The properties of
//! `fetch_cors::policy` then say what a browser of each profile would let a page read. Where a
//! configuration lets an origin outside its intent read, the test asserts that the property
//! fails and prints the shrunk counterexample, so it documents the finding and fails if the
//! behaviour changes. `spec-notes/server-findings.md` summarizes the findings.

use std::time::Duration;

use fetch_cors::lint::{FindingKind, Severity, lint_exchanges};
use fetch_cors::policy::{self, CorsPolicy, OriginRule, Property};
use fetch_cors::simulate::{PageRequest, Server, simulate_page};
use fetch_cors::strategies::counterexample;
use fetch_cors::{CredentialsMode, Origin, PreflightCache, Profile, Timestamp};
use fetch_cors_frameworks::tower;
use http::{HeaderName, HeaderValue, Method, Request};
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

const CASES: u32 = 256;
const URLS: &[&str] = &[
    "https://api.example.com/items",
    "https://api.example.com/me",
];
const BROWSERS: [Profile; 3] = [Profile::CHROMIUM, Profile::FIREFOX, Profile::WEBKIT];

fn o(s: &str) -> Origin {
    Origin::parse(s).unwrap()
}

fn app() -> Origin {
    o("https://app.example.com")
}

fn admin() -> Origin {
    o("https://admin.example.com")
}

/// The intent behind an exact allow-list with credentials.
fn app_and_admin_with_credentials() -> CorsPolicy {
    CorsPolicy::new()
        .allow_origin(app())
        .allow_origin(admin())
        .allow_credentials(true)
        .allow_methods([Method::PUT, Method::DELETE])
        .allow_headers([
            HeaderName::from_static("content-type"),
            HeaderName::from_static("authorization"),
        ])
        .expose_headers([HeaderName::from_static("x-total-count")])
        .max_age(600)
}

fn expect_violation(found: Option<String>, property: Property, config: &str) -> String {
    let text = found.unwrap_or_else(|| panic!("{config}: expected \"{property}\" to fail"));
    assert!(
        text.contains(&format!("property \"{property}\" fails")),
        "{config}: {text}"
    );
    println!("{config}: shrunk counterexample\n{text}\n");
    text
}

#[test]
fn very_permissive_lets_any_origin_read_with_cookies() {
    let make = || tower(CorsLayer::very_permissive());
    // Intent: the app's own front ends only.
    let intent = app_and_admin_with_credentials();
    let text = expect_violation(
        counterexample(
            make,
            &intent,
            &[app(), admin()],
            URLS,
            &BROWSERS,
            &[Property::OtherOriginsCannotRead],
            CASES,
        ),
        Property::OtherOriginsCannotRead,
        "very_permissive",
    );
    assert!(!text.contains("page origin: https://app.example.com\n"));
    // And with cookies.
    let text = expect_violation(
        counterexample(
            make,
            &intent,
            &[app(), admin()],
            URLS,
            &BROWSERS,
            &[Property::NoCredentialedReadFromUnlisted],
            CASES,
        ),
        Property::NoCredentialedReadFromUnlisted,
        "very_permissive (credentialed)",
    );
    assert!(text.contains("(with cookies)"), "{text}");
    // Even read as "any origin may read", credentialed reads by unlisted origins happen.
    let any = CorsPolicy::new()
        .allow_any_origin()
        .allow_credentials(true)
        .allow_any_method()
        .allow_any_header();
    let text = expect_violation(
        counterexample(
            make,
            &any,
            &[app()],
            URLS,
            &BROWSERS,
            &[Property::NoCredentialedReadFromUnlisted],
            CASES,
        ),
        Property::NoCredentialedReadFromUnlisted,
        "very_permissive (intent: any origin)",
    );
    assert!(text.contains(r#"credentials: "include""#), "{text}");
    assert!(
        text.contains("access-control-allow-credentials: true"),
        "{text}"
    );
}

#[test]
fn very_permissive_is_flagged_by_the_exchange_lint() {
    let mut server = tower(CorsLayer::very_permissive());
    let me = PageRequest::get("https://api.example.com/me")
        .unwrap()
        .with_credentials(CredentialsMode::Include);
    let mut exchanges = Vec::new();
    // The trusted origins and the adversarial ones a test would try.
    let intent = app_and_admin_with_credentials();
    for origin in policy::adversarial_origins(&intent, &[]) {
        let mut cache = PreflightCache::new(&Profile::CHROMIUM);
        let sim = simulate_page(
            &me,
            &origin,
            &Profile::CHROMIUM,
            &mut cache,
            Timestamp::ZERO,
            &mut server,
        )
        .unwrap();
        assert!(sim.readable().is_some(), "{origin} reads /me with cookies");
        exchanges.extend(fetch_cors::lint::exchanges_of(&sim));
    }
    let findings = lint_exchanges(&exchanges);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].kind, FindingKind::ReflectsUnrelatedOrigins);
    assert_eq!(findings[0].severity, Severity::Critical);
    // Two unrelated origins alone are what a correct allow-list reflects too: no finding.
    let two: Vec<_> = exchanges
        .into_iter()
        .filter(|(req, _)| {
            req.headers()
                .get("origin")
                .is_some_and(|o| o == "https://app.example.com" || o == "https://attacker.test")
        })
        .collect();
    assert!(lint_exchanges(&two).is_empty());
}

#[test]
fn mirror_request_with_credentials_lets_any_origin_read_with_cookies() {
    let make = || {
        tower(
            CorsLayer::new()
                .allow_origin(AllowOrigin::mirror_request())
                .allow_credentials(true)
                .allow_methods([Method::GET, Method::PUT, Method::DELETE])
                .allow_headers([
                    HeaderName::from_static("content-type"),
                    HeaderName::from_static("authorization"),
                ])
                .expose_headers([HeaderName::from_static("x-total-count")]),
        )
    };
    let intent = app_and_admin_with_credentials();
    let text = expect_violation(
        counterexample(
            make,
            &intent,
            &[app(), admin()],
            URLS,
            &BROWSERS,
            &[Property::OtherOriginsCannotRead],
            CASES,
        ),
        Property::OtherOriginsCannotRead,
        "mirror_request + credentials",
    );
    assert!(text.contains("is not allowed, yet the browser lets it read"));
    // The allowed origins themselves are served as intended.
    assert_eq!(
        counterexample(
            make,
            &intent,
            &[app(), admin()],
            URLS,
            &BROWSERS,
            &[
                Property::AllowedOriginsCanRead,
                Property::VaryOriginWhenAllowOriginVaries
            ],
            CASES,
        ),
        None
    );
}

#[test]
fn exact_list_with_credentials_holds() {
    let make = || {
        tower(
            CorsLayer::new()
                .allow_origin([
                    HeaderValue::from_static("https://app.example.com"),
                    HeaderValue::from_static("https://admin.example.com"),
                ])
                .allow_credentials(true)
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
                .allow_headers([
                    HeaderName::from_static("content-type"),
                    HeaderName::from_static("authorization"),
                ])
                .expose_headers([HeaderName::from_static("x-total-count")])
                .max_age(Duration::from_secs(600)),
        )
    };
    let intent = app_and_admin_with_credentials();
    for profile in Profile::ALL {
        let found = counterexample(
            make,
            &intent,
            &[app(), admin()],
            URLS,
            &[profile],
            &[],
            CASES,
        );
        assert_eq!(found, None, "{}", profile.engine.name());
    }
}

#[test]
fn permissive_serves_any_origin_without_cookies_in_browsers() {
    let make = || tower(CorsLayer::permissive());
    let intent = CorsPolicy::new()
        .allow_any_origin()
        .allow_any_method()
        .allow_any_header()
        .expose_any_header();
    // Every property holds in the three engines: `*` everywhere, no credentials.
    assert_eq!(
        counterexample(make, &intent, &[app()], URLS, &BROWSERS, &[], CASES),
        None
    );
}

#[test]
fn permissive_relies_on_star_covering_authorization() {
    // The standard says `Access-Control-Allow-Headers: *` never covers Authorization; today's
    // engines let it through (whatwg/fetch#1919). Under the standard, an allowed origin's
    // request with Authorization is blocked.
    let make = || tower(CorsLayer::permissive());
    let intent = CorsPolicy::new()
        .allow_any_origin()
        .allow_any_method()
        .allow_any_header()
        .expose_any_header();
    let text = expect_violation(
        counterexample(
            make,
            &intent,
            &[app()],
            URLS,
            &[Profile::SPEC],
            &[Property::AllowedOriginsCanRead],
            CASES,
        ),
        Property::AllowedOriginsCanRead,
        "permissive (spec profile)",
    );
    assert!(text.contains("authorization"), "{text}");
}

#[test]
fn suffix_predicate_lets_look_alikes_read_with_cookies() {
    // A common way to allow "our subdomains": a predicate with ends_with, no dot, no scheme.
    let make = || {
        tower(
            CorsLayer::new()
                .allow_origin(AllowOrigin::predicate(|origin: &HeaderValue, _| {
                    origin.as_bytes().ends_with(b"example.com")
                }))
                .allow_credentials(true),
        )
    };
    let intent = CorsPolicy::new()
        .allow_origin(OriginRule::subdomains_of("https", "example.com"))
        .allow_credentials(true);
    let text = expect_violation(
        counterexample(
            make,
            &intent,
            &[app()],
            URLS,
            &BROWSERS,
            &[Property::OtherOriginsCannotRead],
            CASES,
        ),
        Property::OtherOriginsCannotRead,
        "predicate ends_with(\"example.com\") + credentials",
    );
    assert!(text.contains("example.com"), "{text}");
}

#[test]
fn star_with_credentials_panics_when_applied() {
    // tower-http refuses `*` with credentials by panicking when the layer is used, so such a
    // server never answers at all (a configuration error, not a browser-visible one).
    let result = std::panic::catch_unwind(|| {
        let mut server = tower(CorsLayer::new().allow_origin(Any).allow_credentials(true));
        server.respond(&Request::get("https://api.example.com/").body(()).unwrap())
    });
    assert!(result.is_err());
}
