//! JSONL / NDJSON: one record per line, streamed with a bounded line buffer.

use super::common::{parse_date, type_name};
use super::{fhir, Limits};
use crate::error::{json_error_core, utf8_message, RecordError};
use crate::validate::validate;
use priors_core::{Labels, ReportRecord};
use serde_json::{Map, Value};
use std::io::BufRead;

pub(super) struct JsonlState {
    reader: Box<dyn BufRead + Send>,
    buf: Vec<u8>,
    line: usize,
    record: usize,
    done: bool,
}

/// One physical line.
enum Line {
    /// The bytes, without the line terminator.
    Data,
    /// Longer than the cap: skipped; total length without the terminator.
    TooLong(usize),
}

impl JsonlState {
    pub(super) fn new(reader: Box<dyn BufRead + Send>) -> Self {
        JsonlState {
            reader,
            buf: Vec::new(),
            line: 0,
            record: 0,
            done: false,
        }
    }

    /// The next `(line, record, result)`, skipping blank lines.
    pub(super) fn next(
        &mut self,
        limits: &Limits,
    ) -> Option<(usize, usize, Result<ReportRecord, RecordError>)> {
        loop {
            if self.done {
                return None;
            }
            let cap = limits.max_line_bytes();
            let line = match read_line(&mut *self.reader, &mut self.buf, cap) {
                Ok(Some(line)) => line,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    self.record += 1;
                    return Some((self.line + 1, self.record, Err(RecordError::io(&e))));
                }
            };
            self.line += 1;
            if self.line == 1 && self.buf.starts_with(b"\xEF\xBB\xBF") {
                self.buf.drain(..3);
            }
            if let Line::Data = line {
                if self.buf.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
            }
            self.record += 1;
            let result = match line {
                Line::TooLong(len) => Err(RecordError::oversized("line", len, cap)),
                Line::Data => parse_line(&self.buf, limits),
            };
            return Some((self.line, self.record, result));
        }
    }
}

/// Read one line into `buf` (cleared first), keeping at most `cap` bytes. `None` at end of
/// input. A trailing `\r` is removed.
fn read_line(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<Option<Line>> {
    buf.clear();
    let mut total = 0usize;
    let mut too_long = false;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let (chunk, found) = match available.iter().position(|&b| b == b'\n') {
            Some(p) => (&available[..p], true),
            None => (available, false),
        };
        total = total.saturating_add(chunk.len());
        if !too_long {
            if buf.len() + chunk.len() > cap {
                too_long = true;
                buf.clear();
                buf.shrink_to(cap.min(64 * 1024));
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        let used = chunk.len() + usize::from(found);
        reader.consume(used);
        if found {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if too_long {
        return Ok(Some(Line::TooLong(total)));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(Line::Data))
}

fn parse_line(bytes: &[u8], limits: &Limits) -> Result<ReportRecord, RecordError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| RecordError::invalid_utf8(utf8_message("line", &e)))?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        RecordError::malformed_json(format!("{} at column {}", json_error_core(&e), e.column()))
    })?;
    let Value::Object(map) = value else {
        return Err(RecordError::malformed_json(format!(
            "expected a json object, found {}",
            type_name(&value)
        )));
    };
    if map.contains_key("resourceType") {
        return fhir::diagnostic_report(&Value::Object(map), limits);
    }
    let record = record_from_map(map)?;
    validate(&record, limits)?;
    Ok(record)
}

