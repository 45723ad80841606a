//! Chromium `services/network/public/cpp/cors/cors_unittest.cc` (`CorsTest.*`), as stored
//! at chromium/chromium@056619abfc550c46d106f6638575d701597bf463.
//!
//! Ported: the `CheckAccess*` tests (the CORS check), the safelist, unsafe-names, no-CORS,
//! privileged and forbidden-method predicates. Out of scope: the three
//! `CheckAccessAndReportMetrics*` tests (UMA histograms), `CheckExternalPreflightErrors`
//! (Private Network Access, not modelled), and the `SafelistedSecCH*` tests (`Sec-` names are
//! forbidden request-headers a page cannot set; the browser adds them itself).
//! Deliberate differences: see `EXPECTED-DIFFERENCES.md` (rows C1-C2).

use fetch_cors::header::safelist::cors_unsafe_request_header_names;
use fetch_cors::header::{
    is_cors_safelisted_request_header, is_no_cors_safelisted_request_header_name,
    is_privileged_no_cors_request_header_name,
};
use fetch_cors::method::{is_cors_safelisted_method, is_forbidden_method};
use fetch_cors::{
    Classification, CorsError, CredentialsMode, OpaqueOrigin, Origin, Profile, ResponseHead, Stage,
    classify_request, cors_check,
};
use http::{HeaderMap, HeaderName, Method};

use crate::support::{OwnedRequest, headers, origin, response};

const CHROMIUM: Profile = Profile::CHROMIUM;
const SPEC: Profile = Profile::SPEC;
const BOTH: [Profile; 2] = [Profile::CHROMIUM, Profile::SPEC];
const RESPONSE_URL: &str = "http://example.com/data";

/// Upstream's `CheckAccess(response_url, allow_origin, allow_credentials, credentials_mode,
/// origin)`: the CORS check of a response carrying those two headers.
fn check_access(
    allow_origin: Option<&str>,
    allow_credentials: Option<&str>,
    credentials: CredentialsMode,
    page: &Origin,
    profile: &Profile,
) -> Result<(), CorsError> {
    let req = OwnedRequest::new(page.clone(), "GET", RESPONSE_URL).credentials(credentials);
    let resp = response(
        200,
        &[
            ("access-control-allow-origin", allow_origin),
            ("access-control-allow-credentials", allow_credentials),
        ],
    );
    cors_check(
        &req.view(),
        &ResponseHead::from(&resp),
        Stage::Response,
        profile,
    )
    .map(|_| ())
}

fn google() -> Origin {
    origin("http://google.com")
}

fn safelisted(name: &str, value: &[u8], profile: &Profile) -> bool {
    let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
    is_cors_safelisted_request_header(&name, value, &profile.safelist)
}

#[test]
fn check_access_detects_wildcard_origin_not_allowed() {
    // cors_unittest.cc CorsTest.CheckAccessDetectsWildcardOriginNotAllowed
    for p in &BOTH {
        assert_eq!(
            check_access(Some("*"), None, CredentialsMode::Omit, &google(), p),
            Ok(())
        );
        assert!(matches!(
            check_access(Some("*"), None, CredentialsMode::Include, &google(), p),
            Err(CorsError::WildcardOriginWithCredentials { .. })
        ));
    }
}

#[test]
fn check_access_detects_missing_allow_origin_header() {
    // cors_unittest.cc CorsTest.CheckAccessDetectsMissingAllowOriginHeader
    for p in &BOTH {
        assert!(matches!(
            check_access(None, None, CredentialsMode::Omit, &google(), p),
            Err(CorsError::MissingAllowOrigin { .. })
        ));
    }
}

#[test]
fn check_access_detects_multiple_allow_origin_values() {
    // cors_unittest.cc CorsTest.CheckAccessDetectsMultipleAllowOriginValues
    for value in [
        "http://example.com http://another.example.com",
        "http://example.com,http://another.example.com",
    ] {
        assert!(matches!(
            check_access(Some(value), None, CredentialsMode::Omit, &google(), &CHROMIUM),
            Err(CorsError::MultipleAllowOriginValues { value: v, .. }) if v == value
        ));
        // The standard fails it too; which error it is reported as is the profile's choice.
        assert!(check_access(Some(value), None, CredentialsMode::Omit, &google(), &SPEC).is_err());
    }
}

#[test]
fn check_access_detects_invalid_allow_origin_value() {
    // cors_unittest.cc CorsTest.CheckAccessDetectsInvalidAllowOriginValue
    assert_eq!(
        check_access(
            Some("invalid.origin"),
            None,
            CredentialsMode::Omit,
            &google(),
            &CHROMIUM
        ),
        Err(CorsError::InvalidAllowOriginValue {
            stage: Stage::Response,
            value: "invalid.origin".into()
        })
    );
    assert!(
        check_access(
            Some("invalid.origin"),
            None,
            CredentialsMode::Omit,
            &google(),
            &SPEC
        )
        .is_err()
    );
}

