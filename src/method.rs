//! Request methods: normalization and the two method classes CORS cares about.
//!
//! <https://fetch.spec.whatwg.org/#methods>
//!
//! Methods are case-sensitive byte sequences. Only six well-known methods are uppercased by
//! [`normalize`], so `patch` stays `patch` and is neither safelisted nor equal to `PATCH`.

use http::Method;

/// The methods that [`normalize`] uppercases, as (uppercase bytes, standard constant).
const NORMALIZED: [(&str, Method); 6] = [
    ("DELETE", Method::DELETE),
    ("GET", Method::GET),
    ("HEAD", Method::HEAD),
    ("OPTIONS", Method::OPTIONS),
    ("POST", Method::POST),
    ("PUT", Method::PUT),
];

/// Normalizes a method: `DELETE`, `GET`, `HEAD`, `OPTIONS`, `POST` and `PUT` in any case become
/// their uppercase form; every other method is returned unchanged.
///
/// <https://fetch.spec.whatwg.org/#concept-method-normalize>
///
/// ```
/// use fetch_cors::method::normalize;
/// use http::Method;
///
/// let post = Method::from_bytes(b"post").unwrap();
/// assert_eq!(normalize(&post), Method::POST);
/// let patch = Method::from_bytes(b"patch").unwrap();
/// assert_eq!(normalize(&patch).as_str(), "patch");
/// ```
pub fn normalize(method: &Method) -> Method {
    NORMALIZED
        .iter()
        .find(|(name, _)| method.as_str().eq_ignore_ascii_case(name))
        .map_or_else(|| method.clone(), |(_, standard)| standard.clone())
}

/// Whether `method` is `GET`, `HEAD` or `POST`, byte for byte.
///
/// <https://fetch.spec.whatwg.org/#cors-safelisted-method>
///
/// The comparison is case-sensitive: an unnormalized `get` is not safelisted.
pub fn is_cors_safelisted_method(method: &Method) -> bool {
    matches!(method.as_str(), "GET" | "HEAD" | "POST")
}

/// Whether `method` is a byte-case-insensitive match for `CONNECT`, `TRACE` or `TRACK`.
///
/// <https://fetch.spec.whatwg.org/#forbidden-method>
///
/// Takes bytes rather than an [`http::Method`] because it is also applied to the items of an
/// `X-HTTP-Method-Override` value, which need not be valid methods.
pub fn is_forbidden_method(method: &[u8]) -> bool {
    [b"CONNECT".as_slice(), b"TRACE", b"TRACK"]
        .iter()
        .any(|forbidden| method.eq_ignore_ascii_case(forbidden))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Method {
        Method::from_bytes(s.as_bytes()).unwrap()
    }

    #[test]
    fn item_031_safelisted_methods_are_case_sensitive() {
        assert!(is_cors_safelisted_method(&Method::GET));
        assert!(is_cors_safelisted_method(&Method::HEAD));
        assert!(is_cors_safelisted_method(&Method::POST));
        assert!(!is_cors_safelisted_method(&m("get")));
        assert!(!is_cors_safelisted_method(&m("Post")));
        assert!(!is_cors_safelisted_method(&Method::PATCH));
        assert!(!is_cors_safelisted_method(&Method::PUT));
        assert!(!is_cors_safelisted_method(&Method::OPTIONS));
    }

    #[test]
    fn item_032_normalize_uppercases_only_six_methods() {
        assert_eq!(normalize(&m("post")), Method::POST);
        for name in ["delete", "Get", "hEaD", "options", "post", "pUt"] {
            let normalized = normalize(&m(name));
            assert_eq!(normalized.as_str(), name.to_ascii_uppercase());
        }
        assert_eq!(normalize(&m("patch")).as_str(), "patch");
        assert_eq!(normalize(&m("PATCH")), Method::PATCH);
        assert_eq!(normalize(&m("eGg")).as_str(), "eGg");
        assert_eq!(normalize(&m("CHICKEN")).as_str(), "CHICKEN");
        // Normalizing makes a lowercase `post` safelisted, but not `patch`.
        assert!(is_cors_safelisted_method(&normalize(&m("post"))));
        assert!(!is_cors_safelisted_method(&normalize(&m("patch"))));
    }

    #[test]
    fn item_032_normalize_is_idempotent() {
        for name in ["GET", "get", "patch", "x"] {
            let once = normalize(&m(name));
            assert_eq!(normalize(&once), once);
        }
    }

    #[test]
    fn item_033_forbidden_methods() {
        assert!(is_forbidden_method(b"trace"));
        assert!(is_forbidden_method(b"TRACE"));
        assert!(is_forbidden_method(b"Connect"));
        assert!(is_forbidden_method(b"track"));
        assert!(!is_forbidden_method(b"TRACES"));
        assert!(!is_forbidden_method(b"GET"));
        assert!(!is_forbidden_method(b""));
        assert!(!is_forbidden_method(b" TRACE"));
    }
}
