//! The incremental indexer never loses or duplicates an article (issue 10):
//! one test per fault found in review, through the library. The faults that
//! need another user (permissions) or the real binary are in
//! `tests/lossless_cli.rs`; the fault-injection matrix is in
//! `src/indexer/faults.rs`.

#![cfg(unix)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use common::{assert_adds_up, options, unique_paths};
use newsidx::article::ParseOptions;
use newsidx::{Error, ErrorKind, Index, IndexOptions, IndexReport};
use newsidx::{Phase, Progress, SourceFrom};

/// A generated archive of `count` articles dated a day back, and a path for
/// its index.
fn archive(dir: &Path, count: usize) -> (PathBuf, PathBuf) {
    let root = dir.join("archive");
    common::generate(&root, &common::Spec::default(), 0..count);
    common::backdate(&root, Duration::from_secs(86_400));
    (root, dir.join("index"))
}

fn set_mtime(path: &Path, when: SystemTime) {
    let file = fs::File::options()
        .write(true)
        .open(path)
        .expect("open to set the time");
    file.set_modified(when).expect("set the time");
}

fn mtime(path: &Path) -> SystemTime {
    fs::metadata(path)
        .expect("metadata")
        .modified()
        .expect("mtime")
}

/// Counts the documents holding `word` as written: the oracle is a plain
/// scan of the archive's files (lowercase, split on non-letters).
fn files_with_word(root: &Path, word: &str) -> usize {
    let mut count = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = fs::read_to_string(&path) {
                let lower = text.to_lowercase();
                if lower.split(|c: char| !c.is_alphabetic()).any(|w| w == word) {
                    count += 1;
                }
            }
        }
    }
    count
}

// ---------------------------------------------------------------------------
// Item 2: a stale reader adds duplicates.

#[test]
fn a_handle_opened_before_another_indexer_committed_adds_no_duplicate() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, idx) = archive(tmp.path(), 20);
    let a = Index::create(&idx).unwrap();
    a.index_dir(&root, &options(1)).unwrap();
    let b = Index::open(&idx).unwrap();
    let spec = common::Spec::default();
    // Each round: a new file, indexed through B; then A, whose reader was
    // opened before B's commit, indexes the same archive at once.
    for round in 0..3 {
        common::generate(&root, &spec, 20 + round..21 + round);
        let by_b = b.index_dir(&root, &options(1)).unwrap();
        assert_eq!(by_b.added, 1, "{by_b:#?}");
        let by_a = a.index_dir(&root, &options(1)).unwrap();
        assert_adds_up(&by_a);
        assert_eq!((by_a.added, by_a.updated), (0, 0), "{by_a:#?}");
        assert_eq!(by_a.documents as usize, 21 + round);
        // unique_paths panics on a path with two documents.
        assert_eq!(unique_paths(&a).len(), 21 + round);
        assert_eq!(unique_paths(&Index::open(&idx).unwrap()).len(), 21 + round);
    }
}

// ---------------------------------------------------------------------------
// Item 3: settings drift.

#[test]
fn another_source_mode_is_refused_until_a_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, idx) = archive(tmp.path(), 30);
    let index = Index::create(&idx).unwrap();
    index.index_dir(&root, &options(1)).unwrap();
    // A changed file and the other source mode.
    common::write_article(&root, &common::article(&common::Spec::default(), 3));
    fs::write(
        root.join("p03/extra.txt"),
        " date 2001-02-03 A new one.\n© 2001 Gazette",
    )
    .unwrap();
    let meta_before = fs::read(idx.join("meta.json")).unwrap();
    let folder = IndexOptions {
        source_from: SourceFrom::Folder,
        ..options(1)
    };
    let err = index.index_dir(&root, &folder).expect_err("mixed sources");
    match &err {
        Error::SettingsChanged {
            setting,
            recorded,
            requested,
            ..
        } => assert_eq!(
            (*setting, &**recorded, &**requested),
            ("source_from", "copyright", "folder")
        ),
        other => panic!("expected SettingsChanged, got {other:?}"),
    }
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    assert_eq!(
        fs::read(idx.join("meta.json")).unwrap(),
        meta_before,
        "nothing written"
    );
    assert_eq!(
        index
            .searcher()
            .expect("searcher")
            .stats()
            .unwrap()
            .source_from
            .as_deref(),
        Some("copyright")
    );
    // A rebuild changes the mode, for every article.
    let rebuild = IndexOptions {
        rebuild: true,
        ..folder.clone()
    };
    let report = index.index_dir(&root, &rebuild).unwrap();
    assert_eq!(report.documents, 31);
    for hit in common::all_hits(&index) {
        let top = hit.path.split('/').next().unwrap();
        assert_eq!(hit.source.as_deref(), Some(top), "{}", hit.path);
    }
    assert_eq!(
        index
            .searcher()
            .expect("searcher")
            .stats()
            .unwrap()
            .source_from
            .as_deref(),
        Some("folder")
    );
    // Updates in the new mode work.
    index.index_dir(&root, &folder).unwrap();
}

