//! Staging questions answered from the rules, cited to guideline passages; a term-overlap
//! ranking of passages when the rules cannot decide.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::answer::{
    stage_lung_features, stage_lymphoma_features, stage_lymphoma_response, Cancer, StagingAnswer,
};
use crate::common::Category;
use crate::lung::extract::extract_lung_with;
use crate::lymphoma::extract::extract_lymphoma;
use crate::passage::Passage;

/// Characters of passage text quoted in a citation.
const SNIPPET_CHARS: usize = 280;
/// Passages returned by the ranking when the rules cannot decide.
const RANKED: usize = 5;

/// A cited guideline passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// Passage id.
    pub id: String,
    /// Passage title.
    pub title: String,
    /// Source and edition, e.g. `AJCC Cancer Staging Manual, 8th edition (lung), 8th (2017)`.
    pub source: String,
    /// The beginning of the passage text.
    pub snippet: String,
}

/// The answer to a staging question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuidelineAnswer {
    /// The question as asked.
    pub question: String,
    /// One or two sentences. Every category stated names the passage ids that justify it.
    pub answer: String,
    /// Whether the rules decided what was asked. When `false`, `citations` are the passages
    /// ranked most relevant to the question, not a justification.
    pub decided: bool,
    /// The full rule output on the question text, when a staging system applied.
    pub staging: Option<StagingAnswer>,
    /// Passages: first those the decision cites, then (when something was not decided) the
    /// best term-overlap matches.
    pub citations: Vec<Citation>,
}

const LYMPHOMA_WORDS: &[&str] = &[
    "lymphoma",
    "hodgkin",
    "dlbcl",
    "lugano",
    "deauville",
    "ann arbor",
    "spleen",
    "splenic",
    "cmr",
    "pmr",
    "nmr",
    "pmd",
    "metabolic response",
    "extranodal",
    "diaphragm",
    "waldeyer",
];
const LUNG_WORDS: &[&str] = &[
    "lung",
    "lobe",
    "tumour",
    "tumor",
    "nsclc",
    "ajcc",
    "t category",
    "n category",
    "m category",
    "pleura",
    "pleural",
    "bronchus",
    "carina",
    "hilar",
    "mediastinal",
    "nodule",
    "adenocarcinoma",
    "t1",
    "t2",
    "t3",
    "t4",
    "n1",
    "n2",
    "n3",
    "m1a",
    "m1b",
    "m1c",
    "station",
];
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "is", "are", "what", "which", "of", "with", "and", "or", "for", "to", "in",
    "on", "at", "by", "be", "does", "do", "how", "when", "why", "it", "its", "this", "that", "as",
    "from", "cm", "mm", "category", "stage", "there", "if", "can", "should",
];

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

fn contains_phrase(words: &[String], phrase: &str) -> bool {
    let p: Vec<&str> = phrase.split_whitespace().collect();
    words
        .windows(p.len())
        .any(|w| w.iter().zip(&p).all(|(a, b)| a == b))
}

fn term(w: &str) -> String {
    let w = w.trim_end_matches('s');
    w.to_string()
}

/// Rank passages by overlap with the question's terms, each term weighted by how rare it is
/// among the passages; ties broken by id. Only passages sharing at least one term.
pub fn rank_passages<'p>(question: &str, passages: &'p [Passage], k: usize) -> Vec<&'p Passage> {
    let q: BTreeSet<String> = words(question)
        .into_iter()
        .filter(|w| !STOPWORDS.contains(&w.as_str()) && w.len() > 1)
        .map(|w| term(&w))
        .collect();
    let docs: Vec<BTreeSet<String>> = passages
        .iter()
        .map(|p| {
            words(&format!("{} {} {} {}", p.id, p.title, p.section, p.text))
                .iter()
                .map(|w| term(w))
                .collect()
        })
        .collect();
    let n = passages.len() as f64;
    let mut df: HashMap<&str, usize> = HashMap::new();
    for t in &q {
        df.insert(t, docs.iter().filter(|d| d.contains(t)).count());
    }
    let mut scored: Vec<(f64, &Passage)> = passages
        .iter()
        .zip(&docs)
        .map(|(p, d)| {
            let s: f64 = q
                .iter()
                .filter(|t| d.contains(*t))
                .map(|t| (1.0 + n / df[t.as_str()].max(1) as f64).ln())
                .sum();
            (s, p)
        })
        .filter(|(s, _)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    scored.into_iter().take(k).map(|(_, p)| p).collect()
}

