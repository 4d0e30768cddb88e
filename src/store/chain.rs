//! The hash chain: the canonical bytes of a row, its hash, and the verifier.
//!
//! Verification works only on the stored text of each row: it never re-serialises a payload,
//! so reordering fields in the Rust types later cannot make old logs look tampered with.

use std::collections::BTreeMap;

use sha2::{Digest as _, Sha256};

use super::{AT_FORMAT, ChainProblem, ChainReport, Record};
use crate::workflow::store::EventKind;

/// The previous hash of the first row: 64 zeros.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Most problems a report lists.
pub(crate) const MAX_PROBLEMS: usize = 100;

/// First line of every row's canonical bytes: names the format, so that a future format can
/// never produce the same bytes.
const DOMAIN: &str = "thidua-event-v1";

/// One row of `events` exactly as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawRow {
    pub(crate) seq: i64,
    pub(crate) proposal: Option<i64>,
    pub(crate) version: i64,
    pub(crate) at: String,
    pub(crate) actor: String,
    pub(crate) kind: String,
    pub(crate) payload: String,
    pub(crate) prev_hash: String,
    pub(crate) hash: String,
}

impl RawRow {
    /// The row's fields, borrowed.
    pub(crate) fn as_ref(&self) -> RowRef<'_> {
        RowRef {
            seq: self.seq,
            proposal: self.proposal,
            version: self.version,
            at: &self.at,
            actor: &self.actor,
            kind: &self.kind,
            payload: &self.payload,
            prev_hash: &self.prev_hash,
        }
    }

    /// The SHA-256 (lowercase hex) of the row's canonical bytes; ignores `self.hash`.
    pub(crate) fn content_hash(&self) -> String {
        self.as_ref().hash_hex().as_str().to_string()
    }

    /// The canonical bytes (see [`RowRef::feed`]).
    #[cfg(test)]
    pub(crate) fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.as_ref().feed(|bytes| out.extend_from_slice(bytes));
        out
    }
}

/// The hashed fields of a row, borrowed (from a [`RawRow`], a row being appended, or an
/// SQLite row being verified): hashing one allocates nothing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RowRef<'a> {
    pub(crate) seq: i64,
    pub(crate) proposal: Option<i64>,
    pub(crate) version: i64,
    pub(crate) at: &'a str,
    pub(crate) actor: &'a str,
    pub(crate) kind: &'a str,
    pub(crate) payload: &'a str,
    pub(crate) prev_hash: &'a str,
}

impl RowRef<'_> {
    /// Pass the canonical bytes to `sink`, piece by piece: `thidua-event-v1\n`, then each
    /// field as `<byte length>:<bytes>\n`, in the order prev_hash, seq, proposal (`-` for a
    /// cycle-level record), version, at, actor, kind, payload. Numbers are written in
    /// decimal. The length prefix makes the encoding unambiguous whatever the fields contain
    /// (newlines, colons…).
    pub(crate) fn feed(&self, mut sink: impl FnMut(&[u8])) {
        sink(DOMAIN.as_bytes());
        sink(b"\n");
        let mut field = |bytes: &[u8]| {
            sink(Digits::of_i64(i64::try_from(bytes.len()).unwrap_or(i64::MAX)).as_bytes());
            sink(b":");
            sink(bytes);
            sink(b"\n");
        };
        field(self.prev_hash.as_bytes());
        field(Digits::of_i64(self.seq).as_bytes());
        match self.proposal {
            Some(p) => field(Digits::of_i64(p).as_bytes()),
            None => field(b"-"),
        }
        field(Digits::of_i64(self.version).as_bytes());
        field(self.at.as_bytes());
        field(self.actor.as_bytes());
        field(self.kind.as_bytes());
        field(self.payload.as_bytes());
    }

    /// The SHA-256 of the canonical bytes, as lowercase hex.
    pub(crate) fn hash_hex(&self) -> Hex {
        let mut hasher = Sha256::new();
        self.feed(|bytes| hasher.update(bytes));
        Hex::of(&hasher.finalize())
    }
}

