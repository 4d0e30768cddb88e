//! Conditions decided a column at a time.
//!
//! An award's requirements and disqualifiers, and a mark's condition, are evaluated over a
//! range of rows at once into bit sets, one node of the expression at a time: `and`, `or` and
//! `not` become word operations on 64 rows, and each comparison or `held` is one tight loop
//! over the rows with its operands located once. Deciding row by row instead walks the whole
//! expression tree for every row.
//!
//! The answers are exactly those of the row-at-a-time evaluator (`Engine::eval_bool`), which
//! stays the definition, and so are the errors:
//!
//! - Untraced, a node is evaluated only for the *live* rows, those whose answer a row-at-a-time
//!   run would compute: the rows not yet decided by an earlier condition of the award, and
//!   within `a and b` (`a or b`) only the rows where `a` held (failed). A condition that can
//!   fail at run time (division by zero) therefore fails on exactly the rows it would fail on.
//! - Traced, every row is live, as every condition is traced without short-circuit.
//! - When any row fails, the caller decides the range again row by row, so that the error
//!   reported is the one of the lowest failing row, as before.
//!
//! `eval::tests::columns` checks the verdicts against `eval_bool` on random expressions.

use super::Engine;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::expr::{EResult, holds, test, window_cycles};
use super::trace::{Exhaustive, NoTrace};
use crate::ast::{BinOp, UnOp, Window};
use crate::model::{Dataset, FactId, KindId, Table, Value};
use crate::program::{Builtin, CExpr, Func};

/// A set of rows of one range, as bits: bit `i` stands for the range's `i`-th row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bits {
    words: Words,
    len: usize,
}

/// Rows decided together: few enough that their values stay in the first-level cache from
/// one condition to the next, and that a set of them needs no allocation.
pub(crate) const BLOCK: usize = 256;

type Words = smallvec::SmallVec<[u64; BLOCK / 64]>;

impl Bits {
    /// No rows of `len`.
    pub(crate) fn none(len: usize) -> Bits {
        Bits { words: smallvec::smallvec![0; len.div_ceil(64)], len }
    }

    /// Every row of `len`.
    pub(crate) fn all(len: usize) -> Bits {
        let mut b = Bits { words: smallvec::smallvec![u64::MAX; len.div_ceil(64)], len };
        b.trim();
        b
    }

