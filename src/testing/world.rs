//! Checking a parsed test file against the compiled program, and building each case's world.
//!
//! Every name a test file writes (entity kind, field, enumeration variant, entity id, award,
//! mark, criterion, grade, requirement label) is resolved here, and every mistake is a
//! located diagnostic with a "did you mean" help where a close name exists. Resolution goes
//! on after an error, so one run reports every mistake in the file; any error means no case
//! runs.
//!
//! A case's world is the base data set (or nothing, `from scratch`) plus the case's `given`
//! statements, applied in order (a `given` for an id that exists changes that entity; for a
//! new id it creates one), then their parents, then `history`. Statement order inside a case
//! matters only between `given`s: `like` copies an entity declared before it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::coverage::Item;
use super::syntax::{self, Assign, Case, Cmp, EntityRef, Lit, LitKind, Name, Statement, TestFile};
use crate::check::fuzzy;
use crate::diag::{Diagnostic, Span};
use crate::eval::Outcome;
use crate::model::{Dataset, FactKind, FieldDef, History, KindId, Table, Type, Value};
use crate::program::{Cycle, Program};

mod excuse;
mod expect;

/// A case ready to run: its world and its checked expectations.
///
/// A case that changes nothing shares the base data set instead of copying it.
#[derive(Clone, Debug)]
pub(crate) struct PlannedCase<'a> {
    pub(crate) name: String,
    pub(crate) span: Span,
    pub(crate) data: Cow<'a, Dataset>,
    pub(crate) expects: Vec<Resolved>,
}

/// One checked expectation about one entity.
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    /// The whole `expect` statement.
    pub(crate) span: Span,
    pub(crate) kind: KindId,
    pub(crate) row: u32,
    pub(crate) check: RCheck,
}

/// A checked expectation.
#[derive(Clone, Debug)]
pub(crate) enum RCheck {
    /// Score, grade and rank of a scored entity.
    Score { scoring: usize, parts: Vec<RScore> },
    /// An award decision; `reasons` when the expectation says `because`.
    Award { award: usize, outcome: Outcome, reward: Option<Decimal>, reasons: Option<Vec<Cause>> },
    /// Points of one criterion, bonus or penalty item.
    Points { scoring: usize, item: ScoreItem, cmp: Cmp, value: Decimal },
}

/// One part of a score expectation.
#[derive(Clone, Copy, Debug)]
pub(crate) enum RScore {
    Score(Cmp, Decimal),
    /// A grade, by position in the grade enumeration.
    Grade(u32),
    Rank(Cmp, u32),
}

/// A condition that decided an award: a disqualifier that held or a requirement that failed,
/// by index in the award.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Cause {
    Disqualify(usize),
    Require(usize),
}

/// A criterion node or a bonus/penalty item of a scoring table, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScoreItem {
    Node(usize),
    Adjust(usize),
}

/// A coverage item the file declares unreachable.
#[derive(Clone, Debug)]
pub(crate) struct Excuse {
    pub(crate) item: Item,
    pub(crate) span: Span,
    pub(crate) reason: String,
}

/// A test file that passed every check: what it takes to build each case's world again.
///
/// Checking builds every world (names of entities depend on it) but keeps none, so that a
/// file of many cases over a large base data set holds one world at a time when it runs.
#[derive(Debug)]
pub(crate) struct Checked<'a> {
    file: &'a TestFile,
    program: &'a Program,
    base: Option<&'a Dataset>,
    cycle: Cycle,
    defaults: KindDefaults,
    /// The items the file declares unreachable.
    pub(crate) excuses: Vec<Excuse>,
}

/// Check a test file against a program and its base data; every mistake is reported.
pub(crate) fn check<'a>(
    file: &'a TestFile,
    program: &'a Program,
    base: Option<&'a Dataset>,
    cycle: Cycle,
) -> Result<Checked<'a>, Vec<Diagnostic>> {
    let mut r = Resolver { program, cycle, diags: Vec::new() };
    let defaults = r.defaults(file);
    let excuses = r.excuses(file);
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for case in &file.cases {
        if let Some(first) = seen.insert(&case.name.text, case.name.span) {
            r.diags.push(
                Diagnostic::error(
                    "test::duplicate",
                    case.name.span,
                    format!("two cases are named `{}`", case.name.text),
                )
                .with_label("named again here")
                .with_related(first, "first named here")
                .with_help("give each case its own name, so a failure says which one"),
            );
        }
        let world = if case.scratch { None } else { base };
        drop(r.case(case, world, &defaults));
    }
    if r.diags.is_empty() {
        Ok(Checked { file, program, base, cycle, defaults, excuses })
    } else {
        crate::diag::sort(&mut r.diags);
        Err(r.diags)
    }
}

