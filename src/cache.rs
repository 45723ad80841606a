//! The CORS-preflight cache.
//!
//! <https://fetch.spec.whatwg.org/#cors-preflight-cache>. One cache serves every fetch of a
//! user agent (or of one browser profile): the host owns it and lends it to each
//! [`CorsFetch`](crate::CorsFetch). It never reads a clock; every call that depends on time
//! takes `now`.
//!
//! Entries are grouped into *slots*, one per (network partition key, byte-serialized origin,
//! URL[, credentials]) key, so that a lookup is one hash probe plus a scan of a few items.
//! Each item is one of the standard's cache entries: a method or a header name, with its
//! credentials flag and expiry. The cache is bounded: at most
//! [`CacheRules::capacity`](crate::profile::CacheRules) slots of at most
//! `max_items_per_slot` items each, and at most `max_bytes` bytes of keys and tokens
//! ([`PreflightCache::bytes`]), evicted as the profile's engine does. A grant too large for
//! the byte bound on its own is not stored; the request is preflighted again next time.
//!
//! ```
//! use fetch_cors::{check_preflight_response, Origin, PreflightCache, Profile, Request, Timestamp};
//!
//! let profile = Profile::SPEC;
//! let mut cache = PreflightCache::new(&profile);
//! let page = Origin::parse("https://app.example").unwrap();
//! let (parts, ()) = http::Request::put("https://api.example/x").body(()).unwrap().into_parts();
//! let req = Request::from_parts(&parts, &page).unwrap();
//! let answer = http::Response::builder()
//!     .header("access-control-allow-origin", "https://app.example")
//!     .header("access-control-allow-methods", "PUT")
//!     .header("access-control-max-age", "60")
//!     .body(()).unwrap();
//! let grant = check_preflight_response(&req, &answer, &profile).unwrap();
//! let now = Timestamp::ZERO;
//! cache.store(&req, "", &grant, now);
//! assert!(cache.method_cache_entry_match(&req, "", &http::Method::PUT, now));
//! assert!(!cache.method_cache_entry_match(&req, "", &http::Method::PUT, now.plus_secs(60)));
//! ```

use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::num::NonZeroU64;

use hashbrown::HashTable;
use http::Method;
use smallvec::SmallVec;

use crate::cors_preflight_fetch::{ParsedPreflight, PreflightGrant};
use crate::header::safelist::is_cors_non_wildcard_request_header_name;
use crate::header::values::MaxAge;
use crate::main_fetch::PreflightNeed;
use crate::origin::Origin;
use crate::profile::engines::Engine;
use crate::profile::{CacheRules, CacheShape, Eviction, OpaqueOriginKey, Profile};
use crate::request::{CredentialsMode, Request};
use crate::time::Timestamp;

/// The CORS-preflight cache. See the module docs.
#[derive(Debug, Clone)]
pub struct PreflightCache {
    rules: CacheRules,
    /// The engine of the profile the cache was made for, to name it in errors.
    engine: Engine,
    table: HashTable<usize>,
    slots: Vec<Option<Slot>>,
    free: Vec<usize>,
    /// Most recently used slot.
    head: Option<usize>,
    /// Least recently used slot.
    tail: Option<usize>,
    /// (earliest expiry of the slot's items, slot id), for `next_expiry` and `evict_expired`.
    expiries: BTreeSet<(Timestamp, usize)>,
    len: usize,
    /// Key and token bytes over all slots; see [`PreflightCache::bytes`].
    bytes: usize,
}

#[derive(Debug, Clone)]
struct Slot {
    key: SlotKey,
    hash: u64,
    items: SmallVec<[Item; 4]>,
    min_expiry: Timestamp,
    /// This slot's share of [`PreflightCache::bytes`]: its key plus its items' tokens.
    bytes: usize,
    prev: Option<usize>,
    next: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct SlotKey {
    partition: Box<str>,
    origin: Box<str>,
    /// The opaque origin's identity, when the profile keys opaque requesters by it.
    opaque: Option<NonZeroU64>,
    url: Box<str>,
    /// `Some` only when the profile puts the credentials mode in the key.
    credentials: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Method,
    Header,
}

#[derive(Debug, Clone)]
struct Item {
    kind: Kind,
    token: SmallVec<[u8; 24]>,
    credentials: bool,
    expires: Timestamp,
}

/// A borrowed slot key, for lookups that must not allocate.
#[derive(Clone, Copy)]
struct KeyRef<'a> {
    partition: &'a str,
    origin: &'a str,
    opaque: Option<NonZeroU64>,
    url: &'a str,
    credentials: Option<bool>,
}

