//! Diagnostics in Vietnamese: every diagnostic the corpora produce has a translation.
//!
//! Diagnostics are built in English; `thidua::diag::vi` translates each text (message, label,
//! related labels, help) through a catalog of English patterns. This module gathers every
//! diagnostic it can produce — the rule corpora (`tests/cases/check`, `good`, `rules/`), the
//! workflow corpus (`tests/cases/workflow`), bad data files (CSV and JSON, written here),
//! hook scripts that fail to compile or misbehave, and evaluation errors — and asserts that
//! no text is left untranslated, listing every miss. A diagnostic added without a catalog
//! entry fails here, as long as some corpus file produces it; and [`every_code_is_reached`]
//! fails for a code that no corpus file produces, so a new code needs a corpus case too.
//!
//! Plain-text Vietnamese renderings of a few diagnostics are snapshotted (`i18n_vi_*`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use thidua::check::check_source;
use thidua::diag::vi::{self, Part};
use thidua::diag::{Diagnostic, Format, SourceMap, render_in};
use thidua::hooks::{HookLimits, HookValue, Hooks};
use thidua::lang::Lang;
use thidua::program::Program;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Diagnostics with the sources they point into, under a name for messages.
struct Case {
    name: String,
    diags: Vec<Diagnostic>,
    sources: SourceMap,
}

fn rel(path: &Path) -> String {
    path.strip_prefix(ROOT).unwrap_or(path).display().to_string()
}

fn files(dir: &str, ext: &str) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(format!("{ROOT}/{dir}"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    out
}

fn sample_rules() -> (Program, SourceMap) {
    let text = std::fs::read_to_string(format!("{ROOT}/rules/vksnd_tinh.rules")).unwrap();
    let mut sources = SourceMap::new();
    let program = check_source("rules/vksnd_tinh.rules", &text, &mut sources).unwrap().program;
    (program, sources)
}

/// Every `.rules` file of the corpora: errors, or the warnings of files that check.
fn rule_cases() -> Vec<Case> {
    let mut paths = files("tests/cases/check", "rules");
    paths.extend(files("tests/cases/good", "rules"));
    paths.extend(files("rules", "rules"));
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut sources = SourceMap::new();
            let diags = match check_source(&rel(&path), &text, &mut sources) {
                Ok(c) => c.warnings,
                Err(d) => d,
            };
            Case { name: rel(&path), diags, sources }
        })
        .collect()
}

/// Every `.wf` file of the workflow corpus, against the shipped rule set.
fn workflow_cases() -> Vec<Case> {
    let (program, sources) = sample_rules();
    files("tests/cases/workflow", "wf")
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut sources = sources.clone();
            let diags = match thidua::workflow::check_workflow(
                &rel(&path),
                &text,
                Path::new(&format!("{ROOT}/workflows")),
                &program,
                &mut sources,
            ) {
                Ok(f) => f.warnings,
                Err(d) => d,
            };
            Case { name: rel(&path), diags, sources }
        })
        .collect()
}

/// A small valid workflow, for the inline cases below to break.
const FLOW: &str = r#"workflow t "T" for don_vi
role head
body council "HĐ" roster
nominate by head
stage nominated start
stage voting { vote council threshold 80% of all run by head }
stage conferred terminal
stage rejected terminal
transition go nominated -> voting by head
transition yes voting -> conferred on passed
transition no voting -> rejected on failed
"#;

/// Workflow mistakes the corpus has no file for, each an edit of [`FLOW`].
fn inline_workflow_cases() -> Vec<Case> {
    let (program, sources) = sample_rules();
    let edits: [(&str, &str, &str); 19] = [
        (
            "holiday backwards",
            "nominate by head",
            "calendar { holiday 2025-09-02 to 2025-09-01 }\nnominate by head",
        ),
        ("calendar twice", "nominate by head", "calendar { }\ncalendar { }\nnominate by head"),
        ("role twice", "role head", "role head\nrole head"),
        (
            "stage twice",
            "stage rejected terminal",
            "stage rejected terminal\nstage rejected terminal",
        ),
        ("body twice", "body council \"HĐ\" roster", "body council roster\nbody council roster"),
        ("nominate twice", "nominate by head", "nominate by head\nnominate by head"),
        (
            "two deadlines",
            "stage nominated start",
            "stage nominated start { deadline 5 working days deadline 6 working days }",
        ),
        (
            "two votes",
            "run by head }",
            "run by head vote council threshold 80% of all run by head }",
        ),
        (
            "transition twice",
            "transition go nominated",
            "transition go nominated -> voting by head\ntransition go nominated",
        ),
        ("on twice", "on passed", "on passed on failed"),
        ("no rounds", "run by head }", "run by head rounds 0 }"),
        ("threshold over 100%", "threshold 80%", "threshold 120%"),
        ("no nominator", "nominate by head", ""),
        ("nobody", "voting by head", "voting"),
        ("on and by", "on passed", "on passed by head"),
        ("start and terminal", "stage rejected terminal", "stage rejected start terminal"),
        (
            "terminal with a deadline",
            "stage rejected terminal",
            "stage rejected terminal { deadline 5 working days }",
        ),
        ("two outcomes on passed", "on failed", "on passed"),
        ("unknown kind", "for don_vi", "for don_vj"),
    ];
    let mut texts: Vec<(String, String)> =
        edits.iter().map(|(n, from, to)| (n.to_string(), FLOW.replacen(from, to, 1))).collect();
    texts.push((String::from("no terminal"), FLOW.replace(" terminal", "")));
    texts.push((
        String::from("tally without a vote"),
        format!("{FLOW}hook tally nominated \"hooks/x.rhai\"\n"),
    ));
    texts.push((
        String::from("unknown transition"),
        format!("{FLOW}hook guard gooo \"hooks/x.rhai\"\n"),
    ));
    texts.push((
        String::from("unknown body kind"),
        FLOW.replace("body council \"HĐ\" roster", "body b members can_boo within cum"),
    ));
    texts
        .into_iter()
        .map(|(name, text)| {
            let mut sources = sources.clone();
            let diags = match thidua::workflow::check_workflow(
                "t.wf",
                &text,
                Path::new(&format!("{ROOT}/workflows")),
                &program,
                &mut sources,
            ) {
                Ok(f) => f.warnings,
                Err(d) => d,
            };
            assert!(!diags.is_empty(), "workflow case `{name}` checks clean:\n{text}");
            Case { name: format!("workflow: {name}"), diags, sources }
        })
        .collect()
}