#[test]
fn check_access_detects_allow_origin_mismatch() {
    // cors_unittest.cc CorsTest.CheckAccessDetectsAllowOriginMismatch
    for p in &BOTH {
        assert_eq!(
            check_access(
                Some(google().serialize()),
                None,
                CredentialsMode::Omit,
                &google(),
                p
            ),
            Ok(())
        );
        assert!(matches!(
            check_access(Some("http://not.google.com"), None, CredentialsMode::Omit, &google(), p),
            Err(CorsError::AllowOriginMismatch { value, .. }) if value == "http://not.google.com"
        ));
        // "null" matches a serialized opaque origin.
        let null_origin = Origin::from(OpaqueOrigin::anonymous());
        assert_eq!(null_origin.serialize(), "null");
        assert_eq!(
            check_access(Some("null"), None, CredentialsMode::Omit, &null_origin, p),
            Ok(())
        );
    }
}

#[test]
fn check_access_detects_invalid_allow_credential() {
    // cors_unittest.cc CorsTest.CheckAccessDetectsInvalidAllowCredential
    for p in &BOTH {
        let page = google();
        assert_eq!(
            check_access(
                Some(page.serialize()),
                Some("true"),
                CredentialsMode::Include,
                &page,
                p
            ),
            Ok(())
        );
        assert_eq!(
            check_access(
                Some(page.serialize()),
                Some("fuga"),
                CredentialsMode::Include,
                &page,
                p
            ),
            Err(CorsError::InvalidAllowCredentials {
                stage: Stage::Response,
                value: Some("fuga".into())
            })
        );
    }
}

#[test]
fn safelisted_method() {
    // cors_unittest.cc CorsTest.SafelistedMethod. Upstream's predicate is case-insensitive;
    // the standard's (and the crate's) compares the normalized method, so a request made with
    // `get` or `Get` is the simple GET upstream expects (difference C1: the raw predicate).
    for p in &BOTH {
        for (method, simple) in [
            ("get", true),
            ("Get", true),
            ("GET", true),
            ("HEAD", true),
            ("POST", true),
            ("OPTIONS", false),
        ] {
            let req = OwnedRequest::new(origin("https://page.example"), method, RESPONSE_URL);
            let view = req.view();
            let simple_cors = classify_request(&view, p) == Classification::Cors;
            assert_eq!(simple_cors, simple, "{method}");
        }
    }
    // C1: the predicate on an unnormalized method is byte-exact, as the standard says.
    assert!(!is_cors_safelisted_method(
        &Method::from_bytes(b"get").unwrap()
    ));
    assert!(!is_cors_safelisted_method(
        &Method::from_bytes(b"Get").unwrap()
    ));
    assert!(is_cors_safelisted_method(&Method::GET));
    assert!(!is_cors_safelisted_method(&Method::OPTIONS));
}

#[test]
fn safelisted_header() {
    // cors_unittest.cc CorsTest.SafelistedHeader
    for p in &BOTH {
        assert!(safelisted("accept", b"foo", p));
        assert!(!safelisted("foo", b"bar", p));
        assert!(!safelisted("user-agent", b"foo", p));
    }
}

/// The bytes upstream allows alone in `Accept` and in a `Content-Type` charset: every ASCII
/// byte but the CORS-unsafe ones.
const ACCEPT_ALLOWED: &[u8] =
    b"\t !#$%&'*+,-./0123456789;=ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~";
/// The bytes upstream allows in `Accept-Language` and `Content-Language`.
const LANGUAGE_ALLOWED: &[u8] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;=";

#[test]
fn safelisted_accept() {
    // cors_unittest.cc CorsTest.SafelistedAccept
    for p in &BOTH {
        for name in ["accept", "AccepT"] {
            assert!(safelisted(name, b"text/html", p));
            for b in 0u8..128 {
                assert_eq!(
                    safelisted(name, &[b], p),
                    ACCEPT_ALLOWED.contains(&b),
                    "{name} {b:#x}"
                );
            }
            for b in 128u8..=255 {
                assert!(safelisted(name, &[b], p), "{name} {b:#x}");
            }
            assert!(safelisted(name, &[b'a'; 128], p));
            assert!(!safelisted(name, &[b'a'; 129], p));
        }
    }
}

