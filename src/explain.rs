//! Explanations: why an entity scored, ranked and qualified as it did, for auditors.
//!
//! [`explain`] builds one [`Explanation`] from a traced evaluation, in one language
//! ([`Lang`]): its prose (the reason for a decision, what each input is, where a value comes
//! from) is written in that language when it is built, so that its text
//! ([`Explanation::text`]) and its JSON (serde) say the same thing. JSON field names, codes
//! and enumerated values (`outcome`, `category`) are English and stable in both languages;
//! the JSON says which language its prose is in (`"lang"`). Every requirement shows the rule
//! text and its location, the legal basis, each input value it read, the parameters with
//! their effective dates, and the verdict.

use std::fmt::Write as _;

use serde::Serialize;

use crate::ast::{AggFn, AwardCategory, Window};
use crate::diag::{SourceMap, Span};
use crate::eval::trace::{AwardTrace, CondTrace, QuotaTrace, Read};
use crate::eval::{Evaluation, Outcome};
use crate::lang::Lang;
use crate::model::{Dataset, KindId, Type, Value};
use crate::program::{Builtin, Cond, Program, Quota, QuotaAmount, VoteRule};
use crate::report::{ancestor_id, entity_name, money, points, show_value};

mod text;

/// Everything about one entity's results in a cycle.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The language of the prose (`reason`, `what`, `note`, the quota rule) and of
    /// [`Explanation::text`].
    pub lang: Lang,
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
    /// One line on why, in the explanation's language.
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
    /// Its value (`true`/`false` as `đúng`/`sai` in Vietnamese).
    pub value: String,
    /// Where the value comes from (effective date and legal basis, history cycles…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Quota treatment of an eligible entity.
#[derive(Debug, Clone, Serialize)]
pub struct QuotaExplain {
    /// The rule, in words, with its location.
    pub rule: String,
    /// The numbers.
    #[serde(flatten)]
    pub trace: QuotaTrace,
}

fn excerpt(sources: &SourceMap, span: Span) -> String {
    sources.slice(span).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn outcome_text(o: Outcome, lang: Lang) -> &'static str {
    match o {
        Outcome::Eligible => lang.pick("ELIGIBLE", "ĐỦ ĐIỀU KIỆN"),
        Outcome::OverQuota => {
            lang.pick("ELIGIBLE BUT OVER THE QUOTA", "ĐỦ ĐIỀU KIỆN NHƯNG NGOÀI CHỈ TIÊU")
        }
        Outcome::Disqualified => lang.pick("DISQUALIFIED", "BỊ LOẠI TRỪ"),
        Outcome::NotEligible => lang.pick("NOT ELIGIBLE", "KHÔNG ĐỦ ĐIỀU KIỆN"),
    }
}

/// `true`/`false`, or `đúng`/`sai` (the Vietnamese keywords).
fn bool_text(b: bool, lang: Lang) -> String {
    String::from(match (b, lang) {
        (true, Lang::En) => "true",
        (false, Lang::En) => "false",
        (true, Lang::Vi) => "đúng",
        (false, Lang::Vi) => "sai",
    })
}

/// A value as shown in an explanation: [`show_value`], with booleans in `lang`.
fn value_text(program: &Program, ty: Option<Type>, v: &Value, lang: Lang) -> String {
    match v {
        Value::Bool(b) => bool_text(*b, lang),
        _ => show_value(program, ty, v),
    }
}

/// Look an entity up by id, optionally `kind/id`; the error is in `lang`.
pub fn find_entity(
    program: &Program,
    data: &Dataset,
    spec: &str,
    lang: Lang,
) -> Result<(KindId, u32), String> {
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
    match (found.as_slice(), lang) {
        ([(k, r, _)], _) => Ok((*k, *r)),
        ([], Lang::En) => Err(format!("no entity with id `{id}` in the data")),
        ([], Lang::Vi) => Err(format!("không có đối tượng nào mang mã `{id}` trong dữ liệu")),
        (many, _) => {
            let kinds: Vec<String> = many.iter().map(|(_, _, n)| format!("`{n}/{id}`")).collect();
            Err(match lang {
                Lang::En => {
                    format!("`{id}` names several entities; write one of {}", kinds.join(", "))
                }
                Lang::Vi => format!(
                    "mã `{id}` trùng ở nhiều loại đối tượng; hãy ghi một trong {}",
                    kinds.join(", ")
                ),
            })
        }
    }
}

