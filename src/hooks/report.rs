//! Turning rhai's errors and positions into our diagnostics, error kinds and spans.
//!
//! rhai positions are 1-based lines and 1-based columns counted in characters (a tab or a `\r`
//! counts as one), relative to the script, which is the whole of its file. Nothing here trusts
//! a position to lie inside the text: out-of-range lines and columns are clamped.

use rhai::{EvalAltResult, LexError, ParseError, ParseErrorType, Position};

use super::HookErrorKind;
use super::sandbox::Trip;
use crate::diag::{Diagnostic, FileId, Span};

/// Byte offset in `text` of a rhai position, or `None` for `Position::NONE`.
fn offset(text: &str, position: Position) -> Option<usize> {
    let line = position.line()?;
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1)
    };
    let rest = text.get(line_start..).unwrap_or("");
    let line_len = rest.find('\n').unwrap_or(rest.len());
    // Column 0 (rhai's "start of line") and column 1 are both the first character.
    let column = position.position().unwrap_or(1).max(1);
    let within = rest
        .char_indices()
        .take_while(|&(i, _)| i < line_len)
        .nth(column - 1)
        .map_or(line_len, |(i, _)| i);
    Some(line_start + within)
}

/// The character at a rhai position (empty at the end of a line or of the text).
fn char_span(text: &str, file: FileId, position: Position) -> Span {
    let start = offset(text, position).unwrap_or(0);
    let len = text
        .get(start..)
        .and_then(|rest| rest.chars().next())
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(0, char::len_utf8);
    Span::new(file, start, start + len)
}

/// From a rhai position to the end of its line, or `None` for `Position::NONE`.
pub(super) fn line_span(text: &str, file: FileId, position: Position) -> Option<Span> {
    let start = offset(text, position)?;
    let rest = text.get(start..).unwrap_or("");
    let len = rest.find('\n').unwrap_or(rest.len());
    let line = rest.get(..len).unwrap_or("").trim_end();
    Some(Span::new(file, start, start + line.len()))
}

/// Where `fn <name>(` is defined in `text`, spanning the name; the start of the file if it is
/// not found. Best effort: a text search, which a comment containing `fn <name>(` can fool.
pub(super) fn find_fn(text: &str, file: FileId, name: &str) -> Span {
    if name.is_empty() {
        return Span::new(file, 0, 0);
    }
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    for (at, _) in text.match_indices(name) {
        let before = text.get(..at).unwrap_or("");
        let after = text.get(at + name.len()..).unwrap_or("");
        let Some(head) = before.trim_end().strip_suffix("fn") else { continue };
        let separated = before.len() > head.len() + 2; // whitespace between `fn` and the name
        let keyword = !head.ends_with(is_ident);
        let boundary = !after.starts_with(is_ident);
        if separated && keyword && boundary && after.trim_start().starts_with('(') {
            return Span::new(file, at, at + name.len());
        }
    }
    Span::new(file, 0, 0)
}

/// A parse error as a `hook::syntax` diagnostic at its position.
pub(super) fn syntax_error(name: &str, text: &str, file: FileId, err: &ParseError) -> Diagnostic {
    let span = char_span(text, file, err.position());
    let (message, help) = match err.err_type() {
        ParseErrorType::BadInput(LexError::ImproperSymbol(word, _))
        | ParseErrorType::Reserved(word)
            if refused_help(word).is_some() =>
        {
            (format!("`{word}` is not available in hooks"), refused_help(word))
        }
        ParseErrorType::VariableUndefined(var) => (
            format!("undefined variable `{var}`"),
            Some(
                "a hook function can use only its parameters and variables it declares with \
                 `let`; there are no global variables",
            ),
        ),
        ParseErrorType::ExprTooDeep => (
            String::from("expression nested too deeply"),
            Some("split the expression into smaller steps with `let`"),
        ),
        ParseErrorType::TooManyFunctions => {
            (String::from("too many functions"), Some("a hook may define at most 64 functions"))
        }
        other => (sentence(&other.to_string()), None),
    };
    let diag = Diagnostic::error(
        "hook::syntax",
        span,
        format!("syntax error in hook `{name}`: {message}"),
    )
    .with_label(message);
    match help {
        Some(help) => diag.with_help(help),
        None => diag,
    }
}

