//! Splitting a report into sections by its headers.

use priors_core::{Section, SectionKind};

/// Header phrases (upper case, single spaces) and the section they open.
///
/// `REPORT` is special-cased in [`classify_label`]: it only counts when it is the whole label,
/// because `FDG PET/CT REPORT` is usually a title, not the start of the findings.
const PHRASES: &[(&str, SectionKind)] = &[
    ("CLINICAL HISTORY", SectionKind::Indication),
    ("HISTORY", SectionKind::Indication),
    ("PATIENT HISTORY", SectionKind::Indication),
    ("INDICATION", SectionKind::Indication),
    ("INDICATIONS", SectionKind::Indication),
    ("CLINICAL INDICATION", SectionKind::Indication),
    ("CLINICAL INDICATIONS", SectionKind::Indication),
    ("CLINICAL INFORMATION", SectionKind::Indication),
    ("CLINICAL DETAILS", SectionKind::Indication),
    ("REASON FOR EXAM", SectionKind::Indication),
    ("REASON FOR EXAMINATION", SectionKind::Indication),
    ("REASON FOR STUDY", SectionKind::Indication),
    ("REASON FOR REFERRAL", SectionKind::Indication),
    ("TECHNIQUE", SectionKind::Technique),
    ("PROCEDURE", SectionKind::Technique),
    ("PROTOCOL", SectionKind::Technique),
    ("COMPARISON", SectionKind::Comparison),
    ("COMPARISONS", SectionKind::Comparison),
    ("COMPARISON STUDY", SectionKind::Comparison),
    ("COMPARISON STUDIES", SectionKind::Comparison),
    ("PRIOR STUDIES", SectionKind::Comparison),
    ("PRIOR STUDY", SectionKind::Comparison),
    ("FINDINGS", SectionKind::Findings),
    ("RESULTS", SectionKind::Findings),
    ("RESULT", SectionKind::Findings),
    ("IMPRESSION", SectionKind::Impression),
    ("IMPRESSIONS", SectionKind::Impression),
    ("CONCLUSION", SectionKind::Impression),
    ("CONCLUSIONS", SectionKind::Impression),
    ("SUMMARY", SectionKind::Impression),
    ("OPINION", SectionKind::Impression),
];

/// Words that may precede a phrase (`PET/CT FINDINGS`, `FINAL IMPRESSION`) or stand alone as one
/// part of a compound label (`PET` in `PET/CT FINDINGS`, which splits at `/`).
const QUALIFIERS: &[&str] = &[
    "PET",
    "CT",
    "MR",
    "MRI",
    "PET-CT",
    "PET-MR",
    "PET-MRI",
    "PETCT",
    "FDG",
    "18F-FDG",
    "PSMA",
    "DOTATATE",
    "NM",
    "FINAL",
    "ADDITIONAL",
    "DETAILED",
    "RELEVANT",
    "PERTINENT",
    "BRIEF",
    "KEY",
    "OVERALL",
];

/// Split report text into sections.
///
/// A header is a line (leading whitespace allowed) whose label is a known section name,
/// case-insensitively, either alone on the line or followed by `:` and optionally text (which
/// becomes the first line of the section body):
///
/// | kind | labels |
/// |---|---|
/// | indication | `CLINICAL HISTORY`, `HISTORY`, `INDICATION`, `CLINICAL INDICATION`, `REASON FOR EXAM`, `CLINICAL INFORMATION`, `CLINICAL DETAILS`, … |
/// | technique | `TECHNIQUE`, `PROCEDURE`, `PROTOCOL` |
/// | comparison | `COMPARISON`, `PRIOR STUDIES`, `COMPARISON STUDIES` |
/// | findings | `FINDINGS`, `RESULTS`, `REPORT` (alone) |
/// | impression | `IMPRESSION`, `CONCLUSION`, `CONCLUSIONS`, `SUMMARY`, `OPINION` |
///
/// Real-world variants are accepted: modality qualifiers (`PET/CT FINDINGS`, `FINAL
/// IMPRESSION`), compounds joined by `/`, `&` or `and` (`FINDINGS/RESULTS`, `FINDINGS AND
/// IMPRESSION` — the first named kind wins) and parenthesised asides (`FINDINGS (PET/CT)`).
///
/// Everything else stays in the current section: region sub-headings inside the findings
/// (`Chest:`, `Abdomen and pelvis:`, `Bones:`), unknown headers (`ADDENDUM:`) and a line that
/// merely starts with a section word (`Findings are consistent with…`). Text before the first
/// header becomes an [`SectionKind::Other`] section with an empty heading (omitted when blank).
///
/// `heading` is the label as written (without the colon); `text` is the body with `\r\n`
/// turned into `\n`, trimmed. Sections with an empty body are kept, so callers can tell
/// "`FINDINGS:` with nothing under it" from "no findings header".
pub fn split_sections(text: &str) -> Vec<Section> {
    let mut sections = Vec::new();
    let mut kind = SectionKind::Other;
    let mut heading = String::new();
    let mut body: Vec<&str> = Vec::new();
    let mut seen_header = false;
    for raw in text.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(h) = match_header(line) {
            flush(&mut sections, kind, &heading, &body, seen_header);
            kind = h.kind;
            heading = h.heading.to_string();
            body.clear();
            if !h.rest.is_empty() {
                body.push(h.rest);
            }
            seen_header = true;
        } else {
            body.push(line);
        }
    }
    flush(&mut sections, kind, &heading, &body, seen_header);
    sections
}

