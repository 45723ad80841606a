//! Origins, sites and the serialization of a request's origin.
//!
//! URL parsing and host serialization come from the [`url`] crate; this module adds what the
//! HTML and Fetch standards define on top: opaque origins with caller-chosen identity, same
//! origin, same site, redirect-taint and *(byte-)serializing a request origin*.
//!
//! ```
//! use fetch_cors::Origin;
//!
//! let page = Origin::parse("https://App.Example:443/index.html").unwrap();
//! assert_eq!(page.serialize(), "https://app.example");
//! assert!(page.same_origin(&Origin::parse("https://app.example").unwrap()));
//! assert!(page.same_site(&Origin::parse("https://api.app.example:8443").unwrap()));
//! ```

use std::fmt;
use std::num::NonZeroU64;

use url::{Host, Url};

/// An origin: a scheme/host/port tuple, or an opaque origin.
///
/// <https://html.spec.whatwg.org/multipage/browsers.html#concept-origin>
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A tuple origin such as `https://app.example`.
    Tuple(TupleOrigin),
    /// An opaque origin; it serializes as `null`.
    Opaque(OpaqueOrigin),
}

/// A tuple origin with its ASCII serialization computed once, so that comparisons against
/// header bytes never allocate.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TupleOrigin {
    scheme: Box<str>,
    host: Host<String>,
    /// The effective port (the scheme's default when the URL had none).
    port: u16,
    serialized: Box<str>,
}

/// An opaque origin.
///
/// The crate keeps no global state, so identity is in the caller's hands: two opaque origins
/// are the same origin only if both carry the same caller-chosen id. An anonymous opaque
/// origin (from [`OpaqueOrigin::anonymous`], or from a `data:` URL) is not even same origin
/// with itself, which is what the URL standard's "new opaque origin" means for a URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OpaqueOrigin {
    id: Option<NonZeroU64>,
}

impl OpaqueOrigin {
    /// An opaque origin that is same origin only with opaque origins of the same `id`
    /// (for example, one sandboxed document).
    pub const fn with_id(id: NonZeroU64) -> Self {
        OpaqueOrigin { id: Some(id) }
    }

    /// An opaque origin that is same origin with nothing, not even itself.
    pub const fn anonymous() -> Self {
        OpaqueOrigin { id: None }
    }

    /// The caller-chosen identity, if any.
    pub const fn id(&self) -> Option<NonZeroU64> {
        self.id
    }
}

/// The schemes whose URLs have tuple origins.
/// <https://url.spec.whatwg.org/#concept-url-origin>
const TUPLE_SCHEMES: [&str; 5] = ["http", "https", "ws", "wss", "ftp"];

impl Origin {
    /// The origin of `url`.
    ///
    /// <https://url.spec.whatwg.org/#concept-url-origin>. `blob:` URLs take the origin of
    /// the URL they wrap when that is HTTP(S); `file:` and every other scheme give an
    /// anonymous opaque origin (the standard leaves `file:` to the implementation; we take its
    /// advice to return a new opaque origin).
    ///
    /// ```
    /// use fetch_cors::Origin;
    /// use url::Url;
    ///
    /// let o = Origin::from_url(&Url::parse("blob:https://whatwg.org/d0360e2f").unwrap());
    /// assert_eq!(o.serialize(), "https://whatwg.org");
    /// assert!(!Origin::from_url(&Url::parse("data:,x").unwrap()).is_tuple());
    /// ```
    pub fn from_url(url: &Url) -> Origin {
        match url.scheme() {
            "blob" => match Url::parse(url.path()) {
                Ok(inner) if matches!(inner.scheme(), "http" | "https") => Origin::from_url(&inner),
                _ => Origin::Opaque(OpaqueOrigin::anonymous()),
            },
            scheme if TUPLE_SCHEMES.contains(&scheme) => {
                match (url.host(), url.port_or_known_default()) {
                    (Some(host), Some(port)) => {
                        Origin::Tuple(TupleOrigin::new(scheme, host.to_owned(), port))
                    }
                    _ => Origin::Opaque(OpaqueOrigin::anonymous()),
                }
            }
            _ => Origin::Opaque(OpaqueOrigin::anonymous()),
        }
    }

    /// Parses `input` as a URL and returns its origin; the path, query and fragment are
    /// ignored. The string `null` gives an anonymous opaque origin.
    pub fn parse(input: &str) -> Result<Origin, url::ParseError> {
        if input == "null" {
            return Ok(Origin::Opaque(OpaqueOrigin::anonymous()));
        }
        Url::parse(input).map(|u| Origin::from_url(&u))
    }

