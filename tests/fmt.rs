//! `thidua fmt` and the Vietnamese keyword set.
//!
//! - The shipped rule set and workflows are formatted already (`.ci/run` checks it too).
//! - Every corpus file (`tests/cases/good`, `tests/cases/check` and `tests/cases/workflow`
//!   files that parse, `rules/`, `workflows/`), as written and with its layout shaken by
//!   proptest (lines joined, re-indented, blank lines and comments added), and generated rule
//!   sets that mix both keyword sets at random: formatting is idempotent, keeps the AST (spans
//!   aside), converts to Vietnamese and back to exactly the English formatting, and keeps
//!   every comment.
//! - Snapshots of the shipped rule set and a workflow in Vietnamese, and the command line:
//!   rewriting, `--check`, standard input, a file that does not parse.
//! - The TextMate grammar in `editors/` is the one the keyword table generates.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use thidua::diag::FileId;
use thidua::fmt::{Syntax, format};
use thidua::lang::Lang;
use thidua::syntax::keywords::{KEYWORDS, textmate_grammar};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

// ---------------------------------------------------------------------------------------
// Helpers

fn fmt(text: &str, syntax: Syntax, lang: Option<Lang>) -> Result<String, String> {
    format(text, syntax, lang, FileId(0)).map(|f| f.text).map_err(|d| format!("{d:?}"))
}

/// The AST of a file as text, with every span zeroed, so that two layouts compare equal.
fn ast(text: &str, syntax: Syntax) -> Result<String, String> {
    let debug = match syntax {
        Syntax::Rules => thidua::syntax::parse_rules(text, FileId(0)).map(|a| format!("{a:?}")),
        Syntax::Workflow => {
            thidua::syntax::parse_workflow(text, FileId(0)).map(|a| format!("{a:?}"))
        }
    };
    debug.map(|d| zero_spans(&d)).map_err(|d| format!("{d:?}"))
}

fn zero_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find("start: ").into_iter().chain(rest.find("end: ")).min() {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let key_len = if tail.starts_with("start: ") { 7 } else { 5 };
        let (key, value) = tail.split_at(key_len);
        out.push_str(key);
        out.push('0');
        rest = value.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

/// The comments of a file, in order (outside strings).
fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut in_string = false;
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' if in_string => {
                    chars.next();
                }
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    out.push(line.split_at(i).1.trim_end().to_string());
                    break;
                }
                '/' if !in_string && chars.peek().is_some_and(|(_, n)| *n == '/') => {
                    out.push(line.split_at(i).1.trim_end().to_string());
                    break;
                }
                _ => {}
            }
        }
    }
    out
}

/// Everything `thidua fmt` promises about one text that parses.
fn properties(text: &str, syntax: Syntax) -> Result<(), String> {
    let original = ast(text, syntax)?;
    let own = fmt(text, syntax, None)?;
    let en = fmt(text, syntax, Some(Lang::En))?;
    let vi = fmt(text, syntax, Some(Lang::Vi))?;
    let check = |cond: bool, what: &str, a: &str, b: &str| {
        if cond {
            Ok(())
        } else {
            Err(format!("{what}\n--- left\n{a}\n--- right\n{b}\n--- input\n{text}"))
        }
    };
    for (name, out) in [("own", &own), ("en", &en), ("vi", &vi)] {
        let again = fmt(out, syntax, None)?;
        check(&again == out, &format!("not idempotent ({name})"), out, &again)?;
        let tree = ast(out, syntax)?;
        check(tree == original, &format!("AST changed ({name})"), &original, &tree)?;
        check(comments(out) == comments(text), &format!("comments lost ({name})"), text, out)?;
        check(!out.lines().any(|l| l.ends_with([' ', '\t'])), "trailing blanks", out, "")?;
    }
    let back = fmt(&vi, syntax, Some(Lang::En))?;
    check(back == en, "English → Vietnamese → English differs", &en, &back)?;
    let there = fmt(&en, syntax, Some(Lang::Vi))?;
    check(there == vi, "Vietnamese of the English formatting differs", &vi, &there)?;
    check(own == en || own == vi, "the file's own language is neither", &own, &en)?;
    Ok(())
}

