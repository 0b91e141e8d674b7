//! An article as a tantivy document, and back: the one place that knows
//! which field holds which part (`schema/fields.json` declares them).
//!
//! [`build`] makes the document the indexer adds; [`read`] turns a stored
//! document back into its parts, for [`StoredArticle`] (lookups and search
//! hits) and for the export's lines alike. The index stores every part of
//! an article, so an article can be shown without its file: `show` works on
//! an index whose archive is offline.

use serde::Serialize;
use tantivy::TantivyDocument;
use tantivy::schema::{Field, Value};

use crate::article::{Article, format_date};
use crate::schema::{self, Fields};
use crate::walk::FileEntry;

/// An article as stored in the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredArticle {
    /// The file stem.
    pub id: String,
    /// The path relative to the archive root, `/`-separated.
    pub path: String,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The source (publisher), when known.
    pub source: Option<String>,
    /// The first paragraph, cut near 200 characters.
    pub headline: String,
    /// The body paragraphs, in order.
    pub body: Vec<String>,
    /// The syndication notice.
    pub notice: Option<String>,
    /// Reader comments, in order.
    pub comments: Vec<String>,
    /// Whether invalid UTF-8 was repaired when the file was read.
    pub repaired: bool,
    /// The story id: the `id` of the earliest of the syndicated copies of
    /// this article's body (its own `id` when it has none).
    pub story: String,
}

/// The parts of a stored document, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredDocument {
    pub id: String,
    pub path: String,
    /// The date as `YYYYMMDD` ([`schema::date_value`]).
    pub date: Option<i64>,
    pub source: Option<String>,
    pub headline: String,
    /// The body paragraphs joined with `\n`.
    pub body: String,
    pub notice: Option<String>,
    pub comments: Vec<String>,
    /// The stored comment count (absent in a damaged document).
    pub comment_count: Option<u64>,
    pub invalid_utf8: u64,
    /// The story id (absent in a document built before stories).
    pub story: Option<String>,
}

/// The tantivy document of an article whose source is `source`, read from
/// `file` whose content hashes to `hash`, in the story `story` (the indexer
/// decides the stories before it adds documents: `indexer::stories`).
pub(crate) fn build(
    fields: &Fields,
    article: &Article,
    source: Option<&str>,
    file: &FileEntry,
    hash: u64,
    story: &StoryOf<'_>,
) -> TantivyDocument {
    let body = article.body_text();
    let parts = Parts {
        id: &article.id,
        path: &article.path,
        date: article.date.map(schema::date_value),
        source,
        headline: &article.headline,
        body: &body,
        notice: article.notice.as_deref(),
        comments: &article.comments,
        comment_count: article.comments.len() as u64,
        invalid_utf8: article.invalid_utf8 as u64,
    };
    let bookkeeping = Bookkeeping {
        size: file.size,
        mtime_ns: file.mtime_ns,
        hash,
    };
    assemble(fields, &parts, &bookkeeping, story)
}

/// The parts of a document, borrowed from an article ([`build`]) or from a
/// stored document ([`StoredDocument::parts`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parts<'a> {
    pub id: &'a str,
    pub path: &'a str,
    /// The date as `YYYYMMDD` ([`schema::date_value`]).
    pub date: Option<i64>,
    pub source: Option<&'a str>,
    pub headline: &'a str,
    /// The body paragraphs joined with `\n`.
    pub body: &'a str,
    pub notice: Option<&'a str>,
    pub comments: &'a [String],
    pub comment_count: u64,
    pub invalid_utf8: u64,
}

impl StoredDocument {
    /// The parts to add the document again with.
    pub(crate) fn parts(&self) -> Parts<'_> {
        Parts {
            id: &self.id,
            path: &self.path,
            date: self.date,
            source: self.source.as_deref(),
            headline: &self.headline,
            body: &self.body,
            notice: self.notice.as_deref(),
            comments: &self.comments,
            comment_count: self.comment_count.unwrap_or(self.comments.len() as u64),
            invalid_utf8: self.invalid_utf8,
        }
    }
}

/// A document's story: the story id and its body's band keys
/// (`story::Signature::band_keys`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoryOf<'a> {
    pub id: &'a str,
    pub bands: &'a [u64],
}

/// The `story_key` column's value for the story `id`: what search collapses
/// and counts stories by (xxh3, 64 bits: two stories of one archive share a
/// key with a chance of about n²/2⁶⁵, one in 37 million for a million
/// stories).
pub(crate) fn story_key(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

/// What the index records of a document's file (its fast-only columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bookkeeping {
    pub size: u64,
    pub mtime_ns: i64,
    pub hash: u64,
}

