//! Tests for the hook sandbox: every limit, every refused feature, error locations, value
//! conversions, determinism and concurrent use.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::diag::SourceMap;

const NAME: &str = "hooks/test.rhai";

fn num(s: &str) -> HookValue {
    HookValue::Num(s.parse::<Decimal>().unwrap())
}

fn text(s: &str) -> HookValue {
    HookValue::Text(s.to_string())
}

fn map(entries: &[(&str, HookValue)]) -> HookValue {
    HookValue::Map(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}

/// Compile `script` with these limits; panics with the diagnostic if it does not compile.
fn compile_with(limits: HookLimits, script: &str, entry: &str, arity: usize) -> (Hooks, HookId) {
    let mut sources = SourceMap::new();
    let file = sources.add(NAME, script);
    let mut hooks = Hooks::new(limits);
    let id = hooks
        .compile(NAME, script, file, entry, arity)
        .unwrap_or_else(|d| panic!("{}: {}", d.code, d.message));
    (hooks, id)
}

/// Compile and call `fn f()` with these limits.
fn call_with(limits: HookLimits, script: &str) -> Result<HookValue, HookError> {
    let (hooks, id) = compile_with(limits, script, "f", 0);
    hooks.call(id, Vec::new())
}

/// Compile and call `fn f()` with the default limits.
fn call(script: &str) -> Result<HookValue, HookError> {
    call_with(HookLimits::default(), script)
}

/// Compile and call `fn f()`, expecting an error of this kind.
fn fails_with(script: &str, kind: HookErrorKind) -> HookError {
    let err = call(script).expect_err(script);
    assert_eq!(err.kind, kind, "{script}");
    err
}

/// Compile a script that must not compile; the diagnostic and the map holding the script.
fn compile_error(script: &str, entry: &str, arity: usize) -> (Diagnostic, SourceMap) {
    let mut sources = SourceMap::new();
    let file = sources.add(NAME, script);
    let mut hooks = Hooks::new(HookLimits::default());
    let diag = hooks.compile(NAME, script, file, entry, arity).expect_err(script);
    assert_eq!(diag.span.file, file);
    (diag, sources)
}

/// The 1-based character column of the first `needle` in `line` of `script`.
fn column_of(script: &str, line: usize, needle: &str) -> usize {
    let line_text = script.lines().nth(line - 1).unwrap();
    let byte = line_text.find(needle).unwrap();
    line_text.get(..byte).unwrap().chars().count() + 1
}

// ---------------------------------------------------------------------------------------------
// Limits

#[test]
fn loop_forever_stops_at_the_operation_limit() {
    let started = Instant::now();
    let err = fails_with("fn f() { loop {} }", HookErrorKind::TooManyOperations);
    // Stopped by counting, not by the clock (which has its own test below); the bound only
    // shows it did not hang, with room for a loaded machine running a debug build.
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    assert_eq!(err.hook, NAME);
    let diag = err.to_diagnostic();
    assert_eq!(diag.code, "hook::limit");
    assert!(diag.message.contains(NAME));
    assert!(diag.help.unwrap().contains("max_operations"));
}

#[test]
fn wall_clock_stops_a_loop_with_a_huge_operation_budget() {
    let limits = HookLimits {
        max_operations: u64::MAX,
        wall_clock: Duration::from_millis(50),
        ..HookLimits::default()
    };
    let started = Instant::now();
    let err = call_with(limits, "fn f() { let n = 0; loop { n += 1; } }").unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.kind, HookErrorKind::Timeout);
    assert!(took >= Duration::from_millis(50), "took {took:?}");
    assert!(took < Duration::from_secs(1), "took {took:?}");
    let diag = err.to_diagnostic();
    assert_eq!(diag.code, "hook::limit");
    assert!(diag.help.unwrap().contains("wall_clock"));
}

#[test]
fn zero_operations_allows_nothing() {
    let limits = HookLimits { max_operations: 0, ..HookLimits::default() };
    let err = call_with(limits, "fn f() { 1 + 1 }").unwrap_err();
    assert_eq!(err.kind, HookErrorKind::TooManyOperations);
}

#[test]
fn unbounded_recursion_is_too_deep() {
    let script = "fn f() { g(0) }\nfn g(n) {\n    g(n + 1)\n}";
    let err = fails_with(script, HookErrorKind::TooDeep);
    assert_eq!(err.to_diagnostic().code, "hook::limit");
    assert!(err.to_diagnostic().help.unwrap().contains("max_call_levels"));
}

