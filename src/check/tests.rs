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

#[test]
fn ruleset_hash_is_sha256_hex() {
    assert_eq!(
        ruleset_hash(""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        ruleset_hash("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}
