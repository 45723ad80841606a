//! `cors_explain::message::recognize` on every console line real browsers printed.
//!
//! The recordings are the library's: `tests/browsers/console/{chromium,firefox,webkit}.jsonl`
//! (see the README there), one entry per scenario with the lines the browser logged. Each
//! entry's message is pasted three ways: as the browser printed it (lines joined by line
//! breaks), on one line, and each line alone. A paste is recognized when the engine is
//! right and a reading, rebuilt from the values read from the paste, renders in that engine
//! to exactly the pasted text: the reading names a `CorsError` that produces this message.
//!
//! The right variant: each scenario (`scenarios.jsonl`) is also run through the library with
//! the browser's profile (the conformance replay of `tests/replay/`), and the `Display` text
//! of the error it fails with is itself recognized (as engine `spec`); that variant, and its
//! stage, must be one of the paste's readings.

// The module allows its own dead code.
#[path = "../../tests/replay/mod.rs"]
mod replay;

use std::path::Path;

use std::collections::BTreeMap;

use cors_explain::message::{Recognized, recognize};
use fetch_cors::Profile;

/// Entries not recognized, with why: `(browser, scenario id, why)`. Checked to still fail.
const EXCEPTIONS: &[(&str, &str, &str)] = &[
    (
        "firefox",
        "console-preflight-redirect",
        "Firefox logs three lines: the external-redirect reason, a mismatch naming the redirect's \
     Access-Control-Allow-Origin, then 'did not succeed'; the second and third lines are a \
     whole AllowOriginMismatch message, which explains more of the paste than the \
     PreflightDisallowedRedirect template (the error keeps no ACAO value to render the \
     middle line); the tool names PreflightDisallowedRedirect under 'also in the paste'",
    ),
    (
        "firefox",
        "console-init-font-acao-missing",
        "Firefox's font loader adds 'downloadable font: download failed (font-family: ...)'; \
         the templates carry no font family, so the CORS line is read but the paste does not \
         render back whole",
    ),
    (
        "firefox",
        "console-init-font-acao-mismatch",
        "as console-init-font-acao-missing",
    ),
];

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/browsers/console")
}

/// The message text of one recorded line, without the engine's log prefix (as in the
/// library's `tests/console_messages.rs`).
fn message_text(browser: &str, line: &str) -> String {
    match browser {
        "chromium" => {
            let rest = line
                .split_once("] \"")
                .map(|(_, r)| r)
                .expect("Chromium line");
            let end = rest.rfind("\", source: ").expect("Chromium source");
            rest[..end].to_owned()
        }
        "firefox" => {
            let json = line.splitn(4, ' ').nth(3).expect("BiDi line");
            serde_json::from_str::<String>(json).expect("BiDi JSON string")
        }
        _ => line.splitn(4, ' ').nth(3).unwrap_or_default().to_owned(),
    }
}

