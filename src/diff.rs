//! The impact of a rule change: what differs between two rule files, and whom it affects.
//!
//! [`compare`] takes two checked rule files (OLD and NEW), each with the same cycle's data
//! loaded against it and evaluated, and returns a [`Diff`]:
//!
//! - **rule changes** ([`RuleChange`]), found on the syntax trees: declarations added or
//!   removed, and per declaration every property that changed (labels, legal basis, maxima,
//!   weights, formulas, grade thresholds, rank keys, dated parameter values, enum variants,
//!   fields, requirements and disqualifiers, quotas, votes, rewards…). Items are matched by
//!   name; requirements and disqualifiers by label, else by position among the unlabelled
//!   ones, else by identical condition. Two rules are the same when they parse to the same
//!   tree, so layout, comments, parentheses and the keyword language do not count as
//!   changes. Order is reported only where it changes meaning: grade bands, the variants of an
//!   ordered enumeration and votes (quota and rank keys compare as ordered lists). Each change
//!   shows the old and new text as written, with its `file:line:column`.
//! - **impact** ([`EntityChange`]), found by evaluating both: who gains or loses which award,
//!   with the reason on each side (the requirements that fail, the disqualifiers that apply,
//!   or the quota that cut it, with the inputs they read), whose reward amount changes, and
//!   whose score, grade or rank changes with the criteria whose points changed. Entities are
//!   matched by kind name and id; a kind on one side only is listed in
//!   [`Diff::not_compared`].
//! - **summary** ([`AwardSummary`], [`KindSummary`]): per award, how many are eligible before
//!   and after, gained, lost, and reward totals; per scored kind, how many scores, grades and
//!   ranks changed.
//!
//! Only entities whose decision changed are re-examined for reasons, so a diff costs about two
//! untraced evaluations.
//!
//! # JSON shape
//!
//! [`Diff::json`] prints this document (keys are stable; optional values are `null`):
//!
//! ```json
//! {
//!   "old": { "file": "a.rules", "ruleset": "…", "label": "…",
//!            "cycle": { "year": 2025, "start": "2025-01-01", "end": "2025-12-31" } },
//!   "new": { … the same … },
//!   "data": "rules/sample",
//!   "rules": [ { "change": "added|removed|changed|moved|reordered",
//!                "declaration": "ruleset|param|enum|entity|scoring|mark|extern|title|commendation",
//!                "name": "bang_diem", "part": "grade xuat_sac", "property": "from",
//!                "label": "Xuất sắc",
//!                "old": { "text": "90", "at": "a.rules:117:28" },
//!                "new": { "text": "85", "at": "b.rules:117:28" } } ],
//!   "not_compared": [ { "kind": "to", "side": "new", "entities": 12 } ],
//!   "entities": [ { "kind": "don_vi", "id": "dv03", "name": "…",
//!                   "score": { "old": { "score": "87.5", "grade": "tot", "rank": 2, "within": "cum1" },
//!                              "new": { … }, "criteria": [ { "name": "mo_hinh", "label": "…",
//!                                                            "old": "0", "new": "10" } ] },
//!                   "awards": [ { "award": "tap_the_ldxs", "label": "…",
//!                                 "change": "gained|lost|reward_changed",
//!                                 "old": { "outcome": "not_eligible", "reward": null,
//!                                          "reasons": [ { "by": "requirement", "label": "…",
//!                                                         "rule": "grade >= tot", "at": "a.rules:219:5",
//!                                                         "inputs": ["grade = kha"] } ] },
//!                                 "new": { "outcome": "eligible", "reward": "3510000", "reasons": [] } } ] } ],
//!   "summary": { "awards": [ { "award": "…", "label": "…", "eligible_before": 3, "eligible_after": 4,
//!                              "gained": 1, "lost": 0, "reward_before": "…", "reward_after": "…" } ],
//!                "kinds": [ { "kind": "don_vi", "entities": 12, "scores_changed": 0,
//!                             "grades_changed": 1, "ranks_changed": 0 } ] }
//! }
//! ```
//!
//! `outcome` is `eligible`, `over_quota`, `disqualified`, `not_eligible`, or `null` when the
//! award is not declared on that side. A reason's `by` is `requirement` or `disqualifier`
//! (with `label`, `rule`, `at`, `inputs`) or `quota` (with `rule`, `at`, `group`, `places`
//! taken and `competing` entities that met the requirements in the group). `eligible_before`
//! or `eligible_after` is `null` when the award is not declared on that side, and a reward
//! total is `null` when that side computes no reward for the award. Rewards are exact decimal
//! strings in đồng. Entities are sorted by kind name, then id; awards in NEW's declared order,
//! then those only OLD declares.

use serde::Serialize;

use crate::ast;
use crate::diag::SourceMap;
use crate::eval::{Evaluation, Outcome};
use crate::lang::Lang;
use crate::model::Dataset;
use crate::program::{Cycle, Program};

