//! The fast paths give serde's and chrono's answers, the event cache is never stale, and the
//! one-pass verification finds what the per-proposal replay found.

use std::collections::BTreeMap;

use proptest::strategy::ValueTree as _;

use super::*;
use crate::store::chain::parse_as;
use crate::store::payload::{Fact, fast, fast_fact, parse_event};
use crate::store::time::AT_FORMAT;
use crate::workflow::store::{Counts, Source};

// ---------------------------------------------------------------------------------------------
// Payloads: the fast reading against serde's

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z0-9_]{0,10}",
        2 => Just(String::from("Quyết định số 12/QĐ-VKS")),
        1 => Just(String::from("a \"quoted\" \\ back\nslash")),
        1 => "(?s).{0,8}",
    ]
}

fn share() -> impl Strategy<Value = Decimal> {
    (0_i64..=1000, 0_u32..=28).prop_map(|(m, s)| Decimal::new(m, s.min(3)))
}

/// Every variant, with strings that need escaping now and then.
fn any_event() -> impl Strategy<Value = EventKind> {
    let names = || prop::collection::vec(any_text(), 0..4);
    prop_oneof![
        (
            any_text(),
            any_text(),
            any_text(),
            any::<i32>(),
            any_text(),
            prop::option::of(any_text())
        )
            .prop_map(|(workflow, entity, award, cycle, ruleset, manual)| {
                EventKind::Nominated {
                    workflow,
                    entity,
                    award,
                    cycle,
                    ruleset,
                    source: manual.map_or(Source::Eligible, Source::Manual),
                }
            }),
        event_kind(),
        (
            any_text(),
            any::<u32>(),
            any_text(),
            names(),
            names(),
            share(),
            any::<bool>(),
            prop::option::of(share()),
            any::<(bool, bool)>(),
            any_text()
        )
            .prop_map(
                |(
                    stage,
                    round,
                    body,
                    electorate,
                    excluded,
                    threshold,
                    of_all,
                    quorum,
                    sw,
                    rule,
                )| {
                    EventKind::RoundOpened {
                        stage,
                        round,
                        body,
                        electorate,
                        excluded,
                        threshold,
                        of_all,
                        quorum,
                        secret: sw.0,
                        written: sw.1,
                        rule,
                    }
                }
            ),
        (
            any::<u32>(),
            (any::<u32>(), any::<u32>(), any::<u32>()),
            any::<(u32, u32, u32)>(),
            any::<bool>(),
            prop::option::of(any::<bool>()),
            any::<bool>(),
            any_text()
        )
            .prop_map(
                |(
                    round,
                    (f, a, x),
                    (present, written, members),
                    quorum_met,
                    passed,
                    tied,
                    reason,
                )| {
                    EventKind::RoundClosed {
                        round,
                        counts: Counts { for_: f, against: a, abstain: x },
                        present,
                        written,
                        members,
                        quorum_met,
                        passed,
                        tied,
                        reason,
                    }
                }
            ),
        (any_text(), any_text(), any::<bool>())
            .prop_map(|(from, to, eligible)| EventKind::Migrated { from, to, eligible }),
        (any_text(), any_text())
            .prop_map(|(grounds, decision)| EventKind::Revoked { grounds, decision }),
    ]
}

/// A change to a payload's text: most make it invalid, some keep it valid in another shape.
#[derive(Clone, Debug)]
enum Edit {
    /// Insert a character at a position.
    Insert(usize, char),
    /// Remove the character at a position.
    Remove(usize),
    /// Repeat the first field (`"event":…`) at the end.
    RepeatTag,
    /// Repeat the last field.
    RepeatLast,
    /// Add a field nobody knows.
    Unknown,
    /// Put a space after the opening brace.
    Space,
    /// Move the tag to the end.
    TagLast,
    /// Change a value's type: `1` becomes `"1"`, `true` becomes `1`, `null` becomes `0`.
    Retype(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (
            any::<usize>(),
            prop::sample::select(vec![
                '"', '\\', ',', ':', '{', '}', '[', ']', '1', 'a', ' ', '\u{1}'
            ])
        )
            .prop_map(|(at, c)| Edit::Insert(at, c)),
        any::<usize>().prop_map(Edit::Remove),
        Just(Edit::RepeatTag),
        Just(Edit::RepeatLast),
        Just(Edit::Unknown),
        Just(Edit::Space),
        Just(Edit::TagLast),
        any::<usize>().prop_map(Edit::Retype),
    ]
}

