//! The evaluated impact: the same data under both rule sets, entity by entity.
//!
//! Entities are matched by kind name and id. Only the (entity, award) decisions that changed
//! are re-examined for their reasons: each requirement and disqualifier is evaluated again for
//! that entity alone against the finished evaluation ([`eval_condition`]), which reads the
//! same scores, ranks and awards the decision read.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use crate::ast::AggFn;
use crate::diag::SourceMap;
use crate::eval::trace::Read;
use crate::eval::{Outcome, eval_condition};
use crate::model::{KindId, Type, Value};
use crate::program::{Builtin, Cond};
use crate::report::{ancestor_id, entity_name, points, show_value};

use super::source::{balanced, norm};
use super::{
    AwardChange, AwardChangeKind, AwardSummary, Decision, EntityChange, KindSummary, NotCompared,
    PointsChange, Reason, ScoreChange, Side, Standing, canon,
};

/// What [`compare`] finds.
pub(super) struct Impact {
    pub(super) not_compared: Vec<NotCompared>,
    pub(super) entities: Vec<EntityChange>,
    pub(super) awards: Vec<AwardSummary>,
    pub(super) kinds: Vec<KindSummary>,
}

fn kind_id(i: usize) -> KindId {
    KindId(u32::try_from(i).unwrap_or(u32::MAX))
}

/// Compare every entity of every kind both sides declare.
pub(super) fn compare(old: &Side<'_>, new: &Side<'_>, sources: &SourceMap) -> Impact {
    let names = |s: &Side<'_>| -> BTreeMap<String, KindId> {
        s.program
            .schema
            .kinds
            .iter()
            .enumerate()
            .map(|(i, k)| (k.name.clone(), kind_id(i)))
            .collect()
    };
    let (old_kinds, new_kinds) = (names(old), names(new));
    let mut not_compared = Vec::new();
    for (side, mine, theirs, s) in
        [("old", &old_kinds, &new_kinds, old), ("new", &new_kinds, &old_kinds, new)]
    {
        for (name, k) in mine {
            if !theirs.contains_key(name) {
                let entities = s.data.table(*k).map_or(0, |t| t.len());
                not_compared.push(NotCompared { kind: name.clone(), side, entities });
            }
        }
    }
    not_compared.sort_by(|a, b| (&a.kind, a.side).cmp(&(&b.kind, b.side)));
    let mut examiners = (Examiner::new(old, sources), Examiner::new(new, sources));
    let mut entities = Vec::new();
    let mut kinds = Vec::new();
    for (name, &ok) in &old_kinds {
        let Some(&nk) = new_kinds.get(name) else { continue };
        let summary = compare_kind(&mut examiners, (ok, nk), name, &mut entities);
        kinds.extend(summary);
    }
    let awards = award_summaries(old, new, &entities);
    Impact { not_compared, entities, awards, kinds }
}