fn flush(out: &mut Vec<Section>, kind: SectionKind, heading: &str, body: &[&str], header: bool) {
    let text = body.join("\n").trim().to_string();
    if !header && text.is_empty() {
        return;
    }
    out.push(Section {
        kind,
        heading: heading.to_string(),
        text,
    });
}

/// A recognised header line.
#[derive(Debug, PartialEq)]
struct Header<'a> {
    kind: SectionKind,
    heading: &'a str,
    rest: &'a str,
}

fn match_header(line: &str) -> Option<Header<'_>> {
    let t = line.trim();
    let (label, rest) = match t.find(':') {
        Some(i) => (t[..i].trim_end(), t[i + 1..].trim_start()),
        None => (t, ""),
    };
    let kind = classify_label(label)?;
    Some(Header {
        kind,
        heading: label,
        rest,
    })
}

/// The section kind a header label opens, if it is a section header.
pub(crate) fn classify_label(label: &str) -> Option<SectionKind> {
    if label.is_empty() || label.len() > 60 {
        return None;
    }
    if !label
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " /&-()".contains(c))
    {
        return None;
    }
    // Drop parenthesised asides: `FINDINGS (PET/CT)`.
    let mut cleaned = String::with_capacity(label.len());
    let mut depth = 0usize;
    for c in label.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1)?,
            _ if depth == 0 => cleaned.push(c.to_ascii_uppercase()),
            _ => {}
        }
    }
    if depth != 0 {
        return None;
    }
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    if words.is_empty() || words.len() > 8 {
        return None;
    }
    let normal = words.join(" ");
    if normal == "REPORT" {
        return Some(SectionKind::Findings);
    }
    let normal = normal.replace('&', " AND ");
    let mut first = None;
    for part in normal.split('/').flat_map(|p| p.split(" AND ")) {
        let mut words: Vec<&str> = part.split_whitespace().collect();
        while words.first().is_some_and(|w| QUALIFIERS.contains(w)) {
            words.remove(0);
        }
        if words.is_empty() {
            continue;
        }
        let phrase = words.join(" ");
        let (_, kind) = PHRASES.iter().find(|(p, _)| *p == phrase)?;
        first.get_or_insert(*kind);
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use SectionKind::*;

    #[test]
    fn header_labels_table() {
        let cases: &[(&str, Option<SectionKind>)] = &[
            ("CLINICAL HISTORY", Some(Indication)),
            ("History", Some(Indication)),
            ("INDICATION", Some(Indication)),
            ("Clinical indication", Some(Indication)),
            ("REASON FOR EXAM", Some(Indication)),
            ("Clinical details", Some(Indication)),
            ("TECHNIQUE", Some(Technique)),
            ("Procedure", Some(Technique)),
            ("PROTOCOL", Some(Technique)),
            ("PET/CT TECHNIQUE", Some(Technique)),
            ("COMPARISON", Some(Comparison)),
            ("PRIOR STUDIES", Some(Comparison)),
            ("FINDINGS", Some(Findings)),
            ("findings", Some(Findings)),
            ("RESULTS", Some(Findings)),
            ("REPORT", Some(Findings)),
            ("FINDINGS/RESULTS", Some(Findings)),
            ("PET/CT FINDINGS", Some(Findings)),
            ("PET-CT FINDINGS", Some(Findings)),
            ("FINDINGS (PET/CT)", Some(Findings)),
            ("FINDINGS AND IMPRESSION", Some(Findings)),
            ("IMPRESSION", Some(Impression)),
            ("Final impression", Some(Impression)),
            ("CONCLUSION", Some(Impression)),
            ("CONCLUSIONS", Some(Impression)),
            ("SUMMARY", Some(Impression)),
            ("OPINION", Some(Impression)),
            // Not section headers.
            ("FDG PET/CT REPORT", None),
            ("Head and neck", None),
            ("Neck", None),
            ("Chest", None),
            ("Thorax", None),
            ("Abdomen and pelvis", None),
            ("Abdomen/pelvis", None),
            ("Musculoskeletal", None),
            ("Bones", None),
            ("Osseous structures", None),
            ("ADDENDUM", None),
            ("EXAM", None),
            ("PET/CT", None),
            ("Findings are consistent with treated disease", None),
            ("Impression of the bowel wall", None),
            ("Time 10", None),
            ("", None),
            ("FINDINGS (PET/CT", None),
        ];
        for (label, want) in cases {
            assert_eq!(classify_label(label), *want, "label {label:?}");
        }
    }

    #[test]
    fn header_lines_table() {
        type Want = Option<(SectionKind, &'static str, &'static str)>;
        let cases: &[(&str, Want)] = &[
            ("FINDINGS:", Some((Findings, "FINDINGS", ""))),
            (
                "FINDINGS: No abnormal uptake.",
                Some((Findings, "FINDINGS", "No abnormal uptake.")),
            ),
            (
                "  Impression :  1. Stable.",
                Some((Impression, "Impression", "1. Stable.")),
            ),
            ("IMPRESSION", Some((Impression, "IMPRESSION", ""))),
            ("Findings\r", Some((Findings, "Findings", ""))),
            ("Chest: 2 cm nodule.", None),
            ("Findings consistent with sarcoidosis.", None),
            ("SUVmax: 4.2", None),
        ];
        for (line, want) in cases {
            let got = match_header(line).map(|h| (h.kind, h.heading, h.rest));
            assert_eq!(got, *want, "line {line:?}");
        }
    }

    const REPORT: &str = "FDG PET/CT REPORT\r\n\
CLINICAL HISTORY: 64-year-old with biopsy-proven NSCLC, staging.\r\n\
TECHNIQUE: 10.2 mCi 18F-FDG IV; imaging after 62 minutes. Glucose 96 mg/dL.\r\n\
COMPARISON: None.\r\n\
\r\n\
FINDINGS:\r\n\
Head and neck: No hypermetabolic cervical nodes.\r\n\
Chest: Spiculated right upper lobe mass, 3.4 cm, SUVmax 12.4.\r\n\
ADDENDUM NOTE: reviewed at tumour board.\r\n\
Abdomen and pelvis: Physiologic distribution.\r\n\
Bones: No suspicious osseous lesions.\r\n\
\r\n\
IMPRESSION:\r\n\
1. Hypermetabolic right upper lobe mass consistent with primary malignancy.\r\n";

    #[test]
    fn splits_a_realistic_report() {
        let s = split_sections(REPORT);
        let kinds: Vec<_> = s.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [Other, Indication, Technique, Comparison, Findings, Impression]
        );
        assert_eq!(s[0].heading, "");
        assert_eq!(s[0].text, "FDG PET/CT REPORT");
        assert_eq!(s[1].heading, "CLINICAL HISTORY");
        assert_eq!(s[1].text, "64-year-old with biopsy-proven NSCLC, staging.");
        assert_eq!(s[3].text, "None.");
        let f = &s[4];
        assert!(f.text.starts_with("Head and neck: No hypermetabolic"));
        assert!(f.text.contains("\nChest: Spiculated"));
        assert!(
            f.text.contains("ADDENDUM NOTE: reviewed"),
            "unknown header stays"
        );
        assert!(f.text.ends_with("Bones: No suspicious osseous lesions."));
        assert!(!f.text.contains('\r'));
        assert_eq!(
            s[5].text,
            "1. Hypermetabolic right upper lobe mass consistent with primary malignancy."
        );
    }

    #[test]
    fn leading_text_empty_sections_and_no_headers() {
        assert_eq!(split_sections(""), vec![]);
        assert_eq!(split_sections("  \n\n"), vec![]);
        let s = split_sections("Whole body PET/CT.\nNo uptake.");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].kind, Other);
        assert_eq!(s[0].text, "Whole body PET/CT.\nNo uptake.");
        let s = split_sections("FINDINGS:\n\nIMPRESSION: Normal study.");
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].kind, s[0].text.as_str()), (Findings, ""));
        assert_eq!(
            (s[1].kind, s[1].text.as_str()),
            (Impression, "Normal study.")
        );
    }

    fn squash(s: &str) -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != ':')
            .collect()
    }

    proptest::proptest! {
        /// Nothing is lost or invented: headings and bodies, in order, are the input minus
        /// whitespace and header colons.
        #[test]
        fn sections_keep_all_content(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("FINDINGS:".to_string()),
                    proptest::strategy::Just("\nImpression\n".to_string()),
                    proptest::strategy::Just("\n PET/CT findings: ".to_string()),
                    proptest::strategy::Just("\nChest: ".to_string()),
                    proptest::strategy::Just("\r\n".to_string()),
                    "\\PC{0,20}",
                    "[A-Za-z :/()\n]{0,20}",
                ],
                0..20,
            )
        ) {
            let text = parts.concat();
            let sections = split_sections(&text);
            let joined: String = sections
                .iter()
                .map(|s| format!("{}{}", s.heading, s.text))
                .collect();
            proptest::prop_assert_eq!(squash(&joined), squash(&text));
            for s in &sections {
                proptest::prop_assert_eq!(s.text.trim(), s.text.as_str());
                proptest::prop_assert!(!s.text.contains('\r'));
            }
        }
    }

    #[test]
    fn repeated_headers_make_separate_sections() {
        let s = split_sections("Findings: a\nHistory: b\nFindings: c");
        let got: Vec<_> = s.iter().map(|s| (s.kind, s.text.as_str())).collect();
        assert_eq!(got, [(Findings, "a"), (Indication, "b"), (Findings, "c")]);
    }
}
