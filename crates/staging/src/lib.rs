//! Deterministic cancer staging from report text, every answer grounded in the words that
//! decided it and in a cited guideline passage.
//!
//! `priors-staging` reads free-text PET/CT findings and answers with AJCC 8th edition lung
//! cancer TNM and stage group, or with the Lugano 2014 lymphoma stage, Deauville score and
//! metabolic response. Radiologists judge the output, and a wrong stage or an unsupported claim
//! is worse than no answer, so the crate is built around three rules:
//!
//! 1. **Extraction and rules are separate.** An extractor ([`extract_lung`],
//!    [`extract_lymphoma`]) turns text into a features struct ([`LungFeatures`],
//!    [`LymphomaFeatures`]); the rules ([`stage_lung_features`], [`stage_lymphoma_features`])
//!    take only the struct. The structs derive `Serialize`/`Deserialize` with
//!    `deny_unknown_fields`, so another proposer (an LLM constrained by a JSON schema) can fill
//!    them; check its spans with `check_spans` before trusting them.
//! 2. **Every category carries its evidence.** Each non-null value in a [`StagingAnswer`] has
//!    at least one [`Evidence`] entry: the exact input substring that decided it (with byte
//!    offsets) and the id of the guideline passage that justifies the step.
//!    [`StagingAnswer::grounding_errors`] checks this; the vignette test asserts it on every
//!    case.
//! 3. **What the text does not say is missing, not guessed.** No nodes described means `n`
//!    is `null` and a [`Missing`] entry says so; a hilar node without a side cannot be N1 or
//!    N3; an effusion of unknown nature leaves M open; a response scan without a baseline
//!    comparison gets a Deauville score but no PMR/NMR/PMD.
//!
//! ```
//! use priors_staging::{stage, Cancer};
//! let a = stage(Cancer::Lung, "3.6 cm spiculated right upper lobe mass. FDG-avid right hilar \
//!     node (10R). No mediastinal adenopathy. No distant metastases.");
//! assert_eq!(a.t.map(|t| t.as_str()), Some("T2a"));
//! assert_eq!(a.stage.map(|s| s.as_str()), Some("IIB"));
//! let json = serde_json::to_value(&a).unwrap();
//! assert_eq!(json["n"], "N1");
//! assert_eq!(json["deauville"], serde_json::Value::Null);
//! ```
//!
//! # What the rules cover
//!
//! - **Lung, AJCC 8th** ([`lung`]): T from the greatest dimension, rounded to the nearest
//!   millimetre (boundaries 1, 2, 3, 4, 5 and 7 cm belong to the smaller category; part-solid
//!   tumours use the solid component),
//!   from invasion (visceral pleura, main bronchus, atelectasis to the hilum → T2; parietal
//!   pleura, chest wall, superior sulcus, phrenic nerve, parietal pericardium → T3; diaphragm,
//!   mediastinum, heart, great vessels, trachea, carina, recurrent laryngeal nerve,
//!   oesophagus, vertebral body → T4) and from separate nodules (same lobe T3, other
//!   ipsilateral lobe T4, contralateral M1a). Tis and T1mi only from histology words in the
//!   text ("minimally invasive adenocarcinoma"): imaging cannot show them. TX/T0 and occult
//!   carcinoma are never produced; an undescribed primary gives `t: null`. N from IASLC
//!   stations or named groups and their side relative to the primary (stations 5/6 are
//!   left-sided, 7 is midline). M1a/M1b/M1c from contralateral nodules, pleural/pericardial
//!   disease and the count of extrathoracic lesions and organs. The stage group from the full
//!   table ([`lung_stage_group`]). On a post-treatment scan (interim, end of treatment,
//!   surveillance, recurrence; "after carboplatin…") T, N and M are `null` with a missing entry:
//!   clinical TNM belongs to the pre-treatment scan, and restaging residual disease (yTNM,
//!   rTNM) is not attempted; the stage is the one the report states, if any.
//! - **Lymphoma, Lugano 2014** ([`lymphoma`]): stage I, IE, II, IIE, III, IV from Ann Arbor
//!   nodal regions (cervical and supraclavicular on one side are one region), the side of the
//!   diaphragm, the spleen, contiguous (E) versus non-contiguous extranodal disease, liver and
//!   marrow. The Deauville score from a stated score, from words ("moderately above liver"),
//!   or from SUVmax ratios, on response scans only; the metabolic response (CMR, PMR, NMR,
//!   PMD) from the score, the change against baseline and new lesions. On a response scan the
//!   stage is the baseline stage the report states.
//!
//! # Reading text
//!
//! The extractors are rule-based: a tokenizer that keeps byte offsets, sentences and clauses
//! (cut at `;`, `:`, "but", "however"…), a small NegEx (forward triggers such as "no",
//! "without", "negative for", "not"; backward ones such as "has resolved", "unremarkable",
//! "are not enlarged"), size parsing (`3.6 x 2.9 cm`, `28 mm`), and vocabularies of lobes,
//! stations, structures, organs and regions. Findings the report calls benign or a mimic
//! (reactive, granulomatous, brown fat, adenoma, G-CSF marrow, infection) or leaves open
//! (indeterminate, too small to characterise) are not counted and are listed in `notes`.
//! Contact is not invasion: "abutting", "distal to the carina", "fat plane preserved" block
//! an invasion reading.
//!
//! # Guideline passages and questions
//!
//! `data-samples/guidelines/passages.jsonl` holds the passages ([`Passage`], loaded and
//! validated by [`load_passages`]); [`CITED_GUIDELINE_IDS`] lists every id the rules cite and
//! [`check_cited_ids`] proves they exist. [`ask`] answers a staging question by running the
//! extractor and rules on the question itself and citing the passages; when the rules cannot
//! decide, it says so and returns the passages ranked by term overlap ([`rank_passages`]).
//!
//! # Benchmark
//!
//! [`evaluate_vignettes`] scores `tests/vignettes.jsonl` (free-text cases with expected
//! answers, written before the extractor was tuned) per field and lists the misses;
//! [`VignetteReport::to_markdown`] formats it for `BENCHMARKS.md`. The example
//! `cargo run -p priors-staging --example stage -- corpus` also compares the answers with the
//! labels of the synthetic corpus (`data-samples/reports.jsonl`), on the full reports or, with
//! `FINDINGS_ONLY=1`, on the reports without their impression.
//!
//! # Modules and their dependencies
//!
//! Who imports whom: in the tree each module imports the ones below it, in the list `a → b`
//! means `a` imports `b`. There is no circle.
//!
//! ```text
//!             answer               StagingAnswer, Cancer, Stage; stage_lung_features and
//!            /      \              stage_lymphoma_features assemble what the rules decided
//!         lung     lymphoma        each: mod.rs (categories, features), rules.rs, extract/
//!            \      /
//!             common               spelled_enum!, Side, Timepoint; Category, Evidence,
//!                                  Missing, Grounds; reading the scan timepoint
//!
//! lib.rs   → the modules it re-exports from; stage(), stage_lung(), stage_lymphoma()
//! ask      → answer, lung::extract, lymphoma::extract, common, passage
//! vignette → answer, passage, error
//! answer   → lung, lymphoma, common, passage
//! lung     → common, passage, lexicon, text, span, error
//! lymphoma → common, passage, lexicon, text, span, error
//! common   → lexicon, text, span
//! text → span → error;  passage → error;  lexicon imports nothing
//! ```
//!
//! `lung` and `lymphoma` never import each other or `answer`: the rules of each fill their own
//! decision (`LungDecision`, `LymphomaDecision`, each with a `common::Grounds`), and `answer`
//! turns it into a [`StagingAnswer`].

