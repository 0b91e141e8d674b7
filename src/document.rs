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
}

/// The tantivy document of an article whose source is `source`, read from
/// `file` whose content hashes to `hash`.
pub(crate) fn build(
    fields: &Fields,
    article: &Article,
    source: Option<&str>,
    file: &FileEntry,
    hash: u64,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &article.id);
    doc.add_text(fields.path, &article.path);
    if let Some(date) = article.date {
        doc.add_i64(fields.date, schema::date_value(date));
    }
    if let Some(source) = source {
        doc.add_text(fields.source, source);
        doc.add_text(fields.source_key, source);
        doc.add_text(fields.source_text, source);
    }
    let body = article.body_text();
    doc.add_text(fields.headline, &article.headline);
    doc.add_text(fields.headline_words, &article.headline);
    doc.add_text(fields.body_words, &body);
    doc.add_text(fields.body, body);
    if let Some(notice) = &article.notice {
        doc.add_text(fields.notice, notice);
    }
    for comment in &article.comments {
        doc.add_text(fields.comments, comment);
        doc.add_text(fields.comments_words, comment);
    }
    doc.add_u64(fields.comment_count, article.comments.len() as u64);
    doc.add_u64(fields.invalid_utf8, article.invalid_utf8 as u64);
    doc.add_u64(fields.file_size, file.size);
    doc.add_i64(fields.file_mtime, file.mtime_ns);
    doc.add_u64(fields.file_hash, hash);
    doc
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
        let file = FileEntry {
            abs: "x/001_a.txt".into(),
            rel: article.path.clone(),
            size: text.len() as u64,
            mtime_ns: 0,
        };
        let doc = build(&fields(), &article, article.source.as_deref(), &file, 7);
        let stored = StoredArticle::from(read(&fields(), &doc));
        assert_eq!(stored.date.as_deref(), Some("1665-11-16"));
        assert_eq!(stored.body, article.body);
        assert_eq!(stored.comments, ["one", "two"]);
        assert_eq!(stored.notice.as_deref(), Some("Shared notice."));
        assert_eq!(stored.source.as_deref(), Some("The Herald"));
        assert_eq!((stored.id.as_str(), stored.repaired), ("001_a", false));
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
