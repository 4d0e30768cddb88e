//! Lowering from pest parse pairs to the owned [`ast`](crate::ast).
//!
//! One function per grammar rule, named after the rule. Nothing here panics on unexpected
//! pair shapes; a mismatch between grammar and lowering is an internal diagnostic that asks
//! to be reported.

use std::iter::Peekable;
use std::sync::LazyLock;

use chrono::NaiveDate;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use rust_decimal::Decimal;

use super::Rule;
use crate::ast::*;
use crate::diag::{Diagnostic, FileId, Span};

/// Errors are boxed: they are rare, and a small `Result` keeps every successful step cheap.
pub(super) type Result<T> = std::result::Result<T, Box<Diagnostic>>;

/// An internal error: the grammar and the lowering disagree.
pub(super) fn internal(span: Span, what: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            "parse::internal",
            span,
            format!("internal error while reading the rule file: {what}"),
        )
        .with_help("this is a bug in thidua; please report it with the rule file"),
    )
}

/// Walks the children of one pair.
pub(super) struct Children<'i> {
    it: Peekable<Pairs<'i, Rule>>,
    pub(super) span: Span,
    file: FileId,
}

impl<'i> Children<'i> {
    pub(super) fn new(p: Pair<'i, Rule>, file: FileId) -> Children<'i> {
        let span = span_of(&p, file);
        Children { it: p.into_inner().peekable(), span, file }
    }

    pub(super) fn expect(&mut self, rule: Rule) -> Result<Pair<'i, Rule>> {
        match self.it.next() {
            Some(p) if p.as_rule() == rule => Ok(p),
            Some(p) => Err(internal(
                span_of(&p, self.file),
                &format!("expected {rule:?}, found {:?}", p.as_rule()),
            )),
            None => Err(internal(self.span, &format!("expected {rule:?}, found nothing"))),
        }
    }

    pub(super) fn opt(&mut self, rule: Rule) -> Option<Pair<'i, Rule>> {
        if self.peek() == Some(rule) { self.it.next() } else { None }
    }

    pub(super) fn peek(&mut self) -> Option<Rule> {
        self.it.peek().map(Pair::as_rule)
    }

    pub(super) fn next(&mut self) -> Result<Pair<'i, Rule>> {
        self.it.next().ok_or_else(|| internal(self.span, "unexpected end of node"))
    }
}

pub(super) fn span_of(p: &Pair<'_, Rule>, file: FileId) -> Span {
    let s = p.as_span();
    // Tokens end where they are written: a name, a number or a string never ends in
    // whitespace or a comment, so there is nothing to trim.
    if matches!(
        p.as_rule(),
        Rule::ident
            | Rule::name
            | Rule::string
            | Rule::number
            | Rule::integer
            | Rule::date
            | Rule::percent
    ) {
        return Span::new(file, s.start(), s.end());
    }
    Span::new(file, s.start(), s.start() + content_len(s.as_str()))
}

/// The length of `text` without trailing whitespace and comments.
///
/// A rule that ends in an optional or repeated part (`held X window?`, `cycle N (from …)?`)
/// also covers the whitespace and comments pest skipped before trying that part; a span must
/// cover only what was written. Strings never span lines, so a comment is found by scanning
/// the last line for `//` or `#` outside double quotes.
pub(crate) fn content_len(text: &str) -> usize {
    let mut end = text.trim_end().len();
    loop {
        let body = text.get(..end).unwrap_or("");
        let line_start = body.rfind('\n').map_or(0, |i| i + 1);
        let line = body.get(line_start..).unwrap_or("");
        // Most spans hold neither `#` nor `/`: no comment to look for.
        if !line.bytes().any(|b| b == b'#' || b == b'/') {
            return end;
        }
        let Some(comment) = comment_start(line) else { return end };
        end = body.get(..line_start + comment).unwrap_or("").trim_end().len();
    }
}

