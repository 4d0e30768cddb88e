//! `thidua eval --rules FILE --data DIR [--cycle C] [--format table|json] [--explain ID[:AWARD]]`

use std::path::PathBuf;

use clap::ValueEnum;
use thidua::diag::{self, Format, SourceMap};
use thidua::eval::{self, TraceMode};
use thidua::lang::Lang;

use super::{Exit, Outcome};

/// Arguments of `thidua eval`.
#[derive(Debug, clap::Args)]
pub(crate) struct EvalArgs {
    /// The rule file.
    #[arg(long)]
    rules: PathBuf,
    /// The cycle's data: a directory of CSV files (one per entity kind, plus history.csv) or
    /// a JSON file.
    #[arg(long)]
    data: PathBuf,
    /// The cycle to evaluate (default: the one the rule file names).
    #[arg(long)]
    cycle: Option<i32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
    /// Explain one entity (`ID`, or `KIND/ID`), or one of its awards (`ID:AWARD`).
    #[arg(long, value_name = "ENTITY[:AWARD]")]
    explain: Option<String>,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// Text for people.
    Table,
    /// JSON for tools.
    Json,
}

/// Evaluate; diagnostics and explanations in `lang`.
pub(crate) fn run(args: &EvalArgs, fmt: Format, lang: Lang) -> Outcome {
    let mut sources = SourceMap::new();
    let fail = |sources: &SourceMap, diags: &[diag::Diagnostic], code: Exit| {
        let text = diag::render_in(diags, sources, fmt, lang);
        if fmt == Format::Json { (code, text, String::new()) } else { (code, String::new(), text) }
    };
    let text = match super::read(&args.rules) {
        Ok(t) => t,
        Err(e) => return (Exit::Error, String::new(), e),
    };
    let checked =
        match thidua::check::check_source(&args.rules.display().to_string(), &text, &mut sources) {
            Ok(c) => c,
            Err(diags) => return fail(&sources, &diags, Exit::CheckFailed),
        };
    let program = &checked.program;
    let data = match thidua::data::load_dir(&program.schema, &args.data, &mut sources) {
        Ok(d) => d,
        Err(thidua::data::LoadError::Invalid(diags)) => return fail(&sources, &diags, Exit::Error),
        Err(e) => return (Exit::Error, String::new(), format!("thidua: {e}\n")),
    };
    let cycle = match eval::resolve_cycle(program, args.cycle) {
        Ok(c) => c,
        Err(d) => return fail(&sources, &[*d], Exit::Error),
    };
    let explain = match &args.explain {
        None => None,
        Some(spec) => {
            let (entity, award) = match spec.split_once(':') {
                Some((e, a)) => (e, Some(a)),
                None => (spec.as_str(), None),
            };
            match thidua::explain::find_entity(program, &data, entity, lang) {
                Ok((k, r)) => Some((k, r, award)),
                Err(e) => return (Exit::Usage, String::new(), format!("thidua: {e}\n")),
            }
        }
    };
    let mode = explain.map_or(TraceMode::Off, |(k, r, _)| TraceMode::Entity(k, r));
    let result = match eval::evaluate(program, &data, cycle, mode) {
        Ok(r) => r,
        Err(d) => return fail(&sources, &[*d], Exit::Error),
    };
    let warnings = if checked.warnings.is_empty() || fmt == Format::Json {
        String::new()
    } else {
        diag::render_in(&checked.warnings, &sources, fmt, lang)
    };
    let out = match explain {
        Some((k, r, award)) => {
            match thidua::explain::explain(program, &data, &result, &sources, k, r, award, lang) {
                Ok(x) => match args.format {
                    OutputFormat::Table => x.text(),
                    OutputFormat::Json => {
                        let mut s = serde_json::to_string_pretty(&x).unwrap_or_default();
                        s.push('\n');
                        s
                    }
                },
                Err(e) => return (Exit::Usage, String::new(), format!("thidua: {e}\n")),
            }
        }
        None => match args.format {
            OutputFormat::Table => thidua::report::table(program, &data, &result),
            OutputFormat::Json => thidua::report::json(program, &data, &result),
        },
    };
    (Exit::Ok, out, warnings)
}
