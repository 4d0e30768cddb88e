//! Running proposals through a [`Flow`]: nominate, advance, vote, decide.
//!
//! Every command reads the proposal's events, projects its state, checks roles, stage, guards
//! and hooks, computes *all* resulting events (including automatic transitions after a vote
//! and the hooks they trigger), and appends them in one call. If anything fails (a guard, a
//! hook error or limit, a missing role, a concurrent change), nothing is stored.

mod model;
#[cfg(test)]
mod tests;
mod text;
mod votes;

use model::project;
pub use model::*;
use text::{describe_reads, hook_value};

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use super::store::*;
use super::{Flow, GUARD_NAMES};
use crate::ast::workflow::HookPoint;
use crate::diag::SourceMap;
use crate::eval::Outcome;
use crate::hooks::HookValue;
use crate::model::Value;

/// Runs commands for one flow in one context.
#[derive(Debug)]
pub struct Runner<'a, C: Clock> {
    flow: &'a Flow,
    cx: Context<'a>,
    clock: &'a C,
}

impl<'a, C: Clock> Runner<'a, C> {
    /// A runner. Check beforehand that the flow was checked against `cx.program`.
    pub fn new(flow: &'a Flow, cx: Context<'a>, clock: &'a C) -> Runner<'a, C> {
        Runner { flow, cx, clock }
    }

    fn require_role(&self, actor: &Actor, roles: &[usize], action: &str) -> Result<()> {
        if roles.iter().any(|r| actor.roles.iter().any(|a| a == self.flow.role_name(*r))) {
            return Ok(());
        }
        let needed: Vec<String> =
            roles.iter().map(|r| format!("`{}`", self.flow.role_name(*r))).collect();
        Err(WorkflowError::Role {
            actor: actor.label(),
            action: action.to_string(),
            needed: if needed.is_empty() {
                String::from("(none may)")
            } else {
                needed.join(" or ")
            },
        })
    }

    fn award_index(&self, award: &str) -> Result<usize> {
        self.cx
            .program
            .awards
            .iter()
            .position(|a| a.name == award && a.kind == self.flow.kind)
            .ok_or_else(|| {
                let names: Vec<&str> = self
                    .cx
                    .program
                    .awards
                    .iter()
                    .filter(|a| a.kind == self.flow.kind)
                    .map(|a| a.name.as_str())
                    .collect();
                let hint = crate::check::fuzzy::closest(award, names.iter().copied()).map_or_else(
                    || format!("; the awards are {}", names.join(", ")),
                    |s| format!("; did you mean `{s}`?"),
                );
                WorkflowError::Unknown(format!(
                    "`{award}` is not an award this workflow handles{hint}"
                ))
            })
    }

    fn row_of(&self, entity: &str) -> Result<u32> {
        self.cx.data.table(self.flow.kind).and_then(|t| t.index.get(entity).copied()).ok_or_else(
            || WorkflowError::Unknown(format!("no `{}` with id `{entity}`", self.kind_name())),
        )
    }

    fn kind_name(&self) -> &str {
        self.cx.program.schema.kind_def(self.flow.kind).map_or("?", |k| k.name.as_str())
    }

    fn outcome(&self, award: usize, row: u32) -> Option<Outcome> {
        self.cx.evaluation.awards.get(award).and_then(|a| a.outcome.get(row as usize)).copied()
    }

    /// Open a proposal by hand. A reason is required: it is what an auditor reads.
    pub fn nominate(
        &self,
        store: &mut dyn EventStore,
        actor: &Actor,
        entity: &str,
        award: &str,
        reason: &str,
    ) -> Result<u64> {
        if reason.trim().is_empty() {
            return Err(WorkflowError::State(String::from(
                "a nomination by hand needs a reason; nominate from the eligible list to omit it",
            )));
        }
        self.open(store, actor, entity, award, Source::Manual(reason.to_string()))
    }

    /// Open a proposal for every entity the evaluation found eligible for `award` that has
    /// none yet. Returns the new proposals' ids in data order.
    pub fn nominate_eligible(
        &self,
        store: &mut dyn EventStore,
        actor: &Actor,
        award: &str,
    ) -> Result<Vec<u64>> {
        self.nominate_eligible_with(store, actor, award, &mut |_, _| {})
    }

    /// As [`Runner::nominate_eligible`], reporting `(examined, total)` as it goes.
    pub fn nominate_eligible_with(
        &self,
        store: &mut dyn EventStore,
        actor: &Actor,
        award: &str,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Vec<u64>> {
        let a = self.award_index(award)?;
        self.require_role(actor, self.flow.nominate_by.as_slice(), "nominate")?;
        // One look at existing proposals for the whole batch, not one per nomination.
        let cycle = self.cx.evaluation.cycle.year;
        let open = self.nominated(store)?;
        let mut ids = Vec::new();
        let Some(table) = self.cx.data.table(self.flow.kind) else { return Ok(ids) };
        let total = table.ids.len() as u64;
        for (row, id) in table.ids.iter().enumerate() {
            progress(row as u64 + 1, total);
            let r = u32::try_from(row).unwrap_or(u32::MAX);
            if self.outcome(a, r) == Some(Outcome::Eligible)
                && !open.contains(&(id.to_string(), award.to_string(), cycle))
            {
                ids.push(self.open_checked(store, actor, id, award, Source::Eligible, false)?);
            }
        }
        Ok(ids)
    }

    /// (entity, award, cycle) of every proposal this workflow governs, from the
    /// nominations alone.
    fn nominated(&self, store: &dyn EventStore) -> Result<BTreeSet<(String, String, i32)>> {
        Ok(store
            .nominations()?
            .into_iter()
            .filter_map(|e| match e.kind {
                EventKind::Nominated { workflow, entity, award, cycle, .. }
                    if workflow == self.flow.name =>
                {
                    Some((entity, award, cycle))
                }
                _ => None,
            })
            .collect())
    }

    fn open(
        &self,
        store: &mut dyn EventStore,
        actor: &Actor,
        entity: &str,
        award: &str,
        source: Source,
    ) -> Result<u64> {
        self.open_checked(store, actor, entity, award, source, true)
    }

    fn open_checked(
        &self,
        store: &mut dyn EventStore,
        actor: &Actor,
        entity: &str,
        award: &str,
        source: Source,
        check_duplicate: bool,
    ) -> Result<u64> {
        self.require_role(actor, self.flow.nominate_by.as_slice(), "nominate")?;
        self.award_index(award)?;
        let row = self.row_of(entity)?;
        if check_duplicate
            && self.nominated(store)?.contains(&(
                entity.to_string(),
                award.to_string(),
                self.cx.evaluation.cycle.year,
            ))
        {
            return Err(WorkflowError::State(format!(
                "`{entity}` already has a proposal for `{award}` in cycle {}",
                self.cx.evaluation.cycle.year
            )));
        }
        let now = self.clock.now();
        let id = store.next_proposal()?;
        let mut p = Proposal::opened(
            id,
            entity,
            row,
            award,
            self.cx.evaluation.cycle.year,
            &self.cx.ruleset_hash,
            self.flow.start,
            now.date(),
        );
        let mut events = vec![NewEvent {
            at: now,
            actor: actor.label(),
            kind: EventKind::Nominated {
                workflow: self.flow.name.clone(),
                entity: entity.to_string(),
                award: award.to_string(),
                cycle: p.cycle,
                ruleset: self.cx.ruleset_hash.clone(),
                source,
            },
        }];
        events.extend(self.enter(&mut p, self.flow.start, None, None, Vec::new(), actor, now)?);
        store.append(id, 0, self.flow.stage_name(self.flow.start), events, Vec::new())?;
        Ok(id)
    }

    /// Events for entering a stage: on_exit hooks of the old stage, the entry, on_enter hooks.
    #[expect(clippy::too_many_arguments, reason = "each piece goes into the entry event")]
    fn enter(
        &self,
        p: &mut Proposal,
        to: usize,
        via: Option<&str>,
        note: Option<String>,
        guards: Vec<String>,
        actor: &Actor,
        now: NaiveDateTime,
    ) -> Result<Vec<NewEvent>> {
        let mut events = Vec::new();
        if via.is_some() {
            for h in self.flow.hooks_at(HookPoint::OnExit, p.stage) {
                if let Some(e) = self.fields_hook(h.id, p, actor, now)? {
                    events.push(e);
                }
            }
        }
        let due = self
            .flow
            .stages
            .get(to)
            .and_then(|s| s.deadline)
            .map(|n| self.flow.calendar.add_working_days(now.date(), n));
        events.push(NewEvent {
            at: now,
            actor: actor.label(),
            kind: EventKind::Entered {
                stage: self.flow.stage_name(to).to_string(),
                via: via.map(String::from),
                due,
                note,
                guards,
            },
        });
        p.stage = to;
        p.entered = now.date();
        p.due = due;
        p.round = None;
        // Round numbers continue across visits to a stage: secret counts are kept per
        // (proposal, stage, round), so a second visit must not reuse round 1.
        p.rounds_opened = rounds_held(&p.events, self.flow.stage_name(to));
        p.failed_rounds = 0;
        p.awaiting_decision = false;
        p.tie_pending = false;
        for h in self.flow.hooks_at(HookPoint::OnEnter, to) {
            if let Some(e) = self.fields_hook(h.id, p, actor, now)? {
                events.push(e);
            }
        }
        Ok(events)
    }

    fn fields_hook(
        &self,
        id: crate::hooks::HookId,
        p: &mut Proposal,
        actor: &Actor,
        now: NaiveDateTime,
    ) -> Result<Option<NewEvent>> {
        let out = self.flow.hooks.call(id, vec![self.hook_view(p)]).map_err(WorkflowError::Hook)?;
        match out {
            HookValue::Unit => Ok(None),
            HookValue::Map(m) if m.is_empty() => Ok(None),
            HookValue::Map(m) => {
                for (k, v) in &m {
                    p.fields.insert(k.clone(), v.clone());
                }
                Ok(Some(NewEvent {
                    at: now,
                    actor: actor.label(),
                    kind: EventKind::FieldsSet {
                        hook: self.flow.hooks.name(id).to_string(),
                        fields: m,
                    },
                }))
            }
            other => Err(WorkflowError::HookRefused {
                hook: self.flow.hooks.name(id).to_string(),
                reason: format!("it must return a map of fields, returned {other:?}"),
            }),
        }
    }

    /// What a hook sees of a proposal.
    fn hook_view(&self, p: &Proposal) -> HookValue {
        let program = self.cx.program;
        let kind = self.flow.kind;
        let mut fields = BTreeMap::new();
        if let (Some(kd), Some(t)) = (program.schema.kind_def(kind), self.cx.data.table(kind)) {
            for (f, v) in kd.fields.iter().zip(t.row(p.row)) {
                fields.insert(f.name.clone(), hook_value(program, f.ty, v));
            }
        }
        let scores = self.cx.evaluation.scores.get(kind.0 as usize).filter(|s| s.scored);
        let score = scores
            .and_then(|s| s.total.get(p.row as usize))
            .map_or(HookValue::Unit, |d| HookValue::Num(*d));
        let rank = self
            .cx
            .evaluation
            .ranks
            .get(kind.0 as usize)
            .and_then(|r| r.get(p.row as usize))
            .map_or(HookValue::Unit, |r| HookValue::Num(Decimal::from(*r)));
        let eligible = self.award_index(&p.award).ok().and_then(|a| self.outcome(a, p.row))
            == Some(Outcome::Eligible);
        let mut m = BTreeMap::new();
        m.insert(String::from("id"), HookValue::Num(Decimal::from(p.id)));
        m.insert(String::from("entity"), HookValue::Text(p.entity.clone()));
        m.insert(String::from("award"), HookValue::Text(p.award.clone()));
        m.insert(String::from("cycle"), HookValue::Num(Decimal::from(p.cycle)));
        m.insert(String::from("stage"), HookValue::Text(self.flow.stage_name(p.stage).to_string()));
        m.insert(String::from("fields"), HookValue::Map(fields));
        m.insert(String::from("computed"), HookValue::Map(p.fields.clone()));
        m.insert(String::from("score"), score);
        m.insert(String::from("rank"), rank);
        m.insert(String::from("eligible"), HookValue::Bool(eligible));
        m.insert(String::from("votes_for"), HookValue::Num(Decimal::from(p.last_votes.0)));
        m.insert(String::from("votes_against"), HookValue::Num(Decimal::from(p.last_votes.1)));
        HookValue::Map(m)
    }

    fn slots(&self, p: &Proposal) -> Vec<Value> {
        let eligible = self.award_index(&p.award).ok().and_then(|a| self.outcome(a, p.row))
            == Some(Outcome::Eligible);
        let today = self.clock.now().date();
        let in_stage = self.flow.calendar.working_days_between(p.entered, today);
        let overdue = p.due.is_some_and(|d| today > d);
        debug_assert_eq!(GUARD_NAMES.len(), 6);
        vec![
            Value::Bool(eligible),
            Value::Num(Decimal::from(p.rounds_opened)),
            Value::Num(Decimal::from(p.last_votes.0)),
            Value::Num(Decimal::from(p.last_votes.1)),
            Value::Num(Decimal::from(in_stage)),
            Value::Bool(overdue),
        ]
    }

    /// Check a transition's guards and guard hooks; returns the guards' descriptions.
    fn check_guards(
        &self,
        t: usize,
        p: &Proposal,
        sources: Option<&SourceMap>,
    ) -> Result<Vec<String>> {
        let Some(tr) = self.flow.transitions.get(t) else { return Ok(Vec::new()) };
        let slots = self.slots(p);
        let mut out = Vec::new();
        for g in &tr.guards {
            let (holds, reads) = crate::eval::eval_condition(
                self.cx.program,
                self.cx.data,
                self.cx.evaluation,
                &g.expr,
                self.flow.kind,
                p.row,
                &slots,
            )
            .map_err(|d| WorkflowError::Eval(d.message))?;
            let reads_text = describe_reads(self.cx.program, self.flow.kind, &reads);
            let location =
                sources.map_or_else(|| g.location.clone(), |s| s.location(g.span).to_string());
            if !holds {
                return Err(WorkflowError::Guard {
                    transition: tr.name.clone(),
                    guard: g.text.clone(),
                    location,
                    reads: if reads_text.is_empty() {
                        String::new()
                    } else {
                        format!(": {reads_text}")
                    },
                });
            }
            out.push(format!("{} [{reads_text}]", g.text));
        }
        for h in self.flow.hooks_at(HookPoint::Guard, t) {
            let hook = self.flow.hooks.name(h.id).to_string();
            match self
                .flow
                .hooks
                .call(h.id, vec![self.hook_view(p)])
                .map_err(WorkflowError::Hook)?
            {
                HookValue::Bool(true) => out.push(format!("hook {hook}: allowed")),
                HookValue::Bool(false) => {
                    return Err(WorkflowError::HookRefused {
                        hook,
                        reason: String::from("it returned false"),
                    });
                }
                HookValue::Text(reason) => return Err(WorkflowError::HookRefused { hook, reason }),
                other => {
                    return Err(WorkflowError::HookRefused {
                        hook,
                        reason: format!(
                            "a guard returns true, false or a reason; it returned {other:?}"
                        ),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Take a transition by hand. `note` records e.g. the decision number, date and signer.
    pub fn advance(
        &self,
        store: &mut dyn EventStore,
        actor: &Actor,
        id: u64,
        transition: &str,
        note: Option<&str>,
    ) -> Result<()> {
        self.advance_with(store, actor, id, transition, note, None)
    }

    /// As [`Runner::advance`], locating guards in `sources` for messages.
    pub fn advance_with(
        &self,
        store: &mut dyn EventStore,
        actor: &Actor,
        id: u64,
        transition: &str,
        note: Option<&str>,
        sources: Option<&SourceMap>,
    ) -> Result<()> {
        let mut p = self.proposal(store, id)?;
        let t = self.flow.transition(transition).ok_or_else(|| {
            let names: Vec<&str> = self.flow.transitions.iter().map(|t| t.name.as_str()).collect();
            let hint = crate::check::fuzzy::closest(transition, names.iter().copied())
                .map_or_else(String::new, |s| format!("; did you mean `{s}`?"));
            WorkflowError::Unknown(format!("unknown transition `{transition}`{hint}"))
        })?;
        let tr = self
            .flow
            .transitions
            .get(t)
            .ok_or_else(|| WorkflowError::Unknown(transition.to_string()))?;
        self.refuse_if_terminal(&p)?;
        if tr.from != p.stage {
            return Err(WorkflowError::State(format!(
                "`{transition}` leaves `{}`, but proposal {id} is in `{}`",
                self.flow.stage_name(tr.from),
                self.flow.stage_name(p.stage)
            )));
        }
        if tr.on.is_some() {
            return Err(WorkflowError::State(format!(
                "`{transition}` follows the vote's outcome; close the round instead"
            )));
        }
        if p.round.is_some() {
            return Err(WorkflowError::State(String::from(
                "a voting round is open; close it first",
            )));
        }
        self.require_role(actor, &tr.by, &format!("take `{transition}`"))?;
        let guards = self.check_guards(t, &p, sources)?;
        let now = self.clock.now();
        let version = p.version;
        let stage = self.flow.stage_name(p.stage).to_string();
        let events = self.enter(
            &mut p,
            tr.to,
            Some(transition),
            note.map(String::from),
            guards,
            actor,
            now,
        )?;
        store.append(id, version, &stage, events, Vec::new())?;
        Ok(())
    }

    /// Pin an open proposal to the rule set of this runner's context (a newer version), recording
    /// whether the entity is still eligible under it. Only the nominating role may do it.
    pub fn migrate(&self, store: &mut dyn EventStore, actor: &Actor, id: u64) -> Result<()> {
        let p = self.proposal(store, id)?;
        self.refuse_if_terminal(&p)?;
        self.require_role(
            actor,
            self.flow.nominate_by.as_slice(),
            "move a proposal to a new rule set",
        )?;
        if p.ruleset == self.cx.ruleset_hash {
            return Err(WorkflowError::State(format!(
                "proposal {id} is already under the rule set in force"
            )));
        }
        let eligible = self.award_index(&p.award).ok().and_then(|a| self.outcome(a, p.row))
            == Some(Outcome::Eligible);
        let event = NewEvent {
            at: self.clock.now(),
            actor: actor.label(),
            kind: EventKind::Migrated {
                from: p.ruleset.clone(),
                to: self.cx.ruleset_hash.clone(),
                eligible,
            },
        };
        store.append(id, p.version, self.flow.stage_name(p.stage), vec![event], Vec::new())?;
        Ok(())
    }

    /// Revoke a conferred award (Luật TĐKT 2022 Điều 93): only a role that may take the
    /// transition that ended the proposal, with the grounds and the revoking decision.
    pub fn revoke(
        &self,
        store: &mut dyn EventStore,
        actor: &Actor,
        id: u64,
        grounds: &str,
        decision: &str,
    ) -> Result<()> {
        let p = self.proposal(store, id)?;
        if !self.flow.stages.get(p.stage).is_some_and(|s| s.terminal) {
            return Err(WorkflowError::State(format!(
                "proposal {id} is not closed; only a conferred award can be revoked"
            )));
        }
        if p.revoked.is_some() {
            return Err(WorkflowError::State(format!("proposal {id} was already revoked")));
        }
        let via = p.events.iter().rev().find_map(|e| match &e.kind {
            EventKind::Entered { via: Some(v), .. } => Some(v.clone()),
            _ => None,
        });
        let Some(t) = via
            .as_deref()
            .and_then(|v| self.flow.transition(v))
            .and_then(|t| self.flow.transitions.get(t))
        else {
            return Err(WorkflowError::State(format!(
                "proposal {id} was not closed by a conferral"
            )));
        };
        if t.by.is_empty() {
            return Err(WorkflowError::State(format!(
                "proposal {id} ended on a vote's outcome, not on a conferral"
            )));
        }
        self.require_role(actor, &t.by, "revoke the award")?;
        if grounds.trim().is_empty() || decision.trim().is_empty() {
            return Err(WorkflowError::State(String::from(
                "a revocation needs its grounds and the revoking decision (Luật Điều 93)",
            )));
        }
        let event = NewEvent {
            at: self.clock.now(),
            actor: actor.label(),
            kind: EventKind::Revoked {
                grounds: grounds.to_string(),
                decision: decision.to_string(),
            },
        };
        store.append(id, p.version, self.flow.stage_name(p.stage), vec![event], Vec::new())?;
        Ok(())
    }

    fn refuse_if_terminal(&self, p: &Proposal) -> Result<()> {
        if self.flow.stages.get(p.stage).is_some_and(|s| s.terminal) {
            return Err(WorkflowError::State(format!(
                "proposal {} is closed in `{}`",
                p.id,
                self.flow.stage_name(p.stage)
            )));
        }
        Ok(())
    }

    fn vote_spec(&self, p: &Proposal) -> Result<&super::VoteSpec> {
        self.flow.stages.get(p.stage).and_then(|s| s.vote.as_ref()).ok_or_else(|| {
            WorkflowError::State(format!("stage `{}` holds no vote", self.flow.stage_name(p.stage)))
        })
    }

    fn follow(
        &self,
        p: &mut Proposal,
        outcome: bool,
        actor: &Actor,
        now: NaiveDateTime,
    ) -> Result<Vec<NewEvent>> {
        let Some(t) =
            self.flow.transitions.iter().position(|t| t.from == p.stage && t.on == Some(outcome))
        else {
            return Err(WorkflowError::State(String::from("the vote's outcome leads nowhere")));
        };
        let guards = self.check_guards(t, p, None)?;
        let (to, name) = match self.flow.transitions.get(t) {
            Some(tr) => (tr.to, tr.name.clone()),
            None => return Ok(Vec::new()),
        };
        self.enter(p, to, Some(&name), None, guards, actor, now)
    }

    /// A proposal's state from events already read (they must be that proposal's, in order).
    pub fn project_events(&self, id: u64, events: Vec<Event>) -> Result<Proposal> {
        project(self.flow, self.cx.data, self.flow.kind, id, events)
    }

    /// A proposal's current state.
    pub fn proposal(&self, store: &dyn EventStore, id: u64) -> Result<Proposal> {
        let events = store.events(id)?;
        if events.is_empty() {
            return Err(WorkflowError::Unknown(format!("no proposal {id}")));
        }
        project(self.flow, self.cx.data, self.flow.kind, id, events)
    }

    /// Every proposal's state, by id.
    ///
    /// Only proposals governed by this runner's workflow: a store may hold several.
    pub fn all(&self, store: &dyn EventStore) -> Result<Vec<Proposal>> {
        let mut out = Vec::new();
        for id in store.proposals()? {
            let events = store.events(id)?;
            let ours = events.iter().any(|e| matches!(&e.kind, EventKind::Nominated { workflow, .. } if *workflow == self.flow.name));
            if ours {
                out.push(project(self.flow, self.cx.data, self.flow.kind, id, events)?);
            }
        }
        Ok(out)
    }

    /// Proposals past their stage's deadline on `today`, oldest due first.
    pub fn overdue(&self, store: &dyn EventStore, today: NaiveDate) -> Result<Vec<Proposal>> {
        let mut v: Vec<Proposal> =
            self.all(store)?.into_iter().filter(|p| p.due.is_some_and(|d| today > d)).collect();
        v.sort_by_key(|p| (p.due, p.id));
        Ok(v)
    }
}

/// Rounds already opened in a stage over a proposal's whole history.
fn rounds_held(events: &[Event], stage: &str) -> u32 {
    let n = events
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::RoundOpened { stage: s, .. } if s == stage))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}
