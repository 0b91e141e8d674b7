//! Fault injection (tests only): the indexer meets, on purpose, failing
//! reads, failing folder listings, a commit that fails, files that change
//! or vanish between the walk and the read, and a disk that fills.
//!
//! The seams are crate-private and exist only in test builds: the walk and
//! the reads consult [`IndexOptions::faults`](super::IndexOptions), and the
//! index's files go through [`FaultyDirectory`], a tantivy `Directory` that
//! fails writes once a byte budget is spent (`ENOSPC`) and can fail the
//! write of `meta.json`, which publishes a commit (`EIO`).
//!
//! The harness checks, for each fault: the run ends with a report that adds
//! up or with a clear error; the last commit stays searchable (and a failed
//! run changed nothing); articles the run could not see are kept; and the
//! next clean run gives exactly the documents a fresh index of the same
//! folder gives (ids, sources, dates and content hashes). CI runs one trial
//! of each fault; `NEWSIDX_FAULT_TRIALS=N` runs N random trials
//! (`NEWSIDX_FAULT_SEED` picks them).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

use super::IndexOptions;
use super::plan::is_below;
use crate::files::{ReadFailure, read_error};
use crate::walk::{FileEntry, Walk, WalkProblem};

/// Faults a run meets on purpose.
#[derive(Default)]
pub(crate) struct Faults {
    /// Relative paths whose read fails, with the errno.
    reads: Mutex<HashMap<String, i32>>,
    /// Folders (relative paths; "" is the root) whose listing fails, with
    /// the errno: their files are missing from the walk, which reports the
    /// error, as walkdir does.
    listings: Mutex<Vec<(String, i32)>>,
}

impl Faults {
    /// Makes the read of `rel` fail with `errno`.
    pub(crate) fn fail_read(&self, rel: &str, errno: i32) {
        lock(&self.reads).insert(rel.to_string(), errno);
    }

    /// Makes the listing of `folder` fail with `errno`.
    pub(crate) fn fail_listing(&self, folder: &str, errno: i32) {
        lock(&self.listings).push((folder.to_string(), errno));
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// The walk as the faults make it.
pub(crate) fn walk(options: &IndexOptions, mut walk: Walk) -> Walk {
    let Some(faults) = &options.faults else {
        return walk;
    };
    for (folder, errno) in lock(&faults.listings).iter() {
        walk.files
            .retain(|f| !is_below(&f.rel, folder) && f.rel != *folder);
        walk.problems.push(WalkProblem {
            rel: folder.clone(),
            detail: format!(
                "cannot list or open: {}",
                io::Error::from_raw_os_error(*errno)
            ),
            vanished: *errno == libc::ENOENT,
        });
    }
    walk.problems.sort_by(|a, b| a.rel.cmp(&b.rel));
    walk
}

/// The failure the faults make the read of `file` meet, if any.
pub(crate) fn read(options: &IndexOptions, file: &FileEntry) -> Option<ReadFailure> {
    let errno = *lock(&options.faults.as_ref()?.reads).get(&file.rel)?;
    Some(read_error(io::Error::from_raw_os_error(errno)))
}

/// Faults of the disk that holds the index.
#[derive(Debug)]
pub(crate) struct DiskFaults {
    /// Bytes that may still be written before writes fail with ENOSPC.
    space: AtomicI64,
    /// Whether writing `meta.json` (publishing a commit) fails with EIO.
    fail_commit: AtomicBool,
}

impl Default for DiskFaults {
    fn default() -> Self {
        DiskFaults {
            space: AtomicI64::new(i64::MAX),
            fail_commit: AtomicBool::new(false),
        }
    }
}

impl DiskFaults {
    /// Leaves `bytes` of free space.
    pub(crate) fn fill(&self, bytes: i64) {
        self.space.store(bytes, Ordering::SeqCst);
    }

    /// Makes commits fail.
    pub(crate) fn fail_commits(&self) {
        self.fail_commit.store(true, Ordering::SeqCst);
    }

    /// Takes `bytes` of the free space, or fails with ENOSPC.
    fn take(&self, bytes: usize) -> io::Result<()> {
        let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
        let before = self.space.fetch_sub(bytes, Ordering::SeqCst);
        if before < bytes {
            self.space.store(0, Ordering::SeqCst);
            return Err(io::Error::from_raw_os_error(libc::ENOSPC));
        }
        Ok(())
    }
}

/// The index folder, through the faults of [`DiskFaults`].
#[derive(Clone)]
pub(crate) struct FaultyDirectory {
    inner: MmapDirectory,
    faults: Arc<DiskFaults>,
}

impl FaultyDirectory {
    /// The index folder `path`, with `faults`.
    pub(crate) fn open(path: &Path, faults: Arc<DiskFaults>) -> Result<Self, OpenDirectoryError> {
        Ok(FaultyDirectory {
            inner: MmapDirectory::open(path)?,
            faults,
        })
    }
}

impl fmt::Debug for FaultyDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FaultyDirectory({:?})", self.inner)
    }
}

