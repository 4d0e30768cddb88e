//! The keyword table and the grammar agree: every entry parses as its rule in both languages,
//! every keyword rule has an entry, and no short keyword swallows a longer one.

use pest::Parser as _;
use unicode_normalization::UnicodeNormalization as _;

use super::{KEYWORDS, Keyword, PHRASE_PARTS, entry};
use crate::lang::Lang;
use crate::syntax::{Rule, RulesParser};

/// A spelling with its numbers filled in: `for 3 consecutive cycles`.
fn example(spelling: &str) -> String {
    spelling.replace("{n}", "5").replace("{k}", "2")
}

/// How much of `text` the rule matches, if any.
fn matched(rule: Rule, text: &str) -> Option<usize> {
    RulesParser::parse(rule, text).ok().and_then(|mut p| p.next()).map(|p| p.as_str().len())
}

#[test]
fn every_entry_parses_as_its_rule_in_both_languages() {
    for k in KEYWORDS {
        for lang in [Lang::En, Lang::Vi] {
            let text = example(k.spelling(lang));
            assert_eq!(
                matched(k.rule, &text),
                Some(text.len()),
                "`{text}` ({lang:?}) does not parse as {:?}",
                k.rule
            );
            // Words of a keyword may be separated by tabs or several spaces too…
            let spaced = text.replace(' ', " \t ");
            assert_eq!(matched(k.rule, &spaced), Some(spaced.len()), "`{spaced}`");
        }
    }
}

#[test]
fn multi_word_keywords_do_not_span_lines() {
    for k in KEYWORDS.iter().filter(|k| !k.is_phrase() && k.vi.contains(' ')) {
        let broken = k.vi.replacen(' ', "\n", 1);
        assert_ne!(matched(k.rule, &broken), Some(broken.len()), "`{broken}` parsed");
    }
}

#[test]
fn every_keyword_rule_of_the_grammar_is_in_the_table() {
    for rule in Rule::all_rules() {
        let name = format!("{rule:?}");
        let is_keyword = ["kw_", "wf_kw_", "wf_day_", "vi_"].iter().any(|p| name.starts_with(p))
            || name == "wf_workflow";
        if is_keyword {
            assert!(
                entry(*rule).is_some() || PHRASE_PARTS.contains(rule),
                "{name} is neither in KEYWORDS nor in PHRASE_PARTS"
            );
        }
    }
}

#[test]
fn no_rule_has_two_entries() {
    let mut seen = std::collections::BTreeSet::new();
    for k in KEYWORDS {
        assert!(seen.insert(k.rule), "{:?} twice", k.rule);
    }
}

#[test]
fn spellings_are_composed_unicode() {
    for k in KEYWORDS {
        for s in [k.en, k.vi] {
            assert_eq!(s.nfc().collect::<String>(), s, "`{s}` is not NFC");
            assert!(!s.contains("  ") && s.trim() == s, "`{s}`: one space between words");
        }
    }
}

