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
        held_in: Vec<i32>,
        /// The verdict.
        holds: bool,
    },
    /// `ever held`.
    EverHeld {
        /// The fact.
        fact: FactId,
        /// Cycles in which it was held, up to this one.
        held_in: Vec<i32>,
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

/// Keeps every distinct read in order.
#[derive(Debug, Default, Clone)]
pub struct Recorder {
    /// Reads in first-seen order, without repeats.
    pub reads: Vec<Read>,
}

impl Tracer for Recorder {
    const ENABLED: bool = true;
    fn read(&mut self, read: Read) {
        if !self.reads.contains(&read) {
            self.reads.push(read);
        }
    }
}

/// The trace of one requirement or disqualifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CondTrace {
    /// Whether the condition held.
    pub holds: bool,
    /// What it read.
    pub reads: Vec<Read>,
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwardTrace {
    /// One per disqualifier, in declared order.
    pub disqualifiers: Vec<CondTrace>,
    /// One per requirement, in declared order.
    pub requires: Vec<CondTrace>,
    /// Quota treatment, when eligible and the award has a quota.
    pub quota: Option<QuotaTrace>,
    /// Reads of the reward formula.
    pub reward: Vec<Read>,
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
