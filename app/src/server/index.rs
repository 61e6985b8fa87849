//! The in-memory spatial index behind every nearby query.
//!
//! Facilities are few (thousands, at most ~100k for a whole city) and change
//! rarely, so they are kept in memory in R*-trees, one per kind plus one for
//! all kinds. Points are placed on a sphere in 3-D (metres from the Earth's
//! centre): the straight chord between two such points grows monotonically
//! with the great-circle distance, so the tree's nearest-first order is
//! exactly the haversine order, with no distortion near the poles or at the
//! antimeridian.

use std::collections::HashMap;
use std::sync::Arc;

use rstar::{primitives::GeomWithData, RTree};

use crate::domain::coords::LatLng;
use crate::domain::facility::{Facility, Kind};
use crate::domain::nearby::{nearest_first, Hit, NearbyQuery, NearbyResult, BEYOND_COUNT};
use crate::domain::walking::{haversine_m, walk_minutes, EARTH_RADIUS_M};

type Entry = GeomWithData<[f64; 3], usize>;

/// Distances closer than this (metres) count as a tie: the tree orders by
/// chord and the answer by great-circle distance, equal up to rounding.
const TIE_M: f64 = 1e-6;

/// Each facility is shared (`Arc`) between the index, the snapshots made
/// from it and every answer: an answer of 20 hits takes 20 reference
/// counts, not 20 copies of names, hours and services.
#[derive(Clone, Default)]
pub struct FacilityIndex {
    facilities: Vec<Arc<Facility>>,
    by_id: HashMap<i64, usize>,
    all: RTree<Entry>,
    by_kind: [RTree<Entry>; 3],
}

fn kind_slot(kind: Kind) -> usize {
    match kind {
        Kind::Meal => 0,
        Kind::Reading => 1,
        Kind::Sorting => 2,
    }
}

/// A point on the sphere in 3-D (metres), where straight chords order
/// like great-circle distances.
pub(crate) fn on_sphere(p: LatLng) -> [f64; 3] {
    let (phi, lambda) = (p.lat.to_radians(), p.lng.to_radians());
    [
        EARTH_RADIUS_M * phi.cos() * lambda.cos(),
        EARTH_RADIUS_M * phi.cos() * lambda.sin(),
        EARTH_RADIUS_M * phi.sin(),
    ]
}

impl FacilityIndex {
    /// Builds the trees with bulk loading (O(n log n)).
    /// The index of the facilities residents see (retired ones are left out).
    pub fn new(facilities: Vec<Facility>) -> Self {
        Self::shared(facilities.into_iter().map(Arc::new).collect())
    }

    fn shared(mut facilities: Vec<Arc<Facility>>) -> Self {
        facilities.retain(|f| !f.retired);
        let entries = |kind: Option<Kind>| -> Vec<Entry> {
            facilities
                .iter()
                .enumerate()
                .filter(|(_, f)| kind.is_none_or(|k| f.kind() == k))
                .map(|(i, f)| GeomWithData::new(on_sphere(f.location), i))
                .collect()
        };
        let all = RTree::bulk_load(entries(None));
        let by_kind = Kind::ALL.map(|k| RTree::bulk_load(entries(Some(k))));
        let by_id = facilities.iter().enumerate().map(|(i, f)| (f.id, i)).collect();
        Self {
            facilities,
            by_id,
            all,
            by_kind,
        }
    }

