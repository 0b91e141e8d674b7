//! Indexing benchmark (issue 3): how fast `Index::index_dir` builds an
//! index, how cheap a second run over an unchanged archive is, and how much
//! memory a run takes against its budget.
//!
//! # What's measured
//!
//! * **First run**: a fresh index of a generated corpus (default 50,000
//!   articles, about 150 MB; see `common/generate.rs` for the corpus model),
//!   with the default options of `newsidx index` (all cores, 512 MB budget).
//!   Reported: wall time of `index_dir` (walk, read, parse, index, commit,
//!   merges), MB/s and articles/s, index size. Repeated (default twice, each
//!   into an empty folder); the median is kept.
//! * **Unchanged re-run**: `index_dir` again on the same archive and index,
//!   which must only walk and compare sizes and modification times; as a
//!   ratio of the first run (target: under 5%).
//! * **Peak memory**: each run happens in a child process (this bench
//!   re-executes itself), which reports its `VmHWM` from `/proc/self/status`:
//!   the whole process's peak resident memory, compared with the budget
//!   (target: at most budget + 200 MB). A second, smaller budget (128 MB by
//!   default) checks that the budget is honoured.
//! * **Real corpora**: the same first run and re-run over every
//!   `../shared/corpora/*/articles` folder, when that folder exists (skipped
//!   with a message otherwise).
//!
//! Figures are wall-clock times of single runs on a warm page cache (the
//! corpus was just generated or read); the cached corpus lives in
//! `target/newsidx-bench` (or `$NEWSIDX_BENCH_DIR`).
//!
//! # Running
//!
//! ```text
//! cargo bench --bench index
//! NEWSIDX_BENCH_ARTICLES=100000 NEWSIDX_BENCH_MEMORY=256 cargo bench --bench index
//! ```
//!
//! Settings: `NEWSIDX_BENCH_ARTICLES` (50000), `NEWSIDX_BENCH_MEMORY` (512,
//! MB), `NEWSIDX_BENCH_SMALL_MEMORY` (128, MB; 0 skips that run),
//! `NEWSIDX_BENCH_THREADS` (0: all cores), `NEWSIDX_BENCH_REPEAT` (2),
//! `NEWSIDX_BENCH_SEED` (42). Without `--bench` (as `cargo test --benches`
//! runs it) it indexes 300 articles once, as a smoke test.

#[path = "common/generate.rs"]
mod generate;
#[path = "common/util.rs"]
mod util;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use newsidx::{Index, IndexOptions};
use serde::{Deserialize, Serialize};

/// Environment variable that makes this executable a child run.
const CHILD_ENV: &str = "NEWSIDX_BENCH_INDEX_CHILD";

/// What a child run reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RunResult {
    /// Seconds `index_dir` took (its own figure).
    seconds: f64,
    /// Seconds of the whole child, from start to report (open included).
    process_seconds: f64,
    bytes_read: u64,
    indexed: u64,
    unchanged: u64,
    skipped: u64,
    documents: u64,
    /// Peak resident memory of the child, kB.
    peak_rss_kb: u64,
    index_bytes: u64,
}

/// One child run's request.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RunRequest {
    archive: PathBuf,
    index: PathBuf,
    memory_mb: usize,
    threads: usize,
}