#[test]
fn recursion_within_the_call_limit_works() {
    let script = "fn f() { fact(10) }\nfn fact(n) { if n <= 1 { 1 } else { n * fact(n - 1) } }";
    assert_eq!(call(script), Ok(num("3628800")));
}

#[test]
fn string_doubling_is_too_large() {
    let err = fails_with("fn f() { let s = \"ab\"; loop { s += s; } }", HookErrorKind::TooLarge);
    assert!(err.to_diagnostic().help.unwrap().contains("max_string_size"));
}

#[test]
fn string_padding_is_too_large() {
    fails_with("fn f() { let s = \"x\"; s.pad(1099511627776, \"y\"); s }", HookErrorKind::TooLarge);
}

#[test]
fn array_growth_is_too_large() {
    fails_with("fn f() { let a = []; loop { a.push(1); } }", HookErrorKind::TooLarge);
    fails_with("fn f() { let a = []; a.pad(1099511627776, 0); a }", HookErrorKind::TooLarge);
}

#[test]
fn map_growth_is_too_large() {
    // Enough operations and time that the map limit (10 000 entries) is what stops it: every
    // access checks the whole map, so growing it one key at a time is quadratic (about 1 s in
    // debug builds, 0.1 s in release).
    let limits = HookLimits {
        max_operations: 10_000_000,
        wall_clock: Duration::from_secs(60),
        ..HookLimits::default()
    };
    let started = Instant::now();
    let err = call_with(
        limits.clone(),
        "fn f() { let m = #{}; for i in 0..20000 { m.set(`k${i}`, i); } m }",
    )
    .unwrap_err();
    assert_eq!(err.kind, HookErrorKind::TooLarge, "after {:?}", started.elapsed());
    // rhai itself does not check the map an index assignment adds a key to; we do.
    let err =
        call_with(limits, "fn f() { let m = #{}; let i = 0; loop { m[`k${i}`] = i; i += 1; } }")
            .unwrap_err();
    assert_eq!(err.kind, HookErrorKind::TooLarge, "after {:?}", started.elapsed());
}

#[test]
fn containers_filled_by_assignment_are_too_large() {
    // Each element is within the limits, the container is not: unchecked, the first loop
    // allocates about 450 MB within the default operation limit.
    let big = "let s = \"x\"; s.pad(60000, \"y\");";
    for script in [
        format!(
            "fn f() {{ {big} let m = #{{}}; let i = 0; loop {{ m[`${{i}}`] = s + i; i += 1; }} }}"
        ),
        format!(
            "fn f() {{ {big} let m = #{{ a: #{{}} }}; let i = 0; loop {{ m.a[`${{i}}`] = s + i; i += 1; }} }}"
        ),
        format!(
            "fn f() {{ {big} let a = []; a.pad(1000, ()); for i in 0..1000 {{ a[i] = s + i; }} }}"
        ),
        format!(
            "fn f() {{ {big} let m = #{{}}; let g = || m; let i = 0; loop {{ m[`${{i}}`] = s + i; i += 1; }} }}"
        ),
    ] {
        let err = call(&script).unwrap_err();
        assert_eq!(err.kind, HookErrorKind::TooLarge, "{script}");
    }
}

#[test]
fn methods_on_this_are_refused_at_compile_time() {
    let (diag, _) =
        compile_error("fn fill() { this.x = 1; }\nfn f() { let m = #{}; m.fill(); m }", "f", 0);
    assert_eq!(diag.code, "hook::syntax");
    assert!(diag.message.contains("`this` is not available in hooks"), "{}", diag.message);
}

#[test]
fn too_many_variables_is_too_large() {
    let lets: String = (0..300).map(|i| format!("let v{i} = {i};\n")).collect();
    fails_with(&format!("fn f() {{\n{lets}1 }}"), HookErrorKind::TooLarge);
}

