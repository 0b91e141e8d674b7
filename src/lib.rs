//! # newsidx
//!
//! Full-text search for news archives: one article a file, with a date, a
//! publisher, the body and reader comments (the format is described in the
//! [`article`] module). newsidx indexes a folder of such files into a
//! [tantivy](https://docs.rs/tantivy) index, keeps the index in step with the
//! folder, and searches it with BM25 ranking, date and source filters,
//! highlighted snippets, facets and a timeline.
//!
//! Everything the `newsidx` command does is this library's public API; the
//! command is a thin layer over it.
//!
//! ```
//! use newsidx::{Archive, IndexOptions};
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
//! let archive = Archive::create(index_dir.path())?;
//! let report = archive.index_dir(archive_dir.path(), &IndexOptions::default())?;
//! assert_eq!((report.added, report.documents), (2, 2));
//!
//! // …and searched: all words are required unless `any(true)` is set.
//! let results = archive.search(&SearchRequest::new("harbour bridge").sort(SortOrder::Newest))?;
//! assert_eq!(results.total, 2);
//! assert_eq!(results.hits[0].date.as_deref(), Some("2021-05-04"));
//! assert_eq!(results.hits[0].source.as_deref(), Some("Example Gazette"));
//!
//! // Snippets say which comment matched, with the byte ranges of the
//! // matches: a phrase is marked whole.
//! let results = archive.search(&SearchRequest::new("comments:\"bridge opened\""))?;
//! let comment = &results.hits[0].snippets.comments[0];
//! assert_eq!((comment.number, comment.of), (1, 1));
//! let [start, end] = comment.snippet.highlights[0];
//! assert_eq!(&comment.snippet.text[start..end], "bridge opened");
//!
//! // Prefixes match the words as written: `harb*` finds "harbour".
//! let results = archive.search(&SearchRequest::new("harb*"))?;
//! assert_eq!(results.total, 2);
//! # Ok(())
//! # }
//! ```
//!
//! ## Modules
//!
//! - [`article`]: the file format: bytes to an [`article::Article`] or a
//!   skip reason. Pure, no I/O.
//! - [`schema`] and [`analysis`]: the index fields (declared in
//!   `schema/fields.json`) and the English news analyzer.
//! - [`archive`], [`indexer`], [`walk`]: opening an index, and the parallel,
//!   incremental indexer ([`Archive::index_dir`]).
//! - [`query`], [`search`], [`sources`], [`snippet`], [`tally`]: the query
//!   language, [`Archive::search`], source filters, snippets, facets and
//!   timelines.
//! - [`show`], [`stats`]: one stored article, and what an index holds.
//! - [`eval`]: ranking quality on a test collection (trec_eval's measures).
//! - [`export`]: NDJSON for Quickwit, from an archive folder or an index.
//!
//! Errors are [`Error`]s; [`Error::kind`] sorts them into usage errors,
//! missing or damaged indexes, and internal failures.

#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

pub mod analysis;
pub mod archive;
pub mod article;
pub mod error;
pub mod eval;
pub mod export;
mod fingerprint;
pub mod indexer;
pub mod query;
pub mod schema;
pub mod search;
pub mod show;
pub mod snippet;
pub mod sources;
pub mod stats;
pub mod story;
pub mod tally;
pub mod walk;

pub use archive::Archive;
pub use error::{Error, ErrorKind, Result};
pub use indexer::{IndexOptions, IndexReport};
