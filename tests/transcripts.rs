//! Transcript tests of the whole fetch: a request goes in, a scripted server answers every
//! request the machine emits, simulated time moves, and the exact sequence of requests and the
//! outcome come out. Checklist sections 6 (cache) and 8 (redirects), plus cache expiry,
//! eviction and partitioning.

use std::sync::LazyLock;

use fetch_cors::{
    Action, ApiMisuse, CorsError, CorsFetch, CredentialsMode, Mode, Origin, OutgoingKind,
    PreflightCache, Profile, RedirectMode, Request, ResponseType, Timestamp,
};
use fetch_cors::{Input, StateKind, TRANSITIONS};
use http::{HeaderValue, Method};

static PAGE: LazyLock<Origin> = LazyLock::new(|| Origin::parse("https://app.example").unwrap());

/// One request as it went on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sent {
    kind: OutgoingKind,
    method: String,
    url: String,
    origin: Option<String>,
    acrm: Option<String>,
    acrh: Option<String>,
    credentials: bool,
    authorization: bool,
    content_type: Option<String>,
}

impl Sent {
    /// A compact line for assertions: `P OPTIONS https://b/x origin=... acrh=...`.
    fn line(&self) -> String {
        let mut s = format!(
            "{} {} {}",
            if self.kind == OutgoingKind::Preflight {
                "P"
            } else {
                "R"
            },
            self.method,
            self.url
        );
        if let Some(o) = &self.origin {
            s += &format!(" origin={o}");
        }
        if let Some(a) = &self.acrh {
            s += &format!(" acrh={a}");
        }
        s
    }
}

struct Transcript {
    sent: Vec<Sent>,
    outcome: fetch_cors::Outcome,
    transitions: Vec<(StateKind, Input, StateKind)>,
}

impl Transcript {
    fn lines(&self) -> Vec<String> {
        self.sent.iter().map(Sent::line).collect()
    }
    fn preflights(&self) -> usize {
        self.sent
            .iter()
            .filter(|s| s.kind == OutgoingKind::Preflight)
            .count()
    }
}

fn header(req: &http::Request<()>, name: &str) -> Option<String> {
    let values: Vec<_> = req
        .headers()
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// Runs `fetch` against `server` to the end.
fn run(
    mut fetch: CorsFetch,
    cache: &mut PreflightCache,
    now: Timestamp,
    mut server: impl FnMut(&http::Request<()>) -> http::Response<()>,
) -> Transcript {
    let mut sent = Vec::new();
    let outcome = loop {
        match fetch.poll(cache, now) {
            Action::Send(out) => {
                let r = &out.request;
                assert_eq!(out.url.as_str(), r.uri().to_string(), "url and uri agree");
                sent.push(Sent {
                    kind: out.kind,
                    method: r.method().to_string(),
                    url: r.uri().to_string(),
                    origin: header(r, "origin"),
                    acrm: header(r, "access-control-request-method"),
                    acrh: header(r, "access-control-request-headers"),
                    credentials: out.include_credentials,
                    authorization: r.headers().contains_key("authorization"),
                    content_type: header(r, "content-type"),
                });
                assert!(
                    matches!(fetch.poll(cache, now), Action::Wait),
                    "poll while waiting must wait"
                );
                let response = server(r);
                fetch.handle_response(&response, cache, now).unwrap();
            }
            Action::Wait => panic!("nothing outstanding, yet Wait"),
            Action::Done(outcome) => break outcome,
            _ => unreachable!("an action this driver does not know"),
        }
    };
    // Done is sticky.
    assert!(matches!(fetch.poll(cache, now), Action::Done(o) if o == outcome));
    Transcript {
        sent,
        outcome,
        transitions: fetch.transitions().to_vec(),
    }
}

fn fetch(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    setup: impl FnOnce(Request<'_>) -> Request<'_>,
) -> CorsFetch {
    fetch_with(method, url, headers, setup, &Profile::SPEC)
}

fn fetch_with(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    setup: impl FnOnce(Request<'_>) -> Request<'_>,
    profile: &Profile,
) -> CorsFetch {
    let mut b = http::Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(url);
    for (n, v) in headers {
        b = b.header(*n, HeaderValue::from_str(v).unwrap());
    }
    let (parts, ()) = b.body(()).unwrap().into_parts();
    let req = setup(Request::from_parts(&parts, &PAGE).unwrap());
    CorsFetch::new(&req, profile).unwrap()
}

fn none(r: Request<'_>) -> Request<'_> {
    r
}

fn include(r: Request<'_>) -> Request<'_> {
    r.with_credentials(CredentialsMode::Include)
}

fn upload(r: Request<'_>) -> Request<'_> {
    r.with_use_cors_preflight(true)
}

fn respond(status: u16, headers: &[(&str, &str)]) -> http::Response<()> {
    let mut b = http::Response::builder().status(status);
    for (n, v) in headers {
        b = b.header(*n, HeaderValue::from_str(v).unwrap());
    }
    b.body(()).unwrap()
}

/// A permissive server: reflects the Origin, allows every method and header, with a max-age.
fn permissive(max_age: &'static str) -> impl FnMut(&http::Request<()>) -> http::Response<()> {
    move |req| {
        let origin = header(req, "origin").unwrap_or_else(|| "*".into());
        if req.method() == Method::OPTIONS {
            let mut h = vec![
                ("access-control-allow-origin", origin.clone()),
                ("access-control-max-age", max_age.to_string()),
            ];
            if let Some(m) = header(req, "access-control-request-method") {
                h.push(("access-control-allow-methods", m));
            }
            if let Some(a) = header(req, "access-control-request-headers") {
                h.push(("access-control-allow-headers", a));
            }
            let h: Vec<(&str, &str)> = h.iter().map(|(n, v)| (*n, v.as_str())).collect();
            respond(204, &h)
        } else {
            respond(200, &[("access-control-allow-origin", origin.as_str())])
        }
    }
}

const T0: Timestamp = Timestamp::ZERO;

// ---------------------------------------------------------------- the drive loop

#[test]
fn misuse_is_an_error_not_a_panic() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let mut f = fetch("GET", "https://api.example/x", &[], none);
    let resp = respond(200, &[]);
    assert_eq!(
        f.handle_response(&resp, &mut cache, T0),
        Err(ApiMisuse::NoResponseExpected {
            state: StateKind::MainFetch
        })
    );
    let t = run(f, &mut cache, T0, |_| {
        respond(200, &[("access-control-allow-origin", "*")])
    });
    assert!(t.outcome.is_ok());
}

#[test]
fn a_cache_made_for_another_profile_is_refused() {
    // Spec's cache holds 1,024 entries for up to 7,200 s; Firefox's holds 100 for 86,400 s.
    let mut spec_cache = PreflightCache::new(&Profile::SPEC);
    let mut f = fetch_with("PUT", "https://api.example/x", &[], none, &Profile::FIREFOX);
    let refused = ApiMisuse::CacheForAnotherProfile {
        cache: fetch_cors::Engine::Spec,
        fetch: fetch_cors::Engine::Firefox,
    };
    match f.poll(&mut spec_cache, T0) {
        Action::Misuse(m) => assert_eq!(m, refused),
        other => panic!("{other:?}"),
    }
    assert!(refused.to_string().contains("PreflightCache::new"));
    assert_eq!(
        f.handle_response(&respond(200, &[]), &mut spec_cache, T0),
        Err(refused)
    );
    assert_eq!(f.handle_network_error(&mut spec_cache), Err(refused));
    // Nothing happened: with the right cache the fetch starts from the beginning.
    assert_eq!(f.state(), StateKind::MainFetch);
    assert!(f.transitions().is_empty());
    let mut cache = PreflightCache::new(&Profile::FIREFOX);
    let t = run(f, &mut cache, T0, permissive("60"));
    assert_eq!(t.preflights(), 1);
    assert!(t.outcome.is_ok());
    assert_eq!(spec_cache.len(), 0);
}

#[test]
fn forbidden_header_rejected_at_creation() {
    let (parts, ()) = http::Request::get("https://api.example/")
        .header("cookie", "a=b")
        .body(())
        .unwrap()
        .into_parts();
    let req = Request::from_parts(&parts, &PAGE).unwrap();
    assert!(CorsFetch::new(&req, &Profile::SPEC).is_err());
}

#[test]
fn simple_get_sends_one_request_with_origin() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch("GET", "https://api.example/x", &[], none),
        &mut cache,
        T0,
        permissive("5"),
    );
    assert_eq!(
        t.lines(),
        ["R GET https://api.example/x origin=https://app.example"]
    );
    let r = t.outcome.unwrap();
    assert_eq!(
        (r.response_type, r.status, r.redirected),
        (ResponseType::Cors, 200, false)
    );
    assert_eq!(r.url.unwrap().as_str(), "https://api.example/x");
    assert!(!t.sent[0].credentials);
}

#[test]
fn item_125_same_origin_get_has_no_origin_and_has_cookies() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch("GET", "https://app.example/x", &[], none),
        &mut cache,
        T0,
        |_| respond(200, &[("x-secret", "1")]),
    );
    assert_eq!(t.lines(), ["R GET https://app.example/x"]);
    assert!(t.sent[0].credentials);
    let r = t.outcome.unwrap();
    assert_eq!(r.response_type, ResponseType::Basic);
    assert_eq!(r.header_names, ["x-secret"]);
}

#[test]
fn preflighted_put_then_cached() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch("PUT", "https://api.example/x", &[("x-a", "1")], none),
        &mut cache,
        T0,
        permissive("60"),
    );
    assert_eq!(
        t.lines(),
        [
            "P OPTIONS https://api.example/x origin=https://app.example acrh=x-a",
            "R PUT https://api.example/x origin=https://app.example"
        ]
    );
    assert_eq!(t.sent[0].acrm.as_deref(), Some("PUT"));
    // Item 42: a second identical PUT inside max-age sends no preflight.
    let t = run(
        fetch("PUT", "https://api.example/x", &[("x-a", "1")], none),
        &mut cache,
        T0.plus_secs(30),
        permissive("60"),
    );
    assert_eq!(t.preflights(), 0);
    assert!(t.outcome.is_ok());
}

