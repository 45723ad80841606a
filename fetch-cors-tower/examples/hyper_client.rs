//! A hyper-util client behind `CorsLayer`: what a page at one local origin sees when it
//! fetches from another.
//!
//! Run with `cargo run -p fetch-cors-tower --example hyper_client`.

mod common;

use bytes::Bytes;
use fetch_cors::{FetchResponse, Origin, Profile};
use fetch_cors_tower::{CorsLayer, FetchError, PageBody};
use http::Request;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower::{ServiceBuilder, ServiceExt};

type Page = Result<http::Response<PageBody<Incoming>>, FetchError>;

async fn show(title: &str, result: Page) {
    println!("== {title}");
    match result {
        Ok(response) => {
            let seen = response.extensions().get::<FetchResponse>().cloned();
            let names: Vec<&str> = response.headers().keys().map(|n| n.as_str()).collect();
            println!(
                "   {} {}, readable headers: [{}]",
                seen.map_or("?", |s| s.response_type.as_str()),
                response.status(),
                names.join(", ")
            );
            match response.into_body().collect().await {
                Ok(body) => println!("   body: {}", String::from_utf8_lossy(&body.to_bytes())),
                Err(e) => println!("   body error: {e}"),
            }
        }
        Err(e) => {
            println!("   blocked: {e}");
            if let Some(text) = e.console_message() {
                println!("   console: {text}");
            }
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let origins = common::start().await?;
    let hyper_client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();

    // The three lines: a page origin, a browser profile, any HTTP client service.
    let page = Origin::parse(&origins.page)?;
    let client = ServiceBuilder::new()
        .layer(CorsLayer::new(page, Profile::CHROMIUM))
        .service(hyper_client);

    let get =
        |path: &str| Request::get(format!("{}{path}", origins.api)).body(Full::<Bytes>::default());
    show(
        "GET /public: allowed",
        client.clone().oneshot(get("/public")?).await,
    )
    .await;
    show(
        "GET /private: no Access-Control-Allow-Origin",
        client.clone().oneshot(get("/private")?).await,
    )
    .await;
    let put = || {
        Request::put(format!("{}/items/1", origins.api))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from_static(b"{\"name\":\"x\"}")))
    };
    show(
        "PUT with JSON: preflighted, then sent",
        client.clone().oneshot(put()?).await,
    )
    .await;
    show(
        "PUT again: the preflight is cached",
        client.clone().oneshot(put()?).await,
    )
    .await;
    println!(
        "preflight cache entries: {}",
        client.cache().lock().map(|c| c.len()).unwrap_or(0)
    );
    Ok(())
}
