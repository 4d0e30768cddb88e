//! Parsing one cell (a CSV cell or a JSON scalar) into a [`Value`] of a field's [`Type`].
//!
//! The accepted spellings per type:
//!
//! | type | accepted | value |
//! | --- | --- | --- |
//! | `integer` | `-12`, `340` (fits in 64 bits, no fraction) | the number |
//! | `decimal` | `12.5`, `-3`, `1_000.25` | the number |
//! | `percent` | `70%`, `12.5%`, or a fraction between -1 and 1 such as `0.7` | the fraction (`0.7`) |
//! | `money` | whole đồng: digits, optionally grouped with `_` (`2_340_000`) | the amount |
//! | `bool` | `true`/`false`, `có`/`không` (or `co`/`khong`), `1`/`0`, any case | the boolean |
//! | `date` | `YYYY-MM-DD`, a real calendar date | the date |
//! | `text` | anything | the text |
//! | enum | a variant name exactly as declared | the variant's position |
//!
//! Text cells are trimmed first; an empty cell (or JSON `null`) takes the field's default.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::diag::{Diagnostic, Span};
use crate::model::{FieldDef, Schema, Type, Value};

use crate::check::fuzzy;

/// The raw content of a cell, before it is parsed against a type.
#[derive(Clone, Copy, Debug)]
pub(super) enum Raw<'a> {
    /// Text: a CSV cell or a JSON string.
    Text(&'a str),
    /// A JSON number literal, as written.
    Number(&'a str),
    /// A JSON boolean.
    Bool(bool),
    /// JSON `null`: treated like an empty cell.
    Null,
    /// A JSON object or array where a value belongs; holds "an object" or "a list".
    Compound(&'static str),
}

impl<'a> Raw<'a> {
    /// An id or name: trimmed text, or a number literal. On failure, describes what was found.
    pub(super) fn key(self) -> Result<&'a str, String> {
        match self {
            Raw::Text(s) => Ok(s.trim()),
            Raw::Number(s) => Ok(s),
            Raw::Null => Ok(""),
            Raw::Bool(b) => Err(format!("`{b}`")),
            Raw::Compound(what) => Err(what.to_owned()),
        }
    }
}

/// Why a cell could not be parsed, without its location.
#[derive(Debug)]
pub(super) struct CellError {
    code: &'static str,
    message: String,
    label: String,
    help: String,
}

impl CellError {
    fn bad(message: String, label: &str, help: String) -> CellError {
        CellError { code: "data::bad_value", message, label: label.to_owned(), help }
    }

    /// The diagnostic for this error at `span`.
    pub(super) fn into_diagnostic(self, span: Span) -> Diagnostic {
        Diagnostic::error(self.code, span, self.message).with_label(self.label).with_help(self.help)
    }
}

/// Parse a cell for `field`, taking the field's default for an empty cell.
pub(super) fn parse(schema: &Schema, field: &FieldDef, raw: Raw<'_>) -> Result<Value, CellError> {
    let name = field.name.as_str();
    let text = match raw {
        Raw::Text(s) => s.trim(),
        Raw::Null => "",
        Raw::Number(s) => {
            return match field.ty {
                Type::Text => Ok(Value::Text(Arc::from(s))),
                Type::Date | Type::Enum(_) => {
                    Err(mismatch(schema, field, &format!("the number `{s}`")))
                }
                Type::Decimal | Type::Percent if s.contains(['e', 'E']) => {
                    let d =
                        Decimal::from_scientific(s).map_err(|_| not_number(field.ty, name, s))?;
                    parse_text(schema, field, &d.to_string())
                }
                _ => parse_text(schema, field, s),
            };
        }
        Raw::Bool(b) => {
            return match field.ty {
                Type::Bool => Ok(Value::Bool(b)),
                _ => Err(mismatch(schema, field, &format!("`{b}`"))),
            };
        }
        Raw::Compound(what) => return Err(mismatch(schema, field, what)),
    };
    if text.is_empty() {
        return match &field.default {
            Some(value) => Ok(value.clone()),
            None => Err(CellError {
                code: "data::missing_value",
                message: format!("missing value for `{name}`"),
                label: String::from("empty"),
                help: format!(
                    "`{name}` has no default, so every row needs {}",
                    describe(schema, field.ty)
                ),
            }),
        };
    }
    parse_text(schema, field, text)
}

/// Parse non-empty trimmed text for `field`.
fn parse_text(schema: &Schema, field: &FieldDef, s: &str) -> Result<Value, CellError> {
    let name = field.name.as_str();
    match field.ty {
        Type::Text => Ok(Value::Text(Arc::from(s))),
        Type::Integer => match s.parse::<i64>() {
            Ok(n) => Ok(Value::Num(Decimal::from(n))),
            Err(_) => Err(not_number(Type::Integer, name, s)),
        },
        Type::Decimal => {
            decimal(s).map(Value::Num).ok_or_else(|| not_number(Type::Decimal, name, s))
        }
        Type::Percent => percent(s, name).map(Value::Num),
        Type::Money => money(s).map(Value::Num).ok_or_else(|| not_number(Type::Money, name, s)),
        Type::Bool => boolean(s).map(Value::Bool).ok_or_else(|| {
            CellError::bad(
                format!("`{s}` is not true or false"),
                "not a yes/no value",
                format!(
                    "write `{name}` as `true` or `false` (also accepted: `có`/`không`, `1`/`0`)"
                ),
            )
        }),
        Type::Date => date(s).map(Value::Date),
        Type::Enum(e) => {
            let Some(def) = schema.enum_def(e) else {
                return Err(CellError::bad(
                    format!("`{name}` has an unknown enumeration type"),
                    "cannot check",
                    String::from("the schema is inconsistent; please report this"),
                ));
            };
            if let Some(pos) = def.variant(s) {
                return Ok(Value::Enum(pos));
            }
            let names: Vec<&str> = def.variants.iter().map(|(n, _)| n.as_str()).collect();
            let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
            let by_label = def
                .variants
                .iter()
                .find(|(_, l)| l.as_deref().is_some_and(|l| l.to_lowercase() == s.to_lowercase()));
            let help = match (by_label, fuzzy::closest(s, names.iter().copied())) {
                (Some((n, _)), _) => {
                    format!(
                        "did you mean `{n}`? write the value's name, not its label; expected one of {list}"
                    )
                }
                (None, Some(n)) => format!("did you mean `{n}`? expected one of {list}"),
                (None, None) => format!("expected one of {list}"),
            };
            Err(CellError::bad(
                format!("`{s}` is not a `{}` value", def.name),
                "unknown value",
                help,
            ))
        }
    }
}

/// Parse a history cycle: a four-digit year.
pub(super) fn parse_year(raw: Raw<'_>) -> Result<i32, CellError> {
    let s = match raw {
        Raw::Text(s) | Raw::Number(s) => s.trim(),
        Raw::Null => "",
        Raw::Bool(b) => return Err(bad_year(&b.to_string())),
        Raw::Compound(what) => return Err(bad_year(what)),
    };
    if s.is_empty() {
        return Err(CellError {
            code: "data::missing_value",
            message: String::from("missing value for `cycle`"),
            label: String::from("empty"),
            help: String::from("write the year the award was held, such as `2024`"),
        });
    }
    match s.parse::<i32>() {
        Ok(y) if (1000..=9999).contains(&y) => Ok(y),
        _ => Err(bad_year(&format!("`{s}`"))),
    }
}

fn bad_year(found: &str) -> CellError {
    CellError::bad(
        format!("{found} is not a year"),
        "not a year",
        String::from("`cycle` is the year the award was held, such as `2024`"),
    )
}

/// A value of the wrong JSON kind for a field.
fn mismatch(schema: &Schema, field: &FieldDef, found: &str) -> CellError {
    CellError::bad(
        format!("expected {} for `{}`, found {found}", describe(schema, field.ty), field.name),
        "wrong kind of value",
        match field.ty {
            Type::Date => String::from("write dates as strings: `\"2025-01-31\"`"),
            Type::Enum(_) => String::from("write enumeration values as strings, such as `\"HTT\"`"),
            _ => format!("`{}` is {}", field.name, describe(schema, field.ty)),
        },
    )
}

/// A short description of what a type's values look like.
fn describe(schema: &Schema, ty: Type) -> String {
    match ty {
        Type::Integer => String::from("a whole number"),
        Type::Decimal => String::from("a number"),
        Type::Percent => String::from("a percentage"),
        Type::Money => String::from("an amount in đồng"),
        Type::Bool => String::from("true or false"),
        Type::Date => String::from("a date"),
        Type::Text => String::from("text"),
        Type::Enum(e) => match schema.enum_def(e) {
            Some(def) => format!("a `{}` value", def.name),
            None => String::from("an enumeration value"),
        },
    }
}

fn not_number(ty: Type, name: &str, s: &str) -> CellError {
    let (message, label, help) = match ty {
        Type::Integer => (
            format!("`{s}` is not a whole number"),
            "not a whole number",
            format!("`{name}` takes a whole number written with digits only, such as `3`"),
        ),
        Type::Money => (
            format!("`{s}` is not an amount in đồng"),
            "not an amount",
            format!(
                "`{name}` takes whole đồng written with digits, optionally grouped by `_`, such as `2_340_000`"
            ),
        ),
        _ => (
            format!("`{s}` is not a number"),
            "not a number",
            format!("`{name}` takes a number such as `12.5` (with a `.` as the decimal point)"),
        ),
    };
    CellError::bad(message, label, help)
}

fn decimal(s: &str) -> Option<Decimal> {
    // INVARIANT: only plain decimal notation; `Decimal::from_str_exact` rejects values it
    // would have to round, so no precision is silently lost.
    let ok = s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'_'))
        && s.bytes().any(|b| b.is_ascii_digit());
    if !ok {
        return None;
    }
    Decimal::from_str_exact(s).ok()
}