    /// The ASCII serialization: `scheme://host[:port]`, or `null` for an opaque origin.
    ///
    /// <https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin>
    pub fn serialize(&self) -> &str {
        match self {
            Origin::Tuple(t) => &t.serialized,
            Origin::Opaque(_) => "null",
        }
    }

    /// Whether this is a tuple origin.
    pub const fn is_tuple(&self) -> bool {
        matches!(self, Origin::Tuple(_))
    }

    /// The tuple, if this is a tuple origin.
    pub const fn as_tuple(&self) -> Option<&TupleOrigin> {
        match self {
            Origin::Tuple(t) => Some(t),
            Origin::Opaque(_) => None,
        }
    }

    /// *Same origin*. Opaque origins match only by identity.
    ///
    /// <https://html.spec.whatwg.org/multipage/browsers.html#same-origin>
    pub fn same_origin(&self, other: &Origin) -> bool {
        match (self, other) {
            // Step 1: the same opaque origin.
            (Origin::Opaque(a), Origin::Opaque(b)) => a.id.is_some() && a.id == b.id,
            // Step 2: identical scheme, host and port.
            (Origin::Tuple(a), Origin::Tuple(b)) => {
                a.scheme == b.scheme && a.host == b.host && a.port == b.port
            }
            // Step 3.
            _ => false,
        }
    }

    /// Whether this origin is same origin with the origin of `url`, without allocating.
    pub fn same_origin_with_url(&self, url: &Url) -> bool {
        let Origin::Tuple(t) = self else {
            // A URL's opaque origin is always a new one, never equal to ours.
            return false;
        };
        let scheme = url.scheme();
        if scheme == "blob" {
            return Origin::from_url(url).same_origin(self);
        }
        // The host first: it is what usually differs. Our scheme is a tuple scheme, so
        // equal schemes mean the URL's origin is a tuple too.
        url.host().is_some_and(|h| host_eq(&t.host, &h))
            && *t.scheme == *scheme
            && url.port_or_known_default() == Some(t.port)
    }

    /// *Obtain a site*: the scheme and registrable domain (or host, for IP addresses and
    /// hosts without a registrable domain).
    ///
    /// <https://html.spec.whatwg.org/multipage/browsers.html#obtain-a-site>
    pub fn site(&self) -> Site<'_> {
        match self {
            Origin::Opaque(o) => Site::Opaque(*o),
            Origin::Tuple(t) => Site::SchemeAndHost {
                scheme: &t.scheme,
                host: t.registrable_domain().unwrap_or_else(|| t.host_str()),
            },
        }
    }

    /// *Same site*.
    ///
    /// <https://html.spec.whatwg.org/multipage/browsers.html#same-site>
    pub fn same_site(&self, other: &Origin) -> bool {
        match (self.site(), other.site()) {
            (Site::Opaque(a), Site::Opaque(b)) => a.id.is_some() && a.id == b.id,
            (
                Site::SchemeAndHost {
                    scheme: s1,
                    host: h1,
                },
                Site::SchemeAndHost {
                    scheme: s2,
                    host: h2,
                },
            ) => s1 == s2 && h1 == h2,
            _ => false,
        }
    }
}

impl Origin {
    /// *Schemelessly same site*: same site, ignoring the scheme.
    ///
    /// <https://html.spec.whatwg.org/multipage/browsers.html#schemelessly-same-site>
    pub fn schemelessly_same_site(&self, other: &Origin) -> bool {
        match (self.site(), other.site()) {
            (Site::Opaque(a), Site::Opaque(b)) => a.id.is_some() && a.id == b.id,
            (Site::SchemeAndHost { host: h1, .. }, Site::SchemeAndHost { host: h2, .. }) => {
                h1 == h2
            }
            _ => false,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.serialize())
    }
}

impl From<OpaqueOrigin> for Origin {
    fn from(o: OpaqueOrigin) -> Self {
        Origin::Opaque(o)
    }
}

impl TupleOrigin {
    fn new(scheme: &str, host: Host<String>, port: u16) -> TupleOrigin {
        let default = default_port(scheme);
        let serialized = if default == Some(port) {
            format!("{scheme}://{host}")
        } else {
            format!("{scheme}://{host}:{port}")
        };
        TupleOrigin {
            scheme: scheme.into(),
            host,
            port,
            serialized: serialized.into_boxed_str(),
        }
    }

