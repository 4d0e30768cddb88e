//! Loading one cycle's input data (entity tables and award history) against a [`Schema`].
//!
//! A cycle's data is one table per entity kind plus an optional award history. It comes either
//! as a directory of CSV files or as one JSON document:
//!
//! - `<kind>.csv` for every kind in the schema (`cum.csv`, `don_vi.csv`, `can_bo.csv`), with a
//!   header row naming the columns: `id`, the parent kind's name when the kind has one (`cum`
//!   in `don_vi.csv`), and one column per field. Columns may come in any order; a column whose
//!   field has a default may be left out, and an empty cell takes the field's default.
//! - `history.csv` (optional) with the columns `entity,award,cycle`: which entity held which
//!   title, commendation, mark or external award in which past cycle.
//! - or `data.json`: `{ "<kind>": [ { "id": …, "<parent>": …, "<field>": … } ], "history":
//!   [ { "entity": …, "award": …, "cycle": 2024 } ] }`.
//!
//! Every problem is a [`Diagnostic`] whose span points at the cell, header or JSON value at
//! fault, in a file added to the caller's [`SourceMap`]. Loading goes on after an error so that
//! one run reports many problems, up to [`MAX_ERRORS`]; any error rejects the whole data set.
//!
//! INVARIANT: kinds are loaded parents first, so a row's parent id is checked against a table
//! that is already complete. Nothing here iterates a hash map, and nothing panics on any input.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::fuzzy;
use crate::diag::{Diagnostic, FileId, SourceMap, Span};
use crate::model::{Dataset, FactId, History, KindId, Schema, Table, Value};

mod cell;
mod csv_file;
mod json_file;
mod xlsx;
pub use xlsx::xlsx_to_csv;

#[cfg(test)]
pub(crate) mod test_schema;
#[cfg(test)]
mod tests;

use cell::Raw;

/// How many errors one load reports before it stops looking for more.
pub const MAX_ERRORS: usize = 50;

/// The name of the optional award history file in a data directory.
pub const HISTORY_FILE: &str = "history.csv";

/// The name of the JSON data file in a data directory.
pub const JSON_FILE: &str = "data.json";

/// Errors from loading data.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file or directory could not be read (or, for in-memory input, was not given).
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path that could not be read.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The data was read but is wrong; the diagnostics say where and why.
    #[error("invalid data")]
    Invalid(Vec<Diagnostic>),
}

/// Load a cycle's data from a directory of CSV files, a directory holding `data.json`, or a
/// path to a `.json` file.
///
/// Each file read is added to `sources`, so that diagnostics can show the offending line.
///
/// ```no_run
/// # use thidua::{data, diag::SourceMap, model::Schema};
/// # let schema = Schema::default();
/// let mut sources = SourceMap::new();
/// match data::load_dir(&schema, "rules/sample".as_ref(), &mut sources) {
///     Ok(dataset) => { /* evaluate */ }
///     Err(data::LoadError::Invalid(diags)) => { /* render diags with sources */ }
///     Err(err) => { /* report the I/O error */ }
/// }
/// ```
///
/// # Errors
///
/// [`LoadError::Io`] when a directory or a kind's CSV file cannot be read, or when `dir` is a
/// file other than `.json`; [`LoadError::Invalid`] with the diagnostics when any content is
/// wrong.
pub fn load_dir(
    schema: &Schema,
    dir: &Path,
    sources: &mut SourceMap,
) -> Result<Dataset, LoadError> {
    if dir.is_file() {
        if !dir.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            return Err(LoadError::Io {
                path: dir.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "expected a data directory or a `.json` file",
                ),
            });
        }
        let bytes = read(dir)?;
        let mut loader = Loader::new(schema);
        if let Some((file, text)) = loader.decode(display(dir), bytes, sources) {
            json_file::load(&mut loader, file, &text);
        }
        return loader.finish();
    }
    let names = list_dir(dir)?;
    let has = |name: &str| names.binary_search_by(|n| n.as_str().cmp(name)).is_ok();
    let has_csv = has(HISTORY_FILE) || schema.kinds.iter().any(|k| has(&csv_name(&k.name)));
    let mut loader = Loader::new(schema);
    if has(JSON_FILE) {
        let path = dir.join(JSON_FILE);
        let bytes = read(&path)?;
        let Some((file, text)) = loader.decode(display(&path), bytes, sources) else {
            return loader.finish();
        };
        if has_csv {
            loader.report(
                Diagnostic::error(
                    "data::ambiguous_input",
                    Span::new(file, 0, 0),
                    format!("`{JSON_FILE}` found next to CSV data files"),
                )
                .with_label("this file")
                .with_help("keep either the CSV files or `data.json` in the data directory"),
            );
        } else {
            json_file::load(&mut loader, file, &text);
        }
        return loader.finish();
    }
    for kind in kind_order(schema) {
        let Some(def) = schema.kind_def(kind) else { continue };
        let path = dir.join(csv_name(&def.name));
        let bytes = read(&path)?;
        match loader.decode(display(&path), bytes, sources) {
            Some((file, text)) => csv_file::load_kind(&mut loader, kind, file, &text),
            None => loader.fail(kind),
        }
    }
    if has(HISTORY_FILE) {
        let path = dir.join(HISTORY_FILE);
        let bytes = read(&path)?;
        if let Some((file, text)) = loader.decode(display(&path), bytes, sources) {
            csv_file::load_history(&mut loader, file, &text);
        }
    }
    for name in &names {
        if let Some(known) = near_miss(schema, name) {
            let path = dir.join(name);
            let bytes = read(&path)?;
            let file = sources.add(display(&path), String::from_utf8_lossy(&bytes).into_owned());
            loader.report(unknown_file(file, name, known));
        }
    }
    loader.finish()
}

