//! FHIR R4 `DiagnosticReport` (alone or in a `Bundle`) to [`ReportRecord`].

use super::common::{parse_date, type_name};
use super::{read_capped, DynRead, Limits};
use crate::error::{json_error_core, utf8_message, RecordError};
use crate::sections::split_sections;
use crate::validate::validate;
use base64::Engine as _;
use priors_core::{ReportRecord, SectionKind};
use serde_json::Value;
use std::collections::VecDeque;

/// Read a `.json` document into the resources to convert, one item per record: the document
/// itself, or the `resource` of each `Bundle` entry. Document-level problems become a single
/// error item.
pub(super) fn read_document(
    reader: DynRead,
    limits: &Limits,
) -> VecDeque<Result<Value, RecordError>> {
    let cap = limits.max_document_bytes();
    let one = |e| VecDeque::from([Err(e)]);
    let bytes = match read_capped(reader, cap) {
        Ok(Ok(b)) => b,
        Ok(Err(total)) => {
            return one(RecordError::oversized(
                "json document (split it or use ndjson)",
                total,
                cap,
            ))
        }
        Err(e) => return one(RecordError::io(&e)),
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t.strip_prefix('\u{feff}').unwrap_or(t),
        Err(e) => return one(RecordError::invalid_utf8(utf8_message("document", &e))),
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return one(RecordError::malformed_json(format!(
                "{} at line {} column {}",
                json_error_core(&e),
                e.line(),
                e.column()
            )))
        }
    };
    if value.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
        return VecDeque::from([Ok(value)]);
    }
    let Value::Object(mut bundle) = value else {
        unreachable!("a value with a resourceType is an object")
    };
    match bundle.remove("entry") {
        None | Some(Value::Null) => VecDeque::new(),
        Some(Value::Array(entries)) => entries
            .into_iter()
            .enumerate()
            .map(|(i, entry)| match entry {
                Value::Object(mut e) => match e.remove("resource") {
                    Some(r @ Value::Object(_)) => Ok(r),
                    None | Some(Value::Null) => Err(RecordError::missing(format!(
                        "missing field `entry[{i}].resource`"
                    ))),
                    Some(other) => Err(RecordError::invalid(
                        &format!("entry[{i}].resource"),
                        format!("expected an object, found {}", type_name(&other)),
                    )),
                },
                other => Err(RecordError::invalid(
                    &format!("entry[{i}]"),
                    format!("expected an object, found {}", type_name(&other)),
                )),
            })
            .collect(),
        Some(other) => one(RecordError::invalid(
            "entry",
            format!("expected an array, found {}", type_name(&other)),
        )),
    }
}

