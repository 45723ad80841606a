//! The examples' local server: a page origin and an API origin on two ports of 127.0.0.1.

use std::convert::Infallible;

use bytes::Bytes;
use http::{Method, Request, Response};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// The two origins, as URLs without a trailing slash.
pub(crate) struct Origins {
    /// Where the page is served from.
    pub(crate) page: String,
    /// The API the page calls.
    pub(crate) api: String,
}

/// Starts both servers on the current runtime. The API grants the page `GET` on `/public`
/// and `PUT` (after a preflight) on `/items/*`, and sends no CORS headers on `/private`.
pub(crate) async fn start() -> std::io::Result<Origins> {
    let page = TcpListener::bind("127.0.0.1:0").await?;
    let api = TcpListener::bind("127.0.0.1:0").await?;
    let origins = Origins {
        page: format!("http://{}", page.local_addr()?),
        api: format!("http://{}", api.local_addr()?),
    };
    serve(page, String::new());
    serve(api, origins.page.clone());
    Ok(origins)
}

fn serve(listener: TcpListener, allowed: String) {
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let allowed = allowed.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    let allowed = allowed.clone();
                    async move { Ok::<_, Infallible>(answer(&req, &allowed)) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
}

fn answer<B>(req: &Request<B>, allowed: &str) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    let mut r = Response::builder()
        .header("content-type", "application/json")
        .header("x-request-id", "7");
    if allowed.is_empty() {
        return r
            .body(Full::from("<html>the page</html>"))
            .unwrap_or_default();
    }
    if path != "/private" {
        r = r.header("access-control-allow-origin", allowed);
    }
    if req.method() == Method::OPTIONS {
        r = r
            .status(204)
            .header("access-control-allow-methods", "PUT")
            .header("access-control-allow-headers", "content-type")
            .header("access-control-max-age", "60");
        return r.body(Full::default()).unwrap_or_default();
    }
    let body = format!("{{\"method\":\"{}\",\"path\":\"{path}\"}}", req.method());
    r.body(Full::from(body)).unwrap_or_default()
}
