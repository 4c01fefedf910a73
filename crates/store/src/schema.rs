//! The one place that defines how a chunk is laid out in each engine.
//!
//! Ingest and search both go through these functions; nothing else names a Tantivy field or a
//! Qdrant payload key.

use crate::{io_err, Result, StoreError};
use chrono::NaiveDate;
use priors_core::{ChunkId, ChunkKey, SectionKind, StoredChunk};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::path::Path;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};

/// Version of the layout written by this build; bumped on incompatible changes (a data
/// directory of another version is refused on open: re-ingest it into a new directory).
/// v2: the report's full SUVmax list and laterality are stored with every chunk.
/// v3: each findings chunk stores its lesion records (JSON, Tantivy only).
pub const SCHEMA_VERSION: u32 = 3;
/// Name of the dense vector in Qdrant (same for the embedded and a remote engine).
pub const VECTOR_NAME: &str = "dense";
/// Name of the text analyzer registered on the Tantivy index.
pub const TEXT_ANALYZER: &str = "priors_en";

/// Qdrant payload keys (also the Tantivy field names, so filters read the same on both sides).
pub mod keys {
    /// Report id (keyword).
    pub const REPORT_ID: &str = "report_id";
    /// Chunk id as a UUID string (Tantivy only; Qdrant uses it as the point id).
    pub const CHUNK_ID: &str = "chunk_id";
    /// Patient id (keyword).
    pub const PATIENT_ID: &str = "patient_id";
    /// Exam date, `YYYY-MM-DD`.
    pub const EXAM_DATE: &str = "exam_date";
    /// Exam date as days since 1970-01-01 (Qdrant only; integer-indexed for date ranges).
    pub const EXAM_DAY: &str = "exam_day";
    /// Modality (keyword).
    pub const MODALITY: &str = "modality";
    /// Tracer (keyword).
    pub const TRACER: &str = "tracer";
    /// Stated cancer type (keyword).
    pub const CANCER_TYPE: &str = "cancer_type";
    /// Section name (keyword).
    pub const SECTION: &str = "section";
    /// Chunk index within the report.
    pub const CHUNK_INDEX: &str = "chunk_index";
    /// Chunks in the report version.
    pub const CHUNK_COUNT: &str = "chunk_count";
    /// Content hash of the report version.
    pub const CONTENT_HASH: &str = "content_hash";
    /// Highest SUVmax in the report.
    pub const SUV_MAX: &str = "suv_max";
    /// Deauville score.
    pub const DEAUVILLE: &str = "deauville";
    /// Every SUVmax value of the report's findings, in order (stored in Tantivy only).
    pub const SUV_VALUES: &str = "suv_values";
    /// Sides named in the findings (stored in Tantivy only).
    pub const LATERALITY: &str = "laterality";
    /// Lesion records of the chunk as a JSON array (stored in Tantivy only).
    pub const LESIONS: &str = "lesions";
    /// Chunk text.
    pub const TEXT: &str = "text";
}

/// Payload fields that get a Qdrant keyword index (the filterable ones).
pub const KEYWORD_INDEXED: &[&str] = &[
    keys::REPORT_ID,
    keys::PATIENT_ID,
    keys::MODALITY,
    keys::TRACER,
    keys::CANCER_TYPE,
    keys::SECTION,
];

