//! The durable store: an append-only, hash-chained event log in one SQLite file.
//!
//! [`SqliteStore`] implements [`EventStore`] with exactly the semantics of
//! [`MemoryStore`](crate::workflow::store::MemoryStore) (proposal ids from a counter, versions
//! per proposal, an optimistic version check, all-or-nothing appends), and adds cycle-level
//! [`Record`]s, the raw [`log`](SqliteStore::log), and [`verify_chain`](SqliteStore::verify_chain).
//!
//! # Layout
//!
//! | table | holds |
//! |---|---|
//! | `events` | every row of the log: proposal events (`proposal` set) and cycle records (`proposal` NULL), with `seq`, `version`, `at`, `actor`, `kind`, `payload`, `prev_hash`, `hash` |
//! | `head` | one row: how many rows the log has and the hash of the last one |
//! | `counters` | the last proposal id handed out |
//! | `sealed` | secret-ballot counts per (proposal, stage, round, choice): no voter, no seq, no time |
//! | `schema_version` | one row: the schema version (see `schema.rs` for the migrations) |
//!
//! `at` is stored as ISO 8601 text (`2025-12-01T08:00:00`, with fractional seconds only when
//! non-zero). `payload` is the compact JSON of the [`EventKind`](crate::workflow::store::EventKind) or [`Record`] as serde writes
//! it (struct fields in declaration order, maps sorted by key), and `kind` is its tag
//! (`"nominated"`, `"ballot_cast"`, `"cycle_opened"`…). A record's `version` is its position
//! among the cycle records, as an event's is among its proposal's events.
//!
//! # The hash chain
//!
//! Each row's `hash` is the SHA-256 (lowercase hex) of these bytes, which anyone can recompute
//! from the stored text with a few lines of script:
//!
//! ```text
//! thidua-event-v1\n
//! <len>:<prev_hash>\n  <len>:<seq>\n  <len>:<proposal or ->\n  <len>:<version>\n
//! <len>:<at>\n  <len>:<actor>\n  <len>:<kind>\n  <len>:<payload>\n
//! ```
//!
//! (each field on its own line, prefixed by its length in bytes and a colon, numbers in
//! decimal, no spaces). `prev_hash` is the previous row's `hash`, 64 zeros for the first row.
//! The `head` row (count and last hash) is updated in the same transaction as every append.
//!
//! What the chain detects, and [`SqliteStore::verify_chain`] locates by seq:
//! - any edit of a stored field (payload, actor, time, kind, version, proposal, seq) without
//!   recomputing the hash: the row's hash no longer matches its content;
//! - such an edit *with* the row's own hash recomputed: the next row's `prev_hash` no longer
//!   matches, or, for the last row, the head does not;
//! - a deleted row: a gap in `seq` (in the middle) or a head that counts more rows (at the end);
//! - a forged row inserted in the middle, even with a correct hash of its own: the next row's
//!   `prev_hash` and the renumbered rows' hashes;
//! - payloads swapped between rows, rows reordered, a damaged head.
//!
//! What it does **not** protect against: someone with write access who rewrites every row from
//! some point on, recomputing each hash, and the head too, produces a log that is consistent
//! with itself. Only comparing the head hash with a copy kept elsewhere catches that, so
//! reports should print [`ChainReport::head`] and the count, and auditors should keep them
//! (on paper, in signed minutes, in another system). The chain is not a signature: it proves
//! consistency, not authorship. The proposal counter and the sealed counts are outside the
//! chain (see below).
//!
//! # Secret ballots
//!
//! A secret choice only increments a count in `sealed` (a `WITHOUT ROWID` table with all three
//! choices created together, so not even row order reveals which choice came first). The
//! `ballot_cast` event says who voted, with `choice: null`. Nothing stored links a voter to a
//! choice, and the counts are **not** part of the chain: an edit of `sealed` is invisible to
//! [`verify_chain`](SqliteStore::verify_chain). [`SqliteStore::verify_sealed`] checks what can
//! be checked, that every box holds exactly as many ballots as secret `ballot_cast` events
//! were chained for its round ([`SqliteStore::sealed_total`] gives one box's total).
//!
//! Old versions of a page can linger in SQLite's write-ahead log; after a transaction that
//! wrote sealed counts commits, the store checkpoints and truncates the WAL (best effort: a
//! concurrent reader can delay it to a later checkpoint), and `secure_delete` zeroes freed
//! pages. Someone who can read the file *between two ballots* of an open round still learns
//! the choice in between; the secrecy is that of the file at rest once a round is closed.
//!
//! # Transactions and concurrency
//!
//! Every write runs in `BEGIN IMMEDIATE`: the writer takes the database's write lock before
//! reading the version it checks, so of two connections appending to the same proposal at the
//! same expected version exactly one succeeds and the other gets [`StoreError::Conflict`].
//! A connection waits up to 5 s for another's lock, then fails with [`StoreError::Backend`].
//! [`SqliteStore::transaction`] groups several writes; writes inside it join it (as
//! savepoints), so a failure anywhere leaves nothing.
//!
//! # Speed
//!
//! Every statement is prepared once per connection. A proposal's events are parsed once and
//! kept in a cache that is never stale (see `cache.rs`: this connection's appends extend it,
//! a rollback clears it, another connection's commit is seen in `PRAGMA data_version`); in a
//! transaction the chain head is kept in memory too, since no other connection can write.
//! Payloads written tag first are read without serde's buffering of internally tagged enums
//! (`payload.rs`, held to serde's answers by a differential test). Verification reads the
//! log once, hashing and parsing rows on all cores while it replays the votes
//! ([`SqliteStore::verify_log`], `verify.rs`).

