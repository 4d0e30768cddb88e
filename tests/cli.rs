//! The `thidua` binary as a black box: exit codes, stdout and stderr, on the shipped sample
//! and on broken inputs. Paths are relative to the repository root so snapshots are stable.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

fn thidua(args: &[&str]) -> Output {
    Command::cargo_bin("thidua")
        .expect("binary builds")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
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

macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

const SAMPLE: [&str; 4] = ["--rules", "rules/vksnd_tinh.rules", "--data", "rules/sample"];

fn eval(extra: &[&str]) -> Output {
    let mut args = vec!["eval"];
    args.extend(SAMPLE);
    args.extend(extra);
    thidua(&args)
}

#[test]
fn check_accepts_the_shipped_rule_set() {
    let o = thidua(&["check", "rules/vksnd_tinh.rules"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    snap!("cli_check_ok", stdout(&o));
}

#[test]
fn check_rejects_a_bad_file_with_located_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.rules");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/vksnd_tinh.rules"),
    )
    .unwrap()
    .replace(
        "xep_loai >= HTT\n  require \"Đủ thời gian",
        "xep_loia >= HTT\n  require \"Đủ thời gian",
    );
    std::fs::write(&path, text).unwrap();
    let o = thidua(&["check", "--error-format", "plain", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o).replace(path.to_str().unwrap(), "bad.rules");
    assert!(err.contains("unknown name `xep_loia`"), "{err}");
    assert!(err.contains("did you mean `xep_loai`?"), "{err}");
    snap!("cli_check_bad", err);
}

#[test]
fn check_json_output_is_machine_readable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.rules");
    std::fs::write(&path, "ruleset x \"X\" cycle 2025\nentity a { n: nummber }\n").unwrap();
    let o = thidua(&["check", "--error-format", "json", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let first = v.as_array().unwrap().iter().find(|d| d["severity"] == "error").expect("an error");
    assert_eq!(first["code"], "check::unknown_type");
    assert_eq!(first["line"], 2);
    assert_eq!(first["column"], 15);
    assert_eq!(first["text"], "nummber");
}

#[test]
fn check_reports_a_missing_file() {
    let o = thidua(&["check", "rules/no_such.rules"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read `rules/no_such.rules`"), "{}", stderr(&o));
}

#[test]
fn eval_prints_the_sample_cycle() {
    let o = eval(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    snap!("cli_eval_table", stdout(&o));
}

#[test]
fn eval_json_is_deterministic_and_complete() {
    let a = eval(&["--format", "json"]);
    let b = eval(&["--format", "json"]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout, "identical inputs give byte-identical output");
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(v["cycle"]["year"], 2025);
    let entities = v["entities"].as_array().unwrap();
    assert!(entities.len() > 100);
    let lcs = v["params"].as_array().unwrap().iter().find(|p| p["name"] == "luong_co_so").unwrap();
    assert_eq!(lcs["from"], "2024-07-01");
}

#[test]
fn explain_shows_why_an_award_was_given() {
    let o = eval(&["--explain", "dv12:co_thi_dua_nganh"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Luật TĐKT 2022 Điều 26 k1"), "{out}");
    assert!(out.contains("rules/vksnd_tinh.rules:"), "{out}");
    snap!("cli_explain_flag", out);
}

#[test]
fn explain_shows_a_person_and_every_award() {
    let o = eval(&["--explain", "cb002"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    snap!("cli_explain_person", stdout(&o));
}

#[test]
fn explain_json_carries_the_proof() {
    let o = eval(&["--explain", "cb002:cstd_nganh", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let award = &v["awards"][0];
    assert_eq!(award["award"], "cstd_nganh");
    assert_eq!(award["outcome"], "eligible");
    let req = &award["requirements"][0];
    assert_eq!(req["holds"], true);
    assert!(req["rule"].as_str().unwrap().contains("held cstdcs for 3 consecutive cycles"));
}

#[test]
fn explain_unknown_entity_or_award_is_a_usage_error() {
    let o = eval(&["--explain", "nobody"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no entity with id `nobody`"));
    let o = eval(&["--explain", "cb002:cstd_ngnah"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `cstd_nganh`?"), "{}", stderr(&o));
}

#[test]
fn eval_refuses_a_cycle_outside_the_rule_sets_force() {
    let o = eval(&["--cycle", "2023", "--error-format", "plain"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not in force on 2023-12-31"), "{}", stderr(&o));
}

#[test]
fn eval_reports_bad_data_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/sample");
    for f in ["cum.csv", "don_vi.csv", "can_bo.csv", "history.csv"] {
        std::fs::copy(root.join(f), dir.path().join(f)).unwrap();
    }
    let people = std::fs::read_to_string(root.join("can_bo.csv")).unwrap();
    let broken = people.replacen("HTXS", "HTXX", 1);
    std::fs::write(dir.path().join("can_bo.csv"), broken).unwrap();
    let o = thidua(&[
        "eval",
        "--rules",
        "rules/vksnd_tinh.rules",
        "--data",
        dir.path().to_str().unwrap(),
        "--error-format",
        "plain",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("can_bo.csv:"), "{err}");
    assert!(err.contains("HTXX"), "{err}");
    assert!(stdout(&o).is_empty(), "nothing is printed from half-loaded data");
}

#[test]
fn generate_writes_a_cycle_that_evaluates() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let o = thidua(&["generate", "--out", out, "--people", "500", "--seed", "7"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o =
        thidua(&["eval", "--rules", "rules/vksnd_tinh.rules", "--data", out, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn flow_check_accepts_the_shipped_workflows() {
    let o = thidua(&[
        "flow",
        "check",
        "--rules",
        "rules/vksnd_tinh.rules",
        "workflows/annual.wf",
        "workflows/sector_flag.wf",
        "workflows/national_title.wf",
        "workflows/bac_ninh.wf",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    snap!("cli_flow_check_ok", stdout(&o));
}

#[test]
fn flow_check_rejects_a_bad_workflow() {
    let o = thidua(&[
        "flow",
        "check",
        "--error-format",
        "plain",
        "--rules",
        "rules/vksnd_tinh.rules",
        "tests/cases/workflow/unknown_stage.wf",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert!(err.contains("did you mean `conferred`?"), "{err}");
}

#[test]
fn flow_show_prints_an_outline_and_dot() {
    let o = thidua(&[
        "flow",
        "show",
        "--rules",
        "rules/vksnd_tinh.rules",
        "workflows/national_title.wf",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("stage consultation \"Lấy ý kiến nhân dân\""), "{}", stdout(&o));
    let o = thidua(&[
        "flow",
        "show",
        "--format",
        "dot",
        "--rules",
        "rules/vksnd_tinh.rules",
        "workflows/national_title.wf",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let dot = stdout(&o);
    assert!(dot.starts_with("digraph \"national_title\" {"), "{dot}");
    assert!(dot.contains("\"consultation\" -> \"submitted\""), "{dot}");
}
