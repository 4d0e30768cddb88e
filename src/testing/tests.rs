//! Unit tests of the test-file parser, the resolver and the runner, on a small rule set
//! written here (the shipped rule set is exercised by the integration tests).

use std::path::Path;

use super::syntax::{Check, ExpectedOutcome, ScoreCheck, Statement, Which};
use super::*;

/// A small rule set: one scored unit kind, one person kind, a title with a requirement and a
/// disqualifier, and a commendation with a quota and an unlabelled requirement.
const RULES: &str = r#"
ruleset mini "Mini" cycle 2025 effective from 2025-01-01 basis "test"

enum xl "Xếp loại" { KHT < HT < HTT < HTXS }

entity cum "Cụm" { ten: text "Tên" }
entity dv "Đơn vị" in cum {
  ten: text "Tên"
  kien_nghi: integer "Kiến nghị" default 0
  vi_pham: integer "Vi phạm" default 0
}
entity cb "Cán bộ" in dv {
  xep_loai: xl "Xếp loại"
  nghi: integer "Tháng nghỉ" default 0
  nu: bool "Nữ" default false
}

scoring bd "Bảng điểm" for dv max 100 basis "test" {
  group g "Nhóm" max 60 {
    each kn "Kiến nghị" max 60 points 20 per kien_nghi
  }
  formula tl "Tỷ lệ" max 40 = 40 * share(members, held ldtt)
  penalty vp "Vi phạm" points 10 per vi_pham cap 30
  grade a "A" from 90
  grade b "B" from 50
  grade c "C" otherwise
  rank within cum by score desc
}

title ldtt "LĐTT" for cb {
  basis "test"
  require "Hoàn thành tốt": xep_loai >= HTT
  disqualify "Nghỉ nhiều": nghi >= 3
  reward 100
}

commendation gk "Giấy khen" for cb {
  basis "test"
  require "Xuất sắc": xep_loai == HTXS
  require: held ldtt
  quota 1 per dv by nu desc
}
"#;

/// The preamble of a scratch test file.
const HEAD: &str = r#"tests for "mini.rules"
defaults cum { ten: "C" }
defaults dv { ten: "D" }
defaults cb { xep_loai: HTT }
"#;

/// Write the rule set and a test file into a fresh folder and run it.
fn run(test: &str) -> (Result<FileReport, TestError>, SourceMap, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mini.rules"), RULES).unwrap();
    let path = dir.path().join("mini.test");
    std::fs::write(&path, test).unwrap();
    let mut sources = SourceMap::new();
    let result = run_file(&path, None, &mut sources);
    (result, sources, dir)
}

fn report(test: &str) -> FileReport {
    match run(test).0 {
        Ok(r) => r,
        Err(TestError::Invalid(d)) => panic!("diagnostics: {d:#?}"),
        Err(e) => panic!("{e}"),
    }
}

/// The diagnostics of a test file that fails to check, with the text each underlines.
fn diagnostics(test: &str) -> Vec<(String, String, Option<String>)> {
    let (result, sources, _dir) = run(test);
    match result {
        Err(TestError::Invalid(d)) => d
            .iter()
            .map(|d| (d.code.to_owned(), sources.slice(d.span).to_owned(), d.help.clone()))
            .collect(),
        Ok(_) => panic!("the test file checked"),
        Err(e) => panic!("{e}"),
    }
}

fn world(body: &str) -> String {
    format!("{HEAD}case \"c\" {{\n  given cum c1\n  given dv d1 in c1\n{body}\n}}\n")
}

