//! Replays conformance scenarios through the engine and prints its predictions.
//!
//! ```sh
//! cargo run --release --example replay -- --profile chromium tests/browsers/scenarios/smoke.jsonl
//! ```
//!
//! Reads a scenario file in the project's scenario format and writes one prediction per
//! scenario (JSON lines) on standard output, in the prediction format. A step the tool cannot
//! express is printed with outcome `unsupported`, never skipped.

#[path = "../tests/replay/mod.rs"]
mod replay;

use std::process::ExitCode;

use fetch_cors::Profile;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut profile = None;
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--profile" => profile = it.next().and_then(|p| Profile::by_name(p)),
            "-h" | "--help" => {
                eprintln!(
                    "usage: replay --profile <spec|chromium|firefox|webkit> <scenarios.jsonl>..."
                );
                return ExitCode::SUCCESS;
            }
            file => files.push(file.to_owned()),
        }
    }
    let Some(profile) = profile else {
        eprintln!("replay: --profile must be one of spec, chromium, firefox, webkit");
        return ExitCode::from(2);
    };
    if files.is_empty() {
        eprintln!("replay: give at least one scenario file");
        return ExitCode::from(2);
    }
    for file in files {
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("replay: {file}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let scenarios: Vec<replay::Scenario> = match replay::read_jsonl(&text) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("replay: {file}: {e}");
                return ExitCode::FAILURE;
            }
        };
        for scenario in &scenarios {
            let prediction = replay::predict(scenario, &profile);
            match serde_json::to_string(&prediction) {
                Ok(line) => println!("{line}"),
                Err(e) => {
                    eprintln!("replay: {}: {e}", scenario.id);
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    ExitCode::SUCCESS
}
