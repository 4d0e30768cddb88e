//! W1, eligibility gate: five awards, 21 requirements and disqualifiers per person.
//!
//! Engines: thidua (`workloads/w1.rules`), regorus (`w1.rego`), cedar-policy (`w1.cedar`),
//! rhai (`w1.rhai`) and hand-written Rust. Each decides, for every person, whether each of the
//! five awards is granted; the decisions must be identical before anything is timed.

use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Decision as CedarDecision, Entities, Entity, EntityId, EntityTypeName,
    EntityUid, PolicySet, Request, RestrictedExpression,
};
use chrono::{Datelike, NaiveDate};
use rhai::{Dynamic, INT, Scope};
use rust_decimal::prelude::ToPrimitive;
use thidua::eval::TraceMode;
use thidua::model::{Dataset, FactId, KindId, Value};

use crate::data::{self, Files, Person};
use crate::harness::{
    Config, Entry, FLOOR, Report, Res, Target, VS_CEDAR, VS_REGO, VS_RHAI, fail, job, median,
    thidua_entries, time_entries,
};
use crate::rego::{self, Mode, Rego};
use crate::thidua_side::Side;

const RULES: &str = include_str!("../workloads/w1.rules");
const REGO: &str = include_str!("../workloads/w1.rego");
const CEDAR: &str = include_str!("../workloads/w1.cedar");
const RHAI: &str = include_str!("../workloads/w1.rhai");

/// The awards decided, in the order of every engine's answer.
const AWARDS: [&str; 5] =
    ["lao_dong_tien_tien", "cstdcs", "cstd_nganh", "bang_khen_vkstc", "giay_khen"];

/// Whether each award in [`AWARDS`] is granted to one person.
type Decision = [bool; 5];

const CYCLE: i32 = 2025;

fn cycle_end() -> NaiveDate {
    NaiveDate::from_ymd_opt(CYCLE, 12, 31).unwrap_or(NaiveDate::MIN)
}

// ------------------------------------------------------------------------------ thidua

fn thidua_eval(side: &Side, data: &Dataset, mode: TraceMode, build: bool) -> Res<Vec<Decision>> {
    let ev = side.evaluate(data, None, mode)?;
    if build {
        side.build_traces(data, &ev)?;
    }
    let mut columns = Vec::with_capacity(AWARDS.len());
    for name in AWARDS {
        columns.push(side.outcomes(&ev, name)?);
    }
    let n = columns.first().map_or(0, |c| c.len());
    Ok((0..n)
        .map(|row| {
            let mut d = [false; 5];
            for (slot, column) in d.iter_mut().zip(&columns) {
                *slot = column.get(row).is_some_and(|o| o.eligible());
            }
            d
        })
        .collect())
}

// ------------------------------------------------------------------------------ hand-written Rust

/// History facts the floor reads, as bit sets of years.
const F_LDTT: usize = 0;
const F_CSTDCS: usize = 1;
const F_HTXS: usize = 2;
const F_HTT: usize = 3;
const F_BK: usize = 4;
const FLOOR_FACTS: [&str; 5] =
    ["lao_dong_tien_tien", "cstdcs", "htxs", "htt_tro_len", "bang_khen_vkstc"];
/// Bit 0 of a year set is this year.
const BASE_YEAR: i32 = 1990;

/// A person's inputs as the hand-written decision reads them.
#[derive(Debug, Clone, Copy)]
struct PersonIn {
    xep_loai: u32,
    ky_luat: u32,
    sang_kien: u32,
    thang_nghi: i64,
    dang_xem_xet: bool,
    recruited: NaiveDate,
}

/// A person as a hand-written program would hold one: inputs and a bit set of years per fact.
#[derive(Debug)]
struct FloorPerson {
    inputs: PersonIn,
    history: [u64; 5],
}

fn year_bits(years: &[i32]) -> u64 {
    years
        .iter()
        .filter_map(|y| u32::try_from(y - BASE_YEAR).ok().filter(|b| *b < 64))
        .fold(0, |acc, b| acc | (1 << b))
}

fn floor_data(files: &Files) -> Res<Vec<FloorPerson>> {
    Ok(data::people(files)?
        .into_iter()
        .map(|p| FloorPerson {
            inputs: PersonIn {
                xep_loai: u32::from(p.xep_loai),
                ky_luat: u32::from(p.ky_luat),
                sang_kien: u32::from(p.sang_kien),
                thang_nghi: p.thang_nghi,
                dang_xem_xet: p.dang_xem_xet,
                recruited: p.recruited,
            },
            history: FLOOR_FACTS.map(|f| year_bits(p.years(f))),
        })
        .collect())
}