#[test]
fn parses_every_statement_form() {
    let text = r#"tests for "x.rules" cycle 2025 data "base"
defaults cb { xep_loai: HTT, nghi: 0 }
unreachable quota of gk because "never"
unreachable require #2 of gk because "never"
case "one" from scratch {
  given cb a like b in d1 { nu: true, nghi: -1, xep_loai: HTXS }
  history cb/a only { 2024: ldtt gk, 2023: ldtt }
  expect a score >= 90.5 grade a rank 1
  expect a ldtt eligible reward 1_000
  expect a gk not eligible because require "Xuất sắc", require #2
  expect a ldtt disqualified because disqualify #1
  expect a gk over quota
  expect d1 kn < 20
}
"#;
    let file = syntax::parse(text, crate::diag::FileId(0)).unwrap();
    assert_eq!(file.rules.text, "x.rules");
    assert_eq!(file.cycle.map(|c| c.0), Some(2025));
    assert_eq!(file.data.as_ref().map(|d| d.text.as_str()), Some("base"));
    assert_eq!(file.defaults.len(), 1);
    assert_eq!(file.unreachable.len(), 2);
    let case = &file.cases[0];
    assert!(case.scratch);
    assert_eq!(case.statements.len(), 8);
    let Statement::Given(g) = &case.statements[0] else { panic!("given") };
    assert_eq!(g.like.as_ref().unwrap().id.text, "b");
    assert_eq!(g.parent.as_ref().unwrap().text, "d1");
    assert_eq!(g.fields.len(), 3);
    let Statement::History(h) = &case.statements[1] else { panic!("history") };
    assert!(h.only);
    assert_eq!(h.entity.kind.as_ref().unwrap().text, "cb");
    assert_eq!(h.rows[0].facts.len(), 2);
    let Statement::Expect(e) = &case.statements[2] else { panic!("expect") };
    let Check::Score(parts) = &e.check else { panic!("score") };
    assert!(matches!(parts[0], ScoreCheck::Score(syntax::Cmp::Ge, _)));
    assert_eq!(parts.len(), 3);
    let Statement::Expect(e) = &case.statements[4] else { panic!("expect") };
    let Check::Award { outcome, reasons, .. } = &e.check else { panic!("award") };
    assert_eq!(*outcome, ExpectedOutcome::NotEligible);
    let reasons = reasons.as_ref().unwrap();
    assert_eq!(reasons[0].cond.which, Which::Label(String::from("Xuất sắc")));
    assert_eq!(reasons[1].cond.which, Which::Index(2));
    let Statement::Expect(e) = &case.statements[7] else { panic!("expect") };
    assert!(matches!(e.check, Check::Points { cmp: syntax::Cmp::Lt, .. }));
    // The expectation's span ends at its last word, not at the next line.
    assert_eq!(text.get(e.span.start as usize..e.span.end as usize), Some("expect d1 kn < 20"));
}

#[test]
fn a_syntax_error_points_at_the_word_found() {
    let text = "tests for \"x.rules\"\ncase \"a\" {\n  expect cb1 ldtt elgible\n}\n";
    let d = syntax::parse(text, crate::diag::FileId(0)).unwrap_err();
    assert_eq!(d.code, "test::syntax");
    assert_eq!(text.get(d.span.start as usize..d.span.end as usize), Some("elgible"));
    assert!(d.message.contains("an outcome"), "{}", d.message);
    assert!(d.help.as_deref().unwrap_or("").contains("not eligible"));
}

#[test]
fn a_passing_case_passes_and_covers_what_it_names() {
    let r = report(&world(
        "  given dv d1 { kien_nghi: 2 }\n  given cb a in d1 { xep_loai: HTXS }\n  \
         given cb b in d1 { nghi: 3 }\n  \
         expect a ldtt eligible reward 100\n  expect a gk eligible\n  \
         expect b ldtt disqualified because disqualify \"Nghỉ nhiều\"\n  \
         expect d1 score 60 grade b rank 1\n  expect d1 tl 20",
    ));
    assert_eq!((r.passed(), r.failed()), (1, 0), "{:#?}", r.cases);
    let uncovered: Vec<&str> = r.coverage.uncovered.iter().map(|i| i.item.as_str()).collect();
    // Named or exercised: eligible of ldtt and gk, the disqualifier, grade b, and the
    // criteria that earned points (g and kn 40, tl 20). Not: the requirements (no `because`),
    // the quota, the penalty (no breach), grades a and c.
    assert_eq!(
        uncovered,
        [
            "penalty vp",
            "grade a",
            "grade c",
            "require \"Hoàn thành tốt\" of ldtt",
            "require \"Xuất sắc\" of gk",
            "require #2 of gk",
            "quota of gk",
        ]
    );
    assert_eq!(r.coverage.items, 14);
    assert_eq!(r.coverage.covered, 7);
}

