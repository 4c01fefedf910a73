//! Benign mimics of malignancy on PET: sarcoidosis, infection and inflammation, brown fat,
//! post-radiation change and reactive nodes.

use super::common::{node, side, Nodes};
use crate::model::{Cancer, Lesion, LesionSpec, Patient, Region, Shape, Tracer};
use crate::rng::Rng;

/// Staging note on the sarcoid nodal pattern.
const SARCOID_PATTERN: &[&str] = &["The nodal distribution is symmetric, with bilateral hilar and right paratracheal involvement typical of granulomatous disease.", "Nodes show a symmetric hilar and mediastinal ('lambda') pattern; several contain fine calcifications on CT."];

/// Disc levels of spondylodiscitis.
const SPONDYLODISCITIS_LEVELS: &[&str] = &["L2-L3", "L3-L4", "L4-L5", "T11-T12"];

pub(super) fn sarcoid(rng: &mut Rng) -> Patient {
    let age = rng.range(25, 62);
    let male = rng.pct(45);
    let mut p = Patient::blank(Cancer::Sarcoidosis, Tracer::Fdg, male, age);
    p.scenario = rng.below(2);
    p.histology = if p.scenario == 1 {
        "sarcoidosis (non-caseating granulomas)"
    } else {
        "sarcoidosis"
    }
    .to_string();
    p.process = "sarcoidosis activity".into();
    let suv = rng.range(45, 120);
    p.lesions.push(
        node(
            rng,
            Nodes {
                site: "hilar_nodes",
                region: Region::Chest,
                loc: "bilateral hila".into(),
                tag: "bilateral hilar nodes".into(),
                short: (12, 22),
                suv,
                count: 2,
                sub: "on the right",
            },
        )
        .desc("symmetric"),
    );
    p.lesions.push({
        let suv = rng.scale(suv, 80, 100);
        let count = rng.range(2, 5);
        node(
            rng,
            Nodes {
                site: "mediastinal_nodes",
                region: Region::Chest,
                loc: "right paratracheal and subcarinal stations (4R and 7)".into(),
                tag: "mediastinal nodes".into(),
                short: (10, 20),
                suv,
                count,
                sub: "at station 7",
            },
        )
    });
    let lung = rng.pct(40);
    if lung {
        let sz = rng.range(4, 8);
        p.lesions.push(
            Lesion::new(LesionSpec {
                site: "lung",
                region: Region::Chest,
                shape: Shape::Nodule,
                loc: "upper and mid zones of both lungs".into(),
                tag: "perilymphatic pulmonary nodules".into(),
                long: sz,
                short: sz,
                suv: rng.range(25, 50),
            })
            .group(rng.range(5, 10), "")
            .qual("in a perilymphatic distribution along the bronchovascular bundles and fissures"),
        );
    }
    let spleen = rng.pct(20);
    if spleen {
        p.lesions.push(
            Lesion::new(LesionSpec {
                site: "spleen",
                region: Region::AbdPelvis,
                shape: Shape::Diffuse,
                loc: "spleen".into(),
                tag: "splenic uptake".into(),
                long: 0,
                short: 0,
                suv: rng.range(30, 50),
            })
            .desc("heterogeneously increased"),
        );
    }
    if rng.pct(15) {
        p.lesions.push(
            Lesion::new(LesionSpec {
                site: "parotid",
                region: Region::HeadNeck,
                shape: Shape::Diffuse,
                loc: "bilateral parotid glands".into(),
                tag: "parotid uptake".into(),
                long: 0,
                short: 0,
                suv: rng.range(35, 60),
            })
            .desc("symmetrically increased"),
        );
    }
    p.staging_notes
        .push((Region::Chest, rng.one(SARCOID_PATTERN).to_string()));
    p.dx = if p.scenario == 0 {
        vec![
            "Bilateral hilar and mediastinal lymphadenopathy on CT; sarcoidosis versus lymphoma.".into(),
            "Incidental mediastinal and hilar adenopathy on CT chest; dry cough and fatigue. Query sarcoidosis.".into(),
            "Enlarged hilar nodes and raised serum ACE. Assess pattern and metabolic activity.".into(),
        ]
    } else {
        vec![
            "Biopsy-proven sarcoidosis (non-caseating granulomas on EBUS-TBNA of station 7). Assessment of disease activity and extent before treatment.".into(),
            "Known pulmonary sarcoidosis; evaluation of active inflammation prior to immunosuppression.".into(),
        ]
    };
    p.dx_short = "sarcoidosis".into();
    p.followup_ind = vec![
        format!(
            "Sarcoidosis, on oral prednisolone for {} months. Assessment of treatment response.",
            rng.range(2, 6)
        ),
        "Follow-up of sarcoidosis after corticosteroid therapy.".into(),
        "Sarcoidosis on methotrexate; reassessment of disease activity.".into(),
    ];
    p.staging_imp.push(format!(
        "Symmetric FDG-avid bilateral hilar and mediastinal lymphadenopathy{}{}, a pattern most consistent with active sarcoidosis.",
        if lung { " with perilymphatic pulmonary nodules" } else { "" },
        if spleen { " and heterogeneous splenic uptake" } else { "" }
    ));
    if p.scenario == 0 {
        p.staging_imp.push("Lymphoma is considered less likely given the symmetric distribution and absence of disease below the diaphragm; tissue sampling (EBUS) if clinically required.".into());
    } else {
        p.staging_imp
            .push("No FDG-avid lesion outside the expected distribution of sarcoidosis.".into());
    }
    p
}

