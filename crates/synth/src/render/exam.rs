//! What one examination being written is, and the extra findings lines added to it.

use chrono::NaiveDate;

use crate::model::{Outcome, Region, Step};

/// One examination being written.
pub(crate) struct Exam<'a> {
    /// Position in the patient's course (0 = first).
    pub(crate) k: usize,
    pub(crate) step: &'a Step,
    pub(crate) date: NaiveDate,
    pub(crate) prev_date: Option<NaiveDate>,
    pub(crate) first_date: NaiveDate,
    pub(crate) age: u32,
    pub(crate) outcome: &'a Outcome,
}

/// Findings lines added for one examination: region, text, sites they explain (so that no
/// negation contradicts them).
pub(super) type Extra = (Region, String, Vec<&'static str>);
