//! The engine's vocabulary: clock, actors, context, errors and the projected proposal.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::eval::Evaluation;
use crate::hooks::{HookError, HookValue};
use crate::model::{Dataset, KindId};
use crate::program::Program;
use crate::workflow::Flow;
use crate::workflow::store::*;

/// Where time comes from: injected, so histories are reproducible.
pub trait Clock {
    /// The current time.
    fn now(&self) -> NaiveDateTime;
}

/// A clock the caller sets (tests, replays, batch imports).
#[derive(Debug)]
pub struct ManualClock(Mutex<NaiveDateTime>);

impl ManualClock {
    /// A clock showing `t`.
    pub fn new(t: NaiveDateTime) -> ManualClock {
        ManualClock(Mutex::new(t))
    }

    /// Set the time.
    pub fn set(&self, t: NaiveDateTime) {
        if let Ok(mut g) = self.0.lock() {
            *g = t;
        }
    }

    /// Move the clock forward by whole days.
    pub fn advance_days(&self, days: i64) {
        if let Ok(mut g) = self.0.lock() {
            *g += chrono::Duration::days(days);
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> NaiveDateTime {
        self.0.lock().map_or(NaiveDateTime::MIN, |g| *g)
    }
}

/// Who is acting, and in which roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Person or member id.
    pub id: String,
    /// Roles held for this action.
    pub roles: Vec<String>,
}

impl Actor {
    /// An actor with roles.
    pub fn new(id: &str, roles: &[&str]) -> Actor {
        Actor { id: id.to_string(), roles: roles.iter().map(|r| (*r).to_string()).collect() }
    }

    pub(crate) fn label(&self) -> String {
        if self.roles.is_empty() {
            self.id.clone()
        } else {
            format!("{} ({})", self.id, self.roles.join(", "))
        }
    }
}

/// What a workflow runs against: the checked rules, the cycle's data and its evaluation, the
/// rule set's hash, and the rosters of bodies whose members are registered by hand.
#[derive(Debug)]
pub struct Context<'a> {
    /// The checked rule set.
    pub program: &'a Program,
    /// The cycle's data.
    pub data: &'a Dataset,
    /// Its evaluation.
    pub evaluation: &'a Evaluation,
    /// SHA-256 (hex) of the rule set's text.
    pub ruleset_hash: String,
    /// Members of roster bodies, by body name.
    pub roster: BTreeMap<String, Vec<String>>,
}

/// Why a command was refused. The message names the rule, hook (file:line) or role at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// The actor lacks the role.
    #[error("`{actor}` may not {action}: it needs the role {needed}")]
    Role {
        /// Who tried.
        actor: String,
        /// What.
        action: String,
        /// Roles that may.
        needed: String,
    },
    /// A guard did not hold.
    #[error(
        "transition `{transition}` is not allowed: guard `{guard}` ({location}) does not hold{reads}"
    )]
    Guard {
        /// Transition.
        transition: String,
        /// The guard as written.
        guard: String,
        /// `file:line:column`.
        location: String,
        /// What it read.
        reads: String,
    },
    /// A hook said no.
    #[error("hook `{hook}` refused: {reason}")]
    HookRefused {
        /// The hook.
        hook: String,
        /// Its reason.
        reason: String,
    },
    /// A hook failed or hit a limit.
    #[error("{0}")]
    Hook(HookError),
    /// The command does not fit the proposal's state.
    #[error("{0}")]
    State(String),
    /// A name was not found.
    #[error("{0}")]
    Unknown(String),
    /// The store refused (e.g. a concurrent change).
    #[error("{0}")]
    Store(#[from] StoreError),
    /// Evaluating a guard failed.
    #[error("{0}")]
    Eval(String),
}

pub(crate) type Result<T> = std::result::Result<T, WorkflowError>;

/// A ballot to record with [`Runner::cast_many`](super::Runner::cast_many).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ballot {
    /// The member who votes.
    pub voter: String,
    /// The choice.
    pub choice: Choice,
    /// In the meeting or in writing.
    pub mode: BallotMode,
}

/// An open voting round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    /// Round number in the stage.
    pub number: u32,
    /// Members who may vote.
    pub electorate: Vec<String>,
    /// Members who voted.
    pub voted: BTreeSet<String>,
    /// Present ballots.
    pub present: u32,
    /// Written ballots.
    pub written: u32,
    /// Open-ballot counts (secret ones are in the sealed box).
    pub open_counts: Counts,
    /// Threshold share.
    pub threshold: Decimal,
    /// Of all members.
    pub of_all: bool,
    /// Quorum.
    pub quorum: Option<Decimal>,
    /// Secret.
    pub secret: bool,
    /// Written votes accepted.
    pub written_ok: bool,
    /// The rule's description.
    pub rule: String,
}

/// A proposal's state, projected from its events.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    /// Id.
    pub id: u64,
    /// Entity id.
    pub entity: String,
    /// Entity row in its table.
    pub row: u32,
    /// Award name.
    pub award: String,
    /// Cycle.
    pub cycle: i32,
    /// Rule set hash it was nominated under.
    pub ruleset: String,
    /// Current stage index.
    pub stage: usize,
    /// Day it entered the stage.
    pub entered: NaiveDate,
    /// Due date in the stage.
    pub due: Option<NaiveDate>,
    /// The open round, if any.
    pub round: Option<Round>,
    /// Rounds opened in this stage.
    pub rounds_opened: u32,
    /// Rounds that failed in this stage.
    pub failed_rounds: u32,
    /// Waiting for the fallback decision after the last round failed, or after a tie.
    pub awaiting_decision: bool,
    /// The pending decision breaks a tie (rather than following exhausted rounds).
    pub tie_pending: bool,
    /// Last tally in any stage: (for, against).
    pub last_votes: (u32, u32),
    /// Fields set by hooks.
    pub fields: BTreeMap<String, HookValue>,
    /// Grounds, if the award was revoked after conferral.
    pub revoked: Option<String>,
    /// Version (number of events).
    pub version: u64,
    /// Its events.
    pub events: Vec<Event>,
}

