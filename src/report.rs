//! Presenting an [`Evaluation`]: a text table for people and JSON for tools.
//!
//! Output is a pure function of the program, the data and the evaluation: rows keep data-file
//! order, awards keep declared order, and no hash-map order leaks in.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::eval::{Evaluation, Outcome};
use crate::model::{Dataset, KindId, Type, Value};
use crate::program::Program;

/// Display form of a value (enum variants by name, numbers normalised).
pub fn show_value(program: &Program, ty: Option<Type>, v: &Value) -> String {
    match (ty, v) {
        (Some(Type::Enum(e)), Value::Enum(pos)) => program
            .schema
            .enum_def(e)
            .map_or_else(|| format!("#{pos}"), |d| d.variant_name(*pos).to_string()),
        (Some(Type::Percent), Value::Num(d)) => {
            format!("{}%", (d * Decimal::ONE_HUNDRED).normalize())
        }
        (Some(Type::Money), Value::Num(d)) => money(*d),
        (_, Value::Text(t)) => t.to_string(),
        _ => v.to_string(),
    }
}

/// `2340000` → `2.340.000` (Vietnamese thousands separator), with decimals after a comma.
pub fn money(d: Decimal) -> String {
    let d = d.normalize();
    let s = d.abs().trunc().to_string();
    let mut grouped = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    let frac = d.abs().fract();
    if !frac.is_zero() {
        let f = frac.to_string();
        grouped.push(',');
        grouped.push_str(f.trim_start_matches("0."));
    }
    if d.is_sign_negative() && !d.is_zero() { format!("-{grouped}") } else { grouped }
}

/// Display of a score: two decimals at most, no trailing zeros.
pub fn points(d: Decimal) -> String {
    d.round_dp(2).normalize().to_string()
}

/// The label of a kind, else its name.
fn kind_title(program: &Program, k: KindId) -> String {
    program.schema.kind_def(k).map_or_else(String::new, |d| match &d.label {
        Some(l) => format!("{l} ({})", d.name),
        None => d.name.clone(),
    })
}

/// The first text field of a kind: what we show as an entity's name.
pub fn name_field(program: &Program, k: KindId) -> Option<usize> {
    program.schema.kind_def(k)?.fields.iter().position(|f| f.ty == Type::Text)
}

/// An entity's display name (first text field), if any.
pub fn entity_name(program: &Program, data: &Dataset, k: KindId, row: u32) -> Option<String> {
    let f = name_field(program, k)?;
    match data.table(k)?.row(row).get(f)? {
        Value::Text(t) => Some(t.to_string()),
        _ => None,
    }
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width { s.to_string() } else { format!("{s}{}", " ".repeat(width - n)) }
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(width - 1).collect::<String>())
    }
}

