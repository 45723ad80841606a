//! Checklist items that need a whole request or response: sections 2–5, 7, 9 and 10 of
//! `fetch-spec-checklist.md`. Each test names its item. Header-parsing items (sections 3
//! and 11) are tested next to their parsers in `src/header/`, origin items (section 1) in
//! `src/origin.rs`.

use std::sync::LazyLock;

use fetch_cors::corp::{EmbedderPolicy, cross_origin_resource_policy_check, tao_check};
use fetch_cors::network::{
    ReferrerPolicy, include_credentials, origin_header, origin_header_with_policy,
};
use fetch_cors::{
    BasicReason, Classification, CorsError, CredentialsMode, MaxAge, Mode, Origin, Profile,
    RedirectMode, RedirectTaint, Request, RequestError, ResponseHead, ResponseTainting,
    ResponseType, Stage, check_preflight_response, check_response, classify_request,
    preflight_request,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, request, response};

static PAGE: LazyLock<Origin> = LazyLock::new(|| Origin::parse("https://app.example").unwrap());
const API: &str = "https://api.example/r";
const SPEC: Profile = Profile::SPEC;

fn parts(method: &str, url: &str, headers: &[(&str, &str)]) -> request::Parts {
    let mut b = http::Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(url);
    for (n, v) in headers {
        b = b.header(*n, HeaderValue::from_bytes(v.as_bytes()).unwrap());
    }
    b.body(()).unwrap().into_parts().0
}

fn view(p: &request::Parts) -> Request<'_> {
    Request::from_parts(p, &PAGE).unwrap()
}

fn resp(status: u16, headers: &[(&str, &str)]) -> response::Parts {
    let mut b = http::Response::builder().status(status);
    for (n, v) in headers {
        b = b.header(*n, HeaderValue::from_bytes(v.as_bytes()).unwrap());
    }
    b.body(()).unwrap().into_parts().0
}

fn names(c: &Classification<'_>) -> Vec<String> {
    match c {
        Classification::CorsWithPreflight(n) => {
            n.unsafe_headers.iter().map(|h| h.to_string()).collect()
        }
        other => panic!("expected a preflight, got {other:?}"),
    }
}

fn readable(e: &fetch_cors::Exposure<'_>) -> Vec<String> {
    let mut v: Vec<String> = e.readable_names().map(|n| n.to_string()).collect();
    v.sort();
    v
}

const ACAO_PAGE: (&str, &str) = ("access-control-allow-origin", "https://app.example");

// ---------------------------------------------------------------- 2. classification

#[test]
fn item_016_origin_is_given_not_client() {
    let p = parts("GET", API, &[]);
    assert!(view(&p).origin().same_origin(&PAGE));
}

#[test]
fn item_020_same_origin_is_basic_with_all_but_set_cookie() {
    let p = parts("GET", "https://app.example/api", &[]);
    let r = view(&p);
    assert_eq!(
        classify_request(&r, &SPEC),
        Classification::Basic(BasicReason::SameOrigin)
    );
    let res = resp(
        200,
        &[
            ("x-secret", "1"),
            ("set-cookie", "a=b"),
            ("set-cookie2", "c=d"),
        ],
    );
    let e = check_response(&r, &res, &SPEC).unwrap();
    assert_eq!(e.response_type(), ResponseType::Basic);
    assert_eq!(readable(&e), ["x-secret"]);
}

#[test]
fn item_021_cors_tainting_survives_return_to_origin() {
    let p = parts("GET", "https://app.example/final", &[]);
    let r = view(&p)
        .with_tainting(ResponseTainting::Cors)
        .with_redirects(RedirectTaint::CrossSite, 2);
    assert_eq!(classify_request(&r, &SPEC), Classification::Cors);
    assert!(check_response(&r, &resp(200, &[ACAO_PAGE]), &SPEC).is_err());
    let res = resp(200, &[("access-control-allow-origin", "null")]);
    let ok = check_response(&r, &res, &SPEC).unwrap();
    assert_eq!(ok.response_type(), ResponseType::Cors);
}

#[test]
fn item_022_data_url_is_basic() {
    // http::Uri cannot hold a data: URL; Request::new takes any url::Url.
    let url = url::Url::parse("data:text/plain,hi").unwrap();
    let headers = HeaderMap::new();
    let r = Request::new(
        &Method::GET,
        std::borrow::Cow::Borrowed(&url),
        &headers,
        &PAGE,
    )
    .unwrap();
    assert_eq!(
        classify_request(&r, &SPEC),
        Classification::Basic(BasicReason::DataUrl)
    );
    let res = resp(200, &[]);
    assert_eq!(
        check_response(&r, &res, &SPEC).unwrap().response_type(),
        ResponseType::Basic
    );
}

#[test]
fn item_023_navigate_and_websocket_are_basic() {
    for mode in [Mode::Navigate, Mode::WebSocket] {
        let p = parts("GET", API, &[]);
        let r = view(&p).with_mode(mode);
        assert_eq!(
            classify_request(&r, &SPEC),
            Classification::Basic(BasicReason::Mode(mode))
        );
        // No CORS check, but a WebSocket handshake still carries Origin (item 125).
        assert!(check_response(&r, &resp(200, &[]), &SPEC).is_ok());
    }
    let p = parts("GET", "wss://api.example/ws", &[]);
    let r = view(&p).with_mode(Mode::WebSocket);
    assert_eq!(
        origin_header(&r, ResponseTainting::Basic),
        Some("https://app.example")
    );
}

#[test]
fn item_024_same_origin_mode_cross_origin_fails() {
    let p = parts("GET", API, &[]);
    let r = view(&p).with_mode(Mode::SameOrigin);
    assert!(matches!(
        classify_request(&r, &SPEC),
        Classification::NetworkError(CorsError::DisallowedByMode { .. })
    ));
    assert!(matches!(
        check_response(&r, &resp(200, &[]), &SPEC),
        Err(CorsError::DisallowedByMode { .. })
    ));
}

