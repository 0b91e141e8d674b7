//! Export to Quickwit: [`export_dir`] and
//! [`Searcher::export`](crate::Searcher::export).
//!
//! When one machine is no longer enough, an archive moves to
//! [Quickwit](https://quickwit.io), a distributed engine built on tantivy.
//! The export is what Quickwit's ingest takes: NDJSON, one article a line.
//! `schema/quickwit-index.yaml` is the matching index config, and
//! `docs/scale-out.md` says when and how to move.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let archive_dir = tempfile::tempdir()?;
//! # std::fs::write(archive_dir.path().join("000_a1.txt"), " date 2019-03-04 The ferry returned.")?;
//! # std::fs::write(archive_dir.path().join("empty.txt"), "")?;
//! use newsidx::export::{self, ExportOptions, ExportedArticle};
//!
//! let mut ndjson = Vec::new();
//! let report = export::export_dir(archive_dir.path(), &ExportOptions::default(), &mut ndjson)?;
//! assert_eq!((report.exported, report.skipped_total()), (1, 1));
//! let line: ExportedArticle = serde_json::from_slice(&ndjson)?;
//! assert_eq!((line.id.as_str(), line.date), ("000_a1", Some(20190304)));
//! # Ok(())
//! # }
//! ```
//!
//! Both exports stream: [`export_dir`] walks the archive lazily
//! and parses files in bounded batches on rayon
//! threads, writing each batch in walk order before reading the next;
//! `Searcher::export` reads the document store segment by segment, one
//! document at a time. Memory stays flat whatever the archive's size.
//!
//! # Format
//!
//! UTF-8, one JSON object per line, each line ended by `\n`. Every line has
//! the same keys, in this order ([`KEYS`]):
//!
//! | key | JSON type | value |
//! |---|---|---|
//! | `id` | string | file stem |
//! | `path` | string | path relative to the archive root, `/`-separated |
//! | `date` | number or `null` | the day as `YYYYMMDD`, `20190304` (any year from 1 to 9999, as in the index); `null` when undated |
//! | `source` | string or `null` | publisher; `null` when unknown |
//! | `source_key` | string or `null` | the same value as `source` |
//! | `source_text` | string or `null` | the same value as `source` |
//! | `headline` | string | first paragraph, cut near 200 characters |
//! | `body` | string | body paragraphs joined with `\n` |
//! | `notice` | string or `null` | syndication notice |
//! | `comments` | array of strings | reader comments, in order |
//! | `comment_count` | number | length of `comments` |
//! | `invalid_utf8` | number | invalid UTF-8 sequences repaired while reading (0: none) |
//! | `story` | string or `null` | the story id: the `id` of the earliest copy of this body (its own `id` when it has none); `null` in an export of a folder, which no index grouped |
//!
//! The keys are the stored and searchable fields of the newsidx schema
//! (`schema/fields.json`), with its names and types; the bookkeeping fields
//! (`file_size`, `file_mtime`, `file_hash`) are left out, as they describe a
//! file at indexing time rather than the article. newsidx derives
//! `source_key` and `source_text` from `source` with their own analyzers;
//! Quickwit cannot fill one field from another, so the export repeats the
//! value and the index config analyzes each copy as newsidx does.
//!
//! The body stays one string, as in the newsidx index, so positions run on
//! across paragraphs and phrase queries behave the same in both engines.
//! `null` rather than a missing key keeps every line's shape the same;
//! Quickwit ignores `null` values.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::{TantivyDocument, TantivyError};

use crate::article::{self, Article, ParseOptions, SkipReason};
use crate::document::{self, StoredDocument};
use crate::error::{Error, Result};
use crate::files::{self, SkippedFile};
use crate::indexer::SourceFrom;
use crate::searcher::Searcher;
use crate::walk::{self, FileEntry, Found};

/// The keys of every exported line, in order.
pub const KEYS: [&str; 13] = [
    "id",
    "path",
    "date",
    "source",
    "source_key",
    "source_text",
    "headline",
    "body",
    "notice",
    "comments",
    "comment_count",
    "invalid_utf8",
    "story",
];

