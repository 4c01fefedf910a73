//! End to end through the public API: files on disk → records → sections → metadata → chunks.

use priors_core::SectionKind;
use priors_parse::{
    chunk_report, extract_meta, read_dir_or_file, read_file, split_sections, validate, Limits,
    ParseError,
};
use std::path::{Path, PathBuf};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "priors-parse-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, rel: &str, contents: &[u8]) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const MELANOMA_TXT: &str = "REPORT ID: SYN-R-4001
PATIENT ID: SYN-P-4001
EXAM DATE: 2024-06-12
MODALITY: PET/CT

CLINICAL HISTORY: Stage III melanoma of the left calf, post wide local excision. Restaging.
TECHNIQUE: 9.8 mCi 18F-FDG IV. Whole-body imaging (vertex to toes) after 63 minutes.
COMPARISON: PET/CT 2023-12-04.

FINDINGS:
Head and neck: No hypermetabolic lesions.
Chest: New 1.2 cm right lower lobe nodule, SUVmax 6.3. Bilateral hilar uptake, SUVmax 3.1, \
likely reactive.
Abdomen and pelvis: Left inguinal node 2.1 cm, SUVmax 9.4 (previously 1.0 cm, SUVmax 2.2).
Musculoskeletal: No suspicious osseous uptake.

IMPRESSION:
1. New hypermetabolic right lower lobe nodule and enlarging left inguinal node, \
consistent with progression.
2. Symmetric hilar uptake, likely reactive.
";

const PSMA_JSONL: &str = r#"{"report_id":"SYN-R-4002","patient_id":"SYN-P-4002","exam_date":"2024-06-13","text":"INDICATION: Prostate cancer, rising PSA 0.8 ng/mL after radical prostatectomy.\nTECHNIQUE: 8.9 mCi 18F-DCFPyL.\nFINDINGS: Focal uptake in a 7 mm left external iliac node, SUVmax 8.2. Prostate bed clear.\nIMPRESSION: Single left pelvic nodal recurrence."}
"#;

fn fhir_dotatate() -> String {
    serde_json::json!({
        "resourceType": "DiagnosticReport",
        "id": "SYN-R-4003",
        "status": "final",
        "code": {"text": "PET/CT"},
        "subject": {"reference": "Patient/SYN-P-4003"},
        "effectivePeriod": {"start": "2024-06-14T08:00:00Z"},
        "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">\
            <p>CLINICAL INDICATION: Small bowel neuroendocrine tumour (NET G2).</p>\
            <p>TECHNIQUE: 68Ga-DOTATATE PET/CT.</p>\
            <p>FINDINGS:<br/>Ileal primary, SUVmax 31.5. Two hepatic lesions, SUVmax 22.0 and 18.7.</p></div>"},
        "conclusion": "Somatostatin receptor positive disease with hepatic metastases."
    })
    .to_string()
}

