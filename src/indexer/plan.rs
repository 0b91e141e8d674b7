//! What a run must do: the files the index knows (from its bookkeeping
//! columns), compared with the walk of the archive folder; the documents of
//! files that are gone; the documents that stay although their files
//! cannot be seen.

use std::collections::HashMap;

use tantivy::{IndexWriter, Term};

use super::progress::Reporter;
use super::report::{IndexReport, KeptFile, KeptReason};
use super::run::Run;
use crate::error::Result;
use crate::files::SkippedFile;
use crate::index::Index;
use crate::walk::{self, FileEntry, MTIME_UNKNOWN};

/// What the index knows of one file.
#[derive(Debug, Clone, Copy)]
pub(super) struct Known {
    pub size: u64,
    pub mtime_ns: i64,
    pub hash: u64,
}

/// Reads the bookkeeping columns: what the index knows of each file.
pub(super) fn known_files(index: &Index) -> Result<HashMap<String, Known>> {
    let searcher = index.reader().searcher();
    let mut known = HashMap::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let columns = (|| {
            Ok::<_, tantivy::TantivyError>((
                fast.str("path")?,
                fast.u64("file_size")?,
                fast.i64("file_mtime")?,
                fast.u64("file_hash")?,
            ))
        })()
        .map_err(|e| index.engine_error(e))?;
        let (Some(paths), sizes, mtimes, hashes) = columns else {
            continue;
        };
        // Read the path dictionary once, in ordinal order. Looking each
        // document's ordinal up on its own (`ord_to_str`) decompresses a
        // whole dictionary block per document, which made the unchanged
        // re-run of a 50,000-file archive spend over half its time in
        // zstd.
        let mut by_ord: Vec<String> = Vec::new();
        let mut stream = paths
            .dictionary()
            .stream()
            .map_err(|e| index.engine_error(e.into()))?;
        while stream.advance() {
            by_ord.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
        for doc in segment.doc_ids_alive() {
            let Some(path) = paths
                .term_ords(doc)
                .next()
                .and_then(|ord| by_ord.get(ord as usize))
            else {
                continue;
            };
            known.insert(
                path.clone(),
                Known {
                    size: sizes.first(doc).unwrap_or(0),
                    mtime_ns: mtimes.first(doc).unwrap_or(MTIME_UNKNOWN),
                    hash: hashes.first(doc).unwrap_or(0),
                },
            );
        }
    }
    Ok(known)
}

/// Deletes the documents of files that are no longer in the archive (a
/// rebuild has deleted every document already, and only counts them).
pub(super) fn delete_gone(
    index: &Index,
    writer: &IndexWriter,
    run: &Run,
    known: &HashMap<String, Known>,
    report: &mut IndexReport,
) {
    let mut gone: Vec<&String> = known
        .keys()
        .filter(|path| !run.present.contains(*path))
        .collect();
    gone.sort();
    for path in gone {
        if !run.options.rebuild {
            writer.delete_term(Term::from_field_text(index.fields().path, path));
        }
        report.push_deleted(path.clone(), "gone".into());
    }
}

impl Run<'_> {
    /// Sorts the walk into unchanged files (counted now) and files to read;
    /// keeps the documents of files the walk could not examine.
    pub(super) fn plan(
        &mut self,
        walk: walk::Walk,
        report: &mut IndexReport,
        progress: &Reporter,
    ) -> Vec<FileEntry> {
        let mut work = Vec::new();
        let mut unlisted = Vec::new();
        report.files_seen = (walk.files.len() + walk.problems.len()) as u64;
        for problem in walk.problems {
            // A rebuild keeps nothing it cannot read; an update keeps what
            // it cannot see (but not what vanished).
            let protect = !problem.vanished && !self.options.rebuild;
            if protect {
                unlisted.push(problem.rel.clone());
            }
            if protect && self.known.contains_key(&problem.rel) {
                self.present.insert(problem.rel.clone());
                self.kept_unverified(&problem.rel);
                report.push_kept(KeptFile {
                    path: problem.rel,
                    reason: KeptReason::Unreadable,
                    detail: problem.detail,
                });
            } else {
                report.push_skip(SkippedFile::unlisted(problem));
            }
        }
        for file in walk.files {
            if !self.present.insert(file.rel.clone()) {
                report.push_skip(SkippedFile::name_collision(file.rel));
                continue;
            }
            if self.unchanged(&file) {
                report.unchanged += 1;
            } else {
                work.push(file);
            }
        }
        self.protect_unlisted(&unlisted, report);
        progress.set_totals(report.files_seen, work.iter().map(|f| f.size).sum());
        progress.add_done(report.files_seen - work.len() as u64, 0);
        work
    }

    /// Whether the walk's size and time prove the file unchanged, without
    /// reading it.
    fn unchanged(&self, file: &FileEntry) -> bool {
        if self.options.rebuild || file.size > self.options.parse.max_file_size {
            return false;
        }
        self.known.get(&file.rel).is_some_and(|k| {
            k.size == file.size
                && k.mtime_ns == file.mtime_ns
                && k.mtime_ns != MTIME_UNKNOWN
                && k.mtime_ns < self.racy_from_ns
        })
    }

    /// Keeps every known document below a folder the walk could not list
    /// (`folders` holds their relative paths; "" is the whole archive, for
    /// an error the walk could not place) that the walk did not see.
    fn protect_unlisted(&mut self, folders: &[String], report: &mut IndexReport) {
        if folders.is_empty() {
            return;
        }
        let mut kept: Vec<(&String, &String)> = self
            .known
            .keys()
            .filter(|path| !self.present.contains(*path))
            .filter_map(|path| {
                let folder = folders.iter().find(|f| is_below(path, f))?;
                Some((path, folder))
            })
            .collect();
        kept.sort();
        for (path, folder) in kept {
            self.present.insert(path.clone());
            self.kept_unverified(path);
            report.files_seen += 1;
            let folder = if folder.is_empty() {
                "the archive folder".to_string()
            } else {
                folder.clone()
            };
            report.push_kept(KeptFile {
                path: path.clone(),
                reason: KeptReason::FolderUnreadable,
                detail: format!("{folder} could not be listed; the last indexed version stays"),
            });
        }
    }
}

/// Whether `path` lies below the folder `folder` ("" is the root): `a/b`
/// is below `a`, `ab/c` is not.
pub(super) fn is_below(path: &str, folder: &str) -> bool {
    folder.is_empty()
        || path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_a_folder_means_inside_it() {
        assert!(is_below("a/b.txt", "a"));
        assert!(is_below("a/b/c.txt", "a/b"));
        assert!(is_below("a/b.txt", ""));
        assert!(!is_below("ab/c.txt", "a"));
        assert!(!is_below("a/bc/d.txt", "a/b"));
        assert!(!is_below("a", "a"));
    }
}
