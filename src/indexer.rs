//! The parallel, incremental indexer: [`Archive::index_dir`].
//!
//! A run walks the archive folder, compares every file's size and
//! modification time with what the index recorded, and reads only the files
//! that are new or changed. rayon reads, hashes and parses them in parallel
//! and hands documents to one tantivy `IndexWriter`, whose own threads do the
//! tokenizing. Documents are keyed by their path: an update deletes the old
//! document and adds the new one in the same commit, so a file never has two
//! documents. Files that vanished have their documents deleted.
//!
//! Safety: all changes of a run become visible in one commit at its end (or
//! at each periodic commit, see [`IndexOptions::commit_every`]); each commit
//! is a consistent state, since a document's delete and add always land
//! together. A crash leaves the last commit in place, and the next run picks
//! up what is missing, because it compares the archive with what the index
//! holds. A cancelled run commits the work done so far.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use tantivy::indexer::IndexWriterOptions;
use tantivy::schema::Value;
use tantivy::{IndexWriter, TantivyDocument, Term};

use crate::archive::{Archive, IndexRecord, writer_error};
use crate::article::{self, Article, ParseOptions, Skip, SkipReason};
use crate::error::{Error, Result};
use crate::schema::{self, Fields};
use crate::walk::{self, FileEntry};

/// Default indexing memory budget, in megabytes.
pub const DEFAULT_MEMORY_MB: usize = 512;

/// Files handed to rayon at a time; progress and cancellation are checked
/// between batches.
const BATCH: usize = 512;

/// tantivy's minimum memory budget of one indexing thread (15 MB).
const MIN_THREAD_BUDGET: usize = 15_000_000;

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
    /// Indexing threads (0: all cores).
    pub threads: usize,
    /// Where sources come from.
    pub source_from: SourceFrom,
    /// Parser limits (the maximum file size).
    pub parse: ParseOptions,
    /// Drop every document first and index the archive afresh.
    pub rebuild: bool,
    /// Commit at least this often during a long run (`None`: once, at the end).
    pub commit_every: Option<Duration>,
    /// Set to `true` to stop early; the work done so far is committed.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Called from the calling thread as the run advances.
    pub progress: Option<ProgressFn>,
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
            cancel: None,
            progress: None,
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

/// What an indexing run did. The counts of files add up:
/// `files_seen = added + updated + unchanged + skipped + not_processed`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexReport {
    /// The archive folder.
    pub archive: PathBuf,
    /// The index folder.
    pub index: PathBuf,
    /// Article files found (plus entries the walk could not examine).
    pub files_seen: u64,
    /// New files indexed.
    pub added: u64,
    /// Changed files re-indexed.
    pub updated: u64,
    /// Files whose content had not changed.
    pub unchanged: u64,
    /// Documents removed because their file is gone (or now unreadable as an
    /// article).
    pub deleted: u64,
    /// Files not indexed, by reason (every reason listed).
    pub skipped: BTreeMap<String, u64>,
    /// Each file not indexed.
    pub skipped_files: Vec<SkippedFile>,
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
    Skipped(SkippedFile),
}

