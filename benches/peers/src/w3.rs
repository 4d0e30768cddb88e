//! W3, council vote tally: ballots against "80% / 90% of all members" with a quorum of two
//! thirds present, absentees and written ballots.
//!
//! The thidua side reads the thresholds from `workloads/w3.rules` (`vote council 80% of all`)
//! and the quorum from `workloads/w3.wf` (`quorum 2/3 written`), then tallies each proposal
//! exactly as the workflow engine closes a round: `Counts::add` per ballot and
//! `thidua::workflow::store::meets` for the quorum and each threshold. Peers: regorus
//! (`w3.rego`), rhai (`w3.rhai`) and hand-written Rust; Cedar cannot count, so it has no row.

use rhai::{Dynamic, INT, Map, Scope};
use rust_decimal::Decimal;
use thidua::workflow::store::{BallotMode, Choice, Counts, meets};

use crate::data::{self, Proposal};
use crate::harness::{Config, Entry, Report, Res, Target, fail, job, median, time_entries};
use crate::rego::{self, Mode, Rego};
use crate::thidua_side::Side;

const RULES: &str = include_str!("../workloads/w3.rules");
const FLOW: &str = include_str!("../workloads/w3.wf");
const REGO: &str = include_str!("../workloads/w3.rego");
const RHAI: &str = include_str!("../workloads/w3.rhai");

/// The awards whose council votes are tallied, in answer order.
const AWARDS: [&str; 2] = ["co_thi_dua_nganh", "co_thi_dua_cp"];

/// Seed of the ballots.
const SEED: u64 = 2025;

/// Outcome of one vote: 0 no quorum, 1 failed, 2 passed; one per award.
type Outcomes = [u8; 2];

// ------------------------------------------------------------------------------ thidua

/// What the rule set and the workflow say about the council's vote.
#[derive(Debug)]
struct Rules {
    /// `(share, of all members)` per award in [`AWARDS`].
    thresholds: Vec<(Decimal, bool)>,
    /// Share of the members who must be present.
    quorum: Option<Decimal>,
}

fn thidua_load() -> Res<Rules> {
    let mut side = Side::load("w3.rules", RULES)?;
    let flow = side.check_workflow("w3.wf", FLOW)?;
    let vote = flow.stages.iter().find_map(|s| s.vote.as_ref()).ok_or("w3.wf has no vote")?;
    let mut thresholds = Vec::new();
    for name in AWARDS {
        let award = side.program.awards.get(side.award(name)?).ok_or("no award")?;
        let rule = award.votes.iter().find(|v| v.body == "council");
        let rule = rule.ok_or_else(|| format!("award `{name}` has no council vote"))?;
        thresholds.push((rule.threshold, rule.of_all));
    }
    Ok(Rules { thresholds, quorum: vote.quorum })
}

type ThiduaBallots = Vec<(u32, Vec<(Choice, BallotMode)>)>;

fn thidua_data(proposals: &[Proposal]) -> ThiduaBallots {
    proposals
        .iter()
        .map(|p| {
            let ballots = p
                .ballots
                .iter()
                .map(|b| {
                    let choice = match b.choice {
                        0 => Choice::For,
                        1 => Choice::Against,
                        _ => Choice::Abstain,
                    };
                    (choice, if b.written { BallotMode::Written } else { BallotMode::Present })
                })
                .collect();
            (p.members, ballots)
        })
        .collect()
}

/// Close one round per proposal and award, as `Runner::close_round` does without hooks.
fn thidua_eval(rules: &Rules, proposals: &ThiduaBallots) -> Vec<Outcomes> {
    proposals
        .iter()
        .map(|(members, ballots)| {
            let mut counts = Counts::default();
            let (mut present, mut written) = (0u32, 0u32);
            for (choice, mode) in ballots {
                counts.add(*choice);
                match mode {
                    BallotMode::Present => present += 1,
                    BallotMode::Written => written += 1,
                }
            }
            let quorum_met = rules.quorum.is_none_or(|q| meets(present, q, *members));
            let mut out = [0u8; 2];
            for (slot, (share, of_all)) in out.iter_mut().zip(&rules.thresholds) {
                let base = if *of_all { *members } else { present + written };
                *slot = match (quorum_met, meets(counts.for_, *share, base)) {
                    (false, _) => 0,
                    (true, false) => 1,
                    (true, true) => 2,
                };
            }
            out
        })
        .collect()
}

// ------------------------------------------------------------------------------ hand-written Rust

