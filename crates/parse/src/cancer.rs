//! Mapping the indication text to the [`priors_core::CancerType`] vocabulary.
//!
//! The text is cut into word tokens (runs of letters and digits, `&` read as `and`) grouped in
//! clauses (split at `.`, `;`, `!`, `?`, newlines). A small pattern language matches token
//! sequences:
//!
//! - `word` matches the token case-insensitively, `a|b` any of several words;
//! - `=NET` matches case-sensitively (so the word "net" is not a neuroendocrine tumour);
//! - `@ca` is any of [`CA_WORDS`];
//! - `~N` skips up to N tokens.
//!
//! Every pattern match in the text is collected; matches are then taken greedily left to right,
//! longest first, skipping those overlapping an earlier one. Some patterns map to *no* type
//! ("blockers": `non-Hodgkin`, `small cell lung cancer`), so that a shorter pattern inside them
//! (`Hodgkin`, `lung cancer`) does not fire.
//!
//! Each kept match is then judged by its clause context: negated (`no`, `not`, `without`,
//! `negative for`, `denies`, `free of`… within four tokens before) and family-history mentions
//! (`family`, `mother`, `sister`… within six tokens before) are dropped; historical mentions
//! (`remote`, `prior`, `previous`, `former`, `past`… before, `ago` after) are kept as a fallback
//! only. The answer is the first current mention, else the first historical one, else `None`.

use std::sync::OnceLock;

/// Words that make a site into a malignancy (`lung adenocarcinoma`, `colon cancer`).
const CA_WORDS: &[&str] = &[
    "cancer",
    "cancers",
    "carcinoma",
    "carcinomas",
    "adenocarcinoma",
    "adenocarcinomas",
    "malignancy",
    "neoplasm",
    "tumor",
    "tumour",
    "tumors",
    "tumours",
    "ca",
];

/// `(type, pattern)`; an empty type is a blocker.
const PATTERNS: &[(&str, &str)] = &[
    // Blockers: recognised, but not in the vocabulary.
    ("", "small cell lung ~1 @ca"),
    ("", "small cell @ca"),
    ("", "sclc"),
    ("", "non hodgkin|hodgkins"),
    ("", "nhl"),
    ("", "squamous cell @ca of the ~1 skin"),
    // Lung.
    ("nsclc", "nsclc"),
    ("nsclc", "non small cell"),
    ("nsclc", "nonsmall cell"),
    ("nsclc", "lung|lungs|pulmonary ~2 @ca"),
    ("nsclc", "@ca of the ~2 lung|lungs"),
    ("nsclc", "@ca ~3 of the ~2 upper|middle|lower lobe"),
    ("nsclc", "upper|middle|lower lobe ~2 @ca"),
    // Lymphoma.
    ("hodgkin_lymphoma", "hodgkin|hodgkins"),
    ("hodgkin_lymphoma", "=cHL|=CHL|=NLPHL"),
    ("dlbcl", "diffuse large b cell"),
    ("dlbcl", "large b cell lymphoma"),
    ("dlbcl", "dlbcl"),
    ("follicular_lymphoma", "follicular ~3 lymphoma|nhl"),
    ("follicular_lymphoma", "=FL grade"),
    // Breast.
    ("breast", "inflammatory breast ~1 @ca"),
    ("breast", "breast ~2 @ca"),
    ("breast", "@ca of the ~2 breast|breasts"),
    ("breast", "ductal|lobular carcinoma|adenocarcinoma"),
    ("breast", "invasive ductal|lobular"),
    ("melanoma", "melanoma|melanomas"),
    // Colorectal.
    ("colorectal", "colorectal"),
    ("colorectal", "crc"),
    (
        "colorectal",
        "colon|colonic|rectal|rectum|sigmoid|rectosigmoid|cecal|caecal|flexure ~2 @ca",
    ),
    (
        "colorectal",
        "@ca of the ~2 colon|rectum|sigmoid|rectosigmoid|cecum|caecum|flexure",
    ),
    // Head and neck.
    ("head_neck_scc", "hnscc|scchn"),
    ("head_neck_scc", "head and neck ~2 @ca|scc|squamous"),
    (
        "head_neck_scc",
        "oropharyngeal|oropharynx|laryngeal|larynx|tonsillar|tonsil|hypopharyngeal|hypopharynx|supraglottic|glottic|nasopharyngeal ~3 @ca|scc|squamous",
    ),
    ("head_neck_scc", "base of tongue ~3 @ca|scc|squamous"),
    ("head_neck_scc", "p16 positive|negative ~1 scc|squamous"),
    ("head_neck_scc", "oral cavity ~3 @ca|scc|squamous"),
    (
        "head_neck_scc",
        "@ca|scc of the ~3 tonsil|larynx|oropharynx|hypopharynx|tongue|head",
    ),
    // Prostate.
    ("prostate", "prostate|prostatic ~2 @ca"),
    ("prostate", "prostate|prostatectomy|crpc|mcrpc|mhspc|mcspc"),
    ("prostate", "@ca of the prostate"),
    // Neuroendocrine.
    ("neuroendocrine", "neuroendocrine"),
    ("neuroendocrine", "carcinoid|carcinoids"),
    ("neuroendocrine", "=NET|=NETs|=NEN|=NENs"),
    ("neuroendocrine", "pnet|pnets"),
    // Benign mimics.
    ("sarcoidosis", "sarcoid|sarcoidosis"),
    (
        "post_radiation",
        "post|after radiation|radiotherapy|irradiation|chemoradiation|chemoradiotherapy|rt",
    ),
    ("post_radiation", "postradiation"),
    (
        "post_radiation",
        "radiation|radiotherapy pneumonitis|fibrosis|changes|induced|injury|necrosis|esophagitis|oesophagitis",
    ),
    (
        "infection_inflammation",
        "infection|infections|infectious|infected|abscess|abscesses|pneumonia|inflammation|inflammatory|osteomyelitis|sepsis|septic|cellulitis|discitis|endocarditis",
    ),
    ("brown_fat", "brown fat|adipose"),
    (
        "reactive_nodes",
        "reactive ~2 node|nodes|lymphadenopathy|adenopathy|nodal|lymph",
    ),
];

