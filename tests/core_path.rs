//! The core path in pieces: the stateless steps (`http_fetch`, `http_redirect_fetch`) give the
//! machine's answers when called without it, the machine records what it decided per hop, a
//! transport failure is an input, and each outgoing request says whether the body goes.

use std::borrow::Cow;

use fetch_cors::http_fetch::{self, FailedAt, HttpResponse};
use fetch_cors::http_redirect_fetch::{
    BodyAction, Location, RedirectSwitch, http_redirect_fetch, location, redirect_switch,
};
use fetch_cors::{
    Action, ApiMisuse, Blame, Classification, CorsError, CorsFetch, FetchHistory, Hop,
    OutgoingKind, PreflightCache, PreflightUse, Profile, RedirectMode, Request, ResponseHead,
    ResponseTainting, StateKind, Timestamp, classify_request, corp::EmbedderPolicy,
};
use fetch_cors::{Origin, RedirectTaint};
use http::{HeaderMap, HeaderValue, Method};
use url::Url;

fn page() -> Origin {
    Origin::parse("https://app.example").unwrap()
}

fn response(status: u16, headers: &[(&str, &str)]) -> http::Response<()> {
    let mut b = http::Response::builder().status(status);
    for (n, v) in headers {
        b = b.header(*n, *v);
    }
    b.body(()).unwrap()
}

const ACAO: (&str, &str) = ("access-control-allow-origin", "https://app.example");

/// A server that grants `PUT` to the page for `max_age` seconds and answers every request.
fn put_server(max_age: &'static str) -> impl Fn(&http::Request<()>) -> http::Response<()> + Copy {
    move |req| {
        if req.method() == Method::OPTIONS {
            response(
                204,
                &[
                    ACAO,
                    ("access-control-allow-methods", "PUT"),
                    ("access-control-max-age", max_age),
                ],
            )
        } else {
            response(200, &[ACAO])
        }
    }
}

/// Drives a fetch against `server`, returning the outgoing requests and the outcome.
fn drive(
    fetch: &mut CorsFetch,
    cache: &mut PreflightCache,
    mut server: impl FnMut(&http::Request<()>) -> http::Response<()>,
) -> (
    Vec<(OutgoingKind, Method, String, BodyAction)>,
    fetch_cors::Outcome,
) {
    let mut sent = Vec::new();
    loop {
        match fetch.poll(cache, Timestamp::ZERO) {
            Action::Send(out) => {
                sent.push((
                    out.kind,
                    out.request.method().clone(),
                    out.request.uri().to_string(),
                    out.body,
                ));
                let answer = server(&out.request);
                fetch
                    .handle_response(&answer, cache, Timestamp::ZERO)
                    .unwrap();
            }
            Action::Wait => panic!("every request is answered at once"),
            Action::Done(outcome) => return (sent, outcome),
            _ => unreachable!("an action this driver does not know"),
        }
    }
}

#[test]
fn hops_record_what_was_decided_including_cache_hits() {
    let page = page();
    let profile = Profile::SPEC;
    let mut cache = PreflightCache::new(&profile);
    let (parts, ()) = http::Request::put("https://api.example/x")
        .body(())
        .unwrap()
        .into_parts();
    let request = Request::from_parts(&parts, &page).unwrap();
    let server = put_server("60");
    let mut first = CorsFetch::new(&request, &profile).unwrap();
    let (sent, outcome) = drive(&mut first, &mut cache, server);
    assert!(outcome.is_ok());
    assert_eq!(sent.len(), 2);
    assert_eq!(first.hops().len(), 1);
    let hop: &Hop = &first.hops()[0];
    assert_eq!(hop.index, 0);
    assert_eq!(hop.tainting, ResponseTainting::Cors);
    assert_eq!(hop.preflight, PreflightUse::Sent);
    assert!(first.request().history().preflight_sent);

    let mut second = CorsFetch::new(&request, &profile).unwrap();
    let (sent, outcome) = drive(&mut second, &mut cache, server);
    assert!(outcome.is_ok());
    assert_eq!(sent.len(), 1, "the cache covered the preflight");
    assert_eq!(second.hops()[0].preflight, PreflightUse::ServedFromCache);
    assert!(second.request().history().preflight_branch);
    assert!(!second.request().history().preflight_sent);

    let (get, ()) = http::Request::get("https://api.example/x")
        .body(())
        .unwrap()
        .into_parts();
    let simple = Request::from_parts(&get, &page).unwrap();
    let mut third = CorsFetch::new(&simple, &profile).unwrap();
    let _ = drive(&mut third, &mut cache, server);
    assert_eq!(third.hops()[0].preflight, PreflightUse::NotNeeded);
}