/// Convert and validate one FHIR resource, which must be a `DiagnosticReport`.
///
/// - report id: `id`, else the first `identifier[].value`;
/// - patient id: `subject.reference` (`Patient/XYZ`, also absolute URLs, `_history`
///   suffixes and `urn:uuid:` references), else `subject.identifier.value`;
/// - exam date: the date part of `effectiveDateTime`, else of `effectivePeriod.start`
///   (a partial date such as `2024-03` is rejected);
/// - text: the first `presentedForm` with a `text/plain` content type and base64 `data` (must
///   decode to UTF-8), else the `text.div` XHTML narrative with tags stripped (block elements
///   become line breaks) and entities decoded; if the text has no impression section and
///   `conclusion` is present, `\n\nIMPRESSION:\n<conclusion>` is appended;
/// - modality: `code.text`, if present;
/// - `status` `entered-in-error` or `cancelled` is rejected (`invalid_value`).
pub(super) fn diagnostic_report(v: &Value, limits: &Limits) -> Result<ReportRecord, RecordError> {
    let Some(obj) = v.as_object() else {
        return Err(RecordError::unsupported(format!(
            "expected a fhir resource object, found {}",
            type_name(v)
        )));
    };
    match obj.get("resourceType") {
        Some(Value::String(t)) if t == "DiagnosticReport" => {}
        Some(Value::String(t)) => {
            return Err(RecordError::unsupported(format!(
            "unsupported resource type `{t}` (expected `DiagnosticReport` or a `Bundle` of them)"
        )))
        }
        _ => {
            return Err(RecordError::unsupported(
                "not a fhir resource (no `resourceType`)",
            ))
        }
    }
    if let Some(status) = str_at(v, &["status"]) {
        if status == "entered-in-error" || status == "cancelled" {
            return Err(RecordError::invalid(
                "status",
                format!("report is `{status}`"),
            ));
        }
    }

    let report_id = str_at(v, &["id"])
        .filter(|s| !s.is_empty())
        .or_else(|| {
            v.get("identifier")?
                .as_array()?
                .iter()
                .find_map(|i| i.get("value")?.as_str().filter(|s| !s.is_empty()))
        })
        .ok_or_else(|| RecordError::missing("missing field `id` (or `identifier[].value`)"))?
        .to_string();

    let patient_id = patient_id(v)?;

    let (date_field, date) = if let Some(d) = str_at(v, &["effectiveDateTime"]) {
        ("effectiveDateTime", d)
    } else if let Some(d) = str_at(v, &["effectivePeriod", "start"]) {
        ("effectivePeriod.start", d)
    } else {
        return Err(RecordError::missing(
            "missing field `effectiveDateTime` (or `effectivePeriod.start`)",
        ));
    };
    let date_part = match date.split_once('T') {
        Some((d, _)) => d,
        None => date,
    };
    if date_part.len() < 10
        && !date_part.is_empty()
        && date_part.bytes().all(|b| b.is_ascii_digit() || b == b'-')
    {
        return Err(RecordError::invalid(
            date_field,
            format!("partial date `{date}` (a full date is required)"),
        ));
    }
    let exam_date = parse_date(date_field, date_part)?;

    let mut text = report_text(v, limits)?;
    if let Some(conclusion) = str_at(v, &["conclusion"])
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let has_impression = split_sections(&text)
            .iter()
            .any(|s| s.kind == SectionKind::Impression);
        if !has_impression {
            text = format!("{}\n\nIMPRESSION:\n{conclusion}", text.trim_end());
        }
    }

    let modality = str_at(v, &["code", "text"])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);

    let record = ReportRecord {
        report_id,
        patient_id,
        exam_date,
        modality,
        tracer: None,
        text,
        labels: None,
    };
    validate(&record, limits)?;
    Ok(record)
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

fn patient_id(v: &Value) -> Result<String, RecordError> {
    let Some(subject) = v.get("subject").filter(|s| !s.is_null()) else {
        return Err(RecordError::missing("missing field `subject.reference`"));
    };
    if let Some(reference) = str_at(subject, &["reference"]) {
        let reference = reference.trim();
        if let Some(uuid) = reference.strip_prefix("urn:uuid:") {
            return Ok(uuid.to_string());
        }
        let mut parts = reference.rsplit('/').collect::<Vec<_>>();
        parts.reverse();
        // …/Patient/<id> or …/Patient/<id>/_history/<v>
        if let Some(p) = parts.iter().rposition(|p| *p == "Patient") {
            if let Some(id) = parts.get(p + 1).filter(|id| !id.is_empty()) {
                return Ok(id.to_string());
            }
        }
        return Err(RecordError::invalid(
            "subject.reference",
            format!("expected a `Patient/<id>` reference, found `{reference}`"),
        ));
    }
    if let Some(id) = str_at(subject, &["identifier", "value"]).filter(|s| !s.is_empty()) {
        return Ok(id.to_string());
    }
    Err(RecordError::missing("missing field `subject.reference`"))
}

