//! One transcript test per profile field added for issue 11's fidelity items: each runs whole
//! fetches through the machine under `Profile::SPEC` with only that field changed, and fails
//! if the field were ignored. The scenario ids in the comments are the browser recordings
//! (`tests/browsers/scenarios/fidelity.jsonl`) that show the behaviour.

use std::num::NonZeroU64;
use std::sync::LazyLock;

use fetch_cors::profile::OpaqueOriginKey;
use fetch_cors::{
    Action, Classification, CorsFetch, Mode, OpaqueOrigin, Origin, OutgoingKind, PreflightCache,
    Profile, RedirectMode, Request, RequestCacheMode, Timestamp, classify_request,
};
use http::{HeaderValue, Method};

static PAGE: LazyLock<Origin> = LazyLock::new(|| Origin::parse("https://app.example").unwrap());

/// One request as it went on the wire: `P`/`R`, method, URL and `Origin`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sent {
    preflight: bool,
    method: String,
    url: String,
    origin: Option<String>,
}

struct Run {
    sent: Vec<Sent>,
    ok: bool,
}

impl Run {
    fn preflights_to(&self, url: &str) -> usize {
        self.sent
            .iter()
            .filter(|s| s.preflight && s.url == url)
            .count()
    }
}

fn header(req: &http::Request<()>, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// A request from `origin`, adjusted by `setup`.
struct Fetch<'a> {
    method: &'a str,
    url: &'a str,
    headers: &'a [(&'a str, &'a str)],
    origin: &'a Origin,
}

fn fetch<'a>(method: &'a str, url: &'a str, headers: &'a [(&'a str, &'a str)]) -> Fetch<'a> {
    Fetch {
        method,
        url,
        headers,
        origin: &PAGE,
    }
}

