//! Each profile field changes what it says it changes, and nothing else: one test per field,
//! each failing if the field were ignored.

use std::sync::LazyLock;

use fetch_cors::profile::{MaxAgeParse, MethodMatch, MultipleAllowOrigin, PreflightErrorOrder};
use fetch_cors::{
    CorsError, MaxAge, Origin, Profile, Request, Stage, check_preflight_response, check_response,
    classify_request,
};
use http::{HeaderValue, request, response};

static PAGE: LazyLock<Origin> = LazyLock::new(|| Origin::parse("https://app.example").unwrap());

fn parts(method: &str, headers: &[(&str, &str)]) -> request::Parts {
    let mut b = http::Request::builder()
        .method(method)
        .uri("https://api.example/r");
    for (n, v) in headers {
        b = b.header(*n, HeaderValue::from_bytes(v.as_bytes()).unwrap());
    }
    b.body(()).unwrap().into_parts().0
}

fn resp(status: u16, headers: &[(&str, &str)]) -> response::Parts {
    let mut b = http::Response::builder().status(status);
    for (n, v) in headers {
        b = b.header(*n, HeaderValue::from_bytes(v.as_bytes()).unwrap());
    }
    b.body(()).unwrap().into_parts().0
}

fn check_err(profile: &Profile, headers: &[(&str, &str)]) -> CorsError {
    let p = parts("GET", &[]);
    let r = Request::from_parts(&p, &PAGE).unwrap();
    check_response(&r, &resp(200, headers), profile).unwrap_err()
}

const PAGE_ACAO: (&str, &str) = ("access-control-allow-origin", "https://app.example");

#[test]
fn multiple_allow_origin_is_reported_per_engine() {
    let two_lines = [PAGE_ACAO, PAGE_ACAO];
    let one_line = [(
        "access-control-allow-origin",
        "https://app.example, https://b.example",
    )];
    let space = [(
        "access-control-allow-origin",
        "https://app.example https://b.example",
    )];
    let multiple = |e: &CorsError| {
        matches!(
            e,
            CorsError::MultipleAllowOriginValues {
                stage: Stage::Response,
                ..
            }
        )
    };
    let mismatch = |e: &CorsError| matches!(e, CorsError::AllowOriginMismatch { .. });
    // The standard: all mismatches.
    for h in [&two_lines[..], &one_line, &space] {
        assert!(mismatch(&check_err(&Profile::SPEC, h)));
    }
    // Chromium: a comma or a space.
    assert!(multiple(&check_err(&Profile::CHROMIUM, &two_lines)));
    assert!(multiple(&check_err(&Profile::CHROMIUM, &space)));
    // Firefox: header lines only.
    assert!(multiple(&check_err(&Profile::FIREFOX, &two_lines)));
    assert!(mismatch(&check_err(&Profile::FIREFOX, &one_line)));
    // WebKit: a comma.
    assert!(multiple(&check_err(&Profile::WEBKIT, &one_line)));
    assert!(mismatch(&check_err(&Profile::WEBKIT, &space)));
    let mut p = Profile::CHROMIUM;
    p.multiple_allow_origin = MultipleAllowOrigin::Mismatch;
    assert!(!multiple(&check_err(&p, &two_lines)));
}

#[test]
fn invalid_allow_origin_value_is_chromium_reporting() {
    let bad = [("access-control-allow-origin", "not a url")];
    assert!(
        matches!(
            check_err(&Profile::CHROMIUM, &bad),
            CorsError::MultipleAllowOriginValues { .. }
        ),
        "a space reads as multiple first"
    );
    let bad = [("access-control-allow-origin", "nonsense")];
    assert!(matches!(
        check_err(&Profile::CHROMIUM, &bad),
        CorsError::InvalidAllowOriginValue { .. }
    ));
    assert!(matches!(
        check_err(&Profile::SPEC, &bad),
        CorsError::AllowOriginMismatch { .. }
    ));
    let null = [("access-control-allow-origin", "null")];
    assert!(matches!(
        check_err(&Profile::CHROMIUM, &null),
        CorsError::AllowOriginMismatch { .. }
    ));
}

