//! Nearest-rank percentiles of latency samples: the one definition the benchmark harness and
//! `priors eval beir` share.

/// The `p`-th percentile (`0 < p ≤ 100`) of `sorted` (ascending) by the nearest-rank
/// method: the value at rank `⌈p/100 · n⌉` (1-based, at least 1), so it is always one of the
/// samples, never an interpolation. `None` when there is no sample.
///
/// ```
/// let ms = [1.0, 2.0, 3.0, 4.0];
/// assert_eq!(priors_evaluate::nearest_rank(&ms, 50.0), Some(2.0));
/// assert_eq!(priors_evaluate::nearest_rank(&ms, 99.0), Some(4.0));
/// ```
pub fn nearest_rank(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::nearest_rank;

    #[test]
    fn nearest_rank_percentiles() {
        // 1..=200: p50 is the 100th value, p99 the 198th, p100 the last.
        let s: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(nearest_rank(&s, 50.0), Some(100.0));
        assert_eq!(nearest_rank(&s, 99.0), Some(198.0));
        assert_eq!(nearest_rank(&s, 100.0), Some(200.0));
        // 300 samples (SciFact's judged queries): p99 is the 297th.
        let s: Vec<f64> = (1..=300).map(f64::from).collect();
        assert_eq!(nearest_rank(&s, 99.0), Some(297.0));
        assert_eq!(nearest_rank(&s, 50.0), Some(150.0));
        // One sample is every percentile; a tiny p takes the first.
        assert_eq!(nearest_rank(&[7.0], 50.0), Some(7.0));
        assert_eq!(nearest_rank(&s, 0.01), Some(1.0));
        assert_eq!(nearest_rank(&[], 50.0), None);
    }
}
