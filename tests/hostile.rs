//! A hostile archive (issue 6, item 1): empty files, a huge one-line file,
//! NUL bytes, invalid UTF-8, an article with 100,000 comments, 200 nested
//! folders, a symbolic link loop, an unreadable file, a file deleted between
//! the walk and the read, file names that are not UTF-8, a folder named
//! `x.txt`, a FIFO named `pipe.txt`. The run must not abort, and every file
//! must be either indexed or reported with its reason.
//!
//! `NEWSIDX_HOSTILE_BIG_MB` sets the size of the one-line file (default 50).

#![cfg(unix)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use newsidx::article::ParseOptions;
use newsidx::search::SearchRequest;
use newsidx::{Index, IndexOptions, IndexReport};
use newsidx::{Phase, Progress};

/// What the test expects of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// Indexed, under this relative path.
    Indexed,
    /// Reported with this reason, and a detail that contains the text.
    Skipped(&'static str, &'static str),
}

struct Hostile {
    root: PathBuf,
    /// Relative path (as the index shows it) and what to expect.
    files: Vec<(String, Expect)>,
    /// The file the progress callback deletes once the walk is done.
    vanishing: PathBuf,
}

fn big_mb() -> usize {
    std::env::var("NEWSIDX_HOSTILE_BIG_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50)
}

/// Whether permission bits fail to stop this process from reading (root).
fn permissions_do_not_apply(path: &Path) -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    root || fs::read(path).is_ok()
}

/// Writes a file of the hostile archive and records what to expect of it.
fn add(root: &Path, files: &mut Vec<(String, Expect)>, rel: &str, bytes: &[u8], expect: Expect) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, bytes).unwrap();
    files.push((rel.to_string(), expect));
}

