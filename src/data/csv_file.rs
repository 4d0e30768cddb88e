//! Reading a kind's CSV file or `history.csv` into the [`Loader`].
//!
//! The `csv` crate splits records; we compute the byte offsets of cells ourselves, and only
//! when a diagnostic needs one, by rescanning the record from the start offset the reader
//! reports. The scan follows the reader's dialect (`,` separator, `"` quotes with `""` as an
//! escaped quote, `\n`, `\r\n` or `\r` line ends, blank lines skipped), so that a span always
//! covers the cell the value came from.

use csv::StringRecord;

use crate::check::fuzzy;
use crate::diag::{Diagnostic, FileId, Span};
use crate::model::KindId;

use super::cell::Raw;
use super::{
    COL_FIELDS, COL_ID, COL_PARENT, HIST_AWARD, HIST_CYCLE, HIST_ENTITY, KindState, Loader, Row,
};

/// Load one kind's CSV text (without a byte order mark) into the loader.
pub(super) fn load_kind(loader: &mut Loader<'_>, kind: KindId, file: FileId, text: &str) {
    let schema = loader.schema;
    let Some(def) = schema.kind_def(kind) else { return };
    let parent = def.parent.and_then(|p| schema.kind_def(p)).map(|p| p.name.as_str());
    let mut expected: Vec<(&str, bool)> = vec![("id", true)];
    expected.extend(parent.map(|p| (p, true)));
    expected.extend(def.fields.iter().map(|f| (f.name.as_str(), f.default.is_none())));
    // Column number in the row model for each expected name, in `expected` order.
    let cols: Vec<usize> = {
        let mut cols = vec![COL_ID];
        if parent.is_some() {
            cols.push(COL_PARENT);
        }
        cols.extend((0..def.fields.len()).map(|f| COL_FIELDS + f));
        cols
    };
    let mut reader = Records::new(file, text);
    let Some(header) = read_header(loader, &mut reader, &expected, &def.name) else {
        loader.fail(kind);
        return;
    };
    if header.by_expected.first().copied().flatten().is_none() {
        // Without ids no row can be referenced; parse the rest for errors but do not check
        // children against this table.
        loader.fail(kind);
    }
    // Map row-model column → CSV column.
    let width = COL_FIELDS + def.fields.len();
    let mut to_csv = vec![None; width];
    for (e, col) in cols.iter().enumerate() {
        if let (Some(slot), Some(csv_col)) = (to_csv.get_mut(*col), header.by_expected.get(e)) {
            *slot = *csv_col;
        }
    }
    let failed = loader.state(kind) == KindState::Failed;
    if !failed {
        loader.set_state(kind, KindState::Loaded);
    }
    let mut starts: Vec<usize> = Vec::new();
    let id_col = to_csv.first().copied().flatten();
    let mut record = StringRecord::new();
    while !loader.full() {
        if !reader.read_into(loader, &mut record) {
            break;
        }
        // A row with the wrong number of cells is reported once; only its id is taken, so
        // that rows referring to it are not reported as well.
        let only_id = !check_width(loader, &reader, &record, header.width);
        let row =
            CsvRow { text, file, record: &record, to_csv: &to_csv, start: reader.start, only_id };
        let earlier = |r: u32| {
            let start = starts.get(r as usize).copied().unwrap_or(0);
            cell_span(file, text, start, id_col.unwrap_or(0))
        };
        let before = loader.rows(kind);
        loader.add_row(kind, &row, &earlier);
        if loader.rows(kind) > before {
            // INVARIANT: `starts[r]` is where table row `r` (by id) was read.
            starts.push(reader.start);
        }
    }
    if failed {
        loader.fail(kind);
    }
}

/// Load `history.csv` text (without a byte order mark) into the loader.
pub(super) fn load_history(loader: &mut Loader<'_>, file: FileId, text: &str) {
    let expected = [("entity", true), ("award", true), ("cycle", true)];
    let mut reader = Records::new(file, text);
    let Some(header) = read_header(loader, &mut reader, &expected, "history") else { return };
    // INVARIANT: `expected` is in HIST_ENTITY, HIST_AWARD, HIST_CYCLE order.
    let to_csv: Vec<Option<usize>> = [HIST_ENTITY, HIST_AWARD, HIST_CYCLE]
        .iter()
        .map(|&c| header.by_expected.get(c).copied().flatten())
        .collect();
    let mut record = StringRecord::new();
    while !loader.full() {
        if !reader.read_into(loader, &mut record) {
            break;
        }
        if !check_width(loader, &reader, &record, header.width) {
            continue;
        }
        let row = CsvRow {
            text,
            file,
            record: &record,
            to_csv: &to_csv,
            start: reader.start,
            only_id: false,
        };
        loader.add_history(&row);
    }
}

/// The columns found in a header.
struct Header {
    /// For each expected column (in the caller's order), its position in the file.
    by_expected: Vec<Option<usize>>,
    /// Number of cells in the header row.
    width: usize,
}

