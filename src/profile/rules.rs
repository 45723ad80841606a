//! The rule types a [`Profile`](super::Profile) is made of, one per area of divergence.

use crate::request::{CredentialsMode, Mode, RequestCacheMode};

#[allow(unused_imports)] // for rustdoc links
use super::engines::Profile;

/// Redirect handling that differs between engines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RedirectRules {
    /// Whether a fetch that began with credentials (a same-origin first hop under credentials
    /// mode `same-origin`) CORS-checks every later cross-origin redirect response as
    /// credentialed, so such redirects need `Access-Control-Allow-Credentials: true` (WebKit;
    /// `redirect-pattern-a-b-c-spec-acao` fails at B, and so do `fidelity-13-put-a-c-c` and
    /// `fidelity-13-xt-a-c-c` after a preflight; `fidelity-13-put-a-c-c-acac` passes). The
    /// standard checks with the request's credentials mode.
    pub check_redirects_with_initial_credentials: bool,
    /// Whether a redirect that fails only that credentialed check is still followed as far as
    /// the next hop's preflight, which goes out before the fetch fails (WebKit;
    /// `fidelity-13-put-a-c-c`: C's second preflight is sent, then the fetch fails on the 307
    /// from C that had no `Access-Control-Allow-Credentials`). When the next hop needs no
    /// preflight, the fetch fails at once (`redirect-pattern-a-b-c-spec-acao`).
    pub credentialed_redirect_fails_after_next_preflight: bool,
    /// Whether a `Location` with a username or password fails in every mode, same-origin hops
    /// included (Chromium; `redirect-userinfo-a-a`). The standard rejects it only for CORS.
    pub reject_credentials_in_location: bool,
    /// What an empty `Location` value does.
    pub empty_location: EmptyLocation,
    /// Whether several `Location` headers are joined into one value and followed
    /// (WebKitGTK, `redirect-location-two-headers`) rather than failing.
    pub join_multiple_locations: bool,
    /// Whether a redirect status without `Location` under redirect mode `error` is returned
    /// as a response (Chromium, WebKit) rather than being a network error (the standard,
    /// Firefox; `redirect-error-no-location`).
    pub error_mode_needs_location: bool,
    /// Whether, after a redirect, a preflight is sent at the new URL whenever an earlier hop
    /// took main fetch's preflight branch (whether its preflight was sent or came from the
    /// cache) or the page's own headers included a CORS-unsafe one, even if the redirect made
    /// the request simple (Firefox, WebKit; `redirect-rewrite-put-303`,
    /// `redirect-a-post-json-303-b`, `fidelity-5-put-303-c-cached`, but not
    /// `redirect-303-a-b-put`). The standard decides afresh from the redirected request.
    pub preflight_again_after_redirect: bool,
    /// Whether that preflight lists the original request's unsafe header names, even those the
    /// redirect removed, and its answer must allow them (WebKit; `redirect-authorization-a-b`,
    /// `fidelity-12-auth-bp-b-no-grant`, `fidelity-12-ct-303-b-b-no-grant`).
    pub preflight_lists_original_headers: bool,
    /// Whether that preflight lists the page's unsafe header names again once a later
    /// redirect has passed the one that removed them: only what the latest redirect removed
    /// stays off the list (Firefox; `fidelity-11-ct-303-then-302s-bp` lists `content-type`
    /// from the second redirect on, `fidelity-11-auth-a-c-c-b-c` lists `authorization` after
    /// the same-origin C to C redirect only).
    pub preflight_relists_headers_earlier_redirects_removed: bool,
    /// Whether a preflight after a tainting redirect carries the page's origin instead of
    /// `null` (Firefox; `redirect-307-b-c-put`). The request itself still carries `null`.
    pub preflight_origin_untainted: bool,
    /// Which origin a preflight response after a tainting redirect is CORS-checked against.
    pub tainted_preflight_checked_against: TaintedPreflightCheck,
    /// Whether a preflight response from the page's own origin is not CORS-checked at all
    /// (Firefox; `redirect-pattern-a-b-a-put-spec` passes with `null` from A).
    pub preflight_to_own_origin_unchecked: bool,
    /// Whether a redirect that rewrites the method keeps the `Origin` header the previous
    /// request carried, so a same-origin `GET` after `PUT`/`POST`/`DELETE` 303 (or `POST`
    /// 301/302) still sends it (WebKit; `fidelity-3-put-303-a-a`, `fidelity-3-post-302-a-a`).
    /// The standard appends `Origin` afresh, and not for a same-origin `GET`.
    pub origin_kept_after_method_rewrite: bool,
    /// Whether a `no-cors` fetch with credentials mode `same-origin` that began at the page's
    /// own origin keeps sending credentials after a redirect to another origin (WebKit;
    /// `mode-no-cors-redirect-a-b-a` sends the cookie to B and back to A). The standard
    /// includes them only while the tainting is `basic`.
    pub no_cors_keeps_first_hop_credentials: bool,
    /// Whether a cross-origin 301, 302, 307 or 308 turns `DELETE` into `GET` without a body
    /// (WebKit; `fidelity-4-delete-308-b-c`, `fidelity-4-delete-307-a-b`; same-origin
    /// `fidelity-4-delete-308-b-b` keeps `DELETE`). The standard rewrites only as step 12 says.
    pub cross_origin_delete_becomes_get: bool,
}

