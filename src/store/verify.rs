//! Verification in one pass over the log: the hash chain, the sealed boxes and every tally.
//!
//! The rows are read once, in seq order. Reading stays on the calling thread (it owns the
//! SQLite connection); batches of rows go to a checking thread, which hashes each row and
//! parses its payload in parallel (rayon), then walks the batch in order: links, versions,
//! the sealed-box counts and the replay of every vote. Reading the next batch overlaps with
//! checking this one. Nothing is kept per row beyond the batch: the state is per proposal
//! (its stage, the round being replayed) and per ballot box.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::mpsc;

use rayon::prelude::*;
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use super::chain::{Head, RowCheck, RowRef, Verifier};
use super::payload::Fact;
use super::{ChainProblem, ChainReport, read_raw, sql_error};
use crate::workflow::store::{Counts, StoreError, meets};

/// Every row in seq order.
const SCAN: &str = "SELECT seq, proposal, version, at, actor, kind, payload, prev_hash, hash FROM \
     events ORDER BY seq";

/// Rows handed to the checking thread at a time.
const BATCH: usize = 2048;

/// What [`SqliteStore::verify_log`](super::SqliteStore::verify_log) found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogReport {
    /// The hash chain, as [`verify_chain`](super::SqliteStore::verify_chain) reports it.
    pub chain: ChainReport,
    /// The sealed boxes, as [`verify_sealed`](super::SqliteStore::verify_sealed) reports
    /// them.
    pub sealed: Vec<ChainProblem>,
    /// Rounds closed (tallies replayed).
    pub tallies: u64,
    /// Tallies that do not match their ballots or their rule, in log order.
    pub tally_problems: Vec<ChainProblem>,
    /// The rule set each proposal was pinned to (by its nomination and each migration), in
    /// log order: the caller checks they were registered.
    pub pins: Vec<Pin>,
}

/// A proposal pinned to a rule set by an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    /// The event (`nominated` or `migrated`).
    pub seq: u64,
    /// The proposal.
    pub proposal: u64,
    /// SHA-256 of the rule set.
    pub ruleset: String,
}

/// What to do besides the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scope {
    /// The chain only.
    Chain,
    /// The chain, the sealed boxes and the tallies.
    All,
}

