//! A deterministic generator of one cycle's sample data for `rules/vksnd_tinh.rules`.
//!
//! It models a provincial People's Procuracy (VKSND tỉnh): emulation clusters (cụm) of units
//! (the departments of the provincial procuracy in the first cluster, area procuracies — VKSND
//! khu vực — in the others) and their staff, with this cycle's inputs and the award history of
//! past cycles. The output is the CSV files the loader in [`crate::data`] reads: `cum.csv`,
//! `don_vi.csv`, `can_bo.csv` and `history.csv`, with exactly the columns the rule file
//! declares.
//!
//! The data is plausible rather than real: ratings skewed towards "hoàn thành tốt", a few
//! recent recruits, absences, disciplinary cases and pending reviews, so that every rule of the
//! rule set both passes and fails for someone. History is generated consistently with the rules
//! (for instance CSTĐCS goes to at most 15% of each unit's LĐTT holders, best rated first), and
//! each cluster has a "champion" who held CSTĐCS in every past cycle and has a sector-level
//! initiative this cycle, so the three-year chain behind CSTĐ ngành really occurs.
//!
//! INVARIANT: output depends only on the [`GenConfig`]. Random numbers come from ChaCha8
//! streams seeded from the config and are turned into choices by our own arithmetic, never by
//! platform-dependent `usize` sampling, so a seed gives byte-identical files everywhere. Work
//! is linear in the number of people (plus a sort within each unit).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use chrono::{Datelike, Days, NaiveDate};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

mod history;
mod names;

#[cfg(test)]
mod tests;

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenConfig {
    /// Seed of all random choices; the same config always gives the same files.
    pub seed: u64,
    /// The cycle (year) the data is for; history covers the years before it.
    pub cycle: i32,
    /// How many past cycles of history to generate.
    pub history_cycles: u32,
    /// Number of emulation clusters (cụm).
    pub clusters: u32,
    /// Units (đơn vị) per cluster.
    pub units_per_cluster: u32,
    /// Average staff per unit; actual unit sizes vary around it.
    pub people_per_unit: u32,
}

impl GenConfig {
    /// The shipped sample in `rules/sample/`: cycle 2025 with history for 2022–2024, three
    /// clusters of four units, about a hundred staff.
    pub fn sample() -> GenConfig {
        GenConfig {
            seed: 2025,
            cycle: 2025,
            history_cycles: 3,
            clusters: 3,
            units_per_cluster: 4,
            people_per_unit: 8,
        }
    }

    /// A scaled data set of about `n` people: units of about 25, eight units per cluster.
    pub fn with_people(n: u32) -> GenConfig {
        const PER_UNIT: u32 = 25;
        const UNITS: u32 = 8;
        GenConfig {
            clusters: n.div_ceil(PER_UNIT * UNITS).max(1),
            units_per_cluster: UNITS,
            people_per_unit: PER_UNIT,
            ..GenConfig::sample()
        }
    }
}

/// Generate the data files: file name → CSV text (`cum.csv`, `don_vi.csv`, `can_bo.csv`,
/// `history.csv`).
///
/// ```
/// use thidua::sample::{generate, GenConfig};
/// let files = generate(&GenConfig::sample());
/// assert!(files["can_bo.csv"].starts_with("id,don_vi,ho_ten,"));
/// ```
pub fn generate(cfg: &GenConfig) -> BTreeMap<String, String> {
    let world = World::build(cfg);
    let history = history::generate(cfg, &world);
    let mut files = BTreeMap::new();
    files.insert(String::from("cum.csv"), world.cum_csv());
    files.insert(String::from("don_vi.csv"), world.don_vi_csv());
    files.insert(String::from("can_bo.csv"), world.can_bo_csv(cfg));
    files.insert(String::from("history.csv"), history);
    files
}

/// Generate the data files into `dir` (created if missing), overwriting files of the same
/// names.
///
/// # Errors
///
/// Any error creating the directory or writing a file.
pub fn write_dir(cfg: &GenConfig, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, text) in generate(cfg) {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}

/// A ChaCha8 stream turned into small choices with platform-independent arithmetic.
struct Rng(ChaCha8Rng);