#[test]
fn a_redirect_adds_a_hop_and_a_303_drops_the_body() {
    let page = page();
    let profile = Profile::SPEC;
    let mut cache = PreflightCache::new(&profile);
    let (parts, ()) = http::Request::post("https://api.example/form")
        .header("content-type", "text/plain")
        .body(())
        .unwrap()
        .into_parts();
    let request = Request::from_parts(&parts, &page).unwrap();
    let mut fetch = CorsFetch::new(&request, &profile).unwrap();
    let (sent, outcome) = drive(&mut fetch, &mut cache, |req| {
        if req.uri().path() == "/form" {
            response(303, &[ACAO, ("location", "/done")])
        } else {
            response(200, &[ACAO])
        }
    });
    assert!(outcome.is_ok());
    assert_eq!(
        sent.iter()
            .map(|(_, m, u, b)| (m.as_str(), u.as_str(), *b))
            .collect::<Vec<_>>(),
        [
            ("POST", "https://api.example/form", BodyAction::Keep),
            ("GET", "https://api.example/done", BodyAction::Drop),
        ]
    );
    assert_eq!(fetch.hops().len(), 2);
    assert_eq!(fetch.hops()[1].index, 1);
    assert!(fetch.request().headers().get("content-type").is_none());

    // A 307 keeps the method and the body.
    let mut fetch = CorsFetch::new(&request, &profile).unwrap();
    let (sent, _) = drive(&mut fetch, &mut cache, |req| {
        if req.uri().path() == "/form" {
            response(307, &[ACAO, ("location", "/again")])
        } else {
            response(200, &[ACAO])
        }
    });
    assert_eq!(sent[1].1, Method::POST);
    assert_eq!(sent[1].3, BodyAction::Keep);
    // A preflight never carries the body.
    let (put, ()) = http::Request::put("https://api.example/x")
        .body(())
        .unwrap()
        .into_parts();
    let put = Request::from_parts(&put, &page).unwrap();
    let mut fetch = CorsFetch::new(&put, &profile).unwrap();
    let (sent, _) = drive(&mut fetch, &mut PreflightCache::new(&profile), |_| {
        response(200, &[ACAO, ("access-control-allow-methods", "PUT")])
    });
    assert_eq!(sent[0].0, OutgoingKind::Preflight);
    assert_eq!(sent[0].3, BodyAction::Drop);
    assert_eq!(sent[1].3, BodyAction::Keep);
}

#[test]
fn a_network_failure_ends_the_fetch_and_clears_the_preflight_entries() {
    let page = page();
    let profile = Profile::SPEC;
    let mut cache = PreflightCache::new(&profile);
    let (parts, ()) = http::Request::put("https://api.example/x")
        .body(())
        .unwrap()
        .into_parts();
    let request = Request::from_parts(&parts, &page).unwrap();
    let server = put_server("600");
    let mut warm = CorsFetch::new(&request, &profile).unwrap();
    assert!(drive(&mut warm, &mut cache, server).1.is_ok());
    assert_eq!(cache.len(), 1);

    // The next fetch is served from the cache; its request then fails on the network.
    let mut fetch = CorsFetch::new(&request, &profile).unwrap();
    assert_eq!(
        fetch.handle_network_error(&mut cache),
        Err(ApiMisuse::NoResponseExpected {
            state: StateKind::MainFetch
        })
    );
    let Action::Send(out) = fetch.poll(&mut cache, Timestamp::ZERO) else {
        panic!("the request goes out")
    };
    assert_eq!(out.kind, OutgoingKind::Request);
    fetch.handle_network_error(&mut cache).unwrap();
    let Action::Done(Err(error)) = fetch.poll(&mut cache, Timestamp::ZERO) else {
        panic!("a network error")
    };
    assert_eq!(error, CorsError::NetworkFailure);
    assert_eq!(error.blame(), Blame::Network);
    assert!(cache.is_empty(), "main fetch step 12 cleared the entries");

    // So the fetch after it is preflighted again.
    let mut again = CorsFetch::new(&request, &profile).unwrap();
    let (sent, _) = drive(&mut again, &mut cache, server);
    assert_eq!(sent[0].0, OutgoingKind::Preflight);

    // A simple request's failure touches no entry.
    let (get, ()) = http::Request::get("https://api.example/x")
        .body(())
        .unwrap()
        .into_parts();
    let simple = Request::from_parts(&get, &page).unwrap();
    let mut fetch = CorsFetch::new(&simple, &profile).unwrap();
    let _ = fetch.poll(&mut cache, Timestamp::ZERO);
    fetch.handle_network_error(&mut cache).unwrap();
    assert_eq!(cache.len(), 1);
}

