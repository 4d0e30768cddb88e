//! The timing harness, the result table and small helpers shared by the workloads.
//!
//! Every figure is the median of several runs after one warm-up run, in CPU time of the
//! process (`clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`): the machine is shared with other work,
//! and time spent waiting for it must not count. Everything runs on one thread (rayon, which
//! thidua uses for large tables, is pinned to the calling thread by [`one_thread`]), so CPU
//! time is the time one core spends on the work.
//! A workload first checks that every engine decides exactly as thidua does; only then is
//! anything timed, so a fast wrong engine can never appear in the table.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use cpu_time::ProcessTime;

use thidua::diag::{Diagnostic, Format, SourceMap};
use thidua::eval::TraceMode;

/// Any failure: setup, an engine's error, or a disagreement between engines.
pub(crate) type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// A failure described in words.
pub(crate) fn fail<T>(message: impl Into<String>) -> Res<T> {
    Err(message.into().into())
}

/// What to run.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// Candidates in W1 and W2, proposals in W3.
    pub(crate) candidates: u32,
    /// Timed runs per figure (after one warm-up run); the median is reported.
    pub(crate) iterations: usize,
}

/// Keep timing a quick figure until this much time has been spent on it, so that figures of
/// a few microseconds rest on hundreds of runs rather than a handful.
const MIN_TOTAL: Duration = Duration::from_millis(250);
/// But never more runs than this.
const MAX_RUNS: usize = 1000;

/// Time `f`: one warm-up run, then at least `iterations` runs (more, up to [`MAX_RUNS`], while
/// less than [`MIN_TOTAL`] has been spent); the median and the last result.
pub(crate) fn median<R>(iterations: usize, mut f: impl FnMut() -> Res<R>) -> Res<(Duration, R)> {
    let mut last = black_box(f()?);
    let mut times = Vec::with_capacity(iterations.max(1));
    let mut spent = Duration::ZERO;
    while times.len() < iterations.max(1) || (spent < MIN_TOTAL && times.len() < MAX_RUNS) {
        let start = ProcessTime::now();
        let r = black_box(f()?);
        let t = start.elapsed();
        times.push(t);
        spent += t;
        last = r;
    }
    times.sort_unstable();
    let mid = times.get(times.len() / 2).copied().unwrap_or_default();
    Ok((mid, last))
}

/// Time two loads against each other: after a warm-up run of each, every round runs `a` once
/// and then `b` once, so that both see the same load on a shared machine, as evaluations do
/// ([`interleaved`]). Rounds continue as [`median`]'s runs do, counting the time spent on `a`
/// (the quick one). Each result is dropped outside its timed span: a load is timed up to the
/// loaded rules, not their release. The median of each.
pub(crate) fn median_pair<A, B>(
    iterations: usize,
    mut a: impl FnMut() -> Res<A>,
    mut b: impl FnMut() -> Res<B>,
) -> Res<(Duration, Duration)> {
    drop(black_box(a()?));
    drop(black_box(b()?));
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    let mut spent = Duration::ZERO;
    while ta.len() < iterations.max(1) || (spent < MIN_TOTAL && ta.len() < MAX_RUNS) {
        let start = ProcessTime::now();
        let r = black_box(a()?);
        let t = start.elapsed();
        drop(r);
        let start = ProcessTime::now();
        let r = black_box(b()?);
        let u = start.elapsed();
        drop(r);
        ta.push(t);
        tb.push(u);
        spent += t;
    }
    let mid = |mut v: Vec<Duration>| {
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or_default()
    };
    Ok((mid(ta), mid(tb)))
}

/// Make rayon's global pool the calling thread alone, so that thidua's parallel row
/// evaluation runs on one thread like every other engine.
pub(crate) fn one_thread() -> Res<()> {
    rayon::ThreadPoolBuilder::new().num_threads(1).use_current_thread().build_global()?;
    Ok(())
}

/// One evaluation to time, boxed so that different engines can be timed side by side.
pub(crate) type Job<'a> = Box<dyn FnMut() -> Res<()> + 'a>;

/// Box an evaluation as a [`Job`], keeping its result from being optimised away.
pub(crate) fn job<'a, R>(mut f: impl FnMut() -> Res<R> + 'a) -> Job<'a> {
    Box::new(move || f().map(|r| drop(black_box(r))))
}

/// A sample of a quick job repeats it until it lasts about this long.
const SAMPLE: Duration = Duration::from_millis(5);

