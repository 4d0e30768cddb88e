//! Parsing `.test` text (grammar `grammar/tests.pest`) into the test-file syntax tree.
//!
//! The parser fails fast, like the rules parser: the first syntax error is one located
//! [`Diagnostic`]. Lowering walks each pair's children by rule, never by position, so a
//! grammar/lowering mismatch is an internal diagnostic (`test::internal`), never a panic.
//! Names stay unresolved here; [`super::world`] checks them against the compiled program.

use std::str::FromStr as _;

use chrono::NaiveDate;
use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use rust_decimal::Decimal;

use crate::diag::{Diagnostic, FileId, Span};

mod grammar {
    /// The pest parser generated from `grammar/tests.pest`.
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/tests.pest"]
    pub(crate) struct TestsParser;
}
use grammar::{Rule, TestsParser};

mod tree;
pub(crate) use tree::*;

type Result<T> = std::result::Result<T, Box<Diagnostic>>;

/// Parse a test file's text. `file` is the id under which the text sits in the source map.
pub(crate) fn parse(text: &str, file: FileId) -> Result<TestFile> {
    let mut pairs = TestsParser::parse(Rule::test_file, text)
        .map_err(|e| Box::new(pest_error(&e, text, file)))?;
    let root = pairs.next().ok_or_else(|| internal(Span::new(file, 0, 0)))?;
    test_file(root, file)
}

fn span(p: &Pair<'_, Rule>, file: FileId) -> Span {
    let s = p.as_span();
    Span::new(file, s.start(), s.end())
}

/// The span of a pair without the whitespace and comments pest skipped after its last
/// token (an optional part that did not match leaves them inside the pair).
fn tight(p: &Pair<'_, Rule>, file: FileId) -> Span {
    let s = p.as_span();
    let end = p
        .clone()
        .into_inner()
        .flatten()
        .filter(|x| x.as_rule() == Rule::string || x.clone().into_inner().next().is_none())
        .map(|x| x.as_span().end())
        .max()
        .unwrap_or(s.end());
    Span::new(file, s.start(), end)
}

fn internal(span: Span) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error("test::internal", span, "the test-file grammar and its reader disagree")
            .with_help("this is a bug in thidua; please report it with the test file"),
    )
}

fn name(p: &Pair<'_, Rule>, file: FileId) -> Name {
    Name { text: p.as_str().to_owned(), span: span(p, file) }
}

fn test_file(p: Pair<'_, Rule>, file: FileId) -> Result<TestFile> {
    let whole = span(&p, file);
    let mut header_parts = None;
    let mut defaults_blocks = Vec::new();
    let mut unreachables = Vec::new();
    let mut cases = Vec::new();
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::header => header_parts = Some(header(c, file)?),
            Rule::defaults => defaults_blocks.push(defaults(c, file)?),
            Rule::unreachable => unreachables.push(unreachable(c, file)?),
            Rule::case => cases.push(case(c, file)?),
            _ => {}
        }
    }
    let (rules, cycle, data) = header_parts.ok_or_else(|| internal(whole))?;
    Ok(TestFile { rules, cycle, data, defaults: defaults_blocks, unreachable: unreachables, cases })
}

type Header = (Name, Option<(i32, Span)>, Option<Name>);

fn header(p: Pair<'_, Rule>, file: FileId) -> Result<Header> {
    let whole = span(&p, file);
    let mut rules = None;
    let mut cycle: Option<(i32, Span)> = None;
    let mut data: Option<Name> = None;
    for c in p.into_inner() {
        let at = span(&c, file);
        match c.as_rule() {
            Rule::string => rules = Some(string(c, file)),
            Rule::cycle_attr => {
                if cycle.is_some() {
                    return Err(duplicate(at, "cycle"));
                }
                let year = c.into_inner().find(|x| x.as_rule() == Rule::integer);
                let year = year.ok_or_else(|| internal(at))?;
                cycle = Some((year_of(&year, file)?, span(&year, file)));
            }
            Rule::data_attr => {
                if data.is_some() {
                    return Err(duplicate(at, "data"));
                }
                let s = c.into_inner().find(|x| x.as_rule() == Rule::string);
                data = Some(string(s.ok_or_else(|| internal(at))?, file));
            }
            _ => {}
        }
    }
    Ok((rules.ok_or_else(|| internal(whole))?, cycle, data))
}