fn report_text(v: &Value, limits: &Limits) -> Result<String, RecordError> {
    let forms = v.get("presentedForm").and_then(Value::as_array);
    for (i, form) in forms.into_iter().flatten().enumerate() {
        let is_plain = str_at(form, &["contentType"])
            .is_some_and(|ct| ct.trim().to_ascii_lowercase().starts_with("text/plain"));
        let Some(data) = str_at(form, &["data"]).filter(|_| is_plain) else {
            continue;
        };
        let field = format!("presentedForm[{i}].data");
        // Base64 of a maximal report, with slack for line breaks in the encoding.
        let cap = limits.max_line_bytes();
        if data.len() > cap {
            return Err(RecordError::oversized(&field, data.len(), cap));
        }
        let compact: Vec<u8> = data.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&compact)
            .map_err(|e| {
                let e = crate::error::lowercase_first(&e.to_string());
                RecordError::invalid(
                    &field,
                    format!("invalid base64: {}", e.trim_end_matches('.')),
                )
            })?;
        return String::from_utf8(bytes).map_err(|e| {
            RecordError::invalid_utf8(utf8_message(&format!("{field} (decoded)"), &e.utf8_error()))
        });
    }
    if let Some(div) = str_at(v, &["text", "div"]) {
        return Ok(xhtml_to_text(div));
    }
    Err(RecordError::missing(
        "missing report text (`presentedForm` with text/plain `data`, or `text.div`)",
    ))
}

/// Block-level XHTML elements: their tags become line breaks.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "pre",
    "blockquote",
    "hr",
    "dt",
    "dd",
];