/// Load a cycle's data from CSV texts held in memory: `(file name, text)` pairs such as
/// `("don_vi.csv", "id,cum,ten,…")`, one per kind plus an optional `history.csv`.
///
/// # Errors
///
/// [`LoadError::Io`] with [`std::io::ErrorKind::NotFound`] when a kind's file is not among
/// `files`; [`LoadError::Invalid`] with the diagnostics when any content is wrong, including
/// a file whose name is neither a kind's nor `history.csv`.
pub fn load_csv_str(
    schema: &Schema,
    files: &[(&str, &str)],
    sources: &mut SourceMap,
) -> Result<Dataset, LoadError> {
    let mut loader = Loader::new(schema);
    for kind in kind_order(schema) {
        let Some(def) = schema.kind_def(kind) else { continue };
        let name = csv_name(&def.name);
        let Some((_, text)) = files.iter().find(|(n, _)| *n == name) else {
            return Err(LoadError::Io {
                path: PathBuf::from(name),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no such file among the given inputs",
                ),
            });
        };
        let text = strip_bom(text);
        let file = sources.add(name, text);
        csv_file::load_kind(&mut loader, kind, file, text);
    }
    for (name, text) in files {
        if *name == HISTORY_FILE {
            let text = strip_bom(text);
            let file = sources.add(*name, text);
            csv_file::load_history(&mut loader, file, text);
        } else if !schema.kinds.iter().any(|k| csv_name(&k.name) == *name) {
            let file = sources.add(*name, *text);
            let known = near_miss(schema, name);
            loader.report(unknown_file(file, name, known.unwrap_or_default()));
        }
    }
    loader.finish()
}

/// Load a cycle's data from a JSON text held in memory; `name` is what diagnostics call the
/// file.
///
/// # Errors
///
/// [`LoadError::Invalid`] with the diagnostics when the text is not valid JSON or its content
/// is wrong.
pub fn load_json_str(
    schema: &Schema,
    name: &str,
    text: &str,
    sources: &mut SourceMap,
) -> Result<Dataset, LoadError> {
    let mut loader = Loader::new(schema);
    let text = strip_bom(text);
    let file = sources.add(name, text);
    json_file::load(&mut loader, file, text);
    loader.finish()
}

