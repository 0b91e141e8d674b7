//! The index folder on disk: what it holds before tantivy opens it, and
//! what a rebuild may delete.

use std::fs;
use std::io;
use std::path::Path;

use tantivy::TantivyError;
use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::error::DataCorruption;

use super::engine_error::{io_error, open_error, writer_error};
use crate::error::{Error, Result};

pub(super) fn check_folder(path: &Path) -> Result<()> {
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
pub(super) const MANAGED_FILE: &str = ".managed.json";

/// Deletes tantivy's files from an index folder (`meta.json`,
/// `.managed.json` and the segment files, named after 32-hex-digit segment
/// ids), holding the writer lock so that a running indexer is not pulled
/// from under.
pub(super) fn remove_index_files(path: &Path) -> Result<()> {
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
pub(super) fn check_segment_files(path: &Path, index: &tantivy::Index) -> Result<()> {
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

/// Whether another process (or handle) holds the index writer's lock.
pub(super) fn writer_lock_held(index: &Path) -> bool {
    let Ok(directory) = MmapDirectory::open(index) else {
        return false;
    };
    matches!(
        directory.acquire_lock(&INDEX_WRITER_LOCK),
        Err(LockError::LockBusy)
    )
}
