//! Real CORS middlewares tested against what browsers do, in-process and without sockets:
//! `tests/policy_tower_http.rs` (tower-http's `CorsLayer`), `tests/policy_actix_cors.rs`
//! (actix-cors), `tests/policy_bug_classes.rs` (fourteen servers with known CORS bugs and
//! correct ones) and `examples/test_your_server.rs`, the recipe to copy.
//!
//! The crate has no code of its own: it exists so that tower-http and actix-web are built
//! only for these tests, not for every example and test of the `fetch-cors` library.