fn apply(payload: &str, edit: &Edit) -> String {
    let chars: Vec<char> = payload.chars().collect();
    let at = |i: usize| if chars.is_empty() { 0 } else { i % chars.len() };
    // Byte ranges of the text (edits keep to ASCII positions, so these are char bounds).
    let part = |from: usize, to: usize| payload.get(from..to).unwrap_or("");
    let end = payload.len().saturating_sub(1);
    let first_field_end = payload.find(",\"").unwrap_or(end);
    match edit {
        Edit::Insert(i, c) => {
            let mut v = chars.clone();
            v.insert(at(*i), *c);
            v.into_iter().collect()
        }
        Edit::Remove(i) => {
            let mut v = chars.clone();
            if !v.is_empty() {
                v.remove(at(*i));
            }
            v.into_iter().collect()
        }
        Edit::RepeatTag => format!("{},{}}}", part(0, end), part(1, first_field_end)),
        Edit::RepeatLast => {
            let last = payload.rfind(",\"").map_or("", |i| part(i + 1, end));
            format!("{},{last}}}", part(0, end))
        }
        Edit::Unknown => format!("{},\"zzz\":[1,{{}}]}}", part(0, end)),
        Edit::Space => format!("{{ {}", part(1, payload.len())),
        Edit::TagLast => {
            let tag = part(1, first_field_end);
            match part(first_field_end, end).strip_prefix(',') {
                Some(rest) => format!("{{{rest},{tag}}}"),
                None => payload.to_string(),
            }
        }
        Edit::Retype(i) => {
            let spots: Vec<(usize, &str)> = ["true", "false", "null", ":1", ":0"]
                .iter()
                .flat_map(|p| payload.match_indices(p).collect::<Vec<_>>())
                .collect();
            match spots.get(i % spots.len().max(1)) {
                Some((pos, word @ ("true" | "false"))) => {
                    format!("{}1{}", part(0, *pos), part(pos + word.len(), payload.len()))
                }
                Some((pos, "null")) => {
                    format!("{}0{}", part(0, *pos), part(pos + 4, payload.len()))
                }
                Some((pos, _)) => format!(
                    "{}:\"{}\"{}",
                    part(0, *pos),
                    part(pos + 1, pos + 2),
                    part(pos + 2, payload.len())
                ),
                None => payload.to_string(),
            }
        }
    }
}

/// The fast readings accept only what serde accepts, with the same value, and
/// `parse_event` is serde's answer.
fn check_payload(payload: &str) -> Result<(), TestCaseError> {
    let serde: Result<EventKind, _> = serde_json::from_str(payload);
    let verify = parse_as::<EventKind>(payload);
    let read = parse_event(payload);
    prop_assert_eq!(read.as_ref().ok(), serde.as_ref().ok(), "parse_event of {}", payload);
    prop_assert_eq!(read.is_err(), serde.is_err());
    if let Some((tag, kind)) = fast(payload) {
        prop_assert_eq!(serde.as_ref().ok(), Some(&kind), "fast of {}", payload);
        prop_assert_eq!(verify.as_ref().ok().map(|(_, k)| k), Some(&kind));
        prop_assert_eq!(tag, kind.tag());
    }
    if let Some((tag, fact)) = fast_fact(payload) {
        let Ok(kind) = serde else {
            return Err(TestCaseError::fail(format!("fast_fact accepted {payload}")));
        };
        prop_assert!(verify.is_ok(), "verification refuses {}", payload);
        prop_assert_eq!(tag, kind.tag());
        prop_assert_eq!(fact, Fact::of(kind), "fast_fact of {}", payload);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn fast_payload_reading_is_serde_reading(kind in any_event(), edits in prop::collection::vec(edit(), 0..3)) {
        let mut payload = serde_json::to_string(&kind).unwrap();
        // As written, every payload reads fast, to the same value.
        if edits.is_empty() {
            prop_assert_eq!(fast(&payload).map(|(_, k)| k), Some(kind));
            if !payload.contains('\\') {
                prop_assert!(fast_fact(&payload).is_some(), "{}", payload);
            }
        }
        check_payload(&payload)?;
        for e in &edits {
            payload = apply(&payload, e);
            check_payload(&payload)?;
        }
    }
}

#[test]
fn tags_are_the_serde_tags() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..400 {
        let kind = any_event().new_tree(&mut runner).unwrap().current();
        let value = serde_json::to_value(&kind).unwrap();
        assert_eq!(value["event"].as_str(), Some(kind.tag()));
        seen.insert(kind.tag());
        let record = record().new_tree(&mut runner).unwrap().current();
        let value = serde_json::to_value(&record).unwrap();
        assert_eq!(value["record"].as_str(), Some(record.tag()));
        seen.insert(record.tag());
    }
    assert_eq!(seen.len(), 9 + 6, "every variant drawn: {seen:?}");
}

