//! The `priors` command line: one module per subcommand under [`commands`], each with its
//! `Args` and `execute`. Commands are adapters: they turn arguments into calls of the
//! application layer ([`priors_app::App`]) or of a running server (gRPC client commands), and
//! results into output through the one printer ([`output::Output`], global `--json`).
//!
//! The JSON shapes are contracts documented in the README and checked by the end-to-end tests
//! in `tests/`.

pub mod client;
pub mod commands;
pub mod held;
pub mod output;

use anyhow::Result;
use clap::{Parser, Subcommand};
use commands::*;
use priors_app::App;
use priors_core::Config;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit status when a command ran but part of its input was rejected.
pub const EXIT_PARTIAL: u8 = 3;

/// The `priors` command line.
#[derive(Debug, Parser)]
#[command(
    name = "priors",
    version,
    about = "Prior-report lookup for oncologic PET/CT"
)]
pub struct Cli {
    /// Configuration file (TOML; any subset of config/default.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory (overrides `data.dir`).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print the result as JSON (one object per line) instead of text, and no progress bar.
    #[arg(long, global = true)]
    pub json: bool,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ingest report files or directories (.jsonl/.ndjson, .txt, FHIR .json).
    Ingest(ingest::Args),
    /// Delete reports from both stores.
    Delete(delete::Args),
    /// Counts of both stores, and whether they agree.
    Stats(stats::Args),
    /// Hybrid search over prior reports.
    Search(search::Args),
    /// Reports most like an existing one (its findings as the query, its patient excluded).
    Similar(similar::Args),
    /// Every report of a patient, by exam date, with key metadata.
    Timeline(timeline::Args),
    /// Compare two studies lesion by lesion: Deauville and Lugano response (lymphoma) or
    /// PERCIST-style response (solid tumours), every decision cited.
    Compare(compare::Args),
    /// The tumor-board view of a patient: studies, responses, lesion trajectories, current
    /// status and similar patients; `--html FILE` writes a self-contained page.
    Case(case::Args),
    /// Stage findings read on stdin: AJCC 8th lung TNM, or Lugano stage, Deauville and
    /// response; every category with its evidence span and guideline passage id.
    Stage(stage::Args),
    /// Ingest the guideline passages into the `guidelines` collection (searchable with
    /// `priors search --collection guidelines`).
    IngestGuidelines(ingest_guidelines::Args),
    /// Answer a staging question from the guideline passages, with citations.
    Ask(ask::Args),
    /// Retrieval quality evaluations.
    #[command(subcommand)]
    Eval(eval::EvalCommand),
    /// Serve the gRPC API (ReportSearch, Drafting, Ingestion, Staging, Admin, health, reflection)
    /// until SIGINT/SIGTERM.
    Serve(serve::Args),
    /// Draft a cited impression through a running server (gRPC DraftImpression).
    Draft(draft::Args),
    /// Similar prior cases through a running server (gRPC SimilarCases).
    SimilarCases(similar_cases::Args),
    /// Generate the synthetic PET/CT corpus as JSONL.
    Synth(synth::Args),
    /// Credentials for `[[server.tokens]]`: `hash SECRET`, or `new --name N --scopes …`.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Who saw which patient: the server's audit log, filtered (works while it runs).
    Audit(audit::Args),
    /// Move the dense vectors to a Qdrant server (`--to-qdrant URL`), without re-embedding:
    /// copy, verify, switch the manifest; an interrupted run, re-run, finishes the job.
    Migrate(migrate::Args),
}

/// What every command gets: the configuration layers and the output printer.
#[derive(Debug)]
pub struct Ctx {
    config_file: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    /// The output printer.
    pub out: output::Output,
}

impl Ctx {
    /// The configuration: defaults, `--config`, `PRIORS__*` variables, then `--data-dir`.
    pub fn config(&self) -> Result<Config> {
        let mut config = Config::load(self.config_file.as_deref())?;
        if let Some(dir) = &self.data_dir {
            config.data.dir = dir.clone();
        }
        Ok(config)
    }

    /// The application over [`Ctx::config`].
    pub fn app(&self) -> Result<App> {
        Ok(App::open(self.config()?))
    }
}

