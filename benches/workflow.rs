//! Workflow, store and audit at scale: the W-flow, `explain` latency and `verify` throughput.
//!
//! Run with `cargo bench --bench workflow` (release). What it measures:
//!
//! - **W-flow, full scale** (timed once, printed): a generated cycle of about 100,000 people
//!   (`THIDUA_BENCH_PEOPLE`), every person eligible for one of the five personal awards
//!   nominated from the eligible lists (about 106,000 proposals), then each proposal through
//!   four stages: submitted by the unit head, a secret council vote (7 members, quorum 2/3,
//!   one written ballot; every 13th proposal fails and is rejected), and conferred by the
//!   procurator general's decision. Commands run in batches of `THIDUA_BENCH_BATCH` proposals
//!   (default 1,000: one batch is one council meeting), each batch one transaction through
//!   [`Office::act_loaded`], committed (`synchronous = FULL`) before the next starts. The
//!   result is a store of about 1.5 million events.
//! - **explain** over that store: criterion's mean, and p50/p90/p99/max from a timing loop
//!   over 1,000 proposals spread over the whole log (printed), with the traces kept in
//!   memory ([`Loaded::keep_traces`]); also the percentiles of 50 proposals explained as one
//!   `thidua explain` does it, evaluating the cycle again.
//! - **verify** over that store: the whole [`audit::verify`] (hash chain, sealed boxes,
//!   evaluation and tally replay), as events per second.
//! - **W-flow per proposal** on a 2,000-person cycle (criterion, a fresh copy of a prepared
//!   store per iteration), to follow the per-command cost between runs: ballots recorded
//!   one command each, and one command per round ([`Runner::cast_many`]).
//!
//! [`Runner::cast_many`]: thidua::workflow::engine::Runner::cast_many
//!
//! The large store is built once per run, and only when a benchmark that needs it is
//! selected. `THIDUA_BENCH_DB=/path/file.db` keeps it (and reuses it on the next run, which
//! then prints no W-flow figures). `cargo bench --no-run` builds nothing. The workload is in
//! `examples/workflow_scale.rs`, which also times one phase at a time for profiling.

#![expect(clippy::expect_used, reason = "a benchmark stops on bad setup")]
#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

#[path = "../examples/workflow_scale.rs"]
#[expect(dead_code, reason = "the example's command line is not used here")]
mod scale;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use scale::{Ballots, explain_percentiles, prepare, run_flow, spread, verify_once};
use thidua::audit;
use thidua::office::{Loaded, Office};

fn env_u32(name: &str, default: u32) -> u32 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The large store, its state and a sample of proposals to explain.
struct Large {
    _dir: Option<tempfile::TempDir>,
    office: Office,
    loaded: Loaded,
    sample: Vec<u64>,
    events: u64,
}

impl Large {
    fn build() -> Large {
        let people = env_u32("THIDUA_BENCH_PEOPLE", 100_000);
        let batch = env_u32("THIDUA_BENCH_BATCH", 1_000) as usize;
        let (dir, db) = match std::env::var_os("THIDUA_BENCH_DB") {
            Some(p) => (None, PathBuf::from(p)),
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let db = dir.path().join("w-flow.db");
                (Some(dir), db)
            }
        };
        let fresh = !db.exists();
        if fresh {
            let t = Instant::now();
            prepare(&db, people);
            println!(
                "w-flow: cycle of {people} people registered and evaluated in {:.1?}",
                t.elapsed()
            );
        }
        let mut office = Office::open(&db).expect("store opens");
        let t = Instant::now();
        let loaded = office.load().expect("state loads");
        println!("w-flow: state loaded in {:.1?}", t.elapsed());
        if fresh {
            run_flow(&mut office, &loaded, batch, Ballots::Each).print();
        } else {
            println!("w-flow: reusing {}", db.display());
        }
        let sample = spread(&office, 1_000);
        let events = office.store.event_count().expect("log length");
        Large { _dir: dir, office, loaded, sample, events }
    }
}

fn bench(c: &mut Criterion) {
    let wanted = ["large store/explain", "large store/verify"].into_iter().any(c_filter_matches);
    if wanted {
        let mut l = Large::build();
        let mut group = c.benchmark_group("large store");
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(20));
        if c_filter_matches("large store/explain") {
            // The timing loops for percentiles (criterion reports the mean): 50 proposals
            // explained as `thidua explain` does (the cycle evaluated again), then all with the
            // traces kept, as the criterion benchmark runs.
            let few: Vec<u64> = l.sample.iter().step_by(20).copied().collect();
            explain_percentiles(&l.office, &l.loaded, &few, l.events, "evaluating the cycle again");
            let t = Instant::now();
            l.loaded.keep_traces().expect("traces");
            println!("traces kept in {:.1?}", t.elapsed());
            explain_percentiles(&l.office, &l.loaded, &l.sample, l.events, "traces kept");
        }
        group.bench_function("explain", |b| {
            let mut next = l.sample.iter().cycle();
            b.iter(|| {
                let id = *next.next().expect("a sample");
                black_box(audit::explain(&l.office, &l.loaded, id).expect("explains"))
            });
        });
        if c_filter_matches("large store/verify") {
            verify_once(&l.office);
        }
        group.throughput(Throughput::Elements(l.events));
        group.bench_function("verify", |b| {
            b.iter(|| black_box(audit::verify(&l.office).expect("verifies")));
        });
        group.finish();
    }

    // A fresh copy of a prepared 2,000-person store per iteration.
    let dir = tempfile::tempdir().expect("temp dir");
    let template = dir.path().join("template.db");
    let fresh_copy = || {
        let db = dir.path().join("run.db");
        let _ = std::fs::remove_file(&db);
        std::fs::copy(&template, &db).expect("copy");
        let office = Office::open(&db).expect("opens");
        let loaded = office.load().expect("loads");
        (office, loaded)
    };
    let mut group = c.benchmark_group("w-flow 2k-person cycle");
    group.sample_size(10);
    let names = ["ballot by ballot", "ballots per round"];
    if names.iter().any(|n| c_filter_matches(&format!("w-flow 2k-person cycle/{n}"))) {
        prepare(&template, 2_000);
        let (mut office, loaded) = fresh_copy();
        let f = run_flow(&mut office, &loaded, 200, Ballots::Each);
        println!(
            "w-flow 2k-person cycle: {} proposals, {} events per iteration",
            f.proposals, f.events
        );
        group.throughput(Throughput::Elements(f.proposals as u64));
    }
    for (name, ballots) in names.into_iter().zip([Ballots::Each, Ballots::PerRound]) {
        group.bench_function(name, |b| {
            b.iter_batched(
                fresh_copy,
                |(mut office, loaded)| black_box(run_flow(&mut office, &loaded, 200, ballots)),
                BatchSize::PerIteration,
            );
        });
    }
    group.finish();
}

/// Whether the benchmark `id` is selected by the command line's filter (criterion's first
/// free argument, a substring match), so that unselected setup is skipped.
fn c_filter_matches(id: &str) -> bool {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    filter.is_none_or(|f| id.contains(&f))
}

criterion_group!(benches, bench);
criterion_main!(benches);
