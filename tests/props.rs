//! Property tests: parsing, checking and rendering never panic on any input, and every span
//! a diagnostic carries lies within its file and on character boundaries.
//!
//! Inputs are arbitrary Unicode text, sequences of the language's own tokens (which get much
//! further into the grammar than random text), and mutations of the shipped sample rule set
//! (deleted ranges, duplicated lines, inserted tokens, truncation). Each property runs a few
//! hundred cases, so the module stays well under 20 seconds in a debug build.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;
use thidua::check::check_source;
use thidua::diag::{Diagnostic, Format, SourceMap, Span, render};

/// The shipped sample rule set, the seed for mutations.
const SAMPLE: &str = include_str!("../rules/vksnd_tinh.rules");

/// A header that lets token soup reach the declarations.
const HEADER: &str = "ruleset t \"Kiểm thử\"\n  cycle 2025\n  basis \"Luật TĐKT 2022\"\n";

/// Words, punctuation and literals of the language, plus a few awkward strings.
const TOKENS: &[&str] = &[
    // Keywords.
    "ruleset",
    "cycle",
    "cycles",
    "effective",
    "from",
    "to",
    "basis",
    "param",
    "enum",
    "entity",
    "in",
    "default",
    "scoring",
    "for",
    "max",
    "weight",
    "group",
    "ratio",
    "pass",
    "each",
    "formula",
    "actual",
    "target",
    "when",
    "points",
    "per",
    "bonus",
    "penalty",
    "cap",
    "grade",
    "otherwise",
    "rank",
    "within",
    "by",
    "asc",
    "desc",
    "mark",
    "extern",
    "title",
    "commendation",
    "authority",
    "require",
    "disqualify",
    "quota",
    "of",
    "round",
    "up",
    "down",
    "vote",
    "all",
    "present",
    "secret",
    "open",
    "reward",
    "not",
    "and",
    "or",
    "if",
    "then",
    "else",
    "held",
    "consecutive",
    "last",
    "ever",
    "members",
    "share",
    "count",
    "any",
    "none",
    "sum",
    "true",
    "false",
    // Punctuation and operators.
    "{",
    "}",
    "(",
    ")",
    ":",
    ",",
    "<",
    "<=",
    "==",
    "!=",
    ">=",
    ">",
    "+",
    "-",
    "*",
    "/",
    "=",
    "%",
    "\"",
    // Literals.
    "\"nhãn\"",
    "\"a \\\" b\"",
    "2025-01-01",
    "2025-02-30",
    "9999-99-99",
    "80%",
    "150%",
    "0",
    "0.3",
    "2_340_000",
    "1000",
    "5000",
    "123456789012345678901234567890",
    // Names: built-ins, functions, sample names, Unicode.
    "x",
    "xep_loai",
    "HTXS",
    "HT",
    "can_bo",
    "don_vi",
    "cum",
    "score",
    "cycle_end",
    "cycle_start",
    "months_between",
    "min",
    "abs",
    "lao_dong_tien_tien",
    "luong_co_so",
    "integer",
    "percent",
    "money",
    "date",
    "bool",
    "text",
    "decimal",
    "xếp_loại",
    "headcount",
    // Trivia and oddities.
    "// chú thích\n",
    "#\n",
    "\n",
    "\t",
    "\u{FEFF}",
    "e\u{301}",
    "𝔘",
    "\r\n",
    "\\",
];

/// `cases` cases (or `PROPTEST_CASES`); a failing case is saved in `tests/props.regressions`
/// and replayed first on later runs (commit that file if it appears).
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    }
}

/// Parse and check `text`, then assert the properties every outcome must have.
fn check_and_verify(text: &str) {
    let mut sources = SourceMap::new();
    let result = check_source("prop.rules", text, &mut sources);
    let diags = match result {
        Ok(checked) => {
            assert!(checked.warnings.iter().all(|d| !d.is_error()), "an error among the warnings");
            checked.warnings
        }
        Err(diags) => {
            assert!(diags.iter().any(Diagnostic::is_error), "failed without an error");
            diags
        }
    };
    for d in &diags {
        assert_span_ok(text, d.span, d);
        for (span, _) in &d.related {
            assert_span_ok(text, *span, d);
        }
        assert!(!d.message.is_empty() && !d.message.contains('\n'), "bad message: {d:?}");
    }
    for format in [Format::Human, Format::Plain, Format::Json] {
        let out = render(&diags, &sources, format);
        if format == Format::Json {
            let v: serde_json::Value = serde_json::from_str(&out).expect("JSON output parses");
            assert_eq!(v.as_array().map(Vec::len), Some(diags.len()));
        } else if format == Format::Plain {
            assert!(!out.contains('\u{1b}'), "plain output holds an escape sequence");
        }
    }
}

