//! `priors timeline PATIENT_ID`: every report of a patient by exam date.

use crate::Ctx;
use anyhow::Result;
use serde::Serialize;
use std::process::ExitCode;

/// Arguments of `priors timeline`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Patient id.
    pub patient_id: String,
}

/// Serialised from the typed entries (not through `json!`), so f32 values print as written
/// (4.7, not 4.699999809265137).
#[derive(Serialize)]
struct Timeline<'a> {
    patient_id: &'a str,
    reports: Vec<priors_retrieval::TimelineEntry>,
}

impl Args {
    /// Print the timeline.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        let reports = ctx.app()?.timeline(&self.patient_id)?;
        ctx.out.print_pretty(&Timeline {
            patient_id: &self.patient_id,
            reports,
        })?;
        Ok(ExitCode::SUCCESS)
    }
}
