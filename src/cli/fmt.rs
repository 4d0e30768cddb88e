//! `thidua fmt [--check] [--lang en|vi] [FILE...]`: format rule and workflow files.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use thidua::diag::{Diagnostic, Format, SourceMap, render_in};
use thidua::fmt::{Syntax, format, sniff_lang};
use thidua::lang::Lang;

use super::{Exit, Outcome};

/// Arguments of `thidua fmt`.
#[derive(Debug, clap::Args)]
pub(crate) struct FmtArgs {
    /// Rule (`.rules`) and workflow (`.wf`) files, rewritten in place when they change; `-`
    /// or none reads standard input and writes standard output.
    files: Vec<PathBuf>,
    /// Write nothing: list the files that would change, and exit 1 if any would.
    #[arg(long)]
    check: bool,
}

/// `lang` is the keyword set to write (`--lang`); each file's own when `None`.
pub(crate) fn run(args: &FmtArgs, fmt: Format, lang: Option<Lang>) -> Outcome {
    let stdin = args.files.is_empty() || args.files.iter().any(|p| p.as_os_str() == "-");
    if stdin && args.files.len() > 1 {
        return (
            Exit::Usage,
            String::new(),
            String::from("thidua: `-` (standard input) cannot be formatted with other files\n"),
        );
    }
    let mut sources = SourceMap::new();
    let mut diags: Vec<Diagnostic> = Vec::new();
    let (mut out, mut err) = (String::new(), String::new());
    let mut failed = false;
    let mut changed = false;
    let mut diag_lang = lang;
    if stdin {
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            return (Exit::Error, out, format!("thidua: cannot read standard input: {e}\n"));
        }
        let file = sources.add("<stdin>", text.as_str());
        match format(&text, Syntax::of("<stdin>", &text), lang, file) {
            Ok(f) if args.check => {
                changed = f.text != text;
                if changed {
                    out.push_str("<stdin>\n");
                }
            }
            Ok(f) => out = f.text,
            Err(d) => {
                diag_lang = diag_lang.or(Some(sniff_lang(&text)));
                diags.push(*d);
            }
        }
    }
    for path in args.files.iter().filter(|p| p.as_os_str() != "-") {
        let text = match super::read(path) {
            Ok(t) => t,
            Err(e) => {
                err.push_str(&e);
                failed = true;
                continue;
            }
        };
        let name = path.display().to_string();
        let file = sources.add(name.as_str(), text.as_str());
        let formatted = match format(&text, Syntax::of(&name, &text), lang, file) {
            Ok(f) => f.text,
            Err(d) => {
                diag_lang = diag_lang.or(Some(sniff_lang(&text)));
                diags.push(*d);
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        changed = true;
        if !args.check
            && let Err(e) = replace(path, &formatted)
        {
            err.push_str(&format!("thidua: cannot write `{name}`: {e}\n"));
            failed = true;
            continue;
        }
        out.push_str(&name);
        out.push('\n');
    }
    let code = if !diags.is_empty() {
        Exit::CheckFailed
    } else if failed || (args.check && changed) {
        Exit::Error
    } else {
        Exit::Ok
    };
    let rendered = render_in(&diags, &sources, fmt, diag_lang.unwrap_or_default());
    if fmt == Format::Json {
        // Standard output holds the JSON alone; the list of files moves to standard error.
        if !stdin || args.check || !diags.is_empty() {
            err.push_str(&out);
            out = rendered;
        }
    } else if !diags.is_empty() {
        err.push_str(&rendered);
    }
    (code, out, err)
}

/// Replace a file's text: write a sibling file, give it the old one's permissions, rename it
/// over the old one, so that a crash leaves the old text or the new, never half of one.
fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.thidua-fmt.tmp"));
    std::fs::write(&tmp, text)?;
    let result = std::fs::metadata(path)
        .and_then(|m| std::fs::set_permissions(&tmp, m.permissions()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
