//! The AJCC 8th rules: T, N, M and the stage group from a [`LungFeatures`].

use super::{
    DistantMetastasis, Histology, Lobe, LungFeatures, LungStage, MCategory, NCategory, Nature,
    NodeSide, NodeSite, NoduleRelation, Organ, SeparateNodule, SerosalSite, Side, Station,
    Structure, TCategory,
};
use crate::common::{Category, Evidence, Grounds};
use crate::passage::ids;
use crate::span::{Found, Span};

/// The T category for a greatest dimension in millimetres (boundaries inclusive at the top:
/// 10, 20, 30, 40, 50 and 70 mm belong to the smaller category). The size is first rounded to
/// the nearest millimetre (ajcc8-lung-t-size), so 30.4 mm is 30 mm (T1c) and 30.5 mm is 31 mm
/// (T2a); rounding also keeps `3.0 cm` read as 30.000000000000004 mm at 30 mm.
pub fn t_for_size_mm(mm: f64) -> TCategory {
    // Upper bounds in whole millimetres, inclusive.
    const UPPER: [(i64, TCategory); 6] = [
        (10, TCategory::T1a),
        (20, TCategory::T1b),
        (30, TCategory::T1c),
        (40, TCategory::T2a),
        (50, TCategory::T2b),
        (70, TCategory::T3),
    ];
    let h = mm.round() as i64;
    UPPER
        .iter()
        .find(|(limit, _)| h <= *limit)
        .map_or(TCategory::T4, |&(_, t)| t)
}

/// The AJCC 8th stage group of a T, N, M combination; `None` where the table has no entry
/// (Tis or T1mi with nodal disease and M0).
pub fn lung_stage_group(t: TCategory, n: NCategory, m: MCategory) -> Option<LungStage> {
    use LungStage::*;
    use NCategory::*;
    use TCategory::*;
    match m {
        MCategory::M1c => return Some(IVB),
        MCategory::M1a | MCategory::M1b => return Some(IVA),
        MCategory::M0 => {}
    }
    Some(match (t, n) {
        (Tis, N0) => Zero,
        (Tis | T1mi, _) if n != N0 => return None,
        (T1mi | T1a, N0) => IA1,
        (T1b, N0) => IA2,
        (T1c, N0) => IA3,
        (T2a, N0) => IB,
        (T2b, N0) => IIA,
        (T1a | T1b | T1c | T2a | T2b, N1) | (T3, N0) => IIB,
        (T1a | T1b | T1c | T2a | T2b, N2) | (T3, N1) | (T4, N0 | N1) => IIIA,
        (T1a | T1b | T1c | T2a | T2b, N3) | (T3 | T4, N2) => IIIB,
        (T3 | T4, N3) => IIIC,
        (Tis | T1mi, _) => return None,
    })
}

fn t_guideline(t: TCategory) -> &'static str {
    match t {
        TCategory::Tis => ids::TIS,
        TCategory::T1mi => ids::T1MI,
        TCategory::T1a => ids::T1A,
        TCategory::T1b => ids::T1B,
        TCategory::T1c => ids::T1C,
        TCategory::T2a => ids::T2A,
        TCategory::T2b => ids::T2B,
        TCategory::T3 => ids::T3,
        TCategory::T4 => ids::T4,
    }
}

fn n_guideline(n: NCategory) -> &'static str {
    match n {
        NCategory::N0 => ids::N0,
        NCategory::N1 => ids::N1,
        NCategory::N2 => ids::N2,
        NCategory::N3 => ids::N3,
    }
}

fn m_guideline(m: MCategory) -> &'static str {
    match m {
        MCategory::M0 => ids::M0,
        MCategory::M1a => ids::M1A,
        MCategory::M1b => ids::M1B,
        MCategory::M1c => ids::M1C,
    }
}

fn stage_guideline(s: LungStage) -> &'static str {
    use LungStage::*;
    match s {
        Zero => ids::STAGE_0,
        IA1 | IA2 | IA3 => ids::STAGE_IA,
        IB => ids::STAGE_IB,
        IIA => ids::STAGE_IIA,
        IIB => ids::STAGE_IIB,
        IIIA => ids::STAGE_IIIA,
        IIIB => ids::STAGE_IIIB,
        IIIC => ids::STAGE_IIIC,
        IVA => ids::STAGE_IVA,
        IVB => ids::STAGE_IVB,
    }
}

