//! `priors stats`: counts of both stores and whether they agree.

use crate::Ctx;
use anyhow::Result;
use std::process::ExitCode;

/// Arguments of `priors stats` (none besides the global ones).
#[derive(Debug, clap::Args)]
pub struct Args {}

impl Args {
    /// Print the counts.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        ctx.out.print_pretty(&ctx.app()?.stats()?)?;
        Ok(ExitCode::SUCCESS)
    }
}
