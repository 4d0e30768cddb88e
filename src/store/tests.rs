//! Tests of the SQLite store: a model-based comparison with [`MemoryStore`], persistence,
//! tampering, atomicity, concurrency and refusing files it must not open.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};

use chrono::{NaiveDate, NaiveDateTime};
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::chain::{GENESIS, RawRow};
use super::*;
use crate::hooks::HookValue;
use crate::workflow::store::{BallotMode, EventKind, MemoryStore};

fn t(minutes: i64) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 12, 1).unwrap().and_hms_opt(8, 0, 0).unwrap()
        + chrono::Duration::minutes(minutes)
}

fn decided(reason: &str) -> EventKind {
    EventKind::Decided { passed: true, reason: reason.to_string() }
}

fn ev(minutes: i64, actor: &str, kind: EventKind) -> NewEvent {
    NewEvent { at: t(minutes), actor: actor.to_string(), kind }
}

fn entered(stage: &str) -> EventKind {
    EventKind::Entered {
        stage: stage.to_string(),
        via: None,
        due: None,
        note: Some(String::from("Quyết định số 215/QĐ-VKS")),
        guards: vec![String::from("eligible = true")],
    }
}

fn secret_ballot(round: u32, voter: &str) -> EventKind {
    EventKind::BallotCast {
        round,
        voter: voter.to_string(),
        mode: BallotMode::Present,
        choice: None,
    }
}

fn cycle_opened() -> Record {
    Record::CycleOpened { cycle: 2025, label: String::from("Năm 2025") }
}

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("thidua.db");
    (dir, path)
}

/// Ten rows: records at 1 and 4, proposal 1 at 2, 3, 5, 6, 9, 10 and proposal 2 at 7, 8.
fn sample(store: &mut SqliteStore) {
    store.record(t(0), "admin", &cycle_opened()).unwrap();
    let a = store.next_proposal().unwrap();
    let b = store.next_proposal().unwrap();
    store
        .append(
            a,
            0,
            "nominated",
            vec![ev(1, "tp_dv12", entered("nominated")), ev(1, "tp_dv12", decided("a"))],
            vec![],
        )
        .unwrap();
    store
        .record(
            t(2),
            "admin",
            &Record::RosterRegistered {
                body: String::from("council"),
                members: vec![String::from("hd01"), String::from("hd02")],
            },
        )
        .unwrap();
    store
        .append(
            a,
            2,
            "council",
            vec![ev(3, "thu_ky", entered("council")), ev(4, "hd01", secret_ballot(1, "hd01"))],
            vec![SealedBallot { round: 1, choice: Choice::For }],
        )
        .unwrap();
    store
        .append(
            b,
            0,
            "nominated",
            vec![ev(5, "x", entered("nominated")), ev(5, "x", decided("b"))],
            vec![],
        )
        .unwrap();
    store
        .append(
            a,
            4,
            "council",
            vec![ev(6, "hd02", secret_ballot(1, "hd02")), ev(7, "thu_ky", decided("done"))],
            vec![SealedBallot { round: 1, choice: Choice::Against }],
        )
        .unwrap();
    assert_eq!(store.log().unwrap().len(), 10);
}

fn sample_file() -> (tempfile::TempDir, PathBuf) {
    let (dir, path) = temp_db();
    let mut store = SqliteStore::open(&path).unwrap();
    sample(&mut store);
    assert!(store.verify_chain().unwrap().is_clean());
    (dir, path)
}

/// Change the file behind the store's back, then verify it.
fn tamper(path: &Path, sql: &str) -> ChainReport {
    let raw = rusqlite::Connection::open(path).unwrap();
    raw.execute_batch(sql).unwrap();
    drop(raw);
    SqliteStore::open(path).unwrap().verify_chain().unwrap()
}

fn raw_row(path: &Path, seq: i64) -> RawRow {
    let raw = rusqlite::Connection::open(path).unwrap();
    raw.query_row(&format!("SELECT {COLUMNS} FROM events WHERE seq = ?1"), [seq], read_raw).unwrap()
}

fn problem(seq: u64, what: &str) -> ChainProblem {
    ChainProblem { seq, what: what.to_string() }
}

