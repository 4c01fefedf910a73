//! The abnormal part of a findings section: what makes a case a case.
//!
//! PET/CT findings are mostly statements of normality ("No FDG-avid cervical nodes",
//! "Physiologic activity in the brain"), and those statements are shared by every report. Used
//! as a query they pull in any report with the same boilerplate. [`salient_findings`] keeps
//! the sentences that describe something abnormal and drops negated and normal ones; when
//! nothing is left (a normal study) the whole text is kept.

/// Words that mark a sentence as describing an abnormality.
const POSITIVE: &[&str] = &[
    "suv",
    "hypermetabolic",
    "avid",
    "avidity",
    "uptake",
    "mass",
    "nodule",
    "lesion",
    "lesions",
    "metasta",
    "adenopathy",
    "lymphadenopathy",
    "enlarged",
    "thickening",
    "consolidation",
    "effusion",
    "deposit",
    "focus",
    "foci",
    "residual",
    "new",
    "increased",
    "cm",
    "mm",
];

/// Openings and phrases that mark a sentence as a statement of normality.
const NORMAL: &[&str] = &[
    "unremarkable",
    "physiologic",
    "physiological",
    "normal ",
    "normal.",
    "within normal",
    "no focal",
    "no abnormal",
    "no suspicious",
    "no evidence",
    "no fdg",
    "no enlarged",
    "no new",
    "no hypermetabolic",
    "no pathologic",
    "no significant",
    "not enlarged",
    "expected",
];

fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut start = 0;
        let bytes = line.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            let next_is_space = bytes.get(i + 1).is_none_or(|n| *n == b' ');
            let prev_digit = i > 0 && bytes[i - 1].is_ascii_digit();
            let next_digit = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if (*b == b'.' || *b == b';') && next_is_space && !(prev_digit && next_digit) {
                out.push(line[start..=i].trim());
                start = i + 1;
            }
        }
        out.push(line[start..].trim());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Whether a sentence describes an abnormality (and is not a region sub-heading).
fn is_salient(sentence: &str) -> bool {
    let s = sentence.to_lowercase();
    if s.ends_with(':') && s.split_whitespace().count() <= 5 {
        return false; // a region sub-heading such as "Chest:"
    }
    let negated = s.starts_with("no ") || s.starts_with("there is no") || s.starts_with("negative");
    let normal = NORMAL.iter().any(|n| s.contains(n));
    let positive = POSITIVE.iter().any(|p| s.contains(p));
    positive && !negated && !normal
}

/// The abnormal sentences of a findings text, joined; the whole text when there are none.
pub fn salient_findings(text: &str) -> String {
    let kept: Vec<&str> = sentences(text)
        .into_iter()
        .filter(|s| is_salient(s))
        .collect();
    if kept.is_empty() {
        text.trim().to_string()
    } else {
        kept.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_abnormal_sentences_and_drops_boilerplate() {
        let text = "Head and neck:\nPhysiologic activity in the brain and salivary glands. \
                    No FDG-avid cervical nodes.\nChest:\nSpiculated 3.4 cm right upper lobe mass, \
                    SUVmax 12.4. Hypermetabolic right hilar node (station 10R), SUVmax 6.1; \
                    no pleural effusion.\nAbdomen and pelvis:\nUnremarkable.";
        let s = salient_findings(text);
        assert_eq!(
            s,
            "Spiculated 3.4 cm right upper lobe mass, SUVmax 12.4. \
             Hypermetabolic right hilar node (station 10R), SUVmax 6.1;"
        );
    }

    #[test]
    fn a_normal_study_keeps_its_text() {
        let text = "No FDG-avid lesions. Physiologic uptake in the bowel.";
        assert_eq!(salient_findings(text), text);
    }
}
