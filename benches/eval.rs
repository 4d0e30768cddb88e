//! Evaluation benchmarks: the shipped rule set over generated cycles.
//!
//! Run with `cargo bench --bench eval`. Sizes: the shipped sample (~100 people) and a
//! generated 100k-person cycle. Load (parse + check) is timed apart from evaluation.

#![expect(clippy::expect_used, reason = "a benchmark stops on bad setup")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use thidua::diag::SourceMap;
use thidua::eval::{TraceMode, evaluate, resolve_cycle};
use thidua::sample::{GenConfig, generate};

/// The allocator the `thidua` binary uses, so that figures match it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RULES: &str = include_str!("../rules/vksnd_tinh.rules");

fn load(people: Option<u32>) -> (thidua::program::Program, thidua::model::Dataset) {
    let mut sources = SourceMap::new();
    let checked = thidua::check::check_source("vksnd_tinh.rules", RULES, &mut sources)
        .expect("shipped rules check");
    let cfg = people.map_or_else(GenConfig::sample, GenConfig::with_people);
    let files = generate(&cfg);
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let data = thidua::data::load_csv_str(&checked.program.schema, &refs, &mut sources)
        .expect("generated data loads");
    (checked.program, data)
}

fn bench(c: &mut Criterion) {
    c.bench_function("check shipped rule set", |b| {
        b.iter(|| {
            let mut sources = SourceMap::new();
            black_box(
                thidua::check::check_source("r.rules", black_box(RULES), &mut sources).is_ok(),
            )
        });
    });
    for (label, people) in [("sample", None), ("100k", Some(100_000))] {
        let (program, data) = load(people);
        let cycle = resolve_cycle(&program, None).expect("cycle");
        let mut group = c.benchmark_group(format!("evaluate {label}"));
        if people.is_some() {
            group.sample_size(10);
        }
        group.bench_function("untraced", |b| {
            b.iter(|| {
                black_box(evaluate(&program, &data, cycle, TraceMode::Off).expect("evaluates"))
            });
        });
        group.bench_function("traced (every decision)", |b| {
            b.iter(|| {
                black_box(evaluate(&program, &data, cycle, TraceMode::All).expect("evaluates"))
            });
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