#[test]
fn deep_container_nesting_does_not_overflow_the_stack() {
    // Comparing and printing nested arrays recurses about 8 KiB of stack per level in debug
    // builds: 2 500 levels would abort a default 2 MiB thread. Each call has its own large stack.
    let limits = HookLimits {
        max_operations: 100_000_000,
        wall_clock: Duration::from_secs(60),
        ..HookLimits::default()
    };
    let script = "fn f() {
        let a = [];
        for i in 0..2500 { a = [a]; }
        let m = #{};
        for i in 0..2000 { m = #{ x: m }; }
        let c = [];
        for i in 0..1000 { c = [#{ x: c }]; }
        a == a && m == m && c == c && a.to_string().len() > 0 && `${m}`.len() > 0
    }";
    assert_eq!(call_with(limits, script), Ok(HookValue::Bool(true)));
}

#[test]
fn nesting_up_to_the_size_limits_ends_with_a_limit_not_a_crash() {
    let script = "fn f() { let a = []; loop { a = [a]; if a != a { return 0; } } }";
    let err = call(script).unwrap_err();
    assert!(matches!(err.kind, HookErrorKind::TooLarge | HookErrorKind::Timeout), "{:?}", err.kind);
}

// ---------------------------------------------------------------------------------------------
// Limits cannot be caught or swallowed

#[test]
fn try_catch_is_refused_at_compile_time() {
    let (diag, sources) = compile_error("fn f() {\n    try { loop {} } catch {}\n}", "f", 0);
    assert_eq!(diag.code, "hook::syntax");
    assert!(diag.message.contains("`try` is not available in hooks"), "{}", diag.message);
    assert_eq!(sources.slice(diag.span), "t");
    assert_eq!(sources.location(diag.span).line, 2);
    assert!(diag.help.unwrap().contains("cannot catch errors"));
}

#[test]
fn limits_inside_closures_keep_their_kind() {
    // rhai wraps errors from closures called by `map` & co. in catchable "error in function
    // call" layers; we report the innermost error.
    fails_with("fn f() { [1, 2].map(|x| { loop {} }) }", HookErrorKind::TooManyOperations);
    fails_with("fn f() { [1].map(|x| g(x)) }\nfn g(x) { g(x) }", HookErrorKind::TooDeep);
    fails_with(
        "fn f() { [1].filter(|x| { let s = \"ab\"; loop { s += s; } }) }",
        HookErrorKind::TooLarge,
    );
}

#[test]
fn limits_inside_sort_and_dedup_comparators_are_not_swallowed() {
    // rhai's own `sort` and `dedup` ignore comparator errors; ours pass them on, and the
    // operation limit is sticky in any case.
    fails_with(
        "fn f() { let a = [3, 1, 2]; a.sort(|x, y| { loop {} }); a }",
        HookErrorKind::TooManyOperations,
    );
    fails_with(
        "fn f() { let a = [3, 1, 2]; a.sort(|x, y| { let s = \"ab\"; loop { s += s; } }); a }",
        HookErrorKind::TooLarge,
    );
    fails_with(
        "fn f() { let a = [1, 1]; a.dedup(|x, y| g(x)); a }\nfn g(x) { g(x) }",
        HookErrorKind::TooDeep,
    );
    let err = fails_with(
        "fn f() { let a = [1, 2]; a.sort(|x, y| \"no\"); a }",
        HookErrorKind::Runtime(String::from(
            "the comparer given to `sort` returned a `string`; it must return a number or a boolean",
        )),
    );
    assert_eq!(err.to_diagnostic().code, "hook::runtime");
}

#[test]
fn timeout_inside_a_comparator_is_not_swallowed() {
    let limits = HookLimits {
        max_operations: u64::MAX,
        wall_clock: Duration::from_millis(50),
        ..HookLimits::default()
    };
    let err = call_with(limits, "fn f() { let a = [3, 1, 2]; a.sort(|x, y| { loop {} }); 7 }")
        .unwrap_err();
    assert_eq!(err.kind, HookErrorKind::Timeout);
}

#[test]
fn sort_and_dedup_with_comparators_work() {
    assert_eq!(
        call("fn f() { let a = [3, 1, 2, 1]; a.sort(|x, y| x - y); a }"),
        Ok(HookValue::List(vec![num("1"), num("1"), num("2"), num("3")]))
    );
    assert_eq!(
        call("fn f() { let a = [0.3, 0.1, 0.2]; a.sort(|x, y| y - x); a }"),
        Ok(HookValue::List(vec![num("0.3"), num("0.2"), num("0.1")]))
    );
    // Stable, with a boolean "comes first" comparer.
    assert_eq!(
        call(
            "fn f() { let a = [#{k: 2, n: \"a\"}, #{k: 1, n: \"b\"}, #{k: 2, n: \"c\"}];
             a.sort_by(|x, y| x.k < y.k); a.map(|x| x.n) }"
        ),
        Ok(HookValue::List(vec![text("b"), text("a"), text("c")]))
    );
    assert_eq!(
        call("fn f() { let a = [1, 1, 2, 3, 3, 1]; a.dedup(|x, y| x == y); a }"),
        Ok(HookValue::List(vec![num("1"), num("2"), num("3"), num("1")]))
    );
    assert_eq!(
        call("fn f() { let a = [3, 1, 2]; a.sort(); a }"),
        Ok(HookValue::List(vec![num("1"), num("2"), num("3")]))
    );
}

// ---------------------------------------------------------------------------------------------
// Refused features

#[test]
fn timestamp_is_unavailable() {
    let err = call("fn f() { timestamp() }").unwrap_err();
    let HookErrorKind::Runtime(msg) = &err.kind else { panic!("{err:?}") };
    assert!(msg.contains("function not found: timestamp"), "{msg}");
}

#[test]
fn sleep_exit_and_blobs_are_unavailable() {
    for script in ["fn f() { sleep(10) }", "fn f() { exit(1) }", "fn f() { blob(10) }"] {
        let err = call(script).unwrap_err();
        let HookErrorKind::Runtime(msg) = &err.kind else { panic!("{err:?}") };
        assert!(msg.contains("function not found"), "{script}: {msg}");
    }
}

#[test]
fn eval_is_refused_at_compile_time() {
    let (diag, sources) = compile_error("fn f() {\n    eval(\"1\")\n}", "f", 0);
    assert_eq!(diag.code, "hook::syntax");
    assert!(diag.message.contains("`eval` is not available in hooks"), "{}", diag.message);
    assert_eq!(sources.slice(diag.span), "e");
    assert_eq!(sources.location(diag.span).line, 2);
}

#[test]
fn import_is_refused_at_compile_time() {
    let (diag, _) = compile_error("import \"x\" as x;\nfn f() { 1 }", "f", 0);
    assert_eq!(diag.code, "hook::syntax");
    assert!(diag.message.contains("`import` is not available in hooks"), "{}", diag.message);
}

#[test]
fn globals_are_refused_so_calls_cannot_share_state() {
    let (diag, sources) =
        compile_error("let seen = 0;\nfn f() {\n    seen += 1;\n    seen\n}", "f", 0);
    assert_eq!(diag.code, "hook::syntax");
    assert!(diag.message.contains("undefined variable `seen`"), "{}", diag.message);
    assert_eq!(sources.location(diag.span).line, 3);
}

#[test]
fn calls_are_stateless() {
    let (hooks, id) =
        compile_with(HookLimits::default(), "fn f() { let n = 0; n += 1; n }", "f", 0);
    for _ in 0..3 {
        assert_eq!(hooks.call(id, Vec::new()), Ok(num("1")));
    }
}

#[test]
fn top_level_statements_never_run() {
    assert_eq!(call("loop {}\nfn f() { 1 }"), Ok(num("1")));
}

#[test]
fn print_and_debug_do_nothing() {
    assert_eq!(call("fn f() { print(\"x\"); debug(\"y\"); 1 }"), Ok(num("1")));
}

// ---------------------------------------------------------------------------------------------
// Compile errors

#[test]
fn syntax_error_is_located_at_its_line_and_column() {
    let script = "fn guard(p) {\n    let s = \"điểm thi đua\"; s +* 2\n}\n";
    let (diag, sources) = compile_error(script, "guard", 1);
    assert_eq!(diag.code, "hook::syntax");
    assert!(
        diag.message.starts_with("syntax error in hook `hooks/test.rhai`: "),
        "{}",
        diag.message
    );
    let loc = sources.location(diag.span);
    assert_eq!((loc.line, loc.column), (2, column_of(script, 2, "*")));
    assert_eq!(sources.slice(diag.span), "*");
}

#[test]
fn syntax_error_location_with_crlf_and_tabs() {
    let script = "fn guard(p) {\r\n\tlet x = 1;\r\n\tx +* 2\r\n}\r\n";
    let (diag, sources) = compile_error(script, "guard", 1);
    let loc = sources.location(diag.span);
    assert_eq!((loc.line, loc.column), (3, 5));
    assert_eq!(loc.column, column_of(script, 3, "*"));
    assert_eq!(sources.slice(diag.span), "*");
}

#[test]
fn missing_brace_is_reported_at_the_end_of_the_script() {
    let script = "// Broken on purpose: a missing closing brace.\nfn guard(p) {\n    if p.score > 90.0 { true\n";
    let (diag, sources) = compile_error(script, "guard", 1);
    assert_eq!(diag.code, "hook::syntax");
    assert!(sources.location(diag.span).line >= 3);
    assert!(diag.span.end as usize <= script.len());
}

#[test]
fn missing_entry_function() {
    let (diag, sources) = compile_error("fn check(p) { true }", "guard", 1);
    assert_eq!(diag.code, "hook::missing_function");
    assert_eq!(diag.message, "hook `hooks/test.rhai` does not define `fn guard`");
    let help = diag.help.unwrap();
    assert!(help.contains("1 parameter") && help.contains("`check`"), "{help}");
    assert_eq!(sources.location(diag.span).line, 1);
}

#[test]
fn wrong_arity() {
    let script = "// guard\nfn helper() { 1 }\nfn  guard (a, b) { true }";
    let (diag, sources) = compile_error(script, "guard", 1);
    assert_eq!(diag.code, "hook::missing_function");
    assert_eq!(
        diag.message,
        "`fn guard` in hook `hooks/test.rhai` takes 2 parameters, but must take 1 parameter"
    );
    assert_eq!(sources.slice(diag.span), "guard");
    assert_eq!(sources.location(diag.span).line, 3);
}

#[test]
fn overloads_with_the_right_arity_are_accepted() {
    let (hooks, id) =
        compile_with(HookLimits::default(), "fn guard() { false }\nfn guard(p) { p }", "guard", 1);
    assert_eq!(hooks.call(id, vec![HookValue::Bool(true)]), Ok(HookValue::Bool(true)));
}

#[test]
fn too_deep_expressions_are_syntax_errors() {
    let script = format!("fn f() {{ {}1{} }}", "(".repeat(200), ")".repeat(200));
    let (diag, _) = compile_error(&script, "f", 0);
    assert_eq!(diag.code, "hook::syntax");
    let script = format!("fn f() {{ {}1{} }}", "[".repeat(5000), "]".repeat(5000));
    let (diag, _) = compile_error(&script, "f", 0);
    assert_eq!(diag.code, "hook::syntax");
}

#[test]
fn too_many_functions_is_a_syntax_error() {
    let fns: String = (0..65).map(|i| format!("fn g{i}() {{ {i} }}\n")).collect();
    let (diag, _) = compile_error(&format!("{fns}fn f() {{ 1 }}"), "f", 0);
    assert_eq!(diag.code, "hook::syntax");
}

// ---------------------------------------------------------------------------------------------
// Runtime errors

#[test]
fn thrown_string_is_a_runtime_error_with_its_message() {
    let script = "fn f() {\n    let x = 1;\n    throw \"đơn vị không đủ điều kiện\";\n}";
    let (hooks, id) = compile_with(HookLimits::default(), script, "f", 0);
    let err = hooks.call(id, Vec::new()).unwrap_err();
    assert_eq!(err.kind, HookErrorKind::Runtime(String::from("đơn vị không đủ điều kiện")));
    let mut sources = SourceMap::new();
    sources.add(NAME, script);
    assert_eq!(sources.location(err.span).line, 3);
    assert!(sources.slice(err.span).starts_with("throw"), "{:?}", sources.slice(err.span));
    let diag = err.to_diagnostic();
    assert_eq!(diag.code, "hook::runtime");
    assert_eq!(diag.message, "hook `hooks/test.rhai` failed: đơn vị không đủ điều kiện");
    assert_eq!(err.to_string(), "hook `hooks/test.rhai` failed: đơn vị không đủ điều kiện");
}

#[test]
fn thrown_error_in_a_helper_points_into_the_helper() {
    let script = "fn f() { g() }\nfn g() {\n    throw #{ reason: \"x\" };\n}";
    let (hooks, id) = compile_with(HookLimits::default(), script, "f", 0);
    let err = hooks.call(id, Vec::new()).unwrap_err();
    assert_eq!(err.kind, HookErrorKind::Runtime(String::from("#{\"reason\": \"x\"}")));
    let mut sources = SourceMap::new();
    sources.add(NAME, script);
    assert_eq!(sources.location(err.span).line, 3);
}

#[test]
fn script_errors_are_runtime_errors() {
    let err = call("fn f() { 1 / 0 }").unwrap_err();
    let HookErrorKind::Runtime(msg) = &err.kind else { panic!("{err:?}") };
    assert!(msg.contains("division by zero"), "{msg}");
    let err = call("fn f() { let x = 9223372036854775807; x + 1 }").unwrap_err();
    assert!(matches!(err.kind, HookErrorKind::Runtime(_)), "{err:?}");
}

#[test]
fn error_without_position_points_at_the_entry_function() {
    let script = "// loops\nfn f() { loop {} }";
    let (hooks, id) = compile_with(HookLimits::default(), script, "f", 0);
    let err = hooks.call(id, Vec::new()).unwrap_err();
    let mut sources = SourceMap::new();
    sources.add(NAME, script);
    assert_eq!(sources.location(err.span).line, 2);
}

// ---------------------------------------------------------------------------------------------
// Values

#[test]
fn guard_reads_a_map_argument() {
    let (hooks, id) = compile_with(
        HookLimits::default(),
        "fn guard(p) { p.score >= 90 && p.fields.nu_ty_le > 0.5 }",
        "guard",
        1,
    );
    let p = |score: &str, ratio: &str| {
        vec![map(&[("score", num(score)), ("fields", map(&[("nu_ty_le", num(ratio))]))])]
    };
    assert_eq!(hooks.call(id, p("92", "0.6")), Ok(HookValue::Bool(true)));
    assert_eq!(hooks.call(id, p("90.0", "0.51")), Ok(HookValue::Bool(true)));
    assert_eq!(hooks.call(id, p("92", "0.5")), Ok(HookValue::Bool(false)));
    assert_eq!(hooks.call(id, p("89.99", "0.9")), Ok(HookValue::Bool(false)));
}

#[test]
fn guard_can_refuse_with_a_reason() {
    // The shape of the shipped sample guard: a reason string, or `true`.
    let script = "fn guard(p) {
        if p.fields.bi_khieu_nai {
            return \"đơn vị đang có khiếu nại, tố cáo chưa giải quyết\";
        }
        if p.score < 85.0 {
            return `điểm thi đua ${p.score} thấp hơn mức 85 điểm Thường trực yêu cầu`;
        }
        true
    }";
    let (hooks, id) = compile_with(HookLimits::default(), script, "guard", 1);
    let p = |score: &str, complaint: bool| {
        vec![map(&[
            ("score", num(score)),
            ("fields", map(&[("bi_khieu_nai", HookValue::Bool(complaint))])),
        ])]
    };
    assert_eq!(hooks.call(id, p("90", false)), Ok(HookValue::Bool(true)));
    assert_eq!(
        hooks.call(id, p("84.5", false)),
        Ok(text("điểm thi đua 84.5 thấp hơn mức 85 điểm Thường trực yêu cầu"))
    );
    assert_eq!(
        hooks.call(id, p("90", true)),
        Ok(text("đơn vị đang có khiếu nại, tố cáo chưa giải quyết"))
    );
}

