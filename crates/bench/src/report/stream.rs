//! The section "Streaming ingestion: server memory over one stream", from
//! `priors-bench stream` ([`StreamBench`]).

use super::{need, RunContext};
use crate::stream::{RssSample, StreamBench};
use anyhow::Result;

/// At most this many rows of a table: the samples nearest each step of the stream, and the
/// last ones (the index build).
const ROWS: usize = 12;

/// The samples shown: about `ROWS` evenly spaced ones, the last two always.
fn shown(samples: &[RssSample]) -> Vec<&RssSample> {
    if samples.len() <= ROWS {
        return samples.iter().collect();
    }
    let step = samples.len().div_ceil(ROWS - 2);
    let mut out: Vec<&RssSample> = samples.iter().step_by(step).collect();
    for s in &samples[samples.len() - 2..] {
        if !out.iter().any(|o| std::ptr::eq(*o, s)) {
            out.push(s);
        }
    }
    out
}

/// The section's Markdown.
pub(super) fn render(s: &StreamBench, run: &RunContext) -> Result<String> {
    let machine = need(&run.machine, "machine")?;
    let cores = need(&run.cores, "cores")?;
    let commit = need(&run.commit, "commit")?;
    let time = need(&run.time, "time")?;
    let vectors_mib = |chunks: u64| chunks as f64 * f64::from(s.dim) * 4.0 / (1024.0 * 1024.0);
    let rest = |r: &RssSample| r.rss_anon_mib - vectors_mib(r.chunks);
    let in_flight = |r: &RssSample| (r.records as u64).saturating_sub(r.reports);
    let rows = shown(&s.rss)
        .into_iter()
        .map(|r| {
            format!(
                "| {:.0} | {} | {} | {} | {} | {} | {:.0} | {:.0} | {:.0} | {:.0} |",
                r.seconds,
                r.records,
                r.reports,
                in_flight(r),
                r.chunks,
                if r.consistent { "yes" } else { "**no**" },
                r.rss_mib,
                r.rss_anon_mib,
                vectors_mib(r.chunks),
                rest(r)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    // While records arrive (before the index build that follows the last group).
    let streaming: Vec<&RssSample> = s
        .rss
        .iter()
        .filter(|r| r.reports > 0 && (r.reports as usize) < s.records)
        .collect();
    let max_in_flight = s.rss.iter().map(in_flight).max().unwrap_or(0);
    let (rest_first, rest_last) = match (streaming.first(), streaming.last()) {
        (Some(f), Some(l)) => (rest(f), rest(l)),
        _ => (0.0, 0.0),
    };
    let per_report_kib = match (streaming.first(), streaming.last()) {
        (Some(f), Some(l)) if l.reports > f.reports => {
            (rest(l) - rest(f)) * 1024.0 / (l.reports - f.reports) as f64
        }
        _ => 0.0,
    };
    let all_consistent = s.rss.iter().all(|r| r.consistent);
    let resend = match &s.resend {
        None => String::new(),
        Some(r) => {
            let rows = shown(&r.rss)
                .into_iter()
                .map(|x| {
                    format!(
                        "| {:.0} | {} | {:.0} | {:.0} |",
                        x.seconds, x.records, x.rss_mib, x.rss_anon_mib
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            let anon: Vec<f64> = r.rss.iter().map(|x| x.rss_anon_mib).collect();
            let lo = anon.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = anon.iter().copied().fold(0.0, f64::max);
            format!(
                "\n\n**The stream path alone.** The same {records} records again on a second \
                 stream, all unchanged by then ({unchanged} found unchanged, {secs:.0} s): each \
                 is received, validated, hashed and looked up in its group, and nothing is \
                 embedded or written, so the engines do not grow (samples every second):\n\n\
                 | seconds | records sent | RSS MiB | anonymous MiB |\n|---|---|---|---|\n{rows}\n\n\
                 Anonymous RSS over the whole second stream: **{lo:.0} to {hi:.0} MiB** — \
                 constant in the stream's length: the server holds no record beyond the \
                 in-flight window.",
                records = s.records,
                unchanged = r.unchanged,
                secs = r.seconds,
            )
        }
    };
    let mib_text = s.text_bytes as f64 / (1024.0 * 1024.0);
    Ok(format!(
        r#"## Streaming ingestion: server memory over one stream

Command: `target/release/priors serve` on an empty data directory
(`PRIORS__INGEST__COMMIT_REPORTS={commit_reports}`), and `target/release/priors-bench stream
--addr … --pid … --records {records}` on the same machine ({machine}, {cores} cores; commit
`{commit}`; {time}). One `IngestReports` call sends {records} small reports (one findings
sentence and an impression each, {mib_text:.1} MiB of text in all). Every 10 s the step
reads the server's resident set (VmRSS, and its anonymous part: heap and stacks, not the
pages of index files the engines map) and what it has committed (`Admin.Stats`, which also
checks that both engines agree), with the records the client had handed to the stream by
then. "In flight" = sent − committed: records on the wire, in HTTP/2 flow-control windows,
in the server's 64-record buffer and in the pipeline's unfinished groups. The embedded dense
engine keeps its vectors in memory by design (chunks × {dim} × 4 bytes, "vectors"); "rest" is
the anonymous RSS less the vectors. {shown} of {total} samples are shown.

| seconds | records sent | reports committed | in flight | chunks | engines agree | RSS MiB | anonymous MiB | vectors MiB | rest MiB |
|---|---|---|---|---|---|---|---|---|---|
{rows}

Before the stream: {before:.0} MiB (model and engines loaded); VmHWM at the end {hwm:.0} MiB.
{ingested} reports ({chunks} chunks) were ingested in {seconds:.0} s ({rate:.0} reports/s).
Both engines agreed at every sample: {agree}. In flight never exceeded **{max_in_flight}**
records, however long the stream: the server reads the stream only as fast as the pipeline
commits. While records arrived, the rest grew from {rest_first:.0} to {rest_last:.0} MiB
(about {per_report_kib:.1} KiB per committed report): that is the collection, not the stream —
the embedded engines' in-memory structures for what is stored (Qdrant's payloads and id
tracker, Tantivy's indexing memory) and the allocator's high-water marks; the last rows add
the dense engine's index build after the last group. The second pass separates the two.{resend}
"#,
        commit_reports = s.commit_reports,
        records = s.records,
        shown = shown(&s.rss).len(),
        total = s.rss.len(),
        dim = s.dim,
        before = s.rss_before_mib,
        hwm = s.hwm_mib,
        ingested = s.ingested,
        chunks = s.chunks,
        seconds = s.seconds,
        rate = s.ingested as f64 / s.seconds.max(1e-9),
        agree = if all_consistent { "yes" } else { "**no**" },
    ))
}
