//! Reading the archive's files, for the indexer and the export alike: the
//! archive folder, one file within the size limit, its content hash, the
//! files that could not be taken ([`SkippedFile`]), and the threads that
//! read them.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::article::{ParseOptions, Skip, SkipReason};
use crate::error::{Error, Result};
use crate::walk::{self, FileEntry, WalkProblem};

/// A file that was not indexed (or exported), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedFile {
    /// Path relative to the archive root.
    pub path: String,
    /// The kind of problem.
    pub reason: SkipReason,
    /// What exactly was found.
    pub detail: String,
}

impl SkippedFile {
    /// The file `rel`, skipped for `skip`.
    pub(crate) fn new(rel: &str, skip: Skip) -> SkippedFile {
        SkippedFile {
            path: rel.to_string(),
            reason: skip.reason,
            detail: skip.detail,
        }
    }

    /// An entry the walk could not examine.
    pub(crate) fn unlisted(problem: WalkProblem) -> SkippedFile {
        SkippedFile {
            path: problem.rel,
            reason: SkipReason::Unreadable,
            detail: problem.detail,
        }
    }

    /// A file whose name, repaired from invalid UTF-8, is another file's
    /// name: only one of them can be keyed by that path.
    pub(crate) fn name_collision(rel: String) -> SkippedFile {
        SkippedFile {
            path: rel,
            reason: SkipReason::Unreadable,
            detail: "its name is not valid UTF-8 and collides with another file's name once repaired; rename it".into(),
        }
    }
}

/// Counts `skip` by its reason in `counts`, and lists it in `files`.
pub(crate) fn push_skip(
    counts: &mut BTreeMap<String, u64>,
    files: &mut Vec<SkippedFile>,
    skip: SkippedFile,
) {
    *counts.entry(skip.reason.to_string()).or_default() += 1;
    files.push(skip);
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

impl ReadFailure {
    /// The skip, whatever the failure.
    pub(crate) fn into_skip(self) -> Skip {
        match self {
            ReadFailure::Vanished(skip)
            | ReadFailure::Unreadable(skip)
            | ReadFailure::TooLarge(skip) => skip,
        }
    }
}

/// Reads a file, refusing oversized ones before reading them; returns its
/// bytes, and `file` with the size and modification time of the open file
/// (taken before reading, so that a change during the read shows as a
/// newer time in the next run).
pub(crate) fn read(
    file: &FileEntry,
    options: &ParseOptions,
) -> Result<(Vec<u8>, FileEntry), ReadFailure> {
    let handle = File::open(file.abs()).map_err(read_error)?;
    let meta = handle.metadata().map_err(read_error)?;
    let size = meta.len();
    options.check_size(size).map_err(ReadFailure::TooLarge)?;
    let mut bytes = Vec::with_capacity(size as usize);
    handle
        .take(options.max_file_size + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    let entry = FileEntry {
        size,
        mtime_ns: walk::mtime_ns(&meta),
        ..file.clone()
    };
    Ok((bytes, entry))
}

/// What an I/O error met while reading a file means: the file is gone, or
/// cannot be read now.
pub(crate) fn read_error(e: io::Error) -> ReadFailure {
    if e.kind() == io::ErrorKind::NotFound {
        let detail = format!("vanished before it could be read: {e}");
        ReadFailure::Vanished(Skip::new(SkipReason::Unreadable, detail))
    } else {
        let detail = format!("cannot be read: {e}");
        ReadFailure::Unreadable(Skip::new(SkipReason::Unreadable, detail))
    }
}

/// The hash that tells a file's content from another: xxh3, 64 bits.
pub(crate) fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Checks that `dir` is an archive folder and that the index folder `index`
/// (which need not exist yet) lies outside it; returns the archive's
/// canonical path.
pub(crate) fn check_locations(dir: &Path, index: &Path) -> Result<PathBuf> {
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
    let archive_error = |detail: String| Error::ArchiveFolder {
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
fn resolve(path: &Path) -> io::Result<PathBuf> {
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

/// The cores available to this process.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A rayon pool of `threads` threads (0: all cores; at most the cores, since
/// reading and parsing are bound by them), named `newsidx-{role}-N`.
pub(crate) fn thread_pool(threads: usize, role: &'static str) -> Result<rayon::ThreadPool> {
    let threads = if threads > 0 {
        threads.min(cores())
    } else {
        cores()
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(move |i| format!("newsidx-{role}-{i}"))
        .build()
        .map_err(|e| Error::Tantivy(tantivy::TantivyError::SystemError(e.to_string())))
}
