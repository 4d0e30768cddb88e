//! Running a Rego policy with regorus, in each of the ways regorus offers.
//!
//! - `Engine`: one prepared `regorus::Engine`, `set_input` then `eval_rule` per candidate
//!   (the usual embedding).
//! - `Compiled`: `Engine::compile_with_entrypoint` once, then `CompiledPolicy::eval_with_input`
//!   per candidate.
//! - `Rvm`: the policy compiled to regorus's bytecode virtual machine (`rvm`), one VM reused,
//!   `set_input` then `execute` per candidate.
//! - `Batch`: every candidate loaded once as `data`, one query deciding them all.
//!
//! Each workload's policy offers a per-candidate entry point (deciding `input`) and a batch
//! entry point (deciding every record in `data`); both call the same functions. Every mode
//! is timed briefly (three runs), the fastest is timed properly and shown in the table, and
//! the others are listed in a note under it.

use std::collections::BTreeMap;

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use regorus::{CompiledPolicy, Engine, Value};

use crate::harness::{Res, fail, human, median};

/// How the policy is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A prepared engine, `set_input` + `eval_rule` per candidate.
    Engine,
    /// `CompiledPolicy::eval_with_input` per candidate.
    Compiled,
    /// The bytecode VM, `set_input` + `execute` per candidate.
    Rvm,
    /// All candidates as `data`, one query.
    Batch,
}

impl Mode {
    /// Every mode, in the order they are tried.
    pub(crate) const ALL: [Mode; 4] = [Mode::Engine, Mode::Compiled, Mode::Rvm, Mode::Batch];

    /// How the table names the mode.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Mode::Engine => "regorus (engine, per candidate)",
            Mode::Compiled => "regorus (compiled policy, per candidate)",
            Mode::Rvm => "regorus (RVM bytecode, per candidate)",
            Mode::Batch => "regorus (one batch query over data)",
        }
    }
}

/// A policy loaded for one mode.
#[derive(Debug)]
pub(crate) struct Rego {
    mode: Mode,
    engine: Engine,
    compiled: Option<CompiledPolicy>,
    vm: Option<RegoVM>,
    single: String,
    batch: String,
}

impl Rego {
    /// Parse and compile `text`; `single` decides `input`, `batch` decides `data`.
    pub(crate) fn load(mode: Mode, name: &str, text: &str, single: &str, batch: &str) -> Res<Rego> {
        let mut engine = Engine::new();
        engine.add_policy(name.to_string(), text.to_string())?;
        let entry = if mode == Mode::Batch { batch } else { single };
        let compiled = engine.compile_with_entrypoint(&entry.into())?;
        let vm = if mode == Mode::Rvm {
            let program = Compiler::compile_from_policy(&compiled, &[entry])?;
            let mut vm = RegoVM::new();
            vm.load_program(program);
            Some(vm)
        } else {
            None
        };
        Ok(Rego {
            mode,
            engine,
            compiled: (mode == Mode::Compiled).then_some(compiled),
            vm,
            single: single.to_string(),
            batch: batch.to_string(),
        })
    }

    /// The mode.
    pub(crate) fn mode(&self) -> Mode {
        self.mode
    }

    /// Load the batch's records as `data`.
    pub(crate) fn set_data(&mut self, data: Value) -> Res<()> {
        self.engine.add_data(data)?;
        Ok(())
    }

    /// Decide one candidate.
    pub(crate) fn eval(&mut self, input: &Value) -> Res<Value> {
        match (self.mode, &self.compiled, &mut self.vm) {
            (Mode::Engine, _, _) => {
                self.engine.set_input(input.clone());
                Ok(self.engine.eval_rule(self.single.clone())?)
            }
            (Mode::Compiled, Some(c), _) => Ok(c.eval_with_input(input.clone())?),
            (Mode::Rvm, _, Some(vm)) => {
                vm.set_input(input.clone());
                Ok(vm.execute()?)
            }
            _ => fail("this regorus mode decides candidates in a batch"),
        }
    }

    /// Decide every record in `data`, with `input` for anything the batch shares.
    pub(crate) fn eval_batch(&mut self, input: Value) -> Res<Value> {
        self.engine.set_input(input);
        Ok(self.engine.eval_rule(self.batch.clone())?)
    }
}

/// An object from `(key, value)` pairs.
pub(crate) fn object<'a>(pairs: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    let map: BTreeMap<Value, Value> = pairs.into_iter().map(|(k, v)| (Value::from(k), v)).collect();
    Value::from(map)
}

/// An array of years.
pub(crate) fn years(ys: &[i32]) -> Value {
    Value::from(ys.iter().map(|y| Value::from(i64::from(*y))).collect::<Vec<_>>())
}

/// Element `i` of an array result.
pub(crate) fn item(v: &Value, i: usize) -> Res<&Value> {
    match v.as_array()?.get(i) {
        Some(x) => Ok(x),
        None => fail(format!("the policy returned no element {i}: {v}")),
    }
}

/// The length of an array result.
pub(crate) fn len(v: &Value) -> Res<usize> {
    Ok(v.as_array()?.len())
}

/// A boolean result.
pub(crate) fn boolean(v: &Value) -> Res<bool> {
    Ok(*v.as_bool()?)
}

/// Time each loaded mode briefly (the median of three runs or more) and keep the fastest,
/// with its inputs and a note naming the others' times.
pub(crate) fn fastest<T, R>(
    label: &str,
    runs: Vec<(Rego, T)>,
    mut eval: impl FnMut(&mut Rego, &T) -> Res<R>,
) -> Res<(Rego, T, String)> {
    let mut timed = Vec::with_capacity(runs.len());
    for (mut r, input) in runs {
        let (d, _) = median(3, || eval(&mut r, &input))?;
        timed.push((d, r, input));
    }
    timed.sort_by_key(|(d, _, _)| *d);
    let others: Vec<String> = timed
        .iter()
        .skip(1)
        .map(|(d, r, _)| format!("{} {}", r.mode().label(), human(*d)))
        .collect();
    let Some((_, best, input)) = timed.into_iter().next() else {
        return fail("no regorus mode ran");
    };
    let note = format!(
        "{label}: the table shows the fastest way of running regorus; the others took \
         (median of 3 runs) {}",
        others.join(", ")
    );
    Ok((best, input, note))
}
