//! Stories decided before documents are written.
//!
//! A run first signs the body of every new and changed file (the sign pass,
//! [`super::run::Run::sign`]), then works out the stories of this run's
//! state of the archive here, and only then adds documents, each with its
//! story: no document is written twice to settle its story.
//!
//! * **A first run or a rebuild** groups every signed article at once with
//!   [`story::group`], in memory (about 0.6 KB per article while grouping;
//!   the signatures are dropped before documents are added).
//! * **An update** gives [`story::regroup`] the old entries of the articles
//!   it changes or deletes and the new entries of those it adds or changes;
//!   its [`Lookup`] answers a band-key term query on the last commit (less
//!   the articles the run replaces) plus the run's new articles, signing
//!   the stored bodies it meets again. Every article of a component that a
//!   change touched gets its story; an unchanged document whose story
//!   differs is added again from its stored parts, in the run's commit.
//! * **After a run that could not finish its stories** (interrupted, or a
//!   file that changed between the sign pass and its indexing: the record's
//!   `stories_pending`), the next run groups every article again, the
//!   stored ones signed from the index.
//!
//! Since a story depends only on the articles of its component, the result
//! is what a fresh index of the same files gives, whatever the history.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, IndexWriter, Searcher, TERMINATED, TantivyDocument, Term};

use crate::article::Article;
use crate::document::{self, Bookkeeping, StoredDocument, StoryOf};
use crate::error::{Error, Result};
use crate::index::Index;
use crate::schema::{self, Fields};
use crate::story::{self, Entry, Lookup, Params, Signer};
use crate::walk::MTIME_UNKNOWN;

use super::inflight::InFlight;

/// What the sign pass learned of a new or changed file. Its band keys are
/// worked out from the signature when needed: a million articles' keys,
/// allocated among the signatures and kept after them, would keep most of
/// the signatures' freed pages from going back to the system.
#[derive(Debug)]
pub(super) struct Signed {
    pub entry: Entry,
    /// The content hash of the bytes signed: the indexing pass checks that
    /// it indexes the same content.
    pub hash: u64,
    /// Its position in the run's work (the files the run reads).
    pub at: usize,
}

/// The story of a document the run will add.
#[derive(Debug)]
pub(super) struct Planned {
    /// Shared by the story's articles.
    pub story: Arc<str>,
    pub bands: Vec<u64>,
    pub hash: u64,
}

/// An unchanged document whose story changes: added again from its stored
/// parts.
#[derive(Debug)]
struct Rewrite {
    address: DocAddress,
    story: String,
    bands: Vec<u64>,
}

/// The stories of one run.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// By position in the run's work: a million paths need not be kept
    /// again beside the work's own.
    planned: Vec<Option<Planned>>,
    rewrites: Vec<Rewrite>,
    /// Articles whose story was worked out.
    pub checked: u64,
}

impl Plan {
    /// The story of the document of the file at `at` in the run's work,
    /// if the sign pass signed it.
    pub fn get(&self, at: usize) -> Option<&Planned> {
        self.planned.get(at).and_then(Option::as_ref)
    }

    /// Unchanged documents whose story changes.
    pub fn rewrites(&self) -> u64 {
        self.rewrites.len() as u64
    }

    /// Adds again, with their new story, the unchanged documents whose
    /// story changed, read from `before` (the last commit), through the
    /// run's bound on what is in flight.
    pub fn rewrite(
        &self,
        index: &Index,
        before: &Searcher,
        writer: &IndexWriter,
        inflight: &InFlight,
    ) -> Result<()> {
        let fields = index.fields();
        let engine = |e| index.engine_error(e);
        for rewrite in &self.rewrites {
            let doc: TantivyDocument = before.doc(rewrite.address).map_err(engine)?;
            let parts = document::read(fields, &doc);
            let segment = before.segment_reader(rewrite.address.segment_ord);
            let fast = segment.fast_fields();
            let id = rewrite.address.doc_id;
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
                    .unwrap_or(MTIME_UNKNOWN),
                hash: fast
                    .u64("file_hash")
                    .map_err(engine)?
                    .first(id)
                    .unwrap_or(0),
            };
            writer.delete_term(Term::from_field_text(fields.path, &parts.path));
            let story = StoryOf {
                id: &rewrite.story,
                bands: &rewrite.bands,
            };
            inflight
                .add(
                    writer,
                    document::assemble(fields, &parts.parts(), &file, &story),
                )
                .map_err(engine)?;
        }
        Ok(())
    }
}

/// How much of the archive a run regroups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    /// Only the signed articles: the index holds no other (a first run or
    /// a rebuild).
    Fresh,
    /// The components that the run's changes touch.
    Touched,
    /// Every article, the stored ones signed again (after a run that left
    /// its stories pending).
    All,
}