// ---------------------------------------------------------------- 6. the cache

#[test]
fn item_085_one_entry_per_method_and_header() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let server = |req: &http::Request<()>| {
        if req.method() == Method::OPTIONS {
            respond(
                204,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("access-control-allow-methods", "PUT, DELETE"),
                    ("access-control-allow-headers", "X-A"),
                ],
            )
        } else {
            respond(
                200,
                &[("access-control-allow-origin", "https://app.example")],
            )
        }
    };
    let t = run(
        fetch("PUT", "https://api.example/x", &[("x-a", "1")], none),
        &mut cache,
        T0,
        server,
    );
    assert!(t.outcome.is_ok());
    assert_eq!(cache.entries(), 3);
    assert_eq!(cache.len(), 1);
    // DELETE with x-a is covered too.
    let t = run(
        fetch("DELETE", "https://api.example/x", &[("x-a", "1")], none),
        &mut cache,
        T0,
        server,
    );
    assert_eq!(t.preflights(), 0);
}

#[test]
fn item_086_entries_are_per_full_url() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    run(
        fetch("PUT", "https://api.example/a?x=1", &[], none),
        &mut cache,
        T0,
        permissive("60"),
    );
    let t = run(
        fetch("PUT", "https://api.example/a?x=2", &[], none),
        &mut cache,
        T0,
        permissive("60"),
    );
    assert_eq!(t.preflights(), 1);
}

#[test]
fn item_087_partition_keys_separate() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let f = fetch("PUT", "https://api.example/a", &[], none)
        .with_partition_key("https://site-a.example");
    run(f, &mut cache, T0, permissive("60"));
    let f = fetch("PUT", "https://api.example/a", &[], none)
        .with_partition_key("https://site-b.example");
    assert_eq!(run(f, &mut cache, T0, permissive("60")).preflights(), 1);
    let f = fetch("PUT", "https://api.example/a", &[], none)
        .with_partition_key("https://site-a.example");
    assert_eq!(run(f, &mut cache, T0, permissive("60")).preflights(), 0);
}

