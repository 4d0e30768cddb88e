//! The fast parser keeps the law: whatever it reads, pest and lowering read the same, node for
//! node and span for span. Checked on every rule file of the repository (and each in the other
//! keyword set), on the generated 1,000-award file, on mutants of them, and on deep nesting.

use std::path::{Path, PathBuf};

use pest::Parser as _;
use proptest::prelude::*;

use super::lex;
use crate::ast::File;
use crate::diag::FileId;
use crate::fmt::{Syntax, format};
use crate::lang::Lang;
use crate::syntax::keywords::{KEYWORDS, entry};
use crate::syntax::{Rule, RulesParser, parse_rules_pest};

#[path = "../../../benches/common/awards1000.rs"]
mod awards1000;

const W1_RULES: &str = include_str!("../../../benches/peers/workloads/w1.rules");

/// Apply the law to `text`: returns whether the fast path read it.
fn law(name: &str, text: &str) -> bool {
    let file = FileId(3);
    let Some(fast) = super::parse(text, file) else { return false };
    match parse_rules_pest(text, file) {
        Ok(slow) => assert_same(name, text, &fast, &slow),
        Err(d) => panic!("{name}: the fast path read what pest rejects ({d:?}):\n{text}"),
    }
    true
}

/// Equal trees, or the first item that differs.
fn assert_same(name: &str, text: &str, fast: &File, slow: &File) {
    if fast == slow {
        return;
    }
    assert_eq!(fast.header, slow.header, "{name}: headers differ");
    assert_eq!(fast.items.len(), slow.items.len(), "{name}: item counts differ");
    for (a, b) in fast.items.iter().zip(&slow.items) {
        assert_eq!(a, b, "{name}: items differ in:\n{text}");
    }
}

/// The `.rules` files of the repository: sample rules, test cases, the committed fuzz seeds
/// and the peer workloads.
fn repo_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["rules", "tests", "fuzz/corpus/rules", "benches/peers/workloads", "examples"] {
        collect(&root.join(dir), &mut paths);
    }
    paths.sort();
    let mut files: Vec<(String, String)> = paths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect();
    assert!(files.len() > 100, "found only {} rule files", files.len());
    files.push((String::from("awards1000"), awards1000::rules_text(W1_RULES).unwrap()));
    files
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries {
        let path = e.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|x| x == "rules") {
            out.push(path);
        }
    }
}

/// Every valid rule file of the repository is read by the fast path, to the same tree, in
/// its own keyword set and in the other; every invalid one is left to pest.
#[test]
fn the_fast_path_reads_every_valid_repository_file_as_pest_does() {
    let mut valid = 0;
    for (name, text) in repo_files() {
        let fast = law(&name, &text);
        let pest_ok = parse_rules_pest(&text, FileId(3)).is_ok();
        assert_eq!(fast, pest_ok, "{name}: fast path {fast}, pest {pest_ok}");
        if !pest_ok {
            continue;
        }
        valid += 1;
        for lang in [Lang::En, Lang::Vi] {
            let other = format(&text, Syntax::Rules, Some(lang), FileId(0)).unwrap().text;
            let label = format!("{name} ({lang:?})");
            assert!(law(&label, &other), "{label}: not read by the fast path");
        }
    }
    assert!(valid > 50, "only {valid} valid files");
}

/// Deep nesting up to the fast path's limit is read; past it, pest decides (and past its own
/// limit, reports it). On a large stack: pest's path, not the fast one, overflows a test
/// thread's 2 MiB at 254 brackets in a debug build.
#[test]
fn nesting_at_and_past_the_limit() {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(nesting_shapes)
        .unwrap()
        .join()
        .unwrap();
}