#[test]
fn decimal_arithmetic_is_exact() {
    assert_eq!(call("fn f() { 0.1 + 0.2 == 0.3 }"), Ok(HookValue::Bool(true)));
    assert_eq!(call("fn f() { 0.1 + 0.2 }"), Ok(num("0.3")));
    assert_eq!(call("fn f() { 1.0 / 3 * 3 == 1 }"), Ok(HookValue::Bool(false)));
    assert_eq!(call("fn f() { 2 + 3 }"), Ok(num("5")));
    let (hooks, id) = compile_with(HookLimits::default(), "fn f(a, b) { a * b + 1 }", "f", 2);
    assert_eq!(hooks.call(id, vec![num("1.1"), num("3")]), Ok(num("4.3")));
}

#[test]
fn returning_a_map() {
    let script = "fn on_enter(p) {
        #{ diem_khi_tham_dinh: p.score, hang_trong_cum: p.rank, ghi_chu: \"đã thẩm định\" }
    }";
    let (hooks, id) = compile_with(HookLimits::default(), script, "on_enter", 1);
    let out = hooks.call(id, vec![map(&[("score", num("91.5")), ("rank", num("2"))])]);
    assert_eq!(
        out,
        Ok(map(&[
            ("diem_khi_tham_dinh", num("91.5")),
            ("ghi_chu", text("đã thẩm định")),
            ("hang_trong_cum", num("2")),
        ]))
    );
}

