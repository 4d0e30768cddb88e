//! Sandboxed rhai hooks: local-variation scripts that approval workflows attach to stages and
//! transitions.
//!
//! A workflow's hooks share one [`Hooks`]: a rhai engine built once from [`HookLimits`] plus every
//! compiled script. [`Hooks::compile`] turns a script into a [`HookId`] or a [`Diagnostic`] located
//! in the script; [`Hooks::call`] runs the script's entry function on [`HookValue`] arguments and
//! returns a [`HookValue`] or a [`HookError`]. No rhai type appears in this module's public API.
//!
//! # The sandbox
//!
//! - The engine starts from `Engine::new_raw()` and gets only the arithmetic, logic, string,
//!   array, map, iterator, function-pointer and basic-math packages. There is no time package,
//!   no `sleep`, no `eval`, no `import` (rhai's `no_module`), no `try`/`catch`, no `this`, and
//!   no file, network, environment or random source at all. `print` and `debug` do nothing.
//! - Variables are strict: a hook function sees only its parameters and its own locals, so a
//!   script cannot keep state between calls. Each call gets a fresh scope and runs only the
//!   entry function (top-level statements are never executed).
//! - Every limit is set explicitly (rhai's defaults differ between debug and release builds).
//!   The operation limit and the wall clock are enforced by an `on_progress` callback that keeps
//!   a per-call, per-thread record; once tripped it stays tripped, so no rhai code path that
//!   swallows errors (such as a `sort` comparator) can hide it.
//! - Errors cannot be caught by scripts (`try` is disabled), and `sort`/`dedup` with a
//!   comparator are replaced by versions that pass the comparator's errors on, so every limit
//!   hit reaches the caller as its own [`HookErrorKind`].
//! - rhai checks the value an index or property assignment stores, not the container it lands
//!   in; an `on_var` callback checks a variable's whole value at each access, so containers
//!   cannot be grown past the size limits one assignment at a time.
//! - Each compile and call runs on its own short-lived thread whose stack is sized from the
//!   container limits. Rhai compares, formats, clones and drops nested arrays and maps
//!   recursively, and the size limits bound nesting only to `max_array_size + max_map_size`
//!   levels; on a default 2 MiB stack a script nesting arrays 1 500 deep would abort the whole
//!   process. The thread also keeps hooks independent of the caller's stack.
//!
//! # Invariants
//!
//! Nothing here panics on any script text or any argument. A panic inside rhai itself (a rhai
//! bug) stays on the hook's thread and comes back as a [`HookErrorKind::Runtime`] error.

use std::collections::BTreeMap;
use std::time::Duration;

use rhai::{AST, CallFnOptions, Dynamic, Engine, Position, Scope};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, FileId, Span};

mod report;
mod sandbox;
mod value;

#[cfg(test)]
mod tests;

/// A value passed to or returned from a hook (deterministic, no rhai types leak out).
///
/// Numbers are exact decimals: rhai integers returned by a script become [`HookValue::Num`], and
/// arguments are always passed to scripts as decimals. Map keys are sorted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HookValue {
    /// rhai's `()`.
    Unit,
    /// A boolean.
    Bool(bool),
    /// An exact decimal number.
    Num(Decimal),
    /// A string (a rhai character also comes back as a one-character string).
    Text(String),
    /// A rhai array.
    List(Vec<HookValue>),
    /// A rhai object map, keys sorted.
    Map(BTreeMap<String, HookValue>),
}

