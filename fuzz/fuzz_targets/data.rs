//! Any bytes: load as a cycle's CSV (one file per kind, split on a marker byte) and as JSON
//! against the shipped schema. Must never panic; on success the cycle must evaluate.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use thidua::diag::SourceMap;
use thidua::program::Program;

static RULES: &str = include_str!("../../rules/vksnd_tinh.rules");

fn program() -> &'static Program {
    static P: OnceLock<Program> = OnceLock::new();
    P.get_or_init(|| {
        let mut sources = SourceMap::new();
        match thidua::check::check_source("r.rules", RULES, &mut sources) {
            Ok(c) => c.program,
            Err(_) => std::process::abort(),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let program = program();
    let mut parts = text.split('\u{1e}');
    let names = ["cum.csv", "don_vi.csv", "can_bo.csv", "history.csv"];
    let files: Vec<(&str, &str)> = names.iter().map(|n| (*n, parts.next().unwrap_or(""))).collect();
    let mut sources = SourceMap::new();
    if let Ok(d) = thidua::data::load_csv_str(&program.schema, &files, &mut sources)
        && let Ok(cycle) = thidua::eval::resolve_cycle(program, None)
    {
        let _ = thidua::eval::evaluate(program, &d, cycle, thidua::eval::TraceMode::Off);
    }
    let mut sources = SourceMap::new();
    let _ = thidua::data::load_json_str(&program.schema, "data.json", text, &mut sources);
});
