//! Any text: the fast path of the rule parser keeps its law. Whenever it reads a file, pest
//! and lowering (the grammar of record) read it too, to an equal tree, spans included.
#![no_main]

use libfuzzer_sys::fuzz_target;
use thidua::diag::FileId;
use thidua::syntax::{parse_rules_fast, parse_rules_pest};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let file = FileId(0);
    if let Some(fast) = parse_rules_fast(text, file) {
        match parse_rules_pest(text, file) {
            Ok(slow) => assert!(fast == slow, "the fast path and pest read different trees"),
            Err(d) => panic!("the fast path read a file pest rejects: {d:?}"),
        }
    }
});