/// Where a comment starts in one line, if it has one outside a string.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(i),
            '/' if !in_string && chars.peek().is_some_and(|(_, n)| *n == '/') => return Some(i),
            _ => {}
        }
    }
    None
}

/// `file = { SOI ~ header ~ item* ~ EOI }`
pub(super) fn file(p: Pair<'_, Rule>, file_id: FileId) -> Result<File> {
    let mut c = Children::new(p, file_id);
    let header = header(c.expect(Rule::header)?, file_id)?;
    let mut items = Vec::new();
    while let Some(rule) = c.peek() {
        if rule == Rule::EOI {
            break;
        }
        items.push(item(c.next()?, file_id)?);
    }
    Ok(File { header, items })
}

fn header(p: Pair<'_, Rule>, f: FileId) -> Result<Header> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.expect(Rule::kw_ruleset)?;
    let name = ident(c.expect(Rule::ident)?, f);
    let label = string(c.expect(Rule::string)?, f)?;
    let mut h =
        Header { name, label, cycle: Vec::new(), effective: Vec::new(), basis: Vec::new(), span };
    while let Some(rule) = c.peek() {
        let p = c.next()?;
        match rule {
            Rule::cycle_decl => h.cycle.push(cycle_decl(p, f)?),
            Rule::effective => h.effective.push(effective(p, f)?),
            Rule::basis => h.basis.push(basis(p, f)?),
            other => {
                return Err(internal(span_of(&p, f), &format!("unexpected {other:?} in header")));
            }
        }
    }
    Ok(h)
}

fn cycle_decl(p: Pair<'_, Rule>, f: FileId) -> Result<CycleDecl> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.expect(Rule::kw_cycle)?;
    let year_pair = c.expect(Rule::integer)?;
    let year = year_pair.as_str().parse::<i32>().map_err(|_| {
        Diagnostic::error("parse::bad_number", span_of(&year_pair, f), "cycle number is too large")
    })?;
    let range = if c.opt(Rule::kw_from).is_some() {
        let from = date(c.expect(Rule::date)?, f)?;
        c.expect(Rule::kw_to)?;
        let to = date(c.expect(Rule::date)?, f)?;
        Some((from, to))
    } else {
        None
    };
    Ok(CycleDecl { year, range, span })
}

fn effective(p: Pair<'_, Rule>, f: FileId) -> Result<Effective> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.expect(Rule::kw_effective)?;
    c.expect(Rule::kw_from)?;
    let from = date(c.expect(Rule::date)?, f)?;
    let to =
        if c.opt(Rule::kw_to).is_some() { Some(date(c.expect(Rule::date)?, f)?) } else { None };
    Ok(Effective { from, to, span })
}

pub(super) fn basis(p: Pair<'_, Rule>, f: FileId) -> Result<Str> {
    let mut c = Children::new(p, f);
    c.expect(Rule::kw_basis)?;
    string(c.expect(Rule::string)?, f)
}

fn opt_basis(c: &mut Children<'_>, f: FileId) -> Result<Option<Str>> {
    c.opt(Rule::basis).map(|p| basis(p, f)).transpose()
}

fn opt_string(c: &mut Children<'_>, f: FileId) -> Result<Option<Str>> {
    c.opt(Rule::string).map(|p| string(p, f)).transpose()
}

fn item(p: Pair<'_, Rule>, f: FileId) -> Result<Item> {
    Ok(match p.as_rule() {
        Rule::param_decl => Item::Param(param_decl(p, f)?),
        Rule::enum_decl => Item::Enum(enum_decl(p, f)?),
        Rule::entity_decl => Item::Entity(entity_decl(p, f)?),
        Rule::scoring_decl => Item::Scoring(scoring_decl(p, f)?),
        Rule::mark_decl => Item::Mark(mark_decl(p, f)?),
        Rule::extern_decl => Item::Extern(extern_decl(p, f)?),
        Rule::award_decl => Item::Award(award_decl(p, f)?),
        other => {
            return Err(internal(span_of(&p, f), &format!("unexpected {other:?} at top level")));
        }
    })
}

