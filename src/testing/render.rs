//! Presenting test results: text for people (English or Vietnamese labels) and JSON.
//!
//! Output is a pure function of the reports: cases keep file order, coverage items keep
//! rule-file order, and locations are `file:line:column` as the files were named.

use std::fmt::Write as _;

use super::{CaseReport, FileReport};
use crate::diag::{Diagnostic, Format, SourceMap};
use crate::lang::Lang;

/// The words of the text output, per language.
struct Words {
    ok: &'static str,
    failed: &'static str,
    expected: &'static str,
    actual: &'static str,
    decided_by: &'static str,
    error: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            ok: "ok",
            failed: "FAILED",
            expected: "expected",
            actual: "actual",
            decided_by: "decided by",
            error: "error",
        },
        Lang::Vi => Words {
            ok: "đạt",
            failed: "KHÔNG ĐẠT",
            expected: "mong đợi",
            actual: "thực tế",
            decided_by: "quyết định bởi",
            error: "lỗi",
        },
    }
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// One test file's results as text: a line per case, the failures with their diffs and
/// deciding rules, a summary line and the coverage.
pub fn text(report: &FileReport, lang: Lang) -> String {
    let w = words(lang);
    let mut out = String::new();
    let data = report.data.as_deref().map(|d| format!(", data {d}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "{}: {} {} {}, {} {}{data}",
        report.file,
        report.cases.len(),
        lang.pick("cases against", "trường hợp với"),
        report.rules,
        lang.pick("cycle", "chu kỳ"),
        report.cycle,
    );
    let width = w.ok.chars().count().max(w.failed.chars().count()) + 2;
    for case in &report.cases {
        let status = if case.passed { w.ok } else { w.failed };
        let _ = writeln!(out, "{}{}", pad(status, width), case.name);
        if !case.passed {
            case_details(&mut out, case, &w);
        }
    }
    let passed = report.passed();
    let failed = report.failed();
    let expectations: usize = report.cases.iter().map(|c| c.expectations).sum();
    let verdict = if failed == 0 { w.ok } else { w.failed };
    let _ = writeln!(
        out,
        "\n{}: {verdict}. {passed} {}, {failed} {} {} {} ({expectations} {})",
        lang.pick("result", "kết quả"),
        lang.pick("passed", "đạt"),
        lang.pick("failed of", "không đạt trong"),
        report.cases.len(),
        lang.pick("cases", "trường hợp"),
        lang.pick("expectations", "kỳ vọng"),
    );
    coverage(&mut out, report, lang);
    out
}

fn case_details(out: &mut String, case: &CaseReport, w: &Words) {
    let width = w.expected.chars().count().max(w.actual.chars().count()) + 1;
    for f in &case.failures {
        let _ = writeln!(out, "  {}: {}", f.location, f.expectation);
        let _ = writeln!(out, "    - {} {}", pad(&format!("{}:", w.expected), width), f.expected);
        let _ = writeln!(out, "    + {} {}", pad(&format!("{}:", w.actual), width), f.actual);
        for d in &f.decided_by {
            let detail =
                if d.detail.is_empty() { String::new() } else { format!(" ({})", d.detail) };
            let _ = writeln!(out, "    {} {}: {}{detail}", w.decided_by, d.location, d.rule);
        }
    }
    if let Some(e) = &case.error {
        let _ = writeln!(out, "  {}: {}: {} [{}]", w.error, e.location, e.message, e.code);
    }
}

fn coverage(out: &mut String, report: &FileReport, lang: Lang) {
    let c = &report.coverage;
    let percent = (c.covered * 100).checked_div(c.items).unwrap_or(100);
    let excused = match c.excused.len() {
        0 => String::new(),
        n => format!(
            ", {n} {}",
            lang.pick("excused as unreachable", "được miễn vì không thể đạt tới")
        ),
    };
    let _ = writeln!(
        out,
        "{}: {} {} {} {} ({percent}%){excused}",
        lang.pick("coverage", "độ phủ"),
        c.covered,
        lang.pick("of", "trên"),
        c.items,
        lang.pick("items", "mục"),
    );
    if !c.uncovered.is_empty() {
        let _ = writeln!(out, "  {}:", lang.pick("not covered", "chưa được kiểm thử"));
        for item in &c.uncovered {
            let _ = writeln!(out, "    {}: {}", item.location, item.item);
        }
    }
    if !c.excused.is_empty() {
        let _ = writeln!(out, "  {}:", lang.pick("excused", "được miễn"));
        for e in &c.excused {
            let _ = writeln!(out, "    {}: {}: {}", e.location, e.item, e.reason);
            if e.covered {
                let _ = writeln!(
                    out,
                    "      {} {}",
                    lang.pick(
                        "a case covers it anyway: drop the `unreachable` line at",
                        "đã có trường hợp kiểm thử mục này: bỏ dòng `unreachable` tại"
                    ),
                    e.excused_at
                );
            }
        }
    }
}

/// The JSON document, in this field order.
#[derive(serde::Serialize)]
struct Doc<'a> {
    files: &'a [FileReport],
    diagnostics: serde_json::Value,
    passed: usize,
    failed: usize,
}

/// Every test file's results and every diagnostic as one JSON document:
/// `{ "files": [...], "diagnostics": [...], "passed": N, "failed": N }`.
pub fn json(reports: &[FileReport], diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let diags: serde_json::Value =
        serde_json::from_str(&crate::diag::render(diagnostics, sources, Format::Json))
            .unwrap_or(serde_json::Value::Array(Vec::new()));
    let doc = Doc {
        files: reports,
        diagnostics: diags,
        passed: reports.iter().map(FileReport::passed).sum(),
        failed: reports.iter().map(FileReport::failed).sum(),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
