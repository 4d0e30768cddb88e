//! Connection settings and schema migrations.
//!
//! Migrations run in order inside one `BEGIN IMMEDIATE` transaction, so two processes opening
//! a new file at once cannot both create the tables, and a failed migration changes nothing.
//! Migration `n` takes the schema from version `n - 1` to `n`; the version is kept in the
//! one-row `schema_version` table. Never edit a released migration: add a new one.

use std::time::Duration;

use rusqlite::Connection;

use super::chain::GENESIS;
use super::sql_error;
use crate::workflow::store::StoreError;

/// The schema version this build writes and reads.
pub(crate) const CURRENT_VERSION: i64 = 1;

/// How long a connection waits for another one's lock before giving up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// `PRAGMA application_id` of a thidua store ("THDA").
pub(crate) const APPLICATION_ID: i64 = 0x5448_4441;

/// Migration 1: the event log with its chain head, the proposal id counter and the sealed
/// ballot box.
const V1: &str = "
CREATE TABLE events (
    seq       INTEGER PRIMARY KEY,
    proposal  INTEGER,
    version   INTEGER NOT NULL,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    payload   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX events_by_proposal ON events (proposal, version);
CREATE TABLE head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    count INTEGER NOT NULL,
    hash  TEXT NOT NULL
) STRICT;
INSERT INTO head (id, count, hash) VALUES (1, 0, '{GENESIS}');
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO counters (name, value) VALUES ('proposal', 0);
CREATE TABLE sealed (
    proposal INTEGER NOT NULL,
    stage    TEXT NOT NULL,
    round    INTEGER NOT NULL,
    choice   TEXT NOT NULL CHECK (choice IN ('for', 'against', 'abstain')),
    count    INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (proposal, stage, round, choice)
) STRICT, WITHOUT ROWID;
PRAGMA application_id = {APPLICATION_ID};
";

/// The migrations in order: `MIGRATIONS[n - 1]` produces version `n`.
const MIGRATIONS: [&str; 1] = [V1];

/// Per-connection settings: busy timeout, WAL, full sync, foreign keys, secure delete, and
/// a larger page cache.
///
/// `secure_delete` overwrites freed content with zeros, so old sealed-box counts do not
/// linger in free pages of the file.
///
/// `synchronous = FULL` stays: in WAL mode `NORMAL` would let a power cut take back
/// transactions already reported committed, and every acknowledged command must survive a
/// crash. Speed comes from committing a batch of commands in one transaction instead
/// ([`Office::act_loaded`](crate::office::Office::act_loaded)). The page cache is 64 MiB
/// (SQLite's default is 2 MiB): the index pages that commands look their proposals up in
/// stay in memory. Memory-mapped reads (`mmap_size`) were measured and bring nothing here,
/// so reads keep SQLite's error handling rather than a `SIGBUS` on an I/O error.
pub(crate) fn configure(conn: &Connection, what: &str) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| sql_error(&format!("cannot open {what}"), &e))?;
    // The first statement that reads the file: a file that is not SQLite fails here.
    let _mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| sql_error(&format!("cannot open {what}"), &e))?;
    conn.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; \
         PRAGMA cache_size = -65536;",
    )
    .map_err(|e| sql_error(&format!("cannot configure {what}"), &e))?;
    Ok(())
}

/// Bring the schema up to [`CURRENT_VERSION`], refusing a file from a newer thidua, from
/// another application, or an SQLite database that is not a thidua store.
pub(crate) fn migrate(conn: &Connection, what: &str) -> Result<(), StoreError> {
    let fail = |e: rusqlite::Error| sql_error(&format!("cannot prepare the schema of {what}"), &e);
    conn.execute_batch("BEGIN IMMEDIATE").map_err(fail)?;
    let result = migrate_in_transaction(conn, what);
    match result {
        Ok(()) => conn.execute_batch("COMMIT").map_err(fail),
        Err(e) => {
            // The original error matters more than a failed rollback.
            let _rollback = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

fn migrate_in_transaction(conn: &Connection, what: &str) -> Result<(), StoreError> {
    let fail = |e: rusqlite::Error| sql_error(&format!("cannot read the schema of {what}"), &e);
    let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(fail)?;
    if app != 0 && app != APPLICATION_ID {
        return Err(StoreError::Backend(format!(
            "{what} is not a thidua store: it belongs to another application (application id \
             {app:#x})"
        )));
    }
    let has_version: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = \
             'schema_version')",
            [],
            |r| r.get(0),
        )
        .map_err(fail)?;
    let version = if has_version {
        let v: Option<i64> = conn
            .query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))
            .map_err(|e| sql_error(&format!("cannot read the schema version of {what}"), &e))?;
        v.ok_or_else(|| {
            StoreError::Backend(format!("{what} is damaged: its `schema_version` table is empty"))
        })?
    } else {
        let tables: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE \
                 'sqlite\\_%' ESCAPE '\\'",
                [],
                |r| r.get(0),
            )
            .map_err(fail)?;
        if tables > 0 {
            return Err(StoreError::Backend(format!(
                "{what} is not a thidua store: it is an SQLite database with {tables} other \
                 table(s) and no `schema_version`"
            )));
        }
        conn.execute_batch(
            "CREATE TABLE schema_version (version INTEGER NOT NULL) STRICT;
             INSERT INTO schema_version (version) VALUES (0);",
        )
        .map_err(|e| sql_error(&format!("cannot create the schema of {what}"), &e))?;
        0
    };
    if version > CURRENT_VERSION {
        return Err(StoreError::Backend(format!(
            "{what} was written by a newer thidua (schema version {version}; this build reads \
             versions up to {CURRENT_VERSION}); upgrade thidua to open it"
        )));
    }
    if version < 0 {
        return Err(StoreError::Backend(format!(
            "{what} is damaged: its schema version is {version}"
        )));
    }
    for (n, sql) in (1_i64..).zip(MIGRATIONS) {
        if n <= version {
            continue;
        }
        let sql = sql
            .replace("{GENESIS}", GENESIS)
            .replace("{APPLICATION_ID}", &APPLICATION_ID.to_string());
        conn.execute_batch(&sql)
            .and_then(|()| conn.execute("UPDATE schema_version SET version = ?1", [n]).map(drop))
            .map_err(|e| sql_error(&format!("cannot migrate {what} to schema version {n}"), &e))?;
    }
    Ok(())
}