/// The corpus: every rule and workflow file of the repository that parses.
fn corpus() -> &'static [(String, Syntax, String)] {
    static CORPUS: std::sync::OnceLock<Vec<(String, Syntax, String)>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(read_corpus)
}

fn read_corpus() -> Vec<(String, Syntax, String)> {
    let mut out = Vec::new();
    for (dir, ext) in [
        ("rules", "rules"),
        ("workflows", "wf"),
        ("tests/cases/good", "rules"),
        ("tests/cases/check", "rules"),
        ("tests/cases/workflow", "wf"),
        ("tests/cases/fmt", "rules"),
        ("tests/cases/fmt", "wf"),
    ] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join(dir))
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        paths.sort();
        for path in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == ext)) {
            let text = std::fs::read_to_string(&path).unwrap();
            let syntax = if ext == "wf" { Syntax::Workflow } else { Syntax::Rules };
            if ast(&text, syntax).is_ok() {
                let name = path.strip_prefix(ROOT).unwrap().display().to_string();
                out.push((name, syntax, text));
            }
        }
    }
    assert!(out.len() > 60, "only {} corpus files", out.len());
    out
}

// ---------------------------------------------------------------------------------------
// The shipped files and the corpus as written

#[test]
fn shipped_files_are_formatted() {
    for (name, syntax, text) in corpus() {
        if name.starts_with("rules/") || name.starts_with("workflows/") {
            assert_eq!(&fmt(text, *syntax, None).unwrap(), text, "{name} is not formatted");
        }
    }
}

#[test]
fn every_corpus_file_keeps_its_meaning_in_both_languages() {
    for (name, syntax, text) in corpus() {
        if let Err(e) = properties(text, *syntax) {
            panic!("{name}: {e}");
        }
    }
}

#[test]
fn the_shipped_rule_set_in_vietnamese() {
    let text = std::fs::read_to_string(format!("{ROOT}/rules/vksnd_tinh.rules")).unwrap();
    let vi = fmt(&text, Syntax::Rules, Some(Lang::Vi)).unwrap();
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("fmt_vksnd_tinh_vi", vi);
    });
    // It checks to the same program as the English.
    assert_eq!(program(&text), program(&vi));
}

/// The compiled program of a rule set, spans zeroed.
fn program(text: &str) -> String {
    let mut sources = thidua::diag::SourceMap::new();
    let checked = thidua::check::check_source("x.rules", text, &mut sources).unwrap();
    zero_spans(&format!("{:?}", checked.program))
}

#[test]
fn a_workflow_in_vietnamese() {
    let text = std::fs::read_to_string(format!("{ROOT}/workflows/bac_ninh.wf")).unwrap();
    let vi = fmt(&text, Syntax::Workflow, Some(Lang::Vi)).unwrap();
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("fmt_bac_ninh_vi", vi);
    });
    // It checks, hooks and all, to the same workflow as the English.
    let rules = std::fs::read_to_string(format!("{ROOT}/rules/vksnd_tinh.rules")).unwrap();
    let mut sources = thidua::diag::SourceMap::new();
    let program = thidua::check::check_source("r.rules", &rules, &mut sources).unwrap().program;
    let flow = |t: &str| {
        let mut sources = thidua::diag::SourceMap::new();
        let base = Path::new(ROOT).join("workflows");
        let checked =
            thidua::workflow::check_workflow("w.wf", t, &base, &program, &mut sources).unwrap();
        assert!(checked.warnings.is_empty(), "{:?}", checked.warnings);
        thidua::workflow::show::outline(&checked.flow, &program)
    };
    assert_eq!(flow(&text), flow(&vi));
}

