//! The printer: walks the parse tree rule by rule and emits layout items for its tokens.
//!
//! Each grammar rule with a say in the layout has a function here: where its statements start
//! (a hard break), where its clauses may continue on the next line (a soft break), and which
//! of its blocks may stay on one line. Everything else prints its tokens in order, one space
//! apart (none inside brackets, before `,` and `:`, after unary `-`, or between a function and
//! its `(`). Punctuation and comments are taken from the token list as the walk passes them, so
//! nothing written is lost and nothing is printed twice.

use pest::iterators::Pair;

use super::internal;
use super::layout::{Indent, Item, Sep};
use super::lex::{Kind, Tok};
use crate::diag::{Diagnostic, FileId};
use crate::lang::Lang;
use crate::syntax::Rule;
use crate::syntax::keywords::entry;

type Result<T> = std::result::Result<T, Box<Diagnostic>>;

/// What the last text was, for the spacing of `(`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prev {
    /// A name or an aggregate: `(` follows without a space.
    Callee,
    /// Unary minus, `(`: what follows has no space.
    Glue,
    Other,
}

/// How a block's statements are separated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Inline,
    Expanded,
}

pub(super) struct Printer<'t> {
    toks: Vec<Tok<'t>>,
    pos: usize,
    lang: Lang,
    file: FileId,
    pub(super) items: Vec<Item>,
    /// The separator before the next text that is not `,`, `:` or `)`.
    pending: Sep,
    prev: Prev,
}

impl<'t> Printer<'t> {
    pub(super) fn new(toks: Vec<Tok<'t>>, lang: Lang, file: FileId) -> Printer<'t> {
        Printer {
            toks,
            pos: 0,
            lang,
            file,
            items: Vec::new(),
            pending: Sep::Hard { indent: 0, blank: true },
            prev: Prev::Other,
        }
    }

    // -----------------------------------------------------------------------------------
    // Tokens

    /// Emit the punctuation and comments before `at`.
    fn flush(&mut self, at: usize) -> Result<()> {
        while let Some(t) = self.toks.get(self.pos).copied() {
            if t.start >= at {
                break;
            }
            self.pos += 1;
            match t.kind {
                Kind::Punct => self.punct(t.text, t.breaks),
                Kind::Comment => self.comment(t),
                Kind::Word(_) | Kind::Phrase(_) => {
                    return Err(internal(self.file, t.start, "a word was skipped"));
                }
            }
        }
        Ok(())
    }

    fn punct(&mut self, p: &str, breaks: usize) {
        let sep = match p {
            // These follow what they close or end, and leave the pending separator for the
            // next text: `require "label": ⏎ condition`.
            "," | ":" | ")" => Sep::None,
            _ => {
                let sep = std::mem::replace(&mut self.pending, Sep::Space);
                let hard = matches!(sep, Sep::Hard { .. });
                if !hard && (self.prev == Prev::Glue || (p == "(" && self.prev == Prev::Callee)) {
                    Sep::None
                } else {
                    sep
                }
            }
        };
        self.items.push(Item::Text { sep, text: p.to_string(), width: p.chars().count(), breaks });
        self.prev = if p == "(" { Prev::Glue } else { Prev::Other };
    }

    fn comment(&mut self, t: Tok<'t>) {
        let eol = t.breaks == 0 && !self.items.is_empty();
        let (indent, blank) = match self.pending {
            Sep::Hard { indent, blank } => (Some(indent), blank),
            _ => (None, false),
        };
        // A comment before a closing `}` belongs to the block's statements.
        let closing = self
            .toks
            .get(self.pos..)
            .and_then(|rest| rest.iter().find(|t| t.kind != Kind::Comment).map(|t| t.text == "}"));
        let indent = if closing == Some(true) { indent.map(|i| i + 2) } else { indent };
        self.items.push(Item::Comment {
            text: t.text.to_string(),
            eol,
            breaks: t.breaks,
            indent,
            blank,
        });
    }

    /// Emit one word of the tree (keyword, name, literal, operator).
    fn word(&mut self, p: &Pair<'t, Rule>) -> Result<()> {
        let start = p.as_span().start();
        self.flush(start)?;
        let t = self.next_tok(start)?;
        let rule = p.as_rule();
        let (text, width) = match entry(rule) {
            Some(k) if !k.is_phrase() => (k.spelling(self.lang).to_string(), k.en.chars().count()),
            _ => (t.text.to_string(), t.text.chars().count()),
        };
        self.text(text, width, t.breaks);
        self.prev = match rule {
            Rule::ident => Prev::Callee,
            Rule::op_neg => Prev::Glue,
            _ if entry(rule)
                .is_some_and(|k| k.class == crate::syntax::keywords::Class::Function) =>
            {
                Prev::Callee
            }
            _ => Prev::Other,
        };
        Ok(())
    }

    fn next_tok(&mut self, start: usize) -> Result<Tok<'t>> {
        match self.toks.get(self.pos).copied() {
            Some(t) if t.start == start => {
                self.pos += 1;
                Ok(t)
            }
            _ => Err(internal(self.file, start, "tokens out of step")),
        }
    }

