//! Reading values out of a header list: get; get, decode, and split; extract header list values;
//! and the `Access-Control-Max-Age` parsers of each profile.
//!
//! Everything here borrows from the [`http::HeaderMap`]. A repeated header is never joined into a
//! new buffer; the views below walk its entries and behave as if they were joined with `, `.

use std::borrow::Cow;
use std::fmt;

use http::header::{HeaderMap, HeaderName, HeaderValue, ValueIter};
use smallvec::SmallVec;

use super::tables::{is_http_tab_or_space, is_token, trim_http_tab_or_space, trim_http_whitespace};
use crate::profile::{MaxAgeParse, MaxAgeRules};

// ---------------------------------------------------------------------------------------------
// get

/// The value of a header name in a header list: all its entries, in order, as if joined with
/// `0x2C 0x20` (`, `). Returned by [`get`].
///
/// <https://fetch.spec.whatwg.org/#concept-header-list-get>
///
/// The joined value is never built; [`bytes`](Combined::bytes) and
/// [`eq_bytes`](Combined::eq_bytes) walk the entries instead.
#[derive(Debug)]
pub struct Combined<'h> {
    all: http::header::GetAll<'h, HeaderValue>,
}

/// The separator "get" puts between the entries of a repeated header.
const SEPARATOR: &[u8] = b", ";

impl<'h> Combined<'h> {
    /// The entries, in order, each as its own byte slice.
    pub fn values(&self) -> impl Iterator<Item = &'h [u8]> + use<'h> {
        self.all.iter().map(HeaderValue::as_bytes)
    }

    /// The number of header entries (lines) with this name; at least 1.
    pub fn lines(&self) -> usize {
        self.all.iter().count()
    }

    /// The length in bytes of the combined value, separators included.
    pub fn len(&self) -> usize {
        let (count, total) = self.values().fold((0usize, 0usize), |(n, sum), v| {
            (n + 1, sum.saturating_add(v.len()))
        });
        total.saturating_add(count.saturating_sub(1).saturating_mul(SEPARATOR.len()))
    }

    /// Whether the combined value is the empty byte sequence (a single empty entry).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes of the combined value.
    pub fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.values().enumerate().flat_map(|(i, v)| {
            let separator = if i == 0 { &[][..] } else { SEPARATOR };
            separator.iter().chain(v).copied()
        })
    }

    /// Whether the combined value equals `other`, compared without building it.
    pub fn eq_bytes(&self, other: &[u8]) -> bool {
        match self.single() {
            Some(value) => value == other,
            None => self.len() == other.len() && self.bytes().eq(other.iter().copied()),
        }
    }

    /// The value when there is exactly one entry, so it is already contiguous.
    pub fn single(&self) -> Option<&'h [u8]> {
        let mut values = self.values();
        let first = values.next()?;
        values.next().is_none().then_some(first)
    }

    /// The combined value as a new vector.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len());
        out.extend(self.bytes());
        out
    }

    /// Copies the combined value into `buf` if it fits, and returns the filled part.
    pub(crate) fn copy_to<'b>(&self, buf: &'b mut [u8]) -> Option<&'b [u8]> {
        let len = self.len();
        let dest = buf.get_mut(..len)?;
        for (d, s) in dest.iter_mut().zip(self.bytes()) {
            *d = s;
        }
        Some(dest)
    }
}

/// Gets `name` from `headers`: `None` when there is no such header, otherwise a view of the
/// combined value.
///
/// <https://fetch.spec.whatwg.org/#concept-header-list-get>
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// use fetch_cors::header::values::get;
///
/// let mut headers = HeaderMap::new();
/// headers.append("a", HeaderValue::from_static("1"));
/// headers.append("a", HeaderValue::from_static("2"));
/// let a = get(&headers, &"a".parse().unwrap()).unwrap();
/// assert!(a.eq_bytes(b"1, 2"));
/// assert!(get(&headers, &"b".parse().unwrap()).is_none());
/// ```
pub fn get<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Option<Combined<'h>> {
    let all = headers.get_all(name);
    all.iter().next()?;
    Some(Combined { all })
}

// ---------------------------------------------------------------------------------------------
// get, decode, and split

/// Where a scan stands relative to quoted strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quote {
    /// Outside any quoted string: a comma ends the item.
    Outside,
    /// Inside a quoted string: commas are part of the item.
    Inside,
    /// Just after a backslash inside a quoted string: the next byte is taken as is.
    Escaped,
}

impl Quote {
    /// The state after consuming `b`.
    fn step(self, b: u8) -> Quote {
        match (self, b) {
            (Quote::Outside, b'"') => Quote::Inside,
            (Quote::Outside, _) => Quote::Outside,
            (Quote::Inside, b'"') => Quote::Outside,
            (Quote::Inside, b'\\') => Quote::Escaped,
            (Quote::Inside, _) | (Quote::Escaped, _) => Quote::Inside,
        }
    }
}

/// Finds the first comma outside quoted strings, starting in state `quote`. Returns its index,
/// or the state at the end of `bytes` if there is none.
fn find_split(bytes: &[u8], mut quote: Quote) -> Result<usize, Quote> {
    for (i, &b) in bytes.iter().enumerate() {
        if quote == Quote::Outside && b == b',' {
            return Ok(i);
        }
        quote = quote.step(b);
    }
    Err(quote)
}

/// Splits `bytes` around the byte at `i` (which is dropped).
fn split_around(bytes: &[u8], i: usize) -> (&[u8], &[u8]) {
    let (head, tail) = bytes.split_at_checked(i).unwrap_or((bytes, &[]));
    (head, tail.get(1..).unwrap_or_default())
}

