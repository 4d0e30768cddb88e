//! Running one planned case: evaluate its world, compare every expectation, and say which
//! rule decided each mismatch.
//!
//! The world is evaluated untraced; for an award expectation the runner then re-evaluates
//! the award's conditions for that one entity ([`crate::eval::eval_condition`]), so the
//! reasons it reports (the disqualifiers that held, the requirements that failed) are the
//! evaluator's own verdicts, at the cost of a few conditions per expectation.

use rust_decimal::Decimal;

use super::coverage::{self, BandSpans, Item};
use super::world::{Cause, PlannedCase, RCheck, RScore, Resolved, ScoreItem};
use super::{CaseError, CaseReport, Decider, Failure};
use crate::diag::{Diagnostic, SourceMap, Span};
use crate::eval::{self, Evaluation, Outcome, TraceMode};
use crate::model::Dataset;
use crate::program::{Award, Cycle, Program};
use crate::report::points;

/// What running a case produced: its report and the coverage items it exercised.
pub(crate) struct CaseRun {
    pub(crate) report: CaseReport,
    pub(crate) covered: Vec<Item>,
}

/// Run one case.
pub(crate) fn run_case(
    program: &Program,
    sources: &SourceMap,
    bands: &BandSpans,
    cycle: Cycle,
    case: &PlannedCase<'_>,
) -> CaseRun {
    let mut report = CaseReport {
        name: case.name.clone(),
        location: sources.location(case.span),
        passed: true,
        expectations: case.expects.len(),
        failures: Vec::new(),
        error: None,
    };
    let mut covered = Vec::new();
    let evaluation = match eval::evaluate(program, &case.data, cycle, TraceMode::Off) {
        Ok(e) => e,
        Err(d) => {
            report.passed = false;
            report.error = Some(case_error(sources, &d));
            return CaseRun { report, covered };
        }
    };
    let cx = Cx { program, sources, bands, data: &case.data, eval: &evaluation, cycle };
    for r in &case.expects {
        match cx.check(r, &mut covered) {
            Ok(None) => {}
            Ok(Some(f)) => {
                report.passed = false;
                report.failures.push(f);
            }
            Err(d) => {
                report.passed = false;
                report.error = Some(case_error(sources, &d));
                break;
            }
        }
    }
    CaseRun { report, covered }
}

fn case_error(sources: &SourceMap, d: &Diagnostic) -> CaseError {
    CaseError {
        location: sources.location(d.span),
        code: d.code.to_owned(),
        message: d.message.clone(),
    }
}

/// Everything a comparison reads.
struct Cx<'a> {
    program: &'a Program,
    sources: &'a SourceMap,
    bands: &'a BandSpans,
    data: &'a Dataset,
    eval: &'a Evaluation,
    cycle: Cycle,
}

/// The outcome as the test syntax writes it.
fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Eligible => "eligible",
        Outcome::NotEligible => "not eligible",
        Outcome::Disqualified => "disqualified",
        Outcome::OverQuota => "over quota",
    }
}

