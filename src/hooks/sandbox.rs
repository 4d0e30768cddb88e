//! The rhai engine hooks run in, the per-call record that enforces the operation and wall-clock
//! limits, and the thread each compile and call runs on.
//!
//! INVARIANT: `on_progress` reads and writes only the current thread's [`CALL`] record, which
//! [`CallGuard`] installs for the duration of one call; calls on other threads never see it.

use std::any::Any;
use std::cell::Cell;
use std::cmp::Ordering;
use std::fmt;
use std::time::Instant;

use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicFnPackage, BasicIteratorPackage, BasicMapPackage,
    BasicMathPackage, BasicStringPackage, LogicPackage, MoreStringPackage, Package,
};
use rhai::{
    Array, Dynamic, Engine, EvalAltResult, EvalContext, FnPtr, NativeCallContext,
    OptimizationLevel, Position,
};

use super::{HookErrorKind, HookLimits};

/// Expression nesting allowed at top level.
const MAX_EXPR_DEPTH: usize = 64;
/// Expression nesting allowed inside functions.
const MAX_FN_EXPR_DEPTH: usize = 32;
/// Variables in scope at once.
const MAX_VARIABLES: usize = 256;
/// Functions one script may define.
const MAX_FUNCTIONS: usize = 64;

/// Look at the clock once every this many operations.
const CLOCK_EVERY: u64 = 32;

/// Stack for rhai's own recursion (bounded by the call and expression depth limits).
const BASE_STACK: usize = 16 << 20;
/// Stack per level of container nesting: twice the measured worst cases (comparing or
/// formatting nested arrays and maps), about 8.5 KiB per level in debug builds and 2 KiB in
/// release builds.
const STACK_PER_LEVEL: usize = if cfg!(debug_assertions) { 16 << 10 } else { 4 << 10 };
/// Largest stack we reserve.
const MAX_STACK: usize = 1 << 30;

/// Symbols scripts may not use: `eval` runs code from strings, `try`/`catch` would let a script
/// catch errors that rhai wraps around limit violations, and `this` reaches a container without
/// the variable access that [`check_variable`] watches.
const DISABLED_SYMBOLS: [&str; 4] = ["eval", "try", "catch", "this"];

/// The sandboxed engine for these limits.
pub(super) fn engine(limits: &HookLimits) -> Engine {
    let mut engine = Engine::new_raw();

    // Not `LanguageCorePackage` (it has `sleep`, which blocks without counting operations, and
    // `exit`), not the time, blob or bit-field packages.
    ArithmeticPackage::new().register_into_engine(&mut engine);
    LogicPackage::new().register_into_engine(&mut engine);
    BasicStringPackage::new().register_into_engine(&mut engine);
    MoreStringPackage::new().register_into_engine(&mut engine);
    BasicArrayPackage::new().register_into_engine(&mut engine);
    BasicMapPackage::new().register_into_engine(&mut engine);
    BasicMathPackage::new().register_into_engine(&mut engine);
    BasicIteratorPackage::new().register_into_engine(&mut engine);
    BasicFnPackage::new().register_into_engine(&mut engine);

    // rhai's `sort` and `dedup` with a comparator ignore the comparator's errors, limit
    // violations included. Functions registered on the engine take precedence over packages.
    engine.register_fn("sort", sort_by);
    engine.register_fn("sort_by", sort_by);
    engine.register_fn("dedup", dedup_by);

    // Every limit explicitly: rhai's defaults differ between debug and release builds, and zero
    // means unlimited to rhai. The operation limit proper is enforced in `progress`, one
    // operation before rhai's own check, so that it is recorded.
    engine
        .set_max_operations(limits.max_operations.saturating_add(1))
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(MAX_EXPR_DEPTH, MAX_FN_EXPR_DEPTH)
        .set_max_string_size(limits.max_string_size.max(1))
        .set_max_array_size(limits.max_array_size.max(1))
        .set_max_map_size(limits.max_map_size.max(1))
        .set_max_variables(MAX_VARIABLES)
        .set_max_functions(MAX_FUNCTIONS)
        .set_strict_variables(true)
        .set_optimization_level(OptimizationLevel::Simple);
    for symbol in DISABLED_SYMBOLS {
        engine.disable_symbol(symbol);
    }
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});
    engine.on_progress(progress);
    #[expect(deprecated, reason = "rhai marks `on_var` as volatile, not as going away")]
    engine.on_var(check_variable);
    engine
}

