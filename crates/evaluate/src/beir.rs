//! Loading the BEIR on-disk layout: `corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`.
//!
//! Every loader reads line by line through a buffer capped at [`MAX_LINE_BYTES`], so memory
//! per line is bounded whatever the file holds. Blank lines (empty or whitespace only) are
//! skipped everywhere. Errors carry the file, the 1-based line and the reason.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::lines::Lines;

/// Longest line the loaders accept, in bytes (8 MiB; SciFact's longest is about 10 KB).
pub const MAX_LINE_BYTES: usize = 8 << 20;

/// The exact header line BEIR writes at the top of every qrels file.
pub const QRELS_HEADER: &str = "query-id\tcorpus-id\tscore";

/// Relevance judgements: query id → (document id → graded relevance). A grade of 0 is a
/// judged non-relevant document; any grade ≥ 1 is relevant (trec_eval's default
/// `relevance_level` of 1).
pub type Qrels = BTreeMap<String, BTreeMap<String, u32>>;

/// One document of a BEIR `corpus.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeirDoc {
    /// `_id`: non-empty.
    pub id: String,
    /// `title`: empty when the record has no title (missing, `null` or `""`).
    pub title: String,
    /// `text`: may be empty, must be present.
    pub text: String,
}

/// Where the three files of a BEIR dataset directory live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeirPaths {
    /// `<dir>/corpus.jsonl`.
    pub corpus: PathBuf,
    /// `<dir>/queries.jsonl`.
    pub queries: PathBuf,
    /// `<dir>/qrels/<split>.tsv`.
    pub qrels: PathBuf,
}

impl BeirPaths {
    /// The standard file names under `dir` for the given split (usually `"test"`).
    pub fn in_dir(dir: impl AsRef<Path>, split: &str) -> Self {
        let dir = dir.as_ref();
        BeirPaths {
            corpus: dir.join("corpus.jsonl"),
            queries: dir.join("queries.jsonl"),
            qrels: dir.join("qrels").join(format!("{split}.tsv")),
        }
    }
}

#[derive(Deserialize)]
struct RawDoc {
    #[serde(rename = "_id")]
    id: String,
    #[serde(default)]
    title: Option<String>,
    text: String,
}

#[derive(Deserialize)]
struct RawQuery {
    #[serde(rename = "_id")]
    id: String,
    text: String,
}

fn open(path: &Path) -> Result<Lines<BufReader<File>>> {
    let file = File::open(path).map_err(|e| Error::io(path, None, e))?;
    Ok(Lines::new(
        BufReader::with_capacity(64 * 1024, file),
        path,
        MAX_LINE_BYTES,
    ))
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Streams `corpus.jsonl`; see [`read_corpus`].
pub struct CorpusReader {
    lines: Lines<BufReader<File>>,
}

impl std::fmt::Debug for CorpusReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorpusReader")
            .field("path", &self.lines.path())
            .finish_non_exhaustive()
    }
}

impl Iterator for CorpusReader {
    type Item = Result<BeirDoc>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (number, line) = match self.lines.next_line()? {
                Ok(item) => item,
                Err(e) => return Some(Err(e)),
            };
            if is_blank(line) {
                continue;
            }
            let parsed = serde_json::from_str::<RawDoc>(line)
                .map_err(|e| format!("invalid corpus record: {e}"))
                .and_then(|raw| {
                    if raw.id.is_empty() {
                        Err("invalid corpus record: empty `_id`".to_string())
                    } else {
                        Ok(BeirDoc {
                            id: raw.id,
                            title: raw.title.unwrap_or_default(),
                            text: raw.text,
                        })
                    }
                });
            return Some(match parsed {
                Ok(doc) => Ok(doc),
                Err(reason) => {
                    // The first error is the last item.
                    self.lines.finish();
                    Err(Error::parse(self.lines.path(), number, reason))
                }
            });
        }
    }
}

/// Streams the documents of a BEIR `corpus.jsonl`, one line at a time (memory per line is
/// capped at [`MAX_LINE_BYTES`]).
///
/// Each non-blank line must be a JSON object with a non-empty string `_id` and a string
/// `text`; `title` may be a string, `null` or absent (→ empty); other fields (`metadata`,
/// …) are ignored. The iterator yields at most one error and then ends. It does not check
/// for duplicate ids (that would need memory proportional to the corpus); [`load_corpus`]
/// does.
///
/// # Errors
/// Fails up front only if the file cannot be opened.
pub fn read_corpus(path: impl AsRef<Path>) -> Result<CorpusReader> {
    Ok(CorpusReader {
        lines: open(path.as_ref())?,
    })
}

