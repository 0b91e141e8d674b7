//! Index statistics: [`Searcher::stats`](crate::Searcher::stats).
//!
//! Everything is counted from the fast-field columns (`source`, `date`,
//! `comment_count`) of the live documents, segment by segment, with the
//! routine that counts a search's facets ([`SegmentCounter`]), so the
//! document store is never read: statistics of a large archive cost one pass
//! over a few columns.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::article::format_date;
use crate::error::{Error, Result};
use crate::schema::date_of_value;
use crate::search::counts::{Counting, Counts, SegmentCounter};
use crate::searcher::Searcher;

/// What an index holds: documents, sources, dates, comments, size.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// The index folder.
    pub index: PathBuf,
    /// Documents (articles) in the index.
    pub documents: u64,
    /// Articles per source, most articles first, then by name.
    pub sources: Vec<SourceCount>,
    /// Articles without a source.
    pub unknown_source: u64,
    /// Earliest publication date, `YYYY-MM-DD`.
    pub first_date: Option<String>,
    /// Latest publication date, `YYYY-MM-DD`.
    pub last_date: Option<String>,
    /// Articles without a date.
    pub undated: u64,
    /// Dated articles per year, in ascending year order.
    pub per_year: Vec<YearCount>,
    /// Reader comments, all articles together.
    pub comments: u64,
    /// Articles with at least one comment.
    pub articles_with_comments: u64,
    /// Size of the index folder's files, in bytes.
    pub index_bytes: u64,
    /// Segments of the index.
    pub segments: usize,
    /// Schema version of the index.
    pub schema_version: u32,
    /// The archive folder the index mirrors (`None` before the first run).
    pub archive: Option<PathBuf>,
    /// How sources were assigned (`copyright` or `folder`), once indexed.
    pub source_from: Option<String>,
}

/// The number of articles of one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceCount {
    /// The source, as stored.
    pub source: String,
    /// Its articles.
    pub articles: u64,
}

/// The number of articles of one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearCount {
    /// The year.
    pub year: i32,
    /// Its articles.
    pub articles: u64,
}

/// Computes the statistics of a snapshot.
pub(crate) fn stats(searcher: &Searcher) -> Result<Stats> {
    let record = searcher.record();
    let counting = Counting {
        sources: true,
        days: true,
        comments: true,
        source_days: false,
    };
    let mut counts = Counts::default();
    for segment in searcher.tantivy().segment_readers() {
        let mut counter =
            SegmentCounter::new(segment, counting).map_err(|e| searcher.engine_error(e))?;
        for doc in segment.doc_ids_alive() {
            counter.count(doc);
        }
        counts.add(counter.finish().map_err(|e| searcher.engine_error(e))?);
    }
    let mut per_year: BTreeMap<i32, u64> = BTreeMap::new();
    for (&day, &n) in &counts.days {
        *per_year
            .entry(i32::try_from(day / 10_000).unwrap_or(0))
            .or_default() += n;
    }
    Ok(Stats {
        index: searcher.index_path().to_path_buf(),
        documents: searcher.documents(),
        sources: sorted_sources(counts.sources),
        unknown_source: counts.unknown_source,
        first_date: counts.days.keys().next().copied().map(day),
        last_date: counts.days.keys().next_back().copied().map(day),
        undated: counts.undated,
        per_year: per_year
            .into_iter()
            .map(|(year, articles)| YearCount { year, articles })
            .collect(),
        comments: counts.comments,
        articles_with_comments: counts.with_comments,
        index_bytes: folder_bytes(searcher.index_path())?,
        segments: searcher.tantivy().segment_readers().len(),
        schema_version: record.newsidx_schema,
        archive: record.archive.clone(),
        source_from: record.source_from.clone(),
    })
}

/// The total size of the files in the index folder.
///
/// A running indexer creates, renames and deletes files meanwhile (its
/// temporary files, merged segments): a file gone before it could be
/// measured is not counted, rather than failing the statistics.
fn folder_bytes(path: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in fs::read_dir(path).map_err(|e| Error::io(path, e))? {
        let entry = entry.map_err(|e| Error::io(path, e))?;
        let meta = match entry.metadata() {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io(entry.path(), e)),
        };
        if meta.is_file() {
            total += meta.len();
        }
    }
    Ok(total)
}

/// Sources by article count, most first, then by name.
fn sorted_sources(sources: BTreeMap<String, u64>) -> Vec<SourceCount> {
    let mut sources: Vec<SourceCount> = sources
        .into_iter()
        .map(|(source, articles)| SourceCount { source, articles })
        .collect();
    sources.sort_by(|a, b| {
        b.articles
            .cmp(&a.articles)
            .then_with(|| a.source.cmp(&b.source))
    });
    sources
}

/// A stored date as `YYYY-MM-DD`.
fn day(date: i64) -> String {
    date_of_value(date).map_or_else(|| date.to_string(), format_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_sort_by_count_then_name() {
        let counts = BTreeMap::from([("b".to_string(), 2), ("a".to_string(), 2), ("c".into(), 5)]);
        let names: Vec<_> = sorted_sources(counts)
            .into_iter()
            .map(|s| s.source)
            .collect();
        assert_eq!(names, ["c", "a", "b"]);
    }

    #[test]
    fn an_empty_index_has_empty_stats() {
        let dir = tempfile::tempdir().unwrap();
        let index = crate::Index::create(dir.path().join("idx")).unwrap();
        let stats = index.searcher().unwrap().stats().unwrap();
        assert_eq!(stats.documents, 0);
        assert!(stats.sources.is_empty() && stats.per_year.is_empty());
        assert_eq!((stats.first_date, stats.archive), (None, None));
        assert!(stats.index_bytes > 0);
    }
}
