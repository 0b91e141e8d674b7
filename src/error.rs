//! The library's error type.
//!
//! Every variant says what failed, where, and what to do about it; the
//! binary prints the message once and picks an exit code from
//! [`Error::kind`].

use std::io;
use std::path::{Path, PathBuf};

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
///
/// Each message says what is wrong, where, and what must happen; a program
/// picks its response from [`Error::kind`].
///
/// ```
/// use newsidx::{Error, ErrorKind, Index};
///
/// let dir = tempfile::tempdir()?;
/// match Index::open(dir.path().join("nothing-here")) {
///     Err(err @ Error::IndexNotFound { .. }) => {
///         assert_eq!(err.kind(), ErrorKind::Index);
///         assert!(err.to_string().starts_with("no index at"));
///     }
///     other => panic!("expected IndexNotFound, got {:?}", other.err()),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No index exists at the path.
    #[error("no index at {path}: create one by indexing an archive folder into it")]
    IndexNotFound {
        /// Where the index was looked for.
        path: PathBuf,
    },
    /// The folder exists but does not hold a newsidx index (nor one that
    /// newsidx could safely replace).
    #[error(
        "{path} is not an index ({detail}): use an index, or a new or empty folder to create one, or remove its files yourself if the folder is meant for the index; files the index did not write are never deleted"
    )]
    NotAnIndex {
        /// The folder.
        path: PathBuf,
        /// What was found instead.
        detail: String,
    },
    /// The index was written with another schema version.
    #[error(
        "the index at {path} has schema version {found}, this build reads version {expected}: rebuild it from its archive folder"
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
    #[error("the index at {path} is damaged ({source}): rebuild it from its archive folder")]
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
        "the index at {path} is being built: its first indexing run is still going and has committed nothing yet; search again when it has finished (or after its first periodic commit)"
    )]
    IndexingInProgress {
        /// The index folder.
        path: PathBuf,
    },
    /// The index was built from another archive folder.
    #[error(
        "the index at {path} was built from {recorded}, not {requested}: use another index, or rebuild this one to replace its contents"
    )]
    OtherArchive {
        /// The index folder.
        path: PathBuf,
        /// Archive recorded in the index.
        recorded: PathBuf,
        /// Archive asked for now.
        requested: PathBuf,
    },
    /// The index was built with another setting than the run asks for
    /// (where articles' sources come from); an update would mix the two.
    #[error(
        "the index at {path} was built with {setting} {recorded}, and this run asks for {requested}: updating it would mix the two, so nothing was changed; rebuild the index to change {setting}, or keep {recorded}"
    )]
    SettingsChanged {
        /// The index folder.
        path: PathBuf,
        /// The setting (`source_from`).
        setting: &'static str,
        /// The value recorded in the index.
        recorded: String,
        /// The value asked for.
        requested: String,
    },
    /// The index was built with another text analysis (stemmer version,
    /// token limits, analyzers): query words would not match indexed ones.
    #[error(
        "the index at {path} was built with another text analysis than this build uses (recorded: {recorded}; now: {current}), so searches would miss words: rebuild it from its archive folder"
    )]
    AnalysisChanged {
        /// The index folder.
        path: PathBuf,
        /// The fingerprint recorded in the index.
        recorded: String,
        /// The fingerprint of this build.
        current: String,
    },
    /// The run would delete more of the index's documents than allowed:
    /// nothing was written.
    #[error("{}", too_many_deletes(path, archive, *would_delete, *documents, *max_percent))]
    TooManyDeletes {
        /// The index folder.
        path: PathBuf,
        /// The archive folder.
        archive: PathBuf,
        /// Documents the run would have deleted.
        would_delete: u64,
        /// Documents the index held.
        documents: u64,
        /// The largest share of the documents a run may delete, in percent.
        max_percent: u8,
    },
    /// The index could not be read or written for a reason that is not
    /// damage: permissions, too many open files, a full disk, a failing
    /// device. Rebuilding would not help, so nothing is deleted.
    #[error("{}", index_io(path, file.as_deref(), source))]
    IndexIo {
        /// The index folder.
        path: PathBuf,
        /// The file concerned, when known.
        file: Option<PathBuf>,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The archive folder is missing or not a folder.
    #[error("archive folder {path}: {detail}")]
    ArchiveFolder {
        /// The folder.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// The index would be written inside the archive.
    #[error(
        "the index {index} is inside the archive {archive}, and an archive is never written into: put the index in a folder outside it"
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
            Error::Query(_) | Error::ArchiveFolder { .. } | Error::IndexInsideArchive { .. } => {
                ErrorKind::Usage
            }
            Error::OtherArchive { .. }
            | Error::SettingsChanged { .. }
            | Error::TooManyDeletes { .. } => ErrorKind::Usage,
            Error::IndexNotFound { .. }
            | Error::NotAnIndex { .. }
            | Error::SchemaVersion { .. }
            | Error::AnalysisChanged { .. }
            | Error::IndexingInProgress { .. }
            | Error::Damaged { .. } => ErrorKind::Index,
            Error::Locked { .. }
            | Error::IndexIo { .. }
            | Error::Io { .. }
            | Error::Output { .. }
            | Error::Tantivy(_) => ErrorKind::Internal,
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

/// What an I/O error that is not damage means, for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IoProblem {
    /// EACCES, EPERM.
    PermissionDenied,
    /// EMFILE, ENFILE.
    TooManyOpenFiles,
    /// ENOSPC, EDQUOT.
    DiskFull,
    /// EROFS.
    ReadOnly,
    /// EIO: the device or the network share failed.
    Device,
    /// ENOMEM.
    OutOfMemory,
}

impl IoProblem {
    /// The problem an I/O error reports, if it is one of those that say
    /// nothing about the state of the files (so that a rebuild would not
    /// help and must not be offered).
    pub(crate) fn of(error: &io::Error) -> Option<IoProblem> {
        IoProblem::of_one(error).or_else(|| IoProblem::find(error).map(|(problem, _)| problem))
    }

    /// The problem, and (a copy of) the I/O error that reports it: `error`
    /// itself or one it wraps. tantivy wraps the errors of its writers in
    /// others, some of which only show them in their text.
    pub(crate) fn find(error: &io::Error) -> Option<(IoProblem, io::Error)> {
        let mut current: &(dyn std::error::Error + 'static) = error;
        loop {
            if let Some(io) = current.downcast_ref::<io::Error>() {
                if let Some(problem) = IoProblem::of_one(io) {
                    return Some((problem, copy_io_error(io)));
                }
                if let Some(inner) = io.get_ref() {
                    current = inner;
                    continue;
                }
            }
            match current.source() {
                Some(next) => current = next,
                None => break,
            }
        }
        let io = os_error_in(&error.to_string())?;
        Some((IoProblem::of_one(&io)?, io))
    }

    fn of_one(error: &io::Error) -> Option<IoProblem> {
        use io::ErrorKind as K;
        #[cfg(unix)]
        match error.raw_os_error() {
            Some(libc::EMFILE | libc::ENFILE) => return Some(IoProblem::TooManyOpenFiles),
            Some(libc::EIO) => return Some(IoProblem::Device),
            _ => {}
        }
        match error.kind() {
            K::PermissionDenied => Some(IoProblem::PermissionDenied),
            K::StorageFull | K::QuotaExceeded => Some(IoProblem::DiskFull),
            K::ReadOnlyFilesystem => Some(IoProblem::ReadOnly),
            K::OutOfMemory => Some(IoProblem::OutOfMemory),
            _ => None,
        }
    }
}

/// The OS error a text ends with, as Rust writes it
/// (`No space left on device (os error 28)`).
pub(crate) fn os_error_in(text: &str) -> Option<io::Error> {
    let code = text.strip_suffix(')')?.rsplit_once("(os error ")?.1;
    Some(io::Error::from_raw_os_error(code.parse().ok()?))
}

/// An owned copy of an I/O error (tantivy shares its errors).
pub(crate) fn copy_io_error(error: &io::Error) -> io::Error {
    match error.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::new(error.kind(), error.to_string()),
    }
}

fn index_io(path: &Path, file: Option<&Path>, source: &io::Error) -> String {
    let path = path.display();
    let on = file.map_or_else(String::new, |f| format!(" on {}", f.display()));
    match IoProblem::of(source) {
        Some(IoProblem::PermissionDenied) => format!(
            "cannot use the index at {path}: permission denied{on}: give this user access to the index folder and its files; the index is not damaged ({source})"
        ),
        Some(IoProblem::TooManyOpenFiles) => format!(
            "cannot use the index at {path}: too many open files{on}: raise the limit of open files (ulimit -n) or close other programs, then try again; the index is not damaged ({source})"
        ),
        Some(IoProblem::DiskFull) => format!(
            "the disk holding the index at {path} is full{on}: free some space and run again; the index keeps its last commit ({source})"
        ),
        Some(IoProblem::ReadOnly) => format!(
            "the index at {path} is on a read-only file system{on}: index into a writable folder ({source})"
        ),
        Some(IoProblem::Device) => format!(
            "input/output error{on} in the index at {path}: the disk or network share failed; check it and try again, a rebuild would not help ({source})"
        ),
        Some(IoProblem::OutOfMemory) => format!(
            "out of memory{on} while using the index at {path}: lower the memory budget or close other programs ({source})"
        ),
        None => format!("the index at {path}{on}: {source}"),
    }
}

fn too_many_deletes(
    path: &Path,
    archive: &Path,
    would_delete: u64,
    documents: u64,
    max_percent: u8,
) -> String {
    let (path, archive) = (path.display(), archive.display());
    let what = if would_delete >= documents {
        format!(
            "this run would delete all {documents} documents of the index at {path}: {archive} looks empty, moved or unmounted"
        )
    } else {
        format!(
            "this run would delete {would_delete} of the {documents} documents of the index at {path}, more than the {max_percent}% allowed"
        )
    };
    format!(
        "{what}; nothing was changed: check that the archive folder is complete, or allow the deletions if the files were removed on purpose"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{ParseOptions, parse};
    use crate::files::{SkippedFile, read_error};
    use crate::query::QueryError;

    /// The library's messages say what is wrong, never which flag or
    /// command of the `newsidx` program helps: the program adds that.
    fn assert_speaks_library(text: &str) {
        assert!(
            !text.contains("--") && !text.contains("newsidx "),
            "a library message names the command line: {text}"
        );
    }

    /// One error of each variant (the match below stops compiling when a
    /// variant is added and not listed).
    fn one_of_each() -> Vec<Error> {
        let path = || PathBuf::from("idx");
        let io = |kind| io::Error::from(kind);
        let tantivy = || tantivy::TantivyError::InvalidArgument("bad".into());
        let mut errors = vec![
            Error::IndexNotFound { path: path() },
            Error::NotAnIndex {
                path: path(),
                detail: "x".into(),
            },
            Error::SchemaVersion {
                path: path(),
                found: 1,
                expected: 2,
            },
            Error::Damaged {
                path: path(),
                source: tantivy(),
            },
            Error::Locked { path: path() },
            Error::IndexingInProgress { path: path() },
            Error::OtherArchive {
                path: path(),
                recorded: "a".into(),
                requested: "b".into(),
            },
            Error::SettingsChanged {
                path: path(),
                setting: "source_from",
                recorded: "copyright".into(),
                requested: "folder".into(),
            },
            Error::AnalysisChanged {
                path: path(),
                recorded: "a".into(),
                current: "b".into(),
            },
            Error::IndexInsideArchive {
                index: path(),
                archive: "a".into(),
            },
            Error::ArchiveFolder {
                path: path(),
                detail: "it is not a folder".into(),
            },
            Error::Io {
                path: path(),
                source: io(io::ErrorKind::NotFound),
            },
            Error::Output {
                source: io(io::ErrorKind::BrokenPipe),
            },
            Error::Tantivy(tantivy()),
            Error::Query(QueryError::value("x", "y")),
        ];
        for (would_delete, documents) in [(5, 5), (60, 100)] {
            errors.push(Error::TooManyDeletes {
                path: path(),
                archive: "a".into(),
                would_delete,
                documents,
                max_percent: 50,
            });
        }
        for kind in [
            io::ErrorKind::PermissionDenied,
            io::ErrorKind::StorageFull,
            io::ErrorKind::ReadOnlyFilesystem,
            io::ErrorKind::OutOfMemory,
            io::ErrorKind::Other,
        ] {
            errors.push(Error::IndexIo {
                path: path(),
                file: Some("f".into()),
                source: io(kind),
            });
        }
        for error in &errors {
            match error {
                Error::IndexNotFound { .. }
                | Error::NotAnIndex { .. }
                | Error::SchemaVersion { .. }
                | Error::Damaged { .. }
                | Error::Locked { .. }
                | Error::IndexingInProgress { .. }
                | Error::OtherArchive { .. }
                | Error::SettingsChanged { .. }
                | Error::AnalysisChanged { .. }
                | Error::TooManyDeletes { .. }
                | Error::IndexIo { .. }
                | Error::ArchiveFolder { .. }
                | Error::IndexInsideArchive { .. }
                | Error::Query(_)
                | Error::Io { .. }
                | Error::Output { .. }
                | Error::Tantivy(_) => {}
            }
        }
        errors
    }

    #[test]
    fn no_error_names_a_flag_or_a_command() {
        for error in one_of_each() {
            assert_speaks_library(&error.to_string());
        }
        // The query errors the library makes, as the parser and the
        // filters make them.
        for query in [
            "*il",
            "oil~3",
            "\"open",
            "a AND",
            "(",
            ")",
            "=(",
            "foo:bar",
            "a^",
            "\"a b\"~999",
            "ba*k",
        ] {
            let error = crate::query::parse(query).expect_err(query);
            assert_speaks_library(&error.to_string());
        }
        let names = std::collections::BTreeSet::from(["Example Gazette".to_string()]);
        for names in [names, Default::default()] {
            let error = crate::search::sources::resolve("nothing", &names).expect_err("no name");
            assert_speaks_library(&error.to_string());
        }
        let mut counts = crate::search::counts::Counts::default();
        counts.days.extend([(10_101, 1), (99_991_231, 1)]);
        let wanted = crate::search::timeline::Wanted {
            timeline: Some(crate::search::Period::Day),
            ..Default::default()
        };
        let error = counts.finish(&wanted, None).expect_err("too many days");
        assert_speaks_library(&error.to_string());
    }

    #[test]
    fn no_skip_names_a_flag_or_a_command() {
        let options = ParseOptions { max_file_size: 10 };
        let mut details = vec![
            options.check_size(11).expect_err("too large").detail,
            SkippedFile::name_collision("a\u{FFFD}.txt".into()).detail,
        ];
        for bytes in [&b""[..], b"  \n ", b"a\0b", &[1u8; 9][..], &[b'x'; 11][..]] {
            details.push(parse(bytes, "a.txt", &options).expect_err("a skip").detail);
        }
        for kind in [io::ErrorKind::NotFound, io::ErrorKind::PermissionDenied] {
            details.push(read_error(io::Error::from(kind)).into_skip().detail);
        }
        for line in [
            " date 2018-02-30 x",
            " date 20-01-2019 x",
            " date 0000-01-01 x",
        ] {
            let article = parse(line.as_bytes(), "a.txt", &Default::default()).expect("article");
            details.push(article.date_problem.expect("a date problem"));
        }
        for detail in details {
            assert_speaks_library(&detail);
        }
    }
}
