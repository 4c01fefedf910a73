//! `priors compare`: lesion-level comparison of two studies, with Deauville and the response.
//!
//! Two forms (the contract of issue #11; `--json` prints the comparison object):
//! - `priors compare --prior-file P --current-file C --cancer lymphoma|lung|solid` reads two
//!   findings texts (or whole reports: their findings sections); no store is needed;
//! - `priors compare --patient ID --current-file C [--against REPORT_ID]` compares with the
//!   patient's stored studies: the latest before `--exam-date` (today by default), the named
//!   report, or `--against baseline`.
//!
//! `lymphoma` (or a lymphoma type id such as `dlbcl`) applies Lugano 2014 with the Deauville
//! score; `lung`, `solid` and every other cancer use PERCIST-style rules on SUVmax as reported.

use crate::Ctx;
use anyhow::{bail, Context, Result};
use priors_app::App;
use priors_compare::{Against, Comparison, Framework, Status};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `priors compare`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The current study's findings (or whole report).
    #[arg(long)]
    pub current_file: PathBuf,
    /// The prior study's findings (or whole report), for a comparison without a store.
    #[arg(long, conflicts_with_all = ["patient", "against"])]
    pub prior_file: Option<PathBuf>,
    /// lymphoma (Lugano) or lung / solid (PERCIST-style); with --prior-file.
    #[arg(long)]
    pub cancer: Option<String>,
    /// Compare with this patient's stored studies.
    #[arg(long)]
    pub patient: Option<String>,
    /// With --patient: the report id to compare with, or `baseline` (default: the latest study
    /// before the current exam).
    #[arg(long, requires = "patient")]
    pub against: Option<String>,
    /// With --patient: the current exam's date, YYYY-MM-DD (default: today).
    #[arg(long, requires = "patient")]
    pub exam_date: Option<String>,
    /// With --patient: the clinical indication (names the cancer when the store does not).
    #[arg(long, default_value = "")]
    pub indication: String,
}

fn read(path: &PathBuf) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

impl Args {
    /// Run the comparison and print it.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        let current = read(&self.current_file)?;
        let comparison = match (&self.prior_file, &self.patient) {
            (Some(prior), None) => {
                let cancer = self
                    .cancer
                    .as_deref()
                    .context("--prior-file needs --cancer lymphoma|lung|solid")?;
                let framework = Framework::for_cancer(cancer).with_context(|| {
                    format!("unknown --cancer `{cancer}` (expected lymphoma, lung or solid)")
                })?;
                // No store is opened: only the configured limits are used.
                App::open(ctx.config()?).compare_texts(&read(prior)?, &current, framework)?
            }
            (None, Some(patient)) => {
                let against = match self.against.as_deref() {
                    None => Against::Latest,
                    Some(a) if a.eq_ignore_ascii_case("baseline") => Against::Baseline,
                    Some(id) => Against::Report(id.to_string()),
                };
                let exam_date = match &self.exam_date {
                    None => None,
                    Some(d) => Some(
                        d.parse()
                            .with_context(|| format!("--exam-date {d:?} is not YYYY-MM-DD"))?,
                    ),
                };
                ctx.app()?.compare_patient(
                    patient,
                    &current,
                    &self.indication,
                    &against,
                    exam_date,
                )?
            }
            (Some(_), Some(_)) => bail!("give either --prior-file or --patient, not both"),
            (None, None) => bail!("give --prior-file P --cancer C, or --patient ID"),
        };
        ctx.out.print(&comparison, || print_text(&comparison))?;
        Ok(ExitCode::SUCCESS)
    }
}

fn num(v: Option<f32>) -> String {
    v.map_or("-".into(), |x| format!("{x}"))
}

fn print_text(c: &Comparison) {
    let prior = match (&c.prior.report_id, c.prior.exam_date) {
        (Some(id), Some(d)) => format!(" with {id} ({d})"),
        _ => String::new(),
    };
    println!(
        "Comparison{prior}, {}:",
        match c.framework {
            Framework::Lugano => "Lugano 2014",
            Framework::Percist => "PERCIST-style on SUVmax",
        }
    );
    if c.framework == Framework::Lugano {
        println!(
            "  Deauville: {}",
            c.deauville.map_or("not decided".into(), |d| d.to_string())
        );
    }
    println!(
        "  Response:  {}",
        c.response.as_deref().unwrap_or("not decided")
    );
    println!("  Lesions:");
    for l in c.lesions.iter().chain(&c.new_lesions) {
        let pct = l
            .change_pct
            .map_or(String::new(), |p| format!(" ({p:+.1}%)"));
        let counted = if l.counted || l.status != Status::New {
            ""
        } else {
            " [not counted]"
        };
        println!(
            "    {:<40} {:<13} SUVmax {} -> {}{pct}{counted}",
            l.site,
            l.status.as_str(),
            num(l.prior_suv_max),
            num(l.current_suv_max)
        );
    }
    for e in &c.evidence {
        println!(
            "  [{}] {} {}: {}",
            e.guideline,
            serde_json::to_string(&e.decision)
                .unwrap_or_default()
                .trim_matches('"'),
            e.value,
            e.note
        );
    }
    for m in &c.missing {
        println!("  missing: {}", m.reason);
    }
    println!("  Measure: {}", c.measure);
}
