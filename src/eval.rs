//! The evaluator: scores, grades, ranks, marks and award decisions for one cycle.
//!
//! It runs a checked [`Program`] over a [`Dataset`] in the program's dependency order. Each
//! step fills one slice of the evaluation state; later steps read it by index. Decisions are the same
//! whether traced or not; a trace only adds what each requirement read.
//!
//! Awards and marks are decided a column at a time (module `batch`): each condition over a block
//! of rows at once. The row-at-a-time evaluator (`Engine::eval_bool`) defines what a condition means
//! and is what an explanation replays: a traced run keeps every condition's verdict for every
//! row, and [`Evaluation::trace`] builds a decision's full trace (every value read) when asked,
//! checked against those verdicts.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::diag::Diagnostic;
use crate::model::{Dataset, FactId, KindId, Value};
use crate::program::*;

mod award;
mod batch;
mod expr;
pub mod trace;

use trace::{AwardTrace, NoTrace, QuotaTrace, Recorder};

/// What to record explanations for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TraceMode {
    /// Nothing: the fastest run.
    #[default]
    Off,
    /// Every (entity, award) decision: every condition is evaluated on every row, without
    /// short-circuit, and its verdict kept; [`Evaluation::trace`] gives any decision's trace.
    All,
    /// One entity only: `(kind, row)`, decided as its trace decides it.
    Entity(KindId, u32),
}

/// The outcome of one (entity, award) decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Meets every requirement, no disqualifier holds, and it is within the quota: the
    /// entity is proposed for the award (conferral is the workflow's business).
    Eligible,
    /// Meets the requirements but the quota was filled by others ranked ahead.
    OverQuota,
    /// A disqualifier holds.
    Disqualified,
    /// Some requirement fails.
    NotEligible,
}

impl Outcome {
    /// Whether the entity qualifies for the award, quota included.
    pub fn eligible(self) -> bool {
        self == Outcome::Eligible
    }
}

/// One award's decisions for every entity of its kind.
#[derive(Clone, Debug)]
pub struct AwardResult {
    /// Outcome per row.
    pub outcome: Vec<Outcome>,
    /// Reward per row, for granted entities with a reward formula.
    pub reward: Vec<Option<Decimal>>,
    /// How the quota treated each traced row that met the requirements (empty when the award
    /// has no quota or no row was traced).
    quota: Vec<Option<QuotaTrace>>,
    /// Every condition's verdict for every row, when every decision was traced.
    verdicts: Option<Verdicts>,
}

/// The verdicts of an award's conditions (disqualifiers, then requirements), one bit set of
/// rows per condition.
#[derive(Clone, Debug, Default)]
struct Verdicts {
    conds: Vec<Vec<u64>>,
}

impl Verdicts {
    fn get(&self, cond: usize, row: usize) -> bool {
        self.conds.get(cond).and_then(|w| w.get(row / 64)).is_some_and(|w| w >> (row % 64) & 1 == 1)
    }
}

/// Scores of one kind.
#[derive(Clone, Debug, Default)]
pub struct KindScores {
    /// Whether this kind is scored.
    pub scored: bool,
    /// Total per row.
    pub total: Vec<Decimal>,
    /// Grade (position in the grade enumeration) per row.
    pub grade: Vec<u32>,
    /// Points per node per row: `nodes[row * node_count + node]`.
    pub nodes: Vec<Decimal>,
    /// Points per bonus/penalty item per row (penalties positive).
    pub adjusts: Vec<Decimal>,
}

/// Member rows of each row of a kind, in compressed form.
#[derive(Clone, Debug, Default)]
pub(crate) struct Children {
    offsets: Vec<u32>,
    rows: Vec<u32>,
}

impl Children {
    fn build(parents: &[u32], parent_count: usize) -> Children {
        let mut counts = vec![0u32; parent_count + 1];
        for &p in parents {
            if let Some(c) = counts.get_mut(p as usize + 1) {
                *c += 1;
            }
        }
        for i in 1..counts.len() {
            let prev = counts.get(i - 1).copied().unwrap_or(0);
            if let Some(c) = counts.get_mut(i) {
                *c += prev;
            }
        }
        let mut fill = counts.clone();
        let mut rows = vec![0u32; parents.len()];
        for (child, &p) in parents.iter().enumerate() {
            if let Some(slot) = fill.get_mut(p as usize)
                && let Some(r) = rows.get_mut(*slot as usize)
            {
                *r = u32::try_from(child).unwrap_or(u32::MAX);
                *slot += 1;
            }
        }
        Children { offsets: counts, rows }
    }