mod cache;
mod chain;
mod events;
mod payload;
mod record;
mod schema;
#[cfg(test)]
mod tests;
mod time;
mod verify;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension as _, params};

use crate::workflow::store::{
    Choice, Counts, Event, EventStore, NewEvent, SealedBallot, StoreError,
};
use chain::{Head, RawRow, RowRef};
use events::select;
pub use record::{ChainProblem, ChainReport, LogEntry, Record};
use time::{format_at, parse_at, read_at};
pub use verify::{LogReport, Pin};

/// The schema version this build writes, and the newest it opens.
pub const SCHEMA_VERSION: i64 = schema::CURRENT_VERSION;

/// How long the checkpoint after a sealed write waits for readers.
const CHECKPOINT_WAIT: std::time::Duration = std::time::Duration::from_millis(200);

/// Prepared statements kept per connection: every statement a command runs is parsed once.
const STATEMENT_CACHE: usize = 64;

/// The columns of `events`, in [`RawRow`] order (a macro, for `concat!`).
macro_rules! columns {
    () => {
        "seq, proposal, version, at, actor, kind, payload, prev_hash, hash"
    };
}

/// The columns of `events`, in [`RawRow`] order.
const COLUMNS: &str = columns!();

/// Append one row.
const INSERT_EVENT: &str =
    concat!("INSERT INTO events (", columns!(), ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");

/// A proposal's rows in order.
const PROPOSAL_EVENTS: &str =
    concat!("SELECT ", columns!(), " FROM events WHERE proposal = ?1 ORDER BY seq");

/// The durable store: see the [module docs](self).
pub struct SqliteStore {
    conn: Connection,
    /// For error messages: "`path`" or "the in-memory store".
    what: String,
    path: Option<PathBuf>,
    /// Transactions open (1 = the outer one, more = savepoints).
    depth: u32,
    /// Sealed counts were written in the current transaction: checkpoint after commit.
    sealed_written: bool,
    /// Proposals' events as last read or appended (see [`cache`]).
    cache: std::cell::RefCell<cache::EventCache>,
    /// The chain head as this connection last wrote it in the open transaction (no other
    /// connection can write while it is open); `None` outside one.
    head: Option<Head>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("depth", &self.depth)
            .finish_non_exhaustive()
    }
}

/// The savepoint of a transaction nested `n` deep (`thidua_n`).
#[derive(Clone, Copy, Debug)]
struct Savepoint(u32);

