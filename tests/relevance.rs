//! Ranking quality.
//!
//! * On the TIME test collection (`../shared/corpora/time` next to the
//!   checkout; skipped when absent): MAP and nDCG@10 must stay at least those
//!   of SQLite FTS5 (BM25, porter) on the same collection and queries, the
//!   best of the engines compared in `benches/RELEVANCE.md`.
//! * On `sample-corpus/`: short queries, typed the way people type at a
//!   terminal, still put first an article whose headline names every word of
//!   the query, and with `--any` the articles that hold every word fill the
//!   top. The expected articles are worked out from the files, not
//!   hard-coded.
//! * Stop words: with `--any` they are left out of the query.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::Path;
use std::sync::LazyLock;

mod common;

use newsidx::article::{self, ParseOptions};
use newsidx::eval::{self, EvalOptions, metrics};
use newsidx::search::{SearchRequest, SearchResults};
use newsidx::{Index, IndexOptions};

/// SQLite FTS5 (BM25, porter tokenizer) on the TIME collection, as measured by
/// `../shared/bench/relevance.py` (see `benches/RELEVANCE.md`).
const FTS5_MAP: f64 = 0.6255;
const FTS5_NDCG_10: f64 = 0.6848;

fn index(corpus: &Path, prefix: &str) -> (Index, tempfile::TempDir) {
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temporary folder");
    let archive = Index::create(dir.path().join("index")).expect("create index");
    let options = IndexOptions {
        commit_every: None,
        threads: 2,
        memory_mb: 50,
        ..IndexOptions::default()
    };
    archive.index_dir(corpus, &options).expect("index corpus");
    (archive, dir)
}

// ---------------------------------------------------------------------------
// The TIME collection.

#[test]
fn time_collection_ranks_at_least_as_well_as_fts5() {
    let Some(root) = common::corpus("time") else {
        return;
    };
    let read = |name: &str| fs::read_to_string(root.join(name)).expect(name);
    let queries = eval::parse_queries(&read("queries.tsv")).expect("queries.tsv");
    let qrels = metrics::parse_qrels(&read("qrels.txt")).expect("qrels.txt");
    let (archive, _dir) = index(&root.join("articles"), "newsidx-relevance-time-");
    let scan = common::scan::scan(&root.join("articles"));
    let searcher = archive.searcher().expect("searcher");
    assert_eq!(searcher.stats().expect("stats").documents, scan.articles);
    let run = eval::run_queries(&searcher, &queries, &EvalOptions::default()).expect("run queries");
    let result = metrics::evaluate(&run, &qrels, true);
    let m = &result.mean;
    println!(
        "TIME, {} queries: MAP {:.4}, nDCG@10 {:.4}, P@10 {:.4}, MRR {:.4}, R@100 {:.4}",
        result.queries, m.map, m.ndcg_at_10, m.p_at_10, m.mrr, m.recall_at_100
    );
    assert_eq!(result.queries, 82);
    assert!(
        m.map >= FTS5_MAP,
        "MAP {:.4} is below SQLite FTS5's {FTS5_MAP}",
        m.map
    );
    assert!(
        m.ndcg_at_10 >= FTS5_NDCG_10,
        "nDCG@10 {:.4} is below SQLite FTS5's {FTS5_NDCG_10}",
        m.ndcg_at_10
    );
}

// ---------------------------------------------------------------------------
// Short queries on the sample corpus.

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-corpus");

struct Sample {
    index: Index,
    /// Article id -> the stems of its headline, and of all its searched text
    /// (headline, body, comments).
    articles: HashMap<String, (BTreeSet<String>, BTreeSet<String>)>,
    _dir: tempfile::TempDir,
}

static SAMPLE_INDEX: LazyLock<Sample> = LazyLock::new(|| {
    let (archive, dir) = index(Path::new(SAMPLE), "newsidx-relevance-sample-");
    let mut articles = HashMap::new();
    read_articles(Path::new(SAMPLE), "", &mut articles);
    Sample {
        index: archive,
        articles,
        _dir: dir,
    }
});

type Stems = BTreeSet<String>;