fn main() {
    if let Ok(request) = std::env::var(CHILD_ENV) {
        child(&request);
        return;
    }
    let full = util::full_run();
    let n = util::env_u64("NEWSIDX_BENCH_ARTICLES", if full { 50_000 } else { 300 });
    let seed = util::env_u64("NEWSIDX_BENCH_SEED", generate::DEFAULT_SEED);
    let memory = util::env_u64("NEWSIDX_BENCH_MEMORY", 512) as usize;
    let small_memory = util::env_u64("NEWSIDX_BENCH_SMALL_MEMORY", if full { 128 } else { 0 });
    let threads = util::env_u64("NEWSIDX_BENCH_THREADS", 0) as usize;
    let repeat = util::env_u64("NEWSIDX_BENCH_REPEAT", if full { 2 } else { 1 }).max(1);
    if !full {
        println!("index bench: smoke run ({n} articles); `cargo bench --bench index` for figures");
    }
    println!(
        "index bench: {} cores, load average {}, threads {}, budget {memory} MB",
        util::cores(),
        util::load_average(),
        if threads == 0 {
            "all".to_string()
        } else {
            threads.to_string()
        }
    );
    let (corpus, stats) = generate::cached_corpus(n, seed).expect("cannot generate the corpus");
    let scratch = generate::bench_dir().join("runs");
    std::fs::create_dir_all(&scratch).expect("cannot create the scratch folder");
    let mut rows = Vec::new();
    let label = format!("generated {n}");
    let summary = measure(
        &label,
        &corpus,
        stats.bytes,
        &scratch,
        memory,
        threads,
        repeat,
        &mut rows,
    );
    if small_memory > 0 {
        let fresh = run_fresh(&corpus, &scratch, small_memory as usize, threads);
        rows.push(Row::new(
            &format!("{label}, budget {small_memory} MB"),
            "first run",
            stats.bytes,
            &fresh,
            small_memory as usize,
        ));
    }
    if full {
        real_corpora(&scratch, memory, threads, &mut rows);
    }
    print_table(&rows);
    println!();
    if !full {
        println!("smoke run: a few articles in a test build; no verdicts");
        return;
    }
    println!(
        "unchanged re-run / first run: {:.2}% (target < 5%) {}",
        summary.reindex_ratio * 100.0,
        verdict(summary.reindex_ratio < 0.05)
    );
    for row in rows.iter().filter(|r| r.kind == "first run") {
        let limit = row.budget_mb as f64 + 200.0;
        println!(
            "peak memory {}: {:.0} MB for a {} MB budget (target <= {limit:.0} MB) {}",
            row.corpus,
            row.peak_mb,
            row.budget_mb,
            verdict(row.peak_mb <= limit)
        );
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "MET" } else { "MISSED" }
}

/// One line of the summary table.
struct Row {
    corpus: String,
    kind: &'static str,
    articles: u64,
    mb: f64,
    seconds: f64,
    peak_mb: f64,
    budget_mb: usize,
    index_mb: f64,
}

impl Row {
    fn new(
        corpus: &str,
        kind: &'static str,
        input_bytes: u64,
        r: &RunResult,
        budget_mb: usize,
    ) -> Row {
        Row {
            corpus: corpus.to_string(),
            kind,
            articles: r.documents,
            mb: input_bytes as f64 / 1e6,
            seconds: r.seconds,
            peak_mb: r.peak_rss_kb as f64 / 1024.0,
            budget_mb,
            index_mb: r.index_bytes as f64 / 1e6,
        }
    }
}

/// What [`measure`] found, for the verdicts.
struct Summary {
    reindex_ratio: f64,
}

/// First runs (`repeat` times), then three unchanged re-runs of the last
/// index; adds the rows and returns the re-run ratio.
#[allow(clippy::too_many_arguments)]
fn measure(
    label: &str,
    archive: &Path,
    input_bytes: u64,
    scratch: &Path,
    memory: usize,
    threads: usize,
    repeat: u64,
    rows: &mut Vec<Row>,
) -> Summary {
    let mut firsts = Vec::new();
    let mut kept = None;
    for i in 0..repeat {
        let index = fresh_dir(scratch);
        let r = child_run(archive, index.path(), memory, threads);
        eprintln!(
            "  {label}: first run {}/{repeat}: {:.2} s, peak {:.0} MB",
            i + 1,
            r.seconds,
            r.peak_rss_kb as f64 / 1024.0
        );
        firsts.push(r);
        if i + 1 == repeat {
            kept = Some(index);
        } else {
            drop(index);
        }
    }
    firsts.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    let first = firsts[(firsts.len() - 1) / 2].clone();
    let index = kept.expect("at least one run");
    let mut reruns: Vec<RunResult> = (0..3)
        .map(|_| child_run(archive, index.path(), memory, threads))
        .collect();
    reruns.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    let rerun = reruns[1].clone();
    assert_eq!(
        rerun.indexed, 0,
        "an unchanged archive must not be re-indexed"
    );
    if repeat > 1 {
        let min = firsts[0].seconds;
        let max = firsts[firsts.len() - 1].seconds;
        eprintln!("  {label}: first runs {min:.2}..{max:.2} s (median kept)");
    }
    rows.push(Row::new(label, "first run", input_bytes, &first, memory));
    rows.push(Row::new(
        label,
        "unchanged re-run",
        input_bytes,
        &rerun,
        memory,
    ));
    Summary {
        reindex_ratio: rerun.seconds / first.seconds,
    }
}