/// The stack each compile and call thread gets for these limits.
pub(super) fn stack_size(limits: &HookLimits) -> usize {
    // Every nesting level of arrays and maps adds an element to one of them, and rhai counts
    // nested elements against the limits, so these bound the nesting depth.
    let levels = limits.max_array_size.max(1).saturating_add(limits.max_map_size.max(1));
    BASE_STACK.saturating_add(levels.saturating_mul(STACK_PER_LEVEL)).min(MAX_STACK)
}

/// Why a run on a separate thread produced no result.
#[derive(Debug)]
pub(super) enum Failure {
    /// The thread could not be started.
    Spawn(std::io::Error),
    /// The code panicked (a bug in rhai or here).
    Panic(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Spawn(err) => write!(f, "could not start a thread for the hook: {err}"),
            Failure::Panic(msg) => write!(f, "panic: {msg}"),
        }
    }
}

/// Run `work` on a new thread with a stack of `stack` bytes and wait for it. A panic stays on
/// that thread and comes back as [`Failure::Panic`].
pub(super) fn isolated<T: Send>(
    stack: usize,
    work: impl FnOnce() -> T + Send,
) -> Result<T, Failure> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name(String::from("thidua-hook"))
            .stack_size(stack)
            .spawn_scoped(scope, work)
            .map_err(Failure::Spawn)?;
        handle.join().map_err(|payload| Failure::Panic(panic_message(payload.as_ref())))
    })
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        String::from("unknown panic")
    }
}

/// A limit `on_progress` enforces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Trip {
    /// More than `max_operations` operations.
    Operations,
    /// Past the deadline.
    Timeout,
}

impl Trip {
    /// The error kind for this limit.
    pub(super) fn kind(self) -> HookErrorKind {
        match self {
            Trip::Operations => HookErrorKind::TooManyOperations,
            Trip::Timeout => HookErrorKind::Timeout,
        }
    }
}

/// The running call's limits and whether one was hit.
#[derive(Clone, Copy, Debug)]
struct CallState {
    /// `None` when the wall clock is too long to represent (no deadline).
    deadline: Option<Instant>,
    max_operations: u64,
    tripped: Option<Trip>,
}

thread_local! {
    /// The call running on this thread, if any.
    static CALL: Cell<Option<CallState>> = const { Cell::new(None) };
}

/// Installs this thread's call record for one call, and removes it when dropped.
#[derive(Debug)]
pub(super) struct CallGuard {
    previous: Option<CallState>,
}

impl CallGuard {
    /// Start the clock and the operation count for a call on this thread.
    pub(super) fn start(limits: &HookLimits) -> CallGuard {
        let state = CallState {
            deadline: Instant::now().checked_add(limits.wall_clock),
            max_operations: limits.max_operations,
            tripped: None,
        };
        CallGuard { previous: CALL.with(|call| call.replace(Some(state))) }
    }

    /// End the call: which limit, if any, was hit.
    pub(super) fn finish(self) -> Option<Trip> {
        CALL.with(|call| call.get().and_then(|state| state.tripped))
    }
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        CALL.with(|call| call.set(self.previous));
    }
}

/// The value `on_progress` stops a script with (rhai's `ErrorTerminated`).
const STOP_TOKEN: &str = "thidua: hook limit reached";

/// rhai's `on_progress` callback: called with the operation count before every operation.
/// Once a limit trips, every later operation is refused as well.
fn progress(operations: u64) -> Option<Dynamic> {
    CALL.with(|call| {
        let mut state = call.get()?;
        if state.tripped.is_none() {
            if operations > state.max_operations {
                state.tripped = Some(Trip::Operations);
            } else if operations.is_multiple_of(CLOCK_EVERY)
                && state.deadline.is_some_and(|deadline| Instant::now() >= deadline)
            {
                state.tripped = Some(Trip::Timeout);
            }
            call.set(Some(state));
        }
        state.tripped.map(|_| Dynamic::from(STOP_TOKEN))
    })
}

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

