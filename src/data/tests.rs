//! Tests for the data loader: the shipped sample, every error code and its location.

use std::path::PathBuf;

use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::test_schema::vksnd_schema;
use super::*;
use crate::diag::Location;
use crate::model::{EnumDef, EnumId, FieldDef, KindDef, Type};

const CUM: &str = "id,ten\ncum1,Cụm 1\ncum2,Cụm 2\n";
const DON_VI_HEADER: &str = "id,cum,ten,xep_loai,tin_bao_thu_ly,tin_bao_giai_quyet,vu_an_thu_ly,\
                             an_tra_ho_so,an_huy,khang_nghi,khang_nghi_chap_nhan,kien_nghi,\
                             mo_hinh_moi,vi_pham_ky_luat,bi_khieu_nai\n";
const DON_VI_ROWS: &str = "dv01,cum1,Phòng 1,HTXS,100,95,40,0,0,5,4,3,true,0,false\n\
                           dv02,cum2,\"VKSND khu vực 1, 2\",HTT,80,80,20,1,0,0,0,2,false,1,có\n";
const CAN_BO_HEADER: &str =
    "id,don_vi,ho_ten,nu,ngay_tuyen_dung,thang_nghi,xep_loai,ky_luat,dang_xem_xet,sang_kien\n";
const CAN_BO_ROWS: &str = "cb01,dv01,Nguyễn Văn An,false,2010-03-01,0,HTXS,khong,false,nganh\n\
                           cb02,dv01,Trần Thị Bình,true,2025-09-01,,HTT,,,\n\
                           cb03,dv02,Lê Văn Cường,0,2001-12-31,4,HT,khien_trach,1,co_so\n";
const HISTORY: &str = "entity,award,cycle\ncb01,cstdcs,2024\ncb01,cstdcs,2023\ncb01,cstdcs,2024\n\
                       dv01,co_thi_dua_nganh,2024\n";

fn don_vi() -> String {
    format!("{DON_VI_HEADER}{DON_VI_ROWS}")
}

fn can_bo() -> String {
    format!("{CAN_BO_HEADER}{CAN_BO_ROWS}")
}

/// Load the small data set with some files replaced.
fn load_with(replace: &[(&str, &str)]) -> (Result<Dataset, LoadError>, SourceMap) {
    let schema = vksnd_schema();
    let (d, c) = (don_vi(), can_bo());
    let mut files: Vec<(&str, &str)> =
        vec![("cum.csv", CUM), ("don_vi.csv", &d), ("can_bo.csv", &c), ("history.csv", HISTORY)];
    for (name, text) in replace {
        files.retain(|(n, _)| n != name);
        files.push((name, text));
    }
    let mut sources = SourceMap::new();
    (load_csv_str(&schema, &files, &mut sources), sources)
}

/// The diagnostics of a failed load, as `(code, file:line:column, message, help)`.
fn errors(
    result: (Result<Dataset, LoadError>, SourceMap),
) -> Vec<(String, String, String, String)> {
    let (result, sources) = result;
    match result {
        Err(LoadError::Invalid(diags)) => diags
            .iter()
            .map(|d| {
                (
                    d.code.to_owned(),
                    sources.location(d.span).to_string(),
                    d.message.clone(),
                    d.help.clone().unwrap_or_default(),
                )
            })
            .collect(),
        Err(err) => panic!("expected diagnostics, got {err}"),
        Ok(_) => panic!("expected diagnostics, got a data set"),
    }
}

/// The only diagnostic of a failed load.
fn single(result: (Result<Dataset, LoadError>, SourceMap)) -> (String, String, String, String) {
    let errs = errors(result);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    errs.into_iter().next().unwrap()
}

fn sample_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules").join("sample")
}

#[test]
fn shipped_sample_loads() {
    let schema = vksnd_schema();
    let mut sources = SourceMap::new();
    let dataset = load_dir(&schema, &sample_dir(), &mut sources).unwrap();
    assert_eq!(dataset.tables.len(), 3);
    let (cum, don_vi, can_bo) = (&dataset.tables[0], &dataset.tables[1], &dataset.tables[2]);
    assert_eq!(cum.len(), 3);
    assert_eq!(don_vi.len(), 12);
    assert!(can_bo.len() > 90);
    assert_eq!(don_vi.parents.len(), don_vi.len());
    assert!(don_vi.parents.iter().all(|&p| (p as usize) < cum.len()));
    assert!(can_bo.parents.iter().all(|&p| (p as usize) < don_vi.len()));
    assert_eq!(can_bo.values.len(), can_bo.len() * 8);
    assert!(dataset.history.held().values().all(|c| c.windows(2).all(|w| w[0] < w[1])));
    assert!(!dataset.history.held().is_empty());
    // Every file was added to the source map.
    assert!(sources.get(FileId(3)).is_some_and(|f| f.name.ends_with("history.csv")));
}