#[test]
fn the_vietnamese_good_case_checks_like_its_english() {
    let path = format!("{ROOT}/tests/cases/good/tu_khoa_tieng_viet.rules");
    let vi = std::fs::read_to_string(path).unwrap();
    assert!(vi.contains("bộ quy tắc") && !vi.contains("ruleset"));
    let en = fmt(&vi, Syntax::Rules, Some(Lang::En)).unwrap();
    assert_eq!(program(&vi), program(&en));
    // Every keyword of the rules language is in it, in Vietnamese.
    for k in KEYWORDS.iter().filter(|k| k.rule_name().starts_with("kw_")) {
        assert!(vi.contains(k.vi), "`{}` ({}) is not used", k.vi, k.rule_name());
    }
}

// ---------------------------------------------------------------------------------------
// Layout details

#[test]
fn layout_rules() {
    let cases: &[(&str, &str)] = &[
        // Statements one per line; a one-statement block kept on one line stays so.
        (
            "ruleset a \"A\" cycle 2025 basis \"x\" entity e { f: bool } title t \"T\" for e { basis \"b\" require: f }",
            "ruleset a \"A\"\n  cycle 2025\n  basis \"x\"\nentity e { f: bool }\ntitle t \"T\" for e {\n  basis \"b\"\n  require: f\n}\n",
        ),
        // Blank lines collapse to one; spacing is normalised; literals stay as written.
        (
            "ruleset a \"A\"\n\n\n\nparam   p :money{2_340_000   from 2024-07-01}",
            "ruleset a \"A\"\n\nparam p: money { 2_340_000 from 2024-07-01 }\n",
        ),
        // Comments at the end of a line and on their own line stay where they were.
        (
            "ruleset a \"A\" // head\n# own line\nentity e { // open\n  f: bool # field\n  // last\n}\n",
            "ruleset a \"A\" // head\n# own line\nentity e { // open\n  f: bool # field\n  // last\n}\n",
        ),
        // Brackets as written; calls and unary minus without spaces.
        (
            "ruleset a \"A\" title t for e { reward if (a) then -( - 1) else min( a ,b ) }",
            "ruleset a \"A\"\ntitle t for e { reward if (a) then -(-1) else min(a, b) }\n",
        ),
        // A trailing comma of an enumeration goes; `deadline 1 working day`.
        ("ruleset a \"A\" enum k { a, b, }", "ruleset a \"A\"\nenum k { a, b }\n"),
    ];
    for (input, want) in cases {
        assert_eq!(&fmt(input, Syntax::Rules, None).unwrap(), want, "input: {input}");
    }
    let wf = "workflow w \"W\" for k stage s { deadline 1 working days }";
    assert_eq!(
        fmt(wf, Syntax::Workflow, None).unwrap(),
        "workflow w \"W\" for k\nstage s { deadline 1 working day }\n"
    );
    assert_eq!(
        fmt(wf, Syntax::Workflow, Some(Lang::Vi)).unwrap(),
        "quy trình w \"W\" cho k\nbước s { thời hạn 1 ngày làm việc }\n"
    );
}

#[test]
fn long_lines_break_at_clauses_then_operators() {
    let long = "ruleset a \"A\"\ntitle t \"T\" for e {\n  require \"a long label for a requirement\" basis \"Luật TĐKT 2022 Điều 24 k1a\": xep_loai >= HTT and months_between(ngay_tuyen_dung, cycle_end) >= 6 and not dang_xem_xet\n}\n";
    let out = fmt(long, Syntax::Rules, None).unwrap();
    assert_eq!(
        out,
        "ruleset a \"A\"\ntitle t \"T\" for e {\n  require \"a long label for a requirement\" basis \"Luật TĐKT 2022 Điều 24 k1a\":\n    xep_loai >= HTT and months_between(ngay_tuyen_dung, cycle_end) >= 6 and not dang_xem_xet\n}\n"
    );
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    // A break the writer made at a clause is kept, and one inside a clause's words is not.
    let kept = "ruleset a \"A\"\nmark m for e\n  when x\nmark n\n  for e when y\n";
    assert_eq!(
        fmt(kept, Syntax::Rules, None).unwrap(),
        "ruleset a \"A\"\nmark m for e\n  when x\nmark n for e when y\n"
    );
}

