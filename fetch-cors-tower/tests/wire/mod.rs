//! The scenario server on real sockets, and a hyper client that reaches it.
//!
//! Three listeners on `127.0.0.1` (ephemeral ports) stand for the format's origins A, B and
//! C; `localhost` on B's listener is B'. The page-side URLs keep the format's ports
//! (8801-8803, so origins, `Origin` headers and `Location` rewrites are those of the
//! in-memory replay), and the client's connector maps each to its listener, as a resolver
//! would. Nothing outside those listeners is ever dialled.

#![allow(dead_code, unreachable_pub)]

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Method, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

use crate::replay::{Step, WireRequest, header_text, letter_of, scenario_path, serve_with_body};

/// The format's ports, in the order of the listeners.
pub const CANONICAL: [u16; 3] = [8801, 8802, 8803];

/// What the server answers for, and what it saw.
#[derive(Default)]
pub struct Stage {
    pub scenario: Option<(String, Step)>,
    pub requests: Vec<WireRequest>,
    /// Why the server could not answer by the rules (as the in-memory replay's `unsupported`).
    pub unsupported: Option<String>,
}

pub type Shared = Arc<Mutex<Stage>>;

/// The real ports of the listeners.
#[derive(Clone, Copy, Debug)]
pub struct Ports {
    /// A, B (and B'), C on `127.0.0.1`.
    pub v4: [u16; 3],
    /// C on `[::1]`, where the machine has IPv6 loopback.
    pub c_v6: Option<u16>,
}

/// Starts the listeners on the current tokio runtime.
pub async fn start(stage: Shared) -> std::io::Result<Ports> {
    let mut ports = Ports {
        v4: [0; 3],
        c_v6: None,
    };
    for (i, canonical) in CANONICAL.into_iter().enumerate() {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        ports.v4[i] = listener.local_addr()?.port();
        listen(listener, canonical, Arc::clone(&stage));
    }
    // One scenario redirects to `[::1]:8803`, which the recorder's C also answered.
    if let Ok(listener) = TcpListener::bind("[::1]:0").await {
        ports.c_v6 = listener.local_addr().ok().map(|a| a.port());
        listen(listener, CANONICAL[2], stage);
    }
    Ok(ports)
}

fn listen(listener: TcpListener, canonical: u16, stage: Shared) {
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let stage = Arc::clone(&stage);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    let stage = Arc::clone(&stage);
                    async move { Ok::<_, Infallible>(answer(req, canonical, &stage).await) }
                });
                // The format's server adds no `Date`.
                let _ = hyper::server::conn::http1::Builder::new()
                    .auto_date_header(false)
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
}

fn lock(stage: &Shared) -> std::sync::MutexGuard<'_, Stage> {
    stage.lock().unwrap_or_else(|p| p.into_inner())
}

/// One request, answered by the format's server rules and recorded as the recorder does.
async fn answer(
    req: http::Request<Incoming>,
    canonical: u16,
    stage: &Shared,
) -> http::Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let _ = body.collect().await;
    // The origin is the listener's (the socket), named by the Host header's host.
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("?");
    let (hostname, port) = host.rsplit_once(':').unwrap_or((host, ""));
    let hostname = if port == canonical.to_string() {
        hostname.to_owned()
    } else {
        format!("{hostname}-port-mismatch")
    };
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let Ok(url) = Url::parse(&format!("http://{hostname}:{canonical}{path}")) else {
        return status(400);
    };
    let mut head = http::Request::new(());
    *head.method_mut() = parts.method.clone();
    *head.headers_mut() = parts.headers.clone();
    if let Ok(uri) = url.as_str().parse::<Uri>() {
        *head.uri_mut() = uri;
    }
    let preflight = parts.method == Method::OPTIONS
        && parts.headers.contains_key("access-control-request-method");
    let mut stage = lock(stage);
    stage.requests.push(WireRequest {
        kind: if preflight { "preflight" } else { "request" }.into(),
        origin_letter: letter_of(&url),
        hop: scenario_path(&url).and_then(|(_, h)| h),
        method: parts.method.to_string(),
        origin: header_text(&head, "origin"),
        acrm: header_text(&head, "access-control-request-method"),
        acrh: header_text(&head, "access-control-request-headers"),
        // The adapter's jar is empty here, so a cookie says nothing about credentials.
        credentials: None,
        cookie_present: None,
    });
    let Some((id, step)) = stage.scenario.clone() else {
        return status(410);
    };
    match serve_with_body(&id, &step, &head) {
        Ok((head, body)) => {
            let (parts, ()) = head.into_parts();
            http::Response::from_parts(parts, Full::new(Bytes::from(body)))
        }
        Err(why) => {
            stage.unsupported = Some(why);
            status(500)
        }
    }
}

fn status(code: u16) -> http::Response<Full<Bytes>> {
    let mut r = http::Response::new(Full::default());
    *r.status_mut() = http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::BAD_REQUEST);
    r
}

/// A connector that dials a listener for each of the format's ports and refuses the rest.
#[derive(Clone)]
pub struct MapPorts {
    inner: HttpConnector,
    ports: Ports,
}

impl tower_service::Service<Uri> for MapPorts {
    type Response = TokioIo<TcpStream>;
    type Error = Box<dyn std::error::Error + Send + Sync>;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let index = CANONICAL.iter().position(|&p| Some(p) == uri.port_u16());
        let real = match (uri.host(), index) {
            (Some("127.0.0.1" | "localhost"), Some(i)) => {
                Some(format!("127.0.0.1:{}", self.ports.v4[i]))
            }
            (Some("[::1]"), Some(2)) => self.ports.c_v6.map(|p| format!("[::1]:{p}")),
            _ => None,
        };
        let mut inner = self.inner.clone();
        Box::pin(async move {
            let Some(authority) = real else {
                return Err(format!("no test listener for {uri}").into());
            };
            let target: Uri = format!("http://{authority}/").parse()?;
            Ok(inner.call(target).await?)
        })
    }
}

/// The client the adapter wraps: hyper-util's, over [`MapPorts`].
pub type WireClient = Client<MapPorts, Full<Bytes>>;

pub fn client(ports: Ports) -> WireClient {
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    Client::builder(TokioExecutor::new()).build(MapPorts { inner: http, ports })
}
