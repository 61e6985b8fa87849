//! Coverage and siting over the live catalogue ([`crate::domain::coverage`]
//! has the model): the nearest point of a kind from each compound comes
//! from the same spatial index as the nearby search, and the compounds a
//! candidate site would reach from an R-tree of the compounds, so neither
//! compares all pairs.

use rstar::{primitives::GeomWithData, RTree};

use crate::domain::coords::LatLng;
use crate::domain::coverage::{coverage, greedy_sites, is_covered, Coverage, Residence, Site, Tally};
use crate::domain::facility::{Facility, Kind, MealServices, ReadingServices, Services, SortingServices};
use crate::domain::walking::{display_minutes, haversine_m, reach_m, Pace, EARTH_RADIUS_M};
use crate::server::index::{on_sphere, FacilityIndex};

/// What a coverage question asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Question {
    pub kind: Kind,
    pub minutes: u32,
    pub pace: Pace,
}

/// Straight-line metres from each compound to the nearest point of `kind`.
pub fn nearest_m(index: &FacilityIndex, kind: Kind, residences: &[Residence]) -> Vec<Option<f64>> {
    residences
        .iter()
        .map(|r| index.nearest(kind, r.location).map(|(_, d)| d))
        .collect()
}

pub fn answer(index: &FacilityIndex, residences: &[Residence], q: Question) -> Coverage {
    coverage(residences, &nearest_m(index, q.kind, residences), q.minutes, q.pace)
}

/// The network's headline figure: residents within a 15-minute walk at a
/// normal pace of a meal point, as the committee dashboard and the public
/// community page show it. `None` when no compounds are recorded.
pub fn meal_headline(index: &FacilityIndex, residences: &[Residence]) -> Option<Tally> {
    let q = Question {
        kind: Kind::Meal,
        minutes: 15,
        pace: Pace::Normal,
    };
    (!residences.is_empty()).then(|| answer(index, residences, q).total)
}

/// Walking minutes (as the search shows them) and covered or not, per
/// compound, from the straight-line metres of [`nearest_m`]: the coverage
/// page and its CSV read both from here.
pub fn walk_and_covered(nearest: &[Option<f64>], q: Question) -> (Vec<Option<u32>>, Vec<bool>) {
    nearest
        .iter()
        .map(|&d| (d.map(|d| display_minutes(d, q.pace)), is_covered(d, q.minutes, q.pace)))
        .unzip()
}

/// For each compound (as a candidate site), those of `targets` within
/// `reach` straight-line metres of it, by the haversine distance the search
/// uses, in index order.
pub fn reach_lists(residences: &[Residence], targets: &[usize], reach: f64) -> Vec<Vec<usize>> {
    let tree = RTree::bulk_load(
        targets
            .iter()
            .map(|&i| GeomWithData::new(on_sphere(residences[i].location), i))
            .collect(),
    );
    // The chord of a great-circle distance, a little over so that rounding
    // never loses one; the haversine test below decides.
    let chord = 2.0 * EARTH_RADIUS_M * (reach / (2.0 * EARTH_RADIUS_M)).sin() + 0.01;
    residences
        .iter()
        .map(|c| {
            let mut within: Vec<usize> = tree
                .locate_within_distance(on_sphere(c.location), chord * chord)
                .map(|e| e.data)
                .filter(|&i| haversine_m(c.location, residences[i].location) <= reach)
                .collect();
            within.sort_unstable();
            within
        })
        .collect()
}

/// Where to open the next `k` points of the kind. Only compounds out of
/// reach can be gained, so only they are looked for around each candidate:
/// where most are covered already, that is a small part of all pairs.
pub fn sites(index: &FacilityIndex, residences: &[Residence], q: Question, k: usize) -> Vec<Site> {
    sites_given(residences, &nearest_m(index, q.kind, residences), q, k)
}

