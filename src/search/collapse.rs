//! Collapsing hits by story. Within a segment, [`Collapse`] tells stories
//! apart by the ordinals of the `story` column (dense numbers: a slot
//! array, no hashing per article); across segments by the `story_key`
//! column (a 64-bit hash of the story id, [`crate::document::story_key`]),
//! read once per story.
//!
//! [`Collapse`] keeps, for each story among the matching articles, its best
//! copy (best score, or earliest or latest date) and how many of its
//! articles match; [`rank`] orders the stories by their best copies, so a
//! page of stories is a slice of one order: a story is on one page only,
//! whatever the page size. Ties go to the lower document address, as
//! tantivy's `TopDocs` does, and undated articles come last in both date
//! orders. [`StoryCounter`] counts stories for facets and timelines.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, Column, ColumnValues, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::SortOrder;
use super::counts::Counts;

/// Story keys are hashes already: a map of them needs no hashing again.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by story keys.
pub(crate) type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// The best copy of a story and its count of matching articles.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Best {
    /// The score (relevance; 0 when sorted by date).
    pub score: Score,
    /// The date (`YYYYMMDD`; `None`: undated, or not read when sorted by
    /// relevance).
    pub date: Option<i64>,
    pub address: DocAddress,
    /// Matching articles of the story.
    pub copies: u64,
}

/// Whether `a` ranks before `b` in the order `sort`.
fn cmp(sort: SortOrder, a: &Best, b: &Best) -> Ordering {
    let by_key = match sort {
        SortOrder::Relevance => b.score.total_cmp(&a.score),
        SortOrder::Oldest => (a.date.is_none(), a.date).cmp(&(b.date.is_none(), b.date)),
        SortOrder::Newest => (a.date.is_none(), std::cmp::Reverse(a.date))
            .cmp(&(b.date.is_none(), std::cmp::Reverse(b.date))),
    };
    by_key.then(a.address.cmp(&b.address))
}

/// Folds `candidate` (one article, or the best of a segment) into `best`.
fn fold(sort: SortOrder, best: &mut Best, candidate: Best) {
    let copies = best.copies + candidate.copies;
    if cmp(sort, &candidate, best) == Ordering::Less {
        *best = candidate;
    }
    best.copies = copies;
}

/// Every matching story with its best copy, in no order.
#[derive(Default)]
pub(crate) enum Stories {
    /// No article matches.
    #[default]
    None,
    /// The matching articles are in one segment: its stories, told apart
    /// by the `story` column's ordinals (no key read).
    One(Box<SegmentStories>),
    /// The stories of several segments, each told apart by its own
    /// ordinals. A story can have copies in several segments: `distinct`
    /// counts it once, by its `story_key`; the page and the copies of its
    /// hits gather each of their stories from every segment by key.
    Many {
        segments: Vec<SegmentStories>,
        distinct: usize,
    },
}

impl Stories {
    /// How many stories match.
    pub fn len(&self) -> usize {
        match self {
            Stories::None => 0,
            Stories::One(one) => one.found.len(),
            Stories::Many { distinct, .. } => *distinct,
        }
    }

    /// How many articles match: the copies of every story.
    pub fn articles(&self) -> usize {
        let copies: u64 = match self {
            Stories::None => 0,
            Stories::One(one) => one.articles(),
            Stories::Many { segments, .. } => segments.iter().map(SegmentStories::articles).sum(),
        };
        usize::try_from(copies).unwrap_or(usize::MAX)
    }

    /// The first `keep` stories in the order `sort`, best first.
    ///
    /// Across segments, only the first `keep` stories of each segment can
    /// be among the first `keep` of all: a story whose best copy is in
    /// segment `s` has, ranked before it in `s`, only stories whose best
    /// copies (in `s` or elsewhere) rank before it too. Those candidates are
    /// then gathered from every segment by key.
    pub fn rank(&self, sort: SortOrder, keep: usize) -> Vec<Best> {
        let mut all: Vec<Best> = match self {
            Stories::None => Vec::new(),
            Stories::One(one) => one.first(sort, keep).map(|(_, best)| best).collect(),
            Stories::Many { segments, .. } => {
                let candidates: HashSet<u64, BuildHasherDefault<KeyHasher>> = segments
                    .iter()
                    .flat_map(|segment| {
                        segment
                            .first(sort, keep)
                            .map(|(i, _)| segment.keys[i])
                            .collect::<Vec<u64>>()
                    })
                    .collect();
                gather(segments, sort, |key| candidates.contains(&key))
                    .into_values()
                    .collect()
            }
        };
        if keep < all.len() {
            all.select_nth_unstable_by(keep, |a, b| cmp(sort, a, b));
            all.truncate(keep);
        }
        all.sort_unstable_by(|a, b| cmp(sort, a, b));
        all
    }