impl Directory for FaultyDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let inner = self.inner.open_write(path)?;
        Ok(BufWriter::new(Box::new(Limited {
            inner,
            faults: Arc::clone(&self.faults),
        })))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        if path == Path::new("meta.json") && self.faults.fail_commit.load(Ordering::SeqCst) {
            return Err(io::Error::from_raw_os_error(libc::EIO));
        }
        self.faults.take(data.len())?;
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(callback)
    }
}

/// A file of the index being written, on a disk that may fill.
struct Limited {
    inner: WritePtr,
    faults: Arc<DiskFaults>,
}

impl Write for Limited {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.faults.take(buf.len())?;
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl TerminatingWrite for Limited {
    fn terminate_ref(&mut self, token: AntiCallToken) -> io::Result<()> {
        self.inner.terminate_ref(token)
    }
}

/// What an index holds, per path: id, source, date and content hash.
pub(crate) type Snapshot = BTreeMap<String, (String, String, String, u64)>;

/// Every document of the index at `path`, read from its last commit.
pub(crate) fn snapshot(path: &Path) -> Snapshot {
    let index = crate::Index::open(path).expect("the index opens");
    let searcher = index.reader().searcher();
    let schema = index.tantivy().schema();
    let mut out = Snapshot::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let hashes = segment.fast_fields().u64("file_hash").expect("file_hash");
        let store = segment.get_store_reader(1).expect("store");
        for doc in segment.doc_ids_alive() {
            let stored: tantivy::TantivyDocument = store.get(doc).expect("stored document");
            let named = tantivy::Document::to_named_doc(&stored, &schema);
            let text = |name: &str| {
                named
                    .0
                    .get(name)
                    .map(|values| format!("{values:?}"))
                    .unwrap_or_default()
            };
            let path = match named.0.get("path").and_then(|v| v.first()) {
                Some(tantivy::schema::OwnedValue::Str(path)) => path.clone(),
                other => panic!("a document without a path: {other:?}"),
            };
            let value = (
                text("id"),
                text("source"),
                text("date"),
                hashes.first(doc).expect("a hash"),
            );
            assert!(
                out.insert(path.clone(), value).is_none(),
                "two documents for {path} (segment {ord})"
            );
        }
    }
    out
}

#[cfg(test)]
mod harness {
    use super::*;
    use crate::error::Error;
    use crate::indexer::{IndexReport, Phase, Progress};
    use crate::{ErrorKind, Index};
    use std::fs;
    use std::time::{Duration, SystemTime};

