//! Ballots recorded in one command are the ballots recorded one by one, and a batch with one
//! bad ballot stores nothing.

use std::path::Path;

use chrono::NaiveDate;

use super::*;
use crate::diag::SourceMap;
use crate::eval::{Evaluation, TraceMode, evaluate, resolve_cycle};
use crate::model::Dataset;
use crate::program::Program;
use crate::store::SqliteStore;
use crate::workflow::check_workflow;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

struct Cycle {
    program: Program,
    data: Dataset,
    eval: Evaluation,
    flow: Flow,
}

/// The shipped rules, sample data and annual workflow (an open bloc vote that excludes the
/// unit's own, then a secret council vote that takes written ballots).
fn cycle() -> Cycle {
    let mut sources = SourceMap::new();
    let text = std::fs::read_to_string(format!("{ROOT}/rules/vksnd_tinh.rules")).unwrap();
    let program =
        crate::check::check_source("vksnd_tinh.rules", &text, &mut sources).unwrap().program;
    let data = crate::data::load_dir(
        &program.schema,
        Path::new(&format!("{ROOT}/rules/sample")),
        &mut sources,
    )
    .unwrap();
    let eval =
        evaluate(&program, &data, resolve_cycle(&program, None).unwrap(), TraceMode::Off).unwrap();
    let wf = std::fs::read_to_string(format!("{ROOT}/workflows/annual.wf")).unwrap();
    let flow = check_workflow("annual.wf", &wf, Path::new(ROOT), &program, &mut sources)
        .unwrap_or_else(|d| panic!("{d:?}"))
        .flow;
    Cycle { program, data, eval, flow }
}

fn runner<'a>(c: &'a Cycle, clock: &'a ManualClock) -> Runner<'a, ManualClock> {
    let members: Vec<String> = (1..=9).map(|i| format!("hd{i:02}")).collect();
    let cx = Context {
        program: &c.program,
        data: &c.data,
        evaluation: &c.eval,
        ruleset_hash: String::from("ab"),
        roster: BTreeMap::from([(String::from("council"), members)]),
    };
    Runner::new(&c.flow, cx, clock)
}

fn clock() -> ManualClock {
    ManualClock::new(NaiveDate::from_ymd_opt(2025, 12, 2).unwrap().and_hms_opt(8, 0, 0).unwrap())
}

/// A proposal in the bloc vote, its round open.
fn in_bloc_vote(r: &Runner<'_, ManualClock>, s: &mut dyn EventStore) -> u64 {
    let unit_head = Actor::new("thu_truong", &["unit_head"]);
    let id = *r.nominate_eligible(s, &unit_head, "tap_the_ldxs").unwrap().first().unwrap();
    r.advance(s, &unit_head, id, "submit", None).unwrap();
    r.open_round(s, &Actor::new("cum_truong", &["bloc_leader"]), id).unwrap();
    id
}

/// Everything stored about a proposal but the seq numbers, and the council's box.
fn history(s: &dyn EventStore, id: u64) -> (Vec<(u64, String, EventKind)>, Counts) {
    let events = s.events(id).unwrap().into_iter().map(|e| (e.version, e.actor, e.kind)).collect();
    (events, s.sealed(id, "council_review", 1).unwrap())
}

