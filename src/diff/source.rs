//! Rule text as written: the source slice of a span, on one line, with its parentheses
//! balanced.

use crate::diag::{SourceMap, Span};

/// Collapse runs of whitespace to one space.
pub(super) fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Widen a span over the parentheses its text leaves open or closes (the parser's expression
/// spans leave out the outermost ones), so that what is shown is balanced.
pub(super) fn balanced(sources: &SourceMap, span: Span) -> Span {
    let Some(file) = sources.get(span.file) else { return span };
    let text: &str = &file.text;
    let (mut open, mut close) = (0usize, 0usize);
    let mut in_string = false;
    for c in file.slice(span).chars() {
        match c {
            '"' => in_string = !in_string,
            '(' if !in_string => open += 1,
            ')' if !in_string => {
                if open > 0 {
                    open -= 1;
                } else {
                    close += 1;
                }
            }
            _ => {}
        }
    }
    let (mut start, mut end) = (span.start as usize, span.end as usize);
    while open > 0 {
        let rest = text.get(end..).unwrap_or("");
        let skipped = rest.len() - rest.trim_start().len();
        if rest.trim_start().starts_with(')') {
            end += skipped + 1;
            open -= 1;
        } else {
            break;
        }
    }
    while close > 0 {
        let before = text.get(..start).unwrap_or("");
        let trimmed = before.trim_end();
        if trimmed.ends_with('(') {
            start = trimmed.len() - 1;
            close -= 1;
        } else {
            break;
        }
    }
    Span::new(span.file, start, end)
}

/// The head of a declaration: its text up to the opening brace.
pub(super) fn head(text: &str) -> &str {
    text.split('{').next().unwrap_or(text)
}