    /// The scheme, lowercase.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The host, as the URL parser produced it.
    pub fn host(&self) -> &Host<String> {
        &self.host
    }

    /// The effective port (the scheme's default port when none was given).
    pub fn port(&self) -> u16 {
        self.port
    }

    fn host_str(&self) -> &str {
        // The serialization is `scheme://host[:port]`; slicing it avoids keeping a second copy.
        let rest = &self.serialized[self.scheme.len() + 3..];
        if default_port(&self.scheme) == Some(self.port) {
            rest
        } else {
            rest.rsplit_once(':').map_or(rest, |(h, _)| h)
        }
    }

    fn registrable_domain(&self) -> Option<&str> {
        // Only domains have one; the public suffix list's default rule applies to unknown
        // suffixes, and a host that is itself a public suffix gets `None`.
        let Host::Domain(d) = &self.host else {
            return None;
        };
        let len = psl::domain(d.as_bytes())?.as_bytes().len();
        d.get(d.len().checked_sub(len)?..)
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

fn host_eq(ours: &Host<String>, theirs: &Host<&str>) -> bool {
    match (ours, theirs) {
        (Host::Domain(a), Host::Domain(b)) => a == b,
        (Host::Ipv4(a), Host::Ipv4(b)) => a == b,
        (Host::Ipv6(a), Host::Ipv6(b)) => a == b,
        _ => false,
    }
}

/// A site: an opaque origin, or a scheme and host.
///
/// <https://html.spec.whatwg.org/multipage/browsers.html#site>
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Site<'a> {
    /// The site of an opaque origin is that origin.
    Opaque(OpaqueOrigin),
    /// A scheme and a registrable domain (or a host that has none).
    SchemeAndHost {
        /// The scheme.
        scheme: &'a str,
        /// The registrable domain, or the serialized host.
        host: &'a str,
    },
}

/// A request's redirect-taint: how far its redirects have strayed from its origin.
///
/// <https://fetch.spec.whatwg.org/#concept-request-tainted-origin>
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RedirectTaint {
    /// No redirect left the origin (or no redirect at all).
    #[default]
    SameOrigin,
    /// A redirect went to another origin of the same site.
    SameSite,
    /// A redirect went to another site.
    CrossSite,
}

impl RedirectTaint {
    /// Computes the redirect-taint of a request with origin `origin` and URL list `urls`.
    ///
    /// <https://fetch.spec.whatwg.org/#concept-request-tainted-origin>
    pub fn of_url_list<'u>(
        origin: &Origin,
        urls: impl IntoIterator<Item = &'u Url>,
    ) -> RedirectTaint {
        // Steps 2-5, folded over consecutive pairs; `then` carries step 4.2's early return.
        let mut taint = RedirectTaint::SameOrigin;
        let mut last: Option<Origin> = None;
        for url in urls {
            let current = Origin::from_url(url);
            if let Some(last) = &last {
                taint = taint.then(origin, last, &current);
                if taint == RedirectTaint::CrossSite {
                    return taint;
                }
            }
            last = Some(current);
        }
        taint
    }

    /// One step of the redirect-taint loop: the taint after a hop from `last` to `next`, for
    /// a request whose origin is `origin`.
    ///
    /// ```
    /// use fetch_cors::{Origin, RedirectTaint};
    /// let a = Origin::parse("https://app.example").unwrap();
    /// let b = Origin::parse("https://api.other").unwrap();
    /// // A → B is not tainted yet (the request's origin is the last URL's origin) ...
    /// let t = RedirectTaint::SameOrigin.then(&a, &a, &b);
    /// assert_eq!(t, RedirectTaint::SameOrigin);
    /// // ... but B → A is: the hop leaves an origin other than the request's own.
    /// assert_eq!(t.then(&a, &b, &a), RedirectTaint::CrossSite);
    /// ```
    pub fn then(self, origin: &Origin, last: &Origin, next: &Origin) -> RedirectTaint {
        if self == RedirectTaint::CrossSite {
            return self;
        }
        // Step 4.2.
        if !next.same_site(last) && !origin.same_site(last) {
            return RedirectTaint::CrossSite;
        }
        // Step 4.3.
        if !next.same_origin(last) && !origin.same_origin(last) {
            return RedirectTaint::SameSite;
        }
        self
    }
}

