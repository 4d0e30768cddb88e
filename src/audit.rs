//! What auditors and admins read from a store: verification, a proposal's full explanation,
//! the status dashboard and award reports.
//!
//! [`verify`] checks the hash chain, then replays: every registered text against its hash,
//! every evaluation against its recorded result hash (under the rules and data in force at
//! that point of the log), and every vote tally against its ballots and rule, naming the
//! event where anything diverges.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::eval::TraceMode;
use crate::lang::Lang;
use crate::office::{Loaded, Office, OfficeError};
use crate::workflow::engine::Proposal;
use crate::workflow::store::{EventKind, EventStore as _};

type Result<T> = std::result::Result<T, OfficeError>;

mod verify;

use crate::workflow::show::event_text;
pub use verify::{Divergence, Verification, verify};

/// Stage counts per award and overdue proposals, like a bình xét dashboard.
pub fn status(office: &Office, loaded: &Loaded, today: chrono::NaiveDate) -> Result<String> {
    let mut out = String::new();
    if let Some((c, label)) = &loaded.cycle {
        let _ = writeln!(out, "Chu kỳ (cycle) {c}: {label}");
    }
    let proposals = all_proposals(office, loaded)?;
    let mut by: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (flow, p) in &proposals {
        let stage =
            loaded.flow(flow).map(|f| f.flow.stage_name(p.stage).to_string()).unwrap_or_default();
        let stage = if p.revoked.is_some() { format!("{stage} (revoked)") } else { stage };
        *by.entry((p.award.clone(), stage)).or_default() += 1;
    }
    let _ = writeln!(out, "{} proposal(s)", proposals.len());
    let mut last = String::new();
    for ((award, stage), n) in &by {
        if *award != last {
            let label = loaded
                .rules()
                .ok()
                .and_then(|r| r.program.awards.iter().find(|a| a.name == *award))
                .and_then(|a| a.label.clone())
                .unwrap_or_default();
            let _ = writeln!(out, "  {award} — {label}");
            last.clone_from(award);
        }
        let _ = writeln!(out, "    {stage:<24} {n}");
    }
    let overdue: Vec<&(String, Proposal)> =
        proposals.iter().filter(|(_, p)| p.due.is_some_and(|d| today > d)).collect();
    let _ = writeln!(out, "overdue on {today}: {}", overdue.len());
    for (flow, p) in overdue {
        let stage =
            loaded.flow(flow).map(|f| f.flow.stage_name(p.stage).to_string()).unwrap_or_default();
        let _ = writeln!(
            out,
            "  #{} {} {} in `{stage}`, due {}",
            p.id,
            p.entity,
            p.award,
            p.due.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    Ok(out)
}

/// Every proposal with the workflow that governs it.
pub fn all_proposals(office: &Office, loaded: &Loaded) -> Result<Vec<(String, Proposal)>> {
    let clock = crate::workflow::engine::ManualClock::new(chrono::NaiveDateTime::MIN);
    let mut runners = BTreeMap::new();
    let mut out = Vec::new();
    // Each proposal's events are read once; one runner serves every proposal of a workflow.
    for id in office.store.proposals()? {
        let events = office.store.events(id)?;
        let Some(flow) = events.iter().find_map(|e| match &e.kind {
            EventKind::Nominated { workflow, .. } => Some(workflow.clone()),
            _ => None,
        }) else {
            return Err(OfficeError::Missing(format!("proposal {id} has no nomination")));
        };
        if !runners.contains_key(&flow) {
            runners.insert(flow.clone(), loaded.runner(&flow, &clock)?);
        }
        let runner = runners.get(&flow).ok_or_else(|| OfficeError::Missing(flow.clone()))?;
        let p = runner.project_events(id, events)?;
        out.push((flow, p));
    }
    Ok(out)
}

/// A conferred award, for reports.
#[derive(Debug, Clone, Serialize)]
pub struct Conferral {
    /// Proposal id.
    pub proposal: u64,
    /// Cycle.
    pub cycle: i32,
    /// Award name.
    pub award: String,
    /// Award label.
    pub label: String,
    /// `title` or `commendation`.
    pub category: String,
    /// `individual` or `collective`.
    pub level: String,
    /// Entity id.
    pub entity: String,
    /// Entity name.
    pub name: String,
    /// The unit: the entity itself for a unit, its parent for a person.
    pub unit: String,
    /// Decision note (number, date, signer).
    pub decision: String,
    /// When and by whom.
    pub at: String,
    /// Who signed.
    pub by: String,
}

/// Conferred (and not revoked) awards.
pub fn conferrals(office: &Office, loaded: &Loaded) -> Result<Vec<Conferral>> {
    let rules = loaded.rules()?;
    let program = &rules.program;
    let data = loaded.dataset()?;
    let mut out = Vec::new();
    for (flow, p) in all_proposals(office, loaded)? {
        let f = &loaded.flow(&flow)?.flow;
        let Some(stage) = f.stages.get(p.stage) else { continue };
        if !stage.terminal || p.revoked.is_some() {
            continue;
        }
        let Some((via, note, at, by)) = p.events.iter().rev().find_map(|e| match &e.kind {
            EventKind::Entered { via: Some(v), note, .. } => {
                Some((v.clone(), note.clone(), e.at, e.actor.clone()))
            }
            _ => None,
        }) else {
            continue;
        };
        // Conferred = entered a terminal stage by hand (a signature), not by a failed vote.
        let manual =
            f.transition(&via).and_then(|t| f.transitions.get(t)).is_some_and(|t| !t.by.is_empty());
        if !manual || stage.name.contains("reject") || stage.name.contains("withdraw") {
            continue;
        }
        let Some(award) = program.awards.iter().find(|a| a.name == p.award) else { continue };
        let kind = award.kind;
        let leaf = program.members.get(kind.0 as usize).copied().flatten().is_none();
        let unit = if leaf {
            program
                .schema
                .kind_def(kind)
                .and_then(|k| k.parent)
                .and_then(|pk| {
                    data.table(kind)
                        .and_then(|t| t.parents.get(p.row as usize))
                        .and_then(|r| data.table(pk).and_then(|t| t.ids.get(*r as usize)))
                })
                .map(|s| s.to_string())
                .unwrap_or_default()
        } else {
            p.entity.clone()
        };
        out.push(Conferral {
            proposal: p.id,
            cycle: p.cycle,
            award: award.name.clone(),
            label: award.label.as_deref().unwrap_or_default().to_string(),
            category: match award.category {
                crate::ast::AwardCategory::Title => String::from("title"),
                crate::ast::AwardCategory::Commendation => String::from("commendation"),
            },
            level: String::from(if leaf { "individual" } else { "collective" }),
            entity: p.entity.clone(),
            name: crate::report::entity_name(program, data, kind, p.row).unwrap_or_default(),
            unit,
            decision: note.unwrap_or_default(),
            at: at.format("%Y-%m-%d %H:%M").to_string(),
            by,
        });
    }
    Ok(out)
}

/// Counts of conferred awards per (cycle, type, level, award, unit), as CSV.
pub fn counts_csv(list: &[Conferral]) -> std::result::Result<String, String> {
    let mut counts: BTreeMap<(i32, String, String, String, String, String), u64> = BTreeMap::new();
    for c in list {
        *counts
            .entry((
                c.cycle,
                c.category.clone(),
                c.level.clone(),
                c.award.clone(),
                c.label.clone(),
                c.unit.clone(),
            ))
            .or_default() += 1;
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["cycle", "type", "level", "award", "label", "unit", "count"])
        .map_err(|e| e.to_string())?;
    for ((cycle, category, level, award, label, unit), n) in counts {
        w.write_record([cycle.to_string(), category, level, award, label, unit, n.to_string()])
            .map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// Counts of conferred awards by type, level and award (over the cycles given), and by unit.
pub fn report(list: &[Conferral]) -> String {
    let mut out = String::new();
    let mut by_award: BTreeMap<(String, String, String, String), u64> = BTreeMap::new();
    let mut by_unit: BTreeMap<String, u64> = BTreeMap::new();
    for c in list {
        let key = (c.category.clone(), c.level.clone(), c.award.clone(), c.label.clone());
        *by_award.entry(key).or_default() += 1;
        *by_unit.entry(c.unit.clone()).or_default() += 1;
    }
    let first = list.iter().map(|c| c.cycle).min();
    let last = list.iter().map(|c| c.cycle).max();
    let period = match (first, last) {
        (Some(a), Some(b)) if a == b => format!(" in {a}"),
        (Some(a), Some(b)) => format!(" over {a}–{b}"),
        _ => String::new(),
    };
    let _ = writeln!(out, "Khen thưởng đã quyết định (conferred awards){period}: {}", list.len());
    let _ = writeln!(out, "  {:<13} {:<11} {:<54} {:>5}", "type", "level", "award", "count");
    for ((category, level, award, label), n) in &by_award {
        let name = format!("{label} ({award})");
        let _ = writeln!(out, "  {category:<13} {level:<11} {name:<54} {n:>5}");
    }
    let _ = writeln!(out, "  by unit:");
    for (unit, n) in &by_unit {
        let _ = writeln!(out, "    {unit:<10} {n}");
    }
    out
}

/// The decision list as CSV.
pub fn decisions_csv(list: &[Conferral]) -> std::result::Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "proposal", "cycle", "award", "label", "category", "level", "entity", "name", "unit",
        "decision", "at", "by",
    ])
    .map_err(|e| e.to_string())?;
    for c in list {
        w.write_record([
            c.proposal.to_string(),
            c.cycle.to_string(),
            c.award.clone(),
            c.label.clone(),
            c.category.clone(),
            c.level.clone(),
            c.entity.clone(),
            c.name.clone(),
            c.unit.clone(),
            c.decision.clone(),
            c.at.clone(),
            c.by.clone(),
        ])
        .map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// A proposal with its workflow, the rule set it is pinned to, and its eligibility proof
/// re-traced under that rule set.
struct Proof<'a> {
    flow: &'a crate::office::RegisteredFlow,
    proposal: Proposal,
    rules: &'a crate::office::Rules,
    eligibility: crate::explain::Explanation,
}

fn proof<'a>(office: &Office, loaded: &'a Loaded, id: u64, lang: Lang) -> Result<Proof<'a>> {
    let flow_name = office.workflow_of(id)?;
    let flow = loaded.flow(&flow_name)?;
    let clock = crate::workflow::engine::ManualClock::new(chrono::NaiveDateTime::MIN);
    let proposal = loaded.runner(&flow_name, &clock)?.proposal(&office.store, id)?;
    let rules = loaded.rulesets.get(&proposal.ruleset).ok_or_else(|| {
        OfficeError::Missing(format!(
            "proposal {id} is pinned to rule set {}, which is not in the store",
            proposal.ruleset
        ))
    })?;
    let (program, data, kind) = (&rules.program, loaded.dataset()?, flow.flow.kind);
    let invalid =
        |d: Box<crate::diag::Diagnostic>| OfficeError::Invalid(vec![*d], loaded.sources.clone());
    let cycle = crate::eval::resolve_cycle(program, Some(proposal.cycle)).map_err(invalid)?;
    // Traces kept for every decision (a process explaining many proposals), else the cycle
    // evaluated again with this entity traced.
    let entity_traced;
    let traced = match loaded.traces(&proposal.ruleset, cycle.year) {
        Some(kept) => kept,
        None => {
            entity_traced =
                crate::eval::evaluate(program, data, cycle, TraceMode::Entity(kind, proposal.row))
                    .map_err(invalid)?;
            &entity_traced
        }
    };
    let eligibility = crate::explain::explain(
        program,
        data,
        traced,
        &loaded.sources,
        kind,
        proposal.row,
        Some(&proposal.award),
        lang,
    )
    .map_err(OfficeError::Missing)?;
    Ok(Proof { flow, proposal, rules, eligibility })
}

