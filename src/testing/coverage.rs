//! Coverage: which parts of a rule set the cases exercise.
//!
//! The items are, per award, its `eligible` outcome, each requirement, each disqualifier and
//! its quota; per scoring table, each criterion (groups included), each bonus and penalty
//! item and each grade band. An item is covered when some expectation pins it down:
//!
//! - `eligible of A`: an expectation `A eligible`;
//! - a requirement or disqualifier: an expectation names it after `because` (so a case shows
//!   it deciding, and the reasons are exact, not just the outcome);
//! - `quota of A`: an expectation `A over quota`;
//! - a criterion, bonus or penalty: an expectation checks a `score` to which it contributed
//!   points (not zero), or checks its points by name;
//! - a grade band: an expectation `grade G` names it.
//!
//! Items are listed in the order of the rule file. A test file can excuse an item with
//! `unreachable ITEM because "…"`; excused items are not counted, and one that a case covers
//! anyway is reported, so the excuse can go.

use std::collections::BTreeMap;

use crate::diag::{FileId, Span};
use crate::program::{Cond, Program};

/// One coverage item, by index into the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Item {
    /// The award can be granted: `(award)`.
    Eligible(usize),
    /// `(award, requirement)`.
    Require(usize, usize),
    /// `(award, disqualifier)`.
    Disqualify(usize, usize),
    /// `(award)`.
    Quota(usize),
    /// `(scoring table, criterion node)`.
    Node(usize, usize),
    /// `(scoring table, bonus or penalty item)`.
    Adjust(usize, usize),
    /// `(scoring table, grade variant position)`.
    Band(usize, u32),
}

/// Where each grade band is declared: `(scoring table, variant position)` → span.
pub(crate) type BandSpans = BTreeMap<(usize, u32), Span>;

/// The band declarations of a checked rule file. The program keeps no span per band, so we
/// read them from the syntax tree of the same text; a band not found there is located at its
/// scoring table.
pub(crate) fn band_spans(program: &Program, text: &str, file: FileId) -> BandSpans {
    let mut out = BandSpans::new();
    let Ok(ast) = crate::syntax::parse_rules(text, file) else { return out };
    for item in &ast.items {
        let crate::ast::Item::Scoring(decl) = item else { continue };
        let Some(s) = program.scorings.iter().position(|sc| sc.name == decl.name.name) else {
            continue;
        };
        let Some(def) = program
            .scorings
            .get(s)
            .and_then(|sc| sc.grades.as_ref())
            .and_then(|g| program.schema.enum_def(g.enum_id))
        else {
            continue;
        };
        for band in &decl.bands {
            if let Some(pos) = def.variant(&band.name.name) {
                out.insert((s, pos), band.span);
            }
        }
    }
    out
}

/// Every item of a program with its location, in file order.
pub(crate) fn items(program: &Program, bands: &BandSpans) -> Vec<(Item, Span)> {
    let mut out = Vec::new();
    for (a, award) in program.awards.iter().enumerate() {
        out.push((Item::Eligible(a), award.span));
        out.extend(award.requires.iter().enumerate().map(|(i, c)| (Item::Require(a, i), c.span)));
        out.extend(
            award.disqualifiers.iter().enumerate().map(|(i, c)| (Item::Disqualify(a, i), c.span)),
        );
        if let Some(q) = &award.quota {
            out.push((Item::Quota(a), q.span));
        }
    }
    for (s, sc) in program.scorings.iter().enumerate() {
        out.extend(sc.nodes.iter().enumerate().map(|(i, n)| (Item::Node(s, i), n.span)));
        out.extend(sc.adjusts.iter().enumerate().map(|(i, a)| (Item::Adjust(s, i), a.span)));
        if let Some(g) = &sc.grades {
            for (pos, _) in &g.bands {
                let span = bands.get(&(s, *pos)).copied().unwrap_or(sc.span);
                out.push((Item::Band(s, *pos), span));
            }
        }
    }
    out.sort_by_key(|(_, span)| (span.file, span.start));
    out
}

/// A label in double quotes, escaped as the test syntax reads it.
pub(crate) fn quoted(label: &str) -> String {
    format!("\"{}\"", label.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `require "label"` (or `require #2` when unlabelled).
pub(crate) fn cond_name(word: &str, conds: &[Cond], i: usize) -> String {
    match conds.get(i).and_then(|c| c.label.as_deref()) {
        Some(l) => format!("{word} {}", quoted(l)),
        None => format!("{word} #{}", i + 1),
    }
}

/// An item as the coverage report prints it, which is also how `unreachable` names it.
pub(crate) fn describe(program: &Program, item: Item) -> String {
    let award = |a: usize| program.awards.get(a).map_or("?", |x| x.name.as_str());
    let scoring = |s: usize| program.scorings.get(s);
    let of_table = |s: usize| {
        if program.scorings.len() > 1 {
            format!(" of {}", scoring(s).map_or("?", |x| x.name.as_str()))
        } else {
            String::new()
        }
    };
    match item {
        Item::Eligible(a) => format!("eligible of {}", award(a)),
        Item::Require(a, i) => {
            let conds = program.awards.get(a).map_or(&[][..], |x| &x.requires);
            format!("{} of {}", cond_name("require", conds, i), award(a))
        }
        Item::Disqualify(a, i) => {
            let conds = program.awards.get(a).map_or(&[][..], |x| &x.disqualifiers);
            format!("{} of {}", cond_name("disqualify", conds, i), award(a))
        }
        Item::Quota(a) => format!("quota of {}", award(a)),
        Item::Node(s, i) => {
            let name = scoring(s).and_then(|x| x.nodes.get(i)).map_or("?", |n| n.name.as_str());
            format!("criterion {name}{}", of_table(s))
        }
        Item::Adjust(s, i) => {
            let adj = scoring(s).and_then(|x| x.adjusts.get(i));
            let word = if adj.is_some_and(|a| a.bonus) { "bonus" } else { "penalty" };
            format!("{word} {}{}", adj.map_or("?", |a| a.name.as_str()), of_table(s))
        }
        Item::Band(s, pos) => {
            let name = scoring(s)
                .and_then(|x| x.grades.as_ref())
                .and_then(|g| program.schema.enum_def(g.enum_id))
                .map_or("?", |d| d.variant_name(pos));
            format!("grade {name}{}", of_table(s))
        }
    }
}