    pub(crate) fn of(&self, row: u32) -> &[u32] {
        let (Some(&a), Some(&b)) =
            (self.offsets.get(row as usize), self.offsets.get(row as usize + 1))
        else {
            return &[];
        };
        self.rows.get(a as usize..b as usize).unwrap_or(&[])
    }
}

/// Everything computed so far in a cycle.
#[derive(Clone, Debug, Default)]
pub(crate) struct State {
    pub(crate) scores: Vec<KindScores>,
    pub(crate) ranks: Vec<Vec<u32>>,
    /// Per fact: `Some(held per row)` for marks and awards once computed; `None` for externs.
    pub(crate) now: Vec<Option<Vec<bool>>>,
    pub(crate) children: Vec<std::sync::OnceLock<Children>>,
    /// Typed columns, built as conditions compare them.
    pub(crate) columns: batch::Columns,
}

/// What an expression can read: the inputs, and everything computed so far, borrowed.
pub(crate) struct Engine<'a> {
    pub(crate) program: &'a Program,
    pub(crate) data: &'a Dataset,
    pub(crate) cycle: Cycle,
    /// Value in force and the index of its dated entry, per parameter.
    pub(crate) params: &'a [(Value, usize)],
    pub(crate) scores: &'a [KindScores],
    pub(crate) ranks: &'a [Vec<u32>],
    /// Per fact: `Some(held per row)` for marks and awards once computed; `None` for externs.
    pub(crate) now: &'a [Option<Vec<bool>>],
    /// Member rows by kind, built when an aggregate first reads them.
    pub(crate) children: &'a [std::sync::OnceLock<Children>],
    /// Values of extra names (workflow guards), by slot.
    pub(crate) slots: &'a [Value],
    /// Typed columns of the fields, when evaluating a whole cycle.
    pub(crate) columns: Option<&'a batch::Columns>,
}

impl<'a> Engine<'a> {
    /// The member rows of a row of `kind` (its children of the member kind), the index built
    /// on first use.
    pub(crate) fn members(&self, kind: KindId, row: u32) -> &[u32] {
        let Some(cell) = self.children.get(kind.0 as usize) else { return &[] };
        cell.get_or_init(|| {
            let k = kind.0 as usize;
            let parent_count = self.data.tables.get(k).map_or(0, |t| t.len());
            match self.program.members.get(k).copied().flatten().and_then(|m| self.data.table(m)) {
                Some(t) => Children::build(&t.parents, parent_count),
                None => Children::default(),
            }
        })
        .of(row)
    }

    fn over(
        program: &'a Program,
        data: &'a Dataset,
        cycle: Cycle,
        params: &'a [(Value, usize)],
        state: &'a State,
    ) -> Engine<'a> {
        Engine {
            program,
            data,
            cycle,
            params,
            scores: &state.scores,
            ranks: &state.ranks,
            now: &state.now,
            children: &state.children,
            slots: &[],
            columns: Some(&state.columns),
        }
    }
}

/// A whole cycle's results.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The cycle evaluated.
    pub cycle: Cycle,
    /// Parameter values used, with the index of the dated entry in force.
    pub params: Vec<(Value, usize)>,
    /// Scores by kind.
    pub scores: Vec<KindScores>,
    /// Rank by kind (empty if unranked).
    pub ranks: Vec<Vec<u32>>,
    /// Whether each mark holds, by mark index then row.
    pub marks: Vec<Vec<bool>>,
    /// Award decisions, by award index.
    pub awards: Vec<AwardResult>,
    /// Marks and awards held this cycle, by fact (for later reads such as workflow guards).
    pub(crate) now: Vec<Option<Vec<bool>>>,
    /// Member rows by kind, built when first read.
    pub(crate) children: Vec<std::sync::OnceLock<Children>>,
    /// What was traced.
    mode: TraceMode,
}

