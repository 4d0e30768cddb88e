//! Checking `expect` statements: the entity, the award or criterion, the outcome, the
//! reasons (by label or number) and the reward, against the compiled program.

use rust_decimal::Decimal;

use super::{Cause, RCheck, RScore, Resolved, Resolver, ScoreItem, listing, suggest};
use crate::diag::Span;
use crate::eval::Outcome;
use crate::model::{Dataset, KindId};
use crate::program::Cond;
use crate::testing::syntax::{self, Check, Cmp, CondRef, ExpectedOutcome, Name, ScoreCheck, Which};

impl Resolver<'_> {
    fn scoring_of(&mut self, kind: KindId, at: Span) -> Option<usize> {
        let found = self.program.scorings.iter().position(|s| s.kind == kind);
        if found.is_none() {
            self.error(
                "test::not_scored",
                at,
                format!("`{}` has no scoring table", self.kind_name(kind)),
                String::from(
                    "only entities of a scored kind have a score, grade, rank or criteria",
                ),
            );
        }
        found
    }

    pub(super) fn expect(&mut self, world: &Dataset, e: &syntax::Expect) -> Option<Resolved> {
        let (kind, row) = self.entity(world, &e.entity)?;
        let check = match &e.check {
            Check::Score(parts) => self.score_check(kind, parts, e.entity.span)?,
            Check::Award { award, outcome, outcome_span, reward, reasons } => {
                self.award_check(kind, award, *outcome, *outcome_span, *reward, reasons.as_deref())?
            }
            Check::Points { item, cmp, value } => {
                let scoring = self.program.scorings.iter().position(|s| s.kind == kind);
                if let Some(a) = self.program.awards.iter().find(|a| a.name == item.text) {
                    self.error(
                        "test::missing_outcome",
                        item.span,
                        format!("`{}` is an award: expect an outcome, not points", a.name),
                        format!("write `expect {} {} eligible` (or `not eligible`, `disqualified`, `over quota`)", e.entity.id.text, a.name),
                    );
                    return None;
                }
                let scoring = match scoring {
                    Some(s) => s,
                    None => self.scoring_of(kind, item.span)?,
                };
                let sc = self.program.scorings.get(scoring)?;
                let found = match sc.nodes.iter().position(|n| n.name == item.text) {
                    Some(i) => Some(ScoreItem::Node(i)),
                    None => {
                        sc.adjusts.iter().position(|a| a.name == item.text).map(ScoreItem::Adjust)
                    }
                };
                let Some(found) = found else {
                    let names = sc
                        .nodes
                        .iter()
                        .map(|n| n.name.as_str())
                        .chain(sc.adjusts.iter().map(|a| a.name.as_str()));
                    let awards = self
                        .program
                        .awards
                        .iter()
                        .filter(|a| a.kind == kind)
                        .map(|a| a.name.as_str());
                    let help = suggest(
                        &item.text,
                        names.chain(awards),
                        "name a criterion, bonus or penalty item of the scoring table, or an award followed by its outcome",
                    );
                    self.error(
                        "test::unknown_item",
                        item.span,
                        format!(
                            "`{}` is not a criterion, bonus or penalty of `{}`",
                            item.text, sc.name
                        ),
                        help,
                    );
                    return None;
                };
                RCheck::Points { scoring, item: found, cmp: *cmp, value: *value }
            }
        };
        Some(Resolved { span: e.span, kind, row, check })
    }

    fn score_check(&mut self, kind: KindId, parts: &[ScoreCheck], at: Span) -> Option<RCheck> {
        let scoring = self.scoring_of(kind, at)?;
        let program = self.program;
        let sc = program.scorings.get(scoring)?;
        let mut out = Vec::new();
        let mut ok = true;
        for p in parts {
            match p {
                ScoreCheck::Score(c, v) => out.push(RScore::Score(*c, *v)),
                ScoreCheck::Rank(c, n, span) => {
                    if sc.rank.is_none() {
                        self.error(
                            "test::not_ranked",
                            *span,
                            format!("`{}` is not ranked", sc.name),
                            String::from(
                                "add `rank within … by …` to the scoring table, or drop `rank`",
                            ),
                        );
                        ok = false;
                    } else if *n == 0 && matches!(c, Cmp::Eq | Cmp::Le | Cmp::Lt) {
                        self.error(
                            "test::bad_number",
                            *span,
                            String::from("ranks start at 1"),
                            String::from("the entity that leads its group has rank 1"),
                        );
                        ok = false;
                    } else {
                        out.push(RScore::Rank(*c, *n));
                    }
                }
                ScoreCheck::Grade(g) => {
                    let def = sc.grades.as_ref().and_then(|gr| program.schema.enum_def(gr.enum_id));
                    let Some(def) = def else {
                        self.error(
                            "test::no_grades",
                            g.span,
                            format!("`{}` has no grade bands", sc.name),
                            String::from("drop `grade`"),
                        );
                        ok = false;
                        continue;
                    };
                    match def.variant(&g.text) {
                        Some(pos) => out.push(RScore::Grade(pos)),
                        None => {
                            let names = def.variants.iter().map(|(n, _)| n.as_str());
                            let help = suggest(
                                &g.text,
                                names.clone(),
                                &format!("the grades are {}", listing(names)),
                            );
                            self.error(
                                "test::unknown_grade",
                                g.span,
                                format!("`{}` is not a grade of `{}`", g.text, sc.name),
                                help,
                            );
                            ok = false;
                        }
                    }
                }
            }
        }
        ok.then_some(RCheck::Score { scoring, parts: out })
    }

    fn award_check(
        &mut self,
        kind: KindId,
        name: &Name,
        outcome: ExpectedOutcome,
        outcome_span: Span,
        reward: Option<(Decimal, Span)>,
        reasons: Option<&[syntax::Reason]>,
    ) -> Option<RCheck> {
        let program = self.program;
        let own = || program.awards.iter().filter(|a| a.kind == kind).map(|a| a.name.as_str());
        let Some(ai) = program.awards.iter().position(|a| a.name == name.text) else {
            let help = suggest(
                &name.text,
                own(),
                &format!("the awards for `{}` are {}", self.kind_name(kind), listing(own())),
            );
            self.error(
                "test::unknown_award",
                name.span,
                format!("no award named `{}`", name.text),
                help,
            );
            return None;
        };
        let award = program.awards.get(ai)?;
        if award.kind != kind {
            let help = suggest(
                &name.text,
                own(),
                &format!("the awards for `{}` are {}", self.kind_name(kind), listing(own())),
            );
            self.error(
                "test::kind_mismatch",
                name.span,
                format!(
                    "`{}` is given to `{}`, not to `{}`",
                    award.name,
                    self.kind_name(award.kind),
                    self.kind_name(kind)
                ),
                help,
            );
            return None;
        }
        let outcome = match outcome {
            ExpectedOutcome::Eligible => Outcome::Eligible,
            ExpectedOutcome::NotEligible => Outcome::NotEligible,
            ExpectedOutcome::Disqualified => Outcome::Disqualified,
            ExpectedOutcome::OverQuota => Outcome::OverQuota,
        };
        let mut ok = true;
        if outcome == Outcome::OverQuota && award.quota.is_none() {
            self.error(
                "test::no_quota",
                outcome_span,
                format!("`{}` has no quota, so nothing is over it", award.name),
                String::from("expect `eligible`, `not eligible` or `disqualified`"),
            );
            ok = false;
        }
        if outcome == Outcome::Disqualified && award.disqualifiers.is_empty() {
            self.error(
                "test::no_disqualifier",
                outcome_span,
                format!("`{}` has no disqualifiers", award.name),
                String::from("expect `eligible`, `not eligible` or `over quota`"),
            );
            ok = false;
        }
        if let Some((_, span)) = reward {
            if outcome != Outcome::Eligible {
                self.error(
                    "test::misplaced_reward",
                    span,
                    String::from("only an eligible entity gets a reward"),
                    String::from("drop `reward …`, or expect `eligible`"),
                );
                ok = false;
            } else if award.reward.is_none() {
                self.error(
                    "test::no_reward",
                    span,
                    format!("`{}` has no reward", award.name),
                    String::from("drop `reward …`"),
                );
                ok = false;
            }
        }
        let causes = match reasons {
            None => None,
            Some(list) => {
                let mut causes = Vec::new();
                for r in list {
                    match self.reason(award, outcome, r) {
                        Some(c) => causes.push(c),
                        None => ok = false,
                    }
                }
                causes.sort_unstable();
                causes.dedup();
                Some(causes)
            }
        };
        ok.then(|| RCheck::Award {
            award: ai,
            outcome,
            reward: reward.map(|(d, _)| d),
            reasons: causes,
        })
    }

    fn reason(
        &mut self,
        award: &crate::program::Award,
        outcome: Outcome,
        r: &syntax::Reason,
    ) -> Option<Cause> {
        let word = if r.disqualify { "disqualify" } else { "require" };
        let fits = match outcome {
            Outcome::NotEligible => !r.disqualify,
            Outcome::Disqualified => r.disqualify,
            Outcome::Eligible | Outcome::OverQuota => false,
        };
        if !fits {
            let help = match outcome {
                Outcome::NotEligible => {
                    "`not eligible` is decided by requirements: write `because require \"…\"`"
                }
                Outcome::Disqualified => {
                    "`disqualified` is decided by disqualifiers: write `because disqualify \"…\"`"
                }
                Outcome::Eligible => "an eligible entity meets every requirement; drop `because …`",
                Outcome::OverQuota => "the quota decided an over-quota entity; drop `because …`",
            };
            self.error(
                "test::misplaced_reason",
                r.span,
                format!("`{word}` cannot explain this outcome"),
                help.to_owned(),
            );
            return None;
        }
        let conds = if r.disqualify { &award.disqualifiers } else { &award.requires };
        let plural = if r.disqualify { "disqualifiers" } else { "requirements" };
        let index = self.cond_index(conds, &r.cond, &award.name, plural)?;
        Some(if r.disqualify { Cause::Disqualify(index) } else { Cause::Require(index) })
    }

    /// A condition of an award by label or number.
    pub(super) fn cond_index(
        &mut self,
        conds: &[Cond],
        c: &CondRef,
        award: &str,
        plural: &str,
    ) -> Option<usize> {
        match &c.which {
            Which::Index(n) => {
                let i = (*n as usize).checked_sub(1).filter(|i| *i < conds.len());
                if i.is_none() {
                    self.error(
                        "test::unknown_condition",
                        c.span,
                        format!("`{award}` has {} {plural}, so there is no #{n}", conds.len()),
                        String::from("conditions are numbered from #1 in the order written"),
                    );
                }
                i
            }
            Which::Label(l) => {
                let hits: Vec<usize> = conds
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.label.as_deref() == Some(l.as_str()))
                    .map(|(i, _)| i)
                    .collect();
                match hits.as_slice() {
                    [one] => Some(*one),
                    [] => {
                        let labels = conds.iter().filter_map(|x| x.label.as_deref());
                        let help = suggest(
                            l,
                            labels.clone(),
                            &if conds.is_empty() {
                                format!("`{award}` has no {plural}")
                            } else {
                                format!("the {plural} of `{award}` are {}", listing(labels))
                            },
                        );
                        self.error(
                            "test::unknown_condition",
                            c.span,
                            format!("`{award}` has none of its {plural} labelled \"{l}\""),
                            help,
                        );
                        None
                    }
                    _ => {
                        let numbers: Vec<String> =
                            hits.iter().map(|i| format!("#{}", i + 1)).collect();
                        self.error(
                            "test::ambiguous_condition",
                            c.span,
                            format!("several {plural} of `{award}` are labelled \"{l}\""),
                            format!("name it by number: {}", numbers.join(" or ")),
                        );
                        None
                    }
                }
            }
        }
    }
}
