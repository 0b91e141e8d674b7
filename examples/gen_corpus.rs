//! Writes a synthetic news archive: N deterministic articles in the archive
//! file format, in `<publisher>/<year>/` folders (the benches' generator, see
//! `benches/common/generate.rs` for the corpus model).
//!
//! ```text
//! cargo run --release --example gen_corpus -- OUTDIR N [SEED]
//! ```
//!
//! The same N and SEED always give byte-identical files; a corpus of N
//! articles is the first N articles of any larger one.

#[path = "../benches/common/generate.rs"]
mod generate;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_corpus OUTDIR N [SEED]";
    let (Some(out), Some(n)) = (args.first(), args.get(1)) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let Ok(n) = n.replace('_', "").parse::<u64>() else {
        eprintln!("gen_corpus: N must be a number of articles\n{usage}");
        return ExitCode::from(2);
    };
    let seed = match args.get(2).map(|s| s.parse::<u64>()) {
        None => generate::DEFAULT_SEED,
        Some(Ok(seed)) => seed,
        Some(Err(_)) => {
            eprintln!("gen_corpus: SEED must be a number\n{usage}");
            return ExitCode::from(2);
        }
    };
    let out = PathBuf::from(out);
    let threads = std::thread::available_parallelism().map_or(1, |p| p.get());
    let started = Instant::now();
    match generate::write_corpus(&out, n, seed, threads) {
        Ok(stats) => {
            eprintln!(
                "wrote {} articles, {:.1} MB ({:.0} bytes each on average), seed {seed}, to {} in {:.1} s",
                stats.articles,
                stats.bytes as f64 / 1e6,
                stats.bytes as f64 / stats.articles.max(1) as f64,
                out.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_corpus: cannot write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
