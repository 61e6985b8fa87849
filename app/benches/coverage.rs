//! Coverage and siting for a whole city: 1 k, 10 k and 100 k compounds
//! against 10 k facilities (a third of them meal points) spread over a
//! Chengdu-sized area, and greedy siting of k = 10 meal points over every
//! compound as a candidate:
//! `cargo bench -p app --features ssr --bench coverage`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;

use app::domain::coords::LatLng;
use app::domain::coverage::Residence;
use app::domain::facility::{Facility, Kind, MealServices, ReadingServices, Services, SortingServices, WasteCategory};
use app::domain::walking::Pace;
use app::server::coverage::{answer, sites, Question};
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

    /// About 40 km × 40 km around central Chengdu.
    fn place(&mut self) -> LatLng {
        LatLng::new(30.48 + 0.36 * self.next(), 103.85 + 0.42 * self.next())
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
            location: rng.place(),
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

fn compounds(n: usize) -> Vec<Residence> {
    let mut rng = Lcg(11);
    (0..n)
        .map(|i| {
            let residents = 300 + (rng.next() * 6000.0) as u32;
            Residence {
                id: i as i64,
                source_ref: format!("r{i}"),
                name_zh: format!("小区{i}"),
                name_en: String::new(),
                community: format!("c{}", i % 200),
                location: rng.place(),
                residents,
                elderly: residents / 5,
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let index = FacilityIndex::new(facilities(10_000));
    let mut group = c.benchmark_group("coverage");
    group.sample_size(10);
    for (minutes, pace) in [(15, Pace::Normal), (15, Pace::Elderly)] {
        let q = Question {
            kind: Kind::Meal,
            minutes,
            pace,
        };
        for n in [1_000, 10_000, 100_000] {
            let town = compounds(n);
            let label = format!("{n}-{}", pace.as_str());
            group.bench_with_input(BenchmarkId::new("answer", &label), &town, |b, town| {
                b.iter(|| black_box(answer(&index, town, q)))
            });
            group.bench_with_input(BenchmarkId::new("sites-k10", &label), &town, |b, town| {
                b.iter(|| black_box(sites(&index, town, q, 10)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
