//! Reading event payloads fast, with exactly serde's answer.
//!
//! [`EventKind`] is an internally tagged enum (`{"event":"ballot_cast",…}`). serde reads such
//! an enum by first buffering the whole object in a generic tree to find the tag, then reading
//! the variant from the tree: most of the time of reading a log went there. The store always
//! writes the tag as the first key, so [`parse_event`] looks for that prefix, and reads the
//! object directly as a plain struct with the variant's fields (plus the tag, which must not
//! appear twice). Anything else (another key order, spaces, escapes in the tag, an error of
//! any kind) goes to serde's own reading, which decides and words the error. The fast path
//! accepts only what serde accepts and gives the same value: the same derived field visitors
//! read the same JSON values, unknown keys are ignored and repeated keys refused by both; a
//! differential property test (`store::tests::payloads`) holds them to it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::hooks::HookValue;
use crate::workflow::store::{BallotMode, Choice, Counts, EventKind, Source};

/// A payload as an [`EventKind`], exactly as `serde_json::from_str` reads it.
pub(crate) fn parse_event(payload: &str) -> Result<EventKind, serde_json::Error> {
    match fast(payload) {
        Some((_, kind)) => Ok(kind),
        None => serde_json::from_str(payload),
    }
}

/// The tag of a payload written tag first (`{"event":"<tag>",` or `{"event":"<tag>"}`), if
/// it is a plain run of lowercase letters and underscores.
fn leading_tag<'a>(payload: &'a str, field: &str) -> Option<&'a str> {
    let rest = payload.strip_prefix("{\"")?.strip_prefix(field)?.strip_prefix("\":\"")?;
    let end = rest.find('"')?;
    let tag = rest.get(..end)?;
    let after = rest.get(end + 1..)?;
    let plain = !tag.is_empty() && tag.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    (plain && (after.starts_with(',') || after.starts_with('}'))).then_some(tag)
}

/// The tag and event of a payload written tag first, read as plain structs; `None` when the
/// payload is not written so or does not read (serde then decides).
pub(crate) fn fast(payload: &str) -> Option<(&str, EventKind)> {
    fn read<'a, T: Deserialize<'a>>(payload: &'a str) -> Option<T> {
        serde_json::from_str(payload).ok()
    }
    let tag = leading_tag(payload, "event")?;
    let kind = match tag {
        "nominated" => {
            let v: Nominated = read(payload)?;
            EventKind::Nominated {
                workflow: v.workflow,
                entity: v.entity,
                award: v.award,
                cycle: v.cycle,
                ruleset: v.ruleset,
                source: v.source,
            }
        }
        "entered" => {
            let v: Entered = read(payload)?;
            EventKind::Entered {
                stage: v.stage,
                via: v.via,
                due: v.due,
                note: v.note,
                guards: v.guards,
            }
        }
        "fields_set" => {
            let v: FieldsSet = read(payload)?;
            EventKind::FieldsSet { hook: v.hook, fields: v.fields }
        }
        "round_opened" => {
            let v: RoundOpened = read(payload)?;
            EventKind::RoundOpened {
                stage: v.stage,
                round: v.round,
                body: v.body,
                electorate: v.electorate,
                excluded: v.excluded,
                threshold: v.threshold,
                of_all: v.of_all,
                quorum: v.quorum,
                secret: v.secret,
                written: v.written,
                rule: v.rule,
            }
        }
        "ballot_cast" => {
            let v: BallotCast = read(payload)?;
            EventKind::BallotCast { round: v.round, voter: v.voter, mode: v.mode, choice: v.choice }
        }
        "round_closed" => {
            let v: RoundClosed = read(payload)?;
            EventKind::RoundClosed {
                round: v.round,
                counts: v.counts,
                present: v.present,
                written: v.written,
                members: v.members,
                quorum_met: v.quorum_met,
                passed: v.passed,
                tied: v.tied,
                reason: v.reason,
            }
        }
        "migrated" => {
            let v: Migrated = read(payload)?;
            EventKind::Migrated { from: v.from, to: v.to, eligible: v.eligible }
        }
        "revoked" => {
            let v: Revoked = read(payload)?;
            EventKind::Revoked { grounds: v.grounds, decision: v.decision }
        }
        "decided" => {
            let v: Decided = read(payload)?;
            EventKind::Decided { passed: v.passed, reason: v.reason }
        }
        _ => return None,
    };
    Some((tag, kind))
}

