//! `priors-bench grpc`: latency of a running server, measured from a client on the same
//! machine. SimilarCases under 1, 4 and 16 concurrent clients (each its own connection),
//! extractive DraftImpression (sequential) over findings taken from a corpus, the same for
//! follow-ups compared with the patient's stored prior, and CaseSummary of a patient with six
//! studies.

use anyhow::{Context, Result};
use priors_proto::v1 as pb;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{Duration, Instant};
use tonic::transport::{Channel, Endpoint};

/// Latency summary of one scenario.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Latency {
    pub(crate) scenario: String,
    pub(crate) clients: usize,
    pub(crate) requests: usize,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) mean_ms: f64,
    pub(crate) throughput_rps: f64,
}

/// All scenarios (printed as JSON; read back by `priors-bench report`).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct GrpcBench {
    /// SimilarCases at 1, 4 and 16 clients.
    pub(crate) similar_cases: Vec<Latency>,
    /// Extractive DraftImpression, one client.
    pub(crate) draft_extractive: Latency,
    /// Extractive DraftImpression of follow-ups, compared with the patient's stored prior.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) draft_follow_up: Option<Latency>,
    /// CaseSummary of a patient with 6 studies (5 similar patients), one client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) case_summary: Option<Latency>,
}

/// Follow-ups of the corpus (`(findings, indication, patient, exam date)`) that have an
/// earlier report of the same patient, and the first patient with six studies.
fn course_queries(corpus: &Path) -> Result<(Vec<pb::DraftRequest>, Option<String>)> {
    let text =
        std::fs::read_to_string(corpus).with_context(|| format!("reading {}", corpus.display()))?;
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    let mut order: Vec<String> = Vec::new();
    let mut follow_ups = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let pid = v["patient_id"].as_str().unwrap_or("").to_string();
        let n = counts.entry(pid.clone()).or_default();
        *n += 1;
        if *n == 1 {
            order.push(pid.clone());
        }
        let t = v["text"].as_str().unwrap_or("");
        if *n >= 2 && follow_ups.len() < 100 {
            if let Some((head, rest)) = t.split_once("FINDINGS:") {
                let findings = rest.split("IMPRESSION:").next().unwrap_or("").trim();
                let indication = head
                    .split("\n\n")
                    .next()
                    .and_then(|l| l.split_once(':'))
                    .map_or("", |(_, x)| x.trim());
                follow_ups.push(pb::DraftRequest {
                    findings: findings.to_string(),
                    indication: indication.to_string(),
                    patient_id: pid,
                    exam_date: v["exam_date"].as_str().unwrap_or("").to_string(),
                    mode: pb::DraftMode::Extractive as i32,
                    ..Default::default()
                });
            }
        }
    }
    let six = order.into_iter().find(|p| counts[p] == 6);
    Ok((follow_ups, six))
}

/// Nearest rank ([`priors_evaluate::nearest_rank`]); NaN without samples.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    priors_evaluate::nearest_rank(sorted, p).unwrap_or(f64::NAN)
}

fn summarise(scenario: &str, clients: usize, mut ms: Vec<f64>, wall: Duration) -> Latency {
    ms.sort_by(f64::total_cmp);
    Latency {
        scenario: scenario.to_string(),
        clients,
        requests: ms.len(),
        p50_ms: percentile(&ms, 50.0),
        p99_ms: percentile(&ms, 99.0),
        mean_ms: ms.iter().sum::<f64>() / ms.len().max(1) as f64,
        throughput_rps: ms.len() as f64 / wall.as_secs_f64(),
    }
}

/// Findings of the corpus records (JSONL with report text), in file order.
fn findings(corpus: &Path, n: usize) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(corpus).with_context(|| format!("reading {}", corpus.display()))?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let t = v["text"].as_str().unwrap_or("");
        if let Some((_, rest)) = t.split_once("FINDINGS:") {
            let f = rest.split("IMPRESSION:").next().unwrap_or("").trim();
            if !f.is_empty() {
                out.push(f.to_string());
            }
        }
        if out.len() == n {
            break;
        }
    }
    anyhow::ensure!(!out.is_empty(), "no findings in {}", corpus.display());
    Ok(out)
}

async fn connect(addr: &str) -> Result<Channel> {
    Ok(Endpoint::from_shared(format!("http://{addr}"))?
        .connect()
        .await?)
}