fn param_decl(p: Pair<'_, Rule>, f: FileId) -> Result<ParamDecl> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.expect(Rule::kw_param)?;
    let name = ident(c.expect(Rule::ident)?, f);
    let label = opt_string(&mut c, f)?;
    let ty = type_ref(c.expect(Rule::type_ref)?, f)?;
    let mut values = Vec::new();
    while c.peek() == Some(Rule::param_value) {
        values.push(param_value(c.next()?, f)?);
    }
    Ok(ParamDecl { name, label, ty, values, span })
}

fn param_value(p: Pair<'_, Rule>, f: FileId) -> Result<ParamValue> {
    let mut c = Children::new(p, f);
    let span = c.span;
    let value = literal(c.next()?, f)?;
    c.expect(Rule::kw_from)?;
    let from = date(c.expect(Rule::date)?, f)?;
    let to =
        if c.opt(Rule::kw_to).is_some() { Some(date(c.expect(Rule::date)?, f)?) } else { None };
    let basis = opt_basis(&mut c, f)?;
    Ok(ParamValue { value, from, to, basis, span })
}

fn type_ref(p: Pair<'_, Rule>, f: FileId) -> Result<Ident> {
    let mut c = Children::new(p, f);
    Ok(ident(c.expect(Rule::ident)?, f))
}

fn enum_decl(p: Pair<'_, Rule>, f: FileId) -> Result<EnumDecl> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.expect(Rule::kw_enum)?;
    let name = ident(c.expect(Rule::ident)?, f);
    let label = opt_string(&mut c, f)?;
    let mut variants = vec![variant(c.expect(Rule::variant)?, f)?];
    let tail = c.next()?;
    let ordered = tail.as_rule() == Rule::ordered_tail;
    for v in tail.into_inner() {
        variants.push(variant(v, f)?);
    }
    Ok(EnumDecl { name, label, ordered, variants, span })
}

fn variant(p: Pair<'_, Rule>, f: FileId) -> Result<Variant> {
    let mut c = Children::new(p, f);
    let name = ident(c.expect(Rule::ident)?, f);
    let label = opt_string(&mut c, f)?;
    Ok(Variant { name, label })
}

fn entity_decl(p: Pair<'_, Rule>, f: FileId) -> Result<EntityDecl> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.expect(Rule::kw_entity)?;
    let name = ident(c.expect(Rule::ident)?, f);
    let label = opt_string(&mut c, f)?;
    let parent =
        if c.opt(Rule::kw_in).is_some() { Some(ident(c.expect(Rule::ident)?, f)) } else { None };
    let mut fields = Vec::new();
    while c.peek() == Some(Rule::field) {
        fields.push(field(c.next()?, f)?);
    }
    Ok(EntityDecl { name, label, parent, fields, span })
}

fn field(p: Pair<'_, Rule>, f: FileId) -> Result<FieldDecl> {
    let mut c = Children::new(p, f);
    let span = c.span;
    let name = ident(c.expect(Rule::ident)?, f);
    let ty = type_ref(c.expect(Rule::type_ref)?, f)?;
    let label = opt_string(&mut c, f)?;
    let default = if c.opt(Rule::kw_default).is_some() {
        let v = c.next()?;
        Some(if v.as_rule() == Rule::name { self::name(v, f)? } else { literal(v, f)? })
    } else {
        None
    };
    Ok(FieldDecl { name, ty, label, default, span })
}

