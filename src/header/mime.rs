//! MIME types, as the MIME Sniffing Standard parses and serializes them.
//!
//! <https://mimesniff.spec.whatwg.org/#mime-type-representation>
//!
//! CORS needs the parser for one thing: deciding whether a request's `Content-Type` is
//! safelisted, which only looks at the essence. The safelist answers that with a crate-private
//! check that shares the first parse steps and does not allocate; [`parse_mime_type`] builds the
//! full record, and [`extract_mime_type`] is the forgiving response-side algorithm from Fetch.

use std::collections::BTreeSet;
use std::fmt;

use http::HeaderMap;

use super::tables::{
    is_http_quoted_string_token, is_http_whitespace, is_tchar, is_token, trim_http_whitespace,
};
use super::values::get_decode_split;

/// A parsed MIME type record.
///
/// <https://mimesniff.spec.whatwg.org/#mime-type>
///
/// Strings hold the isomorphic decoding of the input bytes, so a parameter value byte 0xE9 is
/// the character `é` (U+00E9). The type, subtype and parameter names are ASCII lowercase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MimeType {
    /// The type, such as `text`. Non-empty, HTTP token code points only, lowercase.
    pub type_: String,
    /// The subtype, such as `plain`. Non-empty, HTTP token code points only, lowercase.
    pub subtype: String,
    /// The parameters in order of first appearance; names are unique and lowercase, values are
    /// HTTP quoted-string token code points (U+0009 and U+0020 to U+00FF except U+007F).
    pub parameters: Vec<(String, String)>,
}

impl MimeType {
    /// The type, `/`, and the subtype, as in `text/plain`.
    ///
    /// <https://mimesniff.spec.whatwg.org/#mime-type-essence>
    pub fn essence(&self) -> String {
        format!("{}/{}", self.type_, self.subtype)
    }

    /// The value of the parameter `name` (which should be lowercase), if present.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The serialization, isomorphic-encoded back to bytes (so `é` becomes the byte 0xE9).
    ///
    /// <https://mimesniff.spec.whatwg.org/#serialize-a-mime-type-to-bytes>
    pub fn to_bytes(&self) -> Vec<u8> {
        // Every character is at most U+00FF by construction, so the cast is lossless.
        self.to_string().chars().map(|c| c as u8).collect()
    }
}

/// Serializes the MIME type: the essence, then `;name=value` for each parameter, with a value
/// quoted (and `"` and `\` escaped) when it is empty or not a token.
///
/// <https://mimesniff.spec.whatwg.org/#serialize-a-mime-type>
impl fmt::Display for MimeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.type_, self.subtype)?;
        for (name, value) in &self.parameters {
            write!(f, ";{name}=")?;
            let is_token_value =
                !value.is_empty() && value.chars().all(|c| u8::try_from(c).is_ok_and(is_tchar));
            if is_token_value {
                f.write_str(value)?;
            } else {
                f.write_str("\"")?;
                for c in value.chars() {
                    if c == '"' || c == '\\' {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("\"")?;
            }
        }
        Ok(())
    }
}

/// The type, the subtype and the unparsed rest (empty, or starting with `;`) of a MIME type,
/// as MIME Sniffing's parse steps 1 to 9 find them; `None` where those steps fail.
///
/// Steps 10 onwards never fail, so a `Some` here means the whole parse succeeds. Both
/// [`parse_mime_type`] and [`essence_eq`] go through this function, which keeps them in step.
fn split_essence(input: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    // Step 1.
    let input = trim_http_whitespace(input);
    // Steps 3 to 6: the type runs to the first `/`, which must exist.
    let slash = input.iter().position(|&b| b == b'/')?;
    let (type_, rest) = input.split_at_checked(slash)?;
    let rest = rest.get(1..)?;
    if !is_token(type_) {
        return None;
    }
    // Steps 7 to 9: the subtype runs to the first `;`, without trailing whitespace.
    let semicolon = rest.iter().position(|&b| b == b';').unwrap_or(rest.len());
    let (subtype, parameters) = rest.split_at_checked(semicolon)?;
    let subtype = subtype
        .iter()
        .rposition(|&b| !is_http_whitespace(b))
        .and_then(|last| subtype.get(..=last))
        .unwrap_or_default();
    if !is_token(subtype) {
        return None;
    }
    Some((type_, subtype, parameters))
}

