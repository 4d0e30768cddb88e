//! `thidua diff OLD NEW --data DIR [--cycle Y] [--format table|json]`
//!
//! Checks both rule files, loads the same data against each, evaluates both and prints what
//! changed and whom it affects. Exit 0 whether or not anything differs; 3 when either file
//! fails the checker; 1 when the data cannot be read or does not load against a side, or an
//! evaluation fails; 2 when the files name different cycles and `--cycle` is not given.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use thidua::ast;
use thidua::check::Checked;
use thidua::diag::{self, Diagnostic, Format, SourceMap};
use thidua::eval::{self, TraceMode};
use thidua::lang::Lang;
use thidua::program::Cycle;

use super::{Exit, Outcome};

/// Arguments of `thidua diff`.
#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The rule file in force (OLD).
    old: PathBuf,
    /// The proposed rule file (NEW).
    new: PathBuf,
    /// The cycle's data both are evaluated on: a directory of CSV files or a JSON file.
    #[arg(long)]
    data: PathBuf,
    /// The cycle to evaluate both on (default: the one the files name).
    #[arg(long)]
    cycle: Option<i32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// Text for people.
    Table,
    /// JSON for tools.
    Json,
}

/// One rule file, parsed and checked.
struct Rules {
    name: String,
    ast: ast::File,
    checked: Checked,
}

/// `OLD (`a.rules`)`, to say which side a problem is on.
fn side_name(tag: &str, file: &str) -> String {
    format!("{tag} (`{file}`)")
}

fn parse_and_check(
    path: &Path,
    text: &str,
    sources: &mut SourceMap,
) -> Result<Rules, Vec<Diagnostic>> {
    let name = path.display().to_string();
    let file = sources.add(name.clone(), text);
    let ast = thidua::syntax::parse_rules(text, file).map_err(|d| vec![*d])?;
    let checked = thidua::check::check(&ast)?;
    Ok(Rules { name, ast, checked })
}

/// Diagnostics to stdout as JSON or to stderr as text, after a one-line `message`.
fn fail(
    sources: &SourceMap,
    diags: &[Diagnostic],
    fmt: Format,
    message: &str,
    code: Exit,
) -> Outcome {
    let text = diag::render(diags, sources, fmt);
    if fmt == Format::Json {
        (code, text, message.to_string())
    } else {
        (code, String::new(), format!("{message}{text}"))
    }
}

pub(crate) fn run(args: &DiffArgs, fmt: Format, lang: Lang) -> Outcome {
    let mut sources = SourceMap::new();
    let (old_text, new_text) = match (super::read(&args.old), super::read(&args.new)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            let err = [a.err(), b.err()].into_iter().flatten().collect::<String>();
            return (Exit::Error, String::new(), err);
        }
    };
    let old = parse_and_check(&args.old, &old_text, &mut sources);
    let new = parse_and_check(&args.new, &new_text, &mut sources);
    let (old, new) = match (old, new) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let mut all = Vec::new();
            for side in [o, n] {
                match side {
                    Ok(r) => all.extend(r.checked.warnings),
                    Err(d) => all.extend(d),
                }
            }
            diag::sort(&mut all);
            return super::finish(&all, &sources, fmt, true, String::new(), String::new());
        }
    };
    let old_tag = side_name("OLD", &old.name);
    let new_tag = side_name("NEW", &new.name);
    let (old_cycle, new_cycle) = match cycles(args.cycle, &old, &new, &old_tag, &new_tag) {
        Ok(c) => c,
        Err(e) => return e.render(&sources, fmt),
    };
    let (old_data, new_data) = match load_data(args, &old, &new, &mut sources, fmt) {
        Ok(d) => d,
        Err(outcome) => return outcome,
    };
    let mut evaluations = Vec::with_capacity(2);
    for (r, data, cycle, tag) in
        [(&old, &old_data, old_cycle, &old_tag), (&new, &new_data, new_cycle, &new_tag)]
    {
        match eval::evaluate(&r.checked.program, data, cycle, TraceMode::Off) {
            Ok(e) => evaluations.push(e),
            Err(d) => {
                let message = format!("thidua: evaluating {tag} failed:\n");
                return fail(&sources, &[*d], fmt, &message, Exit::Error);
            }
        }
    }
    let [old_eval, new_eval] = evaluations.as_slice() else {
        return (Exit::Error, String::new(), String::from("thidua: evaluation failed\n"));
    };
    fn side<'a>(
        r: &'a Rules,
        data: &'a thidua::model::Dataset,
        evaluation: &'a eval::Evaluation,
    ) -> thidua::diff::Side<'a> {
        thidua::diff::Side {
            file: &r.name,
            ast: &r.ast,
            program: &r.checked.program,
            data,
            evaluation,
        }
    }
    let data_name = args.data.display().to_string();
    let diff = thidua::diff::compare(
        &side(&old, &old_data, old_eval),
        &side(&new, &new_data, new_eval),
        &data_name,
        &sources,
    );
    let out = match args.format {
        OutputFormat::Table => diff.table(lang),
        OutputFormat::Json => diff.json(),
    };
    // The same file on both sides warns once.
    let new_warnings = if old_text == new_text { &[][..] } else { &new.checked.warnings[..] };
    let mut warnings: Vec<Diagnostic> =
        old.checked.warnings.iter().chain(new_warnings).cloned().collect();
    diag::sort(&mut warnings);
    let err = if warnings.is_empty() || fmt == Format::Json {
        String::new()
    } else {
        diag::render(&warnings, &sources, fmt)
    };
    (Exit::Ok, out, err)
}

/// Why the cycles could not be settled.
enum CycleError {
    /// The files name different cycles and none was given.
    Ambiguous(String),
    /// A side is not in force for the cycle, or names none.
    Side(String, Box<Diagnostic>),
}