#[test]
fn the_request_carries_accept_when_the_page_set_none() {
    let page = page();
    let profile = Profile::SPEC;
    let mut cache = PreflightCache::new(&profile);
    for (accept, want) in [
        (None, "*/*"),
        (Some("application/json"), "application/json"),
    ] {
        let mut b = http::Request::get("https://api.example/x");
        if let Some(a) = accept {
            b = b.header("accept", a);
        }
        let (parts, ()) = b.body(()).unwrap().into_parts();
        let request = Request::from_parts(&parts, &page).unwrap();
        let mut fetch = CorsFetch::new(&request, &profile).unwrap();
        let Action::Send(out) = fetch.poll(&mut cache, Timestamp::ZERO) else {
            panic!("sent")
        };
        assert_eq!(out.request.headers()["accept"], want);
        assert_eq!(out.request.headers()["origin"], "https://app.example");
    }
}

/// HTTP-redirect fetch called directly gives what the machine then does.
#[test]
fn http_redirect_fetch_without_the_machine() {
    let page = page();
    let profile = Profile::SPEC;
    let mut headers = HeaderMap::new();
    headers.insert("authorization", HeaderValue::from_static("Bearer x"));
    headers.insert("content-type", HeaderValue::from_static("text/plain"));
    let url = Url::parse("https://a.example/start#frag").unwrap();
    let request = Request::new(&Method::POST, Cow::Borrowed(&url), &headers, &page)
        .unwrap()
        .with_tainting(ResponseTainting::Cors);
    let answer = response(302, &[("location", "https://b.example/next")]);
    let head = ResponseHead::from(&answer);
    assert_eq!(
        redirect_switch(&request, &head, &profile),
        RedirectSwitch::Follow
    );
    let target = location(&head, &profile);
    assert_eq!(target, Location::Value("https://b.example/next".into()));
    let redirect = http_redirect_fetch(&request, &head, &target, &profile).unwrap();
    // The fragment is inherited, POST becomes GET without its body headers, Authorization does
    // not cross origins, and the URL list now leaves the page's origin twice: cross-site.
    assert_eq!(redirect.url.as_str(), "https://b.example/next#frag");
    assert_eq!(redirect.method, Method::GET);
    assert_eq!(redirect.body, BodyAction::Drop);
    let removed: Vec<&str> = redirect
        .removed_headers
        .iter()
        .map(|n| n.as_str())
        .collect();
    assert_eq!(removed, ["content-type", "authorization"]);
    assert_eq!(redirect.redirect_taint, RedirectTaint::CrossSite);

    // The redirect-mode switch.
    let error = request.clone().with_redirect(RedirectMode::Error);
    assert_eq!(
        redirect_switch(&error, &head, &profile),
        RedirectSwitch::Error
    );
    let manual = request.clone().with_redirect(RedirectMode::Manual);
    assert_eq!(
        redirect_switch(&manual, &head, &profile),
        RedirectSwitch::Manual
    );
    let bare = response(302, &[]);
    let bare = ResponseHead::from(&bare);
    assert_eq!(
        redirect_switch(&request, &bare, &profile),
        RedirectSwitch::NotARedirect
    );
    // Chromium returns a bare 3xx under mode "error"; the standard fails it.
    assert_eq!(
        redirect_switch(&error, &bare, &profile),
        RedirectSwitch::Error
    );
    assert_eq!(
        redirect_switch(&error, &bare, &Profile::CHROMIUM),
        RedirectSwitch::NotARedirect
    );

    // The limit: a request that has followed 20 redirects may not follow another.
    let tired = request
        .clone()
        .with_redirects(RedirectTaint::SameOrigin, 20);
    assert_eq!(
        http_redirect_fetch(&tired, &head, &target, &profile),
        Err(CorsError::TooManyRedirects)
    );
}

