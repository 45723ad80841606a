//! [`Profile`] and the four engine profiles.

use super::rules::{
    CacheRules, CacheShape, EmptyLocation, Eviction, ExtraSafelistedHeader, ExtraValueRule,
    InitiatorRules, MaxAgeParse, MaxAgeRules, MethodMatch, MultipleAllowOrigin, OpaqueOriginKey,
    PreflightErrorOrder, RedirectRules, SafelistRules, ScriptRules, TaintedPreflightCheck,
};

use crate::request::{CredentialsMode, Mode, RequestCacheMode};

/// Which engine a profile describes. Used for naming and for rendering diagnostics only;
/// behaviour is read from the other fields of [`Profile`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Engine {
    /// The Fetch Standard as written.
    Spec,
    /// Chromium (Chrome, Edge, Opera, ...).
    Chromium,
    /// Firefox (Gecko).
    Firefox,
    /// WebKit (Safari, WebKitGTK).
    WebKit,
}

impl Engine {
    /// The lowercase name used in scenario and prediction files (`spec`, `chromium`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Engine::Spec => "spec",
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::WebKit => "webkit",
        }
    }
}

/// A set of engine behaviours. See the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Profile {
    /// The engine this profile describes.
    pub engine: Engine,
    /// Which request headers are CORS-safelisted, and how their values are checked.
    pub safelist: SafelistRules,
    /// Whether `Access-Control-Allow-Headers: *` also covers `Authorization` in a preflight
    /// response. The standard says it never does; all three engines let it through
    /// (whatwg/fetch#1919; `wildcard-auth-acah-star-omit`).
    pub authorization_covered_by_wildcard: bool,
    /// How the request method is compared with `Access-Control-Allow-Methods`.
    pub method_match: MethodMatch,
    /// How a response with more than one `Access-Control-Allow-Origin` value is reported.
    /// Every rule fails the check; they differ only in which error is reported.
    pub multiple_allow_origin: MultipleAllowOrigin,
    /// Whether an `Access-Control-Allow-Origin` value that is not `null` and does not parse as
    /// a URL is reported as invalid rather than as a mismatch (Chromium). Reporting only.
    pub report_invalid_allow_origin: bool,
    /// Names an engine always exposes on a CORS response besides the CORS-safelisted
    /// response-header names. Lowercase. No current engine adds any.
    pub extra_safelisted_response_headers: &'static [&'static str],
    /// Names that `Access-Control-Expose-Headers: *` exposes even when credentials are
    /// included, where `*` is otherwise literal (WebKit: `accept`; `aceh-star-include`).
    pub exposed_by_star_with_credentials: &'static [&'static str],
    /// How `Access-Control-Max-Age` is parsed, defaulted and capped.
    pub max_age: MaxAgeRules,
    /// Whether a `Cross-Origin-Resource-Policy: same-site` response from an IP-literal host
    /// can be same site with the page (HTML's *schemelessly same site*; Firefox, WebKit).
    /// Chromium blocks it even for the same IP on another port
    /// (`fidelity-10-corp-same-site-b`, `fidelity-10-corp-same-site-redirect-bp-b`).
    pub corp_same_site_matches_ip_hosts: bool,
    /// Which failure a preflight response that fails both the CORS check and the status check
    /// is reported as. Reporting only.
    pub preflight_error_order: PreflightErrorOrder,
    /// The shape and bounds of the CORS-preflight cache.
    pub cache: CacheRules,
    /// How redirects are checked.
    pub redirect: RedirectRules,
    /// What page-facing APIs do to a request before CORS sees it.
    pub script: ScriptRules,
    /// How elements and fonts make their requests and use what they fetch.
    pub initiators: InitiatorRules,
}

const SAFELISTED_METHODS: &[&str] = &["GET", "HEAD", "POST"];