/// One pass over the log; see the [module docs](self). With [`Scope::Chain`] the sealed
/// table is not read, and the sealed and tally parts of the report are empty. Besides the
/// report, the error that stopped the replay of a vote, if any (a box the store cannot read,
/// as [`EventStore::sealed`](crate::workflow::store::EventStore::sealed) refuses it).
pub(super) fn run(
    conn: &Connection,
    what: &str,
    scope: Scope,
) -> Result<(LogReport, Option<StoreError>), StoreError> {
    let fail = |e: rusqlite::Error| sql_error(&format!("cannot verify {what}"), &e);
    let mut stages = Stages::default();
    let boxes = match scope {
        Scope::All => read_boxes(conn, what, &mut stages)?,
        Scope::Chain => FxHashMap::default(),
    };
    let mut pass = Pass::new(scope, stages, boxes);
    let mut stmt = conn.prepare(SCAN).map_err(fail)?;
    let mut rows = stmt.query([]).map_err(fail)?;
    let read = std::thread::scope(|threads| {
        let (to_check, checking) = mpsc::sync_channel::<Batch>(2);
        let (to_reuse, reusable) = mpsc::channel::<Batch>();
        let checker = threads.spawn(move || {
            for batch in checking {
                let checks: Vec<Option<RowCheck<'_>>> =
                    batch.rows.par_iter().with_min_len(64).map(|slot| batch.check(slot)).collect();
                pass.batch(&batch, &checks);
                // The reader may be gone: then the batch is simply dropped.
                let _reuse = to_reuse.send(batch);
            }
            pass
        });
        let read = read_all(&mut rows, &to_check, &reusable).map_err(fail);
        drop(to_check);
        match checker.join() {
            Ok(pass) => read.map(|()| pass),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    let pass = read?;
    let head = conn
        .query_row("SELECT count, hash FROM head WHERE id = 1", [], |r| {
            Ok(Head { count: r.get(0)?, hash: r.get(1)? })
        })
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })
        .map_err(fail)?;
    Ok(pass.finish(head))
}

/// Read every row into batches and send them to the checker, in order.
fn read_all(
    rows: &mut rusqlite::Rows<'_>,
    to_check: &mpsc::SyncSender<Batch>,
    reusable: &mpsc::Receiver<Batch>,
) -> rusqlite::Result<()> {
    loop {
        let mut batch = reusable.try_recv().unwrap_or_default();
        batch.clear();
        let mut done = false;
        while batch.rows.len() < BATCH {
            match rows.next()? {
                Some(row) => batch.read(row)?,
                None => {
                    done = true;
                    break;
                }
            }
        }
        // A send fails only if the checker is gone (it panicked): its join reports that.
        if !batch.rows.is_empty() && to_check.send(batch).is_err() {
            return Ok(());
        }
        if done {
            return Ok(());
        }
    }
}

/// Rows as read: their text in one buffer, the fields as ranges of it.
#[derive(Debug, Default)]
struct Batch {
    text: String,
    rows: Vec<Slot>,
}

#[derive(Debug)]
enum Slot {
    Row(Spans),
    /// A row whose columns do not have their types (only a damaged file can hold one).
    Unreadable {
        seq: i64,
        error: String,
    },
}

#[derive(Debug)]
struct Spans {
    seq: i64,
    proposal: Option<i64>,
    version: i64,
    at: Range<usize>,
    actor: Range<usize>,
    kind: Range<usize>,
    payload: Range<usize>,
    prev_hash: Range<usize>,
    hash: Range<usize>,
}

impl Batch {
    fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
    }

    fn push(&mut self, s: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(s);
        start..self.text.len()
    }

    /// Read one row: its columns straight from SQLite when they have their types, else
    /// as the store reads a row, so that an unreadable one gets the same error.
    fn read(&mut self, row: &rusqlite::Row<'_>) -> rusqlite::Result<()> {
        let int = |i: usize| match row.get_ref(i) {
            Ok(ValueRef::Integer(n)) => Some(n),
            _ => None,
        };
        let text = |i: usize| match row.get_ref(i) {
            Ok(ValueRef::Text(t)) => std::str::from_utf8(t).ok(),
            _ => None,
        };
        let proposal = match row.get_ref(1) {
            Ok(ValueRef::Null) => Some(None),
            Ok(ValueRef::Integer(n)) => Some(Some(n)),
            _ => None,
        };
        let fields = (int(0), proposal, int(2), text(3), text(4), text(5), text(6), text(7));
        if let (Some(seq), Some(proposal), Some(version), Some(at), Some(actor), Some(kind)) =
            (fields.0, fields.1, fields.2, fields.3, fields.4, fields.5)
            && let (Some(payload), Some(prev_hash), Some(hash)) = (fields.6, fields.7, text(8))
        {
            let spans = Spans {
                seq,
                proposal,
                version,
                at: self.push(at),
                actor: self.push(actor),
                kind: self.push(kind),
                payload: self.push(payload),
                prev_hash: self.push(prev_hash),
                hash: self.push(hash),
            };
            self.rows.push(Slot::Row(spans));
            return Ok(());
        }
        // Some column does not have its type: read the row as the store reads one.
        match read_raw(row) {
            Ok(raw) => {
                let spans = Spans {
                    seq: raw.seq,
                    proposal: raw.proposal,
                    version: raw.version,
                    at: self.push(&raw.at),
                    actor: self.push(&raw.actor),
                    kind: self.push(&raw.kind),
                    payload: self.push(&raw.payload),
                    prev_hash: self.push(&raw.prev_hash),
                    hash: self.push(&raw.hash),
                };
                self.rows.push(Slot::Row(spans));
            }
            Err(e) => {
                let seq: i64 = row.get(0)?;
                self.rows.push(Slot::Unreadable { seq, error: e.to_string() });
            }
        }
        Ok(())
    }

    fn text(&self, r: &Range<usize>) -> &str {
        self.text.get(r.clone()).unwrap_or_default()
    }

    /// A row's hashed fields and its stored hash.
    fn view(&self, s: &Spans) -> (RowRef<'_>, &str) {
        let row = RowRef {
            seq: s.seq,
            proposal: s.proposal,
            version: s.version,
            at: self.text(&s.at),
            actor: self.text(&s.actor),
            kind: self.text(&s.kind),
            payload: self.text(&s.payload),
            prev_hash: self.text(&s.prev_hash),
        };
        (row, self.text(&s.hash))
    }

    fn check(&self, slot: &Slot) -> Option<RowCheck<'_>> {
        match slot {
            Slot::Row(s) => {
                let (row, hash) = self.view(s);
                Some(RowCheck::of(&row, hash))
            }
            Slot::Unreadable { .. } => None,
        }
    }
}