/// Reads a whole `corpus.jsonl` into memory, in file order, rejecting duplicate `_id`s.
///
/// # Errors
/// As [`read_corpus`], plus a duplicate id (reported at its second occurrence).
pub fn load_corpus(path: impl AsRef<Path>) -> Result<Vec<BeirDoc>> {
    let path = path.as_ref();
    let mut docs = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut reader = read_corpus(path)?;
    while let Some(doc) = reader.next() {
        let doc = doc?;
        let number = reader.lines.number();
        if let Some(first) = seen.insert(doc.id.clone(), number) {
            return Err(Error::parse(
                path,
                number,
                format!("duplicate document id {:?} (first on line {first})", doc.id),
            ));
        }
        docs.push(doc);
    }
    Ok(docs)
}

/// Reads a BEIR `queries.jsonl` into `(id, text)` pairs in file order.
///
/// Each non-blank line must be a JSON object with a non-empty string `_id` and a string
/// `text`; other fields are ignored. All queries are returned, judged or not; BEIR
/// evaluates only the judged ones, see [`judged_queries`].
///
/// # Errors
/// I/O errors, malformed lines, empty or duplicate ids.
pub fn load_queries(path: impl AsRef<Path>) -> Result<Vec<(String, String)>> {
    let path = path.as_ref();
    let mut lines = open(path)?;
    let mut out = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    while let Some(item) = lines.next_line() {
        let (number, line) = item?;
        if is_blank(line) {
            continue;
        }
        let raw: RawQuery = serde_json::from_str(line)
            .map_err(|e| Error::parse(path, number, format!("invalid query record: {e}")))?;
        if raw.id.is_empty() {
            return Err(Error::parse(
                path,
                number,
                "invalid query record: empty `_id`",
            ));
        }
        if let Some(first) = seen.insert(raw.id.clone(), number) {
            return Err(Error::parse(
                path,
                number,
                format!("duplicate query id {:?} (first on line {first})", raw.id),
            ));
        }
        out.push((raw.id, raw.text));
    }
    Ok(out)
}

/// Reads a BEIR qrels file (`qrels/test.tsv`).
///
/// The first line must be exactly [`QRELS_HEADER`] (`query-id<TAB>corpus-id<TAB>score`):
/// BEIR skips the first line unconditionally, so a missing header would silently lose a
/// judgement there and is rejected here instead. Every other non-blank line is three
/// tab-separated fields: non-empty query id, non-empty document id, and a grade written as
/// ASCII digits (a non-negative integer that fits in `u32`). Fields are taken verbatim (no
/// trimming, no CSV quoting). Grade-0 rows are kept: they make the query judged (it is
/// evaluated and counts in the average) without making the document relevant. A repeated
/// `(query, doc)` pair with the same grade is accepted; with a different grade it is an
/// error (BEIR would silently keep the last one).
///
/// # Errors
/// I/O errors, a missing header, malformed rows, conflicting duplicates.
pub fn load_qrels(path: impl AsRef<Path>) -> Result<Qrels> {
    let path = path.as_ref();
    let mut lines = open(path)?;
    let mut qrels = Qrels::new();
    // (query, doc) → line of the first judgement, to report conflicts.
    let mut first_line: HashMap<(String, String), usize> = HashMap::new();
    let mut header_seen = false;
    while let Some(item) = lines.next_line() {
        let (number, line) = item?;
        if !header_seen {
            if line != QRELS_HEADER {
                return Err(Error::parse(
                    path,
                    number,
                    format!("expected the header {QRELS_HEADER:?}, found {line:?}"),
                ));
            }
            header_seen = true;
            continue;
        }
        if is_blank(line) {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [query, doc, score] = fields[..] else {
            return Err(Error::parse(
                path,
                number,
                format!(
                    "expected 3 tab-separated fields (query-id, corpus-id, score), found {}",
                    fields.len()
                ),
            ));
        };
        if query.is_empty() || doc.is_empty() {
            return Err(Error::parse(path, number, "empty query-id or corpus-id"));
        }
        let grade = parse_grade(score).map_err(|reason| Error::parse(path, number, reason))?;
        let judgments = qrels.entry(query.to_string()).or_default();
        match judgments.get(doc) {
            None => {
                judgments.insert(doc.to_string(), grade);
                first_line.insert((query.to_string(), doc.to_string()), number);
            }
            Some(&previous) if previous == grade => {}
            Some(&previous) => {
                let first = first_line
                    .get(&(query.to_string(), doc.to_string()))
                    .copied()
                    .unwrap_or(0);
                return Err(Error::parse(
                    path,
                    number,
                    format!(
                        "conflicting judgement for query {query:?}, document {doc:?}: \
                         score {grade} here, {previous} on line {first}"
                    ),
                ));
            }
        }
    }
    if !header_seen {
        return Err(Error::parse(
            path,
            1,
            format!("empty file: expected the header {QRELS_HEADER:?}"),
        ));
    }
    Ok(qrels)
}

fn parse_grade(score: &str) -> std::result::Result<u32, String> {
    if score.is_empty() || !score.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("score {score:?} is not a non-negative integer"));
    }
    score
        .parse::<u32>()
        .map_err(|_| format!("score {score:?} is too large"))
}

