//! The award history of past cycles for the sample generator (`history.csv`).
//!
//! Each past year is simulated the way the rule set would have decided it: everyone employed
//! by mid-year gets a rating; LĐTT goes to those rated HTT or better who were not absent or
//! disciplined; CSTĐCS to at most 15% (rounded up) of each unit's LĐTT holders who were rated
//! HTXS or had an initiative, best first; Giấy khen to at most two other HTXS staff per unit.
//! Units earn Tập thể LĐTT from 70% LĐTT members, Tập thể LĐXS when also rated HTXS with a
//! CSTĐCS among them, and each cluster's leading unit the sector flag.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::{
    Event, GOOD, GenConfig, HT, HTT, HTXS, NORMAL, Rng, STAR, World, person_width, rating_for,
};

/// Person bits: facts (written to history) and working flags (not written).
const P_HTT: u16 = 1;
const P_HTXS: u16 = 1 << 1;
const P_LDTT: u16 = 1 << 2;
const P_CSTDCS: u16 = 1 << 3;
const P_BK_VKSTC: u16 = 1 << 4;
const P_GIAY_KHEN: u16 = 1 << 5;
const P_BK_TTG: u16 = 1 << 6;
/// Employed by mid-year, so rated this year.
const P_RATED: u16 = 1 << 8;
/// Had an initiative recognised this year.
const P_INITIATIVE: u16 = 1 << 9;
/// Disciplined this year.
const P_DISCIPLINED: u16 = 1 << 10;
/// Rated HT or better.
const P_HT: u16 = 1 << 11;

/// Person facts in the order they are written.
const PERSON_FACTS: [(u16, &str); 7] = [
    (P_HTT, "htt_tro_len"),
    (P_HTXS, "htxs"),
    (P_LDTT, "lao_dong_tien_tien"),
    (P_CSTDCS, "cstdcs"),
    (P_BK_VKSTC, "bang_khen_vkstc"),
    (P_GIAY_KHEN, "giay_khen"),
    (P_BK_TTG, "bang_khen_ttg"),
];

/// Unit facts.
const U_LDTT: u8 = 1;
const U_LDXS: u8 = 1 << 1;
const U_CO_NGANH: u8 = 1 << 2;
const U_CO_CP: u8 = 1 << 3;
const U_GIAY_KHEN: u8 = 1 << 4;

/// Unit facts in the order they are written.
const UNIT_FACTS: [(u8, &str); 5] = [
    (U_LDTT, "tap_the_ldtt"),
    (U_LDXS, "tap_the_ldxs"),
    (U_CO_NGANH, "co_thi_dua_nganh"),
    (U_CO_CP, "co_thi_dua_cp"),
    (U_GIAY_KHEN, "giay_khen_tap_the"),
];

/// Per-entity, per-year bit sets: entity `e`, year `y` at `e * years + y`.
struct Bits<T> {
    years: usize,
    bits: Vec<T>,
}

impl<T: Copy + Default + std::ops::BitOr<Output = T> + std::ops::BitAnd<Output = T> + PartialEq>
    Bits<T>
{
    fn new(entities: usize, years: usize) -> Bits<T> {
        Bits { years, bits: vec![T::default(); entities * years] }
    }

    fn get(&self, e: usize, y: usize) -> T {
        self.bits.get(e * self.years + y).copied().unwrap_or_default()
    }

    fn set(&mut self, e: usize, y: usize, bit: T) {
        if let Some(b) = self.bits.get_mut(e * self.years + y) {
            *b = *b | bit;
        }
    }

    fn has(&self, e: usize, y: usize, bit: T) -> bool {
        self.get(e, y) & bit != T::default()
    }
}