/// Files parsed at a time: bounds memory, and the unit of parallel work.
const BATCH: usize = 512;

/// One line of the export (see the module docs for the format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedArticle {
    /// File stem.
    pub id: String,
    /// Path relative to the archive root, `/`-separated.
    pub path: String,
    /// Publication date as the number `YYYYMMDD`.
    pub date: Option<i64>,
    /// Publisher.
    pub source: Option<String>,
    /// Publisher again, for case-insensitive exact filters.
    pub source_key: Option<String>,
    /// Publisher again, for `source:` words in queries.
    pub source_text: Option<String>,
    /// First paragraph, cut near 200 characters.
    pub headline: String,
    /// Body paragraphs joined with `\n`.
    pub body: String,
    /// Syndication notice.
    pub notice: Option<String>,
    /// Reader comments, in order.
    pub comments: Vec<String>,
    /// Number of comments.
    pub comment_count: u64,
    /// Invalid UTF-8 sequences repaired while reading.
    pub invalid_utf8: u64,
    /// The story id (the id of the earliest copy of this article's body):
    /// from an index; `None` from a folder, where no index grouped the
    /// copies.
    pub story: Option<String>,
}

impl ExportedArticle {
    /// The line of a parsed article whose source is `source`.
    fn from_article(article: Article, source: Option<String>) -> ExportedArticle {
        let comment_count = article.comments.len() as u64;
        ExportedArticle {
            date: article.date.map(crate::schema::date_value),
            source_key: source.clone(),
            source_text: source.clone(),
            source,
            body: article.body.join("\n"),
            id: article.id,
            path: article.path,
            headline: article.headline,
            notice: article.notice,
            comments: article.comments,
            comment_count,
            invalid_utf8: article.invalid_utf8 as u64,
            story: None,
        }
    }

    /// The line of a stored document. Missing fields give empty values, as
    /// in a lookup.
    fn from_stored(doc: StoredDocument) -> ExportedArticle {
        ExportedArticle {
            id: doc.id,
            path: doc.path,
            date: doc.date,
            source_key: doc.source.clone(),
            source_text: doc.source.clone(),
            source: doc.source,
            headline: doc.headline,
            body: doc.body,
            notice: doc.notice,
            comment_count: doc.comment_count.unwrap_or(doc.comments.len() as u64),
            comments: doc.comments,
            invalid_utf8: doc.invalid_utf8,
            story: doc.story,
        }
    }

    /// The JSON line, `\n` included.
    fn to_line(&self) -> Result<Vec<u8>> {
        let mut line = serde_json::to_vec(self).map_err(|e| Error::Output {
            source: io::Error::from(e),
        })?;
        line.push(b'\n');
        Ok(line)
    }
}

/// Options of [`export_dir`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportOptions {
    /// Where sources come from, as for indexing.
    pub source_from: SourceFrom,
    /// Parser limits (the maximum file size).
    pub parse: ParseOptions,
    /// Parsing threads (0: all cores).
    pub threads: usize,
}

/// What an export did. From a folder, the counts of files add up:
/// `files_seen = exported + skipped`, and the skips are those `newsidx
/// index` would report for the same folder.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExportReport {
    /// The archive folder (read, or recorded in the index).
    pub archive: Option<PathBuf>,
    /// The index folder, when exporting from an index.
    pub index: Option<PathBuf>,
    /// Article files found (plus entries the walk could not examine); 0 when
    /// exporting from an index.
    pub files_seen: u64,
    /// Articles written.
    pub exported: u64,
    /// Files not exported, by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Each file not exported.
    pub skipped_files: Vec<SkippedFile>,
    /// Articles written without a date (`"date": null`).
    pub undated: u64,
    /// Articles written whose invalid UTF-8 was repaired.
    pub repaired: u64,
    /// Bytes read from article files (0 from an index).
    pub bytes_read: u64,
    /// Bytes of NDJSON written.
    pub bytes_written: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl ExportReport {
    /// Files not exported, all reasons together.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    fn push_skip(&mut self, skip: SkippedFile) {
        files::push_skip(&mut self.skipped, &mut self.skipped_files, skip);
    }

    fn count(&mut self, line: &ExportedArticle, bytes: usize) {
        self.exported += 1;
        self.undated += u64::from(line.date.is_none());
        self.repaired += u64::from(line.invalid_utf8 > 0);
        self.bytes_written += bytes as u64;
    }
}