impl Rng {
    /// Stream `stream` of the generator seeded with `seed`: each concern draws from its own
    /// stream, so changing one does not reshuffle the others.
    fn new(seed: u64, stream: u64) -> Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Rng(rng)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u32) -> u32 {
        let wide = u64::from(self.0.next_u32()) * u64::from(n);
        u32::try_from(wide >> 32).unwrap_or(0)
    }

    /// A number in `lo..=hi` (`lo` when `hi < lo`).
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        let span = hi.saturating_sub(lo).saturating_add(1);
        lo.saturating_add(self.below(span))
    }

    /// True with the given probability in percent.
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }

    /// True with the given probability in per mille.
    fn permille(&mut self, p: u32) -> bool {
        self.below(1000) < p
    }

    /// A uniformly chosen item.
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let n = u32::try_from(items.len()).unwrap_or(u32::MAX);
        items.get(self.below(n) as usize)
    }

    /// An index chosen with the given weights (0 if they are all zero).
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().fold(0, |a, w| a.saturating_add(*w));
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        0
    }

    /// Shuffle in place (Fisher–Yates).
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(u32::try_from(i + 1).unwrap_or(u32::MAX)) as usize;
            items.swap(i, j);
        }
    }
}

/// Ratings (`xep_loai`), by position in the enumeration.
const KHT: u8 = 0;
/// Hoàn thành nhiệm vụ.
const HT: u8 = 1;
/// Hoàn thành tốt nhiệm vụ.
const HTT: u8 = 2;
/// Hoàn thành xuất sắc nhiệm vụ.
const HTXS: u8 = 3;
/// Variant names of `xep_loai`.
const RATINGS: [&str; 4] = ["KHT", "HT", "HTT", "HTXS"];
/// Variant names of `ky_luat` used here.
const DISCIPLINE: [&str; 3] = ["khong", "khien_trach", "canh_cao"];
/// Variant names of `cap_sang_kien` used here.
const INITIATIVE: [&str; 3] = ["khong", "co_so", "nganh"];

/// Strength of a person, how well they tend to be rated: 0 is weak, then an ordinary member
/// of staff.
const NORMAL: u8 = 1;
/// Often rated excellent.
const GOOD: u8 = 2;
/// Almost always rated excellent.
const STAR: u8 = 3;

/// A rare thing that happened to a person this cycle; each person has at most one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    None,
    /// Recruited less than six months before the cycle ends.
    Recent,
    /// Absent for three months or more.
    Absent,
    /// Reprimanded (khiển trách).
    Reprimand,
    /// Warned (cảnh cáo).
    Warning,
    /// Under disciplinary review, investigation or complaint (đang xem xét).
    UnderReview,
}

#[derive(Debug)]
struct Person {
    unit: u32,
    female: bool,
    strength: u8,
    /// Holds CSTĐCS in every past cycle and is set up for CSTĐ ngành this cycle.
    champion: bool,
    recruited: NaiveDate,
    event: Event,
    rating: u8,
    months_absent: u32,
    initiative: u8,
}

#[derive(Debug)]
struct Unit {
    id: String,
    cluster: u32,
    name: String,
    /// 0 weak, 1 medium, 2 strong.
    strength: u8,
    /// Range of its people in `World::people`.
    first: usize,
    len: usize,
    /// This cycle's figures, in `don_vi.csv` column order after `xep_loai`.
    rating: u8,
    figures: [u32; 8],
    new_model: bool,
    violations: u32,
    complaint: bool,
}

/// The generated population and this cycle's inputs.
#[derive(Debug)]
struct World {
    cycle_end: NaiveDate,
    clusters: Vec<(String, String)>,
    units: Vec<Unit>,
    people: Vec<Person>,
}

impl World {
    fn build(cfg: &GenConfig) -> World {
        let cycle_end = NaiveDate::from_ymd_opt(cfg.cycle, 12, 31).unwrap_or(NaiveDate::MIN);
        let mut world =
            World { cycle_end, clusters: Vec::new(), units: Vec::new(), people: Vec::new() };
        world.structure(cfg);
        world.people(cfg);
        world.champions(cfg);
        world.events(cfg);
        world.this_cycle(cfg);
        world.unit_figures(cfg);
        world
    }

