//! One transcript test per profile field added for the holdout's later-hop findings (issue 11,
//! `spec-notes/divergences.md` section 13): each runs a whole redirect chain through the
//! machine under `Profile::SPEC` with only the field (and what it builds on) changed, so it
//! fails if the field were ignored. The scenario ids are the recordings in
//! `tests/browsers/scenarios/fidelity.jsonl` (items 11-13).

use fetch_cors::{
    Action, CorsFetch, Origin, OutgoingKind, PreflightCache, Profile, Request, Timestamp,
};
use http::{HeaderValue, Method};

const PAGE: &str = "https://a.example";

/// What went out: `P`/`R`, the URL, and the preflight's `Access-Control-Request-Headers`.
#[derive(Debug, PartialEq, Eq)]
struct Sent {
    kind: char,
    url: String,
    acrh: Option<String>,
}

/// Runs `method url` with `headers` to the end; `answer` gives (status, headers) per
/// (is preflight, URL). Returns what went out and whether the fetch succeeded.
fn run(
    profile: &Profile,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    answer: impl Fn(bool, &str) -> (u16, Vec<(&'static str, String)>),
) -> (Vec<Sent>, bool) {
    let mut b = http::Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(url);
    for (n, v) in headers {
        b = b.header(*n, HeaderValue::from_str(v).unwrap());
    }
    let (parts, ()) = b.body(()).unwrap().into_parts();
    let page = Origin::parse(PAGE).unwrap();
    let request = Request::from_parts(&parts, &page).unwrap();
    let mut cache = PreflightCache::new(profile);
    let mut fetch = CorsFetch::new(&request, profile).unwrap();
    let mut sent = Vec::new();
    loop {
        match fetch.poll(&mut cache, Timestamp::ZERO) {
            Action::Send(out) => {
                let preflight = out.kind == OutgoingKind::Preflight;
                let url = out.url.to_string();
                sent.push(Sent {
                    kind: if preflight { 'P' } else { 'R' },
                    url: url.clone(),
                    acrh: out
                        .request
                        .headers()
                        .get("access-control-request-headers")
                        .map(|v| v.to_str().unwrap().to_owned()),
                });
                let (status, hs) = answer(preflight, &url);
                let mut r = http::Response::builder().status(status);
                for (n, v) in hs {
                    r = r.header(n, v);
                }
                fetch
                    .handle_response(&r.body(()).unwrap(), &mut cache, Timestamp::ZERO)
                    .unwrap();
            }
            Action::Done(outcome) => return (sent, outcome.is_ok()),
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn preflight_lists(sent: &[Sent]) -> Vec<Option<&str>> {
    sent.iter()
        .filter(|s| s.kind == 'P')
        .map(|s| s.acrh.as_deref())
        .collect()
}

#[test]
fn preflight_relists_headers_earlier_redirects_removed() {
    // fidelity-11-ct-303-then-302s-bp: POST with Content-Type json, 303 (GET), then 302, 302.
    let answer = |preflight: bool, url: &str| -> (u16, Vec<(&'static str, String)>) {
        let mut h = vec![("access-control-allow-origin", PAGE.to_owned())];
        if preflight {
            h.push(("access-control-allow-methods", "POST, GET".into()));
            h.push(("access-control-allow-headers", "content-type".into()));
            return (204, h);
        }
        let next = match url {
            "https://b.example/h0" => Some((303, "/h1")),
            "https://b.example/h1" => Some((302, "/h2")),
            "https://b.example/h2" => Some((302, "/h3")),
            _ => None,
        };
        match next {
            Some((status, to)) => {
                h.push(("location", to.to_owned()));
                (status, h)
            }
            None => (200, h),
        }
    };
    let ct = [("content-type", "application/json")];
    let mut again = Profile::SPEC;
    again.redirect.preflight_again_after_redirect = true;
    let (sent, ok) = run(&again, "POST", "https://b.example/h0", &ct, answer);
    assert!(ok);
    assert_eq!(
        preflight_lists(&sent),
        [Some("content-type"), None, None, None]
    );
    let mut relist = again;
    relist
        .redirect
        .preflight_relists_headers_earlier_redirects_removed = true;
    let (sent, ok) = run(&relist, "POST", "https://b.example/h0", &ct, answer);
    assert!(ok);
    assert_eq!(
        preflight_lists(&sent),
        [
            Some("content-type"),
            None,
            Some("content-type"),
            Some("content-type")
        ]
    );
    assert_eq!(
        run(
            &Profile::FIREFOX,
            "POST",
            "https://b.example/h0",
            &ct,
            answer
        )
        .0,
        sent
    );
}

#[test]
fn a_listed_original_header_must_be_granted() {
    // fidelity-12-auth-bp-b-no-grant: PUT with Authorization, 307 to another origin (the
    // header is removed); the second preflight allows the method only.
    let answer = |preflight: bool, url: &str| -> (u16, Vec<(&'static str, String)>) {
        let first = url.starts_with("https://b.example");
        let acao = if first { PAGE } else { "null" };
        let mut h = vec![("access-control-allow-origin", acao.to_owned())];
        if preflight {
            h.push(("access-control-allow-methods", "PUT".into()));
            if first {
                h.push(("access-control-allow-headers", "authorization".into()));
            }
            return (204, h);
        }
        if first {
            h.push(("location", "https://c.example/h1".into()));
            return (307, h);
        }
        (200, h)
    };
    let auth = [("authorization", "Bearer x")];
    let (sent, ok) = run(&Profile::SPEC, "PUT", "https://b.example/h0", &auth, answer);
    assert!(ok, "the standard asks C for no header");
    assert_eq!(preflight_lists(&sent), [Some("authorization"), None]);
    let mut original = Profile::SPEC;
    original.redirect.preflight_lists_original_headers = true;
    let (sent, ok) = run(&original, "PUT", "https://b.example/h0", &auth, answer);
    assert_eq!(
        preflight_lists(&sent),
        [Some("authorization"), Some("authorization")]
    );
    assert!(!ok, "C did not allow the authorization it was asked for");
    assert!(
        !run(
            &Profile::WEBKIT,
            "PUT",
            "https://b.example/h0",
            &auth,
            answer
        )
        .1
    );
}

#[test]
fn credentialed_redirect_fails_after_next_preflight() {
    // fidelity-13-put-a-c-c: PUT at the page's origin, 307 to C, 307 to C; C's answers name the
    // page origin without Access-Control-Allow-Credentials.
    let answer = |preflight: bool, url: &str| -> (u16, Vec<(&'static str, String)>) {
        if url.starts_with(PAGE) {
            return (307, vec![("location", "https://c.example/h1".into())]);
        }
        let mut h = vec![("access-control-allow-origin", PAGE.to_owned())];
        if preflight {
            h.push(("access-control-allow-methods", "PUT".into()));
            return (204, h);
        }
        if url.ends_with("/h1") {
            h.push(("location", "https://c.example/h2".into()));
            return (307, h);
        }
        (200, h)
    };
    let url = "https://a.example/h0";
    let kinds = |sent: &[Sent]| sent.iter().map(|s| s.kind).collect::<String>();
    let (sent, ok) = run(&Profile::SPEC, "PUT", url, &[], answer);
    assert!(ok);
    assert_eq!(kinds(&sent), "RPRPR");
    let mut initial = Profile::SPEC;
    initial.redirect.check_redirects_with_initial_credentials = true;
    let (sent, ok) = run(&initial, "PUT", url, &[], answer);
    assert!(!ok, "C's 307 needs Access-Control-Allow-Credentials");
    assert_eq!(kinds(&sent), "RPR");
    let mut deferred = initial;
    deferred
        .redirect
        .credentialed_redirect_fails_after_next_preflight = true;
    let (sent, ok) = run(&deferred, "PUT", url, &[], answer);
    assert!(!ok);
    assert_eq!(
        kinds(&sent),
        "RPRP",
        "the next hop's preflight still goes out"
    );
    assert_eq!(
        run(&Profile::WEBKIT, "PUT", url, &[], answer).0,
        sent,
        "WebKit"
    );
}
