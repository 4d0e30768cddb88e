//! Evaluating compiled expressions for one entity.
//!
//! All arithmetic is exact decimal with overflow checks; division by zero and overflow are
//! runtime errors located at the operator in the rule file.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use super::Engine;
use super::trace::{Cycles, Read, Tracer};
use crate::ast::{AggFn, BinOp, UnOp, Window};
use crate::diag::{Diagnostic, Span};
use crate::model::{FactId, KindId, Value};
use crate::program::{Builtin, CExpr, Func};

pub(super) type EResult<T> = Result<T, Box<Diagnostic>>;

fn type_error(span: Span, what: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error("eval::internal", span, format!("internal error: {what}")).with_help(
            "this is a bug in thidua (the checker should have caught it); please report it",
        ),
    )
}

impl Engine<'_> {
    pub(super) fn eval<T: Tracer>(
        &self,
        e: &CExpr,
        kind: KindId,
        row: u32,
        t: &mut T,
    ) -> EResult<Value> {
        match e {
            CExpr::Const(v) => Ok(v.clone()),
            CExpr::Field(f) => {
                let v = self
                    .data
                    .table(kind)
                    .and_then(|tb| tb.row(row).get(f.0 as usize))
                    .cloned()
                    .ok_or_else(|| type_error(self.program.span, "field out of range"))?;
                if T::ENABLED {
                    t.read(Read::Field { field: *f, value: v.clone() });
                }
                Ok(v)
            }
            CExpr::Param(p) => {
                let (v, idx) = self
                    .params
                    .get(p.0 as usize)
                    .ok_or_else(|| type_error(self.program.span, "parameter"))?;
                if T::ENABLED {
                    t.read(Read::Param { param: *p, value_index: *idx });
                }
                Ok(v.clone())
            }
            CExpr::Builtin(b) => {
                let v = self.builtin(*b, kind, row)?;
                if T::ENABLED
                    && !matches!(b, Builtin::CycleStart | Builtin::CycleEnd | Builtin::Cycle)
                {
                    t.read(Read::Builtin { which: *b, value: v.clone() });
                }
                Ok(v)
            }
            CExpr::Unary(op, inner) => {
                let v = self.eval(inner, kind, row, t)?;
                match (op, v) {
                    (UnOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
                    (UnOp::Neg, Value::Num(d)) => Ok(Value::Num(-d)),
                    _ => Err(type_error(self.program.span, "unary operand")),
                }
            }
            CExpr::Binary(op, ab, span) => self.binary(*op, &ab.0, &ab.1, *span, kind, row, t),
            CExpr::If(c, a, b) => match self.eval(c, kind, row, t)? {
                Value::Bool(true) => self.eval(a, kind, row, t),
                Value::Bool(false) => self.eval(b, kind, row, t),
                _ => Err(type_error(self.program.span, "if condition")),
            },
            CExpr::Held(fact, window) => Ok(Value::Bool(self.held(*fact, *window, row, t))),
            CExpr::EverHeld(fact) => {
                let now = self.held_now(*fact, row);
                let past = self.data.history.cycles(*fact, row);
                let holds = now || past.iter().any(|c| *c < self.cycle.year);
                if T::ENABLED {
                    let mut held_in: Cycles =
                        past.iter().copied().filter(|c| *c < self.cycle.year).collect();
                    if now {
                        held_in.push(self.cycle.year);
                    }
                    t.read(Read::EverHeld { fact: *fact, held_in });
                }
                Ok(Value::Bool(holds))
            }
            CExpr::Agg(fun, child, arg) => {
                self.aggregate(*fun, kind, *child, arg.as_deref(), row, t)
            }
            CExpr::Slot(i) => {
                let v = self
                    .slots
                    .get(*i as usize)
                    .cloned()
                    .ok_or_else(|| type_error(self.program.span, "slot"))?;
                if T::ENABLED {
                    t.read(Read::Slot { slot: *i, value: v.clone() });
                }
                Ok(v)
            }
            CExpr::Call(func, args, span) => {
                // Built-in functions take at most three arguments: no allocation.
                let mut vals = smallvec::SmallVec::<[Value; 3]>::new();
                for a in args {
                    vals.push(self.eval(a, kind, row, t)?);
                }
                call(*func, &vals, *span)
            }
        }
    }

    /// A condition's verdict. The same reads, in the same order, as `eval(e) == true`, but a
    /// comparison of fields, parameters and constants is made in place, without copying the
    /// values out, and `and`, `or`, `not` and `held` never build a [`Value`].
    pub(super) fn eval_bool<T: Tracer>(
        &self,
        e: &CExpr,
        kind: KindId,
        row: u32,
        t: &mut T,
    ) -> EResult<bool> {
        match e {
            CExpr::Binary(op @ (BinOp::And | BinOp::Or), ab, _) => {
                let (a, b) = &**ab;
                let x = self.eval_bool(a, kind, row, t)?;
                // Short-circuit only when untraced, so explanations show every input.
                if !T::ENABLED && (x == (*op == BinOp::Or)) {
                    return Ok(x);
                }
                let y = self.eval_bool(b, kind, row, t)?;
                Ok(if *op == BinOp::And { x && y } else { x || y })
            }
            CExpr::Binary(
                op @ (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge),
                ab,
                _,
            ) => self.compare(*op, &ab.0, &ab.1, kind, row, t),
            CExpr::Unary(UnOp::Not, inner) => Ok(!self.eval_bool(inner, kind, row, t)?),
            CExpr::Field(_) => {
                Ok(self.operand(e, kind, row, t).is_some_and(|v| *v == Value::Bool(true)))
            }
            CExpr::Held(fact, window) => Ok(self.held(*fact, *window, row, t)),
            _ => Ok(self.eval(e, kind, row, t)? == Value::Bool(true)),
        }
    }

    /// A number, as `as_num(eval(e))` gives it (0 for what is not a number), with the same
    /// reads in the same order, but without building a [`Value`] for fields, parameters,
    /// constants and arithmetic.
    pub(super) fn eval_num<T: Tracer>(
        &self,
        e: &CExpr,
        kind: KindId,
        row: u32,
        t: &mut T,
    ) -> EResult<Decimal> {
        Ok(self.num(e, kind, row, t)?.unwrap_or(Decimal::ZERO))
    }

    /// A number, or `None` for a value of another type.
    fn num<T: Tracer>(
        &self,
        e: &CExpr,
        kind: KindId,
        row: u32,
        t: &mut T,
    ) -> EResult<Option<Decimal>> {
        match e {
            CExpr::Const(_) | CExpr::Field(_) | CExpr::Param(_) => {
                if let Some(v) = self.operand(e, kind, row, t) {
                    return Ok(match v {
                        Value::Num(d) => Some(*d),
                        _ => None,
                    });
                }
            }
            CExpr::Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), ab, span) => {
                let x = self.num(&ab.0, kind, row, t)?;
                let y = self.num(&ab.1, kind, row, t)?;
                let (Some(x), Some(y)) = (x, y) else {
                    return Err(type_error(*span, "arithmetic on non-numbers"));
                };
                return arith(*op, x, y, *span).map(Some);
            }
            CExpr::Unary(UnOp::Neg, inner) => {
                return match self.num(inner, kind, row, t)? {
                    Some(d) => Ok(Some(-d)),
                    None => Err(type_error(self.program.span, "unary operand")),
                };
            }
            _ => {}
        }
        Ok(match self.eval(e, kind, row, t)? {
            Value::Num(d) => Some(d),
            _ => None,
        })
    }

    /// A comparison, reading fields, parameters and constants in place.
    fn compare<T: Tracer>(
        &self,
        op: BinOp,
        a: &CExpr,
        b: &CExpr,
        kind: KindId,
        row: u32,
        t: &mut T,
    ) -> EResult<bool> {
        Ok(match self.operand(a, kind, row, t) {
            Some(x) => match self.operand(b, kind, row, t) {
                Some(y) => test(op, x, y),
                None => test(op, x, &self.eval(b, kind, row, t)?),
            },
            None => {
                let x = self.eval(a, kind, row, t)?;
                match self.operand(b, kind, row, t) {
                    Some(y) => test(op, &x, y),
                    None => test(op, &x, &self.eval(b, kind, row, t)?),
                }
            }
        })
    }

    /// A constant, field or parameter, borrowed where it lies and recorded as `eval` records
    /// it; `None` for anything that must be computed (or that is missing, which `eval` then
    /// reports).
    #[inline]
    fn operand<'s, T: Tracer>(
        &'s self,
        e: &'s CExpr,
        kind: KindId,
        row: u32,
        t: &mut T,
    ) -> Option<&'s Value> {
        match e {
            CExpr::Const(v) => Some(v),
            CExpr::Field(f) => {
                let v = self.data.table(kind)?.row(row).get(f.0 as usize)?;
                if T::ENABLED {
                    t.read(Read::Field { field: *f, value: v.clone() });
                }
                Some(v)
            }
            CExpr::Param(p) => {
                let (v, idx) = self.params.get(p.0 as usize)?;
                if T::ENABLED {
                    t.read(Read::Param { param: *p, value_index: *idx });
                }
                Some(v)
            }
            _ => None,
        }
    }

    fn builtin(&self, b: Builtin, kind: KindId, row: u32) -> EResult<Value> {
        let missing = || type_error(self.program.span, "built-in read before it was computed");
        Ok(match b {
            Builtin::Score => Value::Num(
                self.scores
                    .get(kind.0 as usize)
                    .and_then(|s| s.total.get(row as usize))
                    .copied()
                    .ok_or_else(missing)?,
            ),
            Builtin::Grade => Value::Enum(
                self.scores
                    .get(kind.0 as usize)
                    .and_then(|s| s.grade.get(row as usize))
                    .copied()
                    .ok_or_else(missing)?,
            ),
            Builtin::Rank => Value::Num(Decimal::from(
                self.ranks
                    .get(kind.0 as usize)
                    .and_then(|r| r.get(row as usize))
                    .copied()
                    .ok_or_else(missing)?,
            )),
            Builtin::Cycle => Value::Num(Decimal::from(self.cycle.year)),
            Builtin::CycleStart => Value::Date(self.cycle.start),
            Builtin::CycleEnd => Value::Date(self.cycle.end),
        })
    }

    /// Whether the entity holds a fact in the current cycle.
    pub(super) fn held_now(&self, fact: FactId, row: u32) -> bool {
        match self.now.get(fact.0 as usize) {
            Some(Some(v)) => v.get(row as usize).copied().unwrap_or(false),
            // An external award: only history can say.
            _ => self.data.history.held_in(fact, row, self.cycle.year),
        }
    }

    fn held_at(&self, fact: FactId, row: u32, cycle: i32) -> bool {
        if cycle == self.cycle.year {
            self.held_now(fact, row)
        } else {
            self.data.history.held_in(fact, row, cycle)
        }
    }

    /// Whether the entity held `fact` over `window`, recording the cycles it held it in
    /// when traced. Untraced, it stops at the first cycle that settles the answer.
    pub(super) fn held<T: Tracer>(
        &self,
        fact: FactId,
        window: Window,
        row: u32,
        t: &mut T,
    ) -> bool {
        let (first, last, need) = window_cycles(window, self.cycle.year);
        if !T::ENABLED {
            let mut count = 0u32;
            for c in first..=last {
                if self.held_at(fact, row, c) {
                    count += 1;
                } else if need > 0
                    && matches!(window, Window::Consecutive(_) | Window::Current | Window::Last)
                {
                    // Every cycle of the window is needed. (`for 0 consecutive cycles` looks
                    // at this cycle but needs none: it holds, as it does traced.)
                    return false;
                }
            }
            return count >= need;
        }
        let held_in: Cycles = (first..=last).filter(|c| self.held_at(fact, row, *c)).collect();
        let holds = u32::try_from(held_in.len()).unwrap_or(u32::MAX) >= need;
        t.read(Read::Held { fact, window, held_in, holds });
        holds
    }

    fn aggregate<T: Tracer>(
        &self,
        fun: AggFn,
        kind: KindId,
        child: KindId,
        arg: Option<&CExpr>,
        row: u32,
        t: &mut T,
    ) -> EResult<Value> {
        let members = self.members(kind, row);
        let total = u32::try_from(members.len()).unwrap_or(u32::MAX);
        let mut none = super::trace::NoTrace;
        let mut count = 0u32;
        let mut sum = Decimal::ZERO;
        let mut failed = false;
        for &m in members {
            match (fun, arg) {
                (AggFn::Sum, Some(a)) => match self.eval(a, child, m, &mut none)? {
                    Value::Num(d) => {
                        sum = sum.checked_add(d).ok_or_else(|| overflow(self.program.span))?;
                    }
                    _ => return Err(type_error(self.program.span, "sum of a non-number")),
                },
                (_, Some(a)) => {
                    if self.eval_bool(a, child, m, &mut none)? {
                        count += 1;
                        // Untraced runs stop as soon as the answer is known.
                        if !T::ENABLED && matches!(fun, AggFn::Any | AggFn::None) {
                            break;
                        }
                    } else {
                        failed = true;
                        if !T::ENABLED && fun == AggFn::All {
                            break;
                        }
                    }
                }
                (_, None) => count += 1,
            }
        }
        let value = match fun {
            AggFn::Share if total == 0 => Value::Num(Decimal::ZERO),
            AggFn::Share => Value::Num(Decimal::from(count) / Decimal::from(total)),
            AggFn::Count => Value::Num(Decimal::from(count)),
            AggFn::All => Value::Bool(!failed),
            AggFn::Any => Value::Bool(count > 0),
            AggFn::None => Value::Bool(count == 0),
            AggFn::Sum => Value::Num(sum),
        };
        let matched = if fun == AggFn::Sum { sum } else { Decimal::from(count) };
        if T::ENABLED {
            t.read(Read::Agg { fun, kind: child, matched, total, value: value.clone() });
        }
        Ok(value)
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the evaluation context is passed flat for speed"
    )]
    fn binary<T: Tracer>(
        &self,
        op: BinOp,
        a: &CExpr,
        b: &CExpr,
        span: Span,
        kind: KindId,
        row: u32,
        t: &mut T,
    ) -> EResult<Value> {
        // `and`/`or` short-circuit only when untraced, so explanations show every input.
        if matches!(op, BinOp::And | BinOp::Or) {
            let x = self.eval_bool(a, kind, row, t)?;
            if !T::ENABLED && (x == (op == BinOp::Or)) {
                return Ok(Value::Bool(x));
            }
            let y = self.eval_bool(b, kind, row, t)?;
            return Ok(Value::Bool(if op == BinOp::And { x && y } else { x || y }));
        }
        if matches!(op, BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge) {
            return Ok(Value::Bool(self.compare(op, a, b, kind, row, t)?));
        }
        let x = self.eval(a, kind, row, t)?;
        let y = self.eval(b, kind, row, t)?;
        Ok(match op {
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                Value::Bool(false)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let (Value::Num(x), Value::Num(y)) = (x, y) else {
                    return Err(type_error(span, "arithmetic on non-numbers"));
                };
                Value::Num(arith(op, x, y, span)?)
            }
            BinOp::And | BinOp::Or => Value::Bool(false),
        })
    }
}