/// Time several evaluations against each other. After a warm-up run of each, every round
/// runs each job once (a quick job several times in a row, so that a sample lasts about
/// [`SAMPLE`]), so that all of them see the same load on a shared machine; the median sample
/// of each job, per run.
pub(crate) fn interleaved(rounds: usize, jobs: &mut [Job<'_>]) -> Res<Vec<Duration>> {
    let mut reps = Vec::with_capacity(jobs.len());
    for job in jobs.iter_mut() {
        let start = ProcessTime::now();
        job()?;
        let once = start.elapsed().as_nanos().max(1);
        reps.push(u32::try_from((SAMPLE.as_nanos() / once).clamp(1, 1000)).unwrap_or(1));
    }
    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); jobs.len()];
    for _ in 0..rounds.max(1) {
        for ((job, n), times) in jobs.iter_mut().zip(&reps).zip(&mut samples) {
            let start = ProcessTime::now();
            for _ in 0..*n {
                job()?;
            }
            times.push(start.elapsed() / *n);
        }
    }
    Ok(samples
        .into_iter()
        .map(|mut t| {
            t.sort_unstable();
            t.get(t.len() / 2).copied().unwrap_or_default()
        })
        .collect())
}

/// One engine's line in a workload: its load and data times, measured on their own, and the
/// evaluation to time against the others.
pub(crate) struct Entry<'a> {
    /// Engine and how it was called.
    pub(crate) engine: String,
    /// What is promised.
    pub(crate) target: Target,
    /// Parse and check/compile, if the engine has such a step.
    pub(crate) load: Option<Duration>,
    /// Data preparation, if any.
    pub(crate) data: Option<Duration>,
    /// The evaluation of every candidate.
    pub(crate) eval: Job<'a>,
}

/// thidua's three lines of an evaluation workload: untraced (the reference every ratio is
/// taken against), every decision traced (against [`TRACE`]), and every trace built as well (for
/// information). `eval(mode, build)` evaluates, building every trace when `build` is set.
pub(crate) fn thidua_entries<'a, R: 'a>(
    load: Duration,
    data: Duration,
    eval: impl Fn(TraceMode, bool) -> Res<R> + Clone + 'a,
) -> Vec<Entry<'a>> {
    let line = |engine: &str, target: Target, mode: TraceMode, build: bool| {
        let eval = eval.clone();
        Entry {
            engine: String::from(engine),
            target,
            load: Some(load),
            data: Some(data),
            eval: job(move || eval(mode, build)),
        }
    };
    vec![
        line("thidua", Target::Reference, TraceMode::Off, false),
        line("thidua, every decision traced", Target::TraceAtMost(TRACE), TraceMode::All, false),
        line(
            "thidua, every decision traced, every trace built",
            Target::Info,
            TraceMode::All,
            true,
        ),
    ]
}

/// Time the entries' evaluations side by side ([`interleaved`]) and add one row each, with
/// ratios to the first entry (thidua).
pub(crate) fn time_entries(
    report: &mut Report,
    label: &str,
    rounds: usize,
    entries: Vec<Entry<'_>>,
) -> Res<()> {
    let mut rows = Vec::with_capacity(entries.len());
    let mut jobs = Vec::with_capacity(entries.len());
    for e in entries {
        rows.push((e.engine, e.target, e.load, e.data));
        jobs.push(e.eval);
    }
    let times = interleaved(rounds, &mut jobs)?;
    let reference = times.first().copied().unwrap_or_default();
    for ((engine, target, load, data), eval) in rows.into_iter().zip(times) {
        report.push(Row::eval_row(label, engine, (load, data, eval), reference, target));
    }
    Ok(())
}

/// The diagnostics of a rule or workflow file that failed to check, as text.
pub(crate) fn diagnostics(diags: &[Diagnostic], sources: &SourceMap) -> Box<dyn std::error::Error> {
    thidua::diag::render(diags, sources, Format::Plain).into()
}

/// W1/W2 (issue 5): thidua evaluates at least this many times faster than regorus.
pub(crate) const VS_REGO: f64 = 20.0;
/// W1 (issue 5): thidua evaluates at least this many times faster than Cedar.
pub(crate) const VS_CEDAR: f64 = 20.0;
/// W1/W2 (issue 5): thidua evaluates at least this many times faster than rhai scripts.
pub(crate) const VS_RHAI: f64 = 10.0;
/// W1/W2 (issue 5): thidua takes at most this many times as long as hand-written Rust.
pub(crate) const FLOOR: f64 = 2.0;
/// thidua with every decision traced may take at most this many times as long as untraced.
pub(crate) const TRACE: f64 = 1.5;