#[test]
fn map_keys_come_back_sorted() {
    let out = call("fn f() { #{ zeta: 1, alpha: [()], mu: #{ b: true, a: 'c' } } }").unwrap();
    let HookValue::Map(m) = &out else { panic!("{out:?}") };
    assert_eq!(m.keys().collect::<Vec<_>>(), ["alpha", "mu", "zeta"]);
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"Map":{"alpha":{"List":["Unit"]},"mu":{"Map":{"a":{"Text":"c"},"b":{"Bool":true}}},"zeta":{"Num":"1"}}}"#
    );
}

#[test]
fn values_round_trip() {
    let value = map(&[
        ("unit", HookValue::Unit),
        ("yes", HookValue::Bool(true)),
        ("n", num("-12.50")),
        ("s", text("Chiến sĩ thi đua")),
        ("list", HookValue::List(vec![num("1"), HookValue::List(Vec::new()), map(&[])])),
    ]);
    let (hooks, id) = compile_with(HookLimits::default(), "fn f(x) { x }", "f", 1);
    assert_eq!(hooks.call(id, vec![value.clone()]), Ok(value));
}

#[test]
fn unrepresentable_return_values_are_bad_values() {
    for (script, ty) in [
        ("fn f() { Fn(\"f\") }", "Fn"),
        ("fn f() { |x| x }", "Fn"),
        ("fn f() { [1, 0..3] }", "range"),
    ] {
        let err = call(script).unwrap_err();
        let HookErrorKind::BadValue(msg) = &err.kind else { panic!("{err:?}") };
        assert!(msg.starts_with("`f` returned a value of type `"), "{msg}");
        assert!(msg.contains(ty), "{msg}");
        assert_eq!(err.to_diagnostic().code, "hook::runtime");
    }
}

