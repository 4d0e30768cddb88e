//! Source locations and diagnostics for everything a user wrote: rule files and data files.
//!
//! A [`Span`] is a small `Copy` byte range into a file held by a [`SourceMap`]. Every stage
//! reports problems as [`Diagnostic`]s carrying spans; [`render`] turns them into text (human
//! or plain, through miette) or JSON. The library never prints.
//!
//! Diagnostics are built in English; [`render_in`] prints them in English or Vietnamese
//! ([`Lang`]), translating each text through the catalog in [`vi`].
//!
//! A span should lie within its file's text and on `char` boundaries. Nothing here trusts
//! that: [`SourceFile::slice`] and [`SourceFile::line_col`] clamp or return `""` for a span
//! that does not, so a bad span can make a message less precise but never panic.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::lang::Lang;

/// Identifies a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    /// The file.
    pub file: FileId,
    /// Start byte offset.
    pub start: u32,
    /// End byte offset (exclusive).
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { file, start, end }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// One loaded source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path or name as given by the user.
    pub name: String,
    /// Full text.
    pub text: Arc<str>,
    /// Byte offset of each line's start, built when a location is first asked for (loading
    /// a rule set that checks cleanly never needs it).
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let offset = (offset as usize).min(self.text.len());
        let line_starts = self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        });
        let line = line_starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = line_starts.get(line).copied().unwrap_or(0);
        let col = self.text.get(start..offset).map_or(0, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// The text of a span, or `""` if it is out of range.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start as usize..span.end as usize).unwrap_or("")
    }
}

/// All files a run has read, so that spans can be shown with their text.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Add a file and return its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        let text: Arc<str> = text.into();
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile {
            name: name.into(),
            text,
            line_starts: std::sync::OnceLock::new(),
        });
        id
    }

    /// A file by id.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).map_or("", |f| f.slice(span))
    }

    /// `file:line:column` of a span's start.
    pub fn location(&self, span: Span) -> Location {
        match self.get(span.file) {
            Some(f) => {
                let (line, column) = f.line_col(span.start);
                Location { file: f.name.clone(), line, column }
            }
            None => Location { file: String::from("<unknown>"), line: 0, column: 0 },
        }
    }
}

/// A resolved `file:line:column`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// File name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is rejected.
    Error,
    /// The input is accepted, but probably not what was meant.
    Warning,
}

/// A problem in something the user wrote, located by a span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code such as `check::unknown_name`; tests and tools match on it.
    pub code: &'static str,
    /// One line, lowercase, no final period, user text in backticks.
    pub message: String,
    /// The exact text at fault.
    pub span: Span,
    /// What to put under the caret (defaults to a short form of the message).
    pub label: Option<String>,
    /// Secondary locations with their labels (e.g. the first declaration of a duplicate).
    pub related: Vec<(Span, String)>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new error.
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span,
            label: None,
            related: Vec::new(),
            help: None,
        }
    }

    /// A new warning.
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, span, message) }
    }

    /// Set the help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Set the label under the caret.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// Add a secondary location.
    #[must_use]
    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.related.push((span, label.into()));
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// This diagnostic with its texts in `lang` (a text the catalog lacks stays in English).
    #[must_use]
    pub fn in_lang(&self, lang: Lang) -> Diagnostic {
        match lang {
            Lang::En => self.clone(),
            Lang::Vi => vi::translated(self),
        }
    }
}

/// Sort diagnostics by position (file, start), errors before warnings at the same place.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.span.file, a.span.start, a.severity, a.code).cmp(&(
            b.span.file,
            b.span.start,
            b.severity,
            b.code,
        ))
    });
}

/// Output format for diagnostics (`--error-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Unicode boxes and colour.
    #[default]
    Human,
    /// ASCII, no colour: stable for logs and snapshots.
    Plain,
    /// One JSON array.
    Json,
}

mod render;
pub use render::{render, render_in};
pub mod vi;
