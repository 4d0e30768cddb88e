//! The workloads' data: one deterministic generator per workload, and the typed records the
//! peer engines are built from.
//!
//! W1 and W2 use thidua's own generator (`thidua::sample`), so the data is the CSV a council
//! would load; the peers parse the same CSV texts into typed records here (that parse is part
//! of each peer's data time). W3 has no sample generator in thidua, so its ballots come from a
//! small seeded SplitMix64 stream defined here.
//!
//! Ordered enumerations are given to every engine as their positions in declared order, as
//! thidua's loader does (`Value::Enum`), so that no engine pays for looking up an order.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use thidua::sample::{GenConfig, generate};

use crate::harness::{Res, fail};

/// Generated files: name → CSV text.
pub(crate) type Files = BTreeMap<String, String>;

/// The files as `(name, text)` pairs, for `thidua::data::load_csv_str`.
pub(crate) fn pairs(files: &Files) -> Vec<(&str, &str)> {
    files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect()
}

/// W1: the shipped generator at about `n` people.
pub(crate) fn w1_files(n: u32) -> Files {
    generate(&GenConfig::with_people(n))
}

/// W2: the shipped generator with `n` units (eight per cluster, one or two people each);
/// only the unit-level files are kept, with the units' own history rows.
pub(crate) fn w2_files(n: u32) -> Files {
    let cfg = GenConfig {
        clusters: n.div_ceil(8).max(1),
        units_per_cluster: 8,
        people_per_unit: 1,
        ..GenConfig::sample()
    };
    let mut files = generate(&cfg);
    files.remove("can_bo.csv");
    let units: BTreeSet<String> = files
        .get("don_vi.csv")
        .map(|t| t.lines().skip(1).filter_map(|l| l.split(',').next()).map(String::from).collect())
        .unwrap_or_default();
    if let Some(history) = files.get_mut("history.csv") {
        let mut kept = String::with_capacity(history.len() / 4);
        for (i, line) in history.lines().enumerate() {
            let entity = line.split(',').next().unwrap_or("");
            if i == 0 || units.contains(entity) {
                kept.push_str(line);
                kept.push('\n');
            }
        }
        *history = kept;
    }
    files
}

/// Rows of a CSV text as maps from column name to cell.
fn rows<'a>(files: &'a Files, name: &str) -> Res<(Vec<String>, csv::Reader<&'a [u8]>)> {
    let Some(text) = files.get(name) else { return fail(format!("no `{name}` generated")) };
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers()?.iter().map(String::from).collect();
    Ok((header, reader))
}

/// One parsed row: a getter by column name.
struct Record<'a> {
    header: &'a [String],
    record: csv::StringRecord,
}

impl Record<'_> {
    fn get(&self, column: &str) -> Res<&str> {
        let Some(i) = self.header.iter().position(|h| h == column) else {
            return fail(format!("no column `{column}`"));
        };
        match self.record.get(i) {
            Some(v) => Ok(v),
            None => fail(format!("short row: no `{column}`")),
        }
    }

    fn int(&self, column: &str) -> Res<i64> {
        Ok(self.get(column)?.parse()?)
    }

    fn bool(&self, column: &str) -> Res<bool> {
        Ok(self.get(column)? == "true")
    }

    fn ordinal(&self, column: &str, variants: &[&str]) -> Res<u8> {
        let v = self.get(column)?;
        match variants.iter().position(|x| *x == v) {
            Some(i) => Ok(u8::try_from(i)?),
            None => fail(format!("`{v}` is not a value of `{column}`")),
        }
    }
}

/// Ratings, in declared order.
pub(crate) const XEP_LOAI: [&str; 4] = ["KHT", "HT", "HTT", "HTXS"];
/// Discipline, in declared order.
pub(crate) const KY_LUAT: [&str; 6] =
    ["khong", "khien_trach", "canh_cao", "ha_bac", "cach_chuc", "buoc_thoi_viec"];
/// Initiatives, in declared order.
pub(crate) const SANG_KIEN: [&str; 4] = ["khong", "co_so", "nganh", "toan_quoc"];

/// Award history: entity id → fact → sorted years.
type HistoryMap = BTreeMap<String, BTreeMap<String, Vec<i32>>>;

