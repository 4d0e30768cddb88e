//! A hand-written parser for `.rules` files: the fast path of [`super::parse_rules`].
//!
//! It reads the text as `grammar/rules.pest` does (a parsing expression grammar: ordered
//! choice, optional and repeated parts that give back what they read when they fail, the same
//! whitespace and comments between tokens, the same reserved words in both languages) and
//! builds the [`ast`](crate::ast) directly, with the spans `lower` gives.
//!
//! INVARIANT (the law): when [`parse`] returns `Some(file)`, pest and lowering return
//! `Ok(file)` for the same text, equal in every node and span. Anything it is not sure of
//! (a syntax error, a value lowering refuses, nesting past [`NESTING`], a byte-order mark
//! past the start) makes it return `None`, and the caller falls back to pest, which then
//! produces the file or the located diagnostic. Tests (`fast/tests.rs`), a property test and
//! the `rules_fast` fuzz target check the law.
//!
//! Every function mirrors one grammar rule. A rule that does not match returns `None`, and
//! the enclosing optional part, repetition or choice restores the position, as a parsing
//! expression grammar does; [`Parser::bail`] gives up on the whole file (its flag is sticky,
//! and checked once more at the end, so nothing can go on past it). Recursion is
//! bounded: every expression and criteria group counts one level of nesting as
//! `check_nesting` does, and past [`NESTING`] (half of pest's [`MAX_NESTING`]) the parser
//! bails.
//!
//! [`MAX_NESTING`]: super::MAX_NESTING

use std::cell::Cell;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::ast::*;
use crate::diag::{FileId, Span};

mod expr;
mod lex;

use expr::Piece;

/// How deeply the fast path nests, counted as `check_nesting` counts: half of
/// [`super::MAX_NESTING`], beyond which pest reports the file as too deep. Deeper files go to
/// pest, as they all did before; the bound leaves stack to spare even in a debug build on a
/// 2 MiB thread (a criteria group costs some 8 KiB of stack per level there).
const NESTING: usize = super::MAX_NESTING / 2;

/// Parse a rule file, or `None` where pest must decide (see the module's law).
pub(crate) fn parse(text: &str, file: FileId) -> Option<File> {
    let mut p = Parser::new(text, file);
    let parsed = p.file()?;
    if p.bom || p.bailed.get() { None } else { Some(parsed) }
}

/// What a rule returns: `None` if it does not match here, or if the parser bailed out
/// ([`Parser::bail`], a flag on the parser rather than an error value).
type R<T> = Option<T>;