/// HTTP fetch's steps called directly: the preflight step against a cache, the preflight's
/// answer, and the response checks.
#[test]
fn http_fetch_without_the_machine() {
    let page = page();
    let profile = Profile::SPEC;
    let mut cache = PreflightCache::new(&profile);
    let headers = HeaderMap::new();
    let url = Url::parse("https://api.example/x").unwrap();
    let request = Request::new(&Method::DELETE, Cow::Borrowed(&url), &headers, &page).unwrap();
    let Classification::CorsWithPreflight(need) = classify_request(&request, &profile) else {
        panic!("a DELETE is preflighted")
    };
    let preflight =
        http_fetch::preflight_step(&request, &need, &mut cache, "p", Timestamp::ZERO, &profile)
            .expect("the cache is empty")
            .expect("the preflight can be built");
    assert_eq!(preflight.method(), Method::OPTIONS);
    assert_eq!(
        preflight.headers()["access-control-request-method"],
        "DELETE"
    );

    // A rejecting answer fails where the preflight failed and stores nothing.
    let no = response(204, &[ACAO, ("access-control-allow-methods", "PUT")]);
    let failure = http_fetch::handle_preflight_response(
        &request,
        &need.unsafe_headers,
        ResponseHead::from(&no),
        &mut cache,
        "p",
        Timestamp::ZERO,
        &profile,
    )
    .unwrap_err();
    assert_eq!(failure.at, FailedAt::Preflight);
    assert!(failure.at.clears_preflight_cache(&profile));
    assert!(cache.is_empty());
    // WebKit stores first, so its rejection leaves the entry and does not clear it.
    let mut webkit_cache = PreflightCache::new(&Profile::WEBKIT);
    let failure = http_fetch::handle_preflight_response(
        &request,
        &need.unsafe_headers,
        ResponseHead::from(&no),
        &mut webkit_cache,
        "p",
        Timestamp::ZERO,
        &Profile::WEBKIT,
    )
    .unwrap_err();
    assert_eq!(failure.at, FailedAt::PreflightStoredFirst);
    assert!(!failure.at.clears_preflight_cache(&Profile::WEBKIT));
    assert_eq!(webkit_cache.len(), 1);

    // An accepting answer is stored, and the next lookup is covered.
    let yes = response(
        204,
        &[
            ACAO,
            ("access-control-allow-methods", "DELETE"),
            ("access-control-max-age", "60"),
        ],
    );
    http_fetch::handle_preflight_response(
        &request,
        &need.unsafe_headers,
        ResponseHead::from(&yes),
        &mut cache,
        "p",
        Timestamp::ZERO,
        &profile,
    )
    .unwrap();
    assert!(
        http_fetch::preflight_step(&request, &need, &mut cache, "p", Timestamp::ZERO, &profile)
            .is_none()
    );

    // The response: a CORS request whose tainting main fetch set.
    let request = request.clone().with_tainting(ResponseTainting::Cors);
    let ok = response(200, &[ACAO, ("x-secret", "1")]);
    let Ok(HttpResponse::Final(exposure)) = http_fetch::handle_response(
        &request,
        ResponseHead::from(&ok),
        EmbedderPolicy::UnsafeNone,
        &profile,
    ) else {
        panic!("the response passes")
    };
    assert!(
        exposure.cors_ok().is_some(),
        "a CORS exposure holds its proof"
    );
    assert_eq!(exposure.readable_names().count(), 0);
    let denied = response(200, &[]);
    let failure = http_fetch::handle_response(
        &request,
        ResponseHead::from(&denied),
        EmbedderPolicy::UnsafeNone,
        &profile,
    )
    .unwrap_err();
    assert_eq!(failure.at, FailedAt::Response);
    assert!(matches!(
        failure.error,
        CorsError::MissingAllowOrigin { .. }
    ));
    // Chromium keeps the entries after the actual response fails; the standard clears them.
    assert!(failure.at.clears_preflight_cache(&Profile::SPEC));
    assert!(!failure.at.clears_preflight_cache(&Profile::CHROMIUM));
    // A redirect is followed through HTTP-redirect fetch.
    let moved = response(301, &[ACAO, ("location", "/y")]);
    let Ok(HttpResponse::Redirect(redirect)) = http_fetch::handle_response(
        &request,
        ResponseHead::from(&moved),
        EmbedderPolicy::UnsafeNone,
        &profile,
    ) else {
        panic!("a redirect")
    };
    assert_eq!(redirect.url.as_str(), "https://api.example/y");
}

