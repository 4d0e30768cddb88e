//! Showing a workflow: a text outline for people and Graphviz DOT for diagrams; and a
//! proposal's history, in English or Vietnamese.

use std::fmt::Write as _;

use super::{BodyKind, Flow, Threshold};
use crate::lang::Lang;
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

/// A proposal's history in English, one line per event: when, who, what.
pub fn history(p: &super::engine::Proposal) -> String {
    history_in(p, Lang::En)
}

/// A proposal's history in `lang`, one line per event: when, who, what. The layout is the
/// same in both languages; only the phrases (beside each other below) and the texts the
/// engine recorded (vote rules, tally reasons, guards, through the catalog) are translated.
pub fn history_in(p: &super::engine::Proposal, lang: Lang) -> String {
    let mut out = String::new();
    for e in &p.events {
        let _ = writeln!(
            out,
            "{:>3} {} {}: {}",
            e.version,
            e.at.format("%Y-%m-%d %H:%M"),
            e.actor,
            event_line(&e.kind, lang)
        );
    }
    out
}

/// What one event of a history says, in `lang`.
fn event_line(kind: &super::store::EventKind, lang: Lang) -> String {
    use super::store::{BallotMode, EventKind, Source};
    let w = |en: &'static str, vi: &'static str| lang.pick(en, vi);
    let short = |h: &str| h.get(..12).unwrap_or(h).to_string();
    match kind {
        EventKind::Nominated { entity, award, cycle, ruleset, source, .. } => format!(
            "{} `{entity}` {} `{award}`, {} {cycle}, {} {}…; {}",
            w("nominated", "đề nghị"),
            w("for", "cho"),
            w("cycle", "chu kỳ"),
            w("under rule set", "theo bộ quy tắc"),
            short(ruleset),
            match source {
                Source::Eligible =>
                    w("from the eligible list", "từ danh sách đủ điều kiện").to_string(),
                Source::Manual(r) => format!("{}: {r}", w("by hand", "đề nghị trực tiếp")),
            }
        ),
        EventKind::Entered { stage, via, due, note, guards } => {
            let mut s = format!("{} `{stage}`", w("entered", "vào bước"));
            if let Some(v) = via {
                let _ = write!(s, " {} `{v}`", w("via", "qua"));
            }
            if let Some(d) = due {
                let _ = write!(s, ", {} {d}", w("due", "hạn"));
            }
            if !guards.is_empty() {
                let g: Vec<String> = guards.iter().map(|g| guard_text(g, lang)).collect();
                let _ = write!(s, "; {}: {}", w("checked", "đã kiểm tra"), g.join("; "));
            }
            if let Some(n) = note {
                let _ = write!(s, "; {}: {n}", w("note", "ghi chú"));
            }
            s
        }
        EventKind::FieldsSet { hook, fields } => {
            let f: Vec<String> =
                fields.iter().map(|(k, v)| format!("{k} = {}", hook_text(v, lang))).collect();
            format!("hook {hook} {} {}", w("set", "ghi"), f.join(", "))
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
                "{} {round} {} `{body}`: {} {}{}; {} ≥ {}% {}{}{}{}; {}: {}",
                w("opened round", "mở vòng"),
                w("of", "của"),
                electorate.len(),
                w("member(s)", "thành viên"),
                if excluded.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({} {})",
                        excluded.join(", "),
                        w(
                            "excluded on their own proposal",
                            "không bỏ phiếu cho đề nghị của chính mình"
                        )
                    )
                },
                w("threshold", "ngưỡng"),
                (threshold * rust_decimal::Decimal::ONE_HUNDRED).normalize(),
                if *of_all {
                    w("of all members", "tổng số thành viên")
                } else {
                    w("of votes cast", "số phiếu biểu quyết")
                },
                quorum
                    .map(|q| format!(
                        ", {} {}%",
                        w("quorum", "túc số"),
                        (q * rust_decimal::Decimal::ONE_HUNDRED).round_dp(1).normalize()
                    ))
                    .unwrap_or_default(),
                if *secret {
                    w(", secret ballot", ", bỏ phiếu kín")
                } else {
                    w(", open ballot", ", biểu quyết công khai")
                },
                if *written {
                    w(", written votes accepted", ", nhận phiếu bằng văn bản")
                } else {
                    ""
                },
                w("rule", "quy định"),
                event_text(rule, lang)
            );
            if electorate.len() <= 12 {
                let _ = write!(s, "; {}: {}", w("members", "thành viên"), electorate.join(", "));
            }
            s
        }
        EventKind::BallotCast { round, voter, mode, choice } => format!(
            "{} {round} {} `{voter}` ({}){}",
            w("ballot in round", "phiếu vòng"),
            w("from", "của"),
            mode_word(*mode, lang),
            choice.map(|c| format!(": {}", choice_word(c, lang))).unwrap_or_default()
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
        } => {
            use super::store::Choice;
            format!(
                "{} {round}: {} {}, {} {}, {} {}; {present} {}, {written} {}, {} {members} → {}; {}",
                w("closed round", "kết thúc vòng"),
                counts.for_,
                choice_word(Choice::For, lang),
                counts.against,
                choice_word(Choice::Against, lang),
                counts.abstain,
                choice_word(Choice::Abstain, lang),
                mode_word(BallotMode::Present, lang),
                mode_word(BallotMode::Written, lang),
                w("of", "trên"),
                match (passed, tied) {
                    (Some(true), _) => w("PASSED", "THÔNG QUA"),
                    (Some(false), _) => w("FAILED", "KHÔNG THÔNG QUA"),
                    (None, true) => w("TIED", "HÒA"),
                    (None, false) => w("VOID", "KHÔNG CÓ KẾT QUẢ"),
                },
                event_text(reason, lang)
            )
        }
        EventKind::Revoked { grounds, decision } => format!(
            "{}: {grounds}; {}: {decision}",
            w("REVOKED", "HỦY BỎ"),
            w("decision", "quyết định")
        ),
        EventKind::Migrated { from, to, eligible } => format!(
            "{} {}… {} {}…; {} {}",
            w("moved from rule set", "chuyển từ bộ quy tắc"),
            short(from),
            w("to", "sang"),
            short(to),
            if *eligible {
                w("eligible", "đủ điều kiện")
            } else {
                w("NOT eligible", "KHÔNG đủ điều kiện")
            },
            w("under the new rules", "theo quy tắc mới")
        ),
        // The reason is shown as recorded in both languages (unlike a round's).
        EventKind::Decided { passed, reason } => format!(
            "{}: {} — {reason}",
            w("decided after the last round", "quyết định sau vòng cuối"),
            if *passed { w("passed", "thông qua") } else { w("failed", "không thông qua") }
        ),
    }
}

