//! Search benchmark (issue 4): latency of a news reader's queries, in
//! process and through the `newsidx` binary.
//!
//! # What's measured
//!
//! * **Corpus**: 100,000 generated articles (about 300 MB; see
//!   `common/generate.rs` for the corpus model), indexed once with the
//!   default options and cached in `target/newsidx-bench` (or
//!   `$NEWSIDX_BENCH_DIR`) together with the corpus.
//! * **Queries**: 46 queries in eight classes: single words (frequent to
//!   rare), several words, phrases, prefixes (`bank*`), boolean (`OR`,
//!   `NOT`), date-filtered, source-filtered, and sorted by date (newest
//!   first). Every word of every query is checked to be in the generator's
//!   vocabulary, and every query to match at least one article. Each asks for
//!   the top 10 hits with snippets, as `newsidx search` does.
//! * **In process**: `Index::open` once, one warm-up pass, then
//!   `NEWSIDX_BENCH_ROUNDS` (20) passes over all queries in a shuffled order;
//!   each `Index::search` call is timed. p50 and p99 per class and over
//!   all calls (targets: p50 <= 5 ms, p99 <= 50 ms).
//! * **End to end**: `newsidx search --index IDX --json --limit 10 QUERY`
//!   (with `--from`, `--to`, `--source`, `--sort newest` as the query
//!   needs), timed from process spawn until it has exited and its whole
//!   output has been read: one warm-up, then `NEWSIDX_BENCH_CLI_ROUNDS` (5)
//!   runs per query (target: p50 <= 30 ms). The cost of a do-nothing
//!   process (`newsidx --version`) is measured beside it. The binary is
//!   `$NEWSIDX_BIN`, else `target/release/newsidx`; build it first with
//!   `cargo build --release`. Skipped, with a message, when it is missing or
//!   has no `search` subcommand.
//!
//! # Running
//!
//! ```text
//! cargo build --release && cargo bench --bench search
//! ```
//!
//! Settings: `NEWSIDX_BENCH_SEARCH_ARTICLES` (100000), `NEWSIDX_BENCH_ROUNDS`
//! (20), `NEWSIDX_BENCH_CLI_ROUNDS` (5; 0 skips the end-to-end part), `NEWSIDX_BENCH_SEED` (42),
//! `NEWSIDX_BIN`, `NEWSIDX_BENCH_SNIPPETS` (1; 0 times the in-process
//! searches without snippets, to see what they cost). `NEWSIDX_BENCH_INDEX`
//! (an existing index to search instead of the generated one) and
//! `NEWSIDX_BENCH_QUERY_FILE` (queries in the newsidx language, one a line,
//! instead of the built-in mix) run the same measurements on other data, such
//! as the peers' corpus and queries (see `benches/run.sh compare`). Without `--bench` (as `cargo test --benches` runs it) it
//! runs every query twice in process on 300 articles, as a smoke test.

#[path = "common/generate.rs"]
mod generate;
#[path = "common/util.rs"]
mod util;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use newsidx::search::{DateEnd, SearchRequest, SortOrder, parse_date_filter};
use newsidx::{Index, IndexOptions};

/// One benchmark query: the text and the options a reader would add.
#[derive(Debug, Clone)]
struct Query {
    class: &'static str,
    text: String,
    from: Option<&'static str>,
    to: Option<&'static str>,
    source: Option<&'static str>,
    newest: bool,
}

impl Query {
    fn new(class: &'static str, text: impl Into<String>) -> Query {
        Query {
            class,
            text: text.into(),
            from: None,
            to: None,
            source: None,
            newest: false,
        }
    }

    fn dates(mut self, from: &'static str, to: &'static str) -> Query {
        self.from = Some(from);
        self.to = Some(to);
        self
    }

    fn source(mut self, source: &'static str) -> Query {
        self.source = Some(source);
        self
    }

    fn newest(mut self) -> Query {
        self.newest = true;
        self
    }

    /// The library request.
    fn request(&self) -> SearchRequest {
        let from = self
            .from
            .map(|d| parse_date_filter(d, DateEnd::Start).expect("a valid date"));
        let to = self
            .to
            .map(|d| parse_date_filter(d, DateEnd::End).expect("a valid date"));
        let mut request = SearchRequest::new(&self.text).dates(from, to).page(10, 0);
        if let Some(source) = self.source {
            request = request.source(source);
        }
        if self.newest {
            request = request.sort(SortOrder::Newest);
        }
        request
    }

