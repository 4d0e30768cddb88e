//! The owned syntax tree of a `.rules` file, as written (names unresolved).
//!
//! Produced by [`crate::syntax`], read by [`crate::check`]. Nodes carry a [`Span`] for
//! diagnostics and explanations; no pest types appear here.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::diag::Span;

pub mod workflow;

/// The text of a name: stored inline up to 24 bytes (nearly every name in a rule file), so
/// that parsing a thousand awards does not allocate for each identifier it reads.
pub type Name = compact_str::CompactString;

/// The text of a string literal: shared, so that the compiled program keeps a label or a legal
/// basis without copying it out of the syntax tree.
pub type Text = std::sync::Arc<str>;

/// A name as written, with its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub name: Name,
    /// Where it was written.
    pub span: Span,
}

/// A string literal (unescaped), with its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    /// The text.
    pub value: Text,
    /// Where it was written (including quotes).
    pub span: Span,
}

/// A number as written: `60`, `0.3`, or a percentage `80%` (stored as `0.8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Num {
    /// The value (a fraction for percentages).
    pub value: Decimal,
    /// Whether it was written with `%`.
    pub percent: bool,
    /// Where it was written.
    pub span: Span,
}

/// A date as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date {
    /// The date.
    pub value: NaiveDate,
    /// Where it was written.
    pub span: Span,
}

/// A whole rule file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// The `ruleset` header.
    pub header: Header,
    /// Declarations in source order.
    pub items: Vec<Item>,
}

/// `ruleset name "label" cycle … effective … basis …`.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// Rule set name.
    pub name: Ident,
    /// Rule set label.
    pub label: Str,
    /// `cycle 2025 [from D to D]`.
    pub cycle: Vec<CycleDecl>,
    /// `effective from D [to D]`.
    pub effective: Vec<Effective>,
    /// `basis "…"`.
    pub basis: Vec<Str>,
    /// The whole header.
    pub span: Span,
}

/// The cycle a rule set governs.
#[derive(Clone, Debug, PartialEq)]
pub struct CycleDecl {
    /// The cycle's number (a year).
    pub year: i32,
    /// Explicit date range; the calendar year when absent.
    pub range: Option<(Date, Date)>,
    /// The declaration.
    pub span: Span,
}

/// When the rule set is in force.
#[derive(Clone, Debug, PartialEq)]
pub struct Effective {
    /// First day in force.
    pub from: Date,
    /// Last day in force, if known.
    pub to: Option<Date>,
    /// The declaration.
    pub span: Span,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `param`
    Param(ParamDecl),
    /// `enum`
    Enum(EnumDecl),
    /// `entity`
    Entity(EntityDecl),
    /// `scoring`
    Scoring(ScoringDecl),
    /// `mark`
    Mark(MarkDecl),
    /// `extern`
    Extern(ExternDecl),
    /// `title` or `commendation`
    Award(AwardDecl),
}

/// `param name "label": type { value from D [to D] [basis "…"] … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamDecl {
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Option<Str>,
    /// Declared type.
    pub ty: Ident,
    /// Dated values in source order.
    pub values: Vec<ParamValue>,
    /// The declaration.
    pub span: Span,
}

/// One dated value of a parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamValue {
    /// The value (a literal).
    pub value: Expr,
    /// First day it applies.
    pub from: Date,
    /// Last day it applies, if stated.
    pub to: Option<Date>,
    /// Its legal reference.
    pub basis: Option<Str>,
    /// The whole line.
    pub span: Span,
}

/// `enum name "label" { A < B < C }`.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumDecl {
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Option<Str>,
    /// Whether written with `<`.
    pub ordered: bool,
    /// Variants in order.
    pub variants: Vec<Variant>,
    /// The declaration.
    pub span: Span,
}

/// One enumeration variant.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Option<Str>,
}

/// `entity name "label" in parent { fields }`.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityDecl {
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Option<Str>,
    /// Parent kind.
    pub parent: Option<Ident>,
    /// Fields.
    pub fields: Vec<FieldDecl>,
    /// The declaration.
    pub span: Span,
}

/// `name: type "label" default value`.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    /// Name.
    pub name: Ident,
    /// Type name.
    pub ty: Ident,
    /// Label.
    pub label: Option<Str>,
    /// Default value (a literal or a variant name).
    pub default: Option<Expr>,
    /// The declaration.
    pub span: Span,
}

