//! [`Archive`]: one newsidx index on disk, opened for searching and indexing.
//!
//! An index folder is a tantivy index whose every commit carries a small JSON
//! payload ([`IndexRecord`]): the schema version, and the archive folder it
//! mirrors. Opening checks both, so an index of another version, or a folder
//! that is not a newsidx index at all, is a clear error rather than a panic
//! deep inside a search.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::directory::error::{LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::error::DataCorruption;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyError};

use crate::analysis;
use crate::error::{Error, IoProblem, Result, os_error_in};
use crate::fingerprint::analysis_fingerprint;
use crate::schema::{self, Fields};

/// Name of the environment variable that names the default index folder.
pub const INDEX_ENV: &str = "NEWSIDX_INDEX";
/// Default index folder, relative to the working directory.
pub const DEFAULT_INDEX_DIR: &str = ".newsidx";

/// The index folder to use when none is given: `$NEWSIDX_INDEX`, else
/// `./.newsidx`.
pub fn default_index_path() -> PathBuf {
    match std::env::var_os(INDEX_ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from(DEFAULT_INDEX_DIR),
    }
}

/// What newsidx records in every commit of an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexRecord {
    /// Schema version of the index layout.
    pub newsidx_schema: u32,
    /// The archive folder the index mirrors, once something was indexed.
    #[serde(default)]
    pub archive: Option<PathBuf>,
    /// How sources were assigned (`copyright` or `folder`).
    #[serde(default)]
    pub source_from: Option<String>,
    /// The text analysis the documents were indexed with: the stemmer crate
    /// and version, and hashes of what the analyzers make of a probe text
    /// and of the stop list.
    /// Indexes written before newsidx recorded it have none.
    #[serde(default)]
    pub analysis: Option<String>,
    /// Documents whose recorded modification time is this or later (in
    /// nanoseconds since the Unix epoch) are compared by content in the next
    /// run, whatever their size and time: the start of the last complete
    /// run less [`crate::indexer::RACY_WINDOW_NS`], or earlier while a
    /// recently modified file could not be verified. `None`: every file.
    #[serde(default)]
    pub racy_from_ns: Option<i64>,
}

/// A newsidx index: the entry point for indexing and searching.
///
/// `Archive` is `Sync`: many threads may search one `Archive` at once, also
/// while [`Archive::index_dir`] runs; searches see the last commit.
pub struct Archive {
    path: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl Archive {
    /// Creates a new, empty index in `path` (created if missing; it must not
    /// already hold an index).
    pub fn create(path: impl AsRef<Path>) -> Result<Archive> {
        let path = path.as_ref();
        fs::create_dir_all(path).map_err(|e| io_error(path, None, e))?;
        let index = Index::create_in_dir(path, schema::build_schema()).map_err(|e| match e {
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
        };
        let mut writer = index
            .writer_with_num_threads::<tantivy::TantivyDocument>(1, 15_000_000)
            .map_err(|e| writer_error(path, e))?;
        let mut commit = writer.prepare_commit().map_err(|e| open_error(path, e))?;
        commit.set_payload(&record.to_json());
        commit.commit().map_err(|e| open_error(path, e))?;
        Archive::from_index(path, index)
    }

    /// Opens an existing index, checking that it is a newsidx index of this
    /// schema version, built with this build's text analysis.
    pub fn open(path: impl AsRef<Path>) -> Result<Archive> {
        let path = path.as_ref();
        let archive = Archive::open_unchecked(path)?;
        archive.check_analysis(&archive.record()?)?;
        Ok(archive)
    }

    /// [`Archive::open`] without the analysis check: for a rebuild, which
    /// re-adds every document with the current analysis.
    fn open_unchecked(path: &Path) -> Result<Archive> {
        check_folder(path)?;
        let directory = MmapDirectory::open(path).map_err(|e| open_error(path, e.into()))?;
        Archive::open_directory(path, directory)
    }

    /// Opens the index held by `directory` (the folder `path`, or in tests a
    /// wrapper around it that injects faults).
    pub(crate) fn open_directory(path: &Path, directory: impl Directory) -> Result<Archive> {
        let index = Index::open(directory).map_err(|e| foreign_or(path, e))?;
        let record = read_record(path, &index)?;
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
                detail: "its fields differ from the newsidx schema".into(),
            });
        }
        check_segment_files(path, &index)?;
        analysis::register(&index);
        Archive::from_index(path, index)
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