fn duplicate(at: Span, what: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error("test::duplicate", at, format!("`{what}` is given twice"))
            .with_label("given again here")
            .with_help(format!("the header names one `{what}`")),
    )
}

fn year_of(p: &Pair<'_, Rule>, file: FileId) -> Result<i32> {
    p.as_str().parse::<i32>().ok().filter(|y| (1..=9999).contains(y)).ok_or_else(|| {
        Box::new(
            Diagnostic::error("test::bad_number", span(p, file), "not a cycle year")
                .with_help("a cycle is a year such as `2025`"),
        )
    })
}

fn string(p: Pair<'_, Rule>, file: FileId) -> Name {
    let at = span(&p, file);
    let raw = p.into_inner().next().map_or("", |i| i.as_str());
    let mut text = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(ch) = chars.next() {
        if ch == '\\' {
            match chars.next() {
                Some('n') => text.push('\n'),
                Some(other) => text.push(other),
                None => {}
            }
        } else {
            text.push(ch);
        }
    }
    Name { text, span: at }
}

fn decimal(p: &Pair<'_, Rule>, file: FileId) -> Result<Decimal> {
    let text = p.as_str().trim_end_matches('%').replace('_', "");
    Decimal::from_str(&text).map_err(|_| {
        Box::new(
            Diagnostic::error("test::bad_number", span(p, file), "this number is too large")
                .with_label("too large")
                .with_help("numbers have at most 28 significant digits"),
        )
    })
}

fn defaults(p: Pair<'_, Rule>, file: FileId) -> Result<Defaults> {
    let whole = span(&p, file);
    let mut kind = None;
    let mut fields = Vec::new();
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::ident => kind = Some(name(&c, file)),
            Rule::assignment => fields.push(assignment(c, file)?),
            _ => {}
        }
    }
    Ok(Defaults { kind: kind.ok_or_else(|| internal(whole))?, fields })
}

fn assignment(p: Pair<'_, Rule>, file: FileId) -> Result<Assign> {
    let whole = span(&p, file);
    let mut field = None;
    let mut value = None;
    for c in p.into_inner() {
        if field.is_none() && c.as_rule() == Rule::ident {
            field = Some(name(&c, file));
        } else {
            value = Some(literal(c, file)?);
        }
    }
    match (field, value) {
        (Some(field), Some(value)) => Ok(Assign { field, value }),
        _ => Err(internal(whole)),
    }
}

fn literal(p: Pair<'_, Rule>, file: FileId) -> Result<Lit> {
    let at = span(&p, file);
    let kind = match p.as_rule() {
        Rule::number => LitKind::Number(decimal(&p, file)?),
        Rule::percent => LitKind::Percent(decimal(&p, file)? / Decimal::ONE_HUNDRED),
        Rule::date => {
            let d = NaiveDate::parse_from_str(p.as_str(), "%Y-%m-%d").map_err(|_| {
                Box::new(
                    Diagnostic::error(
                        "test::bad_date",
                        at,
                        format!("`{}` is not a calendar date", p.as_str()),
                    )
                    .with_label("no such day")
                    .with_help("dates are written `YYYY-MM-DD` and must exist"),
                )
            })?;
            LitKind::Date(d)
        }
        Rule::string => LitKind::Text(string(p, file).text),
        Rule::boolean => {
            LitKind::Bool(p.into_inner().next().is_some_and(|k| k.as_rule() == Rule::kw_true))
        }
        Rule::ident => LitKind::Word(p.as_str().to_owned()),
        _ => return Err(internal(at)),
    };
    Ok(Lit { kind, span: at })
}

