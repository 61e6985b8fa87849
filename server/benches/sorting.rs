//! Sorting-guide search over the real dictionary (`seeds/sorting.csv`), as
//! the API and the server-rendered page run it:
//! `cargo bench -p server --bench sorting`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

use app::domain::sorting::SortingIndex;
use server::import::{parse_sorting, read_records, Format};

fn bench(c: &mut Criterion) {
    let records = read_records(include_str!("../../seeds/sorting.csv"), Format::Csv).expect("CSV");
    let items = parse_sorting(&records).expect("valid dictionary");
    c.bench_function("sorting/build-index", |b| {
        b.iter(|| black_box(SortingIndex::new(items.clone())))
    });
    let index = SortingIndex::new(items);
    let mut group = c.benchmark_group("sorting/search");
    for (label, q) in [
        ("han-exact", "报纸"),
        ("han-part", "电池"),
        ("han-phrase", "用过的纸巾"),
        ("pinyin", "baozhi"),
        ("initials", "bz"),
        ("english-plural", "tea leaves"),
        ("miss-did-you-mean", "newspapr"),
        ("long-64-chars", &"纸".repeat(200)),
    ] {
        group.bench_with_input(BenchmarkId::from_parameter(label), q, |b, q| {
            b.iter(|| black_box(index.search(q, 8)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