#[test]
fn item_088_null_origin_entries_do_not_serve_the_page_origin() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    // A → B → C: the PUT reaches C tainted, so the preflight at C carries Origin: null.
    let mut server = |req: &http::Request<()>| {
        let origin = header(req, "origin").unwrap();
        let url = req.uri().to_string();
        if req.method() == Method::OPTIONS {
            let acrm = header(req, "access-control-request-method").unwrap();
            return respond(
                204,
                &[
                    ("access-control-allow-origin", &origin),
                    ("access-control-allow-methods", &acrm),
                    ("access-control-max-age", "60"),
                ],
            );
        }
        if url.starts_with("https://b.example") {
            respond(
                307,
                &[
                    ("access-control-allow-origin", &origin),
                    ("location", "https://c.example/r"),
                ],
            )
        } else {
            respond(200, &[("access-control-allow-origin", &origin)])
        }
    };
    let t = run(
        fetch("PUT", "https://b.example/r", &[], none),
        &mut cache,
        T0,
        &mut server,
    );
    assert_eq!(
        t.lines(),
        [
            "P OPTIONS https://b.example/r origin=https://app.example",
            "R PUT https://b.example/r origin=https://app.example",
            "P OPTIONS https://c.example/r origin=null",
            "R PUT https://c.example/r origin=null",
        ]
    );
    assert!(t.outcome.is_ok());
    // A direct PUT to C from the page: the "null" entry does not apply.
    let t = run(
        fetch("PUT", "https://c.example/r", &[], none),
        &mut cache,
        T0,
        &mut server,
    );
    assert_eq!(t.preflights(), 1);
}

#[test]
fn item_089_credentials_asymmetry() {
    let creds_server = |req: &http::Request<()>| {
        let mut r = permissive("60")(req);
        r.headers_mut().insert(
            "access-control-allow-credentials",
            HeaderValue::from_static("true"),
        );
        r
    };
    // Uncredentialed entry, then a credentialed request: miss.
    let mut cache = PreflightCache::new(&Profile::SPEC);
    run(
        fetch("PUT", "https://api.example/a", &[], none),
        &mut cache,
        T0,
        creds_server,
    );
    assert_eq!(
        run(
            fetch("PUT", "https://api.example/a", &[], include),
            &mut cache,
            T0,
            creds_server
        )
        .preflights(),
        1
    );
    // Credentialed entry serves an uncredentialed request in the spec...
    let mut cache = PreflightCache::new(&Profile::SPEC);
    run(
        fetch("PUT", "https://api.example/a", &[], include),
        &mut cache,
        T0,
        creds_server,
    );
    assert_eq!(
        run(
            fetch("PUT", "https://api.example/a", &[], none),
            &mut cache,
            T0,
            creds_server
        )
        .preflights(),
        0
    );
    // ... but not in Firefox, which keys on the credentials mode.
    let mut cache = PreflightCache::new(&Profile::FIREFOX);
    run(
        fetch_with(
            "PUT",
            "https://api.example/a",
            &[],
            include,
            &Profile::FIREFOX,
        ),
        &mut cache,
        T0,
        creds_server,
    );
    assert_eq!(
        run(
            fetch_with("PUT", "https://api.example/a", &[], none, &Profile::FIREFOX),
            &mut cache,
            T0,
            creds_server
        )
        .preflights(),
        1
    );
}

#[test]
fn item_090_method_entries_byte_exact() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let server = |req: &http::Request<()>| {
        if req.method() == Method::OPTIONS {
            respond(
                204,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("access-control-allow-methods", "patch, PATCH"),
                    ("access-control-max-age", "60"),
                ],
            )
        } else {
            respond(
                200,
                &[("access-control-allow-origin", "https://app.example")],
            )
        }
    };
    run(
        fetch("PATCH", "https://api.example/a", &[], none),
        &mut cache,
        T0,
        server,
    );
    assert_eq!(cache.entries(), 2, "patch and PATCH are two entries");
    let mut cache2 = PreflightCache::new(&Profile::SPEC);
    let only_upper = |req: &http::Request<()>| {
        if req.method() == Method::OPTIONS {
            respond(
                204,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("access-control-allow-methods", "PATCH, patch"),
                    ("access-control-max-age", "60"),
                ],
            )
        } else {
            respond(
                200,
                &[("access-control-allow-origin", "https://app.example")],
            )
        }
    };
    run(
        fetch("PATCH", "https://api.example/a", &[], none),
        &mut cache2,
        T0,
        only_upper,
    );
    let (parts, ()) = http::Request::builder()
        .method(Method::from_bytes(b"PATCH").unwrap())
        .uri("https://api.example/a")
        .body(())
        .unwrap()
        .into_parts();
    let r = Request::from_parts(&parts, &PAGE).unwrap();
    assert!(cache2.method_cache_entry_match(
        &r,
        "https://app.example",
        &Method::from_bytes(b"PATCH").unwrap(),
        T0
    ));
    assert!(!cache2.method_cache_entry_match(
        &r,
        "https://app.example",
        &Method::from_bytes(b"PaTcH").unwrap(),
        T0
    ));
}

#[test]
fn item_091_header_entries_and_wildcard() {
    let star = |req: &http::Request<()>| {
        if req.method() == Method::OPTIONS {
            respond(
                204,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("access-control-allow-headers", "*, X-A"),
                    ("access-control-max-age", "60"),
                ],
            )
        } else {
            respond(
                200,
                &[("access-control-allow-origin", "https://app.example")],
            )
        }
    };
    let mut cache = PreflightCache::new(&Profile::SPEC);
    run(
        fetch("GET", "https://api.example/a", &[("x-b", "1")], none),
        &mut cache,
        T0,
        star,
    );
    assert_eq!(
        run(
            fetch(
                "GET",
                "https://api.example/a",
                &[("X-A", "1"), ("x-c", "1")],
                none
            ),
            &mut cache,
            T0,
            star
        )
        .preflights(),
        0
    );
    // `*` never covers Authorization in the spec; the preflight then fails too.
    let t = run(
        fetch(
            "GET",
            "https://api.example/a",
            &[("authorization", "Bearer t")],
            none,
        ),
        &mut cache,
        T0,
        star,
    );
    assert_eq!(t.preflights(), 1);
    assert!(matches!(t.outcome, Err(CorsError::HeaderNotAllowed { .. })));
    // Chromium lets a fresh `*` cover it but not a cached one: it preflights again, and then
    // passes (cache-headers-star-authorization-bp). WebKit reuses the cached `*`.
    for (profile, preflights) in [(Profile::CHROMIUM, 1), (Profile::WEBKIT, 0)] {
        let mut cache = PreflightCache::new(&profile);
        run(
            fetch_with(
                "GET",
                "https://api.example/a",
                &[("x-b", "1")],
                none,
                &profile,
            ),
            &mut cache,
            T0,
            star,
        );
        let t = run(
            fetch_with(
                "GET",
                "https://api.example/a",
                &[("authorization", "Bearer t")],
                none,
                &profile,
            ),
            &mut cache,
            T0,
            star,
        );
        assert_eq!(t.preflights(), preflights, "{:?}", profile.engine);
        assert!(t.outcome.is_ok());
    }
}

