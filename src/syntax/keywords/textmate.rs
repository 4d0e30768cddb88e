//! The TextMate grammar for `.rules`, `.wf` and `.test` files, generated from the keyword
//! table so that editors colour both keyword sets exactly as the parser reads them.
//!
//! The committed copy is `editors/thidua.tmLanguage.json`; a test keeps it equal to
//! [`textmate_grammar`]'s output.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::{Class, KEYWORDS};

/// Characters that continue a name: a keyword must not touch one on either side.
const NAME_CHAR: &str = r"[\p{L}\p{M}\p{N}_]";

/// The TextMate grammar (JSON, pretty-printed, ending in a newline).
pub fn textmate_grammar() -> String {
    let words = words_by_class();
    let all: BTreeSet<&str> = words.values().flatten().map(String::as_str).collect();
    let keyword_patterns: Vec<Value> = ORDER
        .iter()
        .filter_map(|class| {
            let list = words.get(class)?;
            let mut regex = alternation(list, &all);
            if *class == Class::Function {
                regex.push_str(r"(?=[ \t]*\()");
            }
            Some(json!({ "name": scope(*class), "match": regex }))
        })
        .collect();
    let grammar = json!({
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "comment": "Generated from the keyword table in src/syntax/keywords.rs by \
                    thidua::syntax::keywords::textmate_grammar; do not edit by hand \
                    (see editors/README.md to regenerate).",
        "name": "thidua",
        "scopeName": "source.thidua",
        "fileTypes": ["rules", "wf", "test"],
        "patterns": [
            { "include": "#comments" },
            { "include": "#strings" },
            { "include": "#numbers" },
            { "include": "#keywords" },
            { "include": "#calls" },
            { "include": "#operators" },
        ],
        "repository": {
            "comments": { "patterns": [
                { "name": "comment.line.double-slash.thidua", "match": "//.*$" },
                { "name": "comment.line.number-sign.thidua", "match": "#.*$" },
            ] },
            "strings": {
                "name": "string.quoted.double.thidua",
                "begin": "\"",
                "end": "\"|$",
                "patterns": [
                    { "name": "constant.character.escape.thidua", "match": r#"\\["\\n]"# },
                ],
            },
            "numbers": { "patterns": [
                {
                    "name": "constant.numeric.date.thidua",
                    "match": format!(r"(?<!{NAME_CHAR})\d{{4}}-\d{{2}}-\d{{2}}(?!{NAME_CHAR})"),
                },
                {
                    "name": "constant.numeric.percent.thidua",
                    "match": format!(r"(?<!{NAME_CHAR})\d[\d_]*(?:\.\d+)?%"),
                },
                {
                    "name": "constant.numeric.thidua",
                    "match": format!(r"(?<!{NAME_CHAR})\d[\d_]*(?:\.\d+)?(?!{NAME_CHAR})"),
                },
            ] },
            "keywords": { "patterns": keyword_patterns },
            "calls": { "patterns": [
                {
                    "name": "entity.name.function.thidua",
                    "match": format!(r"(?<!{NAME_CHAR})[\p{{L}}_]{NAME_CHAR}*(?=\s*\()"),
                },
            ] },
            "operators": { "patterns": [
                { "name": "keyword.operator.thidua", "match": r"==|!=|<=|>=|->|[<>=+\-*/%]" },
            ] },
        },
    });
    let mut text = serde_json::to_string_pretty(&grammar).unwrap_or_default();
    text.push('\n');
    text
}

/// The words of every keyword, by class. English phrases are separate words in the grammar
/// (`for 3 consecutive cycles` may break anywhere), so they are listed word by word; Vietnamese
/// keywords of several words are one token each (`kỳ liên tiếp`), cut only at the numbers.
fn words_by_class() -> BTreeMap<Class, BTreeSet<String>> {
    let holes = |s: &str| s.replace("{n}", "|").replace("{k}", "|");
    let mut out: BTreeMap<Class, BTreeSet<String>> = BTreeMap::new();
    for k in KEYWORDS {
        let set = out.entry(k.class).or_default();
        for word in holes(k.en).split([' ', '|']).filter(|w| !w.is_empty()) {
            set.insert(word.to_string());
            // `deadline 1 working day`.
            if word == "days" {
                set.insert(String::from("day"));
            }
        }
        for part in holes(k.vi).split('|').map(str::trim).filter(|p| !p.is_empty()) {
            set.insert(part.to_string());
        }
    }
    // A word of two classes (`khi` is `when` and `on`) gets the more specific colour. An
    // aggregate is told by the `(` after it, so its words stay in other classes too
    // (`all(members, …)` but `80% of all`).
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for class in ORDER.iter().filter(|c| **c != Class::Function) {
        if let Some(set) = out.get_mut(class) {
            set.retain(|w| !taken.contains(w));
            taken.extend(set.iter().cloned());
        }
    }
    out
}

/// The order of the keyword patterns: where two match at the same place, the first wins.
const ORDER: [Class; 6] = [
    Class::Declaration,
    Class::Control,
    Class::Logical,
    Class::Function,
    Class::Constant,
    Class::Keyword,
];

/// A regular expression matching any of `words` as whole words, longest first. A word that
/// begins a longer keyword of any class (`không` of `không ai`) must not be followed by the
/// rest of it, so that the longer keyword gets its own colour whatever the pattern order.
fn alternation(words: &BTreeSet<String>, all: &BTreeSet<&str>) -> String {
    let mut sorted: Vec<&str> = words.iter().map(String::as_str).collect();
    sorted.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    let alts: Vec<String> = sorted
        .iter()
        .map(|w| {
            let longer: Vec<String> = all
                .iter()
                .filter_map(|l| l.strip_prefix(w).and_then(|rest| rest.strip_prefix(' ')))
                .map(words_regex)
                .collect();
            if longer.is_empty() {
                words_regex(w)
            } else {
                format!(r"{}(?![ \t]+(?:{})(?!{NAME_CHAR}))", words_regex(w), longer.join("|"))
            }
        })
        .collect();
    format!("(?<!{NAME_CHAR})(?:{})(?!{NAME_CHAR})", alts.join("|"))
}

/// One keyword as a regular expression: its words separated by spaces or tabs.
fn words_regex(words: &str) -> String {
    words.split(' ').filter(|w| !w.is_empty()).map(escape).collect::<Vec<_>>().join(r"[ \t]+")
}

fn escape(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if r"\^$.|?*+()[]{}/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn scope(class: Class) -> &'static str {
    match class {
        Class::Declaration => "storage.type.thidua",
        Class::Keyword => "keyword.other.thidua",
        Class::Control => "keyword.control.thidua",
        Class::Logical => "keyword.operator.logical.thidua",
        Class::Constant => "constant.language.thidua",
        Class::Function => "support.function.aggregate.thidua",
    }
}