fn cite(p: &Passage) -> Citation {
    Citation {
        id: p.id.clone(),
        title: p.title.clone(),
        source: format!("{}, {}", p.source, p.edition),
        snippet: p.snippet(SNIPPET_CHARS),
    }
}

fn label(c: Category, cancer: Cancer) -> &'static str {
    match (c, cancer) {
        (Category::T, _) => "T category",
        (Category::N, _) => "N category",
        (Category::M, _) => "M category",
        (Category::Stage, Cancer::Lung) => "AJCC 8th stage group",
        (Category::Stage, Cancer::Lymphoma) => "Lugano stage",
        (Category::Deauville, _) => "Deauville score",
        (Category::Response, _) => "Lugano metabolic response",
    }
}

/// Answer a staging question: run the extractor and rules on the question itself, state the
/// categories asked for with the passages that justify them, and when the rules cannot decide,
/// say so and return the passages that share most terms with the question.
pub fn ask(question: &str, passages: &[Passage]) -> GuidelineAnswer {
    let w = words(question);
    let has = |list: &[&str]| list.iter().any(|p| contains_phrase(&w, p));
    // RECIST and PERCIST are reference questions: no staging system applies.
    let cancer = if has(&["percist", "recist"]) {
        None
    } else if has(LYMPHOMA_WORDS) {
        Some(Cancer::Lymphoma)
    } else if has(LUNG_WORDS) {
        Some(Cancer::Lung)
    } else {
        None
    };
    let mut asked: Vec<Category> = Vec::new();
    let mut want = |c: Category, yes: bool| {
        if yes && !asked.contains(&c) {
            asked.push(c);
        }
    };
    want(
        Category::T,
        contains_phrase(&w, "t category")
            || contains_phrase(&w, "t stage")
            || contains_phrase(&w, "what t")
            || contains_phrase(&w, "which t"),
    );
    want(
        Category::N,
        contains_phrase(&w, "n category")
            || contains_phrase(&w, "nodal category")
            || contains_phrase(&w, "what n")
            || contains_phrase(&w, "which n"),
    );
    want(
        Category::M,
        contains_phrase(&w, "m category")
            || contains_phrase(&w, "what m")
            || contains_phrase(&w, "which m"),
    );
    want(
        Category::Deauville,
        has(&["deauville", "five point", "5 point", "score"]) && cancer == Some(Cancer::Lymphoma),
    );
    want(
        Category::Response,
        has(&[
            "response",
            "cmr",
            "pmr",
            "nmr",
            "pmd",
            "progression",
            "progressive",
        ]) && cancer == Some(Cancer::Lymphoma),
    );
    want(
        Category::Stage,
        has(&["stage", "staging"]) && !has(&["t stage"]),
    );

    let staging = cancer.map(|c| match c {
        Cancer::Lung => stage_lung_features(&extract_lung_with(question, true)),
        Cancer::Lymphoma => {
            let mut f = extract_lymphoma(question);
            if asked
                .iter()
                .any(|a| matches!(a, Category::Deauville | Category::Response))
            {
                let mut a = stage_lymphoma_response(&f);
                if asked.contains(&Category::Stage) {
                    f.timepoint = None;
                    let s = stage_lymphoma_features(&f);
                    a.stage = s.stage;
                    a.evidence.extend(s.evidence);
                    a.missing.extend(s.missing);
                }
                a
            } else {
                f.timepoint = None;
                stage_lymphoma_features(&f)
            }
        }
    });
    let by_id: HashMap<&str, &Passage> = passages.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut citations: Vec<Citation> = Vec::new();
    let mut cited: BTreeSet<String> = BTreeSet::new();
    let mut add = |id: &str, citations: &mut Vec<Citation>| {
        if cited.insert(id.to_string()) {
            if let Some(p) = by_id.get(id) {
                citations.push(cite(p));
            }
        }
    };

    let mut sentences: Vec<String> = Vec::new();
    let mut undecided: Vec<Category> = Vec::new();
    if let Some(a) = &staging {
        let targets: Vec<Category> = if asked.is_empty() {
            a.categories()
                .iter()
                .copied()
                .filter(|c| a.value_of(*c).is_some())
                .collect()
        } else {
            asked
                .iter()
                .copied()
                .filter(|c| a.categories().contains(c))
                .collect()
        };
        let mut parts = Vec::new();
        for c in &targets {
            match a.value_of(*c) {
                Some(v) => {
                    let ev: Vec<_> = a.evidence_for(*c).collect();
                    let mut ids: Vec<&str> = Vec::new();
                    for e in &ev {
                        if !ids.contains(&e.guideline.as_str()) {
                            ids.push(&e.guideline);
                        }
                    }
                    let mut why = ev
                        .first()
                        .map_or(String::new(), |e| format!(" (\"{}\": {})", e.span, e.note));
                    if *c == Category::T {
                        for n in a.notes.iter().filter(|n| n.starts_with("also ")) {
                            why = format!("{why}; {n}");
                        }
                    }
                    if *c == Category::Stage && a.cancer == Cancer::Lung {
                        // The stage rests on T, N and M: name them and their passages too.
                        let mut parts = Vec::new();
                        for sub in [Category::T, Category::N, Category::M] {
                            if let (Some(v), Some(e)) =
                                (a.value_of(sub), a.evidence_for(sub).next())
                            {
                                parts.push(format!("{v} from \"{}\"", e.span));
                                if !ids.contains(&e.guideline.as_str()) {
                                    ids.push(&e.guideline);
                                }
                            }
                        }
                        if !parts.is_empty() {
                            why = format!(" ({})", parts.join(", "));
                        }
                    }
                    parts.push(format!(
                        "the {} is {v}{why} [{}]",
                        label(*c, a.cancer),
                        ids.join(", ")
                    ));
                    for id in ids {
                        add(id, &mut citations);
                    }
                }
                None => undecided.push(*c),
            }
        }
        if !parts.is_empty() {
            let mut s = parts.join("; ");
            if let Some(first) = s.get(..1) {
                s = format!("{}{}", first.to_uppercase(), &s[1..]);
            }
            sentences.push(format!("{s}."));
        }
        if targets.is_empty() && asked.is_empty() {
            undecided.push(Category::Stage);
        }
        if !undecided.is_empty() {
            let what: Vec<String> = undecided
                .iter()
                .map(|c| {
                    let detail = a
                        .missing
                        .iter()
                        .find(|m| m.category == *c)
                        .map(|m| m.detail.clone());
                    match detail {
                        Some(d) => format!("the {} ({d})", label(*c, a.cancer)),
                        None => format!("the {}", label(*c, a.cancer)),
                    }
                })
                .collect();
            sentences.push(format!("The rules cannot decide {} from the question; the most relevant guideline passages are listed.", what.join(" or ")));
        }
    } else {
        sentences.push("The staging rules cannot decide this question; the most relevant guideline passages are listed.".to_string());
    }
    let decided = staging.is_some() && undecided.is_empty() && !sentences.is_empty();
    if !decided {
        for p in rank_passages(question, passages, RANKED) {
            add(&p.id, &mut citations);
        }
    }
    GuidelineAnswer {
        question: question.to_string(),
        answer: sentences.join(" "),
        decided,
        staging,
        citations,
    }
}