// Each variant's fields as a plain struct, in the same order with the same types as in
// `EventKind`, plus the tag: `event` is read (and so refused if repeated) but already known.

#[derive(Deserialize)]
struct Nominated {
    #[serde(rename = "event")]
    _event: IgnoredAny,
    workflow: String,
    entity: String,
    award: String,
    cycle: i32,
    ruleset: String,
    source: Source,
}

#[derive(Deserialize)]
struct Entered {
    #[serde(rename = "event")]
    _event: IgnoredAny,
    stage: String,
    via: Option<String>,
    due: Option<NaiveDate>,
    note: Option<String>,
    guards: Vec<String>,
}

#[derive(Deserialize)]
struct FieldsSet {
    #[serde(rename = "event")]
    _event: IgnoredAny,
    hook: String,
    fields: BTreeMap<String, HookValue>,
}

#[derive(Deserialize)]
struct RoundOpened {
    #[serde(rename = "event")]
    _event: IgnoredAny,
    stage: String,
    round: u32,
    body: String,
    electorate: Vec<String>,
    excluded: Vec<String>,
    threshold: Decimal,
    of_all: bool,
    quorum: Option<Decimal>,
    secret: bool,
    written: bool,
    rule: String,
}

#[derive(Deserialize)]
struct BallotCast {
    #[serde(rename = "event")]
    _event: IgnoredAny,
    round: u32,
    voter: String,
    mode: BallotMode,
    choice: Option<Choice>,
}

#[derive(Deserialize)]
struct RoundClosed {
    #[serde(rename = "event")]
    _event: IgnoredAny,
    round: u32,
    counts: Counts,
    present: u32,
    written: u32,
    members: u32,
    quorum_met: bool,
    passed: Option<bool>,
    tied: bool,
    reason: String,
}

#[derive(Deserialize)]
struct Migrated {
    #[serde(rename = "event")]
    _event: IgnoredAny,
    from: String,
    to: String,
    eligible: bool,
}

#[derive(Deserialize)]
struct Revoked {
    #[serde(rename = "event")]
    _event: IgnoredAny,
    grounds: String,
    decision: String,
}

#[derive(Deserialize)]
struct Decided {
    #[serde(rename = "event")]
    _event: IgnoredAny,
    passed: bool,
    reason: String,
}

/// What verification needs of an event: the fields of the replay and of the sealed boxes.
/// Strings are borrowed from the payload when it was read fast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fact<'a> {
    /// `nominated`: the rule set it pins.
    Nominated {
        /// SHA-256 of the rule set.
        ruleset: Cow<'a, str>,
    },
    /// `migrated`: the rule set it pins now.
    Migrated {
        /// SHA-256 of the rule set.
        to: Cow<'a, str>,
    },
    /// `entered`.
    Entered {
        /// The stage.
        stage: Cow<'a, str>,
    },
    /// `round_opened`.
    RoundOpened {
        /// The stage.
        stage: Cow<'a, str>,
        /// The round.
        round: u32,
        /// Members of the electorate.
        members: usize,
        /// The threshold share.
        threshold: Decimal,
        /// Counted on all members.
        of_all: bool,
        /// Secret ballot.
        secret: bool,
    },
    /// `ballot_cast`.
    BallotCast {
        /// The round.
        round: u32,
        /// The choice of an open ballot.
        choice: Option<Choice>,
    },
    /// `round_closed`.
    RoundClosed {
        /// The round.
        round: u32,
        /// The recorded counts.
        counts: Counts,
        /// Members who could vote.
        members: u32,
        /// The recorded outcome.
        passed: Option<bool>,
        /// A tie.
        tied: bool,
        /// How it was decided.
        reason: Cow<'a, str>,
    },
    /// Any other event.
    Other,
}

