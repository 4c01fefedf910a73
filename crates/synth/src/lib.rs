//! Deterministic, seeded generator of synthetic PET/CT reports with ground-truth labels.
//!
//! `priors` needs a corpus of historical PET/CT reports to ingest, search and cite, and no real
//! patient data may be used. This crate writes one: synthetic patients with a cancer (or a
//! benign condition that mimics one on PET), followed through 1–6 examinations, each producing a
//! [`ReportRecord`] whose free text reads like a nuclear-medicine report and whose [`Labels`]
//! say what the text shows.
//!
//! # API
//!
//! - [`generate`] streams the reports of [`SynthConfig::patients`] patients, patient by patient.
//! - [`generate_patient`] gives the reports of one patient.
//! - [`write_jsonl`] writes the stream as JSON Lines (one [`ReportRecord`] per line).
//! - [`to_plain_text`] and [`to_fhir`] render a record in the two other input formats
//!   (plain text with a small header block, FHIR R4 `DiagnosticReport`).
//! - [`SITES`] is the vocabulary of the `sites` label.
//!
//! # Determinism
//!
//! Every random choice comes from a ChaCha8 stream seeded with [`SynthConfig::seed`] and keyed
//! by the patient index (`ChaCha8Rng::seed_from_u64(seed)` then `set_stream(index)`). Only `u32`
//! draws are made (no `usize` sampling, no floating-point maths: sizes are integer millimetres
//! and SUVs integer tenths), so the same seed gives byte-identical output on every platform, and
//! patient *N* is the same whatever the total number of patients. Generation streams: memory
//! stays bounded (one patient at a time) however many reports are produced. Measured throughput
//! (release build, `cargo run --release -p priors-synth --example make_samples -- --bench 30000`,
//! shared 2-core container): 100,188 reports from 30,000 patients generated and serialised to
//! JSONL (into `io::sink`) in 1.1–1.2 s, i.e. ≈85,000 reports/s, with a peak resident set of
//! ≈3 MB whatever the number of patients.
//!
//! # Identities and dates
//!
//! Everything is synthetic. There are no names, no MRNs and no real dates. Patient ids are
//! `SYN-P` + the zero-padded patient index (`SYN-P000123`); report ids are `SYN-R` + the padded
//! patient index + the exam number 1–6 (`SYN-R0001233` is exam 3 of patient 123), so ids are
//! unique and stable. Exam dates fall between 2019-01-01 and 2025-12-31 and increase strictly
//! for each patient.
//!
//! # Report text
//!
//! Sections always come in this order, with the header wording drawn per report:
//!
//! | section    | headers used |
//! |------------|--------------|
//! | indication | `CLINICAL HISTORY:`, `INDICATION:`, `HISTORY:`, `CLINICAL INDICATION:` |
//! | technique  | `TECHNIQUE:`, `PROCEDURE:` |
//! | comparison | `COMPARISON:` (`None.` at the first exam, else the date of the previous PET/CT of the same patient, sometimes with the baseline date) |
//! | findings   | `FINDINGS:` |
//! | impression | `IMPRESSION:`, `CONCLUSION:` (numbered `1.` / `1)` or bulleted `-` items) |
//!
//! Headers of the first three sections are followed by their text either on the same line or on
//! the next one; `FINDINGS:` and the impression header are always on their own line. Findings
//! are divided into region sub-headings, each on its own line and followed by one paragraph:
//! `Head and neck:` / `Neck:` / `Head/neck:` / `Brain, head and neck:` (vertex-to-toes studies),
//! `Chest:` / `Thorax:`, `Abdomen and pelvis:` / `Abdomen/pelvis:`, and `Musculoskeletal:` /
//! `Bones:` / `Osseous structures:` (or `Musculoskeletal and soft tissues:` / `Bones and soft
//! tissues:` when skin or subcutaneous disease is present). Lymphoma reports open the findings
//! with the mediastinal blood pool and liver reference SUVs.
//!
//! Wording is varied on purpose so that lexical and semantic retrieval differ: synonyms for
//! uptake (hypermetabolic, FDG-avid, intense uptake, increased tracer accumulation…), several
//! ways of writing SUVs (`SUVmax 12.4`, `SUV max of 7.9`, `maximum SUV 5.2`…) and sizes
//! (`3.4 x 2.1 cm`, `34 x 21 mm`, `14 mm short axis`), sentence templates, sentence order,
//! optional sentences (negations, physiologic uptake, stable incidental findings, treatment
//! effects such as thymic rebound, marrow activation, radiation fibrosis and immune-related
//! adverse events). Reports are about 150–400 words.
//!
//! Tracers: FDG for all types except prostate (`68Ga-PSMA-11` or `18F-PSMA (DCFPyL)`, tracer
//! label `PSMA`) and neuroendocrine tumours (`68Ga-DOTATATE`, label `DOTATATE`). Technique
//! states injected activity (MBq), uptake time (minutes), blood glucose (mg/dL, FDG only) and the
//! low-dose CT for attenuation correction; the field is skull base (or vertex) to mid-thigh, and
//! vertex to toes for melanoma.
//!
//! # Patients
//!
//! About 75 % of patients have a malignancy and 25 % a benign mimic. `cancer_type` is one of
//! [`priors_core::CancerType`]: `nsclc`, `hodgkin_lymphoma`, `dlbcl`, `follicular_lymphoma`,
//! `breast`, `melanoma`, `colorectal`, `head_neck_scc`, `prostate`, `neuroendocrine`, and the
//! mimics `sarcoidosis`, `infection_inflammation` (pneumonia, spondylodiscitis, large-vessel
//! vasculitis, diverticulitis), `brown_fat`, `post_radiation` (radiation pneumonitis,
//! oesophagitis, sacral insufficiency fractures) and `reactive_nodes` (post-vaccination axillary,
//! reactive cervical and inguinal nodes). The first indication usually names the diagnosis, in
//! varying words. Malignant patients have 1–6 exams (mean ≈3.8), mimics 1–3 (mean ≈1.9),
//! ≈3.4 overall. Between exams lesions evolve with the course: response to treatment (nodes
//! shrink, SUVmax falls, lymphoma residual masses settle at Deauville 2–3), post-surgical or
//! post-radiation change, stable disease, progression with new lesions, and recurrence after
//! remission; later reports compare each lesion with the previous exam.
//!
//! # Labels
//!
//! Labels are derived from the same lesion model that the text is written from:
//!
//! - `cancer_type`: see above.
//! - `histology`: e.g. `adenocarcinoma`, `nodular sclerosis classical Hodgkin lymphoma`,
//!   `DLBCL (GCB type)`, `follicular lymphoma grade 1-2`, `invasive lobular carcinoma`,
//!   `cutaneous melanoma (superficial spreading)`, `adenocarcinoma of the sigmoid colon`,
//!   `HPV-positive (p16+) oropharyngeal squamous cell carcinoma`, `prostate adenocarcinoma,
//!   Gleason 4+3=7 (ISUP grade group 3)`, `well-differentiated pancreatic NET G2 (Ki-67 6%)`;
//!   for mimics a short diagnosis (`sarcoidosis`, `community-acquired pneumonia`…).
//! - `stage`: assigned at staging from what the staging report describes and carried unchanged
//!   on the patient's later reports; `null` for mimics. NSCLC: AJCC 8th edition (`IA1`…`IVB`)
//!   from primary size, chest wall / mediastinal invasion, separate nodules, IASLC nodal
//!   stations (N1 ipsilateral 10–11, N2 ipsilateral mediastinal or subcarinal, N3 contralateral
//!   or supraclavicular) and M1a/M1b/M1c. Lymphoma: Lugano (`I`, `IE`, `II`, `IIE`, `III`,
//!   `IV`) from nodal regions relative to the diaphragm, spleen and extranodal disease. Breast:
//!   AJCC 8th anatomic stage. Melanoma: AJCC 8th from the pT category in the indication and the
//!   nodal / in-transit / distant findings. Colorectal: `IVA`/`IVB`/`IVC` with metastases, the
//!   MRI-based stage for rectal cancer without metastases (cT/cN in the indication), `null` for
//!   colon cancer without metastases. Head and neck: AJCC 8th (separate p16-positive
//!   oropharyngeal table). Prostate: AJCC 8th prognostic group from PSA, grade group and the
//!   PSMA miTNM findings. Neuroendocrine: AJCC 8th (pancreatic, or jejunoileal `III`/`IV`,
//!   `null` when unsupported).
//! - `deauville`: 1–5 on every lymphoma report after the baseline (interim, end of treatment,
//!   surveillance and recurrence), matching the wording (1 no residual uptake, 2 at or below
//!   mediastinal blood pool, 3 above mediastinal blood pool but not above liver, 4 moderately
//!   above liver, 5 more than twice liver or new lesions); `null` otherwise.
//! - `response` against the previous exam, `null` on the first exam: lymphoma Lugano `CMR`
//!   (Deauville 1–3) / `PMR` (4–5, SUVmax down ≥30 %) / `NMR` / `PMD` (new lesions or SUVmax up
//!   ≥30 %); solid tumours PERCIST-style `CMR` / `PMR` / `SMD` / `PMD` on the hottest lesion's
//!   SUVmax (±30 %) and new lesions, applied likewise to PSMA and DOTATATE studies. `null` for
//!   benign mimics and for a surveillance scan of a patient in whom no disease was ever seen.
//! - `sites`: the regions with active disease on this exam (for mimics, the regions of the
//!   mimicking uptake), from [`SITES`]. Empty after a complete response.
//! - `timepoint`: `staging` (the first exam, including the first exam of a mimic), `interim`,
//!   `end_of_treatment`, `surveillance`, `recurrence`.

