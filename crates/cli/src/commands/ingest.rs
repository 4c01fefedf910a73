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
    /// How to reach the server, when `priors serve` holds the data directory.
    #[command(flatten)]
    pub via: crate::held::ViaServer,
}

impl Args {
    /// Ingest (through the server that holds the data directory, when one does); exit status
    /// 3 when some records failed.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        let config = ctx.config()?;
        if let Some(server) = crate::held::holder(&config) {
            eprintln!(
                "priors: {} is held by `priors serve` (pid {}); sending the reports through it at {}",
                config.data.dir.display(),
                server.pid,
                server.addr
            );
            let limits = priors_parse::Limits {
                max_report_bytes: config.ingest.max_report_bytes,
            };
            let summary = crate::held::ingest(&server, &self.via, &self.paths, limits)?;
            return report(ctx, &summary);
        }
        let app = priors_app::App::open(config);
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
