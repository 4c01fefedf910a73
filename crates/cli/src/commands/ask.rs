//! `priors ask QUESTION`: a staging question answered from the guideline passages.

use crate::Ctx;
use anyhow::Result;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `priors ask`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The question, e.g. "What T category is a 4.5 cm tumour with visceral pleural invasion?"
    pub question: String,
    /// Guideline passages (JSONL); default `guidelines.passages` of the configuration.
    #[arg(long, value_name = "FILE")]
    pub passages: Option<PathBuf>,
}

impl Args {
    /// Answer, with citations.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        let app = super::ingest_guidelines::app_with_passages(ctx, self.passages)?;
        let answer = app.ask(&self.question)?;
        ctx.out.print(&answer, || {
            println!("{}", answer.answer);
            for c in &answer.citations {
                println!("  [{}] {}", c.id, c.title);
            }
        })?;
        Ok(ExitCode::SUCCESS)
    }
}
