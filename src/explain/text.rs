//! The readable text of an [`Explanation`], in English or Vietnamese.

use std::fmt::Write as _;

use super::{CondExplain, Explanation, ReadExplain, outcome_text};
use crate::lang::Lang;
use crate::program::VoteRule;

/// The headings and words of an explanation's text, in one language.
struct Words {
    explanation: &'static str,
    cycle: &'static str,
    rule_set: &'static str,
    score: &'static str,
    table: &'static str,
    basis: &'static str,
    grade: &'static str,
    rank: &'static str,
    within: &'static str,
    outcome: &'static str,
    reason: &'static str,
    authority: &'static str,
    vote: &'static str,
    disqualifiers: &'static str,
    requirements: &'static str,
    quota: &'static str,
    group: &'static str,
    places: &'static str,
    denominator: &'static str,
    eligible: &'static str,
    position: &'static str,
    reward: &'static str,
    currency: &'static str,
    rule: &'static str,
    title: &'static str,
    commendation: &'static str,
    applies: &'static str,
    does_not_apply: &'static str,
    holds: &'static str,
    fails: &'static str,
}

const EN: Words = Words {
    explanation: "Explanation",
    cycle: "Cycle",
    rule_set: "rule set",
    score: "Score",
    table: "table",
    basis: "basis",
    grade: "grade",
    rank: "rank",
    within: "within",
    outcome: "outcome",
    reason: "reason",
    authority: "authority",
    vote: "vote",
    disqualifiers: "disqualifiers",
    requirements: "requirements",
    quota: "quota",
    group: "group",
    places: "place(s)",
    denominator: "denominator",
    eligible: "eligible",
    position: "position",
    reward: "reward",
    currency: "VND",
    rule: "rule",
    title: "title",
    commendation: "commendation",
    applies: "[✗] applies",
    does_not_apply: "[✓] does not apply",
    holds: "[✓] holds",
    fails: "[✗] fails",
};

const VI: Words = Words {
    explanation: "Giải trình",
    cycle: "Chu kỳ",
    rule_set: "bộ quy tắc",
    score: "Điểm thi đua",
    table: "bảng",
    basis: "căn cứ",
    grade: "xếp loại",
    rank: "thứ hạng",
    within: "trong",
    outcome: "kết quả",
    reason: "lý do",
    authority: "thẩm quyền",
    vote: "biểu quyết",
    disqualifiers: "điều kiện loại trừ",
    requirements: "điều kiện",
    quota: "chỉ tiêu",
    group: "nhóm",
    places: "suất",
    denominator: "mẫu số",
    eligible: "đủ điều kiện",
    position: "vị trí",
    reward: "tiền thưởng",
    currency: "đồng",
    rule: "quy tắc",
    title: "danh hiệu",
    commendation: "hình thức khen thưởng",
    applies: "[✗] áp dụng",
    does_not_apply: "[✓] không áp dụng",
    holds: "[✓] đạt",
    fails: "[✗] không đạt",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Vi => &VI,
    }
}

/// A vote rule in words: `council ≥ 80% of all members, secret ballot`.
fn vote_text(v: &VoteRule, lang: Lang) -> String {
    let pct = (v.threshold * rust_decimal::Decimal::ONE_HUNDRED).normalize();
    match lang {
        Lang::En => format!(
            "{} ≥ {pct}% of {} members, {}",
            v.body,
            if v.of_all { "all" } else { "present" },
            if v.secret { "secret ballot" } else { "open ballot" }
        ),
        Lang::Vi => format!(
            "{} ≥ {pct}% {}, {}",
            v.body,
            if v.of_all { "tổng số thành viên" } else { "thành viên có mặt" },
            if v.secret { "bỏ phiếu kín" } else { "biểu quyết công khai" }
        ),
    }
}

