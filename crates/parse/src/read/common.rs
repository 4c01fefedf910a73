//! Helpers every reader uses: JSON type names for error messages and the `YYYY-MM-DD` date
//! check. Kept apart so that the readers (`jsonl`, `fhir`, `text`) depend on this module and
//! never on each other's helpers.

use crate::error::RecordError;
use chrono::NaiveDate;
use serde_json::Value;

/// The JSON type of `v` as an error message names it (`a string`, `an object`, `null`…).
pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parse `YYYY-MM-DD`; the error names `field` and uses chrono's wording.
pub(super) fn parse_date(field: &str, s: &str) -> Result<NaiveDate, RecordError> {
    let shape_ok = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) if shape_ok => Ok(d),
        Ok(_) => Err(RecordError::invalid(
            field,
            format!("`{s}` is not in yyyy-mm-dd form"),
        )),
        Err(e) => Err(RecordError::invalid(field, e)),
    }
}