impl Archive {
    /// Indexes the archive folder `dir`: adds new files, re-indexes changed
    /// ones and deletes the documents of removed ones, then commits.
    ///
    /// Fails at once with [`Error::Locked`] when another indexer is running
    /// on the same index. Files that cannot be indexed are reported in the
    /// [`IndexReport`], never fatal.
    pub fn index_dir(&self, dir: impl AsRef<Path>, options: &IndexOptions) -> Result<IndexReport> {
        let started = Instant::now();
        let root = check_locations(dir.as_ref(), self.path())?;
        let mut writer = self.open_writer(options)?;
        let record = self.record()?;
        let known = if options.rebuild {
            writer.delete_all_documents()?;
            HashMap::new()
        } else {
            check_same_archive(self.path(), &record, &root)?;
            self.known_files()?
        };
        let progress = Reporter::new(options);
        progress.send(Phase::Walking);
        let walk = walk::walk(&root);
        let mut run = Run::new(self.fields(), &known, options);
        let mut report = IndexReport {
            archive: root.clone(),
            index: self.path().to_path_buf(),
            ..IndexReport::default()
        };
        let work = run.plan(walk, &mut report, &progress);
        self.delete_gone(&writer, &run, &known, &mut report);
        let mut last_commit = Instant::now();
        let pool = thread_pool(options.threads, "read")?;
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
                    .map(|f| run.index_file(&writer, f))
                    .collect()
            });
            run.tally(outcomes, &mut report, &progress);
            if options
                .commit_every
                .is_some_and(|every| last_commit.elapsed() >= every)
            {
                self.commit(&mut writer, &root, options, &mut report)?;
                last_commit = Instant::now();
            }
        }
        progress.send(Phase::Committing);
        self.commit(&mut writer, &root, options, &mut report)?;
        writer.wait_merging_threads()?;
        self.reader().reload().map_err(|e| self.engine_error(e))?;
        report.documents = self.reader().searcher().num_docs();
        report.seconds = started.elapsed().as_secs_f64();
        report.mb_per_s = report.bytes_read as f64 / 1e6 / report.seconds.max(1e-9);
        Ok(report)
    }

    fn open_writer(&self, options: &IndexOptions) -> Result<IndexWriter> {
        let threads = effective_threads(options.threads);
        let budget = (options.memory_mb.max(1) * 1024 * 1024 / threads)
            .clamp(MIN_THREAD_BUDGET, 4_000_000_000);
        let writer_options = IndexWriterOptions::builder()
            .memory_budget_per_thread(budget)
            .num_worker_threads(threads)
            .num_merge_threads(threads.clamp(1, 4))
            .build();
        self.index()
            .writer_with_options(writer_options)
            .map_err(|e| writer_error(self.path(), e))
    }

    fn commit(
        &self,
        writer: &mut IndexWriter,
        root: &Path,
        options: &IndexOptions,
        report: &mut IndexReport,
    ) -> Result<()> {
        let record = IndexRecord {
            newsidx_schema: schema::version(),
            archive: Some(root.to_path_buf()),
            source_from: Some(options.source_from.as_str().to_string()),
        };
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&record.to_json());
        commit.commit()?;
        report.commits += 1;
        Ok(())
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
                        mtime_ns: mtimes.first(doc).unwrap_or(0),
                        hash: hashes.first(doc).unwrap_or(0),
                    },
                );
            }
        }
        Ok(known)
    }

    /// Deletes the documents of files that are no longer in the archive.
    fn delete_gone(
        &self,
        writer: &IndexWriter,
        run: &Run,
        known: &HashMap<String, Known>,
        report: &mut IndexReport,
    ) {
        for path in known.keys() {
            if !run.present.contains(path) {
                writer.delete_term(Term::from_field_text(self.fields().path, path));
                report.deleted += 1;
            }
        }
    }
}

/// The state of one run shared by the rayon workers.
struct Run<'a> {
    fields: &'a Fields,
    known: &'a HashMap<String, Known>,
    options: &'a IndexOptions,
    /// Paths still in the archive (or kept despite a read error).
    present: HashSet<String>,
    /// Documents deleted because their file no longer holds an article.
    deleted: AtomicU64,
    bytes_read: AtomicU64,
}