/// The `history.csv` text for the world's past cycles.
pub(super) fn generate(cfg: &GenConfig, world: &World) -> String {
    let years = cfg.history_cycles as usize;
    let first_year =
        cfg.cycle.saturating_sub(i32::try_from(cfg.history_cycles).unwrap_or(i32::MAX));
    let year_of = |y: usize| first_year.saturating_add(i32::try_from(y).unwrap_or(i32::MAX));
    let mut rng = Rng::new(cfg.seed, 7);
    let mut people: Bits<u16> = Bits::new(world.people.len(), years);
    let mut units: Bits<u8> = Bits::new(world.units.len(), years);
    let per = cfg.units_per_cluster.max(1) as usize;

    for y in 0..years {
        let mid = NaiveDate::from_ymd_opt(year_of(y), 6, 30).unwrap_or(NaiveDate::MIN);
        rate_people(&mut rng, world, &mut people, y, mid);
        for (c, cluster) in world.units.chunks(per).enumerate() {
            // Performance order this year: the first is the cluster's leader.
            let mut order: Vec<(u32, usize)> = cluster
                .iter()
                .enumerate()
                .map(|(i, u)| (u32::from(u.strength) * 100 + rng.below(100), c * per + i))
                .collect();
            order.sort_unstable_by(|a, b| b.cmp(a));
            for (rank, &(_, u)) in order.iter().enumerate() {
                decide_unit(&mut rng, world, &mut people, &mut units, u, y, rank == 0);
            }
            let flag = order.iter().map(|&(_, u)| u).find(|&u| units.has(u, y, U_LDXS));
            if let Some(u) = flag {
                units.set(u, y, U_CO_NGANH);
                if rng.chance(10) {
                    units.set(u, y, U_CO_CP);
                }
            }
            if let Some(&(_, second)) = order.get(1) {
                let good = units.has(second, y, U_LDTT) && !units.has(second, y, U_LDXS);
                if good && flag != Some(second) {
                    units.set(second, y, U_GIAY_KHEN);
                }
            }
        }
    }
    prime_minister(&mut rng, cfg, world, &mut people);
    write(world, &people, &units, year_of)
}

/// Ratings, marks and LĐTT for everyone employed by `mid` in year `y`.
fn rate_people(rng: &mut Rng, world: &World, people: &mut Bits<u16>, y: usize, mid: NaiveDate) {
    for (i, p) in world.people.iter().enumerate() {
        if p.recruited > mid || p.event == Event::Recent {
            continue;
        }
        let mut rating = rating_for(rng, p.strength);
        let mut bits = P_RATED;
        let mut excluded = false;
        if p.champion {
            rating = HTXS;
        } else if rng.permille(20) {
            // Long absence.
            excluded = true;
        } else if rng.permille(10) {
            excluded = true;
            rating = rating.min(HT);
            bits |= P_DISCIPLINED;
        }
        let initiative = match p.strength {
            _ if p.champion => 100,
            STAR => 50,
            GOOD => 25,
            NORMAL => 8,
            _ => 0,
        };
        if rng.chance(initiative) {
            bits |= P_INITIATIVE;
        }
        if rating >= HT {
            bits |= P_HT;
        }
        if rating >= HTT {
            bits |= P_HTT;
            if !excluded {
                bits |= P_LDTT;
            }
        }
        if rating == HTXS {
            bits |= P_HTXS;
        }
        people.set(i, y, bits);
    }
}

/// How CSTĐCS candidates rank: champion, HTXS, initiative, woman, then a random tie-break.
type CstdcsKey = (bool, bool, bool, bool, u32);