#[test]
fn item_025_no_cors_needs_follow_and_is_opaque() {
    let p = parts("GET", API, &[]);
    let r = view(&p)
        .with_mode(Mode::NoCors)
        .with_redirect(RedirectMode::Manual);
    assert_eq!(
        classify_request(&r, &SPEC),
        Classification::NetworkError(CorsError::NoCorsRedirectModeNotFollow)
    );
    let r = view(&p).with_mode(Mode::NoCors);
    assert_eq!(classify_request(&r, &SPEC), Classification::Opaque);
    // No CORS check: a response without any CORS header is fine, and shows nothing.
    let res = resp(200, &[("content-type", "text/plain")]);
    let e = check_response(&r, &res, &SPEC).unwrap();
    assert_eq!(e.response_type(), ResponseType::Opaque);
    assert_eq!(e.status(), 0);
    assert!(readable(&e).is_empty());
}

#[test]
fn item_026_cross_origin_non_http_fails() {
    let p = parts("GET", "ftp://files.example/x", &[]);
    let r = view(&p);
    assert_eq!(
        classify_request(&r, &SPEC),
        Classification::NetworkError(CorsError::SchemeNotSupported {
            scheme: "ftp".into()
        })
    );
    // no-cors is exempt from this rule in main fetch (it is checked earlier).
    assert_eq!(
        classify_request(&r.clone().with_mode(Mode::NoCors), &SPEC),
        Classification::Opaque
    );
}

#[test]
fn item_027_use_cors_preflight_flag_forces_preflight() {
    let p = parts("POST", API, &[("content-type", "text/plain")]);
    let r = view(&p).with_use_cors_preflight(true);
    let Classification::CorsWithPreflight(need) = classify_request(&r, &SPEC) else {
        panic!()
    };
    assert!(need.use_cors_preflight);
    assert!(!need.method_not_safelisted);
    assert!(need.unsafe_headers.is_empty());
}

#[test]
fn item_028_unsafe_method_or_headers_preflight() {
    let p = parts("PUT", API, &[]);
    let r = view(&p);
    let Classification::CorsWithPreflight(need) = classify_request(&r, &SPEC) else {
        panic!()
    };
    assert!(need.method_not_safelisted);
    let p = parts("GET", API, &[("x-a", "1")]);
    assert_eq!(names(&classify_request(&view(&p), &SPEC)), ["x-a"]);
}

#[test]
fn item_029_simple_request_is_plain_cors() {
    let p = parts("GET", API, &[("accept", "*/*")]);
    let r = view(&p);
    assert_eq!(classify_request(&r, &SPEC), Classification::Cors);
    assert_eq!(
        origin_header(&r, ResponseTainting::Cors),
        Some("https://app.example")
    );
}

#[test]
fn item_030_no_unsafe_request_flag_no_preflight() {
    let p = parts("PUT", API, &[("x-custom", "1")]);
    let r = view(&p).with_unsafe_request(false);
    assert_eq!(classify_request(&r, &SPEC), Classification::Cors);
}

#[test]
fn item_031_safelisted_methods_are_byte_exact() {
    use fetch_cors::method::is_cors_safelisted_method;
    assert!(is_cors_safelisted_method(&Method::GET));
    assert!(!is_cors_safelisted_method(
        &Method::from_bytes(b"get").unwrap()
    ));
    let p = parts("PATCH", API, &[]);
    assert!(matches!(
        classify_request(&view(&p), &SPEC),
        Classification::CorsWithPreflight(_)
    ));
}

#[test]
fn item_032_normalized_post_is_simple_patch_is_not() {
    let p = parts("post", API, &[]);
    assert_eq!(classify_request(&view(&p), &SPEC), Classification::Cors);
    let p = parts("patch", API, &[]);
    let r = view(&p);
    assert!(matches!(
        classify_request(&r, &SPEC),
        Classification::CorsWithPreflight(_)
    ));
    let pre = preflight_request(&r, &SPEC).unwrap();
    assert_eq!(pre.headers()["access-control-request-method"], "patch");
}

#[test]
fn item_033_forbidden_methods_rejected() {
    for m in ["CONNECT", "trace", "TRACK"] {
        let p = parts(m, API, &[]);
        assert!(
            matches!(
                Request::from_parts(&p, &PAGE),
                Err(RequestError::ForbiddenMethod { .. })
            ),
            "{m}"
        );
    }
}

#[test]
fn item_034_fetch_defaults() {
    let p = parts("GET", API, &[]);
    let r = view(&p);
    assert_eq!(
        (r.mode(), r.credentials_mode(), r.redirect_mode()),
        (
            Mode::Cors,
            CredentialsMode::SameOrigin,
            RedirectMode::Follow
        )
    );
}

#[test]
fn item_035_credentials_in_request_url_rejected() {
    let p = parts("GET", "https://u:p@api.example/", &[]);
    assert!(matches!(
        Request::from_parts(&p, &PAGE),
        Err(RequestError::CredentialsInUrl { .. })
    ));
}

#[test]
fn item_036_no_cors_needs_safelisted_method_and_headers() {
    let p = parts("PUT", API, &[]);
    let r = view(&p).with_mode(Mode::NoCors);
    assert!(matches!(
        classify_request(&r, &SPEC),
        Classification::NetworkError(CorsError::NoCorsMethodNotSafelisted { .. })
    ));
    let p = parts("GET", API, &[("x-a", "1")]);
    let r = view(&p).with_mode(Mode::NoCors);
    assert!(matches!(
        classify_request(&r, &SPEC),
        Classification::NetworkError(CorsError::NoCorsHeaderNotSafelisted { .. })
    ));
    // Range is not a no-CORS-safelisted name even though it is CORS-safelisted.
    let p = parts("GET", API, &[("range", "bytes=0-1")]);
    let r = view(&p).with_mode(Mode::NoCors);
    assert!(matches!(
        classify_request(&r, &SPEC),
        Classification::NetworkError(_)
    ));
    let p = parts("GET", API, &[("accept", "text/html")]);
    assert_eq!(
        classify_request(&view(&p).with_mode(Mode::NoCors), &SPEC),
        Classification::Opaque
    );
}