/// Which origin a preflight response after a tainting redirect must name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaintedPreflightCheck {
    /// The serialized request origin, `null` (the standard, Chromium, WebKit:
    /// `fidelity-13-put-a-b-c-null-all-acac` passes with `null` from C).
    Null,
    /// The page's origin (Firefox; `redirect-pattern-a-b-c-put-spec` fails when C answers
    /// `null`).
    PageOrigin,
}

/// What an empty `Location` header value does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmptyLocation {
    /// It parses to the current URL, which is fetched again, until the redirect limit (the
    /// standard, Firefox).
    FollowToSameUrl,
    /// It is ignored: the redirect response is returned (Chromium).
    NotARedirect,
    /// It is a network error (WebKit).
    NetworkError,
}

/// What a page-facing API does to a request before CORS sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScriptRules {
    /// Whether an `XMLHttpRequest` upload listener forces a preflight only when there is a
    /// body (Chromium; `method-xhr-get-upload-listener`). The XHR standard sets the flag for
    /// any request with an upload listener.
    pub xhr_upload_listener_needs_body: bool,
    /// Whether `XMLHttpRequest.send()` rewrites a `Content-Type` charset parameter to `UTF-8`
    /// before the CORS decision, as the XHR standard says (WebKit; `random-105-xhr-put-cached`).
    pub xhr_charset_rewritten_before_cors: bool,
}

/// How an engine makes the requests of elements and fonts, and what it lets the page do with
/// what they fetch (`tests/browsers/scenarios/initiators.jsonl`). HTML and CSS Fonts give the
/// [`Profile::SPEC`] values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InitiatorRules {
    /// Whether a same-origin `cors`-mode `GET` or `HEAD` with a non-empty destination (an
    /// element's or a font's) carries `Origin` (Chromium, WebKit; `init-img-anon-a-none`,
    /// `init-module-none-a-none`). The standard appends it to such a request only with `cors`
    /// tainting; `fetch()` and `EventSource` (empty destination) carry none in every engine.
    pub origin_on_same_origin_cors_loads: bool,
    /// Whether a `no-cors` `GET` or `HEAD` with a non-empty destination from an opaque origin
    /// carries `Origin: null` (Chromium, Firefox; `init-opaque-img-none-a-none`). The standard
    /// appends none; a `no-cors` `fetch()` from the same frame carries none in every engine.
    pub null_origin_on_opaque_no_cors_loads: bool,
    /// The mode a web font is fetched in. CSS Fonts: `cors` (WebKit: `no-cors`, shown by
    /// `Sec-Fetch-Mode` in `init-font-b-none`).
    pub font_mode: Mode,
    /// The credentials mode a web font is fetched with. CSS Fonts: `same-origin` (WebKit:
    /// `include`; `init-font-b-exactcred` sends the cookie to another origin).
    pub font_credentials: CredentialsMode,
    /// Whether a classic script with an opaque response has its errors muted to
    /// "Script error." (HTML; Chromium, WebKit). Firefox reports them in full
    /// (`init-script-none-b-none`).
    pub mute_opaque_script_errors: bool,
    /// Whether a stylesheet whose `Content-Type` is not `text/css` fails to load (HTML, in a
    /// no-quirks document; Firefox, WebKit). Chromium fires `load` all the same
    /// (`init-mime-stylesheet-none-a-textplain`).
    pub stylesheet_needs_text_css: bool,
}

