//! `thidua test`: the rule-set test runner as a black box. The shipped test files pass with
//! full coverage; a wrong expectation fails with its diff and the deciding rule; a typo is a
//! located error; and the council scenario (a changed threshold) shows which cases break.
//! Paths are relative to the repository root, and temporary paths are replaced, so
//! snapshots are stable.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn thidua(args: &[&str]) -> Output {
    Command::cargo_bin("thidua")
        .expect("binary builds")
        .current_dir(root())
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(o)).expect("valid JSON")
}

macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

const SHIPPED: &str = "rules/vksnd_tinh.test";
const HEADER: &str = r#"tests for "vksnd_tinh.rules" cycle 2025 data "sample""#;

/// The shipped test file, changed by `edit`, written to a temporary folder with its rule file
/// and data named by absolute paths. Returns the folder and the file.
fn shipped_copy(edit: impl Fn(String) -> String) -> (tempfile::TempDir, PathBuf) {
    let text = std::fs::read_to_string(root().join(SHIPPED)).unwrap();
    assert!(text.contains(HEADER), "the shipped test file's header changed");
    let rules = root().join("rules");
    let header = format!(
        r#"tests for "{}" cycle 2025 data "{}""#,
        rules.join("vksnd_tinh.rules").display(),
        rules.join("sample").display()
    );
    let changed = edit(text.replace(HEADER, &header));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.test");
    std::fs::write(&path, changed).unwrap();
    (dir, path)
}

/// Output with the temporary folder and the repository root taken out.
fn relative(text: &str, dir: &Path) -> String {
    text.replace(&format!("{}/", dir.display()), "<tmp>/")
        .replace(&format!("{}/", root().display()), "")
}