#[test]
fn item_038_stream_body_sets_the_preflight_flag() {
    // A streaming body sets the use-CORS-preflight flag; a text/plain POST then preflights.
    let p = parts("POST", API, &[("content-type", "text/plain")]);
    assert_eq!(classify_request(&view(&p), &SPEC), Classification::Cors);
    assert!(matches!(
        classify_request(&view(&p).with_use_cors_preflight(true), &SPEC),
        Classification::CorsWithPreflight(_)
    ));
}

#[test]
fn item_040_body_content_type_goes_through_the_safelist() {
    let p = parts("POST", API, &[("content-type", "text/plain;charset=UTF-8")]);
    assert_eq!(classify_request(&view(&p), &SPEC), Classification::Cors);
    let p = parts("POST", API, &[("content-type", "application/json")]);
    assert_eq!(names(&classify_request(&view(&p), &SPEC)), ["content-type"]);
}

// ---------------------------------------------------------------- 3. preflight need

#[test]
fn item_043_method_condition_is_separate_from_headers() {
    let p = parts("GET", API, &[("x-custom", "1")]);
    let r = view(&p);
    let Classification::CorsWithPreflight(need) = classify_request(&r, &SPEC) else {
        panic!()
    };
    assert!(!need.method_not_safelisted && !need.use_cors_preflight);
    assert_eq!(need.unsafe_headers.len(), 1);
}

#[test]
fn item_045_non_safelisted_name_needs_preflight() {
    let p = parts("GET", API, &[("X-Requested-With", "XMLHttpRequest")]);
    assert_eq!(
        names(&classify_request(&view(&p), &SPEC)),
        ["x-requested-with"]
    );
}

#[test]
fn item_054_other_names_are_unsafe_in_spec_chromium_extras_are_profile_data() {
    let p = parts("GET", API, &[("cache-control", "no-cache")]);
    assert_eq!(
        names(&classify_request(&view(&p), &SPEC)),
        ["cache-control"]
    );
    let p = parts("GET", API, &[("dpr", "2")]);
    assert_eq!(names(&classify_request(&view(&p), &SPEC)), ["dpr"]);
    assert_eq!(
        classify_request(&view(&p), &Profile::CHROMIUM),
        Classification::Cors
    );
}

#[test]
fn item_055_total_over_1024_demotes_all_safelisted() {
    let v = "a".repeat(120);
    let hs: Vec<(&str, &str)> = (0..9).map(|_| ("accept-language", v.as_str())).collect();
    let p = parts("GET", API, &hs);
    assert_eq!(
        names(&classify_request(&view(&p), &SPEC)),
        ["accept-language"]
    );
    let p = parts("GET", API, &hs[..8]);
    assert_eq!(classify_request(&view(&p), &SPEC), Classification::Cors);
}

#[test]
fn item_056_unsafe_names_sorted_lowercase_deduplicated() {
    let p = parts("GET", API, &[("X-B", "1"), ("x-a", "1"), ("X-A", "2")]);
    assert_eq!(names(&classify_request(&view(&p), &SPEC)), ["x-a", "x-b"]);
}

#[test]
fn item_057_ua_default_accept_is_safe() {
    let p = parts(
        "GET",
        API,
        &[
            ("accept", "*/*"),
            ("accept-language", "zh-Hant-TW,zh;q=0.9"),
        ],
    );
    assert_eq!(classify_request(&view(&p), &SPEC), Classification::Cors);
}

#[test]
fn item_058_headers_added_by_the_network_layer_are_not_inputs() {
    // Origin is computed, never read from the header list; include it and it is a caller bug.
    let p = parts("GET", API, &[("origin", "https://evil.example")]);
    assert!(matches!(
        classify_request(&view(&p), &SPEC),
        Classification::Rejected(RequestError::ForbiddenHeader { .. })
    ));
    let p = parts("GET", API, &[]);
    assert_eq!(classify_request(&view(&p), &SPEC), Classification::Cors);
}

#[test]
fn item_059_060_forbidden_headers_are_caller_errors() {
    for (n, v) in [
        ("cookie", "a=b"),
        ("sec-foo", "1"),
        ("SEC-fetch-mode", "cors"),
        ("proxy-authorization", "x"),
        ("keep-alive", "1"),
        ("host", "x"),
    ] {
        let p = parts("GET", API, &[(n, v)]);
        match classify_request(&view(&p), &SPEC) {
            Classification::Rejected(RequestError::ForbiddenHeader { name }) => {
                assert_eq!(name.as_str(), n.to_ascii_lowercase())
            }
            other => panic!("{n}: {other:?}"),
        }
    }
}

#[test]
fn item_061_method_override_headers() {
    let p = parts("GET", API, &[("x-http-method-override", "PATCH")]);
    assert_eq!(
        names(&classify_request(&view(&p), &SPEC)),
        ["x-http-method-override"]
    );
    let p = parts("GET", API, &[("x-http-method-override", "GET, trace")]);
    assert!(matches!(
        classify_request(&view(&p), &SPEC),
        Classification::Rejected(_)
    ));
}

// ---------------------------------------------------------------- 4. the preflight request