/// How an engine's CORS-preflight cache is organised.
///
/// The standard's cache is a list of per-method and per-header entries, each with its own
/// expiry; it may drop entries early, so every bound here is conformant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheRules {
    /// The most (partition key, origin, URL[, credentials]) slots kept at once.
    pub capacity: usize,
    /// The most method and header-name items kept in one slot; a preflight response that
    /// allows more has the rest dropped (they will simply be preflighted again).
    pub max_items_per_slot: usize,
    /// The most bytes the cache keeps: every slot's key (partition key, serialized origin and
    /// URL) plus every item's method or header-name token. Past it, slots are evicted as
    /// [`eviction`](Self::eviction) says, never the one just stored; a single grant whose key
    /// and tokens alone pass it is not stored at all (and drops what the URL had cached), so
    /// the request is simply preflighted again next time. No browser has such a bound: a
    /// grant is only limited by the response-header size the network stack accepts (Chromium
    /// refuses a response whose header block passes 256 KiB), so a server can make a browser
    /// keep that much per cached URL. The per-profile values hold thousands of ordinary grants
    /// (a URL, an origin and a few names: well under 1 KiB) and any one grant a browser
    /// could receive, while keeping an adversarial server to a few MiB.
    pub max_bytes: usize,
    /// What goes when the cache is full.
    pub eviction: Eviction,
    /// How a new preflight result combines with what is cached for the same URL.
    pub shape: CacheShape,
    /// Whether the credentials mode is part of the key (Firefox), so that a credentialed
    /// result never serves an uncredentialed request (`cache-cred-include-then-same-origin-bp`).
    /// The standard lets it.
    pub credentials_in_key: bool,
    /// URLs this long or longer are never cached (Chromium: 1024).
    pub max_url_len: Option<usize>,
    /// Whether a cached result is reused for a URL whose host is an IP address. Every
    /// recorded engine reuses it (`fidelity-1-ip-put-twice-b`); Firefox's earlier misses on
    /// `127.0.0.1` were its DNS cache checking entries against a fresh IPv6 record, gone with
    /// `network.dns.disableIPv6` in the recorder's profile. Kept for engines that do not.
    pub reuse_for_ip_hosts: bool,
    /// Whether a cached result is reused for a request from an opaque origin, a sandboxed
    /// document's or a redirect-tainted one (Chromium does not;
    /// `cache-context-opaque-twice-bp`, `fidelity-2-tainted-twice`).
    pub reuse_for_opaque_origins: bool,
    /// How a requester whose origin is opaque is keyed.
    pub opaque_origin_key: OpaqueOriginKey,
    /// Whether the use-CORS-preflight flag alone makes the lookup ask for a method entry
    /// even for a method the lookup otherwise exempts (the standard). Every engine lets any
    /// live entry for the URL cover such a request: an XHR `POST` with an upload listener
    /// after a `PUT` (or header-only) entry is not preflighted
    /// (`fidelity-8-put-then-xhr-upload-bp`, `fidelity-8-header-then-xhr-upload-bp`).
    pub preflight_flag_needs_method_entry: bool,
    /// Whether cached `*` method and header entries are reused (Firefox does not;
    /// `cache-methods-acam-star-bp`).
    pub wildcard_entries_reused: bool,
    /// Whether a cached `*` header entry covers `Authorization` (WebKit;
    /// `cache-headers-star-authorization-bp`). Distinct from the preflight check's
    /// [`Profile::authorization_covered_by_wildcard`]: Chromium lets a fresh `*` cover it but
    /// not a cached one.
    pub wildcard_covers_authorization: bool,
    /// The methods exempt from the cached method check. The standard exempts the three
    /// CORS-safelisted methods; Firefox only `GET` and `POST`
    /// (`cache-methods-get-header-then-head-bp`).
    pub lookup_exempt_methods: &'static [&'static str],
    /// Whether the entries for a URL are cleared when the actual response fails its CORS check
    /// (the standard, Firefox). Chromium and WebKit keep them
    /// (`cache-clear-after-actual-fail-bp`).
    pub clear_on_actual_failure: bool,
    /// Whether the entries are cleared when a redirect under redirect mode `error` fails the
    /// fetch (the standard clears on any network error of the preflight branch). Every engine
    /// keeps them (`fidelity-6-redirect-error-bp`).
    pub clear_on_redirect_mode_error: bool,
    /// Whether a cached `*` is a wildcard for every request not in credentials mode `include`,
    /// whatever credentials it was stored with (WebKit: a `*` from a credentialed preflight,
    /// even one that then rejected its request, serves a later `omit` or `same-origin`
    /// request; `fidelity-14-star-method-cred-fail-then-omit-bp`,
    /// `fidelity-14-star-header-cred-pass-then-omit-bp`). Otherwise a `*` stored with
    /// credentials stays a literal (Chromium, Firefox, and `Profile::SPEC`, which closes the
    /// standard's gap that way).
    pub wildcard_by_request_credentials: bool,
    /// Whether a preflight response that passes the CORS check and the status check is stored
    /// before the method and header checks, so even a rejected preflight is cached (WebKit;
    /// `cache-failed-method-not-cached-bp`).
    pub store_before_validation: bool,
    /// Request cache modes under which the preflight cache is not consulted (Chromium:
    /// `reload`, `no-store`, `no-cache`; Firefox: `reload`, `no-store`). The standard
    /// ignores the cache mode here (`cache-cache-mode-reload-bp`).
    pub bypass_for_cache_modes: &'static [RequestCacheMode],
    /// Request cache modes under which a preflight result is not stored (Chromium:
    /// `no-store`; `fidelity-9-no-store-delete-then-put-bp`, while `reload` stores,
    /// `fidelity-9-reload-delete-then-put-bp`). The standard stores regardless.
    pub no_store_for_cache_modes: &'static [RequestCacheMode],
}

