//! The hash chain: the canonical bytes of a row, its hash, and the verifier.
//!
//! Verification works only on the stored text of each row: it never re-serialises a payload,
//! so reordering fields in the Rust types later cannot make old logs look tampered with.

use std::borrow::Cow;

use rustc_hash::FxHashMap;
use sha2::{Digest as _, Sha256};

use super::payload::Fact;
use super::{ChainProblem, ChainReport, Record};
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
    #[cfg(test)]
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
    #[cfg(test)]
    pub(crate) fn content_hash(&self) -> String {
        self.as_ref().hash_hex().as_str().to_string()
    }

    /// The canonical bytes (see [`RowRef::write_canonical`]).
    #[cfg(test)]
    pub(crate) fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.as_ref().write_canonical(&mut out);
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
    /// Append the canonical bytes to `out`: `thidua-event-v1\n`, then each field as
    /// `<byte length>:<bytes>\n`, in the order prev_hash, seq, proposal (`-` for a
    /// cycle-level record), version, at, actor, kind, payload. Numbers are written in
    /// decimal. The length prefix makes the encoding unambiguous whatever the fields contain
    /// (newlines, colons…).
    pub(crate) fn write_canonical(&self, out: &mut Vec<u8>) {
        fn field(out: &mut Vec<u8>, bytes: &[u8]) {
            Decimal::of(i64::try_from(bytes.len()).unwrap_or(i64::MAX)).push_to(out);
            out.push(b':');
            out.extend_from_slice(bytes);
            out.push(b'\n');
        }
        fn number(out: &mut Vec<u8>, n: i64) {
            let text = Decimal::of(n);
            Decimal::of(i64::try_from(text.len).unwrap_or(0)).push_to(out);
            out.push(b':');
            text.push_to(out);
            out.push(b'\n');
        }
        out.reserve(
            DOMAIN.len()
                + 96
                + self.prev_hash.len()
                + self.at.len()
                + self.actor.len()
                + self.kind.len()
                + self.payload.len(),
        );
        out.extend_from_slice(DOMAIN.as_bytes());
        out.push(b'\n');
        field(out, self.prev_hash.as_bytes());
        number(out, self.seq);
        match self.proposal {
            Some(p) => number(out, p),
            None => field(out, b"-"),
        }
        number(out, self.version);
        field(out, self.at.as_bytes());
        field(out, self.actor.as_bytes());
        field(out, self.kind.as_bytes());
        field(out, self.payload.as_bytes());
    }

    /// The SHA-256 of the canonical bytes, as lowercase hex. The bytes are gathered in a
    /// buffer kept per thread and hashed at once (hashing piece by piece costs as much as
    /// the hashing itself).
    pub(crate) fn hash_hex(&self) -> Hex {
        thread_local! {
            static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        BUFFER.with(|buffer| match buffer.try_borrow_mut() {
            Ok(mut bytes) => {
                bytes.clear();
                self.write_canonical(&mut bytes);
                Hex::of(&Sha256::digest(bytes.as_slice()))
            }
            Err(_) => {
                let mut bytes = Vec::new();
                self.write_canonical(&mut bytes);
                Hex::of(&Sha256::digest(&bytes))
            }
        })
    }
}

/// A number's decimal text, as `i64::to_string` writes it, on the stack.
struct Decimal {
    /// 20 places hold `-` and the 19 digits of `i64::MIN`.
    buf: [u8; 20],
    len: usize,
}