fn check_language_header(names: [&str; 2]) {
    for p in &BOTH {
        for name in names {
            assert!(safelisted(name, b"en,ja", p));
            for b in 0u8..=255 {
                assert_eq!(
                    safelisted(name, &[b], p),
                    LANGUAGE_ALLOWED.contains(&b),
                    "{name} {b:#x}"
                );
            }
            assert!(safelisted(name, &[b'a'; 128], p));
            assert!(!safelisted(name, &[b'a'; 129], p));
        }
    }
}

#[test]
fn safelisted_accept_language() {
    // cors_unittest.cc CorsTest.SafelistedAcceptLanguage
    check_language_header(["accept-language", "aCcEPT-lAngUAge"]);
}

#[test]
fn safelisted_content_language() {
    // cors_unittest.cc CorsTest.SafelistedContentLanguage
    check_language_header(["content-language", "cONTent-LANguaGe"]);
}

#[test]
fn safelisted_sec_ch_lang() {
    // cors_unittest.cc CorsTest.SafelistedSecCHLang. Difference C2: the crate safelists
    // neither `Sec-CH-Lang` (the upstream name; a `Sec-` name is forbidden, so a page cannot
    // send it) nor `Lang`. Chromium 156 preflights `Lang` with every value recorded
    // (`safelist-chromium-lang-*` in tests/browsers/scenarios/safelist.jsonl).
    for p in &BOTH {
        assert!(!safelisted("Sec-CH-Lang", b"\"en\", \"de\"", p));
        for value in [&b"en"[..], b"de", b"\"en\", \"de\""] {
            assert!(!safelisted("Lang", value, p));
        }
    }
}

#[test]
fn safelisted_content_type() {
    // cors_unittest.cc CorsTest.SafelistedContentType
    for p in &BOTH {
        for name in ["content-type", "cONtent-tYPe"] {
            for b in 0u8..=255 {
                let mut value = b"text/plain; charset=".to_vec();
                value.push(b);
                let allowed = b >= 128 || ACCEPT_ALLOWED.contains(&b);
                assert_eq!(safelisted(name, &value, p), allowed, "{name} {b:#x}");
            }
        }
        for (value, expected) in [
            ("text/plain", true),
            ("text/plain; charset=utf-8", true),
            ("  text/plain ; charset=UTF-8", true),
            ("text/plain; param=BOGUS", true),
            ("application/x-www-form-urlencoded", true),
            ("multipart/form-data", true),
            ("Text/plain", true),
            ("tEXT/PLAIN", true),
            ("text/html", false),
            ("image/png", false),
        ] {
            assert_eq!(
                safelisted("content-type", value.as_bytes(), p),
                expected,
                "{value}"
            );
        }
        for name in ["CoNtEnt-TyPE", "cONTent-tYPE"] {
            assert!(safelisted(name, b"text/plain", p));
            assert!(!safelisted(name, b"text/html", p));
            assert!(!safelisted(name, b"image/png", p));
        }
        for name in ["content-type", "cONTent-tYPE"] {
            let charset = |n: usize| format!("text/plain; charset={}", "a".repeat(n));
            assert!(safelisted(name, charset(108).as_bytes(), p));
            assert!(!safelisted(name, charset(109).as_bytes(), p));
        }
    }
}

#[test]
fn check_cors_client_hints_safelist() {
    // cors_unittest.cc CorsTest.CheckCorsClientHintsSafelist: Chromium's extra names. The
    // standard has none of them, so under SPEC every one is unsafe.
    let number_cases = [
        ("", false),
        ("abc", false),
        ("1.25", true),
        ("1.25-2.5", false),
        ("-1.25", false),
        ("1e2", false),
        ("inf", false),
        ("-2.3", false),
        ("NaN", false),
        ("1.25.3", false),
        ("1.", false),
        (".1", false),
        (".", false),
        ("1", true),
    ];
    for name in ["device-memory", "DEVICE-memory", "dpr", "Dpr"] {
        for (value, expected) in number_cases {
            assert_eq!(
                safelisted(name, value.as_bytes(), &CHROMIUM),
                expected,
                "{name}: {value:?}"
            );
            assert!(!safelisted(name, value.as_bytes(), &SPEC));
        }
    }
    let width = [
        ("", false),
        ("abc", false),
        ("125", true),
        ("1", true),
        ("125.2", false),
        ("-125", false),
        ("2147483648", true),
    ];
    for name in ["width", "WIDTH", "viewport-width", "viewport-Width"] {
        for (value, expected) in width {
            assert_eq!(
                safelisted(name, value.as_bytes(), &CHROMIUM),
                expected,
                "{name}: {value:?}"
            );
            assert!(!safelisted(name, value.as_bytes(), &SPEC));
        }
    }
}

fn unsafe_names(map: &HeaderMap, profile: &Profile) -> Vec<String> {
    cors_unsafe_request_header_names(map, &profile.safelist)
        .iter()
        .map(|n| n.as_str().to_owned())
        .collect()
}