use std::io::{self, Write};

use chrono::{Days, NaiveDate};
use priors_core::{Labels, ReportRecord};
use serde_json::json;

mod build;
mod model;
mod phrase;
mod render;
mod rng;

/// The vocabulary of the `sites` label (snake_case anatomical regions).
pub const SITES: &[&str] = &[
    "lung",
    "pleura",
    "mediastinal_nodes",
    "hilar_nodes",
    "supraclavicular_nodes",
    "cervical_nodes",
    "axillary_nodes",
    "internal_mammary_nodes",
    "abdominal_nodes",
    "pelvic_nodes",
    "inguinal_nodes",
    "spleen",
    "liver",
    "bone",
    "bone_marrow",
    "adrenal",
    "kidney",
    "brain",
    "breast",
    "chest_wall",
    "colon",
    "rectum",
    "small_bowel",
    "stomach",
    "peritoneum",
    "pancreas",
    "prostate",
    "prostate_bed",
    "skin",
    "oropharynx",
    "larynx",
    "thyroid",
    "parotid",
    "esophagus",
    "large_vessels",
    "supraclavicular_fat",
    "paravertebral_fat",
    "perirenal_fat",
    "mediastinal_fat",
];

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthConfig {
    /// Seed of the whole corpus; the same seed always gives the same reports.
    pub seed: u64,
    /// Number of synthetic patients (each has 1–6 reports).
    pub patients: usize,
}

