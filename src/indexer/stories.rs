//! Settling the stories once a run's documents are committed.
//!
//! Every document is added with its own id as its story and its body's band
//! keys as indexed terms (`story_bands`). After the run's commit, the
//! stories it may have changed are worked out from the committed index
//! itself: from each seed, the articles linked to it (sharing a band key,
//! found by a term lookup, and copies by [`story::same_story`]) are followed
//! to its whole connected component, which [`story::group`] splits into
//! stories; a document whose stored story differs is added again with the
//! right one (delete by path, add), and a second commit publishes them.
//!
//! Since a story depends only on the articles of its component, the result
//! is what a fresh index of the same files gives, whatever the history.
//! The seeds of an update are the articles it indexed and every article
//! whose story was the old story of an article it changed or deleted: an
//! article whose story can change is in a component that holds one of them
//! (see [`story::regroup`]'s argument; the old story stands for the old
//! links, since an article's leader in a story is linked to it). A first
//! run, a rebuild, and a run after one that stopped before its stories were
//! settled (`IndexRecord::stories_pending`) settle every component.
//!
//! Memory: one component at a time (its articles' signatures), a bit per
//! document for the components done, and the seeds; never a signature per
//! article of the archive. Bodies are signed again from the stored text
//! (storing signatures would cost about 335 bytes per article).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, IndexWriter, Searcher, TERMINATED, TantivyDocument, Term};

use crate::document::{self, Bookkeeping};
use crate::error::Result;
use crate::index::Index;
use crate::schema::{self, Fields};
use crate::story::{self, Entry, Params};

/// Whether candidate pairs are verified on the whole sets of shingles,
/// figures and names of the stored bodies ([`story::Signer::exact`])
/// rather than on the sketches the quality figures of `benches/README.md`
/// were measured with. Off until the bench (`NEWSIDX_STORIES_EXACT=1`) has
/// measured it.
const EXACT: bool = false;

/// Which stories a run must settle.
#[derive(Debug, Default)]
pub(super) struct Touched {
    /// Paths of the articles the run indexed.
    pub paths: Vec<String>,
    /// The old stories of the articles it changed or deleted.
    pub stories: Vec<String>,
}

/// Which articles to start from.
#[derive(Debug)]
pub(super) enum Scope {
    /// Every article.
    All,
    /// The components of these articles.
    Touched(Touched),
}

impl Scope {
    /// Whether there is nothing to settle.
    pub fn is_empty(&self) -> bool {
        match self {
            Scope::All => false,
            Scope::Touched(t) => t.paths.is_empty() && t.stories.is_empty(),
        }
    }
}

/// What settling did.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Settled {
    /// Articles whose story was worked out.
    pub checked: u64,
    /// Documents added again with another story.
    pub changed: u64,
    /// Whether every seed was settled (not cancelled).
    pub complete: bool,
}

/// The old stories of `paths` in `before` (the snapshot the run started
/// from); paths it did not hold give none.
pub(super) fn old_stories(
    index: &Index,
    before: &Searcher,
    paths: impl IntoIterator<Item = String>,
) -> Result<Vec<String>> {
    let fields = index.fields();
    let mut stories = HashSet::new();
    for path in paths {
        for addr in postings(index, before, Term::from_field_text(fields.path, &path))? {
            let doc: TantivyDocument = before.doc(addr).map_err(|e| index.engine_error(e))?;
            if let Some(story) = document::read(fields, &doc).story {
                stories.insert(story);
            }
        }
    }
    let mut stories: Vec<String> = stories.into_iter().collect();
    stories.sort();
    Ok(stories)
}

/// Settles the stories of `scope` in the index's current snapshot (the
/// run's commit), adding the documents whose story changes to `writer`;
/// the caller commits.
pub(super) fn settle(
    index: &Index,
    writer: &IndexWriter,
    scope: &Scope,
    cancel: Option<&AtomicBool>,
) -> Result<Settled> {
    index.reader().reload().map_err(|e| index.engine_error(e))?;
    let searcher = index.reader().searcher();
    let mut settler = Settler {
        index,
        fields: index.fields(),
        searcher: &searcher,
        done: searcher
            .segment_readers()
            .iter()
            .map(|s| vec![false; s.max_doc() as usize])
            .collect(),
        settled: Settled::default(),
    };
    let seeds: Box<dyn Iterator<Item = Result<DocAddress>>> = match scope {
        Scope::All => Box::new(searcher.segment_readers().iter().enumerate().flat_map(
            |(ord, segment)| {
                segment
                    .doc_ids_alive()
                    .map(move |doc| Ok(DocAddress::new(ord as u32, doc)))
            },
        )),
        Scope::Touched(touched) => {
            let fields = index.fields();
            let mut seeds = Vec::new();
            for path in &touched.paths {
                seeds.extend(postings(
                    index,
                    &searcher,
                    Term::from_field_text(fields.path, path),
                )?);
            }
            for story in &touched.stories {
                seeds.extend(postings(
                    index,
                    &searcher,
                    Term::from_field_text(fields.story, story),
                )?);
            }
            seeds.sort();
            seeds.dedup();
            Box::new(seeds.into_iter().map(Ok))
        }
    };
    for seed in seeds {
        if cancel.is_some_and(|c| c.load(Ordering::SeqCst)) {
            return Ok(settler.settled);
        }
        let seed = seed?;
        if !settler.is_done(seed) {
            settler.component(writer, seed)?;
        }
    }
    settler.settled.complete = true;
    Ok(settler.settled)
}