/// `scoring name "label" for kind max N basis "…" { … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoringDecl {
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Option<Str>,
    /// Entity kind scored.
    pub kind: Ident,
    /// Maximum total of the criteria.
    pub max: Num,
    /// Legal basis.
    pub basis: Option<Str>,
    /// Top-level criteria.
    pub criteria: Vec<Criterion>,
    /// Bonus and penalty items.
    pub adjusts: Vec<Adjust>,
    /// Grade bands, as written (highest first).
    pub bands: Vec<Band>,
    /// Ranking declarations (at most one is valid).
    pub ranks: Vec<RankDecl>,
    /// The declaration.
    pub span: Span,
}

impl ScoringDecl {
    /// A declaration with its head read and no criteria, items, bands or ranks yet.
    pub fn new(
        name: Ident,
        label: Option<Str>,
        kind: Ident,
        max: Num,
        basis: Option<Str>,
        span: Span,
    ) -> ScoringDecl {
        ScoringDecl {
            name,
            label,
            kind,
            max,
            basis,
            criteria: Vec::new(),
            adjusts: Vec::new(),
            bands: Vec::new(),
            ranks: Vec::new(),
            span,
        }
    }
}

/// A node of the criteria tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Criterion {
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Option<Str>,
    /// Maximum points.
    pub max: Num,
    /// Weight applied to its points in the parent's sum (1 when absent).
    pub weight: Option<Num>,
    /// Legal basis.
    pub basis: Option<Str>,
    /// How it scores.
    pub kind: CriterionKind,
    /// The declaration.
    pub span: Span,
}

/// How a criterion scores.
#[derive(Clone, Debug, PartialEq)]
pub enum CriterionKind {
    /// Sum of children, capped at max.
    Group(Vec<Criterion>),
    /// `max × min(actual / target, 1)`.
    Ratio {
        /// Achieved.
        actual: Expr,
        /// Target.
        target: Expr,
    },
    /// Max when the condition holds.
    Pass(Expr),
    /// `points × per`, capped at max.
    Each {
        /// Points per event.
        points: Expr,
        /// Number of events.
        per: Expr,
    },
    /// A formula, clamped to `[0, max]`.
    Formula(Expr),
}

/// `bonus` or `penalty` item.
#[derive(Clone, Debug, PartialEq)]
pub struct Adjust {
    /// True for bonus, false for penalty.
    pub bonus: bool,
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Option<Str>,
    /// Points per event or when the condition holds.
    pub points: Expr,
    /// When it applies.
    pub base: AdjustBase,
    /// Cap on the total of this item.
    pub cap: Option<Num>,
    /// Legal basis.
    pub basis: Option<Str>,
    /// The declaration.
    pub span: Span,
}

/// What a bonus or penalty is counted on.
#[derive(Clone, Debug, PartialEq)]
pub enum AdjustBase {
    /// Once, when the condition holds.
    When(Expr),
    /// Per event.
    Per(Expr),
}

/// `grade name "label" from N` or `… otherwise`.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Option<Str>,
    /// Lower bound; `None` for `otherwise`.
    pub from: Option<Num>,
    /// The declaration.
    pub span: Span,
}

/// `rank within kind by key, key`.
#[derive(Clone, Debug, PartialEq)]
pub struct RankDecl {
    /// The grouping kind (an ancestor).
    pub within: Ident,
    /// Ordering keys.
    pub keys: Vec<SortKey>,
    /// The declaration.
    pub span: Span,
}

/// An ordering key.
#[derive(Clone, Debug, PartialEq)]
pub struct SortKey {
    /// The value ordered by.
    pub expr: Expr,
    /// Descending (the default) or ascending.
    pub desc: bool,
}

/// `mark name "label" for kind when cond`.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkDecl {
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Option<Str>,
    /// Entity kind.
    pub kind: Ident,
    /// Legal basis.
    pub basis: Option<Str>,
    /// Condition.
    pub when: Expr,
    /// The declaration.
    pub span: Span,
}

/// `extern name "label" for kind basis "…"`.
#[derive(Clone, Debug, PartialEq)]
pub struct ExternDecl {
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Option<Str>,
    /// Entity kind.
    pub kind: Ident,
    /// Legal basis.
    pub basis: Option<Str>,
    /// The declaration.
    pub span: Span,
}

/// Title (danh hiệu) or commendation form (hình thức khen thưởng).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwardCategory {
    /// `title`
    Title,
    /// `commendation`
    Commendation,
}