/// What a row promises.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    /// The reference row (thidua itself).
    Reference,
    /// Shown for information, with no promise.
    Info,
    /// A peer engine: thidua must evaluate at least this many times faster.
    PeerSlower(f64),
    /// The hand-written floor: thidua may be at most this many times slower.
    FloorWithin(f64),
    /// thidua with every decision traced: at most this many times the untraced time.
    TraceAtMost(f64),
    /// An absolute bound on the load time.
    LoadUnder(Duration),
    /// A peer's load time: thidua must load at least this many times faster.
    LoadSlower(f64),
}

/// One line of the table.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// W1, W2, W3 or the generated rule set.
    pub(crate) workload: String,
    /// Engine and how it was called.
    pub(crate) engine: String,
    /// Parse and check/compile of the rules.
    pub(crate) load: Option<Duration>,
    /// From the generated CSV texts to what the engine evaluates.
    pub(crate) data: Option<Duration>,
    /// Evaluation of every candidate.
    pub(crate) eval: Option<Duration>,
    /// This row's measured time over thidua's (eval, or load for load rows).
    pub(crate) ratio: Option<f64>,
    /// What is promised.
    pub(crate) target: Target,
}

impl Row {
    /// A reference, peer or floor row compared on evaluation time with `reference`.
    pub(crate) fn eval_row(
        workload: &str,
        engine: impl Into<String>,
        times: (Option<Duration>, Option<Duration>, Duration),
        reference: Duration,
        target: Target,
    ) -> Row {
        let (load, data, eval) = times;
        Row {
            workload: workload.to_string(),
            engine: engine.into(),
            load,
            data,
            eval: Some(eval),
            ratio: Some(ratio(eval, reference)),
            target,
        }
    }

    /// Whether the target is met, if there is one.
    pub(crate) fn met(&self) -> Option<bool> {
        let r = self.ratio?;
        match self.target {
            Target::Reference | Target::Info => None,
            Target::PeerSlower(x) | Target::LoadSlower(x) => Some(r >= x),
            Target::FloorWithin(x) => Some(r > 0.0 && 1.0 / r <= x),
            Target::TraceAtMost(x) => Some(r <= x),
            Target::LoadUnder(d) => self.load.map(|l| l < d),
        }
    }
}

/// The rows of the table and the notes printed under it.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// Table rows, in order.
    pub(crate) rows: Vec<Row>,
    /// Notes under the table.
    pub(crate) notes: Vec<String>,
}

impl Report {
    /// Add a row.
    pub(crate) fn push(&mut self, row: Row) {
        self.rows.push(row);
    }
}

/// `a / b` as a float (0 when `b` is zero).
pub(crate) fn ratio(a: Duration, b: Duration) -> f64 {
    if b.is_zero() { 0.0 } else { a.as_secs_f64() / b.as_secs_f64() }
}

/// A duration with three significant digits and a unit.
pub(crate) fn human(d: Duration) -> String {
    let s = d.as_secs_f64();
    let (v, unit) = if s >= 1.0 {
        (s, "s")
    } else if s >= 1e-3 {
        (s * 1e3, "ms")
    } else {
        (s * 1e6, "µs")
    };
    if v >= 100.0 {
        format!("{v:.0} {unit}")
    } else if v >= 10.0 {
        format!("{v:.1} {unit}")
    } else {
        format!("{v:.2} {unit}")
    }
}

/// A ratio with three significant digits: `12.3×`, `0.00201×`.
fn times(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}×")
    } else if x >= 10.0 {
        format!("{x:.1}×")
    } else if x >= 1.0 || x <= 0.0 {
        format!("{x:.2}×")
    } else {
        let digits = usize::try_from((-x.log10()).floor() as i64 + 3).unwrap_or(3);
        format!("{x:.digits$}×")
    }
}

fn target_text(t: Target) -> String {
    match t {
        Target::Reference => String::from("—"),
        Target::Info => String::from("(for information)"),
        Target::PeerSlower(x) => format!("thidua ≥ {x}× faster"),
        Target::FloorWithin(x) => format!("thidua ≤ {x}× the floor"),
        Target::TraceAtMost(x) => format!("≤ {x}× untraced"),
        Target::LoadUnder(d) => format!("load < {}", human(d)),
        Target::LoadSlower(x) => format!("thidua loads ≥ {x}× faster"),
    }
}

