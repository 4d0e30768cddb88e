//! The checked, compiled form of a rule file: every name resolved to an index.
//!
//! [`crate::check`] builds a [`Program`] from the AST; [`crate::eval`] runs it. Expressions
//! are [`CExpr`] trees over field, parameter and fact indices, so evaluation never looks a
//! name up. Spans are kept where explanations and runtime errors need them.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::ast::{AggFn, AwardCategory, BinOp, Text, UnOp, Window};
use crate::diag::Span;
use crate::model::{EnumId, FactId, FieldId, KindId, Schema, Type, Value};

/// Index of a parameter in [`Program::params`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParamId(pub u32);

/// A checked rule set, ready to evaluate.
#[derive(Clone, Debug)]
pub struct Program {
    /// Rule set name.
    pub name: String,
    /// Rule set label.
    pub label: String,
    /// Legal basis of the whole rule set.
    pub basis: Option<String>,
    /// The cycle the file names, if any.
    pub cycle: Option<Cycle>,
    /// First day in force.
    pub effective_from: Option<NaiveDate>,
    /// Last day in force.
    pub effective_to: Option<NaiveDate>,
    /// Entity kinds, enumerations and facts.
    pub schema: Schema,
    /// Parameters.
    pub params: Vec<Param>,
    /// Scoring tables.
    pub scorings: Vec<Scoring>,
    /// Marks.
    pub marks: Vec<Mark>,
    /// Awards (titles and commendations), in declared order.
    pub awards: Vec<Award>,
    /// Evaluation order: every step comes after the steps it reads.
    pub order: Vec<Step>,
    /// For each kind, its only child kind (what `members` means), if it has exactly one.
    pub members: Vec<Option<KindId>>,
    /// The header, for diagnostics about the rule set as a whole.
    pub span: Span,
}

/// A cycle: its number and date range. Parameters are read at `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cycle {
    /// Cycle number (a year).
    pub year: i32,
    /// First day.
    pub start: NaiveDate,
    /// Last day; the date at which parameters are read.
    pub end: NaiveDate,
}

impl Cycle {
    /// The calendar year as a cycle.
    pub fn year(year: i32) -> Option<Cycle> {
        Some(Cycle {
            year,
            start: NaiveDate::from_ymd_opt(year, 1, 1)?,
            end: NaiveDate::from_ymd_opt(year, 12, 31)?,
        })
    }
}

/// A parameter with dated values.
#[derive(Clone, Debug)]
pub struct Param {
    /// Name.
    pub name: String,
    /// Label.
    pub label: Option<String>,
    /// Type.
    pub ty: Type,
    /// Values in date order, non-overlapping.
    pub values: Vec<ParamValue>,
    /// The declaration.
    pub span: Span,
}

/// One dated value.
#[derive(Clone, Debug)]
pub struct ParamValue {
    /// The value.
    pub value: Value,
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive), if bounded.
    pub to: Option<NaiveDate>,
    /// Legal reference.
    pub basis: Option<String>,
    /// The line.
    pub span: Span,
}

impl Param {
    /// The value in force on a date.
    pub fn at(&self, date: NaiveDate) -> Option<&ParamValue> {
        self.values.iter().rev().find(|v| v.from <= date && v.to.is_none_or(|to| date <= to))
    }
}

/// A scoring table for one entity kind.
#[derive(Clone, Debug)]
pub struct Scoring {
    /// Name.
    pub name: String,
    /// Label.
    pub label: Option<String>,
    /// The kind scored.
    pub kind: KindId,
    /// Maximum of the criteria total.
    pub max: Decimal,
    /// Legal basis.
    pub basis: Option<String>,
    /// Criteria, flattened in pre-order; a group's children follow it.
    pub nodes: Vec<Node>,
    /// Indices of top-level nodes.
    pub roots: Vec<usize>,
    /// Bonus and penalty items.
    pub adjusts: Vec<Adjust>,
    /// The grade enumeration (ascending: lowest band first) and band thresholds.
    pub grades: Option<Grades>,
    /// Ranking, if declared.
    pub rank: Option<Rank>,
    /// The declaration.
    pub span: Span,
}

