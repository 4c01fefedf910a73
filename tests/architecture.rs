//! The shape of the workspace, checked: dependencies between crates flow one way (down the
//! layers of ARCHITECTURE.md), no import circle between the top-level modules of a crate, and
//! no source file over the size limit.
//!
//! Reads each crate's `Cargo.toml` and sources as text; nothing is built.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The layers of ARCHITECTURE.md, bottom first. A crate may depend only on crates of a lower
/// layer (dev-dependencies: not on a higher one).
const LAYERS: &[&[&str]] = &[
    &["priors-core"],
    &[
        "priors-parse",
        "priors-embed",
        "priors-store",
        "priors-evaluate",
        "priors-synth",
        "priors-staging",
        "priors-proto",
    ],
    &["priors-ingest", "priors-retrieval"],
    &["priors-generation"],
    &["priors-app"],
    &["priors-server"],
    &["priors-cli", "priors-bench"],
];

/// Longest source file allowed outside tests and generated code, in lines.
const MAX_FILE_LINES: usize = 1200;

fn layer_of(name: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&name))
}

/// `(crate name, crate dir)` of every workspace member.
fn members() -> Vec<(String, PathBuf)> {
    let ws: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join("Cargo.toml")).unwrap()).unwrap();
    ws["workspace"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let dir = root().join(m.as_str().unwrap());
            let manifest: toml::Value =
                toml::from_str(&std::fs::read_to_string(dir.join("Cargo.toml")).unwrap()).unwrap();
            (
                manifest["package"]["name"].as_str().unwrap().to_string(),
                dir,
            )
        })
        .collect()
}

/// The workspace crates a manifest names in `section`.
fn priors_deps(dir: &Path, section: &str) -> Vec<String> {
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(dir.join("Cargo.toml")).unwrap()).unwrap();
    manifest
        .get(section)
        .and_then(|t| t.as_table())
        .map(|t| {
            t.keys()
                .filter(|k| k.starts_with("priors-"))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_crate_has_a_layer_and_dependencies_flow_down() {
    let mut wrong = Vec::new();
    for (name, dir) in members() {
        let own = layer_of(&name).unwrap_or_else(|| panic!("{name} is in no layer"));
        for dep in priors_deps(&dir, "dependencies") {
            let l = layer_of(&dep).unwrap_or_else(|| panic!("{dep} is in no layer"));
            if l >= own {
                wrong.push(format!("{name} (layer {own}) → {dep} (layer {l})"));
            }
        }
        for dep in priors_deps(&dir, "dev-dependencies") {
            let l = layer_of(&dep).unwrap_or_else(|| panic!("{dep} is in no layer"));
            if l > own {
                wrong.push(format!("{name} (layer {own}) → {dep} (layer {l}, dev)"));
            }
        }
    }
    assert!(wrong.is_empty(), "arrows running back up: {wrong:#?}");
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The top-level module a file of `src/` belongs to (`lung/rules.rs` → `lung`), `None` for
/// the crate root.
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel
        .components()
        .next()?
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    let name = first.trim_end_matches(".rs").to_string();
    (!matches!(name.as_str(), "lib" | "main")).then_some(name)
}

/// The top-level modules that `text` names through `crate::module`.
fn crate_refs(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let before = text[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue; // `priors_crate::`, `$crate::`
        }
        let rest = &text[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

/// The text of a file up to its `#[cfg(test)]` module (tests may reach anywhere).
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |i| &text[..i])
}

/// A cycle in `graph`, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let start = path.iter().position(|p| p == n).unwrap();
                let mut cycle = path[start..].to_vec();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, graph, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if let Some(c) = visit(n, graph, &mut state, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_import_circle_between_the_top_level_modules_of_a_crate() {
    let mut circles = Vec::new();
    for (name, dir) in members() {
        let src = dir.join("src");
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in rust_files(&src) {
            let Some(module) = top_module(&src, &file) else {
                continue;
            };
            let text = std::fs::read_to_string(&file).unwrap();
            let refs = crate_refs(without_tests(&text));
            let entry = graph.entry(module.clone()).or_default();
            entry.extend(refs.into_iter().filter(|r| *r != module));
        }
        let modules: BTreeSet<String> = graph.keys().cloned().collect();
        for targets in graph.values_mut() {
            targets.retain(|t| modules.contains(t));
        }
        if let Some(c) = find_cycle(&graph) {
            circles.push(format!("{name}: {}", c.join(" → ")));
        }
    }
    assert!(circles.is_empty(), "import circles: {circles:#?}");
}

#[test]
fn the_cycle_finder_finds_a_cycle_and_accepts_a_tree() {
    let g = |edges: &[(&str, &str)]| {
        let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            m.entry(a.to_string()).or_default().insert(b.to_string());
            m.entry(b.to_string()).or_default();
        }
        m
    };
    assert_eq!(find_cycle(&g(&[("a", "b"), ("b", "c"), ("a", "c")])), None);
    let c = find_cycle(&g(&[("a", "b"), ("b", "c"), ("c", "a")])).unwrap();
    assert_eq!(c.first(), c.last());
    assert_eq!(c.len(), 4);
    assert_eq!(
        crate_refs("use crate::lung::{x}; use priors_crate::y; crate::common::z()"),
        ["common", "lung"].into_iter().map(String::from).collect()
    );
}

#[test]
fn no_source_file_is_over_the_size_limit() {
    let mut big = Vec::new();
    for (_, dir) in members() {
        for file in rust_files(&dir.join("src")) {
            let text = std::fs::read_to_string(&file).unwrap();
            let lines = without_tests(&text).lines().count();
            if lines > MAX_FILE_LINES {
                big.push(format!("{} ({lines} lines)", file.display()));
            }
        }
    }
    assert!(
        big.is_empty(),
        "files over {MAX_FILE_LINES} lines: {big:#?}"
    );
}

#[test]
fn the_object_graph_is_built_only_in_the_application_layer() {
    // Who may construct the engines: `priors-app` for the product; the store and retrieval
    // crates for their own tests; the synthetic benchmarks open scratch stores via the app.
    let mut outside = Vec::new();
    for (name, dir) in members() {
        if name == "priors-app" {
            continue;
        }
        for file in rust_files(&dir.join("src")) {
            let text = std::fs::read_to_string(&file).unwrap();
            let code = without_tests(&text);
            for needle in [
                "FastEmbedder::load(",
                "Retriever::new(",
                "Generator::new(",
                "open_collection(",
            ] {
                if code.contains(needle) && !is_definition(&name, needle) {
                    outside.push(format!("{}: {needle}", file.display()));
                }
            }
        }
    }
    assert!(
        outside.is_empty(),
        "object graph built outside priors-app: {outside:#?}"
    );
}

/// The crate that defines a constructor may name it.
fn is_definition(krate: &str, needle: &str) -> bool {
    matches!(
        (krate, needle),
        ("priors-embed", "FastEmbedder::load(")
            | ("priors-retrieval", "Retriever::new(")
            | ("priors-generation", "Generator::new(")
            | ("priors-store", "open_collection(")
    )
}