#[test]
fn item_063_069_preflight_has_no_credentials() {
    let p = parts("PUT", API, &[]);
    let r = view(&p).with_credentials(CredentialsMode::Include);
    let pre = preflight_request(&r, &SPEC).unwrap();
    assert_eq!(pre.method(), Method::OPTIONS);
    assert_eq!(pre.uri(), API);
    assert!(!pre.headers().contains_key("cookie") && !pre.headers().contains_key("authorization"));
    // The preflight's own credentials mode is same-origin with tainting cors: excluded.
    let p_pre = parts("OPTIONS", API, &[]);
    let preflight_view = view(&p_pre);
    assert!(!include_credentials(
        &preflight_view,
        ResponseTainting::Cors
    ));
}

#[test]
fn item_064_accept_star_always() {
    let p = parts("PUT", API, &[("accept", "application/json")]);
    let pre = preflight_request(&view(&p), &SPEC).unwrap();
    let accepts: Vec<_> = pre.headers().get_all("accept").iter().collect();
    assert_eq!(accepts, ["*/*"]);
}

#[test]
fn item_065_acrm_is_the_normalized_method() {
    let p = parts("POST", API, &[]);
    let pre = preflight_request(&view(&p).with_use_cors_preflight(true), &SPEC).unwrap();
    assert_eq!(pre.headers()["access-control-request-method"], "POST");
}

#[test]
fn item_066_acrh_joined_without_space_and_absent_when_empty() {
    let p = parts(
        "PUT",
        API,
        &[("x-b", "1"), ("content-type", "application/json")],
    );
    let pre = preflight_request(&view(&p), &SPEC).unwrap();
    assert_eq!(
        pre.headers()["access-control-request-headers"],
        "content-type,x-b"
    );
    let p = parts("PUT", API, &[]);
    let pre = preflight_request(&view(&p), &SPEC).unwrap();
    assert!(!pre.headers().contains_key("access-control-request-headers"));
}

#[test]
fn item_067_safelisted_headers_not_in_acrh() {
    let p = parts("PUT", API, &[("accept-language", "en"), ("x-a", "1")]);
    let pre = preflight_request(&view(&p), &SPEC).unwrap();
    assert_eq!(pre.headers()["access-control-request-headers"], "x-a");
}

#[test]
fn item_068_preflight_origin_is_null_after_taint() {
    let p = parts("PUT", "https://c.example/r", &[]);
    let r = view(&p)
        .with_tainting(ResponseTainting::Cors)
        .with_redirects(RedirectTaint::CrossSite, 2);
    let pre = preflight_request(&r, &SPEC).unwrap();
    assert_eq!(pre.headers()["origin"], "null");
}

#[test]
fn item_069_redirected_preflight_fails() {
    let p = parts("PUT", API, &[]);
    let r = view(&p);
    let res = resp(307, &[ACAO_PAGE, ("location", "https://api.example/other")]);
    assert_eq!(
        check_preflight_response(&r, &res, &SPEC).unwrap_err(),
        CorsError::PreflightDisallowedRedirect { status: 307 }
    );
    // A 3xx without Location is simply not an ok status.
    let res = resp(302, &[ACAO_PAGE, ("access-control-allow-methods", "PUT")]);
    assert_eq!(
        check_preflight_response(&r, &res, &SPEC).unwrap_err(),
        CorsError::PreflightInvalidStatus { status: 302 }
    );
}

// ---------------------------------------------------------------- 5. preflight response

fn preflight(
    method: &str,
    headers: &[(&str, &str)],
    creds: CredentialsMode,
    answer: &[(&str, &str)],
    status: u16,
) -> Result<MaxAge, CorsError> {
    preflight_with(method, headers, creds, answer, status, &SPEC)
}

fn preflight_with(
    method: &str,
    headers: &[(&str, &str)],
    creds: CredentialsMode,
    answer: &[(&str, &str)],
    status: u16,
    profile: &Profile,
) -> Result<MaxAge, CorsError> {
    let p = parts(method, API, headers);
    let r = view(&p).with_credentials(creds);
    let res = resp(status, answer);
    check_preflight_response(&r, &res, profile).map(|g| g.max_age())
}

const SO: CredentialsMode = CredentialsMode::SameOrigin;
const INC: CredentialsMode = CredentialsMode::Include;

#[test]
fn item_071_cors_check_and_ok_status() {
    let full = [ACAO_PAGE, ("access-control-allow-methods", "PUT")];
    assert!(preflight("PUT", &[], SO, &full, 204).is_ok());
    assert!(matches!(
        preflight(
            "PUT",
            &[],
            SO,
            &[("access-control-allow-methods", "PUT")],
            200
        ),
        Err(CorsError::MissingAllowOrigin {
            stage: Stage::Preflight,
            ..
        })
    ));
    for status in [304, 403, 500] {
        assert_eq!(
            preflight("PUT", &[], SO, &full, status),
            Err(CorsError::PreflightInvalidStatus { status })
        );
    }
}

#[test]
fn item_072_credentialed_preflight_needs_acac() {
    let no_acac = [ACAO_PAGE, ("access-control-allow-methods", "PUT")];
    assert!(matches!(
        preflight("PUT", &[], INC, &no_acac, 200),
        Err(CorsError::InvalidAllowCredentials { value: None, .. })
    ));
    let with = [
        ACAO_PAGE,
        ("access-control-allow-methods", "PUT"),
        ("access-control-allow-credentials", "true"),
    ];
    assert!(preflight("PUT", &[], INC, &with, 200).is_ok());
}

#[test]
fn item_073_unparsable_lists_fail_even_if_unused() {
    assert!(matches!(
        preflight(
            "GET",
            &[],
            SO,
            &[ACAO_PAGE, ("access-control-allow-methods", "PUT;DELETE")],
            200
        ),
        Err(CorsError::InvalidAllowMethods { .. })
    ));
    assert!(matches!(
        preflight(
            "GET",
            &[],
            SO,
            &[ACAO_PAGE, ("access-control-allow-headers", "x a")],
            200
        ),
        Err(CorsError::InvalidAllowHeaders { .. })
    ));
    assert!(
        preflight(
            "DELETE",
            &[],
            SO,
            &[ACAO_PAGE, ("access-control-allow-methods", "PUT,,DELETE")],
            200
        )
        .is_ok()
    );
}

