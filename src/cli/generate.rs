//! `thidua generate --people N --out DIR`

use std::path::PathBuf;

use thidua::sample::{GenConfig, write_dir};

use super::{Exit, Outcome};

/// Arguments of `thidua generate`.
#[derive(Debug, clap::Args)]
pub(crate) struct GenerateArgs {
    /// Directory to write `cum.csv`, `don_vi.csv`, `can_bo.csv` and `history.csv` into.
    #[arg(long)]
    out: PathBuf,
    /// About how many people; the shipped sample when absent.
    #[arg(long)]
    people: Option<u32>,
    /// Random seed (the same seed gives byte-identical files).
    #[arg(long, default_value_t = 2025)]
    seed: u64,
}

pub(crate) fn run(args: &GenerateArgs) -> Outcome {
    let mut cfg = match args.people {
        Some(n) => GenConfig::with_people(n),
        None => GenConfig::sample(),
    };
    cfg.seed = args.seed;
    match write_dir(&cfg, &args.out) {
        Ok(()) => (
            Exit::Ok,
            format!("wrote a generated cycle to {}\n", args.out.display()),
            String::new(),
        ),
        Err(e) => (
            Exit::Error,
            String::new(),
            format!("thidua: cannot write `{}`: {e}\n", args.out.display()),
        ),
    }
}
