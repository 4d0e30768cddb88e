//! The W-flow at scale, one phase at a time: the workload of `benches/workflow.rs` (which
//! includes this file), and a command line to build a store once and then time or profile
//! `verify` and `explain` on it.
//!
//! ```sh
//! cargo run --release --example workflow_scale -- build /tmp/w.db [PEOPLE] [BATCH] [each|round]
//! cargo run --release --example workflow_scale -- verify /tmp/w.db [TIMES]
//! cargo run --release --example workflow_scale -- verify-log /tmp/w.db [TIMES]
//! cargo run --release --example workflow_scale -- explain /tmp/w.db [PROPOSALS]
//! ```
//!
//! `build` registers a generated cycle of `PEOPLE` (default 100,000) and runs the W-flow in
//! batches of `BATCH` proposals (default 1,000), the council's ballots recorded one command
//! each (`each`, the default) or one command per round (`round`), printing its figures; `verify` runs the
//! whole audit verification `TIMES` times (default 1), `verify-log` only the store's pass
//! over the log (chain, sealed boxes, tallies); `explain` explains `PROPOSALS`
//! proposals spread over the store (default 1,000) and prints the latency percentiles, first
//! for 50 of them as a single `thidua explain` does it (evaluating the cycle again to trace
//! the entity), then with the traces kept in memory ([`Loaded::keep_traces`]).

#![expect(clippy::expect_used, reason = "a measuring tool stops on bad setup")]
#![expect(clippy::print_stdout, reason = "a measuring tool prints its figures")]
#![expect(clippy::print_stderr, reason = "a measuring tool prints its usage")]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use thidua::audit;
use thidua::office::{Loaded, Office};
use thidua::sample::{GenConfig, generate};
use thidua::workflow::engine::{Actor, Ballot};
use thidua::workflow::store::{BallotMode, Choice, EventStore as _};

pub(crate) const RULES: &str = include_str!("../rules/vksnd_tinh.rules");

/// The W-flow: a personal award from nomination to conferral, with a secret council vote.
pub(crate) const FLOW: &str = r#"
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
pub(crate) const AWARDS: [&str; 5] =
    ["lao_dong_tien_tien", "cstdcs", "bang_khen_vkstc", "giay_khen", "cstd_nganh"];

/// Council members.
pub(crate) const COUNCIL: usize = 7;

pub(crate) fn at(day: u32, month: u32, year: i32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .expect("valid time")
}

/// Process CPU time (user + system) from `/proc/self/stat`, zero where it cannot be read.
pub(crate) fn cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return Duration::ZERO };
    let Some((_, rest)) = stat.rsplit_once(')') else { return Duration::ZERO };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // Fields 14 and 15 of the file (utime, stime), counted from the state (field 3); 100 Hz.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// A store with the cycle registered, imported and evaluated, and no proposal yet.
pub(crate) fn prepare(db: &Path, people: u32) {
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
pub(crate) fn ballot(id: u64, k: usize) -> (Choice, BallotMode) {
    let choice = if id.is_multiple_of(13) && k < 4 {
        Choice::Against
    } else if id.is_multiple_of(17) && k == 0 {
        Choice::Abstain
    } else {
        Choice::For
    };
    (choice, if k + 1 == COUNCIL { BallotMode::Written } else { BallotMode::Present })
}

/// How the council's ballots are recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ballots {
    /// One `cast` command per ballot.
    Each,
    /// One `cast_many` command per round (the secretary enters the meeting's ballots).
    PerRound,
}

/// What one W-flow run did and took.
#[derive(Debug)]
pub(crate) struct FlowFigures {
    /// Proposals nominated and run.
    pub(crate) proposals: usize,
    /// Transactions committed.
    pub(crate) commits: usize,
    /// Rows in the log afterwards.
    pub(crate) events: u64,
    /// Wall time of the whole run.
    pub(crate) wall: Duration,
    /// CPU time of the process during the run.
    pub(crate) cpu: Duration,
    /// Wall time of each step: nominations, submissions, council meetings, conferrals.
    pub(crate) steps: [Duration; 4],
}

