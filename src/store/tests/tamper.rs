//! Tampering: every edit, deletion, insertion and reordering is found and located.

use super::*;

#[test]
fn edited_payload_byte_is_located() {
    let (_dir, path) = sample_file();
    let report = tamper(
        &path,
        "UPDATE events SET payload = replace(payload, '\"reason\":\"a\"', '\"reason\":\"b\"') WHERE seq = 3",
    );
    assert_eq!(report.problems, vec![problem(3, "hash does not match its content")]);
}

#[test]
fn edited_payload_that_breaks_its_kind_is_reported() {
    let (_dir, path) = sample_file();
    let report = tamper(&path, "UPDATE events SET payload = substr(payload, 1, 12) WHERE seq = 5");
    assert_eq!(seqs(&report), vec![5]);
    assert_eq!(report.problems[0], problem(5, "hash does not match its content"));
    assert!(
        report.problems[1].what.starts_with("payload is not valid JSON for its kind"),
        "{report:?}"
    );
}

#[test]
fn edited_actor_time_or_kind_is_located() {
    for (sql, seq) in [
        ("UPDATE events SET actor = 'someone else' WHERE seq = 2", 2),
        ("UPDATE events SET at = '2025-12-01T08:05:00' WHERE seq = 6", 6),
        ("UPDATE events SET kind = 'decided' WHERE seq = 7", 7),
        ("UPDATE events SET version = 9 WHERE seq = 8", 8),
        ("UPDATE events SET proposal = 2 WHERE seq = 10", 10),
    ] {
        let (_dir, path) = sample_file();
        let report = tamper(&path, sql);
        assert_eq!(seqs(&report), vec![seq], "{sql}: {report:?}");
        assert_eq!(report.problems[0], problem(seq, "hash does not match its content"), "{sql}");
    }
}

#[test]
fn deleted_middle_event_is_located() {
    let (_dir, path) = sample_file();
    let report = tamper(&path, "DELETE FROM events WHERE seq = 5");
    assert_eq!(report.problems[0], problem(5, "event 5 is missing (sequence jumps from 4 to 6)"));
    assert_eq!(report.events, 9);
    // Proposal 1 lost its version 3: the next of its events says so.
    assert_eq!(report.problems[1..], [problem(6, "version 4 of proposal 1 follows version 2")]);
}

#[test]
fn deleted_last_event_is_located() {
    let (_dir, path) = sample_file();
    let report = tamper(&path, "DELETE FROM events WHERE seq = 10");
    assert_eq!(
        report.problems,
        vec![problem(
            10,
            "event 10 is missing (the stored head counts 10 events but the log ends at 9)"
        )]
    );
}

#[test]
fn deleted_first_events_are_located() {
    let (_dir, path) = sample_file();
    let report = tamper(&path, "DELETE FROM events WHERE seq <= 2");
    assert_eq!(report.problems[0], problem(1, "events 1 to 2 are missing (the log starts at 3)"));
}

#[test]
fn swapped_payloads_are_located() {
    let (_dir, path) = sample_file();
    let (three, eight) = (raw_row(&path, 3), raw_row(&path, 8));
    assert_ne!(three.payload, eight.payload);
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute("UPDATE events SET payload = ?1 WHERE seq = 3", [&eight.payload]).unwrap();
    raw.execute("UPDATE events SET payload = ?1 WHERE seq = 8", [&three.payload]).unwrap();
    drop(raw);
    let report = SqliteStore::open(&path).unwrap().verify_chain().unwrap();
    assert_eq!(
        report.problems,
        vec![
            problem(3, "hash does not match its content"),
            problem(8, "hash does not match its content")
        ]
    );
}

