//! The integration test binary: one binary for every integration test, like ripgrep's.
//!
//! Each module covers one area through the public API only:
//!
//! - `cli`: the `thidua` binary as a black box: exit codes, output and error paths.
//! - `domain`: the shipped sample gives the awards the law (as domain.md states it) expects.
//! - `corpus`: the `.rules` corpora under `tests/cases/` and the shipped `rules/` sample,
//!   checked and snapshotted (plain and JSON diagnostics, program summaries), plus targeted
//!   asserts on the expected diagnostic codes, the underlined text and the help.
//! - `props`: property tests that parsing, checking and rendering never panic and that every
//!   span stays inside its file and on character boundaries.
//! - `workflows`, `office`, `security`: the workflow engine, the SQLite office through the
//!   CLI, and the promises of SECURITY.md.
//! - `rule_tests`, `diff`, `fmt`, `i18n`: the rule authoring tools (`thidua test`, `thidua
//!   diff`, `thidua fmt`, Vietnamese keywords) and `--lang`.
//!
//! See `tests/README.md` for how to run, filter and re-bless snapshots.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails by panicking; helpers outside #[test] functions are test code too"
)]

mod cli;
mod corpus;
mod diff;
mod domain;
mod fmt;
mod i18n;
mod office;
mod props;
mod rule_tests;
mod security;
mod workflows;
