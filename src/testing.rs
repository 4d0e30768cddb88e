//! Test cases for rule sets: `.test` files and the runner behind `thidua test`.
//!
//! Each cycle a council secretary copies last year's rule file and changes thresholds and
//! criteria. A `.test` file beside it (`rules/vksnd_tinh.test` for `rules/vksnd_tinh.rules`)
//! states, case by case, what the council means the rules to decide: an entity's score,
//! grade and rank, and its award outcomes with the reasons. The runner evaluates each case,
//! reports every expectation that does not hold with the expected and actual decision and
//! the location of both the expectation and the rule that decided, and lists the coverage
//! items (requirements, disqualifiers, quotas, criteria, bonus and penalty items, grade
//! bands) that no case exercised.
//!
//! # The file format
//!
//! Grammar, with comments: `grammar/tests.pest`. Comments run from `//` to the end of line.
//!
//! ```text
//! tests for "vksnd_tinh.rules" cycle 2025 data "sample"
//!
//! defaults can_bo { nu: false, ngay_tuyen_dung: 2015-03-01, xep_loai: HTT }
//!
//! unreachable quota of co_thi_dua_nganh because "only the unit ranked 1st qualifies"
//!
//! case "HTXS ba năm liền được CSTĐ ngành" {
//!   given can_bo cb_x in dv01 { ho_ten: "Cán bộ X", xep_loai: HTXS, sang_kien: nganh }
//!   given can_bo cb001 { ky_luat: khien_trach }
//!   history cb_x { 2023: cstdcs, 2024: cstdcs htxs }
//!   expect dv01 score >= 80 grade tot rank 1
//!   expect cb_x cstd_nganh eligible reward 7_020_000
//!   expect cb001 lao_dong_tien_tien disqualified
//!     because disqualify "Bị kỷ luật từ khiển trách trở lên"
//!   expect dv01 kien_nghi_phong_ngua 8
//! }
//! ```
//!
//! - **Header.** `tests for "FILE"` names the rule file, relative to the test file
//!   (`thidua test --rules OTHER` runs the same cases against another file). `cycle` picks
//!   the cycle (default: the rule set's own). `data "DIR"` names a base data set (CSV
//!   directory or JSON, relative to the test file) that every case starts from.
//! - **Worlds.** A case starts from the base data, or from nothing with
//!   `case "…" from scratch { … }`. `given KIND ID [like OTHER] [in PARENT] { field: value, … }`
//!   creates an entity, or changes one that exists (only the fields written). A new entity
//!   takes its fields from `like OTHER` (fields and parent), else from the file's
//!   `defaults KIND { … }`, else from the rule file's `default`s; a field left without a value
//!   is an error. Values are typed by the field: numbers, `70%`, `2025-12-31`, `"text"`,
//!   `true`/`false`, enumeration variants by name. `history ID [only] { 2024: a b, 2023: a }`
//!   adds past-cycle awards, marks or externs (`only` first drops the entity's other
//!   history; an `extern`, known only from history, may also be given for the cycle itself).
//!   Cases are independent: each starts again from the base data, and only a case that
//!   changes it gets its own copy; a run holds one case's world at a time.
//! - **Expectations.** `expect ID score [cmp] N grade G rank [cmp] N` (any of the three;
//!   `cmp` is `>=`, `<=`, `>`, `<`; equality otherwise; scores compare at two decimals);
//!   `expect ID AWARD eligible [reward N]`, `not eligible`, `disqualified` or `over quota`;
//!   `because require "label", disqualify #2` lists *exactly* the conditions that decided
//!   (the requirements that failed, or the disqualifiers that held; by label or number);
//!   `expect ID ITEM [cmp] N` checks the points of a criterion, or of a bonus or penalty item
//!   (a penalty's points are the points deducted). `kind/id` names an entity whose id
//!   repeats across kinds.
//! - **Unreachable items.** `unreachable ITEM because "why"` excuses a coverage item no
//!   case can reach, named in the words the coverage report prints
//!   (`require "label" of AWARD`, `disqualify #1 of AWARD`, `quota of AWARD`,
//!   `eligible of AWARD`, `criterion NAME`, `bonus NAME`, `penalty NAME`, `grade NAME`).
//!
//! An item is covered when an expectation pins it down: `eligible of A` by an `A eligible`
//! expectation; a requirement or disqualifier by being named after `because`; a quota by an
//! `over quota` expectation; a criterion, bonus or penalty by a checked `score` it added
//! points to, or by a points expectation naming it; a grade band by a `grade` expectation
//! naming it.
//!
//! Every name is checked against the compiled rule set before any case runs; a mistake is a
//! located diagnostic with a "did you mean" help, so a typo never passes silently.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diag::{Diagnostic, Location, SourceMap, Span};