/// The tantivy document of an article's parts, its file's bookkeeping and
/// its story: what [`build`] adds, and what the indexer adds again from a
/// stored document when its story changes.
pub(crate) fn assemble(
    fields: &Fields,
    doc: &Parts<'_>,
    file: &Bookkeeping,
    story: &StoryOf<'_>,
) -> TantivyDocument {
    let mut out = TantivyDocument::with_capacity(encoded_len(doc, story));
    out.add_text(fields.id, doc.id);
    out.add_text(fields.path, doc.path);
    if let Some(date) = doc.date {
        out.add_i64(fields.date, date);
    }
    if let Some(source) = doc.source {
        out.add_text(fields.source, source);
        out.add_text(fields.source_key, source);
        out.add_text(fields.source_text, source);
    }
    out.add_text(fields.headline, doc.headline);
    out.add_text(fields.headline_words, doc.headline);
    out.add_text(fields.body_words, doc.body);
    out.add_text(fields.body, doc.body);
    if let Some(notice) = doc.notice {
        out.add_text(fields.notice, notice);
    }
    for comment in doc.comments {
        out.add_text(fields.comments, comment);
        out.add_text(fields.comments_words, comment);
    }
    out.add_text(fields.story, story.id);
    out.add_u64(fields.story_key, story_key(story.id));
    for &band in story.bands {
        out.add_u64(fields.story_bands, band);
    }
    out.add_u64(fields.comment_count, doc.comment_count);
    out.add_u64(fields.invalid_utf8, doc.invalid_utf8);
    out.add_u64(fields.file_size, file.size);
    out.add_i64(fields.file_mtime, file.mtime_ns);
    out.add_u64(fields.file_hash, file.hash);
    out
}

/// The bytes that [`assemble`] writes into a document's buffer: each text
/// with its length (a varint of at most 5 bytes), each number in 8. Sized
/// at once, the buffer (which holds the body and the comments twice) is
/// neither copied as it grows nor left up to half empty.
fn encoded_len(doc: &Parts<'_>, story: &StoryOf<'_>) -> usize {
    const LEN: usize = 5;
    const NUMBER: usize = 8;
    let text = |s: &str| s.len() + LEN;
    let comments: usize = doc.comments.iter().map(|c| 2 * text(c)).sum();
    text(doc.id)
        + text(doc.path)
        + doc.source.map_or(0, |s| 3 * text(s))
        + 2 * text(doc.headline)
        + 2 * text(doc.body)
        + doc.notice.map_or(0, text)
        + comments
        + text(story.id)
        + NUMBER * (7 + story.bands.len())
}

/// The parts of a stored document of the newsidx schema. Missing fields
/// give empty values rather than errors, so a document of a damaged or
/// older index still shows what it has.
pub(crate) fn read(fields: &Fields, doc: &TantivyDocument) -> StoredDocument {
    let text = |field| stored_text(doc, field);
    let number = |field: Field| doc.get_first(field).and_then(|v| v.as_u64());
    StoredDocument {
        id: text(fields.id).unwrap_or_default(),
        path: text(fields.path).unwrap_or_default(),
        date: doc.get_first(fields.date).and_then(|v| v.as_i64()),
        source: text(fields.source),
        headline: text(fields.headline).unwrap_or_default(),
        body: text(fields.body).unwrap_or_default(),
        notice: text(fields.notice),
        comments: doc
            .get_all(fields.comments)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        comment_count: number(fields.comment_count),
        invalid_utf8: number(fields.invalid_utf8).unwrap_or(0),
        story: text(fields.story),
    }
}

/// The stored text of a field (its first value).
fn stored_text(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

impl From<StoredDocument> for StoredArticle {
    /// The article of a stored document; the body is split back into
    /// paragraphs at `\n`.
    fn from(doc: StoredDocument) -> StoredArticle {
        StoredArticle {
            story: doc.story.unwrap_or_else(|| doc.id.clone()),
            id: doc.id,
            path: doc.path,
            date: doc.date.and_then(schema::date_of_value).map(format_date),
            source: doc.source,
            headline: doc.headline,
            body: if doc.body.is_empty() {
                Vec::new()
            } else {
                doc.body.split('\n').map(str::to_string).collect()
            },
            notice: doc.notice,
            comments: doc.comments,
            repaired: doc.invalid_utf8 > 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Fields {
        Fields::new(&schema::build_schema()).unwrap()
    }

    #[test]
    fn a_stored_article_has_every_part_of_the_file() {
        let text = " date 1665-11-16 Lede of the day.\nSecond paragraph.\n\
                    © 1665 The Herald\n—-\nShared notice.\nJoin the discussion\none\ntwo";
        let article = crate::article::parse(text.as_bytes(), "x/001_a.txt", &Default::default())
            .expect("an article");
        let file = FileEntry::new(
            &std::path::Path::new("x").into(),
            std::path::Path::new("x/001_a.txt"),
            text.len() as u64,
            0,
        );
        let doc = build(
            &fields(),
            &article,
            article.source.as_deref(),
            &file,
            7,
            &StoryOf {
                id: "000_wire",
                bands: &[],
            },
        );
        let stored = StoredArticle::from(read(&fields(), &doc));
        assert_eq!(stored.date.as_deref(), Some("1665-11-16"));
        assert_eq!(stored.body, article.body);
        assert_eq!(stored.comments, ["one", "two"]);
        assert_eq!(stored.notice.as_deref(), Some("Shared notice."));
        assert_eq!(stored.source.as_deref(), Some("The Herald"));
        assert_eq!((stored.id.as_str(), stored.repaired), ("001_a", false));
        assert_eq!(stored.story, "000_wire");
    }

    #[test]
    fn a_document_missing_its_fields_reads_as_empty_parts() {
        let fields = fields();
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.body, "");
        doc.add_u64(fields.invalid_utf8, 2);
        let stored = read(&fields, &doc);
        assert_eq!((stored.comment_count, stored.date), (None, None));
        let article = StoredArticle::from(stored);
        assert!(article.body.is_empty() && article.id.is_empty() && article.repaired);
    }
}
