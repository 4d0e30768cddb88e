//! The checker: resolves names, checks types and structure, and compiles a [`Program`].
//!
//! It collects every problem it can find rather than stopping at the first, and reports
//! warnings apart from errors. Declarations may appear in any order; evaluation order comes
//! from the dependency graph of scores, ranks, marks and awards (a cycle is an error).

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::ast::{self, Item};
use crate::diag::{self, Diagnostic, FileId, SourceMap, Span};
use crate::model::{
    EnumDef, EnumId, FactDef, FactId, FactKind, FieldDef, KindDef, KindId, Schema, Type, Value,
};
use crate::program::*;

mod expr;
pub(crate) mod fuzzy;
mod items;
mod order;

/// A rule set that passed the checker, with the warnings it produced.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The compiled program.
    pub program: Program,
    /// Warnings (never errors).
    pub warnings: Vec<Diagnostic>,
}

/// Parse and check one rule file's text, adding it to `sources` under `name`.
///
/// On failure the diagnostics hold at least one error, sorted by position, warnings included.
pub fn check_source(
    name: &str,
    text: &str,
    sources: &mut SourceMap,
) -> Result<Checked, Vec<Diagnostic>> {
    let file = sources.add(name, text);
    check_text(text, file)
}

/// Parse and check text already in a source map.
pub fn check_text(text: &str, file: FileId) -> Result<Checked, Vec<Diagnostic>> {
    let ast = crate::syntax::parse_rules(text, file).map_err(|d| vec![*d])?;
    check(&ast)
}

/// Check a parsed rule file.
pub fn check(file: &ast::File) -> Result<Checked, Vec<Diagnostic>> {
    let mut cx = Checker::new(file);
    let program = cx.run();
    let mut diags = std::mem::take(&mut cx.diags);
    diag::sort(&mut diags);
    match program {
        Some(program) if !diags.iter().any(Diagnostic::is_error) => {
            Ok(Checked { program, warnings: diags })
        }
        _ => {
            if !diags.iter().any(Diagnostic::is_error) {
                diags.push(Diagnostic::error(
                    "check::internal",
                    file.header.span,
                    "the rule set could not be compiled",
                ));
            }
            Err(diags)
        }
    }
}

/// The SHA-256 of a rule file's text, in lowercase hex: what proposals are pinned to.
pub fn ruleset_hash(text: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Compile a condition in the rules language against a checked program, in the scope of one
/// entity kind, with extra names whose values the caller supplies at evaluation time (a
/// workflow guard's `eligible`, `round`…): the `i`-th extra name reads slot `i`.
///
/// Errors (unknown names, type mismatches) come back as diagnostics located in the
/// expression's own file.
pub fn compile_condition(
    program: &Program,
    kind: KindId,
    expr: &ast::Expr,
    extra: &[(&str, Type)],
) -> Result<CExpr, Vec<Diagnostic>> {
    let placeholder = ast::File {
        header: ast::Header {
            name: ast::Ident { name: program.name.as_str().into(), span: program.span },
            label: ast::Str { value: program.label.clone().into(), span: program.span },
            cycle: Vec::new(),
            effective: Vec::new(),
            basis: Vec::new(),
            span: program.span,
        },
        items: Vec::new(),
    };
    let mut cx = Checker::new(&placeholder);
    cx.schema = program.schema.clone();
    cx.params = program.params.clone();
    cx.members = program.members.clone();
    for (i, p) in program.params.iter().enumerate() {
        cx.param_ids.insert(p.name.clone(), ParamId(u32::try_from(i).unwrap_or(u32::MAX)));
    }
    for (i, sc) in program.scorings.iter().enumerate() {
        cx.scoring_of.insert(sc.kind, i);
        if let Some(g) = &sc.grades {
            cx.grade_enum.insert(i, g.enum_id);
        }
        if sc.rank.is_some() {
            cx.ranked.insert(i);
        }
    }
    cx.slots = extra.iter().map(|(n, t)| ((*n).to_string(), *t)).collect();
    let mut deps = Vec::new();
    let compiled = cx.check_bool(expr, kind, &mut deps, "a guard");
    let mut diags = std::mem::take(&mut cx.diags);
    diags.retain(Diagnostic::is_error);
    if diags.is_empty() { Ok(compiled) } else { Err(diags) }
}

/// A reference from one evaluation step to something computed in the same cycle.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Dep {
    /// The score (and grade) of a scoring table.
    Score(usize, Span),
    /// The rank of a scoring table.
    Rank(usize, Span),
    /// A mark or award (externs have no step).
    Fact(FactId, Span),
}

