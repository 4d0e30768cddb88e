//! Tests for the sample generator, including the check that `rules/sample/` is up to date.

use std::path::PathBuf;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::data::{self, test_schema::vksnd_schema};
use crate::diag::SourceMap;
use crate::model::{Dataset, KindId, Schema, Value};

/// Column positions in `can_bo` (see `rules/vksnd_tinh.rules`).
const NGAY_TUYEN_DUNG: usize = 2;
const THANG_NGHI: usize = 3;
const XEP_LOAI: usize = 4;
const KY_LUAT: usize = 5;
const DANG_XEM_XET: usize = 6;
const SANG_KIEN: usize = 7;

fn sample_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules").join("sample")
}

fn load(cfg: &GenConfig) -> (Schema, Dataset) {
    let schema = vksnd_schema();
    let files = generate(cfg);
    let inputs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let mut sources = SourceMap::new();
    match data::load_csv_str(&schema, &inputs, &mut sources) {
        Ok(dataset) => (schema, dataset),
        Err(data::LoadError::Invalid(diags)) => {
            let shown: Vec<String> = diags
                .iter()
                .take(5)
                .map(|d| format!("{} {}: {}", sources.location(d.span), d.code, d.message))
                .collect();
            panic!("generated data does not load:\n{}", shown.join("\n"))
        }
        Err(err) => panic!("generated data does not load: {err}"),
    }
}

fn people(dataset: &Dataset) -> Vec<&[Value]> {
    let table = dataset.table(KindId(2)).unwrap();
    (0..table.len() as u32).map(|r| table.row(r)).collect()
}

#[test]
fn shipped_sample_matches_the_generator() {
    let dir = sample_dir();
    let files = generate(&GenConfig::sample());
    if std::env::var_os("THIDUA_REGENERATE_SAMPLE").is_some_and(|v| v == "1") {
        write_dir(&GenConfig::sample(), &dir).unwrap();
    }
    for (name, text) in &files {
        let path = dir.join(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == *text,
            "`{}` differs from `generate(&GenConfig::sample())`; if the generator changed on \
             purpose, regenerate with `THIDUA_REGENERATE_SAMPLE=1 cargo test --lib sample` and \
             review the diff",
            path.display()
        );
    }
}

#[test]
fn generate_is_deterministic() {
    let cfg = GenConfig::sample();
    assert_eq!(generate(&cfg), generate(&cfg));
    let other = generate(&GenConfig { seed: 7, ..cfg });
    assert_ne!(generate(&GenConfig::sample())["can_bo.csv"], other["can_bo.csv"]);
}

#[test]
fn files_have_the_rule_set_columns() {
    let files = generate(&GenConfig::sample());
    let header = |name: &str| files[name].lines().next().unwrap().to_owned();
    assert_eq!(header("cum.csv"), "id,ten");
    assert_eq!(
        header("don_vi.csv"),
        "id,cum,ten,xep_loai,tin_bao_thu_ly,tin_bao_giai_quyet,vu_an_thu_ly,an_tra_ho_so,an_huy,\
         khang_nghi,khang_nghi_chap_nhan,kien_nghi,mo_hinh_moi,vi_pham_ky_luat,bi_khieu_nai"
    );
    assert_eq!(
        header("can_bo.csv"),
        "id,don_vi,ho_ten,nu,ngay_tuyen_dung,thang_nghi,xep_loai,ky_luat,dang_xem_xet,sang_kien"
    );
    assert_eq!(header("history.csv"), "entity,award,cycle");
    let schema = vksnd_schema();
    for kind in &schema.kinds {
        let mut expected = vec![String::from("id")];
        expected.extend(kind.parent.map(|p| schema.kinds[p.0 as usize].name.clone()));
        expected.extend(kind.fields.iter().map(|f| f.name.clone()));
        assert_eq!(header(&format!("{}.csv", kind.name)), expected.join(","));
    }
}

#[test]
fn shipped_sample_loads_from_its_directory() {
    let schema = vksnd_schema();
    let mut sources = SourceMap::new();
    let dataset = data::load_dir(&schema, &sample_dir(), &mut sources).unwrap();
    assert_eq!(dataset.tables[0].len(), 3);
    assert_eq!(dataset.tables[1].len(), 12);
    assert!((95..=115).contains(&dataset.tables[2].len()), "{} people", dataset.tables[2].len());
}