/// The evaluation as a text table: one section per entity kind, then a summary per award.
pub fn table(program: &Program, data: &Dataset, eval: &Evaluation) -> String {
    let mut out = String::new();
    let c = eval.cycle;
    let _ = writeln!(out, "{} ({})", program.label, program.name);
    let _ = writeln!(out, "Chu kỳ (cycle) {}: {} … {}", c.year, c.start, c.end);
    if let Some(b) = &program.basis {
        let _ = writeln!(out, "Căn cứ (basis): {b}");
    }
    for (ki, _) in program.schema.kinds.iter().enumerate() {
        let k = KindId(u32::try_from(ki).unwrap_or(u32::MAX));
        let Some(t) = data.table(k) else { continue };
        let scores = eval.scores.get(ki).filter(|s| s.scored);
        let ranks = eval.ranks.get(ki).filter(|r| !r.is_empty());
        let awards: Vec<(usize, &crate::program::Award)> =
            program.awards.iter().enumerate().filter(|(_, a)| a.kind == k).collect();
        if scores.is_none() && awards.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} — {} entities", kind_title(program, k), t.len());
        let grade_enum = program
            .scorings
            .iter()
            .find(|s| s.kind == k)
            .and_then(|s| s.grades.as_ref())
            .map(|g| g.enum_id);
        let within = program
            .scorings
            .iter()
            .find(|s| s.kind == k)
            .and_then(|s| s.rank.as_ref())
            .map(|r| r.within);
        let mut header = format!("  {} {}", pad("id", 10), pad("name", 32));
        if scores.is_some() {
            header.push_str(&format!(" {:>7} {}", "score", pad("grade", 12)));
        }
        if ranks.is_some() {
            header.push_str(&format!(" {:>4} {}", "rank", pad("within", 8)));
        }
        header.push_str(" awards");
        let _ = writeln!(out, "{}", header.trim_end());
        for row in 0..t.len() {
            let r = u32::try_from(row).unwrap_or(u32::MAX);
            let id = t.ids.get(row).map_or("", |s| s.as_ref());
            let name = entity_name(program, data, k, r).unwrap_or_default();
            let mut line = format!("  {} {}", pad(id, 10), pad(&truncate(&name, 32), 32));
            if let Some(s) = scores {
                let total = s.total.get(row).copied().unwrap_or_default();
                let grade = match (grade_enum, s.grade.get(row)) {
                    (Some(e), Some(g)) => {
                        show_value(program, Some(Type::Enum(e)), &Value::Enum(*g))
                    }
                    _ => String::new(),
                };
                line.push_str(&format!(" {:>7} {}", points(total), pad(&grade, 12)));
            }
            if let Some(rk) = ranks {
                let group =
                    within.and_then(|w| ancestor_id(program, data, k, r, w)).unwrap_or_default();
                line.push_str(&format!(
                    " {:>4} {}",
                    rk.get(row).copied().unwrap_or(0),
                    pad(&group, 8)
                ));
            }
            let granted: Vec<&str> = awards
                .iter()
                .filter(|(ai, _)| {
                    eval.awards
                        .get(*ai)
                        .and_then(|a| a.outcome.get(row))
                        .is_some_and(|o| o.eligible())
                })
                .map(|(_, a)| a.name.as_str())
                .collect();
            line.push(' ');
            line.push_str(&if granted.is_empty() { String::from("-") } else { granted.join(", ") });
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    let _ = writeln!(out, "\nTổng hợp (summary)");
    let _ = writeln!(
        out,
        "  {} {:>7} {:>10} {:>12} {:>12} {:>16}",
        pad("award", 44),
        "eligible",
        "over quota",
        "disqualified",
        "not eligible",
        "reward (đồng)"
    );
    for (ai, a) in program.awards.iter().enumerate() {
        let Some(res) = eval.awards.get(ai) else { continue };
        let count = |o: Outcome| res.outcome.iter().filter(|x| **x == o).count();
        let total: Decimal = res.reward.iter().flatten().copied().sum();
        let label = format!("{} ({})", a.label.as_deref().unwrap_or(&a.name), a.name);
        let _ = writeln!(
            out,
            "  {} {:>7} {:>10} {:>12} {:>12} {:>16}",
            pad(&truncate(&label, 44), 44),
            count(Outcome::Eligible),
            count(Outcome::OverQuota),
            count(Outcome::Disqualified),
            count(Outcome::NotEligible),
            if a.reward.is_some() { money(total) } else { String::from("-") }
        );
    }
    out
}

/// The id of the ancestor of kind `target`.
pub fn ancestor_id(
    program: &Program,
    data: &Dataset,
    kind: KindId,
    row: u32,
    target: KindId,
) -> Option<String> {
    let r = data.ancestor(&program.schema, kind, row, target)?;
    data.table(target)?.ids.get(r as usize).map(|s| s.to_string())
}

#[derive(Serialize)]
struct JsonReport<'a> {
    ruleset: &'a str,
    label: &'a str,
    basis: Option<&'a str>,
    cycle: JsonCycle,
    params: Vec<JsonParam<'a>>,
    entities: Vec<JsonEntity>,
    summary: Vec<JsonSummary<'a>>,
}

#[derive(Serialize)]
struct JsonCycle {
    year: i32,
    start: String,
    end: String,
}

#[derive(Serialize)]
struct JsonParam<'a> {
    name: &'a str,
    value: String,
    from: String,
    basis: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonEntity {
    kind: String,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grade: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rank: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    criteria: Vec<(String, String)>,
    awards: Vec<JsonDecision>,
}

#[derive(Serialize)]
struct JsonDecision {
    award: String,
    outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    reward: Option<String>,
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    award: &'a str,
    label: Option<&'a str>,
    eligible: usize,
    over_quota: usize,
    disqualified: usize,
    not_eligible: usize,
    reward_total: String,
}

