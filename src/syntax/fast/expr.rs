//! Expressions for the fast parser: `expr`, `primary` and its forms, and pest's Pratt
//! parser's precedence, ported so that the trees and spans are those of `lower::expr`.
//!
//! An expression is read as the grammar reads it, a flat run of prefix operators, primaries
//! and infix operators; the run is then folded by the same algorithm and precedences as the
//! `PrattParser` of `src/syntax/lower.rs`.

use std::iter::Peekable;

use crate::ast::{AggFn, BinOp, Expr, ExprKind, Ident, UnOp, Window};
use crate::diag::Span;

use super::lex::{self, Kw};
use super::{Parser, R};

/// One element of an expression's flat run.
#[derive(Debug)]
pub(super) enum Piece {
    /// `not` or `-`, with the operator's span.
    Prefix(UnOp, Span),
    /// A binary operator.
    Infix(BinOp),
    /// A primary expression.
    Atom(Expr),
}

/// Binding power of a prefix operator, as `PrattParser::new().op(…)` numbers them: 10 per
/// level, from `or` (20) to `-` (80).
fn prefix_power(op: UnOp) -> u32 {
    match op {
        UnOp::Not => 40,
        UnOp::Neg => 80,
    }
}

fn infix_power(op: BinOp) -> u32 {
    match op {
        BinOp::Or => 20,
        BinOp::And => 30,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 50,
        BinOp::Add | BinOp::Sub => 60,
        BinOp::Mul | BinOp::Div => 70,
    }
}

/// The first two bytes of every spelling in [`AGGREGATES`] (a test checks): where the text
/// starts otherwise, no aggregate can match, and none is tried.
pub(super) const AGGREGATE_HEADS: [[u8; 2]; 10] = [
    *b"sh",
    *b"co",
    [b'c', 0xC3],
    *b"al",
    *b"an",
    *b"no",
    *b"su",
    *b"kh",
    [b't', 0xE1],
    [b's', 0xE1],
];

/// The aggregate functions, in the order `agg_fn` tries them.
pub(super) const AGGREGATES: [(Kw, AggFn); 6] = [
    (lex::SHARE, AggFn::Share),
    (lex::COUNT, AggFn::Count),
    (lex::EVERY, AggFn::All),
    (lex::ANY, AggFn::Any),
    (lex::NONE, AggFn::None),
    (lex::SUM, AggFn::Sum),
];