impl Default for SynthConfig {
    /// Seed 42, 320 patients: the checked-in sample (≥1,000 reports).
    fn default() -> Self {
        SynthConfig {
            seed: 42,
            patients: 320,
        }
    }
}

/// Stream the reports of `cfg.patients` patients, patient by patient, each patient's exams in
/// date order. Lazy: only one patient is held in memory at a time.
pub fn generate(cfg: &SynthConfig) -> impl Iterator<Item = ReportRecord> {
    let seed = cfg.seed;
    (0..cfg.patients).flat_map(move |i| generate_patient(seed, i))
}

/// The reports of patient `index` under `seed` (independent of how many patients are made).
pub fn generate_patient(seed: u64, index: usize) -> Vec<ReportRecord> {
    let mut rng = rng::Rng::for_patient(seed, index as u64);
    let mut p = build::patient(&mut rng);
    let n = build::exam_count(&p, &mut rng);
    let mut steps = model::plan(&p, n, &mut rng);
    let start = NaiveDate::from_ymd_opt(2019, 1, 1).expect("valid date");
    let end = NaiveDate::from_ymd_opt(2025, 12, 31).expect("valid date");
    let window = (end - start).num_days() as u32;
    while steps.len() > 1 && steps.iter().map(|s| s.gap).sum::<u32>() > window {
        steps.pop();
    }
    let span: u32 = steps.iter().map(|s| s.gap).sum();
    let first_date = start + Days::new(u64::from(rng.below(window - span + 1)));
    let patient_id = format!("SYN-P{index:06}");
    let mut out = Vec::with_capacity(steps.len());
    let mut date = first_date;
    let mut prev_date = None;
    for (k, step) in steps.iter().enumerate() {
        date = date + Days::new(u64::from(step.gap));
        if k > 0 {
            model::evolve(&mut p, step, &mut rng, build::spread);
        }
        let outcome = model::outcome(&p, k);
        let age = p.age + ((date - first_date).num_days() / 365) as u32;
        let exam = render::Exam {
            k,
            step,
            date,
            prev_date,
            first_date,
            age,
            outcome: &outcome,
        };
        let text = render::report(&p, &exam, &mut rng);
        let labels = Labels {
            cancer_type: p.cancer.id().to_string(),
            histology: Some(p.histology.clone()),
            stage: p.stage.clone(),
            deauville: outcome.deauville,
            response: outcome.response.map(str::to_string),
            sites: p.active_sites(),
            timepoint: Some(step.tp.label().to_string()),
        };
        out.push(ReportRecord {
            report_id: format!("SYN-R{index:06}{}", k + 1),
            patient_id: patient_id.clone(),
            exam_date: date,
            modality: Some("PET/CT".to_string()),
            tracer: Some(p.tracer.label().to_string()),
            text,
            labels: Some(labels),
        });
        prev_date = Some(date);
    }
    out
}