    fn text(&mut self, text: String, width: usize, breaks: usize) {
        let sep = std::mem::replace(&mut self.pending, Sep::Space);
        let sep = if self.prev == Prev::Glue && !matches!(sep, Sep::Hard { .. }) {
            Sep::None
        } else {
            sep
        };
        self.items.push(Item::Text { sep, text, width, breaks });
    }

    /// A phrase written whole in the output language, its numbers as written.
    fn phrase(&mut self, p: &Pair<'t, Rule>, singular: bool) -> Result<()> {
        let start = p.as_span().start();
        self.flush(start)?;
        let t = self.next_tok(start)?;
        let k = entry(p.as_rule()).ok_or_else(|| internal(self.file, start, "phrase"))?;
        let mut numbers = Vec::new();
        integers(p.clone(), &mut numbers);
        let fill = |s: &str| {
            let mut s = s.to_string();
            if let Some(k) = numbers.first() {
                s = s.replace("{k}", k);
            }
            if let Some(n) = numbers.last() {
                s = s.replace("{n}", n);
            }
            if singular && p.as_rule() == Rule::wf_working_days {
                s = s.replace("working days", "working day");
            }
            s
        };
        let (en, vi) = (fill(k.en), fill(k.vi));
        let width = en.chars().count();
        self.text(self.lang.pick(&en, &vi).to_string(), width, t.breaks);
        self.prev = Prev::Other;
        Ok(())
    }

    /// Print a node's tokens in order, dispatching children with layout rules.
    fn node(&mut self, p: &Pair<'t, Rule>) -> Result<()> {
        use crate::syntax::keywords::is_phrase_rule;
        let rule = p.as_rule();
        if is_phrase_rule(rule) {
            return self.phrase(p, false);
        }
        match rule {
            Rule::expr => return self.expr(p),
            Rule::string => return self.word(p),
            Rule::plain_tail | Rule::ordered_tail if p.clone().into_inner().next().is_none() => {
                return Ok(());
            }
            _ => {}
        }
        let mut inner = p.clone().into_inner().peekable();
        if inner.peek().is_none() {
            return self.word(p);
        }
        for child in inner {
            self.child(rule, &child)?;
        }
        Ok(())
    }

