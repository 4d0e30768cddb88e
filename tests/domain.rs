//! The shipped sample gives the awards a reader of the law would expect.
//!
//! Each test restates a rule from `../shared/domain.md` directly over the input data and
//! checks every decision of the evaluator against it, so a wrong rule file or a wrong
//! evaluator both fail here.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use thidua::diag::SourceMap;
use thidua::eval::{Evaluation, Outcome, TraceMode, evaluate, resolve_cycle};
use thidua::model::{Dataset, KindId, Value};
use thidua::program::Program;

struct Sample {
    program: Program,
    data: Dataset,
    eval: Evaluation,
}

fn sample() -> Sample {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut sources = SourceMap::new();
    let text = std::fs::read_to_string(format!("{root}/rules/vksnd_tinh.rules")).unwrap();
    let program =
        thidua::check::check_source("vksnd_tinh.rules", &text, &mut sources).unwrap().program;
    let data = thidua::data::load_dir(
        &program.schema,
        format!("{root}/rules/sample").as_ref(),
        &mut sources,
    )
    .unwrap();
    let cycle = resolve_cycle(&program, None).unwrap();
    let eval = evaluate(&program, &data, cycle, TraceMode::Off).unwrap();
    Sample { program, data, eval }
}

impl Sample {
    fn kind(&self, name: &str) -> KindId {
        self.program.schema.kind(name).unwrap()
    }

    fn field(&self, kind: &str, row: usize, field: &str) -> Value {
        let k = self.kind(kind);
        let f = self.program.schema.kind_def(k).unwrap().field(field).unwrap();
        self.data.table(k).unwrap().row(row as u32)[f.0 as usize].clone()
    }

    fn variant(&self, kind: &str, field: &str, name: &str) -> Value {
        let k = self.kind(kind);
        let ty = self
            .program
            .schema
            .kind_def(k)
            .unwrap()
            .fields
            .iter()
            .find(|f| f.name == field)
            .unwrap()
            .ty;
        let thidua::model::Type::Enum(e) = ty else { panic!("{field} is not an enum") };
        Value::Enum(self.program.schema.enum_def(e).unwrap().variant(name).unwrap())
    }

    fn outcomes(&self, award: &str) -> &[Outcome] {
        let i = self.program.awards.iter().position(|a| a.name == award).unwrap();
        &self.eval.awards[i].outcome
    }

    fn eligible(&self, award: &str) -> Vec<usize> {
        self.outcomes(award)
            .iter()
            .enumerate()
            .filter(|(_, o)| o.eligible())
            .map(|(i, _)| i)
            .collect()
    }

    fn history(&self, award: &str, row: usize, cycle: i32) -> bool {
        let f = self.program.schema.fact(award).unwrap();
        self.data.history.held_in(f, row as u32, cycle)
    }

    fn parent(&self, kind: &str, row: usize) -> u32 {
        self.data.table(self.kind(kind)).unwrap().parents[row]
    }
}

