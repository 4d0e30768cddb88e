//! Load time of a large rule set: 1,000 generated awards parsed and checked by thidua, against
//! regorus parsing and compiling the same logic written in Rego.
//!
//! Each award has a rating requirement, a tenure requirement, a history window ("held X in
//! K of last 3 cycles"), two disqualifiers, and every tenth award requires the previous one
//! this cycle (so both engines must order the rules by dependency). Before timing, both are
//! run on the first people of W1's data and must grant the same awards to each.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use thidua::eval::TraceMode;

use crate::data;
use crate::harness::{Config, Report, Res, Row, Target, fail, median, ratio};
use crate::rego::{Mode, Rego};
use crate::thidua_side::Side;

/// How many awards.
const AWARDS: usize = 1000;
/// How many people the two engines must agree on before timing.
const CHECKED_PEOPLE: usize = 200;

const W1_RULES: &str = include_str!("../workloads/w1.rules");

/// History facts the windows ask about.
const FACTS: [&str; 4] = ["lao_dong_tien_tien", "cstdcs", "htxs", "htt_tro_len"];
const RATINGS: [(&str, u8); 3] = [("HT", 1), ("HTT", 2), ("HTXS", 3)];
const DISCIPLINE: [(&str, u8); 2] = [("khien_trach", 1), ("canh_cao", 2)];

/// The parameters of award `i` (1-based).
struct Award {
    rating: usize,
    months: usize,
    fact: &'static str,
    times: usize,
    discipline: usize,
    absent: usize,
    needs_previous: bool,
}