/// [`explain_in`] in the default language (English).
pub fn explain(office: &Office, loaded: &Loaded, id: u64) -> Result<String> {
    explain_in(office, loaded, id, Lang::default())
}

/// Everything about one proposal, in `lang`: the decision, each vote against its rule, the
/// eligibility proof under the rule set it was pinned to, the hashes that tie it to the log,
/// and its history. Texts the log recorded in English (vote rules, tally reasons) are
/// translated where the catalog knows them ([`crate::diag::vi::translate_event`]); what
/// people wrote (notes, reasons, grounds) is shown as written.
pub fn explain_in(office: &Office, loaded: &Loaded, id: u64, lang: Lang) -> Result<String> {
    let Proof { flow: f, proposal: p, rules: pinned, eligibility: x } =
        proof(office, loaded, id, lang)?;
    let program = &pinned.program;
    let data = loaded.dataset()?;
    let kind = f.flow.kind;
    let vi = lang == Lang::Vi;
    let mut out = String::new();
    let name = crate::report::entity_name(program, data, kind, p.row).unwrap_or_default();
    let award = program.awards.iter().find(|a| a.name == p.award);
    let label = award.and_then(|a| a.label.clone()).unwrap_or_default();
    let _ = writeln!(
        out,
        "{} #{id}: {name} [{}] — {label} ({}), {} {}",
        lang.pick("Proposal", "Đề nghị"),
        p.entity,
        p.award,
        lang.pick("cycle", "chu kỳ"),
        p.cycle
    );
    let _ =
        writeln!(out, "{}: {} — {}", lang.pick("Workflow", "Quy trình"), f.flow.name, f.flow.label);
    let stage = f.flow.stage_name(p.stage);
    let _ = writeln!(
        out,
        "{}: {stage}{}",
        lang.pick("Stage", "Bước hiện tại"),
        p.revoked
            .as_ref()
            .map(|g| format!(" — {}: {g}", lang.pick("REVOKED", "ĐÃ HỦY BỎ")))
            .unwrap_or_default()
    );
    // 1. The decision.
    let _ = writeln!(out, "\n1. {}", lang.pick("Decision", "Quyết định"));
    match p.events.iter().rev().find_map(|e| match &e.kind {
        EventKind::Entered { via: Some(v), note, .. }
            if f.flow.stages.get(p.stage).is_some_and(|s| s.terminal) =>
        {
            Some((e, v, note))
        }
        _ => None,
    }) {
        Some((e, via, note)) => {
            let at = e.at.format("%Y-%m-%d %H:%M");
            let _ = match lang {
                Lang::En => writeln!(out, "   event {}: `{via}` by {} at {at}", e.seq, e.actor),
                Lang::Vi => {
                    writeln!(
                        out,
                        "   sự kiện {}: `{via}`, do {} thực hiện lúc {at}",
                        e.seq, e.actor
                    )
                }
            };
            if let Some(n) = note {
                let _ = writeln!(out, "   {n}");
            }
        }
        None => {
            let _ = writeln!(out, "   {}", lang.pick("not decided yet", "chưa có quyết định"));
        }
    }
    // 2. Votes.
    let _ = writeln!(
        out,
        "\n2. {}",
        lang.pick(
            "Votes, each against its rule",
            "Biểu quyết, đối chiếu với quy định của từng cuộc"
        )
    );
    let event = lang.pick("event", "sự kiện");
    let mut any = false;
    for e in &p.events {
        match &e.kind {
            EventKind::RoundOpened {
                stage,
                round,
                body,
                electorate,
                excluded,
                rule,
                secret,
                ..
            } => {
                any = true;
                let n = electorate.len();
                let _ = if vi {
                    writeln!(
                        out,
                        "   {event} {}: vòng {round} của `{body}` ở bước `{stage}`: {n} thành viên{}, {}; quy định: {}",
                        e.seq,
                        if excluded.is_empty() {
                            String::new()
                        } else {
                            format!(
                                ", {} không bỏ phiếu cho đề nghị của chính mình",
                                excluded.join(", ")
                            )
                        },
                        if *secret { "bỏ phiếu kín" } else { "biểu quyết công khai" },
                        event_text(rule, lang)
                    )
                } else {
                    writeln!(
                        out,
                        "   {event} {}: round {round} of `{body}` in `{stage}`: {n} member(s){}, {} ballot; rule: {rule}",
                        e.seq,
                        if excluded.is_empty() {
                            String::new()
                        } else {
                            format!(", {} excluded on their own proposal", excluded.join(", "))
                        },
                        if *secret { "secret" } else { "open" }
                    )
                };
            }
            EventKind::RoundClosed {
                counts, present, written, members, passed, reason, ..
            } => {
                let (f_, a_, ab) = (counts.for_, counts.against, counts.abstain);
                let _ = if vi {
                    writeln!(
                        out,
                        "   {event} {}: {f_} tán thành, {a_} không tán thành, {ab} không biểu quyết ({present} có mặt, {written} bằng văn bản, trên {members}) → {}: {}",
                        e.seq,
                        match passed {
                            Some(true) => "thông qua",
                            Some(false) => "không thông qua",
                            None => "không có kết quả",
                        },
                        event_text(reason, lang)
                    )
                } else {
                    writeln!(
                        out,
                        "   {event} {}: {f_} for, {a_} against, {ab} abstain ({present} present, {written} in writing, of {members}) → {}: {reason}",
                        e.seq,
                        match passed {
                            Some(true) => "passed",
                            Some(false) => "failed",
                            None => "no outcome",
                        }
                    )
                };
            }
            EventKind::Decided { passed, reason } => {
                let _ = match lang {
                    Lang::En => writeln!(
                        out,
                        "   {event} {}: decided by {}: {} — {reason}",
                        e.seq,
                        e.actor,
                        if *passed { "passed" } else { "failed" }
                    ),
                    Lang::Vi => writeln!(
                        out,
                        "   {event} {}: {} quyết định: {} — {reason}",
                        e.seq,
                        e.actor,
                        if *passed { "thông qua" } else { "không thông qua" }
                    ),
                };
            }
            _ => {}
        }
    }
    if !any {
        let _ = writeln!(out, "   {}", lang.pick("no vote held", "không có cuộc biểu quyết nào"));
    }
    // 3. Eligibility proof under the pinned rule set.
    let _ = writeln!(
        out,
        "\n3. {} {})",
        lang.pick(
            "Eligibility proof at nomination (rule set",
            "Chứng minh đủ điều kiện khi đề nghị (bộ quy tắc"
        ),
        pinned.name
    );
    for line in x.text().lines() {
        let _ = writeln!(out, "   {line}");
    }
    // 4. Hashes.
    let _ = writeln!(out, "\n4. {}", lang.pick("Hashes", "Dấu vết (mã băm)"));
    let _ = writeln!(
        out,
        "   {}: {}",
        lang.pick("rule set (pinned at nomination)", "bộ quy tắc (ghim khi đề nghị)"),
        p.ruleset
    );
    if let Some((_, h)) = &loaded.data {
        let _ = writeln!(out, "   {}: {h}", lang.pick("data", "dữ liệu"));
    }
    let _ = writeln!(out, "   {}: {}", lang.pick("workflow", "quy trình"), f.sha256);
    if let Some(last) = p.events.last()
        && let Some(entry) = office.store.entry(last.seq)?
    {
        let _ = match lang {
            Lang::En => writeln!(out, "   last event {}: hash {}", entry.seq, entry.hash),
            Lang::Vi => writeln!(out, "   sự kiện cuối {}: mã băm {}", entry.seq, entry.hash),
        };
    }
    // 5. History.
    let _ = writeln!(out, "\n5. {}", lang.pick("History", "Lịch sử"));
    for line in crate::workflow::show::history_in(&p, lang).lines() {
        let _ = writeln!(out, "   {line}");
    }
    Ok(out)
}