/// Runs one fetch to the end against `server`.
fn run(
    f: &Fetch<'_>,
    setup: impl FnOnce(Request<'_>) -> Request<'_>,
    profile: &Profile,
    cache: &mut PreflightCache,
    mut server: impl FnMut(&http::Request<()>) -> http::Response<()>,
) -> Run {
    let mut b = http::Request::builder()
        .method(Method::from_bytes(f.method.as_bytes()).unwrap())
        .uri(f.url);
    for (n, v) in f.headers {
        b = b.header(*n, HeaderValue::from_str(v).unwrap());
    }
    let (parts, ()) = b.body(()).unwrap().into_parts();
    let req = setup(Request::from_parts(&parts, f.origin).unwrap());
    let mut machine = CorsFetch::new(&req, profile).unwrap();
    let mut sent = Vec::new();
    let outcome = loop {
        match machine.poll(cache, Timestamp::ZERO) {
            Action::Send(out) => {
                let r = &out.request;
                sent.push(Sent {
                    preflight: out.kind == OutgoingKind::Preflight,
                    method: r.method().to_string(),
                    url: r.uri().to_string(),
                    origin: header(r, "origin"),
                });
                let response = server(r);
                machine
                    .handle_response(&response, cache, Timestamp::ZERO)
                    .unwrap();
            }
            Action::Wait => panic!("nothing outstanding, yet Wait"),
            Action::Done(outcome) => break outcome,
            _ => unreachable!("an action this driver does not know"),
        }
    };
    Run {
        sent,
        ok: outcome.is_ok(),
    }
}

fn respond(status: u16, headers: &[(&str, &str)]) -> http::Response<()> {
    let mut b = http::Response::builder().status(status);
    for (n, v) in headers {
        b = b.header(*n, HeaderValue::from_str(v).unwrap());
    }
    b.body(()).unwrap()
}

/// Reflects the `Origin` and allows whatever is asked, for 60 s; `redirects` maps a URL to
/// (status, Location) for the request (not the preflight).
fn server(
    redirects: &'static [(&'static str, u16, &'static str)],
) -> impl FnMut(&http::Request<()>) -> http::Response<()> {
    move |req| {
        let origin = header(req, "origin").unwrap_or_else(|| "*".into());
        if req.method() == Method::OPTIONS {
            let mut h = vec![
                ("access-control-allow-origin", origin.clone()),
                ("access-control-max-age", "60".to_owned()),
            ];
            if let Some(m) = header(req, "access-control-request-method") {
                h.push(("access-control-allow-methods", m));
            }
            if let Some(a) = header(req, "access-control-request-headers") {
                h.push(("access-control-allow-headers", a));
            }
            let h: Vec<(&str, &str)> = h.iter().map(|(n, v)| (*n, v.as_str())).collect();
            return respond(204, &h);
        }
        let url = req.uri().to_string();
        let acao = ("access-control-allow-origin", origin.as_str());
        match redirects.iter().find(|(from, _, _)| *from == url) {
            Some((_, status, to)) => respond(*status, &[acao, ("location", to)]),
            None => respond(200, &[acao]),
        }
    }
}

fn none(r: Request<'_>) -> Request<'_> {
    r
}

/// `fidelity-2-tainted-twice`: B redirects to C, which the tainted request preflights.
const B_TO_C: &[(&str, u16, &str)] = &[("https://b.example/r", 302, "https://c.example/r")];

/// The C-hop preflights of the B->C fetch made twice under `profile`.
fn tainted_twice(profile: &Profile) -> [usize; 2] {
    let mut cache = PreflightCache::new(profile);
    let f = fetch("GET", "https://b.example/r", &[("x-t", "1")]);
    [0, 1].map(|_| {
        let r = run(&f, none, profile, &mut cache, server(B_TO_C));
        assert!(r.ok);
        r.preflights_to("https://c.example/r")
    })
}

#[test]
fn opaque_origin_key_identity_makes_each_tainted_request_its_own_origin() {
    // The standard keys by the serialization, `null`: the second tainted hop reuses.
    assert_eq!(tainted_twice(&Profile::SPEC), [1, 0]);
    let mut identity = Profile::SPEC;
    identity.cache.opaque_origin_key = OpaqueOriginKey::Identity;
    assert_eq!(tainted_twice(&identity), [1, 1]);
    // The engines as recorded: Firefox reuses, Chromium and WebKit do not.
    assert_eq!(tainted_twice(&Profile::FIREFOX), [1, 0]);
    assert_eq!(tainted_twice(&Profile::CHROMIUM), [1, 1]);
    assert_eq!(tainted_twice(&Profile::WEBKIT), [1, 1]);
}

#[test]
fn opaque_origin_key_identity_keeps_one_frame_and_separates_two() {
    // `fidelity-2-frame-twice-c`, `fidelity-2-frame-tainted-twice`: one sandboxed frame is
    // one opaque origin; another frame is another.
    let frame = |id: u64| Origin::from(OpaqueOrigin::with_id(NonZeroU64::new(id).unwrap()));
    let (one, two) = (frame(1), frame(2));
    let preflights = |profile: &Profile, second: &Origin| {
        let mut cache = PreflightCache::new(profile);
        [&one, second].map(|origin| {
            let f = Fetch {
                origin,
                ..fetch("GET", "https://c.example/r", &[("x-t", "1")])
            };
            run(&f, none, profile, &mut cache, server(&[])).preflights_to("https://c.example/r")
        })
    };
    let mut identity = Profile::SPEC;
    identity.cache.opaque_origin_key = OpaqueOriginKey::Identity;
    assert_eq!(preflights(&identity, &one), [1, 0]);
    assert_eq!(preflights(&identity, &two), [1, 1]);
    // Keyed by `null`, two frames share entries.
    assert_eq!(preflights(&Profile::SPEC, &two), [1, 0]);
}

#[test]
fn reuse_for_opaque_origins_covers_redirect_tainted_requests() {
    // `fidelity-2-tainted-twice` (Chromium): a tainted requester is an opaque origin too.
    let mut never = Profile::SPEC;
    never.cache.reuse_for_opaque_origins = false;
    assert_eq!(tainted_twice(&never), [1, 1]);
}

#[test]
fn preflight_flag_needs_method_entry_decides_the_upload_lookup() {
    // `fidelity-8-put-then-xhr-upload-bp`: a PUT entry, then a POST with the flag.
    let counts = |profile: &Profile, max_age_zero: bool| {
        let mut cache = PreflightCache::new(profile);
        let put = fetch("PUT", "https://b.example/r", &[]);
        let mut srv = server(&[]);
        let first = run(&put, none, profile, &mut cache, |r: &http::Request<()>| {
            let mut resp = srv(r);
            if max_age_zero {
                resp.headers_mut()
                    .insert("access-control-max-age", HeaderValue::from_static("0"));
            }
            resp
        });
        assert_eq!(first.preflights_to("https://b.example/r"), 1);
        let post = fetch("POST", "https://b.example/r", &[]);
        run(
            &post,
            |r| r.with_use_cors_preflight(true),
            profile,
            &mut cache,
            server(&[]),
        )
        .preflights_to("https://b.example/r")
    };
    assert_eq!(counts(&Profile::SPEC, false), 1);
    let mut any_entry = Profile::SPEC;
    any_entry.cache.preflight_flag_needs_method_entry = false;
    assert_eq!(counts(&any_entry, false), 0);
    // No live entry, no cover (`fidelity-8-put-max-age-0-then-xhr-upload-bp`).
    assert_eq!(counts(&any_entry, true), 1);
    for engine in [Profile::CHROMIUM, Profile::FIREFOX, Profile::WEBKIT] {
        assert_eq!(counts(&engine, false), 0, "{:?}", engine.engine);
    }
}

/// PUT cached; PUT again under redirect mode `error`, answered 307; then the preflights a
/// third PUT sends.
fn after_redirect_error(profile: &Profile) -> usize {
    let mut cache = PreflightCache::new(profile);
    let put = fetch("PUT", "https://b.example/r", &[]);
    assert!(run(&put, none, profile, &mut cache, server(&[])).ok);
    let failed = run(
        &put,
        |r| r.with_redirect(RedirectMode::Error),
        profile,
        &mut cache,
        server(&[("https://b.example/r", 307, "https://b.example/s")]),
    );
    assert!(!failed.ok);
    run(&put, none, profile, &mut cache, server(&[])).preflights_to("https://b.example/r")
}

#[test]
fn clear_on_redirect_mode_error_decides_whether_the_entry_survives() {
    // `fidelity-6-redirect-error-bp`: the standard clears; every engine keeps it.
    assert_eq!(after_redirect_error(&Profile::SPEC), 1);
    let mut keep = Profile::SPEC;
    keep.cache.clear_on_redirect_mode_error = false;
    assert_eq!(after_redirect_error(&keep), 0);
    // Firefox clears after an actual failure, but not this one.
    assert_eq!(after_redirect_error(&Profile::FIREFOX), 0);
}

#[test]
fn no_store_for_cache_modes_stores_nothing() {
    // `fidelity-9-no-store-delete-then-put-bp`: a no-store preflight is not kept.
    let second = |profile: &Profile, mode: RequestCacheMode| {
        let mut cache = PreflightCache::new(profile);
        let put = fetch("PUT", "https://b.example/r", &[]);
        run(
            &put,
            |r| r.with_cache_mode(mode),
            profile,
            &mut cache,
            server(&[]),
        );
        run(&put, none, profile, &mut cache, server(&[])).preflights_to("https://b.example/r")
    };
    assert_eq!(second(&Profile::SPEC, RequestCacheMode::NoStore), 0);
    let mut no_store = Profile::SPEC;
    no_store.cache.no_store_for_cache_modes = &[RequestCacheMode::NoStore];
    assert_eq!(second(&no_store, RequestCacheMode::NoStore), 1);
    assert_eq!(second(&no_store, RequestCacheMode::Reload), 0);
    assert_eq!(second(&Profile::CHROMIUM, RequestCacheMode::NoStore), 1);
    // `fidelity-9-reload-delete-then-put-bp`: reload bypasses the lookup but stores.
    assert_eq!(second(&Profile::CHROMIUM, RequestCacheMode::Reload), 0);
}

#[test]
fn origin_kept_after_method_rewrite_sends_origin_on_the_same_origin_get() {
    // `fidelity-3-put-303-a-a`: PUT to the page's origin, 303 to the same origin.
    const A_TO_A: &[(&str, u16, &str)] =
        &[("https://app.example/r", 303, "https://app.example/done")];
    let origins = |profile: &Profile| {
        let mut cache = PreflightCache::new(profile);
        let put = fetch("PUT", "https://app.example/r", &[]);
        let r = run(&put, none, profile, &mut cache, server(A_TO_A));
        assert!(r.ok);
        r.sent
            .iter()
            .map(|s| (s.method.clone(), s.origin.clone()))
            .collect::<Vec<_>>()
    };
    let page = Some("https://app.example".to_owned());
    assert_eq!(
        origins(&Profile::SPEC),
        [("PUT".into(), page.clone()), ("GET".into(), None)]
    );
    let mut keep = Profile::SPEC;
    keep.redirect.origin_kept_after_method_rewrite = true;
    assert_eq!(
        origins(&keep),
        [("PUT".into(), page.clone()), ("GET".into(), page.clone())]
    );
    assert_eq!(origins(&Profile::WEBKIT)[1], ("GET".into(), page));
}

#[test]
fn cross_origin_delete_becomes_get_on_every_redirect_status() {
    // `fidelity-4-delete-308-b-c` (cross-origin) and `fidelity-4-delete-308-b-b` (not).
    let methods = |profile: &Profile, redirects: &'static [(&'static str, u16, &'static str)]| {
        let mut cache = PreflightCache::new(profile);
        let del = fetch("DELETE", "https://b.example/r", &[]);
        let r = run(&del, none, profile, &mut cache, server(redirects));
        assert!(r.ok);
        r.sent
            .iter()
            .filter(|s| !s.preflight)
            .map(|s| s.method.clone())
            .collect::<Vec<_>>()
    };
    let mut rewrite = Profile::SPEC;
    rewrite.redirect.cross_origin_delete_becomes_get = true;
    for status in [301, 302, 307, 308] {
        let cross: &'static [(&str, u16, &str)] = match status {
            301 => &[("https://b.example/r", 301, "https://c.example/r")],
            302 => &[("https://b.example/r", 302, "https://c.example/r")],
            307 => &[("https://b.example/r", 307, "https://c.example/r")],
            _ => &[("https://b.example/r", 308, "https://c.example/r")],
        };
        assert_eq!(methods(&Profile::SPEC, cross), ["DELETE", "DELETE"]);
        assert_eq!(methods(&rewrite, cross), ["DELETE", "GET"], "{status}");
        assert_eq!(methods(&Profile::WEBKIT, cross), ["DELETE", "GET"]);
    }
    const SAME: &[(&str, u16, &str)] = &[("https://b.example/r", 308, "https://b.example/s")];
    assert_eq!(methods(&rewrite, SAME), ["DELETE", "DELETE"]);
}

