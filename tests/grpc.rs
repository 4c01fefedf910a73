//! End to end over gRPC: the real `priors serve` (real Tantivy, real Qdrant engine, real
//! embedding model) on a free loopback port, every RPC, bad input and status codes, auth,
//! health and reflection, streaming drafts and their verification.

mod support;

use priors_proto::v1 as pb;
use std::collections::HashSet;
use std::time::Duration;
use support::grpc::{assert_grounded, corpus_records, findings_of, indication_of, Server};
use tonic::Code;

use pb::drafting_client::DraftingClient;
use pb::ingestion_client::IngestionClient;
use pb::report_search_client::ReportSearchClient;
use pb::staging_client::StagingClient;

/// A labelled report of the corpus with findings and an impression.
fn sample_report(cancer_type: &str) -> serde_json::Value {
    corpus_records()
        .into_iter()
        .find(|r| {
            r["labels"]["cancer_type"] == cancer_type
                && r["text"].as_str().unwrap().contains("IMPRESSION:")
        })
        .unwrap_or_else(|| panic!("no {cancer_type} report in the corpus"))
}

fn field_violation(s: &tonic::Status) -> Option<String> {
    use tonic_types::StatusExt;
    s.get_details_bad_request()
        .and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
}

/// Collect a draft stream: the streamed sentences (after the last restart), the number of
/// restarts, and the final draft.
async fn collect(
    mut stream: tonic::Streaming<pb::DraftEvent>,
) -> (Vec<pb::DraftSentence>, usize, pb::Draft) {
    let mut sentences = Vec::new();
    let mut restarts = 0;
    let mut last = None;
    while let Some(ev) = stream.message().await.expect("stream item") {
        match ev.event.expect("event set") {
            pb::draft_event::Event::Sentence(s) => {
                assert!(last.is_none(), "sentence after the final draft");
                sentences.push(s)
            }
            pb::draft_event::Event::Restart(_) => {
                restarts += 1;
                sentences.clear();
            }
            pb::draft_event::Event::Final(d) => last = Some(d),
        }
    }
    (sentences, restarts, last.expect("final draft"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_search_rpcs_and_their_errors() {
    let server = Server::start(&[]);
    let mut c = ReportSearchClient::new(server.channel().await);
    let nsclc = sample_report("nsclc");
    let findings = findings_of(nsclc["text"].as_str().unwrap());

    // By findings, with a filter compiled into the engines.
    let r = c
        .similar_cases(pb::SimilarCasesRequest {
            query: Some(pb::similar_cases_request::Query::Findings(findings.clone())),
            filter: Some(pb::Filter {
                exclude_patients: vec![nsclc["patient_id"].as_str().unwrap().into()],
                ..Default::default()
            }),
            k: 5,
            mode: pb::SearchMode::Hybrid as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.mode, "hybrid");
    assert_eq!(r.hits.len(), 5);
    assert!(r.hits.iter().all(|h| h.patient_id != nsclc["patient_id"]));
    assert!(r.hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(r
        .hits
        .iter()
        .all(|h| h.bm25_rank.is_some() || h.dense_rank.is_some()));

    let r = c
        .similar_cases(pb::SimilarCasesRequest {
            query: Some(pb::similar_cases_request::Query::Findings(findings.clone())),
            filter: Some(pb::Filter {
                cancer_type: "dlbcl".into(),
                ..Default::default()
            }),
            k: 3,
            mode: pb::SearchMode::Bm25 as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!r.hits.is_empty());
    assert!(
        r.hits.iter().all(|h| h.cancer_type == "dlbcl"),
        "{:?}",
        r.hits
    );

    // By report id: the report's own patient is excluded.
    let id = nsclc["report_id"].as_str().unwrap().to_string();
    let r = c
        .similar_cases(pb::SimilarCasesRequest {
            query: Some(pb::similar_cases_request::Query::ReportId(id.clone())),
            k: 4,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.hits.len(), 4);
    assert!(r.hits.iter().all(|h| h.patient_id != nsclc["patient_id"]));
    // Cases, not reports: by default one hit per patient, the patient's other matching
    // reports under `also`; `per: REPORT` lists reports (a patient may come back).
    let by_report = |per: pb::ResultUnit| pb::SimilarCasesRequest {
        query: Some(pb::similar_cases_request::Query::ReportId(id.clone())),
        k: 12,
        per: per as i32,
        ..Default::default()
    };
    let cases = c
        .similar_cases(by_report(pb::ResultUnit::Unspecified))
        .await
        .unwrap()
        .into_inner();
    let patients: HashSet<&str> = cases.hits.iter().map(|h| h.patient_id.as_str()).collect();
    assert_eq!(patients.len(), cases.hits.len(), "one hit per patient");
    assert_eq!(cases.hits.len(), 12);
    let reports = c
        .similar_cases(by_report(pb::ResultUnit::Report))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(reports.hits.len(), 12);
    assert!(reports.hits.iter().all(|h| h.also.is_empty()));
    let also: Vec<&pb::AlsoHit> = cases.hits.iter().flat_map(|h| h.also.iter()).collect();
    let repeats = reports.hits.len()
        - reports
            .hits
            .iter()
            .map(|h| h.patient_id.as_str())
            .collect::<HashSet<_>>()
            .len();
    assert!(
        repeats == 0 || !also.is_empty(),
        "a repeated patient's reports show up under also"
    );
    let e = c
        .similar_cases(pb::SimilarCasesRequest {
            per: 9,
            ..by_report(pb::ResultUnit::Patient)
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);

    // Errors.
    let e = c
        .similar_cases(pb::SimilarCasesRequest {
            query: Some(pb::similar_cases_request::Query::ReportId(
                "NO-SUCH-REPORT".into(),
            )),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::NotFound, "{e:?}");
    let e = c
        .similar_cases(pb::SimilarCasesRequest {
            query: Some(pb::similar_cases_request::Query::Findings("   ".into())),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert_eq!(field_violation(&e).as_deref(), Some("findings"));
    let e = c
        .similar_cases(pb::SimilarCasesRequest {
            query: Some(pb::similar_cases_request::Query::Findings(findings.clone())),
            filter: Some(pb::Filter {
                cancer_type: "not_a_cancer".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert_eq!(field_violation(&e).as_deref(), Some("filter.cancer_type"));
    let e = c
        .similar_cases(pb::SimilarCasesRequest::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert_eq!(field_violation(&e).as_deref(), Some("query"));

    // GetReport: the stored sections, in order.
    let rep = c
        .get_report(pb::GetReportRequest {
            report_id: id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rep.report_id, id);
    assert_eq!(rep.patient_id, nsclc["patient_id"]);
    assert_eq!(rep.exam_date, nsclc["exam_date"]);
    let f = rep
        .sections
        .iter()
        .find(|s| s.kind == "findings")
        .expect("findings section");
    assert!(f.text.contains(&findings[..40.min(findings.len())]));
    let e = c
        .get_report(pb::GetReportRequest {
            report_id: "NO-SUCH-REPORT".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::NotFound);

    // PatientTimeline: every report of the patient, by date.
    let pid = nsclc["patient_id"].as_str().unwrap();
    let t = c
        .patient_timeline(pb::PatientTimelineRequest {
            patient_id: pid.into(),
        })
        .await
        .unwrap()
        .into_inner();
    let expected = corpus_records()
        .iter()
        .filter(|r| r["patient_id"] == pid)
        .count();
    assert_eq!(t.entries.len(), expected);
    assert!(t
        .entries
        .windows(2)
        .all(|w| w[0].exam_date <= w[1].exam_date));
    let e = c
        .patient_timeline(pb::PatientTimelineRequest {
            patient_id: "NOBODY".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::NotFound);

    // Graceful shutdown: SIGTERM drains and exits 0.
    assert!(server.stop().success());
}

fn draft_request(r: &serde_json::Value, mode: pb::DraftMode) -> pb::DraftRequest {
    let text = r["text"].as_str().unwrap();
    let indication = indication_of(text);
    assert!(
        !indication.is_empty(),
        "no clinical history in {}",
        r["report_id"]
    );
    pb::DraftRequest {
        findings: findings_of(text),
        indication,
        comparison: String::new(),
        patient_id: r["patient_id"].as_str().unwrap().into(),
        k: 5,
        mode: mode as i32,
        exam_date: r["exam_date"].as_str().unwrap().into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extractive_drafts_stream_verified_cited_sentences() {
    let server = Server::start(&[]);
    let mut c = DraftingClient::new(server.channel().await);
    let mut seen_staging = false;
    for cancer in ["nsclc", "hodgkin_lymphoma", "breast", "sarcoidosis"] {
        let r = sample_report(cancer);
        let req = draft_request(&r, pb::DraftMode::Extractive);
        let (streamed, restarts, d) =
            collect(c.draft_impression(req.clone()).await.unwrap().into_inner()).await;
        assert_eq!(d.mode, "extractive");
        assert_eq!(restarts, 0);
        assert!(!d.sentences.is_empty(), "{cancer}: empty draft");
        assert_eq!(
            streamed, d.sentences,
            "the stream carries exactly the final sentences"
        );
        assert_eq!(
            d.text,
            d.sentences
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        );
        // Prior cases never come from the current patient.
        assert!(d
            .sources
            .iter()
            .filter(|s| s.kind == pb::SourceKind::PriorCase as i32)
            .all(|s| s.patient_id != req.patient_id));
        // Source ids are C1.. and G1.., unique.
        let ids: HashSet<&str> = d.sources.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids.len(), d.sources.len());
        assert_grounded(
            &d,
            &format!("{}\n{}\n{}", req.findings, req.indication, req.comparison),
        );
        seen_staging |= !d.staging_summary.is_empty();
        // Deterministic.
        let (_, _, again) = collect(c.draft_impression(req).await.unwrap().into_inner()).await;
        assert_eq!(again.text, d.text);
    }
    assert!(
        seen_staging,
        "the lung or lymphoma draft carries rule-based staging"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafting_rejects_bad_input_with_the_right_codes() {
    let server = Server::start(&[("PRIORS__SERVER__MAX_MESSAGE_BYTES", "65536".into())]);
    let mut c = DraftingClient::new(server.channel().await);
    let e = c
        .draft_impression(pb::DraftRequest {
            findings: " \n".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert_eq!(field_violation(&e).as_deref(), Some("findings"));
    // Larger than server.max_message_bytes.
    let e = c
        .draft_impression(pb::DraftRequest {
            findings: "Hypermetabolic node. ".repeat(5000),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::ResourceExhausted, "{e:?}");
    let e = c
        .draft_impression(pb::DraftRequest {
            findings: "Mass.".into(),
            mode: 42,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    // A deadline that cannot be met.
    let mut req = tonic::Request::new(pb::DraftRequest {
        findings: "Right upper lobe mass with SUVmax 9.1.".into(),
        ..Default::default()
    });
    req.set_timeout(Duration::from_millis(1));
    let e = match c.draft_impression(req).await {
        Err(e) => e,
        Ok(s) => {
            let mut s = s.into_inner();
            loop {
                match s.message().await {
                    Err(e) => break e,
                    Ok(None) => panic!("a 1 ms deadline was met"),
                    Ok(Some(_)) => {}
                }
            }
        }
    };
    // The server answers DEADLINE_EXCEEDED (unit-tested in priors-server's `state`); tonic's
    // client may give up first on its own timer, which it reports as CANCELLED.
    assert!(
        matches!(e.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{e:?}"
    );
    let e = c
        .differentials(pb::DifferentialsRequest {
            findings: "Mass.".into(),
            k: 100_000,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert_eq!(field_violation(&e).as_deref(), Some("k"));
    // Differentials with empty findings.
    let e = c
        .differentials(pb::DifferentialsRequest::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn differentials_are_ranked_and_cited() {
    let server = Server::start(&[]);
    let mut c = DraftingClient::new(server.channel().await);
    let r = sample_report("dlbcl");
    let req = draft_request(&r, pb::DraftMode::Extractive);
    let d = c
        .differentials(pb::DifferentialsRequest {
            findings: req.findings.clone(),
            indication: String::new(),
            patient_id: req.patient_id.clone(),
            k: 20,
            max_differentials: 4,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!d.differentials.is_empty() && d.differentials.len() <= 4);
    assert!(d.differentials.windows(2).all(|w| w[0].score >= w[1].score));
    let total: f64 = d.differentials.iter().map(|x| x.score).sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    let ids: HashSet<&str> = d.sources.iter().map(|s| s.id.as_str()).collect();
    for x in &d.differentials {
        assert!(!x.prior_cases.is_empty());
        for id in x.prior_cases.iter().chain(&x.guideline_passages) {
            assert!(ids.contains(id.as_str()), "{id} points nowhere");
        }
        for id in &x.prior_cases {
            let s = d.sources.iter().find(|s| &s.id == id).unwrap();
            assert_eq!(
                s.title, x.diagnosis,
                "a supporting case states the diagnosis"
            );
            assert_ne!(s.patient_id, req.patient_id);
        }
        assert!(!x.rationale.is_empty() && x.rationale.contains('['));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingestion_over_grpc_is_idempotent_and_reports_bad_records() {
    let server = Server::start(&[]);
    let mut ing = IngestionClient::new(server.channel().await);
    let mut search = ReportSearchClient::new(server.channel().await);
    let good = pb::IngestReportsRequest {
        report_id: "GRPC-0001".into(),
        patient_id: "GRPC-P1".into(),
        exam_date: "2024-05-02".into(),
        modality: "PET/CT".into(),
        tracer: "FDG".into(),
        text: "INDICATION: Staging of non-small cell lung cancer.\nFINDINGS: Spiculated left upper lobe mass with SUVmax 14.2. FDG-avid left hilar node.\nIMPRESSION: Left upper lobe primary with hilar nodal disease.".into(),
        labels_json: String::new(),
    };
    let bad_date = pb::IngestReportsRequest {
        report_id: "GRPC-0002".into(),
        exam_date: "02/05/2024".into(),
        ..good.clone()
    };
    let no_findings = pb::IngestReportsRequest {
        report_id: "GRPC-0003".into(),
        text: "INDICATION: Staging.\nIMPRESSION: Nothing.".into(),
        ..good.clone()
    };
    let duplicate = good.clone();
    let s = ing
        .ingest_reports(tokio_stream::iter(vec![
            good.clone(),
            bad_date,
            no_findings,
            duplicate,
        ]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((s.ingested, s.failed), (1, 3), "{s:?}");
    let kinds: Vec<(u32, &str)> = s
        .errors
        .iter()
        .map(|e| (e.record, e.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (2, "invalid_value"),
            (3, "empty_findings"),
            (4, "duplicate_id")
        ],
        "{s:?}"
    );
    // Searchable at once, through both engines.
    let r = search
        .get_report(pb::GetReportRequest {
            report_id: "GRPC-0001".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.patient_id, "GRPC-P1");
    // Idempotent.
    let s = ing
        .ingest_reports(tokio_stream::iter(vec![good.clone()]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((s.ingested, s.unchanged, s.failed), (0, 1, 0));
    // Empty stream.
    let e = ing
        .ingest_reports(tokio_stream::iter(Vec::<pb::IngestReportsRequest>::new()))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    // Delete, then it is gone; a second delete is NOT_FOUND.
    ing.delete_report(pb::DeleteReportRequest {
        report_id: "GRPC-0001".into(),
    })
    .await
    .unwrap();
    let e = search
        .get_report(pb::GetReportRequest {
            report_id: "GRPC-0001".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::NotFound);
    let e = ing
        .delete_report(pb::DeleteReportRequest {
            report_id: "GRPC-0001".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::NotFound);
    // Both stores agree after all of it.
    let data = server.data.clone();
    assert!(server.stop().success());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_priors"))
        .current_dir(support::grpc::root())
        .arg("--data-dir")
        .arg(&data)
        .args(["stats", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["consistent"], true, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staging_service_answers_with_evidence() {
    let server = Server::start(&[]);
    let mut c = StagingClient::new(server.channel().await);
    let r = c
        .stage(pb::StageRequest {
            cancer: "lung".into(),
            text: "FINDINGS: 2.5 cm right upper lobe mass. FDG-avid ipsilateral mediastinal node at station 4R. No distant metastases.".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.cancer, "lung");
    assert_eq!(r.n, "N2", "{r:?}");
    assert!(r.evidence.iter().all(|e| !e.guideline.is_empty()));
    let e = c
        .stage(pb::StageRequest {
            cancer: "kidney".into(),
            text: "Mass.".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert_eq!(field_violation(&e).as_deref(), Some("cancer"));
    let a = c
        .ask(pb::AskRequest {
            question: "What T category is a 4.5 cm tumour with visceral pleural invasion?".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(a.decided);
    assert!(!a.citations.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bearer_token_health_and_reflection() {
    let server = Server::start(&[("PRIORS__SERVER__AUTH_TOKEN", "s3cret-token".into())]);
    let ch = server.channel().await;
    // Without the token: UNAUTHENTICATED, on our services and on health.
    let mut c = StagingClient::new(ch.clone());
    let e = c
        .ask(pb::AskRequest {
            question: "T category?".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::Unauthenticated);
    let mut h = tonic_health::pb::health_client::HealthClient::new(ch.clone());
    let e = h
        .check(tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::Unauthenticated);
    // Wrong token.
    let mut req = tonic::Request::new(pb::AskRequest {
        question: "T category?".into(),
    });
    req.metadata_mut()
        .insert("authorization", "Bearer wrong".parse().unwrap());
    assert_eq!(c.ask(req).await.unwrap_err().code(), Code::Unauthenticated);

    let with_token = |m| {
        let mut r = tonic::Request::new(m);
        r.metadata_mut()
            .insert("authorization", "Bearer s3cret-token".parse().unwrap());
        r
    };
    let hc = h
        .check(with_token(tonic_health::pb::HealthCheckRequest {
            service: "priors.v1.Drafting".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        hc.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );

    // Reflection lists our services (what grpcurl uses).
    use tonic_reflection::pb::v1::{
        server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
        ServerReflectionRequest,
    };
    let mut r = ServerReflectionClient::new(ch);
    let mut req = tonic::Request::new(tokio_stream::iter(vec![ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    }]));
    req.metadata_mut()
        .insert("authorization", "Bearer s3cret-token".parse().unwrap());
    let mut resp = r.server_reflection_info(req).await.unwrap().into_inner();
    let msg = resp.message().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = msg.message_response else {
        panic!("unexpected reflection answer")
    };
    let names: HashSet<String> = list.service.into_iter().map(|s| s.name).collect();
    for s in [
        "priors.v1.ReportSearch",
        "priors.v1.Drafting",
        "priors.v1.Ingestion",
        "priors.v1.Staging",
        "priors.v1.Admin",
        "grpc.health.v1.Health",
    ] {
        assert!(names.contains(s), "{s} missing from reflection: {names:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_concurrency_limit_calls_get_resource_exhausted() {
    let server = Server::start(&[("PRIORS__SERVER__CONCURRENCY_LIMIT", "1".into())]);
    let ch = server.channel().await;
    // Hold the only slot: an IngestReports call whose request stream stays open. The held
    // call itself can meet an Ask in flight and be the one refused (the limit is shared):
    // then it is made again.
    let hold = || {
        let (tx, rx) = tokio::sync::mpsc::channel::<pb::IngestReportsRequest>(1);
        let mut ing = IngestionClient::new(ch.clone());
        let task = tokio::spawn(async move {
            ing.ingest_reports(tokio_stream::wrappers::ReceiverStream::new(rx))
                .await
        });
        (tx, task)
    };
    let (mut tx, mut held) = hold();
    // Once the held call has reached the server, the next one is refused.
    let mut b = StagingClient::new(ch.clone());
    let started = std::time::Instant::now();
    let mut held_refused = 0;
    let e = loop {
        if held.is_finished() {
            let lost = (&mut held).await.unwrap().unwrap_err();
            assert_eq!(lost.code(), Code::ResourceExhausted, "{lost:?}");
            held_refused += 1;
            (tx, held) = hold();
        }
        let r = b
            .ask(pb::AskRequest {
                question: "What is Deauville 4?".into(),
            })
            .await;
        match r {
            Err(e) if e.code() == Code::ResourceExhausted => break e,
            _ => {
                assert!(
                    started.elapsed() < Duration::from_secs(20),
                    "never refused ({held_refused} held calls were refused themselves): {r:?}"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    assert!(e.message().contains("concurrency_limit"), "{e:?}");
    // Closing the held stream frees the slot (the empty stream itself is invalid).
    drop(tx);
    let held = held.await.unwrap().unwrap_err();
    assert_eq!(held.code(), Code::InvalidArgument);
    b.ask(pb::AskRequest {
        question: "What is Deauville 4?".into(),
    })
    .await
    .expect("the slot is free again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_serves_only_tls_clients() {
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_pem = cert.cert.pem();
    std::fs::write(dir.path().join("cert.pem"), &cert_pem).unwrap();
    std::fs::write(dir.path().join("key.pem"), cert.signing_key.serialize_pem()).unwrap();
    let server = Server::start(&[
        (
            "PRIORS__SERVER__TLS_CERT",
            dir.path().join("cert.pem").display().to_string(),
        ),
        (
            "PRIORS__SERVER__TLS_KEY",
            dir.path().join("key.pem").display().to_string(),
        ),
    ]);
    let _ = rustls_provider();
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    let tls = tonic::transport::ClientTlsConfig::new()
        .ca_certificate(tonic::transport::Certificate::from_pem(cert_pem))
        .domain_name("localhost");
    let ch = tonic::transport::Channel::from_shared(format!("https://localhost:{port}"))
        .unwrap()
        .tls_config(tls)
        .unwrap()
        .connect()
        .await
        .expect("TLS connect");
    let mut c = StagingClient::new(ch);
    let a = c
        .ask(pb::AskRequest {
            question: "What is Deauville 4?".into(),
        })
        .await
        .expect("call over TLS")
        .into_inner();
    assert!(!a.answer.is_empty());
    // A plaintext client gets nowhere.
    let plain = tonic::transport::Channel::from_shared(format!("http://{}", server.addr))
        .unwrap()
        .connect()
        .await;
    if let Ok(ch) = plain {
        let mut c = StagingClient::new(ch);
        assert!(c
            .ask(pb::AskRequest {
                question: "T1?".into()
            })
            .await
            .is_err());
    }
}

fn rustls_provider() -> bool {
    rustls::crypto::ring::default_provider()
        .install_default()
        .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_client_draft_and_similar_cases_keep_their_json_contracts() {
    let server = Server::start(&[]);
    let r = sample_report("nsclc");
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("findings.txt");
    std::fs::write(&f, findings_of(r["text"].as_str().unwrap())).unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_priors"))
            .current_dir(support::grpc::root())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let f = f.to_str().unwrap();
    let v = run(&[
        "draft",
        "--addr",
        &server.addr,
        "--findings-file",
        f,
        "--patient-id",
        r["patient_id"].as_str().unwrap(),
        "--json",
    ]);
    for key in [
        "text",
        "mode",
        "fallback_reason",
        "staging_summary",
        "sentences",
        "sources",
        "verification",
    ] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    assert_eq!(v["mode"], "extractive");
    assert_eq!(v["verification"]["verified"], true);
    let ids: HashSet<&str> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    for s in v["sentences"].as_array().unwrap() {
        for c in s["citations"].as_array().unwrap() {
            assert!(ids.contains(c.as_str().unwrap()));
        }
    }
    let v = run(&[
        "similar-cases",
        "--addr",
        &server.addr,
        "--findings-file",
        f,
        "--k",
        "3",
        "--json",
    ]);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    for key in [
        "report_id",
        "patient_id",
        "exam_date",
        "cancer_type",
        "section",
        "snippet",
        "score",
        "bm25_rank",
        "dense_rank",
    ] {
        assert!(hits[0].get(key).is_some(), "missing {key}");
    }
    // A server that is not there: a clear error, exit 1.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_priors"))
        .args(["draft", "--addr", "127.0.0.1:1", "--findings-file", f])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is `priors serve` running?"));
}