impl Parser<'_> {
    /// Open an expression or criteria group: one more level of nesting, as `check_nesting`
    /// counts it. Deeper than [`super::NESTING`] is left to pest.
    pub(super) fn nest(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > super::NESTING { self.bail() } else { Some(()) }
    }

    /// `expr = { prefix* ~ primary ~ (infix ~ prefix* ~ primary)* }`
    pub(super) fn expr(&mut self) -> R<Expr> {
        let base = self.pieces.len();
        let result = self.expr_run(base);
        let folded = result.and_then(|()| {
            // A lone primary, the commonest expression, needs no folding.
            match self.pieces.get(base..) {
                Some([Piece::Atom(_)]) => {
                    if let Some(Piece::Atom(e)) = self.pieces.pop() {
                        return Some(e);
                    }
                }
                // Nor does one binary operator between two primaries, the next commonest.
                Some([Piece::Atom(_), Piece::Infix(_), Piece::Atom(_)]) => {
                    if let (Some(Piece::Atom(b)), Some(Piece::Infix(op)), Some(Piece::Atom(a))) =
                        (self.pieces.pop(), self.pieces.pop(), self.pieces.pop())
                    {
                        let span = a.span.join(b.span);
                        let kind = ExprKind::Binary(op, Box::new((a, b)));
                        return Some(Expr { kind, span });
                    }
                }
                _ => {}
            }
            let mut run = self.pieces.drain(base..).peekable();
            let e = fold(&mut run, 0);
            let rest = run.next().is_some();
            drop(run);
            // The grammar makes every run well formed; were one not, leave it to pest.
            match e {
                Some(e) if !rest => Some(e),
                _ => self.bail(),
            }
        });
        self.pieces.truncate(base);
        folded
    }

    /// Read an expression's run onto `self.pieces`, counting its nesting.
    fn expr_run(&mut self, base: usize) -> R<()> {
        self.nest()?;
        let mut cost = 1;
        cost += self.prefixes()?;
        let atom = self.primary()?;
        self.pieces.push(Piece::Atom(atom));
        loop {
            let saved = (self.pos, self.depth, self.pieces.len());
            match self.infix_step() {
                Some(n) => cost += n,
                None if !self.bailed.get() => {
                    (self.pos, self.depth) = (saved.0, saved.1);
                    self.pieces.truncate(saved.2.max(base));
                    break;
                }
                None => return None,
            }
        }
        self.depth -= cost;
        Some(())
    }

    /// `infix ~ prefix* ~ primary`; returns how many operators it read.
    fn infix_step(&mut self) -> R<usize> {
        let op = self.infix()?;
        self.nest()?;
        self.pieces.push(Piece::Infix(op));
        let n = 1 + self.prefixes()?;
        let atom = self.primary()?;
        self.pieces.push(Piece::Atom(atom));
        Some(n)
    }

    /// `prefix*`; returns how many it read.
    fn prefixes(&mut self) -> R<usize> {
        let mut n = 0;
        loop {
            let pos = self.pos;
            let op = match self.kw_not() {
                Some(start) => Some((UnOp::Not, start)),
                None if !self.bailed.get() => {
                    self.pos = pos;
                    match self.punct(b"-") {
                        Some(start) => Some((UnOp::Neg, start)),
                        None if !self.bailed.get() => None,
                        None => return None,
                    }
                }
                None => return None,
            };
            let Some((op, start)) = op else {
                self.pos = pos;
                return Some(n);
            };
            self.nest()?;
            n += 1;
            let span = self.span(start, self.pos);
            self.pieces.push(Piece::Prefix(op, span));
        }
    }

    /// `infix`, trying the operators in the grammar's order.
    fn infix(&mut self) -> R<BinOp> {
        self.skip();
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let (op, len) = match rest {
            [b'>', b'=', ..] => (BinOp::Ge, 2),
            [b'<', b'=', ..] => (BinOp::Le, 2),
            [b'=', b'=', ..] => (BinOp::Eq, 2),
            [b'!', b'=', ..] => (BinOp::Ne, 2),
            [b'<', ..] => (BinOp::Lt, 1),
            [b'>', ..] => (BinOp::Gt, 1),
            [b'+', ..] => (BinOp::Add, 1),
            [b'-', ..] => (BinOp::Sub, 1),
            [b'*', ..] => (BinOp::Mul, 1),
            [b'/', ..] => (BinOp::Div, 1),
            _ => {
                let pos = self.pos;
                if self.kw(lex::AND).is_some() {
                    return Some(BinOp::And);
                }
                self.pos = pos;
                self.kw(lex::OR)?;
                return Some(BinOp::Or);
            }
        };
        self.pos += len;
        Some(op)
    }

    /// `primary = _{ aggregate | call | name | literal | held | if_expr | ever_held | "(" ~ expr ~ ")" }`
    fn primary(&mut self) -> R<Expr> {
        self.skip();
        match self.bytes.get(self.pos) {
            // Only a literal starts with a digit or a quote, only a bracket with `(`.
            Some(b'0'..=b'9' | b'"') => return self.literal(),
            Some(b'(') => {
                self.pos += 1;
                let e = self.expr()?;
                self.punct(b")")?;
                return Some(e);
            }
            // `agg_fn`'s guard: every aggregate's name starts with one of these letters.
            Some(b'a' | b'c' | b'k' | b'n' | b's' | b't') => {
                let head = self.bytes.get(self.pos..self.pos + 2);
                if AGGREGATE_HEADS.iter().any(|h| Some(h.as_slice()) == head)
                    && let Some(e) = self.opt(Self::aggregate)?
                {
                    return Some(e);
                }
            }
            _ => {}
        }
        // `call` and `name` both start with `ident`: read it once.
        let pos = self.pos;
        match self.ident_range() {
            Some((start, end)) => {
                if let Some(e) = self.opt(|p| p.call_rest(start, end))? {
                    return Some(e);
                }
                self.pos = end;
                let span = self.span(start, end);
                return Some(Expr { kind: ExprKind::Name(self.slice(start, end)?), span });
            }
            None if !self.bailed.get() => self.pos = pos,
            None => return None,
        }
        if let Some(e) = self.opt(Self::literal)? {
            return Some(e);
        }
        if let Some(e) = self.opt(Self::held)? {
            return Some(e);
        }
        if let Some(e) = self.opt(Self::if_expr)? {
            return Some(e);
        }
        if let Some(e) = self.opt(Self::ever_held)? {
            return Some(e);
        }
        self.punct(b"(")?;
        let e = self.expr()?;
        self.punct(b")")?;
        Some(e)
    }

    /// `aggregate = { agg_fn ~ "(" ~ kw_members ~ ("," ~ expr)? ~ ")" }`
    fn aggregate(&mut self) -> R<Expr> {
        self.skip();
        let pos = self.pos;
        let mut found = None;
        for (kw, fun) in AGGREGATES {
            match self.kw(kw) {
                Some(start) => {
                    found = Some((start, fun));
                    break;
                }
                None if !self.bailed.get() => self.pos = pos,
                None => return None,
            }
        }
        let (start, fun) = found?;
        self.punct(b"(")?;
        self.kw(lex::MEMBERS)?;
        let arg = self
            .opt(|p| {
                p.punct(b",")?;
                p.expr()
            })?
            .map(Box::new);
        self.punct(b")")?;
        Some(Expr { kind: ExprKind::Agg(fun, arg), span: self.span(start, self.pos) })
    }

    /// The rest of `call = { ident ~ "(" ~ (expr ~ ("," ~ expr)*)? ~ ")" }` after its name.
    fn call_rest(&mut self, start: usize, end: usize) -> R<Expr> {
        self.punct(b"(")?;
        let mut args = Vec::new();
        if let Some(first) = self.opt(Self::expr)? {
            args.push(first);
            while let Some(e) = self.opt(|p| {
                p.punct(b",")?;
                p.expr()
            })? {
                args.push(e);
            }
        }
        self.punct(b")")?;
        let fun = Ident { name: self.slice(start, end)?, span: self.span(start, end) };
        Some(Expr { kind: ExprKind::Call(fun, args), span: self.span(start, self.pos) })
    }

    /// `literal = _{ date | percent | number | string | boolean }`, as an expression.
    pub(super) fn literal(&mut self) -> R<Expr> {
        self.skip();
        let start = self.pos;
        if let Some(end) = self.date_end(start) {
            self.pos = end;
            let date = self.date_value(start, end)?;
            return Some(Expr { kind: ExprKind::Date(date.value), span: date.span });
        }
        if let Some(end) = self.number_end(start) {
            if self.bytes.get(end) == Some(&b'%') {
                self.pos = end + 1;
                let n = self.percent_value(start, end)?;
                return Some(Expr { kind: ExprKind::Percent(n.value), span: n.span });
            }
            self.pos = end;
            let n = self.number_value(start, end)?;
            return Some(Expr { kind: ExprKind::Num(n.value), span: n.span });
        }
        if let Some((end, value)) = self.string_at(start) {
            self.pos = end;
            return Some(Expr { kind: ExprKind::Str(value), span: self.span(start, end) });
        }
        let value = match self.kw(lex::TRUE) {
            Some(_) => true,
            None if !self.bailed.get() => {
                self.pos = start;
                self.kw(lex::FALSE)?;
                false
            }
            None => return None,
        };
        Some(Expr { kind: ExprKind::Bool(value), span: self.span(start, self.pos) })
    }

    /// `held = { kw_held ~ ident ~ window? }`
    fn held(&mut self) -> R<Expr> {
        let start = self.kw(lex::HELD)?;
        let fact = self.ident()?;
        let window = self.opt(Self::window)?.unwrap_or(Window::Current);
        Some(Expr { kind: ExprKind::Held(fact, window), span: self.span(start, self.pos) })
    }

    /// `window = _{ win_consecutive | win_of_last | win_last }`
    fn window(&mut self) -> R<Window> {
        if let Some(w) = self.opt(Self::win_consecutive)? {
            return Some(w);
        }
        if let Some(w) = self.opt(Self::win_of_last)? {
            return Some(w);
        }
        if self
            .opt(|p| {
                p.kw(lex::LAST)?;
                p.kw(lex::CYCLE)
            })?
            .is_some()
        {
            return Some(Window::Last);
        }
        self.kw(lex::VI_LAST_CYCLE)?;
        Some(Window::Last)
    }

    /// `kw_for ~ integer ~ kw_consecutive ~ kw_cycles | vi_within ~ integer ~ vi_consecutive_cycles`
    fn win_consecutive(&mut self) -> R<Window> {
        let en = self.opt(|p| {
            p.kw(lex::FOR)?;
            let n = p.integer()?;
            p.kw(lex::CONSECUTIVE)?;
            p.kw(lex::CYCLES)?;
            Some(n)
        })?;
        let n = match en {
            Some(n) => n,
            None => {
                self.kw(lex::VI_WITHIN)?;
                let n = self.integer()?;
                self.kw(lex::VI_CONSECUTIVE_CYCLES)?;
                n
            }
        };
        Some(Window::Consecutive(self.small_int(n)?))
    }

    /// `kw_in ~ integer ~ kw_of ~ kw_last ~ integer ~ kw_cycles
    ///  | vi_times ~ vi_within ~ integer ~ vi_last_cycles`
    fn win_of_last(&mut self) -> R<Window> {
        let en = self.opt(|p| {
            p.kw(lex::IN)?;
            let k = p.integer()?;
            p.kw(lex::OF)?;
            p.kw(lex::LAST)?;
            let n = p.integer()?;
            p.kw(lex::CYCLES)?;
            Some((k, n))
        })?;
        let (k, n) = match en {
            Some(kn) => kn,
            None => {
                self.skip();
                let (k, end) = self.vi_times_at(self.pos)?;
                self.pos = end;
                self.kw(lex::VI_WITHIN)?;
                let n = self.integer()?;
                self.kw(lex::VI_LAST_CYCLES)?;
                (k, n)
            }
        };
        Some(Window::OfLast(self.small_int(k)?, self.small_int(n)?))
    }

    /// `if_expr = { kw_if ~ expr ~ kw_then ~ expr ~ kw_else ~ expr }`
    fn if_expr(&mut self) -> R<Expr> {
        let start = self.kw(lex::IF)?;
        let cond = self.expr()?;
        self.kw(lex::THEN)?;
        let a = self.expr()?;
        self.kw(lex::ELSE)?;
        let b = self.expr()?;
        let span = self.span(start, self.pos);
        Some(Expr { kind: ExprKind::If(Box::new(cond), Box::new(a), Box::new(b)), span })
    }

    /// `ever_held = { kw_ever ~ kw_held ~ ident }`
    fn ever_held(&mut self) -> R<Expr> {
        let start = self.kw(lex::EVER)?;
        self.kw(lex::HELD)?;
        let fact = self.ident()?;
        Some(Expr { kind: ExprKind::EverHeld(fact), span: self.span(start, self.pos) })
    }

    /// A count of cycles, as `lower::small_int` reads it: at most 1000, else pest reports it.
    fn small_int(&self, (start, end): (usize, usize)) -> R<u32> {
        self.text
            .get(start..end)
            .and_then(|t| t.parse::<u32>().ok())
            .filter(|n| *n <= 1000)
            .or_else(|| self.bail())
    }
}

/// Fold a run as pest's `PrattParser` does (`expr`, `nud`, `led`, `lbp`); `None` for a run
/// the grammar cannot produce.
fn fold<I: Iterator<Item = Piece>>(run: &mut Peekable<I>, rbp: u32) -> R<Expr> {
    let mut lhs = match run.next() {
        Some(Piece::Prefix(op, span)) => {
            let rhs = fold(run, prefix_power(op) - 1)?;
            let span = span.join(rhs.span);
            Expr { kind: ExprKind::Unary(op, Box::new(rhs)), span }
        }
        Some(Piece::Atom(e)) => e,
        Some(Piece::Infix(_)) | None => return None,
    };
    while let Some(Piece::Infix(op)) = run.peek() {
        let op = *op;
        if rbp >= infix_power(op) {
            break;
        }
        run.next();
        let rhs = fold(run, infix_power(op))?;
        let span = lhs.span.join(rhs.span);
        lhs = Expr { kind: ExprKind::Binary(op, Box::new((lhs, rhs))), span };
    }
    Some(lhs)
}
