//! `thidua diff OLD NEW --data DIR`: rule-level changes and their evaluated impact.
//!
//! Most cases copy the shipped rule set, change it with a string replacement (asserted to
//! apply exactly once, so a drifting sample fails loudly) and diff it against the original on
//! `rules/sample`. `tests/cases/diff/` holds a small pair of files with one change of every
//! kind. Paths in snapshots are relative: the temporary directory is cut out.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

const SHIPPED: &str = "rules/vksnd_tinh.rules";
const SAMPLE: &str = "rules/sample";

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

macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

/// A copy of the shipped rule set with each `(from, to)` replaced; each `from` must occur
/// exactly once.
struct Variant {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl Variant {
    fn new(edits: &[(&str, &str)]) -> Variant {
        let mut text = std::fs::read_to_string(root().join(SHIPPED)).unwrap();
        for (from, to) in edits {
            assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once in {SHIPPED}");
            text = text.replacen(from, to, 1);
        }
        Variant::with_text(&text)
    }

    fn with_text(text: &str) -> Variant {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.rules");
        std::fs::write(&path, text).unwrap();
        Variant { dir, path }
    }

    fn path(&self) -> &str {
        self.path.to_str().unwrap()
    }

    /// `thidua diff SHIPPED <this> --data SAMPLE [extra…]`.
    fn diff(&self, extra: &[&str]) -> Output {
        let mut args = vec!["diff", SHIPPED, self.path(), "--data", SAMPLE];
        args.extend(extra);
        thidua(&args)
    }

