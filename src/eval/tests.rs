//! Evaluator tests on small inline rule sets whose results can be worked out by hand.

use rust_decimal::Decimal;

use super::*;
use crate::diag::SourceMap;

const RULES: &str = r#"
ruleset t "Test" cycle 2025 effective from 2024-01-01 basis "test"

param lcs "Lương cơ sở": money {
  1_800_000 from 2023-07-01 to 2024-06-30
  2_340_000 from 2024-07-01
}
param nguong: percent { 70% from 2024-01-01 to 2024-12-31  50% from 2025-01-01 }

enum xl { KHT < HT < HTT < HTXS }

entity cum { ten: text }
entity dv in cum { ten: text  thu_ly: integer  giai_quyet: integer  loi: integer  kien_nghi: integer  vi_pham: integer }
entity cb in dv { ten: text  xl: xl  nu: bool  kl: bool default false  tuyen: date }

scoring diem for dv max 100 {
  group a "A" max 60 {
    ratio gq "Giải quyết" max 30 actual giai_quyet target thu_ly
    pass khong_loi "Không lỗi" max 20 when loi == 0
    each kn "Kiến nghị" max 10 points 4 per kien_nghi
  }
  formula f "Tỷ lệ LĐTT" max 40 = 40 * share(members, held ldtt)
  bonus b "Cờ năm trước" points 5 when held co last cycle cap 5
  penalty p "Vi phạm" points 3 per vi_pham cap 9
  grade xs "Xuất sắc" from 90
  grade tot "Tốt" from 70
  grade kem "Kém" otherwise
  rank within cum by score desc, ten asc
}

mark htxs for cb when xl == HTXS

title ldtt "Lao động tiên tiến" for cb {
  basis "Điều 24"
  require "HTT trở lên": xl >= HTT
  require "Đủ 6 tháng": months_between(tuyen, cycle_end) >= 6
  disqualify "Kỷ luật": kl
  reward 0.3 * lcs
}

title cstd "CSTĐCS" for cb {
  basis "Điều 23"
  require: held ldtt and xl == HTXS
  quota 50% of ldtt per dv by nu desc round up
  reward 1 * lcs
}

title nganh "CSTĐ ngành" for cb {
  basis "Điều 22"
  require: held cstd for 3 consecutive cycles
}

commendation bk for cb {
  basis "Điều 74"
  require: held htxs in 2 of last 3 cycles or ever held bk_ttg
}

extern bk_ttg for cb basis "Điều 73"
extern co for dv basis "Điều 26"

title tt for dv {
  basis "Điều 28"
  require: share(members, held ldtt) >= nguong
  require: rank <= 2
  quota 1 per cum by score desc
}
"#;

const CUM: &str = "id,ten\nc1,Cụm 1\nc2,Cụm 2\n";
const DV: &str = "id,cum,ten,thu_ly,giai_quyet,loi,kien_nghi,vi_pham\n\
d1,c1,Một,100,90,0,2,0\n\
d2,c1,Hai,100,100,1,5,1\n\
d3,c1,Ba,0,0,0,0,4\n\
d4,c2,Bốn,50,50,0,3,0\n";
const CB: &str = "id,dv,ten,xl,nu,kl,tuyen\n\
p1,d1,An,HTXS,true,,2010-01-01\n\
p2,d1,Bình,HTXS,false,,2010-01-01\n\
p3,d1,Chi,HTT,true,true,2010-01-01\n\
p4,d1,Dũng,HT,false,,2010-01-01\n\
p5,d2,Em,HTXS,false,,2025-09-01\n\
p6,d2,Giang,HTT,true,,2020-01-01\n\
p7,d4,Hà,HTXS,true,,2015-03-01\n";
const HISTORY: &str = "entity,award,cycle\n\
p1,cstd,2023\np1,cstd,2024\n\
p2,cstd,2024\n\
p1,htxs,2023\np6,htxs,2023\np6,htxs,2022\n\
p6,bk_ttg,2020\n\
d2,co,2024\n";

struct Fixture {
    program: Program,
    data: Dataset,
}

fn fixture() -> Fixture {
    fixture_with(RULES, CB)
}

fn fixture_with(rules: &str, cb: &str) -> Fixture {
    let mut sources = SourceMap::new();
    let checked = crate::check::check_source("t.rules", rules, &mut sources)
        .unwrap_or_else(|d| panic!("{d:#?}"));
    let files = [("cum.csv", CUM), ("dv.csv", DV), ("cb.csv", cb), ("history.csv", HISTORY)];
    let data = crate::data::load_csv_str(&checked.program.schema, &files, &mut sources)
        .unwrap_or_else(|e| panic!("{e:?}"));
    Fixture { program: checked.program, data }
}

