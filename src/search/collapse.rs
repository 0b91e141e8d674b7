//! Collapsing hits by story. Within a segment, [`Collapse`] tells stories
//! apart by the ordinals of the `story` column (a table of the ordinals
//! met while they are few, then an array by ordinal: [`Slots`]);
//! across segments by the `story_key` column (a 64-bit hash of the story
//! id, [`crate::document::story_key`]), read once per story.
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
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::Arc;

use foldhash::fast::FixedState;
use hashbrown::{HashTable, hash_table};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, Column, ColumnValues, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::SortOrder;
use super::counts::Counts;

/// [`Slots`] turns from a table into an array once it holds this fraction
/// (one in `ARRAY_FROM`) of the segment's stories: a page of the array
/// (1,024 stories) costs about as much to fault in as a few dozen inserts
/// into the table. On a million articles, a table kept up to a quarter of
/// the stories spent 5% of the search time growing.
const ARRAY_FROM: usize = 32;

/// The most stories [`SegmentStories::first`] keeps in one pass, in order
/// (a page and the stories before it); deeper pages select then sort.
const SMALL_PAGE: usize = 64;

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
                let candidates = FewKeys::new(segments.iter().flat_map(|segment| {
                    segment
                        .first(sort, keep)
                        .map(|(i, _)| segment.keys[i])
                        .collect::<Vec<u64>>()
                }));
                gather(segments, sort, |key| candidates.contains(key))
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
                let wanted = FewKeys::new(keys.iter().copied());
                // Only the counts are read: any order picks the best copy.
                let whole = gather(segments, SortOrder::Relevance, |key| wanted.contains(key));
                keys.iter()
                    .map(|k| whole.get(k).map_or(1, |best| best.copies.max(1)))
                    .collect()
            }
        }
    }
}

/// A few story keys (a page's), behind a filter of 4,096 bits: [`gather`]
/// asks about every matching story of every segment, and most are not
/// among them.
struct FewKeys {
    bits: [u64; 64],
    keys: HashSet<u64, BuildHasherDefault<KeyHasher>>,
}

impl FewKeys {
    fn new(keys: impl IntoIterator<Item = u64>) -> FewKeys {
        let keys: HashSet<u64, BuildHasherDefault<KeyHasher>> = keys.into_iter().collect();
        let mut bits = [0; 64];
        for key in &keys {
            let bit = key & 4095;
            bits[(bit >> 6) as usize] |= 1 << (bit & 63);
        }
        FewKeys { bits, keys }
    }

    fn contains(&self, key: u64) -> bool {
        let bit = key & 4095;
        (self.bits[(bit >> 6) as usize] >> (bit & 63)) & 1 == 1 && self.keys.contains(&key)
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
    slots: Slots,
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
        let best = |i: u32| self.found[i as usize].unpack(self.segment);
        let before = |a: &u32, b: &u32| cmp(sort, &best(*a), &best(*b));
        let stories = self.found.len() as u32;
        let mut all: Vec<u32>;
        if keep <= SMALL_PAGE && keep < self.found.len() {
            // One pass that keeps the first `keep` in order: past the first
            // few, a story rarely ranks before the last kept, and costs one
            // comparison.
            all = Vec::with_capacity(keep + 1);
            for i in 0..stories {
                if let Some(last) = all.last()
                    && all.len() == keep
                    && before(&i, last) == Ordering::Greater
                {
                    continue;
                }
                let at = all.partition_point(|j| before(j, &i) == Ordering::Less);
                all.insert(at, i);
                all.truncate(keep);
            }
        } else {
            all = (0..stories).collect();
            if keep < all.len() {
                all.select_nth_unstable_by(keep, before);
                all.truncate(keep);
            }
            all.sort_unstable_by(before);
        }
        all.into_iter().map(move |i| (i as usize, best(i)))
    }

