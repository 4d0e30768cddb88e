//! Parsing `.rules` text into the [`ast`]: pest grammar plus lowering.
//!
//! The parser fails fast: the first syntax error becomes one [`Diagnostic`] at the exact
//! position pest reports, with the expected tokens named for people, not grammar rules.

use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};

use unicode_normalization::char::is_combining_mark;

use crate::ast;
use crate::diag::{Diagnostic, FileId, Span};
use crate::lang::Lang;

mod fast;
pub mod keywords;
mod lower;
mod names;
mod workflow;

use names::rule_name;

mod grammar {
    /// The pest parser generated from `grammar/rules.pest` and `grammar/workflow.pest`: one
    /// parser, so workflow guards are rules-language expressions.
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/rules.pest"]
    #[grammar = "../grammar/workflow.pest"]
    pub(crate) struct RulesParser;
}
pub(crate) use grammar::{Rule, RulesParser};
pub(crate) use lower::content_len;

/// Parse a rule file's text. `file` is the id under which the text sits in the source map.
///
/// A hand-written parser reads the file first (`syntax/fast.rs`); whatever it is not sure of, pest
/// (the grammar of record) reads, and reports the errors.
pub fn parse_rules(text: &str, file: FileId) -> Result<ast::File, Box<Diagnostic>> {
    match fast::parse(text, file) {
        Some(ast) => Ok(ast),
        None => parse_rules_pest(text, file),
    }
}

/// [`parse_rules`] by pest and lowering alone, without the fast path: for the tests and the
/// fuzz target that hold the two to the same result.
#[doc(hidden)]
pub fn parse_rules_pest(text: &str, file: FileId) -> Result<ast::File, Box<Diagnostic>> {
    let root = parse_root(Rule::file, text, file)?;
    lower::file(root, file)
}

/// The fast path of [`parse_rules`] alone: `Some` only for a file pest reads the same.
#[doc(hidden)]
pub fn parse_rules_fast(text: &str, file: FileId) -> Option<ast::File> {
    fast::parse(text, file)
}

/// Parse a workflow file's text.
pub fn parse_workflow(
    text: &str,
    file: FileId,
) -> Result<ast::workflow::WorkflowFile, Box<Diagnostic>> {
    let root = parse_root(Rule::workflow_file, text, file)?;
    workflow::workflow_file(root, file)
}

/// Parse and lower a file, and return its parse tree: for tools that need the text as
/// written (the formatter), after the same checks as [`parse_rules`] and [`parse_workflow`].
pub(crate) fn parse_tree(
    workflow: bool,
    text: &str,
    file: FileId,
) -> Result<pest::iterators::Pair<'_, Rule>, Box<Diagnostic>> {
    if workflow {
        let root = parse_root(Rule::workflow_file, text, file)?;
        workflow::workflow_file(root.clone(), file)?;
        Ok(root)
    } else {
        let root = parse_root(Rule::file, text, file)?;
        lower::file(root.clone(), file)?;
        Ok(root)
    }
}

fn parse_root(
    rule: Rule,
    text: &str,
    file: FileId,
) -> Result<pest::iterators::Pair<'_, Rule>, Box<Diagnostic>> {
    // Error detail (the punctuation expected) costs time on every parse, so we ask for it
    // only when re-parsing text already known to be bad.
    pest::set_error_detail(false);
    let mut pairs = match RulesParser::parse(rule, text) {
        Ok(p) => p,
        Err(_) => {
            pest::set_error_detail(true);
            let detailed = RulesParser::parse(rule, text);
            pest::set_error_detail(false);
            return Err(match detailed {
                Err(e) => Box::new(pest_error(&e, text, file, rule)),
                Ok(_) => internal_parse_flake(file),
            });
        }
    };
    let root = pairs.next().ok_or_else(|| lower::internal(Span::new(file, 0, 0), "empty parse"))?;
    check_nesting(&root, text, file)?;
    Ok(root)
}

/// How deeply brackets, operators and criteria groups may nest.
///
/// Lowering, checking and evaluation recurse over expressions and groups; a few thousand
/// levels exhaust the stack (an abort, not an error). Real rules nest a dozen levels at most.
const MAX_NESTING: usize = 256;