/// Works out the stories of the run: `signed` are the new and changed
/// articles among its `work` files (how many the run reads), `removed`
/// the paths whose documents the run deletes or replaces (their old
/// versions in `before` are no longer part of the archive).
pub(super) fn plan(
    index: &Index,
    before: &Searcher,
    scope: Scope,
    work: usize,
    signed: Vec<Signed>,
    removed: &HashSet<String>,
) -> Result<Plan> {
    let params = Params::DEFAULT;
    let mut plan = Plan {
        planned: std::iter::repeat_with(|| None).take(work).collect(),
        ..Plan::default()
    };
    match scope {
        Scope::Fresh => {
            let (entries, keys): (Vec<Entry>, Vec<(u64, usize)>) = signed
                .into_iter()
                .map(|s| (s.entry, (s.hash, s.at)))
                .unzip();
            let firsts = group_fresh(&entries);
            plan.checked = entries.len() as u64;
            // One allocation per story id, shared by its articles (by the
            // position of the story's first article).
            let mut ids: Vec<Option<Arc<str>>> = vec![None; entries.len()];
            for ((entry, (hash, at)), first) in entries.iter().zip(keys).zip(firsts) {
                let story = ids[first]
                    .get_or_insert_with(|| Arc::from(entries[first].id.as_str()))
                    .clone();
                plan.planned[at] = Some(Planned {
                    story,
                    bands: entry.signature.band_keys(&params),
                    hash,
                });
            }
        }
        Scope::Touched | Scope::All => {
            let lookup = IndexLookup::new(index, before, removed, &signed);
            let stories = if scope == Scope::All {
                lookup.everything()?
            } else {
                let mut old = Vec::new();
                for path in removed {
                    if let Some(loaded) = lookup.by_path(path)? {
                        old.push(loaded.entry);
                    }
                }
                let new: Vec<Entry> = signed.iter().map(|s| s.entry.clone()).collect();
                let stories = story::regroup(&lookup, &old, &new, &params);
                lookup.result()?;
                stories
            };
            plan.checked = stories.len() as u64;
            let signed: HashMap<&str, &Signed> =
                signed.iter().map(|s| (s.entry.path.as_str(), s)).collect();
            for (path, story) in stories {
                if let Some(s) = signed.get(path.as_str()) {
                    plan.planned[s.at] = Some(Planned {
                        story: Arc::from(story),
                        bands: s.entry.signature.band_keys(&params),
                        hash: s.hash,
                    });
                } else if let Some(stored) = lookup.stored(&path)
                    && stored.story.as_deref() != Some(story.as_str())
                {
                    plan.rewrites.push(Rewrite {
                        address: stored.address,
                        story,
                        bands: stored.bands.clone(),
                    });
                }
            }
        }
    }
    Ok(plan)
}

/// What grouping keeps of a parsed article: its path, id and date, and the
/// signature of its body (not the notice, not the comments) by `signer`.
/// The sign pass makes each [`Signed`] entry with it, and the export of a
/// folder ([`crate::export::export_dir`]) too, so both group the same
/// entries.
pub(crate) fn entry(signer: &mut Signer, article: Article) -> Entry {
    Entry {
        signature: signer.sign(&article.body),
        path: article.path,
        id: article.id,
        date: article.date,
    }
}

/// Groups every article of an archive at once, as a first run or a
/// rebuild does: for each of `entries`, the position in `entries` of the
/// first article of its story, whose id is the story id. The export of a
/// folder groups with it too, so that it gives the stories a fresh index
/// of the same folder holds.
pub(crate) fn group_fresh(entries: &[Entry]) -> Vec<usize> {
    story::group(entries, &Params::DEFAULT)
}

/// A stored article, signed again from its stored body.
#[derive(Debug, Clone)]
struct Loaded {
    address: DocAddress,
    entry: Entry,
    bands: Vec<u64>,
    story: Option<String>,
}

/// The stored document at `address` with its body signed again.
fn signed(address: DocAddress, parts: StoredDocument) -> Loaded {
    let signature = story::sign_stored_body(&parts.body, false);
    Loaded {
        address,
        bands: signature.band_keys(&Params::DEFAULT),
        entry: Entry {
            path: parts.path,
            id: parts.id,
            date: parts.date.and_then(schema::date_of_value),
            signature,
        },
        story: parts.story,
    }
}

/// The archive as it is after the run, for [`story::regroup`]: the last
/// commit less the replaced articles, plus the signed ones.
struct IndexLookup<'a> {
    index: &'a Index,
    fields: &'a Fields,
    searcher: &'a Searcher,
    removed: &'a HashSet<String>,
    signed: &'a [Signed],
    /// The signed articles by band key.
    signed_bands: HashMap<u64, Vec<usize>>,
    /// Stored articles met so far (`None`: a replaced one).
    loaded: RefCell<HashMap<DocAddress, Option<Loaded>>>,
    by_path: RefCell<HashMap<String, DocAddress>>,
    /// The first error met inside [`Lookup::with_band_key`], which cannot
    /// return one.
    error: RefCell<Option<Error>>,
}