/// The queries BEIR evaluates: those with at least one qrels entry (of any grade, 0
/// included), **in the order of `queries`** (file order), texts cloned.
///
/// BEIR's `GenericDataLoader` does the same filtering (`{qid: queries[qid] for qid in
/// qrels}`, i.e. in qrels order); the order does not affect any metric. Judged queries that
/// have no text are not invented here: list them with [`judged_queries_without_text`].
pub fn judged_queries(queries: &[(String, String)], qrels: &Qrels) -> Vec<(String, String)> {
    queries
        .iter()
        .filter(|(id, _)| qrels.get(id).is_some_and(|j| !j.is_empty()))
        .cloned()
        .collect()
}

/// Ids of queries that have judgements but no entry in `queries`, in qrels (id) order.
/// BEIR would fail with a `KeyError` on such a dataset; [`crate::evaluate`] would score them
/// 0 (no run). Non-empty means the files do not belong together.
pub fn judged_queries_without_text(queries: &[(String, String)], qrels: &Qrels) -> Vec<String> {
    let known: std::collections::HashSet<&str> =
        queries.iter().map(|(id, _)| id.as_str()).collect();
    qrels
        .iter()
        .filter(|(id, judgments)| !judgments.is_empty() && !known.contains(id.as_str()))
        .map(|(id, _)| id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(content: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(content.as_bytes()).unwrap();
        f.flush().unwrap();
        f
    }

    #[test]
    fn corpus_titles_optional_metadata_ignored_blank_lines_skipped() {
        let f = file(concat!(
            r#"{"_id": "a", "title": "T", "text": "x", "metadata": {"k": [1, 2]}}"#,
            "\n\n",
            r#"{"_id": "b", "text": "y"}"#,
            "\r\n",
            r#"{"_id": "c", "title": null, "text": ""}"#,
        ));
        let docs: Vec<BeirDoc> = read_corpus(f.path()).unwrap().map(|d| d.unwrap()).collect();
        assert_eq!(
            docs,
            vec![
                BeirDoc {
                    id: "a".into(),
                    title: "T".into(),
                    text: "x".into()
                },
                BeirDoc {
                    id: "b".into(),
                    title: String::new(),
                    text: "y".into()
                },
                BeirDoc {
                    id: "c".into(),
                    title: String::new(),
                    text: String::new()
                },
            ]
        );
        assert_eq!(load_corpus(f.path()).unwrap(), docs);
    }

    #[test]
    fn corpus_errors_name_the_line_and_end_the_iteration() {
        let f = file("{\"_id\": \"a\", \"text\": \"x\"}\n{\"_id\": \"b\"}\n{\"_id\": \"c\", \"text\": \"z\"}\n");
        let items: Vec<_> = read_corpus(f.path()).unwrap().collect();
        assert_eq!(items.len(), 2, "an error ends the stream");
        let err = items[1].as_ref().unwrap_err();
        assert_eq!(err.line(), Some(2));
        assert!(err.to_string().contains("missing field `text`"), "{err}");

        for (bad, why) in [
            ("{\"_id\": \"\", \"text\": \"x\"}", "empty `_id`"),
            ("{\"_id\": 3, \"text\": \"x\"}", "invalid type"),
            ("not json", "invalid corpus record"),
        ] {
            let f = file(bad);
            let err = read_corpus(f.path()).unwrap().next().unwrap().unwrap_err();
            assert!(err.to_string().contains(why), "{bad}: {err}");
            assert_eq!(err.line(), Some(1));
        }
    }

    #[test]
    fn load_corpus_rejects_duplicate_ids() {
        let f = file("{\"_id\": \"a\", \"text\": \"x\"}\n\n{\"_id\": \"a\", \"text\": \"y\"}\n");
        let err = load_corpus(f.path()).unwrap_err();
        assert_eq!(err.line(), Some(3));
        assert!(err.to_string().contains("first on line 1"), "{err}");
    }

    #[test]
    fn missing_file_is_an_io_error_without_line() {
        let err = read_corpus("/nonexistent/corpus.jsonl").unwrap_err();
        assert!(matches!(err, Error::Io { line: None, .. }));
        assert!(
            err.to_string().starts_with("/nonexistent/corpus.jsonl: "),
            "{err}"
        );
    }

    #[test]
    fn queries_in_file_order_and_validated() {
        let f = file("{\"_id\": \"q2\", \"text\": \"b\", \"metadata\": {}}\n{\"_id\": \"q1\", \"text\": \"a\"}\n");
        assert_eq!(
            load_queries(f.path()).unwrap(),
            vec![("q2".into(), "b".into()), ("q1".into(), "a".into())]
        );
        let f = file("{\"_id\": \"q\", \"text\": \"a\"}\n{\"_id\": \"q\", \"text\": \"b\"}\n");
        let err = load_queries(f.path()).unwrap_err();
        assert_eq!(err.line(), Some(2));
        assert!(err.to_string().contains("duplicate query id"));
        let f = file("{\"_id\": \"q\"}\n");
        assert!(load_queries(f.path())
            .unwrap_err()
            .to_string()
            .contains("missing field `text`"));
    }

    #[test]
    fn qrels_graded_with_header_and_zero_grades() {
        let f =
            file("query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\r\n\nq2\td1\t1\nq1\td1\t2\n");
        let q = load_qrels(f.path()).unwrap();
        assert_eq!(q.len(), 2);
        assert_eq!(
            q["q1"],
            BTreeMap::from([("d1".into(), 2), ("d2".into(), 0)])
        );
        assert_eq!(q["q2"], BTreeMap::from([("d1".into(), 1)]));
    }

    #[test]
    fn qrels_errors() {
        let cases = [
            ("q1\td1\t1\n", 1, "expected the header"),
            ("", 1, "empty file"),
            ("query-id\tcorpus-id\tscore\nq1\td1\n", 2, "found 2"),
            ("query-id\tcorpus-id\tscore\nq1 d1 1\n", 2, "found 1"),
            ("query-id\tcorpus-id\tscore\nq1\td1\t1\t9\n", 2, "found 4"),
            (
                "query-id\tcorpus-id\tscore\nq1\td1\t-1\n",
                2,
                "not a non-negative integer",
            ),
            (
                "query-id\tcorpus-id\tscore\nq1\td1\t1.5\n",
                2,
                "not a non-negative integer",
            ),
            (
                "query-id\tcorpus-id\tscore\nq1\td1\t+1\n",
                2,
                "not a non-negative integer",
            ),
            (
                "query-id\tcorpus-id\tscore\nq1\td1\t99999999999\n",
                2,
                "too large",
            ),
            ("query-id\tcorpus-id\tscore\n\td1\t1\n", 2, "empty query-id"),
            (
                "query-id\tcorpus-id\tscore\nq1\td1\t1\n\nq1\td1\t2\n",
                4,
                "on line 2",
            ),
        ];
        for (content, line, why) in cases {
            let f = file(content);
            let err = load_qrels(f.path()).unwrap_err();
            assert_eq!(err.line(), Some(line), "{content:?}: {err}");
            assert!(err.to_string().contains(why), "{content:?}: {err}");
        }
    }

    #[test]
    fn judged_queries_keep_file_order_and_need_one_entry() {
        let queries: Vec<(String, String)> = [("q3", "c"), ("q1", "a"), ("q2", "b"), ("q4", "d")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let mut qrels = Qrels::new();
        qrels.insert("q1".into(), BTreeMap::from([("d".into(), 0)]));
        qrels.insert("q3".into(), BTreeMap::from([("d".into(), 1)]));
        qrels.insert("q4".into(), BTreeMap::new()); // an empty map is not a judgement
        qrels.insert("q9".into(), BTreeMap::from([("d".into(), 1)]));
        assert_eq!(
            judged_queries(&queries, &qrels),
            vec![
                ("q3".to_string(), "c".to_string()),
                ("q1".to_string(), "a".to_string())
            ]
        );
        assert_eq!(
            judged_queries_without_text(&queries, &qrels),
            vec!["q9".to_string()]
        );
    }

    #[test]
    fn beir_paths_layout() {
        let p = BeirPaths::in_dir("/d", "test");
        assert_eq!(p.corpus, Path::new("/d/corpus.jsonl"));
        assert_eq!(p.queries, Path::new("/d/queries.jsonl"));
        assert_eq!(p.qrels, Path::new("/d/qrels/test.tsv"));
    }
}