#[test]
fn small_data_set_parses_every_value() {
    let (result, _) = load_with(&[]);
    let dataset = result.unwrap();
    let don_vi = &dataset.tables[1];
    assert_eq!(don_vi.ids.iter().map(|s| &**s).collect::<Vec<_>>(), ["dv01", "dv02"]);
    assert_eq!(don_vi.parents, [0, 1]);
    assert_eq!(don_vi.row(1)[0], Value::Text("VKSND khu vực 1, 2".into()));
    assert_eq!(don_vi.row(1)[12], Value::Bool(true));
    let can_bo = &dataset.tables[2];
    assert_eq!(can_bo.index.get("cb03"), Some(&2));
    assert_eq!(
        can_bo.row(0),
        [
            Value::Text("Nguyễn Văn An".into()),
            Value::Bool(false),
            Value::Date(NaiveDate::from_ymd_opt(2010, 3, 1).unwrap()),
            Value::Num(Decimal::ZERO),
            Value::Enum(3),
            Value::Enum(0),
            Value::Bool(false),
            Value::Enum(2),
        ]
    );
    // Empty cells take the defaults.
    assert_eq!(can_bo.row(1)[3], Value::Num(Decimal::ZERO));
    assert_eq!(&can_bo.row(1)[5..], [Value::Enum(0), Value::Bool(false), Value::Enum(0)]);
    assert_eq!(can_bo.row(2)[6], Value::Bool(true));
    // History: sorted, deduplicated, by (fact, row).
    let schema = vksnd_schema();
    let cstdcs = schema.fact("cstdcs").unwrap();
    assert_eq!(dataset.history.cycles(cstdcs, 0), [2023, 2024]);
    assert!(dataset.history.held_in(schema.fact("co_thi_dua_nganh").unwrap(), 0, 2024));
}

#[test]
fn columns_may_come_in_any_order_and_defaults_may_be_left_out() {
    let text = "xep_loai,ho_ten,ngay_tuyen_dung,id,nu,don_vi\nHTT,A,2020-01-01,cb1,true,dv02\n";
    let (result, _) = load_with(&[("can_bo.csv", text), ("history.csv", "entity,award,cycle\n")]);
    let dataset = result.unwrap();
    assert_eq!(dataset.tables[2].parents, [1]);
    assert_eq!(dataset.tables[2].row(0)[4], Value::Enum(2));
    assert_eq!(dataset.tables[2].row(0)[7], Value::Enum(0));
}

#[test]
fn byte_order_mark_is_stripped() {
    let text = format!("\u{feff}{}", can_bo());
    let (result, sources) = load_with(&[("can_bo.csv", &text)]);
    assert!(result.is_ok());
    let bad =
        format!("\u{feff}{CAN_BO_HEADER}cb01,dv01,A,false,2010-03-01,0,HTXX,khong,false,nganh\n");
    let (code, loc, _, _) = single(load_with(&[("can_bo.csv", &bad)]));
    assert_eq!(code, "data::bad_value");
    assert_eq!(loc, "can_bo.csv:2:32");
    let _ = sources;
}

#[test]
fn byte_order_mark_is_stripped_from_files_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in
        [("cum.csv", CUM.to_owned()), ("don_vi.csv", don_vi()), ("can_bo.csv", can_bo())]
    {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend(text.as_bytes());
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let mut sources = SourceMap::new();
    let dataset = load_dir(&vksnd_schema(), dir.path(), &mut sources).unwrap();
    assert_eq!(dataset.tables[0].ids[0].as_ref(), "cum1");
    assert!(dataset.history.held().is_empty());
}

#[test]
fn wrong_encoding_points_at_the_first_invalid_byte() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cum.csv"), CUM).unwrap();
    std::fs::write(dir.path().join("don_vi.csv"), don_vi()).unwrap();
    // "Lê" in Windows-1258 / Latin-1: `L` then 0xEA.
    let mut bytes = CAN_BO_HEADER.as_bytes().to_vec();
    bytes.extend(b"cb01,dv01,L\xEA V\xE3n An,false,2010-03-01,0,HTXS,khong,false,nganh\n");
    std::fs::write(dir.path().join("can_bo.csv"), bytes).unwrap();
    let mut sources = SourceMap::new();
    let result = load_dir(&vksnd_schema(), dir.path(), &mut sources);
    let Err(LoadError::Invalid(diags)) = result else { panic!("expected diagnostics") };
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].code, "data::bad_encoding");
    let loc = sources.location(diags[0].span);
    assert_eq!((loc.line, loc.column), (2, 12));
    assert!(loc.file.ends_with("can_bo.csv"));
    assert_eq!(sources.slice(diags[0].span), "\u{fffd}");
}

