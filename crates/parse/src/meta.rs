//! Metadata extraction: modality, tracer, cancer type, SUVmax, Deauville, laterality, hash.

use crate::cancer;
use priors_core::{ReportMeta, ReportRecord, Section, SectionKind};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// Version prefix of the canonical form hashed by [`content_hash`]. Bump it only when the
/// canonical form itself changes (every report then counts as updated on the next ingest).
pub const CONTENT_HASH_VERSION: &str = "priors-report-content/v1";

/// Describe a validated record: record fields first, then what the text says.
///
/// - `modality`: the record field normalised (`PET/CT`, `PET/MR`, else as given, trimmed),
///   else the first `PET/CT` / `PET-CT` / `PET/MR(I)` mention in the text, else `PET/CT`.
/// - `tracer`: the record field normalised to `FDG` / `PSMA` / `DOTATATE` (other tracers are
///   kept upper-cased), else the earliest tracer mention in the technique sections, then in
///   header-less leading text (`18F-FDG`, `fluorodeoxyglucose`; `PSMA-11`, `DCFPyL`,
///   `piflufolastat`; `DOTATATE`, `DOTATOC`, `DOTANOC`, `SSTR`).
/// - `cancer_type`: from the indication sections (or, when there are none, the leading
///   header-less text), mapped to [`priors_core::CancerType`] with synonyms, skipping
///   negated and family-history mentions and preferring current over historical ones.
/// - `suv_max`: every SUVmax value in the findings sections, in order (see
///   [`suv_max_values`]).
/// - `deauville`: the first current Deauville score, searched in the impression, then the
///   findings, then header-less text (see [`deauville_score`]).
/// - `laterality`: `bilateral` / `left` / `right` if the word occurs in the findings, sorted.
/// - `content_hash`: [`content_hash`] of the record.
pub fn extract_meta(record: &ReportRecord, sections: &[Section]) -> ReportMeta {
    let text_of = |kinds: &[SectionKind]| -> String {
        sections
            .iter()
            .filter(|s| kinds.contains(&s.kind))
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let findings = text_of(&[SectionKind::Findings]);

    let modality = nonblank(&record.modality)
        .map(|m| modality_in(m).unwrap_or(m).to_string())
        .or_else(|| modality_in(&record.text).map(str::to_string))
        .unwrap_or_else(|| "PET/CT".to_string());

    let tracer = nonblank(&record.tracer)
        .map(|t| {
            tracer_in(t)
                .map(str::to_string)
                .unwrap_or_else(|| t.to_uppercase())
        })
        .or_else(|| tracer_in(&text_of(&[SectionKind::Technique])).map(str::to_string))
        .or_else(|| tracer_in(&text_of(&[SectionKind::Other])).map(str::to_string));

    let has_indication = sections.iter().any(|s| s.kind == SectionKind::Indication);
    let indication = if has_indication {
        text_of(&[SectionKind::Indication])
    } else {
        sections
            .first()
            .filter(|s| s.kind == SectionKind::Other)
            .map(|s| s.text.clone())
            .unwrap_or_default()
    };

    let deauville = [
        SectionKind::Impression,
        SectionKind::Findings,
        SectionKind::Other,
    ]
    .iter()
    .find_map(|k| deauville_score(&text_of(&[*k])));

    ReportMeta {
        report_id: record.report_id.clone(),
        patient_id: record.patient_id.clone(),
        exam_date: record.exam_date,
        modality,
        tracer,
        cancer_type: cancer::cancer_type(&indication).map(str::to_string),
        suv_max: suv_max_values(&findings),
        deauville,
        laterality: laterality(&findings),
        content_hash: content_hash(record),
    }
}

fn nonblank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Byte offsets where `needle` (ASCII, lowercase) occurs in `hay` case-insensitively, as a
/// whole word (no letter or digit right before or after).
fn find_words(hay: &str, needle: &str) -> Vec<usize> {
    let lower = hay.to_ascii_lowercase();
    let b = lower.as_bytes();
    lower
        .match_indices(needle)
        .map(|(i, _)| i)
        .filter(|&i| {
            let before_ok = i == 0 || !is_word_byte(b[i - 1]);
            let end = i + needle.len();
            let after_ok = end >= b.len() || !is_word_byte(b[end]);
            before_ok && after_ok
        })
        .collect()
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Earliest of several alternatives: `(position, value)`.
fn earliest<'a>(text: &str, table: &[(&str, &'a str)]) -> Option<&'a str> {
    table
        .iter()
        .filter_map(|(needle, value)| find_words(text, needle).first().map(|&i| (i, *value)))
        .min_by_key(|(i, _)| *i)
        .map(|(_, v)| v)
}

