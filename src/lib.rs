//! thidua: a rules-and-workflow engine for Vietnam's thi đua, khen thưởng work.

pub mod ast;
pub mod check;
pub mod diag;
pub mod eval;
pub mod model;
pub mod program;
pub mod syntax;
pub mod data;
pub mod sample;
pub mod explain;
pub mod report;