#[test]
fn preflight_error_order() {
    let p = parts("PUT", &[]);
    let r = Request::from_parts(&p, &PAGE).unwrap();
    let both_bad = resp(404, &[]);
    assert!(matches!(
        check_preflight_response(&r, &both_bad, &Profile::SPEC),
        Err(CorsError::MissingAllowOrigin { .. })
    ));
    assert!(matches!(
        check_preflight_response(&r, &both_bad, &Profile::CHROMIUM),
        Err(CorsError::MissingAllowOrigin { .. })
    ));
    assert_eq!(
        check_preflight_response(&r, &both_bad, &Profile::WEBKIT).unwrap_err(),
        CorsError::PreflightInvalidStatus { status: 404 }
    );
    let mut p2 = Profile::WEBKIT;
    p2.preflight_error_order = PreflightErrorOrder::CorsCheckFirst;
    assert!(matches!(
        check_preflight_response(&r, &both_bad, &p2),
        Err(CorsError::MissingAllowOrigin { .. })
    ));
}

#[test]
fn expose_star_under_credentials() {
    let p = parts("GET", &[]);
    let r = Request::from_parts(&p, &PAGE)
        .unwrap()
        .with_credentials(fetch_cors::CredentialsMode::Include);
    let res = resp(
        200,
        &[
            PAGE_ACAO,
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "*"),
            ("accept", "x"),
            ("x-other", "y"),
        ],
    );
    let names = |profile: &Profile| {
        check_response(&r, &res, profile)
            .unwrap()
            .readable_names()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
    };
    // `*` is literal with credentials; WebKit still lets Accept through.
    assert!(names(&Profile::WEBKIT).contains(&"accept".to_owned()));
    assert!(!names(&Profile::SPEC).contains(&"accept".to_owned()));
    assert!(!names(&Profile::WEBKIT).contains(&"x-other".to_owned()));
    // Without `*` WebKit exposes nothing extra.
    let plain = resp(
        200,
        &[
            PAGE_ACAO,
            ("access-control-allow-credentials", "true"),
            ("accept", "x"),
        ],
    );
    assert_eq!(
        check_response(&r, &plain, &Profile::WEBKIT)
            .unwrap()
            .readable_names()
            .count(),
        0
    );
}

#[test]
fn max_age_parsers_per_engine() {
    let p = parts("PUT", &[]);
    let r = Request::from_parts(&p, &PAGE).unwrap();
    let grant = |profile: &Profile, v: &str| {
        let res = resp(
            204,
            &[
                PAGE_ACAO,
                ("access-control-allow-methods", "PUT"),
                ("access-control-max-age", v),
            ],
        );
        check_preflight_response(&r, &res, profile)
            .unwrap()
            .max_age()
    };
    assert_eq!(grant(&Profile::SPEC, "-1"), MaxAge::Seconds(5));
    assert_eq!(grant(&Profile::CHROMIUM, "-1"), MaxAge::Seconds(0));
    assert_eq!(grant(&Profile::FIREFOX, "-1"), MaxAge::DoNotCache);
    assert_eq!(grant(&Profile::WEBKIT, "-1"), MaxAge::Seconds(0));
    assert_eq!(grant(&Profile::CHROMIUM, "+7"), MaxAge::Seconds(7));
    assert_eq!(grant(&Profile::SPEC, "+7"), MaxAge::Seconds(5));
    assert_eq!(
        grant(&Profile::FIREFOX, "99999999999999999999"),
        MaxAge::Seconds(86400)
    );
    assert_eq!(
        grant(&Profile::CHROMIUM, "99999999999999999999"),
        MaxAge::Seconds(5)
    );
    let mut p2 = Profile::FIREFOX;
    p2.max_age.parse = MaxAgeParse::Spec;
    assert_eq!(grant(&p2, "-1"), MaxAge::Seconds(5));
}

#[test]
fn method_match_field() {
    let p = parts("patch", &[]);
    let r = Request::from_parts(&p, &PAGE).unwrap();
    let res = resp(204, &[PAGE_ACAO, ("access-control-allow-methods", "PATCH")]);
    assert!(check_preflight_response(&r, &res, &Profile::CHROMIUM).is_err());
    let mut legacy = Profile::CHROMIUM;
    legacy.method_match = MethodMatch::UppercaseRequestMethod;
    assert!(check_preflight_response(&r, &res, &legacy).is_ok());
}

#[test]
fn safelist_fields() {
    let p = parts("GET", &[("range", "Bytes=0-1")]);
    let r = Request::from_parts(&p, &PAGE).unwrap();
    assert!(matches!(
        classify_request(&r, &Profile::SPEC),
        fetch_cors::Classification::CorsWithPreflight(_)
    ));
    // WebKit compares `bytes` case-insensitively; Chromium, despite its source, does not.
    assert!(matches!(
        classify_request(&r, &Profile::CHROMIUM),
        fetch_cors::Classification::CorsWithPreflight(_)
    ));
    assert_eq!(
        classify_request(&r, &Profile::WEBKIT),
        fetch_cors::Classification::Cors
    );
    let v = "a".repeat(120);
    let hs: Vec<(&str, &str)> = (0..9).map(|_| ("accept-language", v.as_str())).collect();
    let p = parts("GET", &hs);
    let r = Request::from_parts(&p, &PAGE).unwrap();
    let mut no_total = Profile::SPEC;
    no_total.safelist.total_value_limit = None;
    assert!(matches!(
        classify_request(&r, &Profile::SPEC),
        fetch_cors::Classification::CorsWithPreflight(_)
    ));
    assert_eq!(
        classify_request(&r, &no_total),
        fetch_cors::Classification::Cors
    );
}

