//! The parallel, incremental indexer: [`Archive::index_dir`].
//!
//! A run walks the archive folder, compares every file's size and
//! modification time with what the index recorded, and reads only the files
//! that are new or changed. rayon reads, hashes and parses them in parallel
//! and hands documents to one tantivy `IndexWriter`, whose own threads do the
//! tokenizing. Documents are keyed by their path: an add into an index that
//! holds documents deletes the path's document first, in the same commit,
//! so a file never has two documents, whatever the run believed the index
//! held. Files that vanished have their documents deleted.
//!
//! The rules that keep every article exactly once (ARCHITECTURE.md lists
//! them as invariants):
//!
//! - **What the run compares with is the last commit.** The reader is
//!   reloaded after the writer lock is taken, so a handle opened before
//!   another indexer's commit does not add a second copy of what that
//!   indexer added.
//! - **Settings do not drift.** An update with another source mode or
//!   another text analysis than the index records is refused
//!   ([`Error::SettingsChanged`], [`Error::AnalysisChanged`]); a rebuild
//!   changes them.
//! - **A folder that cannot be listed protects its articles.** Every known
//!   document below it stays and is reported as kept (`folder_unreadable`).
//! - **Racily clean files are hashed.** "Unchanged" means same size and
//!   modification time, and that time clearly (by [`RACY_WINDOW_NS`]) older
//!   than the start of the last complete run, which read or verified every
//!   file modified after it; otherwise (and for unknown times) the content
//!   hash decides, as git does for racily clean entries. The threshold is
//!   recorded in the commit ([`IndexRecord::racy_from_ns`]); it stays put
//!   for an interrupted run's commits and goes no later than the time of a
//!   recent file the run could not read. Times before 1970 are negative
//!   nanoseconds.
//! - **Stale content, one rule per case.** A file that cannot be read now
//!   (permissions, I/O error) keeps its last good document and is reported
//!   as kept (`unreadable`); a file that vanished, or that is now empty,
//!   binary or over the size limit, leaves the index and is listed in
//!   [`IndexReport::deleted_files`] with its reason.
//! - **Mass deletes need consent.** A run that would delete every document,
//!   or more than [`IndexOptions::max_delete_percent`] of them, stops
//!   before it commits ([`Error::TooManyDeletes`]).
//! - **A rebuild is published whole or not at all.** It deletes every
//!   document and re-adds the archive in one commit at its end (no
//!   periodic commits); a cancelled rebuild is rolled back, so searches see
//!   the old index until the new one is complete, and a crash leaves the
//!   old commit.
//!
//! Safety of an update: its changes become visible in one commit at its end
//! (or at each periodic commit, see [`IndexOptions::commit_every`]); each
//! commit is a consistent state, since a document's delete and add always
//! land together. A crash leaves the last commit in place, and the next run
//! picks up what is missing, because it compares the archive with what the
//! index holds. A cancelled update commits the work done so far.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;
use serde::Serialize;
use tantivy::indexer::IndexWriterOptions;
use tantivy::schema::Value;
use tantivy::{IndexWriter, TantivyDocument, TantivyError, Term};

use crate::archive::{Archive, IndexRecord, writer_error};
use crate::article::{self, Article, ParseOptions, Skip, SkipReason};
use crate::error::{Error, Result};
use crate::fingerprint::analysis_fingerprint;
use crate::schema::{self, Fields};
use crate::walk::{self, FileEntry, MTIME_UNKNOWN};

#[cfg(test)]
pub(crate) mod faults;

/// Default indexing memory budget, in megabytes.
pub const DEFAULT_MEMORY_MB: usize = 512;

/// Default of [`IndexOptions::max_delete_percent`].
pub const DEFAULT_MAX_DELETE_PERCENT: u8 = 50;

/// Deletions a run may always make, whatever the share, unless they empty
/// the index: in a small index, deleting 3 of 5 articles is ordinary.
pub const FREE_DELETES: u64 = 10;

/// How much older than the start of the last run a file's modification
/// time must be for size and time alone to prove it unchanged: FAT keeps
/// times to 2 s, SMB shares to 1-2 s, plus a second for clocks that round.
pub const RACY_WINDOW_NS: i64 = 3_000_000_000;

/// Files handed to rayon at a time; progress and cancellation are checked
/// between batches.
const BATCH: usize = 512;

/// tantivy's minimum memory budget of one indexing thread (15 MB).
const MIN_THREAD_BUDGET: usize = 15_000_000;

/// The largest memory budget of one indexing thread (tantivy's limit is
/// just under 4 GiB).
const MAX_THREAD_BUDGET: usize = 4_000_000_000;

/// Where an article's source (publisher) comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFrom {
    /// The holder named in the copyright line (the format's rule).
    #[default]
    Copyright,
    /// The file's top-level folder under the archive root (archives kept
    /// one publisher per folder); files at the root keep their copyright
    /// holder.
    Folder,
}

impl SourceFrom {
    /// The source of an article: the holder of its copyright line, or with
    /// [`SourceFrom::Folder`] the top-level folder of its path (the
    /// copyright holder for a file at the root).
    pub(crate) fn source(self, article: &Article) -> Option<&str> {
        match self {
            SourceFrom::Folder => top_folder(&article.path).or(article.source.as_deref()),
            SourceFrom::Copyright => article.source.as_deref(),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            SourceFrom::Copyright => "copyright",
            SourceFrom::Folder => "folder",
        }
    }
}

/// What a progress callback is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Walking the archive folder.
    Walking,
    /// Reading and indexing files; `files_done` of `files_total`.
    Indexing,
    /// Writing the commit and merging segments.
    Committing,
}

/// A progress report, given to [`IndexOptions::progress`].
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// The current phase.
    pub phase: Phase,
    /// Files seen by the walk.
    pub files_total: u64,
    /// Files dealt with so far (indexed, unchanged or skipped).
    pub files_done: u64,
    /// Bytes of the files that must be read.
    pub bytes_total: u64,
    /// Bytes read so far.
    pub bytes_done: u64,
}

