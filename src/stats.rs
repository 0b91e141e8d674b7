//! Index statistics: [`Archive::stats`].
//!
//! Everything is computed from the fast-field columns (`source`, `date`,
//! `comment_count`) of the live documents, segment by segment, so the
//! document store is never read: statistics of a large archive cost one pass
//! over a few columns. Source names are counted by term ordinal per segment
//! and resolved to text once per segment.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::PathBuf;

use serde::Serialize;
use tantivy::{SegmentReader, TantivyError};

use crate::archive::Archive;
use crate::article::format_date;
use crate::error::{Error, Result};
use crate::schema::date_of_value;

/// What an index holds, as shown by `newsidx stats`.
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

/// Counts gathered over the segments.
#[derive(Default)]
struct Tally {
    sources: HashMap<String, u64>,
    unknown_source: u64,
    years: BTreeMap<i32, u64>,
    first: Option<i64>,
    last: Option<i64>,
    undated: u64,
    comments: u64,
    with_comments: u64,
}

impl Archive {
    /// Computes the statistics of the index's last commit.
    pub fn stats(&self) -> Result<Stats> {
        let record = self.record()?;
        let searcher = self.reader().searcher();
        let mut tally = Tally::default();
        for segment in searcher.segment_readers() {
            tally_segment(segment, &mut tally).map_err(|e| self.engine_error(e))?;
        }
        Ok(Stats {
            index: self.path().to_path_buf(),
            documents: searcher.num_docs(),
            sources: sorted_sources(tally.sources),
            unknown_source: tally.unknown_source,
            first_date: tally.first.map(day),
            last_date: tally.last.map(day),
            undated: tally.undated,
            per_year: tally
                .years
                .into_iter()
                .map(|(year, articles)| YearCount { year, articles })
                .collect(),
            comments: tally.comments,
            articles_with_comments: tally.with_comments,
            index_bytes: self.folder_bytes()?,
            segments: searcher.segment_readers().len(),
            schema_version: record.newsidx_schema,
            archive: record.archive,
            source_from: record.source_from,
        })
    }

    /// The total size of the files in the index folder.
    ///
    /// A running indexer creates, renames and deletes files meanwhile (its
    /// temporary files, merged segments): a file gone before it could be
    /// measured is not counted, rather than failing the statistics.
    fn folder_bytes(&self) -> Result<u64> {
        let path = self.path();
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
}

/// Adds the live documents of one segment to the tally.
fn tally_segment(segment: &SegmentReader, tally: &mut Tally) -> tantivy::Result<()> {
    let fast = segment.fast_fields();
    // A column is absent from a segment in which no document has a value.
    let sources = fast.str("source")?;
    let dates = fast.column_opt::<i64>("date")?;
    let comment_counts = fast.column_opt::<u64>("comment_count")?;
    let mut per_ord = vec![0u64; sources.as_ref().map_or(0, |s| s.num_terms())];
    for doc in segment.doc_ids_alive() {
        match sources.as_ref().and_then(|s| s.term_ords(doc).next()) {
            Some(ord) => per_ord[ord as usize] += 1,
            None => tally.unknown_source += 1,
        }
        match dates.as_ref().and_then(|d| d.first(doc)) {
            Some(date) => {
                let year = i32::try_from(date / 10_000).unwrap_or(0);
                *tally.years.entry(year).or_default() += 1;
                tally.first = Some(tally.first.map_or(date, |f| f.min(date)));
                tally.last = Some(tally.last.map_or(date, |l| l.max(date)));
            }
            None => tally.undated += 1,
        }
        let comments = comment_counts
            .as_ref()
            .and_then(|c| c.first(doc))
            .unwrap_or(0);
        tally.comments += comments;
        tally.with_comments += u64::from(comments > 0);
    }
    if let Some(sources) = &sources {
        let mut name = String::new();
        for (ord, &count) in per_ord.iter().enumerate().filter(|(_, c)| **c > 0) {
            name.clear();
            if !sources.ord_to_str(ord as u64, &mut name)? {
                return Err(TantivyError::DataCorruption(
                    tantivy::error::DataCorruption::comment_only(format!(
                        "source ordinal {ord} missing from the dictionary"
                    )),
                ));
            }
            *tally.sources.entry(name.clone()).or_default() += count;
        }
    }
    Ok(())
}

/// Sources by article count, most first, then by name.
fn sorted_sources(sources: HashMap<String, u64>) -> Vec<SourceCount> {
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
        let counts = HashMap::from([("b".to_string(), 2), ("a".to_string(), 2), ("c".into(), 5)]);
        let names: Vec<_> = sorted_sources(counts)
            .into_iter()
            .map(|s| s.source)
            .collect();
        assert_eq!(names, ["c", "a", "b"]);
    }

    #[test]
    fn an_empty_index_has_empty_stats() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::create(dir.path().join("idx")).unwrap();
        let stats = archive.stats().unwrap();
        assert_eq!(stats.documents, 0);
        assert!(stats.sources.is_empty() && stats.per_year.is_empty());
        assert_eq!((stats.first_date, stats.archive), (None, None));
        assert!(stats.index_bytes > 0);
    }
}
