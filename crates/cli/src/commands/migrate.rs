//! `priors migrate --to-qdrant URL [--collection NAME]`: move the dense vectors of the data
//! directory's collections to a Qdrant server, without re-embedding.

use crate::Ctx;
use anyhow::{bail, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::process::ExitCode;

/// Arguments of `priors migrate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Qdrant server's gRPC address (`http://host:6334`). The rest of `[store.qdrant]`
    /// (collection prefix, shards, replicas, quantization, API key) comes from the config.
    #[arg(long, value_name = "URL")]
    pub to_qdrant: String,
    /// Only this collection (`reports`, `guidelines`, …); default: every collection in the
    /// data directory.
    #[arg(long, value_name = "NAME")]
    pub collection: Option<String>,
}

impl Args {
    /// Copy, verify, switch; print one summary per collection.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        let config = ctx.config()?;
        if let Some(server) = crate::held::holder(&config) {
            bail!(
                "{} is held by `priors serve` (pid {}): stop it, migrate, then start it again \
                 with store.qdrant.url = {:?}",
                config.data.dir.display(),
                server.pid,
                self.to_qdrant
            );
        }
        let app = priors_app::App::open(config);
        let bar = if ctx.out.progress() {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix:>12} [{bar:40}] {pos}/{len} points ({per_sec}, eta {eta})",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar
        } else {
            ProgressBar::hidden()
        };
        let mut progress = |name: &str, done: usize, total: usize| {
            if bar.prefix() != name {
                bar.set_prefix(name.to_string());
                bar.reset();
            }
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        };
        let done =
            app.migrate_to_qdrant(&self.to_qdrant, self.collection.as_deref(), &mut progress)?;
        bar.finish_and_clear();
        if done.is_empty() {
            bail!("no collection in this data directory (nothing to migrate)");
        }
        for m in &done {
            ctx.out.print(m, || {
                if m.already {
                    println!(
                        "{}: already on {} as {} ({} points)",
                        m.collection, m.url, m.remote_collection, m.points
                    );
                } else {
                    println!(
                        "{}: {} points on {} as {} ({} copied{}; counts, every chunk key and \
                         {} sampled vectors verified)",
                        m.collection,
                        m.points,
                        m.url,
                        m.remote_collection,
                        m.copied,
                        if m.resumed { ", resumed" } else { "" },
                        m.sampled
                    );
                }
            })?;
        }
        if !ctx.out.json {
            eprintln!(
                "priors: the data directory now expects its vectors on the server: set \
                 store.qdrant.url = {:?} (or PRIORS__STORE__QDRANT__URL={}); the embedded copy \
                 in each collection's qdrant/ directory is no longer read and may be deleted",
                self.to_qdrant, self.to_qdrant
            );
        }
        Ok(ExitCode::SUCCESS)
    }
}
