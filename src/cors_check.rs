//! The CORS check: may the page's origin read this response?
//!
//! <https://fetch.spec.whatwg.org/#concept-cors-check>. It runs on every response of a
//! request whose response tainting is `cors`: the preflight's, each redirect's and the final
//! one. A pass yields a [`CorsOk`], the proof a CORS-filtered response holds.

use http::header::{ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN};

use crate::error::{CorsError, Stage};
use crate::header::values::{Combined, get};
use crate::profile::{MultipleAllowOrigin, Profile};
use crate::request::{CredentialsMode, Request};
use crate::response::ResponseHead;

/// Proof that a CORS check passed for some response. Only [`cors_check`] makes one, so a
/// value of this type means the check ran and passed; a CORS-filtered
/// [`Exposure`](crate::Exposure) cannot exist without one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CorsOk(());

/// Performs a CORS check of `response` for `request`.
///
/// <https://fetch.spec.whatwg.org/#concept-cors-check>. `stage` only labels the error. The
/// profile chooses which error a failure is reported as; whether it fails never depends on it.
pub fn cors_check(
    request: &Request<'_>,
    response: &ResponseHead<'_>,
    stage: Stage,
    profile: &Profile,
) -> Result<CorsOk, CorsError> {
    let include = request.credentials_mode() == CredentialsMode::Include;
    cors_check_for(
        request.serialized_origin(),
        include,
        response,
        stage,
        profile,
    )
}

/// The CORS check against a given serialized request origin and credentials flag, for the
/// engine rules that check a response against another origin than the request's.
pub(crate) fn cors_check_for(
    serialized: &str,
    include: bool,
    response: &ResponseHead<'_>,
    stage: Stage,
    profile: &Profile,
) -> Result<CorsOk, CorsError> {
    // Steps 1-2.
    let Some(origin) = get(response.headers, &ACCESS_CONTROL_ALLOW_ORIGIN) else {
        return Err(CorsError::MissingAllowOrigin {
            stage,
            status: response.status.as_u16(),
        });
    };
    // Step 3.
    if !include && origin.eq_bytes(b"*") {
        return Ok(CorsOk(()));
    }
    // Step 4.
    if !origin.eq_bytes(serialized.as_bytes()) {
        return Err(allow_origin_failure(
            &origin, serialized, include, stage, profile,
        ));
    }
    // Step 5.
    if !include {
        return Ok(CorsOk(()));
    }
    // Steps 6-8.
    match get(response.headers, &ACCESS_CONTROL_ALLOW_CREDENTIALS) {
        Some(c) if c.eq_bytes(b"true") => Ok(CorsOk(())),
        c => Err(CorsError::InvalidAllowCredentials {
            stage,
            value: c.map(|c| lossy(&c)),
        }),
    }
}

/// Names the failure of step 4 the way the profile's engine reports it.
fn allow_origin_failure(
    origin: &Combined<'_>,
    serialized: &str,
    include: bool,
    stage: Stage,
    profile: &Profile,
) -> CorsError {
    let value = lossy(origin);
    let multiple = match profile.multiple_allow_origin {
        MultipleAllowOrigin::Mismatch => false,
        MultipleAllowOrigin::CommaOrSpace => origin.bytes().any(|b| b == b',' || b == b' '),
        MultipleAllowOrigin::HeaderLines => origin.lines() > 1,
        MultipleAllowOrigin::Comma => origin.bytes().any(|b| b == b','),
    };
    if multiple {
        return CorsError::MultipleAllowOriginValues { stage, value };
    }
    if include && origin.eq_bytes(b"*") {
        return CorsError::WildcardOriginWithCredentials { stage };
    }
    if profile.report_invalid_allow_origin && value != "null" && url::Url::parse(&value).is_err() {
        return CorsError::InvalidAllowOriginValue { stage, value };
    }
    CorsError::AllowOriginMismatch {
        stage,
        value,
        origin: serialized.to_owned(),
    }
}

fn lossy(value: &Combined<'_>) -> String {
    String::from_utf8_lossy(&value.to_vec()).into_owned()
}