/// Gets, decodes and splits one header value: the items between commas that are outside quoted
/// strings, each with tab and space trimmed. Empty items are kept, quotes and backslashes are
/// kept as they are, and an unterminated quoted string runs to the end of the value.
///
/// <https://fetch.spec.whatwg.org/#header-value-get-decode-and-split>
///
/// Items are byte slices of `value`. The spec's isomorphic decoding is the identity on bytes,
/// so bytes 0x80-0xFF come through unchanged.
///
/// ```
/// use fetch_cors::header::values::split_value;
///
/// let items: Vec<&[u8]> = split_value(br#"x / x,, "1,2" ,"#).collect();
/// assert_eq!(items, [&b"x / x"[..], b"", br#""1,2""#, b""]);
/// ```
pub fn split_value(value: &[u8]) -> SplitValue<'_> {
    SplitValue { rest: Some(value) }
}

/// Iterator returned by [`split_value`].
#[derive(Clone, Debug)]
pub struct SplitValue<'a> {
    /// The unscanned part of the value; `None` once the last item was returned.
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for SplitValue<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest.take()?;
        let item = match find_split(rest, Quote::Outside) {
            Ok(comma) => {
                let (item, after) = split_around(rest, comma);
                self.rest = Some(after);
                item
            }
            Err(_) => rest,
        };
        Some(trim_http_tab_or_space(item))
    }
}

/// Gets, decodes and splits `name` from `headers`: `None` when there is no such header,
/// otherwise the items of the combined value (see [`split_value`]).
///
/// <https://fetch.spec.whatwg.org/#concept-header-list-get-decode-split>
///
/// Items borrow from the header entries. Only an item whose quoted string is still open at the
/// end of one entry and so runs into the next needs its own buffer ([`Cow::Owned`]).
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// use fetch_cors::header::values::get_decode_split;
///
/// let mut headers = HeaderMap::new();
/// headers.append("a", HeaderValue::from_static("text/html;\""));
/// headers.append("a", HeaderValue::from_static("x/x"));
/// let items: Vec<_> = get_decode_split(&headers, &"a".parse().unwrap()).unwrap().collect();
/// assert_eq!(items, [&b"text/html;\", x/x"[..]]);
/// ```
pub fn get_decode_split<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Option<SplitValues<'h>> {
    let mut entries = headers.get_all(name).iter();
    let first = entries.next()?;
    Some(SplitValues {
        entries,
        current: Some(first.as_bytes()),
    })
}

/// Iterator returned by [`get_decode_split`].
#[derive(Debug)]
pub struct SplitValues<'h> {
    /// Entries not yet started.
    entries: ValueIter<'h, HeaderValue>,
    /// The unscanned part of the entry being split; `None` once the last item was returned.
    current: Option<&'h [u8]>,
}

impl<'h> SplitValues<'h> {
    fn next_entry(&mut self) -> Option<&'h [u8]> {
        self.entries.next().map(HeaderValue::as_bytes)
    }

    /// Finishes an item whose quoted string is open at the end of an entry, by copying it and
    /// the following entries (with the `, ` that "get" puts between them) until the item ends.
    fn finish_across_entries(&mut self, start: &'h [u8], mut next: &'h [u8]) -> Vec<u8> {
        let mut item = start.to_vec();
        loop {
            item.extend_from_slice(SEPARATOR);
            // After `, ` the scan is inside the quoted string whether or not the previous entry
            // ended with a backslash, since the backslash only escapes the comma.
            match find_split(next, Quote::Inside) {
                Ok(comma) => {
                    let (tail, after) = split_around(next, comma);
                    item.extend_from_slice(tail);
                    self.current = Some(after);
                    return item;
                }
                Err(Quote::Outside) => {
                    item.extend_from_slice(next);
                    self.current = self.next_entry();
                    return item;
                }
                Err(_) => {
                    item.extend_from_slice(next);
                    match self.next_entry() {
                        Some(following) => next = following,
                        None => return item,
                    }
                }
            }
        }
    }
}

impl<'h> Iterator for SplitValues<'h> {
    type Item = Cow<'h, [u8]>;

    fn next(&mut self) -> Option<Cow<'h, [u8]>> {
        let current = self.current.take()?;
        match find_split(current, Quote::Outside) {
            Ok(comma) => {
                let (item, after) = split_around(current, comma);
                self.current = Some(after);
                Some(Cow::Borrowed(trim_http_tab_or_space(item)))
            }
            // The `, ` between entries ends the item like any other comma.
            Err(Quote::Outside) => {
                self.current = self.next_entry();
                Some(Cow::Borrowed(trim_http_tab_or_space(current)))
            }
            Err(_) => match self.next_entry() {
                None => Some(Cow::Borrowed(trim_http_tab_or_space(current))),
                Some(next) => {
                    let item = self.finish_across_entries(current, next);
                    Some(Cow::Owned(trim_http_tab_or_space(&item).to_vec()))
                }
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// extract header list values

/// A list header's value failed to parse: it carries the offending element.
///
/// Returned by [`extract_header_list_values`]; the spec calls this "failure", and the CORS-preflight
/// fetch turns it into a network error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidList {
    element: Vec<u8>,
}

impl InvalidList {
    /// The list element that is not a token, trimmed of surrounding whitespace.
    pub fn element(&self) -> &[u8] {
        &self.element
    }
}

impl fmt::Display for InvalidList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("list element `")?;
        for chunk in self.element.utf8_chunks() {
            f.write_str(chunk.valid())?;
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        f.write_str("` is not a token")
    }
}

impl std::error::Error for InvalidList {}

/// The elements of a `#token` list header, across all its entries. Returned by
/// [`extract_header_list_values`].
///
/// It is an iterator over the non-empty elements, each trimmed of optional whitespace, and is
/// cheap to clone, so it can be searched several times.
#[derive(Clone, Debug)]
pub struct ListValues<'h> {
    /// The entries; eight fit inline, so a response of up to eight headers never allocates.
    entries: SmallVec<[&'h [u8]; 8]>,
    /// Index of the entry being read.
    entry: usize,
    /// The unread part of that entry.
    rest: &'h [u8],
    /// Whether some element of the whole list is `*`.
    star: bool,
    /// Bit `min(len, 63)` is set for the length `len` of every element of the whole list: a
    /// needle whose length has no bit cannot be in the list, so most searches end at once.
    lengths: u64,
}

/// The bit of [`ListValues::lengths`] for an element of `len` bytes.
fn length_bit(len: usize) -> u64 {
    1 << len.min(63)
}

impl<'h> ListValues<'h> {
    /// Whether some element is a byte-case-insensitive match for `needle` (header names).
    pub fn contains_ignore_ascii_case(&self, needle: &[u8]) -> bool {
        self.lengths & length_bit(needle.len()) != 0
            && self.any_element(|e| e.eq_ignore_ascii_case(needle))
    }