#[test]
fn a_wrong_outcome_fails_with_the_diff_and_the_deciding_rule() {
    let r = report(&world("  given cb a in d1 { xep_loai: HT }\n  expect a ldtt eligible"));
    assert_eq!(r.failed(), 1);
    let f = &r.cases[0].failures[0];
    assert_eq!(f.expectation, "expect a ldtt eligible");
    assert_eq!(f.expected, "eligible");
    assert_eq!(f.actual, "not eligible because require \"Hoàn thành tốt\"");
    assert_eq!(f.location.line, 9);
    assert_eq!(f.decided_by.len(), 1);
    let d = &f.decided_by[0];
    assert!(d.location.file.ends_with("mini.rules"));
    assert_eq!((d.location.line, d.location.column), (32, 3));
    assert_eq!(d.rule, "require \"Hoàn thành tốt\": xep_loai >= HTT");
    assert_eq!(d.detail, "does not hold");
}

#[test]
fn reasons_must_be_exactly_the_deciding_conditions() {
    // a fails both requirements of gk; naming one is not enough.
    let one = report(&world(
        "  given cb a in d1 { xep_loai: HT }\n  expect a gk not eligible because require \"Xuất sắc\"",
    ));
    assert_eq!(one.failed(), 1);
    assert_eq!(
        one.cases[0].failures[0].actual,
        "not eligible because require \"Xuất sắc\", require #2"
    );
    let both = report(&world(
        "  given cb a in d1 { xep_loai: HT }\n  \
         expect a gk not eligible because require #2, require \"Xuất sắc\"",
    ));
    assert_eq!(both.failed(), 0, "{:#?}", both.cases);
    // Without `because`, only the outcome is compared.
    let bare = report(&world("  given cb a in d1 { xep_loai: HT }\n  expect a gk not eligible"));
    assert_eq!(bare.failed(), 0);
}

#[test]
fn a_named_reason_that_did_not_decide_is_shown_with_its_verdict() {
    let r = report(&world(
        "  given cb a in d1 { xep_loai: HTXS, nghi: 3 }\n  \
         expect a gk not eligible because require \"Xuất sắc\"",
    ));
    let f = &r.cases[0].failures[0];
    assert_eq!(f.actual, "not eligible because require #2");
    let rules: Vec<(&str, &str)> =
        f.decided_by.iter().map(|d| (d.rule.as_str(), d.detail.as_str())).collect();
    assert_eq!(
        rules,
        [
            ("require #2: held ldtt", "does not hold"),
            ("require \"Xuất sắc\": xep_loai == HTXS", "holds"),
        ]
    );
}

#[test]
fn the_quota_cuts_in_order_and_over_quota_points_at_it() {
    let r = report(&world(
        "  given cb a in d1 { xep_loai: HTXS }\n  given cb b like a { nu: true }\n  \
         expect b gk eligible\n  expect a gk eligible",
    ));
    let f = &r.cases[0].failures[0];
    assert_eq!(f.expectation, "expect a gk eligible");
    assert_eq!(f.actual, "over quota");
    assert_eq!(f.decided_by[0].rule, "quota 1 per dv by nu desc");
    assert_eq!(f.decided_by[0].detail, "place 2 of 2 eligible in d1, 1 place");
}