/// A ballot's choice, as a ballot line and a tally name it.
fn choice_word(c: super::store::Choice, lang: Lang) -> &'static str {
    use super::store::Choice;
    match c {
        Choice::For => lang.pick("for", "tán thành"),
        Choice::Against => lang.pick("against", "không tán thành"),
        Choice::Abstain => lang.pick("abstain", "không biểu quyết"),
    }
}

/// How a ballot was given, as a ballot line and a tally name it.
fn mode_word(m: super::store::BallotMode, lang: Lang) -> &'static str {
    use super::store::BallotMode;
    match m {
        BallotMode::Present => lang.pick("present", "có mặt"),
        BallotMode::Written => lang.pick("in writing", "bằng văn bản"),
    }
}

fn truth_word(b: bool, lang: Lang) -> &'static str {
    if b { lang.pick("true", "đúng") } else { lang.pick("false", "sai") }
}

/// The catalog's translation of a text the workflow engine recorded, if `lang` needs one
/// and the catalog has it.
fn translated(text: &str, lang: Lang) -> Option<String> {
    match lang {
        Lang::En => None,
        Lang::Vi => crate::diag::vi::translate_event(text),
    }
}

/// A text the workflow engine recorded (a vote rule, a tally reason), in `lang`: the
/// catalog's translation, or the text as recorded.
pub(crate) fn event_text(text: &str, lang: Lang) -> String {
    translated(text, lang).unwrap_or_else(|| text.to_string())
}

/// A guard as recorded (`eligible and rank == 1 [eligible = true, rank = 1]`, or a guard
/// hook's result) in `lang`: the catalog's translation if it has one; otherwise the condition
/// is rule text and stays, and the booleans it read are named in `lang`.
fn guard_text(g: &str, lang: Lang) -> String {
    if let Some(t) = translated(g, lang) {
        return t;
    }
    let Some((cond, reads)) = g.strip_suffix(']').and_then(|r| r.rsplit_once(" [")) else {
        return g.to_string();
    };
    let reads: Vec<String> = reads
        .split(", ")
        .map(|r| match r.rsplit_once(" = ") {
            Some((name, "true")) => format!("{name} = {}", truth_word(true, lang)),
            Some((name, "false")) => format!("{name} = {}", truth_word(false, lang)),
            _ => r.to_string(),
        })
        .collect();
    format!("{cond} [{}]", reads.join(", "))
}

/// A hook's value as the history shows it.
fn hook_text(v: &crate::hooks::HookValue, lang: Lang) -> String {
    use crate::hooks::HookValue;
    let text = |v: &HookValue| hook_text(v, lang);
    match v {
        HookValue::Unit => String::from("()"),
        HookValue::Bool(b) => truth_word(*b, lang).to_string(),
        HookValue::Num(d) => d.normalize().to_string(),
        HookValue::Text(t) => format!("{t:?}"),
        HookValue::List(l) => format!("[{}]", l.iter().map(text).collect::<Vec<_>>().join(", ")),
        HookValue::Map(m) => format!(
            "#{{{}}}",
            m.iter().map(|(k, v)| format!("{k}: {}", text(v))).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[cfg(test)]
mod tests;