    /// Whether some element equals `needle` byte for byte (methods).
    pub fn contains_exact(&self, needle: &[u8]) -> bool {
        self.lengths & length_bit(needle.len()) != 0 && self.any_element(|e| e == needle)
    }

    /// Whether the list has no elements, as for `Access-Control-Allow-Methods:` with an empty
    /// value. An empty list is not the same as an absent header.
    pub fn is_empty(&self) -> bool {
        !self.any_element(|_| true)
    }

    /// Whether `f` holds for some element not yet iterated, searched in place: the searches
    /// above run once per header name on the hot path, so they do not clone the entry list.
    fn any_element(&self, mut f: impl FnMut(&'h [u8]) -> bool) -> bool {
        if any_in_entry(self.rest, &mut f) {
            return true;
        }
        let later = self.entries.get(self.entry + 1..).unwrap_or_default();
        later.iter().any(|entry| any_in_entry(entry, &mut f))
    }

    /// Whether the whole list, read or not, has an element `*`: noted while
    /// [`extract_header_list_values`] validated it, so asking costs nothing.
    pub(crate) fn has_star(&self) -> bool {
        self.star
    }
}

/// Whether `f` holds for some non-empty element of one entry (split at commas, trimmed of tabs
/// and spaces).
#[inline]
fn any_in_entry<'h>(entry: &'h [u8], f: &mut impl FnMut(&'h [u8]) -> bool) -> bool {
    let mut rest = entry;
    loop {
        let (element, after) = match rest.iter().position(|&b| b == b',') {
            Some(comma) => {
                let (element, after) = split_around(rest, comma);
                (element, Some(after))
            }
            None => (rest, None),
        };
        let element = trim_http_tab_or_space(element);
        if !element.is_empty() && f(element) {
            return true;
        }
        match after {
            Some(after) => rest = after,
            None => return false,
        }
    }
}

/// A position in a [`ListValues`]: the entry being read and its unread part.
struct ListCursor<'h> {
    entry: usize,
    rest: &'h [u8],
}

impl<'h> ListCursor<'h> {
    /// The next non-empty element, trimmed of tabs and spaces.
    fn next(&mut self, entries: &[&'h [u8]]) -> Option<&'h [u8]> {
        loop {
            if self.rest.is_empty() {
                self.entry += 1;
                self.rest = entries.get(self.entry).copied()?;
            }
            let (element, after) = match self.rest.iter().position(|&b| b == b',') {
                Some(comma) => split_around(self.rest, comma),
                None => (self.rest, &[][..]),
            };
            self.rest = after;
            let element = trim_http_tab_or_space(element);
            if !element.is_empty() {
                return Some(element);
            }
        }
    }
}

impl<'h> Iterator for ListValues<'h> {
    type Item = &'h [u8];

    fn next(&mut self) -> Option<&'h [u8]> {
        let mut cursor = ListCursor {
            entry: self.entry,
            rest: self.rest,
        };
        let element = cursor.next(&self.entries);
        self.entry = cursor.entry;
        self.rest = cursor.rest;
        element
    }
}

/// Checks one entry against the RFC 9110 `#token` rule: elements separated by commas with
/// optional whitespace, empty elements allowed, every other element a token.
///
/// Notes in `star` whether one of the elements is `*`, and the elements' lengths in `lengths`
/// (see [`ListValues`]).
fn check_token_list(value: &[u8], star: &mut bool, lengths: &mut u64) -> Result<(), InvalidList> {
    let mut invalid = None;
    any_in_entry(value, &mut |element| {
        *star |= element == b"*";
        *lengths |= length_bit(element.len());
        let bad = !is_token(element);
        if bad {
            invalid = Some(element);
        }
        bad
    });
    match invalid {
        Some(element) => Err(InvalidList {
            element: element.to_vec(),
        }),
        None => Ok(()),
    }
}

/// Extracts header list values for a header whose ABNF is a `#` list of tokens:
/// `Access-Control-Allow-Methods` (`#method`), `Access-Control-Allow-Headers` and
/// `Access-Control-Expose-Headers` (`#field-name`).
///
/// <https://fetch.spec.whatwg.org/#extract-header-list-values>
///
/// `Ok(None)` when the header is absent, `Err` when any entry does not match the ABNF, and
/// otherwise the elements of all entries in order. Entries are parsed one by one, as the spec
/// does, rather than as one combined value.
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// use fetch_cors::header::values::extract_header_list_values;
/// use http::header::ACCESS_CONTROL_ALLOW_HEADERS as ACAH;
///
/// let mut headers = HeaderMap::new();
/// headers.insert(ACAH, HeaderValue::from_static("a , b,,"));
/// let list = extract_header_list_values(&headers, &ACAH).unwrap().unwrap();
/// assert_eq!(list.collect::<Vec<_>>(), [b"a", b"b"]);
///
/// headers.insert(ACAH, HeaderValue::from_static("x a"));
/// assert!(extract_header_list_values(&headers, &ACAH).is_err());
/// ```
pub fn extract_header_list_values<'h>(
    headers: &'h HeaderMap,
    name: &HeaderName,
) -> Result<Option<ListValues<'h>>, InvalidList> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next().map(HeaderValue::as_bytes) else {
        return Ok(None);
    };
    let mut entries: SmallVec<[&'h [u8]; 8]> = SmallVec::new();
    entries.push(first);
    entries.extend(values.map(HeaderValue::as_bytes));
    let (mut star, mut lengths) = (false, 0);
    for entry in &entries {
        check_token_list(entry, &mut star, &mut lengths)?;
    }
    Ok(Some(ListValues {
        entries,
        entry: 0,
        rest: first,
        star,
        lengths,
    }))
}