    /// The arguments of `newsidx search`.
    fn cli_args(&self, index: &Path) -> Vec<String> {
        let mut args = vec![
            "search".to_string(),
            "--index".to_string(),
            index.display().to_string(),
            "--json".to_string(),
            "--limit".to_string(),
            "10".to_string(),
        ];
        for (flag, value) in [
            ("--from", self.from),
            ("--to", self.to),
            ("--source", self.source),
        ] {
            if let Some(value) = value {
                args.push(flag.to_string());
                args.push(value.to_string());
            }
        }
        if self.newest {
            args.push("--sort".to_string());
            args.push("newest".to_string());
        }
        if self.text.starts_with('-') {
            args.push("--".to_string());
        }
        args.push(self.text.clone());
        args
    }

    fn label(&self) -> String {
        let mut label = self.text.clone();
        if let (Some(from), Some(to)) = (self.from, self.to) {
            label.push_str(&format!(" [{from}..{to}]"));
        }
        if let Some(source) = self.source {
            label.push_str(&format!(" [source: {source}]"));
        }
        if self.newest {
            label.push_str(" [newest]");
        }
        label
    }
}

/// The query mix. Words come from the generator's vocabulary: common and
/// topic words, collocations, and a few invented words of chosen ranks.
fn queries() -> Vec<Query> {
    let v = generate::vocab();
    let mid = v.invented(150).to_string();
    let rare = v.invented(12_000).to_string();
    let prefix: String = v.invented(40).chars().take(4).collect();
    vec![
        // Single words, from very frequent to rare.
        Query::new("word", "people"),
        Query::new("word", "oil"),
        Query::new("word", "inflation"),
        Query::new("word", "election"),
        Query::new("word", "drought"),
        Query::new("word", "vaccine"),
        Query::new("word", "baseball"),
        Query::new("word", "tariff"),
        Query::new("word", mid),
        Query::new("word", rare),
        // Several words (all required).
        Query::new("words", "oil prices exports"),
        Query::new("words", "central bank rates"),
        Query::new("words", "wheat harvest forecast"),
        Query::new("words", "school teachers strike"),
        Query::new("words", "jury trial verdict"),
        Query::new("words", "health care insurance"),
        Query::new("words", "storm damage insurance coast"),
        // Phrases.
        Query::new("phrase", "\"interest rates\""),
        Query::new("phrase", "\"prime minister\""),
        Query::new("phrase", "\"stock market\""),
        Query::new("phrase", "\"federal reserve\""),
        Query::new("phrase", "\"state of the union\""),
        Query::new("phrase", "\"supreme court\" judge"),
        // Prefixes.
        Query::new("prefix", "bank*"),
        Query::new("prefix", "elect*"),
        Query::new("prefix", "vacc*"),
        Query::new("prefix", "tax*"),
        Query::new("prefix", format!("{prefix}*")),
        // Boolean.
        Query::new("boolean", "coffee OR cocoa OR sugar"),
        Query::new("boolean", "merger NOT bank"),
        Query::new("boolean", "(strike OR union) workers"),
        Query::new("boolean", "election -president"),
        // Date-filtered.
        Query::new("date", "election").dates("2000", "2004"),
        Query::new("date", "inflation").dates("1990", "1995"),
        Query::new("date", "storm").dates("2020", "2025"),
        Query::new("date", "oil prices").dates("2008-01-01", "2008-12-31"),
        Query::new("date", "\"trade deficit\"").dates("1995-06", "1999-06"),
        // Source-filtered.
        Query::new("source", "earnings").source("Harrowgate Daily Ledger"),
        Query::new("source", "hurricane").source("The Kittering Examiner"),
        Query::new("source", "\"world cup\"").source("Portlock Sports Network"),
        Query::new("source", "vaccine OR virus").source("Silverbirch Science Review"),
        // Sorted by date, newest first.
        Query::new("newest", "earnings").newest(),
        Query::new("newest", "drought").newest(),
        Query::new("newest", "\"supreme court\"").newest(),
        Query::new("newest", "*")
            .source("Thornbury Metro Bulletin")
            .newest(),
        Query::new("newest", "bank*").dates("2015", "2025").newest(),
    ]
}