/// Rewrites the last commit's record of the index at `idx` with `change`.
fn rewrite_record(idx: &Path, change: impl FnOnce(&mut serde_json::Value)) {
    let index = tantivy::Index::open_in_dir(idx).unwrap();
    let mut record: serde_json::Value =
        serde_json::from_str(&index.load_metas().unwrap().payload.unwrap()).unwrap();
    change(&mut record);
    let mut writer: tantivy::IndexWriter<tantivy::TantivyDocument> =
        index.writer_with_num_threads(1, 15_000_000).unwrap();
    let mut commit = writer.prepare_commit().unwrap();
    commit.set_payload(&record.to_string());
    commit.commit().unwrap();
    writer.wait_merging_threads().unwrap();
}

#[test]
fn an_index_of_another_analysis_is_refused_until_it_is_rebuilt() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, idx) = archive(tmp.path(), 30);
    Index::create(&idx)
        .unwrap()
        .index_dir(&root, &options(1))
        .unwrap();
    let record = Index::open(&idx).unwrap().record().unwrap();
    let current = record.analysis.clone().expect("the analysis is recorded");
    assert!(current.starts_with("frostem "), "{current}");
    // As if the index had been built by a newsidx with another stemmer.
    let older = current.replacen("frostem 1.", "frostem 0.", 1);
    rewrite_record(&idx, |r| r["analysis"] = older.clone().into());
    let err = Index::open(&idx).err().expect("another analysis");
    assert!(matches!(err, Error::AnalysisChanged { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Index);
    let message = err.to_string();
    assert!(
        message.contains(&older) && message.contains(&current),
        "{message}"
    );
    assert!(message.contains("rebuild it"), "{message}");
    assert!(matches!(
        Index::open_or_create(&idx),
        Err(Error::AnalysisChanged { .. })
    ));
    // The rebuild is offered, opens the index as it is, and replaces it.
    let index = Index::open_for_rebuild(&idx).expect("a rebuild may open it");
    assert_eq!(
        index
            .searcher()
            .expect("searcher")
            .stats()
            .unwrap()
            .documents,
        30,
        "the old documents stay until replaced"
    );
    let update = index
        .index_dir(&root, &options(1))
        .expect_err("an update mixes analyses");
    assert!(
        matches!(update, Error::AnalysisChanged { .. }),
        "{update:?}"
    );
    let rebuild = IndexOptions {
        rebuild: true,
        ..options(1)
    };
    assert_eq!(index.index_dir(&root, &rebuild).unwrap().documents, 30);
    drop(index);
    let index = Index::open(&idx).expect("rebuilt");
    assert_eq!(index.record().unwrap().analysis.as_deref(), Some(&*current));
    assert_eq!(unique_paths(&index).len(), 30);
}

#[test]
fn an_index_that_predates_the_fingerprint_is_adopted() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, idx) = archive(tmp.path(), 5);
    Index::create(&idx)
        .unwrap()
        .index_dir(&root, &options(1))
        .unwrap();
    rewrite_record(&idx, |r| {
        r.as_object_mut().unwrap().remove("analysis");
    });
    let index = Index::open(&idx).expect("an index without a fingerprint opens");
    assert_eq!(index.record().unwrap().analysis, None);
    index.index_dir(&root, &options(1)).unwrap();
    assert!(index.record().unwrap().analysis.is_some());
}

// ---------------------------------------------------------------------------
// Item 5: a rebuild must not publish a half-built index.

