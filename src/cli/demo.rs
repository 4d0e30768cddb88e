//! `thidua demo`: a whole sample cycle into a fresh database, then what an auditor sees.
//!
//! The shipped rule set, workflows and sample data are embedded, so the demo runs from any
//! folder. Its clock is fixed (December 2025 onwards), so its output is the same every time.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use thidua::diag::Format;
use thidua::office::{Office, OfficeError};
use thidua::workflow::engine::{Actor, ManualClock, Runner, WorkflowError};
use thidua::workflow::store::{BallotMode, Choice, EventStore};

use super::{Exit, Outcome};

const RULES: &str = include_str!("../../rules/vksnd_tinh.rules");
const ANNUAL: &str = include_str!("../../workflows/annual.wf");
const SECTOR_FLAG: &str = include_str!("../../workflows/sector_flag.wf");
const NATIONAL: &str = include_str!("../../workflows/national_title.wf");
const DATA: [(&str, &str); 4] = [
    ("cum.csv", include_str!("../../rules/sample/cum.csv")),
    ("don_vi.csv", include_str!("../../rules/sample/don_vi.csv")),
    ("can_bo.csv", include_str!("../../rules/sample/can_bo.csv")),
    ("history.csv", include_str!("../../rules/sample/history.csv")),
];

fn at(day: u32, month: u32, year: i32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .unwrap_or(NaiveDateTime::MIN)
}

pub(crate) fn run(db: &Path, fmt: Format) -> Outcome {
    if db.exists() {
        let is_demo = db.file_name().is_some_and(|n| n == "thidua-demo.db");
        if !is_demo {
            return (
                Exit::Usage,
                String::new(),
                format!(
                    "thidua: `{}` exists; the demo writes a fresh database (omit --db to use thidua-demo.db)\n",
                    db.display()
                ),
            );
        }
        for suffix in ["", "-wal", "-shm"] {
            let p = format!("{}{suffix}", db.display());
            if let Err(e) = std::fs::remove_file(&p)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                return (Exit::Error, String::new(), format!("thidua: cannot remove `{p}`: {e}\n"));
            }
        }
    }
    match demo(db) {
        Ok(out) => (Exit::Ok, out, String::new()),
        Err(e) => super::office::fail(e, fmt),
    }
}

/// Cast a ballot for every member of the open round: `choose` picks each choice and mode.
fn ballots(
    r: &Runner<'_, ManualClock>,
    s: &mut thidua::store::SqliteStore,
    id: u64,
    runner_role: &Actor,
    choose: impl Fn(usize) -> (Choice, BallotMode),
) -> Result<(), WorkflowError> {
    r.open_round(s, runner_role, id)?;
    let p = r.proposal(s, id)?;
    let members = p.round.map(|round| round.electorate).unwrap_or_default();
    for (i, m) in members.iter().enumerate() {
        let (choice, mode) = choose(i);
        let actor =
            if mode == BallotMode::Written { runner_role.clone() } else { Actor::new(m, &[]) };
        r.cast(s, &actor, id, m, choice, mode)?;
    }
    r.close_round(s, runner_role, id)
}