/// The modality named in `text`: `PET/CT` or `PET/MR`, whichever comes first.
pub(crate) fn modality_in(text: &str) -> Option<&'static str> {
    earliest(
        text,
        &[
            ("pet/ct", "PET/CT"),
            ("pet-ct", "PET/CT"),
            ("pet ct", "PET/CT"),
            ("petct", "PET/CT"),
            ("pet/mr", "PET/MR"),
            ("pet/mri", "PET/MR"),
            ("pet-mr", "PET/MR"),
            ("pet-mri", "PET/MR"),
            ("pet mr", "PET/MR"),
            ("pet mri", "PET/MR"),
        ],
    )
}

/// The tracer named in `text`, normalised: whichever is mentioned first.
pub(crate) fn tracer_in(text: &str) -> Option<&'static str> {
    earliest(
        text,
        &[
            ("fdg", "FDG"),
            ("fluorodeoxyglucose", "FDG"),
            ("fluorodeoxy-glucose", "FDG"),
            ("psma", "PSMA"),
            ("dcfpyl", "PSMA"),
            ("piflufolastat", "PSMA"),
            ("gozetotide", "PSMA"),
            ("pylarify", "PSMA"),
            ("dotatate", "DOTATATE"),
            ("dotatoc", "DOTATATE"),
            ("dotanoc", "DOTATATE"),
            ("sstr", "DOTATATE"),
            ("netspot", "DOTATATE"),
            ("detectnet", "DOTATATE"),
        ],
    )
}

/// Every SUVmax value in `text`, in order of appearance.
///
/// Recognised: `SUVmax 12.4`, `SUV max of 7.9`, `SUVmax: 3`, `SUV(max) 4`, `SUVmax = 4.1`,
/// `maximum SUV 5.2`, `max SUV 5.2`, `(SUV 6.0)` and bare `SUV 6` (in clinical reports a
/// bare SUV is the maximum), with connectors `of`, `up to`, `approximately`, `about`, `is`,
/// `was`, `measuring`, `~` between keyword and number; further decimal values listed after
/// the first (`SUVmax 22.0 and 18.7`, `3.1, 4.5`, `4.1/5.2`) are included. Not recognised: `SUVmean`, `SUVpeak`,
/// `mean SUV`, `SUL`, numbers followed by a unit (`cm`, `mm`, `%`), values above 200.
pub fn suv_max_values(text: &str) -> Vec<f32> {
    let lower = text.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut out = Vec::new();
    for i in find_prefix_words(&lower, "suv") {
        let mut j = i + 3;
        // SUVmax, SUV max, SUV-max, SUV_max, SUV(max), SUV maximum.
        let mut k = j;
        if k < b.len() && matches!(b[k], b' ' | b'-' | b'_' | b'(') {
            k += 1;
        }
        let word_end = k + lower[k..]
            .bytes()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        let word = &lower[k..word_end];
        if word == "max" || word == "maximum" {
            j = word_end;
            if b.get(j) == Some(&b')') {
                j += 1;
            }
        } else if j < b.len() && b[j].is_ascii_alphabetic() {
            continue; // SUVmean, SUVpeak, SUVs…
        } else if matches!(
            word,
            "mean" | "peak" | "avg" | "average" | "min" | "lbm" | "bw"
        ) {
            continue;
        } else {
            let before = lower[..i].trim_end();
            if ["mean", "peak", "average", "avg", "minimum"]
                .iter()
                .any(|w| before.ends_with(w))
            {
                continue;
            }
        }
        let Some((v, mut end)) = number_after(&lower, j) else {
            continue;
        };
        if (0.0..=200.0).contains(&v) {
            out.push(v);
        }
        // A list of values: `SUVmax 22.0 and 18.7`, `SUVmax 3.1, 4.5, 6.0`, `4.1/5.2`.
        while let Some((v, next)) = list_value(&lower, end) {
            if (0.0..=200.0).contains(&v) {
                out.push(v);
            }
            end = next;
        }
    }
    out
}