#[test]
fn scores_grades_ranks_and_points_are_compared() {
    // d1: 2 recommendations (40) + share 1 (40) = 80; d2: 3 (60) + 40 - 10 = 90.
    let r = report(&world(
        "  given cb a in d1\n  given dv d2 in c1 { kien_nghi: 3, vi_pham: 1 }\n  \
         given cb b in d2\n  given dv d1 { kien_nghi: 2 }\n  \
         expect d1 score 80 grade b rank 2\n  expect d2 score >= 90 grade a rank 1\n  \
         expect d2 vp 10\n  expect d2 kn 60\n  expect d2 g 60\n  \
         expect d1 score 81 grade a rank < 2\n  expect d1 kn > 40",
    ));
    let failures = &r.cases[0].failures;
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert_eq!(failures[0].expected, "score 81, grade a, rank < 2");
    assert_eq!(failures[0].actual, "score 80, grade b, rank 2");
    let rules: Vec<&str> = failures[0].decided_by.iter().map(|d| d.rule.as_str()).collect();
    assert_eq!(rules, ["scoring bd", "grade b \"B\" from 50", "rank within cum by score desc"]);
    assert_eq!(failures[0].decided_by[0].detail, "kn 40, tl 40, vp -0");
    assert_eq!(failures[1].expected, "> 40");
    assert_eq!(failures[1].actual, "40");
}

#[test]
fn rewards_are_compared_when_written() {
    let r = report(&world("  given cb a in d1\n  expect a ldtt eligible reward 99"));
    let f = &r.cases[0].failures[0];
    assert_eq!(
        (f.expected.as_str(), f.actual.as_str()),
        ("eligible reward 99", "eligible reward 100")
    );
}

#[test]
fn history_counts_and_only_replaces_it() {
    // Check the history of the world the case builds: `only` drops what came before.
    let text = format!(
        "{HEAD}case \"c\" {{\n  given cum c1\n  given dv d1 in c1\n  given cb a in d1\n  \
         history a {{ 2023: ldtt, 2024: ldtt gk }}\n  history a only {{ 2022: gk }}\n  \
         expect a ldtt eligible\n}}\n"
    );
    let parsed = syntax::parse(&text, crate::diag::FileId(1)).unwrap();
    let mut sources = SourceMap::new();
    let checked = crate::check::check_source("mini.rules", RULES, &mut sources).unwrap();
    let program = &checked.program;
    let cycle = crate::eval::resolve_cycle(program, None).unwrap();
    let checked = world::check(&parsed, program, None, cycle).unwrap();
    let case = checked.case(0).unwrap();
    let gk = program.schema.fact("gk").unwrap();
    let ldtt = program.schema.fact("ldtt").unwrap();
    let held = &case.data.history.held();
    assert_eq!(held.get(&(gk, 0)).map(Vec::as_slice), Some(&[2022][..]));
    assert_eq!(held.get(&(ldtt, 0)), None);
}

#[test]
fn every_name_is_checked_with_a_suggestion() {
    let found = diagnostics(&world(
        "  given cb a in d1 { xep_loia: HTXS, xep_loai: HTXS, nu: 3 }\n  \
         given cb b in d9\n  given cb c in d1 { xep_loai: HTSX }\n  \
         history a { 2024: ldt, 2025: ldtt }\n  \
         expect a ldt eligible\n  expect a gk not eligible because require \"Xuat sac\"\n  \
         expect d1 grade A\n  expect c11 ldtt eligible\n  expect a gk disqualified",
    ));
    let codes: Vec<(&str, &str, Option<&str>)> =
        found.iter().map(|(c, t, h)| (c.as_str(), t.as_str(), h.as_deref())).collect();
    assert_eq!(
        codes,
        [
            ("test::unknown_field", "xep_loia", Some("did you mean `xep_loai`?")),
            ("test::type_mismatch", "3", Some("write `true` or `false`")),
            ("test::unknown_entity", "d9", Some("declare it with `given dv d9 …`")),
            ("test::unknown_variant", "HTSX", Some("did you mean `HTXS`?")),
            ("test::unknown_award", "ldt", Some("did you mean `ldtt`?")),
            (
                "test::current_cycle",
                "2025",
                Some(
                    "for an earlier year write 2024; only `extern` awards come from history in the cycle itself"
                )
            ),
            ("test::unknown_award", "ldt", Some("did you mean `ldtt`?")),
            ("test::unknown_condition", "\"Xuat sac\"", Some("did you mean `Xuất sắc`?")),
            ("test::unknown_grade", "A", Some("did you mean `a`?")),
            ("test::unknown_entity", "c11", Some("did you mean `c1`?")),
            (
                "test::no_disqualifier",
                "disqualified",
                Some("expect `eligible`, `not eligible` or `over quota`")
            ),
        ]
    );
}

