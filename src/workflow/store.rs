//! Events and the store they are kept in.
//!
//! A proposal's state is a projection of its events. Each command appends its events in one
//! call, checked against the proposal's version (optimistic concurrency): it lands whole or
//! not at all. Secret ballots are split: the event records *that* a member voted, and the
//! choice only increments a per-round count in the [`SealedBox`], so no stored field links a
//! voter to a choice.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::hooks::HookValue;

/// A ballot choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// Đồng ý.
    For,
    /// Không đồng ý.
    Against,
    /// Không biểu quyết / phiếu trắng.
    Abstain,
}

/// How a ballot was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BallotMode {
    /// In the meeting.
    Present,
    /// In writing, by an absent member (NĐ 98/2023 Điều 30 k7).
    Written,
}

/// Counts of choices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// For.
    pub for_: u32,
    /// Against.
    pub against: u32,
    /// Abstain.
    pub abstain: u32,
}

impl Counts {
    /// Add one ballot.
    pub fn add(&mut self, c: Choice) {
        match c {
            Choice::For => self.for_ += 1,
            Choice::Against => self.against += 1,
            Choice::Abstain => self.abstain += 1,
        }
    }
}

/// How many of `n` members a share requires: `share × n`, rounded to 9 places, since 2/3 is
/// stored as 0.666…67 and 2/3 of 9 members must be 6, not 6.000…03.
pub fn share_of(share: Decimal, n: u32) -> Decimal {
    (share * Decimal::from(n)).round_dp(9)
}

/// Whether `count` of `base` reaches a share. Nothing passes on a base of 0. The engine
/// decides votes and quorums with this, and `verify` replays them with it.
pub fn meets(count: u32, share: Decimal, base: u32) -> bool {
    if base == 0 {
        return false;
    }
    // A share with at most 9 decimal places (80%, 0.9, 66.5%) times a whole number needs no
    // rounding to 9 places, so `count ≥ share × base` can be decided exactly in integers:
    // `count × 10^scale ≥ mantissa × base`. Other shares (2/3 as a decimal) take the general
    // rule; both give the same answer (property-tested).
    let scale = share.scale();
    if scale <= 9 {
        let lhs = i128::from(count) * 10i128.pow(scale);
        let rhs = share.mantissa().checked_mul(i128::from(base));
        if let Some(rhs) = rhs {
            return lhs >= rhs;
        }
    }
    Decimal::from(count) >= share_of(share, base)
}

/// How a proposal was opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// From an evaluation's eligible list.
    Eligible,
    /// By hand, with a reason.
    Manual(String),
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// A proposal was opened for an entity, award and cycle, pinned to a rule set's hash.
    Nominated {
        /// The workflow that governs the proposal.
        workflow: String,
        /// Entity id.
        entity: String,
        /// Award name.
        award: String,
        /// Cycle.
        cycle: i32,
        /// SHA-256 of the rule set text.
        ruleset: String,
        /// Eligible list or by hand.
        source: Source,
    },
    /// The proposal entered a stage.
    Entered {
        /// Stage name.
        stage: String,
        /// The transition taken (none for the start stage).
        via: Option<String>,
        /// Due date, if the stage has a deadline.
        due: Option<chrono::NaiveDate>,
        /// A note given with the transition (e.g. the decision number and signer).
        note: Option<String>,
        /// The guards checked, as written, with what they read.
        guards: Vec<String>,
    },
    /// Hooks set computed fields.
    FieldsSet {
        /// The hook.
        hook: String,
        /// The fields.
        fields: BTreeMap<String, HookValue>,
    },
    /// A voting round opened.
    RoundOpened {
        /// Stage.
        stage: String,
        /// Round number (1-based).
        round: u32,
        /// Body.
        body: String,
        /// Members who may vote.
        electorate: Vec<String>,
        /// Members excluded from voting on their own proposal.
        excluded: Vec<String>,
        /// Threshold share.
        threshold: Decimal,
        /// Counted on all members (true) or on those voting.
        of_all: bool,
        /// Quorum share of members present.
        quorum: Option<Decimal>,
        /// Secret ballot.
        secret: bool,
        /// Written votes of absent members accepted.
        written: bool,
        /// Where the rule comes from (the award's rule or the workflow's), for auditors.
        rule: String,
    },
    /// A member voted. For a secret ballot `choice` is `None`: the choice went into the box.
    BallotCast {
        /// Round.
        round: u32,
        /// Member id.
        voter: String,
        /// In person or in writing.
        mode: BallotMode,
        /// The choice, for an open vote only.
        choice: Option<Choice>,
    },
    /// A round was counted.
    RoundClosed {
        /// Round.
        round: u32,
        /// Counts.
        counts: Counts,
        /// Members present (in person).
        present: u32,
        /// Written ballots.
        written: u32,
        /// Members who could vote.
        members: u32,
        /// Whether the quorum was met (a round without quorum is void).
        quorum_met: bool,
        /// Outcome: `None` when void or tied.
        passed: Option<bool>,
        /// As many for as against, with a role named to break ties: it now decides.
        tied: bool,
        /// How it was decided: the rule applied, or the tally hook.
        reason: String,
    },
    /// The proposal was moved to a newer version of the rule set.
    Migrated {
        /// SHA-256 of the rule set it was pinned to.
        from: String,
        /// SHA-256 of the rule set it is pinned to now.
        to: String,
        /// Whether the entity is eligible under the new rules.
        eligible: bool,
    },
    /// A conferred award was revoked (Luật TĐKT 2022 Điều 93) by the authority that conferred it.
    Revoked {
        /// The grounds (Điều 93 k2: false declaration, forged dossier, unlawful appraisal…).
        grounds: String,
        /// The revoking decision (number, date, signer).
        decision: String,
    },
    /// After the last round failed, the named role decided.
    Decided {
        /// Outcome.
        passed: bool,
        /// Why.
        reason: String,
    },
}