/// Names of the failed cases in a JSON report.
fn failed_cases(v: &serde_json::Value) -> Vec<String> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["cases"].as_array().unwrap().iter())
        .filter(|c| c["passed"] == false)
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_shipped_tests_pass() {
    let o = thidua(&["test"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    snap!("rule_tests_shipped", stdout(&o));
}

#[test]
fn every_shipped_rule_set_has_tests_that_cover_all_of_it() {
    let mut rule_sets = 0;
    for entry in std::fs::read_dir(root().join("rules")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rules") {
            continue;
        }
        rule_sets += 1;
        let test = path.with_extension("test");
        assert!(test.is_file(), "no test file beside {}", path.display());
        let o = thidua(&["test", "--format", "json", test.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
        let v = json(&o);
        let file = &v["files"][0];
        assert_eq!(v["failed"], 0);
        let cov = &file["coverage"];
        assert_eq!(cov["uncovered"], serde_json::json!([]), "{}", test.display());
        assert_eq!(cov["covered"], cov["items"]);
        // Every excuse gives a reason, and no case covers an excused item.
        for e in cov["excused"].as_array().unwrap() {
            assert!(!e["reason"].as_str().unwrap().is_empty());
            assert_eq!(e["covered"], false, "{e}");
        }
    }
    assert!(rule_sets >= 1);
}

#[test]
fn a_failing_run_shows_each_diff_with_both_locations() {
    let o = thidua(&["test", "tests/cases/test/failing.test"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("result: FAILED. 1 passed, 4 failed of 5 cases"), "{out}");
    snap!("rule_tests_failing", out);
}

#[test]
fn a_flipped_expectation_fails_with_its_diff() {
    let old = r#"expect b lao_dong_tien_tien not eligible because require "Đủ thời gian công tác""#;
    let (dir, path) = shipped_copy(|t| {
        assert!(t.contains(old));
        t.replace(old, "expect b lao_dong_tien_tien eligible")
    });
    let o = thidua(&["test", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = relative(&stdout(&o), dir.path());
    let expected = "\
FAILED  LĐTT: tuyển dụng 30/6 là đủ 06 tháng, tuyển dụng 01/7 thì chưa
  <tmp>/copy.test:39:3: expect b lao_dong_tien_tien eligible
    - expected: eligible
    + actual:   not eligible because require \"Đủ thời gian công tác\"
    decided by rules/vksnd_tinh.rules:138:3: require \"Đủ thời gian công tác\": \
months_between(ngay_tuyen_dung, cycle_end) >= thang_cong_tac_toi_thieu (does not hold)
";
    assert!(out.contains(expected), "{out}");
    assert!(out.contains("result: FAILED. 44 passed, 1 failed of 45 cases"), "{out}");

    // And the other way round: an eligible expectation turned negative.
    let old = "expect a cstdcs eligible reward 2_340_000";
    let (dir, path) = shipped_copy(|t| t.replace(old, "expect a cstdcs not eligible"));
    let o = thidua(&["test", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = relative(&stdout(&o), dir.path());
    assert!(out.contains("    - expected: not eligible\n    + actual:   eligible\n"), "{out}");
    assert!(out.contains("decided by rules/vksnd_tinh.rules:149:1: title cstdcs"), "{out}");
}

#[test]
fn a_typo_in_a_test_file_is_a_located_error() {
    let o = thidua(&["test", "--error-format", "plain", "tests/cases/test/typo.test"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stdout(&o).is_empty(), "no case runs: {}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("did you mean `lao_dong_tien_tien`?"), "{err}");
    snap!("rule_tests_typo", err);
}

#[test]
fn a_syntax_error_in_a_test_file_is_located() {
    let o = thidua(&["test", "--error-format", "plain", "tests/cases/test/syntax.test"]);
    assert_eq!(o.status.code(), Some(3));
    snap!("rule_tests_syntax", stderr(&o));
}

/// The council raises the share of staff with LĐTT a unit needs, from 70% to 80%, and runs
/// last cycle's tests against the new text before adopting it.
#[test]
fn the_council_scenario_shows_which_cases_break() {
    let text = std::fs::read_to_string(root().join("rules/vksnd_tinh.rules")).unwrap();
    let old = "  70% from 2024-01-01 basis \"Luật TĐKT 2022 Điều 28;";
    assert_eq!(text.matches(old).count(), 1);
    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join("changed.rules");
    std::fs::write(
        &changed,
        text.replace(old, "  80% from 2024-01-01 basis \"Luật TĐKT 2022 Điều 28;"),
    )
    .unwrap();
    let o = thidua(&["test", SHIPPED, "--rules", changed.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = relative(&stdout(&o), dir.path());
    snap!("rule_tests_council_scenario", out);

    let o = thidua(&["test", SHIPPED, "--rules", changed.to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        failed_cases(&json(&o)),
        [
            "Tập thể LĐTT: 75% cá nhân đạt LĐTT",
            "Tập thể LĐTT: có cá nhân bị cảnh cáo",
            "Tập thể LĐXS: có cá nhân không hoàn thành nhiệm vụ",
            "Mẫu: dv12 dẫn đầu cụm 3 và được Cờ thi đua ngành",
            "Mẫu: dv12 không có mô hình mới",
        ]
    );
}

/// Other thresholds a council might move, and the cases that guard them.
#[test]
fn each_threshold_is_guarded_by_a_case() {
    let text = std::fs::read_to_string(root().join("rules/vksnd_tinh.rules")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let changes = [
        (
            "grade xuat_sac \"Xuất sắc\" from 90",
            "grade xuat_sac \"Xuất sắc\" from 92",
            vec!["Tập thể LĐXS: đủ mọi điều kiện"],
        ),
        (
            "  6 from 2024-10-01",
            "  7 from 2024-10-01",
            vec!["LĐTT: tuyển dụng 30/6 là đủ 06 tháng, tuyển dụng 01/7 thì chưa"],
        ),
        (
            "thang_nghi >= 3",
            "thang_nghi >= 2",
            vec!["LĐTT: nghỉ 02 tháng vẫn đạt, nghỉ 03 tháng bị loại"],
        ),
        ("quota 2 per don_vi", "quota 3 per don_vi", vec!["Giấy khen: tối đa 02 người mỗi đơn vị"]),
        (
            "held cstdcs for 3 consecutive cycles",
            "held cstdcs for 2 consecutive cycles",
            vec!["CSTĐ ngành: đứt quãng một năm thì chưa đủ 03 năm liên tục"],
        ),
    ];
    for (old, new, broken) in changes {
        assert_eq!(text.matches(old).count(), 1, "{old}");
        let changed = dir.path().join("changed.rules");
        std::fs::write(&changed, text.replace(old, new)).unwrap();
        let o =
            thidua(&["test", SHIPPED, "--rules", changed.to_str().unwrap(), "--format", "json"]);
        assert_eq!(o.status.code(), Some(1), "{old} → {new}");
        assert_eq!(failed_cases(&json(&o)), broken, "{old} → {new}");
    }
}

#[test]
fn a_rule_no_case_exercises_is_listed_as_uncovered() {
    let (dir, path) = shipped_copy(|t| {
        let start = t.find("case \"Giấy khen: bị kỷ luật thì bị loại\"").unwrap();
        let end = start + t.get(start..).unwrap().find("\n}\n").unwrap() + 3;
        format!("{}{}", t.get(..start).unwrap(), t.get(end..).unwrap())
    });
    let o = thidua(&["test", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "coverage does not fail a run");
    let v = json(&o);
    let cov = &v["files"][0]["coverage"];
    let uncovered = cov["uncovered"].as_array().unwrap();
    assert_eq!(uncovered.len(), 1, "{uncovered:?}");
    assert_eq!(
        uncovered[0]["item"],
        "disqualify \"Bị kỷ luật từ khiển trách trở lên\" of giay_khen"
    );
    assert_eq!(uncovered[0]["location"]["line"], 194);
    assert_eq!(cov["covered"].as_u64().unwrap() + 1, cov["items"].as_u64().unwrap());

    let o = thidua(&["test", path.to_str().unwrap()]);
    let out = relative(&stdout(&o), dir.path());
    assert!(
        out.contains(
            "  not covered:\n    \
             rules/vksnd_tinh.rules:194:3: disqualify \"Bị kỷ luật từ khiển trách trở lên\" of giay_khen\n"
        ),
        "{out}"
    );
}

#[test]
fn json_output_is_one_document() {
    let o = thidua(&["test", "--format", "json", "tests/cases/test/failing.test"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!((v["passed"].as_u64(), v["failed"].as_u64()), (Some(1), Some(4)));
    let failure = &v["files"][0]["cases"][2]["failures"][0];
    assert_eq!(failure["expected"], "score 90, grade xuat_sac, rank 2");
    assert_eq!(failure["actual"], "score 89.49, grade tot, rank 1");
    assert_eq!(failure["location"]["file"], "tests/cases/test/failing.test");
    assert_eq!(failure["decided_by"][1]["location"]["file"], "rules/vksnd_tinh.rules");

    let o = thidua(&["test", "--format", "json", "tests/cases/test/typo.test"]);
    assert_eq!(o.status.code(), Some(3));
    let v = json(&o);
    assert_eq!(v["files"], serde_json::json!([]));
    assert_eq!(v["diagnostics"][0]["code"], "test::unknown_field");
}

#[test]
fn labels_follow_the_lang_flag() {
    let o = thidua(&["--lang", "vi", "test", "tests/cases/test/failing.test"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("KHÔNG ĐẠT  sai: chỉ tiêu\n"), "{out}");
    assert!(out.contains("    - mong đợi: eligible\n    + thực tế:  over quota\n"), "{out}");
    assert!(out.contains("kết quả: KHÔNG ĐẠT. 1 đạt, 4 không đạt trong 5 trường hợp"), "{out}");
}

#[test]
fn a_folder_runs_each_test_file_in_it() {
    let o = thidua(&["test", "--error-format", "plain", "tests/cases/test"]);
    // failing.test runs and fails; syntax.test and typo.test fail to check: exit 3.
    assert_eq!(o.status.code(), Some(3));
    assert!(stdout(&o).starts_with("tests/cases/test/failing.test: 5 cases"), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("tests/cases/test/syntax.test:5:35: test::syntax"), "{err}");
    assert!(err.contains("tests/cases/test/typo.test:5:34: test::unknown_field"), "{err}");

    let empty = tempfile::tempdir().unwrap();
    let o = thidua(&["test", empty.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no `.test` files in"), "{}", stderr(&o));
}