#[test]
fn utf16_input_gets_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cum.csv"), [0xFF, 0xFE, b'i', 0, b'd', 0]).unwrap();
    std::fs::write(dir.path().join("don_vi.csv"), don_vi()).unwrap();
    std::fs::write(dir.path().join("can_bo.csv"), can_bo()).unwrap();
    let mut sources = SourceMap::new();
    let Err(LoadError::Invalid(diags)) = load_dir(&vksnd_schema(), dir.path(), &mut sources) else {
        panic!("expected diagnostics")
    };
    // The cụm file is unusable, so its children are not checked against it.
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(diags[0].help.as_deref().unwrap().contains("UTF-16"));
}

#[test]
fn missing_column_is_reported_on_the_header() {
    let text = "id,don_vi,ho_ten,nu,ngay_tuyen_dung\ncb01,dv01,A,false,2010-03-01\n";
    let (code, loc, message, help) = single(load_with(&[("can_bo.csv", text)]));
    assert_eq!(code, "data::missing_column");
    assert_eq!(loc, "can_bo.csv:1:1");
    assert_eq!(message, "missing column `xep_loai` for `can_bo`");
    assert!(help.starts_with("add a `xep_loai` column"), "{help}");
}

#[test]
fn missing_id_and_parent_columns_are_reported() {
    let text = "ten\nCụm\n";
    let (code, _, message, _) = single(load_with(&[("cum.csv", text)]));
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("data::missing_column", "missing column `id` for `cum`")
    );
    let text = don_vi().replacen("cum,", "", 1).replace(",cum1", "").replace(",cum2", "");
    let (_, _, message, _) = single(load_with(&[("don_vi.csv", &text)]));
    assert_eq!(message, "missing column `cum` for `don_vi`");
}

#[test]
fn extra_column_is_reported_with_a_suggestion() {
    let text = "id,ten,ghi_chu\ncum1,A,x\ncum2,B,y\n";
    let (code, loc, message, help) = single(load_with(&[("cum.csv", text)]));
    assert_eq!(code, "data::unknown_column");
    assert_eq!(loc, "cum.csv:1:8");
    assert_eq!(message, "unknown column `ghi_chu` for `cum`");
    assert_eq!(help, "the `cum` columns are `id`, `ten`");
    let text = can_bo().replacen("xep_loai", "xep_lo", 1);
    let errs = errors(load_with(&[("can_bo.csv", &text)]));
    let codes: Vec<&str> = errs.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(codes, ["data::missing_column", "data::unknown_column"]);
    assert_eq!(errs[1].1, "can_bo.csv:1:48");
    assert_eq!(errs[1].3, "did you mean `xep_loai`?");
}

#[test]
fn duplicate_column_is_reported() {
    let text = "id,ten,ten\ncum1,A,B\ncum2,C,D\n";
    let (code, loc, _, _) = single(load_with(&[("cum.csv", text)]));
    assert_eq!((code.as_str(), loc.as_str()), ("data::duplicate_column", "cum.csv:1:8"));
}

#[test]
fn duplicate_id_points_at_both_rows() {
    let text = "id,ten\ncum1,A\ncum2,B\n  cum1 ,C\n";
    let (result, sources) = load_with(&[("cum.csv", text)]);
    let Err(LoadError::Invalid(diags)) = result else { panic!("expected diagnostics") };
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.code, "data::duplicate_id");
    assert_eq!(d.message, "duplicate `cum` id `cum1`");
    assert_eq!(sources.location(d.span).to_string(), "cum.csv:4:3");
    assert_eq!(sources.slice(d.span), "cum1");
    assert_eq!(d.related.len(), 1);
    assert_eq!(sources.location(d.related[0].0).to_string(), "cum.csv:2:1");
    assert_eq!(sources.slice(d.related[0].0), "cum1");
}

#[test]
fn impossible_date_is_rejected() {
    let text = format!("{CAN_BO_HEADER}cb01,dv01,A,false,2025-02-30,0,HTXS,khong,false,nganh\n");
    let (code, loc, message, help) = single(load_with(&[("can_bo.csv", &text)]));
    assert_eq!(code, "data::bad_value");
    assert_eq!(loc, "can_bo.csv:2:19");
    assert_eq!(message, "`2025-02-30` is not a real date");
    assert_eq!(help, "month 2 of 2025 has 28 days");
    let text = format!("{CAN_BO_HEADER}cb01,dv01,A,false,1/3/2010,0,HTXS,khong,false,nganh\n");
    let (_, _, message, help) = single(load_with(&[("can_bo.csv", &text)]));
    assert_eq!(message, "`1/3/2010` is not a date");
    assert!(help.contains("YYYY-MM-DD"));
}

