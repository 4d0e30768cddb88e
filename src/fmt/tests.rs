//! Unit tests of the formatter's layout on small inputs.

use super::{Syntax, format};
use crate::diag::FileId;
use crate::lang::Lang;

fn fmt(text: &str, lang: Option<Lang>) -> String {
    format(text, Syntax::Rules, lang, FileId(0)).map(|f| f.text).unwrap_or_else(|d| panic!("{d:?}"))
}

#[test]
fn smoke() {
    let t = "ruleset a \"A\" cycle 2025 basis \"x\"\nentity e { f: bool }\ntitle t \"T\" for e { basis \"b\" require: f }\n";
    let out = fmt(t, None);
    assert_eq!(
        out,
        "ruleset a \"A\"\n  cycle 2025\n  basis \"x\"\nentity e { f: bool }\ntitle t \"T\" for e {\n  basis \"b\"\n  require: f\n}\n"
    );
}

#[test]
fn a_comment_inside_a_history_window_follows_it() {
    let t = "ruleset a \"A\"\nmark m for e when held x for 3 // why\n  consecutive cycles and y\n";
    let out = fmt(t, None);
    assert_eq!(
        out,
        "ruleset a \"A\"\nmark m for e when held x for 3 consecutive cycles // why\n  and y\n"
    );
    assert_eq!(fmt(&out, None), out);
    assert_eq!(
        fmt(t, Some(Lang::Vi)),
        "bộ quy tắc a \"A\"\nghi nhận m cho e khi đạt x trong 3 kỳ liên tiếp // why\n  và y\n"
    );
}

#[test]
fn internal_errors_never_reach_a_valid_file_with_odd_layout() {
    let t =
        "ruleset a \"A\" # c\n title t for e { require: f( // one\n a // two\n , b ) // three\n }";
    let out = fmt(t, None);
    assert_eq!(fmt(&out, None), out);
}
