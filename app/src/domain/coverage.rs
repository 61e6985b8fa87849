//! Who is left out of the walking network, and where the next point helps
//! most: the street office's reverse of the resident's "what is near me?".
//!
//! A residential compound (小区/院落) is *covered* for a kind when the
//! nearest point of that kind lies within the walking radius by the same
//! model as the nearby search ([`super::walking`]): straight-line metres to
//! the nearest point at most [`reach_m`]`(minutes, pace)`, open or not. So a
//! compound is covered exactly when a resident standing there would see at
//! least one point of the kind in the nearby search's answer.
//!
//! Siting is greedy over candidate places (the compounds' own locations):
//! each pick is the place that brings the most 60+ residents newly within
//! reach, given the picks before it, then the most residents, then the
//! lowest compound id. The newly reached count only shrinks as picks are
//! made, so the greedy search can keep stale gains as upper bounds and
//! recount only the candidate on top ("lazy greedy"): the same picks as
//! recounting every candidate each round, at a fraction of the work.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use super::coords::LatLng;
use super::walking::{display_minutes, reach_m, Pace};

/// A compound with its aggregate head counts: no person is named here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Residence {
    pub id: i64,
    /// Stable identifier from the street office's file, to update on
    /// re-import.
    pub source_ref: String,
    pub name_zh: String,
    pub name_en: String,
    /// The community's code.
    pub community: String,
    pub location: LatLng,
    pub residents: u32,
    /// Residents aged 60 or more.
    pub elderly: u32,
}

impl Residence {
    /// The name in the reader's language (Chinese when there is no English).
    pub fn name(&self, english: bool) -> &str {
        if english && !self.name_en.is_empty() {
            &self.name_en
        } else {
            &self.name_zh
        }
    }
}

/// Head counts in and out of reach.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub residents: u64,
    pub residents_covered: u64,
    pub elderly: u64,
    pub elderly_covered: u64,
}

/// A share in whole per cent, rounded down: never 100 while one is left
/// out; 0 of 0 is 0.
fn percent(part: u64, whole: u64) -> u64 {
    (part * 100).checked_div(whole).unwrap_or(0)
}

impl Tally {
    /// Residents aged 60+ within reach, in whole per cent.
    pub fn elderly_percent(&self) -> u64 {
        percent(self.elderly_covered, self.elderly)
    }

    /// All residents within reach, in whole per cent.
    pub fn residents_percent(&self) -> u64 {
        percent(self.residents_covered, self.residents)
    }

