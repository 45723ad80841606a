//! Origins from arbitrary URL strings: `Origin::parse`, then the serialization's invariants.
//!
//! Oracle: no panic; an opaque origin serializes as `null`; a tuple origin's serialization is
//! ASCII, `scheme://host[:port]` with no path, query, fragment or userinfo, omits the
//! scheme's default port, parses back to the same origin (same origin, same serialization,
//! same site), and the URL it came from is same origin with it.
#![no_main]

use fetch_cors::Origin;
use libfuzzer_sys::fuzz_target;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(origin) = Origin::parse(input) else {
        return;
    };
    let s = origin.serialize();
    let Some(tuple) = origin.as_tuple() else {
        assert_eq!(s, "null");
        return;
    };
    assert!(s.is_ascii(), "{s}");
    let rest = s
        .strip_prefix(tuple.scheme())
        .and_then(|r| r.strip_prefix("://"))
        .unwrap_or_else(|| panic!("{s} does not start with its scheme"));
    assert!(!rest.is_empty());
    assert!(
        !rest.contains(['/', '?', '#', '@']),
        "{s} has more than scheme, host and port"
    );
    let default = match tuple.scheme() {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    };
    // A domain never contains `:` and an IPv6 address is bracketed, so a `:` after the host
    // can only introduce the port, which is written only when it is not the default.
    let after_host = rest.rsplit_once(']').map_or(rest, |(_, a)| a);
    assert_eq!(
        after_host.contains(':'),
        default != Some(tuple.port()),
        "{s}"
    );
    let again = Origin::parse(s).expect("a serialization parses");
    assert!(again.same_origin(&origin), "{s} → {again:?}");
    assert_eq!(again.serialize(), s);
    assert_eq!(again, origin);
    assert!(again.same_site(&origin));
    if let Ok(url) = Url::parse(input) {
        if url.scheme() != "blob" {
            assert!(origin.same_origin_with_url(&url), "{input}");
        }
    }
});
