//! Collapsing hits by story: a collector over the `story` column that keeps,
//! for each story among the matching articles, its best copy (best score,
//! or earliest or latest date) and how many of its articles match.
//!
//! Every matching story is ranked by its best copy, so a page of stories is
//! a slice of one order: a story is on one page only, whatever the page
//! size. Ties go to the lower document address, as tantivy's `TopDocs`
//! does, and undated articles come last in both date orders.

use std::cmp::Ordering;
use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::SortOrder;
use super::counts::Counts;

/// The best copy of a story and its count of matching articles.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Best {
    /// The score (relevance) or the date (`YYYYMMDD`; `None`: undated).
    pub score: Score,
    pub date: Option<i64>,
    pub address: DocAddress,
    /// Matching articles of the story.
    pub copies: u64,
}

/// Collects the matching stories, best first.
pub(crate) struct Collapse {
    pub sort: SortOrder,
}

impl Collapse {
    /// Whether `a` ranks before `b`.
    fn cmp(sort: SortOrder, a: &Best, b: &Best) -> Ordering {
        let by_key = match sort {
            SortOrder::Relevance => b.score.total_cmp(&a.score),
            SortOrder::Oldest => (a.date.is_none(), a.date).cmp(&(b.date.is_none(), b.date)),
            SortOrder::Newest => (a.date.is_none(), std::cmp::Reverse(a.date))
                .cmp(&(b.date.is_none(), std::cmp::Reverse(b.date))),
        };
        by_key.then(a.address.cmp(&b.address))
    }
}

/// Per segment: the best copy of each story, by the column's ordinal.
pub(crate) struct SegmentCollapse {
    sort: SortOrder,
    segment: SegmentOrdinal,
    stories: Option<StrColumn>,
    dates: Column<i64>,
    best: HashMap<u64, Best>,
    /// Matching documents without a story (none in an index newsidx wrote).
    alone: Vec<Best>,
}

impl SegmentCollector for SegmentCollapse {
    type Fruit = Vec<(String, Best)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let candidate = Best {
            score,
            date: self.dates.first(doc),
            address: DocAddress::new(self.segment, doc),
            copies: 1,
        };
        let Some(ord) = self
            .stories
            .as_ref()
            .and_then(|column| column.term_ords(doc).next())
        else {
            self.alone.push(candidate);
            return;
        };
        let sort = self.sort;
        self.best
            .entry(ord)
            .and_modify(|best| {
                best.copies += 1;
                if Collapse::cmp(sort, &candidate, best) == Ordering::Less {
                    *best = Best {
                        copies: best.copies,
                        ..candidate
                    };
                }
            })
            .or_insert(candidate);
    }

    fn harvest(self) -> Self::Fruit {
        let mut out = Vec::with_capacity(self.best.len() + self.alone.len());
        let mut name = String::new();
        for (ord, best) in self.best {
            let found = self
                .stories
                .as_ref()
                .is_some_and(|column| column.ord_to_str(ord, &mut name).unwrap_or(false));
            if found {
                out.push((name.clone(), best));
            } else {
                out.push((unique_key(best.address), best));
            }
        }
        for best in self.alone {
            out.push((unique_key(best.address), best));
        }
        out
    }
}

/// A key no story id can have (ids are file stems, without control
/// characters): a story of one document.
fn unique_key(address: DocAddress) -> String {
    format!("\u{0}{}:{}", address.segment_ord, address.doc_id)
}