impl<'a> IndexLookup<'a> {
    fn new(
        index: &'a Index,
        searcher: &'a Searcher,
        removed: &'a HashSet<String>,
        signed: &'a [Signed],
    ) -> IndexLookup<'a> {
        let mut signed_bands: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, s) in signed.iter().enumerate() {
            for key in s.entry.signature.band_keys(&Params::DEFAULT) {
                signed_bands.entry(key).or_default().push(i);
            }
        }
        IndexLookup {
            index,
            fields: index.fields(),
            searcher,
            removed,
            signed,
            signed_bands,
            loaded: RefCell::new(HashMap::new()),
            by_path: RefCell::new(HashMap::new()),
            error: RefCell::new(None),
        }
    }

    /// The live documents of the last commit that hold `term`.
    fn postings(&self, term: &Term) -> Result<Vec<DocAddress>> {
        let mut out = Vec::new();
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let inverted = segment
                .inverted_index(term.field())
                .map_err(|e| self.index.engine_error(e))?;
            let Some(mut postings) = inverted
                .read_postings(term, IndexRecordOption::Basic)
                .map_err(|e| self.index.engine_error(e.into()))?
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

    /// The stored parts of the document at `address`.
    fn read_at(&self, address: DocAddress) -> Result<StoredDocument> {
        let doc: TantivyDocument = self
            .searcher
            .doc(address)
            .map_err(|e| self.index.engine_error(e))?;
        Ok(document::read(self.fields, &doc))
    }

    /// The stored article at `address`, signed again (`None`: one the run
    /// replaces or deletes).
    fn load(&self, address: DocAddress) -> Result<Option<Loaded>> {
        if let Some(known) = self.loaded.borrow().get(&address) {
            return Ok(known.clone());
        }
        let parts = self.read_at(address)?;
        let path = parts.path.clone();
        let loaded = (!self.removed.contains(&path)).then(|| signed(address, parts));
        self.by_path.borrow_mut().insert(path, address);
        self.loaded.borrow_mut().insert(address, loaded.clone());
        Ok(loaded)
    }

    /// The last commit's article of `path`, replaced or not (for the old
    /// entries of the replaced ones).
    fn by_path(&self, path: &str) -> Result<Option<Loaded>> {
        let term = Term::from_field_text(self.fields.path, path);
        let Some(&address) = self.postings(&term)?.first() else {
            return Ok(None);
        };
        Ok(Some(signed(address, self.read_at(address)?)))
    }

    /// A stored article met by the lookups, by path.
    fn stored(&self, path: &str) -> Option<Loaded> {
        let address = *self.by_path.borrow().get(path)?;
        self.loaded.borrow().get(&address).cloned().flatten()
    }

    /// The error met by the lookups, if any.
    fn result(&self) -> Result<()> {
        match self.error.borrow_mut().take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every article of the archive after the run grouped at once: the
    /// stored ones (each loaded, so that [`IndexLookup::stored`] finds it)
    /// and the signed ones; `(path, story)` for each.
    fn everything(&self) -> Result<Vec<(String, String)>> {
        let mut entries: Vec<Entry> = Vec::new();
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            for doc in segment.doc_ids_alive() {
                if let Some(loaded) = self.load(DocAddress::new(ord as u32, doc))? {
                    entries.push(loaded.entry);
                }
            }
        }
        entries.extend(self.signed.iter().map(|s| s.entry.clone()));
        let firsts = story::group(&entries, &Params::DEFAULT);
        Ok(entries
            .iter()
            .zip(firsts)
            .map(|(entry, first)| (entry.path.clone(), entries[first].id.clone()))
            .collect())
    }
}

impl Lookup for IndexLookup<'_> {
    fn with_band_key(&self, key: u64) -> Vec<Entry> {
        let mut out = Vec::new();
        let term = Term::from_field_u64(self.fields.story_bands, key);
        let found = self.postings(&term).and_then(|addresses| {
            for address in addresses {
                if let Some(loaded) = self.load(address)? {
                    out.push(loaded.entry);
                }
            }
            Ok(())
        });
        if let Err(e) = found {
            self.error.borrow_mut().get_or_insert(e);
        }
        for &i in self.signed_bands.get(&key).into_iter().flatten() {
            out.push(self.signed[i].entry.clone());
        }
        out
    }

    fn story(&self, path: &str) -> Option<String> {
        self.stored(path).and_then(|stored| stored.story)
    }
}