    /// This index with `changed` facilities put in: new ones added, known
    /// ones (by id) replaced, moving in the trees only when their place or
    /// kind changed. An edit of one facility in a city of 100 000 costs a
    /// copy and two tree updates, not a rebuild; many changes at once are
    /// bulk loaded again, which is faster then. A facility retired leaves
    /// the index (rare: the index is built again).
    pub fn with_changes(&self, changed: Vec<Facility>) -> Self {
        let retiring = changed.iter().any(|f| f.retired && self.by_id.contains_key(&f.id));
        if retiring || changed.len() > self.len() / 8 {
            let mut by_id: HashMap<i64, Arc<Facility>> = self.facilities.iter().map(|f| (f.id, f.clone())).collect();
            for f in changed {
                if f.retired {
                    by_id.remove(&f.id);
                } else {
                    by_id.insert(f.id, Arc::new(f));
                }
            }
            let mut all: Vec<Arc<Facility>> = by_id.into_values().collect();
            all.sort_by_key(|f| f.id);
            return Self::shared(all);
        }
        let mut next = self.clone();
        for f in changed.into_iter().filter(|f| !f.retired) {
            let entry = |i: usize, f: &Facility| GeomWithData::new(on_sphere(f.location), i);
            match next.by_id.get(&f.id).copied() {
                Some(i) => {
                    let old = &next.facilities[i];
                    if old.location != f.location || old.kind() != f.kind() {
                        next.all.remove(&entry(i, old));
                        next.by_kind[kind_slot(old.kind())].remove(&entry(i, old));
                        next.all.insert(entry(i, &f));
                        next.by_kind[kind_slot(f.kind())].insert(entry(i, &f));
                    }
                    next.facilities[i] = Arc::new(f);
                }
                None => {
                    let i = next.facilities.len();
                    next.all.insert(entry(i, &f));
                    next.by_kind[kind_slot(f.kind())].insert(entry(i, &f));
                    next.by_id.insert(f.id, i);
                    next.facilities.push(Arc::new(f));
                }
            }
        }
        next
    }

    pub fn len(&self) -> usize {
        self.facilities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.facilities.is_empty()
    }

    pub fn facilities(&self) -> &[Arc<Facility>] {
        &self.facilities
    }

    pub fn get(&self, id: i64) -> Option<&Facility> {
        self.by_id.get(&id).map(|&i| &*self.facilities[i])
    }

    /// The nearest facility of `kind` to `at`, with its straight-line metres.
    pub fn nearest(&self, kind: Kind, at: LatLng) -> Option<(&Facility, f64)> {
        self.by_kind[kind_slot(kind)].nearest_neighbor(&on_sphere(at)).map(|e| {
            let f = &*self.facilities[e.data];
            (f, haversine_m(at, f.location))
        })
    }

