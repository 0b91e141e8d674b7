//! [`Index`]: one newsidx index on disk, opened for searching and indexing.
//!
//! An index folder is a tantivy index whose every commit carries a small JSON
//! record ([`IndexRecord`]): the schema version, the archive folder it
//! mirrors and the settings it was built with. Opening checks them, so an
//! index of another version, or a folder that is not a newsidx index at all,
//! is a clear error rather than a panic deep inside a search.
//!
//! Reading goes through a [`Searcher`]: one snapshot of the index (one
//! commit), as tantivy's own `Searcher` is, so that a lookup followed by a
//! search sees the same articles even while an indexer commits.

mod engine_error;
mod folder;
mod record;

use std::fs;
use std::path::Path;
use std::path::PathBuf;

use tantivy::directory::{Directory, MmapDirectory};
use tantivy::{IndexReader, ReloadPolicy, TantivyError};

use crate::analysis;
use crate::error::{Error, Result};
use crate::fingerprint::analysis_fingerprint;
use crate::indexer::{IndexOptions, IndexReport};
use crate::schema::{self, Fields};
use crate::search::{SearchRequest, SearchResults};
use crate::searcher::Searcher;

pub(crate) use engine_error::{io_error, open_error, writer_error};
pub use record::IndexRecord;

/// How often [`Index::searcher`] takes a new snapshot when commits land
/// while it reads the commit's record.
const SNAPSHOT_TRIES: usize = 3;

/// A newsidx index: the entry point for indexing ([`Index::index_dir`]) and
/// reading ([`Index::searcher`]).
///
/// `Index` is `Sync`: many threads may search one `Index` at once, also
/// while [`Index::index_dir`] runs; searches see the last commit.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let archive_dir = tempfile::tempdir()?;
/// # std::fs::write(archive_dir.path().join("a.txt"), " date 2021-05-04 The bridge reopened.")?;
/// # let index_dir = tempfile::tempdir()?;
/// use newsidx::{Index, IndexOptions};
///
/// let index = Index::open_or_create(index_dir.path())?;
/// let report = index.index_dir(archive_dir.path(), &IndexOptions::default())?;
/// assert_eq!(report.added, 1);
/// // The commit records the archive folder it mirrors.
/// let record = index.record()?;
/// assert_eq!(record.archive, Some(archive_dir.path().canonicalize()?));
/// # Ok(())
/// # }
/// ```
pub struct Index {
    path: PathBuf,
    index: tantivy::Index,
    reader: IndexReader,
    fields: Fields,
}

impl Index {
    /// Creates a new, empty index in `path` (created if missing; it must not
    /// already hold an index).
    pub fn create(path: impl AsRef<Path>) -> Result<Index> {
        let path = path.as_ref();
        fs::create_dir_all(path).map_err(|e| io_error(path, None, e))?;
        let index =
            tantivy::Index::create_in_dir(path, schema::build_schema()).map_err(|e| match e {
                TantivyError::IndexAlreadyExists => Error::NotAnIndex {
                    path: path.to_path_buf(),
                    detail: "it already holds an index; open it instead".into(),
                },
                other => open_error(path, other),
            })?;
        analysis::register(&index);
        let record = IndexRecord {
            newsidx_schema: schema::version(),
            archive: None,
            source_from: None,
            analysis: Some(analysis_fingerprint(&index)),
            racy_from_ns: None,
            stories_pending: false,
        };
        let mut writer = index
            .writer_with_num_threads::<tantivy::TantivyDocument>(1, 15_000_000)
            .map_err(|e| writer_error(path, e))?;
        let mut commit = writer.prepare_commit().map_err(|e| open_error(path, e))?;
        commit.set_payload(&record.to_json());
        commit.commit().map_err(|e| open_error(path, e))?;
        Index::from_tantivy(path, index)
    }

    /// Opens an existing index, checking that it is a newsidx index of this
    /// schema version, built with this build's text analysis.
    pub fn open(path: impl AsRef<Path>) -> Result<Index> {
        let path = path.as_ref();
        let index = Index::open_unchecked(path)?;
        index.check_analysis(&index.record()?)?;
        Ok(index)
    }

    /// Opens the index in `path`, or creates one if there is none.
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Index> {
        let path = path.as_ref();
        match Index::open(path) {
            Err(Error::IndexNotFound { .. }) => Index::create(path),
            other => other,
        }
    }