    /// Clear the bits past `len` in the last word, so that counting and comparing see rows
    /// only.
    fn trim(&mut self) {
        let rest = self.len % 64;
        if rest != 0
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1u64 << rest) - 1;
        }
    }

    /// Only row `i` of `len`.
    #[cfg(test)]
    pub(crate) fn only(len: usize, i: usize) -> Bits {
        let mut b = Bits::none(len);
        if let Some(w) = b.words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
        b
    }

    /// Whether row `i` of the range is in the set.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> bool {
        self.words.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
    }

    /// `self ∩ other`.
    pub(crate) fn and(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    /// `self ∪ other`.
    pub(crate) fn or(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// `self ∖ other`.
    pub(crate) fn and_not(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    /// The complement within the range.
    fn not(&mut self) {
        for w in &mut self.words {
            *w = !*w;
        }
        self.trim();
    }

    /// Whether at least half the rows are in the set: then testing every row of a typed
    /// column costs less than visiting the set's rows one by one (and is worth building the
    /// column for).
    fn dense(&self) -> bool {
        let count: u32 = self.words.iter().map(|w| w.count_ones()).sum();
        count as usize * 2 >= self.len
    }

    /// Whether the set is empty.
    fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// The set of rows among `live` for which `f` holds, `f` called on each live row in
    /// ascending order; stops at the first error.
    #[inline]
    fn select(live: &Bits, mut f: impl FnMut(usize) -> EResult<bool>) -> EResult<Bits> {
        let mut words = Words::with_capacity(live.words.len());
        for (w, &word) in live.words.iter().enumerate() {
            let mut out = 0u64;
            if word == u64::MAX {
                // All 64 rows live, the common case: a plain loop, which pipelines better
                // than finding each bit.
                for bit in 0..64 {
                    out |= u64::from(f(w * 64 + bit)?) << bit;
                }
                words.push(out);
                continue;
            }
            let mut rest = word;
            while rest != 0 {
                let bit = rest.trailing_zeros();
                // No branch on the verdict: verdicts vary from row to row.
                out |= u64::from(f(w * 64 + bit as usize)?) << bit;
                rest &= rest - 1;
            }
            words.push(out);
        }
        Ok(Bits { words, len: live.len })
    }

    /// The words, for concatenating ranges whose lengths are multiples of 64.
    pub(crate) fn words(&self) -> &[u64] {
        &self.words
    }
}

/// The orderings a comparison accepts, as three bits (less, equal, greater), so that deciding
/// a row takes no branch on the operator.
#[derive(Clone, Copy)]
struct Accepts(u8);

impl Accepts {
    /// For `x op y`, or `y op x` when `flipped`, given the ordering of `x` to `y`.
    fn new(op: BinOp, flipped: bool) -> Accepts {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let mut bits = 0u8;
        for ord in [Less, Equal, Greater] {
            if holds(op, if flipped { ord.reverse() } else { ord }) {
                bits |= 1 << (ord as i8 + 1);
            }
        }
        Accepts(bits)
    }

    #[inline(always)]
    fn holds(self, ord: std::cmp::Ordering) -> bool {
        self.0 >> (ord as i8 + 1) & 1 == 1
    }

    /// [`Accepts::holds`] of an ordering given by [`order`].
    #[inline(always)]
    fn at(self, order: u32) -> bool {
        self.0 >> order & 1 == 1
    }
}

/// A field's values over a whole table, when every value has the same simple type: compared
/// a block at a time without looking at each value's type.
#[derive(Clone, Debug)]
pub(crate) enum Column {
    /// Enumeration positions.
    Enum(Vec<u32>),
    /// Whole numbers (every value a decimal with no fractional digits that fits in 64 bits).
    Int(Vec<i64>),
    /// Booleans.
    Bool(Vec<bool>),
}

impl Column {
    /// Field `field` of every row of `table`, if all its values have one of the types above.
    fn build(table: &Table, field: usize) -> Option<Column> {
        /// The field of every row as `T`, or `None` at the first value `of` refuses.
        fn all<T>(table: &Table, field: usize, of: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
            let mut out = Vec::with_capacity(table.len());
            for row in table.values.chunks_exact(table.fields.max(1)) {
                out.push(of(row.get(field)?)?);
            }
            Some(out)
        }
        Some(match table.values.get(field)? {
            Value::Enum(_) => Column::Enum(all(table, field, |v| match v {
                Value::Enum(x) => Some(*x),
                _ => None,
            })?),
            Value::Num(_) => Column::Int(all(table, field, |v| match v {
                Value::Num(d) if d.scale() == 0 => i64::try_from(d.mantissa()).ok(),
                _ => None,
            })?),
            Value::Bool(_) => Column::Bool(all(table, field, |v| match v {
                Value::Bool(x) => Some(*x),
                _ => None,
            })?),
            _ => return None,
        })
    }
}

/// The typed columns of one evaluation, each built when a condition first compares it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Columns {
    /// By kind, then field.
    cells: Vec<Vec<std::sync::OnceLock<Option<Column>>>>,
}

impl Columns {
    /// Room for every field of every kind of `program`.
    pub(crate) fn new(program: &crate::program::Program) -> Columns {
        Columns {
            cells: program
                .schema
                .kinds
                .iter()
                .map(|k| (0..k.fields.len()).map(|_| std::sync::OnceLock::new()).collect())
                .collect(),
        }
    }

    fn get(&self, data: &Dataset, kind: KindId, field: usize) -> Option<&Column> {
        let cell = self.cells.get(kind.0 as usize)?.get(field)?;
        cell.get_or_init(|| Column::build(data.table(kind)?, field)).as_ref()
    }
}

/// The set of the live rows whose value in `values` (the block's slice of a column) passes
/// `test`: every row is tested, without a branch, and the live ones kept.
#[inline(always)]
fn dense<T: Copy>(values: &[T], live: &Bits, test: impl Fn(T) -> bool) -> Bits {
    let mut words = Words::with_capacity(live.words.len());
    for (chunk, &l) in values.chunks(64).zip(&live.words) {
        // One byte per row first (a loop the compiler turns into vector instructions), then
        // eight bytes of 0 or 1 at a time into eight bits.
        let mut flags = [0u8; 64];
        for (f, &x) in flags.iter_mut().zip(chunk) {
            *f = u8::from(test(x));
        }
        words.push(pack(&flags) & l);
    }
    Bits { words, len: live.len }
}

/// 64 bytes of 0 or 1 as the bits of a word, byte `i` as bit `i`.
#[inline(always)]
fn pack(flags: &[u8; 64]) -> u64 {
    let mut out = 0u64;
    for (k, eight) in flags.chunks_exact(8).enumerate() {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(eight);
        // Byte i of `x` (0 or 1) lands on bit 56 + i of the product.
        let x = u64::from_le_bytes(bytes);
        out |= (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (k * 8);
    }
    out
}

/// The ordering of `x` to `c` as 0 (less), 1 (equal) or 2 (greater), without a branch.
#[inline(always)]
fn order<T: Ord>(x: T, c: T) -> u32 {
    u32::from(x > c) + u32::from(x >= c)
}

/// Where a comparison operand lies: one value for every row, or a column of the table.
#[derive(Clone, Copy)]
enum Operand<'a> {
    Fixed(&'a Value),
    Column { values: &'a [Value], stride: usize, field: usize },
}

/// A date operand of a date function: one date for every row, or a column.
#[derive(Clone, Copy)]
enum DateOperand<'a> {
    Fixed(NaiveDate),
    Value(Operand<'a>),
}

impl DateOperand<'_> {
    #[inline(always)]
    fn at(self, row: usize) -> Option<NaiveDate> {
        match self {
            DateOperand::Fixed(d) => Some(d),
            DateOperand::Value(v) => match v.at(row) {
                Some(Value::Date(d)) => Some(*d),
                _ => None,
            },
        }
    }
}

/// The number of bits set in each byte.
#[expect(clippy::indexing_slicing, reason = "`i` stays below 256, the table's length")]
const BITS_SET: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = (i as u8).count_ones() as u8;
        i += 1;
    }
    table
};