// ---------------------------------------------------------------------------------------------
// Times: the direct formatting and reading against chrono's

/// How `at` was stored before the fast path: chrono's text, refused unless it reads back.
fn format_at_by_chrono(at: NaiveDateTime) -> Option<String> {
    let text = at.format(AT_FORMAT).to_string();
    match NaiveDateTime::parse_from_str(&text, AT_FORMAT) {
        Ok(back) if back == at => Some(text),
        _ => None,
    }
}

fn any_time() -> impl Strategy<Value = NaiveDateTime> {
    (
        -400_i32..12_000,
        1_u32..=12,
        1_u32..=31,
        0_u32..24,
        0_u32..60,
        0_u32..60,
        prop_oneof![4 => Just(0_u32), 1 => 0_u32..2_000_000_000, 1 => Just(1_000_000_000_u32)],
    )
        .prop_filter_map("a valid time", |(y, mo, d, h, mi, s, nano)| {
            NaiveDate::from_ymd_opt(y, mo, d)?.and_hms_nano_opt(h, mi, s, nano)
        })
}

fn time_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any_time().prop_map(|t| t.format(AT_FORMAT).to_string()),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}",
        "[0-9T:+ -]{17,21}",
        Just(String::from("2024-02-29T23:59:60")),
        Just(String::from("2025-02-29T08:00:00")),
        Just(String::from("+2025-01-01T08:00:00")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn times_are_stored_as_chrono_stores_them(at in any_time()) {
        prop_assert_eq!(format_at(at).ok(), format_at_by_chrono(at));
    }

    #[test]
    fn times_are_read_as_chrono_reads_them(text in time_text()) {
        let chrono = NaiveDateTime::parse_from_str(&text, AT_FORMAT).ok();
        prop_assert_eq!(read_at(&text), chrono);
        prop_assert_eq!(parse_at(&text, 1).ok(), chrono);
    }
}

// ---------------------------------------------------------------------------------------------
// The event cache

fn decided_at(minutes: i64) -> NewEvent {
    ev(minutes, "a", decided("r"))
}

#[test]
fn another_connection_s_appends_are_seen() {
    let (_dir, path) = temp_db();
    let mut a = SqliteStore::open(&path).unwrap();
    let mut b = SqliteStore::open(&path).unwrap();
    let id = a.next_proposal().unwrap();
    a.append(id, 0, "s", vec![decided_at(1)], vec![]).unwrap();
    assert_eq!(a.events(id).unwrap().len(), 1, "cached now");
    assert_eq!(b.events(id).unwrap().len(), 1);
    b.append(id, 1, "s", vec![decided_at(2), decided_at(3)], vec![]).unwrap();
    assert_eq!(a.events(id).unwrap().len(), 3, "a sees b's commit");
    // And a's appends are checked against what is stored, not what it had cached.
    let stale = a.append(id, 1, "s", vec![decided_at(4)], vec![]);
    assert_eq!(stale, Err(StoreError::Conflict { proposal: id, expected: 1, found: 3 }));
    a.transaction(|s| s.append(id, 3, "s", vec![decided_at(4)], vec![])).unwrap();
    assert_eq!(b.events(id).unwrap().len(), 4);
    assert!(a.verify_chain().unwrap().is_clean());
}