mod coverage;
mod render;
mod run;
mod syntax;
mod world;

#[cfg(test)]
mod tests;

pub use render::{json, text};

/// Why a test file could not be run at all.
#[derive(Debug, thiserror::Error)]
pub enum TestError {
    /// A file given on the command line could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The test file, its rule file or its data failed to check; the diagnostics say where.
    #[error("the test file failed to check")]
    Invalid(Vec<Diagnostic>),
}

/// The results of one test file.
#[derive(Clone, Debug, Serialize)]
pub struct FileReport {
    /// The test file, as given.
    pub file: String,
    /// The rule file the cases ran against.
    pub rules: String,
    /// The cycle evaluated.
    pub cycle: i32,
    /// The base data set, if any.
    pub data: Option<String>,
    /// Each case, in file order.
    pub cases: Vec<CaseReport>,
    /// What the cases exercised.
    pub coverage: Coverage,
}

impl FileReport {
    /// Number of cases that passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed).count()
    }

    /// Number of cases that failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

/// One case's result.
#[derive(Clone, Debug, Serialize)]
pub struct CaseReport {
    /// The case's name.
    pub name: String,
    /// Where the case starts.
    pub location: Location,
    /// Whether every expectation held.
    pub passed: bool,
    /// Number of expectations.
    pub expectations: usize,
    /// The expectations that did not hold.
    pub failures: Vec<Failure>,
    /// A runtime error that stopped the case (such as a division by zero in its world).
    pub error: Option<CaseError>,
}

/// An evaluation error inside a case.
#[derive(Clone, Debug, Serialize)]
pub struct CaseError {
    /// Where, in the rule file.
    pub location: Location,
    /// The diagnostic code.
    pub code: String,
    /// The message.
    pub message: String,
}

/// An expectation that did not hold.
#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    /// Where the expectation is written.
    pub location: Location,
    /// The expectation as written.
    pub expectation: String,
    /// What it expected, in test-file words.
    pub expected: String,
    /// What the rules decided, in the same words.
    pub actual: String,
    /// The rules that decided the actual result.
    pub decided_by: Vec<Decider>,
}

/// A rule that decided a result.
#[derive(Clone, Debug, Serialize)]
pub struct Decider {
    /// Where the rule is written.
    pub location: Location,
    /// The rule: its kind and label, and its text.
    pub rule: String,
    /// What it did or read (`does not hold`, a score breakdown…).
    pub detail: String,
}

/// Coverage of one rule set by one test file.
#[derive(Clone, Debug, Serialize)]
pub struct Coverage {
    /// Items counted (all items less the excused ones).
    pub items: usize,
    /// Items counted that some case covered.
    pub covered: usize,
    /// Items no case covered, in file order.
    pub uncovered: Vec<CoverageItem>,
    /// Items the test file declares unreachable.
    pub excused: Vec<ExcusedItem>,
}

/// An item of the rule set.
#[derive(Clone, Debug, Serialize)]
pub struct CoverageItem {
    /// The item, as `unreachable` would name it (`require "…" of lao_dong_tien_tien`).
    pub item: String,
    /// Where it is declared in the rule file.
    pub location: Location,
}

/// An item excused by `unreachable … because "…"`.
#[derive(Clone, Debug, Serialize)]
pub struct ExcusedItem {
    /// The item.
    pub item: String,
    /// Where it is declared in the rule file.
    pub location: Location,
    /// The reason the test file gives.
    pub reason: String,
    /// Where the test file excuses it.
    pub excused_at: Location,
    /// Whether a case covers it anyway (then the excuse is wrong).
    pub covered: bool,
}