/// The CSV file name of a kind.
fn csv_name(kind: &str) -> String {
    format!("{kind}.csv")
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn read(path: &Path) -> Result<Vec<u8>, LoadError> {
    crate::files::read_limited(path, crate::files::MAX_DATA_BYTES, "a data file")
        .map_err(|source| LoadError::Io { path: path.to_path_buf(), source })
}

/// The sorted names of the regular files in a directory.
fn list_dir(dir: &Path) -> Result<Vec<String>, LoadError> {
    let io = |source| LoadError::Io { path: dir.to_path_buf(), source };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        if entry.file_type().map_err(io)?.is_file() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// The expected file name that `name` is probably a misspelling of, if `name` is a `.csv`
/// file that is not itself expected.
fn near_miss(schema: &Schema, name: &str) -> Option<String> {
    let stem = name.strip_suffix(".csv")?;
    let mut expected: Vec<String> = schema.kinds.iter().map(|k| k.name.clone()).collect();
    expected.push(String::from("history"));
    if expected.iter().any(|e| e == stem) {
        return None;
    }
    fuzzy::closest(stem, expected.iter().map(String::as_str)).map(csv_name)
}

fn unknown_file(file: FileId, name: &str, known: String) -> Diagnostic {
    let d = Diagnostic::error(
        "data::unknown_file",
        Span::new(file, 0, 0),
        format!("unexpected data file `{name}`"),
    )
    .with_label("this file");
    if known.is_empty() {
        d.with_help("data files are named after entity kinds (`<kind>.csv`) or `history.csv`")
    } else {
        d.with_help(format!("did you mean `{known}`?"))
    }
}

/// Kinds in an order where every parent comes before its children. Kinds caught in a parent
/// cycle (which a checked schema never has) come last, in declared order.
fn kind_order(schema: &Schema) -> Vec<KindId> {
    let n = schema.kinds.len();
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let is_placed = |placed: &[bool], k: usize| placed.get(k).copied().unwrap_or(true);
    loop {
        let mut progress = false;
        for (i, def) in schema.kinds.iter().enumerate() {
            if is_placed(&placed, i) {
                continue;
            }
            let ready =
                def.parent.is_none_or(|p| p.0 as usize == i || is_placed(&placed, p.0 as usize));
            if ready {
                if let Some(slot) = placed.get_mut(i) {
                    *slot = true;
                }
                order.extend(u32::try_from(i).ok().map(KindId));
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    for (i, done) in placed.iter().enumerate() {
        if !done {
            order.extend(u32::try_from(i).ok().map(KindId));
        }
    }
    order
}

/// How far a kind's table has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KindState {
    /// Not read yet.
    Pending,
    /// Read: its ids can be used to check references, even if some rows had errors.
    Loaded,
    /// Its file could not be used at all (an error has been reported): references to it are
    /// not checked, to avoid a cascade of follow-on errors.
    Failed,
}

/// Column numbers of a kind row, as used by [`Row`]: the id, the parent, then the fields.
const COL_ID: usize = 0;
/// The parent column of a kind row.
const COL_PARENT: usize = 1;
/// The first field column of a kind row; field `f` is column `COL_FIELDS + f`.
const COL_FIELDS: usize = 2;

/// Column numbers of a history row.
const HIST_ENTITY: usize = 0;
/// The award column of a history row.
const HIST_AWARD: usize = 1;
/// The cycle column of a history row.
const HIST_CYCLE: usize = 2;

/// One input row, however it was written (a CSV record or a JSON object).
trait Row {
    /// The raw content of a column, or `None` if the row has no such column.
    fn raw(&self, col: usize) -> Option<Raw<'_>>;
    /// Where a column's content is (falls back to the whole row).
    fn span(&self, col: usize) -> Span;
    /// Where the whole row is, for problems with no single cell.
    fn row_span(&self) -> Span;
    /// Whether a missing column must be reported here (JSON objects), or was already reported
    /// once for the whole file (CSV headers).
    fn report_absent(&self) -> bool;
}

/// The state of one load: the tables built so far and the diagnostics reported.
struct Loader<'s> {
    schema: &'s Schema,
    tables: Vec<Table>,
    states: Vec<KindState>,
    /// `(fact, row, cycle)` of every history row, sorted and grouped in [`Loader::finish`]:
    /// one sort of a flat vector is much cheaper than millions of map insertions.
    held: Vec<(FactId, u32, i32)>,
    diags: Vec<Diagnostic>,
}

impl<'s> Loader<'s> {
    fn new(schema: &'s Schema) -> Loader<'s> {
        let tables = schema
            .kinds
            .iter()
            .map(|k| Table { fields: k.fields.len(), ..Table::default() })
            .collect();
        Loader {
            schema,
            tables,
            states: vec![KindState::Pending; schema.kinds.len()],
            held: Vec::new(),
            diags: Vec::new(),
        }
    }

    /// Record a diagnostic, unless [`MAX_ERRORS`] have already been recorded.
    fn report(&mut self, diag: Diagnostic) {
        if self.diags.len() < MAX_ERRORS {
            self.diags.push(diag);
        }
    }

    /// Whether no more errors will be recorded, so loading can stop.
    fn full(&self) -> bool {
        self.diags.len() >= MAX_ERRORS
    }

    fn state(&self, kind: KindId) -> KindState {
        self.states.get(kind.0 as usize).copied().unwrap_or(KindState::Failed)
    }

    fn set_state(&mut self, kind: KindId, state: KindState) {
        if let Some(s) = self.states.get_mut(kind.0 as usize) {
            *s = state;
        }
    }

    /// How many rows with an id a kind's table has so far.
    fn rows(&self, kind: KindId) -> usize {
        self.tables.get(kind.0 as usize).map_or(0, Table::len)
    }

    /// Mark a kind as unusable (its error has been reported).
    fn fail(&mut self, kind: KindId) {
        self.set_state(kind, KindState::Failed);
    }

    /// Check that a file is UTF-8 (after dropping a byte order mark), add it to `sources`
    /// and return its id and text; on invalid UTF-8, add the lossy text, report the first
    /// invalid byte and return `None`.
    fn decode(
        &mut self,
        name: String,
        mut bytes: Vec<u8>,
        sources: &mut SourceMap,
    ) -> Option<(FileId, Arc<str>)> {
        if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            bytes.drain(..3);
        }
        match String::from_utf8(bytes) {
            Ok(text) => {
                let text: Arc<str> = text.into();
                let file = sources.add(name, Arc::clone(&text));
                Some((file, text))
            }
            Err(err) => {
                let at = err.utf8_error().valid_up_to();
                let utf16 = err.as_bytes().starts_with(&[0xFF, 0xFE])
                    || err.as_bytes().starts_with(&[0xFE, 0xFF]);
                let lossy = String::from_utf8_lossy(err.as_bytes()).into_owned();
                let end = lossy
                    .get(at..)
                    .and_then(|s| s.chars().next())
                    .map_or(at, |c| at + c.len_utf8());
                let file = sources.add(name.as_str(), lossy);
                let help = if utf16 {
                    "the file looks like UTF-16; save it as UTF-8"
                } else {
                    "save the file as UTF-8 (in Excel: “CSV UTF-8 (Comma delimited)”)"
                };
                self.report(
                    Diagnostic::error(
                        "data::bad_encoding",
                        Span::new(file, at, end),
                        format!("`{name}` is not valid UTF-8"),
                    )
                    .with_label("first invalid byte")
                    .with_help(help),
                );
                None
            }
        }
    }

    /// Add one row of `kind`. `earlier(row)` gives the id span of an earlier row, for
    /// duplicate-id reports.
    fn add_row(&mut self, kind: KindId, row: &impl Row, earlier: &dyn Fn(u32) -> Span) {
        let schema = self.schema;
        let Some(def) = schema.kind_def(kind) else { return };
        let k = kind.0 as usize;

        // The id.
        let id = match row.raw(COL_ID).map(Raw::key) {
            Some(Ok(id)) if !id.is_empty() => Some(id),
            Some(Ok(_)) => {
                self.report(
                    Diagnostic::error("data::missing_value", row.span(COL_ID), "missing id")
                        .with_label("empty id")
                        .with_help(format!("every `{}` row needs a unique id", def.name)),
                );
                None
            }
            Some(Err(found)) => {
                self.report(
                    Diagnostic::error(
                        "data::bad_value",
                        row.span(COL_ID),
                        format!("expected an id, found {found}"),
                    )
                    .with_label("not an id")
                    .with_help("write ids as strings, such as `\"dv01\"`"),
                );
                None
            }
            None => {
                if row.report_absent() {
                    self.report(absent(row, "id", &def.name));
                }
                None
            }
        };
        let Some(table) = self.tables.get_mut(k) else { return };
        let row_no = u32::try_from(table.ids.len()).unwrap_or(u32::MAX);
        if let Some(id) = id {
            if let Some(&first) = table.index.get(id) {
                let d = Diagnostic::error(
                    "data::duplicate_id",
                    row.span(COL_ID),
                    format!("duplicate `{}` id `{id}`", def.name),
                )
                .with_label("used again here")
                .with_related(earlier(first), "first used here")
                .with_help("ids must be unique within a kind");
                self.report(d);
            } else {
                let id: Arc<str> = Arc::from(id);
                table.index.insert(Arc::clone(&id), row_no);
                table.ids.push(id);
            }
        }

        // The parent.
        if let Some(parent) = def.parent {
            let parent_row = self.parent_row(parent, &def.name, row);
            if let Some(table) = self.tables.get_mut(k) {
                table.parents.push(parent_row.unwrap_or(0));
            }
        }

        // The fields.
        for (f, field) in def.fields.iter().enumerate() {
            let col = COL_FIELDS + f;
            let value = match row.raw(col) {
                Some(raw) => match cell::parse(schema, field, raw) {
                    Ok(value) => value,
                    Err(err) => {
                        self.report(err.into_diagnostic(row.span(col)));
                        Value::Bool(false)
                    }
                },
                None => match &field.default {
                    Some(value) => value.clone(),
                    None => {
                        if row.report_absent() {
                            self.report(absent(row, &field.name, &def.name));
                        }
                        Value::Bool(false)
                    }
                },
            };
            if let Some(table) = self.tables.get_mut(k) {
                table.values.push(value);
            }
        }
    }

    /// The row of a row's parent in the parent kind's table; reports and returns `None` when
    /// it is missing or unknown.
    fn parent_row(&mut self, parent: KindId, child: &str, row: &impl Row) -> Option<u32> {
        let pname = self.schema.kind_def(parent).map_or("", |p| p.name.as_str());
        match self.state(parent) {
            KindState::Failed => return None,
            KindState::Loaded => {}
            KindState::Pending => {
                let d = Diagnostic::error(
                    "data::unknown_parent",
                    row.span(COL_PARENT),
                    format!("cannot check `{pname}` ids: `{pname}` is not loaded before `{child}`"),
                )
                .with_help("the schema's parent kinds form a cycle; please report this");
                self.report(d);
                return None;
            }
        }
        let key = match row.raw(COL_PARENT).map(Raw::key) {
            Some(Ok(key)) if !key.is_empty() => key,
            Some(Ok(_)) => {
                self.report(
                    Diagnostic::error(
                        "data::missing_value",
                        row.span(COL_PARENT),
                        format!("missing `{pname}`"),
                    )
                    .with_label("empty")
                    .with_help(format!("every `{child}` belongs to a `{pname}`: write its id")),
                );
                return None;
            }
            Some(Err(found)) => {
                self.report(
                    Diagnostic::error(
                        "data::bad_value",
                        row.span(COL_PARENT),
                        format!("expected a `{pname}` id, found {found}"),
                    )
                    .with_label("not an id"),
                );
                return None;
            }
            None => {
                if row.report_absent() {
                    self.report(absent(row, pname, child));
                }
                return None;
            }
        };
        let table = self.tables.get(parent.0 as usize)?;
        if let Some(&r) = table.index.get(key) {
            return Some(r);
        }
        let d = Diagnostic::error(
            "data::unknown_parent",
            row.span(COL_PARENT),
            format!("no `{pname}` with id `{key}`"),
        )
        .with_label(format!("unknown `{pname}`"))
        .with_help(match suggest_id(table, key) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the parent must be an id listed in the `{pname}` data"),
        });
        self.report(d);
        None
    }

    /// Add one history row.
    fn add_history(&mut self, row: &impl Row) {
        let schema = self.schema;
        let award = self.history_key(row, HIST_AWARD, "award");
        let entity = self.history_key(row, HIST_ENTITY, "entity");
        let cycle = match row.raw(HIST_CYCLE) {
            Some(raw) => match cell::parse_year(raw) {
                Ok(year) => Some(year),
                Err(err) => {
                    self.report(err.into_diagnostic(row.span(HIST_CYCLE)));
                    None
                }
            },
            None => {
                if row.report_absent() {
                    self.report(absent(row, "cycle", "history"));
                }
                None
            }
        };
        let Some(award) = award else { return };
        let Some(fact) = schema.fact(award) else {
            let help = match fuzzy::closest(award, schema.facts.iter().map(|f| f.name.as_str())) {
                Some(s) => format!("did you mean `{s}`?"),
                None => String::from(
                    "an award is a title, commendation, mark or extern declared in the rules",
                ),
            };
            self.report(
                Diagnostic::error(
                    "data::unknown_award",
                    row.span(HIST_AWARD),
                    format!("unknown award `{award}`"),
                )
                .with_label("not declared in the rules")
                .with_help(help),
            );
            return;
        };
        let Some(kind) = schema.facts.get(fact.0 as usize).map(|f| f.entity) else { return };
        if self.state(kind) != KindState::Loaded {
            return;
        }
        let Some(entity) = entity else { return };
        let Some(table) = self.tables.get(kind.0 as usize) else { return };
        let kname = schema.kind_def(kind).map_or("", |k| k.name.as_str());
        let Some(&entity_row) = table.index.get(entity) else {
            let help = match suggest_id(table, entity) {
                Some(s) => format!("did you mean `{s}`?"),
                None => {
                    format!("`{award}` is given to `{kname}`: use an id from the `{kname}` data")
                }
            };
            self.report(
                Diagnostic::error(
                    "data::unknown_entity",
                    row.span(HIST_ENTITY),
                    format!("no `{kname}` with id `{entity}`"),
                )
                .with_label(format!("unknown `{kname}`"))
                .with_help(help),
            );
            return;
        };
        if let Some(cycle) = cycle {
            self.held.push((fact, entity_row, cycle));
        }
    }

    /// A history row's award or entity name; reports a missing or malformed one.
    fn history_key<'r>(&mut self, row: &'r impl Row, col: usize, what: &str) -> Option<&'r str> {
        match row.raw(col).map(Raw::key) {
            Some(Ok(key)) if !key.is_empty() => Some(key),
            Some(Ok(_)) => {
                self.report(
                    Diagnostic::error(
                        "data::missing_value",
                        row.span(col),
                        format!("missing `{what}`"),
                    )
                    .with_label("empty")
                    .with_help("each history row names an entity, an award and a cycle"),
                );
                None
            }
            Some(Err(found)) => {
                self.report(
                    Diagnostic::error(
                        "data::bad_value",
                        row.span(col),
                        format!("expected a name for `{what}`, found {found}"),
                    )
                    .with_label("not a name"),
                );
                None
            }
            None => {
                if row.report_absent() {
                    self.report(absent(row, what, "history"));
                }
                None
            }
        }
    }

    /// The data set, or every diagnostic reported.
    fn finish(mut self) -> Result<Dataset, LoadError> {
        if !self.diags.is_empty() {
            crate::diag::sort(&mut self.diags);
            return Err(LoadError::Invalid(self.diags));
        }
        let mut held = self.held;
        held.sort_unstable();
        held.dedup();
        // Sorted input builds the map in one pass; each entity's cycles come out sorted and
        // deduplicated.
        let mut groups: Vec<((FactId, u32), Vec<i32>)> = Vec::new();
        for (fact, row, cycle) in held {
            match groups.last_mut() {
                Some((key, cycles)) if *key == (fact, row) => cycles.push(cycle),
                _ => groups.push(((fact, row), vec![cycle])),
            }
        }
        let history = History::new(groups.into_iter().collect());
        Ok(Dataset { tables: self.tables, history })
    }
}

/// A missing property in a JSON object.
fn absent(row: &impl Row, name: &str, kind: &str) -> Diagnostic {
    Diagnostic::error("data::missing_value", row.row_span(), format!("missing `{name}`"))
        .with_label(format!("this `{kind}` has no `{name}`"))
        .with_help(format!("add `\"{name}\": …` to the object"))
}

/// A likely intended id, for tables small enough to search.
fn suggest_id<'t>(table: &'t Table, id: &str) -> Option<&'t str> {
    const MAX_SEARCH: usize = 10_000;
    if table.len() > MAX_SEARCH {
        return None;
    }
    fuzzy::closest(id, table.ids.iter().map(|s| &**s))
}