#[test]
fn a_cancelled_rebuild_leaves_the_old_index_and_searches_never_see_it_shrink() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, idx) = archive(tmp.path(), 1500);
    let index = Arc::new(Index::create(&idx).unwrap());
    index.index_dir(&root, &options(2)).unwrap();
    let old = unique_paths(&index);
    assert_eq!(old.len(), 1500);

    // A rebuild that commits "after every batch" if it may, watched from
    // another handle at every progress report, and cancelled after two
    // batches.
    let cancel = Arc::new(AtomicBool::new(false));
    let fewest = Arc::new(AtomicU64::new(u64::MAX));
    let watcher = Index::open(&idx).unwrap();
    let watcher = Mutex::new(watcher);
    let (flag, low) = (Arc::clone(&cancel), Arc::clone(&fewest));
    let mut rebuild = common::frequent_commits(2);
    rebuild.rebuild = true;
    rebuild.cancel = Some(Arc::clone(&cancel));
    rebuild.progress = Some(Arc::new(move |p: &Progress| {
        let fresh = Index::open(watcher.lock().unwrap().path()).unwrap();
        low.fetch_min(
            fresh
                .searcher()
                .expect("searcher")
                .stats()
                .unwrap()
                .documents,
            Ordering::SeqCst,
        );
        if p.phase == Phase::Indexing && p.files_done >= 1024 {
            flag.store(true, Ordering::SeqCst);
        }
    }));
    let report = index.index_dir(&root, &rebuild).unwrap();
    assert!(report.interrupted && report.rebuild, "{report:#?}");
    assert_eq!(report.commits, 0, "{report:#?}");
    assert_eq!(report.documents, 1500);
    assert_eq!(
        fewest.load(Ordering::SeqCst),
        1500,
        "a search saw the index shrink"
    );
    assert_eq!(unique_paths(&index), old);
    assert_eq!(unique_paths(&Index::open(&idx).unwrap()), old);

    // A complete rebuild is published at once, in one commit, with its
    // stories.
    fs::remove_file(root.join(&old[0])).unwrap();
    let mut complete = common::frequent_commits(2);
    complete.rebuild = true;
    let report = index.index_dir(&root, &complete).unwrap();
    assert_adds_up(&report);
    assert_eq!(
        (report.commits, report.documents, report.added),
        (1, 1499, 1499)
    );
    assert_eq!(report.deleted_files.len(), 1);
    assert_eq!(unique_paths(&index).len(), 1499);
}

// ---------------------------------------------------------------------------
// Item 6: same-size edits within the time stamp's precision.

#[test]
fn a_same_size_edit_within_the_window_is_picked_up() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    fs::create_dir_all(&root).unwrap();
    let file = root.join("a.txt");
    fs::write(
        &file,
        " date 2020-01-02 The harbour zorpel reopened.\n© 2020 Gazette",
    )
    .unwrap();
    fs::write(
        root.join("b.txt"),
        " date 2020-01-03 Another story.\n© 2020 Gazette",
    )
    .unwrap();
    let index = Index::create(tmp.path().join("index")).unwrap();
    index.index_dir(&root, &options(1)).unwrap();
    // An edit of the same size within the same tick of a coarse clock
    // (FAT, SMB): the time stays as it was.
    let before = mtime(&file);
    fs::write(
        &file,
        " date 2020-01-02 The harbour quimby reopened.\n© 2020 Gazette",
    )
    .unwrap();
    set_mtime(&file, before);
    let report = index.index_dir(&root, &options(1)).unwrap();
    assert_adds_up(&report);
    assert_eq!((report.updated, report.unchanged), (1, 1), "{report:#?}");
    assert_eq!(
        common::total(&index, "quimby"),
        files_with_word(&root, "quimby") as u64
    );
    assert_eq!(common::total(&index, "zorpel"), 0);
}

#[test]
fn an_interrupted_run_leaves_the_files_it_did_not_verify_to_be_hashed() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, idx) = archive(tmp.path(), 100);
    // Modified 2.5 s before the first run: within the window of that run.
    let racy = root.join("zz/last.txt");
    fs::create_dir_all(racy.parent().unwrap()).unwrap();
    fs::write(
        &racy,
        " date 2020-01-02 The harbour zorpel reopened.\n© 2020 Gazette",
    )
    .unwrap();
    let when = SystemTime::now() - Duration::from_millis(2500);
    set_mtime(&racy, when);
    let index = Index::create(&idx).unwrap();
    index.index_dir(&root, &options(1)).unwrap();
    // Edited within the same tick of a coarse clock.
    fs::write(
        &racy,
        " date 2020-01-02 The harbour quimby reopened.\n© 2020 Gazette",
    )
    .unwrap();
    set_mtime(&racy, when);
    // Later, more than the window after the file's time, a run that is
    // stopped before it gets to the file (new files come first).
    std::thread::sleep(Duration::from_millis(700));
    common::generate(&root, &common::Spec::default(), 100..1200);
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    let stopped = IndexOptions {
        cancel: Some(Arc::clone(&cancel)),
        progress: Some(Arc::new(move |p: &Progress| {
            if p.phase == Phase::Indexing && p.files_done > 0 {
                flag.store(true, Ordering::SeqCst);
            }
        })),
        ..options(1)
    };
    let report = index.index_dir(&root, &stopped).unwrap();
    assert!(
        report.interrupted && report.not_processed > 0,
        "{report:#?}"
    );
    assert_eq!(common::total(&index, "quimby"), 0, "not read yet");
    // The next run still compares the file by content.
    let report = index.index_dir(&root, &options(1)).unwrap();
    assert_adds_up(&report);
    assert_eq!(common::total(&index, "quimby"), 1, "{report:#?}");
    assert_eq!(common::total(&index, "zorpel"), 0);
}