fn seqs(report: &ChainReport) -> Vec<u64> {
    let mut s: Vec<u64> = report.problems.iter().map(|p| p.seq).collect();
    s.dedup();
    s
}

// ---------------------------------------------------------------------------------------------
// The chain format

#[test]
fn canonical_bytes_are_length_prefixed_lines() {
    let row = RawRow {
        seq: 7,
        proposal: None,
        version: 2,
        at: String::from("2025-12-01T08:00:00"),
        actor: String::from("a\nb"),
        kind: String::from("cycle_opened"),
        payload: String::from("{}"),
        prev_hash: String::from(GENESIS),
        hash: String::new(),
    };
    let expected = format!(
        "thidua-event-v1\n64:{GENESIS}\n1:7\n1:-\n1:2\n19:2025-12-01T08:00:00\n3:a\nb\n12:cycle_opened\n2:{{}}\n"
    );
    assert_eq!(String::from_utf8(row.canonical_bytes()).unwrap(), expected);
    let hash = row.content_hash();
    assert_eq!(hash.len(), 64);
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(hash, crate::check::ruleset_hash(&expected), "SHA-256 of exactly those bytes");
}

#[test]
fn rows_chain_from_64_zeros() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    sample(&mut s);
    let log = s.log().unwrap();
    assert_eq!(log.first().unwrap().prev_hash, GENESIS);
    for pair in log.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
        assert_eq!(pair[1].seq, pair[0].seq + 1);
    }
    let report = s.verify_chain().unwrap();
    assert_eq!(
        report,
        ChainReport { events: 10, head: log.last().unwrap().hash.clone(), problems: vec![] }
    );
    assert_eq!(log[1].kind, "entered");
    assert_eq!(log[0].kind, "cycle_opened");
    assert_eq!((log[0].proposal, log[0].version), (None, 1));
    assert_eq!((log[3].proposal, log[3].version), (None, 2), "records count their own versions");
    assert!(
        log[1].payload.starts_with(r#"{"event":"entered","stage":"nominated""#),
        "{}",
        log[1].payload
    );
}

#[test]
fn empty_store_verifies_clean() {
    let s = SqliteStore::open_in_memory().unwrap();
    let report = s.verify_chain().unwrap();
    assert_eq!(report, ChainReport { events: 0, head: String::from(GENESIS), problems: vec![] });
    assert!(s.log().unwrap().is_empty());
    assert!(s.records().unwrap().is_empty());
    assert!(s.proposals().unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Model-based: SqliteStore behaves exactly as MemoryStore

const STAGES: [&str; 3] = ["nominated", "council", "hội đồng"];

#[derive(Clone, Debug)]
enum Op {
    Next,
    Append {
        target: usize,
        skew: i8,
        stage: usize,
        events: Vec<NewEvent>,
        sealed: Vec<SealedBallot>,
    },
    Record(Record),
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z_]{1,8}",
        "(?s).{0,12}",
        Just(String::from("Trường \"THPT\" số 1\n\\ {}")),
    ]
}

fn decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0_u32..=12).prop_map(|(m, s)| Decimal::new(m, s))
}

fn hook_value() -> impl Strategy<Value = HookValue> {
    let leaf = prop_oneof![
        Just(HookValue::Unit),
        any::<bool>().prop_map(HookValue::Bool),
        decimal().prop_map(HookValue::Num),
        text().prop_map(HookValue::Text),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(HookValue::List),
            prop::collection::btree_map(text(), inner, 0..4).prop_map(HookValue::Map),
        ]
    })
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![Just(Choice::For), Just(Choice::Against), Just(Choice::Abstain)]
}