#[test]
fn item_092_star_from_credentialed_preflight_is_literal() {
    let server = |req: &http::Request<()>| {
        let base = [
            ("access-control-allow-origin", "https://app.example"),
            ("access-control-allow-credentials", "true"),
        ];
        if req.method() == Method::OPTIONS {
            respond(
                204,
                &[
                    &base[..],
                    &[
                        ("access-control-allow-methods", "*"),
                        ("access-control-allow-headers", "X-A"),
                        ("access-control-max-age", "60"),
                    ],
                ]
                .concat(),
            )
        } else {
            respond(200, &base)
        }
    };
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch("GET", "https://api.example/a", &[("x-a", "1")], include),
        &mut cache,
        T0,
        server,
    );
    assert!(t.outcome.is_ok());
    // The later credentialed PUT must not ride on the cached `*`: it preflights (and fails,
    // because `*` is literal with credentials).
    let t = run(
        fetch("PUT", "https://api.example/a", &[("x-a", "1")], include),
        &mut cache,
        T0,
        server,
    );
    assert_eq!(t.preflights(), 1);
    assert!(matches!(t.outcome, Err(CorsError::MethodNotAllowed { .. })));
}

fn allowing(methods: &'static str) -> impl FnMut(&http::Request<()>) -> http::Response<()> + Copy {
    move |req: &http::Request<()>| {
        if req.method() == Method::OPTIONS {
            respond(
                204,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("access-control-allow-methods", methods),
                    ("access-control-max-age", "60"),
                ],
            )
        } else {
            respond(
                200,
                &[("access-control-allow-origin", "https://app.example")],
            )
        }
    }
}

#[test]
fn item_093_entries_accumulate_in_spec_and_are_replaced_in_chromium() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    run(
        fetch("PUT", "https://api.example/a", &[], none),
        &mut cache,
        T0,
        allowing("PUT"),
    );
    run(
        fetch("DELETE", "https://api.example/a", &[], none),
        &mut cache,
        T0,
        allowing("DELETE"),
    );
    assert_eq!(
        run(
            fetch("PUT", "https://api.example/a", &[], none),
            &mut cache,
            T0,
            allowing("PUT")
        )
        .preflights(),
        0
    );

    let chromium = Profile::CHROMIUM;
    let mut cache = PreflightCache::new(&chromium);
    run(
        fetch_with("PUT", "https://api.example/a", &[], none, &chromium),
        &mut cache,
        T0,
        allowing("PUT"),
    );
    run(
        fetch_with("DELETE", "https://api.example/a", &[], none, &chromium),
        &mut cache,
        T0,
        allowing("DELETE"),
    );
    assert_eq!(
        run(
            fetch_with("PUT", "https://api.example/a", &[], none, &chromium),
            &mut cache,
            T0,
            allowing("PUT")
        )
        .preflights(),
        1
    );
}

#[test]
fn item_094_failed_actual_response_clears_entries() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    run(
        fetch("PUT", "https://api.example/a", &[], none),
        &mut cache,
        T0,
        allowing("PUT"),
    );
    assert_eq!(cache.len(), 1);
    let no_acao = |req: &http::Request<()>| {
        if req.method() == Method::OPTIONS {
            allowing("PUT")(req)
        } else {
            respond(200, &[])
        }
    };
    let t = run(
        fetch("PUT", "https://api.example/a", &[], none),
        &mut cache,
        T0,
        no_acao,
    );
    assert_eq!(t.preflights(), 0);
    assert!(matches!(
        t.outcome,
        Err(CorsError::MissingAllowOrigin { .. })
    ));
    assert!(cache.is_empty());
    assert_eq!(
        run(
            fetch("PUT", "https://api.example/a", &[], none),
            &mut cache,
            T0,
            allowing("PUT")
        )
        .preflights(),
        1
    );
}

#[test]
fn item_095_expiry_and_next_expiry() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    run(
        fetch("PUT", "https://api.example/a", &[], none),
        &mut cache,
        T0,
        allowing("PUT"),
    );
    assert_eq!(cache.next_expiry(), Some(T0.plus_secs(60)));
    let just_before = Timestamp::from_millis(59_999);
    assert_eq!(
        run(
            fetch("PUT", "https://api.example/a", &[], none),
            &mut cache,
            just_before,
            allowing("PUT")
        )
        .preflights(),
        0
    );
    cache.evict_expired(just_before);
    assert_eq!(cache.len(), 1);
    cache.evict_expired(T0.plus_secs(60));
    assert!(cache.is_empty());
    assert_eq!(cache.next_expiry(), None);
    assert_eq!(
        run(
            fetch("PUT", "https://api.example/a", &[], none),
            &mut cache,
            T0.plus_secs(60),
            allowing("PUT")
        )
        .preflights(),
        1
    );
}

#[test]
fn item_083_max_age_zero_is_used_once() {
    let zero = |req: &http::Request<()>| {
        if req.method() == Method::OPTIONS {
            respond(
                204,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("access-control-allow-methods", "PUT"),
                    ("access-control-max-age", "0"),
                ],
            )
        } else {
            respond(
                200,
                &[("access-control-allow-origin", "https://app.example")],
            )
        }
    };
    let mut cache = PreflightCache::new(&Profile::SPEC);
    assert!(
        run(
            fetch("PUT", "https://api.example/a", &[], none),
            &mut cache,
            T0,
            zero
        )
        .outcome
        .is_ok()
    );
    assert_eq!(
        run(
            fetch("PUT", "https://api.example/a", &[], none),
            &mut cache,
            T0,
            zero
        )
        .preflights(),
        1
    );
}