fn run(f: &Fixture, mode: TraceMode) -> Evaluation {
    let cycle = resolve_cycle(&f.program, None).unwrap();
    evaluate(&f.program, &f.data, cycle, mode).unwrap()
}

fn award(f: &Fixture, e: &Evaluation, name: &str) -> Vec<Outcome> {
    let i = f.program.awards.iter().position(|a| a.name == name).unwrap();
    e.awards[i].outcome.clone()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

use Outcome::{Disqualified as D, Eligible as E, NotEligible as N, OverQuota as Q};

#[test]
fn requirements_and_disqualifiers_decide_eligibility() {
    let f = fixture();
    let e = run(&f, TraceMode::Off);
    // p3 is HTT but disciplined; p4 is only HT; p5 joined in September (under 6 months).
    assert_eq!(award(&f, &e, "ldtt"), vec![E, E, D, N, N, E, E]);
}

#[test]
fn reward_reads_the_parameter_in_force_at_the_cycle_end() {
    let f = fixture();
    let e = run(&f, TraceMode::Off);
    assert_eq!(e.awards[0].reward[0], Some(dec("702000")));
    assert_eq!(e.awards[0].reward[3], None);
}

#[test]
fn percentage_quota_counts_holders_per_group_and_rounds_up() {
    let f = fixture();
    let e = run(&f, TraceMode::Off);
    // d1 has 2 LĐTT holders (p1, p2), both HTXS: 50% of 2 = 1 place; women first → p1.
    // d4 has 1 holder (p7): 50% of 1 = 0.5, rounded up = 1 place.
    assert_eq!(award(&f, &e, "cstd"), vec![E, Q, N, N, N, N, E]);
}

#[test]
fn consecutive_chain_uses_history_and_this_cycle() {
    let f = fixture();
    let e = run(&f, TraceMode::Off);
    // p1: cstd 2023, 2024 and now 2025. p2: 2024 and over quota now, so the chain breaks.
    assert_eq!(award(&f, &e, "nganh"), vec![E, N, N, N, N, N, N]);
}

#[test]
fn k_of_last_n_and_ever_held() {
    let f = fixture();
    let e = run(&f, TraceMode::Off);
    // p1: htxs 2023 + 2025 → 2 of last 3. p2: only 2025. p6: ever held bk_ttg in 2020.
    // p5 and p7: HTXS only this year.
    assert_eq!(award(&f, &e, "bk"), vec![E, N, N, N, N, E, N]);
}

#[test]
fn scores_follow_the_criteria_formulas() {
    let f = fixture();
    let e = run(&f, TraceMode::Off);
    let s = &e.scores[1];
    // d1: ratio 90/100 × 30 = 27; pass 20; each 2×4 = 8; group 55; LĐTT share 2/4 × 40 = 20.
    assert_eq!(s.total[0], dec("75"));
    // d2: 30 + 0 + min(20, 10) = 40; share 1/2 (p5 is too new) → 20; bonus 5 (Cờ 2024);
    // penalty 3 → 62.
    assert_eq!(s.total[1], dec("62"));
    // d3: target 0 gives full marks (30) + 20 + 0; no members → 0; penalty 4×3 capped at 9.
    assert_eq!(s.total[2], dec("41"));
    // d4: 30 + 20 + 10 = 60 (group max 60); share 1/1 → 40 → 100.
    assert_eq!(s.total[3], dec("100"));
}

#[test]
fn grades_follow_the_bands() {
    let f = fixture();
    let e = run(&f, TraceMode::Off);
    let g = f.program.scorings[0].grades.as_ref().unwrap();
    let names: Vec<&str> = e.scores[1]
        .grade
        .iter()
        .map(|p| f.program.schema.enum_def(g.enum_id).unwrap().variant_name(*p))
        .collect();
    assert_eq!(names, vec!["tot", "kem", "kem", "xs"]);
}

#[test]
fn ranks_are_within_the_group_with_tie_breaks() {
    let f = fixture();
    let e = run(&f, TraceMode::Off);
    assert_eq!(e.ranks[1], vec![1, 2, 3, 1]);
}

#[test]
fn count_quota_takes_the_best_in_each_group() {
    let f = fixture();
    let e = run(&f, TraceMode::Off);
    // d1 and d2 both reach 50% (the 2025 threshold) and rank in the top 2 of c1; one place
    // per cluster goes to d1, the higher score. d3 has no members; d4 leads c2.
    assert_eq!(award(&f, &e, "tt"), vec![E, Q, N, E]);
}

#[test]
fn the_parameter_value_follows_the_cycle() {
    let f = fixture();
    let cycle = Cycle::year(2024).unwrap();
    let e = evaluate(&f.program, &f.data, cycle, TraceMode::Off).unwrap();
    // In 2024 the threshold was 70%, so d1 (2 of 4) does not qualify.
    assert_eq!(award(&f, &e, "tt")[0], N);
    assert_eq!(e.awards[0].reward[0], Some(dec("702000")), "LCS 2,340,000 since 2024-07-01");
}

#[test]
fn a_cycle_outside_the_rule_sets_force_is_refused() {
    let f = fixture();
    let err = resolve_cycle(&f.program, Some(2023)).unwrap_err();
    assert_eq!(err.code, "eval::not_in_force");
}

#[test]
fn traced_and_untraced_runs_agree() {
    let f = fixture();
    let a = run(&f, TraceMode::Off);
    let b = run(&f, TraceMode::All);
    for (x, y) in a.awards.iter().zip(&b.awards) {
        assert_eq!(x.outcome, y.outcome);
        assert_eq!(x.reward, y.reward);
    }
    for (ai, res) in b.awards.iter().enumerate() {
        for row in 0..res.outcome.len() as u32 {
            assert!(b.trace(&f.program, &f.data, ai, row).unwrap().is_some());
        }
    }
    assert!(a.trace(&f.program, &f.data, 0, 0).unwrap().is_none(), "an untraced run has none");
}

#[test]
fn a_trace_that_does_not_reproduce_its_decision_is_an_error() {
    let mut f = fixture();
    let e = run(&f, TraceMode::All);
    assert!(e.trace(&f.program, &f.data, 0, 0).unwrap().is_some());
    // p1 is disciplined after the run: its trace would no longer match what was decided.
    let cb = f.program.schema.kind("cb").unwrap();
    let kl = f.program.schema.kind_def(cb).unwrap().field("kl").unwrap();
    let t = &mut f.data.tables[cb.0 as usize];
    t.values[kl.0 as usize] = Value::Bool(true);
    let err = e.trace(&f.program, &f.data, 0, 0).unwrap_err();
    assert_eq!(err.code, "eval::trace_mismatch");
    assert!(err.message.contains("`ldtt`"), "{}", err.message);
    assert!(
        crate::diag::vi::misses(&err).is_empty(),
        "translated: {:?}",
        crate::diag::vi::misses(&err)
    );
}

#[test]
fn a_trace_records_what_each_requirement_read() {
    let f = fixture();
    let e = run(&f, TraceMode::Entity(KindId(2), 4));
    let t = e.trace(&f.program, &f.data, 0, 4).unwrap().unwrap();
    assert!(t.requires()[0].holds);
    assert!(!t.requires()[1].holds, "p5 joined in September");
    assert!(
        t.reads_of(&t.requires()[1])
            .iter()
            .any(|r| matches!(r, trace::Read::Field { value: Value::Date(_), .. }))
    );
    assert!(e.trace(&f.program, &f.data, 0, 0).unwrap().is_none(), "only the asked-for entity");
}

#[test]
fn division_by_zero_is_a_located_error() {
    let rules = RULES.replace("= 40 * share(members, held ldtt)", "= 40 * giai_quyet / thu_ly");
    let f = fixture_with(&rules, CB);
    let cycle = resolve_cycle(&f.program, None).unwrap();
    let err = evaluate(&f.program, &f.data, cycle, TraceMode::Off).unwrap_err();
    assert_eq!(err.code, "eval::division_by_zero");
}

#[test]
fn evaluation_is_deterministic() {
    let f = fixture();
    let a = crate::report::json(&f.program, &f.data, &run(&f, TraceMode::Off));
    let b = crate::report::json(&f.program, &f.data, &run(&f, TraceMode::All));
    assert_eq!(a, b);
}

mod properties {
    use proptest::prelude::*;

    use super::super::*;
    use crate::diag::SourceMap;
    use crate::sample::{GenConfig, generate};

    const SHIPPED: &str = include_str!("../../rules/vksnd_tinh.rules");

    fn cycle_data(seed: u64, clusters: u32, units: u32, people: u32) -> (Program, Dataset) {
        let mut sources = SourceMap::new();
        let program = crate::check::check_source("r.rules", SHIPPED, &mut sources).unwrap().program;
        let cfg = GenConfig {
            seed,
            clusters,
            units_per_cluster: units,
            people_per_unit: people,
            ..GenConfig::sample()
        };
        let files = generate(&cfg);
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        let data = crate::data::load_csv_str(&program.schema, &refs, &mut sources).unwrap();
        (program, data)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Law: a traced run decides exactly as an untraced one, on any generated cycle.
        #[test]
        fn traced_equals_untraced(seed in any::<u64>(), clusters in 1u32..4, units in 1u32..6, people in 0u32..14) {
            let (program, data) = cycle_data(seed, clusters, units, people);
            let cycle = resolve_cycle(&program, None).unwrap();
            let plain = evaluate(&program, &data, cycle, TraceMode::Off).unwrap();
            let traced = evaluate(&program, &data, cycle, TraceMode::All).unwrap();
            for (a, b) in plain.awards.iter().zip(&traced.awards) {
                prop_assert_eq!(&a.outcome, &b.outcome);
                prop_assert_eq!(&a.reward, &b.reward);
            }
            prop_assert_eq!(&plain.ranks, &traced.ranks);
            prop_assert_eq!(&plain.marks, &traced.marks);
            // And a traced decision agrees with its own trace.
            for (ai, (award, res)) in program.awards.iter().zip(&traced.awards).enumerate() {
                for (row, o) in res.outcome.iter().enumerate() {
                    let t = traced.trace(&program, &data, ai, row as u32).unwrap().unwrap();
                    // The same trace as a run that traced this one entity.
                    if row % 7 == 0 {
                        let one = evaluate(&program, &data, cycle, TraceMode::Entity(award.kind, row as u32)).unwrap();
                        prop_assert_eq!(&one.awards[ai].outcome, &res.outcome);
                        let alone = one.trace(&program, &data, ai, row as u32).unwrap();
                        prop_assert_eq!(Some(&t), alone.as_ref());
                    }
                    let disq = t.disqualifiers().iter().any(|c| c.holds);
                    let req = t.requires().iter().all(|c| c.holds);
                    let expected = if disq { Outcome::Disqualified } else if !req { Outcome::NotEligible } else { *o };
                    prop_assert_eq!(*o, expected, "award {}", award.name);
                    prop_assert_eq!(t.quota.is_some(), award.quota.is_some() && !disq && req);
                }
            }
        }

        /// Law: evaluating twice gives byte-identical JSON.
        #[test]
        fn evaluation_is_reproducible(seed in any::<u64>()) {
            let (program, data) = cycle_data(seed, 2, 3, 6);
            let cycle = resolve_cycle(&program, None).unwrap();
            let a = crate::report::json(&program, &data, &evaluate(&program, &data, cycle, TraceMode::Off).unwrap());
            let b = crate::report::json(&program, &data, &evaluate(&program, &data, cycle, TraceMode::Off).unwrap());
            prop_assert_eq!(a, b);
        }
    }
}

/// The in-place paths (`eval_bool`, `eval_num`, comparisons made without copying values) give
/// the same answers, the same errors and the same recorded reads as a plain evaluator that
/// copies every value out, on random well-typed expressions over `dv`'s fields, parameters
/// and history.
mod in_place {
    use proptest::prelude::*;

    use super::super::trace::{Read, Recorder, Tracer};
    use super::super::*;
    use super::{Fixture, fixture, run};
    use crate::ast::{BinOp, UnOp, Window};
    use crate::diag::Span;
    use crate::model::FieldId;

    /// The evaluator as it was written before the in-place paths: every node returns a
    /// [`Value`]; leaves are read by `Engine::eval` itself.
    fn reference<T: Tracer>(
        en: &Engine<'_>,
        e: &CExpr,
        kind: KindId,
        row: u32,
        t: &mut T,
    ) -> Result<Value, Box<Diagnostic>> {
        match e {
            CExpr::Unary(op, inner) => match (op, reference(en, inner, kind, row, t)?) {
                (UnOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
                (UnOp::Neg, Value::Num(d)) => Ok(Value::Num(-d)),
                _ => Err(Box::new(Diagnostic::error("eval::internal", Span::default(), "unary"))),
            },
            CExpr::If(c, a, b) => match reference(en, c, kind, row, t)? {
                Value::Bool(true) => reference(en, a, kind, row, t),
                _ => reference(en, b, kind, row, t),
            },
            CExpr::Binary(op, ab, span) => {
                let (a, b) = &**ab;
                if matches!(op, BinOp::And | BinOp::Or) {
                    let x = reference(en, a, kind, row, t)? == Value::Bool(true);
                    if !T::ENABLED && (x == (*op == BinOp::Or)) {
                        return Ok(Value::Bool(x));
                    }
                    let y = reference(en, b, kind, row, t)? == Value::Bool(true);
                    return Ok(Value::Bool(if *op == BinOp::And { x && y } else { x || y }));
                }
                let x = reference(en, a, kind, row, t)?;
                let y = reference(en, b, kind, row, t)?;
                Ok(Value::Bool(match op {
                    BinOp::Eq => x == y,
                    BinOp::Ne => x != y,
                    BinOp::Lt => x < y,
                    BinOp::Le => x <= y,
                    BinOp::Gt => x > y,
                    BinOp::Ge => x >= y,
                    _ => {
                        let (Value::Num(x), Value::Num(y)) = (x, y) else {
                            return Err(Box::new(Diagnostic::error(
                                "eval::internal",
                                *span,
                                "arith",
                            )));
                        };
                        let same = CExpr::Binary(
                            *op,
                            Box::new((CExpr::Const(Value::Num(x)), CExpr::Const(Value::Num(y)))),
                            *span,
                        );
                        return en.eval(&same, kind, row, t);
                    }
                }))
            }
            leaf => en.eval(leaf, kind, row, t),
        }
    }

    pub(super) fn field(f: &Fixture, kind: KindId, name: &str) -> CExpr {
        let k = &f.program.schema.kinds[kind.0 as usize];
        let i = k.fields.iter().position(|fd| fd.name == name).unwrap();
        CExpr::Field(FieldId(i as u32))
    }

    /// One of the six comparison operators.
    pub(super) fn comparison() -> impl Strategy<Value = BinOp> {
        prop::sample::select(vec![BinOp::Eq, BinOp::Ne, BinOp::Lt, BinOp::Le, BinOp::Gt, BinOp::Ge])
    }

    pub(super) fn bin(op: BinOp, a: CExpr, b: CExpr) -> CExpr {
        CExpr::Binary(op, Box::new((a, b)), Span::default())
    }

    /// Numbers: constants (0 included, for division by zero), fields, parameters,
    /// arithmetic, negation and conditionals.
    pub(super) fn num(leaves: Vec<CExpr>, bools: Vec<CExpr>) -> impl Strategy<Value = CExpr> {
        let leaf = prop_oneof![
            prop::sample::select(leaves),
            (-3i64..40).prop_map(|n| CExpr::Const(Value::Num(Decimal::from(n)))),
            Just(CExpr::Const(Value::Num(Decimal::new(25, 1)))),
        ];
        leaf.prop_recursive(3, 16, 3, move |inner| {
            let ops = prop::sample::select(vec![BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div]);
            prop_oneof![
                (ops, inner.clone(), inner.clone()).prop_map(|(o, a, b)| bin(o, a, b)),
                inner.clone().prop_map(|a| CExpr::Unary(UnOp::Neg, Box::new(a))),
                (prop::sample::select(bools.clone()), inner.clone(), inner)
                    .prop_map(|(c, a, b)| CExpr::If(Box::new(c), Box::new(a), Box::new(b))),
            ]
        })
    }

    /// Conditions: comparisons of numbers, history, constants, `and`, `or`, `not`, `if`.
    pub(super) fn cond(
        nums: BoxedStrategy<CExpr>,
        held: Vec<CExpr>,
    ) -> impl Strategy<Value = CExpr> {
        let leaf = prop_oneof![
            (comparison(), nums.clone(), nums).prop_map(|(o, a, b)| bin(o, a, b)),
            prop::sample::select(held),
            any::<bool>().prop_map(|b| CExpr::Const(Value::Bool(b))),
        ];
        combined(leaf, 3, 16)
    }

    /// Numbers and conditions over units (`dv`): their number fields and the parameters,
    /// arithmetic that can divide by zero, and the history of `co` in several windows.
    pub(super) fn unit_expressions() -> impl Strategy<Value = (CExpr, CExpr)> {
        let f = fixture();
        let dv = f.program.schema.kind("dv").unwrap();
        let nums = ["thu_ly", "giai_quyet", "loi", "kien_nghi", "vi_pham"]
            .map(|name| field(&f, dv, name))
            .into_iter()
            .chain([CExpr::Param(ParamId(0)), CExpr::Param(ParamId(1))])
            .collect::<Vec<_>>();
        let co = f.program.schema.fact("co").unwrap();
        let held = vec![
            CExpr::Held(co, Window::Last),
            CExpr::Held(co, Window::Consecutive(2)),
            CExpr::Held(co, Window::OfLast(1, 3)),
            CExpr::EverHeld(co),
        ];
        let n = num(nums, held.clone()).boxed();
        (n.clone(), cond(n, held))
    }

    /// Conditions built from `leaf` with `and`, `or`, `not` and `if`, up to `depth` levels.
    pub(super) fn combined(
        leaf: impl Strategy<Value = CExpr> + 'static,
        depth: u32,
        size: u32,
    ) -> BoxedStrategy<CExpr> {
        leaf.prop_recursive(depth, size, 3, |inner| {
            prop_oneof![
                (prop::sample::select(vec![BinOp::And, BinOp::Or]), inner.clone(), inner.clone())
                    .prop_map(|(o, a, b)| bin(o, a, b)),
                inner.clone().prop_map(|a| CExpr::Unary(UnOp::Not, Box::new(a))),
                (inner.clone(), inner.clone(), inner).prop_map(|(c, a, b)| CExpr::If(
                    Box::new(c),
                    Box::new(a),
                    Box::new(b)
                )),
            ]
        })
        .boxed()
    }

    fn same<T: PartialEq + std::fmt::Debug>(
        a: Result<T, Box<Diagnostic>>,
        b: Result<T, Box<Diagnostic>>,
    ) -> Result<(), TestCaseError> {
        match (a, b) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!((a.code, a.span), (b.code, b.span)),
            (a, b) => prop_assert!(false, "{a:?} against {b:?}"),
        }
        Ok(())
    }

    fn reads(r: Recorder) -> Vec<Read> {
        r.reads
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn in_place_paths_agree_with_the_plain_evaluator(
            (n, c) in unit_expressions()
        ) {
            let f = fixture();
            let e = run(&f, TraceMode::Off);
            let dv = f.program.schema.kind("dv").unwrap();
            let en = e.engine(&f.program, &f.data, &[]);
            for row in 0..4 {
                // Untraced.
                same(en.eval_bool(&c, dv, row, &mut NoTrace), reference(&en, &c, dv, row, &mut NoTrace).map(|v| v == Value::Bool(true)))?;
                same(en.eval(&c, dv, row, &mut NoTrace), reference(&en, &c, dv, row, &mut NoTrace))?;
                let as_num = |v: Value| match v { Value::Num(d) => d, _ => Decimal::ZERO };
                same(en.eval_num(&n, dv, row, &mut NoTrace), reference(&en, &n, dv, row, &mut NoTrace).map(as_num))?;
                same(en.eval(&n, dv, row, &mut NoTrace), reference(&en, &n, dv, row, &mut NoTrace))?;
                // Traced: the same verdicts and the same reads in the same order.
                let (mut a, mut b) = (Recorder::default(), Recorder::default());
                same(en.eval_bool(&c, dv, row, &mut a), reference(&en, &c, dv, row, &mut b).map(|v| v == Value::Bool(true)))?;
                prop_assert_eq!(reads(a), reads(b));
                let (mut a, mut b) = (Recorder::default(), Recorder::default());
                same(en.eval_num(&n, dv, row, &mut a), reference(&en, &n, dv, row, &mut b).map(as_num))?;
                prop_assert_eq!(reads(a), reads(b));
            }
        }
    }
}

/// The column-at-a-time evaluator ([`super::batch`]) against the row-at-a-time one, which
/// defines it: on every live row the same verdict, and an error exactly when some live row
/// fails; untraced (`and`/`or` skip their right side) and traced (they do not).
mod columns {
    use proptest::prelude::*;

    use super::super::batch::Bits;
    use super::super::trace::Recorder;
    use super::super::*;
    use super::in_place::{bin, combined, comparison, field, unit_expressions};
    use super::{Fixture, fixture};
    use crate::ast::{BinOp, Window};
    use crate::diag::Span;

    /// 300 people (a whole block of 256 and part of another) with every value the fields
    /// can take, and a few cycles of history, from a fixed seed.
    fn people() -> &'static Fixture {
        static PEOPLE: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
        PEOPLE.get_or_init(|| {
            let mut seed = 2025u64;
            let mut next = move |n: u64| {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (seed >> 33) % n
            };
            let mut cb = String::from("id,dv,ten,xl,nu,kl,tuyen\n");
            let mut history = String::from("entity,award,cycle\nd2,co,2024\n");
            for i in 0..300 {
                let xl = ["KHT", "HT", "HTT", "HTXS"][next(4) as usize];
                let nu = next(2) == 0;
                let kl = ["", "true", "false"][next(3) as usize];
                let (y, m, d) = (2005 + next(21), 1 + next(12), 1 + next(28));
                cb.push_str(&format!(
                    "q{i},d{},N{i},{xl},{nu},{kl},{y}-{m:02}-{d:02}\n",
                    1 + next(4)
                ));
                for fact in ["cstd", "htxs", "bk_ttg", "ldtt"] {
                    for year in 2021..=2025 {
                        if next(3) == 0 {
                            history.push_str(&format!("q{i},{fact},{year}\n"));
                        }
                    }
                }
            }
            let mut sources = crate::diag::SourceMap::new();
            let program = crate::check::check_source("t.rules", super::RULES, &mut sources)
                .unwrap_or_else(|d| panic!("{d:#?}"))
                .program;
            let files = [
                ("cum.csv", super::CUM),
                ("dv.csv", super::DV),
                ("cb.csv", cb.as_str()),
                ("history.csv", history.as_str()),
            ];
            let data = crate::data::load_csv_str(&program.schema, &files, &mut sources)
                .unwrap_or_else(|e| panic!("{e:?}"));
            Fixture { program, data }
        })
    }

    /// Conditions over people: enumeration, boolean and date fields against constants and
    /// each other, whole months, years and days since a date, history in every window (of
    /// awards decided this cycle, a mark, and an external award), `and`, `or`, `not`, `if`.
    fn person_cond() -> BoxedStrategy<CExpr> {
        let f = people();
        let cb = f.program.schema.kind("cb").unwrap();
        let [xl, nu, kl, tuyen] = ["xl", "nu", "kl", "tuyen"].map(|n| field(f, cb, n));
        let facts =
            ["ldtt", "cstd", "htxs", "bk_ttg", "nganh"].map(|n| f.program.schema.fact(n).unwrap());
        let either = |a: CExpr, b: CExpr, flip: bool, op: BinOp| {
            if flip { bin(op, b, a) } else { bin(op, a, b) }
        };
        let date =
            |y: i32| CExpr::Const(Value::Date(chrono::NaiveDate::from_ymd_opt(y, 6, 15).unwrap()));
        let call = |func: Func, a: CExpr, b: CExpr| CExpr::Call(func, vec![a, b], Span::default());
        let (xl2, tuyen2, tuyen3) = (xl.clone(), tuyen.clone(), tuyen.clone());
        let leaf = prop_oneof![
            (comparison(), 0u32..5, any::<bool>()).prop_map(move |(op, v, flip)| either(
                xl.clone(),
                CExpr::Const(Value::Enum(v)),
                flip,
                op
            )),
            (comparison(), any::<bool>()).prop_map(move |(op, flip)| either(
                xl2.clone(),
                xl2.clone(),
                flip,
                op
            )),
            (comparison(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map({
                let (nu, kl) = (nu.clone(), kl.clone());
                move |(op, which, v, flip)| {
                    either(
                        if which { nu.clone() } else { kl.clone() },
                        CExpr::Const(Value::Bool(v)),
                        flip,
                        op,
                    )
                }
            }),
            prop::sample::select(vec![nu, kl]),
            (comparison(), 2000i32..2026, any::<bool>()).prop_map(move |(op, y, flip)| either(
                tuyen.clone(),
                date(y),
                flip,
                op
            )),
            (
                comparison(),
                prop::sample::select(vec![
                    Func::MonthsBetween,
                    Func::YearsBetween,
                    Func::DaysBetween
                ]),
                prop_oneof![
                    Just(CExpr::Builtin(Builtin::CycleEnd)),
                    Just(CExpr::Builtin(Builtin::CycleStart)),
                    (2000i32..2026).prop_map(date)
                ],
                prop_oneof![
                    (-5i64..400).prop_map(|n| Value::Num(Decimal::from(n))),
                    Just(Value::Num(Decimal::new(65, 1))),
                    Just(Value::Num(Decimal::new(120, 1))),
                    Just(Value::Enum(1)),
                ],
                any::<bool>(),
                any::<bool>(),
            )
                .prop_map(move |(op, func, other, bound, args_flip, flip)| {
                    let c = if args_flip {
                        call(func, other, tuyen2.clone())
                    } else {
                        call(func, tuyen2.clone(), other)
                    };
                    either(c, CExpr::Const(bound), flip, op)
                }),
            (comparison(), prop::sample::select(vec![Func::MonthsBetween, Func::DaysBetween]))
                .prop_map(move |(op, func)| bin(
                    op,
                    call(func, tuyen3.clone(), CExpr::Builtin(Builtin::CycleEnd)),
                    CExpr::Param(ParamId(1))
                )),
            (
                prop::sample::select(facts.to_vec()),
                prop_oneof![
                    Just(Window::Current),
                    Just(Window::Last),
                    (0u32..5).prop_map(Window::Consecutive),
                    (0u32..4, 1u32..5).prop_map(|(k, n)| Window::OfLast(k, n)),
                ]
            )
                .prop_map(|(f, w)| CExpr::Held(f, w)),
            prop::sample::select(facts.to_vec()).prop_map(CExpr::EverHeld),
            any::<bool>().prop_map(|b| CExpr::Const(Value::Bool(b))),
        ];
        combined(leaf, 4, 24)
    }

    /// Checks `bits` over every block of `kind` against `eval_bool` row by row, with the
    /// live rows chosen by `live_seed`.
    fn agree(f: &Fixture, kind: KindId, c: &CExpr, live_seed: u64) -> Result<(), TestCaseError> {
        let e = super::run(f, TraceMode::Off);
        let typed = super::super::batch::Columns::new(&f.program);
        let n = f.data.table(kind).unwrap().len();
        // Without typed columns, and with them (built on first use).
        for (columns, short) in
            [(None, true), (None, false), (Some(&typed), true), (Some(&typed), false)]
        {
            let en = Engine { columns, ..e.engine(&f.program, &f.data, &[]) };
            let mut first = 0;
            while first < n {
                let len = (n - first).min(super::super::batch::BLOCK);
                // Every row live, or a pseudo-random half of them.
                let mut live = Bits::all(len);
                if live_seed % 2 == 1 {
                    let mut drop = Bits::none(len);
                    let mut x = live_seed;
                    let mut words = Vec::new();
                    for _ in 0..len.div_ceil(64) {
                        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                        words.push(x);
                    }
                    for i in 0..len {
                        if words[i / 64] >> (i % 64) & 1 == 1 {
                            drop.or(&Bits::only(len, i));
                        }
                    }
                    live.and_not(&drop);
                }
                let got = en.bits(c, kind, first, &live, short);
                let mut want = Ok(Vec::new());
                for i in (0..len).filter(|i| live.get(*i)) {
                    let row = (first + i) as u32;
                    let verdict = if short {
                        en.eval_bool(c, kind, row, &mut NoTrace)
                    } else {
                        en.eval_bool(c, kind, row, &mut Recorder::default())
                    };
                    match (verdict, &mut want) {
                        (Ok(v), Ok(w)) => w.push((i, v)),
                        (Err(_), w) => {
                            *w = Err(row);
                            break;
                        }
                        _ => {}
                    }
                }
                match (got, want) {
                    (Ok(bits), Ok(want)) => {
                        for (i, v) in want {
                            prop_assert_eq!(
                                bits.get(i),
                                v,
                                "row {} of {:?} (short: {})",
                                first + i,
                                c,
                                short
                            );
                        }
                        for i in (0..len).filter(|i| !live.get(*i)) {
                            prop_assert!(!bits.get(i), "row {} is not live", first + i);
                        }
                    }
                    (Err(_), Err(_)) => {}
                    (got, want) => prop_assert!(
                        false,
                        "{:?} against a row-at-a-time failure at {:?}",
                        got.map(|_| ()),
                        want.map(|_| ())
                    ),
                }
                first += len;
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn people_conditions_agree_with_the_row_at_a_time_evaluator(c in person_cond(), live in any::<u64>()) {
            let f = people();
            agree(f, f.program.schema.kind("cb").unwrap(), &c, live)?;
        }

        /// Units: arithmetic that can divide by zero, so errors must come from live rows only.
        #[test]
        fn failing_conditions_fail_on_the_same_rows(
            (_, c) in unit_expressions(),
            live in any::<u64>(),
        ) {
            let f = fixture();
            agree(&f, f.program.schema.kind("dv").unwrap(), &c, live)?;
        }
    }
}