impl Explanation {
    /// Render as readable text, in the explanation's language ([`Explanation::lang`]).
    pub fn text(&self) -> String {
        let w = words(self.lang);
        let mut out = String::new();
        let e = &self.entity;
        let name = e.name.as_deref().map(|n| format!("{n} ")).unwrap_or_default();
        let kind =
            e.kind_label.as_deref().map_or_else(|| e.kind.clone(), |l| format!("{l}, {}", e.kind));
        let _ = writeln!(out, "{}: {name}[{kind} {}]", w.explanation, e.id);
        let _ = writeln!(
            out,
            "{} {} ({}), {} {}",
            w.cycle, self.cycle, self.period, w.rule_set, self.ruleset
        );
        if let Some(s) = &self.score {
            let _ =
                writeln!(out, "\n{}: {} / {} — {} {}", w.score, s.total, s.max, w.table, s.table);
            if let Some(b) = &s.basis {
                let _ = writeln!(out, "  {}: {b}", w.basis);
            }
            if let Some(g) = &s.grade {
                let _ = writeln!(out, "  {}: {g}", w.grade);
            }
            if let Some(r) = s.rank {
                let _ = writeln!(
                    out,
                    "  {}: {r}{}",
                    w.rank,
                    s.within.as_ref().map(|g| format!(" {} {g}", w.within)).unwrap_or_default()
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
            let category = if a.category == "title" { w.title } else { w.commendation };
            let _ = writeln!(out, "\n{label}({}, {category})", a.award);
            let _ = writeln!(out, "  {}: {}", w.outcome, outcome_text(a.outcome, self.lang));
            let _ = writeln!(out, "  {}: {}", w.reason, a.reason);
            if let Some(b) = &a.basis {
                let _ = writeln!(out, "  {}: {b}", w.basis);
            }
            if let Some(au) = &a.authority {
                let _ = writeln!(out, "  {}: {au}", w.authority);
            }
            for v in &a.votes {
                let _ = writeln!(out, "  {}: {}", w.vote, vote_text(v, self.lang));
            }
            write_conds(&mut out, w, w.disqualifiers, &a.disqualifiers, true);
            write_conds(&mut out, w, w.requirements, &a.requirements, false);
            if let Some(q) = &a.quota {
                let _ = writeln!(out, "  {}: {}", w.quota, q.rule);
                let denom = q
                    .trace
                    .denominator
                    .map(|d| format!(", {} {d}", w.denominator))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    {}{} {} {}{denom}; {} {}; {} {}",
                    q.trace
                        .group
                        .as_ref()
                        .map(|g| format!("{} {g}: ", w.group))
                        .unwrap_or_default(),
                    w.quota,
                    q.trace.limit,
                    w.places,
                    q.trace.eligible,
                    w.eligible,
                    w.position,
                    q.trace.position
                );
            }
            if let Some(r) = &a.reward {
                let _ = writeln!(out, "  {}: {r} {}", w.reward, w.currency);
                for i in &a.reward_inputs {
                    write_read(&mut out, i);
                }
            }
        }
        out
    }
}

fn write_conds(out: &mut String, w: &Words, title: &str, conds: &[CondExplain], disq: bool) {
    if conds.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {title}:");
    for c in conds {
        let mark = match (disq, c.holds) {
            (true, true) => w.applies,
            (true, false) => w.does_not_apply,
            (false, true) => w.holds,
            (false, false) => w.fails,
        };
        let label = c.label.as_deref().unwrap_or("");
        let _ = writeln!(out, "    {mark} — {label}");
        if let Some(b) = &c.basis {
            let _ = writeln!(out, "        {}: {b}", w.basis);
        }
        let _ = writeln!(out, "        {} {}: {}", w.rule, c.location, c.rule);
        for i in &c.inputs {
            write_read(out, i);
        }
    }
}

fn write_read(out: &mut String, r: &ReadExplain) {
    let note = r.note.as_deref().map(|n| format!("  [{n}]")).unwrap_or_default();
    let _ = writeln!(out, "        • {} = {}{note}", r.what, r.value);
}
