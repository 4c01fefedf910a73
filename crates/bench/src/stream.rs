//! `priors-bench stream`: the memory of a running `priors serve` while one `IngestReports`
//! stream brings it many small reports. The server's resident set (VmRSS of
//! `/proc/PID/status`) and what it has committed (Admin.Stats) are sampled every 10 s; the
//! dense engine's vectors (chunks × dim × 4 bytes, held in memory by design) are set apart,
//! so that a server that buffered the stream (or anything per record) shows a remainder that
//! climbs with it.

use anyhow::{Context, Result};
use priors_proto::v1 as pb;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One sample: seconds into the stream, records the client had handed to the stream then
/// (ahead of what the server has read by at most the HTTP/2 window and the buffers), what the
/// server had committed (Admin.Stats: reports, chunks, whether both engines agree), and the
/// server's RSS.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RssSample {
    pub(crate) seconds: f64,
    pub(crate) records: usize,
    pub(crate) reports: u64,
    pub(crate) chunks: u64,
    pub(crate) consistent: bool,
    pub(crate) rss_mib: f64,
    /// The anonymous part of the RSS (heap, stacks; not pages of mapped index files), MiB.
    pub(crate) rss_anon_mib: f64,
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
    /// Samples every 10 s of the stream (and one at its end).
    pub(crate) rss: Vec<RssSample>,
    /// Vector dimension of the server's model (the dense engine keeps vectors in memory).
    pub(crate) dim: u32,
    /// Largest RSS of the samples, MiB.
    pub(crate) rss_peak_mib: f64,
    /// The server's own peak (VmHWM) at the end, MiB.
    pub(crate) hwm_mib: f64,
    /// `ingest.commit_reports` of the server (from the command line of the step).
    pub(crate) commit_reports: usize,
    /// The same records sent again on a second stream.
    #[serde(default)]
    pub(crate) resend: Option<Resend>,
}

/// The second stream: the same records, all unchanged.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Resend {
    /// Reports the server found unchanged.
    pub(crate) unchanged: u64,
    /// Seconds of the stream.
    pub(crate) seconds: f64,
    /// Samples every second.
    pub(crate) rss: Vec<RssSample>,
}

/// A memory field of process `pid` (`VmRSS`, `VmHWM`, `RssAnon`, …), MiB (Linux).
pub(crate) fn status_mib(pid: u32, key: &str) -> Result<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    priors_app::eval::status_mib(&s, key)
        .with_context(|| format!("no {key} in kB in /proc/{pid}/status"))
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
            "FINDINGS: FDG-avid {site} lesion measuring {size} mm, SUVmax {suv:.1}. \
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

/// One stream of `records` records: the samples taken every `every`, the server's summary,
/// the seconds it took and the bytes of text sent.
async fn one_stream(
    channel: tonic::transport::Channel,
    pid: u32,
    records: usize,
    every: Duration,
) -> Result<(Vec<RssSample>, pb::IngestSummary, f64, usize)> {
    let mut client = pb::ingestion_client::IngestionClient::new(channel.clone());
    let sent = Arc::new(AtomicUsize::new(0));
    let text_bytes = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let started = Instant::now();
    let mut admin = pb::admin_client::AdminClient::new(channel);
    let sampler = {
        let (sent, done) = (sent.clone(), done.clone());
        tokio::spawn(async move {
            let mut samples: Vec<RssSample> = Vec::new();
            let mut next = every;
            loop {
                let finished = done.load(Ordering::Acquire);
                if finished || started.elapsed() >= next {
                    next += every;
                    let records = sent.load(Ordering::Acquire);
                    // Stats waits for the group being written, and for the dense index build
                    // after the last group (minutes at 100k reports): a sample that cannot
                    // have it in time keeps the previous counts and says so.
                    let mut request = tonic::Request::new(pb::StatsRequest {});
                    request.set_timeout(Duration::from_secs(300));
                    let stats = admin.stats(request).await.ok().map(|r| r.into_inner());
                    let last = samples.last();
                    samples.push(RssSample {
                        seconds: started.elapsed().as_secs_f64(),
                        records,
                        reports: stats
                            .as_ref()
                            .map_or(last.map_or(0, |l| l.reports), |s| s.reports),
                        chunks: stats
                            .as_ref()
                            .map_or(last.map_or(0, |l| l.chunks), |s| s.chunks),
                        consistent: stats.as_ref().is_some_and(|s| s.consistent),
                        rss_mib: status_mib(pid, "VmRSS")?,
                        rss_anon_mib: status_mib(pid, "RssAnon")?,
                    });
                }
                if finished {
                    return Ok::<_, anyhow::Error>(samples);
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
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
    let summary = client
        .ingest_reports(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await?
        .into_inner();
    let seconds = started.elapsed().as_secs_f64();
    producer.await?;
    done.store(true, Ordering::Release);
    let samples = sampler.await??;
    Ok((
        samples,
        summary,
        seconds,
        text_bytes.load(Ordering::Relaxed),
    ))
}

/// Stream `records` small reports to the server at `addr` (process `pid`) on one call, then
/// the same records again on a second call (all unchanged by then: read, hashed, looked up and
/// skipped, so nothing is embedded or written and only the stream path is measured).
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
        let dim = pb::admin_client::AdminClient::new(channel.clone())
            .stats(pb::StatsRequest {})
            .await?
            .into_inner()
            .dim;
        let rss_before_mib = status_mib(pid, "VmRSS")?;
        let (rss, summary, seconds, text_bytes) =
            one_stream(channel.clone(), pid, records, Duration::from_secs(10)).await?;
        let hwm_mib = status_mib(pid, "VmHWM")?;
        let rss_peak_mib = rss.iter().map(|s| s.rss_mib).fold(0.0, f64::max);
        let (again, again_summary, again_seconds, _) =
            one_stream(channel, pid, records, Duration::from_secs(1)).await?;
        Ok(StreamBench {
            records,
            text_bytes,
            ingested: u64::from(summary.ingested),
            chunks: u64::from(summary.chunks),
            seconds,
            rss_before_mib,
            rss,
            dim,
            rss_peak_mib,
            hwm_mib,
            commit_reports,
            resend: Some(Resend {
                unchanged: u64::from(again_summary.unchanged),
                seconds: again_seconds,
                rss: again,
            }),
        })
    })
}
