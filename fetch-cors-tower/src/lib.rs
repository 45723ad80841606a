//! # fetch-cors-tower
//!
//! A [tower](https://docs.rs/tower) layer that turns an HTTP client service (hyper-util's
//! client, or any `tower::Service<http::Request<Full<Bytes>>>` returning `http::Response<_>`)
//! into a client that fetches as a page in a browser would: it is
//! [`fetch_cors::CorsFetch`] driven over the inner service.
//!
//! ```no_run
//! # use fetch_cors_tower::{CorsLayer, fetch_cors::{Origin, Profile}};
//! # use tower::{ServiceBuilder, ServiceExt};
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! # let hyper_client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
//! #     .build_http::<http_body_util::Full<bytes::Bytes>>();
//! let page = Origin::parse("https://app.example")?;
//! let client = ServiceBuilder::new().layer(CorsLayer::new(page, Profile::CHROMIUM)).service(hyper_client);
//! let response = client.oneshot(http::Request::put("https://api.example/x").body(String::from("{}"))?).await?;
//! # Ok(()) }
//! ```
//!
//! (`examples/hyper_client.rs` runs those lines against a local server.)
//!
//! For each call the service:
//!
//! - sends the CORS preflight the browser would send, through the inner service, and keeps
//!   its answer in one [`PreflightCache`](fetch_cors::PreflightCache) that every clone of the
//!   service shares ([`CorsService::cache`]), aging it by a [`Clock`] you can replace;
//! - follows redirects as the profile's engine does (the inner service must not follow them
//!   itself), sending the buffered request body again after a 307 or 308 and dropping it
//!   where the standard does;
//! - adds credentials from a [`CredentialStore`] (by default an in-memory [`CookieJar`]) only
//!   to requests the browser would send them with, and keeps their `Set-Cookie`;
//! - tells the machine about transport failures, so the preflight cache is cleared as a
//!   browser clears it;
//! - resolves to the page's view: the response with only the headers script can read (none,
//!   and an empty body, for an opaque response) and a [`FetchResponse`](fetch_cors::FetchResponse)
//!   extension, or a [`FetchError`] with the [`CorsError`](fetch_cors::CorsError) and the
//!   console message the profile's engine prints.
//!
//! Set [`fetch_cors::Mode`], [`fetch_cors::CredentialsMode`], [`fetch_cors::RedirectMode`] and
//! the other request options as extensions of the request; see [`CorsService`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod body;
mod clock;
mod credentials;
mod error;
mod service;

pub use body::PageBody;
pub use clock::{Clock, SystemClock};
pub use credentials::{CookieJar, CredentialStore, NoCredentials};
pub use error::{Blocked, BoxError, FetchError};
pub use service::{CorsLayer, CorsService, PageUrl, ResponseFuture, SharedCache};

/// The crate this one drives, so users need not name a matching version.
pub use fetch_cors;
