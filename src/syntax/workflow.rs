//! Lowering of `.wf` workflow files to [`ast::workflow`](crate::ast::workflow).
//!
//! One function per grammar rule, as in [`super::lower`], whose helpers (and expression
//! lowering) this module reuses.

use pest::iterators::Pair;
use rust_decimal::Decimal;

use super::Rule;
use super::lower::{
    Children, Result, basis, date, ident, internal, percent, small_int, span_of, string,
};
use crate::ast::workflow::*;
use crate::diag::{Diagnostic, FileId};

/// `workflow_file = { SOI ~ wf_header ~ wf_item* ~ EOI }`
pub(super) fn workflow_file(p: Pair<'_, Rule>, f: FileId) -> Result<WorkflowFile> {
    let mut c = Children::new(p, f);
    let mut h = Children::new(c.expect(Rule::wf_header)?, f);
    let span = h.span;
    h.expect(Rule::wf_workflow)?;
    let name = ident(h.expect(Rule::ident)?, f);
    let label = string(h.expect(Rule::string)?, f)?;
    h.expect(Rule::kw_for)?;
    let kind = ident(h.expect(Rule::ident)?, f);
    let basis = h.opt(Rule::basis).map(|b| basis(b, f)).transpose()?;
    let mut items = Vec::new();
    while let Some(rule) = c.peek() {
        if rule == Rule::EOI {
            break;
        }
        items.push(item(c.next()?, f)?);
    }
    Ok(WorkflowFile { name, label, kind, basis, span, items })
}

fn item(p: Pair<'_, Rule>, f: FileId) -> Result<WfItem> {
    let rule = p.as_rule();
    let span = span_of(&p, f);
    let mut c = Children::new(p, f);
    c.next()?; // keyword
    Ok(match rule {
        Rule::wf_role => {
            let name = ident(c.expect(Rule::ident)?, f);
            let label = c.opt(Rule::string).map(|s| string(s, f)).transpose()?;
            WfItem::Role(name, label)
        }
        Rule::wf_body => {
            let name = ident(c.expect(Rule::ident)?, f);
            let label = c.opt(Rule::string).map(|s| string(s, f)).transpose()?;
            let electorate = match c.opt(Rule::wf_body_members) {
                Some(m) => {
                    let mut mc = Children::new(m, f);
                    mc.expect(Rule::wf_kw_members)?;
                    let kind = ident(mc.expect(Rule::ident)?, f);
                    mc.expect(Rule::wf_kw_within)?;
                    let within = ident(mc.expect(Rule::ident)?, f);
                    Electorate::Members { kind, within }
                }
                None => {
                    c.expect(Rule::wf_kw_roster)?;
                    Electorate::Roster
                }
            };
            WfItem::Body(BodyDecl { name, label, electorate, span })
        }
        Rule::wf_calendar => {
            let mut cal = CalendarDecl { weekend: Vec::new(), holidays: Vec::new(), span };
            while let Some(r) = c.peek() {
                let p = c.next()?;
                let mut pc = Children::new(p, f);
                pc.next()?; // keyword
                match r {
                    Rule::wf_weekend => {
                        while pc.peek() == Some(Rule::wf_weekday) {
                            let d = pc.next()?;
                            let dspan = span_of(&d, f);
                            let day = d.into_inner().next().map(|k| k.as_rule());
                            let name = weekday(day).ok_or_else(|| internal(dspan, "weekday"))?;
                            cal.weekend.push((String::from(name), dspan));
                        }
                    }
                    Rule::wf_holiday => {
                        let from = date(pc.expect(Rule::date)?, f)?;
                        let to = if pc.opt(Rule::kw_to).is_some() {
                            Some(date(pc.expect(Rule::date)?, f)?)
                        } else {
                            None
                        };
                        let label = pc.opt(Rule::string).map(|s| string(s, f)).transpose()?;
                        cal.holidays.push((from, to, label));
                    }
                    other => {
                        return Err(internal(span, &format!("unexpected {other:?} in calendar")));
                    }
                }
            }
            WfItem::Calendar(cal)
        }
        Rule::wf_nominate => {
            c.expect(Rule::wf_kw_by)?;
            WfItem::Nominate(ident(c.expect(Rule::ident)?, f), span)
        }
        Rule::wf_stage => WfItem::Stage(stage(&mut c, f, span)?),
        Rule::wf_transition => WfItem::Transition(transition(&mut c, f, span)?),
        Rule::wf_hook => {
            let point_pair = c.expect(Rule::wf_hook_point)?;
            let point = match point_pair.into_inner().next().map(|k| k.as_rule()) {
                Some(Rule::wf_kw_guard) => HookPoint::Guard,
                Some(Rule::wf_kw_on_enter) => HookPoint::OnEnter,
                Some(Rule::wf_kw_on_exit) => HookPoint::OnExit,
                _ => HookPoint::Tally,
            };
            let target = ident(c.expect(Rule::ident)?, f);
            let path = string(c.expect(Rule::string)?, f)?;
            WfItem::Hook(HookDecl { point, target, path, span })
        }
        other => return Err(internal(span, &format!("unexpected {other:?} in a workflow"))),
    })
}