/// Pairs where a keyword is the first word(s) of a longer one that can never be tried at the
/// same place, so the shorter one matching a prefix does no harm.
const NEVER_TOGETHER: &[(Rule, Rule, &str)] = &[
    (Rule::kw_for, Rule::win_consecutive, "the English window starts with `for` itself"),
    (Rule::kw_in, Rule::win_of_last, "the English window starts with `in` itself"),
    (
        Rule::kw_not,
        Rule::wf_kw_fail,
        "`không đạt` ends a workflow vote; in a condition it is `not held`",
    ),
    (Rule::kw_not, Rule::wf_kw_failed, "`không thông qua` follows `khi` of a transition"),
    (Rule::kw_not, Rule::wf_exclude, "a vote option, where no condition is written"),
    (Rule::kw_when, Rule::wf_kw_tie, "`khi hòa` is a vote option; `khi` a transition's guard"),
    (Rule::kw_when, Rule::wf_kw_on_enter, "hook points and conditions never meet"),
    (Rule::kw_when, Rule::wf_kw_on_exit, "hook points and conditions never meet"),
    (Rule::wf_kw_on, Rule::wf_kw_tie, "`on` is a transition option, `tie` a vote option"),
    (Rule::wf_kw_on, Rule::wf_kw_on_enter, "`on` is a transition option, `on_enter` a hook point"),
    (Rule::wf_kw_on, Rule::wf_kw_on_exit, "`on` is a transition option, `on_exit` a hook point"),
    (Rule::kw_by, Rule::wf_kw_award, "`theo khen thưởng` follows `ngưỡng`, not an ordering"),
    (Rule::kw_sum, Rule::kw_all, "`tổng(` is an aggregate; `tổng số` follows `trên` in a vote"),
    (Rule::kw_cycle, Rule::win_last, "`kỳ` is a header statement; `kỳ trước` follows `đạt X`"),
    (Rule::kw_within, Rule::win_consecutive, "`trong N kỳ liên tiếp` follows `đạt X`"),
    (Rule::wf_kw_within, Rule::win_consecutive, "workflow bodies hold no conditions"),
];

#[test]
fn no_keyword_swallows_a_longer_one() {
    let words = |k: &Keyword, lang| -> Vec<String> {
        example(k.spelling(lang)).split(' ').map(String::from).collect()
    };
    for long in KEYWORDS {
        for short in KEYWORDS {
            for lang in [Lang::En, Lang::Vi] {
                let (l, s) = (words(long, lang), words(short, lang));
                if s.len() >= l.len() || l.get(..s.len()) != Some(s.as_slice()) {
                    continue;
                }
                let text = l.join(" ");
                let allowed =
                    NEVER_TOGETHER.iter().any(|(a, b, _)| *a == short.rule && *b == long.rule);
                assert!(
                    allowed || matched(short.rule, &text).is_none(),
                    "{:?} matches the start of `{text}` ({:?})",
                    short.rule,
                    long.rule
                );
            }
        }
    }
}

#[test]
fn the_traps_parse_as_meant() {
    let expr = |t: &str| {
        let p = RulesParser::parse(Rule::expr, t).unwrap().next().unwrap();
        assert_eq!(p.as_str(), t, "`{t}` is not one expression");
        p.into_inner().map(|x| format!("{:?}", x.as_rule())).collect::<Vec<_>>().join(" ")
    };
    assert_eq!(expr("không ai(thành viên, x)"), "aggregate");
    assert_eq!(expr("không a"), "op_not name");
    assert_eq!(expr("không đạt x"), "op_not held");
    assert_eq!(expr("không_ai"), "name");
    assert_eq!(expr("đạt x 2 lần trong 5 kỳ gần nhất"), "held");
    assert_eq!(expr("đạt x trong 3 kỳ liên tiếp và từng đạt y"), "held op_and ever_held");
    assert_eq!(expr("tổng(thành viên, a) + số lượng(thành viên)"), "aggregate op_add aggregate");
    assert_eq!(expr("nếu đúng thì 1 ngược lại 2"), "if_expr");
}

#[test]
fn names_that_begin_like_keywords_stay_names() {
    for name in ["không_hoàn_thành", "theo_dõi", "điểm_thưởng", "trong_năm", "khi_nào", "kỳ_họp"]
    {
        assert_eq!(matched(Rule::ident, name), Some(name.len()), "`{name}`");
    }
    for word in ["không", "theo", "điểm", "trong", "khi", "đúng", "sai"] {
        assert_eq!(matched(Rule::ident, word), None, "`{word}` is a keyword");
    }
}