/// Refuse text nested deeper than [`MAX_NESTING`], before anything recurses over it.
///
/// Each open expression or group counts one level, and each operator inside it one more:
/// `not not x` and `a and b and c` nest as deeply as brackets once lowered. The walk over
/// the token stream is iterative, so it cannot overflow itself.
fn check_nesting(
    root: &pest::iterators::Pair<'_, Rule>,
    text: &str,
    file: FileId,
) -> Result<(), Box<Diagnostic>> {
    use pest::Token;
    let mut open: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    for token in root.clone().tokens() {
        let grows = match token {
            Token::Start { rule: Rule::expr | Rule::group, pos } => {
                open.push(1);
                Some(pos.pos())
            }
            Token::Start { rule, pos } if is_operator(rule) => match open.last_mut() {
                Some(cost) => {
                    *cost += 1;
                    Some(pos.pos())
                }
                None => None,
            },
            Token::End { rule: Rule::expr | Rule::group, .. } => {
                depth = depth.saturating_sub(open.pop().unwrap_or(0));
                None
            }
            _ => None,
        };
        if let Some(at) = grows {
            depth += 1;
            if depth > MAX_NESTING {
                let end = match text.get(at..).and_then(first_token) {
                    Some(t)
                        if t != "end of line"
                            && text.get(at..).is_some_and(|r| r.starts_with(t)) =>
                    {
                        at + t.len()
                    }
                    _ => next_char_end(text, at),
                };
                return Err(Box::new(too_deep(Span::new(file, at, end))));
            }
        }
    }
    Ok(())
}

fn is_operator(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::op_not
            | Rule::op_neg
            | Rule::op_or
            | Rule::op_and
            | Rule::op_eq
            | Rule::op_ne
            | Rule::op_le
            | Rule::op_ge
            | Rule::op_lt
            | Rule::op_gt
            | Rule::op_add
            | Rule::op_sub
            | Rule::op_mul
            | Rule::op_div
    )
}

fn too_deep(span: Span) -> Diagnostic {
    Diagnostic::error(
        "parse::too_deep",
        span,
        format!(
            "this nests too deeply: more than {MAX_NESTING} levels of brackets, operators or groups"
        ),
    )
    .with_label("too deep from here on")
    .with_help("split it up, e.g. name parts of a condition as marks")
}

fn internal_parse_flake(file: FileId) -> Box<Diagnostic> {
    lower::internal(Span::new(file, 0, 0), "the text parsed on the second attempt only")
}

/// Convert a pest error into a located diagnostic.
///
/// The span covers the word or symbol found where something else was expected, so the caret
/// lands on the offending text. At the end of the file it covers the last character written,
/// since an empty span at the very end would not show.
fn pest_error(e: &pest::error::Error<Rule>, text: &str, file: FileId, root: Rule) -> Diagnostic {
    let lang = keywords::sniff_lang(text);
    let d = pest_error_in(e, text, file, lang);
    // Keywords typed with combining accents (NFD) do not match: say so, whatever else failed.
    match names::nfd_help(text, d.span.start as usize, root) {
        Some(help) => d.with_help(help),
        None => d,
    }
}

/// [`pest_error`], naming keywords in the file's language.
fn pest_error_in(e: &pest::error::Error<Rule>, text: &str, file: FileId, lang: Lang) -> Diagnostic {
    let (start, end) = match e.location {
        InputLocation::Pos(p) => {
            let rest = text.get(p..).unwrap_or("");
            let lead = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            match first_token(rest) {
                Some(t) if t != "end of line" => (p + lead, p + lead + t.len()),
                _ => (p, next_char_end(text, p)),
            }
        }
        InputLocation::Span((a, b)) => (a, b.max(a)),
    };
    let found = text.get(start..).and_then(first_token);
    if found.is_none() {
        let last = lower::content_len(text);
        let before = text.get(..last).and_then(|t| t.chars().next_back()).map_or(0, char::len_utf8);
        return eof_error(e, Span::new(file, last - before, last), lang);
    }
    let span = Span::new(file, start, end);
    let found = found.unwrap_or_default();
    if found == "\""
        && text
            .get(start..)
            .and_then(|r| r.lines().next())
            .is_some_and(|l| l.matches('"').count() == 1)
    {
        return Diagnostic::error("parse::syntax", span, "this string is not closed")
            .with_label("the string starts here")
            .with_help("close it with `\"` before the end of the line; strings do not span lines");
    }
    let found_text =
        if found == "end of line" { String::from(found) } else { format!("`{found}`") };
    match &e.variant {
        ErrorVariant::ParsingError { positives, negatives } => {
            let names = expected_names(e, positives, lang);
            let expected = join_alternatives(&names);
            let message = if expected.is_empty() {
                let unexpected: Vec<String> =
                    negatives.iter().map(|r| rule_name(*r, lang)).collect();
                format!("unexpected {}", join_alternatives(&unexpected))
            } else {
                format!("expected {expected}, found {found_text}")
            };
            let help = help_for(&expected_names(e, positives, Lang::En), found);
            // A long list of alternatives is in the message already; keep the label short.
            let label = match names.len() {
                0 => String::from("here"),
                1..=3 => format!("expected {expected}"),
                _ => String::from("not expected here"),
            };
            let mut d = Diagnostic::error("parse::syntax", span, message).with_label(label);
            if let Some(h) = help {
                d = d.with_help(h);
            }
            d
        }
        // pest's own guard against deep recursion, for nesting beyond what it can parse.
        ErrorVariant::CustomError { message } if message.contains("stack limit") => too_deep(span),
        ErrorVariant::CustomError { message } => {
            Diagnostic::error("parse::syntax", span, message.clone())
        }
    }
}

