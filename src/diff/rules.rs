//! Rule-level changes between two syntax trees.
//!
//! Declarations are matched by name within their category; inside a declaration, parts are
//! matched by name (criteria, bands, fields, variants, votes by body, parameter values by
//! their first day) and requirements and disqualifiers by label, else by position, else by
//! identical condition. Whether two parts differ is decided on their canonical text
//! ([`super::canon`]); what is shown is the source as written.

use std::collections::BTreeSet;

use crate::ast::{self, AwardCategory, CriterionKind, Item};
use crate::diag::{SourceMap, Span};
use crate::eval::param_at;
use crate::report::show_value;

use super::pairing::{match_conditions, pair, reordered};
use super::source::{balanced, head, norm};
use super::{ChangeKind, RuleChange, Side, Written, canon};

/// Collects changes in report order: header, parameters, enumerations, entities, scoring
/// tables, marks, externs, awards; within each, NEW's order, then what only OLD has.
pub(super) struct Rules<'a> {
    sources: &'a SourceMap,
    /// Both sides, evaluated, when known: parameters then also report the value each reads
    /// on its cycle's last day.
    sides: Option<(Side<'a>, Side<'a>)>,
    out: Vec<RuleChange>,
}

/// Where a change is: declaration, name, part, and the label to show.
#[derive(Clone)]
struct At {
    declaration: &'static str,
    name: String,
    part: Option<String>,
    label: Option<String>,
}

impl At {
    fn item(declaration: &'static str, name: &str, label: Option<&ast::Str>) -> At {
        At {
            declaration,
            name: name.to_string(),
            part: None,
            label: label.map(|l| l.value.to_string()),
        }
    }

    fn part(&self, part: String, label: Option<&ast::Str>) -> At {
        At { part: Some(part), label: label.map(|l| l.value.to_string()), ..self.clone() }
    }
}

fn category(c: AwardCategory) -> &'static str {
    match c {
        AwardCategory::Title => "title",
        AwardCategory::Commendation => "commendation",
    }
}

/// The top-level items of one category, in file order.
fn items<'x, T>(file: &'x ast::File, pick: impl Fn(&'x Item) -> Option<&'x T>) -> Vec<&'x T> {
    file.items.iter().filter_map(pick).collect()
}

impl<'a> Rules<'a> {
    pub(super) fn new(sources: &'a SourceMap) -> Rules<'a> {
        Rules { sources, sides: None, out: Vec::new() }
    }

    pub(super) fn with_sides(mut self, old: Side<'a>, new: Side<'a>) -> Rules<'a> {
        self.sides = Some((old, new));
        self
    }

    pub(super) fn finish(self) -> Vec<RuleChange> {
        self.out
    }

    fn written(&self, span: Span) -> Written {
        Written {
            text: norm(self.sources.slice(span)),
            at: self.sources.location(span).to_string(),
        }
    }

    fn written_head(&self, span: Span) -> Written {
        Written {
            text: norm(head(self.sources.slice(span))),
            at: self.sources.location(span).to_string(),
        }
    }

    fn written_expr(&self, e: &ast::Expr) -> Written {
        self.written(balanced(self.sources, e.span))
    }

    fn written_as(&self, text: impl Into<String>, span: Span) -> Written {
        Written { text: text.into(), at: self.sources.location(span).to_string() }
    }

    fn push(
        &mut self,
        at: &At,
        change: ChangeKind,
        property: Option<&str>,
        old: Option<Written>,
        new: Option<Written>,
    ) {
        self.out.push(RuleChange {
            change,
            declaration: at.declaration,
            name: at.name.clone(),
            part: at.part.clone(),
            property: property.map(str::to_string),
            label: at.label.clone(),
            old,
            new,
        });
    }

    fn added(&mut self, at: &At, new: Written) {
        self.push(at, ChangeKind::Added, None, None, Some(new));
    }

    fn removed(&mut self, at: &At, old: Written) {
        self.push(at, ChangeKind::Removed, None, Some(old), None);
    }

    fn changed(&mut self, at: &At, property: &str, old: Option<Written>, new: Option<Written>) {
        self.push(at, ChangeKind::Changed, Some(property), old, new);
    }