fn stage(c: &mut Children<'_>, f: FileId, span: crate::diag::Span) -> Result<StageDecl> {
    let name = ident(c.expect(Rule::ident)?, f);
    let label = c.opt(Rule::string).map(|s| string(s, f)).transpose()?;
    let mut s = StageDecl {
        name,
        label,
        start: false,
        terminal: false,
        deadline: Vec::new(),
        votes: Vec::new(),
        span,
    };
    while let Some(r) = c.peek() {
        let p = c.next()?;
        let pspan = span_of(&p, f);
        match r {
            Rule::wf_stage_flag => match p.into_inner().next().map(|k| k.as_rule()) {
                Some(Rule::wf_kw_start) => s.start = true,
                _ => s.terminal = true,
            },
            Rule::wf_deadline => {
                let mut dc = Children::new(p, f);
                dc.expect(Rule::wf_kw_deadline)?;
                let n = small_int(&dc.expect(Rule::integer)?, f)?;
                s.deadline.push((n, pspan));
            }
            Rule::wf_vote => s.votes.push(vote(p, f)?),
            other => return Err(internal(pspan, &format!("unexpected {other:?} in a stage"))),
        }
    }
    Ok(s)
}

fn vote(p: Pair<'_, Rule>, f: FileId) -> Result<VoteDecl> {
    let mut c = Children::new(p, f);
    let span = c.span;
    c.expect(Rule::kw_vote)?;
    let body = ident(c.expect(Rule::ident)?, f);
    let mut v = VoteDecl {
        body,
        threshold: None,
        quorum: None,
        secret: None,
        written: false,
        rounds: None,
        tie_by: None,
        exclude_own: false,
        run_by: None,
        span,
    };
    while let Some(r) = c.peek() {
        let p = c.next()?;
        let pspan = span_of(&p, f);
        match r {
            Rule::wf_threshold => {
                let mut tc = Children::new(p, f);
                tc.expect(Rule::wf_kw_threshold)?;
                let t = if tc.opt(Rule::wf_kw_award).is_some() {
                    ThresholdDecl::Award
                } else {
                    let share = percent(tc.expect(Rule::percent)?, f)?.value;
                    tc.expect(Rule::kw_of)?;
                    let of_all = tc.next()?.as_rule() == Rule::kw_all;
                    ThresholdDecl::Fixed { share, of_all }
                };
                v.threshold = Some((t, pspan));
            }
            Rule::wf_quorum => {
                let mut qc = Children::new(p, f);
                qc.expect(Rule::wf_kw_quorum)?;
                let q = qc.next()?;
                let value = if q.as_rule() == Rule::percent {
                    percent(q, f)?.value
                } else {
                    fraction(&q, f)?
                };
                v.quorum = Some((value, pspan));
            }
            Rule::wf_secret => {
                v.secret =
                    Some(p.into_inner().next().is_some_and(|k| k.as_rule() == Rule::kw_secret));
            }
            Rule::wf_written => v.written = true,
            Rule::wf_rounds => {
                let mut rc = Children::new(p, f);
                rc.expect(Rule::wf_kw_rounds)?;
                let n = small_int(&rc.expect(Rule::integer)?, f)?;
                let after = if rc.opt(Rule::kw_else).is_some() {
                    match rc.opt(Rule::wf_decide) {
                        Some(d) => {
                            let mut dc = Children::new(d, f);
                            dc.expect(Rule::wf_kw_decide)?;
                            dc.expect(Rule::wf_kw_by)?;
                            AfterRounds::Decide(ident(dc.expect(Rule::ident)?, f))
                        }
                        None => AfterRounds::Fail,
                    }
                } else {
                    AfterRounds::Fail
                };
                v.rounds = Some((n, after, pspan));
            }
            Rule::wf_tie => {
                let mut tc = Children::new(p, f);
                tc.expect(Rule::wf_kw_tie)?;
                tc.expect(Rule::wf_kw_decide)?;
                tc.expect(Rule::wf_kw_by)?;
                v.tie_by = Some(ident(tc.expect(Rule::ident)?, f));
            }
            Rule::wf_exclude => v.exclude_own = true,
            Rule::wf_run_by => {
                let mut rc = Children::new(p, f);
                rc.expect(Rule::wf_kw_run)?;
                rc.expect(Rule::wf_kw_by)?;
                v.run_by = Some(ident(rc.expect(Rule::ident)?, f));
            }
            other => return Err(internal(pspan, &format!("unexpected {other:?} in a vote"))),
        }
    }
    Ok(v)
}

