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

fn read_record(path: &Path, index: &Index) -> Result<IndexRecord> {
    let metas = index.load_metas().map_err(|e| open_error(path, e))?;
    let payload = metas.payload.ok_or_else(|| Error::NotAnIndex {
        path: path.to_path_buf(),
        detail: "a tantivy index without a newsidx record".into(),
    })?;
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
