//! `thidua check FILE...`

use std::path::PathBuf;

use thidua::diag::{Diagnostic, Format, SourceMap};
use thidua::lang::Lang;

use super::{Exit, Outcome};

/// Arguments of `thidua check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// Rule files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// Check the files; diagnostics and the summary lines in `lang`.
pub(crate) fn run(args: &CheckArgs, fmt: Format, lang: Lang) -> Outcome {
    let mut sources = SourceMap::new();
    let mut all = Vec::new();
    let mut failed = false;
    let mut err = String::new();
    let mut out = String::new();
    for path in &args.files {
        let text = match super::read(path) {
            Ok(t) => t,
            Err(e) => {
                err.push_str(&e);
                failed = true;
                continue;
            }
        };
        match thidua::check::check_source(&path.display().to_string(), &text, &mut sources) {
            Ok(checked) => {
                if fmt != Format::Json {
                    let c = &checked.program;
                    let counts = [
                        count(c.schema.kinds.len(), Noun::Kind, lang),
                        count(c.params.len(), Noun::Parameter, lang),
                        count(c.scorings.len(), Noun::ScoringTable, lang),
                        count(c.marks.len(), Noun::Mark, lang),
                        count(c.awards.len(), Noun::Award, lang),
                    ];
                    out.push_str(&format!(
                        "{}: {} — `{}`: {}{}\n",
                        path.display(),
                        lang.pick("ok", "hợp lệ"),
                        c.name,
                        counts.join(", "),
                        match checked.warnings.len() {
                            0 => String::new(),
                            n => format!(", {}", count(n, Noun::Warning, lang)),
                        }
                    ));
                }
                all.extend(checked.warnings);
            }
            Err(diags) => {
                failed = true;
                all.extend(diags);
            }
        }
    }
    finish(&all, &sources, fmt, lang, failed, out, err)
}

/// What the one-line summaries of `check` and `flow check` count.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Noun {
    Kind,
    Parameter,
    ScoringTable,
    Mark,
    Award,
    Warning,
    Stage,
    Transition,
    Vote,
    Hook,
}

impl Noun {
    /// English singular and Vietnamese (which does not inflect).
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Noun::Kind => ("kind", "loại đối tượng"),
            Noun::Parameter => ("parameter", "tham số"),
            Noun::ScoringTable => ("scoring table", "bảng chấm điểm"),
            Noun::Mark => ("mark", "dấu ghi nhận"),
            Noun::Award => ("award", "khen thưởng"),
            Noun::Warning => ("warning", "cảnh báo"),
            Noun::Stage => ("stage", "bước"),
            Noun::Transition => ("transition", "bước chuyển"),
            Noun::Vote => ("vote", "cuộc biểu quyết"),
            Noun::Hook => ("hook", "hook"),
        }
    }
}

/// `1 award`, `2 awards`; `2 khen thưởng`.
pub(crate) fn count(n: usize, noun: Noun, lang: Lang) -> String {
    let (en, vi) = noun.words();
    match lang {
        Lang::En if n == 1 => format!("1 {en}"),
        Lang::En => format!("{n} {en}s"),
        Lang::Vi => format!("{n} {vi}"),
    }
}

/// End a checking command: diagnostics in `lang` to stdout as JSON or to stderr as text, and
/// the exit code (3 when a file failed the checker, 1 for other failures such as unreadable
/// files).
pub(crate) fn finish(
    all: &[Diagnostic],
    sources: &SourceMap,
    fmt: Format,
    lang: Lang,
    failed: bool,
    mut out: String,
    mut err: String,
) -> Outcome {
    if fmt == Format::Json {
        out.push_str(&thidua::diag::render_in(all, sources, fmt, lang));
    } else if !all.is_empty() {
        err.push_str(&thidua::diag::render_in(all, sources, fmt, lang));
    }
    let code = if failed && all.iter().any(Diagnostic::is_error) {
        Exit::CheckFailed
    } else if failed {
        Exit::Error
    } else {
        Exit::Ok
    };
    (code, out, err)
}