/// Compare one kind's entities; returns the kind's counts when both sides score it.
fn compare_kind(
    (old, new): &mut (Examiner<'_, '_>, Examiner<'_, '_>),
    (ok, nk): (KindId, KindId),
    kind_name: &str,
    out: &mut Vec<EntityChange>,
) -> Option<KindSummary> {
    let (os, ns) = (old.side, new.side);
    let (ot, nt) = (os.data.table(ok)?, ns.data.table(nk)?);
    let ids: BTreeSet<&str> = ot.ids.iter().chain(&nt.ids).map(|s| s.as_ref()).collect();
    let awards = award_pairs(os, ns, ok, nk);
    let (osc, nsc) = (scoring_of(os, ok), scoring_of(ns, nk));
    let mut counts = KindSummary {
        kind: kind_name.to_string(),
        entities: 0,
        scores_changed: 0,
        grades_changed: 0,
        ranks_changed: 0,
    };
    for id in ids {
        let (orow, nrow) = (ot.index.get(id).copied(), nt.index.get(id).copied());
        if orow.is_some() && nrow.is_some() {
            counts.entities += 1;
        }
        let (ost, nst) = (
            orow.and_then(|r| old.standing(osc, ok, r)),
            nrow.and_then(|r| new.standing(nsc, nk, r)),
        );
        if let (Some(a), Some(b)) = (&ost, &nst) {
            counts.scores_changed += usize::from(a.score != b.score);
            counts.grades_changed += usize::from(a.grade != b.grade);
            counts.ranks_changed += usize::from(a.rank != b.rank);
        }
        let criteria = criteria_changes(old, new, (osc, nsc), (ok, nk), (orow, nrow));
        let score = if ost != nst || !criteria.is_empty() {
            Some(ScoreChange { old: ost, new: nst, criteria })
        } else {
            None
        };
        let mut changes = Vec::new();
        for (award, label, oa, na) in &awards {
            let o = oa.zip(orow).and_then(|(a, r)| old.outcome(a, r));
            let n = na.zip(nrow).and_then(|(a, r)| new.outcome(a, r));
            let (oe, ne) = (o.is_some_and(Outcome::eligible), n.is_some_and(Outcome::eligible));
            let (orw, nrw) = (
                oa.zip(orow).and_then(|(a, r)| old.reward(a, r)),
                na.zip(nrow).and_then(|(a, r)| new.reward(a, r)),
            );
            let change = match (oe, ne) {
                (false, true) => AwardChangeKind::Gained,
                (true, false) => AwardChangeKind::Lost,
                (true, true) if orw != nrw => AwardChangeKind::RewardChanged,
                _ => continue,
            };
            changes.push(AwardChange {
                award: award.clone(),
                label: label.clone(),
                change,
                old: old.decision(oa.zip(orow), ok),
                new: new.decision(na.zip(nrow), nk),
            });
        }
        if score.is_some() || !changes.is_empty() {
            let name = nrow
                .and_then(|r| entity_name(ns.program, ns.data, nk, r))
                .or_else(|| orow.and_then(|r| entity_name(os.program, os.data, ok, r)));
            out.push(EntityChange {
                kind: kind_name.to_string(),
                id: id.to_string(),
                name,
                score,
                awards: changes,
            });
        }
    }
    (osc.is_some() && nsc.is_some()).then_some(counts)
}

/// The awards for a kind on either side: `(name, label, old index, new index)`, NEW's order
/// first.
type AwardPair = (String, Option<String>, Option<usize>, Option<usize>);

fn award_pairs(old: &Side<'_>, new: &Side<'_>, ok: KindId, nk: KindId) -> Vec<AwardPair> {
    let mut out: Vec<AwardPair> = Vec::new();
    for (ni, a) in new.program.awards.iter().enumerate().filter(|(_, a)| a.kind == nk) {
        let oi = old.program.awards.iter().position(|x| x.kind == ok && x.name == a.name);
        out.push((a.name.clone(), a.label.as_deref().map(String::from), oi, Some(ni)));
    }
    for (oi, a) in old.program.awards.iter().enumerate().filter(|(_, a)| a.kind == ok) {
        if !out.iter().any(|(n, ..)| *n == a.name) {
            out.push((a.name.clone(), a.label.as_deref().map(String::from), Some(oi), None));
        }
    }
    out
}

fn scoring_of(side: &Side<'_>, kind: KindId) -> Option<usize> {
    side.program.scorings.iter().position(|s| s.kind == kind)
}

/// Criteria (and bonus/penalty items) whose points differ, NEW's order first.
fn criteria_changes(
    old: &Examiner<'_, '_>,
    new: &Examiner<'_, '_>,
    (osc, nsc): (Option<usize>, Option<usize>),
    (ok, nk): (KindId, KindId),
    (orow, nrow): (Option<u32>, Option<u32>),
) -> Vec<PointsChange> {
    let op = osc.zip(orow).map(|(s, r)| old.points(s, ok, r)).unwrap_or_default();
    let np = nsc.zip(nrow).map(|(s, r)| new.points(s, nk, r)).unwrap_or_default();
    if op.is_empty() && np.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (name, label, value) in &np {
        let before = op.iter().find(|(n, ..)| n == name).map(|(_, _, v)| v.clone());
        if before.as_ref() != Some(value) {
            out.push(PointsChange {
                name: name.clone(),
                label: label.clone(),
                old: before,
                new: Some(value.clone()),
            });
        }
    }
    for (name, label, value) in &op {
        if !np.iter().any(|(n, ..)| n == name) {
            out.push(PointsChange {
                name: name.clone(),
                label: label.clone(),
                old: Some(value.clone()),
                new: None,
            });
        }
    }
    out
}

