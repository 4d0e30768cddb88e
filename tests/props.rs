//! scratch
#[test]
fn scratch() {
    for t in ["ruleset t \"x\"\nentity a {}\nrule uu_tien when nu then 1\n", "ruleset t \"x\"\nentity a { target: integer }", "ruleset t \"x\"\nparam open \"M\": bool {}", "ruleset t \"x\"\nentity a { x: bool\n", "ruleset t \"K\nentity", "entity a {}", "ruleset t \"x\"\nmark m for a when x = HTXS\n", "ruleset t \"x\" cycle 2025 from 2025-1-1 to 2025-12-31"] {
        let mut sm = thidua::diag::SourceMap::new();
        let r = thidua::check::check_source("x", t, &mut sm);
        if let Err(d) = r { eprintln!("{}", thidua::diag::render(&d, &sm, thidua::diag::Format::Plain)); }
    }
}