#[test]
fn default_max_age_is_five_seconds_and_caps_apply() {
    let absent = |req: &http::Request<()>| {
        if req.method() == Method::OPTIONS {
            respond(
                204,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("access-control-allow-methods", "PUT"),
                ],
            )
        } else {
            respond(
                200,
                &[("access-control-allow-origin", "https://app.example")],
            )
        }
    };
    let mut cache = PreflightCache::new(&Profile::SPEC);
    run(
        fetch("PUT", "https://api.example/a", &[], none),
        &mut cache,
        T0,
        absent,
    );
    assert_eq!(cache.next_expiry(), Some(T0.plus_secs(5)));
    for (profile, cap) in [
        (Profile::CHROMIUM, 7200),
        (Profile::FIREFOX, 86400),
        (Profile::WEBKIT, 600),
    ] {
        let mut cache = PreflightCache::new(&profile);
        let server = |req: &http::Request<()>| {
            if req.method() == Method::OPTIONS {
                respond(
                    204,
                    &[
                        ("access-control-allow-origin", "https://app.example"),
                        ("access-control-allow-methods", "PUT"),
                        ("access-control-max-age", "999999"),
                    ],
                )
            } else {
                respond(
                    200,
                    &[("access-control-allow-origin", "https://app.example")],
                )
            }
        };
        run(
            fetch_with("PUT", "https://api.example/a", &[], none, &profile),
            &mut cache,
            T0,
            server,
        );
        assert_eq!(
            cache.next_expiry(),
            Some(T0.plus_secs(cap)),
            "{:?}",
            profile.engine
        );
    }
}

#[test]
fn item_096_flag_preflight_satisfied_by_cached_method() {
    let server = |req: &http::Request<()>| {
        if req.method() == Method::OPTIONS {
            respond(
                204,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("access-control-max-age", "60"),
                ],
            )
        } else {
            respond(
                200,
                &[("access-control-allow-origin", "https://app.example")],
            )
        }
    };
    let mut cache = PreflightCache::new(&Profile::SPEC);
    assert_eq!(
        run(
            fetch("POST", "https://api.example/up", &[], upload),
            &mut cache,
            T0,
            server
        )
        .preflights(),
        1
    );
    assert_eq!(
        run(
            fetch("POST", "https://api.example/up", &[], upload),
            &mut cache,
            T0,
            server
        )
        .preflights(),
        0
    );
}

#[test]
fn eviction_is_bounded_and_lru() {
    let mut cache = PreflightCache::with_capacity(&Profile::SPEC, 2);
    for path in ["a", "b"] {
        run(
            fetch("PUT", &format!("https://api.example/{path}"), &[], none),
            &mut cache,
            T0,
            allowing("PUT"),
        );
    }
    // Touch a, then add c: b (least recently used) goes.
    assert_eq!(
        run(
            fetch("PUT", "https://api.example/a", &[], none),
            &mut cache,
            T0,
            allowing("PUT")
        )
        .preflights(),
        0
    );
    run(
        fetch("PUT", "https://api.example/c", &[], none),
        &mut cache,
        T0,
        allowing("PUT"),
    );
    assert_eq!(cache.len(), 2);
    assert_eq!(
        run(
            fetch("PUT", "https://api.example/a", &[], none),
            &mut cache,
            T0,
            allowing("PUT")
        )
        .preflights(),
        0
    );
    assert_eq!(
        run(
            fetch("PUT", "https://api.example/b", &[], none),
            &mut cache,
            T0,
            allowing("PUT")
        )
        .preflights(),
        1
    );
}

#[test]
fn firefox_evicts_expired_first() {
    let ff = Profile::FIREFOX;
    let mut cache = PreflightCache::with_capacity(&ff, 2);
    let short = |req: &http::Request<()>| {
        if req.method() == Method::OPTIONS {
            respond(
                204,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("access-control-allow-methods", "PUT"),
                    ("access-control-max-age", "1"),
                ],
            )
        } else {
            respond(
                200,
                &[("access-control-allow-origin", "https://app.example")],
            )
        }
    };
    run(
        fetch_with("PUT", "https://api.example/short", &[], none, &ff),
        &mut cache,
        T0,
        short,
    );
    run(
        fetch_with("PUT", "https://api.example/long", &[], none, &ff),
        &mut cache,
        T0,
        allowing("PUT"),
    );
    // Use `short` last, so it is the most recently used, then let it expire.
    run(
        fetch_with("PUT", "https://api.example/short", &[], none, &ff),
        &mut cache,
        T0,
        short,
    );
    let later = T0.plus_secs(2);
    run(
        fetch_with("PUT", "https://api.example/new", &[], none, &ff),
        &mut cache,
        later,
        allowing("PUT"),
    );
    // The expired slot went, not the least recently used live one.
    assert_eq!(
        run(
            fetch_with("PUT", "https://api.example/long", &[], none, &ff),
            &mut cache,
            later,
            allowing("PUT")
        )
        .preflights(),
        0
    );
}

#[test]
fn cache_never_exceeds_capacity() {
    let mut cache = PreflightCache::with_capacity(&Profile::SPEC, 16);
    for i in 0..200 {
        run(
            fetch("PUT", &format!("https://api.example/{i}"), &[], none),
            &mut cache,
            T0,
            allowing("PUT"),
        );
        assert!(cache.len() <= 16);
    }
    let chromium = Profile::CHROMIUM;
    let mut cache = PreflightCache::with_capacity(&chromium, 16);
    for i in 0..200 {
        run(
            fetch_with(
                "PUT",
                &format!("https://api.example/{i}"),
                &[],
                none,
                &chromium,
            ),
            &mut cache,
            T0,
            allowing("PUT"),
        );
        assert!(cache.len() <= 16);
    }
}

#[test]
fn chromium_does_not_cache_long_urls() {
    let chromium = Profile::CHROMIUM;
    let mut cache = PreflightCache::new(&chromium);
    let long = format!("https://api.example/{}", "a".repeat(1100));
    run(
        fetch_with("PUT", &long, &[], none, &chromium),
        &mut cache,
        T0,
        allowing("PUT"),
    );
    assert!(cache.is_empty());
}

