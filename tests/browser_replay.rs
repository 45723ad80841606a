//! Replays the committed browser corpus (`tests/browsers/scenarios/`) through every profile
//! and compares each step with what the real browser did (`tests/browsers/observations/`).
//!
//! - `chromium`, `firefox`, `webkit` are compared with their own engine's recording;
//! - `spec` is compared with the steps on which all three engines agree.
//!
//! A scenario that disagrees must be listed, with a reason, in
//! `tests/browsers/expectations.txt` (`profile<TAB>scenario id<TAB>reason`); a listed one that
//! agrees fails the run too, so the list stays true. Scenarios a recording marked unstable
//! (`observations/unstable-<browser>.txt`) are not compared for that browser.
//!
//! The conformance table in README.md is generated from these numbers: run with
//! `UPDATE_CONFORMANCE=1` to rewrite it. Arguments filter scenario ids by substring.

#[path = "replay/mod.rs"]
mod replay;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use fetch_cors::Profile;
use replay::{Observation, ObservedStep, Scenario, disagreements, predict, read_jsonl};

const BROWSERS: [&str; 3] = ["chromium", "firefox", "webkit"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browsers")
}

struct Corpus {
    scenarios: Vec<Scenario>,
    /// browser → id → observation
    observations: BTreeMap<&'static str, BTreeMap<String, Observation>>,
    unstable: BTreeMap<&'static str, BTreeSet<String>>,
    versions: BTreeMap<&'static str, String>,
}

fn load() -> Result<Corpus, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .map_err(|e| format!("scenarios: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut scenarios = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        scenarios
            .extend(read_jsonl::<Scenario>(&text).map_err(|e| format!("{}: {e}", f.display()))?);
    }
    let mut observations = BTreeMap::new();
    let mut unstable = BTreeMap::new();
    let mut versions = BTreeMap::new();
    for b in BROWSERS {
        let path = root().join(format!("observations/{b}.jsonl"));
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let obs: Vec<Observation> =
            read_jsonl(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(first) = obs.first() {
            versions.insert(b, first.browser_version.clone());
        }
        observations.insert(b, obs.into_iter().map(|o| (o.id.clone(), o)).collect());
        let path = root().join(format!("observations/unstable-{b}.txt"));
        let listed = std::fs::read_to_string(&path).unwrap_or_default();
        unstable.insert(
            b,
            listed
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| l.split_whitespace().next().unwrap_or(l).to_owned())
                .collect(),
        );
    }
    Ok(Corpus {
        scenarios,
        observations,
        unstable,
        versions,
    })
}

/// `(profile, id)` → reason.
fn expectations() -> Result<BTreeMap<(String, String), String>, String> {
    let text = std::fs::read_to_string(root().join("expectations.txt")).unwrap_or_default();
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(3, '\t');
        let (Some(p), Some(id), Some(reason)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!(
                "expectations.txt line {}: want profile<TAB>id<TAB>reason",
                n + 1
            ));
        };
        if reason.trim().is_empty() {
            return Err(format!(
                "expectations.txt line {}: {p} {id} has no reason",
                n + 1
            ));
        }
        if out
            .insert((p.to_owned(), id.to_owned()), reason.to_owned())
            .is_some()
        {
            return Err(format!(
                "expectations.txt line {}: {p} {id} listed twice",
                n + 1
            ));
        }
    }
    Ok(out)
}

/// Whether two recorded steps agree by the comparison rule (used for the Spec consensus).
fn same(a: &ObservedStep, b: &ObservedStep) -> bool {
    fn resp(s: &ObservedStep) -> Option<(Option<String>, u16, BTreeSet<&str>)> {
        s.page.response.as_ref().map(|r| {
            let names: BTreeSet<&str> = r.header_names.iter().map(String::as_str).collect();
            (r.response_type.clone(), r.status, names)
        })
    }
    a.page.outcome == b.page.outcome
        && a.server_requests == b.server_requests
        && (a.page.outcome != "ok" || resp(a) == resp(b))
}

#[derive(Default)]
struct Tally {
    scenarios: usize,
    steps: usize,
    agreeing_steps: usize,
    listed: usize,
    skipped_unstable: usize,
    skipped_no_consensus: usize,
}