    /// Clusters and units, with unit sizes and strengths.
    fn structure(&mut self, cfg: &GenConfig) {
        let mut rng = Rng::new(cfg.seed, 0);
        let cw = digits(u64::from(cfg.clusters));
        let total_units = u64::from(cfg.clusters) * u64::from(cfg.units_per_cluster);
        let uw = digits(total_units).max(2);
        let spread = cfg.people_per_unit / 6;
        let mut first = 0usize;
        for c in 0..cfg.clusters {
            let cid = format!("cum{:0cw$}", u64::from(c) + 1);
            self.clusters.push((cid, names::cluster_name(c, cfg.units_per_cluster)));
            for u in 0..cfg.units_per_cluster {
                let n = self.units.len() + 1;
                let strength = u8::try_from(rng.weighted(&[20, 55, 25])).unwrap_or(1);
                let len = rng.range(
                    cfg.people_per_unit.saturating_sub(spread),
                    cfg.people_per_unit + spread + 1,
                );
                let len = if cfg.people_per_unit == 0 { 0 } else { len as usize };
                self.units.push(Unit {
                    id: format!("dv{n:0uw$}"),
                    cluster: c,
                    name: names::unit_name(c, u, cfg.units_per_cluster),
                    strength,
                    first,
                    len,
                    rating: HTT,
                    figures: [0; 8],
                    new_model: false,
                    violations: 0,
                    complaint: false,
                });
                first += len;
            }
        }
    }

    /// Everyone's gender, strength and recruitment date.
    fn people(&mut self, cfg: &GenConfig) {
        let mut rng = Rng::new(cfg.seed, 1);
        let total: usize = self.units.iter().map(|u| u.len).sum();
        self.people.reserve(total);
        for (u, unit) in self.units.iter().enumerate() {
            let weights: [u32; 4] = match unit.strength {
                2 => [5, 50, 35, 10],
                1 => [8, 61, 25, 6],
                _ => [15, 67, 15, 3],
            };
            for _ in 0..unit.len {
                let female = rng.chance(50);
                let strength = u8::try_from(rng.weighted(&weights)).unwrap_or(NORMAL);
                let days = rng.range(365, 30 * 365);
                self.people.push(Person {
                    unit: u32::try_from(u).unwrap_or(u32::MAX),
                    female,
                    strength,
                    champion: false,
                    recruited: days_before(self.cycle_end, days),
                    event: Event::None,
                    rating: HTT,
                    months_absent: 0,
                    initiative: 0,
                });
            }
        }
    }

    /// One champion per cluster: a long-serving star in a random non-empty unit.
    fn champions(&mut self, cfg: &GenConfig) {
        let mut rng = Rng::new(cfg.seed, 2);
        let per = cfg.units_per_cluster as usize;
        let min_years = cfg.history_cycles.saturating_add(6);
        for c in 0..self.clusters.len() {
            let offset = rng.below(cfg.units_per_cluster) as usize;
            let unit = (0..per)
                .map(|k| c * per + (offset + k) % per.max(1))
                .find(|&u| self.units.get(u).is_some_and(|u| u.len > 0));
            let Some(unit) = unit.and_then(|u| self.units.get(u)) else { continue };
            let member = unit.first + rng.below(u32::try_from(unit.len).unwrap_or(0)) as usize;
            let years = rng.range(min_years, min_years + 15);
            let recruited = days_before(self.cycle_end, years.saturating_mul(365));
            if let Some(p) = self.people.get_mut(member) {
                p.champion = true;
                p.strength = STAR;
                p.recruited = p.recruited.min(recruited);
            }
        }
    }

    /// Rare events, in exact proportions, given to distinct non-champions.
    fn events(&mut self, cfg: &GenConfig) {
        let mut rng = Rng::new(cfg.seed, 3);
        let mut order: Vec<usize> =
            self.people.iter().enumerate().filter(|(_, p)| !p.champion).map(|(i, _)| i).collect();
        rng.shuffle(&mut order);
        let n = self.people.len();
        let share = |percent: usize| (n * percent + 50) / 100;
        let plan = [
            (Event::Recent, share(4)),
            (Event::Absent, share(3)),
            (Event::Reprimand, share(2)),
            (Event::Warning, share(1).max(usize::from(n >= 20))),
            (Event::UnderReview, share(2)),
        ];
        let mut next = order.into_iter();
        for (event, count) in plan {
            for i in next.by_ref().take(count) {
                if let Some(p) = self.people.get_mut(i) {
                    p.event = event;
                }
            }
        }
    }