#[test]
fn a_commit_between_two_of_our_transactions_is_seen_by_the_second() {
    let (_dir, path) = temp_db();
    let mut a = SqliteStore::open(&path).unwrap();
    let mut b = SqliteStore::open(&path).unwrap();
    let id = a.next_proposal().unwrap();
    a.transaction(|s| s.append(id, 0, "s", vec![decided_at(1)], vec![])).unwrap();
    b.append(id, 1, "s", vec![decided_at(2)], vec![]).unwrap();
    let found = a.transaction(|s| {
        let n = s.events(id)?.len();
        s.append(id, 1, "s", vec![decided_at(3)], vec![])?;
        Ok(n)
    });
    assert_eq!(found, Err(StoreError::Conflict { proposal: id, expected: 1, found: 2 }));
    let n = a
        .transaction(|s| {
            let n = s.events(id)?.len() as u64;
            s.append(id, n, "s", vec![decided_at(3)], vec![])?;
            Ok(s.events(id)?.len())
        })
        .unwrap();
    assert_eq!(n, 3);
}

#[test]
fn rolled_back_appends_are_forgotten() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let id = s.next_proposal().unwrap();
    s.append(id, 0, "s", vec![decided_at(1)], vec![]).unwrap();
    // The whole transaction fails after an append that was read back.
    let failed: Result<(), StoreError> = s.transaction(|s| {
        s.append(id, 1, "s", vec![decided_at(2)], vec![])?;
        assert_eq!(s.events(id)?.len(), 2);
        Err(StoreError::Backend(String::from("no")))
    });
    assert!(failed.is_err());
    assert_eq!(s.events(id).unwrap().len(), 1);
    // A nested failure handled inside: only its part is gone, also from what is read.
    s.transaction(|s| {
        s.append(id, 1, "s", vec![decided_at(2)], vec![])?;
        let inner: Result<(), StoreError> = s.transaction(|s| {
            s.append(id, 2, "s", vec![decided_at(3)], vec![])?;
            assert_eq!(s.events(id)?.len(), 3);
            Err(StoreError::Backend(String::from("inner")))
        });
        assert!(inner.is_err());
        assert_eq!(s.events(id)?.len(), 2);
        s.append(id, 2, "s", vec![decided_at(4)], vec![])
    })
    .unwrap();
    let at: Vec<NaiveDateTime> = s.events(id).unwrap().iter().map(|e| e.at).collect();
    assert_eq!(at, vec![t(1), t(2), t(4)]);
    // Reopening reads the same.
    assert!(s.verify_chain().unwrap().is_clean());
    assert_eq!(s.log().unwrap().len(), 3);
}

#[test]
fn the_cache_starts_afresh_when_full() {
    let mut c = super::super::cache::EventCache::default();
    let e = |v: u64| Event {
        seq: v,
        proposal: 1,
        version: v,
        at: t(0),
        actor: String::new(),
        kind: decided("r"),
    };
    c.sync(7);
    c.insert(1, vec![e(1)]);
    c.appended(1, 1, vec![e(2)]);
    assert_eq!(c.get(1).map(<[Event]>::len), Some(2));
    // A history of another length than the one appended to is dropped, not extended.
    c.appended(1, 5, vec![e(6)]);
    assert_eq!(c.get(1), None);
    c.appended(2, 0, vec![e(1)]);
    assert!(c.get(2).is_some(), "a new proposal starts its history");
    c.appended(3, 4, vec![e(5)]);
    assert_eq!(c.get(3), None, "an unknown history is not started in the middle");
    let big: Vec<Event> = (1..=super::super::cache::MAX_EVENTS as u64).map(e).collect();
    c.insert(4, big);
    assert_eq!(c.get(2), None, "full: started afresh");
    assert!(c.get(4).is_some());
    c.sync(8);
    assert_eq!(c.get(4), None, "another connection committed");
}

