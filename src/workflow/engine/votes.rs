//! Voting: rounds, ballots, tallies and the fallback decision.

use std::collections::{BTreeMap, BTreeSet};

use super::text::{quorum_text, share_text};
use super::{Actor, Ballot, Clock, Proposal, Result, Runner, WorkflowError};
use crate::ast::workflow::HookPoint;
use crate::hooks::HookValue;
use crate::model::KindId;
use crate::workflow::store::*;
use crate::workflow::{Body, BodyKind, Threshold};

impl<C: Clock> Runner<'_, C> {
    /// Open the next voting round in the proposal's stage.
    pub fn open_round(&self, store: &mut dyn EventStore, actor: &Actor, id: u64) -> Result<()> {
        let p = self.proposal(store, id)?;
        self.refuse_if_terminal(&p)?;
        let v = self.vote_spec(&p)?;
        self.require_role(actor, &[v.run_by], "open a voting round")?;
        if p.round.is_some() {
            return Err(WorkflowError::State(String::from("a round is already open")));
        }
        if p.tie_pending {
            return Err(WorkflowError::State(format!(
                "the last round was tied; `{}` decides",
                v.tie_by.map_or("?", |r| self.flow.role_name(r))
            )));
        }
        if p.awaiting_decision || p.failed_rounds >= v.rounds {
            return Err(WorkflowError::State(format!(
                "all {} round(s) were held; {}",
                v.rounds,
                match v.decide_by {
                    Some(r) => format!("`{}` now decides", self.flow.role_name(r)),
                    None => String::from("the vote failed"),
                }
            )));
        }
        let body = self
            .flow
            .bodies
            .get(v.body)
            .ok_or_else(|| WorkflowError::Unknown(String::from("body")))?;
        let (members, own) = self.electorate(body, &p)?;
        let (electorate, excluded): (Vec<String>, Vec<String>) = if v.exclude_own {
            members.into_iter().partition(|m| !own.contains(m))
        } else {
            (members, Vec::new())
        };
        if electorate.is_empty() {
            return Err(WorkflowError::State(format!(
                "body `{}` has nobody who may vote on this proposal",
                body.name
            )));
        }
        let a = self.award_index(&p.award)?;
        let award =
            self.cx.program.awards.get(a).ok_or_else(|| WorkflowError::Unknown(p.award.clone()))?;
        let (threshold, of_all, award_secret, rule) = match &v.threshold {
            Threshold::Fixed { share, of_all } => (
                *share,
                *of_all,
                None,
                format!("workflow {}: {}", self.flow.name, share_text(*share, *of_all)),
            ),
            Threshold::Award => {
                let vr = award.votes.iter().find(|r| r.body == body.name).ok_or_else(|| {
                    WorkflowError::State(format!(
                        "award `{}` states no `vote {} …` rule to take the threshold from",
                        award.name, body.name
                    ))
                })?;
                (
                    vr.threshold,
                    vr.of_all,
                    Some(vr.secret),
                    format!(
                        "award {}: {} ({})",
                        award.name,
                        share_text(vr.threshold, vr.of_all),
                        award.basis.as_deref().unwrap_or("no basis")
                    ),
                )
            }
        };
        let secret = v.secret.or(award_secret).unwrap_or(false);
        let now = self.clock.now();
        let event = NewEvent {
            at: now,
            actor: actor.label(),
            kind: EventKind::RoundOpened {
                stage: self.flow.stage_name(p.stage).to_string(),
                round: p.rounds_opened + 1,
                body: body.name.clone(),
                electorate,
                excluded,
                threshold,
                of_all,
                quorum: v.quorum,
                secret,
                written: v.written,
                rule,
            },
        };
        store.append(id, p.version, self.flow.stage_name(p.stage), vec![event], Vec::new())?;
        Ok(())
    }

    /// Members of a body for this proposal, and the ones that are the proposal's own entity
    /// or one of its ancestors (excluded under `exclude own`).
    fn electorate(&self, body: &Body, p: &Proposal) -> Result<(Vec<String>, BTreeSet<String>)> {
        let mut own = BTreeSet::new();
        // The entity itself and its ancestors.
        let mut kind = self.flow.kind;
        let mut row = p.row;
        let mut chain: Vec<(KindId, u32)> = vec![(kind, row)];
        for _ in 0..self.cx.program.schema.kinds.len() {
            let Some(parent) = self.cx.program.schema.kind_def(kind).and_then(|k| k.parent) else {
                break;
            };
            let Some(&prow) = self.cx.data.table(kind).and_then(|t| t.parents.get(row as usize))
            else {
                break;
            };
            kind = parent;
            row = prow;
            chain.push((kind, row));
        }
        for (k, r) in &chain {
            if let Some(id) = self.cx.data.table(*k).and_then(|t| t.ids.get(*r as usize)) {
                own.insert(id.to_string());
            }
        }
        let members = match &body.kind {
            BodyKind::Roster => self.cx.roster.get(&body.name).cloned().unwrap_or_default(),
            BodyKind::Members { kind: mk, within } => {
                let Some(&(_, group)) = chain.iter().find(|(k, _)| k == within) else {
                    return Err(WorkflowError::State(format!(
                        "the proposal's entity has no `{}`",
                        body.name
                    )));
                };
                let table = self.cx.data.table(*mk);
                let mut out = Vec::new();
                if let Some(t) = table {
                    for r in 0..t.len() {
                        let r32 = u32::try_from(r).unwrap_or(u32::MAX);
                        if self.cx.data.ancestor(&self.cx.program.schema, *mk, r32, *within)
                            == Some(group)
                            && let Some(id) = t.ids.get(r)
                        {
                            out.push(id.to_string());
                        }
                    }
                }
                out
            }
        };
        Ok((members, own))
    }

    /// Record a ballot. Present ballots are cast by the voter; written ones are recorded by
    /// the role that runs the vote.
    pub fn cast(
        &self,
        store: &mut dyn EventStore,
        actor: &Actor,
        id: u64,
        voter: &str,
        choice: Choice,
        mode: BallotMode,
    ) -> Result<()> {
        self.cast_many(store, actor, id, &[Ballot { voter: voter.to_string(), choice, mode }])
    }

    /// Record several ballots of the open round in one command, as the secretary enters a
    /// meeting's ballots: each is checked as [`Runner::cast`] checks it, in order (a member
    /// may appear once), and all are stored in one append, or none is. For a secret vote the
    /// box then only ever holds the round's total of these ballots, never a count between
    /// two of them.
    pub fn cast_many(
        &self,
        store: &mut dyn EventStore,
        actor: &Actor,
        id: u64,
        ballots: &[Ballot],
    ) -> Result<()> {
        let p = self.proposal(store, id)?;
        let v = self.vote_spec(&p)?;
        let round = p
            .round
            .as_ref()
            .ok_or_else(|| WorkflowError::State(String::from("no voting round is open")))?;
        if ballots.is_empty() {
            return Err(WorkflowError::State(String::from("no ballot to record")));
        }
        let now = self.clock.now();
        let mut voted: BTreeSet<&str> = BTreeSet::new();
        let mut events = Vec::with_capacity(ballots.len());
        let mut sealed = Vec::new();
        for Ballot { voter, choice, mode } in ballots {
            let voter = voter.as_str();
            match mode {
                BallotMode::Present => {
                    if actor.id != voter {
                        self.require_role(
                            actor,
                            &[v.run_by],
                            &format!("cast a ballot for `{voter}`"),
                        )?;
                    }
                }
                BallotMode::Written => {
                    if !round.written_ok {
                        return Err(WorkflowError::State(String::from(
                            "this vote does not accept written ballots",
                        )));
                    }
                    self.require_role(actor, &[v.run_by], "record a written ballot")?;
                }
            }
            if !round.electorate.iter().any(|m| m == voter) {
                let excluded = p.events.iter().rev().find_map(|e| match &e.kind {
                    EventKind::RoundOpened { excluded, .. } => {
                        Some(excluded.iter().any(|x| x == voter))
                    }
                    _ => None,
                });
                return Err(WorkflowError::State(if excluded == Some(true) {
                    format!("`{voter}` may not vote on its own proposal")
                } else {
                    format!("`{voter}` is not a member of this vote's body")
                }));
            }
            if round.voted.contains(voter) || !voted.insert(voter) {
                return Err(WorkflowError::State(format!(
                    "`{voter}` has already voted in round {}",
                    round.number
                )));
            }
            events.push(NewEvent {
                at: now,
                actor: actor.label(),
                kind: EventKind::BallotCast {
                    round: round.number,
                    voter: voter.to_string(),
                    mode: *mode,
                    choice: if round.secret { None } else { Some(*choice) },
                },
            });
            if round.secret {
                sealed.push(SealedBallot { round: round.number, choice: *choice });
            }
        }
        store.append(id, p.version, self.flow.stage_name(p.stage), events, sealed)?;
        Ok(())
    }

    /// Count the open round and, on a clear outcome, follow the vote's transition.
    pub fn close_round(&self, store: &mut dyn EventStore, actor: &Actor, id: u64) -> Result<()> {
        let mut p = self.proposal(store, id)?;
        let v = self.vote_spec(&p)?.clone();
        self.require_role(actor, &[v.run_by], "close a voting round")?;
        let round = p
            .round
            .clone()
            .ok_or_else(|| WorkflowError::State(String::from("no voting round is open")))?;
        let stage = self.flow.stage_name(p.stage).to_string();
        let counts =
            if round.secret { store.sealed(id, &stage, round.number)? } else { round.open_counts };
        let members = u32::try_from(round.electorate.len()).unwrap_or(u32::MAX);
        let voted = round.present + round.written;
        let quorum_met = round.quorum.is_none_or(|q| meets(round.present, q, members));
        let base = if round.of_all { members } else { voted };
        let rule_pass = meets(counts.for_, round.threshold, base);
        let (passed, reason) = if !quorum_met {
            (
                None,
                format!(
                    "quorum not met: {} of {members} present, {} needed",
                    round.present,
                    quorum_text(round.quorum, members)
                ),
            )
        } else if let Some(h) = self.flow.hooks_at(HookPoint::Tally, p.stage).next() {
            let mut t = BTreeMap::new();
            t.insert(String::from("votes_for"), HookValue::Num(counts.for_.into()));
            t.insert(String::from("votes_against"), HookValue::Num(counts.against.into()));
            t.insert(String::from("votes_abstain"), HookValue::Num(counts.abstain.into()));
            t.insert(String::from("present"), HookValue::Num(round.present.into()));
            t.insert(String::from("written"), HookValue::Num(round.written.into()));
            t.insert(String::from("members"), HookValue::Num(members.into()));
            t.insert(String::from("threshold"), HookValue::Num(round.threshold));
            t.insert(String::from("of_all"), HookValue::Bool(round.of_all));
            t.insert(String::from("round"), HookValue::Num(round.number.into()));
            t.insert(String::from("rule_passed"), HookValue::Bool(rule_pass));
            t.insert(String::from("proposal"), self.hook_view(&p));
            let hook = self.flow.hooks.name(h.id).to_string();
            match self
                .flow
                .hooks
                .call(h.id, vec![HookValue::Map(t)])
                .map_err(WorkflowError::Hook)?
            {
                HookValue::Bool(b) => (
                    Some(b),
                    format!(
                        "tally hook {hook} ({}): {}",
                        round.rule,
                        if b { "passed" } else { "failed" }
                    ),
                ),
                other => {
                    return Err(WorkflowError::HookRefused {
                        hook,
                        reason: format!("a tally returns true or false; it returned {other:?}"),
                    });
                }
            }
        } else {
            (
                Some(rule_pass),
                format!(
                    "{} for of {base} {} — {}",
                    counts.for_,
                    if round.of_all { "members" } else { "votes cast" },
                    round.rule
                ),
            )
        };
        // A tie (as many for as against) goes to the tie-breaking role, if the vote names one.
        let tied = quorum_met && v.tie_by.is_some() && counts.for_ == counts.against;
        let (passed, reason) = if tied {
            let role = v.tie_by.map_or("?", |r| self.flow.role_name(r));
            (
                None,
                format!("tie: {} for, {} against; `{role}` decides", counts.for_, counts.against),
            )
        } else {
            (passed, reason)
        };
        let now = self.clock.now();
        let mut events = vec![NewEvent {
            at: now,
            actor: actor.label(),
            kind: EventKind::RoundClosed {
                round: round.number,
                counts,
                present: round.present,
                written: round.written,
                members,
                quorum_met,
                passed,
                tied,
                reason,
            },
        }];
        p.last_votes = (counts.for_, counts.against);
        let version = p.version;
        match passed {
            Some(true) => events.extend(self.follow(&mut p, true, actor, now)?),
            Some(false) if p.failed_rounds + 1 >= v.rounds && v.decide_by.is_none() => {
                events.extend(self.follow(&mut p, false, actor, now)?);
            }
            _ => {}
        }
        store.append(id, version, &stage, events, Vec::new())?;
        Ok(())
    }

    /// After the last round failed, or on a tie, the named role decides.
    pub fn decide(
        &self,
        store: &mut dyn EventStore,
        actor: &Actor,
        id: u64,
        passed: bool,
        reason: &str,
    ) -> Result<()> {
        let mut p = self.proposal(store, id)?;
        let v = self.vote_spec(&p)?.clone();
        if !p.awaiting_decision {
            return Err(WorkflowError::State(String::from(
                "no decision is pending: no tie, and the rounds are not exhausted",
            )));
        }
        let role = if p.tie_pending { v.tie_by } else { v.decide_by }
            .ok_or_else(|| WorkflowError::State(String::from("this vote has no deciding role")))?;
        let what = if p.tie_pending { "break the tie" } else { "decide after the last round" };
        self.require_role(actor, &[role], what)?;
        if reason.trim().is_empty() {
            return Err(WorkflowError::State(String::from("a decision needs its reason")));
        }
        let now = self.clock.now();
        let version = p.version;
        let stage = self.flow.stage_name(p.stage).to_string();
        let mut events = vec![NewEvent {
            at: now,
            actor: actor.label(),
            kind: EventKind::Decided { passed, reason: reason.to_string() },
        }];
        events.extend(self.follow(&mut p, passed, actor, now)?);
        store.append(id, version, &stage, events, Vec::new())?;
        Ok(())
    }
}