impl EventKind {
    /// The event's tag, as serde writes it in the `event` field (and the store in `kind`).
    pub fn tag(&self) -> &'static str {
        match self {
            EventKind::Nominated { .. } => "nominated",
            EventKind::Entered { .. } => "entered",
            EventKind::FieldsSet { .. } => "fields_set",
            EventKind::RoundOpened { .. } => "round_opened",
            EventKind::BallotCast { .. } => "ballot_cast",
            EventKind::RoundClosed { .. } => "round_closed",
            EventKind::Migrated { .. } => "migrated",
            EventKind::Revoked { .. } => "revoked",
            EventKind::Decided { .. } => "decided",
        }
    }
}

/// One stored event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the whole log (1-based).
    pub seq: u64,
    /// The proposal.
    pub proposal: u64,
    /// Position in the proposal's own history (1-based): its version after this event.
    pub version: u64,
    /// When (from the injected clock).
    pub at: NaiveDateTime,
    /// Who acted, and in which role.
    pub actor: String,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// An event to append, before the store numbers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvent {
    /// When.
    pub at: NaiveDateTime,
    /// Who.
    pub actor: String,
    /// What.
    pub kind: EventKind,
}

/// A secret choice for the box: the proposal, stage, round and choice, and nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SealedBallot {
    /// Round.
    pub round: u32,
    /// Choice.
    pub choice: Choice,
}

/// Per-round counts of secret choices.
#[derive(Clone, Debug, Default)]
pub struct SealedBox {
    counts: BTreeMap<(u64, String, u32), Counts>,
}

impl SealedBox {
    /// The counts of a proposal's round in a stage.
    pub fn counts(&self, proposal: u64, stage: &str, round: u32) -> Counts {
        self.counts.get(&(proposal, stage.to_string(), round)).copied().unwrap_or_default()
    }
}

/// Why an append was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Someone else changed the proposal first.
    #[error(
        "proposal {proposal} changed meanwhile (expected version {expected}, found {found}); reload and retry"
    )]
    Conflict {
        /// The proposal.
        proposal: u64,
        /// Version the command was computed against.
        expected: u64,
        /// Version in the store.
        found: u64,
    },
    /// The store itself failed.
    #[error("the store failed: {0}")]
    Backend(String),
}