/// Queries from a file, one a line (blank lines and `#` comments skipped),
/// in the newsidx query language; their class is `file`.
fn read_queries(path: &Path) -> Vec<Query> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| Query::new("file", l))
        .collect()
}

/// Checks that every word of every query is a word the generator writes.
fn check_vocabulary(queries: &[Query]) {
    let v = generate::vocab();
    let known: HashSet<&str> = v
        .words
        .iter()
        .chain(v.topics.iter().flat_map(|t| t.words.iter()))
        .map(String::as_str)
        .collect();
    for q in queries {
        for word in q
            .text
            .split(|c: char| !c.is_alphanumeric() && c != '*')
            .filter(|w| !w.is_empty() && !matches!(*w, "OR" | "AND" | "NOT" | "*"))
        {
            if let Some(prefix) = word.strip_suffix('*') {
                assert!(
                    known.iter().any(|k| k.starts_with(prefix)),
                    "no vocabulary word starts with {prefix:?} (query {:?})",
                    q.text
                );
            } else {
                assert!(
                    known.contains(word),
                    "{word:?} (query {:?}) is not in the generator's vocabulary",
                    q.text
                );
            }
        }
        if let Some(source) = q.source {
            assert!(
                generate::PUBLISHERS.contains(&source),
                "unknown source {source:?}"
            );
        }
    }
}

/// The cached index of the corpus, built when missing.
fn cached_index(corpus: &Path, n: u64, seed: u64) -> PathBuf {
    let name = format!(
        "index-v{}-s{seed}-n{n}-schema{}",
        generate::GEN_VERSION,
        newsidx::Index::schema_version()
    );
    let dir = generate::bench_dir().join(&name);
    let marker = generate::bench_dir().join(format!("{name}.complete"));
    if marker.exists() && Index::open(&dir).is_ok() {
        return dir;
    }
    let _ = std::fs::remove_file(&marker);
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("indexing {} into {} ...", corpus.display(), dir.display());
    let archive = Index::create(&dir).expect("cannot create the index");
    let report = archive
        .index_dir(corpus, &IndexOptions::default())
        .expect("indexing failed");
    eprintln!(
        "indexed {} articles in {:.1} s ({:.1} MB/s)",
        report.documents, report.seconds, report.mb_per_s
    );
    std::fs::write(&marker, "").expect("cannot write the marker");
    dir
}

/// Latencies (ms) by class, plus all of them.
#[derive(Default)]
struct Latencies {
    by_class: BTreeMap<&'static str, Vec<f64>>,
    by_query: Vec<Vec<f64>>,
    all: Vec<f64>,
}

impl Latencies {
    fn new(queries: usize) -> Latencies {
        Latencies {
            by_query: vec![Vec::new(); queries],
            ..Latencies::default()
        }
    }

    fn add(&mut self, query: usize, class: &'static str, ms: f64) {
        self.by_class.entry(class).or_default().push(ms);
        self.by_query[query].push(ms);
        self.all.push(ms);
    }
}

