//! Real CORS middlewares tested against what browsers do, in-process and without sockets:
//! `tests/policy_tower_http.rs` (tower-http's `CorsLayer`), `tests/policy_actix_cors.rs`
//! (actix-cors), `tests/policy_bug_classes.rs` (fourteen servers with known CORS bugs and
//! correct ones) and `examples/test_your_server.rs`, the recipe to copy (it stays
//! self-contained, so it does not use this library).
//!
//! A member crate of its own so that tower-http and actix-web are built only for these
//! tests, not for every example and test of the `fetch-cors` library. The library here holds
//! what the tests share: a tower service run in-process as a [`Server`].

use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use fetch_cors::simulate::Server;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use tower_http::cors::CorsLayer;
use tower_layer::Layer;
use tower_service::Service;

/// The application behind the layer: a JSON resource with one custom header
/// (`x-total-count`), answering every request at once.
#[derive(Clone, Copy, Debug, Default)]
pub struct App;

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

/// Polls a future that is ready at once (every future here is).
///
/// # Panics
///
/// If the future is still pending after 1,000 polls: the service is not an in-process one.
pub fn now<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1000 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("the service did not answer at once");
}

/// A `CorsLayer` around [`App`], as a [`Server`] the simulated browser can talk to.
pub fn tower(layer: CorsLayer) -> impl Server {
    let mut svc = layer.layer(App);
    move |req: &Request<()>| {
        let mut copy = Request::new(());
        *copy.method_mut() = req.method().clone();
        *copy.uri_mut() = req.uri().clone();
        *copy.headers_mut() = req.headers().clone();
        now(std::future::poll_fn(|cx| svc.poll_ready(cx))).unwrap();
        match now(svc.call(copy)) {
            Ok(r) => r,
            Err(never) => match never {},
        }
    }
}

/// A hand-written CORS layer over a JSON resource, with knobs for the usual mistakes.
#[derive(Clone, Copy, Debug)]
pub struct Hand {
    /// Which `Origin` values get `Access-Control-Allow-Origin`.
    pub allow: fn(&str) -> bool,
    /// `Vary: Origin` on every response.
    pub vary: bool,
    /// Answers `*` (with `Access-Control-Allow-Credentials: true`) instead of the origin.
    pub star: bool,
    /// Authentication middleware in front of CORS: `401` without `Authorization`.
    pub auth_first: bool,
    /// `Access-Control-Allow-Headers` on preflights.
    pub allow_headers: &'static str,
}

impl Hand {
    /// A correct layer for the origins `allow` accepts: every knob at its right setting.
    pub fn new(allow: fn(&str) -> bool) -> Hand {
        Hand {
            allow,
            vary: true,
            star: false,
            auth_first: false,
            allow_headers: "content-type, authorization, x-api-key",
        }
    }
}

impl Server for Hand {
    fn respond(&mut self, req: &Request<()>) -> Response<()> {
        let mut resp = Response::new(());
        let preflight = req.method() == Method::OPTIONS
            && req.headers().contains_key("access-control-request-method");
        if self.auth_first && !req.headers().contains_key("authorization") && preflight {
            *resp.status_mut() = StatusCode::UNAUTHORIZED;
            return resp;
        }
        let h = resp.headers_mut();
        if self.vary {
            h.insert("vary", HeaderValue::from_static("origin"));
        }
        if preflight {
            *resp.status_mut() = StatusCode::NO_CONTENT;
        } else {
            h.insert("content-type", HeaderValue::from_static("application/json"));
            h.insert("x-total-count", HeaderValue::from_static("3"));
        }
        let h = resp.headers_mut();
        let Some(origin) = req.headers().get("origin").and_then(|o| o.to_str().ok()) else {
            return resp;
        };
        if !(self.allow)(origin) {
            return resp;
        }
        let acao = if self.star {
            HeaderValue::from_static("*")
        } else {
            HeaderValue::from_str(origin).unwrap()
        };
        h.insert("access-control-allow-origin", acao);
        h.insert(
            "access-control-allow-credentials",
            HeaderValue::from_static("true"),
        );
        if preflight {
            h.insert(
                "access-control-allow-methods",
                HeaderValue::from_static("GET, POST, PUT, DELETE"),
            );
            h.insert(
                "access-control-allow-headers",
                HeaderValue::from_static(self.allow_headers),
            );
            h.insert("access-control-max-age", HeaderValue::from_static("600"));
        } else {
            h.insert(
                "access-control-expose-headers",
                HeaderValue::from_static("x-total-count"),
            );
        }
        resp
    }
}

/// The front end the bug-class tests intend to read the API.
pub const APP: &str = "https://app.example.com";
/// A partner's site (unrelated to [`APP`]) intended to read it too.
pub const PARTNER: &str = "https://partner.test";

/// The correct check: exactly [`APP`] or [`PARTNER`].
pub fn exact_list(origin: &str) -> bool {
    origin == APP || origin == PARTNER
}

/// The unescaped-dot bug: [`APP`] written as a regex with `.` unescaped, so any byte may stand
/// where [`APP`] has a dot.
pub fn unescaped_dot(origin: &str) -> bool {
    origin == PARTNER
        || (origin.len() == APP.len()
            && origin
                .bytes()
                .zip(APP.bytes())
                .all(|(o, p)| o == p || p == b'.'))
}