const NEGATION: &[&str] = &[
    "no", "not", "without", "denies", "denied", "excluded", "free",
];
const FAMILY: &[&str] = &[
    "family",
    "familial",
    "mother",
    "father",
    "sister",
    "brother",
    "maternal",
    "paternal",
    "aunt",
    "uncle",
    "daughter",
    "son",
    "grandmother",
    "grandfather",
    "sibling",
];
const HISTORICAL: &[&str] = &[
    "remote",
    "distant",
    "previous",
    "previously",
    "prior",
    "former",
    "past",
    "remission",
];
/// Tokens at which the look-back stops (a new statement starts).
const SCOPE_BREAK: &[&str] = &["but", "now", "however", "presents", "presenting", "new"];

#[derive(Debug)]
enum Elem {
    Word(Vec<String>),
    Exact(Vec<String>),
    Gap(usize),
}

struct Pattern {
    cancer_type: Option<&'static str>,
    elems: Vec<Elem>,
}

fn patterns() -> &'static [Pattern] {
    static CELL: OnceLock<Vec<Pattern>> = OnceLock::new();
    CELL.get_or_init(|| {
        PATTERNS
            .iter()
            .map(|(ty, pat)| Pattern {
                cancer_type: (!ty.is_empty()).then_some(*ty),
                elems: pat.split_whitespace().map(parse_elem).collect(),
            })
            .collect()
    })
}

fn parse_elem(s: &str) -> Elem {
    if let Some(n) = s.strip_prefix('~') {
        return Elem::Gap(n.parse().expect("gap size"));
    }
    let alts: Vec<&str> = s.split('|').collect();
    if alts.iter().all(|a| a.starts_with('=')) {
        return Elem::Exact(alts.iter().map(|a| a[1..].to_string()).collect());
    }
    let mut words = Vec::new();
    for a in alts {
        if a == "@ca" {
            words.extend(CA_WORDS.iter().map(|w| w.to_string()));
        } else {
            assert!(!a.starts_with(['=', '@', '~']), "bad pattern element {a}");
            words.push(a.to_string());
        }
    }
    Elem::Word(words)
}

#[derive(Debug)]
struct Token<'a> {
    text: &'a str,
    lower: String,
    clause: usize,
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut clause = 0;
    let mut start = None;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push(token(&text[s..i], clause));
        }
        match c {
            '&' => out.push(Token {
                text: "&",
                lower: "and".into(),
                clause,
            }),
            '.' => {
                // A decimal point is not a clause break.
                let next_digit = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
                let prev_digit = i > 0 && bytes[i - 1].is_ascii_digit();
                if !(next_digit && prev_digit) {
                    clause += 1;
                }
            }
            ';' | '!' | '?' | '\n' => clause += 1,
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(token(&text[s..], clause));
    }
    out
}

fn token(text: &str, clause: usize) -> Token<'_> {
    Token {
        text,
        lower: text.to_lowercase(),
        clause,
    }
}