/// The file ended where more was expected; `span` is the last character written.
fn eof_error(e: &pest::error::Error<Rule>, span: Span, lang: Lang) -> Diagnostic {
    let names = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => expected_names(e, positives, lang),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let expected = join_alternatives(&names);
    let mut d = if expected.is_empty() {
        Diagnostic::error("parse::syntax", span, "unexpected end of file")
    } else {
        Diagnostic::error("parse::syntax", span, format!("expected {expected}, found end of file"))
            .with_label(format!("expected {expected} after this"))
    };
    if names.iter().any(|n| n == "`}`") {
        d = d.with_help("a `{` is not closed; every `{` needs a matching `}`");
    }
    d
}

/// What the grammar expected, for people: rule names and punctuation, sorted. Keywords are
/// named in `lang`, and the words of the other language's history windows left out.
fn expected_names(e: &pest::error::Error<Rule>, positives: &[Rule], lang: Lang) -> Vec<String> {
    let mut names: Vec<String> = positives
        .iter()
        .filter(|r| lang == Lang::Vi || keywords::vi_part_name(**r).is_none())
        .map(|r| rule_name(*r, lang))
        .collect();
    // Punctuation the grammar expected here (`:`, `}`…); keywords come in as rules. `_`
    // starts a name, and the byte-order mark is whitespace; neither is worth naming, nor a
    // comment's start (`#..#` is its `#`, matched as a one-character range).
    if let Some(attempts) = e.parse_attempts() {
        for token in attempts.expected_tokens() {
            let token = token.to_string();
            if token.chars().all(|c| c.is_ascii_punctuation())
                && !token.is_empty()
                && !matches!(token.as_str(), "//" | "#" | "#..#" | "\\" | "-" | "_" | "\"")
            {
                names.push(format!("`{token}`"));
            }
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

fn next_char_end(text: &str, pos: usize) -> usize {
    text.get(pos..).and_then(|s| s.chars().next()).map_or(pos, |c| pos + c.len_utf8())
}

/// The word or symbol at the start of `rest`, for "found `…`".
fn first_token(rest: &str) -> Option<&str> {
    let rest = rest.trim_start_matches([' ', '\t']);
    let first = rest.chars().next()?;
    if first == '\n' || first == '\r' {
        return Some("end of line");
    }
    let word = |c: char| c.is_alphanumeric() || c == '_' || is_combining_mark(c);
    let len = if word(first) {
        rest.find(|c: char| !word(c)).unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    rest.get(..len)
}

fn join_alternatives(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A help line for common mistakes, by what was expected.
fn help_for(expected: &[String], found: &str) -> Option<String> {
    let has = |n: &str| expected.iter().any(|e| e == n);
    if has("`ruleset`") {
        return Some(String::from("a rule file starts with `ruleset name \"label\"`"));
    }
    if found == "=" && has("`==`") {
        return Some(String::from("to compare, write `==`; a single `=` only starts a formula"));
    }
    if has("a name") && is_reserved(found) {
        return Some(format!("`{found}` is a keyword; choose another name, e.g. `{found}_`"));
    }
    if has("`:`") {
        return Some(String::from(
            "a requirement reads `require \"label\" basis \"article\": condition`; the label and basis are optional",
        ));
    }
    if has("`}`") && has("`require`") {
        return Some(String::from(
            "an award's body holds `basis`, `authority`, `require`, `disqualify`, `quota`, `vote` and `reward` statements",
        ));
    }
    if has("a declaration") {
        return Some(String::from(
            "top-level declarations start with `param`, `enum`, `entity`, `scoring`, `mark`, `extern`, `title` or `commendation`",
        ));
    }
    if has("a date") {
        return Some(String::from("dates are written `YYYY-MM-DD`, e.g. `2025-01-01`"));
    }
    None
}

fn is_reserved(word: &str) -> bool {
    RulesParser::parse(Rule::ident, word).map_or(true, |p| p.as_str().len() != word.len())
        && word.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !word.is_empty()
}
