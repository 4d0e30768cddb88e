//! Time each phase of a batch run over a data directory: check the rule set, load the data,
//! evaluate, render the table. Prints one line per phase and the peak memory.
//!
//! ```sh
//! cargo run --release -- generate --people 2500000 --out /tmp/national
//! cargo run --release --example national -- rules/vksnd_tinh.rules /tmp/national [--traced]
//! ```

#![expect(clippy::print_stdout, reason = "an example reports on stdout")]

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use thidua::diag::SourceMap;
use thidua::eval::{TraceMode, evaluate, resolve_cycle};

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (Some(rules), Some(data)) = (args.next(), args.next()) else {
        return Err(String::from("usage: national RULES DATA_DIR"));
    };
    let total = Instant::now();
    let mut sources = SourceMap::new();
    let t = Instant::now();
    let text = std::fs::read_to_string(&rules).map_err(|e| e.to_string())?;
    let checked = thidua::check::check_source(&rules, &text, &mut sources)
        .map_err(|d| thidua::diag::render(&d, &sources, thidua::diag::Format::Plain))?;
    let program = &checked.program;
    println!("check      {:>8.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let data = thidua::data::load_dir(&program.schema, data.as_ref(), &mut sources)
        .map_err(|e| e.to_string())?;
    println!("load       {:>8.3} s", t.elapsed().as_secs_f64());
    let cycle = resolve_cycle(program, None).map_err(|d| d.message.clone())?;
    let t = Instant::now();
    let result = evaluate(program, &data, cycle, TraceMode::Off).map_err(|d| d.message.clone())?;
    println!("evaluate   {:>8.3} s", t.elapsed().as_secs_f64());
    if args.next().as_deref() == Some("--traced") {
        let t = Instant::now();
        let traced =
            evaluate(program, &data, cycle, TraceMode::All).map_err(|d| d.message.clone())?;
        println!("traced     {:>8.3} s", t.elapsed().as_secs_f64());
        drop(traced);
    }
    let t = Instant::now();
    let table = thidua::report::table(program, &data, &result);
    println!("table      {:>8.3} s  ({} MB)", t.elapsed().as_secs_f64(), table.len() >> 20);
    println!("total      {:>8.3} s", total.elapsed().as_secs_f64());
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for line in status.lines().filter(|l| l.starts_with("VmHWM")) {
            println!("peak       {}", line.trim_start_matches("VmHWM:").trim());
        }
    }
    Ok(())
}