fn floor_eval(people: &[FloorPerson], end: NaiveDate) -> Vec<Decision> {
    people
        .iter()
        .map(|p| {
            let held = |fact: usize, year: i32| {
                let bits = p.history.get(fact).copied().unwrap_or(0);
                u32::try_from(year - BASE_YEAR).is_ok_and(|b| b < 64 && bits >> b & 1 == 1)
            };
            decide(&p.inputs, held, end)
        })
        .collect()
}

/// Where the hand-written decision finds its inputs in thidua's `Dataset`.
#[derive(Debug)]
struct DatasetFloor {
    kind: KindId,
    fields: [usize; 6],
    facts: [FactId; 5],
}

fn dataset_floor(side: &Side) -> Res<DatasetFloor> {
    let schema = &side.program.schema;
    let kind = schema.kind("can_bo").ok_or("w1.rules has no `can_bo`")?;
    let def = schema.kind_def(kind).ok_or("no `can_bo` definition")?;
    let field = |name: &str| {
        def.field(name).map(|f| f.0 as usize).ok_or(format!("`can_bo` has no field `{name}`"))
    };
    let fact = |name: &str| schema.fact(name).ok_or(format!("w1.rules has no fact `{name}`"));
    Ok(DatasetFloor {
        kind,
        fields: [
            field("xep_loai")?,
            field("ky_luat")?,
            field("sang_kien")?,
            field("thang_nghi")?,
            field("dang_xem_xet")?,
            field("ngay_tuyen_dung")?,
        ],
        facts: [
            fact(FLOOR_FACTS[F_LDTT])?,
            fact(FLOOR_FACTS[F_CSTDCS])?,
            fact(FLOOR_FACTS[F_HTXS])?,
            fact(FLOOR_FACTS[F_HTT])?,
            fact(FLOOR_FACTS[F_BK])?,
        ],
    })
}

/// The hand-written decision over thidua's own loaded `Dataset`: rows of `Value`s and its
/// `History`, so the difference from thidua is the engine's overhead, not the data layout.
fn dataset_floor_eval(fl: &DatasetFloor, data: &Dataset, end: NaiveDate) -> Vec<Decision> {
    let Some(table) = data.table(fl.kind) else { return Vec::new() };
    let [xep_loai, ky_luat, sang_kien, thang_nghi, dang_xem_xet, ngay] = fl.fields;
    (0..u32::try_from(table.len()).unwrap_or(u32::MAX))
        .map(|row| {
            let values = table.row(row);
            let en = |f: usize| match values.get(f) {
                Some(Value::Enum(v)) => *v,
                _ => 0,
            };
            let inputs = PersonIn {
                xep_loai: en(xep_loai),
                ky_luat: en(ky_luat),
                sang_kien: en(sang_kien),
                thang_nghi: match values.get(thang_nghi) {
                    Some(Value::Num(d)) => d.to_i64().unwrap_or(0),
                    _ => 0,
                },
                dang_xem_xet: matches!(values.get(dang_xem_xet), Some(Value::Bool(true))),
                recruited: match values.get(ngay) {
                    Some(Value::Date(d)) => *d,
                    _ => NaiveDate::MIN,
                },
            };
            let held = |fact: usize, year: i32| {
                fl.facts.get(fact).is_some_and(|f| data.history.held_in(*f, row, year))
            };
            decide(&inputs, held, end)
        })
        .collect()
}

/// Whole months from `a` to `b`, as thidua counts them.
pub(crate) fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
    let mut m = i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month());
    if m > 0 && b.day() < a.day() {
        m -= 1;
    } else if m < 0 && b.day() > a.day() {
        m += 1;
    }
    m
}