/// Read and check the header row. Returns `None` (after reporting) when the file has none.
fn read_header(
    loader: &mut Loader<'_>,
    reader: &mut Records<'_>,
    expected: &[(&str, bool)],
    what: &str,
) -> Option<Header> {
    let names = || expected.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let Some(record) = reader.read(loader) else {
        loader.report(
            Diagnostic::error(
                "data::missing_header",
                Span::new(reader.file, 0, 0),
                format!("the `{what}` data has no header row"),
            )
            .with_label("empty file")
            .with_help(format!("the first row must name the columns: {}", names())),
        );
        return None;
    };
    let mut by_expected = vec![None; expected.len()];
    for (i, name) in record.iter().enumerate() {
        let name = name.trim();
        let span = || cell_span(reader.file, reader.text, reader.start, i);
        // Past the error limit nothing more is reported: finding a cell's span scans the
        // header again and a suggestion compares names, which for a header of many thousand
        // bad columns would take quadratic time for messages that are dropped.
        let full = loader.full();
        match expected.iter().position(|(n, _)| *n == name) {
            Some(e) => match by_expected.get(e).copied().flatten() {
                Some(_) if full => {}
                Some(first) => loader.report(
                    Diagnostic::error(
                        "data::duplicate_column",
                        span(),
                        format!("duplicate column `{name}`"),
                    )
                    .with_label("named again here")
                    .with_related(
                        cell_span(reader.file, reader.text, reader.start, first),
                        "first named here",
                    )
                    .with_help("each column may appear only once"),
                ),
                None => {
                    if let Some(slot) = by_expected.get_mut(e) {
                        *slot = Some(i);
                    }
                }
            },
            None if full => {}
            None if name.is_empty() => loader.report(
                Diagnostic::error("data::unknown_column", span(), "column without a name")
                    .with_label("empty column name")
                    .with_help(format!("the `{what}` columns are {}", names())),
            ),
            None => {
                let help = match fuzzy::closest(name, expected.iter().map(|(n, _)| *n)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the `{what}` columns are {}", names()),
                };
                loader.report(
                    Diagnostic::error(
                        "data::unknown_column",
                        span(),
                        format!("unknown column `{name}` for `{what}`"),
                    )
                    .with_label("not a column of this file")
                    .with_help(help),
                );
            }
        }
    }
    let header_span = row_span(reader.file, reader.text, reader.start);
    for ((name, required), found) in expected.iter().zip(&by_expected) {
        if *required && found.is_none() {
            loader.report(
                Diagnostic::error(
                    "data::missing_column",
                    header_span,
                    format!("missing column `{name}` for `{what}`"),
                )
                .with_label("in this header")
                .with_help(format!("add a `{name}` column; the `{what}` columns are {}", names())),
            );
        }
    }
    Some(Header { by_expected, width: record.len() })
}

/// Report a row whose number of cells differs from the header's.
fn check_width(
    loader: &mut Loader<'_>,
    reader: &Records<'_>,
    record: &StringRecord,
    width: usize,
) -> bool {
    if record.len() == width {
        return true;
    }
    loader.report(
        Diagnostic::error(
            "data::bad_row",
            row_span(reader.file, reader.text, reader.start),
            format!("row has {} cells but the header has {width}", record.len()),
        )
        .with_label(if record.len() < width { "too few cells" } else { "too many cells" })
        .with_help("every row needs one cell per header column; quote cells that contain `,`"),
    );
    false
}

/// The records of one CSV text, with the byte offset where the current one starts.
struct Records<'t> {
    file: FileId,
    text: &'t str,
    reader: csv::Reader<&'t [u8]>,
    /// Where the last record read starts (after any skipped blank lines).
    start: usize,
}

impl<'t> Records<'t> {
    fn new(file: FileId, text: &'t str) -> Records<'t> {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        Records { file, text, reader, start: 0 }
    }

    /// The next record, or `None` at the end (or, after reporting, on a reader error).
    fn read(&mut self, loader: &mut Loader<'_>) -> Option<StringRecord> {
        let mut record = StringRecord::new();
        self.read_into(loader, &mut record).then_some(record)
    }

    /// Read the next record into `record`, reusing its buffers (one allocation per file
    /// rather than per row); `false` at the end (or, after reporting, on a reader error).
    fn read_into(&mut self, loader: &mut Loader<'_>, record: &mut StringRecord) -> bool {
        match self.reader.read_record(record) {
            Ok(true) => {
                let pos = record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
                self.start = skip_line_ends(self.text, pos);
                true
            }
            Ok(false) => false,
            Err(err) => {
                let at =
                    err.position().map_or(self.start, |p| usize::try_from(p.byte()).unwrap_or(0));
                let at = skip_line_ends(self.text, at);
                loader.report(
                    Diagnostic::error(
                        "data::bad_csv",
                        row_span(self.file, self.text, at),
                        format!("cannot read this row: {err}"),
                    )
                    .with_help("check the quoting of this row"),
                );
                false
            }
        }
    }
}

/// One CSV record seen through the row model.
struct CsvRow<'r> {
    text: &'r str,
    file: FileId,
    record: &'r StringRecord,
    /// CSV column for each row-model column.
    to_csv: &'r [Option<usize>],
    start: usize,
    /// Show only the id column (for a row whose cells do not line up with the header).
    only_id: bool,
}

