//! The catalog: English patterns of diagnostic texts and their Vietnamese.
//!
//! One entry per text shape, `(code, English pattern, Vietnamese)`. The code is a diagnostic
//! code, `*` for a text several codes share, and may end in `@message`, `@label`, `@related`
//! or `@help` to apply to that text only. Within a code, entries are tried in order (put a
//! specific shape before a general one); code entries come before shared ones. Holes: `{}`
//! copied, `{p}` a phrase of [`PHRASES`], `{l}` a list of them, `{x}` outside text (see
//! [`super`]). Vietnamese refers to holes as `{0}`, `{1}`… in the English order.
//!
//! Style: plain Vietnamese for a council secretary; lowercase first letter, no final period
//! (like the English); user text, keywords and examples stay in backticks, untranslated.
//!
//! The entries are split by the part of thidua that writes the texts; [`TEXTS`] lists the
//! parts in the order their entries are tried.

mod check;
mod data;
mod eval;
mod events;
mod hooks;
mod phrases;
mod shared;
mod syntax;
mod testing;
mod workflow;

pub(super) use phrases::PHRASES;

/// Diagnostic texts, area by area, in the order they are tried.
pub(super) const TEXTS: &[&[(&str, &str, &str)]] = &[
    shared::TEXTS,
    syntax::TEXTS,
    check::TEXTS,
    workflow::TEXTS,
    hooks::TEXTS,
    data::TEXTS,
    eval::TEXTS,
    testing::TEXTS,
    events::TEXTS,
];
