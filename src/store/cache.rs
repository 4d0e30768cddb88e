//! Proposals' events kept in memory between commands.
//!
//! Every workflow command reads its proposal's whole history, so without a cache a command
//! on a proposal with 14 events parses 14 JSON payloads and timestamps, and a council
//! meeting re-reads each history once per ballot. The cache keeps the parsed [`Event`]s of
//! the proposals last read or appended, exactly as a read would return them.
//!
//! It is never wrong about the file:
//! - rows are only ever appended, and [`appended`](EventCache::appended) adds this
//!   connection's rows as it writes them (after the version check, so the cached history
//!   is the stored one plus the new rows);
//! - a rollback (of a transaction or of a savepoint) [`clear`](EventCache::clear)s it all;
//! - another connection's commit changes SQLite's `PRAGMA data_version`, which every read
//!   checks first ([`sync`](EventCache::sync)): any change clears it all;
//! - it holds at most [`MAX_EVENTS`] events, and starts afresh when full.

use rustc_hash::FxHashMap;

use crate::workflow::store::Event;

/// Most events kept (about 100–200 bytes each with their strings).
pub(super) const MAX_EVENTS: usize = 1 << 18;

/// Parsed events by proposal; see the [module docs](self).
#[derive(Debug, Default)]
pub(super) struct EventCache {
    /// `PRAGMA data_version` when last checked.
    data_version: Option<i64>,
    /// Each cached proposal's whole history, in order. Looked up by id, never iterated.
    proposals: FxHashMap<u64, Vec<Event>>,
    /// Events held, over all proposals.
    events: usize,
}

impl EventCache {
    /// Forget everything.
    pub(super) fn clear(&mut self) {
        self.proposals.clear();
        self.events = 0;
    }

    /// Note the connection's current `data_version`; another connection committed if it
    /// moved, and then nothing cached can be trusted.
    pub(super) fn sync(&mut self, data_version: i64) {
        if self.data_version != Some(data_version) {
            self.clear();
            self.data_version = Some(data_version);
        }
    }

    /// A proposal's history, if cached.
    pub(super) fn get(&self, proposal: u64) -> Option<&[Event]> {
        self.proposals.get(&proposal).map(Vec::as_slice)
    }

    /// Keep a proposal's whole history as just read.
    pub(super) fn insert(&mut self, proposal: u64, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        self.make_room(events.len());
        self.events += events.len();
        if let Some(old) = self.proposals.insert(proposal, events) {
            self.events -= old.len();
        }
    }

    /// Rows appended to a proposal that had `before` events: extend its cached history, or
    /// start it when `before` is 0; a cached history of another length is dropped.
    pub(super) fn appended(&mut self, proposal: u64, before: u64, new: Vec<Event>) {
        let cached = self.proposals.get(&proposal).map(|v| v.len() as u64);
        match cached {
            Some(n) if n == before => {
                self.make_room(new.len());
                self.events += new.len();
                if let Some(v) = self.proposals.get_mut(&proposal) {
                    v.extend(new);
                } else {
                    self.events -= new.len();
                }
            }
            Some(_) => {
                if let Some(old) = self.proposals.remove(&proposal) {
                    self.events -= old.len();
                }
            }
            None if before == 0 => self.insert(proposal, new),
            None => {}
        }
    }

    /// Start afresh if `more` events would not fit.
    fn make_room(&mut self, more: usize) {
        if self.events.saturating_add(more) > MAX_EVENTS {
            self.clear();
        }
    }
}
