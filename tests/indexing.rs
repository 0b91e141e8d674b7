//! The indexer on the sample corpus and on generated archives: exact counts,
//! incremental runs, source from folder, the write lock, and searching while
//! an index run is under way.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Articles and visible files of the sample corpus, by a plain scan.
fn articles() -> u64 {
    common::sample_scan().articles
}

fn files() -> u64 {
    common::sample_scan().files
}

use common::{all_hits, assert_adds_up, copy_sample, options, total, unique_paths};
use newsidx::search::SearchRequest;
use newsidx::{Error, ErrorKind, Index, IndexOptions, IndexReport};
use newsidx::{IndexRecord, Phase, Progress, SourceFrom};

fn skipped(report: &IndexReport) -> BTreeMap<String, u64> {
    report.skipped.clone()
}

fn reasons(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// A word of `rel`'s file that occurs in no other article.
fn unique_word(archive: &Index, root: &std::path::Path, rel: &str) -> String {
    let text = fs::read_to_string(root.join(rel)).expect("read article");
    let id = newsidx::article::file_stem(rel);
    for word in text.split(|c: char| !c.is_ascii_alphabetic()) {
        if word.len() < 6 {
            continue;
        }
        let results = archive
            .search(&SearchRequest::new(word).snippets(false))
            .expect("search");
        if results.total == 1 && results.hits[0].id == id {
            return word.to_string();
        }
    }
    panic!("no word of {rel} is unique to it");
}

#[test]
fn sample_corpus_counts_and_incremental_runs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = copy_sample(tmp.path());
    let idx = tmp.path().join("index");
    let archive = Index::create(&idx).expect("create");

    // First run: the figures of sample-corpus/README.md.
    let first = archive.index_dir(&root, &options(2)).expect("first run");
    assert_adds_up(&first);
    assert_eq!(first.files_seen, files(), "{first:#?}");
    assert_eq!(first.added, articles());
    assert_eq!((first.updated, first.unchanged, first.deleted), (0, 0, 0));
    let scan = common::sample_scan();
    assert_eq!(
        skipped(&first),
        reasons(&[("binary", scan.binary), ("empty", scan.empty)])
    );
    assert_eq!(first.not_processed, 0);
    assert!(!first.interrupted);
    assert_eq!(first.undated, scan.undated);
    assert_eq!(first.repaired, scan.repaired);
    assert_eq!(first.documents, articles());
    assert!(first.commits >= 1);
    assert!(first.bytes_read > 0);
    let mut skipped_paths: Vec<(&str, &str)> = first
        .skipped_files
        .iter()
        .map(|s| (s.path.as_str(), s.reason.as_str()))
        .collect();
    skipped_paths.sort();
    assert_eq!(
        skipped_paths,
        [
            ("inbox/unsorted/010_595537166b732f14.txt", "empty"),
            ("inbox/unsorted/010_869ed7645dd80df2.txt", "binary"),
        ]
    );

    let stats = archive
        .searcher()
        .expect("searcher")
        .stats()
        .expect("stats");
    assert_eq!(stats.documents, articles());
    assert_eq!(stats.comments, common::sample_scan().comments);
    assert_eq!(
        stats.articles_with_comments,
        common::sample_scan().with_comments
    );
    assert_eq!(stats.unknown_source, 7);
    assert_eq!(stats.undated, 4);
    assert_eq!(stats.first_date.as_deref().map(|d| &d[..4]), Some("1995"));
    assert_eq!(stats.last_date.as_deref().map(|d| &d[..4]), Some("2025"));
    assert_eq!(
        stats.per_year.iter().map(|y| y.articles).sum::<u64>(),
        common::sample_scan().dated
    );
    let sources: Vec<(&str, u64)> = stats
        .sources
        .iter()
        .map(|s| (s.source.as_str(), s.articles))
        .collect();
    assert_eq!(
        sources,
        [
            ("Tri-County Business Ledger LLC", 12),
            ("Harbor Valley Gazette Co.", 10),
            ("The Marrowfield Courier, Inc.", 10),
            ("Brisk River Sports Network", 9),
            ("Coastline Herald Media Group", 9),
            ("Kestrel Bay Evening Post Ltd.", 9),
            ("Ashgrove Public Radio Foundation", 7),
            ("Wendmoor Daily Chronicle", 7),
            ("Northgate Science Weekly", 6),
        ]
    );
    assert_eq!(
        stats.archive.as_deref(),
        Some(root.canonicalize().unwrap().as_path())
    );
    assert_eq!(stats.source_from.as_deref(), Some("copyright"));
    // Hidden files and non-.txt files are not indexed.
    assert_eq!(total(&archive, "quokka"), 0);
    assert_eq!(total(&archive, "wombat"), 0);
    assert_eq!(unique_paths(&archive).len() as u64, articles());

    // Second run: nothing changed.
    let second = archive.index_dir(&root, &options(2)).expect("second run");
    assert_adds_up(&second);
    assert_eq!(second.files_seen, files());
    assert_eq!(
        (
            second.added,
            second.updated,
            second.deleted,
            second.unchanged
        ),
        (0, 0, 0, articles()),
        "{second:#?}"
    );
    assert_eq!(
        skipped(&second),
        reasons(&[
            ("binary", common::sample_scan().binary),
            ("empty", common::sample_scan().empty)
        ])
    );
    assert_eq!(second.documents, articles());
    // Unchanged articles are not parsed again.
    assert_eq!((second.undated, second.repaired), (0, 0));

    // Modify one file, delete one, add one.
    let modified = "northgate-science-weekly/2009/005_10662f40657ee81f.txt";
    let deleted = "wendmoor-daily-chronicle/2001/008_0061eb7f124d9b6c.txt";
    let added = "gullhaven-gull-gazette/2024/011_00c0ffee00c0ffee.txt";
    let deleted_word = unique_word(&archive, &root, deleted);
    let mut text = fs::read_to_string(root.join(modified)).expect("read");
    text.push_str("\nA late paragraph mentions the zorblefrump festival.");
    fs::write(root.join(modified), text).expect("modify");
    fs::remove_file(root.join(deleted)).expect("delete");
    fs::create_dir_all(root.join("gullhaven-gull-gazette/2024")).expect("mkdir");
    fs::write(
        root.join(added),
        " date 2024-05-06 The quibbleflax regatta drew record crowds to the harbour.\n\
         Organisers counted boats all afternoon.\n\
         © 2024 Gullhaven Gull Gazette",
    )
    .expect("add");
    assert_eq!(total(&archive, "zorblefrump"), 0);
    assert_eq!(total(&archive, &deleted_word), 1);

    let third = archive.index_dir(&root, &options(2)).expect("third run");
    assert_adds_up(&third);
    assert_eq!(third.files_seen, files());
    assert_eq!(
        (third.added, third.updated, third.deleted, third.unchanged),
        (1, 1, 1, articles() - 2),
        "{third:#?}"
    );
    assert_eq!(third.documents, articles());
    let hits = archive
        .search(&SearchRequest::new("zorblefrump"))
        .expect("search");
    assert_eq!(hits.total, 1);
    assert_eq!(hits.hits[0].path, modified);
    let hits = archive
        .search(&SearchRequest::new("quibbleflax"))
        .expect("search");
    assert_eq!(hits.total, 1);
    assert_eq!(hits.hits[0].path, added);
    assert_eq!(
        hits.hits[0].source.as_deref(),
        Some("Gullhaven Gull Gazette")
    );
    assert_eq!(total(&archive, &deleted_word), 0, "{deleted_word}");
    assert!(
        archive
            .searcher()
            .expect("searcher")
            .get(newsidx::article::file_stem(deleted))
            .unwrap()
            .is_empty()
    );
    let paths = unique_paths(&archive);
    assert_eq!(paths.len() as u64, articles());
    assert!(paths.iter().any(|p| p == added) && !paths.iter().any(|p| p == deleted));
    assert_eq!(
        archive
            .searcher()
            .expect("searcher")
            .stats()
            .unwrap()
            .documents,
        articles()
    );

    // Touching a file without changing its content: no duplicate, no update.
    let touched = root.join(modified);
    let file = fs::File::options()
        .write(true)
        .open(&touched)
        .expect("open");
    file.set_modified(SystemTime::now() + Duration::from_secs(3600))
        .expect("set mtime");
    drop(file);
    let fourth_started = SystemTime::now();
    let fourth = archive.index_dir(&root, &options(2)).expect("fourth run");
    assert_adds_up(&fourth);
    assert_eq!(
        (
            fourth.added,
            fourth.updated,
            fourth.deleted,
            fourth.unchanged
        ),
        (0, 0, 0, articles()),
        "{fourth:#?}"
    );
    assert_eq!(fourth.documents, articles());
    assert_eq!(total(&archive, "zorblefrump"), 1);
    assert_eq!(unique_paths(&archive).len() as u64, articles());
    // The new modification time was recorded: the next run reads nothing
    // but the two files that hold no article, and the files modified too
    // shortly before the last run for their time to prove them unchanged
    // (the ones written above, and the one touched into the future): those
    // it hashes (see `IndexRecord::RACY_WINDOW_NS`).
    let fifth = archive.index_dir(&root, &options(2)).expect("fifth run");
    let racy_from = fourth_started - Duration::from_nanos(IndexRecord::RACY_WINDOW_NS as u64);
    let mut expected_bytes: u64 = [
        "inbox/unsorted/010_595537166b732f14.txt",
        "inbox/unsorted/010_869ed7645dd80df2.txt",
    ]
    .iter()
    .map(|p| fs::metadata(root.join(p)).unwrap().len())
    .sum();
    let mut hashed = Vec::new();
    for rel in [modified, added] {
        let meta = fs::metadata(root.join(rel)).unwrap();
        if meta.modified().unwrap() >= racy_from {
            expected_bytes += meta.len();
            hashed.push(rel);
        }
    }
    assert_eq!(hashed.len(), 2, "both were written moments ago");
    assert_eq!(fifth.bytes_read, expected_bytes, "{fifth:#?}");
    assert_eq!((fifth.unchanged, fifth.documents), (articles(), articles()));
    assert_eq!((fifth.added, fifth.updated), (0, 0));

    // Reopening the index from disk shows the same.
    drop(archive);
    let reopened = Index::open(&idx).expect("reopen");
    assert_eq!(
        reopened
            .searcher()
            .expect("searcher")
            .stats()
            .unwrap()
            .documents,
        articles()
    );
    assert_eq!(unique_paths(&reopened).len() as u64, articles());
}

