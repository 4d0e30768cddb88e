//! A cycle as an office runs it all year: everything registered in a SQLite store, state
//! rebuilt from the stored records, and each command one transaction.
//!
//! [`Office::load`] replays the cycle-level records (cycle opened, rule sets, workflows, data,
//! rosters) into a [`Loaded`] state: checked programs, flows, the dataset and its evaluation.
//! Commands that change proposals build a [`Runner`] over it. Nothing here reads the system
//! clock: callers pass the time.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDateTime;

use crate::diag::{Diagnostic, SourceMap};
use crate::eval::{Evaluation, Outcome, TraceMode};
use crate::model::Dataset;
use crate::program::Program;
use crate::store::{Record, SqliteStore};
use crate::workflow::engine::{Actor, Context, ManualClock, Runner, WorkflowError};
use crate::workflow::store::StoreError;
use crate::workflow::{Flow, check_workflow_with};

/// Why an office command failed.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    /// Rule, workflow or data files with problems (rendered with the sources).
    #[error("{} problem(s) in the input", .0.len())]
    Invalid(Vec<Diagnostic>, SourceMap),
    /// The store failed or refused.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// A workflow command was refused.
    #[error("{0}")]
    Workflow(#[from] WorkflowError),
    /// Reading a file failed.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The command needs something not registered yet, or names something unknown.
    #[error("{0}")]
    Missing(String),
}

type Result<T> = std::result::Result<T, OfficeError>;

/// A registered rule set, checked.
#[derive(Debug)]
pub struct Rules {
    /// Name as registered (the file name).
    pub name: String,
    /// Its text.
    pub text: String,
    /// SHA-256 of the text.
    pub sha256: String,
    /// The checked program.
    pub program: Program,
}

/// A registered workflow, checked.
#[derive(Debug)]
pub struct RegisteredFlow {
    /// SHA-256 of its text and hooks.
    pub sha256: String,
    /// The checked flow.
    pub flow: Flow,
}

/// A cycle's state, rebuilt from the store.
#[derive(Debug)]
pub struct Loaded {
    /// Every text registered, for diagnostics and explanations.
    pub sources: SourceMap,
    /// The cycle opened, and its label.
    pub cycle: Option<(i32, String)>,
    /// Every rule set registered, by SHA-256 (proposals are pinned to one).
    pub rulesets: BTreeMap<String, Rules>,
    /// The SHA-256 of the rule set in force (the last registered).
    pub current_rules: Option<String>,
    /// Workflows by name (the last registration of each).
    pub workflows: BTreeMap<String, RegisteredFlow>,
    /// The cycle's data and its SHA-256.
    pub data: Option<(Dataset, String)>,
    /// Rosters of bodies whose members are registered.
    pub roster: BTreeMap<String, Vec<String>>,
    /// The evaluation of the current rules over the data, if both are registered.
    pub evaluation: Option<Evaluation>,
    /// How many cycle records this state was rebuilt from: [`Office::act_loaded`] refuses a
    /// state that records added since have made stale.
    pub records: u64,
    /// Evaluations that traced every decision, kept by [`Loaded::keep_traces`], by rule set
    /// SHA-256 and cycle year.
    pub traces: BTreeMap<(String, i32), Evaluation>,
}

impl Loaded {
    /// The rule set in force.
    pub fn rules(&self) -> Result<&Rules> {
        self.current_rules.as_ref().and_then(|h| self.rulesets.get(h)).ok_or_else(|| {
            OfficeError::Missing(String::from(
                "no rule set is registered; run `thidua register rules FILE`",
            ))
        })
    }

    /// The dataset.
    pub fn dataset(&self) -> Result<&Dataset> {
        self.data.as_ref().map(|(d, _)| d).ok_or_else(|| {
            OfficeError::Missing(String::from("no data is imported; run `thidua import DIR`"))
        })
    }

    /// The evaluation.
    pub fn evaluation(&self) -> Result<&Evaluation> {
        self.evaluation.as_ref().ok_or_else(|| {
            OfficeError::Missing(String::from("the cycle is not evaluated; run `thidua evaluate`"))
        })
    }

