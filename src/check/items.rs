//! Checking and compiling scoring tables, marks and awards.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::{Checker, Dep};
use crate::ast;
use crate::diag::{Diagnostic, Span};
use crate::model::{FactKind, KindId};
use crate::program::*;

type ScoringParts = (Scoring, Vec<Dep>, Option<Vec<Dep>>);

impl Checker<'_> {
    pub(super) fn compile_scoring(
        &mut self,
        s: &ast::ScoringDecl,
        idx: usize,
    ) -> Option<ScoringParts> {
        let kind = self.resolve_kind(&s.kind)?;
        let mut deps = Vec::new();
        if s.max.value <= Decimal::ZERO {
            self.diags.push(
                Diagnostic::error(
                    "check::bad_max",
                    s.max.span,
                    "a scoring table's maximum must be positive",
                )
                .with_help("write e.g. `max 100`"),
            );
        }
        let mut nodes = Vec::new();
        let mut roots = Vec::new();
        let mut names: std::collections::BTreeMap<String, Span> = std::collections::BTreeMap::new();
        for c in &s.criteria {
            roots.push(self.compile_criterion(c, kind, 0, &mut nodes, &mut deps, &mut names));
        }
        let total = weighted_total(&s.criteria);
        if total > s.max.value {
            self.diags.push(
                Diagnostic::error(
                    "check::max_exceeded",
                    s.max.span,
                    format!(
                        "the criteria add up to {} points, more than the table's maximum of {}",
                        total.normalize(),
                        s.max.value.normalize()
                    ),
                )
                .with_label(format!("maximum {}", s.max.value.normalize()))
                .with_help("lower a criterion's `max` or `weight`, or raise the table's `max`"),
            );
        } else if total < s.max.value && !s.criteria.is_empty() {
            self.diags.push(
                Diagnostic::warning(
                    "check::max_unreachable",
                    s.max.span,
                    format!(
                        "the criteria add up to only {} of the table's {} points",
                        total.normalize(),
                        s.max.value.normalize()
                    ),
                )
                .with_help("without bonus items no entity can reach the maximum; check the points"),
            );
        }
        let mut adjusts = Vec::new();
        for a in &s.adjusts {
            self.note_name(&mut names, &a.name);
            let points =
                self.check_num(&a.points, kind, &mut deps, "the points of a bonus or penalty");
            let base = match &a.base {
                ast::AdjustBase::When(e) => {
                    AdjustBase::When(self.check_bool(e, kind, &mut deps, "the condition of `when`"))
                }
                ast::AdjustBase::Per(e) => {
                    AdjustBase::Per(self.check_num(e, kind, &mut deps, "the count after `per`"))
                }
            };
            if let Some(cap) = a.cap
                && cap.value <= Decimal::ZERO
            {
                self.diags.push(
                    Diagnostic::error("check::bad_max", cap.span, "a cap must be positive")
                        .with_help("write e.g. `cap 10`"),
                );
            }
            adjusts.push(Adjust {
                bonus: a.bonus,
                name: a.name.name.to_string(),
                label: a.label.as_ref().map(|l| l.value.to_string()),
                points,
                base,
                cap: a.cap.map(|c| c.value),
                basis: a.basis.as_ref().map(|b| b.value.to_string()),
                span: a.span,
            });
        }
        let grades = self.compile_bands(s, idx, &adjusts);
        let mut rank = None;
        let mut rank_deps = None;
        if let Some(r) = s.ranks.first() {
            for extra in s.ranks.iter().skip(1) {
                self.diags.push(
                    Diagnostic::error(
                        "check::duplicate",
                        extra.span,
                        "a scoring table ranks only once",
                    )
                    .with_related(r.span, "first ranking")
                    .with_help("combine the keys into one `rank within … by …` line"),
                );
            }
            let mut rdeps = Vec::new();
            if let Some(within) = self.resolve_kind(&r.within) {
                if !self.is_ancestor(within, kind) {
                    let kn = self.kind_name(kind);
                    self.diags.push(
                        Diagnostic::error(
                            "check::not_ancestor",
                            r.within.span,
                            format!("`{}` does not contain `{kn}`", r.within.name),
                        )
                        .with_help(format!(
                            "rank within a kind that `{kn}` belongs to (through `in`)"
                        )),
                    );
                }
                let keys = self.compile_keys(&r.keys, kind, &mut rdeps);
                rank = Some(Rank { within, keys, span: r.span });
            }
            rank_deps = Some(rdeps);
        }
        Some((
            Scoring {
                name: s.name.name.to_string(),
                label: s.label.as_ref().map(|l| l.value.to_string()),
                kind,
                max: s.max.value,
                basis: s.basis.as_ref().map(|b| b.value.to_string()),
                nodes,
                roots,
                adjusts,
                grades,
                rank,
                span: s.span,
            },
            deps,
            rank_deps,
        ))
    }

    fn note_name(
        &mut self,
        names: &mut std::collections::BTreeMap<String, Span>,
        name: &ast::Ident,
    ) {
        if let Some(first) = names.insert(name.name.to_string(), name.span) {
            self.diags.push(
                Diagnostic::error(
                    "check::duplicate",
                    name.span,
                    format!("`{}` is used twice in this scoring table", name.name),
                )
                .with_related(first, "first used here")
                .with_help("criteria, bonus and penalty items need distinct names"),
            );
        }
    }

    fn compile_criterion(
        &mut self,
        c: &ast::Criterion,
        kind: KindId,
        depth: usize,
        nodes: &mut Vec<Node>,
        deps: &mut Vec<Dep>,
        names: &mut std::collections::BTreeMap<String, Span>,
    ) -> usize {
        self.note_name(names, &c.name);
        if c.max.value <= Decimal::ZERO {
            self.diags.push(
                Diagnostic::error(
                    "check::bad_max",
                    c.max.span,
                    "a criterion's maximum must be positive",
                )
                .with_help("write e.g. `max 10`"),
            );
        }
        if let Some(w) = c.weight
            && w.value <= Decimal::ZERO
        {
            self.diags.push(
                Diagnostic::error("check::bad_weight", w.span, "a weight must be positive")
                    .with_help("remove the criterion instead of weighting it by zero"),
            );
        }
        let idx = nodes.len();
        nodes.push(Node {
            name: c.name.name.to_string(),
            label: c.label.as_ref().map(|l| l.value.to_string()),
            max: c.max.value,
            weight: c.weight.map_or(Decimal::ONE, |w| w.value),
            basis: c.basis.as_ref().map(|b| b.value.to_string()),
            kind: NodeKind::Group(Vec::new()),
            depth,
            span: c.span,
        });
        let kind_c = match &c.kind {
            ast::CriterionKind::Group(children) => {
                let total = weighted_total(children);
                if total > c.max.value {
                    self.diags.push(
                        Diagnostic::error(
                            "check::max_exceeded",
                            c.max.span,
                            format!(
                                "the criteria in `{}` add up to {} points, more than its maximum of {}",
                                c.name.name,
                                total.normalize(),
                                c.max.value.normalize()
                            ),
                        )
                        .with_label(format!("maximum {}", c.max.value.normalize()))
                        .with_help("lower a child's `max` or `weight`, or raise the group's `max`"),
                    );
                }
                if children.is_empty() {
                    self.diags.push(
                        Diagnostic::warning(
                            "check::empty_group",
                            c.name.span,
                            format!("group `{}` has no criteria", c.name.name),
                        )
                        .with_help("it always scores 0; add criteria or remove it"),
                    );
                }
                let ids = children
                    .iter()
                    .map(|ch| self.compile_criterion(ch, kind, depth + 1, nodes, deps, names))
                    .collect();
                NodeKind::Group(ids)
            }
            ast::CriterionKind::Ratio { actual, target } => NodeKind::Ratio(
                self.check_num(actual, kind, deps, "the actual value"),
                self.check_num(target, kind, deps, "the target"),
            ),
            ast::CriterionKind::Pass(e) => {
                NodeKind::Pass(self.check_bool(e, kind, deps, "the condition of `when`"))
            }
            ast::CriterionKind::Each { points, per } => NodeKind::Each(
                self.check_num(points, kind, deps, "the points per event"),
                self.check_num(per, kind, deps, "the count after `per`"),
            ),
            ast::CriterionKind::Formula(e) => {
                NodeKind::Formula(self.check_num(e, kind, deps, "a formula"))
            }
        };
        if let Some(n) = nodes.get_mut(idx) {
            n.kind = kind_c;
        }
        idx
    }

    fn compile_bands(
        &mut self,
        s: &ast::ScoringDecl,
        idx: usize,
        adjusts: &[Adjust],
    ) -> Option<Grades> {
        let enum_id = *self.grade_enum.get(&idx)?;
        let count = s.bands.len();
        let mut bands = Vec::new();
        let mut prev: Option<&ast::Band> = None;
        let mut seen: std::collections::BTreeMap<&str, Span> = std::collections::BTreeMap::new();
        let reachable = s.max.value
            + adjusts
                .iter()
                .filter(|a| a.bonus)
                .map(|a| a.cap.unwrap_or(Decimal::MAX / Decimal::TWO))
                .fold(Decimal::ZERO, |a, b| a.saturating_add(b));
        for (i, b) in s.bands.iter().enumerate() {
            if let Some(first) = seen.insert(&b.name.name, b.name.span) {
                self.diags.push(
                    Diagnostic::error(
                        "check::duplicate",
                        b.name.span,
                        format!("grade `{}` is listed twice", b.name.name),
                    )
                    .with_related(first, "first listed here")
                    .with_help("give each grade its own name"),
                );
            }
            match (b.from, prev.and_then(|p| p.from)) {
                (None, _) if i + 1 != count => {
                    self.diags.push(
                        Diagnostic::error("check::band_order", b.span, "`otherwise` must be the last grade")
                            .with_help("grades are listed from the highest band down; move this one to the end"),
                    );
                }
                (Some(f), Some(pf)) if f.value >= pf.value => {
                    self.diags.push(
                        Diagnostic::error(
                            "check::band_order",
                            f.span,
                            format!(
                                "grade bands must descend: {} is not below {}",
                                f.value.normalize(),
                                pf.value.normalize()
                            ),
                        )
                        .with_related(pf.span, "the band above starts here")
                        .with_help("list grades from the highest threshold down"),
                    );
                }
                (Some(f), _) if f.value > reachable => {
                    self.diags.push(
                        Diagnostic::warning(
                            "check::never_holds",
                            f.span,
                            format!(
                                "no score can reach {}: the table's maximum is {}",
                                f.value.normalize(),
                                reachable.normalize()
                            ),
                        )
                        .with_help("lower the threshold or raise the maximum"),
                    );
                }
                _ => {}
            }
            prev = Some(b);
            let pos = u32::try_from(count - 1 - i).unwrap_or(0);
            bands.push((pos, b.from.map(|f| f.value)));
        }
        Some(Grades { enum_id, bands })
    }

    /// Whether `ancestor` strictly contains `kind`.
    pub(super) fn is_ancestor(&self, ancestor: KindId, kind: KindId) -> bool {
        ancestor != kind && self.schema.is_ancestor_or_self(ancestor, kind)
    }

    fn compile_keys(
        &mut self,
        keys: &[ast::SortKey],
        kind: KindId,
        deps: &mut Vec<Dep>,
    ) -> Vec<Key> {
        keys.iter()
            .map(|k| {
                let (expr, ty) = self.check_expr(&k.expr, kind, None, deps);
                if let Some(crate::model::Type::Enum(e)) = ty
                    && let Some(def) = self.schema.enum_def(e)
                    && !def.ordered
                {
                    let name = def.name.clone();
                    self.diags.push(
                        Diagnostic::error(
                            "check::unordered_enum",
                            k.expr.span,
                            format!(
                                "`{name}` is not ordered, so it cannot order a ranking or a quota"
                            ),
                        )
                        .with_label("unordered")
                        .with_help(format!(
                            "declare its variants with `<` between them: `enum {name} {{ A < B }}`"
                        )),
                    );
                }
                Key { expr, desc: k.desc, span: k.expr.span }
            })
            .collect()
    }

    pub(super) fn compile_mark(&mut self, m: &ast::MarkDecl) -> Option<(Mark, Vec<Dep>)> {
        let kind = self.schema.kind(&m.kind.name)?;
        let fact = self.fact(&m.name.name)?;
        let mut deps = Vec::new();
        let when = self.check_bool(&m.when, kind, &mut deps, "a mark's condition");
        self.mark_of.insert(fact, self.mark_of.len());
        Some((
            Mark {
                fact,
                kind,
                when,
                basis: m.basis.as_ref().map(|b| b.value.clone()),
                span: m.span,
            },
            deps,
        ))
    }

    pub(super) fn compile_award(&mut self, a: &ast::AwardDecl) -> Option<(Award, Vec<Dep>)> {
        let kind = self.schema.kind(&a.kind.name)?;
        let fact = self.fact(&a.name.name)?;
        let mut deps = Vec::new();
        self.single("basis", a.basis.iter().map(|b| b.span));
        self.single("authority", a.authority.iter().map(|b| b.span));
        self.single("quota", a.quotas.iter().map(|b| b.span));
        self.single("reward", a.rewards.iter().map(|b| b.span));
        if a.basis.is_empty() {
            self.diags.push(
                Diagnostic::warning(
                    "check::missing_basis",
                    a.name.span,
                    format!("`{}` cites no legal basis", a.name.name),
                )
                .with_help("add `basis \"Luật TĐKT 2022 Điều …\"` so explanations can cite it"),
            );
        }
        if a.requires.is_empty() {
            self.diags.push(
                Diagnostic::warning(
                    "check::no_requirements",
                    a.name.span,
                    format!("`{}` has no requirements", a.name.name),
                )
                .with_help("every entity of the kind would qualify; add `require` statements"),
            );
        }
        let requires = a
            .requires
            .iter()
            .map(|c| self.compile_cond(c, kind, &mut deps, "a requirement"))
            .collect();
        let disqualifiers = a
            .disqualifiers
            .iter()
            .map(|c| self.compile_cond(c, kind, &mut deps, "a disqualifier"))
            .collect();
        let quota = a.quotas.first().and_then(|q| self.compile_quota(q, kind, &mut deps));
        let votes = a.votes.iter().map(|v| self.compile_vote(v)).collect();
        let reward = a.rewards.first().map(|r| self.check_num(r, kind, &mut deps, "a reward"));
        self.award_of.insert(fact, self.award_of.len());
        Some((
            Award {
                fact,
                category: a.category,
                name: a.name.name.to_string(),
                label: a.label.as_ref().map(|l| l.value.clone()),
                kind,
                basis: a.basis.first().map(|b| b.value.clone()),
                authority: a.authority.first().map(|b| b.value.clone()),
                requires,
                disqualifiers,
                quota,
                votes,
                reward,
                span: a.span,
            },
            deps,
        ))
    }

    fn single(&mut self, what: &str, mut spans: impl Iterator<Item = Span>) {
        let Some(first) = spans.next() else { return };
        for s in spans {
            self.diags.push(
                Diagnostic::error("check::duplicate", s, format!("an award states `{what}` once"))
                    .with_related(first, "first stated here")
                    .with_help(format!("merge the `{what}` statements into one")),
            );
        }
    }

    fn compile_cond(
        &mut self,
        c: &ast::Condition,
        kind: KindId,
        deps: &mut Vec<Dep>,
        what: &str,
    ) -> Cond {
        let expr = self.check_bool(&c.expr, kind, deps, what);
        Cond {
            label: c.label.as_ref().map(|l| l.value.clone()),
            basis: c.basis.as_ref().map(|b| b.value.clone()),
            expr,
            span: c.span,
            expr_span: c.expr.span,
        }
    }

    fn compile_quota(
        &mut self,
        q: &ast::Quota,
        kind: KindId,
        deps: &mut Vec<Dep>,
    ) -> Option<Quota> {
        let per = match &q.per {
            Some(p) => {
                let k = self.resolve_kind(p)?;
                if !self.is_ancestor(k, kind) {
                    let kn = self.kind_name(kind);
                    self.diags.push(
                        Diagnostic::error(
                            "check::not_ancestor",
                            p.span,
                            format!("`{}` does not contain `{kn}`", p.name),
                        )
                        .with_help(format!("a quota applies per a kind that `{kn}` belongs to")),
                    );
                    return None;
                }
                Some(k)
            }
            None => None,
        };
        if q.amount.value <= Decimal::ZERO {
            self.diags.push(
                Diagnostic::warning(
                    "check::never_holds",
                    q.amount.span,
                    "a quota of zero grants nothing",
                )
                .with_help("remove the award or give it places"),
            );
        }
        let amount = if q.amount.percent {
            let of = match &q.of {
                None => Denominator::Headcount,
                Some(o) if o.name == "headcount" => Denominator::Headcount,
                Some(o) => match self.fact(&o.name) {
                    Some(f) => {
                        let fdef = self.schema.facts.get(f.0 as usize)?;
                        if fdef.entity != kind {
                            let (fk, kn) = (self.kind_name(fdef.entity), self.kind_name(kind));
                            self.diags.push(
                                Diagnostic::error(
                                    "check::wrong_kind",
                                    o.span,
                                    format!("`{}` is for `{fk}`, but the quota counts `{kn}`", o.name),
                                )
                                .with_help("a quota's denominator must be holders of an award of the same kind"),
                            );
                            return None;
                        }
                        if fdef.kind != FactKind::Extern {
                            deps.push(Dep::Fact(f, o.span));
                        }
                        Denominator::Holders(f)
                    }
                    None => {
                        let mut names: Vec<&str> = vec!["headcount"];
                        names.extend(self.schema.facts.iter().map(|f| f.name.as_str()));
                        let help = match super::fuzzy::closest(&o.name, names.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => String::from(
                                "write `of headcount` or `of` an award or mark of the same kind",
                            ),
                        };
                        self.diags.push(
                            Diagnostic::error(
                                "check::unknown_denominator",
                                o.span,
                                format!("the quota's denominator `{}` does not exist", o.name),
                            )
                            .with_label("not an award, mark or `headcount`")
                            .with_help(help),
                        );
                        return None;
                    }
                },
            };
            if q.amount.value > Decimal::ONE {
                self.diags.push(
                    Diagnostic::warning(
                        "check::quota_over_100",
                        q.amount.span,
                        "a quota above 100% limits nothing",
                    )
                    .with_help("write a share up to 100%"),
                );
            }
            QuotaAmount::Share { share: q.amount.value, of, round_up: q.round_up }
        } else {
            if let Some(o) = &q.of {
                self.diags.push(
                    Diagnostic::error(
                        "check::quota_of_count",
                        o.span,
                        "`of` applies only to a percentage quota",
                    )
                    .with_help(format!("write e.g. `quota 15% of {}`", o.name)),
                );
            }
            if q.round_up {
                self.diags.push(
                    Diagnostic::warning(
                        "check::round_on_count",
                        q.span,
                        "`round up` has no effect on a count quota",
                    )
                    .with_help(
                        "rounding applies to percentage quotas such as `quota 15% of … round up`",
                    ),
                );
            }
            if !q.amount.value.fract().is_zero() {
                self.diags.push(
                    Diagnostic::error(
                        "check::type_mismatch",
                        q.amount.span,
                        "a quota count must be a whole number",
                    )
                    .with_help("write e.g. `quota 1 per cum`, or a percentage such as `15%`"),
                );
                return None;
            }
            QuotaAmount::Count(q.amount.value.to_u64().unwrap_or(u64::MAX))
        };
        let by = self.compile_keys(&q.by, kind, deps);
        Some(Quota { amount, per, by, span: q.span })
    }

    fn compile_vote(&mut self, v: &ast::Vote) -> VoteRule {
        if !v.threshold.percent
            || v.threshold.value <= Decimal::ZERO
            || v.threshold.value > Decimal::ONE
        {
            self.diags.push(
                Diagnostic::error(
                    "check::bad_threshold",
                    v.threshold.span,
                    "a vote threshold is a percentage above 0% and at most 100%",
                )
                .with_help("write e.g. `vote council 80% of all secret` (NĐ 98/2023 Điều 30 k7)"),
            );
        }
        VoteRule {
            body: v.body.name.to_string(),
            threshold: v.threshold.value,
            of_all: v.of_all,
            secret: v.secret,
        }
    }
}

/// Sum of `max × weight` over criteria, saturating rather than overflowing.
fn weighted_total(criteria: &[ast::Criterion]) -> Decimal {
    criteria.iter().fold(Decimal::ZERO, |acc, c| {
        acc.saturating_add(c.max.value.saturating_mul(c.weight.map_or(Decimal::ONE, |w| w.value)))
    })
}
