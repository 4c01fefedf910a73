//! The BM25 side: a Tantivy index on disk with one long-lived writer and reader.

use crate::schema::{self, keys, Fields, TEXT_ANALYZER};
use crate::{io_err, Result, StoreError};
use priors_core::{
    ChunkHit, ChunkId, ChunkKey, EngineResult, LexicalIndex, SearchFilter, StoredChunk, TextQuery,
};
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::path::Path;
use std::sync::Mutex;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
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

    /// Compile a filter into Tantivy clauses (keyword terms, a date range, id sets), combined
    /// with `main` under one boolean query, so that top-k is taken over matching chunks only.
    fn filtered(&self, main: Box<dyn Query>, filter: &SearchFilter) -> Box<dyn Query> {
        if filter.is_empty() {
            return main;
        }
        let f = &self.fields;
        let term = |field: Field, v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, v),
                IndexRecordOption::Basic,
            ))
        };
        let set = |field: Field, vs: &[String]| -> Box<dyn Query> {
            Box::new(TermSetQuery::new(
                vs.iter().map(|v| Term::from_field_text(field, v)),
            ))
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, main)];
        if let Some(v) = &filter.tracer {
            clauses.push((Occur::Must, term(f.tracer, v)));
        }
        if let Some(v) = &filter.modality {
            clauses.push((Occur::Must, term(f.modality, v)));
        }
        if let Some(v) = &filter.cancer_type {
            clauses.push((Occur::Must, term(f.cancer_type, v)));
        }
        if let Some(v) = filter.section {
            clauses.push((Occur::Must, term(f.section, v.as_str())));
        }
        if filter.since.is_some() || filter.until.is_some() {
            let bound = |d: Option<chrono::NaiveDate>| match d {
                Some(d) => Bound::Included(Term::from_field_date_for_search(
                    f.exam_date,
                    schema::tantivy_date(d),
                )),
                None => Bound::Unbounded,
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(filter.since), bound(filter.until))),
            ));
        }
        if !filter.patients.is_empty() {
            clauses.push((Occur::Must, set(f.patient_id, &filter.patients)));
        }
        if !filter.reports.is_empty() {
            clauses.push((Occur::Must, set(f.report_id, &filter.reports)));
        }
        if !filter.exclude_patients.is_empty() {
            clauses.push((Occur::MustNot, set(f.patient_id, &filter.exclude_patients)));
        }
        if !filter.exclude_reports.is_empty() {
            clauses.push((Occur::MustNot, set(f.report_id, &filter.exclude_reports)));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    fn chunk_of(&self, doc: &TantivyDocument) -> Result<StoredChunk> {
        let f = &self.fields;
        let key = self.key_of(doc)?;
        let opt_str = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let u64_of = |field: Field| doc.get_first(field).and_then(|v| v.as_u64());
        let date = doc
            .get_first(f.exam_date)
            .and_then(|v| v.as_datetime())
            .ok_or_else(|| StoreError::Corrupt("tantivy document without exam_date".into()))?;
        let exam_date = chrono::DateTime::from_timestamp(date.into_timestamp_secs(), 0)
            .ok_or_else(|| StoreError::Corrupt("exam_date out of range".into()))?
            .date_naive();
        Ok(StoredChunk {
            id: key.id,
            report_id: key.report_id,
            patient_id: self.stored_str(doc, f.patient_id)?,
            exam_date,
            modality: self.stored_str(doc, f.modality)?,
            tracer: opt_str(f.tracer),
            cancer_type: opt_str(f.cancer_type),
            section: schema::section_from_str(&self.stored_str(doc, f.section)?)?,
            chunk_index: u64_of(f.chunk_index)
                .ok_or_else(|| StoreError::Corrupt("tantivy document without chunk_index".into()))?
                as u32,
            chunk_count: key.chunk_count,
            content_hash: key.content_hash,
            suv_max: doc
                .get_first(f.suv_max)
                .and_then(|v| v.as_f64())
                .map(|v| v as f32),
            deauville: u64_of(f.deauville).map(|v| v as u8),
            suv_values: doc
                .get_all(f.suv_values)
                .filter_map(|v| v.as_f64())
                .map(|v| v as f32)
                .collect(),
            laterality: doc
                .get_all(f.laterality)
                .filter_map(|v| v.as_str())
                .map(str::to_string)
                .collect(),
            lesions: match doc.get_first(f.lesions).and_then(|v| v.as_str()) {
                Some(json) => serde_json::from_str(json)
                    .map_err(|e| StoreError::Corrupt(format!("stored lesions: {e}")))?,
                None => Vec::new(),
            },
            text: self.stored_str(doc, f.text)?,
        })
    }

    fn stored_str(&self, doc: &TantivyDocument, field: Field) -> Result<String> {
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

    /// The terms of a query, analysed like the indexed text (report text is data, never query
    /// syntax). Terms that no document holds are dropped; when more than `max_terms` remain,
    /// those with the highest `query frequency × idf` are kept (ties by term, so the choice is
    /// reproducible). Returned in term order.
    fn select_terms(
        &self,
        searcher: &tantivy::Searcher,
        query: &TextQuery<'_>,
    ) -> Result<Vec<Term>> {
        let mut analyzer = self.index.tokenizer_for_field(self.fields.text)?;
        let mut freq: BTreeMap<String, u32> = BTreeMap::new();
        let mut stream = analyzer.token_stream(query.text);
        while let Some(t) = stream.next() {
            *freq.entry(t.text.clone()).or_default() += 1;
        }
        let n = searcher.num_docs() as f64;
        let mut weighted = Vec::with_capacity(freq.len());
        for (text, tf) in freq {
            let term = Term::from_field_text(self.fields.text, &text);
            let df = searcher.doc_freq(&term)?;
            if df == 0 {
                continue;
            }
            // Tantivy's BM25 idf.
            let idf = (1.0 + (n - df as f64 + 0.5) / (df as f64 + 0.5)).ln();
            weighted.push((f64::from(tf) * idf, term));
        }
        if query.max_terms > 0 && weighted.len() > query.max_terms {
            weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            weighted.truncate(query.max_terms);
            weighted.sort_by(|a, b| a.1.cmp(&b.1));
        }
        Ok(weighted.into_iter().map(|(_, t)| t).collect())
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
            for v in &c.suv_values {
                d.add_f64(f.suv_values, f64::from(*v));
            }
            for side in &c.laterality {
                d.add_text(f.laterality, side);
            }
            if !c.lesions.is_empty() {
                let json = serde_json::to_string(&c.lesions)?;
                d.add_text(f.lesions, json);
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

    fn fetch(&self, ids: &[ChunkId]) -> EngineResult<Vec<StoredChunk>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        // One query for the whole set, then each stored document once.
        let q = TermSetQuery::new(
            ids.iter()
                .map(|id| Term::from_field_text(self.fields.chunk_id, &id.to_uuid_string())),
        );
        let mut found: HashMap<ChunkId, StoredChunk> = HashMap::with_capacity(ids.len());
        for addr in searcher.search(&q, &DocSetCollector)? {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let c = self.chunk_of(&doc)?;
            found.insert(c.id, c);
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    fn scan(&self, filter: &SearchFilter) -> EngineResult<Vec<StoredChunk>> {
        let searcher = self.reader.searcher();
        let q = self.filtered(Box::new(AllQuery), filter);
        let addrs = searcher.search(&q, &DocSetCollector)?;
        let mut out = Vec::with_capacity(addrs.len());
        for addr in addrs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            out.push(self.chunk_of(&doc)?);
        }
        out.sort_by(|a, b| {
            (a.exam_date, &a.report_id, a.chunk_index).cmp(&(
                b.exam_date,
                &b.report_id,
                b.chunk_index,
            ))
        });
        Ok(out)
    }

    fn search(
        &self,
        query: &TextQuery<'_>,
        k: usize,
        filter: &SearchFilter,
    ) -> EngineResult<Vec<ChunkHit>> {
        if k == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let terms = self.select_terms(&searcher, query)?;
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        // A disjunction of plain term queries: with no filter Tantivy runs it with block-WAND.
        let q: Box<dyn Query> = Box::new(BooleanQuery::new(
            terms
                .into_iter()
                .map(|t| -> (Occur, Box<dyn Query>) {
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)),
                    )
                })
                .collect(),
        ));
        let q = self.filtered(q, filter);
        let top = searcher.search(&q, &TopDocs::with_limit(k).order_by_score())?;
        // Ids from the fast-field columns (report id, chunk index: a chunk id is derived from
        // them), not from the document store: no stored document is decompressed here.
        let mut columns: BTreeMap<u32, (tantivy::columnar::StrColumn, Column<u64>)> =
            BTreeMap::new();
        let mut out = Vec::with_capacity(top.len());
        let mut report_id = String::new();
        for (score, addr) in top {
            let (reports, indexes) = match columns.entry(addr.segment_ord) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    let ff = searcher.segment_reader(addr.segment_ord).fast_fields();
                    let reports = ff.str(keys::REPORT_ID)?.ok_or_else(|| {
                        StoreError::Corrupt("report_id is not a fast field".into())
                    })?;
                    e.insert((reports, ff.u64(keys::CHUNK_INDEX)?))
                }
            };
            let ord = reports.term_ords(addr.doc_id).next();
            report_id.clear();
            let found = match ord {
                Some(ord) => reports
                    .ord_to_str(ord, &mut report_id)
                    .map_err(|e| StoreError::Tantivy(e.into()))?,
                None => false,
            };
            let index = indexes.first(addr.doc_id);
            let (true, Some(index)) = (found, index) else {
                return Err(StoreError::Corrupt(
                    "tantivy document without report_id or chunk_index".into(),
                )
                .into());
            };
            out.push(ChunkHit {
                id: ChunkId::new(&report_id, index as u32),
                report_id: report_id.clone(),
                score,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use priors_core::SectionKind;

    fn chunk(report: &str, i: u32, text: &str) -> StoredChunk {
        StoredChunk {
            id: ChunkId::new(report, i),
            report_id: report.into(),
            patient_id: format!("P-{report}"),
            exam_date: chrono::NaiveDate::from_ymd_opt(2024, 5, 2).unwrap(),
            modality: "PET/CT".into(),
            tracer: Some("FDG".into()),
            cancer_type: None,
            section: SectionKind::Findings,
            chunk_index: i,
            chunk_count: 2,
            content_hash: format!("h-{report}"),
            suv_max: None,
            deauville: None,
            suv_values: vec![],
            laterality: vec![],
            lesions: vec![],
            text: text.into(),
        }
    }

    /// Twenty reports of two chunks; every chunk says "node", one says "xanthoma".
    fn index(dir: &Path) -> TantivyIndex {
        let idx = TantivyIndex::open(dir).unwrap();
        let mut chunks = Vec::new();
        for r in 0..20 {
            let id = format!("R{r:02}");
            chunks.push(chunk(&id, 0, "hypermetabolic node in the neck"));
            let second = if r == 7 { "node with xanthoma" } else { "node" };
            chunks.push(chunk(&id, 1, second));
        }
        idx.add(&chunks).unwrap();
        idx.commit().unwrap();
        idx
    }

    fn ids(hits: &[ChunkHit]) -> Vec<ChunkId> {
        hits.iter().map(|h| h.id).collect()
    }

    #[test]
    fn term_selection_keeps_the_terms_with_the_highest_tf_idf() {
        let tmp = tempfile::tempdir().unwrap();
        let idx = index(tmp.path());
        let none = SearchFilter::default();
        let all = idx
            .search(&TextQuery::all_terms("node node node xanthoma"), 100, &none)
            .unwrap();
        assert_eq!(all.len(), 40, "every chunk says node");
        // "node" is three times as frequent in the query, but in every document: its idf is
        // near zero, and the one term kept is "xanthoma".
        let one = TextQuery {
            text: "node node node xanthoma",
            max_terms: 1,
        };
        let hits = idx.search(&one, 100, &none).unwrap();
        assert_eq!(ids(&hits), vec![ChunkId::new("R07", 1)]);
        // Terms no document holds do not take a place.
        let unknown_first = TextQuery {
            text: "zzzunknown node",
            max_terms: 1,
        };
        assert_eq!(idx.search(&unknown_first, 100, &none).unwrap().len(), 40);
        assert!(idx
            .search(&TextQuery::all_terms("zzzunknown ¿? ::"), 10, &none)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn hit_ids_are_the_stored_chunk_ids_and_fetch_keeps_the_given_order() {
        let tmp = tempfile::tempdir().unwrap();
        let idx = index(tmp.path());
        let hits = idx
            .search(&TextQuery::all_terms("neck"), 100, &SearchFilter::default())
            .unwrap();
        assert_eq!(hits.len(), 20);
        let fetched = idx.fetch(&ids(&hits)).unwrap();
        assert_eq!(fetched.len(), 20);
        for (h, c) in hits.iter().zip(&fetched) {
            assert_eq!((h.id, &h.report_id), (c.id, &c.report_id));
            assert_eq!(c.chunk_index, 0);
        }
        let wanted = [
            ChunkId::new("R03", 1),
            ChunkId::new("nope", 0),
            ChunkId::new("R01", 0),
        ];
        let got: Vec<ChunkId> = idx.fetch(&wanted).unwrap().iter().map(|c| c.id).collect();
        assert_eq!(got, vec![wanted[0], wanted[2]], "missing ids are skipped");
    }

    #[test]
    fn every_stored_field_reads_back_as_written() {
        let tmp = tempfile::tempdir().unwrap();
        let idx = TantivyIndex::open(tmp.path()).unwrap();
        let written = StoredChunk {
            cancer_type: Some("dlbcl".into()),
            suv_max: Some(13.3),
            deauville: Some(4),
            suv_values: vec![13.3, 2.0, 7.25],
            laterality: vec!["bilateral".into(), "right".into()],
            lesions: vec![],
            ..chunk("R1", 0, "right cervical mass SUVmax 13.3")
        };
        let bare = chunk("R2", 0, "no abnormal uptake");
        idx.add(&[written.clone(), bare.clone()]).unwrap();
        idx.commit().unwrap();
        let read = idx.fetch(&[written.id, bare.id]).unwrap();
        assert_eq!(read, vec![written, bare]);
    }
}