pub(super) fn infection(rng: &mut Rng) -> Patient {
    let age = rng.range(20, 85);
    let male = rng.pct(50);
    let mut p = Patient::blank(Cancer::InfectionInflammation, Tracer::Fdg, male, age);
    p.scenario = rng.below(4);
    let right = rng.pct(50);
    let sd = side(right);
    match p.scenario {
        0 => {
            let long = rng.range(40, 80);
            p.lesions.push(
                Lesion::new(LesionSpec {
                    site: "lung",
                    region: Region::Chest,
                    shape: Shape::Consolidation,
                    loc: format!("{sd} lower lobe"),
                    tag: format!("{sd} lower lobe consolidation"),
                    long,
                    short: rng.scale(long, 50, 75),
                    suv: rng.range(50, 110),
                })
                .qual("with air bronchograms and no discrete mass"),
            );
            p.lesions.push({
                let suv = rng.range(30, 55);
                node(
                    rng,
                    Nodes {
                        site: "hilar_nodes",
                        region: Region::Chest,
                        loc: format!("{sd} hilum"),
                        tag: format!("{sd} hilar node"),
                        short: (8, 12),
                        suv,
                        count: 1,
                        sub: "",
                    },
                )
            });
            p.histology = "community-acquired pneumonia".into();
            p.process = "infection".into();
            p.dx = vec![
                format!("Fever, productive cough and raised CRP. CT: {sd} lower lobe consolidation, probably pneumonia; exclude an underlying malignancy."),
                format!("Non-resolving {sd} lower lobe opacity on chest radiograph in a smoker. Query neoplasm."),
            ];
            p.dx_short = format!("{sd} lower lobe consolidation");
            p.staging_imp = vec![
                format!("Intensely FDG-avid {sd} lower lobe consolidation with air bronchograms, most in keeping with infective pneumonia. An underlying neoplasm cannot be entirely excluded; follow-up CT after treatment is recommended to document resolution."),
                "Mildly avid ipsilateral hilar node, likely reactive.".into(),
            ];
            p.followup_ind = vec![
                format!("Follow-up after antibiotic treatment for {sd} lower lobe pneumonia."),
                format!("Reassessment of the {sd} lower lobe consolidation after a course of antibiotics."),
            ];
        }
        1 => {
            let level = rng.one(SPONDYLODISCITIS_LEVELS);
            p.lesions.push(
                Lesion::new(LesionSpec {
                    site: "bone",
                    region: Region::Msk,
                    shape: Shape::Lesion,
                    loc: format!("{level} disc space and adjacent vertebral endplates"),
                    tag: format!("{level} spondylodiscitis"),
                    long: 0,
                    short: 0,
                    suv: rng.range(60, 120),
                })
                .desc("intense")
                .qual("with endplate erosion and a small paravertebral soft-tissue component"),
            );
            p.histology = "spondylodiscitis".into();
            p.process = "spinal infection".into();
            p.dx = vec![
                "Fever of unknown origin and lower back pain; Staphylococcus aureus bacteraemia. Source localisation.".into(),
                "Persistent fever and raised inflammatory markers despite antibiotics; source of infection?".into(),
            ];
            p.dx_short = format!("{level} spondylodiscitis");
            p.staging_imp = vec![
                format!("Intense uptake centred on the {level} disc space with endplate erosion and paravertebral soft tissue, consistent with infectious spondylodiscitis."),
                "No other focus of infection; no FDG-avid lesion to suggest malignancy.".into(),
            ];
            p.followup_ind = vec![
                format!("Spondylodiscitis at {level}, after {} weeks of intravenous antibiotics. Response assessment.", rng.range(6, 10)),
                "Follow-up of vertebral osteomyelitis; inflammatory markers normalising.".into(),
            ];
        }
        2 => {
            p.age = rng.range(55, 82);
            p.lesions.push(
                Lesion::new(LesionSpec {
                    site: "large_vessels",
                    region: Region::Chest,
                    shape: Shape::Diffuse,
                    loc: "thoracic aorta, aortic arch and both subclavian arteries".into(),
                    tag: "large-vessel wall uptake".into(),
                    long: 0,
                    short: 0,
                    suv: rng.range(35, 60),
                })
                .desc("smooth circumferential")
                .qual("greater than liver (grade 3 vascular uptake)"),
            );
            p.histology = "large-vessel vasculitis (giant cell arteritis)".into();
            p.process = "vasculitis activity".into();
            p.dx = vec![
                "Fever of unknown origin, weight loss and raised inflammatory markers for three months. Query occult malignancy or vasculitis.".into(),
                "Polymyalgic symptoms and elevated CRP; exclude large-vessel vasculitis or occult neoplasm.".into(),
            ];
            p.dx_short = "large-vessel vasculitis".into();
            p.staging_imp = vec![
                "Smooth, circumferential FDG uptake along the thoracic aorta and subclavian arteries, greater than liver, consistent with active large-vessel vasculitis.".into(),
                "No FDG-avid lesion to suggest malignancy or a focal infective source.".into(),
            ];
            p.followup_ind = vec![
                "Giant cell arteritis on tocilizumab and tapering prednisolone; assessment of vascular inflammation.".into(),
                "Large-vessel vasculitis, follow-up after six months of treatment.".into(),
            ];
        }
        _ => {
            let long = rng.range(50, 90);
            p.lesions.push(
                Lesion::new(LesionSpec {
                    site: "colon",
                    region: Region::AbdPelvis,
                    shape: Shape::Thickening,
                    loc: "sigmoid colon".into(),
                    tag: "sigmoid wall thickening".into(),
                    long,
                    short: rng.range(10, 16),
                    suv: rng.range(60, 130),
                })
                .desc("segmental")
                .qual("with adjacent diverticula and pericolic fat stranding"),
            );
            p.histology = "acute sigmoid diverticulitis".into();
            p.process = "diverticulitis".into();
            p.dx = vec![
                "Left iliac fossa pain and raised inflammatory markers; CT showed sigmoid wall thickening. Neoplasm versus inflammation?".into(),
                "Weight loss and altered bowel habit; sigmoid thickening on CT. Exclude malignancy.".into(),
            ];
            p.dx_short = "sigmoid diverticulitis".into();
            p.staging_imp = vec![
                "Segmental FDG-avid sigmoid wall thickening with diverticula and pericolic stranding, favouring acute diverticulitis.".into(),
                "Colonoscopy after resolution of the acute episode is advised to exclude an underlying neoplasm.".into(),
            ];
            p.followup_ind = vec![
                "Follow-up of sigmoid diverticulitis after antibiotics; colonoscopy pending."
                    .into(),
                "Reassessment of sigmoid inflammation after conservative treatment.".into(),
            ];
        }
    }
    p
}

