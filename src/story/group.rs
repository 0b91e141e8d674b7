//! From signatures to stories, at once or incrementally.
//!
//! Two articles are *linked* when they share [`Params::min_shared_bands`]
//! band keys and [`same_story`] holds for them. The linked articles form a
//! graph; stories are made within each connected component of it (see
//! [`Chaining`]), and a story's id is the `id` of its earliest article (by
//! date, undated last, then by id, then by path). Since a story depends only on the articles of its
//! component, the grouping is the same whatever the order in which articles
//! were added, and updating it after a change only needs the components that
//! the changed articles touch ([`regroup`]).

use std::cmp::Ordering;
use std::collections::HashMap;

use foldhash::fast::FixedState;
use rayon::prelude::*;
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
    let refs: Vec<&Entry> = entries.iter().collect();
    cluster(&refs, params)
}

/// Splits articles into stories: for each one, the position in `members`
/// of its story's first article. Works on any set of articles that is a
/// union of whole components (all of them, in [`group`]; one component, in
/// [`regroup`]), since links never leave a component.
///
/// Articles with the same signature (identical running text, long enough
/// to be grouped) are one node: they copy each other and are always one
/// story, and an archive of wire copies holds many of them. The nodes are
/// then taken from the earliest on; each is linked to the earlier nodes
/// that share [`Params::min_shared_bands`] band keys with it and are copies
/// ([`same_story`]), and joins the story of the earliest of them
/// ([`Chaining::First`]) or of the earliest that leads a story
/// ([`Chaining::Leader`]); with none, it starts a story of its own.
/// [`Chaining::Components`] makes each connected component one story.
fn cluster(members: &[&Entry], params: &Params) -> Vec<usize> {
    let mut first = vec![0; members.len()];
    if members.is_empty() {
        return first;
    }
    // The nodes: identical long signatures together, each with its members
    // earliest first.
    let mut nodes: Vec<Vec<usize>> = Vec::new();
    // foldhash rather than SipHash: a signature is a hundred values to
    // hash, and its values are hashes already (no flooding to fear).
    let mut by_signature: HashMap<&Signature, usize, FixedState> = HashMap::default();
    for (i, entry) in members.iter().enumerate() {
        if entry.signature.is_short(params) {
            nodes.push(vec![i]);
            continue;
        }
        match by_signature.entry(&entry.signature) {
            std::collections::hash_map::Entry::Occupied(node) => nodes[*node.get()].push(i),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(nodes.len());
                nodes.push(vec![i]);
            }
        }
    }
    for node in &mut nodes {
        node.sort_by(|&a, &b| members[a].cmp_age(members[b]));
    }
    nodes.par_sort_by(|a, b| members[a[0]].cmp_age(members[b[0]]));
    // Each node's story, as the position of the node that starts it.
    let mut story: Vec<usize> = (0..nodes.len()).collect();
    match params.chaining {
        Chaining::Leader => follow_leaders(members, &nodes, &mut story, params),
        Chaining::First => follow_first(members, &nodes, &mut story, params),
        Chaining::Components => merge_linked(members, &nodes, &mut story, params),
    }
    for (n, node) in nodes.iter().enumerate() {
        let head = nodes[story[n]][0];
        for &i in node {
            first[i] = head;
        }
    }
    first
}

