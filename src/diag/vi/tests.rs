//! Unit tests of the translation engine, one per hole and pattern family, and of the catalog.

use super::*;
use crate::diag::{FileId, Span};

fn t(code: &str, part: Part, text: &str) -> Option<String> {
    translate(code, part, text)
}

fn m(code: &str, text: &str) -> Option<String> {
    t(code, Part::Message, text)
}

#[test]
fn every_entry_compiles() {
    assert_eq!(bad_entries(), &[] as &[BadEntry]);
}

#[test]
fn a_bad_entry_is_reported_not_used() {
    let e = |code, en, vi| compile(code, en, vi).err().map(|b| b.why);
    assert_eq!(
        e("x", "a {} b", "a {1}").as_deref(),
        Some("`{1}` refers to a hole the pattern does not have")
    );
    assert_eq!(e("x", "a {} b", "a b").as_deref(), Some("the translation drops hole {0}"));
    assert_eq!(e("x", "{}{p}", "{0}{1}").as_deref(), Some("two holes touch"));
    assert_eq!(e("x", "", "").as_deref(), Some("empty pattern"));
    assert_eq!(e("x@caption", "a", "b").as_deref(), Some("unknown part `caption`"));
    assert!(e("x", "`{ a }` {}", "`{ a }` {0}").is_none(), "literal braces are text");
}

#[test]
fn literal_text_must_match_whole() {
    assert_eq!(m("eval::division_by_zero", "division by zero").as_deref(), Some("chia cho 0"));
    assert_eq!(m("eval::division_by_zero", "division by zero!"), None);
    assert_eq!(m("eval::division_by_zero", "a division by zero"), None);
}

#[test]
fn verbatim_holes_copy_user_text_and_may_reorder() {
    assert_eq!(
        m("check::unknown_name", "unknown name `xep_loia`").as_deref(),
        Some("không tìm thấy tên `xep_loia`")
    );
    // `{1}` comes before `{0}` in the Vietnamese.
    assert_eq!(
        m("data::duplicate_id", "duplicate `cum` id `cum1`").as_deref(),
        Some("mã `cum1` của `cum` bị trùng")
    );
    // A hole takes as little as it can, then backtracks to let the rest fit.
    assert_eq!(
        m("check::unknown_variant", "`a is not a variant of b` is not a variant of `x`").as_deref(),
        Some("`a is not a variant of b` không phải là một giá trị của `x`")
    );
}

#[test]
fn phrase_holes_translate_their_words() {
    assert_eq!(
        m("check::type_mismatch", "a requirement must be true or false, found an integer")
            .as_deref(),
        Some("điều kiện phải là đúng hoặc sai, nhưng ở đây là một số nguyên")
    );
    // A backticked token is a phrase of its own.
    assert_eq!(
        t("check::type_mismatch", Part::Label, "this is a `xep_loai`").as_deref(),
        Some("đây là một giá trị `xep_loai`")
    );
    // Words the phrase list lacks do not match.
    assert_eq!(
        m("check::type_mismatch", "a requirement must be true or false, found a spaceship"),
        None
    );
    assert_eq!(translate_phrase("the condition of `if`").as_deref(), Some("điều kiện của `if`"));
}

#[test]
fn list_holes_translate_each_item_and_the_connectives() {
    assert_eq!(
        m("parse::syntax", "expected `:`, a name or end of file, found `x`").as_deref(),
        Some("cần `:`, một tên hoặc hết tệp, nhưng gặp `x`")
    );
    // Separators inside backticks do not split.
    assert_eq!(
        m("parse::syntax", "expected an aggregate such as `share(members, …)` or `if`, found `)`")
            .as_deref(),
        Some("cần một hàm tổng hợp như `share(members, …)` hoặc `if`, nhưng gặp `)`")
    );
    assert_eq!(
        t("check::unknown_award", Part::Help, "declare it with `title`, `mark` or `extern`")
            .as_deref(),
        Some("hãy khai báo bằng `title`, `mark` hoặc `extern`")
    );
    assert_eq!(
        m(
            "check::cycle",
            "these rules depend on each other in a cycle: `t` (score) → `a` → `t` (rank)"
        )
        .as_deref(),
        Some("các quy tắc này phụ thuộc lẫn nhau thành vòng: `t` (điểm) → `a` → `t` (thứ hạng)")
    );
    // One unknown item spoils the list.
    assert_eq!(m("parse::syntax", "expected `:` or a wombat, found `x`"), None);
}