/// A progress callback.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Options of an indexing run.
#[derive(Clone)]
pub struct IndexOptions {
    /// Total memory budget of the index writer, in megabytes.
    pub memory_mb: usize,
    /// Indexing threads (0: all cores). At most the cores available and
    /// one per 15 MB of the memory budget are used; the report says so.
    pub threads: usize,
    /// Where sources come from.
    pub source_from: SourceFrom,
    /// Parser limits (the maximum file size).
    pub parse: ParseOptions,
    /// Replace every document with the archive's current files, in one
    /// commit at the end (also changes the recorded settings and archive).
    pub rebuild: bool,
    /// Commit at least this often during a long update (`None`: once, at
    /// the end). A rebuild commits only once it is complete.
    pub commit_every: Option<Duration>,
    /// The largest share of the index's documents, in percent, a run may
    /// delete (files gone, or no longer indexable). A run that would delete
    /// more, or every document, stops before it commits with
    /// [`Error::TooManyDeletes`]; up to [`FREE_DELETES`] deletions are
    /// always allowed unless they empty the index. 100 allows everything.
    pub max_delete_percent: u8,
    /// Set to `true` to stop early: an update commits the work done so far,
    /// a rebuild is abandoned and the index stays as it was.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Called from the calling thread as the run advances.
    pub progress: Option<ProgressFn>,
    /// Faults to inject (tests only).
    #[cfg(test)]
    pub(crate) faults: Option<Arc<faults::Faults>>,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            memory_mb: DEFAULT_MEMORY_MB,
            threads: 0,
            source_from: SourceFrom::Copyright,
            parse: ParseOptions::default(),
            rebuild: false,
            commit_every: Some(Duration::from_secs(60)),
            max_delete_percent: DEFAULT_MAX_DELETE_PERCENT,
            cancel: None,
            progress: None,
            #[cfg(test)]
            faults: None,
        }
    }
}

impl fmt::Debug for IndexOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexOptions")
            .field("memory_mb", &self.memory_mb)
            .field("threads", &self.threads)
            .field("source_from", &self.source_from)
            .field("parse", &self.parse)
            .field("rebuild", &self.rebuild)
            .field("commit_every", &self.commit_every)
            .field("max_delete_percent", &self.max_delete_percent)
            .field("cancel", &self.cancel.is_some())
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// A file that was not indexed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedFile {
    /// Path relative to the archive root.
    pub path: String,
    /// The kind of problem.
    pub reason: SkipReason,
    /// What exactly was found.
    pub detail: String,
}

/// Why a document was kept although its file could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeptReason {
    /// The file could not be opened or read (permissions, an I/O error):
    /// its last good version stays searchable.
    Unreadable,
    /// A folder above the file could not be listed, so the run could not
    /// tell whether the file is still there.
    FolderUnreadable,
}

impl KeptReason {
    /// The reason's name as it appears in reports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            KeptReason::Unreadable => "unreadable",
            KeptReason::FolderUnreadable => "folder_unreadable",
        }
    }
}

impl fmt::Display for KeptReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An article whose document was kept as it was (possibly stale), because
/// its file could not be examined in this run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeptFile {
    /// Path relative to the archive root.
    pub path: String,
    /// Why the file could not be examined.
    pub reason: KeptReason,
    /// What exactly went wrong.
    pub detail: String,
}

/// A document the run deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeletedFile {
    /// Path relative to the archive root.
    pub path: String,
    /// Why: `gone` (no longer in the archive), `vanished` (removed while
    /// the run read it), or the reason the file can no longer be indexed
    /// (`empty`, `binary`, `too_large`; `unreadable` in a rebuild, which
    /// keeps nothing it cannot read).
    pub reason: String,
}

/// What an indexing run did. The counts of files add up:
/// `files_seen = added + updated + unchanged + skipped + kept + not_processed`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexReport {
    /// The archive folder.
    pub archive: PathBuf,
    /// The index folder.
    pub index: PathBuf,
    /// Whether the run was a rebuild (published only when complete).
    pub rebuild: bool,
    /// Indexing threads used.
    pub threads: usize,
    /// Article files found, entries the walk could not examine, and known
    /// articles below folders that could not be listed.
    pub files_seen: u64,
    /// New files indexed.
    pub added: u64,
    /// Changed files re-indexed.
    pub updated: u64,
    /// Files whose content had not changed.
    pub unchanged: u64,
    /// Documents removed (see [`IndexReport::deleted_files`]).
    pub deleted: u64,
    /// Each document removed, with the reason.
    pub deleted_files: Vec<DeletedFile>,
    /// Files not indexed, by reason (every reason listed).
    pub skipped: BTreeMap<String, u64>,
    /// Each file not indexed.
    pub skipped_files: Vec<SkippedFile>,
    /// Articles whose file could not be examined, kept as last indexed.
    pub kept: u64,
    /// Each article kept, with the reason.
    pub kept_files: Vec<KeptFile>,
    /// Files left for the next run because the run was interrupted.
    pub not_processed: u64,
    /// Articles read in this run without a (possible) date.
    pub undated: u64,
    /// Articles read in this run with invalid UTF-8 repaired.
    pub repaired: u64,
    /// Bytes read from article files.
    pub bytes_read: u64,
    /// Wall-clock seconds of the run.
    pub seconds: f64,
    /// Megabytes (10^6 bytes) read per second.
    pub mb_per_s: f64,
    /// Commits written.
    pub commits: u32,
    /// Documents in the index after the run.
    pub documents: u64,
    /// Whether the run was cancelled before it finished.
    pub interrupted: bool,
    /// Things the user should know (a setting that was lowered, say).
    pub notes: Vec<String>,
}