impl Evaluation {
    /// An engine reading this evaluation's results (for conditions evaluated after it:
    /// explanations, workflow guards).
    pub(crate) fn engine<'a>(
        &'a self,
        program: &'a Program,
        data: &'a Dataset,
        slots: &'a [Value],
    ) -> Engine<'a> {
        Engine {
            program,
            data,
            cycle: self.cycle,
            params: &self.params,
            scores: &self.scores,
            ranks: &self.ranks,
            now: &self.now,
            children: &self.children,
            slots,
            columns: None,
        }
    }

    /// The explanation of one decision: every condition's verdict and what it read, the
    /// quota's treatment and what the reward formula read. `None` when the run did not trace
    /// this decision (see [`TraceMode`]) or there is no such award or row.
    ///
    /// A trace is built when asked for, by deciding the row again with every read recorded,
    /// from the inputs and the results of earlier steps that this evaluation keeps: evaluation
    /// is deterministic, so this is the trace the run itself would have recorded. It is checked
    /// against what the run decided (and, when every decision was traced, against every
    /// condition's verdict) and is an error if it differs.
    pub fn trace(
        &self,
        program: &Program,
        data: &Dataset,
        award: usize,
        row: u32,
    ) -> Result<Option<AwardTrace>, Box<Diagnostic>> {
        let (Some(a), Some(res)) = (program.awards.get(award), self.awards.get(award)) else {
            return Ok(None);
        };
        let covered = match self.mode {
            TraceMode::Off => false,
            TraceMode::All => true,
            TraceMode::Entity(k, r) => k == a.kind && r == row,
        };
        let Some(&decided) = res.outcome.get(row as usize).filter(|_| covered) else {
            return Ok(None);
        };
        let engine = self.engine(program, data, &[]);
        let (outcome, mut trace) = engine.decide_traced(a, row)?;
        let mut agrees =
            outcome == decided || (outcome == Outcome::Eligible && decided == Outcome::OverQuota);
        if let Some(v) = &res.verdicts {
            let conds = trace.disqualifiers().iter().chain(trace.requires());
            agrees &= conds.enumerate().all(|(c, ct)| v.get(c, row as usize) == ct.holds);
        }
        if !agrees {
            return Err(Box::new(
                Diagnostic::error(
                    "eval::trace_mismatch",
                    a.span,
                    format!(
                        "internal error: the trace of `{}` for row {row} does not reproduce the decision",
                        a.name
                    ),
                )
                .with_help("the data or the rule set changed since the evaluation, or this is a bug in thidua; evaluate again"),
            ));
        }
        trace.quota = res.quota.get(row as usize).cloned().flatten();
        if decided.eligible()
            && let Some(formula) = &a.reward
        {
            let mut rec = Recorder::default();
            engine.eval_num(formula, a.kind, row, &mut rec)?;
            trace.reward = rec.reads;
        }
        Ok(Some(trace))
    }
}

/// Evaluate a compiled condition (a workflow guard) for one entity against a finished
/// evaluation, with values for the extra names the condition was compiled with. Returns the
/// verdict and what it read.
pub fn eval_condition(
    program: &Program,
    data: &Dataset,
    evaluation: &Evaluation,
    expr: &CExpr,
    kind: KindId,
    row: u32,
    slots: &[Value],
) -> Result<(bool, Vec<trace::Read>), Box<Diagnostic>> {
    let engine = evaluation.engine(program, data, slots);
    let mut rec = Recorder::default();
    let v = engine.eval(expr, kind, row, &mut rec)?;
    Ok((v == Value::Bool(true), rec.reads))
}

/// Pick the cycle to evaluate: the one named, else the rule set's own.
pub fn resolve_cycle(program: &Program, year: Option<i32>) -> Result<Cycle, Box<Diagnostic>> {
    let cycle = match (year, program.cycle) {
        (Some(y), Some(c)) if c.year == y => Some(c),
        (Some(y), _) => Cycle::year(y),
        (None, c) => c,
    };
    let Some(cycle) = cycle else {
        return Err(Box::new(
            Diagnostic::error("eval::no_cycle", program.span, "no cycle to evaluate").with_help(
                "name one with `--cycle 2025`, or add `cycle 2025` to the rule set's header",
            ),
        ));
    };
    let before = program.effective_from.is_some_and(|f| cycle.end < f);
    let after = program.effective_to.is_some_and(|t| cycle.end > t);
    if before || after {
        return Err(Box::new(
            Diagnostic::error(
                "eval::not_in_force",
                program.span,
                format!("this rule set is not in force on {}, the end of cycle {}", cycle.end, cycle.year),
            )
            .with_help("a cycle is judged under the rules in force at its end; use the rule set for that period"),
        ));
    }
    Ok(cycle)
}

