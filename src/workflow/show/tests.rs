//! Unit tests of the history renderer: one layout, a phrase table per language.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use super::*;
use crate::hooks::HookValue;
use crate::workflow::engine::Proposal;
use crate::workflow::store::{BallotMode, Choice, Counts, Event, EventKind, Source};

fn at(day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, day).and_then(|d| d.and_hms_opt(hour, 5, 0)).unwrap()
}

fn round_closed(passed: Option<bool>, tied: bool, reason: &str) -> EventKind {
    EventKind::RoundClosed {
        round: 2,
        counts: Counts { for_: 3, against: 1, abstain: 1 },
        present: 4,
        written: 1,
        members: 5,
        quorum_met: true,
        passed,
        tied,
        reason: reason.to_string(),
    }
}

/// Every kind of event, each with the variations its line has (optional parts present and
/// absent, every outcome, texts the catalog translates and texts it does not).
fn every_kind() -> Vec<EventKind> {
    let hash = "a354ce2696f4e9fb012df7838a3f8334859ef249a805b6242d6893b7acefc870";
    let members = |n: u32| (1..=n).map(|i| format!("hd{i:02}")).collect::<Vec<_>>();
    vec![
        EventKind::Nominated {
            workflow: "annual".into(),
            entity: "dv12".into(),
            award: "co_thi_dua".into(),
            cycle: 2025,
            ruleset: hash.into(),
            source: Source::Eligible,
        },
        EventKind::Nominated {
            workflow: "annual".into(),
            entity: "dv08".into(),
            award: "bang_khen".into(),
            cycle: 2025,
            ruleset: "short".into(),
            source: Source::Manual("chairman's list".into()),
        },
        EventKind::Entered {
            stage: "nominated".into(),
            via: None,
            due: None,
            note: None,
            guards: vec![],
        },
        EventKind::Entered {
            stage: "council".into(),
            via: Some("submit".into()),
            due: NaiveDate::from_ymd_opt(2026, 2, 5),
            note: Some("QĐ 12/QĐ-UBND".into()),
            guards: vec![
                "eligible and rank == 1 [eligible = true, rank = 1]".into(),
                "not overdue [overdue = false]".into(),
                "hook check.rhai: allowed".into(),
                "a guard as written".into(),
            ],
        },
        EventKind::FieldsSet {
            hook: "score.rhai".into(),
            fields: BTreeMap::from([
                ("a_unit".into(), HookValue::Unit),
                ("b_flag".into(), HookValue::Bool(true)),
                ("c_num".into(), HookValue::Num(Decimal::new(1250, 3))),
                ("d_text".into(), HookValue::Text("x \"y\"".into())),
                (
                    "e_list".into(),
                    HookValue::List(vec![HookValue::Bool(false), HookValue::Num(Decimal::TWO)]),
                ),
                (
                    "f_map".into(),
                    HookValue::Map(BTreeMap::from([("k".into(), HookValue::Bool(true))])),
                ),
            ]),
        },
        EventKind::RoundOpened {
            stage: "bloc".into(),
            round: 1,
            body: "bloc".into(),
            electorate: members(3),
            excluded: vec!["dv12".into(), "dv13".into()],
            threshold: Decimal::new(80, 2),
            of_all: true,
            quorum: Some(Decimal::TWO / Decimal::from(3)),
            secret: true,
            written: true,
            rule: "workflow annual: ≥ 50% of votes cast".into(),
        },
        EventKind::RoundOpened {
            stage: "council".into(),
            round: 2,
            body: "council".into(),
            electorate: members(13),
            excluded: vec![],
            threshold: Decimal::new(5, 1),
            of_all: false,
            quorum: None,
            secret: false,
            written: false,
            rule: "a rule the catalog lacks".into(),
        },
        EventKind::BallotCast {
            round: 2,
            voter: "hd01".into(),
            mode: BallotMode::Present,
            choice: Some(Choice::For),
        },
        EventKind::BallotCast {
            round: 2,
            voter: "hd02".into(),
            mode: BallotMode::Written,
            choice: Some(Choice::Against),
        },
        EventKind::BallotCast {
            round: 2,
            voter: "hd03".into(),
            mode: BallotMode::Present,
            choice: Some(Choice::Abstain),
        },
        EventKind::BallotCast {
            round: 1,
            voter: "hd04".into(),
            mode: BallotMode::Written,
            choice: None,
        },
        round_closed(
            Some(true),
            false,
            "3 for of 5 members — workflow annual: ≥ 50% of votes cast",
        ),
        round_closed(Some(false), false, "quorum not met: 2 of 5 present, 4 needed"),
        round_closed(None, true, "tie: 2 for, 2 against; `chair` decides"),
        round_closed(None, false, "a reason the catalog lacks"),
        EventKind::Migrated { from: hash.into(), to: "b1".into(), eligible: true },
        EventKind::Migrated { from: "b1".into(), to: hash.into(), eligible: false },
        EventKind::Revoked {
            grounds: "false declaration".into(),
            decision: "QĐ 99/QĐ-UBND, chủ tịch".into(),
        },
        EventKind::Decided { passed: true, reason: "the chair decides".into() },
        EventKind::Decided { passed: false, reason: "3 for of 5 members — x".into() },
    ]
}