    /// The matching copies of the story of each matching article of
    /// `hits`: its address and its story id.
    pub fn copies(&self, hits: &[(DocAddress, &str)]) -> Vec<u64> {
        match self {
            Stories::None => vec![1; hits.len()],
            Stories::One(one) => hits
                .iter()
                .map(|&(address, _)| one.copies_of(address).unwrap_or(1))
                .collect(),
            Stories::Many { segments, .. } => {
                let keys: Vec<u64> = hits
                    .iter()
                    .map(|&(address, story)| match story.is_empty() {
                        true => own_key(address),
                        false => crate::document::story_key(story),
                    })
                    .collect();
                let wanted: HashSet<u64, BuildHasherDefault<KeyHasher>> =
                    keys.iter().copied().collect();
                // Only the counts are read: any order picks the best copy.
                let whole = gather(segments, SortOrder::Relevance, |key| wanted.contains(&key));
                keys.iter()
                    .map(|k| whole.get(k).map_or(1, |best| best.copies.max(1)))
                    .collect()
            }
        }
    }
}

/// The stories whose keys are `wanted`, each with its best copy in the
/// order `sort` and its matching copies, over all `segments` (whose keys
/// were read).
fn gather(
    segments: &[SegmentStories],
    sort: SortOrder,
    wanted: impl Fn(u64) -> bool,
) -> KeyMap<Best> {
    let mut whole: KeyMap<Best> = KeyMap::default();
    for segment in segments {
        for (packed, &key) in segment.found.iter().zip(&segment.keys) {
            if wanted(key) {
                let best = packed.unpack(segment.segment);
                whole
                    .entry(key)
                    .and_modify(|b| fold(sort, b, best))
                    .or_insert(best);
            }
        }
    }
    whole
}

/// The stories of one segment, as [`SegmentCollapse`] found them.
pub(crate) struct SegmentStories {
    segment: SegmentOrdinal,
    stories: Option<StrColumn>,
    key_column: Option<Column<u64>>,
    /// Per story ordinal: its place in `found` plus one (0: not matched).
    slot: Vec<u32>,
    found: Vec<Packed>,
    /// The `story_key` of each story of `found`, when the stories of
    /// several segments are merged (empty otherwise).
    keys: Vec<u64>,
}

impl SegmentStories {
    /// The matching articles of the segment.
    fn articles(&self) -> u64 {
        self.found.iter().map(|p| u64::from(p.copies)).sum()
    }

    /// The segment's first `keep` stories in the order `sort`, best
    /// first, with their places in `found`.
    fn first(&self, sort: SortOrder, keep: usize) -> impl Iterator<Item = (usize, Best)> + '_ {
        let mut all: Vec<u32> = (0..self.found.len() as u32).collect();
        let best = |i: u32| self.found[i as usize].unpack(self.segment);
        let before = |a: &u32, b: &u32| cmp(sort, &best(*a), &best(*b));
        if keep < all.len() {
            all.select_nth_unstable_by(keep, before);
            all.truncate(keep);
        }
        all.sort_unstable_by(before);
        all.into_iter().map(move |i| (i as usize, best(i)))
    }

    /// The matching copies of the story of the matching article `address`.
    fn copies_of(&self, address: DocAddress) -> Option<u64> {
        if address.segment_ord != self.segment {
            return None;
        }
        let ord = self.stories.as_ref()?.term_ords(address.doc_id).next()?;
        let slot = *self.slot.get(ord as usize)?;
        let packed = self.found.get((slot as usize).checked_sub(1)?)?;
        Some(u64::from(packed.copies))
    }

    /// Reads the key of each matching story (from `story_key`, once per
    /// story, in one batch) into `keys`.
    fn read_keys(&mut self) {
        let docs: Vec<DocId> = self.found.iter().map(|packed| packed.doc).collect();
        let mut keys: Vec<Option<u64>> = vec![None; docs.len()];
        if let Some(column) = &self.key_column {
            column.first_vals(&docs, &mut keys);
        }
        let segment = self.segment;
        self.keys = keys
            .into_iter()
            .zip(docs)
            .map(|(key, doc)| key.unwrap_or_else(|| own_key(DocAddress::new(segment, doc))))
            .collect();
    }
}

