//! Credentials (cookies) for the requests the machine says include them.

use std::collections::HashMap;
use std::sync::Mutex;

use http::header::{COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue};
use url::Url;

/// Where the adapter gets and keeps credentials. It is asked only for requests whose
/// [`Outgoing::include_credentials`](fetch_cors::Outgoing::include_credentials) is true
/// (never for a preflight), and told about responses to those requests only, as the Fetch
/// Standard's HTTP-network fetch does.
pub trait CredentialStore: Send + Sync {
    /// Headers to add to a credentialed request to `url` (for example `Cookie`).
    fn credentials_for(&self, url: &Url, headers: &mut HeaderMap);

    /// The response headers of a credentialed request to `url` (for example to keep
    /// `Set-Cookie`).
    fn store_from(&self, url: &Url, headers: &HeaderMap);
}

/// An in-memory cookie jar: keeps each `Set-Cookie` name and value per host and sends them
/// back as `Cookie`. Hosts, not origins, scope cookies, so two ports of one host share them.
/// Attributes (`Path`, `Domain`, `Expires`, `SameSite`, ...) are not interpreted; a
/// `Max-Age` of zero or less removes the cookie.
#[derive(Debug, Default)]
pub struct CookieJar {
    /// host → (name, value), in the order first set.
    cookies: Mutex<HashMap<String, Vec<(String, String)>>>,
}

impl CookieJar {
    /// An empty jar.
    pub fn new() -> Self {
        CookieJar::default()
    }

    /// The `Cookie` header value the jar holds for `host`, if any.
    pub fn cookie_header(&self, host: &str) -> Option<String> {
        let jar = self.cookies.lock().unwrap_or_else(|p| p.into_inner());
        let list = jar.get(host).filter(|l| !l.is_empty())?;
        Some(
            list.iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }

    fn set(&self, host: &str, set_cookie: &[u8]) {
        let Ok(text) = std::str::from_utf8(set_cookie) else {
            return;
        };
        let mut parts = text.split(';');
        let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
            return;
        };
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() {
            return;
        }
        let expired = parts.any(|a| {
            a.split_once('=').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("max-age")
                    && v.trim().parse::<i64>().is_ok_and(|s| s <= 0)
            })
        });
        let mut jar = self.cookies.lock().unwrap_or_else(|p| p.into_inner());
        let list = jar.entry(host.to_owned()).or_default();
        list.retain(|(n, _)| n != name);
        if !expired {
            list.push((name.to_owned(), value.to_owned()));
        }
    }
}

impl CredentialStore for CookieJar {
    fn credentials_for(&self, url: &Url, headers: &mut HeaderMap) {
        let Some(host) = url.host_str() else { return };
        if let Some(value) = self
            .cookie_header(host)
            .and_then(|c| HeaderValue::from_str(&c).ok())
        {
            headers.insert(COOKIE, value);
        }
    }

    fn store_from(&self, url: &Url, headers: &HeaderMap) {
        let Some(host) = url.host_str() else { return };
        for value in headers.get_all(SET_COOKIE) {
            self.set(host, value.as_bytes());
        }
    }
}

/// A store that never sends or keeps anything.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCredentials;

impl CredentialStore for NoCredentials {
    fn credentials_for(&self, _: &Url, _: &mut HeaderMap) {}
    fn store_from(&self, _: &Url, _: &HeaderMap) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jar_keeps_per_host_replaces_and_expires() {
        let jar = CookieJar::new();
        let a = Url::parse("http://127.0.0.1:8801/x").unwrap();
        let other = Url::parse("http://localhost:8802/").unwrap();
        let mut h = HeaderMap::new();
        h.append(SET_COOKIE, HeaderValue::from_static("sid=1; Path=/"));
        h.append(SET_COOKIE, HeaderValue::from_static("theme=dark"));
        jar.store_from(&a, &h);
        assert_eq!(
            jar.cookie_header("127.0.0.1").as_deref(),
            Some("sid=1; theme=dark")
        );
        assert_eq!(jar.cookie_header("localhost"), None);

        let mut h = HeaderMap::new();
        h.append(SET_COOKIE, HeaderValue::from_static("sid=2"));
        h.append(SET_COOKIE, HeaderValue::from_static("theme=x; Max-Age=0"));
        jar.store_from(&a, &h);
        let mut out = HeaderMap::new();
        jar.credentials_for(&a, &mut out);
        assert_eq!(out.get(COOKIE).unwrap(), "sid=2");
        let mut out = HeaderMap::new();
        jar.credentials_for(&other, &mut out);
        assert!(out.is_empty());
    }
}
