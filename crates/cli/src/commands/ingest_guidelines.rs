//! `priors ingest-guidelines`: the guideline passages into the `guidelines` collection.

use crate::Ctx;
use anyhow::Result;
use priors_app::App;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `priors ingest-guidelines`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Guideline passages (JSONL); default `guidelines.passages` of the configuration.
    #[arg(long, value_name = "FILE")]
    pub passages: Option<PathBuf>,
}

impl Args {
    /// Ingest the passages; exit status 3 when some failed.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        let app = app_with_passages(ctx, self.passages)?;
        let summary = app.ingest_guidelines(ctx.out.progress())?;
        super::ingest::report(ctx, &summary)
    }
}

/// The application, with `--passages` (when given) in place of `guidelines.passages`.
pub(crate) fn app_with_passages(ctx: &Ctx, passages: Option<PathBuf>) -> Result<App> {
    let mut config = ctx.config()?;
    if let Some(p) = passages {
        config.guidelines.passages = p;
    }
    Ok(App::open(config))
}
