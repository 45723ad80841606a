//! Writes a synthetic HAR of preflighted fetches to distinct URLs (the scaling bench's
//! input) to standard output, for measuring the whole tool: either a count of fetches or a
//! size (`50MB`).
//!
//! ```text
//! cargo run --release -p cors-explain --example synthetic_har -- 50MB > big.har
//! /usr/bin/time -v target/release/cors-explain big.har --json > /dev/null
//! ```

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_else(|| "1000".to_owned());
    let text = match arg.strip_suffix("MB") {
        Some(mb) => {
            let bytes: usize = mb.parse::<usize>().expect("a size such as 50MB") << 20;
            let per_fetch = synthetic::har(100).len() / 100;
            synthetic::har(bytes / per_fetch)
        }
        None => synthetic::har(
            arg.parse()
                .expect("a count of fetches or a size such as 50MB"),
        ),
    };
    print!("{text}");
}