impl Savepoint {
    /// `SAVEPOINT thidua_n`, `RELEASE thidua_n` or `ROLLBACK TO thidua_n`; the usual depths
    /// without formatting.
    fn sql(self, verb: &'static str) -> Cow<'static, str> {
        match (verb, self.0) {
            ("SAVEPOINT", 1) => Cow::Borrowed("SAVEPOINT thidua_1"),
            ("RELEASE", 1) => Cow::Borrowed("RELEASE thidua_1"),
            ("ROLLBACK TO", 1) => Cow::Borrowed("ROLLBACK TO thidua_1"),
            ("SAVEPOINT", 2) => Cow::Borrowed("SAVEPOINT thidua_2"),
            ("RELEASE", 2) => Cow::Borrowed("RELEASE thidua_2"),
            ("ROLLBACK TO", 2) => Cow::Borrowed("ROLLBACK TO thidua_2"),
            (verb, n) => Cow::Owned(format!("{verb} thidua_{n}")),
        }
    }
}

/// A store error from an SQLite one, with context; busy and non-database files get plain words.
fn sql_error(context: &str, e: &rusqlite::Error) -> StoreError {
    let secs = schema::BUSY_TIMEOUT.as_secs();
    StoreError::Backend(match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => format!(
            "{context}: the database is locked by another connection or process (gave up after \
             waiting {secs} s; {e})"
        ),
        Some(ErrorCode::NotADatabase) => {
            format!("{context}: the file is not an SQLite database ({e})")
        }
        Some(ErrorCode::DatabaseCorrupt) => {
            format!("{context}: the database file is corrupt ({e})")
        }
        _ => format!("{context}: {e}"),
    })
}

fn json_error(context: &str, e: &serde_json::Error) -> StoreError {
    StoreError::Backend(format!("{context}: {e}"))
}

/// A `u64` as SQLite's `i64`.
fn to_i64(n: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::Backend(format!("{what} {n} is too large to store")))
}

/// An `i64` read back as `u64`.
fn to_u64(n: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| StoreError::Backend(format!("stored {what} {n} is negative")))
}

fn choice_name(c: Choice) -> &'static str {
    match c {
        Choice::For => "for",
        Choice::Against => "against",
        Choice::Abstain => "abstain",
    }
}

fn read_raw(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        seq: row.get(0)?,
        proposal: row.get(1)?,
        version: row.get(2)?,
        at: row.get(3)?,
        actor: row.get(4)?,
        kind: row.get(5)?,
        payload: row.get(6)?,
        prev_hash: row.get(7)?,
        hash: row.get(8)?,
    })
}

fn entry(raw: RawRow) -> Result<LogEntry, StoreError> {
    Ok(LogEntry {
        seq: to_u64(raw.seq, "seq")?,
        proposal: raw.proposal.map(|p| to_u64(p, "proposal id")).transpose()?,
        version: to_u64(raw.version, "version")?,
        at: parse_at(&raw.at, raw.seq)?,
        actor: raw.actor,
        kind: raw.kind,
        payload: raw.payload,
        prev_hash: raw.prev_hash,
        hash: raw.hash,
    })
}

