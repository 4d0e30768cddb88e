//! Command-line arguments and dispatch. Every command returns its exit code with the text
//! for stdout and stderr, so the binary stays thin and tests can call [`run`] directly.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

mod check;
mod demo;
mod diff;
mod eval;
mod flow;
mod fmt;
mod generate;
mod office;
mod test;

/// Rules and workflow engine for thi đua, khen thưởng (emulation and commendation).
#[derive(Debug, Parser)]
#[command(name = "thidua", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human, global = true)]
    error_format: ErrorFormat,
    /// The database file of office commands (default `thidua.db`; `thidua-demo.db` for `demo`).
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    /// Who acts in office commands: `ID:ROLE[,ROLE]`, e.g. `thu_ky:secretary`.
    #[arg(long = "as", global = true, default_value = "admin")]
    actor: String,
    /// When an office command happens (`2025-12-01T08:00`); the system clock when absent.
    #[arg(long, global = true)]
    at: Option<String>,
    /// Language of diagnostics and explanations (`en`, the default, or `vi`); for `fmt`, the
    /// keyword set to write (the file's own when absent).
    #[arg(long, value_enum, global = true)]
    lang: Option<LangArg>,
}

/// `--lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LangArg {
    /// English.
    En,
    /// Tiếng Việt.
    Vi,
}

impl From<LangArg> for thidua::lang::Lang {
    fn from(l: LangArg) -> thidua::lang::Lang {
        match l {
            LangArg::En => thidua::lang::Lang::En,
            LangArg::Vi => thidua::lang::Lang::Vi,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check rule files and report every problem found.
    Check(check::CheckArgs),
    /// Evaluate a cycle: scores, grades, ranks and eligible awards per entity.
    Eval(eval::EvalArgs),
    /// Compare two rule files: what changed, and whom it affects on a cycle's data.
    Diff(diff::DiffArgs),
    /// Approval workflows: check them, show them.
    Flow(flow::FlowArgs),
    /// Format rule and workflow files (`--check` to list those that would change; `--lang` to
    /// convert keywords).
    Fmt(fmt::FmtArgs),
    /// Write a generated sample cycle (CSV) for the shipped rule set.
    Generate(generate::GenerateArgs),
    /// Run a rule set's test cases (`*.test`): expected decisions with reasons, and coverage.
    Test(test::TestArgs),
    /// Run a whole sample cycle into a fresh database and show what an auditor sees.
    Demo,
    #[command(flatten)]
    Office(office::OfficeCommand),
}

/// `--error-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ErrorFormat {
    /// Boxes and colour (plain when `NO_COLOR` is set).
    Human,
    /// ASCII, no colour.
    Plain,
    /// JSON array.
    Json,
}

impl ErrorFormat {
    pub(crate) fn format(self) -> thidua::diag::Format {
        match self {
            ErrorFormat::Human if std::env::var_os("NO_COLOR").is_some() => {
                thidua::diag::Format::Plain
            }
            ErrorFormat::Human => thidua::diag::Format::Human,
            ErrorFormat::Plain => thidua::diag::Format::Plain,
            ErrorFormat::Json => thidua::diag::Format::Json,
        }
    }
}

/// Exit codes (the contract scripts rely on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Success.
    Ok = 0,
    /// Runtime or I/O error, or bad data.
    Error = 1,
    /// Bad command-line usage.
    Usage = 2,
    /// Rule file failed the checker.
    CheckFailed = 3,
}

/// Output of a command.
pub(crate) type Outcome = (Exit, String, String);

pub(crate) fn run(cli: &Cli) -> Outcome {
    let fmt = cli.error_format.format();
    match &cli.command {
        Command::Check(a) => check::run(a, fmt, cli.lang.map(Into::into).unwrap_or_default()),
        Command::Eval(a) => eval::run(a, fmt, cli.lang.map(Into::into).unwrap_or_default()),
        Command::Diff(a) => diff::run(a, fmt, cli.lang.map(Into::into).unwrap_or_default()),
        Command::Flow(a) => flow::run(a, fmt, cli.lang.map(Into::into).unwrap_or_default()),
        Command::Fmt(a) => fmt::run(a, fmt, cli.lang.map(Into::into)),
        Command::Generate(a) => generate::run(a),
        Command::Test(a) => test::run(a, fmt, cli.lang.map(Into::into).unwrap_or_default()),
        Command::Demo => {
            demo::run(&cli.db.clone().unwrap_or_else(|| PathBuf::from("thidua-demo.db")), fmt)
        }
        Command::Office(c) => {
            let args = office::OfficeArgs {
                db: cli.db.clone().unwrap_or_else(|| PathBuf::from("thidua.db")),
                actor: cli.actor.clone(),
                at: cli.at.clone(),
            };
            office::run(c, &args, fmt, cli.lang.map(Into::into).unwrap_or_default())
        }
    }
}

/// Read a file for the user, with a one-line error naming it.
pub(crate) fn read(path: &std::path::Path) -> Result<String, String> {
    let bytes = thidua::files::read_limited(
        path,
        thidua::files::MAX_SOURCE_BYTES,
        "a rule or workflow file",
    )
    .map_err(|e| format!("thidua: cannot read `{}`: {e}\n", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "thidua: `{}` is not UTF-8 text (invalid byte at offset {}); save it as UTF-8\n",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// End a checking command: diagnostics to stdout as JSON or to stderr as text, and the exit
/// code (3 when a file failed the checker, 1 for other failures such as unreadable files).
pub(crate) fn finish(
    all: &[thidua::diag::Diagnostic],
    sources: &thidua::diag::SourceMap,
    fmt: thidua::diag::Format,
    failed: bool,
    mut out: String,
    mut err: String,
) -> Outcome {
    if fmt == thidua::diag::Format::Json {
        out.push_str(&thidua::diag::render(all, sources, fmt));
    } else if !all.is_empty() {
        err.push_str(&thidua::diag::render(all, sources, fmt));
    }
    let code = if failed && all.iter().any(thidua::diag::Diagnostic::is_error) {
        Exit::CheckFailed
    } else if failed {
        Exit::Error
    } else {
        Exit::Ok
    };
    (code, out, err)
}
