//! The `thidua` command line: check rule files, evaluate a cycle, explain decisions.
#![expect(clippy::print_stderr, reason = "the binary is where errors are printed")]

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

mod cli;

/// Batch runs allocate many small values (explanation traces, history, rows); mimalloc serves
/// them markedly faster than the system allocator, above all across the evaluator's threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let (code, out, err) = cli::run(&args);
    // A closed pipe (e.g. `thidua eval … | head`) is not an error.
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("thidua: cannot write output: {e}");
        return ExitCode::from(1);
    }
    if !err.is_empty() {
        eprint!("{err}");
    }
    ExitCode::from(code as u8)
}
