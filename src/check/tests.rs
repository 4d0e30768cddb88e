//! Unit tests of the checker on small inline rule sets.

use super::*;

fn check_str(text: &str) -> Result<Checked, Vec<Diagnostic>> {
    let mut sources = SourceMap::new();
    check_source("t.rules", text, &mut sources)
}

#[test]
fn shipped_ruleset_checks_clean() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/vksnd_tinh.rules"))
            .unwrap();
    let checked = check_str(&text).unwrap_or_else(|d| panic!("{d:#?}"));
    assert!(checked.warnings.is_empty(), "{:#?}", checked.warnings);
    assert_eq!(checked.program.awards.len(), 9);
}