/// A criteria-tree node.
#[derive(Clone, Debug)]
pub struct Node {
    /// Name.
    pub name: String,
    /// Label.
    pub label: Option<String>,
    /// Maximum points.
    pub max: Decimal,
    /// Weight in the parent's sum.
    pub weight: Decimal,
    /// Legal basis.
    pub basis: Option<String>,
    /// How it scores.
    pub kind: NodeKind,
    /// Depth in the tree (0 for top level).
    pub depth: usize,
    /// The declaration.
    pub span: Span,
}

/// How a node scores.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// Sum of the children (node indices), capped at max.
    Group(Vec<usize>),
    /// `max × min(actual / target, 1)`; the full maximum when the target is not positive.
    Ratio(CExpr, CExpr),
    /// Max when the condition holds.
    Pass(CExpr),
    /// `points × per`, capped.
    Each(CExpr, CExpr),
    /// Clamped formula.
    Formula(CExpr),
}

/// A bonus or penalty item.
#[derive(Clone, Debug)]
pub struct Adjust {
    /// Bonus (true) or penalty.
    pub bonus: bool,
    /// Name.
    pub name: String,
    /// Label.
    pub label: Option<String>,
    /// Points.
    pub points: CExpr,
    /// Condition (once) or count (per event).
    pub base: AdjustBase,
    /// Cap.
    pub cap: Option<Decimal>,
    /// Legal basis.
    pub basis: Option<String>,
    /// The declaration.
    pub span: Span,
}

/// What a bonus or penalty counts.
#[derive(Clone, Debug)]
pub enum AdjustBase {
    /// Once when true.
    When(CExpr),
    /// Per event.
    Per(CExpr),
}

/// Grade bands of a scoring table.
#[derive(Clone, Debug)]
pub struct Grades {
    /// The synthesised enumeration in the schema (lowest band first).
    pub enum_id: EnumId,
    /// `(variant position, lower bound)`, highest band first; `None` bound = otherwise.
    pub bands: Vec<(u32, Option<Decimal>)>,
}

/// Ranking of a kind within an ancestor kind.
#[derive(Clone, Debug)]
pub struct Rank {
    /// The grouping kind.
    pub within: KindId,
    /// Ordering keys; entity id ascending breaks remaining ties.
    pub keys: Vec<Key>,
    /// The declaration.
    pub span: Span,
}

/// An ordering key.
#[derive(Clone, Debug)]
pub struct Key {
    /// Value.
    pub expr: CExpr,
    /// Descending.
    pub desc: bool,
    /// Where it was written.
    pub span: Span,
}

/// A mark: a per-cycle fact computed from a condition.
#[derive(Clone, Debug)]
pub struct Mark {
    /// The fact it records.
    pub fact: FactId,
    /// Entity kind.
    pub kind: KindId,
    /// Condition.
    pub when: CExpr,
    /// Legal basis.
    pub basis: Option<Text>,
    /// The declaration.
    pub span: Span,
}

/// An award with its rules.
#[derive(Clone, Debug)]
pub struct Award {
    /// The fact it records.
    pub fact: FactId,
    /// Title or commendation.
    pub category: AwardCategory,
    /// Name.
    pub name: String,
    /// Vietnamese label.
    pub label: Option<Text>,
    /// Entity kind.
    pub kind: KindId,
    /// Legal basis.
    pub basis: Option<Text>,
    /// Conferring authority.
    pub authority: Option<Text>,
    /// Requirements (all must hold).
    pub requires: Vec<Cond>,
    /// Disqualifiers (any blocks).
    pub disqualifiers: Vec<Cond>,
    /// Quota.
    pub quota: Option<Quota>,
    /// Votes the workflow must hold.
    pub votes: Vec<VoteRule>,
    /// Reward amount.
    pub reward: Option<CExpr>,
    /// The declaration.
    pub span: Span,
}