/// Resource limits for every call of every hook in one [`Hooks`].
///
/// `Default` gives: 100 000 operations, call depth 16, string 64 KiB, array 10 000, map 10 000,
/// wall clock 1 s. Fixed for all hooks: expression depth 64 at top level and 32 inside functions,
/// 256 variables in scope, 64 functions per script, and nesting of hook values (arguments and
/// return values) at most 64 levels.
///
/// A zero `max_string_size`, `max_array_size` or `max_map_size` is treated as 1, because zero
/// means "unlimited" to rhai; `max_operations: 0` lets a hook perform no operation at all.
///
/// The array and map limits count nested elements too, so together they also bound how deeply
/// a script can nest containers. Each call's thread reserves (virtual) stack in proportion:
/// 16 MiB plus 4 KiB per allowed nesting level (16 KiB in debug builds), about 96 MiB with the
/// defaults (330 MiB in debug builds), capped at 1 GiB. Only pages a script actually uses are
/// committed, and they are released when the call ends.
#[derive(Clone, Debug)]
pub struct HookLimits {
    /// Operations (statements, expressions, function calls, loop iterations) per call.
    pub max_operations: u64,
    /// Depth of nested function calls, the entry function included.
    pub max_call_levels: usize,
    /// Largest string, in bytes, counting every string inside arrays and maps.
    pub max_string_size: usize,
    /// Largest array, counting the elements of nested arrays.
    pub max_array_size: usize,
    /// Largest object map, counting the entries of nested maps.
    pub max_map_size: usize,
    /// Time a call may run, measured from the start of the call.
    pub wall_clock: Duration,
}

impl Default for HookLimits {
    fn default() -> HookLimits {
        HookLimits {
            max_operations: 100_000,
            max_call_levels: 16,
            max_string_size: 64 * 1024,
            max_array_size: 10_000,
            max_map_size: 10_000,
            wall_clock: Duration::from_secs(1),
        }
    }
}

/// Identifies one compiled hook script in its [`Hooks`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HookId(pub u32);

/// The sandboxed engine and every hook of one workflow, compiled once and reused (`Send + Sync`).
///
/// Each compile and each call runs on a fresh thread with a large stack (see [`HookLimits`]);
/// that costs about 25 to 45 µs per call, against about 1 µs for a small guard itself.
///
/// ```
/// use thidua::diag::SourceMap;
/// use thidua::hooks::{HookLimits, HookValue, Hooks};
///
/// let text = "fn guard(p) { p.score >= 90 }";
/// let mut sources = SourceMap::new();
/// let file = sources.add("hooks/guard.rhai", text);
/// let mut hooks = Hooks::new(HookLimits::default());
/// let id = hooks.compile("hooks/guard.rhai", text, file, "guard", 1).unwrap();
/// let p = HookValue::Map([("score".to_string(), HookValue::Num(95.into()))].into());
/// assert_eq!(hooks.call(id, vec![p]), Ok(HookValue::Bool(true)));
/// ```
#[derive(Debug)]
pub struct Hooks {
    engine: Engine,
    limits: HookLimits,
    /// Stack size of the thread each compile and call runs on.
    stack_size: usize,
    hooks: Vec<Compiled>,
}

/// One compiled script.
#[derive(Debug)]
struct Compiled {
    name: String,
    file: FileId,
    /// The script text, to turn rhai positions into spans.
    text: String,
    ast: AST,
    entry: String,
    arity: usize,
    /// The entry function's name in `text` (best effort), for errors that have no position.
    entry_span: Span,
}

// Hooks are shared across threads by the workflow engine; this fails to compile if rhai's
// `sync` feature is lost.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Hooks>();
};

impl Hooks {
    /// A sandboxed engine with these limits and no hooks yet.
    pub fn new(limits: HookLimits) -> Hooks {
        let engine = sandbox::engine(&limits);
        let stack_size = sandbox::stack_size(&limits);
        Hooks { engine, limits, stack_size, hooks: Vec::new() }
    }

