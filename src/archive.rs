//! [`Archive`]: one newsidx index on disk, opened for searching and indexing.
//!
//! An index folder is a tantivy index whose every commit carries a small JSON
//! payload ([`IndexRecord`]): the schema version, and the archive folder it
//! mirrors. Opening checks both, so an index of another version, or a folder
//! that is not a newsidx index at all, is a clear error rather than a panic
//! deep inside a search.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::directory::error::{LockError, OpenDirectoryError, OpenReadError};
use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::error::DataCorruption;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyError};

use crate::analysis;
use crate::error::{Error, Result};
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
        fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
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
        };
        let mut writer = index
            .writer_with_num_threads::<tantivy::TantivyDocument>(1, 15_000_000)
            .map_err(|e| writer_error(path, e))?;
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&record.to_json());
        commit.commit()?;
        Archive::from_index(path, index)
    }

    /// Opens an existing index, checking that it is a newsidx index of this
    /// schema version.
    pub fn open(path: impl AsRef<Path>) -> Result<Archive> {
        let path = path.as_ref();
        check_folder(path)?;
        let index = Index::open_in_dir(path).map_err(|e| open_error(path, e))?;
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

    /// Opens the index in `path`, or creates one if there is none.
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Archive> {
        let path = path.as_ref();
        match Archive::open(path) {
            Err(Error::IndexNotFound { .. }) => Archive::create(path),
            other => other,
        }
    }

    /// Opens the index in `path` to rebuild it (`newsidx index --rebuild`):
    /// like [`Archive::open_or_create`], except that an index that is
    /// damaged or of another schema version, which the error messages tell
    /// the user to rebuild, is replaced by a new, empty one.
    ///
    /// Only tantivy's own files are deleted, and only from a folder that
    /// tantivy manages (it holds `meta.json` and `.managed.json`); a folder
    /// that is not an index is refused as by [`Archive::open`].
    pub fn open_for_rebuild(path: impl AsRef<Path>) -> Result<Archive> {
        let path = path.as_ref();
        match Archive::open_or_create(path) {
            Err(Error::Damaged { .. } | Error::SchemaVersion { .. })
                if path.join(MANAGED_FILE).is_file() => {}
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
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_found()),
        Err(e) => return Err(Error::io(path, e)),
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
        .map_err(|e| Error::io(path, e))?
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
    for entry in fs::read_dir(path).map_err(|e| Error::io(path, e))? {
        let entry = entry.map_err(|e| Error::io(path, e))?;
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
                    return Err(Error::io(entry.path(), e));
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
pub(crate) fn open_error(path: &Path, error: TantivyError) -> Error {
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

/// Maps an error met while taking the index's writer.
pub(crate) fn writer_error(path: &Path, error: TantivyError) -> Error {
    match error {
        TantivyError::LockFailure(..) => Error::Locked {
            path: path.to_path_buf(),
        },
        other => open_error(path, other),
    }
}