impl Checked<'_> {
    /// Number of cases.
    pub(crate) fn len(&self) -> usize {
        self.file.cases.len()
    }

    /// Build case `i` (in file order): its world and its expectations.
    pub(crate) fn case(&self, i: usize) -> Option<PlannedCase<'_>> {
        let case = self.file.cases.get(i)?;
        let mut r = Resolver { program: self.program, cycle: self.cycle, diags: Vec::new() };
        let world = if case.scratch { None } else { self.base };
        r.case(case, world, &self.defaults)
    }
}

/// Tables larger than this are not searched for "did you mean" ids.
const MAX_SUGGEST: usize = 200_000;

/// Field values from `defaults` blocks, per kind.
type KindDefaults = Vec<Vec<Option<Value>>>;

struct Resolver<'a> {
    program: &'a Program,
    cycle: Cycle,
    diags: Vec<Diagnostic>,
}

/// `did you mean …?` for the closest candidate, else the fallback.
fn suggest<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    fallback: &str,
) -> String {
    match fuzzy::closest(name, candidates) {
        Some(s) => format!("did you mean `{s}`?"),
        None => fallback.to_owned(),
    }
}

/// `` `a`, `b`, `c` `` for a help line, shortened after a dozen.
fn listing<'c>(names: impl IntoIterator<Item = &'c str>) -> String {
    let all: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    if all.len() > 12 {
        let shown: Vec<String> = all.iter().take(12).cloned().collect();
        format!("{}, …", shown.join(", "))
    } else {
        all.join(", ")
    }
}

fn empty_world(program: &Program) -> Dataset {
    Dataset {
        tables: program
            .schema
            .kinds
            .iter()
            .map(|k| Table { fields: k.fields.len(), ..Table::default() })
            .collect(),
        history: History::default(),
    }
}

impl<'a> Resolver<'a> {
    fn error(&mut self, code: &'static str, span: Span, message: String, help: String) {
        let mut d = Diagnostic::error(code, span, message).with_help(help);
        if let Some(label) = label_for(code) {
            d = d.with_label(label);
        }
        self.diags.push(d);
    }

