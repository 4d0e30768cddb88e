//! Load benchmarks: parse and check a rule set ([`thidua::check::check_source`]).
//!
//! Run with `cargo bench --bench load`. Two rule sets:
//!
//! - the shipped `rules/vksnd_tinh.rules`;
//! - the generated 1,000-award set of the peer comparison (`benches/peers/src/awards1000.rs`,
//!   `rules_text()`), built here byte for byte the same way, so that the figures compare with
//!   regorus compiling the equivalent Rego there (issue 5's load target: under 10 ms).

#![expect(clippy::expect_used, reason = "a benchmark stops on bad setup")]

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use thidua::diag::SourceMap;

/// The allocator the `thidua` binary uses, so that figures match it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SHIPPED: &str = include_str!("../rules/vksnd_tinh.rules");
const W1_RULES: &str = include_str!("peers/workloads/w1.rules");

/// How many awards.
const AWARDS: usize = 1000;
/// History facts the windows ask about.
const FACTS: [&str; 4] = ["lao_dong_tien_tien", "cstdcs", "htxs", "htt_tro_len"];
const RATINGS: [&str; 3] = ["HT", "HTT", "HTXS"];
const DISCIPLINE: [&str; 2] = ["khien_trach", "canh_cao"];

/// The 1,000-award rule file, exactly as `benches/peers/src/awards1000.rs` writes it: W1's
/// enumerations and entities, the history facts as external awards, and the awards.
fn awards1000() -> String {
    let (_, from_enums) = W1_RULES.split_once("\nenum xep_loai").expect("w1.rules has enums");
    let (schema, _) = from_enums.split_once("\nmark htxs").expect("w1.rules has `mark htxs`");
    let mut out = String::from(
        "ruleset gen1000 \"1.000 danh hiệu sinh tự động\"\n  cycle 2025 from 2025-01-01 to \
         2025-12-31\n  effective from 2024-10-01\n  basis \"Quy chế mẫu\"\n\nenum xep_loai",
    );
    out.push_str(schema);
    for fact in [
        "lao_dong_tien_tien",
        "cstdcs",
        "htxs",
        "htt_tro_len",
        "bang_khen_vkstc",
        "giay_khen",
        "bang_khen_ttg",
    ] {
        let _ = writeln!(out, "extern {fact} for can_bo");
    }
    for fact in
        ["tap_the_ldtt", "tap_the_ldxs", "co_thi_dua_nganh", "co_thi_dua_cp", "giay_khen_tap_the"]
    {
        let _ = writeln!(out, "extern {fact} for don_vi");
    }
    for i in 1..=AWARDS {
        let rating = RATINGS.get(i % 3).copied().unwrap_or("HTT");
        let months = 6 + i % 60;
        let fact = FACTS.get(i % 4).copied().unwrap_or("cstdcs");
        let times = 1 + (i / 4) % 2;
        let discipline = DISCIPLINE.get(i % 2).copied().unwrap_or("khien_trach");
        let absent = 3 + i % 3;
        let _ = write!(
            out,
            "\ntitle a{i:04} \"Danh hiệu số {i}\" for can_bo {{\n  \
             basis \"Quy chế mẫu, Điều {i}\"\n  \
             require \"Xếp loại\": xep_loai >= {rating}\n  \
             require \"Thời gian công tác\": months_between(ngay_tuyen_dung, cycle_end) >= {months}\n  \
             require \"Thành tích\": held {fact} in {times} of last 3 cycles\n",
        );
        if i.is_multiple_of(10) {
            let _ = writeln!(out, "  require \"Đạt danh hiệu trước\": held a{:04}", i - 1);
        }
        let _ = write!(
            out,
            "  disqualify \"Kỷ luật\": ky_luat >= {discipline}\n  \
             disqualify \"Nghỉ dài ngày\": thang_nghi >= {absent}\n}}\n",
        );
    }
    out
}

fn bench(c: &mut Criterion) {
    let generated = awards1000();
    let mut sources = SourceMap::new();
    let checked =
        thidua::check::check_source("gen1000.rules", &generated, &mut sources).expect("checks");
    assert_eq!(checked.program.awards.len(), AWARDS, "the generated set has 1,000 awards");
    let mut group = c.benchmark_group("load");
    for (label, text) in [("shipped rule set", SHIPPED), ("1,000 awards", generated.as_str())] {
        group.bench_function(label, |b| {
            b.iter(|| {
                let mut sources = SourceMap::new();
                black_box(
                    thidua::check::check_source("r.rules", black_box(text), &mut sources).is_ok(),
                )
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