    /// Output text with the temporary directory cut out.
    fn clean(&self, bytes: &[u8]) -> String {
        let dir = format!("{}/", self.dir.path().display());
        String::from_utf8(bytes.to_vec()).unwrap().replace(&dir, "")
    }
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

/// `(kind/id, award)` of every eligible decision in `thidua eval --format json` output.
fn eligible(v: &Value) -> std::collections::BTreeSet<(String, String)> {
    let mut out = std::collections::BTreeSet::new();
    for e in v["entities"].as_array().unwrap() {
        for a in e["awards"].as_array().unwrap() {
            if a["outcome"] == "eligible" {
                let who = format!("{}/{}", e["kind"].as_str().unwrap(), e["id"].as_str().unwrap());
                out.insert((who, a["award"].as_str().unwrap().to_string()));
            }
        }
    }
    out
}

#[test]
fn the_shipped_rules_against_themselves_change_nothing() {
    let o = thidua(&["diff", SHIPPED, SHIPPED, "--data", SAMPLE]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("No rule changes"), "{out}");
    assert!(out.contains("Nobody is affected"), "{out}");
    snap!("diff_same", out);
    let v = json(&thidua(&["diff", SHIPPED, SHIPPED, "--data", SAMPLE, "--format", "json"]));
    assert_eq!(v["rules"], serde_json::json!([]));
    assert_eq!(v["entities"], serde_json::json!([]));
    for a in v["summary"]["awards"].as_array().unwrap() {
        assert_eq!(a["eligible_before"], a["eligible_after"]);
        assert_eq!((a["gained"].as_u64(), a["lost"].as_u64()), (Some(0), Some(0)));
    }
}

#[test]
fn reformatting_the_rules_is_not_a_change() {
    let text = std::fs::read_to_string(root().join(SHIPPED)).unwrap();
    let reformatted = text
        .replace("  require ", "  // reworded nothing\n  require\n      ")
        .replace("xep_loai >= HTT", "(xep_loai   >=   HTT)")
        .replace(" max 40 {", "\n    max 40\n  {");
    assert_ne!(reformatted, text);
    let v = Variant::with_text(&reformatted);
    let o = v.diff(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", v.clean(&o.stderr));
    let out = v.clean(&o.stdout);
    assert!(out.contains("No rule changes") && out.contains("Nobody is affected"), "{out}");
}

/// The council scenario: a secretary copies the rule set and changes one threshold (leave
/// of three months or more disqualifies from Lao động tiên tiến; NEW says two).
#[test]
fn council_scenario_one_threshold_changed() {
    let v = Variant::new(&[("thang_nghi >= 3", "thang_nghi >= 2")]);
    let o = v.diff(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", v.clean(&o.stderr));
    let out = v.clean(&o.stdout);
    assert!(out.contains("old: thang_nghi >= 3  [rules/vksnd_tinh.rules:141:5]"), "{out}");
    assert!(out.contains("new: thang_nghi >= 2  [new.rules:141:5]"), "{out}");
    snap!("diff_council_leave_threshold", out);
    let o = v.diff(&["--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    snap!("diff_council_leave_threshold_json", v.clean(&o.stdout));

    // The numbers agree with `thidua eval` of each file on its own.
    let d = json(&o);
    let before = eligible(&json(&thidua(&[
        "eval", "--rules", SHIPPED, "--data", SAMPLE, "--format", "json",
    ])));
    let after = eligible(&json(&thidua(&[
        "eval",
        "--rules",
        v.path(),
        "--data",
        SAMPLE,
        "--format",
        "json",
    ])));
    let mut gained = std::collections::BTreeSet::new();
    let mut lost = std::collections::BTreeSet::new();
    for e in d["entities"].as_array().unwrap() {
        let who = format!("{}/{}", e["kind"].as_str().unwrap(), e["id"].as_str().unwrap());
        for a in e["awards"].as_array().unwrap() {
            let key = (who.clone(), a["award"].as_str().unwrap().to_string());
            match a["change"].as_str().unwrap() {
                "gained" => gained.insert(key),
                "lost" => lost.insert(key),
                _ => false,
            };
        }
    }
    assert_eq!(gained, after.difference(&before).cloned().collect());
    assert_eq!(lost, before.difference(&after).cloned().collect());
    for a in d["summary"]["awards"].as_array().unwrap() {
        let name = a["award"].as_str().unwrap();
        let count = |s: &std::collections::BTreeSet<(String, String)>| {
            s.iter().filter(|(_, x)| x == name).count() as u64
        };
        assert_eq!(a["eligible_before"].as_u64(), Some(count(&before)), "{name}");
        assert_eq!(a["eligible_after"].as_u64(), Some(count(&after)), "{name}");
    }
    // Seven people on exactly two months' leave lose Lao động tiên tiến.
    let ldtt = &d["summary"]["awards"][0];
    assert_eq!(ldtt["award"], "lao_dong_tien_tien");
    assert_eq!((ldtt["lost"].as_u64(), ldtt["gained"].as_u64()), (Some(7), Some(0)));
    assert_eq!(
        (ldtt["reward_before"].as_str(), ldtt["reward_after"].as_str()),
        (Some("64584000"), Some("59670000"))
    );
}

#[test]
fn a_grade_band_threshold_change_cascades_to_awards() {
    let v = Variant::new(&[("grade tot \"Tốt\" from 75", "grade tot \"Tốt\" from 82")]);
    let o = v.diff(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", v.clean(&o.stderr));
    let out = v.clean(&o.stdout);
    assert!(out.contains("~ scoring bang_diem › grade tot (Tốt): from"), "{out}");
    snap!("diff_grade_band", out);
}

#[test]
fn an_award_added_and_one_removed() {
    let text = std::fs::read_to_string(root().join(SHIPPED)).unwrap();
    let start = text.find("title cstd_nganh").unwrap();
    let end = start + text.get(start..).unwrap().find("\n}\n").unwrap() + 3;
    let mut new = format!("{}{}", text.get(..start).unwrap(), text.get(end..).unwrap());
    new.push_str(
        "\ncommendation giay_khen_nu \"Giấy khen cán bộ nữ tiêu biểu\" for can_bo {\n  \
         basis \"Quy chế của đơn vị (giả định)\"\n  authority \"Viện trưởng VKSND tỉnh\"\n  \
         require \"Nữ\": nu\n  require \"Hoàn thành xuất sắc nhiệm vụ\": xep_loai == HTXS\n  \
         quota 1 per don_vi by sang_kien desc\n  reward 0.5 * luong_co_so\n}\n",
    );
    let v = Variant::with_text(&new);
    let o = v.diff(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", v.clean(&o.stderr));
    let out = v.clean(&o.stdout);
    assert!(out.contains("+ commendation giay_khen_nu"), "{out}");
    assert!(out.contains("- title cstd_nganh"), "{out}");
    snap!("diff_award_added_and_removed", out);
}

#[test]
fn a_criterion_weight_change() {
    let v = Variant::new(&[(
        "group xay_dung_nganh \"Xây dựng ngành, thi đua\" max 25 {",
        "group xay_dung_nganh \"Xây dựng ngành, thi đua\" max 25 weight 0.8 {",
    )]);
    let o = v.diff(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", v.clean(&o.stderr));
    // The checker's warning about the unreachable maximum goes to stderr.
    assert!(v.clean(&o.stderr).contains("check::max_unreachable"));
    snap!("diff_criterion_weight", v.clean(&o.stdout));
}

#[test]
fn a_parameter_value_change() {
    let v = Variant::new(&[("6 from 2024-10-01 basis", "24 from 2024-10-01 basis")]);
    let o = v.diff(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", v.clean(&o.stderr));
    snap!("diff_param_value", v.clean(&o.stdout));
    let o = v.diff(&["--format", "json"]);
    snap!("diff_param_value_json", v.clean(&o.stdout));
}

#[test]
fn a_requirement_added() {
    let v = Variant::new(&[(
        "  require \"Đạt danh hiệu Lao động tiên tiến\": held lao_dong_tien_tien\n",
        "  require \"Đạt danh hiệu Lao động tiên tiến\": held lao_dong_tien_tien\n  \
         require \"Không nghỉ trong năm\": thang_nghi == 0\n",
    )]);
    let o = v.diff(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", v.clean(&o.stderr));
    let out = v.clean(&o.stdout);
    assert!(out.contains("+ title cstdcs › requirement \"Không nghỉ trong năm\""), "{out}");
    snap!("diff_requirement_added", out);
}

#[test]
fn every_kind_of_rule_change() {
    let args = |extra: &[&'static str]| {
        let mut a = vec!["diff", "tests/cases/diff/old.rules", "tests/cases/diff/new.rules"];
        a.extend(["--data", "tests/cases/diff/data"]);
        a.extend(extra.iter().copied());
        a
    };
    let o = thidua(&args(&[]));
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    snap!("diff_every_change", String::from_utf8(o.stdout).unwrap());
    let o = thidua(&args(&["--format", "json"]));
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout.clone()).unwrap();
    snap!("diff_every_change_json", text.clone());
    let again = thidua(&args(&["--format", "json"]));
    assert_eq!(again.stdout, o.stdout, "identical inputs give byte-identical output");
    let v = json(&o);
    let kinds: std::collections::BTreeSet<&str> =
        v["rules"].as_array().unwrap().iter().map(|c| c["change"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["added", "changed", "moved", "removed", "reordered"].into());
    let o = thidua(&args(&["--lang", "vi"]));
    assert_eq!(o.status.code(), Some(0));
    snap!("diff_every_change_vi", String::from_utf8(o.stdout).unwrap());
}

#[test]
fn a_rule_file_that_fails_the_checker_exits_3() {
    let v = Variant::new(&[("xep_loai >= HTT\n  require \"Đủ", "xep_loia >= HTT\n  require \"Đủ")]);
    let o = v.diff(&["--error-format", "plain"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(o.stdout.is_empty());
    snap!("diff_check_failed", v.clean(&o.stderr));
    let o = v.diff(&["--error-format", "json"]);
    assert_eq!(o.status.code(), Some(3));
    let d = json(&o);
    assert_eq!(d[0]["code"], "check::unknown_name");
}

#[test]
fn a_missing_rule_file_or_data_directory_exits_1() {
    let o = thidua(&["diff", SHIPPED, "rules/no_such.rules", "--data", SAMPLE]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        "thidua: cannot read `rules/no_such.rules`: No such file or directory (os error 2)\n"
    );
    let o = thidua(&["diff", SHIPPED, SHIPPED, "--data", "rules/no_such_dir"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        "thidua: cannot read `rules/no_such_dir`: No such file or directory (os error 2)\n"
    );
}

#[test]
fn data_that_does_not_load_against_new_says_which_side_and_where() {
    let v = Variant::new(&[(
        "  sang_kien: cap_sang_kien \"Sáng kiến, đề tài được công nhận\" default khong\n",
        "  sang_kien: cap_sang_kien \"Sáng kiến, đề tài được công nhận\" default khong\n  \
         so_nam_cong_tac: integer \"Số năm công tác\"\n",
    )]);
    let o = v.diff(&["--error-format", "plain"]);
    assert_eq!(o.status.code(), Some(1));
    let err = v.clean(&o.stderr);
    assert!(
        err.starts_with(
            "thidua: the data in `rules/sample` does not load against NEW (`new.rules`):\n"
        ),
        "{err}"
    );
    assert!(err.contains("missing column `so_nam_cong_tac` for `can_bo`"), "{err}");
    snap!("diff_data_new_field", err);
}

#[test]
fn a_removed_award_still_in_history_suggests_keeping_it_as_extern() {
    let text = std::fs::read_to_string(root().join(SHIPPED)).unwrap();
    let start = text.find("commendation giay_khen_tap_the").unwrap();
    let v = Variant::with_text(text.get(..start).unwrap());
    let o = v.diff(&["--error-format", "plain"]);
    assert_eq!(o.status.code(), Some(1));
    let err = v.clean(&o.stderr);
    assert!(err.contains("unknown award `giay_khen_tap_the`"), "{err}");
    assert!(
        err.ends_with(
            "  note: `giay_khen_tap_the` is declared in OLD but not in NEW, and the data's history \
             records it\n  help: to compare, keep its history readable: declare `extern \
             giay_khen_tap_the for don_vi` in NEW\n"
        ),
        "{err}"
    );
    // Following the advice works: the award is reported removed, its holders lose it.
    let v = Variant::with_text(&format!(
        "{}extern giay_khen_tap_the \"Giấy khen tập thể (không còn xét)\" for don_vi\n",
        text.get(..start).unwrap()
    ));
    let o = v.diff(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", v.clean(&o.stderr));
    let out = v.clean(&o.stdout);
    assert!(out.contains("- commendation giay_khen_tap_the"), "{out}");
    assert!(out.contains("after: not declared in NEW"), "{out}");
}

#[test]
fn files_naming_different_cycles_need_the_cycle_flag() {
    let v = Variant::new(&[(
        "cycle 2025 from 2025-01-01 to 2025-12-31",
        "cycle 2026 from 2026-01-01 to 2026-12-31",
    )]);
    let o = v.diff(&[]);
    assert_eq!(o.status.code(), Some(2));
    let err = v.clean(&o.stderr);
    assert!(
        err.contains(
            "OLD (`rules/vksnd_tinh.rules`) governs cycle 2025 and NEW (`new.rules`) cycle 2026"
        ),
        "{err}"
    );
    assert!(err.contains("`--cycle 2025`"), "{err}");
    let o = v.diff(&["--cycle", "2025"]);
    assert_eq!(o.status.code(), Some(0), "{}", v.clean(&o.stderr));
    let out = v.clean(&o.stdout);
    assert!(
        out.contains("~ ruleset vksnd_tinh_2025 (Thi đua, khen thưởng VKSND tỉnh năm 2025): cycle"),
        "{out}"
    );
    assert!(out.contains("Nobody is affected"), "{out}");
}