#[test]
fn misplaced_reasons_rewards_and_outcomes_are_errors() {
    let found = diagnostics(&world(
        "  given cb a in d1\n  expect a ldtt eligible because require #1\n  \
         expect a ldtt not eligible reward 5\n  expect a gk eligible reward 5\n  \
         expect a ldtt over quota\n  expect a ldtt not eligible because require #3\n  \
         expect a ldtt 5\n  expect d1 nope 5",
    ));
    let codes: Vec<&str> = found.iter().map(|(c, _, _)| c.as_str()).collect();
    assert_eq!(
        codes,
        [
            "test::misplaced_reason",
            "test::misplaced_reward",
            "test::no_reward",
            "test::no_quota",
            "test::unknown_condition",
            "test::missing_outcome",
            "test::unknown_item",
        ]
    );
}

#[test]
fn new_entities_need_every_field_and_a_parent() {
    let found = diagnostics(
        "tests for \"mini.rules\"\ncase \"c\" {\n  given cum c1\n  given dv d1\n  \
         given cb a in d1\n  expect a ldtt eligible\n}\n",
    );
    let codes: Vec<(&str, &str)> = found.iter().map(|(c, t, _)| (c.as_str(), t.as_str())).collect();
    assert_eq!(
        codes,
        [
            ("test::missing_field", "c1"),
            ("test::missing_field", "d1"),
            ("test::missing_parent", "d1"),
            ("test::missing_field", "a"),
        ]
    );
}

#[test]
fn a_case_without_expectations_and_twin_case_names_are_errors() {
    let found = diagnostics(&format!(
        "{HEAD}case \"c\" {{ given cum c1 }}\ncase \"c\" {{ given cum c1 expect c1 ldtt eligible }}\n"
    ));
    let codes: Vec<&str> = found.iter().map(|(c, _, _)| c.as_str()).collect();
    assert_eq!(codes, ["test::empty_case", "test::duplicate", "test::kind_mismatch"]);
}

#[test]
fn unreachable_items_are_excused_and_flagged_when_covered() {
    let text = format!(
        "{HEAD}unreachable quota of gk because \"one person per unit here\"\n\
         unreachable eligible of ldtt because \"wrongly excused\"\n{}",
        world("  given cb a in d1\n  expect a ldtt eligible").trim_start_matches(HEAD)
    );
    let r = report(&text);
    let excused: Vec<(&str, &str, bool)> = r
        .coverage
        .excused
        .iter()
        .map(|e| (e.item.as_str(), e.reason.as_str(), e.covered))
        .collect();
    assert_eq!(
        excused,
        [
            ("eligible of ldtt", "wrongly excused", true),
            ("quota of gk", "one person per unit here", false)
        ]
    );
    assert_eq!(r.coverage.items, 12);
    let out = text_of(&r);
    assert!(out.contains("a case covers it anyway"), "{out}");
}

fn text_of(r: &FileReport) -> String {
    super::text(r, crate::lang::Lang::En)
}

#[test]
fn base_data_is_changed_only_where_a_case_says() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mini.rules"), RULES).unwrap();
    let base = dir.path().join("base");
    std::fs::create_dir(&base).unwrap();
    std::fs::write(base.join("cum.csv"), "id,ten\nc1,Cụm\n").unwrap();
    std::fs::write(base.join("dv.csv"), "id,cum,ten\nd1,c1,A\nd2,c1,B\n").unwrap();
    std::fs::write(base.join("cb.csv"), "id,dv,xep_loai\np1,d1,HTXS\np2,d2,HT\n").unwrap();
    let test = "tests for \"mini.rules\" data \"base\"\n\
        case \"as is\" {\n  expect p1 ldtt eligible\n  expect p2 ldtt not eligible\n}\n\
        case \"changed\" {\n  given cb p2 in d1 { xep_loai: HTXS }\n  given cb p3 like p1\n  \
        expect p2 ldtt eligible\n  expect p3 gk over quota\n  expect d1 tl 40\n}\n\
        case \"again as is\" {\n  expect p2 ldtt not eligible\n}\n\
        case \"scratch\" from scratch {\n  given cum c { ten: \"C\" }\n  given dv d in c { ten: \"D\" }\n  \
        given cb p1 in d { xep_loai: HT }\n  expect p1 ldtt not eligible\n}\n";
    let path = dir.path().join("mini.test");
    std::fs::write(&path, test).unwrap();
    let mut sources = SourceMap::new();
    let r = run_file(&path, None, &mut sources).unwrap();
    assert_eq!(r.failed(), 0, "{:#?}", r.cases);
    assert_eq!(r.cases.len(), 4);
    assert!(r.data.as_deref().is_some_and(|d| d.ends_with("base")));
}