fn assert_span_ok(text: &str, span: Span, d: &Diagnostic) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert_eq!(span.file.0, 0, "span in an unknown file: {d:?}");
    assert!(
        start <= end && end <= text.len(),
        "span {start}..{end} outside 0..{}: {d:?}",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "span {start}..{end} not on char boundaries: {d:?}"
    );
}

/// The byte offset of the `i`-th character boundary (the end of the text included).
fn boundary(text: &str, i: Index) -> usize {
    let n = text.chars().count() + 1;
    let k = i.index(n);
    text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).nth(k).unwrap_or(0)
}

/// One edit to a rule file.
#[derive(Clone, Debug)]
enum Mutation {
    /// Delete up to `len` characters from a character boundary.
    Delete(Index, usize),
    /// Repeat one line right after itself.
    DuplicateLine(Index),
    /// Insert a token, with a space either side or none.
    Insert(Index, &'static str, bool),
    /// Cut the text at a character boundary.
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), 1..200usize).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), prop::sample::select(TOKENS), any::<bool>())
            .prop_map(|(i, t, spaced)| Mutation::Insert(i, t, spaced)),
        any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut out = text.to_string();
    match m {
        Mutation::Delete(i, n) => {
            let start = boundary(text, *i);
            let rest = text.get(start..).unwrap_or("");
            let end = rest.char_indices().nth(*n).map_or(text.len(), |(b, _)| start + b);
            out.replace_range(start..end, "");
        }
        Mutation::DuplicateLine(i) => {
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            let k = i.index(lines.len().max(1));
            out = lines
                .iter()
                .enumerate()
                .flat_map(|(j, l)| if j == k { vec![*l, *l] } else { vec![*l] })
                .collect();
        }
        Mutation::Insert(i, token, spaced) => {
            let at = boundary(text, *i);
            let token = if *spaced { format!(" {token} ") } else { (*token).to_string() };
            out.insert_str(at, &token);
        }
        Mutation::Truncate(i) => out.truncate(boundary(text, *i)),
    }
    out
}

fn token_soup() -> impl Strategy<Value = String> {
    (prop::collection::vec(prop::sample::select(TOKENS), 0..80), any::<bool>(), any::<bool>())
        .prop_map(|(tokens, header, spaced)| {
            let body = tokens.join(if spaced { " " } else { "" });
            if header { format!("{HEADER}{body}") } else { body }
        })
}

/// A rule set with one of each kind of name, and holes for expressions in two scopes.
fn template(person: &str, unit: &str, reward: &str) -> String {
    format!(
        "{HEADER}\
param ty_le \"Tỷ lệ\": percent {{ 70% from 2024-01-01 }}
param luong_co_so \"Lương\": money {{ 2_340_000 from 2024-01-01 }}
enum xep_loai {{ KHT < HT < HTT < HTXS }}
enum gioi {{ nam, nu_ }}
entity cum \"Cụm\" {{ ten: text }}
entity don_vi \"Đơn vị\" in cum {{ mo_hinh: bool  so: integer }}
entity can_bo \"Cán bộ\" in don_vi {{
  xep_loai: xep_loai  gioi: gioi  nu: bool  so: integer  diem: decimal
  luong: money  ngay: date  ten: text
}}
scoring bang_diem for don_vi max 10 {{
  pass mo max 10 when mo_hinh
  grade tot from 5
  grade kem otherwise
  rank within cum by score desc
}}
mark htxs for can_bo when xep_loai == HTXS
extern bang_khen for can_bo
title ldtt for can_bo {{ basis \"b\" require: {person} }}
title tap_the for don_vi {{ basis \"b\" require: {unit} reward {reward} }}
"
    )
}

/// Well-formed expressions over the names of [`template`], of any type, right or wrong.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "xep_loai",
        "gioi",
        "nu",
        "so",
        "diem",
        "luong",
        "ngay",
        "ten",
        "mo_hinh",
        "HTXS",
        "HT",
        "nam",
        "nu_",
        "tot",
        "kem",
        "ty_le",
        "luong_co_so",
        "score",
        "grade",
        "rank",
        "cycle",
        "cycle_start",
        "cycle_end",
        "khong_co",
        "1",
        "0",
        "2.5",
        "80%",
        "2025-06-30",
        "\"chữ\"",
        "true",
        "false",
        "held ldtt",
        "held htxs for 2 consecutive cycles",
        "held tap_the in 5 of last 3 cycles",
        "ever held bang_khen",
        "held ldtt last cycle",
        "count(members)",
    ])
    .prop_map(String::from);
    leaf.prop_recursive(4, 24, 3, |inner| {
        let op = prop::sample::select(vec![
            "and", "or", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/",
        ]);
        let func = prop::sample::select(vec![
            "months_between",
            "years_between",
            "days_between",
            "min",
            "max",
            "abs",
            "round",
            "nope",
        ]);
        let agg = prop::sample::select(vec!["share", "count", "all", "any", "none", "sum"]);
        prop_oneof![
            (inner.clone(), op, inner.clone()).prop_map(|(a, o, b)| format!("{a} {o} {b}")),
            inner.clone().prop_map(|a| format!("not {a}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("({a})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("if {c} then {a} else {b}")),
            (func, prop::collection::vec(inner.clone(), 0..3))
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            (agg, inner).prop_map(|(g, a)| format!("{g}(members, {a})")),
        ]
    })
}