/// A requirement or disqualifier.
#[derive(Clone, Debug)]
pub struct Cond {
    /// Label.
    pub label: Option<Text>,
    /// Legal basis.
    pub basis: Option<Text>,
    /// The condition.
    pub expr: CExpr,
    /// The whole statement.
    pub span: Span,
    /// The condition's text only.
    pub expr_span: Span,
}

/// A quota on an award.
#[derive(Clone, Debug)]
pub struct Quota {
    /// Fixed count or a share.
    pub amount: QuotaAmount,
    /// Grouping kind, or the whole data set.
    pub per: Option<KindId>,
    /// Ordering keys; id ascending breaks remaining ties.
    pub by: Vec<Key>,
    /// The statement.
    pub span: Span,
}

/// How many places a quota gives.
#[derive(Clone, Debug)]
pub enum QuotaAmount {
    /// At most this many.
    Count(u64),
    /// This share of a denominator, rounded.
    Share {
        /// The share.
        share: Decimal,
        /// Denominator.
        of: Denominator,
        /// Round up instead of down.
        round_up: bool,
    },
}

/// What a percentage quota counts.
#[derive(Clone, Copy, Debug)]
pub enum Denominator {
    /// All entities of the award's kind in the group.
    Headcount,
    /// Holders of this fact in the group, this cycle.
    Holders(FactId),
}

/// A vote an award needs (for the workflow).
#[derive(Clone, Debug, serde::Serialize)]
pub struct VoteRule {
    /// Voting body.
    pub body: String,
    /// Threshold as a fraction.
    pub threshold: Decimal,
    /// Counted on all members rather than those present.
    pub of_all: bool,
    /// Secret ballot.
    pub secret: bool,
}

/// One evaluation step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Score a kind (index into `scorings`).
    Score(usize),
    /// Rank a kind (index into `scorings`).
    Rank(usize),
    /// Compute a mark (index into `marks`).
    Mark(usize),
    /// Decide an award, quota included (index into `awards`).
    Award(usize),
}

/// Built-in values of the current entity or cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// Total score.
    Score,
    /// Grade (enum position).
    Grade,
    /// Rank within the group (1 = leads).
    Rank,
    /// Cycle number.
    Cycle,
    /// First day of the cycle.
    CycleStart,
    /// Last day of the cycle.
    CycleEnd,
}

/// Built-in functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// Whole months from the first date to the second.
    MonthsBetween,
    /// Whole years from the first date to the second.
    YearsBetween,
    /// Days from the first date to the second.
    DaysBetween,
    /// Smaller of two numbers.
    Min,
    /// Larger of two numbers.
    Max,
    /// Absolute value.
    Abs,
    /// Round to a number of decimal places (half away from zero).
    Round,
}

impl Func {
    /// Name as written.
    pub fn name(self) -> &'static str {
        match self {
            Func::MonthsBetween => "months_between",
            Func::YearsBetween => "years_between",
            Func::DaysBetween => "days_between",
            Func::Min => "min",
            Func::Max => "max",
            Func::Abs => "abs",
            Func::Round => "round",
        }
    }
}

/// A compiled expression.
#[derive(Clone, Debug)]
pub enum CExpr {
    /// A constant.
    Const(Value),
    /// A field of the current entity.
    Field(FieldId),
    /// A parameter, read at the cycle date.
    Param(ParamId),
    /// A built-in value.
    Builtin(Builtin),
    /// Unary operator.
    Unary(UnOp, Box<CExpr>),
    /// Binary operator over its two operands (boxed together: one allocation per node); the
    /// span locates runtime errors such as division by zero.
    Binary(BinOp, Box<(CExpr, CExpr)>, Span),
    /// Conditional.
    If(Box<CExpr>, Box<CExpr>, Box<CExpr>),
    /// History: held a fact in a window of cycles.
    Held(FactId, Window),
    /// History: held a fact in any cycle up to this one.
    EverHeld(FactId),
    /// Aggregate over the members (of kind `child`).
    Agg(AggFn, KindId, Option<Box<CExpr>>),
    /// Built-in function call.
    Call(Func, Vec<CExpr>, Span),
    /// An extra name supplied by the caller (a workflow guard's `eligible`, `round`…).
    Slot(u32),
}