fn num(v: Value) -> Decimal {
    match v {
        Value::Num(d) => d,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn lao_dong_tien_tien_follows_dieu_24_and_tt_02_2024() {
    let s = sample();
    let htt = s.variant("can_bo", "xep_loai", "HTT");
    let khien_trach = s.variant("can_bo", "ky_luat", "khien_trach");
    let people = s.data.table(s.kind("can_bo")).unwrap().len();
    let end = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    for row in 0..people {
        let Value::Date(joined) = s.field("can_bo", row, "ngay_tuyen_dung") else { panic!() };
        let six_months = joined.checked_add_months(chrono::Months::new(6)).unwrap() <= end;
        let expected = s.field("can_bo", row, "xep_loai") >= htt
            && six_months
            && num(s.field("can_bo", row, "thang_nghi")) < Decimal::from(3)
            && s.field("can_bo", row, "ky_luat") < khien_trach
            && s.field("can_bo", row, "dang_xem_xet") == Value::Bool(false);
        assert_eq!(s.outcomes("lao_dong_tien_tien")[row].eligible(), expected, "person row {row}");
    }
    assert!(
        s.outcomes("lao_dong_tien_tien").contains(&Outcome::Disqualified),
        "the sample exercises disqualifiers"
    );
}

#[test]
fn chien_si_thi_dua_co_so_needs_ldtt_and_respects_the_quota() {
    let s = sample();
    let ldtt = s.eligible("lao_dong_tien_tien");
    let mut per_unit_ldtt: BTreeMap<u32, u64> = BTreeMap::new();
    for r in &ldtt {
        *per_unit_ldtt.entry(s.parent("can_bo", *r)).or_default() += 1;
    }
    let mut per_unit: BTreeMap<u32, u64> = BTreeMap::new();
    for r in s.eligible("cstdcs") {
        assert!(ldtt.contains(&r), "CSTĐCS requires LĐTT (Luật Điều 23)");
        *per_unit.entry(s.parent("can_bo", r)).or_default() += 1;
    }
    for (unit, n) in per_unit {
        let cap = (per_unit_ldtt[&unit] * 15).div_ceil(100);
        assert!(n <= cap, "unit {unit}: {n} CSTĐCS over a cap of {cap}");
    }
    assert!(s.outcomes("cstdcs").contains(&Outcome::OverQuota), "the sample exercises the quota");
}

#[test]
fn chien_si_thi_dua_nganh_needs_three_consecutive_cstdcs() {
    let s = sample();
    let cstdcs = s.eligible("cstdcs");
    let nganh = s.eligible("cstd_nganh");
    assert!(!nganh.is_empty(), "the sample has people completing a 3-year chain");
    for r in nganh {
        assert!(
            cstdcs.contains(&r) && s.history("cstdcs", r, 2024) && s.history("cstdcs", r, 2023),
            "row {r}"
        );
    }
}

#[test]
fn the_flag_goes_only_to_a_cluster_leader_with_an_excellent_collective() {
    let s = sample();
    let units = s.kind("don_vi");
    let ranks = &s.eval.ranks[units.0 as usize];
    let ldxs = s.eligible("tap_the_ldxs");
    let flags = s.eligible("co_thi_dua_nganh");
    assert!(!flags.is_empty());
    let mut clusters = std::collections::BTreeSet::new();
    for r in flags {
        assert_eq!(ranks[r], 1, "Cờ goes to the unit leading its cluster (Luật Điều 26 k1)");
        assert!(ldxs.contains(&r), "Cờ ngành is chosen among TTLĐXS (TT 01/2019 Điều 20)");
        assert!(clusters.insert(s.parent("don_vi", r)), "one flag per cluster");
    }
}

#[test]
fn an_excellent_collective_meets_dieu_27_over_its_members() {
    let s = sample();
    let ht = s.variant("can_bo", "xep_loai", "HT");
    let ldtt = s.eligible("lao_dong_tien_tien");
    let cstdcs = s.eligible("cstdcs");
    let people = s.data.table(s.kind("can_bo")).unwrap().len();
    for unit in s.eligible("tap_the_ldxs") {
        let members: Vec<usize> =
            (0..people).filter(|p| s.parent("can_bo", *p) as usize == unit).collect();
        assert!(
            members.iter().all(|p| s.field("can_bo", *p, "xep_loai") >= ht),
            "100% completed duties"
        );
        assert!(members.iter().any(|p| cstdcs.contains(p)), "at least one CSTĐCS");
        let share = members.iter().filter(|p| ldtt.contains(p)).count() * 100 / members.len();
        assert!(share >= 70, "≥70% LĐTT, found {share}%");
    }
}

#[test]
fn rewards_are_multiples_of_the_base_salary_in_force() {
    let s = sample();
    let i = s.program.awards.iter().position(|a| a.name == "lao_dong_tien_tien").unwrap();
    let expected = Decimal::from(2_340_000) * Decimal::new(3, 1);
    for (o, r) in s.eval.awards[i].outcome.iter().zip(&s.eval.awards[i].reward) {
        assert_eq!(r.is_some(), o.eligible());
        if let Some(r) = r {
            assert_eq!(*r, expected, "0.3 × LCS (NĐ 152/2025 Điều 50 k1d)");
        }
    }
}