/// Collects every matching story with its best copy, by story key.
pub(crate) struct Collapse {
    pub sort: SortOrder,
}

/// A story's best copy within one segment, packed small (the segment's
/// map holds one for each matching story).
#[derive(Debug, Clone, Copy)]
struct Packed {
    score: Score,
    doc: DocId,
    copies: u32,
    /// `YYYYMMDD`, or [`NO_DATE`].
    date: i32,
}

/// [`Packed::date`] of an undated article (or of any, when ranking by
/// relevance, which reads no date).
const NO_DATE: i32 = i32::MIN;

impl Packed {
    fn unpack(self, segment: SegmentOrdinal) -> Best {
        Best {
            score: self.score,
            date: (self.date != NO_DATE).then_some(i64::from(self.date)),
            address: DocAddress::new(segment, self.doc),
            copies: u64::from(self.copies),
        }
    }
}

/// [`Collapse`] in one segment: the stories by the ordinals of the segment's
/// `story` column (dense: a slot array, no hashing), keyed by `story_key`
/// only at the end, once per story.
pub(crate) struct SegmentCollapse {
    sort: SortOrder,
    segment: SegmentOrdinal,
    stories: Option<StrColumn>,
    /// The story ordinal of each document, when every document has one
    /// (read directly, without the column's index).
    ords: Option<Arc<dyn ColumnValues<u64>>>,
    key_column: Option<Column<u64>>,
    dates: Option<Column<i64>>,
    /// Per story ordinal: its place in `found` plus one (0: not met yet).
    slot: Vec<u32>,
    found: Vec<Packed>,
}

impl SegmentCollapse {
    /// Whether `a` ranks before `b` (two copies of this segment).
    fn before(&self, a: &Packed, b: &Packed) -> bool {
        let by_key = match self.sort {
            SortOrder::Relevance => b.score.total_cmp(&a.score),
            SortOrder::Oldest => (a.date == NO_DATE, a.date).cmp(&(b.date == NO_DATE, b.date)),
            SortOrder::Newest => (a.date == NO_DATE, std::cmp::Reverse(a.date))
                .cmp(&(b.date == NO_DATE, std::cmp::Reverse(b.date))),
        };
        by_key.then(a.doc.cmp(&b.doc)) == Ordering::Less
    }
}

impl SegmentCollector for SegmentCollapse {
    type Fruit = SegmentStories;

    fn collect(&mut self, doc: DocId, score: Score) {
        let date = match &self.dates {
            Some(column) => column
                .first(doc)
                .and_then(|d| i32::try_from(d).ok())
                .unwrap_or(NO_DATE),
            None => NO_DATE,
        };
        let candidate = Packed {
            score,
            doc,
            copies: 1,
            date,
        };
        // A document without a story (none in an index newsidx wrote) is a
        // story of its own.
        let ord = match &self.ords {
            Some(ords) => Some(ords.get_val(doc)),
            None => self.stories.as_ref().and_then(|c| c.term_ords(doc).next()),
        };
        let Some(slot) = ord.and_then(|o| self.slot.get(o as usize)).copied() else {
            self.found.push(candidate);
            return;
        };
        if slot == 0 {
            self.found.push(candidate);
            if let Some(o) = ord {
                self.slot[o as usize] = self.found.len() as u32;
            }
            return;
        }
        let best = self.found[slot as usize - 1];
        let mut folded = if self.before(&candidate, &best) {
            candidate
        } else {
            best
        };
        folded.copies = best.copies + 1;
        self.found[slot as usize - 1] = folded;
    }

    fn harvest(self) -> Self::Fruit {
        SegmentStories {
            segment: self.segment,
            stories: self.stories,
            key_column: self.key_column,
            slot: self.slot,
            found: self.found,
            keys: Vec::new(),
        }
    }
}

/// The key of a document without one: its address (hashes collide with it
/// no more than with each other).
fn own_key(address: DocAddress) -> u64 {
    (u64::from(address.segment_ord) << 32 | u64::from(address.doc_id)) ^ 0x5157_0000_0000_0000
}