/// The sample data's CSV files, by name.
fn sample_csv() -> BTreeMap<&'static str, String> {
    ["cum.csv", "don_vi.csv", "can_bo.csv", "history.csv"]
        .into_iter()
        .map(|n| (n, std::fs::read_to_string(format!("{ROOT}/rules/sample/{n}")).unwrap()))
        .collect()
}

/// The sample CSV data with `edit` applied to one file.
fn csv_case(name: &str, file: &str, edit: impl Fn(&str) -> String) -> Case {
    let (program, mut sources) = sample_rules();
    let mut csv = sample_csv();
    let original = csv.get(file).cloned().unwrap_or_default();
    csv.insert(Box::leak(file.to_string().into_boxed_str()), edit(&original));
    let refs: Vec<(&str, &str)> = csv.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let diags = match thidua::data::load_csv_str(&program.schema, &refs, &mut sources) {
        Ok(_) => Vec::new(),
        Err(thidua::data::LoadError::Invalid(d)) => d,
        Err(e) => panic!("{name}: {e}"),
    };
    assert!(!diags.is_empty(), "data case `{name}` loads without a diagnostic");
    Case { name: format!("data: {name}"), diags, sources }
}

/// A JSON data text against the shipped rule set.
fn json_case(name: &str, text: &str) -> Case {
    let (program, mut sources) = sample_rules();
    let diags = match thidua::data::load_json_str(&program.schema, "data.json", text, &mut sources)
    {
        Ok(_) => Vec::new(),
        Err(thidua::data::LoadError::Invalid(d)) => d,
        Err(e) => panic!("{name}: {e}"),
    };
    assert!(!diags.is_empty(), "data case `{name}` loads without a diagnostic");
    Case { name: format!("json: {name}"), diags, sources }
}

/// Replace the first occurrence of `from` in a line-based edit.
fn replace(from: &'static str, to: &'static str) -> impl Fn(&str) -> String {
    move |t: &str| t.replacen(from, to, 1)
}

