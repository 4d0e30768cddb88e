//! Showing a workflow: a text outline for people and Graphviz DOT for diagrams.

use std::fmt::Write as _;

use super::{BodyKind, Flow, Threshold};
use crate::program::Program;

/// A readable outline: roles, bodies, then each stage with its vote and ways out.
pub fn outline(flow: &Flow, program: &Program) -> String {
    let mut out = String::new();
    let kind = program.schema.kind_def(flow.kind).map_or("?", |k| k.name.as_str());
    let _ = writeln!(out, "{} ({}) — proposals for `{kind}`", flow.label, flow.name);
    if let Some(b) = &flow.basis {
        let _ = writeln!(out, "căn cứ (basis): {b}");
    }
    let roles: Vec<String> = flow
        .roles
        .iter()
        .map(|r| r.label.as_ref().map_or_else(|| r.name.clone(), |l| format!("{} ({l})", r.name)))
        .collect();
    let _ = writeln!(out, "roles: {}", roles.join(", "));
    if let Some(n) = flow.nominate_by {
        let _ = writeln!(out, "nominated by: {}", flow.role_name(n));
    }
    for b in &flow.bodies {
        let who = match &b.kind {
            BodyKind::Roster => String::from("registered roster"),
            BodyKind::Members { kind, within } => format!(
                "each `{}` in the proposal's `{}`",
                program.schema.kind_def(*kind).map_or("?", |k| k.name.as_str()),
                program.schema.kind_def(*within).map_or("?", |k| k.name.as_str())
            ),
        };
        let _ = writeln!(
            out,
            "body {}{}: {who}",
            b.name,
            b.label.as_ref().map(|l| format!(" ({l})")).unwrap_or_default()
        );
    }
    if !flow.calendar.holidays.is_empty() {
        let _ = writeln!(out, "holidays: {} days", flow.calendar.holidays.len());
    }
    for (i, s) in flow.stages.iter().enumerate() {
        let mut flags = Vec::new();
        if i == flow.start {
            flags.push("start");
        }
        if s.terminal {
            flags.push("terminal");
        }
        let _ = writeln!(
            out,
            "\nstage {}{}{}",
            s.name,
            s.label.as_ref().map(|l| format!(" \"{l}\"")).unwrap_or_default(),
            if flags.is_empty() { String::new() } else { format!(" [{}]", flags.join(", ")) }
        );
        if let Some(d) = s.deadline {
            let _ = writeln!(out, "  deadline: {d} working days");
        }
        if let Some(v) = &s.vote {
            let body = flow.bodies.get(v.body).map_or("?", |b| b.name.as_str());
            let threshold = match &v.threshold {
                Threshold::Award => String::from("the award's own rule"),
                Threshold::Fixed { share, of_all } => format!(
                    "≥ {}% of {}",
                    (share * rust_decimal::Decimal::ONE_HUNDRED).normalize(),
                    if *of_all { "all members" } else { "votes cast" }
                ),
            };
            let mut extra = Vec::new();
            if let Some(q) = v.quorum {
                extra.push(format!(
                    "quorum {}%",
                    (q * rust_decimal::Decimal::ONE_HUNDRED).round_dp(1).normalize()
                ));
            }
            extra.push(match v.secret {
                Some(true) => String::from("secret"),
                Some(false) => String::from("open"),
                None => String::from("secret as the award says"),
            });
            if v.written {
                extra.push(String::from("written votes of absent members"));
            }
            if v.exclude_own {
                extra.push(String::from("no vote on one's own proposal"));
            }
            if let Some(r) = v.tie_by {
                extra.push(format!("ties decided by {}", flow.role_name(r)));
            }
            extra.push(format!(
                "{} round(s), then {}",
                v.rounds,
                v.decide_by.map_or_else(
                    || String::from("fail"),
                    |r| format!("{} decides", flow.role_name(r))
                )
            ));
            extra.push(format!("run by {}", flow.role_name(v.run_by)));
            let _ = writeln!(out, "  vote: {body}, threshold {threshold}; {}", extra.join("; "));
        }
        for t in flow.transitions.iter().filter(|t| t.from == i) {
            let how = match t.on {
                Some(true) => String::from("on passed"),
                Some(false) => String::from("on failed"),
                None => format!(
                    "by {}",
                    t.by.iter().map(|r| flow.role_name(*r)).collect::<Vec<_>>().join(" or ")
                ),
            };
            let guards: Vec<&str> = t.guards.iter().map(|g| g.text.as_str()).collect();
            let hooks: Vec<&str> = flow
                .hooks_at(
                    crate::ast::workflow::HookPoint::Guard,
                    flow.transition(&t.name).unwrap_or(usize::MAX),
                )
                .map(|h| h.path.as_str())
                .collect();
            let _ = writeln!(
                out,
                "  → {} via {} ({how}){}{}",
                flow.stage_name(t.to),
                t.name,
                if guards.is_empty() {
                    String::new()
                } else {
                    format!(" when {}", guards.join(" and "))
                },
                if hooks.is_empty() {
                    String::new()
                } else {
                    format!(" + hook {}", hooks.join(", "))
                }
            );
        }
        for h in flow
            .hook_refs
            .iter()
            .filter(|h| h.target == i && h.point != crate::ast::workflow::HookPoint::Guard)
        {
            let _ = writeln!(out, "  hook {}: {}", h.point.name(), h.path);
        }
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz DOT: stages as nodes (terminal ones doubled, vote stages as diamonds), transitions
/// as edges labelled with who takes them.
pub fn dot(flow: &Flow) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", esc(&flow.name));
    let _ = writeln!(out, "  rankdir=LR;\n  node [fontname=\"Helvetica\"];");
    for (i, s) in flow.stages.iter().enumerate() {
        let shape = if s.terminal {
            "doublecircle"
        } else if s.vote.is_some() {
            "diamond"
        } else if i == flow.start {
            "box, style=bold"
        } else {
            "box"
        };
        let label =
            s.label.as_ref().map_or_else(|| s.name.clone(), |l| format!("{l}\\n({})", s.name));
        let _ = writeln!(
            out,
            "  \"{}\" [shape={shape}, label=\"{}\"];",
            esc(&s.name),
            esc(&label).replace("\\\\n", "\\n")
        );
    }
    for t in &flow.transitions {
        let how = match t.on {
            Some(true) => String::from("passed"),
            Some(false) => String::from("failed"),
            None => t.by.iter().map(|r| flow.role_name(*r)).collect::<Vec<_>>().join(" | "),
        };
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\" [label=\"{} ({})\"];",
            esc(flow.stage_name(t.from)),
            esc(flow.stage_name(t.to)),
            esc(&t.name),
            esc(&how)
        );
    }
    out.push_str("}\n");
    out
}

