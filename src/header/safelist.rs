//! Which request and response headers CORS lets through without asking the server.
//!
//! - Request side: [CORS-safelisted request-headers](is_cors_safelisted_request_header) and the
//!   [CORS-unsafe request-header names](cors_unsafe_request_header_names) of a header list, which
//!   decide whether a preflight is needed and what it lists in
//!   `Access-Control-Request-Headers`; the forbidden and no-CORS lists used by the `Headers`
//!   guards.
//! - Response side: the fixed CORS-safelisted response-header names and the forbidden
//!   response-header names.

use http::header::{
    ACCEPT, ACCEPT_LANGUAGE, AUTHORIZATION, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LANGUAGE,
    CONTENT_LENGTH, CONTENT_LOCATION, CONTENT_TYPE, EXPIRES, LAST_MODIFIED, PRAGMA, RANGE,
};
use http::{HeaderMap, HeaderName};
use smallvec::SmallVec;

use super::mime::essence_eq;
use super::range;
use super::tables::{is_cors_unsafe_request_header_byte, is_language_value_byte};
use super::values::{get, split_value};
use crate::method::is_forbidden_method;
use crate::profile::{ExtraValueRule, Profile, SafelistRules};
use crate::request::Request;

/// The longest value a CORS-safelisted request-header may have, in bytes.
///
/// <https://fetch.spec.whatwg.org/#cors-safelisted-request-header> step 1
pub const SAFELISTED_VALUE_LIMIT: usize = 128;

/// The `Content-Type` essences a CORS-safelisted request-header may have.
const SAFELISTED_CONTENT_TYPES: [&str; 3] = [
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
];

/// The rules of the standard, for the algorithms whose spec has no profile-dependent part.
const SPEC_RULES: SafelistRules = crate::profile::Profile::SPEC.safelist;

/// Whether (`name`, `value`) is a CORS-safelisted request-header under `rules`.
///
/// <https://fetch.spec.whatwg.org/#cors-safelisted-request-header>
///
/// In the standard: a value of at most 128 bytes, and one of
///
/// - `accept` with no CORS-unsafe request-header byte;
/// - `accept-language` or `content-language` made only of `0-9 A-Z a-z`, space and `*,-.;=`;
/// - `content-type` with no CORS-unsafe byte whose value parses as a MIME type with essence
///   `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain`;
/// - `range` holding a single range with a start (`bytes=0-` or `bytes=0-499`).
///
/// `rules` may add names ([`SafelistRules::extra_request_headers`]) and make the `bytes` of
/// `Range` case-insensitive ([`SafelistRules::range_value_case_insensitive`]).
///
/// ```
/// use fetch_cors::Profile;
/// use fetch_cors::header::safelist::is_cors_safelisted_request_header;
/// use http::header::{CONTENT_TYPE, RANGE};
///
/// let spec = &Profile::SPEC.safelist;
/// assert!(is_cors_safelisted_request_header(&CONTENT_TYPE, b"text/plain;charset=UTF-8", spec));
/// assert!(!is_cors_safelisted_request_header(&CONTENT_TYPE, b"application/json", spec));
/// assert!(!is_cors_safelisted_request_header(&RANGE, b"Bytes=0-1", spec));
/// assert!(is_cors_safelisted_request_header(&RANGE, b"Bytes=0-1", &Profile::WEBKIT.safelist));
/// ```
pub fn is_cors_safelisted_request_header(
    name: &HeaderName,
    value: &[u8],
    rules: &SafelistRules,
) -> bool {
    // Step 1.
    if value.len() > SAFELISTED_VALUE_LIMIT {
        return false;
    }
    // An engine that rejects bytes 0x80-0xFF treats them as CORS-unsafe bytes too.
    let unsafe_byte =
        |b: u8| is_cors_unsafe_request_header_byte(b) || (!rules.high_bytes_allowed && b >= 0x80);
    // Step 2. `http` represents these five names as standard headers (whatever the case they
    // were given in), so comparing with the constants compares enum tags, not bytes.
    if *name == ACCEPT {
        !value.iter().copied().any(unsafe_byte)
    } else if *name == ACCEPT_LANGUAGE || *name == CONTENT_LANGUAGE {
        value.iter().copied().all(is_language_value_byte)
    } else if *name == CONTENT_TYPE {
        !value.iter().copied().any(unsafe_byte) && essence_eq(value, &SAFELISTED_CONTENT_TYPES)
    } else if *name == RANGE {
        matches!(
            range::parse(value, false, rules.range_value_case_insensitive),
            // A suffix range (`bytes=-500`) has no start and is not safelisted.
            Some((Some(_), _))
        )
    } else if rules.extra_request_headers.is_empty() {
        false
    } else {
        // `HeaderName` is already lowercase.
        let other = name.as_str();
        rules
            .extra_request_headers
            .iter()
            .find(|extra| extra.name == other)
            .is_some_and(|extra| extra_value_matches(extra.value, value))
    }
}