/// How the preflight cache keys a requester whose origin is opaque.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpaqueOriginKey {
    /// By its byte serialization, `null`, one slot shared by every opaque requester (the
    /// standard, Firefox; `fidelity-2-tainted-twice` reuses).
    Serialized,
    /// By identity: a sandboxed document's fetches share its opaque origin, and each
    /// redirect-tainted request is an opaque origin of its own that nothing else matches
    /// (Chromium, WebKit; `fidelity-2-tainted-twice` preflights again,
    /// `fidelity-2-frame-tainted-twice` reuses in WebKit, `fidelity-2-tainted-then-frame`
    /// keeps the two apart).
    Identity,
}

/// What a full preflight cache evicts to make room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Eviction {
    /// The least recently used slot.
    LeastRecentlyUsed,
    /// Every fully expired slot, then the least recently used one if that freed nothing
    /// (Firefox).
    ExpiredThenLeastRecentlyUsed,
    /// A batch of this many slots, least recently stored first. Chromium purges ten
    /// contiguous entries from a random position; a sans-IO crate has no randomness, so the
    /// batch is taken from the old end.
    OldestBatch(usize),
}

/// How the items of a successful preflight are merged into the cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheShape {
    /// The standard: one entry per method and header name, each refreshed or added on its
    /// own, none removed for being absent from a newer response.
    PerItem,
    /// One result per URL, replaced whole by each new preflight, with one expiry
    /// (Chromium, WebKit; `cache-methods-merge-bp`).
    ReplacePerUrl,
}
/// The order in which a preflight response's checks are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PreflightErrorOrder {
    /// The CORS check, then the status (Chromium, Firefox; the standard's sentence order).
    CorsCheckFirst,
    /// The status, then the CORS check (WebKit).
    StatusFirst,
}

