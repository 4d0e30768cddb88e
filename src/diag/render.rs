//! Rendering diagnostics as text (through miette's graphical handler) or JSON.
//!
//! This is the only place where our [`Span`] becomes a miette `SourceSpan`.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;

use super::{Diagnostic, Format, Location, Severity, SourceMap, Span};
use crate::lang::Lang;

/// Render diagnostics in English in the given format. Human and plain output end with a
/// summary line.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, format: Format) -> String {
    render_in(diags, sources, format, Lang::En)
}

/// Render diagnostics in `lang`: every text through the catalog (see [`super::vi`]), and the
/// words the renderer adds itself (the summary line, `help:`, the default label) too. JSON
/// keeps its field names and codes and says which language its texts are in (`"lang"`).
pub fn render_in(diags: &[Diagnostic], sources: &SourceMap, format: Format, lang: Lang) -> String {
    let diags: Cow<'_, [Diagnostic]> = match lang {
        Lang::En if !diags.iter().any(has_long_quote) => Cow::Borrowed(diags),
        Lang::En => Cow::Owned(diags.iter().map(|d| elide_quotes(d, lang)).collect()),
        Lang::Vi => {
            Cow::Owned(diags.iter().map(|d| elide_quotes(&d.in_lang(lang), lang)).collect())
        }
    };
    let diags = diags.as_ref();
    match format {
        Format::Json => render_json(diags, sources, lang),
        Format::Human | Format::Plain => {
            // `GraphicalTheme::ascii()` keeps ANSI colours; plain output must have none.
            let theme = if format == Format::Human {
                GraphicalTheme::unicode()
            } else {
                GraphicalTheme::none()
            };
            // miette's own `[file:line:col]` counts columns in bytes; our prefix line gives the
            // location with columns in characters, so the box shows only the file name.
            let handler = GraphicalReportHandler::new_themed(theme)
                .with_width(WIDTH)
                .with_links(false)
                .without_primary_span_start();
            let mut out = String::new();
            for d in diags {
                let loc = sources.location(d.span);
                out.push_str(&format!("{loc}: "));
                let report = Adapter::new(d, sources, lang);
                if handler.render_report(&mut out, &report).is_err() {
                    out.push_str(&format!("{}: {}\n", d.code, d.message));
                }
                // miette writes `help:` itself; in Vietnamese the line is ours.
                if lang == Lang::Vi
                    && let Some(help) = &d.help
                {
                    out.push_str(&help_line(help, format == Format::Human));
                }
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let warnings = diags.len() - errors;
            if !diags.is_empty() {
                out.push_str(&match lang {
                    Lang::En => format!(
                        "{errors} error{}, {warnings} warning{}\n",
                        plural(errors),
                        plural(warnings)
                    ),
                    Lang::Vi => format!("{errors} lỗi, {warnings} cảnh báo\n"),
                });
            }
            out
        }
    }
}

/// Width of the text report, as given to miette.
const WIDTH: usize = 100;