fn event_kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        (any::<bool>(), text()).prop_map(|(passed, reason)| EventKind::Decided { passed, reason }),
        (1_u32..4, text(), any::<bool>(), prop::option::of(choice())).prop_map(
            |(round, voter, written, choice)| EventKind::BallotCast {
                round,
                voter,
                mode: if written { BallotMode::Written } else { BallotMode::Present },
                choice,
            }
        ),
        (text(), prop::collection::btree_map(text(), hook_value(), 0..4))
            .prop_map(|(hook, fields)| EventKind::FieldsSet { hook, fields }),
        (
            text(),
            prop::option::of(text()),
            prop::option::of(0_i64..40_000),
            prop::option::of(text()),
            prop::collection::vec(text(), 0..3)
        )
            .prop_map(|(stage, via, due, note, guards)| EventKind::Entered {
                stage,
                via,
                due: due
                    .map(|d| NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()
                        + chrono::Duration::days(d)),
                note,
                guards,
            }),
    ]
}

fn time() -> impl Strategy<Value = NaiveDateTime> {
    (946_684_800_i64..4_102_444_800, prop_oneof![Just(0_u32), 0_u32..1_000_000_000]).prop_map(
        |(secs, nanos)| chrono::DateTime::from_timestamp(secs, nanos).unwrap().naive_utc(),
    )
}

fn new_event() -> impl Strategy<Value = NewEvent> {
    (time(), text(), event_kind()).prop_map(|(at, actor, kind)| NewEvent { at, actor, kind })
}

fn record() -> impl Strategy<Value = Record> {
    let map = || prop::collection::btree_map(text(), text(), 0..3);
    prop_oneof![
        (any::<i32>(), text()).prop_map(|(cycle, label)| Record::CycleOpened { cycle, label }),
        (text(), text(), text()).prop_map(|(name, text, sha256)| Record::RulesetRegistered {
            name,
            text,
            sha256
        }),
        (text(), text(), map(), text()).prop_map(|(name, text, hooks, sha256)| {
            Record::WorkflowRegistered { name, text, hooks, sha256 }
        }),
        (map(), text()).prop_map(|(files, sha256)| Record::DataImported { files, sha256 }),
        (text(), prop::collection::vec(text(), 0..4))
            .prop_map(|(body, members)| Record::RosterRegistered { body, members }),
        (text(), text(), text(), prop::collection::btree_map(text(), any::<u64>(), 0..3)).prop_map(
            |(ruleset, data, results, eligible)| Record::EvaluationRun {
                ruleset,
                data,
                results,
                eligible
            }
        ),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => Just(Op::Next),
        6 => (
            0_usize..8,
            prop_oneof![6 => Just(0_i8), 1 => Just(-1_i8), 1 => Just(1_i8)],
            0..STAGES.len(),
            prop::collection::vec(new_event(), 0..4),
            prop::collection::vec((1_u32..4, choice()).prop_map(|(round, choice)| SealedBallot { round, choice }), 0..3),
        )
            .prop_map(|(target, skew, stage, events, sealed)| Op::Append { target, skew, stage, events, sealed }),
        1 => record().prop_map(Op::Record),
    ]
}

/// Event fields both stores have the same (seq differs: SQLite also numbers records).
fn shape(e: &Event) -> (u64, u64, NaiveDateTime, String, EventKind) {
    (e.proposal, e.version, e.at, e.actor.clone(), e.kind.clone())
}