impl Row for CsvRow<'_> {
    fn raw(&self, col: usize) -> Option<Raw<'_>> {
        if self.only_id && col != COL_ID {
            return None;
        }
        let csv_col = self.to_csv.get(col).copied().flatten()?;
        self.record.get(csv_col).map(Raw::Text)
    }

    fn span(&self, col: usize) -> Span {
        match self.to_csv.get(col).copied().flatten() {
            Some(c) => cell_span(self.file, self.text, self.start, c),
            None => self.row_span(),
        }
    }

    fn row_span(&self) -> Span {
        row_span(self.file, self.text, self.start)
    }

    fn report_absent(&self) -> bool {
        false
    }
}

/// Skip `\r` and `\n` at `at`: the reader reports a record's position before the blank lines
/// and line end it skipped.
fn skip_line_ends(text: &str, mut at: usize) -> usize {
    let b = text.as_bytes();
    while matches!(b.get(at), Some(b'\r' | b'\n')) {
        at += 1;
    }
    at
}

/// The span of cell `col` (trimmed, without its quotes) of the record starting at `start`;
/// the whole record if it has no such cell.
pub(super) fn cell_span(file: FileId, text: &str, start: usize, col: usize) -> Span {
    let cells = cells(text, start);
    match cells.get(col) {
        Some(&(s, e)) => {
            let cell = text.get(s..e).unwrap_or("");
            let lead = cell.len() - cell.trim_start().len();
            let trail = cell.len() - cell.trim_end().len();
            if lead + trail >= cell.len() {
                Span::new(file, s, s)
            } else {
                Span::new(file, s + lead, e - trail)
            }
        }
        None => row_span(file, text, start),
    }
}

/// The span of the record starting at `start`, up to its line end (for a quoted cell with a
/// line break, up to the end of the record).
fn row_span(file: FileId, text: &str, start: usize) -> Span {
    let end = cells(text, start).last().map_or(start, |&(_, e)| e);
    let b = text.as_bytes();
    let mut end = end;
    // Include a closing quote of the last cell.
    while matches!(b.get(end), Some(b'"')) {
        end += 1;
    }
    Span::new(file, start, end)
}

/// The byte ranges of the cells of the record starting at `start`: the content between the
/// quotes for a quoted cell (the whole raw cell if text follows its closing quote).
fn cells(text: &str, start: usize) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let is_end = |c: u8| matches!(c, b',' | b'\n' | b'\r');
    let mut cells = Vec::new();
    let mut i = start;
    loop {
        if b.get(i) == Some(&b'"') {
            let open = i;
            i += 1;
            let content = i;
            loop {
                match b.get(i) {
                    None => break,
                    Some(b'"') if b.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => break,
                    Some(_) => i += 1,
                }
            }
            let close = i;
            if b.get(i).is_some() {
                i += 1;
            }
            while b.get(i).is_some_and(|&c| !is_end(c)) {
                i += 1;
            }
            cells.push(if i == close + 1 { (content, close) } else { (open, i) });
        } else {
            let s = i;
            while b.get(i).is_some_and(|&c| !is_end(c)) {
                i += 1;
            }
            cells.push((s, i));
        }
        if b.get(i) == Some(&b',') {
            i += 1;
        } else {
            break;
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_follow_quoting() {
        let text = "a,\"b,c\",\"d\"\"e\",f\"g\n";
        let got: Vec<&str> = cells(text, 0).iter().map(|&(s, e)| text.get(s..e).unwrap()).collect();
        assert_eq!(got, ["a", "b,c", "d\"\"e", "f\"g"]);
        let text = "x\r\n\r\n\"multi\nline\",y";
        let start = skip_line_ends(text, 1);
        let got: Vec<&str> =
            cells(text, start).iter().map(|&(s, e)| text.get(s..e).unwrap()).collect();
        assert_eq!(got, ["multi\nline", "y"]);
    }

    #[test]
    fn cell_span_trims_and_handles_missing_cells() {
        let text = "id, ten ,\n";
        let f = FileId(0);
        assert_eq!(cell_span(f, text, 0, 1), Span::new(f, 4, 7));
        assert_eq!(cell_span(f, text, 0, 2), Span::new(f, 9, 9));
        assert_eq!(cell_span(f, text, 0, 7), Span::new(f, 0, 9));
        assert_eq!(cell_span(f, text, 100, 0), Span::new(f, 100, 100));
    }
}