    fn kind_name(&self, kind: KindId) -> &'a str {
        self.program.schema.kind_def(kind).map_or("?", |k| k.name.as_str())
    }

    fn kind(&mut self, name: &Name) -> Option<KindId> {
        let schema = &self.program.schema;
        if let Some(k) = schema.kind(&name.text) {
            return Some(k);
        }
        let help = suggest(
            &name.text,
            schema.kinds.iter().map(|k| k.name.as_str()),
            &format!(
                "the entity kinds are {}",
                listing(schema.kinds.iter().map(|k| k.name.as_str()))
            ),
        );
        self.error(
            "test::unknown_kind",
            name.span,
            format!("unknown entity kind `{}`", name.text),
            help,
        );
        None
    }

    fn defaults(&mut self, file: &TestFile) -> KindDefaults {
        let mut out: KindDefaults =
            self.program.schema.kinds.iter().map(|k| vec![None; k.fields.len()]).collect();
        for block in &file.defaults {
            let Some(kind) = self.kind(&block.kind) else { continue };
            for a in &block.fields {
                if let Some((f, v)) = self.assign(kind, a)
                    && let Some(slot) = out.get_mut(kind.0 as usize).and_then(|d| d.get_mut(f))
                {
                    *slot = Some(v);
                }
            }
        }
        out
    }

    /// Resolve `field: value` for a kind: the field's index and the typed value.
    fn assign(&mut self, kind: KindId, a: &Assign) -> Option<(usize, Value)> {
        let program = self.program;
        let def = program.schema.kind_def(kind)?;
        let Some(f) = def.fields.iter().position(|f| f.name == a.field.text) else {
            let help = suggest(
                &a.field.text,
                def.fields.iter().map(|f| f.name.as_str()),
                &format!(
                    "the fields of `{}` are {}",
                    def.name,
                    listing(def.fields.iter().map(|f| f.name.as_str()))
                ),
            );
            self.error(
                "test::unknown_field",
                a.field.span,
                format!("`{}` is not a field of `{}`", a.field.text, def.name),
                help,
            );
            return None;
        };
        let field = def.fields.get(f)?;
        match self.typed(field, &a.value) {
            Ok(v) => Some((f, v)),
            Err(d) => {
                self.diags.push(*d);
                None
            }
        }
    }

    /// A literal as a value of the field's type.
    fn typed(&self, field: &FieldDef, lit: &Lit) -> Result<Value, Box<Diagnostic>> {
        let schema = &self.program.schema;
        let whole = |d: &Decimal| d.fract().is_zero();
        let ok = match (&field.ty, &lit.kind) {
            (Type::Integer | Type::Money, LitKind::Number(d)) if whole(d) => Some(Value::Num(*d)),
            (Type::Decimal, LitKind::Number(d)) => Some(Value::Num(*d)),
            (Type::Percent, LitKind::Percent(d)) => Some(Value::Num(*d)),
            (Type::Percent, LitKind::Number(d)) if d.abs() <= Decimal::ONE => Some(Value::Num(*d)),
            (Type::Bool, LitKind::Bool(b)) => Some(Value::Bool(*b)),
            (Type::Date, LitKind::Date(d)) => Some(Value::Date(*d)),
            (Type::Text, LitKind::Text(t)) => Some(Value::Text(Arc::from(t.as_str()))),
            (Type::Enum(e), LitKind::Word(w)) => {
                let def = schema.enum_def(*e);
                match def.and_then(|d| d.variant(w)) {
                    Some(pos) => Some(Value::Enum(pos)),
                    None => {
                        let variants: Vec<&str> = def.map_or(Vec::new(), |d| {
                            d.variants.iter().map(|(n, _)| n.as_str()).collect()
                        });
                        let help = suggest(
                            w,
                            variants.iter().copied(),
                            &format!(
                                "`{}` takes one of {}",
                                field.name,
                                listing(variants.iter().copied())
                            ),
                        );
                        return Err(Box::new(
                            Diagnostic::error(
                                "test::unknown_variant",
                                lit.span,
                                format!("`{w}` is not a value of `{}`", field.name),
                            )
                            .with_label("unknown value")
                            .with_help(help),
                        ));
                    }
                }
            }
            _ => None,
        };
        ok.ok_or_else(|| {
            Box::new(
                Diagnostic::error(
                    "test::type_mismatch",
                    lit.span,
                    format!(
                        "`{}` takes {}, found {}",
                        field.name,
                        describe(self.program, field.ty),
                        found(lit)
                    ),
                )
                .with_label("wrong kind of value")
                .with_help(type_help(self.program, field.ty)),
            )
        })
    }

    /// An entity in a world: by id, or `kind/id`.
    fn entity(&mut self, world: &Dataset, r: &EntityRef) -> Option<(KindId, u32)> {
        let kinds: Vec<KindId> = match &r.kind {
            Some(k) => vec![self.kind(k)?],
            None => (0..self.program.schema.kinds.len())
                .filter_map(|i| u32::try_from(i).ok().map(KindId))
                .collect(),
        };
        let found: Vec<(KindId, u32)> = kinds
            .iter()
            .filter_map(|&k| world.table(k)?.index.get(r.id.text.as_str()).map(|&row| (k, row)))
            .collect();
        match found.as_slice() {
            [one] => Some(*one),
            [] => {
                let ids = kinds
                    .iter()
                    .filter_map(|&k| world.table(k))
                    .filter(|t| t.len() <= MAX_SUGGEST)
                    .flat_map(|t| t.ids.iter().map(|s| &**s));
                let help = suggest(
                    &r.id.text,
                    ids,
                    "declare it in this case with `given KIND ID …`, or use an id from the base data",
                );
                self.error(
                    "test::unknown_entity",
                    r.id.span,
                    format!("no entity `{}` in this case", r.id.text),
                    help,
                );
                None
            }
            many => {
                let names: Vec<String> = many
                    .iter()
                    .map(|(k, _)| format!("`{}/{}`", self.kind_name(*k), r.id.text))
                    .collect();
                self.error(
                    "test::ambiguous_entity",
                    r.id.span,
                    format!("`{}` names several entities", r.id.text),
                    format!("write one of {}", names.join(", ")),
                );
                None
            }
        }
    }

    fn case<'b>(
        &mut self,
        case: &Case,
        base: Option<&'b Dataset>,
        defaults: &KindDefaults,
    ) -> Option<PlannedCase<'b>> {
        let before = self.diags.len();
        let changes = case.statements.iter().any(|s| !matches!(s, Statement::Expect(_)));
        let mut world = match base {
            Some(b) if !changes => Cow::Borrowed(b),
            Some(b) => Cow::Owned(b.clone()),
            None => Cow::Owned(empty_world(self.program)),
        };
        if changes {
            let world = world.to_mut();
            // Parents to set once every `given` has created its entity: (kind, row, parent).
            let mut parents: Vec<(KindId, u32, &Name)> = Vec::new();
            for st in &case.statements {
                let Statement::Given(g) = st else { continue };
                self.given(world, g, defaults, &mut parents);
            }
            for (kind, row, parent) in parents {
                self.set_parent(world, kind, row, parent);
            }
            for st in &case.statements {
                if let Statement::History(h) = st {
                    self.history(world, h);
                }
            }
            for cycles in world.history.held_mut().values_mut() {
                cycles.sort_unstable();
                cycles.dedup();
            }
        }
        let mut expects = Vec::new();
        for st in &case.statements {
            if let Statement::Expect(e) = st
                && let Some(r) = self.expect(&world, e)
            {
                expects.push(r);
            }
        }
        if expects.is_empty() && self.diags.len() == before {
            self.error(
                "test::empty_case",
                case.name.span,
                format!("case `{}` expects nothing", case.name.text),
                String::from("add `expect` statements: a case without them cannot fail"),
            );
        }
        (self.diags.len() == before).then(|| PlannedCase {
            name: case.name.text.clone(),
            span: case.span,
            data: world,
            expects,
        })
    }

    fn given<'g>(
        &mut self,
        world: &mut Dataset,
        g: &'g syntax::Given,
        defaults: &KindDefaults,
        parents: &mut Vec<(KindId, u32, &'g Name)>,
    ) {
        let Some(kind) = self.kind(&g.kind) else { return };
        let program = self.program;
        let Some(def) = program.schema.kind_def(kind) else { return };
        let existing = world.table(kind).and_then(|t| t.index.get(g.id.text.as_str()).copied());
        // Start: the `like` entity's fields and parent, the entity's own, or defaults.
        let mut like_parent = None;
        let mut values: Vec<Option<Value>> = match &g.like {
            Some(r) => {
                let Some((lk, lrow)) = self.entity(world, r) else { return };
                if lk != kind {
                    self.error(
                        "test::kind_mismatch",
                        r.span,
                        format!(
                            "`{}` is a `{}`, not a `{}`",
                            r.id.text,
                            self.kind_name(lk),
                            def.name
                        ),
                        String::from("`like` copies an entity of the same kind"),
                    );
                    return;
                }
                let Some(t) = world.table(kind) else { return };
                like_parent = t.parents.get(lrow as usize).copied();
                t.row(lrow).iter().cloned().map(Some).collect()
            }
            None => match existing {
                Some(row) => world
                    .table(kind)
                    .map_or(Vec::new(), |t| t.row(row).iter().cloned().map(Some).collect()),
                None => def
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        defaults
                            .get(kind.0 as usize)
                            .and_then(|d| d.get(i))
                            .cloned()
                            .flatten()
                            .or_else(|| f.default.clone())
                    })
                    .collect(),
            },
        };
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for a in &g.fields {
            if let Some(first) = seen.insert(&a.field.text, a.field.span) {
                self.diags.push(
                    Diagnostic::error(
                        "test::duplicate",
                        a.field.span,
                        format!("`{}` is set twice", a.field.text),
                    )
                    .with_related(first, "first set here")
                    .with_help("set each field once"),
                );
                continue;
            }
            if let Some((f, v)) = self.assign(kind, a)
                && let Some(slot) = values.get_mut(f)
            {
                *slot = Some(v);
            }
        }
        let missing: Vec<&str> = def
            .fields
            .iter()
            .zip(&values)
            .filter(|(f, v)| v.is_none() && !seen.contains_key(f.name.as_str()))
            .map(|(f, _)| f.name.as_str())
            .collect();
        // A field written with a wrong value has been reported already.
        if !missing.is_empty() {
            self.error(
                "test::missing_field",
                g.id.span,
                format!(
                    "new `{}` `{}` has no value for {}",
                    def.name,
                    g.id.text,
                    listing(missing.iter().copied())
                ),
                format!(
                    "set them here, in a `defaults {} {{ … }}` block, or copy another entity with `like ID`",
                    def.name
                ),
            );
        }
        // A missing value has been reported, and no case runs after an error; a placeholder
        // keeps the entity in the world, so later statements about it are still checked.
        let values: Vec<Value> =
            values.into_iter().map(|v| v.unwrap_or(Value::Bool(false))).collect();
        // A new entity without a parent may be a misspelt id of one that exists.
        let orphan = existing.is_none() && like_parent.is_none() && g.parent.is_none();
        let close = match world.table(kind) {
            Some(t) if orphan && t.len() <= MAX_SUGGEST => {
                fuzzy::closest(&g.id.text, t.ids.iter().map(|s| &**s)).map(str::to_owned)
            }
            _ => None,
        };
        let Some(table) = world.tables.get_mut(kind.0 as usize) else { return };
        let row = match existing {
            Some(row) => {
                let start = row as usize * table.fields;
                if let Some(dst) = table.values.get_mut(start..start + table.fields) {
                    dst.clone_from_slice(&values);
                }
                if let (Some(p), Some(slot)) = (like_parent, table.parents.get_mut(row as usize)) {
                    *slot = p;
                }
                row
            }
            None => {
                let row = u32::try_from(table.ids.len()).unwrap_or(u32::MAX);
                let id: Arc<str> = Arc::from(g.id.text.as_str());
                table.index.insert(Arc::clone(&id), row);
                table.ids.push(id);
                table.values.extend(values);
                if let Some(pk) = def.parent {
                    table.parents.push(like_parent.unwrap_or(0));
                    if orphan {
                        let pname = self.kind_name(pk);
                        let mut help =
                            format!("write `given {} {} in <{pname} id> …`", def.name, g.id.text);
                        if let Some(c) = close {
                            help.push_str(&format!(
                                "; or, to change an existing `{}`, did you mean `{c}`?",
                                def.name
                            ));
                        }
                        self.error(
                            "test::missing_parent",
                            g.id.span,
                            format!("new `{}` `{}` belongs to no `{pname}`", def.name, g.id.text),
                            help,
                        );
                    }
                }
                row
            }
        };
        match (&g.parent, def.parent) {
            (Some(p), Some(_)) => parents.push((kind, row, p)),
            (Some(p), None) => self.error(
                "test::no_parent_kind",
                p.span,
                format!("`{}` belongs to nothing, so it takes no `in`", def.name),
                String::from("remove `in …`"),
            ),
            (None, _) => {}
        }
    }

    fn set_parent(&mut self, world: &mut Dataset, kind: KindId, row: u32, parent: &Name) {
        let Some(pk) = self.program.schema.kind_def(kind).and_then(|d| d.parent) else { return };
        let found = world.table(pk).and_then(|t| t.index.get(parent.text.as_str()).copied());
        let Some(prow) = found else {
            let pname = self.kind_name(pk).to_owned();
            let ids = world.table(pk).map(|t| t.ids.iter().map(|s| &**s).collect::<Vec<_>>());
            let help = suggest(
                &parent.text,
                ids.unwrap_or_default(),
                &format!("declare it with `given {pname} {} …`", parent.text),
            );
            self.error(
                "test::unknown_entity",
                parent.span,
                format!("no `{pname}` `{}` in this case", parent.text),
                help,
            );
            return;
        };
        if let Some(slot) =
            world.tables.get_mut(kind.0 as usize).and_then(|t| t.parents.get_mut(row as usize))
        {
            *slot = prow;
        }
    }

    fn history(&mut self, world: &mut Dataset, h: &syntax::HistoryStmt) {
        let Some((kind, row)) = self.entity(world, &h.entity) else { return };
        let program = self.program;
        if h.only {
            world.history.held_mut().retain(|(fact, r), _| {
                *r != row
                    || program.schema.facts.get(fact.0 as usize).is_none_or(|f| f.entity != kind)
            });
        }
        for hr in &h.rows {
            if hr.cycle > self.cycle.year {
                self.error(
                    "test::future_cycle",
                    hr.cycle_span,
                    format!(
                        "cycle {} comes after the cycle under test ({})",
                        hr.cycle, self.cycle.year
                    ),
                    String::from("history records past cycles"),
                );
                continue;
            }
            for name in &hr.facts {
                let Some(fact) = self.fact(kind, name) else { continue };
                let current = hr.cycle == self.cycle.year;
                let def = program.schema.facts.get(fact.0 as usize);
                if current && def.is_some_and(|d| d.kind != FactKind::Extern) {
                    self.error(
                        "test::current_cycle",
                        hr.cycle_span,
                        format!(
                            "`{}` is decided by the rules in cycle {}; history records past cycles",
                            name.text, hr.cycle
                        ),
                        format!(
                            "for an earlier year write {}; only `extern` awards come from history in the cycle itself",
                            hr.cycle - 1
                        ),
                    );
                    continue;
                }
                world.history.held_mut().entry((fact, row)).or_default().push(hr.cycle);
            }
        }
    }

    /// A fact (award, mark or extern) that entities of `kind` can hold.
    fn fact(&mut self, kind: KindId, name: &Name) -> Option<crate::model::FactId> {
        let schema = &self.program.schema;
        let own = || schema.facts.iter().filter(|f| f.entity == kind).map(|f| f.name.as_str());
        match schema.fact(&name.text) {
            Some(f) if schema.facts.get(f.0 as usize).is_some_and(|d| d.entity == kind) => Some(f),
            Some(f) => {
                let other =
                    schema.facts.get(f.0 as usize).map_or("?", |d| self.kind_name(d.entity));
                let help = suggest(
                    &name.text,
                    own(),
                    &format!("`{}` can hold {}", self.kind_name(kind), listing(own())),
                );
                self.error(
                    "test::kind_mismatch",
                    name.span,
                    format!(
                        "`{}` is held by a `{other}`, not a `{}`",
                        name.text,
                        self.kind_name(kind)
                    ),
                    help,
                );
                None
            }
            None => {
                let help = suggest(
                    &name.text,
                    own(),
                    &format!("`{}` can hold {}", self.kind_name(kind), listing(own())),
                );
                self.error(
                    "test::unknown_award",
                    name.span,
                    format!("no award, mark or extern named `{}`", name.text),
                    help,
                );
                None
            }
        }
    }
}