#[test]
fn a_file_that_stops_being_an_article_loses_its_document() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = copy_sample(tmp.path());
    let archive = Index::create(tmp.path().join("index")).expect("create");
    archive.index_dir(&root, &options(1)).expect("first run");
    let rel = "wendmoor-daily-chronicle/2001/008_0061eb7f124d9b6c.txt";
    fs::write(root.join(rel), "").expect("empty it");
    let report = archive.index_dir(&root, &options(1)).expect("second run");
    assert_adds_up(&report);
    assert_eq!(report.deleted, 1, "{report:#?}");
    assert_eq!(report.skipped.get("empty"), Some(&2));
    assert_eq!(report.documents, common::sample_scan().articles - 1);
    assert!(!unique_paths(&archive).iter().any(|p| p == rel));
}

#[test]
fn an_index_inside_the_archive_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = copy_sample(tmp.path());
    for inside in [
        root.join(".newsidx"),
        root.join("harbor-valley-gazette/idx"),
    ] {
        let archive = Index::create(&inside).expect("create");
        let err = archive
            .index_dir(&root, &options(1))
            .expect_err("an index inside the archive must be refused");
        assert!(
            matches!(err, Error::IndexInsideArchive { .. }),
            "unexpected error {err:?}"
        );
        assert_eq!(err.kind(), ErrorKind::Usage);
        assert!(err.to_string().contains("in a folder outside it"), "{err}");
        assert_eq!(
            archive
                .searcher()
                .expect("searcher")
                .stats()
                .unwrap()
                .documents,
            0
        );
        // Closed first: its reader's watcher may be reloading meanwhile.
        drop(archive);
        fs::remove_dir_all(&inside).expect("clean up");
    }
    // The archive itself as the index: refused as well.
    let archive = Index::open_or_create(tmp.path().join("elsewhere")).expect("create");
    let err = archive
        .index_dir(tmp.path(), &options(1))
        .expect_err("an archive that holds the index must be refused");
    assert_eq!(err.kind(), ErrorKind::Usage, "{err}");
}