#[test]
fn unknown_enum_value_suggests_the_closest_variant() {
    let text = format!("{CAN_BO_HEADER}cb01,dv01,A,false,2010-03-01,0,HTSX,khong,false,nganh\n");
    let (code, loc, message, help) = single(load_with(&[("can_bo.csv", &text)]));
    assert_eq!(code, "data::bad_value");
    assert_eq!(loc, "can_bo.csv:2:32");
    assert_eq!(message, "`HTSX` is not a `xep_loai` value");
    assert_eq!(help, "did you mean `HTXS`? expected one of `KHT`, `HT`, `HTT`, `HTXS`");
    let text = format!("{CAN_BO_HEADER}cb01,dv01,A,false,2010-03-01,0,tốt,khong,false,nganh\n");
    let (_, _, _, help) = single(load_with(&[("can_bo.csv", &text)]));
    assert_eq!(help, "expected one of `KHT`, `HT`, `HTT`, `HTXS`");
}

#[test]
fn unknown_parent_is_reported() {
    let text = format!("{CAN_BO_HEADER}cb01,dv09,A,false,2010-03-01,0,HTXS,khong,false,nganh\n");
    let (code, loc, message, help) = single(load_with(&[("can_bo.csv", &text)]));
    assert_eq!(code, "data::unknown_parent");
    assert_eq!(loc, "can_bo.csv:2:6");
    assert_eq!(message, "no `don_vi` with id `dv09`");
    assert_eq!(help, "did you mean `dv01`?");
}

#[test]
fn empty_required_cells_are_reported() {
    let text = format!(
        "{CAN_BO_HEADER}cb01,,A,false,2010-03-01,0,,khong,false,nganh\n,dv01,B,true,2010-03-01,0,HT,,,\n"
    );
    let errs = errors(load_with(&[("can_bo.csv", &text)]));
    let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.0.as_str(), e.1.as_str())).collect();
    assert_eq!(
        got,
        [
            ("data::missing_value", "can_bo.csv:2:6"),
            ("data::missing_value", "can_bo.csv:2:28"),
            ("data::missing_value", "can_bo.csv:3:1"),
        ]
    );
}

#[test]
fn rows_with_the_wrong_number_of_cells_are_reported() {
    let text = "id,ten\ncum1,A,extra\ncum2,B\n";
    // The row is reported once; its id still counts, so `dv01` in cụm `cum1` is fine.
    let (code, loc, message, _) = single(load_with(&[("cum.csv", text)]));
    assert_eq!((code.as_str(), loc.as_str()), ("data::bad_row", "cum.csv:2:1"));
    assert_eq!(message, "row has 3 cells but the header has 2");
}

#[test]
fn quoted_cells_and_blank_lines_keep_exact_locations() {
    let text = format!(
        "{CAN_BO_HEADER}\r\n\"cb01\",\"dv01\",\"Nguyễn, \"\"An\"\"\",false,2010-03-01,0,HTXS,khong,false,nganh\r\n\r\n\
         cb02,dv01,\"Trần\nThị B\",false,2010-03-01,0,HTXS,khong,\"x\",nganh\n"
    );
    let (code, loc, message, _) = single(load_with(&[("can_bo.csv", &text)]));
    assert_eq!(code, "data::bad_value");
    assert_eq!(loc, "can_bo.csv:6:39");
    assert_eq!(message, "`x` is not true or false");
}

#[test]
fn empty_file_has_no_header() {
    let (code, loc, _, _) = single(load_with(&[("cum.csv", "")]));
    assert_eq!((code.as_str(), loc.as_str()), ("data::missing_header", "cum.csv:1:1"));
}

#[test]
fn history_with_unknown_award_or_entity_is_reported() {
    let text =
        "entity,award,cycle\ncb01,cstdc,2024\ncb1,cstdcs,2024\ndv01,cstdcs,2024\ncb01,htxs,20x4\n";
    let errs = errors(load_with(&[("history.csv", text)]));
    let got: Vec<(&str, &str, &str, &str)> =
        errs.iter().map(|e| (e.0.as_str(), e.1.as_str(), e.2.as_str(), e.3.as_str())).collect();
    assert_eq!(
        got,
        [
            (
                "data::unknown_award",
                "history.csv:2:6",
                "unknown award `cstdc`",
                "did you mean `cstdcs`?"
            ),
            (
                "data::unknown_entity",
                "history.csv:3:1",
                "no `can_bo` with id `cb1`",
                "did you mean `cb01`?"
            ),
            (
                "data::unknown_entity",
                "history.csv:4:1",
                "no `can_bo` with id `dv01`",
                "`cstdcs` is given to `can_bo`: use an id from the `can_bo` data"
            ),
            (
                "data::bad_value",
                "history.csv:5:11",
                "`20x4` is not a year",
                "`cycle` is the year the award was held, such as `2024`"
            ),
        ]
    );
}