/// The five decisions, hand-written; `held(fact, year)` reads the history.
fn decide(p: &PersonIn, held: impl Fn(usize, i32) -> bool, end: NaiveDate) -> Decision {
    let tenure = months_between(p.recruited, end);
    let ldtt =
        !(p.thang_nghi >= 3 || p.ky_luat >= 1 || p.dang_xem_xet) && p.xep_loai >= 2 && tenure >= 6;
    let cstdcs =
        !p.dang_xem_xet && ldtt && (p.xep_loai == 3 || p.sang_kien >= 1) && held(F_LDTT, CYCLE - 1);
    let cstd_nganh = cstdcs
        && held(F_CSTDCS, CYCLE - 1)
        && held(F_CSTDCS, CYCLE - 2)
        && p.sang_kien >= 2
        && tenure / 12 >= 5;
    let bang_khen = !p.dang_xem_xet
        && p.ky_luat < 1
        && ((cstdcs && held(F_CSTDCS, CYCLE - 1))
            || (p.xep_loai == 3 && held(F_HTXS, CYCLE - 1) && p.sang_kien >= 1))
        && !held(F_BK, CYCLE - 1);
    let htt = u8::from(p.xep_loai >= 2)
        + u8::from(held(F_HTT, CYCLE - 1))
        + u8::from(held(F_HTT, CYCLE - 2));
    let giay_khen =
        p.ky_luat < 1 && p.thang_nghi < 3 && p.xep_loai == 3 && !cstdcs && !bang_khen && htt >= 2;
    [ldtt, cstdcs, cstd_nganh, bang_khen, giay_khen]
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
    Ok(data::people(files)?
        .iter()
        .map(|p| {
            let mut s = Scope::new();
            s.push_constant("xep_loai", INT::from(p.xep_loai))
                .push_constant("ky_luat", INT::from(p.ky_luat))
                .push_constant("sang_kien", INT::from(p.sang_kien))
                .push_constant("thang_nghi", p.thang_nghi)
                .push_constant("dang_xem_xet", p.dang_xem_xet)
                .push_constant("ngay_y", INT::from(p.recruited.year()))
                .push_constant("ngay_m", INT::from(p.recruited.month()))
                .push_constant("ngay_d", INT::from(p.recruited.day()))
                .push_constant_dynamic("h_ldtt", rhai_years(p.years("lao_dong_tien_tien")))
                .push_constant_dynamic("h_cstdcs", rhai_years(p.years("cstdcs")))
                .push_constant_dynamic("h_htxs", rhai_years(p.years("htxs")))
                .push_constant_dynamic("h_htt", rhai_years(p.years("htt_tro_len")))
                .push_constant_dynamic("h_bk", rhai_years(p.years("bang_khen_vkstc")));
            s
        })
        .collect())
}

