//! Who may read which patient, end to end over gRPC against the real `priors serve`: scoped
//! and hashed tokens per RPC, mutual TLS with a test CA, per-caller rate and stream limits,
//! the audit log read back with `priors audit` (also after kill -9 under load, and never
//! holding report text), and streaming ingestion that survives a killed client or server.

mod support;

use priors_proto::v1 as pb;
use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::grpc::{corpus_records, findings_of, Server};
use tonic::transport::Channel;
use tonic::Code;

use pb::admin_client::AdminClient;
use pb::drafting_client::DraftingClient;
use pb::ingestion_client::IngestionClient;
use pb::report_search_client::ReportSearchClient;
use pb::staging_client::StagingClient;

/// `priors token hash SECRET`, by the binary.
fn hash(secret: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_priors"))
        .args(["token", "hash", secret])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A config with one token per (name, secret, scopes).
fn tokens_config(tokens: &[(&str, &str, &[&str])]) -> String {
    let mut s = String::new();
    for (name, secret, scopes) in tokens {
        s.push_str(&format!(
            "[[server.tokens]]\nname = {name:?}\nhash = {:?}\nscopes = {scopes:?}\n\n",
            hash(secret)
        ));
    }
    s
}

fn with_token<T>(m: T, token: Option<&str>) -> tonic::Request<T> {
    let mut r = tonic::Request::new(m);
    if let Some(t) = token {
        r.metadata_mut()
            .insert("authorization", format!("Bearer {t}").parse().unwrap());
    }
    r
}

/// Call RPC `rpc` once with `token`; the status code it ends with.
async fn call(ch: &Channel, rpc: &str, token: Option<&str>, report: &serde_json::Value) -> Code {
    let report_id = report["report_id"].as_str().unwrap().to_string();
    let patient_id = report["patient_id"].as_str().unwrap().to_string();
    let findings = findings_of(report["text"].as_str().unwrap());
    let code = |r: Result<(), tonic::Status>| r.map_or_else(|s| s.code(), |()| Code::Ok);
    let search = || ReportSearchClient::new(ch.clone());
    match rpc {
        "SimilarCases" => code(
            search()
                .similar_cases(with_token(
                    pb::SimilarCasesRequest {
                        query: Some(pb::similar_cases_request::Query::Findings(findings)),
                        k: 3,
                        ..Default::default()
                    },
                    token,
                ))
                .await
                .map(drop),
        ),
        "GetReport" => code(
            search()
                .get_report(with_token(pb::GetReportRequest { report_id }, token))
                .await
                .map(drop),
        ),
        "PatientTimeline" => code(
            search()
                .patient_timeline(with_token(pb::PatientTimelineRequest { patient_id }, token))
                .await
                .map(drop),
        ),
        "CaseSummary" => code(
            search()
                .case_summary(with_token(
                    pb::CaseSummaryRequest {
                        patient_id,
                        similar_k: 2,
                    },
                    token,
                ))
                .await
                .map(drop),
        ),
        "DraftImpression" => {
            let r = DraftingClient::new(ch.clone())
                .draft_impression(with_token(
                    pb::DraftRequest {
                        findings,
                        k: 2,
                        ..Default::default()
                    },
                    token,
                ))
                .await;
            match r {
                Err(s) => s.code(),
                Ok(stream) => {
                    let mut stream = stream.into_inner();
                    loop {
                        match stream.message().await {
                            Ok(Some(_)) => continue,
                            Ok(None) => break Code::Ok,
                            Err(s) => break s.code(),
                        }
                    }
                }
            }
        }
        "Differentials" => code(
            DraftingClient::new(ch.clone())
                .differentials(with_token(
                    pb::DifferentialsRequest {
                        findings,
                        ..Default::default()
                    },
                    token,
                ))
                .await
                .map(drop),
        ),
        "Stage" => code(
            StagingClient::new(ch.clone())
                .stage(with_token(
                    pb::StageRequest {
                        cancer: "lung".into(),
                        text: findings,
                    },
                    token,
                ))
                .await
                .map(drop),
        ),
        "Ask" => code(
            StagingClient::new(ch.clone())
                .ask(with_token(
                    pb::AskRequest {
                        question: "What is Deauville 4?".into(),
                    },
                    token,
                ))
                .await
                .map(drop),
        ),
        // An empty stream: refused as INVALID_ARGUMENT once past the gate; writes nothing.
        "IngestReports" => code(
            IngestionClient::new(ch.clone())
                .ingest_reports(with_token(
                    tokio_stream::iter(Vec::<pb::IngestReportsRequest>::new()),
                    token,
                ))
                .await
                .map(drop),
        ),
        // An unknown id: NOT_FOUND once past the gate; deletes nothing.
        "DeleteReport" => code(
            IngestionClient::new(ch.clone())
                .delete_report(with_token(
                    pb::DeleteReportRequest {
                        report_id: "NO-SUCH-REPORT".into(),
                    },
                    token,
                ))
                .await
                .map(drop),
        ),
        "Stats" => code(
            AdminClient::new(ch.clone())
                .stats(with_token(pb::StatsRequest {}, token))
                .await
                .map(drop),
        ),
        "Health" => code(
            tonic_health::pb::health_client::HealthClient::new(ch.clone())
                .check(with_token(
                    tonic_health::pb::HealthCheckRequest {
                        service: String::new(),
                    },
                    token,
                ))
                .await
                .map(drop),
        ),
        other => panic!("no such RPC in the table: {other}"),
    }
}

fn audit_lines(server: &Server, args: &[&str]) -> (Vec<serde_json::Value>, String) {
    let out = server
        .priors()
        .args(["audit", "--json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "priors audit: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    (lines, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_scope_allows_its_rpcs_and_denies_the_others() {
    // (RPC, the scope it needs; None = any valid token).
    let table: &[(&str, Option<&str>)] = &[
        ("SimilarCases", Some("read")),
        ("GetReport", Some("read")),
        ("PatientTimeline", Some("read")),
        ("CaseSummary", Some("read")),
        ("DraftImpression", Some("draft")),
        ("Differentials", Some("draft")),
        ("Stage", Some("draft")),
        ("Ask", Some("draft")),
        ("IngestReports", Some("write")),
        ("DeleteReport", Some("write")),
        ("Stats", Some("admin")),
        ("Health", None),
    ];
    let tokens: &[(&str, &str, &[&str])] = &[
        ("reader", "reader-secret-0123456789", &["read"]),
        ("drafter", "drafter-secret-0123456789", &["draft"]),
        ("writer", "writer-secret-0123456789", &["write"]),
        ("operator", "operator-secret-0123456789", &["admin"]),
        (
            "workstation",
            "workstation-secret-0123456789",
            &["read", "draft"],
        ),
    ];
    let config = tokens_config(tokens);
    for (_, secret, _) in tokens {
        assert!(
            !config.contains(secret),
            "the config holds hashes, never secrets"
        );
    }
    let server = Server::start_with(Some(&config), &[]);
    let ch = server.channel().await;
    let report = corpus_records()
        .into_iter()
        .find(|r| r["labels"]["cancer_type"] == "nsclc")
        .unwrap();
    let mut failures = Vec::new();
    for (rpc, needed) in table {
        // No token, and a wrong one: UNAUTHENTICATED everywhere (health included).
        for token in [None, Some("not-a-configured-token-at-all")] {
            let got = call(&ch, rpc, token, &report).await;
            if got != Code::Unauthenticated {
                failures.push(format!("{rpc} with {token:?}: {got:?}"));
            }
        }
        for (name, secret, scopes) in tokens {
            let allowed = needed.is_none_or(|n| scopes.contains(&n));
            let got = call(&ch, rpc, Some(secret), &report).await;
            let ok = if allowed {
                !matches!(
                    got,
                    Code::PermissionDenied | Code::Unauthenticated | Code::ResourceExhausted
                )
            } else {
                got == Code::PermissionDenied
            };
            if !ok {
                failures.push(format!(
                    "{rpc} by {name} {scopes:?}: {got:?} (allowed: {allowed})"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");

    // Refusals are in the audit log: denied calls with the caller's name, failed
    // authentications as `?`.
    let (lines, _) = audit_lines(&server, &["--caller", "reader"]);
    assert!(lines
        .iter()
        .any(|l| l["status"] == "PERMISSION_DENIED"
            && l["rpc"] == "priors.v1.Ingestion/DeleteReport"));
    assert!(lines.iter().any(|l| l["status"] == "OK"
        && l["rpc"] == "priors.v1.ReportSearch/GetReport"
        && l["report_ids"][0] == report["report_id"]));
    let (lines, _) = audit_lines(&server, &["--caller", "?"]);
    assert!(lines.iter().all(|l| l["status"] == "UNAUTHENTICATED"));
    assert!(
        lines.len() >= table.len(),
        "failed authentications are logged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_answers_who_saw_a_patient() {
    let server = Server::start_with(
        Some(&tokens_config(&[
            ("alice", "alice-secret-0123456789", &["read"]),
            ("bob", "bob-secret-0123456789", &["read", "draft"]),
        ])),
        &[],
    );
    let ch = server.channel().await;
    let records = corpus_records();
    let mut patients: Vec<&serde_json::Value> = Vec::new();
    for r in &records {
        if patients.iter().all(|p| p["patient_id"] != r["patient_id"]) {
            patients.push(r);
        }
    }
    let (a, b) = (patients[0], patients[1]);
    let (pa, pb_) = (
        a["patient_id"].as_str().unwrap(),
        b["patient_id"].as_str().unwrap(),
    );
    assert_eq!(
        call(&ch, "GetReport", Some("alice-secret-0123456789"), a).await,
        Code::Ok
    );
    assert_eq!(
        call(&ch, "PatientTimeline", Some("alice-secret-0123456789"), a).await,
        Code::Ok
    );
    assert_eq!(
        call(&ch, "CaseSummary", Some("bob-secret-0123456789"), b).await,
        Code::Ok
    );
    let day = chrono::Utc::now().date_naive();

    let (lines, _) = audit_lines(&server, &["--patient", pa]);
    let rpcs: BTreeSet<&str> = lines.iter().map(|l| l["rpc"].as_str().unwrap()).collect();
    assert!(
        rpcs.contains("priors.v1.ReportSearch/GetReport"),
        "{lines:?}"
    );
    assert!(
        rpcs.contains("priors.v1.ReportSearch/PatientTimeline"),
        "{lines:?}"
    );
    for l in &lines {
        for key in [
            "time",
            "caller",
            "rpc",
            "patient_ids",
            "report_ids",
            "status",
            "request_id",
        ] {
            assert!(l.get(key).is_some(), "{key} missing: {l}");
        }
    }
    // Bob's case view of B lists B's similar patients, who may include A: those are reads of A
    // by Bob too. Alice never read B.
    let (lines_b, _) = audit_lines(&server, &["--patient", pb_]);
    assert!(lines_b
        .iter()
        .any(|l| l["caller"] == "bob" && l["rpc"] == "priors.v1.ReportSearch/CaseSummary"));
    assert!(lines_b.iter().all(|l| l["caller"] == "bob"), "{lines_b:?}");
    let alice_on_a = lines.iter().filter(|l| l["caller"] == "alice").count();
    assert_eq!(alice_on_a, 2, "{lines:?}");
    // Every report of A that the timeline returned is named.
    let a_reports: BTreeSet<&str> = records
        .iter()
        .filter(|r| r["patient_id"] == pa)
        .map(|r| r["report_id"].as_str().unwrap())
        .collect();
    let tl = lines
        .iter()
        .find(|l| l["rpc"] == "priors.v1.ReportSearch/PatientTimeline")
        .unwrap();
    let named: BTreeSet<&str> = tl["report_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(named, a_reports);
    // Filters: caller, since.
    let (bob, _) = audit_lines(&server, &["--caller", "bob"]);
    assert!(!bob.is_empty() && bob.iter().all(|l| l["caller"] == "bob"));
    let tomorrow = (day + chrono::Days::new(1)).format("%Y-%m-%d").to_string();
    let (none, _) = audit_lines(&server, &["--since", &tomorrow]);
    assert!(none.is_empty());
    let today = day.format("%Y-%m-%d").to_string();
    let (all_today, _) = audit_lines(&server, &["--since", &today]);
    assert!(all_today.len() >= 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_report_text_ever_reaches_the_audit_log() {
    let server = Server::start(&[]);
    let ch = server.channel().await;
    let records = corpus_records();
    let mut texts: Vec<String> = Vec::new();
    let mut search = ReportSearchClient::new(ch.clone());
    for r in records.iter().step_by(3) {
        let id = r["report_id"].as_str().unwrap().to_string();
        let rep = search
            .get_report(pb::GetReportRequest { report_id: id })
            .await
            .unwrap()
            .into_inner();
        texts.extend(rep.sections.into_iter().map(|s| s.text));
        let findings = findings_of(r["text"].as_str().unwrap());
        let hits = search
            .similar_cases(pb::SimilarCasesRequest {
                query: Some(pb::similar_cases_request::Query::Findings(findings.clone())),
                k: 5,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        texts.extend(hits.hits.into_iter().map(|h| h.snippet));
        texts.push(findings);
    }
    for r in records.iter().step_by(11) {
        assert_eq!(call(&ch, "DraftImpression", None, r).await, Code::Ok);
        assert_eq!(call(&ch, "CaseSummary", None, r).await, Code::Ok);
        assert_eq!(call(&ch, "Differentials", None, r).await, Code::Ok);
    }
    let log = std::fs::read_to_string(server.data.join("audit/audit.jsonl")).unwrap();
    assert!(!log.contains("\"\""), "no empty id is logged");
    assert!(log.lines().count() >= records.len() / 3 * 2);
    // Any stretch of 24 characters of any text returned (or sent as a query) would be text in
    // the log; ids, dates and status names are far shorter and never contain spaces.
    let mut checked = 0;
    for t in &texts {
        let chars: Vec<char> = t.chars().collect();
        for w in chars.windows(24).step_by(12) {
            let w: String = w.iter().collect();
            if w.contains(' ') {
                checked += 1;
                assert!(!log.contains(&w), "report text in the audit log: {w:?}");
            }
        }
    }
    assert!(checked > 1000, "{checked}");
    for line in log.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let keys: BTreeSet<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let allowed: BTreeSet<&str> = [
            "time",
            "caller",
            "token",
            "rpc",
            "patient_ids",
            "report_ids",
            "status",
            "request_id",
            "detail",
        ]
        .into();
        assert!(keys.is_subset(&allowed), "{keys:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_load_leaves_a_readable_log() {
    let mut server = Server::start(&[("PRIORS__AUDIT__FSYNC_INTERVAL_MS", "200".into())]);
    let ch = server.channel().await;
    let records = corpus_records();
    let ids: Vec<String> = records
        .iter()
        .map(|r| r["report_id"].as_str().unwrap().to_string())
        .collect();
    let mut tasks = Vec::new();
    for w in 0..8 {
        let ch = ch.clone();
        let ids = ids.clone();
        tasks.push(tokio::spawn(async move {
            let mut c = ReportSearchClient::new(ch);
            let mut n = 0usize;
            loop {
                let id = ids[(w * 7 + n) % ids.len()].clone();
                if c.get_report(pb::GetReportRequest { report_id: id })
                    .await
                    .is_err()
                {
                    return n; // the server is gone
                }
                n += 1;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill9();
    let mut answered = 0;
    for t in tasks {
        answered += t.await.unwrap();
    }
    assert!(answered > 50, "{answered}");
    let (lines, stderr) = audit_lines(&server, &[]);
    // Every answered call had its line written before its answer.
    assert!(
        lines.len() >= answered,
        "{} lines for {answered} answers",
        lines.len()
    );
    let unreadable = stderr.matches("unreadable line").count();
    assert!(unreadable <= 1, "{stderr}");
    // The restarted server appends after whatever was torn, and the log stays readable.
    server.restart();
    let mut c = ReportSearchClient::new(server.channel().await);
    c.get_report(pb::GetReportRequest {
        report_id: ids[0].clone(),
    })
    .await
    .unwrap();
    let (after, stderr2) = audit_lines(&server, &[]);
    assert_eq!(after.len(), lines.len() + 1);
    assert_eq!(stderr2.matches("unreadable line").count(), unreadable);
}

fn make_ca() -> (rcgen::Issuer<'static, rcgen::KeyPair>, String) {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "priors test CA");
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (rcgen::Issuer::new(params, key), cert.pem())
}

fn leaf(
    issuer: &rcgen::Issuer<'static, rcgen::KeyPair>,
    names: &[&str],
    cn: &str,
) -> (String, String) {
    let mut params =
        rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_names_the_caller_from_its_certificate() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let (ca, ca_pem) = make_ca();
    let (server_cert, server_key) = leaf(&ca, &["localhost"], "priors server");
    let (client_cert, client_key) = leaf(&ca, &[], "workstation-7");
    let (other_ca, _) = make_ca();
    let (stranger_cert, stranger_key) = leaf(&other_ca, &[], "stranger");
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let env = [
        (
            "PRIORS__SERVER__TLS_CERT",
            write("server.pem", &server_cert),
        ),
        ("PRIORS__SERVER__TLS_KEY", write("server.key", &server_key)),
        ("PRIORS__SERVER__CLIENT_CA", write("ca.pem", &ca_pem)),
    ];
    let server = Server::start(&env);
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    async fn ask(port: &str, ca_pem: &str, identity: Option<(&str, &str)>) -> Result<(), String> {
        let mut tls = tonic::transport::ClientTlsConfig::new()
            .ca_certificate(tonic::transport::Certificate::from_pem(ca_pem))
            .domain_name("localhost");
        if let Some((cert, key)) = identity {
            tls = tls.identity(tonic::transport::Identity::from_pem(cert, key));
        }
        let ch = Channel::from_shared(format!("https://localhost:{port}"))
            .unwrap()
            .tls_config(tls)
            .unwrap()
            .connect()
            .await
            .map_err(|e| format!("connect: {e:?}"))?;
        let mut c = ReportSearchClient::new(ch);
        c.patient_timeline(pb::PatientTimelineRequest {
            patient_id: corpus_records()[0]["patient_id"]
                .as_str()
                .unwrap()
                .to_string(),
        })
        .await
        .map(drop)
        .map_err(|s| format!("call: {s:?}"))
    }
    ask(&port, &ca_pem, Some((&client_cert, &client_key)))
        .await
        .expect("a client with a certificate of the CA is served");
    assert!(
        ask(&port, &ca_pem, None).await.is_err(),
        "no certificate: refused"
    );
    assert!(
        ask(&port, &ca_pem, Some((&stranger_cert, &stranger_key)))
            .await
            .is_err(),
        "a certificate of another CA: refused"
    );
    let (lines, _) = audit_lines(&server, &["--caller", "workstation-7"]);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["rpc"], "priors.v1.ReportSearch/PatientTimeline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_and_stream_limits_answer_resource_exhausted_with_a_retry_hint() {
    let server = Server::start(&[
        ("PRIORS__SERVER__RATE_PER_SECOND", "1".into()),
        ("PRIORS__SERVER__RATE_BURST", "3".into()),
        ("PRIORS__SERVER__MAX_STREAMS_PER_CALLER", "1".into()),
    ]);
    let ch = server.channel().await;
    let mut c = StagingClient::new(ch.clone());
    let ask = || pb::AskRequest {
        question: "What is Deauville 4?".into(),
    };
    let mut codes = Vec::new();
    for _ in 0..5 {
        codes.push(c.ask(ask()).await.map_or_else(|s| s.code(), |_| Code::Ok));
    }
    assert_eq!(&codes[..3], &[Code::Ok; 3], "{codes:?}");
    let e = c.ask(ask()).await.unwrap_err();
    assert_eq!(e.code(), Code::ResourceExhausted, "{e:?}");
    let hint: u64 = e
        .metadata()
        .get("retry-after-ms")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(hint > 0 && hint <= 1000, "{hint}");
    use tonic_types::StatusExt;
    assert!(e.get_details_retry_info().is_some(), "RetryInfo detail");
    // Health checks are not counted.
    let mut h = tonic_health::pb::health_client::HealthClient::new(ch.clone());
    for _ in 0..5 {
        h.check(tonic_health::pb::HealthCheckRequest::default())
            .await
            .unwrap();
    }
    // After the hint, the caller is served again.
    tokio::time::sleep(Duration::from_millis(hint + 50)).await;
    c.ask(ask()).await.expect("served after the hint");

    // One stream at a time for this caller: a held IngestReports stream makes a second one
    // RESOURCE_EXHAUSTED (the rate limit refills meanwhile).
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (tx, rx) = tokio::sync::mpsc::channel::<pb::IngestReportsRequest>(1);
    let mut ing = IngestionClient::new(ch.clone());
    let held = tokio::spawn(async move {
        ing.ingest_reports(tokio_stream::wrappers::ReceiverStream::new(rx))
            .await
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let e = DraftingClient::new(ch.clone())
        .draft_impression(pb::DraftRequest {
            findings: "Hypermetabolic right upper lobe mass, SUVmax 9.1.".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::ResourceExhausted, "{e:?}");
    assert!(e.message().contains("max_streams_per_caller"), "{e:?}");
    assert!(e.metadata().get("retry-after-ms").is_some());
    drop(tx);
    let _ = held.await.unwrap();
}

// ---- streaming ingestion ---------------------------------------------------------------

/// A corpus of `patients` synthetic patients (JSONL) that the prepared data does not hold.
fn extra_corpus(dir: &std::path::Path, patients: u32) -> (std::path::PathBuf, usize) {
    let path = dir.join("extra.jsonl");
    let ok = Command::new(env!("CARGO_BIN_EXE_priors"))
        .args([
            "synth",
            "--seed",
            "77",
            "--patients",
            &patients.to_string(),
            "--out",
        ])
        .arg(&path)
        .status()
        .unwrap();
    assert!(ok.success());
    // Ids of their own, so that every record is a new report next to the prepared corpus.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let mut r: serde_json::Value = serde_json::from_str(line).unwrap();
        for key in ["report_id", "patient_id"] {
            let id = format!("X{}", r[key].as_str().unwrap());
            r[key] = id.into();
        }
        out.push_str(&r.to_string());
        out.push('\n');
    }
    std::fs::write(&path, out).unwrap();
    let n = text.lines().count();
    (path, n)
}

async fn stats(server: &Server) -> pb::StatsResponse {
    AdminClient::new(server.channel().await)
        .stats(pb::StatsRequest {})
        .await
        .unwrap()
        .into_inner()
}

/// `priors ingest FILE --json` while the server holds the data directory.
fn ingest_through(server: &Server, file: &std::path::Path) -> std::process::Child {
    server
        .priors()
        .args(["ingest", "--json"])
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait until the server holds more than `before` reports (a group was committed).
async fn until_committed(server: &Server, before: u64) -> u64 {
    let started = Instant::now();
    loop {
        let s = stats(server).await;
        if s.reports > before {
            return s.reports;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "nothing committed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const GROUP: u64 = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_killed_mid_stream_leaves_whole_groups_and_a_resend_converges() {
    let server = Server::start(&[("PRIORS__INGEST__COMMIT_REPORTS", GROUP.to_string())]);
    let (file, n) = extra_corpus(server.dir(), 100);
    let before = stats(&server).await.reports;
    let mut client = ingest_through(&server, &file);
    until_committed(&server, before).await;
    client.kill().unwrap(); // SIGKILL
    client.wait().unwrap();
    // The server notices, finishes the groups it had, and audits the broken stream.
    let started = Instant::now();
    let line = loop {
        let (lines, _) = audit_lines(&server, &["--caller", "anonymous"]);
        if let Some(l) = lines
            .into_iter()
            .find(|l| l["rpc"] == "priors.v1.Ingestion/IngestReports")
        {
            break l;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no audit line of the stream\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_ne!(line["status"], "OK", "{line}");
    let s = stats(&server).await;
    assert!(s.consistent, "{s:?}");
    let committed = s.reports - before;
    assert!(
        committed < n as u64,
        "the client was killed before the end ({committed} of {n})"
    );
    assert_eq!(
        committed % GROUP,
        0,
        "only whole groups are committed: {committed}"
    );
    // Re-sending the whole file converges.
    let out = ingest_through(&server, &file).wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        summary["ingested"].as_u64().unwrap(),
        n as u64 - committed,
        "{summary}"
    );
    assert_eq!(
        summary["unchanged"].as_u64().unwrap(),
        committed,
        "{summary}"
    );
    let s = stats(&server).await;
    assert!(s.consistent);
    assert_eq!(s.reports, before + n as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_stream_recovers_and_a_resend_converges() {
    let mut server = Server::start(&[("PRIORS__INGEST__COMMIT_REPORTS", GROUP.to_string())]);
    let (file, n) = extra_corpus(server.dir(), 40);
    let before = stats(&server).await.reports;
    let client = ingest_through(&server, &file);
    until_committed(&server, before).await;
    server.kill9();
    let out = client.wait_with_output().unwrap();
    assert!(!out.status.success(), "the client sees the server go");
    server.restart();
    let s = stats(&server).await;
    assert!(s.consistent, "{s:?}");
    assert!(s.reports > before && s.reports < before + n as u64, "{s:?}");
    let out = ingest_through(&server, &file).wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ingested = summary["ingested"].as_u64().unwrap() + summary["updated"].as_u64().unwrap();
    assert_eq!(
        ingested + summary["unchanged"].as_u64().unwrap(),
        n as u64,
        "{summary}"
    );
    let s = stats(&server).await;
    assert!(s.consistent);
    assert_eq!(s.reports, before + n as u64);
    // Deleting while the server holds the directory goes through it too.
    let first: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let out = server
        .priors()
        .args([
            "delete",
            "--json",
            first["report_id"].as_str().unwrap(),
            "NO-SUCH",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["deleted"][0], first["report_id"]);
    assert_eq!(d["not_found"][0], "NO-SUCH");
    assert_eq!(stats(&server).await.reports, before + n as u64 - 1);
}

#[test]
fn a_stale_server_file_is_ignored() {
    // A server killed with SIGKILL leaves server.json behind; with the lock free, the CLI
    // writes locally.
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    support::grpc::copy_dir(&support::grpc::prepared().data, &data);
    std::fs::write(
        data.join("server.json"),
        r#"{"addr":"127.0.0.1:1","pid":999999,"tls":false}"#,
    )
    .unwrap();
    let r = &corpus_records()[0];
    let out = Command::new(env!("CARGO_BIN_EXE_priors"))
        .current_dir(support::grpc::root())
        .arg("--data-dir")
        .arg(&data)
        .args(["delete", "--json", r["report_id"].as_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("held by"));
}