#[test]
fn missing_kind_file_is_an_io_error() {
    let schema = vksnd_schema();
    let mut sources = SourceMap::new();
    let result = load_csv_str(&schema, &[("cum.csv", CUM)], &mut sources);
    let Err(LoadError::Io { path, source }) = result else { panic!("expected an I/O error") };
    assert_eq!(path, PathBuf::from("don_vi.csv"));
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
    let dir = tempfile::tempdir().unwrap();
    let result = load_dir(&schema, dir.path(), &mut sources);
    assert!(matches!(result, Err(LoadError::Io { path, .. }) if path.ends_with("cum.csv")));
}

#[test]
fn misspelt_file_names_are_reported() {
    let (code, _, message, help) = single(load_with(&[("histroy.csv", HISTORY)]));
    assert_eq!(code, "data::unknown_file");
    assert_eq!(message, "unexpected data file `histroy.csv`");
    assert_eq!(help, "did you mean `history.csv`?");
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in
        [("cum.csv", CUM.to_owned()), ("don_vi.csv", don_vi()), ("can_bo.csv", can_bo())]
    {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::write(dir.path().join("notes.csv"), "a,b\n").unwrap();
    std::fs::write(dir.path().join("README.md"), "hello").unwrap();
    let mut sources = SourceMap::new();
    assert!(load_dir(&vksnd_schema(), dir.path(), &mut sources).is_ok());
    std::fs::write(dir.path().join("can_bo_.csv"), "a,b\n").unwrap();
    let Err(LoadError::Invalid(diags)) = load_dir(&vksnd_schema(), dir.path(), &mut sources) else {
        panic!("expected diagnostics")
    };
    assert_eq!(diags[0].code, "data::unknown_file");
}

#[test]
fn errors_stop_at_the_limit() {
    let mut text = String::from("id,ten,x\n");
    for i in 0..200 {
        text.push_str(&format!("c{i}\n"));
    }
    let errs = errors(load_with(&[("cum.csv", &text)]));
    assert_eq!(errs.len(), MAX_ERRORS);
    assert_eq!(errs[0].0, "data::unknown_column");
}

/// Found by the data fuzzer (a slow unit): a header of thousands of bad column names. Past
/// the error limit nothing more is looked at, so this stays linear in the header's length;
/// it used to scan the header again for every column.
#[test]
fn a_header_of_many_bad_columns_reports_only_up_to_the_limit() {
    let mut text = String::from("id,ten");
    for i in 0..20_000 {
        text.push_str(&format!(",x{i}"));
    }
    text.push_str(",ten\nc1,Cụm 1\n");
    let errs = errors(load_with(&[("cum.csv", &text)]));
    assert_eq!(errs.len(), MAX_ERRORS);
    assert!(errs.iter().all(|e| e.0 == "data::unknown_column"), "{errs:?}");
}

const JSON: &str = r#"{
  "cum": [ { "id": "cum1", "ten": "Cụm 1" } ],
  "don_vi": [
    { "id": "dv01", "cum": "cum1", "ten": "Phòng 1", "xep_loai": "HTXS",
      "tin_bao_thu_ly": 100, "tin_bao_giai_quyet": "95", "vu_an_thu_ly": 40,
      "an_tra_ho_so": 0, "an_huy": 0, "khang_nghi": 5, "khang_nghi_chap_nhan": 4,
      "kien_nghi": 3, "mo_hinh_moi": true, "vi_pham_ky_luat": 0, "bi_khieu_nai": "không" }
  ],
  "can_bo": [
    { "id": "cb01", "don_vi": "dv01", "ho_ten": "Nguyễn Văn An", "nu": false,
      "ngay_tuyen_dung": "2010-03-01", "xep_loai": "HTXS", "sang_kien": "nganh" },
    { "id": 2, "don_vi": "dv01", "ho_ten": "Trần Thị Bình", "nu": true,
      "ngay_tuyen_dung": "2024-01-15", "thang_nghi": null, "xep_loai": "HTT" }
  ],
  // Past cycles.
  "history": [
    { "entity": "cb01", "award": "cstdcs", "cycle": 2024 },
    { "entity": "2", "award": "htt_tro_len", "cycle": "2024" }
  ]
}"#;