#[test]
fn item_074_flag_without_acam_caches_the_method() {
    let p = parts("POST", API, &[]);
    let r = view(&p).with_use_cors_preflight(true);
    let res = resp(200, &[ACAO_PAGE]);
    let grant = check_preflight_response(&r, &res, &SPEC).unwrap();
    assert_eq!(grant.methods().collect::<Vec<_>>(), [b"POST".as_slice()]);
}

#[test]
fn item_075_method_rule() {
    let put = |acam: &str, creds| {
        preflight(
            "PUT",
            &[],
            creds,
            &[
                ACAO_PAGE,
                ("access-control-allow-methods", acam),
                ("access-control-allow-credentials", "true"),
            ],
            200,
        )
    };
    assert_eq!(
        put("GET, POST", SO),
        Err(CorsError::MethodNotAllowed {
            method: Method::PUT
        })
    );
    assert!(put("*", SO).is_ok());
    assert_eq!(
        put("*", INC),
        Err(CorsError::MethodNotAllowed {
            method: Method::PUT
        })
    );
    assert!(
        preflight(
            "GET",
            &[("x-a", "1")],
            SO,
            &[ACAO_PAGE, ("access-control-allow-headers", "x-a")],
            200
        )
        .is_ok()
    );
}

#[test]
fn item_076_method_match_is_case_sensitive() {
    let answer = |m| [ACAO_PAGE, ("access-control-allow-methods", m)];
    assert!(preflight("PUT", &[], SO, &answer("put"), 200).is_err());
    assert!(preflight("patch", &[], SO, &answer("PATCH"), 200).is_err());
    assert!(preflight("patch", &[], SO, &answer("patch"), 200).is_ok());
    // Chromium's legacy mode uppercased the request method first.
    let mut legacy = Profile::CHROMIUM;
    legacy.method_match = fetch_cors::profile::MethodMatch::UppercaseRequestMethod;
    assert!(preflight_with("patch", &[], SO, &answer("PATCH"), 200, &legacy).is_ok());
}

#[test]
fn item_077_authorization_never_covered_by_wildcard_in_spec() {
    let answer = [ACAO_PAGE, ("access-control-allow-headers", "*")];
    let err = preflight("GET", &[("authorization", "Bearer x")], SO, &answer, 200).unwrap_err();
    assert_eq!(
        err,
        CorsError::HeaderNotAllowed {
            name: http::header::AUTHORIZATION,
            wildcard_present: true
        }
    );
    assert!(
        preflight(
            "GET",
            &[("Authorization", "Bearer x")],
            SO,
            &[ACAO_PAGE, ("access-control-allow-headers", "AUTHORIZATION")],
            200
        )
        .is_ok()
    );
    for profile in [Profile::CHROMIUM, Profile::FIREFOX, Profile::WEBKIT] {
        assert!(
            preflight_with(
                "GET",
                &[("authorization", "Bearer x")],
                SO,
                &answer,
                200,
                &profile
            )
            .is_ok(),
            "{:?}",
            profile.engine
        );
    }
}

#[test]
fn item_078_header_rule() {
    assert!(
        preflight(
            "GET",
            &[("X-Token", "1")],
            SO,
            &[ACAO_PAGE, ("access-control-allow-headers", "x-token")],
            200
        )
        .is_ok()
    );
    assert!(
        preflight(
            "GET",
            &[("X-Token", "1")],
            SO,
            &[ACAO_PAGE, ("access-control-allow-headers", "*")],
            200
        )
        .is_ok()
    );
    let inc = [
        ACAO_PAGE,
        ("access-control-allow-headers", "*"),
        ("access-control-allow-credentials", "true"),
    ];
    assert_eq!(
        preflight("GET", &[("X-Token", "1")], INC, &inc, 200),
        Err(CorsError::HeaderNotAllowed {
            name: HeaderName::from_static("x-token"),
            wildcard_present: true
        })
    );
}

#[test]
fn item_079_star_is_literal_with_credentials() {
    let answer = [
        ACAO_PAGE,
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-methods", "*"),
        ("access-control-allow-headers", "*"),
    ];
    // A method literally named `*` is not a valid method for http; a header named `*` is.
    let mut headers = HeaderMap::new();
    headers.insert(HeaderName::from_static("*"), HeaderValue::from_static("1"));
    let mut p = parts("GET", API, &[]);
    p.headers = headers;
    let r = view(&p).with_credentials(INC);
    assert!(check_preflight_response(&r, &resp(200, &answer), &SPEC).is_ok());
}

#[test]
fn item_080_safelisted_headers_need_no_listing() {
    assert!(
        preflight(
            "PUT",
            &[("content-type", "text/plain")],
            SO,
            &[ACAO_PAGE, ("access-control-allow-methods", "PUT")],
            200
        )
        .is_ok()
    );
}

#[test]
fn item_081_max_age_defaults_to_5() {
    let ma = |v: Option<&str>| {
        let mut a = vec![ACAO_PAGE];
        if let Some(v) = v {
            a.push(("access-control-max-age", v));
        }
        preflight(
            "GET",
            &[("x-a", "1")],
            SO,
            &[&a[..], &[("access-control-allow-headers", "x-a")]].concat(),
            200,
        )
        .unwrap()
    };
    assert_eq!(ma(None), MaxAge::Seconds(5));
    assert_eq!(ma(Some("600")), MaxAge::Seconds(600));
    assert_eq!(ma(Some("abc")), MaxAge::Seconds(5));
    assert_eq!(ma(Some("-1")), MaxAge::Seconds(5));
    assert_eq!(ma(Some("10, 20")), MaxAge::Seconds(5));
    assert_eq!(ma(Some("010")), MaxAge::Seconds(10));
}