#[test]
fn extra_forbidden_request_headers_reject_user_agent_in_chromium() {
    // `fidelity-7-ua-get-b`: Chromium's guard drops it; the others preflight for it.
    let (parts, ()) = http::Request::get("https://b.example/r")
        .header("user-agent", "bot/1")
        .body(())
        .unwrap()
        .into_parts();
    let req = Request::from_parts(&parts, &PAGE).unwrap();
    assert!(matches!(
        classify_request(&req, &Profile::CHROMIUM),
        Classification::Rejected(_)
    ));
    assert!(CorsFetch::new(&req, &Profile::CHROMIUM).is_err());
    for profile in [Profile::SPEC, Profile::FIREFOX, Profile::WEBKIT] {
        let Classification::CorsWithPreflight(need) = classify_request(&req, &profile) else {
            panic!("{:?} preflights a User-Agent", profile.engine);
        };
        let names: Vec<&str> = need.unsafe_headers.iter().map(|n| n.as_str()).collect();
        assert_eq!(names, ["user-agent"]);
    }
    let mut spec = Profile::SPEC;
    spec.safelist.extra_forbidden_request_headers = &["user-agent"];
    assert!(matches!(
        classify_request(&req, &spec),
        Classification::Rejected(_)
    ));
}

#[test]
fn corp_same_site_matches_ip_hosts_decides_ip_literal_same_site() {
    // `fidelity-10-corp-same-site-b`: no-cors to the same IP on another port.
    let page = Origin::parse("http://127.0.0.1:8801").unwrap();
    let ok = |profile: &Profile, url: &str| {
        let f = Fetch {
            origin: &page,
            ..fetch("GET", url, &[])
        };
        let mut cache = PreflightCache::new(profile);
        run(
            &f,
            |r| r.with_mode(Mode::NoCors),
            profile,
            &mut cache,
            |_: &http::Request<()>| respond(200, &[("cross-origin-resource-policy", "same-site")]),
        )
        .ok
    };
    assert!(ok(&Profile::SPEC, "http://127.0.0.1:8802/r"));
    let mut strict = Profile::SPEC;
    strict.corp_same_site_matches_ip_hosts = false;
    assert!(!ok(&strict, "http://127.0.0.1:8802/r"));
    assert!(!ok(&Profile::CHROMIUM, "http://127.0.0.1:8802/r"));
    assert!(ok(&Profile::FIREFOX, "http://127.0.0.1:8802/r"));
}