    fn add(&mut self, r: &Residence, covered: bool) {
        self.residents += u64::from(r.residents);
        self.elderly += u64::from(r.elderly);
        if covered {
            self.residents_covered += u64::from(r.residents);
            self.elderly_covered += u64::from(r.elderly);
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityTally {
    pub code: String,
    #[serde(flatten)]
    pub tally: Tally,
}

/// A compound out of reach.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// Its place in the list given to [`coverage`].
    pub index: usize,
    /// Walking minutes to the nearest point as the nearby search shows
    /// them; `None` when there is no point of the kind at all.
    pub walk_minutes: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub total: Tally,
    /// By community code, in code order.
    pub communities: Vec<CommunityTally>,
    /// Most 60+ residents first, then most residents, then by id.
    pub gaps: Vec<Gap>,
}

/// Whether a compound `nearest_m` straight-line metres from the nearest
/// point is within `minutes` at `pace`.
pub fn is_covered(nearest_m: Option<f64>, minutes: u32, pace: Pace) -> bool {
    nearest_m.is_some_and(|d| d <= reach_m(minutes, pace))
}

/// The coverage of `residences`, given for each the straight-line metres
/// to the nearest point of the kind (`None`: none exists).
pub fn coverage(residences: &[Residence], nearest_m: &[Option<f64>], minutes: u32, pace: Pace) -> Coverage {
    debug_assert_eq!(residences.len(), nearest_m.len());
    let mut total = Tally::default();
    let mut by_community: std::collections::BTreeMap<&str, Tally> = Default::default();
    let mut gaps = Vec::new();
    for (i, (r, &d)) in residences.iter().zip(nearest_m).enumerate() {
        let covered = is_covered(d, minutes, pace);
        total.add(r, covered);
        by_community.entry(&r.community).or_default().add(r, covered);
        if !covered {
            gaps.push(Gap {
                index: i,
                walk_minutes: d.map(|d| display_minutes(d, pace)),
            });
        }
    }
    gaps.sort_by(|a, b| most_in_need(&residences[a.index], &residences[b.index]));
    Coverage {
        total,
        communities: by_community
            .into_iter()
            .map(|(code, tally)| CommunityTally {
                code: code.to_string(),
                tally,
            })
            .collect(),
        gaps,
    }
}

fn most_in_need(a: &Residence, b: &Residence) -> Ordering {
    b.elderly
        .cmp(&a.elderly)
        .then(b.residents.cmp(&a.residents))
        .then(a.id.cmp(&b.id))
}

/// One suggested place for a new point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    /// The compound whose location it is (its place in the list).
    pub index: usize,
    /// 60+ residents newly within reach, given the sites before it.
    pub elderly_gain: u64,
    pub residents_gain: u64,
}

/// The largest number of sites asked for at once.
pub const MAX_SITES: usize = 10;

/// Up to `k` sites, greedily. `covered[i]`: compound `i` is already within
/// reach; `reach[c]`: the compounds within reach of compound `c`'s location
/// (itself included). Stops early when no place reaches anyone new.
pub fn greedy_sites(residences: &[Residence], covered: &[bool], reach: &[Vec<usize>], k: usize) -> Vec<Site> {
    let mut covered = covered.to_vec();
    let gain = |covered: &[bool], c: usize| -> (u64, u64) {
        reach[c].iter().filter(|&&i| !covered[i]).fold((0, 0), |(e, r), &i| {
            (
                e + u64::from(residences[i].elderly),
                r + u64::from(residences[i].residents),
            )
        })
    };
    // Best first: most 60+ gained, most residents gained, lowest id.
    let key = |c: usize, (e, r): (u64, u64)| (e, r, Reverse(residences[c].id), c);
    let mut heap: BinaryHeap<_> = (0..residences.len())
        .map(|c| key(c, gain(&covered, c)))
        .filter(|&(e, r, ..)| e + r > 0)
        .collect();
    let mut sites = Vec::new();
    while sites.len() < k {
        let Some((e, r, id, c)) = heap.pop() else { break };
        let fresh = gain(&covered, c);
        if fresh != (e, r) {
            // Stale: its gain shrank since it was counted; put it back.
            if fresh.0 + fresh.1 > 0 {
                heap.push(key(c, fresh));
            }
            continue;
        }
        debug_assert_eq!(id, Reverse(residences[c].id));
        for &i in &reach[c] {
            covered[i] = true;
        }
        sites.push(Site {
            index: c,
            elderly_gain: e,
            residents_gain: r,
        });
    }
    sites
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::walking::haversine_m;

    /// A small deterministic generator, so the tests need no crate.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    fn town(seed: u64, n: usize) -> Vec<Residence> {
        let mut rng = Rng(seed);
        (0..n)
            .map(|i| {
                let residents = rng.below(2000) as u32;
                Residence {
                    id: 1000 - i as i64,
                    source_ref: format!("r{i}"),
                    name_zh: format!("小区{i}"),
                    name_en: String::new(),
                    community: format!("c{}", rng.below(3)),
                    location: LatLng::new(
                        30.60 + rng.below(4000) as f64 * 1e-5,
                        104.00 + rng.below(4000) as f64 * 1e-5,
                    ),
                    residents,
                    // Ties on purpose: few distinct values.
                    elderly: (residents / 500) * 100,
                }
            })
            .collect()
    }

    fn reach_lists(town: &[Residence], reach: f64) -> Vec<Vec<usize>> {
        town.iter()
            .map(|c| {
                (0..town.len())
                    .filter(|&i| haversine_m(c.location, town[i].location) <= reach)
                    .collect()
            })
            .collect()
    }

    /// Every candidate recounted every round.
    fn brute_force(town: &[Residence], covered: &[bool], reach: &[Vec<usize>], k: usize) -> Vec<Site> {
        let mut covered = covered.to_vec();
        let mut sites = Vec::new();
        for _ in 0..k {
            let best = (0..town.len())
                .map(|c| {
                    let (mut e, mut r) = (0u64, 0u64);
                    for &i in &reach[c] {
                        if !covered[i] {
                            e += u64::from(town[i].elderly);
                            r += u64::from(town[i].residents);
                        }
                    }
                    (e, r, Reverse(town[c].id), c)
                })
                .max()
                .unwrap();
            if best.0 + best.1 == 0 {
                break;
            }
            for &i in &reach[best.3] {
                covered[i] = true;
            }
            sites.push(Site {
                index: best.3,
                elderly_gain: best.0,
                residents_gain: best.1,
            });
        }
        sites
    }

