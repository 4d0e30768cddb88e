//! Type checking and compiling expressions in the scope of one entity kind.
//!
//! A name resolves, in order, to a field of the entity kind, a parameter, a built-in
//! (`score`, `grade`, `rank`, `cycle`, `cycle_start`, `cycle_end`), or, where the other
//! side of a comparison is an enumeration, to one of its variants. Errors are collected;
//! an expression that failed to check has the "poison" type `None`, which silences
//! follow-on errors.

use rust_decimal::Decimal;

use super::{Checker, Dep};
use crate::ast::{AggFn, BinOp, Expr, ExprKind, UnOp, Window};
use crate::diag::Diagnostic;
use crate::model::{FactKind, KindId, Type, Value};
use crate::program::{Builtin, CExpr, Func};

/// Result of checking an expression: its compiled form and type (`None` after an error).
pub(super) type Typed = (CExpr, Option<Type>);

const BUILTINS: [&str; 6] = ["score", "grade", "rank", "cycle", "cycle_start", "cycle_end"];
const FUNCS: [&str; 7] =
    ["months_between", "years_between", "days_between", "min", "max", "abs", "round"];

fn poison() -> Typed {
    (CExpr::Const(Value::Bool(false)), None)
}

pub(super) fn type_name(cx: &Checker<'_>, ty: Type) -> String {
    match ty {
        Type::Integer => "integer".into(),
        Type::Decimal => "decimal".into(),
        Type::Percent => "percent".into(),
        Type::Money => "money".into(),
        Type::Bool => "bool".into(),
        Type::Date => "date".into(),
        Type::Text => "text".into(),
        Type::Enum(e) => {
            cx.schema.enum_def(e).map_or_else(|| "enum".into(), |d| format!("`{}`", d.name))
        }
    }
}

/// A type name with its indefinite article: "an integer", "a date", "a `xep_loai`".
pub(super) fn article(name: &str) -> String {
    let an = name.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {name}", if an { "an" } else { "a" })
}

/// Result type of arithmetic on two numeric types.
fn arith_type(op: BinOp, a: Type, b: Type) -> Type {
    use Type::*;
    match (op, a, b) {
        (_, Money, _) | (_, _, Money) => Money,
        (BinOp::Add | BinOp::Sub | BinOp::Mul, Integer, Integer) => Integer,
        (BinOp::Add | BinOp::Sub, Percent, Percent) => Percent,
        _ => Decimal,
    }
}

