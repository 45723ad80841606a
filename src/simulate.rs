//! A browser simulator over any server: run a whole fetch (preflight, cache, redirects) against
//! a function from request to response, and see what the page could read.
//!
//! This is the [`CorsFetch`] drive loop packaged for tests: server authors hand in their CORS
//! policy as a [`Server`] (any `FnMut(&http::Request<()>) -> http::Response<()>` is one) and
//! learn what a browser of a given profile would let the page read.
//!
//! ```
//! use fetch_cors::simulate::{simulate, Simulation};
//! use fetch_cors::{Origin, PreflightCache, Profile, Request, Timestamp};
//!
//! // A server that reflects any origin: a browser lets every origin read it.
//! let mut server = |req: &http::Request<()>| {
//!     let origin = req.headers().get("origin").cloned();
//!     let mut resp = http::Response::builder();
//!     if let Some(o) = origin {
//!         resp = resp.header("access-control-allow-origin", o);
//!     }
//!     resp.body(()).unwrap()
//! };
//! let evil = Origin::parse("https://evil.example").unwrap();
//! let (parts, ()) = http::Request::get("https://api.example/me").body(()).unwrap().into_parts();
//! let request = Request::from_parts(&parts, &evil).unwrap();
//! let mut cache = PreflightCache::new(&Profile::CHROMIUM);
//! let sim: Simulation = simulate(&request, &Profile::CHROMIUM, &mut cache, Timestamp::ZERO, &mut server).unwrap();
//! assert!(sim.outcome.is_ok(), "the reflected origin lets evil.example read /me");
//! assert_eq!(sim.sent.len(), 1);
//! ```

use crate::cache::PreflightCache;
use crate::error::RequestError;
use crate::machine::{Action, CorsFetch, Outcome, OutgoingKind};
use crate::profile::Profile;
use crate::request::Request;
use crate::time::Timestamp;

/// A server under test: answers each request a browser sends.
pub trait Server {
    /// The response head for `request`.
    fn respond(&mut self, request: &http::Request<()>) -> http::Response<()>;
}

impl<F> Server for F
where
    F: FnMut(&http::Request<()>) -> http::Response<()>,
{
    fn respond(&mut self, request: &http::Request<()>) -> http::Response<()> {
        self(request)
    }
}

/// One request the simulated browser sent, with the response it got.
#[derive(Debug)]
pub struct Exchange {
    /// Preflight or request.
    pub kind: OutgoingKind,
    /// What went on the wire.
    pub request: http::Request<()>,
    /// Whether the browser would have attached cookies.
    pub include_credentials: bool,
    /// What came back.
    pub response: http::Response<()>,
}

/// The result of a simulated fetch.
#[derive(Debug)]
pub struct Simulation {
    /// What the page sees, or the network error.
    pub outcome: Outcome,
    /// Every exchange, in order.
    pub sent: Vec<Exchange>,
}

/// The most exchanges one simulated fetch may make: a preflight and a request for each of
/// the 21 URLs a fetch may visit.
const MAX_EXCHANGES: usize = 2 * 21;

/// Runs `request` as a browser with `profile` would, against `server`, sharing `cache`
/// across calls. Fails only if the request is one no page could make.
pub fn simulate(
    request: &Request<'_>,
    profile: &Profile,
    cache: &mut PreflightCache,
    now: Timestamp,
    server: &mut impl Server,
) -> Result<Simulation, RequestError> {
    let mut fetch = CorsFetch::new(request, profile)?;
    let mut sent = Vec::new();
    loop {
        match fetch.poll(cache, now) {
            Action::Send(out) => {
                let response = server.respond(&out.request);
                // The machine is fed in order, so this cannot be misuse.
                let _ = fetch.handle_response(&response, cache, now);
                sent.push(Exchange {
                    kind: out.kind,
                    request: out.request,
                    include_credentials: out.include_credentials,
                    response,
                });
                if sent.len() > MAX_EXCHANGES {
                    // Unreachable: the machine stops at 20 redirects.
                    break;
                }
            }
            Action::Wait => break,
            Action::Done(outcome) => return Ok(Simulation { outcome, sent }),
        }
    }
    let outcome =
        fetch
            .outcome()
            .cloned()
            .unwrap_or(Err(crate::error::CorsError::InvalidRequest {
                reason: "the fetch did not finish".into(),
            }));
    Ok(Simulation { outcome, sent })
}
