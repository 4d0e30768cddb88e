//! The diff as text for a terminal. Headings are English or Vietnamese; labels, rule text and
//! names are shown as the rule files write them.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::eval::Outcome;
use crate::lang::Lang;
use crate::report::money;

use super::{
    AwardChange, AwardChangeKind, ChangeKind, Decision, Diff, EntityChange, Reason, RuleChange,
    Standing, Written,
};

/// Pick a heading in the chosen language.
#[derive(Clone, Copy)]
struct Words(Lang);

impl Words {
    fn t(self, en: &'static str, vi: &'static str) -> &'static str {
        self.0.pick(en, vi)
    }
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width { s.to_string() } else { format!("{s}{}", " ".repeat(width - n)) }
}

/// A reward string (exact decimal) in the Vietnamese money format.
fn dong(s: &str) -> String {
    s.parse::<Decimal>().map_or_else(|_| s.to_string(), money)
}

fn num(n: Option<u32>) -> String {
    n.map_or_else(|| String::from("-"), |n| n.to_string())
}

fn with_label(name: &str, label: Option<&str>) -> String {
    match label {
        Some(l) => format!("{name} ({l})"),
        None => name.to_string(),
    }
}

pub(super) fn table(d: &Diff, lang: Lang) -> String {
    let w = Words(lang);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} → {}",
        w.t("Impact of a rule change", "Tác động của thay đổi quy chế"),
        d.old.file,
        d.new.file
    );
    for (tag, s) in [(w.t("OLD", "CŨ"), &d.old), (w.t("NEW", "MỚI"), &d.new)] {
        let _ = writeln!(
            out,
            "  {tag}: {} — {} ({}), {} {} ({} … {})",
            s.file,
            s.label,
            s.ruleset,
            w.t("cycle", "chu kỳ"),
            s.cycle.year,
            s.cycle.start,
            s.cycle.end
        );
    }
    let _ = writeln!(out, "  {}: {}", w.t("data", "dữ liệu"), d.data);
    rules(&mut out, w, &d.rules);
    for nc in &d.not_compared {
        let side = if nc.side == "old" { w.t("OLD", "CŨ") } else { w.t("NEW", "MỚI") };
        let _ = writeln!(
            out,
            "\n{}: `{}` ({} {side}, {} {})",
            w.t("Not compared", "Không so sánh"),
            nc.kind,
            w.t("declared only in", "chỉ khai báo trong"),
            nc.entities,
            w.t("entities", "đối tượng")
        );
    }
    entities(&mut out, w, &d.entities);
    summary(&mut out, w, d);
    out
}

fn rules(out: &mut String, w: Words, rules: &[RuleChange]) {
    if rules.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            w.t(
                "No rule changes: the two files declare the same rules.",
                "Không có thay đổi quy tắc: hai tệp quy định như nhau."
            )
        );
        return;
    }
    let _ = writeln!(out, "\n{} ({})", w.t("Rule changes", "Thay đổi quy tắc"), rules.len());
    for c in rules {
        let sym = match c.change {
            ChangeKind::Added => "+",
            ChangeKind::Removed => "-",
            ChangeKind::Changed | ChangeKind::Moved | ChangeKind::Reordered => "~",
        };
        let mut head = format!("  {sym} {} {}", c.declaration, c.name);
        if let Some(p) = &c.part {
            head.push_str(" › ");
            head.push_str(p);
        }
        if let Some(l) = &c.label {
            let _ = write!(head, " ({l})");
        }
        match (&c.property, c.change) {
            (Some(p), _) => {
                let _ = write!(head, ": {p}");
            }
            (None, ChangeKind::Moved) => head.push_str(w.t(": moved", ": chuyển nhóm")),
            (None, ChangeKind::Reordered) => {
                head.push_str(w.t(": order changed", ": thay đổi thứ tự"));
            }
            (None, ChangeKind::Changed) => head.push_str(w.t(": changed", ": thay đổi")),
            (None, _) => {}
        }
        let _ = writeln!(out, "{head}");
        let side = |out: &mut String, tag: &str, x: &Option<Written>| match x {
            Some(x) => {
                let _ = writeln!(out, "      {tag}: {}  [{}]", x.text, x.at);
            }
            None => {
                let _ = writeln!(out, "      {tag}: {}", w.t("(none)", "(không có)"));
            }
        };
        match c.change {
            ChangeKind::Added => side(out, w.t("new", "mới"), &c.new),
            ChangeKind::Removed => side(out, w.t("old", "cũ"), &c.old),
            _ => {
                side(out, w.t("old", "cũ"), &c.old);
                side(out, w.t("new", "mới"), &c.new);
            }
        }
    }
}