fn cond_ref(p: &Pair<'_, Rule>, file: FileId) -> Result<CondRef> {
    let at = span(p, file);
    let which = match p.as_rule() {
        Rule::string => Which::Label(string(p.clone(), file).text),
        Rule::index => {
            let n = p.as_str().trim_start_matches('#').parse::<u32>().ok().filter(|n| *n >= 1);
            Which::Index(n.ok_or_else(|| {
                Box::new(
                    Diagnostic::error("test::bad_number", at, "not a condition number")
                        .with_help("conditions are numbered from `#1` in the order written"),
                )
            })?)
        }
        _ => return Err(internal(at)),
    };
    Ok(CondRef { which, span: at })
}

fn unreachable(p: Pair<'_, Rule>, file: FileId) -> Result<Unreachable> {
    let whole = span(&p, file);
    let mut item = None;
    let mut reason = None;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::string => reason = Some(string(c, file)),
            Rule::require_item
            | Rule::disqualify_item
            | Rule::quota_item
            | Rule::eligible_item
            | Rule::scoring_item => item = Some(item_ref(c, file)?),
            _ => {}
        }
    }
    match (item, reason) {
        (Some(item), Some(reason)) => Ok(Unreachable { item, reason, span: whole }),
        _ => Err(internal(whole)),
    }
}

fn item_ref(p: Pair<'_, Rule>, file: FileId) -> Result<ItemRef> {
    let whole = span(&p, file);
    let rule = p.as_rule();
    let mut cond = None;
    let mut names = Vec::new();
    let mut part = None;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::string | Rule::index => cond = Some(cond_ref(&c, file)?),
            Rule::ident => names.push(name(&c, file)),
            Rule::scoring_part => {
                part = c.into_inner().next().map(|k| match k.as_rule() {
                    Rule::kw_bonus => ScoringPart::Bonus,
                    Rule::kw_penalty => ScoringPart::Penalty,
                    Rule::kw_grade => ScoringPart::Grade,
                    _ => ScoringPart::Criterion,
                });
            }
            _ => {}
        }
    }
    let mut names = names.into_iter();
    let first = names.next().ok_or_else(|| internal(whole))?;
    Ok(match (rule, cond, part) {
        (Rule::require_item, Some(c), _) => ItemRef::Require(c, first),
        (Rule::disqualify_item, Some(c), _) => ItemRef::Disqualify(c, first),
        (Rule::quota_item, _, _) => ItemRef::Quota(first),
        (Rule::eligible_item, _, _) => ItemRef::Eligible(first),
        (Rule::scoring_item, _, Some(part)) => ItemRef::Scoring(part, first, names.next()),
        _ => return Err(internal(whole)),
    })
}

fn case(p: Pair<'_, Rule>, file: FileId) -> Result<Case> {
    let whole = span(&p, file);
    let mut case_name = None;
    let mut scratch = false;
    let mut statements = Vec::new();
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::string => case_name = Some(string(c, file)),
            Rule::scratch => scratch = true,
            Rule::given => statements.push(Statement::Given(given(c, file)?)),
            Rule::history => statements.push(Statement::History(history(c, file)?)),
            Rule::expect => statements.push(Statement::Expect(expect(c, file)?)),
            _ => {}
        }
    }
    let name = case_name.ok_or_else(|| internal(whole))?;
    Ok(Case { name, scratch, statements, span: whole })
}

fn entity_id(p: Pair<'_, Rule>, file: FileId) -> Result<Name> {
    let at = span(&p, file);
    let inner = p.into_inner().next().ok_or_else(|| internal(at))?;
    Ok(match inner.as_rule() {
        Rule::string => string(inner, file),
        _ => name(&inner, file),
    })
}

fn entity_ref(p: Pair<'_, Rule>, file: FileId) -> Result<EntityRef> {
    let at = span(&p, file);
    let mut kind = None;
    let mut id = None;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::ident => kind = Some(name(&c, file)),
            Rule::entity_id => id = Some(entity_id(c, file)?),
            _ => {}
        }
    }
    Ok(EntityRef { kind, id: id.ok_or_else(|| internal(at))?, span: at })
}

