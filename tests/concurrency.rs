//! Searching while indexing (issue 6, item 4): eight threads search one
//! `Arc<Index>` through the library while another thread indexes a
//! generated archive with a commit after every batch. Every search must
//! succeed and see a committed state, totals must never go down in a purely
//! additive run, and once indexing is over, the results must equal those
//! of an index built serially.
//!
//! `NEWSIDX_CONCURRENCY_FILES` sets the size of the archive (default 2500).

mod common;

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::GenArticle;
use newsidx::Index;
use newsidx::search::{SearchRequest, SearchResults, SortOrder};
use newsidx::{Phase, Progress};

const SEARCHERS: usize = 8;

fn files() -> usize {
    std::env::var("NEWSIDX_CONCURRENCY_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2500)
}

/// What one searching thread saw.
#[derive(Default)]
struct Seen {
    /// Totals of `*` and document counts of the statistics, in the order
    /// seen.
    totals: Vec<u64>,
    /// Searches made.
    searches: u64,
}

/// One round of searches; checks what each result holds on its own.
fn search_round(
    archive: &Index,
    round: usize,
    thread: usize,
    articles: &HashMap<String, GenArticle>,
    seen: &mut Seen,
) {
    let all = archive
        .search(
            &SearchRequest::new("*")
                .sort(SortOrder::Newest)
                .page(20, 0)
                .snippets(false),
        )
        .expect("search * while indexing");
    assert_eq!(all.hits.len() as u64, all.total.min(20));
    // Dates only grow with the index: the newest hit has the highest index.
    let mut previous = None;
    for hit in &all.hits {
        let article = &articles[&hit.id];
        assert_eq!(hit.headline, article.headline, "a whole document");
        if let Some(prev) = previous {
            assert!(article.index < prev, "newest first");
        }
        previous = Some(article.index);
    }
    seen.totals.push(all.total);
    // A word of one article: found once, or not yet.
    let marker = (round * SEARCHERS + thread) % articles.len();
    let one = archive
        .search(&SearchRequest::new(common::marker(marker)))
        .expect("marker search while indexing");
    assert!(one.total <= 1, "a marker is in one article");
    // A relevance search with facets and snippets.
    let words = archive
        .search(
            &SearchRequest::new("kamir OR lopel OR tevvan")
                .page(5, round % 3)
                .facets(true, true),
        )
        .expect("word search while indexing");
    assert!(words.hits.len() <= 5);
    // The statistics work too, and see a commit no older than the search.
    let stats = archive
        .searcher()
        .expect("searcher")
        .stats()
        .expect("stats while indexing");
    seen.totals.push(stats.documents);
    seen.searches += 4;
}

/// The hits of a search as (id, score) pairs, ties ordered by id.
fn ranked(results: &SearchResults) -> Vec<(String, Option<f32>)> {
    let mut hits: Vec<(String, Option<f32>)> = results
        .hits
        .iter()
        .map(|h| (h.id.clone(), h.score))
        .collect();
    hits.sort_by(|a, b| {
        b.1.partial_cmp(&a.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.0.cmp(&b.0))
    });
    hits
}

#[test]
fn searches_during_indexing_see_committed_states_and_end_like_a_serial_run() {
    let count = files();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    let spec = common::Spec {
        seed: 11,
        folders: 6,
        max_comments: 4,
    };
    let generated = common::generate(&root, &spec, 0..count);
    let articles: Arc<HashMap<String, GenArticle>> =
        Arc::new(generated.into_iter().map(|a| (a.id.clone(), a)).collect());

    let archive = Arc::new(Index::create(tmp.path().join("concurrent")).unwrap());
    // Document counts of the commits: 0 before the first, then the files
    // done at each progress report (every file is an article, and a commit
    // follows every batch).
    let committed = Arc::new(Mutex::new(BTreeSet::from([0u64])));
    let mut options = common::frequent_commits(2);
    {
        let committed = Arc::clone(&committed);
        options.progress = Some(Arc::new(move |p: &Progress| {
            if p.phase == Phase::Indexing {
                committed.lock().unwrap().insert(p.files_done);
            }
        }));
    }
    let done = Arc::new(AtomicBool::new(false));
    let searchers: Vec<_> = (0..SEARCHERS)
        .map(|thread| {
            let archive = Arc::clone(&archive);
            let articles = Arc::clone(&articles);
            let done = Arc::clone(&done);
            thread::spawn(move || {
                let mut seen = Seen::default();
                let mut round = 0;
                // At least a few rounds, and on until the indexer is done.
                while round < 3 || !done.load(Ordering::SeqCst) {
                    search_round(&archive, round, thread, &articles, &mut seen);
                    round += 1;
                    // Leave the indexer some of the two cores.
                    thread::sleep(Duration::from_millis(2));
                }
                // One more round after the end: the final commit.
                search_round(&archive, round, thread, &articles, &mut seen);
                seen
            })
        })
        .collect();
    let report = {
        let archive = Arc::clone(&archive);
        let root = root.clone();
        thread::spawn(move || archive.index_dir(&root, &options))
            .join()
            .expect("indexer thread")
            .expect("index while searching")
    };
    done.store(true, Ordering::SeqCst);
    // Join every thread before failing, so that the index stays in place
    // until they are all done.
    let joined: Vec<thread::Result<Seen>> = searchers.into_iter().map(|s| s.join()).collect();
    let seen: Vec<Seen> = joined
        .into_iter()
        .map(|s| s.expect("a searching thread failed"))
        .collect();

    assert_eq!(report.added as usize, count);
    assert_eq!(report.documents as usize, count);
    assert!(report.commits >= 3, "{report:#?}");
    let committed = committed.lock().unwrap().clone();
    let mut distinct = BTreeSet::new();
    let mut searches = 0;
    for (thread, seen) in seen.iter().enumerate() {
        searches += seen.searches;
        for pair in seen.totals.windows(2) {
            assert!(
                pair[0] <= pair[1],
                "thread {thread}: the total went down from {} to {}",
                pair[0],
                pair[1]
            );
        }
        for total in &seen.totals {
            assert!(
                committed.contains(total),
                "thread {thread} saw {total} documents, not a committed count {committed:?}"
            );
            distinct.insert(*total);
        }
        assert_eq!(
            seen.totals.last().copied(),
            Some(count as u64),
            "after the run, searches see everything"
        );
    }
    eprintln!(
        "{searches} searches during {} commits; document counts seen: {distinct:?}",
        report.commits
    );

    // A serial run of the same archive gives the same results.
    let serial = Index::create(tmp.path().join("serial")).unwrap();
    let report = serial.index_dir(&root, &common::options(1)).unwrap();
    assert_eq!(report.documents as usize, count);
    let queries = [
        "*",
        "kamir",
        "kamir OR lopel OR tevvan",
        "\"Join the discussion\"",
        "comments:fen*",
        "headline:brim* -gor*",
        "syndication",
    ];
    for query in queries {
        for sort in [SortOrder::Newest, SortOrder::Oldest] {
            let request = SearchRequest::new(query)
                .sort(sort)
                .page(30, 7)
                .snippets(true);
            let a = archive.search(&request).unwrap();
            let b = serial.search(&request).unwrap();
            assert_eq!(a.total, b.total, "{query} {sort:?}");
            let ids = |r: &SearchResults| -> Vec<String> {
                r.hits.iter().map(|h| h.id.clone()).collect()
            };
            assert_eq!(ids(&a), ids(&b), "{query} {sort:?}");
            assert_eq!(a.hits, b.hits, "{query} {sort:?}: the hits themselves");
        }
        // By relevance: every hit, since ties may be cut at a page boundary
        // in another order; equal scores for equal documents.
        let request = SearchRequest::new(query)
            .page(count, 0)
            .snippets(false)
            .facets(true, true);
        let a = archive.search(&request).unwrap();
        let b = serial.search(&request).unwrap();
        assert_eq!(a.total, b.total, "{query}");
        assert_eq!(a.facets, b.facets, "{query}");
        let (ra, rb) = (ranked(&a), ranked(&b));
        assert_eq!(ra.len(), rb.len());
        for (x, y) in ra.iter().zip(&rb) {
            assert_eq!(x.0, y.0, "{query}: same hits in the same order");
            let (sx, sy) = (x.1.unwrap_or(0.0), y.1.unwrap_or(0.0));
            assert!(
                (sx - sy).abs() <= 1e-5 * sx.abs().max(1.0),
                "{query}: {} scores {sx} and {sy}",
                x.0
            );
        }
    }
    assert_eq!(
        archive
            .searcher()
            .expect("searcher")
            .stats()
            .unwrap()
            .comments,
        serial
            .searcher()
            .expect("searcher")
            .stats()
            .unwrap()
            .comments
    );
}
