//! The single-range form of `Range` that Fetch understands.
//!
//! <https://fetch.spec.whatwg.org/#simple-range-header-value>

use super::tables::is_http_tab_or_space;

/// Parses a single range header value, `bytes=<start>-<end>` with either number optional (but
/// not both). Returns `(start, end)`, or `None` for the spec's failure.
///
/// <https://fetch.spec.whatwg.org/#simple-range-header-value>
///
/// With `allow_whitespace`, tabs and spaces are accepted around `=` and `-`. `bytes` is matched
/// case-sensitively. A number that does not fit in a `u64` is treated as a failure; no real
/// resource is that large, and it keeps the result a plain integer.
///
/// ```
/// use fetch_cors::header::range::parse_single_range_header_value;
///
/// assert_eq!(parse_single_range_header_value(b"bytes=0-499", false), Some((Some(0), Some(499))));
/// assert_eq!(parse_single_range_header_value(b"bytes=-500", false), Some((None, Some(500))));
/// assert_eq!(parse_single_range_header_value(b"bytes = 1-", true), Some((Some(1), None)));
/// assert_eq!(parse_single_range_header_value(b"bytes=5-1", false), None);
/// ```
pub fn parse_single_range_header_value(
    value: &[u8],
    allow_whitespace: bool,
) -> Option<(Option<u64>, Option<u64>)> {
    parse(value, allow_whitespace, false)
}

/// [`parse_single_range_header_value`], optionally matching `bytes` ASCII-case-insensitively.
///
/// Lowercasing the whole value first (as WebKit does) only changes the outcome through
/// `bytes`, because every other accepted byte is a digit or punctuation; so this matches the
/// prefix without case instead of copying the value.
pub(crate) fn parse(
    value: &[u8],
    allow_whitespace: bool,
    bytes_ignore_case: bool,
) -> Option<(Option<u64>, Option<u64>)> {
    // Steps 1 to 3.
    let (prefix, data) = value.split_at_checked(5)?;
    let prefix_ok = if bytes_ignore_case {
        prefix.eq_ignore_ascii_case(b"bytes")
    } else {
        prefix == b"bytes"
    };
    if !prefix_ok {
        return None;
    }
    let mut cursor = Cursor { data, position: 0 };
    // Step 4.
    cursor.skip_whitespace(allow_whitespace);
    // Steps 5 and 6.
    cursor.expect(b'=')?;
    // Step 7.
    cursor.skip_whitespace(allow_whitespace);
    // Steps 8 and 9.
    let start = cursor.number()?;
    // Step 10.
    cursor.skip_whitespace(allow_whitespace);
    // Steps 11 and 12.
    cursor.expect(b'-')?;
    // Step 13.
    cursor.skip_whitespace(allow_whitespace);
    // Steps 14 and 15.
    let end = cursor.number()?;
    // Step 16.
    if !cursor.at_end() {
        return None;
    }
    match (start, end) {
        // Step 17.
        (None, None) => None,
        // Step 18.
        (Some(start), Some(end)) if start > end => None,
        // Step 19.
        range => Some(range),
    }
}

/// A position in the bytes after `bytes`.
struct Cursor<'a> {
    data: &'a [u8],
    position: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.data.get(self.position).copied()
    }

    fn at_end(&self) -> bool {
        self.position >= self.data.len()
    }

    fn skip_whitespace(&mut self, allowed: bool) {
        while allowed && self.peek().is_some_and(is_http_tab_or_space) {
            self.position += 1;
        }
    }

    /// Consumes `byte`, or fails.
    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek() == Some(byte)).then(|| self.position += 1)
    }

    /// Collects ASCII digits: `Some(None)` when there are none, `Some(Some(n))` for a number,
    /// and `None` when the number overflows a `u64`.
    fn number(&mut self) -> Option<Option<u64>> {
        let mut value: Option<u64> = None;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            let n = value.unwrap_or(0);
            value = Some(n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?);
            self.position += 1;
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(value: &[u8]) -> Option<(Option<u64>, Option<u64>)> {
        parse_single_range_header_value(value, false)
    }

    fn pw(value: &[u8]) -> Option<(Option<u64>, Option<u64>)> {
        parse_single_range_header_value(value, true)
    }

    #[test]
    fn item_053_range_simple_form() {
        assert_eq!(p(b"bytes=0-499"), Some((Some(0), Some(499))));
        assert_eq!(p(b"bytes=500-"), Some((Some(500), None)));
        assert_eq!(p(b"bytes=-500"), Some((None, Some(500))));
        assert_eq!(p(b"bytes=0-1,5-6"), None);
        assert_eq!(p(b"bytes = 0-1"), None);
        assert_eq!(p(b"Bytes=0-1"), None);
        assert_eq!(p(b"bytes=5-1"), None);
        assert_eq!(p(b"bytes=5-5"), Some((Some(5), Some(5))));
        assert_eq!(p(b"bytes=-"), None);
        assert_eq!(p(b"bytes="), None);
        assert_eq!(p(b"bytes"), None);
        assert_eq!(p(b"byte"), None);
        assert_eq!(p(b""), None);
        assert_eq!(p(b"bytes=0-1 "), None);
        assert_eq!(p(b"bytes= 200-"), None);
        assert_eq!(p(b"bytes=1-2-3"), None);
        assert_eq!(p(b"bytes=00-01"), Some((Some(0), Some(1))));
        assert_eq!(p(b"bytes=\xe9-1"), None);
    }

    #[test]
    fn item_053_range_whitespace_allowed() {
        assert_eq!(pw(b"bytes \t= 0 - 1"), Some((Some(0), Some(1))));
        assert_eq!(pw(b"bytes= 200-"), Some((Some(200), None)));
        // Trailing whitespace is still not allowed.
        assert_eq!(pw(b"bytes=0-1 "), None);
        assert_eq!(pw(b" bytes=0-1"), None);
    }

    #[test]
    fn item_053_range_case_insensitive_bytes() {
        assert_eq!(parse(b"Bytes=0-1", false, true), Some((Some(0), Some(1))));
        assert_eq!(parse(b"BYTES=0-", false, true), Some((Some(0), None)));
        assert_eq!(parse(b"bytez=0-", false, true), None);
    }

    #[test]
    fn range_numbers_beyond_u64_fail() {
        assert_eq!(
            p(b"bytes=18446744073709551615-"),
            Some((Some(u64::MAX), None))
        );
        assert_eq!(p(b"bytes=18446744073709551616-"), None);
        assert_eq!(p(b"bytes=0-99999999999999999999999"), None);
    }
}