fn given(p: Pair<'_, Rule>, file: FileId) -> Result<Given> {
    let whole = tight(&p, file);
    let mut kind = None;
    let mut id = None;
    let mut like = None;
    let mut parent = None;
    let mut fields = Vec::new();
    for c in p.into_inner() {
        let at = span(&c, file);
        match c.as_rule() {
            Rule::ident => kind = Some(name(&c, file)),
            Rule::entity_id => id = Some(entity_id(c, file)?),
            Rule::like => {
                let r = c.into_inner().find(|x| x.as_rule() == Rule::entity_ref);
                like = Some(entity_ref(r.ok_or_else(|| internal(at))?, file)?);
            }
            Rule::parent => {
                let r = c.into_inner().find(|x| x.as_rule() == Rule::entity_id);
                parent = Some(entity_id(r.ok_or_else(|| internal(at))?, file)?);
            }
            Rule::assignment => fields.push(assignment(c, file)?),
            _ => {}
        }
    }
    match (kind, id) {
        (Some(kind), Some(id)) => Ok(Given { kind, id, like, parent, fields }),
        _ => Err(internal(whole)),
    }
}

fn history(p: Pair<'_, Rule>, file: FileId) -> Result<HistoryStmt> {
    let whole = span(&p, file);
    let mut entity = None;
    let mut only = false;
    let mut rows = Vec::new();
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::entity_ref => entity = Some(entity_ref(c, file)?),
            Rule::only => only = true,
            Rule::history_row => {
                let at = span(&c, file);
                let mut cycle = None;
                let mut facts = Vec::new();
                for x in c.into_inner() {
                    match x.as_rule() {
                        Rule::integer => cycle = Some((year_of(&x, file)?, span(&x, file))),
                        Rule::ident => facts.push(name(&x, file)),
                        _ => {}
                    }
                }
                let (cycle, cycle_span) = cycle.ok_or_else(|| internal(at))?;
                rows.push(HistoryRow { cycle, cycle_span, facts });
            }
            _ => {}
        }
    }
    Ok(HistoryStmt { entity: entity.ok_or_else(|| internal(whole))?, only, rows })
}

fn cmp(p: &Pair<'_, Rule>) -> Cmp {
    match p.as_str() {
        ">=" => Cmp::Ge,
        "<=" => Cmp::Le,
        ">" => Cmp::Gt,
        "<" => Cmp::Lt,
        _ => Cmp::Eq,
    }
}

fn expect(p: Pair<'_, Rule>, file: FileId) -> Result<Expect> {
    let whole = tight(&p, file);
    let mut entity = None;
    let mut check = None;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::entity_ref => entity = Some(entity_ref(c, file)?),
            Rule::score_checks => check = Some(Check::Score(score_checks(c, file)?)),
            Rule::award_check => check = Some(award_check(c, file)?),
            Rule::points_check => check = Some(points_check(c, file)?),
            _ => {}
        }
    }
    match (entity, check) {
        (Some(entity), Some(check)) => Ok(Expect { entity, check, span: whole }),
        _ => Err(internal(whole)),
    }
}

fn score_checks(p: Pair<'_, Rule>, file: FileId) -> Result<Vec<ScoreCheck>> {
    let mut out = Vec::new();
    for c in p.into_inner() {
        let at = span(&c, file);
        let rule = c.as_rule();
        let mut op = Cmp::Eq;
        let mut value = None;
        let mut grade = None;
        for x in c.into_inner() {
            match x.as_rule() {
                Rule::cmp => op = cmp(&x),
                Rule::number | Rule::integer => value = Some(x),
                Rule::ident => grade = Some(name(&x, file)),
                _ => {}
            }
        }
        out.push(match (rule, value, grade) {
            (Rule::score_check, Some(v), _) => ScoreCheck::Score(op, decimal(&v, file)?),
            (Rule::rank_check, Some(v), _) => {
                let n = v.as_str().parse::<u32>().map_err(|_| {
                    Box::new(
                        Diagnostic::error("test::bad_number", span(&v, file), "not a rank")
                            .with_help("ranks are whole numbers from 1"),
                    )
                })?;
                ScoreCheck::Rank(op, n, at)
            }
            (Rule::grade_check, _, Some(g)) => ScoreCheck::Grade(g),
            _ => return Err(internal(at)),
        });
    }
    Ok(out)
}

