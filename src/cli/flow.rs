//! `thidua flow check FILE... --rules RULES` and `thidua flow show FILE --rules RULES`.

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use thidua::diag::{self, Format, SourceMap};
use thidua::lang::Lang;

use super::check::{Noun, count};
use super::{Exit, Outcome};

/// Arguments of `thidua flow`.
#[derive(Debug, clap::Args)]
pub(crate) struct FlowArgs {
    #[command(subcommand)]
    command: FlowCommand,
}

#[derive(Debug, Subcommand)]
enum FlowCommand {
    /// Check workflow files: structure, roles, votes, guards and hooks.
    Check {
        /// Workflow files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The rule set the guards are written against.
        #[arg(long)]
        rules: PathBuf,
    },
    /// Show a workflow as a text outline or Graphviz DOT.
    Show {
        /// The workflow file.
        file: PathBuf,
        /// The rule set the guards are written against.
        #[arg(long)]
        rules: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ShowFormat {
    /// A readable outline.
    Text,
    /// Graphviz DOT (`thidua flow show … --format dot | dot -Tsvg`).
    Dot,
}

/// Check or show workflows; diagnostics and the summary lines in `lang`.
pub(crate) fn run(args: &FlowArgs, fmt: Format, lang: Lang) -> Outcome {
    let (files, rules): (Vec<&PathBuf>, &PathBuf) = match &args.command {
        FlowCommand::Check { files, rules } => (files.iter().collect(), rules),
        FlowCommand::Show { file, rules, .. } => (vec![file], rules),
    };
    let mut sources = SourceMap::new();
    let render = |sources: &SourceMap, diags: &[diag::Diagnostic], code: Exit| {
        let text = diag::render_in(diags, sources, fmt, lang);
        if fmt == Format::Json { (code, text, String::new()) } else { (code, String::new(), text) }
    };
    let text = match super::read(rules) {
        Ok(t) => t,
        Err(e) => return (Exit::Error, String::new(), e),
    };
    let program =
        match thidua::check::check_source(&rules.display().to_string(), &text, &mut sources) {
            Ok(c) => c.program,
            Err(d) => return render(&sources, &d, Exit::CheckFailed),
        };
    let mut out = String::new();
    let mut all = Vec::new();
    let mut failed = false;
    let mut err = String::new();
    for path in files {
        let text = match super::read(path) {
            Ok(t) => t,
            Err(e) => {
                err.push_str(&e);
                failed = true;
                continue;
            }
        };
        let base = path.parent().unwrap_or_else(|| Path::new("."));
        match thidua::workflow::check_workflow(
            &path.display().to_string(),
            &text,
            base,
            &program,
            &mut sources,
        ) {
            Ok(checked) => {
                match &args.command {
                    FlowCommand::Show { format: ShowFormat::Dot, .. } => {
                        out.push_str(&thidua::workflow::show::dot(&checked.flow));
                    }
                    FlowCommand::Show { .. } => {
                        out.push_str(&thidua::workflow::show::outline(&checked.flow, &program));
                    }
                    FlowCommand::Check { .. } if fmt != Format::Json => {
                        let f = &checked.flow;
                        out.push_str(&format!(
                            "{}: {} — `{}`: {}, {}, {}, {}\n",
                            path.display(),
                            lang.pick("ok", "hợp lệ"),
                            f.name,
                            count(f.stages.len(), Noun::Stage, lang),
                            count(f.transitions.len(), Noun::Transition, lang),
                            count(
                                f.stages.iter().filter(|s| s.vote.is_some()).count(),
                                Noun::Vote,
                                lang
                            ),
                            count(f.hook_refs.len(), Noun::Hook, lang)
                        ));
                    }
                    FlowCommand::Check { .. } => {}
                }
                all.extend(checked.warnings);
            }
            Err(d) => {
                failed = true;
                all.extend(d);
            }
        }
    }
    super::check::finish(&all, &sources, fmt, lang, failed, out, err)
}