impl IndexReport {
    /// Files not indexed, all reasons together.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// What the index knows of one file.
#[derive(Debug, Clone, Copy)]
struct Known {
    size: u64,
    mtime_ns: i64,
    hash: u64,
}

/// The outcome of one file of a batch.
enum Outcome {
    Indexed {
        existed: bool,
        same_content: bool,
        undated: bool,
        repaired: bool,
    },
    /// Read and hashed: the content and the recorded size and time are
    /// those of the index, which is left as it is.
    Unchanged,
    Skipped {
        skip: SkippedFile,
        /// The reason its document was deleted, if it had one.
        deleted: Option<String>,
    },
    Kept(KeptFile),
    /// The index writer failed (its threads stopped): the run must end.
    WriterFailed(TantivyError),
}

/// Why a file could not be read.
pub(crate) enum ReadFailure {
    /// It is gone (deleted or renamed since the walk).
    Vanished(Skip),
    /// It cannot be read now (permissions, an I/O error).
    Unreadable(Skip),
    /// It is over the size limit.
    TooLarge(Skip),
}

impl Archive {
    /// Indexes the archive folder `dir`: adds new files, re-indexes changed
    /// ones and deletes the documents of removed ones, then commits.
    ///
    /// Fails at once with [`Error::Locked`] when another indexer is running
    /// on the same index. Files that cannot be indexed are reported in the
    /// [`IndexReport`], never fatal. Refuses to mix settings
    /// ([`Error::SettingsChanged`], [`Error::AnalysisChanged`],
    /// [`Error::OtherArchive`]) unless [`IndexOptions::rebuild`] is set, and
    /// to delete too much ([`Error::TooManyDeletes`]); then nothing is
    /// written.
    pub fn index_dir(&self, dir: impl AsRef<Path>, options: &IndexOptions) -> Result<IndexReport> {
        let started = Instant::now();
        let run_started_ns = now_ns();
        let root = check_locations(dir.as_ref(), self.path())?;
        let mut report = IndexReport {
            archive: root.clone(),
            index: self.path().to_path_buf(),
            rebuild: options.rebuild,
            ..IndexReport::default()
        };
        report.threads = writer_threads(options, &mut report.notes);
        let (mut writer, record, known) = self.begin(options, &root, report.threads)?;
        let progress = Reporter::new(options);
        progress.send(Phase::Walking);
        let walk = walk::walk(&root);
        #[cfg(test)]
        let walk = faults::walk(options, walk);
        let mut run = Run::new(self.fields(), &known, options, &record);
        let work = run.plan(walk, &mut report, &progress);
        self.delete_gone(&writer, &run, &known, &mut report);
        let mut publish = Publish {
            guard: DeleteGuard::new(self.path(), &root, &record, known.len(), options),
            record: IndexRecord {
                newsidx_schema: schema::version(),
                archive: Some(root.clone()),
                source_from: Some(options.source_from.as_str().to_string()),
                analysis: Some(analysis_fingerprint(self.index())),
                // Until the run is complete, files it has not verified yet
                // may be racily clean: commits keep the old threshold.
                racy_from_ns: record.racy_from_ns,
            },
        };
        // Before any work: an emptied or unmounted archive folder is
        // refused at once, and the writer is dropped with nothing written.
        publish.guard.check(report.deleted)?;
        self.index_work(&mut writer, &run, &work, &publish, &mut report, &progress)?;
        if report.interrupted && options.rebuild {
            // Abandon the rebuild: the index stays as it was.
            writer.rollback().map_err(|e| self.engine_error(e))?;
        } else {
            if !report.interrupted {
                publish.record.racy_from_ns = Some(run.next_racy_from(run_started_ns));
            }
            progress.send(Phase::Committing);
            self.commit(&mut writer, &publish, &mut report)?;
        }
        writer
            .wait_merging_threads()
            .map_err(|e| self.engine_error(e))?;
        self.reader().reload().map_err(|e| self.engine_error(e))?;
        report.documents = self.reader().searcher().num_docs();
        report.seconds = started.elapsed().as_secs_f64();
        report.mb_per_s = report.bytes_read as f64 / 1e6 / report.seconds.max(1e-9);
        Ok(report)
    }

    /// Takes the writer (and with it the lock), and reads what the last
    /// commit holds: its record and the files it knows. Checks that an
    /// update keeps the recorded settings; a rebuild deletes every
    /// document (in its one commit).
    fn begin(
        &self,
        options: &IndexOptions,
        root: &Path,
        threads: usize,
    ) -> Result<(IndexWriter, IndexRecord, HashMap<String, Known>)> {
        let writer = self.open_writer(options, threads)?;
        // The writer lock is ours: nobody else commits until this run ends.
        // The reader may still show an older commit (another handle or
        // process indexed since this one was opened), so reload it: the
        // archive is compared with the last commit.
        self.reader().reload().map_err(|e| self.engine_error(e))?;
        // Files a failed run wrote but never published (a commit that did
        // not reach meta.json) can bear the names this run's files will
        // have, since the operation stamps restart from the last commit:
        // delete them first.
        writer
            .garbage_collect_files()
            .wait()
            .map_err(|e| self.engine_error(e))?;
        let record = self.record()?;
        if !options.rebuild {
            check_same_archive(self.path(), &record, root)?;
            check_source_from(self.path(), &record, options.source_from)?;
            self.check_analysis(&record)?;
        }
        let known = self.known_files()?;
        if options.rebuild {
            writer
                .delete_all_documents()
                .map_err(|e| self.engine_error(e))?;
        }
        Ok((writer, record, known))
    }