#[test]
fn item_082_max_age_capped_per_profile() {
    let answer = [
        ACAO_PAGE,
        ("access-control-allow-methods", "PUT"),
        ("access-control-max-age", "86400"),
    ];
    assert_eq!(
        preflight_with("PUT", &[], SO, &answer, 200, &Profile::CHROMIUM),
        Ok(MaxAge::Seconds(7200))
    );
    assert_eq!(
        preflight_with("PUT", &[], SO, &answer, 200, &Profile::WEBKIT),
        Ok(MaxAge::Seconds(600))
    );
    assert_eq!(
        preflight_with("PUT", &[], SO, &answer, 200, &Profile::FIREFOX),
        Ok(MaxAge::Seconds(86400))
    );
    assert_eq!(
        preflight("PUT", &[], SO, &answer, 200),
        Ok(MaxAge::Seconds(86400))
    );
}

#[test]
fn item_083_max_age_zero_still_lets_the_request_through() {
    let answer = [
        ACAO_PAGE,
        ("access-control-allow-methods", "PUT"),
        ("access-control-max-age", "0"),
    ];
    assert_eq!(
        preflight("PUT", &[], SO, &answer, 200),
        Ok(MaxAge::Seconds(0))
    );
}

#[test]
fn item_084_actual_response_is_checked_too() {
    let p = parts("PUT", API, &[]);
    let r = view(&p);
    assert!(
        check_preflight_response(
            &r,
            &resp(204, &[ACAO_PAGE, ("access-control-allow-methods", "PUT")]),
            &SPEC
        )
        .is_ok()
    );
    assert!(matches!(
        check_response(&r, &resp(200, &[]), &SPEC),
        Err(CorsError::MissingAllowOrigin {
            stage: Stage::Response,
            ..
        })
    ));
}

// ---------------------------------------------------------------- 7. the CORS check

fn check(creds: CredentialsMode, answer: &[(&str, &str)]) -> Result<ResponseType, CorsError> {
    let p = parts("GET", API, &[]);
    let r = view(&p).with_credentials(creds);
    check_response(&r, &resp(200, answer), &SPEC).map(|e| e.response_type())
}

#[test]
fn item_097_allow_origin_read_with_get() {
    assert!(matches!(
        check(SO, &[]),
        Err(CorsError::MissingAllowOrigin { status: 200, .. })
    ));
    assert!(matches!(
        check(SO, &[ACAO_PAGE, ACAO_PAGE]),
        Err(CorsError::AllowOriginMismatch { .. })
    ));
}

#[test]
fn item_098_star_without_credentials() {
    assert_eq!(
        check(
            SO,
            &[
                ("access-control-allow-origin", "*"),
                ("access-control-allow-credentials", "true")
            ]
        ),
        Ok(ResponseType::Cors)
    );
    assert_eq!(
        check(
            INC,
            &[
                ("access-control-allow-origin", "*"),
                ("access-control-allow-credentials", "true")
            ]
        ),
        Err(CorsError::WildcardOriginWithCredentials {
            stage: Stage::Response
        })
    );
}

#[test]
fn item_099_byte_equal_origin() {
    for bad in [
        "https://App.example",
        "https://app.example:443",
        "https://app.example/",
        "http://app.example",
    ] {
        assert!(
            check(SO, &[("access-control-allow-origin", bad)]).is_err(),
            "{bad}"
        );
    }
    assert!(check(SO, &[ACAO_PAGE]).is_ok());
}

#[test]
fn item_100_null_matches_only_null_origins() {
    assert!(check(SO, &[("access-control-allow-origin", "null")]).is_err());
    let sandbox = Origin::from(fetch_cors::OpaqueOrigin::anonymous());
    let p = parts("GET", API, &[]);
    let r = Request::from_parts(&p, &sandbox).unwrap();
    assert!(
        check_response(
            &r,
            &resp(200, &[("access-control-allow-origin", "null")]),
            &SPEC
        )
        .is_ok()
    );
    assert_eq!(origin_header(&r, ResponseTainting::Cors), Some("null"));
}

#[test]
fn item_101_origin_match_enough_without_credentials() {
    let p = parts("GET", API, &[]);
    let r = view(&p).with_credentials(CredentialsMode::Omit);
    assert!(check_response(&r, &resp(200, &[ACAO_PAGE]), &SPEC).is_ok());
}