fn floor_eval(proposals: &[Proposal]) -> Vec<Outcomes> {
    proposals
        .iter()
        .map(|p| {
            let present = p.ballots.iter().filter(|b| !b.written).count() as u64;
            let votes_for = p.ballots.iter().filter(|b| b.choice == 0).count() as u64;
            let members = u64::from(p.members);
            let quorum = present * 3 >= members * 2;
            [80, 90].map(|pct| match (quorum, votes_for * 100 >= pct * members) {
                (false, _) => 0,
                (true, false) => 1,
                (true, true) => 2,
            })
        })
        .collect()
}

// ------------------------------------------------------------------------------ rhai

fn rhai_load() -> Res<(rhai::Engine, rhai::AST)> {
    let engine = rhai::Engine::new();
    let ast = engine.compile(RHAI)?;
    Ok((engine, ast))
}

fn rhai_data(proposals: &[Proposal]) -> Vec<Scope<'static>> {
    proposals
        .iter()
        .map(|p| {
            let ballots: rhai::Array = p
                .ballots
                .iter()
                .map(|b| {
                    let mut m = Map::new();
                    m.insert("choice".into(), Dynamic::from_int(INT::from(b.choice)));
                    m.insert("written".into(), Dynamic::from_bool(b.written));
                    Dynamic::from_map(m)
                })
                .collect();
            let mut s = Scope::new();
            s.push_constant("members", INT::from(p.members))
                .push_constant_dynamic("ballots", Dynamic::from_array(ballots));
            s
        })
        .collect()
}