fn build(dir: &Path) -> Hostile {
    let root = dir.join("archive");
    fs::create_dir_all(&root).unwrap();
    let mut files = Vec::new();
    let mut rng = common::Rng::new(0x5eed);
    let good = |rng: &mut common::Rng, marker: &str| {
        format!(
            " date 2020-02-02 {} {marker}\n{}\n© 2020 Hostile Test Press\n—-\nSyndicated.",
            common::sentence(rng, 5, 10),
            common::sentence(rng, 10, 20)
        )
    };

    add(
        &root,
        &mut files,
        "empty.txt",
        b"",
        Expect::Skipped("empty", "0 bytes"),
    );
    add(
        &root,
        &mut files,
        "blank.txt",
        b"  \n\t\r\n \n",
        Expect::Skipped("empty", ""),
    );
    let mut nul = good(&mut rng, "xqnulbyte").into_bytes();
    nul.insert(20, 0);
    add(
        &root,
        &mut files,
        "nul.txt",
        &nul,
        Expect::Skipped("binary", "NUL"),
    );
    add(
        &root,
        &mut files,
        "controls.txt",
        &[1u8, 2, 3, 4, 5, 6, 7, 8, 0x0e, 0x0f].repeat(300),
        Expect::Skipped("binary", "control"),
    );

    // Invalid UTF-8 throughout: every line has lone bytes.
    let mut invalid = Vec::new();
    invalid.extend_from_slice(b" date 2019-09-09 Caf\xe9 xqinvalid \xff\xfe opens\n");
    for _ in 0..50 {
        invalid.extend_from_slice(common::sentence(&mut rng, 3, 8).as_bytes());
        invalid.extend_from_slice(b" \xc3\x28 \xa0\xa1 \xf0\x28\x8c\xbc\n");
    }
    invalid
        .extend_from_slice(b"\xc2\xa9 2019 Lat\xefn Press\nJoin the discussion\nna\xefve \xff\n");
    add(
        &root,
        &mut files,
        "invalid-utf8.txt",
        &invalid,
        Expect::Indexed,
    );
    let high: Vec<u8> = (0..10_000).map(|i| 0x80 + (i % 0x80) as u8).collect();
    add(
        &root,
        &mut files,
        "all-high-bytes.txt",
        &high,
        Expect::Indexed,
    );
    add(
        &root,
        &mut files,
        "cr-only.txt",
        b" date 2018-01-01 One\rline\rwith\rCR\r",
        Expect::Indexed,
    );
    add(
        &root,
        &mut files,
        "UPPER.TXT",
        good(&mut rng, "xqupper").as_bytes(),
        Expect::Indexed,
    );
    add(
        &root,
        &mut files,
        &format!("{}.txt", "n".repeat(251)),
        good(&mut rng, "xqlongname").as_bytes(),
        Expect::Indexed,
    );
    add(
        &root,
        &mut files,
        "new\nline\tand\x1b[31mescape.txt",
        good(&mut rng, "xqcontrolname").as_bytes(),
        Expect::Indexed,
    );

    // One line of `big_mb()` megabytes, a marker word at its very end.
    let mut big = String::with_capacity(big_mb() << 20);
    big.push_str(" date 2021-03-04 ");
    while big.len() < (big_mb() << 20) - 100 {
        big.push_str(&common::word(&mut rng));
        big.push(' ');
    }
    big.push_str("xqbigend");
    add(
        &root,
        &mut files,
        "big/one-line.txt",
        big.as_bytes(),
        Expect::Indexed,
    );
    drop(big);
    // One word of a megabyte, and nothing else.
    add(
        &root,
        &mut files,
        "long-token.txt",
        &b"q".repeat(1 << 20),
        Expect::Indexed,
    );

    // 100,000 comments.
    let mut thread = good(&mut rng, "xqmanycomments");
    thread.push_str("\nJoin the discussion");
    for i in 0..100_000 {
        thread.push_str(&format!("\nComment {i} says {}", common::word(&mut rng)));
    }
    add(
        &root,
        &mut files,
        "comments/100k.txt",
        thread.as_bytes(),
        Expect::Indexed,
    );

    // 200 nested folders.
    let deep = format!("{}deep.txt", "d/".repeat(200));
    add(
        &root,
        &mut files,
        &deep,
        good(&mut rng, "xqdeep").as_bytes(),
        Expect::Indexed,
    );

    // A folder named like an article, with an article inside.
    add(
        &root,
        &mut files,
        "x.txt/inside.txt",
        good(&mut rng, "xqinside").as_bytes(),
        Expect::Indexed,
    );

    // An unreadable file. Root reads it all the same: then it is indexed.
    add(
        &root,
        &mut files,
        "locked/noperm.txt",
        good(&mut rng, "xqnoperm").as_bytes(),
        Expect::Indexed,
    );
    let noperm = root.join("locked/noperm.txt");
    fs::set_permissions(&noperm, fs::Permissions::from_mode(0o000)).unwrap();
    if !permissions_do_not_apply(&noperm) {
        files.last_mut().unwrap().1 = Expect::Skipped("unreadable", "cannot be read");
    }

    // Deleted by the progress callback after the walk, before the read.
    add(
        &root,
        &mut files,
        "vanish/gone.txt",
        good(&mut rng, "xqvanish").as_bytes(),
        Expect::Skipped("unreadable", "vanished"),
    );
    let vanishing = root.join("vanish/gone.txt");

    // Hidden files are not seen at all.
    fs::write(root.join(".hidden.txt"), good(&mut rng, "xqhidden")).unwrap();

    // Symbolic links: a loop, a dangling link, a good link to a file.
    fs::create_dir_all(root.join("loop")).unwrap();
    symlink("..", root.join("loop/up")).unwrap();
    files.push((
        "loop/up".into(),
        Expect::Skipped("unreadable", "symbolic link loop"),
    ));
    symlink("missing-target.txt", root.join("dangling.txt")).unwrap();
    files.push(("dangling.txt".into(), Expect::Skipped("unreadable", "")));

    // A FIFO named like an article: never opened (it would block).
    let fifo = std::ffi::CString::new(root.join("pipe.txt").as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0, "mkfifo");

    // File names that are not UTF-8; the twins collide once repaired.
    let raw = |name: &[u8]| root.join(OsStr::from_bytes(name));
    fs::write(raw(b"bad-\xff\xfe-name.txt"), good(&mut rng, "xqbadname")).unwrap();
    files.push(("bad-\u{FFFD}\u{FFFD}-name.txt".into(), Expect::Indexed));
    fs::write(raw(b"twin-\xfe.txt"), good(&mut rng, "xqtwinone")).unwrap();
    fs::write(raw(b"twin-\xff.txt"), good(&mut rng, "xqtwintwo")).unwrap();
    files.push(("twin-\u{FFFD}.txt".into(), Expect::Indexed));
    files.push((
        "twin-\u{FFFD}.txt".into(),
        Expect::Skipped("unreadable", "not valid UTF-8"),
    ));

    Hostile {
        root,
        files,
        vanishing,
    }
}

