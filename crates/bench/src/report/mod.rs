//! `priors-bench report`: writes BENCHMARKS.md from the figures the benchmark steps printed.
//!
//! `scripts/bench.sh` runs the steps (`priors-bench ingest|staging|compare|grpc|search|stream|peer`, `priors eval
//! beir|cases`) and keeps what each printed, as JSON, in one directory: the file names are
//! the constants of this module. Then it calls `priors-bench report --input DIR` with the
//! context only the shell knows, as flags ([`RunContext`]): the machine (`/proc/cpuinfo`,
//! `nproc`, `free`), the commit, the time, the load averages it took around each step and how
//! long the search step took.
//!
//! Each section of BENCHMARKS.md is one module that reads its files into typed structs (the
//! harness's own measured structs, or small mirrors of `priors_app::eval`'s for the `priors
//! eval` output) and renders them with the section's prose. Without `--only` the whole file is
//! written, sections in the order of [`Section::ALL`]; with `--only SECTION` only that
//! section is rendered and replaces its namesake in the file in place, or is appended, the
//! rest of the file kept as it is ([`replace`]; what `BENCH_ONLY` runs use).
//!
//! The Markdown is byte for byte what the Python of `scripts/bench.sh` wrote before this
//! module replaced it (`tests/report.rs` checks it against golden files made by that Python):
//! numbers are formatted as Python's `format` and `repr` did ([`py_float`]).

mod cases;
mod compare;
mod grpc;
mod ingest;
mod replace;
mod scifact;
mod search;
mod staging;
mod stream;

use anyhow::{Context as _, Result};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// `priors-bench ingest` output.
const INGEST_JSON: &str = "ingest.json";
/// `priors eval beir --mode bm25 --mode dense --mode hybrid --json` output (one line a mode).
const SCIFACT_JSONL: &str = "scifact.jsonl";
/// The same with the int8 model (dense and hybrid).
const SCIFACT_INT8_JSONL: &str = "scifact-int8.jsonl";
/// `priors-bench peer` output (optional: without it the SciFact section has no comparison
/// with the peer).
const PEER_JSON: &str = "peer.json";
/// `priors eval cases --json` output.
const CASES_JSON: &str = "cases.json";
/// `priors-bench staging --json` output.
const STAGING_JSON: &str = "staging.json";
/// The same over the external vignettes (optional: without it the section has our own set only).
const STAGING_EXTERNAL_JSON: &str = "staging-external.json";
/// `priors-bench search --json` output.
const SEARCH_JSON: &str = "search.json";
/// `priors-bench grpc` output.
const GRPC_JSON: &str = "grpc.json";
/// `priors-bench compare` output.
const COMPARE_JSON: &str = "compare.json";
/// `priors-bench stream` output (optional in a whole-document run: the section is left out
/// when the step did not run).
const STREAM_JSON: &str = "stream.json";

/// A `## ` section of BENCHMARKS.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Section {
    /// Ingest throughput vs bare embedding (`ingest.json`).
    Ingest,
    /// SciFact, fp32 and int8 (`scifact.jsonl`, `scifact-int8.jsonl`; `peer.json` when the
    /// peer ran).
    Scifact,
    /// Synthetic similar cases (`cases.json`).
    Cases,
    /// Staging vignettes (`staging.json`).
    Staging,
    /// Comparison with the patient's prior (`compare.json`).
    Compare,
    /// Search latency (`search.json`).
    Search,
    /// gRPC latency (`grpc.json`).
    Grpc,
    /// Server memory over one streaming ingest (`stream.json`).
    Stream,
}

impl Section {
    /// Every section, in the order of the document.
    pub(crate) const ALL: [Section; 8] = [
        Section::Ingest,
        Section::Scifact,
        Section::Cases,
        Section::Staging,
        Section::Compare,
        Section::Search,
        Section::Grpc,
        Section::Stream,
    ];

