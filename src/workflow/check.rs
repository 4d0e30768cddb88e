//! Checking a workflow file against a rule set and building its [`Flow`].
//!
//! Collects every problem: unknown stages, roles, bodies and kinds (with suggestions), guards
//! that do not compile, hooks that are missing or do not compile, and the graph's shape:
//! exactly one start, every stage reachable, every non-terminal stage able to reach a
//! terminal one, every vote stage wired for both outcomes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use petgraph::graph::DiGraph;
use petgraph::visit::{Dfs, Reversed};

use super::*;
use crate::ast::workflow::{self as wast, AfterRounds, Electorate, ThresholdDecl, WfItem};
use crate::check::fuzzy::closest;
use crate::diag::{self, Diagnostic, SourceMap};
use crate::hooks::HookLimits;
use crate::program::Program;

/// A workflow that passed the checks, with its warnings.
#[derive(Debug)]
pub struct CheckedFlow {
    /// The flow.
    pub flow: Flow,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
}

/// Parse and check a workflow file's text against a checked rule set. Hook scripts are read
/// from paths relative to `base` (the workflow file's folder) and added to `sources`.
pub fn check_workflow(
    name: &str,
    text: &str,
    base: &Path,
    program: &Program,
    sources: &mut SourceMap,
) -> Result<CheckedFlow, Vec<Diagnostic>> {
    let load = |path: &str| std::fs::read_to_string(base.join(path));
    check_workflow_with(name, text, &load, program, sources)
}

/// As [`check_workflow`], reading each hook script (by the path written in the file) through
/// `load`: e.g. from texts stored in a database rather than from disk.
pub fn check_workflow_with(
    name: &str,
    text: &str,
    load: &dyn Fn(&str) -> std::io::Result<String>,
    program: &Program,
    sources: &mut SourceMap,
) -> Result<CheckedFlow, Vec<Diagnostic>> {
    let file = sources.add(name, text);
    let ast = crate::syntax::parse_workflow(text, file).map_err(|d| vec![*d])?;
    let mut cx = Cx { program, diags: Vec::new(), roles: BTreeMap::new(), stages: BTreeMap::new() };
    let flow = cx.build(&ast, name, load, sources);
    let mut diags = cx.diags;
    diag::sort(&mut diags);
    match flow {
        Some(flow) if !diags.iter().any(Diagnostic::is_error) => {
            Ok(CheckedFlow { flow, warnings: diags })
        }
        _ => {
            if !diags.iter().any(Diagnostic::is_error) {
                diags.push(Diagnostic::error(
                    "flow::internal",
                    ast.span,
                    "the workflow could not be built",
                ));
            }
            Err(diags)
        }
    }
}

struct Cx<'a> {
    program: &'a Program,
    diags: Vec<Diagnostic>,
    roles: BTreeMap<String, usize>,
    stages: BTreeMap<String, usize>,
}

