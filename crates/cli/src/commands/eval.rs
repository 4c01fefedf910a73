//! `priors eval beir DIR` and `priors eval cases`: retrieval quality with the real engines
//! (the evaluations themselves are `priors_app::eval`).

use crate::output::json_line;
use crate::Ctx;
use anyhow::Result;
use priors_app::eval::{self, BeirRun};
use priors_retrieval::Mode;
use std::path::PathBuf;
use std::process::ExitCode;

/// The evaluations.
#[derive(Debug, clap::Subcommand)]
pub enum EvalCommand {
    /// nDCG@10, recall@100 and MRR@10 on a BEIR-format dataset (corpus.jsonl, queries.jsonl,
    /// qrels/test.tsv), ingested into its own collection (re-used when already built).
    Beir(BeirArgs),
    /// Precision@5 of same cancer type and stage group, each labelled report's findings as the
    /// query (its own patient excluded), per mode.
    Cases(CasesArgs),
}

/// Arguments of `priors eval beir`.
#[derive(Debug, clap::Args)]
pub struct BeirArgs {
    /// Dataset directory.
    pub dir: PathBuf,
    /// Queries file (default DIR/queries.jsonl).
    #[arg(long)]
    pub queries: Option<PathBuf>,
    /// Relevance judgements (default DIR/qrels/test.tsv).
    #[arg(long)]
    pub qrels: Option<PathBuf>,
    /// Engines: hybrid, bm25 or dense (repeatable; default hybrid).
    #[arg(long)]
    pub mode: Vec<Mode>,
}

/// Arguments of `priors eval cases`.
#[derive(Debug, clap::Args)]
pub struct CasesArgs {
    /// Labelled JSONL corpus (ingested into its own collection, `eval-cases`).
    #[arg(long, default_value = "data-samples/reports.jsonl")]
    pub corpus: PathBuf,
    /// Modes to evaluate (default: all three).
    #[arg(long)]
    pub mode: Vec<Mode>,
}

impl EvalCommand {
    /// Run the evaluation and print its figures.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        let app = ctx.app()?;
        match self {
            EvalCommand::Beir(a) => {
                let modes = if a.mode.is_empty() {
                    vec![Mode::Hybrid]
                } else {
                    a.mode
                };
                let out = eval::beir(
                    &app,
                    &BeirRun {
                        dir: &a.dir,
                        queries: a.queries.as_deref(),
                        qrels: a.qrels.as_deref(),
                        modes: &modes,
                        progress: ctx.out.progress(),
                    },
                )?;
                // One mode: the object itself (the documented shape); several: one per line.
                for e in &out {
                    ctx.out.print_pretty(e)?;
                }
            }
            EvalCommand::Cases(a) => {
                let modes = if a.mode.is_empty() {
                    vec![Mode::Hybrid, Mode::Bm25, Mode::Dense]
                } else {
                    a.mode
                };
                let out = eval::cases(&app, &a.corpus, &modes, ctx.out.progress())?;
                if ctx.out.json {
                    json_line(&out)?;
                } else {
                    println!("{}", serde_json::to_string_pretty(&out)?);
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