    /// The title after `## `, which `--only` looks for.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Section::Ingest => "Ingest throughput vs bare embedding",
            Section::Scifact => "Retrieval quality: SciFact (BEIR, real public data)",
            Section::Cases => "Retrieval quality: synthetic similar cases",
            Section::Staging => "Staging vignettes",
            Section::Compare => "Patient priors: comparison and response",
            Section::Search => "Search latency",
            Section::Grpc => "gRPC latency",
            Section::Stream => "Streaming ingestion: server memory over one stream",
        }
    }

    /// The section's Markdown from the files of `dir` (ends with a newline).
    fn render(self, dir: &Path, run: &RunContext) -> Result<String> {
        match self {
            Section::Ingest => ingest::render(&read_json(dir, INGEST_JSON)?, run),
            Section::Scifact => {
                let peer: Option<crate::peer::PeerBench> = if dir.join(PEER_JSON).exists() {
                    Some(read_json(dir, PEER_JSON)?)
                } else {
                    None
                };
                scifact::render(
                    &read_jsonl(dir, SCIFACT_JSONL)?,
                    &read_jsonl(dir, SCIFACT_INT8_JSONL)?,
                    peer.as_ref(),
                    run,
                )
            }
            Section::Cases => cases::render(&read_json(dir, CASES_JSON)?, run),
            Section::Staging => {
                let external: Option<priors_staging::VignetteReport> =
                    if dir.join(STAGING_EXTERNAL_JSON).exists() {
                        Some(read_json(dir, STAGING_EXTERNAL_JSON)?)
                    } else {
                        None
                    };
                Ok(staging::render(
                    &read_json(dir, STAGING_JSON)?,
                    external.as_ref(),
                ))
            }
            Section::Compare => compare::render(&read_json(dir, COMPARE_JSON)?, run),
            Section::Search => search::render(&read_json(dir, SEARCH_JSON)?, run),
            Section::Grpc => grpc::render(&read_json(dir, GRPC_JSON)?, run),
            Section::Stream => stream::render(&read_json(dir, STREAM_JSON)?, run),
        }
    }
}

/// Arguments of `priors-bench report`.
#[derive(Debug, clap::Args)]
pub(crate) struct ReportArgs {
    /// Directory of the steps' output (`ingest.json`, `scifact.jsonl`, `scifact-int8.jsonl`,
    /// `cases.json`, `staging.json`, `compare.json`, `search.json`, `grpc.json`; optional
    /// `peer.json` and `stream.json`; with `--only`, that section's files only).
    #[arg(long, value_name = "DIR")]
    input: PathBuf,
    /// Render only this section and replace it in place in `--out` (appended when absent);
    /// the rest of the file is kept.
    #[arg(long, value_enum, value_name = "SECTION")]
    only: Option<Section>,
    /// The Markdown file written.
    #[arg(long, value_name = "FILE", default_value = "BENCHMARKS.md")]
    out: PathBuf,
    #[command(flatten)]
    run: RunContext,
}

/// What the prose says about the run and only the shell knows; each section needs some of it
/// (an error names a missing flag). Taken verbatim: bench.sh formats the values.
#[derive(Debug, Default, Clone, clap::Args)]
pub(crate) struct RunContext {
    /// CPU model name (bench.sh: the first `model name` of /proc/cpuinfo).
    #[arg(long)]
    pub(crate) machine: Option<String>,
    /// Number of cores (bench.sh: `nproc`).
    #[arg(long)]
    pub(crate) cores: Option<String>,
    /// Memory, e.g. `23 GiB` (bench.sh: `free -g`).
    #[arg(long)]
    pub(crate) memory: Option<String>,
    /// Commit measured (bench.sh: `git rev-parse --short HEAD`).
    #[arg(long)]
    pub(crate) commit: Option<String>,
    /// Time of the run, e.g. `2026-11-25T17:01Z`.
    #[arg(long)]
    pub(crate) time: Option<String>,
    /// The labelled corpus the steps used.
    #[arg(long)]
    pub(crate) corpus: Option<String>,
    /// The SciFact directory.
    #[arg(long)]
    pub(crate) scifact: Option<String>,
    /// Free text appended to the search section's first paragraph (BENCH_NOTE).
    #[arg(long, default_value = "")]
    pub(crate) note: String,
    /// Load average (`/proc/loadavg`, first three fields) before the ingest step.
    #[arg(long)]
    pub(crate) ingest_load_before: Option<String>,
    /// Load average after the ingest step.
    #[arg(long)]
    pub(crate) ingest_load_after: Option<String>,
    /// Load average before the gRPC step.
    #[arg(long)]
    pub(crate) grpc_load_before: Option<String>,
    /// Load average after the gRPC step.
    #[arg(long)]
    pub(crate) grpc_load_after: Option<String>,
    /// Load average before the search step.
    #[arg(long)]
    pub(crate) search_load_before: Option<String>,
    /// Load average after the search step.
    #[arg(long)]
    pub(crate) search_load_after: Option<String>,
    /// Wall-clock seconds of the search step.
    #[arg(long, value_name = "SECONDS")]
    pub(crate) search_seconds: Option<u64>,
}

/// The value of a context flag a section needs.
fn need<'a>(value: &'a Option<String>, flag: &str) -> Result<&'a str> {
    value
        .as_deref()
        .with_context(|| format!("the report needs --{flag}"))
}

