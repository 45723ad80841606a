//! A host driving `CorsFetch` against a scripted server: a preflighted request, the same
//! request again served from the preflight cache, and a redirect that taints the origin.
//!
//! Run with `cargo run --example drive`.

use fetch_cors::{
    Action, CorsFetch, Origin, OutgoingKind, PreflightCache, Profile, Request, Timestamp,
};
use http::{Method, Response};

/// The scripted server: `api.example` preflights and redirects `/moved` to `cdn.example`,
/// which answers everyone with `*`.
fn server(request: &http::Request<()>) -> Response<()> {
    let origin = request.headers().get("origin").cloned();
    let host = request.uri().host().unwrap_or_default();
    let mut r = Response::builder();
    if request.method() == Method::OPTIONS {
        r = r
            .status(204)
            .header("access-control-allow-methods", "PUT, DELETE")
            .header("access-control-allow-headers", "content-type")
            .header("access-control-max-age", "300");
    } else if request.uri().path() == "/moved" {
        r = r
            .status(307)
            .header("location", "https://cdn.example/items/1");
    }
    r = match (host, origin) {
        ("cdn.example", _) => r.header("access-control-allow-origin", "*"),
        (_, Some(o)) => r.header("access-control-allow-origin", o),
        _ => r,
    };
    r.body(()).unwrap_or_default()
}

fn run(
    title: &str,
    parts: &http::request::Parts,
    page: &Origin,
    cache: &mut PreflightCache,
    now: Timestamp,
) {
    println!("== {title} (t = {} s)", now.as_millis() / 1000);
    let profile = Profile::SPEC;
    let request = match Request::from_parts(parts, page) {
        Ok(r) => r,
        Err(e) => return println!("   cannot build: {e}"),
    };
    let mut fetch = match CorsFetch::new(&request, &profile) {
        Ok(f) => f,
        Err(e) => return println!("   cannot start: {e}"),
    };
    loop {
        match fetch.poll(cache, now) {
            Action::Send(out) => {
                let r = &out.request;
                let kind = if out.kind == OutgoingKind::Preflight {
                    "preflight"
                } else {
                    "request  "
                };
                let origin = r
                    .headers()
                    .get("origin")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                println!("   -> {kind} {} {}  Origin: {origin}", r.method(), r.uri());
                let response = server(r);
                println!("   <- {}", response.status());
                if let Err(e) = fetch.handle_response(&response, cache, now) {
                    return println!("   host bug: {e}");
                }
            }
            Action::Wait => {
                return println!("   waiting (never happens here: the server answers at once)");
            }
            Action::Done(Ok(resp)) => {
                let names: Vec<&str> = resp.header_names.iter().map(|n| n.as_str()).collect();
                return println!(
                    "   done: {} {} from {} (redirected: {}), readable headers: [{}]\n",
                    resp.response_type.as_str(),
                    resp.status,
                    resp.url.map(|u| u.to_string()).unwrap_or_default(),
                    resp.redirected,
                    names.join(", ")
                );
            }
            Action::Done(Err(e)) => return println!("   network error: {e}\n"),
            _ => unreachable!("an action this driver does not know"),
        }
    }
}

fn main() {
    let page = Origin::parse("https://app.example").expect("valid origin");
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let put = |uri: &str| {
        http::Request::put(uri)
            .header("content-type", "application/json")
            .body(())
            .map(|r| r.into_parts().0)
    };
    let Ok(first) = put("https://api.example/items/1") else {
        return;
    };
    run(
        "PUT with JSON: preflight, then the request",
        &first,
        &page,
        &mut cache,
        Timestamp::ZERO,
    );
    run(
        "Same PUT a minute later: served from the preflight cache",
        &first,
        &page,
        &mut cache,
        Timestamp::from_secs(60),
    );
    run(
        "Same PUT after max-age: preflighted again",
        &first,
        &page,
        &mut cache,
        Timestamp::from_secs(301),
    );
    let Ok(moved) = put("https://api.example/moved") else {
        return;
    };
    run(
        "PUT redirected to a third origin: tainted, and preflighted again there",
        &moved,
        &page,
        &mut cache,
        Timestamp::from_secs(302),
    );
    let Ok(get) = http::Request::get("https://api.example/moved")
        .body(())
        .map(|r| r.into_parts().0)
    else {
        return;
    };
    run(
        "GET redirected api -> cdn: a tainting redirect, cdn sees Origin: null",
        &get,
        &page,
        &mut cache,
        Timestamp::from_secs(303),
    );
    println!(
        "cache now holds {} slot(s), next expiry at {:?} ms",
        cache.len(),
        cache.next_expiry().map(|t| t.as_millis())
    );
}
