//! The tumor-board page as a browser sees it: a hand-made lymphoma case rendered by
//! `priors_compare::html::render`, loaded in headless Chromium, and every series, point and
//! table row read back from the laid-out page and checked against the case's JSON.
//!
//! Needs Chromium (`make setup` installs it through scripts/setup_browser.sh); without it the
//! tests fail, they never skip.

#[path = "support/chromium.rs"]
mod chromium;

use chrono::NaiveDate;
use priors_compare::case::{
    BaselineStaging, CaseStudy, CaseSummary, CitedSentence, NextStudy, SimilarPatient, Trajectory,
    TrajectoryPoint,
};
use priors_compare::{Framework, LesionChange, Status};
use serde_json::Value;

const DASH: &str = "\u{2014}";

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn change(
    site: &str,
    status: Status,
    prior: Option<f32>,
    current: Option<f32>,
    pct: Option<f32>,
) -> LesionChange {
    LesionChange {
        site: site.into(),
        site_key: site.split(' ').next().unwrap().into(),
        status,
        prior_suv_max: prior,
        current_suv_max: current,
        change_pct: pct,
        prior_size_mm: None,
        current_size_mm: None,
        prior_span: None,
        current_span: None,
        matched_by: None,
        counted: true,
    }
}

#[allow(clippy::too_many_arguments)]
fn study(
    label: &str,
    d: &str,
    tp: &str,
    deauville: Option<u8>,
    response: Option<&str>,
    hottest: f32,
    changed: Vec<LesionChange>,
) -> CaseStudy {
    CaseStudy {
        label: label.into(),
        report_id: format!("R-SYN-TEST-{}", &label[1..]),
        exam_date: date(d),
        timepoint: Some(tp.into()),
        deauville,
        response: response.map(Into::into),
        hottest_suv_max: Some(hottest),
        changed,
        comparison: None,
    }
}

fn point(study: &str, d: &str, v: Option<f32>, status: Option<Status>) -> TrajectoryPoint {
    TrajectoryPoint {
        study: study.into(),
        exam_date: date(d),
        suv_max: v,
        status,
    }
}

const CERVICAL: &str = "right cervical nodes (levels II-IV)";
const MEDIASTINAL: &str = "mediastinal nodes (4R & 7)";
const AXILLARY: &str = "left axillary node";