/// What a top-level name refers to, for duplicate detection.
#[derive(Clone, Copy, Debug)]
struct Declared {
    what: &'static str,
    span: Span,
}

pub(crate) struct Checker<'a> {
    file: &'a ast::File,
    pub(crate) diags: Vec<Diagnostic>,
    pub(crate) schema: Schema,
    pub(crate) params: Vec<Param>,
    pub(crate) param_ids: BTreeMap<String, ParamId>,
    /// Scoring table index by the kind it scores.
    pub(crate) scoring_of: BTreeMap<KindId, usize>,
    /// Grade enumeration by scoring index.
    pub(crate) grade_enum: BTreeMap<usize, EnumId>,
    /// Scoring indices that declare a ranking.
    pub(crate) ranked: BTreeSet<usize>,
    /// The member kind of each kind.
    pub(crate) members: Vec<Option<KindId>>,
    /// Mark index by fact, award index by fact.
    mark_of: BTreeMap<FactId, usize>,
    award_of: FxHashMap<FactId, usize>,
    /// Extra names a caller supplies values for (workflow guards), by slot.
    pub(crate) slots: Vec<(String, Type)>,
    /// Fact id by name, for the facts [`Checker::declare_facts`] adds to the schema: a rule set
    /// with a thousand awards looks a fact up several thousand times.
    fact_ids: FxHashMap<ast::Name, FactId>,
}