    /// One child of `parent`, with a soft break before it where the parent's clauses allow.
    fn child(&mut self, parent: Rule, c: &Pair<'t, Rule>) -> Result<()> {
        let rule = c.as_rule();
        let soft = match parent {
            Rule::param_value | Rule::extern_decl | Rule::scoring_decl | Rule::group => {
                matches!(rule, Rule::basis | Rule::weight)
            }
            Rule::ratio | Rule::pass | Rule::each | Rule::formula => {
                matches!(
                    rule,
                    Rule::basis
                        | Rule::weight
                        | Rule::kw_actual
                        | Rule::kw_target
                        | Rule::kw_when
                        | Rule::kw_points
                        | Rule::kw_per
                ) || (parent == Rule::formula && rule == Rule::expr)
            }
            Rule::adjust => {
                matches!(rule, Rule::kw_points | Rule::adjust_base | Rule::cap | Rule::basis)
            }
            Rule::mark_decl => matches!(rule, Rule::basis | Rule::kw_when),
            Rule::require | Rule::disqualify => matches!(rule, Rule::basis | Rule::expr),
            Rule::quota => {
                matches!(
                    rule,
                    Rule::quota_of | Rule::quota_per | Rule::quota_by | Rule::quota_round
                )
            }
            Rule::wf_header => rule == Rule::basis,
            Rule::wf_vote => rule != Rule::kw_vote && rule != Rule::ident,
            Rule::wf_transition => matches!(rule, Rule::wf_by | Rule::wf_on | Rule::wf_when),
            Rule::if_expr => matches!(rule, Rule::kw_then | Rule::kw_else),
            _ => false,
        };
        if soft {
            self.pending = Sep::Soft { clause: parent != Rule::if_expr };
        }
        match rule {
            Rule::sort_key if self.after_comma(c) => self.pending = Sep::Soft { clause: false },
            Rule::expr if matches!(parent, Rule::call | Rule::aggregate) && self.after_comma(c) => {
                self.pending = Sep::Soft { clause: false };
            }
            _ => {}
        }
        self.node(c)
    }

    /// Whether the next punctuation before `c` is a comma (a list continues).
    fn after_comma(&self, c: &Pair<'t, Rule>) -> bool {
        let start = c.as_span().start();
        self.toks
            .get(self.pos..)
            .unwrap_or(&[])
            .iter()
            .take_while(|t| t.start < start)
            .any(|t| t.kind == Kind::Punct && t.text == ",")
    }

    // -----------------------------------------------------------------------------------
    // Files and statements

    /// A whole rule or workflow file.
    pub(super) fn file(&mut self, root: &Pair<'t, Rule>) -> Result<()> {
        for c in root.clone().into_inner() {
            match c.as_rule() {
                Rule::EOI => {}
                Rule::header => self.header(&c)?,
                Rule::wf_header => self.statement(&c, 0)?,
                _ => {
                    self.pending = Sep::Hard { indent: 0, blank: true };
                    self.item(&c, 0)?;
                }
            }
        }
        self.pending = Sep::Hard { indent: 0, blank: true };
        let end = self.toks.last().map_or(0, |t| t.start + 1);
        self.flush(end)
    }