#[test]
fn json_happy_path() {
    let schema = vksnd_schema();
    let mut sources = SourceMap::new();
    let dataset = load_json_str(&schema, "data.json", JSON, &mut sources).unwrap();
    assert_eq!(dataset.tables[1].row(0)[1], Value::Enum(3));
    assert_eq!(dataset.tables[1].row(0)[3], Value::Num(Decimal::from(95)));
    assert_eq!(dataset.tables[1].row(0)[12], Value::Bool(false));
    assert_eq!(dataset.tables[2].ids[1].as_ref(), "2");
    assert_eq!(dataset.tables[2].row(1)[3], Value::Num(Decimal::ZERO));
    assert!(dataset.history.held_in(schema.fact("htt_tro_len").unwrap(), 1, 2024));
    assert!(dataset.history.held_in(schema.fact("cstdcs").unwrap(), 0, 2024));
}

#[test]
fn json_bad_value_has_line_and_column() {
    let text =
        JSON.replace(r#""ngay_tuyen_dung": "2024-01-15""#, r#""ngay_tuyen_dung": "2024-13-15""#);
    let schema = vksnd_schema();
    let mut sources = SourceMap::new();
    let Err(LoadError::Invalid(diags)) = load_json_str(&schema, "data.json", &text, &mut sources)
    else {
        panic!("expected diagnostics")
    };
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].code, "data::bad_value");
    assert_eq!(
        sources.location(diags[0].span),
        Location { file: "data.json".into(), line: 13, column: 26 }
    );
    assert_eq!(sources.slice(diags[0].span), "\"2024-13-15\"");
    assert_eq!(diags[0].help.as_deref(), Some("there is no month 13; write dates as `YYYY-MM-DD`"));
}

#[test]
fn json_structure_errors_are_located() {
    let schema = vksnd_schema();
    // `needle` is where the diagnostic must point: its first occurrence in `text`.
    let check = |text: &str, code: &str, needle: &str| {
        let mut sources = SourceMap::new();
        let Err(LoadError::Invalid(diags)) =
            load_json_str(&schema, "data.json", text, &mut sources)
        else {
            panic!("expected diagnostics for {text}")
        };
        let at = text.find(needle).unwrap_or_else(|| panic!("no `{needle}` in {text}"));
        let d = diags
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("no {code}: {diags:#?}"));
        assert_eq!(d.span.start as usize, at, "{code} at {}: {diags:#?}", sources.location(d.span));
    };
    check("", "data::bad_json", "");
    check("[1, 2]", "data::bad_json", "[");
    check("{\n  \"cum\": [ { \"id\": \"a\" ", "data::bad_json", "{ \"id");
    check(&JSON.replace("\"don_vi\": [", "\"donvi\": ["), "data::unknown_kind", "\"donvi\"");
    check(&JSON.replace("\"don_vi\": [", "\"donvi\": ["), "data::missing_kind", "{");
    check(
        &JSON.replace("\"ho_ten\": \"Trần", "\"hoten\": \"Trần"),
        "data::unknown_column",
        "\"hoten\"",
    );
    check(
        &JSON.replace("\"xep_loai\": \"HTT\"", "\"ghi_chu\": 1"),
        "data::unknown_column",
        "\"ghi_chu\"",
    );
    check(&JSON.replace(", \"xep_loai\": \"HTT\"", ""), "data::missing_value", "{ \"id\": 2");
    check(
        &JSON.replace("\"mo_hinh_moi\": true", "\"mo_hinh_moi\": [true]"),
        "data::bad_value",
        "[true]",
    );
    check(
        &JSON
            .replace("\"cum\": [ {", "\"cum\": { \"x\": {")
            .replace("} ],\n  \"don_vi\"", "} },\n  \"don_vi\""),
        "data::bad_json",
        "{ \"x\"",
    );
    check(
        &JSON.replace("\"cycle\": 2024 }", "\"cycle\": 2024, \"cycle\": 2023 }"),
        "data::duplicate_column",
        "\"cycle\": 2023",
    );
    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
    let mut sources = SourceMap::new();
    let Err(LoadError::Invalid(diags)) = load_json_str(&schema, "data.json", &deep, &mut sources)
    else {
        panic!("expected diagnostics")
    };
    assert_eq!((diags[0].code, diags[0].span.start), ("data::bad_json", 64));
}