impl FlowFigures {
    /// The figures, as printed by the bench and the example.
    pub(crate) fn print(&self) {
        println!(
            "w-flow: {} proposals × 4 stages, {} events, {} commits: {:.2?} wall, {:.2?} CPU \
             ({:.0} proposals/s, {:.0} events/s wall)",
            self.proposals,
            self.events,
            self.commits,
            self.wall,
            self.cpu,
            self.proposals as f64 / self.wall.as_secs_f64(),
            self.events as f64 / self.wall.as_secs_f64(),
        );
        let [nominate, submit, meet, confer] = self.steps;
        println!(
            "w-flow steps (wall): nominations {nominate:.2?}, submissions {submit:.2?}, council \
             meetings {meet:.2?}, conferrals {confer:.2?}"
        );
    }
}

/// Every eligible person nominated, then each proposal through the four stages, in batches
/// of `batch` proposals, one committed transaction per batch and step.
pub(crate) fn run_flow(
    office: &mut Office,
    loaded: &Loaded,
    batch: usize,
    ballots: Ballots,
) -> FlowFigures {
    let unit_head = Actor::new("thu_truong", &["unit_head"]);
    let secretary = Actor::new("thu_ky", &["secretary"]);
    let vien_truong = Actor::new("vien_truong", &["vien_truong"]);
    let council: Vec<String> = (1..=COUNCIL).map(|i| format!("hd{i:02}")).collect();
    let (wall, cpu) = (Instant::now(), cpu_time());
    let mut ids = Vec::new();
    let mut commits = 0;
    let mut steps = [Duration::ZERO; 4];
    let mut timed = |step: usize, t: Instant| {
        if let Some(d) = steps.get_mut(step) {
            *d += t.elapsed();
        }
    };
    for award in AWARDS {
        let t = Instant::now();
        let mut got = office
            .act_loaded(loaded, "w_flow", at(2, 12, 2025, 8), |r, s| {
                r.nominate_eligible(s, &unit_head, award)
            })
            .expect("nominations");
        ids.append(&mut got);
        commits += 1;
        timed(0, t);
    }
    for chunk in ids.chunks(batch.max(1)) {
        let t = Instant::now();
        office
            .act_loaded(loaded, "w_flow", at(3, 12, 2025, 8), |r, s| {
                for id in chunk {
                    r.advance(s, &unit_head, *id, "submit", None)?;
                }
                Ok(())
            })
            .expect("submissions");
        timed(1, t);
        let t = Instant::now();
        office
            .act_loaded(loaded, "w_flow", at(10, 12, 2025, 14), |r, s| {
                for id in chunk {
                    r.open_round(s, &secretary, *id)?;
                    match ballots {
                        Ballots::Each => {
                            for (k, member) in council.iter().enumerate() {
                                let (choice, mode) = ballot(*id, k);
                                r.cast(s, &secretary, *id, member, choice, mode)?;
                            }
                        }
                        Ballots::PerRound => {
                            let all: Vec<Ballot> = council
                                .iter()
                                .enumerate()
                                .map(|(k, member)| {
                                    let (choice, mode) = ballot(*id, k);
                                    Ballot { voter: member.clone(), choice, mode }
                                })
                                .collect();
                            r.cast_many(s, &secretary, *id, &all)?;
                        }
                    }
                    r.close_round(s, &secretary, *id)?;
                }
                Ok(())
            })
            .expect("council meeting");
        timed(2, t);
        let t = Instant::now();
        office
            .act_loaded(loaded, "w_flow", at(15, 12, 2025, 10), |r, s| {
                for id in chunk.iter().filter(|id| !id.is_multiple_of(13)) {
                    let note = format!("Quyết định số {id}/QĐ-VKS ngày 15/12/2025");
                    r.advance(s, &vien_truong, *id, "confer", Some(&note))?;
                }
                Ok(())
            })
            .expect("conferrals");
        timed(3, t);
        commits += 3;
    }
    let cpu = cpu_time().saturating_sub(cpu);
    let wall = wall.elapsed();
    let events = office.store.event_count().expect("log length");
    FlowFigures { proposals: ids.len(), commits, events, wall, cpu, steps }
}

/// The `p` quantile (0 to 1) of sorted durations.
pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