/// A first run into a fresh folder, which is then removed.
fn run_fresh(archive: &Path, scratch: &Path, memory: usize, threads: usize) -> RunResult {
    let index = fresh_dir(scratch);
    child_run(archive, index.path(), memory, threads)
}

fn fresh_dir(scratch: &Path) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("index-")
        .tempdir_in(scratch)
        .expect("cannot create an index folder")
}

/// Every `../shared/corpora/*/articles` folder: a first run and a re-run.
fn real_corpora(scratch: &Path, memory: usize, threads: usize, rows: &mut Vec<Row>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    let Ok(entries) = std::fs::read_dir(&root) else {
        println!("real corpora: ../shared/corpora not found, skipped");
        return;
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path().join("articles"))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        println!("real corpora: no ../shared/corpora/*/articles folder, skipped");
        return;
    }
    for dir in dirs {
        let name = dir
            .parent()
            .and_then(Path::file_name)
            .map_or_else(|| "?".into(), |n| n.to_string_lossy().into_owned());
        let bytes = util::dir_bytes(&dir);
        measure(&name, &dir, bytes, scratch, memory, threads, 1, rows);
    }
}

/// Runs one `index_dir` in a child process and returns its report.
fn child_run(archive: &Path, index: &Path, memory_mb: usize, threads: usize) -> RunResult {
    let request = RunRequest {
        archive: archive.to_path_buf(),
        index: index.to_path_buf(),
        memory_mb,
        threads,
    };
    let exe = std::env::current_exe().expect("cannot find this executable");
    let output = Command::new(exe)
        .env(
            CHILD_ENV,
            serde_json::to_string(&request).expect("serializable"),
        )
        .output()
        .expect("cannot run the child process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let Some(line) = stdout.lines().find_map(|l| l.strip_prefix("RESULT ")) else {
        panic!(
            "the child run failed ({}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    };
    serde_json::from_str(line).expect("a child result")
}

/// The child: one indexing run, reported on standard output.
fn child(request: &str) {
    let started = Instant::now();
    let request: RunRequest = serde_json::from_str(request).expect("a child request");
    let archive = Index::open_or_create(&request.index).expect("cannot open the index");
    let options = IndexOptions {
        memory_mb: request.memory_mb,
        threads: request.threads,
        ..IndexOptions::default()
    };
    let report = archive
        .index_dir(&request.archive, &options)
        .expect("indexing failed");
    let result = RunResult {
        seconds: report.seconds,
        process_seconds: started.elapsed().as_secs_f64(),
        bytes_read: report.bytes_read,
        indexed: report.added + report.updated,
        unchanged: report.unchanged,
        skipped: report.skipped_total(),
        documents: report.documents,
        peak_rss_kb: util::proc_status_kb("VmHWM").unwrap_or(0),
        index_bytes: util::dir_bytes(&request.index),
    };
    println!(
        "RESULT {}",
        serde_json::to_string(&result).expect("serializable")
    );
}

fn print_table(rows: &[Row]) {
    println!();
    println!(
        "| corpus | run | articles | input MB | seconds | MB/s | articles/s | peak RSS MB | budget MB | index MB |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let secs = r.seconds.max(1e-9);
        // A re-run reads nothing: its MB/s would be meaningless; its
        // articles/s is how many files it checks a second.
        let mb_per_s = if r.kind == "first run" {
            format!("{:.1}", r.mb / secs)
        } else {
            "-".to_string()
        };
        println!(
            "| {} | {} | {} | {:.1} | {:.3} | {mb_per_s} | {:.0} | {:.0} | {} | {:.1} |",
            r.corpus,
            r.kind,
            r.articles,
            r.mb,
            r.seconds,
            r.articles as f64 / secs,
            r.peak_mb,
            r.budget_mb,
            r.index_mb
        );
    }
}
