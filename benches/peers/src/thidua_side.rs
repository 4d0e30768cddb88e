//! thidua as every workload calls it: check a rule file, load the CSV data, evaluate.
//!
//! These are the library calls the CLI makes (`thidua::check::check_source`,
//! `thidua::data::load_csv_str`, `thidua::eval::evaluate`); failures come back as the
//! rendered diagnostics.

use thidua::check::check_source;
use thidua::data::{LoadError, load_csv_str};
use thidua::diag::SourceMap;
use thidua::eval::{Evaluation, Outcome, TraceMode, evaluate, resolve_cycle};
use thidua::model::Dataset;
use thidua::program::Program;
use thidua::workflow::{Flow, check_workflow_with};

use crate::data::{Files, pairs};
use crate::harness::{Res, diagnostics, fail};

/// A checked rule file and the source map its diagnostics point into.
#[derive(Debug)]
pub(crate) struct Side {
    /// The checked program.
    pub(crate) program: Program,
    sources: SourceMap,
}

impl Side {
    /// Parse and check a rule file.
    pub(crate) fn load(name: &str, text: &str) -> Res<Side> {
        let mut sources = SourceMap::new();
        match check_source(name, text, &mut sources) {
            Ok(checked) => Ok(Side { program: checked.program, sources }),
            Err(diags) => Err(diagnostics(&diags, &sources)),
        }
    }

    /// Load generated CSV texts against the program's schema.
    pub(crate) fn load_data(&self, files: &Files) -> Res<Dataset> {
        let mut sources = SourceMap::new();
        match load_csv_str(&self.program.schema, &pairs(files), &mut sources) {
            Ok(data) => Ok(data),
            Err(LoadError::Invalid(diags)) => Err(diagnostics(&diags, &sources)),
            Err(e) => Err(e.into()),
        }
    }

    /// Evaluate the rule file's own cycle, or `year`.
    pub(crate) fn evaluate(
        &self,
        data: &Dataset,
        year: Option<i32>,
        mode: TraceMode,
    ) -> Res<Evaluation> {
        let cycle =
            resolve_cycle(&self.program, year).map_err(|d| diagnostics(&[*d], &self.sources))?;
        evaluate(&self.program, data, cycle, mode).map_err(|d| diagnostics(&[*d], &self.sources))
    }

    /// Parse and check a workflow over this rule set (it may not name hook files).
    pub(crate) fn check_workflow(&mut self, name: &str, text: &str) -> Res<Flow> {
        let refuse = |path: &str| -> std::io::Result<String> {
            Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no hook files here: `{path}`"),
            ))
        };
        match check_workflow_with(name, text, &refuse, &self.program, &mut self.sources) {
            Ok(checked) => Ok(checked.flow),
            Err(diags) => Err(diagnostics(&diags, &self.sources)),
        }
    }

    /// Position of an award by name.
    pub(crate) fn award(&self, name: &str) -> Res<usize> {
        match self.program.awards.iter().position(|a| a.name == name) {
            Some(i) => Ok(i),
            None => fail(format!("no award `{name}` in `{}`", self.program.name)),
        }
    }

    /// Outcomes of an award, per row.
    /// Build the trace of every decision of an evaluation with every decision traced, as
    /// an auditor reading all of them would; returns how many were built.
    pub(crate) fn build_traces(&self, data: &Dataset, ev: &Evaluation) -> Res<usize> {
        let mut built = 0;
        for (a, res) in ev.awards.iter().enumerate() {
            for row in 0..u32::try_from(res.outcome.len()).unwrap_or(u32::MAX) {
                match ev.trace(&self.program, data, a, row) {
                    Ok(Some(trace)) => {
                        std::hint::black_box(&trace);
                        built += 1;
                    }
                    Ok(None) => return fail(format!("no trace of award {a} for row {row}")),
                    Err(d) => return Err(diagnostics(&[*d], &self.sources)),
                }
            }
        }
        Ok(built)
    }

    pub(crate) fn outcomes<'e>(&self, ev: &'e Evaluation, name: &str) -> Res<&'e [Outcome]> {
        let i = self.award(name)?;
        match ev.awards.get(i) {
            Some(r) => Ok(&r.outcome),
            None => fail(format!("award `{name}` was not evaluated")),
        }
    }
}
