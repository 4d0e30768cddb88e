//! Promises of SECURITY.md, tested: secret ballots leave no voter–choice link in any output
//! or stored field, and only the roles a workflow names may act.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use chrono::NaiveDate;
use thidua::diag::SourceMap;
use thidua::eval::{TraceMode, evaluate, resolve_cycle};
use thidua::workflow::engine::{Actor, Clock as _, Context, ManualClock, Runner};
use thidua::workflow::store::MemoryStore;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn thidua_in(dir: &Path, args: &[&str]) -> String {
    let o = Command::cargo_bin("thidua").unwrap().current_dir(dir).args(args).output().unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// Every output an auditor or admin can get, and every stored column, is searched for a line
/// that names a member of a secret round together with a choice.
#[test]
fn no_output_links_a_secret_voter_to_a_choice() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    thidua_in(d, &["demo"]);
    let db = "thidua-demo.db";
    // Members of secret rounds, from the store.
    let conn = rusqlite::Connection::open(d.join(db)).unwrap();
    let mut secret_voters = std::collections::BTreeSet::new();
    let mut stmt = conn.prepare("SELECT payload FROM events WHERE kind = 'round_opened'").unwrap();
    for payload in stmt.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        let v: serde_json::Value = serde_json::from_str(&payload.unwrap()).unwrap();
        if v["secret"] == true {
            for m in v["electorate"].as_array().unwrap() {
                secret_voters.insert(m.as_str().unwrap().to_string());
            }
        }
    }
    assert!(secret_voters.len() >= 9, "the demo holds secret council rounds");
    // Stored: ballot events of secret rounds carry no choice; the box has no voter column.
    let mut stmt = conn.prepare("SELECT payload FROM events WHERE kind = 'ballot_cast'").unwrap();
    for payload in stmt.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        let v: serde_json::Value = serde_json::from_str(&payload.unwrap()).unwrap();
        if secret_voters.contains(v["voter"].as_str().unwrap())
            && v["voter"].as_str().unwrap().starts_with("hd")
        {
            assert!(v["choice"].is_null(), "stored secret ballot with a choice: {v}");
        }
    }
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('sealed')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        !columns.iter().any(|c| c.contains("voter")
            || c.contains("member")
            || c.contains("seq")
            || c.contains("at")),
        "{columns:?}"
    );
    // Every output.
    let mut outputs = vec![
        thidua_in(d, &["--db", db, "status", "--at", "2026-04-10T08:00"]),
        thidua_in(d, &["--db", db, "report"]),
        thidua_in(d, &["--db", db, "report", "--csv"]),
        thidua_in(d, &["--db", db, "report", "--counts-csv"]),
        thidua_in(d, &["--db", db, "verify"]),
    ];
    for id in 1..=7 {
        let id = id.to_string();
        outputs.push(thidua_in(d, &["--db", db, "explain", &id]));
        outputs.push(thidua_in(d, &["--db", db, "explain", &id, "--format", "json"]));
    }
    for entity in ["dv08", "dv12", "cb002"] {
        outputs.push(thidua_in(d, &["--db", db, "history", entity]));
    }
    for out in &outputs {
        for line in out.lines() {
            let names_secret_voter = secret_voters
                .iter()
                .any(|v| v.starts_with("hd") && line.contains(&format!("`{v}`")));
            if names_secret_voter {
                let lower = line.to_lowercase();
                for choice in [": for", ": against", ": abstain"] {
                    assert!(
                        !lower.contains(choice),
                        "a line links a secret voter to a choice: {line}"
                    );
                }
            }
        }
        // In JSON, a ballot event of a secret round has a null choice.
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(out)
            && let Some(events) = v["events"].as_array()
        {
            let mut secret = false;
            for e in events {
                match e["event"].as_str() {
                    Some("round_opened") => secret = e["secret"] == true,
                    Some("ballot_cast") if secret => assert!(e["choice"].is_null(), "{e}"),
                    _ => {}
                }
            }
        }
    }
}