#[test]
fn keywords_typed_with_combining_accents_get_a_hint() {
    use unicode_normalization::UnicodeNormalization as _;
    let nfc = "bộ quy tắc a \"A\"\nđối tượng e { f: bool }\ndanh hiệu t cho e { yêu cầu: f }\n";
    assert!(ast(nfc, Syntax::Rules).is_ok());
    // One keyword decomposed, or the whole file: the help says why and what to do.
    let one = nfc.replace("yêu cầu", &"yêu cầu".nfd().collect::<String>());
    let all: String = nfc.nfd().collect();
    for text in [one, all] {
        let d = thidua::syntax::parse_rules(&text, FileId(0)).unwrap_err();
        let vi = d.in_lang(thidua::lang::Lang::Vi).help.unwrap_or_default();
        assert!(vi.contains("dấu tổ hợp (Unicode NFD)") && !vi.contains("typed"), "{vi}");
        let help = d.help.unwrap_or_default();
        assert!(help.contains("Unicode NFD") && help.contains("NFC"), "{help}");
    }
    let d = thidua::syntax::parse_rules("bộ quy tắc a \"A\" đối", FileId(0)).unwrap_err();
    assert!(!d.help.unwrap_or_default().contains("NFD"), "no hint for composed text");
}

#[test]
fn a_file_that_does_not_parse_is_an_error() {
    let d = format("ruleset a \"A\" entity {", Syntax::Rules, None, FileId(0)).unwrap_err();
    assert_eq!(d.code, "parse::syntax");
}

// ---------------------------------------------------------------------------------------
// Property tests

/// Shake a file's layout without changing its tokens: lines joined (where no comment ends
/// them), re-indented, blank lines and comments added.
fn shake(text: &str, tape: &[u8]) -> String {
    let mut tape = tape.iter().copied().cycle();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let roll = tape.next().unwrap_or(0);
        let body = line.trim();
        match roll % 8 {
            0 => out.push_str(&" ".repeat(usize::from(roll % 5))),
            1 => out.push('\t'),
            _ => {}
        }
        out.push_str(body);
        let ends_in_comment = !comments(line).is_empty();
        let last = i + 1 == lines.len();
        match roll / 8 % 8 {
            0 if !ends_in_comment && !body.is_empty() && !last => out.push(' '),
            1 if !ends_in_comment => out.push_str(" // shaken\n"),
            2 => out.push_str("\n\n\n"),
            3 if !ends_in_comment => out.push_str("   \n"),
            _ => out.push('\n'),
        }
    }
    out
}

/// `cases` cases, or `PROPTEST_CASES` for a longer run.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn shaken_corpus_files_keep_their_meaning(
        pick in any::<prop::sample::Index>(),
        tape in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let (name, syntax, text) = pick.get(corpus());
        let shaken = shake(text, &tape);
        prop_assert_eq!(ast(&shaken, *syntax), ast(text, *syntax), "{} shaken:\n{}", name, shaken);
        if let Err(e) = properties(&shaken, *syntax) {
            prop_assert!(false, "{}: {}", name, e);
        }
    }
}

proptest! {
    #![proptest_config(config(160))]

    #[test]
    fn generated_rule_sets_keep_their_meaning(tape in prop::collection::vec(any::<u8>(), 0..600)) {
        let text = generate(&tape);
        prop_assert!(ast(&text, Syntax::Rules).is_ok(), "does not parse:\n{}\n{:?}", text, ast(&text, Syntax::Rules));
        if let Err(e) = properties(&text, Syntax::Rules) {
            prop_assert!(false, "{}", e);
        }
    }
}

// ---------------------------------------------------------------------------------------
// A generator of rule sets from a tape of choices (the tape shrinks, so failures do too)

struct Gen<'a> {
    tape: std::slice::Iter<'a, u8>,
    out: String,
}

