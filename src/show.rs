//! Reading stored articles back: [`Archive::get`] and [`StoredArticle`].
//!
//! The index stores every part of an article (see `schema/fields.json`), so
//! an article can be shown without its file: `newsidx show` works on an
//! index whose archive is offline. [`StoredArticle`] is the one place that
//! turns a stored tantivy document back into article parts; search results
//! reuse it through the crate-internal `from_doc`.
//!
//! An article is named by its id, its file name (`ID.txt`), its path, or a
//! prefix of its id that no other id shares. [`Archive::matching_comments`]
//! gives the comments of an article that match a query, marked: what the
//! "+N more matching comments" hint of `newsidx search` leads to.

use std::collections::BTreeSet;
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
use crate::query::{self, Matcher, QueryBuilder, QueryError, Text};
use crate::schema::{Fields, date_of_value};
use crate::search::{NO_WORDS, SearchRequest};
use crate::snippet::{CommentSnippet, Generators};
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
    /// Ids can repeat across folders, hence the `Vec`. Failing those, a path
    /// to an existing file inside the indexed archive (absolute, or relative
    /// to the working directory), a file name (`ID.txt`), and a prefix of
    /// one id only are accepted too; a prefix of several ids is a usage error
    /// that lists them. An empty `Vec` means no such article.
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
        if found.is_empty()
            && let Some(stem) = id_or_path.strip_suffix(".txt")
            && !stem.contains('/')
        {
            found = self.find(fields.id, stem)?;
        }
        if found.is_empty() && !id_or_path.is_empty() && !id_or_path.contains('/') {
            let ids = self.ids_starting_with(id_or_path, MAX_CANDIDATES + 1)?;
            match ids.as_slice() {
                [] => {}
                [id] => found = self.find(fields.id, id)?,
                _ => return Err(ambiguous(id_or_path, &ids).into()),
            }
        }
        found.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(found)
    }

    /// The articles named by `id_or_path` (as [`Archive::get`] names them),
    /// each with its comments that match `request`'s query (searched as in
    /// comments, with its `--any`), whole and marked, in article order.
    pub fn matching_comments(
        &self,
        id_or_path: &str,
        request: &SearchRequest,
    ) -> Result<Vec<(StoredArticle, Vec<CommentSnippet>)>> {
        let ast = query::parse(&request.query)?;
        let searcher = self.reader().searcher();
        let mut builder = QueryBuilder::new(&searcher, self.fields())
            .search_in(request.search_in)
            .any(request.any);
        if builder.build(&ast)?.is_none() {
            return Err(QueryError::at(&request.query, 0, NO_WORDS).into());
        }
        let matcher = query::positive(&ast)
            .map(|positive| builder.matcher(&positive, Text::Comments))
            .unwrap_or_else(Matcher::nothing);
        let generators = Generators::new(Matcher::nothing(), matcher, usize::MAX);
        Ok(self
            .get(id_or_path)?
            .into_iter()
            .map(|article| {
                let comments = generators.matching_comments(&article);
                (article, comments)
            })
            .collect())
    }

    /// Distinct ids that start with `prefix`, at most `limit`, in order.
    fn ids_starting_with(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        let searcher = self.reader().searcher();
        let mut ids = BTreeSet::new();
        for segment in searcher.segment_readers() {
            let inverted = segment
                .inverted_index(self.fields().id)
                .map_err(|e| self.engine_error(e))?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .into_stream()
                .map_err(|e| self.engine_error(e.into()))?;
            while stream.advance() && stream.key().starts_with(prefix.as_bytes()) {
                ids.insert(String::from_utf8_lossy(stream.key()).into_owned());
            }
        }
        Ok(ids.into_iter().take(limit).collect())
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

/// Most ids listed when a prefix names several articles.
const MAX_CANDIDATES: usize = 10;

/// The error of an id prefix that several ids share.
fn ambiguous(prefix: &str, ids: &[String]) -> QueryError {
    let shown = ids.iter().take(MAX_CANDIDATES).cloned().collect::<Vec<_>>();
    let more = if ids.len() > MAX_CANDIDATES {
        ", and more"
    } else {
        ""
    };
    QueryError::value(
        prefix,
        format!(
            "several articles have ids that start so: {}{more}; type more of the id",
            shown.join(", ")
        ),
    )
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
            .and_then(|v| v.as_i64())
            .and_then(date_of_value)
            .map(format_date),
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
        doc.add_i64(fields.date, 16_651_116);
        doc.add_text(fields.headline, "Lede");
        doc.add_text(fields.body, "Lede\nSecond");
        doc.add_text(fields.comments, "one");
        doc.add_text(fields.comments, "two");
        doc.add_u64(fields.invalid_utf8, 2);
        let article = from_doc(&fields, &doc);
        assert_eq!(article.date.as_deref(), Some("1665-11-16"));
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