fn proposal(kinds: Vec<EventKind>) -> Proposal {
    let events: Vec<Event> = kinds
        .into_iter()
        .zip(1u64..)
        .map(|(kind, n)| Event {
            seq: n + 40,
            proposal: 7,
            version: n,
            at: at(u32::try_from(n).unwrap(), 8 + u32::try_from(n % 10).unwrap()),
            actor: if n % 2 == 0 {
                format!("hd{n:02}")
            } else {
                String::from("thu_ky (secretary)")
            },
            kind,
        })
        .collect();
    let mut p = Proposal::opened(7, "dv12", 0, "co_thi_dua", 2025, "", 0, NaiveDate::MIN);
    p.version = u64::try_from(events.len()).unwrap();
    p.events = events;
    p
}

/// Which kind an event is. The match has no wildcard, so a new kind of event does not compile
/// here until [`every_kind`] shows it too.
fn kind_index(k: &EventKind) -> usize {
    match k {
        EventKind::Nominated { .. } => 0,
        EventKind::Entered { .. } => 1,
        EventKind::FieldsSet { .. } => 2,
        EventKind::RoundOpened { .. } => 3,
        EventKind::BallotCast { .. } => 4,
        EventKind::RoundClosed { .. } => 5,
        EventKind::Migrated { .. } => 6,
        EventKind::Revoked { .. } => 7,
        EventKind::Decided { .. } => 8,
    }
}
const KINDS: usize = 9;

/// What a line shows of the recorded data, in order: backticked names and runs of digits
/// (versions, dates, times, counts, shares, hash prefixes). Phrases are left out, so the two
/// languages must agree on it.
fn skeleton(line: &str) -> Vec<String> {
    let mut names: Vec<String> = line.split('`').skip(1).step_by(2).map(String::from).collect();
    names.extend(
        line.split(|c: char| !c.is_ascii_digit()).filter(|d| !d.is_empty()).map(String::from),
    );
    names
}

#[test]
fn every_event_kind_has_a_phrase_in_each_language() {
    let kinds = every_kind();
    let mut covered = [false; KINDS];
    for k in &kinds {
        covered[kind_index(k)] = true;
        let (en, vi) = (event_line(k, Lang::En), event_line(k, Lang::Vi));
        assert!(!en.is_empty() && !vi.is_empty(), "{k:?}");
        assert_ne!(en, vi, "no Vietnamese phrase for {k:?}");
    }
    assert_eq!(covered, [true; KINDS], "every_kind() misses a kind of event");
}

#[test]
fn both_languages_lay_out_the_same_lines() {
    let p = proposal(every_kind());
    let (en, vi) = (history(&p), history_in(&p, Lang::Vi));
    assert_eq!(en, history_in(&p, Lang::En));
    let (en, vi): (Vec<&str>, Vec<&str>) = (en.lines().collect(), vi.lines().collect());
    assert_eq!(en.len(), p.events.len());
    assert_eq!(vi.len(), p.events.len());
    for ((e, en), vi) in p.events.iter().zip(&en).zip(&vi) {
        let head = format!("{:>3} {} {}: ", e.version, e.at.format("%Y-%m-%d %H:%M"), e.actor);
        assert!(en.starts_with(&head), "{en}");
        assert!(vi.starts_with(&head), "{vi}");
        assert_eq!(skeleton(en), skeleton(vi), "\n{en}\n{vi}");
    }
}