    /// A string property (label, basis, authority).
    fn string(&mut self, at: &At, property: &str, old: Option<&ast::Str>, new: Option<&ast::Str>) {
        if old.map(|s| &s.value) != new.map(|s| &s.value) {
            let old = old.map(|s| self.written(s.span));
            let new = new.map(|s| self.written(s.span));
            self.changed(at, property, old, new);
        }
    }

    /// A name property (type, parent kind, the kind an award is for).
    fn ident(
        &mut self,
        at: &At,
        property: &str,
        old: Option<&ast::Ident>,
        new: Option<&ast::Ident>,
    ) {
        if old.map(|s| &s.name) != new.map(|s| &s.name) {
            let old = old.map(|s| self.written(s.span));
            let new = new.map(|s| self.written(s.span));
            self.changed(at, property, old, new);
        }
    }

    /// A number property (max, weight, cap, threshold).
    fn num(&mut self, at: &At, property: &str, old: Option<&ast::Num>, new: Option<&ast::Num>) {
        if old.map(canon::num) != new.map(canon::num) {
            let old = old.map(|n| self.written(n.span));
            let new = new.map(|n| self.written(n.span));
            self.changed(at, property, old, new);
        }
    }

    /// An expression property (a condition, formula, reward, default value).
    fn expr(&mut self, at: &At, property: &str, old: Option<&ast::Expr>, new: Option<&ast::Expr>) {
        if old.map(canon::expr) != new.map(canon::expr) {
            let old = old.map(|e| self.written_expr(e));
            let new = new.map(|e| self.written_expr(e));
            self.changed(at, property, old, new);
        }
    }

    /// Compare two whole files.
    pub(super) fn files(&mut self, old: &ast::File, new: &ast::File) {
        self.header(&old.header, &new.header);
        let params = |f| items(f, |i| if let Item::Param(p) = i { Some(p) } else { None });
        for (o, n) in pair(&params(old), &params(new), |p| p.name.name.to_string()) {
            self.param(o, n);
        }
        let enums = |f| items(f, |i| if let Item::Enum(e) = i { Some(e) } else { None });
        for (o, n) in pair(&enums(old), &enums(new), |e| e.name.name.to_string()) {
            self.enumeration(o, n);
        }
        let entities = |f| items(f, |i| if let Item::Entity(e) = i { Some(e) } else { None });
        for (o, n) in pair(&entities(old), &entities(new), |e| e.name.name.to_string()) {
            self.entity(o, n);
        }
        let scorings = |f| items(f, |i| if let Item::Scoring(s) = i { Some(s) } else { None });
        for (o, n) in pair(&scorings(old), &scorings(new), |s| s.name.name.to_string()) {
            self.scoring(o, n);
        }
        let marks = |f| items(f, |i| if let Item::Mark(m) = i { Some(m) } else { None });
        for (o, n) in pair(&marks(old), &marks(new), |m| m.name.name.to_string()) {
            self.mark(o, n);
        }
        let externs = |f| items(f, |i| if let Item::Extern(e) = i { Some(e) } else { None });
        for (o, n) in pair(&externs(old), &externs(new), |e| e.name.name.to_string()) {
            self.external(o, n);
        }
        let awards = |f| items(f, |i| if let Item::Award(a) = i { Some(a) } else { None });
        for (o, n) in pair(&awards(old), &awards(new), |a| a.name.name.to_string()) {
            self.award(o, n);
        }
    }

    fn header(&mut self, old: &ast::Header, new: &ast::Header) {
        let at = At::item("ruleset", &new.name.name, Some(&new.label));
        self.ident(&at, "name", Some(&old.name), Some(&new.name));
        self.string(&at, "label", Some(&old.label), Some(&new.label));
        let (oc, nc) = (old.cycle.first(), new.cycle.first());
        if oc.map(canon::cycle) != nc.map(canon::cycle) {
            let (o, n) = (oc.map(|c| self.written(c.span)), nc.map(|c| self.written(c.span)));
            self.changed(&at, "cycle", o, n);
        }
        let (oe, ne) = (old.effective.first(), new.effective.first());
        if oe.map(canon::effective) != ne.map(canon::effective) {
            let (o, n) = (oe.map(|c| self.written(c.span)), ne.map(|c| self.written(c.span)));
            self.changed(&at, "effective", o, n);
        }
        self.string(&at, "basis", old.basis.first(), new.basis.first());
    }