impl Gen<'_> {
    fn pick(&mut self, n: usize) -> usize {
        self.tape.next().map_or(0, |b| usize::from(*b) % n.max(1))
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.pick(100) < percent
    }

    /// Emit a token after a separator the tape chooses.
    fn tok(&mut self, t: &str) {
        if !self.out.is_empty() {
            let sep = match self.pick(24) {
                0 => "\n",
                1 => "\n\n    ",
                2 => " // note\n",
                3 => "\t",
                4 => " # note\n  ",
                5 => "  ",
                _ => " ",
            };
            self.out.push_str(sep);
        }
        self.out.push_str(t);
    }

    /// A keyword by its grammar rule, in English or Vietnamese at random.
    fn kw(&mut self, rule: &str) {
        let k = KEYWORDS.iter().find(|k| k.rule_name() == rule).unwrap_or_else(|| panic!("{rule}"));
        let n = self.pick(10).to_string();
        let text = if self.chance(50) { k.vi } else { k.en };
        self.tok(&text.replace("{n}", &n).replace("{k}", "1"));
    }

    /// One of two keywords, the first with `percent` chance.
    fn either(&mut self, percent: usize, a: &str, b: &str) {
        let rule = if self.chance(percent) { a } else { b };
        self.kw(rule);
    }

    fn ident(&mut self) {
        const NAMES: &[&str] = &[
            "a",
            "b_c",
            "x1",
            "điểm_x",
            "xếp_loại",
            "không_ai",
            "theo_dõi",
            "trong_năm",
            "Đơn_vị",
            "cycle",
        ];
        let n = NAMES[self.pick(NAMES.len())];
        self.tok(n);
    }

    fn string(&mut self) {
        const STRINGS: &[&str] = &[
            "\"Nhãn\"",
            "\"a \\\"quoted\\\" b\"",
            "\"\"",
            "\"# not a comment\"",
            "\"// nor this\"",
            "\"Luật TĐKT 2022 Điều 24\"",
        ];
        let s = STRINGS[self.pick(STRINGS.len())];
        self.tok(s);
    }

    fn opt_string(&mut self) {
        if self.chance(60) {
            self.string();
        }
    }

    fn number(&mut self) {
        const NUMBERS: &[&str] = &["0", "1", "15", "2_340_000", "0.5", "100"];
        let n = NUMBERS[self.pick(NUMBERS.len())];
        self.tok(n);
    }

    fn literal(&mut self) {
        match self.pick(6) {
            0 => self.tok("12.5%"),
            1 => self.tok("2025-06-30"),
            2 => self.string(),
            3 => self.either(50, "kw_true", "kw_false"),
            _ => self.number(),
        }
    }

    fn basis(&mut self) {
        if self.chance(40) {
            self.kw("kw_basis");
            self.string();
        }
    }

    fn expr(&mut self, depth: usize) {
        let leaf = depth == 0 || self.chance(35);
        if leaf {
            match self.pick(8) {
                0 | 1 => self.ident(),
                2 => self.literal(),
                3 => {
                    self.kw("kw_held");
                    self.ident();
                    match self.pick(5) {
                        0 => self.kw("win_consecutive"),
                        1 => self.kw("win_of_last"),
                        2 => self.kw("win_last"),
                        _ => {}
                    }
                }
                4 => {
                    self.kw("kw_ever");
                    self.kw("kw_held");
                    self.ident();
                }
                5 => {
                    const AGG: &[&str] =
                        &["kw_share", "kw_count", "kw_every", "kw_any", "kw_none", "kw_sum"];
                    let f = AGG[self.pick(AGG.len())];
                    self.kw(f);
                    self.tok("(");
                    self.kw("kw_members");
                    if depth > 0 && self.chance(70) {
                        self.tok(",");
                        self.expr(depth - 1);
                    }
                    self.tok(")");
                }
                6 => {
                    self.ident();
                    self.tok("(");
                    self.expr(0);
                    self.tok(",");
                    self.expr(0);
                    self.tok(")");
                }
                _ => self.number(),
            }
            return;
        }
        match self.pick(6) {
            0 => {
                self.kw("kw_not");
                self.expr(depth - 1);
            }
            1 => {
                self.tok("-");
                self.tok("(");
                self.expr(depth - 1);
                self.tok(")");
            }
            2 => {
                self.tok("(");
                self.expr(depth - 1);
                self.tok(")");
            }
            3 => {
                self.kw("kw_if");
                self.expr(depth - 1);
                self.kw("kw_then");
                self.expr(depth - 1);
                self.kw("kw_else");
                self.expr(depth - 1);
            }
            _ => {
                self.expr(depth - 1);
                const OPS: &[&str] =
                    &["and", "or", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"];
                match OPS[self.pick(OPS.len())] {
                    "and" => self.kw("kw_and"),
                    "or" => self.kw("kw_or"),
                    op => self.tok(op),
                }
                self.expr(depth - 1);
            }
        }
    }

    fn sort_keys(&mut self) {
        for i in 0..1 + self.pick(3) {
            if i > 0 {
                self.tok(",");
            }
            self.expr(1);
            match self.pick(3) {
                0 => self.kw("kw_asc"),
                1 => self.kw("kw_desc"),
                _ => {}
            }
        }
    }

    fn criterion(&mut self, depth: usize) {
        let kind = if depth == 0 { 1 + self.pick(4) } else { self.pick(5) };
        let kw = ["kw_group", "kw_ratio", "kw_pass", "kw_each", "kw_formula"][kind];
        self.kw(kw);
        self.ident();
        self.opt_string();
        self.kw("kw_max");
        self.number();
        if self.chance(30) {
            self.kw("kw_weight");
            self.number();
        }
        self.basis();
        match kind {
            0 => {
                self.tok("{");
                for _ in 0..self.pick(3) {
                    self.criterion(depth - 1);
                }
                self.tok("}");
            }
            1 => {
                self.kw("kw_actual");
                self.expr(2);
                self.kw("kw_target");
                self.expr(2);
            }
            2 => {
                self.kw("kw_when");
                self.expr(3);
            }
            3 => {
                self.kw("kw_points");
                self.expr(1);
                self.kw("kw_per");
                self.expr(2);
            }
            _ => {
                self.tok("=");
                self.expr(3);
            }
        }
    }

    fn item(&mut self) {
        match self.pick(7) {
            0 => {
                self.kw("kw_param");
                self.ident();
                self.opt_string();
                self.tok(":");
                self.ident();
                self.tok("{");
                for _ in 0..self.pick(3) {
                    self.literal();
                    self.kw("kw_from");
                    self.tok("2024-01-01");
                    if self.chance(40) {
                        self.kw("kw_to");
                        self.tok("2024-12-31");
                    }
                    self.basis();
                }
                self.tok("}");
            }
            1 => {
                self.kw("kw_enum");
                self.ident();
                self.opt_string();
                self.tok("{");
                let ordered = self.chance(50);
                for i in 0..1 + self.pick(4) {
                    if i > 0 {
                        self.tok(if ordered { "<" } else { "," });
                    }
                    self.ident();
                    self.opt_string();
                }
                if !ordered && self.chance(30) {
                    self.tok(",");
                }
                self.tok("}");
            }
            2 => {
                self.kw("kw_entity");
                self.ident();
                self.opt_string();
                if self.chance(50) {
                    self.kw("kw_in");
                    self.ident();
                }
                self.tok("{");
                for _ in 0..self.pick(4) {
                    self.ident();
                    self.tok(":");
                    self.ident();
                    self.opt_string();
                    if self.chance(40) {
                        self.kw("kw_default");
                        if self.chance(50) { self.literal() } else { self.ident() }
                    }
                }
                self.tok("}");
            }
            3 => {
                self.kw("kw_scoring");
                self.ident();
                self.opt_string();
                self.kw("kw_for");
                self.ident();
                self.kw("kw_max");
                self.number();
                self.basis();
                self.tok("{");
                for _ in 0..self.pick(4) {
                    self.criterion(2);
                }
                for _ in 0..self.pick(3) {
                    self.either(50, "kw_bonus", "kw_penalty");
                    self.ident();
                    self.opt_string();
                    self.kw("kw_points");
                    self.expr(1);
                    self.either(50, "kw_when", "kw_per");
                    self.expr(2);
                    if self.chance(50) {
                        self.kw("kw_cap");
                        self.number();
                    }
                    self.basis();
                }
                for _ in 0..self.pick(3) {
                    self.kw("kw_grade");
                    self.ident();
                    self.opt_string();
                    if self.chance(70) {
                        self.kw("kw_from");
                        self.number();
                    } else {
                        self.kw("kw_otherwise");
                    }
                }
                if self.chance(50) {
                    self.kw("kw_rank");
                    self.kw("kw_within");
                    self.ident();
                    self.kw("kw_by");
                    self.sort_keys();
                }
                self.tok("}");
            }
            4 => {
                self.kw("kw_mark");
                self.ident();
                self.opt_string();
                self.kw("kw_for");
                self.ident();
                self.basis();
                self.kw("kw_when");
                self.expr(3);
            }
            5 => {
                self.kw("kw_extern");
                self.ident();
                self.opt_string();
                self.kw("kw_for");
                self.ident();
                self.basis();
            }
            _ => {
                self.either(50, "kw_title", "kw_commendation");
                self.ident();
                self.opt_string();
                self.kw("kw_for");
                self.ident();
                self.tok("{");
                for _ in 0..self.pick(7) {
                    match self.pick(7) {
                        0 => {
                            self.kw("kw_basis");
                            self.string();
                        }
                        1 => {
                            self.kw("kw_authority");
                            self.string();
                        }
                        2 | 3 => {
                            self.either(70, "kw_require", "kw_disqualify");
                            self.opt_string();
                            self.basis();
                            self.tok(":");
                            self.expr(4);
                        }
                        4 => {
                            self.kw("kw_quota");
                            if self.chance(50) {
                                self.tok("15%");
                            } else {
                                self.number();
                            }
                            if self.chance(40) {
                                self.kw("kw_of");
                                self.ident();
                            }
                            if self.chance(60) {
                                self.kw("kw_per");
                                self.ident();
                            }
                            if self.chance(60) {
                                self.kw("kw_by");
                                self.sort_keys();
                            }
                            if self.chance(30) {
                                self.kw("kw_round");
                                self.either(50, "kw_up", "kw_down");
                            }
                        }
                        5 => {
                            self.kw("kw_vote");
                            self.ident();
                            self.tok("80%");
                            self.kw("kw_of");
                            self.either(50, "kw_all", "kw_present");
                            match self.pick(3) {
                                0 => self.kw("kw_secret"),
                                1 => self.kw("kw_open"),
                                _ => {}
                            }
                        }
                        _ => {
                            self.kw("kw_reward");
                            self.expr(3);
                        }
                    }
                }
                self.tok("}");
            }
        }
    }
}