proptest! {
    #![proptest_config(config(512))]

    /// Any Unicode text: an outcome, never a panic.
    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_and_verify(&text);
    }

    /// Any text after a valid header, to get past the header rule.
    #[test]
    fn arbitrary_text_after_a_header_never_panics(body in "\\PC{0,200}") {
        check_and_verify(&format!("{HEADER}{body}"));
    }

    /// Sequences of the language's tokens reach deep into the grammar and the checker.
    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        check_and_verify(&text);
    }
}

proptest! {
    #![proptest_config(config(384))]

    /// Well-formed expressions of every type in both scopes drive the type checker.
    #[test]
    fn random_expressions_never_panic(a in expression(), b in expression(), c in expression()) {
        check_and_verify(&template(&a, &b, &c));
    }

    /// Edits of the shipped sample: Ok, or located diagnostics that render in every format.
    #[test]
    fn mutated_sample_never_panics(mutations in prop::collection::vec(mutation(), 1..4)) {
        let text = mutations.iter().fold(SAMPLE.to_string(), |t, m| apply(&t, m));
        check_and_verify(&text);
    }
}

/// The template of the expression property checks clean with simple expressions in it.
#[test]
fn the_expression_template_checks() {
    let text = template("nu", "any(members, held ldtt)", "luong_co_so");
    let mut sources = SourceMap::new();
    let result = check_source("t.rules", &text, &mut sources);
    assert!(
        result.is_ok(),
        "{}",
        render(&result.err().unwrap_or_default(), &sources, Format::Plain)
    );
}

/// The unmutated sample satisfies the same properties (and checks clean).
#[test]
fn the_sample_itself_verifies() {
    check_and_verify(SAMPLE);
    let mut sources = SourceMap::new();
    assert!(check_source("s.rules", SAMPLE, &mut sources).is_ok());
}

/// A named way of nesting `n` levels deep, as a rule file's text.
type Shape = (&'static str, fn(usize) -> String);

/// Deep nesting is an error at the place it gets too deep, not a stack overflow. Every shape
/// the lowering and checker recurse over is tried, at the limit and far beyond it.
#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let shapes: [Shape; 5] = [
        ("not", |n| format!("mark m for a when {}nu", "not ".repeat(n))),
        ("neg", |n| format!("mark m for a when {}1 > 0", "- ".repeat(n))),
        ("brackets", |n| format!("mark m for a when {}nu{}", "(".repeat(n), ")".repeat(n))),
        ("and", |n| format!("mark m for a when {}", vec!["nu"; n].join(" and "))),
        ("groups", |n| {
            let open: String = (0..n).map(|i| format!("group g{i} max 1 {{ ")).collect();
            format!("scoring s for a max 1 {{ {open}pass p max 1 when nu {}}}", "} ".repeat(n))
        }),
    ];
    for (name, shape) in shapes {
        let text = |n| format!("{HEADER}entity a {{ nu: bool }}\n{}\n", shape(n));
        // Well within the limit: no `too_deep`.
        let mut sources = SourceMap::new();
        if let Err(d) = check_source("deep.rules", &text(100), &mut sources) {
            assert!(d.iter().all(|d| d.code != "parse::too_deep"), "{name} at 100: {d:?}");
        }
        for n in [300, 5_000, 100_000] {
            let t = text(n);
            let mut sources = SourceMap::new();
            let d = check_source("deep.rules", &t, &mut sources).expect_err("too deep to check");
            assert_eq!(d.len(), 1, "{name} at {n}");
            assert_eq!(d[0].code, "parse::too_deep", "{name} at {n}: {}", d[0].message);
            assert_span_ok(&t, d[0].span, &d[0]);
        }
    }
}

/// Rendering never panics on spans at the very end of a file or on empty files.
#[test]
fn rendering_handles_edge_positions() {
    for text in
        ["", "\n", "ruleset", "ruleset t", "ruleset t \"", "ruleset t \"x\" cycle", "\u{FEFF}"]
    {
        check_and_verify(text);
    }
}