// ---------------------------------------------------------------------------------------------
// Access-Control-Max-Age

/// How long a preflight result may be cached, as decided by [`max_age`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MaxAge {
    /// Cache for this many seconds (0 means the entries expire at once).
    Seconds(u64),
    /// Do not create or refresh cache entries at all (Firefox's answer to odd values).
    DoNotCache,
}

/// The elements of a header list, for case-insensitive membership tests. A short list is
/// scanned in place; a long one (a server that mirrors every requested name) is sorted once,
/// so testing N names against N listed ones costs O(N log N), not O(N²). The sorted form
/// borrows the elements: one slice (16 bytes) per listed name, no copy of the names.
#[derive(Clone, Debug)]
pub(crate) enum NameSet<'r> {
    Scan(Option<ListValues<'r>>),
    Sorted(Vec<&'r [u8]>),
}

/// Orders byte strings as their ASCII-lowercase forms would order.
fn cmp_ignore_ascii_case(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.iter()
        .map(u8::to_ascii_lowercase)
        .cmp(b.iter().map(u8::to_ascii_lowercase))
}

impl<'r> NameSet<'r> {
    /// Lists up to this long are scanned without allocating.
    const SCAN_LIMIT: usize = 16;

    pub(crate) fn new(list: Option<ListValues<'r>>) -> Self {
        match list {
            Some(l) if l.clone().nth(Self::SCAN_LIMIT).is_some() => {
                let mut names = Vec::with_capacity(l.clone().count());
                names.extend(l);
                names.sort_unstable_by(|a, b| cmp_ignore_ascii_case(a, b));
                names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
                NameSet::Sorted(names)
            }
            other => NameSet::Scan(other),
        }
    }

    /// Whether `name` is listed, compared ASCII case-insensitively. `name` must be lowercase
    /// (as `http::HeaderName`s are).
    pub(crate) fn contains(&self, name: &[u8]) -> bool {
        match self {
            NameSet::Scan(l) => l
                .as_ref()
                .is_some_and(|l| l.contains_ignore_ascii_case(name)),
            NameSet::Sorted(names) => names
                .binary_search_by(|n| cmp_ignore_ascii_case(n, name))
                .is_ok(),
        }
    }
}

/// Reads `Access-Control-Max-Age` from a preflight response the way `rules` says, then applies
/// the default and the cap.
///
/// <https://fetch.spec.whatwg.org/#cors-preflight-fetch-0> steps 7.8 to 7.10.
///
/// The parsers, by [`MaxAgeParse`] mode:
///
/// - [`Spec`](MaxAgeParse::Spec): extract header list values with the `delta-seconds` ABNF
///   (`1*DIGIT`), which allows a single header. An absent header, a value that is not all
///   digits, or more than one entry gives `rules.default`. Numbers too large for `u64`
///   saturate.
/// - [`Chromium`](MaxAgeParse::Chromium): the combined value as a signed 64-bit integer with an
///   optional `+` or `-`, nothing else (no whitespace). Anything unparsable or out of range
///   gives the default; a negative number gives 0.
/// - [`Firefox`](MaxAgeParse::Firefox): absent gives the default. Otherwise the combined value
///   must be one or more digits, accumulated with saturation at the cap; an empty value, any
///   other byte, or the value 0 gives [`MaxAge::DoNotCache`].
/// - [`WebKit`](MaxAgeParse::WebKit): the combined value as a signed 64-bit integer, with
///   whitespace before and after it and a `+` or `-` accepted, and nothing else. Anything
///   unparsable or out of range gives the default; a negative number gives 0 (WebKit stores
///   the entry already expired).
///
/// In every mode the resulting number of seconds, the default included, is then limited to
/// `rules.cap` if there is one, as the spec's step 7.10 follows step 7.9.
///
/// ```
/// use http::{HeaderMap, HeaderValue, header::ACCESS_CONTROL_MAX_AGE};
/// use fetch_cors::Profile;
/// use fetch_cors::header::values::{max_age, MaxAge};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
/// assert_eq!(max_age(&headers, &Profile::SPEC.max_age), MaxAge::Seconds(86400));
/// assert_eq!(max_age(&headers, &Profile::CHROMIUM.max_age), MaxAge::Seconds(7200));
/// headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("-1"));
/// assert_eq!(max_age(&headers, &Profile::SPEC.max_age), MaxAge::Seconds(5));
/// assert_eq!(max_age(&headers, &Profile::FIREFOX.max_age), MaxAge::DoNotCache);
/// ```
pub fn max_age(headers: &HeaderMap, rules: &MaxAgeRules) -> MaxAge {
    let cap = |seconds: u64| MaxAge::Seconds(rules.cap.map_or(seconds, |cap| seconds.min(cap)));
    let Some(value) = get(headers, &http::header::ACCESS_CONTROL_MAX_AGE) else {
        return cap(rules.default);
    };
    let parsed = match rules.parse {
        MaxAgeParse::Spec => value.single().and_then(parse_delta_seconds),
        MaxAgeParse::Chromium => parse_i64_chromium(value.bytes()).map(clamp_negative),
        // An empty value reads as absent (recorded: cache-max-age-empty-bp).
        MaxAgeParse::Firefox if value.is_empty() => None,
        MaxAgeParse::Firefox => return parse_firefox(value.bytes(), rules.cap),
        MaxAgeParse::WebKit => parse_i64_webkit(value.bytes()).map(clamp_negative),
    };
    cap(parsed.unwrap_or(rules.default))
}

/// `delta-seconds = 1*DIGIT` (RFC 9111), saturating at `u64::MAX`.
fn parse_delta_seconds(value: &[u8]) -> Option<u64> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(value.iter().fold(0u64, |n, &d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

/// Negative seconds mean "already expired", which is 0 here.
fn clamp_negative(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Parses a signed 64-bit decimal integer: optional `space` bytes, an optional `-` or `+`, one
/// or more digits, optional `space` bytes, and nothing else. `None` on anything else or on
/// overflow.
fn parse_signed_i64(bytes: impl Iterator<Item = u8>, space: fn(u8) -> bool) -> Option<i64> {
    let mut bytes = bytes.skip_while(|&b| space(b)).peekable();
    let negative = bytes.next_if_eq(&b'-').is_some();
    if !negative {
        bytes.next_if_eq(&b'+');
    }
    let mut n: i64 = 0;
    let mut digits = 0usize;
    while let Some(d) = bytes.next_if(u8::is_ascii_digit) {
        let d = i64::from(d - b'0');
        n = n.checked_mul(10).and_then(|n| {
            if negative {
                n.checked_sub(d)
            } else {
                n.checked_add(d)
            }
        })?;
        digits += 1;
    }
    (digits > 0 && bytes.all(space)).then_some(n)
}

/// Chromium's `base::StringToInt64`: a sign is accepted, whitespace is not.
fn parse_i64_chromium(bytes: impl Iterator<Item = u8>) -> Option<i64> {
    parse_signed_i64(bytes, |_| false)
}

/// WebKit's `parseInteger<int64_t>`: whitespace (its "Unicode-compatible ASCII whitespace",
/// which adds vertical tab to ASCII whitespace) is skipped before and after the number.
fn parse_i64_webkit(bytes: impl Iterator<Item = u8>) -> Option<i64> {
    parse_signed_i64(bytes, |b| {
        matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
    })
}

/// Firefox: digits only, accumulating with saturation at the cap; 0 or anything odd is not
/// cached.
fn parse_firefox(bytes: impl Iterator<Item = u8>, cap: Option<u64>) -> MaxAge {
    let limit = cap.unwrap_or(u64::MAX);
    let mut seconds: u64 = 0;
    let mut any = false;
    for b in bytes {
        if !b.is_ascii_digit() {
            return MaxAge::DoNotCache;
        }
        any = true;
        seconds = seconds
            .saturating_mul(10)
            .saturating_add(u64::from(b - b'0'))
            .min(limit);
    }
    if !any || seconds == 0 {
        return MaxAge::DoNotCache;
    }

    MaxAge::Seconds(seconds)
}

// ---------------------------------------------------------------------------------------------
// Header names and values

/// Whether `name` is a valid header name: an RFC 9110 `token`.
///
/// <https://fetch.spec.whatwg.org/#header-name>
pub fn is_header_name(name: &[u8]) -> bool {
    is_token(name)
}

/// Whether `value` is a valid header value: no leading or trailing tab or space, and no NUL,
/// CR or LF.
///
/// <https://fetch.spec.whatwg.org/#header-value>
pub fn is_header_value(value: &[u8]) -> bool {
    let edges_ok = match (value.first(), value.last()) {
        (Some(&first), Some(&last)) => !is_http_tab_or_space(first) && !is_http_tab_or_space(last),
        _ => true,
    };
    edges_ok && !value.iter().any(|&b| matches!(b, 0 | b'\n' | b'\r'))
}

/// Normalizes a potential header value: strips leading and trailing HTTP whitespace bytes
/// (tab, LF, CR, space).
///
/// <https://fetch.spec.whatwg.org/#concept-header-value-normalize>
pub fn normalize_header_value(potential_value: &[u8]) -> &[u8] {
    trim_http_whitespace(potential_value)
}

#[cfg(test)]
mod tests {
    /// Short lists are scanned, long ones sorted; both answer alike, ignoring ASCII case.
    #[test]
    fn name_set_scanned_and_sorted_agree() {
        use super::NameSet;
        for n in [3usize, 16, 17, 40] {
            let listed: Vec<String> = (0..n).map(|i| format!("X-Name-{i:02}")).collect();
            let mut headers = http::HeaderMap::new();
            headers.insert(
                http::header::ACCESS_CONTROL_ALLOW_HEADERS,
                http::HeaderValue::from_str(&listed.join(", ")).unwrap(),
            );
            let list = super::extract_header_list_values(
                &headers,
                &http::header::ACCESS_CONTROL_ALLOW_HEADERS,
            )
            .unwrap();
            let set = NameSet::new(list);
            assert_eq!(matches!(set, NameSet::Sorted(_)), n > 16, "{n}");
            for i in 0..n {
                assert!(set.contains(format!("x-name-{i:02}").as_bytes()), "{n} {i}");
            }
            assert!(!set.contains(b"x-name-99"), "{n}");
            assert!(!set.contains(b"x-name-0"), "{n}");
        }
        assert!(!NameSet::new(None).contains(b"x-a"));
        // Bytes between `Z` and `a` (`_`, `^`) order differently once lowercased: the sort
        // and the search must agree on the lowercase order.
        let mut headers = http::HeaderMap::new();
        let listed = "A_B, a^b, ZZ, z_, Q, q_q, A, _a, ^, Mm, m_m, x, Y, y_, B, b_, C, c_";
        headers.insert(
            http::header::ACCESS_CONTROL_ALLOW_HEADERS,
            http::HeaderValue::from_static(listed),
        );
        let list = super::extract_header_list_values(
            &headers,
            &http::header::ACCESS_CONTROL_ALLOW_HEADERS,
        )
        .unwrap();
        let set = NameSet::new(list);
        assert!(matches!(set, NameSet::Sorted(_)));
        for name in listed.split(", ") {
            assert!(set.contains(name.to_ascii_lowercase().as_bytes()), "{name}");
        }
        assert!(!set.contains(b"a_c"));
    }

    use super::*;
    use crate::Profile;
    use http::header::{
        ACCESS_CONTROL_ALLOW_HEADERS as ACAH, ACCESS_CONTROL_ALLOW_METHODS as ACAM,
        ACCESS_CONTROL_MAX_AGE,
    };

    fn map(entries: &[(&str, &[u8])]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in entries {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_bytes(value).unwrap(),
            );
        }
        headers
    }

    fn name(s: &str) -> HeaderName {
        HeaderName::from_bytes(s.as_bytes()).unwrap()
    }

    fn split(entries: &[(&str, &[u8])]) -> Option<Vec<Vec<u8>>> {
        let headers = map(entries);
        get_decode_split(&headers, &name("a")).map(|items| items.map(Cow::into_owned).collect())
    }

    fn list(items: &[&str]) -> Option<Vec<Vec<u8>>> {
        Some(items.iter().map(|s| s.as_bytes().to_vec()).collect())
    }

    #[test]
    fn item_148_names_compare_ascii_case_insensitively_only() {
        let headers = map(&[("content-type", b"text/plain")]);
        // http folds names to lowercase on the way in, so any casing finds the header.
        assert!(get(&headers, &name("CONTENT-type")).is_some());
        assert!(get(&headers, &name("Content-Type")).is_some());
        // Only A-Z fold: 0xC4 and 0xE4 differ.
        let list_headers = map(&[("access-control-allow-headers", b"A")]);
        let list = extract_header_list_values(&list_headers, &ACAH)
            .unwrap()
            .unwrap();
        assert!(list.contains_ignore_ascii_case(b"a"));
        assert!(!b"\xc4".eq_ignore_ascii_case(b"\xe4"));
    }

    #[test]
    fn item_149_get_joins_with_comma_space() {
        let headers = map(&[("a", b"1"), ("b", b"x"), ("a", b"2")]);
        let a = get(&headers, &name("a")).unwrap();
        assert_eq!(a.lines(), 2);
        assert_eq!(a.len(), 4);
        assert!(!a.is_empty());
        assert!(a.eq_bytes(b"1, 2"));
        assert!(!a.eq_bytes(b"1,2"));
        assert!(!a.eq_bytes(b"1, 3"));
        assert_eq!(a.to_vec(), b"1, 2");
        assert_eq!(a.single(), None);
        assert_eq!(a.values().collect::<Vec<_>>(), [b"1", b"2"]);
        let b = get(&headers, &name("b")).unwrap();
        assert_eq!(b.single(), Some(&b"x"[..]));
        assert!(get(&headers, &name("c")).is_none());
    }

    #[test]
    fn item_149_get_of_empty_values() {
        let headers = map(&[("a", b"")]);
        let a = get(&headers, &name("a")).unwrap();
        assert!(a.is_empty());
        assert!(a.eq_bytes(b""));
        let headers = map(&[("a", b""), ("a", b"")]);
        let a = get(&headers, &name("a")).unwrap();
        assert_eq!(a.len(), 2);
        assert!(a.eq_bytes(b", "));
    }

    #[test]
    fn combined_copy_to_needs_room() {
        let headers = map(&[("a", b"12"), ("a", b"34")]);
        let a = get(&headers, &name("a")).unwrap();
        let mut small = [0u8; 5];
        assert_eq!(a.copy_to(&mut small), None);
        let mut buf = [0u8; 8];
        assert_eq!(a.copy_to(&mut buf), Some(&b"12, 34"[..]));
    }

    #[test]
    fn item_150_append_keeps_one_name() {
        // HeaderMap stores names lowercased, so the casing of a later append cannot differ.
        let mut headers = HeaderMap::new();
        headers.append(name("X-A"), HeaderValue::from_static("1"));
        headers.append(name("x-a"), HeaderValue::from_static("2"));
        assert_eq!(headers.keys_len(), 1);
        assert!(get(&headers, &name("x-a")).unwrap().eq_bytes(b"1, 2"));
    }

    #[test]
    fn item_151_get_decode_split_examples() {
        assert_eq!(split(&[("a", b"nosniff,")]), list(&["nosniff", ""]));
        assert_eq!(
            split(&[("a", b"nosniff"), ("b", b"sniff"), ("a", b"")]),
            list(&["nosniff", ""])
        );
        assert_eq!(split(&[("a", b""), ("b", b"sniff")]), list(&[""]));
        assert_eq!(split(&[("b", b"sniff")]), None);
        assert_eq!(split(&[("a", b"x / x,,,1")]), list(&["x / x", "", "", "1"]));
        assert_eq!(
            split(&[("a", b"x / x"), ("a", b","), ("a", b"1")]),
            list(&["x / x", "", "", "1"])
        );
    }

    #[test]
    fn item_151_trims_only_tab_and_space() {
        assert_eq!(split(&[("a", b"\t a \t, b")]), list(&["a", "b"]));
        assert_eq!(split_value(b"a\x0b").collect::<Vec<_>>(), [b"a\x0b"]);
        let items: Vec<_> = split_value(b" \xe9 ,\xff").collect();
        assert_eq!(items, [&b"\xe9"[..], b"\xff"]);
    }

    #[test]
    fn item_152_quoted_strings_keep_commas_and_escapes() {
        assert_eq!(split(&[("a", br#""1,2", 3"#)]), list(&[r#""1,2""#, "3"]));
        assert_eq!(split(&[("a", br#""a\"b", c"#)]), list(&[r#""a\"b""#, "c"]));
        assert_eq!(
            split(&[("a", br#"x/x;test="hi",y/y"#)]),
            list(&[r#"x/x;test="hi""#, "y/y"])
        );
        // A backslash before a comma inside quotes escapes it.
        assert_eq!(split(&[("a", br#""a\,b",c"#)]), list(&[r#""a\,b""#, "c"]));
    }

    #[test]
    fn item_153_unterminated_quote_runs_to_the_end() {
        assert_eq!(
            split(&[("a", br#"text/html;", x/x"#)]),
            list(&[r#"text/html;", x/x"#])
        );
        assert_eq!(split(&[("a", br#"a, "b\"#)]), list(&["a", r#""b\"#]));
    }

    #[test]
    fn item_154_separate_lines_split_like_one() {
        assert_eq!(
            split(&[
                ("a", br#"x/x;test="hi""#),
                ("c", b"**bingo**"),
                ("a", b"y/y")
            ]),
            list(&[r#"x/x;test="hi""#, "y/y"])
        );
        assert_eq!(
            split(&[("a", br#""1,2""#), ("d", b"4"), ("a", b"3")]),
            list(&[r#""1,2""#, "3"])
        );
        // The rare owned case: a quote left open in one entry swallows the separator.
        let headers = map(&[("a", br#"text/html;""#), ("a", b"x/x")]);
        let items: Vec<_> = get_decode_split(&headers, &name("a")).unwrap().collect();
        assert_eq!(items, [Cow::<[u8]>::Owned(br#"text/html;", x/x"#.to_vec())]);
    }

    #[test]
    fn split_across_three_entries_and_back_out() {
        assert_eq!(
            split(&[
                ("a", br#"p, "q"#),
                ("a", b"r"),
                ("a", br#"s" t, u"#),
                ("a", b"v")
            ]),
            list(&["p", r#""q, r, s" t"#, "u", "v"])
        );
        // A quote closed inside a later entry, with no comma after it, ends at that entry.
        assert_eq!(
            split(&[("a", br#""q"#), ("a", br#"r""#), ("a", b"s")]),
            list(&[r#""q, r""#, "s"])
        );
        // A backslash at the end of an entry escapes the separator's comma.
        assert_eq!(
            split(&[("a", br#""q\"#), ("a", br#"r""#)]),
            list(&[r#""q\, r""#])
        );
        // Still open at the very end.
        assert_eq!(split(&[("a", br#""q"#), ("a", b"r")]), list(&[r#""q, r"#]));
    }

    #[test]
    fn split_equals_split_of_joined_value() {
        let cases: &[&[&[u8]]] = &[
            &[b"a", b"b"],
            &[br#""a"#, b"b,c"],
            &[br#"a\"#, b"b"],
            &[br#""a\"#, b"", b"c"],
            &[b"", b"", b""],
            &[br#"""#, br#"""#],
        ];
        for entries in cases {
            let mut headers = HeaderMap::new();
            for e in *entries {
                headers.append("a", HeaderValue::from_bytes(e).unwrap());
            }
            let joined = get(&headers, &name("a")).unwrap().to_vec();
            let expected: Vec<Vec<u8>> = split_value(&joined).map(<[u8]>::to_vec).collect();
            let actual: Vec<Vec<u8>> = get_decode_split(&headers, &name("a"))
                .unwrap()
                .map(Cow::into_owned)
                .collect();
            assert_eq!(actual, expected, "{entries:?}");
        }
    }

    #[test]
    fn item_160_extract_header_list_values() {
        let headers = map(&[("access-control-allow-headers", b"a , b")]);
        let values = extract_header_list_values(&headers, &ACAH)
            .unwrap()
            .unwrap();
        assert_eq!(values.clone().collect::<Vec<_>>(), [b"a", b"b"]);
        assert!(values.contains_ignore_ascii_case(b"A"));
        assert!(!values.contains_exact(b"A"));
        assert!(values.contains_exact(b"b"));

        // Empty value: an empty list, not null.
        let headers = map(&[("access-control-allow-methods", b"")]);
        let values = extract_header_list_values(&headers, &ACAM)
            .unwrap()
            .unwrap();
        assert!(values.is_empty());

        // Absent: null.
        assert!(
            extract_header_list_values(&HeaderMap::new(), &ACAM)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn item_160_list_elements_across_entries() {
        let headers = map(&[
            ("access-control-allow-methods", b"PUT,,DELETE"),
            ("access-control-allow-methods", b""),
            ("access-control-allow-methods", b" , PATCH\t"),
            ("access-control-allow-methods", b"a"),
            ("access-control-allow-methods", b"b"),
        ]);
        let values = extract_header_list_values(&headers, &ACAM)
            .unwrap()
            .unwrap();
        assert_eq!(
            values.collect::<Vec<_>>(),
            [&b"PUT"[..], b"DELETE", b"PATCH", b"a", b"b"]
        );
    }

    #[test]
    fn item_160_list_failures() {
        for (value, bad) in [
            (&b"PUT;DELETE"[..], &b"PUT;DELETE"[..]),
            (b"x a", b"x a"),
            (b"a, \"b\"", b"\"b\""),
            (b"a, b\xe9", b"b\xe9"),
            (b"a, b/c", b"b/c"),
        ] {
            let headers = map(&[("access-control-allow-headers", value)]);
            let err = extract_header_list_values(&headers, &ACAH).unwrap_err();
            assert_eq!(err.element(), bad);
        }
        // One bad entry fails the whole header.
        let headers = map(&[
            ("access-control-allow-headers", b"a"),
            ("access-control-allow-headers", b"b c"),
        ]);
        let err = extract_header_list_values(&headers, &ACAH).unwrap_err();
        assert_eq!(err.to_string(), "list element `b c` is not a token");
        let headers = map(&[("access-control-allow-headers", b"\xff x")]);
        let err = extract_header_list_values(&headers, &ACAH).unwrap_err();
        assert_eq!(err.to_string(), "list element `\\xff x` is not a token");
    }

    fn max_age_for(values: &[&[u8]], profile: Profile) -> MaxAge {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_bytes(v).unwrap());
        }
        max_age(&headers, &profile.max_age)
    }

    /// One row per input: (entries, spec, chromium, firefox, webkit).
    #[allow(clippy::type_complexity)]
    const MAX_AGE_TABLE: &[(&[&[u8]], MaxAge, MaxAge, MaxAge, MaxAge)] = {
        use MaxAge::{DoNotCache as No, Seconds as S};
        &[
            (&[], S(5), S(5), S(5), S(5)),
            (&[b"600"], S(600), S(600), S(600), S(600)),
            (&[b"abc"], S(5), S(5), No, S(5)),
            (&[b"-1"], S(5), S(0), No, S(0)),
            (&[b"0"], S(0), S(0), No, S(0)),
            (&[b"+5"], S(5), S(5), No, S(5)),
            (&[b" 5"], S(5), S(5), No, S(5)),
            (&[b" 8"], S(5), S(5), No, S(8)),
            (&[b"\t7"], S(5), S(5), No, S(7)),
            (&[b"7 "], S(5), S(5), No, S(7)),
            (&[b"7 x"], S(5), S(5), No, S(5)),
            (&[b"+-1"], S(5), S(5), No, S(5)),
            (&[b"-0"], S(5), S(0), No, S(0)),
            (&[b"1.5"], S(5), S(5), No, S(5)),
            (&[b"10, 20"], S(5), S(5), No, S(5)),
            (&[b"10", b"20"], S(5), S(5), No, S(5)),
            // Firefox reads an empty value as absent (recorded: cache-max-age-empty-bp).
            (&[b""], S(5), S(5), S(5), S(5)),
            (&[b"010"], S(10), S(10), S(10), S(10)),
            (&[b"86400"], S(86400), S(7200), S(86400), S(600)),
            (
                &[b"99999999999999999999"],
                S(u64::MAX),
                S(5),
                S(86400),
                S(5),
            ),
            (
                &[b"9223372036854775807"],
                S(9223372036854775807),
                S(7200),
                S(86400),
                S(600),
            ),
            (&[b"-9223372036854775808"], S(5), S(0), No, S(0)),
            (&[b"-9223372036854775809"], S(5), S(5), No, S(5)),
            (&[b"+"], S(5), S(5), No, S(5)),
            (&[b"-"], S(5), S(5), No, S(5)),
            (&[b"--1"], S(5), S(5), No, S(5)),
            (&[b"5\xe9"], S(5), S(5), No, S(5)),
        ]
    };

    #[test]
    fn item_081_max_age_per_engine() {
        for (values, spec, chromium, firefox, webkit) in MAX_AGE_TABLE {
            let row = format!("{values:?}");
            assert_eq!(max_age_for(values, Profile::SPEC), *spec, "spec {row}");
            assert_eq!(
                max_age_for(values, Profile::CHROMIUM),
                *chromium,
                "chromium {row}"
            );
            assert_eq!(
                max_age_for(values, Profile::FIREFOX),
                *firefox,
                "firefox {row}"
            );
            assert_eq!(
                max_age_for(values, Profile::WEBKIT),
                *webkit,
                "webkit {row}"
            );
        }
    }

    #[test]
    fn item_082_max_age_cap_and_default() {
        let mut rules = Profile::SPEC.max_age;
        rules.cap = Some(100);
        rules.default = 500;
        let mut headers = HeaderMap::new();
        // The default is capped too (step 7.10 comes after 7.9).
        assert_eq!(max_age(&headers, &rules), MaxAge::Seconds(100));
        headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("101"));
        assert_eq!(max_age(&headers, &rules), MaxAge::Seconds(100));
        headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("100"));
        assert_eq!(max_age(&headers, &rules), MaxAge::Seconds(100));
        // Firefox without a cap saturates at u64::MAX.
        rules.parse = MaxAgeParse::Firefox;
        rules.cap = None;
        headers.insert(
            ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("999999999999999999999999"),
        );
        assert_eq!(max_age(&headers, &rules), MaxAge::Seconds(u64::MAX));
    }

    #[test]
    fn item_155_header_value_normalize_and_validity() {
        assert_eq!(normalize_header_value(b" v\r\n"), b"v");
        assert_eq!(normalize_header_value(b"\t\r\n "), b"");
        assert!(is_header_value(b"v"));
        assert!(is_header_value(b""));
        assert!(is_header_value(b"a b\xe9"));
        assert!(!is_header_value(b" v"));
        assert!(!is_header_value(b"v\t"));
        assert!(!is_header_value(b"a\x00b"));
        assert!(!is_header_value(b"a\rb"));
        assert!(!is_header_value(b"a\nb"));
        assert!(is_header_value(normalize_header_value(b" v\r\n")));
    }

    #[test]
    fn item_156_header_name_is_a_token() {
        assert!(is_header_name(b"X-A"));
        assert!(!is_header_name(b"X A"));
        assert!(!is_header_name(b"X-A:"));
        assert!(!is_header_name(b""));
        assert!(!is_header_name(b"\xe9"));
        // Agrees with http's own name check on these.
        for n in [&b"X-A"[..], b"X A", b"X-A:", b""] {
            assert_eq!(is_header_name(n), HeaderName::from_bytes(n).is_ok());
        }
    }
}
