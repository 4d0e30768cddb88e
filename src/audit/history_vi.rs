//! The Vietnamese rendering of a proposal's history and of the texts the engine recorded.
//!
//! The English rendering is `workflow::show::history`; this one follows it event by event.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::lang::Lang;
use crate::workflow::engine::Proposal;
use crate::workflow::store::EventKind;

/// A text the workflow engine recorded (a vote rule, a tally reason), in `lang`: the
/// catalog's translation, or the text as recorded.
pub(super) fn event_text(text: &str, lang: Lang) -> String {
    match lang {
        Lang::En => text.to_string(),
        Lang::Vi => crate::diag::vi::translate_event(text).unwrap_or_else(|| text.to_string()),
    }
}

/// A guard as recorded (`eligible and rank == 1 [eligible = true, rank = 1]`, or a guard
/// hook's result) in Vietnamese: the condition is rule text and stays; booleans it read become
/// `đúng`/`sai`.
fn guard_text_vi(g: &str) -> String {
    if let Some(t) = crate::diag::vi::translate_event(g) {
        return t;
    }
    let Some((cond, reads)) = g.strip_suffix(']').and_then(|r| r.rsplit_once(" [")) else {
        return g.to_string();
    };
    let reads: Vec<String> = reads
        .split(", ")
        .map(|r| match r.rsplit_once(" = ") {
            Some((name, "true")) => format!("{name} = đúng"),
            Some((name, "false")) => format!("{name} = sai"),
            _ => r.to_string(),
        })
        .collect();
    format!("{cond} [{}]", reads.join(", "))
}

/// A hook's value as the history shows it.
fn hook_value_text(v: &crate::hooks::HookValue) -> String {
    use crate::hooks::HookValue;
    match v {
        HookValue::Unit => String::from("()"),
        HookValue::Bool(true) => String::from("đúng"),
        HookValue::Bool(false) => String::from("sai"),
        HookValue::Num(d) => d.normalize().to_string(),
        HookValue::Text(t) => format!("{t:?}"),
        HookValue::List(l) => {
            format!("[{}]", l.iter().map(hook_value_text).collect::<Vec<_>>().join(", "))
        }
        HookValue::Map(m) => format!(
            "#{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k}: {}", hook_value_text(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A proposal's history in Vietnamese, line for line as [`crate::workflow::show::history`]
/// writes it in English.
pub(super) fn history_vi(p: &Proposal) -> String {
    use crate::workflow::store::{BallotMode, Choice, Source};
    let lang = Lang::Vi;
    let short = |h: &str| h.get(..12).unwrap_or(h).to_string();
    let mut out = String::new();
    for e in &p.events {
        let what = match &e.kind {
            EventKind::Nominated { entity, award, cycle, ruleset, source, .. } => format!(
                "đề nghị `{entity}` cho `{award}`, chu kỳ {cycle}, theo bộ quy tắc {}…; {}",
                short(ruleset),
                match source {
                    Source::Eligible => String::from("từ danh sách đủ điều kiện"),
                    Source::Manual(r) => format!("đề nghị trực tiếp: {r}"),
                }
            ),
            EventKind::Entered { stage, via, due, note, guards } => {
                let mut s = format!("vào bước `{stage}`");
                if let Some(v) = via {
                    let _ = write!(s, " qua `{v}`");
                }
                if let Some(d) = due {
                    let _ = write!(s, ", hạn {d}");
                }
                if !guards.is_empty() {
                    let g: Vec<String> = guards.iter().map(|g| guard_text_vi(g)).collect();
                    let _ = write!(s, "; đã kiểm tra: {}", g.join("; "));
                }
                if let Some(n) = note {
                    let _ = write!(s, "; ghi chú: {n}");
                }
                s
            }
            EventKind::FieldsSet { hook, fields } => {
                let f: Vec<String> =
                    fields.iter().map(|(k, v)| format!("{k} = {}", hook_value_text(v))).collect();
                format!("hook {hook} ghi {}", f.join(", "))
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
                    "mở vòng {round} của `{body}`: {} thành viên{}; ngưỡng ≥ {}% {}{}{}{}; quy định: {}",
                    electorate.len(),
                    if excluded.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " ({} không bỏ phiếu cho đề nghị của chính mình)",
                            excluded.join(", ")
                        )
                    },
                    (threshold * Decimal::ONE_HUNDRED).normalize(),
                    if *of_all {
                        "tổng số thành viên"
                    } else {
                        "số phiếu biểu quyết"
                    },
                    quorum
                        .map(|q| format!(
                            ", túc số {}%",
                            (q * Decimal::ONE_HUNDRED).round_dp(1).normalize()
                        ))
                        .unwrap_or_default(),
                    if *secret { ", bỏ phiếu kín" } else { ", biểu quyết công khai" },
                    if *written { ", nhận phiếu bằng văn bản" } else { "" },
                    event_text(rule, lang)
                );
                if electorate.len() <= 12 {
                    let _ = write!(s, "; thành viên: {}", electorate.join(", "));
                }
                s
            }
            EventKind::BallotCast { round, voter, mode, choice } => format!(
                "phiếu vòng {round} của `{voter}` ({}){}",
                match mode {
                    BallotMode::Present => "có mặt",
                    BallotMode::Written => "bằng văn bản",
                },
                match choice {
                    Some(Choice::For) => ": tán thành",
                    Some(Choice::Against) => ": không tán thành",
                    Some(Choice::Abstain) => ": không biểu quyết",
                    None => "",
                }
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
                "kết thúc vòng {round}: {} tán thành, {} không tán thành, {} không biểu quyết; {present} có mặt, {written} bằng văn bản, trên {members} → {}; {}",
                counts.for_,
                counts.against,
                counts.abstain,
                match (passed, tied) {
                    (Some(true), _) => "THÔNG QUA",
                    (Some(false), _) => "KHÔNG THÔNG QUA",
                    (None, true) => "HÒA",
                    (None, false) => "KHÔNG CÓ KẾT QUẢ",
                },
                event_text(reason, lang)
            ),
            EventKind::Revoked { grounds, decision } => {
                format!("HỦY BỎ: {grounds}; quyết định: {decision}")
            }
            EventKind::Migrated { from, to, eligible } => format!(
                "chuyển từ bộ quy tắc {}… sang {}…; {} theo quy tắc mới",
                short(from),
                short(to),
                if *eligible { "đủ điều kiện" } else { "KHÔNG đủ điều kiện" }
            ),
            EventKind::Decided { passed, reason } => format!(
                "quyết định sau vòng cuối: {} — {reason}",
                if *passed { "thông qua" } else { "không thông qua" }
            ),
        };
        let _ =
            writeln!(out, "{:>3} {} {}: {what}", e.version, e.at.format("%Y-%m-%d %H:%M"), e.actor);
    }
    out
}
