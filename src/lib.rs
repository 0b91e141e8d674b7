//! # newsidx
//!
//! Full-text search for news archives: one article a file, with a date, a
//! publisher, the body and reader comments (the format is described in the
//! [`article`] module and in `docs/format.md`). newsidx indexes a folder of
//! such files (an *archive*) into a [tantivy](https://docs.rs/tantivy)
//! index, keeps the index in step with the folder, and searches it with
//! BM25 ranking, date and source filters, highlighted snippets, facets and a
//! timeline.
//!
//! The `newsidx` command is a thin layer over this library. A program that
//! embeds the library does without it:
//! `newsidx = { version = "0.1", default-features = false }` (the default
//! `cli` feature only builds the command).
//!
//! ```
//! use newsidx::{Index, IndexOptions};
//! use newsidx::search::{SearchRequest, SortOrder};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // An archive folder with two articles…
//! let archive_dir = tempfile::tempdir()?;
//! std::fs::write(
//!     archive_dir.path().join("000_00000000000000a1.txt"),
//!     " date 2021-05-04 The harbour bridge reopened after two years of repairs.\n\
//!      Commuters lined up before dawn.\n\
//!      © 2021 Example Gazette\n\
//!      Join the discussion\n\
//!      About time the bridge opened again.",
//! )?;
//! std::fs::write(
//!     archive_dir.path().join("000_00000000000000b2.txt"),
//!     " date 2019-11-20 The council voted to repair the harbour bridge.",
//! )?;
//!
//! // …indexed into a new index (a second `index_dir` only reads what changed)…
//! let index_dir = tempfile::tempdir()?;
//! let index = Index::create(index_dir.path())?;
//! let report = index.index_dir(archive_dir.path(), &IndexOptions::default())?;
//! assert_eq!((report.added, report.documents), (2, 2));
//!
//! // …and searched, on one snapshot: all words are required unless
//! // `any(true)` is set.
//! let searcher = index.searcher()?;
//! let results = searcher.search(&SearchRequest::new("harbour bridge").sort(SortOrder::Newest))?;
//! assert_eq!(results.total, 2);
//! assert_eq!(results.hits[0].date.as_deref(), Some("2021-05-04"));
//! assert_eq!(results.hits[0].source.as_deref(), Some("Example Gazette"));
//!
//! // Snippets say which comment matched, with the byte ranges of the
//! // matches: a phrase is marked whole.
//! let results = searcher.search(&SearchRequest::new("comments:\"bridge opened\""))?;
//! let comment = &results.hits[0].snippets.comments[0];
//! assert_eq!((comment.number, comment.of), (1, 1));
//! let [start, end] = comment.snippet.highlights[0];
//! assert_eq!(&comment.snippet.text[start..end], "bridge opened");
//!
//! // Prefixes match the words as written: `harb*` finds "harbour".
//! let results = searcher.search(&SearchRequest::new("harb*"))?;
//! assert_eq!(results.total, 2);
//!
//! // The whole article, from the index alone.
//! let article = &searcher.get("000_00000000000000a1")?[0];
//! assert_eq!(article.comments, ["About time the bridge opened again."]);
//! # Ok(())
//! # }
//! ```
//!
//! ## The API by task
//!
//! - **Index an archive folder**: [`Index`] ([`Index::create`],
//!   [`Index::open`], [`Index::open_or_create`], [`Index::open_for_rebuild`])
//!   and [`Index::index_dir`] with [`IndexOptions`] ([`SourceFrom`],
//!   [`Progress`] and [`Phase`] for a progress callback), giving an
//!   [`IndexReport`] ([`SkippedFile`], [`KeptFile`], [`DeletedFile`]). Every
//!   commit carries an [`IndexRecord`].
//! - **Search**: [`Index::searcher`] gives a [`Searcher`], one snapshot of
//!   the index; [`Searcher::search`] takes a
//!   [`search::SearchRequest`] and answers [`search::SearchResults`]:
//!   [`search::Hit`]s with [`search::Snippets`], [`search::Facets`] and a
//!   [`search::Timeline`]. The query language is described in [`query`];
//!   a malformed query is a [`query::QueryError`].
//! - **Read an article**: [`Searcher::get`] gives [`StoredArticle`]s from
//!   the index, [`Searcher::matching_comments`] their comments that match a
//!   query; [`article::parse`] reads a file's bytes into an
//!   [`article::Article`] without any index. [`Searcher::stats`] gives the
//!   [`Stats`] of an index.
//! - **Evaluate the ranking**: [`eval`] runs a test collection's queries and
//!   scores them with trec_eval's measures ([`eval::metrics`]).
//! - **Export**: [`export::export_dir`] (from an archive folder) and
//!   [`Searcher::export`] (from an index) write NDJSON for Quickwit.
//!
//! Errors are [`Error`]s; [`Error::kind`] sorts them into usage errors,
//! missing or damaged indexes, and internal failures ([`ErrorKind`]).

#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod analysis;
pub mod article;
mod document;
mod error;
pub mod eval;
pub mod export;
mod files;
mod fingerprint;
mod index;
mod indexer;
mod lookup;
pub mod query;
mod schema;
pub mod search;
mod searcher;
mod stats;
#[cfg(feature = "unstable-story")]
pub mod story;
// Not wired into the indexer yet (issue 11).
#[cfg(not(feature = "unstable-story"))]
#[allow(dead_code, unused_imports)]
mod story;
mod walk;

pub use document::StoredArticle;
pub use error::{Error, ErrorKind, Result};
pub use files::SkippedFile;
pub use index::{Index, IndexRecord};
pub use indexer::{
    DeletedFile, IndexOptions, IndexReport, KeptFile, KeptReason, Phase, PhaseTimes, Progress,
    ProgressFn, SourceFrom,
};
pub use searcher::Searcher;
pub use stats::{SourceCount, Stats, YearCount};
