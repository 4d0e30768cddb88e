//! Unit tests of the rule-level comparison: what counts as a change, and how requirements
//! are matched.

use crate::ast;
use crate::diag::SourceMap;

use super::pairing::match_conditions;
use super::source::balanced;
use super::{ChangeKind, RuleChange, canon, rule_changes};

const BASE: &str = r#"ruleset t "T" cycle 2025 basis "b"
enum muc { A < B < C }
entity nguoi "Người" { diem: integer "Điểm" }
title khen "Khen" for nguoi {
  basis "x"
  require "R1": diem >= 5
  require "R2": diem <= 100
  require: diem != 7
  reward 100
}
"#;

fn parse(sources: &mut SourceMap, name: &str, text: &str) -> ast::File {
    let file = sources.add(name, text);
    crate::syntax::parse_rules(text, file).unwrap()
}

fn changes(old: &str, new: &str) -> Vec<RuleChange> {
    let mut sources = SourceMap::new();
    let a = parse(&mut sources, "old.rules", old);
    let b = parse(&mut sources, "new.rules", new);
    rule_changes(&a, &b, &sources)
}

/// `change declaration name › part: property`, one per change.
fn summary(c: &[RuleChange]) -> Vec<String> {
    c.iter()
        .map(|c| {
            format!(
                "{:?} {} {}{}{}",
                c.change,
                c.declaration,
                c.name,
                c.part.as_deref().map(|p| format!(" › {p}")).unwrap_or_default(),
                c.property.as_deref().map(|p| format!(": {p}")).unwrap_or_default()
            )
        })
        .collect()
}

fn expr(text: &str) -> ast::Expr {
    let rules = format!("ruleset t \"T\" cycle 2025\nmark m for k when {text}\n");
    let file = crate::syntax::parse_rules(&rules, crate::diag::FileId(0)).unwrap();
    match file.items.into_iter().next() {
        Some(ast::Item::Mark(m)) => m.when,
        other => panic!("expected a mark, got {other:?}"),
    }
}

#[test]
fn canonical_text_ignores_layout_and_redundant_parentheses() {
    assert_eq!(canon::expr(&expr("a and b or c")), canon::expr(&expr("((a and b)) or\n   c")));
    assert_eq!(canon::expr(&expr("x >= 90")), canon::expr(&expr("x >= 90.0")));
    assert_ne!(canon::expr(&expr("a and (b or c)")), canon::expr(&expr("a and b or c")));
    assert_ne!(canon::expr(&expr("x >= 80%")), canon::expr(&expr("x >= 0.8")));
    assert_ne!(canon::expr(&expr("held a for 2 consecutive cycles")), canon::expr(&expr("held a")));
}

#[test]
fn the_same_file_reformatted_has_no_changes() {
    let reformatted = BASE
        .replace("require \"R1\": diem >= 5", "// a comment\n  require \"R1\":\n      (diem >= 5)")
        .replace("enum muc { A < B < C }", "enum muc {\n  A\n  < B < C\n}");
    assert_ne!(reformatted, BASE);
    assert_eq!(summary(&changes(BASE, &reformatted)), Vec::<String>::new());
}

#[test]
fn requirements_match_by_label_whatever_their_order() {
    let swapped = BASE.replace(
        "  require \"R1\": diem >= 5\n  require \"R2\": diem <= 100\n",
        "  require \"R2\": diem <= 90\n  require \"R1\": diem >= 5\n",
    );
    assert_eq!(
        summary(&changes(BASE, &swapped)),
        ["Changed title khen › requirement \"R2\": condition"]
    );
}

#[test]
fn a_relabelled_requirement_is_a_label_change_not_a_new_rule() {
    let relabelled = BASE.replace("\"R1\"", "\"R1 mới\"");
    assert_eq!(
        summary(&changes(BASE, &relabelled)),
        ["Changed title khen › requirement \"R1 mới\": label"]
    );
}

#[test]
fn unlabelled_requirements_match_by_position() {
    let changed = BASE.replace("require: diem != 7", "require: diem != 8");
    let c = changes(BASE, &changed);
    assert_eq!(summary(&c), ["Changed title khen › requirement 3: condition"]);
    let old = c[0].old.as_ref().unwrap();
    let new = c[0].new.as_ref().unwrap();
    assert_eq!((old.text.as_str(), old.at.as_str()), ("diem != 7", "old.rules:8:12"));
    assert_eq!((new.text.as_str(), new.at.as_str()), ("diem != 8", "new.rules:8:12"));
}

#[test]
fn added_and_removed_requirements_show_their_whole_statement() {
    let changed = BASE
        .replace("  require \"R2\": diem <= 100\n", "")
        .replace("  reward 100", "  require \"R4\" basis \"y\": diem > 1\n  reward 100");
    let c = changes(BASE, &changed);
    assert_eq!(
        summary(&c),
        ["Added title khen › requirement \"R4\"", "Removed title khen › requirement \"R2\""]
    );
    assert_eq!(c[0].new.as_ref().unwrap().text, "require \"R4\" basis \"y\": diem > 1");
    assert_eq!(c[1].change, ChangeKind::Removed);
}

#[test]
fn match_conditions_pairs_new_order_first_then_what_only_old_has() {
    let mut sources = SourceMap::new();
    let old = parse(&mut sources, "a", BASE);
    let new = parse(
        &mut sources,
        "b",
        &BASE
            .replace("  require \"R1\": diem >= 5\n", "")
            .replace("require: diem != 7", "require \"R9\": diem != 7"),
    );
    let conds = |f: &ast::File| match f.items.last() {
        Some(ast::Item::Award(a)) => a.requires.clone(),
        _ => panic!("no award"),
    };
    // R2 by label; the unlabelled one relabelled R9 by its condition; R1 removed.
    assert_eq!(
        match_conditions(&conds(&old), &conds(&new)),
        [(Some(1), Some(0)), (Some(2), Some(1)), (Some(0), None)]
    );
}

#[test]
fn ordered_enum_reordering_is_reported_and_unordered_is_not() {
    let c = changes(BASE, &BASE.replace("A < B < C", "A < C < B"));
    assert_eq!(summary(&c), ["Reordered enum muc › variants"]);
    assert_eq!(c[0].new.as_ref().unwrap().text, "A < C < B");
    let plain = BASE.replace("A < B < C", "A, B, C");
    let c = changes(&plain, &BASE.replace("A < B < C", "C, B, A"));
    assert_eq!(summary(&c), Vec::<String>::new());
}

#[test]
fn shown_text_keeps_the_parentheses_balanced() {
    let text = "ruleset t \"T\"\nmark m for k when (a or b) and (c)\n";
    let mut sources = SourceMap::new();
    let file = parse(&mut sources, "x", text);
    let Some(ast::Item::Mark(m)) = file.items.first() else { panic!("no mark") };
    let ast::ExprKind::Binary(_, operands) = &m.when.kind else { panic!("not binary") };
    let (lhs, rhs) = &**operands;
    assert_eq!(sources.slice(balanced(&sources, lhs.span)), "a or b");
    assert_eq!(sources.slice(balanced(&sources, rhs.span)), "c");
    assert_eq!(sources.slice(balanced(&sources, m.when.span)), "(a or b) and (c)");
}