    #[test]
    fn lazy_greedy_picks_what_recounting_everything_picks() {
        for seed in 1..40 {
            let town = town(seed * 7919, 60);
            let reach = reach_lists(&town, 600.0);
            let mut rng = Rng(seed);
            let covered: Vec<bool> = (0..town.len()).map(|_| rng.below(3) == 0).collect();
            let k = 1 + rng.below(10) as usize;
            let lazy = greedy_sites(&town, &covered, &reach, k);
            assert_eq!(lazy, brute_force(&town, &covered, &reach, k), "seed {seed}");
            // Gains never increase.
            for w in lazy.windows(2) {
                assert!((w[1].elderly_gain, w[1].residents_gain) <= (w[0].elderly_gain, w[0].residents_gain));
            }
        }
    }

    #[test]
    fn siting_stops_when_nobody_is_left_out() {
        let town = town(5, 30);
        let reach = reach_lists(&town, 600.0);
        assert!(greedy_sites(&town, &vec![true; town.len()], &reach, 10).is_empty());
        assert!(greedy_sites(&[], &[], &[], 10).is_empty());
        assert!(greedy_sites(&town, &vec![false; town.len()], &reach, 0).is_empty());
        // Far apart, one compound each: every one needs its own site,
        // most elderly first, and then there is none left to suggest.
        let apart: Vec<Residence> = (0..3)
            .map(|i| Residence {
                id: i,
                source_ref: format!("r{i}"),
                name_zh: String::new(),
                name_en: String::new(),
                community: "c".into(),
                location: LatLng::new(30.0 + i as f64, 104.0),
                residents: 10,
                elderly: [5, 9, 5][i as usize],
            })
            .collect();
        let reach = reach_lists(&apart, 1000.0);
        let sites = greedy_sites(&apart, &[false; 3], &reach, 10);
        // 9 first; then the tie of 5 and 5 goes to the lower id.
        assert_eq!(sites.iter().map(|s| s.index).collect::<Vec<_>>(), vec![1, 0, 2]);
    }

    #[test]
    fn coverage_counts_and_orders_the_gaps() {
        let r = |id: i64, community: &str, residents: u32, elderly: u32| Residence {
            id,
            source_ref: format!("r{id}"),
            name_zh: format!("r{id}"),
            name_en: String::new(),
            community: community.into(),
            location: LatLng::new(30.0, 104.0),
            residents,
            elderly,
        };
        let town = vec![
            r(1, "b", 100, 10),
            r(2, "a", 200, 50),
            r(3, "a", 300, 50),
            r(4, "b", 50, 5),
        ];
        let reach = reach_m(15, Pace::Normal);
        let nearest = [Some(reach), Some(reach + 0.01), Some(5000.0), None];
        let c = coverage(&town, &nearest, 15, Pace::Normal);
        assert_eq!(
            c.total,
            Tally {
                residents: 650,
                residents_covered: 100,
                elderly: 115,
                elderly_covered: 10
            }
        );
        assert_eq!(
            c.communities
                .iter()
                .map(|t| (t.code.as_str(), t.tally.elderly_covered, t.tally.elderly))
                .collect::<Vec<_>>(),
            vec![("a", 0, 100), ("b", 10, 15)]
        );
        // 50 and 50 elderly: the one with more residents first.
        assert_eq!(c.gaps.iter().map(|g| g.index).collect::<Vec<_>>(), vec![2, 1, 3]);
        assert_eq!(
            c.gaps[1].walk_minutes,
            Some(15 + 1),
            "just past the radius reads as 16 minutes"
        );
        assert_eq!(c.gaps[2].walk_minutes, None, "no point of the kind at all");
        // The elderly pace reaches less far.
        assert_eq!(
            (c.total.elderly_percent(), c.total.residents_percent()),
            (8, 15),
            "rounded down"
        );
        let slow = coverage(&town, &nearest, 15, Pace::Elderly);
        assert_eq!(slow.total.residents_covered, 0);
        let empty = coverage(&[], &[], 15, Pace::Normal);
        assert_eq!(
            (empty.total, empty.communities.len(), empty.gaps.len()),
            (Tally::default(), 0, 0)
        );
        assert_eq!(empty.total.elderly_percent(), 0);
    }
}
