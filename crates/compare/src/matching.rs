//! Pairing the lesions of two studies by site.
//!
//! The rules, in order (documented in the crate docs and ARCHITECTURE.md):
//! 1. **Same site.** Current and prior lesion records with the same vocabulary site and a
//!    compatible side (equal, or one of them unstated, or `bilateral`). Within one site, an
//!    explicit side pairs first; then a single remaining candidate on each side pairs.
//! 2. **Same group.** What is left pairs within the site group ("station 7" and "subcarinal"
//!    share a site; "anterior mediastinal mass" and "mediastinal mass" share a group) only
//!    when exactly one candidate remains on each side.
//! 3. **Several at one site.** Two or more lesions at one site on both studies pair by the
//!    written detail when it agrees (liver segment, vertebral level, station), then by SUVmax
//!    rank; such pairs are marked [`MatchRule::Rank`] and reported as ambiguous.
//!
//! 4. **Both sides.** A `bilateral` record on one study pairs with the left and the right
//!    record of the same site on the other.
//!
//! A current record the report calls `new` is never paired (the reader says it is another
//! lesion), and records the report calls benign or uncertain are not paired with disease.

use priors_core::Lesion;

use crate::model::MatchRule;

/// A pair of indices (prior, current) and how it was made.
pub(crate) type Pair = (usize, usize, MatchRule);

fn side_ok(a: &Lesion, b: &Lesion) -> bool {
    match (a.side.as_deref(), b.side.as_deref()) {
        (Some(x), Some(y)) => x == y || x == "bilateral" || y == "bilateral",
        _ => true,
    }
}

/// Pair `prior` (disease records) with `current` (lesion records), by index.
pub(crate) fn pair(prior: &[&Lesion], current: &[&Lesion]) -> Vec<Pair> {
    let mut pairs: Vec<Pair> = Vec::new();
    let mut p_free: Vec<bool> = vec![true; prior.len()];
    let mut c_free: Vec<bool> = current.iter().map(|c| !c.new).collect();
    for by_group in [false, true] {
        let key = |l: &Lesion| -> String {
            if by_group {
                l.group.clone()
            } else {
                l.site.clone()
            }
        };
        let mut keys: Vec<String> = current
            .iter()
            .enumerate()
            .filter(|(i, _)| c_free[*i])
            .map(|(_, c)| key(c))
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let ps: Vec<usize> = (0..prior.len())
                .filter(|&i| p_free[i] && key(prior[i]) == k)
                .collect();
            let cs: Vec<usize> = (0..current.len())
                .filter(|&i| c_free[i] && key(current[i]) == k)
                .collect();
            if ps.is_empty() || cs.is_empty() {
                continue;
            }
            let rule = if by_group {
                MatchRule::Group
            } else {
                MatchRule::Site
            };
            // Explicit sides first: one left with one left.
            for side in ["left", "right", "bilateral"] {
                let pv: Vec<usize> = ps
                    .iter()
                    .copied()
                    .filter(|&i| p_free[i] && prior[i].side.as_deref() == Some(side))
                    .collect();
                let cv: Vec<usize> = cs
                    .iter()
                    .copied()
                    .filter(|&i| c_free[i] && current[i].side.as_deref() == Some(side))
                    .collect();
                if pv.len() == 1 && cv.len() == 1 {
                    take(&mut pairs, &mut p_free, &mut c_free, pv[0], cv[0], rule);
                }
            }
            let ps: Vec<usize> = ps.into_iter().filter(|&i| p_free[i]).collect();
            let cs: Vec<usize> = cs.into_iter().filter(|&i| c_free[i]).collect();
            if ps.len() == 1 && cs.len() == 1 {
                if side_ok(prior[ps[0]], current[cs[0]]) {
                    take(&mut pairs, &mut p_free, &mut c_free, ps[0], cs[0], rule);
                }
                continue;
            }
            if by_group || ps.is_empty() || cs.is_empty() {
                continue;
            }
            // Several at one site: detail first, then SUVmax rank.
            for &c in &cs {
                let Some(d) = current[c].detail.as_deref() else {
                    continue;
                };
                let same: Vec<usize> = ps
                    .iter()
                    .copied()
                    .filter(|&p| {
                        p_free[p]
                            && prior[p]
                                .detail
                                .as_deref()
                                .is_some_and(|x| x.eq_ignore_ascii_case(d))
                            && side_ok(prior[p], current[c])
                    })
                    .collect();
                if same.len() == 1 && c_free[c] {
                    take(
                        &mut pairs,
                        &mut p_free,
                        &mut c_free,
                        same[0],
                        c,
                        MatchRule::Rank,
                    );
                }
            }
            let rank = |ls: &[&Lesion], idx: Vec<usize>| -> Vec<usize> {
                let mut v = idx;
                v.sort_by(|&a, &b| {
                    let sa = ls[a].suv_max.unwrap_or(-1.0);
                    let sb = ls[b].suv_max.unwrap_or(-1.0);
                    sb.total_cmp(&sa).then(a.cmp(&b))
                });
                v
            };
            let ps = rank(prior, ps.into_iter().filter(|&i| p_free[i]).collect());
            let cs = rank(current, cs.into_iter().filter(|&i| c_free[i]).collect());
            for c in cs {
                if let Some(&p) = ps
                    .iter()
                    .find(|&&p| p_free[p] && side_ok(prior[p], current[c]))
                {
                    take(&mut pairs, &mut p_free, &mut c_free, p, c, MatchRule::Rank);
                }
            }
        }
    }
    // A bilateral record on one study stands for the left and the right one on the other.
    for (c, cl) in current.iter().enumerate() {
        if !c_free[c] {
            continue;
        }
        let p = (0..prior.len()).find(|&p| {
            prior[p].site == cl.site
                && (prior[p].side.as_deref() == Some("bilateral") && cl.side.is_some()
                    || cl.side.as_deref() == Some("bilateral") && prior[p].side.is_some())
        });
        if let Some(p) = p {
            p_free[p] = false;
            c_free[c] = false;
            pairs.push((p, c, MatchRule::Site));
        }
    }
    for (p, pl) in prior.iter().enumerate() {
        if !p_free[p] {
            continue;
        }
        let c = (0..current.len()).find(|&c| {
            current[c].site == pl.site
                && current[c].side.as_deref() == Some("bilateral")
                && pl.side.is_some()
        });
        if let Some(c) = c {
            p_free[p] = false;
            pairs.push((p, c, MatchRule::Site));
        }
    }
    pairs
}

fn take(
    pairs: &mut Vec<Pair>,
    p_free: &mut [bool],
    c_free: &mut [bool],
    p: usize,
    c: usize,
    rule: MatchRule,
) {
    p_free[p] = false;
    c_free[c] = false;
    pairs.push((p, c, rule));
}

/// Does a current `Clear` record cover a prior lesion (same site, or the clear record names
/// the prior lesion's whole group, or everything)?
pub(crate) fn covers(clear: &Lesion, prior: &Lesion) -> bool {
    let place = clear.site == prior.site
        || clear.site == prior.group
        || clear.group == prior.group && clear.site == clear.group
        || clear.site == "all_sites";
    place && side_ok(clear, prior)
}
