//! reqwest driven by `CorsFetch` directly (no layer): redirects off, the machine decides
//! each request, and the host sends it.
//!
//! Run with `cargo run -p fetch-cors-tower --example reqwest_client`.

mod common;

use fetch_cors::{
    Action, CorsFetch, Origin, OutgoingKind, PreflightCache, Profile, Request, Timestamp,
    http_redirect_fetch::BodyAction,
};
use std::time::Instant;

async fn fetch(
    http: &reqwest::Client,
    title: &str,
    request: http::Request<&'static str>,
    page: &Origin,
    cache: &mut PreflightCache,
    epoch: Instant,
) {
    println!("== {title}");
    let profile = Profile::FIREFOX;
    let (parts, body) = request.into_parts();
    let mut machine = match Request::from_parts(&parts, page)
        .map_err(|e| e.to_string())
        .and_then(|r| CorsFetch::new(&r, &profile).map_err(|e| e.to_string()))
    {
        Ok(m) => m,
        Err(e) => return println!("   the page cannot make it: {e}"),
    };
    let mut last_body = String::new();
    loop {
        let now = Timestamp::since(epoch, Instant::now());
        match machine.poll(cache, now) {
            Action::Send(out) => {
                let kind = match out.kind {
                    OutgoingKind::Preflight => "preflight",
                    _ => "request",
                };
                let (head, ()) = out.request.into_parts();
                println!("   -> {kind} {} {}", head.method, head.uri);
                let mut send = http
                    .request(head.method, head.uri.to_string())
                    .headers(head.headers);
                if out.body == BodyAction::Keep && out.kind == OutgoingKind::Request {
                    send = send.body(body);
                }
                // Cookies would be added here when `out.include_credentials` is true.
                match send.send().await {
                    Ok(response) => {
                        let mut head = http::Response::new(());
                        *head.status_mut() = response.status();
                        *head.headers_mut() = response.headers().clone();
                        last_body = response.text().await.unwrap_or_default();
                        println!("   <- {}", head.status());
                        if let Err(e) = machine.handle_response(
                            &head,
                            cache,
                            Timestamp::since(epoch, Instant::now()),
                        ) {
                            return println!("   host bug: {e}");
                        }
                    }
                    Err(e) => {
                        println!("   <- transport error: {e}");
                        if let Err(e) = machine.handle_network_error(cache) {
                            return println!("   host bug: {e}");
                        }
                    }
                }
            }
            Action::Done(Ok(seen)) => {
                let names: Vec<&str> = seen.header_names.iter().map(|n| n.as_str()).collect();
                println!(
                    "   page sees: {} {}, readable headers: [{}]",
                    seen.response_type.as_str(),
                    seen.status,
                    names.join(", ")
                );
                return println!("   body: {last_body}");
            }
            Action::Done(Err(e)) => return println!("   blocked: {e}"),
            _ => return println!("   the machine waits with nothing outstanding"),
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let origins = common::start().await?;
    // The machine follows redirects (or refuses them), so reqwest must not.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let page = Origin::parse(&origins.page)?;
    let mut cache = PreflightCache::new(&Profile::FIREFOX);
    let epoch = Instant::now();
    let api = |path: &str| format!("{}{path}", origins.api);

    let get = http::Request::get(api("/public")).body("")?;
    fetch(&http, "GET /public: allowed", get, &page, &mut cache, epoch).await;
    let get = http::Request::get(api("/private")).body("")?;
    fetch(
        &http,
        "GET /private: blocked",
        get,
        &page,
        &mut cache,
        epoch,
    )
    .await;
    let put = || {
        http::Request::put(api("/items/1"))
            .header("content-type", "application/json")
            .body("{\"name\":\"x\"}")
    };
    fetch(
        &http,
        "PUT with JSON: preflighted",
        put()?,
        &page,
        &mut cache,
        epoch,
    )
    .await;
    fetch(
        &http,
        "PUT again: from the preflight cache",
        put()?,
        &page,
        &mut cache,
        epoch,
    )
    .await;
    Ok(())
}
