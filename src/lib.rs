//! thidua: a rules-and-workflow engine for Vietnam's thi đua, khen thưởng work.

pub mod ast;
pub mod audit;
pub mod check;
pub mod data;
pub mod diag;
pub mod diff;
pub mod eval;
pub mod explain;
pub mod files;
pub mod fmt;
pub mod hooks;
pub mod lang;
pub mod model;
pub mod office;
pub mod program;
pub mod report;
pub mod sample;
pub mod store;
pub mod syntax;
pub mod testing;
pub mod workflow;
