//! The section "gRPC latency", from `priors-bench grpc` ([`GrpcBench`]): SimilarCases at
//! several client counts and extractive DraftImpression, p50/p99 and throughput.

use super::{need, RunContext};
use crate::grpc::GrpcBench;
use anyhow::Result;

/// The section's Markdown.
pub(super) fn render(g: &GrpcBench, run: &RunContext) -> Result<String> {
    let corpus = need(&run.corpus, "corpus")?;
    let machine = need(&run.machine, "machine")?;
    let cores = need(&run.cores, "cores")?;
    let commit = need(&run.commit, "commit")?;
    let time = need(&run.time, "time")?;
    let load_before = need(&run.grpc_load_before, "grpc-load-before")?;
    let load_after = need(&run.grpc_load_after, "grpc-load-after")?;
    let rows = g
        .similar_cases
        .iter()
        .chain([&g.draft_extractive])
        .chain(g.draft_follow_up.iter())
        .chain(g.case_summary.iter())
        .map(|s| {
            format!(
                "| {} | {} | {} | {:.1} | {:.1} | {:.1} |",
                s.scenario, s.clients, s.requests, s.p50_ms, s.p99_ms, s.throughput_rps
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let course = if g.draft_follow_up.is_some() || g.case_summary.is_some() {
        "\nFollow-up drafts also read the patient's timeline and stored prior and compare them lesion\n\
         by lesion ([P1]); CaseSummary compares each of the patient's 6 studies with the one\n\
         before, builds the trajectories, and finds 5 similar patients (one more-like-this search)\n\
         with their next study."
    } else {
        ""
    };
    Ok(format!(
        r#"## gRPC latency

Command: `target/release/priors serve` over the sample corpus and the guideline passages, and
`target/release/priors-bench grpc --addr … --corpus {corpus} --requests 400` on the same machine
({machine}, {cores} cores; commit `{commit}`; {time}; load average before {load_before}, after {load_after}).
Queries are the findings sections of the corpus (about 240 model tokens each), so every call
embeds a long query; each client has its own HTTP/2 connection. Latency is per call, from
the client: for DraftImpression, from the request to the `final` event (retrieval of 5 prior
cases and the guideline passages, staging rules, extractive drafting, verification).{course}

| call | concurrent clients | calls | p50 ms | p99 ms | calls/s |
|---|---|---|---|---|---|
{rows}

On 2 cores throughput stops growing beyond a few clients (the query embedding of each call
runs on one core); more clients queue, which shows in p50 and p99, not in throughput.

Two fixes found by this benchmark (commits after `c24738a`, one client, p50): the server did
not set TCP_NODELAY on accepted connections (tonic's `Server::tcp_nodelay` does not reach a
listener passed to `serve_with_incoming`), so each reply waited on Nagle's algorithm and the
client's delayed ACK: SimilarCases 76.0 → 33.7 ms, about the in-process search with its query
embedding. DraftImpression embedded its query twice (reports, then guideline passages) and now
embeds it once: 73.6 → 36.6 ms.
"#
    ))
}
