//! Side-by-side benchmarks: thidua against regorus (Rego), cedar-policy, rhai scripts and
//! hand-written Rust, on the same generated data, measured in the same run.
//!
//! ```sh
//! cargo run --release --manifest-path benches/peers/Cargo.toml
//! cargo run --release --manifest-path benches/peers/Cargo.toml -- --candidates 2000 --iterations 3
//! ```
//!
//! Workloads: W1 eligibility gate, W2 weighted scoring over two cycles, W3 council vote
//! tally, and the load of a generated 1,000-award rule set. For each workload every engine's
//! decisions are first compared with thidua's for every candidate; the first difference stops
//! the run with exit status 1. Only then are load, data preparation and evaluation timed
//! (release build, one thread, process CPU time, the median of several runs after a warm-up
//! run; evaluations of one workload are timed in interleaved rounds).
//! `BENCHMARKS.md` at the repository root explains the method and records a run.

#![expect(clippy::print_stdout, reason = "the table is this program's output")]
#![expect(clippy::print_stderr, reason = "progress and errors go to stderr")]

mod awards1000;
mod data;
mod harness;
mod rego;
mod thidua_side;
mod w1;
mod w2;
mod w3;

use std::process::ExitCode;

use harness::{Config, Report, Res, table};

const USAGE: &str = "usage: thidua-peers [--candidates N] [--iterations N] [--only w1|w2|w3|load]
       thidua-peers --profile w1|w1-traced|w2|w2-traced|w3|load [--candidates N] [--seconds S]

  --candidates N   people in W1, units in W2, proposals in W3 (default 10000)
  --iterations N   at least N timed runs per figure after a warm-up run; quick figures run
                   until 0.25 s is spent (at most 1000 runs); the median is shown (default 9)
  --only W         run one workload
  --profile P      run only thidua's side of one workload, over and over for S seconds
                   (default 10), for `perf record` or `valgrind --tool=callgrind`";

/// What the command line asks for.
#[derive(Debug)]
enum Task {
    /// The benchmark, optionally one workload.
    Bench(Option<String>),
    /// thidua's side of one workload, repeated for this many seconds.
    Profile(String, u64),
}

const PROFILES: [&str; 6] = ["w1", "w1-traced", "w2", "w2-traced", "w3", "load"];

fn parse_args() -> Result<(Config, Task), String> {
    let mut cfg = Config { candidates: 10_000, iterations: 9 };
    let mut only = None;
    let mut profile = None;
    let mut seconds = 10;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--candidates" => {
                cfg.candidates =
                    value("--candidates")?.parse().map_err(|e| format!("--candidates: {e}"))?;
            }
            "--iterations" => {
                cfg.iterations =
                    value("--iterations")?.parse().map_err(|e| format!("--iterations: {e}"))?;
            }
            "--only" => only = Some(value("--only")?),
            "--profile" => profile = Some(value("--profile")?),
            "--seconds" => {
                seconds = value("--seconds")?.parse().map_err(|e| format!("--seconds: {e}"))?;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if cfg.candidates == 0 || cfg.iterations == 0 {
        return Err(String::from("--candidates and --iterations must be at least 1"));
    }
    if only.as_deref().is_some_and(|o| !["w1", "w2", "w3", "load"].contains(&o)) {
        return Err(String::from("--only takes w1, w2, w3 or load"));
    }
    match profile {
        Some(p) if PROFILES.contains(&p.as_str()) => Ok((cfg, Task::Profile(p, seconds))),
        Some(_) => Err(format!("--profile takes one of {}", PROFILES.join(", "))),
        None => Ok((cfg, Task::Bench(only))),
    }
}

/// Run `f` over and over for `seconds`.
fn repeat(seconds: u64, mut f: impl FnMut() -> Res<()>) -> Res<u64> {
    let start = std::time::Instant::now();
    let mut runs = 0;
    while start.elapsed().as_secs() < seconds {
        f()?;
        runs += 1;
    }
    Ok(runs)
}

fn profile(cfg: &Config, what: &str, seconds: u64) -> Res<u64> {
    use thidua::eval::TraceMode::{All, Off};
    match what {
        "w1" => repeat(seconds, w1::profile(cfg, Off)?),
        "w1-traced" => repeat(seconds, w1::profile(cfg, All)?),
        "w2" => repeat(seconds, w2::profile(cfg, Off)?),
        "w2-traced" => repeat(seconds, w2::profile(cfg, All)?),
        "w3" => repeat(seconds, w3::profile(cfg)?),
        _ => repeat(seconds, awards1000::profile()?),
    }
}

fn run(cfg: &Config, only: Option<&str>) -> Res<Report> {
    let mut report = Report::default();
    let wanted = |w: &str| only.is_none_or(|o| o == w);
    if wanted("w1") {
        w1::run(cfg, &mut report)?;
    }
    if wanted("w2") {
        w2::run(cfg, &mut report)?;
    }
    if wanted("w3") {
        w3::run(cfg, &mut report)?;
    }
    if wanted("load") {
        awards1000::run(cfg, &mut report)?;
    }
    Ok(report)
}

fn main() -> ExitCode {
    let (cfg, task) = match parse_args() {
        Ok(x) => x,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) };
        }
    };
    if let Err(e) = harness::one_thread() {
        eprintln!("error: cannot pin rayon to one thread: {e}");
        return ExitCode::FAILURE;
    }
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build; run with `--release` for meaningful figures");
    }
    let only = match task {
        Task::Bench(only) => only,
        Task::Profile(what, seconds) => {
            return match profile(&cfg, &what, seconds) {
                Ok(runs) => {
                    eprintln!("{what}: {runs} runs in {seconds} s");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            };
        }
    };
    match run(&cfg, only.as_deref()) {
        Ok(report) => {
            print!("{}", table(&report.rows));
            if !report.notes.is_empty() {
                println!();
            }
            for note in &report.notes {
                println!("- {note}");
            }
            let missed = report.rows.iter().filter(|r| r.met() == Some(false)).count();
            println!(
                "\n{} rows, {} targets met, {missed} missed; at least {} timed runs per figure",
                report.rows.len(),
                report.rows.iter().filter(|r| r.met() == Some(true)).count(),
                cfg.iterations
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