fn rhai_eval(
    engine: &rhai::Engine,
    ast: &rhai::AST,
    scopes: &mut [Scope<'static>],
) -> Res<Vec<Outcomes>> {
    let mut out = Vec::with_capacity(scopes.len());
    for scope in scopes {
        let n = scope.len();
        let code: INT = engine.eval_ast_with_scope(scope, ast)?;
        scope.rewind(n);
        out.push([u8::try_from(code % 3)?, u8::try_from(code / 3)?]);
    }
    Ok(out)
}

// ------------------------------------------------------------------------------ regorus

fn rego_proposal(p: &Proposal) -> regorus::Value {
    let ballots: Vec<regorus::Value> = p
        .ballots
        .iter()
        .map(|b| {
            rego::object([
                ("choice", regorus::Value::from(i64::from(b.choice))),
                ("written", regorus::Value::from(b.written)),
            ])
        })
        .collect();
    rego::object([
        ("members", regorus::Value::from(i64::from(p.members))),
        ("ballots", regorus::Value::from(ballots)),
    ])
}

fn rego_inputs(proposals: &[Proposal]) -> (Vec<regorus::Value>, regorus::Value) {
    let inputs: Vec<regorus::Value> = proposals.iter().map(rego_proposal).collect();
    let batch = rego::object([("proposals", regorus::Value::from(inputs.clone()))]);
    (inputs, batch)
}

fn rego_outcomes(v: &regorus::Value) -> Res<Outcomes> {
    Ok([u8::try_from(rego::item(v, 0)?.as_i64()?)?, u8::try_from(rego::item(v, 1)?.as_i64()?)?])
}

fn rego_load(mode: Mode) -> Res<Rego> {
    Rego::load(mode, "w3.rego", REGO, "data.w3.decision", "data.w3.batch")
}

fn rego_eval(r: &mut Rego, inputs: &[regorus::Value]) -> Res<Vec<Outcomes>> {
    if r.mode() == Mode::Batch {
        let all = r.eval_batch(regorus::Value::new_object())?;
        return (0..rego::len(&all)?).map(|i| rego_outcomes(rego::item(&all, i)?)).collect();
    }
    inputs.iter().map(|input| rego_outcomes(&r.eval(input)?)).collect()
}

// ------------------------------------------------------------------------------ the run

/// thidua's tally alone, for a profiler: returns the closure to run repeatedly.
pub(crate) fn profile(cfg: &Config) -> Res<impl FnMut() -> Res<()>> {
    let rules = thidua_load()?;
    let data = thidua_data(&data::proposals(cfg.candidates, SEED));
    Ok(move || {
        std::hint::black_box(thidua_eval(&rules, &data));
        Ok(())
    })
}

fn agree(engine: &str, want: &[Outcomes], got: &[Outcomes], proposals: &[Proposal]) -> Res<()> {
    if want.len() != got.len() {
        return fail(format!(
            "W3: {engine} tallied {} proposals, thidua {}",
            got.len(),
            want.len()
        ));
    }
    for (i, ((w, g), p)) in want.iter().zip(got).zip(proposals).enumerate() {
        if w != g {
            return fail(format!(
                "W3: {engine} disagrees with thidua on proposal {} ({} members, ballots {:?}): \
                 thidua {w:?}, {engine} {g:?} (0 no quorum, 1 failed, 2 passed; 80%, 90%)",
                i + 1,
                p.members,
                p.ballots
            ));
        }
    }
    Ok(())
}

/// Check agreement, then time every engine; append the rows.
pub(crate) fn run(cfg: &Config, report: &mut Report) -> Res<()> {
    let proposals = data::proposals(cfg.candidates, SEED);
    let ballots: usize = proposals.iter().map(|p| p.ballots.len()).sum();
    let label = format!("W3 votes ({} proposals, {ballots} ballots)", proposals.len());
    let it = cfg.iterations;
    eprintln!("{label}: agreement check");

    let (t_load, rules) = median(it, thidua_load)?;
    let (t_data, data) = median(it, || Ok(thidua_data(&proposals)))?;
    let want = thidua_eval(&rules, &data);
    for outcome in [0, 1, 2] {
        if !want.iter().any(|o| o.contains(&outcome)) {
            return fail(format!("W3: the generated ballots never give outcome {outcome}"));
        }
    }

    agree("hand-written Rust", &want, &floor_eval(&proposals), &proposals)?;
    let (engine, ast) = rhai_load()?;
    let mut scopes = rhai_data(&proposals);
    agree("rhai", &want, &rhai_eval(&engine, &ast, &mut scopes)?, &proposals)?;
    let mut regos = Vec::new();
    for mode in Mode::ALL {
        let mut r = rego_load(mode)?;
        let (inputs, batch) = rego_inputs(&proposals);
        if mode == Mode::Batch {
            r.set_data(batch)?;
        }
        agree(mode.label(), &want, &rego_eval(&mut r, &inputs)?, &proposals)?;
        regos.push((r, inputs));
    }
    eprintln!("{label}: all engines agree on {} outcomes; timing", want.len() * AWARDS.len());

    let (mut rego, rego_inputs_v, note) =
        rego::fastest(&label, regos, |r, i: &Vec<regorus::Value>| rego_eval(r, i))?;
    report.notes.push(note);
    let mode = rego.mode();
    let (rego_load_t, _) = median(it, || rego_load(mode))?;
    let (rego_data_t, _) = median(it, || {
        let (inputs, batch) = rego_inputs(&proposals);
        if mode == Mode::Batch {
            regorus::Engine::new().add_data(batch)?;
        }
        Ok(inputs)
    })?;
    let (rhai_load_t, _) = median(it, rhai_load)?;
    let (rhai_data_t, _) = median(it, || Ok(rhai_data(&proposals)))?;

    let entries = vec![
        Entry {
            engine: String::from("thidua (store::meets, thresholds from the rules)"),
            target: Target::Reference,
            load: Some(t_load),
            data: Some(t_data),
            eval: job(|| Ok(thidua_eval(&rules, &data))),
        },
        Entry {
            engine: mode.label().to_string(),
            target: Target::Info,
            load: Some(rego_load_t),
            data: Some(rego_data_t),
            eval: job(|| rego_eval(&mut rego, &rego_inputs_v)),
        },
        Entry {
            engine: String::from("rhai (AST compiled once, run per proposal)"),
            target: Target::Info,
            load: Some(rhai_load_t),
            data: Some(rhai_data_t),
            eval: job(|| rhai_eval(&engine, &ast, &mut scopes)),
        },
        Entry {
            engine: String::from("hand-written Rust"),
            target: Target::Info,
            load: None,
            data: None,
            eval: job(|| Ok(floor_eval(&proposals))),
        },
    ];
    time_entries(report, &label, it, entries)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_and_quorum_come_from_the_rule_and_workflow_files() {
        let rules = thidua_load().unwrap();
        assert_eq!(rules.thresholds, vec![(Decimal::new(8, 1), true), (Decimal::new(9, 1), true)]);
        let q = rules.quorum.unwrap();
        assert!((q - Decimal::TWO / Decimal::from(3)).abs() < Decimal::new(1, 20));
    }

    #[test]
    fn nine_of_ten_passes_ninety_percent_and_absentees_break_the_quorum() {
        let rules = thidua_load().unwrap();
        let ballot = |choice, written| data::Ballot { choice, written };
        let mut nine = vec![ballot(0, false); 9];
        nine.push(ballot(1, false));
        let short = vec![ballot(0, false), ballot(0, false), ballot(0, true)];
        let proposals =
            vec![Proposal { members: 10, ballots: nine }, Proposal { members: 5, ballots: short }];
        let want = vec![[2, 2], [0, 0]];
        assert_eq!(thidua_eval(&rules, &thidua_data(&proposals)), want);
        assert_eq!(floor_eval(&proposals), want);
    }

    #[test]
    fn every_engine_agrees_on_small_data_and_gets_a_row() {
        let mut report = Report::default();
        run(&Config { candidates: 300, iterations: 1 }, &mut report).unwrap();
        assert_eq!(report.rows.len(), 4);
    }
}