pub(super) fn brown_fat(rng: &mut Rng) -> Patient {
    let age = rng.range(16, 40);
    let male = rng.pct(35);
    let mut p = Patient::blank(Cancer::BrownFat, Tracer::Fdg, male, age);
    p.histology = "activated brown adipose tissue".into();
    p.process = "brown fat activation".into();
    p.lesions.push(
        Lesion::new(LesionSpec {
            site: "supraclavicular_fat",
            region: Region::HeadNeck,
            shape: Shape::Diffuse,
            loc: "bilateral supraclavicular and lower cervical fat".into(),
            tag: "supraclavicular brown fat".into(),
            long: 0,
            short: 0,
            suv: rng.range(60, 160),
        })
        .desc("symmetric intense"),
    );
    p.lesions.push(
        Lesion::new(LesionSpec {
            site: "paravertebral_fat",
            region: Region::Chest,
            shape: Shape::Diffuse,
            loc: "paravertebral fat along the thoracic spine".into(),
            tag: "paravertebral brown fat".into(),
            long: 0,
            short: 0,
            suv: rng.range(40, 120),
        })
        .desc("symmetric"),
    );
    let perirenal = rng.pct(50);
    if perirenal {
        p.lesions.push(
            Lesion::new(LesionSpec {
                site: "perirenal_fat",
                region: Region::AbdPelvis,
                shape: Shape::Diffuse,
                loc: "bilateral perirenal fat".into(),
                tag: "perirenal brown fat".into(),
                long: 0,
                short: 0,
                suv: rng.range(30, 90),
            })
            .desc("patchy"),
        );
    }
    if rng.pct(30) {
        p.lesions.push(
            Lesion::new(LesionSpec {
                site: "mediastinal_fat",
                region: Region::Chest,
                shape: Shape::Diffuse,
                loc: "mediastinal fat around the great vessels".into(),
                tag: "mediastinal brown fat".into(),
                long: 0,
                short: 0,
                suv: rng.range(30, 80),
            })
            .desc("patchy"),
        );
    }
    p.staging_notes.push((
        Region::HeadNeck,
        format!("The uptake corresponds to fat attenuation on CT (-{} to -{} HU) with no underlying nodal or soft-tissue abnormality.", rng.range(60, 80), rng.range(95, 120)),
    ));
    p.dx = vec![
        "Unexplained weight loss and night sweats; query occult malignancy or lymphoma.".into(),
        "Palpable fullness in the left supraclavicular fossa; ultrasound equivocal.".into(),
        "Fatigue and raised inflammatory markers; exclude occult neoplasm.".into(),
        "Fever of unknown origin for three weeks.".into(),
    ];
    p.dx_short = "constitutional symptoms".into();
    p.staging_imp = vec![
        format!("Symmetric intense FDG uptake in supraclavicular, paravertebral{} fat with fat attenuation on CT, typical of activated brown adipose tissue.", if perirenal { " and perirenal" } else { "" }),
        "No FDG-avid lymphadenopathy or other finding to suggest malignancy.".into(),
        "If further imaging is needed, warming and beta-blocker premedication will suppress brown fat activity.".into(),
    ];
    p.followup_ind = vec![
        "Repeat study with warming and propranolol premedication because of extensive brown fat activity on the prior scan.".into(),
        "Persistent constitutional symptoms; repeat PET/CT under a brown-fat suppression protocol.".into(),
    ];
    p
}

