//! `priors serve`: the gRPC API until SIGINT/SIGTERM.

use crate::Ctx;
use anyhow::{Context, Result};
use priors_app::App;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Arguments of `priors serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Listen address (overrides `server.addr`); port 0 picks a free port.
    #[arg(long)]
    pub addr: Option<String>,
    /// Write the bound address here once the server accepts calls.
    #[arg(long, value_name = "FILE")]
    pub port_file: Option<PathBuf>,
}

impl Args {
    /// Serve until a signal.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        serve(ctx.app()?, self.addr, self.port_file.as_deref())?;
        Ok(ExitCode::SUCCESS)
    }
}

/// Run the server until SIGINT/SIGTERM. With `port_file`, the bound address is written there
/// once the server accepts connections (so callers may bind port 0).
fn serve(app: App, addr: Option<String>, port_file: Option<&Path>) -> Result<()> {
    let config = app.config().clone();
    let data_dir = config.data.dir.clone();
    priors_server::install_crypto_provider();
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    rt.block_on(async move {
        let addr = addr.unwrap_or_else(|| config.server.addr.clone());
        let state =
            tokio::task::spawn_blocking(move || priors_server::AppState::new(app)).await??;
        let (listener, local) = priors_server::bind(&addr).await?;
        let ready = || -> std::io::Result<()> {
            if let Some(p) = port_file {
                let at = |path: &Path| {
                    let path = path.display().to_string();
                    move |e: std::io::Error| {
                        std::io::Error::new(e.kind(), format!("writing {path}: {e}"))
                    }
                };
                let tmp = p.with_extension("tmp");
                std::fs::write(&tmp, local.to_string()).map_err(at(&tmp))?;
                std::fs::rename(&tmp, p).map_err(at(p))?;
            }
            // Where `priors ingest`/`delete` find this server to send their writes through.
            let mut reach = local;
            if reach.ip().is_unspecified() {
                reach.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
            }
            crate::held::announce(
                &data_dir,
                &crate::held::ServerFile {
                    addr: reach.to_string(),
                    pid: std::process::id(),
                    tls: !config.server.tls_cert.as_os_str().is_empty(),
                },
            )?;
            eprintln!(
                "priors: serving gRPC on {local} ({}; LLM: {})",
                if config.server.tls_cert.as_os_str().is_empty() {
                    "plaintext"
                } else {
                    "TLS"
                },
                if config.llm.base_url.is_empty() {
                    "none, extractive drafting"
                } else {
                    config.llm.base_url.as_str()
                }
            );
            Ok(())
        };
        let served =
            priors_server::serve(Arc::new(state), listener, shutdown_signal(), ready).await;
        crate::held::withdraw(&data_dir);
        served?;
        eprintln!("priors: server stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("priors: shutting down (draining in-flight calls)");
}