#[test]
fn times_before_1970_are_kept_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    fs::create_dir_all(&root).unwrap();
    let file = root.join("old.txt");
    fs::write(
        &file,
        " date 1961-05-06 The old quay zorpel opened.\n© 1961 Gazette",
    )
    .unwrap();
    let day = Duration::from_secs(86_400);
    set_mtime(&file, SystemTime::UNIX_EPOCH - day * 3000);
    let index = Index::create(tmp.path().join("index")).unwrap();
    index.index_dir(&root, &options(1)).unwrap();
    // Unchanged: not even read.
    let again = index.index_dir(&root, &options(1)).unwrap();
    assert_eq!((again.unchanged, again.bytes_read), (1, 0), "{again:#?}");
    // Same size, another time before 1970.
    fs::write(
        &file,
        " date 1961-05-06 The old quay quimby opened.\n© 1961 Gazette",
    )
    .unwrap();
    set_mtime(&file, SystemTime::UNIX_EPOCH - day * 4000);
    let report = index.index_dir(&root, &options(1)).unwrap();
    assert_eq!(report.updated, 1, "{report:#?}");
    assert_eq!(common::total(&index, "quimby"), 1);
}

// ---------------------------------------------------------------------------
// Item 7: stale content. (Unreadable files: tests/lossless_cli.rs and
// src/indexer/faults.rs.)

#[test]
fn a_file_made_unindexable_leaves_the_index_with_its_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, idx) = archive(tmp.path(), 40);
    let index = Index::create(&idx).unwrap();
    index.index_dir(&root, &options(1)).unwrap();
    let spec = common::Spec::default();
    let (empty, binary, grown) = (
        common::article(&spec, 1).rel,
        common::article(&spec, 2).rel,
        common::article(&spec, 3).rel,
    );
    // The limit: the fifth largest file; the four larger ones are over it,
    // although their size and time do not change.
    let mut sizes: Vec<u64> = common::all_hits(&index)
        .iter()
        .map(|h| fs::metadata(root.join(&h.path)).unwrap().len())
        .collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let limit = sizes[4];
    let over: Vec<String> = common::all_hits(&index)
        .into_iter()
        .map(|h| h.path)
        .filter(|p| *p != grown && fs::metadata(root.join(p)).unwrap().len() > limit)
        .collect();
    assert!(
        !over.is_empty() && over.len() <= 4,
        "{} files over the limit",
        over.len()
    );
    fs::write(root.join(&empty), "   \n").unwrap();
    fs::write(root.join(&binary), b"\x00\x01\x02 binary \x00").unwrap();
    let mut text = fs::read_to_string(root.join(&grown)).unwrap();
    while text.len() as u64 <= limit {
        text.push_str("\nA much longer ending for this piece.");
    }
    fs::write(root.join(&grown), text).unwrap();
    let small = IndexOptions {
        parse: ParseOptions {
            max_file_size: limit,
        },
        ..options(1)
    };
    let report = index.index_dir(&root, &small).unwrap();
    assert_adds_up(&report);
    let reasons: std::collections::BTreeMap<&str, &str> = report
        .deleted_files
        .iter()
        .map(|d| (d.path.as_str(), d.reason.as_str()))
        .collect();
    assert_eq!(reasons.get(empty.as_str()), Some(&"empty"));
    assert_eq!(reasons.get(binary.as_str()), Some(&"binary"));
    for path in over.iter().chain([&grown]) {
        assert_eq!(reasons.get(path.as_str()), Some(&"too_large"), "{path}");
    }
    assert_eq!(report.deleted as usize, 3 + over.len(), "{report:#?}");
    let left = unique_paths(&index);
    assert_eq!(left.len(), 40 - 3 - over.len());
    assert!(
        !left
            .iter()
            .any(|p| *p == empty || *p == binary || *p == grown || over.contains(p))
    );
    assert_eq!(report.kept, 0);
}

// ---------------------------------------------------------------------------
// Item 9: an empty or unmounted archive folder empties the index.