    /// Reads, parses and indexes `work` batch by batch until it is done or
    /// the run is cancelled; an update commits every `commit_every`, a
    /// rebuild holds every change until it is complete.
    fn index_work(
        &self,
        writer: &mut IndexWriter,
        run: &Run,
        work: &[FileEntry],
        publish: &Publish,
        report: &mut IndexReport,
        progress: &Reporter,
    ) -> Result<()> {
        let options = run.options;
        let mut last_commit = Instant::now();
        let pool = thread_pool(report.threads, "read")?;
        for (i, batch) in work.chunks(BATCH).enumerate() {
            if options
                .cancel
                .as_ref()
                .is_some_and(|c| c.load(Ordering::SeqCst))
            {
                report.interrupted = true;
                report.not_processed = (work.len() - i * BATCH) as u64;
                break;
            }
            let outcomes: Vec<Outcome> = pool.install(|| {
                batch
                    .par_iter()
                    .map(|f| run.index_file(writer, f))
                    .collect()
            });
            if let Some(error) = run.tally(outcomes, report, progress) {
                return Err(self.writer_failure(writer, error));
            }
            if !options.rebuild
                && options
                    .commit_every
                    .is_some_and(|every| last_commit.elapsed() >= every)
            {
                self.commit(writer, publish, report)?;
                last_commit = Instant::now();
            }
        }
        Ok(())
    }

    fn open_writer(&self, options: &IndexOptions, threads: usize) -> Result<IndexWriter> {
        let budget = (memory_bytes(options) / threads).clamp(MIN_THREAD_BUDGET, MAX_THREAD_BUDGET);
        let writer_options = IndexWriterOptions::builder()
            .memory_budget_per_thread(budget)
            .num_worker_threads(threads)
            .num_merge_threads(threads.clamp(1, 4))
            .build();
        self.index()
            .writer_with_options(writer_options)
            .map_err(|e| writer_error(self.path(), e))
    }

    /// Commits the work so far, unless it deletes more than the guard
    /// allows: then the uncommitted work is rolled back.
    fn commit(
        &self,
        writer: &mut IndexWriter,
        publish: &Publish,
        report: &mut IndexReport,
    ) -> Result<()> {
        if let Err(refused) = publish.guard.check(report.deleted) {
            // The refusal is what the user must see; a failing rollback
            // changes nothing on disk either.
            let _ = writer.rollback();
            return Err(refused);
        }
        let mut commit = writer.prepare_commit().map_err(|e| self.engine_error(e))?;
        commit.set_payload(&publish.record.to_json());
        commit.commit().map_err(|e| self.engine_error(e))?;
        report.commits += 1;
        Ok(())
    }

    /// The error of a run whose index writer failed: the cause is the error
    /// of the writer's thread (a full disk, say), which `prepare_commit`
    /// returns. Nothing is committed.
    fn writer_failure(&self, writer: &mut IndexWriter, error: TantivyError) -> Error {
        match writer.prepare_commit() {
            Err(cause) => self.engine_error(cause),
            Ok(prepared) => {
                let _ = prepared.abort();
                self.engine_error(error)
            }
        }
    }

    /// Reads the bookkeeping columns: what the index knows of each file.
    fn known_files(&self) -> Result<HashMap<String, Known>> {
        let searcher = self.reader().searcher();
        let mut known = HashMap::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let columns = (|| {
                Ok::<_, tantivy::TantivyError>((
                    fast.str("path")?,
                    fast.u64("file_size")?,
                    fast.i64("file_mtime")?,
                    fast.u64("file_hash")?,
                ))
            })()
            .map_err(|e| self.engine_error(e))?;
            let (Some(paths), sizes, mtimes, hashes) = columns else {
                continue;
            };
            // Read the path dictionary once, in ordinal order. Looking each
            // document's ordinal up on its own (`ord_to_str`) decompresses a
            // whole dictionary block per document, which made the unchanged
            // re-run of a 50,000-file archive spend over half its time in
            // zstd.
            let mut by_ord: Vec<String> = Vec::new();
            let mut stream = paths
                .dictionary()
                .stream()
                .map_err(|e| self.engine_error(e.into()))?;
            while stream.advance() {
                by_ord.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            for doc in segment.doc_ids_alive() {
                let Some(path) = paths
                    .term_ords(doc)
                    .next()
                    .and_then(|ord| by_ord.get(ord as usize))
                else {
                    continue;
                };
                known.insert(
                    path.clone(),
                    Known {
                        size: sizes.first(doc).unwrap_or(0),
                        mtime_ns: mtimes.first(doc).unwrap_or(MTIME_UNKNOWN),
                        hash: hashes.first(doc).unwrap_or(0),
                    },
                );
            }
        }
        Ok(known)
    }

    /// Deletes the documents of files that are no longer in the archive (a
    /// rebuild has deleted every document already, and only counts them).
    fn delete_gone(
        &self,
        writer: &IndexWriter,
        run: &Run,
        known: &HashMap<String, Known>,
        report: &mut IndexReport,
    ) {
        let mut gone: Vec<&String> = known
            .keys()
            .filter(|path| !run.present.contains(*path))
            .collect();
        gone.sort();
        for path in gone {
            if !run.options.rebuild {
                writer.delete_term(Term::from_field_text(self.fields().path, path));
            }
            push_deleted(report, path.clone(), "gone".into());
        }
    }
}

/// What a commit of the run publishes, and on what condition.
struct Publish<'a> {
    guard: DeleteGuard<'a>,
    record: IndexRecord,
}

/// The mass-delete guard (see [`IndexOptions::max_delete_percent`]).
struct DeleteGuard<'a> {
    index: &'a Path,
    archive: &'a Path,
    /// Documents in the index when the run started.
    documents: u64,
    max_percent: u8,
}

impl<'a> DeleteGuard<'a> {
    /// The guard of a run from `archive` into the index `index`, which
    /// holds `documents` documents and `record`.
    fn new(
        index: &'a Path,
        archive: &'a Path,
        record: &IndexRecord,
        documents: usize,
        options: &IndexOptions,
    ) -> DeleteGuard<'a> {
        // A rebuild from another archive folder than the recorded one (asked
        // for after Error::OtherArchive) replaces its documents on purpose.
        let replacing = record.archive.as_deref().is_some_and(|a| a != archive);
        DeleteGuard {
            index,
            archive,
            documents: documents as u64,
            max_percent: if replacing {
                100
            } else {
                options.max_delete_percent
            },
        }
    }

    /// Fails if deleting `deleted` documents is more than allowed.
    fn check(&self, deleted: u64) -> Result<()> {
        if deleted == 0 || self.max_percent >= 100 {
            return Ok(());
        }
        let all = deleted >= self.documents;
        let too_many = deleted > FREE_DELETES
            && u128::from(deleted) * 100
                > u128::from(self.max_percent) * u128::from(self.documents);
        if all || too_many {
            return Err(Error::TooManyDeletes {
                path: self.index.to_path_buf(),
                archive: self.archive.to_path_buf(),
                would_delete: deleted,
                documents: self.documents,
                max_percent: self.max_percent,
            });
        }
        Ok(())
    }
}