#[test]
fn a_missing_archive_folder_is_a_usage_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let archive = Index::create(tmp.path().join("index")).expect("create");
    let err = archive
        .index_dir(tmp.path().join("no-such-folder"), &options(1))
        .expect_err("missing archive");
    assert!(matches!(err, Error::ArchiveFolder { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Usage);
    let file = tmp.path().join("file.txt");
    fs::write(&file, "x").unwrap();
    let err = archive
        .index_dir(&file, &options(1))
        .expect_err("a file as archive");
    assert_eq!(err.kind(), ErrorKind::Usage, "{err}");
}

#[test]
fn another_archive_needs_rebuild() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = copy_sample(tmp.path());
    let other = tmp.path().join("other");
    common::generate(&other, &common::Spec::default(), 0..5);
    let archive = Index::open_or_create(tmp.path().join("index")).expect("create");
    archive.index_dir(&root, &options(1)).expect("index sample");
    let err = archive
        .index_dir(&other, &options(1))
        .expect_err("another archive");
    assert!(matches!(err, Error::OtherArchive { .. }), "{err:?}");
    assert!(err.to_string().contains("rebuild"), "{err}");
    assert_eq!(
        archive
            .searcher()
            .expect("searcher")
            .stats()
            .unwrap()
            .documents,
        articles()
    );
    let rebuild = IndexOptions {
        rebuild: true,
        ..options(1)
    };
    let report = archive.index_dir(&other, &rebuild).expect("rebuild");
    assert_adds_up(&report);
    assert_eq!((report.added, report.documents), (5, 5), "{report:#?}");
    assert_eq!(unique_paths(&archive).len(), 5);
}