fn main() -> ExitCode {
    // A published package leaves the recordings out (Cargo.toml `exclude`); only there is
    // their absence not a failure.
    let packaged = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".cargo_vcs_info.json")
        .exists();
    if packaged && !root().join("observations").is_dir() {
        println!(
            "browser_replay: skipped: this packaged copy has no recordings (tests/browsers/observations/)"
        );
        println!("0 passed, 0 failed, 1 skipped");
        return ExitCode::SUCCESS;
    }
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let corpus = match load() {
        Ok(c) => c,
        Err(e) => {
            println!("browser_replay: cannot load the corpus: {e}");
            return ExitCode::FAILURE;
        }
    };
    let expected = match expectations() {
        Ok(e) => e,
        Err(e) => {
            println!("browser_replay: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failures: Vec<String> = Vec::new();
    let mut seen_listed: BTreeSet<(String, String)> = BTreeSet::new();
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();

    for scenario in &corpus.scenarios {
        if !filter.is_empty() && !filter.iter().any(|f| scenario.id.contains(f.as_str())) {
            continue;
        }
        for profile in Profile::ALL {
            let name = profile.engine.name();
            let tally = tallies.entry(name).or_default();
            // What to compare against: the engine's own recording, or the consensus.
            let observed: Vec<ObservedStep> = if name == "spec" {
                let per: Vec<&Observation> = BROWSERS
                    .iter()
                    .filter_map(|b| corpus.observations[b].get(&scenario.id))
                    .collect();
                if per.len() != 3
                    || BROWSERS
                        .iter()
                        .any(|b| corpus.unstable[b].contains(&scenario.id))
                {
                    tally.skipped_no_consensus += 1;
                    continue;
                }
                let agree = per[0].steps.len() == per[1].steps.len()
                    && per[0].steps.len() == per[2].steps.len()
                    && (0..per[0].steps.len()).all(|i| {
                        same(&per[0].steps[i], &per[1].steps[i])
                            && same(&per[0].steps[i], &per[2].steps[i])
                    });
                if !agree {
                    tally.skipped_no_consensus += 1;
                    continue;
                }
                per[0].steps.clone()
            } else {
                let browser = BROWSERS
                    .iter()
                    .find(|b| **b == name)
                    .copied()
                    .unwrap_or("chromium");
                if corpus.unstable[browser].contains(&scenario.id) {
                    tally.skipped_unstable += 1;
                    continue;
                }
                match corpus.observations[browser].get(&scenario.id) {
                    Some(o) if o.complete => o.steps.clone(),
                    Some(_) => {
                        failures.push(format!(
                            "{name} {}: the recording is incomplete; re-record it",
                            scenario.id
                        ));
                        continue;
                    }
                    None => {
                        failures.push(format!(
                            "{name} {}: no {browser} observation; re-record the corpus",
                            scenario.id
                        ));
                        continue;
                    }
                }
            };
            let prediction = predict(scenario, &profile);
            let mut problems = Vec::new();
            if prediction.steps.len() != observed.len() {
                problems.push(format!(
                    "{} predicted steps, {} observed",
                    prediction.steps.len(),
                    observed.len()
                ));
            }
            for (p, o) in prediction.steps.iter().zip(&observed) {
                tally.steps += 1;
                let d = disagreements(p, o);
                if d.is_empty() {
                    tally.agreeing_steps += 1;
                } else {
                    problems.extend(d.into_iter().map(|d| format!("step {}: {d}", p.step)));
                }
            }
            tally.scenarios += 1;
            let key = (name.to_owned(), scenario.id.clone());
            match (problems.is_empty(), expected.contains_key(&key)) {
                (true, false) => {}
                (false, true) => {
                    tally.listed += 1;
                    seen_listed.insert(key);
                }
                (true, true) => {
                    seen_listed.insert(key.clone());
                    failures.push(format!(
                        "{name} {}: listed in expectations.txt but now agrees; remove the line",
                        scenario.id
                    ));
                }
                (false, false) => failures.push(format!(
                    "{name} {} ({}):\n    {}",
                    scenario.id,
                    scenario.why,
                    problems.join("\n    ")
                )),
            }
        }
    }
    if filter.is_empty() {
        for key in expected.keys() {
            if !seen_listed.contains(key) {
                failures.push(format!(
                    "{} {}: listed in expectations.txt but not compared (unknown id or skipped)",
                    key.0, key.1
                ));
            }
        }
    }

    let mut table = String::from(
        "| profile | compared with | scenarios | steps | steps agreeing | scenarios listed as known differences | not compared |\n|---|---|---|---|---|---|---|\n",
    );
    for profile in Profile::ALL {
        let name = profile.engine.name();
        let t = tallies
            .get(name)
            .map_or_else(Tally::default, |t| Tally { ..*t });
        let against = if name == "spec" {
            "steps where all three engines agree".to_owned()
        } else {
            corpus.versions.get(name).cloned().unwrap_or_default()
        };
        let skipped = if name == "spec" {
            format!("{} (engines disagree)", t.skipped_no_consensus)
        } else {
            format!("{} (unstable recording)", t.skipped_unstable)
        };
        table += &format!(
            "| {name} | {against} | {} | {} | {} | {} | {skipped} |\n",
            t.scenarios, t.steps, t.agreeing_steps, t.listed
        );
    }
    println!("{table}");
    if filter.is_empty() {
        let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let text = std::fs::read_to_string(&readme).unwrap_or_default();
        let (start, end) = (
            "<!-- conformance-table:start -->\n",
            "<!-- conformance-table:end -->",
        );
        if let (Some(a), Some(b)) = (text.find(start), text.find(end)) {
            let current = &text[a + start.len()..b];
            if current != table {
                if std::env::var_os("UPDATE_CONFORMANCE").is_some() {
                    let new = format!("{}{table}{}", &text[..a + start.len()], &text[b..]);
                    if let Err(e) = std::fs::write(&readme, new) {
                        failures.push(format!("cannot write README.md: {e}"));
                    }
                } else {
                    failures.push(
                        "README.md's conformance table is stale: rerun with UPDATE_CONFORMANCE=1"
                            .into(),
                    );
                }
            }
        } else {
            failures.push("README.md has no conformance-table markers".into());
        }
    }

    for f in &failures {
        println!("FAILED {f}\n");
    }
    let compared: usize = tallies.values().map(|t| t.scenarios).sum();
    let listed: usize = tallies.values().map(|t| t.listed).sum();
    let ok = failures.is_empty();
    println!(
        "test result: {}. {} passed; {} failed; {listed} ignored; 0 measured; 0 filtered out",
        if ok { "ok" } else { "FAILED" },
        compared
            .saturating_sub(listed)
            .saturating_sub(failures.len()),
        failures.len()
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