/// A proposal's explanation as data (the JSON form of [`explain_in`]).
#[derive(Debug, Serialize)]
pub struct ProposalExplanation {
    /// The language of the prose in `eligibility` (events are recorded data, as logged).
    pub lang: Lang,
    /// Proposal id.
    pub proposal: u64,
    /// The workflow that governs it.
    pub workflow: String,
    /// Its current stage.
    pub stage: String,
    /// Grounds, if revoked.
    pub revoked: Option<String>,
    /// The event that closed it by a signature (conferral), if any.
    pub decision: Option<crate::workflow::store::Event>,
    /// Every round opened and closed, and fallback decisions, in order.
    pub votes: Vec<crate::workflow::store::Event>,
    /// The eligibility proof under the rule set the proposal is pinned to.
    pub eligibility: crate::explain::Explanation,
    /// SHA-256 of the pinned rule set.
    pub ruleset: String,
    /// SHA-256 of the imported data.
    pub data: Option<String>,
    /// SHA-256 of the workflow and its hooks.
    pub workflow_sha256: String,
    /// Hash of the proposal's last event in the chain.
    pub last_event_hash: Option<String>,
    /// The full history.
    pub events: Vec<crate::workflow::store::Event>,
}

/// [`explain_json_in`] in the default language (English).
pub fn explain_json(office: &Office, loaded: &Loaded, id: u64) -> Result<String> {
    explain_json_in(office, loaded, id, Lang::default())
}

