//! From signatures to stories, at once or incrementally.
//!
//! Two articles are *linked* when they share a band key and
//! [`same_story`] holds for them. The linked articles form a graph; a story
//! is made from one connected component of it (see [`Chaining`]), and its id
//! is the `id` of its earliest article (by date, undated last, then by id,
//! then by path). Since a story depends only on the articles of its
//! component, the grouping is the same whatever the order in which articles
//! were added, and updating it after a change only needs the components that
//! the changed articles touch ([`regroup`]).

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use time::Date;

use super::signature::{Chaining, Params, Signature, same_story};

/// One article, as grouping sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The article's path: unique in the archive.
    pub path: String,
    /// The article's id (its file stem), which names the stories it starts.
    pub id: String,
    /// Its date, if it has one.
    pub date: Option<Date>,
    /// The signature of its body.
    pub signature: Signature,
}

impl Entry {
    /// Orders articles from the earliest: by date, undated last, then by id,
    /// then by path.
    pub fn cmp_age(&self, other: &Entry) -> Ordering {
        (self.date.is_none(), self.date, &self.id, &self.path).cmp(&(
            other.date.is_none(),
            other.date,
            &other.id,
            &other.path,
        ))
    }
}

/// Groups articles into stories: for each entry, the index in `entries` of
/// the earliest article of its story (itself for a story of one or for the
/// first article of a story). Paths must be unique.
pub fn group(entries: &[Entry], params: &Params) -> Vec<usize> {
    let mut bands: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut sets = DisjointSets::new(entries.len());
    let mut seen = vec![usize::MAX; entries.len()];
    for (i, entry) in entries.iter().enumerate() {
        for key in entry.signature.band_keys(params) {
            let posting = bands.entry(key).or_default();
            for &j in posting.iter() {
                if seen[j] != i {
                    seen[j] = i;
                    if same_story(&entry.signature, &entries[j].signature, params) {
                        sets.union(i, j);
                    }
                }
            }
            posting.push(i);
        }
    }
    let mut components: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..entries.len() {
        components.entry(sets.find(i)).or_default().push(i);
    }
    let mut story = (0..entries.len()).collect::<Vec<_>>();
    for members in components.into_values() {
        let refs: Vec<&Entry> = members.iter().map(|&i| &entries[i]).collect();
        for (k, first) in cluster(&refs, params).into_iter().enumerate() {
            story[members[k]] = members[first];
        }
    }
    story
}

/// Splits one component into stories: for each member, the position in
/// `members` of its story's first article.
fn cluster(members: &[&Entry], params: &Params) -> Vec<usize> {
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_by(|&a, &b| members[a].cmp_age(members[b]));
    let mut first = vec![order[0]; members.len()];
    if params.chaining == Chaining::Components {
        return first;
    }
    let same =
        |a: usize, b: usize| same_story(&members[a].signature, &members[b].signature, params);
    // Leaders, from the earliest: each article joins the earliest leader it
    // copies, or leads a story of its own.
    let mut leaders: Vec<usize> = Vec::new();
    for &m in &order {
        let leader = leaders.iter().copied().find(|&l| same(m, l));
        first[m] = leader.unwrap_or_else(|| {
            leaders.push(m);
            m
        });
    }
    first
}

/// The stored articles of an archive, as [`regroup`] needs them.
pub trait Lookup {
    /// The articles of the archive, in its state after the change, that have
    /// the band key `key`.
    fn with_band_key(&self, key: u64) -> Vec<Entry>;
}

/// After articles were removed, added or changed, the new story of every
/// article whose story may have changed: `(path, story id)` for each article
/// of each component that a changed article touched, before or after the
/// change. Articles not listed keep their story.
///
/// `lookup` sees the archive after the change; `removed` holds the old
/// entries of removed and changed articles (their old signatures), `added`
/// the new entries of added and changed articles. The result is what
/// [`group`] gives for these articles on the whole archive after the change.
///
/// Why that is enough: links between unchanged articles do not change, so
/// an article whose component holds no changed article, before or after,
/// keeps its component and its story. If its new component holds an added
/// article, the search from that article finds it. If its old component
/// held a removed or changed article, take the old chain of links from it
/// to the nearest such article: the article just before that one is
/// unchanged and was linked to its old signature, so the lookup with the
/// old signature finds it, and the search from it finds the article.
pub fn regroup<L: Lookup + ?Sized>(
    lookup: &L,
    removed: &[Entry],
    added: &[Entry],
    params: &Params,
) -> Vec<(String, String)> {
    let mut found = Found::default();
    for entry in added {
        found.visit(entry.clone());
    }
    for old in removed {
        for neighbour in linked(lookup, old, params) {
            found.visit(neighbour);
        }
    }
    let mut edges: Vec<(usize, usize)> = Vec::new();
    while let Some(i) = found.queue.pop() {
        for neighbour in linked(lookup, &found.entries[i], params) {
            edges.push((i, found.visit(neighbour)));
        }
    }
    let entries = found.entries;
    let mut sets = DisjointSets::new(entries.len());
    for (i, j) in edges {
        sets.union(i, j);
    }
    let mut components: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..entries.len() {
        components.entry(sets.find(i)).or_default().push(i);
    }
    let mut out = Vec::with_capacity(entries.len());
    for members in components.into_values() {
        let refs: Vec<&Entry> = members.iter().map(|&i| &entries[i]).collect();
        for (k, first) in cluster(&refs, params).into_iter().enumerate() {
            out.push((refs[k].path.clone(), refs[first].id.clone()));
        }
    }
    out.sort();
    out
}

/// The articles met so far by [`regroup`], and those still to explore.
#[derive(Default)]
struct Found {
    index: HashMap<String, usize>,
    entries: Vec<Entry>,
    queue: Vec<usize>,
}

impl Found {
    /// The position of `entry`, added (and queued) if new.
    fn visit(&mut self, entry: Entry) -> usize {
        if let Some(&i) = self.index.get(&entry.path) {
            return i;
        }
        let i = self.entries.len();
        self.index.insert(entry.path.clone(), i);
        self.queue.push(i);
        self.entries.push(entry);
        i
    }
}

/// The articles linked to `entry`: sharing a band key and copies of it.
fn linked<L: Lookup + ?Sized>(lookup: &L, entry: &Entry, params: &Params) -> Vec<Entry> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for key in entry.signature.band_keys(params) {
        for candidate in lookup.with_band_key(key) {
            if candidate.path != entry.path
                && seen.insert(candidate.path.clone())
                && same_story(&entry.signature, &candidate.signature, params)
            {
                out.push(candidate);
            }
        }
    }
    out
}

/// Union-find with path halving and union by size.
struct DisjointSets {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl DisjointSets {
    fn new(n: usize) -> DisjointSets {
        DisjointSets {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }
}
