//! Property-test your own server's CORS against what browsers do.
//!
//! Run with `cargo run -p fetch-cors-frameworks --example test_your_server`. It wraps tower-http's `CorsLayer` (put your
//! own router here) as a `fetch_cors::simulate::Server`, states the intent as a `CorsPolicy`,
//! and lets proptest search origins near the allowed ones (look-alikes included) and requests
//! a page can make, in Chromium, Firefox and WebKit. Then `strategies::search` runs the
//! deterministic adversarial sweep and a random search over four configurations and prints
//! every finding, most severe first, with its fix.
//!
//! In a test suite the same check is one `proptest!` block:
//!
//! ```ignore
//! proptest! {
//!     #[test]
//!     fn only_our_front_end_reads(origin in origins_near(&[app()]), req in page_requests(URLS)) {
//!         policy::check_all(&mut my_server(), &intent(), &origin, &req, &Profile::CHROMIUM)?;
//!     }
//! }
//! ```

use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use fetch_cors::lint::lint;
use fetch_cors::policy::{self, CorsPolicy, OriginRule};
use fetch_cors::simulate::Server;
use fetch_cors::strategies::{SearchConfig, origins_near, page_requests, search};
use fetch_cors::{Origin, Profile};
use http::{HeaderName, HeaderValue, Method, Request, Response};
use proptest::test_runner::{Config, TestRunner};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_layer::Layer;
use tower_service::Service;

/// Your application; here a JSON resource.
#[derive(Clone)]
struct App;

impl Service<Request<()>> for App {
    type Response = Response<()>;
    type Error = Infallible;
    type Future = Ready<Result<Response<()>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        let mut r = Response::new(());
        r.headers_mut()
            .insert("content-type", HeaderValue::from_static("application/json"));
        r.headers_mut()
            .insert("x-total-count", HeaderValue::from_static("3"));
        ready(Ok(r))
    }
}

/// Polls a future that is ready at once. A server that really awaits something would use
/// a runtime's `block_on` instead (tokio's current-thread runtime, for example).
fn now<F: Future>(f: F) -> Option<F::Output> {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    (0..1000).find_map(|_| match f.as_mut().poll(&mut cx) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    })
}

/// A tower service as a `Server`: copy the request head in, take the response head out.
fn tower(layer: CorsLayer) -> impl Server {
    let mut svc = layer.layer(App);
    move |req: &Request<()>| {
        let mut copy = Request::new(());
        *copy.method_mut() = req.method().clone();
        *copy.uri_mut() = req.uri().clone();
        *copy.headers_mut() = req.headers().clone();
        let ready = now(std::future::poll_fn(|cx| svc.poll_ready(cx)));
        match (ready, now(svc.call(copy))) {
            (Some(Ok(())), Some(Ok(r))) => r,
            _ => {
                let mut r = Response::new(());
                *r.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
                r
            }
        }
    }
}

type MakeLayer = fn() -> CorsLayer;

const URLS: &[&str] = &[
    "https://api.example.com/items",
    "https://api.example.com/me",
];

fn main() {
    let app = Origin::parse("https://app.example.com").expect("a valid origin");
    // The intent: our front end reads the API with cookies, with the methods and request
    // headers it really sends (so that every preflight it needs is tried); nobody else reads
    // anything.
    let intent = CorsPolicy::new()
        .allow_origin(OriginRule::from(app.clone()))
        .allow_credentials(true)
        .allow_methods([Method::PUT, Method::DELETE])
        .allow_headers([
            HeaderName::from_static("content-type"),
            HeaderName::from_static("authorization"),
        ])
        .expose_headers([HeaderName::from_static("x-total-count")]);
    println!("lint of the intent: {:?}\n", lint(&intent));

    // One proptest, written out: any origin near ours, any request, Chromium.
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    let correct = || {
        tower(
            CorsLayer::new()
                .allow_origin([HeaderValue::from_static("https://app.example.com")])
                .allow_credentials(true)
                .allow_methods([Method::GET, Method::PUT, Method::DELETE])
                .allow_headers([
                    HeaderName::from_static("content-type"),
                    HeaderName::from_static("authorization"),
                ])
                .expose_headers([HeaderName::from_static("x-total-count")]),
        )
    };
    let result = runner.run(
        &(
            origins_near(std::slice::from_ref(&app)),
            page_requests(URLS),
        ),
        |(origin, request)| {
            policy::check_all(
                &mut correct(),
                &intent,
                &origin,
                &request,
                &Profile::CHROMIUM,
            )?;
            Ok(())
        },
    );
    println!(
        "exact allow-list with credentials (proptest): {}\n",
        match result {
            Ok(()) => "every property holds".to_owned(),
            Err(e) => format!("FAILS\n{e}"),
        }
    );

    // The packaged search: the deterministic adversarial sweep (look-alikes, combinations,
    // `null`, http://, other ports, the intent's methods and headers), then random cases.
    // Every violated property is reported, most severe first, each with its fix.
    let configs: [(&str, MakeLayer); 4] = [
        ("exact allow-list (correct)", || {
            CorsLayer::new()
                .allow_origin([HeaderValue::from_static("https://app.example.com")])
                .allow_credentials(true)
                .allow_methods([Method::GET, Method::PUT, Method::DELETE])
                .allow_headers([
                    HeaderName::from_static("content-type"),
                    HeaderName::from_static("authorization"),
                ])
                .expose_headers([HeaderName::from_static("x-total-count")])
        }),
        ("CorsLayer::very_permissive()", CorsLayer::very_permissive),
        ("AllowOrigin::mirror_request() + credentials", || {
            CorsLayer::new()
                .allow_origin(AllowOrigin::mirror_request())
                .allow_credentials(true)
        }),
        ("predicate ends_with(\"example.com\") + credentials", || {
            CorsLayer::new()
                .allow_origin(AllowOrigin::predicate(|o: &HeaderValue, _| {
                    o.as_bytes().ends_with(b"example.com")
                }))
                .allow_credentials(true)
        }),
    ];
    for (name, layer) in configs {
        let found = search(
            || tower(layer()),
            &intent,
            &[],
            URLS,
            &[Profile::CHROMIUM, Profile::FIREFOX, Profile::WEBKIT],
            &SearchConfig::default(),
        );
        if found.is_empty() {
            println!("{name}: no finding\n");
            continue;
        }
        println!("{name}: {} finding(s)", found.len());
        for v in &found {
            println!("  {} ({})\n    fix: {}", v.title(), v.property, v.fix);
        }
        println!("most severe, in full:\n{}\n", found[0]);
    }
}
