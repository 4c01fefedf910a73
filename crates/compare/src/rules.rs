//! The decisions: lesion status, Deauville score, Lugano 2014 and PERCIST-style response.
//!
//! Percentages are decided on SUVmax in tenths with integer arithmetic (a 30.0 % fall is
//! `current × 10 ≤ prior × 7`), so a threshold never moves with floating-point rounding.

use crate::model::Status;

/// Guideline passage ids the rules cite (all in `data-samples/guidelines/passages.jsonl`).
pub mod ids {
    /// Deauville scores 1–5.
    pub const DS: [&str; 5] = [
        "deauville-1",
        "deauville-2",
        "deauville-3",
        "deauville-4",
        "deauville-5",
    ];
    /// Deauville references.
    pub const DS_OVERVIEW: &str = "deauville-overview";
    /// Lugano complete metabolic response.
    pub const LUGANO_CMR: &str = "lugano2014-response-cmr";
    /// Lugano partial metabolic response.
    pub const LUGANO_PMR: &str = "lugano2014-response-pmr";
    /// Lugano no metabolic response.
    pub const LUGANO_NMR: &str = "lugano2014-response-nmr";
    /// Lugano progressive metabolic disease.
    pub const LUGANO_PMD: &str = "lugano2014-response-pmd";
    /// PERCIST measurement (SULpeak) — cited where SUVmax stands in for it.
    pub const PERCIST_MEASURE: &str = "percist10-measurement";
    /// PERCIST complete metabolic response.
    pub const PERCIST_CMR: &str = "percist10-cmr";
    /// PERCIST partial metabolic response.
    pub const PERCIST_PMR: &str = "percist10-pmr";
    /// PERCIST stable metabolic disease.
    pub const PERCIST_SMD: &str = "percist10-smd";
    /// PERCIST progressive metabolic disease.
    pub const PERCIST_PMD: &str = "percist10-pmd";
    /// Every id above.
    pub const ALL: &[&str] = &[
        DS[0],
        DS[1],
        DS[2],
        DS[3],
        DS[4],
        DS_OVERVIEW,
        LUGANO_CMR,
        LUGANO_PMR,
        LUGANO_NMR,
        LUGANO_PMD,
        PERCIST_MEASURE,
        PERCIST_CMR,
        PERCIST_PMR,
        PERCIST_SMD,
        PERCIST_PMD,
    ];
}

/// A value in tenths (SUVmax and millimetres are reported to one decimal).
pub(crate) fn tenths(x: f32) -> i64 {
    (f64::from(x) * 10.0).round() as i64
}

/// Direction of a change by the ±30 % rule (inclusive), from `prior` to `current`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Down,
    Same,
    Up,
}

/// The ±30 % rule on two values (`prior` > 0).
pub(crate) fn change(prior: f32, current: f32) -> Option<Change> {
    let (p, c) = (tenths(prior), tenths(current));
    if p <= 0 {
        return None;
    }
    Some(if c * 10 <= p * 7 {
        Change::Down
    } else if c * 10 >= p * 13 {
        Change::Up
    } else {
        Change::Same
    })
}

/// Percent change, one decimal.
pub(crate) fn pct(prior: f32, current: f32) -> Option<f32> {
    let (p, c) = (tenths(prior), tenths(current));
    if p <= 0 {
        return None;
    }
    let v = ((c - p) as f64 * 1000.0 / p as f64).round() / 10.0;
    Some(v as f32)
}

/// The status of a matched lesion: SUVmax first, size when neither study gives SUVmax.
pub(crate) fn status(
    prior_suv: Option<f32>,
    current_suv: Option<f32>,
    prior_size: Option<f32>,
    current_size: Option<f32>,
) -> Status {
    let by = |a: Option<f32>, b: Option<f32>| match (a, b) {
        (Some(a), Some(b)) => change(a, b),
        _ => None,
    };
    match by(prior_suv, current_suv).or_else(|| {
        (prior_suv.is_none() || current_suv.is_none())
            .then(|| by(prior_size, current_size))
            .flatten()
    }) {
        Some(Change::Down) => Status::Decreased,
        Some(Change::Up) => Status::Increased,
        Some(Change::Same) => Status::Stable,
        None => Status::Indeterminate,
    }
}

/// The Deauville score of the hottest current lesion `h` against the current study's own
/// references: 2 at or below blood pool, 3 above blood pool and at or below liver, 4 above
/// liver, 5 above twice the liver ("markedly higher", the lower end of Lugano's 2–3×).
/// Returns the score range the references allow (one value when both are known).
pub(crate) fn deauville(h: f32, liver: Option<f32>, pool: Option<f32>) -> Option<(u8, u8)> {
    let h = tenths(h);
    let liver = liver.map(tenths);
    let pool = pool.map(tenths);
    if pool.is_some_and(|p| h <= p) {
        return Some((2, 2));
    }
    let l = liver?;
    Some(if h <= l {
        if pool.is_some() {
            (3, 3)
        } else {
            (2, 3)
        }
    } else if h > 2 * l {
        (5, 5)
    } else {
        (4, 4)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_percent_is_inclusive_and_exact() {
        // -30.0 % and +30.0 % change the class; -29.9 % and +29.9 % do not.
        assert_eq!(change(10.0, 7.0), Some(Change::Down));
        assert_eq!(change(10.0, 7.01), Some(Change::Down)); // rounds to 7.0
        assert_eq!(change(100.0, 70.1), Some(Change::Same)); // -29.9 %
        assert_eq!(change(10.0, 13.0), Some(Change::Up));
        assert_eq!(change(100.0, 129.9), Some(Change::Same));
        assert_eq!(change(0.0, 3.0), None);
        assert_eq!(pct(13.3, 2.0), Some(-85.0));
        assert_eq!(pct(10.0, 7.0), Some(-30.0));
    }

    #[test]
    fn deauville_boundaries() {
        assert_eq!(deauville(2.1, Some(2.8), Some(2.1)), Some((2, 2)));
        assert_eq!(deauville(2.2, Some(2.8), Some(2.1)), Some((3, 3)));
        assert_eq!(deauville(2.8, Some(2.8), Some(2.1)), Some((3, 3)));
        assert_eq!(deauville(2.9, Some(2.8), Some(2.1)), Some((4, 4)));
        assert_eq!(deauville(5.6, Some(2.8), Some(2.1)), Some((4, 4)));
        assert_eq!(deauville(5.7, Some(2.8), Some(2.1)), Some((5, 5)));
        assert_eq!(deauville(2.5, Some(2.8), None), Some((2, 3)));
        assert_eq!(deauville(4.0, None, Some(2.1)), None);
        assert_eq!(deauville(1.9, None, Some(2.1)), Some((2, 2)));
    }

    #[test]
    fn status_by_suv_then_size() {
        assert_eq!(status(Some(13.3), Some(2.0), None, None), Status::Decreased);
        assert_eq!(status(Some(4.7), Some(4.7), None, None), Status::Stable);
        assert_eq!(
            status(None, None, Some(20.0), Some(30.0)),
            Status::Increased
        );
        assert_eq!(status(Some(5.0), None, None, None), Status::Indeterminate);
    }
}