mod answer;
mod ask;
mod common;
mod error;
mod lesions;
mod lexicon;
pub mod lung;
pub mod lymphoma;
mod passage;
mod span;
mod text;
mod vignette;

pub use answer::{stage_lung_features, stage_lymphoma_features, Cancer, Stage, StagingAnswer};
pub use ask::{ask, rank_passages, Citation, GuidelineAnswer};
pub use common::{Category, Evidence, Missing};
pub use error::{Result, StagingError};
pub use lesions::{extract_lesions, sites_named};
pub use lung::extract::extract_lung;
pub use lung::{
    lung_stage_group, t_for_size_mm, LungFeatures, LungStage, MCategory, NCategory, TCategory,
};
pub use lymphoma::extract::extract_lymphoma;
pub use lymphoma::{lugano_stage, LuganoStage, LymphomaFeatures, Response};
pub use passage::{
    check_cited_ids, load_passages, validate_passages, Passage, CITED_GUIDELINE_IDS,
};
pub use span::{Found, Span};
pub use vignette::{
    evaluate_vignettes, load_vignettes, score, FieldAccuracy, Miss, Vignette, VignetteReport,
};

/// Stage lung cancer findings text: [`extract_lung`] then [`stage_lung_features`].
pub fn stage_lung(text: &str) -> StagingAnswer {
    stage_lung_features(&extract_lung(text))
}

/// Stage lymphoma findings text: [`extract_lymphoma`] then [`stage_lymphoma_features`].
pub fn stage_lymphoma(text: &str) -> StagingAnswer {
    stage_lymphoma_features(&extract_lymphoma(text))
}

/// Stage findings text with the system for `cancer` (what `priors stage --cancer` calls).
pub fn stage(cancer: Cancer, text: &str) -> StagingAnswer {
    match cancer {
        Cancer::Lung => stage_lung(text),
        Cancer::Lymphoma => stage_lymphoma(text),
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Pieces of report language, including traps and multi-byte characters, that random
    /// texts are built from.
    const PIECES: &[&str] = &[
        "3.6 x 2.9 cm ",
        "28 mm ",
        "right upper lobe ",
        "left lower lobe ",
        "mass ",
        "nodule ",
        "FDG-avid ",
        "no ",
        "not ",
        "without ",
        "abutting but not invading ",
        "the aorta ",
        "carina ",
        "4R ",
        "station 7 ",
        "(10L) ",
        "hilar ",
        "mediastinal ",
        "supraclavicular ",
        "node",
        "nodes ",
        "adrenal ",
        "liver ",
        "metastases ",
        "pleural effusion ",
        ". ",
        ", ",
        "; ",
        ": ",
        "\n",
        "Deauville 4 ",
        "moderately above liver ",
        "new lesions ",
        "compared with baseline ",
        "interim ",
        "stage IIE ",
        "spleen ",
        "marrow ",
        "≤ ",
        "é ",
        "× ",
        "–",
        "SUVmax 3.4 ",
        "(previously SUVmax 9.1) ",
        "mediastinal blood pool ",
    ];

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        /// Whatever the text, staging does not panic, and every answer is grounded: each
        /// stated category has evidence whose span is the input at its offsets.
        #[test]
        fn any_text_gives_a_grounded_answer(t in text(), any in "\\PC{0,80}") {
            for input in [t.as_str(), any.as_str()] {
                for cancer in [Cancer::Lung, Cancer::Lymphoma] {
                    let a = stage(cancer, input);
                    prop_assert!(a.grounding_errors(input).is_empty(), "{:?}: {:?}", input, a.grounding_errors(input));
                }
                extract_lung(input).check_spans(input).unwrap();
                extract_lymphoma(input).check_spans(input).unwrap();
            }
        }
    }
}