/// Both votes of the annual flow, ballots one by one in `a` and per round in `b`.
fn both_ways(c: &Cycle, a: &mut dyn EventStore, b: &mut dyn EventStore) {
    let clock = clock();
    let r = runner(c, &clock);
    let bloc_leader = Actor::new("cum_truong", &["bloc_leader"]);
    let secretary = Actor::new("thu_ky", &["secretary"]);
    let (ia, ib) = (in_bloc_vote(&r, a), in_bloc_vote(&r, b));
    let electorate = r.proposal(a, ia).unwrap().round.unwrap().electorate;
    let bloc: Vec<Ballot> = electorate
        .iter()
        .enumerate()
        .map(|(k, m)| Ballot {
            voter: m.clone(),
            choice: if k == 0 { Choice::Against } else { Choice::For },
            mode: BallotMode::Present,
        })
        .collect();
    let council: Vec<Ballot> = (1..=9)
        .map(|i| Ballot {
            voter: format!("hd{i:02}"),
            choice: if i == 3 { Choice::Abstain } else { Choice::For },
            mode: if i == 9 { BallotMode::Written } else { BallotMode::Present },
        })
        .collect();
    for (actor, ballots) in [(&bloc_leader, &bloc), (&secretary, &council)] {
        if actor.id == "thu_ky" {
            r.open_round(a, actor, ia).unwrap();
            r.open_round(b, actor, ib).unwrap();
        }
        for x in ballots {
            r.cast(a, actor, ia, &x.voter, x.choice, x.mode).unwrap();
        }
        r.cast_many(b, actor, ib, ballots).unwrap();
        assert_eq!(history(a, ia), history(b, ib));
        r.close_round(a, actor, ia).unwrap();
        r.close_round(b, actor, ib).unwrap();
        assert_eq!(history(a, ia), history(b, ib));
    }
    let p = r.proposal(b, ib).unwrap();
    assert_eq!(c.flow.stage_name(p.stage), "decision", "both votes passed");
    assert_eq!(history(b, ib).1, Counts { for_: 8, against: 0, abstain: 1 });
}

#[test]
fn ballots_in_one_command_are_ballots_one_by_one() {
    let c = cycle();
    both_ways(&c, &mut MemoryStore::new(), &mut MemoryStore::new());
    let (mut a, mut b) =
        (SqliteStore::open_in_memory().unwrap(), SqliteStore::open_in_memory().unwrap());
    both_ways(&c, &mut a, &mut b);
    assert!(b.verify_log().unwrap().chain.is_clean());
}

#[test]
fn a_batch_with_one_bad_ballot_stores_nothing() {
    let c = cycle();
    let clock = clock();
    let r = runner(&c, &clock);
    let mut s = SqliteStore::open_in_memory().unwrap();
    let id = in_bloc_vote(&r, &mut s);
    let leader = Actor::new("cum_truong", &["bloc_leader"]);
    let electorate = r.proposal(&s, id).unwrap().round.unwrap().electorate;
    let good = |i: usize| Ballot {
        voter: electorate[i].clone(),
        choice: Choice::For,
        mode: BallotMode::Present,
    };
    let before = history(&s, id);
    let own = r.proposal(&s, id).unwrap().entity;
    let cases: Vec<(Vec<Ballot>, String)> = vec![
        (
            vec![good(0), good(1), good(0)],
            format!("`{}` has already voted in round 1", electorate[0]),
        ),
        (
            vec![good(0), Ballot { voter: String::from("dv999"), ..good(1) }],
            String::from("`dv999` is not a member of this vote's body"),
        ),
        (
            vec![good(0), Ballot { voter: own.clone(), ..good(1) }],
            format!("`{own}` may not vote on its own proposal"),
        ),
        (
            vec![good(0), Ballot { mode: BallotMode::Written, ..good(1) }],
            String::from("this vote does not accept written ballots"),
        ),
        (vec![], String::from("no ballot to record")),
    ];
    for (ballots, message) in cases {
        let err = r.cast_many(&mut s, &leader, id, &ballots).unwrap_err();
        assert_eq!(err.to_string(), message);
        assert_eq!(history(&s, id), before, "nothing stored");
    }
    // Someone without the role may cast only their own present ballot.
    let member = Actor::new(&electorate[0], &[]);
    let err = r.cast_many(&mut s, &member, id, &[good(0), good(1)]).unwrap_err();
    assert!(err.to_string().contains("may not cast a ballot for"), "{err}");
    assert_eq!(history(&s, id), before);
    r.cast_many(&mut s, &member, id, &[good(0)]).unwrap();
    // A ballot already stored cannot come again in a batch.
    let err = r.cast_many(&mut s, &leader, id, &[good(1), good(0)]).unwrap_err();
    assert_eq!(err.to_string(), format!("`{}` has already voted in round 1", electorate[0]));
}
