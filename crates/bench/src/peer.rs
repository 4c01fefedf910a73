//! `priors-bench peer`: runs the Python peer of issue #13 (`python_rag_peer.py`: qdrant-client
//! in local mode, Python fastembed with the same ONNX model, bm25s, RRF) on a BEIR dataset and
//! measures what it cannot measure itself, its peak resident set.
//!
//! The peer prints one JSON line (documents, queries, `ingest_s`, `p50_ms`, `p99_ms`,
//! `ndcg@10`); this command spawns it, polls `/proc/<pid>/status` for its VmHWM (the kernel's
//! high-water mark, so a poll only has to come after the peak, not at it; growth in the last
//! interval before the exit is the only thing that can be missed) until it exits, and prints
//! one JSON object: the peer's figures, its peak RSS and the wall-clock seconds of the run.
//! The peer's stderr passes through.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What `python_rag_peer.py` prints (its keys, verbatim).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PeerOutput {
    /// What the peer is, e.g. `python qdrant-client(local)+fastembed+bm25s+RRF`.
    pub(crate) peer: String,
    /// Documents ingested.
    pub(crate) docs: usize,
    /// Judged queries run.
    pub(crate) queries: usize,
    /// Seconds to embed and index the corpus (model loading and reading excluded).
    pub(crate) ingest_s: f64,
    /// Median hybrid query latency (query embedding included), ms.
    pub(crate) p50_ms: f64,
    /// 99th percentile of the same, ms.
    pub(crate) p99_ms: f64,
    /// nDCG@10 over the judged queries.
    #[serde(rename = "ndcg@10")]
    pub(crate) ndcg_at_10: f64,
}

/// What `priors-bench peer` prints (`peer.json` of `scripts/bench.sh`): the peer's own
/// figures ([`PeerOutput`], as it measured them: numpy's interpolated percentiles), then what
/// this command adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PeerBench {
    #[serde(flatten)]
    pub(crate) result: PeerOutput,
    /// The script run (as given).
    pub(crate) script: String,
    /// The peer process's peak resident set (VmHWM), MiB; `None` where `/proc` has none.
    pub(crate) peak_rss_mib: Option<f64>,
    /// Wall-clock seconds of the whole peer run (Python start-up and model loading included).
    pub(crate) seconds: f64,
}

/// The peer's result from its stdout: the last non-blank line, which must be its JSON object
/// (libraries may print before it).
pub(crate) fn parse_output(stdout: &str) -> Result<PeerOutput> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .context("the peer printed nothing on stdout (expected one JSON line)")?;
    serde_json::from_str(line.trim()).with_context(|| {
        format!(
            "the peer's last line is not its JSON result (peer, docs, queries, ingest_s, \
             p50_ms, p99_ms, ndcg@10): {line:?}"
        )
    })
}

/// Run `python script dataset model`, polling its VmHWM every `poll`.
pub(crate) fn run(
    python: &Path,
    script: &Path,
    dataset: &Path,
    model: &Path,
    poll: Duration,
) -> Result<PeerBench> {
    if !script.is_file() {
        bail!("peer script {} not found", script.display());
    }
    let started = Instant::now();
    let mut child = Command::new(python)
        .arg(script)
        .arg(dataset)
        .arg(model)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting {}", python.display()))?;
    let pid = child.id();
    // Read stdout on its own thread, so a full pipe never blocks the peer.
    let mut out = child.stdout.take().context("no stdout pipe")?;
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).map(|_| s)
    });
    let mut peak: Option<f64> = None;
    let status = loop {
        // Read before checking for the exit: once reaped, the status file is gone.
        if let Some(mib) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .as_deref()
            .and_then(priors_app::eval::vm_hwm_mib)
        {
            peak = Some(peak.map_or(mib, |p: f64| p.max(mib)));
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(poll);
    };
    let seconds = started.elapsed().as_secs_f64();
    let stdout = reader
        .join()
        .map_err(|_| anyhow::anyhow!("stdout reader panicked"))?
        .context("reading the peer's stdout")?;
    if !status.success() {
        bail!(
            "the peer exited with {status}; its stdout ended with: {:?}",
            stdout.lines().last().unwrap_or("")
        );
    }
    Ok(PeerBench {
        result: parse_output(&stdout)?,
        script: script.display().to_string(),
        peak_rss_mib: peak,
        seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"peer": "python qdrant-client(local)+fastembed+bm25s+RRF", "docs": 5183, "queries": 300, "ingest_s": 480.12, "p50_ms": 13.7, "p99_ms": 34.4, "ndcg@10": 0.709}"#;

    #[test]
    fn the_peers_line_is_parsed_after_other_output() {
        let o = parse_output(&format!("loading…\n{LINE}\n\n")).unwrap();
        assert_eq!(o.docs, 5183);
        assert_eq!(o.queries, 300);
        assert_eq!((o.ingest_s, o.p50_ms, o.p99_ms), (480.12, 13.7, 34.4));
        assert_eq!(o.ndcg_at_10, 0.709);
        assert!(o.peer.contains("bm25s"));
    }

    #[test]
    fn bad_output_is_a_clear_error() {
        let err = parse_output("  \n\n").unwrap_err().to_string();
        assert!(err.contains("printed nothing"), "{err}");
        let err = format!(
            "{:#}",
            parse_output(&format!("{LINE}\nTraceback: boom")).unwrap_err()
        );
        assert!(err.contains("not its JSON result"), "{err}");
        assert!(err.contains("Traceback: boom"), "{err}");
        // A key missing (here nDCG@10) is named.
        let err = format!("{:#}", parse_output(r#"{"peer": "p", "docs": 1, "queries": 1, "ingest_s": 1.0, "p50_ms": 1.0, "p99_ms": 1.0}"#).unwrap_err());
        assert!(err.contains("ndcg@10"), "{err}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_child_is_run_and_its_peak_rss_read() {
        // `sh script dataset model`: the script prints a peer line after using some memory.
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("peer.sh");
        std::fs::write(
            &script,
            format!("x=$(head -c 2000000 /dev/zero | tr '\\0' a); sleep 0.2; echo noise; echo '{LINE}'\n"),
        )
        .unwrap();
        let got = run(
            Path::new("sh"),
            &script,
            Path::new("d"),
            Path::new("m"),
            Duration::from_millis(20),
        )
        .unwrap();
        assert_eq!(got.result.docs, 5183);
        assert_eq!(got.script, script.display().to_string());
        assert!(got.peak_rss_mib.is_some_and(|m| m > 0.0), "{got:?}");

        std::fs::write(&script, "echo 'not json'; exit 2\n").unwrap();
        let err = run(
            Path::new("sh"),
            &script,
            Path::new("d"),
            Path::new("m"),
            Duration::from_millis(20),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("exited with"), "{err}");
        let err = run(
            Path::new("sh"),
            &dir.path().join("missing.py"),
            Path::new("d"),
            Path::new("m"),
            Duration::from_millis(20),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("not found"), "{err}");
    }
}