    /// Opens the index in `path` to rebuild it ([`IndexOptions::rebuild`]):
    /// like [`Index::open_or_create`], except that an index the error
    /// messages say to rebuild is accepted:
    ///
    /// - one built with another text analysis is opened as it is: the
    ///   rebuild replaces every document in one commit, so searches keep the
    ///   old documents until the new ones are complete;
    /// - one that is damaged or of another schema version is replaced by a
    ///   new, empty one. Only tantivy's own files are deleted, and only from
    ///   a folder that tantivy manages (it holds `meta.json` and
    ///   `.managed.json`); a damaged index without `.managed.json` is
    ///   [`Error::NotAnIndex`], since newsidx cannot tell which files are
    ///   the index's.
    ///
    /// A folder that is not an index is refused as by [`Index::open`], and
    /// an index that cannot be read because of permissions or resources
    /// ([`Error::IndexIo`]) is never deleted.
    pub fn open_for_rebuild(path: impl AsRef<Path>) -> Result<Index> {
        let path = path.as_ref();
        match Index::open_or_create(path) {
            Err(Error::AnalysisChanged { .. }) => return Index::open_unchecked(path),
            Err(Error::Damaged { .. } | Error::SchemaVersion { .. })
                if path.join(folder::MANAGED_FILE).is_file() => {}
            Err(Error::Damaged { source, .. }) => {
                return Err(Error::NotAnIndex {
                    path: path.to_path_buf(),
                    detail: format!(
                        "a damaged index ({source}) without tantivy's {}, so its files cannot be told from others",
                        folder::MANAGED_FILE
                    ),
                });
            }
            other => return other,
        }
        folder::remove_index_files(path)?;
        Index::create(path)
    }

    /// Checks that `archive` is an archive folder and that an index in
    /// `index_path` (which need not exist yet) would lie outside it; returns
    /// the archive folder's canonical path.
    ///
    /// [`Index::index_dir`] checks this itself; a program that creates the
    /// index on demand checks it first, so that a refused run writes
    /// nothing ([`Error::ArchiveFolder`], [`Error::IndexInsideArchive`]).
    pub fn check_locations(
        archive: impl AsRef<Path>,
        index_path: impl AsRef<Path>,
    ) -> Result<PathBuf> {
        crate::files::check_locations(archive.as_ref(), index_path.as_ref())
    }

    /// The schema version this build reads and writes (an index of another
    /// version is [`Error::SchemaVersion`]).
    pub fn schema_version() -> u32 {
        schema::version()
    }

    /// The index folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The record of the last commit.
    pub fn record(&self) -> Result<IndexRecord> {
        record::read_record(&self.path, &self.index)
    }

    /// A snapshot of the index as of its last commit, for reading: searches,
    /// articles, statistics, exports. Later commits do not change it; take a
    /// new one to see them.
    pub fn searcher(&self) -> Result<Searcher> {
        let mut searcher = self.reader.searcher();
        for _ in 1..SNAPSHOT_TRIES {
            let metas = self.index.load_metas().map_err(|e| self.engine_error(e))?;
            if same_commit(&searcher, &metas) {
                let record = record::record_of(&self.path, metas)?;
                return Ok(Searcher::new(self, searcher, record));
            }
            // A commit landed between the snapshot and its record.
            self.reader.reload().map_err(|e| self.engine_error(e))?;
            searcher = self.reader.searcher();
        }
        // Commits keep landing: the record of the newest of them.
        Ok(Searcher::new(self, searcher, self.record()?))
    }