/// A rule set made from the choices on `tape`: every kind of declaration and expression,
/// each keyword in English or Vietnamese, tokens separated by spaces, line breaks, tabs and
/// comments. It parses, though it rarely checks.
fn generate(tape: &[u8]) -> String {
    let mut g = Gen { tape: tape.iter(), out: String::new() };
    g.kw("kw_ruleset");
    g.ident();
    g.string();
    for _ in 0..g.pick(4) {
        match g.pick(3) {
            0 => {
                g.kw("kw_cycle");
                g.tok("2025");
                if g.chance(50) {
                    g.kw("kw_from");
                    g.tok("2025-01-01");
                    g.kw("kw_to");
                    g.tok("2025-12-31");
                }
            }
            1 => {
                g.kw("kw_effective");
                g.kw("kw_from");
                g.tok("2025-01-01");
            }
            _ => {
                g.kw("kw_basis");
                g.string();
            }
        }
    }
    for _ in 0..1 + g.pick(6) {
        g.item();
    }
    g.out.push('\n');
    g.out
}

// ---------------------------------------------------------------------------------------
// The command line

fn thidua(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::cargo_bin("thidua").unwrap();
    cmd.current_dir(ROOT).env("NO_COLOR", "1").args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s);
    }
    cmd.output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn cli_check_passes_on_the_shipped_files() {
    let o = thidua(
        &[
            "fmt",
            "--check",
            "rules/vksnd_tinh.rules",
            "workflows/annual.wf",
            "workflows/bac_ninh.wf",
            "workflows/national_title.wf",
            "workflows/sector_flag.wf",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    assert_eq!(out(&o), "");
}

#[test]
fn cli_rewrites_lists_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("messy.rules");
    let tidy = dir.path().join("tidy.rules");
    std::fs::write(&messy, "ruleset a \"A\"   cycle 2025\nentity e {f: bool}\n").unwrap();
    std::fs::write(&tidy, "ruleset a \"A\"\n  cycle 2025\nentity e { f: bool }\n").unwrap();
    let (m, t) = (messy.to_str().unwrap(), tidy.to_str().unwrap());

    let o = thidua(&["fmt", "--check", m, t], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(out(&o), format!("{m}\n"), "only the messy file is listed");
    assert!(std::fs::read_to_string(&messy).unwrap().contains("   cycle"), "--check wrote");

    let o = thidua(&["fmt", m, t], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), format!("{m}\n"));
    assert_eq!(
        std::fs::read_to_string(&messy).unwrap(),
        "ruleset a \"A\"\n  cycle 2025\nentity e { f: bool }\n"
    );
    assert_eq!(thidua(&["fmt", "--check", m, t], None).status.code(), Some(0));

    // Converting: every file changes, and converts back.
    let o = thidua(&["fmt", "--lang", "vi", m], None);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&messy).unwrap(),
        "bộ quy tắc a \"A\"\n  kỳ 2025\nđối tượng e { f: bool }\n"
    );
    assert_eq!(thidua(&["fmt", "--check", m], None).status.code(), Some(0), "keeps Vietnamese");
    assert_eq!(thidua(&["fmt", "--check", "--lang", "en", m], None).status.code(), Some(1));
    thidua(&["fmt", "--lang", "en", m], None);
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), std::fs::read_to_string(&tidy).unwrap());
}