// ---------------------------------------------------------------------------------------------
// One-pass verification

fn opened(round: u32, members: usize, secret: bool) -> EventKind {
    EventKind::RoundOpened {
        stage: String::from("council"),
        round,
        body: String::from("council"),
        electorate: (1..=members).map(|i| format!("hd{i:02}")).collect(),
        excluded: Vec::new(),
        threshold: Decimal::new(50, 2),
        of_all: true,
        quorum: None,
        secret,
        written: false,
        rule: String::from("workflow w: ≥ 50% of all members"),
    }
}

fn closed(round: u32, for_: u32, against: u32, members: u32, passed: bool) -> EventKind {
    EventKind::RoundClosed {
        round,
        counts: Counts { for_, against, abstain: 0 },
        present: for_ + against,
        written: 0,
        members,
        quorum_met: true,
        passed: Some(passed),
        tied: false,
        reason: format!("{for_} for of {members} members"),
    }
}

fn open_ballot(round: u32, voter: &str, choice: Choice) -> EventKind {
    EventKind::BallotCast {
        round,
        voter: voter.to_string(),
        mode: BallotMode::Present,
        choice: Some(choice),
    }
}

fn nominated(ruleset: &str) -> EventKind {
    EventKind::Nominated {
        workflow: String::from("w"),
        entity: String::from("cb001"),
        award: String::from("giay_khen"),
        cycle: 2025,
        ruleset: ruleset.to_string(),
        source: Source::Eligible,
    }
}

#[test]
fn tallies_are_replayed_against_their_ballots_and_rules() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let e = |kind: EventKind| ev(1, "thu_ky", kind);
    // 1: an open vote, tallied right. 2: recorded as passed with 1 for of 3.
    // 3: counts that are not the ballots'. 4: a secret vote whose box holds one ballot too
    // few. 5: a round closed that was never opened.
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(s.next_proposal().unwrap());
    }
    let v = |s: &SqliteStore, id| s.events(id).unwrap().len() as u64;
    for (n, id) in ids.iter().copied().enumerate() {
        s.append(id, 0, "nominated", vec![e(nominated("abc")), e(entered("council"))], vec![])
            .unwrap();
        let events = match n {
            0 => vec![
                e(opened(1, 3, false)),
                e(open_ballot(1, "hd01", Choice::For)),
                e(open_ballot(1, "hd02", Choice::For)),
                e(closed(1, 2, 0, 3, true)),
            ],
            1 => vec![
                e(opened(1, 3, false)),
                e(open_ballot(1, "hd01", Choice::For)),
                e(closed(1, 1, 0, 3, true)),
            ],
            2 => vec![
                e(opened(1, 3, false)),
                e(open_ballot(1, "hd01", Choice::Against)),
                e(closed(1, 1, 0, 3, false)),
            ],
            3 => vec![
                e(opened(1, 3, true)),
                e(secret_ballot(1, "hd01")),
                e(secret_ballot(1, "hd02")),
                e(closed(1, 1, 0, 3, false)),
            ],
            _ => vec![e(closed(1, 0, 0, 3, false))],
        };
        let sealed =
            if n == 3 { vec![SealedBallot { round: 1, choice: Choice::For }] } else { vec![] };
        let version = v(&s, id);
        s.append(id, version, "council", events, sealed).unwrap();
    }
    let log = s.verify_log().unwrap();
    assert!(log.chain.is_clean(), "{:?}", log.chain.problems);
    assert_eq!(log.tallies, 5);
    let seq_of_close = |id: u64| {
        s.events(id).unwrap().iter().rev().find(|e| e.kind.tag() == "round_closed").unwrap().seq
    };
    assert_eq!(
        log.tally_problems,
        vec![
            problem(
                seq_of_close(ids[1]),
                "round 1 is recorded as passed but its rule gives failed"
            ),
            problem(
                seq_of_close(ids[2]),
                "tally of round 1 does not match its ballots (0 for, 1 against, 0 abstain counted)"
            ),
            problem(seq_of_close(ids[3]), "the sealed box holds 1 ballot(s) but 2 member(s) voted"),
            problem(seq_of_close(ids[4]), "a round closed that was never opened"),
        ]
    );
    let last_secret = s.events(ids[3]).unwrap()[4].seq;
    assert_eq!(
        log.sealed,
        vec![problem(
            last_secret,
            &format!(
                "the sealed box of proposal {}, stage `council`, round 1 holds 1 ballots but 2 \
                 secret ballots were cast",
                ids[3]
            )
        )]
    );
    assert_eq!(log.sealed, s.verify_sealed().unwrap());
    let pins: Vec<(u64, &str)> =
        log.pins.iter().map(|p| (p.proposal, p.ruleset.as_str())).collect();
    assert_eq!(pins, ids.iter().map(|id| (*id, "abc")).collect::<Vec<_>>());
}

