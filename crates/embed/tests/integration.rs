//! The real model through fastembed and ONNX Runtime, against vectors computed independently
//! from the safetensors weights (`scripts/reference_vectors.py`, pure numpy).

use priors_core::{Config, Embedder};
use priors_embed::{cosine, EmbedError, FastEmbedder};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[derive(Deserialize)]
struct Fixture {
    model: String,
    max_length: usize,
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    text: String,
    vector: Vec<f32>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn config() -> Config {
    let mut c = Config::default();
    c.resolve_paths(&root());
    c
}

fn embedder() -> &'static FastEmbedder {
    static E: OnceLock<FastEmbedder> = OnceLock::new();
    E.get_or_init(|| FastEmbedder::load(&config().embedding).expect("run `make setup` first"))
}

#[test]
fn vectors_match_the_independent_reference() {
    let fixture: Fixture = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reference_vectors.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let e = embedder();
    assert_eq!(fixture.model, e.model_id());
    assert_eq!(fixture.max_length, e.max_tokens());
    let texts: Vec<&str> = fixture.items.iter().map(|i| i.text.as_str()).collect();
    // Embedded together (padded batch) and one by one: both must match the reference.
    let batch = e.embed(&texts).unwrap();
    for (item, v) in fixture.items.iter().zip(&batch) {
        assert_eq!(v.len(), 384);
        let c = cosine(v, &item.vector);
        assert!(c >= 0.999, "batch cosine {c} for {:?}", item.text);
        let single = e.embed(&[item.text.as_str()]).unwrap();
        let c = cosine(&single[0], &item.vector);
        assert!(c >= 0.999, "single cosine {c} for {:?}", item.text);
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-3, "not normalised: {norm}");
    }
}

#[test]
fn clinically_similar_phrases_score_higher_than_unrelated_ones() {
    let e = embedder();
    let cases = [
        (
            "Hypermetabolic right hilar lymph node, SUVmax 9.1.",
            "FDG-avid enlarged lymph node in the right hilum with intense uptake.",
            "Physiologic tracer excretion in the urinary bladder.",
        ),
        (
            "New liver metastases from colorectal cancer.",
            "Multiple hypermetabolic hepatic lesions consistent with metastatic colon cancer.",
            "Normal physiologic uptake in the brain and myocardium.",
        ),
        (
            "Symmetric supraclavicular uptake in brown adipose tissue.",
            "Bilateral physiologic brown fat activity in the neck and paravertebral regions.",
            "Spiculated left upper lobe mass invading the chest wall.",
        ),
    ];
    for (anchor, similar, unrelated) in cases {
        let v = e.embed(&[anchor, similar, unrelated]).unwrap();
        let s = cosine(&v[0], &v[1]);
        let u = cosine(&v[0], &v[2]);
        assert!(s > u + 0.1, "{anchor:?}: similar {s} vs unrelated {u}");
    }
}

#[test]
fn token_counts_are_not_truncated() {
    let e = embedder();
    assert_eq!(e.count_tokens("").unwrap(), 2, "[CLS] and [SEP]");
    let long = "lymph node ".repeat(400);
    assert!(e.count_tokens(&long).unwrap() > 800);
}

#[test]
fn a_missing_runtime_library_is_an_error_that_says_what_to_do() {
    let mut cfg = config().embedding;
    cfg.ort_dylib = root().join(".assets/does-not-exist/libonnxruntime.so");
    let err = FastEmbedder::load(&cfg).unwrap_err();
    assert!(matches!(err, EmbedError::MissingAsset { .. }), "{err}");
    assert!(err.to_string().contains("make setup"), "{err}");
}

#[test]
fn a_missing_model_is_an_error_that_says_what_to_do() {
    let mut cfg = config().embedding;
    cfg.onnx_file = "no-such-model.onnx".into();
    let err = FastEmbedder::load(&cfg).unwrap_err();
    assert!(matches!(err, EmbedError::MissingAsset { .. }), "{err}");
    assert!(err.to_string().contains("make setup"), "{err}");
}