fn award_summaries(old: &Side<'_>, new: &Side<'_>, entities: &[EntityChange]) -> Vec<AwardSummary> {
    let mut tally: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in entities.iter().flat_map(|e| &e.awards) {
        let t = tally.entry(c.award.as_str()).or_default();
        match c.change {
            AwardChangeKind::Gained => t.0 += 1,
            AwardChangeKind::Lost => t.1 += 1,
            AwardChangeKind::RewardChanged => {}
        }
    }
    let mut names: Vec<(&str, Option<&str>)> =
        new.program.awards.iter().map(|a| (a.name.as_str(), a.label.as_deref())).collect();
    for a in &old.program.awards {
        if !names.iter().any(|(n, _)| *n == a.name) {
            names.push((a.name.as_str(), a.label.as_deref()));
        }
    }
    let stats = |s: &Side<'_>, name: &str| {
        let i = s.program.awards.iter().position(|a| a.name == name)?;
        let (a, res) = (s.program.awards.get(i)?, s.evaluation.awards.get(i)?);
        let eligible = res.outcome.iter().filter(|o| o.eligible()).count();
        let total: Decimal = res.reward.iter().flatten().copied().sum();
        Some((eligible, a.reward.is_some().then(|| total.normalize().to_string())))
    };
    names
        .into_iter()
        .map(|(name, label)| {
            let (before, after) = (stats(old, name), stats(new, name));
            let (gained, lost) = tally.get(name).copied().unwrap_or_default();
            AwardSummary {
                award: name.to_string(),
                label: label.map(String::from),
                eligible_before: before.as_ref().map(|b| b.0),
                eligible_after: after.as_ref().map(|a| a.0),
                gained,
                lost,
                reward_before: before.and_then(|b| b.1),
                reward_after: after.and_then(|a| a.1),
            }
        })
        .collect()
}

/// Reads one side's results and re-examines its decisions.
struct Examiner<'s, 'a> {
    side: &'s Side<'a>,
    sources: &'s SourceMap,
    /// Per award index: per quota group row, `(places taken, competing)`.
    quota_groups: BTreeMap<usize, BTreeMap<u32, (u64, u64)>>,
}

impl<'s, 'a> Examiner<'s, 'a> {
    fn new(side: &'s Side<'a>, sources: &'s SourceMap) -> Examiner<'s, 'a> {
        Examiner { side, sources, quota_groups: BTreeMap::new() }
    }

    fn outcome(&self, award: usize, row: u32) -> Option<Outcome> {
        self.side.evaluation.awards.get(award)?.outcome.get(row as usize).copied()
    }

    fn reward(&self, award: usize, row: u32) -> Option<Decimal> {
        self.side.evaluation.awards.get(award)?.reward.get(row as usize).copied().flatten()
    }

    fn standing(&self, scoring: Option<usize>, kind: KindId, row: u32) -> Option<Standing> {
        let p = self.side.program;
        let sc = p.scorings.get(scoring?)?;
        let scores = self.side.evaluation.scores.get(kind.0 as usize).filter(|s| s.scored)?;
        let r = row as usize;
        let grade = sc.grades.as_ref().and_then(|g| {
            let pos = *scores.grade.get(r)?;
            Some(p.schema.enum_def(g.enum_id)?.variant_name(pos).to_string())
        });
        let ranked = self.side.evaluation.ranks.get(kind.0 as usize).filter(|x| !x.is_empty());
        Some(Standing {
            score: points(scores.total.get(r).copied().unwrap_or_default()),
            grade,
            rank: ranked.and_then(|x| x.get(r)).copied(),
            within: sc
                .rank
                .as_ref()
                .and_then(|rk| ancestor_id(p, self.side.data, kind, row, rk.within)),
        })
    }