impl CycleError {
    fn render(self, sources: &SourceMap, fmt: Format) -> Outcome {
        match self {
            CycleError::Ambiguous(m) => (Exit::Usage, String::new(), m),
            CycleError::Side(m, d) => fail(sources, &[*d], fmt, &m, Exit::Error),
        }
    }
}

/// The cycle each side is evaluated for: the same year on both sides (each file may give it
/// its own dates).
fn cycles(
    given: Option<i32>,
    old: &Rules,
    new: &Rules,
    old_tag: &str,
    new_tag: &str,
) -> Result<(Cycle, Cycle), CycleError> {
    let (oc, nc) = (old.checked.program.cycle, new.checked.program.cycle);
    let year = match (given, oc, nc) {
        (Some(y), _, _) => Some(y),
        (None, Some(a), Some(b)) if a.year != b.year => {
            return Err(CycleError::Ambiguous(format!(
                "thidua: {old_tag} governs cycle {} and {new_tag} cycle {}; both must be \
                 evaluated on the same cycle\n  help: choose it with `--cycle {}` (the data's \
                 cycle)\n",
                a.year, b.year, a.year
            )));
        }
        (None, a, b) => a.or(b).map(|c| c.year),
    };
    let resolve = |r: &Rules, tag: &str| {
        eval::resolve_cycle(&r.checked.program, year)
            .map_err(|d| CycleError::Side(format!("thidua: {tag} cannot be evaluated:\n"), d))
    };
    Ok((resolve(old, old_tag)?, resolve(new, new_tag)?))
}

/// Load the data against both schemas; say which side fails, and where.
fn load_data(
    args: &DiffArgs,
    old: &Rules,
    new: &Rules,
    sources: &mut SourceMap,
    fmt: Format,
) -> Result<(thidua::model::Dataset, thidua::model::Dataset), Outcome> {
    let o = thidua::data::load_dir(&old.checked.program.schema, &args.data, sources);
    let n = thidua::data::load_dir(&new.checked.program.schema, &args.data, sources);
    let dir = args.data.display();
    match (o, n) {
        (Ok(o), Ok(n)) => Ok((o, n)),
        (o, n) => {
            let mut io = Vec::new();
            let mut invalid: Vec<(String, Vec<Diagnostic>, String)> = Vec::new();
            for (result, (this, other), (tag, other_tag)) in
                [(o, (old, new), ("OLD", "NEW")), (n, (new, old), ("NEW", "OLD"))]
            {
                let against = side_name(tag, &this.name);
                match result {
                    Ok(_) => {}
                    Err(thidua::data::LoadError::Invalid(d)) => {
                        let hint = history_hint(&d, sources, other, tag, other_tag);
                        invalid.push((against, d, hint));
                    }
                    Err(e) => io.push((against, format!("{e}"))),
                }
            }
            if !io.is_empty() {
                let same = io.len() == 2 && io.first().map(|x| &x.1) == io.last().map(|x| &x.1);
                let text: String = if same {
                    io.first().map(|(_, e)| format!("thidua: {e}\n")).unwrap_or_default()
                } else {
                    io.iter()
                        .map(|(side, e)| format!("thidua: loading the data for {side}: {e}\n"))
                        .collect()
                };
                return Err((Exit::Error, String::new(), text));
            }
            let rendered: Vec<String> =
                invalid.iter().map(|(_, d, _)| diag::render(d, sources, fmt)).collect();
            if rendered.len() == 2 && rendered.first() == rendered.last() {
                // The same problems whatever the schema: say them once.
                let d = invalid.into_iter().next().map(|x| x.1).unwrap_or_default();
                let message = format!(
                    "thidua: the data in `{dir}` does not load (against either rule file):\n"
                );
                return Err(fail(sources, &d, fmt, &message, Exit::Error));
            }
            let messages: Vec<String> = invalid
                .iter()
                .map(|(side, _, _)| {
                    format!("thidua: the data in `{dir}` does not load against {side}:\n")
                })
                .collect();
            let hints: Vec<&str> = invalid.iter().map(|(_, _, h)| h.as_str()).collect();
            if fmt == Format::Json {
                let err = format!("{}{}", messages.concat(), hints.concat());
                let all: Vec<Diagnostic> = invalid.into_iter().flat_map(|x| x.1).collect();
                return Err((Exit::Error, diag::render(&all, sources, fmt), err));
            }
            let text: String = messages
                .iter()
                .zip(&rendered)
                .zip(&hints)
                .map(|((m, r), h)| format!("{m}{r}{h}"))
                .collect();
            Err((Exit::Error, String::new(), text))
        }
    }
}

/// When the data's history names awards that the other rule file declares and this one does
/// not (an award removed or renamed), say how to keep that history readable.
fn history_hint(
    diags: &[Diagnostic],
    sources: &SourceMap,
    other: &Rules,
    this_tag: &str,
    other_tag: &str,
) -> String {
    let schema = &other.checked.program.schema;
    let mut names = std::collections::BTreeSet::new();
    for d in diags.iter().filter(|d| d.code == "data::unknown_award") {
        let name = sources.slice(d.span).trim();
        let fact = schema.fact(name).and_then(|f| schema.facts.get(f.0 as usize));
        if let Some(kind) = fact.and_then(|f| schema.kind_def(f.entity)) {
            names.insert((name.to_string(), kind.name.clone()));
        }
    }
    names
        .iter()
        .map(|(award, kind)| {
            format!(
                "  note: `{award}` is declared in {other_tag} but not in {this_tag}, and the \
                 data's history records it\n  help: to compare, keep its history readable: \
                 declare `extern {award} for {kind}` in {this_tag}\n"
            )
        })
        .collect()
}