#[test]
fn external_holes_translate_known_messages_and_keep_the_rest() {
    assert_eq!(
        m(
            "flow::hook_missing",
            "cannot read hook `h.rhai`: No such file or directory (os error 2)"
        )
        .as_deref(),
        Some("không đọc được hook `h.rhai`: không có tệp hoặc thư mục này (lỗi hệ điều hành 2)")
    );
    assert_eq!(
        m("flow::hook_missing", "cannot read hook `h.rhai`: disk on fire").as_deref(),
        Some("không đọc được hook `h.rhai`: disk on fire")
    );
}

#[test]
fn code_entries_come_before_shared_ones_and_codes_do_not_leak() {
    // `did you mean` is shared by every code.
    assert_eq!(
        t("data::unknown_column", Part::Help, "did you mean `ten`?").as_deref(),
        Some("có phải là `ten` không?")
    );
    // A code's own text is not found under another code.
    assert_eq!(m("check::arity", "division by zero"), None);
}

#[test]
fn part_entries_apply_to_their_part_only() {
    // Any label of `hook::syntax` is the script engine's message: translated when known…
    assert_eq!(
        t("hook::syntax", Part::Label, "unexpected '}'").as_deref(),
        Some("gặp '}' không đúng chỗ")
    );
    // …and kept as it is otherwise; but a help line must be in the catalog.
    assert_eq!(t("hook::syntax", Part::Label, "weird").as_deref(), Some("weird"));
    assert_eq!(t("hook::syntax", Part::Help, "weird"), None);
    assert_eq!(
        t("check::type_mismatch", Part::Label, "integer and bool").as_deref(),
        Some("số nguyên `and` đúng/sai")
    );
    assert_eq!(t("check::type_mismatch", Part::Message, "integer and bool"), None);
}

#[test]
fn plural_and_singular_both_match() {
    assert_eq!(
        m("check::arity", "`abs` takes 1 argument, found 2").as_deref(),
        Some("`abs` nhận 1 đối số, nhưng có 2")
    );
    assert_eq!(
        m("check::arity", "`min` takes 2 arguments, found 1").as_deref(),
        Some("`min` nhận 2 đối số, nhưng có 1")
    );
}

#[test]
fn recorded_event_texts_translate_with_their_vote_rules() {
    assert_eq!(
        translate_event(
            "3 for of 3 members — award co: ≥ 80% of all members (Luật TĐKT 2022 Điều 26 k1)"
        )
        .as_deref(),
        Some(
            "3 phiếu tán thành trên 3 thành viên — khen thưởng co: ≥ 80% tổng số thành viên (Luật TĐKT 2022 Điều 26 k1)"
        )
    );
    assert_eq!(
        translate_event("workflow annual: ≥ 50% of votes cast").as_deref(),
        Some("quy trình annual: ≥ 50% số phiếu biểu quyết")
    );
    assert_eq!(translate_event("something else entirely"), None);
}

#[test]
fn occurrences_overlap_and_respect_char_boundaries() {
    assert_eq!(occurrences("aaa", "aa"), vec![0, 1]);
    assert_eq!(occurrences("đ a đ", "đ"), vec![0, 5]);
    assert_eq!(occurrences("abc", "x"), Vec::<usize>::new());
}

#[test]
fn misses_name_each_untranslated_text() {
    let d =
        Diagnostic::error("check::unknown_name", Span::new(FileId(0), 0, 1), "unknown name `x`")
            .with_label("a label nobody translated")
            .with_related(Span::new(FileId(0), 0, 1), "first declared here")
            .with_help("did you mean `y`?");
    let misses = misses(&d);
    assert_eq!(
        misses,
        vec![Miss {
            code: "check::unknown_name",
            part: Part::Label,
            text: String::from("a label nobody translated")
        }]
    );
    let v = translated(&d);
    assert_eq!(v.message, "không tìm thấy tên `x`");
    assert_eq!(v.label.as_deref(), Some("a label nobody translated"), "a miss stays English");
    assert_eq!(v.related.first().map(|r| r.1.as_str()), Some("khai báo lần đầu ở đây"));
    assert_eq!(v.help.as_deref(), Some("có phải là `y` không?"));
}

#[test]
fn no_translation_keeps_english_words_of_the_pattern() {
    // Every Vietnamese template differs from its English pattern (nothing copied by mistake),
    // except patterns with no words of their own.
    for &(code, en, vi) in catalog::TEXTS.iter().flat_map(|area| area.iter()) {
        let words = ["{}", "{x}", "{p}", "{l}"]
            .iter()
            .fold(en.to_string(), |s, h| s.replace(h, ""))
            .chars()
            .any(char::is_alphabetic);
        if words {
            assert_ne!(en, vi, "{code}: `{en}` is not translated");
        }
    }
    for &(en, vi) in catalog::PHRASES {
        assert_ne!(en, vi, "phrase `{en}` is not translated");
    }
}