/// A number's decimal text (as `i64::to_string` writes it), on the stack.
#[derive(Clone, Copy, Debug)]
struct Digits {
    buf: [u8; 20],
    start: usize,
}

impl Digits {
    fn of_i64(n: i64) -> Digits {
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        let mut rest = n.unsigned_abs();
        loop {
            start -= 1;
            if let Some(b) = buf.get_mut(start) {
                // A digit: `rest % 10` is below 10.
                *b = b'0' + u8::try_from(rest % 10).unwrap_or(0);
            }
            rest /= 10;
            if rest == 0 || start == 0 {
                break;
            }
        }
        // 20 places hold `-` and the 19 digits of `i64::MIN`.
        if n < 0 && start > 0 {
            start -= 1;
            if let Some(b) = buf.get_mut(start) {
                *b = b'-';
            }
        }
        Digits { buf, start }
    }

    fn as_bytes(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }
}

/// A SHA-256 as lowercase hex, on the stack.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hex([u8; 64]);

impl std::fmt::Debug for Hex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Hex {
    fn of(digest: &[u8]) -> Hex {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b'0'; 64];
        for (pair, byte) in out.chunks_exact_mut(2).zip(digest) {
            if let [hi, lo] = pair {
                *hi = DIGITS.get(usize::from(byte >> 4)).copied().unwrap_or(b'0');
                *lo = DIGITS.get(usize::from(byte & 0xf)).copied().unwrap_or(b'0');
            }
        }
        Hex(out)
    }

    /// The hex text.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// The `head` row as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Head {
    pub(crate) count: i64,
    pub(crate) hash: String,
}

/// Walks the rows in seq order, collecting problems; never stops early.
#[derive(Debug)]
pub(crate) struct Verifier {
    /// Rows read (readable or not).
    events: u64,
    /// Seq of the previous row (0 before the first).
    last_seq: i64,
    /// Stored hash of the previous row; `None` when it could not be read.
    last_hash: Option<String>,
    /// The previous row was followed by a gap: its link cannot be checked.
    after_gap: bool,
    /// Last version seen per proposal (`None`: cycle-level records).
    versions: BTreeMap<Option<i64>, i64>,
    problems: Vec<ChainProblem>,
    omitted: u64,
}

impl Verifier {
    pub(crate) fn new() -> Verifier {
        Verifier {
            events: 0,
            last_seq: 0,
            last_hash: Some(String::from(GENESIS)),
            after_gap: false,
            versions: BTreeMap::new(),
            problems: Vec::new(),
            omitted: 0,
        }
    }