    fn header(&mut self, p: &Pair<'t, Rule>) -> Result<()> {
        self.items.push(Item::Push(Indent::Abs(2)));
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::cycle_decl | Rule::effective | Rule::basis => {
                    self.pending = Sep::Hard { indent: 2, blank: false };
                    self.statement(&c, 2)?;
                }
                _ => self.node(&c)?,
            }
        }
        self.items.push(Item::Pop);
        Ok(())
    }

    /// One statement at `indent`, its continuation lines two columns further in.
    fn statement(&mut self, p: &Pair<'t, Rule>, indent: usize) -> Result<()> {
        self.items.push(Item::Push(Indent::Abs(indent + 2)));
        self.node(p)?;
        self.items.push(Item::Pop);
        Ok(())
    }

    /// A declaration or a statement in a block, at `indent`.
    fn item(&mut self, p: &Pair<'t, Rule>, indent: usize) -> Result<()> {
        let rule = p.as_rule();
        let stmts: Option<Vec<Pair<'t, Rule>>> = match rule {
            Rule::param_decl => Some(children(p, &[Rule::param_value])),
            Rule::entity_decl => Some(children(p, &[Rule::field])),
            Rule::scoring_decl => Some(children(
                p,
                &[
                    Rule::group,
                    Rule::ratio,
                    Rule::pass,
                    Rule::each,
                    Rule::formula,
                    Rule::adjust,
                    Rule::band,
                    Rule::rank_decl,
                ],
            )),
            Rule::group => Some(children(
                p,
                &[Rule::group, Rule::ratio, Rule::pass, Rule::each, Rule::formula],
            )),
            Rule::award_decl => Some(children(
                p,
                &[
                    Rule::basis,
                    Rule::authority,
                    Rule::require,
                    Rule::disqualify,
                    Rule::quota,
                    Rule::vote,
                    Rule::reward,
                ],
            )),
            Rule::wf_calendar => Some(children(p, &[Rule::wf_weekend, Rule::wf_holiday])),
            Rule::wf_stage => {
                let s = children(p, &[Rule::wf_deadline, Rule::wf_vote]);
                if s.is_empty() && !self.has_block(p) { None } else { Some(s) }
            }
            Rule::enum_decl => return self.enum_decl(p, indent),
            Rule::wf_deadline => return self.deadline(p, indent),
            _ => None,
        };
        let Some(stmts) = stmts else { return self.statement(p, indent) };
        // The head: every child before the first statement (and before `{`).
        self.items.push(Item::Push(Indent::Abs(indent + 2)));
        let first_stmt = stmts.first().map(|s| s.as_span().start());
        let open = self.block_open(p)?;
        for c in p.clone().into_inner() {
            let s = c.as_span().start();
            if s >= open || first_stmt.is_some_and(|f| s >= f) {
                break;
            }
            self.child(rule, &c)?;
        }
        self.items.push(Item::Pop);
        self.block(p, indent, &stmts, |pr, s, i, _| pr.item(s, i))
    }

    /// Whether a node's tokens include a `{`.
    fn has_block(&self, p: &Pair<'t, Rule>) -> bool {
        let (a, b) = (p.as_span().start(), p.as_span().end());
        self.toks
            .iter()
            .any(|t| t.kind == Kind::Punct && t.text == "{" && t.start >= a && t.start < b)
    }

    /// The position of the `{` of the block of `p`.
    fn block_open(&self, p: &Pair<'t, Rule>) -> Result<usize> {
        let (a, b) = (p.as_span().start(), p.as_span().end());
        self.toks
            .iter()
            .find(|t| t.kind == Kind::Punct && t.text == "{" && t.start >= a && t.start < b)
            .map(|t| t.start)
            .ok_or_else(|| internal(self.file, a, "block without `{`"))
    }

    /// A `{ … }` block of `stmts` for the node `p` at `indent`: one statement per line, or on
    /// one line when the source had it so, it holds at most one statement and no comment,
    /// and it fits.
    fn block(
        &mut self,
        p: &Pair<'t, Rule>,
        indent: usize,
        stmts: &[Pair<'t, Rule>],
        each: fn(&mut Self, &Pair<'t, Rule>, usize, bool) -> Result<()>,
    ) -> Result<()> {
        let open = self.block_open(p)?;
        let open_i = self.toks.iter().position(|t| t.start == open).unwrap_or(self.pos);
        let close_i = matching_close(&self.toks, open_i)
            .ok_or_else(|| internal(self.file, open, "unclosed block"))?;
        let inside = self.toks.get(open_i + 1..close_i).unwrap_or(&[]);
        let one_line = inside.iter().chain(self.toks.get(close_i)).all(|t| t.breaks == 0);
        let comments = inside.iter().any(|t| t.kind == Kind::Comment);
        let list = p.as_rule() == Rule::enum_decl;
        if stmts.is_empty() && !comments {
            self.flush(open + 1)?;
            self.pending = Sep::None;
            let close = self.toks.get(close_i).map_or(open + 1, |t| t.start);
            return self.flush(close + 1);
        }
        if one_line && !comments && (stmts.len() <= 1 || list) {
            let (pos, pending, prev, mark) = (self.pos, self.pending, self.prev, self.items.len());
            self.block_body(open, close_i, indent, stmts, Mode::Inline, each)?;
            let inline = self.items.split_off(mark);
            (self.pos, self.pending, self.prev) = (pos, pending, prev);
            self.block_body(open, close_i, indent, stmts, Mode::Expanded, each)?;
            let expanded = self.items.split_off(mark);
            self.items.push(Item::Group { inline, expanded });
            return Ok(());
        }
        self.block_body(open, close_i, indent, stmts, Mode::Expanded, each)
    }

    fn block_body(
        &mut self,
        open: usize,
        close_i: usize,
        indent: usize,
        stmts: &[Pair<'t, Rule>],
        mode: Mode,
        each: fn(&mut Self, &Pair<'t, Rule>, usize, bool) -> Result<()>,
    ) -> Result<()> {
        self.flush(open + 1)?;
        let inner = indent + 2;
        self.items.push(Item::Push(Indent::Abs(inner)));
        for (i, s) in stmts.iter().enumerate() {
            self.pending = match mode {
                Mode::Inline => Sep::Space,
                Mode::Expanded => Sep::Hard { indent: inner, blank: true },
            };
            each(self, s, inner, i == 0)?;
        }
        self.items.push(Item::Pop);
        // A trailing comma of an enumeration goes.
        let close = self.toks.get(close_i).map_or(0, |t| t.start);
        self.pending = match mode {
            Mode::Inline => Sep::Space,
            Mode::Expanded => Sep::Hard { indent, blank: false },
        };
        self.skip_trailing_comma(close)?;
        self.flush(close + 1)
    }

    fn skip_trailing_comma(&mut self, close: usize) -> Result<()> {
        let rest = self.toks.get(self.pos..).unwrap_or(&[]);
        let comma = rest
            .iter()
            .take_while(|t| t.start < close)
            .position(|t| t.kind == Kind::Punct && t.text == ",");
        if let Some(i) = comma {
            // Comments before the comma are kept; the comma is dropped.
            self.flush(rest.get(i).map_or(close, |t| t.start))?;
            self.pos += 1;
        }
        Ok(())
    }

    /// `enum name "label" { A < B < C }`: the variants are a list, broken before `<` (or after
    /// `,`) where the source broke it or it runs long.
    fn enum_decl(&mut self, p: &Pair<'t, Rule>, indent: usize) -> Result<()> {
        let mut variants = Vec::new();
        self.items.push(Item::Push(Indent::Abs(indent + 2)));
        let open = self.block_open(p)?;
        for c in p.clone().into_inner() {
            if c.as_span().start() < open {
                self.node(&c)?;
            } else if c.as_rule() == Rule::variant {
                variants.push(c);
            } else {
                variants.extend(c.into_inner());
            }
        }
        self.items.push(Item::Pop);
        self.block(p, indent, &variants, |pr, v, _, first| {
            if !first {
                pr.pending = Sep::Soft { clause: false };
            }
            pr.node(v)
        })
    }

    /// `deadline 10 working days` (`working day` for one).
    fn deadline(&mut self, p: &Pair<'t, Rule>, indent: usize) -> Result<()> {
        self.items.push(Item::Push(Indent::Abs(indent + 2)));
        let mut one = false;
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::integer => {
                    one = c.as_str() == "1";
                    self.word(&c)?;
                }
                Rule::wf_working_days => self.phrase(&c, one)?,
                _ => self.node(&c)?,
            }
        }
        self.items.push(Item::Pop);
        Ok(())
    }

    // -----------------------------------------------------------------------------------
    // Expressions

    /// An expression: continuation lines two columns in from the line it starts on, breaking
    /// before `and` and `or`.
    fn expr(&mut self, p: &Pair<'t, Rule>) -> Result<()> {
        // What comes before (`:`, `(`) belongs to the enclosing line, not to this expression.
        self.flush(p.as_span().start())?;
        self.items.push(Item::Push(Indent::Line(2)));
        for c in p.clone().into_inner() {
            if matches!(c.as_rule(), Rule::op_and | Rule::op_or) {
                self.pending = Sep::Soft { clause: false };
            }
            self.node(&c)?;
        }
        self.items.push(Item::Pop);
        Ok(())
    }
}

/// The children of `p` whose rule is one of `rules`.
fn children<'t>(p: &Pair<'t, Rule>, rules: &[Rule]) -> Vec<Pair<'t, Rule>> {
    p.clone().into_inner().filter(|c| rules.contains(&c.as_rule())).collect()
}

/// The index of the `}` that closes the `{` at `open`.
fn matching_close(toks: &[Tok<'_>], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate().skip(open) {
        if t.kind != Kind::Punct {
            continue;
        }
        match t.text {
            "{" => depth += 1,
            "}" => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The integers of a phrase, in order, as written.
fn integers(p: Pair<'_, Rule>, out: &mut Vec<String>) {
    for c in p.into_inner() {
        if c.as_rule() == Rule::integer {
            out.push(c.as_str().to_string());
        } else {
            integers(c, out);
        }
    }
}