/// Exports the archive folder `dir` to `writer` as NDJSON, without an
/// index: files are read and parsed as `newsidx index` reads them, and
/// files that hold no article are reported, never fatal.
///
/// Lines come in walk order (paths sorted folder by folder). `writer` is
/// buffered here; it is flushed before returning.
pub fn export_dir(
    dir: impl AsRef<Path>,
    options: &ExportOptions,
    writer: impl Write,
) -> Result<ExportReport> {
    let started = Instant::now();
    let dir = dir.as_ref();
    let root = files::archive_root(dir)?;
    let pool = files::thread_pool(options.threads, "export")?;
    let mut out = BufWriter::with_capacity(1 << 16, writer);
    let mut report = ExportReport {
        archive: Some(root.clone()),
        ..ExportReport::default()
    };
    // Only names repaired from invalid UTF-8 can collide: remember those.
    let mut repaired_names = HashSet::new();
    let mut walk = walk::walk_iter(&root);
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        batch.clear();
        for found in walk.by_ref() {
            report.files_seen += 1;
            match found {
                Found::Problem(problem) => report.push_skip(SkippedFile::unlisted(problem)),
                Found::File(file) => {
                    if file.rel.contains('\u{FFFD}') && !repaired_names.insert(file.rel.clone()) {
                        report.push_skip(SkippedFile::name_collision(file.rel));
                        continue;
                    }
                    batch.push(file);
                    if batch.len() == BATCH {
                        break;
                    }
                }
            }
        }
        if batch.is_empty() {
            break;
        }
        let outcomes: Vec<FileOutcome> =
            pool.install(|| batch.par_iter().map(|f| export_file(f, options)).collect());
        for outcome in outcomes {
            report.bytes_read += outcome.bytes_read;
            match outcome.line {
                Ok((article, line)) => {
                    out.write_all(&line).map_err(output_error)?;
                    report.count(&article, line.len());
                }
                Err(skip) => report.push_skip(skip),
            }
        }
    }
    out.flush().map_err(output_error)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// What became of one file: its line (with the article, for the report) or
/// why it has none, and the bytes read.
struct FileOutcome {
    line: Result<(ExportedArticle, Vec<u8>), SkippedFile>,
    bytes_read: u64,
}

/// Reads, parses and serialises one file (called from rayon workers).
fn export_file(file: &FileEntry, options: &ExportOptions) -> FileOutcome {
    let skipped = |skip: article::Skip| SkippedFile::new(&file.rel, skip);
    let bytes = match files::read(file, &options.parse) {
        Ok((bytes, _)) => bytes,
        Err(failure) => {
            return FileOutcome {
                line: Err(skipped(failure.into_skip())),
                bytes_read: 0,
            };
        }
    };
    let line = article::parse(&bytes, &file.rel, &options.parse)
        .map_err(skipped)
        .and_then(|article| {
            let source = options.source_from.source(&article).map(str::to_string);
            let article = ExportedArticle::from_article(article, source);
            let line = article.to_line().map_err(|e| SkippedFile {
                path: file.rel.clone(),
                reason: SkipReason::Unreadable,
                detail: e.to_string(),
            })?;
            Ok((article, line))
        });
    FileOutcome {
        line,
        bytes_read: bytes.len() as u64,
    }
}