#[test]
fn nesting_beyond_64_levels_is_a_bad_value() {
    let mut deep = HookValue::Unit;
    for _ in 0..65 {
        deep = HookValue::List(vec![deep]);
    }
    let (hooks, id) = compile_with(HookLimits::default(), "fn f(x) { 1 }", "f", 1);
    let err = hooks.call(id, vec![deep]).unwrap_err();
    assert_eq!(
        err.kind,
        HookErrorKind::BadValue(String::from("argument 1 is nested more than 64 levels deep"))
    );

    let err = call("fn f() { let a = (); for i in 0..65 { a = [a]; } a }").unwrap_err();
    assert_eq!(
        err.kind,
        HookErrorKind::BadValue(String::from(
            "`f` returned a value nested more than 64 levels deep"
        ))
    );
    assert!(call("fn f() { let a = (); for i in 0..64 { a = [a]; } a }").is_ok());
}

#[test]
fn wrong_number_of_arguments_is_a_bad_value() {
    let (hooks, id) = compile_with(HookLimits::default(), "fn guard(p) { true }", "guard", 1);
    let err = hooks.call(id, Vec::new()).unwrap_err();
    assert_eq!(
        err.kind,
        HookErrorKind::BadValue(String::from("`guard` takes 1 argument, but 0 were given"))
    );
}