/// A further decimal value after a list separator (`,`, `and`, `/`, `to`) at `j`.
fn list_value(lower: &str, j: usize) -> Option<(f32, usize)> {
    let rest = &lower[j..];
    let after_sep = [", and ", ", ", " and ", " / ", "/", " to ", "-"]
        .iter()
        .find_map(|sep| rest.strip_prefix(sep))?;
    let start = lower.len() - after_sep.len();
    let (v, end) = parse_number(lower, start)?;
    lower[start..end].contains('.').then_some((v, end))
}

/// Offsets of `word` at the start of a word (anything may follow it).
fn find_prefix_words(lower: &str, word: &str) -> Vec<usize> {
    let b = lower.as_bytes();
    lower
        .match_indices(word)
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || !is_word_byte(b[i - 1]))
        .collect()
}

/// Skip connectors after a keyword ending at `j` and parse the number that follows:
/// `(value, end offset)`.
fn number_after(lower: &str, mut j: usize) -> Option<(f32, usize)> {
    const CONNECTORS: &[&str] = &[
        "of",
        "up",
        "to",
        "approximately",
        "approx.",
        "approx",
        "about",
        "around",
        "is",
        "was",
        "measuring",
        "measures",
        "value",
        "values",
        "reaching",
        "nearly",
        "roughly",
        "ca.",
    ];
    let b = lower.as_bytes();
    for _ in 0..8 {
        while j < b.len() && (b[j].is_ascii_whitespace() || b":=~".contains(&b[j])) {
            j += 1;
        }
        if lower[j..].starts_with('≈') {
            j += '≈'.len_utf8();
            continue;
        }
        let Some(conn) = CONNECTORS.iter().find(|c| {
            lower[j..].starts_with(**c)
                && !b
                    .get(j + c.len())
                    .is_some_and(|x| x.is_ascii_alphanumeric())
        }) else {
            break;
        };
        j += conn.len();
    }
    parse_number(lower, j)
}

/// An unsigned decimal number at `start`, not followed by a letter or a unit (`cm`, `mm`,
/// `%`, `x`): `(value, end offset)`.
fn parse_number(lower: &str, start: usize) -> Option<(f32, usize)> {
    let b = lower.as_bytes();
    let mut j = start;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    if j == start {
        return None;
    }
    if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
        j += 1;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
    }
    let rest = lower[j..].trim_start();
    let unit = ["cm", "mm", "%", "x"].iter().any(|u| {
        rest.starts_with(u)
            && !rest[u.len()..]
                .bytes()
                .next()
                .is_some_and(|x| x.is_ascii_alphabetic())
    });
    if unit || b.get(j).is_some_and(|x| x.is_ascii_alphabetic()) {
        return None;
    }
    lower[start..j].parse().ok().map(|v| (v, j))
}

