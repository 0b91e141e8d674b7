//! The parallel, incremental indexer: [`Index::index_dir`].
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
//!   modification time, and that time clearly (by
//!   [`IndexRecord::RACY_WINDOW_NS`](crate::IndexRecord::RACY_WINDOW_NS)) older
//!   than the start of the last complete run, which read or verified every
//!   file modified after it; otherwise (and for unknown times) the content
//!   hash decides, as git does for racily clean entries. The threshold is
//!   recorded in the commit ([`crate::IndexRecord::racy_from_ns`]); it stays put
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
//!
//! The run, in the files of this folder: [`writer`] takes the writer and
//! commits, [`plan`] compares the walk with what the index knows, [`run`]
//! reads, parses and adds the files that changed, [`guard`] refuses mass
//! deletes, [`report`] counts everything, [`progress`] tells the caller.

mod guard;
mod inflight;
mod plan;
mod progress;
mod report;
mod run;
pub(crate) mod stories;
mod writer;

#[cfg(test)]
pub(crate) mod faults;

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;

use crate::article::{Article, ParseOptions};
use crate::error::Result;
use crate::files;
use crate::index::{Index, IndexRecord};
use crate::schema;
use crate::walk;

pub use report::{DeletedFile, IndexReport, KeptFile, KeptReason, PhaseTimes};

use guard::DeleteGuard;
use progress::Reporter;
use run::Run;
use writer::Publish;

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

    pub(crate) fn as_str(self) -> &'static str {
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
    /// Reading and signing the bodies of the new and changed files, and
    /// working out their stories (before `Indexing`).
    Stories,
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
    /// [`Error::TooManyDeletes`](crate::Error::TooManyDeletes); up to
    /// [`IndexOptions::FREE_DELETES`] deletions are
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