    /// This cycle's rating, absence, initiative and recruitment of recent recruits.
    fn this_cycle(&mut self, cfg: &GenConfig) {
        let mut rng = Rng::new(cfg.seed, 4);
        for p in &mut self.people {
            let mut rating = rating_for(&mut rng, p.strength);
            let mut initiative =
                u8::try_from(rng.weighted(&initiative_weights(p.strength))).unwrap_or(0);
            let mut months = [0, 0, 0, 1, 2]
                .get(rng.below(20).saturating_sub(15) as usize)
                .copied()
                .unwrap_or(0);
            match p.event {
                Event::Recent => {
                    p.recruited = days_before(self.cycle_end, rng.range(20, 170));
                    rating = rating.min(HTT);
                    initiative = 0;
                    months = 0;
                }
                Event::Absent => months = rng.range(3, 5),
                Event::Reprimand => rating = rating.min(HT),
                Event::Warning => rating = if rng.chance(50) { HT } else { KHT },
                Event::None | Event::UnderReview => {}
            }
            if p.champion {
                rating = HTXS;
                initiative = 2;
                months = 0;
            }
            p.rating = rating;
            p.initiative = initiative;
            p.months_absent = months;
        }
    }

    /// This cycle's unit ratings and work figures; each cluster's strongest unit this year
    /// tends to lead.
    fn unit_figures(&mut self, cfg: &GenConfig) {
        let mut rng = Rng::new(cfg.seed, 6);
        let per = cfg.units_per_cluster.max(1) as usize;
        let mut leaders: Vec<Option<usize>> = Vec::new();
        for chunk in self.units.chunks(per) {
            let mut best: Option<(u32, usize)> = None;
            for (i, u) in chunk.iter().enumerate() {
                let key = u32::from(u.strength) * 100 + rng.below(100);
                if best.is_none_or(|(b, _)| key > b) {
                    best = Some((key, i));
                }
            }
            leaders.push(best.map(|(_, i)| i));
        }
        let mut followers = Vec::new();
        for (i, unit) in self.units.iter_mut().enumerate() {
            let leader = leaders.get(i / per).copied().flatten() == Some(i % per);
            let members = self.people.get(unit.first..unit.first + unit.len).unwrap_or(&[]);
            let warned = members.iter().any(|p| p.event == Event::Warning);
            let disciplined = members
                .iter()
                .filter(|p| matches!(p.event, Event::Reprimand | Event::Warning))
                .count();
            let q = unit.strength;
            unit.rating = if leader {
                if rng.chance(85) { HTXS } else { HTT }
            } else {
                let w: [u32; 4] = match q {
                    2 => [0, 5, 50, 45],
                    1 => [0, 8, 72, 20],
                    _ => [0, 20, 75, 5],
                };
                u8::try_from(rng.weighted(&w)).unwrap_or(HTT)
            };
            if warned {
                unit.rating = unit.rating.min(HTT);
            }
            let received = rng.range(50, 400);
            let solved_pct = match (leader, q) {
                (true, _) | (false, 2) => rng.range(95, 100),
                (false, 1) => rng.range(90, 100),
                _ => rng.range(80, 97),
            };
            let cases = rng.range(20, 250);
            let returned = match (leader, q) {
                (true, _) => u32::from(rng.chance(10)),
                (false, 2) => u32::from(rng.chance(15)),
                (false, 1) => u32::try_from(rng.weighted(&[60, 30, 10])).unwrap_or(0),
                _ => rng.range(0, 3),
            };
            let quashed = match q {
                _ if leader => 0,
                2 => u32::from(rng.chance(3)),
                1 => u32::from(rng.chance(15)),
                _ => u32::from(rng.chance(30)) * rng.range(1, 2),
            };
            let appeals = rng.range(0, 20);
            let accepted_pct = match q {
                _ if leader => rng.range(80, 100),
                2 => rng.range(80, 100),
                1 => rng.range(60, 100),
                _ => rng.range(40, 90),
            };
            let recommendations = if leader || q == 2 { rng.range(3, 8) } else { rng.range(0, 8) };
            unit.figures = [
                received,
                received * solved_pct / 100,
                cases,
                returned,
                quashed,
                appeals,
                appeals * accepted_pct / 100,
                recommendations,
            ];
            unit.new_model = if leader { rng.chance(90) } else { rng.chance(25) };
            let extra = if rng.chance(90) { 0 } else { rng.range(1, 2) };
            unit.violations = u32::try_from(disciplined).unwrap_or(0) + extra;
            if !leader {
                followers.push(i);
            }
        }
        // A pending complaint against about one unit in twenty (at least one in eight units).
        let n = self.units.len();
        let count = ((n * 5 + 50) / 100).max(usize::from(n >= 8));
        rng.shuffle(&mut followers);
        for i in followers.into_iter().take(count) {
            if let Some(unit) = self.units.get_mut(i) {
                unit.complaint = true;
            }
        }
    }