impl<'a> Checker<'a> {
    fn new(file: &'a ast::File) -> Checker<'a> {
        Checker {
            file,
            diags: Vec::new(),
            schema: Schema::default(),
            params: Vec::new(),
            param_ids: BTreeMap::new(),
            scoring_of: BTreeMap::new(),
            grade_enum: BTreeMap::new(),
            ranked: BTreeSet::new(),
            members: Vec::new(),
            mark_of: BTreeMap::new(),
            award_of: FxHashMap::default(),
            slots: Vec::new(),
            fact_ids: FxHashMap::default(),
        }
    }

    /// Look up a fact by name: [`Schema::fact`], through the index while it covers every
    /// fact of the schema (not when a caller set the schema itself).
    pub(crate) fn fact(&self, name: &str) -> Option<FactId> {
        if self.fact_ids.len() == self.schema.facts.len() {
            self.fact_ids.get(name).copied()
        } else {
            self.schema.fact(name)
        }
    }

    pub(crate) fn kind_name(&self, k: KindId) -> String {
        self.schema.kind_def(k).map_or_else(|| String::from("?"), |d| d.name.clone())
    }

    /// Check the whole file and compile it. The checker's last step: its schema, parameters
    /// and members move into the program.
    fn run(&mut self) -> Option<Program> {
        let file = self.file;
        self.check_top_level_names();
        self.declare_enums();
        self.declare_kinds();
        self.declare_facts();
        self.declare_scorings();
        self.declare_params();
        let header = self.check_header();

        // Each step with its dependencies and the name to underline if it is part of a cycle.
        let mut steps: Vec<(Step, Vec<Dep>, Span)> = Vec::new();
        let mut scorings = Vec::new();
        let mut marks = Vec::new();
        let mut awards = Vec::new();
        for item in &file.items {
            match item {
                Item::Scoring(s) => {
                    if let Some((scoring, score_deps, rank_deps)) =
                        self.compile_scoring(s, scorings.len())
                    {
                        let idx = scorings.len();
                        steps.push((Step::Score(idx), score_deps, s.name.span));
                        if let Some(rank_deps) = rank_deps {
                            steps.push((Step::Rank(idx), rank_deps, s.name.span));
                        }
                        scorings.push(scoring);
                    }
                }
                Item::Mark(m) => {
                    if let Some((mark, deps)) = self.compile_mark(m) {
                        steps.push((Step::Mark(marks.len()), deps, m.name.span));
                        marks.push(mark);
                    }
                }
                Item::Award(a) => {
                    if let Some((award, deps)) = self.compile_award(a) {
                        steps.push((Step::Award(awards.len()), deps, a.name.span));
                        awards.push(award);
                    }
                }
                Item::Param(_) | Item::Enum(_) | Item::Entity(_) | Item::Extern(_) => {}
            }
        }
        let order = self.order_steps(&steps, &scorings, &marks, &awards)?;
        let (cycle, effective_from, effective_to) = header;
        Some(Program {
            name: file.header.name.name.to_string(),
            label: file.header.label.value.to_string(),
            basis: file.header.basis.first().map(|b| b.value.to_string()),
            cycle,
            effective_from,
            effective_to,
            // `run` is the checker's last step (`check` drops it next): move, do not copy.
            schema: std::mem::take(&mut self.schema),
            params: std::mem::take(&mut self.params),
            scorings,
            marks,
            awards,
            order,
            members: std::mem::take(&mut self.members),
            span: file.header.span,
        })
    }

    // -----------------------------------------------------------------------------------
    // Names and declarations

    fn check_top_level_names(&mut self) {
        // Looked up, never iterated: the order of diagnostics is the items' order.
        let mut seen: FxHashMap<&str, Declared> = FxHashMap::default();
        for item in &self.file.items {
            let (name, what) = match item {
                Item::Param(p) => (&p.name, "parameter"),
                Item::Enum(e) => (&e.name, "enumeration"),
                Item::Entity(e) => (&e.name, "entity kind"),
                Item::Scoring(s) => (&s.name, "scoring table"),
                Item::Mark(m) => (&m.name, "mark"),
                Item::Extern(x) => (&x.name, "external award"),
                Item::Award(a) => (&a.name, "award"),
            };
            if let Some(first) = seen.get(name.name.as_str()) {
                self.diags.push(
                    Diagnostic::error(
                        "check::duplicate",
                        name.span,
                        format!("`{}` is declared twice", name.name),
                    )
                    .with_label(format!("second declaration, as {what}"))
                    .with_related(first.span, format!("first declared here, as {}", first.what))
                    .with_help("every top-level name must be unique; rename one of them"),
                );
            } else {
                seen.insert(&name.name, Declared { what, span: name.span });
            }
        }
    }

    fn declare_enums(&mut self) {
        for item in &self.file.items {
            let Item::Enum(e) = item else { continue };
            let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
            for v in &e.variants {
                if let Some(first) = seen.insert(&v.name.name, v.name.span) {
                    self.diags.push(
                        Diagnostic::error(
                            "check::duplicate",
                            v.name.span,
                            format!("variant `{}` is listed twice", v.name.name),
                        )
                        .with_related(first, "first listed here")
                        .with_help("remove the repeated variant"),
                    );
                }
            }
            self.schema.enums.push(EnumDef {
                name: e.name.name.to_string(),
                label: e.label.as_ref().map(|l| l.value.to_string()),
                ordered: e.ordered,
                variants: e
                    .variants
                    .iter()
                    .map(|v| {
                        (v.name.name.to_string(), v.label.as_ref().map(|l| l.value.to_string()))
                    })
                    .collect(),
            });
        }
    }

    fn resolve_type(&mut self, ty: &ast::Ident) -> Option<Type> {
        let t = match ty.name.as_str() {
            "integer" => Type::Integer,
            "decimal" => Type::Decimal,
            "percent" => Type::Percent,
            "money" => Type::Money,
            "bool" => Type::Bool,
            "date" => Type::Date,
            "text" => Type::Text,
            other => match self.schema.enums.iter().position(|e| e.name == other) {
                Some(i) => Type::Enum(EnumId(u32::try_from(i).ok()?)),
                None => {
                    let mut candidates =
                        vec!["integer", "decimal", "percent", "money", "bool", "date", "text"];
                    candidates.extend(self.schema.enums.iter().map(|e| e.name.as_str()));
                    let help = match fuzzy::closest(other, candidates.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "types are {} or a declared `enum`",
                            expr::quote_list(&candidates)
                        ),
                    };
                    self.diags.push(
                        Diagnostic::error(
                            "check::unknown_type",
                            ty.span,
                            format!("unknown type `{other}`"),
                        )
                        .with_label("not a type")
                        .with_help(help),
                    );
                    return None;
                }
            },
        };
        Some(t)
    }