/// The first current Deauville score (1–5) stated in `text`.
///
/// Recognised: `Deauville 4`, `Deauville score of 3`, `Deauville score: 2`, `Deauville
/// 5-point scale: 2`, `Deauville criteria score 3`, `Deauville 4/5`, `DS 4`, `DS: 4` (`DS`
/// upper case only). Mentions with `previous`, `prior`, `baseline`, `initial` or
/// `pre-treatment` earlier in the same sentence are skipped.
pub fn deauville_score(text: &str) -> Option<u8> {
    let lower = text.to_ascii_lowercase();
    let mut hits: Vec<(usize, u8)> = Vec::new();
    for i in find_words(&lower, "deauville") {
        if let Some(score) = score_after_deauville(&lower, i + "deauville".len()) {
            hits.push((i, score));
        }
    }
    for i in find_words(text, "ds") {
        if &text[i..i + 2] != "DS" {
            continue;
        }
        let rest = text[i + 2..].trim_start_matches([' ', ':', '=']);
        if let Some(score) = single_score(rest) {
            hits.push((i, score));
        }
    }
    hits.sort_unstable();
    hits.into_iter()
        .find(|(i, _)| !historical_before(&lower, *i))
        .map(|(_, s)| s)
}

fn score_after_deauville(lower: &str, mut j: usize) -> Option<u8> {
    const SKIP: &[&str] = &[
        "5-point",
        "5 point",
        "five-point",
        "five point",
        "score",
        "scores",
        "of",
        "is",
        "was",
        "criteria",
        "scale",
        "ds",
        "category",
        "grade",
        "(ds)",
        "point",
    ];
    let b = lower.as_bytes();
    for _ in 0..10 {
        while j < b.len() && (b[j].is_ascii_whitespace() || b":=-,".contains(&b[j])) {
            j += 1;
        }
        let Some(s) = SKIP.iter().find(|s| {
            lower[j..].starts_with(**s)
                && !b
                    .get(j + s.len())
                    .is_some_and(|x| x.is_ascii_alphanumeric())
        }) else {
            break;
        };
        j += s.len();
    }
    single_score(&lower[j..])
}

/// A single digit 1–5 not followed by another digit or a decimal part.
fn single_score(s: &str) -> Option<u8> {
    let b = s.as_bytes();
    let d = *b.first()?;
    if !(b'1'..=b'5').contains(&d) {
        return None;
    }
    match b.get(1) {
        Some(x) if x.is_ascii_alphanumeric() => None,
        Some(b'.') if b.get(2).is_some_and(u8::is_ascii_digit) => None,
        _ => Some(d - b'0'),
    }
}

/// Does the sentence before `i` mark the mention as a past score?
fn historical_before(lower: &str, i: usize) -> bool {
    // Look back at most 200 bytes (to a char boundary), and not past the sentence start.
    let mut floor = i.saturating_sub(200);
    while !lower.is_char_boundary(floor) {
        floor += 1;
    }
    let start = lower[floor..i]
        .rfind(['\n', ';'])
        .map_or(floor, |p| floor + p + 1)
        .max(sentence_start(lower, floor, i));
    let window = &lower[start..i];
    [
        "previous",
        "prior",
        "baseline",
        "initial",
        "pre-treatment",
        "pretreatment",
    ]
    .iter()
    .any(|w| window.contains(w))
}

/// Byte offset after the last sentence-ending period in `floor..i` (a `.` followed by
/// whitespace; decimals like `3.4` do not end a sentence), else `floor`.
fn sentence_start(lower: &str, floor: usize, i: usize) -> usize {
    let b = lower.as_bytes();
    (floor..i)
        .rev()
        .find(|&k| b[k] == b'.' && b.get(k + 1).is_some_and(u8::is_ascii_whitespace))
        .map_or(floor, |k| k + 1)
}

/// `bilateral`, `left`, `right` — those occurring as words in `text`, sorted.
pub fn laterality(text: &str) -> Vec<String> {
    let mut set = BTreeSet::new();
    for (word, side) in [
        ("left", "left"),
        ("right", "right"),
        ("bilateral", "bilateral"),
        ("bilaterally", "bilateral"),
    ] {
        if !find_words(text, word).is_empty() {
            set.insert(side);
        }
    }
    set.into_iter().map(str::to_string).collect()
}

