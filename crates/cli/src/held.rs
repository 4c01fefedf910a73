//! Writes to a data directory that a running `priors serve` holds.
//!
//! The server writes `<data dir>/server.json` (its address, process id and whether it speaks
//! TLS) once it accepts calls, and removes it when it stops. `priors ingest` and
//! `priors delete` look for it first: when the file is there **and** the directory's `LOCK`
//! is held (a file left by a killed server is ignored), they send their work through that
//! server over gRPC (`IngestReports`, `DeleteReport`) with the token of `--token` /
//! `PRIORS_TOKEN` (scope `write`), instead of waiting on the lock or failing.

use crate::client::{status_error, ClientArgs};
use anyhow::{Context, Result};
use priors_ingest::{IngestSummary, RecordFailure};
use priors_parse::{Limits, Location};
use priors_proto::v1 as pb;
use serde::{Deserialize, Serialize};
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Name of the address file in the data directory.
pub const SERVER_FILE: &str = "server.json";

/// What a running server says about itself in [`SERVER_FILE`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerFile {
    /// Where it listens (`127.0.0.1:50051`; loopback when it listens on every address).
    pub addr: String,
    /// Its process id.
    pub pid: u32,
    /// Whether it speaks TLS.
    pub tls: bool,
}

/// Write `dir/server.json` (atomically).
pub fn announce(dir: &Path, file: &ServerFile) -> std::io::Result<()> {
    let path = dir.join(SERVER_FILE);
    let tmp = dir.join("server.json.tmp");
    std::fs::write(
        &tmp,
        serde_json::to_vec(file).map_err(std::io::Error::other)?,
    )?;
    std::fs::rename(&tmp, &path)
}