    fn param(&mut self, old: Option<&ast::ParamDecl>, new: Option<&ast::ParamDecl>) {
        let (o, n) = match (old, new) {
            (Some(o), Some(n)) => (o, n),
            (Some(o), None) => {
                let at = At::item("param", &o.name.name, o.label.as_ref());
                return self.removed(&at, self.written_head(o.span));
            }
            (None, Some(n)) => {
                let at = At::item("param", &n.name.name, n.label.as_ref());
                return self.added(&at, self.written_head(n.span));
            }
            (None, None) => return,
        };
        let at = At::item("param", &n.name.name, n.label.as_ref());
        self.string(&at, "label", o.label.as_ref(), n.label.as_ref());
        self.ident(&at, "type", Some(&o.ty), Some(&n.ty));
        let ov: Vec<&ast::ParamValue> = o.values.iter().collect();
        let nv: Vec<&ast::ParamValue> = n.values.iter().collect();
        for (a, b) in pair(&ov, &nv, |v| v.from.value.to_string()) {
            let from = b.or(a).map(|v| v.from.value.to_string()).unwrap_or_default();
            let part = at.part(format!("value from {from}"), n.label.as_ref());
            match (a, b) {
                (Some(a), Some(b)) => {
                    self.expr(&part, "value", Some(&a.value), Some(&b.value));
                    if a.to.map(|d| d.value) != b.to.map(|d| d.value) {
                        let (x, y) = (
                            a.to.map(|d| self.written(d.span)),
                            b.to.map(|d| self.written(d.span)),
                        );
                        self.changed(&part, "to", x, y);
                    }
                    self.string(&part, "basis", a.basis.as_ref(), b.basis.as_ref());
                }
                (Some(a), None) => self.removed(&part, self.written(a.span)),
                (None, Some(b)) => self.added(&part, self.written(b.span)),
                (None, None) => {}
            }
        }
        self.param_in_force(&n.name.name);
    }

    /// The value each side reads on its cycle's last day, when they differ in a way the
    /// dated values above do not already show (a new dated value taking effect, say).
    fn param_in_force(&mut self, name: &str) {
        let Some((old, new)) = self.sides else { return };
        let find = |s: &Side<'a>| s.program.params.iter().find(|p| p.name == name);
        let (Some(op), Some(np)) = (find(&old), find(&new)) else { return };
        let ov = param_at(op, old.evaluation.cycle.end).map(|(_, v)| v);
        let nv = param_at(np, new.evaluation.cycle.end).map(|(_, v)| v);
        // Same value, or a change to the very entry in force, already reported.
        if ov.map(|v| &v.value) == nv.map(|v| &v.value)
            || ov.zip(nv).is_some_and(|(a, b)| a.from == b.from)
        {
            return;
        }
        let at = At {
            declaration: "param",
            name: np.name.clone(),
            part: Some(format!("value in force on {}", new.evaluation.cycle.end)),
            label: np.label.clone(),
        };
        let old_w =
            ov.map(|v| self.written_as(show_value(old.program, Some(op.ty), &v.value), v.span));
        let new_w =
            nv.map(|v| self.written_as(show_value(new.program, Some(np.ty), &v.value), v.span));
        self.changed(&at, "value", old_w, new_w);
    }