impl Profile {
    /// The Fetch Standard, followed to the letter.
    pub const SPEC: Profile = Profile {
        engine: Engine::Spec,
        safelist: SafelistRules {
            extra_request_headers: &[],
            range_value_case_insensitive: false,
            total_value_limit: Some(1024),
            combine_repeated: false,
            high_bytes_allowed: true,
            extra_forbidden_request_headers: &[],
            deduplicate_unsafe_names: true,
        },
        authorization_covered_by_wildcard: false,
        method_match: MethodMatch::Exact,
        multiple_allow_origin: MultipleAllowOrigin::Mismatch,
        report_invalid_allow_origin: false,
        extra_safelisted_response_headers: &[],
        exposed_by_star_with_credentials: &[],
        max_age: MaxAgeRules {
            default: 5,
            cap: None,
            parse: MaxAgeParse::Spec,
        },
        corp_same_site_matches_ip_hosts: true,
        preflight_error_order: PreflightErrorOrder::CorsCheckFirst,
        cache: CacheRules {
            // The standard sets no bound; dropping entries early is allowed, so ours has one.
            capacity: 1024,
            max_items_per_slot: 64,
            // The standard sets no byte bound either; 4 KiB a slot on average, and a grant
            // as large as Chromium's 256 KiB header limit still fits.
            max_bytes: 4 << 20,
            eviction: Eviction::LeastRecentlyUsed,
            shape: CacheShape::PerItem,
            credentials_in_key: false,
            max_url_len: None,
            reuse_for_ip_hosts: true,
            reuse_for_opaque_origins: true,
            opaque_origin_key: OpaqueOriginKey::Serialized,
            preflight_flag_needs_method_entry: true,
            wildcard_entries_reused: true,
            wildcard_covers_authorization: false,
            lookup_exempt_methods: SAFELISTED_METHODS,
            clear_on_actual_failure: true,
            clear_on_redirect_mode_error: true,
            wildcard_by_request_credentials: false,
            store_before_validation: false,
            bypass_for_cache_modes: &[],
            no_store_for_cache_modes: &[],
        },
        redirect: RedirectRules {
            check_redirects_with_initial_credentials: false,
            credentialed_redirect_fails_after_next_preflight: false,
            reject_credentials_in_location: false,
            empty_location: EmptyLocation::FollowToSameUrl,
            join_multiple_locations: false,
            error_mode_needs_location: false,
            preflight_again_after_redirect: false,
            preflight_lists_original_headers: false,
            preflight_relists_headers_earlier_redirects_removed: false,
            preflight_origin_untainted: false,
            tainted_preflight_checked_against: TaintedPreflightCheck::Null,
            preflight_to_own_origin_unchecked: false,
            origin_kept_after_method_rewrite: false,
            no_cors_keeps_first_hop_credentials: false,
            cross_origin_delete_becomes_get: false,
        },
        script: ScriptRules {
            xhr_upload_listener_needs_body: false,
            xhr_charset_rewritten_before_cors: true,
        },
        initiators: InitiatorRules {
            origin_on_same_origin_cors_loads: false,
            null_origin_on_opaque_no_cors_loads: false,
            font_mode: Mode::Cors,
            font_credentials: CredentialsMode::SameOrigin,
            mute_opaque_script_errors: true,
            stylesheet_needs_text_css: true,
        },
    };