/// Checks a value against the grammar of an engine-specific safelisted header.
fn extra_value_matches(rule: ExtraValueRule, value: &[u8]) -> bool {
    match rule {
        // `1*DIGIT [ "." 1*DIGIT ]`, the client-hint number grammar.
        ExtraValueRule::Number => {
            let (integer, fraction) = match value.iter().position(|&b| b == b'.') {
                Some(dot) => (value.get(..dot), value.get(dot + 1..)),
                None => (Some(value), None),
            };
            let digits = |part: &[u8]| !part.is_empty() && part.iter().all(u8::is_ascii_digit);
            integer.is_some_and(digits) && fraction.is_none_or(digits)
        }
        ExtraValueRule::Integer => !value.is_empty() && value.iter().all(u8::is_ascii_digit),
        ExtraValueRule::OneOf(allowed) => allowed.iter().any(|a| a.as_bytes() == value),
        ExtraValueRule::OneOfIgnoringCase(allowed) => allowed
            .iter()
            .any(|a| a.as_bytes().eq_ignore_ascii_case(value)),
        ExtraValueRule::Any => value.iter().all(|&b| (0x20..=0x7E).contains(&b)),
        // The caller has already applied the 128-byte limit.
        ExtraValueRule::AnyValue => true,
    }
}

/// The CORS-unsafe request-header names of a header list: lowercase, sorted by byte value,
/// without duplicates. Up to eight names are held without allocating.
pub type UnsafeNames<'h> = SmallVec<[&'h HeaderName; 8]>;

/// The CORS-unsafe names a preflight for `request` lists, and that its answer must allow:
/// the request's own `current` names, or after a redirect the names the profile's engine
/// takes from the page's original header list. Decided once here, so the preflight, its
/// check and the cache all see the same list.
///
/// - [`RedirectRules::preflight_lists_original_headers`](crate::profile::RedirectRules)
///   (WebKit): every name the page set, even those a redirect removed
///   (`fidelity-12-auth-bp-b-no-grant` fails when B grants no `authorization`).
/// - [`RedirectRules::preflight_relists_headers_earlier_redirects_removed`](crate::profile::RedirectRules)
///   (Firefox): the page's names less those the latest redirect removed
///   (`fidelity-11-ct-303-then-302s-bp`).
pub fn preflight_header_names<'r>(
    request: &'r Request<'_>,
    current: UnsafeNames<'r>,
    profile: &Profile,
) -> UnsafeNames<'r> {
    let rules = profile.redirect;
    if request.redirect_count() == 0 {
        return current;
    }
    if rules.preflight_lists_original_headers {
        return cors_unsafe_request_header_names(request.original_headers(), &profile.safelist);
    }
    if rules.preflight_relists_headers_earlier_redirects_removed {
        let history = request.history();
        let mut names =
            cors_unsafe_request_header_names(request.original_headers(), &profile.safelist);
        names.retain(|n| {
            let removed_now = (history.last_redirect_cross_origin && *n == AUTHORIZATION)
                || (history.last_redirect_rewrote_method && is_request_body_header_name(n));
            !removed_now
        });
        return names;
    }
    current
}

/// Fetch's *request-body-header names*.
fn is_request_body_header_name(name: &HeaderName) -> bool {
    [
        CONTENT_ENCODING,
        CONTENT_LANGUAGE,
        CONTENT_LOCATION,
        CONTENT_TYPE,
    ]
    .contains(name)
}

/// The names of the headers in `headers` that are not CORS-safelisted, sorted and without
/// duplicates: what a preflight lists in `Access-Control-Request-Headers`.
///
/// <https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names>
///
/// Each header entry is checked on its own, so one bad `Accept` entry makes `accept` unsafe.
/// With [`SafelistRules::combine_repeated`] each name's combined value is checked once instead.
/// The lengths of the safelisted values are added up; past
/// [`SafelistRules::total_value_limit`], every name becomes unsafe.
///
/// The names are already lowercase (`http` stores them so), so byte order is the spec's
/// "byte less than" on the byte-lowercased names.
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// use fetch_cors::Profile;
/// use fetch_cors::header::safelist::cors_unsafe_request_header_names;
///
/// let mut headers = HeaderMap::new();
/// headers.append("X-B", HeaderValue::from_static("1"));
/// headers.append("x-a", HeaderValue::from_static("1"));
/// headers.append("X-A", HeaderValue::from_static("2"));
/// headers.append("accept", HeaderValue::from_static("*/*"));
/// let names = cors_unsafe_request_header_names(&headers, &Profile::SPEC.safelist);
/// assert_eq!(names.iter().map(|n| n.as_str()).collect::<Vec<_>>(), ["x-a", "x-b"]);
/// ```
pub fn cors_unsafe_request_header_names<'h>(
    headers: &'h HeaderMap,
    rules: &SafelistRules,
) -> UnsafeNames<'h> {
    let mut unsafe_names = UnsafeNames::new();
    let mut safelist_value_size: usize = 0;
    // Step 4. A name is unsafe as soon as one of its entries is; an engine that does not
    // de-duplicate lists the name once per unsafe entry.
    if rules.combine_repeated {
        // `HeaderMap` yields a name's entries together under one stored key, so a name whose
        // next entry has another key has a single value and needs no second lookup.
        let mut entries = headers.iter().peekable();
        while let Some((name, value)) = entries.next() {
            let repeated = entries
                .peek()
                .is_some_and(|(next, _)| std::ptr::eq(*next, name));
            let safelisted = if repeated {
                while entries
                    .peek()
                    .is_some_and(|(next, _)| std::ptr::eq(*next, name))
                {
                    entries.next();
                }
                combined_value_is_safelisted(headers, name, rules)
            } else {
                let value = value.as_bytes();
                is_cors_safelisted_request_header(name, value, rules).then_some(value.len())
            };
            match safelisted {
                Some(len) => safelist_value_size = safelist_value_size.saturating_add(len),
                None => unsafe_names.push(name),
            }
        }
    } else {
        // Entry by entry, without a second lookup per name.
        for (name, value) in headers {
            let value = value.as_bytes();
            if is_cors_safelisted_request_header(name, value, rules) {
                safelist_value_size = safelist_value_size.saturating_add(value.len());
            } else if !(rules.deduplicate_unsafe_names && unsafe_names.last() == Some(&name)) {
                // `HeaderMap` yields the entries of one name together, so this skips most
                // duplicates at once; the `dedup` below makes sure of the rest.
                unsafe_names.push(name);
            }
        }
    }
    // Step 5: every header is either unsafe or potentially unsafe, so past the limit the
    // result is every name in the list.
    if rules
        .total_value_limit
        .is_some_and(|limit| safelist_value_size > limit)
    {
        unsafe_names.clear();
        unsafe_names.extend(headers.keys());
    }
    // Step 6: sorted, and for the standard's set semantics without duplicates.
    unsafe_names.sort_unstable_by(|a, b| byte_order(a, b));
    if rules.deduplicate_unsafe_names {
        unsafe_names.dedup();
    }
    unsafe_names
}

