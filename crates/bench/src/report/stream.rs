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
    let vectors_mib = |chunks: u64| chunks as f64 * f64::from(s.dim) * 4.0 / (1024.0 * 1024.0);
    let rest = |r: &crate::stream::RssSample| r.rss_anon_mib - vectors_mib(r.chunks);
    let rows = s
        .rss
        .iter()
        .map(|r| {
            format!(
                "| {:.0} | {} | {} | {} | {} | {:.0} | {:.0} | {:.0} | {:.0} |",
                r.seconds,
                r.records,
                r.reports,
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
    // From the first sample with something committed to the last one.
    let first = s.rss.iter().find(|r| r.reports > 0);
    let last = s.rss.last();
    let (growth, rest_growth) = match (first, last) {
        (Some(f), Some(l)) if f.rss_mib > 0.0 && rest(f) > 0.0 => {
            (l.rss_mib / f.rss_mib, rest(l) / rest(f))
        }
        _ => (0.0, 0.0),
    };
    let all_consistent = s.rss.iter().all(|r| r.consistent);
    let resend = match &s.resend {
        None => String::new(),
        Some(r) => {
            let rows = r
                .rss
                .iter()
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
                "\n\nThe same {records} records again on a second stream, all unchanged by then \
                 ({unchanged} found unchanged, {secs:.0} s): each is read, validated, hashed and \
                 looked up in its group, and nothing is embedded or written, so the engines do not \
                 grow and only the stream path is measured (samples every second):\n\n\
                 | seconds | records sent | RSS MiB | anonymous MiB |\n|---|---|---|---|\n{rows}\n\n\
                 Anonymous RSS over the whole second stream: {lo:.0} to {hi:.0} MiB.",
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
reads the server's resident set (VmRSS) and what it has committed (`Admin.Stats`, which also
checks that both engines agree), and the records the client had handed to the stream by then
(the server has read all but an HTTP/2 window and its 64-record buffer of them). The embedded
dense engine keeps its vectors in memory by design (chunks × {dim} × 4 bytes, the "vectors"
column: data stored, not records held). RSS counts the pages of the index files the engines
map (Tantivy segments, Qdrant's WAL and payloads) as well as the heap; records held by the
server would be anonymous memory, so the last column is the anonymous RSS less the vectors.

| seconds | records sent | reports committed | chunks | engines agree | RSS MiB | anonymous MiB | vectors MiB | rest MiB |
|---|---|---|---|---|---|---|---|---|
{rows}

Before the stream: {before:.0} MiB (model and engines loaded). VmHWM at the end {hwm:.0} MiB.
From the first sample with a committed group to the last: RSS ×{growth:.2}, the rest
(anonymous RSS − vectors) **×{rest_growth:.2}**. Both engines agreed at every sample: {agree}. A flat
rest means records are not held: they enter the pipeline as they arrive and are committed in
groups. What else grows with the stream, by design: the ids seen in this call (to refuse a
duplicate id within one stream; ~50 bytes per record), the engines' indexes and payloads, and
the page cache of the files they write (the last sample includes the dense engine's index
build after the last group). {ingested} reports ({chunks} chunks)
were ingested in {seconds:.0} s ({rate:.0} reports/s).{resend}
"#,
        commit_reports = s.commit_reports,
        records = s.records,
        before = s.rss_before_mib,
        dim = s.dim,
        agree = if all_consistent { "yes" } else { "**no**" },
        hwm = s.hwm_mib,
        ingested = s.ingested,
        chunks = s.chunks,
        seconds = s.seconds,
        rate = s.ingested as f64 / s.seconds.max(1e-9),
    ))
}