    fn enumeration(&mut self, old: Option<&ast::EnumDecl>, new: Option<&ast::EnumDecl>) {
        let (o, n) = match (old, new) {
            (Some(o), Some(n)) => (o, n),
            (Some(o), None) => {
                let at = At::item("enum", &o.name.name, o.label.as_ref());
                return self.removed(&at, self.written_head(o.span));
            }
            (None, Some(n)) => {
                let at = At::item("enum", &n.name.name, n.label.as_ref());
                return self.added(&at, self.written_head(n.span));
            }
            (None, None) => return,
        };
        let at = At::item("enum", &n.name.name, n.label.as_ref());
        self.string(&at, "label", o.label.as_ref(), n.label.as_ref());
        if o.ordered != n.ordered {
            let word = |ordered: bool| if ordered { "ordered (<)" } else { "unordered (,)" };
            let (x, y) = (
                self.written_as(word(o.ordered), o.span),
                self.written_as(word(n.ordered), n.span),
            );
            self.changed(&at, "ordered", Some(x), Some(y));
        }
        let ov: Vec<&ast::Variant> = o.variants.iter().collect();
        let nv: Vec<&ast::Variant> = n.variants.iter().collect();
        for (a, b) in pair(&ov, &nv, |v| v.name.name.to_string()) {
            let v = b.or(a).map(|v| v.name.name.clone()).unwrap_or_default();
            let part = at.part(format!("variant {v}"), b.or(a).and_then(|v| v.label.as_ref()));
            match (a, b) {
                (Some(a), Some(b)) => {
                    self.string(&part, "label", a.label.as_ref(), b.label.as_ref());
                }
                (Some(a), None) => self.removed(&part, self.written(a.name.span)),
                (None, Some(b)) => self.added(&part, self.written(b.name.span)),
                (None, None) => {}
            }
        }
        let names = |e: &ast::EnumDecl| -> Vec<String> {
            e.variants.iter().map(|v| v.name.name.to_string()).collect()
        };
        if o.ordered && n.ordered && reordered(&names(o), &names(n)) {
            let x = self.written_as(names(o).join(" < "), o.span);
            let y = self.written_as(names(n).join(" < "), n.span);
            self.push(
                &at.part(String::from("variants"), None),
                ChangeKind::Reordered,
                None,
                Some(x),
                Some(y),
            );
        }
    }

    fn entity(&mut self, old: Option<&ast::EntityDecl>, new: Option<&ast::EntityDecl>) {
        let (o, n) = match (old, new) {
            (Some(o), Some(n)) => (o, n),
            (Some(o), None) => {
                let at = At::item("entity", &o.name.name, o.label.as_ref());
                return self.removed(&at, self.written_head(o.span));
            }
            (None, Some(n)) => {
                let at = At::item("entity", &n.name.name, n.label.as_ref());
                return self.added(&at, self.written_head(n.span));
            }
            (None, None) => return,
        };
        let at = At::item("entity", &n.name.name, n.label.as_ref());
        self.string(&at, "label", o.label.as_ref(), n.label.as_ref());
        self.ident(&at, "in", o.parent.as_ref(), n.parent.as_ref());
        let of: Vec<&ast::FieldDecl> = o.fields.iter().collect();
        let nf: Vec<&ast::FieldDecl> = n.fields.iter().collect();
        for (a, b) in pair(&of, &nf, |f| f.name.name.to_string()) {
            let name = b.or(a).map(|f| f.name.name.clone()).unwrap_or_default();
            let part = at.part(format!("field {name}"), b.or(a).and_then(|f| f.label.as_ref()));
            match (a, b) {
                (Some(a), Some(b)) => {
                    self.ident(&part, "type", Some(&a.ty), Some(&b.ty));
                    self.string(&part, "label", a.label.as_ref(), b.label.as_ref());
                    self.expr(&part, "default", a.default.as_ref(), b.default.as_ref());
                }
                (Some(a), None) => self.removed(&part, self.written(a.span)),
                (None, Some(b)) => self.added(&part, self.written(b.span)),
                (None, None) => {}
            }
        }
    }