/// A request that earlier hops tainted is checked against what the history says: the
/// `FetchHistory` makes the engine rules callable without the machine.
#[test]
fn fetch_history_drives_the_redirect_rules() {
    let history = FetchHistory {
        started_same_origin: true,
        ..FetchHistory::default()
    };
    assert!(history.first_hop_credentialed(fetch_cors::CredentialsMode::SameOrigin));
    assert!(
        !FetchHistory::default().first_hop_credentialed(fetch_cors::CredentialsMode::SameOrigin)
    );
    assert!(FetchHistory::default().first_hop_credentialed(fetch_cors::CredentialsMode::Include));
    assert!(!history.first_hop_credentialed(fetch_cors::CredentialsMode::Omit));
}

/// An element's request goes through the machine with its initiator's mode, credentials and
/// `Accept`, and redirects follow the same rules as for `fetch()`.
#[test]
fn element_requests_through_the_machine() {
    use fetch_cors::{CredentialsMode, Initiator, Mode, ResponseType};
    let page = page();
    let profile = Profile::SPEC;
    let mut cache = PreflightCache::new(&profile);
    let (parts, ()) = http::Request::get("https://cdn.example/a.png")
        .body(())
        .unwrap()
        .into_parts();
    // <img> without crossorigin: no-cors, cookies included, an opaque result the page cannot read.
    let img = Initiator::Image { crossorigin: None };
    let request = Request::from_parts(&parts, &page)
        .unwrap()
        .with_initiator(&img, &profile);
    assert_eq!(request.mode(), Mode::NoCors);
    let mut fetch = CorsFetch::new(&request, &profile).unwrap();
    let Action::Send(out) = fetch.poll(&mut cache, Timestamp::ZERO) else {
        panic!("sent")
    };
    assert!(out.include_credentials);
    assert_eq!(
        out.request.headers()["accept"],
        "image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"
    );
    assert!(
        out.request.headers().get("origin").is_none(),
        "a no-cors GET has no Origin"
    );
    fetch
        .handle_response(&response(200, &[]), &mut cache, Timestamp::ZERO)
        .unwrap();
    let Action::Done(Ok(seen)) = fetch.poll(&mut cache, Timestamp::ZERO) else {
        panic!("done")
    };
    assert_eq!(seen.response_type, ResponseType::Opaque);
    assert!(
        !img.page_can_read(seen.response_type, &profile),
        "the canvas would be tainted"
    );

    // <img crossorigin=anonymous>, redirected to another origin: the second hop is CORS-checked
    // with the tainted origin `null`.
    let anon = Initiator::Image {
        crossorigin: Some("anonymous"),
    };
    let request = Request::from_parts(&parts, &page)
        .unwrap()
        .with_initiator(&anon, &profile);
    assert_eq!(request.credentials_mode(), CredentialsMode::SameOrigin);
    let mut fetch = CorsFetch::new(&request, &profile).unwrap();
    let mut origins = Vec::new();
    let (_, outcome) = drive(&mut fetch, &mut cache, |req| {
        origins.push(
            req.headers()
                .get("origin")
                .map(|v| v.to_str().unwrap().to_owned()),
        );
        if req.uri().host() == Some("cdn.example") {
            response(302, &[ACAO, ("location", "https://img.other/a.png")])
        } else {
            response(200, &[("access-control-allow-origin", "null")])
        }
    });
    let seen = outcome.unwrap();
    assert_eq!(seen.response_type, ResponseType::Cors);
    assert!(anon.page_can_read(seen.response_type, &profile));
    assert_eq!(
        origins,
        [
            Some("https://app.example".to_owned()),
            Some("null".to_owned())
        ]
    );
}
