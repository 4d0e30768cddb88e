//! Vietnamese for diagnostics: a catalog of the English texts and their translations.
//!
//! Diagnostics are built in English at some 400 sites (`format!` with user text in
//! backticks). Rather than thread a language through all of them, this module translates the
//! finished texts: the catalog (`catalog.rs`) lists, per diagnostic code, English *patterns*
//! of the message, label, related labels and help, each with its Vietnamese template. A text
//! is translated by the first pattern of its code (then the first shared pattern, code `*`)
//! that matches the whole text.
//!
//! # Patterns
//!
//! An English pattern is literal text with holes; the Vietnamese template refers to the holes
//! by position, `{0}`, `{1}`…, so the word order may change:
//!
//! | hole | matches | becomes |
//! | --- | --- | --- |
//! | `{}` | any non-empty text (user text, numbers, dates) | the same text |
//! | `{p}` | a *phrase* of `catalog::PHRASES` (`a number`, `an entity kind`…) or one backticked token | its translation |
//! | `{l}` | a list of phrases or backticked tokens joined by `, `, ` or `, ` and ` or ` → ` | each item translated, `hoặc`/`và` for `or`/`and` |
//! | `{x}` | text from outside thidua (an OS or library error, a script's own message) | its translation when a phrase matches, else the same text |
//!
//! Holes match as little as possible, leftmost first, and backtrack: `` `{}` is not a variant
//! of `{}` `` splits where the literal text fits. Two holes must not touch.
//!
//! The catalog also carries the texts the workflow engine records in the log (vote rules,
//! tally reasons), for Vietnamese explanations of proposals ([`translate_event`]).
//!
//! # Coverage
//!
//! [`misses`] lists the texts of a diagnostic that no pattern matches; the i18n test runs every
//! corpus file through the checker and asserts that the list is empty, so a diagnostic added
//! without a translation fails the build. At run time a miss is shown in English, never lost.

use std::sync::LazyLock;

use super::Diagnostic;

mod catalog;

/// A hole in an English pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hole {
    /// `{}`: copied as it is.
    Verbatim,
    /// `{p}`: a phrase, translated.
    Phrase,
    /// `{l}`: a list of phrases, translated item by item.
    List,
    /// `{x}`: outside text, translated if possible, else copied.
    External,
}

/// A piece of an English pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Lit(&'static str),
    Hole(Hole),
}

/// A piece of a Vietnamese template.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Out {
    Lit(&'static str),
    Ref(usize),
}

/// Which text of a diagnostic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// The one-line message.
    Message,
    /// The label under the caret.
    Label,
    /// The label of a secondary location.
    Related,
    /// The help line.
    Help,
}

impl Part {
    /// `message`, `label`, `related` or `help`.
    pub fn name(self) -> &'static str {
        match self {
            Part::Message => "message",
            Part::Label => "label",
            Part::Related => "related",
            Part::Help => "help",
        }
    }
}

/// One compiled catalog entry.
#[derive(Debug)]
struct Pattern {
    /// A diagnostic code, or `*`.
    code: &'static str,
    /// The only text it applies to, if any (`code@label`).
    part: Option<Part>,
    en: Vec<Seg>,
    vi: Vec<Out>,
}

/// A catalog entry that does not compile (the catalog's tests require there be none).
#[derive(Debug, PartialEq, Eq)]
pub struct BadEntry {
    /// The English pattern.
    pub en: &'static str,
    /// What is wrong with it.
    pub why: String,
}

fn parse_en(en: &'static str) -> Result<Vec<Seg>, String> {
    let mut segs = Vec::new();
    let mut rest = en;
    while !rest.is_empty() {
        let hole = [
            ("{}", Hole::Verbatim),
            ("{p}", Hole::Phrase),
            ("{l}", Hole::List),
            ("{x}", Hole::External),
        ]
        .into_iter()
        .filter_map(|(tok, h)| rest.find(tok).map(|at| (at, tok.len(), h)))
        .min_by_key(|(at, _, _)| *at);
        match hole {
            Some((at, len, h)) => {
                if at > 0 {
                    segs.push(Seg::Lit(rest.get(..at).unwrap_or("")));
                } else if matches!(segs.last(), Some(Seg::Hole(_))) {
                    return Err(String::from("two holes touch"));
                }
                segs.push(Seg::Hole(h));
                rest = rest.get(at + len..).unwrap_or("");
            }
            None => {
                segs.push(Seg::Lit(rest));
                rest = "";
            }
        }
    }
    if segs.is_empty() {
        return Err(String::from("empty pattern"));
    }
    Ok(segs)
}

