//! The work of a run: reading, hashing and parsing the new and changed
//! files on rayon threads, and handing their documents to the one index
//! writer, batch by batch.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use tantivy::{IndexWriter, TantivyError, Term};

use super::inflight::{self, InFlight};
use super::plan::Known;
use super::progress::Reporter;
use super::report::{IndexReport, KeptFile, KeptReason};
use super::stories::{self, Plan, Signed};
use super::writer::{self, Publish};
use super::{BATCH, IndexOptions};
use crate::article::{self, Skip};
use crate::document::{self, StoryOf};
use crate::error::Result;
use crate::files::{self, ReadFailure, SkippedFile};
use crate::index::{Index, IndexRecord};
use crate::schema::Fields;
use crate::story::{self, Params, Signer};
use crate::walk::{FileEntry, MTIME_UNKNOWN};

#[cfg(test)]
use super::faults;

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

/// The outcome of one file of the sign pass.
enum Signing {
    Signed(Signed),
    /// Unchanged content, or a file that cannot be read now (its document
    /// stays): the story of its document stays.
    Same,
    /// An indexed file whose document the indexing pass will delete.
    Gone(String),
}

/// The state of one run shared by the rayon workers.
pub(super) struct Run<'a> {
    fields: &'a Fields,
    pub known: &'a HashMap<String, Known>,
    pub options: &'a IndexOptions,
    /// Recorded modification times from this one on are too recent to
    /// prove a file unchanged (see [`IndexRecord::RACY_WINDOW_NS`]).
    pub racy_from_ns: i64,
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
    pub present: HashSet<String>,
    /// The stories of the documents this run adds
    /// ([`super::stories::plan`]).
    pub stories: Plan,
    /// Whether a document was added without the story the plan made for it
    /// (its file changed between the sign pass and its indexing): the
    /// commit then leaves the stories pending.
    pub off_plan: AtomicBool,
    bytes_read: AtomicU64,
    /// The bound on what the writer has queued and not yet analysed.
    pub inflight: InFlight,
}