fn entities(out: &mut String, w: Words, list: &[EntityChange]) {
    if list.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            w.t(
                "Nobody is affected: every score, grade, rank, award and reward is the same.",
                "Không ai bị ảnh hưởng: điểm, xếp loại, thứ hạng, khen thưởng và tiền thưởng đều như cũ."
            )
        );
        return;
    }
    let is_reward = |a: &&AwardChange| a.change == AwardChangeKind::RewardChanged;
    // Reward amounts alone move with the formula for every holder: grouped below.
    let shown: Vec<&EntityChange> = list
        .iter()
        .filter(|e| e.score.is_some() || e.awards.iter().any(|a| !is_reward(&a)))
        .collect();
    if shown.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            w.t(
                "No award is gained or lost, and no score, grade or rank changes.",
                "Không ai được thêm hay bị mất khen thưởng; điểm, xếp loại, thứ hạng đều như cũ."
            )
        );
    } else {
        let _ = writeln!(
            out,
            "\n{} ({})",
            w.t("Who is affected", "Đối tượng bị ảnh hưởng"),
            shown.len()
        );
    }
    for e in shown {
        let name = e.name.as_deref().map(|n| format!("  {n}")).unwrap_or_default();
        let _ = writeln!(out, "  {} {}{name}", e.kind, e.id);
        if let Some(s) = &e.score {
            let _ = writeln!(out, "    {}", standing_line(w, s.old.as_ref(), s.new.as_ref()));
            for c in &s.criteria {
                let label = c.label.as_deref().map(|l| format!("  {l}")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "      {} {} → {}{label}",
                    c.name,
                    c.old.as_deref().unwrap_or("-"),
                    c.new.as_deref().unwrap_or("-")
                );
            }
        }
        for a in e.awards.iter().filter(|a| !is_reward(a)) {
            award(out, w, a);
        }
    }
    rewards(out, w, list);
}