/// Request-header safelisting rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SafelistRules {
    /// Header names, beyond the standard's five, that are safelisted when their value is well
    /// formed. Lowercase.
    pub extra_request_headers: &'static [ExtraSafelistedHeader],
    /// Whether the value of `Range` is ASCII-lowercased before the simple-range test, so that
    /// `Bytes=0-1` passes (WebKit; `safelist-range-Bytes`). The standard compares `bytes`
    /// case-sensitively.
    pub range_value_case_insensitive: bool,
    /// The limit on the summed value length of safelisted headers, past which all of them
    /// become CORS-unsafe. `Some(1024)` in the standard; `None` where an engine has no such rule
    /// (Firefox; `safelist-total-1025`).
    pub total_value_limit: Option<usize>,
    /// Whether repeated request headers of one name are checked as their combined value
    /// (`a, b`) rather than entry by entry as the standard's header list does (Chromium,
    /// WebKit; `safelist-accept-twice-100`).
    pub combine_repeated: bool,
    /// Whether bytes 0x80-0xFF may appear in `Accept` values and `Content-Type` parameters
    /// (the standard; Firefox sends a preflight for them, `safelist-accept-high-e9`).
    pub high_bytes_allowed: bool,
    /// Whether `Access-Control-Request-Headers` lists each name once (the standard; Firefox
    /// repeats a name set twice, `acrh-duplicate-name`).
    pub deduplicate_unsafe_names: bool,
    /// Header names, beyond the standard's forbidden request-header names, that the
    /// `Headers` guard drops silently. Lowercase. Chromium drops an author `User-Agent`
    /// (`fidelity-7-ua-get-b`: no preflight, not sent); the standard, Firefox and WebKit
    /// keep it and preflight for it (`acrh=user-agent`).
    pub extra_forbidden_request_headers: &'static [&'static str],
}

/// An engine-specific safelisted request header and the rule its value must meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtraSafelistedHeader {
    /// Lowercase header name.
    pub name: &'static str,
    /// The value grammar.
    pub value: ExtraValueRule,
}

/// Value grammars for [`ExtraSafelistedHeader`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExtraValueRule {
    /// A non-negative decimal number, digits with at most one `.` (client hints such as `dpr`).
    Number,
    /// A non-negative whole number (`width`, `viewport-width`).
    Integer,
    /// One of the listed ASCII tokens, compared case-sensitively.
    OneOf(&'static [&'static str]),
    /// One of the listed ASCII tokens, compared ASCII-case-insensitively (Chromium's
    /// `save-data`; `fidelity-9-save-data-upper`).
    OneOfIgnoringCase(&'static [&'static str]),
    /// Any value made of visible ASCII and spaces.
    Any,
    /// Any header value at all, bytes 0x80-0xFF included; only the 128-byte limit applies
    /// (Chromium's `intervention`; `fidelity-9-intervention-byte-e9`,
    /// `fidelity-9-intervention-len129`).
    AnyValue,
}

/// How the request method is matched against `Access-Control-Allow-Methods` items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MethodMatch {
    /// Byte-for-byte, as the standard says: `patch` is not allowed by `PATCH`.
    Exact,
    /// The request method is ASCII-uppercased first (Chromium before crbug 1228178).
    UppercaseRequestMethod,
}

/// Which error a response with several `Access-Control-Allow-Origin` values gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MultipleAllowOrigin {
    /// The standard: the combined value simply does not match ([`CorsError::AllowOriginMismatch`](crate::CorsError::AllowOriginMismatch)).
    Mismatch,
    /// A combined value containing a comma or a space is "multiple values" (Chromium).
    CommaOrSpace,
    /// More than one header line is "multiple" (Firefox); `a, b` on one line is a mismatch.
    HeaderLines,
    /// A combined value containing a comma is "multiple" (WebKit).
    Comma,
}

/// `Access-Control-Max-Age` handling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MaxAgeRules {
    /// Seconds used when the header is absent (5 in the standard and every engine).
    pub default: u64,
    /// Upper limit in seconds, or `None` for no limit (the standard leaves it to the UA).
    pub cap: Option<u64>,
    /// What happens to a value that is not a plain `delta-seconds`.
    pub parse: MaxAgeParse,
}

/// Parsers for `Access-Control-Max-Age`. Each is described by what it does with odd values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MaxAgeParse {
    /// The standard: one `delta-seconds` (digits only); anything else, including a repeated
    /// header, is a failure and the default applies. Values past `u64` saturate before the cap.
    Spec,
    /// Chromium: a signed 64-bit integer with an optional sign; invalid or overflowing values
    /// use the default; negative values mean "already expired" (0).
    Chromium,
    /// Firefox: digits only, saturating at the cap; any other byte, or 0, means "do not cache";
    /// an empty value counts as absent.
    Firefox,
    /// WebKit: leading whitespace and a sign accepted; invalid or overflowing values use the
    /// default; negative values are stored already expired.
    WebKit,
}
