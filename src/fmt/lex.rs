//! The tokens of a parsed file in source order: words, punctuation and comments.
//!
//! The parse tree holds words (keywords, names, literals, operators) but neither punctuation
//! nor comments, which the grammar matches silently. Both sit in the gaps between words, so
//! a scan of each gap recovers them. Each token records how many line breaks precede it, which
//! is how the formatter keeps blank lines and the line breaks a writer chose.

use pest::iterators::Pair;

use super::internal;
use crate::diag::{Diagnostic, FileId};
use crate::syntax::Rule;
use crate::syntax::keywords::is_phrase_rule;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A word of the parse tree: keyword, name, literal or operator.
    Word(Rule),
    /// A phrase written whole (a history window): its words, numbers and any comments.
    Phrase(Rule),
    /// `{ } ( ) , : = < ->`.
    Punct,
    /// `// …` or `# …` up to the end of the line (without it).
    Comment,
}

/// One token.
#[derive(Clone, Copy, Debug)]
pub(super) struct Tok<'t> {
    pub(super) kind: Kind,
    pub(super) text: &'t str,
    pub(super) start: usize,
    /// Line breaks between the previous token (of any kind) and this one.
    pub(super) breaks: usize,
}

/// The tokens of the file whose parse tree is `root`.
pub(super) fn tokens<'t>(
    root: &Pair<'t, Rule>,
    text: &'t str,
    file: FileId,
) -> Result<Vec<Tok<'t>>, Box<Diagnostic>> {
    let mut words = Vec::new();
    collect(root.clone(), &mut words);
    let mut out = Vec::with_capacity(words.len() * 2);
    let mut at = 0;
    let mut breaks = 0;
    for (kind, start, end) in words {
        if start < at {
            return Err(internal(file, start, "overlapping tokens"));
        }
        gap(text, at, start, &mut breaks, &mut out, file)?;
        let word = text.get(start..end).ok_or_else(|| internal(file, start, "token range"))?;
        out.push(Tok { kind, text: word, start, breaks });
        if let Kind::Phrase(_) = kind {
            // Comments inside a phrase (`for 3 // …` ⏎ `consecutive cycles`) follow it: the
            // phrase is written whole, on one line.
            let mut from = start;
            for (i, _) in word.match_indices(['/', '#']) {
                let at = start + i;
                if at >= from && is_comment_start(text, at) {
                    let len = comment_len(text, at);
                    let t = text.get(at..at + len).unwrap_or("").trim_end();
                    let breaks = usize::from(from != start);
                    out.push(Tok { kind: Kind::Comment, text: t, start: at, breaks });
                    from = at + len;
                }
            }
        }
        breaks = 0;
        at = end;
    }
    gap(text, at, text.len(), &mut breaks, &mut out, file)?;
    Ok(out)
}

/// The words of the tree in order: leaves, strings and phrases, as (kind, start, end).
fn collect(p: Pair<'_, Rule>, out: &mut Vec<(Kind, usize, usize)>) {
    let rule = p.as_rule();
    let span = p.as_span();
    if rule == Rule::EOI {
        return;
    }
    if is_phrase_rule(rule) {
        let end = span.start() + crate::syntax::content_len(span.as_str());
        out.push((Kind::Phrase(rule), span.start(), end));
        return;
    }
    let mut inner = p.clone().into_inner().peekable();
    // An enumeration's tail holds variants and punctuation only; empty, it is no word.
    if matches!(rule, Rule::plain_tail | Rule::ordered_tail) && inner.peek().is_none() {
        return;
    }
    if rule == Rule::string || inner.peek().is_none() {
        out.push((Kind::Word(rule), span.start(), span.end()));
        return;
    }
    for child in inner {
        collect(child, out);
    }
}

/// Scan the text between two words for punctuation and comments.
fn gap<'t>(
    text: &'t str,
    from: usize,
    to: usize,
    breaks: &mut usize,
    out: &mut Vec<Tok<'t>>,
    file: FileId,
) -> Result<(), Box<Diagnostic>> {
    let mut i = from;
    while i < to {
        let rest = text.get(i..to).ok_or_else(|| internal(file, i, "gap range"))?;
        let Some(c) = rest.chars().next() else { break };
        if c == '\n' {
            *breaks += 1;
            i += 1;
        } else if c.is_whitespace() || c == '\u{FEFF}' {
            i += c.len_utf8();
        } else if is_comment_start(text, i) {
            let len = comment_len(text, i).min(to - i);
            let t = text.get(i..i + len).unwrap_or("").trim_end();
            out.push(Tok { kind: Kind::Comment, text: t, start: i, breaks: *breaks });
            *breaks = 0;
            i += len;
        } else {
            let len = if rest.starts_with("->") {
                2
            } else if "{}(),:=<".contains(c) {
                1
            } else {
                return Err(internal(file, i, "unexpected text between tokens"));
            };
            let t = rest.get(..len).unwrap_or("");
            out.push(Tok { kind: Kind::Punct, text: t, start: i, breaks: *breaks });
            *breaks = 0;
            i += len;
        }
    }
    Ok(())
}

fn is_comment_start(text: &str, i: usize) -> bool {
    text.get(i..).is_some_and(|r| r.starts_with("//") || r.starts_with('#'))
}

/// The length of the comment at `i`, up to (not including) the end of the line.
fn comment_len(text: &str, i: usize) -> usize {
    let rest = text.get(i..).unwrap_or("");
    rest.find('\n').unwrap_or(rest.len())
}