    /// Chromium, as recorded with Chromium 156 (`tests/browsers/`).
    pub const CHROMIUM: Profile = Profile {
        engine: Engine::Chromium,
        safelist: SafelistRules {
            extra_request_headers: CHROMIUM_EXTRA_SAFELISTED,
            range_value_case_insensitive: false,
            total_value_limit: Some(1024),
            combine_repeated: true,
            high_bytes_allowed: true,
            extra_forbidden_request_headers: &["user-agent"],
            deduplicate_unsafe_names: true,
        },
        authorization_covered_by_wildcard: true,
        method_match: MethodMatch::Exact,
        multiple_allow_origin: MultipleAllowOrigin::CommaOrSpace,
        report_invalid_allow_origin: true,
        extra_safelisted_response_headers: &[],
        exposed_by_star_with_credentials: &[],
        max_age: MaxAgeRules {
            default: 5,
            cap: Some(7200),
            parse: MaxAgeParse::Chromium,
        },
        corp_same_site_matches_ip_hosts: false,
        preflight_error_order: PreflightErrorOrder::CorsCheckFirst,
        cache: CacheRules {
            capacity: 1024,
            max_items_per_slot: 64,
            // Chromium bounds only the header block (256 KiB) and the URL (1024 bytes);
            // 4 KiB a slot on average.
            max_bytes: 4 << 20,
            eviction: Eviction::OldestBatch(10),
            shape: CacheShape::ReplacePerUrl,
            credentials_in_key: false,
            max_url_len: Some(1024),
            reuse_for_ip_hosts: true,
            reuse_for_opaque_origins: false,
            opaque_origin_key: OpaqueOriginKey::Identity,
            preflight_flag_needs_method_entry: false,
            wildcard_entries_reused: true,
            wildcard_covers_authorization: false,
            lookup_exempt_methods: SAFELISTED_METHODS,
            clear_on_actual_failure: false,
            clear_on_redirect_mode_error: false,
            wildcard_by_request_credentials: false,
            store_before_validation: false,
            bypass_for_cache_modes: &[
                RequestCacheMode::Reload,
                RequestCacheMode::NoStore,
                RequestCacheMode::NoCache,
            ],
            no_store_for_cache_modes: &[RequestCacheMode::NoStore],
        },
        redirect: RedirectRules {
            check_redirects_with_initial_credentials: false,
            credentialed_redirect_fails_after_next_preflight: false,
            reject_credentials_in_location: true,
            empty_location: EmptyLocation::NotARedirect,
            join_multiple_locations: false,
            error_mode_needs_location: true,
            preflight_again_after_redirect: false,
            preflight_lists_original_headers: false,
            preflight_relists_headers_earlier_redirects_removed: false,
            preflight_origin_untainted: false,
            tainted_preflight_checked_against: TaintedPreflightCheck::Null,
            preflight_to_own_origin_unchecked: false,
            origin_kept_after_method_rewrite: false,
            no_cors_keeps_first_hop_credentials: false,
            cross_origin_delete_becomes_get: false,
        },
        script: ScriptRules {
            xhr_upload_listener_needs_body: true,
            xhr_charset_rewritten_before_cors: false,
        },
        initiators: InitiatorRules {
            origin_on_same_origin_cors_loads: true,
            null_origin_on_opaque_no_cors_loads: true,
            font_mode: Mode::Cors,
            font_credentials: CredentialsMode::SameOrigin,
            mute_opaque_script_errors: true,
            stylesheet_needs_text_css: false,
        },
    };

