//! Admin and auditor commands over the SQLite store (`--db PATH`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use clap::{Subcommand, ValueEnum};
use thidua::diag::{self, Format};
use thidua::lang::Lang;
use thidua::office::{Office, OfficeError, parse_actor};
use thidua::workflow::store::{BallotMode, Choice};

use super::{Exit, Outcome};

/// Where, as whom and when an office command runs (global flags).
#[derive(Debug, Clone)]
pub(crate) struct OfficeArgs {
    pub(crate) db: PathBuf,
    pub(crate) actor: String,
    pub(crate) at: Option<String>,
}

/// Commands over the store.
#[derive(Debug, Subcommand)]
pub(crate) enum OfficeCommand {
    /// Open the cycle.
    Open {
        /// Cycle (year).
        #[arg(long)]
        cycle: i32,
        /// Label.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Register a rule set, a workflow or a body's roster.
    #[command(subcommand)]
    Register(Register),
    /// Import the cycle's data: a directory of CSV files, or an `.xlsx` workbook with one
    /// sheet per entity kind plus `history`.
    Import {
        /// The directory or workbook.
        dir: PathBuf,
    },
    /// Evaluate the cycle and record the result.
    Evaluate,
    /// Nominate: every eligible entity for an award, or one by hand with a reason.
    Nominate {
        /// The workflow.
        #[arg(long)]
        workflow: String,
        /// The award.
        #[arg(long)]
        award: String,
        /// One entity, by hand.
        #[arg(long)]
        entity: Option<String>,
        /// Why (required by hand).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Take a transition.
    Advance {
        /// Proposal id.
        id: u64,
        /// Transition name.
        transition: String,
        /// A note, e.g. the decision number, date and signer.
        #[arg(long)]
        note: Option<String>,
    },
    /// Voting rounds and ballots.
    #[command(subcommand)]
    Vote(Vote),
    /// Decide after the last round failed, or on a tie.
    Decide {
        /// Proposal id.
        id: u64,
        /// Outcome.
        outcome: Decision,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Move an open proposal to the rule set registered last.
    Migrate {
        /// Proposal id.
        id: u64,
    },
    /// Revoke a conferred award (Luật TĐKT 2022 Điều 93).
    Revoke {
        /// Proposal id.
        id: u64,
        /// Grounds.
        #[arg(long)]
        grounds: String,
        /// The revoking decision (number, date, signer).
        #[arg(long)]
        decision: String,
    },
    /// Counts by award and stage, and overdue proposals.
    Status,
    /// Proposals' full explanations for auditors. With several ids, every decision of the
    /// cycle is traced once and each explanation reads its trace, so explaining many
    /// proposals costs little more than explaining one.
    Explain {
        /// Proposal ids, explained in the order given.
        #[arg(required = true, num_args = 1..)]
        ids: Vec<u64>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
    /// An entity's awards across cycles (history and proposals).
    History {
        /// Entity id (or `kind/id`).
        entity: String,
    },
    /// Check the hash chain and replay every evaluation and tally.
    Verify,
    /// Conferred awards by type, level, award and unit, over a period of cycles.
    Report {
        /// The decision list as CSV.
        #[arg(long)]
        csv: bool,
        /// The counts as CSV.
        #[arg(long, conflicts_with = "csv")]
        counts_csv: bool,
        /// First cycle counted.
        #[arg(long)]
        from: Option<i32>,
        /// Last cycle counted.
        #[arg(long)]
        to: Option<i32>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum Register {
    /// A rule file.
    Rules {
        /// The file.
        file: PathBuf,
    },
    /// A workflow file (its hooks are read relative to it and stored with it).
    Workflow {
        /// The file.
        file: PathBuf,
    },
    /// The members of a roster body.
    Roster {
        /// Body name.
        body: String,
        /// Member ids.
        #[arg(required = true)]
        members: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum Vote {
    /// Open the next round.
    Open {
        /// Proposal id.
        id: u64,
    },
    /// Cast (or record a written) ballot.
    Cast {
        /// Proposal id.
        id: u64,
        /// Member id.
        voter: String,
        /// for, against or abstain.
        choice: ChoiceArg,
        /// A written ballot of an absent member, recorded by the vote's runner.
        #[arg(long)]
        written: bool,
    },
    /// Close and count the round.
    Close {
        /// Proposal id.
        id: u64,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ChoiceArg {
    For,
    Against,
    Abstain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExplainFormat {
    /// Readable text.
    Text,
    /// JSON.
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Decision {
    Passed,
    Failed,
}

/// The time for this command: `--at`, else the system clock (the one place it is read).
fn now(at: Option<&str>) -> Result<NaiveDateTime, String> {
    match at {
        Some(s) => NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
            .map_err(|_| format!("`{s}` is not a time; write `2025-12-01T08:00`")),
        None => {
            #[expect(
                clippy::disallowed_methods,
                reason = "the command line is where the clock is injected"
            )]
            let t = std::time::SystemTime::now();
            let secs = t.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
            chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0)
                .map(|d| d.naive_utc())
                .ok_or_else(|| String::from("the system clock is out of range"))
        }
    }
}

pub(crate) fn fail(e: OfficeError, fmt: Format) -> Outcome {
    fail_in(e, fmt, Lang::En)
}

/// A failed office command: diagnostics in `lang`, other errors as one line.
fn fail_in(e: OfficeError, fmt: Format, lang: Lang) -> Outcome {
    match e {
        OfficeError::Invalid(d, sources) => {
            let text = diag::render_in(&d, &sources, fmt, lang);
            if fmt == Format::Json {
                (Exit::CheckFailed, text, String::new())
            } else {
                (Exit::CheckFailed, String::new(), text)
            }
        }
        other => (Exit::Error, String::new(), format!("thidua: {other}\n")),
    }
}

fn read_csv_dir(dir: &Path) -> Result<BTreeMap<String, String>, OfficeError> {
    let io = |e: std::io::Error| OfficeError::Io { path: dir.display().to_string(), source: e };
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e == "csv") {
            let name =
                path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let text = std::fs::read_to_string(&path)
                .map_err(|e| OfficeError::Io { path: path.display().to_string(), source: e })?;
            files.insert(name, text);
        }
    }
    Ok(files)
}

fn read(path: &Path) -> Result<String, OfficeError> {
    std::fs::read_to_string(path)
        .map_err(|e| OfficeError::Io { path: path.display().to_string(), source: e })
}

/// Run an office command; diagnostics and explanations (`explain`, `history`) in `lang`.
pub(crate) fn run(command: &OfficeCommand, args: &OfficeArgs, fmt: Format, lang: Lang) -> Outcome {
    let fail = |e: OfficeError, fmt: Format| fail_in(e, fmt, lang);
    let at = match now(args.at.as_deref()) {
        Ok(t) => t,
        Err(e) => return (Exit::Usage, String::new(), format!("thidua: {e}\n")),
    };
    let actor = match parse_actor(&args.actor) {
        Ok(a) => a,
        Err(e) => return (Exit::Usage, String::new(), format!("thidua: {e}\n")),
    };
    let mut office = match Office::open(&args.db) {
        Ok(o) => o,
        Err(e) => return fail(e, fmt),
    };
    let who = args.actor.as_str();
    let result: Result<String, OfficeError> = (|| match command {
        OfficeCommand::Open { cycle, label } => {
            let seq = office.open_cycle(at, who, *cycle, label)?;
            Ok(format!("opened cycle {cycle} (event {seq})\n"))
        }
        OfficeCommand::Register(Register::Rules { file }) => {
            let text = read(file)?;
            let seq = office.register_rules(at, who, &file.display().to_string(), &text)?;
            Ok(format!(
                "registered rule set {} (sha256 {}, event {seq})\n",
                file.display(),
                thidua::check::ruleset_hash(&text)
            ))
        }
        OfficeCommand::Register(Register::Workflow { file }) => {
            let text = read(file)?;
            let base = file.parent().unwrap_or_else(|| Path::new(".")).to_path_buf();
            let load = move |p: &str| std::fs::read_to_string(base.join(p));
            let seq =
                office.register_workflow(at, who, &file.display().to_string(), &text, &load)?;
            Ok(format!("registered workflow {} (event {seq})\n", file.display()))
        }
        OfficeCommand::Register(Register::Roster { body, members }) => {
            let seq = office.register_roster(at, who, body, members.clone())?;
            Ok(format!("registered {} member(s) of `{body}` (event {seq})\n", members.len()))
        }
        OfficeCommand::Import { dir } => {
            let files = if dir.extension().is_some_and(|e| e == "xlsx") {
                thidua::data::xlsx_to_csv(dir).map_err(OfficeError::Missing)?
            } else {
                read_csv_dir(dir)?
            };
            if files.is_empty() {
                return Err(OfficeError::Missing(format!("no .csv files in `{}`", dir.display())));
            }
            let seq = office.import(at, who, files)?;
            Ok(format!("imported {} (event {seq})\n", dir.display()))
        }
        OfficeCommand::Evaluate => {
            let (seq, eligible) = office.evaluate(at, who)?;
            let mut out = format!("evaluated (event {seq})\n");
            for (award, n) in eligible {
                out.push_str(&format!("  {award:<24} {n} eligible\n"));
            }
            Ok(out)
        }
        OfficeCommand::Nominate { workflow, award, entity, reason } => {
            let ids = office.act(workflow, at, |r, s| match entity {
                Some(e) => r
                    .nominate(s, &actor, e, award, reason.as_deref().unwrap_or(""))
                    .map(|id| vec![id]),
                None => {
                    // A bar on a terminal for long batches; indicatif hides it when stderr is piped.
                    let bar = indicatif::ProgressBar::new(0);
                    bar.set_style(
                        indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len}")
                            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                    );
                    bar.set_message(format!("nominating for {award}"));
                    let ids = r.nominate_eligible_with(s, &actor, award, &mut |done, total| {
                        bar.set_length(total);
                        bar.set_position(done);
                    });
                    bar.finish_and_clear();
                    ids
                }
            })?;
            Ok(format!(
                "opened {} proposal(s): {}\n",
                ids.len(),
                ids.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ")
            ))
        }
        OfficeCommand::Advance { id, transition, note } => {
            let flow = office.workflow_of(*id)?;
            office.act(&flow, at, |r, s| r.advance(s, &actor, *id, transition, note.as_deref()))?;
            Ok(format!("#{id}: took `{transition}`\n"))
        }
        OfficeCommand::Vote(v) => {
            let id = match v {
                Vote::Open { id } | Vote::Cast { id, .. } | Vote::Close { id } => *id,
            };
            let flow = office.workflow_of(id)?;
            office.act(&flow, at, |r, s| match v {
                Vote::Open { .. } => r.open_round(s, &actor, id),
                Vote::Cast { voter, choice, written, .. } => {
                    let c = match choice {
                        ChoiceArg::For => Choice::For,
                        ChoiceArg::Against => Choice::Against,
                        ChoiceArg::Abstain => Choice::Abstain,
                    };
                    r.cast(
                        s,
                        &actor,
                        id,
                        voter,
                        c,
                        if *written { BallotMode::Written } else { BallotMode::Present },
                    )
                }
                Vote::Close { .. } => r.close_round(s, &actor, id),
            })?;
            Ok(format!("#{id}: done\n"))
        }
        OfficeCommand::Decide { id, outcome, reason } => {
            let flow = office.workflow_of(*id)?;
            office.act(&flow, at, |r, s| {
                r.decide(s, &actor, *id, matches!(outcome, Decision::Passed), reason)
            })?;
            Ok(format!("#{id}: decided\n"))
        }
        OfficeCommand::Migrate { id } => {
            let flow = office.workflow_of(*id)?;
            office.act(&flow, at, |r, s| r.migrate(s, &actor, *id))?;
            Ok(format!("#{id}: moved to the rule set in force\n"))
        }
        OfficeCommand::Revoke { id, grounds, decision } => {
            let flow = office.workflow_of(*id)?;
            office.act(&flow, at, |r, s| r.revoke(s, &actor, *id, grounds, decision))?;
            Ok(format!("#{id}: revoked\n"))
        }
        OfficeCommand::Status => {
            let loaded = office.load()?;
            thidua::audit::status(&office, &loaded, at.date())
        }
        OfficeCommand::Explain { ids, format } => {
            let mut loaded = office.load()?;
            if ids.len() > 1 {
                loaded.keep_traces()?;
            }
            let mut each = Vec::with_capacity(ids.len());
            for id in ids {
                each.push(match format {
                    ExplainFormat::Text => thidua::audit::explain_in(&office, &loaded, *id, lang)?,
                    ExplainFormat::Json => {
                        thidua::audit::explain_json_in(&office, &loaded, *id, lang)?
                    }
                });
            }
            Ok(match (format, each.len()) {
                (_, 1) => each.concat(),
                (ExplainFormat::Text, _) => each.join("\n"),
                (ExplainFormat::Json, _) => json_array(&each),
            })
        }
        OfficeCommand::History { entity } => {
            let loaded = office.load()?;
            thidua::audit::history_in(&office, &loaded, entity, lang)
        }
        OfficeCommand::Verify => {
            let v = thidua::audit::verify(&office)?;
            if v.problems.is_empty() { Ok(v.text()) } else { Err(OfficeError::Missing(v.text())) }
        }
        OfficeCommand::Report { csv, counts_csv, from, to } => {
            let loaded = office.load()?;
            let list: Vec<_> = thidua::audit::conferrals(&office, &loaded)?
                .into_iter()
                .filter(|c| from.is_none_or(|f| c.cycle >= f) && to.is_none_or(|t| c.cycle <= t))
                .collect();
            if *csv {
                thidua::audit::decisions_csv(&list).map_err(OfficeError::Missing)
            } else if *counts_csv {
                thidua::audit::counts_csv(&list).map_err(OfficeError::Missing)
            } else {
                Ok(thidua::audit::report(&list))
            }
        }
    })();
    match result {
        Ok(out) => (Exit::Ok, out, String::new()),
        Err(e) => fail(e, fmt),
    }
}

/// Pretty JSON documents, one per element of an array, each indented one level.
fn json_array(docs: &[String]) -> String {
    let mut out = String::from("[\n");
    for (i, doc) in docs.iter().enumerate() {
        for line in doc.trim_end().lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
        if i + 1 < docs.len() {
            out.pop();
            out.push_str(",\n");
        }
    }
    out.push_str("]\n");
    out
}
