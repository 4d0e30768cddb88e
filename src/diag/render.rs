//! Rendering diagnostics as text (through miette's graphical handler) or JSON.
//!
//! This is the only place where our [`Span`] becomes a miette `SourceSpan`.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;

use super::{Diagnostic, Format, Location, Severity, SourceMap, Span};

/// Render diagnostics in the given format. Human and plain output end with a summary line.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, format: Format) -> String {
    match format {
        Format::Json => render_json(diags, sources),
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
                .with_width(100)
                .with_links(false)
                .without_primary_span_start();
            let mut out = String::new();
            for d in diags {
                let loc = sources.location(d.span);
                out.push_str(&format!("{loc}: "));
                let report = Adapter::new(d, sources);
                if handler.render_report(&mut out, &report).is_err() {
                    out.push_str(&format!("{}: {}\n", d.code, d.message));
                }
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let warnings = diags.len() - errors;
            if !diags.is_empty() {
                out.push_str(&format!(
                    "{errors} error{}, {warnings} warning{}\n",
                    plural(errors),
                    plural(warnings)
                ));
            }
            out
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    severity: Severity,
    code: &'a str,
    message: &'a str,
    #[serde(flatten)]
    location: Location,
    end: Location,
    text: &'a str,
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

fn render_json(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let items: Vec<JsonDiag<'_>> = diags
        .iter()
        .map(|d| JsonDiag {
            severity: d.severity,
            code: d.code,
            message: &d.message,
            location: sources.location(d.span),
            end: end_location(sources, d.span),
            text: sources.slice(d.span),
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
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
}

impl<'a> Adapter<'a> {
    fn new(diag: &'a Diagnostic, sources: &SourceMap) -> Adapter<'a> {
        let (name, text) = sources
            .get(diag.span.file)
            .map_or((String::new(), String::new()), |f| (f.name.clone(), f.text.to_string()));
        let mut labels = Vec::new();
        let main = diag.label.clone().unwrap_or_else(|| String::from("here"));
        labels.push(LabeledSpan::new_primary_with_span(Some(main), to_source_span(diag.span)));
        for (span, label) in &diag.related {
            if span.file == diag.span.file {
                labels.push(LabeledSpan::new_with_span(Some(label.clone()), to_source_span(*span)));
            }
        }
        Adapter { diag, source: NamedSource::new(name, text).with_language("thidua"), labels }
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
        self.diag.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}