impl KeyRef<'_> {
    fn hash(&self) -> u64 {
        // Fixed keys: the crate holds no randomness. The slot bound caps what a crafted
        // collision can cost.
        let mut h = DefaultHasher::new();
        (
            self.partition,
            self.origin,
            self.opaque,
            self.url,
            self.credentials,
        )
            .hash(&mut h);
        h.finish()
    }

    fn matches(&self, k: &SlotKey) -> bool {
        *k.url == *self.url
            && *k.origin == *self.origin
            && k.opaque == self.opaque
            && *k.partition == *self.partition
            && k.credentials == self.credentials
    }

    /// The bytes this key costs in the cache.
    fn bytes(&self) -> usize {
        self.partition.len() + self.origin.len() + self.url.len()
    }

    fn to_owned(self) -> SlotKey {
        SlotKey {
            partition: self.partition.into(),
            origin: self.origin.into(),
            opaque: self.opaque,
            url: self.url.into(),
            credentials: self.credentials,
        }
    }
}

impl PreflightCache {
    /// An empty cache shaped and bounded as `profile`'s engine does it.
    pub fn new(profile: &Profile) -> Self {
        PreflightCache {
            rules: profile.cache,
            engine: profile.engine,
            table: HashTable::new(),
            slots: Vec::new(),
            free: Vec::new(),
            head: None,
            tail: None,
            expiries: BTreeSet::new(),
            len: 0,
            bytes: 0,
        }
    }

    /// An empty cache for `profile`, holding at most `capacity` slots.
    pub fn with_capacity(profile: &Profile, capacity: usize) -> Self {
        let mut cache = PreflightCache::new(profile);
        cache.rules.capacity = capacity.max(1);
        cache
    }

    /// The number of slots: distinct (partition key, origin, URL[, credentials]) keys.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of method and header-name entries over all slots.
    pub fn entries(&self) -> usize {
        self.slots.iter().flatten().map(|s| s.items.len()).sum()
    }

    /// The slot bound.
    pub fn capacity(&self) -> usize {
        self.rules.capacity
    }

    /// The bytes the cache holds: for every slot, its partition key, serialized origin and
    /// URL, plus the method or header-name token of each of its items. Never more than
    /// [`max_bytes`](Self::max_bytes). Fixed per-slot and per-item overhead is not counted;
    /// the slot and item bounds cap it.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Whether the cache was made for `profile`'s cache rules. A fetch of one profile must
    /// not use a cache made for another: their bounds, keys and lifetimes differ.
    pub fn made_for(&self, profile: &Profile) -> bool {
        // `with_capacity` changes the slot bound on purpose; every other rule must match.
        let theirs = CacheRules {
            capacity: self.rules.capacity,
            ..profile.cache
        };
        self.rules == theirs
    }

    /// The engine of the profile the cache was made for.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The byte bound ([`CacheRules::max_bytes`](crate::profile::CacheRules)).
    pub fn max_bytes(&self) -> usize {
        self.rules.max_bytes
    }