#[test]
fn forged_event_in_the_middle_is_located() {
    let (_dir, path) = sample_file();
    let five = raw_row(&path, 5);
    let mut forged = RawRow {
        seq: 6,
        proposal: None,
        version: 3,
        at: String::from("2025-12-01T08:03:30"),
        actor: String::from("admin"),
        kind: String::from("roster_registered"),
        payload: serde_json::to_string(&Record::RosterRegistered {
            body: String::from("council"),
            members: vec![String::from("hd01"), String::from("hd02"), String::from("hd03")],
        })
        .unwrap(),
        prev_hash: five.hash,
        hash: String::new(),
    };
    forged.hash = forged.content_hash();
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch("UPDATE events SET seq = -seq WHERE seq >= 6; UPDATE events SET seq = 1 - seq WHERE seq < 0;")
        .unwrap();
    raw.execute(
        &format!("INSERT INTO events ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
        rusqlite::params![
            forged.seq,
            forged.proposal,
            forged.version,
            forged.at,
            forged.actor,
            forged.kind,
            forged.payload,
            forged.prev_hash,
            forged.hash
        ],
    )
    .unwrap();
    drop(raw);
    let report = SqliteStore::open(&path).unwrap().verify_chain().unwrap();
    // The forged row is consistent on its own; the row after it is not.
    assert!(report.problems.iter().all(|p| p.seq >= 7), "{report:?}");
    assert_eq!(report.problems[0], problem(7, "hash does not match its content"));
    assert!(
        report.problems.contains(&problem(7, "previous hash does not match event 6")),
        "{report:?}"
    );
    assert_eq!(report.events, 11);
}

#[test]
fn edited_event_with_its_own_hash_recomputed_is_caught_by_the_next() {
    let (_dir, path) = sample_file();
    let mut row = raw_row(&path, 5);
    row.actor = String::from("forger");
    row.hash = row.content_hash();
    let report = tamper(
        &path,
        &format!("UPDATE events SET actor = 'forger', hash = '{}' WHERE seq = 5", row.hash),
    );
    assert_eq!(report.problems, vec![problem(6, "previous hash does not match event 5")]);
}

#[test]
fn edited_last_event_with_its_own_hash_recomputed_is_caught_by_the_head() {
    let (_dir, path) = sample_file();
    let mut row = raw_row(&path, 10);
    row.payload =
        serde_json::to_string(&EventKind::Decided { passed: false, reason: String::from("done") })
            .unwrap();
    row.hash = row.content_hash();
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE events SET payload = ?1, hash = ?2 WHERE seq = 10",
        [&row.payload, &row.hash],
    )
    .unwrap();
    drop(raw);
    let report = SqliteStore::open(&path).unwrap().verify_chain().unwrap();
    assert_eq!(report.problems, vec![problem(10, "stored head does not match the last event")]);
}

#[test]
fn edited_head_is_located() {
    let (_dir, path) = sample_file();
    let report = tamper(&path, &format!("UPDATE head SET hash = '{GENESIS}'"));
    assert_eq!(report.problems, vec![problem(10, "stored head does not match the last event")]);

    let (_dir, path) = sample_file();
    let report = tamper(&path, "UPDATE head SET count = 8");
    assert_eq!(
        report.problems,
        vec![problem(
            9,
            "events from 9 on are not covered by the stored head (it counts 8 events, the log ends at 10)"
        )]
    );

    let (_dir, path) = sample_file();
    let report = tamper(&path, "DELETE FROM head");
    assert_eq!(report.problems, vec![problem(10, "stored head is missing")]);
}

#[test]
fn rewriting_the_tail_and_the_head_is_caught_only_by_a_saved_head() {
    let (_dir, path) = sample_file();
    let saved = SqliteStore::open(&path).unwrap().verify_chain().unwrap().head;
    // Rewrite event 9 and re-chain 10 and the head, as a careful forger would.
    let raw = rusqlite::Connection::open(&path).unwrap();
    let mut prev = raw_row(&path, 8).hash;
    for seq in 9..=10 {
        let mut row = raw_row(&path, seq);
        if seq == 9 {
            row.actor = String::from("forger");
        }
        row.prev_hash = prev.clone();
        row.hash = row.content_hash();
        raw.execute(
            "UPDATE events SET actor = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
            rusqlite::params![row.actor, row.prev_hash, row.hash, seq],
        )
        .unwrap();
        prev = row.hash;
    }
    raw.execute("UPDATE head SET hash = ?1", [&prev]).unwrap();
    drop(raw);
    let report = SqliteStore::open(&path).unwrap().verify_chain().unwrap();
    assert!(report.is_clean(), "consistent with itself: {report:?}");
    assert_ne!(report.head, saved, "only the copy of the head kept elsewhere shows it");
}

#[test]
fn problems_are_capped_at_one_hundred() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let id = s.next_proposal().unwrap();
    let events: Vec<NewEvent> = (0..150).map(|i| ev(i, "a", decided("r"))).collect();
    s.append(id, 0, "x", events, vec![]).unwrap();
    s.conn.execute_batch("UPDATE events SET actor = 'b'").unwrap();
    let report = s.verify_chain().unwrap();
    assert_eq!(report.problems.len(), MAX_PROBLEMS_FOR_TESTS);
    assert_eq!(report.problems[98], problem(99, "hash does not match its content"));
    assert_eq!(
        report.problems[99],
        problem(100, "… and 51 more problems from here on, not listed")
    );
}

const MAX_PROBLEMS_FOR_TESTS: usize = super::chain::MAX_PROBLEMS;

#[test]
fn sealed_box_tampering_is_found_by_verify_sealed() {
    let (_dir, path) = sample_file();
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch("UPDATE sealed SET count = count + 1 WHERE choice = 'abstain'").unwrap();
    drop(raw);
    let s = SqliteStore::open(&path).unwrap();
    assert!(s.verify_chain().unwrap().is_clean(), "the counts are outside the chain");
    assert_eq!(s.sealed_total(1, "council", 1).unwrap(), 3);
    assert_eq!(
        s.verify_sealed().unwrap(),
        vec![problem(
            9,
            "the sealed box of proposal 1, stage `council`, round 1 holds 3 ballots but 2 secret ballots were cast"
        )]
    );
}