/// One unit's year: its members' CSTĐCS, Bằng khen and Giấy khen, then its own titles.
fn decide_unit(
    rng: &mut Rng,
    world: &World,
    people: &mut Bits<u16>,
    units: &mut Bits<u8>,
    u: usize,
    y: usize,
    leader: bool,
) {
    let Some(unit) = world.units.get(u) else { return };
    let mut members = unit.first..unit.first + unit.len;
    let rated = members.clone().filter(|&i| people.has(i, y, P_RATED)).count();
    let ldtt = members.clone().filter(|&i| people.has(i, y, P_LDTT)).count();

    // CSTĐCS: 15% of LĐTT holders, rounded up, best first.
    let quota = (ldtt * 15).div_ceil(100);
    let mut candidates: Vec<(CstdcsKey, usize)> = members
        .clone()
        .filter(|&i| people.has(i, y, P_LDTT) && people.has(i, y, P_HTXS | P_INITIATIVE))
        .map(|i| {
            let p = world.people.get(i);
            let key = (
                p.is_some_and(|p| p.champion),
                people.has(i, y, P_HTXS),
                people.has(i, y, P_INITIATIVE),
                p.is_some_and(|p| p.female),
                rng.below(u32::MAX),
            );
            (key, i)
        })
        .collect();
    candidates.sort_unstable_by(|a, b| b.cmp(a));
    for &(_, i) in candidates.iter().take(quota) {
        people.set(i, y, P_CSTDCS);
        let chain = y > 0 && people.has(i, y - 1, P_CSTDCS);
        if chain && rng.chance(35) {
            people.set(i, y, P_BK_VKSTC);
        }
    }

    // Giấy khen: at most two other HTXS staff.
    let mut others: Vec<((bool, bool, u32), usize)> = members
        .clone()
        .filter(|&i| {
            people.has(i, y, P_HTXS) && !people.has(i, y, P_CSTDCS | P_BK_VKSTC | P_DISCIPLINED)
        })
        .map(|i| {
            let female = world.people.get(i).is_some_and(|p| p.female);
            ((people.has(i, y, P_INITIATIVE), female, rng.below(u32::MAX)), i)
        })
        .collect();
    others.sort_unstable_by(|a, b| b.cmp(a));
    for &(_, i) in others.iter().take(2) {
        people.set(i, y, P_GIAY_KHEN);
    }

    // The unit's own rating and titles.
    let rating = if leader {
        if rng.chance(90) { HTXS } else { HTT }
    } else {
        let weights: [u32; 4] = match unit.strength {
            2 => [0, 5, 50, 45],
            1 => [0, 8, 72, 20],
            _ => [0, 20, 75, 5],
        };
        u8::try_from(rng.weighted(&weights)).unwrap_or(HTT)
    };
    let is_ldtt = rating >= HTT && rated > 0 && ldtt * 100 >= rated * 70;
    if is_ldtt {
        units.set(u, y, U_LDTT);
    }
    let all_ht = members.all(|i| !people.has(i, y, P_RATED) || people.has(i, y, P_HT));
    let any_cstdcs = (unit.first..unit.first + unit.len).any(|i| people.has(i, y, P_CSTDCS));
    // The score grade is not simulated: most such units score "Tốt" or better.
    if rating == HTXS && is_ldtt && all_ht && any_cstdcs && rng.chance(85) {
        units.set(u, y, U_LDXS);
    }
}

/// A couple of Prime Minister's certificates (about one person in fifty) for long-serving,
/// strong staff, in a past year they were rated HTT or better.
fn prime_minister(rng: &mut Rng, cfg: &GenConfig, world: &World, people: &mut Bits<u16>) {
    let count = (world.people.len() + 25) / 50;
    let ten_years_ago =
        NaiveDate::from_ymd_opt(cfg.cycle.saturating_sub(10), 12, 31).unwrap_or(NaiveDate::MIN);
    let mut candidates: Vec<usize> = world
        .people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.strength >= GOOD && p.recruited <= ten_years_ago)
        .map(|(i, _)| i)
        .collect();
    rng.shuffle(&mut candidates);
    let years = cfg.history_cycles as usize;
    for i in candidates.into_iter().take(count) {
        let good: Vec<usize> = (0..years).filter(|&y| people.has(i, y, P_HTT)).collect();
        if let Some(&y) = rng.pick(&good) {
            people.set(i, y, P_BK_TTG);
        }
    }
}

/// Units first, then people; each entity's facts by year, then in declared order.
fn write(
    world: &World,
    people: &Bits<u16>,
    units: &Bits<u8>,
    year_of: impl Fn(usize) -> i32,
) -> String {
    let mut out = String::with_capacity(world.people.len() * 200 + 64);
    out.push_str("entity,award,cycle\n");
    for (u, unit) in world.units.iter().enumerate() {
        for y in 0..units.years {
            for (bit, name) in UNIT_FACTS {
                if units.has(u, y, bit) {
                    let _ = writeln!(out, "{},{name},{}", unit.id, year_of(y));
                }
            }
        }
    }
    let width = person_width(world.people.len());
    for i in 0..world.people.len() {
        for y in 0..people.years {
            for (bit, name) in PERSON_FACTS {
                if people.has(i, y, bit) {
                    let _ = writeln!(out, "cb{:0width$},{name},{}", i + 1, year_of(y));
                }
            }
        }
    }
    out
}
