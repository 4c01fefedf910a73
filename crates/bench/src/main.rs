//! `priors-bench`: the benchmark harness behind `make bench`, kept out of the product binary.
//!
//! Each measuring subcommand (`ingest`, `search`, `grpc`, `staging`, `compare`, `stream`, `peer`) measures one thing and
//! prints its figures as JSON on stdout (the staging and search benchmarks print a table or
//! Markdown without `--json`); `scripts/bench.sh` runs them, keeps their JSON (and that of
//! `priors eval`) in one directory, and `report` writes BENCHMARKS.md from it (see
//! [`report`]).

mod compare;
mod grpc;
mod ingest;
mod peer;
mod report;
mod search;
mod stream;

use anyhow::Result;
use clap::{Parser, Subcommand};
use priors_core::Config;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "priors-bench",
    about = "Benchmarks of priors (used by `make bench`)"
)]
struct Cli {
    /// Configuration file (TOML; any subset of config/default.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print JSON instead of a table (staging and search; the others always print JSON).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Staging accuracy on the vignette set (exit 3 below 95% on any field or when an answer
    /// is not grounded).
    Staging {
        /// Vignettes (JSONL).
        #[arg(long, default_value = "crates/staging/tests/vignettes.jsonl")]
        vignettes: PathBuf,
    },
    /// gRPC latency against a running server: SimilarCases under 1, 4 and 16 concurrent
    /// clients, extractive DraftImpression (JSON on stdout).
    Grpc {
        /// Server address (`host:port`).
        #[arg(long)]
        addr: String,
        /// Corpus whose findings are the queries (JSONL).
        #[arg(long, default_value = "data-samples/reports.jsonl")]
        corpus: PathBuf,
        /// SimilarCases requests per concurrency level.
        #[arg(long, default_value_t = 400)]
        requests: usize,
    },
    /// Ingest throughput vs bare embedding throughput over the same chunks (JSON on stdout).
    Ingest {
        /// Files or directories to ingest.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Scratch data directory (deleted and recreated).
        #[arg(long, default_value = "target/bench-data")]
        scratch: PathBuf,
    },
    /// Search latency per mode at 10k and 100k chunks (query embedding included and apart)
    /// and dense recall@10 against exact search; the sets are perturbed copies of the
    /// ingested corpus, written without re-embedding.
    Search {
        /// Corpus ingested (real embeddings) as the seed of the sets.
        #[arg(long, default_value = "data-samples/reports.jsonl")]
        corpus: PathBuf,
        /// Scratch data directory: collection `base` (the ingested corpus, re-used) and
        /// `sets` (rebuilt).
        #[arg(long, default_value = "target/bench-search")]
        scratch: PathBuf,
        /// Collection size in chunks (repeatable; default 10000 and 100000).
        #[arg(long = "chunks", value_name = "N", default_values_t = [10_000, 100_000])]
        sizes: Vec<usize>,
        /// Queries: the findings of this many sample reports.
        #[arg(long, default_value_t = 300)]
        queries: usize,
        /// Warm-up queries before each size is measured.
        #[arg(long, default_value_t = 50)]
        warmup: usize,
        /// A Qdrant server's gRPC address: measure the same sets again with the dense
        /// vectors there (collection `priors_bench_sets`, dropped first).
        #[arg(long, value_name = "URL")]
        qdrant_url: Option<String>,
        /// That server's process id on this machine (its memory after each set).
        #[arg(long, value_name = "PID", requires = "qdrant_url")]
        qdrant_pid: Option<u32>,
        /// That server's storage directory on this machine (its size after each set).
        #[arg(long, value_name = "DIR", requires = "qdrant_url")]
        qdrant_storage: Option<PathBuf>,
    },
    /// Comparison with the patient's prior: response and Deauville accuracy on the sample
    /// corpus, on a held-out synthetic corpus and on the hand-made pairs (JSON on stdout; exit
    /// 3 below 95% on response or Deauville of the held-out corpus).
    Compare {
        /// Labelled corpus (JSONL).
        #[arg(long, default_value = "data-samples/reports.jsonl")]
        corpus: PathBuf,
        /// Seed of the held-out synthetic corpus (seed 7 was looked at once: its one miss
        /// led to the suspicion-over-benign-place rule; 8 has not been looked at).
        #[arg(long, default_value_t = 8)]
        seed: u64,
        /// Patients of the held-out synthetic corpus.
        #[arg(long, default_value_t = 600)]
        patients: usize,
        /// Hand-made prior/current pairs (JSONL).
        #[arg(long, default_value = "tests/fixtures/compare_pairs.jsonl")]
        pairs: PathBuf,
    },
    /// Server memory over one long IngestReports stream of small reports, against a running
    /// server (JSON on stdout).
    Stream {
        /// Server address (`host:port`).
        #[arg(long)]
        addr: String,
        /// The server's process id (its VmRSS is sampled).
        #[arg(long)]
        pid: u32,
        /// Records on the stream.
        #[arg(long, default_value_t = 100_000)]
        records: usize,
        /// The server's `ingest.commit_reports` (reported).
        #[arg(long, default_value_t = 256)]
        commit_reports: usize,
    },
    /// Run the Python peer of issue #13 (`python_rag_peer.py`) on a BEIR dataset and add its
    /// peak RSS (VmHWM, polled) to the JSON line it prints (JSON on stdout).
    Peer {
        /// Python interpreter of the peer's venv (`scripts/setup_peer.sh`).
        #[arg(long, default_value = ".assets/peer-venv/bin/python")]
        python: PathBuf,
        /// The peer script.
        #[arg(long, default_value = "../shared/peers/python_rag_peer.py")]
        script: PathBuf,
        /// BEIR dataset directory.
        #[arg(long, default_value = "../shared/datasets/scifact")]
        dataset: PathBuf,
        /// Model directory (model.onnx and the tokenizer files).
        #[arg(long, default_value = ".assets/models/all-MiniLM-L6-v2")]
        model: PathBuf,
        /// Milliseconds between two reads of the peer's VmHWM.
        #[arg(long, default_value_t = 100)]
        poll_ms: u64,
    },
    /// Write BENCHMARKS.md (or, with `--only`, one of its sections in place) from the JSON
    /// the other steps printed, kept in one directory by `scripts/bench.sh`.
    Report(Box<report::ReportArgs>),
}