#[test]
fn unknown_hook_id() {
    let hooks = Hooks::new(HookLimits::default());
    let err = hooks.call(HookId(3), Vec::new()).unwrap_err();
    assert!(matches!(err.kind, HookErrorKind::Runtime(_)));
    assert_eq!(hooks.name(HookId(3)), "");
}

#[test]
fn several_hooks_in_one_engine() {
    let mut sources = SourceMap::new();
    let mut hooks = Hooks::new(HookLimits::default());
    let a_text = "fn guard(p) { p > 1 }";
    // `for` is a keyword: a key named so is read with brackets.
    let b_text = "fn tally(t) { t[\"for\"] * 2 >= t.present }";
    let a_file = sources.add("a.rhai", a_text);
    let b_file = sources.add("b.rhai", b_text);
    let a = hooks.compile("a.rhai", a_text, a_file, "guard", 1).unwrap();
    let b = hooks.compile("b.rhai", b_text, b_file, "tally", 1).unwrap();
    assert_ne!(a, b);
    assert_eq!((hooks.name(a), hooks.name(b)), ("a.rhai", "b.rhai"));
    assert_eq!(hooks.call(a, vec![num("2")]), Ok(HookValue::Bool(true)));
    let t = map(&[("for", num("5")), ("present", num("9"))]);
    assert_eq!(hooks.call(b, vec![t]), Ok(HookValue::Bool(true)));
}

// ---------------------------------------------------------------------------------------------
// Concurrency

