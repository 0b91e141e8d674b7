//! Shared helpers of the integration tests: a deterministic generator of
//! article archives (in the format of `docs/format.md`, with invented words only),
//! copying the sample corpus, and reading back what an index holds.
//!
//! Each test file includes this module with `mod common;` and uses a part of
//! it, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod scan;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use newsidx::Index;
use newsidx::search::{Hit, SearchRequest};
use newsidx::{IndexOptions, IndexReport};
use time::{Date, Month};

/// The sample corpus shipped with the crate.
pub fn sample_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus")
}

/// What a plain scan of the sample corpus finds (see [`scan`]), once.
pub fn sample_scan() -> &'static scan::Scan {
    static SCAN: std::sync::LazyLock<scan::Scan> =
        std::sync::LazyLock::new(|| scan::scan(&sample_corpus()));
    &SCAN
}

/// A real corpus next to the checkout (`../shared/corpora/NAME`), or `None`
/// when it is absent, said on stdout; with `NEWSIDX_REQUIRE_CORPORA=1` (as
/// `.ci/run` sets it) an absent corpus fails the test instead. Every test
/// that reads a corpus finds it here.
pub fn corpus(name: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(name);
    if root.join("articles").is_dir() {
        return Some(root);
    }
    if std::env::var_os("NEWSIDX_REQUIRE_CORPORA").is_some_and(|v| v == "1") {
        panic!("NEWSIDX_REQUIRE_CORPORA=1 but {} is absent", root.display());
    }
    println!("skipped: {} not found", root.display());
    None
}

/// Copies a folder tree (files and folders, hidden ones included).
pub fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).expect("create copy folder");
    for entry in fs::read_dir(src).expect("read folder") {
        let entry = entry.expect("folder entry");
        let kind = entry.file_type().expect("file type");
        let to = dst.join(entry.file_name());
        if kind.is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            fs::copy(entry.path(), &to).expect("copy file");
        }
    }
}

/// A copy of the sample corpus in `dst`, its files dated a day back (as an
/// archive's files are, unlike files written moments before a run, which
/// the indexer compares by content: see `newsidx::IndexRecord::RACY_WINDOW_NS`).
pub fn copy_sample(dst: &Path) -> PathBuf {
    let archive = dst.join("archive");
    copy_dir(&sample_corpus(), &archive);
    backdate(&archive, Duration::from_secs(86_400));
    archive
}

/// Sets the modification time of every file below `root` to `age` ago.
pub fn backdate(root: &Path, age: Duration) {
    let when = std::time::SystemTime::now() - age;
    for entry in fs::read_dir(root).expect("read folder") {
        let entry = entry.expect("folder entry");
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            backdate(&entry.path(), age);
        } else if kind.is_file() {
            let file = fs::File::options()
                .write(true)
                .open(entry.path())
                .expect("open to set its time");
            file.set_modified(when).expect("set modification time");
        }
    }
}

/// `files_seen = added + updated + unchanged + skipped + kept + not_processed`,
/// and every skipped, kept and deleted file is listed.
pub fn assert_adds_up(report: &IndexReport) {
    assert_eq!(
        report.files_seen,
        report.added
            + report.updated
            + report.unchanged
            + report.skipped_total()
            + report.kept
            + report.not_processed,
        "the counts of the report must add up: {report:#?}"
    );
    assert_eq!(
        report.skipped_total() as usize,
        report.skipped_files.len(),
        "every skipped file is listed"
    );
    assert_eq!(
        report.kept as usize,
        report.kept_files.len(),
        "every kept file is listed"
    );
    assert_eq!(
        report.deleted as usize,
        report.deleted_files.len(),
        "every deleted file is listed"
    );
}

/// Index options for tests: a modest memory budget, `threads` threads, no
/// periodic commit unless asked.
pub fn options(threads: usize) -> IndexOptions {
    IndexOptions {
        memory_mb: 64,
        threads,
        commit_every: None,
        ..IndexOptions::default()
    }
}

/// Options that commit after every batch of files.
pub fn frequent_commits(threads: usize) -> IndexOptions {
    IndexOptions {
        commit_every: Some(Duration::ZERO),
        ..options(threads)
    }
}

/// Every document of the index, through the public search API (`*`), in
/// path order.
pub fn all_hits(index: &Index) -> Vec<Hit> {
    let documents = index.searcher().expect("searcher").documents() as usize;
    let request = SearchRequest::new("*")
        .page(documents + 10, 0)
        .collapse(false)
        .snippets(false);
    let results = index.search(&request).expect("search *");
    assert_eq!(
        results.total as usize,
        results.hits.len(),
        "search * must return every document"
    );
    let mut hits = results.hits;
    hits.sort_by(|a, b| a.path.cmp(&b.path));
    hits
}

/// The paths of all documents, sorted; panics if a path has two documents.
pub fn unique_paths(index: &Index) -> Vec<String> {
    let paths: Vec<String> = all_hits(index).into_iter().map(|h| h.path).collect();
    assert_no_duplicates(&paths);
    paths
}