    /// Compile a script.
    ///
    /// `name` is the path as written by the user (shown in errors), `file` its id in the
    /// `SourceMap` (the caller has added `text` there), `entry` the function the script must
    /// define and `arity` its number of parameters.
    ///
    /// # Errors
    ///
    /// A [`Diagnostic`] located in the script: `hook::syntax` for syntax errors (and for uses of
    /// `eval`, `import`, `try`/`catch`, variables that are not parameters or locals, or scripts
    /// beyond the fixed size limits), `hook::missing_function` when `entry` is not defined or
    /// takes a different number of parameters.
    #[expect(
        clippy::result_large_err,
        reason = "the workflow checker collects these diagnostics by value; this runs once per hook"
    )]
    pub fn compile(
        &mut self,
        name: &str,
        text: &str,
        file: FileId,
        entry: &str,
        arity: usize,
    ) -> Result<HookId, Diagnostic> {
        let engine = &self.engine;
        let ast = match sandbox::isolated(self.stack_size, || engine.compile(text)) {
            Ok(Ok(ast)) => ast,
            Ok(Err(err)) => return Err(report::syntax_error(name, text, file, &err)),
            Err(failure) => {
                return Err(Diagnostic::error(
                    "hook::internal",
                    Span::new(file, 0, 0),
                    format!("hook `{name}` could not be compiled: {failure}"),
                )
                .with_help("this is a bug in thidua or rhai; please report it"));
            }
        };

        let entry_span = report::find_fn(text, file, entry);
        let mut arities: Vec<usize> = ast
            .iter_functions()
            .filter(|f| f.name == entry && f.this_type.is_none())
            .map(|f| f.params.len())
            .collect();
        arities.sort_unstable();
        arities.dedup();
        if arities.is_empty() {
            let defined: Vec<String> =
                ast.iter_functions().map(|f| format!("`{}`", f.name)).collect();
            return Err(report::missing_function(name, file, entry, arity, &defined));
        }
        if !arities.contains(&arity) {
            return Err(report::wrong_arity(name, entry_span, entry, arity, &arities));
        }

        let id = u32::try_from(self.hooks.len()).map_err(|_| {
            Diagnostic::error(
                "hook::internal",
                Span::new(file, 0, 0),
                format!("too many hooks: `{name}` cannot be added"),
            )
        })?;
        self.hooks.push(Compiled {
            name: name.to_string(),
            file,
            text: text.to_string(),
            ast,
            entry: entry.to_string(),
            arity,
            entry_span,
        });
        Ok(HookId(id))
    }

    /// Call the hook's entry function with arguments.
    ///
    /// Stateless between calls: each call gets a fresh scope, and scripts cannot keep state
    /// between calls. Safe to use from several threads at once.
    ///
    /// # Errors
    ///
    /// A [`HookError`] when a limit is hit, the script fails or throws, the arguments do not
    /// match the entry function, or the script returns a value [`HookValue`] cannot hold.
    pub fn call(&self, id: HookId, args: Vec<HookValue>) -> Result<HookValue, HookError> {
        let Some(hook) = self.hook(id) else {
            return Err(HookError {
                hook: format!("#{}", id.0),
                span: Span::default(),
                kind: HookErrorKind::Runtime(format!("no hook has id {}", id.0)),
            });
        };
        if args.len() != hook.arity {
            return Err(hook.error(
                Position::NONE,
                HookErrorKind::BadValue(format!(
                    "`{}` takes {} argument{}, but {} were given",
                    hook.entry,
                    hook.arity,
                    if hook.arity == 1 { "" } else { "s" },
                    args.len()
                )),
            ));
        }
        match sandbox::isolated(self.stack_size, || self.run(hook, args)) {
            Ok(result) => result,
            Err(failure) => Err(hook.error(
                Position::NONE,
                HookErrorKind::Runtime(format!("internal error in the hook engine: {failure}")),
            )),
        }
    }

    /// The user-written name of a hook (empty for an id this `Hooks` did not hand out).
    pub fn name(&self, id: HookId) -> &str {
        self.hook(id).map_or("", |h| h.name.as_str())
    }

    fn hook(&self, id: HookId) -> Option<&Compiled> {
        self.hooks.get(usize::try_from(id.0).ok()?)
    }

    /// One call, on the current thread (the caller has given it a large stack).
    fn run(&self, hook: &Compiled, args: Vec<HookValue>) -> Result<HookValue, HookError> {
        let args = args
            .into_iter()
            .enumerate()
            .map(|(i, arg)| {
                value::to_dynamic(arg).map_err(|why| {
                    hook.error(
                        Position::NONE,
                        HookErrorKind::BadValue(format!("argument {} {why}", i + 1)),
                    )
                })
            })
            .collect::<Result<Vec<Dynamic>, HookError>>()?;

        let guard = sandbox::CallGuard::start(&self.limits);
        let result = self.engine.call_fn_with_options::<Dynamic>(
            CallFnOptions::new().eval_ast(false).rewind_scope(true),
            &mut Scope::new(),
            &hook.ast,
            &hook.entry,
            args,
        );
        let tripped = guard.finish();

        match (tripped, result) {
            // A limit recorded by `on_progress` wins over whatever the script made of it.
            (Some(trip), result) => {
                let position = match result {
                    Ok(_) => Position::NONE,
                    Err(err) => report::classify(*err).1,
                };
                Err(hook.error(position, trip.kind()))
            }
            (None, Err(err)) => {
                let (kind, position) = report::classify(*err);
                Err(hook.error(position, kind))
            }
            (None, Ok(out)) => value::from_dynamic(out).map_err(|why| {
                hook.error(
                    Position::NONE,
                    HookErrorKind::BadValue(format!("`{}` returned {why}", hook.entry)),
                )
            }),
        }
    }
}