/// Runs `index_dir` in a thread, failing (not hanging) if it never returns:
/// opening the FIFO would block forever.
fn index_with_watchdog(archive: Arc<Index>, root: &Path, options: IndexOptions) -> IndexReport {
    let (done, report) = mpsc::channel();
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        let _ = done.send(archive.index_dir(&root, &options));
    });
    report
        .recv_timeout(Duration::from_secs(900))
        .expect("the indexer hung (did it open the FIFO?)")
        .expect("a hostile archive must not abort the run")
}

/// Checks that every file is indexed or reported, as expected.
fn assert_accounted(archive: &Index, report: &IndexReport, expected: &[(String, Expect)]) {
    let paths: Vec<String> = common::all_hits(archive)
        .into_iter()
        .map(|h| h.path)
        .collect();
    common::assert_no_duplicates(&paths);
    let indexed: BTreeSet<&str> = paths.iter().map(String::as_str).collect();
    let mut want_indexed = BTreeSet::new();
    let mut want_skipped = Vec::new();
    for (rel, expect) in expected {
        match expect {
            Expect::Indexed => {
                want_indexed.insert(rel.as_str());
            }
            Expect::Skipped(reason, detail) => want_skipped.push((rel.as_str(), *reason, *detail)),
        }
    }
    assert_eq!(indexed, want_indexed, "indexed documents");
    let mut got: Vec<(&str, &str, &str)> = report
        .skipped_files
        .iter()
        .map(|s| (s.path.as_str(), s.reason.as_str(), s.detail.as_str()))
        .collect();
    got.sort();
    want_skipped.sort();
    assert_eq!(
        got.len(),
        want_skipped.len(),
        "skipped files: {:#?}",
        report.skipped_files
    );
    for ((path, reason, detail), (want_path, want_reason, want_detail)) in
        got.iter().zip(&want_skipped)
    {
        assert_eq!((path, reason), (want_path, want_reason), "{detail}");
        assert!(
            detail.contains(want_detail),
            "{path}: {detail:?} should say {want_detail:?}"
        );
    }
    assert_eq!(
        report.files_seen as usize,
        expected.len(),
        "files seen: {report:#?}"
    );
}