fn parse_vi(vi: &'static str, holes: usize) -> Result<Vec<Out>, String> {
    let mut out = Vec::new();
    let mut used = vec![false; holes];
    let mut rest = vi;
    while let Some(at) = rest.find('{') {
        let after = rest.get(at + 1..).unwrap_or("");
        let digits: &str = after
            .get(..after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len()))
            .unwrap_or("");
        if digits.is_empty() || !after.get(digits.len()..).is_some_and(|r| r.starts_with('}')) {
            // A literal brace (`{ … }` in an example).
            out.push(Out::Lit(rest.get(..=at).unwrap_or("")));
            rest = after;
            continue;
        }
        let n: usize = digits.parse().map_err(|_| format!("bad reference `{{{digits}}}`"))?;
        let Some(slot) = used.get_mut(n) else {
            return Err(format!("`{{{n}}}` refers to a hole the pattern does not have"));
        };
        *slot = true;
        if at > 0 {
            out.push(Out::Lit(rest.get(..at).unwrap_or("")));
        }
        out.push(Out::Ref(n));
        rest = after.get(digits.len() + 1..).unwrap_or("");
    }
    if !rest.is_empty() {
        out.push(Out::Lit(rest));
    }
    if let Some(n) = used.iter().position(|u| !u) {
        return Err(format!("the translation drops hole {{{n}}}"));
    }
    Ok(out)
}

fn compile(code: &'static str, en: &'static str, vi: &'static str) -> Result<Pattern, BadEntry> {
    let bad = |why: String| BadEntry { en, why };
    let (code, part) = match code.split_once('@') {
        None => (code, None),
        Some((c, p)) => {
            let part = [Part::Message, Part::Label, Part::Related, Part::Help]
                .into_iter()
                .find(|x| x.name() == p)
                .ok_or_else(|| bad(format!("unknown part `{p}`")))?;
            (c, Some(part))
        }
    };
    let en_segs = parse_en(en).map_err(bad)?;
    let holes = en_segs.iter().filter(|s| matches!(s, Seg::Hole(_))).count();
    let vi_segs = parse_vi(vi, holes).map_err(bad)?;
    Ok(Pattern { code, part, en: en_segs, vi: vi_segs })
}

struct Compiled {
    /// Diagnostic texts, code-specific entries first within each code.
    texts: Vec<Pattern>,
    /// Phrases for `{p}` and `{l}` holes.
    phrases: Vec<Pattern>,
    /// Entries that do not compile (skipped; the catalog test reports them).
    bad: Vec<BadEntry>,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let mut bad = Vec::new();
    let mut build = |entries: &[(&'static str, &'static str, &'static str)]| {
        let mut out = Vec::new();
        for &(code, en, vi) in entries {
            match compile(code, en, vi) {
                Ok(p) => out.push(p),
                Err(e) => bad.push(e),
            }
        }
        out
    };
    let all: Vec<(&'static str, &'static str, &'static str)> =
        catalog::TEXTS.iter().flat_map(|area| area.iter().copied()).collect();
    let texts = build(&all);
    let phrase_entries: Vec<(&'static str, &'static str, &'static str)> =
        catalog::PHRASES.iter().map(|&(en, vi)| ("*", en, vi)).collect();
    let phrases = build(&phrase_entries);
    Compiled { texts, phrases, bad }
});

/// Catalog entries that do not compile, and so are never used: empty in a correct catalog.
pub fn bad_entries() -> &'static [BadEntry] {
    &COMPILED.bad
}

/// Nesting limit for phrases inside phrases (a phrase pattern may itself have holes).
const MAX_DEPTH: usize = 8;

/// Try one pattern against the whole of `text`.
fn apply(p: &Pattern, text: &str, depth: usize) -> Option<String> {
    let mut caps = Vec::new();
    if !match_segs(&p.en, text, &mut caps, depth) {
        return None;
    }
    let mut out = String::new();
    for o in &p.vi {
        match o {
            Out::Lit(s) => out.push_str(s),
            Out::Ref(n) => out.push_str(caps.get(*n).map_or("", String::as_str)),
        }
    }
    Some(out)
}

fn match_segs(segs: &[Seg], text: &str, caps: &mut Vec<String>, depth: usize) -> bool {
    let Some((first, rest)) = segs.split_first() else { return text.is_empty() };
    match first {
        Seg::Lit(l) => text.strip_prefix(l).is_some_and(|t| match_segs(rest, t, caps, depth)),
        Seg::Hole(h) => {
            let ends: Vec<usize> = match rest.first() {
                None => vec![text.len()],
                Some(Seg::Lit(l)) => occurrences(text, l),
                // Touching holes are refused when the pattern is compiled.
                Some(Seg::Hole(_)) => Vec::new(),
            };
            for end in ends.into_iter().filter(|&e| e > 0) {
                let (Some(cap), Some(after)) = (text.get(..end), text.get(end..)) else {
                    continue;
                };
                let Some(filled) = fill(*h, cap, depth) else { continue };
                caps.push(filled);
                if match_segs(rest, after, caps, depth) {
                    return true;
                }
                caps.pop();
            }
            false
        }
    }
}

/// Every byte offset where `needle` occurs in `text`, overlapping ones included, leftmost first.
fn occurrences(text: &str, needle: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|t| t.find(needle)) {
        out.push(from + at);
        from += at + text.get(from + at..).and_then(|t| t.chars().next()).map_or(1, char::len_utf8);
    }
    out
}

