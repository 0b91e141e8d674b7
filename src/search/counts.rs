//! Counting articles per source and per day from the fast fields: one
//! routine ([`SegmentCounter`]) for the statistics of an index (every live
//! document) and for the facets and timelines of a search (the matching
//! documents, through [`CountCollector`]).
//!
//! tantivy's date histogram has only fixed intervals, and months are not
//! fixed, so the collector is one of our own: in the same pass as the top
//! hits it reads each matching document's source ordinal and date
//! (`YYYYMMDD`, see [`crate::schema::date_value`]) and counts them by source
//! and by day; [`super::timeline`] sums the days into periods. The document
//! store is never read, and source names are resolved once per segment.

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::error::DataCorruption;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, TantivyError};

/// Which counts to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Counting {
    /// Per source (and without one).
    pub sources: bool,
    /// Per day (and undated).
    pub days: bool,
    /// Comments, and articles with comments.
    pub comments: bool,
    /// Per source and day together (dated articles only): a timeline per
    /// source.
    pub source_days: bool,
}

/// The counts of a set of articles.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Articles per source name.
    pub sources: BTreeMap<String, u64>,
    /// Articles without a source.
    pub unknown_source: u64,
    /// Articles per day, keyed by the stored `YYYYMMDD` number.
    pub days: BTreeMap<i64, u64>,
    /// Articles without a date.
    pub undated: u64,
    /// Comments of all the articles.
    pub comments: u64,
    /// Articles with at least one comment.
    pub with_comments: u64,
    /// Dated articles per source (`None`: without one) and day.
    pub source_days: BTreeMap<(Option<String>, i64), u64>,
}

impl Counts {
    /// Adds `other` to these counts.
    pub fn add(&mut self, other: Counts) {
        for (source, n) in other.sources {
            *self.sources.entry(source).or_default() += n;
        }
        for (day, n) in other.days {
            *self.days.entry(day).or_default() += n;
        }
        for (key, n) in other.source_days {
            *self.source_days.entry(key).or_default() += n;
        }
        self.unknown_source += other.unknown_source;
        self.undated += other.undated;
        self.comments += other.comments;
        self.with_comments += other.with_comments;
    }
}

/// Counts documents of one segment, one at a time.
pub(crate) struct SegmentCounter {
    /// `Some(None)`: sources are counted, and the segment has no `source`
    /// column: every document is of unknown source. The same for the
    /// others (a segment without any date has no `date` column).
    sources: Option<Option<StrColumn>>,
    per_source_ord: Vec<u64>,
    days: Option<Option<Column<i64>>>,
    comments: Option<Option<Column<u64>>>,
    /// Per source ordinal (`None`: without a source) and day, when
    /// [`Counting::source_days`].
    per_source_day: Option<BTreeMap<(Option<u64>, i64), u64>>,
    counts: Counts,
}

impl SegmentCounter {
    /// A counter of `counting` over the segment `reader`.
    pub fn new(reader: &SegmentReader, counting: Counting) -> tantivy::Result<SegmentCounter> {
        let fast = reader.fast_fields();
        let sources = match counting.sources || counting.source_days {
            true => Some(fast.str("source")?),
            false => None,
        };
        let days = match counting.days || counting.source_days {
            true => Some(fast.column_opt::<i64>("date")?),
            false => None,
        };
        let comments = match counting.comments {
            true => Some(fast.column_opt::<u64>("comment_count")?),
            false => None,
        };
        let ords = sources
            .as_ref()
            .and_then(Option::as_ref)
            .map_or(0, |c| c.num_terms());
        Ok(SegmentCounter {
            sources,
            per_source_ord: vec![0; ords],
            days,
            comments,
            per_source_day: counting.source_days.then(BTreeMap::new),
            counts: Counts::default(),
        })
    }

    /// Counts the document `doc`.
    pub fn count(&mut self, doc: DocId) {
        let mut source = None;
        if let Some(column) = &self.sources {
            source = column.as_ref().and_then(|c| c.term_ords(doc).next());
            match source {
                Some(ord) => self.per_source_ord[ord as usize] += 1,
                None => self.counts.unknown_source += 1,
            }
        }
        if let Some(column) = &self.days {
            match column.as_ref().and_then(|c| c.first(doc)) {
                Some(day) => {
                    *self.counts.days.entry(day).or_default() += 1;
                    if let Some(per) = &mut self.per_source_day {
                        *per.entry((source, day)).or_default() += 1;
                    }
                }
                None => self.counts.undated += 1,
            }
        }
        if let Some(column) = &self.comments {
            let comments = column.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
            self.counts.comments += comments;
            self.counts.with_comments += u64::from(comments > 0);
        }
    }

    /// The counts, with the sources named.
    pub fn finish(mut self) -> tantivy::Result<Counts> {
        let Some(Some(column)) = &self.sources else {
            if let Some(per) = self.per_source_day.take() {
                for ((_, day), n) in per {
                    *self.counts.source_days.entry((None, day)).or_default() += n;
                }
            }
            return Ok(self.counts);
        };
        let mut names: Vec<Option<String>> = vec![None; self.per_source_ord.len()];
        for (ord, &n) in self
            .per_source_ord
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
        {
            let name = source_name(column, ord as u64)?;
            *self.counts.sources.entry(name.clone()).or_default() += n;
            names[ord] = Some(name);
        }
        for ((ord, day), n) in self.per_source_day.take().unwrap_or_default() {
            let name = ord.and_then(|o| names.get(o as usize).cloned().flatten());
            *self.counts.source_days.entry((name, day)).or_default() += n;
        }
        Ok(self.counts)
    }
}

/// The name of the source ordinal `ord` of a segment.
fn source_name(column: &StrColumn, ord: u64) -> tantivy::Result<String> {
    let mut name = String::new();
    if !column.ord_to_str(ord, &mut name)? {
        return Err(TantivyError::DataCorruption(DataCorruption::comment_only(
            format!("source ordinal {ord} missing from the dictionary"),
        )));
    }
    Ok(name)
}

/// A collector of the counts of the matching documents.
pub(crate) struct CountCollector(pub Counting);

impl Collector for CountCollector {
    type Fruit = Counts;
    type Child = CountSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<CountSegment> {
        Ok(CountSegment(SegmentCounter::new(reader, self.0)?))
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<tantivy::Result<Counts>>) -> tantivy::Result<Counts> {
        let mut all = Counts::default();
        for fruit in fruits {
            all.add(fruit?);
        }
        Ok(all)
    }
}

/// The collector of one segment.
pub(crate) struct CountSegment(SegmentCounter);

impl SegmentCollector for CountSegment {
    type Fruit = tantivy::Result<Counts>;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.0.count(doc);
    }

    fn harvest(self) -> tantivy::Result<Counts> {
        self.0.finish()
    }
}