/// Why a keyword that rhai knows is refused in hooks, or `None` if it is not refused.
fn refused_help(word: &str) -> Option<&'static str> {
    match word {
        "eval" => {
            Some("hooks cannot run code built from strings; write the code in the hook itself")
        }
        "try" | "catch" => Some(
            "hooks cannot catch errors; an error ends the hook and is reported with the \
             workflow, so check values before using them instead",
        ),
        "import" => Some("put every function the hook needs in the hook's own file"),
        "this" => Some("hooks cannot define methods; pass the value as a parameter instead"),
        _ => None,
    }
}

/// `entry` is not defined at all.
pub(super) fn missing_function(
    name: &str,
    file: FileId,
    entry: &str,
    arity: usize,
    defined: &[String],
) -> Diagnostic {
    let defines = if defined.is_empty() {
        String::from("it defines no functions")
    } else {
        format!("it defines {}", defined.join(", "))
    };
    Diagnostic::error(
        "hook::missing_function",
        Span::new(file, 0, 0),
        format!("hook `{name}` does not define `fn {entry}`"),
    )
    .with_help(format!(
        "a `{entry}` hook must define `fn {entry}` with {} ({defines})",
        parameters(arity)
    ))
}

/// `entry` is defined, but never with `arity` parameters.
pub(super) fn wrong_arity(
    name: &str,
    at: Span,
    entry: &str,
    arity: usize,
    found: &[usize],
) -> Diagnostic {
    let found: Vec<String> = found.iter().map(|n| parameters(*n)).collect();
    Diagnostic::error(
        "hook::missing_function",
        at,
        format!(
            "`fn {entry}` in hook `{name}` takes {}, but must take {}",
            found.join(" or "),
            parameters(arity)
        ),
    )
    .with_label("defined here")
    .with_help(format!("give `fn {entry}` exactly {}", parameters(arity)))
}

fn parameters(n: usize) -> String {
    format!("{n} parameter{}", if n == 1 { "" } else { "s" })
}

/// A rhai message in our style: lowercase start, no final period, one line.
fn sentence(message: &str) -> String {
    let message = message.trim().trim_end_matches('.').replace('\n', " ");
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::from("unknown error"),
    }
}

/// The kind of a runtime error and the innermost position known for it.
///
/// Errors inside script functions and closures come wrapped in "error in function call"
/// layers; the kind is that of the innermost error.
pub(super) fn classify(err: EvalAltResult) -> (HookErrorKind, Position) {
    let mut position = Position::NONE;
    let mut err = err;
    while let EvalAltResult::ErrorInFunctionCall(_, _, inner, at)
    | EvalAltResult::ErrorInModule(_, inner, at) = err
    {
        if !at.is_none() {
            position = at;
        }
        err = *inner;
    }
    let at = err.take_position();
    if !at.is_none() {
        position = at;
    }
    let kind = match err {
        EvalAltResult::ErrorTooManyOperations(_) => Trip::Operations.kind(),
        // Only our `on_progress` terminates scripts, and it records why; this is a fallback.
        EvalAltResult::ErrorTerminated(..) => Trip::Timeout.kind(),
        EvalAltResult::ErrorStackOverflow(_) => HookErrorKind::TooDeep,
        EvalAltResult::ErrorDataTooLarge(..)
        | EvalAltResult::ErrorTooManyVariables(_)
        | EvalAltResult::ErrorTooManyModules(_) => HookErrorKind::TooLarge,
        EvalAltResult::ErrorRuntime(thrown, _) => HookErrorKind::Runtime(thrown_message(thrown)),
        other => HookErrorKind::Runtime(sentence(&other.to_string())),
    };
    (kind, position)
}

/// Longest message taken from a thrown value, in characters.
const MAX_THROWN: usize = 500;

/// The message of a value passed to `throw`: a string as it is, anything else displayed, both
/// cut at [`MAX_THROWN`] characters.
fn thrown_message(thrown: rhai::Dynamic) -> String {
    let thrown = thrown.flatten();
    if thrown.is_unit() {
        return String::from("the script threw an error without a message");
    }
    let message = if thrown.is_string() {
        thrown.into_immutable_string().map(|s| s.to_string()).unwrap_or_default()
    } else {
        thrown.to_string()
    };
    if message.chars().count() > MAX_THROWN {
        message.chars().take(MAX_THROWN).chain("…".chars()).collect()
    } else {
        message
    }
}