fn fill(h: Hole, cap: &str, depth: usize) -> Option<String> {
    match h {
        Hole::Verbatim => Some(cap.to_string()),
        Hole::Phrase => phrase(cap, depth + 1),
        Hole::List => list(cap, depth + 1),
        Hole::External => Some(phrase(cap, depth + 1).unwrap_or_else(|| cap.to_string())),
    }
}

/// Whether `s` is one backticked token: `` `x` ``.
fn is_quoted(s: &str) -> bool {
    s.len() >= 2 && s.starts_with('`') && s.ends_with('`') && s.matches('`').count() == 2
}

/// A phrase, or one backticked token as it is.
fn phrase(text: &str, depth: usize) -> Option<String> {
    if is_quoted(text) {
        return Some(text.to_string());
    }
    if depth > MAX_DEPTH {
        return None;
    }
    COMPILED.phrases.iter().find_map(|p| apply(p, text, depth))
}

/// The list separators, and what each becomes.
const SEPARATORS: [(&str, &str); 4] =
    [(", ", ", "), (" or ", " hoặc "), (" and ", " và "), (" → ", " → ")];

/// A list of phrases: split outside backticks at the separators, each item translated.
fn list(text: &str, depth: usize) -> Option<String> {
    let mut out = String::new();
    let mut item_start = 0;
    let mut in_code = false;
    let mut i = 0;
    while i < text.len() {
        let rest = text.get(i..)?;
        if rest.starts_with('`') {
            in_code = !in_code;
            i += 1;
            continue;
        }
        if !in_code && let Some((sep, vi)) = SEPARATORS.iter().find(|(s, _)| rest.starts_with(s)) {
            out.push_str(&phrase(text.get(item_start..i)?, depth)?);
            out.push_str(vi);
            i += sep.len();
            item_start = i;
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    out.push_str(&phrase(text.get(item_start..)?, depth)?);
    Some(out)
}

/// The Vietnamese for one text of a diagnostic with this code, if the catalog has it.
pub fn translate(code: &str, part: Part, text: &str) -> Option<String> {
    let c = &*COMPILED;
    let fits = |p: &&Pattern, code: &str| p.code == code && p.part.is_none_or(|x| x == part);
    c.texts
        .iter()
        .filter(|p| fits(p, code))
        .chain(c.texts.iter().filter(|p| fits(p, "*")))
        .find_map(|p| apply(p, text, 0))
}

/// The Vietnamese for a phrase (`a number`, `an entity kind`…), if the catalog has it.
pub fn translate_phrase(text: &str) -> Option<String> {
    phrase(text, 0)
}

/// The Vietnamese for a text the workflow engine recorded in the log (a vote rule, a tally
/// reason, a guard hook's result), if the catalog has it (pseudo-code `event`).
pub fn translate_event(text: &str) -> Option<String> {
    translate("event", Part::Message, text).or_else(|| translate_phrase(text))
}

/// A text of a diagnostic that the catalog cannot translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    /// The diagnostic's code.
    pub code: &'static str,
    /// Which text.
    pub part: Part,
    /// The English text.
    pub text: String,
}

/// Every text of `d` that no pattern matches.
pub fn misses(d: &Diagnostic) -> Vec<Miss> {
    let mut texts: Vec<(Part, &str)> = vec![(Part::Message, d.message.as_str())];
    texts.extend(d.label.as_deref().map(|l| (Part::Label, l)));
    texts.extend(d.related.iter().map(|(_, l)| (Part::Related, l.as_str())));
    texts.extend(d.help.as_deref().map(|h| (Part::Help, h)));
    texts
        .into_iter()
        .filter(|(part, t)| translate(d.code, *part, t).is_none())
        .map(|(part, t)| Miss { code: d.code, part, text: t.to_string() })
        .collect()
}

/// `d` in Vietnamese; a text the catalog lacks stays in English.
pub(super) fn translated(d: &Diagnostic) -> Diagnostic {
    let tr = |part: Part, t: &str| translate(d.code, part, t).unwrap_or_else(|| t.to_string());
    Diagnostic {
        severity: d.severity,
        code: d.code,
        message: tr(Part::Message, &d.message),
        span: d.span,
        label: d.label.as_deref().map(|l| tr(Part::Label, l)),
        related: d.related.iter().map(|(s, l)| (*s, tr(Part::Related, l))).collect(),
        help: d.help.as_deref().map(|h| tr(Part::Help, h)),
    }
}

#[cfg(test)]
mod tests;
