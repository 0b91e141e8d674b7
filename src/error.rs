//! The library's error type.
//!
//! Every variant says what failed, where, and what to do about it; the
//! binary prints the message once and picks an exit code from
//! [`Error::kind`].

use std::io;
use std::path::PathBuf;

use crate::query::QueryError;

/// A `Result` with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, broadly: the binary maps each kind to an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request itself is wrong (a malformed query, a bad date, a bad
    /// option): fix the command line.
    Usage,
    /// There is no usable index where one was expected: create or rebuild it.
    Index,
    /// Anything else: I/O failures, a busy index, engine failures.
    Internal,
}

/// An error of the newsidx library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No index exists at the path.
    #[error("no index at {path}: create one with `newsidx index ARCHIVE_DIR --index {path}`")]
    IndexNotFound {
        /// Where the index was looked for.
        path: PathBuf,
    },
    /// The folder exists but does not hold a newsidx index.
    #[error(
        "{path} is not a newsidx index ({detail}): point --index at a newsidx index, or at a new folder to create one"
    )]
    NotAnIndex {
        /// The folder.
        path: PathBuf,
        /// What was found instead.
        detail: String,
    },
    /// The index was written with another schema version.
    #[error(
        "the index at {path} has schema version {found}, this newsidx reads version {expected}: rebuild it with `newsidx index ARCHIVE_DIR --index {path} --rebuild`"
    )]
    SchemaVersion {
        /// The index folder.
        path: PathBuf,
        /// Version recorded in the index.
        found: u32,
        /// Version of this build.
        expected: u32,
    },
    /// The index's files are damaged or missing.
    #[error(
        "the index at {path} is damaged ({source}): rebuild it with `newsidx index ARCHIVE_DIR --index {path} --rebuild`"
    )]
    Damaged {
        /// The index folder.
        path: PathBuf,
        /// What tantivy found.
        #[source]
        source: tantivy::TantivyError,
    },
    /// Another indexer holds the index's write lock.
    #[error(
        "the index at {path} is locked by another running indexer: wait for it to finish (searching works meanwhile)"
    )]
    Locked {
        /// The index folder.
        path: PathBuf,
    },
    /// The index's first indexing run is still going and has committed
    /// nothing yet.
    #[error(
        "the index at {path} is being built: its first `newsidx index` run is still going and has committed nothing yet; search again when it has finished (or after its first periodic commit)"
    )]
    IndexingInProgress {
        /// The index folder.
        path: PathBuf,
    },
    /// The index was built from another archive folder.
    #[error(
        "the index at {path} was built from {recorded}, not {requested}: use another --index, or pass --rebuild to replace its contents"
    )]
    OtherArchive {
        /// The index folder.
        path: PathBuf,
        /// Archive recorded in the index.
        recorded: PathBuf,
        /// Archive asked for now.
        requested: PathBuf,
    },
    /// The archive folder is missing or not a folder.
    #[error("archive folder {path}: {detail}")]
    Archive {
        /// The folder.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// The index would be written inside the archive.
    #[error(
        "the index {index} is inside the archive {archive}, and newsidx never writes into an archive: pass --index with a folder outside it"
    )]
    IndexInsideArchive {
        /// The index folder.
        index: PathBuf,
        /// The archive folder.
        archive: PathBuf,
    },
    /// A malformed query or filter.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// An I/O error on a named path.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// Writing the output of an export failed.
    #[error("cannot write the export: {source}")]
    Output {
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// An engine failure.
    #[error("search engine failure: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl Error {
    /// The broad kind of the error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Query(_) | Error::Archive { .. } | Error::IndexInsideArchive { .. } => {
                ErrorKind::Usage
            }
            Error::OtherArchive { .. } => ErrorKind::Usage,
            Error::IndexNotFound { .. }
            | Error::NotAnIndex { .. }
            | Error::SchemaVersion { .. }
            | Error::IndexingInProgress { .. }
            | Error::Damaged { .. } => ErrorKind::Index,
            Error::Locked { .. } | Error::Io { .. } | Error::Output { .. } | Error::Tantivy(_) => {
                ErrorKind::Internal
            }
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
