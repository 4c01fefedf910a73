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
    /// How to reach the server, when `priors serve` holds the data directory.
    #[command(flatten)]
    pub via: crate::held::ViaServer,
}

impl Args {
    /// Delete; exit status 3 when some ids were unknown.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        let config = ctx.config()?;
        let d = match crate::held::holder(&config) {
            Some(server) => {
                eprintln!(
                    "priors: {} is held by `priors serve` (pid {}); deleting through it at {}",
                    config.data.dir.display(),
                    server.pid,
                    server.addr
                );
                let (deleted, not_found) = crate::held::delete(&server, &self.via, &self.ids)?;
                priors_app::Deletion { deleted, not_found }
            }
            None => priors_app::App::open(config).delete(&self.ids)?,
        };
        ctx.out.print(&d, || {
            println!("deleted {} report(s)", d.deleted.len());
            for id in &d.not_found {
                println!("not found: {id}");
            }
        })?;
        Ok(exit_status(!d.not_found.is_empty()))
    }
}
