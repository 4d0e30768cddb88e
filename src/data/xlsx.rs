//! Reading a cycle's data from an Excel workbook (`.xlsx`), as offices keep it.
//!
//! Each sheet is named after an entity kind (`cum`, `don_vi`, `can_bo`) or `history`, with a
//! header row like the CSV files. Sheets become the same CSV texts the CSV loader reads, so
//! every check, and every diagnostic (its line is the sheet's row), is the same.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

/// Read every sheet of a workbook as CSV text named `<sheet>.csv`.
pub fn xlsx_to_csv(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let mut book: Xlsx<_> = open_workbook(path)
        .map_err(|e| format!("cannot read workbook `{}`: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    for name in book.sheet_names() {
        let range =
            book.worksheet_range(&name).map_err(|e| format!("cannot read sheet `{name}`: {e}"))?;
        let mut w = csv::Writer::from_writer(Vec::new());
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(cell_text).collect();
            // Trailing empty rows (formatting only) are not data.
            if cells.iter().all(String::is_empty) {
                continue;
            }
            w.write_record(&cells).map_err(|e| format!("sheet `{name}`: {e}"))?;
        }
        let bytes = w.into_inner().map_err(|e| format!("sheet `{name}`: {e}"))?;
        let text = String::from_utf8(bytes).map_err(|e| format!("sheet `{name}`: {e}"))?;
        out.insert(format!("{}.csv", name.trim()), text);
    }
    if out.is_empty() {
        return Err(format!("workbook `{}` has no sheets", path.display()));
    }
    Ok(out)
}

/// A cell as the text the CSV loader expects: dates as `YYYY-MM-DD`, whole numbers without a
/// decimal point, booleans as `true`/`false`.
fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{f:.0}")
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map_or_else(|| d.to_string(), |t| t.date().format("%Y-%m-%d").to_string()),
        Data::Error(e) => format!("#{e:?}"),
    }
}