/// The text under the caret, by diagnostic code.
fn label_for(code: &str) -> Option<&'static str> {
    Some(match code {
        "test::unknown_kind" => "unknown kind",
        "test::unknown_field" => "unknown field",
        "test::unknown_entity" => "unknown entity",
        "test::ambiguous_entity" => "which one?",
        "test::unknown_award" => "unknown award",
        "test::kind_mismatch" => "wrong kind of entity",
        "test::unknown_condition" => "no such condition",
        "test::ambiguous_condition" => "which one?",
        "test::unknown_grade" => "unknown grade",
        "test::unknown_item" => "unknown item",
        "test::unknown_scoring" => "unknown scoring table",
        "test::missing_field" => "fields missing",
        "test::missing_parent" => "no parent",
        "test::current_cycle" | "test::future_cycle" => "not a past cycle",
        "test::misplaced_reason" => "does not fit the outcome",
        "test::misplaced_reward" | "test::no_reward" => "no reward here",
        "test::no_quota" | "test::no_disqualifier" => "cannot happen",
        "test::empty_case" => "nothing to check",
        "test::missing_outcome" => "an award, not a criterion",
        _ => return None,
    })
}

/// What a type takes, for messages.
fn describe(program: &Program, ty: Type) -> String {
    match ty {
        Type::Integer => String::from("a whole number"),
        Type::Decimal => String::from("a number"),
        Type::Percent => String::from("a percentage"),
        Type::Money => String::from("an amount in đồng"),
        Type::Bool => String::from("`true` or `false`"),
        Type::Date => String::from("a date"),
        Type::Text => String::from("a text"),
        Type::Enum(e) => {
            format!("a value of `{}`", program.schema.enum_def(e).map_or("?", |d| d.name.as_str()))
        }
    }
}

fn type_help(program: &Program, ty: Type) -> String {
    match ty {
        Type::Integer => String::from("write a whole number such as `12`"),
        Type::Decimal => String::from("write a number such as `12.5`"),
        Type::Percent => String::from("write a percentage such as `70%`"),
        Type::Money => String::from("write whole đồng, such as `2_340_000`"),
        Type::Bool => String::from("write `true` or `false`"),
        Type::Date => String::from("write a date as `YYYY-MM-DD`"),
        Type::Text => String::from("write text in double quotes"),
        Type::Enum(e) => {
            let names = program
                .schema
                .enum_def(e)
                .map(|d| listing(d.variants.iter().map(|(n, _)| n.as_str())));
            format!("write one of {}, without quotes", names.unwrap_or_default())
        }
    }
}

fn found(lit: &Lit) -> String {
    match &lit.kind {
        LitKind::Number(d) => format!("the number `{}`", d.normalize()),
        LitKind::Percent(_) => String::from("a percentage"),
        LitKind::Date(d) => format!("the date `{d}`"),
        LitKind::Text(t) => format!("the text \"{t}\""),
        LitKind::Bool(b) => format!("`{b}`"),
        LitKind::Word(w) => format!("the name `{w}`"),
    }
}