    /// Firefox, as recorded with Firefox ESR 153 (`tests/browsers/`).
    pub const FIREFOX: Profile = Profile {
        engine: Engine::Firefox,
        safelist: SafelistRules {
            extra_request_headers: &[],
            range_value_case_insensitive: false,
            total_value_limit: None,
            combine_repeated: false,
            high_bytes_allowed: false,
            extra_forbidden_request_headers: &[],
            deduplicate_unsafe_names: false,
        },
        authorization_covered_by_wildcard: true,
        method_match: MethodMatch::Exact,
        multiple_allow_origin: MultipleAllowOrigin::HeaderLines,
        report_invalid_allow_origin: false,
        extra_safelisted_response_headers: &[],
        exposed_by_star_with_credentials: &[],
        max_age: MaxAgeRules {
            default: 5,
            cap: Some(86400),
            parse: MaxAgeParse::Firefox,
        },
        corp_same_site_matches_ip_hosts: true,
        preflight_error_order: PreflightErrorOrder::CorsCheckFirst,
        cache: CacheRules {
            capacity: 100,
            max_items_per_slot: 64,
            // 100 slots: about 10 KiB each, and one 256 KiB grant still fits.
            max_bytes: 1 << 20,
            eviction: Eviction::ExpiredThenLeastRecentlyUsed,
            shape: CacheShape::PerItem,
            credentials_in_key: true,
            max_url_len: None,
            reuse_for_ip_hosts: true,
            reuse_for_opaque_origins: true,
            opaque_origin_key: OpaqueOriginKey::Serialized,
            preflight_flag_needs_method_entry: false,
            wildcard_entries_reused: false,
            wildcard_covers_authorization: false,
            lookup_exempt_methods: &["GET", "POST"],
            clear_on_actual_failure: true,
            clear_on_redirect_mode_error: false,
            wildcard_by_request_credentials: false,
            store_before_validation: false,
            bypass_for_cache_modes: &[RequestCacheMode::Reload, RequestCacheMode::NoStore],
            no_store_for_cache_modes: &[],
        },
        redirect: RedirectRules {
            check_redirects_with_initial_credentials: false,
            credentialed_redirect_fails_after_next_preflight: false,
            reject_credentials_in_location: false,
            empty_location: EmptyLocation::FollowToSameUrl,
            join_multiple_locations: false,
            error_mode_needs_location: false,
            preflight_again_after_redirect: true,
            preflight_lists_original_headers: false,
            preflight_relists_headers_earlier_redirects_removed: true,
            preflight_origin_untainted: true,
            tainted_preflight_checked_against: TaintedPreflightCheck::PageOrigin,
            preflight_to_own_origin_unchecked: true,
            origin_kept_after_method_rewrite: false,
            no_cors_keeps_first_hop_credentials: false,
            cross_origin_delete_becomes_get: false,
        },
        script: ScriptRules {
            xhr_upload_listener_needs_body: false,
            xhr_charset_rewritten_before_cors: false,
        },
        initiators: InitiatorRules {
            origin_on_same_origin_cors_loads: false,
            null_origin_on_opaque_no_cors_loads: true,
            font_mode: Mode::Cors,
            font_credentials: CredentialsMode::SameOrigin,
            mute_opaque_script_errors: false,
            stylesheet_needs_text_css: true,
        },
    };