impl IndexOptions {
    /// Default [`IndexOptions::memory_mb`].
    pub const DEFAULT_MEMORY_MB: usize = 512;
    /// Default [`IndexOptions::max_delete_percent`].
    pub const DEFAULT_MAX_DELETE_PERCENT: u8 = 50;
    /// Deletions a run may always make, whatever the share, unless they
    /// empty the index: in a small index, deleting 3 of 5 articles is
    /// ordinary.
    pub const FREE_DELETES: u64 = 10;
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            memory_mb: IndexOptions::DEFAULT_MEMORY_MB,
            threads: 0,
            source_from: SourceFrom::Copyright,
            parse: ParseOptions::default(),
            rebuild: false,
            commit_every: Some(Duration::from_secs(60)),
            max_delete_percent: IndexOptions::DEFAULT_MAX_DELETE_PERCENT,
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

/// Files handed to rayon at a time; progress and cancellation are checked
/// between batches.
const BATCH: usize = 512;

/// See [`Index::index_dir`].
pub(crate) fn index_dir(index: &Index, dir: &Path, options: &IndexOptions) -> Result<IndexReport> {
    let started = Instant::now();
    let run_started_ns = now_ns();
    let root = files::check_locations(dir, index.path())?;
    let mut report = IndexReport {
        archive: root.clone(),
        index: index.path().to_path_buf(),
        rebuild: options.rebuild,
        ..IndexReport::default()
    };
    report.threads = writer::threads(options, &mut report.notes);
    let (mut writer, record, known) = writer::begin(index, options, &root, report.threads)?;
    // The last commit: the stories of the articles the run does not touch.
    let before = index.reader().searcher();
    let progress = Reporter::new(options);
    progress.send(Phase::Walking);
    let mut phase = Instant::now();
    let walk = walk::walk(&root);
    #[cfg(test)]
    let walk = faults::walk(options, walk);
    let mut run = Run::new(index.fields(), &known, options, &record, index.tantivy());
    let work = run.plan(walk, &mut report, &progress);
    plan::delete_gone(index, &writer, &run, &known, &mut report);
    // Nothing after the deletes asks which paths are present: a copy of
    // every path (some 80 MB at a million articles) need not stay.
    run.present = HashSet::new();
    report.phases.walk = lap(&mut phase);
    let mut publish = Publish {
        guard: DeleteGuard::new(index.path(), &root, &record, known.len(), options),
        record: IndexRecord {
            newsidx_schema: schema::version(),
            archive: Some(root.clone()),
            source_from: Some(options.source_from.as_str().to_string()),
            analysis: Some(crate::fingerprint::analysis_fingerprint(index.tantivy())),
            // Until the run is complete, files it has not verified yet
            // may be racily clean: commits keep the old threshold.
            racy_from_ns: record.racy_from_ns,
            // Until the run's stories are all written.
            stories_pending: true,
        },
    };
    // Before any work: an emptied or unmounted archive folder is refused at
    // once, and the writer is dropped with nothing written.
    publish.guard.check(report.deleted)?;
    progress.send(Phase::Stories);
    let signed = run.sign(&work, report.threads)?;
    report.phases.sign = lap(&mut phase);
    let complete = match signed {
        Some((signed, gone)) => {
            let scope = if options.rebuild || known.is_empty() {
                stories::Scope::Fresh
            } else if record.stories_pending {
                stories::Scope::All
            } else {
                stories::Scope::Touched
            };
            let mut removed: HashSet<String> = gone.into_iter().collect();
            removed.extend(report.deleted_files.iter().map(|d| d.path.clone()));
            removed.extend(
                signed
                    .iter()
                    .filter(|s| known.contains_key(&s.entry.path))
                    .map(|s| s.entry.path.clone()),
            );
            run.stories = stories::plan(index, &before, scope, work.len(), signed, &removed)?;
            release_freed_memory();
            report.stories_checked = run.stories.checked;
            report.stories_changed = run.stories.rewrites();
            report.phases.group = lap(&mut phase);
            progress.send(Phase::Indexing);
            run.index_work(index, &mut writer, &work, &publish, &mut report, &progress)?;
            if !report.interrupted {
                run.stories
                    .rewrite(index, &before, &writer, &run.inflight)?;
            }
            !report.interrupted
        }
        None => {
            report.interrupted = true;
            report.not_processed = work.len() as u64;
            false
        }
    };
    drop(before);
    report.phases.index = lap(&mut phase);
    if report.interrupted && options.rebuild {
        // Abandon the rebuild: the index stays as it was.
        writer.rollback().map_err(|e| index.engine_error(e))?;
    } else {
        if complete {
            publish.record.racy_from_ns = Some(run.next_racy_from(run_started_ns));
        }
        publish.record.stories_pending = !complete || run.off_plan.load(Ordering::Relaxed);
        report.stories_pending = publish.record.stories_pending;
        progress.send(Phase::Committing);
        writer::commit(index, &mut writer, &publish, &mut report)?;
    }
    writer
        .wait_merging_threads()
        .map_err(|e| index.engine_error(e))?;
    index.reader().reload().map_err(|e| index.engine_error(e))?;
    report.phases.commit = lap(&mut phase);
    report.documents = index.reader().searcher().num_docs();
    report.seconds = started.elapsed().as_secs_f64();
    report.mb_per_s = report.bytes_read as f64 / 1e6 / report.seconds.max(1e-9);
    Ok(report)
}

/// Hands the heap memory freed so far back to the system. The signatures
/// of a first run (about 0.7 KB an article) and the maps that grouped
/// them are freed before any document is written; glibc would keep that
/// memory for the process's later small allocations, while the index
/// writer's arenas are large ones mapped apart, so the peak would hold
/// both. (The `newsidx` binary allocates with mimalloc, which returns
/// freed pages by itself; this is for library users on glibc's malloc.)
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory of glibc's own heap to
    // the system; it reads no pointer of ours.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Seconds since `*since`, which moves on to now.
fn lap(since: &mut Instant) -> f64 {
    let now = Instant::now();
    let seconds = now.duration_since(*since).as_secs_f64();
    *since = now;
    seconds
}

/// Nanoseconds since the Unix epoch now (negative before 1970).
fn now_ns() -> i64 {
    walk::system_time_ns(SystemTime::now()).unwrap_or(0)
}

/// The first folder of a relative path, if the file is not at the root.
fn top_folder(rel: &str) -> Option<&str> {
    rel.split_once('/').map(|(top, _)| top)
}