/// A proposal's history, one line per event: when, who, what.
pub fn history(p: &super::engine::Proposal) -> String {
    use super::store::{BallotMode, EventKind, Source};
    let mut out = String::new();
    for e in &p.events {
        let what = match &e.kind {
            EventKind::Nominated { entity, award, cycle, ruleset, source, .. } => format!(
                "nominated `{entity}` for `{award}`, cycle {cycle}, under rule set {}…; {}",
                ruleset.get(..12).unwrap_or(ruleset),
                match source {
                    Source::Eligible => String::from("from the eligible list"),
                    Source::Manual(r) => format!("by hand: {r}"),
                }
            ),
            EventKind::Entered { stage, via, due, note, guards } => {
                let mut s = format!("entered `{stage}`");
                if let Some(v) = via {
                    let _ = write!(s, " via `{v}`");
                }
                if let Some(d) = due {
                    let _ = write!(s, ", due {d}");
                }
                if !guards.is_empty() {
                    let _ = write!(s, "; checked: {}", guards.join("; "));
                }
                if let Some(n) = note {
                    let _ = write!(s, "; note: {n}");
                }
                s
            }
            EventKind::FieldsSet { hook, fields } => {
                let f: Vec<String> =
                    fields.iter().map(|(k, v)| format!("{k} = {}", hook_text(v))).collect();
                format!("hook {hook} set {}", f.join(", "))
            }
            EventKind::RoundOpened {
                round,
                body,
                electorate,
                excluded,
                threshold,
                of_all,
                quorum,
                secret,
                written,
                rule,
                ..
            } => {
                let mut s = format!(
                    "opened round {round} of `{body}`: {} member(s){}; threshold ≥ {}% of {}{}{}{}; rule: {rule}",
                    electorate.len(),
                    if excluded.is_empty() {
                        String::new()
                    } else {
                        format!(" ({} excluded on their own proposal)", excluded.join(", "))
                    },
                    (threshold * rust_decimal::Decimal::ONE_HUNDRED).normalize(),
                    if *of_all { "all members" } else { "votes cast" },
                    quorum
                        .map(|q| format!(
                            ", quorum {}%",
                            (q * rust_decimal::Decimal::ONE_HUNDRED).round_dp(1).normalize()
                        ))
                        .unwrap_or_default(),
                    if *secret { ", secret ballot" } else { ", open ballot" },
                    if *written { ", written votes accepted" } else { "" }
                );
                if electorate.len() <= 12 {
                    let _ = write!(s, "; members: {}", electorate.join(", "));
                }
                s
            }
            EventKind::BallotCast { round, voter, mode, choice } => format!(
                "ballot in round {round} from `{voter}` ({}){}",
                match mode {
                    BallotMode::Present => "present",
                    BallotMode::Written => "in writing",
                },
                choice.map(|c| format!(": {c:?}").to_lowercase()).unwrap_or_default()
            ),
            EventKind::RoundClosed {
                round,
                counts,
                present,
                written,
                members,
                passed,
                tied,
                reason,
                ..
            } => format!(
                "closed round {round}: {} for, {} against, {} abstain; {present} present, {written} in writing, of {members} → {}; {reason}",
                counts.for_,
                counts.against,
                counts.abstain,
                match (passed, tied) {
                    (Some(true), _) => "PASSED",
                    (Some(false), _) => "FAILED",
                    (None, true) => "TIED",
                    (None, false) => "VOID",
                }
            ),
            EventKind::Revoked { grounds, decision } => {
                format!("REVOKED: {grounds}; decision: {decision}")
            }
            EventKind::Migrated { from, to, eligible } => format!(
                "moved from rule set {}… to {}…; {} under the new rules",
                from.get(..12).unwrap_or(from),
                to.get(..12).unwrap_or(to),
                if *eligible { "eligible" } else { "NOT eligible" }
            ),
            EventKind::Decided { passed, reason } => {
                format!(
                    "decided after the last round: {} — {reason}",
                    if *passed { "passed" } else { "failed" }
                )
            }
        };
        let _ =
            writeln!(out, "{:>3} {} {}: {what}", e.version, e.at.format("%Y-%m-%d %H:%M"), e.actor);
    }
    out
}

fn hook_text(v: &crate::hooks::HookValue) -> String {
    use crate::hooks::HookValue;
    match v {
        HookValue::Unit => String::from("()"),
        HookValue::Bool(b) => b.to_string(),
        HookValue::Num(d) => d.normalize().to_string(),
        HookValue::Text(t) => format!("{t:?}"),
        HookValue::List(l) => {
            format!("[{}]", l.iter().map(hook_text).collect::<Vec<_>>().join(", "))
        }
        HookValue::Map(m) => format!(
            "#{{{}}}",
            m.iter().map(|(k, v)| format!("{k}: {}", hook_text(v))).collect::<Vec<_>>().join(", ")
        ),
    }
}