fn nesting_shapes() {
    let header = "ruleset r \"R\"\nentity a { nu: bool }\n";
    let shapes: [fn(usize) -> String; 6] = [
        |n| format!("mark m for a when {}nu", "not ".repeat(n - 1)),
        |n| format!("mark m for a when {}1 > 0", "- ".repeat(n - 2)),
        |n| format!("mark m for a when {}nu{}", "(".repeat(n - 1), ")".repeat(n - 1)),
        |n| format!("mark m for a when {}", vec!["nu"; n].join(" and ")),
        |n| format!("mark m for a when {}", vec!["(nu or nu)"; n / 2].join(" and ")),
        |n| {
            let open: String = (0..n - 1).map(|i| format!("group g{i} max 1 {{ ")).collect();
            format!("scoring s for a max 1 {{ {open}pass p max 1 when nu {}}}", "} ".repeat(n - 1))
        },
    ];
    for shape in shapes {
        for n in [2, 100, 126, 127, 128, 129, 130, 250, 254, 255, 256, 257, 258, 300, 1000] {
            let text = format!("{header}{}\n", shape(n));
            law(&format!("depth {n}"), &text);
        }
    }
    // At its limit exactly, the fast path still reads it; one more level, and pest does.
    let nots = |n| format!("{header}mark m for a when {}nu\n", "not ".repeat(n));
    assert!(law("127 nots", &nots(super::NESTING - 1)));
    assert!(!law("128 nots", &nots(super::NESTING)));
    assert!(parse_rules_pest(&nots(super::NESTING), FileId(3)).is_ok());
}

