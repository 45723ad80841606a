//! What a browser decides for a handful of realistic cross-origin requests and responses.
//!
//! Run with `cargo run --example decisions`.

use fetch_cors::{
    Classification, CredentialsMode, Origin, Profile, Request, check_preflight_response,
    check_response, classify_request, preflight_request,
};
use http::{HeaderValue, Method};

struct Case {
    title: &'static str,
    method: &'static str,
    url: &'static str,
    headers: &'static [(&'static str, &'static str)],
    credentials: CredentialsMode,
    preflight_answer: &'static [(&'static str, &'static str)],
    answer: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        title: "Simple GET, server allows any origin",
        method: "GET",
        url: "https://api.example/products",
        headers: &[],
        credentials: CredentialsMode::SameOrigin,
        preflight_answer: &[],
        answer: &[
            ("access-control-allow-origin", "*"),
            ("content-type", "application/json"),
            ("x-request-id", "42"),
        ],
    },
    Case {
        title: "JSON POST with a bearer token, server lists what it allows",
        method: "POST",
        url: "https://api.example/orders",
        headers: &[
            ("content-type", "application/json"),
            ("authorization", "Bearer t0k3n"),
        ],
        credentials: CredentialsMode::SameOrigin,
        preflight_answer: &[
            ("access-control-allow-origin", "https://shop.example"),
            ("access-control-allow-methods", "POST"),
            (
                "access-control-allow-headers",
                "Content-Type, Authorization",
            ),
            ("access-control-max-age", "600"),
        ],
        answer: &[
            ("access-control-allow-origin", "https://shop.example"),
            ("access-control-expose-headers", "Location"),
            ("location", "/orders/7"),
        ],
    },
    Case {
        title: "Cookies included, but the server answers with a wildcard",
        method: "GET",
        url: "https://api.example/me",
        headers: &[],
        credentials: CredentialsMode::Include,
        preflight_answer: &[],
        answer: &[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-credentials", "true"),
        ],
    },
    Case {
        title: "Authorization under Access-Control-Allow-Headers: * (spec vs. browsers)",
        method: "GET",
        url: "https://api.example/private",
        headers: &[("authorization", "Bearer t0k3n")],
        credentials: CredentialsMode::SameOrigin,
        preflight_answer: &[
            ("access-control-allow-origin", "https://shop.example"),
            ("access-control-allow-headers", "*"),
        ],
        answer: &[("access-control-allow-origin", "https://shop.example")],
    },
    Case {
        title: "Server echoes a look-alike origin",
        method: "GET",
        url: "https://api.example/products",
        headers: &[],
        credentials: CredentialsMode::SameOrigin,
        preflight_answer: &[],
        answer: &[(
            "access-control-allow-origin",
            "https://shop.example.evil.example",
        )],
    },
];

fn main() {
    let page = Origin::parse("https://shop.example").expect("a valid origin");
    println!("page origin: {page}\n");
    for case in CASES {
        println!("== {}", case.title);
        for profile in [Profile::SPEC, Profile::CHROMIUM] {
            if let Err(e) = show(case, &page, &profile) {
                println!(
                    "   [{}] could not build the request: {e}",
                    profile.engine.name()
                );
            }
        }
        println!();
    }
}

fn show(case: &Case, page: &Origin, profile: &Profile) -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = http::Request::builder()
        .method(Method::from_bytes(case.method.as_bytes())?)
        .uri(case.url);
    for (name, value) in case.headers {
        builder = builder.header(*name, HeaderValue::from_static(value));
    }
    let (parts, ()) = builder.body(())?.into_parts();
    let request = Request::from_parts(&parts, page)?.with_credentials(case.credentials);
    let tag = profile.engine.name();

    let classification = classify_request(&request, profile);
    match &classification {
        Classification::CorsWithPreflight(_) => {
            let preflight = preflight_request(&request, profile)?;
            println!(
                "   [{tag}] preflight needed: OPTIONS with Access-Control-Request-Method: {}{}",
                preflight.headers()["access-control-request-method"].to_str()?,
                preflight
                    .headers()
                    .get("access-control-request-headers")
                    .map(|v| format!(", -Headers: {}", v.to_str().unwrap_or("?")))
                    .unwrap_or_default()
            );
            let answer = response(204, case.preflight_answer)?;
            if let Err(e) = check_preflight_response(&request, &answer, profile) {
                println!("   [{tag}] preflight rejected: {e}");
                return Ok(());
            }
            println!("   [{tag}] preflight accepted");
        }
        Classification::Cors => println!(
            "   [{tag}] no preflight: sent with Origin: {}",
            request.serialized_origin()
        ),
        other => println!("   [{tag}] {other:?}"),
    }
    let answer = response(200, case.answer)?;
    match check_response(&request, &answer, profile) {
        Ok(exposure) => {
            let mut names: Vec<&str> = exposure.readable_names().map(|n| n.as_str()).collect();
            names.sort_unstable();
            println!(
                "   [{tag}] the page reads the response ({}), headers: {}",
                exposure.response_type().as_str(),
                names.join(", ")
            );
        }
        Err(e) => println!("   [{tag}] blocked: {e}"),
    }
    Ok(())
}

fn response(
    status: u16,
    headers: &[(&'static str, &'static str)],
) -> Result<http::Response<()>, http::Error> {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, HeaderValue::from_static(value));
    }
    builder.body(())
}