/// Qdrant payload of a chunk.
pub fn payload(chunk: &StoredChunk) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(keys::REPORT_ID.into(), json!(chunk.report_id));
    m.insert(keys::PATIENT_ID.into(), json!(chunk.patient_id));
    m.insert(keys::EXAM_DATE.into(), json!(chunk.exam_date.to_string()));
    m.insert(
        keys::EXAM_DAY.into(),
        json!(priors_core::filter::epoch_day(chunk.exam_date)),
    );
    m.insert(keys::MODALITY.into(), json!(chunk.modality));
    if let Some(t) = &chunk.tracer {
        m.insert(keys::TRACER.into(), json!(t));
    }
    if let Some(c) = &chunk.cancer_type {
        m.insert(keys::CANCER_TYPE.into(), json!(c));
    }
    m.insert(keys::SECTION.into(), json!(chunk.section.as_str()));
    m.insert(keys::CHUNK_INDEX.into(), json!(chunk.chunk_index));
    m.insert(keys::CHUNK_COUNT.into(), json!(chunk.chunk_count));
    m.insert(keys::CONTENT_HASH.into(), json!(chunk.content_hash));
    if let Some(s) = chunk.suv_max {
        m.insert(keys::SUV_MAX.into(), json!(s));
    }
    if let Some(d) = chunk.deauville {
        m.insert(keys::DEAUVILLE.into(), json!(d));
    }
    m.insert(keys::TEXT.into(), json!(chunk.text));
    m
}

fn str_of<'a>(m: &'a Map<String, Value>, key: &str) -> Result<&'a str> {
    m.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| StoreError::Corrupt(format!("qdrant payload without `{key}`")))
}

/// The reconciliation key of a chunk from its Qdrant point id and payload.
pub fn key_from_payload(id: ChunkId, m: &Map<String, Value>) -> Result<ChunkKey> {
    let chunk_count = m
        .get(keys::CHUNK_COUNT)
        .and_then(Value::as_u64)
        .ok_or_else(|| StoreError::Corrupt("qdrant payload without `chunk_count`".into()))?;
    Ok(ChunkKey {
        report_id: str_of(m, keys::REPORT_ID)?.to_string(),
        id,
        content_hash: str_of(m, keys::CONTENT_HASH)?.to_string(),
        chunk_count: chunk_count as u32,
    })
}

/// Handles to the Tantivy fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// See [`keys::CHUNK_ID`].
    pub chunk_id: Field,
    /// See [`keys::REPORT_ID`].
    pub report_id: Field,
    /// See [`keys::PATIENT_ID`].
    pub patient_id: Field,
    /// See [`keys::EXAM_DATE`] (a date field, day precision).
    pub exam_date: Field,
    /// See [`keys::MODALITY`].
    pub modality: Field,
    /// See [`keys::TRACER`].
    pub tracer: Field,
    /// See [`keys::CANCER_TYPE`].
    pub cancer_type: Field,
    /// See [`keys::SECTION`].
    pub section: Field,
    /// See [`keys::CHUNK_INDEX`].
    pub chunk_index: Field,
    /// See [`keys::CHUNK_COUNT`].
    pub chunk_count: Field,
    /// See [`keys::CONTENT_HASH`].
    pub content_hash: Field,
    /// See [`keys::SUV_MAX`].
    pub suv_max: Field,
    /// See [`keys::DEAUVILLE`].
    pub deauville: Field,
    /// See [`keys::SUV_VALUES`] (multi-valued, stored only).
    pub suv_values: Field,
    /// See [`keys::LATERALITY`] (multi-valued, stored only).
    pub laterality: Field,
    /// See [`keys::LESIONS`] (stored only).
    pub lesions: Field,
    /// See [`keys::TEXT`] (analysed with [`TEXT_ANALYZER`], positions kept).
    pub text: Field,
}