#[test]
fn data_json_in_a_directory_or_given_directly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.json");
    std::fs::write(&path, JSON).unwrap();
    let schema = vksnd_schema();
    let mut sources = SourceMap::new();
    assert_eq!(load_dir(&schema, dir.path(), &mut sources).unwrap().tables[2].len(), 2);
    assert_eq!(load_dir(&schema, &path, &mut sources).unwrap().tables[2].len(), 2);
    std::fs::write(dir.path().join("cum.csv"), CUM).unwrap();
    let Err(LoadError::Invalid(diags)) = load_dir(&schema, dir.path(), &mut sources) else {
        panic!("expected diagnostics")
    };
    assert_eq!(diags[0].code, "data::ambiguous_input");
    let csv = dir.path().join("cum.csv");
    let Err(LoadError::Io { source, .. }) = load_dir(&schema, &csv, &mut sources) else {
        panic!("expected an I/O error")
    };
    assert_eq!(source.kind(), std::io::ErrorKind::InvalidInput);
}

/// A schema with one field of every type, for value parsing.
fn typed_schema() -> Schema {
    let types = [
        ("i", Type::Integer),
        ("d", Type::Decimal),
        ("p", Type::Percent),
        ("m", Type::Money),
        ("b", Type::Bool),
        ("t", Type::Date),
        ("x", Type::Text),
        ("e", Type::Enum(EnumId(0))),
    ];
    Schema {
        enums: vec![EnumDef {
            name: "muc".into(),
            label: None,
            ordered: true,
            variants: vec![
                ("thap".into(), Some("Thấp".into())),
                ("cao".into(), Some("Cao".into())),
            ],
        }],
        kinds: vec![KindDef {
            name: "k".into(),
            label: None,
            parent: None,
            fields: types
                .iter()
                .map(|(n, ty)| FieldDef { name: (*n).into(), label: None, ty: *ty, default: None })
                .collect(),
        }],
        facts: vec![],
    }
}

fn parse_cell(field: usize, text: &str) -> Result<Value, String> {
    let schema = typed_schema();
    let def = &schema.kinds[0].fields[field];
    cell::parse(&schema, def, Raw::Text(text))
        .map_err(|e| e.into_diagnostic(Span::default()).message)
}

#[test]
fn values_parse_per_type() {
    let num = |s: &str| Ok(Value::Num(s.parse::<Decimal>().unwrap()));
    assert_eq!(parse_cell(0, " 42 "), num("42"));
    assert_eq!(parse_cell(0, "-7"), num("-7"));
    assert_eq!(parse_cell(0, "1.5"), Err("`1.5` is not a whole number".into()));
    assert_eq!(
        parse_cell(0, "99999999999999999999"),
        Err("`99999999999999999999` is not a whole number".into())
    );
    assert_eq!(parse_cell(1, "12.5"), num("12.5"));
    assert_eq!(parse_cell(1, "1e3"), Err("`1e3` is not a number".into()));
    assert_eq!(parse_cell(2, "70%"), num("0.7"));
    assert_eq!(parse_cell(2, "12.5 %"), num("0.125"));
    assert_eq!(parse_cell(2, "0.7"), num("0.7"));
    assert_eq!(parse_cell(2, "70"), Err("`70` is not a fraction between 0 and 1".into()));
    assert_eq!(parse_cell(3, "2_340_000"), num("2340000"));
    assert_eq!(parse_cell(3, "2340000"), num("2340000"));
    assert!(parse_cell(3, "2.340.000").is_err());
    assert!(parse_cell(3, "_1").is_err());
    assert!(parse_cell(3, "-5").is_err());
    for (s, b) in [
        ("true", true),
        ("FALSE", false),
        ("Có", true),
        ("KHÔNG", false),
        ("1", true),
        ("0", false),
    ] {
        assert_eq!(parse_cell(4, s), Ok(Value::Bool(b)), "{s}");
    }
    assert!(parse_cell(4, "yes").is_err());
    assert_eq!(
        parse_cell(5, "2024-02-29"),
        Ok(Value::Date(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()))
    );
    assert_eq!(parse_cell(5, "2025-02-29"), Err("`2025-02-29` is not a real date".into()));
    assert!(parse_cell(5, "2025-1-05").is_err());
    assert!(parse_cell(5, "२०२५-01-05").is_err());
    assert_eq!(parse_cell(6, " a, b "), Ok(Value::Text("a, b".into())));
    assert_eq!(parse_cell(7, "cao"), Ok(Value::Enum(1)));
    assert_eq!(parse_cell(7, "Cao"), Err("`Cao` is not a `muc` value".into()));
    assert_eq!(parse_cell(7, ""), Err("missing value for `e`".into()));
}