/// Evaluate a cycle. Stops at the first runtime error (e.g. division by zero).
pub fn evaluate(
    program: &Program,
    data: &Dataset,
    cycle: Cycle,
    mode: TraceMode,
) -> Result<Evaluation, Box<Diagnostic>> {
    let mut params = Vec::with_capacity(program.params.len());
    for p in &program.params {
        let Some(idx) = p
            .values
            .iter()
            .rposition(|v| v.from <= cycle.end && v.to.is_none_or(|to| cycle.end <= to))
        else {
            return Err(Box::new(
                Diagnostic::error(
                    "eval::param_missing_value",
                    p.span,
                    format!(
                        "parameter `{}` has no value on {}, the end of cycle {}",
                        p.name, cycle.end, cycle.year
                    ),
                )
                .with_help("add a dated value that covers the cycle's end date"),
            ));
        };
        let value = p.values.get(idx).map(|v| v.value.clone()).unwrap_or(Value::Bool(false));
        params.push((value, idx));
    }
    if data.tables.len() != program.schema.kinds.len() {
        return Err(Box::new(Diagnostic::error(
            "eval::data_mismatch",
            program.span,
            "the data set was not loaded against this rule set",
        )));
    }
    let mut state = State {
        scores: vec![KindScores::default(); program.schema.kinds.len()],
        ranks: vec![Vec::new(); program.schema.kinds.len()],
        now: vec![None; program.schema.facts.len()],
        children: Vec::new(),
        columns: batch::Columns::new(program),
    };
    state.children = (0..program.schema.kinds.len()).map(|_| std::sync::OnceLock::new()).collect();
    let mut marks = vec![Vec::new(); program.marks.len()];
    let mut awards: Vec<Option<AwardResult>> = vec![None; program.awards.len()];
    for step in &program.order {
        match *step {
            Step::Score(s) => {
                if let Some(sc) = program.scorings.get(s) {
                    let scores = Engine::over(program, data, cycle, &params, &state).score(sc)?;
                    if let Some(slot) = state.scores.get_mut(sc.kind.0 as usize) {
                        *slot = scores;
                    }
                }
            }
            Step::Rank(s) => {
                if let Some(sc) = program.scorings.get(s)
                    && let Some(rank) = &sc.rank
                {
                    let ranks =
                        Engine::over(program, data, cycle, &params, &state).rank(sc.kind, rank)?;
                    if let Some(slot) = state.ranks.get_mut(sc.kind.0 as usize) {
                        *slot = ranks;
                    }
                }
            }
            Step::Mark(m) => {
                if let Some(mark) = program.marks.get(m) {
                    let n = data.table(mark.kind).map_or(0, |t| t.len());
                    let engine = Engine::over(program, data, cycle, &params, &state);
                    let held = engine.mark(mark, n)?;
                    if let Some(slot) = state.now.get_mut(mark.fact.0 as usize) {
                        *slot = Some(held.clone());
                    }
                    if let Some(slot) = marks.get_mut(m) {
                        *slot = held;
                    }
                }
            }
            Step::Award(a) => {
                if let Some(award) = program.awards.get(a) {
                    let result =
                        Engine::over(program, data, cycle, &params, &state).award(award, mode)?;
                    let held: Vec<bool> = result.outcome.iter().map(|o| o.eligible()).collect();
                    if let Some(slot) = state.now.get_mut(award.fact.0 as usize) {
                        *slot = Some(held);
                    }
                    if let Some(slot) = awards.get_mut(a) {
                        *slot = Some(result);
                    }
                }
            }
        }
    }
    Ok(Evaluation {
        cycle,
        params,
        scores: state.scores,
        ranks: state.ranks,
        now: state.now,
        children: state.children,
        marks,
        mode,
        awards: awards
            .into_iter()
            .map(|a| {
                a.unwrap_or(AwardResult {
                    outcome: Vec::new(),
                    reward: Vec::new(),
                    quota: Vec::new(),
                    verdicts: None,
                })
            })
            .collect(),
    })
}

/// Rows per parallel chunk: large enough that scheduling costs little next to evaluating.
const CHUNK: usize = 2048;