#[test]
fn sample_has_three_year_cstdcs_chains() {
    let (schema, dataset) = load(&GenConfig::sample());
    let cstdcs = schema.fact("cstdcs").unwrap();
    let held = |row: u32, year: i32| dataset.history.held_in(cstdcs, row, year);
    let rows: Vec<(u32, &[Value])> =
        people(&dataset).into_iter().enumerate().map(|(r, v)| (r as u32, v)).collect();
    // Candidates for CSTĐ ngành: CSTĐCS in 2023 and 2024, HTXS with a sector-level initiative now.
    let candidates = rows
        .iter()
        .filter(|(r, v)| {
            held(*r, 2023)
                && held(*r, 2024)
                && v[XEP_LOAI] == Value::Enum(3)
                && v[SANG_KIEN] == Value::Enum(2)
        })
        .count();
    assert!(candidates >= 3, "{candidates} CSTĐ ngành candidates");
    let three =
        rows.iter().filter(|(r, _)| held(*r, 2022) && held(*r, 2023) && held(*r, 2024)).count();
    assert!(three >= 3, "{three} people with three CSTĐCS in a row");
    let two_only = rows
        .iter()
        .filter(|(r, _)| {
            (held(*r, 2022) && held(*r, 2023) && !held(*r, 2024))
                || (!held(*r, 2022) && held(*r, 2023) && held(*r, 2024))
        })
        .count();
    assert!(two_only >= 3, "{two_only} people with exactly two CSTĐCS in a row");
}

#[test]
fn sample_exercises_every_rule() {
    let (schema, dataset) = load(&GenConfig::sample());
    let rows = people(&dataset);
    let n = rows.len();
    let count = |f: &dyn Fn(&[Value]) -> bool| rows.iter().filter(|v| f(v)).count();
    let six_months_before_end = Value::Date(NaiveDate::from_ymd_opt(2025, 7, 1).unwrap());
    assert!(count(&|v| v[NGAY_TUYEN_DUNG] > six_months_before_end) >= 3);
    assert!(count(&|v| v[THANG_NGHI] >= Value::Num(Decimal::from(3))) >= 2);
    assert_eq!(count(&|v| v[KY_LUAT] == Value::Enum(1)), 2);
    assert_eq!(count(&|v| v[KY_LUAT] == Value::Enum(2)), 1);
    assert_eq!(count(&|v| v[DANG_XEM_XET] == Value::Bool(true)), 2);
    assert!(count(&|v| v[XEP_LOAI] == Value::Enum(1)) >= 2, "a few HT");
    let htxs = count(&|v| v[XEP_LOAI] == Value::Enum(3));
    assert!((n * 15..=n * 32).contains(&(htxs * 100)), "{htxs} of {n} HTXS");
    let women = count(&|v| v[1] == Value::Bool(true));
    assert!((n * 35..=n * 65).contains(&(women * 100)), "{women} of {n} women");
    assert!(count(&|v| v[SANG_KIEN] == Value::Enum(1)) >= 5);

    let units = dataset.table(KindId(1)).unwrap();
    let unit_rows: Vec<&[Value]> = (0..units.len() as u32).map(|r| units.row(r)).collect();
    assert!(
        unit_rows.iter().any(|v| v[12] == Value::Bool(true)),
        "a unit with a pending complaint"
    );
    let models = unit_rows.iter().filter(|v| v[10] == Value::Bool(true)).count();
    assert!((2..=8).contains(&models), "{models} units with a new model");

    for fact in [
        "tap_the_ldtt",
        "tap_the_ldxs",
        "co_thi_dua_nganh",
        "co_thi_dua_cp",
        "bang_khen_ttg",
        "bang_khen_vkstc",
        "giay_khen",
        "htxs",
        "htt_tro_len",
        "lao_dong_tien_tien",
    ] {
        let id = schema.fact(fact).unwrap();
        assert!(dataset.history.held().keys().any(|(f, _)| *f == id), "no `{fact}` in history");
    }
}

#[test]
fn scaled_config_has_about_n_people() {
    let cfg = GenConfig::with_people(4000);
    assert_eq!((cfg.clusters, cfg.units_per_cluster, cfg.people_per_unit), (20, 8, 25));
    let (_, dataset) = load(&cfg);
    let n = dataset.tables[2].len();
    assert!((3800..=4300).contains(&n), "{n} people");
    assert_eq!(dataset.tables[1].len(), 160);
}

#[test]
fn odd_configs_do_not_panic_and_still_load() {
    let base = GenConfig::sample();
    for cfg in [
        GenConfig { clusters: 0, ..base.clone() },
        GenConfig { units_per_cluster: 0, ..base.clone() },
        GenConfig { people_per_unit: 0, ..base.clone() },
        GenConfig { people_per_unit: 1, ..base.clone() },
        GenConfig { history_cycles: 0, ..base.clone() },
        GenConfig { history_cycles: 12, clusters: 1, ..base.clone() },
        GenConfig { clusters: 14, units_per_cluster: 1, ..base },
    ] {
        let _ = load(&cfg);
    }
}
