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
//! `Searcher::export` streams: it reads the document store segment by
//! segment, one document at a time, and its memory stays flat whatever the
//! archive's size. [`export_dir`] makes two passes over the folder, each
//! walking it lazily and reading files in bounded batches on rayon
//! threads:
//!
//! 1. it signs the body of every article and groups them all into stories
//!    with the indexer's own code, as a first `newsidx index` run of the
//!    folder does (`indexer::stories`: `story::group`,
//!    `Chaining::First`), so each article gets the story a fresh index of
//!    the folder gives it;
//! 2. it reads the files again and writes each batch's lines in walk
//!    order before reading the next, each with its story looked up by
//!    path.
//!
//! The grouping costs what it costs the indexer: the signatures of all the
//! articles are held until it is done (about 0.6 KB an article, plus the
//! grouping's own tables); then only each article's path, id, content hash
//! and story until the end. On 100,000 generated articles (303 MB) the peak
//! RSS of `newsidx export DIR` went from 15-18 MB, when a folder's export
//! wrote no story, to 109 MB (`docs/scale-out.md`). A file that
//! changes or appears between the two passes is written as a story of its
//! own, as an index run writes it, and counted
//! ([`ExportReport::unsettled_stories`]).
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
//! | `story` | string | the story id: the `id` of the earliest copy of this body by date (undated last), then by `id`; its own `id` when it has none or its body is too short to compare (under 20 words of running text). From a folder, the story that a fresh index of the folder holds |
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

use std::collections::{BTreeMap, HashMap, HashSet};
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
use crate::indexer::stories as grouping;
use crate::searcher::Searcher;
use crate::story::{Entry, Params, Signer};
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
    /// The story id (the id of the earliest copy of this article's body,
    /// its own id when it has none). Both exports write it on every line;
    /// an `Option` so that lines of earlier versions, whose export of a
    /// folder wrote `null`, still read.
    pub story: Option<String>,
}