fn assert_same(mem: &MemoryStore, sql: &SqliteStore, ids: &[u64]) {
    let proposals = mem.proposals().unwrap();
    assert_eq!(sql.proposals().unwrap(), proposals);
    for id in ids.iter().copied().chain([0, 99]) {
        let m: Vec<_> = mem.events(id).unwrap().iter().map(shape).collect();
        let s: Vec<_> = sql.events(id).unwrap().iter().map(shape).collect();
        assert_eq!(s, m, "events of proposal {id}");
        for stage in STAGES {
            for round in 0..4 {
                assert_eq!(
                    sql.sealed(id, stage, round).unwrap(),
                    mem.sealed(id, stage, round).unwrap(),
                    "sealed {id} {stage} {round}"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn sqlite_store_behaves_like_memory_store(ops in prop::collection::vec(op(), 0..30)) {
        let mut mem = MemoryStore::new();
        let mut sql = SqliteStore::open_in_memory().unwrap();
        let mut ids: Vec<u64> = Vec::new();
        let mut records: Vec<Record> = Vec::new();
        for op in ops {
            match op {
                Op::Next => {
                    let m = mem.next_proposal().unwrap();
                    prop_assert_eq!(sql.next_proposal().unwrap(), m);
                    ids.push(m);
                }
                Op::Append { target, skew, stage, events, sealed } => {
                    // Mostly issued ids; sometimes one never issued (99).
                    let id = ids.get(target).copied().unwrap_or(99);
                    let version = mem.events(id).unwrap().len() as u64;
                    let expected = version.saturating_add_signed(i64::from(skew));
                    let stage = STAGES[stage];
                    let m = mem.append(id, expected, stage, events.clone(), sealed.clone());
                    let s = sql.append(id, expected, stage, events, sealed);
                    prop_assert_eq!(&s, &m);
                }
                Op::Record(r) => {
                    sql.record(t(0), "admin", &r).unwrap();
                    records.push(r);
                }
            }
            assert_same(&mem, &sql, &ids);
        }
        // The log interleaves the same events in the same order, plus the records.
        let log = sql.log().unwrap();
        prop_assert_eq!(log.len(), mem.log().len() + records.len());
        let order: Vec<(u64, u64)> =
            log.iter().filter_map(|e| e.proposal.map(|p| (p, e.version))).collect();
        let mem_order: Vec<(u64, u64)> = mem.log().iter().map(|e| (e.proposal, e.version)).collect();
        prop_assert_eq!(order, mem_order);
        let stored: Vec<Record> = sql.records().unwrap().into_iter().map(|(_, r)| r).collect();
        prop_assert_eq!(stored, records);
        let report = sql.verify_chain().unwrap();
        prop_assert!(report.is_clean(), "{:?}", report.problems);
        prop_assert_eq!(report.events, log.len() as u64);
    }
}

// ---------------------------------------------------------------------------------------------
// Persistence

#[test]
fn everything_reads_back_after_reopening() {
    let (_dir, path) = temp_db();
    let mut s = SqliteStore::open(&path).unwrap();
    sample(&mut s);
    let log = s.log().unwrap();
    let records = s.records().unwrap();
    let events: Vec<Vec<Event>> = [1, 2].iter().map(|id| s.events(*id).unwrap()).collect();
    let counts = s.sealed(1, "council", 1).unwrap();
    assert_eq!(counts, Counts { for_: 1, against: 1, abstain: 0 });
    drop(s);

    let mut s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.path(), Some(path.as_path()));
    assert_eq!(s.log().unwrap(), log);
    assert_eq!(s.records().unwrap(), records);
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].1, cycle_opened());
    assert_eq!((records[0].0.seq, records[1].0.seq), (1, 4));
    for (id, before) in [1, 2].iter().zip(&events) {
        assert_eq!(&s.events(*id).unwrap(), before);
    }
    assert_eq!(s.proposals().unwrap(), vec![1, 2]);
    assert_eq!(s.sealed(1, "council", 1).unwrap(), counts);
    assert_eq!(s.sealed_total(1, "council", 1).unwrap(), 2);
    assert!(s.verify_chain().unwrap().is_clean());
    assert!(s.verify_sealed().unwrap().is_empty());
    // Appending continues the same chain.
    s.append(2, 2, "nominated", vec![ev(9, "x", decided("more"))], vec![]).unwrap();
    let report = s.verify_chain().unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.events, 11);
}

#[test]
fn proposal_ids_stay_unique_without_appends_and_across_reopening() {
    let (_dir, path) = temp_db();
    let mut s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.next_proposal().unwrap(), 1);
    assert_eq!(s.next_proposal().unwrap(), 2);
    drop(s);
    let mut s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.next_proposal().unwrap(), 3);
    assert!(s.proposals().unwrap().is_empty(), "ids without events are not proposals");
}

#[test]
fn times_keep_fractional_seconds() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let at = t(0) + chrono::Duration::nanoseconds(123_456_789);
    let id = s.next_proposal().unwrap();
    s.append(
        id,
        0,
        "x",
        vec![NewEvent { at, actor: String::from("a"), kind: decided("r") }],
        vec![],
    )
    .unwrap();
    assert_eq!(s.events(id).unwrap()[0].at, at);
    assert_eq!(s.log().unwrap()[0].at, at);
}