/// Strip tags from a FHIR narrative, turning block elements into line breaks and decoding
/// entities; lines are trimmed and runs of blank lines collapsed to one.
pub(crate) fn xhtml_to_text(div: &str) -> String {
    let mut out = String::with_capacity(div.len());
    let mut rest = div;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |e| &comment[e + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else {
            out.push_str(&decode_entities(rest));
            rest = "";
            break;
        };
        let name: String = rest[1..gt]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if BLOCK_TAGS.contains(&name.as_str()) {
            out.push('\n');
        } else if name == "td" || name == "th" {
            out.push(' ');
        }
        rest = &rest[gt + 1..];
    }
    out.push_str(&decode_entities(rest));
    let mut lines: Vec<&str> = Vec::new();
    for line in out.lines().map(str::trim) {
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last() == Some(&"") {
        lines.pop();
    }
    lines.join("\n")
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &rest[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let code = if let Some(hex) =
                        name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
                    {
                        u32::from_str_radix(hex, 16).ok()
                    } else if let Some(dec) = name.strip_prefix('#') {
                        dec.parse().ok()
                    } else {
                        None
                    };
                    code.and_then(char::from_u32)
                }
            };
            // A no-break space is an ordinary space in report text.
            c.map(|c| (if c == '\u{a0}' { ' ' } else { c }, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RecordErrorKind::{self, *};
    use base64::engine::general_purpose::STANDARD;
    use serde_json::json;

    const TEXT: &str =
        "CLINICAL HISTORY: Melanoma, restaging.\nFINDINGS:\nRight axillary node, SUVmax 9.1.";

    fn report() -> Value {
        json!({
            "resourceType": "DiagnosticReport",
            "id": "SYN-R-0200",
            "status": "final",
            "code": {"text": "FDG PET/CT skull base to mid-thigh"},
            "subject": {"reference": "Patient/SYN-P-0200"},
            "effectiveDateTime": "2024-05-06T09:30:00+02:00",
            "conclusion": "Nodal recurrence.",
            "presentedForm": [
                {"contentType": "application/pdf", "data": "JVBERi0="},
                {"contentType": "text/plain; charset=utf-8", "data": STANDARD.encode(TEXT)}
            ]
        })
    }

    fn convert(v: &Value) -> Result<ReportRecord, (RecordErrorKind, String)> {
        diagnostic_report(v, &Limits::default()).map_err(|e| (e.kind, e.message))
    }

    #[test]
    fn converts_a_diagnostic_report() {
        let r = convert(&report()).unwrap();
        assert_eq!(r.report_id, "SYN-R-0200");
        assert_eq!(r.patient_id, "SYN-P-0200");
        assert_eq!(r.exam_date.to_string(), "2024-05-06");
        assert_eq!(
            r.modality.as_deref(),
            Some("FDG PET/CT skull base to mid-thigh")
        );
        assert_eq!(r.text, format!("{TEXT}\n\nIMPRESSION:\nNodal recurrence."));
    }

    #[test]
    fn conclusion_not_appended_when_impression_exists() {
        let mut v = report();
        let text = format!("{TEXT}\nCONCLUSION: Recurrence.");
        v["presentedForm"][1]["data"] = json!(STANDARD.encode(&text));
        assert_eq!(convert(&v).unwrap().text, text);
    }

    #[test]
    fn identifier_period_and_references() {
        let mut v = report();
        v.as_object_mut().unwrap().remove("id");
        v["identifier"] = json!([{"system": "urn:x"}, {"value": "SYN-ACC-7"}]);
        v.as_object_mut().unwrap().remove("effectiveDateTime");
        v["effectivePeriod"] = json!({"start": "2024-05-07"});
        v["subject"] = json!({"reference": "https://fhir.example/r4/Patient/SYN-P-9/_history/3"});
        let r = convert(&v).unwrap();
        assert_eq!(r.report_id, "SYN-ACC-7");
        assert_eq!(r.exam_date.to_string(), "2024-05-07");
        assert_eq!(r.patient_id, "SYN-P-9");
        v["subject"] = json!({"reference": "urn:uuid:0f6d1c2e"});
        assert_eq!(convert(&v).unwrap().patient_id, "0f6d1c2e");
        v["subject"] = json!({"identifier": {"value": "SYN-P-10"}});
        assert_eq!(convert(&v).unwrap().patient_id, "SYN-P-10");
    }

    #[test]
    fn narrative_fallback() {
        let mut v = report();
        v.as_object_mut().unwrap().remove("presentedForm");
        v.as_object_mut().unwrap().remove("conclusion");
        v["text"] = json!({"status": "generated", "div":
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>INDICATION: Melanoma &amp; nodes.</p>\
             <p>FINDINGS:<br/>Left axilla: node &lt;1 cm, SUVmax&#160;2.0 &#x2014; benign.</p>\
             <!-- a comment --><ul><li>Liver: normal</li></ul></div>"});
        let r = convert(&v).unwrap();
        assert_eq!(
            r.text,
            "INDICATION: Melanoma & nodes.\n\nFINDINGS:\nLeft axilla: node <1 cm, SUVmax 2.0 \u{2014} benign.\n\nLiver: normal"
        );
    }

    #[test]
    fn errors() {
        let cases: Vec<(Value, RecordErrorKind, &str)> = vec![
            (
                json!({"resourceType": "Observation", "id": "x"}),
                UnsupportedResource,
                "unsupported resource type `Observation` (expected `DiagnosticReport` or a `Bundle` of them)",
            ),
            (json!({"id": "x"}), UnsupportedResource, "not a fhir resource (no `resourceType`)"),
            (json!([1]), UnsupportedResource, "expected a fhir resource object, found an array"),
            ({ let mut v = report(); v.as_object_mut().unwrap().remove("subject"); v },
                MissingField, "missing field `subject.reference`"),
            ({ let mut v = report(); v["subject"] = json!({"reference": "Group/7"}); v },
                InvalidValue, "subject.reference: expected a `Patient/<id>` reference, found `Group/7`"),
            ({ let mut v = report(); v.as_object_mut().unwrap().remove("id"); v },
                MissingField, "missing field `id` (or `identifier[].value`)"),
            ({ let mut v = report(); v.as_object_mut().unwrap().remove("effectiveDateTime"); v },
                MissingField, "missing field `effectiveDateTime` (or `effectivePeriod.start`)"),
            ({ let mut v = report(); v["effectiveDateTime"] = json!("2024-05"); v },
                InvalidValue, "effectiveDateTime: partial date `2024-05` (a full date is required)"),
            ({ let mut v = report(); v["effectiveDateTime"] = json!("May 5 2024"); v },
                InvalidValue, "effectiveDateTime: input contains invalid characters"),
            ({ let mut v = report(); v["presentedForm"][1]["data"] = json!("!!!"); v },
                InvalidValue, "presentedForm[1].data: invalid base64: invalid symbol 33, offset 0"),
            ({ let mut v = report(); v["presentedForm"][1]["data"] = json!(STANDARD.encode(b"FINDINGS: \xff")); v },
                InvalidUtf8, "presentedForm[1].data (decoded) is not valid utf-8 (first bad byte at offset 10)"),
            ({ let mut v = report(); v.as_object_mut().unwrap().remove("presentedForm"); v },
                MissingField, "missing report text (`presentedForm` with text/plain `data`, or `text.div`)"),
            ({ let mut v = report(); v["status"] = json!("entered-in-error"); v },
                InvalidValue, "status: report is `entered-in-error`"),
        ];
        for (v, kind, msg) in cases {
            assert_eq!(convert(&v), Err((kind, msg.to_string())), "{v}");
        }
    }

    fn doc(s: &str, limits: &Limits) -> Vec<Result<Value, (RecordErrorKind, String)>> {
        read_document(
            Box::new(std::io::Cursor::new(s.as_bytes().to_vec())),
            limits,
        )
        .into_iter()
        .map(|r| r.map_err(|e| (e.kind, e.message)))
        .collect()
    }

    #[test]
    fn documents_and_bundles() {
        let l = Limits::default();
        let single = report().to_string();
        assert_eq!(doc(&single, &l).len(), 1);
        let bundle = json!({"resourceType": "Bundle", "type": "collection", "entry": [
            {"resource": report()},
            {"fullUrl": "urn:uuid:1"},
            {"resource": {"resourceType": "Observation"}},
            7
        ]})
        .to_string();
        let items = doc(&bundle, &l);
        assert_eq!(items.len(), 4);
        assert!(items[0].is_ok() && items[2].is_ok());
        assert_eq!(
            items[1],
            Err((MissingField, "missing field `entry[1].resource`".into()))
        );
        assert_eq!(
            items[3],
            Err((
                InvalidValue,
                "entry[3]: expected an object, found a number".into()
            ))
        );
        assert_eq!(doc(r#"{"resourceType":"Bundle"}"#, &l), vec![]);
        let e = doc("{\n  \"resourceType\": }", &l);
        assert_eq!(
            e,
            vec![Err((
                MalformedJson,
                "expected value at line 2 column 19".into()
            ))]
        );
        let e = doc(&single, &Limits::new(1));
        assert_eq!(e.len(), 1);
        assert!(e[0].is_ok(), "document cap is far above one report");
        let tiny = Limits::new(0);
        let huge = " ".repeat(tiny.max_document_bytes() + 1);
        let e = doc(&huge, &tiny);
        assert_eq!(e[0].as_ref().unwrap_err().0, Oversized);
    }

    proptest::proptest! {
        #[test]
        fn narrative_stripping_never_panics(s in "(<|>|&|;|#|x|p|/|!--|\\PC){0,80}") {
            let out = xhtml_to_text(&s);
            proptest::prop_assert!(!out.starts_with('\n') && !out.ends_with('\n'));
        }
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a &amp; b &lt;&gt; &#65;&#x42; &bogus; & c"),
            "a & b <> AB &bogus; & c"
        );
        assert_eq!(decode_entities("&#xFFFFFFFF;"), "&#xFFFFFFFF;");
    }
}
