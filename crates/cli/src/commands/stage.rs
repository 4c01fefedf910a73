//! `priors stage --cancer lung|lymphoma`: deterministic staging of findings read on stdin.

use crate::Ctx;
use anyhow::{Context, Result};
use priors_app::App;
use std::process::ExitCode;

/// Arguments of `priors stage`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Staging system: lung or lymphoma.
    #[arg(long)]
    pub cancer: String,
}

impl Args {
    /// Stage the findings on stdin.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        let system = priors_staging::Cancer::parse(&self.cancer).with_context(|| {
            format!(
                "unknown --cancer `{}` (expected lung or lymphoma)",
                self.cancer
            )
        })?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .context("reading findings from stdin")?;
        anyhow::ensure!(!text.trim().is_empty(), "no findings on stdin");
        // Staging needs neither the model nor a store: only the configured limits.
        let answer = App::open(ctx.config()?).stage(system, &text)?;
        ctx.out.print_pretty(&answer)?;
        Ok(ExitCode::SUCCESS)
    }
}