/// Bad data: one mistake per case, covering the data loader's diagnostics.
fn data_cases() -> Vec<Case> {
    let mut out = vec![
        csv_case("missing id", "cum.csv", replace("cum1,", ",")),
        csv_case("duplicate id", "cum.csv", replace("cum2,", "cum1,")),
        csv_case("unknown parent", "don_vi.csv", replace("dv01,cum1,", "dv01,cum9,")),
        csv_case("missing parent", "don_vi.csv", replace("dv01,cum1,", "dv01,,")),
        csv_case("not a whole number", "don_vi.csv", replace(",390,", ",3.5,")),
        csv_case("not a bool", "don_vi.csv", replace(",false,0,false", ",maybe,0,false")),
        csv_case("not a variant", "don_vi.csv", replace(",HTT,", ",HTT_,")),
        csv_case(
            "a label for a variant",
            "don_vi.csv",
            replace(",HTT,", ",Hoàn thành tốt nhiệm vụ,"),
        ),
        csv_case("not a date", "can_bo.csv", replace("2004-05-08", "08/05/2004")),
        csv_case("not a real date", "can_bo.csv", replace("2004-05-08", "2004-02-30")),
        csv_case("no month 13", "can_bo.csv", replace("2004-05-08", "2004-13-08")),
        csv_case("missing value", "can_bo.csv", replace(",HTXS,", ",,")),
        csv_case("duplicate column", "cum.csv", replace("id,ten", "id,ten,ten")),
        csv_case("unknown column", "cum.csv", replace("id,ten", "id,ten,tenn")),
        csv_case("column without a name", "cum.csv", replace("id,ten", "id,ten,")),
        csv_case("missing column", "don_vi.csv", replace("id,cum,", "id,")),
        csv_case("no header", "cum.csv", |_| String::new()),
        csv_case("short row", "cum.csv", replace("cum1,", "cum1")),
        csv_case(
            "history: unknown award",
            "history.csv",
            replace(",tap_the_ldtt,", ",tap_the_ldt,"),
        ),
        csv_case(
            "history: unknown entity",
            "history.csv",
            replace("dv01,tap_the_ldtt,", "dv99,tap_the_ldtt,"),
        ),
        csv_case("history: not a year", "history.csv", replace(",2022", ",22")),
        csv_case("history: missing cycle", "history.csv", replace(",2022", ",")),
        csv_case(
            "history: missing entity",
            "history.csv",
            replace("dv01,tap_the_ldtt,2022", ",tap_the_ldtt,2022"),
        ),
        csv_case("unknown file", "don_vi_.csv", |_| String::from("id\n")),
        csv_case("unknown file, no near name", "misc.csv", |_| String::from("id\n")),
    ];
    // Money and percentages: a small rule set with one field of each type.
    let rules = r#"ruleset t "T" cycle 2025 basis "B"
entity dv "Đơn vị" {
  tien: money "Tiền"
  ty_le: percent "Tỷ lệ"
  so: decimal "Số"
  loai: xl "Loại"
}
enum xl { A < B }
"#;
    let mut sources = SourceMap::new();
    let program = check_source("t.rules", rules, &mut sources).unwrap().program;
    for (name, row) in [
        ("not money", "d1,2.340.000,50%,1.5,A"),
        ("not a percentage", "d1,1,half,1.5,A"),
        ("ambiguous percentage", "d1,1,70,1.5,A"),
        ("not a decimal", "d1,1,50%,1,5,A"),
    ] {
        let mut s = sources.clone();
        let text = format!("id,tien,ty_le,so,loai\n{row}\n");
        let diags = match thidua::data::load_csv_str(&program.schema, &[("dv.csv", &text)], &mut s)
        {
            Err(thidua::data::LoadError::Invalid(d)) => d,
            other => panic!("{name}: {other:?}"),
        };
        out.push(Case { name: format!("data: {name}"), diags, sources: s });
    }
    for (name, text) in [
        ("not JSON", "{ \"cum\": [ }"),
        ("empty", ""),
        ("not an object", "[1, 2]"),
        ("duplicate list", r#"{"cum": [], "cum": [], "don_vi": [], "can_bo": []}"#),
        ("unknown kind", r#"{"cums": [], "don_vi": [], "can_bo": []}"#),
        ("unknown kind, far", r#"{"zzzzzz": [], "cum": [], "don_vi": [], "can_bo": []}"#),
        ("missing list", r#"{"cum": [], "don_vi": []}"#),
        ("not a list", r#"{"cum": {}, "don_vi": [], "can_bo": []}"#),
        ("item not an object", r#"{"cum": [3], "don_vi": [], "can_bo": []}"#),
        ("unknown key", r#"{"cum": [{"id": "c1", "tenn": "x"}], "don_vi": [], "can_bo": []}"#),
        (
            "unknown key, far",
            r#"{"cum": [{"id": "c1", "ten": "x", "zzzzzzzz": 1}], "don_vi": [], "can_bo": []}"#,
        ),
        (
            "duplicate key",
            r#"{"cum": [{"id": "c1", "id": "c2", "ten": "x"}], "don_vi": [], "can_bo": []}"#,
        ),
        ("missing key", r#"{"cum": [{"ten": "x"}], "don_vi": [], "can_bo": []}"#),
        ("id not a string", r#"{"cum": [{"id": true, "ten": "x"}], "don_vi": [], "can_bo": []}"#),
        (
            "parent not an id",
            r#"{"cum": [{"id": "c1", "ten": "x"}], "don_vi": [{"id": "d1", "cum": [1], "ten": "x", "xep_loai": "HTT", "tin_bao_thu_ly": 1, "tin_bao_giai_quyet": 1, "vu_an_thu_ly": 1, "an_tra_ho_so": 0, "an_huy": 0, "khang_nghi": 0, "khang_nghi_chap_nhan": 0, "kien_nghi": 0, "mo_hinh_moi": false, "vi_pham_ky_luat": 0, "bi_khieu_nai": false}], "can_bo": []}"#,
        ),
        (
            "date as a number",
            r#"{"cum": [{"id": "c1", "ten": "x"}], "don_vi": [{"id": "d1", "cum": "c1", "ten": "x", "xep_loai": "HTT", "tin_bao_thu_ly": 1, "tin_bao_giai_quyet": 1, "vu_an_thu_ly": 1, "an_tra_ho_so": 0, "an_huy": 0, "khang_nghi": 0, "khang_nghi_chap_nhan": 0, "kien_nghi": 0, "mo_hinh_moi": false, "vi_pham_ky_luat": 0, "bi_khieu_nai": false}], "can_bo": [{"id": "b1", "don_vi": "d1", "ho_ten": "x", "nu": false, "ngay_tuyen_dung": 20040508, "xep_loai": 3}]}"#,
        ),
        (
            "a number where a bool is",
            r#"{"cum": [{"id": "c1", "ten": {}}], "don_vi": [{"id": "d1", "cum": "c1", "ten": "x", "xep_loai": "HTT", "tin_bao_thu_ly": true, "tin_bao_giai_quyet": 1, "vu_an_thu_ly": 1, "an_tra_ho_so": 0, "an_huy": 0, "khang_nghi": 0, "khang_nghi_chap_nhan": 0, "kien_nghi": 0, "mo_hinh_moi": 1, "vi_pham_ky_luat": 0, "bi_khieu_nai": false}], "can_bo": []}"#,
        ),
        (
            "history: award not a name",
            r#"{"cum": [], "don_vi": [], "can_bo": [], "history": [{"entity": "x", "award": false, "cycle": {}}]}"#,
        ),
        ("too deep", &format!("{}1{}", "[".repeat(200), "]".repeat(200))),
    ] {
        out.push(json_case(name, text));
    }
    // Encodings and a JSON file next to CSV files need a directory.
    let (program, sources) = sample_rules();
    for (name, files) in [
        ("UTF-16", vec![("cum.csv", b"\xff\xfei\x00d\x00".to_vec())]),
        ("Latin-1", vec![("cum.csv", b"id,ten\ncum1,C\xe1m\n".to_vec())]),
        ("JSON next to CSV", vec![("data.json", b"{}".to_vec())]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        for (n, t) in sample_csv() {
            std::fs::write(dir.path().join(n), t).unwrap();
        }
        for (n, bytes) in files {
            std::fs::write(dir.path().join(n), bytes).unwrap();
        }
        let mut s = sources.clone();
        let diags = match thidua::data::load_dir(&program.schema, dir.path(), &mut s) {
            Err(thidua::data::LoadError::Invalid(d)) => d,
            other => panic!("{name}: {other:?}"),
        };
        out.push(Case { name: format!("data: {name}"), diags, sources: s });
    }
    out
}

/// Hook scripts that do not compile, and calls that fail or hit a limit.
fn hook_cases() -> Vec<Case> {
    let mut out = Vec::new();
    let compile = [
        ("eval", "fn guard(p) { eval(\"1\") }"),
        ("try", "fn guard(p) { try { 1 } catch { 2 } }"),
        ("import", "import \"x\" as y;\nfn guard(p) { true }"),
        ("this", "fn guard(p) { this }"),
        ("undefined variable", "fn guard(p) { q }"),
        ("syntax", "fn guard(p) { p.score >= }"),
        ("no entry, others defined", "fn other(p) { true }"),
        ("no functions", "let x = 1;"),
        ("wrong arity", "fn guard(a, b) { true }"),
    ];
    for (name, text) in compile {
        let mut sources = SourceMap::new();
        let file = sources.add(format!("hooks/{name}.rhai"), text);
        let mut hooks = Hooks::new(HookLimits::default());
        let d = hooks.compile("hooks/x.rhai", text, file, "guard", 1).unwrap_err();
        out.push(Case { name: format!("hook: {name}"), diags: vec![d], sources });
    }
    let limits = HookLimits {
        max_operations: 10_000,
        wall_clock: std::time::Duration::from_secs(5),
        ..HookLimits::default()
    };
    let runtime = [
        ("throw", "fn guard(p) { throw \"không đủ điều kiện\" }"),
        ("throw nothing", "fn guard(p) { throw; }"),
        ("loop", "fn guard(p) { loop { } }"),
        ("recursion", "fn f(n) { f(n + 1) }\nfn guard(p) { f(0) }"),
        ("large string", "fn guard(p) { let s = \"x\"; loop { s += s; } }"),
        ("bad value", "fn guard(p) { || 1 }"),
        ("type error", "fn guard(p) { 1 + \"a\" * 2 }"),
    ];
    for (name, text) in runtime {
        let mut sources = SourceMap::new();
        let file = sources.add(format!("hooks/{name}.rhai"), text);
        let mut hooks = Hooks::new(limits.clone());
        let id = hooks.compile("hooks/x.rhai", text, file, "guard", 1).unwrap();
        let err = hooks.call(id, vec![HookValue::Map(BTreeMap::new())]).unwrap_err();
        out.push(Case { name: format!("hook: {name}"), diags: vec![err.to_diagnostic()], sources });
    }
    let mut sources = SourceMap::new();
    let text = "fn guard(p) { loop { } }";
    let file = sources.add("hooks/slow.rhai", text);
    let mut hooks = Hooks::new(HookLimits {
        max_operations: u64::MAX,
        wall_clock: std::time::Duration::from_millis(50),
        ..HookLimits::default()
    });
    let id = hooks.compile("hooks/slow.rhai", text, file, "guard", 1).unwrap();
    let err = hooks.call(id, vec![HookValue::Map(BTreeMap::new())]).unwrap_err();
    out.push(Case {
        name: String::from("hook: timeout"),
        diags: vec![err.to_diagnostic()],
        sources,
    });
    out
}

/// Evaluation errors.
fn eval_cases() -> Vec<Case> {
    let mut out = Vec::new();
    let cases = [
        (
            "division by zero",
            "ruleset t \"T\" cycle 2025 basis \"B\"\nentity dv \"Đ\" { a: integer \"A\" }\nmark m for dv when a / 0 > 1\n",
            Some(2025),
        ),
        ("no cycle", "ruleset t \"T\" basis \"B\"\nentity dv \"Đ\" { a: integer \"A\" }\n", None),
        (
            "not in force",
            "ruleset t \"T\" effective from 2025-01-01 basis \"B\"\nentity dv \"Đ\" { a: integer \"A\" }\n",
            Some(2020),
        ),
        (
            "overflow",
            "ruleset t \"T\" cycle 2025 basis \"B\"\nentity dv \"Đ\" { a: integer \"A\" }\nmark m for dv when a * a * a * a > 1\n",
            Some(2025),
        ),
    ];
    for (name, rules, cycle) in cases {
        let mut sources = SourceMap::new();
        let program = check_source("t.rules", rules, &mut sources).unwrap().program;
        let data = thidua::data::load_csv_str(
            &program.schema,
            &[("dv.csv", "id,a\nd1,99999999999999\n")],
            &mut sources,
        )
        .unwrap();
        let d = match thidua::eval::resolve_cycle(&program, cycle) {
            Err(d) => *d,
            Ok(c) => *thidua::eval::evaluate(&program, &data, c, thidua::eval::TraceMode::Off)
                .unwrap_err(),
        };
        out.push(Case { name: format!("eval: {name}"), diags: vec![d], sources });
    }
    out
}

/// A rule set for the test-file cases the shipped one cannot give: two scored kinds with a
/// criterion of the same name, no ranks, no grades, and two requirements with one label.
const SMALL_RULES: &str = r#"ruleset t "T" cycle 2025 basis "B"
entity a "A" { x: integer "X" default 0 }
entity b "B" { x: integer "X" default 0 }
scoring sa "SA" for a max 10 { pass p "P" max 10 when x > 0 }
scoring sb "SB" for b max 10 { pass p "P" max 10 when x > 0 }
title t1 "T1" for a {
  basis "B"
  require "same": x > 0
  require "same": x > 1
}
"#;

/// Test files (`thidua test`): the corpus in `tests/cases/test`, and one file per mistake.
fn test_file_cases() -> Vec<Case> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.rules"), SMALL_RULES).unwrap();
    let sample =
        format!("tests for \"{ROOT}/rules/vksnd_tinh.rules\" data \"{ROOT}/rules/sample\"");
    let mut texts: Vec<(String, String)> = vec![
        ("header given twice".into(), format!("{sample} cycle 2025 cycle 2025")),
        ("not a cycle year".into(), format!("{sample} cycle 99999")),
        ("rule file missing".into(), String::from("tests for \"nope.rules\"")),
        (
            "data missing".into(),
            format!("tests for \"{ROOT}/rules/vksnd_tinh.rules\" data \"nope\""),
        ),
        (
            "bad date".into(),
            format!(
                "{sample}\ncase \"c\" {{ given can_bo x like cb001 {{ ngay_tuyen_dung: 2025-02-30 }} }}"
            ),
        ),
        (
            "number too large".into(),
            format!(
                "{sample}\ncase \"c\" {{ expect cb001 lao_dong_tien_tien eligible reward 123456789012345678901234567890 }}"
            ),
        ),
        (
            "condition number zero".into(),
            format!(
                "{sample}\ncase \"c\" {{ expect cb001 lao_dong_tien_tien not eligible because require #0 }}"
            ),
        ),
        ("syntax, end of file".into(), format!("{sample}\ncase \"c\" {{ expect cb001")),
        ("syntax, no header".into(), String::from("case \"c\" { }")),
        (
            "syntax, case body".into(),
            format!("{sample}\ncase \"c\" {{ given can_bo x {{ ho_ten \"A\" }} }}"),
        ),
        ("syntax, top level".into(), format!("{sample}\ncas \"c\" {{ }}")),
        ("syntax, statement".into(), format!("{sample}\ncase \"c\" {{ expec cb001 }}")),
    ];
    texts.push((
        "world mistakes".into(),
        format!(
            r#"{sample}
unreachable quota of lao_dong_tien_tien because "x"
unreachable quota of nope because "x"
unreachable criterion nope because "x"
unreachable criterion mo_hinh of bang_diemm because "x"
unreachable require "x" of cstdcs because "x"
unreachable require "x" of cstdcs because "y"
case "c" {{
  given can_boo x
  given can_bo x1 like cb001 {{ xep_loia: HTXS, zzzzzzzzzz: 1, xep_loai: HTXX, thang_nghi: "x", nu: true, nu: false }}
  given can_bo x2 like dv01
  given can_bo x3 in dv_nope {{ ho_ten: "A", nu: false, ngay_tuyen_dung: 2015-03-01, xep_loai: HT }}
  given cum c9 in dv01
  given cum dup
  given can_bo dup like cb001
  history cb001 {{ 2030: cstdcs }}
  history cb001 {{ 2025: cstdcs }}
  history cb001 {{ 2024: tap_the_ldtt }}
  history cb001 {{ 2024: nope }}
  expect cb_nope lao_dong_tien_tien eligible
  expect dup lao_dong_tien_tien eligible
  expect cb001 tap_the_ldtt eligible
  expect cb001 nope eligible
  expect cb001 score >= 1
  expect dv01 lao_dong_tien_tien >= 1
  expect dv01 tap_the_ldtt >= 1
  expect dv01 nope >= 1
  expect dv01 grade xuat_sach
  expect dv01 rank 0
  expect cb001 lao_dong_tien_tien over quota
  expect cb001 cstd_nganh disqualified
  expect cb001 lao_dong_tien_tien not eligible reward 1
  expect cb002 bang_khen_vkstc eligible reward 1
  expect cb001 lao_dong_tien_tien eligible because require "x"
  expect cb001 lao_dong_tien_tien disqualified because require "x"
  expect cb001 lao_dong_tien_tien not eligible because disqualify "x"
  expect cb001 lao_dong_tien_tien not eligible because require #9
  expect cb001 lao_dong_tien_tien not eligible because require "Hoàn thành tốt nhiệm vụ trở len"
  expect cb001 cstd_nganh disqualified because disqualify "x"
}}
case "c" {{ given can_bo y like cb001 }}
case "scratch" from scratch {{
  given cum c1
  given can_bo a in c1
  given don_vi d1 in c1 {{ ten: "D" }}
  given can_bo b {{ ho_ten: "B", nu: false, ngay_tuyen_dung: 2015-03-01, xep_loai: HT }}
  expect b lao_dong_tien_tien eligible
}}
"#
        ),
    ));
    texts.push((
        "small rules".into(),
        String::from(
            r#"tests for "t.rules"
unreachable criterion p because "x"
case "c" from scratch {
  given a a1 { x: 1 }
  expect a1 rank 1
  expect a1 grade g
  expect a1 t1 not eligible because require "same"
  expect a1 t1 not eligible because require "other"
}
"#,
        ),
    ));
    let mut out = Vec::new();
    let mut run = |name: String, path: &Path| {
        let mut sources = SourceMap::new();
        let diags = match thidua::testing::run_file(path, None, &mut sources) {
            Ok(_) => Vec::new(),
            Err(thidua::testing::TestError::Invalid(d)) => d,
            Err(e) => panic!("{name}: {e}"),
        };
        out.push(Case { name, diags, sources });
    };
    for (i, (name, text)) in texts.into_iter().enumerate() {
        let path = dir.path().join(format!("case{i}.test"));
        std::fs::write(&path, text).unwrap();
        run(format!("test file: {name}"), &path);
    }
    for path in files("tests/cases/test", "test") {
        run(rel(&path), &path);
    }
    out
}

fn all_cases() -> Vec<Case> {
    let mut all = rule_cases();
    all.extend(workflow_cases());
    all.extend(inline_workflow_cases());
    all.extend(data_cases());
    all.extend(hook_cases());
    all.extend(eval_cases());
    all.extend(test_file_cases());
    all
}

#[test]
fn the_catalog_compiles() {
    assert!(
        vi::bad_entries().is_empty(),
        "catalog entries that do not compile: {:#?}",
        vi::bad_entries()
    );
}

#[test]
fn every_diagnostic_of_the_corpora_is_translated() {
    let cases = all_cases();
    let mut misses: BTreeSet<(String, &str, String)> = BTreeSet::new();
    let mut where_: BTreeMap<(String, &str, String), String> = BTreeMap::new();
    let mut count = 0;
    for case in &cases {
        for d in &case.diags {
            count += 1;
            for m in vi::misses(d) {
                let key = (m.code.to_string(), m.part.name(), m.text);
                where_.entry(key.clone()).or_insert_with(|| case.name.clone());
                misses.insert(key);
            }
        }
    }
    assert!(count > 250, "only {count} diagnostics gathered");
    let list: Vec<String> = misses
        .iter()
        .map(|k| {
            format!(
                "  {} {} {:?}  (from {})",
                k.0,
                k.1,
                k.2,
                where_.get(k).map_or("", String::as_str)
            )
        })
        .collect();
    assert!(
        misses.is_empty(),
        "{} of the texts of {count} diagnostics have no Vietnamese; add them to src/diag/vi/catalog.rs:\n{}",
        misses.len(),
        list.join("\n")
    );
}

/// Codes no text can reach: internal errors (bugs) and guards against inconsistent input that
/// a checked rule set never gives.
const UNREACHABLE: &[&str] = &[
    "check::internal",
    "check::empty_param",
    "parse::internal",
    "flow::internal",
    "hook::internal",
    "eval::internal",
    "eval::data_mismatch",
    "eval::param_missing_value",
    // A trace is rebuilt from the evaluation's own inputs; only a changed data set in memory
    // (or a bug) makes it differ, which `eval::tests` checks.
    "eval::trace_mismatch",
    "data::unknown_parent",
    "test::internal",
    "fmt::internal",
    // The grammar accepts only weekday names (`sat`, `t7`…), which the lowering maps.
    "flow::bad_day",
    // The CSV reader is flexible and reads `&str`: no text makes it fail.
    "data::bad_csv",
];

/// Every diagnostic code written in `src/` (a string literal such as `"check::arity"`).
fn codes_in_source() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs")
                && path.file_name().is_none_or(|n| n != "tests.rs")
                && !path.components().any(|c| c.as_os_str() == "tests")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                for piece in text.split('"').skip(1).step_by(2) {
                    if let Some((family, name)) = piece.split_once("::")
                        && FAMILIES.contains(&family)
                        && !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    {
                        out.insert(piece.to_string());
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&Path::new(ROOT).join("src"), &mut out);
    out
}

/// The code families of diagnostics.
const FAMILIES: &[&str] = &["parse", "check", "flow", "data", "eval", "hook", "test", "fmt"];

#[test]
fn every_code_is_reached() {
    let reached: BTreeSet<String> =
        all_cases().iter().flat_map(|c| c.diags.iter().map(|d| d.code.to_string())).collect();
    let missing: Vec<String> = codes_in_source()
        .into_iter()
        .filter(|c| !reached.contains(c) && !UNREACHABLE.contains(&c.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "no corpus case produces these codes, so their translations are not checked: {missing:?}\n\
         add a case to tests/cases/ or to tests/i18n.rs"
    );
}

/// Insta settings: snapshots next to the others, named `i18n_vi_*`.
fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

fn render_case(path: &str, lang: Lang) -> String {
    let case = all_cases()
        .into_iter()
        .find(|c| c.name == path)
        .unwrap_or_else(|| panic!("no case {path}"));
    render_in(&case.diags, &case.sources, Format::Plain, lang)
}

#[test]
fn vietnamese_renderings() {
    settings().bind(|| {
        for (snap, case) in [
            ("i18n_vi_unknown_name", "tests/cases/check/many_errors_at_once.rules"),
            ("i18n_vi_syntax", "tests/cases/check/syntax_missing_colon_after_require_label.rules"),
            ("i18n_vi_type_mismatch", "tests/cases/check/type_mismatch_and_on_a_number.rules"),
            ("i18n_vi_workflow", "tests/cases/workflow/unknown_stage.wf"),
            ("i18n_vi_data", "data: not a variant"),
            ("i18n_vi_hook", "hook: wrong arity"),
        ] {
            insta::assert_snapshot!(snap, render_case(case, Lang::Vi));
        }
    });
}

#[test]
fn vietnamese_rendering_keeps_every_location_code_and_caret() {
    // The header line of each diagnostic (`file:line:column: code`) and the source lines
    // shown are the same in both languages; only the words change.
    for case in all_cases().iter().filter(|c| !c.diags.is_empty()) {
        let en = render_in(&case.diags, &case.sources, Format::Plain, Lang::En);
        let vi = render_in(&case.diags, &case.sources, Format::Plain, Lang::Vi);
        let frame = |s: &str| -> Vec<String> {
            s.lines()
                .filter(|l| {
                    l.contains(": ")
                        && l.split(": ").next().is_some_and(|p| p.matches(':').count() >= 2)
                        || l.trim_start().chars().next().is_some_and(|c| c.is_ascii_digit())
                            && l.contains(" | ")
                })
                .map(String::from)
                .collect()
        };
        assert_eq!(frame(&en), frame(&vi), "{}", case.name);
        assert_ne!(en, vi, "{}: nothing translated", case.name);
    }
}

#[test]
fn vietnamese_json_says_its_language_and_keeps_codes() {
    let case =
        rule_cases().into_iter().find(|c| c.name.ends_with("many_errors_at_once.rules")).unwrap();
    let en: serde_json::Value =
        serde_json::from_str(&render_in(&case.diags, &case.sources, Format::Json, Lang::En))
            .unwrap();
    let vi: serde_json::Value =
        serde_json::from_str(&render_in(&case.diags, &case.sources, Format::Json, Lang::Vi))
            .unwrap();
    let (en, vi) = (en.as_array().unwrap(), vi.as_array().unwrap());
    assert_eq!(en.len(), vi.len());
    for (e, v) in en.iter().zip(vi) {
        assert_eq!(e["lang"], "en");
        assert_eq!(v["lang"], "vi");
        for same in ["code", "severity", "file", "line", "column", "text", "end"] {
            assert_eq!(e[same], v[same], "{same}");
        }
        assert_ne!(e["message"], v["message"]);
    }
}

#[test]
fn vietnamese_text_output_has_no_english_frame() {
    let case =
        rule_cases().into_iter().find(|c| c.name.ends_with("many_errors_at_once.rules")).unwrap();
    let out = render_in(&case.diags, &case.sources, Format::Plain, Lang::Vi);
    assert!(out.contains("gợi ý: "), "{out}");
    assert!(!out.contains("help:"), "{out}");
    assert!(out.ends_with("\n11 lỗi, 1 cảnh báo\n"), "{out}");
    assert!(!out.contains(" error"), "{out}");
    let human = render_in(&case.diags, &case.sources, Format::Human, Lang::Vi);
    assert!(human.contains("gợi ý: "));
}

#[test]
fn every_part_is_translated_in_place() {
    let case = rule_cases()
        .into_iter()
        .find(|c| c.name.ends_with("duplicate_top_level_name.rules"))
        .unwrap();
    let d = case.diags.first().unwrap();
    let v = d.in_lang(Lang::Vi);
    assert_eq!(v.code, d.code);
    assert_eq!(v.span, d.span);
    assert_eq!(v.related.len(), d.related.len());
    for part in [Part::Message, Part::Label, Part::Related, Part::Help] {
        let (e, t) = match part {
            Part::Message => (Some(d.message.clone()), Some(v.message.clone())),
            Part::Label => (d.label.clone(), v.label.clone()),
            Part::Related => {
                (d.related.first().map(|r| r.1.clone()), v.related.first().map(|r| r.1.clone()))
            }
            Part::Help => (d.help.clone(), v.help.clone()),
        };
        if let (Some(e), Some(t)) = (e, t) {
            assert_ne!(e, t, "{} not translated", part.name());
        }
    }
    assert_eq!(d.in_lang(Lang::En), *d);
}

// ---------------------------------------------------------------------------------------------
// Through the binary: `--lang` on checking, evaluating and explaining.

fn thidua_in(dir: &Path, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("thidua")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn thidua(args: &[&str]) -> std::process::Output {
    thidua_in(Path::new(ROOT), args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn check_speaks_the_language_asked_for() {
    let bad = "tests/cases/check/many_errors_at_once.rules";
    let vi = thidua(&["--lang", "vi", "check", "--error-format", "plain", bad]);
    assert_eq!(vi.status.code(), Some(3));
    let en = thidua(&["check", "--error-format", "plain", bad]);
    assert_eq!(en.status.code(), Some(3));
    let en_flag = thidua(&["--lang", "en", "check", "--error-format", "plain", bad]);
    assert_eq!(text(&en.stderr), text(&en_flag.stderr), "English is the default");
    assert!(text(&vi.stderr).contains("không tìm thấy tên `xep_loia`"), "{}", text(&vi.stderr));
    assert!(text(&vi.stderr).ends_with("11 lỗi, 1 cảnh báo\n"), "{}", text(&vi.stderr));
    let json = thidua(&["--lang", "vi", "--error-format", "json", "check", bad]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().all(|d| d["lang"] == "vi"));
    let ok = thidua(&["--lang", "vi", "check", "rules/vksnd_tinh.rules"]);
    assert_eq!(ok.status.code(), Some(0));
    settings().bind(|| {
        insta::assert_snapshot!("i18n_vi_cli_check_ok", text(&ok.stdout));
    });
    let flows = thidua(&[
        "--lang",
        "vi",
        "flow",
        "check",
        "--rules",
        "rules/vksnd_tinh.rules",
        "workflows/sector_flag.wf",
    ]);
    assert_eq!(flows.status.code(), Some(0));
    assert!(
        text(&flows.stdout).contains("hợp lệ — `sector_flag`: 7 bước, 9 bước chuyển"),
        "{}",
        text(&flows.stdout)
    );
}

/// Words of the English frame of an explanation; none may appear in a Vietnamese one.
const ENGLISH_FRAME: &[&str] = &[
    "Explanation",
    "Cycle ",
    "rule set",
    "Score",
    "outcome",
    "reason",
    "basis:",
    "authority",
    "vote:",
    "requirements",
    "disqualifiers",
    "quota:",
    "reward:",
    "holds",
    "fails",
    "applies",
    "held in",
    "in force from",
    "within",
    "ELIGIBLE",
    "of all members",
    "ballot",
    "place(s)",
    "position",
    "VND",
    "title)",
    "commendation)",
    "meets",
    "not met",
    "= true",
    "= false",
    "Proposal",
    "Workflow",
    "Stage",
    "Decision",
    "Votes",
    "Hashes",
    "History",
    "event ",
    "round ",
    " for,",
    "against",
    "abstain",
    "present",
    "in writing",
    "→ passed",
    "entered",
    "nominated `",
    "ballot in",
    "closed",
    "opened",
    " due ",
    "proposal #",
    "— history",
];

/// Words of the Vietnamese frame of an explanation; none may appear in an English one.
const VIETNAMESE_FRAME: &[&str] = &[
    "Giải trình:",
    "Chu kỳ 2",
    "bộ quy tắc",
    "Điểm thi đua:",
    "kết quả",
    "lý do",
    "căn cứ:",
    "thẩm quyền",
    "biểu quyết:",
    "điều kiện:",
    "điều kiện loại trừ",
    "chỉ tiêu:",
    "tiền thưởng",
    "[✓] đạt",
    "không đạt",
    "áp dụng",
    "đạt các năm",
    "trong nhóm",
    "ĐỦ ĐIỀU KIỆN",
    "tổng số",
    "bỏ phiếu kín",
    "suất",
    "vị trí",
    "đồng",
    "danh hiệu)",
    "khen thưởng)",
    "= đúng",
    "= sai",
    "Đề nghị #",
    "Quy trình:",
    "Bước hiện tại",
    "Quyết định\n",
    "Biểu quyết,",
    "Dấu vết",
    "Lịch sử",
    "sự kiện",
    "vòng",
    "tán thành",
    "có mặt",
    "bằng văn bản",
    "thông qua",
    "vào bước",
    "hạn ",
    "— lịch sử",
    "đề nghị #",
];

/// Assert that `out` has none of the other language's frame words.
fn assert_one_language(out: &str, lang: Lang) {
    let foreign = match lang {
        Lang::En => VIETNAMESE_FRAME,
        Lang::Vi => ENGLISH_FRAME,
    };
    let found: Vec<&&str> = foreign.iter().filter(|w| out.contains(**w)).collect();
    assert!(found.is_empty(), "{lang:?} output has words of the other language {found:?}:\n{out}");
}

const SAMPLE: [&str; 5] = ["eval", "--rules", "rules/vksnd_tinh.rules", "--data", "rules/sample"];

fn explain(lang: &str, spec: &str, format: &str) -> String {
    let mut args = vec!["--lang", lang];
    args.extend(SAMPLE);
    args.extend(["--explain", spec, "--format", format]);
    let o = thidua(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    text(&o.stdout)
}

#[test]
fn explanations_are_in_one_language_each_way() {
    // A unit and people with every outcome: eligible, over quota, not eligible, disqualified.
    for spec in ["dv12", "cb002", "cb005", "cb003", "cb013", "dv02"] {
        assert_one_language(&explain("en", spec, "table"), Lang::En);
        assert_one_language(&explain("vi", spec, "table"), Lang::Vi);
    }
    let vi = explain("vi", "dv12:co_thi_dua_nganh", "table");
    settings().bind(|| insta::assert_snapshot!("i18n_vi_explain", vi));
    // The default is English.
    let mut args = vec![];
    args.extend(SAMPLE);
    args.extend(["--explain", "dv12:co_thi_dua_nganh"]);
    assert_eq!(text(&thidua(&args).stdout), explain("en", "dv12:co_thi_dua_nganh", "table"));
}

#[test]
fn explanation_json_keeps_its_fields_and_translates_its_prose() {
    let en: serde_json::Value =
        serde_json::from_str(&explain("en", "cb005:cstdcs", "json")).unwrap();
    let vi: serde_json::Value =
        serde_json::from_str(&explain("vi", "cb005:cstdcs", "json")).unwrap();
    assert_eq!(en["lang"], "en");
    assert_eq!(vi["lang"], "vi");
    let (a, b) = (&en["awards"][0], &vi["awards"][0]);
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(a), keys(b), "same fields");
    assert_eq!(a["outcome"], b["outcome"], "enumerated values stay English");
    assert_eq!(a["category"], "title");
    assert_eq!(b["category"], "title");
    for number in ["limit", "eligible", "position", "group"] {
        assert_eq!(a["quota"][number], b["quota"][number], "{number}");
    }
    assert_ne!(a["quota"]["rule"], b["quota"]["rule"]);
    assert!(a["reason"].as_str().unwrap().starts_with("ranked"), "{}", a["reason"]);
    assert!(b["reason"].as_str().unwrap().starts_with("đứng thứ"), "{}", b["reason"]);
}

#[test]
fn unknown_entities_are_reported_in_the_language_asked_for() {
    let mut args = vec!["--lang", "vi"];
    args.extend(SAMPLE);
    args.extend(["--explain", "nobody"]);
    let o = thidua(&args);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("không có đối tượng nào mang mã `nobody`"),
        "{}",
        text(&o.stderr)
    );
    let mut args = vec!["--lang", "vi"];
    args.extend(SAMPLE);
    args.extend(["--explain", "cb002:cstd_ngnah"]);
    let o = thidua(&args);
    assert!(text(&o.stderr).contains("có phải là `cstd_nganh` không?"), "{}", text(&o.stderr));
}

#[test]
fn proposal_explanations_and_histories_are_in_one_language_each_way() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(thidua_in(dir.path(), &["demo"]).status.code(), Some(0));
    let run = |args: &[&str]| {
        let mut all = vec!["--db", "thidua-demo.db"];
        all.extend(args);
        let o = thidua_in(dir.path(), &all);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        text(&o.stdout)
    };
    for id in ["1", "3"] {
        assert_one_language(&run(&["--lang", "en", "explain", id]), Lang::En);
        assert_one_language(&run(&["--lang", "vi", "explain", id]), Lang::Vi);
    }
    assert_one_language(&run(&["--lang", "en", "history", "dv12"]), Lang::En);
    assert_one_language(&run(&["--lang", "vi", "history", "dv12"]), Lang::Vi);
    let vi = run(&["--lang", "vi", "explain", "3"]);
    let history = run(&["--lang", "vi", "history", "dv12"]);
    settings().bind(|| {
        insta::assert_snapshot!("i18n_vi_office_explain", vi);
        insta::assert_snapshot!("i18n_vi_office_history", history);
    });
    let json: serde_json::Value =
        serde_json::from_str(&run(&["--lang", "vi", "explain", "3", "--format", "json"])).unwrap();
    assert_eq!(json["lang"], "vi");
    assert_eq!(json["eligibility"]["lang"], "vi");
}