fn size_note(mm: f64, t: TCategory) -> String {
    let range = match t {
        TCategory::T1a => "≤ 10 mm",
        TCategory::T1b => "> 10 and ≤ 20 mm",
        TCategory::T1c => "> 20 and ≤ 30 mm",
        TCategory::T2a => "> 30 and ≤ 40 mm",
        TCategory::T2b => "> 40 and ≤ 50 mm",
        TCategory::T3 => "> 50 and ≤ 70 mm",
        _ => "> 70 mm",
    };
    if (mm - mm.round()).abs() > 0.05 {
        format!(
            "greatest dimension {} mm, rounded to {} mm, is {range}",
            fmt_mm(mm),
            mm.round()
        )
    } else {
        format!("greatest dimension {} mm is {range}", fmt_mm(mm))
    }
}

fn fmt_mm(mm: f64) -> String {
    let r = (mm * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// What the AJCC 8th rules decided for one [`LungFeatures`]: the categories and their grounds
/// (`answer` turns it into a `StagingAnswer`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LungDecision {
    /// T, if decided.
    pub(crate) t: Option<TCategory>,
    /// N, if decided.
    pub(crate) n: Option<NCategory>,
    /// M, if decided.
    pub(crate) m: Option<MCategory>,
    /// The stage group, if decided (or stated, on a post-treatment scan).
    pub(crate) stage: Option<LungStage>,
    /// Evidence, missing information and notes.
    pub(crate) grounds: Grounds,
}

/// Apply the AJCC 8th rules to the features.
pub(crate) fn decide_lung(f: &LungFeatures) -> LungDecision {
    let mut dec = LungDecision::default();
    let a = &mut dec.grounds;
    if let Some(p) = &f.post_treatment {
        // Clinical TNM describes the tumour before treatment; staging the residual disease of
        // a treated tumour (yTNM, rTNM) is not what these rules do.
        let why = format!(
            "post-treatment scan (\"{}\"): clinical TNM is assigned on the pre-treatment scan",
            p.text
        );
        for c in [Category::T, Category::N, Category::M] {
            a.miss(c, why.clone());
        }
        match &f.stated_stage {
            Some(s) => {
                dec.stage = Some(s.value);
                a.cite(Evidence::new(Category::Stage, s.value.as_str(), &s.span, stage_guideline(s.value), "pre-treatment stage as stated in the report; not re-derived on a post-treatment scan"));
            }
            None => a.miss(
                Category::Stage,
                format!("{why}; the report does not state it"),
            ),
        }
        return dec;
    }
    for d in &f.disregarded {
        a.note(format!("not counted: \"{}\" ({})", d.span.text, d.value));
    }
    let t = decide_t(f, a);
    let n = decide_n(f, a);
    let m = decide_m(f, a);
    dec.t = t.as_ref().map(|x| x.0);
    dec.n = n.as_ref().map(|x| x.0);
    dec.m = m.as_ref().map(|x| x.0);
    decide_stage(t, n, m, &mut dec);
    dec
}

type Decided<T> = Option<(T, Span)>;

fn decide_t(f: &LungFeatures, a: &mut Grounds) -> Decided<TCategory> {
    let size = f.size_mm.as_ref();
    let mut cands: Vec<(TCategory, Span, &'static str, String)> = Vec::new();
    if let Some(s) = size {
        let t = t_for_size_mm(s.value);
        let mut note = size_note(s.value, t);
        if f.solid_component {
            note = format!("{note} (solid component of a part-solid tumour)");
        }
        cands.push((t, s.span.clone(), t_guideline(t), note));
    }
    for inv in &f.invasion {
        let s = inv.value;
        let mut t = s.t();
        let (guideline, note) = if t == TCategory::T2a {
            match size {
                Some(sz) if t_for_size_mm(sz.value) > TCategory::T2a => (
                    ids::T2,
                    format!("{} is a T2 feature; size decides T2b or more", s.describe()),
                ),
                Some(_) => (
                    ids::T2A,
                    format!(
                        "{} is a T2 feature; with size ≤ 4 cm it is T2a",
                        s.describe()
                    ),
                ),
                None => (
                    ids::T2A,
                    format!(
                        "{} is a T2 feature; with size not determined it is T2a",
                        s.describe()
                    ),
                ),
            }
        } else {
            (
                t_guideline(t),
                format!("{} gives {t} regardless of size", s.describe()),
            )
        };
        if s == Structure::PleuraUnspecified {
            a.miss(
                Category::T,
                "layer of pleural invasion not stated (parietal pleura would be T3)",
            );
        }
        if matches!(
            s,
            Structure::MainBronchus
                | Structure::Atelectasis
                | Structure::VisceralPleura
                | Structure::PleuraUnspecified
        ) {
            t = TCategory::T2a;
        }
        cands.push((t, inv.span.clone(), guideline, note));
    }
    let primary_lobe = f.primary_lobe.as_ref().map(|l| l.value);
    let primary_side = f
        .primary_side
        .as_ref()
        .map(|s| s.value)
        .or(primary_lobe.map(Lobe::side));
    for nod in &f.separate_nodules {
        match nodule_relation(&nod.value, primary_lobe, primary_side) {
            Some(NoduleRelation::SameLobe) => cands.push((
                TCategory::T3,
                nod.span.clone(),
                ids::T3,
                "separate tumour nodule in the same lobe as the primary".into(),
            )),
            Some(NoduleRelation::OtherIpsilateralLobe) => cands.push((
                TCategory::T4,
                nod.span.clone(),
                ids::T4,
                "separate tumour nodule in another lobe of the same lung".into(),
            )),
            Some(NoduleRelation::Contralateral) => {}
            None => a.miss(
                Category::T,
                format!(
                    "lobe of the separate nodule \"{}\" relative to the primary not stated (same lobe T3, other ipsilateral lobe T4, contralateral M1a)",
                    nod.span.text
                ),
            ),
        }
    }
    if let Some(h) = &f.histology {
        // Tis and T1mi are at most 3 cm and have no invasive features; with a small size any
        // candidate above T1c comes from invasion or a separate nodule.
        let small = size.is_none_or(|s| t_for_size_mm(s.value) <= TCategory::T1c);
        let other_features = cands.iter().any(|c| c.0 >= TCategory::T2a);
        if small && !other_features {
            let (t, g, note) = match h.value {
                Histology::InSitu => (TCategory::Tis, ids::TIS, "carcinoma in situ on histology"),
                Histology::MinimallyInvasive => (
                    TCategory::T1mi,
                    ids::T1MI,
                    "minimally invasive adenocarcinoma on histology (≤ 3 cm, invasion ≤ 5 mm)",
                ),
            };
            a.cite(Evidence::new(Category::T, t.as_str(), &h.span, g, note));
            return Some((t, h.span.clone()));
        }
    }
    let Some(best) = cands.iter().map(|c| c.0).max() else {
        if let Some(st) = &f.stated_t {
            a.cite(Evidence::new(
                Category::T,
                st.value.as_str(),
                &st.span,
                t_guideline(st.value),
                "stated in the text; the findings do not describe the primary",
            ));
            a.miss(
                Category::T,
                "primary tumour size and extent not described in the findings",
            );
            return Some((st.value, st.span.clone()));
        }
        a.miss(
            Category::T,
            "primary tumour size (greatest dimension) not stated",
        );
        return None;
    };
    let mut first = None;
    for (t, span, g, note) in cands.iter().filter(|c| c.0 == best) {
        a.cite(Evidence::new(
            Category::T,
            t.as_str(),
            span,
            g,
            note.clone(),
        ));
        if f.solid_component && size.is_some_and(|s| &s.span == span) {
            a.cite(Evidence::new(
                Category::T,
                t.as_str(),
                span,
                ids::T_SIZE,
                "clinical T of a part-solid tumour uses the solid component",
            ));
        }
        if note.starts_with("separate tumour nodule") {
            a.cite(Evidence::new(
                Category::T,
                t.as_str(),
                span,
                ids::SEPARATE_NODULES,
                note.clone(),
            ));
        }
        first.get_or_insert_with(|| span.clone());
    }
    for (t, span, _, note) in cands.iter().filter(|c| c.0 < best) {
        a.note(format!(
            "also \"{}\": {note} ({t} alone); {best} stands",
            span.text
        ));
    }
    if size.is_none() {
        match best {
            TCategory::T2a => a.miss(Category::T, "primary tumour size not stated (T2a applies when it cannot be determined; > 4 cm would be T2b or more)"),
            TCategory::T3 => a.miss(Category::T, "primary tumour size not stated (> 7 cm would make it T4)"),
            _ => {}
        }
    }
    if let Some(st) = &f.stated_t {
        if st.value != best {
            a.note(format!(
                "the text states {} (\"{}\"); the findings give {best}",
                st.value, st.span.text
            ));
        }
    }
    first.map(|s| (best, s))
}

fn nodule_relation(
    n: &SeparateNodule,
    primary_lobe: Option<Lobe>,
    primary_side: Option<Side>,
) -> Option<NoduleRelation> {
    if let Some(r) = n.relation {
        return Some(r);
    }
    let side = n.side.or(n.lobe.map(Lobe::side))?;
    let pside = primary_side?;
    if side != pside {
        return Some(NoduleRelation::Contralateral);
    }
    match (n.lobe, primary_lobe) {
        (Some(l), Some(p)) if l == p => Some(NoduleRelation::SameLobe),
        (Some(_), Some(_)) => Some(NoduleRelation::OtherIpsilateralLobe),
        _ => None,
    }
}

/// The N a node gives: `Ok(n)` when decided, `Err((low, high, what))` when the side is needed.
fn node_n(
    site: NodeSite,
    primary: Option<Side>,
) -> Result<(NCategory, String), (NCategory, NCategory, String)> {
    use NCategory::*;
    use Station::*;
    let label = site.station.label();
    let relative = |side: Option<NodeSide>| -> Option<bool> {
        // Some(true) = contralateral (or includes the contralateral side).
        match side? {
            NodeSide::Ipsilateral => Some(false),
            NodeSide::Contralateral | NodeSide::Bilateral => Some(true),
            NodeSide::Right => primary.map(|p| p != Side::Right),
            NodeSide::Left => primary.map(|p| p != Side::Left),
        }
    };
    let side_words = |contra: bool| {
        let written = match site.side {
            Some(NodeSide::Bilateral) => "bilateral",
            Some(NodeSide::Right) => "right",
            Some(NodeSide::Left) => "left",
            Some(NodeSide::Ipsilateral) => "ipsilateral",
            Some(NodeSide::Contralateral) => "contralateral",
            None => "",
        };
        let p = primary.map_or(String::new(), |p| {
            format!(" to a {}-sided primary", p.as_str())
        });
        if contra {
            format!("{written} {label}: contralateral{p}")
        } else {
            format!("{written} {label}: ipsilateral{p}")
        }
    };
    match site.station {
        Supraclavicular => Ok((N3, format!("{label}: N3 on either side"))),
        Subcarinal | Retrotracheal => Ok((N2, format!("{label}: midline, N2 for either lung"))),
        Prevascular => match relative(site.side) {
            Some(true) => Ok((N3, side_words(true))),
            _ => Ok((N2, format!("{label}: mediastinal, N2 unless contralateral"))),
        },
        Subaortic | ParaAortic => {
            let contra = match site.side {
                Some(NodeSide::Contralateral) | Some(NodeSide::Bilateral) => Some(true),
                Some(NodeSide::Ipsilateral) => Some(false),
                _ => primary.map(|p| p == Side::Right),
            };
            match contra {
                Some(true) => Ok((N3, format!("{label} is left-sided: contralateral to a right-sided primary"))),
                Some(false) => Ok((N2, format!("{label} is left-sided: ipsilateral to a left-sided primary"))),
                None => Err((N2, N3, format!("side of the primary not stated ({label}: N2 for a left, N3 for a right primary)"))),
            }
        }
        UpperParatracheal | Paratracheal | LowerParatracheal | Paraoesophageal | PulmonaryLigament | Mediastinal => {
            match relative(site.side) {
                Some(true) => Ok((N3, side_words(true))),
                Some(false) => Ok((N2, side_words(false))),
                None => Err((N2, N3, format!("side of the {label} node relative to the primary not stated (ipsilateral N2, contralateral N3)"))),
            }
        }
        Hilar | Interlobar | Intrapulmonary => match relative(site.side) {
            Some(true) => Ok((N3, side_words(true))),
            Some(false) => Ok((N1, side_words(false))),
            None => Err((N1, N3, format!("side of the {label} node relative to the primary not stated (ipsilateral N1, contralateral N3)"))),
        },
    }
}

fn decide_n(f: &LungFeatures, a: &mut Grounds) -> Decided<NCategory> {
    let primary = f
        .primary_side
        .as_ref()
        .map(|s| s.value)
        .or(f.primary_lobe.as_ref().map(|l| l.value.side()));
    let mut decided: Vec<(NCategory, &Found<NodeSite>, String)> = Vec::new();
    let mut open: Vec<(NCategory, NCategory, String)> = Vec::new();
    for node in &f.nodes {
        match node_n(node.value, primary) {
            Ok((n, note)) => decided.push((n, node, note)),
            Err(x) => open.push(x),
        }
    }
    let best = decided.iter().map(|d| d.0).max();
    // A node whose side is unknown leaves N open if it could raise N above what is decided.
    let raising: Vec<&(NCategory, NCategory, String)> = open
        .iter()
        .filter(|o| best.is_none_or(|b| o.1 > b))
        .collect();
    if !raising.is_empty() {
        for (_, _, what) in raising {
            a.miss(Category::N, what.clone());
        }
        return None;
    }
    if let Some(best) = best {
        let mut first = None;
        for (n, node, note) in decided.iter().filter(|d| d.0 == best) {
            a.cite(Evidence::new(
                Category::N,
                n.as_str(),
                &node.span,
                n_guideline(*n),
                note.clone(),
            ));
            if *n == NCategory::N3 && note.contains("contralateral") {
                a.cite(Evidence::new(
                    Category::N,
                    n.as_str(),
                    &node.span,
                    ids::IASLC_LATERALITY,
                    note.clone(),
                ));
            } else {
                a.cite(Evidence::new(
                    Category::N,
                    n.as_str(),
                    &node.span,
                    node.value.station.guideline(),
                    node.value.station.label(),
                ));
            }
            first.get_or_insert_with(|| node.span.clone());
        }
        check_stated_n(f, best, a);
        return first.map(|s| (best, s));
    }
    if !f.nodes_equivocal.is_empty() {
        for e in &f.nodes_equivocal {
            a.miss(Category::N, format!("{} node \"{}\" is described without uptake or size that settles involvement; sampling or a clearer description decides N", e.value.station.label(), e.span.text));
        }
        return None;
    }
    if let Some(first) = f.nodes_negative.first() {
        for s in &f.nodes_negative {
            a.cite(Evidence::new(
                Category::N,
                "N0",
                s,
                ids::N0,
                "regional nodes stated not involved",
            ));
        }
        check_stated_n(f, NCategory::N0, a);
        return Some((NCategory::N0, first.clone()));
    }
    if let Some(st) = &f.stated_n {
        a.cite(Evidence::new(
            Category::N,
            st.value.as_str(),
            &st.span,
            n_guideline(st.value),
            "stated in the text; the findings do not describe the nodes",
        ));
        return Some((st.value, st.span.clone()));
    }
    a.miss(
        Category::N,
        "regional lymph nodes (hilar, mediastinal, supraclavicular) not described",
    );
    None
}

fn check_stated_n(f: &LungFeatures, n: NCategory, a: &mut Grounds) {
    if let Some(st) = &f.stated_n {
        if st.value != n {
            a.note(format!(
                "the text states {} (\"{}\"); the findings give {n}",
                st.value, st.span.text
            ));
        }
    }
}

fn decide_m(f: &LungFeatures, a: &mut Grounds) -> Decided<MCategory> {
    let primary_lobe = f.primary_lobe.as_ref().map(|l| l.value);
    let primary_side = f
        .primary_side
        .as_ref()
        .map(|s| s.value)
        .or(primary_lobe.map(Lobe::side));
    let mut found: Vec<(MCategory, Span, String)> = Vec::new();
    for nod in &f.separate_nodules {
        if nodule_relation(&nod.value, primary_lobe, primary_side)
            == Some(NoduleRelation::Contralateral)
        {
            found.push((
                MCategory::M1a,
                nod.span.clone(),
                "separate tumour nodule(s) in the contralateral lung".into(),
            ));
        }
    }
    let mut undetermined = Vec::new();
    for s in &f.serosal {
        match s.value.nature {
            Nature::Malignant => {
                let what = match s.value.site {
                    SerosalSite::PleuralEffusion => "malignant pleural effusion",
                    SerosalSite::PericardialEffusion => "malignant pericardial effusion",
                    SerosalSite::PleuralNodules => "pleural nodules / nodular pleural disease",
                    SerosalSite::PericardialNodules => "pericardial nodules",
                };
                found.push((MCategory::M1a, s.span.clone(), what.into()));
            }
            Nature::Undetermined => undetermined.push(s),
            Nature::Benign => a.note(format!(
                "effusion not counted: \"{}\" (shown benign)",
                s.span.text
            )),
        }
    }
    // Extrathoracic: one lesion in one organ is M1b, anything more is M1c.
    let mut organs: Vec<(Organ, bool, &Found<DistantMetastasis>)> = Vec::new();
    for d in &f.distant {
        match organs.iter_mut().find(|o| o.0 == d.value.organ) {
            Some(o) => o.1 |= d.value.multiple,
            None => organs.push((d.value.organ, d.value.multiple, d)),
        }
    }
    if !organs.is_empty() {
        let multiple = organs.len() > 1 || organs[0].1;
        if multiple {
            for d in &f.distant {
                found.push((
                    MCategory::M1c,
                    d.span.clone(),
                    format!(
                        "{} extrathoracic metastases in total ({} organ(s))",
                        if organs.len() > 1 {
                            "multiple"
                        } else {
                            "several"
                        },
                        organs.len()
                    ),
                ));
            }
        } else {
            found.push((
                MCategory::M1b,
                organs[0].2.span.clone(),
                "a single extrathoracic metastasis in a single organ".into(),
            ));
        }
    }
    let best = found.iter().map(|x| x.0).max();
    if let Some(best) = best {
        let mut first = None;
        for (m, span, note) in found.iter().filter(|x| x.0 == best) {
            a.cite(Evidence::new(
                Category::M,
                m.as_str(),
                span,
                m_guideline(*m),
                note.clone(),
            ));
            if note.starts_with("separate tumour nodule") {
                a.cite(Evidence::new(
                    Category::M,
                    m.as_str(),
                    span,
                    ids::SEPARATE_NODULES,
                    note.clone(),
                ));
            }
            first.get_or_insert_with(|| span.clone());
        }
        for u in &undetermined {
            a.note(format!(
                "effusion of undetermined nature (\"{}\") does not change {best}",
                u.span.text
            ));
        }
        if let Some(st) = &f.stated_m {
            if st.value != best {
                a.note(format!(
                    "the text states {} (\"{}\"); the findings give {best}",
                    st.value, st.span.text
                ));
            }
        }
        return first.map(|s| (best, s));
    }
    if !undetermined.is_empty() {
        for u in &undetermined {
            a.miss(Category::M, format!("nature of the effusion \"{}\" not established: it is M1a unless cytology is negative and it is judged unrelated to the tumour ({})", u.span.text, ids::EFFUSION));
        }
        return None;
    }
    if let Some(first) = f.distant_negative.first() {
        for s in &f.distant_negative {
            a.cite(Evidence::new(
                Category::M,
                "M0",
                s,
                ids::M0,
                "distant metastasis stated absent",
            ));
        }
        return Some((MCategory::M0, first.clone()));
    }
    if let Some(st) = &f.stated_m {
        a.cite(Evidence::new(
            Category::M,
            st.value.as_str(),
            &st.span,
            m_guideline(st.value),
            "stated in the text; the findings do not describe distant sites",
        ));
        return Some((st.value, st.span.clone()));
    }
    a.miss(Category::M, "distant metastatic status not described");
    None
}

fn decide_stage(
    t: Decided<TCategory>,
    n: Decided<NCategory>,
    m: Decided<MCategory>,
    dec: &mut LungDecision,
) {
    let a = &mut dec.grounds;
    let Some((m, mspan)) = m else {
        a.miss(Category::Stage, "stage group needs M");
        return;
    };
    if m != MCategory::M0 {
        let stage = if m == MCategory::M1c {
            LungStage::IVB
        } else {
            LungStage::IVA
        };
        dec.stage = Some(stage);
        a.cite(Evidence::new(
            Category::Stage,
            stage.as_str(),
            &mspan,
            stage_guideline(stage),
            format!("{m}: stage {stage} whatever T and N"),
        ));
        return;
    }
    let (Some((t, tspan)), Some((n, nspan))) = (t, n) else {
        a.miss(Category::Stage, "stage group needs T and N when M0");
        return;
    };
    match lung_stage_group(t, n, m) {
        Some(stage) => {
            dec.stage = Some(stage);
            let g = stage_guideline(stage);
            let note = format!("{t} {n} {m} is stage {stage}");
            a.cite(Evidence::new(
                Category::Stage,
                stage.as_str(),
                &tspan,
                g,
                note.clone(),
            ));
            a.cite(Evidence::new(
                Category::Stage,
                stage.as_str(),
                &nspan,
                g,
                note.clone(),
            ));
            a.cite(Evidence::new(
                Category::Stage,
                stage.as_str(),
                &mspan,
                g,
                note,
            ));
        }
        None => a.miss(
            Category::Stage,
            format!("{t} {n} {m} has no stage group in the AJCC 8th table"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LungStage::*;
    use MCategory::*;
    use TCategory::*;

    #[test]
    fn size_boundaries() {
        let cases: &[(f64, TCategory)] = &[
            (0.5, T1a),
            (10.0, T1a),
            (10.4, T1a),
            (10.5, T1b),
            (20.0, T1b),
            (20.6, T1c),
            (30.0, T1c),
            (3.0 * 10.0, T1c),
            // Rounded to the nearest millimetre before the thresholds (ajcc8-lung-t-size).
            (30.2, T1c),
            (30.49, T1c),
            (30.5, T2a),
            (40.0, T2a),
            (40.7, T2b),
            (50.0, T2b),
            (50.5, T3),
            (70.0, T3),
            (70.3, T3),
            (70.5, T4),
            (120.0, T4),
            // Floating-point products of cm inputs.
            (0.1 * 100.0, T1a),
            (0.3 * 100.0, T1c),
            (0.7 * 100.0, T3),
        ];
        for &(mm, want) in cases {
            assert_eq!(t_for_size_mm(mm), want, "{mm} mm");
        }
    }

    /// The whole AJCC 8th table, written out row by row (T down, N0..N3 across), checked for
    /// every T × N × M.
    #[test]
    fn every_tnm_combination() {
        let table: &[(TCategory, [Option<LungStage>; 4])] = &[
            (Tis, [Some(Zero), None, None, None]),
            (T1mi, [Some(IA1), None, None, None]),
            (T1a, [Some(IA1), Some(IIB), Some(IIIA), Some(IIIB)]),
            (T1b, [Some(IA2), Some(IIB), Some(IIIA), Some(IIIB)]),
            (T1c, [Some(IA3), Some(IIB), Some(IIIA), Some(IIIB)]),
            (T2a, [Some(IB), Some(IIB), Some(IIIA), Some(IIIB)]),
            (T2b, [Some(IIA), Some(IIB), Some(IIIA), Some(IIIB)]),
            (T3, [Some(IIB), Some(IIIA), Some(IIIB), Some(IIIC)]),
            (T4, [Some(IIIA), Some(IIIA), Some(IIIB), Some(IIIC)]),
        ];
        assert_eq!(table.len(), TCategory::ALL.len());
        let mut checked = 0;
        for &(t, row) in table {
            for (k, &n) in NCategory::ALL.iter().enumerate() {
                for &m in MCategory::ALL {
                    let want = match m {
                        M0 => row[k],
                        M1a | M1b => Some(IVA),
                        M1c => Some(IVB),
                    };
                    assert_eq!(lung_stage_group(t, n, m), want, "{t} {n} {m}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 9 * 4 * 4);
    }
}