/// Write the corpus of `cfg` as JSON Lines (one [`ReportRecord`] per line, labels included).
/// Returns the number of records written.
pub fn write_jsonl<W: Write>(cfg: &SynthConfig, writer: W) -> io::Result<usize> {
    let mut w = io::BufWriter::new(writer);
    let mut n = 0;
    for rec in generate(cfg) {
        serde_json::to_writer(&mut w, &rec).map_err(io::Error::other)?;
        w.write_all(b"\n")?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

/// The record as a plain-text report: a header block (`REPORT ID:`, `PATIENT ID:`,
/// `EXAM DATE:`, `MODALITY:`, `TRACER:`), a blank line, then the report text. Labels are not
/// carried.
pub fn to_plain_text(rec: &ReportRecord) -> String {
    let mut s = format!(
        "REPORT ID: {}\nPATIENT ID: {}\nEXAM DATE: {}\nMODALITY: {}\n",
        rec.report_id,
        rec.patient_id,
        rec.exam_date.format("%Y-%m-%d"),
        rec.modality.as_deref().unwrap_or("PET/CT")
    );
    if let Some(t) = &rec.tracer {
        s.push_str(&format!("TRACER: {t}\n"));
    }
    s.push('\n');
    s.push_str(rec.text.trim_end());
    s.push('\n');
    s
}

/// The record as a FHIR R4 `DiagnosticReport`: `id` is the report id, `subject` the patient,
/// `effectiveDateTime` the exam date, `conclusion` the impression text (when the report has an
/// `IMPRESSION:` or `CONCLUSION:` section) and `presentedForm` the full text, base64-encoded.
pub fn to_fhir(rec: &ReportRecord) -> serde_json::Value {
    let mut v = json!({
        "resourceType": "DiagnosticReport",
        "id": rec.report_id,
        "status": "final",
        "code": { "text": rec.modality.as_deref().unwrap_or("PET/CT") },
        "subject": { "reference": format!("Patient/{}", rec.patient_id) },
        "effectiveDateTime": rec.exam_date.format("%Y-%m-%d").to_string(),
        "presentedForm": [{
            "contentType": "text/plain",
            "data": base64(rec.text.as_bytes()),
        }],
    });
    if let Some(c) = impression_text(&rec.text) {
        v["conclusion"] = json!(c);
    }
    v
}

/// The body of the last `IMPRESSION:` / `CONCLUSION:` section of a report.
fn impression_text(text: &str) -> Option<String> {
    let mut start = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        for h in ["IMPRESSION:", "CONCLUSION:"] {
            if let Some(rest) = t.strip_prefix(h) {
                start = Some(offset + (line.len() - rest.len()));
            }
        }
        offset += line.len();
    }
    let body = text[start?..].trim();
    (!body.is_empty()).then(|| body.to_string())
}

/// Standard base64 (RFC 4648, with padding).
fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(A[(n >> 18) as usize & 63] as char);
        out.push(A[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            A[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            A[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use priors_core::{CancerFamily, CancerType};

    use super::*;

    const IND: [&str; 4] = [
        "CLINICAL HISTORY:",
        "INDICATION:",
        "HISTORY:",
        "CLINICAL INDICATION:",
    ];
    const TECH: [&str; 2] = ["TECHNIQUE:", "PROCEDURE:"];
    const IMP: [&str; 2] = ["IMPRESSION:", "CONCLUSION:"];
    fn is_lymphoma(ct: &str) -> bool {
        CancerType::parse(ct).is_some_and(|t| t.family() == CancerFamily::Lymphoma)
    }
    fn is_benign(ct: &str) -> bool {
        CancerType::parse(ct).is_some_and(CancerType::is_benign)
    }
    const AJCC_LUNG: [&str; 11] = [
        "IA1", "IA2", "IA3", "IB", "IIA", "IIB", "IIIA", "IIIB", "IIIC", "IVA", "IVB",
    ];
    const LUGANO: [&str; 6] = ["I", "IE", "II", "IIE", "III", "IV"];

    fn corpus() -> Vec<ReportRecord> {
        generate(&SynthConfig::default()).collect()
    }

    fn labels(r: &ReportRecord) -> &Labels {
        r.labels.as_ref().expect("synthetic records carry labels")
    }

    /// Byte offset of the line that is exactly (or starts with) one of `headers`.
    fn header_pos(text: &str, headers: &[&str]) -> Option<usize> {
        let mut off = 0;
        for line in text.split_inclusive('\n') {
            if headers.iter().any(|h| line.starts_with(h)) {
                return Some(off);
            }
            off += line.len();
        }
        None
    }

    fn section<'a>(text: &'a str, from: &[&str], to: &[&str]) -> &'a str {
        let a = header_pos(text, from).expect("section present");
        let b = header_pos(&text[a..], to).map_or(text.len(), |b| a + b);
        let body = &text[a..b];
        let colon = body.find(':').expect("header ends with a colon");
        body[colon + 1..].trim()
    }

    #[test]
    fn same_seed_same_bytes_different_seed_different_text() {
        let cfg = SynthConfig {
            seed: 42,
            patients: 40,
        };
        let mut a = Vec::new();
        let mut b = Vec::new();
        let na = write_jsonl(&cfg, &mut a).unwrap();
        let nb = write_jsonl(&cfg, &mut b).unwrap();
        assert_eq!(na, nb);
        assert_eq!(a, b, "same seed must give byte-identical JSONL");
        let other: Vec<ReportRecord> = generate(&SynthConfig { seed: 43, ..cfg }).collect();
        let first: Vec<ReportRecord> = generate(&cfg).collect();
        assert_ne!(
            other.iter().map(|r| &r.text).collect::<Vec<_>>(),
            first.iter().map(|r| &r.text).collect::<Vec<_>>()
        );
        // Every line is one record that parses back to what was generated.
        let lines: Vec<&str> = std::str::from_utf8(&a).unwrap().lines().collect();
        assert_eq!(lines.len(), na);
        for (line, rec) in lines.iter().zip(&first) {
            let back: ReportRecord = serde_json::from_str(line).unwrap();
            assert_eq!(&back, rec);
        }
    }

    #[test]
    fn patient_n_does_not_depend_on_the_total() {
        let small: Vec<ReportRecord> = generate(&SynthConfig {
            seed: 9,
            patients: 10,
        })
        .collect();
        let large: Vec<ReportRecord> = generate(&SynthConfig {
            seed: 9,
            patients: 50,
        })
        .collect();
        assert!(large.len() > small.len());
        assert_eq!(&large[..small.len()], &small[..]);
        assert_eq!(generate_patient(9, 7), {
            let id = "SYN-P000007";
            small
                .iter()
                .filter(|r| r.patient_id == id)
                .cloned()
                .collect::<Vec<_>>()
        });
    }

    #[test]
    fn default_corpus_size_ids_dates_and_types() {
        let recs = corpus();
        assert!(recs.len() >= 1000, "{} reports", recs.len());
        let patients: HashSet<&str> = recs.iter().map(|r| r.patient_id.as_str()).collect();
        assert!(patients.len() >= 300, "{} patients", patients.len());
        let ids: HashSet<&str> = recs.iter().map(|r| r.report_id.as_str()).collect();
        assert_eq!(ids.len(), recs.len(), "report ids are unique");
        let types: HashSet<&str> = recs
            .iter()
            .map(|r| labels(r).cancer_type.as_str())
            .collect();
        for t in CancerType::ALL {
            assert!(types.contains(t.id()), "cancer type {t} missing");
        }
        for t in &types {
            assert!(CancerType::parse(t).is_some(), "unknown cancer type {t}");
        }
        let lo = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
        let hi = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        let mut by_patient: HashMap<&str, Vec<&ReportRecord>> = HashMap::new();
        for r in &recs {
            assert!(r.exam_date >= lo && r.exam_date <= hi, "{}", r.exam_date);
            assert!(r.patient_id.starts_with("SYN-P") && r.patient_id.len() == 11);
            assert!(r
                .report_id
                .starts_with(&r.patient_id.replace("SYN-P", "SYN-R")));
            assert_eq!(r.report_id.len(), 12);
            assert_eq!(r.modality.as_deref(), Some("PET/CT"));
            by_patient.entry(&r.patient_id).or_default().push(r);
        }
        let mut malignant = Vec::new();
        for exams in by_patient.values() {
            assert!((1..=6).contains(&exams.len()));
            for w in exams.windows(2) {
                assert!(w[0].exam_date < w[1].exam_date, "dates strictly increase");
            }
            assert_eq!(labels(exams[0]).timepoint.as_deref(), Some("staging"));
            let ct = labels(exams[0]).cancer_type.as_str();
            assert!(exams.iter().all(|r| labels(r).cancer_type == ct));
            if !is_benign(ct) {
                malignant.push(exams.len());
            }
        }
        let share = malignant.len() * 100 / by_patient.len();
        assert!((65..=85).contains(&share), "{share}% malignant");
        let mean10 = recs.len() * 10 / by_patient.len();
        assert!((30..=37).contains(&mean10), "mean exams x10 = {mean10}");
    }

    #[test]
    fn sections_headers_and_comparison() {
        let recs = corpus();
        let mut prev: HashMap<&str, NaiveDate> = HashMap::new();
        let mut seen_headers: HashSet<String> = HashSet::new();
        let mut words = Vec::new();
        for r in &recs {
            let t = &r.text;
            let pos: Vec<usize> = [
                &IND[..],
                &TECH[..],
                &["COMPARISON:"][..],
                &["FINDINGS:"][..],
                &IMP[..],
            ]
            .iter()
            .map(|h| {
                header_pos(t, h).unwrap_or_else(|| panic!("{}: missing {h:?}\n{t}", r.report_id))
            })
            .collect();
            assert!(
                pos.windows(2).all(|w| w[0] < w[1]),
                "section order in {}",
                r.report_id
            );
            assert_eq!(pos[0], 0, "the report starts with the indication");
            for h in IND.iter().chain(&TECH).chain(&IMP) {
                if header_pos(t, &[h]).is_some() {
                    seen_headers.insert(h.to_string());
                }
            }
            let findings = section(t, &["FINDINGS:"], &IMP);
            let impression = section(t, &IMP, &[]);
            assert!(findings.len() > 100, "{}", r.report_id);
            assert!(!impression.is_empty());
            assert!(
                impression.starts_with("1. ")
                    || impression.starts_with("1) ")
                    || impression.starts_with("- "),
                "{impression}"
            );
            for region in [
                &[
                    "Head and neck:",
                    "Neck:",
                    "Head/neck:",
                    "Brain, head and neck:",
                ][..],
                &["Chest:", "Thorax:"][..],
                &["Abdomen and pelvis:", "Abdomen/pelvis:"][..],
                &[
                    "Musculoskeletal:",
                    "Bones:",
                    "Osseous structures:",
                    "Musculoskeletal and soft tissues:",
                    "Bones and soft tissues:",
                ][..],
            ] {
                assert!(
                    findings.lines().any(|l| region.contains(&l)),
                    "{}: no sub-heading among {region:?}",
                    r.report_id
                );
            }
            let cmp = section(t, &["COMPARISON:"], &["FINDINGS:"]);
            match prev.get(r.patient_id.as_str()) {
                None => assert_eq!(cmp, "None."),
                Some(d) => assert!(cmp.contains(&d.format("%Y-%m-%d").to_string()), "{cmp}"),
            }
            prev.insert(&r.patient_id, r.exam_date);
            words.push(t.split_whitespace().count());
            for bad in ["Mr.", "Mrs.", "Ms.", "Dr.", "MRN", "{", "}", "  "] {
                assert!(!t.contains(bad), "{} contains {bad:?}", r.report_id);
            }
        }
        assert_eq!(
            seen_headers.len(),
            IND.len() + TECH.len() + IMP.len(),
            "{seen_headers:?}"
        );
        let mean = words.iter().sum::<usize>() / words.len();
        assert!((180..=300).contains(&mean), "mean {mean} words");
        assert!(words.iter().all(|w| (100..=520).contains(w)));
        let in_range = words.iter().filter(|w| (150..=400).contains(*w)).count();
        assert!(
            in_range * 100 / words.len() >= 90,
            "{in_range} of {} in 150-400 words",
            words.len()
        );
    }

    #[test]
    fn labels_are_consistent_with_type_time_point_and_text() {
        let recs = corpus();
        for r in &recs {
            let l = labels(r);
            let ct = l.cancer_type.as_str();
            let tp = l.timepoint.as_deref().expect("time point");
            let lymphoma = is_lymphoma(ct);
            let benign = is_benign(ct);
            let id = &r.report_id;
            assert!([
                "staging",
                "interim",
                "end_of_treatment",
                "surveillance",
                "recurrence"
            ]
            .contains(&tp));
            assert!(l.histology.as_deref().is_some_and(|h| !h.is_empty()));
            for s in &l.sites {
                assert!(SITES.contains(&s.as_str()), "{id}: unknown site {s}");
            }
            let tracer = r.tracer.as_deref().unwrap();
            let expected = match ct {
                "prostate" => "PSMA",
                "neuroendocrine" => "DOTATATE",
                _ => "FDG",
            };
            assert_eq!(tracer, expected, "{id}");
            let tech = section(&r.text, &TECH, &["COMPARISON:"]);
            assert!(
                tech.contains(if tracer == "PSMA" { "PSMA" } else { tracer })
                    || tech.contains("DCFPyL")
            );
            assert!(
                tech.contains("MBq") && tech.to_lowercase().contains("low-dose"),
                "{id}"
            );
            assert_eq!(
                tech.contains("mg/dL"),
                tracer == "FDG",
                "{id}: glucose only for FDG"
            );
            if ct == "melanoma" {
                assert!(tech.contains("vertex to toes"));
            }
            // Stage.
            if benign {
                assert_eq!(l.stage, None, "{id}");
            } else if ct == "nsclc" {
                assert!(AJCC_LUNG.contains(&l.stage.as_deref().unwrap()), "{id}");
            } else if lymphoma {
                assert!(LUGANO.contains(&l.stage.as_deref().unwrap()), "{id}");
            }
            // Deauville.
            match (lymphoma, tp, l.deauville) {
                (true, "staging", d) | (false, _, d) => assert_eq!(d, None, "{id}"),
                (true, _, Some(d)) => {
                    assert!((1..=5).contains(&d));
                    let imp = section(&r.text, &IMP, &[]);
                    assert!(
                        imp.contains(&format!("Deauville {d}"))
                            || imp.contains(&format!("Deauville score {d}")),
                        "{id}: Deauville {d} not in impression: {imp}"
                    );
                }
                (true, _, None) => panic!("{id}: lymphoma follow-up without Deauville"),
            }
            // Response.
            let resp = l.response.as_deref();
            if tp == "staging" || benign {
                assert_eq!(resp, None, "{id}");
            }
            if let Some(x) = resp {
                let allowed: &[&str] = if lymphoma {
                    &["CMR", "PMR", "NMR", "PMD"]
                } else {
                    &["CMR", "PMR", "SMD", "PMD"]
                };
                assert!(allowed.contains(&x), "{id}: {x}");
                let imp = section(&r.text, &IMP, &[]).to_lowercase();
                let words: &[&str] = match x {
                    "CMR" => &["complete metabolic response", "no residual or recurrent"],
                    "PMR" => &["partial metabolic response"],
                    "SMD" => &["stable metabolic disease"],
                    "NMR" => &["no metabolic response"],
                    _ => &["progressive metabolic disease"],
                };
                assert!(words.iter().any(|w| imp.contains(w)), "{id}: {x} vs {imp}");
                if x == "CMR" {
                    assert!(l.sites.is_empty(), "{id}: sites after CMR");
                }
                if x == "PMD" {
                    assert!(!l.sites.is_empty());
                }
            }
            if tp == "staging" && !benign && ct != "melanoma" {
                assert!(!l.sites.is_empty(), "{id}: malignant staging without sites");
            }
            if tp == "staging" && benign {
                assert!(!l.sites.is_empty());
            }
        }
    }

    /// The text names exactly this stage within three words after "stage" ("stage IIE",
    /// "Stage IIE", "stage group IIE"; "stage II" does not count for "IIE").
    fn mentions_stage(text: &str, stage: &str) -> bool {
        let tokens: Vec<&str> = text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|t| !t.is_empty())
            .collect();
        tokens.iter().enumerate().any(|(i, t)| {
            t.eq_ignore_ascii_case("stage") && tokens[i + 1..].iter().take(3).any(|x| *x == stage)
        })
    }

    /// Parse "cT2a N2 M1b" (or "cT2aN2M1b") from an NSCLC staging impression.
    fn parse_tnm(imp: &str) -> Option<(usize, u32, u32)> {
        let i = imp.find("cT")?;
        let s: String = imp[i + 1..]
            .chars()
            .filter(|c| *c != ' ')
            .take(10)
            .collect();
        let t_idx = ["T1a", "T1b", "T1c", "T2a", "T2b", "T3", "T4"]
            .iter()
            .position(|t| {
                s.starts_with(t) && !s[t.len()..].starts_with(|c: char| c.is_ascii_lowercase())
            })?;
        let rest = &s[["T1a", "T1b", "T1c", "T2a", "T2b", "T3", "T4"][t_idx].len()..];
        let rest = rest.strip_prefix('N')?;
        let n = rest[..1].parse().ok()?;
        let m = match rest[1..].strip_prefix('M')? {
            x if x.starts_with("0") => 0,
            x if x.starts_with("1a") => 1,
            x if x.starts_with("1b") => 2,
            x if x.starts_with("1c") => 3,
            _ => return None,
        };
        Some((t_idx, n, m))
    }

    #[test]
    fn nsclc_and_lymphoma_staging_text_supports_the_stage() {
        let recs: Vec<ReportRecord> = generate(&SynthConfig {
            seed: 5,
            patients: 600,
        })
        .collect();
        let mut lung = 0;
        let mut lymph = 0;
        for r in &recs {
            let l = labels(r);
            if l.timepoint.as_deref() != Some("staging") {
                continue;
            }
            let stage = l.stage.clone().unwrap_or_default();
            let imp = section(&r.text, &IMP, &[]);
            if l.cancer_type == "nsclc" {
                lung += 1;
                let (t, n, m) = parse_tnm(imp).unwrap_or_else(|| panic!("no TNM in {imp}"));
                assert_eq!(build::nsclc_stage(t, n, m), stage, "{imp}");
                if imp.contains("stage") {
                    assert!(mentions_stage(imp, &stage), "{imp}");
                }
                // N3 needs a contralateral or supraclavicular station, N2 a mediastinal one.
                let find = section(&r.text, &["FINDINGS:"], &IMP);
                if n == 0 {
                    assert!(!find.contains("(station"), "{find}");
                }
                assert_eq!(m == 0, !imp.contains("(M1"), "{imp}");
            }
            if is_lymphoma(&l.cancer_type) {
                lymph += 1;
                assert!(mentions_stage(imp, &stage), "{stage}: {imp}");
                let sites: HashSet<&str> = l.sites.iter().map(String::as_str).collect();
                if stage == "III" {
                    assert!(sites.iter().any(|s| [
                        "abdominal_nodes",
                        "pelvic_nodes",
                        "inguinal_nodes",
                        "spleen"
                    ]
                    .contains(s)));
                }
            }
        }
        assert!(lung > 30 && lymph > 30, "{lung} lung, {lymph} lymphoma");
    }

    #[test]
    fn stage_tables() {
        use build::*;
        assert_eq!(nsclc_stage(0, 0, 0), "IA1");
        assert_eq!(nsclc_stage(2, 0, 0), "IA3");
        assert_eq!(nsclc_stage(3, 0, 0), "IB");
        assert_eq!(nsclc_stage(4, 0, 0), "IIA");
        assert_eq!(nsclc_stage(5, 0, 0), "IIB");
        assert_eq!(nsclc_stage(6, 0, 0), "IIIA");
        assert_eq!(nsclc_stage(1, 1, 0), "IIB");
        assert_eq!(nsclc_stage(5, 1, 0), "IIIA");
        assert_eq!(nsclc_stage(3, 2, 0), "IIIA");
        assert_eq!(nsclc_stage(6, 2, 0), "IIIB");
        assert_eq!(nsclc_stage(0, 3, 0), "IIIB");
        assert_eq!(nsclc_stage(5, 3, 0), "IIIC");
        assert_eq!(nsclc_stage(0, 0, 1), "IVA");
        assert_eq!(nsclc_stage(0, 0, 2), "IVA");
        assert_eq!(nsclc_stage(0, 0, 3), "IVB");
        assert_eq!(lugano(true, false, false, 1, false, false, false), "I");
        assert_eq!(lugano(false, false, false, 0, false, true, false), "IE");
        assert_eq!(lugano(true, false, false, 3, false, false, false), "II");
        assert_eq!(lugano(true, false, false, 1, true, false, false), "IIE");
        assert_eq!(lugano(true, true, false, 2, false, false, false), "III");
        assert_eq!(lugano(true, false, true, 1, false, false, false), "III");
        assert_eq!(lugano(true, false, false, 1, false, false, true), "IV");
        assert_eq!(breast_stage(1, 0, false), "IA");
        assert_eq!(breast_stage(2, 0, false), "IIA");
        assert_eq!(breast_stage(1, 1, false), "IIA");
        assert_eq!(breast_stage(2, 1, false), "IIB");
        assert_eq!(breast_stage(3, 0, false), "IIB");
        assert_eq!(breast_stage(3, 1, false), "IIIA");
        assert_eq!(breast_stage(2, 2, false), "IIIA");
        assert_eq!(breast_stage(4, 1, false), "IIIB");
        assert_eq!(breast_stage(1, 3, false), "IIIC");
        assert_eq!(breast_stage(1, 0, true), "IV");
        assert_eq!(melanoma_stage("T3b", "N0", false), "IIB");
        assert_eq!(melanoma_stage("T4b", "N0", false), "IIC");
        assert_eq!(melanoma_stage("T2a", "N1b", false), "IIIB");
        assert_eq!(melanoma_stage("T2a", "N3b", false), "IIIC");
        assert_eq!(melanoma_stage("T3a", "N2b", false), "IIIB");
        assert_eq!(melanoma_stage("T3b", "N1c", false), "IIIC");
        assert_eq!(melanoma_stage("T4b", "N3c", false), "IIID");
        assert_eq!(melanoma_stage("T1b", "N0", true), "IV");
        assert_eq!(rectal_stage("T3", "N0"), "IIA");
        assert_eq!(rectal_stage("T3", "N1"), "IIIB");
        assert_eq!(rectal_stage("T2", "N1"), "IIIA");
        assert_eq!(rectal_stage("T4b", "N1"), "IIIC");
        assert_eq!(prostate_stage("T2", 80, 3, false, false), "IIC");
        assert_eq!(prostate_stage("T2", 250, 4, false, false), "IIIA");
        assert_eq!(prostate_stage("T3b", 80, 4, false, false), "IIIB");
        assert_eq!(prostate_stage("T2", 80, 5, false, false), "IIIC");
        assert_eq!(prostate_stage("T2", 80, 5, true, false), "IVA");
        assert_eq!(prostate_stage("T2", 80, 2, true, true), "IVB");
    }

    #[test]
    fn plain_text_and_fhir_formats() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"M"), "TQ==");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64("PET/CT é".as_bytes()), "UEVUL0NUIMOp");
        let rec = generate_patient(7, 3).remove(0);
        let txt = to_plain_text(&rec);
        let head: Vec<&str> = txt.lines().take(6).collect();
        assert_eq!(head[0], format!("REPORT ID: {}", rec.report_id));
        assert_eq!(head[1], format!("PATIENT ID: {}", rec.patient_id));
        assert_eq!(
            head[2],
            format!("EXAM DATE: {}", rec.exam_date.format("%Y-%m-%d"))
        );
        assert_eq!(head[3], "MODALITY: PET/CT");
        assert_eq!(
            head[4],
            format!("TRACER: {}", rec.tracer.as_deref().unwrap())
        );
        assert_eq!(head[5], "");
        assert!(txt.ends_with(&format!("{}\n", rec.text.trim_end())));
        assert!(!txt.contains("cancer_type"), "labels are not carried");

        let f = to_fhir(&rec);
        assert_eq!(f["resourceType"], "DiagnosticReport");
        assert_eq!(f["id"], rec.report_id.as_str());
        assert_eq!(f["status"], "final");
        assert_eq!(f["code"]["text"], "PET/CT");
        assert_eq!(
            f["subject"]["reference"],
            format!("Patient/{}", rec.patient_id)
        );
        assert_eq!(
            f["effectiveDateTime"],
            rec.exam_date.format("%Y-%m-%d").to_string()
        );
        assert_eq!(f["presentedForm"][0]["contentType"], "text/plain");
        assert_eq!(
            f["presentedForm"][0]["data"],
            base64(rec.text.as_bytes()).as_str()
        );
        let conclusion = f["conclusion"].as_str().unwrap();
        assert_eq!(conclusion, section(&rec.text, &IMP, &[]));
        assert!(to_fhir(&ReportRecord {
            text: "FINDINGS: x".into(),
            ..rec
        })
        .get("conclusion")
        .is_none());
    }

    #[test]
    fn two_thousand_patients_stream_quickly() {
        let cfg = SynthConfig {
            seed: 1,
            patients: 2_000,
        };
        let start = std::time::Instant::now();
        let mut n = 0;
        let mut last = String::new();
        for r in generate(&cfg) {
            assert!(r.report_id > last, "ids come in order");
            last = r.report_id;
            n += 1;
        }
        assert!(n > 6_000, "{n} reports");
        assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
    }
}