/// The first and last cycle of a window ending in `year`, and in how many of them the fact
/// must have been held.
pub(super) fn window_cycles(window: Window, year: i32) -> (i32, i32, u32) {
    match window {
        Window::Current => (year, year, 1),
        Window::Last => (year - 1, year - 1, 1),
        Window::Consecutive(n) => (year - n.saturating_sub(1).min(1000) as i32, year, n),
        Window::OfLast(k, n) => (year - n.saturating_sub(1).min(1000) as i32, year, k),
    }
}

/// `x op y` for the six comparisons: one ordering, then the operator's answer. Enumeration
/// positions and numbers, the common cases, are compared without going through [`Value`]'s
/// derived order.
#[inline(always)]
pub(super) fn test(op: BinOp, x: &Value, y: &Value) -> bool {
    let ord = match (x, y) {
        (Value::Enum(a), Value::Enum(b)) => a.cmp(b),
        (Value::Num(a), Value::Num(b)) => a.cmp(b),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        _ => x.cmp(y),
    };
    holds(op, ord)
}

/// Whether `op` holds of two values whose order is `ord`.
#[inline(always)]
pub(super) fn holds(op: BinOp, ord: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering;
    match op {
        BinOp::Eq => ord == Ordering::Equal,
        BinOp::Ne => ord != Ordering::Equal,
        BinOp::Lt => ord == Ordering::Less,
        BinOp::Le => ord != Ordering::Greater,
        BinOp::Gt => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    }
}

