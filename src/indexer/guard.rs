//! The mass-delete guard: a run that would delete every document, or more
//! than [`IndexOptions::max_delete_percent`] of them, is refused before it
//! commits.

use std::path::Path;

use super::IndexOptions;
use crate::error::{Error, Result};
use crate::index::IndexRecord;

/// The mass-delete guard (see [`IndexOptions::max_delete_percent`]).
pub(super) struct DeleteGuard<'a> {
    index: &'a Path,
    archive: &'a Path,
    /// Documents in the index when the run started.
    documents: u64,
    max_percent: u8,
}

impl<'a> DeleteGuard<'a> {
    /// The guard of a run from `archive` into the index `index`, which
    /// holds `documents` documents and `record`.
    pub(super) fn new(
        index: &'a Path,
        archive: &'a Path,
        record: &IndexRecord,
        documents: usize,
        options: &IndexOptions,
    ) -> DeleteGuard<'a> {
        // A rebuild from another archive folder than the recorded one (asked
        // for after Error::OtherArchive) replaces its documents on purpose.
        let replacing = record.archive.as_deref().is_some_and(|a| a != archive);
        DeleteGuard {
            index,
            archive,
            documents: documents as u64,
            max_percent: if replacing {
                100
            } else {
                options.max_delete_percent
            },
        }
    }

    /// Fails if deleting `deleted` documents is more than allowed.
    pub(super) fn check(&self, deleted: u64) -> Result<()> {
        if deleted == 0 || self.max_percent >= 100 {
            return Ok(());
        }
        let all = deleted >= self.documents;
        let too_many = deleted > IndexOptions::FREE_DELETES
            && u128::from(deleted) * 100
                > u128::from(self.max_percent) * u128::from(self.documents);
        if all || too_many {
            return Err(Error::TooManyDeletes {
                path: self.index.to_path_buf(),
                archive: self.archive.to_path_buf(),
                would_delete: deleted,
                documents: self.documents,
                max_percent: self.max_percent,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(documents: u64, max_percent: u8) -> impl Fn(u64) -> bool {
        move |deleted| {
            DeleteGuard {
                index: Path::new("idx"),
                archive: Path::new("archive"),
                documents,
                max_percent,
            }
            .check(deleted)
            .is_ok()
        }
    }

    #[test]
    fn the_delete_guard_allows_ordinary_deletions_only() {
        // Deleting every document is refused, however small the index.
        assert!(!guard(1, 50)(1));
        assert!(!guard(423, 50)(423));
        // In a small index, a few deletions are ordinary.
        assert!(guard(2, 50)(1));
        assert!(guard(5, 50)(4));
        assert!(guard(20, 50)(IndexOptions::FREE_DELETES));
        // Beyond them, the share decides.
        assert!(guard(100, 50)(50));
        assert!(!guard(100, 50)(51));
        assert!(guard(22, 50)(11));
        assert!(!guard(21, 50)(11));
        assert!(guard(100, 0)(IndexOptions::FREE_DELETES));
        assert!(!guard(1000, 0)(IndexOptions::FREE_DELETES + 1));
        // 100% allows everything.
        assert!(guard(423, 100)(423));
        assert!(guard(0, 50)(0));
    }
}