    /// Runs a search on a new snapshot: [`Searcher::search`].
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        self.searcher()?.search(request)
    }

    /// Indexes the archive folder `dir`: adds new files, re-indexes changed
    /// ones and deletes the documents of removed ones, then commits.
    ///
    /// Fails at once with [`Error::Locked`] when another indexer is running
    /// on the same index. Files that cannot be indexed are reported in the
    /// [`IndexReport`], never fatal. Refuses to mix settings
    /// ([`Error::SettingsChanged`], [`Error::AnalysisChanged`],
    /// [`Error::OtherArchive`]) unless [`IndexOptions::rebuild`] is set, and
    /// to delete too much ([`Error::TooManyDeletes`]); then nothing is
    /// written. The rules that keep every article exactly once are those of
    /// ARCHITECTURE.md's invariants.
    pub fn index_dir(&self, dir: impl AsRef<Path>, options: &IndexOptions) -> Result<IndexReport> {
        crate::indexer::index_dir(self, dir.as_ref(), options)
    }

    /// Whether the index is empty, has never been committed to by an
    /// indexing run (it records no archive), and an indexer holds its lock:
    /// its first run is still going, and a search that finds nothing says
    /// nothing of the archive yet ([`Error::IndexingInProgress`] says so).
    ///
    /// The lock is tried only then, and released at once; tantivy offers no
    /// way to look at a lock without trying it. An indexer starting in that
    /// same instant would find the index busy and say so.
    pub fn first_run_in_progress(&self) -> Result<bool> {
        if self.reader.searcher().num_docs() > 0 || self.record()?.archive.is_some() {
            return Ok(false);
        }
        Ok(folder::writer_lock_held(&self.path))
    }

    /// [`Index::open`] without the analysis check: for a rebuild, which
    /// re-adds every document with the current analysis.
    fn open_unchecked(path: &Path) -> Result<Index> {
        folder::check_folder(path)?;
        let directory = MmapDirectory::open(path).map_err(|e| open_error(path, e.into()))?;
        Index::open_directory(path, directory)
    }

    /// Opens the index held by `directory` (the folder `path`, or in tests a
    /// wrapper around it that injects faults).
    pub(crate) fn open_directory(path: &Path, directory: impl Directory) -> Result<Index> {
        let index =
            tantivy::Index::open(directory).map_err(|e| engine_error::foreign_or(path, e))?;
        let record = record::read_record(path, &index)?;
        if record.newsidx_schema != schema::version() {
            return Err(Error::SchemaVersion {
                path: path.to_path_buf(),
                found: record.newsidx_schema,
                expected: schema::version(),
            });
        }
        if index.schema() != schema::build_schema() {
            return Err(Error::NotAnIndex {
                path: path.to_path_buf(),
                detail: "its fields differ from the index schema".into(),
            });
        }
        folder::check_segment_files(path, &index)?;
        analysis::register(&index);
        Index::from_tantivy(path, index)
    }

    /// Fails with [`Error::AnalysisChanged`] when `record` names another
    /// text analysis than this build's. An index that records none
    /// (written before newsidx recorded it) is taken as it is, and gets the
    /// current fingerprint with its next commit.
    pub(crate) fn check_analysis(&self, record: &IndexRecord) -> Result<()> {
        let current = analysis_fingerprint(&self.index);
        match &record.analysis {
            Some(recorded) if *recorded != current => Err(Error::AnalysisChanged {
                path: self.path.clone(),
                recorded: recorded.clone(),
                current,
            }),
            _ => Ok(()),
        }
    }

    fn from_tantivy(path: &Path, index: tantivy::Index) -> Result<Index> {
        let fields = Fields::new(&index.schema()).map_err(|e| open_error(path, e))?;
        // No watcher thread: `searcher` compares the reader's snapshot with
        // the last commit and reloads when they differ, so a long-lived
        // `Index` (`serve`) sees every commit without one, and a one-shot
        // command (`search`) does not start two threads it never needs.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| open_error(path, e))?;
        Ok(Index {
            path: path.to_path_buf(),
            index,
            reader,
            fields,
        })
    }

    pub(crate) fn tantivy(&self) -> &tantivy::Index {
        &self.index
    }

    pub(crate) fn reader(&self) -> &IndexReader {
        &self.reader
    }

    pub(crate) fn fields(&self) -> &Fields {
        &self.fields
    }

    /// Classifies an engine error met while reading this index: damaged
    /// files become [`Error::Damaged`].
    pub(crate) fn engine_error(&self, error: TantivyError) -> Error {
        open_error(&self.path, error)
    }
}

/// Whether `metas` describe the commit `searcher` reads: the same segments
/// with the same deletes.
fn same_commit(searcher: &tantivy::Searcher, metas: &tantivy::IndexMeta) -> bool {
    let segments = searcher.generation().segments();
    segments.len() == metas.segments.len()
        && metas
            .segments
            .iter()
            .all(|meta| segments.get(&meta.id()) == Some(&meta.delete_opstamp()))
}