/// The Tantivy schema and its field handles.
pub fn tantivy_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let kw = STRING | STORED | FAST;
    let num = NumericOptions::default()
        .set_stored()
        .set_fast()
        .set_indexed();
    let text_opts = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TEXT_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        chunk_id: b.add_text_field(keys::CHUNK_ID, STRING | STORED),
        report_id: b.add_text_field(keys::REPORT_ID, kw.clone()),
        patient_id: b.add_text_field(keys::PATIENT_ID, kw.clone()),
        exam_date: b.add_date_field(keys::EXAM_DATE, INDEXED | STORED | FAST),
        modality: b.add_text_field(keys::MODALITY, kw.clone()),
        tracer: b.add_text_field(keys::TRACER, kw.clone()),
        cancer_type: b.add_text_field(keys::CANCER_TYPE, kw.clone()),
        section: b.add_text_field(keys::SECTION, kw),
        chunk_index: b.add_u64_field(keys::CHUNK_INDEX, num.clone()),
        chunk_count: b.add_u64_field(keys::CHUNK_COUNT, num.clone()),
        content_hash: b.add_text_field(keys::CONTENT_HASH, STRING | STORED),
        suv_max: b.add_f64_field(keys::SUV_MAX, num.clone()),
        deauville: b.add_u64_field(keys::DEAUVILLE, num),
        suv_values: b.add_f64_field(keys::SUV_VALUES, NumericOptions::default().set_stored()),
        laterality: b.add_text_field(keys::LATERALITY, STORED),
        lesions: b.add_text_field(keys::LESIONS, STORED),
        text: b.add_text_field(keys::TEXT, text_opts),
    };
    (b.build(), fields)
}

/// The analyzer for report text: split on non-alphanumerics (so `4R`, `10L`, `SUVmax` and
/// numbers stay whole tokens), drop tokens over 40 bytes, lowercase, English stemming.
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Day-precision Tantivy date of an exam date.
pub fn tantivy_date(d: NaiveDate) -> tantivy::DateTime {
    let secs = d
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp();
    tantivy::DateTime::from_timestamp_secs(secs)
}

/// Parse a section name stored in either engine.
pub fn section_from_str(s: &str) -> Result<SectionKind> {
    SectionKind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown section `{s}`")))
}

/// What a data directory was built with; written once, checked on every open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Layout version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// Embedding model id.
    pub model_id: String,
    /// Vector dimension.
    pub dim: usize,
}

impl Manifest {
    /// File name inside the data directory.
    pub const FILE: &'static str = "manifest.json";

    /// Write the manifest if the directory has none, else check that it matches.
    pub fn ensure(dir: &Path, expected: &Manifest) -> Result<()> {
        let path = dir.join(Self::FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let found: Manifest = serde_json::from_slice(&bytes)
                    .map_err(|e| StoreError::Corrupt(format!("{}: {e}", path.display())))?;
                if &found != expected {
                    return Err(StoreError::Incompatible {
                        dir: dir.to_path_buf(),
                        found: found.describe(),
                        expected: expected.describe(),
                    });
                }
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let tmp = dir.join("manifest.json.tmp");
                let body = serde_json::to_vec_pretty(expected).expect("manifest serialises");
                std::fs::write(&tmp, body).map_err(io_err(&tmp))?;
                std::fs::rename(&tmp, &path).map_err(io_err(&path))?;
                Ok(())
            }
            Err(e) => Err(io_err(&path)(e)),
        }
    }

    fn describe(&self) -> String {
        format!(
            "model {} (dim {}), schema v{}",
            self.model_id, self.dim, self.schema_version
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analyzer_keeps_stations_and_units_and_stems() {
        let mut a = text_analyzer();
        let mut stream = a.token_stream("Nodes at 4R and 10L, SUVmax 12.4; enlarged lymph nodes");
        let mut toks = Vec::new();
        while let Some(t) = stream.next() {
            toks.push(t.text.clone());
        }
        assert_eq!(
            toks,
            ["node", "at", "4r", "and", "10l", "suvmax", "12", "4", "enlarg", "lymph", "node"]
        );
    }

    #[test]
    fn manifest_refuses_another_model() {
        let dir = tempfile::tempdir().unwrap();
        let m = Manifest {
            schema_version: SCHEMA_VERSION,
            model_id: "a".into(),
            dim: 384,
        };
        Manifest::ensure(dir.path(), &m).unwrap();
        Manifest::ensure(dir.path(), &m).unwrap();
        let other = Manifest {
            model_id: "b".into(),
            ..m
        };
        let err = Manifest::ensure(dir.path(), &other).unwrap_err();
        assert!(matches!(err, StoreError::Incompatible { .. }), "{err}");
    }
}