impl Checker<'_> {
    /// Check an expression that must be a condition.
    pub(super) fn check_bool(
        &mut self,
        e: &Expr,
        kind: KindId,
        deps: &mut Vec<Dep>,
        what: &str,
    ) -> CExpr {
        let (c, ty) = self.check_expr(e, kind, None, deps);
        if let Some(ty) = ty
            && ty != Type::Bool
        {
            let tn = type_name(self, ty);
            let a_tn = article(&tn);
            self.diags.push(
                Diagnostic::error(
                    "check::type_mismatch",
                    e.span,
                    format!("{what} must be true or false, found {a_tn}"),
                )
                .with_label(format!("this is {a_tn}"))
                .with_help("compare it with something, e.g. `… >= 1` or `… == HTXS`"),
            );
        }
        c
    }

    /// Check an expression that must be a number.
    pub(super) fn check_num(
        &mut self,
        e: &Expr,
        kind: KindId,
        deps: &mut Vec<Dep>,
        what: &str,
    ) -> CExpr {
        let (c, ty) = self.check_expr(e, kind, None, deps);
        if let Some(ty) = ty
            && !ty.is_numeric()
        {
            let tn = type_name(self, ty);
            let a_tn = article(&tn);
            self.diags.push(
                Diagnostic::error(
                    "check::type_mismatch",
                    e.span,
                    format!("{what} must be a number, found {a_tn}"),
                )
                .with_label(format!("this is {a_tn}")),
            );
        }
        c
    }

    /// Check an expression; `expected` lets bare enumeration variants resolve.
    pub(super) fn check_expr(
        &mut self,
        e: &Expr,
        kind: KindId,
        expected: Option<Type>,
        deps: &mut Vec<Dep>,
    ) -> Typed {
        match &e.kind {
            ExprKind::Num(d) => {
                let ty = if d.fract().is_zero() { Type::Integer } else { Type::Decimal };
                (CExpr::Const(Value::Num(*d)), Some(ty))
            }
            ExprKind::Percent(d) => (CExpr::Const(Value::Num(*d)), Some(Type::Percent)),
            ExprKind::Str(s) => (CExpr::Const(Value::Text(s.as_ref().into())), Some(Type::Text)),
            ExprKind::Bool(b) => (CExpr::Const(Value::Bool(*b)), Some(Type::Bool)),
            ExprKind::Date(d) => (CExpr::Const(Value::Date(*d)), Some(Type::Date)),
            ExprKind::Name(n) => self.check_name(n, e, kind, expected, deps),
            ExprKind::Unary(op, inner) => self.check_unary(*op, inner, e, kind, deps),
            ExprKind::Binary(op, ab) => self.check_binary(*op, &ab.0, &ab.1, e, kind, deps),
            ExprKind::If(c, a, b) => {
                let c = self.check_bool(c, kind, deps, "the condition of `if`");
                let (a_c, a_t) = self.check_expr(a, kind, expected, deps);
                let (b_c, b_t) = self.check_expr(b, kind, expected.or(a_t), deps);
                let ty = match (a_t, b_t) {
                    (Some(x), Some(y)) if x == y => Some(x),
                    (Some(x), Some(y)) if x.is_numeric() && y.is_numeric() => {
                        Some(arith_type(BinOp::Add, x, y))
                    }
                    (Some(x), Some(y)) => {
                        let (xn, yn) = (type_name(self, x), type_name(self, y));
                        let (a_xn, a_yn) = (article(&xn), article(&yn));
                        self.diags.push(
                            Diagnostic::error(
                                "check::type_mismatch",
                                b.span,
                                format!("the branches of `if` differ: {xn} and {yn}"),
                            )
                            .with_related(a.span, format!("this is {a_xn}"))
                            .with_label(format!("this is {a_yn}")),
                        );
                        None
                    }
                    _ => None,
                };
                (CExpr::If(Box::new(c), Box::new(a_c), Box::new(b_c)), ty)
            }
            ExprKind::Held(fact, window) => {
                let Some(id) = self.check_fact_ref(fact, kind) else { return poison() };
                if let Window::Consecutive(0) | Window::OfLast(0, _) | Window::OfLast(_, 0) = window
                {
                    self.diags.push(
                        Diagnostic::warning(
                            "check::never_holds",
                            e.span,
                            "a window of zero cycles",
                        )
                        .with_help("count at least one cycle"),
                    );
                }
                if let Window::OfLast(k, n) = window
                    && k > n
                {
                    self.diags.push(
                        Diagnostic::warning(
                            "check::never_holds",
                            e.span,
                            format!("`{k} of last {n} cycles` can never hold"),
                        )
                        .with_label("more cycles asked than looked at")
                        .with_help(format!("did you mean `in {n} of last {k} cycles`?")),
                    );
                }
                if *window != Window::Last {
                    deps.push(Dep::Fact(id, e.span));
                }
                (CExpr::Held(id, *window), Some(Type::Bool))
            }
            ExprKind::EverHeld(fact) => {
                let Some(id) = self.check_fact_ref(fact, kind) else { return poison() };
                deps.push(Dep::Fact(id, e.span));
                (CExpr::EverHeld(id), Some(Type::Bool))
            }
            ExprKind::Agg(fun, arg) => self.check_agg(*fun, arg.as_deref(), e, kind, deps),
            ExprKind::Call(f, args) => self.check_call(&f.name, f.span, args, e, kind, deps),
        }
    }

    fn check_name(
        &mut self,
        n: &str,
        e: &Expr,
        kind: KindId,
        expected: Option<Type>,
        deps: &mut Vec<Dep>,
    ) -> Typed {
        if let Some(kd) = self.schema.kind_def(kind)
            && let Some(fid) = kd.field(n)
        {
            let ty = kd.fields.get(fid.0 as usize).map(|f| f.ty);
            return (CExpr::Field(fid), ty);
        }
        if let Some(&pid) = self.param_ids.get(n) {
            let ty = self.params.get(pid.0 as usize).map(|p| p.ty);
            return (CExpr::Param(pid), ty);
        }
        if let Some(i) = self.slots.iter().position(|(s, _)| s == n) {
            let ty = self.slots.get(i).map(|(_, t)| *t);
            return (CExpr::Slot(u32::try_from(i).unwrap_or(u32::MAX)), ty);
        }
        match n {
            "score" | "grade" => {
                let Some(&s) = self.scoring_of.get(&kind) else {
                    let kn = self.kind_name(kind);
                    self.diags.push(
                        Diagnostic::error(
                            "check::no_scoring",
                            e.span,
                            format!("`{kn}` has no scoring table, so no `{n}`"),
                        )
                        .with_help(format!("declare `scoring … for {kn} max … {{ … }}`")),
                    );
                    return poison();
                };
                deps.push(Dep::Score(s, e.span));
                if n == "score" {
                    return (CExpr::Builtin(Builtin::Score), Some(Type::Decimal));
                }
                let Some(eid) = self.grade_enum.get(&s).copied() else {
                    self.diags.push(
                        Diagnostic::error(
                            "check::no_grades",
                            e.span,
                            "this scoring table declares no grade bands",
                        )
                        .with_help("add `grade name \"label\" from N` lines to the scoring table"),
                    );
                    return poison();
                };
                return (CExpr::Builtin(Builtin::Grade), Some(Type::Enum(eid)));
            }
            "rank" => {
                let ranked =
                    self.scoring_of.get(&kind).copied().filter(|s| self.ranked.contains(s));
                let Some(s) = ranked else {
                    let kn = self.kind_name(kind);
                    self.diags.push(
                        Diagnostic::error(
                            "check::no_rank",
                            e.span,
                            format!("`{kn}` is not ranked, so no `rank`"),
                        )
                        .with_help("add `rank within <group> by score desc` to its scoring table"),
                    );
                    return poison();
                };
                deps.push(Dep::Rank(s, e.span));
                return (CExpr::Builtin(Builtin::Rank), Some(Type::Integer));
            }
            "cycle" => return (CExpr::Builtin(Builtin::Cycle), Some(Type::Integer)),
            "cycle_start" => return (CExpr::Builtin(Builtin::CycleStart), Some(Type::Date)),
            "cycle_end" => return (CExpr::Builtin(Builtin::CycleEnd), Some(Type::Date)),
            _ => {}
        }
        if let Some(Type::Enum(eid)) = expected
            && let Some(def) = self.schema.enum_def(eid)
        {
            if let Some(pos) = def.variant(n) {
                return (CExpr::Const(Value::Enum(pos)), Some(Type::Enum(eid)));
            }
            let variants: Vec<&str> = def.variants.iter().map(|(v, _)| v.as_str()).collect();
            let mut d = Diagnostic::error(
                "check::unknown_variant",
                e.span,
                format!("`{n}` is not a variant of `{}`", def.name),
            )
            .with_label("unknown variant");
            d = d.with_help(match super::fuzzy::closest(n, variants.iter().copied()) {
                Some(s) => {
                    format!("did you mean `{s}`? the variants are {}", quote_list(&variants))
                }
                None => format!("the variants are {}", quote_list(&variants)),
            });
            self.diags.push(d);
            return poison();
        }
        // Unknown: suggest among everything visible here.
        let mut candidates: Vec<String> = Vec::new();
        if let Some(kd) = self.schema.kind_def(kind) {
            candidates.extend(kd.fields.iter().map(|f| f.name.clone()));
        }
        candidates.extend(self.param_ids.keys().cloned());
        candidates.extend(BUILTINS.iter().map(|s| (*s).to_string()));
        candidates.extend(self.slots.iter().map(|(s, _)| s.clone()));
        let kn = self.kind_name(kind);
        let mut d = Diagnostic::error("check::unknown_name", e.span, format!("unknown name `{n}`"))
            .with_label(format!("not a field of `{kn}`, a parameter or a built-in"));
        let variant_home =
            self.schema.enums.iter().find(|en| en.variant(n).is_some()).map(|en| en.name.clone());
        if let Some(s) = super::fuzzy::closest(n, candidates.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean `{s}`?"));
        } else if let Some(en) = variant_home {
            d = d.with_help(format!(
                "`{n}` is a variant of `{en}`; compare it with a field of that type, e.g. `field == {n}`"
            ));
        } else if self.fact(n).is_some() {
            d = d.with_help(format!("`{n}` is an award or mark; write `held {n}`"));
        }
        self.diags.push(d);
        poison()
    }

    fn check_unary(
        &mut self,
        op: UnOp,
        inner: &Expr,
        e: &Expr,
        kind: KindId,
        deps: &mut Vec<Dep>,
    ) -> Typed {
        let (c, ty) = self.check_expr(inner, kind, None, deps);
        let want_bool = op == UnOp::Not;
        match ty {
            Some(Type::Bool) if want_bool => (CExpr::Unary(op, Box::new(c)), Some(Type::Bool)),
            Some(t) if !want_bool && t.is_numeric() => (CExpr::Unary(op, Box::new(c)), Some(t)),
            Some(t) => {
                let tn = type_name(self, t);
                let a_tn = article(&tn);
                let msg = if want_bool {
                    format!("`not` needs true or false, found {a_tn}")
                } else {
                    format!("`-` needs a number, found {a_tn}")
                };
                self.diags.push(
                    Diagnostic::error("check::type_mismatch", e.span, msg)
                        .with_label(format!("this is {a_tn}")),
                );
                poison()
            }
            None => poison(),
        }
    }

    /// A name that is not a field, parameter or built-in: maybe an enumeration variant.
    fn is_free_name(&self, e: &Expr, kind: KindId) -> bool {
        let ExprKind::Name(n) = &e.kind else { return false };
        let is_field = self.schema.kind_def(kind).is_some_and(|k| k.field(n).is_some());
        !is_field
            && !self.param_ids.contains_key(n.as_str())
            && !BUILTINS.contains(&n.as_str())
            && !self.slots.iter().any(|(s, _)| s == n)
    }

    /// Whether a bare name is a variant of some enumeration (grades included).
    fn is_some_variant(&self, e: &Expr) -> bool {
        let ExprKind::Name(n) = &e.kind else { return false };
        self.schema.enums.iter().any(|en| en.variant(n).is_some())
    }

    fn check_binary(
        &mut self,
        op: BinOp,
        a: &Expr,
        b: &Expr,
        e: &Expr,
        kind: KindId,
        deps: &mut Vec<Dep>,
    ) -> Typed {
        // A bare name is resolved against the other side's type (`xep_loai >= HTT`), so the
        // other side is checked first; of two bare names, the one that is no variant.
        let swap = self.is_free_name(a, kind)
            && (!self.is_free_name(b, kind)
                || (self.is_some_variant(a) && !self.is_some_variant(b)));
        let (first, second) = if swap { (b, a) } else { (a, b) };
        let r1 = self.check_expr(first, kind, None, deps);
        // After an error on one side of a comparison, a bare name on the other (a variant or
        // grade) cannot be resolved; reporting it too would only repeat the first error.
        let comparison =
            matches!(op, BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge);
        let r2 = if comparison && r1.1.is_none() && self.is_free_name(second, kind) {
            poison()
        } else {
            self.check_expr(second, kind, r1.1, deps)
        };
        let ((ac, at), (bc, bt)) = if swap { (r2, r1) } else { (r1, r2) };
        let node = CExpr::Binary(op, Box::new((ac, bc)), e.span);
        let (Some(at), Some(bt)) = (at, bt) else { return (node, None) };
        let mismatch = |cx: &mut Checker<'_>, need: &str| {
            let (an, bn) = (type_name(cx, at), type_name(cx, bt));
            let (a_an, a_bn) = (article(&an), article(&bn));
            cx.diags.push(
                Diagnostic::error(
                    "check::type_mismatch",
                    e.span,
                    format!("`{}` cannot combine {a_an} and {a_bn}", op.symbol()),
                )
                .with_label(format!("{an} {} {bn}", op.symbol()))
                .with_help(need.to_string()),
            );
        };
        match op {
            BinOp::And | BinOp::Or => {
                if at != Type::Bool || bt != Type::Bool {
                    mismatch(self, "both sides of `and`/`or` must be true or false");
                    return (node, None);
                }
                (node, Some(Type::Bool))
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                if !at.is_numeric() || !bt.is_numeric() {
                    mismatch(
                        self,
                        "arithmetic works on numbers; for dates use `months_between(a, b)`",
                    );
                    return (node, None);
                }
                (node, Some(arith_type(op, at, bt)))
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ordering = !matches!(op, BinOp::Eq | BinOp::Ne);
                let comparable = (at.is_numeric() && bt.is_numeric()) || at == bt;
                if !comparable {
                    mismatch(self, "compare values of the same type");
                    return (node, None);
                }
                if ordering && matches!(at, Type::Bool | Type::Text) {
                    mismatch(self, "only numbers, dates and ordered enumerations can be ordered");
                    return (node, None);
                }
                if ordering
                    && let Type::Enum(eid) = at
                    && self.schema.enum_def(eid).is_some_and(|d| !d.ordered)
                {
                    let en = self.schema.enum_def(eid).map(|d| d.name.clone()).unwrap_or_default();
                    self.diags.push(
                        Diagnostic::error(
                            "check::unordered_enum",
                            e.span,
                            format!("`{en}` is not ordered, so `{}` has no meaning", op.symbol()),
                        )
                        .with_help(format!(
                            "declare its variants with `<` between them: `enum {en} {{ A < B }}`"
                        )),
                    );
                    return (node, None);
                }
                self.warn_impossible_comparison(op, &node, at, e);
                (node, Some(Type::Bool))
            }
        }
    }

    /// Cheaply seen comparisons that can never hold.
    fn warn_impossible_comparison(&mut self, op: BinOp, node: &CExpr, at: Type, e: &Expr) {
        let CExpr::Binary(_, operands, _) = node else { return };
        let never = match (&operands.0, &operands.1) {
            (_, CExpr::Const(Value::Enum(v))) => {
                let last = match at {
                    Type::Enum(eid) => {
                        self.schema.enum_def(eid).map_or(0, |d| d.variants.len().saturating_sub(1))
                    }
                    _ => 0,
                };
                let last = u32::try_from(last).unwrap_or(0);
                (op == BinOp::Gt && *v >= last) || (op == BinOp::Lt && *v == 0)
            }
            (CExpr::Agg(AggFn::Share, _, _), CExpr::Const(Value::Num(d))) => {
                (op == BinOp::Gt && *d >= Decimal::ONE)
                    || (op == BinOp::Ge && *d > Decimal::ONE)
                    || (op == BinOp::Lt && *d <= Decimal::ZERO)
            }
            (CExpr::Builtin(Builtin::Rank), CExpr::Const(Value::Num(d))) => {
                (op == BinOp::Lt && *d <= Decimal::ONE)
                    || (matches!(op, BinOp::Eq | BinOp::Le) && *d < Decimal::ONE)
            }
            (CExpr::Const(x), CExpr::Const(y)) => !compare_consts(op, x, y),
            _ => false,
        };
        if never {
            self.diags.push(
                Diagnostic::warning("check::never_holds", e.span, "this comparison can never hold")
                    .with_label("never true")
                    .with_help("check the operator and the value; a requirement that never holds grants nothing"),
            );
        }
    }

    fn check_fact_ref(
        &mut self,
        fact: &crate::ast::Ident,
        kind: KindId,
    ) -> Option<crate::model::FactId> {
        let Some(id) = self.fact(&fact.name) else {
            let names: Vec<&str> = self.schema.facts.iter().map(|f| f.name.as_str()).collect();
            let mut d = Diagnostic::error(
                "check::unknown_award",
                fact.span,
                format!("unknown award or mark `{}`", fact.name),
            )
            .with_label("not declared");
            d = d.with_help(match super::fuzzy::closest(&fact.name, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => String::from("declare it with `title`, `commendation`, `mark` or `extern`"),
            });
            self.diags.push(d);
            return None;
        };
        let def = self.schema.facts.get(id.0 as usize)?;
        if def.entity != kind {
            let (fk, k) = (self.kind_name(def.entity), self.kind_name(kind));
            let what = match def.kind {
                FactKind::Mark => "a mark",
                _ => "an award",
            };
            let help = if self.members.get(kind.0 as usize).copied().flatten() == Some(def.entity) {
                format!("to ask about members, write e.g. `any(members, held {})`", fact.name)
            } else {
                format!("only a `{fk}` can hold it")
            };
            self.diags.push(
                Diagnostic::error(
                    "check::wrong_kind",
                    fact.span,
                    format!("`{}` is {what} for `{fk}`, not for `{k}`", fact.name),
                )
                .with_help(help),
            );
            return None;
        }
        Some(id)
    }

    fn check_agg(
        &mut self,
        fun: AggFn,
        arg: Option<&Expr>,
        e: &Expr,
        kind: KindId,
        deps: &mut Vec<Dep>,
    ) -> Typed {
        let Some(child) = self.members.get(kind.0 as usize).copied().flatten() else {
            let kn = self.kind_name(kind);
            let children: Vec<String> =
                self.schema.children(kind).map(|k| self.kind_name(k)).collect();
            let help = if children.is_empty() {
                format!("declare a kind `in {kn}` to give `{kn}` members")
            } else {
                format!(
                    "`{kn}` has several member kinds ({}); `members` must be one",
                    children.join(", ")
                )
            };
            self.diags.push(
                Diagnostic::error(
                    "check::no_members",
                    e.span,
                    format!("`{kn}` has no members to aggregate"),
                )
                .with_help(help),
            );
            return poison();
        };
        let what = format!("the argument of `{}`", fun.name());
        let (arg_c, ty) = match (fun, arg) {
            (AggFn::Count, None) => (None, Type::Integer),
            (AggFn::Sum, Some(a)) => {
                let (c, t) = self.check_expr(a, child, None, deps);
                if let Some(t) = t
                    && !t.is_numeric()
                {
                    let tn = type_name(self, t);
                    let a_tn = article(&tn);
                    self.diags.push(Diagnostic::error(
                        "check::type_mismatch",
                        a.span,
                        format!("{what} must be a number, found {a_tn}"),
                    ));
                }
                let t = match t {
                    Some(Type::Money) => Type::Money,
                    Some(Type::Integer) => Type::Integer,
                    _ => Type::Decimal,
                };
                (Some(Box::new(c)), t)
            }
            (AggFn::Sum, None) | (AggFn::Share | AggFn::All | AggFn::Any | AggFn::None, None) => {
                let example = if fun == AggFn::Sum { "a number" } else { "a condition" };
                self.diags.push(
                    Diagnostic::error(
                        "check::missing_argument",
                        e.span,
                        format!("`{}` needs {example}", fun.name()),
                    )
                    .with_help(format!("write `{}(members, …)`", fun.name())),
                );
                return poison();
            }
            (_, Some(a)) => {
                let c = self.check_bool(a, child, deps, &what);
                let t = match fun {
                    AggFn::Share => Type::Percent,
                    AggFn::Count => Type::Integer,
                    _ => Type::Bool,
                };
                (Some(Box::new(c)), t)
            }
        };
        (CExpr::Agg(fun, child, arg_c), Some(ty))
    }

    fn check_call(
        &mut self,
        name: &str,
        name_span: crate::diag::Span,
        args: &[Expr],
        e: &Expr,
        kind: KindId,
        deps: &mut Vec<Dep>,
    ) -> Typed {
        let func = match name {
            "months_between" => Func::MonthsBetween,
            "years_between" => Func::YearsBetween,
            "days_between" => Func::DaysBetween,
            "min" => Func::Min,
            "max" => Func::Max,
            "abs" => Func::Abs,
            "round" => Func::Round,
            _ => {
                let mut d = Diagnostic::error(
                    "check::unknown_function",
                    name_span,
                    format!("unknown function `{name}`"),
                )
                .with_label("not a built-in function");
                d = d.with_help(match super::fuzzy::closest(name, FUNCS.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the functions are {}", quote_list(&FUNCS)),
                });
                self.diags.push(d);
                return poison();
            }
        };
        let (params, ret): (&[Type], Option<Type>) = match func {
            Func::MonthsBetween | Func::YearsBetween | Func::DaysBetween => {
                (&[Type::Date, Type::Date], Some(Type::Integer))
            }
            Func::Min | Func::Max => (&[Type::Decimal, Type::Decimal], None),
            Func::Abs => (&[Type::Decimal], None),
            Func::Round => (&[Type::Decimal, Type::Integer], None),
        };
        if args.len() != params.len() {
            self.diags.push(
                Diagnostic::error(
                    "check::arity",
                    e.span,
                    format!(
                        "`{name}` takes {} argument{}, found {}",
                        params.len(),
                        if params.len() == 1 { "" } else { "s" },
                        args.len()
                    ),
                )
                .with_help(match func {
                    Func::MonthsBetween | Func::YearsBetween | Func::DaysBetween => {
                        format!("write `{name}(from_date, to_date)`")
                    }
                    Func::Min | Func::Max => format!("write `{name}(a, b)`"),
                    Func::Abs => String::from("write `abs(x)`"),
                    Func::Round => String::from("write `round(x, decimals)`"),
                }),
            );
            return poison();
        }
        let mut compiled = Vec::with_capacity(args.len());
        let mut first_ty = None;
        for (arg, want) in args.iter().zip(params) {
            let (c, t) = self.check_expr(arg, kind, None, deps);
            if let Some(t) = t {
                let ok = if *want == Type::Date { t == Type::Date } else { t.is_numeric() };
                if !ok {
                    let (tn, wn) =
                        (type_name(self, t), if *want == Type::Date { "date" } else { "number" });
                    let a_tn = article(&tn);
                    self.diags.push(
                        Diagnostic::error(
                            "check::type_mismatch",
                            arg.span,
                            format!("`{name}` needs a {wn} here, found {a_tn}"),
                        )
                        .with_label(format!("this is {a_tn}")),
                    );
                }
                first_ty.get_or_insert(t);
            }
            compiled.push(c);
        }
        let ty = ret.or(first_ty
            .filter(|t| t.is_numeric())
            .map(|t| if func == Func::Round { Type::Decimal } else { t }));
        (CExpr::Call(func, compiled, e.span), ty)
    }
}

fn compare_consts(op: BinOp, x: &Value, y: &Value) -> bool {
    match op {
        BinOp::Eq => x == y,
        BinOp::Ne => x != y,
        BinOp::Lt => x < y,
        BinOp::Le => x <= y,
        BinOp::Gt => x > y,
        BinOp::Ge => x >= y,
        _ => true,
    }
}

pub(super) fn quote_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    quoted.join(", ")
}