/// `  gợi ý: …`, wrapped like miette wraps its `help:` line (at the width less two).
fn help_line(help: &str, colour: bool) -> String {
    const PREFIX: &str = "  gợi ý: ";
    let indent = " ".repeat(PREFIX.chars().count());
    let width = WIDTH - 2;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut len = PREFIX.chars().count();
    for word in help.split(' ') {
        let w = word.chars().count();
        if !line.is_empty() && len + 1 + w > width {
            lines.push(std::mem::take(&mut line));
            len = indent.chars().count();
        }
        if !line.is_empty() {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += w;
    }
    lines.push(line);
    let prefix = if colour { format!("\u{1b}[36m{PREFIX}\u{1b}[39m") } else { PREFIX.to_string() };
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(if i == 0 { &prefix } else { &indent });
        out.push_str(l);
        out.push('\n');
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    severity: Severity,
    code: &'a str,
    /// The language of `message`, `label`, `help` and the related labels.
    lang: Lang,
    message: &'a str,
    #[serde(flatten)]
    location: Location,
    end: Location,
    /// The text at fault; its first [`MAX_SHOWN_LINE`] characters when longer.
    text: &'a str,
    /// Set when `text` was cut short.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    text_truncated: bool,
    label: Option<&'a str>,
    help: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    #[serde(flatten)]
    location: Location,
    label: &'a str,
}

fn end_location(sources: &SourceMap, span: Span) -> Location {
    sources.location(Span { start: span.end, ..span })
}

fn render_json(diags: &[Diagnostic], sources: &SourceMap, lang: Lang) -> String {
    let items: Vec<JsonDiag<'_>> = diags
        .iter()
        .map(|d| JsonDiag {
            severity: d.severity,
            code: d.code,
            lang,
            message: &d.message,
            location: sources.location(d.span),
            end: end_location(sources, d.span),
            text: shown(sources.slice(d.span)),
            text_truncated: shown(sources.slice(d.span)).len() < sources.slice(d.span).len(),
            label: d.label.as_deref(),
            help: d.help.as_deref(),
            related: d
                .related
                .iter()
                .map(|(s, l)| JsonRelated { location: sources.location(*s), label: l })
                .collect(),
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&items).unwrap_or_else(|_| String::from("[]"));
    s.push('\n');
    s
}

/// Pairs a diagnostic with its source text for miette.
struct Adapter<'a> {
    diag: &'a Diagnostic,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
    /// Whether miette writes the help line (in English only: it says `help:`).
    help: bool,
}

impl<'a> Adapter<'a> {
    fn new(diag: &'a Diagnostic, sources: &SourceMap, lang: Lang) -> Adapter<'a> {
        let (name, text): (String, Arc<str>) = sources
            .get(diag.span.file)
            .map_or((String::new(), Arc::from("")), |f| (f.name.clone(), Arc::clone(&f.text)));
        let mut labels = Vec::new();
        // A line too long to show (a minified JSON file, a runaway cell) is left out: the
        // location line above still says where, and the output stays readable.
        let spans = std::iter::once(diag.span).chain(diag.related.iter().map(|(s, _)| *s));
        if spans.filter(|s| s.file == diag.span.file).any(|s| line_too_long(&text, s)) {
            return Adapter {
                diag,
                source: NamedSource::new(name, Arc::from("")).with_language("thidua"),
                labels,
                help: lang == Lang::En,
            };
        }
        let main = diag.label.clone().unwrap_or_else(|| String::from(lang.pick("here", "tại đây")));
        labels.push(LabeledSpan::new_primary_with_span(Some(main), to_source_span(diag.span)));
        for (span, label) in &diag.related {
            if span.file == diag.span.file {
                labels.push(LabeledSpan::new_with_span(Some(label.clone()), to_source_span(*span)));
            }
        }
        Adapter {
            diag,
            source: NamedSource::new(name, text).with_language("thidua"),
            labels,
            help: lang == Lang::En,
        }
    }
}

/// Lines longer than this are not shown under a diagnostic.
const MAX_SHOWN_LINE: usize = 1_000;
/// Quoted user text longer than this (in characters) is shortened in messages.
const MAX_QUOTE: usize = 80;

/// At most the first [`MAX_SHOWN_LINE`] characters of a text.
fn shown(text: &str) -> &str {
    text.char_indices().nth(MAX_SHOWN_LINE).and_then(|(i, _)| text.get(..i)).unwrap_or(text)
}

/// Whether the lines a span touches are too long to show.
fn line_too_long(text: &str, span: Span) -> bool {
    let (start, end) = (span.start as usize, span.end as usize);
    let line_start = text.get(..start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    let line_end = text.get(end..).and_then(|t| t.find('\n')).map_or(text.len(), |i| end + i);
    line_end.saturating_sub(line_start) > MAX_SHOWN_LINE
}

/// Whether a message, label or help quotes a long text in backticks.
fn has_long_quote(d: &Diagnostic) -> bool {
    let long = |t: &str| t.split('`').skip(1).step_by(2).any(|q| q.chars().count() > MAX_QUOTE);
    long(&d.message)
        || d.label.as_deref().is_some_and(long)
        || d.help.as_deref().is_some_and(long)
        || d.related.iter().any(|(_, l)| long(l))
}

/// The diagnostic with every long backticked text shortened to its start, an ellipsis and
/// its length, so that a huge cell cannot flood the output.
fn elide_quotes(d: &Diagnostic, lang: Lang) -> Diagnostic {
    let elide = |t: &str| -> String {
        let mut out = String::with_capacity(t.len().min(1_000));
        for (i, part) in t.split('`').enumerate() {
            if i > 0 {
                out.push('`');
            }
            let n = part.chars().count();
            if i % 2 == 1 && n > MAX_QUOTE {
                out.extend(part.chars().take(MAX_QUOTE / 2));
                out.push_str(&match lang {
                    Lang::En => format!("… ({n} characters)"),
                    Lang::Vi => format!("… ({n} ký tự)"),
                });
            } else {
                out.push_str(part);
            }
        }
        out
    };
    Diagnostic {
        message: elide(&d.message),
        label: d.label.as_deref().map(elide),
        help: d.help.as_deref().map(elide),
        related: d.related.iter().map(|(s, l)| (*s, elide(l))).collect(),
        ..d.clone()
    }
}

fn to_source_span(span: Span) -> SourceSpan {
    SourceSpan::new((span.start as usize).into(), (span.end - span.start) as usize)
}

impl fmt::Debug for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Adapter").field("code", &self.diag.code).finish()
    }
}

impl fmt::Display for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Adapter<'_> {}

impl miette::Diagnostic for Adapter<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag.help.as_ref().filter(|_| self.help).map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}