fn demo(db: &Path) -> Result<String, OfficeError> {
    let mut out = String::new();
    let mut office = Office::open(db)?;
    let admin = "van_phong:admin";
    let _ = writeln!(out, "thidua demo — một chu kỳ thi đua mẫu vào {}\n", db.display());

    let t0 = at(1, 12, 2025, 8);
    office.open_cycle(t0, admin, 2025, "Thi đua, khen thưởng VKSND tỉnh năm 2025")?;
    office.register_rules(t0, admin, "rules/vksnd_tinh.rules", RULES)?;
    let no_hooks = |p: &str| {
        Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("`{p}` is not embedded")))
    };
    for (name, text) in [
        ("workflows/annual.wf", ANNUAL),
        ("workflows/sector_flag.wf", SECTOR_FLAG),
        ("workflows/national_title.wf", NATIONAL),
    ] {
        office.register_workflow(t0, admin, name, text, &no_hooks)?;
    }
    let council: Vec<String> = (1..=9).map(|i| format!("hd{i:02}")).collect();
    office.register_roster(t0, admin, "council", council)?;
    let files: BTreeMap<String, String> =
        DATA.iter().map(|(n, t)| ((*n).to_string(), (*t).to_string())).collect();
    office.import(t0, admin, files)?;
    let (_, eligible) = office.evaluate(t0, admin)?;
    let _ = writeln!(
        out,
        "1. Đăng ký quy chế, 3 quy trình, Hội đồng 9 thành viên, dữ liệu mẫu; chấm điểm và xét điều kiện:"
    );
    for (award, n) in &eligible {
        let _ = writeln!(out, "   {award:<22} {n} đủ điều kiện");
    }

    let unit_head = Actor::new("thu_truong", &["unit_head"]);
    let bloc_leader = Actor::new("cum_truong", &["bloc_leader"]);
    let secretary = Actor::new("thu_ky", &["secretary"]);
    let vien_truong = Actor::new("vien_truong", &["vien_truong"]);

    // Tập thể lao động xuất sắc through the annual flow.
    let t1 = at(2, 12, 2025, 8);
    let ldxs =
        office.act("annual", t1, |r, s| r.nominate_eligible(s, &unit_head, "tap_the_ldxs"))?;
    for (i, id) in ldxs.iter().enumerate() {
        let id = *id;
        office.act("annual", t1, |r, s| r.advance(s, &unit_head, id, "submit", None))?;
        office.act("annual", at(5, 12, 2025, 9), |r, s| {
            ballots(r, s, id, &bloc_leader, |k| {
                (if k == 0 && i == 0 { Choice::Abstain } else { Choice::For }, BallotMode::Present)
            })
        })?;
        office.act("annual", at(10, 12, 2025, 14), |r, s| {
            ballots(r, s, id, &secretary, |k| match k {
                7 => (Choice::For, BallotMode::Written),
                8 => (Choice::Against, BallotMode::Present),
                _ => (Choice::For, BallotMode::Present),
            })
        })?;
        let note =
            format!("Quyết định số {}/QĐ-VKS ngày 15/12/2025, Viện trưởng VKSND tỉnh ký", 211 + i);
        office.act("annual", at(15, 12, 2025, 10), |r, s| {
            r.advance(s, &vien_truong, id, "confer", Some(&note))
        })?;
    }
    let _ = writeln!(
        out,
        "2. Tập thể lao động xuất sắc: {} đề nghị → cụm bình xét → Hội đồng bỏ phiếu kín → Viện trưởng quyết định",
        ldxs.len()
    );

    // Cờ thi đua ngành through the sector flow.
    let flag = office.act("sector_flag", at(5, 1, 2026, 8), |r, s| {
        r.nominate_eligible(s, &bloc_leader, "co_thi_dua_nganh")
    })?;
    for id in &flag {
        let id = *id;
        office.act("sector_flag", at(5, 1, 2026, 8), |r, s| {
            r.advance(s, &bloc_leader, id, "submit", None)
        })?;
        office.act("sector_flag", at(8, 1, 2026, 9), |r, s| {
            ballots(r, s, id, &bloc_leader, |_| (Choice::For, BallotMode::Present))
        })?;
        office.act("sector_flag", at(20, 1, 2026, 14), |r, s| {
            ballots(r, s, id, &secretary, |k| match k {
                7 => (Choice::For, BallotMode::Written),
                8 => (Choice::Against, BallotMode::Present),
                _ => (Choice::For, BallotMode::Present),
            })
        })?;
        office.act("sector_flag", at(26, 1, 2026, 10), |r, s| {
            r.advance(
                s,
                &vien_truong,
                id,
                "confer",
                Some("Quyết định số 68/QĐ-VKSTC ngày 26/01/2026, Viện trưởng VKSND tối cao ký"),
            )
        })?;
    }
    let _ = writeln!(
        out,
        "3. Cờ thi đua ngành: {} đề nghị → cụm suy tôn (≥ 80%) → Hội đồng ngành (≥ 80% tổng số, phiếu kín) → quyết định",
        flag.len()
    );

    // Chiến sĩ thi đua ngành: one proposal through the public consultation; the rest wait.
    let nganh = office.act("national_title", at(2, 3, 2026, 8), |r, s| {
        r.nominate_eligible(s, &unit_head, "cstd_nganh")
    })?;
    if let Some(&id) = nganh.first() {
        office.act("national_title", at(2, 3, 2026, 8), |r, s| {
            r.advance(s, &unit_head, id, "submit", None)
        })?;
        office.act("national_title", at(4, 3, 2026, 9), |r, s| {
            ballots(r, s, id, &unit_head, |_| (Choice::For, BallotMode::Present))
        })?;
        office.act("national_title", at(12, 3, 2026, 14), |r, s| {
            ballots(r, s, id, &secretary, |k| {
                (Choice::For, if k == 8 { BallotMode::Written } else { BallotMode::Present })
            })
        })?;
        office.act("national_title", at(27, 3, 2026, 9), |r, s| {
            r.advance(s, &secretary, id, "close_consultation", None)
        })?;
    }
    let _ = writeln!(
        out,
        "4. Chiến sĩ thi đua ngành: {} đề nghị; 1 qua bình xét, Hội đồng và 10 ngày lấy ý kiến nhân dân, đang chờ trình",
        nganh.len()
    );

    let loaded = office.load()?;
    let today = at(10, 4, 2026, 8).date();
    let _ = writeln!(out, "\n== thidua status (ngày {today}) ==");
    out.push_str(&thidua::audit::status(&office, &loaded, today)?);
    let _ = writeln!(out, "\n== thidua report ==");
    let list = thidua::audit::conferrals(&office, &loaded)?;
    out.push_str(&thidua::audit::report(&list));
    if let Some(&id) = flag.first() {
        let _ = writeln!(out, "\n== thidua explain {id} ==");
        out.push_str(&thidua::audit::explain(&office, &loaded, id)?);
    }
    let _ = writeln!(out, "\n== thidua verify ==");
    out.push_str(&thidua::audit::verify(&office)?.text());
    let _ = writeln!(
        out,
        "\nThe database is {}: try `thidua --db {} explain {}`, `… status`, `… report --csv`, `… verify`.",
        db.display(),
        db.display(),
        flag.first().copied().unwrap_or(1)
    );
    let _ = office.store.proposals();
    Ok(out)
}