    fn problem(&mut self, seq: i64, what: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(ChainProblem { seq: u64::try_from(seq).unwrap_or(0), what });
        } else {
            self.omitted += 1;
        }
    }

    /// Check the sequence number and note a gap before `seq`.
    fn sequence(&mut self, seq: i64) {
        let expected = self.last_seq.saturating_add(1);
        self.after_gap = false;
        if seq == expected {
            return;
        }
        if seq < expected {
            self.problem(
                seq,
                format!("event {seq} is out of order (it follows event {})", self.last_seq),
            );
            return;
        }
        let from = if self.last_seq == 0 {
            String::from("the log starts at")
        } else {
            format!("sequence jumps from {} to", self.last_seq)
        };
        let last_missing = seq - 1;
        let what = if last_missing == expected {
            format!("event {expected} is missing ({from} {seq})")
        } else {
            format!("events {expected} to {last_missing} are missing ({from} {seq})")
        };
        self.problem(expected, what);
        self.after_gap = true;
    }

    /// A row that could not be read at all (wrong column types after tampering).
    pub(crate) fn unreadable(&mut self, seq: i64, error: &str) {
        self.events += 1;
        self.sequence(seq);
        self.problem(seq, format!("row cannot be read: {error}"));
        self.last_seq = seq;
        self.last_hash = None;
    }

    /// Check one row against its content and the previous row.
    pub(crate) fn row(&mut self, row: &RawRow) {
        self.events += 1;
        let seq = row.seq;
        self.sequence(seq);
        if row.content_hash() != row.hash {
            self.problem(seq, String::from("hash does not match its content"));
        }
        if !self.after_gap {
            match &self.last_hash {
                Some(prev) if *prev == row.prev_hash => {}
                Some(_) if self.last_seq == 0 => {
                    self.problem(
                        seq,
                        String::from("the first event's previous hash is not 64 zeros"),
                    );
                }
                Some(_) => {
                    let what = format!("previous hash does not match event {}", self.last_seq);
                    self.problem(seq, what);
                }
                None => {}
            }
        }
        self.payload(row);
        if chrono::NaiveDateTime::parse_from_str(&row.at, AT_FORMAT).is_err() {
            self.problem(seq, format!("time `{}` is not a valid timestamp", row.at));
        }
        let last = self.versions.insert(row.proposal, row.version).unwrap_or(0);
        if row.version != last.saturating_add(1) {
            let whose = row
                .proposal
                .map_or_else(|| String::from("the cycle records"), |p| format!("proposal {p}"));
            self.problem(seq, format!("version {} of {whose} follows version {last}", row.version));
        }
        self.last_seq = seq;
        self.last_hash = Some(row.hash.clone());
    }

    /// The payload must parse as its kind (an event for a proposal, a record otherwise) and
    /// carry the tag the `kind` column names.
    fn payload(&mut self, row: &RawRow) {
        let (tag_name, parsed) = match row.proposal {
            Some(_) => ("event", parse_as::<EventKind>(&row.payload)),
            None => ("record", parse_as::<Record>(&row.payload)),
        };
        match parsed {
            Err(e) => {
                self.problem(row.seq, format!("payload is not valid JSON for its kind: {e}"));
            }
            Ok(value) => {
                let tag = value.get(tag_name).and_then(serde_json::Value::as_str).unwrap_or("");
                if tag != row.kind {
                    let what = format!("kind `{}` does not match the payload's `{tag}`", row.kind);
                    self.problem(row.seq, what);
                }
            }
        }
    }

    /// The report, after checking the stored head against the last row.
    pub(crate) fn finish(mut self, head: Option<Head>) -> ChainReport {
        let last = self.last_seq;
        match head {
            None => self.problem(last, String::from("stored head is missing")),
            Some(h) if h.count > last => {
                let first = last.saturating_add(1);
                let range = if h.count == first {
                    format!("event {first} is missing")
                } else {
                    format!("events {first} to {} are missing", h.count)
                };
                let what = format!(
                    "{range} (the stored head counts {} events but the log ends at {last})",
                    h.count
                );
                self.problem(first, what);
            }
            Some(h) if h.count < last => {
                let first = h.count.saturating_add(1);
                let what = format!(
                    "events from {first} on are not covered by the stored head (it counts {} \
                     events, the log ends at {last})",
                    h.count
                );
                self.problem(first, what);
            }
            Some(h) => {
                if self.last_hash.as_deref() != Some(h.hash.as_str()) {
                    self.problem(last, String::from("stored head does not match the last event"));
                }
            }
        }
        if self.omitted > 0
            && let Some(last_listed) = self.problems.pop()
        {
            let more = self.omitted + 1;
            self.problems.push(ChainProblem {
                seq: last_listed.seq,
                what: format!("… and {more} more problems from here on, not listed"),
            });
        }
        ChainReport {
            events: self.events,
            head: self.last_hash.unwrap_or_default(),
            problems: self.problems,
        }
    }
}

/// Parse `payload` as `T`, returning it as a JSON value (to read its tag).
fn parse_as<T: serde::de::DeserializeOwned>(
    payload: &str,
) -> Result<serde_json::Value, serde_json::Error> {
    let value: serde_json::Value = serde_json::from_str(payload)?;
    serde_json::from_value::<T>(value.clone())?;
    Ok(value)
}