fn normalize(s: &str) -> String {
    s.replace(['\u{2018}', '\u{2019}'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `text`, pasted, is recognized as `browser`'s and a reading renders back to it.
fn round_trips(browser: &str, text: &str) -> Result<String, String> {
    let r = recognize(text).map_err(|e| e.to_string())?;
    if r.engine != browser {
        return Err(format!("read as {}'s {}", r.engine, r.error));
    }
    let want = normalize(text);
    match r
        .readings
        .iter()
        .find(|reading| normalize(&reading.messages[browser]) == want)
    {
        Some(reading) => Ok(reading.error.clone()),
        None => Err(format!(
            "read as {} but renders back as {:?}",
            r.error, r.readings[0].messages[browser]
        )),
    }
}

/// The error the library predicts for each scenario under `profile`, as its `Display` text.
fn predicted(profile: &Profile) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(dir().join("scenarios.jsonl")).expect("scenarios");
    let scenarios: Vec<replay::Scenario> = replay::read_jsonl(&text).expect("scenario file");
    scenarios
        .iter()
        .filter_map(|s| {
            let p = replay::predict(s, profile);
            let e = p.steps.first()?.error.clone()?;
            Some((s.id.clone(), e))
        })
        .collect()
}

/// Whether a reading of `r` is the variant (and stage) `display` is the `Display` of.
fn right_variant(r: &Recognized, display: &str) -> Result<bool, String> {
    let want = recognize(display).map_err(|e| format!("{display:?}: {e}"))?;
    if want.engine != "spec" {
        return Err(format!("{display:?} read as {}'s", want.engine));
    }
    let stage = want.readings[0].stages.first().copied();
    let pos = r.readings.iter().position(|reading| {
        reading.error == want.error && stage.is_none_or(|s| reading.stages.contains(&s))
    });
    match pos {
        Some(i) => Ok(i == 0),
        None => Err(format!(
            "the library fails with {} ({stage:?}), the paste is read as {:?}",
            want.error,
            r.readings
                .iter()
                .map(|x| format!("{} {:?}", x.error, x.stages))
                .collect::<Vec<_>>()
        )),
    }
}

#[test]
fn every_recorded_console_message_is_recognized() {
    let mut variants = (0, 0, 0);
    let mut total = 0;
    let mut recognized = 0;
    let mut single_lines = (0, 0);
    let mut failures = Vec::new();
    let mut excepted = Vec::new();
    for browser in ["chromium", "firefox", "webkit"] {
        let expected = predicted(&Profile::by_name(browser).expect("profile"));
        let text = std::fs::read_to_string(dir().join(format!("{browser}.jsonl"))).expect("jsonl");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let entry: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            let id = entry["id"].as_str().expect("id").to_owned();
            let lines: Vec<String> = entry["lines"]
                .as_array()
                .expect("lines")
                .iter()
                .map(|l| message_text(browser, l.as_str().expect("line")))
                .collect();
            if lines.is_empty() {
                continue;
            }
            total += 1;
            let pasted = lines.join("\n");
            let exception = EXCEPTIONS.iter().any(|(b, i, _)| *b == browser && *i == id);
            let whole = round_trips(browser, &pasted);
            if let (Some(display), Ok(r)) = (expected.get(&id), recognize(&pasted)) {
                variants.0 += 1;
                match right_variant(&r, display) {
                    Ok(first) => {
                        variants.1 += 1;
                        variants.2 += usize::from(first);
                        if !first {
                            println!(
                                "not the first reading: {browser} {id} (read first as {})",
                                r.error
                            );
                        }
                    }
                    Err(e) if exception => excepted.push(format!("{browser} {id}: {e}")),
                    Err(e) => failures.push(format!("{browser} {id}: {e}")),
                }
            }
            let one_line = round_trips(browser, &pasted.replace('\n', " "));
            match (&whole, &one_line) {
                (Ok(a), Ok(b)) if a == b => {
                    recognized += 1;
                    if exception {
                        failures.push(format!(
                            "{browser} {id}: listed in EXCEPTIONS but recognized"
                        ));
                    }
                }
                _ if exception => excepted.push(format!("{browser} {id}: {whole:?}")),
                _ => failures.push(format!(
                    "{browser} {id}: as printed {whole:?}, on one line {one_line:?}\n    {pasted}"
                )),
            }
            // Each line alone is at least read as this engine's message.
            if lines.len() > 1 {
                for l in &lines {
                    single_lines.0 += 1;
                    match recognize(l) {
                        Ok(r) if r.engine == browser => single_lines.1 += 1,
                        Ok(r) => failures.push(format!(
                            "{browser} {id}: the line {l:?} alone is read as {}'s",
                            r.engine
                        )),
                        // Firefox's "did not succeed" line alone is too common to refuse;
                        // any line alone must be recognized.
                        Err(e) if exception => {
                            excepted.push(format!("{browser} {id}: the line {l:?} alone: {e}"))
                        }
                        Err(e) => {
                            failures.push(format!("{browser} {id}: the line {l:?} alone: {e}"))
                        }
                    }
                }
            }
        }
    }
    println!("recognized {recognized} of {total} recorded console messages");
    println!(
        "single lines of multi-line messages read as the right engine: {} of {}",
        single_lines.1, single_lines.0
    );
    println!(
        "the library's error among the readings: {} of {} ({} as the first reading)",
        variants.1, variants.0, variants.2
    );
    for e in &excepted {
        println!("exception: {e}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(recognized + EXCEPTIONS.len(), total);
    assert!(variants.0 >= 100, "only {} predicted failures", variants.0);
    assert!(total >= 100, "only {total} recorded messages found");
}