#[test]
fn enum_label_is_recognised_in_the_help() {
    let schema = typed_schema();
    let err = cell::parse(&schema, &schema.kinds[0].fields[7], Raw::Text("thấp")).unwrap_err();
    let help = err.into_diagnostic(Span::default()).help.unwrap();
    assert!(
        help.starts_with("did you mean `thap`? write the value's name, not its label"),
        "{help}"
    );
}

#[test]
fn json_scalars_parse_per_type() {
    let schema = typed_schema();
    let f = |i: usize| &schema.kinds[0].fields[i];
    assert_eq!(
        cell::parse(&schema, f(2), Raw::Number("0.25")).unwrap(),
        Value::Num("0.25".parse().unwrap())
    );
    assert_eq!(
        cell::parse(&schema, f(1), Raw::Number("1.5e2")).unwrap(),
        Value::Num(Decimal::from(150))
    );
    assert_eq!(cell::parse(&schema, f(6), Raw::Number("12")).unwrap(), Value::Text("12".into()));
    assert_eq!(cell::parse(&schema, f(4), Raw::Bool(true)).unwrap(), Value::Bool(true));
    assert!(cell::parse(&schema, f(0), Raw::Bool(true)).is_err());
    assert!(cell::parse(&schema, f(5), Raw::Number("20250101")).is_err());
    assert!(cell::parse(&schema, f(7), Raw::Compound("a list")).is_err());
    let long = format!("{}e5", "9".repeat(100));
    for extreme in ["1e400", "1e-400", "-1E+99999999999", long.as_str(), "1e", "e1"] {
        for field in [0, 1, 2, 3] {
            let _ = cell::parse(&schema, f(field), Raw::Number(extreme));
        }
    }
}

fn arbitrary_csv() -> impl Strategy<Value = String> {
    let cell = prop_oneof![
        Just(String::new()),
        Just("\"".to_owned()),
        Just("\"\"".to_owned()),
        Just("dv01".to_owned()),
        Just("HTT".to_owned()),
        Just("2025-02-30".to_owned()),
        "[a-z0-9 ,\"\r\n\u{feff}ệ_%.-]{0,12}",
    ];
    let row = prop::collection::vec(cell, 0..12).prop_map(|cells| cells.join(","));
    prop::collection::vec(row, 0..6).prop_map(|rows| format!("{CAN_BO_HEADER}{}", rows.join("\n")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn csv_loading_never_panics_and_spans_stay_in_the_file(text in arbitrary_csv()) {
        let (result, sources) = load_with(&[("can_bo.csv", &text)]);
        if let Err(LoadError::Invalid(diags)) = result {
            for d in diags {
                let file = sources.get(d.span.file).unwrap();
                prop_assert!(d.span.end as usize <= file.text.len());
                prop_assert!(file.text.is_char_boundary(d.span.start as usize));
                prop_assert!(file.text.is_char_boundary(d.span.end as usize));
            }
        }
    }

    #[test]
    fn json_loading_never_panics_and_spans_stay_in_the_file(
        text in "[\\[\\]{}\":, a-z0-9/*\n\\\\ệ]{0,80}",
    ) {
        let schema = vksnd_schema();
        let mut sources = SourceMap::new();
        if let Err(LoadError::Invalid(diags)) = load_json_str(&schema, "data.json", &text, &mut sources) {
            let file = sources.get(FileId(0)).unwrap();
            for d in diags {
                prop_assert!(d.span.end as usize <= file.text.len());
                prop_assert!(file.text.is_char_boundary(d.span.start as usize));
                prop_assert!(file.text.is_char_boundary(d.span.end as usize));
            }
        }
    }

    #[test]
    fn json_documents_with_wrong_values_never_panic(
        value in prop_oneof![
            Just("null".to_owned()), Just("[]".to_owned()), Just("{}".to_owned()), Just("1e400".to_owned()),
            Just("-0".to_owned()), Just("\"\"".to_owned()), Just("true".to_owned()), "\"[a-zệ0-9 %._-]{0,8}\"",
            "-?[0-9]{1,30}(\\.[0-9]{1,30})?",
        ],
        key in prop_oneof![Just("id"), Just("ngay_tuyen_dung"), Just("xep_loai"), Just("thang_nghi"), Just("nu"), Just("don_vi")],
    ) {
        let text = JSON.replacen(&format!("\"{key}\": "), &format!("\"{key}\": {value}, \"x_{key}\": "), 1);
        let schema = vksnd_schema();
        let mut sources = SourceMap::new();
        let _ = load_json_str(&schema, "data.json", &text, &mut sources);
    }

    #[test]
    fn cells_never_panic(text in "\\PC{0,16}", field in 0usize..8) {
        let _ = parse_cell(field, &text);
    }
}
