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
//!   result is a store of about 1.4 million events.
//! - **explain** over that store: criterion's mean, and p50/p90/p99/max from a timing loop
//!   over 1,000 proposals spread over the whole log (printed).
//! - **verify** over that store: the whole [`audit::verify`] (hash chain, sealed boxes,
//!   evaluation and tally replay), as events per second.
//! - **W-flow per proposal** on a 2,000-person cycle (criterion, a fresh copy of a prepared
//!   store per iteration), to follow the per-command cost between runs.
//!
//! The large store is built once per run, and only when a benchmark that needs it is
//! selected. `THIDUA_BENCH_DB=/path/file.db` keeps it (and reuses it on the next run, which
//! then prints no W-flow figures). `cargo bench --no-run` builds nothing.

#![expect(clippy::expect_used, reason = "a benchmark stops on bad setup")]
#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use thidua::audit;
use thidua::office::{Loaded, Office};
use thidua::sample::{GenConfig, generate};
use thidua::workflow::engine::Actor;
use thidua::workflow::store::{BallotMode, Choice, EventStore as _};

const RULES: &str = include_str!("../rules/vksnd_tinh.rules");

/// The W-flow: a personal award from nomination to conferral, with a secret council vote.
const FLOW: &str = r#"
workflow w_flow "Xét khen thưởng cá nhân: đơn vị đề nghị, Hội đồng bỏ phiếu kín, Viện trưởng quyết định" for can_bo
  basis "Luật TĐKT 2022 Điều 84; NĐ 98/2023/NĐ-CP Điều 30 k7"

role unit_head "Thủ trưởng đơn vị"
role secretary "Thư ký Hội đồng Thi đua - Khen thưởng"
role vien_truong "Viện trưởng VKSND tỉnh"

body council "Hội đồng Thi đua - Khen thưởng" roster

calendar {
  weekend sat sun
  holiday 2026-01-01 "Tết Dương lịch"
}

nominate by unit_head

stage nominated "Đơn vị đề nghị" start {
  deadline 10 working days
}
stage council_vote "Hội đồng bỏ phiếu kín" {
  deadline 20 working days
  vote council threshold 50% of all secret quorum 2/3 written run by secretary
}
stage decision "Trình Viện trưởng quyết định" {
  deadline 10 working days
}
stage conferred "Đã quyết định khen thưởng" terminal
stage rejected "Không được khen thưởng" terminal

transition submit "Trình Hội đồng" nominated -> council_vote by unit_head when eligible
transition council_passed council_vote -> decision on passed
transition council_failed council_vote -> rejected on failed
transition confer "Quyết định khen thưởng" decision -> conferred by vien_truong
transition refuse "Không khen thưởng" decision -> rejected by vien_truong
"#;

/// The personal awards, nominated in this order.
const AWARDS: [&str; 5] =
    ["lao_dong_tien_tien", "cstdcs", "bang_khen_vkstc", "giay_khen", "cstd_nganh"];

/// Council members.
const COUNCIL: usize = 7;

fn at(day: u32, month: u32, year: i32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .expect("valid time")
}

fn env_u32(name: &str, default: u32) -> u32 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Process CPU time (user + system) from `/proc/self/stat`, zero where it cannot be read.
fn cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return Duration::ZERO };
    let Some((_, rest)) = stat.rsplit_once(')') else { return Duration::ZERO };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // Fields 14 and 15 of the file (utime, stime), counted from the state (field 3); 100 Hz.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// A store with the cycle registered, imported and evaluated, and no proposal yet.
fn prepare(db: &Path, people: u32) {
    let mut office = Office::open(db).expect("store opens");
    let admin = "van_phong:admin";
    let t0 = at(1, 12, 2025, 8);
    office.open_cycle(t0, admin, 2025, "Năm 2025").expect("cycle");
    office.register_rules(t0, admin, "rules/vksnd_tinh.rules", RULES).expect("rules");
    let no_hooks = |p: &str| {
        Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("`{p}` is not embedded")))
    };
    office.register_workflow(t0, admin, "w_flow.wf", FLOW, &no_hooks).expect("workflow");
    let council: Vec<String> = (1..=COUNCIL).map(|i| format!("hd{i:02}")).collect();
    office.register_roster(t0, admin, "council", council).expect("roster");
    office.import(t0, admin, generate(&GenConfig::with_people(people))).expect("data");
    office.evaluate(t0, admin).expect("evaluation");
}

/// The choice and mode of council member `k` on proposal `id`: every 13th proposal gets four
/// votes against (3 for of 7 < 50%: rejected), every 17th an abstention; the last member
/// votes in writing.
fn ballot(id: u64, k: usize) -> (Choice, BallotMode) {
    let choice = if id.is_multiple_of(13) && k < 4 {
        Choice::Against
    } else if id.is_multiple_of(17) && k == 0 {
        Choice::Abstain
    } else {
        Choice::For
    };
    (choice, if k + 1 == COUNCIL { BallotMode::Written } else { BallotMode::Present })
}

/// What one W-flow run did and took.
#[derive(Debug)]
struct FlowFigures {
    proposals: usize,
    commits: usize,
    events: u64,
    wall: Duration,
    cpu: Duration,
}