#[test]
fn source_from_folder_names_sources_after_top_level_folders() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = copy_sample(tmp.path());
    let archive = Index::create(tmp.path().join("index")).expect("create");
    let opts = IndexOptions {
        source_from: SourceFrom::Folder,
        ..options(2)
    };
    let report = archive.index_dir(&root, &opts).expect("index");
    assert_adds_up(&report);
    assert_eq!(report.added, articles());
    let stats = archive
        .searcher()
        .expect("searcher")
        .stats()
        .expect("stats");
    let sources: BTreeMap<&str, u64> = stats
        .sources
        .iter()
        .map(|s| (s.source.as_str(), s.articles))
        .collect();
    let expected: BTreeMap<&str, u64> = [
        ("ashgrove-public-radio", 8),
        ("brisk-river-sports", 9),
        ("coastline-herald", 9),
        ("elmhurst-community-bulletin", 3),
        ("harbor-valley-gazette", 10),
        ("kestrel-bay-evening-post", 10),
        ("marrowfield-courier", 10),
        ("northgate-science-weekly", 7),
        ("tri-county-business-ledger", 12),
        ("wendmoor-daily-chronicle", 8),
    ]
    .into_iter()
    .collect();
    assert_eq!(sources, expected);
    assert_eq!(stats.unknown_source, 0);
    assert_eq!(stats.source_from.as_deref(), Some("folder"));
    let results = archive
        .search(&SearchRequest::new("*").source("elmhurst-community-bulletin"))
        .expect("search");
    assert_eq!(results.total, 3);
    assert!(
        results
            .hits
            .iter()
            .all(|h| h.source.as_deref() == Some("elmhurst-community-bulletin"))
    );
}

/// What the indexing thread tells the test at a checkpoint.
struct Checkpoint {
    phase: Phase,
    files_done: u64,
}