/// `f` over consecutive ranges of rows covering `0..n`, in parallel when there are many,
/// results in row order. The error is the one of the lowest failing range, so of the lowest
/// failing row when `f` stops at its first.
fn par_chunks<T: Send>(
    n: usize,
    f: impl Fn(std::ops::Range<usize>) -> Result<T, Box<Diagnostic>> + Sync,
) -> Result<Vec<T>, Box<Diagnostic>> {
    use rayon::prelude::*;
    if n <= CHUNK {
        return Ok(vec![f(0..n)?]);
    }
    (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| f(c * CHUNK..((c + 1) * CHUNK).min(n)))
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn clamp(d: Decimal, max: Decimal) -> Decimal {
    d.max(Decimal::ZERO).min(max)
}

impl Engine<'_> {
    fn score(&self, sc: &Scoring) -> Result<KindScores, Box<Diagnostic>> {
        let n = self.data.table(sc.kind).map_or(0, |t| t.len());
        let node_count = sc.nodes.len();
        let mut out = KindScores {
            scored: true,
            total: Vec::with_capacity(n),
            grade: Vec::with_capacity(n),
            nodes: Vec::with_capacity(n * node_count),
            adjusts: Vec::with_capacity(n * sc.adjusts.len()),
        };
        let adjust_count = sc.adjusts.len();
        // One buffer per chunk of rows, not per row.
        let chunks = par_chunks(n, |rows| {
            let mut nodes = vec![Decimal::ZERO; rows.len() * node_count];
            let mut adjusts = vec![Decimal::ZERO; rows.len() * adjust_count];
            let mut totals = Vec::with_capacity(rows.len());
            for (i, r) in rows.enumerate() {
                let r = u32::try_from(r).unwrap_or(u32::MAX);
                let points = nodes.get_mut(i * node_count..(i + 1) * node_count).unwrap_or(&mut []);
                let amounts =
                    adjusts.get_mut(i * adjust_count..(i + 1) * adjust_count).unwrap_or(&mut []);
                totals.push(self.score_row(sc, r, points, amounts)?);
            }
            Ok((nodes, adjusts, totals))
        })?;
        for (nodes, adjusts, totals) in chunks {
            out.nodes.extend(nodes);
            out.adjusts.extend(adjusts);
            for (total, grade) in totals {
                out.total.push(total);
                out.grade.push(grade);
            }
        }
        Ok(out)
    }

    /// One row's total and grade, filling its points per node and per bonus or penalty.
    fn score_row(
        &self,
        sc: &Scoring,
        r: u32,
        points: &mut [Decimal],
        amounts: &mut [Decimal],
    ) -> Result<(Decimal, u32), Box<Diagnostic>> {
        let mut sum = Decimal::ZERO;
        for &root in &sc.roots {
            let p = self.node_points(sc, root, sc.kind, r, points)?;
            let w = sc.nodes.get(root).map_or(Decimal::ONE, |nd| nd.weight);
            sum = sum.saturating_add(round2(p.saturating_mul(w)));
        }
        let mut total = clamp(sum, sc.max);
        for (adj, slot) in sc.adjusts.iter().zip(amounts.iter_mut()) {
            let pts = self.eval_num(&adj.points, sc.kind, r, &mut NoTrace)?;
            let raw = match &adj.base {
                AdjustBase::When(c) => {
                    if self.eval_bool(c, sc.kind, r, &mut NoTrace)? {
                        pts
                    } else {
                        Decimal::ZERO
                    }
                }
                AdjustBase::Per(c) => {
                    pts.saturating_mul(self.eval_num(c, sc.kind, r, &mut NoTrace)?)
                }
            };
            let amount = round2(adj.cap.map_or(raw.max(Decimal::ZERO), |cap| clamp(raw, cap)));
            total =
                if adj.bonus { total.saturating_add(amount) } else { total.saturating_sub(amount) };
            *slot = amount;
        }
        let total = total.max(Decimal::ZERO);
        let grade = sc.grades.as_ref().map_or(0, |g| {
            g.bands
                .iter()
                .find(|(_, from)| from.is_none_or(|f| total >= f))
                .map_or(0, |(pos, _)| *pos)
        });
        Ok((total, grade))
    }

    /// Points of one node, filling `points` for it and its descendants.
    fn node_points(
        &self,
        sc: &Scoring,
        idx: usize,
        kind: KindId,
        row: u32,
        points: &mut [Decimal],
    ) -> Result<Decimal, Box<Diagnostic>> {
        let Some(node) = sc.nodes.get(idx) else { return Ok(Decimal::ZERO) };
        let p = match &node.kind {
            NodeKind::Group(children) => {
                let mut sum = Decimal::ZERO;
                for &c in children {
                    let cp = self.node_points(sc, c, kind, row, points)?;
                    let w = sc.nodes.get(c).map_or(Decimal::ONE, |n| n.weight);
                    sum = sum.saturating_add(cp.saturating_mul(w));
                }
                clamp(sum, node.max)
            }
            NodeKind::Ratio(actual, target) => {
                let a = self.eval_num(actual, kind, row, &mut NoTrace)?;
                let t = self.eval_num(target, kind, row, &mut NoTrace)?;
                if t <= Decimal::ZERO {
                    node.max
                } else {
                    let ratio = a
                        .checked_div(t)
                        .unwrap_or(Decimal::ONE)
                        .min(Decimal::ONE)
                        .max(Decimal::ZERO);
                    node.max.saturating_mul(ratio)
                }
            }
            NodeKind::Pass(c) => {
                if self.eval_bool(c, kind, row, &mut NoTrace)? {
                    node.max
                } else {
                    Decimal::ZERO
                }
            }
            NodeKind::Each(pts, per) => {
                let pts = self.eval_num(pts, kind, row, &mut NoTrace)?;
                let per = self.eval_num(per, kind, row, &mut NoTrace)?;
                clamp(pts.saturating_mul(per), node.max)
            }
            NodeKind::Formula(e) => clamp(self.eval_num(e, kind, row, &mut NoTrace)?, node.max),
        };
        let p = round2(p);
        if let Some(slot) = points.get_mut(idx) {
            *slot = p;
        }
        Ok(p)
    }

    /// The row of `kind`'s ancestor of kind `target`.
    fn ancestor(&self, kind: KindId, row: u32, target: KindId) -> Option<u32> {
        self.data.ancestor(&self.program.schema, kind, row, target)
    }

    fn key_values(
        &self,
        keys: &[Key],
        kind: KindId,
        row: u32,
    ) -> Result<Vec<Value>, Box<Diagnostic>> {
        keys.iter().map(|k| self.eval(&k.expr, kind, row, &mut NoTrace)).collect()
    }

    /// Sort rows by keys (each ascending or descending), then by id ascending.
    fn sort_rows(&self, kind: KindId, keys: &[Key], rows: &mut [(u32, Vec<Value>)]) {
        let ids = self.data.table(kind).map(|t| &t.ids);
        rows.sort_by(|(ra, ka), (rb, kb)| {
            for ((k, a), b) in keys.iter().zip(ka).zip(kb) {
                let ord = if k.desc { b.cmp(a) } else { a.cmp(b) };
                if ord.is_ne() {
                    return ord;
                }
            }
            let ida = ids.and_then(|i| i.get(*ra as usize));
            let idb = ids.and_then(|i| i.get(*rb as usize));
            ida.cmp(&idb)
        });
    }

    fn rank(&self, kind: KindId, rank: &Rank) -> Result<Vec<u32>, Box<Diagnostic>> {
        let n = self.data.table(kind).map_or(0, |t| t.len());
        let mut groups: std::collections::BTreeMap<u32, Vec<(u32, Vec<Value>)>> =
            std::collections::BTreeMap::new();
        for row in 0..n {
            let r = u32::try_from(row).unwrap_or(u32::MAX);
            let g = self.ancestor(kind, r, rank.within).unwrap_or(u32::MAX);
            groups.entry(g).or_default().push((r, self.key_values(&rank.keys, kind, r)?));
        }
        let mut ranks = vec![0u32; n];
        for rows in groups.values_mut() {
            self.sort_rows(kind, &rank.keys, rows);
            for (pos, (r, _)) in rows.iter().enumerate() {
                if let Some(slot) = ranks.get_mut(*r as usize) {
                    *slot = u32::try_from(pos + 1).unwrap_or(u32::MAX);
                }
            }
        }
        Ok(ranks)
    }
}

/// The parameter value in force on a date, with its index, for explanations.
pub fn param_at(p: &Param, date: NaiveDate) -> Option<(usize, &ParamValue)> {
    p.values
        .iter()
        .enumerate()
        .rev()
        .find(|(_, v)| v.from <= date && v.to.is_none_or(|to| date <= to))
}

/// The fact ids of marks and awards held this cycle by a row, for reports.
pub fn facts_held(program: &Program, eval: &Evaluation, kind: KindId, row: u32) -> Vec<FactId> {
    program
        .awards
        .iter()
        .zip(&eval.awards)
        .filter(|(a, r)| {
            a.kind == kind && r.outcome.get(row as usize).is_some_and(|o| o.eligible())
        })
        .map(|(a, _)| a.fact)
        .collect()
}

#[cfg(test)]
mod tests;