    /// Trace every decision of the rule set in force over the cycle's data once, and keep
    /// it: explaining a proposal pinned to that rule set then builds its trace from what was
    /// kept instead of evaluating the whole cycle again. Worth it for a process that explains
    /// many proposals (it costs about one evaluation, 35 ms for 100,000 people, plus a bit per
    /// condition and row; each explanation then takes about 50 µs); one explanation is faster
    /// without. The explanations are the same either way: decisions do not depend on what is
    /// traced.
    pub fn keep_traces(&mut self) -> Result<()> {
        let rules = self.rules()?;
        let data = self.dataset()?;
        let invalid = |d: Box<Diagnostic>| OfficeError::Invalid(vec![*d], self.sources.clone());
        let cycle = crate::eval::resolve_cycle(&rules.program, self.cycle.as_ref().map(|c| c.0))
            .map_err(invalid)?;
        let traced =
            crate::eval::evaluate(&rules.program, data, cycle, TraceMode::All).map_err(invalid)?;
        let key = (rules.sha256.clone(), cycle.year);
        self.traces.insert(key, traced);
        Ok(())
    }

    /// The evaluation of a rule set over a cycle with every decision traced, if kept
    /// ([`Loaded::keep_traces`]).
    pub fn traces(&self, ruleset: &str, cycle: i32) -> Option<&Evaluation> {
        self.traces.get(&(ruleset.to_string(), cycle))
    }

    /// A workflow by name.
    pub fn flow(&self, name: &str) -> Result<&RegisteredFlow> {
        self.workflows.get(name).ok_or_else(|| {
            let names: Vec<&str> = self.workflows.keys().map(String::as_str).collect();
            OfficeError::Missing(format!(
                "no workflow `{name}` is registered (registered: {})",
                if names.is_empty() { String::from("none") } else { names.join(", ") }
            ))
        })
    }

    /// A runner for a workflow, at a given time.
    pub fn runner<'a>(
        &'a self,
        flow: &str,
        clock: &'a ManualClock,
    ) -> Result<Runner<'a, ManualClock>> {
        let rules = self.rules()?;
        let f = self.flow(flow)?;
        let cx = Context {
            program: &rules.program,
            data: self.dataset()?,
            evaluation: self.evaluation()?,
            ruleset_hash: rules.sha256.clone(),
            roster: self.roster.clone(),
        };
        Ok(Runner::new(&f.flow, cx, clock))
    }
}

/// SHA-256 hex of named texts, in name order: `name\0len\0text` for each.
pub fn texts_hash(files: &BTreeMap<String, String>) -> String {
    let mut joined = String::new();
    for (name, text) in files {
        joined.push_str(name);
        joined.push('\0');
        joined.push_str(&text.len().to_string());
        joined.push('\0');
        joined.push_str(text);
    }
    crate::check::ruleset_hash(&joined)
}

/// The SHA-256 of an evaluation's results: the hash of its JSON report.
pub fn results_hash(program: &Program, data: &Dataset, eval: &Evaluation) -> String {
    crate::check::ruleset_hash(&crate::report::json(program, data, eval))
}

/// Eligible entities per award.
pub fn eligible_counts(program: &Program, eval: &Evaluation) -> BTreeMap<String, u64> {
    program
        .awards
        .iter()
        .zip(&eval.awards)
        .map(|(a, r)| {
            (a.name.clone(), r.outcome.iter().filter(|o| **o == Outcome::Eligible).count() as u64)
        })
        .collect()
}

/// The office: a store and the operations on it.
#[derive(Debug)]
pub struct Office {
    /// The store.
    pub store: SqliteStore,
}

impl Office {
    /// Open (or create) the database file.
    pub fn open(path: &Path) -> Result<Office> {
        Ok(Office { store: SqliteStore::open(path)? })
    }