fn quote(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

impl Cx<'_> {
    fn unknown(&mut self, what: &str, id: &crate::ast::Ident, names: &[&str], code: &'static str) {
        let help = match closest(&id.name, names.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if names.is_empty() => format!("declare the {what} first"),
            None => format!("the {what}s are {}", quote(names)),
        };
        self.diags.push(
            Diagnostic::error(code, id.span, format!("unknown {what} `{}`", id.name))
                .with_label(format!("not a declared {what}"))
                .with_help(help),
        );
    }

    fn role(&mut self, id: &crate::ast::Ident) -> Option<usize> {
        if let Some(&r) = self.roles.get(id.name.as_str()) {
            return Some(r);
        }
        let names: Vec<String> = self.roles.keys().cloned().collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        self.unknown("role", id, &refs, "flow::unknown_role");
        None
    }

    fn stage(&mut self, id: &crate::ast::Ident) -> Option<usize> {
        if let Some(&s) = self.stages.get(id.name.as_str()) {
            return Some(s);
        }
        let names: Vec<String> = self.stages.keys().cloned().collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        self.unknown("stage", id, &refs, "flow::unknown_stage");
        None
    }

    fn kind(&mut self, id: &crate::ast::Ident) -> Option<KindId> {
        if let Some(k) = self.program.schema.kind(&id.name) {
            return Some(k);
        }
        let names: Vec<&str> = self.program.schema.kinds.iter().map(|k| k.name.as_str()).collect();
        self.unknown("entity kind", id, &names, "flow::unknown_kind");
        None
    }

    fn is_ancestor_or_self(&self, ancestor: KindId, kind: KindId) -> bool {
        self.program.schema.is_ancestor_or_self(ancestor, kind)
    }

    fn duplicate(&mut self, what: &str, id: &crate::ast::Ident, first: Span) {
        self.diags.push(
            Diagnostic::error(
                "flow::duplicate",
                id.span,
                format!("{what} `{}` is declared twice", id.name),
            )
            .with_related(first, "first declared here")
            .with_help("rename or remove one of them"),
        );
    }

    #[expect(clippy::too_many_lines, reason = "one pass over the declarations, in order")]
    fn build(
        &mut self,
        ast: &wast::WorkflowFile,
        file_name: &str,
        load: &dyn Fn(&str) -> std::io::Result<String>,
        sources: &mut SourceMap,
    ) -> Option<Flow> {
        let kind = self.kind(&ast.kind);
        // Roles first: everything else refers to them.
        let mut roles = Vec::new();
        let mut role_spans: BTreeMap<String, Span> = BTreeMap::new();
        for item in &ast.items {
            if let WfItem::Role(id, label) = item {
                if let Some(first) = role_spans.get(id.name.as_str()) {
                    self.duplicate("role", id, *first);
                    continue;
                }
                role_spans.insert(id.name.to_string(), id.span);
                self.roles.insert(id.name.to_string(), roles.len());
                roles.push(Role {
                    name: id.name.to_string(),
                    label: label.as_ref().map(|l| l.value.to_string()),
                });
            }
        }
        // Stages second: transitions and hooks refer to them.
        let mut stage_spans: BTreeMap<String, Span> = BTreeMap::new();
        let mut stage_decls = Vec::new();
        for item in &ast.items {
            if let WfItem::Stage(s) = item {
                if let Some(first) = stage_spans.get(s.name.name.as_str()) {
                    self.duplicate("stage", &s.name, *first);
                    continue;
                }
                stage_spans.insert(s.name.name.to_string(), s.name.span);
                self.stages.insert(s.name.name.to_string(), stage_decls.len());
                stage_decls.push(s);
            }
        }
        let mut bodies: Vec<Body> = Vec::new();
        let mut calendar = Calendar::default();
        let mut calendar_seen = false;
        let mut nominate_by = None;
        for item in &ast.items {
            match item {
                WfItem::Body(b) => {
                    if bodies.iter().any(|x| x.name == b.name.name) {
                        self.diags.push(
                            Diagnostic::error(
                                "flow::duplicate",
                                b.name.span,
                                format!("body `{}` is declared twice", b.name.name),
                            )
                            .with_help("rename or remove one of them"),
                        );
                        continue;
                    }
                    let body_kind = match &b.electorate {
                        Electorate::Roster => Some(BodyKind::Roster),
                        Electorate::Members { kind: k, within } => {
                            match (self.kind(k), self.kind(within)) {
                                (Some(k2), Some(w)) => {
                                    if !self.is_ancestor_or_self(w, k2) {
                                        self.diags.push(
                                            Diagnostic::error(
                                                "flow::not_ancestor",
                                                within.span,
                                                format!("`{}` does not contain `{}`", within.name, k.name),
                                            )
                                            .with_help("members vote within a kind they belong to, e.g. `members don_vi within cum`"),
                                        );
                                    }
                                    if let Some(fk) = kind
                                        && !self.is_ancestor_or_self(w, fk)
                                    {
                                        self.diags.push(
                                            Diagnostic::error(
                                                "flow::not_ancestor",
                                                within.span,
                                                format!("proposals for `{}` do not belong to a `{}`", ast.kind.name, within.name),
                                            )
                                            .with_help("the electorate is found through the proposal's own group"),
                                        );
                                    }
                                    Some(BodyKind::Members { kind: k2, within: w })
                                }
                                _ => None,
                            }
                        }
                    };
                    if let Some(kind) = body_kind {
                        bodies.push(Body {
                            name: b.name.name.to_string(),
                            label: b.label.as_ref().map(|l| l.value.to_string()),
                            kind,
                        });
                    }
                }
                WfItem::Calendar(c) => {
                    if calendar_seen {
                        self.diags.push(
                            Diagnostic::error(
                                "flow::duplicate",
                                c.span,
                                "the calendar is declared twice",
                            )
                            .with_help("merge the two calendars into one"),
                        );
                    }
                    calendar_seen = true;
                    if !c.weekend.is_empty() {
                        calendar.weekend.clear();
                    }
                    for (d, span) in &c.weekend {
                        if let Some(i) = calendar::weekday_from_name(d) {
                            calendar.weekend.insert(i);
                        } else {
                            self.diags.push(Diagnostic::error(
                                "flow::bad_day",
                                *span,
                                format!("`{d}` is not a weekday"),
                            ));
                        }
                    }
                    for (from, to, _) in &c.holidays {
                        let end = to.map_or(from.value, |t| t.value);
                        if end < from.value {
                            self.diags.push(
                                Diagnostic::error(
                                    "flow::bad_range",
                                    to.map_or(from.span, |t| t.span),
                                    "this holiday ends before it starts",
                                )
                                .with_help("write `holiday FIRST to LAST`"),
                            );
                            continue;
                        }
                        let mut d = from.value;
                        let mut n = 0;
                        while d <= end && n < 366 {
                            calendar.holidays.insert(d);
                            d = match d.succ_opt() {
                                Some(x) => x,
                                None => break,
                            };
                            n += 1;
                        }
                    }
                }
                WfItem::Nominate(r, span) => {
                    if nominate_by.is_some() {
                        self.diags.push(
                            Diagnostic::error(
                                "flow::duplicate",
                                *span,
                                "`nominate by` is stated twice",
                            )
                            .with_help("keep one"),
                        );
                    }
                    nominate_by = self.role(r);
                }
                _ => {}
            }
        }
        if nominate_by.is_none() && !ast.items.iter().any(|i| matches!(i, WfItem::Nominate(..))) {
            self.diags.push(
                Diagnostic::error(
                    "flow::no_nominator",
                    ast.name.span,
                    "the workflow does not say who may nominate",
                )
                .with_help("add `nominate by ROLE`, e.g. `nominate by unit_head`"),
            );
        }
        // Stages.
        let mut stages = Vec::new();
        let mut starts = Vec::new();
        for s in &stage_decls {
            if s.start {
                starts.push(s.name.span);
            }
            if s.start && s.terminal {
                self.diags.push(
                    Diagnostic::error(
                        "flow::start_terminal",
                        s.name.span,
                        format!("stage `{}` cannot both start and end the workflow", s.name.name),
                    )
                    .with_help("a proposal must be able to move; remove `terminal` or `start`"),
                );
            }
            for extra in s.deadline.iter().skip(1) {
                self.diags.push(
                    Diagnostic::error("flow::duplicate", extra.1, "a stage has one deadline")
                        .with_help("keep one"),
                );
            }
            for extra in s.votes.iter().skip(1) {
                self.diags.push(
                    Diagnostic::error("flow::duplicate", extra.span, "a stage holds one vote")
                        .with_help("split it into two stages"),
                );
            }
            if s.terminal && (!s.votes.is_empty() || !s.deadline.is_empty()) {
                self.diags.push(
                    Diagnostic::error(
                        "flow::terminal_body",
                        s.name.span,
                        format!(
                            "terminal stage `{}` cannot hold a vote or a deadline",
                            s.name.name
                        ),
                    )
                    .with_help("nothing happens after a terminal stage"),
                );
            }
            let vote = s.votes.first().and_then(|v| self.vote(v, &bodies));
            stages.push(Stage {
                name: s.name.name.to_string(),
                label: s.label.as_ref().map(|l| l.value.to_string()),
                terminal: s.terminal,
                deadline: s.deadline.first().map(|d| d.0),
                vote,
                span: s.span,
            });
        }
        let start = match starts.as_slice() {
            [_] => stage_decls.iter().position(|s| s.start),
            [] => {
                self.diags.push(
                    Diagnostic::error(
                        "flow::no_start",
                        ast.name.span,
                        "no stage is marked `start`",
                    )
                    .with_help(
                        "mark the stage where proposals begin: `stage nominated \"Đề nghị\" start`",
                    ),
                );
                None
            }
            [first, rest @ ..] => {
                for s in rest {
                    self.diags.push(
                        Diagnostic::error(
                            "flow::many_starts",
                            *s,
                            "a workflow has exactly one start stage",
                        )
                        .with_related(*first, "first start stage")
                        .with_help("remove `start` from all but one stage"),
                    );
                }
                None
            }
        };
        // Transitions.
        let mut transitions: Vec<Transition> = Vec::new();
        let mut trans_ids: BTreeMap<String, usize> = BTreeMap::new();
        for item in &ast.items {
            let WfItem::Transition(t) = item else { continue };
            if trans_ids.contains_key(t.name.name.as_str()) {
                self.diags.push(
                    Diagnostic::error(
                        "flow::duplicate",
                        t.name.span,
                        format!("transition `{}` is declared twice", t.name.name),
                    )
                    .with_help("give each transition its own name"),
                );
                continue;
            }
            let (from, to) = (self.stage(&t.from), self.stage(&t.to));
            let by: Vec<usize> = t.by.iter().filter_map(|r| self.role(r)).collect();
            if t.on.len() > 1 {
                self.diags.push(
                    Diagnostic::error(
                        "flow::duplicate",
                        t.span,
                        "a transition follows one vote outcome",
                    )
                    .with_help("keep one `on`"),
                );
            }
            let on = t.on.first().map(|(p, _)| *p);
            if on.is_some() && !t.by.is_empty() {
                self.diags.push(
                    Diagnostic::error(
                        "flow::on_and_by",
                        t.name.span,
                        format!(
                            "transition `{}` is both automatic (`on`) and manual (`by`)",
                            t.name.name
                        ),
                    )
                    .with_help("a vote's outcome moves the proposal by itself; remove `by`"),
                );
            }
            if on.is_none() && t.by.is_empty() {
                self.diags.push(
                    Diagnostic::error(
                        "flow::nobody",
                        t.name.span,
                        format!("nobody may take transition `{}`", t.name.name),
                    )
                    .with_help("add `by ROLE`, or `on passed`/`on failed` after a vote"),
                );
            }
            if let (Some(f), Some((_, sp))) = (from, t.on.first())
                && stages.get(f).is_some_and(|s| s.vote.is_none())
            {
                self.diags.push(
                    Diagnostic::error(
                        "flow::on_without_vote",
                        *sp,
                        format!(
                            "stage `{}` holds no vote, so there is no outcome to follow",
                            t.from.name
                        ),
                    )
                    .with_help("add a `vote` to the stage, or take the transition `by` a role"),
                );
            }
            if let Some(f) = from
                && stages.get(f).is_some_and(|s| s.terminal)
            {
                self.diags.push(
                    Diagnostic::error(
                        "flow::from_terminal",
                        t.from.span,
                        format!("`{}` is terminal: nothing leaves it", t.from.name),
                    )
                    .with_help("remove `terminal` from the stage or remove the transition"),
                );
            }
            let mut guards = Vec::new();
            if let Some(k) = kind {
                for g in &t.when {
                    match crate::check::compile_condition(self.program, k, g, &GUARD_NAMES) {
                        Ok(expr) => guards.push(Guard {
                            expr,
                            text: sources
                                .slice(g.span)
                                .split_whitespace()
                                .collect::<Vec<_>>()
                                .join(" "),
                            span: g.span,
                            location: sources.location(g.span).to_string(),
                        }),
                        Err(d) => self.diags.extend(d),
                    }
                }
            }
            if let (Some(from), Some(to)) = (from, to) {
                trans_ids.insert(t.name.name.to_string(), transitions.len());
                transitions.push(Transition {
                    name: t.name.name.to_string(),
                    label: t.label.as_ref().map(|l| l.value.to_string()),
                    from,
                    to,
                    by,
                    on,
                    guards,
                    span: t.span,
                });
            }
        }
        // Hooks.
        let mut hooks = Hooks::new(HookLimits::default());
        let mut hook_refs = Vec::new();
        for item in &ast.items {
            let WfItem::Hook(h) = item else { continue };
            let target = match h.point {
                HookPoint::Guard => match trans_ids.get(h.target.name.as_str()) {
                    Some(t) => Some(*t),
                    None => {
                        let names: Vec<&str> = trans_ids.keys().map(String::as_str).collect();
                        self.unknown("transition", &h.target, &names, "flow::unknown_transition");
                        None
                    }
                },
                _ => self.stage(&h.target),
            };
            if h.point == HookPoint::Tally
                && let Some(s) = target
                && stages.get(s).is_some_and(|x| x.vote.is_none())
            {
                self.diags.push(
                    Diagnostic::error(
                        "flow::tally_without_vote",
                        h.target.span,
                        format!("stage `{}` holds no vote to tally", h.target.name),
                    )
                    .with_help("attach `tally` hooks to vote stages"),
                );
            }
            let script = match load(&h.path.value) {
                Ok(s) => s,
                Err(e) => {
                    self.diags.push(
                        Diagnostic::error(
                            "flow::hook_missing",
                            h.path.span,
                            format!("cannot read hook `{}`: {e}", h.path.value),
                        )
                        .with_help("hook paths are relative to the workflow file"),
                    );
                    continue;
                }
            };
            let display = Path::new(file_name).parent().map_or_else(
                || h.path.value.to_string(),
                |p| p.join(&*h.path.value).display().to_string(),
            );
            let hook_file = sources.add(display.clone(), script.as_str());
            match hooks.compile(&display, &script, hook_file, h.point.name(), 1) {
                Ok(id) => {
                    if let Some(target) = target {
                        hook_refs.push(HookRef { point: h.point, target, id, path: display });
                    }
                }
                Err(d) => self.diags.push(d),
            }
        }
        let start = start?;
        let kind = kind?;
        self.check_graph(&stages, &transitions, start);
        Some(Flow {
            name: ast.name.name.to_string(),
            label: ast.label.value.to_string(),
            basis: ast.basis.as_ref().map(|b| b.value.to_string()),
            kind,
            roles,
            bodies,
            calendar,
            nominate_by,
            stages,
            transitions,
            start,
            hooks,
            hook_refs,
            file: file_name.to_string(),
        })
    }

    fn vote(&mut self, v: &wast::VoteDecl, bodies: &[Body]) -> Option<VoteSpec> {
        let Some(body) = bodies.iter().position(|b| b.name == v.body.name) else {
            let names: Vec<&str> = bodies.iter().map(|b| b.name.as_str()).collect();
            self.unknown("body", &v.body, &names, "flow::unknown_body");
            return None;
        };
        let threshold = match &v.threshold {
            Some((ThresholdDecl::Award, _)) => Threshold::Award,
            Some((ThresholdDecl::Fixed { share, of_all }, span)) => {
                if *share <= Decimal::ZERO || *share > Decimal::ONE {
                    self.diags.push(
                        Diagnostic::error(
                            "flow::bad_threshold",
                            *span,
                            "a threshold is a share above 0% and at most 100%",
                        )
                        .with_help("e.g. `threshold 80% of all` (NĐ 98/2023 Điều 30 k7)"),
                    );
                }
                Threshold::Fixed { share: *share, of_all: *of_all }
            }
            None => {
                self.diags.push(
                    Diagnostic::error("flow::no_threshold", v.span, format!("the vote of `{}` has no threshold", v.body.name))
                        .with_help("add `threshold 80% of all`, or `threshold award` to use the award's own rule"),
                );
                return None;
            }
        };
        let run_by = match &v.run_by {
            Some(r) => self.role(r)?,
            None => {
                self.diags.push(
                    Diagnostic::error(
                        "flow::no_runner",
                        v.span,
                        "nobody is named to open and close this vote",
                    )
                    .with_help("add `run by ROLE`, e.g. `run by secretary`"),
                );
                return None;
            }
        };
        let (rounds, decide_by) = match &v.rounds {
            Some((0, _, span)) => {
                self.diags.push(
                    Diagnostic::error("flow::bad_rounds", *span, "a vote needs at least one round")
                        .with_help("write `rounds 1` or more"),
                );
                (1, None)
            }
            Some((n, AfterRounds::Fail, _)) => (*n, None),
            Some((n, AfterRounds::Decide(r), _)) => (*n, self.role(r)),
            None => (1, None),
        };
        Some(VoteSpec {
            body,
            threshold,
            quorum: v.quorum.map(|q| q.0),
            secret: v.secret,
            written: v.written,
            rounds,
            decide_by,
            tie_by: match &v.tie_by {
                Some(r) => Some(self.role(r)?),
                None => None,
            },
            exclude_own: v.exclude_own,
            run_by,
        })
    }

    fn check_graph(&mut self, stages: &[Stage], transitions: &[Transition], start: usize) {
        let mut g: DiGraph<usize, usize> = DiGraph::new();
        let nodes: Vec<_> = (0..stages.len()).map(|i| g.add_node(i)).collect();
        for (i, t) in transitions.iter().enumerate() {
            if let (Some(&a), Some(&b)) = (nodes.get(t.from), nodes.get(t.to)) {
                g.add_edge(a, b, i);
            }
        }
        let Some(&start_node) = nodes.get(start) else { return };
        let mut reachable = BTreeSet::new();
        let mut dfs = Dfs::new(&g, start_node);
        while let Some(n) = dfs.next(&g) {
            reachable.insert(n.index());
        }
        let mut reaches_end = BTreeSet::new();
        let rev = Reversed(&g);
        for (i, s) in stages.iter().enumerate() {
            if s.terminal
                && let Some(&n) = nodes.get(i)
            {
                let mut dfs = Dfs::new(rev, n);
                while let Some(m) = dfs.next(rev) {
                    reaches_end.insert(m.index());
                }
            }
        }
        if !stages.iter().any(|s| s.terminal) {
            self.diags.push(
                Diagnostic::error(
                    "flow::no_terminal",
                    stages.get(start).map_or(Span::default(), |s| s.span),
                    "no stage is marked `terminal`",
                )
                .with_help(
                    "mark where proposals end: `stage conferred \"Đã khen thưởng\" terminal`",
                ),
            );
        }
        for (i, s) in stages.iter().enumerate() {
            if !reachable.contains(&i) {
                self.diags.push(
                    Diagnostic::error(
                        "flow::unreachable",
                        s.span,
                        format!("stage `{}` cannot be reached from the start", s.name),
                    )
                    .with_label("no path leads here")
                    .with_help("add a transition into it, or remove it"),
                );
            } else if !s.terminal && !reaches_end.contains(&i) {
                self.diags.push(
                    Diagnostic::error(
                        "flow::dead_end",
                        s.span,
                        format!("a proposal in `{}` can never finish", s.name),
                    )
                    .with_label("no path to a terminal stage")
                    .with_help("add a transition towards a terminal stage such as `rejected`"),
                );
            }
            if s.vote.is_some() {
                for outcome in [true, false] {
                    let count =
                        transitions.iter().filter(|t| t.from == i && t.on == Some(outcome)).count();
                    let word = if outcome { "passed" } else { "failed" };
                    if count == 0 {
                        self.diags.push(
                            Diagnostic::error(
                                "flow::vote_unwired",
                                s.span,
                                format!("the vote in `{}` has no transition `on {word}`", s.name),
                            )
                            .with_help(format!("add `transition … {} -> STAGE on {word}`", s.name)),
                        );
                    } else if count > 1 {
                        self.diags.push(
                            Diagnostic::error(
                                "flow::vote_ambiguous",
                                s.span,
                                format!(
                                    "the vote in `{}` has {count} transitions `on {word}`",
                                    s.name
                                ),
                            )
                            .with_help("keep one; a vote's outcome leads to one place"),
                        );
                    }
                }
            }
        }
    }
}