/// Stage names as small numbers (ballots are counted per proposal, stage and round).
#[derive(Debug, Default)]
struct Stages {
    ids: FxHashMap<String, u32>,
    names: Vec<String>,
}

impl Stages {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }
}

/// A ballot box: (proposal, stage, round).
type BoxKey = (i64, u32, i64);

/// One box's stored counts, as read.
#[derive(Debug, Default)]
struct StoredBox {
    for_: i64,
    against: i64,
    abstain: i64,
    /// Ballots under a choice the store does not know (only a damaged table holds any).
    other: i64,
    /// That choice.
    unknown: Option<String>,
}

impl StoredBox {
    fn total(&self) -> i64 {
        self.for_
            .saturating_add(self.against)
            .saturating_add(self.abstain)
            .saturating_add(self.other)
    }

    /// The counts, refused as [`sealed`](crate::workflow::store::EventStore::sealed) refuses
    /// them.
    fn counts(&self, proposal: i64) -> Result<Counts, StoreError> {
        if let Some(other) = &self.unknown {
            return Err(StoreError::Backend(format!(
                "sealed box of proposal {proposal} holds an unknown choice `{other}`"
            )));
        }
        let n = |n: i64| {
            u32::try_from(n).map_err(|_| {
                StoreError::Backend(format!(
                    "sealed count {n} of proposal {proposal} is out of range"
                ))
            })
        };
        Ok(Counts { for_: n(self.for_)?, against: n(self.against)?, abstain: n(self.abstain)? })
    }
}

fn read_boxes(
    conn: &Connection,
    what: &str,
    stages: &mut Stages,
) -> Result<FxHashMap<BoxKey, StoredBox>, StoreError> {
    let fail =
        |e: rusqlite::Error| sql_error(&format!("cannot read the sealed counts ({what})"), &e);
    let mut stmt =
        conn.prepare("SELECT proposal, stage, round, choice, count FROM sealed").map_err(fail)?;
    let mut rows = stmt.query([]).map_err(fail)?;
    let mut boxes: FxHashMap<BoxKey, StoredBox> = FxHashMap::default();
    while let Some(row) = rows.next().map_err(fail)? {
        let proposal: i64 = row.get(0).map_err(fail)?;
        let stage: String = row.get(1).map_err(fail)?;
        let round: i64 = row.get(2).map_err(fail)?;
        let choice: String = row.get(3).map_err(fail)?;
        let count: i64 = row.get(4).map_err(fail)?;
        let b = boxes.entry((proposal, stages.id(&stage), round)).or_default();
        match choice.as_str() {
            "for" => b.for_ = b.for_.saturating_add(count),
            "against" => b.against = b.against.saturating_add(count),
            "abstain" => b.abstain = b.abstain.saturating_add(count),
            _ => {
                // Counted in the box's total, as `SUM(count)` counts it.
                b.other = b.other.saturating_add(count);
                b.unknown.get_or_insert(choice);
            }
        }
    }
    Ok(boxes)
}

