//! `priors-bench stream`: the memory of a running `priors serve` while one `IngestReports`
//! stream brings it many small reports. The server's resident set (VmRSS of
//! `/proc/PID/status`) is sampled every 200 ms; the figures are the RSS after each tenth of
//! the stream, so that a server that buffered the stream (or anything per record) shows a
//! line that climbs with it.

use anyhow::{Context, Result};
use priors_proto::v1 as pb;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One sample: records sent so far and the server's RSS then.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RssSample {
    pub(crate) records: usize,
    pub(crate) rss_mib: f64,
}

/// What the step measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StreamBench {
    /// Records sent on the one stream.
    pub(crate) records: usize,
    /// Report text bytes sent.
    pub(crate) text_bytes: usize,
    /// Reports the server ingested (its summary).
    pub(crate) ingested: u64,
    /// Chunks written.
    pub(crate) chunks: u64,
    /// Wall-clock seconds of the stream, from the first record to the summary.
    pub(crate) seconds: f64,
    /// The server's RSS before the stream, MiB.
    pub(crate) rss_before_mib: f64,
    /// RSS after each tenth of the stream (10 samples).
    pub(crate) rss: Vec<RssSample>,
    /// Largest RSS seen during the stream, MiB.
    pub(crate) rss_peak_mib: f64,
    /// The server's own peak (VmHWM) at the end, MiB.
    pub(crate) hwm_mib: f64,
    /// `ingest.commit_reports` of the server (from the command line of the step).
    pub(crate) commit_reports: usize,
}

fn status_kib(pid: u32, key: &str) -> Result<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    let line = s
        .lines()
        .find(|l| l.starts_with(key))
        .with_context(|| format!("{key} not in /proc/{pid}/status"))?;
    let kib: f64 = line
        .split_whitespace()
        .nth(1)
        .context("no value")?
        .parse()?;
    Ok(kib)
}

/// A small report: one findings sentence with varied numbers and sites, an impression.
fn record(i: usize) -> pb::IngestReportsRequest {
    const SITES: [&str; 8] = [
        "right upper lobe",
        "left lower lobe",
        "right hilar",
        "left axillary",
        "mediastinal",
        "right cervical level III",
        "left external iliac",
        "segment VII of the liver",
    ];
    let site = SITES[i % SITES.len()];
    let suv = 2.0 + (i % 173) as f64 / 10.0;
    let size = 6 + i % 31;
    let year = 2015 + i % 10;
    let day = 1 + i % 28;
    fn text(site: &str, suv: f64, size: usize) -> String {
        format!(
            "INDICATION: Restaging.\nFINDINGS: FDG-avid {site} lesion measuring {size} mm, SUVmax {suv:.1}. \
             No other abnormal uptake.\nIMPRESSION: Single FDG-avid {site} lesion."
        )
    }
    pb::IngestReportsRequest {
        report_id: format!("STREAM-R{i:07}"),
        patient_id: format!("STREAM-P{:06}", i / 4),
        exam_date: format!("{year}-{:02}-{day:02}", 1 + i % 12),
        modality: "PET/CT".into(),
        tracer: "FDG".into(),
        text: text(site, suv, size),
        labels_json: String::new(),
    }
}

/// Stream `records` small reports to the server at `addr` (process `pid`) on one call.
pub(crate) fn run(
    addr: &str,
    pid: u32,
    records: usize,
    commit_reports: usize,
) -> Result<StreamBench> {
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))?
            .connect()
            .await?;
        let mut client = pb::ingestion_client::IngestionClient::new(channel);
        let rss_before_mib = status_kib(pid, "VmRSS:")? / 1024.0;
        let sent = Arc::new(AtomicUsize::new(0));
        let text_bytes = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sampler = {
            let (sent, done) = (sent.clone(), done.clone());
            tokio::spawn(async move {
                let mut samples: Vec<(usize, f64)> = Vec::new();
                while !done.load(Ordering::Acquire) {
                    if let Ok(kib) = status_kib(pid, "VmRSS:") {
                        samples.push((sent.load(Ordering::Acquire), kib / 1024.0));
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                samples
            })
        };
        let (tx, rx) = tokio::sync::mpsc::channel::<pb::IngestReportsRequest>(256);
        let producer = {
            let (sent, text_bytes) = (sent.clone(), text_bytes.clone());
            tokio::spawn(async move {
                for i in 0..records {
                    let r = record(i);
                    text_bytes.fetch_add(r.text.len(), Ordering::Relaxed);
                    if tx.send(r).await.is_err() {
                        break;
                    }
                    sent.store(i + 1, Ordering::Release);
                }
            })
        };
        let started = Instant::now();
        let summary = client
            .ingest_reports(tokio_stream::wrappers::ReceiverStream::new(rx))
            .await?
            .into_inner();
        let seconds = started.elapsed().as_secs_f64();
        producer.await?;
        done.store(true, Ordering::Release);
        let samples = sampler.await?;
        let hwm_mib = status_kib(pid, "VmHWM:")? / 1024.0;
        let rss_peak_mib = samples.iter().map(|s| s.1).fold(0.0, f64::max);
        // The last sample at or before each tenth of the stream.
        let rss = (1..=10)
            .filter_map(|t| {
                let at = records * t / 10;
                samples.iter().rev().find(|s| s.0 <= at).map(|s| RssSample {
                    records: at,
                    rss_mib: s.1,
                })
            })
            .collect();
        Ok(StreamBench {
            records,
            text_bytes: text_bytes.load(Ordering::Relaxed),
            ingested: u64::from(summary.ingested),
            chunks: u64::from(summary.chunks),
            seconds,
            rss_before_mib,
            rss,
            rss_peak_mib,
            hwm_mib,
            commit_reports,
        })
    })
}
