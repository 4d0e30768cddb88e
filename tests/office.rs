//! The office over SQLite, through the binary: the demo, a cycle run command by command,
//! explanations, verification and tampering, and imports that must store nothing.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn thidua_in(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("thidua")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

#[test]
fn the_demo_runs_a_whole_cycle_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let o = thidua_in(dir.path(), &["demo"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    assert!(text.contains("verified:"), "{text}");
    assert!(dir.path().join("thidua-demo.db").exists());
    snap!("office_demo", text);
    // Running it again starts afresh and gives the same output.
    let again = thidua_in(dir.path(), &["demo"]);
    assert_eq!(out(&again), out(&o), "the demo is reproducible");
    // Commands work on the demo database.
    let o = thidua_in(dir.path(), &["--db", "thidua-demo.db", "report", "--csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).starts_with("proposal,cycle,award,"), "{}", out(&o));
    assert!(out(&o).contains("co_thi_dua_nganh"), "{}", out(&o));
    let o = thidua_in(
        dir.path(),
        &["--db", "thidua-demo.db", "report", "--counts-csv", "--from", "2016", "--to", "2025"],
    );
    assert_eq!(
        out(&o),
        "cycle,type,level,award,label,unit,count\n2025,title,collective,co_thi_dua_nganh,Cờ thi đua ngành Kiểm sát nhân dân,dv12,1\n2025,title,collective,tap_the_ldxs,Tập thể lao động xuất sắc,dv08,1\n2025,title,collective,tap_the_ldxs,Tập thể lao động xuất sắc,dv12,1\n"
    );
    let o = thidua_in(dir.path(), &["--db", "thidua-demo.db", "report", "--from", "2026"]);
    assert!(out(&o).contains("conferred awards): 0"), "{}", out(&o));
}

#[test]
fn the_demo_refuses_to_overwrite_another_database() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("real.db"), "not to be touched").unwrap();
    let o = thidua_in(dir.path(), &["--db", "real.db", "demo"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(dir.path().join("real.db")).unwrap(), "not to be touched");
}

/// Explaining several proposals at once traces the cycle once and reads the traces; each
/// explanation is exactly the one a single `explain` gives, which evaluates the cycle again.
#[test]
fn explaining_many_proposals_gives_each_ones_own_explanation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(thidua_in(d, &["demo"]).status.code(), Some(0));
    let run = |args: &[&str]| {
        let mut all = vec!["--db", "thidua-demo.db"];
        all.extend(args);
        let o = thidua_in(d, &all);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
        out(&o)
    };
    let ids = ["1", "2", "3", "4", "5", "6", "7"];
    let texts: Vec<String> = ids.iter().map(|id| run(&["explain", id])).collect();
    let mut args = vec!["explain"];
    args.extend(ids);
    assert_eq!(run(&args), texts.join("\n"));
    let jsons: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| serde_json::from_str(&run(&["explain", id, "--format", "json"])).unwrap())
        .collect();
    args.extend(["--format", "json"]);
    let all: serde_json::Value = serde_json::from_str(&run(&args)).unwrap();
    assert_eq!(all, serde_json::Value::Array(jsons));
    // In Vietnamese too, and in the order asked.
    let vi: Vec<String> =
        ["7", "2"].iter().map(|id| run(&["--lang", "vi", "explain", id])).collect();
    assert_eq!(run(&["--lang", "vi", "explain", "7", "2"]), vi.join("\n"));
    // An unknown id among them is an error that names it.
    let o = thidua_in(d, &["--db", "thidua-demo.db", "explain", "1", "99"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(err(&o).contains("99"), "{}", err(&o));
}

/// Run the demo, then change one stored byte and see `verify` point at the event.
#[test]
fn verify_locates_a_tampered_event() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(thidua_in(dir.path(), &["demo"]).status.code(), Some(0));
    let db = dir.path().join("thidua-demo.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let (seq, payload): (i64, String) = conn
            .query_row(
                "SELECT seq, payload FROM events WHERE kind = 'round_closed' ORDER BY seq LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let forged = payload.replacen("\"against\":0", "\"against\":1", 1).replacen(
            "\"against\":1,",
            "\"against\":2,",
            1,
        );
        assert_ne!(forged, payload, "the payload changed");
        conn.execute(
            "UPDATE events SET payload = ?1 WHERE seq = ?2",
            rusqlite::params![forged, seq],
        )
        .unwrap();
        let o = thidua_in(dir.path(), &["--db", "thidua-demo.db", "verify"]);
        assert_ne!(o.status.code(), Some(0));
        assert!(
            err(&o).contains(&format!("event {seq}:")),
            "verify names event {seq}: {}",
            err(&o)
        );
    }
}

#[test]
fn a_cycle_command_by_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Registered by a relative path: explanations name the file as registered.
    std::fs::copy(format!("{ROOT}/rules/vksnd_tinh.rules"), d.join("vksnd_tinh.rules")).unwrap();
    let rules = String::from("vksnd_tinh.rules");
    std::fs::copy(format!("{ROOT}/workflows/sector_flag.wf"), d.join("sector_flag.wf")).unwrap();
    let flow = String::from("sector_flag.wf");
    let data = format!("{ROOT}/rules/sample");
    let run = |args: &[&str]| {
        let mut all = vec!["--db", "cycle.db", "--at", "2026-01-05T08:00"];
        all.extend(args);
        let o = thidua_in(d, &all);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
        out(&o)
    };
    run(&["open", "--cycle", "2025", "--label", "Năm 2025"]);
    run(&["register", "rules", &rules]);
    run(&["register", "workflow", &flow]);
    run(&["register", "roster", "council", "hd01", "hd02", "hd03", "hd04", "hd05"]);
    run(&["import", &data]);
    assert!(run(&["evaluate"]).contains("co_thi_dua_nganh"));
    let nominated = run(&[
        "--as",
        "cum_truong:bloc_leader",
        "nominate",
        "--workflow",
        "sector_flag",
        "--award",
        "co_thi_dua_nganh",
    ]);
    assert!(nominated.contains("#1"), "{nominated}");
    run(&["--as", "cum_truong:bloc_leader", "advance", "1", "submit"]);
    run(&["--as", "cum_truong:bloc_leader", "vote", "open", "1"]);
    for v in ["dv09", "dv10", "dv11"] {
        run(&["--as", v, "vote", "cast", "1", v, "for"]);
    }
    run(&["--as", "cum_truong:bloc_leader", "vote", "close", "1"]);
    // A member may not vote twice, and a refusal stores nothing.
    run(&["--as", "thu_ky:secretary", "vote", "open", "1"]);
    for v in ["hd01", "hd02", "hd03", "hd04"] {
        run(&["--as", v, "vote", "cast", "1", v, "for"]);
    }
    let twice =
        thidua_in(d, &["--db", "cycle.db", "--as", "hd01", "vote", "cast", "1", "hd01", "against"]);
    assert_eq!(twice.status.code(), Some(1));
    assert!(err(&twice).contains("already voted"), "{}", err(&twice));
    run(&["--as", "thu_ky:secretary", "vote", "cast", "1", "hd05", "for", "--written"]);
    run(&["--as", "thu_ky:secretary", "vote", "close", "1"]);
    let wrong =
        thidua_in(d, &["--db", "cycle.db", "--as", "thu_ky:secretary", "advance", "1", "confer"]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(err(&wrong).contains("needs the role `vien_truong`"), "{}", err(&wrong));
    run(&[
        "--as",
        "vt:vien_truong",
        "advance",
        "1",
        "confer",
        "--note",
        "Quyết định số 68/QĐ-VKSTC ngày 26/01/2026",
    ]);
    let status = run(&["status"]);
    assert!(status.contains("conferred"), "{status}");
    let explain = run(&["explain", "1"]);
    assert!(explain.contains("Quyết định số 68/QĐ-VKSTC"), "{explain}");
    assert!(explain.contains("≥ 80% of all members"), "{explain}");
    assert!(explain.contains("Dẫn đầu cụm thi đua"), "{explain}");
    snap!("office_explain", explain);
    assert!(run(&["verify"]).starts_with("verified:"));
    run(&[
        "--as",
        "vt:vien_truong",
        "revoke",
        "1",
        "--grounds",
        "Kê khai không trung thực (Điều 93 k2)",
        "--decision",
        "QĐ 12/QĐ-VKSTC",
    ]);
    assert!(run(&["report"]).contains("conferred awards): 0"));
}

#[test]
fn a_bad_import_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = d.join("data");
    std::fs::create_dir(&data).unwrap();
    for f in ["cum.csv", "don_vi.csv", "history.csv"] {
        std::fs::copy(format!("{ROOT}/rules/sample/{f}"), data.join(f)).unwrap();
    }
    let people = std::fs::read_to_string(format!("{ROOT}/rules/sample/can_bo.csv")).unwrap();
    std::fs::write(data.join("can_bo.csv"), people.replacen("2010-", "2010-13-", 1)).unwrap();
    let rules = format!("{ROOT}/rules/vksnd_tinh.rules");
    for args in [vec!["open", "--cycle", "2025"], vec!["register", "rules", rules.as_str()]] {
        let mut all = vec!["--db", "c.db", "--at", "2026-01-05T08:00", "--error-format", "plain"];
        all.extend(args);
        assert_eq!(thidua_in(d, &all).status.code(), Some(0));
    }
    let o = thidua_in(
        d,
        &[
            "--db",
            "c.db",
            "--at",
            "2026-01-05T08:00",
            "--error-format",
            "plain",
            "import",
            data.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(3));
    assert!(err(&o).contains("can_bo.csv:"), "{}", err(&o));
    let v = thidua_in(d, &["--db", "c.db", "verify"]);
    assert!(out(&v).contains("verified: 2 events"), "nothing was stored: {}", out(&v));
}

#[test]
fn a_proposal_moves_to_a_new_rule_set_and_history_spans_cycles() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rules = std::fs::read_to_string(format!("{ROOT}/rules/vksnd_tinh.rules")).unwrap();
    // The council raises the flag's minimum score from 90 to 95 points.
    let stricter = rules.replace(
        "  90 from 2024-01-01 basis \"QĐ 424/QĐ-VKSTC (mẫu)\"",
        "  95 from 2024-01-01 basis \"QĐ 424/QĐ-VKSTC (mẫu), sửa đổi\"",
    );
    assert_ne!(stricter, rules);
    std::fs::write(d.join("v1.rules"), &rules).unwrap();
    std::fs::write(d.join("v2.rules"), &stricter).unwrap();
    let flow = format!("{ROOT}/workflows/sector_flag.wf");
    let data = format!("{ROOT}/rules/sample");
    let run = |args: &[&str]| {
        let mut all = vec!["--db", "m.db", "--at", "2026-01-05T08:00"];
        all.extend(args);
        let o = thidua_in(d, &all);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
        out(&o)
    };
    run(&["open", "--cycle", "2025"]);
    run(&["register", "rules", "v1.rules"]);
    run(&["register", "workflow", &flow]);
    run(&["import", &data]);
    run(&["evaluate"]);
    run(&[
        "--as",
        "cum_truong:bloc_leader",
        "nominate",
        "--workflow",
        "sector_flag",
        "--award",
        "co_thi_dua_nganh",
    ]);
    run(&["register", "rules", "v2.rules"]);
    run(&["evaluate"]);
    run(&["--as", "cum_truong:bloc_leader", "migrate", "1"]);
    let json: serde_json::Value =
        serde_json::from_str(&run(&["explain", "1", "--format", "json"])).unwrap();
    assert_eq!(json["ruleset"], thidua::check::ruleset_hash(&stricter));
    assert_eq!(json["eligibility"]["awards"][0]["outcome"], "not_eligible");
    assert!(
        json["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "migrated" && e["eligible"] == false)
    );
    let history = run(&["history", "dv12"]);
    assert!(
        history.contains("2024  Tập thể lao động tiên tiến (tap_the_ldtt) — history"),
        "{history}"
    );
    assert!(history.contains("proposal #1, nominated"), "{history}");
    assert!(run(&["verify"]).starts_with("verified:"));
}

/// Write the sample CSVs as a workbook: numbers as numbers, dates as Excel dates.
fn sample_workbook(path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    for name in ["cum", "don_vi", "can_bo", "history"] {
        let text = std::fs::read_to_string(format!("{ROOT}/rules/sample/{name}.csv")).unwrap();
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
        for (r, record) in reader.records().enumerate() {
            for (c, cell) in record.unwrap().iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if r > 0 && cell.len() == 10 && cell.as_bytes()[4] == b'-' {
                    let d = rust_xlsxwriter::ExcelDateTime::parse_from_str(cell).unwrap();
                    sheet.write_datetime_with_format(r, c, &d, &date_format).unwrap();
                } else if r > 0
                    && !cell.is_empty()
                    && cell.chars().all(|ch| ch.is_ascii_digit())
                    && !cell.starts_with('0')
                {
                    sheet.write_number(r, c, cell.parse::<f64>().unwrap()).unwrap();
                } else {
                    sheet.write_string(r, c, cell).unwrap();
                }
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn an_xlsx_workbook_imports_like_the_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sample_workbook(&d.join("chu_ky_2025.xlsx"));
    let rules = format!("{ROOT}/rules/vksnd_tinh.rules");
    let mut outputs = Vec::new();
    for (db, source) in
        [("csv.db", format!("{ROOT}/rules/sample")), ("xlsx.db", String::from("chu_ky_2025.xlsx"))]
    {
        let run = |args: &[&str]| {
            let mut all = vec!["--db", db, "--at", "2026-01-05T08:00"];
            all.extend(args);
            let o = thidua_in(d, &all);
            assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
            out(&o)
        };
        run(&["open", "--cycle", "2025"]);
        run(&["register", "rules", &rules]);
        run(&["import", &source]);
        let evaluated = run(&["evaluate"]);
        outputs.push(evaluated.lines().skip(1).collect::<Vec<_>>().join("\n"));
    }
    assert_eq!(outputs[0], outputs[1], "the workbook gives the same eligibility as the CSV files");
}
