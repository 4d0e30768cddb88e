//! Any text: parse and check as a workflow against the shipped rule set. Must never panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use thidua::diag::{Format, SourceMap, render};
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
    let mut sources = SourceMap::new();
    let no_hooks = |_: &str| Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no hooks while fuzzing"));
    let diags = match thidua::workflow::check_workflow_with("fuzz.wf", text, &no_hooks, program(), &mut sources) {
        Ok(c) => c.warnings,
        Err(d) => d,
    };
    let _ = render(&diags, &sources, Format::Plain);
});