/// The parser's state: a position in the text, the nesting depth, and the flat runs of the
/// expressions being read.
///
/// `repr(C)` keeps `pos` and `depth` apart: saved together, they would be read as one wide
/// load just after `pos` was written alone, which the processor cannot forward from the
/// store (a stall on every optional part).
#[repr(C)]
struct Parser<'t> {
    pos: usize,
    text: &'t str,
    bytes: &'t [u8],
    depth: usize,
    file: FileId,
    pieces: Vec<Piece>,
    /// The last whitespace skipped: from where, to where.
    skipped: (usize, usize),
    /// A byte-order mark was skipped past the start of the text.
    bom: bool,
    /// The parser gave up on the file: pest must decide.
    bailed: Cell<bool>,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str, file: FileId) -> Parser<'t> {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            file,
            depth: 0,
            pieces: Vec::new(),
            skipped: (usize::MAX, usize::MAX),
            bom: false,
            bailed: Cell::new(false),
        }
    }

    /// Give up on the whole file (a value lowering refuses, nesting too deep): the rule
    /// fails, and so does every rule around it, whatever they would try next.
    fn bail<T>(&self) -> R<T> {
        self.bailed.set(true);
        None
    }

    /// Try `rule`; if it does not match, restore the position and nesting and return `None`.
    fn opt<T>(&mut self, rule: impl FnOnce(&mut Self) -> R<T>) -> R<Option<T>> {
        let (pos, depth) = (self.pos, self.depth);
        match rule(self) {
            Some(v) => Some(Some(v)),
            None if !self.bailed.get() => {
                (self.pos, self.depth) = (pos, depth);
                Some(None)
            }
            None => None,
        }
    }

    /// Whether `rule` matches (then it is consumed).
    fn opt_kw(&mut self, spellings: lex::Kw) -> bool {
        let pos = self.pos;
        match self.kw(spellings) {
            Some(_) => true,
            None => {
                self.pos = pos;
                false
            }
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn slice(&self, start: usize, end: usize) -> R<Name> {
        self.text.get(start..end).map(Name::new).or_else(|| self.bail())
    }

    fn ident(&mut self) -> R<Ident> {
        let (start, end) = self.ident_range()?;
        Some(Ident { name: self.slice(start, end)?, span: self.span(start, end) })
    }

    fn string(&mut self) -> R<Str> {
        self.skip();
        let start = self.pos;
        let (end, value) = self.string_at(start)?;
        self.pos = end;
        Some(Str { value, span: self.span(start, end) })
    }

    fn opt_string(&mut self) -> R<Option<Str>> {
        self.opt(Self::string)
    }

    fn date(&mut self) -> R<Date> {
        self.skip();
        let start = self.pos;
        let end = self.date_end(start)?;
        self.pos = end;
        self.date_value(start, end)
    }

    /// A date's value, as `lower::date` reads it; a date that is not in the calendar is left
    /// to pest, which reports it.
    fn date_value(&self, start: usize, end: usize) -> R<Date> {
        let text = self.text.get(start..end).or_else(|| self.bail())?;
        let value = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().or_else(|| self.bail())?;
        Some(Date { value, span: self.span(start, end) })
    }

    fn number(&mut self) -> R<Num> {
        self.skip();
        let start = self.pos;
        let end = self.number_end(start)?;
        self.pos = end;
        self.number_value(start, end)
    }

    /// `percent | number`
    fn percent_or_number(&mut self) -> R<Num> {
        self.skip();
        let start = self.pos;
        let end = self.number_end(start)?;
        if self.bytes.get(end) == Some(&b'%') {
            self.pos = end + 1;
            self.percent_value(start, end)
        } else {
            self.pos = end;
            self.number_value(start, end)
        }
    }

    fn number_value(&self, start: usize, end: usize) -> R<Num> {
        let value = self.decimal(start, end)?;
        Some(Num { value, percent: false, span: self.span(start, end) })
    }

    /// A percentage whose number ends at `end` (before the `%`).
    fn percent_value(&self, start: usize, end: usize) -> R<Num> {
        let value = self.decimal(start, end)? / Decimal::ONE_HUNDRED;
        Some(Num { value, percent: true, span: self.span(start, end + 1) })
    }

    /// A number's value, as `lower::parse_decimal` reads it.
    fn decimal(&self, start: usize, end: usize) -> R<Decimal> {
        let text = self.text.get(start..end).or_else(|| self.bail())?;
        let parsed = if text.contains('_') {
            text.chars().filter(|c| *c != '_').collect::<String>().parse::<Decimal>()
        } else {
            text.parse::<Decimal>()
        };
        parsed.ok().or_else(|| self.bail())
    }

    /// `basis = { kw_basis ~ string }`
    fn basis(&mut self) -> R<Str> {
        self.kw(lex::BASIS)?;
        self.string()
    }

    fn opt_basis(&mut self) -> R<Option<Str>> {
        self.opt(Self::basis)
    }

    /// `file = { SOI ~ header ~ item* ~ EOI }`
    fn file(&mut self) -> R<File> {
        let header = self.header()?;
        let mut items = Vec::new();
        while let Some(item) = self.opt(Self::item)? {
            items.push(item);
        }
        self.skip();
        if self.pos == self.bytes.len() { Some(File { header, items }) } else { None }
    }

    /// `header = { kw_ruleset ~ ident ~ string ~ header_attr* }`
    fn header(&mut self) -> R<Header> {
        let start = self.kw(lex::RULESET)?;
        let name = self.ident()?;
        let label = self.string()?;
        let mut h = Header {
            name,
            label,
            cycle: Vec::new(),
            effective: Vec::new(),
            basis: Vec::new(),
            span: self.span(start, start),
        };
        loop {
            if let Some(c) = self.opt(Self::cycle_decl)? {
                h.cycle.push(c);
            } else if let Some(e) = self.opt(Self::effective)? {
                h.effective.push(e);
            } else if let Some(b) = self.opt_basis()? {
                h.basis.push(b);
            } else {
                break;
            }
        }
        h.span = self.span(start, self.pos);
        Some(h)
    }

    /// `cycle_decl = { kw_cycle ~ integer ~ (kw_from ~ date ~ kw_to ~ date)? }`
    fn cycle_decl(&mut self) -> R<CycleDecl> {
        let start = self.kw(lex::CYCLE)?;
        let (a, b) = self.integer()?;
        let year =
            self.text.get(a..b).and_then(|t| t.parse::<i32>().ok()).or_else(|| self.bail())?;
        let range = self.opt(|p| {
            p.kw(lex::FROM)?;
            let from = p.date()?;
            p.kw(lex::TO)?;
            Some((from, p.date()?))
        })?;
        Some(CycleDecl { year, range, span: self.span(start, self.pos) })
    }

    /// `effective = { kw_effective ~ kw_from ~ date ~ (kw_to ~ date)? }`
    fn effective(&mut self) -> R<Effective> {
        let start = self.kw(lex::EFFECTIVE)?;
        self.kw(lex::FROM)?;
        let from = self.date()?;
        let to = self.opt_to_date()?;
        Some(Effective { from, to, span: self.span(start, self.pos) })
    }

    /// `(kw_to ~ date)?`
    fn opt_to_date(&mut self) -> R<Option<Date>> {
        self.opt(|p| {
            p.kw(lex::TO)?;
            p.date()
        })
    }

    /// `item = _{ award_decl | extern_decl | mark_decl | scoring_decl | param_decl | enum_decl | entity_decl }`
    fn item(&mut self) -> R<Item> {
        if let Some(a) = self.opt(Self::award_decl)? {
            return Some(Item::Award(a));
        }
        if let Some(e) = self.opt(Self::extern_decl)? {
            return Some(Item::Extern(e));
        }
        if let Some(m) = self.opt(Self::mark_decl)? {
            return Some(Item::Mark(m));
        }
        if let Some(s) = self.opt(Self::scoring_decl)? {
            return Some(Item::Scoring(s));
        }
        if let Some(p) = self.opt(Self::param_decl)? {
            return Some(Item::Param(p));
        }
        if let Some(e) = self.opt(Self::enum_decl)? {
            return Some(Item::Enum(e));
        }
        Some(Item::Entity(self.entity_decl()?))
    }

    /// `param_decl = { kw_param ~ ident ~ string? ~ ":" ~ type_ref ~ "{" ~ param_value* ~ "}" }`
    fn param_decl(&mut self) -> R<ParamDecl> {
        let start = self.kw(lex::PARAM)?;
        let name = self.ident()?;
        let label = self.opt_string()?;
        self.punct(b":")?;
        let ty = self.ident()?;
        self.punct(b"{")?;
        let mut values = Vec::new();
        while let Some(v) = self.opt(Self::param_value)? {
            values.push(v);
        }
        self.punct(b"}")?;
        Some(ParamDecl { name, label, ty, values, span: self.span(start, self.pos) })
    }

    /// `param_value = { literal ~ kw_from ~ date ~ (kw_to ~ date)? ~ basis? }`
    fn param_value(&mut self) -> R<ParamValue> {
        let value = self.literal()?;
        let start = value.span.start as usize;
        self.kw(lex::FROM)?;
        let from = self.date()?;
        let to = self.opt_to_date()?;
        let basis = self.opt_basis()?;
        Some(ParamValue { value, from, to, basis, span: self.span(start, self.pos) })
    }

    /// `enum_decl = { kw_enum ~ ident ~ string? ~ "{" ~ variant ~ (ordered_tail | plain_tail) ~ "}" }`
    fn enum_decl(&mut self) -> R<EnumDecl> {
        let start = self.kw(lex::ENUM)?;
        let name = self.ident()?;
        let label = self.opt_string()?;
        self.punct(b"{")?;
        let mut variants = vec![self.variant()?];
        // `ordered_tail = { ("<" ~ variant)+ }`
        let mut ordered = false;
        while let Some(v) = self.opt(|p| {
            p.punct(b"<")?;
            p.variant()
        })? {
            variants.push(v);
            ordered = true;
        }
        if !ordered {
            // `plain_tail = { ("," ~ variant)* ~ ","? }`
            while let Some(v) = self.opt(|p| {
                p.punct(b",")?;
                p.variant()
            })? {
                variants.push(v);
            }
            self.opt(|p| p.punct(b","))?;
        }
        self.punct(b"}")?;
        Some(EnumDecl { name, label, ordered, variants, span: self.span(start, self.pos) })
    }

    /// `variant = { ident ~ string? }`
    fn variant(&mut self) -> R<Variant> {
        let name = self.ident()?;
        let label = self.opt_string()?;
        Some(Variant { name, label })
    }

    /// `entity_decl = { kw_entity ~ ident ~ string? ~ (kw_in ~ ident)? ~ "{" ~ field* ~ "}" }`
    fn entity_decl(&mut self) -> R<EntityDecl> {
        let start = self.kw(lex::ENTITY)?;
        let name = self.ident()?;
        let label = self.opt_string()?;
        let parent = self.opt(|p| {
            p.kw(lex::IN)?;
            p.ident()
        })?;
        self.punct(b"{")?;
        let mut fields = Vec::new();
        while let Some(f) = self.opt(Self::field)? {
            fields.push(f);
        }
        self.punct(b"}")?;
        Some(EntityDecl { name, label, parent, fields, span: self.span(start, self.pos) })
    }

    /// `field = { ident ~ ":" ~ type_ref ~ string? ~ (kw_default ~ (literal | name))? }`
    fn field(&mut self) -> R<FieldDecl> {
        let name = self.ident()?;
        let start = name.span.start as usize;
        self.punct(b":")?;
        let ty = self.ident()?;
        let label = self.opt_string()?;
        let default = self.opt(|p| {
            p.kw(lex::DEFAULT)?;
            if let Some(e) = p.opt(Self::literal)? {
                return Some(e);
            }
            let id = p.ident()?;
            Some(Expr { kind: ExprKind::Name(id.name), span: id.span })
        })?;
        Some(FieldDecl { name, ty, label, default, span: self.span(start, self.pos) })
    }

    /// `scoring_decl = { kw_scoring ~ ident ~ string? ~ kw_for ~ ident ~ max_clause ~ basis? ~ "{" ~ scoring_stmt* ~ "}" }`
    fn scoring_decl(&mut self) -> R<ScoringDecl> {
        let start = self.kw(lex::SCORING)?;
        let name = self.ident()?;
        let label = self.opt_string()?;
        self.kw(lex::FOR)?;
        let kind = self.ident()?;
        let max = self.max_clause()?;
        let basis = self.opt_basis()?;
        self.punct(b"{")?;
        let mut s = ScoringDecl::new(name, label, kind, max, basis, self.span(start, start));
        // `scoring_stmt = _{ criterion | adjust | band | rank_decl }`
        loop {
            if let Some(c) = self.opt(Self::criterion)? {
                s.criteria.push(c);
            } else if let Some(a) = self.opt(Self::adjust)? {
                s.adjusts.push(a);
            } else if let Some(b) = self.opt(Self::band)? {
                s.bands.push(b);
            } else if let Some(r) = self.opt(Self::rank_decl)? {
                s.ranks.push(r);
            } else {
                break;
            }
        }
        self.punct(b"}")?;
        s.span = self.span(start, self.pos);
        Some(s)
    }

    /// `criterion = _{ group | ratio | pass | each | formula }`: the keyword, then what all
    /// share (`ident ~ string? ~ max_clause ~ weight? ~ basis?`), then each one's own part.
    fn criterion(&mut self) -> R<Criterion> {
        let pos = self.pos;
        let mut which = None;
        for (i, kw) in
            [lex::GROUP, lex::RATIO, lex::PASS, lex::EACH, lex::FORMULA].into_iter().enumerate()
        {
            match self.kw(kw) {
                Some(start) => {
                    which = Some((i, start));
                    break;
                }
                None => self.pos = pos,
            }
        }
        let (which, start) = which?;
        if which == 0 {
            self.nest()?;
        }
        let name = self.ident()?;
        let label = self.opt_string()?;
        let max = self.max_clause()?;
        let weight = self.opt(|p| {
            p.kw(lex::WEIGHT)?;
            p.number()
        })?;
        let basis = self.opt_basis()?;
        let kind = match which {
            0 => {
                self.punct(b"{")?;
                let mut children = Vec::new();
                while let Some(c) = self.opt(Self::criterion)? {
                    children.push(c);
                }
                self.punct(b"}")?;
                self.depth -= 1;
                CriterionKind::Group(children)
            }
            1 => {
                self.kw(lex::ACTUAL)?;
                let actual = self.expr()?;
                self.kw(lex::TARGET)?;
                let target = self.expr()?;
                CriterionKind::Ratio { actual, target }
            }
            2 => {
                self.kw(lex::WHEN)?;
                CriterionKind::Pass(self.expr()?)
            }
            3 => {
                self.kw(lex::POINTS)?;
                let points = self.expr()?;
                self.kw(lex::PER)?;
                let per = self.expr()?;
                CriterionKind::Each { points, per }
            }
            _ => {
                self.punct(b"=")?;
                CriterionKind::Formula(self.expr()?)
            }
        };
        Some(Criterion { name, label, max, weight, basis, kind, span: self.span(start, self.pos) })
    }

    /// `max_clause = { kw_max ~ number }`
    fn max_clause(&mut self) -> R<Num> {
        self.kw(lex::MAX)?;
        self.number()
    }

    /// `adjust = { (kw_bonus | kw_penalty) ~ ident ~ string? ~ kw_points ~ expr ~ adjust_base ~ cap? ~ basis? }`
    fn adjust(&mut self) -> R<Adjust> {
        let pos = self.pos;
        let (bonus, start) = match self.kw(lex::BONUS) {
            Some(start) => (true, start),
            None => {
                self.pos = pos;
                (false, self.kw(lex::PENALTY)?)
            }
        };
        let name = self.ident()?;
        let label = self.opt_string()?;
        self.kw(lex::POINTS)?;
        let points = self.expr()?;
        // `adjust_base = { (kw_when | kw_per) ~ expr }`
        let pos = self.pos;
        let is_when = if self.opt_kw(lex::WHEN) {
            true
        } else {
            self.pos = pos;
            self.kw(lex::PER)?;
            false
        };
        let e = self.expr()?;
        let base = if is_when { AdjustBase::When(e) } else { AdjustBase::Per(e) };
        let cap = self.opt(|p| {
            p.kw(lex::CAP)?;
            p.number()
        })?;
        let basis = self.opt_basis()?;
        Some(Adjust {
            bonus,
            name,
            label,
            points,
            base,
            cap,
            basis,
            span: self.span(start, self.pos),
        })
    }

    /// `band = { kw_grade ~ ident ~ string? ~ (band_from | kw_otherwise) }`
    fn band(&mut self) -> R<Band> {
        let start = self.kw(lex::GRADE)?;
        let name = self.ident()?;
        let label = self.opt_string()?;
        let from = match self.opt(|p| {
            p.kw(lex::FROM)?;
            p.number()
        })? {
            Some(n) => Some(n),
            None => {
                self.kw(lex::OTHERWISE)?;
                None
            }
        };
        Some(Band { name, label, from, span: self.span(start, self.pos) })
    }

    /// `rank_decl = { kw_rank ~ kw_within ~ ident ~ kw_by ~ sort_key ~ ("," ~ sort_key)* }`
    fn rank_decl(&mut self) -> R<RankDecl> {
        let start = self.kw(lex::RANK)?;
        self.kw(lex::WITHIN)?;
        let within = self.ident()?;
        self.kw_by()?;
        let keys = self.sort_keys()?;
        Some(RankDecl { within, keys, span: self.span(start, self.pos) })
    }

    /// `sort_key ~ ("," ~ sort_key)*`
    fn sort_keys(&mut self) -> R<Vec<SortKey>> {
        let mut keys = vec![self.sort_key()?];
        while let Some(k) = self.opt(|p| {
            p.punct(b",")?;
            p.sort_key()
        })? {
            keys.push(k);
        }
        Some(keys)
    }

    /// `sort_key = { expr ~ direction? }`, `direction = { kw_asc | kw_desc }`
    fn sort_key(&mut self) -> R<SortKey> {
        let expr = self.expr()?;
        let desc = !self.opt_kw(lex::ASC);
        if desc {
            self.opt_kw(lex::DESC);
        }
        Some(SortKey { expr, desc })
    }

    /// `mark_decl = { kw_mark ~ ident ~ string? ~ kw_for ~ ident ~ basis? ~ kw_when ~ expr }`
    fn mark_decl(&mut self) -> R<MarkDecl> {
        let start = self.kw(lex::MARK_KW)?;
        let name = self.ident()?;
        let label = self.opt_string()?;
        self.kw(lex::FOR)?;
        let kind = self.ident()?;
        let basis = self.opt_basis()?;
        self.kw(lex::WHEN)?;
        let when = self.expr()?;
        Some(MarkDecl { name, label, kind, basis, when, span: self.span(start, self.pos) })
    }

    /// `extern_decl = { kw_extern ~ ident ~ string? ~ kw_for ~ ident ~ basis? }`
    fn extern_decl(&mut self) -> R<ExternDecl> {
        let start = self.kw(lex::EXTERN)?;
        let name = self.ident()?;
        let label = self.opt_string()?;
        self.kw(lex::FOR)?;
        let kind = self.ident()?;
        let basis = self.opt_basis()?;
        Some(ExternDecl { name, label, kind, basis, span: self.span(start, self.pos) })
    }

    /// `award_decl = { award_kind ~ ident ~ string? ~ kw_for ~ ident ~ "{" ~ award_stmt* ~ "}" }`
    fn award_decl(&mut self) -> R<AwardDecl> {
        let pos = self.pos;
        let (category, start) = match self.kw(lex::TITLE) {
            Some(start) => (AwardCategory::Title, start),
            None => {
                self.pos = pos;
                (AwardCategory::Commendation, self.kw(lex::COMMENDATION)?)
            }
        };
        let name = self.ident()?;
        let label = self.opt_string()?;
        self.kw(lex::FOR)?;
        let kind = self.ident()?;
        self.punct(b"{")?;
        let mut a = AwardDecl::new(category, name, label, kind, self.span(start, start));
        // `award_stmt = _{ require | disqualify | basis | authority | quota | vote | reward }`
        loop {
            if let Some(c) = self.opt(|p| p.condition(lex::REQUIRE))? {
                a.requires.push(c);
            } else if let Some(c) = self.opt(|p| p.condition(lex::DISQUALIFY))? {
                a.disqualifiers.push(c);
            } else if let Some(b) = self.opt_basis()? {
                a.basis.push(b);
            } else if let Some(s) = self.opt(|p| {
                p.kw(lex::AUTHORITY)?;
                p.string()
            })? {
                a.authority.push(s);
            } else if let Some(q) = self.opt(Self::quota)? {
                a.quotas.push(q);
            } else if let Some(v) = self.opt(Self::vote)? {
                a.votes.push(v);
            } else if let Some(r) = self.opt(|p| {
                p.kw(lex::REWARD)?;
                p.expr()
            })? {
                a.rewards.push(r);
            } else {
                break;
            }
        }
        self.punct(b"}")?;
        a.span = self.span(start, self.pos);
        Some(a)
    }

    /// `require` or `disqualify`: `{ kw ~ string? ~ basis? ~ ":" ~ expr }`
    fn condition(&mut self, kw: lex::Kw) -> R<Condition> {
        let start = self.kw(kw)?;
        let label = self.opt_string()?;
        let basis = self.opt_basis()?;
        self.punct(b":")?;
        let expr = self.expr()?;
        Some(Condition { label, basis, expr, span: self.span(start, self.pos) })
    }

    /// `quota = { kw_quota ~ (percent | number) ~ quota_of? ~ quota_per? ~ quota_by? ~ quota_round? }`
    fn quota(&mut self) -> R<Quota> {
        let start = self.kw(lex::QUOTA)?;
        let amount = self.percent_or_number()?;
        let of = self.opt(|p| {
            p.kw(lex::OF)?;
            p.ident()
        })?;
        let per = self.opt(|p| {
            p.kw(lex::PER)?;
            p.ident()
        })?;
        let by = self
            .opt(|p| {
                p.kw_by()?;
                p.sort_keys()
            })?
            .unwrap_or_default();
        let round_up = self
            .opt(|p| {
                p.kw(lex::ROUND)?;
                let pos = p.pos;
                if p.opt_kw(lex::UP) {
                    return Some(true);
                }
                p.pos = pos;
                p.kw(lex::DOWN)?;
                Some(false)
            })?
            .unwrap_or(false);
        Some(Quota { amount, of, per, by, round_up, span: self.span(start, self.pos) })
    }

    /// `vote = { kw_vote ~ ident ~ (percent | number) ~ kw_of ~ (kw_all | kw_present) ~ (kw_secret | kw_open)? }`
    fn vote(&mut self) -> R<Vote> {
        let start = self.kw(lex::VOTE)?;
        let body = self.ident()?;
        let threshold = self.percent_or_number()?;
        self.kw(lex::OF)?;
        let of_all = if self.opt_kw(lex::ALL) {
            true
        } else {
            self.kw(lex::PRESENT)?;
            false
        };
        let secret = self.opt_kw(lex::SECRET);
        if !secret {
            self.opt_kw(lex::OPEN);
        }
        Some(Vote { body, threshold, of_all, secret, span: self.span(start, self.pos) })
    }
}

#[cfg(test)]
mod tests;