    fn scoring(&mut self, old: Option<&ast::ScoringDecl>, new: Option<&ast::ScoringDecl>) {
        let (o, n) = match (old, new) {
            (Some(o), Some(n)) => (o, n),
            (Some(o), None) => {
                let at = At::item("scoring", &o.name.name, o.label.as_ref());
                return self.removed(&at, self.written_head(o.span));
            }
            (None, Some(n)) => {
                let at = At::item("scoring", &n.name.name, n.label.as_ref());
                return self.added(&at, self.written_head(n.span));
            }
            (None, None) => return,
        };
        let at = At::item("scoring", &n.name.name, n.label.as_ref());
        self.string(&at, "label", o.label.as_ref(), n.label.as_ref());
        self.ident(&at, "for", Some(&o.kind), Some(&n.kind));
        self.num(&at, "max", Some(&o.max), Some(&n.max));
        self.string(&at, "basis", o.basis.as_ref(), n.basis.as_ref());
        self.criteria(&at, o, n);
        self.adjusts(&at, o, n);
        self.bands(&at, o, n);
        let (or, nr) = (o.ranks.first(), n.ranks.first());
        if or.map(canon::rank) != nr.map(canon::rank) {
            let part = at.part(String::from("rank"), None);
            match (or, nr) {
                (Some(a), Some(b)) => {
                    let (x, y) = (self.written(a.span), self.written(b.span));
                    self.push(&part, ChangeKind::Changed, None, Some(x), Some(y));
                }
                (Some(a), None) => self.removed(&part, self.written(a.span)),
                (None, Some(b)) => self.added(&part, self.written(b.span)),
                (None, None) => {}
            }
        }
    }

