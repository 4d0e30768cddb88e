//! Award and mark decisions: a column at a time untraced ([`super::batch`]), every condition
//! kept when traced, one row at a time where a row fails or a trace is replayed; quotas and
//! rewards.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::trace::{AwardTrace, NoTrace, QuotaTrace, TraceBuilder, Tracer};
use super::{AwardResult, Engine, Outcome, TraceMode, Verdicts, batch, par_chunks, round2};
use crate::diag::Diagnostic;
use crate::model::{KindId, Value};
use crate::program::*;

impl Engine<'_> {
    pub(super) fn cond<T: Tracer>(
        &self,
        c: &Cond,
        kind: KindId,
        row: u32,
        t: &mut T,
    ) -> Result<bool, Box<Diagnostic>> {
        self.eval_bool(&c.expr, kind, row, t)
    }

    /// Decide a range of rows, untraced, a column at a time ([`batch`]). Where a row fails,
    /// the range is decided again row by row, so that the error is the lowest failing row's.
    pub(super) fn decide_range(
        &self,
        award: &Award,
        rows: std::ops::Range<usize>,
    ) -> Result<Vec<Outcome>, Box<Diagnostic>> {
        let mut outcome = Vec::with_capacity(rows.len());
        let mut first = rows.start;
        while first < rows.end {
            let len = (rows.end - first).min(batch::BLOCK);
            if self.decide_columns(award, first, len, &mut outcome).is_err() {
                break;
            }
            first += len;
        }
        if first >= rows.end {
            return Ok(outcome);
        }
        rows.map(|r| self.decide_fast(award, u32::try_from(r).unwrap_or(u32::MAX))).collect()
    }

    /// [`Engine::decide_fast`] for `len` rows from `first`, a condition at a time: each
    /// condition is evaluated only on the rows still undecided.
    pub(super) fn decide_columns(
        &self,
        award: &Award,
        first: usize,
        len: usize,
        outcome: &mut Vec<Outcome>,
    ) -> Result<(), Box<Diagnostic>> {
        let mut live = batch::Bits::all(len);
        let mut disqualified = batch::Bits::none(len);
        for d in &award.disqualifiers {
            let holds = self.bits(&d.expr, award.kind, first, &live, true)?;
            disqualified.or(&holds);
            live.and_not(&holds);
        }
        for r in &award.requires {
            let holds = self.bits(&r.expr, award.kind, first, &live, true)?;
            live.and(&holds);
        }
        // Not eligible unless a bit says otherwise: only the set bits are visited.
        let start = outcome.len();
        outcome.resize(start + len, Outcome::NotEligible);
        let block = outcome.get_mut(start..).unwrap_or(&mut []);
        for (w, (&d, &e)) in disqualified.words().iter().zip(live.words()).enumerate() {
            for (mut bits, o) in [(d, Outcome::Disqualified), (e & !d, Outcome::Eligible)] {
                while bits != 0 {
                    if let Some(slot) = block.get_mut(w * 64 + bits.trailing_zeros() as usize) {
                        *slot = o;
                    }
                    bits &= bits - 1;
                }
            }
        }
        Ok(())
    }

    /// Whether a mark holds, per row, a column at a time; row by row again where a row fails.
    pub(super) fn mark(&self, mark: &Mark, n: usize) -> Result<Vec<bool>, Box<Diagnostic>> {
        let chunks = par_chunks(n, |rows| {
            let mut out = Vec::with_capacity(rows.len());
            let mut first = rows.start;
            while first < rows.end {
                let len = (rows.end - first).min(batch::BLOCK);
                let all = batch::Bits::all(len);
                let Ok(holds) = self.bits(&mark.when, mark.kind, first, &all, true) else { break };
                out.extend((0..len).map(|i| holds.get(i)));
                first += len;
            }
            if first >= rows.end {
                return Ok(out);
            }
            rows.map(|r| {
                self.eval_bool(
                    &mark.when,
                    mark.kind,
                    u32::try_from(r).unwrap_or(u32::MAX),
                    &mut NoTrace,
                )
            })
            .collect()
        })?;
        let mut out = Vec::with_capacity(n);
        for chunk in chunks {
            out.extend(chunk);
        }
        Ok(out)
    }

    /// Decide one entity, untraced: disqualifiers first, then requirements, stopping early.
    pub(super) fn decide_fast(&self, award: &Award, row: u32) -> Result<Outcome, Box<Diagnostic>> {
        for d in &award.disqualifiers {
            if self.cond(d, award.kind, row, &mut NoTrace)? {
                return Ok(Outcome::Disqualified);
            }
        }
        for r in &award.requires {
            if !self.cond(r, award.kind, row, &mut NoTrace)? {
                return Ok(Outcome::NotEligible);
            }
        }
        Ok(Outcome::Eligible)
    }

    /// Decide one entity with a full trace of every condition.
    pub(super) fn decide_traced(
        &self,
        award: &Award,
        row: u32,
    ) -> Result<(Outcome, AwardTrace), Box<Diagnostic>> {
        let mut b = TraceBuilder::with_capacity(award.disqualifiers.len() + award.requires.len());
        for d in &award.disqualifiers {
            let holds = self.cond(d, award.kind, row, b.next())?;
            b.close(holds);
        }
        for r in &award.requires {
            let holds = self.cond(r, award.kind, row, b.next())?;
            b.close(holds);
        }
        let trace = b.finish(award.disqualifiers.len());
        let outcome = if trace.disqualifiers().iter().any(|c| c.holds) {
            Outcome::Disqualified
        } else if trace.requires().iter().all(|c| c.holds) {
            Outcome::Eligible
        } else {
            Outcome::NotEligible
        };
        Ok((outcome, trace))
    }

    pub(super) fn award(
        &self,
        award: &Award,
        mode: TraceMode,
    ) -> Result<AwardResult, Box<Diagnostic>> {
        let n = self.data.table(award.kind).map_or(0, |t| t.len());
        let (mut outcome, verdicts) = if mode == TraceMode::All {
            let (outcome, verdicts) = self.decide_all(award, n)?;
            (outcome, Some(verdicts))
        } else {
            let mut outcome = Vec::with_capacity(n);
            for chunk in par_chunks(n, |rows| self.decide_range(award, rows))? {
                outcome.extend(chunk);
            }
            (outcome, None)
        };
        let traced = |r: u32| match mode {
            TraceMode::Off => false,
            TraceMode::All => true,
            TraceMode::Entity(k, er) => k == award.kind && er == r,
        };
        if let TraceMode::Entity(k, r) = mode
            && k == award.kind
            && let Some(slot) = outcome.get_mut(r as usize)
        {
            // The traced row is decided as its trace decides it: without short-circuit, so
            // that an error its trace would meet is met here.
            *slot = self.decide_traced(award, r)?.0;
        }
        let mut quota = if mode != TraceMode::Off && award.quota.is_some() {
            vec![None; n]
        } else {
            Vec::new()
        };
        if let Some(q) = &award.quota {
            self.apply_quota(award, q, &mut outcome, &mut quota, traced)?;
        }
        let reward = self.rewards(award, &outcome)?;
        Ok(AwardResult { outcome, reward, quota, verdicts })
    }

    /// Every row decided as traced, a column at a time: every condition on every row, without
    /// short-circuit, with every condition's verdict kept.
    pub(super) fn decide_all(
        &self,
        award: &Award,
        n: usize,
    ) -> Result<(Vec<Outcome>, Verdicts), Box<Diagnostic>> {
        let count = award.disqualifiers.len() + award.requires.len();
        let chunks = par_chunks(n, |rows| self.decide_all_range(award, rows))?;
        let mut outcome = Vec::with_capacity(n);
        let mut conds = vec![Vec::with_capacity(n.div_ceil(64)); count];
        // Chunks hold whole words of rows, except the last.
        for (o, words) in chunks {
            outcome.extend(o);
            for (all, w) in conds.iter_mut().zip(words) {
                all.extend(w);
            }
        }
        Ok((outcome, Verdicts { conds }))
    }

    /// [`Engine::decide_all`] over a range of rows; row by row again where a row fails, so
    /// that the error is the lowest failing row's.
    #[expect(clippy::type_complexity, reason = "outcomes, and words of verdicts per condition")]
    pub(super) fn decide_all_range(
        &self,
        award: &Award,
        rows: std::ops::Range<usize>,
    ) -> Result<(Vec<Outcome>, Vec<Vec<u64>>), Box<Diagnostic>> {
        let disqualifiers = award.disqualifiers.len();
        let conds = || award.disqualifiers.iter().chain(&award.requires);
        let words = rows.len().div_ceil(64);
        let mut verdicts = vec![Vec::with_capacity(words); disqualifiers + award.requires.len()];
        let mut outcome = Vec::with_capacity(rows.len());
        let mut first = rows.start;
        'blocks: while first < rows.end {
            let len = (rows.end - first).min(batch::BLOCK);
            let all = batch::Bits::all(len);
            let mut disqualified = batch::Bits::none(len);
            let mut meets = batch::Bits::all(len);
            for (c, (cond, kept)) in conds().zip(&mut verdicts).enumerate() {
                let Ok(holds) = self.bits(&cond.expr, award.kind, first, &all, false) else {
                    break 'blocks;
                };
                if c < disqualifiers {
                    disqualified.or(&holds);
                } else {
                    meets.and(&holds);
                }
                kept.extend_from_slice(holds.words());
            }
            for i in 0..len {
                outcome.push(if disqualified.get(i) {
                    Outcome::Disqualified
                } else if meets.get(i) {
                    Outcome::Eligible
                } else {
                    Outcome::NotEligible
                });
            }
            first += len;
        }
        if first >= rows.end {
            return Ok((outcome, verdicts));
        }
        let mut outcome = Vec::with_capacity(rows.len());
        let mut verdicts = vec![vec![0u64; words]; verdicts.len()];
        for (i, r) in rows.enumerate() {
            let (o, trace) = self.decide_traced(award, u32::try_from(r).unwrap_or(u32::MAX))?;
            outcome.push(o);
            for (ct, kept) in
                trace.disqualifiers().iter().chain(trace.requires()).zip(&mut verdicts)
            {
                if let Some(w) = kept.get_mut(i / 64) {
                    *w |= u64::from(ct.holds) << (i % 64);
                }
            }
        }
        Ok((outcome, verdicts))
    }

    /// The reward of each granted row.
    pub(super) fn rewards(
        &self,
        award: &Award,
        outcome: &[Outcome],
    ) -> Result<Vec<Option<Decimal>>, Box<Diagnostic>> {
        let mut reward = vec![None; outcome.len()];
        if let Some(formula) = &award.reward {
            for (row, o) in outcome.iter().enumerate() {
                if !o.eligible() {
                    continue;
                }
                let r = u32::try_from(row).unwrap_or(u32::MAX);
                let v = self.eval_num(formula, award.kind, r, &mut NoTrace)?;
                if let Some(slot) = reward.get_mut(row) {
                    *slot = Some(round2(v));
                }
            }
        }
        Ok(reward)
    }

    pub(super) fn apply_quota(
        &self,
        award: &Award,
        q: &Quota,
        outcome: &mut [Outcome],
        traces: &mut [Option<QuotaTrace>],
        traced: impl Fn(u32) -> bool,
    ) -> Result<(), Box<Diagnostic>> {
        let kind = award.kind;
        let n = outcome.len();
        // Group → (eligible rows with keys, headcount, holders).
        let mut groups: std::collections::BTreeMap<u32, QuotaGroup> =
            std::collections::BTreeMap::new();
        for row in 0..n {
            let r = u32::try_from(row).unwrap_or(u32::MAX);
            let g = match q.per {
                Some(per) => self.ancestor(kind, r, per).unwrap_or(u32::MAX),
                None => 0,
            };
            let entry = groups.entry(g).or_default();
            entry.1 += 1;
            if let QuotaAmount::Share { of: Denominator::Holders(f), .. } = q.amount
                && self.held_now(f, r)
            {
                entry.2 += 1;
            }
            if outcome.get(row).copied() == Some(Outcome::Eligible) {
                entry.0.push((r, self.key_values(&q.by, kind, r)?));
            }
        }
        for (g, QuotaGroup(mut rows, headcount, holders)) in groups {
            let (limit, denominator) = match q.amount {
                QuotaAmount::Count(c) => (c, None),
                QuotaAmount::Share { share, of, round_up } => {
                    let denom = match of {
                        Denominator::Headcount => headcount,
                        Denominator::Holders(_) => holders,
                    };
                    let places = share.saturating_mul(Decimal::from(denom));
                    let places = if round_up { places.ceil() } else { places.floor() };
                    (places.to_u64().unwrap_or(0), Some(denom))
                }
            };
            self.sort_rows(kind, &q.by, &mut rows);
            let eligible = u64::try_from(rows.len()).unwrap_or(u64::MAX);
            let group = q
                .per
                .and_then(|per| self.data.table(per))
                .and_then(|t| t.ids.get(g as usize))
                .map(|s| s.to_string());
            for (pos, (r, _)) in rows.iter().enumerate() {
                let position = u64::try_from(pos + 1).unwrap_or(u64::MAX);
                if position > limit
                    && let Some(o) = outcome.get_mut(*r as usize)
                {
                    *o = Outcome::OverQuota;
                }
                if traced(*r)
                    && let Some(t) = traces.get_mut(*r as usize)
                {
                    *t = Some(QuotaTrace {
                        group: group.clone(),
                        limit,
                        denominator,
                        eligible,
                        position,
                    });
                }
            }
        }
        Ok(())
    }
}

/// One quota group: eligible rows with their ordering keys, headcount, holders of the
/// denominator award.
#[derive(Default)]
struct QuotaGroup(Vec<(u32, Vec<Value>)>, u64, u64);
