//! W2, weighted scoring: a criteria tree with weights, bonus and penalty items, grade bands
//! and a title with a dated threshold, for every unit in two cycles (2024 and 2025, under
//! different parameter values).
//!
//! Engines: thidua (`workloads/w2.rules`), regorus (`w2.rego`), rhai (`w2.rhai`) and
//! hand-written Rust. Cedar has no arithmetic beyond integer `+ - *` and no aggregation, so it
//! sits this one out. Every engine must give the same score (to the cent), grade and decision
//! for every unit and cycle before anything is timed.

use rhai::{Dynamic, INT, Scope};
use rust_decimal::{Decimal, RoundingStrategy};
use thidua::eval::TraceMode;
use thidua::model::{Dataset, FactId, KindId, Value};

use crate::data::{self, Files, Scored, Unit};
use crate::harness::{
    Config, Entry, FLOOR, Report, Res, Target, VS_REGO, VS_RHAI, fail, job, median, thidua_entries,
    time_entries,
};
use crate::rego::{self, Mode, Rego};
use crate::thidua_side::Side;

const RULES: &str = include_str!("../workloads/w2.rules");
const REGO: &str = include_str!("../workloads/w2.rego");
const RHAI: &str = include_str!("../workloads/w2.rhai");

/// The cycles evaluated, in order; results are cycle-major.
const CYCLES: [i32; 2] = [2024, 2025];

/// Grade names, lowest first, as every engine numbers them.
const GRADES: [&str; 4] = ["trung_binh", "kha", "tot", "xuat_sac"];

// ------------------------------------------------------------------------------ thidua