    /// The matching copies of the story of the matching article `address`.
    fn copies_of(&self, address: DocAddress) -> Option<u64> {
        if address.segment_ord != self.segment {
            return None;
        }
        let ord = self.stories.as_ref()?.term_ords(address.doc_id).next()?;
        let packed = self.found.get(self.slots.get(u32::try_from(ord).ok()?)?)?;
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

/// The matching stories of a segment by their ordinals in its `story`
/// column: for each ordinal met, its place in [`SegmentCollapse::found`].
///
/// It starts as a table of the ordinals met and becomes an array indexed by
/// ordinal once the table holds one in [`ARRAY_FROM`] of the segment's
/// stories.
/// An array of every story costs its whole size in fresh pages even for a
/// query that matches a few articles spread over the segment (one process
/// per search from the command line pays for every page it first touches);
/// a table costs a hash and a probe per article, and its growth, which the
/// array saves a query that matches many.
enum Slots {
    Table {
        table: HashTable<(u32, u32)>,
        hasher: FixedState,
        /// Stories in the segment (the array's length).
        stories: usize,
    },
    /// Per ordinal: its place plus one (0: not met).
    Array(Vec<u32>),
}

impl Slots {
    fn new(stories: usize) -> Slots {
        Slots::Table {
            table: HashTable::new(),
            hasher: FixedState::default(),
            stories,
        }
    }

    /// The place of story `ord`, if met.
    fn get(&self, ord: u32) -> Option<usize> {
        match self {
            Slots::Table { table, hasher, .. } => table
                .find(hasher.hash_one(ord), |&(o, _)| o == ord)
                .map(|&(_, at)| at as usize),
            Slots::Array(places) => (*places.get(ord as usize)?)
                .checked_sub(1)
                .map(|p| p as usize),
        }
    }

    /// The place of story `ord` (`Ok`), or `Err(new)` when it was not met
    /// yet and takes the place `new` from now on.
    fn get_or_insert(&mut self, ord: u32, new: u32) -> Result<usize, usize> {
        match self {
            Slots::Table {
                table,
                hasher,
                stories,
            } => {
                let entry = table.entry(
                    hasher.hash_one(ord),
                    |&(o, _)| o == ord,
                    |&(o, _)| hasher.hash_one(o),
                );
                match entry {
                    hash_table::Entry::Occupied(at) => return Ok(at.get().1 as usize),
                    hash_table::Entry::Vacant(slot) => {
                        slot.insert((ord, new));
                    }
                }
                if table.len() > *stories / ARRAY_FROM {
                    let mut places = vec![0; *stories];
                    for &(o, at) in table.iter() {
                        if let Some(place) = places.get_mut(o as usize) {
                            *place = at + 1;
                        }
                    }
                    *self = Slots::Array(places);
                }
                Err(new as usize)
            }
            Slots::Array(places) => match places.get_mut(ord as usize) {
                Some(0) => {
                    places[ord as usize] = new + 1;
                    Err(new as usize)
                }
                Some(place) => Ok(*place as usize - 1),
                None => Err(new as usize),
            },
        }
    }
}

/// [`Collapse`] in one segment: the stories by the ordinals of the segment's
/// `story` column ([`Slots`]), keyed by `story_key` only at the end, once
/// per story.
pub(crate) struct SegmentCollapse {
    sort: SortOrder,
    segment: SegmentOrdinal,
    stories: Option<StrColumn>,
    /// The story ordinal of each document, when every document has one
    /// (read directly, without the column's index).
    ords: Option<Arc<dyn ColumnValues<u64>>>,
    key_column: Option<Column<u64>>,
    dates: Option<Column<i64>>,
    slots: Slots,
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
        // story of its own. Ordinals fit in 32 bits: a segment has fewer
        // distinct stories than documents, whose ids are 32 bits.
        let ord = match &self.ords {
            Some(ords) => Some(ords.get_val(doc)),
            None => self.stories.as_ref().and_then(|c| c.term_ords(doc).next()),
        }
        .and_then(|ord| u32::try_from(ord).ok());
        // A place below `u32::MAX`, so that the array's place plus one fits.
        let place = u32::try_from(self.found.len())
            .ok()
            .filter(|&p| p < u32::MAX);
        let (Some(ord), Some(place)) = (ord, place) else {
            self.found.push(candidate);
            return;
        };
        let Ok(at) = self.slots.get_or_insert(ord, place) else {
            self.found.push(candidate);
            return;
        };
        let best = self.found[at];
        let mut folded = if self.before(&candidate, &best) {
            candidate
        } else {
            best
        };
        folded.copies = best.copies + 1;
        self.found[at] = folded;
    }

    fn harvest(self) -> Self::Fruit {
        SegmentStories {
            segment: self.segment,
            stories: self.stories,
            key_column: self.key_column,
            slots: self.slots,
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
            slots: Slots::new(stories.as_ref().map_or(0, |c| c.num_terms())),
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
        // it: by its key. The stories of the segment with the most are
        // distinct already: only the others' keys go in the set, and a key
        // of theirs counts when it is new there and not one of the most's.
        for fruit in &mut fruits {
            fruit.read_keys();
        }
        fruits.sort_by_key(|f| std::cmp::Reverse(f.found.len()));
        let Some((most, others)) = fruits.split_first() else {
            return Ok(Stories::None);
        };
        let others_len: usize = others.iter().map(|f| f.found.len()).sum();
        let mut others_keys: HashSet<u64, BuildHasherDefault<KeyHasher>> =
            HashSet::with_capacity_and_hasher(others_len, BuildHasherDefault::default());
        for fruit in others {
            others_keys.extend(fruit.keys.iter().copied());
        }
        let shared = most
            .keys
            .iter()
            .filter(|key| others_keys.contains(key))
            .count();
        let distinct = most.found.len() + others_keys.len() - shared;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `Slots` against a plain map, from a table of a few stories to an
    /// array, in segments of every size: the same places, met or not.
    #[test]
    fn slots_keep_every_place_across_the_switch_to_an_array() {
        for stories in [1_usize, 3, 17, 100, 1_000, 50_000] {
            let mut slots = Slots::new(stories);
            let mut model: HashMap<u32, usize> = HashMap::new();
            let mut state: u64 = 0x9e37_79b9_7f4a_7c15 ^ stories as u64;
            let mut was_table = false;
            for step in 0..3 * stories {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let ord = ((state >> 33) % stories as u64) as u32;
                was_table |= matches!(slots, Slots::Table { .. }) && !model.is_empty();
                let new = model.len();
                let expected = model.get(&ord).copied().ok_or(new);
                assert_eq!(
                    slots.get_or_insert(ord, new as u32),
                    expected,
                    "{stories} stories, ordinal {ord}"
                );
                model.entry(ord).or_insert(new);
                if step % 997 == 0 || step + 1 == 3 * stories {
                    for o in 0..stories as u32 {
                        assert_eq!(slots.get(o), model.get(&o).copied(), "{stories}: {o}");
                    }
                }
            }
            assert!(
                matches!(slots, Slots::Array(_)),
                "{stories}: an array at the end"
            );
            if stories >= 2 * ARRAY_FROM {
                assert!(was_table, "{stories}: a table first");
            }
            // An ordinal past the segment's stories (none in an index) is
            // never taken for a story met.
            assert_eq!(slots.get_or_insert(stories as u32, 7), Err(7));
            assert_eq!(slots.get(stories as u32), None);
        }
    }

    /// `first` in one pass (small pages) and by selection (deep ones)
    /// against a full sort, in every order, with ties of score and date.
    #[test]
    fn first_keeps_the_best_stories_in_order_for_every_page_depth() {
        let mut state: u64 = 7;
        let mut next = |below: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % below
        };
        let found: Vec<Packed> = (0..500)
            .map(|doc| Packed {
                score: next(40) as f32 / 4.0,
                doc: doc * 3,
                copies: 1 + next(3) as u32,
                date: match next(10) {
                    0 => NO_DATE,
                    d => 20_200_100 + d as i32,
                },
            })
            .collect();
        let segment = SegmentStories {
            segment: 2,
            stories: None,
            key_column: None,
            slots: Slots::new(0),
            found: found.clone(),
            keys: Vec::new(),
        };
        for sort in [SortOrder::Relevance, SortOrder::Oldest, SortOrder::Newest] {
            let mut all: Vec<(usize, Best)> = found
                .iter()
                .enumerate()
                .map(|(i, p)| (i, p.unpack(2)))
                .collect();
            all.sort_by(|a, b| cmp(sort, &a.1, &b.1));
            for keep in [
                0,
                1,
                2,
                10,
                SMALL_PAGE - 1,
                SMALL_PAGE,
                SMALL_PAGE + 1,
                499,
                500,
                600,
            ] {
                let got: Vec<usize> = segment.first(sort, keep).map(|(i, _)| i).collect();
                let want: Vec<usize> = all.iter().take(keep).map(|(i, _)| *i).collect();
                assert_eq!(got, want, "{sort:?}, keep {keep}");
            }
        }
    }
}
