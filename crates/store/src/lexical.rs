//! The BM25 side: a Tantivy index on disk with one long-lived writer and reader.

use crate::schema::{self, Fields, TEXT_ANALYZER};
use crate::{io_err, Result, StoreError};
use priors_core::{ChunkHit, ChunkId, ChunkKey, EngineResult, LexicalIndex, StoredChunk};
use std::path::Path;
use std::sync::Mutex;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{AllQuery, Query, QueryParser, TermSetQuery};
use tantivy::schema::Value;
use tantivy::{doc, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// Memory budget of the index writer.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

/// A Tantivy index of chunks.
pub struct TantivyIndex {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
}

impl std::fmt::Debug for TantivyIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TantivyIndex").finish_non_exhaustive()
    }
}

impl TantivyIndex {
    /// Open the index in `dir`, creating it if empty.
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let (schema, fields) = schema::tantivy_schema();
        let mmap = tantivy::directory::MmapDirectory::open(dir)
            .map_err(|e| StoreError::Tantivy(e.into()))?;
        let index = Index::open_or_create(mmap, schema)?;
        index
            .tokenizers()
            .register(TEXT_ANALYZER, schema::text_analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        // One indexing thread: the cores belong to the embedding model during ingest.
        let writer = index.writer_with_num_threads(1, WRITER_HEAP_BYTES)?;
        Ok(Self {
            index,
            fields,
            reader,
            writer: Mutex::new(writer),
        })
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn report_terms(&self, report_ids: &[String]) -> Vec<Term> {
        report_ids
            .iter()
            .map(|id| Term::from_field_text(self.fields.report_id, id))
            .collect()
    }

    fn stored_str(&self, doc: &TantivyDocument, field: tantivy::schema::Field) -> Result<String> {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| StoreError::Corrupt(format!("tantivy document without field {field:?}")))
    }

    fn key_of(&self, doc: &TantivyDocument) -> Result<ChunkKey> {
        let id_str = self.stored_str(doc, self.fields.chunk_id)?;
        let id = ChunkId::parse(&id_str)
            .ok_or_else(|| StoreError::Corrupt(format!("bad chunk id `{id_str}`")))?;
        let chunk_count = doc
            .get_first(self.fields.chunk_count)
            .and_then(|v| v.as_u64())
            .ok_or_else(|| StoreError::Corrupt("tantivy document without chunk_count".into()))?;
        Ok(ChunkKey {
            report_id: self.stored_str(doc, self.fields.report_id)?,
            id,
            content_hash: self.stored_str(doc, self.fields.content_hash)?,
            chunk_count: chunk_count as u32,
        })
    }

    fn keys(&self, report_ids: Option<&[String]>) -> Result<Vec<ChunkKey>> {
        let searcher = self.reader.searcher();
        let query: Box<dyn Query> = match report_ids {
            Some(ids) => Box::new(TermSetQuery::new(self.report_terms(ids))),
            None => Box::new(AllQuery),
        };
        let addrs = searcher.search(&query, &DocSetCollector)?;
        let mut out = Vec::with_capacity(addrs.len());
        for addr in addrs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            out.push(self.key_of(&doc)?);
        }
        out.sort();
        Ok(out)
    }

    /// Number of committed documents.
    pub fn num_docs(&self) -> usize {
        self.reader.searcher().num_docs() as usize
    }

    /// Number of committed documents of one report.
    pub fn count_report(&self, report_id: &str) -> Result<usize> {
        let q = TermSetQuery::new(self.report_terms(&[report_id.to_string()]));
        Ok(self.reader.searcher().search(&q, &Count)?)
    }

    /// Content hash of each given report that is committed, as `(report_id, hash)`.
    pub fn content_hashes(&self, report_ids: &[String]) -> Result<Vec<(String, String)>> {
        let mut out: Vec<(String, String)> = self
            .keys(Some(report_ids))?
            .into_iter()
            .map(|k| (k.report_id, k.content_hash))
            .collect();
        out.dedup();
        Ok(out)
    }
}

impl LexicalIndex for TantivyIndex {
    fn add(&self, chunks: &[StoredChunk]) -> EngineResult<()> {
        let f = &self.fields;
        let writer = self.writer();
        for c in chunks {
            let mut d = doc!(
                f.chunk_id => c.id.to_uuid_string(),
                f.report_id => c.report_id.as_str(),
                f.patient_id => c.patient_id.as_str(),
                f.exam_date => schema::tantivy_date(c.exam_date),
                f.modality => c.modality.as_str(),
                f.section => c.section.as_str(),
                f.chunk_index => u64::from(c.chunk_index),
                f.chunk_count => u64::from(c.chunk_count),
                f.content_hash => c.content_hash.as_str(),
                f.text => c.text.as_str(),
            );
            if let Some(t) = &c.tracer {
                d.add_text(f.tracer, t);
            }
            if let Some(t) = &c.cancer_type {
                d.add_text(f.cancer_type, t);
            }
            if let Some(s) = c.suv_max {
                d.add_f64(f.suv_max, f64::from(s));
            }
            if let Some(s) = c.deauville {
                d.add_u64(f.deauville, u64::from(s));
            }
            writer.add_document(d)?;
        }
        Ok(())
    }

    fn delete_reports(&self, report_ids: &[String]) -> EngineResult<()> {
        let writer = self.writer();
        for t in self.report_terms(report_ids) {
            writer.delete_term(t);
        }
        Ok(())
    }

    fn commit(&self) -> EngineResult<()> {
        self.writer().commit()?;
        self.reader.reload()?;
        Ok(())
    }

    fn chunk_keys(&self, report_ids: Option<&[String]>) -> EngineResult<Vec<ChunkKey>> {
        Ok(self.keys(report_ids)?)
    }

    fn count(&self) -> EngineResult<usize> {
        Ok(self.num_docs())
    }

    fn search(&self, query: &str, k: usize) -> EngineResult<Vec<ChunkHit>> {
        let searcher = self.reader.searcher();
        let parser = QueryParser::for_index(&self.index, vec![self.fields.text]);
        let (q, _errors) = parser.parse_query_lenient(query);
        let top = searcher.search(&q, &TopDocs::with_limit(k).order_by_score())?;
        let mut out = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let key = self.key_of(&doc)?;
            out.push(ChunkHit {
                id: key.id,
                report_id: key.report_id,
                score,
            });
        }
        Ok(out)
    }
}