/// The rules `keyword` (the reserved words) stands for, as `grammar/rules.pest` lists them.
const RESERVED: &[Rule] = &[
    Rule::kw_cycles,
    Rule::kw_ruleset,
    Rule::kw_effective,
    Rule::kw_from,
    Rule::kw_to,
    Rule::kw_basis,
    Rule::kw_param,
    Rule::kw_enum,
    Rule::kw_entity,
    Rule::kw_in,
    Rule::kw_default,
    Rule::kw_scoring,
    Rule::kw_for,
    Rule::kw_weight,
    Rule::kw_group,
    Rule::kw_ratio,
    Rule::kw_pass,
    Rule::kw_each,
    Rule::kw_formula,
    Rule::kw_actual,
    Rule::kw_target,
    Rule::kw_when,
    Rule::kw_points,
    Rule::kw_per,
    Rule::kw_bonus,
    Rule::kw_penalty,
    Rule::kw_cap,
    Rule::kw_otherwise,
    Rule::kw_within,
    Rule::kw_by,
    Rule::kw_asc,
    Rule::kw_desc,
    Rule::kw_mark,
    Rule::kw_extern,
    Rule::kw_title,
    Rule::kw_commendation,
    Rule::kw_authority,
    Rule::kw_require,
    Rule::kw_disqualify,
    Rule::kw_quota,
    Rule::kw_of,
    Rule::kw_vote,
    Rule::kw_all,
    Rule::kw_present,
    Rule::kw_secret,
    Rule::kw_open,
    Rule::kw_reward,
    Rule::kw_not,
    Rule::kw_and,
    Rule::kw_or,
    Rule::kw_if,
    Rule::kw_then,
    Rule::kw_else,
    Rule::kw_held,
    Rule::kw_consecutive,
    Rule::kw_last,
    Rule::kw_ever,
    Rule::kw_members,
    Rule::kw_share,
    Rule::kw_every,
    Rule::kw_any,
    Rule::kw_none,
    Rule::kw_true,
    Rule::kw_false,
];

/// `keyword`, written as a trie of spellings for speed, matches exactly where one of the
/// reserved rules matches: tried on every keyword of both languages, on their words and the
/// beginnings of each, followed by letters, digits, `_`, spaces, tabs or a line break, and on
/// the first word of each multi-word keyword followed by any keyword's word.
#[test]
fn the_keyword_trie_matches_the_reserved_rules() {
    let reserved = |t: &str| RESERVED.iter().any(|r| RulesParser::parse(*r, t).is_ok());
    let trie = |t: &str| RulesParser::parse(Rule::keyword, t).is_ok();
    let mut words: Vec<String> = Vec::new();
    let mut whole: Vec<String> = Vec::new();
    for k in KEYWORDS {
        for lang in [Lang::En, Lang::Vi] {
            let spelling = example(k.spelling(lang));
            whole.extend(spelling.split(' ').map(String::from));
            let chars: Vec<char> = spelling.chars().collect();
            words.extend((1..=chars.len()).map(|n| chars.iter().take(n).collect::<String>()));
        }
    }
    words.extend(whole.iter().cloned());
    words.sort();
    words.dedup();
    whole.sort();
    whole.dedup();
    let tails = ["", "x", "_", "1", "ữ", " ", "\t", "\n", "(", " \t x"];
    let mut probes: Vec<String> = Vec::new();
    for w in &words {
        probes.extend(tails.iter().map(|t| format!("{w}{t}")));
    }
    // The first word of a multi-word keyword, followed by any keyword's word.
    let mut firsts: Vec<&str> = KEYWORDS
        .iter()
        .flat_map(|k| [k.en, k.vi])
        .filter(|s| s.contains(' ') && !s.starts_with('{'))
        .filter_map(|s| s.split(' ').next())
        .collect();
    firsts.sort_unstable();
    firsts.dedup();
    for w in &whole {
        for first in &firsts {
            probes.push(format!("{first} {w}"));
            probes.push(format!("{first}  \t{w} x"));
            probes.push(format!("{first} {w}x"));
            probes.push(format!("{first}\n{w}"));
        }
    }
    for p in &probes {
        assert_eq!(trie(p), reserved(p), "`{}`", p.escape_debug());
    }
}