/// The lines as each language has written them since before the two renderers became one
/// (not only the kinds the snapshots reach: migration, revocation, hook fields, every outcome).
#[test]
fn history_lines_stay_as_they_were() {
    let p = proposal(every_kind());
    for (lang, expected) in [(Lang::En, EN), (Lang::Vi, VI)] {
        let actual = history_in(&p, lang);
        for (n, (a, e)) in actual.lines().zip(expected.lines()).enumerate() {
            assert_eq!(a, e, "{lang:?}, line {}", n + 1);
        }
        assert_eq!(actual, expected, "{lang:?}");
    }
}

const EN: &str = r#"  1 2026-01-01 09:05 thu_ky (secretary): nominated `dv12` for `co_thi_dua`, cycle 2025, under rule set a354ce2696f4…; from the eligible list
  2 2026-01-02 10:05 hd02: nominated `dv08` for `bang_khen`, cycle 2025, under rule set short…; by hand: chairman's list
  3 2026-01-03 11:05 thu_ky (secretary): entered `nominated`
  4 2026-01-04 12:05 hd04: entered `council` via `submit`, due 2026-02-05; checked: eligible and rank == 1 [eligible = true, rank = 1]; not overdue [overdue = false]; hook check.rhai: allowed; a guard as written; note: QĐ 12/QĐ-UBND
  5 2026-01-05 13:05 thu_ky (secretary): hook score.rhai set a_unit = (), b_flag = true, c_num = 1.25, d_text = "x \"y\"", e_list = [false, 2], f_map = #{k: true}
  6 2026-01-06 14:05 hd06: opened round 1 of `bloc`: 3 member(s) (dv12, dv13 excluded on their own proposal); threshold ≥ 80% of all members, quorum 66.7%, secret ballot, written votes accepted; rule: workflow annual: ≥ 50% of votes cast; members: hd01, hd02, hd03
  7 2026-01-07 15:05 thu_ky (secretary): opened round 2 of `council`: 13 member(s); threshold ≥ 50% of votes cast, open ballot; rule: a rule the catalog lacks
  8 2026-01-08 16:05 hd08: ballot in round 2 from `hd01` (present): for
  9 2026-01-09 17:05 thu_ky (secretary): ballot in round 2 from `hd02` (in writing): against
 10 2026-01-10 08:05 hd10: ballot in round 2 from `hd03` (present): abstain
 11 2026-01-11 09:05 thu_ky (secretary): ballot in round 1 from `hd04` (in writing)
 12 2026-01-12 10:05 hd12: closed round 2: 3 for, 1 against, 1 abstain; 4 present, 1 in writing, of 5 → PASSED; 3 for of 5 members — workflow annual: ≥ 50% of votes cast
 13 2026-01-13 11:05 thu_ky (secretary): closed round 2: 3 for, 1 against, 1 abstain; 4 present, 1 in writing, of 5 → FAILED; quorum not met: 2 of 5 present, 4 needed
 14 2026-01-14 12:05 hd14: closed round 2: 3 for, 1 against, 1 abstain; 4 present, 1 in writing, of 5 → TIED; tie: 2 for, 2 against; `chair` decides
 15 2026-01-15 13:05 thu_ky (secretary): closed round 2: 3 for, 1 against, 1 abstain; 4 present, 1 in writing, of 5 → VOID; a reason the catalog lacks
 16 2026-01-16 14:05 hd16: moved from rule set a354ce2696f4… to b1…; eligible under the new rules
 17 2026-01-17 15:05 thu_ky (secretary): moved from rule set b1… to a354ce2696f4…; NOT eligible under the new rules
 18 2026-01-18 16:05 hd18: REVOKED: false declaration; decision: QĐ 99/QĐ-UBND, chủ tịch
 19 2026-01-19 17:05 thu_ky (secretary): decided after the last round: passed — the chair decides
 20 2026-01-20 08:05 hd20: decided after the last round: failed — 3 for of 5 members — x
"#;

