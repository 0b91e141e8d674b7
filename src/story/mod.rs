//! Stories: syndicated copies of one article, found from their bodies.
//!
//! A news archive holds the same wire story many times, each paper with its
//! own headline and dateline, the last paragraphs cut, a local paragraph
//! added, a few words changed. This module finds such copies (issue 11). It
//! is pure: no I/O, no tantivy.
//!
//! 1. [`signature()`] (or a [`Signer`], which reuses its buffers) turns a
//!    body's paragraphs into a [`Signature`]: the running text without
//!    headline, byline, dateline and credits ([`text`]): bottom-k sketches
//!    of its word shingles, of its figures and of its names.
//! 2. [`Signature::band_keys`] are the terms to index: articles that share
//!    one are the candidates for the pair rule, [`same_story`].
//! 3. [`group`] makes stories from a set of articles at once, and
//!    [`regroup`] updates them after articles were added, changed or
//!    removed; both give the same stories for the same articles, whatever
//!    the order. A story's id is the id of its earliest article.
//!
//! # The pair rule
//!
//! Two bodies are copies of one story ([`same_story`]) when, with the
//! defaults ([`Params::DEFAULT`]):
//!
//! * both have at least 20 words of running text ([`Params::min_words`]);
//!   shorter bodies are stories of one. A short body such as `Qtly div 10
//!   cts vs 10 cts prior. Pay April 1. Record March 15.` is the same for
//!   every company that pays that dividend: only the headline, which papers
//!   rewrite, tells them apart;
//! * at least 40% of the 6-word shingles of the shorter are in the longer
//!   (containment: a copy cut to its first paragraphs still matches), the
//!   Jaccard similarity is at least 0.15 (a short article quoted inside a
//!   long one does not), and at least 12 shingles are shared (about 17
//!   words of running text: a common opening sentence is not enough);
//! * when both have at least 2 figures (words with a digit), at least half
//!   of the figures of the one with fewer are in the other; when both have
//!   at least 4 names (capitalised words inside sentences), at least half
//!   of the names likewise. Templated items (earnings tables, results,
//!   forecasts, bond issues, filings) share their words and differ in their
//!   figures and names, where copies keep them.
//!
//! Six-word shingles make scattered differences (a figure or a name in
//! every sentence, as in templated items) cost more than the grouped ones
//! of a copy (a cut end, an added paragraph, a few words). The values were
//! chosen on a labelled set built from Reuters-21578 and TIME; the method,
//! the figures and the other values tried are in `benches/README.md`.
//!
//! # From pairs to stories
//!
//! Two articles are *linked* when their signatures share at least two band
//! keys ([`Params::min_shared_bands`]: one shared key is often a stock
//! phrase that unrelated bodies share) and the pair rule holds. Articles
//! with the same signature are one node. Taken from the earliest, each
//! node joins the story of the earliest node it is linked to, or starts a
//! story of its own ([`Chaining::First`], the default): a story is a tree
//! of copies, and a paper that spliced two wire stories joins one of them
//! and does not make them one, as a connected component would
//! ([`Chaining::Components`], kept for comparison, as is the stricter
//! [`Chaining::Leader`], which joins only a story's first node).
//!
//! # Using it in the indexer
//!
//! * **Before documents are written**, a sign pass reads and signs the
//!   body of every new and changed file, [`crate::article::Article::body`]
//!   (not the notice, not the comments), with one [`Signer`] per worker.
//!   Each document gets its [`Signature::band_keys`] as an indexed, unstored
//!   `u64` field (12 terms, none for a short body) and its story id as a
//!   string (indexed, stored) and as a hash (a fast column).
//! * **A first run** groups every article with [`group`], in memory (about
//!   0.6 KB per article: path, id, date and signature).
//! * **Later runs**: for each changed or removed article, its old [`Entry`]
//!   (from its stored body); for each added or changed one, its new
//!   [`Entry`]; a [`Lookup`] that answers a band-key term query on the
//!   archive as it is after the run (the index without the removed and
//!   changed documents, plus the new ones) and gives the stored stories
//!   ([`Lookup::story`]). [`regroup`] returns the story of every article
//!   whose story may have changed: with [`Chaining::First`], those linked
//!   to a changed article and later than it, and down the tree of copies
//!   from each whose story changed; the documents whose stored story
//!   differs are added again.
//!
//! ```
//! # // `newsidx::story` is public with the `unstable-story` feature only.
//! # #[cfg(feature = "unstable-story")] {
//! use newsidx::story::{self, Entry, Params};
//!
//! let body = |last: &str| -> Vec<String> {
//!     vec![
//!         "FERRY FARES TO RISE".into(),
//!         "HARBOUR CITY, May 4 - The ferry company said on Monday that fares on all \
//!          crossings of the bay would rise by a third from June, the first rise in \
//!          six years."
//!             .into(),
//!         "Commuters who cross twice a day would pay about 30 crowns more a week, the \
//!          company said, blaming the price of fuel."
//!             .into(),
//!         last.into(),
//!     ]
//! };
//! let wire = body("The council will discuss the fares on Thursday.");
//! let mut paper = body("In Port Ellis, the mayor called the rise a scandal.");
//! paper[0] = "Bay ferry fares up a third".into();
//! paper[1] = paper[1].replace("HARBOUR CITY, May 4 -", "HARBOUR CITY (Harbour Wire) —");
//!
//! let (a, b) = (story::signature(&wire), story::signature(&paper));
//! assert!(story::same_story(&a, &b, &Params::DEFAULT));
//!
//! let entries = [("000_a", a), ("000_b", b)].map(|(id, signature)| Entry {
//!     path: format!("{id}.txt"),
//!     id: id.into(),
//!     date: None,
//!     signature,
//! });
//! assert_eq!(story::group(&entries, &Params::DEFAULT), [0, 0]);
//! # }
//! ```

mod group;
mod signature;
pub mod text;

pub use group::{Entry, Lookup, group, regroup};
pub use signature::{
    Chaining, PARTICULARS, Params, SKETCH, Signature, SignatureError, Signer, Similarity, VERSION,
    same_story, signature,
};

/// The signature of a body as the index stores it (paragraphs joined with
/// `\n`), with [`Params::DEFAULT`]: what the indexer signs when it adds an
/// article (a sketch, for its band keys) and again, `exact`ly
/// ([`Signer::exact`]), when it settles stories: both give the same band
/// keys. Reuses one [`Signer`] of each kind per thread.
pub(crate) fn sign_stored_body(body: &str, exact: bool) -> Signature {
    thread_local! {
        static SKETCHES: std::cell::RefCell<Signer> = std::cell::RefCell::new(Signer::new(Params::DEFAULT));
        static EXACT: std::cell::RefCell<Signer> = std::cell::RefCell::new(Signer::exact(Params::DEFAULT));
    }
    let paragraphs: Vec<&str> = if body.is_empty() {
        Vec::new()
    } else {
        body.split('\n').collect()
    };
    let signer = if exact { &EXACT } else { &SKETCHES };
    signer.with(|signer| signer.borrow_mut().sign(&paragraphs))
}

#[cfg(test)]
mod tests;