fn scoring_decl(p: Pair<'_, Rule>, f: FileId) -> Result<ScoringDecl> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.expect(Rule::kw_scoring)?;
    let name = ident(c.expect(Rule::ident)?, f);
    let label = opt_string(&mut c, f)?;
    c.expect(Rule::kw_for)?;
    let kind = ident(c.expect(Rule::ident)?, f);
    let max = max_clause(c.expect(Rule::max_clause)?, f)?;
    let basis = opt_basis(&mut c, f)?;
    let mut s = ScoringDecl::new(name, label, kind, max, basis, span);
    while let Some(rule) = c.peek() {
        let p = c.next()?;
        match rule {
            Rule::group | Rule::ratio | Rule::pass | Rule::each | Rule::formula => {
                s.criteria.push(criterion(p, f)?);
            }
            Rule::adjust => s.adjusts.push(adjust(p, f)?),
            Rule::band => s.bands.push(band(p, f)?),
            Rule::rank_decl => s.ranks.push(rank_decl(p, f)?),
            other => {
                return Err(internal(span_of(&p, f), &format!("unexpected {other:?} in scoring")));
            }
        }
    }
    Ok(s)
}

fn criterion(p: Pair<'_, Rule>, f: FileId) -> Result<Criterion> {
    let rule = p.as_rule();
    let mut c = Children::new(p, f);
    let span = c.span;
    c.next()?; // the keyword
    let name = ident(c.expect(Rule::ident)?, f);
    let label = opt_string(&mut c, f)?;
    let max = max_clause(c.expect(Rule::max_clause)?, f)?;
    let weight = c.opt(Rule::weight).map(|w| weight(w, f)).transpose()?;
    let basis = opt_basis(&mut c, f)?;
    let kind = match rule {
        Rule::group => {
            let mut children = Vec::new();
            while c.peek().is_some() {
                children.push(criterion(c.next()?, f)?);
            }
            CriterionKind::Group(children)
        }
        Rule::ratio => {
            c.expect(Rule::kw_actual)?;
            let actual = expr(c.expect(Rule::expr)?, f)?;
            c.expect(Rule::kw_target)?;
            let target = expr(c.expect(Rule::expr)?, f)?;
            CriterionKind::Ratio { actual, target }
        }
        Rule::pass => {
            c.expect(Rule::kw_when)?;
            CriterionKind::Pass(expr(c.expect(Rule::expr)?, f)?)
        }
        Rule::each => {
            c.expect(Rule::kw_points)?;
            let points = expr(c.expect(Rule::expr)?, f)?;
            c.expect(Rule::kw_per)?;
            let per = expr(c.expect(Rule::expr)?, f)?;
            CriterionKind::Each { points, per }
        }
        Rule::formula => CriterionKind::Formula(expr(c.expect(Rule::expr)?, f)?),
        other => return Err(internal(span, &format!("unexpected criterion {other:?}"))),
    };
    Ok(Criterion { name, label, max, weight, basis, kind, span })
}

fn max_clause(p: Pair<'_, Rule>, f: FileId) -> Result<Num> {
    let mut c = Children::new(p, f);
    c.expect(Rule::kw_max)?;
    number(c.expect(Rule::number)?, f)
}

fn weight(p: Pair<'_, Rule>, f: FileId) -> Result<Num> {
    let mut c = Children::new(p, f);
    c.expect(Rule::kw_weight)?;
    number(c.expect(Rule::number)?, f)
}

fn adjust(p: Pair<'_, Rule>, f: FileId) -> Result<Adjust> {
    let mut c = Children::new(p, f);
    let span = c.span;
    let bonus = c.next()?.as_rule() == Rule::kw_bonus;
    let name = ident(c.expect(Rule::ident)?, f);
    let label = opt_string(&mut c, f)?;
    c.expect(Rule::kw_points)?;
    let points = expr(c.expect(Rule::expr)?, f)?;
    let mut bc = Children::new(c.expect(Rule::adjust_base)?, f);
    let is_when = bc.next()?.as_rule() == Rule::kw_when;
    let e = expr(bc.expect(Rule::expr)?, f)?;
    let base = if is_when { AdjustBase::When(e) } else { AdjustBase::Per(e) };
    let cap = match c.opt(Rule::cap) {
        Some(p) => {
            let mut cc = Children::new(p, f);
            cc.expect(Rule::kw_cap)?;
            Some(number(cc.expect(Rule::number)?, f)?)
        }
        None => None,
    };
    let basis = opt_basis(&mut c, f)?;
    Ok(Adjust { bonus, name, label, points, base, cap, basis, span })
}