const VI: &str = r#"  1 2026-01-01 09:05 thu_ky (secretary): đề nghị `dv12` cho `co_thi_dua`, chu kỳ 2025, theo bộ quy tắc a354ce2696f4…; từ danh sách đủ điều kiện
  2 2026-01-02 10:05 hd02: đề nghị `dv08` cho `bang_khen`, chu kỳ 2025, theo bộ quy tắc short…; đề nghị trực tiếp: chairman's list
  3 2026-01-03 11:05 thu_ky (secretary): vào bước `nominated`
  4 2026-01-04 12:05 hd04: vào bước `council` qua `submit`, hạn 2026-02-05; đã kiểm tra: eligible and rank == 1 [eligible = đúng, rank = 1]; not overdue [overdue = sai]; hook check.rhai: cho phép; a guard as written; ghi chú: QĐ 12/QĐ-UBND
  5 2026-01-05 13:05 thu_ky (secretary): hook score.rhai ghi a_unit = (), b_flag = đúng, c_num = 1.25, d_text = "x \"y\"", e_list = [sai, 2], f_map = #{k: đúng}
  6 2026-01-06 14:05 hd06: mở vòng 1 của `bloc`: 3 thành viên (dv12, dv13 không bỏ phiếu cho đề nghị của chính mình); ngưỡng ≥ 80% tổng số thành viên, túc số 66.7%, bỏ phiếu kín, nhận phiếu bằng văn bản; quy định: quy trình annual: ≥ 50% số phiếu biểu quyết; thành viên: hd01, hd02, hd03
  7 2026-01-07 15:05 thu_ky (secretary): mở vòng 2 của `council`: 13 thành viên; ngưỡng ≥ 50% số phiếu biểu quyết, biểu quyết công khai; quy định: a rule the catalog lacks
  8 2026-01-08 16:05 hd08: phiếu vòng 2 của `hd01` (có mặt): tán thành
  9 2026-01-09 17:05 thu_ky (secretary): phiếu vòng 2 của `hd02` (bằng văn bản): không tán thành
 10 2026-01-10 08:05 hd10: phiếu vòng 2 của `hd03` (có mặt): không biểu quyết
 11 2026-01-11 09:05 thu_ky (secretary): phiếu vòng 1 của `hd04` (bằng văn bản)
 12 2026-01-12 10:05 hd12: kết thúc vòng 2: 3 tán thành, 1 không tán thành, 1 không biểu quyết; 4 có mặt, 1 bằng văn bản, trên 5 → THÔNG QUA; 3 phiếu tán thành trên 5 thành viên — quy trình annual: ≥ 50% số phiếu biểu quyết
 13 2026-01-13 11:05 thu_ky (secretary): kết thúc vòng 2: 3 tán thành, 1 không tán thành, 1 không biểu quyết; 4 có mặt, 1 bằng văn bản, trên 5 → KHÔNG THÔNG QUA; không đủ túc số: 2/5 thành viên có mặt, cần 4
 14 2026-01-14 12:05 hd14: kết thúc vòng 2: 3 tán thành, 1 không tán thành, 1 không biểu quyết; 4 có mặt, 1 bằng văn bản, trên 5 → HÒA; hòa: 2 tán thành, 2 không tán thành; `chair` quyết định
 15 2026-01-15 13:05 thu_ky (secretary): kết thúc vòng 2: 3 tán thành, 1 không tán thành, 1 không biểu quyết; 4 có mặt, 1 bằng văn bản, trên 5 → KHÔNG CÓ KẾT QUẢ; a reason the catalog lacks
 16 2026-01-16 14:05 hd16: chuyển từ bộ quy tắc a354ce2696f4… sang b1…; đủ điều kiện theo quy tắc mới
 17 2026-01-17 15:05 thu_ky (secretary): chuyển từ bộ quy tắc b1… sang a354ce2696f4…; KHÔNG đủ điều kiện theo quy tắc mới
 18 2026-01-18 16:05 hd18: HỦY BỎ: false declaration; quyết định: QĐ 99/QĐ-UBND, chủ tịch
 19 2026-01-19 17:05 thu_ky (secretary): quyết định sau vòng cuối: thông qua — the chair decides
 20 2026-01-20 08:05 hd20: quyết định sau vòng cuối: không thông qua — 3 for of 5 members — x
"#;
