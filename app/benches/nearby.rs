//! Nearest-neighbour queries over 1 k, 10 k and 100 k facilities spread over
//! a Chengdu-sized area, and what an edit costs the index (one facility
//! applied to a copy vs a rebuild):
//! `cargo bench -p app --features ssr --bench nearby`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;

use app::domain::coords::LatLng;
use app::domain::facility::{Facility, MealServices, ReadingServices, Services, SortingServices, WasteCategory};
use app::domain::nearby::{NearbyParams, NearbyQuery};
use app::domain::walking::haversine_m;
use app::server::index::FacilityIndex;

/// A small deterministic generator, so every run measures the same data.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn facilities(n: usize) -> Vec<Facility> {
    let mut rng = Lcg(7);
    (0..n)
        .map(|i| Facility {
            id: i as i64,
            source_ref: format!("f{i}"),
            name_zh: format!("设施{i}"),
            name_en: String::new(),
            address_zh: String::new(),
            address_en: String::new(),
            // About 40 km × 40 km around central Chengdu.
            location: LatLng::new(30.48 + 0.36 * rng.next(), 103.85 + 0.42 * rng.next()),
            phone: String::new(),
            community: String::new(),
            hours: Default::default(),
            closures: Vec::new(),
            checked_at: None,
            retired: false,
            services: match i % 3 {
                0 => Services::Meal(MealServices::default()),
                1 => Services::Reading(ReadingServices::default()),
                _ => Services::Sorting(SortingServices {
                    accepts: vec![WasteCategory::Food],
                }),
            },
        })
        .collect()
}

/// The baseline the index replaces: distance to every facility, then sort.
fn scan(facilities: &[Facility], q: &NearbyQuery) -> Vec<(f64, i64)> {
    let reach = q.reach_m();
    let mut hits: Vec<(f64, i64)> = facilities
        .iter()
        .filter(|f| q.kind.is_none_or(|k| f.kind() == k))
        .map(|f| (haversine_m(q.origin, f.location), f.id))
        .filter(|(d, _)| *d <= reach)
        .collect();
    hits.sort_by(|a, b| a.0.total_cmp(&b.0));
    hits.truncate(q.limit);
    hits
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("nearby");
    for n in [1_000usize, 10_000, 100_000] {
        let all = facilities(n);
        let index = FacilityIndex::new(all.clone());
        let mut rng = Lcg(99);
        let origins: Vec<LatLng> = (0..256)
            .map(|_| LatLng::new(30.55 + 0.2 * rng.next(), 103.95 + 0.2 * rng.next()))
            .collect();
        for (label, kind) in [("all", None), ("meal", Some("meal"))] {
            let queries: Vec<_> = origins
                .iter()
                .map(|o| {
                    NearbyParams {
                        lat: Some(o.lat.to_string()),
                        lng: Some(o.lng.to_string()),
                        kind: kind.map(str::to_string),
                        ..Default::default()
                    }
                    .validate()
                    .expect("valid query")
                })
                .collect();
            let mut i = 0;
            group.bench_with_input(BenchmarkId::new(label, n), &n, |b, _| {
                b.iter(|| {
                    i = (i + 1) % queries.len();
                    black_box(index.nearby(&queries[i]))
                })
            });
            if kind.is_none() {
                let mut i = 0;
                group.bench_with_input(BenchmarkId::new("scan-all", n), &n, |b, _| {
                    b.iter(|| {
                        i = (i + 1) % queries.len();
                        black_box(scan(&all, &queries[i]))
                    })
                });
            }
        }
    }
    group.finish();
}

fn edit(c: &mut Criterion) {
    let mut group = c.benchmark_group("edit");
    group.sample_size(10);
    let n = 100_000;
    let index = FacilityIndex::new(facilities(n));
    let mut moved = index.get(42).expect("facility 42").clone();
    moved.location = LatLng::new(30.66, 104.07);
    group.bench_function(BenchmarkId::new("apply-one", n), |b| {
        b.iter(|| black_box(index.with_changes(vec![moved.clone()])))
    });
    group.bench_function(BenchmarkId::new("rebuild", n), |b| {
        b.iter(|| {
            black_box(FacilityIndex::new(
                index.facilities().iter().map(|f| (**f).clone()).collect(),
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, bench, edit);
criterion_main!(benches);
