//! Peer suites: the in-scope cases of other CORS implementations' own unit tests, ported to
//! the fetch-cors public API. One module per upstream file; each test is named after its
//! upstream test and says which file it comes from. The expected values are the upstream
//! ones, except where `EXPECTED-DIFFERENCES.md` lists a deliberate difference (with the
//! recording in `tests/browsers/` that justifies it); those cases assert the crate's answer,
//! so a change of behaviour still fails here.

mod chromium_cors;
mod chromium_preflight_cache;
mod chromium_preflight_result;
mod gecko_cross_site_xhr;
mod servo_fetch;
mod support;
