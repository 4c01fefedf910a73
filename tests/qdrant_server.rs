//! Scale-out against a real Qdrant server (`[store.qdrant] url`): the faults the commit
//! protocol must survive across the network. Each test starts its own Qdrant node(s) from
//! `PRIORS_TEST_QDRANT_BIN` (built from Qdrant's public source outside this repository) and
//! says loudly that it was skipped when the variable is unset — CI has no Qdrant server.
//!
//! - Qdrant killed with SIGKILL in the middle of `priors ingest`: the ingest fails (exit 1),
//!   and once Qdrant is back, re-running it converges with both stores in agreement.
//! - Qdrant stopped while `priors serve` answers: searches get `UNAVAILABLE`, then answer
//!   again once Qdrant is back, without restarting the server.
//! - A two-node cluster (replication factor 2) keeps answering when one node is killed.

mod support;

use priors_proto::v1 as pb;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::grpc::{bin, corpus_records, findings_of, prepared, root, Server};
use support::qdrant::{qdrant_bin, skipped, QdrantNode};
use tonic::Code;

use pb::report_search_client::ReportSearchClient;

const COLLECTION: &str = "priors_reports";

fn priors(data: &Path, env: &[(&str, String)]) -> Command {
    let mut cmd = Command::new(bin());
    cmd.current_dir(root()).arg("--data-dir").arg(data);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("spawn priors")
}