/// The state of one run shared by the rayon workers.
struct Run<'a> {
    fields: &'a Fields,
    known: &'a HashMap<String, Known>,
    options: &'a IndexOptions,
    /// Recorded modification times from this one on are too recent to
    /// prove a file unchanged (see [`RACY_WINDOW_NS`]).
    racy_from_ns: i64,
    /// The earliest recorded time, from `racy_from_ns` on, of a document
    /// this run kept without verifying its content (its file or folder
    /// could not be read): the next run must still compare it by content.
    unverified_from_ns: AtomicI64,
    /// Whether every add deletes its path first. It does whenever the
    /// index held documents at the start of the run, so that an add is
    /// idempotent even if `known` missed one. An empty index, or a rebuild
    /// (which deleted every document), holds none but this run's, and the
    /// run adds each path once: there, the deletes would be no-ops, and
    /// they are not free (tantivy looks each one up in every new segment:
    /// a first run of 20,000 articles took a median 5.6 s with them, 4.6 s
    /// without).
    delete_first: bool,
    /// Paths still in the archive (or kept despite a read error).
    present: HashSet<String>,
    bytes_read: AtomicU64,
}

impl<'a> Run<'a> {
    fn new(
        fields: &'a Fields,
        known: &'a HashMap<String, Known>,
        options: &'a IndexOptions,
        record: &IndexRecord,
    ) -> Run<'a> {
        Run {
            fields,
            known,
            options,
            // An index that does not record when its last run started
            // (written before newsidx recorded it) has every file hashed
            // once.
            racy_from_ns: record.racy_from_ns.unwrap_or(i64::MIN),
            unverified_from_ns: AtomicI64::new(i64::MAX),
            delete_first: !options.rebuild && !known.is_empty(),
            present: HashSet::new(),
            bytes_read: AtomicU64::new(0),
        }
    }

    /// Sorts the walk into unchanged files (counted now) and files to read;
    /// keeps the documents of files the walk could not examine.
    fn plan(
        &mut self,
        walk: walk::Walk,
        report: &mut IndexReport,
        progress: &Reporter,
    ) -> Vec<FileEntry> {
        let mut work = Vec::new();
        let mut unlisted = Vec::new();
        report.files_seen = (walk.files.len() + walk.problems.len()) as u64;
        for problem in walk.problems {
            // A rebuild keeps nothing it cannot read; an update keeps what
            // it cannot see (but not what vanished).
            let protect = !problem.vanished && !self.options.rebuild;
            if protect {
                unlisted.push(problem.rel.clone());
            }
            if protect && self.known.contains_key(&problem.rel) {
                self.present.insert(problem.rel.clone());
                self.kept_unverified(&problem.rel);
                push_kept(
                    report,
                    KeptFile {
                        path: problem.rel,
                        reason: KeptReason::Unreadable,
                        detail: problem.detail,
                    },
                );
            } else {
                push_skip(
                    report,
                    SkippedFile {
                        path: problem.rel,
                        reason: SkipReason::Unreadable,
                        detail: problem.detail,
                    },
                );
            }
        }
        for file in walk.files {
            if !self.present.insert(file.rel.clone()) {
                push_skip(report, name_collision(file.rel));
                continue;
            }
            if self.unchanged(&file) {
                report.unchanged += 1;
            } else {
                work.push(file);
            }
        }
        self.protect_unlisted(&unlisted, report);
        progress.set_totals(report.files_seen, work.iter().map(|f| f.size).sum());
        progress.add_done(report.files_seen - work.len() as u64, 0);
        work
    }

    /// Notes that the document of `path` stays without its content being
    /// verified in this run.
    fn kept_unverified(&self, path: &str) {
        if let Some(k) = self.known.get(path)
            && k.mtime_ns != MTIME_UNKNOWN
            && k.mtime_ns >= self.racy_from_ns
        {
            self.unverified_from_ns
                .fetch_min(k.mtime_ns, Ordering::Relaxed);
        }
    }

    /// The threshold of racily clean files for the next run, once this run,
    /// which started at `started_ns`, is complete: every file it did not
    /// read has a time older than its start less the window, or is one it
    /// could not verify.
    fn next_racy_from(&self, started_ns: i64) -> i64 {
        started_ns
            .saturating_sub(RACY_WINDOW_NS)
            .min(self.unverified_from_ns.load(Ordering::Relaxed))
    }

    /// Whether the walk's size and time prove the file unchanged, without
    /// reading it.
    fn unchanged(&self, file: &FileEntry) -> bool {
        if self.options.rebuild || file.size > self.options.parse.max_file_size {
            return false;
        }
        self.known.get(&file.rel).is_some_and(|k| {
            k.size == file.size
                && k.mtime_ns == file.mtime_ns
                && k.mtime_ns != MTIME_UNKNOWN
                && k.mtime_ns < self.racy_from_ns
        })
    }

    /// Keeps every known document below a folder the walk could not list
    /// (`folders` holds their relative paths; "" is the whole archive, for
    /// an error the walk could not place) that the walk did not see.
    fn protect_unlisted(&mut self, folders: &[String], report: &mut IndexReport) {
        if folders.is_empty() {
            return;
        }
        let mut kept: Vec<(&String, &String)> = self
            .known
            .keys()
            .filter(|path| !self.present.contains(*path))
            .filter_map(|path| {
                let folder = folders.iter().find(|f| is_below(path, f))?;
                Some((path, folder))
            })
            .collect();
        kept.sort();
        for (path, folder) in kept {
            self.present.insert(path.clone());
            self.kept_unverified(path);
            report.files_seen += 1;
            let folder = if folder.is_empty() {
                "the archive folder".to_string()
            } else {
                folder.clone()
            };
            push_kept(
                report,
                KeptFile {
                    path: path.clone(),
                    reason: KeptReason::FolderUnreadable,
                    detail: format!("{folder} could not be listed; the last indexed version stays"),
                },
            );
        }
    }

    /// Reads, parses and indexes one file (called from rayon workers).
    fn index_file(&self, writer: &IndexWriter, file: &FileEntry) -> Outcome {
        let known = self.known.get(&file.rel);
        let (bytes, entry) = match self.read(file) {
            Ok(read) => read,
            Err(failure) => return self.read_failed(writer, file, known.is_some(), failure),
        };
        self.bytes_read
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
        if let Some(k) = known
            && !self.options.rebuild
            && (k.hash, k.size, k.mtime_ns) == (hash, entry.size, entry.mtime_ns)
        {
            return Outcome::Unchanged;
        }
        let article = match article::parse(&bytes, &file.rel, &self.options.parse) {
            Ok(article) => article,
            Err(skip) => return self.remove(writer, file, known.is_some(), skip),
        };
        let source = self.options.source_from.source(&article);
        let doc = document(self.fields, &article, source, &entry, hash);
        if self.delete_first {
            writer.delete_term(Term::from_field_text(self.fields.path, &file.rel));
        }
        if let Err(e) = writer.add_document(doc) {
            return Outcome::WriterFailed(e);
        }
        let existed = known.is_some() && !self.options.rebuild;
        Outcome::Indexed {
            existed,
            same_content: existed && known.is_some_and(|k| k.hash == hash),
            undated: article.date.is_none(),
            repaired: article.repaired(),
        }
    }

    /// Reads a file (or meets the fault a test injects).
    fn read(&self, file: &FileEntry) -> Result<(Vec<u8>, FileEntry), ReadFailure> {
        #[cfg(test)]
        if let Some(failure) = faults::read(self.options, file) {
            return Err(failure);
        }
        read_entry(file, &self.options.parse)
    }

    /// The outcome of a file that could not be read: a file that vanished
    /// or is now too large leaves the index; one that cannot be read now
    /// keeps its document (in an update).
    fn read_failed(
        &self,
        writer: &IndexWriter,
        file: &FileEntry,
        known: bool,
        failure: ReadFailure,
    ) -> Outcome {
        match failure {
            ReadFailure::Unreadable(skip) if known && !self.options.rebuild => {
                Outcome::Kept(KeptFile {
                    path: file.rel.clone(),
                    reason: KeptReason::Unreadable,
                    detail: format!("{}; the last indexed version stays", skip.detail),
                })
            }
            ReadFailure::Vanished(skip) => {
                let outcome = self.remove(writer, file, known, skip);
                match outcome {
                    Outcome::Skipped { skip, deleted } => Outcome::Skipped {
                        skip,
                        deleted: deleted.map(|_| "vanished".to_string()),
                    },
                    other => other,
                }
            }
            ReadFailure::Unreadable(skip) | ReadFailure::TooLarge(skip) => {
                self.remove(writer, file, known, skip)
            }
        }
    }

    /// Skips a file, deleting its document if it had one.
    fn remove(&self, writer: &IndexWriter, file: &FileEntry, known: bool, skip: Skip) -> Outcome {
        let deleted = known.then(|| {
            if !self.options.rebuild {
                writer.delete_term(Term::from_field_text(self.fields.path, &file.rel));
            }
            skip.reason.to_string()
        });
        Outcome::Skipped {
            skip: skipped(file, skip),
            deleted,
        }
    }

    /// Adds a batch's outcomes to the report; returns the writer's failure,
    /// if it failed.
    fn tally(
        &self,
        outcomes: Vec<Outcome>,
        report: &mut IndexReport,
        progress: &Reporter,
    ) -> Option<TantivyError> {
        let count = outcomes.len() as u64;
        let mut failure = None;
        for outcome in outcomes {
            match outcome {
                Outcome::Indexed {
                    existed,
                    same_content,
                    undated,
                    repaired,
                } => {
                    match (existed, same_content) {
                        (false, _) => report.added += 1,
                        (true, false) => report.updated += 1,
                        (true, true) => report.unchanged += 1,
                    }
                    report.undated += u64::from(undated);
                    report.repaired += u64::from(repaired);
                }
                Outcome::Unchanged => report.unchanged += 1,
                Outcome::Skipped { skip, deleted } => {
                    if let Some(reason) = deleted {
                        push_deleted(report, skip.path.clone(), reason);
                    }
                    push_skip(report, skip);
                }
                Outcome::Kept(kept) => {
                    self.kept_unverified(&kept.path);
                    push_kept(report, kept);
                }
                Outcome::WriterFailed(error) => {
                    failure.get_or_insert(error);
                }
            }
        }
        let bytes = self.bytes_read.swap(0, Ordering::Relaxed);
        report.bytes_read += bytes;
        progress.add_done(count, bytes);
        failure
    }
}

