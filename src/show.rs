//! Reading stored articles back: [`Archive::get`] and [`StoredArticle`].
//!
//! The index stores every part of an article (see `schema/fields.json`), so
//! an article can be shown without its file: `newsidx show` works on an
//! index whose archive is offline. [`StoredArticle`] is the one place that
//! turns a stored tantivy document back into article parts; search results
//! reuse it through the crate-internal `from_doc`.

use std::path::Path;

use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, TantivyDocument, Term};

use crate::archive::Archive;
use crate::article::format_date;
use crate::error::Result;
use crate::indexer::stored_text;
use crate::schema::Fields;
use crate::walk;

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

impl Archive {
    /// The articles whose id (file stem) is `id_or_path`, or else whose path
    /// relative to the archive root is `id_or_path`, sorted by path.
    ///
    /// Ids can repeat across folders, hence the `Vec`. As a last resort, a
    /// path to an existing file inside the indexed archive (absolute, or
    /// relative to the working directory) is accepted too. An empty `Vec`
    /// means no such article.
    pub fn get(&self, id_or_path: &str) -> Result<Vec<StoredArticle>> {
        let fields = *self.fields();
        let mut found = self.find(fields.id, id_or_path)?;
        if found.is_empty() {
            found = self.find(fields.path, id_or_path)?;
        }
        if found.is_empty()
            && let Some(rel) = self.archive_relative(id_or_path)?
        {
            found = self.find(fields.path, &rel)?;
        }
        found.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(found)
    }

    /// The stored articles whose raw `field` is exactly `value`.
    fn find(&self, field: Field, value: &str) -> Result<Vec<StoredArticle>> {
        let searcher = self.reader().searcher();
        let query = TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        );
        let hits = searcher
            .search(&query, &DocSetCollector)
            .map_err(|e| self.engine_error(e))?;
        let mut addresses: Vec<DocAddress> = hits.into_iter().collect();
        addresses.sort();
        addresses
            .into_iter()
            .map(|address| {
                let doc: TantivyDocument =
                    searcher.doc(address).map_err(|e| self.engine_error(e))?;
                Ok(from_doc(self.fields(), &doc))
            })
            .collect()
    }

    /// `path` relative to the recorded archive root, when it names an
    /// existing file inside it.
    fn archive_relative(&self, path: &str) -> Result<Option<String>> {
        let Some(root) = self.record()?.archive else {
            return Ok(None);
        };
        let Ok(file) = Path::new(path).canonicalize() else {
            return Ok(None);
        };
        Ok(file
            .starts_with(&root)
            .then(|| walk::relative(&root, &file)))
    }
}

/// Turns a stored document of the newsidx schema back into its article.
///
/// Missing fields give empty values rather than errors, so a document of a
/// damaged or older index still shows what it has. The stored body is split
/// back into paragraphs at `\n`.
pub(crate) fn from_doc(fields: &Fields, doc: &TantivyDocument) -> StoredArticle {
    let text = |field| stored_text(doc, field);
    let body = text(fields.body).unwrap_or_default();
    StoredArticle {
        id: text(fields.id).unwrap_or_default(),
        path: text(fields.path).unwrap_or_default(),
        date: doc
            .get_first(fields.date)
            .and_then(|v| v.as_datetime())
            .map(|d| format_date(d.into_utc().date())),
        source: text(fields.source),
        headline: text(fields.headline).unwrap_or_default(),
        body: if body.is_empty() {
            Vec::new()
        } else {
            body.split('\n').map(str::to_string).collect()
        },
        notice: text(fields.notice),
        comments: doc
            .get_all(fields.comments)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        repaired: doc
            .get_first(fields.invalid_utf8)
            .and_then(|v| v.as_u64())
            .is_some_and(|n| n > 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    #[test]
    fn from_doc_reads_every_part() {
        let schema = schema::build_schema();
        let fields = Fields::new(&schema).unwrap();
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.id, "001_a");
        doc.add_text(fields.path, "x/001_a.txt");
        doc.add_date(fields.date, tantivy::DateTime::from_timestamp_secs(86_400));
        doc.add_text(fields.headline, "Lede");
        doc.add_text(fields.body, "Lede\nSecond");
        doc.add_text(fields.comments, "one");
        doc.add_text(fields.comments, "two");
        doc.add_u64(fields.invalid_utf8, 2);
        let article = from_doc(&fields, &doc);
        assert_eq!(article.date.as_deref(), Some("1970-01-02"));
        assert_eq!(article.body, ["Lede", "Second"]);
        assert_eq!(article.comments, ["one", "two"]);
        assert_eq!((article.source, article.notice), (None, None));
        assert!(article.repaired);
    }

    #[test]
    fn an_empty_body_has_no_paragraphs() {
        let fields = Fields::new(&schema::build_schema()).unwrap();
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.body, "");
        let article = from_doc(&fields, &doc);
        assert!(article.body.is_empty() && !article.repaired);
    }
}
