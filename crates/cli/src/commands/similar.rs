//! `priors similar REPORT_ID [--per patient|report]`: the cases (one report per patient, by
//! default) or reports most like an existing one.

use crate::Ctx;
use anyhow::Result;
use priors_retrieval::{Mode, Per};
use std::process::ExitCode;

/// Arguments of `priors similar`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Report id.
    pub report_id: String,
    /// Number of reports.
    #[arg(long, default_value_t = 10)]
    pub k: usize,
    /// Engines: hybrid, bm25 or dense.
    #[arg(long, default_value = "hybrid")]
    pub mode: Mode,
    /// One hit per patient (its best-matching report, the others under `also`) or per report.
    #[arg(long, default_value = "patient")]
    pub per: Per,
}

impl Args {
    /// Search and print the hits (the report's own patient excluded).
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        let hits = ctx.app()?.similar(
            &self.report_id,
            self.k,
            self.mode,
            Default::default(),
            self.per,
        )?;
        super::search::print_hits(ctx, &hits)?;
        Ok(ExitCode::SUCCESS)
    }
}