/// A round being replayed.
#[derive(Debug)]
struct OpenRound {
    stage: u32,
    round: u32,
    members: u32,
    threshold: Decimal,
    of_all: bool,
    secret: bool,
    voted: u32,
}

/// A proposal as replayed so far.
#[derive(Debug, Default)]
struct Replay {
    /// The stage of its last `entered` row (for the sealed boxes).
    stage: Option<u32>,
    open: Option<OpenRound>,
    counted: Counts,
    secret_ballots: u32,
}

/// The checker's state: see the [module docs](self).
#[derive(Debug)]
struct Pass {
    scope: Scope,
    verifier: Verifier,
    stages: Stages,
    boxes: FxHashMap<BoxKey, StoredBox>,
    /// Secret ballots cast per box, and the seq of the last one.
    cast: FxHashMap<BoxKey, (i64, i64)>,
    proposals: FxHashMap<i64, Replay>,
    tallies: u64,
    tally_problems: Vec<ChainProblem>,
    pins: Vec<Pin>,
    /// The first error that stops the replay (a box the store cannot read).
    error: Option<StoreError>,
}

impl Pass {
    fn new(scope: Scope, stages: Stages, boxes: FxHashMap<BoxKey, StoredBox>) -> Pass {
        Pass {
            scope,
            verifier: Verifier::new(),
            stages,
            boxes,
            cast: FxHashMap::default(),
            proposals: FxHashMap::default(),
            tallies: 0,
            tally_problems: Vec::new(),
            pins: Vec::new(),
            error: None,
        }
    }