/// [`explain_in`] as pretty JSON: field names in English, prose in `lang`.
pub fn explain_json_in(office: &Office, loaded: &Loaded, id: u64, lang: Lang) -> Result<String> {
    let Proof { flow: f, proposal: p, rules: _, eligibility } = proof(office, loaded, id, lang)?;
    let terminal = f.flow.stages.get(p.stage).is_some_and(|s| s.terminal);
    let decision = if terminal {
        p.events
            .iter()
            .rev()
            .find(|e| matches!(&e.kind, EventKind::Entered { via: Some(_), .. }))
            .cloned()
    } else {
        None
    };
    let votes = p
        .events
        .iter()
        .filter(|e| {
            matches!(
                &e.kind,
                EventKind::RoundOpened { .. }
                    | EventKind::RoundClosed { .. }
                    | EventKind::Decided { .. }
            )
        })
        .cloned()
        .collect();
    let last_event_hash = match p.events.last() {
        Some(last) => office.store.entry(last.seq)?.map(|l| l.hash),
        None => None,
    };
    let x = ProposalExplanation {
        lang,
        proposal: id,
        workflow: f.flow.name.clone(),
        stage: f.flow.stage_name(p.stage).to_string(),
        revoked: p.revoked.clone(),
        decision,
        votes,
        eligibility,
        ruleset: p.ruleset.clone(),
        data: loaded.data.as_ref().map(|(_, h)| h.clone()),
        workflow_sha256: f.sha256.clone(),
        last_event_hash,
        events: p.events,
    };
    let mut s =
        serde_json::to_string_pretty(&x).map_err(|e| OfficeError::Missing(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

/// [`history_in`] in the default language (English).
pub fn history(office: &Office, loaded: &Loaded, entity: &str) -> Result<String> {
    history_in(office, loaded, entity, Lang::default())
}

/// An entity's awards across cycles, in `lang`: past cycles from the imported history, this
/// cycle's proposals from the store.
pub fn history_in(office: &Office, loaded: &Loaded, entity: &str, lang: Lang) -> Result<String> {
    let rules = loaded.rules()?;
    let program = &rules.program;
    let data = loaded.dataset()?;
    let (kind, row) =
        crate::explain::find_entity(program, data, entity, lang).map_err(OfficeError::Missing)?;
    let mut out = String::new();
    let name = crate::report::entity_name(program, data, kind, row).unwrap_or_default();
    let _ = writeln!(out, "{name} [{entity}]");
    let mut by_cycle: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for (i, fact) in program.schema.facts.iter().enumerate() {
        if fact.entity != kind || fact.kind == crate::model::FactKind::Mark {
            continue;
        }
        let id = crate::model::FactId(u32::try_from(i).unwrap_or(u32::MAX));
        for c in data.history.cycles(id, row) {
            by_cycle.entry(*c).or_default().push(format!(
                "{} ({}) — {}",
                fact.label.as_deref().unwrap_or(&fact.name),
                fact.name,
                lang.pick("history", "lịch sử")
            ));
        }
    }
    for (flow, p) in all_proposals(office, loaded)? {
        if p.entity != entity {
            continue;
        }
        let stage =
            loaded.flow(&flow).map(|f| f.flow.stage_name(p.stage).to_string()).unwrap_or_default();
        let label = program
            .awards
            .iter()
            .find(|a| a.name == p.award)
            .and_then(|a| a.label.clone())
            .unwrap_or_default();
        let state = if p.revoked.is_some() {
            format!("{stage}, {}", lang.pick("revoked", "đã hủy bỏ"))
        } else {
            stage
        };
        by_cycle.entry(p.cycle).or_default().push(format!(
            "{label} ({}) — {} #{}, {state}",
            p.award,
            lang.pick("proposal", "đề nghị"),
            p.id
        ));
    }
    if by_cycle.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            lang.pick("no awards recorded", "chưa có khen thưởng nào được ghi nhận")
        );
    }
    for (cycle, items) in by_cycle {
        for item in items {
            let _ = writeln!(out, "  {cycle}  {item}");
        }
    }
    Ok(out)
}