/// For [`Chaining::First`]: each node joins the story of the earliest
/// earlier node it is linked to. Which node that is depends on the links
/// only, not on other nodes' stories: the links are found on rayon
/// threads, then the stories follow them from the earliest node on.
fn follow_first(members: &[&Entry], nodes: &[Vec<usize>], story: &mut [usize], params: &Params) {
    let keys = |n: usize| members[nodes[n][0]].signature.band_hashes(params);
    // Every (band key, node) pair, sorted: each key's nodes in a run, in
    // ascending order. The keys of one grouping share their tag, so their
    // hashes stand for them: 8 bytes a pair, where a map of small lists
    // took about 80 bytes a key (and most keys belong to one node only).
    // Filled in place at its final size: collecting the pairs from rayon's
    // threads held them twice at the end (0.4 GB at a million articles).
    let total = (0..nodes.len()).map(|n| keys(n).len()).sum();
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(total);
    for n in 0..nodes.len() {
        pairs.extend(keys(n).iter().map(|&key| (key, n as u32)));
    }
    pairs.par_sort_unstable();
    // Only a key that two nodes share can link them: where its run starts,
    // the map sized at once for the shared keys.
    let runs = || pairs.chunk_by(|a, b| a.0 == b.0);
    let mut shared: HashMap<u32, usize, FixedState> = HashMap::with_capacity_and_hasher(
        runs().filter(|run| run.len() > 1).count(),
        FixedState::default(),
    );
    let mut start = 0;
    for run in runs() {
        if run.len() > 1 {
            shared.insert(run[0].0, start);
        }
        start += run.len();
    }
    let min = params.min_shared_bands;
    let parents: Vec<Option<usize>> = (0..nodes.len())
        .into_par_iter()
        .map_init(
            || SharedKeys::new(nodes.len()),
            |counter, n| {
                // Only the earlier nodes of each key's run: the pairs from
                // the run's start to the node's own.
                let earlier = keys(n).iter().filter_map(|key| {
                    let &from = shared.get(key)?;
                    Some(
                        pairs[from..]
                            .iter()
                            .take_while(move |&&(k, m)| k == *key && (m as usize) < n),
                    )
                });
                let mut candidates =
                    counter.count(earlier.flatten().map(|&(_, m)| m as usize), min);
                candidates.sort_unstable();
                let signature = &members[nodes[n][0]].signature;
                candidates
                    .into_iter()
                    .find(|&m| same_story(signature, &members[nodes[m][0]].signature, params))
            },
        )
        .collect();
    for (n, parent) in parents.into_iter().enumerate() {
        if let Some(m) = parent {
            story[n] = story[m];
        }
    }
}

/// For [`Chaining::Leader`]: each node, from the earliest, joins the
/// story of the earliest linked node that leads one, or leads its own.
fn follow_leaders(members: &[&Entry], nodes: &[Vec<usize>], story: &mut [usize], params: &Params) {
    let mut bands: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut shared = SharedKeys::new(nodes.len());
    for n in 0..nodes.len() {
        let signature = &members[nodes[n][0]].signature;
        let keys = signature.band_keys(params);
        let mut candidates = shared.candidates(&keys, &bands, params.min_shared_bands);
        candidates.sort_unstable();
        let leader = candidates
            .into_iter()
            .find(|&m| same_story(signature, &members[nodes[m][0]].signature, params));
        match leader {
            Some(m) => story[n] = story[m],
            // Only leaders can be joined: only they need to be found.
            None => {
                for key in keys {
                    bands.entry(key).or_default().push(n);
                }
            }
        }
    }
}

/// For [`Chaining::Components`]: makes `story` name, for each node, the
/// earliest node of its connected component.
fn merge_linked(members: &[&Entry], nodes: &[Vec<usize>], story: &mut [usize], params: &Params) {
    let mut sets = DisjointSets::new(nodes.len());
    let mut bands: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut shared = SharedKeys::new(nodes.len());
    for (n, node) in nodes.iter().enumerate() {
        let signature = &members[node[0]].signature;
        let keys = signature.band_keys(params);
        for m in shared.candidates(&keys, &bands, params.min_shared_bands) {
            if sets.find(n) != sets.find(m)
                && same_story(signature, &members[nodes[m][0]].signature, params)
            {
                sets.union(n, m);
            }
        }
        for key in keys {
            bands.entry(key).or_default().push(n);
        }
    }
    let mut earliest: HashMap<usize, usize> = HashMap::new();
    for (n, slot) in story.iter_mut().enumerate() {
        let root = sets.find(n);
        // Nodes are in age order: the first met is the earliest.
        *slot = *earliest.entry(root).or_insert(n);
    }
}

/// The stored articles of an archive, as [`regroup`] needs them.
pub trait Lookup {
    /// The articles of the archive, in its state after the change, that have
    /// the band key `key`.
    fn with_band_key(&self, key: u64) -> Vec<Entry>;