impl Fact<'_> {
    /// The fact of an event read by serde.
    pub(crate) fn of(kind: EventKind) -> Fact<'static> {
        match kind {
            EventKind::Nominated { ruleset, .. } => {
                Fact::Nominated { ruleset: Cow::Owned(ruleset) }
            }
            EventKind::Migrated { to, .. } => Fact::Migrated { to: Cow::Owned(to) },
            EventKind::Entered { stage, .. } => Fact::Entered { stage: Cow::Owned(stage) },
            EventKind::RoundOpened {
                stage, round, electorate, threshold, of_all, secret, ..
            } => Fact::RoundOpened {
                stage: Cow::Owned(stage),
                round,
                members: electorate.len(),
                threshold,
                of_all,
                secret,
            },
            EventKind::BallotCast { round, choice, .. } => Fact::BallotCast { round, choice },
            EventKind::RoundClosed { round, counts, members, passed, tied, reason, .. } => {
                Fact::RoundClosed {
                    round,
                    counts,
                    members,
                    passed,
                    tied,
                    reason: Cow::Owned(reason),
                }
            }
            EventKind::FieldsSet { .. } | EventKind::Revoked { .. } | EventKind::Decided { .. } => {
                Fact::Other
            }
        }
    }
}

/// The tag and fact of a payload written tag first, read as borrowing plain structs; `None`
/// when the payload is not written so, does not read, or has a string with escapes (serde
/// then decides). Accepts only what [`fast`] (and serde) accept, with the same values.
pub(crate) fn fast_fact(payload: &str) -> Option<(&str, Fact<'_>)> {
    fn read<'a, T: Deserialize<'a>>(payload: &'a str) -> Option<T> {
        serde_json::from_str(payload).ok()
    }
    let tag = leading_tag(payload, "event")?;
    let fact = match tag {
        "nominated" => {
            let v: view::Nominated<'_> = read(payload)?;
            Fact::Nominated { ruleset: Cow::Borrowed(v.ruleset) }
        }
        "entered" => {
            let v: view::Entered<'_> = read(payload)?;
            Fact::Entered { stage: Cow::Borrowed(v.stage) }
        }
        "fields_set" => {
            let _: view::FieldsSet<'_> = read(payload)?;
            Fact::Other
        }
        "round_opened" => {
            let v: view::RoundOpened<'_> = read(payload)?;
            Fact::RoundOpened {
                stage: Cow::Borrowed(v.stage),
                round: v.round,
                members: v.electorate.0,
                threshold: v.threshold,
                of_all: v.of_all,
                secret: v.secret,
            }
        }
        "ballot_cast" => {
            let v: view::BallotCast<'_> = read(payload)?;
            Fact::BallotCast { round: v.round, choice: v.choice }
        }
        "round_closed" => {
            let v: view::RoundClosed<'_> = read(payload)?;
            Fact::RoundClosed {
                round: v.round,
                counts: v.counts,
                members: v.members,
                passed: v.passed,
                tied: v.tied,
                reason: Cow::Borrowed(v.reason),
            }
        }
        "migrated" => {
            let v: view::Migrated<'_> = read(payload)?;
            Fact::Migrated { to: Cow::Borrowed(v.to) }
        }
        "revoked" => {
            let _: view::Revoked<'_> = read(payload)?;
            Fact::Other
        }
        "decided" => {
            let _: view::Decided<'_> = read(payload)?;
            Fact::Other
        }
        _ => return None,
    };
    Some((tag, fact))
}

/// The variants again, borrowing their strings: a string with escapes cannot be borrowed and
/// fails the read (serde then reads the payload); lists of strings are checked and counted.
#[expect(dead_code, reason = "fields are read to check them, not all are used")]
mod view {
    use std::collections::BTreeMap;
    use std::fmt;

    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use serde::Deserialize;
    use serde::de::{IgnoredAny, SeqAccess, Visitor};