impl Compiled {
    /// An error of this hook at a rhai position (the entry function when there is none).
    fn error(&self, position: Position, kind: HookErrorKind) -> HookError {
        let span = report::line_span(&self.text, self.file, position).unwrap_or(self.entry_span);
        HookError { hook: self.name.clone(), span, kind }
    }
}

/// Why a hook failed. Limit violations are never catchable by the script.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("hook `{hook}` failed: {kind}")]
pub struct HookError {
    /// The user-written name of the hook.
    pub hook: String,
    /// Where in the script, best effort: from the failing position to the end of its line, or
    /// the entry function's name when rhai reports no position.
    pub span: Span,
    /// What went wrong.
    pub kind: HookErrorKind,
}

/// What went wrong in a hook.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HookErrorKind {
    /// The operation limit (`max_operations`) was reached.
    #[error("it performed too many operations")]
    TooManyOperations,
    /// The wall-clock limit (`wall_clock`) was reached.
    #[error("it ran out of time")]
    Timeout,
    /// Function calls nested deeper than `max_call_levels`.
    #[error("its function calls nested too deeply")]
    TooDeep,
    /// A string, array or map grew past its limit, or too many variables were in scope.
    #[error("it built a value that is too large")]
    TooLarge,
    /// The script failed, or threw a value (the message is the thrown string or value).
    #[error("{0}")]
    Runtime(String),
    /// An argument or the returned value cannot be passed between thidua and the script.
    #[error("{0}")]
    BadValue(String),
}

impl HookError {
    /// This error as a diagnostic: code `hook::limit` for limits, `hook::runtime` otherwise. The
    /// message names the hook; the help says which limit was hit and what to do about it.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let hook = &self.hook;
        let (code, message, label, help) = match &self.kind {
            HookErrorKind::TooManyOperations => (
                "hook::limit",
                format!("hook `{hook}` performed too many operations"),
                "operation limit reached here",
                String::from(
                    "a hook call may perform only a limited number of operations \
                     (`max_operations`); look for a loop that never ends, or do less work per call",
                ),
            ),
            HookErrorKind::Timeout => (
                "hook::limit",
                format!("hook `{hook}` ran out of time"),
                "still running here when time ran out",
                String::from(
                    "a hook call must finish within its time limit (`wall_clock`); look for a \
                     loop that never ends, or do less work per call",
                ),
            ),
            HookErrorKind::TooDeep => (
                "hook::limit",
                format!("hook `{hook}` nested function calls too deeply"),
                "call depth limit reached here",
                String::from(
                    "function calls may nest only a few levels (`max_call_levels`); look for \
                     recursion that never stops, or use a loop instead",
                ),
            ),
            HookErrorKind::TooLarge => (
                "hook::limit",
                format!("hook `{hook}` built a value that is too large"),
                "size limit reached here",
                String::from(
                    "strings (`max_string_size`), arrays (`max_array_size`), maps \
                     (`max_map_size`) and the number of variables are limited; build smaller \
                     values",
                ),
            ),
            HookErrorKind::Runtime(why) => (
                "hook::runtime",
                format!("hook `{hook}` failed: {why}"),
                "failed here",
                String::from(
                    "the script stopped with this error; fix the script or the data it was given",
                ),
            ),
            HookErrorKind::BadValue(why) => (
                "hook::runtime",
                format!("hook `{hook}` failed: {why}"),
                "here",
                String::from(
                    "hooks take and return only `()`, booleans, numbers, strings, arrays and \
                     maps, nested at most 64 levels",
                ),
            ),
        };
        Diagnostic::error(code, self.span, message).with_label(label).with_help(help)
    }
}