impl<'a> Run<'a> {
    fn new(
        fields: &'a Fields,
        known: &'a HashMap<String, Known>,
        options: &'a IndexOptions,
    ) -> Run<'a> {
        Run {
            fields,
            known,
            options,
            present: HashSet::new(),
            deleted: AtomicU64::new(0),
            bytes_read: AtomicU64::new(0),
        }
    }

    /// Sorts the walk into unchanged files (counted now) and files to read.
    fn plan(
        &mut self,
        walk: walk::Walk,
        report: &mut IndexReport,
        progress: &Reporter,
    ) -> Vec<FileEntry> {
        let mut work = Vec::new();
        report.files_seen = (walk.files.len() + walk.problems.len()) as u64;
        for problem in walk.problems {
            if !problem.vanished && self.known.contains_key(&problem.rel) {
                // Keep the article we have rather than lose it over a
                // passing read error.
                self.present.insert(problem.rel.clone());
            }
            push_skip(
                report,
                SkippedFile {
                    path: problem.rel,
                    reason: SkipReason::Unreadable,
                    detail: problem.detail,
                },
            );
        }
        for file in walk.files {
            if !self.present.insert(file.rel.clone()) {
                push_skip(report, name_collision(file.rel));
                continue;
            }
            match self.known.get(&file.rel) {
                Some(k) if k.size == file.size && k.mtime_ns == file.mtime_ns => {
                    report.unchanged += 1
                }
                _ => work.push(file),
            }
        }
        progress.set_totals(report.files_seen, work.iter().map(|f| f.size).sum());
        progress.add_done(report.files_seen - work.len() as u64, 0);
        work
    }

    /// Reads, parses and indexes one file (called from rayon workers).
    fn index_file(&self, writer: &IndexWriter, file: &FileEntry) -> Outcome {
        let known = self.known.get(&file.rel);
        let path_term = Term::from_field_text(self.fields.path, &file.rel);
        let bytes = match read_file(file, &self.options.parse) {
            Ok(bytes) => bytes,
            Err((skip, vanished)) => {
                if vanished && known.is_some() {
                    writer.delete_term(path_term);
                    self.deleted.fetch_add(1, Ordering::Relaxed);
                }
                return Outcome::Skipped(skipped(file, skip));
            }
        };
        self.bytes_read
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
        let article = match article::parse(&bytes, &file.rel, &self.options.parse) {
            Ok(article) => article,
            Err(skip) => {
                if known.is_some() {
                    writer.delete_term(path_term);
                    self.deleted.fetch_add(1, Ordering::Relaxed);
                }
                return Outcome::Skipped(skipped(file, skip));
            }
        };
        let source = self.options.source_from.source(&article);
        let doc = document(self.fields, &article, source, file, hash);
        if known.is_some() {
            writer.delete_term(path_term);
        }
        if let Err(e) = writer.add_document(doc) {
            return Outcome::Skipped(skipped(
                file,
                Skip::new(SkipReason::Unreadable, format!("the index refused it: {e}")),
            ));
        }
        Outcome::Indexed {
            existed: known.is_some(),
            same_content: known.is_some_and(|k| k.hash == hash),
            undated: article.date.is_none(),
            repaired: article.repaired(),
        }
    }

    /// Adds a batch's outcomes to the report.
    fn tally(&self, outcomes: Vec<Outcome>, report: &mut IndexReport, progress: &Reporter) {
        let count = outcomes.len() as u64;
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
                Outcome::Skipped(skip) => push_skip(report, skip),
            }
        }
        report.deleted += self.deleted.swap(0, Ordering::Relaxed);
        let bytes = self.bytes_read.swap(0, Ordering::Relaxed);
        report.bytes_read += bytes;
        progress.add_done(count, bytes);
    }
}

fn push_skip(report: &mut IndexReport, skip: SkippedFile) {
    *report.skipped.entry(skip.reason.to_string()).or_default() += 1;
    report.skipped_files.push(skip);
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
    let unreadable = |e: std::io::Error| {
        let vanished = e.kind() == std::io::ErrorKind::NotFound;
        let what = if vanished {
            "vanished before it could be read"
        } else {
            "cannot be read"
        };
        (
            Skip::new(SkipReason::Unreadable, format!("{what}: {e}")),
            vanished,
        )
    };
    let handle = File::open(&file.abs).map_err(unreadable)?;
    let size = handle.metadata().map_err(unreadable)?.len();
    if size > options.max_file_size {
        let skip = Skip::new(
            SkipReason::TooLarge,
            format!(
                "{size} bytes, over the limit of {} bytes (raise it with --max-file-size)",
                options.max_file_size
            ),
        );
        return Err((skip, false));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    handle
        .take(options.max_file_size + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    Ok(bytes)
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

fn effective_threads(threads: usize) -> usize {
    if threads > 0 {
        threads
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// A rayon pool of `threads` threads (0: all cores), named `newsidx-{role}-N`.
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
