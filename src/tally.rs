//! Facets and timelines: counts over all matching articles, not just the
//! page of hits.
//!
//! tantivy's date histogram has only fixed intervals, and months are not
//! fixed, so [`Tally`] is a collector of its own: in the same pass as the
//! top hits it reads each matching document's source ordinal and date from
//! the fast fields, and buckets them by source, year and month.

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};
use time::OffsetDateTime;

use crate::search::SearchRequest;

/// A timeline's bucket size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Calendar years.
    Year,
    /// Calendar months.
    Month,
}

/// A value with its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    /// The source name, or the period (`2019`, `2019-03`).
    pub value: String,
    /// Matching articles.
    pub count: u64,
}

/// Facet counts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Facets {
    /// Matching articles per source, most first (when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Vec<Count>>,
    /// Matching articles without a source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown_source: Option<u64>,
    /// Matching articles per year, oldest first (when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<Vec<Count>>,
    /// Matching articles without a date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undated: Option<u64>,
}

/// Matching articles per period, every period from the first to the last
/// (empty ones included, so a chart shows the gaps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// The bucket size.
    pub period: Period,
    /// The buckets, oldest first.
    pub buckets: Vec<Count>,
    /// Matching articles without a date.
    pub undated: u64,
}

/// The collector.
pub struct Tally {
    sources: bool,
    dates: bool,
}

impl Tally {
    /// A collector for what the request asks, or `None` if it asks nothing.
    pub fn new(sources: bool, years: bool, timeline: Option<Period>) -> Option<Tally> {
        let dates = years || timeline.is_some();
        (sources || dates).then_some(Tally { sources, dates })
    }
}

/// The counts of a whole search.
#[derive(Debug, Default)]
pub struct Counts {
    sources: BTreeMap<String, u64>,
    unknown_source: u64,
    months: BTreeMap<(i32, u8), u64>,
    undated: u64,
}

impl Collector for Tally {
    type Fruit = Counts;
    type Child = SegmentTally;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTally> {
        let fast = reader.fast_fields();
        let sources = if self.sources {
            fast.str("source")?
        } else {
            None
        };
        let dates = if self.dates {
            Some(fast.date("date")?)
        } else {
            None
        };
        let ords = sources.as_ref().map_or(0, |c| c.num_terms());
        Ok(SegmentTally {
            source_column: sources,
            source_counts: vec![0; ords],
            date_column: dates,
            counts: Counts::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut all = Counts::default();
        for fruit in fruits {
            for (source, n) in fruit.sources {
                *all.sources.entry(source).or_default() += n;
            }
            for (month, n) in fruit.months {
                *all.months.entry(month).or_default() += n;
            }
            all.unknown_source += fruit.unknown_source;
            all.undated += fruit.undated;
        }
        Ok(all)
    }
}

/// The collector of one segment.
pub struct SegmentTally {
    source_column: Option<StrColumn>,
    source_counts: Vec<u64>,
    date_column: Option<Column<DateTime>>,
    counts: Counts,
}

impl SegmentCollector for SegmentTally {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(column) = &self.source_column {
            match column.term_ords(doc).next() {
                Some(ord) => self.source_counts[ord as usize] += 1,
                None => self.counts.unknown_source += 1,
            }
        }
        if let Some(column) = &self.date_column {
            match column.first(doc).and_then(year_month) {
                Some(month) => *self.counts.months.entry(month).or_default() += 1,
                None => self.counts.undated += 1,
            }
        }
    }

    fn harvest(mut self) -> Counts {
        if let Some(column) = &self.source_column {
            let mut name = String::new();
            for (ord, &n) in self.source_counts.iter().enumerate() {
                name.clear();
                if n > 0 && column.ord_to_str(ord as u64, &mut name).unwrap_or(false) {
                    *self.counts.sources.entry(name.clone()).or_default() += n;
                }
            }
        }
        self.counts
    }
}

fn year_month(date: DateTime) -> Option<(i32, u8)> {
    let date = OffsetDateTime::from_unix_timestamp(date.into_timestamp_secs()).ok()?;
    Some((date.year(), u8::from(date.month())))
}

impl Counts {
    /// Turns the counts into what the request asked for.
    pub fn finish(self, request: &SearchRequest) -> (Option<Facets>, Option<Timeline>) {
        let facets = (request.facet_sources || request.facet_years).then(|| self.facets(request));
        let timeline = request.timeline.map(|period| self.timeline(period));
        (facets, timeline)
    }

    fn facets(&self, request: &SearchRequest) -> Facets {
        let mut facets = Facets::default();
        if request.facet_sources {
            let mut sources: Vec<Count> = self
                .sources
                .iter()
                .map(|(value, &count)| Count {
                    value: value.clone(),
                    count,
                })
                .collect();
            sources.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            facets.source = Some(sources);
            facets.unknown_source = Some(self.unknown_source);
        }
        if request.facet_years {
            let years = self.by_year();
            facets.year = Some(
                years
                    .into_iter()
                    .map(|(year, count)| Count {
                        value: year.to_string(),
                        count,
                    })
                    .collect(),
            );
            facets.undated = Some(self.undated);
        }
        facets
    }

    fn by_year(&self) -> BTreeMap<i32, u64> {
        let mut years = BTreeMap::new();
        for (&(year, _), &n) in &self.months {
            *years.entry(year).or_default() += n;
        }
        years
    }

    fn timeline(&self, period: Period) -> Timeline {
        let buckets = match period {
            Period::Year => {
                let years = self.by_year();
                match (years.keys().next(), years.keys().next_back()) {
                    (Some(&first), Some(&last)) => (first..=last)
                        .map(|y| Count {
                            value: y.to_string(),
                            count: years.get(&y).copied().unwrap_or(0),
                        })
                        .collect(),
                    _ => Vec::new(),
                }
            }
            Period::Month => match (self.months.keys().next(), self.months.keys().next_back()) {
                (Some(&first), Some(&last)) => months_between(first, last)
                    .map(|m| Count {
                        value: format!("{:04}-{:02}", m.0, m.1),
                        count: self.months.get(&m).copied().unwrap_or(0),
                    })
                    .collect(),
                _ => Vec::new(),
            },
        };
        Timeline {
            period,
            buckets,
            undated: self.undated,
        }
    }
}

/// Every month from `first` to `last`, inclusive.
fn months_between(first: (i32, u8), last: (i32, u8)) -> impl Iterator<Item = (i32, u8)> {
    let index = |(y, m): (i32, u8)| y as i64 * 12 + (m as i64 - 1);
    (index(first)..=index(last)).map(|i| (i.div_euclid(12) as i32, (i.rem_euclid(12) + 1) as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_between_crosses_years() {
        let months: Vec<_> = months_between((2019, 11), (2020, 2)).collect();
        assert_eq!(months, vec![(2019, 11), (2019, 12), (2020, 1), (2020, 2)]);
    }

    #[test]
    fn year_timeline_fills_gaps() {
        let mut counts = Counts::default();
        counts.months.insert((2001, 5), 2);
        counts.months.insert((2003, 1), 1);
        counts.months.insert((2003, 7), 4);
        let timeline = counts.timeline(Period::Year);
        let got: Vec<(String, u64)> = timeline
            .buckets
            .into_iter()
            .map(|c| (c.value, c.count))
            .collect();
        assert_eq!(
            got,
            vec![("2001".into(), 2), ("2002".into(), 0), ("2003".into(), 5)]
        );
    }
}