fn acrh(profile: &Profile, headers: &[(&str, &str)]) -> Option<String> {
    let p = parts("GET", headers);
    let r = Request::from_parts(&p, &PAGE).unwrap();
    let pre = fetch_cors::preflight_request(&r, profile).unwrap();
    pre.headers()
        .get("access-control-request-headers")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[test]
fn high_bytes_and_duplicates_and_repeats() {
    // Firefox preflights bytes 0x80-0xFF in Accept; the standard does not.
    let mut b = http::Request::builder()
        .method("GET")
        .uri("https://api.example/r");
    b = b.header("accept", HeaderValue::from_bytes(b"text/\xe9").unwrap());
    let p = b.body(()).unwrap().into_parts().0;
    let r = Request::from_parts(&p, &PAGE).unwrap();
    assert_eq!(
        classify_request(&r, &Profile::SPEC),
        fetch_cors::Classification::Cors
    );
    assert!(matches!(
        classify_request(&r, &Profile::FIREFOX),
        fetch_cors::Classification::CorsWithPreflight(_)
    ));
    // Firefox lists a name once per entry.
    assert_eq!(
        acrh(&Profile::SPEC, &[("x-a", "1"), ("x-a", "2")]).as_deref(),
        Some("x-a")
    );
    assert_eq!(
        acrh(&Profile::FIREFOX, &[("x-a", "1"), ("x-a", "2")]).as_deref(),
        Some("x-a,x-a")
    );
    // Chromium and WebKit check a repeated header's combined value.
    let hundred = "a".repeat(100);
    let twice = [("accept", hundred.as_str()), ("accept", hundred.as_str())];
    assert_eq!(acrh(&Profile::SPEC, &twice), None);
    assert_eq!(acrh(&Profile::CHROMIUM, &twice).as_deref(), Some("accept"));
    assert_eq!(acrh(&Profile::WEBKIT, &twice).as_deref(), Some("accept"));
    // Chromium's width takes whole numbers only; dpr takes decimals.
    assert_eq!(
        acrh(&Profile::CHROMIUM, &[("width", "1.5"), ("dpr", "1.5")]).as_deref(),
        Some("width")
    );
    // Firefox has no 1024-byte total rule.
    let v = "a".repeat(120);
    let many: Vec<(&str, &str)> = (0..9).map(|_| ("accept-language", v.as_str())).collect();
    assert_eq!(
        acrh(&Profile::SPEC, &many).as_deref(),
        Some("accept-language")
    );
    assert_eq!(acrh(&Profile::FIREFOX, &many), None);
}

#[test]
fn parse_and_check_are_the_two_halves_of_preflight_validation() {
    use fetch_cors::{check_preflight_grant, parse_preflight_response};
    let p = parts("PUT", &[("x-a", "1")]);
    let r = Request::from_parts(&p, &PAGE).unwrap();
    // Passes the CORS and status checks but allows neither PUT nor x-a.
    let res = resp(
        204,
        &[
            PAGE_ACAO,
            ("access-control-allow-methods", "DELETE"),
            ("access-control-max-age", "60"),
        ],
    );
    let parsed = parse_preflight_response(&r, &res, &Profile::SPEC).unwrap();
    assert_eq!(parsed.max_age(), MaxAge::Seconds(60));
    assert_eq!(
        check_preflight_grant(&r, parsed, &Profile::SPEC).err(),
        Some(CorsError::MethodNotAllowed {
            method: http::Method::PUT
        })
    );
    assert_eq!(
        check_preflight_response(&r, &res, &Profile::SPEC).unwrap_err(),
        CorsError::MethodNotAllowed {
            method: http::Method::PUT
        }
    );
    // The first half alone fails on what the CORS check sees.
    let no_acao = resp(204, &[("access-control-allow-methods", "PUT")]);
    assert!(matches!(
        parse_preflight_response(&r, &no_acao, &Profile::SPEC),
        Err(CorsError::MissingAllowOrigin { .. })
    ));
}
