//! actix-cors, property-tested against what browsers do.
//!
//! Each configuration wraps a small actix-web application, initialised once and called
//! in-process through `actix_web::test` on a current-thread actix system (no sockets). The
//! properties of `fetch_cors::policy` then say what a browser would let a page read; see
//! `spec-notes/server-findings.md`.

use actix_cors::Cors;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{App, HttpResponse, web};
use fetch_cors::lint::lint_exchanges;
use fetch_cors::policy::{self, CorsPolicy, OriginRule, Property};
use fetch_cors::simulate::{Server, simulate_page};
use fetch_cors::strategies::{SearchConfig, counterexample, search};
use fetch_cors::{Origin, PreflightCache, Profile, Timestamp};
use http::{HeaderName, Method, Request, Response};

const CASES: u32 = 256;
const URLS: &[&str] = &[
    "https://api.example.com/items",
    "https://api.example.com/me",
];
const BROWSERS: [Profile; 3] = [Profile::CHROMIUM, Profile::FIREFOX, Profile::WEBKIT];

async fn resource() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("x-total-count", "3"))
        .finish()
}

/// Converts actix's answer (a response, or the error actix-cors returns for a refused
/// preflight) to the `http` 1.x response head the simulator reads.
fn head<B>(result: Result<ServiceResponse<B>, actix_web::Error>) -> Response<()> {
    let (status, headers) = match result {
        Ok(r) => (r.status().as_u16(), r.headers().clone()),
        Err(e) => {
            let r = e.error_response();
            (r.status().as_u16(), r.headers().clone())
        }
    };
    let mut out = Response::new(());
    *out.status_mut() = http::StatusCode::from_u16(status).unwrap();
    for (name, value) in headers.iter() {
        out.headers_mut().append(
            HeaderName::from_bytes(name.as_str().as_bytes()).unwrap(),
            http::HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
    }
    out
}

/// An actix-web app wrapped in `cors`, as a `Server`.
fn actix(cors: fn() -> Cors) -> impl Server {
    let system = actix_web::rt::System::new();
    let app = system.block_on(actix_web::test::init_service(
        App::new().wrap(cors()).default_service(web::to(resource)),
    ));
    move |req: &Request<()>| {
        let mut test = actix_web::test::TestRequest::default()
            .method(actix_web::http::Method::from_bytes(req.method().as_str().as_bytes()).unwrap())
            .uri(&req.uri().to_string());
        for (name, value) in req.headers() {
            test = test.append_header((name.as_str(), value.to_str().unwrap()));
        }
        head(system.block_on(app.call(test.to_request())))
    }
}

fn o(s: &str) -> Origin {
    Origin::parse(s).unwrap()
}

fn app() -> Origin {
    o("https://app.example.com")
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

fn app_with_credentials() -> CorsPolicy {
    CorsPolicy::new()
        .allow_origin(app())
        .allow_credentials(true)
        .allow_methods([Method::PUT, Method::DELETE])
        .allow_headers([
            HeaderName::from_static("content-type"),
            HeaderName::from_static("authorization"),
        ])
        .expose_headers([HeaderName::from_static("x-total-count")])
        .max_age(600)
}

#[test]
fn permissive_lets_any_origin_read_with_cookies() {
    let make = || actix(Cors::permissive);
    let intent = app_with_credentials();
    expect_violation(
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
        "actix Cors::permissive()",
    );
    let text = expect_violation(
        counterexample(
            make,
            &intent,
            &[app()],
            URLS,
            &BROWSERS,
            &[Property::NoCredentialedReadFromUnlisted],
            CASES,
        ),
        Property::NoCredentialedReadFromUnlisted,
        "actix Cors::permissive() (credentialed)",
    );
    assert!(text.contains("(with cookies)"), "{text}");
}

fn exact_with(methods: &'static [&'static str]) -> Cors {
    Cors::default()
        .allowed_origin("https://app.example.com")
        .allowed_methods(methods.iter().copied())
        .allowed_headers([
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::AUTHORIZATION,
        ])
        .expose_headers(["x-total-count"])
        .supports_credentials()
        .max_age(600)
}

fn exact() -> Cors {
    exact_with(&["GET", "HEAD", "POST", "PUT", "DELETE"])
}

fn exact_without_head() -> Cors {
    exact_with(&["GET", "POST", "PUT", "DELETE"])
}

#[test]
fn exact_origin_refuses_preflights_for_unlisted_safelisted_methods() {
    // Browsers never need a safelisted method in Access-Control-Allow-Methods, but actix-cors
    // checks Access-Control-Request-Method against its list and answers 400: a HEAD that
    // needs a preflight (it carries a JSON content-type) is blocked.
    let text = expect_violation(
        counterexample(
            || actix(exact_without_head),
            &app_with_credentials(),
            &[app()],
            URLS,
            &BROWSERS,
            &[Property::AllowedOriginsCanRead],
            CASES,
        ),
        Property::AllowedOriginsCanRead,
        "actix exact origin, methods without HEAD",
    );
    assert!(text.contains(r#"method: "HEAD""#), "{text}");
    assert!(text.contains("< 400"), "{text}");
}

#[test]
fn exact_origin_with_credentials_gets_no_finding_at_all() {
    // From the properties, at default settings (adversarial sweep and random search)...
    let intent = app_with_credentials();
    let found = search(
        || actix(exact),
        &intent,
        &[],
        URLS,
        &BROWSERS,
        &SearchConfig::default(),
    );
    assert!(found.is_empty(), "{found:#?}");
    // ...and from the exchange lint over everything the sweep sends (refused preflights are
    // answered 400 with no CORS headers: not a finding).
    let mut server = actix(exact);
    let mut exchanges = Vec::new();
    for origin in policy::adversarial_origins(&intent, &[]) {
        for request in policy::probe_requests(&intent, URLS) {
            let mut cache = PreflightCache::new(&Profile::CHROMIUM);
            if let Ok(sim) = simulate_page(
                &request,
                &origin,
                &Profile::CHROMIUM,
                &mut cache,
                Timestamp::ZERO,
                &mut server,
            ) {
                exchanges.extend(fetch_cors::lint::exchanges_of(&sim));
            }
        }
    }
    assert!(exchanges.len() > 100);
    let lint = lint_exchanges(&exchanges);
    assert!(lint.is_empty(), "{lint:#?}");
}

#[test]
fn exact_origin_with_credentials_holds() {
    let intent = app_with_credentials();
    for profile in Profile::ALL {
        assert_eq!(
            counterexample(
                || actix(exact),
                &intent,
                &[app()],
                URLS,
                &[profile],
                &[],
                CASES
            ),
            None,
            "{}",
            profile.engine.name()
        );
    }
}

fn dot_suffix() -> Cors {
    Cors::default()
        .allowed_origin_fn(|origin, _| origin.as_bytes().ends_with(b".example.com"))
        .allowed_methods(["GET", "POST"])
        .supports_credentials()
}

#[test]
fn dot_suffix_fn_lets_plain_http_subdomains_read_with_cookies() {
    // `ends_with(".example.com")` is anchored at a dot but not at the scheme: the http://
    // origins of every subdomain are in, and a network attacker can inject script there.
    let intent = CorsPolicy::new()
        .allow_origin(OriginRule::subdomains_of("https", "example.com"))
        .allow_credentials(true);
    let text = expect_violation(
        counterexample(
            || actix(dot_suffix),
            &intent,
            &[app()],
            URLS,
            &BROWSERS,
            &[Property::OtherOriginsCannotRead],
            CASES,
        ),
        Property::OtherOriginsCannotRead,
        "actix allowed_origin_fn(ends_with(\".example.com\")) + credentials",
    );
    assert!(text.contains("page origin: http://"), "{text}");
    assert!(text.contains("another scheme"), "{text}");
}

fn wildcard() -> Cors {
    Cors::default()
        .allow_any_origin()
        .send_wildcard()
        .allowed_methods(["GET", "POST"])
}

#[test]
fn any_origin_with_wildcard_and_no_credentials_holds() {
    let intent = CorsPolicy::new().allow_any_origin();
    assert_eq!(
        counterexample(
            || actix(wildcard),
            &intent,
            &[app()],
            URLS,
            &BROWSERS,
            &[],
            CASES
        ),
        None
    );
}
