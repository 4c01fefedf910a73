//! `priors`: ingest PET/CT reports into Qdrant + Tantivy and inspect the stores.
//!
//! Exit status: 0 on success; 1 when the command failed as a whole (bad configuration, missing
//! assets, unreadable input path, engine failure); 3 when it ran but some records failed or some
//! ids were unknown (details in the output).

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use priors_core::Config;
use priors_embed::FastEmbedder;
use priors_ingest::{IngestOptions, IngestSummary};
use priors_retrieval::Mode;
use priors_store::Stores;
use serde::Serialize;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod bench;
mod bench_grpc;
mod bench_search;
mod eval_beir;
mod grpc;
mod search;

/// Exit status when a command ran but part of its input was rejected.
const EXIT_PARTIAL: u8 = 3;

#[derive(Debug, Parser)]
#[command(
    name = "priors",
    version,
    about = "Prior-report lookup for oncologic PET/CT"
)]
struct Cli {
    /// Configuration file (TOML; any subset of config/default.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Data directory (overrides `data.dir`).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Ingest report files or directories (.jsonl/.ndjson, .txt, FHIR .json).
    Ingest {
        /// Files or directories.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Print the summary as JSON (and no progress bar).
        #[arg(long)]
        json: bool,
    },
    /// Delete reports from both stores.
    Delete {
        /// Report ids.
        #[arg(required = true, value_name = "REPORT_ID")]
        ids: Vec<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Counts of both stores, and whether they agree.
    Stats {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Hybrid search over prior reports.
    Search {
        /// Query text (findings, a question, keywords).
        text: String,
        /// Number of reports.
        #[arg(long, default_value_t = 10)]
        k: usize,
        /// Engines: hybrid, bm25 or dense.
        #[arg(long, default_value = "hybrid")]
        mode: Mode,
        /// Filter, repeatable: tracer=, modality=, cancer_type=, section=, patient=, since=, until=.
        #[arg(long = "filter", value_name = "KEY=VALUE")]
        filters: Vec<String>,
        /// Leave this patient's reports out (repeatable).
        #[arg(long = "exclude-patient", value_name = "ID")]
        exclude_patients: Vec<String>,
        /// Exam date on or after (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Exam date on or before (YYYY-MM-DD).
        #[arg(long)]
        until: Option<String>,
        /// Collection: `reports` (prior reports) or `guidelines` (guideline passages).
        #[arg(long, default_value = search::REPORTS)]
        collection: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Reports most like an existing one (its findings as the query, its patient excluded).
    Similar {
        /// Report id.
        report_id: String,
        /// Number of reports.
        #[arg(long, default_value_t = 10)]
        k: usize,
        /// Engines: hybrid, bm25 or dense.
        #[arg(long, default_value = "hybrid")]
        mode: Mode,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every report of a patient, by exam date, with key metadata.
    Timeline {
        /// Patient id.
        patient_id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Stage findings read on stdin: AJCC 8th lung TNM, or Lugano stage, Deauville and
    /// response; every category with its evidence span and guideline passage id.
    Stage {
        /// Staging system: lung or lymphoma.
        #[arg(long)]
        cancer: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Ingest the guideline passages into the `guidelines` collection (searchable with
    /// `priors search --collection guidelines`).
    IngestGuidelines {
        /// Guideline passages (JSONL).
        #[arg(long, default_value = "data-samples/guidelines/passages.jsonl")]
        passages: PathBuf,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Answer a staging question from the guideline passages, with citations.
    Ask {
        /// The question, e.g. "What T category is a 4.5 cm tumour with visceral pleural invasion?"
        question: String,
        /// Guideline passages (JSONL).
        #[arg(long, default_value = "data-samples/guidelines/passages.jsonl")]
        passages: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Retrieval quality evaluations.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Serve the gRPC API (ReportSearch, Drafting, Ingestion, Staging, health, reflection)
    /// until SIGINT/SIGTERM.
    Serve {
        /// Listen address (overrides `server.addr`); port 0 picks a free port.
        #[arg(long)]
        addr: Option<String>,
        /// Write the bound address here once the server accepts calls.
        #[arg(long, value_name = "FILE")]
        port_file: Option<PathBuf>,
    },
    /// Draft a cited impression through a running server (gRPC DraftImpression).
    Draft(grpc::DraftArgs),
    /// Similar prior cases through a running server (gRPC SimilarCases).
    SimilarCases(grpc::SimilarCasesArgs),
    /// Benchmarks (used by `make bench`).
    #[command(subcommand, hide = true)]
    Bench(BenchCommand),
    /// Generate the synthetic PET/CT corpus as JSONL.
    Synth {
        /// Random seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Number of synthetic patients.
        #[arg(long, default_value_t = 320)]
        patients: usize,
        /// Output file (`-` for stdout).
        #[arg(long, default_value = "-")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum EvalCommand {
    /// nDCG@10, recall@100 and MRR@10 on a BEIR-format dataset (corpus.jsonl, queries.jsonl,
    /// qrels/test.tsv), ingested into its own collection (re-used when already built).
    Beir {
        /// Dataset directory.
        dir: PathBuf,
        /// Queries file (default DIR/queries.jsonl).
        #[arg(long)]
        queries: Option<PathBuf>,
        /// Relevance judgements (default DIR/qrels/test.tsv).
        #[arg(long)]
        qrels: Option<PathBuf>,
        /// Engines: hybrid, bm25 or dense (repeatable; default hybrid).
        #[arg(long)]
        mode: Vec<Mode>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Precision@5 of same cancer type and stage group, each labelled report's findings as the
    /// query (its own patient excluded), per mode.
    Cases {
        /// Labelled JSONL corpus (ingested into its own collection, `eval-cases`).
        #[arg(long, default_value = "data-samples/reports.jsonl")]
        corpus: PathBuf,
        /// Modes to evaluate (default: all three).
        #[arg(long)]
        mode: Vec<Mode>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Staging accuracy on the vignette set (exit 3 below 95% on any field or when an answer
    /// is not grounded).
    Staging {
        /// Vignettes (JSONL).
        #[arg(long, default_value = "crates/staging/tests/vignettes.jsonl")]
        vignettes: PathBuf,
        /// Print JSON instead of Markdown.
        #[arg(long)]
        json: bool,
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
        /// Scratch directory: `base/` (the ingested corpus, re-used) and `sets/` (rebuilt).
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
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        // qdrant-edge logs at warn that its server-side feature flags were never initialised;
        // the embedded engine runs on their defaults, so those two modules log errors only.
        .unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new(
                "warn,qdrant_edge::common::flags=error,qdrant_edge::common::mmap::ops=error",
            )
        });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn load_config(cli: &Cli) -> Result<Config> {
    load_config_from(cli.config.as_deref(), cli.data_dir.as_deref())
}

fn load_config_from(file: Option<&Path>, data_dir: Option<&Path>) -> Result<Config> {
    let mut config = Config::load(file)?;
    if let Some(dir) = data_dir {
        config.data.dir = dir.to_path_buf();
    }
    Ok(config)
}

fn open_stores(config: &Config) -> Result<Stores> {
    search::open_collection(config, search::REPORTS)
}

fn print_json<T: Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode> {
    let cli = match cli.command {
        Command::Serve { addr, port_file } => {
            let config = load_config_from(cli.config.as_deref(), cli.data_dir.as_deref())?;
            grpc::serve(config, addr, port_file.as_deref())?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Draft(args) => {
            grpc::draft(args)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::SimilarCases(args) => {
            grpc::similar_cases(args)?;
            return Ok(ExitCode::SUCCESS);
        }
        command => Cli { command, ..cli },
    };
    match &cli.command {
        Command::Ingest { paths, json } => {
            let config = load_config(&cli)?;
            let embedder = FastEmbedder::load(&config.embedding)?;
            let stores = open_stores(&config)?;
            let opts =
                IngestOptions::from_config(&config, !json && std::io::stderr().is_terminal());
            let summary =
                priors_ingest::ingest(paths, &stores, &embedder, embedder.workers(), &opts)?;
            report_ingest(&summary, *json)
        }
        Command::Delete { ids, json } => {
            let config = load_config(&cli)?;
            let stores = open_stores(&config)?;
            let deleted = stores.delete(ids)?;
            let not_found: Vec<&String> = ids.iter().filter(|id| !deleted.contains(id)).collect();
            if *json {
                print_json(&serde_json::json!({ "deleted": deleted, "not_found": not_found }))?;
            } else {
                println!("deleted {} report(s)", deleted.len());
                for id in &not_found {
                    println!("not found: {id}");
                }
            }
            Ok(if not_found.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_PARTIAL)
            })
        }
        Command::Stats { json } => {
            let config = load_config(&cli)?;
            let stores = open_stores(&config)?;
            let stats = stores.stats()?;
            let consistency = stores.consistency()?;
            let out = serde_json::json!({
                "reports": stats.reports,
                "chunks": stats.chunks,
                "qdrant_points": stats.qdrant_points,
                "tantivy_docs": stats.tantivy_docs,
                "model": config.embedding.identity(),
                "dim": config.embedding.dim,
                "consistent": consistency.is_consistent(),
                "consistency": consistency,
            });
            if *json {
                print_json(&out)?;
            } else {
                println!("{}", serde_json::to_string_pretty(&out)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            text,
            k,
            mode,
            filters,
            exclude_patients,
            since,
            until,
            collection,
            json,
        } => {
            let config = load_config(&cli)?;
            let filter = search::filter_from(
                filters,
                exclude_patients,
                since.as_deref(),
                until.as_deref(),
            )?;
            let hits = search::search(&config, collection, text, *k, *mode, filter)?;
            search::print_hits(&hits, *json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Similar {
            report_id,
            k,
            mode,
            json,
        } => {
            let config = load_config(&cli)?;
            let hits =
                search::retriever(&config, search::REPORTS)?.similar(report_id, *k, *mode)?;
            search::print_hits(&hits, *json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Timeline { patient_id, json } => {
            let config = load_config(&cli)?;
            let entries = search::retriever(&config, search::REPORTS)?.timeline(patient_id)?;
            // Serialised from the typed entries (not through `json!`), so f32 values print
            // as written (4.7, not 4.699999809265137).
            #[derive(Serialize)]
            struct Timeline<'a> {
                patient_id: &'a str,
                reports: Vec<priors_retrieval::TimelineEntry>,
            }
            let out = Timeline {
                patient_id,
                reports: entries,
            };
            if *json {
                print_json(&out)?;
            } else {
                println!("{}", serde_json::to_string_pretty(&out)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Beir {
            dir,
            queries,
            qrels,
            mode,
            json,
        }) => {
            let config = load_config(&cli)?;
            let modes = if mode.is_empty() {
                vec![Mode::Hybrid]
            } else {
                mode.clone()
            };
            let progress = !json && std::io::stderr().is_terminal();
            let out = eval_beir::run(
                &config,
                dir,
                queries.as_deref(),
                qrels.as_deref(),
                &modes,
                progress,
            )?;
            // One mode: the object itself (the documented shape); several: one per line.
            for e in &out {
                if *json {
                    print_json(e)?;
                } else {
                    println!("{}", serde_json::to_string_pretty(e)?);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Cases { corpus, mode, json }) => {
            let config = load_config(&cli)?;
            let modes = if mode.is_empty() {
                vec![Mode::Hybrid, Mode::Bm25, Mode::Dense]
            } else {
                mode.clone()
            };
            let out = search::eval_cases(
                &config,
                corpus,
                &modes,
                !json && std::io::stderr().is_terminal(),
            )?;
            if *json {
                print_json(&serde_json::json!({ "modes": out }))?;
            } else {
                println!("{}", serde_json::to_string_pretty(&out)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Stage { cancer, json } => {
            let system = priors_staging::Cancer::parse(cancer).with_context(|| {
                format!("unknown --cancer `{cancer}` (expected lung or lymphoma)")
            })?;
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .context("reading findings from stdin")?;
            anyhow::ensure!(!text.trim().is_empty(), "no findings on stdin");
            let answer = priors_staging::stage(system, &text);
            if *json {
                print_json(&answer)?;
            } else {
                println!("{}", serde_json::to_string_pretty(&answer)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::IngestGuidelines { passages, json } => {
            let config = load_config(&cli)?;
            let summary = search::ingest_guidelines(
                &config,
                passages,
                !json && std::io::stderr().is_terminal(),
            )?;
            report_ingest(&summary, *json)
        }
        Command::Ask {
            question,
            passages,
            json,
        } => {
            anyhow::ensure!(!question.trim().is_empty(), "the question is empty");
            let passages = priors_staging::load_passages(passages)
                .with_context(|| format!("loading {}", passages.display()))?;
            let answer = priors_staging::ask(question, &passages);
            if *json {
                print_json(&answer)?;
            } else {
                println!("{}", answer.answer);
                for c in &answer.citations {
                    println!("  [{}] {}", c.id, c.title);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Staging { vignettes, json }) => {
            let report = priors_staging::evaluate_vignettes(vignettes)?;
            if *json {
                print_json(&report)?;
            } else {
                println!("{}", report.to_markdown());
            }
            Ok(
                if report.min_accuracy() < 0.95 || !report.grounding_errors.is_empty() {
                    ExitCode::from(EXIT_PARTIAL)
                } else {
                    ExitCode::SUCCESS
                },
            )
        }
        Command::Bench(BenchCommand::Grpc {
            addr,
            corpus,
            requests,
        }) => {
            print_json(&bench_grpc::run(addr, corpus, *requests)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Ingest { paths, scratch }) => {
            let config = load_config(&cli)?;
            print_json(&bench::ingest(&config, paths, scratch)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Search {
            corpus,
            scratch,
            sizes,
            queries,
            warmup,
            json,
        }) => {
            let config = load_config(&cli)?;
            let opts = bench_search::SearchBenchOptions {
                corpus: corpus.clone(),
                scratch: scratch.clone(),
                sizes: sizes.clone(),
                queries: *queries,
                warmup: *warmup,
            };
            let out = bench_search::run(&config, &opts)?;
            if *json {
                print_json(&out)?;
            } else {
                print!("{}", out.to_table());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { .. } | Command::Draft(_) | Command::SimilarCases(_) => {
            unreachable!("network commands are dispatched before this match")
        }
        Command::Synth {
            seed,
            patients,
            out,
        } => {
            let cfg = priors_synth::SynthConfig {
                seed: *seed,
                patients: *patients,
            };
            let n = if out == Path::new("-") {
                let stdout = std::io::stdout();
                priors_synth::write_jsonl(&cfg, std::io::BufWriter::new(stdout.lock()))?
            } else {
                let f = std::fs::File::create(out)
                    .with_context(|| format!("creating {}", out.display()))?;
                priors_synth::write_jsonl(&cfg, std::io::BufWriter::new(f))?
            };
            eprintln!("wrote {n} synthetic reports");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Print an ingest summary; exit status 3 when some records failed.
fn report_ingest(summary: &IngestSummary, json: bool) -> Result<ExitCode> {
    if json {
        print_json(summary)?;
    } else {
        print_ingest(summary);
    }
    Ok(if summary.failed > 0 {
        ExitCode::from(EXIT_PARTIAL)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_ingest(s: &IngestSummary) {
    println!(
        "ingested {} new, {} updated, {} unchanged, {} failed; {} chunks in {:.1}s",
        s.ingested, s.updated, s.unchanged, s.failed, s.chunks, s.seconds
    );
    if s.recovered > 0 {
        println!(
            "recovered from an interrupted ingest: {} report(s) were rewritten",
            s.recovered
        );
    }
    for e in &s.errors {
        let at = match e.line {
            Some(l) => format!("{}:{}", e.file, l),
            None => format!("{} (record {})", e.file, e.record),
        };
        println!("  {at}: {}: {}", e.kind, e.message);
    }
}