pub(super) fn post_radiation(rng: &mut Rng) -> Patient {
    let age = rng.range(45, 82);
    let male = rng.pct(55);
    let mut p = Patient::blank(Cancer::PostRadiation, Tracer::Fdg, male, age);
    p.scenario = rng.below(3);
    let sd = side(rng.pct(50));
    let months = rng.range(3, 9);
    match p.scenario {
        0 => {
            let long = rng.range(30, 60);
            p.lesions.push(
                Lesion::new(LesionSpec {
                    site: "lung",
                    region: Region::Chest,
                    shape: Shape::Consolidation,
                    loc: format!("{sd} upper lobe, within the radiotherapy field"),
                    tag: format!("{sd} upper lobe post-radiation consolidation"),
                    long,
                    short: rng.scale(long, 45, 70),
                    suv: rng.range(30, 60),
                })
                .qual("with straight margins conforming to the treatment portal"),
            );
            p.histology = "radiation pneumonitis".into();
            p.process = "post-radiation inflammation".into();
            p.dx = vec![
                format!("Completed stereotactic body radiotherapy (54 Gy in 3 fractions) to a {sd} upper lobe lesion {months} months ago. CT shows enlarging consolidation at the treated site: recurrence or radiation pneumonitis?"),
                format!("Post-SBRT follow-up of the {sd} upper lobe; increasing opacity around the treated lesion."),
            ];
            p.dx_short = format!("post-SBRT change in the {sd} upper lobe");
            p.staging_imp = vec![
                format!("Moderate uptake in consolidation with straight margins confined to the {sd} upper lobe treatment field, in keeping with post-radiation pneumonitis; no nodular focus to suggest local recurrence."),
                "No FDG-avid nodal or distant disease.".into(),
                "Follow-up imaging is suggested to confirm continued regression.".into(),
            ];
        }
        1 => {
            p.lesions.push(
                Lesion::new(LesionSpec {
                    site: "esophagus",
                    region: Region::Chest,
                    shape: Shape::Diffuse,
                    loc: "mid and distal oesophagus".into(),
                    tag: "oesophageal uptake".into(),
                    long: 0,
                    short: 0,
                    suv: rng.range(35, 70),
                })
                .desc("diffuse linear")
                .qual("along the length of the irradiated segment without a focal mass"),
            );
            p.histology = "radiation oesophagitis".into();
            p.process = "radiation oesophagitis".into();
            p.dx = vec![
                "Completed mediastinal radiotherapy six weeks ago; odynophagia and dysphagia, query radiation oesophagitis."
                    .into(),
                "Dysphagia after recent thoracic radiotherapy; exclude oesophageal involvement."
                    .into(),
            ];
            p.dx_short = "post-radiation oesophageal change".into();
            p.staging_imp = vec![
                "Diffuse linear uptake of the mid and distal oesophagus, confined to the radiotherapy field and without a focal mass, consistent with radiation oesophagitis.".into(),
                "No FDG-avid lesion to suggest malignancy.".into(),
            ];
        }
        _ => {
            p.lesions.push(
                Lesion::new(LesionSpec {
                    site: "bone",
                    region: Region::Msk,
                    shape: Shape::Lesion,
                    loc: "sacral alae with a horizontal component across S2".into(),
                    tag: "sacral insufficiency fractures".into(),
                    long: 0,
                    short: 0,
                    suv: rng.range(40, 75),
                })
                .desc("linear")
                .qual("with sclerotic fracture lines on CT in an H-shaped pattern"),
            );
            p.histology = "sacral insufficiency fractures after pelvic radiotherapy".into();
            p.process = "insufficiency fracture activity".into();
            p.dx = vec![
                format!("Completed pelvic radiotherapy {months} months ago. New low back and buttock pain; bone metastases or post-radiation insufficiency fractures?"),
                "Sacral pain after pelvic chemoradiotherapy; MRI equivocal.".into(),
            ];
            p.dx_short = "post-radiation sacral change".into();
            p.staging_imp = vec![
                "Linear H-shaped uptake across the sacrum corresponding to sclerotic fracture lines, consistent with insufficiency fractures within the previous radiotherapy field; this is not the pattern of metastatic disease.".into(),
                "No other FDG-avid osseous or soft-tissue lesion.".into(),
            ];
        }
    }
    p.followup_ind = vec![
        "Follow-up of presumed post-radiation change.".into(),
        format!(
            "Reassessment {} months after the previous PET/CT; symptoms improving.",
            rng.range(3, 6)
        ),
    ];
    p
}