fn read_articles(dir: &Path, rel: &str, out: &mut HashMap<String, (Stems, Stems)>) {
    for entry in fs::read_dir(dir).expect("read folder") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let rel = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if entry.file_type().expect("file type").is_dir() {
            read_articles(&entry.path(), &rel, out);
        } else if name.ends_with(".txt") {
            let bytes = fs::read(entry.path()).expect("read article");
            if let Ok(a) = article::parse(&bytes, &rel, &ParseOptions::default()) {
                let all = [a.headline.as_str(), &a.body_text(), &a.comments.join("\n")].join("\n");
                out.insert(a.id, (stems(&a.headline), stems(&all)));
            }
        }
    }
}

/// The stems of a text's words, worked out here: lowercase, split at
/// anything but letters and digits, the English Snowball stemmer (called
/// directly, not through the engine). The queries below hold ASCII words
/// only, so folding accents is not needed.
fn stems(text: &str) -> BTreeSet<String> {
    static STEMMER: LazyLock<frostem::Stemmer> =
        LazyLock::new(|| frostem::Stemmer::new(frostem::Algorithm::English));
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.len() <= 40)
        .map(|w| STEMMER.stem(w).into_owned())
        .collect()
}

fn search(request: &SearchRequest) -> SearchResults {
    SAMPLE_INDEX.index.search(request).expect("search")
}

/// The articles whose headline holds every word of `query`, and those whose
/// text does.
fn holding_every_word(query: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let words = stems(query);
    let mut in_headline = BTreeSet::new();
    let mut in_text = BTreeSet::new();
    for (id, (headline, text)) in &SAMPLE_INDEX.articles {
        if words.is_subset(headline) {
            in_headline.insert(id.clone());
        }
        if words.is_subset(text) {
            in_text.insert(id.clone());
        }
    }
    (in_headline, in_text)
}

#[test]
fn short_queries_put_the_articles_they_name_first() {
    // Queries of one to three words, as typed at a terminal. The articles
    // whose headline (the lede) holds every word are obvious answers: one of
    // them comes first. With --any, articles that hold only some of the
    // words must not push those that hold them all out of the top three.
    let queries = [
        "storm insurance",
        "Norrland acquisition",
        "Achterberg governor",
        "recall election",
        "comet telescope",
        "library roof",
        "Pilots stadium",
        "ferry service",
        "seawall",
        "homeowners lawsuit",
        "bank layoffs jobs",
    ];
    for query in queries {
        let (obvious, complete) = holding_every_word(query);
        assert!(!obvious.is_empty(), "{query:?}: no headline names it");
        for any in [false, true] {
            let results = search(&SearchRequest::new(query).any(any).snippets(false));
            let top: Vec<&str> = results.hits.iter().map(|h| h.id.as_str()).collect();
            assert!(
                top.first().is_some_and(|id| obvious.contains(*id)),
                "{query:?} (any: {any}): first hit of {top:?} is not one of {obvious:?}"
            );
            let top3 = &top[..top.len().min(3)];
            let complete_in_top3 = top3.iter().filter(|id| complete.contains(**id)).count();
            assert_eq!(
                complete_in_top3,
                complete.len().min(3),
                "{query:?} (any: {any}): top 3 {top3:?}, holding every word: {complete:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Stop words.

fn ranking(results: &SearchResults) -> Vec<(String, Option<f32>)> {
    results
        .hits
        .iter()
        .map(|h| (h.id.clone(), h.score))
        .collect()
}

#[test]
fn alternatives_leave_stop_words_out() {
    let all = |q: &str| {
        SearchRequest::new(q)
            .any(true)
            .page(1000, 0)
            .snippets(false)
    };
    for (with, without) in [
        ("the storm", "storm"),
        (
            "What has the storm done to the insurers",
            "storm done insurers",
        ),
        ("comet a lighthouse", "comet lighthouse"),
    ] {
        assert_eq!(
            ranking(&search(&all(with))),
            ranking(&search(&all(without))),
            "{with:?}"
        );
    }
    // Not when they are all there is, nor when required, quoted, in a field
    // or an explicit alternative.
    let the = search(&all("the")).total;
    let storm = search(&all("storm")).total;
    assert!(storm < the && the > 60, "storm {storm}, the {the}");
    assert_eq!(search(&all("the who")).total, the);
    assert_eq!(search(&all("+the storm")).total, the);
    assert_eq!(search(&all("comet OR the")).total, the);
    assert!(search(&all("\"the storm\"")).total > 0);
    let body_the = search(&all("body:the")).total;
    assert!(body_the > storm);
    assert!(search(&all("body:the storm")).total >= body_the);
}
