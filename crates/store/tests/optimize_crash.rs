//! A process killed (SIGKILL) while qdrant-edge builds its HNSW index (`Stores::optimize`)
//! loses nothing: the stores reopen, both engines still agree on every report, searches work,
//! and the next `optimize` builds the index.
//!
//! The test re-runs its own binary as the child that writes the collection and optimises it;
//! the parent kills the child once it has announced the optimisation, then checks the stores.

use chrono::NaiveDate;
use priors_core::{ChunkId, SectionKind, StoredChunk};
use priors_store::{ReportWrite, Stores};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const DIM: usize = 384;
/// Above qdrant's indexing threshold (10 000 KB of vectors = ~6 700 vectors of 384 floats).
const REPORTS: usize = 7_000;
const CHILD_ENV: &str = "PRIORS_TEST_OPTIMIZE_CHILD_DIR";

/// Deterministic unit vector of report `i` (xorshift seeded by the index).
fn vector(i: usize) -> Vec<f32> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ (i as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let v: Vec<f32> = (0..DIM)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f32 / (1u64 << 53) as f32 - 0.5
        })
        .collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.into_iter().map(|x| x / norm).collect()
}

fn write(i: usize) -> ReportWrite {
    let id = format!("R{i:05}");
    ReportWrite {
        report_id: id.clone(),
        chunks: vec![StoredChunk {
            id: ChunkId::new(&id, 0),
            report_id: id.clone(),
            patient_id: format!("P{i:05}"),
            exam_date: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(),
            modality: "PET/CT".into(),
            tracer: Some("FDG".into()),
            cancer_type: None,
            section: SectionKind::Findings,
            chunk_index: 0,
            chunk_count: 1,
            content_hash: format!("h{i}"),
            suv_max: None,
            deauville: None,
            suv_values: vec![],
            laterality: vec![],
            lesions: vec![],
            text: format!("synthetic chunk {i}"),
        }],
        vectors: vec![vector(i)],
    }
}

fn open(dir: &Path) -> Stores {
    Stores::open(dir, "test-model", DIM).unwrap()
}

/// The child: write every report, announce the optimisation, run it (and get killed).
fn child(dir: &Path) {
    let s = open(dir);
    for batch in (0..REPORTS).collect::<Vec<_>>().chunks(1_000) {
        let writes: Vec<ReportWrite> = batch.iter().map(|&i| write(i)).collect();
        s.apply(&writes, &[]).unwrap();
    }
    println!("optimizing");
    s.optimize().unwrap();
    println!("optimized");
}

#[test]
fn a_kill_during_the_index_build_loses_nothing() {
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        child(Path::new(&dir));
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut proc = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_kill_during_the_index_build_loses_nothing",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(proc.stdout.take().unwrap()).lines();
    let mut announced = false;
    for line in lines.by_ref() {
        if line.unwrap().contains("optimizing") {
            announced = true;
            break;
        }
    }
    assert!(announced, "the child died before optimising");
    // Into the build (it takes seconds for this many vectors on 2 cores).
    std::thread::sleep(Duration::from_millis(300));
    proc.kill().unwrap();
    proc.wait().unwrap();
    let finished = lines.any(|l| l.map(|l| l.contains("optimized")).unwrap_or(false));
    assert!(!finished, "the kill came after the index build ended");

    let s = open(tmp.path());
    let stats = s.stats().unwrap();
    assert_eq!(
        (stats.reports, stats.qdrant_points, stats.tantivy_docs),
        (REPORTS, REPORTS, REPORTS)
    );
    assert!(s.consistency().unwrap().is_consistent());
    let finds_itself = |s: &Stores| {
        for i in (0..REPORTS).step_by(350) {
            let hits = s
                .dense()
                .search(&vector(i), 1, &Default::default())
                .unwrap();
            assert_eq!(hits[0].report_id, format!("R{i:05}"));
        }
    };
    finds_itself(&s);
    assert!(s.optimize().unwrap(), "the interrupted build is done again");
    assert!(!s.optimize().unwrap());
    finds_itself(&s);
}
