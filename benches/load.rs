//! Load benchmarks: parse and check a rule set ([`thidua::check::check_source`]).
//!
//! Run with `cargo bench --bench load`. Two rule sets:
//!
//! - the shipped `rules/vksnd_tinh.rules`;
//! - the generated 1,000-award set of the peer comparison (`benches/common/awards1000.rs`,
//!   shared with `benches/peers/`), so that the figures compare with regorus compiling the
//!   equivalent Rego there (issue 5's load target: under 10 ms).

#![expect(clippy::expect_used, reason = "a benchmark stops on bad setup")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use thidua::diag::SourceMap;

/// The allocator the `thidua` binary uses, so that figures match it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SHIPPED: &str = include_str!("../rules/vksnd_tinh.rules");
const W1_RULES: &str = include_str!("peers/workloads/w1.rules");

/// The generated awards, shared with the peer comparison.
#[path = "common/awards1000.rs"]
mod generated;

use generated::AWARDS;

/// The 1,000-award rule file, exactly as the peer comparison builds it.
fn awards1000() -> String {
    generated::rules_text(W1_RULES).expect("w1.rules has its enumerations and `mark htxs`")
}

fn bench(c: &mut Criterion) {
    let generated = awards1000();
    let mut sources = SourceMap::new();
    let checked =
        thidua::check::check_source("gen1000.rules", &generated, &mut sources).expect("checks");
    assert_eq!(checked.program.awards.len(), AWARDS, "the generated set has 1,000 awards");
    let mut group = c.benchmark_group("load");
    for (label, text) in [("shipped rule set", SHIPPED), ("1,000 awards", generated.as_str())] {
        group.bench_function(label, |b| {
            b.iter(|| {
                let mut sources = SourceMap::new();
                black_box(
                    thidua::check::check_source("r.rules", black_box(text), &mut sources).is_ok(),
                )
            });
        });
    }
    group.finish();
    // The parser alone (pest only where the fast path leaves a file to it), to split the
    // load time into parsing and checking.
    let mut group = c.benchmark_group("parse");
    for (label, text) in [("shipped rule set", SHIPPED), ("1,000 awards", generated.as_str())] {
        group.bench_function(label, |b| {
            b.iter(|| {
                black_box(
                    thidua::syntax::parse_rules(black_box(text), thidua::diag::FileId(0)).is_ok(),
                )
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