fn main() -> ExitCode {
    priors_app::init_tracing();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn print_json<T: Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode> {
    let config = || Config::load(cli.config.as_deref());
    match cli.command {
        Command::Staging { vignettes } => {
            let report = priors_staging::evaluate_vignettes(&vignettes)?;
            if cli.json {
                print_json(&report)?;
            } else {
                println!("{}", report.to_markdown());
            }
            let short = report.min_accuracy() < 0.95 || !report.grounding_errors.is_empty();
            Ok(if short {
                ExitCode::from(3)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Grpc {
            addr,
            corpus,
            requests,
        } => {
            print_json(&grpc::run(&addr, &corpus, requests)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ingest { paths, scratch } => {
            print_json(&ingest::run(&config()?, &paths, &scratch)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            corpus,
            scratch,
            sizes,
            queries,
            warmup,
            qdrant_url,
            qdrant_pid,
            qdrant_storage,
        } => {
            let opts = search::SearchBenchOptions {
                corpus,
                scratch,
                sizes,
                queries,
                warmup,
                qdrant_url,
                qdrant_pid,
                qdrant_storage,
            };
            let out = search::run(&config()?, &opts)?;
            if cli.json {
                print_json(&out)?;
            } else {
                print!("{}", out.to_table());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Compare {
            corpus,
            seed,
            patients,
            pairs,
        } => {
            let out = compare::run(&corpus, seed, patients, &pairs)?;
            print_json(&out)?;
            let held = &out.sets[1].report;
            let short = held.response_total().accuracy() < 0.95 || held.deauville.accuracy() < 0.95;
            Ok(if short {
                ExitCode::from(3)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Stream {
            addr,
            pid,
            records,
            commit_reports,
        } => {
            print_json(&stream::run(&addr, pid, records, commit_reports)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Peer {
            python,
            script,
            dataset,
            model,
            poll_ms,
        } => {
            let out = peer::run(
                &python,
                &script,
                &dataset,
                &model,
                std::time::Duration::from_millis(poll_ms),
            )?;
            print_json(&out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report(args) => {
            report::run(&args)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
