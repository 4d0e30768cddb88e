//! The syntax tree of a `.test` file, as written: names unresolved, every node located.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::diag::Span;

/// A name as written, with where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Name {
    pub(crate) text: String,
    pub(crate) span: Span,
}

/// A parsed `.test` file.
#[derive(Clone, Debug)]
pub(crate) struct TestFile {
    /// The rule file, relative to the test file.
    pub(crate) rules: Name,
    /// `cycle 2025`.
    pub(crate) cycle: Option<(i32, Span)>,
    /// `data "sample"`, relative to the test file.
    pub(crate) data: Option<Name>,
    /// `defaults KIND { … }` blocks.
    pub(crate) defaults: Vec<Defaults>,
    /// `unreachable … because "…"`.
    pub(crate) unreachable: Vec<Unreachable>,
    /// The cases, in file order.
    pub(crate) cases: Vec<Case>,
}

/// `defaults don_vi { … }`.
#[derive(Clone, Debug)]
pub(crate) struct Defaults {
    pub(crate) kind: Name,
    pub(crate) fields: Vec<Assign>,
}

/// `field: value`.
#[derive(Clone, Debug)]
pub(crate) struct Assign {
    pub(crate) field: Name,
    pub(crate) value: Lit,
}

/// A literal value as written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum LitKind {
    /// `12`, `-3.5`, `2_340_000`.
    Number(Decimal),
    /// `70%`, as a fraction.
    Percent(Decimal),
    /// `2025-12-31`.
    Date(NaiveDate),
    /// `"text"`.
    Text(String),
    /// `true`, `false`.
    Bool(bool),
    /// A bare word: an enumeration variant.
    Word(String),
}

/// A literal with its span.
#[derive(Clone, Debug)]
pub(crate) struct Lit {
    pub(crate) kind: LitKind,
    pub(crate) span: Span,
}

/// `unreachable ITEM because "reason"`.
#[derive(Clone, Debug)]
pub(crate) struct Unreachable {
    pub(crate) item: ItemRef,
    pub(crate) reason: Name,
    pub(crate) span: Span,
}

/// A coverage item as written in `unreachable`.
#[derive(Clone, Debug)]
pub(crate) enum ItemRef {
    /// `require "label" of AWARD`.
    Require(CondRef, Name),
    /// `disqualify #2 of AWARD`.
    Disqualify(CondRef, Name),
    /// `quota of AWARD`.
    Quota(Name),
    /// `eligible of AWARD`.
    Eligible(Name),
    /// `criterion NAME [of SCORING]`, `bonus …`, `penalty …`, `grade …`.
    Scoring(ScoringPart, Name, Option<Name>),
}

/// Which part of a scoring table an item names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScoringPart {
    Criterion,
    Bonus,
    Penalty,
    Grade,
}

/// A requirement or disqualifier, by label or by number (from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Which {
    Label(String),
    Index(u32),
}

/// [`Which`] with its span.
#[derive(Clone, Debug)]
pub(crate) struct CondRef {
    pub(crate) which: Which,
    pub(crate) span: Span,
}

/// `case "name" [from scratch] { … }`.
#[derive(Clone, Debug)]
pub(crate) struct Case {
    pub(crate) name: Name,
    pub(crate) scratch: bool,
    pub(crate) statements: Vec<Statement>,
    pub(crate) span: Span,
}

/// One statement of a case.
#[derive(Clone, Debug)]
pub(crate) enum Statement {
    Given(Given),
    History(HistoryStmt),
    Expect(Expect),
}

/// `given KIND ID [like REF] [in ID] [{ … }]`.
#[derive(Clone, Debug)]
pub(crate) struct Given {
    pub(crate) kind: Name,
    pub(crate) id: Name,
    pub(crate) like: Option<EntityRef>,
    pub(crate) parent: Option<Name>,
    pub(crate) fields: Vec<Assign>,
}

/// `cb001` or `can_bo/cb001`.
#[derive(Clone, Debug)]
pub(crate) struct EntityRef {
    pub(crate) kind: Option<Name>,
    pub(crate) id: Name,
    pub(crate) span: Span,
}

/// `history REF [only] { 2024: a b, … }`.
#[derive(Clone, Debug)]
pub(crate) struct HistoryStmt {
    pub(crate) entity: EntityRef,
    pub(crate) only: bool,
    pub(crate) rows: Vec<HistoryRow>,
}

/// `2024: cstdcs htxs`.
#[derive(Clone, Debug)]
pub(crate) struct HistoryRow {
    pub(crate) cycle: i32,
    pub(crate) cycle_span: Span,
    pub(crate) facts: Vec<Name>,
}

/// `expect REF …`.
#[derive(Clone, Debug)]
pub(crate) struct Expect {
    pub(crate) entity: EntityRef,
    pub(crate) check: Check,
    pub(crate) span: Span,
}

/// A comparison in a check; equality when none is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ge,
    Le,
    Gt,
    Lt,
}

impl Cmp {
    /// Whether `actual` relates to `expected` as this comparison says.
    pub(crate) fn holds(self, actual: Decimal, expected: Decimal) -> bool {
        match self {
            Cmp::Eq => actual == expected,
            Cmp::Ge => actual >= expected,
            Cmp::Le => actual <= expected,
            Cmp::Gt => actual > expected,
            Cmp::Lt => actual < expected,
        }
    }

    /// As written before a number, with a trailing space; nothing for equality.
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Cmp::Eq => "",
            Cmp::Ge => ">= ",
            Cmp::Le => "<= ",
            Cmp::Gt => "> ",
            Cmp::Lt => "< ",
        }
    }
}

/// What an expectation checks.
#[derive(Clone, Debug)]
pub(crate) enum Check {
    /// `score 92.5 grade xuat_sac rank 1`.
    Score(Vec<ScoreCheck>),
    /// `AWARD OUTCOME [reward N] [because …]`.
    Award {
        award: Name,
        outcome: ExpectedOutcome,
        outcome_span: Span,
        reward: Option<(Decimal, Span)>,
        reasons: Option<Vec<Reason>>,
    },
    /// `ITEM [cmp] N`: points of a criterion, bonus or penalty.
    Points { item: Name, cmp: Cmp, value: Decimal },
}

/// One part of a score expectation.
#[derive(Clone, Debug)]
pub(crate) enum ScoreCheck {
    Score(Cmp, Decimal),
    Grade(Name),
    Rank(Cmp, u32, Span),
}

/// An outcome as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExpectedOutcome {
    Eligible,
    NotEligible,
    Disqualified,
    OverQuota,
}

/// `require "label"` or `disqualify #2` after `because`.
#[derive(Clone, Debug)]
pub(crate) struct Reason {
    pub(crate) disqualify: bool,
    pub(crate) cond: CondRef,
    pub(crate) span: Span,
}
