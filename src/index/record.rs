//! The record newsidx keeps in every commit of an index (tantivy's commit
//! payload): what the index is, and what it was built from.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::IndexMeta;

use super::engine_error::open_error;
use crate::error::{Error, Result};
use crate::schema;

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
    /// run less [`IndexRecord::RACY_WINDOW_NS`], or earlier while a
    /// recently modified file could not be verified. `None`: every file.
    #[serde(default)]
    pub racy_from_ns: Option<i64>,
    /// Whether the stories of this commit may be out of date: a run commits
    /// its documents first, then the stories it settled from them in a
    /// second commit. A commit with this set (a run stopped or crashed
    /// between the two) makes the next run settle every story again.
    #[serde(default)]
    pub stories_pending: bool,
}

impl IndexRecord {
    /// How much older than the start of the last complete run a file's
    /// modification time must be for its size and time alone to prove it
    /// unchanged: FAT keeps times to 2 s, SMB shares to 1-2 s, plus a second
    /// for clocks that round. Younger files are compared by content.
    pub const RACY_WINDOW_NS: i64 = 3_000_000_000;

    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The record of the last commit of the index in `path`.
pub(super) fn read_record(path: &Path, index: &tantivy::Index) -> Result<IndexRecord> {
    let metas = index.load_metas().map_err(|e| open_error(path, e))?;
    record_of(path, metas)
}

/// The record of the commit whose metadata is `metas`.
pub(super) fn record_of(path: &Path, metas: IndexMeta) -> Result<IndexRecord> {
    let Some(payload) = metas.payload else {
        // `Index::create` stopped (killed) between tantivy's creation of
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
                stories_pending: false,
            });
        }
        return Err(Error::NotAnIndex {
            path: path.to_path_buf(),
            detail: "a tantivy index whose commits carry no index record".into(),
        });
    };
    serde_json::from_str(&payload).map_err(|_| Error::NotAnIndex {
        path: path.to_path_buf(),
        detail: "a tantivy index with a foreign commit record".into(),
    })
}
