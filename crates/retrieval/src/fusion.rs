//! Reciprocal rank fusion: pure, order-independent, deterministic.
//!
//! `score(d) = Σ_lists w_l / (k + rank_l(d))`, ranks from 1. Ties are broken by id ascending,
//! so the output depends only on the ranked lists, never on hash-map order or on the order in
//! which the lists are given.

use std::collections::BTreeMap;

/// One fused entry: the id, its fused score and its 1-based rank in each input list.
#[derive(Debug, Clone, PartialEq)]
pub struct Fused<Id> {
    /// The item.
    pub id: Id,
    /// Fused score.
    pub score: f64,
    /// Rank in each input list (same order as the lists), `None` where absent.
    pub ranks: Vec<Option<usize>>,
}

/// Fuse ranked lists with weights (`weights[i]` for `lists[i]`; plain RRF is all 1.0).
///
/// An id repeated within one list counts once, at its best rank.
pub fn rrf<Id: Ord + Clone>(lists: &[&[Id]], weights: &[f64], k: f64) -> Vec<Fused<Id>> {
    assert_eq!(lists.len(), weights.len(), "one weight per list");
    let mut acc: BTreeMap<Id, Vec<Option<usize>>> = BTreeMap::new();
    for (l, list) in lists.iter().enumerate() {
        for (i, id) in list.iter().enumerate() {
            let ranks = acc
                .entry(id.clone())
                .or_insert_with(|| vec![None; lists.len()]);
            if ranks[l].is_none() {
                ranks[l] = Some(i + 1);
            }
        }
    }
    let mut out: Vec<Fused<Id>> = acc
        .into_iter()
        .map(|(id, ranks)| {
            // Sum in list order: f64 addition of the same terms in the same order is exact
            // to reproduce.
            let score = ranks
                .iter()
                .zip(weights)
                .filter_map(|(r, w)| r.map(|r| w / (k + r as f64)))
                .sum();
            Fused { id, score, ranks }
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values_and_tie_break() {
        let a = ["x", "y", "z"];
        let b = ["y", "x", "w"];
        let f = rrf(&[&a, &b], &[1.0, 1.0], 60.0);
        // x: 1/61 + 1/62, y: 1/62 + 1/61 -> tie, broken by id: x before y.
        assert_eq!(f[0].id, "x");
        assert_eq!(f[1].id, "y");
        assert!((f[0].score - (1.0 / 61.0 + 1.0 / 62.0)).abs() < 1e-15);
        assert_eq!(f[0].ranks, vec![Some(1), Some(2)]);
        // z (rank 3 in a) and w (rank 3 in b) tie: w before z.
        assert_eq!(f[2].id, "w");
        assert_eq!(f[2].ranks, vec![None, Some(3)]);
        assert_eq!(f[3].id, "z");
    }

    #[test]
    fn weights_shift_the_balance() {
        let a = ["a"];
        let b = ["b"];
        let f = rrf(&[&a, &b], &[1.0, 2.0], 60.0);
        assert_eq!(f[0].id, "b");
    }

    proptest! {
        #[test]
        fn independent_of_list_order_and_deterministic(
            a in proptest::collection::vec(0u16..50, 0..40),
            b in proptest::collection::vec(0u16..50, 0..40),
        ) {
            let ab = rrf(&[&a, &b], &[1.0, 1.0], 60.0);
            let ba = rrf(&[&b, &a], &[1.0, 1.0], 60.0);
            let ids_ab: Vec<_> = ab.iter().map(|f| (f.id, f.score.to_bits())).collect();
            let ids_ba: Vec<_> = ba.iter().map(|f| (f.id, f.score.to_bits())).collect();
            // Equal weights: swapping the lists gives the same ranking and the same scores
            // (the two terms are added in the other order, which can differ in the last bit,
            // so compare ids and scores with a tolerance).
            prop_assert_eq!(ids_ab.iter().map(|x| x.0).collect::<Vec<_>>(),
                            ids_ba.iter().map(|x| x.0).collect::<Vec<_>>());
            for (x, y) in ab.iter().zip(&ba) {
                prop_assert!((x.score - y.score).abs() < 1e-12);
            }
            prop_assert_eq!(rrf(&[&a, &b], &[1.0, 1.0], 60.0), ab.clone());
            // Scores never increase down the list; ties are in id order.
            for w in ab.windows(2) {
                prop_assert!(w[0].score > w[1].score || (w[0].score == w[1].score && w[0].id < w[1].id));
            }
        }
    }
}