impl Proposal {
    /// A proposal just opened in its start stage, before any event is applied.
    #[expect(clippy::too_many_arguments, reason = "each is a field the nomination fixes")]
    pub(crate) fn opened(
        id: u64,
        entity: &str,
        row: u32,
        award: &str,
        cycle: i32,
        ruleset: &str,
        stage: usize,
        entered: NaiveDate,
    ) -> Proposal {
        Proposal {
            id,
            entity: entity.to_string(),
            row,
            award: award.to_string(),
            cycle,
            ruleset: ruleset.to_string(),
            stage,
            entered,
            due: None,
            round: None,
            rounds_opened: 0,
            failed_rounds: 0,
            awaiting_decision: false,
            tie_pending: false,
            last_votes: (0, 0),
            fields: BTreeMap::new(),
            revoked: None,
            version: 0,
            events: Vec::new(),
        }
    }
}

/// Rebuild a proposal's state from its events.
pub(super) fn project(
    flow: &Flow,
    data: &Dataset,
    kind: KindId,
    id: u64,
    events: Vec<Event>,
) -> Result<Proposal> {
    let mut p: Option<Proposal> = None;
    // Rounds opened per stage over the whole history (numbers continue across visits).
    let mut held: BTreeMap<String, u32> = BTreeMap::new();
    for e in &events {
        match &e.kind {
            EventKind::Nominated { entity, award, cycle, ruleset, .. } => {
                let row = data
                    .table(kind)
                    .and_then(|t| t.index.get(entity.as_str()).copied())
                    .unwrap_or(0);
                p = Some(Proposal::opened(
                    id,
                    entity,
                    row,
                    award,
                    *cycle,
                    ruleset,
                    flow.start,
                    e.at.date(),
                ));
            }
            kind_e => {
                let Some(p) = p.as_mut() else {
                    return Err(WorkflowError::State(format!(
                        "proposal {id}: history does not start with a nomination"
                    )));
                };
                match kind_e {
                    EventKind::Entered { stage, due, .. } => {
                        p.stage = flow.stage(stage).ok_or_else(|| {
                            WorkflowError::Unknown(format!(
                                "stage `{stage}` is not in this workflow"
                            ))
                        })?;
                        p.entered = e.at.date();
                        p.due = *due;
                        p.round = None;
                        p.rounds_opened = held.get(stage.as_str()).copied().unwrap_or(0);
                        p.failed_rounds = 0;
                        p.awaiting_decision = false;
                        p.tie_pending = false;
                    }
                    EventKind::FieldsSet { fields, .. } => {
                        for (k, v) in fields {
                            p.fields.insert(k.clone(), v.clone());
                        }
                    }
                    EventKind::RoundOpened {
                        stage,
                        round,
                        electorate,
                        threshold,
                        of_all,
                        quorum,
                        secret,
                        written,
                        rule,
                        ..
                    } => {
                        *held.entry(stage.clone()).or_default() += 1;
                        p.rounds_opened = *round;
                        p.round = Some(Round {
                            number: *round,
                            electorate: electorate.clone(),
                            voted: BTreeSet::new(),
                            present: 0,
                            written: 0,
                            open_counts: Counts::default(),
                            threshold: *threshold,
                            of_all: *of_all,
                            quorum: *quorum,
                            secret: *secret,
                            written_ok: *written,
                            rule: rule.clone(),
                        });
                    }
                    EventKind::BallotCast { voter, mode, choice, .. } => {
                        if let Some(r) = p.round.as_mut() {
                            r.voted.insert(voter.clone());
                            match mode {
                                BallotMode::Present => r.present += 1,
                                BallotMode::Written => r.written += 1,
                            }
                            if let Some(c) = choice {
                                r.open_counts.add(*c);
                            }
                        }
                    }
                    EventKind::RoundClosed { counts, passed, tied, .. } => {
                        p.round = None;
                        p.last_votes = (counts.for_, counts.against);
                        if *tied {
                            p.awaiting_decision = true;
                            p.tie_pending = true;
                        }
                        if *passed == Some(false) {
                            p.failed_rounds += 1;
                            let spec = flow.stages.get(p.stage).and_then(|s| s.vote.as_ref());
                            if let Some(v) = spec
                                && p.failed_rounds >= v.rounds
                                && v.decide_by.is_some()
                            {
                                p.awaiting_decision = true;
                            }
                        }
                    }
                    EventKind::Decided { .. } => {
                        p.awaiting_decision = false;
                        p.tie_pending = false;
                    }
                    EventKind::Revoked { grounds, .. } => p.revoked = Some(grounds.clone()),
                    EventKind::Migrated { to, .. } => p.ruleset.clone_from(to),
                    EventKind::Nominated { .. } => {}
                }
            }
        }
    }
    let mut p = p.ok_or_else(|| WorkflowError::Unknown(format!("no proposal {id}")))?;
    p.version = events.len() as u64;
    p.events = events;
    Ok(p)
}
