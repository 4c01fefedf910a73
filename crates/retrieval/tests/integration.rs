//! Retrieval against the real engines: a small synthetic corpus ingested with the real model
//! into real Qdrant (in-process) and Tantivy stores.

use chrono::NaiveDate;
use priors_core::{Config, LexicalIndex, SearchFilter, SectionKind, StoredChunk};
use priors_embed::FastEmbedder;
use priors_retrieval::{Mode, Query, RetrievalError, RetrievalParams, Retriever};
use priors_store::Stores;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, OnceLock};

struct Fixture {
    retriever: Retriever,
    chunks: Vec<StoredChunk>,
    _dir: tempfile::TempDir,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let mut config = Config::default();
        config.resolve_paths(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
        let embedder = Arc::new(FastEmbedder::load(&config.embedding).expect("make setup"));
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus.jsonl");
        let cfg = priors_synth::SynthConfig {
            seed: 5,
            patients: 24,
        };
        priors_synth::write_jsonl(&cfg, std::fs::File::create(&corpus).unwrap()).unwrap();
        let stores = Arc::new(
            Stores::open(&dir.path().join("data"), &config.embedding.model_id, 384).unwrap(),
        );
        let opts = priors_ingest::IngestOptions {
            max_report_bytes: 65536,
            chunk_max_tokens: 256,
            commit_reports: 64,
            embed_job_chunks: 32,
            progress: false,
        };
        let s = priors_ingest::ingest(&[corpus], &stores, embedder.as_ref(), 2, &opts).unwrap();
        assert_eq!(s.failed, 0);
        let chunks = stores.lexical().scan(&SearchFilter::default()).unwrap();
        Fixture {
            retriever: Retriever::new(stores, embedder, RetrievalParams::default()),
            chunks,
            _dir: dir,
        }
    })
}

/// Report-level metadata of the whole corpus (from the stored chunks).
fn reports() -> BTreeMap<String, &'static StoredChunk> {
    let mut m = BTreeMap::new();
    for c in &fixture().chunks {
        m.entry(c.report_id.clone()).or_insert(c);
    }
    m
}

fn q(text: &str, k: usize, mode: Mode, filter: SearchFilter) -> Query {
    Query {
        text: text.into(),
        k,
        mode,
        filter,
        per: priors_retrieval::Per::Report,
    }
}

#[test]
fn every_filter_returns_only_matching_reports_and_k_of_them_when_k_exist() {
    let f = fixture();
    let all = reports();
    let some_patient = all.values().next().unwrap().patient_id.clone();
    let mid = NaiveDate::from_ymd_opt(2022, 6, 30).unwrap();
    let filters: Vec<SearchFilter> = vec![
        SearchFilter {
            tracer: Some("FDG".into()),
            ..Default::default()
        },
        SearchFilter {
            tracer: Some("PSMA".into()),
            ..Default::default()
        },
        SearchFilter {
            cancer_type: Some("nsclc".into()),
            ..Default::default()
        },
        SearchFilter {
            section: Some(SectionKind::Impression),
            ..Default::default()
        },
        SearchFilter {
            since: Some(mid),
            ..Default::default()
        },
        SearchFilter {
            until: Some(mid),
            ..Default::default()
        },
        SearchFilter {
            patients: vec![some_patient.clone()],
            ..Default::default()
        },
        SearchFilter {
            exclude_patients: vec![some_patient.clone()],
            ..Default::default()
        },
        SearchFilter {
            tracer: Some("FDG".into()),
            section: Some(SectionKind::Findings),
            since: Some(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()),
            exclude_patients: vec![some_patient],
            ..Default::default()
        },
    ];
    for filter in filters {
        // Reports that have at least one chunk passing the filter.
        let matching: BTreeSet<&str> = f
            .chunks
            .iter()
            .filter(|c| {
                filter.matches(
                    c.tracer.as_deref(),
                    &c.modality,
                    c.cancer_type.as_deref(),
                    c.section,
                    c.exam_date,
                    &c.patient_id,
                    &c.report_id,
                )
            })
            .map(|c| c.report_id.as_str())
            .collect();
        for mode in [Mode::Hybrid, Mode::Bm25, Mode::Dense] {
            for k in [1, 5, 40] {
                let hits = f
                    .retriever
                    .search(&q("hypermetabolic lymph nodes", k, mode, filter.clone()))
                    .unwrap();
                for h in &hits {
                    assert!(
                        matching.contains(h.report_id.as_str()),
                        "{mode:?} {filter:?}: {} does not match",
                        h.report_id
                    );
                }
                // BM25 only returns chunks containing a query term; dense and hybrid always
                // fill k when k reports match.
                if mode != Mode::Bm25 {
                    assert_eq!(
                        hits.len(),
                        k.min(matching.len()),
                        "{mode:?} k={k} {filter:?}"
                    );
                }
                let ids: BTreeSet<&str> = hits.iter().map(|h| h.report_id.as_str()).collect();
                assert_eq!(ids.len(), hits.len(), "one hit per report");
            }
        }
    }
}