/// Whether `path` lies below the folder `folder` ("" is the root): `a/b`
/// is below `a`, `ab/c` is not.
fn is_below(path: &str, folder: &str) -> bool {
    folder.is_empty()
        || path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn push_skip(report: &mut IndexReport, skip: SkippedFile) {
    *report.skipped.entry(skip.reason.to_string()).or_default() += 1;
    report.skipped_files.push(skip);
}

fn push_kept(report: &mut IndexReport, kept: KeptFile) {
    report.kept += 1;
    report.kept_files.push(kept);
}

fn push_deleted(report: &mut IndexReport, path: String, reason: String) {
    report.deleted += 1;
    report.deleted_files.push(DeletedFile { path, reason });
}

fn skipped(file: &FileEntry, skip: Skip) -> SkippedFile {
    SkippedFile {
        path: file.rel.clone(),
        reason: skip.reason,
        detail: skip.detail,
    }
}

/// Reads a file, refusing oversized ones before reading them. The flag says
/// whether the file vanished.
pub(crate) fn read_file(file: &FileEntry, options: &ParseOptions) -> Result<Vec<u8>, (Skip, bool)> {
    match read_entry(file, options) {
        Ok((bytes, _)) => Ok(bytes),
        Err(ReadFailure::Vanished(skip)) => Err((skip, true)),
        Err(ReadFailure::Unreadable(skip) | ReadFailure::TooLarge(skip)) => Err((skip, false)),
    }
}

/// Reads a file, refusing oversized ones before reading them; returns its
/// bytes, and `file` with the size and modification time of the open file
/// (taken before reading, so that a change during the read shows as a
/// newer time in the next run).
fn read_entry(
    file: &FileEntry,
    options: &ParseOptions,
) -> Result<(Vec<u8>, FileEntry), ReadFailure> {
    let handle = File::open(&file.abs).map_err(read_error)?;
    let meta = handle.metadata().map_err(read_error)?;
    let size = meta.len();
    if size > options.max_file_size {
        let skip = Skip::new(
            SkipReason::TooLarge,
            format!(
                "{size} bytes, over the limit of {} bytes (raise it with --max-file-size)",
                options.max_file_size
            ),
        );
        return Err(ReadFailure::TooLarge(skip));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    handle
        .take(options.max_file_size + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    let entry = FileEntry {
        abs: file.abs.clone(),
        rel: file.rel.clone(),
        size,
        mtime_ns: walk::mtime_ns(&meta),
    };
    Ok((bytes, entry))
}

/// What an I/O error met while reading a file means: the file is gone, or
/// cannot be read now.
fn read_error(e: std::io::Error) -> ReadFailure {
    if e.kind() == std::io::ErrorKind::NotFound {
        let detail = format!("vanished before it could be read: {e}");
        ReadFailure::Vanished(Skip::new(SkipReason::Unreadable, detail))
    } else {
        let detail = format!("cannot be read: {e}");
        ReadFailure::Unreadable(Skip::new(SkipReason::Unreadable, detail))
    }
}

/// The skip of a file whose name, repaired from invalid UTF-8, is another
/// file's name: only one of them can be keyed by that path.
pub(crate) fn name_collision(rel: String) -> SkippedFile {
    SkippedFile {
        path: rel,
        reason: SkipReason::Unreadable,
        detail: "its name is not valid UTF-8 and collides with another file's name once repaired; rename it".into(),
    }
}

/// Nanoseconds since the Unix epoch now (negative before 1970).
fn now_ns() -> i64 {
    walk::system_time_ns(SystemTime::now()).unwrap_or(0)
}

fn memory_bytes(options: &IndexOptions) -> usize {
    options.memory_mb.max(1).saturating_mul(1024 * 1024)
}

/// The indexing threads to use: those asked for (0: all cores), but no
/// more than the cores available (more threads only compete for them and
/// each writes its own small segments) and than the memory budget gives
/// tantivy's minimum of 15 MB each. A lowered count is noted.
fn writer_threads(options: &IndexOptions, notes: &mut Vec<String>) -> usize {
    let cores = cores();
    let by_memory = (memory_bytes(options) / MIN_THREAD_BUDGET).max(1);
    let wanted = if options.threads > 0 {
        options.threads
    } else {
        cores
    };
    let threads = wanted.min(cores).min(by_memory);
    if options.threads > threads {
        let why = if threads == by_memory && by_memory < cores {
            format!(
                "each indexing thread needs 15 MB of the {} MB memory budget",
                options.memory_mb
            )
        } else {
            format!("{cores} cores are available, and more threads only compete for them")
        };
        notes.push(format!(
            "{} indexing threads asked for, {threads} used: {why}",
            options.threads
        ));
    }
    threads
}

/// The first folder of a relative path, if the file is not at the root.
fn top_folder(rel: &str) -> Option<&str> {
    rel.split_once('/').map(|(top, _)| top)
}

/// The tantivy document of an article.
pub(crate) fn document(
    fields: &Fields,
    article: &Article,
    source: Option<&str>,
    file: &FileEntry,
    hash: u64,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &article.id);
    doc.add_text(fields.path, &article.path);
    if let Some(date) = article.date {
        doc.add_i64(fields.date, schema::date_value(date));
    }
    if let Some(source) = source {
        doc.add_text(fields.source, source);
        doc.add_text(fields.source_key, source);
        doc.add_text(fields.source_text, source);
    }
    let body = article.body_text();
    doc.add_text(fields.headline, &article.headline);
    doc.add_text(fields.headline_words, &article.headline);
    doc.add_text(fields.body_words, &body);
    doc.add_text(fields.body, body);
    if let Some(notice) = &article.notice {
        doc.add_text(fields.notice, notice);
    }
    for comment in &article.comments {
        doc.add_text(fields.comments, comment);
        doc.add_text(fields.comments_words, comment);
    }
    doc.add_u64(fields.comment_count, article.comments.len() as u64);
    doc.add_u64(fields.invalid_utf8, article.invalid_utf8 as u64);
    doc.add_u64(fields.file_size, file.size);
    doc.add_i64(fields.file_mtime, file.mtime_ns);
    doc.add_u64(fields.file_hash, hash);
    doc
}

/// Reads the stored text of a field (first value).
pub(crate) fn stored_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// The cores available to this process.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Threads for parsing: those asked for (0: all cores), at most the cores.
fn effective_threads(threads: usize) -> usize {
    if threads > 0 {
        threads.min(cores())
    } else {
        cores()
    }
}

/// A rayon pool of `threads` threads (0: all cores; at most the cores, since
/// reading and parsing are bound by them), named `newsidx-{role}-N`.
pub(crate) fn thread_pool(threads: usize, role: &'static str) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(effective_threads(threads))
        .thread_name(move |i| format!("newsidx-{role}-{i}"))
        .build()
        .map_err(|e| Error::Tantivy(tantivy::TantivyError::SystemError(e.to_string())))
}

/// Checks that `dir` is an archive folder and that the index folder `index`
/// (which need not exist yet) lies outside it; returns the archive's
/// canonical path.
///
/// [`Archive::index_dir`] checks this itself; a program that creates the
/// index on demand calls it first, so that a refused run writes nothing.
pub fn check_locations(dir: &Path, index: &Path) -> Result<PathBuf> {
    let root = archive_root(dir)?;
    let index = resolve(index).map_err(|e| Error::io(index, e))?;
    if index.starts_with(&root) {
        return Err(Error::IndexInsideArchive {
            index,
            archive: root,
        });
    }
    Ok(root)
}

/// Checks that `dir` is a folder and returns its canonical path.
pub(crate) fn archive_root(dir: &Path) -> Result<PathBuf> {
    let archive_error = |detail: String| Error::Archive {
        path: dir.to_path_buf(),
        detail,
    };
    let root = dir
        .canonicalize()
        .map_err(|e| archive_error(format!("cannot open it: {e}")))?;
    if !root.is_dir() {
        return Err(archive_error("it is not a folder".into()));
    }
    Ok(root)
}

/// `path` made absolute with symbolic links resolved, as far as it exists:
/// the missing tail is appended to the canonical form of its nearest
/// existing ancestor.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        match existing.canonicalize() {
            Ok(mut found) => {
                found.extend(missing.iter().rev());
                return Ok(found);
            }
            Err(e) => match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    missing.push(name.to_owned());
                    existing = parent;
                }
                _ => return Err(e),
            },
        }
    }
}