    /// Rebuild the cycle's state from the stored records.
    pub fn load(&self) -> Result<Loaded> {
        let mut l = Loaded {
            sources: SourceMap::new(),
            cycle: None,
            rulesets: BTreeMap::new(),
            current_rules: None,
            workflows: BTreeMap::new(),
            data: None,
            roster: BTreeMap::new(),
            evaluation: None,
            records: 0,
            traces: BTreeMap::new(),
        };
        let mut workflow_texts: Vec<(String, String, BTreeMap<String, String>, String)> =
            Vec::new();
        let mut data_files: Option<(BTreeMap<String, String>, String)> = None;
        let records = self.store.records()?;
        l.records = records.len() as u64;
        for (_, record) in records {
            match record {
                Record::CycleOpened { cycle, label } => l.cycle = Some((cycle, label)),
                Record::RulesetRegistered { name, text, sha256 } => {
                    let checked = crate::check::check_source(&name, &text, &mut l.sources)
                        .map_err(|d| OfficeError::Invalid(d, l.sources.clone()))?;
                    l.current_rules = Some(sha256.clone());
                    l.rulesets.insert(
                        sha256.clone(),
                        Rules { name, text, sha256, program: checked.program },
                    );
                }
                Record::WorkflowRegistered { name, text, hooks, sha256 } => {
                    workflow_texts.push((name, text, hooks, sha256));
                }
                Record::DataImported { files, sha256 } => data_files = Some((files, sha256)),
                Record::RosterRegistered { body, members } => {
                    l.roster.insert(body, members);
                }
                Record::EvaluationRun { .. } => {}
            }
        }
        let Some(rules_hash) = l.current_rules.clone() else { return Ok(l) };
        let program = match l.rulesets.get(&rules_hash) {
            Some(r) => &r.program,
            None => return Ok(l),
        };
        for (name, text, hooks, sha256) in workflow_texts {
            let load = |path: &str| {
                hooks.get(path).cloned().ok_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::NotFound, "hook not stored")
                })
            };
            let checked = check_workflow_with(&name, &text, &load, program, &mut l.sources)
                .map_err(|d| OfficeError::Invalid(d, l.sources.clone()))?;
            l.workflows
                .insert(checked.flow.name.clone(), RegisteredFlow { sha256, flow: checked.flow });
        }
        if let Some((files, sha256)) = data_files {
            let refs: Vec<(&str, &str)> =
                files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
            let data = match crate::data::load_csv_str(&program.schema, &refs, &mut l.sources) {
                Ok(d) => d,
                Err(crate::data::LoadError::Invalid(d)) => {
                    return Err(OfficeError::Invalid(d, l.sources.clone()));
                }
                Err(e) => return Err(OfficeError::Missing(e.to_string())),
            };
            let cycle = crate::eval::resolve_cycle(program, l.cycle.as_ref().map(|c| c.0))
                .map_err(|d| OfficeError::Invalid(vec![*d], l.sources.clone()))?;
            let eval = crate::eval::evaluate(program, &data, cycle, TraceMode::Off)
                .map_err(|d| OfficeError::Invalid(vec![*d], l.sources.clone()))?;
            l.evaluation = Some(eval);
            l.data = Some((data, sha256));
        }
        Ok(l)
    }

    /// Open the cycle.
    pub fn open_cycle(
        &mut self,
        at: NaiveDateTime,
        actor: &str,
        cycle: i32,
        label: &str,
    ) -> Result<u64> {
        Ok(self.store.record(
            at,
            actor,
            &Record::CycleOpened { cycle, label: label.to_string() },
        )?)
    }

    /// Check and register a rule set.
    pub fn register_rules(
        &mut self,
        at: NaiveDateTime,
        actor: &str,
        name: &str,
        text: &str,
    ) -> Result<u64> {
        let mut sources = SourceMap::new();
        crate::check::check_source(name, text, &mut sources)
            .map_err(|d| OfficeError::Invalid(d, sources))?;
        let sha256 = crate::check::ruleset_hash(text);
        Ok(self.store.record(
            at,
            actor,
            &Record::RulesetRegistered { name: name.to_string(), text: text.to_string(), sha256 },
        )?)
    }

    /// Check and register a workflow; hooks are read through `load_hook` and stored with it.
    pub fn register_workflow(
        &mut self,
        at: NaiveDateTime,
        actor: &str,
        name: &str,
        text: &str,
        load_hook: &dyn Fn(&str) -> std::io::Result<String>,
    ) -> Result<u64> {
        let loaded = self.load()?;
        let rules = loaded.rules()?;
        let hooks = std::cell::RefCell::new(BTreeMap::new());
        let recording = |path: &str| {
            let t = load_hook(path)?;
            hooks.borrow_mut().insert(path.to_string(), t.clone());
            Ok(t)
        };
        let mut sources = SourceMap::new();
        check_workflow_with(name, text, &recording, &rules.program, &mut sources)
            .map_err(|d| OfficeError::Invalid(d, sources))?;
        let hooks = hooks.into_inner();
        let mut all = hooks.clone();
        all.insert(name.to_string(), text.to_string());
        let sha256 = texts_hash(&all);
        Ok(self.store.record(
            at,
            actor,
            &Record::WorkflowRegistered {
                name: name.to_string(),
                text: text.to_string(),
                hooks,
                sha256,
            },
        )?)
    }

    /// Check and import a cycle's data (CSV texts by file name), all or nothing.
    pub fn import(
        &mut self,
        at: NaiveDateTime,
        actor: &str,
        files: BTreeMap<String, String>,
    ) -> Result<u64> {
        let loaded = self.load()?;
        let rules = loaded.rules()?;
        let mut sources = SourceMap::new();
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        match crate::data::load_csv_str(&rules.program.schema, &refs, &mut sources) {
            Ok(_) => {}
            Err(crate::data::LoadError::Invalid(d)) => {
                return Err(OfficeError::Invalid(d, sources));
            }
            Err(e) => return Err(OfficeError::Missing(e.to_string())),
        }
        let sha256 = texts_hash(&files);
        Ok(self.store.record(at, actor, &Record::DataImported { files, sha256 })?)
    }

    /// Register a body's members.
    pub fn register_roster(
        &mut self,
        at: NaiveDateTime,
        actor: &str,
        body: &str,
        members: Vec<String>,
    ) -> Result<u64> {
        if members.is_empty() {
            return Err(OfficeError::Missing(format!("the roster of `{body}` is empty")));
        }
        Ok(self.store.record(
            at,
            actor,
            &Record::RosterRegistered { body: body.to_string(), members },
        )?)
    }

    /// Evaluate the cycle and record the result's hash and eligible counts.
    pub fn evaluate(
        &mut self,
        at: NaiveDateTime,
        actor: &str,
    ) -> Result<(u64, BTreeMap<String, u64>)> {
        let loaded = self.load()?;
        let rules = loaded.rules()?;
        let (data, data_hash) = loaded.data.as_ref().ok_or_else(|| {
            OfficeError::Missing(String::from("no data is imported; run `thidua import DIR`"))
        })?;
        let eval = loaded.evaluation()?;
        let eligible = eligible_counts(&rules.program, eval);
        let record = Record::EvaluationRun {
            ruleset: rules.sha256.clone(),
            data: data_hash.clone(),
            results: results_hash(&rules.program, data, eval),
            eligible: eligible.clone(),
        };
        Ok((self.store.record(at, actor, &record)?, eligible))
    }

    /// Run one workflow command in one transaction.
    pub fn act<T>(
        &mut self,
        flow: &str,
        at: NaiveDateTime,
        f: impl FnOnce(
            &Runner<'_, ManualClock>,
            &mut SqliteStore,
        ) -> std::result::Result<T, WorkflowError>,
    ) -> Result<T> {
        let loaded = self.load()?;
        self.act_loaded(&loaded, flow, at, f)
    }

    /// Run workflow commands in one transaction over a state [`load`](Office::load)ed before:
    /// a batch (a day's submissions, a council meeting's ballots) pays for one load and one
    /// commit instead of one per command. Returns after the commit, so everything `f` did is
    /// durable once it returns `Ok`; if any command fails, nothing of the batch is stored.
    ///
    /// Refuses a stale state: if cycle records (rules, workflows, data, rosters) were added
    /// since `loaded` was built, load again.
    pub fn act_loaded<T>(
        &mut self,
        loaded: &Loaded,
        flow: &str,
        at: NaiveDateTime,
        f: impl FnOnce(
            &Runner<'_, ManualClock>,
            &mut SqliteStore,
        ) -> std::result::Result<T, WorkflowError>,
    ) -> Result<T> {
        let clock = ManualClock::new(at);
        let runner = loaded.runner(flow, &clock)?;
        let mut out: Option<std::result::Result<T, WorkflowError>> = None;
        let mut stale = false;
        let result = self.store.transaction(|s| {
            if s.record_count()? != loaded.records {
                stale = true;
                return Err(StoreError::Backend(String::from("stale")));
            }
            match f(&runner, s) {
                Ok(v) => {
                    out = Some(Ok(v));
                    Ok(())
                }
                Err(WorkflowError::Store(e)) => Err(e),
                Err(e) => {
                    let msg = e.to_string();
                    out = Some(Err(e));
                    Err(StoreError::Backend(msg))
                }
            }
        });
        if stale {
            return Err(OfficeError::Missing(String::from(
                "the cycle's records changed since its state was loaded; load it again",
            )));
        }
        match (out, result) {
            (Some(Ok(v)), Ok(())) => Ok(v),
            (Some(Err(e)), _) => Err(OfficeError::Workflow(e)),
            (_, Err(e)) => Err(OfficeError::Store(e)),
            (None, Ok(())) => Err(OfficeError::Missing(String::from("the command did nothing"))),
        }
    }

    /// The workflow that governs a proposal.
    pub fn workflow_of(&self, id: u64) -> Result<String> {
        use crate::workflow::store::{EventKind, EventStore as _};
        let events = self.store.events(id)?;
        events
            .iter()
            .find_map(|e| match &e.kind {
                EventKind::Nominated { workflow, .. } => Some(workflow.clone()),
                _ => None,
            })
            .ok_or_else(|| OfficeError::Missing(format!("no proposal {id}")))
    }
}