    /// The story id that the article of `path`, one the change did not
    /// touch and that [`Lookup::with_band_key`] returned, had before the
    /// change. [`Chaining::First`] needs it: an update there follows the
    /// changes down the trees of copies, not through whole components.
    fn story(&self, path: &str) -> Option<String>;
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
    if params.chaining == Chaining::First {
        return regroup_first(lookup, removed, added, params);
    }
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

/// [`regroup`] for [`Chaining::First`], where an article's story is the
/// story of its *parent*, the earliest earlier article it is linked to (its
/// own id without one). The stories that can change are those of the added
/// articles, of the articles whose parent can change (those linked to an
/// added article or to a removed one, and later than it), and then, down
/// the tree, of the later articles linked to an article whose story
/// changed. They are worked out from the earliest on, so that a parent's
/// new story is known before its children's: each article met later than
/// the one at hand, the order of the queue never goes back.
fn regroup_first<L: Lookup + ?Sized>(
    lookup: &L,
    removed: &[Entry],
    added: &[Entry],
    params: &Params,
) -> Vec<(String, String)> {
    let age = |e: &Entry| (e.date.is_none(), e.date, e.id.clone(), e.path.clone());
    let added_paths: std::collections::HashSet<&str> =
        added.iter().map(|e| e.path.as_str()).collect();
    let mut queue: std::collections::BTreeMap<_, Entry> = std::collections::BTreeMap::new();
    let mut stories: HashMap<String, String> = HashMap::new();
    for entry in added {
        queue.insert(age(entry), entry.clone());
    }
    for entry in removed.iter().chain(added) {
        for later in linked_around(lookup, entry, params).1 {
            queue.insert(age(&later), later);
        }
    }
    while let Some((_, entry)) = queue.pop_first() {
        if stories.contains_key(&entry.path) {
            continue;
        }
        let (earlier, later) = linked_around(lookup, &entry, params);
        let story = match earlier.first() {
            None => entry.id.clone(),
            Some(parent) => stories
                .get(&parent.path)
                .cloned()
                .or_else(|| lookup.story(&parent.path))
                .unwrap_or_else(|| parent.id.clone()),
        };
        let changed = added_paths.contains(entry.path.as_str())
            || lookup.story(&entry.path).as_deref() != Some(story.as_str());
        stories.insert(entry.path.clone(), story);
        if changed {
            for child in later {
                if !stories.contains_key(&child.path) {
                    queue.insert(age(&child), child);
                }
            }
        }
    }
    let mut out: Vec<(String, String)> = stories.into_iter().collect();
    out.sort();
    out
}

/// The articles linked to `entry`: those earlier than it (earliest first)
/// and those later.
fn linked_around<L: Lookup + ?Sized>(
    lookup: &L,
    entry: &Entry,
    params: &Params,
) -> (Vec<Entry>, Vec<Entry>) {
    let (mut earlier, later): (Vec<Entry>, Vec<Entry>) = linked(lookup, entry, params)
        .into_iter()
        .partition(|other| other.cmp_age(entry) == Ordering::Less);
    earlier.sort_by(|a, b| a.cmp_age(b));
    (earlier, later)
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
    let mut shared: HashMap<String, (usize, Entry)> = HashMap::new();
    for key in entry.signature.band_keys(params) {
        for candidate in lookup.with_band_key(key) {
            if candidate.path != entry.path {
                shared
                    .entry(candidate.path.clone())
                    .or_insert((0, candidate))
                    .0 += 1;
            }
        }
    }
    let mut out: Vec<Entry> = shared
        .into_values()
        .filter(|(k, candidate)| {
            *k >= params.min_shared_bands
                && same_story(&entry.signature, &candidate.signature, params)
        })
        .map(|(_, candidate)| candidate)
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Counts the band keys that earlier nodes share with a node.
struct SharedKeys {
    count: Vec<u32>,
    touched: Vec<usize>,
}

impl SharedKeys {
    fn new(n: usize) -> SharedKeys {
        SharedKeys {
            count: vec![0; n],
            touched: Vec::new(),
        }
    }

    /// The nodes of `bands` that hold at least `min` of `keys`.
    fn candidates(
        &mut self,
        keys: &[u64],
        bands: &HashMap<u64, Vec<usize>>,
        min: usize,
    ) -> Vec<usize> {
        let postings = keys.iter().filter_map(|key| bands.get(key));
        self.count(postings.flatten().copied(), min)
    }

    /// The nodes met at least `min` times in `postings` (posting lists one
    /// after the other, each without repeats), in no order. Counting in a
    /// dense array is linear in the postings' length, where sorting them
    /// all was not; the array is left zeroed.
    fn count(&mut self, postings: impl Iterator<Item = usize>, min: usize) -> Vec<usize> {
        for m in postings {
            if self.count[m] == 0 {
                self.touched.push(m);
            }
            self.count[m] += 1;
        }
        let mut out = Vec::new();
        for m in self.touched.drain(..) {
            if self.count[m] as usize >= min.max(1) {
                out.push(m);
            }
            self.count[m] = 0;
        }
        out
    }
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
