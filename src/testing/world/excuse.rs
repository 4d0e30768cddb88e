//! Checking `unreachable` declarations: each names a coverage item of the rule set, in the
//! words the coverage report prints.

use super::{Excuse, Resolver, suggest};
use crate::diag::Diagnostic;
use crate::testing::coverage::Item;
use crate::testing::syntax::{ItemRef, Name, ScoringPart, TestFile};

impl Resolver<'_> {
    pub(super) fn excuses(&mut self, file: &TestFile) -> Vec<Excuse> {
        let mut out: Vec<Excuse> = Vec::new();
        for u in &file.unreachable {
            let Some(item) = self.item(&u.item) else { continue };
            if let Some(first) = out.iter().find(|e| e.item == item) {
                let first = first.span;
                self.diags.push(
                    Diagnostic::error(
                        "test::duplicate",
                        u.span,
                        "this item is declared unreachable twice",
                    )
                    .with_related(first, "first declared here")
                    .with_help("keep one declaration"),
                );
                continue;
            }
            out.push(Excuse { item, span: u.span, reason: u.reason.text.clone() });
        }
        out
    }

    fn award_named(&mut self, name: &Name) -> Option<usize> {
        let awards = &self.program.awards;
        let found = awards.iter().position(|a| a.name == name.text);
        if found.is_none() {
            let help = suggest(
                &name.text,
                awards.iter().map(|a| a.name.as_str()),
                "name a title or commendation of the rule set",
            );
            self.error(
                "test::unknown_award",
                name.span,
                format!("no award named `{}`", name.text),
                help,
            );
        }
        found
    }

    fn item(&mut self, item: &ItemRef) -> Option<Item> {
        let program = self.program;
        match item {
            ItemRef::Require(c, a) | ItemRef::Disqualify(c, a) => {
                let ai = self.award_named(a)?;
                let award = program.awards.get(ai)?;
                let dq = matches!(item, ItemRef::Disqualify(..));
                let (conds, plural) = if dq {
                    (&award.disqualifiers, "disqualifiers")
                } else {
                    (&award.requires, "requirements")
                };
                let i = self.cond_index(conds, c, &award.name, plural)?;
                Some(if dq { Item::Disqualify(ai, i) } else { Item::Require(ai, i) })
            }
            ItemRef::Quota(a) => {
                let ai = self.award_named(a)?;
                if program.awards.get(ai).is_some_and(|x| x.quota.is_none()) {
                    self.error(
                        "test::no_quota",
                        a.span,
                        format!("`{}` has no quota", a.text),
                        String::from("only an award with a quota has a quota item"),
                    );
                    return None;
                }
                Some(Item::Quota(ai))
            }
            ItemRef::Eligible(a) => self.award_named(a).map(Item::Eligible),
            ItemRef::Scoring(part, n, table) => self.scoring_item(*part, n, table.as_ref()),
        }
    }

    fn scoring_item(&mut self, part: ScoringPart, n: &Name, table: Option<&Name>) -> Option<Item> {
        let program = self.program;
        let tables: Vec<usize> = match table {
            Some(t) => match program.scorings.iter().position(|s| s.name == t.text) {
                Some(i) => vec![i],
                None => {
                    let help = suggest(
                        &t.text,
                        program.scorings.iter().map(|s| s.name.as_str()),
                        "name a scoring table of the rule set",
                    );
                    self.error(
                        "test::unknown_scoring",
                        t.span,
                        format!("no scoring table named `{}`", t.text),
                        help,
                    );
                    return None;
                }
            },
            None => (0..program.scorings.len()).collect(),
        };
        let mut hits = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for &s in &tables {
            let Some(sc) = program.scorings.get(s) else { continue };
            match part {
                ScoringPart::Criterion => {
                    names.extend(sc.nodes.iter().map(|x| x.name.as_str()));
                    hits.extend(
                        sc.nodes.iter().position(|x| x.name == n.text).map(|i| Item::Node(s, i)),
                    );
                }
                ScoringPart::Bonus | ScoringPart::Penalty => {
                    let bonus = part == ScoringPart::Bonus;
                    let of = sc.adjusts.iter().enumerate().filter(|(_, a)| a.bonus == bonus);
                    names.extend(of.clone().map(|(_, a)| a.name.as_str()));
                    hits.extend(
                        of.filter(|(_, a)| a.name == n.text).map(|(i, _)| Item::Adjust(s, i)),
                    );
                }
                ScoringPart::Grade => {
                    let def = sc.grades.as_ref().and_then(|g| program.schema.enum_def(g.enum_id));
                    if let Some(def) = def {
                        names.extend(def.variants.iter().map(|(v, _)| v.as_str()));
                        hits.extend(def.variant(&n.text).map(|p| Item::Band(s, p)));
                    }
                }
            }
        }
        let what = match part {
            ScoringPart::Criterion => "criterion",
            ScoringPart::Bonus => "bonus item",
            ScoringPart::Penalty => "penalty item",
            ScoringPart::Grade => "grade",
        };
        match hits.as_slice() {
            [one] => Some(*one),
            [] => {
                let help = suggest(
                    &n.text,
                    names.iter().copied(),
                    &format!("no scoring table has a {what} by that name"),
                );
                self.error(
                    "test::unknown_item",
                    n.span,
                    format!("no {what} named `{}`", n.text),
                    help,
                );
                None
            }
            _ => {
                self.error(
                    "test::ambiguous_item",
                    n.span,
                    format!("several scoring tables have a {what} `{}`", n.text),
                    String::from("add `of SCORING_TABLE`"),
                );
                None
            }
        }
    }
}
