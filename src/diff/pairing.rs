//! Matching the parts of two declarations: by name, by label, by position.

use std::collections::{BTreeMap, BTreeSet};

use crate::ast;

use super::canon;

/// Pair items by key: NEW's order (with the OLD item of the same key), then OLD-only items.
pub(super) fn pair<'x, T>(
    old: &[&'x T],
    new: &[&'x T],
    key: impl Fn(&T) -> String,
) -> Vec<(Option<&'x T>, Option<&'x T>)> {
    let old_by: BTreeMap<String, &'x T> = old.iter().rev().map(|o| (key(o), *o)).collect();
    let new_keys: BTreeSet<String> = new.iter().map(|n| key(n)).collect();
    let mut out: Vec<(Option<&'x T>, Option<&'x T>)> =
        new.iter().map(|n| (old_by.get(&key(n)).copied(), Some(*n))).collect();
    out.extend(old.iter().filter(|o| !new_keys.contains(&key(o))).map(|o| (Some(*o), None)));
    out
}

/// Whether the common elements of two sequences come in a different order.
pub(super) fn reordered(old: &[String], new: &[String]) -> bool {
    let common_old: Vec<&String> = old.iter().filter(|o| new.contains(o)).collect();
    let common_new: Vec<&String> = new.iter().filter(|n| old.contains(n)).collect();
    common_old != common_new
}

/// Pairs of (old index, new index): NEW's order with its matches, then unmatched OLD ones.
pub(super) fn match_conditions(
    old: &[ast::Condition],
    new: &[ast::Condition],
) -> Vec<(Option<usize>, Option<usize>)> {
    let mut of_new: Vec<Option<usize>> = vec![None; new.len()];
    let mut used = vec![false; old.len()];
    fn take(of_new: &mut [Option<usize>], used: &mut [bool], j: usize, i: usize) {
        if let (Some(slot), Some(u)) = (of_new.get_mut(j), used.get_mut(i)) {
            *slot = Some(i);
            *u = true;
        }
    }
    // 1. By label.
    for (j, c) in new.iter().enumerate() {
        let Some(label) = &c.label else { continue };
        let found = old.iter().enumerate().find(|(i, o)| {
            !used.get(*i).copied().unwrap_or(true)
                && o.label.as_ref().is_some_and(|l| l.value == label.value)
        });
        if let Some((i, _)) = found {
            take(&mut of_new, &mut used, j, i);
        }
    }
    // 2. Unlabelled ones by position among the unlabelled.
    let old_plain: Vec<usize> =
        (0..old.len()).filter(|&i| old.get(i).is_some_and(|c| c.label.is_none())).collect();
    let new_plain: Vec<usize> =
        (0..new.len()).filter(|&j| new.get(j).is_some_and(|c| c.label.is_none())).collect();
    for (&i, &j) in old_plain.iter().zip(&new_plain) {
        take(&mut of_new, &mut used, j, i);
    }
    // 3. What is left, by identical condition (a relabelled rule).
    for (j, c) in new.iter().enumerate() {
        if of_new.get(j).copied().flatten().is_some() {
            continue;
        }
        let text = canon::expr(&c.expr);
        let found = old
            .iter()
            .enumerate()
            .find(|(i, o)| !used.get(*i).copied().unwrap_or(true) && canon::expr(&o.expr) == text);
        if let Some((i, _)) = found {
            take(&mut of_new, &mut used, j, i);
        }
    }
    let mut out: Vec<(Option<usize>, Option<usize>)> =
        of_new.iter().enumerate().map(|(j, i)| (*i, Some(j))).collect();
    out.extend(used.iter().enumerate().filter(|(_, u)| !**u).map(|(i, _)| (Some(i), None)));
    out
}