    /// The slot key for `request`, or `None` when its origin is an opaque origin no other
    /// request shares (so nothing is looked up or stored for it).
    fn key<'a>(
        &self,
        request: &'a Request<'_>,
        partition: &'a str,
        include: bool,
    ) -> Option<KeyRef<'a>> {
        let origin = request.serialized_origin();
        let opaque = match self.rules.opaque_origin_key {
            OpaqueOriginKey::Serialized => None,
            OpaqueOriginKey::Identity => match request.origin() {
                // A sandboxed document: one opaque origin for all its fetches.
                Origin::Opaque(o) => Some(o.id()?),
                // A redirect-tainted request: a fresh opaque origin of its own.
                Origin::Tuple(_) if origin == "null" => return None,
                Origin::Tuple(_) => None,
            },
        };
        Some(KeyRef {
            partition,
            origin,
            opaque,
            url: request.url().as_str(),
            credentials: self.rules.credentials_in_key.then_some(include),
        })
    }

    fn find(&self, key: KeyRef<'_>) -> Option<usize> {
        let slots = &self.slots;
        self.table
            .find(key.hash(), |&id| {
                slots[id].as_ref().is_some_and(|s| key.matches(&s.key))
            })
            .copied()
    }

    /// The live items of the slot matching `request`, touching it for LRU.
    fn live_slot(&mut self, request: &Request<'_>, partition: &str) -> Option<&Slot> {
        let include = request.credentials_mode() == CredentialsMode::Include;
        let id = self.find(self.key(request, partition, include)?)?;
        if matches!(
            self.rules.eviction,
            Eviction::LeastRecentlyUsed | Eviction::ExpiredThenLeastRecentlyUsed
        ) {
            self.touch(id);
        }
        self.slots[id].as_ref()
    }

    fn method_wildcard_ok(&self) -> bool {
        self.rules.wildcard_entries_reused
    }

    fn wildcard(&self, allowed: bool, include: bool) -> Wildcard {
        Wildcard {
            allowed,
            by_request: self.rules.wildcard_by_request_credentials,
            include,
        }
    }

    fn header_wildcard_ok(&self, name: &[u8]) -> bool {
        header_wildcard_ok(&self.rules, name)
    }

    /// Whether the profile never reuses a cached result for this request at all.
    fn never_reused(&self, request: &Request<'_>) -> bool {
        (!self.rules.reuse_for_ip_hosts
            && matches!(
                request.url().host(),
                Some(url::Host::Ipv4(_) | url::Host::Ipv6(_))
            ))
            // An opaque origin, or a tuple one a redirect tainted: both serialize as `null`.
            || (!self.rules.reuse_for_opaque_origins && request.serialized_origin() == "null")
            || self
                .rules
                .bypass_for_cache_modes
                .contains(&request.cache_mode())
    }

    /// *Method cache entry match*: a live entry for `method` (or a wildcard one) that matches
    /// `request`.
    ///
    /// <https://fetch.spec.whatwg.org/#concept-cache-match-method>. A `*` stored from a
    /// credentialed preflight is not a wildcard (the gap the standard leaves open, closed as
    /// Chromium closes it), unless the profile judges it by the request's credentials
    /// ([`CacheRules::wildcard_by_request_credentials`]).
    pub fn method_cache_entry_match(
        &mut self,
        request: &Request<'_>,
        partition: &str,
        method: &Method,
        now: Timestamp,
    ) -> bool {
        let include = request.credentials_mode() == CredentialsMode::Include;
        let wildcard = self.wildcard(self.method_wildcard_ok(), include);
        !self.never_reused(request)
            && self.live_slot(request, partition).is_some_and(|s| {
                s.items.iter().any(|i| {
                    i.live(now)
                        && i.entry_match(include)
                        && i.method_match(method.as_str().as_bytes(), wildcard)
                })
            })
    }

    /// *Header-name cache entry match*: a live entry for `name` (case-insensitively) or a
    /// wildcard one, where a wildcard never covers `Authorization` unless the profile says so.
    ///
    /// <https://fetch.spec.whatwg.org/#concept-cache-match-header>
    pub fn header_name_cache_entry_match(
        &mut self,
        request: &Request<'_>,
        partition: &str,
        name: &[u8],
        now: Timestamp,
    ) -> bool {
        let include = request.credentials_mode() == CredentialsMode::Include;
        let wildcard = self.wildcard(self.header_wildcard_ok(name), include);
        !self.never_reused(request)
            && self.live_slot(request, partition).is_some_and(|s| {
                s.items.iter().any(|i| {
                    i.live(now) && i.entry_match(include) && i.header_match(name, wildcard)
                })
            })
    }

    /// HTTP fetch step 4.1: whether `request`, on the preflight path for the reasons in
    /// `need`, must send a preflight because the cache does not cover it.
    ///
    /// <https://fetch.spec.whatwg.org/#concept-http-fetch>. One hash probe; no allocation.
    pub fn needs_preflight(
        &mut self,
        request: &Request<'_>,
        partition: &str,
        need: &PreflightNeed<'_>,
        now: Timestamp,
    ) -> bool {
        if self.never_reused(request) {
            return true;
        }
        let include = request.credentials_mode() == CredentialsMode::Include;
        let method = request.method().as_str().as_bytes();
        // The standard checks the method only when it is not safelisted (or the flag is set);
        // an engine may exempt fewer methods, or not check for the flag.
        let check_method = need.method_not_safelisted
            || (need.use_cors_preflight && self.rules.preflight_flag_needs_method_entry)
            || !self
                .rules
                .lookup_exempt_methods
                .iter()
                .any(|m| m.as_bytes() == method);
        let method_wildcard = self.wildcard(self.method_wildcard_ok(), include);
        let header_wildcards: SmallVec<[Wildcard; 8]> = need
            .unsafe_headers
            .iter()
            .map(|n| self.wildcard(self.header_wildcard_ok(n.as_str().as_bytes()), include))
            .collect();
        let Some(slot) = self.live_slot(request, partition) else {
            return true;
        };
        let live = |i: &&Item| i.live(now) && i.entry_match(include);
        // With nothing to check (only the flag forced the preflight), any live entry for the
        // URL covers the request.
        if !check_method && need.unsafe_headers.is_empty() {
            return !slot.items.iter().any(|i| live(&i));
        }
        let method_missing = check_method
            && !slot
                .items
                .iter()
                .filter(live)
                .any(|i| i.method_match(method, method_wildcard));
        let header_missing =
            need.unsafe_headers
                .iter()
                .zip(header_wildcards)
                .any(|(name, wildcard)| {
                    !slot
                        .items
                        .iter()
                        .filter(live)
                        .any(|i| i.header_match(name.as_str().as_bytes(), wildcard))
                });
        method_missing || header_missing
    }

    /// Stores a successful preflight's grant: CORS-preflight fetch steps 7.12–7.15.
    ///
    /// Existing matching entries get the new max-age, counted from `now`; the rest are
    /// added. Under a [`CacheShape::ReplacePerUrl`] profile the URL's result is replaced
    /// whole. Nothing is stored when the profile's max-age rules say not to cache, or when
    /// the URL is longer than the profile caches.
    pub fn store(
        &mut self,
        request: &Request<'_>,
        partition: &str,
        grant: &PreflightGrant<'_>,
        now: Timestamp,
    ) {
        self.store_parsed(request, partition, grant.parsed(), now);
    }

    /// WebKit's path: stores a preflight response that passed the CORS and status checks
    /// *before* its method and header checks, so even a preflight that then rejects the
    /// request is cached. Does nothing, and returns `false`, unless this cache's profile has
    /// [`CacheRules::store_before_validation`]; returns `true` when it stored.
    pub fn store_before_validation(
        &mut self,
        request: &Request<'_>,
        partition: &str,
        parsed: &ParsedPreflight<'_>,
        now: Timestamp,
    ) -> bool {
        if !self.rules.store_before_validation {
            return false;
        }
        self.store_parsed(request, partition, parsed, now);
        true
    }

    fn store_parsed(
        &mut self,
        request: &Request<'_>,
        partition: &str,
        grant: &ParsedPreflight<'_>,
        now: Timestamp,
    ) {
        let MaxAge::Seconds(secs) = grant.max_age() else {
            return;
        };
        if self
            .rules
            .no_store_for_cache_modes
            .contains(&request.cache_mode())
        {
            return;
        }
        if self
            .rules
            .max_url_len
            .is_some_and(|max| request.url().as_str().len() >= max)
        {
            return;
        }
        let include = grant.credentials();
        let expires = now.plus_secs(secs);
        let Some(key) = self.key(request, partition, include) else {
            return;
        };
        let max_items = self.rules.max_items_per_slot;
        let max_bytes = self.rules.max_bytes;
        // A grant that cannot fit on its own is not stored, and what the URL had goes too
        // (dropping entries early is always allowed; keeping them could outlive this grant's
        // max-age). The first `max_items` tokens are the most a slot would keep.
        let grant_bytes = key.bytes()
            + grant
                .methods()
                .chain(grant.header_names().map(|h| -> &[u8] { h }))
                .take(max_items)
                .map(<[u8]>::len)
                .sum::<usize>();
        if grant_bytes > max_bytes {
            if let Some(id) = self.find(key) {
                self.remove_slot(id);
            }
            return;
        }
        let id = match self.find(key) {
            Some(id) => id,
            None => self.insert_slot(key, now),
        };
        self.touch(id);
        let rules = self.rules;
        let shape = self.rules.shape;
        let method_wildcard = self.method_wildcard_ok();
        // Storing matches by the entries' own credentials (steps 7.12-7.15): how a later
        // lookup judges a `*` does not change which entry a new grant refreshes.
        let stored = |allowed| Wildcard {
            allowed,
            by_request: false,
            include,
        };
        let Some(slot) = self.slots[id].as_mut() else {
            return;
        };
        self.expiries.remove(&(slot.min_expiry, id));
        if shape == CacheShape::ReplacePerUrl {
            slot.items.clear();
        }
        // The standard removes an entry when its max-age expires, so an expired entry must
        // not be "refreshed" back to life by the matching below (found by fuzzing: a `*`
        // granted for 5 s, expired, then matched by a later grant for DELETE, came back for
        // the later grant's max-age).
        slot.items.retain(|i| i.live(now));
        // A merge (`PerItem`) can bring a slot past the bound where the grant alone is not.
        let mut used = slot_bytes(&slot.key, &slot.items);
        let tokens = grant
            .methods()
            .map(|m| (Kind::Method, m))
            .chain(grant.header_names().map(|h| (Kind::Header, h)));
        for (kind, token) in tokens {
            let existing = slot.items.iter().position(|i| {
                i.kind == kind
                    && i.entry_match(include)
                    && match kind {
                        Kind::Method => i.method_match(token, stored(method_wildcard)),
                        // The same match as a lookup: a cached `*` does not stand in for
                        // Authorization, so an explicit grant for it gets its own entry.
                        Kind::Header => {
                            i.header_match(token, stored(header_wildcard_ok(&rules, token)))
                        }
                    }
            });
            match existing {
                Some(at) => slot.items[at].expires = expires,
                None if slot.items.len() < max_items && used + token.len() <= max_bytes => {
                    used += token.len();
                    slot.items.push(Item {
                        kind,
                        token: SmallVec::from_slice(token),
                        credentials: include,
                        expires,
                    });
                }
                None => {}
            }
        }
        self.bytes = self.bytes - slot.bytes + used;
        slot.bytes = used;
        if slot.items.is_empty() {
            // An empty grant (no methods, no headers) leaves nothing to remember.
            self.remove_slot(id);
            return;
        }
        slot.min_expiry = slot
            .items
            .iter()
            .map(|i| i.expires)
            .min()
            .unwrap_or(expires);
        self.expiries.insert((slot.min_expiry, id));
        self.shrink_to_max_bytes(id, now);
    }

    /// Evicts, as the profile's eviction says, until the cache is within its byte bound,
    /// sparing `keep` (the slot just stored, which fits on its own).
    fn shrink_to_max_bytes(&mut self, keep: usize, now: Timestamp) {
        if self.bytes <= self.rules.max_bytes {
            return;
        }
        let batch = match self.rules.eviction {
            Eviction::LeastRecentlyUsed => 1,
            Eviction::ExpiredThenLeastRecentlyUsed => {
                self.remove_dead_slots(now, Some(keep));
                1
            }
            Eviction::OldestBatch(n) => n.max(1),
        };
        while self.bytes > self.rules.max_bytes {
            for _ in 0..batch {
                match self.tail {
                    Some(id) if id != keep => self.remove_slot(id),
                    _ => return,
                }
            }
        }
    }

    /// Removes every slot none of whose items is live at `now`, except `keep`.
    fn remove_dead_slots(&mut self, now: Timestamp, keep: Option<usize>) {
        let dead: Vec<usize> = self
            .slots
            .iter()
            .enumerate()
            .filter_map(|(id, s)| {
                s.as_ref()
                    .filter(|s| Some(id) != keep && s.items.iter().all(|i| !i.live(now)))
                    .map(|_| id)
            })
            .collect();
        for id in dead {
            self.remove_slot(id);
        }
    }

    /// *Clear cache entries* for `request`: every entry for its partition key, serialized
    /// origin and current URL (both credentials modes).
    ///
    /// <https://fetch.spec.whatwg.org/#concept-cache-clear>
    pub fn clear(&mut self, request: &Request<'_>, partition: &str) {
        let keys: SmallVec<[Option<bool>; 2]> = if self.rules.credentials_in_key {
            SmallVec::from_slice(&[Some(false), Some(true)])
        } else {
            SmallVec::from_slice(&[None])
        };
        for credentials in keys {
            let Some(mut key) = self.key(request, partition, false) else {
                return;
            };
            key.credentials = credentials;
            if let Some(id) = self.find(key) {
                self.remove_slot(id);
            }
        }
    }

    /// The earliest time at which some entry expires, so a host can schedule
    /// [`evict_expired`](Self::evict_expired).
    pub fn next_expiry(&self) -> Option<Timestamp> {
        self.expiries.first().map(|&(t, _)| t)
    }

    /// Removes every entry that has expired by `now`.
    pub fn evict_expired(&mut self, now: Timestamp) {
        while let Some(&(t, id)) = self.expiries.first() {
            if t > now {
                break;
            }
            self.expiries.pop_first();
            let Some(slot) = self.slots[id].as_mut() else {
                continue;
            };
            slot.items.retain(|i| i.live(now));
            let used = slot_bytes(&slot.key, &slot.items);
            self.bytes = self.bytes - slot.bytes + used;
            slot.bytes = used;
            match slot.items.iter().map(|i| i.expires).min() {
                Some(min) => {
                    slot.min_expiry = min;
                    self.expiries.insert((min, id));
                }
                None => self.remove_slot(id),
            }
        }
    }

    /// Removes everything.
    pub fn clear_all(&mut self) {
        let (rules, engine) = (self.rules, self.engine);
        *self = PreflightCache {
            rules,
            engine,
            table: HashTable::new(),
            slots: Vec::new(),
            free: Vec::new(),
            head: None,
            tail: None,
            expiries: BTreeSet::new(),
            len: 0,
            bytes: 0,
        };
    }

    fn insert_slot(&mut self, key: KeyRef<'_>, now: Timestamp) -> usize {
        if self.len >= self.rules.capacity {
            self.make_room(now);
        }
        let hash = key.hash();
        let bytes = key.bytes();
        self.bytes += bytes;
        let slot = Slot {
            key: key.to_owned(),
            hash,
            items: SmallVec::new(),
            min_expiry: Timestamp::MAX,
            bytes,
            prev: None,
            next: None,
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.slots[id] = Some(slot);
                id
            }
            None => {
                self.slots.push(Some(slot));
                self.slots.len() - 1
            }
        };
        let slots = &self.slots;
        self.table.insert_unique(hash, id, |&other| {
            slots[other].as_ref().map_or(0, |s| s.hash)
        });
        self.link_front(id);
        self.expiries.insert((Timestamp::MAX, id));
        self.len += 1;
        id
    }

    fn make_room(&mut self, now: Timestamp) {
        match self.rules.eviction {
            Eviction::LeastRecentlyUsed => self.evict_tail(1),
            Eviction::ExpiredThenLeastRecentlyUsed => {
                let before = self.len;
                self.remove_dead_slots(now, None);
                if self.len == before {
                    self.evict_tail(1);
                }
            }
            Eviction::OldestBatch(n) => self.evict_tail(n.max(1)),
        }
    }

    fn evict_tail(&mut self, n: usize) {
        for _ in 0..n {
            match self.tail {
                Some(id) => self.remove_slot(id),
                None => return,
            }
        }
    }

    fn remove_slot(&mut self, id: usize) {
        let Some(slot) = self.slots.get_mut(id).and_then(Option::take) else {
            return;
        };
        self.unlink(id, slot.prev, slot.next);
        self.expiries.remove(&(slot.min_expiry, id));
        if let Ok(entry) = self.table.find_entry(slot.hash, |&other| other == id) {
            entry.remove();
        }
        self.free.push(id);
        self.len -= 1;
        self.bytes -= slot.bytes;
    }

    fn touch(&mut self, id: usize) {
        if self.head == Some(id) {
            return;
        }
        let Some((prev, next)) = self.slots[id].as_ref().map(|s| (s.prev, s.next)) else {
            return;
        };
        self.unlink(id, prev, next);
        self.link_front(id);
    }

    fn unlink(&mut self, id: usize, prev: Option<usize>, next: Option<usize>) {
        match prev {
            Some(p) => {
                if let Some(s) = self.slots[p].as_mut() {
                    s.next = next;
                }
            }
            None if self.head == Some(id) => self.head = next,
            None => {}
        }
        match next {
            Some(n) => {
                if let Some(s) = self.slots[n].as_mut() {
                    s.prev = prev;
                }
            }
            None if self.tail == Some(id) => self.tail = prev,
            None => {}
        }
    }

    fn link_front(&mut self, id: usize) {
        let old_head = self.head;
        if let Some(s) = self.slots[id].as_mut() {
            s.prev = None;
            s.next = old_head;
        }
        if let Some(h) = old_head.and_then(|h| self.slots[h].as_mut()) {
            h.prev = Some(id);
        }
        self.head = Some(id);
        if self.tail.is_none() {
            self.tail = Some(id);
        }
    }
}