#[test]
fn hybrid_fuses_both_engines_and_is_deterministic() {
    let f = fixture();
    let query = q(
        "PSMA avid pelvic lymph node prostate",
        10,
        Mode::Hybrid,
        SearchFilter::default(),
    );
    let a = f.retriever.search(&query).unwrap();
    let b = f.retriever.search(&query).unwrap();
    assert_eq!(a, b);
    assert!(a
        .iter()
        .any(|h| h.bm25_rank.is_some() && h.dense_rank.is_some()));
    for w in a.windows(2) {
        assert!(w[0].score >= w[1].score);
    }
    // The best hit for a PSMA query is a PSMA study.
    let top = reports()[&a[0].report_id];
    assert_eq!(top.tracer.as_deref(), Some("PSMA"), "{a:#?}");
}

#[test]
fn search_and_vector_returns_the_query_embedding_it_searched_with() {
    let f = fixture();
    let text = "hypermetabolic mediastinal lymph nodes";
    let hybrid = q(text, 5, Mode::Hybrid, SearchFilter::default());
    let (hits, vector) = f.retriever.search_and_vector(&hybrid).unwrap();
    let vector = vector.expect("hybrid mode embeds the query");
    assert_eq!(vector, f.retriever.embed_query(text).unwrap());
    assert_eq!(hits, f.retriever.search(&hybrid).unwrap());
    assert_eq!(
        hits,
        f.retriever
            .search_with_vector(&hybrid, Some(&vector))
            .unwrap()
    );
    let (_, none) = f
        .retriever
        .search_and_vector(&q(text, 5, Mode::Bm25, SearchFilter::default()))
        .unwrap();
    assert!(none.is_none(), "BM25 mode embeds nothing");
}

#[test]
fn similar_excludes_the_patient_and_timeline_is_ordered() {
    let f = fixture();
    let all = reports();
    let (rid, c) = all.iter().next().unwrap();
    let hits = f.retriever.similar(rid, 5, Mode::Hybrid).unwrap();
    assert_eq!(hits.len(), 5);
    assert!(hits.iter().all(|h| h.patient_id != c.patient_id));

    let t = f.retriever.timeline(&c.patient_id).unwrap();
    let expected: BTreeSet<&str> = all
        .values()
        .filter(|x| x.patient_id == c.patient_id)
        .map(|x| x.report_id.as_str())
        .collect();
    assert_eq!(t.len(), expected.len());
    for w in t.windows(2) {
        assert!(w[0].exam_date <= w[1].exam_date);
    }
    assert!(t.iter().all(|e| e.impression.is_some()), "{t:#?}");
    // The stored SUVmax list is what re-reading the findings text would give.
    for e in &t {
        let findings: Vec<String> = f
            .retriever
            .report_chunks(&e.report_id)
            .unwrap()
            .into_iter()
            .filter(|c| c.section == SectionKind::Findings)
            .map(|c| c.text)
            .collect();
        assert_eq!(
            e.suv_max,
            priors_parse::suv_max_values(&findings.join("\n")),
            "{}",
            e.report_id
        );
    }
}