fn thidua_eval(side: &Side, data: &Dataset, mode: TraceMode, build: bool) -> Res<Vec<Scored>> {
    let scoring = side.program.scorings.first().ok_or("W2 has no scoring table")?;
    let grade_enum = scoring.grades.as_ref().ok_or("W2's table has no grades")?.enum_id;
    let names = side.program.schema.enum_def(grade_enum).ok_or("no grade enumeration")?;
    // Our grade number for each position in thidua's grade enumeration.
    let ours: Vec<u8> = (0..names.variants.len())
        .map(|pos| {
            let name = names.variant_name(u32::try_from(pos).unwrap_or(u32::MAX));
            GRADES.iter().position(|g| *g == name).and_then(|g| u8::try_from(g).ok())
        })
        .collect::<Option<_>>()
        .ok_or("a grade of w2.rules is not among trung_binh, kha, tot, xuat_sac")?;
    let kind = scoring.kind.0 as usize;
    let mut out = Vec::new();
    for year in CYCLES {
        let ev = side.evaluate(data, Some(year), mode)?;
        if build {
            side.build_traces(data, &ev)?;
        }
        let outcome = side.outcomes(&ev, "don_vi_dan_dau")?;
        let scores = ev.scores.get(kind).ok_or("no scores")?;
        for ((total, grade), o) in scores.total.iter().zip(&scores.grade).zip(outcome) {
            out.push(Scored {
                score: *total,
                grade: ours.get(*grade as usize).copied().unwrap_or(u8::MAX),
                eligible: o.eligible(),
            });
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------------------ hand-written Rust

fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

fn round2(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn clamp(x: Decimal, hi: Decimal) -> Decimal {
    x.max(Decimal::ZERO).min(hi)
}

fn ratio(max: Decimal, actual: Decimal, target: Decimal) -> Decimal {
    if target <= Decimal::ZERO {
        return max;
    }
    let r = actual.checked_div(target).unwrap_or(Decimal::ONE).min(Decimal::ONE).max(Decimal::ZERO);
    max * r
}

/// A unit's inputs as the hand-written score reads them.
#[derive(Debug, Clone, Copy)]
struct UnitIn {
    xep_loai: u32,
    nums: [Decimal; 9],
    mo_hinh_moi: bool,
    bi_khieu_nai: bool,
}

/// The numeric inputs, in `UnitIn::nums` order.
const NUMS: [&str; 9] = [
    "tin_bao_thu_ly",
    "tin_bao_giai_quyet",
    "vu_an_thu_ly",
    "an_tra_ho_so",
    "an_huy",
    "khang_nghi",
    "khang_nghi_chap_nhan",
    "kien_nghi",
    "vi_pham_ky_luat",
];

/// History facts: the sector flag, Tập thể LĐXS.
const CO_NGANH: usize = 0;
const LDXS: usize = 1;

/// Score one unit for one cycle, in the same exact decimal steps as thidua; `held(fact,
/// year)` reads the history.
fn score(u: &UnitIn, held: impl Fn(usize, i32) -> bool, cycle: i32) -> Scored {
    let [
        thu_ly,
        giai_quyet_n,
        vu_an,
        tra_ho_so,
        an_huy,
        khang_nghi_n,
        chap_nhan,
        kien_nghi_n,
        vi_pham,
    ] = u.nums;
    let pct = |n: i64| d(n) / Decimal::ONE_HUNDRED;
    let (ty_le_giai_quyet, diem_toi_thieu) =
        if cycle <= 2024 { (pct(85), d(80)) } else { (pct(90), d(85)) };
    let pass = |max: i64, cond: bool| if cond { d(max) } else { Decimal::ZERO };

    let giai_quyet = round2(ratio(d(15), giai_quyet_n, thu_ly * ty_le_giai_quyet));
    let khong_tra = pass(12, tra_ho_so.is_zero());
    let han_che = round2(clamp(d(6) - Decimal::new(15, 1) * tra_ho_so, d(6)));
    let quy_mo = round2(clamp(vu_an / d(60), d(4)));
    let cong_to =
        round2(clamp(giai_quyet * Decimal::new(12, 1) + khong_tra + han_che + quy_mo, d(40)));

    let khong_huy = pass(15, an_huy.is_zero());
    let khang_nghi = round2(ratio(d(12), chap_nhan, khang_nghi_n * pct(70)));
    let kien_nghi = round2(clamp(Decimal::new(15, 1) * kien_nghi_n, d(10)));
    let xet_xu = round2(clamp(khong_huy + khang_nghi * Decimal::new(125, 2) + kien_nghi, d(40)));

    let ky_luat = round2(clamp(d(10) - d(4) * vi_pham, d(10)));
    let xay_dung =
        round2(clamp(pass(10, u.mo_hinh_moi) + ky_luat + pass(5, u.xep_loai >= 2), d(25)));

    let mut total = clamp(cong_to + round2(xet_xu * Decimal::new(875, 3)) + xay_dung, d(100));
    if held(CO_NGANH, cycle - 1) {
        total += d(5);
    }
    if (cycle - 2..=cycle).filter(|y| held(LDXS, *y)).count() >= 2 {
        total += d(2);
    }
    total -= round2(clamp(d(3) * vi_pham, d(12)));
    let total = total.max(Decimal::ZERO);
    let grade = if total >= d(90) {
        3
    } else if total >= d(75) {
        2
    } else if total >= d(60) {
        1
    } else {
        0
    };
    let eligible = !u.bi_khieu_nai && total >= diem_toi_thieu && grade >= 2 && u.xep_loai >= 2;
    Scored { score: total, grade, eligible }
}

/// A unit as a hand-written program would hold one: inputs and the years of each fact.
#[derive(Debug)]
struct FloorUnit {
    inputs: UnitIn,
    history: [Vec<i32>; 2],
}

fn floor_data(files: &Files) -> Res<Vec<FloorUnit>> {
    Ok(data::units(files)?
        .into_iter()
        .map(|u| FloorUnit {
            inputs: UnitIn {
                xep_loai: u32::from(u.xep_loai),
                nums: [
                    u.tin_bao_thu_ly,
                    u.tin_bao_giai_quyet,
                    u.vu_an_thu_ly,
                    u.an_tra_ho_so,
                    u.an_huy,
                    u.khang_nghi,
                    u.khang_nghi_chap_nhan,
                    u.kien_nghi,
                    u.vi_pham_ky_luat,
                ]
                .map(d),
                mo_hinh_moi: u.mo_hinh_moi,
                bi_khieu_nai: u.bi_khieu_nai,
            },
            history: [u.co_nganh, u.ldxs],
        })
        .collect())
}

fn floor_eval(units: &[FloorUnit]) -> Vec<Scored> {
    CYCLES
        .iter()
        .flat_map(|&c| {
            units.iter().map(move |u| {
                let held = |fact: usize, year: i32| {
                    u.history.get(fact).is_some_and(|ys| ys.binary_search(&year).is_ok())
                };
                score(&u.inputs, held, c)
            })
        })
        .collect()
}

/// Where the hand-written score finds its inputs in thidua's `Dataset`.
#[derive(Debug)]
struct DatasetFloor {
    kind: KindId,
    xep_loai: usize,
    nums: [usize; 9],
    mo_hinh_moi: usize,
    bi_khieu_nai: usize,
    facts: [FactId; 2],
}

fn dataset_floor(side: &Side) -> Res<DatasetFloor> {
    let schema = &side.program.schema;
    let kind = schema.kind("don_vi").ok_or("w2.rules has no `don_vi`")?;
    let def = schema.kind_def(kind).ok_or("no `don_vi` definition")?;
    let field = |name: &str| {
        def.field(name).map(|f| f.0 as usize).ok_or(format!("`don_vi` has no field `{name}`"))
    };
    let fact = |name: &str| schema.fact(name).ok_or(format!("w2.rules has no fact `{name}`"));
    let mut nums = [0; 9];
    for (slot, name) in nums.iter_mut().zip(NUMS) {
        *slot = field(name)?;
    }
    Ok(DatasetFloor {
        kind,
        xep_loai: field("xep_loai")?,
        nums,
        mo_hinh_moi: field("mo_hinh_moi")?,
        bi_khieu_nai: field("bi_khieu_nai")?,
        facts: [fact("co_thi_dua_nganh")?, fact("tap_the_ldxs")?],
    })
}

/// The hand-written score over thidua's own loaded `Dataset` (rows of `Value`s, its
/// `History`), so the difference from thidua is the engine's overhead, not the data layout.
fn dataset_floor_eval(fl: &DatasetFloor, data: &Dataset) -> Vec<Scored> {
    let Some(table) = data.table(fl.kind) else { return Vec::new() };
    let rows = u32::try_from(table.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(table.len() * CYCLES.len());
    for cycle in CYCLES {
        for row in 0..rows {
            let values = table.row(row);
            let num = |f: usize| match values.get(f) {
                Some(Value::Num(x)) => *x,
                _ => Decimal::ZERO,
            };
            let inputs = UnitIn {
                xep_loai: match values.get(fl.xep_loai) {
                    Some(Value::Enum(v)) => *v,
                    _ => 0,
                },
                nums: fl.nums.map(num),
                mo_hinh_moi: matches!(values.get(fl.mo_hinh_moi), Some(Value::Bool(true))),
                bi_khieu_nai: matches!(values.get(fl.bi_khieu_nai), Some(Value::Bool(true))),
            };
            let held = |fact: usize, year: i32| {
                fl.facts.get(fact).is_some_and(|f| data.history.held_in(*f, row, year))
            };
            out.push(score(&inputs, held, cycle));
        }
    }
    out
}

// ------------------------------------------------------------------------------ rhai

fn rhai_load() -> Res<(rhai::Engine, rhai::AST)> {
    let engine = rhai::Engine::new();
    let ast = engine.compile(RHAI)?;
    Ok((engine, ast))
}

fn rhai_years(years: &[i32]) -> Dynamic {
    Dynamic::from_array(years.iter().map(|y| Dynamic::from_int(INT::from(*y))).collect())
}

fn rhai_data(files: &Files) -> Res<Vec<Scope<'static>>> {
    Ok(data::units(files)?
        .iter()
        .map(|u| {
            let mut s = Scope::new();
            s.push("cycle", INT::from(0))
                .push_constant("xep_loai", INT::from(u.xep_loai))
                .push_constant("tin_bao_thu_ly", d(u.tin_bao_thu_ly))
                .push_constant("tin_bao_giai_quyet", d(u.tin_bao_giai_quyet))
                .push_constant("vu_an_thu_ly", d(u.vu_an_thu_ly))
                .push_constant("an_tra_ho_so", d(u.an_tra_ho_so))
                .push_constant("an_huy", d(u.an_huy))
                .push_constant("khang_nghi", d(u.khang_nghi))
                .push_constant("khang_nghi_chap_nhan", d(u.khang_nghi_chap_nhan))
                .push_constant("kien_nghi", d(u.kien_nghi))
                .push_constant("vi_pham_ky_luat", d(u.vi_pham_ky_luat))
                .push_constant("mo_hinh_moi", u.mo_hinh_moi)
                .push_constant("bi_khieu_nai", u.bi_khieu_nai)
                .push_constant_dynamic("h_co_nganh", rhai_years(&u.co_nganh))
                .push_constant_dynamic("h_ldxs", rhai_years(&u.ldxs));
            s
        })
        .collect())
}

fn rhai_scored(v: &Dynamic) -> Res<Scored> {
    let a = v.as_array_ref().map_err(|t| format!("rhai returned a {t}, not an array"))?;
    let (Some(score), Some(grade), Some(eligible)) = (a.first(), a.get(1), a.get(2)) else {
        return fail("rhai returned fewer than three values");
    };
    Ok(Scored {
        score: score.as_decimal().map_err(|t| format!("rhai score is a {t}"))?,
        grade: u8::try_from(grade.as_int().map_err(|t| format!("rhai grade is a {t}"))?)?,
        eligible: eligible.as_bool().map_err(|t| format!("rhai decision is a {t}"))?,
    })
}

fn rhai_eval(
    engine: &rhai::Engine,
    ast: &rhai::AST,
    scopes: &mut [Scope<'static>],
) -> Res<Vec<Scored>> {
    let mut out = Vec::with_capacity(scopes.len() * CYCLES.len());
    for cycle in CYCLES {
        for scope in scopes.iter_mut() {
            scope.set_value("cycle", INT::from(cycle));
            let n = scope.len();
            let v: Dynamic = engine.eval_ast_with_scope(scope, ast)?;
            scope.rewind(n);
            out.push(rhai_scored(&v)?);
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------------------ regorus

fn rego_unit(u: &Unit) -> regorus::Value {
    let n = regorus::Value::from;
    rego::object([
        ("xep_loai", n(i64::from(u.xep_loai))),
        ("tin_bao_thu_ly", n(u.tin_bao_thu_ly)),
        ("tin_bao_giai_quyet", n(u.tin_bao_giai_quyet)),
        ("vu_an_thu_ly", n(u.vu_an_thu_ly)),
        ("an_tra_ho_so", n(u.an_tra_ho_so)),
        ("an_huy", n(u.an_huy)),
        ("khang_nghi", n(u.khang_nghi)),
        ("khang_nghi_chap_nhan", n(u.khang_nghi_chap_nhan)),
        ("kien_nghi", n(u.kien_nghi)),
        ("vi_pham_ky_luat", n(u.vi_pham_ky_luat)),
        ("mo_hinh_moi", regorus::Value::from(u.mo_hinh_moi)),
        ("bi_khieu_nai", regorus::Value::from(u.bi_khieu_nai)),
        ("co_nganh", rego::years(&u.co_nganh)),
        ("ldxs", rego::years(&u.ldxs)),
    ])
}

fn cycle_input(cycle: i32) -> regorus::Value {
    rego::object([("cycle", regorus::Value::from(i64::from(cycle)))])
}

/// Per-candidate inputs (cycle-major) and the batch's `data` document.
fn rego_inputs(files: &Files) -> Res<(Vec<regorus::Value>, regorus::Value)> {
    let units: Vec<regorus::Value> = data::units(files)?.iter().map(rego_unit).collect();
    let inputs = CYCLES
        .iter()
        .flat_map(|&c| {
            units.iter().map(move |u| {
                rego::object([("cycle", regorus::Value::from(i64::from(c))), ("unit", u.clone())])
            })
        })
        .collect();
    Ok((inputs, rego::object([("units", regorus::Value::from(units))])))
}

fn rego_scored(v: &regorus::Value) -> Res<Scored> {
    let score = rego::item(v, 0)?.as_f64()?;
    let cents = (score * 100.0).round();
    if !(0.0..1e12).contains(&cents) {
        return fail(format!("regorus score out of range: {score}"));
    }
    Ok(Scored {
        score: Decimal::new(format!("{cents:.0}").parse()?, 2),
        grade: u8::try_from(rego::item(v, 1)?.as_i64()?)?,
        eligible: rego::boolean(rego::item(v, 2)?)?,
    })
}

fn rego_load(mode: Mode) -> Res<Rego> {
    Rego::load(mode, "w2.rego", REGO, "data.w2.decision", "data.w2.batch")
}

fn rego_eval(r: &mut Rego, inputs: &[regorus::Value]) -> Res<Vec<Scored>> {
    if r.mode() == Mode::Batch {
        let mut out = Vec::with_capacity(inputs.len());
        for cycle in CYCLES {
            let all = r.eval_batch(cycle_input(cycle))?;
            for i in 0..rego::len(&all)? {
                out.push(rego_scored(rego::item(&all, i)?)?);
            }
        }
        return Ok(out);
    }
    inputs.iter().map(|input| rego_scored(&r.eval(input)?)).collect()
}

// ------------------------------------------------------------------------------ the run

/// thidua's evaluation alone, for a profiler: returns the closure to run repeatedly.
pub(crate) fn profile(cfg: &Config, mode: TraceMode) -> Res<impl FnMut() -> Res<()>> {
    let files = data::w2_files(cfg.candidates);
    let side = Side::load("w2.rules", RULES)?;
    let data = side.load_data(&files)?;
    Ok(move || thidua_eval(&side, &data, mode, false).map(drop))
}

fn agree(engine: &str, ids: &[String], want: &[Scored], got: &[Scored]) -> Res<()> {
    if want.len() != got.len() {
        return fail(format!("W2: {engine} scored {} units, thidua {}", got.len(), want.len()));
    }
    let labelled = CYCLES.iter().flat_map(|c| ids.iter().map(move |id| (c, id)));
    for ((w, g), (cycle, id)) in want.iter().zip(got).zip(labelled) {
        if w != g {
            return fail(format!(
                "W2: {engine} disagrees with thidua on `{id}` in cycle {cycle}: \
                 thidua {} points, grade {}, eligible {}; {engine} {} points, grade {}, eligible {}",
                w.score, w.grade, w.eligible, g.score, g.grade, g.eligible
            ));
        }
    }
    Ok(())
}

/// Check agreement, then time every engine; append the rows.
pub(crate) fn run(cfg: &Config, report: &mut Report) -> Res<()> {
    let files = data::w2_files(cfg.candidates);
    let units = data::units(&files)?;
    let ids: Vec<String> = units.iter().map(|u| u.id.clone()).collect();
    let label = format!("W2 scoring ({} units × 2 cycles)", ids.len());
    let it = cfg.iterations;
    eprintln!("{label}: agreement check");

    let (t_load, side) = median(it, || Side::load("w2.rules", RULES))?;
    let (t_data, data) = median(it, || side.load_data(&files))?;
    let want = thidua_eval(&side, &data, TraceMode::Off, false)?;
    if thidua_eval(&side, &data, TraceMode::All, true)? != want {
        return fail("W2: thidua's traced and untraced runs disagree");
    }

    let floor = floor_data(&files)?;
    agree("hand-written Rust (own records)", &ids, &want, &floor_eval(&floor))?;
    let dataset = dataset_floor(&side)?;
    agree(
        "hand-written Rust (thidua's Dataset)",
        &ids,
        &want,
        &dataset_floor_eval(&dataset, &data),
    )?;
    let (engine, ast) = rhai_load()?;
    let mut scopes = rhai_data(&files)?;
    agree("rhai", &ids, &want, &rhai_eval(&engine, &ast, &mut scopes)?)?;
    let mut regos = Vec::new();
    for mode in Mode::ALL {
        let mut r = rego_load(mode)?;
        let (inputs, batch) = rego_inputs(&files)?;
        if mode == Mode::Batch {
            r.set_data(batch)?;
        }
        agree(mode.label(), &ids, &want, &rego_eval(&mut r, &inputs)?)?;
        regos.push((r, inputs));
    }
    eprintln!("{label}: all engines agree on {} scores and decisions; timing", want.len());

    let (mut rego, rego_inputs_v, note) =
        rego::fastest(&label, regos, |r, i: &Vec<regorus::Value>| rego_eval(r, i))?;
    report.notes.push(note);
    let mode = rego.mode();
    let (rego_load_t, _) = median(it, || rego_load(mode))?;
    let (rego_data_t, _) = median(it, || {
        let (inputs, batch) = rego_inputs(&files)?;
        if mode == Mode::Batch {
            regorus::Engine::new().add_data(batch)?;
        }
        Ok(inputs)
    })?;
    let (rhai_load_t, _) = median(it, rhai_load)?;
    let (rhai_data_t, _) = median(it, || rhai_data(&files))?;
    let (floor_data_t, _) = median(it, || floor_data(&files))?;

    let mut entries =
        thidua_entries(t_load, t_data, |mode, build| thidua_eval(&side, &data, mode, build));
    entries.extend([
        Entry {
            engine: mode.label().to_string(),
            target: Target::PeerSlower(VS_REGO),
            load: Some(rego_load_t),
            data: Some(rego_data_t),
            eval: job(|| rego_eval(&mut rego, &rego_inputs_v)),
        },
        Entry {
            engine: String::from("rhai (AST compiled once, run per unit)"),
            target: Target::PeerSlower(VS_RHAI),
            load: Some(rhai_load_t),
            data: Some(rhai_data_t),
            eval: job(|| rhai_eval(&engine, &ast, &mut scopes)),
        },
        Entry {
            engine: String::from("hand-written Rust over thidua's Dataset"),
            target: Target::FloorWithin(FLOOR),
            load: None,
            data: Some(t_data),
            eval: job(|| Ok(dataset_floor_eval(&dataset, &data))),
        },
        Entry {
            engine: String::from("hand-written Rust, own records"),
            target: Target::Info,
            load: None,
            data: Some(floor_data_t),
            eval: job(|| Ok(floor_eval(&floor))),
        },
    ]);
    time_entries(report, &label, it, entries)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_off_by_a_cent_is_a_disagreement() {
        let ids = vec![String::from("dv1")];
        let s = Scored { score: Decimal::new(8500, 2), grade: 2, eligible: true };
        let want = vec![s, s];
        let mut got = want.clone();
        got[1].score = Decimal::new(8499, 2);
        let err = agree("x", &ids, &want, &got).unwrap_err().to_string();
        assert!(err.contains("`dv1` in cycle 2025"), "{err}");
        assert!(err.contains("84.99"), "{err}");
    }

    #[test]
    fn every_engine_agrees_on_a_small_cycle_and_gets_a_row() {
        let mut report = Report::default();
        run(&Config { candidates: 200, iterations: 1 }, &mut report).unwrap();
        assert_eq!(
            report.rows.len(),
            7,
            "thidua untraced, traced, traces built; regorus, rhai, two floors"
        );
    }
}