/// A date as a count of months and a day of the month, for counting whole months.
#[derive(Clone, Copy)]
struct MonthDay {
    months: i64,
    day: u32,
}

impl MonthDay {
    fn of(d: NaiveDate) -> MonthDay {
        MonthDay { months: i64::from(d.year()) * 12 + i64::from(d.month()), day: d.day() }
    }

    /// Whole months from `self` to `to`, exactly as `months_between` counts them.
    #[inline(always)]
    fn months_to(self, to: MonthDay) -> i64 {
        let mut m = to.months - self.months;
        if m > 0 && to.day < self.day {
            m -= 1;
        } else if m < 0 && to.day > self.day {
            m += 1;
        }
        m
    }
}

/// A call of a date function whose operands are located.
#[derive(Clone, Copy)]
struct DateCall<'a> {
    func: Func,
    x: DateOperand<'a>,
    y: DateOperand<'a>,
}

impl<'a> Operand<'a> {
    #[inline(always)]
    fn at(self, row: usize) -> Option<&'a Value> {
        match self {
            Operand::Fixed(v) => Some(v),
            Operand::Column { values, stride, field } => values.get(row * stride + field),
        }
    }
}

impl Engine<'_> {
    /// Where `e` lies if it is a constant, a parameter or a field of `kind`.
    fn locate<'s>(&'s self, e: &'s CExpr, kind: KindId) -> Option<Operand<'s>> {
        match e {
            CExpr::Const(v) => Some(Operand::Fixed(v)),
            CExpr::Param(p) => self.params.get(p.0 as usize).map(|(v, _)| Operand::Fixed(v)),
            CExpr::Field(f) => {
                let table = self.data.table(kind)?;
                (table.fields > f.0 as usize).then_some(Operand::Column {
                    values: &table.values,
                    stride: table.fields,
                    field: f.0 as usize,
                })
            }
            _ => None,
        }
    }

    /// `column op c` (`c op column` when `flipped`) for the live rows, with a loop for the
    /// type of `c`: enumeration positions, whole numbers and booleans are compared as
    /// integers. Other values, and a row whose value is of another type, go through the
    /// general comparison.
    #[expect(clippy::too_many_arguments, reason = "one comparison, located once")]
    fn column_vs(
        &self,
        e: &CExpr,
        op: BinOp,
        (values, stride, field): (&[Value], usize, usize),
        c: &Value,
        flipped: bool,
        kind: KindId,
        first: usize,
        live: &Bits,
    ) -> EResult<Bits> {
        let accepts = Accepts::new(op, flipped);
        let op_holds = |ord: std::cmp::Ordering| accepts.holds(ord);
        let general = |i: usize, v: Option<&Value>| match v {
            Some(v) => Ok(if flipped { test(op, c, v) } else { test(op, v, c) }),
            None => {
                self.eval_bool(e, kind, u32::try_from(first + i).unwrap_or(u32::MAX), &mut NoTrace)
            }
        };
        let at = |i: usize| values.get((first + i) * stride + field);
        match c {
            Value::Enum(c) => Bits::select(live, |i| match at(i) {
                Some(Value::Enum(v)) => Ok(op_holds(v.cmp(c))),
                v => general(i, v),
            }),
            Value::Bool(c) => Bits::select(live, |i| match at(i) {
                Some(Value::Bool(v)) => Ok(op_holds(v.cmp(c))),
                v => general(i, v),
            }),
            Value::Num(d) if d.scale() == 0 => {
                let c = d.mantissa();
                Bits::select(live, |i| match at(i) {
                    Some(Value::Num(v)) if v.scale() == 0 => Ok(op_holds(v.mantissa().cmp(&c))),
                    v => general(i, v),
                })
            }
            _ => Bits::select(live, |i| general(i, at(i))),
        }
    }

    /// The typed column of a field of `kind`, if `e` is one and its values all have one type.
    fn typed(&self, e: &CExpr, kind: KindId) -> Option<&Column> {
        let CExpr::Field(f) = e else { return None };
        self.columns?.get(self.data, kind, f.0 as usize)
    }

    /// `field op c` or `c op field` over a typed column, for the block's rows.
    fn typed_compare(
        &self,
        op: BinOp,
        a: &CExpr,
        b: &CExpr,
        kind: KindId,
        first: usize,
        live: &Bits,
    ) -> Option<Bits> {
        let (column, c, flipped) = match (self.typed(a, kind), self.locate(b, kind)) {
            (Some(col), Some(Operand::Fixed(c))) => (col, c, false),
            _ => match (self.locate(a, kind), self.typed(b, kind)) {
                (Some(Operand::Fixed(c)), Some(col)) => (col, c, true),
                _ => return None,
            },
        };
        let accepts = Accepts::new(op, flipped);
        let rows = first..first + live.len;
        Some(match (column, c) {
            (Column::Enum(v), Value::Enum(c)) => {
                dense(v.get(rows)?, live, |x| accepts.at(order(x, *c)))
            }
            (Column::Int(v), Value::Num(d)) if d.scale() == 0 => {
                let c = i64::try_from(d.mantissa()).ok()?;
                dense(v.get(rows)?, live, |x| accepts.at(order(x, c)))
            }
            (Column::Bool(v), Value::Bool(c)) => {
                dense(v.get(rows)?, live, |x| accepts.at(order(x, *c)))
            }
            _ => return None,
        })
    }

    /// One row's verdict, row at a time: short-circuiting as untraced, or evaluating every
    /// operand as traced (which can fail where short-circuiting would not have looked).
    fn one(&self, e: &CExpr, kind: KindId, row: u32, short: bool) -> EResult<bool> {
        if short {
            self.eval_bool(e, kind, row, &mut NoTrace)
        } else {
            self.eval_bool(e, kind, row, &mut Exhaustive)
        }
    }

    /// `held fact <window>` for the live rows: the window's past cycles are one mask over each
    /// row's year bits, and this cycle is read from its results (or, for an award decided
    /// elsewhere, from history), as [`Engine::held`] reads them one by one.
    fn held_bits(&self, fact: FactId, window: Window, first: usize, live: &Bits) -> Bits {
        let year = self.cycle.year;
        let (lo, hi, need) = window_cycles(window, year);
        let now = match self.now.get(fact.0 as usize) {
            Some(Some(now)) if hi == year => Some(now.as_slice()),
            _ => None,
        };
        let past_hi = if now.is_some() { hi - 1 } else { hi };
        let years = self.data.history.year_bits(fact);
        if !years.complete && lo < years.base {
            // Cycles older than the bit sets: one by one through the record.
            return Bits::select(live, |i| {
                Ok(self.held(
                    fact,
                    window,
                    u32::try_from(first + i).unwrap_or(u32::MAX),
                    &mut NoTrace,
                ))
            })
            .unwrap_or_else(|_| Bits::none(live.len));
        }
        // Cycles `lo..=past_hi` as bits from `base`; those outside `base..base + 64` were held
        // by no row.
        let mut mask = 0u64;
        for c in lo.max(years.base)..=past_hi.min(years.base.saturating_add(63)) {
            mask |= 1 << (c - years.base);
        }
        let len = live.len;
        let past = years.rows.get(first.min(years.rows.len())..).unwrap_or(&[]);
        let past = |i: usize| past.get(i).copied().unwrap_or(0) & mask;
        let this = now.map(|now| now.get(first.min(now.len())..).unwrap_or(&[]));
        // Whether row `i` holds the fact this cycle, where this cycle is read from the results.
        let now = |i: usize| this.is_none_or(|now| now.get(i).copied().unwrap_or(false));
        let counted =
            |i: usize| u32::from(this.is_some_and(|now| now.get(i).copied().unwrap_or(false)));
        let window = u32::try_from(hi - lo + 1).unwrap_or(0);
        let mut flags = [0u8; 64];
        let mut words = Words::with_capacity(live.words.len());
        for (w, &l) in live.words.iter().enumerate() {
            let rows = w * 64..(w * 64 + 64).min(len);
            if window == need && need > 0 {
                // Every cycle needed (a chain, this cycle, last cycle): all of the mask, and
                // this cycle where it is in the window. A cycle the mask cannot hold was held by
                // no row.
                let whole =
                    mask.count_ones() == past_hi.saturating_sub(lo).saturating_add(1).max(0) as u32;
                for (f, i) in flags.iter_mut().zip(rows) {
                    *f = u8::from(whole && past(i) == mask && now(i));
                }
            } else if mask.checked_shr(mask.trailing_zeros()).unwrap_or(0) < 256 {
                // A window of up to eight past cycles (`2 of last 3`): counted by table, as
                // the baseline x86-64 has no population count instruction.
                let shift = mask.trailing_zeros();
                for (f, i) in flags.iter_mut().zip(rows) {
                    let bits = past(i).checked_shr(shift).unwrap_or(0);
                    let held = BITS_SET.get(bits as usize).copied().unwrap_or(0);
                    *f = u8::from(u32::from(held) + counted(i) >= need);
                }
            } else {
                for (f, i) in flags.iter_mut().zip(rows) {
                    *f = u8::from(past(i).count_ones() + counted(i) >= need);
                }
            }
            words.push(pack(&flags) & l);
            flags = [0u8; 64];
        }
        Bits { words, len }
    }

    /// `months_between(x, y)`, `years_between` or `days_between` of constants, parameters or
    /// fields.
    fn date_call<'s>(&'s self, e: &'s CExpr, kind: KindId) -> Option<DateCall<'s>> {
        let CExpr::Call(
            func @ (Func::MonthsBetween | Func::YearsBetween | Func::DaysBetween),
            args,
            _,
        ) = e
        else {
            return None;
        };
        let [x, y] = args.as_slice() else { return None };
        let loc = |e: &'s CExpr| match e {
            CExpr::Builtin(Builtin::CycleStart) => Some(DateOperand::Fixed(self.cycle.start)),
            CExpr::Builtin(Builtin::CycleEnd) => Some(DateOperand::Fixed(self.cycle.end)),
            _ => match self.locate(e, kind)? {
                Operand::Fixed(Value::Date(d)) => Some(DateOperand::Fixed(*d)),
                Operand::Fixed(_) => None,
                column => Some(DateOperand::Value(column)),
            },
        };
        Some(DateCall { func: *func, x: loc(x)?, y: loc(y)? })
    }

    /// `call op y` (`y op call` when `flipped`) for the live rows, where `call` counts whole
    /// days, months or years between two dates, compared as an integer. A row whose operands
    /// are not dates and numbers is left to the row-at-a-time evaluator, which reports it.
    #[expect(clippy::too_many_arguments, reason = "one comparison, located once")]
    fn compare_days(
        &self,
        e: &CExpr,
        op: BinOp,
        call: DateCall<'_>,
        y: Operand<'_>,
        flipped: bool,
        kind: KindId,
        first: usize,
        live: &Bits,
    ) -> EResult<Bits> {
        // A whole-number bound is compared as an integer, the common case (`>= 6` months).
        let bound = match y {
            Operand::Fixed(Value::Num(d)) if d.fract().is_zero() => d.to_i64(),
            _ => None,
        };
        let accepts = Accepts::new(op, flipped);
        // A fixed date (`cycle_end`) is taken apart into month and day once, not per row.
        let parts = |d: DateOperand<'_>| match d {
            DateOperand::Fixed(d) => Some(MonthDay::of(d)),
            DateOperand::Value(_) => None,
        };
        let (fixed_x, fixed_y) = (parts(call.x), parts(call.y));
        Bits::select(live, |i| {
            let r = first + i;
            let count = match (call.x.at(r), call.y.at(r)) {
                (Some(a), Some(b)) => match call.func {
                    Func::MonthsBetween | Func::YearsBetween => {
                        let a = fixed_x.unwrap_or_else(|| MonthDay::of(a));
                        let b = fixed_y.unwrap_or_else(|| MonthDay::of(b));
                        let months = a.months_to(b);
                        Some(if call.func == Func::YearsBetween { months / 12 } else { months })
                    }
                    _ => Some((b - a).num_days()),
                },
                _ => None,
            };
            let ord = match (count, bound, y.at(r)) {
                (Some(n), Some(bound), _) => Some(n.cmp(&bound)),
                (Some(n), None, Some(Value::Num(d))) => Some(Decimal::from(n).cmp(d)),
                _ => None,
            };
            match ord {
                Some(ord) => Ok(accepts.holds(ord)),
                None => self.eval_bool(e, kind, u32::try_from(r).unwrap_or(u32::MAX), &mut NoTrace),
            }
        })
    }

    /// The rows of `kind` in `first..first + live.len` among `live` for which `e` holds.
    /// Rows outside `live` are left out. `short`: `and` and `or` skip their right side where
    /// the left decides, as the untraced row-at-a-time evaluator does.
    pub(super) fn bits(
        &self,
        e: &CExpr,
        kind: KindId,
        first: usize,
        live: &Bits,
        short: bool,
    ) -> EResult<Bits> {
        let row = |i: usize| u32::try_from(first + i).unwrap_or(u32::MAX);
        match e {
            CExpr::Binary(op @ (BinOp::And | BinOp::Or), ab, _) => {
                let (a, b) = &**ab;
                let mut x = self.bits(a, kind, first, live, short)?;
                let y = if short {
                    // `a and b` needs `b` where `a` held, `a or b` where it failed.
                    let mut rest = live.clone();
                    if *op == BinOp::And {
                        rest.and(&x);
                    } else {
                        rest.and_not(&x);
                    }
                    if rest.is_empty() {
                        return Ok(x);
                    }
                    self.bits(b, kind, first, &rest, short)?
                } else {
                    self.bits(b, kind, first, live, short)?
                };
                if *op == BinOp::And {
                    x.and(&y);
                } else {
                    x.or(&y);
                }
                Ok(x)
            }
            CExpr::Unary(UnOp::Not, inner) => {
                let mut x = self.bits(inner, kind, first, live, short)?;
                x.not();
                x.and(live);
                Ok(x)
            }
            CExpr::Binary(
                op @ (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge),
                ab,
                _,
            ) => {
                let (a, b) = (&ab.0, &ab.1);
                match (self.locate(a, kind), self.locate(b, kind)) {
                    _ if live.dense()
                        && let Some(bits) = self.typed_compare(*op, a, b, kind, first, live) =>
                    {
                        Ok(bits)
                    }
                    (Some(Operand::Column { values, stride, field }), Some(Operand::Fixed(c))) => {
                        self.column_vs(e, *op, (values, stride, field), c, false, kind, first, live)
                    }
                    (Some(Operand::Fixed(c)), Some(Operand::Column { values, stride, field })) => {
                        self.column_vs(e, *op, (values, stride, field), c, true, kind, first, live)
                    }
                    (Some(x), Some(y)) => Bits::select(live, |i| {
                        let r = first + i;
                        match (x.at(r), y.at(r)) {
                            (Some(x), Some(y)) => Ok(test(*op, x, y)),
                            // Out of range: the row-at-a-time evaluator reports it.
                            _ => self.eval_bool(e, kind, row(i), &mut NoTrace),
                        }
                    }),
                    _ => match self.date_call(a, kind).zip(self.locate(b, kind)) {
                        Some((call, y)) => {
                            self.compare_days(e, *op, call, y, false, kind, first, live)
                        }
                        None => match self.date_call(b, kind).zip(self.locate(a, kind)) {
                            Some((call, y)) => {
                                self.compare_days(e, *op, call, y, true, kind, first, live)
                            }
                            None => Bits::select(live, |i| self.one(e, kind, row(i), short)),
                        },
                    },
                }
            }
            CExpr::Field(_) => match self.locate(e, kind) {
                _ if live.dense()
                    && let Some(Column::Bool(v)) = self.typed(e, kind)
                    && let Some(v) = v.get(first..first + live.len) =>
                {
                    Ok(dense(v, live, |x| x))
                }
                Some(x) => Bits::select(live, |i| match x.at(first + i) {
                    Some(v) => Ok(matches!(v, Value::Bool(true))),
                    None => self.eval_bool(e, kind, row(i), &mut NoTrace),
                }),
                None => Bits::select(live, |i| self.eval_bool(e, kind, row(i), &mut NoTrace)),
            },
            CExpr::Held(fact, window) => Ok(self.held_bits(*fact, *window, first, live)),
            _ => Bits::select(live, |i| self.one(e, kind, row(i), short)),
        }
    }
}
