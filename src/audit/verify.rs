//! `verify`: the hash chain, every tally replayed, the sealed ballot boxes, and the cycle's
//! records (rule sets, data, evaluations) replayed against what was logged.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::Result;
use crate::diag::SourceMap;
use crate::eval::TraceMode;
use crate::office::{Office, results_hash, texts_hash};
use crate::store::Record;

/// One divergence found by [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Divergence {
    /// The event's sequence number.
    pub seq: u64,
    /// What is wrong.
    pub what: String,
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Events in the log.
    pub events: u64,
    /// The chain head (keep a copy elsewhere to detect a rewrite of the whole tail).
    pub head: String,
    /// Evaluations replayed.
    pub evaluations: u64,
    /// Tallies replayed.
    pub tallies: u64,
    /// Everything that diverges, in log order.
    pub problems: Vec<Divergence>,
}

impl Verification {
    /// Readable summary.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if self.problems.is_empty() {
            let _ = writeln!(
                out,
                "verified: {} events, hash chain intact (head {}), {} evaluation(s) and {} tally(ies) replayed identically",
                self.events, self.head, self.evaluations, self.tallies
            );
        } else {
            let _ = writeln!(
                out,
                "VERIFICATION FAILED: {} problem(s) in {} events",
                self.problems.len(),
                self.events
            );
            for p in &self.problems {
                let _ = writeln!(out, "  event {}: {}", p.seq, p.what);
            }
        }
        out
    }
}

/// Check the chain and replay every evaluation and tally.
pub fn verify(office: &Office) -> Result<Verification> {
    // The records are replayed (every evaluation run again) on another thread while the
    // store makes its one pass over the log: the chain, the sealed boxes (each must hold
    // exactly as many ballots as secret votes were logged) and every tally replayed from
    // its ballots.
    let records = office.store.records();
    let (log, replayed) = office.store.verify_log_with(move || replay_records(records))?;
    let chain = log.chain;
    let mut problems: Vec<Divergence> =
        chain.problems.iter().map(|p| Divergence { seq: p.seq, what: p.what.clone() }).collect();
    problems.extend(log.sealed.into_iter().map(|p| Divergence { seq: p.seq, what: p.what }));
    let tallies = log.tallies;
    let RecordsReplay { problems: record_problems, evaluations, rules } = replayed;
    problems.extend(record_problems);
    // Every proposal pinned to a registered rule set.
    for pin in log.pins {
        if !rules.contains_key(&pin.ruleset) {
            problems.push(Divergence {
                seq: pin.seq,
                what: format!(
                    "proposal {} is pinned to rule set {}, which was never registered",
                    pin.proposal, pin.ruleset
                ),
            });
        }
    }
    problems
        .extend(log.tally_problems.into_iter().map(|p| Divergence { seq: p.seq, what: p.what }));
    problems.sort_by_key(|p| p.seq);
    problems.dedup();
    Ok(Verification { events: chain.events, head: chain.head, evaluations, tallies, problems })
}

/// What replaying the cycle records found.
struct RecordsReplay {
    problems: Vec<Divergence>,
    evaluations: u64,
    /// Every rule set registered, by SHA-256.
    rules: BTreeMap<String, crate::program::Program>,
}

/// Replay the records in order, keeping the rules and data in force at each point: every
/// text against its hash, every evaluation against its recorded result hash.
fn replay_records(
    records: std::result::Result<
        Vec<(crate::store::LogEntry, Record)>,
        crate::workflow::store::StoreError,
    >,
) -> RecordsReplay {
    let mut problems = Vec::new();
    let mut evaluations = 0;
    let mut sources = SourceMap::new();
    let mut rules: BTreeMap<String, crate::program::Program> = BTreeMap::new();
    let mut current_rules: Option<String> = None;
    let mut data: Option<(BTreeMap<String, String>, String)> = None;
    let mut cycle_year: Option<i32> = None;
    let records = match records {
        Ok(r) => r,
        Err(e) => {
            problems.push(Divergence { seq: 0, what: format!("records cannot be read: {e}") });
            Vec::new()
        }
    };
    for (entry, record) in records {
        let seq = entry.seq;
        match record {
            Record::CycleOpened { cycle, .. } => cycle_year = Some(cycle),
            Record::RulesetRegistered { name, text, sha256 } => {
                if crate::check::ruleset_hash(&text) != sha256 {
                    problems.push(Divergence {
                        seq,
                        what: format!(
                            "rule set `{name}`: text does not match its recorded SHA-256"
                        ),
                    });
                }
                match crate::check::check_source(&name, &text, &mut sources) {
                    Ok(c) => {
                        rules.insert(sha256.clone(), c.program);
                        current_rules = Some(sha256);
                    }
                    Err(_) => problems.push(Divergence {
                        seq,
                        what: format!("rule set `{name}` no longer checks"),
                    }),
                }
            }
            Record::WorkflowRegistered { name, text, hooks, sha256 } => {
                let mut all = hooks.clone();
                all.insert(name.clone(), text);
                if texts_hash(&all) != sha256 {
                    problems.push(Divergence {
                        seq,
                        what: format!(
                            "workflow `{name}`: text or hooks do not match the recorded SHA-256"
                        ),
                    });
                }
            }
            Record::DataImported { files, sha256 } => {
                if texts_hash(&files) != sha256 {
                    problems.push(Divergence {
                        seq,
                        what: String::from("imported data does not match its recorded SHA-256"),
                    });
                }
                data = Some((files, sha256));
            }
            Record::RosterRegistered { .. } => {}
            Record::EvaluationRun { ruleset, data: data_hash, results, .. } => {
                evaluations += 1;
                let (Some(program), Some((files, dh))) = (rules.get(&ruleset), data.as_ref())
                else {
                    problems.push(Divergence {
                        seq,
                        what: String::from(
                            "evaluation names a rule set or data not registered before it",
                        ),
                    });
                    continue;
                };
                if *dh != data_hash || current_rules.as_deref() != Some(ruleset.as_str()) {
                    problems.push(Divergence {
                        seq,
                        what: String::from(
                            "evaluation does not name the rules and data in force at that point",
                        ),
                    });
                    continue;
                }
                let refs: Vec<(&str, &str)> =
                    files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
                let replayed = crate::data::load_csv_str(&program.schema, &refs, &mut sources)
                    .ok()
                    .and_then(|d| {
                        let c = crate::eval::resolve_cycle(program, cycle_year).ok()?;
                        let e = crate::eval::evaluate(program, &d, c, TraceMode::Off).ok()?;
                        Some(results_hash(program, &d, &e))
                    });
                if replayed.as_deref() != Some(results.as_str()) {
                    problems.push(Divergence {
                        seq,
                        what: String::from("re-evaluating gives different results than recorded"),
                    });
                }
            }
        }
    }
    RecordsReplay { problems, evaluations, rules }
}