    fn declare_kinds(&mut self) {
        let decls: Vec<&ast::EntityDecl> = self
            .file
            .items
            .iter()
            .filter_map(|i| if let Item::Entity(e) = i { Some(e) } else { None })
            .collect();
        for e in &decls {
            self.schema.kinds.push(KindDef {
                name: e.name.name.to_string(),
                label: e.label.as_ref().map(|l| l.value.to_string()),
                parent: None,
                fields: Vec::new(),
            });
        }
        for (i, e) in decls.iter().enumerate() {
            let parent = e.parent.as_ref().and_then(|p| self.resolve_kind(p));
            let mut fields = Vec::new();
            let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
            for f in &e.fields {
                if let Some(first) = seen.insert(&f.name.name, f.name.span) {
                    self.diags.push(
                        Diagnostic::error(
                            "check::duplicate",
                            f.name.span,
                            format!("field `{}` is declared twice", f.name.name),
                        )
                        .with_related(first, "first declared here")
                        .with_help("rename or remove one of them"),
                    );
                    continue;
                }
                if matches!(
                    f.name.name.as_str(),
                    "id" | "score" | "grade" | "rank" | "cycle" | "cycle_start" | "cycle_end"
                ) || decls.iter().any(|k| k.name.name == f.name.name)
                {
                    self.diags.push(
                        Diagnostic::error("check::reserved_field", f.name.span, format!("`{}` cannot be a field name", f.name.name))
                            .with_help("`id`, built-in names and entity kind names are taken; choose another name"),
                    );
                    continue;
                }
                let Some(ty) = self.resolve_type(&f.ty) else { continue };
                let default = f.default.as_ref().and_then(|d| self.literal_value(d, ty));
                fields.push(FieldDef {
                    name: f.name.name.to_string(),
                    label: f.label.as_ref().map(|l| l.value.to_string()),
                    ty,
                    default,
                });
            }
            if let Some(k) = self.schema.kinds.get_mut(i) {
                k.parent = parent;
                k.fields = fields;
            }
        }
        // Parent chains must end: `a in b`, `b in a` is a cycle.
        for (i, e) in decls.iter().enumerate() {
            let mut seen = BTreeSet::new();
            let mut cur = u32::try_from(i).ok().map(KindId);
            while let Some(k) = cur {
                if !seen.insert(k) {
                    if let Some(p) = &e.parent {
                        self.diags.push(
                            Diagnostic::error(
                                "check::cyclic_parent",
                                p.span,
                                format!("`{}` is inside itself", e.name.name),
                            )
                            .with_help(
                                "entity kinds nest like bloc > unit > person; remove one `in`",
                            ),
                        );
                    }
                    if let Some(kd) = self.schema.kinds.get_mut(i) {
                        kd.parent = None;
                    }
                    break;
                }
                cur = self.schema.kind_def(k).and_then(|d| d.parent);
            }
        }
        self.members = (0..self.schema.kinds.len())
            .map(|i| {
                let id = KindId(u32::try_from(i).unwrap_or(u32::MAX));
                let mut children = self.schema.children(id);
                match (children.next(), children.next()) {
                    (Some(c), None) => Some(c),
                    _ => None,
                }
            })
            .collect();
    }

    pub(crate) fn resolve_kind(&mut self, name: &ast::Ident) -> Option<KindId> {
        if let Some(k) = self.schema.kind(&name.name) {
            return Some(k);
        }
        let names: Vec<&str> = self.schema.kinds.iter().map(|k| k.name.as_str()).collect();
        let help = match fuzzy::closest(&name.name, names.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if names.is_empty() => {
                String::from("declare it with `entity NAME \"label\" { … }`")
            }
            None => format!("the entity kinds are {}", expr::quote_list(&names)),
        };
        self.diags.push(
            Diagnostic::error(
                "check::unknown_kind",
                name.span,
                format!("unknown entity kind `{}`", name.name),
            )
            .with_label("not an entity kind")
            .with_help(help),
        );
        None
    }

