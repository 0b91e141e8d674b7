//! The index writer of a run: taking it (and the lock), its threads and
//! memory, and the commits, which publish the run's record.

use std::collections::HashMap;
use std::path::Path;

use tantivy::indexer::IndexWriterOptions;
use tantivy::{IndexWriter, TantivyError};

use super::guard::DeleteGuard;
use super::plan::{self, Known};
use super::{IndexOptions, IndexReport, SourceFrom};
use crate::error::{Error, Result};
use crate::files;
use crate::index::{Index, IndexRecord, writer_error};

/// tantivy's minimum memory budget of one indexing thread (15 MB).
const MIN_THREAD_BUDGET: usize = 15_000_000;

/// The largest memory budget of one indexing thread (tantivy's limit is
/// just under 4 GiB).
const MAX_THREAD_BUDGET: usize = 4_000_000_000;

/// What a commit of the run publishes, and on what condition.
pub(super) struct Publish<'a> {
    pub guard: DeleteGuard<'a>,
    pub record: IndexRecord,
}

/// Takes the writer (and with it the lock), and reads what the last
/// commit holds: its record and the files it knows. Checks that an
/// update keeps the recorded settings; a rebuild deletes every
/// document (in its one commit).
pub(super) fn begin(
    index: &Index,
    options: &IndexOptions,
    root: &Path,
    threads: usize,
) -> Result<(IndexWriter, IndexRecord, HashMap<String, Known>)> {
    let writer = open(index, options, threads)?;
    // The writer lock is ours: nobody else commits until this run ends.
    // The reader may still show an older commit (another handle or
    // process indexed since this one was opened), so reload it: the
    // archive is compared with the last commit.
    index.reader().reload().map_err(|e| index.engine_error(e))?;
    // Files a failed run wrote but never published (a commit that did
    // not reach meta.json) can bear the names this run's files will
    // have, since the operation stamps restart from the last commit:
    // delete them first.
    writer
        .garbage_collect_files()
        .wait()
        .map_err(|e| index.engine_error(e))?;
    let record = index.record()?;
    if !options.rebuild {
        check_same_archive(index.path(), &record, root)?;
        check_source_from(index.path(), &record, options.source_from)?;
        index.check_analysis(&record)?;
    }
    let known = plan::known_files(index)?;
    if options.rebuild {
        writer
            .delete_all_documents()
            .map_err(|e| index.engine_error(e))?;
    }
    Ok((writer, record, known))
}

/// The index writer (and with it the lock), with the threads and the
/// memory per thread that `options` allow.
fn open(index: &Index, options: &IndexOptions, threads: usize) -> Result<IndexWriter> {
    let budget = (memory_bytes(options) / threads).clamp(MIN_THREAD_BUDGET, MAX_THREAD_BUDGET);
    let writer_options = IndexWriterOptions::builder()
        .memory_budget_per_thread(budget)
        .num_worker_threads(threads)
        .num_merge_threads(threads.clamp(1, 4))
        .build();
    index
        .tantivy()
        .writer_with_options(writer_options)
        .map_err(|e| writer_error(index.path(), e))
}

/// Commits the work so far, unless it deletes more than the guard
/// allows: then the uncommitted work is rolled back.
pub(super) fn commit(
    index: &Index,
    writer: &mut IndexWriter,
    publish: &Publish,
    report: &mut IndexReport,
) -> Result<()> {
    if let Err(refused) = publish.guard.check(report.deleted) {
        // The refusal is what the user must see; a failing rollback
        // changes nothing on disk either.
        let _ = writer.rollback();
        return Err(refused);
    }
    let mut commit = writer.prepare_commit().map_err(|e| index.engine_error(e))?;
    commit.set_payload(&publish.record.to_json());
    commit.commit().map_err(|e| index.engine_error(e))?;
    report.commits += 1;
    Ok(())
}

/// The error of a run whose index writer failed: the cause is the error
/// of the writer's thread (a full disk, say), which `prepare_commit`
/// returns. Nothing is committed.
pub(super) fn failure(index: &Index, writer: &mut IndexWriter, error: TantivyError) -> Error {
    match writer.prepare_commit() {
        Err(cause) => index.engine_error(cause),
        Ok(prepared) => {
            let _ = prepared.abort();
            index.engine_error(error)
        }
    }
}

fn memory_bytes(options: &IndexOptions) -> usize {
    options.memory_mb.max(1).saturating_mul(1024 * 1024)
}

/// The indexing threads to use: those asked for (0: all cores), but no
/// more than the cores available (more threads only compete for them and
/// each writes its own small segments) and than the memory budget gives
/// tantivy's minimum of 15 MB each. A lowered count is noted.
pub(super) fn threads(options: &IndexOptions, notes: &mut Vec<String>) -> usize {
    let cores = files::cores();
    let by_memory = (memory_bytes(options) / MIN_THREAD_BUDGET).max(1);
    let wanted = if options.threads > 0 {
        options.threads
    } else {
        cores
    };
    let threads = wanted.min(cores).min(by_memory);
    if options.threads > threads {
        let why = if threads == by_memory && by_memory < cores {
            format!(
                "each indexing thread needs 15 MB of the {} MB memory budget",
                options.memory_mb
            )
        } else {
            format!("{cores} cores are available, and more threads only compete for them")
        };
        notes.push(format!(
            "{} indexing threads asked for, {threads} used: {why}",
            options.threads
        ));
    }
    threads
}

fn check_same_archive(index: &Path, record: &IndexRecord, root: &Path) -> Result<()> {
    match &record.archive {
        Some(recorded) if recorded != root => Err(Error::OtherArchive {
            path: index.to_path_buf(),
            recorded: recorded.clone(),
            requested: root.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

fn check_source_from(index: &Path, record: &IndexRecord, asked: SourceFrom) -> Result<()> {
    match &record.source_from {
        Some(recorded) if recorded != asked.as_str() => Err(Error::SettingsChanged {
            path: index.to_path_buf(),
            setting: "source_from",
            recorded: recorded.clone(),
            requested: asked.as_str().to_string(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_are_capped_at_the_cores_and_the_memory_budget() {
        let mut notes = Vec::new();
        let options = |threads, memory_mb| IndexOptions {
            threads,
            memory_mb,
            ..IndexOptions::default()
        };
        assert_eq!(
            threads(&options(1000, 512), &mut notes),
            files::cores().min(34)
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with("1000 indexing threads asked for"),
            "{notes:?}"
        );
        notes.clear();
        assert_eq!(threads(&options(8, 20), &mut notes), 1);
        assert!(notes[0].contains("15 MB of the 20 MB"), "{notes:?}");
        notes.clear();
        assert_eq!(threads(&options(1, 512), &mut notes), 1);
        assert_eq!(
            threads(&options(0, 512), &mut notes),
            files::cores().min(34)
        );
        assert!(notes.is_empty(), "{notes:?}");
    }
}