/// Upstream returns the names in header order; the standard (and the crate) sorts them,
/// as Chromium itself does when it writes `Access-Control-Request-Headers`.
fn sorted(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

#[test]
fn cors_unsafe_request_header_names_cases() {
    // cors_unittest.cc CorsTest.CorsUnsafeRequestHeaderNames
    for p in &BOTH {
        assert!(unsafe_names(&HeaderMap::new(), p).is_empty());
    }
    let some = headers(&[
        ("content-type", b"text/plain"),
        ("dpr", b"12345"),
        ("aCCept", b"en,ja"),
        ("accept-charset", b"utf-8"),
        ("uSer-Agent", b"foo"),
        ("hogE", b"fuga"),
    ]);
    assert_eq!(
        unsafe_names(&some, &CHROMIUM),
        sorted(&["accept-charset", "user-agent", "hoge"])
    );
    // The standard has no `dpr`.
    assert_eq!(
        unsafe_names(&some, &SPEC),
        sorted(&["accept-charset", "dpr", "user-agent", "hoge"])
    );
    let none = headers(&[
        ("content-type", b"text/html"),
        ("dpr", b"123-45"),
        ("aCCept", b"en,ja"),
        ("accept-charset", b"utf-8"),
        ("uSer-Agent", b"foo"),
        ("hogE", b"fuga"),
    ]);
    for p in &BOTH {
        assert_eq!(
            unsafe_names(&none, p),
            sorted(&[
                "content-type",
                "dpr",
                "accept-charset",
                "user-agent",
                "hoge"
            ])
        );
    }

    let ones = |n: usize| "1".repeat(n).into_bytes();
    let at_limit = |content_type_ones: usize, width: usize| {
        let ct = format!("text/plain; charset={}", "1".repeat(content_type_ones)).into_bytes();
        let (o128, ow) = (ones(128), ones(width));
        headers(&[
            ("content-type", &ct),
            ("accept", &o128),
            ("accept-language", &o128),
            ("content-language", &o128),
            ("dpr", &o128),
            ("device-memory", &o128),
            ("save-data", b"on"),
            ("viewport-width", &o128),
            ("width", &ow),
            ("hogE", b"fuga"),
        ])
    };
    // The safelisted values add up to exactly 1024 bytes.
    assert_eq!(unsafe_names(&at_limit(108, 126), &CHROMIUM), ["hoge"]);
    // 1025 bytes: every name becomes unsafe.
    assert_eq!(
        unsafe_names(&at_limit(108, 127), &CHROMIUM),
        sorted(&[
            "hoge",
            "content-type",
            "accept",
            "accept-language",
            "content-language",
            "dpr",
            "device-memory",
            "save-data",
            "viewport-width",
            "width"
        ])
    );
    // 897 bytes, as `content-type` (148 bytes) is not safelisted and does not count.
    assert_eq!(
        unsafe_names(&at_limit(128, 127), &CHROMIUM),
        sorted(&["content-type", "hoge"])
    );
}

#[test]
fn no_cors_safelisted_header_name() {
    // cors_unittest.cc CorsTest.NoCorsSafelistedHeaderName
    for (name, expected) in [
        ("accept", true),
        ("AcCePT", true),
        ("accept-language", true),
        ("acCEPt-lAnguage", true),
        ("content-language", true),
        ("coNTENt-lAnguage", true),
        ("content-type", true),
        ("CONTENT-TYPE", true),
        ("range", false),
        ("cookie", false),
        ("foobar", false),
    ] {
        assert_eq!(
            is_no_cors_safelisted_request_header_name(name.as_bytes()),
            expected,
            "{name}"
        );
    }
}

#[test]
fn privileged_no_cors_header_name() {
    // cors_unittest.cc CorsTest.PrivilegedNoCorsHeaderName
    for (name, expected) in [
        ("range", true),
        ("RanGe", true),
        ("content-type", false),
        ("foobar", false),
        ("cookie", false),
    ] {
        assert_eq!(
            is_privileged_no_cors_request_header_name(name.as_bytes()),
            expected,
            "{name}"
        );
    }
}

#[test]
fn is_forbidden_method_cases() {
    // cors_unittest.cc CorsTest.IsForbiddenMethod
    for (method, expected) in [
        ("connect", true),
        ("CONNECT", true),
        ("Connect", true),
        ("CoNnEcT", true),
        ("C0NNECT", false),
        ("trace", true),
        ("track", true),
        ("trac", false),
        ("tracz", false),
    ] {
        assert_eq!(is_forbidden_method(method.as_bytes()), expected, "{method}");
    }
}