/// Run the benchmark against the server at `addr` (`host:port`).
pub(crate) fn run(addr: &str, corpus: &Path, requests: usize) -> Result<GrpcBench> {
    let queries = findings(corpus, requests.max(64))?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        // Warm-up: model, caches, connections.
        let mut warm = pb::report_search_client::ReportSearchClient::new(connect(addr).await?);
        for q in queries.iter().take(10) {
            warm.similar_cases(pb::SimilarCasesRequest {
                query: Some(pb::similar_cases_request::Query::Findings(q.clone())),
                k: 10,
                ..Default::default()
            })
            .await?;
        }
        let mut similar = Vec::new();
        for clients in [1usize, 4, 16] {
            let started = Instant::now();
            let mut tasks = Vec::new();
            for c in 0..clients {
                let channel = connect(addr).await?;
                let qs: Vec<String> = (0..requests)
                    .filter(|i| i % clients == c)
                    .map(|i| queries[i % queries.len()].clone())
                    .collect();
                tasks.push(tokio::spawn(async move {
                    let mut client = pb::report_search_client::ReportSearchClient::new(channel);
                    let mut ms = Vec::with_capacity(qs.len());
                    for q in qs {
                        let t = Instant::now();
                        client
                            .similar_cases(pb::SimilarCasesRequest {
                                query: Some(pb::similar_cases_request::Query::Findings(q)),
                                k: 10,
                                ..Default::default()
                            })
                            .await?;
                        ms.push(t.elapsed().as_secs_f64() * 1e3);
                    }
                    Ok::<_, tonic::Status>(ms)
                }));
            }
            let mut all = Vec::new();
            for t in tasks {
                all.extend(t.await??);
            }
            similar.push(summarise(
                "SimilarCases (hybrid, k=10)",
                clients,
                all,
                started.elapsed(),
            ));
        }
        let mut drafting = pb::drafting_client::DraftingClient::new(connect(addr).await?);
        let n = (requests / 4).clamp(10, 100);
        let mut ms = Vec::new();
        let started = Instant::now();
        for q in queries.iter().cycle().take(n) {
            let t = Instant::now();
            let mut s = drafting
                .draft_impression(pb::DraftRequest {
                    findings: q.clone(),
                    mode: pb::DraftMode::Extractive as i32,
                    ..Default::default()
                })
                .await?
                .into_inner();
            let mut done = false;
            while let Some(ev) = s.message().await? {
                done |= matches!(ev.event, Some(pb::draft_event::Event::Final(_)));
            }
            anyhow::ensure!(done, "a draft stream ended without its final message");
            ms.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let draft = summarise(
            "DraftImpression (extractive, k=5)",
            1,
            ms,
            started.elapsed(),
        );
        // Follow-ups: the draft compares with the patient's stored prior ([P1]).
        let (follow_ups, six) = course_queries(corpus)?;
        let mut draft_follow_up = None;
        if !follow_ups.is_empty() {
            let mut ms = Vec::new();
            let started = Instant::now();
            for req in follow_ups.iter().cycle().take(n) {
                let t = Instant::now();
                let mut s = drafting.draft_impression(req.clone()).await?.into_inner();
                let mut cited_prior = false;
                while let Some(ev) = s.message().await? {
                    if let Some(pb::draft_event::Event::Final(d)) = ev.event {
                        cited_prior = d
                            .sources
                            .iter()
                            .any(|s| s.kind == pb::SourceKind::PatientStudy as i32);
                    }
                }
                anyhow::ensure!(cited_prior, "a follow-up draft without the patient's prior");
                ms.push(t.elapsed().as_secs_f64() * 1e3);
            }
            draft_follow_up = Some(summarise(
                "DraftImpression (extractive, follow-up vs own prior)",
                1,
                ms,
                started.elapsed(),
            ));
        }
        let mut case_summary = None;
        if let Some(patient) = six {
            let mut search =
                pb::report_search_client::ReportSearchClient::new(connect(addr).await?);
            let mut ms = Vec::new();
            let started = Instant::now();
            for _ in 0..n {
                let t = Instant::now();
                let r = search
                    .case_summary(pb::CaseSummaryRequest {
                        patient_id: patient.clone(),
                        similar_k: 5,
                    })
                    .await?
                    .into_inner();
                anyhow::ensure!(
                    r.studies.len() == 6,
                    "{patient}: {} studies",
                    r.studies.len()
                );
                ms.push(t.elapsed().as_secs_f64() * 1e3);
            }
            case_summary = Some(summarise(
                "CaseSummary (6 studies, 5 similar patients)",
                1,
                ms,
                started.elapsed(),
            ));
        }
        Ok(GrpcBench {
            similar_cases: similar,
            draft_extractive: draft,
            draft_follow_up,
            case_summary,
        })
    })
}