#[test]
fn a_hostile_archive_is_indexed_or_reported_file_by_file() {
    let tmp = tempfile::tempdir().unwrap();
    let hostile = build(tmp.path());
    let idx = tmp.path().join("index");
    let archive = Arc::new(Index::create(&idx).unwrap());

    // Delete a walked file as soon as the walk is over: the first report of
    // the indexing phase comes after the walk and before any file is read.
    let vanishing = hostile.vanishing.clone();
    let deleted = Arc::new(AtomicBool::new(false));
    let deleted_flag = Arc::clone(&deleted);
    let mut options = common::options(2);
    options.progress = Some(Arc::new(move |p: &Progress| {
        if p.phase == Phase::Indexing && !deleted_flag.swap(true, Ordering::SeqCst) {
            fs::remove_file(&vanishing).expect("delete the walked file");
        }
    }));
    let report = index_with_watchdog(Arc::clone(&archive), &hostile.root, options);
    assert!(deleted.load(Ordering::SeqCst));
    eprintln!(
        "hostile archive: {} files seen, {} indexed, skipped {:?}, {:.1} s",
        report.files_seen, report.added, report.skipped, report.seconds
    );
    if let Some(kb) = common::peak_rss_kb() {
        eprintln!(
            "peak RSS after indexing the hostile archive ({} MB one-line file): {:.1} MB",
            big_mb(),
            kb as f64 / 1024.0
        );
    }
    common::assert_adds_up(&report);
    assert!(!report.interrupted);
    assert_eq!(report.not_processed, 0);
    assert_accounted(&archive, &report, &hostile.files);
    assert!(report.repaired >= 2, "{report:#?}");

    // The odd articles are searchable and whole.
    for marker in [
        "xqbigend",
        "xqmanycomments",
        "xqdeep",
        "xqinside",
        "xqbadname",
        "xqcontrolname",
        "xqinvalid",
        "xqupper",
    ] {
        assert_eq!(common::total(&archive, marker), 1, "{marker}");
    }
    assert_eq!(common::total(&archive, "xqhidden"), 0);
    assert_eq!(common::total(&archive, "xqvanish"), 0);
    let thread = archive.searcher().expect("searcher").get("100k").unwrap();
    assert_eq!(thread.len(), 1);
    assert_eq!(thread[0].comments.len(), 100_000);
    assert_eq!(thread[0].comments[99_999].split(' ').nth(1), Some("99999"));
    let invalid = archive
        .searcher()
        .expect("searcher")
        .get("invalid-utf8")
        .unwrap();
    assert!(invalid[0].repaired);
    assert_eq!(invalid[0].source.as_deref(), Some("Lat\u{FFFD}n Press"));
    let deep = archive.searcher().expect("searcher").get("deep").unwrap();
    assert_eq!(deep[0].path.split('/').count(), 201);
    let stats = archive.searcher().expect("searcher").stats().unwrap();
    assert!(stats.comments >= 100_000);
    let results = archive
        .search(&SearchRequest::new("comments:says").page(1, 0))
        .unwrap();
    assert_eq!(results.total, 1);

    // A second run changes nothing and reads only what holds no article.
    let again = index_with_watchdog(Arc::clone(&archive), &hostile.root, common::options(2));
    common::assert_adds_up(&again);
    assert_eq!(
        (again.added, again.updated, again.deleted),
        (0, 0, 0),
        "{again:#?}"
    );
    assert_eq!(again.unchanged, report.added);
    assert_eq!(again.documents, report.documents);
    let expected_again: Vec<(String, Expect)> = hostile
        .files
        .iter()
        .filter(|(rel, _)| rel != "vanish/gone.txt")
        .cloned()
        .collect();
    assert_accounted(&archive, &again, &expected_again);
}

#[test]
fn a_small_size_limit_reports_large_files_as_too_large() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    let spec = common::Spec::default();
    common::generate(&root, &spec, 0..20);
    fs::write(root.join("large.txt"), "word ".repeat(20_000)).unwrap();
    fs::write(root.join("just-under.txt"), "w".repeat(1023)).unwrap();
    fs::write(root.join("exactly.txt"), "w".repeat(1024)).unwrap();
    fs::write(root.join("just-over.txt"), "w".repeat(1025)).unwrap();
    let archive = Index::create(tmp.path().join("index")).unwrap();
    let options = IndexOptions {
        parse: ParseOptions {
            max_file_size: 1024,
        },
        ..common::options(2)
    };
    let report = archive.index_dir(&root, &options).unwrap();
    common::assert_adds_up(&report);
    let too_large: BTreeMap<&str, &str> = report
        .skipped_files
        .iter()
        .filter(|s| s.reason.as_str() == "too_large")
        .map(|s| (s.path.as_str(), s.detail.as_str()))
        .collect();
    assert!(too_large.contains_key("large.txt"), "{report:#?}");
    assert!(too_large.contains_key("just-over.txt"), "{report:#?}");
    assert!(!too_large.contains_key("exactly.txt"));
    assert!(!too_large.contains_key("just-under.txt"));
    assert!(
        too_large
            .values()
            .all(|d| d.contains("over the limit of 1024 bytes")),
        "{too_large:?}"
    );
    // The generated articles are around a kilobyte: each is either indexed
    // or too large, nothing else.
    assert_eq!(report.skipped_total(), too_large.len() as u64);
    assert_eq!(report.added + too_large.len() as u64, 24);
    let generated_too_large = (0..20)
        .map(|i| common::article(&spec, i))
        .filter(|a| a.text.len() > 1024)
        .count();
    assert_eq!(too_large.len(), 2 + generated_too_large);

    // Raising the limit indexes them on the next run.
    let raised = IndexOptions {
        parse: ParseOptions {
            max_file_size: 1 << 20,
        },
        ..common::options(2)
    };
    let report = archive.index_dir(&root, &raised).unwrap();
    common::assert_adds_up(&report);
    assert_eq!(report.skipped_total(), 0, "{report:#?}");
    assert_eq!(report.documents, 24);
}