fn excerpt(sources: &SourceMap, span: Span) -> String {
    sources.slice(span).split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Cx<'_> {
    fn decider(&self, span: Span, rule: String, detail: String) -> Decider {
        Decider { location: self.sources.location(span), rule, detail }
    }

    /// Compare one expectation; `Some` failure when it does not hold.
    fn check(
        &self,
        r: &Resolved,
        covered: &mut Vec<Item>,
    ) -> Result<Option<Failure>, Box<Diagnostic>> {
        let (ok, expected, actual, decided_by) = match &r.check {
            RCheck::Score { scoring, parts } => self.score(r, *scoring, parts, covered),
            RCheck::Award { award, outcome, reward, reasons } => {
                self.award(r, *award, *outcome, *reward, reasons.as_deref(), covered)?
            }
            RCheck::Points { scoring, item, cmp, value } => {
                let (actual, item_cov, span, rule) = self.points_of(r, *scoring, *item);
                covered.push(item_cov);
                let ok = cmp.holds(actual, *value);
                let expected = format!("{}{}", cmp.prefix(), points(*value));
                (ok, expected, points(actual), vec![self.decider(span, rule, String::new())])
            }
        };
        Ok((!ok).then(|| Failure {
            location: self.sources.location(r.span),
            expectation: excerpt(self.sources, r.span),
            expected,
            actual,
            decided_by,
        }))
    }

    /// Points of a criterion or item for a row, its coverage item, its span and a description.
    fn points_of(&self, r: &Resolved, s: usize, item: ScoreItem) -> (Decimal, Item, Span, String) {
        let sc = self.program.scorings.get(s);
        let scores = self.eval.scores.get(r.kind.0 as usize);
        let row = r.row as usize;
        match item {
            ScoreItem::Node(i) => {
                let n = sc.map_or(0, |x| x.nodes.len());
                let p = scores.and_then(|x| x.nodes.get(row * n + i)).copied().unwrap_or_default();
                let node = sc.and_then(|x| x.nodes.get(i));
                let span = node.map_or(Span::default(), |x| x.span);
                let rule = node.map_or_else(String::new, |x| {
                    format!("criterion {}: {} of at most {}", x.name, points(p), points(x.max))
                });
                (p, Item::Node(s, i), span, rule)
            }
            ScoreItem::Adjust(i) => {
                let m = sc.map_or(0, |x| x.adjusts.len());
                let p =
                    scores.and_then(|x| x.adjusts.get(row * m + i)).copied().unwrap_or_default();
                let adj = sc.and_then(|x| x.adjusts.get(i));
                let span = adj.map_or(Span::default(), |x| x.span);
                let rule = adj.map_or_else(String::new, |x| {
                    let word = if x.bonus { "bonus" } else { "penalty" };
                    format!("{word} {}: {}", x.name, excerpt(self.sources, x.span))
                });
                (p, Item::Adjust(s, i), span, rule)
            }
        }
    }

    fn score(
        &self,
        r: &Resolved,
        s: usize,
        parts: &[RScore],
        covered: &mut Vec<Item>,
    ) -> (bool, String, String, Vec<Decider>) {
        let program = self.program;
        let k = r.kind.0 as usize;
        let row = r.row as usize;
        let scores = self.eval.scores.get(k);
        let total = scores.and_then(|x| x.total.get(row)).copied().unwrap_or_default();
        let grade = scores.and_then(|x| x.grade.get(row)).copied().unwrap_or_default();
        let rank = self.eval.ranks.get(k).and_then(|x| x.get(row)).copied().unwrap_or_default();
        let sc = program.scorings.get(s);
        let grade_def =
            sc.and_then(|x| x.grades.as_ref()).and_then(|g| program.schema.enum_def(g.enum_id));
        let grade_name = |pos: u32| grade_def.map_or("?", |d| d.variant_name(pos)).to_owned();
        let mut ok = true;
        let mut expected = Vec::new();
        let mut actual = Vec::new();
        let mut decided = Vec::new();
        for part in parts {
            match *part {
                RScore::Score(cmp, want) => {
                    if let Some(sc) = sc {
                        let n = sc.nodes.len();
                        let m = sc.adjusts.len();
                        for i in 0..n {
                            let p = scores.and_then(|x| x.nodes.get(row * n + i)).copied();
                            if p.is_some_and(|p| !p.is_zero()) {
                                covered.push(Item::Node(s, i));
                            }
                        }
                        for i in 0..m {
                            let p = scores.and_then(|x| x.adjusts.get(row * m + i)).copied();
                            if p.is_some_and(|p| !p.is_zero()) {
                                covered.push(Item::Adjust(s, i));
                            }
                        }
                    }
                    let hit = cmp.holds(total.round_dp(2), want);
                    expected.push(format!("score {}{}", cmp.prefix(), points(want)));
                    actual.push(format!("score {}", points(total)));
                    if !hit {
                        ok = false;
                        if let Some(sc) = sc {
                            decided.push(self.decider(
                                sc.span,
                                format!("scoring {}", sc.name),
                                self.breakdown(s, row),
                            ));
                        }
                    }
                }
                RScore::Grade(want) => {
                    covered.push(Item::Band(s, want));
                    expected.push(format!("grade {}", grade_name(want)));
                    actual.push(format!("grade {}", grade_name(grade)));
                    if grade != want {
                        ok = false;
                        let span = self.bands.get(&(s, grade)).copied();
                        let span = span.or(sc.map(|x| x.span)).unwrap_or_default();
                        decided.push(self.decider(
                            span,
                            excerpt(self.sources, span),
                            format!("score {}", points(total)),
                        ));
                    }
                }
                RScore::Rank(cmp, want) => {
                    let hit = cmp.holds(Decimal::from(rank), Decimal::from(want));
                    expected.push(format!("rank {}{want}", cmp.prefix()));
                    actual.push(format!("rank {rank}"));
                    if !hit {
                        ok = false;
                        if let Some(rk) = sc.and_then(|x| x.rank.as_ref()) {
                            let group = crate::report::ancestor_id(
                                program, self.data, r.kind, r.row, rk.within,
                            );
                            decided.push(self.decider(
                                rk.span,
                                excerpt(self.sources, rk.span),
                                format!(
                                    "score {} in {}",
                                    points(total),
                                    group.unwrap_or_else(|| String::from("?"))
                                ),
                            ));
                        }
                    }
                }
            }
        }
        (ok, expected.join(", "), actual.join(", "), decided)
    }

    /// The points of every leaf criterion and item: `a 15 + b 12.5 …, bonus c +5`.
    fn breakdown(&self, s: usize, row: usize) -> String {
        let Some(sc) = self.program.scorings.get(s) else { return String::new() };
        let Some(scores) = self.eval.scores.get(sc.kind.0 as usize) else { return String::new() };
        let n = sc.nodes.len();
        let mut parts = Vec::new();
        for (i, node) in sc.nodes.iter().enumerate() {
            if matches!(node.kind, crate::program::NodeKind::Group(_)) {
                continue;
            }
            let p = scores.nodes.get(row * n + i).copied().unwrap_or_default();
            parts.push(format!("{} {}", node.name, points(p)));
        }
        let m = sc.adjusts.len();
        for (i, adj) in sc.adjusts.iter().enumerate() {
            let p = scores.adjusts.get(row * m + i).copied().unwrap_or_default();
            let sign = if adj.bonus { "+" } else { "-" };
            parts.push(format!("{} {sign}{}", adj.name, points(p)));
        }
        parts.join(", ")
    }

    /// The conditions that decided an award for a row: disqualifiers that hold when
    /// disqualified, requirements that fail when not eligible.
    fn causes(
        &self,
        award: &Award,
        r: &Resolved,
        outcome: Outcome,
    ) -> Result<Vec<Cause>, Box<Diagnostic>> {
        let mut out = Vec::new();
        match outcome {
            Outcome::Disqualified => {
                for (i, c) in award.disqualifiers.iter().enumerate() {
                    if self.holds(&c.expr, r)? {
                        out.push(Cause::Disqualify(i));
                    }
                }
            }
            Outcome::NotEligible => {
                for (i, c) in award.requires.iter().enumerate() {
                    if !self.holds(&c.expr, r)? {
                        out.push(Cause::Require(i));
                    }
                }
            }
            Outcome::Eligible | Outcome::OverQuota => {}
        }
        Ok(out)
    }

    fn holds(&self, expr: &crate::program::CExpr, r: &Resolved) -> Result<bool, Box<Diagnostic>> {
        let (v, _) =
            eval::eval_condition(self.program, self.data, self.eval, expr, r.kind, r.row, &[])?;
        Ok(v)
    }

    /// Where the quota placed an entity: `place 3 of 3 eligible in dv01, 2 places`. The
    /// untraced run keeps no quota positions, so we trace this one entity again.
    fn quota_detail(&self, a: usize, r: &Resolved) -> Result<String, Box<Diagnostic>> {
        let traced =
            eval::evaluate(self.program, self.data, self.cycle, TraceMode::Entity(r.kind, r.row))?;
        let trace = traced.trace(self.program, self.data, a, r.row)?;
        let q = trace.as_ref().and_then(|t| t.quota.as_ref());
        Ok(match q {
            Some(q) => {
                let group = q.group.as_ref().map(|g| format!(" in {g}")).unwrap_or_default();
                let places =
                    if q.limit == 1 { "1 place".to_owned() } else { format!("{} places", q.limit) };
                format!("place {} of {} eligible{group}, {places}", q.position, q.eligible)
            }
            None => String::from("others come first in the quota order"),
        })
    }

    fn cause_name(award: &Award, c: Cause) -> String {
        match c {
            Cause::Require(i) => coverage::cond_name("require", &award.requires, i),
            Cause::Disqualify(i) => coverage::cond_name("disqualify", &award.disqualifiers, i),
        }
    }

    fn cause_decider(&self, award: &Award, c: Cause, verdict: &str) -> Decider {
        let cond = match c {
            Cause::Require(i) => award.requires.get(i),
            Cause::Disqualify(i) => award.disqualifiers.get(i),
        };
        let (span, text) = cond
            .map_or((award.span, String::new()), |x| (x.span, excerpt(self.sources, x.expr_span)));
        self.decider(span, format!("{}: {text}", Self::cause_name(award, c)), verdict.to_owned())
    }

    fn award(
        &self,
        r: &Resolved,
        a: usize,
        want: Outcome,
        want_reward: Option<Decimal>,
        want_reasons: Option<&[Cause]>,
        covered: &mut Vec<Item>,
    ) -> Result<(bool, String, String, Vec<Decider>), Box<Diagnostic>> {
        let Some(award) = self.program.awards.get(a) else {
            return Ok((true, String::new(), String::new(), Vec::new()));
        };
        match want {
            Outcome::Eligible => covered.push(Item::Eligible(a)),
            Outcome::OverQuota => covered.push(Item::Quota(a)),
            Outcome::NotEligible | Outcome::Disqualified => {}
        }
        for c in want_reasons.unwrap_or_default() {
            covered.push(match *c {
                Cause::Require(i) => Item::Require(a, i),
                Cause::Disqualify(i) => Item::Disqualify(a, i),
            });
        }
        let result = self.eval.awards.get(a);
        let row = r.row as usize;
        let got = result.and_then(|x| x.outcome.get(row)).copied().unwrap_or(Outcome::NotEligible);
        let got_reward = result.and_then(|x| x.reward.get(row)).copied().flatten();
        let causes = self.causes(award, r, got)?;
        let mut ok = got == want;
        if let Some(wr) = want_reasons
            && wr != causes.as_slice()
        {
            ok = false;
        }
        if let Some(w) = want_reward
            && got_reward != Some(w)
        {
            ok = false;
        }
        let describe = |o: Outcome, reward: Option<Decimal>, reasons: Option<&[Cause]>| {
            let mut s = String::from(outcome_word(o));
            if let Some(rw) = reward {
                s.push_str(&format!(" reward {}", rw.normalize()));
            }
            if let Some(list) = reasons.filter(|l| !l.is_empty()) {
                let names: Vec<String> = list.iter().map(|c| Self::cause_name(award, *c)).collect();
                s.push_str(&format!(" because {}", names.join(", ")));
            }
            s
        };
        let expected = describe(want, want_reward, want_reasons);
        let shown_reward = if want_reward.is_some() { got_reward } else { None };
        let actual = describe(got, shown_reward, Some(&causes));
        let mut decided = Vec::new();
        if !ok {
            match got {
                Outcome::Disqualified => {
                    decided.extend(causes.iter().map(|c| self.cause_decider(award, *c, "holds")));
                }
                Outcome::NotEligible => decided
                    .extend(causes.iter().map(|c| self.cause_decider(award, *c, "does not hold"))),
                Outcome::OverQuota => {
                    if let Some(q) = &award.quota {
                        let detail = self.quota_detail(a, r)?;
                        decided.push(self.decider(q.span, excerpt(self.sources, q.span), detail));
                    }
                }
                Outcome::Eligible => {
                    let word = match award.category {
                        crate::ast::AwardCategory::Title => "title",
                        crate::ast::AwardCategory::Commendation => "commendation",
                    };
                    let detail = match got_reward {
                        Some(rw) if want_reward.is_some() => format!(
                            "every requirement holds and no disqualifier does; reward {}",
                            rw.normalize()
                        ),
                        _ => String::from("every requirement holds and no disqualifier does"),
                    };
                    decided.push(self.decider(
                        award.span,
                        format!("{word} {}", award.name),
                        detail,
                    ));
                }
            }
            // Conditions the expectation named that did not decide: say what they did.
            for c in want_reasons.unwrap_or_default() {
                if causes.contains(c) {
                    continue;
                }
                let cond = match *c {
                    Cause::Require(i) => award.requires.get(i),
                    Cause::Disqualify(i) => award.disqualifiers.get(i),
                };
                let Some(cond) = cond else { continue };
                let holds = self.holds(&cond.expr, r)?;
                let verdict = if holds { "holds" } else { "does not hold" };
                decided.push(self.cause_decider(award, *c, verdict));
            }
        }
        Ok((ok, expected, actual, decided))
    }
}