    fn declare_facts(&mut self) {
        for item in &self.file.items {
            let (name, label, kind, fk) = match item {
                Item::Mark(m) => (&m.name, &m.label, &m.kind, FactKind::Mark),
                Item::Extern(x) => (&x.name, &x.label, &x.kind, FactKind::Extern),
                Item::Award(a) => (
                    &a.name,
                    &a.label,
                    &a.kind,
                    match a.category {
                        ast::AwardCategory::Title => FactKind::Title,
                        ast::AwardCategory::Commendation => FactKind::Commendation,
                    },
                ),
                _ => continue,
            };
            let Some(entity) = self.resolve_kind(kind) else { continue };
            if self.fact(&name.name).is_some() {
                continue; // duplicate, already reported
            }
            if let Ok(id) = u32::try_from(self.schema.facts.len()) {
                self.fact_ids.insert(name.name.clone(), FactId(id));
            }
            self.schema.facts.push(FactDef {
                name: name.name.to_string(),
                label: label.as_ref().map(|l| l.value.clone()),
                kind: fk,
                entity,
            });
        }
    }

    fn declare_scorings(&mut self) {
        let mut index = 0usize;
        for item in &self.file.items {
            let Item::Scoring(s) = item else { continue };
            // INVARIANT: `idx` counts only tables whose kind resolves, exactly as `run` counts
            // the tables it compiles, so both agree on every table's index.
            let Some(kind) = self.schema.kind(&s.kind.name) else { continue };
            let idx = index;
            index += 1;
            if let Some(&first) = self.scoring_of.get(&kind) {
                let first_span = self.scoring_span(first).unwrap_or(s.name.span);
                self.diags.push(
                    Diagnostic::error(
                        "check::duplicate",
                        s.kind.span,
                        format!("`{}` already has a scoring table", s.kind.name),
                    )
                    .with_related(first_span, "first scoring table")
                    .with_help("merge the two tables into one"),
                );
                continue;
            }
            self.scoring_of.insert(kind, idx);
            if !s.ranks.is_empty() {
                self.ranked.insert(idx);
            }
            if !s.bands.is_empty() {
                // Grades form an ordered enumeration, lowest band first.
                let mut variants: Vec<(String, Option<String>)> = s
                    .bands
                    .iter()
                    .map(|b| {
                        (b.name.name.to_string(), b.label.as_ref().map(|l| l.value.to_string()))
                    })
                    .collect();
                variants.reverse();
                let id = EnumId(u32::try_from(self.schema.enums.len()).unwrap_or(u32::MAX));
                self.schema.enums.push(EnumDef {
                    name: format!("grade of {}", s.name.name),
                    label: s.label.as_ref().map(|l| l.value.to_string()),
                    ordered: true,
                    variants,
                });
                self.grade_enum.insert(idx, id);
            }
        }
    }

