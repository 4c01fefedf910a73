//! `priors search TEXT`: hybrid search over a collection.

use crate::Ctx;
use anyhow::Result;
use priors_core::SearchFilter;
use priors_retrieval::{Hit, Mode, Query};
use serde::Serialize;
use std::process::ExitCode;

/// Arguments of `priors search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Query text (findings, a question, keywords).
    pub text: String,
    /// Number of reports.
    #[arg(long, default_value_t = 10)]
    pub k: usize,
    /// Engines: hybrid, bm25 or dense.
    #[arg(long, default_value = "hybrid")]
    pub mode: Mode,
    /// Filter, repeatable: tracer=, modality=, cancer_type=, section=, patient=, since=, until=.
    #[arg(long = "filter", value_name = "KEY=VALUE")]
    pub filters: Vec<String>,
    /// Leave this patient's reports out (repeatable).
    #[arg(long = "exclude-patient", value_name = "ID")]
    pub exclude_patients: Vec<String>,
    /// Exam date on or after (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Exam date on or before (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<String>,
    /// Collection: `reports` (prior reports) or `guidelines` (guideline passages).
    #[arg(long, default_value = priors_app::REPORTS)]
    pub collection: String,
    /// One hit per report (the default) or per patient (its best report, the others under
    /// `also`).
    #[arg(long, default_value = "report")]
    pub per: priors_retrieval::Per,
}

impl Args {
    /// The filter the options describe.
    pub fn filter(&self) -> Result<SearchFilter> {
        let mut f = SearchFilter::default();
        for p in &self.filters {
            f.set(p)?;
        }
        if let Some(s) = &self.since {
            f.set(&format!("since={s}"))?;
        }
        if let Some(u) = &self.until {
            f.set(&format!("until={u}"))?;
        }
        f.exclude_patients
            .extend(self.exclude_patients.iter().cloned());
        Ok(f)
    }

    /// Search and print the hits.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        let filter = self.filter()?;
        let query = Query {
            text: self.text,
            k: self.k,
            mode: self.mode,
            filter,
            per: self.per,
        };
        let hits = ctx.app()?.search(&self.collection, &query)?;
        print_hits(ctx, &hits)?;
        Ok(ExitCode::SUCCESS)
    }
}

#[derive(Serialize)]
struct Hits<'a> {
    hits: &'a [Hit],
}

/// Hits as `{"hits":[…]}` (the `--json` contract) or one numbered block per report.
pub(crate) fn print_hits(ctx: &Ctx, hits: &[Hit]) -> Result<()> {
    ctx.out.print(&Hits { hits }, || {
        if hits.is_empty() {
            println!("no matching reports");
        }
        for (i, h) in hits.iter().enumerate() {
            println!(
                "{:>2}. {} {} {} [{}] score {:.4} (bm25 #{}, dense #{})",
                i + 1,
                h.report_id,
                h.patient_id,
                h.exam_date,
                h.cancer_type.as_deref().unwrap_or("-"),
                h.score,
                h.bm25_rank.map_or("-".into(), |r| r.to_string()),
                h.dense_rank.map_or("-".into(), |r| r.to_string()),
            );
            println!("    {}: {}", h.section.as_str(), h.snippet);
            if !h.also.is_empty() {
                let also: Vec<String> = h
                    .also
                    .iter()
                    .map(|a| format!("{} ({})", a.report_id, a.exam_date))
                    .collect();
                println!("    also: {}", also.join(", "));
            }
        }
    })
}