/// `x op y` for the four arithmetic operators, exact, with overflow and division by zero
/// reported at the operator.
fn arith(op: BinOp, x: Decimal, y: Decimal, span: Span) -> EResult<Decimal> {
    let r = match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        _ => {
            if y.is_zero() {
                return Err(Box::new(
                    Diagnostic::error("eval::division_by_zero", span, "division by zero")
                        .with_label("the divisor is 0 for this entity")
                        .with_help("guard the formula, e.g. `if target > 0 then actual / target else 0`, or use `ratio`"),
                ));
            }
            x.checked_div(y)
        }
    };
    r.ok_or_else(|| overflow(span))
}

pub(super) fn overflow(span: Span) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error("eval::overflow", span, "the result is too large to represent exactly")
            .with_help("numbers are exact decimals with 28 significant digits; check the inputs for a typo"),
    )
}

fn call(func: Func, args: &[Value], span: Span) -> EResult<Value> {
    let num = |i: usize| match args.get(i) {
        Some(Value::Num(d)) => Ok(*d),
        _ => Err(type_error(span, "numeric argument")),
    };
    let date = |i: usize| match args.get(i) {
        Some(Value::Date(d)) => Ok(*d),
        _ => Err(type_error(span, "date argument")),
    };
    Ok(Value::Num(match func {
        Func::MonthsBetween => Decimal::from(months_between(date(0)?, date(1)?)),
        Func::YearsBetween => Decimal::from(months_between(date(0)?, date(1)?) / 12),
        Func::DaysBetween => Decimal::from((date(1)? - date(0)?).num_days()),
        Func::Min => num(0)?.min(num(1)?),
        Func::Max => num(0)?.max(num(1)?),
        Func::Abs => num(0)?.abs(),
        Func::Round => {
            let places = num(1)?.trunc();
            let places = u32::try_from(places.mantissa().clamp(0, 28)).unwrap_or(0);
            num(0)?.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
        }
    }))
}

/// Whole months from `a` to `b` (negative when `b` is earlier): 2025-01-15 → 2025-07-14 is 5.
pub(crate) fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
    let mut m = i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month());
    if m > 0 && b.day() < a.day() {
        m -= 1;
    } else if m < 0 && b.day() > a.day() {
        m += 1;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::months_between;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_count_whole_months_only() {
        assert_eq!(months_between(d(2025, 1, 15), d(2025, 7, 14)), 5);
        assert_eq!(months_between(d(2025, 1, 15), d(2025, 7, 15)), 6);
        assert_eq!(months_between(d(2025, 6, 1), d(2025, 12, 31)), 6);
        assert_eq!(months_between(d(2025, 7, 15), d(2025, 1, 15)), -6);
    }
}