// ---------------------------------------------------------------- 8. redirects

/// A server that redirects `/r<n>` to the `n`th target, and answers others with ACAO *.
fn chain(
    targets: &'static [(u16, &'static str)],
) -> impl FnMut(&http::Request<()>) -> http::Response<()> {
    move |req| {
        let origin = header(req, "origin").unwrap_or_else(|| "*".into());
        if req.method() == Method::OPTIONS {
            let acrm = header(req, "access-control-request-method").unwrap_or_default();
            let acrh = header(req, "access-control-request-headers").unwrap_or_default();
            return respond(
                204,
                &[
                    ("access-control-allow-origin", &origin),
                    ("access-control-allow-methods", &acrm),
                    ("access-control-allow-headers", &acrh),
                ],
            );
        }
        let path = req.uri().path();
        if let Some(n) = path
            .strip_prefix("/r")
            .and_then(|n| n.parse::<usize>().ok())
        {
            if let Some((status, to)) = targets.get(n) {
                return respond(
                    *status,
                    &[("access-control-allow-origin", &origin), ("location", to)],
                );
            }
        }
        respond(200, &[("access-control-allow-origin", &origin)])
    }
}

#[test]
fn item_109_300_is_not_a_redirect() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch("GET", "https://api.example/r0", &[], none),
        &mut cache,
        T0,
        chain(&[(300, "https://api.example/x")]),
    );
    assert_eq!(t.sent.len(), 1);
    assert_eq!(t.outcome.unwrap().status, 300);
}

#[test]
fn item_110_redirect_modes() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch("GET", "https://api.example/r0", &[], |r| {
            r.with_redirect(RedirectMode::Manual)
        }),
        &mut cache,
        T0,
        chain(&[(302, "/x")]),
    );
    let r = t.outcome.unwrap();
    assert_eq!(
        (r.response_type, r.status, r.header_names.len()),
        (ResponseType::OpaqueRedirect, 0, 0)
    );
    let t = run(
        fetch("GET", "https://api.example/r0", &[], |r| {
            r.with_redirect(RedirectMode::Error)
        }),
        &mut cache,
        T0,
        chain(&[(302, "/x")]),
    );
    assert_eq!(t.outcome, Err(CorsError::RedirectModeError));
    assert_eq!(t.sent.len(), 1);
}

#[test]
fn item_111_redirect_without_location_is_returned() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch("GET", "https://api.example/x", &[], none),
        &mut cache,
        T0,
        |_| respond(302, &[("access-control-allow-origin", "*")]),
    );
    assert_eq!(t.outcome.unwrap().status, 302);
}

#[test]
fn item_112_location_parsing() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let two = |_: &http::Request<()>| {
        respond(
            302,
            &[
                ("access-control-allow-origin", "*"),
                ("location", "/a"),
                ("location", "/b"),
            ],
        )
    };
    assert!(matches!(
        run(
            fetch("GET", "https://api.example/x", &[], none),
            &mut cache,
            T0,
            two
        )
        .outcome,
        Err(CorsError::InvalidLocation { .. })
    ));
    let bad = |_: &http::Request<()>| {
        respond(
            302,
            &[
                ("access-control-allow-origin", "*"),
                ("location", "http://[::1"),
            ],
        )
    };
    assert!(matches!(
        run(
            fetch("GET", "https://api.example/x", &[], none),
            &mut cache,
            T0,
            bad
        )
        .outcome,
        Err(CorsError::InvalidLocation { .. })
    ));
    // The fragment is inherited (http::Uri drops fragments, so build from a url::Url).
    let url = url::Url::parse("https://api.example/r0#frag").unwrap();
    let headers = http::HeaderMap::new();
    let req = Request::new(
        &Method::GET,
        std::borrow::Cow::Borrowed(&url),
        &headers,
        &PAGE,
    )
    .unwrap();
    let t = run(
        CorsFetch::new(&req, &Profile::SPEC).unwrap(),
        &mut cache,
        T0,
        chain(&[(302, "/b")]),
    );
    assert_eq!(
        t.outcome.unwrap().url.unwrap().as_str(),
        "https://api.example/b#frag"
    );
    let t = run(
        CorsFetch::new(&req, &Profile::SPEC).unwrap(),
        &mut cache,
        T0,
        chain(&[(302, "/b#own")]),
    );
    assert_eq!(
        t.outcome.unwrap().url.unwrap().as_str(),
        "https://api.example/b#own"
    );
}

#[test]
fn item_113_non_http_redirect_fails_even_in_no_cors() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch("GET", "https://api.example/r0", &[], |r| {
            r.with_mode(Mode::NoCors)
        }),
        &mut cache,
        T0,
        chain(&[(302, "data:,x")]),
    );
    assert!(matches!(
        t.outcome,
        Err(CorsError::RedirectSchemeNotHttp { .. })
    ));
}

#[test]
fn item_114_twenty_redirects_allowed_twenty_one_not() {
    static HOPS: LazyLock<Vec<(u16, &'static str)>> = LazyLock::new(|| {
        (1..=21)
            .map(|i| (302u16, &*Box::leak(format!("/r{i}").into_boxed_str())))
            .collect()
    });
    let twenty = |req: &http::Request<()>| {
        let n: usize = req.uri().path()[2..].parse().unwrap();
        if n < 20 {
            respond(
                302,
                &[
                    ("access-control-allow-origin", "*"),
                    ("location", HOPS[n].1),
                ],
            )
        } else {
            respond(200, &[("access-control-allow-origin", "*")])
        }
    };
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch("GET", "https://api.example/r0", &[], none),
        &mut cache,
        T0,
        twenty,
    );
    assert_eq!(t.sent.len(), 21);
    assert!(t.outcome.unwrap().redirected);
    let endless = |req: &http::Request<()>| {
        let n: usize = req.uri().path()[2..].parse().unwrap();
        respond(
            302,
            &[
                ("access-control-allow-origin", "*"),
                ("location", HOPS[n].1),
            ],
        )
    };
    let t = run(
        fetch("GET", "https://api.example/r0", &[], none),
        &mut cache,
        T0,
        endless,
    );
    assert_eq!(t.outcome, Err(CorsError::TooManyRedirects));
    assert_eq!(t.sent.len(), 21);
}