#[test]
fn reports_chunks_reads_many_reports_at_once_and_skips_unknown_ids() {
    let f = fixture();
    let ids: Vec<String> = reports().keys().take(3).cloned().collect();
    let mut asked = ids.clone();
    asked.push("SYN-NO-SUCH".into());
    let got = f.retriever.reports_chunks(&asked).unwrap();
    assert_eq!(got.len(), 3, "the unknown id is absent");
    for id in &ids {
        assert_eq!(got[id], f.retriever.report_chunks(id).unwrap(), "{id}");
    }
    assert!(f.retriever.reports_chunks(&[]).unwrap().is_empty());
}

#[test]
fn bad_requests_are_clear_errors() {
    let f = fixture();
    let r = &f.retriever;
    assert!(matches!(
        r.similar("SYN-NO-SUCH", 5, Mode::Hybrid),
        Err(RetrievalError::NotFound { what: "report", .. })
    ));
    assert!(matches!(
        r.timeline("SYN-NO-SUCH"),
        Err(RetrievalError::NotFound {
            what: "patient",
            ..
        })
    ));
    assert!(matches!(
        r.search(&q("   ", 5, Mode::Hybrid, SearchFilter::default())),
        Err(RetrievalError::Invalid { field: "text", .. })
    ));
    assert!(matches!(
        r.search(&q("node", 0, Mode::Hybrid, SearchFilter::default())),
        Err(RetrievalError::Invalid { field: "k", .. })
    ));
    // Query syntax characters are data, not operators.
    let hits = r
        .search(&q(
            "AND OR ( \"unbalanced [ SUVmax: 12.4 -- +",
            3,
            Mode::Bm25,
            SearchFilter::default(),
        ))
        .unwrap();
    assert!(hits.len() <= 3);
}

#[test]
fn one_hit_per_patient_with_the_others_under_also_and_k_of_them_when_k_exist() {
    let f = fixture();
    let patients: BTreeSet<&str> = reports().values().map(|c| c.patient_id.as_str()).collect();
    // A query about lymphoma follow-ups: several reports of one patient match it.
    let text = "Interim PET/CT: residual nodal uptake below liver, Deauville 3, complete metabolic response";
    for mode in [Mode::Hybrid, Mode::Bm25, Mode::Dense] {
        let mut per_report = q(text, 20, mode, SearchFilter::default());
        let reports_hits = f.retriever.search(&per_report).unwrap();
        let repeated = reports_hits.len()
            - reports_hits
                .iter()
                .map(|h| h.patient_id.as_str())
                .collect::<BTreeSet<_>>()
                .len();
        assert!(
            repeated > 0,
            "{mode:?}: the per-report list should repeat a patient for this query"
        );
        per_report.per = priors_retrieval::Per::Patient;
        let k = 10.min(patients.len());
        per_report.k = k;
        let hits = f.retriever.search(&per_report).unwrap();
        assert_eq!(hits.len(), k, "{mode:?}: k patients exist, k hits");
        let ids: BTreeSet<&str> = hits.iter().map(|h| h.patient_id.as_str()).collect();
        assert_eq!(ids.len(), hits.len(), "{mode:?}: one hit per patient");
        // Scores descend; every `also` is the same patient's, scored no better than the hit.
        for w in hits.windows(2) {
            assert!(w[0].score >= w[1].score);
        }
        let by_report = reports();
        let mut also = 0;
        for h in &hits {
            for a in &h.also {
                also += 1;
                assert_eq!(by_report[&a.report_id].patient_id, h.patient_id);
                assert!(a.score <= h.score);
                assert_ne!(a.report_id, h.report_id);
            }
        }
        assert!(
            also > 0,
            "{mode:?}: some patient has another matching report"
        );
        // The best hit of each patient is the patient's first report in the per-report list.
        for h in &hits {
            if let Some(first) = reports_hits.iter().find(|r| r.patient_id == h.patient_id) {
                assert_eq!(first.report_id, h.report_id, "{mode:?}");
            }
        }
    }
    // Asking for more patients than exist returns every patient once.
    let mut all = q(
        text,
        patients.len() + 5,
        Mode::Hybrid,
        SearchFilter::default(),
    );
    all.per = priors_retrieval::Per::Patient;
    let hits = f.retriever.search(&all).unwrap();
    assert_eq!(hits.len(), patients.len());
}