/// DLBCL, four studies over a year: partial then complete response, the mediastinal nodes
/// resolve, and a new left axillary node at surveillance (PMD).
fn synthetic_case() -> CaseSummary {
    let (d1, d2, d3, d4) = ("2024-01-15", "2024-03-20", "2024-07-02", "2025-01-10");
    CaseSummary {
        patient_id: "SYN-P-TEST".into(),
        cancer_type: Some("dlbcl".into()),
        diagnosis: Some("Diffuse large B-cell lymphoma".into()),
        histology: Some("GCB subtype, \"bulky\" cervical mass <10 cm & marrow negative".into()),
        framework: Framework::Lugano,
        baseline: Some(BaselineStaging {
            report_id: "R-SYN-TEST-1".into(),
            exam_date: date(d1),
            system: Some("Lugano 2014".into()),
            stage: Some("II".into()),
            tnm: None,
            guidelines: vec!["lugano2014-staging-ii".into()],
            missing: vec![],
        }),
        studies: vec![
            study("P1", d1, "staging", None, None, 13.3, vec![]),
            study(
                "P2",
                d2,
                "interim",
                Some(4),
                Some("PMR"),
                6.2,
                vec![
                    change(CERVICAL, Status::Decreased, Some(13.3), Some(6.2), Some(-53.4)),
                    change(MEDIASTINAL, Status::Decreased, Some(9.8), Some(4.1), Some(-58.2)),
                ],
            ),
            study(
                "P3",
                d3,
                "end_of_treatment",
                Some(2),
                Some("CMR"),
                2.0,
                vec![
                    change(CERVICAL, Status::Decreased, Some(6.2), Some(2.0), Some(-67.7)),
                    change(MEDIASTINAL, Status::Resolved, Some(4.1), None, None),
                ],
            ),
            study(
                "P4",
                d4,
                "surveillance",
                Some(5),
                Some("PMD"),
                8.7,
                vec![
                    change(CERVICAL, Status::Increased, Some(2.0), Some(3.1), Some(55.0)),
                    change(AXILLARY, Status::New, None, Some(8.7), None),
                ],
            ),
        ],
        trajectories: vec![
            Trajectory {
                lesion: CERVICAL.into(),
                site_key: "cervical".into(),
                points: vec![
                    point("P1", d1, Some(13.3), None),
                    point("P2", d2, Some(6.2), Some(Status::Decreased)),
                    point("P3", d3, Some(2.0), Some(Status::Decreased)),
                    point("P4", d4, Some(3.1), Some(Status::Increased)),
                ],
            },
            Trajectory {
                lesion: MEDIASTINAL.into(),
                site_key: "mediastinal".into(),
                points: vec![
                    point("P1", d1, Some(9.8), None),
                    point("P2", d2, Some(4.1), Some(Status::Decreased)),
                    point("P3", d3, None, Some(Status::Resolved)),
                ],
            },
            Trajectory {
                lesion: AXILLARY.into(),
                site_key: "axillary".into(),
                points: vec![point("P4", d4, Some(8.7), Some(Status::New))],
            },
        ],
        current_status: CitedSentence {
            text: "Progressive metabolic disease: new FDG-avid left axillary node (SUVmax 8.7), Deauville 5.".into(),
            citations: vec!["P4".into(), "G:lugano2014-response-pmd".into()],
        },
        similar_patients: vec![
            SimilarPatient {
                patient_id: "SYN-P-0007".into(),
                report_id: "R-0007-003".into(),
                exam_date: date("2023-02-11"),
                timepoint: Some("surveillance".into()),
                cancer_type: Some("dlbcl".into()),
                score: 0.842_1,
                next: Some(NextStudy {
                    report_id: "R-0007-004".into(),
                    exam_date: date("2023-08-01"),
                    timepoint: Some("recurrence".into()),
                    response: Some("PMD".into()),
                    deauville: Some(5),
                    new_lesions: 2,
                }),
            },
            SimilarPatient {
                patient_id: "SYN-P-0012".into(),
                report_id: "R-0012-004".into(),
                exam_date: date("2022-11-30"),
                timepoint: Some("surveillance".into()),
                cancer_type: Some("hodgkin".into()),
                score: 0.731_3,
                next: None,
            },
        ],
    }
}

/// A JSON number as the f32 it was serialised from.
fn f32_of(v: &Value) -> f32 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")) as f32
}

fn parse_f32(s: &Value) -> f32 {
    let s = s.as_str().unwrap_or_else(|| panic!("not a string: {s}"));
    s.parse()
        .unwrap_or_else(|e| panic!("{s:?} is not a number: {e}"))
}