fn stats(data: &Path, env: &[(&str, String)]) -> serde_json::Value {
    let out = run(priors(data, env).args(["stats", "--json"]));
    assert!(
        out.status.success(),
        "stats: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn remote_env(node: &QdrantNode) -> Vec<(&'static str, String)> {
    vec![
        ("PRIORS__STORE__QDRANT__URL", node.url()),
        ("PRIORS__STORE__QDRANT__TIMEOUT_MS", "5000".into()),
        ("PRIORS__STORE__QDRANT__CONNECT_TIMEOUT_MS", "1000".into()),
    ]
}

/// A synthetic corpus of `patients` patients in `dir`.
fn synth(dir: &Path, patients: usize) -> PathBuf {
    let corpus = dir.join("corpus.jsonl");
    let ok = Command::new(bin())
        .current_dir(root())
        .args([
            "synth",
            "--seed",
            "7",
            "--patients",
            &patients.to_string(),
            "--out",
        ])
        .arg(&corpus)
        .status()
        .unwrap();
    assert!(ok.success());
    corpus
}

/// SIGKILL `node` as soon as it holds more than `before` points of the collection, while
/// `ingest` still runs.
fn kill_mid_ingest(node: &mut QdrantNode, ingest: &mut std::process::Child, before: u64) {
    let started = Instant::now();
    while node.count(COLLECTION).is_none_or(|n| n <= before) {
        assert!(
            ingest.try_wait().unwrap().is_none(),
            "the ingest ended before Qdrant held a new point"
        );
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "no point ever written"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    node.kill9();
}

#[test]
fn qdrant_killed_mid_ingest_then_a_rerun_converges() {
    if qdrant_bin().is_none() {
        return skipped("qdrant_killed_mid_ingest_then_a_rerun_converges");
    }
    let mut node = QdrantNode::start();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = synth(tmp.path(), 90);
    let records = std::fs::read_to_string(&corpus).unwrap().lines().count();
    let data = tmp.path().join("data");
    let mut env = remote_env(&node);
    env.push(("PRIORS__INGEST__COMMIT_REPORTS", "8".into()));
    let mut ingest = priors(&data, &env)
        .arg("ingest")
        .arg(&corpus)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Kill Qdrant once some groups are in it, well before the end.
    kill_mid_ingest(&mut node, &mut ingest, 0);
    let out = ingest.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("qdrant server"), "{stderr}");
    // Qdrant back (it replays its WAL): the same command again converges.
    node.restart();
    let out = run(priors(&data, &env).arg("ingest").arg(&corpus).arg("--json"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = stats(&data, &env);
    assert_eq!(s["consistent"], true, "{s}");
    assert_eq!(s["reports"].as_u64().unwrap() as usize, records, "{s}");
    assert_eq!(s["qdrant_points"], s["tantivy_docs"], "{s}");
    assert_eq!(node.count(COLLECTION), s["qdrant_points"].as_u64(), "{s}");
    assert_eq!(s["dense"]["kind"], "qdrant", "{s}");
    // And once more: nothing changes.
    let out = run(priors(&data, &env).arg("ingest").arg(&corpus).arg("--json"));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        summary["unchanged"].as_u64().unwrap() as usize,
        records,
        "{summary}"
    );
}

/// Ingest the prepared corpus into a fresh data directory on `node`; serve it.
fn serve_on(node: &QdrantNode, extra: &[(&'static str, String)]) -> Server {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut env = remote_env(node);
    env.extend(extra.iter().cloned());
    let out = run(priors(&data, &env)
        .arg("ingest")
        .arg(&prepared().corpus)
        .arg("--json"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Server::start_on(tmp, data, &env)
}

async fn search(server: &Server, findings: &str) -> Result<Vec<String>, tonic::Status> {
    let mut c = ReportSearchClient::new(server.channel().await);
    let r = c
        .similar_cases(pb::SimilarCasesRequest {
            query: Some(pb::similar_cases_request::Query::Findings(findings.into())),
            k: 5,
            mode: pb::SearchMode::Hybrid as i32,
            ..Default::default()
        })
        .await?;
    Ok(r.into_inner()
        .hits
        .into_iter()
        .map(|h| h.report_id)
        .collect())
}

fn some_findings() -> String {
    let records = corpus_records();
    findings_of(records[3]["text"].as_str().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qdrant_stopped_during_search_is_unavailable_then_recovers() {
    if qdrant_bin().is_none() {
        return skipped("qdrant_stopped_during_search_is_unavailable_then_recovers");
    }
    let mut node = QdrantNode::start();
    let server = serve_on(&node, &[]);
    let findings = some_findings();
    let before = search(&server, &findings).await.expect("search");
    assert_eq!(before.len(), 5);
    node.kill9();
    let e = search(&server, &findings).await.unwrap_err();
    assert_eq!(e.code(), Code::Unavailable, "{e:?}");
    assert!(e.message().contains("qdrant"), "{e:?}");
    node.restart();
    // The same server answers again, with the same hits.
    let started = Instant::now();
    let after = loop {
        match search(&server, &findings).await {
            Ok(hits) => break hits,
            Err(e) => {
                assert_eq!(e.code(), Code::Unavailable, "{e:?}");
                assert!(
                    started.elapsed() < Duration::from_secs(60),
                    "never recovered: {e:?}"
                );
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    };
    assert_eq!(after, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_node_cluster_keeps_answering_after_losing_a_node() {
    if qdrant_bin().is_none() {
        return skipped("a_two_node_cluster_keeps_answering_after_losing_a_node");
    }
    let first = QdrantNode::start_cluster();
    let mut second = QdrantNode::join(&first);
    let started = Instant::now();
    while first.peers() < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the second node never joined: {}",
            second.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let server = serve_on(
        &first,
        &[
            ("PRIORS__STORE__QDRANT__SHARD_NUMBER", "2".into()),
            ("PRIORS__STORE__QDRANT__REPLICATION_FACTOR", "2".into()),
            (
                "PRIORS__STORE__QDRANT__WRITE_CONSISTENCY_FACTOR",
                "1".into(),
            ),
        ],
    );
    // Every shard has a replica on each node (so that either can answer alone).
    let (status, body) = first
        .get(&format!("/collections/{COLLECTION}/cluster"))
        .expect("cluster info");
    assert_eq!(status, 200, "{body}");
    let info: serde_json::Value = serde_json::from_str(&body).unwrap();
    let local = info["result"]["local_shards"].as_array().unwrap();
    let remote = info["result"]["remote_shards"].as_array().unwrap();
    assert_eq!((local.len(), remote.len()), (2, 2), "{info}");
    let findings = some_findings();
    let before = search(&server, &findings).await.expect("search");
    assert_eq!(before.len(), 5);
    second.kill9();
    for _ in 0..10 {
        let hits = search(&server, &findings)
            .await
            .expect("a replica on the surviving node answers");
        assert_eq!(hits, before);
    }
}

/// Runs everywhere (no server needed): the failure paths that must leave the embedded data
/// directory exactly as it was.
#[test]
fn an_unreachable_server_fails_clearly_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    support::grpc::copy_dir(&prepared().data, &data);
    let before = stats(&data, &[]);
    let url = format!("http://127.0.0.1:{}", support::grpc::free_port());
    // Migration to nowhere: exit 1, the URL named, the manifest untouched.
    let out = run(priors(&data, &[]).args(["migrate", "--to-qdrant", &url]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&url), "{stderr}");
    assert_eq!(stats(&data, &[]), before);
    // The embedded directory opened with a server configured: refused, saying how to fix it.
    let env = [("PRIORS__STORE__QDRANT__URL", url.clone())];
    let out = run(priors(&data, &env).args(["stats"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("priors migrate --to-qdrant"), "{stderr}");
    // A new data directory on a server that is down: exit 1 naming it, nothing recorded.
    let fresh = tmp.path().join("fresh");
    let out = run(priors(&fresh, &env).arg("ingest").arg(&prepared().corpus));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&url), "{stderr}");
    assert!(!fresh.join("collections/reports/manifest.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qdrant_killed_under_a_serving_ingest_leaves_the_same_server_consistent() {
    if qdrant_bin().is_none() {
        return skipped("qdrant_killed_under_a_serving_ingest_leaves_the_same_server_consistent");
    }
    let mut node = QdrantNode::start();
    let server = serve_on(&node, &[("PRIORS__INGEST__COMMIT_REPORTS", "8".into())]);
    let before = node.count(COLLECTION).unwrap();
    // A larger corpus, sent through the running server (`priors ingest` finds it).
    let tmp = tempfile::tempdir().unwrap();
    let corpus = synth(tmp.path(), 90);
    let mut ingest = server
        .priors()
        .arg("ingest")
        .arg(&corpus)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    kill_mid_ingest(&mut node, &mut ingest, before);
    let out = ingest.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    node.restart();
    // The same server, never restarted: its next write (one delete, not a re-send of the
    // failed group) succeeds once Qdrant is back, and the stores agree. (The kill rarely lands
    // inside a group's Qdrant writes, so the half-written group that this next write must
    // reconcile first is produced deterministically by the unit test
    // `stores::tests::the_next_write_reconciles_a_failed_one_in_the_same_process`.)
    let report_id = corpus_records()[0]["report_id"]
        .as_str()
        .unwrap()
        .to_string();
    let ch = server.channel().await;
    let started = Instant::now();
    loop {
        let r = pb::ingestion_client::IngestionClient::new(ch.clone())
            .delete_report(pb::DeleteReportRequest {
                report_id: report_id.clone(),
            })
            .await;
        match r {
            Ok(_) => break,
            Err(e) => {
                assert_eq!(e.code(), Code::Unavailable, "{e:?}");
                assert!(started.elapsed() < Duration::from_secs(60), "{e:?}");
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    }
    let stats = pb::admin_client::AdminClient::new(ch)
        .stats(pb::StatsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(stats.consistent, "{stats:?}");
    assert_eq!(stats.qdrant_points, stats.tantivy_docs, "{stats:?}");
    assert_eq!(
        node.count(COLLECTION),
        Some(stats.qdrant_points),
        "{stats:?}"
    );
}

/// Ingest the sample corpus (`data-samples/`: JSONL, plain text and FHIR) into `data` with
/// `env`; the JSON summary.
fn ingest_samples(data: &Path, env: &[(&str, String)]) -> serde_json::Value {
    let out = run(priors(data, env).args([
        "ingest",
        "data-samples/reports.jsonl",
        "data-samples/text",
        "data-samples/fhir",
        "--json",
    ]));
    assert!(
        out.status.success(),
        "ingest: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("ingest --json")
}

/// Top-`k` report ids of a hybrid search for `findings` (one hit per report).
async fn top_reports(server: &Server, findings: &str, k: u32) -> Vec<String> {
    let mut c = ReportSearchClient::new(server.channel().await);
    let r = c
        .similar_cases(pb::SimilarCasesRequest {
            query: Some(pb::similar_cases_request::Query::Findings(findings.into())),
            k,
            mode: pb::SearchMode::Hybrid as i32,
            per: pb::ResultUnit::Report as i32,
            ..Default::default()
        })
        .await
        .expect("search");
    r.into_inner()
        .hits
        .into_iter()
        .map(|h| h.report_id)
        .collect()
}

/// Issue #13's acceptance: the sample corpus ingested through a Qdrant server reads back from
/// the server (`qdrant_points` is the server's count) with both stores in agreement, and hybrid
/// search over it returns the same top-10 reports as the embedded backend for at least 95 of
/// 100 queries. Compared as sets of report ids: both engines search the same vectors, but
/// an HNSW graph is built per engine, so a near-tie at rank 10 may fall either way (the
/// ordered agreement is printed too).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sample_corpus_through_a_server_searches_like_the_embedded_backend() {
    if qdrant_bin().is_none() {
        return skipped("the_sample_corpus_through_a_server_searches_like_the_embedded_backend");
    }
    let node = QdrantNode::start();
    let env = remote_env(&node);
    let remote_tmp = tempfile::tempdir().unwrap();
    let remote_data = remote_tmp.path().join("data");
    let local_tmp = tempfile::tempdir().unwrap();
    let local_data = local_tmp.path().join("data");

    let summary = ingest_samples(&remote_data, &env);
    assert_eq!(summary["failed"], 0, "{summary}");
    ingest_samples(&local_data, &[]);
    let remote = stats(&remote_data, &env);
    let local = stats(&local_data, &[]);
    assert_eq!(remote["consistent"], true, "{remote}");
    assert_eq!(remote["dense"]["kind"], "qdrant", "{remote}");
    let on_server = node.count(COLLECTION).expect("count on the server");
    assert_eq!(remote["qdrant_points"], on_server, "{remote}");
    assert!(on_server > 0);
    for key in ["reports", "chunks", "qdrant_points", "tantivy_docs"] {
        assert_eq!(remote[key], local[key], "{key}: {remote} vs {local}");
    }

    // 100 queries: the findings of every tenth sample report.
    let records: Vec<serde_json::Value> =
        std::fs::read_to_string(root().join("data-samples/reports.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    let queries: Vec<String> = records
        .iter()
        .step_by(10)
        .take(100)
        .map(|r| findings_of(r["text"].as_str().unwrap()))
        .collect();
    assert_eq!(queries.len(), 100);

    let remote_server = Server::start_on(remote_tmp, remote_data, &env);
    let local_server = Server::start_on(local_tmp, local_data, &[]);
    let (mut same_set, mut same_order) = (0, 0);
    let mut differing = Vec::new();
    for (i, q) in queries.iter().enumerate() {
        let r = top_reports(&remote_server, q, 10).await;
        let l = top_reports(&local_server, q, 10).await;
        assert_eq!((r.len(), l.len()), (10, 10), "query {i}");
        let (mut rs, mut ls) = (r.clone(), l.clone());
        rs.sort();
        ls.sort();
        if rs == ls {
            same_set += 1;
        } else {
            differing.push(i);
        }
        if r == l {
            same_order += 1;
        }
    }
    eprintln!(
        "remote vs embedded over the sample corpus: same top-10 report set for {same_set}/100 \
         queries, same order for {same_order}/100; differing: {differing:?}"
    );
    assert!(
        same_set >= 95,
        "same top-10 for only {same_set}/100: {differing:?}"
    );
}