/// *Serializing a request origin*: `null` once the request is redirect-tainted, else the
/// origin's serialization.
///
/// <https://fetch.spec.whatwg.org/#serializing-a-request-origin>. Byte-serializing is the
/// same string: a serialized origin is ASCII, so isomorphic encoding changes nothing.
pub fn serialize_request_origin(origin: &Origin, taint: RedirectTaint) -> &str {
    // Step 2.
    if taint != RedirectTaint::SameOrigin {
        return "null";
    }
    // Step 3.
    origin.serialize()
}

/// *Byte-serializing a request origin*. See [`serialize_request_origin`].
///
/// <https://fetch.spec.whatwg.org/#byte-serializing-a-request-origin>
pub fn byte_serialize_request_origin(origin: &Origin, taint: RedirectTaint) -> &[u8] {
    serialize_request_origin(origin, taint).as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(s: &str) -> Origin {
        Origin::parse(s).unwrap()
    }

    #[test]
    fn item_001_tuple_schemes_have_tuple_origins() {
        for s in [
            "http://a.example/x",
            "https://api.example/x?y#z",
            "ws://a.example",
            "wss://a.example",
            "ftp://a.example",
        ] {
            assert!(o(s).is_tuple(), "{s}");
        }
        assert_eq!(
            o("https://api.example/x?y#z").serialize(),
            "https://api.example"
        );
    }

    #[test]
    fn item_002_default_port_disappears() {
        assert_eq!(o("https://a.example:443/").serialize(), "https://a.example");
        assert!(o("http://a.example:80").same_origin(&o("http://a.example")));
        assert_eq!(o("http://a.example:80").as_tuple().unwrap().port(), 80);
    }

    #[test]
    fn item_003_non_default_port_stays() {
        assert_eq!(
            o("https://a.example:8443/").serialize(),
            "https://a.example:8443"
        );
        assert!(!o("https://a.example:8443/").same_origin(&o("https://a.example")));
    }

    #[test]
    fn item_004_scheme_is_part_of_origin() {
        assert!(!o("http://a.example").same_origin(&o("https://a.example")));
    }

    #[test]
    fn item_005_hosts_lowercased_and_idna() {
        assert_eq!(o("https://EXAMPLE.com").serialize(), "https://example.com");
        assert_eq!(
            o("https://maraña.example").serialize(),
            "https://xn--maraa-rta.example"
        );
    }

    #[test]
    fn item_006_ip_serialization() {
        assert_eq!(o("http://[0:0::1]:8080/").serialize(), "http://[::1]:8080");
        assert_eq!(o("http://0x7f.1/").serialize(), "http://127.0.0.1");
    }

    #[test]
    fn item_007_no_trailing_slash() {
        let s = o("https://app.example/some/path/").serialize().to_owned();
        assert!(!s.ends_with('/'));
        assert_ne!(s, "https://app.example/");
    }

    #[test]
    fn item_008_opaque_serializes_as_null() {
        assert_eq!(Origin::from(OpaqueOrigin::anonymous()).serialize(), "null");
        let id = NonZeroU64::new(7).unwrap();
        assert_eq!(Origin::from(OpaqueOrigin::with_id(id)).to_string(), "null");
    }

    #[test]
    fn item_009_opaque_same_origin_only_by_identity() {
        let one = Origin::from(OpaqueOrigin::with_id(NonZeroU64::new(1).unwrap()));
        let two = Origin::from(OpaqueOrigin::with_id(NonZeroU64::new(2).unwrap()));
        assert!(one.same_origin(&one.clone()));
        assert!(!one.same_origin(&two));
        assert_eq!(one.serialize(), two.serialize());
    }

    #[test]
    fn item_010_data_url_gets_a_new_opaque_origin() {
        let u = Url::parse("data:,x").unwrap();
        let a = Origin::from_url(&u);
        let b = Origin::from_url(&u);
        assert!(!a.same_origin(&b));
        assert!(!a.same_origin(&a));
        assert!(!o("https://a.example").same_origin_with_url(&u));
    }

    #[test]
    fn item_011_blob_takes_inner_http_origin() {
        let blob = Origin::from_url(&Url::parse("blob:https://whatwg.org/uuid").unwrap());
        assert!(blob.same_origin(&o("https://whatwg.org")));
        assert!(!Origin::from_url(&Url::parse("blob:data:x").unwrap()).is_tuple());
        let page = o("https://whatwg.org");
        assert!(page.same_origin_with_url(&Url::parse("blob:https://whatwg.org/uuid").unwrap()));
    }

    #[test]
    fn item_012_file_is_opaque() {
        assert!(!Origin::from_url(&Url::parse("file:///a").unwrap()).is_tuple());
    }

    #[test]
    fn item_013_same_origin_ignores_domain() {
        // We model no `document.domain`: same origin compares scheme, host and port only.
        assert!(!o("https://a.example:314").same_origin(&o("https://a.example:420")));
    }

    #[test]
    fn item_014_same_site_by_registrable_domain() {
        assert!(o("https://a.example.com").same_site(&o("https://b.example.com:8443")));
        assert!(!o("https://a.example.com").same_site(&o("http://a.example.com")));
        assert!(!o("https://a.example.com").same_site(&o("https://a.other.com")));
        // Public suffixes: different registrable domains under github.io.
        assert!(!o("https://a.github.io").same_site(&o("https://b.github.io")));
        assert!(o("https://x.a.github.io").same_site(&o("https://a.github.io")));
    }

    #[test]
    fn item_015_ip_hosts_are_their_own_site() {
        assert!(!o("https://127.0.0.1").same_site(&o("https://127.0.0.2")));
        assert!(o("http://127.0.0.1:8801").same_site(&o("http://127.0.0.1:8802")));
        assert!(!o("http://127.0.0.1:8802").same_site(&o("http://localhost:8802")));
    }

    #[test]
    fn item_017_taint_serializes_null() {
        let origin = o("https://app.example");
        let urls: Vec<Url> = [
            "https://app.example/a",
            "https://b.other/x",
            "https://c.third/y",
        ]
        .iter()
        .map(|u| Url::parse(u).unwrap())
        .collect();
        let taint = RedirectTaint::of_url_list(&origin, &urls);
        assert_eq!(taint, RedirectTaint::CrossSite);
        assert_eq!(serialize_request_origin(&origin, taint), "null");
        // A single cross-origin hop away from the origin is not tainted.
        assert_eq!(
            RedirectTaint::of_url_list(&origin, &urls[..2]),
            RedirectTaint::SameOrigin
        );
    }

    #[test]
    fn taint_back_to_origin_and_same_site() {
        let origin = o("https://app.example");
        let list = |v: &[&str]| v.iter().map(|u| Url::parse(u).unwrap()).collect::<Vec<_>>();
        // A → B → A: the second hop leaves B, which is not the request's origin.
        let aba = list(&[
            "https://app.example/",
            "https://api.other/",
            "https://app.example/",
        ]);
        assert_eq!(
            RedirectTaint::of_url_list(&origin, &aba),
            RedirectTaint::CrossSite
        );
        // A → A' (same site) → A'' (same site): same-site taint.
        let ss = list(&[
            "https://app.example/",
            "https://api.app.example/",
            "https://cdn.app.example/",
        ]);
        assert_eq!(
            RedirectTaint::of_url_list(&origin, &ss),
            RedirectTaint::SameSite
        );
        // A → A → B: never tainted.
        let aab = list(&[
            "https://app.example/",
            "https://app.example/2",
            "https://api.other/",
        ]);
        assert_eq!(
            RedirectTaint::of_url_list(&origin, &aab),
            RedirectTaint::SameOrigin
        );
    }

    #[test]
    fn item_018_byte_serialization() {
        let origin = o("https://app.example");
        assert_eq!(
            byte_serialize_request_origin(&origin, RedirectTaint::SameOrigin),
            b"https://app.example"
        );
        assert_eq!(
            byte_serialize_request_origin(&origin, RedirectTaint::SameSite),
            b"null"
        );
    }

    #[test]
    fn item_019_origin_or_null_shape() {
        for s in [
            "HTTPS://App.EXAMPLE",
            "https://app.example:443",
            "https://%61pp.example",
        ] {
            assert_eq!(o(s).serialize(), "https://app.example", "{s}");
        }
        assert_eq!(Origin::parse("null").unwrap().serialize(), "null");
    }

    #[test]
    fn same_origin_with_url_matches_same_origin() {
        let page = o("http://127.0.0.1:8801");
        for (u, want) in [
            ("http://127.0.0.1:8801/x", true),
            ("http://127.0.0.1:8802/x", false),
            ("http://localhost:8801/x", false),
            ("https://127.0.0.1:8801/x", false),
            ("data:,x", false),
        ] {
            let url = Url::parse(u).unwrap();
            assert_eq!(page.same_origin_with_url(&url), want, "{u}");
            assert_eq!(page.same_origin(&Origin::from_url(&url)), want, "{u}");
        }
    }
}