fn str_or_dash(v: &Value) -> String {
    match v {
        Value::Null => DASH.to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Nothing fetched, nothing external, no script of the page's own, no horizontal overflow.
fn assert_self_contained(r: &Value) {
    assert_eq!(
        r["resource_count"], 0,
        "resources loaded: {}",
        r["resources"]
    );
    assert_eq!(
        r["failed_resources"],
        Value::Array(vec![]),
        "failed resources"
    );
    assert_eq!(r["csp_violations"], Value::Array(vec![]), "CSP violations");
    assert_eq!(
        r["external_refs"],
        Value::Array(vec![]),
        "external references"
    );
    assert_eq!(r["page_scripts"], 0, "the page has a script");
    assert!(
        r["doc_width"].as_f64().unwrap() <= r["viewport_width"].as_f64().unwrap(),
        "page wider than the window: {} > {}",
        r["doc_width"],
        r["viewport_width"]
    );
}

#[test]
fn case_page_in_chromium_matches_the_case() {
    let case = synthetic_case();
    let j = serde_json::to_value(&case).unwrap();
    let html = priors_compare::html::render(&case);
    let r = chromium::inspect(&html);
    assert!(
        r.get("error").is_none(),
        "inspection script failed: {}",
        r["error"]
    );

    assert_eq!(r["title"], "Tumor board \u{2014} SYN-P-TEST");
    assert_self_contained(&r);
    let header = r["header"].as_str().unwrap();
    for want in [
        "SYN-P-TEST",
        "Diffuse large B-cell lymphoma",
        "GCB subtype, \"bulky\" cervical mass <10 cm & marrow negative",
        "Lugano 2014 (Deauville five-point scale)",
        "Lugano 2014 stage II",
        "[G:lugano2014-staging-ii]",
        "Progressive metabolic disease: new FDG-avid left axillary node (SUVmax 8.7), Deauville 5. [P4] [G:lugano2014-response-pmd]",
    ] {
        assert!(header.contains(want), "header lacks {want:?}: {header}");
    }

    // Chart: one series per trajectory, in order, each circle at a measured point.
    assert_eq!(r["svg_count"], 1);
    let trajectories = j["trajectories"].as_array().unwrap();
    let series = r["series"].as_array().unwrap();
    assert_eq!(
        r["series_count"].as_u64().unwrap() as usize,
        trajectories.len()
    );
    assert_eq!(series.len(), trajectories.len());
    let legend: Vec<&Value> = trajectories.iter().map(|t| &t["lesion"]).collect();
    assert_eq!(
        r["legend"].as_array().unwrap().iter().collect::<Vec<_>>(),
        legend
    );
    let mut strokes: Vec<&str> = Vec::new();
    for (s, t) in series.iter().zip(trajectories) {
        assert_eq!(s["lesion"], t["lesion"]);
        let points = t["points"].as_array().unwrap();
        let measured: Vec<&Value> = points.iter().filter(|p| !p["suv_max"].is_null()).collect();
        let circles = s["circles"].as_array().unwrap();
        assert_eq!(
            circles.len(),
            measured.len(),
            "{}: circles {circles:?}",
            t["lesion"]
        );
        for (c, p) in circles.iter().zip(&measured) {
            assert_eq!(c["study"], p["study"]);
            assert_eq!(
                parse_f32(&c["suv"]),
                f32_of(&p["suv_max"]),
                "{} at {}",
                t["lesion"],
                p["study"]
            );
            assert_eq!(
                c["suv"].as_str().unwrap(),
                format!("{}", f32_of(&p["suv_max"]))
            );
            assert!(c["nonzero"].as_bool().unwrap(), "empty circle {c}");
            assert!(
                c["inside"].as_bool().unwrap(),
                "circle outside the chart {c} (svg {})",
                r["svg_box"]
            );
            let title = c["title"].as_str().unwrap();
            assert!(
                title.contains(t["lesion"].as_str().unwrap())
                    && title.contains(c["suv"].as_str().unwrap()),
                "{title}"
            );
        }
        let nulls = points.len() - measured.len();
        assert_eq!(
            s["resolved"].as_u64().unwrap() as usize,
            nulls,
            "{}",
            t["lesion"]
        );
        assert_eq!(s["line_points"].as_u64().unwrap() as usize, measured.len());
        strokes.push(s["stroke"].as_str().unwrap());
    }
    let mut distinct = strokes.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        strokes.len(),
        "series colours repeat: {strokes:?}"
    );
    assert_eq!(r["circles_total"], 7);
    assert_eq!(r["circles_outside"], 0);
    assert_eq!(r["circles_empty"], 0);
    // The chart has a real size on a 1280 px window.
    let svg_width = r["svg_box"]["width"].as_f64().unwrap();
    assert!(svg_width > 600.0, "svg only {svg_width} px wide");

    // Studies table.
    let studies = j["studies"].as_array().unwrap();
    let rows = r["studies"].as_array().unwrap();
    assert_eq!(rows.len(), studies.len());
    for (row, s) in rows.iter().zip(studies) {
        let cells: Vec<&str> = row["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(cells.len(), 7, "{cells:?}");
        assert!(row["visible"].as_bool().unwrap());
        assert_eq!(row["attrs"]["data-report"], s["report_id"]);
        assert_eq!(cells[0], s["label"]);
        assert_eq!(cells[1], s["exam_date"]);
        assert_eq!(cells[2], s["timepoint"].as_str().unwrap().replace('_', " "));
        assert_eq!(cells[3], str_or_dash(&s["deauville"]));
        assert_eq!(cells[4], str_or_dash(&s["response"]));
        assert_eq!(
            cells[5].parse::<f32>().unwrap(),
            f32_of(&s["hottest_suv_max"])
        );
        for l in s["changed"].as_array().unwrap() {
            let site = l["site"].as_str().unwrap();
            let status = l["status"].as_str().unwrap().replace('_', " ");
            assert!(
                cells[6].contains(&format!("{site}: {status}")),
                "{cells:?} lacks {site}"
            );
            if !l["change_pct"].is_null() {
                let pct = format!("{:+.1}%", f32_of(&l["change_pct"]));
                assert!(cells[6].contains(&pct), "{} lacks {pct}", cells[6]);
            }
        }
    }
    assert_eq!(rows[0]["cells"][6], "baseline");
    assert!(rows[1]["cells"][6].as_str().unwrap().contains(&format!(
        "{CERVICAL}: decreased 13.3 \u{2192} 6.2 SUVmax, -53.4%"
    )));
    assert!(rows[3]["cells"][6]
        .as_str()
        .unwrap()
        .contains(&format!("{AXILLARY}: new {DASH} \u{2192} 8.7 SUVmax")));

    // Similar patients.
    let similar = j["similar_patients"].as_array().unwrap();
    let rows = r["similar"].as_array().unwrap();
    assert_eq!(rows.len(), similar.len());
    for (row, p) in rows.iter().zip(similar) {
        let cells: Vec<&str> = row["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(row["attrs"]["data-patient"], p["patient_id"]);
        assert_eq!(cells[0], p["patient_id"]);
        assert_eq!(cells[1], p["report_id"]);
        assert_eq!(cells[2], p["exam_date"]);
        assert_eq!(cells[3], str_or_dash(&p["timepoint"]));
        assert_eq!(cells[4], str_or_dash(&p["cancer_type"]));
        assert_eq!(cells[5].parse::<f32>().unwrap(), f32_of(&p["score"]));
        let next = &p["next"];
        if next.is_null() {
            assert_eq!(cells.len(), 7, "{cells:?}");
            assert_eq!(cells[6], "no later study");
        } else {
            assert_eq!(cells.len(), 10, "{cells:?}");
            assert!(
                cells[6].starts_with(next["report_id"].as_str().unwrap()),
                "{cells:?}"
            );
            assert!(
                cells[6].contains(next["exam_date"].as_str().unwrap()),
                "{cells:?}"
            );
            assert_eq!(cells[7], str_or_dash(&next["response"]));
            assert_eq!(cells[8], str_or_dash(&next["deauville"]));
            assert_eq!(cells[9], next["new_lesions"].to_string());
        }
    }
}

#[test]
fn case_page_without_trajectories() {
    let mut case = synthetic_case();
    case.trajectories.clear();
    case.studies.truncate(1);
    case.similar_patients.clear();
    case.current_status = CitedSentence {
        text: "Baseline staging study; no comparison yet.".into(),
        citations: vec!["P1".into()],
    };
    let r = chromium::inspect(&priors_compare::html::render(&case));
    assert!(
        r.get("error").is_none(),
        "inspection script failed: {}",
        r["error"]
    );
    assert_self_contained(&r);
    assert_eq!(r["svg_count"], 0);
    assert_eq!(r["series_count"], 0);
    assert_eq!(r["circles_total"], 0);
    assert!(r["no_chart"]
        .as_str()
        .unwrap()
        .starts_with("No lesion trajectory to chart"));
    assert_eq!(r["studies"].as_array().unwrap().len(), 1);
    assert_eq!(r["studies"][0]["cells"][0], "P1");
    assert_eq!(r["similar"].as_array().unwrap().len(), 0);
}

#[test]
fn case_page_screenshot_is_not_blank() {
    let html = priors_compare::html::render(&synthetic_case());
    // Kept under the target directory for a look by eye.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("case.html"), &html).unwrap();
    let size = chromium::screenshot(&html, &dir.join("case.png"));
    assert!(size > chromium::MIN_SCREENSHOT_BYTES);
}