impl ExportedArticle {
    /// The line of a parsed article whose source is `source` and whose
    /// story is `story`.
    fn from_article(article: Article, source: Option<String>, story: String) -> ExportedArticle {
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
            story: Some(story),
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
    /// From a folder, articles written as a story of their own because
    /// their file changed or appeared between the pass that grouped the
    /// folder and the one that wrote the lines (as an index run writes
    /// such a file, leaving its story to the next run): 0 unless the
    /// archive changed during the export, which an export run again gives
    /// the stories of.
    pub unsettled_stories: u64,
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
/// files that hold no article are reported, never fatal. Each article
/// carries the story a fresh index of the folder gives it.
///
/// Two passes over the folder: the first signs every article and groups
/// them as a first index run does, holding every signature until the
/// grouping is done (see the module docs); the second writes the lines.
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
    let stories = Stories::of_folder(&root, options, &pool);
    let mut out = BufWriter::with_capacity(1 << 16, writer);
    let mut report = ExportReport {
        archive: Some(root.clone()),
        ..ExportReport::default()
    };
    let mut batches = Batches::new(walk::walk_iter(&root));
    loop {
        let batch = batches.next(|skip| {
            report.files_seen += 1;
            if let Some(skip) = skip {
                report.push_skip(skip);
            }
        });
        if batch.is_empty() {
            break;
        }
        let outcomes: Vec<FileOutcome> = pool.install(|| {
            batch
                .par_iter()
                .map(|f| export_file(f, options, &stories))
                .collect()
        });
        for outcome in outcomes {
            report.bytes_read += outcome.bytes_read;
            match outcome.line {
                Ok((article, line)) => {
                    out.write_all(&line).map_err(output_error)?;
                    report.count(&article, line.len());
                    report.unsettled_stories += u64::from(outcome.unsettled);
                }
                Err(skip) => report.push_skip(skip),
            }
        }
    }
    out.flush().map_err(output_error)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The article files of a folder, lazily, in walk order and in batches of
/// [`BATCH`]: the same files for both passes of [`export_dir`].
struct Batches<W> {
    walk: W,
    /// Only names repaired from invalid UTF-8 can collide: those met.
    repaired_names: HashSet<String>,
    batch: Vec<FileEntry>,
}

impl<W: Iterator<Item = Found>> Batches<W> {
    fn new(walk: W) -> Batches<W> {
        Batches {
            walk,
            repaired_names: HashSet::new(),
            batch: Vec::with_capacity(BATCH),
        }
    }

    /// The next batch, empty at the end. `seen` is called once for every
    /// entry the walk gives: with `None` for an article file of the batch,
    /// with the skip for an entry that is none (a problem of the walk, or a
    /// repaired name taken by an earlier file).
    fn next(&mut self, mut seen: impl FnMut(Option<SkippedFile>)) -> &[FileEntry] {
        self.batch.clear();
        for found in self.walk.by_ref() {
            match found {
                Found::Problem(problem) => seen(Some(SkippedFile::unlisted(problem))),
                Found::File(file) => {
                    if file.rel.contains('\u{FFFD}')
                        && !self.repaired_names.insert(file.rel.clone())
                    {
                        seen(Some(SkippedFile::name_collision(file.rel)));
                        continue;
                    }
                    seen(None);
                    self.batch.push(file);
                    if self.batch.len() == BATCH {
                        break;
                    }
                }
            }
        }
        &self.batch
    }
}

/// The stories of an archive folder, as a fresh index of it groups them.
#[derive(Debug, Default)]
struct Stories {
    /// For each article signed, by path: the content hash of the bytes
    /// signed, and the position in `ids` of its story's first article.
    by_path: HashMap<String, (u64, usize)>,
    /// The ids of the articles signed.
    ids: Vec<String>,
}

impl Stories {
    /// The first pass of [`export_dir`]: reads, parses and signs every
    /// article of the folder at `root` on `pool` (a file that cannot be
    /// read or holds no article is left to the second pass to report),
    /// then groups them all at once with the indexer's own code
    /// ([`grouping::entry`], [`grouping::group_fresh`]). The signatures,
    /// about 0.6 KB an article, are held until the grouping is done, as in
    /// a first index run; then only each article's path, id, hash and
    /// story.
    fn of_folder(root: &Path, options: &ExportOptions, pool: &rayon::ThreadPool) -> Stories {
        let mut entries: Vec<Entry> = Vec::new();
        let mut hashes: Vec<u64> = Vec::new();
        let mut batches = Batches::new(walk::walk_iter(root));
        loop {
            let batch = batches.next(|_| {});
            if batch.is_empty() {
                break;
            }
            let signed: Vec<Option<(Entry, u64)>> = pool.install(|| {
                batch
                    .par_iter()
                    .map_init(
                        || Signer::new(Params::DEFAULT),
                        |signer, file| sign_file(signer, file, options),
                    )
                    .collect()
            });
            for (entry, hash) in signed.into_iter().flatten() {
                entries.push(entry);
                hashes.push(hash);
            }
        }
        let firsts = grouping::group_fresh(&entries);
        let mut stories = Stories {
            by_path: HashMap::with_capacity(entries.len()),
            ids: Vec::with_capacity(entries.len()),
        };
        for ((entry, hash), first) in entries.into_iter().zip(hashes).zip(firsts) {
            stories.by_path.insert(entry.path, (hash, first));
            stories.ids.push(entry.id);
        }
        stories
    }

    /// The story of the article at `path` whose file's content hash is
    /// `hash`; `None` when the first pass did not sign that content (the
    /// file changed or appeared since).
    fn of(&self, path: &str, hash: u64) -> Option<&str> {
        let &(signed, first) = self.by_path.get(path)?;
        (signed == hash).then(|| self.ids[first].as_str())
    }
}

/// Reads, parses and signs one file for the first pass (called from rayon
/// workers): its grouping entry and content hash, or `None` when it holds
/// no article.
fn sign_file(
    signer: &mut Signer,
    file: &FileEntry,
    options: &ExportOptions,
) -> Option<(Entry, u64)> {
    let (bytes, _) = files::read(file, &options.parse).ok()?;
    let article = article::parse(&bytes, &file.rel, &options.parse).ok()?;
    Some((
        grouping::entry(signer, article),
        files::content_hash(&bytes),
    ))
}

/// What became of one file: its line (with the article, for the report) or
/// why it has none, and the bytes read.
struct FileOutcome {
    line: Result<(ExportedArticle, Vec<u8>), SkippedFile>,
    bytes_read: u64,
    /// Written as a story of its own: the first pass did not sign this
    /// content.
    unsettled: bool,
}

/// Reads, parses and serialises one file (called from rayon workers), with
/// its story from `stories`.
fn export_file(file: &FileEntry, options: &ExportOptions, stories: &Stories) -> FileOutcome {
    let skipped = |skip: article::Skip| SkippedFile::new(&file.rel, skip);
    let bytes = match files::read(file, &options.parse) {
        Ok((bytes, _)) => bytes,
        Err(failure) => {
            return FileOutcome {
                line: Err(skipped(failure.into_skip())),
                bytes_read: 0,
                unsettled: false,
            };
        }
    };
    let mut unsettled = false;
    let line = article::parse(&bytes, &file.rel, &options.parse)
        .map_err(skipped)
        .and_then(|article| {
            let source = options.source_from.source(&article).map(str::to_string);
            let story = match stories.of(&file.rel, files::content_hash(&bytes)) {
                Some(story) => story.to_string(),
                None => {
                    unsettled = true;
                    article.id.clone()
                }
            };
            let article = ExportedArticle::from_article(article, source, story);
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
        unsettled,
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
        let line =
            ExportedArticle::from_article(article(), Some("The Herald".into()), "000_z".into());
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
            r#""comments":["one","two"],"comment_count":2,"invalid_utf8":0,"story":"000_z"}"#
        ));
    }

    #[test]
    fn undated_and_sourceless_articles_get_nulls() {
        let mut a = article();
        a.date = None;
        a.source = None;
        let line = ExportedArticle::from_article(a, None, "001_a".into());
        let value: serde_json::Value = serde_json::from_slice(&line.to_line().unwrap()).unwrap();
        for key in ["date", "source", "source_key", "source_text", "notice"] {
            assert!(value[key].is_null(), "{key}");
        }
    }

    #[test]
    fn a_stored_document_gives_the_same_line_as_its_article() {
        let fields = Fields::new(&crate::schema::build_schema()).unwrap();
        let a = article();
        let file = FileEntry::new(&Path::new("x").into(), &Path::new("x").join(&a.path), 1, 0);
        let story = document::StoryOf {
            id: &a.id,
            bands: &[],
        };
        let doc = document::build(&fields, &a, a.source.as_deref(), &file, 0, &story);
        let from_doc = ExportedArticle::from_stored(document::read(&fields, &doc));
        let from_article = ExportedArticle::from_article(a.clone(), a.source.clone(), a.id.clone());
        assert_eq!(from_doc.story.as_deref(), Some(a.id.as_str()));
        assert_eq!(from_doc, from_article);
    }

    #[test]
    fn old_dates_are_exported_whole() {
        let mut a = article();
        a.date = Some(time::macros::date!(1665 - 11 - 16));
        let line = ExportedArticle::from_article(a, None, "001_a".into());
        assert_eq!(line.date, Some(16_651_116));
    }

    /// A wire story of three long paragraphs, as a paper runs it under
    /// `dateline`, dated `date`.
    fn copy(date: &str, dateline: &str) -> String {
        format!(
            " date {date} {dateline} - The ferry company said on Monday that fares on all \
             crossings of the bay would rise by a third from June, the first rise in six \
             years, after the price of fuel doubled over the winter.\n\
             Commuters who cross twice a day would pay about 30 crowns more a week, the \
             company said, and season tickets would rise by the same share from July.\n\
             The council of Harbour City will discuss the fares on Thursday, when the \
             company's director is expected to answer questions from the members.\n"
        )
    }

    #[test]
    fn a_file_changed_after_the_grouping_is_a_story_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("001_a.txt"), copy("2019-03-04", "HARBOUR CITY")).unwrap();
        std::fs::write(root.join("002_b.txt"), copy("2019-03-05", "PORT ELLIS")).unwrap();
        std::fs::write(root.join("003_c.txt"), copy("2019-03-06", "BAYSIDE")).unwrap();
        let options = ExportOptions::default();
        let pool = files::thread_pool(1, "test").unwrap();
        let stories = Stories::of_folder(root, &options, &pool);
        let shared = root.into();
        let entry = |name: &str| FileEntry::new(&shared, &root.join(name), 0, 0);
        let story = |name: &str| {
            let outcome = export_file(&entry(name), &options, &stories);
            let (line, _) = outcome.line.unwrap();
            (line.story.unwrap(), outcome.unsettled)
        };
        assert_eq!(story("002_b.txt"), ("001_a".to_string(), false));
        // Changed since the first pass: not the content grouped.
        std::fs::write(root.join("002_b.txt"), copy("2019-03-05", "PORTSIDE")).unwrap();
        assert_eq!(story("002_b.txt"), ("002_b".to_string(), true));
        // Appeared since.
        std::fs::write(root.join("004_d.txt"), copy("2019-03-01", "INLAND")).unwrap();
        assert_eq!(story("004_d.txt"), ("004_d".to_string(), true));
        assert_eq!(story("003_c.txt"), ("001_a".to_string(), false));
    }
}

#[cfg(test)]
mod quickwit_tests;