/// Isomorphic decoding: each byte becomes the code point with the same value.
fn isomorphic_decode(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Collects bytes from `input` at `*position` while `condition` holds.
fn collect<'a>(input: &'a [u8], position: &mut usize, condition: impl Fn(u8) -> bool) -> &'a [u8] {
    let start = (*position).min(input.len());
    let rest = input.get(start..).unwrap_or_default();
    let len = rest
        .iter()
        .position(|&b| !condition(b))
        .unwrap_or(rest.len());
    *position = start + len;
    rest.get(..len).unwrap_or_default()
}

/// Collects an HTTP quoted string with extract-value set: `*position` is at the opening `"`;
/// returns the unescaped contents and leaves `*position` after the closing quote (or at the end).
///
/// <https://fetch.spec.whatwg.org/#collect-an-http-quoted-string>
fn collect_quoted_string_value(input: &[u8], position: &mut usize) -> Vec<u8> {
    let mut value = Vec::new();
    // Step 4: skip the opening quote.
    *position += 1;
    loop {
        value.extend_from_slice(collect(input, position, |b| b != b'"' && b != b'\\'));
        let Some(&quote_or_backslash) = input.get(*position) else {
            break;
        };
        *position += 1;
        if quote_or_backslash == b'\\' {
            match input.get(*position) {
                // A trailing backslash stands for itself.
                None => {
                    value.push(b'\\');
                    break;
                }
                Some(&escaped) => {
                    value.push(escaped);
                    *position += 1;
                }
            }
        } else {
            break;
        }
    }
    value
}

/// Up to this many parameters, a new name is checked against the earlier ones one by one.
const LINEAR_PARAMETER_SEARCH: usize = 16;

/// Parses a MIME type from bytes; `None` is the spec's failure.
///
/// <https://mimesniff.spec.whatwg.org/#parse-a-mime-type-from-bytes>
///
/// Invalid and repeated parameters are dropped (the first occurrence wins); a quoted parameter
/// value ends at its closing quote and anything after it up to the next `;` is ignored.
///
/// ```
/// use fetch_cors::header::mime::parse_mime_type;
///
/// let mime = parse_mime_type(b" Text/Plain ;Charset=UTF-8;charset=x").unwrap();
/// assert_eq!(mime.essence(), "text/plain");
/// assert_eq!(mime.to_string(), "text/plain;charset=UTF-8");
/// assert!(parse_mime_type(b"text /plain").is_none());
/// ```
pub fn parse_mime_type(input: &[u8]) -> Option<MimeType> {
    let (type_, subtype, input) = split_essence(input)?;
    // Step 10.
    let mut mime_type = MimeType {
        type_: isomorphic_decode(type_).to_ascii_lowercase(),
        subtype: isomorphic_decode(subtype).to_ascii_lowercase(),
        parameters: Vec::new(),
    };
    // Step 11, with `input` now starting at the `;` after the subtype (or empty).
    let mut position = 0;
    // The names seen so far, once there are too many to search one by one: without it a value
    // with many parameters would take quadratic time.
    let mut seen: Option<BTreeSet<String>> = None;
    while position < input.len() {
        // Steps 11.1 and 11.2.
        position += 1;
        collect(input, &mut position, is_http_whitespace);
        // Steps 11.3 and 11.4.
        let name = collect(input, &mut position, |b| b != b';' && b != b'=');
        // Step 11.5.
        if let Some(&b) = input.get(position) {
            if b == b';' {
                continue;
            }
            position += 1;
        }
        // Step 11.6.
        let Some(&first) = input.get(position) else {
            break;
        };
        // Steps 11.8 and 11.9.
        let value: Vec<u8> = if first == b'"' {
            let value = collect_quoted_string_value(input, &mut position);
            collect(input, &mut position, |b| b != b';');
            value
        } else {
            let value = collect(input, &mut position, |b| b != b';');
            let value = value
                .iter()
                .rposition(|&b| !is_http_whitespace(b))
                .and_then(|last| value.get(..=last))
                .unwrap_or_default();
            if value.is_empty() {
                continue;
            }
            value.to_vec()
        };
        // Step 11.10.
        if is_token(name) && value.iter().all(|&b| is_http_quoted_string_token(b)) {
            let name = isomorphic_decode(name).to_ascii_lowercase();
            let parameters = &mut mime_type.parameters;
            let new = match &mut seen {
                Some(seen) => seen.insert(name.clone()),
                None if parameters.len() < LINEAR_PARAMETER_SEARCH => {
                    parameters.iter().all(|(n, _)| *n != name)
                }
                None => {
                    let mut names: BTreeSet<String> =
                        parameters.iter().map(|(n, _)| n.clone()).collect();
                    let new = names.insert(name.clone());
                    seen = Some(names);
                    new
                }
            };
            if new {
                parameters.push((name, isomorphic_decode(&value)));
            }
        }
    }
    Some(mime_type)
}