#[test]
fn an_emptied_archive_folder_is_refused_unless_confirmed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    let spec = common::Spec {
        folders: 1,
        ..common::Spec::default()
    };
    common::generate(&root, &spec, 0..25);
    let idx = tmp.path().join("index");
    let index = Index::create(&idx).unwrap();
    index.index_dir(&root, &options(1)).unwrap();
    // The only subfolder moved away (an unmounted share looks the same).
    fs::rename(root.join("p00"), tmp.path().join("p00-elsewhere")).unwrap();
    let meta = fs::read(idx.join("meta.json")).unwrap();
    for rebuild in [false, true] {
        let opts = IndexOptions {
            rebuild,
            ..options(1)
        };
        let err = index
            .index_dir(&root, &opts)
            .expect_err("would empty the index");
        match &err {
            Error::TooManyDeletes {
                would_delete,
                documents,
                ..
            } => assert_eq!((*would_delete, *documents), (25, 25)),
            other => panic!("expected TooManyDeletes, got {other:?}"),
        }
        assert_eq!(err.kind(), ErrorKind::Usage);
        let message = err.to_string();
        assert!(
            message.contains("all 25 documents") && message.contains("nothing was changed"),
            "{message}"
        );
        assert_eq!(
            fs::read(idx.join("meta.json")).unwrap(),
            meta,
            "nothing written"
        );
        assert_eq!(unique_paths(&Index::open(&idx).unwrap()).len(), 25);
    }
    // Confirmed: the index follows the (empty) folder.
    let confirmed = IndexOptions {
        max_delete_percent: 100,
        ..options(1)
    };
    let report = index.index_dir(&root, &confirmed).unwrap();
    assert_eq!((report.deleted, report.documents), (25, 0));
}

#[test]
fn deleting_most_of_an_index_needs_consent_but_a_few_deletions_do_not() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, idx) = archive(tmp.path(), 40);
    let index = Index::create(&idx).unwrap();
    index.index_dir(&root, &options(1)).unwrap();
    let paths = unique_paths(&index);
    // 25 of 40 (62%): refused, nothing written.
    for path in &paths[..25] {
        fs::remove_file(root.join(path)).unwrap();
    }
    let err = index.index_dir(&root, &options(1)).expect_err("over half");
    assert!(
        matches!(
            err,
            Error::TooManyDeletes {
                would_delete: 25,
                documents: 40,
                max_percent: 50,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("more than the 50% allowed"),
        "{err}"
    );
    assert_eq!(unique_paths(&index).len(), 40);
    // A higher limit lets it through.
    let seventy = IndexOptions {
        max_delete_percent: 70,
        ..options(1)
    };
    let report: IndexReport = index.index_dir(&root, &seventy).unwrap();
    assert_eq!((report.deleted, report.documents), (25, 15));
    // In a small index, deleting 1 of 2 is ordinary.
    let tmp = tempfile::tempdir().unwrap();
    let (root, idx) = archive(tmp.path(), 2);
    let index = Index::create(&idx).unwrap();
    index.index_dir(&root, &options(1)).unwrap();
    let first = unique_paths(&index).remove(0);
    fs::remove_file(root.join(first)).unwrap();
    assert_eq!(index.index_dir(&root, &options(1)).unwrap().documents, 1);
}

// ---------------------------------------------------------------------------
// Item 10: settings that hurt.

/// Threads of this process whose name starts with `prefix`.
fn threads_named(prefix: &str) -> usize {
    let Ok(tasks) = fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(|t| fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|name| name.starts_with(prefix))
        .count()
}

#[test]
fn a_thousand_threads_are_capped_and_the_report_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, idx) = archive(tmp.path(), 50);
    let most = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&most);
    let opts = IndexOptions {
        threads: 1000,
        memory_mb: 64,
        commit_every: None,
        progress: Some(Arc::new(move |_: &Progress| {
            let n = threads_named("thrd-tantivy-in") + threads_named("newsidx-read");
            seen.fetch_max(n as u64, Ordering::SeqCst);
        })),
        ..IndexOptions::default()
    };
    let report = Index::create(&idx)
        .unwrap()
        .index_dir(&root, &opts)
        .unwrap();
    let cores = std::thread::available_parallelism().unwrap().get();
    assert!(
        report.threads <= cores.min(64 * 1_048_576 / 15_000_000),
        "{report:#?}"
    );
    assert_eq!(report.notes.len(), 1, "{report:#?}");
    assert!(
        report.notes[0].starts_with("1000 indexing threads asked for"),
        "{:?}",
        report.notes
    );
    // Other tests of this binary may index at the same time, with a few
    // threads each; a thousand would show.
    let most = most.load(Ordering::SeqCst);
    assert!(most < 100, "{most} indexing threads ran");
    assert_eq!(report.documents, 50);
}