/// An actor from `id:role,role`.
pub fn parse_actor(spec: &str) -> std::result::Result<Actor, String> {
    let (id, roles) = spec.split_once(':').unwrap_or((spec, ""));
    if id.trim().is_empty() {
        return Err(format!(
            "`{spec}` names no one; write `--as ID:ROLE`, e.g. `--as thu_ky:secretary`"
        ));
    }
    let roles: Vec<&str> = roles.split(',').map(str::trim).filter(|r| !r.is_empty()).collect();
    Ok(Actor::new(id.trim(), &roles))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::workflow::store::EventStore as _;

    const ROOT: &str = env!("CARGO_MANIFEST_DIR");

    fn at(day: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2025, 12, day).unwrap().and_hms_opt(8, 0, 0).unwrap()
    }

    /// A cycle with the shipped rules, the annual workflow and the sample data, evaluated.
    fn office(dir: &Path) -> Office {
        let mut o = Office::open(&dir.join("o.db")).unwrap();
        let read = |p: &str| std::fs::read_to_string(format!("{ROOT}/{p}")).unwrap();
        o.open_cycle(at(1), "admin", 2025, "2025").unwrap();
        o.register_rules(at(1), "admin", "vksnd_tinh.rules", &read("rules/vksnd_tinh.rules"))
            .unwrap();
        let no_hooks = |_: &str| Err(std::io::Error::other("no hooks"));
        o.register_workflow(at(1), "admin", "annual.wf", &read("workflows/annual.wf"), &no_hooks)
            .unwrap();
        let files: BTreeMap<String, String> =
            ["cum.csv", "don_vi.csv", "can_bo.csv", "history.csv"]
                .into_iter()
                .map(|f| (f.to_string(), read(&format!("rules/sample/{f}"))))
                .collect();
        o.import(at(1), "admin", files).unwrap();
        o.evaluate(at(1), "admin").unwrap();
        o
    }

    #[test]
    fn a_batch_is_one_transaction_and_a_stale_state_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut o = office(dir.path());
        let loaded = o.load().unwrap();
        let head = Actor::new("thu_truong", &["unit_head"]);
        // A batch that fails half way stores nothing.
        let failed = o.act_loaded(&loaded, "annual", at(2), |r, s| {
            let ids = r.nominate_eligible(s, &head, "tap_the_ldxs")?;
            r.advance(s, &head, ids[0], "no_such_transition", None)
        });
        assert!(matches!(failed, Err(OfficeError::Workflow(WorkflowError::Unknown(_)))));
        assert_eq!(o.store.proposals().unwrap(), Vec::<u64>::new());
        // A batch that succeeds is committed whole.
        let ids = o
            .act_loaded(&loaded, "annual", at(2), |r, s| {
                let ids = r.nominate_eligible(s, &head, "tap_the_ldxs")?;
                for id in &ids {
                    r.advance(s, &head, *id, "submit", None)?;
                }
                Ok(ids)
            })
            .unwrap();
        assert!(ids.len() > 1);
        let reopened = Office::open(&dir.path().join("o.db")).unwrap();
        assert_eq!(reopened.store.proposals().unwrap(), ids);
        // A record added since the state was loaded makes it stale.
        o.register_roster(at(3), "admin", "council", vec![String::from("hd01")]).unwrap();
        let stale = o.act_loaded(&loaded, "annual", at(3), |r, s| r.migrate(s, &head, ids[0]));
        let Err(OfficeError::Missing(why)) = stale else { panic!("{stale:?}") };
        assert!(why.contains("load it again"), "{why}");
        let fresh = o.load().unwrap();
        assert_eq!(fresh.records, loaded.records + 1);
        let n = o.act_loaded(&fresh, "annual", at(3), |r, s| Ok(r.all(s)?.len())).unwrap();
        assert_eq!(n, ids.len());
    }
}