/// Remove `dir/server.json` if it is this process's.
pub fn withdraw(dir: &Path) {
    let path = dir.join(SERVER_FILE);
    if let Ok(bytes) = std::fs::read(&path) {
        if let Ok(f) = serde_json::from_slice::<ServerFile>(&bytes) {
            if f.pid == std::process::id() {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// The server holding the data directory of `config`, if one does: its address file exists
/// and the `reports` collection's lock is taken.
pub fn holder(config: &priors_core::Config) -> Option<ServerFile> {
    let dir = &config.data.dir;
    let file: ServerFile =
        serde_json::from_slice(&std::fs::read(dir.join(SERVER_FILE)).ok()?).ok()?;
    let lock_path = priors_app::collection_dir(config, priors_app::REPORTS).join("LOCK");
    let lock = OpenOptions::new().write(true).open(lock_path).ok()?;
    match lock.try_lock() {
        Ok(()) => None, // nobody holds it: the file is stale (a killed server's)
        Err(std::fs::TryLockError::WouldBlock) => Some(file),
        Err(std::fs::TryLockError::Error(_)) => None,
    }
}

/// How to authenticate to the server that holds the data directory.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ViaServer {
    /// Bearer token (scope `write`) for the server that holds the data directory, when one
    /// does and requires tokens.
    #[arg(long, env = "PRIORS_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// CA certificate (PEM) of that server, when it speaks TLS.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

impl ViaServer {
    fn client(&self, server: &ServerFile) -> Result<ClientArgs> {
        if server.tls && self.ca_cert.is_none() {
            anyhow::bail!(
                "the data directory is held by `priors serve` (pid {}) on {} with TLS: \
                 pass --ca-cert FILE to send the work through it, or stop it",
                server.pid,
                server.addr
            );
        }
        let scheme = if server.tls { "https" } else { "http" };
        Ok(ClientArgs::new(
            format!("{scheme}://{}", server.addr),
            self.token.clone(),
            self.ca_cert.clone(),
            // A stream of a whole archive may take hours; the server applies no deadline of
            // its own to it.
            Duration::from_secs(7 * 24 * 3600),
        ))
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Ingest `paths` through the server: records are read here, streamed to it, and committed
/// there in groups as they arrive. Records this side cannot read are reported as they would
/// be locally; the server's per-record errors are mapped back to file and line.
pub fn ingest(
    server: &ServerFile,
    via: &ViaServer,
    paths: &[PathBuf],
    limits: Limits,
) -> Result<IngestSummary> {
    let client = via.client(server)?;
    let files = priors_ingest::input_files(paths)?;
    let (tx, rx) = tokio::sync::mpsc::channel::<pb::IngestReportsRequest>(64);
    let sent: Arc<Mutex<Vec<Location>>> = Arc::default();
    let local: Arc<Mutex<Vec<RecordFailure>>> = Arc::default();
    let reader = {
        let (sent, local) = (sent.clone(), local.clone());
        std::thread::spawn(move || -> Result<()> {
            for file in files {
                for rec in priors_parse::read_file(&file, &limits)? {
                    match rec.result {
                        Ok(r) => {
                            let m = pb::IngestReportsRequest {
                                report_id: r.report_id,
                                patient_id: r.patient_id,
                                exam_date: r.exam_date.format("%Y-%m-%d").to_string(),
                                modality: r.modality.unwrap_or_default(),
                                tracer: r.tracer.unwrap_or_default(),
                                text: r.text,
                                labels_json: r
                                    .labels
                                    .map(|l| serde_json::to_string(&l))
                                    .transpose()?
                                    .unwrap_or_default(),
                            };
                            lock(&sent).push(rec.location);
                            if tx.blocking_send(m).is_err() {
                                return Ok(()); // the call ended; its status says why
                            }
                        }
                        Err(e) => lock(&local).push(RecordFailure {
                            file: rec.location.file,
                            line: rec.location.line,
                            record: rec.location.record,
                            report_id: None,
                            kind: e.kind.as_str().to_string(),
                            message: e.message,
                        }),
                    }
                }
            }
            Ok(())
        })
    };
    let rt = runtime()?;
    let answer = rt.block_on(async {
        let channel = client.channel().await?;
        let mut c =
            pb::ingestion_client::IngestionClient::new(channel).max_decoding_message_size(64 << 20);
        let request = client.request(tokio_stream::wrappers::ReceiverStream::new(rx))?;
        c.ingest_reports(request).await.map_err(status_error)
    });
    let read = reader
        .join()
        .map_err(|_| anyhow::anyhow!("reader thread panicked"))?;
    let s = answer?.into_inner();
    read?;
    let sent = std::mem::take(&mut *lock(&sent));
    let mut errors = std::mem::take(&mut *lock(&local));
    let unread = errors.len();
    for e in s.errors {
        let at = sent.get((e.record as usize).saturating_sub(1));
        errors.push(RecordFailure {
            file: at
                .map(|l| l.file.clone())
                .unwrap_or_else(|| "IngestReports".into()),
            line: at.and_then(|l| l.line),
            record: at.map_or(e.record as usize, |l| l.record),
            report_id: (!e.report_id.is_empty()).then_some(e.report_id),
            kind: e.kind,
            message: e.message,
        });
    }
    Ok(IngestSummary {
        ingested: s.ingested as usize,
        unchanged: s.unchanged as usize,
        updated: s.updated as usize,
        failed: errors.len(),
        chunks: s.chunks as usize,
        seconds: s.seconds,
        recovered: s.recovered as usize,
        received: s.received as usize + unread,
        errors,
        ..Default::default()
    })
}

/// Delete `ids` through the server; `(deleted, not_found)`.
pub fn delete(
    server: &ServerFile,
    via: &ViaServer,
    ids: &[String],
) -> Result<(Vec<String>, Vec<String>)> {
    let client = via.client(server)?;
    runtime()?.block_on(async {
        let mut c = pb::ingestion_client::IngestionClient::new(client.channel().await?);
        let (mut deleted, mut not_found) = (Vec::new(), Vec::new());
        for id in ids {
            let r = c
                .delete_report(client.request(pb::DeleteReportRequest {
                    report_id: id.clone(),
                })?)
                .await;
            match r {
                Ok(_) => deleted.push(id.clone()),
                Err(s) if s.code() == tonic::Code::NotFound => not_found.push(id.clone()),
                Err(s) => return Err(status_error(s)),
            }
        }
        Ok((deleted, not_found))
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