/// Length in tokens of a match of `elems` at `tokens[at..]`, if any (longest).
fn match_at(elems: &[Elem], tokens: &[Token<'_>], at: usize, clause: usize) -> Option<usize> {
    let Some((first, rest)) = elems.split_first() else {
        return Some(0);
    };
    match first {
        Elem::Gap(n) => (0..=*n).rev().find_map(|skip| {
            let next = at + skip;
            if skip > 0 && tokens.get(next - 1).is_none_or(|t| t.clause != clause) {
                return None;
            }
            match_at(rest, tokens, next, clause).map(|len| skip + len)
        }),
        Elem::Word(words) | Elem::Exact(words) => {
            let t = tokens.get(at)?;
            if t.clause != clause {
                return None;
            }
            let ok = match first {
                Elem::Exact(_) => words.iter().any(|w| w == t.text),
                _ => words.contains(&t.lower),
            };
            if !ok {
                return None;
            }
            match_at(rest, tokens, at + 1, clause).map(|len| len + 1)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Status {
    Current,
    Historical,
    Dropped,
}

fn status(tokens: &[Token<'_>], start: usize, end: usize) -> Status {
    let clause = tokens[start].clause;
    let before = tokens[..start]
        .iter()
        .enumerate()
        .rev()
        .take_while(|(_, t)| t.clause == clause && !SCOPE_BREAK.contains(&t.lower.as_str()));
    let mut historical = false;
    for (dist, (i, t)) in before.enumerate() {
        let w = t.lower.as_str();
        let negated = NEGATION.contains(&w)
            || (w == "negative" && tokens.get(i + 1).is_some_and(|n| n.lower == "for"));
        if dist < 4 && negated {
            return Status::Dropped;
        }
        if dist < 6 && FAMILY.contains(&w) {
            return Status::Dropped;
        }
        if dist < 6 && HISTORICAL.contains(&w) {
            historical = true;
        }
    }
    let after_ago = tokens[end..]
        .iter()
        .take(6)
        .take_while(|t| t.clause == clause)
        .any(|t| t.lower == "ago");
    if historical || after_ago {
        Status::Historical
    } else {
        Status::Current
    }
}

/// The cancer type that a clinical indication (or any free text) states, by the rules above:
/// what ingest stores as a report's `cancer_type`, for text that is not a stored report (a
/// draft request's indication, a question).
pub fn stated_cancer_type(text: &str) -> Option<priors_core::CancerType> {
    cancer_type(text).and_then(priors_core::CancerType::parse)
}

/// The cancer type stated in `text`, per the module rules.
pub(crate) fn cancer_type(text: &str) -> Option<&'static str> {
    let tokens = tokenize(text);
    // (start, len, type)
    let mut matches: Vec<(usize, usize, Option<&'static str>)> = Vec::new();
    for at in 0..tokens.len() {
        for p in patterns() {
            if let Some(len) = match_at(&p.elems, &tokens, at, tokens[at].clause) {
                if len > 0 {
                    matches.push((at, len, p.cancer_type));
                }
            }
        }
    }
    matches.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut end = 0;
    let mut fallback = None;
    for (start, len, ty) in matches {
        if start < end {
            continue;
        }
        end = start + len;
        let Some(ty) = ty else { continue };
        match status(&tokens, start, end) {
            Status::Current => return Some(ty),
            Status::Historical => {
                fallback.get_or_insert(ty);
            }
            Status::Dropped => {}
        }
    }
    fallback
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_table() {
        let cases: &[(&str, Option<&str>)] = &[
            ("Staging of non-small cell lung cancer.", Some("nsclc")),
            ("Newly diagnosed NSCLC, staging.", Some("nsclc")),
            ("Biopsy-proven lung adenocarcinoma.", Some("nsclc")),
            ("Squamous cell carcinoma of the right lung.", Some("nsclc")),
            ("Lung squamous cell carcinoma, restaging.", Some("nsclc")),
            (
                "Hodgkin lymphoma, interim assessment.",
                Some("hodgkin_lymphoma"),
            ),
            (
                "Classical Hodgkin's disease after 2 cycles ABVD.",
                Some("hodgkin_lymphoma"),
            ),
            (
                "Diffuse large B-cell lymphoma, end of treatment.",
                Some("dlbcl"),
            ),
            ("DLBCL post R-CHOP x6.", Some("dlbcl")),
            ("Non-Hodgkin lymphoma, DLBCL subtype.", Some("dlbcl")),
            (
                "Follicular lymphoma grade 2, suspected transformation.",
                Some("follicular_lymphoma"),
            ),
            (
                "Follicular non-Hodgkin lymphoma.",
                Some("follicular_lymphoma"),
            ),
            ("Left breast cancer, staging.", Some("breast")),
            (
                "Invasive ductal carcinoma of the left breast.",
                Some("breast"),
            ),
            ("Inflammatory breast cancer.", Some("breast")),
            ("Metastatic melanoma of the scalp.", Some("melanoma")),
            ("Melanoma of the head and neck.", Some("melanoma")),
            (
                "Rectal adenocarcinoma, post neoadjuvant therapy.",
                Some("colorectal"),
            ),
            ("Sigmoid cancer with rising CEA.", Some("colorectal")),
            ("Colorectal liver metastases.", Some("colorectal")),
            ("Adenocarcinoma of the sigmoid colon.", Some("colorectal")),
            ("Oropharyngeal SCC, p16 positive.", Some("head_neck_scc")),
            (
                "Head and neck squamous cell carcinoma.",
                Some("head_neck_scc"),
            ),
            (
                "Laryngeal carcinoma, post chemoradiation.",
                Some("head_neck_scc"),
            ),
            ("Tonsillar squamous cell carcinoma.", Some("head_neck_scc")),
            ("SCC of the left tonsil.", Some("head_neck_scc")),
            (
                "Prostate cancer, biochemical recurrence, PSA 2.1.",
                Some("prostate"),
            ),
            ("Rising PSA after radical prostatectomy.", Some("prostate")),
            (
                "Well-differentiated neuroendocrine tumour of the ileum.",
                Some("neuroendocrine"),
            ),
            (
                "Small bowel NET, somatostatin analogue therapy.",
                Some("neuroendocrine"),
            ),
            ("Pulmonary carcinoid.", Some("neuroendocrine")),
            ("Suspected sarcoidosis.", Some("sarcoidosis")),
            (
                "Fever, evaluate for infection.",
                Some("infection_inflammation"),
            ),
            ("Possible psoas abscess.", Some("infection_inflammation")),
            ("Persistent pneumonia.", Some("infection_inflammation")),
            ("Brown fat activation on prior study.", Some("brown_fat")),
            (
                "Radiation pneumonitis versus recurrence.",
                Some("post_radiation"),
            ),
            (
                "Post-radiation changes in the left chest.",
                Some("post_radiation"),
            ),
            ("Reactive lymph nodes on CT.", Some("reactive_nodes")),
        ];
        for (text, want) in cases {
            assert_eq!(cancer_type(text), *want, "{text:?}");
        }
    }

    #[test]
    fn negatives() {
        let cases: &[&str] = &[
            "",
            "Weight loss. Evaluate.",
            "Small cell lung cancer, extensive stage.",
            "SCLC, restaging.",
            "Non-Hodgkin lymphoma.",
            "No history of malignancy.",
            "No evidence of melanoma.",
            "Negative for breast cancer on biopsy.",
            "Family history of breast cancer.",
            "Mother with colon cancer.",
            "Pulmonary nodule; cancer screening.",
            "Lymphoma, unspecified.",
            "Net weight loss of 5 kg.",
            "Squamous cell carcinoma of the skin.",
            "Follicular thyroid carcinoma.",
            "Tonsillar asymmetry.",
        ];
        for text in cases {
            assert_eq!(cancer_type(text), None, "{text:?}");
        }
    }

    #[test]
    fn negation_history_and_order() {
        // Negated first mention is skipped, a later current one wins.
        assert_eq!(
            cancer_type("No known melanoma. Biopsy-proven DLBCL."),
            Some("dlbcl")
        );
        // Historical mentions lose to current ones, but are used when nothing else is stated.
        assert_eq!(
            cancer_type("Remote history of breast cancer. Now new NSCLC, staging."),
            Some("nsclc")
        );
        assert_eq!(
            cancer_type(
                "Breast cancer treated 10 years ago; new lung mass, adenocarcinoma of the lung."
            ),
            Some("nsclc")
        );
        assert_eq!(
            cancer_type("Prior history of melanoma, surveillance."),
            Some("melanoma")
        );
        // "triple negative" is not a negation.
        assert_eq!(
            cancer_type("Triple negative breast cancer."),
            Some("breast")
        );
        // A negation does not reach across "but".
        assert_eq!(
            cancer_type("No fever but known sarcoidosis."),
            Some("sarcoidosis")
        );
        // First current mention wins.
        assert_eq!(
            cancer_type("Hodgkin lymphoma with new pneumonia."),
            Some("hodgkin_lymphoma")
        );
        assert_eq!(
            cancer_type("NSCLC status post radiotherapy, restaging."),
            Some("nsclc")
        );
    }
}