/// Table-driven: every manual transition of every shipped workflow, tried by every role from
/// the stage it leaves. Only the roles the workflow names succeed.
#[test]
fn only_the_named_roles_may_act() {
    let mut sources = SourceMap::new();
    let text = std::fs::read_to_string(format!("{ROOT}/rules/vksnd_tinh.rules")).unwrap();
    let program =
        thidua::check::check_source("rules/vksnd_tinh.rules", &text, &mut sources).unwrap().program;
    let data = thidua::data::load_dir(
        &program.schema,
        Path::new(&format!("{ROOT}/rules/sample")),
        &mut sources,
    )
    .unwrap();
    let eval =
        evaluate(&program, &data, resolve_cycle(&program, None).unwrap(), TraceMode::Off).unwrap();
    let clock = ManualClock::new(
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap().and_hms_opt(8, 0, 0).unwrap(),
    );
    let mut checked = 0;
    for name in ["annual", "sector_flag", "national_title", "bac_ninh"] {
        let path = format!("{ROOT}/workflows/{name}.wf");
        let wf = std::fs::read_to_string(&path).unwrap();
        let flow = thidua::workflow::check_workflow(
            &path,
            &wf,
            Path::new(&format!("{ROOT}/workflows")),
            &program,
            &mut sources,
        )
        .unwrap()
        .flow;
        let cx = Context {
            program: &program,
            data: &data,
            evaluation: &eval,
            ruleset_hash: String::from("test"),
            roster: BTreeMap::from([(String::from("council"), vec![String::from("hd01")])]),
        };
        let runner = Runner::new(&flow, cx, &clock);
        let nominator = Actor::new("n", &[flow.role_name(flow.nominate_by.unwrap())]);
        let award = match name {
            "sector_flag" => "co_thi_dua_nganh",
            "national_title" => "cstd_nganh",
            _ => "tap_the_ldxs",
        };
        for (t_index, t) in flow.transitions.iter().enumerate() {
            if t.by.is_empty() {
                continue;
            }
            for (r_index, role) in flow.roles.iter().enumerate() {
                // A proposal placed in the transition's source stage by a stored entry event.
                let mut store = MemoryStore::new();
                let id = runner.nominate_eligible(&mut store, &nominator, award).unwrap()[0];
                let p = runner.proposal(&store, id).unwrap();
                use thidua::workflow::store::{EventKind, EventStore as _, NewEvent};
                store
                    .append(
                        id,
                        p.version,
                        "",
                        vec![NewEvent {
                            at: clock.now(),
                            actor: String::from("setup"),
                            kind: EventKind::Entered {
                                stage: flow.stage_name(t.from).to_string(),
                                via: None,
                                due: None,
                                note: None,
                                guards: Vec::new(),
                            },
                        }],
                        Vec::new(),
                    )
                    .unwrap();
                let actor = Actor::new("someone", &[&role.name]);
                let result = runner.advance(&mut store, &actor, id, &t.name, Some("note"));
                let allowed = t.by.contains(&r_index);
                let role_refused =
                    matches!(result, Err(thidua::workflow::engine::WorkflowError::Role { .. }));
                assert_eq!(
                    !role_refused, allowed,
                    "{name}: role `{}` on `{}` (#{t_index}): {result:?}",
                    role.name, t.name
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 80, "checked {checked} (role, transition) pairs");
}

/// 16 workers race to cast 1,000 ballots (each member twice) as separate `thidua` processes
/// on one database: exactly one ballot per member per round counts, none is lost, and every
/// duplicate is refused with a clear error. Conflicting writes are retried, as a client would.
#[test]
fn sixteen_processes_race_to_vote() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let bin = assert_cmd::cargo::cargo_bin("thidua");
    let run = |args: &[&str]| {
        let o = std::process::Command::new(&bin)
            .current_dir(&d)
            .args(["--db", "race.db", "--at", "2025-12-01T08:00"])
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    };
    std::fs::copy(format!("{ROOT}/rules/vksnd_tinh.rules"), d.join("r.rules")).unwrap();
    std::fs::copy(format!("{ROOT}/workflows/annual.wf"), d.join("annual.wf")).unwrap();
    run(&["open", "--cycle", "2025"]);
    run(&["register", "rules", "r.rules"]);
    run(&["register", "workflow", "annual.wf"]);
    let members: Vec<String> = (1..=250).map(|i| format!("m{i:03}")).collect();
    let mut roster = vec!["register", "roster", "council"];
    roster.extend(members.iter().map(String::as_str));
    run(&roster);
    run(&["import", &format!("{ROOT}/rules/sample")]);
    run(&["evaluate"]);
    run(&["--as", "tp:unit_head", "nominate", "--workflow", "annual", "--award", "tap_the_ldxs"]);
    for (id, voters) in [("1", ["dv05", "dv06"]), ("2", ["dv09", "dv10"])] {
        run(&["--as", "tp:unit_head", "advance", id, "submit"]);
        run(&["--as", "ct:bloc_leader", "vote", "open", id]);
        for v in voters {
            run(&["--as", v, "vote", "cast", id, v, "for"]);
        }
        run(&["--as", "ct:bloc_leader", "vote", "close", id]);
        run(&["--as", "tk:secretary", "vote", "open", id]);
    }
    // 1,000 attempts: every member votes twice on each of the two proposals.
    let mut attempts: Vec<(String, String)> = Vec::new();
    for _ in 0..2 {
        for id in ["1", "2"] {
            for m in &members {
                attempts.push((id.to_string(), m.clone()));
            }
        }
    }
    assert_eq!(attempts.len(), 1000);
    let queue = std::sync::Arc::new(std::sync::Mutex::new(attempts));
    let outcomes = std::sync::Arc::new(std::sync::Mutex::new((0u32, 0u32, 0u32)));
    let workers: Vec<_> = (0..16)
        .map(|_| {
            let (queue, outcomes, bin, d) =
                (queue.clone(), outcomes.clone(), bin.clone(), d.clone());
            std::thread::spawn(move || {
                loop {
                    let Some((id, member)) = queue.lock().unwrap().pop() else { break };
                    for _try in 0..50 {
                        let o = std::process::Command::new(&bin)
                            .current_dir(&d)
                            .args([
                                "--db",
                                "race.db",
                                "--at",
                                "2025-12-02T09:00",
                                "--as",
                                &member,
                                "vote",
                                "cast",
                                &id,
                                &member,
                                "for",
                            ])
                            .output()
                            .unwrap();
                        let err = String::from_utf8_lossy(&o.stderr);
                        let mut g = outcomes.lock().unwrap();
                        if o.status.success() {
                            g.0 += 1;
                            break;
                        } else if err.contains("already voted") {
                            g.1 += 1;
                            break;
                        } else if err.contains("changed meanwhile") || err.contains("locked") {
                            g.2 += 1;
                        } else {
                            panic!("unexpected failure for {member} on #{id}: {err}");
                        }
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let (cast, refused, retried) = *outcomes.lock().unwrap();
    assert_eq!(cast, 500, "one ballot per member per proposal ({retried} conflicts retried)");
    assert_eq!(refused, 500, "every duplicate refused");
    for id in ["1", "2"] {
        run(&["--as", "tk:secretary", "vote", "close", id]);
    }
    let o = std::process::Command::new(&bin)
        .current_dir(&d)
        .args(["--db", "race.db", "explain", "1", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let closed: Vec<&serde_json::Value> =
        v["votes"].as_array().unwrap().iter().filter(|e| e["event"] == "round_closed").collect();
    let council = closed.last().unwrap();
    assert_eq!(council["counts"]["for_"], 250, "{council}");
    assert_eq!(council["members"], 250);
    let o = std::process::Command::new(&bin)
        .current_dir(&d)
        .args(["--db", "race.db", "verify"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Kill `thidua` with SIGKILL at random moments during a batch of workflow commands. Every
/// command that reported success is present, no proposal is half-written, the chain verifies
/// and work goes on. `THIDUA_KILLS` sets the number of kills (200 by default).
#[test]
fn sigkill_during_commands_loses_nothing_acknowledged() {
    use rand::{Rng as _, SeedableRng as _};
    let kills: u32 = std::env::var("THIDUA_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let bin = assert_cmd::cargo::cargo_bin("thidua");
    let cmd = |args: &[&str]| {
        let mut c = std::process::Command::new(&bin);
        c.current_dir(&d).args(["--db", "k.db", "--at", "2026-03-02T08:00"]).args(args);
        c.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        c
    };
    std::fs::copy(format!("{ROOT}/rules/vksnd_tinh.rules"), d.join("r.rules")).unwrap();
    std::fs::copy(format!("{ROOT}/workflows/national_title.wf"), d.join("n.wf")).unwrap();
    for args in [
        vec!["open", "--cycle", "2025"],
        vec!["register", "rules", "r.rules"],
        vec!["register", "workflow", "n.wf"],
        vec!["import", &format!("{ROOT}/rules/sample")],
        vec!["evaluate"],
    ] {
        assert!(cmd(&args).status().unwrap().success(), "{args:?}");
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2025);
    let mut acknowledged_submits = std::collections::BTreeSet::new();
    let mut nominated = false;
    let (mut killed, mut finished) = (0u32, 0u32);
    while killed < kills {
        let id = rng.random_range(1..=92u32).to_string();
        let args: Vec<&str> = if !nominated || rng.random_range(0..4) == 0 {
            vec![
                "--as",
                "tp:unit_head",
                "nominate",
                "--workflow",
                "national_title",
                "--award",
                "lao_dong_tien_tien",
            ]
        } else {
            vec!["--as", "tp:unit_head", "advance", id.as_str(), "submit"]
        };
        let mut child = cmd(&args).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_micros(rng.random_range(0..80_000)));
        let _ = child.kill(); // SIGKILL on Unix; an error means it had already exited
        let status = child.wait().unwrap();
        if status.success() {
            finished += 1;
            if args[2] == "nominate" {
                nominated = true;
            } else {
                acknowledged_submits.insert(id.clone());
            }
        } else if status.code().is_none() {
            killed += 1;
        }
    }
    // The chain verifies, and so does every evaluation and tally.
    let v = std::process::Command::new(&bin)
        .current_dir(&d)
        .args(["--db", "k.db", "verify"])
        .output()
        .unwrap();
    assert!(v.status.success(), "after {killed} kills: {}", String::from_utf8_lossy(&v.stderr));
    // No proposal is half-written: each starts with its nomination and its entry together.
    let conn = rusqlite::Connection::open(d.join("k.db")).unwrap();
    let mut stmt = conn.prepare("SELECT proposal, group_concat(kind, ',') FROM (SELECT proposal, kind FROM events WHERE proposal IS NOT NULL ORDER BY seq) GROUP BY proposal").unwrap();
    let rows: Vec<(i64, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    for (p, kinds) in &rows {
        assert!(kinds.starts_with("nominated,entered"), "proposal {p}: {kinds}");
        assert!(!kinds.ends_with("nominated"), "proposal {p} has a nomination without its entry");
    }
    // Every acknowledged submit is there.
    for id in &acknowledged_submits {
        let o = std::process::Command::new(&bin)
            .current_dir(&d)
            .args(["--db", "k.db", "explain", id, "--format", "json"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_ne!(v["stage"], "nominated", "acknowledged submit of #{id} was lost");
    }
    // And the work goes on.
    assert!(
        cmd(&[
            "--as",
            "tp:unit_head",
            "nominate",
            "--workflow",
            "national_title",
            "--award",
            "lao_dong_tien_tien"
        ])
        .status()
        .unwrap()
        .success()
    );
    assert!(
        killed >= kills && finished + killed > 0,
        "{killed} kills, {finished} commands finished"
    );
}

/// Huge inputs get a clear, located error, bounded output, and store nothing: a 100,000-person
/// import whose last row has an impossible date, a rule file over the size limit, and an
/// endless device given as a rule file.
#[test]
fn huge_inputs_get_a_clear_error_and_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |args: &[&str]| {
        let mut all = vec!["--db", "h.db", "--at", "2026-01-05T08:00", "--error-format", "plain"];
        all.extend(args);
        Command::cargo_bin("thidua").unwrap().current_dir(d).args(&all).output().unwrap()
    };
    let rules = format!("{ROOT}/rules/vksnd_tinh.rules");
    let sample = format!("{ROOT}/rules/sample");
    for args in [
        vec!["open", "--cycle", "2025"],
        vec!["register", "rules", rules.as_str()],
        vec!["import", sample.as_str()],
    ] {
        let o = run(&args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    }
    let before = (run(&["status"]).stdout, run(&["verify"]).stdout);

    // 100,000 people, the very last row wrong.
    let big = d.join("big");
    std::fs::create_dir(&big).unwrap();
    let files = thidua::sample::generate(&thidua::sample::GenConfig::with_people(100_000));
    for (name, text) in &files {
        let text = if name == "can_bo.csv" {
            let body = text.trim_end_matches('\n');
            let (head, last) = body.rsplit_once('\n').unwrap();
            let date = last.split(',').nth(4).unwrap();
            format!("{head}\n{}\n", last.replacen(date, "2019-02-30", 1))
        } else {
            text.clone()
        };
        std::fs::write(big.join(name), text).unwrap();
    }
    let rows = files["can_bo.csv"].lines().count();
    assert!(rows > 100_000, "{rows} rows");
    let o = run(&["import", big.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains(&format!("can_bo.csv:{rows}:")), "located on the last line: {err}");
    assert!(err.contains("2019-02-30"), "{err}");
    assert!(err.len() < 4_000, "the error stays short: {} bytes", err.len());
    assert_eq!((run(&["status"]).stdout, run(&["verify"]).stdout), before, "nothing stored");

    // A cell of 8 million characters: the message shortens it and the 8 MB line is not
    // echoed, in text and in JSON.
    let wide = d.join("wide");
    std::fs::create_dir(&wide).unwrap();
    for f in ["cum.csv", "don_vi.csv", "history.csv", "can_bo.csv"] {
        std::fs::copy(format!("{sample}/{f}"), wide.join(f)).unwrap();
    }
    let people = std::fs::read_to_string(wide.join("can_bo.csv")).unwrap();
    let first_date = people.lines().nth(1).unwrap().split(',').nth(4).unwrap().to_owned();
    std::fs::write(
        wide.join("can_bo.csv"),
        people.replacen(&first_date, &"9".repeat(8_000_000), 1),
    )
    .unwrap();
    for format in ["plain", "json"] {
        let o = Command::cargo_bin("thidua")
            .unwrap()
            .args(["--error-format", format, "eval", "--rules", &rules, "--data"])
            .arg(&wide)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1));
        let text = [o.stdout, o.stderr].concat();
        let text = String::from_utf8_lossy(&text);
        assert!(text.len() < 3_000, "{format}: {} bytes of output", text.len());
        assert!(text.contains("(8000000 characters)` is not a date"), "{format}: {text}");
        assert!(
            text.contains("can_bo.csv:2:31") || text.contains("\"line\": 2,\n    \"column\": 31"),
            "{format}: located on line 2: {text}"
        );
    }

    // A rule file over the limit, and a device that never ends.
    let huge = d.join("huge.rules");
    let text = std::fs::read_to_string(&rules).unwrap();
    let mut padded = text;
    while (padded.len() as u64) <= thidua::files::MAX_SOURCE_BYTES {
        padded.push_str("// ");
        padded.push_str(&"x".repeat(1_000));
        padded.push('\n');
    }
    std::fs::write(&huge, padded).unwrap();
    let mut targets = vec![huge.to_str().unwrap().to_owned()];
    if cfg!(unix) {
        targets.push(String::from("/dev/zero"));
    }
    for target in &targets {
        let o = run(&["check", target]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{target}: {err}");
        assert!(err.contains("too large for a rule or workflow file"), "{target}: {err}");
        assert!(err.contains("the limit is 16 MiB"), "{err}");
    }
    assert_eq!((run(&["status"]).stdout, run(&["verify"]).stdout), before, "nothing stored");
}