impl SqliteStore {
    /// Open or create the store in the file at `path`.
    ///
    /// Sets WAL mode, a 5 s busy timeout, full sync and foreign keys, and applies the schema
    /// migrations in order inside one transaction. Refuses, with a clear error and without
    /// changing the file, a file that is not SQLite, an SQLite database of another
    /// application, and a store written by a newer thidua (a higher schema version).
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let what = format!("`{}`", path.display());
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| sql_error(&format!("cannot open {what}"), &e))?;
        SqliteStore::setup(conn, what, Some(path.to_path_buf()))
    }

    /// A fresh store in memory (tests, dry runs): nothing is kept after it is dropped.
    ///
    /// ```
    /// use thidua::store::{Record, SqliteStore};
    /// let mut store = SqliteStore::open_in_memory()?;
    /// let at = chrono::NaiveDate::from_ymd_opt(2025, 12, 1)
    ///     .and_then(|d| d.and_hms_opt(8, 0, 0))
    ///     .unwrap_or_default();
    /// let record = Record::CycleOpened { cycle: 2025, label: "Năm 2025".into() };
    /// assert_eq!(store.record(at, "admin", &record)?, 1);
    /// assert!(store.verify_chain()?.is_clean());
    /// # Ok::<(), thidua::workflow::store::StoreError>(())
    /// ```
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        let what = String::from("the in-memory store");
        let conn = Connection::open_in_memory()
            .map_err(|e| sql_error(&format!("cannot open {what}"), &e))?;
        SqliteStore::setup(conn, what, None)
    }

    fn setup(
        conn: Connection,
        what: String,
        path: Option<PathBuf>,
    ) -> Result<SqliteStore, StoreError> {
        schema::configure(&conn, &what)?;
        schema::migrate(&conn, &what)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(SqliteStore {
            conn,
            what,
            path,
            depth: 0,
            sealed_written: false,
            cache: std::cell::RefCell::default(),
            head: None,
        })
    }

    /// The file this store lives in (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Run `f` inside one transaction: commands that write several things call this so that
    /// a failure or a crash leaves nothing half-written.
    ///
    /// The outer call begins `BEGIN IMMEDIATE` (taking the write lock at once) and commits
    /// if `f` returns `Ok`; on `Err` (or a panic) everything `f` wrote is rolled back. Calls
    /// inside `f` (including [`append`](EventStore::append), [`record`](Self::record) and
    /// nested `transaction`s) join it as savepoints: a nested failure that `f` handles rolls
    /// back only the nested part.
    pub fn transaction<T>(
        &mut self,
        f: impl FnOnce(&mut SqliteStore) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.transaction_with(f)
    }

    /// [`transaction`](Self::transaction) for a closure with its own error type (e.g. a
    /// workflow command's), which must be able to hold a [`StoreError`].
    pub fn transaction_with<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut SqliteStore) -> Result<T, E>,
    ) -> Result<T, E> {
        let outer = self.depth == 0;
        let savepoint = Savepoint(self.depth);
        let begin =
            if outer { Cow::Borrowed("BEGIN IMMEDIATE") } else { savepoint.sql("SAVEPOINT") };
        self.exec(&begin)
            .map_err(|e| sql_error(&format!("cannot begin a transaction on {}", self.what), &e))?;
        if outer {
            // The write lock is held from here on: check once what other connections
            // committed before it, and trust the cached events until the commit.
            self.head = None;
            if let Err(e) = self.sync_cache() {
                self.abort(true, savepoint);
                return Err(e.into());
            }
        }
        self.depth += 1;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self)));
        self.depth -= 1;
        match result {
            Ok(Ok(value)) => {
                self.finish(outer, savepoint)?;
                Ok(value)
            }
            Ok(Err(e)) => {
                self.abort(outer, savepoint);
                Err(e)
            }
            Err(panic) => {
                self.abort(outer, savepoint);
                std::panic::resume_unwind(panic)
            }
        }
    }

    /// Commit (outer) or release (savepoint).
    fn finish(&mut self, outer: bool, savepoint: Savepoint) -> Result<(), StoreError> {
        if !outer {
            return self.exec(&savepoint.sql("RELEASE")).map_err(|e| {
                self.abort(false, savepoint);
                sql_error(&format!("cannot complete a nested transaction on {}", self.what), &e)
            });
        }
        if self.conn.is_autocommit() {
            // SQLite rolled the transaction back itself (I/O error, disk full…): nothing it
            // wrote, read back or moved the head to is there any more.
            self.sealed_written = false;
            self.cache.get_mut().clear();
            self.head = None;
            return Err(StoreError::Backend(format!(
                "the transaction on {} was aborted by SQLite; nothing was written",
                self.what
            )));
        }
        self.head = None;
        if let Err(e) = self.exec("COMMIT") {
            self.abort(true, savepoint);
            return Err(sql_error(
                &format!("cannot commit to {}; nothing was written", self.what),
                &e,
            ));
        }
        if std::mem::take(&mut self.sealed_written) {
            // Best effort: drop old page images (with earlier counts) from the WAL. A reader
            // elsewhere can keep it from completing (the next checkpoint will), so wait for
            // readers only briefly: the write itself has succeeded.
            let _short = self.conn.busy_timeout(CHECKPOINT_WAIT);
            let _checkpoint =
                self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0));
            let _restored = self.conn.busy_timeout(schema::BUSY_TIMEOUT);
        }
        Ok(())
    }

    /// Roll back (outer) or roll back to and release (savepoint). A failure here leaves
    /// nothing more to undo: SQLite already ended the transaction.
    fn abort(&mut self, outer: bool, savepoint: Savepoint) {
        // Events read or appended in what is rolled back must not be served again, nor the
        // head they moved.
        self.cache.get_mut().clear();
        self.head = None;
        if outer {
            self.sealed_written = false;
            if !self.conn.is_autocommit() {
                let _rollback = self.exec("ROLLBACK");
            }
        } else {
            let _rollback = self
                .exec(&savepoint.sql("ROLLBACK TO"))
                .and_then(|()| self.exec(&savepoint.sql("RELEASE")));
        }
    }

    /// Drop the cached events if another connection committed since the last check.
    fn sync_cache(&self) -> Result<(), StoreError> {
        let data_version: i64 = self
            .conn
            .prepare_cached("PRAGMA data_version")
            .and_then(|mut stmt| stmt.query_row([], |r| r.get(0)))
            .map_err(self.fail("read the log"))?;
        self.cache.borrow_mut().sync(data_version);
        Ok(())
    }

    /// Run one statement that returns no rows, prepared once per connection.
    fn exec(&self, sql: &str) -> rusqlite::Result<()> {
        self.conn.prepare_cached(sql)?.execute([]).map(drop)
    }

    /// Run read-only `f` on one consistent snapshot (joins a transaction already open).
    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if !self.conn.is_autocommit() {
            return f(&self.conn);
        }
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(|e| sql_error(&format!("cannot read {}", self.what), &e))?;
        let result = f(&tx);
        // Read-only: ending it either way is the same; dropping rolls back.
        drop(tx);
        result
    }

    fn fail<'a>(&'a self, action: &'a str) -> impl Fn(rusqlite::Error) -> StoreError + 'a {
        move |e| sql_error(&format!("cannot {action} ({})", self.what), &e)
    }

    /// The chain head, inside the current transaction.
    fn head(&self) -> Result<Head, StoreError> {
        if let Some(head) = &self.head {
            return Ok(head.clone());
        }
        self.conn
            .prepare_cached("SELECT count, hash FROM head WHERE id = 1")
            .and_then(|mut stmt| {
                stmt.query_row([], |r| Ok(Head { count: r.get(0)?, hash: r.get(1)? })).optional()
            })
            .map_err(self.fail("read the chain head"))?
            .ok_or_else(|| {
                StoreError::Backend(format!("{} is damaged: the chain head is missing", self.what))
            })
    }

    /// Append one row after `head`, inside the current transaction, and move `head` to it
    /// (the caller stores the head with [`set_head`](Self::set_head) after its last row).
    #[expect(clippy::too_many_arguments, reason = "the fields of one row")]
    fn push_row(
        &self,
        head: &mut Head,
        proposal: Option<i64>,
        version: i64,
        at: NaiveDateTime,
        actor: &str,
        kind: &str,
        payload: &str,
    ) -> Result<i64, StoreError> {
        let seq = head.count.saturating_add(1);
        let at = format_at(at)?;
        let row =
            RowRef { seq, proposal, version, at: &at, actor, kind, payload, prev_hash: &head.hash };
        let hash = row.hash_hex();
        self.conn
            .prepare_cached(INSERT_EVENT)
            .and_then(|mut stmt| {
                stmt.execute(params![
                    seq,
                    proposal,
                    version,
                    at,
                    actor,
                    kind,
                    payload,
                    row.prev_hash,
                    hash.as_str()
                ])
            })
            .map_err(self.fail("append to the log"))?;
        *head = Head { count: seq, hash: hash.as_str().to_string() };
        Ok(seq)
    }

    /// Store the head after the rows just appended.
    fn set_head(&mut self, head: Head) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE head SET count = ?1, hash = ?2 WHERE id = 1")
            .and_then(|mut stmt| stmt.execute(params![head.count, head.hash]))
            .map_err(self.fail("update the chain head"))?;
        self.head = Some(head);
        Ok(())
    }

    /// Append a cycle-level record, chained, in its own transaction (or the one open).
    /// Returns its seq.
    pub fn record(
        &mut self,
        at: NaiveDateTime,
        actor: &str,
        record: &Record,
    ) -> Result<u64, StoreError> {
        let payload =
            serde_json::to_string(record).map_err(|e| json_error("cannot encode a record", &e))?;
        self.transaction(|s| {
            let count = to_i64(s.record_count()?, "record count")?;
            let mut head = s.head()?;
            let seq = s.push_row(
                &mut head,
                None,
                count.saturating_add(1),
                at,
                actor,
                record.tag(),
                &payload,
            )?;
            s.set_head(head)?;
            to_u64(seq, "seq")
        })
    }

    /// How many rows the log holds, as its head counts them.
    pub fn event_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count FROM head WHERE id = 1")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(self.fail("read the chain head"))?;
        to_u64(n, "event count")
    }

    /// How many cycle-level records the log holds (an indexed count).
    pub fn record_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM events WHERE proposal IS NULL")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(self.fail("count the cycle records"))?;
        to_u64(n, "record count")
    }

    /// All cycle-level records in order, each with its log row (seq, time, actor…).
    pub fn records(&self) -> Result<Vec<(LogEntry, Record)>, StoreError> {
        self.read(|conn| {
            let rows = select(
                conn,
                &format!("SELECT {COLUMNS} FROM events WHERE proposal IS NULL ORDER BY seq"),
                [],
                &self.what,
            )?;
            rows.into_iter()
                .map(|raw| {
                    let record: Record = serde_json::from_str(&raw.payload).map_err(|e| {
                        json_error(&format!("record {} cannot be read", raw.seq), &e)
                    })?;
                    Ok((entry(raw)?, record))
                })
                .collect()
        })
    }

    /// Every stored row in seq order.
    pub fn log(&self) -> Result<Vec<LogEntry>, StoreError> {
        self.read(|conn| {
            select(conn, &format!("SELECT {COLUMNS} FROM events ORDER BY seq"), [], &self.what)?
                .into_iter()
                .map(entry)
                .collect()
        })
    }

    /// One stored row by its sequence number (an indexed lookup, for explanations).
    pub fn entry(&self, seq: u64) -> Result<Option<LogEntry>, StoreError> {
        let seq = to_i64(seq, "sequence number")?;
        self.read(|conn| {
            select(
                conn,
                &format!("SELECT {COLUMNS} FROM events WHERE seq = ?1"),
                [seq],
                &self.what,
            )?
            .into_iter()
            .next()
            .map(entry)
            .transpose()
        })
    }

    /// Recompute the whole chain from the stored rows and compare the head.
    ///
    /// Never stops at the first problem: every bad seq is reported (at most 100). Also
    /// checks that each payload parses as its kind, that times are valid and that versions
    /// follow each other. Does not check the sealed counts: see
    /// [`verify_sealed`](Self::verify_sealed).
    pub fn verify_chain(&self) -> Result<ChainReport, StoreError> {
        self.read(|conn| verify::run(conn, &self.what, verify::Scope::Chain)).map(|(r, _)| r.chain)
    }

    /// Everything verification checks in the log, in one pass over it: the chain (as
    /// [`verify_chain`](Self::verify_chain)), the sealed boxes (as
    /// [`verify_sealed`](Self::verify_sealed)), and the replay of every vote: each
    /// `round_closed` against the round's ballots (open ones from the events, secret ones
    /// from the box) and against its rule, unless a tally hook, a missing quorum or a tie
    /// decided it. Also lists the rule set each proposal was pinned to, for the caller to
    /// check against the registered ones. Rows whose payload does not read are reported by
    /// the chain and left out of the replay.
    pub fn verify_log(&self) -> Result<LogReport, StoreError> {
        match self.read(|conn| verify::run(conn, &self.what, verify::Scope::All))? {
            (_, Some(e)) => Err(e),
            (report, None) => Ok(report),
        }
    }

    /// [`verify_log`](Self::verify_log), with `alongside` run on another thread meanwhile
    /// (work that needs no store, such as replaying the evaluations of the records read
    /// before): the two take the machine's cores together.
    pub fn verify_log_with<T: Send>(
        &self,
        alongside: impl FnOnce() -> T + Send,
    ) -> Result<(LogReport, T), StoreError> {
        std::thread::scope(|threads| {
            let other = threads.spawn(alongside);
            let log = self.verify_log();
            match other.join() {
                Ok(t) => log.map(|log| (log, t)),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }

    /// How many secret ballots the box of a proposal's round in a stage holds.
    pub fn sealed_total(&self, proposal: u64, stage: &str, round: u32) -> Result<u64, StoreError> {
        let Ok(p) = i64::try_from(proposal) else { return Ok(0) };
        let total: i64 = self
            .conn
            .query_row(
                "SELECT COALESCE(SUM(count), 0) FROM sealed WHERE proposal = ?1 AND stage = ?2 AND \
                 round = ?3",
                params![p, stage, round],
                |r| r.get(0),
            )
            .map_err(self.fail("read the sealed counts"))?;
        to_u64(total, "sealed total")
    }

    /// Check every sealed box against the chained events: a box must hold exactly as many
    /// ballots as `ballot_cast` events without a choice were appended for that proposal and
    /// round while the proposal was in that stage (the last `entered` event before them).
    ///
    /// The counts themselves are not chained: this catches ballots added to or removed from
    /// a box, not choices moved between counts of the same box.
    pub fn verify_sealed(&self) -> Result<Vec<ChainProblem>, StoreError> {
        self.read(|conn| verify::run(conn, &self.what, verify::Scope::All)).map(|(r, _)| r.sealed)
    }

    fn append_in_transaction(
        &mut self,
        proposal: u64,
        expected_version: u64,
        stage: &str,
        events: Vec<NewEvent>,
        sealed: Vec<SealedBallot>,
    ) -> Result<(), StoreError> {
        let p = to_i64(proposal, "proposal id")?;
        // The cached history is the stored one (see `cache`): its length is the version.
        let cached = self.cache.get_mut().get(proposal).map(|events| events.len() as u64);
        let found = match cached {
            Some(n) => n,
            None => {
                let found: i64 = self
                    .conn
                    .prepare_cached("SELECT COUNT(*) FROM events WHERE proposal = ?1")
                    .and_then(|mut stmt| stmt.query_row([p], |r| r.get(0)))
                    .map_err(self.fail("read the proposal's version"))?;
                to_u64(found, "version")?
            }
        };
        if found != expected_version {
            return Err(StoreError::Conflict { proposal, expected: expected_version, found });
        }
        let mut head = self.head()?;
        let mut stored = Vec::with_capacity(events.len());
        for (version, e) in (found + 1..).zip(events) {
            let payload = serde_json::to_string(&e.kind)
                .map_err(|err| json_error("cannot encode an event", &err))?;
            let seq = self.push_row(
                &mut head,
                Some(p),
                to_i64(version, "version")?,
                e.at,
                &e.actor,
                e.kind.tag(),
                &payload,
            )?;
            stored.push(Event {
                seq: to_u64(seq, "seq")?,
                proposal,
                version,
                at: e.at,
                actor: e.actor,
                kind: e.kind,
            });
        }
        self.set_head(head)?;
        // Aggregate first: one update per (round, choice), whatever the order of ballots.
        let mut counts: BTreeMap<(u32, &'static str), i64> = BTreeMap::new();
        for b in &sealed {
            *counts.entry((b.round, choice_name(b.choice))).or_insert(0) += 1;
        }
        for ((round, choice), n) in counts {
            // All three choices are created together, so no row's existence or position
            // tells which choice came first.
            self.conn
                .prepare_cached(
                    "INSERT INTO sealed (proposal, stage, round, choice, count) VALUES \
                     (?1, ?2, ?3, 'for', 0), (?1, ?2, ?3, 'against', 0), (?1, ?2, ?3, 'abstain', 0) \
                     ON CONFLICT DO NOTHING",
                )
                .and_then(|mut stmt| stmt.execute(params![p, stage, round]))
                .and_then(|_| {
                    self.conn
                        .prepare_cached(
                            "UPDATE sealed SET count = count + ?5 WHERE proposal = ?1 AND stage = \
                             ?2 AND round = ?3 AND choice = ?4",
                        )
                        .and_then(|mut stmt| stmt.execute(params![p, stage, round, choice, n]))
                })
                .map_err(self.fail("count a sealed ballot"))?;
            self.sealed_written = true;
        }
        self.cache.get_mut().appended(proposal, found, stored);
        Ok(())
    }
}