fn band(p: Pair<'_, Rule>, f: FileId) -> Result<Band> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.expect(Rule::kw_grade)?;
    let name = ident(c.expect(Rule::ident)?, f);
    let label = opt_string(&mut c, f)?;
    let from = match c.opt(Rule::band_from) {
        Some(p) => {
            let mut bc = Children::new(p, f);
            bc.expect(Rule::kw_from)?;
            Some(number(bc.expect(Rule::number)?, f)?)
        }
        None => {
            c.expect(Rule::kw_otherwise)?;
            None
        }
    };
    Ok(Band { name, label, from, span })
}

fn rank_decl(p: Pair<'_, Rule>, f: FileId) -> Result<RankDecl> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.expect(Rule::kw_rank)?;
    c.expect(Rule::kw_within)?;
    let within = ident(c.expect(Rule::ident)?, f);
    c.expect(Rule::kw_by)?;
    let mut keys = Vec::new();
    while c.peek() == Some(Rule::sort_key) {
        keys.push(sort_key(c.next()?, f)?);
    }
    Ok(RankDecl { within, keys, span })
}

fn sort_key(p: Pair<'_, Rule>, f: FileId) -> Result<SortKey> {
    let mut c = Children::new(p, f);
    let e = expr(c.expect(Rule::expr)?, f)?;
    let desc = match c.opt(Rule::direction) {
        Some(d) => d.into_inner().next().is_none_or(|k| k.as_rule() == Rule::kw_desc),
        None => true,
    };
    Ok(SortKey { expr: e, desc })
}

fn mark_decl(p: Pair<'_, Rule>, f: FileId) -> Result<MarkDecl> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.expect(Rule::kw_mark)?;
    let name = ident(c.expect(Rule::ident)?, f);
    let label = opt_string(&mut c, f)?;
    c.expect(Rule::kw_for)?;
    let kind = ident(c.expect(Rule::ident)?, f);
    let basis = opt_basis(&mut c, f)?;
    c.expect(Rule::kw_when)?;
    let when = expr(c.expect(Rule::expr)?, f)?;
    Ok(MarkDecl { name, label, kind, basis, when, span })
}

fn extern_decl(p: Pair<'_, Rule>, f: FileId) -> Result<ExternDecl> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.expect(Rule::kw_extern)?;
    let name = ident(c.expect(Rule::ident)?, f);
    let label = opt_string(&mut c, f)?;
    c.expect(Rule::kw_for)?;
    let kind = ident(c.expect(Rule::ident)?, f);
    let basis = opt_basis(&mut c, f)?;
    Ok(ExternDecl { name, label, kind, basis, span })
}

fn award_decl(p: Pair<'_, Rule>, f: FileId) -> Result<AwardDecl> {
    let mut c = Children::new(p, f);
    let span = c.span;
    let kind_pair = c.expect(Rule::award_kind)?;
    let category = match kind_pair.into_inner().next().map(|k| k.as_rule()) {
        Some(Rule::kw_commendation) => AwardCategory::Commendation,
        _ => AwardCategory::Title,
    };
    let name = ident(c.expect(Rule::ident)?, f);
    let label = opt_string(&mut c, f)?;
    c.expect(Rule::kw_for)?;
    let kind = ident(c.expect(Rule::ident)?, f);
    let mut a = AwardDecl::new(category, name, label, kind, span);
    while let Some(rule) = c.peek() {
        let p = c.next()?;
        match rule {
            Rule::basis => a.basis.push(basis(p, f)?),
            Rule::authority => {
                let mut ac = Children::new(p, f);
                ac.expect(Rule::kw_authority)?;
                a.authority.push(string(ac.expect(Rule::string)?, f)?);
            }
            Rule::require => a.requires.push(condition(p, f)?),
            Rule::disqualify => a.disqualifiers.push(condition(p, f)?),
            Rule::quota => a.quotas.push(quota(p, f)?),
            Rule::vote => a.votes.push(vote(p, f)?),
            Rule::reward => {
                let mut rc = Children::new(p, f);
                rc.expect(Rule::kw_reward)?;
                a.rewards.push(expr(rc.expect(Rule::expr)?, f)?);
            }
            other => {
                return Err(internal(span_of(&p, f), &format!("unexpected {other:?} in award")));
            }
        }
    }
    Ok(a)
}