mod canon;
mod impact;
mod pairing;
mod render;
mod rules;
mod source;

#[cfg(test)]
mod tests;

/// One side of a comparison: a checked rule file with the data loaded against it, evaluated.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The rule file's name as the user gave it.
    pub file: &'a str,
    /// Its syntax tree (for the rule text as written).
    pub ast: &'a ast::File,
    /// Its checked program.
    pub program: &'a Program,
    /// The data, loaded against this program's schema.
    pub data: &'a Dataset,
    /// The evaluation of `data` under `program`.
    pub evaluation: &'a Evaluation,
}

/// What changed between two rule files, and whom it affects.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// The OLD rule file.
    pub old: SideInfo,
    /// The NEW rule file.
    pub new: SideInfo,
    /// The data directory or file both were evaluated on.
    pub data: String,
    /// Rule-level changes.
    pub rules: Vec<RuleChange>,
    /// Entity kinds declared on one side only, whose entities cannot be compared.
    pub not_compared: Vec<NotCompared>,
    /// Entities whose score, grade, rank, awards or rewards differ.
    pub entities: Vec<EntityChange>,
    /// Counts per award and per scored kind.
    pub summary: Summary,
}

/// Which rule file, and the cycle it was evaluated for.
#[derive(Debug, Clone, Serialize)]
pub struct SideInfo {
    /// The file name as given.
    pub file: String,
    /// Rule set name.
    pub ruleset: String,
    /// Rule set label.
    pub label: String,
    /// The cycle evaluated.
    pub cycle: CycleInfo,
}

/// A cycle's number and dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CycleInfo {
    /// Cycle number (a year).
    pub year: i32,
    /// First day.
    pub start: String,
    /// Last day (parameters are read on it).
    pub end: String,
}

impl From<Cycle> for CycleInfo {
    fn from(c: Cycle) -> CycleInfo {
        CycleInfo { year: c.year, start: c.start.to_string(), end: c.end.to_string() }
    }
}

/// How a rule changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Declared in NEW only.
    Added,
    /// Declared in OLD only.
    Removed,
    /// Declared in both, saying something different.
    Changed,
    /// A criterion moved to another group.
    Moved,
    /// The order changed where order has meaning.
    Reordered,
}

/// Text as written in a rule file, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Written {
    /// The text, whitespace collapsed to single spaces.
    pub text: String,
    /// `file:line:column`.
    pub at: String,
}

/// One rule-level change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleChange {
    /// Added, removed, changed, moved or reordered.
    pub change: ChangeKind,
    /// The top-level declaration's keyword: `ruleset`, `param`, `enum`, `entity`, `scoring`,
    /// `mark`, `extern`, `title` or `commendation`.
    pub declaration: &'static str,
    /// Its name.
    pub name: String,
    /// The part of it concerned (`criterion x`, `grade tot`, `requirement "…"`, `quota`…),
    /// or none for the declaration itself.
    pub part: Option<String>,
    /// The property that changed (`max`, `weight`, `label`, `condition`…), or none when the
    /// part as a whole was added, removed or reordered.
    pub property: Option<String>,
    /// The label of the part (or declaration) concerned, from the rule files.
    pub label: Option<String>,
    /// The old text, when OLD has it.
    pub old: Option<Written>,
    /// The new text, when NEW has it.
    pub new: Option<Written>,
}

/// An entity kind declared in one file only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotCompared {
    /// Kind name.
    pub kind: String,
    /// `old` or `new`: the side that declares it.
    pub side: &'static str,
    /// Entities of that kind in the data loaded for that side.
    pub entities: usize,
}

/// An entity whose results differ.
#[derive(Debug, Clone, Serialize)]
pub struct EntityChange {
    /// Kind name.
    pub kind: String,
    /// Id.
    pub id: String,
    /// Display name (the first text field).
    pub name: Option<String>,
    /// Score, grade and rank, when any of them (or a criterion's points) changed.
    pub score: Option<ScoreChange>,
    /// Awards gained or lost, and rewards changed.
    pub awards: Vec<AwardChange>,
}

/// Score, grade and rank before and after.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreChange {
    /// Under OLD (none when OLD does not score the kind).
    pub old: Option<Standing>,
    /// Under NEW (none when NEW does not score the kind).
    pub new: Option<Standing>,
    /// Criteria, bonus and penalty items whose points changed.
    pub criteria: Vec<PointsChange>,
}

/// Where an entity stands under one rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// Total score.
    pub score: String,
    /// Grade (band name).
    pub grade: Option<String>,
    /// Rank in its group.
    pub rank: Option<u32>,
    /// The group's id.
    pub within: Option<String>,
}

/// Points of one criterion (or bonus/penalty item, penalties negative) before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointsChange {
    /// Criterion name.
    pub name: String,
    /// Its label.
    pub label: Option<String>,
    /// Points under OLD (none when OLD has no such criterion).
    pub old: Option<String>,
    /// Points under NEW.
    pub new: Option<String>,
}