    fn criteria(&mut self, at: &At, o: &ast::ScoringDecl, n: &ast::ScoringDecl) {
        fn flatten<'x>(
            list: &'x [ast::Criterion],
            parent: Option<&'x str>,
            out: &mut Vec<(&'x ast::Criterion, Option<&'x str>)>,
        ) {
            for c in list {
                out.push((c, parent));
                if let CriterionKind::Group(children) = &c.kind {
                    flatten(children, Some(&c.name.name), out);
                }
            }
        }
        let (mut of, mut nf) = (Vec::new(), Vec::new());
        flatten(&o.criteria, None, &mut of);
        flatten(&n.criteria, None, &mut nf);
        let old_names: BTreeSet<&str> = of.iter().map(|(c, _)| c.name.name.as_str()).collect();
        let new_names: BTreeSet<&str> = nf.iter().map(|(c, _)| c.name.name.as_str()).collect();
        let ol: Vec<&(&ast::Criterion, Option<&str>)> = of.iter().collect();
        let nl: Vec<&(&ast::Criterion, Option<&str>)> = nf.iter().collect();
        for (a, b) in pair(&ol, &nl, |(c, _)| c.name.name.to_string()) {
            let Some(&(c, _)) = b.or(a) else { continue };
            let part = at.part(format!("criterion {}", c.name.name), c.label.as_ref());
            match (a, b) {
                (Some(&(a, ap)), Some(&(b, bp))) => self.criterion(&part, (a, ap), (b, bp)),
                (Some(&(a, ap)), None) => {
                    // A criterion inside a removed group goes with the group.
                    if ap.is_none_or(|p| new_names.contains(p)) {
                        self.removed(&part, self.written_head(a.span));
                    }
                }
                (None, Some(&(b, bp))) => {
                    if bp.is_none_or(|p| old_names.contains(p)) {
                        self.added(&part, self.written_head(b.span));
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn criterion(
        &mut self,
        part: &At,
        (a, ap): (&ast::Criterion, Option<&str>),
        (b, bp): (&ast::Criterion, Option<&str>),
    ) {
        if ap != bp {
            let place = |p: Option<&str>| {
                p.map_or_else(|| String::from("top level"), |g| format!("in group {g}"))
            };
            let (x, y) = (self.written_as(place(ap), a.span), self.written_as(place(bp), b.span));
            self.push(part, ChangeKind::Moved, None, Some(x), Some(y));
        }
        self.string(part, "label", a.label.as_ref(), b.label.as_ref());
        self.num(part, "max", Some(&a.max), Some(&b.max));
        let weight = |w: Option<&ast::Num>| w.map_or_else(|| String::from("1"), canon::num);
        if weight(a.weight.as_ref()) != weight(b.weight.as_ref()) {
            let w = |c: &ast::Criterion| match &c.weight {
                Some(n) => self.written(n.span),
                None => self.written_as("1 (default)", c.span),
            };
            let (x, y) = (w(a), w(b));
            self.changed(part, "weight", Some(x), Some(y));
        }
        self.string(part, "basis", a.basis.as_ref(), b.basis.as_ref());
        match (&a.kind, &b.kind) {
            (CriterionKind::Group(_), CriterionKind::Group(_)) => {}
            (
                CriterionKind::Ratio { actual: x1, target: y1 },
                CriterionKind::Ratio { actual: x2, target: y2 },
            ) => {
                self.expr(part, "actual", Some(x1), Some(x2));
                self.expr(part, "target", Some(y1), Some(y2));
            }
            (CriterionKind::Pass(x), CriterionKind::Pass(y)) => {
                self.expr(part, "when", Some(x), Some(y));
            }
            (
                CriterionKind::Each { points: p1, per: q1 },
                CriterionKind::Each { points: p2, per: q2 },
            ) => {
                self.expr(part, "points", Some(p1), Some(p2));
                self.expr(part, "per", Some(q1), Some(q2));
            }
            (CriterionKind::Formula(x), CriterionKind::Formula(y)) => {
                self.expr(part, "formula", Some(x), Some(y));
            }
            _ => {
                let (x, y) = (self.written_head(a.span), self.written_head(b.span));
                self.changed(part, "rule", Some(x), Some(y));
            }
        }
    }

    fn adjusts(&mut self, at: &At, o: &ast::ScoringDecl, n: &ast::ScoringDecl) {
        let ol: Vec<&ast::Adjust> = o.adjusts.iter().collect();
        let nl: Vec<&ast::Adjust> = n.adjusts.iter().collect();
        let word = |a: &ast::Adjust| if a.bonus { "bonus" } else { "penalty" };
        for (a, b) in pair(&ol, &nl, |a| a.name.name.to_string()) {
            let Some(c) = b.or(a) else { continue };
            let part = at.part(format!("{} {}", word(c), c.name.name), c.label.as_ref());
            match (a, b) {
                (Some(a), Some(b)) => {
                    if a.bonus != b.bonus {
                        let (x, y) =
                            (self.written_as(word(a), a.span), self.written_as(word(b), b.span));
                        self.changed(&part, "bonus or penalty", Some(x), Some(y));
                    }
                    self.string(&part, "label", a.label.as_ref(), b.label.as_ref());
                    self.expr(&part, "points", Some(&a.points), Some(&b.points));
                    match (&a.base, &b.base) {
                        (ast::AdjustBase::When(x), ast::AdjustBase::When(y)) => {
                            self.expr(&part, "when", Some(x), Some(y));
                        }
                        (ast::AdjustBase::Per(x), ast::AdjustBase::Per(y)) => {
                            self.expr(&part, "per", Some(x), Some(y));
                        }
                        (x, y) => {
                            fn base(b: &ast::AdjustBase) -> (&'static str, &ast::Expr) {
                                match b {
                                    ast::AdjustBase::When(e) => ("when", e),
                                    ast::AdjustBase::Per(e) => ("per", e),
                                }
                            }
                            let ((kx, ex), (ky, ey)) = (base(x), base(y));
                            let wx = self.written_expr(ex);
                            let wy = self.written_expr(ey);
                            let x = Written { text: format!("{kx} {}", wx.text), at: wx.at };
                            let y = Written { text: format!("{ky} {}", wy.text), at: wy.at };
                            self.changed(&part, "counted", Some(x), Some(y));
                        }
                    }
                    self.num(&part, "cap", a.cap.as_ref(), b.cap.as_ref());
                    self.string(&part, "basis", a.basis.as_ref(), b.basis.as_ref());
                }
                (Some(a), None) => self.removed(&part, self.written(a.span)),
                (None, Some(b)) => self.added(&part, self.written(b.span)),
                (None, None) => {}
            }
        }
    }

    fn bands(&mut self, at: &At, o: &ast::ScoringDecl, n: &ast::ScoringDecl) {
        let ol: Vec<&ast::Band> = o.bands.iter().collect();
        let nl: Vec<&ast::Band> = n.bands.iter().collect();
        for (a, b) in pair(&ol, &nl, |b| b.name.name.to_string()) {
            let Some(c) = b.or(a) else { continue };
            let part = at.part(format!("grade {}", c.name.name), c.label.as_ref());
            match (a, b) {
                (Some(a), Some(b)) => {
                    self.string(&part, "label", a.label.as_ref(), b.label.as_ref());
                    if a.from.as_ref().map(canon::num) != b.from.as_ref().map(canon::num) {
                        let w = |band: &ast::Band| match &band.from {
                            Some(f) => self.written(f.span),
                            None => self.written_as("otherwise", band.span),
                        };
                        let (x, y) = (w(a), w(b));
                        self.changed(&part, "from", Some(x), Some(y));
                    }
                }
                (Some(a), None) => self.removed(&part, self.written(a.span)),
                (None, Some(b)) => self.added(&part, self.written(b.span)),
                (None, None) => {}
            }
        }
        let names = |s: &ast::ScoringDecl| -> Vec<String> {
            s.bands.iter().map(|b| b.name.name.to_string()).collect()
        };
        if reordered(&names(o), &names(n)) {
            let span = |s: &ast::ScoringDecl| s.bands.first().map_or(s.span, |b| b.span);
            let x = self.written_as(names(o).join(" > "), span(o));
            let y = self.written_as(names(n).join(" > "), span(n));
            self.push(
                &at.part(String::from("grades"), None),
                ChangeKind::Reordered,
                None,
                Some(x),
                Some(y),
            );
        }
    }

    fn mark(&mut self, old: Option<&ast::MarkDecl>, new: Option<&ast::MarkDecl>) {
        let (o, n) = match (old, new) {
            (Some(o), Some(n)) => (o, n),
            (Some(o), None) => {
                let at = At::item("mark", &o.name.name, o.label.as_ref());
                return self.removed(&at, self.written(o.span));
            }
            (None, Some(n)) => {
                let at = At::item("mark", &n.name.name, n.label.as_ref());
                return self.added(&at, self.written(n.span));
            }
            (None, None) => return,
        };
        let at = At::item("mark", &n.name.name, n.label.as_ref());
        self.string(&at, "label", o.label.as_ref(), n.label.as_ref());
        self.ident(&at, "for", Some(&o.kind), Some(&n.kind));
        self.string(&at, "basis", o.basis.as_ref(), n.basis.as_ref());
        self.expr(&at, "when", Some(&o.when), Some(&n.when));
    }

    fn external(&mut self, old: Option<&ast::ExternDecl>, new: Option<&ast::ExternDecl>) {
        let (o, n) = match (old, new) {
            (Some(o), Some(n)) => (o, n),
            (Some(o), None) => {
                let at = At::item("extern", &o.name.name, o.label.as_ref());
                return self.removed(&at, self.written(o.span));
            }
            (None, Some(n)) => {
                let at = At::item("extern", &n.name.name, n.label.as_ref());
                return self.added(&at, self.written(n.span));
            }
            (None, None) => return,
        };
        let at = At::item("extern", &n.name.name, n.label.as_ref());
        self.string(&at, "label", o.label.as_ref(), n.label.as_ref());
        self.ident(&at, "for", Some(&o.kind), Some(&n.kind));
        self.string(&at, "basis", o.basis.as_ref(), n.basis.as_ref());
    }

    fn award(&mut self, old: Option<&ast::AwardDecl>, new: Option<&ast::AwardDecl>) {
        let (o, n) = match (old, new) {
            (Some(o), Some(n)) => (o, n),
            (Some(o), None) => {
                let at = At::item(category(o.category), &o.name.name, o.label.as_ref());
                return self.removed(&at, self.written_head(o.span));
            }
            (None, Some(n)) => {
                let at = At::item(category(n.category), &n.name.name, n.label.as_ref());
                return self.added(&at, self.written_head(n.span));
            }
            (None, None) => return,
        };
        let at = At::item(category(n.category), &n.name.name, n.label.as_ref());
        if o.category != n.category {
            let x = self.written_as(category(o.category), o.span);
            let y = self.written_as(category(n.category), n.span);
            self.changed(&at, "category", Some(x), Some(y));
        }
        self.string(&at, "label", o.label.as_ref(), n.label.as_ref());
        self.ident(&at, "for", Some(&o.kind), Some(&n.kind));
        self.string(&at, "basis", o.basis.first(), n.basis.first());
        self.string(&at, "authority", o.authority.first(), n.authority.first());
        self.conditions(&at, "requirement", &o.requires, &n.requires);
        self.conditions(&at, "disqualifier", &o.disqualifiers, &n.disqualifiers);
        let (oq, nq) = (o.quotas.first(), n.quotas.first());
        if oq.map(canon::quota) != nq.map(canon::quota) {
            let part = at.part(String::from("quota"), None);
            match (oq, nq) {
                (Some(a), Some(b)) => {
                    let (x, y) = (self.written(a.span), self.written(b.span));
                    self.push(&part, ChangeKind::Changed, None, Some(x), Some(y));
                }
                (Some(a), None) => self.removed(&part, self.written(a.span)),
                (None, Some(b)) => self.added(&part, self.written(b.span)),
                (None, None) => {}
            }
        }
        self.votes(&at, o, n);
        let (or, nr) = (o.rewards.first(), n.rewards.first());
        if or.map(canon::expr) != nr.map(canon::expr) {
            let part = at.part(String::from("reward"), None);
            match (or, nr) {
                (Some(a), Some(b)) => {
                    let (x, y) = (self.written_expr(a), self.written_expr(b));
                    self.push(&part, ChangeKind::Changed, None, Some(x), Some(y));
                }
                (Some(a), None) => self.removed(&part, self.written_expr(a)),
                (None, Some(b)) => self.added(&part, self.written_expr(b)),
                (None, None) => {}
            }
        }
    }

    fn votes(&mut self, at: &At, o: &ast::AwardDecl, n: &ast::AwardDecl) {
        let ol: Vec<&ast::Vote> = o.votes.iter().collect();
        let nl: Vec<&ast::Vote> = n.votes.iter().collect();
        for (a, b) in pair(&ol, &nl, |v| v.body.name.to_string()) {
            let Some(v) = b.or(a) else { continue };
            let part = at.part(format!("vote {}", v.body.name), None);
            match (a, b) {
                (Some(a), Some(b)) if canon::vote(a) != canon::vote(b) => {
                    let (x, y) = (self.written(a.span), self.written(b.span));
                    self.push(&part, ChangeKind::Changed, None, Some(x), Some(y));
                }
                (Some(_), Some(_)) | (None, None) => {}
                (Some(a), None) => self.removed(&part, self.written(a.span)),
                (None, Some(b)) => self.added(&part, self.written(b.span)),
            }
        }
        let bodies = |a: &ast::AwardDecl| -> Vec<String> {
            a.votes.iter().map(|v| v.body.name.to_string()).collect()
        };
        if reordered(&bodies(o), &bodies(n)) {
            let span = |a: &ast::AwardDecl| a.votes.first().map_or(a.span, |v| v.span);
            let x = self.written_as(bodies(o).join(", then "), span(o));
            let y = self.written_as(bodies(n).join(", then "), span(n));
            self.push(
                &at.part(String::from("votes"), None),
                ChangeKind::Reordered,
                None,
                Some(x),
                Some(y),
            );
        }
    }

    /// Requirements or disqualifiers, matched by label, else by position among the
    /// unlabelled, else by identical condition.
    fn conditions(&mut self, at: &At, role: &str, old: &[ast::Condition], new: &[ast::Condition]) {
        let pairs = match_conditions(old, new);
        for (a, b) in pairs {
            let c = match (a, b) {
                (_, Some(j)) => new.get(j),
                (Some(i), None) => old.get(i),
                (None, None) => None,
            };
            let Some(c) = c else { continue };
            let index = b.or(a).map_or(0, |i| i + 1);
            let name = match &c.label {
                Some(l) => format!("{role} \"{}\"", l.value),
                None => format!("{role} {index}"),
            };
            let part = At { part: Some(name), label: None, ..at.clone() };
            match (a.and_then(|i| old.get(i)), b.and_then(|j| new.get(j))) {
                (Some(x), Some(y)) => {
                    self.string(&part, "label", x.label.as_ref(), y.label.as_ref());
                    self.string(&part, "basis", x.basis.as_ref(), y.basis.as_ref());
                    self.expr(&part, "condition", Some(&x.expr), Some(&y.expr));
                }
                (Some(x), None) => self.removed(&part, self.written(x.span)),
                (None, Some(y)) => self.added(&part, self.written(y.span)),
                (None, None) => {}
            }
        }
    }
}