#[test]
fn item_102_allow_credentials_exactly_true() {
    assert!(
        check(
            INC,
            &[ACAO_PAGE, ("access-control-allow-credentials", "true")]
        )
        .is_ok()
    );
    for bad in [
        vec![("access-control-allow-credentials", "True")],
        vec![],
        vec![
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-credentials", "true"),
        ],
    ] {
        let mut a = vec![ACAO_PAGE];
        a.extend(bad.clone());
        assert!(
            matches!(
                check(INC, &a),
                Err(CorsError::InvalidAllowCredentials { .. })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn item_103_internal_whitespace_matters() {
    // Surrounding whitespace never reaches a HeaderValue from a parser; internal does.
    assert!(
        check(
            SO,
            &[("access-control-allow-origin", "https:// app.example")]
        )
        .is_err()
    );
}

#[test]
fn item_104_status_irrelevant_for_actual_response() {
    let p = parts("GET", API, &[]);
    let res = resp(500, &[ACAO_PAGE]);
    let e = check_response(&view(&p), &res, &SPEC).unwrap();
    assert_eq!(e.status(), 500);
}

#[test]
fn item_105_redirect_response_needs_cors_check() {
    let p = parts("GET", API, &[]);
    let r = view(&p).with_redirect(RedirectMode::Manual);
    let res = resp(302, &[("location", "https://elsewhere.example/")]);
    assert!(matches!(
        check_response(&r, &res, &SPEC),
        Err(CorsError::MissingAllowOrigin { .. })
    ));
    let res = resp(
        302,
        &[("location", "https://elsewhere.example/"), ACAO_PAGE],
    );
    assert_eq!(
        check_response(&r, &res, &SPEC).unwrap().response_type(),
        ResponseType::OpaqueRedirect
    );
}

#[test]
fn item_106_no_check_for_basic() {
    let p = parts("GET", "https://app.example/x", &[]);
    let res = resp(
        200,
        &[("access-control-allow-origin", "https://bogus.example")],
    );
    let e = check_response(&view(&p), &res, &SPEC).unwrap();
    assert_eq!(e.response_type(), ResponseType::Basic);
}

#[test]
fn item_107_tao_check() {
    let p = parts("GET", API, &[]);
    let r = view(&p);
    let res = resp(200, &[ACAO_PAGE]);
    assert!(!tao_check(
        &r,
        ResponseHead::from(&res),
        ResponseTainting::Cors,
        false
    ));
    let res = resp(
        200,
        &[(
            "timing-allow-origin",
            "https://other.example, https://app.example",
        )],
    );
    assert!(tao_check(
        &r,
        ResponseHead::from(&res),
        ResponseTainting::Cors,
        false
    ));
    assert!(!tao_check(
        &r,
        ResponseHead::from(&res),
        ResponseTainting::Cors,
        true
    ));
    let res = resp(200, &[("timing-allow-origin", "*")]);
    assert!(tao_check(
        &r,
        ResponseHead::from(&res),
        ResponseTainting::Cors,
        false
    ));
    let same = parts("GET", "https://app.example/", &[]);
    assert!(tao_check(
        &view(&same),
        ResponseHead::from(&resp(200, &[])),
        ResponseTainting::Basic,
        false
    ));
}

#[test]
fn item_108_corp_only_for_opaque() {
    use fetch_cors::corp::corp_applies;
    assert!(corp_applies(ResponseTainting::Opaque));
    assert!(!corp_applies(ResponseTainting::Cors));
    let p = parts("GET", API, &[]);
    let r = view(&p).with_mode(Mode::NoCors);
    let same_origin = resp(200, &[("cross-origin-resource-policy", "same-origin")]);
    assert!(!cross_origin_resource_policy_check(
        &r,
        ResponseHead::from(&same_origin),
        EmbedderPolicy::UnsafeNone
    ));
    let same_site = resp(200, &[("cross-origin-resource-policy", "same-site")]);
    assert!(!cross_origin_resource_policy_check(
        &r,
        ResponseHead::from(&same_site),
        EmbedderPolicy::UnsafeNone
    ));
    let listed = resp(
        200,
        &[("cross-origin-resource-policy", "same-site, same-origin")],
    );
    assert!(cross_origin_resource_policy_check(
        &r,
        ResponseHead::from(&listed),
        EmbedderPolicy::UnsafeNone
    ));
    assert!(!cross_origin_resource_policy_check(
        &r,
        ResponseHead::from(&listed),
        EmbedderPolicy::RequireCorp
    ));
    let sub = parts("GET", "https://cdn.app.example/x", &[]);
    let r = view(&sub).with_mode(Mode::NoCors);
    assert!(cross_origin_resource_policy_check(
        &r,
        ResponseHead::from(&same_site),
        EmbedderPolicy::UnsafeNone
    ));
}

// ---------------------------------------------------------------- 9. filtering

#[test]
fn item_127_basic_hides_only_set_cookie() {
    let p = parts("GET", "https://app.example/", &[]);
    let res = resp(200, &[("x-secret", "1"), ("Set-Cookie", "a=b")]);
    let e = check_response(&view(&p), &res, &SPEC).unwrap();
    assert!(e.is_readable(&HeaderName::from_static("x-secret")));
    assert!(!e.is_readable(&http::header::SET_COOKIE));
}

#[test]
fn item_128_cors_safelisted_response_headers() {
    let p = parts("GET", API, &[]);
    let all = [
        ACAO_PAGE,
        ("cache-control", "x"),
        ("content-language", "x"),
        ("content-length", "0"),
        ("content-type", "x"),
        ("expires", "x"),
        ("last-modified", "x"),
        ("pragma", "x"),
        ("etag", "x"),
        ("date", "x"),
        ("link", "x"),
        ("content-encoding", "x"),
        ("set-cookie", "a=b"),
    ];
    let res = resp(200, &all);
    let e = check_response(&view(&p), &res, &SPEC).unwrap();
    assert_eq!(
        readable(&e),
        [
            "cache-control",
            "content-language",
            "content-length",
            "content-type",
            "expires",
            "last-modified",
            "pragma"
        ]
    );
}

#[test]
fn item_129_expose_headers_case_insensitive() {
    let p = parts("GET", API, &[]);
    let res = resp(
        200,
        &[
            ACAO_PAGE,
            ("access-control-expose-headers", "etag, X-Foo"),
            ("ETag", "1"),
            ("x-foo", "2"),
            ("x-bar", "3"),
        ],
    );
    assert_eq!(
        readable(&check_response(&view(&p), &res, &SPEC).unwrap()),
        ["etag", "x-foo"]
    );
}

#[test]
fn item_130_expose_star() {
    let hs = [
        ("access-control-expose-headers", "*"),
        ("x-a", "1"),
        ("set-cookie", "a=b"),
    ];
    let p = parts("GET", API, &[]);
    let res = resp(200, &[&[ACAO_PAGE][..], &hs].concat());
    assert_eq!(
        readable(&check_response(&view(&p), &res, &SPEC).unwrap()),
        [
            "access-control-allow-origin",
            "access-control-expose-headers",
            "x-a"
        ]
    );
    let r = view(&p).with_credentials(INC);
    let res = resp(
        200,
        &[
            &[ACAO_PAGE, ("access-control-allow-credentials", "true")][..],
            &hs,
        ]
        .concat(),
    );
    assert!(readable(&check_response(&r, &res, &SPEC).unwrap()).is_empty());
}

#[test]
fn item_131_unparsable_expose_headers_exposes_nothing_extra() {
    let p = parts("GET", API, &[]);
    let res = resp(
        200,
        &[
            ACAO_PAGE,
            ("access-control-expose-headers", "X Foo"),
            ("x", "1"),
            ("foo", "2"),
            ("content-type", "t"),
        ],
    );
    assert_eq!(
        readable(&check_response(&view(&p), &res, &SPEC).unwrap()),
        ["content-type"]
    );
}

#[test]
fn item_132_preflight_expose_headers_irrelevant() {
    // The exposure is computed from the final response only: there is no way to pass the
    // preflight's headers into check_response, and the grant keeps none.
    let p = parts("PUT", API, &[]);
    let r = view(&p);
    let pre = resp(
        200,
        &[
            ACAO_PAGE,
            ("access-control-allow-methods", "PUT"),
            ("access-control-expose-headers", "x-a"),
        ],
    );
    assert!(check_preflight_response(&r, &pre, &SPEC).is_ok());
    let res = resp(200, &[ACAO_PAGE, ("x-a", "1")]);
    assert!(readable(&check_response(&r, &res, &SPEC).unwrap()).is_empty());
}

#[test]
fn item_133_opaque_shows_nothing() {
    let p = parts("GET", API, &[]);
    let res = resp(404, &[("x", "1")]);
    let e = check_response(&view(&p).with_mode(Mode::NoCors), &res, &SPEC).unwrap();
    assert_eq!(
        (e.response_type(), e.status(), readable(&e).len()),
        (ResponseType::Opaque, 0, 0)
    );
    assert_eq!(e.internal_status(), 404);
}

#[test]
fn item_134_opaque_redirect() {
    let p = parts("GET", "https://app.example/surprise", &[]);
    let res = resp(302, &[("location", "/x")]);
    let e = check_response(&view(&p).with_redirect(RedirectMode::Manual), &res, &SPEC).unwrap();
    assert_eq!(
        (e.response_type(), e.status(), readable(&e).len()),
        (ResponseType::OpaqueRedirect, 0, 0)
    );
}

#[test]
fn item_135_network_error_is_an_err() {
    let p = parts("GET", API, &[]);
    assert!(check_response(&view(&p), &resp(200, &[]), &SPEC).is_err());
}

#[test]
fn item_110_redirect_mode_error() {
    let p = parts("GET", API, &[]);
    let r = view(&p).with_redirect(RedirectMode::Error);
    assert_eq!(
        check_response(&r, &resp(301, &[ACAO_PAGE, ("location", "/x")]), &SPEC).unwrap_err(),
        CorsError::RedirectModeError
    );
}

// ---------------------------------------------------------------- 10. credentials

#[test]
fn item_138_include_credentials() {
    let p = parts("GET", API, &[]);
    assert!(!include_credentials(&view(&p), ResponseTainting::Cors));
    assert!(include_credentials(
        &view(&p).with_credentials(INC),
        ResponseTainting::Cors
    ));
    let same = parts("GET", "https://app.example/", &[]);
    assert!(include_credentials(&view(&same), ResponseTainting::Basic));
}

#[test]
fn item_139_tainted_hop_back_home_has_no_cookies() {
    let p = parts("GET", "https://app.example/back", &[]);
    let r = view(&p)
        .with_tainting(ResponseTainting::Cors)
        .with_redirects(RedirectTaint::CrossSite, 2);
    assert!(!include_credentials(&r, ResponseTainting::Cors));
}

#[test]
fn item_140_omit_never_sends() {
    let p = parts("GET", "https://app.example/", &[]);
    assert!(!include_credentials(
        &view(&p).with_credentials(CredentialsMode::Omit),
        ResponseTainting::Basic
    ));
}

#[test]
fn item_141_cookies_stored_even_when_check_fails() {
    // Set-Cookie processing follows includeCredentials, decided before the CORS check runs.
    let p = parts("GET", API, &[]);
    let r = view(&p).with_credentials(INC);
    assert!(include_credentials(&r, ResponseTainting::Cors));
    assert!(check_response(&r, &resp(200, &[ACAO_PAGE, ("set-cookie", "a=b")]), &SPEC).is_err());
}

#[test]
fn item_142_preflight_without_actual_with_credentials() {
    let p = parts("PUT", API, &[]);
    let r = view(&p).with_credentials(INC);
    let pre = preflight_request(&r, &SPEC).unwrap();
    assert!(!pre.headers().contains_key("cookie"));
    assert!(include_credentials(&r, ResponseTainting::Cors));
}

#[test]
fn item_145_wildcard_fails_with_include_regardless_of_cookies() {
    assert!(matches!(
        check(INC, &[("access-control-allow-origin", "*")]),
        Err(CorsError::WildcardOriginWithCredentials { .. })
    ));
}

#[test]
fn item_126_origin_header_for_non_cors_posts() {
    let p = parts("POST", "https://app.example/form", &[]);
    let r = view(&p);
    assert_eq!(
        origin_header(&r, ResponseTainting::Basic),
        Some("https://app.example")
    );
    let get = parts("GET", "https://app.example/", &[]);
    assert_eq!(origin_header(&view(&get), ResponseTainting::Basic), None);
    let nc = parts("POST", "http://plain.example/", &[]);
    let r = view(&nc).with_mode(Mode::NoCors);
    assert_eq!(
        origin_header_with_policy(&r, ResponseTainting::Opaque, ReferrerPolicy::NoReferrer),
        Some("null")
    );
    assert_eq!(
        origin_header(&r, ResponseTainting::Opaque),
        Some("null"),
        "https page to http URL is a downgrade"
    );
}