#[test]
fn item_115_credentials_in_location() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch("GET", "https://api.example/r0", &[], none),
        &mut cache,
        T0,
        chain(&[(302, "https://u:p@api.example/x")]),
    );
    assert!(matches!(
        t.outcome,
        Err(CorsError::RedirectContainsCredentials { .. })
    ));
    // A same-origin basic request redirected to a same-origin URL with credentials: allowed.
    let t = run(
        fetch("GET", "https://app.example/r0", &[], none),
        &mut cache,
        T0,
        chain(&[(302, "https://u:p@app.example/x")]),
    );
    assert_eq!(t.outcome.unwrap().response_type, ResponseType::Basic);
    // Cross-origin back to the page origin with credentials: tainting is cors, so it fails.
    let t = run(
        fetch("GET", "https://api.example/r0", &[], none),
        &mut cache,
        T0,
        chain(&[(302, "https://u:p@app.example/x")]),
    );
    assert!(matches!(
        t.outcome,
        Err(CorsError::RedirectContainsCredentials { .. })
    ));
}

#[test]
fn item_117_origin_per_hop() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let origins = |t: &Transcript| {
        t.sent
            .iter()
            .map(|s| s.origin.clone().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    // A → B
    let t = run(
        fetch("GET", "https://app.example/r0", &[], none),
        &mut cache,
        T0,
        chain(&[(302, "https://b.example/x")]),
    );
    assert_eq!(origins(&t), ["", "https://app.example"]);
    // A → B → C
    let t = run(
        fetch("GET", "https://b.example/r0", &[], none),
        &mut cache,
        T0,
        chain(&[(302, "https://c.example/x")]),
    );
    assert_eq!(origins(&t), ["https://app.example", "null"]);
    // A → B → A
    let t = run(
        fetch("GET", "https://b.example/r0", &[], none),
        &mut cache,
        T0,
        chain(&[(302, "https://app.example/x")]),
    );
    assert_eq!(origins(&t), ["https://app.example", "null"]);
    assert_eq!(
        t.outcome.unwrap().response_type,
        ResponseType::Cors,
        "item 21: still CORS-checked"
    );
    // A → A → B
    let t = run(
        fetch("GET", "https://app.example/r0", &[], none),
        &mut cache,
        T0,
        chain(&[
            (302, "https://app.example/r1"),
            (302, "https://b.example/x"),
        ]),
    );
    assert_eq!(origins(&t), ["", "", "https://app.example"]);
    // A → B → B
    let t = run(
        fetch("GET", "https://b.example/r0", &[], none),
        &mut cache,
        T0,
        chain(&[(302, "https://b.example/x")]),
    );
    assert_eq!(origins(&t), ["https://app.example", "https://app.example"]);
}

#[test]
fn item_118_method_rewriting() {
    let cases: [(&str, u16, &str, bool); 6] = [
        ("POST", 301, "GET", false),
        ("POST", 302, "GET", false),
        ("PUT", 302, "PUT", true),
        ("HEAD", 303, "HEAD", true),
        ("DELETE", 303, "GET", false),
        ("POST", 307, "POST", true),
    ];
    for (method, status, after, keeps_type) in cases {
        let mut cache = PreflightCache::new(&Profile::SPEC);
        let targets: &'static [(u16, &'static str)] =
            Box::leak(vec![(status, "/final")].into_boxed_slice());
        let t = run(
            fetch(
                method,
                "https://app.example/r0",
                &[("content-type", "text/plain")],
                none,
            ),
            &mut cache,
            T0,
            chain(targets),
        );
        let last = t.sent.last().unwrap();
        assert_eq!(last.method, after, "{method} {status}");
        assert_eq!(last.content_type.is_some(), keeps_type, "{method} {status}");
    }
}

#[test]
fn item_119_303_can_remove_the_need_for_a_preflight() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch(
            "POST",
            "https://b.example/r0",
            &[("content-type", "application/json")],
            none,
        ),
        &mut cache,
        T0,
        chain(&[(303, "https://b.example/x")]),
    );
    assert_eq!(
        t.lines(),
        [
            "P OPTIONS https://b.example/r0 origin=https://app.example acrh=content-type",
            "R POST https://b.example/r0 origin=https://app.example",
            "R GET https://b.example/x origin=https://app.example",
        ]
    );
}

#[test]
fn item_120_authorization_dropped_on_cross_origin_hop() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let auth = [("authorization", "Bearer t")];
    let t = run(
        fetch("GET", "https://app.example/r0", &auth, none),
        &mut cache,
        T0,
        chain(&[
            (302, "https://app.example/r1"),
            (302, "https://b.example/r2"),
            (302, "https://app.example/y"),
        ]),
    );
    let carried: Vec<bool> = t
        .sent
        .iter()
        .filter(|s| s.kind == OutgoingKind::Request)
        .map(|s| s.authorization)
        .collect();
    assert_eq!(carried, [true, true, false, false]);
}

#[test]
fn item_121_062_redirect_reruns_main_fetch_with_a_new_preflight() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    // A same-origin PUT (no preflight) redirected to B: a preflight to B, then the PUT.
    let t = run(
        fetch("PUT", "https://app.example/r0", &[], none),
        &mut cache,
        T0,
        chain(&[(307, "https://b.example/x")]),
    );
    assert_eq!(
        t.lines(),
        [
            "R PUT https://app.example/r0 origin=https://app.example",
            "P OPTIONS https://b.example/x origin=https://app.example",
            "R PUT https://b.example/x origin=https://app.example",
        ]
    );
    // B → C: a fresh preflight at C, now tainted.
    let t = run(
        fetch("PUT", "https://b.example/r0", &[], none),
        &mut cache,
        T0,
        chain(&[(307, "https://c.example/x")]),
    );
    assert_eq!(
        t.lines(),
        [
            "P OPTIONS https://b.example/r0 origin=https://app.example",
            "R PUT https://b.example/r0 origin=https://app.example",
            "P OPTIONS https://c.example/x origin=null",
            "R PUT https://c.example/x origin=null",
        ]
    );
    // Same origin basic, redirected cross-origin: an Origin appears and CORS applies.
    let t = run(
        fetch("GET", "https://app.example/r0", &[], none),
        &mut cache,
        T0,
        |req: &http::Request<()>| {
            if req.uri().path() == "/r0" {
                respond(302, &[("location", "https://b.example/x")])
            } else {
                respond(200, &[])
            }
        },
    );
    assert_eq!(
        t.lines(),
        [
            "R GET https://app.example/r0",
            "R GET https://b.example/x origin=https://app.example"
        ]
    );
    assert!(matches!(
        t.outcome,
        Err(CorsError::MissingAllowOrigin { .. })
    ));
}