/// A store with one proposal of 5001 events, well over two batches of the verifier.
fn long_log() -> (tempfile::TempDir, PathBuf) {
    let (dir, path) = temp_db();
    let mut s = SqliteStore::open(&path).unwrap();
    let id = s.next_proposal().unwrap();
    // A payload with escapes too, which serde reads.
    let mut events: Vec<NewEvent> = (0..5000).map(|i| ev(i, "a", decided("r"))).collect();
    events.push(ev(5000, "a", decided("a \"quoted\" reason")));
    s.append(id, 0, "x", events, vec![]).unwrap();
    let clean = s.verify_log().unwrap();
    assert!(clean.chain.is_clean(), "{:?}", clean.chain.problems);
    assert_eq!(clean.chain.events, 5001);
    (dir, path)
}

#[test]
fn a_long_log_is_verified_in_batches_in_order() {
    let (_dir, path) = long_log();
    let report = tamper(&path, "UPDATE events SET actor = 'b' WHERE seq IN (7, 2100, 4500)");
    assert_eq!(seqs(&report), vec![7, 2100, 4500]);
    let (_dir, path) = long_log();
    let report = tamper(&path, "DELETE FROM events WHERE seq = 4097");
    assert_eq!(
        report.problems[0],
        problem(4097, "event 4097 is missing (sequence jumps from 4096 to 4098)")
    );
    assert_eq!(
        report.problems[1],
        problem(4098, "version 4098 of proposal 1 follows version 4096")
    );
}

#[test]
fn nominations_are_the_first_events() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let mut m = MemoryStore::new();
    for store in [&mut s as &mut dyn EventStore, &mut m] {
        let a = store.next_proposal().unwrap();
        let b = store.next_proposal().unwrap();
        store
            .append(b, 0, "n", vec![ev(1, "x", nominated("r1")), ev(2, "x", decided("d"))], vec![])
            .unwrap();
        store.append(a, 0, "n", vec![ev(3, "y", nominated("r2"))], vec![]).unwrap();
    }
    let shapes = |v: Vec<Event>| v.into_iter().map(|e| shape(&e)).collect::<Vec<_>>();
    let got = shapes(s.nominations().unwrap());
    assert_eq!(got, shapes(m.nominations().unwrap()));
    let rulesets: Vec<String> = got
        .into_iter()
        .map(|(_, _, _, _, k)| match k {
            EventKind::Nominated { ruleset, .. } => ruleset,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(rulesets, vec![String::from("r2"), String::from("r1")], "by proposal id");
}

#[test]
fn work_alongside_the_pass_runs_and_its_answer_comes_back() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    sample(&mut s);
    let (log, answer) = s.verify_log_with(|| (1..=10).sum::<u32>()).unwrap();
    assert!(log.chain.is_clean());
    assert_eq!(answer, 55);
    let records: BTreeMap<u64, String> =
        s.records().unwrap().into_iter().map(|(e, r)| (e.seq, r.tag().to_string())).collect();
    assert_eq!(records.len(), 2);
}
