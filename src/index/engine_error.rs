//! Engine errors, sorted: what a tantivy error met on an index means for
//! the user ([`Error::Damaged`], [`Error::IndexIo`], [`Error::Locked`], ...).

use std::io;
use std::path::{Path, PathBuf};

use tantivy::TantivyError;
use tantivy::directory::error::{LockError, OpenDirectoryError, OpenReadError, OpenWriteError};

use super::folder::MANAGED_FILE;
use crate::error::{Error, IoProblem, os_error_in};

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
pub(super) fn foreign_or(path: &Path, error: TantivyError) -> Error {
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
