//! The [`EventStore`] implementation: proposal events on the shared, chained log.

use rusqlite::{Connection, OptionalExtension as _, params};

use super::*;

/// Run a query returning full `events` rows.
pub(super) fn select(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    what: &str,
) -> Result<Vec<RawRow>, StoreError> {
    let fail = |e: rusqlite::Error| sql_error(&format!("cannot read the log of {what}"), &e);
    let mut stmt = conn.prepare_cached(sql).map_err(fail)?;
    let rows = stmt.query_map(params, read_raw).map_err(fail)?;
    rows.collect::<rusqlite::Result<Vec<RawRow>>>().map_err(fail)
}

/// A proposal's row as an [`Event`].
fn event_of(raw: RawRow) -> Result<Event, StoreError> {
    let kind = super::payload::parse_event(&raw.payload)
        .map_err(|e| json_error(&format!("event {} cannot be read", raw.seq), &e))?;
    let e = entry(raw)?;
    let proposal = e
        .proposal
        .ok_or_else(|| StoreError::Backend(format!("event {} belongs to no proposal", e.seq)))?;
    Ok(Event { seq: e.seq, proposal, version: e.version, at: e.at, actor: e.actor, kind })
}

impl EventStore for SqliteStore {
    fn next_proposal(&mut self) -> Result<u64, StoreError> {
        self.transaction(|s| {
            let id: i64 = s
                .conn
                .prepare_cached(
                    "UPDATE counters SET value = value + 1 WHERE name = 'proposal' RETURNING value",
                )
                .and_then(|mut stmt| stmt.query_row([], |r| r.get(0)).optional())
                .map_err(s.fail("take a proposal id"))?
                .ok_or_else(|| {
                    StoreError::Backend(format!(
                        "{} is damaged: the proposal counter is missing",
                        s.what
                    ))
                })?;
            to_u64(id, "proposal id")
        })
    }

    fn proposals(&self) -> Result<Vec<u64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT proposal FROM events WHERE proposal IS NOT NULL ORDER BY proposal",
            )
            .map_err(self.fail("list the proposals"))?;
        let ids = stmt
            .query_map([], |r| r.get::<_, i64>(0))
            .and_then(Iterator::collect::<rusqlite::Result<Vec<i64>>>)
            .map_err(self.fail("list the proposals"))?;
        ids.into_iter().map(|p| to_u64(p, "proposal id")).collect()
    }

    fn events(&self, proposal: u64) -> Result<Vec<Event>, StoreError> {
        let Ok(p) = i64::try_from(proposal) else { return Ok(Vec::new()) };
        // Inside a transaction the cache was checked when it began, and nobody else writes.
        if self.depth == 0 {
            self.sync_cache()?;
        }
        let mut cache = self.cache.borrow_mut();
        if let Some(events) = cache.get(proposal) {
            return Ok(events.to_vec());
        }
        let rows = select(&self.conn, PROPOSAL_EVENTS, [p], &self.what)?;
        let events = rows.into_iter().map(event_of).collect::<Result<Vec<Event>, StoreError>>()?;
        cache.insert(proposal, events.clone());
        Ok(events)
    }

    fn append(
        &mut self,
        proposal: u64,
        expected_version: u64,
        stage: &str,
        events: Vec<NewEvent>,
        sealed: Vec<SealedBallot>,
    ) -> Result<(), StoreError> {
        self.transaction(|s| {
            s.append_in_transaction(proposal, expected_version, stage, events, sealed)
        })
    }

    /// The rows at version 1, in one indexed scan.
    fn nominations(&self) -> Result<Vec<Event>, StoreError> {
        let rows = select(
            &self.conn,
            &format!(
                "SELECT {COLUMNS} FROM events WHERE proposal IS NOT NULL AND version = 1 ORDER BY \
                 proposal"
            ),
            [],
            &self.what,
        )?;
        rows.into_iter().map(event_of).collect()
    }

    fn sealed(&self, proposal: u64, stage: &str, round: u32) -> Result<Counts, StoreError> {
        let Ok(p) = i64::try_from(proposal) else { return Ok(Counts::default()) };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT choice, count FROM sealed WHERE proposal = ?1 AND stage = ?2 AND round = ?3",
            )
            .map_err(self.fail("read the sealed counts"))?;
        let rows = stmt
            .query_map(params![p, stage, round], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<(String, i64)>>>)
            .map_err(self.fail("read the sealed counts"))?;
        let mut counts = Counts::default();
        for (choice, n) in rows {
            let n = u32::try_from(n).map_err(|_| {
                StoreError::Backend(format!(
                    "sealed count {n} of proposal {proposal} is out of range"
                ))
            })?;
            match choice.as_str() {
                "for" => counts.for_ = n,
                "against" => counts.against = n,
                "abstain" => counts.abstain = n,
                other => {
                    return Err(StoreError::Backend(format!(
                        "sealed box of proposal {proposal} holds an unknown choice `{other}`"
                    )));
                }
            }
        }
        Ok(counts)
    }
}
