//! Corpus tests: every `.rules` file under `tests/cases/` and the shipped sample rule set.
//!
//! `tests/cases/check/*.rules` are small bad rule files, one mistake each (plus one file with
//! many). Each must fail to check or produce warnings. Its plain-text diagnostics are
//! snapshotted, and the directives in its leading comments are asserted:
//!
//! - `// expect: CODE` — some diagnostic has this code;
//! - `// expect: CODE at TEXT` — and that diagnostic underlines exactly `TEXT`;
//! - `// help: TEXT` — some diagnostic's help contains `TEXT`;
//! - `// errors: N` — exactly `N` errors, to show that one mistake does not cascade.
//!
//! `tests/cases/good/*.rules` and `rules/vksnd_tinh.rules` must check without errors; their
//! warnings (usually none) and a summary of the compiled program are snapshotted.
//!
//! Source names are paths relative to the repository root, so snapshots do not depend on
//! where the repository sits.

use std::fmt::Write as _;
use std::path::Path;

use thidua::check::{Checked, check_source};
use thidua::diag::{Diagnostic, Format, SourceMap, render};
use thidua::program::{Program, Step};

/// Insta settings shared by every snapshot in this module.
fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

/// The path of `path` relative to the repository root, with `/` separators.
fn repo_relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Read and check one file, naming it by its repository-relative path.
fn check_file(path: &Path) -> (String, SourceMap, Result<Checked, Vec<Diagnostic>>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut sources = SourceMap::new();
    let result = check_source(&repo_relative(path), &text, &mut sources);
    (text, sources, result)
}

/// A leading-comment directive of a bad rule file.
#[derive(Debug)]
enum Directive {
    /// `// expect: CODE` or `// expect: CODE at TEXT`.
    Expect { code: String, at: Option<String> },
    /// `// help: TEXT`.
    Help(String),
    /// `// errors: N`.
    Errors(usize),
}

/// The directives in the comment lines at the top of a file.
fn directives(text: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    for line in text.lines().take_while(|l| l.starts_with("//")) {
        let line = line.trim_start_matches("//").trim();
        if let Some(rest) = line.strip_prefix("expect:") {
            let rest = rest.trim();
            let (code, at) = match rest.split_once(" at ") {
                Some((code, at)) => (code.trim(), Some(at.trim().to_string())),
                None => (rest, None),
            };
            out.push(Directive::Expect { code: code.to_string(), at });
        } else if let Some(rest) = line.strip_prefix("help:") {
            out.push(Directive::Help(rest.trim().to_string()));
        } else if let Some(rest) = line.strip_prefix("errors:") {
            let n = rest.trim().parse().unwrap_or_else(|_| panic!("bad directive `{line}`"));
            out.push(Directive::Errors(n));
        }
    }
    out
}