impl Cli {
    /// Run the subcommand; the exit status says whether part of the input was rejected.
    pub fn run(self) -> Result<ExitCode> {
        let ctx = Ctx {
            config_file: self.config,
            data_dir: self.data_dir,
            out: output::Output { json: self.json },
        };
        match self.command {
            Command::Ingest(a) => a.execute(&ctx),
            Command::Delete(a) => a.execute(&ctx),
            Command::Stats(a) => a.execute(&ctx),
            Command::Search(a) => a.execute(&ctx),
            Command::Similar(a) => a.execute(&ctx),
            Command::Timeline(a) => a.execute(&ctx),
            Command::Compare(a) => a.execute(&ctx),
            Command::Case(a) => a.execute(&ctx),
            Command::Stage(a) => a.execute(&ctx),
            Command::IngestGuidelines(a) => a.execute(&ctx),
            Command::Ask(a) => a.execute(&ctx),
            Command::Eval(c) => c.execute(&ctx),
            Command::Serve(a) => a.execute(&ctx),
            Command::Draft(a) => a.execute(&ctx),
            Command::SimilarCases(a) => a.execute(&ctx),
            Command::Synth(a) => a.execute(&ctx),
            Command::Token(c) => c.execute(&ctx),
            Command::Audit(a) => a.execute(&ctx),
            Command::Migrate(a) => a.execute(&ctx),
        }
    }
}

/// Exit status 3 when `partial`, else success.
pub fn exit_status(partial: bool) -> ExitCode {
    if partial {
        ExitCode::from(EXIT_PARTIAL)
    } else {
        ExitCode::SUCCESS
    }
}

pub use priors_app::init_tracing;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("priors").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }

    #[test]
    fn json_is_global_before_or_after_the_subcommand() {
        assert!(parse(&["stats", "--json"]).json);
        assert!(parse(&["--json", "stats"]).json);
        assert!(!parse(&["stats"]).json);
        assert!(parse(&["eval", "cases", "--json"]).json);
    }

    #[test]
    fn global_options_reach_every_subcommand() {
        let cli = parse(&["search", "mass", "--data-dir", "/tmp/d", "--k", "3"]);
        assert_eq!(
            cli.data_dir.as_deref(),
            Some(std::path::Path::new("/tmp/d"))
        );
        match cli.command {
            Command::Search(a) => {
                assert_eq!(a.k, 3);
                assert_eq!(a.collection, priors_app::REPORTS);
                assert_eq!(a.mode, priors_retrieval::Mode::Hybrid);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn required_arguments_and_bad_values_are_refused_by_the_parser() {
        let fails = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("priors").chain(args.iter().copied())).is_err()
        };
        assert!(fails(&["ingest"]), "ingest needs a path");
        assert!(fails(&["delete"]), "delete needs an id");
        assert!(fails(&["migrate"]), "migrate needs --to-qdrant");
        match parse(&[
            "migrate",
            "--to-qdrant",
            "http://q:6334",
            "--collection",
            "reports",
        ])
        .command
        {
            Command::Migrate(a) => {
                assert_eq!(a.to_qdrant, "http://q:6334");
                assert_eq!(a.collection.as_deref(), Some("reports"));
            }
            other => panic!("{other:?}"),
        }
        assert!(fails(&["search", "x", "--mode", "fuzzy"]), "unknown mode");
        assert!(fails(&["search", "x", "--k", "-1"]), "negative k");
        assert!(fails(&["stage"]), "stage needs --cancer");
        assert!(fails(&["similar-cases"]), "a findings file or a report id");
        assert!(
            fails(&["bench", "search"]),
            "benchmarks are not in the product binary"
        );
    }

    #[test]
    fn filters_and_exclusions_are_collected_in_order() {
        let cli = parse(&[
            "search",
            "x",
            "--filter",
            "tracer=FDG",
            "--filter",
            "cancer_type=dlbcl",
            "--exclude-patient",
            "P1",
            "--since",
            "2020-01-01",
        ]);
        let Command::Search(a) = cli.command else {
            panic!("search")
        };
        let f = a.filter().unwrap();
        assert_eq!(f.exclude_patients, vec!["P1".to_string()]);
        assert_eq!(f.tracer.as_deref(), Some("FDG"));
        assert_eq!(f.cancer_type.as_deref(), Some("dlbcl"));
        assert!(f.since.is_some());
    }
}