fn condition(p: Pair<'_, Rule>, f: FileId) -> Result<Condition> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.next()?; // require | disqualify
    let label = opt_string(&mut c, f)?;
    let basis = opt_basis(&mut c, f)?;
    let e = expr(c.expect(Rule::expr)?, f)?;
    Ok(Condition { label, basis, expr: e, span })
}

fn quota(p: Pair<'_, Rule>, f: FileId) -> Result<Quota> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.expect(Rule::kw_quota)?;
    let amount_pair = c.next()?;
    let amount = match amount_pair.as_rule() {
        Rule::percent => percent(amount_pair, f)?,
        _ => number(amount_pair, f)?,
    };
    let mut q = Quota { amount, of: None, per: None, by: Vec::new(), round_up: false, span };
    while let Some(rule) = c.peek() {
        let p = c.next()?;
        let mut pc = Children::new(p, f);
        pc.next()?; // keyword
        match rule {
            Rule::quota_of => q.of = Some(ident(pc.expect(Rule::ident)?, f)),
            Rule::quota_per => q.per = Some(ident(pc.expect(Rule::ident)?, f)),
            Rule::quota_by => {
                while pc.peek() == Some(Rule::sort_key) {
                    q.by.push(sort_key(pc.next()?, f)?);
                }
            }
            Rule::quota_round => q.round_up = pc.next()?.as_rule() == Rule::kw_up,
            other => return Err(internal(pc.span, &format!("unexpected {other:?} in quota"))),
        }
    }
    Ok(q)
}

fn vote(p: Pair<'_, Rule>, f: FileId) -> Result<Vote> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.expect(Rule::kw_vote)?;
    let body = ident(c.expect(Rule::ident)?, f);
    let t = c.next()?;
    let threshold = if t.as_rule() == Rule::percent { percent(t, f)? } else { number(t, f)? };
    c.expect(Rule::kw_of)?;
    let of_all = c.next()?.as_rule() == Rule::kw_all;
    let secret = match c.peek() {
        Some(Rule::kw_secret) => true,
        Some(Rule::kw_open) | None => false,
        Some(other) => return Err(internal(span, &format!("unexpected {other:?} in vote"))),
    };
    Ok(Vote { body, threshold, of_all, secret, span })
}

// ---------------------------------------------------------------------------------------
// Expressions

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
});

/// `expr = { prefix* ~ primary ~ (infix ~ prefix* ~ primary)* }`
pub(super) fn expr(p: Pair<'_, Rule>, f: FileId) -> Result<Expr> {
    PRATT
        .map_primary(|p| primary(p, f))
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let span = span_of(&op, f).join(rhs.span);
            let op = if op.as_rule() == Rule::op_not { UnOp::Not } else { UnOp::Neg };
            Ok(Expr { kind: ExprKind::Unary(op, Box::new(rhs)), span })
        })
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let span = lhs.span.join(rhs.span);
            let op = match op.as_rule() {
                Rule::op_or => BinOp::Or,
                Rule::op_and => BinOp::And,
                Rule::op_eq => BinOp::Eq,
                Rule::op_ne => BinOp::Ne,
                Rule::op_lt => BinOp::Lt,
                Rule::op_le => BinOp::Le,
                Rule::op_gt => BinOp::Gt,
                Rule::op_ge => BinOp::Ge,
                Rule::op_add => BinOp::Add,
                Rule::op_sub => BinOp::Sub,
                Rule::op_mul => BinOp::Mul,
                Rule::op_div => BinOp::Div,
                other => {
                    return Err(internal(
                        span_of(&op, f),
                        &format!("unexpected operator {other:?}"),
                    ));
                }
            };
            Ok(Expr { kind: ExprKind::Binary(op, Box::new((lhs, rhs))), span })
        })
        .parse(p.into_inner())
}