fn award_check(p: Pair<'_, Rule>, file: FileId) -> Result<Check> {
    let whole = span(&p, file);
    let mut award = None;
    let mut outcome = None;
    let mut reward = None;
    let mut reasons = None;
    for c in p.into_inner() {
        let at = span(&c, file);
        match c.as_rule() {
            Rule::ident => award = Some(name(&c, file)),
            Rule::eligible => outcome = Some((ExpectedOutcome::Eligible, at)),
            Rule::not_eligible => outcome = Some((ExpectedOutcome::NotEligible, at)),
            Rule::disqualified => outcome = Some((ExpectedOutcome::Disqualified, at)),
            Rule::over_quota => outcome = Some((ExpectedOutcome::OverQuota, at)),
            Rule::reward_check => {
                let n = c.into_inner().find(|x| x.as_rule() == Rule::number);
                let n = n.ok_or_else(|| internal(at))?;
                reward = Some((decimal(&n, file)?, at));
            }
            Rule::because => {
                let mut list = Vec::new();
                for r in c.into_inner().filter(|x| x.as_rule() == Rule::reason) {
                    let rs = span(&r, file);
                    let mut disqualify = false;
                    let mut cond = None;
                    for x in r.into_inner() {
                        match x.as_rule() {
                            Rule::kw_disqualify => disqualify = true,
                            Rule::string | Rule::index => cond = Some(cond_ref(&x, file)?),
                            _ => {}
                        }
                    }
                    let cond = cond.ok_or_else(|| internal(rs))?;
                    list.push(Reason { disqualify, cond, span: rs });
                }
                reasons = Some(list);
            }
            _ => {}
        }
    }
    match (award, outcome) {
        (Some(award), Some((outcome, outcome_span))) => {
            Ok(Check::Award { award, outcome, outcome_span, reward, reasons })
        }
        _ => Err(internal(whole)),
    }
}

fn points_check(p: Pair<'_, Rule>, file: FileId) -> Result<Check> {
    let whole = span(&p, file);
    let mut item = None;
    let mut op = Cmp::Eq;
    let mut value = None;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::ident => item = Some(name(&c, file)),
            Rule::cmp => op = cmp(&c),
            Rule::number => value = Some(decimal(&c, file)?),
            _ => {}
        }
    }
    match (item, value) {
        (Some(item), Some(value)) => Ok(Check::Points { item, cmp: op, value }),
        _ => Err(internal(whole)),
    }
}

/// Convert a pest error into a located diagnostic: the caret on the word found where the
/// grammar expected something else, with the expected things named for people.
fn pest_error(e: &pest::error::Error<Rule>, text: &str, file: FileId) -> Diagnostic {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((a, _)) => a,
    };
    let rest = text.get(pos..).unwrap_or("");
    let word_len = match rest.chars().next() {
        None => 0,
        Some(c) if c.is_alphanumeric() || c == '_' => {
            rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len())
        }
        Some(c) if c == '\n' || c == '\r' => 0,
        Some(c) => c.len_utf8(),
    };
    let (span, found) = if rest.trim().is_empty() {
        // At the end: point at the last character written.
        let trimmed = text.trim_end();
        let last = trimmed.chars().next_back().map_or(0, char::len_utf8);
        (Span::new(file, trimmed.len() - last, trimmed.len()), String::from("end of file"))
    } else if word_len == 0 {
        (Span::new(file, pos, pos), String::from("end of line"))
    } else {
        let word = rest.get(..word_len).unwrap_or("");
        (Span::new(file, pos, pos + word_len), format!("`{word}`"))
    };
    let expected = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&'static str> = positives.iter().map(|r| rule_name(*r)).collect();
            names.sort_unstable();
            names.dedup();
            names
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let list = match expected.as_slice() {
        [] => String::from("something else"),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    };
    let help = help_for(&expected);
    let mut d = Diagnostic::error("test::syntax", span, format!("expected {list}, found {found}"))
        .with_label(if expected.len() <= 3 {
            format!("expected {list}")
        } else {
            String::from("not expected here")
        });
    if let Some(h) = help {
        d = d.with_help(h);
    }
    d
}

