//! `priors ingest PATH…`: reports into the `reports` collection.

use crate::{exit_status, Ctx};
use anyhow::Result;
use priors_app::REPORTS;
use priors_ingest::IngestSummary;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `priors ingest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

impl Args {
    /// Ingest; exit status 3 when some records failed.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        let app = ctx.app()?;
        let summary = app.ingest(
            REPORTS,
            &self.paths,
            &app.ingest_options(ctx.out.progress()),
        )?;
        report(ctx, &summary)
    }
}

/// Print an ingest summary (the `--json` contract, or a text summary); exit status 3 when
/// some records failed.
pub(crate) fn report(ctx: &Ctx, s: &IngestSummary) -> Result<ExitCode> {
    ctx.out.print(s, || {
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
    })?;
    Ok(exit_status(s.failed > 0))
}
