//! The library's module graph runs one way: no circle, and no import from a module of a lower
//! layer to one of a higher layer. The layers are the ones the crate docs (`src/lib.rs`,
//! "Layout") describe; a module missing from the list fails the test, so the list stays true.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Layers from the bottom up. A module may use modules of its own layer or below.
const LAYERS: &[&[&str]] = &[
    &["error", "method", "origin", "time", "response"],
    &["request"],
    &["profile"],
    &["header"],
    &[
        "main_fetch",
        "cors_check",
        "filtered_response",
        "cors_preflight_fetch",
        "http_redirect_fetch",
        "network",
        "corp",
        "scheme_fetch",
        "initiator",
    ],
    &["cache"],
    &["http_fetch"],
    &["machine", "diagnostics"],
    &["simulate"],
    &["policy"],
    &["lint", "strategies"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The crate-internal modules each top-level module refers to (`crate::x` anywhere outside
/// comments and its unit tests).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![Path::new("src").to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix("src").expect("under src");
            let top = rel
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
                .expect("a name")
                .trim_end_matches(".rs")
                .to_owned();
            if top == "lib" || top == "bin" {
                continue;
            }
            let text = fs::read_to_string(&path).expect("readable");
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
            let deps = graph.entry(top.clone()).or_default();
            for line in code.lines() {
                let line = line.split("//").next().unwrap_or("");
                let mut rest = line;
                while let Some(at) = rest.find("crate::") {
                    rest = &rest[at + "crate::".len()..];
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != top {
                        deps.insert(name);
                    }
                }
            }
        }
    }
    graph
}

#[test]
fn modules_depend_one_way() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (module, deps) in &graph {
        let Some(own) = layer_of(module) else {
            wrong.push(format!("{module} is in no layer of LAYERS"));
            continue;
        };
        for dep in deps {
            match layer_of(dep) {
                Some(l) if l <= own => {}
                Some(l) => wrong.push(format!(
                    "{module} (layer {own}) uses {dep} (layer {l}), an arrow running back up"
                )),
                None => wrong.push(format!("{module} uses {dep}, which is in no layer")),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_import_circles() {
    let graph = graph();
    fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_owned()];
        while let Some(m) = todo.pop() {
            for d in graph.get(&m).into_iter().flatten() {
                if d == to {
                    return true;
                }
                if seen.insert(d.clone()) {
                    todo.push(d.clone());
                }
            }
        }
        false
    }
    let circles: Vec<&String> = graph.keys().filter(|m| reaches(&graph, m, m)).collect();
    assert!(circles.is_empty(), "modules on a circle: {circles:?}");
}
