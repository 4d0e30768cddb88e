//! `thidua test [FILE.test | DIR]... [--rules FILE] [--format text|json]`

use std::path::PathBuf;

use clap::ValueEnum;
use thidua::diag::{self, Format, SourceMap};
use thidua::lang::Lang;
use thidua::testing::{self, FileReport, TestError};

use super::{Exit, Outcome};

/// Arguments of `thidua test`.
#[derive(Debug, clap::Args)]
pub(crate) struct TestArgs {
    /// Test files, or folders whose `*.test` files to run (default: `rules/`).
    paths: Vec<PathBuf>,
    /// Run the cases against this rule file instead of the one each test file names.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// Text for people.
    Text,
    /// JSON for tools.
    Json,
}

/// The test files to run: files as given, folders expanded to their `*.test` files (sorted).
fn test_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let default = [PathBuf::from("rules")];
    let paths = if paths.is_empty() { &default[..] } else { paths };
    let mut files = Vec::new();
    for p in paths {
        if !p.is_dir() {
            files.push(p.clone());
            continue;
        }
        let entries = std::fs::read_dir(p)
            .map_err(|e| format!("thidua: cannot read `{}`: {e}\n", p.display()))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "test"))
            .collect();
        if found.is_empty() {
            return Err(format!("thidua: no `.test` files in `{}`\n", p.display()));
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

pub(crate) fn run(args: &TestArgs, fmt: Format, lang: Lang) -> Outcome {
    let files = match test_files(&args.paths) {
        Ok(f) => f,
        Err(e) => return (Exit::Usage, String::new(), e),
    };
    let mut sources = SourceMap::new();
    let mut reports: Vec<FileReport> = Vec::new();
    let mut diags = Vec::new();
    let mut err = String::new();
    let mut io_failed = false;
    for file in &files {
        match testing::run_file(file, args.rules.as_deref(), &mut sources) {
            Ok(r) => reports.push(r),
            Err(TestError::Invalid(d)) => diags.extend(d),
            Err(e @ TestError::Io { .. }) => {
                io_failed = true;
                err.push_str(&format!("thidua: {e}\n"));
            }
        }
    }
    let failed = reports.iter().any(|r| r.failed() > 0);
    let code = if diags.iter().any(diag::Diagnostic::is_error) {
        Exit::CheckFailed
    } else if failed || io_failed {
        Exit::Error
    } else {
        Exit::Ok
    };
    let mut out = String::new();
    match args.format {
        OutputFormat::Json => out.push_str(&testing::json(&reports, &diags, &sources)),
        OutputFormat::Text => {
            for (i, r) in reports.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&testing::text(r, lang));
            }
            if reports.len() > 1 {
                out.push_str(&total(&reports, lang));
            }
            if !diags.is_empty() {
                let text = diag::render(&diags, &sources, fmt);
                if fmt == Format::Json { out.push_str(&text) } else { err.push_str(&text) }
            }
        }
    }
    (code, out, err)
}

/// The line after several files: cases passed and failed over all of them.
fn total(reports: &[FileReport], lang: Lang) -> String {
    let passed: usize = reports.iter().map(FileReport::passed).sum();
    let failed: usize = reports.iter().map(FileReport::failed).sum();
    format!(
        "\n{}: {} {}, {passed} {}, {failed} {}\n",
        lang.pick("total", "tổng"),
        reports.len(),
        lang.pick("test files", "tệp kiểm thử"),
        lang.pick("passed", "đạt"),
        lang.pick("failed", "không đạt"),
    )
}
