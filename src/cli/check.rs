//! `thidua check FILE...`

use std::path::PathBuf;

use thidua::diag::{Format, SourceMap};

use super::Outcome;

/// Arguments of `thidua check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// Rule files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub(crate) fn run(args: &CheckArgs, fmt: Format) -> Outcome {
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
                    out.push_str(&format!(
                        "{}: ok — `{}`: {}, {}, {}, {}, {}{}\n",
                        path.display(),
                        c.name,
                        count(c.schema.kinds.len(), "kind"),
                        count(c.params.len(), "parameter"),
                        count(c.scorings.len(), "scoring table"),
                        count(c.marks.len(), "mark"),
                        count(c.awards.len(), "award"),
                        match checked.warnings.len() {
                            0 => String::new(),
                            n => format!(", {}", count(n, "warning")),
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
    super::finish(&all, &sources, fmt, failed, out, err)
}

/// `1 award`, `2 awards`.
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}