/// Where events live. Implementations must make [`EventStore::append`] atomic.
pub trait EventStore {
    /// A fresh proposal id.
    fn next_proposal(&mut self) -> Result<u64, StoreError>;
    /// Every proposal id, ascending.
    fn proposals(&self) -> Result<Vec<u64>, StoreError>;
    /// A proposal's events in order.
    fn events(&self, proposal: u64) -> Result<Vec<Event>, StoreError>;
    /// Append events (and sealed ballots for `stage`) if the proposal is still at
    /// `expected_version`; all or nothing.
    fn append(
        &mut self,
        proposal: u64,
        expected_version: u64,
        stage: &str,
        events: Vec<NewEvent>,
        sealed: Vec<SealedBallot>,
    ) -> Result<(), StoreError>;
    /// Secret-ballot counts of a round.
    fn sealed(&self, proposal: u64, stage: &str, round: u32) -> Result<Counts, StoreError>;
    /// Every proposal's first event (its nomination), by proposal id. Finding which entities
    /// already have a proposal needs only these, not whole histories.
    fn nominations(&self) -> Result<Vec<Event>, StoreError> {
        let mut out = Vec::new();
        for id in self.proposals()? {
            if let Some(first) = self.events(id)?.into_iter().next() {
                out.push(first);
            }
        }
        Ok(out)
    }
}

/// An in-memory store: the reference implementation and the one tests use.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    events: Vec<Event>,
    by_proposal: BTreeMap<u64, Vec<usize>>,
    next: u64,
    sealed: SealedBox,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// The whole log in order.
    pub fn log(&self) -> &[Event] {
        &self.events
    }
}

impl EventStore for MemoryStore {
    fn next_proposal(&mut self) -> Result<u64, StoreError> {
        self.next += 1;
        Ok(self.next)
    }

    fn proposals(&self) -> Result<Vec<u64>, StoreError> {
        Ok(self.by_proposal.keys().copied().collect())
    }

    fn events(&self, proposal: u64) -> Result<Vec<Event>, StoreError> {
        Ok(self
            .by_proposal
            .get(&proposal)
            .map(|ix| ix.iter().filter_map(|i| self.events.get(*i).cloned()).collect())
            .unwrap_or_default())
    }

    fn append(
        &mut self,
        proposal: u64,
        expected_version: u64,
        stage: &str,
        events: Vec<NewEvent>,
        sealed: Vec<SealedBallot>,
    ) -> Result<(), StoreError> {
        let found = self.by_proposal.get(&proposal).map_or(0, |v| v.len() as u64);
        if found != expected_version {
            return Err(StoreError::Conflict { proposal, expected: expected_version, found });
        }
        for (version, e) in (found + 1..).zip(events) {
            let seq = self.events.len() as u64 + 1;
            self.by_proposal.entry(proposal).or_default().push(self.events.len());
            self.events.push(Event {
                seq,
                proposal,
                version,
                at: e.at,
                actor: e.actor,
                kind: e.kind,
            });
        }
        for b in sealed {
            self.sealed
                .counts
                .entry((proposal, stage.to_string(), b.round))
                .or_default()
                .add(b.choice);
        }
        Ok(())
    }

    fn sealed(&self, proposal: u64, stage: &str, round: u32) -> Result<Counts, StoreError> {
        Ok(self.sealed.counts(proposal, stage, round))
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::meets;

    #[test]
    fn two_thirds_of_nine_is_six() {
        let two_thirds = Decimal::from(2) / Decimal::from(3);
        assert!(meets(6, two_thirds, 9));
        assert!(!meets(5, two_thirds, 9));
    }

    proptest::proptest! {
        /// The integer fast path decides exactly as the general rule, for shares of any
        /// scale (0 to 28 places), counts and bases.
        #[test]
        fn meets_agrees_with_the_general_rule(
            hi in proptest::prelude::any::<u64>(),
            lo in proptest::prelude::any::<u64>(),
            scale in 0u32..=28,
            base in 0u32..5_000,
            delta in -2i64..=2,
        ) {
            // A share between 0 and 1.5 with `scale` places, and a count at the threshold.
            let bound = 15 * 10u128.pow(scale) / 10 + 1;
            let m = ((u128::from(hi) << 64) | u128::from(lo)) % bound;
            let share = Decimal::from_i128_with_scale(i128::try_from(m).unwrap(), scale);
            let at = (share * Decimal::from(base)).floor();
            let at = rust_decimal::prelude::ToPrimitive::to_i64(&at).unwrap();
            let count = u32::try_from((at + delta).max(0)).unwrap();
            let general = base > 0 && Decimal::from(count) >= super::share_of(share, base);
            proptest::prop_assert_eq!(meets(count, share, base), general);
        }
    }

    #[test]
    fn eighty_percent_of_all_rounds_nothing_down() {
        let p80 = Decimal::new(80, 2);
        assert!(!meets(7, p80, 9), "7 of 9 is 77.8%");
        assert!(meets(8, p80, 9));
        assert!(!meets(0, p80, 0), "no members, no pass");
    }
}
