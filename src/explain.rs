//! Explanations: why an entity scored, ranked and qualified as it did, for auditors.
//!
//! [`explain`] builds one [`Explanation`] from a traced evaluation; [`Explanation::text`]
//! renders it as readable Vietnamese (with English glosses) and serde renders it as JSON.
//! Every requirement shows the rule text and its location, the legal basis, each input
//! value it read, the parameters with their effective dates, and the verdict.

use std::fmt::Write as _;

use serde::Serialize;

use crate::ast::{AggFn, AwardCategory, Window};
use crate::diag::{SourceMap, Span};
use crate::eval::trace::{CondTrace, QuotaTrace, Read};
use crate::eval::{Evaluation, Outcome};
use crate::model::{Dataset, KindId, Type, Value};
use crate::program::{Builtin, Cond, Program, Quota, QuotaAmount, VoteRule};
use crate::report::{ancestor_id, entity_name, money, points, show_value};

/// Everything about one entity's results in a cycle.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// Rule set name.
    pub ruleset: String,
    /// Cycle number.
    pub cycle: i32,
    /// Cycle dates (`start … end`); parameters are read at the end.
    pub period: String,
    /// The entity.
    pub entity: EntityRef,
    /// Score breakdown, if the kind is scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<ScoreExplain>,
    /// Award decisions (all of the kind's awards, or the one asked for).
    pub awards: Vec<AwardExplain>,
}

/// Which entity.
#[derive(Debug, Clone, Serialize)]
pub struct EntityRef {
    /// Kind name.
    pub kind: String,
    /// Kind label.
    pub kind_label: Option<String>,
    /// Id.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
}

/// Score, grade, rank and the points of each criterion.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreExplain {
    /// Scoring table name.
    pub table: String,
    /// Its legal basis.
    pub basis: Option<String>,
    /// Total after bonuses and penalties.
    pub total: String,
    /// The criteria maximum.
    pub max: String,
    /// Grade name and label.
    pub grade: Option<String>,
    /// Rank in its group.
    pub rank: Option<u32>,
    /// The group ranked within.
    pub within: Option<String>,
    /// Each criterion: name, label, depth, points, max.
    pub criteria: Vec<CriterionLine>,
}

/// One line of the score breakdown.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionLine {
    /// Name.
    pub name: String,
    /// Label.
    pub label: Option<String>,
    /// Nesting depth.
    pub depth: usize,
    /// Points earned (negative for a penalty).
    pub points: String,
    /// Maximum (or cap).
    pub max: Option<String>,
}

/// One award decision, with its proof where traced.
#[derive(Debug, Clone, Serialize)]
pub struct AwardExplain {
    /// Award name.
    pub award: String,
    /// Vietnamese label.
    pub label: Option<String>,
    /// `title` or `commendation`.
    pub category: &'static str,
    /// Legal basis.
    pub basis: Option<String>,
    /// Conferring authority.
    pub authority: Option<String>,
    /// The decision.
    pub outcome: Outcome,
    /// One line on why.
    pub reason: String,
    /// Votes the workflow must hold.
    pub votes: Vec<VoteRule>,
    /// Reward, if eligible and rewarded.
    pub reward: Option<String>,
    /// Disqualifiers with their reads (empty when untraced).
    pub disqualifiers: Vec<CondExplain>,
    /// Requirements with their reads (empty when untraced).
    pub requirements: Vec<CondExplain>,
    /// Quota treatment.
    pub quota: Option<QuotaExplain>,
    /// What the reward formula read.
    pub reward_inputs: Vec<ReadExplain>,
}

/// One requirement or disqualifier.
#[derive(Debug, Clone, Serialize)]
pub struct CondExplain {
    /// Label.
    pub label: Option<String>,
    /// Legal basis.
    pub basis: Option<String>,
    /// Whether it held.
    pub holds: bool,
    /// `file:line:column` of the rule.
    pub location: String,
    /// The rule's condition as written.
    pub rule: String,
    /// Inputs it read.
    pub inputs: Vec<ReadExplain>,
}

