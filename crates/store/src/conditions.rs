//! One compilation of a [`SearchFilter`] into Qdrant conditions, for both dense backends: the
//! embedded engine's types and the client's differ, so each backend supplies the three
//! constructors ([`Conditions`]) and [`compile`] decides what the filter means, once.

use crate::schema::keys;
use priors_core::filter::epoch_day;
use priors_core::SearchFilter;

/// How one backend builds a Qdrant filter.
pub(crate) trait Conditions {
    /// One condition.
    type Condition;
    /// A whole filter.
    type Filter;
    /// The keyword field `key` equals one of `values`.
    fn any_of(key: &str, values: &[String]) -> Self::Condition;
    /// The integer field `key` lies in `[gte, lte]` (open where `None`).
    fn range(key: &str, gte: Option<f64>, lte: Option<f64>) -> Self::Condition;
    /// All of `must`, none of `must_not`.
    fn filter(must: Vec<Self::Condition>, must_not: Vec<Self::Condition>) -> Self::Filter;
}

/// The filter as conditions on the indexed payload fields (keyword matches, an integer range
/// on the exam day, id sets), evaluated by the engine during the search; `None` when the
/// filter is empty.
pub(crate) fn compile<C: Conditions>(filter: &SearchFilter) -> Option<C::Filter> {
    if filter.is_empty() {
        return None;
    }
    let one = |key: &str, v: &str| C::any_of(key, &[v.to_string()]);
    let mut must = Vec::new();
    let mut must_not = Vec::new();
    if let Some(v) = &filter.tracer {
        must.push(one(keys::TRACER, v));
    }
    if let Some(v) = &filter.modality {
        must.push(one(keys::MODALITY, v));
    }
    if let Some(v) = &filter.cancer_type {
        must.push(one(keys::CANCER_TYPE, v));
    }
    if let Some(v) = filter.section {
        must.push(one(keys::SECTION, v.as_str()));
    }
    if filter.since.is_some() || filter.until.is_some() {
        must.push(C::range(
            keys::EXAM_DAY,
            filter.since.map(|d| epoch_day(d) as f64),
            filter.until.map(|d| epoch_day(d) as f64),
        ));
    }
    if !filter.patients.is_empty() {
        must.push(C::any_of(keys::PATIENT_ID, &filter.patients));
    }
    if !filter.reports.is_empty() {
        must.push(C::any_of(keys::REPORT_ID, &filter.reports));
    }
    if !filter.exclude_patients.is_empty() {
        must_not.push(C::any_of(keys::PATIENT_ID, &filter.exclude_patients));
    }
    if !filter.exclude_reports.is_empty() {
        must_not.push(C::any_of(keys::REPORT_ID, &filter.exclude_reports));
    }
    Some(C::filter(must, must_not))
}