/// Hex SHA-256 of the record's canonical form: what decides "unchanged" vs "updated" when a
/// report is ingested again.
///
/// The canonical form is the line [`CONTENT_HASH_VERSION`], then one length-prefixed field per
/// line in fixed order — `report_id`, `patient_id`, `exam_date` (ISO), `modality`, `tracer`,
/// `text`, `labels` — each written as `name:<byte length>:<value>\n`, with `name:-\n` for an
/// absent (or blank) optional field. Values are normalised so that only content changes
/// the hash: ids, modality and tracer are trimmed; the text has `\r\n` / `\r` turned into
/// `\n`, trailing whitespace removed from every line, and leading/trailing blank lines removed;
/// labels are serialised as compact JSON in field order. Unknown input fields, the input
/// format (JSONL, text, FHIR) and the file name do not enter the hash.
pub fn content_hash(record: &ReportRecord) -> String {
    let text = normalise_text(&record.text);
    let labels = record
        .labels
        .as_ref()
        .map(|l| serde_json::to_string(l).expect("labels serialise"));
    let date = record.exam_date.format("%Y-%m-%d").to_string();
    let fields: [(&str, Option<&str>); 7] = [
        ("report_id", Some(record.report_id.trim())),
        ("patient_id", Some(record.patient_id.trim())),
        ("exam_date", Some(&date)),
        ("modality", nonblank(&record.modality)),
        ("tracer", nonblank(&record.tracer)),
        ("text", Some(&text)),
        ("labels", labels.as_deref()),
    ];
    let mut h = Sha256::new();
    h.update(CONTENT_HASH_VERSION.as_bytes());
    h.update(b"\n");
    for (name, value) in fields {
        h.update(name.as_bytes());
        match value {
            Some(v) => {
                h.update(format!(":{}:", v.len()).as_bytes());
                h.update(v.as_bytes());
            }
            None => h.update(b":-"),
        }
        h.update(b"\n");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn normalise_text(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = unified.lines().map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    match (first, last) {
        (Some(a), Some(b)) => lines[a..=b].join("\n"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split_sections;
    use chrono::NaiveDate;
    use priors_core::Labels;

    const LYMPHOMA: &str = "\
CLINICAL HISTORY: 34-year-old with classical Hodgkin lymphoma, interim PET after 2 cycles ABVD.
TECHNIQUE: 18F-FDG PET/CT from skull base to mid-thigh, 60 minutes post injection.
COMPARISON: Baseline PET/CT 2024-01-10 (Deauville 5 at baseline).
FINDINGS:
Neck: Previously avid left supraclavicular node now 1.1 cm, SUVmax 2.1 (previously SUVmax 11.8).
Chest: Residual anterior mediastinal mass with SUV max of 3.9, above mediastinal blood pool \
(SUVmean 1.6) and below liver (mean SUV 2.4).
Abdomen and pelvis: No disease. Spleen normal.
Bones: No focal lesions.
IMPRESSION:
Partial metabolic response, Deauville score of 3.
";

    fn record(text: &str) -> ReportRecord {
        ReportRecord {
            report_id: "SYN-R-0042".into(),
            patient_id: "SYN-P-0042".into(),
            exam_date: NaiveDate::from_ymd_opt(2024, 3, 5).unwrap(),
            modality: None,
            tracer: None,
            text: text.into(),
            labels: None,
        }
    }

    #[test]
    fn extracts_a_lymphoma_report() {
        let r = record(LYMPHOMA);
        let m = extract_meta(&r, &split_sections(&r.text));
        assert_eq!(m.report_id, "SYN-R-0042");
        assert_eq!(m.modality, "PET/CT");
        assert_eq!(m.tracer.as_deref(), Some("FDG"));
        assert_eq!(m.cancer_type.as_deref(), Some("hodgkin_lymphoma"));
        assert_eq!(m.suv_max, vec![2.1, 11.8, 3.9]);
        assert_eq!(m.deauville, Some(3));
        assert_eq!(m.laterality, vec!["left".to_string()]);
        assert_eq!(m.content_hash.len(), 64);
    }

    #[test]
    fn record_fields_win_and_are_normalised() {
        let mut r = record("TECHNIQUE: 18F-FDG.\nFINDINGS: x");
        r.modality = Some(" PET-MRI whole body ".into());
        r.tracer = Some("68Ga-PSMA-11".into());
        let m = extract_meta(&r, &split_sections(&r.text));
        assert_eq!(m.modality, "PET/MR");
        assert_eq!(m.tracer.as_deref(), Some("PSMA"));
        r.modality = Some("SPECT/CT".into());
        r.tracer = Some("flt".into());
        let m = extract_meta(&r, &split_sections(&r.text));
        assert_eq!(m.modality, "SPECT/CT");
        assert_eq!(m.tracer.as_deref(), Some("FLT"));
        r.modality = Some("  ".into());
        r.tracer = Some("".into());
        let m = extract_meta(&r, &split_sections(&r.text));
        assert_eq!(m.modality, "PET/CT");
        assert_eq!(m.tracer.as_deref(), Some("FDG"));
    }

    #[test]
    fn modality_from_text_or_default() {
        assert_eq!(modality_in("Whole body PET/MR with Ga-68"), Some("PET/MR"));
        assert_eq!(modality_in("FDG PET-CT"), Some("PET/CT"));
        assert_eq!(modality_in("PET/CT, compared with PET/MR"), Some("PET/CT"));
        assert_eq!(modality_in("CT chest"), None);
        assert_eq!(modality_in("PETROUS bone"), None);
        let r = record("FINDINGS: No uptake.");
        assert_eq!(
            extract_meta(&r, &split_sections(&r.text)).modality,
            "PET/CT"
        );
        let r = record("EXAM: PET/MRI\nFINDINGS: No uptake.");
        assert_eq!(
            extract_meta(&r, &split_sections(&r.text)).modality,
            "PET/MR"
        );
    }

    #[test]
    fn tracer_table() {
        let cases: &[(&str, Option<&str>)] = &[
            ("10 mCi 18F-FDG IV", Some("FDG")),
            ("Fluorodeoxyglucose PET", Some("FDG")),
            ("68Ga-PSMA-11 PET/CT", Some("PSMA")),
            ("18F-DCFPyL 9 mCi", Some("PSMA")),
            ("Ga-68 DOTATATE", Some("DOTATATE")),
            ("68Ga-DOTATOC", Some("DOTATATE")),
            ("SSTR imaging", Some("DOTATATE")),
            ("DOTATATE, correlated with prior FDG", Some("DOTATATE")),
            ("CT with contrast", None),
            ("FDGX", None),
        ];
        for (text, want) in cases {
            assert_eq!(tracer_in(text), *want, "{text:?}");
        }
        // From technique only, not from the findings or history.
        let r = record(
            "HISTORY: prior FDG PET.\nTECHNIQUE: 5 mCi 68Ga-PSMA-11.\nFINDINGS: FDG avid? n/a",
        );
        let m = extract_meta(&r, &split_sections(&r.text));
        assert_eq!(m.tracer.as_deref(), Some("PSMA"));
        let r = record("HISTORY: prior FDG PET.\nFINDINGS: No uptake.");
        assert_eq!(extract_meta(&r, &split_sections(&r.text)).tracer, None);
    }

    #[test]
    fn suv_table() {
        let cases: &[(&str, &[f32])] = &[
            ("SUVmax 12.4", &[12.4]),
            ("SUV max of 7.9", &[7.9]),
            ("SUVmax: 3", &[3.0]),
            ("maximum SUV 5.2", &[5.2]),
            ("max SUV 5.2", &[5.2]),
            ("SUVmax = 4.1", &[4.1]),
            ("nodule (SUV 6.0).", &[6.0]),
            ("SUV(max) 4.5", &[4.5]),
            ("SUV-max 2", &[2.0]),
            ("SUVmax of up to 8.1", &[8.1]),
            ("SUVmax approximately 5", &[5.0]),
            ("suvmax 3.3, SUVmax 4.4; SUVmax 12.", &[3.3, 4.4, 12.0]),
            ("SUVmax 12.4 (previously 15.1)", &[12.4]),
            ("SUVmax 22.0 and 18.7.", &[22.0, 18.7]),
            ("SUVmax values of 3.1, 4.5, and 6.0", &[3.1, 4.5, 6.0]),
            ("SUVmax 4.1/5.2", &[4.1, 5.2]),
            ("SUVmax 3.1 to 5.0", &[3.1, 5.0]),
            ("SUVmax 5.1, 2 additional nodes", &[5.1]),
            ("SUVmax 5.1, 2.0 cm node", &[5.1]),
            ("SUVmax 5.1 and 2 nodes", &[5.1]),
            // Negatives.
            ("SUVmean 3.2", &[]),
            ("SUVpeak 4.0", &[]),
            ("mean SUV 2.4", &[]),
            ("SUV mean 2.4", &[]),
            ("SUL peak 3.1", &[]),
            ("SUVmax not measurable", &[]),
            ("SUVmax 3 cm", &[]),
            ("SUVmax decreased by 40%", &[]),
            ("SUVmax 40 %", &[]),
            ("SUVmax 450", &[]),
            ("pseudoSUV 4", &[]),
            ("", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(suv_max_values(text), *want, "{text:?}");
        }
    }

    #[test]
    fn deauville_table() {
        let cases: &[(&str, Option<u8>)] = &[
            ("Deauville 4", Some(4)),
            ("Deauville score of 3.", Some(3)),
            ("Deauville 5-point scale: 2", Some(2)),
            ("Deauville five-point scale score 1", Some(1)),
            ("Deauville score: 5", Some(5)),
            ("Deauville criteria score 3", Some(3)),
            ("deauville 4/5", Some(4)),
            ("DS 4", Some(4)),
            ("(DS: 2)", Some(2)),
            ("Baseline Deauville 5. Now Deauville 2.", Some(2)),
            ("Previously Deauville 5, now 2.", None),
            // Negatives.
            ("Deauville 6", None),
            ("Deauville 0", None),
            ("Deauville score not applicable", None),
            ("Deauville 3.5", None),
            ("ds 4", None),
            ("DS 12", None),
            ("Deauville 12", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(deauville_score(text), *want, "{text:?}");
        }
    }

    #[test]
    fn deauville_prefers_impression_and_ignores_comparison() {
        let r = record(LYMPHOMA);
        let m = extract_meta(&r, &split_sections(&r.text));
        assert_eq!(m.deauville, Some(3));
        let r = record(
            "COMPARISON: Deauville 5.\nFINDINGS: Residual uptake, DS 4.\nIMPRESSION: Stable.",
        );
        let m = extract_meta(&r, &split_sections(&r.text));
        assert_eq!(m.deauville, Some(4));
        let r = record("COMPARISON: Deauville 5.\nFINDINGS: No uptake.");
        assert_eq!(extract_meta(&r, &split_sections(&r.text)).deauville, None);
    }

    #[test]
    fn laterality_table() {
        let cases: &[(&str, &[&str])] = &[
            ("Left axillary node.", &["left"]),
            ("Right-sided effusion; LEFT hilar node.", &["left", "right"]),
            (
                "Bilateral hilar nodes, bilaterally symmetric.",
                &["bilateral"],
            ),
            ("bilateral, left and right", &["bilateral", "left", "right"]),
            ("Bright cleft, copyright, leftover.", &[]),
            ("No focal uptake.", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(laterality(text), *want, "{text:?}");
        }
    }

    #[test]
    fn cancer_type_from_indication_only() {
        let r = record("HISTORY: Follicular lymphoma.\nFINDINGS: No melanoma-like lesion.");
        let m = extract_meta(&r, &split_sections(&r.text));
        assert_eq!(m.cancer_type.as_deref(), Some("follicular_lymphoma"));
        let r = record("FINDINGS: Consistent with sarcoidosis.");
        assert_eq!(extract_meta(&r, &split_sections(&r.text)).cancer_type, None);
        // No indication section: the leading header-less text is used.
        let r = record("68-year-old with prostate cancer.\nFINDINGS: No uptake.");
        let m = extract_meta(&r, &split_sections(&r.text));
        assert_eq!(m.cancer_type.as_deref(), Some("prostate"));
    }

    #[test]
    fn hash_changes_only_with_content() {
        let base = record("FINDINGS: Uptake.\nIMPRESSION: Stable.");
        let h = content_hash(&base);
        assert_eq!(h, content_hash(&base.clone()));
        assert!(h
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));

        // Formatting-only differences do not change the hash.
        let mut same = base.clone();
        same.text = "\r\nFINDINGS: Uptake.   \r\nIMPRESSION: Stable.\r\n\r\n".into();
        same.modality = Some(" ".into());
        assert_eq!(content_hash(&same), h);

        // Every content field does.
        let mut variants = Vec::new();
        let mut v = base.clone();
        v.report_id = "SYN-R-0043".into();
        variants.push(v);
        let mut v = base.clone();
        v.patient_id = "SYN-P-0043".into();
        variants.push(v);
        let mut v = base.clone();
        v.exam_date = NaiveDate::from_ymd_opt(2024, 3, 6).unwrap();
        variants.push(v);
        let mut v = base.clone();
        v.modality = Some("PET/CT".into());
        variants.push(v);
        let mut v = base.clone();
        v.tracer = Some("FDG".into());
        variants.push(v);
        let mut v = base.clone();
        v.text = "FINDINGS: Uptake.\nIMPRESSION: Progression.".into();
        variants.push(v);
        let mut v = base.clone();
        v.labels = Some(Labels {
            cancer_type: "melanoma".into(),
            histology: None,
            stage: None,
            deauville: None,
            response: None,
            sites: vec![],
            timepoint: None,
        });
        variants.push(v);
        let mut hashes: Vec<String> = variants.iter().map(content_hash).collect();
        hashes.push(h);
        let n = hashes.len();
        hashes.sort();
        hashes.dedup();
        assert_eq!(hashes.len(), n, "every field changes the hash");

        // Field boundaries are unambiguous: moving text between fields changes the hash.
        let mut a = base.clone();
        a.modality = Some("PET".into());
        a.tracer = Some("CT".into());
        let mut b = base.clone();
        b.modality = Some("PETC".into());
        b.tracer = Some("T".into());
        assert_ne!(content_hash(&a), content_hash(&b));
    }

    proptest::proptest! {
        /// The extractors slice by byte offsets: they must never panic on arbitrary text, and
        /// only ever return values in range.
        #[test]
        fn extractors_never_panic(
            text in "(\\PC|SUV|max|Deauville|DS|\\.| |[0-9]|left|é|history of|no|NET){0,60}"
        ) {
            for v in suv_max_values(&text) {
                proptest::prop_assert!((0.0..=200.0).contains(&v));
            }
            if let Some(d) = deauville_score(&text) {
                proptest::prop_assert!((1..=5).contains(&d));
            }
            let _ = laterality(&text);
            let _ = tracer_in(&text);
            let _ = modality_in(&text);
            if let Some(t) = crate::cancer::cancer_type(&text) {
                proptest::prop_assert!(priors_core::CancerType::parse(t).is_some());
            }
            let r = record(&text);
            let m = extract_meta(&r, &split_sections(&r.text));
            proptest::prop_assert_eq!(m.content_hash.len(), 64);
        }
    }

    #[test]
    fn hash_is_pinned() {
        // The canonical form is part of the stored data: changing it must be deliberate
        // (bump CONTENT_HASH_VERSION and update this value).
        let r = record("FINDINGS: Uptake.");
        let mut expected = Sha256::new();
        expected.update(
            "priors-report-content/v1\nreport_id:10:SYN-R-0042\npatient_id:10:SYN-P-0042\n\
exam_date:10:2024-03-05\nmodality:-\ntracer:-\ntext:17:FINDINGS: Uptake.\nlabels:-\n",
        );
        let expected: String = expected
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(content_hash(&r), expected);
    }
}