impl Item {
    fn live(&self, now: Timestamp) -> bool {
        now < self.expires
    }

    /// The credentials half of *cache entry match*.
    fn entry_match(&self, include: bool) -> bool {
        self.credentials || !include
    }

    fn method_match(&self, method: &[u8], wildcard: Wildcard) -> bool {
        self.kind == Kind::Method
            && (*self.token == *method || (*self.token == *b"*" && wildcard.covers(self)))
    }

    fn header_match(&self, name: &[u8], wildcard: Wildcard) -> bool {
        self.kind == Kind::Header
            && (self.token.eq_ignore_ascii_case(name)
                || (*self.token == *b"*" && wildcard.covers(self)))
    }
}

/// Whether a cached `*` stands in for the method or header name being looked up.
#[derive(Clone, Copy)]
struct Wildcard {
    /// The profile reuses `*` entries for this name at all.
    allowed: bool,
    /// [`CacheRules::wildcard_by_request_credentials`].
    by_request: bool,
    /// The looking-up request's credentials mode is `include`.
    include: bool,
}

impl Wildcard {
    fn covers(self, item: &Item) -> bool {
        // A `*` is a literal under credentials: those the entry was stored with, or those of
        // the request looking it up (WebKit).
        self.allowed
            && if self.by_request {
                !self.include
            } else {
                !item.credentials
            }
    }
}