/// `title|commendation name "label" for kind { … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct AwardDecl {
    /// Title or commendation.
    pub category: AwardCategory,
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Option<Str>,
    /// Entity kind.
    pub kind: Ident,
    /// `basis` statements (one is valid).
    pub basis: Vec<Str>,
    /// `authority` statements (one is valid).
    pub authority: Vec<Str>,
    /// Requirements, all of which must hold.
    pub requires: Vec<Condition>,
    /// Disqualifiers, any of which blocks the award.
    pub disqualifiers: Vec<Condition>,
    /// Quotas (one is valid).
    pub quotas: Vec<Quota>,
    /// Votes the workflow must hold, in order.
    pub votes: Vec<Vote>,
    /// Rewards (one is valid).
    pub rewards: Vec<Expr>,
    /// The declaration.
    pub span: Span,
}

impl AwardDecl {
    /// A declaration with its head read and no statements yet.
    pub fn new(
        category: AwardCategory,
        name: Ident,
        label: Option<Str>,
        kind: Ident,
        span: Span,
    ) -> AwardDecl {
        AwardDecl {
            category,
            name,
            label,
            kind,
            basis: Vec::new(),
            authority: Vec::new(),
            requires: Vec::new(),
            disqualifiers: Vec::new(),
            quotas: Vec::new(),
            votes: Vec::new(),
            rewards: Vec::new(),
            span,
        }
    }
}

/// A requirement or disqualifier.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// Label shown in explanations.
    pub label: Option<Str>,
    /// Legal basis.
    pub basis: Option<Str>,
    /// The condition.
    pub expr: Expr,
    /// The whole statement.
    pub span: Span,
}

/// `quota N [of award|headcount] [per kind] [by keys] [round up|down]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Quota {
    /// A count, or a percentage of the denominator.
    pub amount: Num,
    /// Denominator: an award's holders, or `headcount` (the default).
    pub of: Option<Ident>,
    /// Group the quota applies per (an ancestor kind); whole data set when absent.
    pub per: Option<Ident>,
    /// Order in which eligible entities take places.
    pub by: Vec<SortKey>,
    /// Round a percentage quota up instead of down.
    pub round_up: bool,
    /// The statement.
    pub span: Span,
}

/// `vote body P% of all|present secret|open`.
#[derive(Clone, Debug, PartialEq)]
pub struct Vote {
    /// Who votes (`council`, `bloc`, `staff`…).
    pub body: Ident,
    /// Threshold.
    pub threshold: Num,
    /// Counted on all members (true) or those present.
    pub of_all: bool,
    /// Secret ballot.
    pub secret: bool,
    /// The statement.
    pub span: Span,
}

/// An expression with its location.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// Expression forms.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number.
    Num(Decimal),
    /// A percentage (as a fraction).
    Percent(Decimal),
    /// A string.
    Str(Text),
    /// A boolean.
    Bool(bool),
    /// A date.
    Date(NaiveDate),
    /// A field, parameter, variant, grade or built-in.
    Name(Name),
    /// `not e`, `-e`.
    Unary(UnOp, Box<Expr>),
    /// `a op b`.
    Binary(BinOp, Box<(Expr, Expr)>),
    /// `if c then a else b`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `held X [window]`.
    Held(Ident, Window),
    /// `ever held X`.
    EverHeld(Ident),
    /// `share(members, e)` and friends.
    Agg(AggFn, Option<Box<Expr>>),
    /// `f(a, b)`.
    Call(Ident, Vec<Expr>),
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// Which cycles `held` looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// This cycle.
    Current,
    /// The last `n` cycles up to this one, all of them.
    Consecutive(u32),
    /// At least `k` of the last `n` cycles up to this one.
    OfLast(u32, u32),
    /// The previous cycle only.
    Last,
}

/// Aggregates over members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggFn {
    /// Fraction of members for which the condition holds (0 when there are none).
    Share,
    /// Number of members (for which the condition holds).
    Count,
    /// Every member satisfies the condition.
    All,
    /// Some member satisfies the condition.
    Any,
    /// No member satisfies the condition.
    None,
    /// Sum of a number over members.
    Sum,
}

impl AggFn {
    /// The function's name as written.
    pub fn name(self) -> &'static str {
        match self {
            AggFn::Share => "share",
            AggFn::Count => "count",
            AggFn::All => "all",
            AggFn::Any => "any",
            AggFn::None => "none",
            AggFn::Sum => "sum",
        }
    }
}