impl Decimal {
    fn of(n: i64) -> Decimal {
        let mut buf = [0u8; 20];
        let mut len = 0;
        let mut rest = n.unsigned_abs();
        // The digits from the last one, then the sign; turned around at the end.
        for slot in &mut buf {
            *slot = b'0' + u8::try_from(rest % 10).unwrap_or(0);
            len += 1;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if n < 0
            && let Some(slot) = buf.get_mut(len)
        {
            *slot = b'-';
            len += 1;
        }
        if let Some(text) = buf.get_mut(..len) {
            text.reverse();
        }
        Decimal { buf, len }
    }

    /// Append the text, byte by byte (a copy call costs more for so few).
    fn push_to(&self, out: &mut Vec<u8>) {
        for b in self.as_bytes() {
            out.push(*b);
        }
    }

    fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

/// Each byte's two lowercase hex digits.
#[expect(
    clippy::indexing_slicing,
    reason = "evaluated at compile time: a bad index fails the build"
)]
const HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut pairs = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        pairs[i] = [DIGITS[i >> 4], DIGITS[i & 0xf]];
        i += 1;
    }
    pairs
};

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
        let mut out = [b'0'; 64];
        for (pair, byte) in out.chunks_exact_mut(2).zip(digest) {
            if let Some(hex) = HEX_PAIRS.get(usize::from(*byte)) {
                pair.copy_from_slice(hex);
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

/// What the parallel part of verification found about one row, from its own content.
#[derive(Debug)]
pub(crate) struct RowCheck<'a> {
    /// The stored hash matches the content.
    pub(crate) hash_ok: bool,
    /// Problems with the payload (in this order: does not parse, tag differs from `kind`).
    pub(crate) payload: Vec<String>,
    /// What the replay needs of the event, for a proposal's row whose payload reads as one.
    pub(crate) event: Option<Fact<'a>>,
    /// `at` is a valid timestamp.
    pub(crate) at_ok: bool,
}

impl<'a> RowCheck<'a> {
    /// Check one row's content: its hash, its payload against its kind, its time.
    pub(crate) fn of(row: &RowRef<'a>, hash: &str) -> RowCheck<'a> {
        let hash_ok = row.hash_hex().as_str() == hash;
        let mut payload = Vec::new();
        let event = match row.proposal {
            Some(_) => match event_of(row.payload) {
                Ok((tag, kind)) => {
                    tag_problem(row.kind, &tag, &mut payload);
                    Some(kind)
                }
                Err(e) => {
                    payload.push(format!("payload is not valid JSON for its kind: {e}"));
                    None
                }
            },
            None => {
                match parse_as::<Record>(row.payload) {
                    Ok((value, _)) => {
                        let tag = value.get("record").and_then(serde_json::Value::as_str);
                        tag_problem(row.kind, tag.unwrap_or(""), &mut payload);
                    }
                    Err(e) => payload.push(format!("payload is not valid JSON for its kind: {e}")),
                }
                None
            }
        };
        let at_ok = super::read_at(row.at).is_some();
        RowCheck { hash_ok, payload, event, at_ok }
    }
}

fn tag_problem(kind: &str, tag: &str, out: &mut Vec<String>) {
    if tag != kind {
        out.push(format!("kind `{kind}` does not match the payload's `{tag}`"));
    }
}

/// A proposal's payload as its tag and what the replay needs of it, with the answer (and
/// error) of [`parse_as`]: the fast reading of a payload written tag first, else serde's.
fn event_of(payload: &str) -> Result<(Cow<'_, str>, Fact<'_>), serde_json::Error> {
    if let Some((tag, fact)) = super::payload::fast_fact(payload) {
        return Ok((Cow::Borrowed(tag), fact));
    }
    let (value, kind) = parse_as::<EventKind>(payload)?;
    let tag = value.get("event").and_then(serde_json::Value::as_str).unwrap_or("").to_string();
    Ok((Cow::Owned(tag), Fact::of(kind)))
}

/// Walks the rows in seq order, collecting problems; never stops early.
#[derive(Debug)]
pub(crate) struct Verifier {
    /// Rows read (readable or not).
    events: u64,
    /// Seq of the previous row (0 before the first).
    last_seq: i64,
    /// Stored hash of the previous row (64 zeros before the first); meaningless when
    /// `last_readable` is false.
    last_hash: String,
    /// The previous row could be read (its hash is known).
    last_readable: bool,
    /// The previous row was followed by a gap: its link cannot be checked.
    after_gap: bool,
    /// Last version seen per proposal (`None`: cycle-level records). Looked up, never
    /// iterated.
    versions: FxHashMap<Option<i64>, i64>,
    problems: Vec<ChainProblem>,
    omitted: u64,
}

impl Verifier {
    pub(crate) fn new() -> Verifier {
        Verifier {
            events: 0,
            last_seq: 0,
            last_hash: String::from(GENESIS),
            last_readable: true,
            after_gap: false,
            versions: FxHashMap::default(),
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
        self.last_readable = false;
    }

    /// Check one row against the previous one, given what [`RowCheck::of`] found in it.
    pub(crate) fn row(&mut self, row: &RowRef<'_>, hash: &str, check: &RowCheck<'_>) {
        self.events += 1;
        let seq = row.seq;
        self.sequence(seq);
        if !check.hash_ok {
            self.problem(seq, String::from("hash does not match its content"));
        }
        if !self.after_gap && self.last_readable && self.last_hash != row.prev_hash {
            if self.last_seq == 0 {
                self.problem(seq, String::from("the first event's previous hash is not 64 zeros"));
            } else {
                let what = format!("previous hash does not match event {}", self.last_seq);
                self.problem(seq, what);
            }
        }
        for what in &check.payload {
            self.problem(seq, what.clone());
        }
        if !check.at_ok {
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
        self.last_hash.clear();
        self.last_hash.push_str(hash);
        self.last_readable = true;
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
                if !self.last_readable || self.last_hash != h.hash {
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
            head: if self.last_readable { self.last_hash } else { String::new() },
            problems: self.problems,
        }
    }
}

/// Parse `payload` as `T` the way verification always has: as a JSON value (to read its
/// tag), then the value as `T`.
pub(crate) fn parse_as<T: serde::de::DeserializeOwned>(
    payload: &str,
) -> Result<(serde_json::Value, T), serde_json::Error> {
    let value: serde_json::Value = serde_json::from_str(payload)?;
    let parsed = serde_json::from_value::<T>(value.clone())?;
    Ok((value, parsed))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use sha2::{Digest as _, Sha256};

    use super::{Decimal, Hex};

    proptest! {
        #[test]
        fn numbers_are_written_as_to_string_writes_them(n in prop_oneof![
            any::<i64>(),
            -1000_i64..1000,
            Just(i64::MIN),
            Just(i64::MAX),
        ]) {
            let (ours, std) = (Decimal::of(n), n.to_string());
            prop_assert_eq!(ours.as_bytes(), std.as_bytes());
        }

        #[test]
        fn hashes_are_lowercase_hex(bytes in prop::collection::vec(any::<u8>(), 0..100)) {
            let digest = Sha256::digest(&bytes);
            let expected: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            let ours = Hex::of(&digest);
            prop_assert_eq!(ours.as_str(), expected);
        }
    }
}