/// Build the explanation of one entity in `lang`; `award` limits it to one award by name.
/// The error (an unknown award) is in `lang` too.
#[expect(
    clippy::too_many_arguments,
    reason = "the evaluation's parts, the entity and the language"
)]
pub fn explain(
    program: &Program,
    data: &Dataset,
    eval: &Evaluation,
    sources: &SourceMap,
    kind: KindId,
    row: u32,
    award: Option<&str>,
    lang: Lang,
) -> Result<Explanation, String> {
    let kd = program.schema.kind_def(kind).ok_or("unknown kind")?;
    if let Some(a) = award
        && !program.awards.iter().any(|x| x.name == a && x.kind == kind)
    {
        let names: Vec<&str> =
            program.awards.iter().filter(|x| x.kind == kind).map(|x| x.name.as_str()).collect();
        let k = &kd.name;
        return Err(match (crate::check::fuzzy::closest(a, names.iter().copied()), lang) {
            (Some(s), Lang::En) => format!("`{a}` is not an award for `{k}`; did you mean `{s}`?"),
            (Some(s), Lang::Vi) => {
                format!("`{a}` không phải là khen thưởng dành cho `{k}`; có phải là `{s}` không?")
            }
            (None, Lang::En) => {
                format!("`{a}` is not an award for `{k}`; its awards are {}", names.join(", "))
            }
            (None, Lang::Vi) => format!(
                "`{a}` không phải là khen thưởng dành cho `{k}`; các khen thưởng của `{k}` là {}",
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
        let trace = eval.trace(program, data, ai, row).map_err(|d| d.message.clone())?;
        let trace = trace.as_ref();
        let cond = |c: &Cond, t: &AwardTrace, ct: &CondTrace| CondExplain {
            label: c.label.as_deref().map(String::from),
            basis: c.basis.as_deref().map(String::from),
            holds: ct.holds,
            location: sources.location(c.expr_span).to_string(),
            rule: excerpt(sources, c.expr_span),
            inputs: t
                .reads_of(ct)
                .iter()
                .map(|r| read_explain(program, data, eval, kind, row, r, lang))
                .collect(),
        };
        let disqualifiers: Vec<CondExplain> = match trace {
            Some(t) => a
                .disqualifiers
                .iter()
                .zip(t.disqualifiers())
                .map(|(c, ct)| cond(c, t, ct))
                .collect(),
            None => Vec::new(),
        };
        let requirements: Vec<CondExplain> = match trace {
            Some(t) => a.requires.iter().zip(t.requires()).map(|(c, ct)| cond(c, t, ct)).collect(),
            None => Vec::new(),
        };
        let quota = match (&a.quota, trace.and_then(|t| t.quota.clone())) {
            (Some(q), Some(qt)) => {
                Some(QuotaExplain { rule: quota_text(program, q, sources, lang), trace: qt })
            }
            _ => None,
        };
        let reason = reason_text(outcome, &disqualifiers, &requirements, quota.as_ref(), lang);
        let reward_inputs = trace
            .map(|t| {
                t.reward
                    .iter()
                    .map(|r| read_explain(program, data, eval, kind, row, r, lang))
                    .collect()
            })
            .unwrap_or_default();
        awards.push(AwardExplain {
            award: a.name.clone(),
            label: a.label.as_deref().map(String::from),
            category: match a.category {
                AwardCategory::Title => "title",
                AwardCategory::Commendation => "commendation",
            },
            basis: a.basis.as_deref().map(String::from),
            authority: a.authority.as_deref().map(String::from),
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
        lang,
        ruleset: program.name.clone(),
        cycle: eval.cycle.year,
        period: format!("{} … {}", eval.cycle.start, eval.cycle.end),
        entity,
        score,
        awards,
    })
}

/// Why an award was decided as it was, in one line.
fn reason_text(
    outcome: Outcome,
    disqualifiers: &[CondExplain],
    requirements: &[CondExplain],
    quota: Option<&QuotaExplain>,
    lang: Lang,
) -> String {
    let named = |conds: &[CondExplain], holds: bool| -> Vec<String> {
        conds
            .iter()
            .filter(|d| d.holds == holds)
            .map(|d| d.label.clone().unwrap_or_else(|| d.rule.clone()))
            .collect()
    };
    match outcome {
        Outcome::Eligible => String::from(lang.pick(
            "meets every requirement; no disqualifier applies",
            "đạt mọi điều kiện, không bị loại trừ",
        )),
        Outcome::Disqualified => {
            format!(
                "{}: {}",
                lang.pick("disqualified", "bị loại trừ"),
                named(disqualifiers, true).join("; ")
            )
        }
        Outcome::NotEligible => {
            let which = named(requirements, false);
            if which.is_empty() {
                String::from(lang.pick("a requirement is not met", "chưa đạt một điều kiện"))
            } else {
                format!("{}: {}", lang.pick("not met", "chưa đạt"), which.join("; "))
            }
        }
        Outcome::OverQuota => match (quota, lang) {
            (Some(q), Lang::En) => format!(
                "ranked {} of {} eligible, with {} place(s){}",
                q.trace.position,
                q.trace.eligible,
                q.trace.limit,
                q.trace.group.as_ref().map(|g| format!(" (group {g})")).unwrap_or_default()
            ),
            (Some(q), Lang::Vi) => format!(
                "đứng thứ {} trong {} người/đơn vị đủ điều kiện, chỉ tiêu {}{}",
                q.trace.position,
                q.trace.eligible,
                q.trace.limit,
                q.trace.group.as_ref().map(|g| format!(" (nhóm {g})")).unwrap_or_default()
            ),
            (None, _) => String::from(lang.pick("outside the quota", "ngoài chỉ tiêu")),
        },
    }
}

fn quota_text(program: &Program, q: &Quota, sources: &SourceMap, lang: Lang) -> String {
    let amount = match &q.amount {
        QuotaAmount::Count(n) => match lang {
            Lang::En => format!("at most {n}"),
            Lang::Vi => format!("tối đa {n}"),
        },
        QuotaAmount::Share { share, of, round_up } => {
            let of = match of {
                crate::program::Denominator::Headcount => {
                    String::from(lang.pick("headcount", "tổng số người/đơn vị"))
                }
                crate::program::Denominator::Holders(f) => {
                    let name = program
                        .schema
                        .facts
                        .get(f.0 as usize)
                        .map_or_else(String::new, |d| d.name.clone());
                    match lang {
                        Lang::En => format!("holders of {name}"),
                        Lang::Vi => format!("số người/đơn vị đạt {name}"),
                    }
                }
            };
            let pct = (share * rust_decimal::Decimal::ONE_HUNDRED).normalize();
            match lang {
                Lang::En => {
                    format!("{pct}% of {of}, rounded {}", if *round_up { "up" } else { "down" })
                }
                Lang::Vi => {
                    format!("{pct}% {of}, làm tròn {}", if *round_up { "lên" } else { "xuống" })
                }
            }
        }
    };
    let share = matches!(q.amount, QuotaAmount::Share { .. });
    let per = q
        .per
        .and_then(|k| program.schema.kind_def(k))
        .map(|k| match lang {
            Lang::En => format!(" per {}", k.name),
            Lang::Vi if share => format!(", cho mỗi {}", k.name),
            Lang::Vi => format!(" cho mỗi {}", k.name),
        })
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
            label: a.label.as_deref().map(String::from),
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
        basis: sc.basis.as_deref().map(String::from),
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

fn held_in_text(c: &[i32], lang: Lang) -> String {
    let cycles = if c.is_empty() {
        String::from(lang.pick("none", "không năm nào"))
    } else {
        c.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
    };
    format!("{}: {cycles}", lang.pick("held in", "đạt các năm"))
}

/// An aggregate's name as the rule language writes it in `lang`.
fn agg_name(fun: AggFn, lang: Lang) -> &'static str {
    match lang {
        Lang::En => fun.name(),
        Lang::Vi => match fun {
            AggFn::Share => "tỷ lệ",
            AggFn::Count => "số lượng",
            AggFn::All => "tất cả",
            AggFn::Any => "có ai",
            AggFn::None => "không ai",
            AggFn::Sum => "tổng",
        },
    }
}

fn read_explain(
    program: &Program,
    data: &Dataset,
    eval: &Evaluation,
    kind: KindId,
    row: u32,
    r: &Read,
    lang: Lang,
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
                value: value_text(program, fd.map(|f| f.ty), value, lang),
                note: None,
            }
        }
        Read::Param { param, value_index } => {
            let p = program.params.get(param.0 as usize);
            let pv = p.and_then(|p| p.values.get(*value_index));
            ReadExplain {
                what: p.map_or_else(String::new, |p| labelled(&p.name, p.label.as_deref())),
                value: match (p, pv) {
                    (Some(p), Some(pv)) => value_text(program, Some(p.ty), &pv.value, lang),
                    _ => String::new(),
                },
                note: pv.map(|pv| {
                    let mut s = format!("{} {}", lang.pick("in force from", "áp dụng từ"), pv.from);
                    if let Some(to) = pv.to {
                        let _ = write!(s, " {} {to}", lang.pick("to", "đến"));
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
                Builtin::Score => (lang.pick("score", "score (điểm thi đua)"), None),
                Builtin::Grade => (
                    lang.pick("grade", "grade (xếp loại)"),
                    program
                        .scorings
                        .iter()
                        .find(|s| s.kind == kind)
                        .and_then(|s| s.grades.as_ref())
                        .map(|g| Type::Enum(g.enum_id)),
                ),
                Builtin::Rank => (lang.pick("rank", "rank (thứ hạng)"), None),
                Builtin::Cycle => (lang.pick("cycle", "cycle (chu kỳ)"), None),
                Builtin::CycleStart => {
                    (lang.pick("cycle_start", "cycle_start (ngày bắt đầu chu kỳ)"), None)
                }
                Builtin::CycleEnd => {
                    (lang.pick("cycle_end", "cycle_end (ngày kết thúc chu kỳ)"), None)
                }
            };
            let note = if *which == Builtin::Rank {
                program
                    .scorings
                    .iter()
                    .find(|s| s.kind == kind)
                    .and_then(|s| s.rank.as_ref())
                    .and_then(|rk| ancestor_id(program, data, kind, row, rk.within))
                    .map(|g| format!("{} {g}", lang.pick("within", "trong nhóm")))
            } else {
                None
            };
            ReadExplain {
                what: what.to_string(),
                value: value_text(program, ty, value, lang),
                note,
            }
        }
        Read::Held { fact, window, held_in, holds } => {
            let year = eval.cycle.year;
            let first = |n: u32| year - i32::try_from(n).unwrap_or(0) + 1;
            let window_text = match (window, lang) {
                (Window::Current, Lang::En) => format!("cycle {year}"),
                (Window::Current, Lang::Vi) => format!("năm {year}"),
                (Window::Last, Lang::En) => format!("last cycle ({})", year - 1),
                (Window::Last, Lang::Vi) => format!("năm trước ({})", year - 1),
                (Window::Consecutive(n), Lang::En) => {
                    format!("{n} consecutive cycles {}–{year}", first(*n))
                }
                (Window::Consecutive(n), Lang::Vi) => {
                    format!("{n} năm liên tục {}–{year}", first(*n))
                }
                (Window::OfLast(k, n), Lang::En) => {
                    format!("{k} of the last {n} cycles {}–{year}", first(*n))
                }
                (Window::OfLast(k, n), Lang::Vi) => {
                    format!("{k} trong {n} năm {}–{year}", first(*n))
                }
            };
            ReadExplain {
                what: format!("{} {} — {window_text}", lang.pick("held", "đạt"), fact_name(*fact)),
                value: bool_text(*holds, lang),
                note: Some(held_in_text(held_in, lang)),
            }
        }
        Read::Slot { slot, value } => ReadExplain {
            what: format!("{} #{slot}", lang.pick("workflow value", "giá trị của quy trình")),
            value: match value {
                Value::Bool(b) => bool_text(*b, lang),
                other => other.to_string(),
            },
            note: None,
        },
        Read::EverHeld { fact, held_in } => ReadExplain {
            what: format!("{} {}", lang.pick("ever held", "từng đạt"), fact_name(*fact)),
            value: bool_text(!held_in.is_empty(), lang),
            note: Some(held_in_text(held_in, lang)),
        },
        Read::Agg { fun, kind: child, matched, total, value } => {
            let kn = program
                .schema
                .kind_def(*child)
                .map_or(lang.pick("members", "thành viên"), |k| k.name.as_str());
            let value_text = match (fun, value) {
                (AggFn::Share, Value::Num(d)) => {
                    format!("{}%", (d * rust_decimal::Decimal::ONE_HUNDRED).round_dp(2).normalize())
                }
                (_, Value::Bool(b)) => bool_text(*b, lang),
                _ => value.to_string(),
            };
            ReadExplain {
                what: format!("{}({})", agg_name(*fun, lang), lang.pick("members", "thành viên")),
                value: value_text,
                note: Some(match (*fun == AggFn::Sum, lang) {
                    (true, Lang::En) => format!("sum over {total} {kn}"),
                    (true, Lang::Vi) => format!("tổng trên {total} {kn}"),
                    (false, Lang::En) => {
                        format!("{}/{total} {kn} meet the condition", matched.normalize())
                    }
                    (false, Lang::Vi) => {
                        format!("{}/{total} {kn} thỏa điều kiện", matched.normalize())
                    }
                }),
            }
        }
    }
}