// ---------------------------------------------------------------------------------------------
// Secret ballots

#[test]
fn sealed_table_holds_no_voter_and_no_order() {
    let (_dir, path) = sample_file();
    let raw = rusqlite::Connection::open(&path).unwrap();
    let columns: Vec<String> = raw
        .prepare("SELECT name FROM pragma_table_info('sealed')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(columns, ["proposal", "stage", "round", "choice", "count"]);
    assert!(raw.prepare("SELECT rowid FROM sealed").is_err(), "WITHOUT ROWID: no insertion order");
    let rows: i64 = raw.query_row("SELECT COUNT(*) FROM sealed", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 3, "all three choices exist, whichever came first");
    let ballot: String =
        raw.query_row("SELECT payload FROM events WHERE seq = 6", [], |r| r.get(0)).unwrap();
    assert!(ballot.contains(r#""choice":null"#), "{ballot}");
}

#[test]
fn wal_is_truncated_after_sealed_counts_are_written() {
    let (_dir, path) = temp_db();
    let mut s = SqliteStore::open(&path).unwrap();
    sample(&mut s);
    let wal = path.with_file_name("thidua.db-wal");
    s.append(2, 2, "x", vec![ev(9, "a", decided("open"))], vec![]).unwrap();
    assert!(std::fs::metadata(&wal).unwrap().len() > 0, "an ordinary append stays in the WAL");
    s.append(
        1,
        6,
        "council",
        vec![ev(10, "hd03", secret_ballot(1, "hd03"))],
        vec![SealedBallot { round: 1, choice: Choice::Abstain }],
    )
    .unwrap();
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0, "no old page images with earlier counts");
    assert!(s.verify_sealed().unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Atomicity

#[test]
fn failed_transaction_leaves_nothing() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    sample(&mut s);
    let before = s.log().unwrap();
    let counts = s.sealed(1, "council", 1).unwrap();
    let result: Result<(), StoreError> = s.transaction(|s| {
        s.append(
            2,
            2,
            "council",
            vec![ev(20, "a", decided("x"))],
            vec![SealedBallot { round: 1, choice: Choice::For }],
        )?;
        s.record(t(21), "admin", &cycle_opened())?;
        s.append(
            1,
            6,
            "council",
            vec![ev(22, "a", decided("y"))],
            vec![SealedBallot { round: 1, choice: Choice::For }],
        )?;
        Err(StoreError::Backend(String::from("the hook failed")))
    });
    assert_eq!(result, Err(StoreError::Backend(String::from("the hook failed"))));
    assert_eq!(s.log().unwrap(), before);
    assert_eq!(s.sealed(1, "council", 1).unwrap(), counts);
    assert_eq!(s.sealed(2, "council", 1).unwrap(), Counts::default());
    assert!(s.verify_chain().unwrap().is_clean());
    // The store is usable afterwards, at the same versions.
    s.append(2, 2, "x", vec![ev(30, "a", decided("z"))], vec![]).unwrap();
    assert!(s.verify_chain().unwrap().is_clean());
}

#[test]
fn transaction_commits_all_and_a_handled_nested_failure_leaves_only_its_part_out() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let seq = s
        .transaction(|s| {
            let id = s.next_proposal()?;
            s.append(id, 0, "x", vec![ev(0, "a", decided("one"))], vec![])?;
            let stale = s.append(id, 0, "x", vec![ev(1, "a", decided("stale"))], vec![]);
            assert_eq!(stale, Err(StoreError::Conflict { proposal: id, expected: 0, found: 1 }));
            let nested: Result<(), StoreError> = s.transaction(|s| {
                s.record(t(2), "admin", &cycle_opened())?;
                Err(StoreError::Backend(String::from("no")))
            });
            assert!(nested.is_err());
            s.record(t(3), "admin", &cycle_opened())
        })
        .unwrap();
    assert_eq!(seq, 2);
    let log = s.log().unwrap();
    assert_eq!(
        log.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["decided", "cycle_opened"]
    );
    assert!(s.verify_chain().unwrap().is_clean());
}

#[test]
fn transaction_with_own_error_type_rolls_back() {
    #[derive(Debug, PartialEq)]
    enum MyError {
        Store(StoreError),
        Refused,
    }
    impl From<StoreError> for MyError {
        fn from(e: StoreError) -> MyError {
            MyError::Store(e)
        }
    }
    let mut s = SqliteStore::open_in_memory().unwrap();
    let r: Result<(), MyError> = s.transaction_with(|s| {
        s.record(t(0), "admin", &cycle_opened())?;
        Err(MyError::Refused)
    });
    assert_eq!(r, Err(MyError::Refused));
    assert!(s.log().unwrap().is_empty());
    let r: Result<(), MyError> = s.transaction_with(|s| {
        s.append(1, 3, "x", vec![], vec![])?;
        Ok(())
    });
    assert_eq!(r, Err(MyError::Store(StoreError::Conflict { proposal: 1, expected: 3, found: 0 })));
}

#[test]
fn panic_inside_a_transaction_rolls_back_and_leaves_the_store_usable() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _: Result<(), StoreError> = s.transaction(|s| {
            s.record(t(0), "admin", &cycle_opened())?;
            panic!("boom");
        });
    }));
    assert!(caught.is_err());
    assert!(s.log().unwrap().is_empty());
    assert_eq!(s.record(t(1), "admin", &cycle_opened()).unwrap(), 1);
    assert!(s.verify_chain().unwrap().is_clean());
}

