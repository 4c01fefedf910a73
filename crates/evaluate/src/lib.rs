//! Standard information-retrieval evaluation for priors: BEIR dataset loading and the
//! trec_eval / pytrec_eval / BEIR metric definitions, as pure functions.
//!
//! This crate knows nothing about Qdrant, Tantivy or embeddings. A caller loads a BEIR
//! dataset, runs its own engine over the judged queries, and hands this crate one ranked
//! list of document ids per query.
//!
//! ```
//! use std::collections::BTreeMap;
//! use priors_evaluate::{evaluate, rank_like_trec_eval, Qrels};
//!
//! let mut qrels = Qrels::new();
//! qrels.entry("q1".into()).or_default().insert("d2".into(), 2);
//! let scored = [("d1", 0.3_f32), ("d2", 0.9)];
//! let runs = BTreeMap::from([("q1".to_string(), rank_like_trec_eval(&scored))]);
//! let report = evaluate(&runs, &qrels, &[1, 10]);
//! assert_eq!(report.ndcg_at_10, 1.0);
//! assert_eq!(report.queries, 1);
//! ```
//!
//! # BEIR layout and loading ([`beir`])
//!
//! A BEIR dataset directory ([`BeirPaths::in_dir`]) holds:
//! - `corpus.jsonl`: one JSON object per line, `{"_id": str, "title": str, "text": str,
//!   "metadata": {...}}`; `title` may be missing, `null` or empty, other fields are ignored.
//!   [`read_corpus`] streams it as [`BeirDoc`]s (memory is bounded per line by
//!   [`MAX_LINE_BYTES`]); [`load_corpus`] collects it and rejects duplicate ids.
//! - `queries.jsonl`: `{"_id": str, "text": str}` per line; [`load_queries`] returns
//!   `(id, text)` pairs in file order.
//! - `qrels/<split>.tsv`: the header `query-id<TAB>corpus-id<TAB>score`, then one graded
//!   judgement per line (integer grade ≥ 0); [`load_qrels`] returns a [`Qrels`] map.
//!
//! BEIR evaluates only the queries that appear in the qrels; [`judged_queries`] applies that
//! filter (keeping file order) and [`judged_queries_without_text`] reports qrels entries
//! that have no query text. Every loading error is an [`Error`] naming file, line and
//! reason.
//!
//! # Metric definitions ([`metrics`])
//!
//! For one query with judgements `rel(d)` (unjudged → 0; *relevant* ⇔ `rel(d) ≥ 1`, i.e.
//! trec_eval's default `relevance_level` 1) and a ranked list `d_1, d_2, …`:
//!
//! | function | definition | reference |
//! |---|---|---|
//! | [`ndcg_at_k`] | `DCG@k / IDCG@k`, `DCG@k = Σ_{i≤k} rel(d_i) / log2(i+1)` (linear gain); `IDCG@k` = the same sum over all judged grades sorted descending, cut at `k`; 0 if `IDCG = 0` | trec_eval `ndcg_cut.k`, BEIR `NDCG@k` |
//! | [`recall_at_k`] | `|relevant ∩ top k| / |relevant|`, 0 if nothing is relevant | trec_eval `recall.k`, BEIR `Recall@k` |
//! | [`precision_at_k`] | `|relevant ∩ top k| / k` (always `k`, even if fewer were retrieved) | trec_eval `P.k`, BEIR `P@k` |
//! | [`mrr_at_k`] | `1 / rank` of the first relevant document within the top `k`, else 0 | BEIR `MRR@k` (custom metric) |
//!
//! Conventions: lists shorter than `k` behave as if padded with non-relevant documents;
//! grade-0 judgements are non-relevant and add nothing to IDCG; a query with no relevant
//! document scores 0 on every metric; a repeated id earns credit only at its first rank;
//! `k = 0` gives 0. Every value lies in `[0, 1]`.
//!
//! # Ties: trec_eval re-ranks by score, then by id *descending*
//!
//! trec_eval (and pytrec_eval, and therefore BEIR's nDCG/recall/precision) ignores the order
//! in which a run lists documents: it sorts each query's results by score descending and
//! breaks exact ties by document id in **descending** byte order (`comp_sim_docno` in
//! `form_res_rels.c` returns `strcmp(b, a)`). So with `d1` and `d2` tied, trec_eval ranks
//! `d2` first. The priors engines break ties by id **ascending**, which can give a
//! different score on the same run. The metric functions therefore take an already-ranked
//! list and stay engine-agnostic; [`rank_like_trec_eval`] reproduces trec_eval's order and
//! [`rank_ties_by_id_ascending`] the engines'. Ids compare as byte strings (`"10" < "9"`).
//! Scores compare as `f64`; trec_eval releases up to 9.0.7 stored scores as `float`, so
//! scores equal after rounding to `f32` also tied there. BEIR's own MRR is different again:
//! it uses Python's stable `sorted` on score alone, so its ties keep the run's insertion
//! order.
//!
//! # Aggregation and the CLI contract ([`evaluate`], [`Report`])
//!
//! [`evaluate`] averages over every query that has at least one judgement in the qrels. A
//! judged query with no run scores 0 everywhere (counted in
//! [`Report::queries_without_run`]); a query judged only with grade 0 is averaged in with 0,
//! as pytrec_eval scores it 0 and BEIR averages it in; runs for unjudged queries are ignored.
//! The serialized [`Report`] always carries the keys **`"ndcg@10"`, `"recall@100"`,
//! `"mrr@10"` and `"queries"`**: `priors eval beir` prints them and scripts read them, so
//! they are a contract. Other cut-offs go in `"metrics"`, keyed `"ndcg@k"`, `"recall@k"`,
//! `"precision@k"`, `"mrr@k"` ([`BEIR_KS`] are BEIR's defaults).
//!
//! Differences from running BEIR's Python, none of which matter on SciFact:
//! - BEIR rounds means to 5 decimals; this crate does not round.
//! - BEIR's `ignore_identical_ids=True` drops a retrieved document whose id equals the query
//!   id (it matters on ArguAna and Quora, where queries are also documents). This crate does
//!   not; filter runs first if needed. No SciFact query id is also a corpus id.
//! - BEIR retrieves `max(k_values) = 1000` documents per query; recall@100 needs runs at
//!   least 100 deep.
//!
//! # Latency percentiles
//!
//! [`nearest_rank`] is the one percentile definition of the workspace (nearest rank: always
//! one of the samples): `priors eval beir` uses it for its per-query latency and the
//! benchmark harness for every latency it reports.
//!
//! # Reference numbers
//!
//! `/work/shared/datasets/scifact` (BEIR's SciFact test split: 5,183 abstracts, 300 claims,
//! 339 judgements, all of grade 1, so every query is judged) publishes nDCG@10 of **0.665**
//! for BM25 (Elasticsearch, BEIR paper, Table 3), **0.645** for all-MiniLM-L6-v2 and
//! **0.713** for bge-small-en-v1.5 (MTEB). `tests/fixtures/beir-mini` at the workspace root
//! is a 12-document BEIR-format fixture whose README hand-computes the metrics of two
//! example runs; this crate's tests check the code against those hand-computed numbers.

#![warn(missing_docs, unreachable_pub)]

pub mod beir;
mod error;
mod latency;
mod lines;
pub mod metrics;
mod rank;
mod report;

pub use beir::{
    judged_queries, judged_queries_without_text, load_corpus, load_qrels, load_queries,
    read_corpus, BeirDoc, BeirPaths, CorpusReader, Qrels, MAX_LINE_BYTES, QRELS_HEADER,
};
pub use error::{Error, Result};
pub use latency::nearest_rank;
pub use metrics::{mrr_at_k, ndcg_at_k, precision_at_k, recall_at_k};
pub use rank::{rank_like_trec_eval, rank_ties_by_id_ascending};
pub use report::{evaluate, Report, BEIR_KS};