/// The bytes a slot costs: its key plus its items' tokens.
fn slot_bytes(key: &SlotKey, items: &[Item]) -> usize {
    key.partition.len()
        + key.origin.len()
        + key.url.len()
        + items.iter().map(|i| i.token.len()).sum::<usize>()
}

/// Whether a cached `*` header entry stands in for `name`: only if the profile reuses
/// wildcard entries, and never for `Authorization` unless it says so.
fn header_wildcard_ok(rules: &CacheRules, name: &[u8]) -> bool {
    rules.wildcard_entries_reused
        && (rules.wildcard_covers_authorization || !is_cors_non_wildcard_request_header_name(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_preflight_response;
    use crate::origin::Origin;

    fn grant_for<'r>(
        req: &Request<'_>,
        answer: &'r http::Response<()>,
        profile: &Profile,
    ) -> PreflightGrant<'r> {
        check_preflight_response(req, answer, profile).unwrap()
    }

    fn answer(headers: &[(&str, &str)]) -> http::Response<()> {
        let mut b =
            http::Response::builder().header("access-control-allow-origin", "https://app.example");
        for (n, v) in headers {
            b = b.header(*n, *v);
        }
        b.body(()).unwrap()
    }

    #[test]
    fn explicit_authorization_after_star_gets_its_own_entry() {
        let page = Origin::parse("https://app.example").unwrap();
        let (parts, ()) = http::Request::get("https://api.example/x")
            .header("x-a", "1")
            .body(())
            .unwrap()
            .into_parts();
        let req = Request::from_parts(&parts, &page).unwrap();
        let mut cache = PreflightCache::new(&Profile::SPEC);
        let star = answer(&[
            ("access-control-allow-headers", "*"),
            ("access-control-max-age", "60"),
        ]);
        cache.store(
            &req,
            "",
            &grant_for(&req, &star, &Profile::SPEC),
            Timestamp::ZERO,
        );
        assert!(!cache.header_name_cache_entry_match(&req, "", b"authorization", Timestamp::ZERO));
        let (parts, ()) = http::Request::get("https://api.example/x")
            .header("authorization", "t")
            .body(())
            .unwrap()
            .into_parts();
        let auth_req = Request::from_parts(&parts, &page).unwrap();
        let explicit = answer(&[
            ("access-control-allow-headers", "authorization"),
            ("access-control-max-age", "60"),
        ]);
        cache.store(
            &auth_req,
            "",
            &grant_for(&auth_req, &explicit, &Profile::SPEC),
            Timestamp::ZERO,
        );
        assert!(cache.header_name_cache_entry_match(
            &auth_req,
            "",
            b"authorization",
            Timestamp::ZERO
        ));
        assert_eq!(cache.entries(), 2);
    }

    #[test]
    fn do_not_cache_stores_nothing() {
        let page = Origin::parse("https://app.example").unwrap();
        let (parts, ()) = http::Request::put("https://api.example/x")
            .body(())
            .unwrap()
            .into_parts();
        let req = Request::from_parts(&parts, &page).unwrap();
        let mut cache = PreflightCache::new(&Profile::FIREFOX);
        let bad = answer(&[
            ("access-control-allow-methods", "PUT"),
            ("access-control-max-age", "abc"),
        ]);
        cache.store(
            &req,
            "",
            &grant_for(&req, &bad, &Profile::FIREFOX),
            Timestamp::ZERO,
        );
        assert!(cache.is_empty());
        // Chromium and WebKit fall back to the 5-second default instead.
        for profile in [Profile::CHROMIUM, Profile::WEBKIT, Profile::SPEC] {
            let mut cache = PreflightCache::new(&profile);
            cache.store(&req, "", &grant_for(&req, &bad, &profile), Timestamp::ZERO);
            assert_eq!(
                cache.next_expiry(),
                Some(Timestamp::from_secs(5)),
                "{:?}",
                profile.engine
            );
        }
    }

    #[test]
    fn refresh_restarts_the_clock() {
        let page = Origin::parse("https://app.example").unwrap();
        let (parts, ()) = http::Request::put("https://api.example/x")
            .body(())
            .unwrap()
            .into_parts();
        let req = Request::from_parts(&parts, &page).unwrap();
        let mut cache = PreflightCache::new(&Profile::SPEC);
        let a = answer(&[
            ("access-control-allow-methods", "PUT"),
            ("access-control-max-age", "10"),
        ]);
        cache.store(
            &req,
            "",
            &grant_for(&req, &a, &Profile::SPEC),
            Timestamp::ZERO,
        );
        cache.store(
            &req,
            "",
            &grant_for(&req, &a, &Profile::SPEC),
            Timestamp::from_secs(8),
        );
        assert!(cache.method_cache_entry_match(&req, "", &Method::PUT, Timestamp::from_secs(15)));
        assert_eq!(cache.entries(), 1);
        cache.clear(&req, "");
        assert!(cache.is_empty());
        assert_eq!(cache.next_expiry(), None);
    }

    #[test]
    fn clear_all_keeps_the_shape() {
        let mut cache = PreflightCache::with_capacity(&Profile::FIREFOX, 3);
        cache.clear_all();
        assert_eq!(cache.capacity(), 3);
        assert!(cache.is_empty());
    }

    fn put_request<'a>(parts: &'a http::request::Parts, page: &'a Origin) -> Request<'a> {
        Request::from_parts(parts, page).unwrap()
    }

    #[test]
    fn ip_hosts_reused_unless_the_profile_says_not() {
        // Firefox reuses entries for IP-literal hosts (`fidelity-1-ip-put-twice-b`); the
        // field still models an engine that does not.
        let mut no_ip = Profile::FIREFOX;
        no_ip.cache.reuse_for_ip_hosts = false;
        let page = Origin::parse("http://127.0.0.1:8801").unwrap();
        let grant_answer = answer(&[
            ("access-control-allow-methods", "PUT"),
            ("access-control-max-age", "60"),
        ]);
        for (url, ip) in [
            ("http://127.0.0.1:8802/x", true),
            ("http://localhost:8802/x", false),
        ] {
            let (parts, ()) = http::Request::put(url).body(()).unwrap().into_parts();
            let req = put_request(&parts, &page);
            let need = match crate::classify_request(&req, &Profile::FIREFOX) {
                crate::main_fetch::Classification::CorsWithPreflight(need) => need,
                other => panic!("{other:?}"),
            };
            // The grant's Allow-Origin names the page, whatever the target.
            let mut ok = grant_answer.clone();
            ok.headers_mut().insert(
                "access-control-allow-origin",
                http::HeaderValue::from_static("http://127.0.0.1:8801"),
            );
            for (profile, reuses) in [
                (Profile::FIREFOX, true),
                (Profile::SPEC, true),
                (no_ip, !ip),
            ] {
                let mut cache = PreflightCache::new(&profile);
                cache.store(&req, "", &grant_for(&req, &ok, &profile), Timestamp::ZERO);
                assert_eq!(
                    !cache.needs_preflight(&req, "", &need, Timestamp::ZERO),
                    reuses,
                    "{url} {:?}",
                    profile.engine
                );
            }
        }
    }

    #[test]
    fn items_per_slot_are_bounded() {
        let page = Origin::parse("https://app.example").unwrap();
        let (parts, ()) = http::Request::get("https://api.example/x")
            .header("x-a", "1")
            .body(())
            .unwrap()
            .into_parts();
        let req = put_request(&parts, &page);
        let names: Vec<String> = (0..200).map(|i| format!("x-{i}")).collect();
        let list = format!("x-a, {}", names.join(", "));
        let many = answer(&[
            ("access-control-allow-headers", list.as_str()),
            ("access-control-max-age", "60"),
        ]);
        let mut cache = PreflightCache::new(&Profile::SPEC);
        cache.store(
            &req,
            "",
            &grant_for(&req, &many, &Profile::SPEC),
            Timestamp::ZERO,
        );
        assert_eq!(cache.entries(), Profile::SPEC.cache.max_items_per_slot);
        // The first names listed are the ones kept.
        assert!(cache.header_name_cache_entry_match(&req, "", b"x-a", Timestamp::ZERO));
        assert!(!cache.header_name_cache_entry_match(&req, "", b"x-199", Timestamp::ZERO));
    }
}
