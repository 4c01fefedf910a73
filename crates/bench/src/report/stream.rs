//! The section "Streaming ingestion: server memory over one stream", from
//! `priors-bench stream` ([`StreamBench`]).

use super::{need, RunContext};
use crate::stream::StreamBench;
use anyhow::Result;

/// The section's Markdown.
pub(super) fn render(s: &StreamBench, run: &RunContext) -> Result<String> {
    let machine = need(&run.machine, "machine")?;
    let cores = need(&run.cores, "cores")?;
    let commit = need(&run.commit, "commit")?;
    let time = need(&run.time, "time")?;
    let rows = s
        .rss
        .iter()
        .map(|r| format!("| {} | {:.0} |", r.records, r.rss_mib))
        .collect::<Vec<_>>()
        .join("\n");
    let first = s.rss.first().map_or(0.0, |r| r.rss_mib);
    let last = s.rss.last().map_or(0.0, |r| r.rss_mib);
    let growth = if first > 0.0 { last / first } else { 0.0 };
    let mib_text = s.text_bytes as f64 / (1024.0 * 1024.0);
    Ok(format!(
        r#"## Streaming ingestion: server memory over one stream

Command: `target/release/priors serve` on an empty data directory
(`PRIORS__INGEST__COMMIT_REPORTS={commit_reports}`), and `target/release/priors-bench stream
--addr … --pid … --records {records}` on the same machine ({machine}, {cores} cores; commit
`{commit}`; {time}). One `IngestReports` call sends {records} small reports (one findings
sentence each, {mib_text:.1} MiB of text in all); the server's resident set (VmRSS) is
sampled every 200 ms and shown after each tenth of the stream.

| records sent | server RSS MiB |
|---|---|
{rows}

Before the stream: {before:.0} MiB (model and engines loaded). Peak during the stream
{peak:.0} MiB, VmHWM {hwm:.0} MiB. RSS after the whole stream ÷ after its first tenth:
**{growth:.2}** — flat means records are not held: they enter the pipeline as they arrive and
are committed in groups. What still grows with the stream, by design: the ids seen in this
call (to refuse a duplicate id within one stream; ~50 bytes per record), the engines' own
indexes, and the page cache of the files they write. {ingested} reports ({chunks} chunks)
were ingested in {seconds:.0} s ({rate:.0} reports/s).
"#,
        commit_reports = s.commit_reports,
        records = s.records,
        before = s.rss_before_mib,
        peak = s.rss_peak_mib,
        hwm = s.hwm_mib,
        ingested = s.ingested,
        chunks = s.chunks,
        seconds = s.seconds,
        rate = s.ingested as f64 / s.seconds.max(1e-9),
    ))
}
