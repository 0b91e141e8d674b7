//! What an indexing run did: [`IndexReport`], and the files it kept or
//! deleted.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::files::{self, SkippedFile};

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
    /// Where the run's wall-clock time went, phase by phase.
    pub phases: PhaseTimes,
    /// Commits written.
    pub commits: u32,
    /// Articles whose story the run worked out: the new and changed ones
    /// and those whose stories they may change.
    pub stories_checked: u64,
    /// Unchanged articles whose story changed (added again with it).
    pub stories_changed: u64,
    /// Whether the run left its stories unfinished (cancelled, or a file
    /// changed while it ran): the next run groups every article again.
    pub stories_pending: bool,
    /// Documents in the index after the run.
    pub documents: u64,
    /// Whether the run was cancelled before it finished.
    pub interrupted: bool,
    /// Things the user should know (a setting that was lowered, say).
    pub notes: Vec<String>,
}

/// Wall-clock seconds of each phase of a run, in the order they run. The
/// phases do not overlap; what is left of [`IndexReport::seconds`] is
/// opening the index and the writer.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct PhaseTimes {
    /// Walking the archive and comparing it with the index.
    pub walk: f64,
    /// Reading and signing the bodies of new and changed files.
    pub sign: f64,
    /// Working out the stories from the signatures.
    pub group: f64,
    /// Reading, parsing and indexing the files (and adding again the
    /// unchanged documents whose story changed).
    pub index: f64,
    /// Committing, and waiting for the merges it started.
    pub commit: f64,
}

impl IndexReport {
    /// Files not indexed, all reasons together.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    pub(super) fn push_skip(&mut self, skip: SkippedFile) {
        files::push_skip(&mut self.skipped, &mut self.skipped_files, skip);
    }

    pub(super) fn push_kept(&mut self, kept: KeptFile) {
        self.kept += 1;
        self.kept_files.push(kept);
    }

    pub(super) fn push_deleted(&mut self, path: String, reason: String) {
        self.deleted += 1;
        self.deleted_files.push(DeletedFile { path, reason });
    }
}
