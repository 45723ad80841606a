//! What the layer adds to the machine, over real sockets: preflights through the inner
//! service, one cache for all clones, body replay and drop on redirects, credentials only
//! where the machine says, transport failures, and the page's view of the response.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use fetch_cors::diagnostics::{ConsoleContext, console_message};
use fetch_cors::{
    CorsError, CredentialsMode, Engine, FetchResponse, Mode, Origin, Profile, ResponseType,
    Timestamp,
};
use fetch_cors_tower::{CookieJar, CorsLayer, CorsService, FetchError};
use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tower::{Layer, ServiceExt};

/// What the API server received: method, path, body, `Cookie`.
type Log = Arc<Mutex<Vec<(Method, String, String, Option<String>)>>>;

/// A CORS API on its own port. It grants `PUT` and credentials to `page`, redirects
/// `/r<status>` to `/echo`, sets a cookie on `/login`, and while `down` is set closes each
/// connection without an answer.
async fn api(page: String, log: Log, down: Arc<AtomicBool>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            if down.load(Ordering::SeqCst) {
                drop(socket);
                continue;
            }
            let (page, log) = (page.clone(), Arc::clone(&log));
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                        let (page, log) = (page.clone(), Arc::clone(&log));
                        async move {
                            let (parts, body) = req.into_parts();
                            let body = body
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            let path = parts.uri.path().to_owned();
                            let cookie = parts
                                .headers
                                .get("cookie")
                                .and_then(|c| c.to_str().ok())
                                .map(str::to_owned);
                            log.lock().unwrap().push((
                                parts.method.clone(),
                                path.clone(),
                                String::from_utf8_lossy(&body).into_owned(),
                                cookie,
                            ));
                            let mut r = http::Response::builder()
                                .header("access-control-allow-origin", page)
                                .header("access-control-allow-credentials", "true")
                                .header("content-type", "text/plain")
                                .header("x-secret", "not exposed");
                            if parts.method == Method::OPTIONS {
                                r = r
                                    .status(204)
                                    .header("access-control-allow-methods", "PUT, POST")
                                    .header("access-control-max-age", "600");
                            } else if let Some(code) = path.strip_prefix("/r") {
                                r = r
                                    .status(code.parse::<u16>().unwrap())
                                    .header("location", "/echo");
                            } else if path == "/login" {
                                r = r.header("set-cookie", "sid=42; Path=/; HttpOnly");
                            }
                            Ok::<_, Infallible>(r.body(Full::new(body)).unwrap())
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    addr
}

struct World {
    service: CorsService<Client<HttpConnector, Full<Bytes>>>,
    base: String,
    log: Log,
    down: Arc<AtomicBool>,
    clock: Arc<AtomicU64>,
    jar: Arc<CookieJar>,
}

async fn world(profile: Profile) -> World {
    let page = "http://127.0.0.1:1";
    let log = Log::default();
    let down = Arc::new(AtomicBool::new(false));
    let addr = api(page.into(), Arc::clone(&log), Arc::clone(&down)).await;
    let clock = Arc::new(AtomicU64::new(0));
    let ticks = Arc::clone(&clock);
    let jar = Arc::new(CookieJar::new());
    let client = Client::builder(TokioExecutor::new()).build_http();
    let service = CorsLayer::new(Origin::parse(page).unwrap(), profile)
        .with_clock(move || Timestamp::from_millis(ticks.load(Ordering::SeqCst)))
        .with_credentials(jar.clone())
        .layer(client);
    World {
        service,
        base: format!("http://{addr}"),
        log,
        down,
        clock,
        jar,
    }
}

fn req(method: Method, url: &str, body: &str) -> Request<Full<Bytes>> {
    let mut r = Request::new(Full::new(Bytes::from(body.to_owned())));
    *r.method_mut() = method;
    *r.uri_mut() = url.parse().unwrap();
    r
}

fn methods(log: &Log) -> Vec<String> {
    log.lock()
        .unwrap()
        .iter()
        .map(|(m, p, _, _)| format!("{m} {p}"))
        .collect()
}

#[tokio::test]
async fn preflight_goes_through_the_inner_service_and_one_cache_serves_every_clone() {
    let w = world(Profile::CHROMIUM).await;
    let url = format!("{}/item", w.base);
    let resp = w
        .service
        .clone()
        .oneshot(req(Method::PUT, &url, "v1"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // Only the CORS-safelisted and allowed headers are left.
    assert!(resp.headers().get("x-secret").is_none());
    assert_eq!(resp.headers().get("content-type").unwrap(), "text/plain");
    let seen = resp.extensions().get::<FetchResponse>().unwrap().clone();
    assert_eq!(seen.response_type, ResponseType::Cors);
    assert_eq!(resp.into_body().collect().await.unwrap().to_bytes(), "v1");
    // Another clone: served from the shared cache, no second preflight.
    let clone = w.service.clone();
    clone.oneshot(req(Method::PUT, &url, "v2")).await.unwrap();
    assert_eq!(methods(&w.log), ["OPTIONS /item", "PUT /item", "PUT /item"]);
    // After max-age on the replaceable clock: preflighted again.
    w.clock.store(601_000, Ordering::SeqCst);
    w.service
        .clone()
        .oneshot(req(Method::PUT, &url, "v3"))
        .await
        .unwrap();
    assert_eq!(methods(&w.log)[3], "OPTIONS /item");
}

#[tokio::test]
async fn body_replayed_on_307_and_308_dropped_on_303_and_post_302() {
    let w = world(Profile::SPEC).await;
    for (method, code, sent_again) in [
        (Method::PUT, 307, "payload"),
        (Method::PUT, 308, "payload"),
        (Method::PUT, 303, ""),
        (Method::POST, 302, ""),
    ] {
        w.log.lock().unwrap().clear();
        let url = format!("{}/r{code}", w.base);
        let resp = w
            .service
            .clone()
            .oneshot(req(method.clone(), &url, "payload"))
            .await;
        let resp = resp.unwrap_or_else(|e| panic!("{method} {code}: {e}"));
        let log = w.log.lock().unwrap().clone();
        let hop = log
            .iter()
            .find(|(m, p, _, _)| p == "/echo" && m != Method::OPTIONS)
            .unwrap();
        assert_eq!(hop.2, sent_again, "{method} {code}: body on the second hop");
        let seen = resp.extensions().get::<FetchResponse>().unwrap();
        assert!(seen.redirected);
    }
}

#[tokio::test]
async fn credentials_only_when_the_machine_includes_them() {
    let w = world(Profile::FIREFOX).await;
    let login = format!("{}/login", w.base);
    let data = format!("{}/data", w.base);
    // credentials: omit: Set-Cookie is not kept.
    let mut r = req(Method::GET, &login, "");
    r.extensions_mut().insert(CredentialsMode::Omit);
    w.service.clone().oneshot(r).await.unwrap();
    assert_eq!(w.jar.cookie_header("127.0.0.1"), None);
    // credentials: include: kept, then sent.
    let mut r = req(Method::GET, &login, "");
    r.extensions_mut().insert(CredentialsMode::Include);
    w.service.clone().oneshot(r).await.unwrap();
    assert_eq!(w.jar.cookie_header("127.0.0.1").as_deref(), Some("sid=42"));
    let mut r = req(Method::GET, &data, "");
    r.extensions_mut().insert(CredentialsMode::Include);
    w.service.clone().oneshot(r).await.unwrap();
    // Cross-origin same-origin credentials mode (the default): no cookie.
    w.service
        .clone()
        .oneshot(req(Method::GET, &data, ""))
        .await
        .unwrap();
    let cookies: Vec<Option<String>> = w.log.lock().unwrap().iter().map(|l| l.3.clone()).collect();
    assert_eq!(cookies, [None, None, Some("sid=42".into()), None]);
}

#[tokio::test]
async fn transport_failure_is_a_network_error_and_clears_the_preflight_cache() {
    let w = world(Profile::CHROMIUM).await;
    let url = format!("{}/item", w.base);
    w.service
        .clone()
        .oneshot(req(Method::PUT, &url, ""))
        .await
        .unwrap();
    w.down.store(true, Ordering::SeqCst);
    // Fresh connections only, so the failure is the server's.
    let fresh = CorsLayer::new(
        Origin::parse("http://127.0.0.1:1").unwrap(),
        Profile::CHROMIUM,
    )
    .with_cache(w.service.cache().clone())
    .layer(
        Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(0)
            .build_http(),
    );
    let err = fresh
        .clone()
        .oneshot(req(Method::PUT, &url, ""))
        .await
        .unwrap_err();
    assert_eq!(err.cors_error(), Some(&CorsError::NetworkFailure));
    assert!(
        std::error::Error::source(&err).is_some(),
        "the transport error is kept"
    );
    w.down.store(false, Ordering::SeqCst);
    fresh.oneshot(req(Method::PUT, &url, "")).await.unwrap();
    // The cached preflight was used for the failed PUT, then cleared: preflighted again.
    assert_eq!(
        methods(&w.log),
        ["OPTIONS /item", "PUT /item", "OPTIONS /item", "PUT /item"]
    );
}

#[tokio::test]
async fn blocked_fetch_carries_the_error_and_the_engine_console_message() {
    let w = world(Profile::CHROMIUM).await;
    // DELETE is not granted.
    let url = format!("{}/item", w.base);
    let err = w
        .service
        .clone()
        .oneshot(req(Method::DELETE, &url, ""))
        .await
        .unwrap_err();
    let FetchError::Blocked(blocked) = &err else {
        panic!("not blocked: {err}");
    };
    assert_eq!(blocked.engine, Engine::Chromium);
    let ctx = ConsoleContext::fetch(&url, "http://127.0.0.1:1").with_status(204);
    assert_eq!(
        blocked.console_message,
        console_message(&blocked.error, Engine::Chromium, &ctx)
    );
    assert!(
        blocked.console_message.starts_with("Access to fetch at"),
        "{}",
        blocked.console_message
    );
    assert_eq!(
        methods(&w.log),
        ["OPTIONS /item"],
        "the DELETE never went out"
    );
}

#[tokio::test]
async fn opaque_response_has_no_headers_and_an_empty_body() {
    let w = world(Profile::WEBKIT).await;
    let mut r = req(Method::GET, &format!("{}/data", w.base), "");
    r.extensions_mut().insert(Mode::NoCors);
    let resp = w.service.clone().oneshot(r).await.unwrap();
    assert!(resp.headers().is_empty());
    let seen = resp.extensions().get::<FetchResponse>().unwrap().clone();
    assert_eq!((seen.response_type, seen.status), (ResponseType::Opaque, 0));
    assert!(resp.into_body().is_withheld());
}

#[tokio::test]
async fn request_a_page_cannot_make_is_refused_before_the_network() {
    let w = world(Profile::SPEC).await;
    let mut r = req(Method::GET, &format!("{}/data", w.base), "");
    r.headers_mut().insert("cookie", "a=b".parse().unwrap());
    let err = w.service.clone().oneshot(r).await.unwrap_err();
    assert!(matches!(err, FetchError::Request(_)), "{err}");
    assert!(w.log.lock().unwrap().is_empty());
}