impl Collector for Collapse {
    type Fruit = Vec<(String, Best)>;
    type Child = SegmentCollapse;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCollapse> {
        let fast = reader.fast_fields();
        Ok(SegmentCollapse {
            sort: self.sort,
            segment,
            stories: fast.str("story")?,
            dates: fast.i64("date")?,
            best: HashMap::new(),
            alone: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == SortOrder::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(String, Best)>>) -> tantivy::Result<Self::Fruit> {
        let mut merged: HashMap<String, Best> = HashMap::new();
        for (story, best) in fruits.into_iter().flatten() {
            merged
                .entry(story)
                .and_modify(|b| {
                    let copies = b.copies + best.copies;
                    if Collapse::cmp(self.sort, &best, b) == Ordering::Less {
                        *b = best;
                    }
                    b.copies = copies;
                })
                .or_insert(best);
        }
        let mut stories: Vec<(String, Best)> = merged.into_iter().collect();
        stories.sort_by(|a, b| Collapse::cmp(self.sort, &a.1, &b.1));
        Ok(stories)
    }
}

/// What facets and timelines count (see [`super::Counted`]).
pub(crate) struct StoryCounter {
    pub sources: bool,
    pub days: bool,
}

/// Per segment: each story's earliest matching date, and the sources that
/// ran a matching copy.
pub(crate) struct SegmentStoryCounter {
    segment: SegmentOrdinal,
    stories: Option<StrColumn>,
    dates: Option<Column<i64>>,
    sources: Option<StrColumn>,
    earliest: HashMap<u64, Option<i64>>,
    ran: std::collections::HashSet<(u64, Option<u64>)>,
    /// Documents without a story: each its own.
    alone: Vec<(String, Option<i64>, Option<String>)>,
}

/// The stories of one segment: `(story, earliest date)` and `(story,
/// source)` pairs.
type StoryFruit = (Vec<(String, Option<i64>)>, Vec<(String, Option<String>)>);

fn earlier(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl SegmentCollector for SegmentStoryCounter {
    type Fruit = tantivy::Result<StoryFruit>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let date = self.dates.as_ref().and_then(|c| c.first(doc));
        let source = self.sources.as_ref().and_then(|c| c.term_ords(doc).next());
        match self.stories.as_ref().and_then(|c| c.term_ords(doc).next()) {
            Some(story) => {
                self.earliest
                    .entry(story)
                    .and_modify(|d| *d = earlier(*d, date))
                    .or_insert(date);
                self.ran.insert((story, source));
            }
            None => {
                let name = source.and_then(|ord| {
                    let mut name = String::new();
                    self.sources
                        .as_ref()
                        .and_then(|c| c.ord_to_str(ord, &mut name).ok())
                        .filter(|found| *found)
                        .map(|_| name)
                });
                self.alone
                    .push((unique_key(DocAddress::new(self.segment, doc)), date, name));
            }
        }
    }

    fn harvest(self) -> tantivy::Result<StoryFruit> {
        let mut name = String::new();
        let mut story_name = |ord: u64| -> tantivy::Result<String> {
            name.clear();
            let found = match &self.stories {
                Some(c) => c.ord_to_str(ord, &mut name)?,
                None => false,
            };
            Ok(if found {
                name.clone()
            } else {
                format!("\u{0}{ord}")
            })
        };
        let mut dates = Vec::with_capacity(self.earliest.len() + self.alone.len());
        for (ord, date) in &self.earliest {
            dates.push((story_name(*ord)?, *date));
        }
        let mut source_name = String::new();
        let mut sources = Vec::with_capacity(self.ran.len() + self.alone.len());
        for (ord, source) in &self.ran {
            let source = match (source, &self.sources) {
                (Some(s), Some(c)) => {
                    source_name.clear();
                    c.ord_to_str(*s, &mut source_name)?
                        .then(|| source_name.clone())
                }
                _ => None,
            };
            sources.push((story_name(*ord)?, source));
        }
        for (key, date, source) in self.alone {
            dates.push((key.clone(), date));
            sources.push((key, source));
        }
        Ok((dates, sources))
    }
}

impl Collector for StoryCounter {
    type Fruit = Counts;
    type Child = SegmentStoryCounter;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentStoryCounter> {
        let fast = reader.fast_fields();
        Ok(SegmentStoryCounter {
            segment,
            stories: fast.str("story")?,
            dates: if self.days {
                fast.column_opt::<i64>("date")?
            } else {
                None
            },
            sources: if self.sources {
                fast.str("source")?
            } else {
                None
            },
            earliest: HashMap::new(),
            ran: std::collections::HashSet::new(),
            alone: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<tantivy::Result<StoryFruit>>) -> tantivy::Result<Counts> {
        let mut earliest: HashMap<String, Option<i64>> = HashMap::new();
        let mut ran: std::collections::HashSet<(String, Option<String>)> =
            std::collections::HashSet::new();
        for fruit in fruits {
            let (dates, sources) = fruit?;
            for (story, date) in dates {
                earliest
                    .entry(story)
                    .and_modify(|d| *d = earlier(*d, date))
                    .or_insert(date);
            }
            ran.extend(sources);
        }
        let mut counts = Counts::default();
        if self.days {
            for date in earliest.into_values() {
                match date {
                    Some(day) => *counts.days.entry(day).or_default() += 1,
                    None => counts.undated += 1,
                }
            }
        }
        if self.sources {
            for (_, source) in ran {
                match source {
                    Some(name) => *counts.sources.entry(name).or_default() += 1,
                    None => counts.unknown_source += 1,
                }
            }
        }
        Ok(counts)
    }
}