/// Whether `input` parses as a MIME type whose essence is one of `essences` (each given in
/// lowercase, like `text/plain`). Never allocates.
///
/// Gives the same answer as parsing with [`parse_mime_type`] and comparing the essence.
pub(crate) fn essence_eq(input: &[u8], essences: &[&str]) -> bool {
    // The essence is what precedes the first `;`, without HTTP whitespace around it, so a
    // span of another length than every candidate cannot match: skip the parse.
    let head = input.split(|&b| b == b';').next().unwrap_or_default();
    let span = trim_http_whitespace(head).len();
    if !essences.iter().any(|e| e.len() == span) {
        return false;
    }
    let Some((type_, subtype, _)) = split_essence(input) else {
        return false;
    };
    // `essence` is `type_`, `/`, `subtype`, ignoring ASCII case. The type is a token, so the
    // `/` found at its length is the essence's first `/`.
    essences.iter().any(|essence| {
        let essence = essence.as_bytes();
        essence.len() == type_.len() + 1 + subtype.len()
            && essence.get(type_.len()) == Some(&b'/')
            && essence
                .get(..type_.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(type_))
            && essence
                .get(type_.len() + 1..)
                .is_some_and(|s| s.eq_ignore_ascii_case(subtype))
    })
}

/// Extracts a MIME type from a response's `Content-Type` header(s): the last value that parses
/// and is not `*/*` wins, and it inherits the `charset` of earlier values with the same essence.
///
/// <https://fetch.spec.whatwg.org/#concept-header-extract-mime-type>
///
/// This is the forgiving response-side algorithm. Request safelisting deliberately uses the
/// strict [`parse_mime_type`] on the whole value instead.
pub fn extract_mime_type(headers: &HeaderMap) -> Option<MimeType> {
    let mut charset: Option<String> = None;
    let mut essence: Option<String> = None;
    let mut mime_type: Option<MimeType> = None;
    for value in get_decode_split(headers, &http::header::CONTENT_TYPE)? {
        let Some(mut temporary) = parse_mime_type(&value) else {
            continue;
        };
        let temporary_essence = temporary.essence();
        if temporary_essence == "*/*" {
            continue;
        }
        if essence.as_deref() != Some(temporary_essence.as_str()) {
            charset = temporary.parameter("charset").map(str::to_owned);
            essence = Some(temporary_essence);
        } else if temporary.parameter("charset").is_none() {
            if let Some(charset) = &charset {
                temporary
                    .parameters
                    .push(("charset".to_owned(), charset.clone()));
            }
        }
        mime_type = Some(temporary);
    }
    mime_type
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn serialized(input: &[u8]) -> Option<String> {
        parse_mime_type(input).map(|m| m.to_string())
    }

    const SAFELISTED: [&str; 3] = [
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "text/plain",
    ];

    #[test]
    fn many_parameters_first_occurrence_wins() {
        let mut input = String::from("text/plain");
        for i in 0..40 {
            input.push_str(&format!(";p{i}={i}"));
        }
        input.push_str(";P3=dup;p30=dup;p40=new;P0=dup");
        let mime = parse_mime_type(input.as_bytes()).unwrap();
        assert_eq!(mime.parameters.len(), 41);
        assert_eq!(mime.parameter("p3"), Some("3"));
        assert_eq!(mime.parameter("p30"), Some("30"));
        assert_eq!(mime.parameter("p0"), Some("0"));
        assert_eq!(mime.parameter("p40"), Some("new"));
        let names: Vec<&str> = mime.parameters.iter().map(|(n, _)| n.as_str()).collect();
        let expected: Vec<String> = (0..=40).map(|i| format!("p{i}")).collect();
        assert_eq!(names, expected);
    }

    #[test]
    fn item_162_parse_lowercases_and_keeps_first_parameter() {
        assert_eq!(
            serialized(b" Text/Plain ;Charset=UTF-8;charset=x").as_deref(),
            Some("text/plain;charset=UTF-8")
        );
        assert_eq!(serialized(b"text").as_deref(), None);
        assert_eq!(serialized(b"text/").as_deref(), None);
        assert_eq!(serialized(b"/plain").as_deref(), None);
        assert_eq!(serialized(b"text /plain").as_deref(), None);
        assert_eq!(serialized(b"text/ plain").as_deref(), None);
        assert_eq!(serialized(b"text/plain ;").as_deref(), Some("text/plain"));
        assert_eq!(
            serialized(b"\r\n\ttext/plain\r\n").as_deref(),
            Some("text/plain")
        );
        assert_eq!(serialized(b"te\xe9xt/plain").as_deref(), None);
        assert_eq!(serialized(b"").as_deref(), None);
    }

    #[test]
    fn item_162_invalid_parameters_are_dropped() {
        assert_eq!(
            serialized(b"a/b;;x;=y;z=;k=v;k =w;\xe9=1;v=\x7f;q=\"\"").as_deref(),
            Some("a/b;k=v;q=\"\"")
        );
        assert_eq!(serialized(b"a/b; x = 1; y=2 ").as_deref(), Some("a/b;y=2"));
        assert_eq!(serialized(b"a/b;x=a b").as_deref(), Some("a/b;x=\"a b\""));
    }

    #[test]
    fn item_163_quoted_parameter_ends_at_closing_quote() {
        assert_eq!(
            serialized(br#"text/html;charset="shift_jis"iso-2022-jp"#).as_deref(),
            Some("text/html;charset=shift_jis")
        );
        assert_eq!(
            serialized(br#"a/b;x="a\"b\\c";y="unterminated"#).as_deref(),
            Some(r#"a/b;x="a\"b\\c";y=unterminated"#)
        );
        assert_eq!(serialized(br#"a/b;x="\"#).as_deref(), Some(r#"a/b;x="\\""#));
        assert_eq!(
            serialized(br#"a/b;x="a;b";y=c"#).as_deref(),
            Some(r#"a/b;x="a;b";y=c"#)
        );
    }

    #[test]
    fn item_164_extract_a_mime_type_examples() {
        fn extract(values: &[&str]) -> Option<String> {
            let mut headers = HeaderMap::new();
            for v in values {
                headers.append(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_str(v).unwrap(),
                );
            }
            extract_mime_type(&headers).map(|m| m.to_string())
        }
        let cases: &[(&[&str], Option<&str>)] = &[
            (&["text/plain;charset=gbk, text/html"], Some("text/html")),
            (
                &["text/html;charset=gbk;a=b, text/html;x=y"],
                Some("text/html;x=y;charset=gbk"),
            ),
            (
                &["text/html;charset=gbk;a=b", "text/html;x=y"],
                Some("text/html;x=y;charset=gbk"),
            ),
            (
                &["text/html;charset=gbk", "x/x", "text/html;x=y"],
                Some("text/html;x=y"),
            ),
            (&["text/html", "cannot-parse"], Some("text/html")),
            (&["text/html", "*/*"], Some("text/html")),
            (&["text/html", ""], Some("text/html")),
            (&["*/*"], None),
            (&[], None),
        ];
        for (values, expected) in cases {
            assert_eq!(extract(values).as_deref(), *expected, "{values:?}");
        }
    }

    #[test]
    fn item_166_parameter_bytes_above_0x7f() {
        let mime = parse_mime_type(b"text/plain;x=\xe9").unwrap();
        assert_eq!(mime.parameter("x"), Some("é"));
        assert_eq!(mime.to_string(), "text/plain;x=\"é\"");
        assert_eq!(mime.to_bytes(), b"text/plain;x=\"\xe9\"");
    }

    #[test]
    fn essence_eq_matches_parse() {
        let inputs: &[&[u8]] = &[
            b"text/plain",
            b"TEXT/Plain",
            b" text/plain ; charset=utf-8",
            b"text/plain\t",
            b"text/plainx",
            b"text/plai",
            b"text",
            b"application/json",
            b"multipart/form-data; boundary=----x",
            b"application/x-www-form-urlencoded;",
            b"text/plain, application/json",
            b"application/json, text/plain",
            b"text/plain/x",
        ];
        for input in inputs {
            let by_parse =
                parse_mime_type(input).is_some_and(|m| SAFELISTED.contains(&m.essence().as_str()));
            assert_eq!(essence_eq(input, &SAFELISTED), by_parse, "{input:?}");
        }
        assert!(essence_eq(b"TEXT/Plain", &SAFELISTED));
        assert!(!essence_eq(b"text/plain/x", &SAFELISTED));
        assert!(!essence_eq(b"text/plain", &[]));
        assert!(!essence_eq(b"text/plain", &["text"]));
    }

    proptest::proptest! {
        #[test]
        fn essence_eq_agrees_with_parse_on_any_bytes(
            input in proptest::collection::vec(
                proptest::sample::select(b" \t\r\n/;=\"\\aeilmnprtxTP\xe9\x00-".to_vec()),
                0..40,
            ),
        ) {
            for essences in [&SAFELISTED[..], &["a/b", "text/plain"], &[]] {
                let by_parse = parse_mime_type(&input)
                    .is_some_and(|m| essences.contains(&m.essence().as_str()));
                proptest::prop_assert_eq!(essence_eq(&input, essences), by_parse);
            }
        }

        #[test]
        fn essence_eq_agrees_on_mime_shaped_input(
            input in "[ \t]?(text|Text|a|x y|)/(plain|PLAIN|b|p;|)[ \t]?(;[a-z=\"]{0,4})?",
        ) {
            let by_parse = parse_mime_type(input.as_bytes())
                .is_some_and(|m| ["text/plain", "a/b"].contains(&m.essence().as_str()));
            proptest::prop_assert_eq!(essence_eq(input.as_bytes(), &["text/plain", "a/b"]), by_parse);
        }
    }

    #[test]
    fn serialization_round_trips() {
        for input in [
            &b"text/plain;charset=UTF-8"[..],
            br#"a/b;x="";y="a\"b""#,
            b"a/b;x=\"\xe9 \"",
        ] {
            let once = parse_mime_type(input).unwrap();
            let again = parse_mime_type(&once.to_bytes()).unwrap();
            assert_eq!(once, again);
        }
    }
}
