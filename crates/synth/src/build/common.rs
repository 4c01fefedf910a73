//! Helpers shared by the cancer types: ordinals and sides, and the metastases and nodes that
//! several of them produce (bone, liver, adrenal, lung, nodal groups).

use crate::model::{Lesion, LesionSpec, Region, Shape};
use crate::rng::Rng;

/// Lobe of the index nodule of a group of pulmonary nodules.
const GROUP_LOBES: &[&str] = &[
    "right lower lobe",
    "left lower lobe",
    "right upper lobe",
    "left upper lobe",
    "right middle lobe",
];

/// Lobe of a single pulmonary nodule.
const NODULE_LOBES: &[&str] = &[
    "right lower lobe",
    "left lower lobe",
    "right upper lobe",
    "left upper lobe",
    "lingula",
    "right middle lobe",
];

pub(super) fn ord(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, x) if x != 11 => "st",
        (2, x) if x != 12 => "nd",
        (3, x) if x != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

pub(super) fn side(right: bool) -> &'static str {
    if right {
        "right"
    } else {
        "left"
    }
}

const BONES: [&str; 22] = [
    "T4 vertebral body",
    "T6 vertebral body",
    "T8 vertebral body",
    "T11 vertebral body",
    "L1 vertebral body",
    "L2 vertebral body",
    "L3 vertebral body",
    "L4 vertebral body",
    "C6 vertebral body",
    "sacrum",
    "right iliac bone",
    "left iliac bone",
    "left acetabulum",
    "right acetabulum",
    "sternal body",
    "right posterior 7th rib",
    "left lateral 5th rib",
    "right proximal femur",
    "left proximal femur",
    "right scapula",
    "left superior pubic ramus",
    "left posterior 9th rib",
];

const SEGMENTS: [&str; 8] = ["II", "III", "IVa", "IVb", "V", "VI", "VII", "VIII"];

pub(super) fn bone_met(rng: &mut Rng, suv: u32, desc: &'static str) -> Lesion {
    let loc = *rng.pick(&BONES);
    let size = rng.range(10, 32);
    Lesion::new(LesionSpec {
        site: "bone",
        region: Region::Msk,
        shape: Shape::Lesion,
        loc: loc.into(),
        tag: format!("{loc} lesion"),
        long: size,
        short: rng.scale(size, 60, 90),
        suv,
    })
    .desc(desc)
}

pub(super) fn bone_group(rng: &mut Rng, suv: u32, desc: &'static str, n: u32) -> Lesion {
    let sub = *rng.pick(&BONES);
    let size = rng.range(10, 30);
    Lesion::new(LesionSpec {
        site: "bone",
        region: Region::Msk,
        shape: Shape::Lesion,
        loc: "axial and proximal appendicular skeleton".into(),
        tag: "osseous metastases".into(),
        long: size,
        short: rng.scale(size, 60, 90),
        suv,
    })
    .desc(desc)
    .group(n, format!("in the {sub}"))
}

pub(super) fn liver_met(rng: &mut Rng, suv: u32) -> Lesion {
    let seg = *rng.pick(&SEGMENTS);
    let size = rng.range(12, 38);
    Lesion::new(LesionSpec {
        site: "liver",
        region: Region::AbdPelvis,
        shape: Shape::Lesion,
        loc: format!("hepatic segment {seg}"),
        tag: format!("segment {seg} liver lesion"),
        long: size,
        short: rng.scale(size, 70, 92),
        suv,
    })
}

pub(super) fn liver_group(rng: &mut Rng, suv: u32, n: u32) -> Lesion {
    let seg = *rng.pick(&SEGMENTS);
    let size = rng.range(14, 52);
    Lesion::new(LesionSpec {
        site: "liver",
        region: Region::AbdPelvis,
        shape: Shape::Lesion,
        loc: "liver".into(),
        tag: "hepatic metastases".into(),
        long: size,
        short: rng.scale(size, 70, 92),
        suv,
    })
    .group(n, format!("in segment {seg}"))
}

pub(super) fn adrenal_met(rng: &mut Rng, suv: u32) -> Lesion {
    let s = side(rng.pct(50));
    let size = rng.range(14, 42);
    Lesion::new(LesionSpec {
        site: "adrenal",
        region: Region::AbdPelvis,
        shape: Shape::Nodule,
        loc: format!("{s} adrenal gland"),
        tag: format!("{s} adrenal metastasis"),
        long: size,
        short: rng.scale(size, 65, 90),
        suv,
    })
}

pub(super) fn lung_nodules(rng: &mut Rng, suv: u32, n: u32) -> Lesion {
    let lobe = rng.one(GROUP_LOBES);
    let size = rng.range(6, 18);
    Lesion::new(LesionSpec {
        site: "lung",
        region: Region::Chest,
        shape: Shape::Nodule,
        loc: "lungs bilaterally".into(),
        tag: "pulmonary nodules".into(),
        long: size,
        short: rng.scale(size, 75, 95),
        suv,
    })
    .group(n, format!("in the {lobe}"))
}

pub(super) fn lung_nodule(rng: &mut Rng, suv: u32) -> Lesion {
    let lobe = rng.one(NODULE_LOBES);
    let size = rng.range(6, 17);
    Lesion::new(LesionSpec {
        site: "lung",
        region: Region::Chest,
        shape: Shape::Nodule,
        loc: lobe.into(),
        tag: format!("{lobe} nodule"),
        long: size,
        short: rng.scale(size, 75, 95),
        suv,
    })
}

/// Lymph nodes of one station or chain, by name: the arguments of [`node`].
pub(super) struct Nodes<'a> {
    pub(super) site: &'static str,
    pub(super) region: Region,
    pub(super) loc: String,
    pub(super) tag: String,
    /// Range of the short axis in mm; the long axis is drawn from it.
    pub(super) short: (u32, u32),
    pub(super) suv: u32,
    /// More than one: a group ("multiple … the largest …" `sub`).
    pub(super) count: u32,
    pub(super) sub: &'a str,
}

/// Nodes measured on the short axis (a group when `count > 1`).
pub(super) fn node(rng: &mut Rng, nodes: Nodes<'_>) -> Lesion {
    let Nodes {
        site,
        region,
        loc,
        tag,
        short,
        suv,
        count,
        sub,
    } = nodes;
    let s = rng.range(short.0, short.1);
    let l = rng.scale(s, 115, 165);
    let mut n = Lesion::new(LesionSpec {
        site,
        region,
        shape: Shape::Node,
        loc,
        tag,
        long: l,
        short: s,
        suv,
    });
    if count > 1 {
        n = n.group(count, sub);
    }
    n
}