    /// A small deterministic random number generator (SplitMix64).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n.max(1)
        }
    }

    const SYLLABLES: &[&str] = &[
        "ka", "lo", "mir", "tev", "dru", "pel", "sor", "bax", "fen", "zem",
    ];
    const PUBLISHERS: &[&str] = &["Vantorra Ledger", "Brellwick Tidings", "Ostrick Times"];
    const FOLDERS: usize = 6;

    /// The relative path of generated article `i`.
    fn rel(i: usize) -> String {
        format!(
            "f{}/{i:05}_{:016x}.txt",
            i % FOLDERS,
            (i as u64).wrapping_mul(0x9E37)
        )
    }

    /// Article `i` in its `version` (a new version is an edit).
    fn text(i: usize, version: u64) -> String {
        let mut rng = Rng((i as u64) << 20 ^ version);
        let words: Vec<String> = (0..8 + rng.below(30))
            .map(|_| {
                (0..2 + rng.below(2))
                    .map(|_| SYLLABLES[rng.below(SYLLABLES.len() as u64) as usize])
                    .collect()
            })
            .collect();
        let year = 1990 + (i % 30);
        let publisher = PUBLISHERS[rng.below(PUBLISHERS.len() as u64) as usize];
        format!(
            " date {year}-0{}-1{} Report {i} version {version}: {}.\n© {year} {publisher}",
            1 + i % 9,
            i % 10,
            words.join(" ")
        )
    }

    fn write(root: &Path, i: usize, version: u64) {
        let path = root.join(rel(i));
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text(i, version)).expect("write article");
    }

    /// Sets every file's time a day back: the articles of an archive are not
    /// written moments before a run (which would make them racily clean).
    fn backdate(root: &Path) {
        let when = SystemTime::now() - Duration::from_secs(86_400);
        for folder in fs::read_dir(root).expect("archive") {
            for file in fs::read_dir(folder.expect("entry").path()).expect("folder") {
                let file = fs::File::options()
                    .write(true)
                    .open(file.expect("entry").path())
                    .expect("open");
                file.set_modified(when).expect("set time");
            }
        }
    }

    fn options() -> IndexOptions {
        IndexOptions {
            memory_mb: 32,
            threads: 2,
            commit_every: None,
            ..IndexOptions::default()
        }
    }

    fn assert_adds_up(report: &IndexReport) {
        assert_eq!(
            report.files_seen,
            report.added
                + report.updated
                + report.unchanged
                + report.skipped_total()
                + report.kept
                + report.not_processed,
            "{report:#?}"
        );
        assert_eq!(report.skipped_total() as usize, report.skipped_files.len());
        assert_eq!(report.kept as usize, report.kept_files.len());
        assert_eq!(report.deleted as usize, report.deleted_files.len());
    }

    /// The faults of the matrix.
    #[derive(Debug, Clone, Copy)]
    enum Fault {
        /// Reads of some files fail (EACCES, EIO, EMFILE, or ENOENT: gone).
        Reads,
        /// Listing a folder (or the whole archive) fails.
        Listing,
        /// Writing `meta.json` fails: the commit is not published.
        Commit,
        /// Files change (or vanish) after the walk, before they are read.
        ChangeAfterWalk,
        /// The index's disk fills after a random number of bytes.
        DiskFull,
    }

    const ALL: [Fault; 5] = [
        Fault::Reads,
        Fault::Listing,
        Fault::Commit,
        Fault::ChangeAfterWalk,
        Fault::DiskFull,
    ];

    /// One trial: index an archive, change it, index it again through
    /// `fault`, check what the run did, then check that a clean run ends
    /// where a fresh index of the folder starts.
    fn trial(fault: Fault, rng: &mut Rng) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("archive");
        let count = 60 + rng.below(120) as usize;
        for i in 0..count {
            write(&root, i, 0);
        }
        backdate(&root);
        let idx = tmp.path().join("index");
        Index::create(&idx)
            .and_then(|a| a.index_dir(&root, &options()))
            .expect("first run");
        // Edits, additions and a few deletions (under the mass-delete limit).
        let mut version = BTreeMap::new();
        for _ in 0..1 + rng.below(10) {
            let i = rng.below(count as u64) as usize;
            version.insert(i, 1 + rng.below(5));
        }
        for (&i, &v) in &version {
            write(&root, i, v);
        }
        let added = rng.below(15) as usize;
        for i in count..count + added {
            write(&root, i, 0);
        }
        for _ in 0..rng.below(5) {
            let _ = fs::remove_file(root.join(rel(rng.below(count as u64) as usize)));
        }
        let before = snapshot(&idx);

        let faults = Arc::new(Faults::default());
        let disk = Arc::new(DiskFaults::default());
        let mut opts = options();
        opts.faults = Some(Arc::clone(&faults));
        let unlisted = format!("f{}", rng.below(FOLDERS as u64));
        match fault {
            Fault::Reads => {
                // Files the run must read: the edited and the new ones.
                let read: Vec<usize> = version
                    .keys()
                    .copied()
                    .chain(count..count + added)
                    .collect();
                let errnos = [libc::EACCES, libc::EIO, libc::EMFILE, libc::ENOENT];
                for _ in 0..1 + rng.below(8) {
                    let i = read[rng.below(read.len() as u64) as usize];
                    faults.fail_read(&rel(i), errnos[rng.below(4) as usize]);
                }
            }
            Fault::Listing => {
                let folder = if rng.below(5) == 0 { "" } else { &unlisted };
                let errno = [libc::EACCES, libc::EIO][rng.below(2) as usize];
                faults.fail_listing(folder, errno);
            }
            Fault::Commit => disk.fail_commits(),
            Fault::ChangeAfterWalk => {
                let root = root.clone();
                let picks: Vec<(usize, u64)> = (0..1 + rng.below(6))
                    .map(|_| (rng.below((count + added) as u64) as usize, rng.below(3)))
                    .collect();
                let done = AtomicBool::new(false);
                opts.progress = Some(Arc::new(move |p: &Progress| {
                    if p.phase == Phase::Indexing && !done.swap(true, Ordering::SeqCst) {
                        for &(i, what) in &picks {
                            if what == 0 {
                                let _ = fs::remove_file(root.join(rel(i)));
                            } else {
                                write(&root, i, 100 + what);
                            }
                        }
                    }
                }));
            }
            Fault::DiskFull => disk.fill(rng.below(200_000) as i64),
        }

        let directory = FaultyDirectory::open(&idx, Arc::clone(&disk)).expect("directory");
        let index = Index::open_directory(&idx, directory).expect("open through the faults");
        let result = index.index_dir(&root, &opts);
        drop(index);
        let after = snapshot(&idx);
        match (&result, fault) {
            (Ok(report), _) => {
                assert_adds_up(report);
                assert_eq!(report.documents as usize, after.len());
                for kept in &report.kept_files {
                    assert_eq!(
                        after.get(&kept.path),
                        before.get(&kept.path),
                        "{fault:?}: {} is reported kept",
                        kept.path
                    );
                }
                if let Fault::Listing = fault {
                    // Nothing below the folder that could not be listed was
                    // lost.
                    let folder = lock(&faults.listings)[0].0.clone();
                    for (path, doc) in &before {
                        if is_below(path, &folder) {
                            assert_eq!(after.get(path), Some(doc), "{fault:?}: {path} lost");
                        }
                    }
                }
            }
            (Err(e), Fault::Commit | Fault::DiskFull) => {
                assert!(
                    matches!(e, Error::IndexIo { .. }),
                    "{fault:?}: the error must say what happened: {e:?}"
                );
                assert_eq!(e.kind(), ErrorKind::Internal);
                let message = e.to_string();
                assert!(message.contains(&idx.display().to_string()), "{message}");
                assert_eq!(after, before, "{fault:?}: a failed run must change nothing");
            }
            (Err(e), _) => panic!("{fault:?}: the run must end with a report: {e:?}"),
        }
        if let Fault::Reads = fault
            && let Ok(report) = &result
        {
            let failing = lock(&faults.reads).clone();
            for (path, errno) in &failing {
                if *errno != libc::ENOENT && before.contains_key(path) && root.join(path).exists() {
                    assert!(
                        report.kept_files.iter().any(|k| k.path == *path),
                        "{path} must be reported kept: {report:#?}"
                    );
                }
            }
        }

        // The next clean run ends where a fresh index starts.
        let index = Index::open(&idx).expect("the index opens after the fault");
        let report = index.index_dir(&root, &options()).expect("clean run");
        assert_adds_up(&report);
        drop(index);
        let fresh = tmp.path().join("fresh");
        Index::create(&fresh)
            .and_then(|a| a.index_dir(&root, &options()))
            .expect("fresh index");
        assert_eq!(
            snapshot(&idx),
            snapshot(&fresh),
            "{fault:?}: the clean run must give what a fresh index gives"
        );
    }

    fn env(name: &str) -> Option<u64> {
        std::env::var(name).ok()?.parse().ok()
    }

    #[test]
    fn every_fault_ends_with_a_report_or_error_and_a_clean_run_repairs_it() {
        let seed = env("NEWSIDX_FAULT_SEED").unwrap_or(0x5EED);
        let mut rng = Rng(seed);
        for fault in ALL {
            trial(fault, &mut rng);
        }
        let extra = env("NEWSIDX_FAULT_TRIALS").unwrap_or(0);
        for n in 0..extra {
            let fault = ALL[rng.below(ALL.len() as u64) as usize];
            eprintln!("fault trial {n} of {extra}: {fault:?}");
            trial(fault, &mut rng);
        }
    }

    /// An archive of `count` backdated articles, indexed: (tempdir, root,
    /// index).
    fn indexed(count: usize) -> (tempfile::TempDir, PathBuf, PathBuf) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("archive");
        for i in 0..count {
            write(&root, i, 0);
        }
        backdate(&root);
        let idx = tmp.path().join("index");
        Index::create(&idx)
            .and_then(|a| a.index_dir(&root, &options()))
            .expect("first run");
        (tmp, root, idx)
    }

    fn run_with(root: &Path, idx: &Path, faults: Faults) -> IndexReport {
        let mut opts = options();
        opts.faults = Some(Arc::new(faults));
        Index::open(idx)
            .and_then(|a| a.index_dir(root, &opts))
            .expect("the run ends with a report")
    }

    /// Item 1: a walk error on a folder (EACCES from chmod 000, EIO from a
    /// network share) protects every known article below it, and only
    /// below it (`f1` is not `f1x`).
    #[test]
    fn a_folder_that_cannot_be_listed_keeps_its_articles() {
        for errno in [libc::EACCES, libc::EIO] {
            let tmp = tempfile::tempdir().expect("tempdir");
            let root = tmp.path().join("archive");
            for i in 0..36 {
                write(&root, i, 0);
            }
            // A sibling folder whose name starts with the folder's.
            fs::create_dir_all(root.join("f1x")).expect("mkdir");
            fs::write(root.join("f1x/sibling.txt"), text(99, 0)).expect("write");
            backdate(&root);
            let idx = tmp.path().join("index");
            Index::create(&idx)
                .and_then(|a| a.index_dir(&root, &options()))
                .expect("first run");
            let before = snapshot(&idx);
            let below: Vec<&String> = before.keys().filter(|p| p.starts_with("f1/")).collect();
            assert_eq!(below.len(), 6);
            // Deleted from the sibling, and from the folder (which the run
            // cannot see: its document stays until the folder is readable).
            fs::remove_file(root.join("f1x/sibling.txt")).expect("delete");
            fs::remove_file(root.join(rel(7))).expect("delete");
            let faults = Faults::default();
            faults.fail_listing("f1", errno);
            let report = run_with(&root, &idx, faults);
            assert_adds_up(&report);
            let after = snapshot(&idx);
            for path in &below {
                assert_eq!(after.get(*path), before.get(*path), "{path} lost ({errno})");
                let kept = report.kept_files.iter().find(|k| k.path == **path);
                let kept = kept.unwrap_or_else(|| panic!("{path} not reported: {report:#?}"));
                assert_eq!(kept.reason, super::super::KeptReason::FolderUnreadable);
                assert!(
                    kept.detail.starts_with("f1 could not be listed"),
                    "{}",
                    kept.detail
                );
            }
            assert_eq!(report.kept, 6);
            assert_eq!(report.deleted_files.len(), 1, "{report:#?}");
            assert_eq!(report.deleted_files[0].path, "f1x/sibling.txt");
            assert_eq!(report.skipped["unreadable"], 1, "the folder is reported");
            // Once the folder can be listed again, the deletion happens.
            let report = run_with(&root, &idx, Faults::default());
            assert_eq!(report.deleted_files.len(), 1, "{report:#?}");
            assert_eq!(report.deleted_files[0].path, rel(7));
        }
    }

    /// Item 7: a file that cannot be read now keeps its last good version
    /// and is reported as kept; one that vanished while the run read it
    /// leaves the index.
    #[test]
    fn a_file_that_cannot_be_read_now_keeps_its_last_version() {
        let (_tmp, root, idx) = indexed(12);
        let before = snapshot(&idx);
        for i in [2, 3, 4] {
            write(&root, i, 9);
        }
        let faults = Faults::default();
        faults.fail_read(&rel(2), libc::EACCES);
        faults.fail_read(&rel(3), libc::EIO);
        faults.fail_read(&rel(4), libc::ENOENT);
        let report = run_with(&root, &idx, faults);
        assert_adds_up(&report);
        let after = snapshot(&idx);
        for i in [2, 3] {
            assert_eq!(
                after.get(&rel(i)),
                before.get(&rel(i)),
                "the last version stays"
            );
            let kept = report.kept_files.iter().find(|k| k.path == rel(i));
            let kept = kept.unwrap_or_else(|| panic!("{} not kept: {report:#?}", rel(i)));
            assert_eq!(kept.reason, super::super::KeptReason::Unreadable);
            assert!(kept.detail.contains("cannot be read"), "{}", kept.detail);
        }
        assert!(
            !after.contains_key(&rel(4)),
            "a vanished file leaves the index"
        );
        assert_eq!(report.deleted_files.len(), 1);
        assert_eq!(report.deleted_files[0].reason, "vanished");
        assert_eq!((report.kept, report.deleted), (2, 1));
    }

    /// Item 6 with item 7: a recently modified file that the run could not
    /// read is compared by content in the next run, although that run
    /// starts well after the file's time.
    #[test]
    fn a_racy_file_that_could_not_be_read_is_hashed_next_time() {
        let (_tmp, root, idx) = indexed(12);
        let path = root.join(rel(5));
        let when = SystemTime::now() - Duration::from_millis(2500);
        write(&root, 5, 1);
        fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(when))
            .expect("set time");
        run_with(&root, &idx, Faults::default());
        // Same size, same time, other words; the next run cannot read it.
        let old = fs::read_to_string(&path).expect("read");
        let new: String = old
            .chars()
            .map(|c| if c == 'a' { 'e' } else { c })
            .collect();
        assert_ne!(old, new);
        fs::write(&path, &new).expect("edit");
        fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(when))
            .expect("set time");
        std::thread::sleep(Duration::from_millis(700));
        let faults = Faults::default();
        faults.fail_read(&rel(5), libc::EIO);
        let report = run_with(&root, &idx, faults);
        assert_eq!(report.kept, 1, "{report:#?}");
        let report = run_with(&root, &idx, Faults::default());
        assert_eq!(report.updated, 1, "{report:#?}");
        let hash = snapshot(&idx)[&rel(5)].3;
        assert_eq!(hash, xxhash_rust::xxh3::xxh3_64(new.as_bytes()));
    }

    #[test]
    fn the_faulty_directory_fills_and_fails_commits() {
        let disk = DiskFaults::default();
        disk.fill(10);
        assert!(disk.take(4).is_ok());
        let err = disk.take(7).expect_err("full");
        assert_eq!(err.raw_os_error(), Some(libc::ENOSPC));
    }
}
