//! The preflight cache's byte bound (`CacheRules::max_bytes`, issue 16 item 3): what it counts,
//! that no sequence of stores takes the cache past it, that a grant too large on its own is not
//! stored, and that lookups stay right while it evicts.

use fetch_cors::{Origin, PreflightCache, Profile, Request, Timestamp, check_preflight_response};
use http::Method;

const PAGE: &str = "https://app.example";

fn put_parts(url: &str) -> http::request::Parts {
    http::Request::put(url).body(()).unwrap().into_parts().0
}

/// A preflight answer granting PUT and `names` for the page, for 60 seconds.
fn answer(names: &str) -> http::Response<()> {
    http::Response::builder()
        .header("access-control-allow-origin", PAGE)
        .header("access-control-allow-methods", "PUT")
        .header("access-control-allow-headers", names)
        .header("access-control-max-age", "60")
        .body(())
        .unwrap()
}

/// `n` distinct header names of `len` bytes each, joined as a list.
fn names(n: usize, len: usize) -> String {
    (0..n)
        .map(|i| {
            let mut name = format!("x-{i}-");
            name.extend(std::iter::repeat_n('a', len - name.len()));
            name
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn store(cache: &mut PreflightCache, profile: &Profile, url: &str, list: &str, now: Timestamp) {
    let page = Origin::parse(PAGE).unwrap();
    let parts = put_parts(url);
    let req = Request::from_parts(&parts, &page).unwrap();
    let a = answer(list);
    let grant = check_preflight_response(&req, &a, profile).unwrap();
    cache.store(&req, "p", &grant, now);
}

fn has_put(cache: &mut PreflightCache, url: &str, now: Timestamp) -> bool {
    let page = Origin::parse(PAGE).unwrap();
    let parts = put_parts(url);
    let req = Request::from_parts(&parts, &page).unwrap();
    cache.method_cache_entry_match(&req, "p", &Method::PUT, now)
}

fn has_header(cache: &mut PreflightCache, url: &str, name: &str, now: Timestamp) -> bool {
    let page = Origin::parse(PAGE).unwrap();
    let parts = put_parts(url);
    let req = Request::from_parts(&parts, &page).unwrap();
    cache.header_name_cache_entry_match(&req, "p", name.as_bytes(), now)
}

#[test]
fn bytes_count_keys_and_tokens() {
    let profile = Profile::SPEC;
    let mut cache = PreflightCache::new(&profile);
    assert_eq!(cache.bytes(), 0);
    let url = "https://api.example/x";
    store(&mut cache, &profile, url, "x-a", Timestamp::ZERO);
    // partition "p", origin, URL, then the tokens "PUT" and "x-a".
    assert_eq!(cache.bytes(), 1 + PAGE.len() + url.len() + 3 + 3);
    // A refresh adds nothing; a new name adds its length.
    store(&mut cache, &profile, url, "x-a", Timestamp::from_secs(1));
    assert_eq!(cache.bytes(), 1 + PAGE.len() + url.len() + 6);
    store(&mut cache, &profile, url, "x-bb", Timestamp::from_secs(2));
    assert_eq!(cache.bytes(), 1 + PAGE.len() + url.len() + 10);
    cache.evict_expired(Timestamp::MAX);
    assert_eq!(cache.bytes(), 0);
    store(&mut cache, &profile, url, "x-a", Timestamp::ZERO);
    cache.clear_all();
    assert_eq!(cache.bytes(), 0);
}

/// Issue 16's case, with names of 4 KB instead of 16 KiB to keep the debug build quick: 1,024
/// grants of 64 names would keep 256 MB without the bound (1 GB at 16 KiB).
#[test]
fn a_thousand_large_grants_stay_under_the_bound() {
    // About 256 KB a grant, which every profile's bound holds a few times.
    let list = names(64, 4_000);
    let page = Origin::parse(PAGE).unwrap();
    for profile in Profile::ALL {
        let mut cache = PreflightCache::new(&profile);
        let first = put_parts("https://api.example/0");
        let first_req = Request::from_parts(&first, &page).unwrap();
        let a = answer(&list);
        let grant = check_preflight_response(&first_req, &a, &profile).unwrap();
        for i in 0..1024 {
            let url = format!("https://api.example/{i}");
            let parts = put_parts(&url);
            let req = Request::from_parts(&parts, &page).unwrap();
            cache.store(&req, "p", &grant, Timestamp::ZERO);
            assert!(
                cache.bytes() <= cache.max_bytes(),
                "{:?}: {} bytes after {} grants, bound {}",
                profile.engine,
                cache.bytes(),
                i + 1,
                cache.max_bytes()
            );
            // The grant just stored is always there.
            assert!(cache.method_cache_entry_match(&req, "p", &Method::PUT, Timestamp::ZERO));
        }
        assert!(cache.bytes() > 0);
        assert!(cache.len() < 1024, "{:?}", profile.engine);
    }
}

#[test]
fn a_grant_larger_than_the_bound_is_not_stored() {
    let mut profile = Profile::SPEC;
    profile.cache.max_bytes = 4096;
    let mut cache = PreflightCache::new(&profile);
    let x = "https://api.example/x";
    let y = "https://api.example/y";
    store(&mut cache, &profile, x, "x-a", Timestamp::ZERO);
    store(&mut cache, &profile, y, "x-a", Timestamp::ZERO);
    assert!(has_put(&mut cache, x, Timestamp::ZERO));
    let before_y = cache.bytes();
    // One name of 5,000 bytes: more than the whole bound.
    store(&mut cache, &profile, x, &names(1, 5000), Timestamp::ZERO);
    assert!(cache.bytes() <= 4096);
    // Nothing of it is stored, and x's earlier result is gone too; y is untouched.
    assert!(!has_put(&mut cache, x, Timestamp::ZERO));
    assert!(!has_header(&mut cache, x, "x-a", Timestamp::ZERO));
    assert!(has_put(&mut cache, y, Timestamp::ZERO));
    assert!(has_header(&mut cache, y, "x-a", Timestamp::ZERO));
    assert_eq!(cache.len(), 1);
    assert_eq!(cache.bytes() * 2, before_y);
    // The same grant under the shipped bound is stored whole.
    let mut big = PreflightCache::new(&Profile::SPEC);
    store(
        &mut big,
        &Profile::SPEC,
        x,
        &names(1, 5000),
        Timestamp::ZERO,
    );
    assert!(has_put(&mut big, x, Timestamp::ZERO));
}

#[test]
fn lookups_stay_right_while_bytes_evict() {
    // Room for three slots of about 1 KB; the least recently used goes first.
    let mut profile = Profile::SPEC;
    profile.cache.max_bytes = 3500;
    let list = names(1, 1000);
    let first_name = list.as_str();
    let mut cache = PreflightCache::new(&profile);
    let url = |i: usize| format!("https://api.example/{i}");
    for i in 0..3 {
        store(&mut cache, &profile, &url(i), &list, Timestamp::ZERO);
    }
    assert_eq!(cache.len(), 3);
    // Touch 0, so 1 is the least recently used.
    assert!(has_put(&mut cache, &url(0), Timestamp::ZERO));
    store(&mut cache, &profile, &url(3), &list, Timestamp::ZERO);
    assert!(cache.bytes() <= 3500);
    assert_eq!(cache.len(), 3);
    assert!(!has_put(&mut cache, &url(1), Timestamp::ZERO));
    for i in [0, 2, 3] {
        assert!(has_put(&mut cache, &url(i), Timestamp::ZERO), "{i}");
        assert!(
            has_header(&mut cache, &url(i), first_name, Timestamp::ZERO),
            "{i}"
        );
    }
    assert!(!has_header(&mut cache, &url(0), "x-other", Timestamp::ZERO));
}

#[test]
fn merged_slot_stops_at_the_bound() {
    // Under the standard's per-item shape, grants for one URL accumulate; the slot stops
    // taking names at the bound instead of growing past it.
    let mut profile = Profile::SPEC;
    profile.cache.max_bytes = 2500;
    let mut cache = PreflightCache::new(&profile);
    let x = "https://api.example/x";
    for i in 0..10 {
        let name = format!("x-{i}-{}", "b".repeat(500));
        store(&mut cache, &profile, x, &name, Timestamp::ZERO);
        assert!(cache.bytes() <= 2500, "{i}: {}", cache.bytes());
    }
    assert_eq!(cache.len(), 1);
    assert!(has_put(&mut cache, x, Timestamp::ZERO));
    let first = format!("x-0-{}", "b".repeat(500));
    let last = format!("x-9-{}", "b".repeat(500));
    assert!(has_header(&mut cache, x, &first, Timestamp::ZERO));
    assert!(!has_header(&mut cache, x, &last, Timestamp::ZERO));
}

#[test]
fn firefox_evicts_expired_slots_first_for_bytes() {
    let mut profile = Profile::FIREFOX;
    profile.cache.max_bytes = 3500;
    let list = names(1, 1000);
    let mut cache = PreflightCache::new(&profile);
    let url = |i: usize| format!("https://api.example/{i}");
    let short = http::Response::builder()
        .header("access-control-allow-origin", PAGE)
        .header("access-control-allow-methods", "PUT")
        .header("access-control-allow-headers", list.as_str())
        .header("access-control-max-age", "10")
        .body(())
        .unwrap();
    let page = Origin::parse(PAGE).unwrap();
    // Slot 0 is the least recently used but live; slot 1 expires at 10 s.
    store(&mut cache, &profile, &url(0), &list, Timestamp::ZERO);
    let parts = put_parts(&url(1));
    let req = Request::from_parts(&parts, &page).unwrap();
    let grant = check_preflight_response(&req, &short, &profile).unwrap();
    cache.store(&req, "p", &grant, Timestamp::ZERO);
    store(&mut cache, &profile, &url(2), &list, Timestamp::ZERO);
    let later = Timestamp::from_secs(20);
    store(&mut cache, &profile, &url(3), &list, later);
    assert!(cache.bytes() <= 3500);
    assert!(has_put(&mut cache, &url(0), later));
    assert!(has_put(&mut cache, &url(2), later));
    assert!(has_put(&mut cache, &url(3), later));
    assert_eq!(cache.len(), 3);
}

#[test]
fn chromium_evicts_a_batch_for_bytes() {
    let mut profile = Profile::CHROMIUM;
    // Room for about twelve slots of 300 bytes.
    profile.cache.max_bytes = 3700;
    let list = names(1, 250);
    let mut cache = PreflightCache::new(&profile);
    let url = |i: usize| format!("https://api.example/{i:02}");
    let mut over_at = None;
    for i in 0..40 {
        let before = cache.len();
        store(&mut cache, &profile, &url(i), &list, Timestamp::ZERO);
        assert!(cache.bytes() <= 3700);
        if cache.len() < before && over_at.is_none() {
            over_at = Some((before, cache.len()));
        }
    }
    // The first time it went over, ten slots went at once (and the new one came in).
    let (before, after) = over_at.expect("the bound was reached");
    assert_eq!(before + 1 - after, 10, "{before} -> {after}");
    assert!(has_put(&mut cache, &url(39), Timestamp::ZERO));
}
