//! The patient's own priors end to end: drafts that compare with the patient's stored study
//! (`P` sources) over gRPC, the `CaseSummary` RPC, `priors compare` in both forms, and
//! `priors case --html` rendered in a real headless Chromium.

mod support;

#[path = "../crates/compare/tests/support/chromium.rs"]
mod chromium;

use priors_proto::v1 as pb;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;
use support::grpc::{
    assert_grounded, copy_dir, corpus_records, findings_of, indication_of, prepared, root, Server,
};
use tonic::Code;

use pb::drafting_client::DraftingClient;
use pb::report_search_client::ReportSearchClient;

/// The corpus by patient, each patient's records in date order.
fn by_patient() -> HashMap<String, Vec<Value>> {
    let mut out: HashMap<String, Vec<Value>> = HashMap::new();
    for r in corpus_records() {
        out.entry(r["patient_id"].as_str().unwrap().to_string())
            .or_default()
            .push(r);
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| {
            (a["exam_date"].as_str(), a["report_id"].as_str())
                .cmp(&(b["exam_date"].as_str(), b["report_id"].as_str()))
        });
    }
    out
}

fn is_lymphoma(r: &Value) -> bool {
    r["labels"]["cancer_type"]
        .as_str()
        .is_some_and(|c| c.contains("lymphoma") || c == "dlbcl")
}

/// A follow-up with a labelled response (lymphoma or not) and the patient's record before it.
fn follow_up(lymphoma: bool) -> (Value, Value) {
    let mut patients: Vec<(String, Vec<Value>)> = by_patient().into_iter().collect();
    patients.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, rs) in patients {
        for w in rs.windows(2) {
            if is_lymphoma(&w[1]) == lymphoma && !w[1]["labels"]["response"].is_null() {
                return (w[0].clone(), w[1].clone());
            }
        }
    }
    panic!("no follow-up (lymphoma: {lymphoma}) in the test corpus");
}

fn request(r: &Value) -> pb::DraftRequest {
    let text = r["text"].as_str().unwrap();
    pb::DraftRequest {
        findings: findings_of(text),
        indication: indication_of(text),
        patient_id: r["patient_id"].as_str().unwrap().into(),
        exam_date: r["exam_date"].as_str().unwrap().into(),
        k: 4,
        mode: pb::DraftMode::Extractive as i32,
        ..Default::default()
    }
}