#[test]
fn item_122_modes_across_redirects() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch("GET", "https://app.example/r0", &[], |r| {
            r.with_mode(Mode::SameOrigin)
        }),
        &mut cache,
        T0,
        chain(&[(302, "https://b.example/x")]),
    );
    assert!(matches!(t.outcome, Err(CorsError::DisallowedByMode { .. })));
    let t = run(
        fetch("GET", "https://app.example/r0", &[], |r| {
            r.with_mode(Mode::NoCors)
        }),
        &mut cache,
        T0,
        chain(&[(302, "https://b.example/x")]),
    );
    let r = t.outcome.unwrap();
    assert_eq!(
        (r.response_type, r.status, r.url, r.redirected),
        (ResponseType::Opaque, 0, None, false)
    );
}

#[test]
fn item_105_redirect_needs_cors_check() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch("GET", "https://b.example/x", &[], none),
        &mut cache,
        T0,
        |_| respond(302, &[("location", "https://c.example/")]),
    );
    assert!(matches!(
        t.outcome,
        Err(CorsError::MissingAllowOrigin {
            stage: fetch_cors::Stage::Redirect,
            ..
        })
    ));
    assert_eq!(t.sent.len(), 1);
}

#[test]
fn item_069_redirected_preflight_fails() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch("PUT", "https://b.example/x", &[], none),
        &mut cache,
        T0,
        |_| {
            respond(
                307,
                &[
                    ("access-control-allow-origin", "https://app.example"),
                    ("location", "https://c.example/"),
                ],
            )
        },
    );
    assert!(matches!(
        t.outcome,
        Err(CorsError::PreflightDisallowedRedirect { .. })
    ));
    assert_eq!(t.sent.len(), 1);
}

#[test]
fn corp_blocks_no_cors_responses() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let t = run(
        fetch("GET", "https://b.example/img", &[], |r| {
            r.with_mode(Mode::NoCors)
        }),
        &mut cache,
        T0,
        |_| respond(200, &[("cross-origin-resource-policy", "same-origin")]),
    );
    assert_eq!(t.outcome, Err(CorsError::BlockedByResourcePolicy));
}

// ---------------------------------------------------------------- the transition table

#[test]
fn transitions_stay_within_the_table() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let runs = [
        run(
            fetch("GET", "https://api.example/x", &[], none),
            &mut cache,
            T0,
            permissive("5"),
        ),
        run(
            fetch("PUT", "https://b.example/r0", &[], none),
            &mut cache,
            T0,
            chain(&[(307, "https://c.example/x")]),
        ),
        run(
            fetch("PUT", "https://b.example/q", &[], none),
            &mut cache,
            T0,
            |_| respond(500, &[]),
        ),
        run(
            fetch("GET", "https://app.example/x", &[], |r| {
                r.with_mode(Mode::SameOrigin)
            }),
            &mut cache,
            T0,
            |_| respond(200, &[]),
        ),
        run(
            fetch("GET", "https://b.example/x", &[], |r| {
                r.with_mode(Mode::SameOrigin)
            }),
            &mut cache,
            T0,
            |_| respond(200, &[]),
        ),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for t in &runs {
        for tr in &t.transitions {
            assert!(
                TRANSITIONS.contains(tr),
                "transition {tr:?} is not in TRANSITIONS"
            );
            seen.insert(*tr);
        }
    }
    assert!(
        seen.len() >= 8,
        "the runs above exercise most of the table: {seen:?}"
    );
}

#[test]
fn state_diagram_is_generated_from_the_table() {
    let mut out = String::from(
        "# State diagram of `CorsFetch`\n\nGenerated from `fetch_cors::TRANSITIONS` by the test \
         `state_diagram_is_generated_from_the_table` in `tests/transcripts.rs`; run it with \
         `UPDATE_STATE_DIAGRAM=1` to rewrite this file. Do not edit by hand.\n\n```mermaid\nstateDiagram-v2\n    [*] --> MainFetch\n",
    );
    for (from, input, to) in TRANSITIONS {
        out += &format!("    {from:?} --> {to:?}: {input:?}\n");
    }
    out += "    Done --> [*]\n```\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-notes/state-diagram.md");
    if std::env::var_os("UPDATE_STATE_DIAGRAM").is_some() {
        std::fs::write(path, &out).unwrap();
    }
    let current = std::fs::read_to_string(path).unwrap_or_default();
    assert_eq!(
        current, out,
        "spec-notes/state-diagram.md is stale: rerun with UPDATE_STATE_DIAGRAM=1"
    );
}

#[test]
fn item_022_data_url_is_answered_without_the_network() {
    let mut cache = PreflightCache::new(&Profile::SPEC);
    let headers = http::HeaderMap::new();
    for (url, content_type) in [
        ("data:text/plain,hi", "text/plain"),
        ("data:,hi", "text/plain;charset=US-ASCII"),
        ("data:;base64,aGk=", "text/plain;charset=US-ASCII"),
        ("data:Text/HTML;Charset=UTF-8,x", "text/html;charset=UTF-8"),
    ] {
        let url = url::Url::parse(url).unwrap();
        let req = Request::new(
            &Method::GET,
            std::borrow::Cow::Borrowed(&url),
            &headers,
            &PAGE,
        )
        .unwrap();
        let t = run(
            CorsFetch::new(&req, &Profile::SPEC).unwrap(),
            &mut cache,
            T0,
            |_| unreachable!("no request goes out"),
        );
        let r = t.outcome.unwrap();
        assert_eq!((r.response_type, r.status), (ResponseType::Basic, 200));
        assert_eq!(r.headers["content-type"], content_type, "{url}");
    }
}