/// The byte order of two (lowercase) names. Names mostly differ in their first byte, which is
/// compared before the whole names are.
fn byte_order(a: &HeaderName, b: &HeaderName) -> std::cmp::Ordering {
    let (a, b) = (a.as_str().as_bytes(), b.as_str().as_bytes());
    match (a.first(), b.first()) {
        (Some(x), Some(y)) if x != y => x.cmp(y),
        _ => a.cmp(b),
    }
}

/// With `combine_repeated`: the combined value's length if it is safelisted, else `None`.
fn combined_value_is_safelisted(
    headers: &HeaderMap,
    name: &HeaderName,
    rules: &SafelistRules,
) -> Option<usize> {
    with_combined_value(headers, name, |value| {
        is_cors_safelisted_request_header(name, value, rules).then_some(value.len())
    })
    .flatten()
}

/// Calls `f` with the combined value of `name`, without allocating. `None` when the header
/// is absent or its combined value is longer than any safelisted value may be.
fn with_combined_value<T>(
    headers: &HeaderMap,
    name: &HeaderName,
    f: impl FnOnce(&[u8]) -> T,
) -> Option<T> {
    let combined = get(headers, name)?;
    if let Some(value) = combined.single() {
        return Some(f(value));
    }
    // A combined value longer than the limit is unsafe anyway, so a buffer of that size holds
    // every value worth checking.
    let mut buf = [0u8; SAFELISTED_VALUE_LIMIT];
    let value = combined.copy_to(&mut buf)?;
    Some(f(value))
}

/// Whether the combined value of `name` in `headers` is a no-CORS-safelisted request-header:
/// the test the "request-no-cors" `Headers` guard makes when a value is appended.
///
/// <https://fetch.spec.whatwg.org/#concept-headers-append> step 3
///
/// ```
/// use fetch_cors::header::safelist::is_no_cors_safelisted_in;
/// use http::{header::ACCEPT, HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// headers.append(ACCEPT, HeaderValue::from_static("a"));
/// headers.append(ACCEPT, HeaderValue::from_static("b"));
/// assert!(is_no_cors_safelisted_in(&headers, &ACCEPT)); // "a, b"
/// let long = "x".repeat(125); // 128 bytes alone, 131 combined
/// headers.append(ACCEPT, HeaderValue::from_str(&long).unwrap());
/// assert!(!is_no_cors_safelisted_in(&headers, &ACCEPT)); // over 128 bytes combined
/// ```
pub fn is_no_cors_safelisted_in(headers: &HeaderMap, name: &HeaderName) -> bool {
    with_combined_value(headers, name, |value| {
        is_no_cors_safelisted_request_header(name, value)
    })
    .unwrap_or(false)
}

/// Whether (`name`, `value`) is a forbidden request-header, one that script may not set.
///
/// <https://fetch.spec.whatwg.org/#forbidden-request-header>
///
/// That is a fixed list of names, any name starting with `proxy-` or `sec-`, and the
/// method-override headers (`x-http-method`, `x-http-method-override`, `x-method-override`)
/// when an item of their value is a forbidden method.
///
/// ```
/// use fetch_cors::header::safelist::is_forbidden_request_header;
/// use http::HeaderName;
///
/// let name = HeaderName::from_static("x-http-method-override");
/// assert!(is_forbidden_request_header(&name, b"GET, trace"));
/// assert!(!is_forbidden_request_header(&name, b"PATCH"));
/// ```
pub fn is_forbidden_request_header(name: &HeaderName, value: &[u8]) -> bool {
    let name = name.as_str();
    // Step 1.
    if is_always_forbidden_request_header_name(name) {
        return true;
    }
    // Step 2.
    if name.starts_with("proxy-") || name.starts_with("sec-") {
        return true;
    }
    // Step 3.
    if matches!(
        name,
        "x-http-method" | "x-http-method-override" | "x-method-override"
    ) {
        return split_value(value).any(is_forbidden_method);
    }
    // Step 4.
    false
}

