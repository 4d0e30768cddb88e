//! Evaluation order: the dependency graph of scores, ranks, marks and awards.

use std::collections::BTreeSet;

use petgraph::graph::{DiGraph, NodeIndex};

use super::{Checker, Dep};
use crate::diag::{Diagnostic, Span};
use crate::model::Schema;
use crate::program::*;

impl Checker<'_> {
    // -----------------------------------------------------------------------------------
    // Evaluation order

    pub(super) fn order_steps(
        &mut self,
        steps: &[(Step, Vec<Dep>, Span)],
        scorings: &[Scoring],
        marks: &[Mark],
        awards: &[Award],
    ) -> Option<Vec<Step>> {
        let mut graph: DiGraph<usize, Span> = DiGraph::new();
        let nodes: Vec<NodeIndex> = (0..steps.len()).map(|i| graph.add_node(i)).collect();
        let find = |s: Step| {
            steps.iter().position(|(x, _, _)| *x == s).and_then(|i| nodes.get(i).copied())
        };
        for (i, (step, deps, _)) in steps.iter().enumerate() {
            let Some(&to) = nodes.get(i) else { continue };
            if let Step::Rank(s) = step
                && let Some(from) = find(Step::Score(*s))
            {
                graph.add_edge(from, to, Span::default());
            }
            for dep in deps {
                let (target, span) = match *dep {
                    Dep::Score(s, sp) => (Some(Step::Score(s)), sp),
                    Dep::Rank(s, sp) => (Some(Step::Rank(s)), sp),
                    Dep::Fact(f, sp) => {
                        let t = self
                            .mark_of
                            .get(&f)
                            .map(|m| Step::Mark(*m))
                            .or_else(|| self.award_of.get(&f).map(|a| Step::Award(*a)));
                        (t, sp)
                    }
                };
                if let Some(from) = target.and_then(find) {
                    graph.add_edge(from, to, span);
                }
            }
        }
        // Kahn's algorithm, always taking the earliest declared ready step: stable output.
        let mut indegree: Vec<usize> = nodes
            .iter()
            .map(|n| graph.neighbors_directed(*n, petgraph::Incoming).count())
            .collect();
        let mut ready: BTreeSet<usize> =
            indegree.iter().enumerate().filter(|(_, d)| **d == 0).map(|(i, _)| i).collect();
        let mut order = Vec::with_capacity(steps.len());
        while let Some(i) = ready.pop_first() {
            if let Some((s, _, _)) = steps.get(i) {
                order.push(*s);
            }
            let Some(&n) = nodes.get(i) else { continue };
            let mut outs: Vec<usize> =
                graph.neighbors_directed(n, petgraph::Outgoing).map(|m| m.index()).collect();
            outs.sort_unstable();
            for o in outs {
                if let Some(d) = indegree.get_mut(o) {
                    *d = d.saturating_sub(1);
                    if *d == 0 {
                        ready.insert(o);
                    }
                }
            }
        }
        if order.len() == steps.len() {
            return Some(order);
        }
        // Some steps were never ready: they form cycles, which Tarjan's algorithm names.
        for scc in petgraph::algo::tarjan_scc(&graph) {
            let self_loop =
                scc.len() == 1 && scc.first().is_some_and(|n| graph.contains_edge(*n, *n));
            if scc.len() < 2 && !self_loop {
                continue;
            }
            let mut members: Vec<usize> =
                scc.iter().filter_map(|n| graph.node_weight(*n).copied()).collect();
            members.sort_unstable();
            let names: Vec<String> = members
                .iter()
                .filter_map(|i| steps.get(*i))
                .map(|(s, _, _)| step_name(*s, scorings, marks, awards, &self.schema))
                .collect();
            let Some(&(_, _, span)) = members.first().and_then(|i| steps.get(*i)) else { continue };
            let mut d = Diagnostic::error(
                "check::cycle",
                span,
                format!("these rules depend on each other in a cycle: {}", names.join(" → ")),
            )
            .with_label("part of the cycle")
            .with_help("an award cannot require itself, directly or through others; use `held X last cycle` for past cycles");
            for e in graph.edge_indices() {
                if let (Some((a, b)), Some(sp)) = (graph.edge_endpoints(e), graph.edge_weight(e))
                    && scc.contains(&a)
                    && scc.contains(&b)
                    && *sp != Span::default()
                {
                    d = d.with_related(*sp, "depends here");
                }
            }
            self.diags.push(d);
        }
        None
    }
}

fn step_name(
    step: Step,
    scorings: &[Scoring],
    marks: &[Mark],
    awards: &[Award],
    schema: &Schema,
) -> String {
    match step {
        Step::Score(s) => {
            scorings.get(s).map_or_else(String::new, |x| format!("`{}` (score)", x.name))
        }
        Step::Rank(s) => {
            scorings.get(s).map_or_else(String::new, |x| format!("`{}` (rank)", x.name))
        }
        Step::Mark(m) => marks
            .get(m)
            .and_then(|x| schema.facts.get(x.fact.0 as usize))
            .map_or_else(String::new, |f| format!("`{}`", f.name)),
        Step::Award(a) => awards.get(a).map_or_else(String::new, |x| format!("`{}`", x.name)),
    }
}