#[test]
fn cli_reports_a_file_that_does_not_parse_and_leaves_it() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.rules");
    let text = "bộ quy tắc a \"A\"\nđối tượng e {\n  f: bool\n";
    std::fs::write(&bad, text).unwrap();
    let o = thidua(&["fmt", "--error-format", "plain", bad.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), text, "file untouched");
    let stderr = err(&o).replace(bad.to_str().unwrap(), "bad.rules");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("fmt_cli_parse_error", stderr);
    });
}

#[test]
fn cli_formats_standard_input() {
    let o = thidua(&["fmt", "--lang", "vi"], Some("workflow w \"W\" for k\nnominate   by r\n"));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), "quy trình w \"W\" cho k\nđề nghị bởi r\n");
    let o = thidua(&["fmt", "--check", "-"], Some("ruleset a \"A\"\n"));
    assert_eq!((o.status.code(), out(&o)), (Some(0), String::new()));
    let o = thidua(&["fmt", "-", "rules/vksnd_tinh.rules"], None);
    assert_eq!(o.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------
// The TextMate grammar

#[test]
fn the_textmate_grammar_is_generated_from_the_keyword_table() {
    let path = Path::new(ROOT).join("editors/thidua.tmLanguage.json");
    let want = textmate_grammar();
    if std::env::var_os("UPDATE_EDITORS").is_some() && std::env::var_os("CI").is_none() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "editors/thidua.tmLanguage.json is not what the keyword table generates; regenerate it \
         with `UPDATE_EDITORS=1 cargo test --test integration fmt::the_textmate_grammar`"
    );
    let json: serde_json::Value = serde_json::from_str(&have).unwrap();
    assert_eq!(json["scopeName"], "source.thidua");
    let keywords = json["repository"]["keywords"]["patterns"].to_string();
    for k in KEYWORDS.iter().filter(|k| !k.is_phrase()) {
        for word in [k.en, k.vi] {
            let first = word.split(' ').next().unwrap();
            assert!(keywords.contains(first), "`{first}` is not in the grammar");
        }
    }
}