pub(super) fn reactive(rng: &mut Rng) -> Patient {
    let age = rng.range(20, 72);
    let male = rng.pct(45);
    let mut p = Patient::blank(Cancer::ReactiveNodes, Tracer::Fdg, male, age);
    p.scenario = rng.below(3);
    p.process = "reactive lymphadenopathy".into();
    let sd = side(rng.pct(50));
    match p.scenario {
        0 => {
            p.lesions.push(
                {
                    let suv = rng.range(30, 65);
                    let count = rng.range(2, 5);
                    node(
                        rng,
                        Nodes {
                            site: "axillary_nodes",
                            region: Region::Chest,
                            loc: format!("{sd} axilla (levels I-II)"),
                            tag: format!("{sd} axillary nodes"),
                            short: (8, 14),
                            suv,
                            count,
                            sub: "at level I",
                        },
                    )
                }
                .qual("with cortical thickening and preserved fatty hila"),
            );
            p.staging_notes.push((
                Region::Msk,
                format!("Mild uptake in the {sd} deltoid muscle at the injection site."),
            ));
            p.histology = "reactive lymphadenopathy after vaccination".into();
            p.dx = vec![
                format!("Palpable {sd} axillary lymph nodes after {{vaccine}} vaccination in the {sd} deltoid {} days ago. Query lymphoma.", rng.range(5, 20)),
                format!("Ultrasound showed enlarged {sd} axillary nodes with cortical thickening; recent {{vaccine}} vaccine in the ipsilateral arm. Reactive nodes versus lymphoma."),
            ];
            p.dx_short = format!("{sd} axillary lymphadenopathy");
            p.staging_imp = vec![
                format!("Moderately FDG-avid {sd} axillary nodes with preserved fatty hila, ipsilateral to the recent vaccination, in keeping with reactive lymphadenopathy."),
                "No other FDG-avid nodal or extranodal disease; follow-up can confirm resolution.".into(),
            ];
        }
        1 => {
            p.lesions.push(
                {
                    let suv = rng.range(35, 70);
                    let count = rng.range(3, 6);
                    node(
                        rng,
                        Nodes {
                            site: "cervical_nodes",
                            region: Region::HeadNeck,
                            loc: "bilateral level II cervical chains".into(),
                            tag: "bilateral level II cervical nodes".into(),
                            short: (9, 15),
                            suv,
                            count,
                            sub: "on the left",
                        },
                    )
                }
                .qual("with preserved fatty hila and a symmetric distribution"),
            );
            p.staging_notes.push((Region::HeadNeck, "Symmetric, moderately increased uptake in both palatine tonsils without a focal mass.".into()));
            p.histology = "reactive cervical lymphadenitis".into();
            p.dx = vec![
                "Two weeks of sore throat and bilateral neck swelling; query lymphoma.".into(),
                "Persistent bilateral cervical lymphadenopathy after a recent sore throat; likely reactive nodes, exclude lymphoma.".into(),
            ];
            p.dx_short = "bilateral cervical lymphadenopathy".into();
            p.staging_imp = vec![
                "Symmetric, moderately FDG-avid bilateral level II cervical nodes with preserved fatty hila and symmetric tonsillar uptake, favouring reactive lymphadenitis.".into(),
                "No FDG-avid disease elsewhere. Clinical follow-up; biopsy only if the nodes persist.".into(),
            ];
        }
        _ => {
            p.lesions.push(
                {
                    let suv = rng.range(30, 55);
                    let count = rng.range(2, 5);
                    node(
                        rng,
                        Nodes {
                            site: "inguinal_nodes",
                            region: Region::AbdPelvis,
                            loc: "bilateral inguinal regions".into(),
                            tag: "bilateral inguinal nodes".into(),
                            short: (10, 16),
                            suv,
                            count,
                            sub: "on the right",
                        },
                    )
                }
                .qual("with preserved fatty hila"),
            );
            p.staging_notes.push((Region::Msk, format!("Subcutaneous stranding of the {sd} lower leg with mild uptake, compatible with cellulitis.")));
            p.histology = "reactive inguinal lymphadenopathy".into();
            p.dx = vec![
                format!("Probable reactive lymphadenopathy in both groins after recent {sd} leg cellulitis; exclude lymphoma."),
                "Palpable inguinal nodes for six weeks; no weight loss.".into(),
            ];
            p.dx_short = "inguinal lymphadenopathy".into();
            p.staging_imp = vec![
                "Mildly FDG-avid bilateral inguinal nodes with preserved fatty hila, in keeping with reactive nodes in the setting of lower-limb cellulitis.".into(),
                "No FDG-avid lymphadenopathy elsewhere to suggest lymphoma.".into(),
            ];
        }
    }
    p.followup_ind = vec![
        "Follow-up of presumed reactive lymphadenopathy.".into(),
        format!(
            "Re-evaluation after {} weeks; nodes clinically smaller.",
            rng.range(6, 12)
        ),
    ];
    p
}