/// How an entity's award changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardChangeKind {
    /// Eligible under NEW, not under OLD.
    Gained,
    /// Eligible under OLD, not under NEW.
    Lost,
    /// Eligible under both, with a different reward.
    RewardChanged,
}

/// One award of one entity, before and after.
#[derive(Debug, Clone, Serialize)]
pub struct AwardChange {
    /// Award name.
    pub award: String,
    /// Its label.
    pub label: Option<String>,
    /// Gained, lost, or reward changed.
    pub change: AwardChangeKind,
    /// The decision under OLD.
    pub old: Decision,
    /// The decision under NEW.
    pub new: Decision,
}

/// One side's decision, with what decided it.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    /// The outcome; none when the award is not declared on this side.
    pub outcome: Option<Outcome>,
    /// The reward, when eligible and rewarded (exact decimal, đồng).
    pub reward: Option<String>,
    /// What decided a negative outcome.
    pub reasons: Vec<Reason>,
}

/// What decided a negative outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Reason {
    /// A requirement that fails.
    Requirement {
        /// Its label.
        label: Option<String>,
        /// The condition as written.
        rule: String,
        /// Where.
        at: String,
        /// What it read (`name = value`).
        inputs: Vec<String>,
    },
    /// A disqualifier that applies.
    Disqualifier {
        /// Its label.
        label: Option<String>,
        /// The condition as written.
        rule: String,
        /// Where.
        at: String,
        /// What it read.
        inputs: Vec<String>,
    },
    /// The quota, filled by others ahead in its order.
    Quota {
        /// The quota statement as written.
        rule: String,
        /// Where.
        at: String,
        /// The group's id, for a quota `per` group.
        group: Option<String>,
        /// Places taken in the group.
        places: u64,
        /// Entities in the group that met every requirement.
        competing: u64,
    },
}

/// Counts.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Per award: NEW's declared order, then those only OLD declares.
    pub awards: Vec<AwardSummary>,
    /// Per kind scored on both sides.
    pub kinds: Vec<KindSummary>,
}

/// One award's counts before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardSummary {
    /// Award name.
    pub award: String,
    /// Its label.
    pub label: Option<String>,
    /// Eligible under OLD (none when OLD does not declare it).
    pub eligible_before: Option<usize>,
    /// Eligible under NEW (none when NEW does not declare it).
    pub eligible_after: Option<usize>,
    /// Entities that gain it.
    pub gained: usize,
    /// Entities that lose it.
    pub lost: usize,
    /// Total reward under OLD, when OLD computes one.
    pub reward_before: Option<String>,
    /// Total reward under NEW, when NEW computes one.
    pub reward_after: Option<String>,
}

/// One scored kind's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindSummary {
    /// Kind name.
    pub kind: String,
    /// Entities compared.
    pub entities: usize,
    /// Entities whose total score changed.
    pub scores_changed: usize,
    /// Entities whose grade changed.
    pub grades_changed: usize,
    /// Entities whose rank changed.
    pub ranks_changed: usize,
}

/// Compare two evaluated rule sets on the same data. `data` names the data for the report.
///
/// Both sides must have been evaluated on the same data set (loaded once per schema); the
/// cycles may differ only in their dates (each rule file may define its cycle's range).
pub fn compare(old: &Side<'_>, new: &Side<'_>, data: &str, sources: &SourceMap) -> Diff {
    let mut rules = rules::Rules::new(sources).with_sides(*old, *new);
    rules.files(old.ast, new.ast);
    let impact = impact::compare(old, new, sources);
    Diff {
        old: side_info(old),
        new: side_info(new),
        data: data.to_string(),
        rules: rules.finish(),
        not_compared: impact.not_compared,
        entities: impact.entities,
        summary: Summary { awards: impact.awards, kinds: impact.kinds },
    }
}

/// The rule-level changes alone, from two parsed files whose text is in `sources`.
pub fn rule_changes(old: &ast::File, new: &ast::File, sources: &SourceMap) -> Vec<RuleChange> {
    let mut rules = rules::Rules::new(sources);
    rules.files(old, new);
    rules.finish()
}

fn side_info(s: &Side<'_>) -> SideInfo {
    SideInfo {
        file: s.file.to_string(),
        ruleset: s.program.name.clone(),
        label: s.program.label.clone(),
        cycle: s.evaluation.cycle.into(),
    }
}

impl Diff {
    /// Whether the two rule sets say the same thing and decide the same for everyone.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.entities.is_empty() && self.not_compared.is_empty()
    }

    /// The diff as text for a terminal, with headings in `lang`.
    pub fn table(&self, lang: Lang) -> String {
        render::table(self, lang)
    }

    /// The diff as pretty JSON (the shape is documented on this module).
    pub fn json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }
}
