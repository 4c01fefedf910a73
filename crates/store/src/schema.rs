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

/// Where a data directory's dense vectors live, as its manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DenseBackend {
    /// Qdrant in-process (`qdrant-edge`) in `<collection dir>/qdrant`.
    #[default]
    Embedded,
    /// A collection on a Qdrant server or cluster.
    Qdrant {
        /// The server's gRPC address when the manifest was written (informative: a server
        /// may move; the collection name is what must match).
        url: String,
        /// The remote collection.
        collection: String,
    },
}

impl DenseBackend {
    fn describe(&self) -> String {
        match self {
            DenseBackend::Embedded => "embedded Qdrant (qdrant-edge, in the data directory)".into(),
            DenseBackend::Qdrant { url, collection } => {
                format!("Qdrant server collection {collection:?} (recorded at {url})")
            }
        }
    }

    fn same_place(&self, other: &DenseBackend) -> bool {
        match (self, other) {
            (DenseBackend::Embedded, DenseBackend::Embedded) => true,
            (
                DenseBackend::Qdrant { collection: a, .. },
                DenseBackend::Qdrant { collection: b, .. },
            ) => a == b,
            _ => false,
        }
    }
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
    /// Where the dense vectors live (absent in manifests written before there was a choice:
    /// embedded).
    #[serde(default)]
    pub dense: DenseBackend,
}

impl Manifest {
    /// File name inside the data directory.
    pub const FILE: &'static str = "manifest.json";

    /// The manifest of `dir`, if it has one.
    pub fn read(dir: &Path) -> Result<Option<Manifest>> {
        let path = dir.join(Self::FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| StoreError::Corrupt(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err(&path)(e)),
        }
    }

    /// Replace the manifest atomically (written beside, fsync'ed, renamed).
    pub fn write(dir: &Path, manifest: &Manifest) -> Result<()> {
        let path = dir.join(Self::FILE);
        let tmp = dir.join("manifest.json.tmp");
        let body = serde_json::to_vec_pretty(manifest).expect("manifest serialises");
        {
            let mut f = std::fs::File::create(&tmp).map_err(io_err(&tmp))?;
            std::io::Write::write_all(&mut f, &body).map_err(io_err(&tmp))?;
            f.sync_all().map_err(io_err(&tmp))?;
        }
        std::fs::rename(&tmp, &path).map_err(io_err(&path))
    }

    /// Write the manifest if the directory has none (returns `true`), else check that it
    /// matches (`false`): another model or schema is [`StoreError::Incompatible`], another
    /// dense backend [`StoreError::Backend`].
    pub fn ensure(dir: &Path, expected: &Manifest) -> Result<bool> {
        let Some(found) = Self::read(dir)? else {
            Self::write(dir, expected)?;
            return Ok(true);
        };
        if (found.schema_version, &found.model_id, found.dim)
            != (expected.schema_version, &expected.model_id, expected.dim)
        {
            return Err(StoreError::Incompatible {
                dir: dir.to_path_buf(),
                found: found.describe(),
                expected: expected.describe(),
            });
        }
        if !found.dense.same_place(&expected.dense) {
            let hint = match (&found.dense, &expected.dense) {
                (DenseBackend::Embedded, DenseBackend::Qdrant { .. }) => {
                    " (`priors migrate --to-qdrant URL` copies it to the server; or leave \
                     store.qdrant.url empty)"
                        .to_string()
                }
                (DenseBackend::Qdrant { url, .. }, DenseBackend::Embedded) => format!(
                    " (set store.qdrant.url, e.g. PRIORS__STORE__QDRANT__URL={url}; an empty \
                     url would be an empty embedded store, never a silent one)"
                ),
                _ => " (store.qdrant.collection_prefix decides the name)".to_string(),
            };
            return Err(StoreError::Backend {
                dir: dir.to_path_buf(),
                detail: format!(
                    "{}, but this configuration uses {}{hint}",
                    found.dense.describe(),
                    expected.dense.describe()
                ),
            });
        }
        Ok(false)
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
            dense: DenseBackend::Embedded,
        };
        assert!(Manifest::ensure(dir.path(), &m).unwrap());
        assert!(!Manifest::ensure(dir.path(), &m).unwrap());
        let other = Manifest {
            model_id: "b".into(),
            ..m.clone()
        };
        let err = Manifest::ensure(dir.path(), &other).unwrap_err();
        assert!(matches!(err, StoreError::Incompatible { .. }), "{err}");
        let remote = Manifest {
            dense: DenseBackend::Qdrant {
                url: "http://q:6334".into(),
                collection: "priors_reports".into(),
            },
            ..m
        };
        let err = Manifest::ensure(dir.path(), &remote).unwrap_err();
        assert!(matches!(err, StoreError::Backend { .. }), "{err}");
        assert!(
            err.to_string().contains("priors migrate --to-qdrant"),
            "{err}"
        );
    }

    #[test]
    fn manifests_without_a_backend_are_embedded_and_servers_may_move() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(Manifest::FILE),
            r#"{"schema_version": 1, "model_id": "a", "dim": 8}"#,
        )
        .unwrap();
        assert_eq!(
            Manifest::read(dir.path()).unwrap().unwrap().dense,
            DenseBackend::Embedded
        );
        let at = |url: &str, collection: &str| Manifest {
            schema_version: 1,
            model_id: "a".into(),
            dim: 8,
            dense: DenseBackend::Qdrant {
                url: url.into(),
                collection: collection.into(),
            },
        };
        Manifest::write(dir.path(), &at("http://a:6334", "priors_reports")).unwrap();
        // Same collection on a server that moved: fine.
        assert!(!Manifest::ensure(dir.path(), &at("http://b:6334", "priors_reports")).unwrap());
        // Another collection: refused, naming both.
        let err = Manifest::ensure(dir.path(), &at("http://a:6334", "x_reports")).unwrap_err();
        assert!(err.to_string().contains("x_reports"), "{err}");
        // The embedded store in its place: refused with the URL to set.
        let embedded = Manifest {
            dense: DenseBackend::Embedded,
            ..at("", "")
        };
        let err = Manifest::ensure(dir.path(), &embedded).unwrap_err();
        assert!(err.to_string().contains("http://a:6334"), "{err}");
    }
}
