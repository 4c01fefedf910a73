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
    &["priors-ingest", "priors-retrieval", "priors-compare"],
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

/// The module path of a file of `src/` (`lung/extract/mod.rs` → `["lung", "extract"]`; the
/// crate root → `[]`).
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// Paths named after `prefix` (`crate::`, `super::`, or a `use ` statement) in `code`, split
/// at `::`. A prefix preceded by an identifier character (`priors_crate::`, `$crate::`) is not
/// one.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices(prefix) {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &code[i + prefix.len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let parts: Vec<String> = path
            .split("::")
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect();
        if !parts.is_empty() {
            out.push(parts);
        }
    }
    out
}

/// Code without comments and without the `#[cfg(test)]` module (tests may reach anywhere).
fn code_of(text: &str) -> String {
    let text = text
        .find("#[cfg(test)]\nmod tests")
        .map_or(text, |i| &text[..i]);
    text.lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module graph of one crate: each module (file) to the modules its code names through
/// `crate::…`, `super::…` or `use child::…`.
fn module_graph(src: &Path) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let files: BTreeMap<Vec<String>, PathBuf> = rust_files(src)
        .into_iter()
        .map(|f| (module_path(src, &f), f))
        .collect();
    // The longest prefix of `path` that is a module of this crate.
    let resolve = |path: &[String]| -> Option<Vec<String>> {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| files.contains_key(p))
    };
    let mut graph = BTreeMap::new();
    for (module, file) in &files {
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        let mut targets = BTreeSet::new();
        for p in paths_after(&code, "crate::") {
            targets.extend(resolve(&p).filter(|r| !r.is_empty()));
        }
        let parent = &module[..module.len().saturating_sub(1)];
        for p in paths_after(&code, "super::") {
            let full: Vec<String> = parent.iter().cloned().chain(p).collect();
            targets.extend(resolve(&full));
        }
        for p in paths_after(&code, "use ") {
            let full: Vec<String> = module.iter().cloned().chain(p).collect();
            if full.len() > module.len() && files.contains_key(&full[..module.len() + 1]) {
                targets.extend(resolve(&full));
            }
        }
        targets.remove(module);
        graph.insert(module.clone(), targets);
    }
    graph
}

/// A cycle in `graph`, if there is one.
fn find_cycle<N: Ord + Clone>(graph: &BTreeMap<N, BTreeSet<N>>) -> Option<Vec<N>> {
    fn visit<N: Ord + Clone>(
        n: &N,
        graph: &BTreeMap<N, BTreeSet<N>>,
        state: &mut BTreeMap<N, u8>,
        path: &mut Vec<N>,
    ) -> Option<Vec<N>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let start = path.iter().position(|p| p == n).unwrap();
                let mut cycle = path[start..].to_vec();
                cycle.push(n.clone());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(n.clone(), 1);
        path.push(n.clone());
        for m in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, graph, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(n.clone(), 2);
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
fn no_import_circle_between_the_modules_of_a_crate() {
    let mut circles = Vec::new();
    for (name, dir) in members() {
        if let Some(c) = find_cycle(&module_graph(&dir.join("src"))) {
            let names: Vec<String> = c
                .iter()
                .map(|m| {
                    if m.is_empty() {
                        "crate".into()
                    } else {
                        m.join("::")
                    }
                })
                .collect();
            circles.push(format!("{name}: {}", names.join(" → ")));
        }
    }
    assert!(circles.is_empty(), "import circles: {circles:#?}");
}

#[test]
fn the_cycle_finder_and_the_path_reader_work() {
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
    let paths = paths_after(
        "use crate::lung::{x}; use priors_crate::y; crate::common::z()",
        "crate::",
    );
    assert_eq!(
        paths,
        vec![vec!["lung".to_string()], vec!["common".into(), "z".into()]]
    );
    assert_eq!(
        code_of("a // crate::x\n#[cfg(test)]\nmod tests { crate::y }"),
        "a "
    );
    // A crate whose parent module and child name each other is a circle; one way is not.
    let tmp = std::env::temp_dir().join(format!("priors-arch-{}", std::process::id()));
    let src = tmp.join("src");
    std::fs::create_dir_all(src.join("render")).unwrap();
    std::fs::write(src.join("lib.rs"), "mod render;\nmod model;\n").unwrap();
    std::fs::write(src.join("model.rs"), "pub struct M;\n").unwrap();
    std::fs::write(
        src.join("render/mod.rs"),
        "mod findings;\nuse findings::f;\nuse crate::model::M;\npub struct Exam;\n",
    )
    .unwrap();
    std::fs::write(src.join("render/findings.rs"), "use super::Exam;\n").unwrap();
    let graph = module_graph(&src);
    let circle = find_cycle(&graph).expect("render ↔ render::findings");
    assert!(circle.contains(&vec!["render".to_string(), "findings".to_string()]));
    std::fs::write(src.join("render/findings.rs"), "use crate::model::M;\n").unwrap();
    assert_eq!(find_cycle(&module_graph(&src)), None);
    std::fs::remove_dir_all(&tmp).unwrap();
}

#[test]
fn no_source_file_is_over_the_size_limit() {
    let mut big = Vec::new();
    for (_, dir) in members() {
        for file in rust_files(&dir.join("src")) {
            let text = std::fs::read_to_string(&file).unwrap();
            let lines = code_of(&text).lines().count();
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
            let code = code_of(&text);
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