fn fraction(p: &Pair<'_, Rule>, f: FileId) -> Result<Decimal> {
    let span = span_of(p, f);
    let bad = || {
        Box::new(
            Diagnostic::error(
                "parse::bad_number",
                span,
                format!("`{}` is not a fraction between 0 and 1", p.as_str()),
            )
            .with_help("write a quorum such as `2/3` or `80%`"),
        )
    };
    let (a, b) = p.as_str().split_once('/').ok_or_else(bad)?;
    let a: Decimal = a.parse().map_err(|_| bad())?;
    let b: Decimal = b.parse().map_err(|_| bad())?;
    if b.is_zero() || a > b {
        return Err(bad());
    }
    a.checked_div(b).ok_or_else(bad)
}

fn transition(c: &mut Children<'_>, f: FileId, span: crate::diag::Span) -> Result<TransitionDecl> {
    let name = ident(c.expect(Rule::ident)?, f);
    let label = c.opt(Rule::string).map(|s| string(s, f)).transpose()?;
    let from = ident(c.expect(Rule::ident)?, f);
    let to = ident(c.expect(Rule::ident)?, f);
    let mut t = TransitionDecl {
        name,
        label,
        from,
        to,
        by: Vec::new(),
        on: Vec::new(),
        when: Vec::new(),
        span,
    };
    while let Some(r) = c.peek() {
        let p = c.next()?;
        let pspan = span_of(&p, f);
        let mut pc = Children::new(p, f);
        pc.next()?; // keyword
        match r {
            Rule::wf_by => t.by.push(ident(pc.expect(Rule::ident)?, f)),
            Rule::wf_on => t.on.push((pc.next()?.as_rule() == Rule::wf_kw_passed, pspan)),
            Rule::wf_when => t.when.push(super::lower::expr(pc.expect(Rule::expr)?, f)?),
            other => return Err(internal(pspan, &format!("unexpected {other:?} in a transition"))),
        }
    }
    Ok(t)
}

/// A weekday keyword as the English name the AST keeps (`t7` and `sat` are both `sat`), so
/// that both keyword sets give the same tree.
fn weekday(rule: Option<Rule>) -> Option<&'static str> {
    Some(match rule? {
        Rule::wf_day_mon => "mon",
        Rule::wf_day_tue => "tue",
        Rule::wf_day_wed => "wed",
        Rule::wf_day_thu => "thu",
        Rule::wf_day_fri => "fri",
        Rule::wf_day_sat => "sat",
        Rule::wf_day_sun => "sun",
        _ => return None,
    })
}