    /// `(name, label, points)` of every criterion and bonus/penalty item (penalties negative).
    fn points(
        &self,
        scoring: usize,
        kind: KindId,
        row: u32,
    ) -> Vec<(String, Option<String>, String)> {
        let Some(sc) = self.side.program.scorings.get(scoring) else { return Vec::new() };
        let Some(scores) = self.side.evaluation.scores.get(kind.0 as usize).filter(|s| s.scored)
        else {
            return Vec::new();
        };
        let r = row as usize;
        let (n, m) = (sc.nodes.len(), sc.adjusts.len());
        let mut out: Vec<(String, Option<String>, String)> = sc
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let p = scores.nodes.get(r * n + i).copied().unwrap_or_default();
                // A weight scales what the points add to their parent: show it.
                let shown = if node.weight == Decimal::ONE {
                    points(p)
                } else {
                    format!("{} × {}", points(p), node.weight.normalize())
                };
                (node.name.clone(), node.label.clone(), shown)
            })
            .collect();
        out.extend(sc.adjusts.iter().enumerate().map(|(i, a)| {
            let p = scores.adjusts.get(r * m + i).copied().unwrap_or_default();
            (a.name.clone(), a.label.clone(), points(if a.bonus { p } else { -p }))
        }));
        out
    }

    /// The decision for `(award index, row)`, with reasons when it is negative.
    fn decision(&mut self, at: Option<(usize, u32)>, kind: KindId) -> Decision {
        let Some((ai, row)) = at else {
            return Decision { outcome: None, reward: None, reasons: Vec::new() };
        };
        let outcome = self.outcome(ai, row);
        let reward = self.reward(ai, row).map(|d| d.normalize().to_string());
        let reasons = match outcome {
            Some(Outcome::NotEligible) => self.conditions(ai, kind, row, false),
            Some(Outcome::Disqualified) => self.conditions(ai, kind, row, true),
            Some(Outcome::OverQuota) => self.quota(ai, kind, row).into_iter().collect(),
            Some(Outcome::Eligible) | None => Vec::new(),
        };
        Decision { outcome, reward, reasons }
    }

    /// The requirements that fail, or the disqualifiers that apply.
    fn conditions(&self, ai: usize, kind: KindId, row: u32, disqualifiers: bool) -> Vec<Reason> {
        let s = self.side;
        let Some(award) = s.program.awards.get(ai) else { return Vec::new() };
        let conds: &[Cond] = if disqualifiers { &award.disqualifiers } else { &award.requires };
        let mut out = Vec::new();
        for c in conds {
            let Ok((holds, reads)) =
                eval_condition(s.program, s.data, s.evaluation, &c.expr, kind, row, &[])
            else {
                continue;
            };
            if holds != disqualifiers {
                continue;
            }
            let span = balanced(self.sources, c.expr_span);
            let rule = norm(self.sources.slice(span));
            let at = self.sources.location(span).to_string();
            let inputs = reads.iter().map(|r| self.read_text(kind, row, r)).collect();
            out.push(if disqualifiers {
                Reason::Disqualifier {
                    label: c.label.as_deref().map(String::from),
                    rule,
                    at,
                    inputs,
                }
            } else {
                Reason::Requirement {
                    label: c.label.as_deref().map(String::from),
                    rule,
                    at,
                    inputs,
                }
            });
        }
        out
    }

    /// The quota that left an entity out: its group, the places taken and the competitors.
    fn quota(&mut self, ai: usize, kind: KindId, row: u32) -> Option<Reason> {
        let s = self.side;
        let award = s.program.awards.get(ai)?;
        let q = award.quota.as_ref()?;
        let group_of = |r: u32| match q.per {
            Some(per) => s.data.ancestor(&s.program.schema, kind, r, per).unwrap_or(u32::MAX),
            None => 0,
        };
        let outcomes = &s.evaluation.awards.get(ai)?.outcome;
        let groups = self.quota_groups.entry(ai).or_insert_with(|| {
            let mut groups: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
            for (r, o) in outcomes.iter().enumerate() {
                let r = u32::try_from(r).unwrap_or(u32::MAX);
                let g = groups.entry(group_of(r)).or_default();
                g.0 += u64::from(*o == Outcome::Eligible);
                g.1 += u64::from(matches!(o, Outcome::Eligible | Outcome::OverQuota));
            }
            groups
        });
        let g = group_of(row);
        let (places, competing) = groups.get(&g).copied().unwrap_or_default();
        let group = q
            .per
            .and_then(|per| s.data.table(per))
            .and_then(|t| t.ids.get(g as usize))
            .map(|id| id.to_string());
        Some(Reason::Quota {
            rule: norm(self.sources.slice(q.span)),
            at: self.sources.location(q.span).to_string(),
            group,
            places,
            competing,
        })
    }

    /// One read as `name = value`, with where the value came from when that matters.
    fn read_text(&self, kind: KindId, row: u32, read: &Read) -> String {
        let p = self.side.program;
        let fact = |f: crate::model::FactId| {
            p.schema.facts.get(f.0 as usize).map_or_else(|| String::from("?"), |d| d.name.clone())
        };
        let cycles = |c: &[i32]| {
            if c.is_empty() {
                String::from("none")
            } else {
                c.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
            }
        };
        match read {
            Read::Field { field, value } => {
                let fd = p.schema.kind_def(kind).and_then(|k| k.fields.get(field.0 as usize));
                format!(
                    "{} = {}",
                    fd.map_or("?", |f| f.name.as_str()),
                    show_value(p, fd.map(|f| f.ty), value)
                )
            }
            Read::Param { param, value_index } => {
                let Some(pd) = p.params.get(param.0 as usize) else { return String::new() };
                match pd.values.get(*value_index) {
                    Some(v) => format!(
                        "{} = {} (from {})",
                        pd.name,
                        show_value(p, Some(pd.ty), &v.value),
                        v.from
                    ),
                    None => pd.name.clone(),
                }
            }
            Read::Builtin { which, value } => {
                let (name, ty) = match which {
                    Builtin::Score => ("score", None),
                    Builtin::Grade => (
                        "grade",
                        p.scorings
                            .iter()
                            .find(|s| s.kind == kind)
                            .and_then(|s| s.grades.as_ref())
                            .map(|g| Type::Enum(g.enum_id)),
                    ),
                    Builtin::Rank => ("rank", None),
                    Builtin::Cycle => ("cycle", None),
                    Builtin::CycleStart => ("cycle_start", None),
                    Builtin::CycleEnd => ("cycle_end", None),
                };
                let within = if *which == Builtin::Rank {
                    p.scorings
                        .iter()
                        .find(|s| s.kind == kind)
                        .and_then(|s| s.rank.as_ref())
                        .and_then(|rk| ancestor_id(p, self.side.data, kind, row, rk.within))
                        .map(|g| format!(" in {g}"))
                        .unwrap_or_default()
                } else {
                    String::new()
                };
                format!("{name} = {}{within}", show_value(p, ty, value))
            }
            Read::Held { fact: f, window, held_in, holds } => format!(
                "held {}{} = {holds} (held in: {})",
                fact(*f),
                canon::window_text(*window),
                cycles(held_in)
            ),
            Read::EverHeld { fact: f, held_in } => format!(
                "ever held {} = {} (held in: {})",
                fact(*f),
                !held_in.is_empty(),
                cycles(held_in)
            ),
            Read::Slot { slot, value } => format!("#{slot} = {value}"),
            Read::Agg { fun, kind: child, matched, total, value } => {
                let kn = p.schema.kind_def(*child).map_or("members", |k| k.name.as_str());
                let shown = match (fun, value) {
                    (AggFn::Share, Value::Num(d)) => {
                        format!("{}%", (d * Decimal::ONE_HUNDRED).round_dp(2).normalize())
                    }
                    _ => value.to_string(),
                };
                if *fun == AggFn::Sum {
                    format!("sum(members) = {shown} over {total} {kn}")
                } else {
                    format!(
                        "{}(members) = {shown} ({}/{total} {kn})",
                        fun.name(),
                        matched.normalize()
                    )
                }
            }
        }
    }
}
