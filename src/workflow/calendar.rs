//! Working days: a calendar of weekend days and holidays, and deadline arithmetic.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

/// Non-working days. The default has Saturday and Sunday off and no holidays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    /// Weekly days off.
    pub weekend: BTreeSet<u8>,
    /// Holidays (each day listed).
    pub holidays: BTreeSet<NaiveDate>,
}

impl Default for Calendar {
    fn default() -> Calendar {
        Calendar { weekend: [5u8, 6].into_iter().collect(), holidays: BTreeSet::new() }
    }
}

impl Calendar {
    /// Whether a day is a working day.
    pub fn is_working(&self, d: NaiveDate) -> bool {
        !self.weekend.contains(&weekday_index(d.weekday())) && !self.holidays.contains(&d)
    }

    /// The date `n` working days after `d` (not counting `d` itself). With no working days at
    /// all in the calendar this stops after ten years rather than looping forever.
    pub fn add_working_days(&self, d: NaiveDate, n: u32) -> NaiveDate {
        let mut day = d;
        let mut left = n;
        let mut guard = 0u32;
        while left > 0 && guard < 3660 {
            match day.succ_opt() {
                Some(next) => day = next,
                None => return day,
            }
            if self.is_working(day) {
                left -= 1;
            }
            guard += 1;
        }
        day
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not later).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut count = 0u32;
        let mut day = from;
        while day < to {
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
            if self.is_working(day) {
                count += 1;
            }
        }
        count
    }
}

/// Monday = 0 … Sunday = 6.
pub(crate) fn weekday_index(w: Weekday) -> u8 {
    u8::try_from(w.num_days_from_monday()).unwrap_or(0)
}

/// `mon` … `sun` → 0 … 6.
pub(crate) fn weekday_from_name(name: &str) -> Option<u8> {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .position(|d| *d == name)
        .and_then(|i| u8::try_from(i).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekends_and_holidays_are_skipped() {
        let mut c = Calendar::default();
        c.holidays.insert(d(2025, 9, 1));
        c.holidays.insert(d(2025, 9, 2));
        // Friday 2025-08-29 + 1 working day: Sat, Sun, Mon 1/9 and Tue 2/9 (National Day) off.
        assert_eq!(c.add_working_days(d(2025, 8, 29), 1), d(2025, 9, 3));
        assert_eq!(c.working_days_between(d(2025, 8, 29), d(2025, 9, 3)), 1);
    }

    #[test]
    fn twenty_working_days_is_four_weeks_without_holidays() {
        let c = Calendar::default();
        assert_eq!(c.add_working_days(d(2025, 11, 3), 20), d(2025, 12, 1));
    }

    #[test]
    fn a_calendar_without_working_days_terminates() {
        let c = Calendar { weekend: (0..7).collect(), holidays: BTreeSet::new() };
        let end = c.add_working_days(d(2025, 1, 1), 5);
        assert!(end > d(2034, 1, 1));
    }
}
