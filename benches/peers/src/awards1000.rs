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
use crate::harness::{Config, Report, Res, Row, Target, fail, median_pair, ratio};
use crate::rego::{Mode, Rego};
use crate::thidua_side::Side;

/// How many people the two engines must agree on before timing.
const CHECKED_PEOPLE: usize = 200;

const W1_RULES: &str = include_str!("../workloads/w1.rules");

/// The generated awards and their rule text, shared with `benches/load.rs`.
#[path = "../../common/awards1000.rs"]
mod generated;

use generated::{AWARDS, DISCIPLINE, RATINGS, award};

/// The rule file of the generated awards.
fn rules_text() -> Res<String> {
    match generated::rules_text(W1_RULES) {
        Some(text) => Ok(text),
        None => fail("w1.rules has no `enum xep_loai` or no `mark htxs`"),
    }
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

    let (t_thidua, t_rego) =
        median_pair(cfg.iterations, || Side::load("gen1000.rules", &rules), || rego_load(&rego))?;
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