    /// Opens the index in `path`, or creates one if there is none.
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Archive> {
        let path = path.as_ref();
        match Archive::open(path) {
            Err(Error::IndexNotFound { .. }) => Archive::create(path),
            other => other,
        }
    }

    /// Opens the index in `path` to rebuild it (`newsidx index --rebuild`):
    /// like [`Archive::open_or_create`], except that an index the error
    /// messages tell the user to rebuild is accepted:
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
    /// A folder that is not an index is refused as by [`Archive::open`], and
    /// an index that cannot be read because of permissions or resources
    /// ([`Error::IndexIo`]) is never deleted.
    pub fn open_for_rebuild(path: impl AsRef<Path>) -> Result<Archive> {
        let path = path.as_ref();
        match Archive::open_or_create(path) {
            Err(Error::AnalysisChanged { .. }) => return Archive::open_unchecked(path),
            Err(Error::Damaged { .. } | Error::SchemaVersion { .. })
                if path.join(MANAGED_FILE).is_file() => {}
            Err(Error::Damaged { source, .. }) => {
                return Err(Error::NotAnIndex {
                    path: path.to_path_buf(),
                    detail: format!(
                        "a damaged index ({source}) without tantivy's {MANAGED_FILE}, so newsidx cannot tell its files from others"
                    ),
                });
            }
            other => return other,
        }
        remove_index_files(path)?;
        Archive::create(path)
    }