/// Run one test file. `rules` replaces the rule file the test file names.
///
/// Every file read is added to `sources`, so the caller can render the diagnostics of a
/// [`TestError::Invalid`].
///
/// # Errors
///
/// [`TestError::Io`] when the test file or the `rules` override cannot be read;
/// [`TestError::Invalid`] when the test file, the rule file or the base data has errors
/// (then no case runs).
pub fn run_file(
    path: &Path,
    rules: Option<&Path>,
    sources: &mut SourceMap,
) -> Result<FileReport, TestError> {
    let text = read_text(path)?;
    let test_file = sources.add(path.display().to_string(), text.as_str());
    let parsed = syntax::parse(&text, test_file).map_err(|d| TestError::Invalid(vec![*d]))?;
    let dir = path.parent().unwrap_or_else(|| Path::new(""));
    let rules_path = match rules {
        Some(p) => p.to_path_buf(),
        None => beside(dir, &parsed.rules.text),
    };
    let rules_text = match read_text(&rules_path) {
        Ok(t) => t,
        Err(e) if rules.is_some() => return Err(e),
        Err(e) => {
            return Err(TestError::Invalid(vec![unreadable(parsed.rules.span, &e, "rule file")]));
        }
    };
    let rules_name = rules_path.display().to_string();
    let checked = crate::check::check_source(&rules_name, &rules_text, sources)
        .map_err(TestError::Invalid)?;
    let program = &checked.program;
    let rules_file = program.span.file;
    let cycle = crate::eval::resolve_cycle(program, parsed.cycle.map(|(y, _)| y)).map_err(|d| {
        let d = match parsed.cycle {
            Some((_, span)) => d.with_related(span, "the cycle this test file names"),
            None => *d,
        };
        TestError::Invalid(vec![d])
    })?;
    let base = match &parsed.data {
        None => None,
        Some(d) => {
            let data_path = beside(dir, &d.text);
            match crate::data::load_dir(&program.schema, &data_path, sources) {
                Ok(data) => Some((data, data_path.display().to_string())),
                Err(crate::data::LoadError::Invalid(diags)) => {
                    return Err(TestError::Invalid(diags));
                }
                Err(e @ crate::data::LoadError::Io { .. }) => {
                    return Err(TestError::Invalid(vec![unreadable(d.span, &e, "data set")]));
                }
            }
        }
    };
    let checked = world::check(&parsed, program, base.as_ref().map(|(d, _)| d), cycle)
        .map_err(TestError::Invalid)?;
    let excuses = &checked.excuses;
    let bands = coverage::band_spans(program, &rules_text, rules_file);
    let mut reports = Vec::with_capacity(checked.len());
    let mut covered = Vec::new();
    // One world at a time: each case is built again from the checked file, run, and dropped.
    for case in (0..checked.len()).filter_map(|i| checked.case(i)) {
        let run = run::run_case(program, sources, &bands, cycle, &case);
        reports.push(run.report);
        covered.extend(run.covered);
    }
    covered.sort_unstable();
    covered.dedup();
    let is_covered = |item: &coverage::Item| covered.binary_search(item).is_ok();
    let mut cov = Coverage { items: 0, covered: 0, uncovered: Vec::new(), excused: Vec::new() };
    for (item, span) in coverage::items(program, &bands) {
        let described = coverage::describe(program, item);
        let location = sources.location(span);
        if let Some(ex) = excuses.iter().find(|e| e.item == item) {
            cov.excused.push(ExcusedItem {
                item: described,
                location,
                reason: ex.reason.clone(),
                excused_at: sources.location(ex.span),
                covered: is_covered(&item),
            });
            continue;
        }
        cov.items += 1;
        if is_covered(&item) {
            cov.covered += 1;
        } else {
            cov.uncovered.push(CoverageItem { item: described, location });
        }
    }
    Ok(FileReport {
        file: path.display().to_string(),
        rules: rules_name,
        cycle: cycle.year,
        data: base.map(|(_, name)| name),
        cases: reports,
        coverage: cov,
    })
}

/// A path written in a test file, relative to the test file's folder, with `..` folded
/// away where it follows a folder name (`rules/../x` is `x`), so reports name files as a
/// reader would. Symbolic links are not resolved.
fn beside(dir: &Path, rel: &str) -> PathBuf {
    use std::path::Component;
    let mut parts: Vec<Component<'_>> = Vec::new();
    let joined = dir.join(rel);
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.iter().collect()
}

fn read_text(path: &Path) -> Result<String, TestError> {
    let io = |source| TestError::Io { path: path.to_path_buf(), source };
    let bytes = std::fs::read(path).map_err(io)?;
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).map_or(bytes.clone(), <[u8]>::to_vec);
    String::from_utf8(bytes).map_err(|e| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()),
        ))
    })
}

/// A path written in the test file that cannot be read.
fn unreadable(span: Span, err: &dyn std::fmt::Display, what: &str) -> Diagnostic {
    Diagnostic::error("test::unreadable", span, format!("{err}"))
        .with_label(format!("this {what}"))
        .with_help("paths in a test file are relative to the test file's folder")
}