fn main() {
    let full = util::full_run();
    let n = util::env_u64(
        "NEWSIDX_BENCH_SEARCH_ARTICLES",
        if full { 100_000 } else { 300 },
    );
    let seed = util::env_u64("NEWSIDX_BENCH_SEED", generate::DEFAULT_SEED);
    let rounds = util::env_u64("NEWSIDX_BENCH_ROUNDS", if full { 20 } else { 2 }).max(1);
    let cli_rounds = util::env_u64("NEWSIDX_BENCH_CLI_ROUNDS", 5);
    if !full {
        println!(
            "search bench: smoke run ({n} articles); `cargo bench --bench search` for figures"
        );
    }
    // Another index and query set can be given (e.g. the peers' corpus and
    // queries of ../shared/bench, for an in-process comparison).
    let external_index = std::env::var_os("NEWSIDX_BENCH_INDEX").filter(|p| !p.is_empty());
    let external_queries = std::env::var_os("NEWSIDX_BENCH_QUERY_FILE").filter(|p| !p.is_empty());
    let queries = match &external_queries {
        Some(file) => read_queries(Path::new(file)),
        None => {
            let queries = queries();
            check_vocabulary(&queries);
            queries
        }
    };
    let index = match &external_index {
        Some(index) => PathBuf::from(index),
        None => {
            let (corpus, _) = generate::cached_corpus(n, seed).expect("cannot generate the corpus");
            cached_index(&corpus, n, seed)
        }
    };
    let what = match &external_index {
        Some(index) => format!("index {}", Path::new(index).display()),
        None => format!("{n} generated articles"),
    };
    println!(
        "search bench: {what}, {} queries, {} cores, load average {}",
        queries.len(),
        util::cores(),
        util::load_average()
    );

    // In process.
    let opened = Instant::now();
    let archive = Index::open(&index).expect("cannot open the index");
    let open_ms = util::ms(opened.elapsed());
    let snippets = util::env_u64("NEWSIDX_BENCH_SNIPPETS", 1) != 0;
    let requests: Vec<SearchRequest> = queries
        .iter()
        .map(|q| q.request().snippets(snippets))
        .collect();
    let mut totals = Vec::with_capacity(queries.len());
    let mut empty = Vec::new();
    for (q, request) in queries.iter().zip(&requests) {
        let results = archive.search(request).expect("search failed");
        if results.total == 0 {
            empty.push(q.label());
        }
        totals.push(results.total);
    }
    if full && external_queries.is_none() {
        assert!(
            empty.is_empty(),
            "queries without hits (their words must occur in the corpus): {empty:?}"
        );
    }
    let mut inproc = Latencies::new(queries.len());
    let mut rng = generate::Rng::new(seed);
    let mut order: Vec<usize> = (0..queries.len()).collect();
    for _ in 0..rounds {
        shuffle(&mut order, &mut rng);
        for &i in &order {
            let started = Instant::now();
            let results = archive.search(&requests[i]).expect("search failed");
            let elapsed = util::ms(started.elapsed());
            std::hint::black_box(results);
            inproc.add(i, queries[i].class, elapsed);
        }
    }
    drop(archive);

    // End to end, through the binary.
    let cli = if !full {
        None
    } else if cli_rounds == 0 {
        println!("end to end: skipped (NEWSIDX_BENCH_CLI_ROUNDS=0)");
        None
    } else {
        match find_cli() {
            Ok(bin) => Some(measure_cli(&bin, &index, &queries, cli_rounds)),
            Err(why) => {
                println!("end to end: skipped ({why})");
                None
            }
        }
    };

    // Report.
    println!(
        "\nArchive::open: {open_ms:.2} ms; in-process rounds: {rounds}{}",
        if snippets {
            ""
        } else {
            "; snippets OFF (NEWSIDX_BENCH_SNIPPETS=0)"
        }
    );
    println!("\n| query | class | hits | in-process median ms | CLI median ms |");
    println!("|---|---|---:|---:|---:|");
    for (i, q) in queries.iter().enumerate() {
        let cli_ms = cli.as_ref().map_or(f64::NAN, |c| {
            util::median(&mut c.latencies.by_query[i].clone())
        });
        println!(
            "| `{}` | {} | {} | {:.2} | {} |",
            q.label().replace('|', "\\|"),
            q.class,
            totals[i],
            util::median(&mut inproc.by_query[i].clone()),
            show(cli_ms, 1)
        );
    }
    println!("\n| class | queries | in-process p50 ms | p99 ms | CLI p50 ms | CLI p99 ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut classes: Vec<&'static str> = Vec::new();
    for q in &queries {
        if !classes.contains(&q.class) {
            classes.push(q.class);
        }
    }
    let cli_class = |class: &str, p: f64| {
        cli.as_ref().map_or(f64::NAN, |c| {
            util::percentile(&mut c.latencies.by_class[class].clone(), p)
        })
    };
    for class in &classes {
        let mut samples = inproc.by_class[class].clone();
        println!(
            "| {class} | {} | {:.2} | {:.2} | {} | {} |",
            queries.iter().filter(|q| q.class == *class).count(),
            util::percentile(&mut samples, 0.5),
            util::percentile(&mut samples, 0.99),
            show(cli_class(class, 0.5), 1),
            show(cli_class(class, 0.99), 1),
        );
    }
    let p50 = util::percentile(&mut inproc.all, 0.5);
    let p99 = util::percentile(&mut inproc.all, 0.99);
    let (cli_p50, cli_p99) = cli.as_ref().map_or((f64::NAN, f64::NAN), |c| {
        let mut all = c.latencies.all.clone();
        (
            util::percentile(&mut all, 0.5),
            util::percentile(&mut all, 0.99),
        )
    });
    println!(
        "| **all** | {} | {p50:.2} | {p99:.2} | {} | {} |",
        queries.len(),
        show(cli_p50, 1),
        show(cli_p99, 1)
    );
    println!();
    if !full {
        println!("smoke run: a few articles in a test build; no verdicts");
        return;
    }
    println!(
        "in-process p50 {p50:.2} ms (target <= 5 ms) {}; p99 {p99:.2} ms (target <= 50 ms) {}",
        verdict(p50 <= 5.0),
        verdict(p99 <= 50.0)
    );
    // The peers' scripts (../shared/bench) take each query's median, then
    // the p50 and p95 across queries: the same here, for comparisons.
    let (q50, q95) = across_queries(&inproc);
    print!("per-query medians, p50 {q50:.2} ms and p95 {q95:.2} ms across queries (in process)");
    if let Some(c) = &cli {
        let (c50, c95) = across_queries(&c.latencies);
        print!("; {c50:.1} ms and {c95:.1} ms (end to end)");
    }
    println!();
    if let Some(c) = &cli {
        println!(
            "end to end p50 {cli_p50:.1} ms (target <= 30 ms) {}; p99 {cli_p99:.1} ms; \
             do-nothing process (`newsidx --version`) p50 {:.1} ms; failed runs {}",
            verdict(cli_p50 <= 30.0),
            c.baseline_p50,
            c.failures
        );
    }
}

/// p50 and p95 across queries of each query's median, interpolated as the
/// peers' scripts do.
fn across_queries(latencies: &Latencies) -> (f64, f64) {
    let mut medians: Vec<f64> = latencies
        .by_query
        .iter()
        .map(|samples| util::percentile_interpolated(&mut samples.clone(), 0.5))
        .collect();
    (
        util::percentile_interpolated(&mut medians, 0.5),
        util::percentile_interpolated(&mut medians, 0.95),
    )
}

/// A latency for the tables: `-` when there is none.
fn show(ms: f64, decimals: usize) -> String {
    if ms.is_nan() {
        "-".to_string()
    } else {
        format!("{ms:.decimals$}")
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "MET" } else { "MISSED" }
}

fn shuffle(items: &mut [usize], rng: &mut generate::Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

/// The `newsidx` binary, if it exists and has a `search` subcommand.
fn find_cli() -> Result<PathBuf, String> {
    let bin = match std::env::var_os("NEWSIDX_BIN").filter(|b| !b.is_empty()) {
        Some(bin) => PathBuf::from(bin),
        None => std::env::var_os("CARGO_TARGET_DIR")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
            .join("release")
            .join("newsidx"),
    };
    if !bin.is_file() {
        return Err(format!(
            "{} not found: run `cargo build --release` first, or set NEWSIDX_BIN",
            bin.display()
        ));
    }
    let help = Command::new(&bin)
        .args(["search", "--help"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    if !help.success() {
        return Err(format!("{} has no `search` subcommand yet", bin.display()));
    }
    Ok(bin)
}

/// What the end-to-end runs found.
struct CliFigures {
    latencies: Latencies,
    baseline_p50: f64,
    failures: usize,
}

fn measure_cli(bin: &Path, index: &Path, queries: &[Query], rounds: u64) -> CliFigures {
    let run = |args: &[String]| -> (f64, bool) {
        let started = Instant::now();
        let output = Command::new(bin)
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .expect("cannot run newsidx");
        let elapsed = util::ms(started.elapsed());
        // Exit 0: hits, 1: no hits; anything else is a failure.
        let ok = matches!(output.status.code(), Some(0 | 1)) && !output.stdout.is_empty();
        if !ok {
            eprintln!(
                "newsidx {args:?} failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        (elapsed, ok)
    };
    let version = vec!["--version".to_string()];
    run(&version);
    let mut baseline: Vec<f64> = (0..20).map(|_| run(&version).0).collect();
    let mut latencies = Latencies::new(queries.len());
    let mut failures = 0;
    for (i, q) in queries.iter().enumerate() {
        let args = q.cli_args(index);
        run(&args);
        for _ in 0..rounds {
            let (ms, ok) = run(&args);
            failures += usize::from(!ok);
            latencies.add(i, q.class, ms);
        }
    }
    CliFigures {
        latencies,
        baseline_p50: util::median(&mut baseline),
        failures,
    }
}
