//! thidua: a rules-and-workflow engine for Vietnam's thi đua, khen thưởng work.

pub mod diag;
pub mod model;