#[test]
fn empty_append_checks_the_version_and_still_counts_sealed_ballots() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let mut m = MemoryStore::new();
    for store in [&mut s as &mut dyn EventStore, &mut m] {
        store
            .append(5, 0, "v", vec![], vec![SealedBallot { round: 1, choice: Choice::Abstain }])
            .unwrap();
        assert!(store.proposals().unwrap().is_empty());
        assert_eq!(store.sealed(5, "v", 1).unwrap(), Counts { for_: 0, against: 0, abstain: 1 });
        assert!(matches!(
            store.append(5, 1, "v", vec![], vec![]),
            Err(StoreError::Conflict { .. })
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Concurrency

#[test]
fn two_writers_at_the_same_version_one_conflicts() {
    let (_dir, path) = temp_db();
    let mut s = SqliteStore::open(&path).unwrap();
    let id = s.next_proposal().unwrap();
    s.append(id, 0, "x", vec![ev(0, "a", decided("start"))], vec![]).unwrap();
    drop(s);
    for round in 0..5_u64 {
        let version = 1 + round;
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|n| {
                let path = path.clone();
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let mut s = SqliteStore::open(&path).unwrap();
                    barrier.wait();
                    s.append(
                        id,
                        version,
                        "x",
                        vec![ev(1, &format!("writer {n}"), decided("mine"))],
                        vec![],
                    )
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let ok = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, 1, "{results:?}");
        assert!(
            results.contains(&Err(StoreError::Conflict {
                proposal: id,
                expected: version,
                found: version + 1
            })),
            "{results:?}"
        );
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.events(id).unwrap().len(), 6);
    assert!(s.verify_chain().unwrap().is_clean());
}

#[test]
fn stale_handle_gets_a_conflict() {
    let (_dir, path) = temp_db();
    let mut a = SqliteStore::open(&path).unwrap();
    let mut b = SqliteStore::open(&path).unwrap();
    let id = a.next_proposal().unwrap();
    assert_eq!(b.next_proposal().unwrap(), id + 1, "ids are shared between handles");
    a.append(id, 0, "x", vec![ev(0, "a", decided("one"))], vec![]).unwrap();
    let seen = b.events(id).unwrap().len() as u64;
    a.append(id, seen, "x", vec![ev(1, "a", decided("two"))], vec![]).unwrap();
    assert_eq!(
        b.append(id, seen, "x", vec![ev(2, "b", decided("late"))], vec![]),
        Err(StoreError::Conflict { proposal: id, expected: 1, found: 2 })
    );
    assert!(b.verify_chain().unwrap().is_clean());
}

#[test]
fn a_writer_that_waits_too_long_gets_a_clear_error() {
    let (_dir, path) = temp_db();
    let mut a = SqliteStore::open(&path).unwrap();
    let mut b = SqliteStore::open(&path).unwrap();
    b.conn.busy_timeout(std::time::Duration::from_millis(50)).unwrap();
    let result = a.transaction(|a| {
        a.record(t(0), "admin", &cycle_opened())?;
        Ok(b.record(t(1), "admin", &cycle_opened()))
    });
    let Ok(Err(StoreError::Backend(msg))) = result else { panic!("{result:?}") };
    assert!(msg.contains("locked by another connection or process"), "{msg}");
    assert_eq!(b.log().unwrap().len(), 1, "a's write committed; b's did not happen");
}

// ---------------------------------------------------------------------------------------------
// Files it must not open

#[test]
fn newer_schema_version_is_refused() {
    let (_dir, path) = sample_file();
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch("UPDATE schema_version SET version = 2").unwrap();
    drop(raw);
    let err = SqliteStore::open(&path).unwrap_err();
    let StoreError::Backend(msg) = err else { panic!("{err:?}") };
    assert!(msg.contains("was written by a newer thidua (schema version 2"), "{msg}");
    assert!(msg.contains("upgrade thidua"), "{msg}");
}

#[test]
fn schema_version_is_recorded() {
    let (_dir, path) = sample_file();
    let raw = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = raw.query_row("SELECT version FROM schema_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let mode: String = raw.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn garbage_file_is_refused_without_panic_or_change() {
    let (_dir, path) = temp_db();
    let text =
        "this is not a database, just some text that someone saved as thidua.db\n".repeat(40);
    std::fs::write(&path, &text).unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    let StoreError::Backend(msg) = err else { panic!("{err:?}") };
    assert!(msg.contains("not an SQLite database"), "{msg}");
    assert!(msg.contains("thidua.db"), "{msg}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn other_sqlite_databases_are_refused() {
    let (_dir, path) = temp_db();
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch("CREATE TABLE customers (id INTEGER)").unwrap();
    drop(raw);
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(err.to_string().contains("is not a thidua store"), "{err}");

    let (_dir, path) = temp_db();
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch("PRAGMA application_id = 42").unwrap();
    drop(raw);
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(err.to_string().contains("belongs to another application"), "{err}");
}

#[test]
fn a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = SqliteStore::open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
}

#[test]
fn unreadable_payload_is_an_error_not_a_panic() {
    let (_dir, path) = sample_file();
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch("UPDATE events SET payload = 'not json' WHERE seq = 2; UPDATE events SET at = 'yesterday' WHERE seq = 4")
        .unwrap();
    drop(raw);
    let s = SqliteStore::open(&path).unwrap();
    let err = s.events(1).unwrap_err();
    assert!(err.to_string().contains("event 2 cannot be read"), "{err}");
    let err = s.log().unwrap_err();
    assert!(err.to_string().contains("time `yesterday` is not a valid timestamp"), "{err}");
    let report = s.verify_chain().unwrap();
    assert_eq!(seqs(&report), vec![2, 4]);
    assert!(
        report.problems.contains(&problem(4, "time `yesterday` is not a valid timestamp")),
        "{report:?}"
    );
}

#[test]
fn store_types_serialize_for_reports() {
    let report =
        ChainReport { events: 1, head: String::from("ab"), problems: vec![problem(1, "x")] };
    assert_eq!(
        serde_json::to_string(&report).unwrap(),
        r#"{"events":1,"head":"ab","problems":[{"seq":1,"what":"x"}]}"#
    );
    let json = serde_json::to_string(&cycle_opened()).unwrap();
    assert_eq!(json, r#"{"record":"cycle_opened","cycle":2025,"label":"Năm 2025"}"#);
    assert_eq!(serde_json::from_str::<Record>(&json).unwrap(), cycle_opened());
}

#[test]
fn one_entry_is_looked_up_by_its_seq() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    sample(&mut store);
    let log = store.log().unwrap();
    for row in &log {
        assert_eq!(store.entry(row.seq).unwrap().as_ref(), Some(row));
    }
    assert_eq!(store.entry(log.len() as u64 + 1).unwrap(), None);
}

mod fast;
mod tamper;