/// Every eligible person nominated, then each proposal through the four stages, in batches
/// of `batch` proposals, one committed transaction per batch and step.
fn run_flow(office: &mut Office, loaded: &Loaded, batch: usize) -> FlowFigures {
    let unit_head = Actor::new("thu_truong", &["unit_head"]);
    let secretary = Actor::new("thu_ky", &["secretary"]);
    let vien_truong = Actor::new("vien_truong", &["vien_truong"]);
    let council: Vec<String> = (1..=COUNCIL).map(|i| format!("hd{i:02}")).collect();
    let (wall, cpu) = (Instant::now(), cpu_time());
    let mut ids = Vec::new();
    let mut commits = 0;
    for award in AWARDS {
        let t = at(2, 12, 2025, 8);
        let mut got = office
            .act_loaded(loaded, "w_flow", t, |r, s| r.nominate_eligible(s, &unit_head, award))
            .expect("nominations");
        ids.append(&mut got);
        commits += 1;
    }
    for chunk in ids.chunks(batch.max(1)) {
        office
            .act_loaded(loaded, "w_flow", at(3, 12, 2025, 8), |r, s| {
                for id in chunk {
                    r.advance(s, &unit_head, *id, "submit", None)?;
                }
                Ok(())
            })
            .expect("submissions");
        office
            .act_loaded(loaded, "w_flow", at(10, 12, 2025, 14), |r, s| {
                for id in chunk {
                    r.open_round(s, &secretary, *id)?;
                    for (k, member) in council.iter().enumerate() {
                        let (choice, mode) = ballot(*id, k);
                        r.cast(s, &secretary, *id, member, choice, mode)?;
                    }
                    r.close_round(s, &secretary, *id)?;
                }
                Ok(())
            })
            .expect("council meeting");
        office
            .act_loaded(loaded, "w_flow", at(15, 12, 2025, 10), |r, s| {
                for id in chunk.iter().filter(|id| !id.is_multiple_of(13)) {
                    let note = format!("Quyết định số {id}/QĐ-VKS ngày 15/12/2025");
                    r.advance(s, &vien_truong, *id, "confer", Some(&note))?;
                }
                Ok(())
            })
            .expect("conferrals");
        commits += 3;
    }
    let cpu = cpu_time().saturating_sub(cpu);
    let wall = wall.elapsed();
    let events = office.store.event_count().expect("log length");
    FlowFigures { proposals: ids.len(), commits, events, wall, cpu }
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
            let f = run_flow(&mut office, &loaded, batch);
            println!(
                "w-flow: {} proposals × 4 stages, {} events, {} commits: {:.2?} wall, {:.2?} CPU \
                 ({:.0} proposals/s, {:.0} events/s wall)",
                f.proposals,
                f.events,
                f.commits,
                f.wall,
                f.cpu,
                f.proposals as f64 / f.wall.as_secs_f64(),
                f.events as f64 / f.wall.as_secs_f64(),
            );
        } else {
            println!("w-flow: reusing {}", db.display());
        }
        let ids = office.store.proposals().expect("proposals");
        let step = (ids.len() / 1_000).max(1);
        let sample: Vec<u64> = ids.iter().step_by(step).copied().collect();
        let events = office.store.event_count().expect("log length");
        Large { _dir: dir, office, loaded, sample, events }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let wanted = ["large store/explain", "large store/verify"].into_iter().any(c_filter_matches);
    if wanted {
        let l = Large::build();
        let mut group = c.benchmark_group("large store");
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(20));
        // The timing loop for percentiles (criterion reports the mean).
        let mut times: Vec<Duration> = l
            .sample
            .iter()
            .map(|id| {
                let t = Instant::now();
                black_box(audit::explain(&l.office, &l.loaded, *id).expect("explains"));
                t.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "explain over {} events, {} proposals: p50 {:.2?}, p90 {:.2?}, p99 {:.2?}, max {:.2?}",
            l.events,
            times.len(),
            percentile(&times, 0.50),
            percentile(&times, 0.90),
            percentile(&times, 0.99),
            percentile(&times, 1.0),
        );
        group.bench_function("explain", |b| {
            let mut next = l.sample.iter().cycle();
            b.iter(|| {
                let id = *next.next().expect("a sample");
                black_box(audit::explain(&l.office, &l.loaded, id).expect("explains"))
            });
        });
        let t = Instant::now();
        let v = audit::verify(&l.office).expect("verifies");
        let took = t.elapsed();
        assert!(v.problems.is_empty(), "the store verifies: {:?}", v.problems.first());
        println!(
            "verify: {} events in {took:.2?} ({:.0} events/s), {} tallies replayed",
            v.events,
            v.events as f64 / took.as_secs_f64(),
            v.tallies
        );
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
    if c_filter_matches("w-flow 2k-person cycle/whole flow") {
        prepare(&template, 2_000);
        let (mut office, loaded) = fresh_copy();
        let f = run_flow(&mut office, &loaded, 200);
        println!(
            "w-flow 2k-person cycle: {} proposals, {} events per iteration",
            f.proposals, f.events
        );
        group.throughput(Throughput::Elements(f.proposals as u64));
    }
    group.bench_function("whole flow", |b| {
        b.iter_batched(
            fresh_copy,
            |(mut office, loaded)| black_box(run_flow(&mut office, &loaded, 200)),
            BatchSize::PerIteration,
        );
    });
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
