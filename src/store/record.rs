//! What the store hands out besides workflow events: cycle [`Record`]s, raw [`LogEntry`]s, and
//! the [`ChainReport`] of a chain check.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// A record about the cycle as a whole (not about one proposal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    /// The cycle was opened.
    CycleOpened {
        /// The cycle's year.
        cycle: i32,
        /// A label for people.
        label: String,
    },
    /// A rule set was registered.
    RulesetRegistered {
        /// Its name (file name).
        name: String,
        /// Its full text.
        text: String,
        /// SHA-256 (hex) of the text.
        sha256: String,
    },
    /// A workflow was registered.
    WorkflowRegistered {
        /// Its name.
        name: String,
        /// Its full text.
        text: String,
        /// The text of the hook scripts it uses, by file name.
        hooks: BTreeMap<String, String>,
        /// SHA-256 (hex) over the workflow and its hooks.
        sha256: String,
    },
    /// The cycle's data was imported.
    DataImported {
        /// The imported files' text, by file name.
        files: BTreeMap<String, String>,
        /// SHA-256 (hex) over all files.
        sha256: String,
    },
    /// The members of a voting body were registered.
    RosterRegistered {
        /// The body.
        body: String,
        /// Its members' ids.
        members: Vec<String>,
    },
    /// The rule set was evaluated on the data.
    EvaluationRun {
        /// SHA-256 of the rule set.
        ruleset: String,
        /// SHA-256 of the data.
        data: String,
        /// SHA-256 of the results.
        results: String,
        /// How many entities were eligible, by award.
        eligible: BTreeMap<String, u64>,
    },
}

impl Record {
    /// The record's tag, as serde writes it in the `record` field (and the store in `kind`).
    pub fn tag(&self) -> &'static str {
        match self {
            Record::CycleOpened { .. } => "cycle_opened",
            Record::RulesetRegistered { .. } => "ruleset_registered",
            Record::WorkflowRegistered { .. } => "workflow_registered",
            Record::DataImported { .. } => "data_imported",
            Record::RosterRegistered { .. } => "roster_registered",
            Record::EvaluationRun { .. } => "evaluation_run",
        }
    }
}

/// One row of the log, as stored (for verify, explain and reports).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    /// Position in the whole log (1-based).
    pub seq: u64,
    /// The proposal, or `None` for a cycle-level [`Record`].
    pub proposal: Option<u64>,
    /// Position in the proposal's history (or among the cycle records), 1-based.
    pub version: u64,
    /// When.
    pub at: NaiveDateTime,
    /// Who.
    pub actor: String,
    /// The payload's tag: `"nominated"`, `"ballot_cast"`, `"cycle_opened"`…
    pub kind: String,
    /// The payload as stored: the JSON of the [`EventKind`](crate::workflow::store::EventKind) or [`Record`].
    pub payload: String,
    /// The previous row's hash (64 zeros for the first).
    pub prev_hash: String,
    /// This row's hash (see the module docs for what it covers).
    pub hash: String,
}

/// What [`SqliteStore::verify_chain`](super::SqliteStore::verify_chain) found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Rows in the log.
    pub events: u64,
    /// The last row's stored hash (64 zeros for an empty log): compare it with a copy kept
    /// elsewhere.
    pub head: String,
    /// Every problem found, in seq order, at most 100 (the last then says how many more).
    pub problems: Vec<ChainProblem>,
}

impl ChainReport {
    /// No problem found.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One problem found by verification, located by seq.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainProblem {
    /// The row where the problem shows (for a missing row, the missing seq; 0 when no row
    /// applies).
    pub seq: u64,
    /// What is wrong, e.g. "hash does not match its content" or "previous hash does not match
    /// event 41".
    pub what: String,
}
