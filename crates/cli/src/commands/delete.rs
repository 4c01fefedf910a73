//! `priors delete ID…`: reports out of both stores.

use crate::{exit_status, Ctx};
use anyhow::Result;
use std::process::ExitCode;

/// Arguments of `priors delete`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Report ids.
    #[arg(required = true, value_name = "REPORT_ID")]
    pub ids: Vec<String>,
}

impl Args {
    /// Delete; exit status 3 when some ids were unknown.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        let d = ctx.app()?.delete(&self.ids)?;
        ctx.out.print(&d, || {
            println!("deleted {} report(s)", d.deleted.len());
            for id in &d.not_found {
                println!("not found: {id}");
            }
        })?;
        Ok(exit_status(!d.not_found.is_empty()))
    }
}