#[test]
fn preflight_again_after_redirect_counts_a_cached_first_hop() {
    // `fidelity-5-put-303-c-cached`: B's preflight came from the cache; C (GET, simple) is
    // still preflighted.
    const B_303_C: &[(&str, u16, &str)] = &[("https://b.example/r", 303, "https://c.example/r")];
    let second = |profile: &Profile| {
        let mut cache = PreflightCache::new(profile);
        let put = fetch("PUT", "https://b.example/r", &[]);
        assert!(run(&put, none, profile, &mut cache, server(&[])).ok);
        let r = run(&put, none, profile, &mut cache, server(B_303_C));
        assert!(r.ok);
        (
            r.preflights_to("https://b.example/r"),
            r.preflights_to("https://c.example/r"),
        )
    };
    assert_eq!(second(&Profile::SPEC), (0, 0));
    let mut again = Profile::SPEC;
    again.redirect.preflight_again_after_redirect = true;
    assert_eq!(second(&again), (0, 1));
    assert_eq!(second(&Profile::FIREFOX), (0, 1));
    assert_eq!(second(&Profile::WEBKIT), (0, 1));
    assert_eq!(second(&Profile::CHROMIUM), (0, 0));
}

/// A credentialed `PUT` answered `Access-Control-Allow-Methods: PUT, *` with credentials
/// allowed (it passes; `*` is a literal for it), then a `DELETE` in `second`'s credentials
/// mode: the preflights that `DELETE` sends.
fn delete_after_credentialed_star(profile: &Profile, second: fetch_cors::CredentialsMode) -> usize {
    use fetch_cors::CredentialsMode;
    let mut cache = PreflightCache::new(profile);
    let star = |req: &http::Request<()>| {
        let origin = header(req, "origin").unwrap();
        let mut h = vec![
            ("access-control-allow-origin", origin.as_str()),
            ("access-control-allow-credentials", "true"),
        ];
        if req.method() == Method::OPTIONS {
            h.push(("access-control-allow-methods", "PUT, *"));
            h.push(("access-control-max-age", "60"));
        }
        respond(
            if req.method() == Method::OPTIONS {
                204
            } else {
                200
            },
            &h,
        )
    };
    let put = fetch("PUT", "https://b.example/r", &[]);
    let include = run(
        &put,
        |r| r.with_credentials(CredentialsMode::Include),
        profile,
        &mut cache,
        star,
    );
    assert!(include.ok);
    let delete = fetch("DELETE", "https://b.example/r", &[]);
    run(
        &delete,
        |r| r.with_credentials(second),
        profile,
        &mut cache,
        server(&[]),
    )
    .preflights_to("https://b.example/r")
}

#[test]
fn wildcard_by_request_credentials_lets_a_credentialed_star_serve_uncredentialed_requests() {
    use fetch_cors::CredentialsMode::{Include, Omit, SameOrigin};
    // `fidelity-14-star-method-cred-pass-then-omit-bp`: WebKit sends no second preflight.
    assert_eq!(delete_after_credentialed_star(&Profile::SPEC, Omit), 1);
    let mut by_request = Profile::SPEC;
    by_request.cache.wildcard_by_request_credentials = true;
    assert_eq!(delete_after_credentialed_star(&by_request, Omit), 0);
    assert_eq!(delete_after_credentialed_star(&by_request, SameOrigin), 0);
    // `fidelity-14-star-method-cred-fail-then-include-bp`: under credentials it stays literal.
    assert_eq!(delete_after_credentialed_star(&by_request, Include), 1);
    assert_eq!(delete_after_credentialed_star(&Profile::WEBKIT, Omit), 0);
    assert_eq!(delete_after_credentialed_star(&Profile::CHROMIUM, Omit), 1);
}