fn award(i: usize) -> Award {
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

/// The rule file: W1's enumerations and entities, the history facts as external awards, and
/// the generated awards.
fn rules_text() -> Res<String> {
    let Some((_, from_enums)) = W1_RULES.split_once("\nenum xep_loai") else {
        return fail("w1.rules has no `enum xep_loai`");
    };
    let Some((schema, _)) = from_enums.split_once("\nmark htxs") else {
        return fail("w1.rules has no `mark htxs`");
    };
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
    Ok(out)
}

/// The same awards in Rego.
fn rego_text() -> String {
    let mut out = String::from(
        "package gen\n\nimport rego.v1\n\ncycle := 2025\n\ncycle_end := [2025, 12, 31]\n\n\
         raw_months(a, b) := ((b[0] - a[0]) * 12 + b[1]) - a[1]\n\n\
         months_between(a, b) := m - 1 if {\n\tm := raw_months(a, b)\n\tm > 0\n\tb[2] < a[2]\n\
         } else := m + 1 if {\n\tm := raw_months(a, b)\n\tm < 0\n\tb[2] > a[2]\n\
         } else := raw_months(a, b)\n\n\
         held_count(c, fact) := count([y | some y in c.history[fact]; y >= cycle - 2; y <= cycle])\n",
    );
    for i in 1..=AWARDS {
        let a = award(i);
        let rating = RATINGS.get(a.rating).map_or(2, |r| r.1);
        let discipline = DISCIPLINE.get(a.discipline).map_or(1, |d| d.1);
        let _ = write!(
            out,
            "\na{i:04} if {{\n\tnot a{i:04}_disqualified\n\tinput.xep_loai >= {rating}\n\t\
             months_between(input.ngay, cycle_end) >= {}\n\theld_count(input, \"{}\") >= {}\n",
            a.months, a.fact, a.times
        );
        if a.needs_previous {
            let _ = writeln!(out, "\ta{:04}", i - 1);
        }
        let _ = write!(
            out,
            "}}\n\na{i:04}_disqualified if input.ky_luat >= {discipline}\n\n\
             a{i:04}_disqualified if input.thang_nghi >= {}\n\n\
             eligible contains \"a{i:04}\" if a{i:04}\n",
            a.absent
        );
    }
    out
}

fn rego_load(text: &str) -> Res<Rego> {
    Rego::load(Mode::Engine, "gen1000.rego", text, "data.gen.eligible", "data.gen.eligible")
}

/// Both engines on the first people of W1's data: the same awards for each.
fn agree(side: &Side, rego: &mut Rego, cfg: &Config) -> Res<()> {
    let files = data::w1_files(cfg.candidates.min(1000));
    let data = side.load_data(&files)?;
    let ev = side.evaluate(&data, None, TraceMode::Off)?;
    let people = data::people(&files)?;
    for (row, p) in people.iter().enumerate().take(CHECKED_PEOPLE) {
        let want: BTreeSet<String> = side
            .program
            .awards
            .iter()
            .zip(&ev.awards)
            .filter(|(_, r)| r.outcome.get(row).is_some_and(|o| o.eligible()))
            .map(|(a, _)| a.name.clone())
            .collect();
        let got = rego.eval(&crate::w1::rego_candidate(p))?;
        let got: BTreeSet<String> = got
            .as_set()?
            .iter()
            .map(|v| v.as_string().map(|s| s.to_string()))
            .collect::<Result<_, _>>()?;
        if want != got {
            let only = |a: &BTreeSet<String>, b: &BTreeSet<String>| {
                a.difference(b).cloned().collect::<Vec<_>>().join(", ")
            };
            return fail(format!(
                "1,000 awards: regorus disagrees with thidua on `{}`: only thidua grants [{}], \
                 only regorus grants [{}]",
                p.id,
                only(&want, &got),
                only(&got, &want)
            ));
        }
    }
    if !ev.awards.iter().any(|r| r.outcome.iter().take(CHECKED_PEOPLE).any(|o| o.eligible())) {
        return fail("1,000 awards: nobody qualifies for anything; the check would prove nothing");
    }
    Ok(())
}

/// thidua's parse and check of the generated rule set alone, for a profiler.
pub(crate) fn profile() -> Res<impl FnMut() -> Res<()>> {
    let rules = rules_text()?;
    Ok(move || Side::load("gen1000.rules", &rules).map(drop))
}

/// Check agreement, then time both loads; append the rows.
pub(crate) fn run(cfg: &Config, report: &mut Report) -> Res<()> {
    let rules = rules_text()?;
    let rego = rego_text();
    let label = format!(
        "Load: {AWARDS} awards ({} KB rules, {} KB Rego)",
        rules.len() / 1024,
        rego.len() / 1024
    );
    eprintln!("{label}: agreement check");
    let side = Side::load("gen1000.rules", &rules)?;
    let mut engine = rego_load(&rego)?;
    agree(&side, &mut engine, cfg)?;
    eprintln!("{label}: both engines agree on {CHECKED_PEOPLE} people; timing");

    let (t_thidua, _) = median(cfg.iterations, || Side::load("gen1000.rules", &rules))?;
    let (t_rego, _) = median(cfg.iterations, || rego_load(&rego))?;
    report.push(Row {
        workload: label.clone(),
        engine: String::from("thidua (parse + check)"),
        load: Some(t_thidua),
        data: None,
        eval: None,
        ratio: Some(1.0),
        target: Target::LoadUnder(std::time::Duration::from_millis(10)),
    });
    report.push(Row {
        workload: label,
        engine: String::from("regorus (parse + compile)"),
        load: Some(t_rego),
        data: None,
        eval: None,
        ratio: Some(ratio(t_rego, t_thidua)),
        target: Target::LoadSlower(10.0),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_sets_have_a_thousand_awards_each() {
        let side = Side::load("gen1000.rules", &rules_text().unwrap()).unwrap();
        assert_eq!(side.program.awards.len(), AWARDS);
        let rego = rego_text();
        assert_eq!(rego.matches("\neligible contains").count(), AWARDS);
    }

    #[test]
    fn both_engines_agree_and_both_loads_get_a_row() {
        let mut report = Report::default();
        run(&Config { candidates: 300, iterations: 1 }, &mut report).unwrap();
        assert_eq!(report.rows.len(), 2);
        assert!(report.rows.iter().all(|r| r.load.is_some()));
    }
}
