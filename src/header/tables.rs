//! Byte classes used by the header algorithms, as 256-entry lookup tables.
//!
//! Each table is generated at compile time from a pattern, so the pattern in the source is the
//! definition and the table cannot drift from it.

/// Builds a `[bool; 256]` whose entry `b` is `matches!(b, pattern)`.
macro_rules! byte_map {
    ($($pattern:pat_param)|+) => {{
        const fn build() -> [bool; 256] {
            let mut table = [false; 256];
            let mut i = 0;
            while i < 256 {
                table[i] = matches!(i as u8, $($pattern)|+);
                i += 1;
            }
            table
        }
        build()
    }};
}

/// RFC 9110 `tchar`, the bytes of a `token` (and so of a method or a header name).
/// MIME Sniffing calls the same set "HTTP token code points".
///
/// <https://mimesniff.spec.whatwg.org/#http-token-code-point>
const TCHAR: [bool; 256] = byte_map!(
    b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`'
        | b'|' | b'~' | b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z'
);

/// <https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte>
const CORS_UNSAFE_REQUEST_HEADER_BYTE: [bool; 256] = byte_map!(
    0x00..=0x08 | 0x0A..=0x1F | b'"' | b'(' | b')' | b':' | b'<' | b'>' | b'?' | b'@' | b'['
        | b'\\' | b']' | b'{' | b'}' | 0x7F
);

/// <https://fetch.spec.whatwg.org/#http-whitespace-byte>
const HTTP_WHITESPACE: [bool; 256] = byte_map!(b'\t' | b'\n' | b'\r' | b' ');

/// <https://fetch.spec.whatwg.org/#http-tab-or-space-byte>
const HTTP_TAB_OR_SPACE: [bool; 256] = byte_map!(b'\t' | b' ');

/// The bytes allowed in `Accept-Language` and `Content-Language` values of a
/// CORS-safelisted request-header.
///
/// <https://fetch.spec.whatwg.org/#cors-safelisted-request-header>
const LANGUAGE_VALUE: [bool; 256] = byte_map!(
    b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z' | b' ' | b'*' | b',' | b'-' | b'.' | b';' | b'='
);

/// <https://mimesniff.spec.whatwg.org/#http-quoted-string-token-code-point>, applied to
/// isomorphic-decoded bytes (byte `b` is code point U+00bb).
const HTTP_QUOTED_STRING_TOKEN: [bool; 256] = byte_map!(b'\t' | 0x20..=0x7E | 0x80..=0xFF);

/// Whether `b` is a `tchar` (an HTTP token code point).
pub(crate) const fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

/// Whether every byte of `bytes` is a `tchar` and there is at least one: RFC 9110 `token`.
pub(crate) fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// Whether `b` is a CORS-unsafe request-header byte.
pub(crate) const fn is_cors_unsafe_request_header_byte(b: u8) -> bool {
    CORS_UNSAFE_REQUEST_HEADER_BYTE[b as usize]
}

/// Whether `b` is an HTTP whitespace byte (tab, LF, CR or space).
pub(crate) const fn is_http_whitespace(b: u8) -> bool {
    HTTP_WHITESPACE[b as usize]
}

/// Whether `b` is an HTTP tab or space byte.
pub(crate) const fn is_http_tab_or_space(b: u8) -> bool {
    HTTP_TAB_OR_SPACE[b as usize]
}

/// Whether `b` may appear in a safelisted `Accept-Language` or `Content-Language` value.
pub(crate) const fn is_language_value_byte(b: u8) -> bool {
    LANGUAGE_VALUE[b as usize]
}

/// Whether `b`, isomorphic-decoded, is an HTTP quoted-string token code point.
pub(crate) const fn is_http_quoted_string_token(b: u8) -> bool {
    HTTP_QUOTED_STRING_TOKEN[b as usize]
}

/// `bytes` without leading and trailing bytes for which `strip` holds.
pub(crate) fn trim_by(bytes: &[u8], strip: impl Fn(u8) -> bool) -> &[u8] {
    let start = bytes.iter().position(|&b| !strip(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !strip(b))
        .map_or(start, |i| i + 1);
    bytes.get(start..end).unwrap_or_default()
}

/// `bytes` without leading and trailing HTTP tab or space bytes.
pub(crate) fn trim_http_tab_or_space(bytes: &[u8]) -> &[u8] {
    trim_by(bytes, is_http_tab_or_space)
}

/// `bytes` without leading and trailing HTTP whitespace bytes.
pub(crate) fn trim_http_whitespace(bytes: &[u8]) -> &[u8] {
    trim_by(bytes, is_http_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tchar_matches_rfc9110() {
        let listed = b"!#$%&'*+-.^_`|~";
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || listed.contains(&b);
            assert_eq!(is_tchar(b), expected, "byte {b:#04x}");
        }
    }

    #[test]
    fn cors_unsafe_bytes() {
        let listed = b"\"():<>?@[\\]{}\x7f";
        for b in 0..=255u8 {
            let expected = (b < 0x20 && b != b'\t') || listed.contains(&b);
            assert_eq!(
                is_cors_unsafe_request_header_byte(b),
                expected,
                "byte {b:#04x}"
            );
        }
        // Bytes 0x80-0xFF are not unsafe.
        assert!(!is_cors_unsafe_request_header_byte(0xE9));
    }

    #[test]
    fn whitespace_classes() {
        for b in 0..=255u8 {
            assert_eq!(is_http_tab_or_space(b), b == b'\t' || b == b' ');
            assert_eq!(is_http_whitespace(b), b"\t\n\r ".contains(&b));
        }
        // Form feed is ASCII whitespace but not HTTP whitespace.
        assert!(!is_http_whitespace(0x0C));
    }

    #[test]
    fn quoted_string_token_and_language() {
        for b in 0..=255u8 {
            assert_eq!(
                is_http_quoted_string_token(b),
                b == b'\t' || (0x20..=0x7E).contains(&b) || b >= 0x80
            );
            assert_eq!(
                is_language_value_byte(b),
                b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b)
            );
        }
    }

    #[test]
    fn trimming() {
        assert_eq!(trim_http_tab_or_space(b" \ta b\t "), b"a b");
        assert_eq!(trim_http_tab_or_space(b"\r\na\r\n"), b"\r\na\r\n");
        assert_eq!(trim_http_whitespace(b"\r\n a \r\n"), b"a");
        assert_eq!(trim_http_whitespace(b" \t "), b"");
        assert_eq!(trim_http_whitespace(b""), b"");
    }
}
