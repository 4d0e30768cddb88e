//! The formatter behind `thidua fmt`: one house layout for rule and workflow files, in either
//! keyword set.
//!
//! The formatter prints the parse tree, not the AST, so that everything written survives:
//! every comment (on its own line or at the end of one), blank lines between statements
//! (runs collapse to one), brackets as written, and names, strings, numbers and dates exactly
//! as written (`2_340_000` stays). Only keywords change when the output language is not the
//! file's own; the keyword table ([`crate::syntax::keywords`]) gives both spellings.
//!
//! The layout: one statement per line, blocks indented by two columns (a block with one
//! statement that the writer kept on one line stays so if it fits), and continuation lines two
//! columns further in. A statement continues on the next line only at a clause boundary (before
//! `basis`, `when`, `actual`, `by`…, after `require …:`), an expression only before `and` and
//! `or` and after a comma; the formatter breaks there where the writer did, and wherever a line
//! would otherwise pass 100 columns. Widths are measured with the English keywords, so both
//! keyword sets give the same lines: converting a file to Vietnamese and back returns it
//! unchanged (and a Vietnamese line may run a few words past 100 columns; a break the writer
//! puts there is kept).
//!
//! Formatting is idempotent and keeps the meaning: the formatted text parses to the same AST
//! (spans aside) as the original, which the property tests check on every corpus file and on
//! generated rule sets.

use crate::diag::{Diagnostic, FileId, Span};
use crate::lang::Lang;
use crate::syntax::keywords::language_of;
pub use crate::syntax::keywords::sniff_lang;

mod layout;
mod lex;
mod print;

/// Which language a file is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// A `.rules` file: a rule set.
    Rules,
    /// A `.wf` file: a workflow.
    Workflow,
}

impl Syntax {
    /// The syntax of a file: `.wf` files are workflows, `.rules` files rule sets, and anything
    /// else (standard input) is told by its first word (`workflow` or `quy trình`).
    pub fn of(name: &str, text: &str) -> Syntax {
        if name.ends_with(".wf") {
            return Syntax::Workflow;
        }
        if name.ends_with(".rules") {
            return Syntax::Rules;
        }
        match crate::syntax::keywords::first_words(text) {
            (Some("workflow"), _) | (Some("quy"), Some("trình")) => Syntax::Workflow,
            _ => Syntax::Rules,
        }
    }
}

/// A formatted file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Formatted {
    /// The text, ending in one newline.
    pub text: String,
    /// The keyword set it is written in.
    pub lang: Lang,
}

/// Format a file's text. `lang` is the keyword set to write; `None` keeps the file's own,
/// which its first keyword tells (`ruleset` or `bộ quy tắc`). A file that does not parse
/// gives the parser's diagnostic, located in `file`.
pub fn format(
    text: &str,
    syntax: Syntax,
    lang: Option<Lang>,
    file: FileId,
) -> Result<Formatted, Box<Diagnostic>> {
    let root = crate::syntax::parse_tree(syntax == Syntax::Workflow, text, file)?;
    let toks = lex::tokens(&root, text, file)?;
    let own = toks
        .iter()
        .find_map(|t| match t.kind {
            lex::Kind::Word(rule) => language_of(rule, t.text),
            _ => None,
        })
        .unwrap_or_default();
    let lang = lang.unwrap_or(own);
    let mut printer = print::Printer::new(toks, lang, file);
    printer.file(&root)?;
    Ok(Formatted { text: layout::layout(&printer.items), lang })
}

/// An internal error: the formatter and the grammar disagree.
fn internal(file: FileId, at: usize, what: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            "fmt::internal",
            Span::new(file, at, at),
            format!("internal error while formatting: {what}"),
        )
        .with_help("this is a bug in thidua; please report it with the file"),
    )
}

#[cfg(test)]
mod tests;