/// Build a [`ReportRecord`] from a JSON object with field-specific errors. `null` counts as
/// absent; unknown fields are ignored.
fn record_from_map(mut map: Map<String, Value>) -> Result<ReportRecord, RecordError> {
    const REQUIRED: [&str; 4] = ["report_id", "patient_id", "exam_date", "text"];
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|k| map.get(*k).is_none_or(Value::is_null))
        .collect();
    if !missing.is_empty() {
        return Err(RecordError::missing_fields(&missing));
    }
    let mut string = |key: &str| -> Result<Option<String>, RecordError> {
        match map.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(RecordError::invalid(
                key,
                format!("expected a string, found {}", type_name(&other)),
            )),
        }
    };
    let report_id = string("report_id")?.unwrap_or_default();
    let patient_id = string("patient_id")?.unwrap_or_default();
    let exam_date = string("exam_date")?.unwrap_or_default();
    let text = string("text")?.unwrap_or_default();
    let modality = string("modality")?;
    let tracer = string("tracer")?;
    let exam_date = parse_date("exam_date", &exam_date)?;
    let labels = match map.remove("labels") {
        None | Some(Value::Null) => None,
        Some(v) => Some(serde_json::from_value::<Labels>(v).map_err(|e| {
            RecordError::invalid("labels", crate::error::lowercase_first(&e.to_string()))
        })?),
    };
    Ok(ReportRecord {
        report_id,
        patient_id,
        exam_date,
        modality,
        tracer,
        text,
        labels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RecordErrorKind::{self, *};
    use crate::read::RecordIter;
    use std::io::Cursor;

    const GOOD: &str = r#"{"report_id":"SYN-R-1","patient_id":"SYN-P-1","exam_date":"2024-02-29","tracer":"FDG","text":"INDICATION: DLBCL.\nFINDINGS: No uptake.\nIMPRESSION: Complete metabolic response, Deauville 2.","labels":{"cancer_type":"dlbcl","deauville":2},"extra":1}"#;

    /// `(line, record, report id or (kind, message))`.
    type Outcome = (
        Option<usize>,
        usize,
        Result<String, (RecordErrorKind, String)>,
    );

    fn run(data: Vec<u8>, limits: Limits) -> Vec<Outcome> {
        RecordIter::jsonl_from("mem.jsonl", Cursor::new(data), limits)
            .map(|r| {
                (
                    r.location.line,
                    r.location.record,
                    r.result
                        .map(|rec| rec.report_id)
                        .map_err(|e| (e.kind, e.message)),
                )
            })
            .collect()
    }

    fn one(line: &str) -> Result<String, (RecordErrorKind, String)> {
        let mut out = run(line.as_bytes().to_vec(), Limits::default());
        assert_eq!(out.len(), 1, "{out:?}");
        out.remove(0).2
    }

    fn err(line: &str) -> (RecordErrorKind, String) {
        one(line).unwrap_err()
    }

    #[test]
    fn good_record_with_unknown_fields() {
        assert_eq!(one(GOOD), Ok("SYN-R-1".into()));
        let rec = RecordIter::jsonl_from(
            "m",
            Cursor::new(GOOD.as_bytes().to_vec()),
            Limits::default(),
        )
        .next()
        .unwrap()
        .result
        .unwrap();
        assert_eq!(rec.labels.unwrap().deauville, Some(2));
        assert_eq!(rec.tracer.as_deref(), Some("FDG"));
    }

    #[test]
    fn field_errors() {
        let base = |patch: &str| {
            let mut v: Value = serde_json::from_str(GOOD).unwrap();
            let p: Value = serde_json::from_str(patch).unwrap();
            for (k, val) in p.as_object().unwrap() {
                v[k] = val.clone();
            }
            v.to_string()
        };
        let remove = |keys: &[&str]| {
            let mut v: Value = serde_json::from_str(GOOD).unwrap();
            for k in keys {
                v.as_object_mut().unwrap().remove(*k);
            }
            v.to_string()
        };
        assert_eq!(
            err(&remove(&["patient_id"])),
            (MissingField, "missing field `patient_id`".into())
        );
        assert_eq!(
            err(&remove(&["text", "report_id"])),
            (MissingField, "missing fields `report_id`, `text`".into())
        );
        assert_eq!(
            err(&base(r#"{"patient_id":null}"#)),
            (MissingField, "missing field `patient_id`".into())
        );
        assert_eq!(
            err(&base(r#"{"patient_id":42}"#)),
            (
                InvalidValue,
                "patient_id: expected a string, found a number".into()
            )
        );
        assert_eq!(
            err(&base(r#"{"exam_date":"2024-13-01"}"#)),
            (InvalidValue, "exam_date: input is out of range".into())
        );
        assert_eq!(
            err(&base(r#"{"exam_date":"2024/01/03"}"#)),
            (
                InvalidValue,
                "exam_date: input contains invalid characters".into()
            )
        );
        assert_eq!(
            err(&base(r#"{"exam_date":"2023-02-29"}"#)),
            (InvalidValue, "exam_date: input is out of range".into())
        );
        assert_eq!(
            err(&base(r#"{"exam_date":"2024-2-3"}"#)),
            (
                InvalidValue,
                "exam_date: `2024-2-3` is not in yyyy-mm-dd form".into()
            )
        );
        assert_eq!(
            err(&base(r#"{"tracer":["FDG"]}"#)),
            (
                InvalidValue,
                "tracer: expected a string, found an array".into()
            )
        );
        let (kind, msg) = err(&base(r#"{"labels":{"cancer_type":"breast","grade":3}}"#));
        assert_eq!(kind, InvalidValue);
        assert!(msg.starts_with("labels: unknown field `grade`"), "{msg}");
        assert_eq!(
            err(&base(r#"{"report_id":" SYN-R-1"}"#)),
            (
                InvalidValue,
                "report_id: has leading or trailing whitespace".into()
            )
        );
        assert_eq!(
            err(&base(r#"{"text":"FINDINGS:   \nIMPRESSION: x"}"#)),
            (EmptyFindings, "findings section is empty".into())
        );
    }

    #[test]
    fn json_errors() {
        let (kind, msg) = err(r#"{"report_id":"SYN-R-1","#);
        assert_eq!(kind, MalformedJson);
        assert_eq!(msg, "end of input while parsing a value at column 23");
        let (kind, msg) = err(r#"{"report_id" "SYN"}"#);
        assert_eq!(kind, MalformedJson);
        assert_eq!(msg, "expected `:` at column 14");
        assert_eq!(
            err("[1,2]"),
            (
                MalformedJson,
                "expected a json object, found an array".into()
            )
        );
        assert_eq!(
            err(r#"{"resourceType":"Patient","id":"SYN-P-1"}"#).0,
            UnsupportedResource
        );
    }

    #[test]
    fn lines_records_blank_lines_crlf_bom_and_utf8() {
        let mut data = Vec::new();
        data.extend_from_slice(b"\xEF\xBB\xBF");
        data.extend_from_slice(GOOD.as_bytes());
        data.extend_from_slice(b"\r\n\r\n   \n");
        data.extend_from_slice(b"{\"report_id\":\"SYN-R-2\",\"patient_id\":\"SYN-\xff\",");
        data.extend_from_slice(b"\n");
        data.extend_from_slice(GOOD.replace("SYN-R-1", "SYN-R-3").as_bytes());
        let out = run(data, Limits::default());
        assert_eq!(out.len(), 3, "{out:?}");
        assert_eq!((out[0].0, out[0].1), (Some(1), 1));
        assert_eq!(out[0].2, Ok("SYN-R-1".into()));
        assert_eq!((out[1].0, out[1].1), (Some(4), 2));
        assert_eq!(
            out[1].2,
            Err((
                InvalidUtf8,
                "line is not valid utf-8 (first bad byte at offset 41)".into()
            ))
        );
        assert_eq!((out[2].0, out[2].1), (Some(5), 3));
        assert_eq!(out[2].2, Ok("SYN-R-3".into()));
    }

    #[test]
    fn oversized_lines_are_skipped_without_buffering() {
        let limits = Limits::new(16);
        let cap = limits.max_line_bytes();
        let mut data = Vec::new();
        data.extend_from_slice(b"{\"x\":\"");
        data.extend(std::iter::repeat_n(b'a', cap + 10));
        data.extend_from_slice(b"\"}\n");
        let short = r#"{"report_id":"SYN-R-9","patient_id":"SYN-P-9","exam_date":"2024-01-01","text":"FINDINGS: x"}"#;
        data.extend_from_slice(short.as_bytes());
        data.push(b'\n');
        let long_text = short.replace("FINDINGS: x", "FINDINGS: 0123456789abcdef");
        data.extend_from_slice(long_text.as_bytes());
        let out = run(data, limits);
        assert_eq!(out.len(), 3, "{out:?}");
        assert_eq!(
            out[0].2,
            Err((
                Oversized,
                format!("line is {} bytes, limit is {cap}", cap + 18)
            ))
        );
        assert_eq!(out[1].2, Ok("SYN-R-9".into()));
        assert_eq!(
            out[2].2,
            Err((Oversized, "report text is 26 bytes, limit is 16".into()))
        );
    }

    #[test]
    fn read_line_handles_tiny_buffers() {
        let data = b"abc\ndefgh\n\nxyz".to_vec();
        let mut reader = std::io::BufReader::with_capacity(2, Cursor::new(data));
        let mut buf = Vec::new();
        let mut lines = Vec::new();
        while let Some(line) = read_line(&mut reader, &mut buf, 4).unwrap() {
            lines.push(match line {
                Line::Data => String::from_utf8(buf.clone()).unwrap(),
                Line::TooLong(n) => format!("<{n}>"),
            });
        }
        assert_eq!(lines, ["abc", "<5>", "", "xyz"]);
    }

    proptest::proptest! {
        /// Arbitrary bytes never panic the reader; records are numbered 1..n and lines
        /// strictly increase.
        #[test]
        fn arbitrary_bytes_yield_numbered_records(
            data in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(b'\n'),
                    proptest::strategy::Just(b'{'),
                    proptest::strategy::Just(b'"'),
                    proptest::strategy::Just(0xff),
                    proptest::num::u8::ANY,
                ],
                0..300,
            ),
            max in 0usize..64,
        ) {
            let out = run(data, Limits::new(max));
            let mut last_line = 0;
            for (i, (line, record, _)) in out.iter().enumerate() {
                proptest::prop_assert_eq!(*record, i + 1);
                let line = line.unwrap();
                proptest::prop_assert!(line > last_line);
                last_line = line;
            }
        }
    }

    #[test]
    fn io_error_ends_the_file() {
        struct Failing(usize);
        impl std::io::Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0 == 0 {
                    return Err(std::io::Error::other("Disk on fire"));
                }
                self.0 -= 1;
                let line = b"\n";
                buf[..1].copy_from_slice(line);
                Ok(1)
            }
        }
        let reader = std::io::BufReader::new(Failing(2));
        let out: Vec<_> = RecordIter::jsonl_from("m", reader, Limits::default()).collect();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].location.line, Some(3));
        assert_eq!(out[0].location.record, 1);
        let e = out[0].result.as_ref().unwrap_err();
        assert_eq!(e.kind, Io);
        assert_eq!(e.message, "read failed, rest of file skipped: disk on fire");
    }
}