/// [`is_forbidden_request_header`], plus the names the profile's `Headers` guard also drops
/// ([`SafelistRules::extra_forbidden_request_headers`]).
///
/// ```
/// use fetch_cors::header::safelist::is_forbidden_request_header_in;
/// use fetch_cors::Profile;
/// use http::header::USER_AGENT;
///
/// assert!(is_forbidden_request_header_in(&USER_AGENT, b"bot", &Profile::CHROMIUM.safelist));
/// assert!(!is_forbidden_request_header_in(&USER_AGENT, b"bot", &Profile::FIREFOX.safelist));
/// ```
pub fn is_forbidden_request_header_in(
    name: &HeaderName,
    value: &[u8],
    rules: &SafelistRules,
) -> bool {
    is_forbidden_request_header(name, value)
        || rules
            .extra_forbidden_request_headers
            .iter()
            .any(|n| *n == name.as_str())
}

/// Whether `name` (lowercase) is in [`FORBIDDEN_REQUEST_HEADER_NAMES`]. A `match` on the
/// length first, so that a name is compared with at most a few candidates of its length.
fn is_always_forbidden_request_header_name(name: &str) -> bool {
    match name.len() {
        2 => name == "te",
        3 => matches!(name, "dnt" | "via"),
        4 => matches!(name, "date" | "host"),
        6 => matches!(name, "cookie" | "expect" | "origin"),
        7 => matches!(name, "cookie2" | "referer" | "trailer" | "upgrade"),
        10 => matches!(name, "connection" | "keep-alive" | "set-cookie"),
        14 => matches!(name, "accept-charset" | "content-length"),
        15 => name == "accept-encoding",
        17 => name == "transfer-encoding",
        29 => name == "access-control-request-method",
        30 => name == "access-control-request-headers",
        _ => false,
    }
}

/// The names that are always forbidden request-headers, lowercase: the standard's list, which
/// the `match` above must equal (checked by a test).
#[cfg_attr(not(test), allow(dead_code))]
const FORBIDDEN_REQUEST_HEADER_NAMES: [&str; 21] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// Whether `name` is `Accept`, `Accept-Language`, `Content-Language` or `Content-Type`, in any
/// case: the names a request in "no-cors" mode may carry.
///
/// <https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header-name>
pub fn is_no_cors_safelisted_request_header_name(name: &[u8]) -> bool {
    [
        &b"accept"[..],
        b"accept-language",
        b"content-language",
        b"content-type",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
}

/// Whether (`name`, `value`) is a no-CORS-safelisted request-header: a no-CORS-safelisted name
/// whose value passes the CORS-safelisted request-header test.
///
/// <https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header>
///
/// The `Headers` "request-no-cors" guard applies this to the value a header would have after
/// the change (for `append`, the combined value).
pub fn is_no_cors_safelisted_request_header(name: &HeaderName, value: &[u8]) -> bool {
    // None of these four names depends on a profile, so the standard's rules serve.
    is_no_cors_safelisted_request_header_name(name.as_ref())
        && is_cors_safelisted_request_header(name, value, &SPEC_RULES)
}

/// Whether `name` is `Range` in any case: a header that privileged APIs may set on a no-CORS
/// request and that is removed when script modifies such a request's headers.
///
/// <https://fetch.spec.whatwg.org/#privileged-no-cors-request-header-name>
pub fn is_privileged_no_cors_request_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"range")
}

/// Whether `name` is `Authorization` in any case: the one request header that
/// `Access-Control-Allow-Headers: *` does not cover in the standard.
///
/// <https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name>
pub fn is_cors_non_wildcard_request_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"authorization")
}

/// Whether `name` is `Set-Cookie` or `Set-Cookie2` in any case: response headers never exposed
/// to script, even through `Access-Control-Expose-Headers`.
///
/// <https://fetch.spec.whatwg.org/#forbidden-response-header-name>
pub fn is_forbidden_response_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"set-cookie") || name.eq_ignore_ascii_case(b"set-cookie2")
}

/// The response header names every CORS response exposes, lowercase.
///
/// <https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name>
pub const CORS_SAFELISTED_RESPONSE_HEADER_NAMES: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

/// Whether `name` is one of the seven [`CORS_SAFELISTED_RESPONSE_HEADER_NAMES`], in any case.
///
/// <https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name>
///
/// The spec's definition also takes the names listed by `Access-Control-Expose-Headers`; this
/// function covers only the fixed part, and exposure through that list is decided elsewhere.
pub fn is_cors_safelisted_response_header_name(name: &[u8]) -> bool {
    CORS_SAFELISTED_RESPONSE_HEADER_NAMES
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
}