#[test]
fn the_rules_can_be_replaced_and_a_missing_rule_file_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join("changed.rules");
    std::fs::write(&changed, RULES.replace("nghi >= 3", "nghi >= 2")).unwrap();
    let path = dir.path().join("mini.test");
    std::fs::write(&path, world("  given cb a in d1 { nghi: 2 }\n  expect a ldtt eligible"))
        .unwrap();
    let mut sources = SourceMap::new();
    let Err(TestError::Invalid(d)) = run_file(&path, None, &mut sources) else {
        panic!("mini.rules does not exist")
    };
    assert_eq!(d[0].code, "test::unreadable");
    assert_eq!(sources.slice(d[0].span), "\"mini.rules\"");
    let r = run_file(&path, Some(&changed), &mut sources).unwrap();
    assert_eq!(r.failed(), 1);
    assert!(r.rules.ends_with("changed.rules"));
    let Err(TestError::Io { .. }) =
        run_file(&path, Some(Path::new("/nonexistent.rules")), &mut sources)
    else {
        panic!("an unreadable --rules file is an I/O error")
    };
}

#[test]
fn the_text_report_lists_cases_failures_and_coverage_in_both_languages() {
    let r = report(&world("  given cb a in d1 { xep_loai: HT }\n  expect a ldtt eligible"));
    let en = text_of(&r);
    assert!(en.contains("FAILED  c\n"), "{en}");
    assert!(en.contains("    - expected: eligible\n"), "{en}");
    assert!(
        en.contains("    + actual:   not eligible because require \"Hoàn thành tốt\"\n"),
        "{en}"
    );
    assert!(en.contains("result: FAILED. 0 passed, 1 failed of 1 cases (1 expectations)"), "{en}");
    // A failing expectation still names what it covers.
    assert!(en.contains("coverage: 1 of 14 items (7%)"), "{en}");
    let vi = super::text(&r, crate::lang::Lang::Vi);
    assert!(vi.contains("KHÔNG ĐẠT  c\n"), "{vi}");
    assert!(vi.contains("độ phủ: 1 trên 14 mục"), "{vi}");
}

#[test]
fn paths_in_a_test_file_are_relative_to_it() {
    let p = |dir: &str, rel: &str| beside(Path::new(dir), rel);
    assert_eq!(p("tests/cases/test", "../../../rules/x.rules"), Path::new("rules/x.rules"));
    assert_eq!(p("", "x.rules"), Path::new("x.rules"));
    assert_eq!(p("rules", "./sample"), Path::new("rules/sample"));
    assert_eq!(p("a", "../../x"), Path::new("../x"));
    assert_eq!(p("/tmp/a", "/abs/x"), Path::new("/abs/x"));
}

#[test]
fn a_misspelt_id_to_change_is_caught_as_a_new_entity_without_parent() {
    let found = diagnostics(&world(
        "  given cb alpha in d1\n  given cb alpah { nghi: 1 }\n  expect alpha ldtt eligible",
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, text, help) = &found[0];
    assert_eq!((code.as_str(), text.as_str()), ("test::missing_parent", "alpah"));
    assert!(help.as_deref().unwrap_or("").ends_with("did you mean `alpha`?"), "{help:?}");
}