fn rhai_eval(
    engine: &rhai::Engine,
    ast: &rhai::AST,
    scopes: &mut [Scope<'static>],
) -> Res<Vec<Decision>> {
    let mut out = Vec::with_capacity(scopes.len());
    for scope in scopes {
        let n = scope.len();
        let bits: INT = engine.eval_ast_with_scope(scope, ast)?;
        scope.rewind(n);
        out.push(std::array::from_fn(|i| bits >> i & 1 == 1));
    }
    Ok(out)
}

// ------------------------------------------------------------------------------ regorus

pub(crate) fn rego_candidate(p: &Person) -> regorus::Value {
    let history = rego::object(p.history.iter().map(|(f, ys)| (f.as_str(), rego::years(ys))));
    let date = [
        p.recruited.year(),
        i32::try_from(p.recruited.month()).unwrap_or(0),
        i32::try_from(p.recruited.day()).unwrap_or(0),
    ];
    rego::object([
        ("xep_loai", regorus::Value::from(i64::from(p.xep_loai))),
        ("ky_luat", regorus::Value::from(i64::from(p.ky_luat))),
        ("sang_kien", regorus::Value::from(i64::from(p.sang_kien))),
        ("thang_nghi", regorus::Value::from(p.thang_nghi)),
        ("dang_xem_xet", regorus::Value::from(p.dang_xem_xet)),
        ("ngay", rego::years(&date)),
        ("history", history),
    ])
}

fn rego_decision(v: &regorus::Value) -> Res<Decision> {
    let mut d = [false; 5];
    for (i, slot) in d.iter_mut().enumerate() {
        *slot = rego::boolean(rego::item(v, i)?)?;
    }
    Ok(d)
}

/// Every candidate as a Rego value.
fn rego_inputs(files: &Files) -> Res<Vec<regorus::Value>> {
    Ok(data::people(files)?.iter().map(rego_candidate).collect())
}

/// The batch mode's `data` document.
fn rego_batch_data(inputs: &[regorus::Value]) -> regorus::Value {
    rego::object([("candidates", regorus::Value::from(inputs.to_vec()))])
}

fn rego_load(mode: Mode) -> Res<Rego> {
    Rego::load(mode, "w1.rego", REGO, "data.w1.decision", "data.w1.batch")
}

fn rego_eval(r: &mut Rego, inputs: &[regorus::Value]) -> Res<Vec<Decision>> {
    if r.mode() == Mode::Batch {
        let all = r.eval_batch(regorus::Value::new_object())?;
        return (0..rego::len(&all)?).map(|i| rego_decision(rego::item(&all, i)?)).collect();
    }
    inputs.iter().map(|input| rego_decision(&r.eval(input)?)).collect()
}

// ------------------------------------------------------------------------------ cedar

struct Cedar {
    policies: PolicySet,
    authorizer: Authorizer,
    actions: Vec<EntityUid>,
    resource: EntityUid,
}

fn uid(kind: &str, id: &str) -> Res<EntityUid> {
    Ok(EntityUid::from_type_name_and_id(EntityTypeName::from_str(kind)?, EntityId::new(id)))
}

fn cedar_load() -> Res<Cedar> {
    Ok(Cedar {
        policies: PolicySet::from_str(CEDAR)?,
        authorizer: Authorizer::new(),
        actions: AWARDS.iter().map(|a| uid("Action", a)).collect::<Res<_>>()?,
        resource: uid("Cycle", "2025")?,
    })
}

fn cedar_data(files: &Files) -> Res<(Entities, Vec<EntityUid>)> {
    let people = data::people(files)?;
    let mut entities = Vec::with_capacity(people.len());
    let mut principals = Vec::with_capacity(people.len());
    for p in &people {
        let principal = uid("Person", &p.id)?;
        let history = p.history.iter().flat_map(|(fact, years)| {
            years.iter().map(move |y| RestrictedExpression::new_string(format!("{fact}@{y}")))
        });
        let attrs: std::collections::HashMap<String, RestrictedExpression> = [
            ("xep_loai", RestrictedExpression::new_long(i64::from(p.xep_loai))),
            ("ky_luat", RestrictedExpression::new_long(i64::from(p.ky_luat))),
            ("sang_kien", RestrictedExpression::new_long(i64::from(p.sang_kien))),
            ("thang_nghi", RestrictedExpression::new_long(p.thang_nghi)),
            ("dang_xem_xet", RestrictedExpression::new_bool(p.dang_xem_xet)),
            (
                "ngay_tuyen_dung",
                RestrictedExpression::new_datetime(p.recruited.format("%Y-%m-%d").to_string()),
            ),
            ("history", RestrictedExpression::new_set(history)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        entities.push(Entity::new(principal.clone(), attrs, Default::default())?);
        principals.push(principal);
    }
    Ok((Entities::from_entities(entities, None)?, principals))
}

fn cedar_eval(c: &Cedar, entities: &Entities, principals: &[EntityUid]) -> Res<Vec<Decision>> {
    let mut out = Vec::with_capacity(principals.len());
    for principal in principals {
        let mut d = [false; 5];
        let mut now: Vec<&str> = Vec::new();
        for ((slot, action), award) in d.iter_mut().zip(&c.actions).zip(AWARDS) {
            let set = now.iter().map(|a| RestrictedExpression::new_string((*a).to_string()));
            let context =
                Context::from_pairs([(String::from("now"), RestrictedExpression::new_set(set))])?;
            let request =
                Request::new(principal.clone(), action.clone(), c.resource.clone(), context, None)?;
            let response = c.authorizer.is_authorized(&request, &c.policies, entities);
            if let Some(e) = response.diagnostics().errors().next() {
                return fail(format!("W1: a Cedar policy failed on `{principal}`: {e}"));
            }
            *slot = response.decision() == CedarDecision::Allow;
            if *slot {
                now.push(award);
            }
        }
        out.push(d);
    }
    Ok(out)
}

// ------------------------------------------------------------------------------ the run

/// thidua's evaluation alone, for a profiler: returns the closure to run repeatedly.
pub(crate) fn profile(cfg: &Config, mode: TraceMode) -> Res<impl FnMut() -> Res<()>> {
    let files = data::w1_files(cfg.candidates);
    let side = Side::load("w1.rules", RULES)?;
    let data = side.load_data(&files)?;
    Ok(move || thidua_eval(&side, &data, mode, false).map(drop))
}

/// Compare an engine's decisions with thidua's; the first difference is an error.
fn agree(engine: &str, ids: &[String], want: &[Decision], got: &[Decision]) -> Res<()> {
    if want.len() != got.len() {
        return fail(format!("W1: {engine} decided {} people, thidua {}", got.len(), want.len()));
    }
    for ((id, w), g) in ids.iter().zip(want).zip(got) {
        if w != g {
            let show = |d: &Decision| {
                let granted: Vec<&str> =
                    AWARDS.iter().zip(d).filter(|(_, g)| **g).map(|(a, _)| *a).collect();
                format!("[{}]", granted.join(", "))
            };
            return fail(format!(
                "W1: {engine} disagrees with thidua on `{id}`: thidua grants {}, {engine} grants {}",
                show(w),
                show(g)
            ));
        }
    }
    Ok(())
}

/// Check agreement, then time every engine; append the rows.
pub(crate) fn run(cfg: &Config, report: &mut Report) -> Res<()> {
    let files = data::w1_files(cfg.candidates);
    let ids: Vec<String> = data::people(&files)?.into_iter().map(|p| p.id).collect();
    let label = format!("W1 gate ({} people)", ids.len());
    let it = cfg.iterations;
    eprintln!("{label}: agreement check");

    // thidua, the reference.
    let (t_load, side) = median(it, || Side::load("w1.rules", RULES))?;
    let (t_data, data) = median(it, || side.load_data(&files))?;
    let want = thidua_eval(&side, &data, TraceMode::Off, false)?;
    if thidua_eval(&side, &data, TraceMode::All, true)? != want {
        return fail("W1: thidua's traced and untraced runs disagree");
    }

    // Every other engine, checked before anything is timed.
    let end = cycle_end();
    let floor = floor_data(&files)?;
    agree("hand-written Rust (own records)", &ids, &want, &floor_eval(&floor, end))?;
    let dataset = dataset_floor(&side)?;
    agree(
        "hand-written Rust (thidua's Dataset)",
        &ids,
        &want,
        &dataset_floor_eval(&dataset, &data, end),
    )?;
    let (engine, ast) = rhai_load()?;
    let mut scopes = rhai_data(&files)?;
    agree("rhai", &ids, &want, &rhai_eval(&engine, &ast, &mut scopes)?)?;
    let cedar = cedar_load()?;
    let (entities, principals) = cedar_data(&files)?;
    agree("cedar", &ids, &want, &cedar_eval(&cedar, &entities, &principals)?)?;
    let mut regos = Vec::new();
    for mode in Mode::ALL {
        let mut r = rego_load(mode)?;
        let inputs = rego_inputs(&files)?;
        if mode == Mode::Batch {
            r.set_data(rego_batch_data(&inputs))?;
        }
        agree(mode.label(), &ids, &want, &rego_eval(&mut r, &inputs)?)?;
        regos.push((r, inputs));
    }
    eprintln!("{label}: all engines agree on {} decisions; timing", ids.len() * AWARDS.len());

    let (mut rego, rego_inputs_v, note) =
        rego::fastest(&label, regos, |r, i: &Vec<regorus::Value>| rego_eval(r, i))?;
    report.notes.push(note);
    let mode = rego.mode();
    let (rego_load_t, _) = median(it, || rego_load(mode))?;
    let (rego_data_t, _) = median(it, || {
        let inputs = rego_inputs(&files)?;
        if mode == Mode::Batch {
            regorus::Engine::new().add_data(rego_batch_data(&inputs))?;
        }
        Ok(inputs)
    })?;
    let (cedar_load_t, _) = median(it, cedar_load)?;
    let (cedar_data_t, _) = median(it, || cedar_data(&files))?;
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
            engine: String::from("cedar-policy (5 requests per person)"),
            target: Target::PeerSlower(VS_CEDAR),
            load: Some(cedar_load_t),
            data: Some(cedar_data_t),
            eval: job(|| cedar_eval(&cedar, &entities, &principals)),
        },
        Entry {
            engine: String::from("rhai (AST compiled once, run per person)"),
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
            eval: job(|| Ok(dataset_floor_eval(&dataset, &data, end))),
        },
        Entry {
            engine: String::from("hand-written Rust, own records (year bit sets)"),
            target: Target::Info,
            load: None,
            data: Some(floor_data_t),
            eval: job(|| Ok(floor_eval(&floor, end))),
        },
    ]);
    time_entries(report, &label, it, entries)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_differing_decision_names_the_person_and_both_answers() {
        let ids = vec![String::from("cb1"), String::from("cb2")];
        let want = vec![[true, false, false, false, false]; 2];
        let mut got = want.clone();
        assert!(agree("x", &ids, &want, &got).is_ok());
        got[1][2] = true;
        let err = agree("x", &ids, &want, &got).unwrap_err().to_string();
        assert!(err.contains("`cb2`"), "{err}");
        assert!(err.contains("thidua grants [lao_dong_tien_tien]"), "{err}");
        assert!(err.contains("x grants [lao_dong_tien_tien, cstd_nganh]"), "{err}");
    }

    #[test]
    fn every_engine_agrees_on_a_small_cycle_and_gets_a_row() {
        let mut report = Report::default();
        run(&Config { candidates: 300, iterations: 1 }, &mut report).unwrap();
        assert_eq!(
            report.rows.len(),
            8,
            "thidua untraced, traced, traces built; regorus, cedar, rhai, two floors"
        );
        assert!(report.rows.iter().all(|r| r.eval.is_some()));
        assert_eq!(report.notes.len(), 1, "the regorus modes not shown");
    }
}