/// One input read.
#[derive(Debug, Clone, Serialize)]
pub struct ReadExplain {
    /// What was read (name and label).
    pub what: String,
    /// Its value.
    pub value: String,
    /// Where the value comes from (effective date and legal basis, history cycles…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Quota treatment of an eligible entity.
#[derive(Debug, Clone, Serialize)]
pub struct QuotaExplain {
    /// The rule as written.
    pub rule: String,
    /// The numbers.
    #[serde(flatten)]
    pub trace: QuotaTrace,
}

fn excerpt(sources: &SourceMap, span: Span) -> String {
    sources.slice(span).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn outcome_text(o: Outcome) -> &'static str {
    match o {
        Outcome::Eligible => "ĐỦ ĐIỀU KIỆN (eligible)",
        Outcome::OverQuota => "ĐỦ ĐIỀU KIỆN NHƯNG NGOÀI CHỈ TIÊU (over quota)",
        Outcome::Disqualified => "BỊ LOẠI TRỪ (disqualified)",
        Outcome::NotEligible => "KHÔNG ĐỦ ĐIỀU KIỆN (not eligible)",
    }
}

/// Look an entity up by id, optionally `kind/id`.
pub fn find_entity(program: &Program, data: &Dataset, spec: &str) -> Result<(KindId, u32), String> {
    let (kind_name, id) = match spec.split_once('/') {
        Some((k, i)) => (Some(k), i),
        None => (None, spec),
    };
    let mut found = Vec::new();
    for (ki, kind) in program.schema.kinds.iter().enumerate() {
        if kind_name.is_some_and(|k| k != kind.name) {
            continue;
        }
        let k = KindId(u32::try_from(ki).unwrap_or(u32::MAX));
        if let Some(&row) = data.table(k).and_then(|t| t.index.get(id)) {
            found.push((k, row, kind.name.clone()));
        }
    }
    match found.as_slice() {
        [(k, r, _)] => Ok((*k, *r)),
        [] => Err(format!("no entity with id `{id}` in the data")),
        many => {
            let kinds: Vec<String> = many.iter().map(|(_, _, n)| format!("`{n}/{id}`")).collect();
            Err(format!("`{id}` names several entities; write one of {}", kinds.join(", ")))
        }
    }
}

/// Build the explanation of one entity; `award` limits it to one award by name.
pub fn explain(
    program: &Program,
    data: &Dataset,
    eval: &Evaluation,
    sources: &SourceMap,
    kind: KindId,
    row: u32,
    award: Option<&str>,
) -> Result<Explanation, String> {
    let kd = program.schema.kind_def(kind).ok_or("unknown kind")?;
    if let Some(a) = award
        && !program.awards.iter().any(|x| x.name == a && x.kind == kind)
    {
        let names: Vec<&str> =
            program.awards.iter().filter(|x| x.kind == kind).map(|x| x.name.as_str()).collect();
        return Err(match crate::check::fuzzy::closest(a, names.iter().copied()) {
            Some(s) => format!("`{a}` is not an award for `{}`; did you mean `{s}`?", kd.name),
            None => format!(
                "`{a}` is not an award for `{}`; its awards are {}",
                kd.name,
                names.join(", ")
            ),
        });
    }
    let id = data
        .table(kind)
        .and_then(|t| t.ids.get(row as usize))
        .map(|s| s.to_string())
        .unwrap_or_default();
    let entity = EntityRef {
        kind: kd.name.clone(),
        kind_label: kd.label.clone(),
        id,
        name: entity_name(program, data, kind, row),
    };
    let score = score_explain(program, data, eval, kind, row);
    let mut awards = Vec::new();
    for (ai, a) in program.awards.iter().enumerate() {
        if a.kind != kind || award.is_some_and(|n| n != a.name) {
            continue;
        }
        let Some(res) = eval.awards.get(ai) else { continue };
        let Some(&outcome) = res.outcome.get(row as usize) else { continue };
        let trace = res.traces.get(row as usize).and_then(Option::as_ref);
        let reads_of = |c: &CondTrace| {
            c.reads.iter().map(|r| read_explain(program, data, eval, kind, row, r)).collect()
        };
        let cond = |c: &Cond, t: Option<&CondTrace>| CondExplain {
            label: c.label.clone(),
            basis: c.basis.clone(),
            holds: t.is_some_and(|t| t.holds),
            location: sources.location(c.expr_span).to_string(),
            rule: excerpt(sources, c.expr_span),
            inputs: t.map(reads_of).unwrap_or_default(),
        };
        let disqualifiers: Vec<CondExplain> = match trace {
            Some(t) => a
                .disqualifiers
                .iter()
                .zip(&t.disqualifiers)
                .map(|(c, ct)| cond(c, Some(ct)))
                .collect(),
            None => Vec::new(),
        };
        let requirements: Vec<CondExplain> = match trace {
            Some(t) => {
                a.requires.iter().zip(&t.requires).map(|(c, ct)| cond(c, Some(ct))).collect()
            }
            None => Vec::new(),
        };
        let quota = match (&a.quota, trace.and_then(|t| t.quota.clone())) {
            (Some(q), Some(qt)) => {
                Some(QuotaExplain { rule: quota_text(program, q, sources), trace: qt })
            }
            _ => None,
        };
        let reason = match outcome {
            Outcome::Eligible => {
                String::from("đạt mọi điều kiện, không bị loại trừ (meets every requirement)")
            }
            Outcome::Disqualified => {
                let which: Vec<String> = disqualifiers
                    .iter()
                    .filter(|d| d.holds)
                    .map(|d| d.label.clone().unwrap_or_else(|| d.rule.clone()))
                    .collect();
                format!("bị loại trừ: {}", which.join("; "))
            }
            Outcome::NotEligible => {
                let which: Vec<String> = requirements
                    .iter()
                    .filter(|d| !d.holds)
                    .map(|d| d.label.clone().unwrap_or_else(|| d.rule.clone()))
                    .collect();
                if which.is_empty() {
                    String::from("chưa đạt một điều kiện (not eligible)")
                } else {
                    format!("chưa đạt: {}", which.join("; "))
                }
            }
            Outcome::OverQuota => match &quota {
                Some(q) => format!(
                    "đứng thứ {} trong {} người/đơn vị đủ điều kiện, chỉ tiêu {}{}",
                    q.trace.position,
                    q.trace.eligible,
                    q.trace.limit,
                    q.trace.group.as_ref().map(|g| format!(" (nhóm {g})")).unwrap_or_default()
                ),
                None => String::from("ngoài chỉ tiêu (outside the quota)"),
            },
        };
        let reward_inputs = trace
            .map(|t| {
                t.reward.iter().map(|r| read_explain(program, data, eval, kind, row, r)).collect()
            })
            .unwrap_or_default();
        awards.push(AwardExplain {
            award: a.name.clone(),
            label: a.label.clone(),
            category: match a.category {
                AwardCategory::Title => "title",
                AwardCategory::Commendation => "commendation",
            },
            basis: a.basis.clone(),
            authority: a.authority.clone(),
            outcome,
            reason,
            votes: a.votes.clone(),
            reward: res.reward.get(row as usize).copied().flatten().map(money),
            disqualifiers,
            requirements,
            quota,
            reward_inputs,
        });
    }
    Ok(Explanation {
        ruleset: program.name.clone(),
        cycle: eval.cycle.year,
        period: format!("{} … {}", eval.cycle.start, eval.cycle.end),
        entity,
        score,
        awards,
    })
}

fn quota_text(program: &Program, q: &Quota, sources: &SourceMap) -> String {
    let amount = match &q.amount {
        QuotaAmount::Count(n) => format!("at most {n}"),
        QuotaAmount::Share { share, of, round_up } => {
            let of = match of {
                crate::program::Denominator::Headcount => String::from("headcount"),
                crate::program::Denominator::Holders(f) => program
                    .schema
                    .facts
                    .get(f.0 as usize)
                    .map_or_else(String::new, |d| d.name.clone()),
            };
            format!(
                "{}% of {of}, rounded {}",
                (share * rust_decimal::Decimal::ONE_HUNDRED).normalize(),
                if *round_up { "up" } else { "down" }
            )
        }
    };
    let per = q
        .per
        .and_then(|k| program.schema.kind_def(k))
        .map(|k| format!(" per {}", k.name))
        .unwrap_or_default();
    format!("{amount}{per} ({})", sources.location(q.span))
}

fn score_explain(
    program: &Program,
    data: &Dataset,
    eval: &Evaluation,
    kind: KindId,
    row: u32,
) -> Option<ScoreExplain> {
    let sc = program.scorings.iter().find(|s| s.kind == kind)?;
    let scores = eval.scores.get(kind.0 as usize).filter(|s| s.scored)?;
    let r = row as usize;
    let n = sc.nodes.len();
    let mut criteria: Vec<CriterionLine> = sc
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| CriterionLine {
            name: node.name.clone(),
            label: node.label.clone(),
            depth: node.depth,
            points: points(scores.nodes.get(r * n + i).copied().unwrap_or_default()),
            max: Some(points(node.max)),
        })
        .collect();
    let m = sc.adjusts.len();
    criteria.extend(sc.adjusts.iter().enumerate().map(|(i, a)| {
        let p = scores.adjusts.get(r * m + i).copied().unwrap_or_default();
        CriterionLine {
            name: a.name.clone(),
            label: a.label.clone(),
            depth: 0,
            points: if a.bonus { format!("+{}", points(p)) } else { format!("-{}", points(p)) },
            max: a.cap.map(points),
        }
    }));
    let grade = sc.grades.as_ref().and_then(|g| {
        let pos = *scores.grade.get(r)?;
        let def = program.schema.enum_def(g.enum_id)?;
        let (name, label) = def.variants.get(pos as usize)?;
        Some(match label {
            Some(l) => format!("{l} ({name})"),
            None => name.clone(),
        })
    });
    Some(ScoreExplain {
        table: sc.name.clone(),
        basis: sc.basis.clone(),
        total: points(scores.total.get(r).copied().unwrap_or_default()),
        max: points(sc.max),
        grade,
        rank: eval.ranks.get(kind.0 as usize).and_then(|rk| rk.get(r)).copied(),
        within: sc.rank.as_ref().and_then(|rk| ancestor_id(program, data, kind, row, rk.within)),
        criteria,
    })
}

