//! `priors audit`: who saw which patient, from the server's audit log. Reads the log files
//! only (never the stores), so it works while `priors serve` runs on the same data directory.

use crate::Ctx;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use priors_server::audit::{self, Entry};
use std::process::ExitCode;

/// Arguments of `priors audit` (`--json`: one log entry per line, as written).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only calls that returned or asked for this patient's data.
    #[arg(long, value_name = "ID")]
    pub patient: Option<String>,
    /// Only calls that returned or asked for this report.
    #[arg(long, value_name = "ID")]
    pub report: Option<String>,
    /// Only this caller.
    #[arg(long, value_name = "NAME")]
    pub caller: Option<String>,
    /// Only entries of this UTC day and later.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub since: Option<NaiveDate>,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("{s:?} is not YYYY-MM-DD: {e}"))
}

impl Args {
    fn keeps(&self, e: &Entry) -> bool {
        self.patient
            .as_ref()
            .is_none_or(|p| e.patient_ids.iter().any(|x| x == p))
            && self
                .report
                .as_ref()
                .is_none_or(|r| e.report_ids.iter().any(|x| x == r))
            && self.caller.as_ref().is_none_or(|c| &e.caller == c)
            && self.since.is_none_or(|d| {
                e.time
                    .get(..10)
                    .and_then(|t| parse_day(t).ok())
                    .is_some_and(|t| t >= d)
            })
    }

    /// Print the matching entries, oldest first; unreadable (torn) lines are reported on
    /// stderr.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        let config = ctx.config()?;
        let path = config.audit.file(&config.data.dir);
        let log = audit::read(&path).with_context(|| format!("reading {}", path.display()))?;
        for u in &log.unreadable {
            eprintln!("priors audit: unreadable line (torn by a crash mid-write?): {u}");
        }
        let kept: Vec<&Entry> = log.entries.iter().filter(|e| self.keeps(e)).collect();
        if ctx.out.json {
            for e in &kept {
                crate::output::json_line(e)?;
            }
        } else {
            if kept.is_empty() {
                println!("no audit entries match (log: {})", path.display());
            }
            for e in &kept {
                println!(
                    "{}  {:<18} {:<40} {:<18} patients [{}] reports [{}]{}",
                    e.time,
                    e.caller,
                    e.rpc,
                    e.status,
                    e.patient_ids.join(", "),
                    e.report_ids.join(", "),
                    e.detail
                        .as_ref()
                        .map(|d| format!("  ({d})"))
                        .unwrap_or_default()
                );
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