fn history(files: &Files) -> Res<HistoryMap> {
    let (header, mut reader) = rows(files, "history.csv")?;
    let mut out: HistoryMap = BTreeMap::new();
    for record in reader.records() {
        let r = Record { header: &header, record: record? };
        let cycle = i32::try_from(r.int("cycle")?)?;
        let years = out
            .entry(r.get("entity")?.to_string())
            .or_default()
            .entry(r.get("award")?.to_string())
            .or_default();
        years.push(cycle);
    }
    for facts in out.values_mut() {
        for years in facts.values_mut() {
            years.sort_unstable();
            years.dedup();
        }
    }
    Ok(out)
}

/// A W1 candidate.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    /// Id, for messages.
    pub(crate) id: String,
    /// Position in [`XEP_LOAI`].
    pub(crate) xep_loai: u8,
    /// Position in [`KY_LUAT`].
    pub(crate) ky_luat: u8,
    /// Position in [`SANG_KIEN`].
    pub(crate) sang_kien: u8,
    /// Months absent this cycle.
    pub(crate) thang_nghi: i64,
    /// Under disciplinary review.
    pub(crate) dang_xem_xet: bool,
    /// Date recruited.
    pub(crate) recruited: NaiveDate,
    /// Fact → years held, sorted.
    pub(crate) history: BTreeMap<String, Vec<i32>>,
}

impl Person {
    /// The years the person held a fact.
    pub(crate) fn years(&self, fact: &str) -> &[i32] {
        self.history.get(fact).map_or(&[], Vec::as_slice)
    }
}

/// W1's candidates, in file order.
pub(crate) fn people(files: &Files) -> Res<Vec<Person>> {
    let mut hist = history(files)?;
    let (header, mut reader) = rows(files, "can_bo.csv")?;
    let mut out = Vec::new();
    for record in reader.records() {
        let r = Record { header: &header, record: record? };
        let id = r.get("id")?.to_string();
        let thang_nghi = match r.get("thang_nghi")? {
            "" => 0,
            s => s.parse()?,
        };
        out.push(Person {
            xep_loai: r.ordinal("xep_loai", &XEP_LOAI)?,
            ky_luat: r.ordinal("ky_luat", &KY_LUAT)?,
            sang_kien: r.ordinal("sang_kien", &SANG_KIEN)?,
            thang_nghi,
            dang_xem_xet: r.bool("dang_xem_xet")?,
            recruited: NaiveDate::parse_from_str(r.get("ngay_tuyen_dung")?, "%Y-%m-%d")?,
            history: hist.remove(&id).unwrap_or_default(),
            id,
        });
    }
    Ok(out)
}

/// A W2 candidate unit.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// Id, for messages.
    pub(crate) id: String,
    /// Position in [`XEP_LOAI`].
    pub(crate) xep_loai: u8,
    /// Reports received.
    pub(crate) tin_bao_thu_ly: i64,
    /// Reports settled.
    pub(crate) tin_bao_giai_quyet: i64,
    /// Criminal cases supervised.
    pub(crate) vu_an_thu_ly: i64,
    /// Cases returned for further investigation.
    pub(crate) an_tra_ho_so: i64,
    /// Judgments quashed.
    pub(crate) an_huy: i64,
    /// Appeals lodged.
    pub(crate) khang_nghi: i64,
    /// Appeals upheld.
    pub(crate) khang_nghi_chap_nhan: i64,
    /// Recommendations issued.
    pub(crate) kien_nghi: i64,
    /// Has a new working model.
    pub(crate) mo_hinh_moi: bool,
    /// Disciplinary violations.
    pub(crate) vi_pham_ky_luat: i64,
    /// Has an unresolved complaint.
    pub(crate) bi_khieu_nai: bool,
    /// Years the unit held the sector flag.
    pub(crate) co_nganh: Vec<i32>,
    /// Years the unit held Tập thể lao động xuất sắc.
    pub(crate) ldxs: Vec<i32>,
}