    /// The name of the `idx`-th scoring table, to point at.
    fn scoring_span(&self, idx: usize) -> Option<Span> {
        self.file
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Scoring(s) if self.schema.kind(&s.kind.name).is_some() => Some(s.name.span),
                _ => None,
            })
            .nth(idx)
    }

    fn declare_params(&mut self) {
        for item in &self.file.items {
            let Item::Param(p) = item else { continue };
            if self.param_ids.contains_key(p.name.name.as_str()) {
                continue;
            }
            let Some(ty) = self.resolve_type(&p.ty) else { continue };
            let values = self.check_param_values(p, ty);
            let id = ParamId(u32::try_from(self.params.len()).unwrap_or(u32::MAX));
            self.param_ids.insert(p.name.name.to_string(), id);
            self.params.push(Param {
                name: p.name.name.to_string(),
                label: p.label.as_ref().map(|l| l.value.to_string()),
                ty,
                values,
                span: p.span,
            });
        }
    }

    fn check_param_values(&mut self, p: &ast::ParamDecl, ty: Type) -> Vec<ParamValue> {
        let mut out: Vec<ParamValue> = Vec::new();
        if p.values.is_empty() {
            self.diags.push(
                Diagnostic::error(
                    "check::empty_param",
                    p.name.span,
                    format!("parameter `{}` has no values", p.name.name),
                )
                .with_help("give at least one value: `{ 80% from 2024-01-01 basis \"…\" }`"),
            );
        }
        let mut prev: Option<&ast::ParamValue> = None;
        for v in &p.values {
            if let Some(to) = v.to
                && to.value < v.from.value
            {
                self.diags.push(
                    Diagnostic::error(
                        "check::bad_range",
                        to.span,
                        "this value ends before it starts",
                    )
                    .with_related(v.from.span, "starts here")
                    .with_help("the `to` date must be on or after the `from` date"),
                );
            }
            if let Some(pv) = prev {
                if v.from.value <= pv.from.value {
                    self.diags.push(
                        Diagnostic::error(
                            "check::param_order",
                            v.from.span,
                            "dated values must be in date order",
                        )
                        .with_related(pv.from.span, "the previous value starts here")
                        .with_help("list a parameter's values from the oldest to the newest"),
                    );
                } else if let Some(pto) = pv.to
                    && pto.value >= pv.from.value
                {
                    // (A previous value that ends before it starts is reported above; its end
                    // says nothing about gaps or overlaps.)
                    if pto.value >= v.from.value {
                        self.diags.push(
                            Diagnostic::error(
                                "check::param_overlap",
                                v.from.span,
                                format!("two values of `{}` overlap", p.name.name),
                            )
                            .with_label(format!("starts on {}", v.from.value))
                            .with_related(
                                pto.span,
                                format!("the previous value runs to {}", pto.value),
                            )
                            .with_help("end the previous value the day before this one starts"),
                        );
                    } else if pto.value.succ_opt() != Some(v.from.value) {
                        let days = (v.from.value - pto.value).num_days() - 1;
                        self.diags.push(
                            Diagnostic::error(
                                "check::param_gap",
                                v.from.span,
                                format!(
                                    "`{}` has no value for {days} day{} before this one",
                                    p.name.name,
                                    if days == 1 { "" } else { "s" }
                                ),
                            )
                            .with_related(
                                pto.span,
                                format!("the previous value ends on {}", pto.value),
                            )
                            .with_help(format!(
                                "start this value on {} or extend the previous one",
                                pto.value.succ_opt().map_or_else(String::new, |d| d.to_string())
                            )),
                        );
                    }
                }
            }
            prev = Some(v);
            if let Some(value) = self.literal_value(&v.value, ty) {
                out.push(ParamValue {
                    value,
                    from: v.from.value,
                    to: v.to.map(|t| t.value),
                    basis: v.basis.as_ref().map(|b| b.value.to_string()),
                    span: v.span,
                });
            }
        }
        out
    }

    /// A literal (or variant name) as a value of `ty`.
    fn literal_value(&mut self, e: &ast::Expr, ty: Type) -> Option<Value> {
        use ast::ExprKind as K;
        let v = match (&e.kind, ty) {
            (K::Num(d), Type::Integer) if d.fract().is_zero() => Value::Num(*d),
            (K::Num(d), Type::Decimal | Type::Money) => Value::Num(*d),
            (K::Num(d), Type::Percent) if *d <= Decimal::ONE => Value::Num(*d),
            (K::Percent(d), Type::Percent | Type::Decimal) => Value::Num(*d),
            (K::Bool(b), Type::Bool) => Value::Bool(*b),
            (K::Date(d), Type::Date) => Value::Date(*d),
            (K::Str(s), Type::Text) => Value::Text(s.as_ref().into()),
            (K::Name(n), Type::Enum(eid)) => {
                let def = self.schema.enum_def(eid)?;
                match def.variant(n) {
                    Some(pos) => Value::Enum(pos),
                    None => {
                        let variants: Vec<&str> =
                            def.variants.iter().map(|(v, _)| v.as_str()).collect();
                        let help = match fuzzy::closest(n, variants.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("the variants are {}", expr::quote_list(&variants)),
                        };
                        let en = def.name.clone();
                        self.diags.push(
                            Diagnostic::error(
                                "check::unknown_variant",
                                e.span,
                                format!("`{n}` is not a variant of `{en}`"),
                            )
                            .with_label("unknown variant")
                            .with_help(help),
                        );
                        return None;
                    }
                }
            }
            _ => {
                let tn = expr::type_name(self, ty);
                let a_tn = expr::article(&tn);
                let help = match ty {
                    Type::Integer => "write a whole number such as `6`",
                    Type::Percent => "write a percentage such as `80%`",
                    Type::Date => "write a date such as `2025-01-01`",
                    Type::Bool => "write `true` or `false`",
                    Type::Text => "write text in double quotes",
                    Type::Enum(_) => "write one of the enumeration's variants",
                    _ => "write a number such as `2_340_000`",
                };
                self.diags.push(
                    Diagnostic::error(
                        "check::type_mismatch",
                        e.span,
                        format!("expected {a_tn} value"),
                    )
                    .with_label(format!("not {a_tn}"))
                    .with_help(help),
                );
                return None;
            }
        };
        Some(v)
    }

    fn check_header(&mut self) -> (Option<Cycle>, Option<NaiveDate>, Option<NaiveDate>) {
        let h = &self.file.header;
        for (what, spans) in [
            ("cycle", h.cycle.iter().map(|c| c.span).collect::<Vec<_>>()),
            ("effective", h.effective.iter().map(|c| c.span).collect()),
            ("basis", h.basis.iter().map(|c| c.span).collect()),
        ] {
            if let [first, rest @ ..] = spans.as_slice() {
                for s in rest {
                    self.diags.push(
                        Diagnostic::error(
                            "check::duplicate",
                            *s,
                            format!("the header states `{what}` twice"),
                        )
                        .with_related(*first, "first stated here")
                        .with_help("keep one"),
                    );
                }
            }
        }
        if h.basis.is_empty() {
            self.diags.push(
                Diagnostic::warning(
                    "check::missing_basis",
                    h.name.span,
                    "the rule set names no legal basis",
                )
                .with_help("add `basis \"Luật TĐKT 06/2022/QH15; …\"` to the header"),
            );
        }
        let cycle = h.cycle.first().and_then(|c| match c.range {
            Some((from, to)) => {
                if to.value < from.value {
                    self.diags.push(
                        Diagnostic::error(
                            "check::bad_range",
                            to.span,
                            "the cycle ends before it starts",
                        )
                        .with_help("the `to` date must be on or after the `from` date"),
                    );
                    None
                } else {
                    Some(Cycle { year: c.year, start: from.value, end: to.value })
                }
            }
            None => Cycle::year(c.year),
        });
        let eff = h.effective.first();
        let (from, to) = (eff.map(|e| e.from.value), eff.and_then(|e| e.to.map(|t| t.value)));
        let mut eff_ok = true;
        if let (Some(e), Some(from), Some(to)) = (eff, from, to)
            && to < from
        {
            eff_ok = false;
            self.diags.push(
                Diagnostic::error(
                    "check::bad_range",
                    e.to.map_or(e.span, |t| t.span),
                    "the rule set stops being in force before it starts",
                )
                .with_related(e.from.span, "comes into force here")
                .with_help("the `to` date must be on or after the `from` date"),
            );
        }
        // A cycle is judged under the rules in force at its end date. After a bad range the
        // question has no answer, so it is not asked.
        if let (true, Some(c), Some(e)) = (eff_ok, cycle, eff) {
            let late = from.is_some_and(|f| c.end < f);
            let early = to.is_some_and(|t| c.end > t);
            if late || early {
                let span = if late { e.from.span } else { e.to.map_or(e.span, |t| t.span) };
                self.diags.push(
                    Diagnostic::error(
                        "check::cycle_not_in_force",
                        span,
                        format!(
                            "cycle {} ends on {}, when this rule set is not in force",
                            c.year, c.end
                        ),
                    )
                    .with_help(
                        "a cycle is judged under the rules in force at its end date; fix the dates",
                    ),
                );
            }
        }
        if let Some(c) = cycle {
            for decl in &self.file.items {
                let Item::Param(decl) = decl else { continue };
                let param = self
                    .param_ids
                    .get(decl.name.name.as_str())
                    .and_then(|id| self.params.get(id.0 as usize));
                // (A duplicate declaration is reported elsewhere; check the one in use.)
                let Some(p) = param.filter(|p| p.span == decl.span) else { continue };
                if p.at(c.end).is_none() && !p.values.is_empty() {
                    let mut d = Diagnostic::error(
                        "check::param_missing_value",
                        decl.name.span,
                        format!(
                            "`{}` has no value on {}, the end of cycle {}",
                            p.name, c.end, c.year
                        ),
                    )
                    .with_label("no value at the end of the cycle")
                    .with_help("add a dated value that covers the cycle's end date");
                    if let Some(to) =
                        decl.values.iter().filter_map(|v| v.to).max_by_key(|t| t.value)
                    {
                        d = d.with_related(to.span, format!("the last value ends on {}", to.value));
                    }
                    self.diags.push(d);
                }
            }
        }
        (cycle, from, to)
    }
}

#[cfg(test)]
mod tests;