    /// Facilities within the query's walking radius, nearest first, at most
    /// `limit`; when none is inside, the nearest [`BEYOND_COUNT`] beyond it.
    pub fn nearby(&self, q: &NearbyQuery) -> NearbyResult {
        let tree = match q.kind {
            Some(k) => &self.by_kind[kind_slot(k)],
            None => &self.all,
        };
        let reach = q.reach_m();
        let mut hits = tree
            .nearest_neighbor_iter(&on_sphere(q.origin))
            .filter(|e| q.admits(&self.facilities[e.data]))
            .map(|e| {
                let facility = &self.facilities[e.data];
                let distance_m = haversine_m(q.origin, facility.location);
                Hit {
                    facility: facility.clone(),
                    distance_m,
                    walk_minutes: walk_minutes(distance_m, q.pace),
                }
            });
        // The tree gives nearest first; ties are then put in id order
        // ([`nearest_first`]), so hits at the same distance as the last
        // one taken are taken too before cutting at the limit.
        let tied = |taken: &[Hit], next: &Hit| taken.last().is_some_and(|l| next.distance_m <= l.distance_m + TIE_M);
        let mut within: Vec<Hit> = Vec::new();
        let mut first_beyond = None;
        for hit in hits.by_ref() {
            if hit.distance_m > reach {
                first_beyond = Some(hit);
                break;
            }
            if within.len() >= q.limit && !tied(&within, &hit) {
                break;
            }
            within.push(hit);
        }
        within.sort_by(nearest_first);
        within.truncate(q.limit);
        let beyond = if within.is_empty() {
            let n = BEYOND_COUNT.min(q.limit);
            let mut beyond: Vec<Hit> = Vec::new();
            for hit in first_beyond.into_iter().chain(hits) {
                if beyond.len() >= n && !tied(&beyond, &hit) {
                    break;
                }
                beyond.push(hit);
            }
            beyond.sort_by(nearest_first);
            beyond.truncate(n);
            beyond
        } else {
            Vec::new()
        };
        NearbyResult { within, beyond }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::facility::{MealServices, ReadingServices, Services};
    use crate::domain::nearby::NearbyParams;

    fn facility(id: i64, lat: f64, lng: f64, meal: bool) -> Facility {
        Facility {
            id,
            source_ref: format!("f{id}"),
            name_zh: format!("设施{id}"),
            name_en: String::new(),
            address_zh: String::new(),
            address_en: String::new(),
            location: LatLng::new(lat, lng),
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

    fn query(lat: f64, lng: f64, extra: &[(&str, &str)]) -> NearbyQuery {
        let mut p = NearbyParams {
            lat: Some(lat.to_string()),
            lng: Some(lng.to_string()),
            ..Default::default()
        };
        for (k, v) in extra {
            let v = Some(v.to_string());
            match *k {
                "kind" => p.kind = v,
                "minutes" => p.minutes = v,
                "pace" => p.pace = v,
                "limit" => p.limit = v,
                _ => unreachable!(),
            }
        }
        p.validate().unwrap()
    }

    /// `n` facilities at pseudo-random places around Chengdu (the same for
    /// the same `seed`), every third a meal point.
    fn scattered(n: i64, mut seed: u64) -> Vec<Facility> {
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..n)
            .map(|i| facility(i, 30.55 + 0.2 * next(), 103.95 + 0.2 * next(), i % 3 == 0))
            .collect()
    }

    /// A grid of facilities every ~110 m north of the origin.
    fn column(n: i64) -> FacilityIndex {
        FacilityIndex::new(
            (0..n)
                .map(|i| facility(i, 30.6 + 0.001 * i as f64, 104.0, i % 2 == 0))
                .collect(),
        )
    }

    #[test]
    fn agrees_with_a_brute_force_scan() {
        // Pseudo-random points around Chengdu; compare with sorting by haversine.
        let fs = scattered(500, 42);
        let index = FacilityIndex::new(fs.clone());
        let q = query(30.65, 104.05, &[("minutes", "30"), ("limit", "100")]);
        let got: Vec<i64> = index.nearby(&q).within.iter().map(|h| h.facility.id).collect();
        let mut want: Vec<(f64, i64)> = fs
            .iter()
            .map(|f| (haversine_m(q.origin, f.location), f.id))
            .filter(|(d, _)| *d <= q.reach_m())
            .collect();
        want.sort_by(|a, b| a.0.total_cmp(&b.0));
        let want: Vec<i64> = want.into_iter().take(100).map(|(_, id)| id).collect();
        assert!(!want.is_empty());
        assert_eq!(got, want);
    }

    #[test]
    fn the_browser_scan_gives_the_same_answers() {
        use crate::domain::nearby::scan;
        let fs = scattered(400, 7);
        let index = FacilityIndex::new(fs.clone());
        for (lat, lng, extra) in [
            (30.65, 104.05, vec![]),
            (30.62, 104.01, vec![("kind", "meal"), ("pace", "elderly")]),
            (30.70, 104.10, vec![("minutes", "30"), ("limit", "5")]),
            (31.20, 104.05, vec![]),
        ] {
            let q = query(lat, lng, &extra);
            assert_eq!(scan(&fs, &q), index.nearby(&q), "at {lat},{lng} {extra:?}");
        }
    }

    #[test]
    fn radius_kind_limit_and_pace() {
        let index = column(20);
        // 15 min at normal pace reaches 831 m: facilities 0..=7 (0..770 m).
        let r = index.nearby(&query(30.6, 104.0, &[]));
        assert_eq!(r.within.len(), 8);
        assert!(r.within.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
        assert!(r.beyond.is_empty());
        // Elderly pace reaches 623 m: 0..=5.
        assert_eq!(
            index.nearby(&query(30.6, 104.0, &[("pace", "elderly")])).within.len(),
            6
        );
        let r = index.nearby(&query(30.6, 104.0, &[("kind", "meal")]));
        assert!(r.within.iter().all(|h| h.facility.kind() == Kind::Meal));
        assert_eq!(r.within.len(), 4);
        assert_eq!(index.nearby(&query(30.6, 104.0, &[("limit", "3")])).within.len(), 3);
    }

    #[test]
    fn nothing_inside_offers_the_nearest_beyond() {
        let index = column(5);
        // ~5.5 km south of the column.
        let r = index.nearby(&query(30.55, 104.0, &[]));
        assert!(r.within.is_empty());
        let ids: Vec<i64> = r.beyond.iter().map(|h| h.facility.id).collect();
        assert_eq!(ids, vec![0, 1, 2]);
        assert!(r.beyond[0].walk_minutes > 15.0);
        let empty = FacilityIndex::default();
        assert_eq!(empty.nearby(&query(30.55, 104.0, &[])), NearbyResult::default());
    }

    #[test]
    fn retired_facilities_leave_and_restored_ones_come_back() {
        let fs = scattered(50, 5);
        let index = FacilityIndex::new(fs.clone());
        let q = query(fs[3].location.lat, fs[3].location.lng, &[]);
        let nearest = |i: &FacilityIndex| i.nearby(&q).within.first().map(|h| h.facility.id);
        assert_eq!(nearest(&index), Some(fs[3].id));
        let retired = Facility {
            retired: true,
            ..fs[3].clone()
        };
        let without = index.with_changes(vec![retired.clone()]);
        assert_eq!(without.len(), 49);
        assert!(without.get(fs[3].id).is_none());
        assert_ne!(nearest(&without), Some(fs[3].id));
        // A retired facility edited again stays out; restored, it is back.
        assert_eq!(without.with_changes(vec![retired.clone()]).len(), 49);
        let back = without.with_changes(vec![fs[3].clone()]);
        assert_eq!(nearest(&back), Some(fs[3].id));
        assert_eq!(FacilityIndex::new(vec![retired]).len(), 0);
    }

    #[test]
    fn changes_applied_answer_like_a_fresh_build() {
        let mut fs = scattered(300, 3);
        let index = FacilityIndex::new(fs.clone());
        // Moved, renamed, changed kind, unchanged place; and two new.
        let mut changed = vec![
            facility(5, 30.65, 104.05, true),
            Facility {
                name_zh: "改名".into(),
                ..fs[7].clone()
            },
            facility(9, fs[9].location.lat, fs[9].location.lng, fs[9].kind() != Kind::Meal),
            facility(1000, 30.651, 104.051, false),
            facility(1001, 30.649, 104.049, true),
        ];
        let applied = index.with_changes(changed.clone());
        let moved_from = fs[5].location;
        for c in &changed {
            match fs.iter_mut().find(|f| f.id == c.id) {
                Some(f) => *f = c.clone(),
                None => fs.push(c.clone()),
            }
        }
        let fresh = FacilityIndex::new(fs.clone());
        assert_eq!(applied.len(), 302);
        assert_eq!(applied.get(7).unwrap().name_zh, "改名");
        for (lat, lng, extra) in [
            (30.65, 104.05, vec![("minutes", "30"), ("limit", "100")]),
            (30.65, 104.05, vec![("kind", "meal"), ("limit", "100")]),
            (
                30.60,
                104.00,
                vec![("kind", "reading"), ("minutes", "60"), ("limit", "100")],
            ),
        ] {
            let q = query(lat, lng, &extra);
            let ids = |r: NearbyResult| r.within.iter().map(|h| h.facility.id).collect::<Vec<_>>();
            assert_eq!(
                ids(applied.nearby(&q)),
                ids(fresh.nearby(&q)),
                "at {lat},{lng} {extra:?}"
            );
        }
        // The old place of the moved one is empty now.
        let old = query(moved_from.lat, moved_from.lng, &[("limit", "1")]);
        assert_eq!(applied.nearby(&old), fresh.nearby(&old));
        // Many changes at once take the bulk path, with the same answers.
        changed = (0..100)
            .map(|i| facility(i, 30.6 + 0.001 * i as f64, 104.0, true))
            .collect();
        let bulk = index.with_changes(changed.clone());
        let mut base: Vec<Facility> = index.facilities().iter().map(|f| (**f).clone()).collect();
        for c in changed {
            let id = c.id;
            *base.iter_mut().find(|f| f.id == id).unwrap() = c;
        }
        let fresh = FacilityIndex::new(base);
        assert_eq!(bulk.len(), 300);
        for (lat, lng, extra) in [
            (30.6, 104.0, vec![("kind", "meal"), ("limit", "100")]),
            (30.65, 104.05, vec![("minutes", "60"), ("limit", "100")]),
            // Nothing inside: the nearest beyond, ties and all.
            (31.5, 104.0, vec![("minutes", "1")]),
        ] {
            let q = query(lat, lng, &extra);
            assert_eq!(bulk.nearby(&q), fresh.nearby(&q), "at {lat},{lng} {extra:?}");
        }
        assert!(!bulk.nearby(&query(31.5, 104.0, &[("minutes", "1")])).beyond.is_empty());
    }

    #[test]
    fn lookup_by_id() {
        let index = column(3);
        assert_eq!(index.get(2).map(|f| f.id), Some(2));
        assert!(index.get(99).is_none());
    }
}