/// See [`Searcher::export`].
pub(crate) fn export_index(searcher: &Searcher, writer: impl Write) -> Result<ExportReport> {
    let started = Instant::now();
    let mut out = BufWriter::with_capacity(1 << 16, writer);
    let mut report = ExportReport {
        archive: searcher.record().archive.clone(),
        index: Some(searcher.index_path().to_path_buf()),
        ..ExportReport::default()
    };
    for segment in searcher.tantivy().segment_readers() {
        let store = segment
            .get_store_reader(1)
            .map_err(|e| searcher.engine_error(TantivyError::from(e)))?;
        for doc in store.iter::<TantivyDocument>(segment.alive_bitset()) {
            let doc = doc.map_err(|e| searcher.engine_error(e))?;
            let article = ExportedArticle::from_stored(document::read(searcher.fields(), &doc));
            let line = article.to_line()?;
            out.write_all(&line).map_err(output_error)?;
            report.count(&article, line.len());
        }
    }
    out.flush().map_err(output_error)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn output_error(source: io::Error) -> Error {
    Error::Output { source }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Fields;

    fn article() -> Article {
        Article {
            id: "001_a".into(),
            path: "herald/001_a.txt".into(),
            date: Some(time::macros::date!(2019 - 03 - 04)),
            date_problem: None,
            source: Some("The Herald".into()),
            headline: "Lede".into(),
            body: vec!["Lede".into(), "Second".into()],
            notice: None,
            comments: vec!["one".into(), "two".into()],
            invalid_utf8: 0,
        }
    }

    #[test]
    fn a_line_has_every_key_in_order() {
        let line = ExportedArticle::from_article(article(), Some("The Herald".into()));
        let json = String::from_utf8(line.to_line().unwrap()).unwrap();
        assert!(json.ends_with("}\n") && !json.trim_end().contains('\n'));
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = KEYS.to_vec();
        expected.sort_unstable();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, expected);
        assert!(json.starts_with(
            r#"{"id":"001_a","path":"herald/001_a.txt","date":20190304,"source":"The Herald""#
        ));
        assert!(json.contains(r#""body":"Lede\nSecond""#), "{json}");
        assert!(json.contains(r#""notice":null"#), "{json}");
        assert!(json.contains(
            r#""comments":["one","two"],"comment_count":2,"invalid_utf8":0,"story":null}"#
        ));
    }

    #[test]
    fn undated_and_sourceless_articles_get_nulls() {
        let mut a = article();
        a.date = None;
        a.source = None;
        let line = ExportedArticle::from_article(a, None);
        let value: serde_json::Value = serde_json::from_slice(&line.to_line().unwrap()).unwrap();
        for key in ["date", "source", "source_key", "source_text", "notice"] {
            assert!(value[key].is_null(), "{key}");
        }
    }

    #[test]
    fn a_stored_document_gives_the_same_line_as_its_article() {
        let fields = Fields::new(&crate::schema::build_schema()).unwrap();
        let a = article();
        let file = FileEntry {
            abs: PathBuf::from("x"),
            rel: a.path.clone(),
            size: 1,
            mtime_ns: 0,
        };
        let story = document::StoryOf {
            id: &a.id,
            bands: &[],
        };
        let doc = document::build(&fields, &a, a.source.as_deref(), &file, 0, &story);
        let from_doc = ExportedArticle::from_stored(document::read(&fields, &doc));
        let from_article = ExportedArticle::from_article(a.clone(), a.source.clone());
        // A document is added as a story of its own; the folder knows none.
        assert_eq!(from_doc.story.as_deref(), Some(a.id.as_str()));
        assert_eq!(
            ExportedArticle {
                story: None,
                ..from_doc
            },
            from_article
        );
    }

    #[test]
    fn old_dates_are_exported_whole() {
        let mut a = article();
        a.date = Some(time::macros::date!(1665 - 11 - 16));
        let line = ExportedArticle::from_article(a, None);
        assert_eq!(line.date, Some(16_651_116));
    }
}

#[cfg(test)]
mod quickwit_tests;