fn check_same_archive(index: &Path, record: &IndexRecord, root: &Path) -> Result<()> {
    match &record.archive {
        Some(recorded) if recorded != root => Err(Error::OtherArchive {
            path: index.to_path_buf(),
            recorded: recorded.clone(),
            requested: root.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

fn check_source_from(index: &Path, record: &IndexRecord, asked: SourceFrom) -> Result<()> {
    match &record.source_from {
        Some(recorded) if recorded != asked.as_str() => Err(Error::SettingsChanged {
            path: index.to_path_buf(),
            setting: "source_from",
            recorded: recorded.clone(),
            requested: asked.as_str().to_string(),
        }),
        _ => Ok(()),
    }
}

/// Forwards progress to the caller's callback.
struct Reporter {
    callback: Option<ProgressFn>,
    state: Mutex<Progress>,
}

impl Reporter {
    fn new(options: &IndexOptions) -> Reporter {
        Reporter {
            callback: options.progress.clone(),
            state: Mutex::new(Progress {
                phase: Phase::Walking,
                files_total: 0,
                files_done: 0,
                bytes_total: 0,
                bytes_done: 0,
            }),
        }
    }

    fn update(&self, change: impl FnOnce(&mut Progress)) {
        let Some(callback) = &self.callback else {
            return;
        };
        let snapshot = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            change(&mut state);
            *state
        };
        callback(&snapshot);
    }

    fn send(&self, phase: Phase) {
        self.update(|p| p.phase = phase);
    }

    fn set_totals(&self, files: u64, bytes: u64) {
        self.update(|p| {
            p.phase = Phase::Indexing;
            p.files_total = files;
            p.bytes_total = bytes;
        });
    }

    fn add_done(&self, files: u64, bytes: u64) {
        self.update(|p| {
            p.files_done += files;
            p.bytes_done += bytes;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_a_folder_means_inside_it() {
        assert!(is_below("a/b.txt", "a"));
        assert!(is_below("a/b/c.txt", "a/b"));
        assert!(is_below("a/b.txt", ""));
        assert!(!is_below("ab/c.txt", "a"));
        assert!(!is_below("a/bc/d.txt", "a/b"));
        assert!(!is_below("a", "a"));
    }

    fn guard(documents: u64, max_percent: u8) -> impl Fn(u64) -> bool {
        move |deleted| {
            DeleteGuard {
                index: Path::new("idx"),
                archive: Path::new("archive"),
                documents,
                max_percent,
            }
            .check(deleted)
            .is_ok()
        }
    }

    #[test]
    fn the_delete_guard_allows_ordinary_deletions_only() {
        // Deleting every document is refused, however small the index.
        assert!(!guard(1, 50)(1));
        assert!(!guard(423, 50)(423));
        // In a small index, a few deletions are ordinary.
        assert!(guard(2, 50)(1));
        assert!(guard(5, 50)(4));
        assert!(guard(20, 50)(FREE_DELETES));
        // Beyond them, the share decides.
        assert!(guard(100, 50)(50));
        assert!(!guard(100, 50)(51));
        assert!(guard(22, 50)(11));
        assert!(!guard(21, 50)(11));
        assert!(guard(100, 0)(FREE_DELETES));
        assert!(!guard(1000, 0)(FREE_DELETES + 1));
        // 100% allows everything.
        assert!(guard(423, 100)(423));
        assert!(guard(0, 50)(0));
    }

    #[test]
    fn threads_are_capped_at_the_cores_and_the_memory_budget() {
        let mut notes = Vec::new();
        let options = |threads, memory_mb| IndexOptions {
            threads,
            memory_mb,
            ..IndexOptions::default()
        };
        assert_eq!(
            writer_threads(&options(1000, 512), &mut notes),
            cores().min(34)
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with("1000 indexing threads asked for"),
            "{notes:?}"
        );
        notes.clear();
        assert_eq!(writer_threads(&options(8, 20), &mut notes), 1);
        assert!(notes[0].contains("15 MB of the 20 MB"), "{notes:?}");
        notes.clear();
        assert_eq!(writer_threads(&options(1, 512), &mut notes), 1);
        assert_eq!(
            writer_threads(&options(0, 512), &mut notes),
            cores().min(34)
        );
        assert!(notes.is_empty(), "{notes:?}");
    }
}