#[test]
fn same_hooks_from_four_threads_at_once() {
    let limits = HookLimits { wall_clock: Duration::from_millis(200), ..HookLimits::default() };
    let mut sources = SourceMap::new();
    let mut hooks = Hooks::new(HookLimits { max_operations: u64::MAX, ..limits });
    let guard_text = "fn guard(p) { let s = 0; for i in 0..p.n.to_int() { s += i; } s }";
    let spin_text = "fn guard(p) { loop {} }";
    let guard_file = sources.add("guard.rhai", guard_text);
    let spin_file = sources.add("spin.rhai", spin_text);
    let guard = hooks.compile("guard.rhai", guard_text, guard_file, "guard", 1).unwrap();
    let spin = hooks.compile("spin.rhai", spin_text, spin_file, "guard", 1).unwrap();
    let hooks = &hooks;

    std::thread::scope(|scope| {
        // One thread runs into its wall clock while the others compute.
        let spinner = scope.spawn(move || hooks.call(spin, vec![map(&[])]));
        let workers: Vec<_> = (0..4_i64)
            .map(|t| {
                scope.spawn(move || {
                    for k in 0..25 {
                        let n = t * 100 + k;
                        let expected = n * (n - 1) / 2;
                        let out = hooks.call(guard, vec![map(&[("n", num(&n.to_string()))])]);
                        assert_eq!(out, Ok(num(&expected.to_string())), "thread {t}, n = {n}");
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        assert_eq!(spinner.join().unwrap().unwrap_err().kind, HookErrorKind::Timeout);
    });
}

// ---------------------------------------------------------------------------------------------
// Never panics

fn script_soup() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "fn",
        "f",
        "g",
        "p",
        "x",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "#{",
        "let",
        "const",
        "=",
        "==",
        "1",
        "0.5",
        "-",
        "9223372036854775807",
        "\"s\"",
        "\"đ\"",
        "'c'",
        "+",
        "*",
        "/",
        "%",
        "<",
        "&&",
        "||",
        "!",
        "loop",
        "while",
        "for",
        "in",
        "if",
        "else",
        ";",
        ",",
        ":",
        "|",
        ".",
        "..",
        "..=",
        "throw",
        "return",
        "break",
        "continue",
        "switch",
        "=>",
        "_",
        "`",
        "${",
        "\n",
        "//",
        "/*",
        "*/",
        "Fn",
        "call",
        "map",
        "sort",
        "this",
        "?.",
        "?[",
        "!in",
        "private",
        "import",
        "eval",
        "try",
        "catch",
        "\\",
        "\r",
    ]);
    prop::collection::vec(token, 0..48).prop_map(|tokens| tokens.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn compiling_arbitrary_text_never_panics(script in any::<String>()) {
        let mut sources = SourceMap::new();
        let file = sources.add(NAME, script.as_str());
        let mut hooks = Hooks::new(HookLimits::default());
        if let Err(diag) = hooks.compile(NAME, &script, file, "guard", 1) {
            prop_assert!(diag.span.end as usize <= script.len());
            prop_assert!(script.is_char_boundary(diag.span.start as usize));
            prop_assert!(script.is_char_boundary(diag.span.end as usize));
        }
    }

    #[test]
    fn compiling_and_running_token_soup_never_panics(body in script_soup()) {
        let script = format!("fn f(p) {{ {body} }}\nfn g(x) {{ x }}");
        let mut sources = SourceMap::new();
        let file = sources.add(NAME, script.as_str());
        let limits = HookLimits {
            max_operations: 5_000,
            wall_clock: Duration::from_millis(100),
            ..HookLimits::default()
        };
        let mut hooks = Hooks::new(limits);
        match hooks.compile(NAME, &script, file, "f", 1) {
            Ok(id) => {
                let arg = map(&[("score", num("90")), ("list", HookValue::List(vec![num("1")]))]);
                if let Err(err) = hooks.call(id, vec![arg]) {
                    prop_assert!(err.span.end as usize <= script.len());
                    prop_assert!(script.is_char_boundary(err.span.start as usize));
                    prop_assert!(script.is_char_boundary(err.span.end as usize));
                    let _ = err.to_diagnostic();
                }
            }
            Err(diag) => {
                prop_assert!(diag.span.end as usize <= script.len());
                prop_assert!(script.is_char_boundary(diag.span.start as usize));
            }
        }
    }
}