fn primary(p: Pair<'_, Rule>, f: FileId) -> Result<Expr> {
    let span = span_of(&p, f);
    match p.as_rule() {
        Rule::expr => expr(p, f),
        Rule::name => name(p, f),
        Rule::if_expr => {
            let mut c = Children::new(p, f);
            c.expect(Rule::kw_if)?;
            let cond = expr(c.expect(Rule::expr)?, f)?;
            c.expect(Rule::kw_then)?;
            let a = expr(c.expect(Rule::expr)?, f)?;
            c.expect(Rule::kw_else)?;
            let b = expr(c.expect(Rule::expr)?, f)?;
            Ok(Expr { kind: ExprKind::If(Box::new(cond), Box::new(a), Box::new(b)), span })
        }
        Rule::held => held(p, f),
        Rule::ever_held => {
            let mut c = Children::new(p, f);
            c.expect(Rule::kw_ever)?;
            c.expect(Rule::kw_held)?;
            Ok(Expr { kind: ExprKind::EverHeld(ident(c.expect(Rule::ident)?, f)), span })
        }
        Rule::aggregate => {
            let mut c = Children::new(p, f);
            let fun = match c.expect(Rule::agg_fn)?.into_inner().next().map(|k| k.as_rule()) {
                Some(Rule::kw_share) => AggFn::Share,
                Some(Rule::kw_count) => AggFn::Count,
                Some(Rule::kw_every) => AggFn::All,
                Some(Rule::kw_any) => AggFn::Any,
                Some(Rule::kw_none) => AggFn::None,
                Some(Rule::kw_sum) => AggFn::Sum,
                _ => return Err(internal(span, "unknown aggregate")),
            };
            c.expect(Rule::kw_members)?;
            let arg = c.opt(Rule::expr).map(|e| expr(e, f)).transpose()?.map(Box::new);
            Ok(Expr { kind: ExprKind::Agg(fun, arg), span })
        }
        Rule::call => {
            let mut c = Children::new(p, f);
            let fun = ident(c.expect(Rule::ident)?, f);
            let mut args = Vec::new();
            while c.peek() == Some(Rule::expr) {
                args.push(expr(c.next()?, f)?);
            }
            Ok(Expr { kind: ExprKind::Call(fun, args), span })
        }
        _ => literal(p, f),
    }
}

fn held(p: Pair<'_, Rule>, f: FileId) -> Result<Expr> {
    let span = span_of(&p, f);
    let mut c = Children::new(p, f);
    c.expect(Rule::kw_held)?;
    let fact = ident(c.expect(Rule::ident)?, f);
    let window = match c.peek() {
        None => Window::Current,
        Some(rule) => {
            let w = c.next()?;
            let wspan = span_of(&w, f);
            // The Vietnamese `K lần` holds K inside its own token.
            let mut ints: Vec<u32> = Vec::new();
            for x in w.into_inner() {
                match x.as_rule() {
                    Rule::integer => ints.push(small_int(&x, f)?),
                    Rule::vi_times => {
                        for k in x.into_inner().filter(|k| k.as_rule() == Rule::integer) {
                            ints.push(small_int(&k, f)?);
                        }
                    }
                    _ => {}
                }
            }
            match (rule, ints.as_slice()) {
                (Rule::win_consecutive, [n]) => Window::Consecutive(*n),
                (Rule::win_of_last, [k, n]) => Window::OfLast(*k, *n),
                (Rule::win_last, []) => Window::Last,
                _ => return Err(internal(wspan, "malformed window")),
            }
        }
    };
    Ok(Expr { kind: ExprKind::Held(fact, window), span })
}

