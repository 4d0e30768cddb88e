//! Canonical text of syntax-tree nodes, for deciding whether two rules say the same thing.
//!
//! The text ignores layout, comments, redundant parentheses and the keyword language the
//! file was written in: two nodes have equal canonical text exactly when they parse to the
//! same tree (spans aside). It is never shown to users; what they see is the source as
//! written.

use rust_decimal::Decimal;

use crate::ast::{self, ExprKind, UnOp, Window};

/// A number as a value: `90`, `90.0` and `090` are the same; `80%` is not `0.8`.
pub(super) fn num(n: &ast::Num) -> String {
    if n.percent {
        format!("{}%", (n.value * Decimal::ONE_HUNDRED).normalize())
    } else {
        n.value.normalize().to_string()
    }
}

/// An expression, fully parenthesised.
pub(super) fn expr(e: &ast::Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, e);
    out
}

fn write_expr(out: &mut String, e: &ast::Expr) {
    match &e.kind {
        ExprKind::Num(d) => out.push_str(&d.normalize().to_string()),
        ExprKind::Percent(d) => {
            out.push_str(&format!("{}%", (*d * Decimal::ONE_HUNDRED).normalize()));
        }
        ExprKind::Str(s) => out.push_str(&format!("{s:?}")),
        ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ExprKind::Date(d) => out.push_str(&d.to_string()),
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::Unary(op, inner) => {
            out.push_str(match op {
                UnOp::Not => "not(",
                UnOp::Neg => "-(",
            });
            write_expr(out, inner);
            out.push(')');
        }
        ExprKind::Binary(op, operands) => {
            let (a, b) = &**operands;
            out.push('(');
            write_expr(out, a);
            out.push(' ');
            out.push_str(op.symbol());
            out.push(' ');
            write_expr(out, b);
            out.push(')');
        }
        ExprKind::If(c, a, b) => {
            out.push_str("if(");
            write_expr(out, c);
            out.push_str(", ");
            write_expr(out, a);
            out.push_str(", ");
            write_expr(out, b);
            out.push(')');
        }
        ExprKind::Held(fact, window) => {
            out.push_str("held ");
            out.push_str(&fact.name);
            out.push_str(&window_text(*window));
        }
        ExprKind::EverHeld(fact) => {
            out.push_str("ever held ");
            out.push_str(&fact.name);
        }
        ExprKind::Agg(fun, arg) => {
            out.push_str(fun.name());
            out.push_str("(members");
            if let Some(arg) = arg {
                out.push_str(", ");
                write_expr(out, arg);
            }
            out.push(')');
        }
        ExprKind::Call(fun, args) => {
            out.push_str(&fun.name);
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(out, a);
            }
            out.push(')');
        }
    }
}

pub(super) fn window_text(w: Window) -> String {
    match w {
        Window::Current => String::new(),
        Window::Consecutive(n) => format!(" for {n} consecutive cycles"),
        Window::OfLast(k, n) => format!(" in {k} of last {n} cycles"),
        Window::Last => String::from(" last cycle"),
    }
}

/// Ordering keys, in order (order matters: later keys only break ties of earlier ones).
pub(super) fn keys(keys: &[ast::SortKey]) -> String {
    keys.iter()
        .map(|k| format!("{} {}", expr(&k.expr), if k.desc { "desc" } else { "asc" }))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A `rank within … by …` statement.
pub(super) fn rank(r: &ast::RankDecl) -> String {
    format!("within {} by {}", r.within.name, keys(&r.keys))
}

/// A `quota …` statement.
pub(super) fn quota(q: &ast::Quota) -> String {
    format!(
        "{} of {} per {} by {} round {}",
        num(&q.amount),
        q.of.as_ref().map_or("headcount", |i| i.name.as_str()),
        q.per.as_ref().map_or("-", |i| i.name.as_str()),
        keys(&q.by),
        if q.round_up { "up" } else { "down" }
    )
}

/// A `vote …` statement.
pub(super) fn vote(v: &ast::Vote) -> String {
    format!(
        "{} {} of {} {}",
        v.body.name,
        num(&v.threshold),
        if v.of_all { "all" } else { "present" },
        if v.secret { "secret" } else { "open" }
    )
}

/// A cycle declaration.
pub(super) fn cycle(c: &ast::CycleDecl) -> String {
    match &c.range {
        Some((a, b)) => format!("{} from {} to {}", c.year, a.value, b.value),
        None => c.year.to_string(),
    }
}

/// An `effective` declaration.
pub(super) fn effective(e: &ast::Effective) -> String {
    match &e.to {
        Some(to) => format!("from {} to {}", e.from.value, to.value),
        None => format!("from {}", e.from.value),
    }
}
