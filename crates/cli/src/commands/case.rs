//! `priors case PATIENT_ID [--json] [--html FILE]`: the tumor-board view of a patient.

use crate::Ctx;
use anyhow::{Context, Result};
use priors_compare::case::CaseSummary;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `priors case`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Patient id.
    pub patient_id: String,
    /// Similar patients to list.
    #[arg(long, default_value_t = 5)]
    pub similar: usize,
    /// Also write the view as one self-contained HTML page (inline SVG chart, no network).
    #[arg(long)]
    pub html: Option<PathBuf>,
}

impl Args {
    /// Build the view, print it, and write the page when asked.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        anyhow::ensure!(
            self.similar <= 50,
            "--similar {} is above the limit of 50",
            self.similar
        );
        let case = ctx.app()?.case_summary(&self.patient_id, self.similar)?;
        if let Some(path) = &self.html {
            std::fs::write(path, priors_compare::html::render(&case))
                .with_context(|| format!("writing {}", path.display()))?;
        }
        ctx.out
            .print(&case, || print_text(&case, self.html.as_ref()))?;
        Ok(ExitCode::SUCCESS)
    }
}

fn print_text(c: &CaseSummary, html: Option<&PathBuf>) {
    println!(
        "Patient {}: {}",
        c.patient_id,
        c.diagnosis.as_deref().unwrap_or("diagnosis not stated")
    );
    if let Some(h) = &c.histology {
        println!("  As stated: {h}");
    }
    if let Some(b) = &c.baseline {
        println!(
            "  Baseline ({}, {}): {} {}",
            b.report_id,
            b.exam_date,
            b.system.as_deref().unwrap_or(""),
            [b.tnm.clone(), b.stage.clone().map(|s| format!("stage {s}"))]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!("  Studies:");
    for s in &c.studies {
        println!(
            "    {:<4} {} {:<14} {:<17} Deauville {:<2} response {:<4} hottest SUVmax {}",
            s.label,
            s.exam_date,
            s.report_id,
            s.timepoint.as_deref().unwrap_or("-"),
            s.deauville.map_or("-".into(), |d| d.to_string()),
            s.response.as_deref().unwrap_or("-"),
            s.hottest_suv_max.map_or("-".into(), |v| format!("{v}"))
        );
        for l in &s.changed {
            println!("         {} {}", l.status.as_str(), l.site);
        }
    }
    println!(
        "  Now: {} {}",
        c.current_status.text,
        c.current_status
            .citations
            .iter()
            .map(|x| format!("[{x}]"))
            .collect::<String>()
    );
    println!("  Similar patients:");
    for p in &c.similar_patients {
        let next = match &p.next {
            Some(n) => format!(
                "next {} ({}): {}{}",
                n.report_id,
                n.exam_date,
                n.response.as_deref().unwrap_or("response not decided"),
                if n.new_lesions > 0 {
                    format!(", {} new lesion(s)", n.new_lesions)
                } else {
                    String::new()
                }
            ),
            None => "no later study".into(),
        };
        println!(
            "    {} {} ({}, {}) score {:.3}: {next}",
            p.patient_id,
            p.report_id,
            p.exam_date,
            p.timepoint.as_deref().unwrap_or("-"),
            p.score
        );
    }
    if let Some(h) = html {
        println!("  Page written to {}", h.display());
    }
}