fn help_for(expected: &[&str]) -> Option<&'static str> {
    let has = |n: &str| expected.contains(&n);
    if has("`tests`") {
        return Some("a test file starts with `tests for \"FILE.rules\"`");
    }
    if has("an outcome") {
        return Some(
            "after an award write `eligible`, `not eligible`, `disqualified` or `over quota`; after a criterion, its points",
        );
    }
    if has("`case`") {
        return Some(
            "a test file holds `defaults`, `unreachable` and `case \"name\" { … }` blocks",
        );
    }
    if has("`given`") {
        return Some("a case holds `given`, `history` and `expect` statements");
    }
    if has("`:`") {
        return Some("fields are set as `name: value`, separated by commas");
    }
    None
}

/// Human names for grammar rules in "expected …" messages.
fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::header | Rule::kw_tests => "`tests`",
        Rule::ident => "a name",
        Rule::string => "a string",
        Rule::integer => "a whole number",
        Rule::number => "a number",
        Rule::percent => "a percentage",
        Rule::date => "a date",
        Rule::boolean | Rule::kw_true | Rule::kw_false => "`true` or `false`",
        Rule::cycle_attr | Rule::kw_cycle => "`cycle`",
        Rule::data_attr | Rule::kw_data => "`data`",
        Rule::defaults | Rule::kw_defaults => "`defaults`",
        Rule::unreachable | Rule::kw_unreachable => "`unreachable`",
        Rule::case | Rule::kw_case => "`case`",
        Rule::scratch | Rule::kw_from => "`from scratch`",
        Rule::kw_scratch => "`scratch`",
        Rule::given | Rule::kw_given => "`given`",
        Rule::history | Rule::kw_history => "`history`",
        Rule::expect | Rule::kw_expect => "`expect`",
        Rule::like | Rule::kw_like => "`like`",
        Rule::parent | Rule::kw_in => "`in`",
        Rule::only | Rule::kw_only => "`only`",
        Rule::assignment => "a field",
        Rule::history_row => "a cycle",
        Rule::entity_ref | Rule::entity_id => "an entity id",
        Rule::score_checks | Rule::score_check | Rule::kw_score => "`score`",
        Rule::grade_check | Rule::kw_grade => "`grade`",
        Rule::rank_check | Rule::kw_rank => "`rank`",
        Rule::award_check | Rule::points_check => "an award or a criterion",
        Rule::eligible
        | Rule::not_eligible
        | Rule::disqualified
        | Rule::over_quota
        | Rule::kw_eligible
        | Rule::kw_not
        | Rule::kw_disqualified
        | Rule::kw_over => "an outcome",
        Rule::reward_check | Rule::kw_reward => "`reward`",
        Rule::because | Rule::kw_because => "`because`",
        Rule::reason | Rule::kw_require | Rule::kw_disqualify => "`require` or `disqualify`",
        Rule::index => "a condition number such as `#2`",
        Rule::cmp => "a comparison",
        Rule::require_item
        | Rule::disqualify_item
        | Rule::quota_item
        | Rule::eligible_item
        | Rule::scoring_item
        | Rule::scoring_part
        | Rule::kw_criterion
        | Rule::kw_bonus
        | Rule::kw_penalty => "a coverage item",
        Rule::kw_quota => "`quota`",
        Rule::kw_of => "`of`",
        Rule::kw_for => "`for`",
        _ => "more input",
    }
}