impl Collector for Collapse {
    type Fruit = Stories;
    type Child = SegmentCollapse;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCollapse> {
        let fast = reader.fast_fields();
        let stories = fast.str("story")?;
        Ok(SegmentCollapse {
            sort: self.sort,
            segment,
            key_column: fast.column_opt::<u64>("story_key")?,
            // Relevance ranks by score alone: no date to read per article.
            dates: match self.sort {
                SortOrder::Relevance => None,
                SortOrder::Newest | SortOrder::Oldest => fast.column_opt::<i64>("date")?,
            },
            slot: vec![0; stories.as_ref().map_or(0, |c| c.num_terms())],
            ords: stories
                .as_ref()
                .map(|stories| stories.ords())
                .filter(|ords| ords.get_cardinality() == Cardinality::Full)
                .map(|ords| Arc::clone(&ords.values)),
            stories,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == SortOrder::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<SegmentStories>) -> tantivy::Result<Stories> {
        let mut fruits: Vec<SegmentStories> =
            fruits.into_iter().filter(|f| !f.found.is_empty()).collect();
        if fruits.len() <= 1 {
            // One segment's stories are distinct already: no key to read.
            return Ok(fruits
                .pop()
                .map_or(Stories::None, |one| Stories::One(Box::new(one))));
        }
        // A story is counted once however many segments have copies of
        // it: by its key.
        let all: usize = fruits.iter().map(|f| f.found.len()).sum();
        let mut keys: HashSet<u64, BuildHasherDefault<KeyHasher>> =
            HashSet::with_capacity_and_hasher(all, BuildHasherDefault::default());
        let mut distinct = 0;
        for fruit in &mut fruits {
            fruit.read_keys();
            for &key in &fruit.keys {
                distinct += usize::from(keys.insert(key));
            }
        }
        Ok(Stories::Many {
            segments: fruits,
            distinct,
        })
    }
}

/// Counts matching stories for facets and timelines (see
/// [`super::Counted`]): a story in the period of its earliest matching
/// copy, and once for each source that ran a matching copy.
pub(crate) struct StoryCounter {
    pub sources: bool,
    pub days: bool,
}

/// [`StoryCounter`] in one segment.
pub(crate) struct SegmentStoryCounter {
    segment: SegmentOrdinal,
    keys: Option<Column<u64>>,
    days: bool,
    /// The dates (`None` in a segment without a dated document).
    dates: Option<Column<i64>>,
    count_sources: bool,
    /// The sources (`None` in a segment without a known source).
    sources: Option<StrColumn>,
    earliest: KeyMap<Option<i64>>,
    /// `(story, source ordinal)` pairs.
    ran: HashSet<(u64, Option<u64>)>,
}

/// The stories of one segment: each story's earliest date, and `(story,
/// source)` pairs.
type StoryFruit = (KeyMap<Option<i64>>, HashSet<(u64, Option<String>)>);

fn earlier(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl SegmentCollector for SegmentStoryCounter {
    type Fruit = tantivy::Result<StoryFruit>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let key = match self.keys.as_ref().and_then(|c| c.first(doc)) {
            Some(key) => key,
            None => own_key(DocAddress::new(self.segment, doc)),
        };
        if self.days {
            let date = self.dates.as_ref().and_then(|c| c.first(doc));
            self.earliest
                .entry(key)
                .and_modify(|d| *d = earlier(*d, date))
                .or_insert(date);
        }
        if self.count_sources {
            let source = self.sources.as_ref().and_then(|c| c.term_ords(doc).next());
            self.ran.insert((key, source));
        }
    }

    fn harvest(self) -> tantivy::Result<StoryFruit> {
        let mut names: HashMap<u64, String> = HashMap::new();
        let mut ran = HashSet::with_capacity(self.ran.len());
        for (key, ord) in self.ran {
            let name = match (ord, &self.sources) {
                (Some(ord), Some(column)) => {
                    if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(ord) {
                        let mut name = String::new();
                        if column.ord_to_str(ord, &mut name)? {
                            slot.insert(name);
                        }
                    }
                    names.get(&ord).cloned()
                }
                _ => None,
            };
            ran.insert((key, name));
        }
        Ok((self.earliest, ran))
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
            keys: fast.column_opt::<u64>("story_key")?,
            days: self.days,
            dates: match self.days {
                true => fast.column_opt::<i64>("date")?,
                false => None,
            },
            count_sources: self.sources,
            sources: match self.sources {
                true => fast.str("source")?,
                false => None,
            },
            earliest: KeyMap::default(),
            ran: HashSet::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<tantivy::Result<StoryFruit>>) -> tantivy::Result<Counts> {
        let mut earliest: KeyMap<Option<i64>> = KeyMap::default();
        let mut ran: HashSet<(u64, Option<String>)> = HashSet::new();
        for fruit in fruits {
            let (dates, sources) = fruit?;
            for (key, date) in dates {
                earliest
                    .entry(key)
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
