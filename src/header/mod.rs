//! Header-list algorithms from the Fetch Standard.
//!
//! <https://fetch.spec.whatwg.org/#terminology-headers>
//!
//! Header lists are [`http::HeaderMap`]s. Names in a `HeaderMap` are lowercase already, which
//! settles the spec's byte-case-insensitive name matching; values are raw bytes, which may
//! include 0x80-0xFF. Nothing here allocates on the common path: values are read through
//! borrowed views and iterators.
//!
//! - [`values`]: get; get, decode, and split; extract header list values; `Access-Control-Max-Age`.
//! - [`safelist`]: CORS-safelisted request-headers, CORS-unsafe request-header names, forbidden
//!   request-headers and the other name lists.
//! - [`mime`]: MIME Sniffing's MIME type parser, for `Content-Type`.
//! - [`range`]: the single-range `Range` value parser.

pub mod mime;
pub mod range;
pub mod safelist;
mod tables;
pub mod values;

pub use mime::{MimeType, extract_mime_type, parse_mime_type};
pub use range::parse_single_range_header_value;
pub use safelist::{
    CORS_SAFELISTED_RESPONSE_HEADER_NAMES, UnsafeNames, cors_unsafe_request_header_names,
    is_cors_non_wildcard_request_header_name, is_cors_safelisted_request_header,
    is_cors_safelisted_response_header_name, is_forbidden_request_header,
    is_forbidden_response_header_name, is_no_cors_safelisted_request_header,
    is_no_cors_safelisted_request_header_name, is_privileged_no_cors_request_header_name,
};
pub use values::{
    Combined, InvalidList, ListValues, MaxAge, extract_header_list_values, get, get_decode_split,
    max_age, split_value,
};