#[test]
fn directory_to_chunks() {
    let tmp = TempDir::new("pipeline");
    tmp.write("b/melanoma.txt", MELANOMA_TXT.as_bytes());
    tmp.write("a/psma.NDJSON", PSMA_JSONL.as_bytes());
    tmp.write("c.json", fhir_dotatate().as_bytes());
    tmp.write("notes.md", b"# not a report");
    tmp.write(".hidden/skip.jsonl", b"garbage");
    tmp.write(".skip.txt", b"garbage");

    let files = read_dir_or_file(&tmp.0).unwrap();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(&tmp.0).unwrap().display().to_string())
        .collect();
    assert_eq!(names, ["a/psma.NDJSON", "b/melanoma.txt", "c.json"]);

    let limits = Limits::default();
    let count = |s: &str| s.split_whitespace().count() + 2;
    let mut metas = Vec::new();
    for f in &files {
        for source in read_file(f, &limits).unwrap() {
            let record = source
                .result
                .unwrap_or_else(|e| panic!("{}: {e}", source.location));
            let sections = validate(&record, &limits).unwrap();
            assert_eq!(sections, split_sections(&record.text));
            let chunks = chunk_report(&record.report_id, &sections, 32, &count);
            assert!(!chunks.is_empty());
            assert!(chunks.iter().all(|c| c.tokens <= 32));
            assert!(chunks.iter().any(|c| c.section == SectionKind::Findings));
            metas.push(extract_meta(&record, &sections));
        }
    }
    let summary: Vec<_> = metas
        .iter()
        .map(|m| {
            (
                m.report_id.as_str(),
                m.modality.as_str(),
                m.tracer.as_deref(),
                m.cancer_type.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("SYN-R-4002", "PET/CT", Some("PSMA"), Some("prostate")),
            ("SYN-R-4001", "PET/CT", Some("FDG"), Some("melanoma")),
            (
                "SYN-R-4003",
                "PET/CT",
                Some("DOTATATE"),
                Some("neuroendocrine")
            ),
        ]
    );
    assert_eq!(metas[0].suv_max, vec![8.2]);
    assert_eq!(metas[0].laterality, ["left"]);
    assert_eq!(metas[1].suv_max, vec![6.3, 3.1, 9.4, 2.2]);
    assert_eq!(metas[1].laterality, ["bilateral", "left", "right"]);
    assert_eq!(metas[1].deauville, None);
    assert_eq!(metas[2].suv_max, vec![31.5, 22.0, 18.7]);
    assert_eq!(metas[2].exam_date.to_string(), "2024-06-14");
    let hashes: std::collections::BTreeSet<_> = metas.iter().map(|m| &m.content_hash).collect();
    assert_eq!(hashes.len(), 3);
}

#[test]
fn same_report_in_two_formats_has_the_same_hash() {
    let tmp = TempDir::new("hash");
    let body = MELANOMA_TXT.split_once("\n\n").unwrap().1;
    let line = serde_json::json!({
        "report_id": "SYN-R-4001", "patient_id": "SYN-P-4001", "exam_date": "2024-06-12",
        "modality": "PET/CT", "text": body, "source_system": "ignored"
    });
    let a = tmp.write("a.txt", MELANOMA_TXT.replace('\n', "\r\n").as_bytes());
    let b = tmp.write("b.jsonl", format!("{line}\n").as_bytes());
    let limits = Limits::default();
    let hash = |p: &Path| {
        let r = read_file(p, &limits)
            .unwrap()
            .next()
            .unwrap()
            .result
            .unwrap();
        extract_meta(&r, &split_sections(&r.text)).content_hash
    };
    assert_eq!(hash(&a), hash(&b));
}

#[test]
fn file_level_errors() {
    let tmp = TempDir::new("errors");
    let csv = tmp.write("reports.csv", b"a,b");
    let limits = Limits::default();
    let e = read_file(&csv, &limits).unwrap_err();
    assert!(matches!(e, ParseError::UnsupportedFormat { .. }));
    assert_eq!(
        e.to_string(),
        format!(
            "{}: unsupported file type (supported extensions: .jsonl, .ndjson, .txt, .json)",
            csv.display()
        )
    );
    assert!(matches!(
        read_dir_or_file(&csv),
        Err(ParseError::UnsupportedFormat { .. })
    ));
    let missing = tmp.0.join("missing.jsonl");
    let e = read_file(&missing, &limits).unwrap_err();
    assert!(matches!(e, ParseError::Open { .. }));
    assert!(e.to_string().starts_with("cannot open "), "{e}");
    assert!(matches!(
        read_dir_or_file(&missing),
        Err(ParseError::Open { .. })
    ));
    let dir = tmp.0.join("dir.jsonl");
    std::fs::create_dir_all(&dir).unwrap();
    assert!(matches!(
        read_file(&dir, &limits),
        Err(ParseError::Open { .. })
    ));
    let empty = tmp.0.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert_eq!(read_dir_or_file(&empty).unwrap(), Vec::<PathBuf>::new());
    let single = tmp.write("one.jsonl", b"\n\n");
    assert_eq!(read_dir_or_file(&single).unwrap(), vec![single.clone()]);
    assert_eq!(read_file(&single, &limits).unwrap().count(), 0);
}