pub(super) fn small_int(p: &Pair<'_, Rule>, f: FileId) -> Result<u32> {
    p.as_str().parse::<u32>().ok().filter(|n| *n <= 1000).ok_or_else(|| {
        Box::new(
            Diagnostic::error("parse::bad_number", span_of(p, f), "number of cycles is too large")
                .with_help("history windows are counted in cycles (years); use at most 1000"),
        )
    })
}

fn name(p: Pair<'_, Rule>, f: FileId) -> Result<Expr> {
    let span = span_of(&p, f);
    let mut c = Children::new(p, f);
    let id = ident(c.expect(Rule::ident)?, f);
    Ok(Expr { kind: ExprKind::Name(id.name), span })
}

fn literal(p: Pair<'_, Rule>, f: FileId) -> Result<Expr> {
    let span = span_of(&p, f);
    let kind = match p.as_rule() {
        Rule::number => ExprKind::Num(number(p, f)?.value),
        Rule::percent => ExprKind::Percent(percent(p, f)?.value),
        Rule::string => ExprKind::Str(string(p, f)?.value),
        Rule::date => ExprKind::Date(date(p, f)?.value),
        Rule::boolean => {
            ExprKind::Bool(p.into_inner().next().is_some_and(|b| b.as_rule() == Rule::kw_true))
        }
        other => return Err(internal(span, &format!("expected a literal, found {other:?}"))),
    };
    Ok(Expr { kind, span })
}

pub(super) fn ident(p: Pair<'_, Rule>, f: FileId) -> Ident {
    Ident { name: Name::new(p.as_str()), span: span_of(&p, f) }
}

pub(super) fn string(p: Pair<'_, Rule>, f: FileId) -> Result<Str> {
    let span = span_of(&p, f);
    let inner = p.into_inner().next().map_or("", |i| i.as_str());
    if !inner.contains('\\') {
        return Ok(Str { value: inner.into(), span });
    }
    Ok(Str { value: unescape(inner).into(), span })
}

/// A string's text with `\"`, `\\` and `\n` replaced (the fast parser's too).
pub(super) fn unescape(inner: &str) -> String {
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(ch) = chars.next() {
        if ch == '\\' {
            match chars.next() {
                Some('n') => value.push('\n'),
                Some(other) => value.push(other),
                None => {}
            }
        } else {
            value.push(ch);
        }
    }
    value
}

fn parse_decimal(text: &str, span: Span) -> Result<Decimal> {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    clean.parse::<Decimal>().map_err(|_| {
        Box::new(
            Diagnostic::error(
                "parse::bad_number",
                span,
                format!("`{text}` is not a number thidua can represent"),
            )
            .with_help("numbers have at most 28 significant digits"),
        )
    })
}

pub(super) fn number(p: Pair<'_, Rule>, f: FileId) -> Result<Num> {
    let span = span_of(&p, f);
    Ok(Num { value: parse_decimal(p.as_str(), span)?, percent: false, span })
}

pub(super) fn percent(p: Pair<'_, Rule>, f: FileId) -> Result<Num> {
    let span = span_of(&p, f);
    let text = p.as_str().trim_end_matches('%');
    let value = parse_decimal(text, span)? / Decimal::ONE_HUNDRED;
    Ok(Num { value, percent: true, span })
}

pub(super) fn date(p: Pair<'_, Rule>, f: FileId) -> Result<Date> {
    let span = span_of(&p, f);
    let value = NaiveDate::parse_from_str(p.as_str(), "%Y-%m-%d").map_err(|_| {
        Diagnostic::error(
            "parse::bad_date",
            span,
            format!("`{}` is not a calendar date", p.as_str()),
        )
        .with_label("no such day")
        .with_help("dates are written `YYYY-MM-DD`; check the month and the day of the month")
    })?;
    Ok(Date { value, span })
}