    /// WebKit, as recorded with WebKitGTK 2.50 (`tests/browsers/`). Safari shares WebCore's
    /// CORS code but not WebKitGTK's network layer (libsoup); see `tests/browsers/README.md`.
    pub const WEBKIT: Profile = Profile {
        engine: Engine::WebKit,
        safelist: SafelistRules {
            extra_request_headers: &[],
            range_value_case_insensitive: true,
            total_value_limit: Some(1024),
            combine_repeated: true,
            high_bytes_allowed: true,
            extra_forbidden_request_headers: &[],
            deduplicate_unsafe_names: true,
        },
        authorization_covered_by_wildcard: true,
        method_match: MethodMatch::Exact,
        multiple_allow_origin: MultipleAllowOrigin::Comma,
        report_invalid_allow_origin: false,
        extra_safelisted_response_headers: &[],
        exposed_by_star_with_credentials: &["accept"],
        max_age: MaxAgeRules {
            default: 5,
            cap: Some(600),
            parse: MaxAgeParse::WebKit,
        },
        corp_same_site_matches_ip_hosts: true,
        preflight_error_order: PreflightErrorOrder::StatusFirst,
        cache: CacheRules {
            // WebKit's cache is unbounded; ours is not.
            capacity: 4096,
            max_items_per_slot: 64,
            // WebKit bounds nothing; 4 KiB for each of our 4096 slots on average.
            max_bytes: 16 << 20,
            eviction: Eviction::LeastRecentlyUsed,
            shape: CacheShape::ReplacePerUrl,
            credentials_in_key: false,
            max_url_len: None,
            reuse_for_ip_hosts: true,
            reuse_for_opaque_origins: true,
            opaque_origin_key: OpaqueOriginKey::Identity,
            preflight_flag_needs_method_entry: false,
            wildcard_entries_reused: true,
            wildcard_covers_authorization: true,
            lookup_exempt_methods: SAFELISTED_METHODS,
            clear_on_actual_failure: false,
            clear_on_redirect_mode_error: false,
            wildcard_by_request_credentials: true,
            store_before_validation: true,
            bypass_for_cache_modes: &[],
            no_store_for_cache_modes: &[],
        },
        redirect: RedirectRules {
            check_redirects_with_initial_credentials: true,
            credentialed_redirect_fails_after_next_preflight: true,
            reject_credentials_in_location: false,
            empty_location: EmptyLocation::NetworkError,
            join_multiple_locations: true,
            error_mode_needs_location: true,
            preflight_again_after_redirect: true,
            preflight_lists_original_headers: true,
            preflight_relists_headers_earlier_redirects_removed: false,
            preflight_origin_untainted: false,
            tainted_preflight_checked_against: TaintedPreflightCheck::Null,
            preflight_to_own_origin_unchecked: false,
            origin_kept_after_method_rewrite: true,
            no_cors_keeps_first_hop_credentials: true,
            cross_origin_delete_becomes_get: true,
        },
        script: ScriptRules {
            xhr_upload_listener_needs_body: false,
            xhr_charset_rewritten_before_cors: true,
        },
        initiators: InitiatorRules {
            origin_on_same_origin_cors_loads: true,
            null_origin_on_opaque_no_cors_loads: false,
            font_mode: Mode::NoCors,
            font_credentials: CredentialsMode::Include,
            mute_opaque_script_errors: true,
            stylesheet_needs_text_css: true,
        },
    };

    /// All built-in profiles, `SPEC` first.
    pub const ALL: [Profile; 4] = [
        Profile::SPEC,
        Profile::CHROMIUM,
        Profile::FIREFOX,
        Profile::WEBKIT,
    ];

    /// Looks a built-in profile up by its [`Engine::name`].
    ///
    /// ```
    /// assert_eq!(fetch_cors::Profile::by_name("firefox"), Some(fetch_cors::Profile::FIREFOX));
    /// assert_eq!(fetch_cors::Profile::by_name("lynx"), None);
    /// ```
    pub fn by_name(name: &str) -> Option<Profile> {
        Profile::ALL
            .into_iter()
            .find(|p| p.engine.name().eq_ignore_ascii_case(name))
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::SPEC
    }
}

/// Chromium's legacy client hints and friends, safelisted when well formed
/// (`safelist-chromium-*`).
const CHROMIUM_EXTRA_SAFELISTED: &[ExtraSafelistedHeader] = &[
    ExtraSafelistedHeader {
        name: "device-memory",
        value: ExtraValueRule::Number,
    },
    ExtraSafelistedHeader {
        name: "dpr",
        value: ExtraValueRule::Number,
    },
    ExtraSafelistedHeader {
        name: "width",
        value: ExtraValueRule::Integer,
    },
    ExtraSafelistedHeader {
        name: "viewport-width",
        value: ExtraValueRule::Integer,
    },
    ExtraSafelistedHeader {
        name: "rtt",
        // Whole numbers only (`fidelity-9-rtt-100p5` is preflighted); `downlink` takes
        // decimals.
        value: ExtraValueRule::Integer,
    },
    ExtraSafelistedHeader {
        name: "downlink",
        value: ExtraValueRule::Number,
    },
    ExtraSafelistedHeader {
        name: "ect",
        value: ExtraValueRule::OneOf(&["slow-2g", "2g", "3g", "4g"]),
    },
    ExtraSafelistedHeader {
        name: "save-data",
        value: ExtraValueRule::OneOfIgnoringCase(&["on"]),
    },
    ExtraSafelistedHeader {
        name: "intervention",
        value: ExtraValueRule::AnyValue,
    },
];