/// W2's units, in file order.
pub(crate) fn units(files: &Files) -> Res<Vec<Unit>> {
    let mut hist = history(files)?;
    let (header, mut reader) = rows(files, "don_vi.csv")?;
    let mut out = Vec::new();
    for record in reader.records() {
        let r = Record { header: &header, record: record? };
        let id = r.get("id")?.to_string();
        let mut facts = hist.remove(&id).unwrap_or_default();
        out.push(Unit {
            xep_loai: r.ordinal("xep_loai", &XEP_LOAI)?,
            tin_bao_thu_ly: r.int("tin_bao_thu_ly")?,
            tin_bao_giai_quyet: r.int("tin_bao_giai_quyet")?,
            vu_an_thu_ly: r.int("vu_an_thu_ly")?,
            an_tra_ho_so: r.int("an_tra_ho_so")?,
            an_huy: r.int("an_huy")?,
            khang_nghi: r.int("khang_nghi")?,
            khang_nghi_chap_nhan: r.int("khang_nghi_chap_nhan")?,
            kien_nghi: r.int("kien_nghi")?,
            mo_hinh_moi: r.bool("mo_hinh_moi")?,
            vi_pham_ky_luat: r.int("vi_pham_ky_luat")?,
            bi_khieu_nai: r.bool("bi_khieu_nai")?,
            co_nganh: facts.remove("co_thi_dua_nganh").unwrap_or_default(),
            ldxs: facts.remove("tap_the_ldxs").unwrap_or_default(),
            id,
        });
    }
    Ok(out)
}

/// A W2 result: score, grade (0 trung bình … 3 xuất sắc) and whether the unit qualifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scored {
    /// Total points, to two decimals.
    pub(crate) score: Decimal,
    /// Grade band, lowest first.
    pub(crate) grade: u8,
    /// Whether the unit qualifies for the title.
    pub(crate) eligible: bool,
}

/// A W3 ballot: choice (0 for, 1 against, 2 abstain) and whether it was given in writing by
/// an absent member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ballot {
    /// 0 for, 1 against, 2 abstain.
    pub(crate) choice: u8,
    /// Given in writing by an absent member.
    pub(crate) written: bool,
}

/// A W3 proposal before the council.
#[derive(Debug, Clone)]
pub(crate) struct Proposal {
    /// Members of the council.
    pub(crate) members: u32,
    /// Ballots cast; absent members who did not write are simply missing.
    pub(crate) ballots: Vec<Ballot>,
}

/// SplitMix64: a tiny, well-known, platform-independent generator.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u32) -> u32 {
        u32::try_from((u128::from(self.next()) * u128::from(n)) >> 64).unwrap_or(0)
    }
}

/// W3: `n` proposals before councils of 5 to 25 members. Each proposal has its own support
/// and attendance, so that outcomes spread over passed, failed and no quorum, and many land
/// right at the 80% and 90% lines.
pub(crate) fn proposals(n: u32, seed: u64) -> Vec<Proposal> {
    let mut rng = SplitMix(seed);
    (0..n)
        .map(|_| {
            let members = 5 + rng.below(21);
            let support = 70 + rng.below(31); // percent of members in favour
            let absence = rng.below(36); // percent absent
            let ballots = (0..members)
                .filter_map(|_| {
                    let absent = rng.below(100) < absence;
                    let written = absent && rng.below(100) < 60;
                    let r = rng.below(100);
                    let choice = if r < support {
                        0
                    } else if r < support + (100 - support) * 2 / 3 {
                        1
                    } else {
                        2
                    };
                    (!absent || written).then_some(Ballot { choice, written })
                })
                .collect();
            Proposal { members, ballots }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn w1_people_parse_with_their_history() {
        let files = w1_files(300);
        let people = people(&files).unwrap();
        assert!(people.len() > 250);
        assert!(people.iter().any(|p| p.years("cstdcs").len() == 3), "champions exist");
        assert!(people.iter().any(|p| p.ky_luat > 0));
    }

    #[test]
    fn w2_keeps_only_unit_history() {
        let files = w2_files(80);
        assert!(!files.contains_key("can_bo.csv"));
        let units = units(&files).unwrap();
        assert_eq!(units.len(), 80);
        let history = files.get("history.csv").unwrap();
        assert!(history.lines().skip(1).all(|l| l.starts_with("dv")));
    }

    #[test]
    fn proposals_are_deterministic_and_varied() {
        let a = proposals(200, 7);
        let b = proposals(200, 7);
        assert_eq!(a.len(), 200);
        assert!(a.iter().zip(&b).all(|(x, y)| x.ballots == y.ballots && x.members == y.members));
        assert!(a.iter().any(|p| p.ballots.iter().any(|b| b.written)));
        assert!(a.iter().any(|p| (p.ballots.len() as u32) < p.members));
    }
}