/// The evaluation as pretty JSON.
pub fn json(program: &Program, data: &Dataset, eval: &Evaluation) -> String {
    let params = program
        .params
        .iter()
        .zip(&eval.params)
        .map(|(p, (v, idx))| {
            let pv = p.values.get(*idx);
            JsonParam {
                name: &p.name,
                value: show_value(program, Some(p.ty), v),
                from: pv.map(|x| x.from.to_string()).unwrap_or_default(),
                basis: pv.and_then(|x| x.basis.as_deref()),
            }
        })
        .collect();
    let mut entities = Vec::new();
    for (ki, kind) in program.schema.kinds.iter().enumerate() {
        let k = KindId(u32::try_from(ki).unwrap_or(u32::MAX));
        let Some(t) = data.table(k) else { continue };
        let sc = program.scorings.iter().find(|s| s.kind == k);
        let scores = eval.scores.get(ki).filter(|s| s.scored);
        for row in 0..t.len() {
            let r = u32::try_from(row).unwrap_or(u32::MAX);
            let grade =
                match (sc.and_then(|s| s.grades.as_ref()), scores.and_then(|s| s.grade.get(row))) {
                    (Some(g), Some(pos)) => {
                        Some(show_value(program, Some(Type::Enum(g.enum_id)), &Value::Enum(*pos)))
                    }
                    _ => None,
                };
            let criteria = match (sc, scores) {
                (Some(sc), Some(s)) => {
                    let n = sc.nodes.len();
                    let mut c: Vec<(String, String)> = sc
                        .nodes
                        .iter()
                        .enumerate()
                        .map(|(i, node)| {
                            (
                                node.name.clone(),
                                points(s.nodes.get(row * n + i).copied().unwrap_or_default()),
                            )
                        })
                        .collect();
                    let m = sc.adjusts.len();
                    c.extend(sc.adjusts.iter().enumerate().map(|(i, a)| {
                        let p = s.adjusts.get(row * m + i).copied().unwrap_or_default();
                        (a.name.clone(), points(if a.bonus { p } else { -p }))
                    }));
                    c
                }
                _ => Vec::new(),
            };
            let awards = program
                .awards
                .iter()
                .enumerate()
                .filter(|(_, a)| a.kind == k)
                .filter_map(|(ai, a)| {
                    let res = eval.awards.get(ai)?;
                    Some(JsonDecision {
                        award: a.name.clone(),
                        outcome: *res.outcome.get(row)?,
                        reward: res
                            .reward
                            .get(row)
                            .copied()
                            .flatten()
                            .map(|d| d.normalize().to_string()),
                    })
                })
                .collect();
            entities.push(JsonEntity {
                kind: kind.name.clone(),
                id: t.ids.get(row).map(|s| s.to_string()).unwrap_or_default(),
                name: entity_name(program, data, k, r),
                score: scores.and_then(|s| s.total.get(row)).map(|d| points(*d)),
                grade,
                rank: eval.ranks.get(ki).and_then(|rk| rk.get(row)).copied(),
                criteria,
                awards,
            });
        }
    }
    let summary = program
        .awards
        .iter()
        .zip(&eval.awards)
        .map(|(a, res)| {
            let count = |o: Outcome| res.outcome.iter().filter(|x| **x == o).count();
            JsonSummary {
                award: &a.name,
                label: a.label.as_deref(),
                eligible: count(Outcome::Eligible),
                over_quota: count(Outcome::OverQuota),
                disqualified: count(Outcome::Disqualified),
                not_eligible: count(Outcome::NotEligible),
                reward_total: res
                    .reward
                    .iter()
                    .flatten()
                    .copied()
                    .sum::<Decimal>()
                    .normalize()
                    .to_string(),
            }
        })
        .collect();
    let report = JsonReport {
        ruleset: &program.name,
        label: &program.label,
        basis: program.basis.as_deref(),
        cycle: JsonCycle {
            year: eval.cycle.year,
            start: eval.cycle.start.to_string(),
            end: eval.cycle.end.to_string(),
        },
        params,
        entities,
        summary,
    };
    let mut s =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::money;
    use rust_decimal::Decimal;

    #[test]
    fn money_groups_thousands_the_vietnamese_way() {
        assert_eq!(money(Decimal::from(2_340_000)), "2.340.000");
        assert_eq!(money(Decimal::from(702_000)), "702.000");
        assert_eq!(money(Decimal::new(12345, 1)), "1.234,5");
        assert_eq!(money(Decimal::ZERO), "0");
    }
}