/// [`sites`] with the nearest points already measured ([`nearest_m`] for
/// `q.kind`).
pub fn sites_given(residences: &[Residence], nearest: &[Option<f64>], q: Question, k: usize) -> Vec<Site> {
    let covered: Vec<bool> = nearest.iter().map(|&d| is_covered(d, q.minutes, q.pace)).collect();
    let uncovered: Vec<usize> = (0..residences.len()).filter(|&i| !covered[i]).collect();
    greedy_sites(
        residences,
        &covered,
        &reach_lists(residences, &uncovered, reach_m(q.minutes, q.pace)),
        k,
    )
}

/// A change to try before anything is saved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WhatIf {
    /// A new point of the question's kind at a place.
    Open(LatLng),
    /// An existing point (by id) closed.
    Close(i64),
}

/// The index as it would be after `change`; `None` when the point to close
/// is not one of `kind`. Nothing is stored.
pub fn changed_index(index: &FacilityIndex, kind: Kind, change: WhatIf) -> Option<FacilityIndex> {
    let changed = match change {
        WhatIf::Open(at) => Facility {
            // No stored facility has a negative id.
            id: -1,
            source_ref: String::new(),
            name_zh: String::new(),
            name_en: String::new(),
            address_zh: String::new(),
            address_en: String::new(),
            location: at,
            phone: String::new(),
            community: String::new(),
            hours: Default::default(),
            closures: Vec::new(),
            checked_at: None,
            retired: false,
            services: match kind {
                Kind::Meal => Services::Meal(MealServices::default()),
                Kind::Reading => Services::Reading(ReadingServices::default()),
                Kind::Sorting => Services::Sorting(SortingServices { accepts: Vec::new() }),
            },
        },
        WhatIf::Close(id) => {
            let f = index.get(id).filter(|f| f.kind() == kind)?;
            Facility {
                retired: true,
                ..f.clone()
            }
        }
    };
    Some(index.with_changes(vec![changed]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::coords::LatLng;
    use crate::domain::facility::{Facility, MealServices, ReadingServices, Services};
    use crate::domain::nearby::NearbyParams;

    fn facility(id: i64, at: LatLng, meal: bool) -> Facility {
        Facility {
            id,
            source_ref: format!("f{id}"),
            name_zh: format!("设施{id}"),
            name_en: String::new(),
            address_zh: String::new(),
            address_en: String::new(),
            location: at,
            phone: String::new(),
            community: String::new(),
            hours: Default::default(),
            closures: Vec::new(),
            checked_at: None,
            retired: false,
            services: if meal {
                Services::Meal(MealServices::default())
            } else {
                Services::Reading(ReadingServices::default())
            },
        }
    }

    fn grid(n: usize, step: f64) -> Vec<Residence> {
        (0..n * n)
            .map(|i| Residence {
                id: i as i64,
                source_ref: format!("r{i}"),
                name_zh: format!("小区{i}"),
                name_en: String::new(),
                community: format!("c{}", i % 2),
                location: LatLng::new(30.6 + (i / n) as f64 * step, 104.0 + (i % n) as f64 * step),
                residents: 100 + (i as u32 * 37) % 900,
                elderly: 10 + (i as u32 * 53) % 200,
            })
            .collect()
    }

    #[test]
    fn covered_exactly_when_the_nearby_search_finds_one() {
        let town = grid(12, 0.002);
        let points: Vec<Facility> = (0..6)
            .map(|i| {
                facility(
                    i,
                    LatLng::new(30.6 + 0.004 * i as f64, 104.0 + 0.003 * i as f64),
                    i % 2 == 0,
                )
            })
            .collect();
        let index = FacilityIndex::new(points);
        for (minutes, pace) in [
            (15, Pace::Normal),
            (15, Pace::Elderly),
            (5, Pace::Normal),
            (30, Pace::Elderly),
        ] {
            let q = Question {
                kind: Kind::Meal,
                minutes,
                pace,
            };
            let c = answer(&index, &town, q);
            let gaps: std::collections::HashSet<usize> = c.gaps.iter().map(|g| g.index).collect();
            for (i, r) in town.iter().enumerate() {
                let search = NearbyParams {
                    lat: Some(r.location.lat.to_string()),
                    lng: Some(r.location.lng.to_string()),
                    kind: Some("meal".into()),
                    minutes: Some(minutes.to_string()),
                    pace: Some(pace.as_str().into()),
                    ..Default::default()
                }
                .validate()
                .unwrap();
                let found = index.nearby(&search);
                assert_eq!(
                    !found.within.is_empty(),
                    !gaps.contains(&i),
                    "compound {i} at {minutes} {pace:?}"
                );
                if let Some(g) = c.gaps.iter().find(|g| g.index == i) {
                    assert_eq!(g.walk_minutes, found.beyond.first().map(|h| h.display_minutes()));
                }
            }
        }
        // No point of the kind: nobody is covered, no walk to show.
        let none = answer(
            &FacilityIndex::new(Vec::new()),
            &town,
            Question {
                kind: Kind::Meal,
                minutes: 15,
                pace: Pace::Normal,
            },
        );
        assert_eq!(none.total.residents_covered, 0);
        assert!(none.gaps.iter().all(|g| g.walk_minutes.is_none()));
    }

    #[test]
    fn what_if_opens_and_closes_without_touching_the_index() {
        let town = grid(8, 0.004);
        let index = FacilityIndex::new(vec![
            facility(1, town[0].location, true),
            facility(2, town[63].location, false),
        ]);
        let q = Question {
            kind: Kind::Meal,
            minutes: 15,
            pace: Pace::Normal,
        };
        let before = answer(&index, &town, q);
        let gap = before.gaps[0].index;
        let opened = changed_index(&index, Kind::Meal, WhatIf::Open(town[gap].location)).unwrap();
        let after = answer(&opened, &town, q);
        assert!(
            after.gaps.iter().all(|g| g.index != gap),
            "the gap it opens at is covered"
        );
        assert!(after.total.elderly_covered > before.total.elderly_covered);
        // Closing the only meal point leaves nobody covered; a reading
        // point is not a meal point to close.
        let closed = changed_index(&index, Kind::Meal, WhatIf::Close(1)).unwrap();
        assert_eq!(answer(&closed, &town, q).total.residents_covered, 0);
        assert!(changed_index(&index, Kind::Meal, WhatIf::Close(2)).is_none());
        assert!(changed_index(&index, Kind::Meal, WhatIf::Close(99)).is_none());
        // The index itself is as it was.
        assert_eq!(answer(&index, &town, q), before);
    }

    #[test]
    fn reach_lists_match_measuring_every_pair() {
        let town = grid(15, 0.0017);
        let everyone: Vec<usize> = (0..town.len()).collect();
        let some: Vec<usize> = (0..town.len()).filter(|i| i % 3 != 1).collect();
        for (targets, reach) in [
            (&everyone, 0.0),
            (&everyone, 250.0),
            (&everyone, 830.0),
            (&some, 830.0),
            (&everyone, 2000.0),
        ] {
            let fast = reach_lists(&town, targets, reach);
            for (c, list) in fast.iter().enumerate() {
                let all: Vec<usize> = targets
                    .iter()
                    .copied()
                    .filter(|&i| haversine_m(town[c].location, town[i].location) <= reach)
                    .collect();
                assert_eq!(list, &all, "compound {c} within {reach} m");
            }
        }
    }

    #[test]
    fn a_site_brings_in_the_gap_it_names() {
        let town = grid(10, 0.003);
        let index = FacilityIndex::new(vec![facility(1, town[0].location, true)]);
        let q = Question {
            kind: Kind::Meal,
            minutes: 15,
            pace: Pace::Normal,
        };
        let before = answer(&index, &town, q);
        let picked = sites(&index, &town, q, 3);
        assert_eq!(picked.len(), 3);
        // Opening the first site adds exactly its gain.
        let mut with_site = index.facilities().iter().map(|f| (**f).clone()).collect::<Vec<_>>();
        with_site.push(facility(2, town[picked[0].index].location, true));
        let after = answer(&FacilityIndex::new(with_site), &town, q);
        assert_eq!(
            after.total.elderly_covered - before.total.elderly_covered,
            picked[0].elderly_gain
        );
        assert_eq!(
            after.total.residents_covered - before.total.residents_covered,
            picked[0].residents_gain
        );
    }
}