fn percent(s: &str, name: &str) -> Result<Decimal, CellError> {
    let bad = || {
        CellError::bad(
            format!("`{s}` is not a percentage"),
            "not a percentage",
            format!("write `{name}` as a percentage such as `70%` or a fraction such as `0.7`"),
        )
    };
    if let Some(number) = s.strip_suffix('%') {
        let d = decimal(number.trim_end()).ok_or_else(bad)?;
        return d.checked_div(Decimal::ONE_HUNDRED).ok_or_else(bad);
    }
    let d = decimal(s).ok_or_else(bad)?;
    if d.abs() > Decimal::ONE {
        return Err(CellError::bad(
            format!("`{s}` is not a fraction between 0 and 1"),
            "ambiguous percentage",
            format!("write `{s}%` for a percentage, or a fraction such as `0.7`"),
        ));
    }
    Ok(d)
}

fn money(s: &str) -> Option<Decimal> {
    let bytes = s.as_bytes();
    let well_formed = bytes.first().is_some_and(u8::is_ascii_digit)
        && bytes.last().is_some_and(u8::is_ascii_digit)
        && bytes.iter().all(|b| b.is_ascii_digit() || *b == b'_')
        && !s.contains("__");
    if !well_formed {
        return None;
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    Decimal::from_str_exact(&digits).ok()
}

fn boolean(s: &str) -> Option<bool> {
    const WORDS: [(&str, bool); 8] = [
        ("true", true),
        ("false", false),
        ("có", true),
        ("không", false),
        ("co", true),
        ("khong", false),
        ("1", true),
        ("0", false),
    ];
    let lower = s.to_lowercase();
    WORDS.iter().find(|(w, _)| *w == lower).map(|&(_, b)| b)
}

fn date(s: &str) -> Result<NaiveDate, CellError> {
    let shape = || {
        CellError::bad(
            format!("`{s}` is not a date"),
            "not a date",
            String::from("write dates as `YYYY-MM-DD`, such as `2025-01-31`"),
        )
    };
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let well_formed = b.len() == 10
        && digits(0..4)
        && digits(5..7)
        && digits(8..10)
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-');
    if !well_formed {
        return Err(shape());
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err(shape());
    };
    let year = i32::try_from(y).map_err(|_| shape())?;
    if let Some(date) = NaiveDate::from_ymd_opt(year, m, d) {
        return Ok(date);
    }
    let help = if !(1..=12).contains(&m) {
        format!("there is no month {m}; write dates as `YYYY-MM-DD`")
    } else {
        let days =
            (28..=31).rev().find(|&d| NaiveDate::from_ymd_opt(year, m, d).is_some()).unwrap_or(28);
        format!("month {m} of {year} has {days} days")
    };
    Err(CellError::bad(format!("`{s}` is not a real date"), "no such day", help))
}