    use crate::hooks::HookValue;
    use crate::workflow::store::{BallotMode, Choice, Counts, Source};

    /// A list of strings, each borrowed (and dropped), counted.
    pub(super) struct Strings(pub(super) usize);

    impl<'de> Deserialize<'de> for Strings {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Strings, D::Error> {
            struct Count;
            impl<'de> Visitor<'de> for Count {
                type Value = Strings;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a sequence")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
                    let mut n = 0;
                    while seq.next_element::<&'de str>()?.is_some() {
                        n += 1;
                    }
                    Ok(Strings(n))
                }
            }
            d.deserialize_seq(Count)
        }
    }

    #[derive(Deserialize)]
    pub(super) struct Nominated<'a> {
        #[serde(rename = "event")]
        _event: IgnoredAny,
        pub(super) workflow: &'a str,
        pub(super) entity: &'a str,
        pub(super) award: &'a str,
        pub(super) cycle: i32,
        pub(super) ruleset: &'a str,
        pub(super) source: Source,
    }

    #[derive(Deserialize)]
    pub(super) struct Entered<'a> {
        #[serde(rename = "event")]
        _event: IgnoredAny,
        pub(super) stage: &'a str,
        #[serde(borrow)]
        pub(super) via: Option<&'a str>,
        pub(super) due: Option<NaiveDate>,
        #[serde(borrow)]
        pub(super) note: Option<&'a str>,
        pub(super) guards: Strings,
    }

    #[derive(Deserialize)]
    pub(super) struct FieldsSet<'a> {
        #[serde(rename = "event")]
        _event: IgnoredAny,
        pub(super) hook: &'a str,
        pub(super) fields: BTreeMap<String, HookValue>,
    }

    #[derive(Deserialize)]
    pub(super) struct RoundOpened<'a> {
        #[serde(rename = "event")]
        _event: IgnoredAny,
        pub(super) stage: &'a str,
        pub(super) round: u32,
        pub(super) body: &'a str,
        pub(super) electorate: Strings,
        pub(super) excluded: Strings,
        pub(super) threshold: Decimal,
        pub(super) of_all: bool,
        pub(super) quorum: Option<Decimal>,
        pub(super) secret: bool,
        pub(super) written: bool,
        pub(super) rule: &'a str,
    }

    #[derive(Deserialize)]
    pub(super) struct BallotCast<'a> {
        #[serde(rename = "event")]
        _event: IgnoredAny,
        pub(super) round: u32,
        pub(super) voter: &'a str,
        pub(super) mode: BallotMode,
        pub(super) choice: Option<Choice>,
    }

    #[derive(Deserialize)]
    pub(super) struct RoundClosed<'a> {
        #[serde(rename = "event")]
        _event: IgnoredAny,
        pub(super) round: u32,
        pub(super) counts: Counts,
        pub(super) present: u32,
        pub(super) written: u32,
        pub(super) members: u32,
        pub(super) quorum_met: bool,
        pub(super) passed: Option<bool>,
        pub(super) tied: bool,
        pub(super) reason: &'a str,
    }

    #[derive(Deserialize)]
    pub(super) struct Migrated<'a> {
        #[serde(rename = "event")]
        _event: IgnoredAny,
        pub(super) from: &'a str,
        pub(super) to: &'a str,
        pub(super) eligible: bool,
    }

    #[derive(Deserialize)]
    pub(super) struct Revoked<'a> {
        #[serde(rename = "event")]
        _event: IgnoredAny,
        pub(super) grounds: &'a str,
        pub(super) decision: &'a str,
    }

    #[derive(Deserialize)]
    pub(super) struct Decided<'a> {
        #[serde(rename = "event")]
        _event: IgnoredAny,
        pub(super) passed: bool,
        pub(super) reason: &'a str,
    }
}