#[test]
fn a_second_indexer_is_locked_out_and_searches_see_the_last_commit() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("archive");
    let spec = common::Spec::default();
    let first_part = 300;
    let count = 1_500;
    common::generate(&root, &spec, 0..first_part);
    // Files written long before the run: the second run knows them
    // unchanged from their size and time (see `common::backdate`), and
    // reads only the new ones, which the checks below count on.
    common::backdate(&root, Duration::from_secs(86_400));
    let idx = tmp.path().join("index");
    let archive = Index::create(&idx).expect("create");
    let report = archive.index_dir(&root, &options(2)).expect("first part");
    assert_eq!(report.documents, first_part as u64);
    common::generate(&root, &spec, first_part..count);

    // The indexing thread stops at each progress report until the test
    // has looked at the index.
    let (to_test, checkpoints) = mpsc::channel::<Checkpoint>();
    let (to_indexer, go_on) = mpsc::channel::<()>();
    let go_on = Mutex::new(go_on);
    let to_test = Mutex::new(to_test);
    let mut opts = common::frequent_commits(2);
    opts.progress = Some(Arc::new(move |p: &Progress| {
        let sent = to_test.lock().unwrap().send(Checkpoint {
            phase: p.phase,
            files_done: p.files_done,
        });
        if sent.is_ok() {
            go_on.lock().unwrap().recv().expect("the test answers");
        }
    }));
    let indexer = {
        let root = root.clone();
        std::thread::spawn(move || {
            let report = archive.index_dir(&root, &opts).expect("second part");
            (archive, report)
        })
    };

    // Documents committed before this checkpoint: the run commits after
    // every batch, right after the batch's progress report, and every
    // generated file is an article.
    let mut committed = first_part as u64;
    let mut previous_done = first_part as u64;
    let mut indexing_checkpoints = 0;
    let mut locked_checks = 0;
    let mut seen = 0;
    for checkpoint in checkpoints.iter() {
        // Another indexer on the same index is refused at once.
        let second = Index::open(&idx).expect("open while indexing");
        let err = second
            .index_dir(&root, &options(1))
            .expect_err("a second indexer must be locked out");
        assert!(matches!(err, Error::Locked { .. }), "{err:?}");
        assert!(err.to_string().contains("locked"), "{err}");
        assert_eq!(err.kind(), ErrorKind::Internal);
        locked_checks += 1;
        // A fresh reader sees exactly the last commit: the one after the
        // previous batch, or (should the indexer commit before it reports)
        // the one after this batch; never a part of a batch.
        let done = checkpoint.files_done.max(first_part as u64);
        match checkpoint.phase {
            Phase::Indexing => {
                if done > previous_done {
                    committed = previous_done;
                    previous_done = done;
                }
                indexing_checkpoints += 1;
            }
            Phase::Committing => committed = previous_done,
            Phase::Walking | Phase::Stories => {}
        }
        let documents = second
            .searcher()
            .expect("searcher")
            .stats()
            .expect("stats while indexing")
            .documents;
        assert!(
            documents == committed || documents == done,
            "at {done} files done, a fresh reader must see the last commit \
             ({committed} documents), not {documents}"
        );
        assert!(documents >= seen, "commits only add documents here");
        seen = documents;
        assert_eq!(total(&second, "*"), documents);
        to_indexer.send(()).expect("indexer waits");
    }
    let (archive, report) = indexer.join().expect("indexer thread");
    assert!(
        indexing_checkpoints >= 3,
        "{indexing_checkpoints} checkpoints"
    );
    assert!(locked_checks >= 3);
    assert_adds_up(&report);
    assert_eq!(report.added, (count - first_part) as u64);
    assert_eq!(report.unchanged, first_part as u64);
    assert_eq!(report.documents, count as u64);
    assert!(report.commits >= 3, "{report:#?}");
    assert_eq!(unique_paths(&archive).len(), count);
    // Once the indexer is done, the lock is free again.
    let again = Index::open(&idx).expect("open after");
    let report = again.index_dir(&root, &options(1)).expect("third run");
    assert_eq!((report.unchanged, report.added), (count as u64, 0));
}