/// `explain` for each proposal in `ids`, timed one by one; prints the percentiles.
pub(crate) fn explain_percentiles(
    office: &Office,
    loaded: &Loaded,
    ids: &[u64],
    events: u64,
    how: &str,
) {
    let mut times: Vec<Duration> = ids
        .iter()
        .map(|id| {
            let t = Instant::now();
            std::hint::black_box(audit::explain(office, loaded, *id).expect("explains"));
            t.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "explain over {events} events ({how}), {} proposals: p50 {:.2?}, p90 {:.2?}, p99 \
         {:.2?}, max {:.2?}",
        times.len(),
        percentile(&times, 0.50),
        percentile(&times, 0.90),
        percentile(&times, 0.99),
        percentile(&times, 1.0),
    );
}

/// One whole `verify`, timed; prints the throughput. Panics if the store does not verify.
pub(crate) fn verify_once(office: &Office) -> Duration {
    let (wall, cpu) = (Instant::now(), cpu_time());
    let v = audit::verify(office).expect("verifies");
    let (took, cpu) = (wall.elapsed(), cpu_time().saturating_sub(cpu));
    assert!(v.problems.is_empty(), "the store verifies: {:?}", v.problems.first());
    println!(
        "verify: {} events in {took:.2?} wall, {cpu:.2?} CPU ({:.0} events/s), {} tallies replayed",
        v.events,
        v.events as f64 / took.as_secs_f64(),
        v.tallies
    );
    took
}

/// Every `n`-th proposal id, about `count` of them over the whole store.
pub(crate) fn spread(office: &Office, count: usize) -> Vec<u64> {
    let ids = office.store.proposals().expect("proposals");
    let step = (ids.len() / count.max(1)).max(1);
    ids.iter().step_by(step).copied().collect()
}

/// The command line: see the module docs.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    let num = |i: usize, default: u32| arg(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (Some(command), Some(db)) = (arg(0), arg(1).map(PathBuf::from)) else {
        eprintln!("usage: workflow_scale build|verify|explain DB [N] [BATCH]");
        std::process::exit(2);
    };
    match command {
        "build" => {
            if db.exists() {
                eprintln!("{} exists: remove it first", db.display());
                std::process::exit(2);
            }
            let people = num(2, 100_000);
            let t = Instant::now();
            prepare(&db, people);
            println!(
                "w-flow: cycle of {people} people registered and evaluated in {:.1?}",
                t.elapsed()
            );
            let mut office = Office::open(&db).expect("store opens");
            let loaded = office.load().expect("state loads");
            let ballots = match arg(4) {
                Some("round") => Ballots::PerRound,
                _ => Ballots::Each,
            };
            run_flow(&mut office, &loaded, num(3, 1_000) as usize, ballots).print();
        }
        "verify" => {
            let office = Office::open(&db).expect("store opens");
            for _ in 0..num(2, 1) {
                verify_once(&office);
            }
        }
        "verify-log" => {
            // The store's pass alone: chain, sealed boxes, tallies (no evaluation replay).
            let office = Office::open(&db).expect("store opens");
            for _ in 0..num(2, 1) {
                let (wall, cpu) = (Instant::now(), cpu_time());
                let log = office.store.verify_log().expect("verifies");
                println!(
                    "verify_log: {} events in {:.2?} wall, {:.2?} CPU",
                    log.chain.events,
                    wall.elapsed(),
                    cpu_time().saturating_sub(cpu)
                );
            }
        }
        "explain" => {
            let office = Office::open(&db).expect("store opens");
            let t = Instant::now();
            let mut loaded = office.load().expect("state loads");
            println!("state loaded in {:.1?}", t.elapsed());
            let events = office.store.event_count().expect("log length");
            let ids = spread(&office, num(2, 1_000) as usize);
            let few = spread(&office, 50);
            explain_percentiles(&office, &loaded, &few, events, "evaluating the cycle again");
            let t = Instant::now();
            loaded.keep_traces().expect("traces");
            println!("traces kept in {:.1?}", t.elapsed());
            explain_percentiles(&office, &loaded, &ids, events, "traces kept");
        }
        other => {
            eprintln!("unknown command `{other}`: build, verify or explain");
            std::process::exit(2);
        }
    }
}
