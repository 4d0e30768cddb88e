//! Any text: parse and check as a rule file, render every diagnostic. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use thidua::diag::{Format, SourceMap, render};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut sources = SourceMap::new();
    let diags = match thidua::check::check_source("fuzz.rules", text, &mut sources) {
        Ok(c) => c.warnings,
        Err(d) => d,
    };
    for f in [Format::Plain, Format::Json] {
        let _ = render(&diags, &sources, f);
    }
});