/// The fast path alone stays within a 2 MiB stack however deep the text nests, in a debug
/// build too: it gives up at its limit before the stack runs out.
#[test]
fn the_fast_path_is_stack_safe() {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let header = "ruleset r \"R\"\nentity a { nu: bool }\n";
            for n in [super::NESTING, 300, 100_000] {
                let groups: String = (0..n).map(|i| format!("group g{i} max 1 {{ ")).collect();
                for text in [
                    format!("{header}mark m for a when {}nu", "not ".repeat(n)),
                    format!("{header}mark m for a when {}1 > 0", "- ".repeat(n)),
                    format!("{header}mark m for a when {}nu{}", "(".repeat(n), ")".repeat(n)),
                    format!("{header}mark m for a when {}", vec!["nu"; n].join(" and ")),
                    format!("{header}mark m for a when {}nu", "f(".repeat(n)),
                    format!("{header}mark m for a when {}nu", "if a then b else ".repeat(n)),
                    format!("{header}scoring s for a max 1 {{ {groups}pass p max 1 when nu"),
                ] {
                    let read = super::parse(&text, FileId(0)).is_some();
                    assert!(!read || n == super::NESTING, "{n} levels read");
                }
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

/// Texts around the edges of tokens: each obeys the law, and the valid ones are read.
#[test]
fn edge_cases_obey_the_law() {
    let header = "ruleset r \"R\"\n";
    let bodies = [
        "",
        "# only a comment",
        "// comment\n",
        "entity a { x: int default 1 }",
        "entity a { x: int default 1_000.5 }",
        "entity a { x: int default 1. }",
        "entity a { x: int default 10% }",
        "entity a { x: int default 2025-02-30 }",
        "entity a { x: int default 2025-02-03x }",
        "entity a { x: int default 99999999999999999999999999999999 }",
        "entity a { x: e default HT # trailing\n}",
        "entity a { x: text \"a\\\"b\\\\c\\nd\" }",
        "entity a { x: text \"a\\tb\" }",
        "entity a \"x\" in b { }",
        "enum e { A }",
        "enum e { A, }",
        "enum e { A, B, }",
        "enum e { A < B < C }",
        "enum e { A < B, C }",
        "enum e { A \"a\" < B \"b\" }",
        "mark m for a when held x for 3 consecutive cycles",
        "mark m for a when held x for 3 consecutive cycles and y",
        "mark m for a when held x in 2 of last 5 cycles",
        "mark m for a when held x in 2 of last 5000 cycles",
        "mark m for a when held x last cycle",
        "mark m for a when đạt x trong 3 kỳ liên tiếp",
        "mark m for a when đạt x 2 lần trong 5 kỳ gần nhất",
        "mark m for a when đạt x kỳ trước",
        "mark m for a when held x cho 3 consecutive cycles",
        "mark m for a when held x\n  for\n 3 // c\n consecutive cycles",
        "mark m for a when không ai(thành viên, x)",
        "mark m for a when không  \t ai(thành viên)",
        "mark m for a when không a",
        "mark m for a when không_ai",
        "mark m for a when count(x)",
        "mark m for a when count(members)",
        "mark m for a when count (members, x > 1)",
        "mark m for a when round(x, 2) >= 1",
        "mark m for a when f()",
        "mark m for a when f(,)",
        "mark m for a when a - -b * not c == d or e and f",
        "mark m for a when not a == b and - c < d",
        "mark m for a when a * not b + c",
        "mark m for a when not not x",
        "mark m for a when - - x",
        "mark m for a when not - x",
        "mark m for a when a + b * c - d / e",
        "mark m for a when a or b and c or d",
        "mark m for a when (a) * (b + c) // x",
        "mark m for a when if a then b else c + 1",
        "mark m for a when ever held x",
        "mark m for a when từng đạt x",
        "mark m for a when x >= 2025-01-01",
        "mark m for a when \"s\" == x",
        "mark m for a when a / /b",
        "mark m for a when a //b\n",
        "mark m for a when a \u{FEFF} and b",
        "\u{FEFF}mark m for a when a",
        "mark m for a when a\r\n",
        "mark m for a when a\u{0301}",
        "mark m for a when a\u{00A0}",
        "mark m for a when e\u{0301}",
        "mark m for a when \u{0301}e",
        "mark m for a when ⓐ",
        "mark m for a when x²",
        "mark m for a when theo",
        "mark m for a when theo_x",
        "title t for a { quota 1 by score round up }",
        "title t for a { quota 15% of x per y by s desc, t asc round down }",
        "title t for a { quota 1 theo score }",
        "title t for a { quota 1 theo lần }",
        "title t for a { vote council 80% of all secret }",
        "title t for a { vote council 2 of present open reward 1 }",
        "title t for a { require: x disqualify \"d\" basis \"b\": y authority \"z\" }",
        "title t for a { basis \"b\" basis \"c\" }",
        "commendation c \"C\" for a {}",
        "scoring s for a max 100 { group g max 50 weight 2 basis \"b\" { pass p max 1 when x } }",
        "scoring s for a max 100 { ratio r max 5 actual a target b each e max 5 points 1 per n }",
        "scoring s for a max 100 { formula f max 5 = a + b bonus b points 1 when x cap 3 basis \"q\" }",
        "scoring s for a max 100 { penalty p points 1 per x grade g from 90 grade h otherwise }",
        "scoring s for a max 100 { rank within b by score desc, x }",
        "scoring s for a max 100 { formula f max 5 == a }",
        "param p: money { 1 from 2025-01-01 to 2025-12-31 basis \"b\" 2 from 2026-01-01 }",
        "param p \"P\": bool { true from 2025-01-01 false from 2026-01-01 }",
        "param p: date { 2025-01-01 from 2025-01-01 }",
        "param p: text { \"x\" from 2025-01-01 }",
        "cycle 2025",
    ];
    for body in bodies {
        let text = format!("{header}{body}\n");
        let fast = law(body, &text);
        let pest = parse_rules_pest(&text, FileId(3)).is_ok();
        // Every valid one is read, but where a byte-order mark stands past the start.
        assert_eq!(fast, pest && !body.contains('\u{FEFF}'), "{}", body.escape_debug());
    }
    for text in [
        "ruleset r \"R\" cycle 2025 from 2025-01-01 to 2025-12-31 effective from 2025-01-01",
        "ruleset r \"R\" cycle 99999999999",
        "ruleset r \"R\" cycle 2025 from 2025-01-01",
        "bộ quy tắc r \"R\" kỳ 2025 hiệu lực từ 2025-01-01 căn cứ \"b\"",
        "bộ  quy\ttắc r \"R\"",
        "bộ quy\ntắc r \"R\"",
        "",
        "ruleset",
        "ruleset r",
        "ruleset r \"R",
    ] {
        law(text, text);
    }
}

/// The keyword spellings here are those of the keyword table, rule by rule.
#[test]
fn keyword_spellings_match_the_table() {
    let pairs: [(Rule, lex::Kw); 64] = [
        (Rule::kw_ruleset, lex::RULESET),
        (Rule::kw_cycle, lex::CYCLE),
        (Rule::kw_effective, lex::EFFECTIVE),
        (Rule::kw_from, lex::FROM),
        (Rule::kw_to, lex::TO),
        (Rule::kw_basis, lex::BASIS),
        (Rule::kw_param, lex::PARAM),
        (Rule::kw_enum, lex::ENUM),
        (Rule::kw_entity, lex::ENTITY),
        (Rule::kw_in, lex::IN),
        (Rule::kw_default, lex::DEFAULT),
        (Rule::kw_scoring, lex::SCORING),
        (Rule::kw_for, lex::FOR),
        (Rule::kw_max, lex::MAX),
        (Rule::kw_weight, lex::WEIGHT),
        (Rule::kw_group, lex::GROUP),
        (Rule::kw_ratio, lex::RATIO),
        (Rule::kw_pass, lex::PASS),
        (Rule::kw_each, lex::EACH),
        (Rule::kw_formula, lex::FORMULA),
        (Rule::kw_actual, lex::ACTUAL),
        (Rule::kw_target, lex::TARGET),
        (Rule::kw_when, lex::WHEN),
        (Rule::kw_points, lex::POINTS),
        (Rule::kw_per, lex::PER),
        (Rule::kw_bonus, lex::BONUS),
        (Rule::kw_penalty, lex::PENALTY),
        (Rule::kw_cap, lex::CAP),
        (Rule::kw_grade, lex::GRADE),
        (Rule::kw_otherwise, lex::OTHERWISE),
        (Rule::kw_rank, lex::RANK),
        (Rule::kw_within, lex::WITHIN),
        (Rule::kw_by, &["by", "theo"]),
        (Rule::kw_asc, lex::ASC),
        (Rule::kw_desc, lex::DESC),
        (Rule::kw_mark, lex::MARK_KW),
        (Rule::kw_extern, lex::EXTERN),
        (Rule::kw_title, lex::TITLE),
        (Rule::kw_commendation, lex::COMMENDATION),
        (Rule::kw_authority, lex::AUTHORITY),
        (Rule::kw_require, lex::REQUIRE),
        (Rule::kw_disqualify, lex::DISQUALIFY),
        (Rule::kw_quota, lex::QUOTA),
        (Rule::kw_of, lex::OF),
        (Rule::kw_round, lex::ROUND),
        (Rule::kw_up, lex::UP),
        (Rule::kw_down, lex::DOWN),
        (Rule::kw_vote, lex::VOTE),
        (Rule::kw_all, lex::ALL),
        (Rule::kw_present, lex::PRESENT),
        (Rule::kw_secret, lex::SECRET),
        (Rule::kw_open, lex::OPEN),
        (Rule::kw_reward, lex::REWARD),
        (Rule::kw_not, &["not", "không"]),
        (Rule::kw_and, lex::AND),
        (Rule::kw_or, lex::OR),
        (Rule::kw_if, lex::IF),
        (Rule::kw_then, lex::THEN),
        (Rule::kw_else, lex::ELSE),
        (Rule::kw_held, lex::HELD),
        (Rule::kw_ever, lex::EVER),
        (Rule::kw_members, lex::MEMBERS),
        (Rule::kw_share, lex::SHARE),
        (Rule::kw_count, lex::COUNT),
    ];
    let more: [(Rule, lex::Kw); 6] = [
        (Rule::kw_every, lex::EVERY),
        (Rule::kw_any, lex::ANY),
        (Rule::kw_none, lex::NONE),
        (Rule::kw_sum, lex::SUM),
        (Rule::kw_true, lex::TRUE),
        (Rule::kw_false, lex::FALSE),
    ];
    let mut seen = 0;
    for (rule, spellings) in pairs.iter().chain(&more) {
        let k = entry(*rule).unwrap();
        assert_eq!(*spellings, [k.en, k.vi], "{rule:?}");
        seen += 1;
    }
    // Every keyword of the rules language (not workflows, not history-window phrases).
    let rules_language =
        KEYWORDS.iter().filter(|k| format!("{:?}", k.rule).starts_with("kw_")).count();
    assert_eq!(seen, rules_language);
}

/// Every aggregate's spelling starts with one of the heads the parser looks for first.
#[test]
fn aggregate_heads_cover_every_spelling() {
    for (spellings, _) in super::expr::AGGREGATES {
        for s in spellings {
            let head = s.as_bytes().get(..2).unwrap();
            assert!(super::expr::AGGREGATE_HEADS.iter().any(|h| h == head), "`{s}`");
        }
    }
}

/// Probes around every keyword: the words, their beginnings, each followed by letters,
/// digits, spaces, tabs, line breaks or brackets, and pairs of words.
fn probes() -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for k in KEYWORDS {
        for s in [k.en, k.vi] {
            let s = s.replace("{n}", "5").replace("{k}", "2");
            let chars: Vec<char> = s.chars().collect();
            words.extend((1..=chars.len()).map(|n| chars.iter().take(n).collect::<String>()));
            words.extend(s.split(' ').map(String::from));
        }
    }
    words.sort();
    words.dedup();
    let tails =
        ["", "x", "_", "1", "ữ", "\u{0301}", "²", " ", "\t", "\n", "(", " \t x", " ai", " lần"];
    let mut out = Vec::new();
    for w in &words {
        out.extend(tails.iter().map(|t| format!("{w}{t}")));
        for v in ["ai", "lần", "số", "quy tắc", "x"] {
            out.push(format!("{w} {v}"));
            out.push(format!("{w}\t {v}x"));
        }
    }
    out
}

/// The reserved-word test and the name reader agree with pest's `keyword` and `ident`.
#[test]
fn names_and_reserved_words_match_the_grammar() {
    for probe in probes() {
        let mut p = super::Parser::new(&probe, FileId(0));
        assert_eq!(
            p.reserved_at(0),
            RulesParser::parse(Rule::keyword, &probe).is_ok(),
            "keyword `{}`",
            probe.escape_debug()
        );
        let fast = p.ident_range().map(|(_, end)| end);
        let pest = RulesParser::parse(Rule::ident, &probe)
            .ok()
            .and_then(|mut p| p.next())
            .map(|p| p.as_str().len());
        assert_eq!(fast, pest, "ident `{}`", probe.escape_debug());
    }
}

/// Every keyword rule matches where pest's does, to the same end.
#[test]
fn keywords_match_the_grammar() {
    type Matcher = fn(&mut super::Parser<'_>) -> super::R<usize>;
    let rules: [(Rule, Matcher); 8] = [
        (Rule::kw_by, |p| p.kw_by()),
        (Rule::kw_not, |p| p.kw_not()),
        (Rule::kw_each, |p| p.kw(lex::EACH)),
        (Rule::kw_none, |p| p.kw(lex::NONE)),
        (Rule::kw_all, |p| p.kw(lex::ALL)),
        (Rule::kw_sum, |p| p.kw(lex::SUM)),
        (Rule::kw_max, |p| p.kw(lex::MAX)),
        (Rule::kw_cycle, |p| p.kw(lex::CYCLE)),
    ];
    for probe in probes() {
        for (rule, f) in &rules {
            let mut p = super::Parser::new(&probe, FileId(0));
            let fast = f(&mut p).map(|_| p.pos);
            let pest = RulesParser::parse(*rule, &probe)
                .ok()
                .and_then(|mut p| p.next())
                .map(|p| p.as_str().len());
            assert_eq!(fast, pest, "{rule:?} `{}`", probe.escape_debug());
        }
    }
}

/// Fragments a mutation inserts: tokens of both keyword sets, punctuation, and the characters
/// where the grammar is subtle.
const FRAGMENTS: &[&str] = &[
    " ",
    "\n",
    "\t",
    "\r",
    "#",
    "//",
    "/",
    "\"",
    "\\",
    "\\n",
    "(",
    ")",
    "{",
    "}",
    ",",
    ":",
    "<",
    "<=",
    "==",
    "=",
    "!=",
    ">",
    "-",
    "+",
    "*",
    "%",
    ".",
    "_",
    "0",
    "7",
    "2025-01-01",
    "2025-02-30",
    "1_000",
    "0.5",
    "80%",
    "and",
    "or",
    "not",
    "không",
    "không ai",
    "và",
    "hoặc",
    "held",
    "đạt",
    "for",
    "in",
    "of",
    "last",
    "cycles",
    "consecutive",
    "cycle",
    "trong",
    "kỳ",
    "lần",
    "kỳ liên tiếp",
    "kỳ gần nhất",
    "kỳ trước",
    "if",
    "then",
    "else",
    "members",
    "thành viên",
    "count",
    "share",
    "all",
    "tổng",
    "tổng số",
    "theo",
    "theo lần",
    "by",
    "round",
    "up",
    "desc",
    "require",
    "yêu cầu",
    "group",
    "nhóm",
    "max",
    "tối đa",
    "x",
    "ữ",
    "\u{0301}",
    "\u{FEFF}",
    "ⓐ",
    "true",
    "sai",
    "title",
    "entity",
    "enum",
    "param",
    "ruleset",
    "bộ quy tắc",
];

/// A mutation: where (a fraction of the text), how long, and what to do.
#[derive(Clone, Debug)]
enum Mutation {
    Delete(f64, usize),
    Insert(f64, usize),
    Duplicate(f64, usize),
    Swap(f64, f64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0..1.0f64, 1..12usize).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (0.0..1.0f64, 0..FRAGMENTS.len()).prop_map(|(a, i)| Mutation::Insert(a, i)),
        (0.0..1.0f64, 1..40usize).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
        (0.0..1.0f64, 0.0..1.0f64).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ]
}

/// Apply a mutation to the text as characters, so that it stays UTF-8.
fn mutate(text: &str, m: &Mutation) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let at = |f: f64, len: usize| ((f * len as f64) as usize).min(len);
    match *m {
        Mutation::Delete(a, n) => {
            let i = at(a, chars.len());
            let j = (i + n).min(chars.len());
            chars.drain(i..j);
        }
        Mutation::Insert(a, k) => {
            let i = at(a, chars.len());
            let frag: Vec<char> = FRAGMENTS[k].chars().collect();
            chars.splice(i..i, frag);
        }
        Mutation::Duplicate(a, n) => {
            let i = at(a, chars.len());
            let j = (i + n).min(chars.len());
            let copy: Vec<char> = chars[i..j].to_vec();
            chars.splice(j..j, copy);
        }
        Mutation::Swap(a, b) => {
            // Swap the words (runs of letters) at two places.
            let words = word_ranges(&chars);
            if words.len() >= 2 {
                let x = words[at(a, words.len() - 1)];
                let y = words[at(b, words.len() - 1)];
                let (x, y) = if x.0 <= y.0 { (x, y) } else { (y, x) };
                if x.1 <= y.0 {
                    let wx: Vec<char> = chars[x.0..x.1].to_vec();
                    let wy: Vec<char> = chars[y.0..y.1].to_vec();
                    chars.splice(y.0..y.1, wx);
                    chars.splice(x.0..x.1, wy);
                }
            }
        }
    }
    chars.into_iter().collect()
}