fn labelled(name: &str, label: Option<&str>) -> String {
    match label {
        Some(l) => format!("{name} ({l})"),
        None => name.to_string(),
    }
}

fn cycles_text(c: &[i32]) -> String {
    if c.is_empty() {
        String::from("không năm nào (none)")
    } else {
        c.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
    }
}

fn read_explain(
    program: &Program,
    data: &Dataset,
    eval: &Evaluation,
    kind: KindId,
    row: u32,
    r: &Read,
) -> ReadExplain {
    let fact_name = |f: crate::model::FactId| {
        program
            .schema
            .facts
            .get(f.0 as usize)
            .map_or_else(String::new, |d| labelled(&d.name, d.label.as_deref()))
    };
    match r {
        Read::Field { field, value } => {
            let fd = program.schema.kind_def(kind).and_then(|k| k.fields.get(field.0 as usize));
            ReadExplain {
                what: fd.map_or_else(String::new, |f| labelled(&f.name, f.label.as_deref())),
                value: show_value(program, fd.map(|f| f.ty), value),
                note: None,
            }
        }
        Read::Param { param, value_index } => {
            let p = program.params.get(param.0 as usize);
            let pv = p.and_then(|p| p.values.get(*value_index));
            ReadExplain {
                what: p.map_or_else(String::new, |p| labelled(&p.name, p.label.as_deref())),
                value: match (p, pv) {
                    (Some(p), Some(pv)) => show_value(program, Some(p.ty), &pv.value),
                    _ => String::new(),
                },
                note: pv.map(|pv| {
                    let mut s = format!("áp dụng từ (in force from) {}", pv.from);
                    if let Some(to) = pv.to {
                        let _ = write!(s, " đến {to}");
                    }
                    if let Some(b) = &pv.basis {
                        let _ = write!(s, "; {b}");
                    }
                    s
                }),
            }
        }
        Read::Builtin { which, value } => {
            let (what, ty) = match which {
                Builtin::Score => ("score (điểm)", None),
                Builtin::Grade => (
                    "grade (xếp loại)",
                    program
                        .scorings
                        .iter()
                        .find(|s| s.kind == kind)
                        .and_then(|s| s.grades.as_ref())
                        .map(|g| Type::Enum(g.enum_id)),
                ),
                Builtin::Rank => ("rank (thứ hạng)", None),
                Builtin::Cycle => ("cycle", None),
                Builtin::CycleStart => ("cycle_start", None),
                Builtin::CycleEnd => ("cycle_end", None),
            };
            let note = if *which == Builtin::Rank {
                program
                    .scorings
                    .iter()
                    .find(|s| s.kind == kind)
                    .and_then(|s| s.rank.as_ref())
                    .and_then(|rk| ancestor_id(program, data, kind, row, rk.within))
                    .map(|g| format!("trong nhóm (within) {g}"))
            } else {
                None
            };
            ReadExplain { what: what.to_string(), value: show_value(program, ty, value), note }
        }
        Read::Held { fact, window, held_in, holds } => {
            let year = eval.cycle.year;
            let window_text = match window {
                Window::Current => format!("năm {year}"),
                Window::Last => format!("năm trước ({})", year - 1),
                Window::Consecutive(n) => {
                    format!("{n} năm liên tục {}–{year}", year - (*n as i32) + 1)
                }
                Window::OfLast(k, n) => {
                    format!("{k} trong {n} năm {}–{year}", year - (*n as i32) + 1)
                }
            };
            ReadExplain {
                what: format!("held {} — {window_text}", fact_name(*fact)),
                value: holds.to_string(),
                note: Some(format!("đạt các năm (held in): {}", cycles_text(held_in))),
            }
        }
        Read::Slot { slot, value } => ReadExplain {
            what: format!("workflow value #{slot}"),
            value: value.to_string(),
            note: None,
        },
        Read::EverHeld { fact, held_in } => ReadExplain {
            what: format!("ever held {}", fact_name(*fact)),
            value: (!held_in.is_empty()).to_string(),
            note: Some(format!("đạt các năm (held in): {}", cycles_text(held_in))),
        },
        Read::Agg { fun, kind: child, matched, total, value } => {
            let kn = program.schema.kind_def(*child).map_or("members", |k| k.name.as_str());
            let value_text = match (fun, value) {
                (AggFn::Share, Value::Num(d)) => {
                    format!("{}%", (d * rust_decimal::Decimal::ONE_HUNDRED).round_dp(2).normalize())
                }
                _ => value.to_string(),
            };
            ReadExplain {
                what: format!("{}(members)", fun.name()),
                value: value_text,
                note: Some(if *fun == AggFn::Sum {
                    format!("tổng trên {total} {kn}")
                } else {
                    format!(
                        "{}/{total} {kn} thỏa điều kiện (members satisfying)",
                        matched.normalize()
                    )
                }),
            }
        }
    }
}

