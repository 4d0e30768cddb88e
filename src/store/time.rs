//! How event times are stored: ISO 8601 text, fractional seconds only when non-zero, written
//! and read without chrono's general formatter on the common whole-second path.

use chrono::NaiveDateTime;

use crate::workflow::store::StoreError;

/// How `at` is written: ISO 8601, fractional seconds only when non-zero.
pub(super) const AT_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.f";

/// `at` as stored, refusing a time that would not read back identical.
pub(super) fn format_at(at: NaiveDateTime) -> Result<String, StoreError> {
    if let Some(text) = format_whole_second(at) {
        return Ok(text);
    }
    let text = at.format(AT_FORMAT).to_string();
    match NaiveDateTime::parse_from_str(&text, AT_FORMAT) {
        Ok(back) if back == at => Ok(text),
        _ => Err(StoreError::Backend(format!("the time {at} cannot be stored exactly"))),
    }
}

/// [`AT_FORMAT`]'s text for the usual case, a whole second in years 0 to 9999 (4 digits, no
/// fraction), written directly: `None` for anything else.
pub(super) fn format_whole_second(at: NaiveDateTime) -> Option<String> {
    use chrono::{Datelike as _, Timelike as _};
    let year = u32::try_from(at.year()).ok().filter(|y| *y <= 9999)?;
    if at.nanosecond() != 0 {
        return None;
    }
    let mut text = String::with_capacity(19);
    let mut push = |n: u32, width: u32, then: Option<char>| {
        for place in (0..width).rev() {
            let digit = (n / 10u32.pow(place)) % 10;
            text.push(char::from_digit(digit, 10).unwrap_or('0'));
        }
        if let Some(c) = then {
            text.push(c);
        }
    };
    push(year, 4, Some('-'));
    push(at.month(), 2, Some('-'));
    push(at.day(), 2, Some('T'));
    push(at.hour(), 2, Some(':'));
    push(at.minute(), 2, Some(':'));
    push(at.second(), 2, None);
    Some(text)
}

/// A stored `at` back as a time: `None` if it is not a valid timestamp in [`AT_FORMAT`].
pub(super) fn read_at(text: &str) -> Option<NaiveDateTime> {
    read_whole_second(text).or_else(|| NaiveDateTime::parse_from_str(text, AT_FORMAT).ok())
}

/// The usual `YYYY-MM-DDTHH:MM:SS`, read directly; `None` for anything else (including an
/// invalid date), which [`read_at`] then leaves to chrono.
pub(super) fn read_whole_second(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() != 19 {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        b.get(from..to)?
            .iter()
            .try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let sep = |at: usize, c: u8| b.get(at) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && sep(10, b'T') && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    let year = i32::try_from(num(0, 4)?).ok()?;
    chrono::NaiveDate::from_ymd_opt(year, num(5, 7)?, num(8, 10)?)?.and_hms_opt(
        num(11, 13)?,
        num(14, 16)?,
        num(17, 19)?,
    )
}

pub(super) fn parse_at(text: &str, seq: i64) -> Result<NaiveDateTime, StoreError> {
    if let Some(at) = read_whole_second(text) {
        return Ok(at);
    }
    NaiveDateTime::parse_from_str(text, AT_FORMAT).map_err(|e| {
        StoreError::Backend(format!("event {seq}: time `{text}` is not a valid timestamp ({e})"))
    })
}