impl<'a> Run<'a> {
    pub(super) fn new(
        fields: &'a Fields,
        known: &'a HashMap<String, Known>,
        options: &'a IndexOptions,
        record: &IndexRecord,
        engine: &tantivy::Index,
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
            stories: Plan::default(),
            off_plan: AtomicBool::new(false),
            bytes_read: AtomicU64::new(0),
            inflight: InFlight::new(engine, inflight::LIMIT, inflight::STALL),
        }
    }

    /// Reads, parses and indexes `work` batch by batch until it is done or
    /// the run is cancelled; an update commits every `commit_every`, a
    /// rebuild holds every change until it is complete.
    pub(super) fn index_work(
        &self,
        index: &Index,
        writer: &mut IndexWriter,
        work: &[FileEntry],
        publish: &Publish,
        report: &mut IndexReport,
        progress: &Reporter,
    ) -> Result<()> {
        let options = self.options;
        let mut last_commit = Instant::now();
        let pool = files::thread_pool(report.threads, "read")?;
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
                    .enumerate()
                    .map(|(j, f)| self.index_file(writer, i * BATCH + j, f))
                    .collect()
            });
            if let Some(error) = self.count(outcomes, report, progress) {
                return Err(writer::failure(index, writer, error));
            }
            if !options.rebuild
                && options
                    .commit_every
                    .is_some_and(|every| last_commit.elapsed() >= every)
            {
                writer::commit(index, writer, publish, report)?;
                last_commit = Instant::now();
            }
        }
        Ok(())
    }

    /// The sign pass: reads, hashes, parses and signs, on `threads` rayon
    /// threads, every file of `work` whose content is new or changed (the
    /// indexing pass reads them again, from the page cache as a rule).
    /// Returns the signed articles and the paths of indexed files that the
    /// indexing pass will delete (vanished, too large, no longer an
    /// article); a file that cannot be read now keeps its document and is
    /// neither. `None` when the run is cancelled.
    pub(super) fn sign(
        &self,
        work: &[FileEntry],
        threads: usize,
    ) -> Result<Option<(Vec<Signed>, Vec<String>)>> {
        let pool = files::thread_pool(threads, "sign")?;
        let mut signed = Vec::with_capacity(work.len());
        let mut gone = Vec::new();
        for (i, batch) in work.chunks(BATCH).enumerate() {
            if self
                .options
                .cancel
                .as_ref()
                .is_some_and(|c| c.load(Ordering::SeqCst))
            {
                return Ok(None);
            }
            let outcomes: Vec<Signing> = pool.install(|| {
                batch
                    .par_iter()
                    .enumerate()
                    .map_init(
                        || Signer::new(Params::DEFAULT),
                        |signer, (j, file)| self.sign_file(signer, i * BATCH + j, file),
                    )
                    .collect()
            });
            for outcome in outcomes {
                match outcome {
                    Signing::Signed(s) => signed.push(s),
                    Signing::Gone(path) => gone.push(path),
                    Signing::Same => {}
                }
            }
        }
        Ok(Some((signed, gone)))
    }

    /// Signs one file of the sign pass, the one at `at` in the run's work.
    fn sign_file(&self, signer: &mut Signer, at: usize, file: &FileEntry) -> Signing {
        let known = self.known.get(&file.rel).filter(|_| !self.options.rebuild);
        let gone = || match known {
            Some(_) => Signing::Gone(file.rel.clone()),
            None => Signing::Same,
        };
        let (bytes, entry) = match self.read(file) {
            Ok(read) => read,
            Err(ReadFailure::Unreadable(_)) => return Signing::Same,
            Err(_) => return gone(),
        };
        let hash = files::content_hash(&bytes);
        if known.is_some_and(|k| (k.hash, k.size, k.mtime_ns) == (hash, entry.size, entry.mtime_ns))
        {
            // What the indexing pass will find unchanged.
            return Signing::Same;
        }
        let article = match article::parse(&bytes, &file.rel, &self.options.parse) {
            Ok(article) => article,
            Err(_) => return gone(),
        };
        let entry = stories::entry(signer, article);
        Signing::Signed(Signed { entry, hash, at })
    }

    /// Notes that the document of `path` stays without its content being
    /// verified in this run.
    pub(super) fn kept_unverified(&self, path: &str) {
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
    pub(super) fn next_racy_from(&self, started_ns: i64) -> i64 {
        started_ns
            .saturating_sub(IndexRecord::RACY_WINDOW_NS)
            .min(self.unverified_from_ns.load(Ordering::Relaxed))
    }

    /// Reads, parses and indexes one file (called from rayon workers).
    fn index_file(&self, writer: &IndexWriter, at: usize, file: &FileEntry) -> Outcome {
        let known = self.known.get(&file.rel);
        let (bytes, entry) = match self.read(file) {
            Ok(read) => read,
            Err(failure) => return self.read_failed(writer, at, file, known.is_some(), failure),
        };
        self.bytes_read
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        let hash = files::content_hash(&bytes);
        if let Some(k) = known
            && !self.options.rebuild
            && (k.hash, k.size, k.mtime_ns) == (hash, entry.size, entry.mtime_ns)
        {
            return Outcome::Unchanged;
        }
        let article = match article::parse(&bytes, &file.rel, &self.options.parse) {
            Ok(article) => article,
            Err(skip) => return self.remove(writer, at, file, known.is_some(), skip),
        };
        let source = self.options.source_from.source(&article);
        let doc = match self.stories.get(at).filter(|p| p.hash == hash) {
            Some(planned) => {
                let story = StoryOf {
                    id: &planned.story,
                    bands: &planned.bands,
                };
                document::build(self.fields, &article, source, &entry, hash, &story)
            }
            None => {
                // Not the content the sign pass saw: a story of its own
                // until the next run groups it.
                self.off_plan.store(true, Ordering::Relaxed);
                let bands = story::sign_stored_body(&article.body_text(), false)
                    .band_keys(&Params::DEFAULT);
                let story = StoryOf {
                    id: &article.id,
                    bands: &bands,
                };
                document::build(self.fields, &article, source, &entry, hash, &story)
            }
        };
        if self.delete_first {
            writer.delete_term(Term::from_field_text(self.fields.path, &file.rel));
        }
        if let Err(e) = self.inflight.add(writer, doc) {
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
        files::read(file, &self.options.parse)
    }

    /// The outcome of a file that could not be read: a file that vanished
    /// or is now too large leaves the index; one that cannot be read now
    /// keeps its document (in an update).
    fn read_failed(
        &self,
        writer: &IndexWriter,
        at: usize,
        file: &FileEntry,
        known: bool,
        failure: ReadFailure,
    ) -> Outcome {
        match failure {
            ReadFailure::Unreadable(skip) if known && !self.options.rebuild => {
                self.note_off_plan(at);
                Outcome::Kept(KeptFile {
                    path: file.rel.clone(),
                    reason: KeptReason::Unreadable,
                    detail: format!("{}; the last indexed version stays", skip.detail),
                })
            }
            ReadFailure::Vanished(skip) => {
                let outcome = self.remove(writer, at, file, known, skip);
                match outcome {
                    Outcome::Skipped { skip, deleted } => Outcome::Skipped {
                        skip,
                        deleted: deleted.map(|_| "vanished".to_string()),
                    },
                    other => other,
                }
            }
            ReadFailure::Unreadable(skip) | ReadFailure::TooLarge(skip) => {
                self.remove(writer, at, file, known, skip)
            }
        }
    }

    /// Notes a file that the sign pass signed but that is not indexed now
    /// (it changed between the two passes): the stories stay pending.
    fn note_off_plan(&self, at: usize) {
        if self.stories.get(at).is_some() {
            self.off_plan.store(true, Ordering::Relaxed);
        }
    }

    /// Skips a file, deleting its document if it had one.
    fn remove(
        &self,
        writer: &IndexWriter,
        at: usize,
        file: &FileEntry,
        known: bool,
        skip: Skip,
    ) -> Outcome {
        self.note_off_plan(at);
        let deleted = known.then(|| {
            if !self.options.rebuild {
                writer.delete_term(Term::from_field_text(self.fields.path, &file.rel));
            }
            skip.reason.to_string()
        });
        Outcome::Skipped {
            skip: SkippedFile::new(&file.rel, skip),
            deleted,
        }
    }

    /// Adds a batch's outcomes to the report; returns the writer's failure,
    /// if it failed.
    fn count(
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
                        report.push_deleted(skip.path.clone(), reason);
                    }
                    report.push_skip(skip);
                }
                Outcome::Kept(kept) => {
                    self.kept_unverified(&kept.path);
                    report.push_kept(kept);
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