#[test]
fn generated_archive_round_trips_through_the_index() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("archive");
    let spec = common::Spec::default();
    let articles = common::generate(&root, &spec, 0..200);
    let archive = Index::create(tmp.path().join("index")).expect("create");
    let report = archive.index_dir(&root, &options(2)).expect("index");
    assert_adds_up(&report);
    assert_eq!((report.added, report.documents), (200, 200));
    let hits = all_hits(&archive);
    let mut expected: Vec<&common::GenArticle> = articles.iter().collect();
    expected.sort_by(|a, b| a.rel.cmp(&b.rel));
    assert_eq!(hits.len(), expected.len());
    for (hit, article) in hits.iter().zip(expected) {
        assert_eq!(hit.path, article.rel);
        assert_eq!(hit.id, article.id);
        assert_eq!(hit.headline, article.headline);
        assert_eq!(hit.source.as_deref(), Some(article.source.as_str()));
        assert_eq!(hit.comment_count, article.comments);
        let day = format!(
            "{:04}-{:02}-{:02}",
            article.date.year(),
            u8::from(article.date.month()),
            article.date.day()
        );
        assert_eq!(hit.date.as_deref(), Some(day.as_str()));
    }
    // Each marker word finds exactly its article.
    for i in [0, 17, 199] {
        let results = archive
            .search(&SearchRequest::new(common::marker(i)))
            .expect("search");
        assert_eq!(results.total, 1, "marker of {i}");
        assert_eq!(results.hits[0].id, articles[i].id);
    }
}

/// An archive folder `archive` in `tmp` holding `files` (name, text).
fn small_archive(tmp: &std::path::Path, files: &[(&str, &str)]) -> std::path::PathBuf {
    let root = tmp.join("archive");
    fs::create_dir_all(&root).unwrap();
    for (name, text) in files {
        fs::write(root.join(name), text).unwrap();
    }
    root
}

#[test]
fn a_searcher_keeps_its_snapshot_while_the_index_changes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = small_archive(
        tmp.path(),
        &[
            ("a.txt", " date 2020-01-01 Lighthouse keepers met."),
            ("c.txt", " date 2020-01-03 The harbour is quiet."),
        ],
    );
    let index = Index::create(tmp.path().join("index")).expect("create");
    index.index_dir(&root, &options(1)).expect("first run");
    let before = index.searcher().expect("searcher");

    fs::write(
        root.join("b.txt"),
        " date 2020-01-02 Lighthouse keepers voted.",
    )
    .unwrap();
    fs::remove_file(root.join("a.txt")).unwrap();
    index.index_dir(&root, &options(1)).expect("second run");

    // The old snapshot still holds a, not b, for every read.
    let all = SearchRequest::new("lighthouse").snippets(false);
    let hits = before.search(&all).expect("search");
    assert_eq!(
        hits.hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        ["a"]
    );
    assert_eq!(before.get("a").expect("get").len(), 1);
    assert!(before.get("b").expect("get").is_empty());
    assert_eq!(before.stats().expect("stats").documents, 2);
    assert_eq!(before.documents(), 2);
    // A new one sees the second run.
    let after = index.searcher().expect("searcher");
    assert!(after.get("a").expect("get").is_empty());
    assert_eq!(after.get("b").expect("get").len(), 1);
    assert_eq!(after.record().archive, Some(root.canonicalize().unwrap()));
}

#[test]
fn an_open_index_sees_at_once_what_another_handle_commits() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = small_archive(
        tmp.path(),
        &[("a.txt", " date 2020-01-01 Lighthouse keepers met.")],
    );
    let idx = tmp.path().join("index");
    Index::create(&idx).expect("create");
    // Each run through a handle of its own, opened for it.
    let run = || {
        Index::open(&idx)
            .expect("open")
            .index_dir(&root, &options(1))
            .expect("indexing run")
    };
    run();
    // Opened once and kept, as `serve` keeps it.
    let kept = Index::open(&idx).expect("open");
    assert_eq!(total(&kept, "lighthouse"), 1);
    fs::write(
        root.join("b.txt"),
        " date 2020-01-02 Lighthouse keepers voted.",
    )
    .unwrap();
    run();
    assert_eq!(
        total(&kept, "lighthouse"),
        2,
        "the next search sees the commit"
    );
    fs::remove_file(root.join("a.txt")).unwrap();
    run();
    assert_eq!(total(&kept, "lighthouse"), 1);
    assert_eq!(
        kept.searcher()
            .expect("searcher")
            .stats()
            .expect("stats")
            .documents,
        1
    );
}