    fn cum_csv(&self) -> String {
        let mut out = String::from("id,ten\n");
        for (id, name) in &self.clusters {
            out.push_str(id);
            out.push(',');
            push_field(&mut out, name);
            out.push('\n');
        }
        out
    }

    fn don_vi_csv(&self) -> String {
        let mut out = String::from(
            "id,cum,ten,xep_loai,tin_bao_thu_ly,tin_bao_giai_quyet,vu_an_thu_ly,an_tra_ho_so,an_huy,\
             khang_nghi,khang_nghi_chap_nhan,kien_nghi,mo_hinh_moi,vi_pham_ky_luat,bi_khieu_nai\n",
        );
        for unit in &self.units {
            let cluster =
                self.clusters.get(unit.cluster as usize).map_or("", |(id, _)| id.as_str());
            let _ = write!(out, "{},{cluster},", unit.id);
            push_field(&mut out, &unit.name);
            let _ = write!(out, ",{}", rating_name(unit.rating));
            for figure in unit.figures {
                let _ = write!(out, ",{figure}");
            }
            let _ = writeln!(out, ",{},{},{}", unit.new_model, unit.violations, unit.complaint);
        }
        out
    }

    fn can_bo_csv(&self, cfg: &GenConfig) -> String {
        let mut rng = Rng::new(cfg.seed, 5);
        let mut out = String::with_capacity(self.people.len() * 110 + 128);
        out.push_str(
            "id,don_vi,ho_ten,nu,ngay_tuyen_dung,thang_nghi,xep_loai,ky_luat,dang_xem_xet,sang_kien\n",
        );
        let width = person_width(self.people.len());
        for (i, p) in self.people.iter().enumerate() {
            let unit = self.units.get(p.unit as usize).map_or("", |u| u.id.as_str());
            let _ = write!(out, "cb{:0width$},{unit},", i + 1);
            names::push_full_name(&mut rng, p.female, &mut out);
            let discipline = match p.event {
                Event::Reprimand => 1,
                Event::Warning => 2,
                _ => 0,
            };
            let _ = writeln!(
                out,
                ",{},{},{},{},{},{},{}",
                p.female,
                date(p.recruited),
                p.months_absent,
                rating_name(p.rating),
                DISCIPLINE.get(discipline).copied().unwrap_or("khong"),
                p.event == Event::UnderReview,
                INITIATIVE.get(usize::from(p.initiative)).copied().unwrap_or("khong"),
            );
        }
        out
    }
}

/// A rating drawn for a person of the given strength.
fn rating_for(rng: &mut Rng, strength: u8) -> u8 {
    let weights: [u32; 4] = match strength {
        STAR => [0, 0, 15, 85],
        GOOD => [0, 2, 63, 35],
        NORMAL => [0, 7, 85, 8],
        _ => [10, 50, 40, 0],
    };
    u8::try_from(rng.weighted(&weights)).unwrap_or(HTT)
}

/// Weights of `khong`, `co_so`, `nganh` initiatives by strength.
fn initiative_weights(strength: u8) -> [u32; 3] {
    match strength {
        STAR => [40, 45, 15],
        GOOD => [70, 27, 3],
        NORMAL => [88, 12, 0],
        _ => [100, 0, 0],
    }
}

fn rating_name(rating: u8) -> &'static str {
    RATINGS.get(usize::from(rating)).copied().unwrap_or("HTT")
}

/// Width of zero-padded person numbers.
fn person_width(n: usize) -> usize {
    digits(u64::try_from(n).unwrap_or(u64::MAX)).max(3)
}

/// Number of decimal digits of `n` (1 for 0).
fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

fn days_before(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_sub_days(Days::new(u64::from(days))).unwrap_or(date)
}

fn date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Append a CSV field, quoted if it needs to be.
fn push_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}