/// The live documents of `searcher` that hold `term`.
fn postings(index: &Index, searcher: &Searcher, term: Term) -> Result<Vec<DocAddress>> {
    let field: Field = term.field();
    let mut out = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let inverted = segment
            .inverted_index(field)
            .map_err(|e| index.engine_error(e))?;
        let Some(mut postings) = inverted
            .read_postings(&term, IndexRecordOption::Basic)
            .map_err(|e| index.engine_error(e.into()))?
        else {
            continue;
        };
        let alive = segment.alive_bitset();
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                out.push(DocAddress::new(ord as u32, doc));
            }
            doc = postings.advance();
        }
    }
    Ok(out)
}

/// One article as settling sees it.
struct Node {
    addr: DocAddress,
    entry: Entry,
    bands: Vec<u64>,
    story: Option<String>,
}

struct Settler<'a> {
    index: &'a Index,
    fields: &'a Fields,
    searcher: &'a Searcher,
    /// Per segment, the documents whose component was settled.
    done: Vec<Vec<bool>>,
    settled: Settled,
}

impl Settler<'_> {
    fn is_done(&self, addr: DocAddress) -> bool {
        self.done[addr.segment_ord as usize][addr.doc_id as usize]
    }

    fn load(&self, addr: DocAddress) -> Result<Node> {
        let doc: TantivyDocument = self
            .searcher
            .doc(addr)
            .map_err(|e| self.index.engine_error(e))?;
        let parts = document::read(self.fields, &doc);
        let signature = story::sign_stored_body(&parts.body, EXACT);
        let bands = signature.band_keys(&Params::DEFAULT);
        Ok(Node {
            addr,
            entry: Entry {
                path: parts.path,
                id: parts.id,
                date: parts.date.and_then(schema::date_of_value),
                signature,
            },
            bands,
            story: parts.story,
        })
    }

    /// Settles the component of `seed`.
    fn component(&mut self, writer: &IndexWriter, seed: DocAddress) -> Result<()> {
        let mut members: Vec<Rc<Node>> = vec![Rc::new(self.load(seed)?)];
        let mut member: HashSet<DocAddress> = HashSet::from([seed]);
        // Candidates met that are not (yet) linked, kept for this component.
        let mut met: HashMap<DocAddress, Rc<Node>> = HashMap::new();
        let mut next = 0;
        while next < members.len() {
            let node = Rc::clone(&members[next]);
            next += 1;
            let mut checked: HashSet<DocAddress> = HashSet::new();
            for &key in &node.bands {
                let term = Term::from_field_u64(self.fields.story_bands, key);
                for addr in postings(self.index, self.searcher, term)? {
                    if addr == node.addr || member.contains(&addr) || !checked.insert(addr) {
                        continue;
                    }
                    let candidate = match met.get(&addr) {
                        Some(c) => Rc::clone(c),
                        None => {
                            let c = Rc::new(self.load(addr)?);
                            met.insert(addr, Rc::clone(&c));
                            c
                        }
                    };
                    if story::same_story(
                        &node.entry.signature,
                        &candidate.entry.signature,
                        &Params::DEFAULT,
                    ) {
                        member.insert(addr);
                        met.remove(&addr);
                        members.push(candidate);
                    }
                }
            }
        }
        let entries: Vec<Entry> = members.iter().map(|m| m.entry.clone()).collect();
        let firsts = story::group(&entries, &Params::DEFAULT);
        for (node, first) in members.iter().zip(firsts) {
            self.done[node.addr.segment_ord as usize][node.addr.doc_id as usize] = true;
            self.settled.checked += 1;
            let story = &entries[first].id;
            if node.story.as_deref() != Some(story.as_str()) {
                self.rewrite(writer, node, story)?;
                self.settled.changed += 1;
            }
        }
        Ok(())
    }

    /// Adds `node`'s document again with the story `story`.
    fn rewrite(&self, writer: &IndexWriter, node: &Node, story: &str) -> Result<()> {
        let engine = |e| self.index.engine_error(e);
        let doc: TantivyDocument = self.searcher.doc(node.addr).map_err(engine)?;
        let parts = document::read(self.fields, &doc);
        let segment = self.searcher.segment_reader(node.addr.segment_ord);
        let fast = segment.fast_fields();
        let id = node.addr.doc_id;
        let file = Bookkeeping {
            size: fast
                .u64("file_size")
                .map_err(engine)?
                .first(id)
                .unwrap_or(0),
            mtime_ns: fast
                .i64("file_mtime")
                .map_err(engine)?
                .first(id)
                .unwrap_or(crate::walk::MTIME_UNKNOWN),
            hash: fast
                .u64("file_hash")
                .map_err(engine)?
                .first(id)
                .unwrap_or(0),
        };
        writer.delete_term(Term::from_field_text(self.fields.path, &parts.path));
        writer
            .add_document(document::assemble(
                self.fields,
                &parts,
                &file,
                &node.bands,
                story,
            ))
            .map_err(engine)?;
        Ok(())
    }
}
