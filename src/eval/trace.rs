//! Explanation traces: what each requirement read, recorded only when asked for.
//!
//! Evaluation is generic over a [`Tracer`]. [`NoTrace`] compiles to nothing, so an untraced
//! run pays no cost; [`Recorder`] keeps every read. Both must reach the same decisions, which
//! the test suite checks.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::ast::{AggFn, Window};
use crate::model::{FactId, FieldId, KindId, Value};
use crate::program::{Builtin, ParamId};

/// Cycles in which a fact was held, oldest first; a few are kept inline, without allocating.
pub type Cycles = smallvec::SmallVec<[i32; 4]>;

/// Something an expression read while it was evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Read {
    /// An input field of the entity.
    Field {
        /// The field.
        field: FieldId,
        /// Its value.
        value: Value,
    },
    /// A parameter at the cycle date.
    Param {
        /// The parameter.
        param: ParamId,
        /// Index of the dated value used.
        value_index: usize,
    },
    /// A built-in (`score`, `rank`, `grade`, `cycle`…).
    Builtin {
        /// Which.
        which: Builtin,
        /// Its value.
        value: Value,
    },
    /// History of a fact over a window.
    Held {
        /// The fact.
        fact: FactId,
        /// The window asked for.
        window: Window,
        /// Cycles in the window in which the entity held it.
        held_in: Cycles,
        /// The verdict.
        holds: bool,
    },
    /// `ever held`.
    EverHeld {
        /// The fact.
        fact: FactId,
        /// Cycles in which it was held, up to this one.
        held_in: Cycles,
    },
    /// An extra name supplied by the caller (workflow guards).
    Slot {
        /// Which.
        slot: u32,
        /// Its value.
        value: Value,
    },
    /// An aggregate over members.
    Agg {
        /// The function.
        fun: AggFn,
        /// The member kind.
        kind: KindId,
        /// Members for which the condition held (or the sum, for `sum`).
        matched: Decimal,
        /// Number of members.
        total: u32,
        /// The aggregate's value.
        value: Value,
    },
}

/// Receives reads during evaluation.
pub trait Tracer {
    /// Whether reads are kept at all; lets evaluation skip work when not.
    const ENABLED: bool;
    /// Record a read.
    fn read(&mut self, read: Read);
}

/// The zero-cost tracer.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoTrace;

impl Tracer for NoTrace {
    const ENABLED: bool = false;
    #[inline(always)]
    fn read(&mut self, _read: Read) {}
}

/// Evaluates every operand, as a traced run does (no short-circuit), and keeps nothing: for
/// the verdicts of a traced run without its reads.
#[derive(Debug, Default, Clone, Copy)]
pub struct Exhaustive;

impl Tracer for Exhaustive {
    const ENABLED: bool = true;
    #[inline(always)]
    fn read(&mut self, _read: Read) {}
}

/// Keeps every distinct read in order.
#[derive(Debug, Default, Clone)]
pub struct Recorder {
    /// Reads in first-seen order, without repeats since `start`.
    pub reads: Vec<Read>,
    /// Where the current condition's reads begin: repeats are looked for from here on.
    start: usize,
}

impl Tracer for Recorder {
    const ENABLED: bool = true;
    fn read(&mut self, read: Read) {
        if !self.reads.get(self.start..).is_some_and(|r| r.contains(&read)) {
            self.reads.push(read);
        }
    }
}

/// The trace of one requirement or disqualifier. Its reads live in the [`AwardTrace`]:
/// [`AwardTrace::reads_of`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CondTrace {
    /// Whether the condition held.
    pub holds: bool,
    /// What it read: a range of the award trace's reads.
    reads: std::ops::Range<u32>,
}

/// How the quota treated an eligible entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuotaTrace {
    /// The group's id (the `per` entity), if the quota is per group.
    pub group: Option<String>,
    /// Places in the group.
    pub limit: u64,
    /// The denominator counted, for a percentage quota.
    pub denominator: Option<u64>,
    /// Eligible entities competing in the group.
    pub eligible: u64,
    /// This entity's position in the quota order (1-based).
    pub position: u64,
}

/// The full explanation of one (entity, award) decision.
///
/// One decision's reads are kept together in one vector, and its conditions in another, so
/// that tracing every decision of a large cycle costs two allocations per decision rather
/// than one per condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwardTrace {
    /// Disqualifiers, then requirements, each in declared order.
    conds: Conds,
    /// How many of `conds` are disqualifiers.
    disqualifiers: usize,
    /// Every condition's reads, one range after another.
    reads: Vec<Read>,
    /// Quota treatment, when eligible and the award has a quota.
    pub quota: Option<QuotaTrace>,
    /// Reads of the reward formula.
    pub reward: Vec<Read>,
}

impl AwardTrace {
    /// One trace per disqualifier, in declared order.
    pub fn disqualifiers(&self) -> &[CondTrace] {
        self.conds.get(..self.disqualifiers).unwrap_or(&[])
    }

    /// One trace per requirement, in declared order.
    pub fn requires(&self) -> &[CondTrace] {
        self.conds.get(self.disqualifiers..).unwrap_or(&[])
    }

    /// What a condition of this trace read, in first-seen order, without repeats.
    pub fn reads_of(&self, c: &CondTrace) -> &[Read] {
        self.reads.get(c.reads.start as usize..c.reads.end as usize).unwrap_or(&[])
    }
}

/// An award's condition traces: most awards have a handful, kept inline.
type Conds = smallvec::SmallVec<[CondTrace; 6]>;

/// Builds an [`AwardTrace`]: each condition is traced in turn into one shared [`Recorder`].
#[derive(Debug, Default)]
pub(crate) struct TraceBuilder {
    conds: Conds,
    rec: Recorder,
}

impl TraceBuilder {
    /// A builder for an award with `conds` conditions.
    pub(crate) fn with_capacity(conds: usize) -> TraceBuilder {
        TraceBuilder {
            conds: Conds::with_capacity(conds),
            rec: Recorder { reads: Vec::with_capacity(conds * 2), start: 0 },
        }
    }

    /// The recorder for the next condition.
    pub(crate) fn next(&mut self) -> &mut Recorder {
        self.rec.start = self.rec.reads.len();
        &mut self.rec
    }

    /// Close the condition whose reads were just recorded.
    pub(crate) fn close(&mut self, holds: bool) {
        let start = u32::try_from(self.rec.start).unwrap_or(u32::MAX);
        let end = u32::try_from(self.rec.reads.len()).unwrap_or(u32::MAX);
        self.conds.push(CondTrace { holds, reads: start..end });
    }

    /// The trace, given how many of the conditions were disqualifiers.
    pub(crate) fn finish(self, disqualifiers: usize) -> AwardTrace {
        AwardTrace {
            conds: self.conds,
            disqualifiers,
            reads: self.rec.reads,
            quota: None,
            reward: Vec::new(),
        }
    }
}

/// A parameter value used, for explanations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParamUse {
    /// Value.
    pub value: Value,
    /// In force from.
    pub from: NaiveDate,
    /// Legal basis.
    pub basis: Option<String>,
}
