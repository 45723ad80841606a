//! One test per profile field recorded for element and API initiators (issue 15): each runs
//! whole fetches through the machine under `Profile::SPEC` with only that field changed, so it
//! fails if the field were ignored, then checks which engines have it. The scenario ids in the
//! comments are the recordings in `tests/browsers/scenarios/initiators.jsonl` and `mode.jsonl`.

use std::num::NonZeroU64;

use fetch_cors::{
    Action, CorsFetch, Initiator, Mode, OpaqueOrigin, Origin, PreflightCache, Profile, Request,
    ResponseType, Timestamp,
};
use http::{HeaderMap, HeaderValue};

const PAGE: &str = "http://127.0.0.1:8801";

/// One request as it went on the wire: URL, `Origin`, and whether credentials went with it.
#[derive(Debug, PartialEq, Eq)]
struct Sent {
    url: String,
    origin: Option<String>,
    credentials: bool,
}

/// Runs `initiator`'s request for `url` from `origin` under `profile`; `answer` gives each
/// response's status and headers. Returns what went out and the final response type.
fn run(
    profile: &Profile,
    origin: &Origin,
    url: &str,
    initiator: &Initiator<'_>,
    answer: impl Fn(&str) -> (u16, Vec<(&'static str, String)>),
) -> (Vec<Sent>, Option<ResponseType>) {
    let (parts, ()) = http::Request::get(url).body(()).unwrap().into_parts();
    let request = Request::from_parts(&parts, origin)
        .unwrap()
        .with_initiator(initiator, profile);
    let mut cache = PreflightCache::new(profile);
    let mut fetch = CorsFetch::new(&request, profile).unwrap();
    let mut sent = Vec::new();
    loop {
        match fetch.poll(&mut cache, Timestamp::ZERO) {
            Action::Send(out) => {
                let url = out.url.to_string();
                sent.push(Sent {
                    url: url.clone(),
                    origin: out
                        .request
                        .headers()
                        .get("origin")
                        .map(|v| v.to_str().unwrap().to_owned()),
                    credentials: out.include_credentials,
                });
                let (status, headers) = answer(&url);
                let mut b = http::Response::builder().status(status);
                for (n, v) in headers {
                    b = b.header(n, v);
                }
                fetch
                    .handle_response(&b.body(()).unwrap(), &mut cache, Timestamp::ZERO)
                    .unwrap();
            }
            Action::Done(outcome) => return (sent, outcome.ok().map(|r| r.response_type)),
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn page() -> Origin {
    Origin::parse(PAGE).unwrap()
}

fn frame() -> Origin {
    Origin::from(OpaqueOrigin::with_id(NonZeroU64::MIN))
}

fn ok(_: &str) -> (u16, Vec<(&'static str, String)>) {
    (200, vec![("access-control-allow-origin", "*".into())])
}

fn origins(sent: &[Sent]) -> Vec<Option<&str>> {
    sent.iter().map(|s| s.origin.as_deref()).collect()
}

#[test]
fn origin_on_same_origin_cors_loads() {
    // init-img-anon-a-none, init-module-none-a-none, init-font-a-none.
    let same = "http://127.0.0.1:8801/a";
    let image = Initiator::Image {
        crossorigin: Some("anonymous"),
    };
    let module = Initiator::ModuleScript { crossorigin: None };
    let mut with = Profile::SPEC;
    with.initiators.origin_on_same_origin_cors_loads = true;
    for initiator in [image, module, Initiator::Font] {
        let (sent, _) = run(&Profile::SPEC, &page(), same, &initiator, ok);
        assert_eq!(origins(&sent), [None], "the standard: {initiator:?}");
        let (sent, _) = run(&with, &page(), same, &initiator, ok);
        assert_eq!(origins(&sent), [Some(PAGE)], "{initiator:?}");
    }
    // fetch() and EventSource (empty destination) carry none, field or not.
    let es = Initiator::EventSource {
        with_credentials: false,
    };
    for initiator in [Initiator::Fetch, es] {
        let (sent, _) = run(&with, &page(), same, &initiator, ok);
        assert_eq!(origins(&sent), [None], "{initiator:?}");
    }
    // A no-cors image is not a cors-mode load.
    let (sent, _) = run(
        &with,
        &page(),
        same,
        &Initiator::Image { crossorigin: None },
        ok,
    );
    assert_eq!(origins(&sent), [None]);
    let engines: Vec<bool> = [Profile::CHROMIUM, Profile::FIREFOX, Profile::WEBKIT]
        .iter()
        .map(|p| p.initiators.origin_on_same_origin_cors_loads)
        .collect();
    assert_eq!(engines, [true, false, true]);
}

#[test]
fn null_origin_on_opaque_no_cors_loads() {
    // init-opaque-img-none-a-none, init-opaque-script-none-b-star.
    let img = Initiator::Image { crossorigin: None };
    let script = Initiator::Script { crossorigin: None };
    let mut with = Profile::SPEC;
    with.initiators.null_origin_on_opaque_no_cors_loads = true;
    for url in ["http://127.0.0.1:8801/a", "http://127.0.0.1:8802/b"] {
        for initiator in [img, script] {
            let (sent, _) = run(&Profile::SPEC, &frame(), url, &initiator, ok);
            assert_eq!(origins(&sent), [None], "the standard");
            let (sent, _) = run(&with, &frame(), url, &initiator, ok);
            assert_eq!(origins(&sent), [Some("null")], "{url} {initiator:?}");
            // Only from an opaque origin: the page itself sends none.
            let (sent, _) = run(&with, &page(), url, &initiator, ok);
            assert_eq!(origins(&sent), [None]);
        }
    }
    let engines: Vec<bool> = [Profile::CHROMIUM, Profile::FIREFOX, Profile::WEBKIT]
        .iter()
        .map(|p| p.initiators.null_origin_on_opaque_no_cors_loads)
        .collect();
    assert_eq!(engines, [true, true, false]);
}

#[test]
fn font_mode_and_credentials() {
    // init-font-b-none: WebKit's font request is no-cors, so no ACAO is needed; and
    // init-font-b-exactcred: it carries the cookie to another origin.
    let cross = "http://127.0.0.1:8802/f.ttf";
    let no_acao = |_: &str| (200, vec![]);
    let (_, spec) = run(&Profile::SPEC, &page(), cross, &Initiator::Font, no_acao);
    assert_eq!(spec, None, "a cors font without ACAO fails");
    let (sent, webkit) = run(&Profile::WEBKIT, &page(), cross, &Initiator::Font, no_acao);
    assert_eq!(webkit, Some(ResponseType::Opaque));
    assert_eq!(origins(&sent), [None]);
    assert!(sent[0].credentials);
}

#[test]
fn mute_opaque_script_errors() {
    // init-script-none-b-none: Firefox reports the error in full.
    let script = Initiator::Script { crossorigin: None };
    let mut without = Profile::SPEC;
    without.initiators.mute_opaque_script_errors = false;
    let (_, t) = run(
        &Profile::SPEC,
        &page(),
        "http://127.0.0.1:8802/s.js",
        &script,
        |_| (200, vec![]),
    );
    let t = t.unwrap();
    assert_eq!(t, ResponseType::Opaque);
    assert!(!script.page_can_read(t, &Profile::SPEC));
    assert!(script.page_can_read(t, &without));
    assert!(script.page_can_read(t, &Profile::FIREFOX));
}

#[test]
fn stylesheet_needs_text_css() {
    // init-mime-stylesheet-none-a-textplain: an error event in Firefox and WebKit, load in
    // Chromium.
    let sheet = Initiator::Stylesheet { crossorigin: None };
    let mut plain = HeaderMap::new();
    plain.insert("content-type", HeaderValue::from_static("text/plain"));
    let mut lax = Profile::SPEC;
    lax.initiators.stylesheet_needs_text_css = false;
    assert!(sheet.refuses_mime_type(&plain, &Profile::SPEC));
    assert!(!sheet.refuses_mime_type(&plain, &lax));
    assert!(!sheet.refuses_mime_type(&plain, &Profile::CHROMIUM));
    assert!(sheet.refuses_mime_type(&plain, &Profile::FIREFOX));
    assert!(sheet.refuses_mime_type(&plain, &Profile::WEBKIT));
}

#[test]
fn no_cors_keeps_first_hop_credentials() {
    // mode-no-cors-redirect-a-b-a: WebKit sends the cookie to B and back to A.
    let (parts, ()) = http::Request::get("http://127.0.0.1:8801/h0")
        .body(())
        .unwrap()
        .into_parts();
    let page = page();
    let hops = |profile: &Profile| -> Vec<bool> {
        let request = Request::from_parts(&parts, &page)
            .unwrap()
            .with_mode(Mode::NoCors);
        let mut cache = PreflightCache::new(profile);
        let mut fetch = CorsFetch::new(&request, profile).unwrap();
        let mut credentials = Vec::new();
        loop {
            match fetch.poll(&mut cache, Timestamp::ZERO) {
                Action::Send(out) => {
                    credentials.push(out.include_credentials);
                    let next = match out.url.path() {
                        "/h0" => Some("http://127.0.0.1:8802/h1"),
                        "/h1" => Some("http://127.0.0.1:8801/h2"),
                        _ => None,
                    };
                    let mut b = http::Response::builder();
                    b = match next {
                        Some(l) => b.status(302).header("location", l),
                        None => b.status(200),
                    };
                    fetch
                        .handle_response(&b.body(()).unwrap(), &mut cache, Timestamp::ZERO)
                        .unwrap();
                }
                Action::Done(outcome) => {
                    assert!(outcome.is_ok());
                    return credentials;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    };
    assert_eq!(hops(&Profile::SPEC), [true, false, false]);
    let mut kept = Profile::SPEC;
    kept.redirect.no_cors_keeps_first_hop_credentials = true;
    assert_eq!(hops(&kept), [true, true, true]);
    assert_eq!(hops(&Profile::WEBKIT), [true, true, true]);
    assert_eq!(hops(&Profile::CHROMIUM), [true, false, false]);
    assert_eq!(hops(&Profile::FIREFOX), [true, false, false]);
}