/// Write the report (`--only`: one section in place).
pub(crate) fn run(args: &ReportArgs) -> Result<()> {
    let out = &args.out;
    match args.only {
        Some(section) => {
            let text = section.render(&args.input, &args.run)?;
            let old = match std::fs::read_to_string(out) {
                Ok(old) => old,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => "# Benchmarks\n".into(),
                Err(e) => return Err(e).with_context(|| format!("reading {}", out.display())),
            };
            let new = replace::replace_section(&old, section.title(), &text);
            write(out, &new)?;
            eprintln!(
                "updated the '{}' section of {}",
                section.title(),
                out.display()
            );
        }
        None => {
            write(out, &document(&args.input, &args.run)?)?;
            eprintln!("wrote {}", out.display());
        }
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// The whole of BENCHMARKS.md: the header, then every section.
fn document(dir: &Path, run: &RunContext) -> Result<String> {
    let machine = need(&run.machine, "machine")?;
    let cores = need(&run.cores, "cores")?;
    let memory = need(&run.memory, "memory")?;
    let commit = need(&run.commit, "commit")?;
    let time = need(&run.time, "time")?;
    let mut doc = format!(
        r#"# Benchmarks

Made by `make bench` (`scripts/bench.sh`); every figure below comes from that command.
Machine: {machine}, {cores} cores, {memory}; commit `{commit}`; {time}.
The machines are shared and noisy: compare figures measured in the same run (the ratios),
not across runs.
"#
    );
    for section in Section::ALL {
        if section == Section::Stream && !dir.join(STREAM_JSON).exists() {
            continue;
        }
        let text = section
            .render(dir, run)
            .with_context(|| format!("the section '{}'", section.title()))?;
        doc.push('\n');
        doc.push_str(text.trim());
        doc.push('\n');
    }
    Ok(doc)
}

/// Read `dir/name` as one JSON value.
fn read_json<T: DeserializeOwned>(dir: &Path, name: &str) -> Result<T> {
    let path = dir.join(name);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Read `dir/name` as JSON lines (blank lines skipped).
fn read_jsonl<T: DeserializeOwned>(dir: &Path, name: &str) -> Result<Vec<T>> {
    let path = dir.join(name);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("parsing {} line {}", path.display(), i + 1))
        })
        .collect()
}

/// A float as Python's `repr` (and `str`, and an f-string without a format) writes it: the
/// shortest digits that read back as the same value, `.0` on whole numbers, exponents as
/// `1e-05` / `1e+16`. Rust's `{:?}` gives the same digits and switches to an exponent at the
/// same magnitudes (below 1e-4, from 1e16), only writing the exponent as `1e-5` / `1e16`.
fn py_float(x: impl std::fmt::Debug) -> String {
    let s = format!("{x:?}");
    match s.split_once('e') {
        Some((mantissa, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_python_repr() {
        // Expected values from python3: repr(x).
        assert_eq!(py_float(0.05_f64), "0.05");
        assert_eq!(py_float(0.01_f32), "0.01");
        assert_eq!(py_float(1.0_f64), "1.0");
        assert_eq!(py_float(0.0_f64), "0.0");
        assert_eq!(py_float(0.0005_f64), "0.0005");
        assert_eq!(py_float(1e-5_f64), "1e-05");
        assert_eq!(py_float(1.5e-7_f64), "1.5e-07");
        assert_eq!(py_float(1e16_f64), "1e+16");
        assert_eq!(py_float(2.5e123_f64), "2.5e+123");
        assert_eq!(py_float(123456.789_f64), "123456.789");
    }

    /// The harness's fixtures (`tests/fixtures/run-*`) have exactly the shape the measured
    /// structs serialise: read back and written again, they are the same JSON.
    #[test]
    fn harness_fixtures_round_trip_through_the_measured_structs() {
        fn same<T: DeserializeOwned + serde::Serialize>(dir: &Path, name: &str) {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let typed: T = read_json(dir, name).unwrap();
            // Through the text, as the harness prints it (`to_value` would widen an `f32`).
            let again = serde_json::to_string(&typed).unwrap();
            let again: serde_json::Value = serde_json::from_str(&again).unwrap();
            assert_eq!(again, value, "{name}");
        }
        for run in ["run-a", "run-b"] {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(run);
            same::<crate::ingest::IngestBench>(&dir, INGEST_JSON);
            same::<crate::grpc::GrpcBench>(&dir, GRPC_JSON);
            same::<crate::search::SearchBench>(&dir, SEARCH_JSON);
            same::<priors_staging::VignetteReport>(&dir, STAGING_JSON);
            same::<crate::compare::CompareBench>(&dir, COMPARE_JSON);
        }
    }

    #[test]
    fn every_section_has_a_distinct_title() {
        let titles: std::collections::HashSet<_> = Section::ALL.iter().map(|s| s.title()).collect();
        assert_eq!(titles.len(), Section::ALL.len());
    }
}