impl Explanation {
    /// Render as readable text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let e = &self.entity;
        let name = e.name.as_deref().map(|n| format!("{n} ")).unwrap_or_default();
        let kind =
            e.kind_label.as_deref().map_or_else(|| e.kind.clone(), |l| format!("{l}, {}", e.kind));
        let _ = writeln!(out, "Giải trình (explanation): {name}[{kind} {}]", e.id);
        let _ = writeln!(
            out,
            "Chu kỳ (cycle) {} ({}), quy chế (rule set) {}",
            self.cycle, self.period, self.ruleset
        );
        if let Some(s) = &self.score {
            let _ =
                writeln!(out, "\nĐiểm thi đua (score): {} / {} — bảng {}", s.total, s.max, s.table);
            if let Some(b) = &s.basis {
                let _ = writeln!(out, "  căn cứ (basis): {b}");
            }
            if let Some(g) = &s.grade {
                let _ = writeln!(out, "  xếp loại (grade): {g}");
            }
            if let Some(r) = s.rank {
                let _ = writeln!(
                    out,
                    "  thứ hạng (rank): {r}{}",
                    s.within.as_ref().map(|w| format!(" trong {w}")).unwrap_or_default()
                );
            }
            for c in &s.criteria {
                let indent = "  ".repeat(c.depth + 2);
                let max = c.max.as_ref().map(|m| format!(" / {m}")).unwrap_or_default();
                let label = c.label.as_deref().map(|l| format!(" {l}")).unwrap_or_default();
                let _ = writeln!(out, "{indent}{}{max}  {}{label}", c.points, c.name);
            }
        }
        for a in &self.awards {
            let label = a.label.as_deref().map(|l| format!("{l} ")).unwrap_or_default();
            let _ = writeln!(out, "\n{label}({}, {})", a.award, a.category);
            let _ = writeln!(out, "  kết quả (outcome): {}", outcome_text(a.outcome));
            let _ = writeln!(out, "  lý do (reason): {}", a.reason);
            if let Some(b) = &a.basis {
                let _ = writeln!(out, "  căn cứ (basis): {b}");
            }
            if let Some(au) = &a.authority {
                let _ = writeln!(out, "  thẩm quyền (authority): {au}");
            }
            for v in &a.votes {
                let _ = writeln!(
                    out,
                    "  biểu quyết (vote): {} ≥ {}% of {} members, {}",
                    v.body,
                    (v.threshold * rust_decimal::Decimal::ONE_HUNDRED).normalize(),
                    if v.of_all { "all" } else { "present" },
                    if v.secret { "secret ballot" } else { "open" }
                );
            }
            write_conds(&mut out, "điều kiện loại trừ (disqualifiers)", &a.disqualifiers, true);
            write_conds(&mut out, "điều kiện (requirements)", &a.requirements, false);
            if let Some(q) = &a.quota {
                let _ = writeln!(out, "  chỉ tiêu (quota): {}", q.rule);
                let denom = q
                    .trace
                    .denominator
                    .map(|d| format!(", mẫu số (denominator) {d}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    {}chỉ tiêu {} suất{denom}; {} đủ điều kiện; vị trí (position) {}",
                    q.trace.group.as_ref().map(|g| format!("nhóm {g}: ")).unwrap_or_default(),
                    q.trace.limit,
                    q.trace.eligible,
                    q.trace.position
                );
            }
            if let Some(r) = &a.reward {
                let _ = writeln!(out, "  tiền thưởng (reward): {r} đồng");
                for i in &a.reward_inputs {
                    write_read(&mut out, i);
                }
            }
        }
        out
    }
}

fn write_conds(out: &mut String, title: &str, conds: &[CondExplain], disq: bool) {
    if conds.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {title}:");
    for c in conds {
        let mark = match (disq, c.holds) {
            (true, true) => "[✗] áp dụng (applies)",
            (true, false) => "[✓] không áp dụng (does not apply)",
            (false, true) => "[✓] đạt (holds)",
            (false, false) => "[✗] không đạt (fails)",
        };
        let label = c.label.as_deref().unwrap_or("");
        let _ = writeln!(out, "    {mark} — {label}");
        if let Some(b) = &c.basis {
            let _ = writeln!(out, "        căn cứ: {b}");
        }
        let _ = writeln!(out, "        quy tắc (rule) {}: {}", c.location, c.rule);
        for i in &c.inputs {
            write_read(out, i);
        }
    }
}

fn write_read(out: &mut String, r: &ReadExplain) {
    let note = r.note.as_deref().map(|n| format!("  [{n}]")).unwrap_or_default();
    let _ = writeln!(out, "        • {} = {}{note}", r.what, r.value);
}