/// [`is_cors_safelisted_response_header_name`] for a [`HeaderName`]. `http` represents all
/// seven names as standard headers, so this compares enum tags rather than bytes.
pub(crate) fn is_cors_safelisted_response_header(name: &HeaderName) -> bool {
    *name == CACHE_CONTROL
        || *name == CONTENT_LANGUAGE
        || *name == CONTENT_LENGTH
        || *name == CONTENT_TYPE
        || *name == EXPIRES
        || *name == LAST_MODIFIED
        || *name == PRAGMA
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Profile;
    use http::HeaderValue;
    use http::header::{ACCEPT, ACCEPT_LANGUAGE, CONTENT_LANGUAGE, CONTENT_TYPE, RANGE};

    const SPEC: &SafelistRules = &Profile::SPEC.safelist;
    const CHROMIUM: &SafelistRules = &Profile::CHROMIUM.safelist;

    fn name(s: &str) -> HeaderName {
        HeaderName::from_bytes(s.as_bytes()).unwrap()
    }

    fn safe(n: &str, value: &[u8]) -> bool {
        is_cors_safelisted_request_header(&name(n), value, SPEC)
    }

    fn map(entries: &[(&str, &[u8])]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (n, v) in entries {
            headers.append(name(n), HeaderValue::from_bytes(v).unwrap());
        }
        headers
    }

    fn unsafe_names(entries: &[(&str, &[u8])], rules: &SafelistRules) -> Vec<String> {
        let headers = map(entries);
        cors_unsafe_request_header_names(&headers, rules)
            .iter()
            .map(|n| n.as_str().to_owned())
            .collect()
    }

    #[test]
    fn item_045_only_five_names_are_safelisted() {
        assert!(!safe("X-Requested-With", b"XMLHttpRequest"));
        assert!(safe("Accept", b"*/*"));
        assert!(safe("Accept-Language", b"en"));
        assert!(safe("Content-Language", b"en"));
        assert!(safe("Content-Type", b"text/plain"));
        assert!(safe("Range", b"bytes=0-"));
        assert_eq!(
            unsafe_names(&[("x-requested-with", b"XMLHttpRequest")], SPEC),
            ["x-requested-with"]
        );
    }

    #[test]
    fn item_046_value_limit_is_128_bytes() {
        let ok = vec![b'a'; 128];
        let long = vec![b'a'; 129];
        for n in ["accept", "accept-language", "content-language"] {
            assert!(safe(n, &ok), "{n}");
            assert!(!safe(n, &long), "{n}");
        }
        let mut content_type = b"text/plain;x=".to_vec();
        content_type.resize(128, b'y');
        assert!(safe("content-type", &content_type));
        content_type.push(b'y');
        assert!(!safe("content-type", &content_type));
        // Leading zeros keep a long range value valid: 6 + 121 + 1 = 128 bytes.
        let range = [&b"bytes="[..], &[b'0'; 121][..], b"-"].concat();
        assert!(safe("range", &range));
        let range = [&b"bytes="[..], &[b'0'; 122][..], b"-"].concat();
        assert!(!safe("range", &range));
        assert_eq!(
            unsafe_names(&[("accept-language", &long)], SPEC),
            ["accept-language"]
        );
    }

    #[test]
    fn item_047_accept_rejects_unsafe_bytes() {
        assert!(safe("accept", b"application/json"));
        assert!(!safe("accept", br#"text/html; q="0.9""#));
        assert!(!safe("accept", b"a:b"));
        assert!(safe("accept", b"text/*;q=0.8, */*"));
        assert!(safe("accept", b"a\tb"));
        for b in b"\"():<>?@[\\]{}\x7f\x00\x01\x1f" {
            assert!(!safe("accept", &[b'a', *b]), "byte {b:#04x}");
        }
        assert!(safe("accept", b"\x80\xff"));
    }

    #[test]
    fn item_048_language_bytes() {
        for n in ["accept-language", "content-language"] {
            assert!(safe(n, b"en-US,en;q=0.9"));
            assert!(!safe(n, b"en_US"));
            assert!(safe(n, b"de-CH"));
            assert!(!safe(n, b"fr\tFR"));
            assert!(safe(n, b"*"));
            assert!(safe(n, b""));
            assert!(!safe(n, b"en/US"));
        }
    }

    #[test]
    fn item_049_content_type_uses_parse_a_mime_type() {
        assert!(safe("content-type", b"text/plain;charset=UTF-8"));
        assert!(safe("content-type", b"TEXT/Plain"));
        assert!(safe("content-type", b"multipart/form-data; boundary=----x"));
        assert!(safe("content-type", b"application/x-www-form-urlencoded"));
        assert!(!safe("content-type", b"application/json"));
        assert!(!safe("content-type", b"text/plainx"));
        assert!(!safe("content-type", b""));
    }

    #[test]
    fn item_050_quoted_content_type_parameter_is_unsafe() {
        assert!(!safe("content-type", br#"text/plain; charset="utf-8""#));
    }

    #[test]
    fn item_051_two_content_types_are_unsafe() {
        assert!(!safe("content-type", b"application/json, text/plain"));
        // Two entries: each is checked on its own, so the JSON one makes the name unsafe.
        let entries: &[(&str, &[u8])] = &[
            ("content-type", b"application/json"),
            ("content-type", b"text/plain"),
        ];
        assert_eq!(unsafe_names(entries, SPEC), ["content-type"]);
        // Checked combined (`combine_repeated`), the value does not parse: unsafe too.
        let mut combined = *SPEC;
        combined.combine_repeated = true;
        assert_eq!(unsafe_names(entries, &combined), ["content-type"]);
        // Two `text/plain` entries are safe one by one, but combined the subtype runs to the
        // first `;` and so is `plain, text/plain`, which is not a token.
        let twice: &[(&str, &[u8])] = &[
            ("content-type", b"text/plain"),
            ("content-type", b"text/plain"),
        ];
        assert!(unsafe_names(twice, SPEC).is_empty());
        assert_eq!(unsafe_names(twice, &combined), ["content-type"]);
    }

    #[test]
    fn item_052_unparsable_content_type_is_unsafe() {
        assert!(!safe("content-type", b"text"));
        assert!(!safe("content-type", b"text /plain"));
    }

    #[test]
    fn item_053_range_simple_form() {
        assert!(safe("range", b"bytes=0-499"));
        assert!(safe("range", b"bytes=500-"));
        assert!(!safe("range", b"bytes=-500"));
        assert!(!safe("range", b"bytes=0-1,5-6"));
        assert!(!safe("range", b"bytes = 0-1"));
        assert!(!safe("range", b"Bytes=0-1"));
        assert!(!safe("range", b"bytes=5-1"));
        // WebKit compares the unit case-insensitively (recorded: safelist-range-Bytes);
        // Chromium, despite its source's lowercasing, preflights it.
        let webkit = &Profile::WEBKIT.safelist;
        assert!(is_cors_safelisted_request_header(
            &RANGE,
            b"Bytes=0-1",
            webkit
        ));
        assert!(is_cors_safelisted_request_header(
            &RANGE,
            b"BYTES=0-",
            webkit
        ));
        assert!(!is_cors_safelisted_request_header(
            &RANGE,
            b"Bytes=-1",
            webkit
        ));
        assert!(!is_cors_safelisted_request_header(
            &RANGE,
            b"Bytes=0-1",
            CHROMIUM
        ));
    }

    #[test]
    fn item_054_other_names_are_unsafe() {
        for n in [
            "authorization",
            "cache-control",
            "if-none-match",
            "x-anything",
            "dpr",
        ] {
            assert!(!safe(n, b"1"), "{n}");
        }
        assert_eq!(
            unsafe_names(&[("cache-control", b"no-cache")], SPEC),
            ["cache-control"]
        );
    }

    #[test]
    fn item_054_chromium_extra_safelisted_headers() {
        let chromium = |n: &str, v: &[u8]| is_cors_safelisted_request_header(&name(n), v, CHROMIUM);
        assert!(chromium("dpr", b"2"));
        assert!(chromium("dpr", b"1.5"));
        assert!(!chromium("dpr", b"1."));
        assert!(!chromium("dpr", b".5"));
        assert!(!chromium("dpr", b"1.5.1"));
        assert!(!chromium("dpr", b""));
        assert!(!chromium("dpr", b"-1"));
        assert!(chromium("device-memory", b"8"));
        assert!(chromium("width", b"1920"));
        assert!(chromium("viewport-width", b"1280"));
        assert!(chromium("rtt", b"100"));
        // Whole numbers only (`fidelity-9-rtt-100p5`).
        assert!(!chromium("rtt", b"100.5"));
        assert!(chromium("downlink", b"1.5"));
        assert!(chromium("downlink", b"1.7"));
        assert!(chromium("ect", b"4g"));
        assert!(chromium("ect", b"slow-2g"));
        assert!(!chromium("ect", b"5g"));
        assert!(!chromium("ect", b"4G"));
        assert!(chromium("save-data", b"on"));
        // Compared ignoring case (`fidelity-9-save-data-upper`).
        assert!(chromium("save-data", b"ON"));
        assert!(chromium("save-data", b"On"));
        assert!(!chromium("save-data", b"off"));
        assert!(chromium(
            "intervention",
            b"<https://a.example>; level=\"warning\""
        ));
        // Any value up to 128 bytes (`fidelity-9-intervention-byte-e9`,
        // `fidelity-9-intervention-len129`).
        assert!(chromium("intervention", b"\xe9"));
        assert!(chromium("intervention", &[b'a'; 128]));
        assert!(!chromium("intervention", &[b'a'; 129]));
        assert!(!chromium("x-other", b"1"));
        // The standard has none of these.
        assert!(!safe("dpr", b"2"));
    }

    #[test]
    fn item_055_total_value_limit() {
        let value = [b'a'; 120];
        let nine: Vec<(&str, &[u8])> = (0..9).map(|_| ("accept-language", &value[..])).collect();
        assert_eq!(unsafe_names(&nine, SPEC), ["accept-language"]);
        let eight: Vec<(&str, &[u8])> = (0..8).map(|_| ("accept-language", &value[..])).collect();
        assert!(unsafe_names(&eight, SPEC).is_empty());

        // 1024 passes and 1025 does not; the limit counts entries, not names.
        let v128 = [b'a'; 128];
        let mut entries: Vec<(&str, &[u8])> = (0..8).map(|_| ("accept", &v128[..])).collect();
        assert!(unsafe_names(&entries, SPEC).is_empty());
        entries.push(("content-language", b"e"));
        assert_eq!(unsafe_names(&entries, SPEC), ["accept", "content-language"]);
        // Unsafe headers do not count towards the total, and stay listed.
        entries.pop();
        entries.push(("x-a", &v128[..]));
        assert_eq!(unsafe_names(&entries, SPEC), ["x-a"]);

        // Profiles without the rule never demote.
        let mut no_limit = *SPEC;
        no_limit.total_value_limit = None;
        assert!(unsafe_names(&nine, &no_limit).is_empty());
    }

    #[test]
    fn item_056_unsafe_names_sorted_lowercase_deduplicated() {
        let entries: &[(&str, &[u8])] = &[("X-B", b"1"), ("x-a", b"1"), ("X-A", b"2")];
        assert_eq!(unsafe_names(entries, SPEC), ["x-a", "x-b"]);
    }

    #[test]
    fn item_059_forbidden_headers_are_recognised() {
        assert!(is_forbidden_request_header(&name("Cookie"), b"a=b"));
        assert!(is_forbidden_request_header(&name("Sec-Foo"), b"1"));
    }

    #[test]
    fn item_060_forbidden_names_and_prefixes() {
        for n in FORBIDDEN_REQUEST_HEADER_NAMES {
            assert!(is_forbidden_request_header(&name(n), b""), "{n}");
            let upper = n.to_ascii_uppercase();
            assert!(is_forbidden_request_header(&name(&upper), b"x"), "{upper}");
        }
        assert!(is_forbidden_request_header(
            &name("SEC-fetch-mode"),
            b"cors"
        ));
        assert!(is_forbidden_request_header(
            &name("Proxy-Authorization"),
            b"x"
        ));
        assert!(is_forbidden_request_header(&name("Keep-Alive"), b"x"));
        assert!(is_forbidden_request_header(&name("sec-"), b"x"));
        assert!(!is_forbidden_request_header(&name("sec"), b"x"));
        assert!(!is_forbidden_request_header(&name("proxy"), b"x"));
        assert!(!is_forbidden_request_header(&name("x-sec-a"), b"x"));
        assert!(!is_forbidden_request_header(&name("accept"), b"x"));
        assert!(!is_forbidden_request_header(&name("authorization"), b"x"));
        assert!(!is_forbidden_request_header(&name("referrer-policy"), b"x"));
    }

    #[test]
    fn forbidden_name_match_equals_the_list() {
        for n in FORBIDDEN_REQUEST_HEADER_NAMES {
            assert!(is_always_forbidden_request_header_name(n), "{n}");
            // One byte changed, or one more or fewer: no longer forbidden.
            let mut changed = n.as_bytes().to_vec();
            changed[0] = b'q';
            let changed = String::from_utf8(changed).unwrap();
            assert!(
                !is_always_forbidden_request_header_name(&changed),
                "{changed}"
            );
            assert!(!is_always_forbidden_request_header_name(&n[1..]), "{n}");
            assert!(!is_always_forbidden_request_header_name(&format!("{n}x")));
        }
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #[test]
        fn forbidden_name_match_agrees_with_list(
            n in proptest::prop_oneof![
                proptest::sample::select(FORBIDDEN_REQUEST_HEADER_NAMES.to_vec())
                    .prop_map(str::to_owned),
                "[a-z2-]{1,31}",
            ]
        ) {
            proptest::prop_assert_eq!(
                is_always_forbidden_request_header_name(&n),
                FORBIDDEN_REQUEST_HEADER_NAMES.contains(&n.as_str())
            );
        }
    }

    #[test]
    fn safelisted_response_name_by_tag_agrees_with_bytes() {
        for n in CORS_SAFELISTED_RESPONSE_HEADER_NAMES.iter().chain(&[
            "set-cookie",
            "accept",
            "x-a",
            "content-location",
            "etag",
        ]) {
            for spelled in [n.to_string(), n.to_ascii_uppercase()] {
                let header = name(&spelled);
                assert_eq!(
                    is_cors_safelisted_response_header(&header),
                    is_cors_safelisted_response_header_name(spelled.as_bytes()),
                    "{spelled}"
                );
            }
        }
    }

    #[test]
    fn item_061_method_override_headers() {
        let n = name("X-HTTP-Method-Override");
        assert!(!is_forbidden_request_header(&n, b"PATCH"));
        assert!(is_forbidden_request_header(&n, b"GET, trace"));
        for n in [
            "x-http-method",
            "x-http-method-override",
            "x-method-override",
        ] {
            assert!(is_forbidden_request_header(&name(n), b"CONNECT"), "{n}");
            assert!(is_forbidden_request_header(&name(n), b" track ,"), "{n}");
            assert!(!is_forbidden_request_header(&name(n), b"\"trace\""), "{n}");
            assert!(!is_forbidden_request_header(&name(n), b""), "{n}");
            assert!(!is_forbidden_request_header(&name(n), b"tracer"), "{n}");
        }
        // Only those three names look at the value.
        assert!(!is_forbidden_request_header(&name("x-method"), b"TRACE"));
    }

    #[test]
    fn item_148_name_predicates_fold_ascii_only() {
        assert!(is_cors_non_wildcard_request_header_name(b"AUTHORIZATION"));
        assert!(is_cors_non_wildcard_request_header_name(b"authorization"));
        assert!(!is_cors_non_wildcard_request_header_name(b"authorizatio"));
        assert!(is_forbidden_response_header_name(b"Set-Cookie"));
        assert!(is_forbidden_response_header_name(b"SET-COOKIE2"));
        assert!(!is_forbidden_response_header_name(b"set-cookie3"));
        assert!(is_privileged_no_cors_request_header_name(b"RANGE"));
        assert!(!is_privileged_no_cors_request_header_name(b"ranges"));
        for n in CORS_SAFELISTED_RESPONSE_HEADER_NAMES {
            assert!(is_cors_safelisted_response_header_name(n.as_bytes()));
            assert!(is_cors_safelisted_response_header_name(
                n.to_ascii_uppercase().as_bytes()
            ));
        }
        assert!(!is_cors_safelisted_response_header_name(b"accept"));
        assert!(!is_cors_safelisted_response_header_name(b"set-cookie"));
        assert!(!is_cors_safelisted_response_header_name(b"x-a"));
        // 0xC4 and 0xE4 are not case variants of each other.
        assert!(!is_no_cors_safelisted_request_header_name(b"\xc4ccept"));
    }

    #[test]
    fn item_157_forbidden_is_not_invalid() {
        // `Host` is a valid name that is forbidden (silently dropped by the guard) ...
        assert!(super::super::values::is_header_name(b"Host"));
        assert!(is_forbidden_request_header(&name("host"), b"x"));
        // ... while `Ho st` is not a name at all (a TypeError).
        assert!(!super::super::values::is_header_name(b"Ho st"));
    }

    #[test]
    fn item_158_no_cors_append_checks_combined_value() {
        assert!(is_no_cors_safelisted_request_header(&ACCEPT, b"a, b"));
        let hundred = [b'a'; 100];
        let combined = [&hundred[..], b", ", &hundred[..]].concat();
        assert!(is_no_cors_safelisted_request_header(&ACCEPT, &hundred));
        assert!(!is_no_cors_safelisted_request_header(&ACCEPT, &combined));
    }

    #[test]
    fn item_159_no_cors_names() {
        for n in [
            "Accept",
            "Accept-Language",
            "Content-Language",
            "Content-Type",
        ] {
            assert!(
                is_no_cors_safelisted_request_header_name(n.as_bytes()),
                "{n}"
            );
        }
        assert!(!is_no_cors_safelisted_request_header_name(b"Range"));
        assert!(!is_no_cors_safelisted_request_header_name(b"X-A"));
        assert!(is_privileged_no_cors_request_header_name(b"Range"));
        assert!(!is_no_cors_safelisted_request_header(&name("x-a"), b"1"));
        assert!(!is_no_cors_safelisted_request_header(&RANGE, b"bytes=0-"));
        assert!(is_no_cors_safelisted_request_header(
            &CONTENT_TYPE,
            b"text/plain"
        ));
        assert!(!is_no_cors_safelisted_request_header(
            &CONTENT_TYPE,
            b"application/json"
        ));
        assert!(is_no_cors_safelisted_request_header(
            &ACCEPT_LANGUAGE,
            b"en"
        ));
        assert!(is_no_cors_safelisted_request_header(
            &CONTENT_LANGUAGE,
            b"en"
        ));
    }

    #[test]
    fn item_161_no_unsafe_names_means_no_header() {
        // The caller omits Access-Control-Request-Headers when the list is empty.
        let entries: &[(&str, &[u8])] = &[("accept", b"*/*"), ("content-type", b"text/plain")];
        assert!(unsafe_names(entries, SPEC).is_empty());
        assert!(cors_unsafe_request_header_names(&HeaderMap::new(), SPEC).is_empty());
    }

    #[test]
    fn item_165_length_counts_bytes() {
        // 128 "é" characters isomorphic-encode to 128 bytes of 0xE9.
        let e128 = [0xE9u8; 128];
        assert!(safe("accept", &e128));
        assert!(!safe("accept", &[0xE9u8; 129]));
    }

    #[test]
    fn item_166_high_bytes_per_header() {
        assert!(safe("accept", b"\xe9"));
        assert!(!safe("content-language", b"\xe9"));
        assert!(!safe("accept-language", b"\xe9"));
        assert!(safe("content-type", b"text/plain;x=\xe9"));
        assert!(!safe("content-type", b"text/pl\xe9in"));
    }

    #[test]
    fn item_167_sorted_by_byte_value() {
        let entries: &[(&str, &[u8])] = &[("x_b", b"1"), ("x-b", b"1"), ("x1", b"1"), ("xa", b"1")];
        assert_eq!(unsafe_names(entries, SPEC), ["x-b", "x1", "x_b", "xa"]);
    }

    #[test]
    fn unsafe_entry_makes_repeated_name_unsafe() {
        let entries: &[(&str, &[u8])] = &[("accept", b"*/*"), ("accept", b"a:b")];
        assert_eq!(unsafe_names(entries, SPEC), ["accept"]);
        // Combined, `a, b` is fine for Accept.
        let mut combined = *SPEC;
        combined.combine_repeated = true;
        assert!(unsafe_names(&[("accept", b"a"), ("accept", b"b")], &combined).is_empty());
        // A combined value over 128 bytes is unsafe even when every entry is fine.
        let v64 = [b'a'; 64];
        let long: &[(&str, &[u8])] = &[("accept", &v64), ("accept", &v64)];
        assert!(unsafe_names(long, SPEC).is_empty());
        assert_eq!(unsafe_names(long, &combined), ["accept"]);
        // Exactly 128 combined bytes still fit.
        let v63 = [b'a'; 63];
        let fits: &[(&str, &[u8])] = &[("accept", &v63), ("accept", &v63)];
        assert!(unsafe_names(fits, &combined).is_empty());
    }

    #[test]
    fn many_unsafe_names_spill_without_losing_order() {
        let names: Vec<String> = (0..20).rev().map(|i| format!("x-{i:02}")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"1"[..])).collect();
        let mut expected = names.clone();
        expected.sort();
        assert_eq!(unsafe_names(&entries, SPEC), expected);
    }
}
