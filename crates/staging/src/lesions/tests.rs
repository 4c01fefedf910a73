use super::*;

fn lesions(text: &str) -> Vec<Lesion> {
    let out = extract_lesions(text);
    for l in &out {
        assert!(
            text.get(l.start as usize..l.end as usize).is_some(),
            "span {}..{} outside {text:?}",
            l.start,
            l.end
        );
    }
    out
}

fn only(text: &str) -> Lesion {
    let all: Vec<Lesion> = lesions(text)
        .into_iter()
        .filter(|l| l.group != "reference")
        .collect();
    assert_eq!(all.len(), 1, "{text:?} -> {all:#?}");
    all.into_iter().next().unwrap()
}

#[test]
fn references_are_read_and_never_sites() {
    let t = "Mediastinal blood pool SUVmax 2.1; liver SUVmax 2.8 (Deauville reference).";
    let all = lesions(t);
    assert_eq!(all.len(), 2, "{all:#?}");
    assert_eq!(all[0].role, LesionRole::BloodPoolReference);
    assert_eq!(all[0].suv_max, Some(2.1));
    assert_eq!(all[1].role, LesionRole::LiverReference);
    assert_eq!(all[1].suv_max, Some(2.8));
    let t = "Reference activity: mediastinal blood pool SUVmax 2.1, liver SUVmax 2.8.";
    let refs: Vec<_> = lesions(t)
        .into_iter()
        .map(|l| (l.role, l.suv_max))
        .collect();
    assert_eq!(
        refs,
        vec![
            (LesionRole::BloodPoolReference, Some(2.1)),
            (LesionRole::LiverReference, Some(2.8))
        ]
    );
}

#[test]
fn a_comparison_with_a_reference_is_not_a_reference() {
    let t = "The mass in the right cervical chain (levels II-IV) has decreased to 4.5 x 2.9 cm of \
             residual soft tissue with uptake not exceeding mediastinal blood pool, SUVmax = 2.0 \
             (previously SUVmax 13.3).";
    let all = lesions(t);
    assert_eq!(all.len(), 1, "{all:#?}");
    let l = &all[0];
    assert_eq!(l.role, LesionRole::Lesion);
    assert_eq!(l.site, "cervical_nodes");
    assert_eq!(l.side.as_deref(), Some("right"));
    assert_eq!(l.detail.as_deref(), Some("levels II-IV"));
    assert_eq!(l.suv_max, Some(2.0));
    assert_eq!(l.previous_suv_max, Some(13.3));
    assert_eq!(l.size_mm, Some(45.0));
}

#[test]
fn a_staging_lesion() {
    let l = only(
        "Right cervical chain (levels II-IV): 8.4 x 5.5 cm conglomerate mass with intense FDG \
         uptake, SUVmax 13.3, with central photopenia suggesting necrosis.",
    );
    assert_eq!(
        (l.site.as_str(), l.side.as_deref(), l.suv_max, l.size_mm),
        ("cervical_nodes", Some("right"), Some(13.3), Some(84.0))
    );
    assert!(l.is_disease());
    let l = only("Several nodes with marked hypermetabolism in the retroperitoneum (para-aortic and aortocaval); the largest in the left para-aortic region measures 27 mm short axis, max SUV 15.1.");
    assert_eq!(l.site, "para_aortic_nodes");
    assert_eq!(l.suv_max, Some(15.1));
    assert_eq!(l.size_mm, Some(27.0));
    let l = only("Right iliac bone: 31 x 26 mm lytic lesion with avid FDG uptake, SUVmax 25.5.");
    assert_eq!(
        (l.site.as_str(), l.side.as_deref()),
        ("bone_iliac", Some("right"))
    );
    let l = only("Nodule in the right middle lobe: larger at 12 x 7 mm, maximum SUV 6.5 (was 10 x 6 mm, SUVmax 4.3).");
    assert_eq!(l.site, "lung_rml");
    assert_eq!(
        (l.suv_max, l.previous_suv_max, l.size_mm),
        (Some(6.5), Some(4.3), Some(12.0))
    );
}

#[test]
fn resolution_and_negation_clear_sites() {
    let all = lesions("No recurrent uptake at previously involved sites (retroperitoneal nodes, right iliac nodes, left inguinal nodes and diffuse splenic uptake).");
    let sites: Vec<_> = all.iter().map(|l| (l.role, l.site.as_str())).collect();
    assert_eq!(
        sites,
        vec![
            (LesionRole::Clear, "para_aortic_nodes"),
            (LesionRole::Clear, "iliac_nodes"),
            (LesionRole::Clear, "inguinal_nodes"),
            (LesionRole::Clear, "spleen"),
        ]
    );
    let l = only("Complete resolution of uptake in the spleen (previously SUVmax 27.9).");
    assert_eq!(
        (l.role, l.previous_suv_max),
        (LesionRole::Clear, Some(27.9))
    );
    let l = only("No residual uptake in the left cervical chain (levels II-IV); the node now measures 12 x 8 mm (previously SUVmax 16.9).");
    assert_eq!(
        (l.role, l.side.as_deref(), l.size_mm),
        (LesionRole::Clear, Some("left"), Some(12.0))
    );
    let all = lesions("No FDG-avid mediastinal or hilar lymphadenopathy.");
    assert!(all.iter().all(|l| l.role == LesionRole::Clear), "{all:#?}");
    assert_eq!(all.len(), 2);
    let l = only("Left supraclavicular fossa: 8 mm node without uptake above background.");
    assert_eq!(l.role, LesionRole::Clear);
}

#[test]
fn new_benign_and_headers() {
    let l = only("A new 13 x 9 mm hypermetabolic focus in the hepatic segment VI, SUVmax 10.9.");
    assert!(l.new && l.is_disease());
    assert_eq!(
        (l.site.as_str(), l.detail.as_deref()),
        ("liver", Some("segment VI"))
    );
    let l = only(
        "T4 vertebral body: new 11 mm sclerotic lesion with intense PSMA uptake, SUVmax of 16.1.",
    );
    assert!(l.new);
    assert_eq!(
        (l.site.as_str(), l.detail.as_deref(), l.suv_max),
        ("bone_spine", Some("T4"), Some(16.1))
    );
    let l = only(
        "New consolidation in the right lower lobe with uptake, SUVmax 5.8, most likely infection.",
    );
    assert!(l.not_disease && l.new);
    assert!(lesions(
        "Physiologic uptake in the palatine tonsils, salivary glands and vocal cords."
    )
    .is_empty());
    assert!(lesions("Head and neck:\nAbdomen and pelvis:\nBones:").is_empty());
    assert!(lesions("No new lesions.").is_empty());
    let all = lesions("No uptake above background at any previously involved site.");
    assert_eq!(all.len(), 1);
    assert_eq!(
        (all[0].role, all[0].site.as_str()),
        (LesionRole::Clear, "all_sites")
    );
}
