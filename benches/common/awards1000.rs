//! The generated 1,000-award rule set of the load benchmark, shared by `benches/load.rs` and
//! the peer comparison (`benches/peers/src/awards1000.rs`, which also writes the same awards in
//! Rego), so that both time exactly the same text.
//!
//! Each award has a rating requirement, a tenure requirement, a history window ("held X in
//! K of last 3 cycles"), two disqualifiers, and every tenth award requires the previous one
//! this cycle (so an engine must order the rules by dependency).

use std::fmt::Write as _;

/// How many awards.
pub(crate) const AWARDS: usize = 1000;
/// History facts the windows ask about.
pub(crate) const FACTS: [&str; 4] = ["lao_dong_tien_tien", "cstdcs", "htxs", "htt_tro_len"];
pub(crate) const RATINGS: [(&str, u8); 3] = [("HT", 1), ("HTT", 2), ("HTXS", 3)];
pub(crate) const DISCIPLINE: [(&str, u8); 2] = [("khien_trach", 1), ("canh_cao", 2)];

/// The parameters of award `i` (1-based).
pub(crate) struct Award {
    pub(crate) rating: usize,
    pub(crate) months: usize,
    pub(crate) fact: &'static str,
    pub(crate) times: usize,
    pub(crate) discipline: usize,
    pub(crate) absent: usize,
    pub(crate) needs_previous: bool,
}

pub(crate) fn award(i: usize) -> Award {
    Award {
        rating: i % 3,
        months: 6 + i % 60,
        fact: FACTS.get(i % 4).copied().unwrap_or("cstdcs"),
        times: 1 + (i / 4) % 2,
        discipline: i % 2,
        absent: 3 + i % 3,
        needs_previous: i.is_multiple_of(10),
    }
}

/// The rule file: W1's enumerations and entities (from `w1_rules`, the text of
/// `benches/peers/workloads/w1.rules`), the history facts as external awards, and the
/// generated awards. `None` if `w1_rules` lacks its enumerations or its first mark.
pub(crate) fn rules_text(w1_rules: &str) -> Option<String> {
    let (_, from_enums) = w1_rules.split_once("\nenum xep_loai")?;
    let (schema, _) = from_enums.split_once("\nmark htxs")?;
    let mut out = String::from(
        "ruleset gen1000 \"1.000 danh hiệu sinh tự động\"\n  cycle 2025 from 2025-01-01 to \
         2025-12-31\n  effective from 2024-10-01\n  basis \"Quy chế mẫu\"\n\nenum xep_loai",
    );
    out.push_str(schema);
    for fact in [
        "lao_dong_tien_tien",
        "cstdcs",
        "htxs",
        "htt_tro_len",
        "bang_khen_vkstc",
        "giay_khen",
        "bang_khen_ttg",
    ] {
        let _ = writeln!(out, "extern {fact} for can_bo");
    }
    for fact in
        ["tap_the_ldtt", "tap_the_ldxs", "co_thi_dua_nganh", "co_thi_dua_cp", "giay_khen_tap_the"]
    {
        let _ = writeln!(out, "extern {fact} for don_vi");
    }
    for i in 1..=AWARDS {
        let a = award(i);
        let rating = RATINGS.get(a.rating).map_or("HTT", |r| r.0);
        let discipline = DISCIPLINE.get(a.discipline).map_or("khien_trach", |d| d.0);
        let _ = write!(
            out,
            "\ntitle a{i:04} \"Danh hiệu số {i}\" for can_bo {{\n  \
             basis \"Quy chế mẫu, Điều {i}\"\n  \
             require \"Xếp loại\": xep_loai >= {rating}\n  \
             require \"Thời gian công tác\": months_between(ngay_tuyen_dung, cycle_end) >= {}\n  \
             require \"Thành tích\": held {} in {} of last 3 cycles\n",
            a.months, a.fact, a.times
        );
        if a.needs_previous {
            let _ = writeln!(out, "  require \"Đạt danh hiệu trước\": held a{:04}", i - 1);
        }
        let _ = write!(
            out,
            "  disqualify \"Kỷ luật\": ky_luat >= {discipline}\n  \
             disqualify \"Nghỉ dài ngày\": thang_nghi >= {}\n}}\n",
            a.absent
        );
    }
    Some(out)
}