fn describe(diags: &[Diagnostic], sources: &SourceMap) -> String {
    diags
        .iter()
        .map(|d| format!("  {} `{}`: {}", d.code, sources.slice(d.span), d.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Assert a bad file's directives against its diagnostics.
fn assert_directives(name: &str, text: &str, diags: &[Diagnostic], sources: &SourceMap) {
    let dirs = directives(text);
    assert!(
        dirs.iter().any(|d| matches!(d, Directive::Expect { .. })),
        "{name}: a bad rule file must state `// expect: CODE` in its leading comments"
    );
    for dir in &dirs {
        match dir {
            Directive::Expect { code, at } => {
                let found = diags.iter().any(|d| {
                    d.code == code.as_str()
                        && at.as_ref().is_none_or(|t| sources.slice(d.span) == t)
                });
                assert!(
                    found,
                    "{name}: no diagnostic `{code}`{} among:\n{}",
                    at.as_ref().map_or_else(String::new, |t| format!(" underlining `{t}`")),
                    describe(diags, sources)
                );
            }
            Directive::Help(h) => {
                let found =
                    diags.iter().any(|d| d.help.as_deref().is_some_and(|x| x.contains(h.as_str())));
                assert!(found, "{name}: no diagnostic has help containing `{h}`");
            }
            Directive::Errors(n) => {
                let errors = diags.iter().filter(|d| d.is_error()).count();
                assert_eq!(errors, *n, "{name}: error count among:\n{}", describe(diags, sources));
            }
        }
    }
}

/// Each bad rule file fails or warns, says what it is expected to, and renders stably.
#[test]
fn check_cases() {
    settings().bind(|| {
        insta::glob!("cases/check/*.rules", |path| {
            let (text, sources, result) = check_file(path);
            let name = repo_relative(path);
            assert!(
                text.starts_with("// "),
                "{name}: start with a `// ` comment saying what it shows"
            );
            let diags = match result {
                Ok(checked) => {
                    assert!(
                        !checked.warnings.is_empty(),
                        "{name}: checks clean, but should fail or warn"
                    );
                    checked.warnings
                }
                Err(diags) => diags,
            };
            assert_directives(&name, &text, &diags, &sources);
            insta::assert_snapshot!("check", render(&diags, &sources, Format::Plain));
        });
    });
}

/// The JSON rendering of two bad files, for tools that read `--error-format json`.
#[test]
fn check_cases_json() {
    settings().bind(|| {
        for file in ["unknown_name_suggests_closest.rules", "many_errors_at_once.rules"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/check").join(file);
            let (_, sources, result) = check_file(&path);
            let diags = result.err().unwrap_or_else(|| panic!("{file} should fail"));
            let json = render(&diags, &sources, Format::Json);
            let parsed: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
            assert_eq!(parsed.as_array().map(Vec::len), Some(diags.len()));
            insta::assert_snapshot!(format!("json@{file}"), json);
        }
    });
}

fn step_name(p: &Program, step: Step) -> String {
    match step {
        Step::Score(i) => format!("score {}", p.scorings[i].name),
        Step::Rank(i) => format!("rank {}", p.scorings[i].name),
        Step::Mark(i) => format!("mark {}", p.schema.facts[p.marks[i].fact.0 as usize].name),
        Step::Award(i) => format!("award {}", p.awards[i].name),
    }
}

/// A short, stable description of a compiled program.
fn summary(checked: &Checked, sources: &SourceMap) -> String {
    let p = &checked.program;
    let list = |what: &str, names: Vec<&str>| -> String {
        if names.is_empty() {
            format!("{what}: 0\n")
        } else {
            format!("{what}: {} ({})\n", names.len(), names.join(", "))
        }
    };
    let mut s = String::new();
    writeln!(s, "ruleset: {} \"{}\"", p.name, p.label).unwrap();
    if let Some(c) = p.cycle {
        writeln!(s, "cycle: {} ({} to {})", c.year, c.start, c.end).unwrap();
    }
    s += &list("kinds", p.schema.kinds.iter().map(|k| k.name.as_str()).collect());
    s += &list("params", p.params.iter().map(|x| x.name.as_str()).collect());
    s += &list("scorings", p.scorings.iter().map(|x| x.name.as_str()).collect());
    let fact = |m: &thidua::program::Mark| p.schema.facts[m.fact.0 as usize].name.as_str();
    s += &list("marks", p.marks.iter().map(fact).collect());
    s += &list("awards", p.awards.iter().map(|x| x.name.as_str()).collect());
    writeln!(s, "order:").unwrap();
    for step in &p.order {
        writeln!(s, "  - {}", step_name(p, *step)).unwrap();
    }
    writeln!(s, "warnings:").unwrap();
    if checked.warnings.is_empty() {
        writeln!(s, "  none").unwrap();
    } else {
        s.push_str(&render(&checked.warnings, sources, Format::Plain));
    }
    s
}

/// Assert that a rule file checks without errors, snapshot its summary, and return it.
fn assert_good(path: &Path) -> Checked {
    let (_, sources, result) = check_file(path);
    let checked = result.unwrap_or_else(|diags| {
        panic!("{} should check:\n{}", path.display(), render(&diags, &sources, Format::Plain))
    });
    assert_eq!(checked.program.order.len(), {
        let p = &checked.program;
        p.scorings.len()
            + p.scorings.iter().filter(|s| s.rank.is_some()).count()
            + p.marks.len()
            + p.awards.len()
    });
    insta::assert_snapshot!("good", summary(&checked, &sources));
    checked
}

/// Each good rule file checks without errors.
#[test]
fn good_cases() {
    settings().bind(|| {
        insta::glob!("cases/good/*.rules", |path| {
            let text = std::fs::read_to_string(path).unwrap();
            assert!(text.starts_with("// "), "{}: start with a `// ` comment", path.display());
            assert_good(path);
        });
    });
}

/// The shipped sample rule set checks without errors or warnings.
#[test]
fn shipped_sample_checks() {
    settings().bind(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/vksnd_tinh.rules");
        let checked = insta::with_settings!({ snapshot_suffix => "vksnd_tinh.rules" }, {
            assert_good(&path)
        });
        assert!(checked.warnings.is_empty(), "the sample should check without warnings");
    });
}

/// "Did you mean" suggestions appear for every kind of unknown name.
#[test]
fn unknown_names_suggest_the_closest() {
    let cases = [
        ("unknown_name_suggests_closest.rules", "check::unknown_name", "did you mean `xep_loai`?"),
        (
            "unknown_variant_suggests_closest.rules",
            "check::unknown_variant",
            "did you mean `HTXS`?",
        ),
        ("unknown_type_suggests_closest.rules", "check::unknown_type", "did you mean `integer`?"),
        ("unknown_kind_suggests_closest.rules", "check::unknown_kind", "did you mean `can_bo`?"),
        (
            "unknown_award_suggests_closest.rules",
            "check::unknown_award",
            "did you mean `lao_dong_tien_tien`?",
        ),
        (
            "unknown_function_suggests_closest.rules",
            "check::unknown_function",
            "did you mean `months_between`?",
        ),
        (
            "unknown_denominator_suggests_closest.rules",
            "check::unknown_denominator",
            "did you mean `ldtt`?",
        ),
    ];
    for (file, code, help) in cases {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/check").join(file);
        let (_, sources, result) = check_file(&path);
        let diags = result.err().unwrap_or_else(|| panic!("{file} should fail"));
        let d = diags.iter().find(|d| d.code == code).unwrap_or_else(|| {
            panic!("{file}: no `{code}` among:\n{}", describe(&diags, &sources))
        });
        assert_eq!(
            d.help.as_deref().map(|h| h.starts_with(help)),
            Some(true),
            "{file}: help is {:?}",
            d.help
        );
    }
}

/// The checker reports every independent mistake in one run, sorted by position.
#[test]
fn checker_collects_all_errors() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/check/many_errors_at_once.rules");
    let (_, _, result) = check_file(&path);
    let Err(diags) = result else { panic!("many_errors_at_once.rules should fail") };
    let errors = diags.iter().filter(|d| d.is_error()).count();
    assert!(errors >= 10, "only {errors} errors");
    let mut codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert!(codes.len() >= 8, "only {} distinct codes: {codes:?}", codes.len());
    assert!(diags.windows(2).all(|w| w[0].span.start <= w[1].span.start), "not sorted by position");
}
