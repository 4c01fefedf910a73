//! Turning scored runs into ranked lists, with explicit tie-breaking.
//!
//! trec_eval (and therefore pytrec_eval and BEIR's nDCG/recall/precision) **ignores the order
//! in which a run lists its documents**: it re-sorts every query's results by score
//! descending and breaks exact score ties by document id in *descending* byte order
//! (`strcmp(b, a)` in `comp_sim_docno`, `form_res_rels.c`). The priors engines break ties by
//! id *ascending*. Both rules are provided so a caller can reproduce either exactly; the
//! metric functions themselves take an already-ranked list and never look at scores.

use std::cmp::Ordering;

/// Score order, best first: higher scores first; equal scores (with `-0.0 == 0.0`, as C's
/// `<`/`>` see them) compare `Equal`; NaN ranks after every number and equal to NaN.
///
/// trec_eval's comparator treats NaN as equal to everything, which is not a consistent
/// order (qsort's output is then unspecified); putting NaN last is a deterministic choice.
fn by_score_desc(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => b.partial_cmp(&a).unwrap_or(Ordering::Equal),
    }
}

fn rank_with<D, S>(run: &[(D, S)], tie: impl Fn(&str, &str) -> Ordering) -> Vec<String>
where
    D: AsRef<str>,
    S: Into<f64> + Copy,
{
    let mut order: Vec<(&str, f64)> = run.iter().map(|(d, s)| (d.as_ref(), (*s).into())).collect();
    // Stable sort: only entries equal in score *and* id (repeats) keep their input order.
    order.sort_by(|a, b| by_score_desc(a.1, b.1).then_with(|| tie(a.0, b.0)));
    order.into_iter().map(|(d, _)| d.to_string()).collect()
}

/// Ranks a scored run exactly as trec_eval does: score descending, ties broken by document id
/// **descending** (byte-wise, like C `strcmp`, which is Rust's `str` order).
///
/// Example: `[("d1", 0.5), ("d2", 0.5), ("d0", 0.9)]` → `["d0", "d2", "d1"]`.
///
/// Scores are compared as `f64` (current trec_eval stores `double`; releases up to 9.0.7
/// stored `float`, so there two scores equal after rounding to `f32` also tie; round
/// to `f32` first to reproduce those). NaN ranks last. Repeated ids are kept (trec_eval
/// rejects a run with repeats; the metric functions credit only the first occurrence).
pub fn rank_like_trec_eval<D, S>(run: &[(D, S)]) -> Vec<String>
where
    D: AsRef<str>,
    S: Into<f64> + Copy,
{
    rank_with(run, |a, b| b.cmp(a))
}

/// Ranks a scored run as the priors engines do: score descending, ties broken by document
/// id **ascending** (byte-wise). Otherwise identical to [`rank_like_trec_eval`].
///
/// Example: `[("d1", 0.5), ("d2", 0.5), ("d0", 0.9)]` → `["d0", "d1", "d2"]`.
pub fn rank_ties_by_id_ascending<D, S>(run: &[(D, S)]) -> Vec<String>
where
    D: AsRef<str>,
    S: Into<f64> + Copy,
{
    rank_with(run, |a, b| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_descending_for_trec_eval_ascending_for_engine() {
        let run = [("d1", 0.5), ("d2", 0.5), ("d0", 0.9), ("d10", 0.5)];
        // Byte order: "d1" < "d10" < "d2".
        assert_eq!(rank_like_trec_eval(&run), ["d0", "d2", "d10", "d1"]);
        assert_eq!(rank_ties_by_id_ascending(&run), ["d0", "d1", "d10", "d2"]);
    }

    #[test]
    fn input_order_is_irrelevant_and_f32_scores_work() {
        let a: [(String, f32); 3] = [("b".into(), 1.0), ("a".into(), 1.0), ("c".into(), 2.0)];
        let b: [(String, f32); 3] = [("a".into(), 1.0), ("c".into(), 2.0), ("b".into(), 1.0)];
        assert_eq!(rank_like_trec_eval(&a), rank_like_trec_eval(&b));
        assert_eq!(rank_like_trec_eval(&a), ["c", "b", "a"]);
    }

    #[test]
    fn byte_order_not_numeric_order() {
        // trec_eval compares ids as strings: "9" > "10" because '9' > '1'.
        let run = [("10", 1.0), ("9", 1.0)];
        assert_eq!(rank_like_trec_eval(&run), ["9", "10"]);
        assert_eq!(rank_ties_by_id_ascending(&run), ["10", "9"]);
    }

    #[test]
    fn nan_last_and_signed_zero_ties() {
        let run = [("a", f64::NAN), ("b", -1.0), ("c", 0.0), ("d", -0.0)];
        assert_eq!(rank_like_trec_eval(&run), ["d", "c", "b", "a"]);
        assert_eq!(rank_ties_by_id_ascending(&run), ["c", "d", "b", "a"]);
        let empty: [(&str, f64); 0] = [];
        assert!(rank_like_trec_eval(&empty).is_empty());
    }
}