/// The table in Markdown (readable as plain text too).
pub(crate) fn table(rows: &[Row]) -> String {
    let header = ["workload", "engine", "load", "data", "eval", "ratio to thidua", "target", "met"];
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            let opt = |d: Option<Duration>| d.map_or_else(|| String::from("—"), human);
            [
                r.workload.clone(),
                r.engine.clone(),
                opt(r.load),
                opt(r.data),
                opt(r.eval),
                r.ratio.map_or_else(|| String::from("—"), times),
                target_text(r.target),
                match r.met() {
                    None => String::from("—"),
                    Some(true) => String::from("met"),
                    Some(false) => String::from("MISSED"),
                },
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut String, cols: &[String]| {
        out.push('|');
        for (c, w) in cols.iter().zip(widths) {
            let pad = w.saturating_sub(c.chars().count());
            let _ = write!(out, " {c}{} |", " ".repeat(pad));
        }
        out.push('\n');
    };
    let mut out = String::new();
    line(&mut out, &header.map(String::from));
    line(&mut out, &widths.map(|w| "-".repeat(w)));
    for row in &cells {
        line(&mut out, row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Burn this much CPU time (sleeping would not count).
    fn spin(ms: u64) {
        let start = ProcessTime::now();
        while start.elapsed() < Duration::from_millis(ms) {
            black_box(0u64);
        }
    }

    #[test]
    fn quick_figures_are_run_many_times() {
        let mut n = 0usize;
        let (_, last) = median(4, || {
            n += 1;
            Ok(n)
        })
        .unwrap();
        assert_eq!(last, MAX_RUNS + 1, "a warm-up run plus the cap, since each run is instant");
    }

    #[test]
    fn slow_figures_are_run_the_given_number_of_times() {
        let mut n = 0usize;
        let (t, last) = median(3, || {
            n += 1;
            spin(100);
            Ok(n)
        })
        .unwrap();
        assert_eq!(last, 4, "a warm-up run plus three timed runs cover the minimum time");
        assert!(t >= Duration::from_millis(100));
    }

    #[test]
    fn interleaved_jobs_get_their_own_medians() {
        let mut fast = 0u32;
        let mut slow = 0u32;
        let mut jobs: Vec<Job<'_>> = vec![
            job(|| {
                fast += 1;
                Ok(())
            }),
            job(|| {
                slow += 1;
                spin(6);
                Ok(())
            }),
        ];
        let times = interleaved(3, &mut jobs).unwrap();
        drop(jobs);
        assert_eq!(times.len(), 2);
        assert!(times[1] >= Duration::from_millis(6));
        assert!(times[0] < times[1]);
        assert_eq!(slow, 4, "a warm-up run and one run per round");
        assert!(fast > 4, "a quick job repeats within each sample");
    }

    #[test]
    fn targets_are_judged_by_ratio() {
        let ms = Duration::from_millis;
        let row = |ratio, target| Row {
            workload: String::from("W"),
            engine: String::from("e"),
            load: Some(ms(5)),
            data: None,
            eval: None,
            ratio: Some(ratio),
            target,
        };
        assert_eq!(row(12.0, Target::PeerSlower(10.0)).met(), Some(true));
        assert_eq!(row(3.0, Target::PeerSlower(10.0)).met(), Some(false));
        assert_eq!(row(0.5, Target::FloorWithin(3.0)).met(), Some(true));
        assert_eq!(row(0.2, Target::FloorWithin(3.0)).met(), Some(false));
        assert_eq!(row(1.6, Target::TraceAtMost(1.5)).met(), Some(false));
        assert_eq!(row(1.0, Target::LoadUnder(ms(10))).met(), Some(true));
        assert_eq!(row(1.0, Target::Reference).met(), None);
    }

    #[test]
    fn ratios_keep_three_digits() {
        assert_eq!(times(123.4), "123×");
        assert_eq!(times(12.34), "12.3×");
        assert_eq!(times(1.234), "1.23×");
        assert_eq!(times(0.5), "0.500×");
        assert_eq!(times(0.002_01), "0.00201×");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human(Duration::from_micros(1500)), "1.50 ms");
        assert_eq!(human(Duration::from_micros(250)), "250 µs");
        assert_eq!(human(Duration::from_millis(12_300)), "12.3 s");
    }
}