    fn from_index(path: &Path, index: Index) -> Result<Archive> {
        let fields = Fields::new(&index.schema()).map_err(|e| open_error(path, e))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| open_error(path, e))?;
        Ok(Archive {
            path: path.to_path_buf(),
            index,
            reader,
            fields,
        })
    }

    /// The index folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The newsidx record of the last commit.
    pub fn record(&self) -> Result<IndexRecord> {
        read_record(&self.path, &self.index)
    }

    pub(crate) fn index(&self) -> &Index {
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

impl IndexRecord {
    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn check_folder(path: &Path) -> Result<()> {
    let not_found = || Error::IndexNotFound {
        path: path.to_path_buf(),
    };
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(not_found()),
        Err(e) => return Err(io_error(path, None, e)),
    };
    if !meta.is_dir() {
        return Err(Error::NotAnIndex {
            path: path.to_path_buf(),
            detail: "it is not a folder".into(),
        });
    }
    if path.join("meta.json").is_file() {
        return Ok(());
    }
    let empty = fs::read_dir(path)
        .map_err(|e| io_error(path, None, e))?
        .next()
        .is_none();
    if empty {
        Err(not_found())
    } else {
        Err(Error::NotAnIndex {
            path: path.to_path_buf(),
            detail: "the folder has files but no meta.json".into(),
        })
    }
}

/// The file in which tantivy lists the files it manages.
const MANAGED_FILE: &str = ".managed.json";

/// Deletes tantivy's files from an index folder (`meta.json`,
/// `.managed.json` and the segment files, named after 32-hex-digit segment
/// ids), holding the writer lock so that a running indexer is not pulled
/// from under.
fn remove_index_files(path: &Path) -> Result<()> {
    let directory = MmapDirectory::open(path).map_err(|e| open_error(path, e.into()))?;
    let _lock = directory
        .acquire_lock(&INDEX_WRITER_LOCK)
        .map_err(|e| writer_error(path, e.into()))?;
    for entry in fs::read_dir(path).map_err(|e| io_error(path, None, e))? {
        let entry = entry.map_err(|e| io_error(path, None, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let segment_file = name.len() > 33
            && name.as_bytes()[32] == b'.'
            && name.as_bytes()[..32]
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
        if name == "meta.json" || name == MANAGED_FILE || segment_file {
            match fs::remove_file(entry.path()) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(io_error(path, Some(entry.path()), e));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// tantivy checks that a segment file holds 4 bytes, then reads its 8-byte
/// footer, and panics on a file of 4 to 7 bytes: such a file (or any
/// segment file too short to hold a footer) is reported as damage before
/// tantivy opens it.
fn check_segment_files(path: &Path, index: &Index) -> Result<()> {
    use tantivy::index::SegmentComponent as C;
    let segments = index
        .searchable_segment_metas()
        .map_err(|e| open_error(path, e))?;
    for segment in &segments {
        let mut components = vec![
            C::Postings,
            C::Positions,
            C::Terms,
            C::Store,
            C::FastFields,
            C::FieldNorms,
        ];
        if segment.has_deletes() {
            components.push(C::Delete);
        }
        for component in components {
            let file = segment.relative_path(component);
            let Ok(meta) = fs::metadata(path.join(&file)) else {
                // A missing file is reported by tantivy when it opens it.
                continue;
            };
            if meta.len() < 8 {
                let detail = format!("{} bytes, too short for a segment file", meta.len());
                return Err(Error::Damaged {
                    path: path.to_path_buf(),
                    source: TantivyError::DataCorruption(DataCorruption::new(file, detail)),
                });
            }
        }
    }
    Ok(())
}

fn read_record(path: &Path, index: &Index) -> Result<IndexRecord> {
    let metas = index.load_metas().map_err(|e| open_error(path, e))?;
    let Some(payload) = metas.payload else {
        // `Archive::create` stopped (killed) between tantivy's creation of
        // the index and newsidx's first commit leaves an empty index without
        // a record: that is an empty newsidx index (`open` checks the
        // schema next), not a reason to make the user delete the folder.
        if metas.segments.is_empty() && metas.opstamp == 0 {
            return Ok(IndexRecord {
                newsidx_schema: schema::version(),
                archive: None,
                source_from: None,
                analysis: None,
                racy_from_ns: None,
            });
        }
        return Err(Error::NotAnIndex {
            path: path.to_path_buf(),
            detail: "a tantivy index without a newsidx record".into(),
        });
    };
    serde_json::from_str(&payload).map_err(|_| Error::NotAnIndex {
        path: path.to_path_buf(),
        detail: "a tantivy index with a foreign commit record".into(),
    })
}

/// Maps an error met while opening or reading an index.
///
/// I/O errors that say nothing about the files (permissions, too many open
/// files, a full disk, a failing device) are [`Error::IndexIo`]: the index
/// may be whole, and a rebuild, which deletes it, would not help. Other
/// read errors and inconsistencies are damage.
pub(crate) fn open_error(path: &Path, error: TantivyError) -> Error {
    if let Some((file, io)) = io_problem(&error) {
        return Error::IndexIo {
            path: path.to_path_buf(),
            file: file.map(|f| if f.is_absolute() { f } else { path.join(f) }),
            source: io,
        };
    }
    match error {
        TantivyError::OpenDirectoryError(OpenDirectoryError::DoesNotExist(_)) => {
            Error::IndexNotFound {
                path: path.to_path_buf(),
            }
        }
        TantivyError::LockFailure(LockError::LockBusy, _) => Error::Locked {
            path: path.to_path_buf(),
        },
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(_))
        | TantivyError::OpenReadError(_)
        | TantivyError::DataCorruption(_)
        | TantivyError::IncompatibleIndex(_)
        | TantivyError::SchemaError(_)
        | TantivyError::IoError(_) => Error::Damaged {
            path: path.to_path_buf(),
            source: error,
        },
        other => Error::Tantivy(other),
    }
}

/// The file and I/O error of a tantivy error, when it is one of the I/O
/// problems of [`IoProblem`].
fn io_problem(error: &TantivyError) -> Option<(Option<PathBuf>, io::Error)> {
    let (file, io): (Option<&Path>, &io::Error) = match error {
        TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath })
        | TantivyError::OpenWriteError(OpenWriteError::IoError { io_error, filepath }) => {
            (Some(filepath), io_error)
        }
        TantivyError::OpenDirectoryError(OpenDirectoryError::IoError {
            io_error,
            directory_path,
        }) => (Some(directory_path), io_error),
        TantivyError::LockFailure(LockError::IoError(io_error), _)
        | TantivyError::IoError(io_error) => (None, io_error),
        // Some writers (the doc store's) pass I/O errors on as text only.
        TantivyError::InternalError(text)
        | TantivyError::ErrorInThread(text)
        | TantivyError::SystemError(text) => {
            let io = os_error_in(text)?;
            IoProblem::of(&io)?;
            return Some((None, io));
        }
        _ => return None,
    };
    let (_, io) = IoProblem::find(io)?;
    Some((file.map(Path::to_path_buf), io))
}

/// An I/O error on the index folder (or `file` in it): [`Error::IndexIo`]
/// for the problems of [`IoProblem`], else [`Error::Io`].
pub(crate) fn io_error(path: &Path, file: Option<PathBuf>, error: io::Error) -> Error {
    if IoProblem::of(&error).is_some() {
        Error::IndexIo {
            path: path.to_path_buf(),
            file,
            source: error,
        }
    } else {
        Error::io(file.unwrap_or_else(|| path.to_path_buf()), error)
    }
}

/// Maps an error met while opening an index: a `meta.json` that tantivy
/// cannot read, in a folder without tantivy's `.managed.json`, belongs to
/// another program (the folder is no index, and a rebuild must not touch
/// it); anything else as [`open_error`].
fn foreign_or(path: &Path, error: TantivyError) -> Error {
    let unreadable_meta = matches!(&error, TantivyError::DataCorruption(_));
    if unreadable_meta && !path.join(MANAGED_FILE).exists() {
        return Error::NotAnIndex {
            path: path.to_path_buf(),
            detail: "its meta.json is not a tantivy index's; it belongs to another program".into(),
        };
    }
    open_error(path, error)
}

/// Maps an error met while taking the index's writer.
pub(crate) fn writer_error(path: &Path, error: TantivyError) -> Error {
    match error {
        TantivyError::LockFailure(..) => Error::Locked {
            path: path.to_path_buf(),
        },
        other => open_error(path, other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn os(code: i32) -> Arc<io::Error> {
        Arc::new(io::Error::from_raw_os_error(code))
    }

    fn classify(error: TantivyError) -> Error {
        open_error(Path::new("idx"), error)
    }

    #[test]
    fn resource_and_permission_errors_are_not_damage() {
        let read = |code| {
            TantivyError::OpenReadError(OpenReadError::IoError {
                io_error: os(code),
                filepath: "meta.json".into(),
            })
        };
        for code in [
            libc::EACCES,
            libc::EPERM,
            libc::EMFILE,
            libc::ENFILE,
            libc::ENOSPC,
            libc::EIO,
        ] {
            let err = classify(read(code));
            assert!(matches!(err, Error::IndexIo { .. }), "{code}: {err:?}");
            assert_eq!(err.kind(), crate::ErrorKind::Internal);
            assert!(err.to_string().contains("idx/meta.json"), "{err}");
            assert!(!err.to_string().contains("rebuild it"), "{err}");
        }
        let texts = [
            (
                classify(read(libc::EACCES)),
                "permission denied on idx/meta.json",
            ),
            (classify(read(libc::EMFILE)), "too many open files"),
            (classify(TantivyError::IoError(os(libc::ENOSPC))), "is full"),
        ];
        for (err, text) in texts {
            assert!(err.to_string().contains(text), "{err}");
        }
        // Damage stays damage.
        assert!(matches!(
            classify(read(libc::ENOENT)),
            Error::Damaged { .. }
        ));
        let eof = TantivyError::IoError(Arc::new(io::Error::from(io::ErrorKind::UnexpectedEof)));
        assert!(matches!(classify(eof), Error::Damaged { .. }));
    }

    #[test]
    fn wrapped_and_flattened_io_errors_are_found() {
        // An I/O error inside another error inside an I/O error.
        #[derive(Debug)]
        struct Wrapper(io::Error);
        impl std::fmt::Display for Wrapper {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "wrapped: {}", self.0)
            }
        }
        impl std::error::Error for Wrapper {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let nested = io::Error::other(Wrapper(io::Error::from_raw_os_error(libc::ENOSPC)));
        let err = classify(TantivyError::IoError(Arc::new(nested)));
        assert!(matches!(err, Error::IndexIo { .. }), "{err:?}");
        // An error that hides its source (as tantivy_fst's does) but shows
        // it in its text.
        #[derive(Debug)]
        struct Opaque(io::Error);
        impl std::fmt::Display for Opaque {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
        impl std::error::Error for Opaque {}
        let opaque = io::Error::other(Opaque(io::Error::from_raw_os_error(libc::ENOSPC)));
        let err = classify(TantivyError::IoError(Arc::new(opaque)));
        assert!(matches!(err, Error::IndexIo { .. }), "{err:?}");
        // Only the text is left.
        let text = io::Error::from_raw_os_error(libc::ENOSPC).to_string();
        let err = classify(TantivyError::InternalError(text));
        assert!(matches!(err, Error::IndexIo { .. }), "{err:?}");
        assert!(os_error_in("no code here").is_none());
        assert!(os_error_in("bad (os error x)").is_none());
    }
}