async fn draft(
    c: &mut DraftingClient<tonic::transport::Channel>,
    req: pb::DraftRequest,
) -> (Vec<pb::DraftSentence>, pb::Draft) {
    let mut stream = c.draft_impression(req).await.unwrap().into_inner();
    let mut streamed = Vec::new();
    let mut last = None;
    while let Some(ev) = stream.message().await.unwrap() {
        match ev.event.unwrap() {
            pb::draft_event::Event::Sentence(s) => streamed.push(s),
            pb::draft_event::Event::Restart(_) => streamed.clear(),
            pb::draft_event::Event::Final(d) => last = Some(d),
        }
    }
    (streamed, last.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_of_follow_ups_compare_with_the_patients_own_prior() {
    let server = Server::start(&[]);
    let mut c = DraftingClient::new(server.channel().await);
    for lymphoma in [true, false] {
        let (prior, current) = follow_up(lymphoma);
        let req = request(&current);
        let (streamed, d) = draft(&mut c, req.clone()).await;
        assert_eq!(
            streamed, d.sentences,
            "the stream carries the final sentences"
        );
        let p: Vec<&pb::Source> = d
            .sources
            .iter()
            .filter(|s| s.kind == pb::SourceKind::PatientStudy as i32)
            .collect();
        assert_eq!(p.len(), 1, "{:?}", d.sources);
        assert_eq!(p[0].id, "P1");
        assert_eq!(p[0].ref_id, prior["report_id"].as_str().unwrap());
        assert_eq!(p[0].patient_id, req.patient_id);
        assert_eq!(p[0].exam_date, prior["exam_date"].as_str().unwrap());
        // The draft opens with the comparison, citing P1; more sentences cite it.
        let first = &d.sentences[0];
        assert!(
            first.text.starts_with(&format!(
                "Compared with PET/CT of {} [P1]",
                prior["exam_date"].as_str().unwrap()
            )),
            "{}",
            d.text
        );
        assert!(
            d.sentences
                .iter()
                .filter(|s| s.citations.iter().any(|c| c == "P1"))
                .count()
                >= 2,
            "{}",
            d.text
        );
        // The response stated matches the label of the report (its findings keep their hints,
        // but the comparison reads the stored prior).
        let words = match current["labels"]["response"].as_str().unwrap() {
            "CMR" => "complete metabolic response",
            "PMR" => "partial metabolic response",
            "NMR" => "no metabolic response",
            "SMD" => "stable metabolic disease",
            _ => "progressive metabolic disease",
        };
        assert!(
            first.text.contains(words),
            "{} (label {})",
            first.text,
            current["labels"]["response"]
        );
        // Never mixed into the prior cases: no C source is the patient's.
        assert!(d
            .sources
            .iter()
            .filter(|s| s.kind == pb::SourceKind::PriorCase as i32)
            .all(|s| s.patient_id != req.patient_id));
        assert_grounded(
            &d,
            &format!("{}\n{}\n{}", req.findings, req.indication, req.comparison),
        );
    }

    // `comparison` names the baseline: P1 is the patient's first study.
    let (_, current) = follow_up(true);
    let rs = &by_patient()[current["patient_id"].as_str().unwrap()];
    let mut req = request(&current);
    req.comparison = "baseline".into();
    let (_, d) = draft(&mut c, req).await;
    let p1 = d.sources.iter().find(|s| s.id == "P1").unwrap();
    assert_eq!(p1.ref_id, rs[0]["report_id"].as_str().unwrap());

    // A staging scan (the patient's first study) has no prior: no P source appears.
    let first = &rs[0];
    let (_, d) = draft(&mut c, request(first)).await;
    assert!(d
        .sources
        .iter()
        .all(|s| s.kind != pb::SourceKind::PatientStudy as i32));
    assert!(d
        .sentences
        .iter()
        .all(|s| !s.citations.iter().any(|c| c.starts_with('P'))));
    // Nor for a patient the store does not know.
    let mut req = request(first);
    req.patient_id = "SYN-P-UNKNOWN".into();
    let (_, d) = draft(&mut c, req).await;
    assert!(d
        .sources
        .iter()
        .all(|s| s.kind != pb::SourceKind::PatientStudy as i32));
    // A malformed exam date is the caller's error.
    let mut req = request(first);
    req.exam_date = "07/12/2026".into();
    let e = c.draft_impression(req).await.unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
}

/// The patient with the most studies in the test corpus.
fn longest_course() -> (String, Vec<Value>) {
    let mut v: Vec<(String, Vec<Value>)> = by_patient().into_iter().collect();
    v.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    v.into_iter().next().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_summary_over_grpc() {
    let server = Server::start(&[]);
    let mut c = ReportSearchClient::new(server.channel().await);
    let (patient, records) = longest_course();
    assert!(
        records.len() >= 3,
        "{patient} has {} studies",
        records.len()
    );
    let r = c
        .case_summary(pb::CaseSummaryRequest {
            patient_id: patient.clone(),
            similar_k: 3,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.patient_id, patient);
    assert_eq!(r.studies.len(), records.len());
    for (k, (s, rec)) in r.studies.iter().zip(&records).enumerate() {
        assert_eq!(s.label, format!("P{}", k + 1));
        assert_eq!(s.report_id, rec["report_id"].as_str().unwrap());
        assert_eq!(s.exam_date, rec["exam_date"].as_str().unwrap());
        if k > 0 {
            if let Some(want) = rec["labels"]["response"].as_str() {
                assert_eq!(
                    s.response,
                    want,
                    "{} ({})",
                    s.report_id,
                    s.missing.join("; ")
                );
            }
            if let Some(want) = rec["labels"]["deauville"].as_u64() {
                assert_eq!(s.deauville, Some(want as u32), "{}", s.report_id);
            }
        }
    }
    assert_eq!(
        r.studies[0].response, "",
        "the first study has nothing to respond to"
    );
    assert!(!r.trajectories.is_empty());
    for t in &r.trajectories {
        assert!(!t.points.is_empty());
        assert!(t
            .points
            .iter()
            .all(|p| r.studies.iter().any(|s| s.label == p.study)));
    }
    let status = r.current_status.unwrap();
    let last = r.studies.last().unwrap();
    assert!(status.text.starts_with(&last.label), "{}", status.text);
    assert!(status.citations.contains(&last.label));
    assert!(r.similar_patients.len() <= 3 && !r.similar_patients.is_empty());
    let ids: HashSet<&str> = r
        .similar_patients
        .iter()
        .map(|p| p.patient_id.as_str())
        .collect();
    assert_eq!(ids.len(), r.similar_patients.len(), "one hit per patient");
    assert!(!ids.contains(patient.as_str()));

    let e = c
        .case_summary(pb::CaseSummaryRequest {
            patient_id: "SYN-P-NOBODY".into(),
            similar_k: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::NotFound, "{e:?}");
    let e = c
        .case_summary(pb::CaseSummaryRequest::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);

    // GetReport returns the lesions stored with the report, offsets into its sections.
    let rep = c
        .get_report(pb::GetReportRequest {
            report_id: last.report_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!rep.lesions.is_empty());
    for l in &rep.lesions {
        let text = &rep.sections[l.section_index as usize].text;
        assert_eq!(rep.sections[l.section_index as usize].kind, "findings");
        assert!(
            text.get(l.start as usize..l.end as usize).is_some(),
            "{l:?}"
        );
    }
}

fn priors(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_priors"))
        .current_dir(root())
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("spawn priors")
}

fn copy_data(to: &Path) {
    copy_dir(&prepared().data, to);
}

#[test]
fn priors_compare_keeps_its_json_contract_in_both_forms() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_data(&data);
    let (prior, current) = follow_up(true);
    let pf = tmp.path().join("prior.txt");
    let cf = tmp.path().join("current.txt");
    std::fs::write(&pf, prior["text"].as_str().unwrap()).unwrap();
    std::fs::write(&cf, current["text"].as_str().unwrap()).unwrap();

    // Two texts, no store.
    let out = priors(
        &data,
        &[
            "compare",
            "--prior-file",
            pf.to_str().unwrap(),
            "--current-file",
            cf.to_str().unwrap(),
            "--cancer",
            "lymphoma",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "framework",
        "response",
        "deauville",
        "lesions",
        "new_lesions",
        "evidence",
        "missing",
    ] {
        assert!(j.get(key).is_some(), "no {key} in {j}");
    }
    assert_eq!(j["framework"], "lugano");
    assert_eq!(j["response"], current["labels"]["response"]);
    assert_eq!(j["deauville"], current["labels"]["deauville"]);
    let lesion = &j["lesions"][0];
    for key in [
        "site",
        "status",
        "prior_suv_max",
        "current_suv_max",
        "change_pct",
        "prior_span",
        "current_span",
    ] {
        assert!(lesion.get(key).is_some(), "no {key} in {lesion}");
    }
    assert!(j["measure"].as_str().unwrap().contains("SUVmax"));
    // `lung` and `solid` are PERCIST.
    for cancer in ["lung", "solid"] {
        let out = priors(
            &data,
            &[
                "compare",
                "--prior-file",
                pf.to_str().unwrap(),
                "--current-file",
                cf.to_str().unwrap(),
                "--cancer",
                cancer,
                "--json",
            ],
        );
        let j: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(j["framework"], "percist");
        assert!(j["measure"].as_str().unwrap().contains("SULpeak"));
    }

    // With the store: the latest study before the current exam is the prior.
    let pid = current["patient_id"].as_str().unwrap();
    let date = current["exam_date"].as_str().unwrap();
    let out = priors(
        &data,
        &[
            "compare",
            "--patient",
            pid,
            "--current-file",
            cf.to_str().unwrap(),
            "--exam-date",
            date,
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["prior"]["report_id"], prior["report_id"]);
    assert_eq!(j["response"], current["labels"]["response"]);
    // Every span quotes its study.
    for l in j["lesions"].as_array().unwrap() {
        if let Some(span) = l["prior_span"].as_object() {
            assert_eq!(span["study"], "prior");
        }
    }
    // --against a report of the patient; an unknown one is an error naming it.
    let rid = prior["report_id"].as_str().unwrap();
    let out = priors(
        &data,
        &[
            "compare",
            "--patient",
            pid,
            "--current-file",
            cf.to_str().unwrap(),
            "--exam-date",
            date,
            "--against",
            rid,
            "--json",
        ],
    );
    assert!(out.status.success());
    let out = priors(
        &data,
        &[
            "compare",
            "--patient",
            pid,
            "--current-file",
            cf.to_str().unwrap(),
            "--against",
            "SYN-R-NOPE",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SYN-R-NOPE"));
    // A current exam dated before every stored study: the earliest is no prior, and it says so.
    let out = priors(
        &data,
        &[
            "compare",
            "--patient",
            pid,
            "--current-file",
            cf.to_str().unwrap(),
            "--exam-date",
            "1990-01-01",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no prior"), "{err}");
    // Unknown patient.
    let out = priors(
        &data,
        &[
            "compare",
            "--patient",
            "SYN-P-NOBODY",
            "--current-file",
            cf.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SYN-P-NOBODY"));
    // Missing arguments.
    let out = priors(&data, &["compare", "--current-file", cf.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn priors_case_html_renders_in_chromium_and_matches_the_json() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_data(&data);
    let (patient, records) = longest_course();
    let page = tmp.path().join("case.html");
    let out = priors(
        &data,
        &[
            "case",
            &patient,
            "--similar",
            "3",
            "--json",
            "--html",
            page.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["studies"].as_array().unwrap().len(), records.len());
    let html = std::fs::read_to_string(&page).unwrap();
    let r = chromium::inspect(&html);
    // One series per trajectory, each circle's SUVmax the JSON's.
    let trajectories = j["trajectories"].as_array().unwrap();
    assert!(!trajectories.is_empty());
    assert_eq!(
        r["series_count"].as_u64().unwrap() as usize,
        trajectories.len()
    );
    for (s, t) in r["series"].as_array().unwrap().iter().zip(trajectories) {
        assert_eq!(s["lesion"], t["lesion"]);
        let measured: Vec<&Value> = t["points"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| !p["suv_max"].is_null())
            .collect();
        let circles = s["circles"].as_array().unwrap();
        assert_eq!(circles.len(), measured.len());
        for (c, p) in circles.iter().zip(measured) {
            assert_eq!(c["study"], p["study"]);
            assert_eq!(
                c["suv"].as_str().unwrap().parse::<f32>().unwrap(),
                p["suv_max"].as_f64().unwrap() as f32
            );
            assert!(
                c["inside"].as_bool().unwrap() && c["nonzero"].as_bool().unwrap(),
                "{c}"
            );
        }
    }
    // One table row per study, the report ids and responses as in the JSON.
    let rows = r["studies"].as_array().unwrap();
    let studies = j["studies"].as_array().unwrap();
    assert_eq!(rows.len(), studies.len());
    for (row, s) in rows.iter().zip(studies) {
        assert_eq!(row["attrs"]["data-report"], s["report_id"]);
        let cells = row["cells"].as_array().unwrap();
        assert_eq!(cells[0], s["label"]);
        assert_eq!(cells[1], s["exam_date"]);
    }
    assert_eq!(
        r["similar"].as_array().unwrap().len(),
        j["similar_patients"].as_array().unwrap().len()
    );
    // Self-contained: nothing fetched, nothing external.
    assert_eq!(r["resource_count"], 0, "{r}");
    // And it paints: a screenshot of a blank page would be tiny.
    let png = tmp.path().join("case.png");
    assert!(chromium::screenshot(&html, &png) > chromium::MIN_SCREENSHOT_BYTES);

    // Unknown patient: exit 1, no page.
    let missing = tmp.path().join("none.html");
    let out = priors(
        &data,
        &["case", "SYN-P-NOBODY", "--html", missing.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!missing.exists());
}
