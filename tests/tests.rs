//! The integration test binary: one binary for every integration test, like ripgrep's.
//!
//! Each module covers one area through the public API only:
//!
//! - `corpus`: the `.rules` corpora under `tests/cases/` and the shipped `rules/` sample,
//!   checked and snapshotted (plain and JSON diagnostics, program summaries), plus targeted
//!   asserts on the expected diagnostic codes, the underlined text and the help.
//! - `props`: property tests that parsing, checking and rendering never panic and that every
//!   span stays inside its file and on character boundaries.
//!
//! See `tests/README.md` for how to run, filter and re-bless snapshots.

mod corpus;
mod props;