/// rhai's `on_var` callback, called before every variable access: refuse the access if the
/// variable's value is over a size limit.
///
/// rhai checks the value assigned by `m[key] = value` or `m.key = value`, but not the container
/// it lands in, so repeated assignments grow a map (or fill an array with large elements) past
/// every limit: a 100 000-operation loop reaches about 450 MB. Growing a container needs an
/// access to its variable (`this` is disabled), so checking at each access lets a container
/// exceed its limit by at most the one element assigned last. The check walks the value, like
/// rhai's own checks after `push` and friends.
fn check_variable(
    name: &str,
    _index: usize,
    ctx: EvalContext<'_, '_, '_, '_, '_, '_>,
) -> RhaiResult<Option<Dynamic>> {
    if let Some(value) = ctx.scope().get(name) {
        // Values captured by closures are shared; a value locked by the running statement is
        // checked at its next access.
        if let Some(value) = value.read_lock::<Dynamic>() {
            ctx.engine().ensure_data_size_within_limits(&value)?;
        }
    }
    Ok(None)
}

/// `array.sort(comparer)`: a stable merge sort that stops at the comparer's first error.
///
/// The comparer returns a number (negative, zero, positive) or a boolean (`true`: the first
/// argument comes first), as with rhai's own `sort`.
fn sort_by(ctx: NativeCallContext<'_>, array: &mut Array, comparer: FnPtr) -> RhaiResult<()> {
    let mut compare = |a: &Dynamic, b: &Dynamic| -> RhaiResult<Ordering> {
        let result = comparer.call_raw(&ctx, None, [a.clone(), b.clone()])?;
        ordering(&result).ok_or_else(|| {
            Box::new(EvalAltResult::ErrorRuntime(
                Dynamic::from(format!(
                    "the comparer given to `sort` returned a `{}`; it must return a number or a \
                     boolean",
                    result.type_name()
                )),
                Position::NONE,
            ))
        })
    };
    *array = merge_sort(std::mem::take(array), &mut compare)?;
    Ok(())
}

fn ordering(value: &Dynamic) -> Option<Ordering> {
    if let Ok(n) = value.as_int() {
        Some(n.cmp(&0))
    } else if let Ok(d) = value.as_decimal() {
        Some(d.cmp(&rust_decimal::Decimal::ZERO))
    } else if let Ok(first) = value.as_bool() {
        Some(if first { Ordering::Less } else { Ordering::Greater })
    } else {
        None
    }
}

/// Top-down merge sort: never panics whatever the comparer does, recursion depth `log2(len)`.
fn merge_sort(
    mut items: Array,
    compare: &mut impl FnMut(&Dynamic, &Dynamic) -> RhaiResult<Ordering>,
) -> RhaiResult<Array> {
    if items.len() <= 1 {
        return Ok(items);
    }
    let right = items.split_off(items.len() / 2);
    let left = merge_sort(items, compare)?;
    let right = merge_sort(right, compare)?;

    let mut merged = Array::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    while let (Some(l), Some(r)) = (left.peek(), right.peek()) {
        let take_right = compare(r, l)? == Ordering::Less;
        merged.extend(if take_right { right.next() } else { left.next() });
    }
    merged.extend(left);
    merged.extend(right);
    Ok(merged)
}

/// `array.dedup(comparer)`: drop each element the comparer finds equal to the last one kept,
/// stopping at the comparer's first error (rhai's own version ignores errors).
fn dedup_by(ctx: NativeCallContext<'_>, array: &mut Array, comparer: FnPtr) -> RhaiResult<()> {
    let mut kept = Array::with_capacity(array.len());
    for item in std::mem::take(array) {
        if let Some(last) = kept.last() {
            let same = comparer.call_raw(&ctx, None, [last.clone(), item.clone()])?;
            if same.as_bool().unwrap_or(false) {
                continue;
            }
        }
        kept.push(item);
    }
    *array = kept;
    Ok(())
}