fn word_ranges(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_alphanumeric() || chars[i] == '_' {
            let s = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}

/// Small seeds for mutation: the valid repository files under 6 KB, in both keyword sets.
fn seeds() -> Vec<String> {
    let mut out = Vec::new();
    for (_, text) in repo_files() {
        if text.len() > 6000 || parse_rules_pest(&text, FileId(0)).is_err() {
            continue;
        }
        out.push(format(&text, Syntax::Rules, Some(Lang::Vi), FileId(0)).unwrap().text);
        out.push(text);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Mutants of valid files (bytes deleted, inserted or duplicated, words swapped) obey the law.
    #[test]
    fn mutants_obey_the_law(
        seed in any::<proptest::sample::Index>(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        static SEEDS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(seeds);
        let mut text = seed.get(&SEEDS).clone();
        for m in &mutations {
            text = mutate(&text, m);
        }
        law("mutant", &text);
    }
}

/// The whole fuzzing corpus (`fuzz/corpus/rules`, some 19,000 files, not committed; or the
/// directory `RULES_CORPUS` names) obeys the law; prints how many files pest reads and how
/// many of those the fast path reads, and which it leaves to pest for another reason than a
/// byte-order mark (nesting past its limit, say). Run with
/// `cargo test --lib corpus_obeys_the_law -- --ignored --nocapture`.
#[test]
#[ignore = "needs the fuzzing corpus; minutes"]
fn corpus_obeys_the_law() {
    std::thread::Builder::new().stack_size(256 << 20).spawn(corpus_law).unwrap().join().unwrap();
}

fn corpus_law() {
    let dir = std::env::var_os("RULES_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/rules"),
        PathBuf::from,
    );
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    let (mut utf8, mut pest_ok, mut fast_ok) = (0, 0, 0);
    // Valid files the fast path leaves to pest for another reason than a byte-order mark.
    let mut missed = Vec::new();
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        utf8 += 1;
        let fast = law(&path.display().to_string(), &text);
        if parse_rules_pest(&text, FileId(3)).is_ok() {
            pest_ok += 1;
            fast_ok += usize::from(fast);
            if !fast && !text.trim_start_matches('\u{FEFF}').contains('\u{FEFF}') {
                missed.push(path.display().to_string());
            }
        }
    }
    let report = format!(
        "corpus: {} files, {utf8} UTF-8, pest reads {pest_ok}, the fast path {fast_ok} of those; \
         left to pest without a byte-order mark past the start: {}\n{}\n",
        paths.len(),
        missed.len(),
        missed.join("\n")
    );
    std::io::Write::write_all(&mut std::io::stderr(), report.as_bytes()).unwrap();
}