    fn batch(&mut self, batch: &Batch, checks: &[Option<RowCheck<'_>>]) {
        for (slot, check) in batch.rows.iter().zip(checks) {
            match (slot, check) {
                (Slot::Row(s), Some(check)) => {
                    let (row, hash) = batch.view(s);
                    self.verifier.row(&row, hash, check);
                    if self.scope == Scope::All
                        && let (Some(p), Some(event)) = (row.proposal, &check.event)
                    {
                        self.sealed(p, row.seq, row.kind, event);
                        self.replay(p, row.seq, event);
                    }
                }
                (Slot::Unreadable { seq, error }, _) => self.verifier.unreadable(*seq, error),
                (Slot::Row(_), None) => {}
            }
        }
    }

    /// Count the secret ballots per box: each goes to the stage of the proposal's last
    /// `entered` row before it (rows are taken by their `kind` column, then their payload).
    fn sealed(&mut self, p: i64, seq: i64, kind: &str, event: &Fact<'_>) {
        if kind != "entered" && kind != "ballot_cast" {
            return;
        }
        match event {
            Fact::Entered { stage } => {
                let id = self.stages.id(stage);
                self.proposals.entry(p).or_default().stage = Some(id);
            }
            Fact::BallotCast { round, choice: None } => {
                let stage = match self.proposals.get(&p).and_then(|r| r.stage) {
                    Some(id) => id,
                    None => self.stages.id(""),
                };
                let e = self.cast.entry((p, stage, i64::from(*round))).or_insert((0, 0));
                e.0 += 1;
                e.1 = seq;
            }
            _ => {}
        }
    }

    /// Replay a proposal's votes: every tally against its ballots and its rule.
    fn replay(&mut self, p: i64, seq: i64, event: &Fact<'_>) {
        let at = u64::try_from(seq).unwrap_or(0);
        let id = u64::try_from(p).unwrap_or(0);
        match event {
            Fact::RoundOpened { stage, round, members, threshold, of_all, secret } => {
                let stage = self.stages.id(stage);
                let r = self.proposals.entry(p).or_default();
                r.open = Some(OpenRound {
                    stage,
                    round: *round,
                    members: u32::try_from(*members).unwrap_or(u32::MAX),
                    threshold: *threshold,
                    of_all: *of_all,
                    secret: *secret,
                    voted: 0,
                });
                r.counted = Counts::default();
                r.secret_ballots = 0;
            }
            Fact::Nominated { ruleset } | Fact::Migrated { to: ruleset } => {
                self.pins.push(Pin { seq: at, proposal: id, ruleset: ruleset.to_string() });
            }
            Fact::BallotCast { choice, .. } => {
                let r = self.proposals.entry(p).or_default();
                match choice {
                    Some(c) => r.counted.add(*c),
                    None => r.secret_ballots += 1,
                }
                if let Some(o) = r.open.as_mut() {
                    o.voted += 1;
                }
            }
            Fact::RoundClosed { round, counts, members, passed, tied, reason } => {
                self.tallies += 1;
                let r = self.proposals.entry(p).or_default();
                let (counted, secret_ballots) = (r.counted, r.secret_ballots);
                let Some(open) = r.open.take() else {
                    self.tally(at, String::from("a round closed that was never opened"));
                    return;
                };
                let actual = if open.secret {
                    let key = (p, open.stage, i64::from(open.round));
                    match self.boxes.get(&key).map_or(Ok(Counts::default()), |b| b.counts(p)) {
                        Ok(c) => c,
                        Err(e) => {
                            self.error.get_or_insert(e);
                            return;
                        }
                    }
                } else {
                    counted
                };
                let box_total = actual.for_ + actual.against + actual.abstain;
                if open.secret && box_total != secret_ballots {
                    self.tally(
                        at,
                        format!(
                            "the sealed box holds {box_total} ballot(s) but {secret_ballots} \
                             member(s) voted"
                        ),
                    );
                }
                if *round != open.round || *members != open.members || *counts != actual {
                    self.tally(
                        at,
                        format!(
                            "tally of round {round} does not match its ballots ({} for, {} \
                             against, {} abstain counted)",
                            actual.for_, actual.against, actual.abstain
                        ),
                    );
                    return;
                }
                let base = if open.of_all { open.members } else { open.voted };
                let rule = meets(actual.for_, open.threshold, base);
                let hook_or_quorum =
                    reason.starts_with("tally hook") || reason.starts_with("quorum not met");
                if let Some(passed) = passed
                    && !hook_or_quorum
                    && !tied
                    && *passed != rule
                {
                    let word = |b: bool| if b { "passed" } else { "failed" };
                    self.tally(
                        at,
                        format!(
                            "round {round} is recorded as {} but its rule gives {}",
                            word(*passed),
                            word(rule)
                        ),
                    );
                }
            }
            Fact::Entered { .. } | Fact::Other => {}
        }
    }

    fn tally(&mut self, seq: u64, what: String) {
        self.tally_problems.push(ChainProblem { seq, what });
    }

    fn finish(self, head: Option<Head>) -> (LogReport, Option<StoreError>) {
        let chain = self.verifier.finish(head);
        // Every box that holds ballots or had secret ballots cast, in (proposal, stage,
        // round) order.
        let keys: BTreeSet<(i64, &str, i64, BoxKey)> = self
            .cast
            .keys()
            .chain(self.boxes.keys())
            .map(|k @ (p, s, r)| (*p, self.stages.name(*s), *r, *k))
            .collect();
        let mut sealed = Vec::new();
        for (p, s, r, key) in keys {
            let (ballots, seq) = self.cast.get(&key).copied().unwrap_or((0, 0));
            let held = self.boxes.get(&key).map_or(0, StoredBox::total);
            if ballots != held {
                sealed.push(ChainProblem {
                    seq: u64::try_from(seq).unwrap_or(0),
                    what: format!(
                        "the sealed box of proposal {p}, stage `{s}`, round {r} holds {held} \
                         ballots but {ballots} secret ballots were cast"
                    ),
                });
            }
        }
        let report = LogReport {
            chain,
            sealed,
            tallies: self.tallies,
            tally_problems: self.tally_problems,
            pins: self.pins,
        };
        (report, self.error)
    }
}