/// Panics with the duplicates if `items` holds one twice.
pub fn assert_no_duplicates(items: &[String]) {
    let mut seen = HashSet::new();
    let dups: Vec<&String> = items.iter().filter(|i| !seen.insert(*i)).collect();
    assert!(dups.is_empty(), "duplicate documents: {dups:?}");
}

/// The total of hits for a query.
pub fn total(index: &Index, query: &str) -> u64 {
    index
        .search(&SearchRequest::new(query).snippets(false))
        .expect("search")
        .total
}

/// Peak resident set size of this process in kB (`VmHWM`), if known.
pub fn peak_rss_kb() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

// ---------------------------------------------------------------------------
// The generator.

/// A small deterministic random number generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Syllables of the invented vocabulary.
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mir", "tev", "van", "dru", "pel", "sor", "quin", "bax", "fen", "rul", "tav",
    "zem", "gor", "hil", "nup", "wex", "yar", "olt", "brim", "cas", "dov", "elk", "fum", "gri",
];

/// Invented publishers.
pub const PUBLISHERS: &[&str] = &[
    "Vantorra Ledger Co.",
    "Brellwick Tidings",
    "Quorran Evening Post Ltd.",
    "Selvane Daily Media",
    "Ostrick Valley Times",
];

/// Letters for marker words: consonants only, so the stemmer leaves the
/// words as they are.
const MARKER_LETTERS: &[u8] = b"bcdfghjklmnpqrtvwxz";

/// A word that occurs in exactly one generated article (its `index`).
pub fn marker(index: usize) -> String {
    let mut n = index;
    let mut word = String::from("xq");
    for _ in 0..5 {
        word.push(MARKER_LETTERS[n % MARKER_LETTERS.len()] as char);
        n /= MARKER_LETTERS.len();
    }
    word
}

/// An invented word.
pub fn word(rng: &mut Rng) -> String {
    let n = rng.range(2, 3);
    (0..n).map(|_| *rng.pick(SYLLABLES)).collect()
}

/// A sentence of `lo..=hi` invented words.
pub fn sentence(rng: &mut Rng, lo: u64, hi: u64) -> String {
    let n = rng.range(lo, hi);
    let mut words: Vec<String> = (0..n).map(|_| word(rng)).collect();
    if let Some(first) = words.first_mut() {
        let mut chars = first.chars();
        if let Some(c) = chars.next() {
            *first = c.to_uppercase().chain(chars).collect();
        }
    }
    format!("{}.", words.join(" "))
}

/// One generated article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenArticle {
    /// Index in the generated archive.
    pub index: usize,
    /// Path relative to the archive root.
    pub rel: String,
    /// The file stem.
    pub id: String,
    /// The date.
    pub date: Date,
    /// The publisher.
    pub source: String,
    /// The expected headline (the lede).
    pub headline: String,
    /// Number of comments.
    pub comments: usize,
    /// The file's text.
    pub text: String,
}

/// Shape of a generated archive.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Seed of the text.
    pub seed: u64,
    /// Number of top-level folders.
    pub folders: usize,
    /// At most this many comments an article.
    pub max_comments: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            seed: 7,
            folders: 8,
            max_comments: 6,
        }
    }
}

/// The day of article `index`: every article has its own day.
pub fn day_of(index: usize) -> Date {
    let start = Date::from_calendar_date(1990, Month::January, 1).expect("valid date");
    start + time::Duration::days(index as i64)
}

/// Article `index` of the archive `spec` (pure: the same every time).
pub fn article(spec: &Spec, index: usize) -> GenArticle {
    let mut rng = Rng::new(spec.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ index as u64);
    let hex = rng.next_u64();
    let folder = index % spec.folders.max(1);
    let rel = format!("p{folder:02}/{:06}_{hex:016x}.txt", index);
    let id = format!("{:06}_{hex:016x}", index);
    let date = day_of(index);
    let source = rng.pick(PUBLISHERS).to_string();
    let headline = format!("{} {}", sentence(&mut rng, 6, 12), marker(index));
    let mut text = format!(
        " date {:04}-{:02}-{:02} {headline}\n",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
    for _ in 0..rng.range(1, 4) {
        text.push_str(&sentence(&mut rng, 8, 30));
        text.push('\n');
    }
    text.push_str(&format!("© {} {source}\n—-\n", date.year()));
    text.push_str("This story is shared under the invented Brellwick syndication terms.\n");
    let comments = rng.below(spec.max_comments + 1) as usize;
    if comments > 0 || rng.below(4) == 0 {
        text.push_str("Join the discussion");
        for _ in 0..comments {
            text.push('\n');
            text.push_str(&sentence(&mut rng, 3, 15));
        }
    }
    GenArticle {
        index,
        rel,
        id,
        date,
        source,
        headline,
        comments,
        text,
    }
}

/// Writes one article below `root`.
pub fn write_article(root: &Path, article: &GenArticle) {
    let path = root.join(&article.rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create article folder");
    }
    fs::write(&path, &article.text).expect("write article");
}

/// Generates articles `range` of the archive `spec` below `root`.
pub fn generate(root: &Path, spec: &Spec, range: std::ops::Range<usize>) -> Vec<GenArticle> {
    let articles: Vec<GenArticle> = range.map(|i| article(spec, i)).collect();
    for a in &articles {
        write_article(root, a);
    }
    articles
}