/// Reward amounts that changed for entities eligible on both sides, grouped by award and
/// amounts, with the ids.
fn rewards(out: &mut String, w: Words, list: &[EntityChange]) {
    type Key<'x> = (&'x str, Option<&'x str>, Option<&'x str>, &'x str);
    let mut groups: Vec<(Key<'_>, Option<&str>, Vec<&str>)> = Vec::new();
    for e in list {
        for a in e.awards.iter().filter(|a| a.change == AwardChangeKind::RewardChanged) {
            let key = (
                a.award.as_str(),
                a.old.reward.as_deref(),
                a.new.reward.as_deref(),
                e.kind.as_str(),
            );
            match groups.iter_mut().find(|(k, ..)| *k == key) {
                Some((_, _, ids)) => ids.push(&e.id),
                None => groups.push((key, a.label.as_deref(), vec![&e.id])),
            }
        }
    }
    if groups.is_empty() {
        return;
    }
    let total: usize = groups.iter().map(|(_, _, ids)| ids.len()).sum();
    let _ =
        writeln!(out, "\n{} ({total})", w.t("Reward amounts changed", "Thay đổi mức tiền thưởng"));
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    for ((award, old, new, kind), label, ids) in groups {
        let _ = writeln!(
            out,
            "  {}: {} → {} đồng, {} {kind}:",
            with_label(award, label),
            old.map_or_else(|| String::from("-"), dong),
            new.map_or_else(|| String::from("-"), dong),
            ids.len()
        );
        let mut line = String::from("     ");
        for id in ids {
            if line.chars().count() + id.chars().count() + 1 > 96 {
                let _ = writeln!(out, "{line}");
                line = String::from("     ");
            }
            line.push(' ');
            line.push_str(id);
        }
        let _ = writeln!(out, "{line}");
    }
}

/// `score 85 → 90, grade tot → xuat_sac, rank 2 in cum1`: arrows only where it changed.
fn standing_line(w: Words, old: Option<&Standing>, new: Option<&Standing>) -> String {
    fn pair(a: Option<String>, b: Option<String>) -> Option<String> {
        match (a, b) {
            (None, None) => None,
            (a, b) if a == b => a,
            (a, b) => Some(format!(
                "{} → {}",
                a.unwrap_or_else(|| String::from("-")),
                b.unwrap_or_else(|| String::from("-"))
            )),
        }
    }
    let mut parts = Vec::new();
    if let Some(s) = pair(old.map(|s| s.score.clone()), new.map(|s| s.score.clone())) {
        parts.push(format!("{} {s}", w.t("score", "điểm")));
    }
    if let Some(g) = pair(old.and_then(|s| s.grade.clone()), new.and_then(|s| s.grade.clone())) {
        parts.push(format!("{} {g}", w.t("grade", "xếp loại")));
    }
    let (or, nr) = (old.and_then(|s| s.rank), new.and_then(|s| s.rank));
    let (og, ng) = (old.and_then(|s| s.within.clone()), new.and_then(|s| s.within.clone()));
    let within =
        |g: Option<String>| g.map(|g| format!(" {} {g}", w.t("in", "trong"))).unwrap_or_default();
    let rank = match (or, nr) {
        (None, None) => None,
        (a, b) if og == ng => {
            let within = within(ng);
            match (a, b) {
                (Some(a), Some(b)) if a == b => Some(format!("{a}{within}")),
                (a, b) => Some(format!("{} → {}{within}", num(a), num(b))),
            }
        }
        (a, b) => Some(format!("{}{} → {}{}", num(a), within(og), num(b), within(ng))),
    };
    if let Some(r) = rank {
        parts.push(format!("{} {r}", w.t("rank", "thứ hạng")));
    }
    parts.join(", ")
}

fn award(out: &mut String, w: Words, a: &AwardChange) {
    let name = with_label(&a.award, a.label.as_deref());
    match a.change {
        AwardChangeKind::Gained => {
            let _ = writeln!(out, "    + {} {name}", w.t("gains", "được"));
        }
        AwardChangeKind::Lost => {
            let _ = writeln!(out, "    - {} {name}", w.t("loses", "mất"));
        }
        AwardChangeKind::RewardChanged => return,
    }
    decision(
        out,
        w,
        w.t("before", "trước"),
        &a.old,
        w.t("not declared in OLD", "không có trong quy chế cũ"),
    );
    decision(
        out,
        w,
        w.t("after", "sau"),
        &a.new,
        w.t("not declared in NEW", "không có trong quy chế mới"),
    );
}

fn decision(out: &mut String, w: Words, tag: &str, d: &Decision, absent: &str) {
    let outcome = match d.outcome {
        None => absent,
        Some(Outcome::Eligible) => w.t("eligible", "đủ điều kiện"),
        Some(Outcome::OverQuota) => {
            w.t("meets the requirements, over quota", "đủ điều kiện nhưng ngoài chỉ tiêu")
        }
        Some(Outcome::Disqualified) => w.t("disqualified", "bị loại trừ"),
        Some(Outcome::NotEligible) => w.t("not eligible", "không đủ điều kiện"),
    };
    let reward = d
        .reward
        .as_deref()
        .map(|r| format!(", {} {} đồng", w.t("reward", "tiền thưởng"), dong(r)))
        .unwrap_or_default();
    let _ = writeln!(out, "        {tag}: {outcome}{reward}");
    for r in &d.reasons {
        match r {
            Reason::Requirement { label, rule, at, inputs }
            | Reason::Disqualifier { label, rule, at, inputs } => {
                let (mark, what) = if matches!(r, Reason::Requirement { .. }) {
                    ("✗", w.t("fails", "không đạt"))
                } else {
                    ("✗", w.t("disqualified by", "bị loại bởi"))
                };
                let label = label.as_deref().map(|l| format!(" \"{l}\"")).unwrap_or_default();
                let _ = writeln!(out, "          {mark} {what}{label}: {rule}  [{at}]");
                for i in inputs {
                    let _ = writeln!(out, "              {i}");
                }
            }
            Reason::Quota { rule, at, group, places, competing } => {
                let group = group
                    .as_deref()
                    .map(|g| format!(" {} {g}", w.t("in", "trong")))
                    .unwrap_or_default();
                let _ = writeln!(out, "          ✗ {}: {rule}  [{at}]", w.t("quota", "chỉ tiêu"));
                let _ = writeln!(
                    out,
                    "              {places} {}{group} {}; {competing} {}",
                    w.t("place(s)", "suất"),
                    w.t("taken by others ahead", "đã dành cho người xếp trước"),
                    w.t("met the requirements", "đủ điều kiện")
                );
            }
        }
    }
}

fn summary(out: &mut String, w: Words, d: &Diff) {
    let _ = writeln!(out, "\n{}", w.t("Summary by award", "Tổng hợp theo khen thưởng"));
    let width = d.summary.awards.iter().map(|a| a.award.chars().count()).max().unwrap_or(0).max(5);
    let _ = writeln!(
        out,
        "  {} {:>7} {:>7} {:>7} {:>7} {:>16} {:>16}  {}",
        pad(w.t("award", "tên"), width),
        w.t("before", "trước"),
        w.t("after", "sau"),
        w.t("gained", "thêm"),
        w.t("lost", "bớt"),
        w.t("reward before", "thưởng trước"),
        w.t("reward after", "thưởng sau"),
        w.t("label", "danh hiệu, hình thức")
    );
    let count = |n: Option<usize>| n.map_or_else(|| String::from("-"), |n| n.to_string());
    let reward = |r: &Option<String>| r.as_deref().map_or_else(|| String::from("-"), dong);
    for a in &d.summary.awards {
        let line = format!(
            "  {} {:>7} {:>7} {:>7} {:>7} {:>16} {:>16}  {}",
            pad(&a.award, width),
            count(a.eligible_before),
            count(a.eligible_after),
            a.gained,
            a.lost,
            reward(&a.reward_before),
            reward(&a.reward_after),
            a.label.as_deref().unwrap_or("")
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(
        out,
        "  ({})",
        w.t(
            "before, after: eligible under OLD, NEW; - where the award is not declared; rewards in đồng",
            "trước, sau: số đủ điều kiện theo quy chế cũ, mới; - khi không có khen thưởng đó; tiền thưởng tính bằng đồng"
        )
    );
    for k in &d.summary.kinds {
        let _ = writeln!(
            out,
            "  {} `{}` ({} {}): {} {}, {} {}, {} {}",
            w.t("scores of", "điểm của"),
            k.kind,
            k.entities,
            w.t("entities", "đối tượng"),
            k.scores_changed,
            w.t("scores changed", "thay đổi điểm"),
            k.grades_changed,
            w.t("grades changed", "thay đổi xếp loại"),
            k.ranks_changed,
            w.t("ranks changed", "thay đổi thứ hạng")
        );
    }
}
