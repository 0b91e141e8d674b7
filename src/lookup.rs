//! Looking articles up by name: [`Searcher::get`] and
//! [`Searcher::matching_comments`].
//!
//! An article is named by its id, its file name (`ID.txt`), its path, or a
//! prefix of its id that no other id shares. The matching comments of an
//! article are those a search counts: what the "+N more matching comments"
//! of a hit leads to.

use std::collections::BTreeSet;
use std::path::Path;

use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Term};

use crate::document::{self, StoredArticle};
use crate::error::Result;
use crate::query::{self, Matcher, QueryBuilder, QueryError, Text};
use crate::search::{CommentSnippet, Generators, KeyMap, NO_WORDS, SearchRequest};
use crate::searcher::Searcher;
use crate::walk;

/// Most ids listed when a prefix names several articles.
const MAX_CANDIDATES: usize = 10;

/// See [`Searcher::get`].
pub(crate) fn get(searcher: &Searcher, id_or_path: &str) -> Result<Vec<StoredArticle>> {
    let fields = *searcher.fields();
    let mut found = find(searcher, fields.id, id_or_path)?;
    if found.is_empty() {
        found = find(searcher, fields.path, id_or_path)?;
    }
    if found.is_empty()
        && let Some(rel) = archive_relative(searcher, id_or_path)
    {
        found = find(searcher, fields.path, &rel)?;
    }
    if found.is_empty()
        && let Some(stem) = id_or_path.strip_suffix(".txt")
        && !stem.contains('/')
    {
        found = find(searcher, fields.id, stem)?;
    }
    if found.is_empty() && !id_or_path.is_empty() && !id_or_path.contains('/') {
        let ids = ids_starting_with(searcher, id_or_path, MAX_CANDIDATES + 1)?;
        match ids.as_slice() {
            [] => {}
            [id] => found = find(searcher, fields.id, id)?,
            _ => return Err(ambiguous(id_or_path, &ids).into()),
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// See [`Searcher::story`].
pub(crate) fn story(searcher: &Searcher, story: &str) -> Result<Vec<StoredArticle>> {
    let mut found = find(searcher, searcher.fields().story, story)?;
    // Earliest first: by date (undated last), then id, then path; the
    // story's first article is its id.
    found.sort_by(|a, b| {
        (a.date.is_none(), &a.date, &a.id, &a.path).cmp(&(
            b.date.is_none(),
            &b.date,
            &b.id,
            &b.path,
        ))
    });
    Ok(found)
}

/// See [`Searcher::stories`]: the live documents counted by their
/// `story_key` column, then the story ids read from the `story` term
/// dictionary (whose terms hash to the keys).
pub(crate) fn stories(searcher: &Searcher, min_copies: u64) -> Result<Vec<(String, u64)>> {
    let engine = |e| searcher.engine_error(e);
    let mut counts: KeyMap<u64> = KeyMap::default();
    for segment in searcher.tantivy().segment_readers() {
        let keys = segment
            .fast_fields()
            .column_opt::<u64>("story_key")
            .map_err(engine)?;
        let Some(keys) = keys else { continue };
        for doc in segment.doc_ids_alive() {
            if let Some(key) = keys.first(doc) {
                *counts.entry(key).or_default() += 1;
            }
        }
    }
    let mut out: Vec<(String, u64)> = Vec::new();
    for segment in searcher.tantivy().segment_readers() {
        let inverted = segment
            .inverted_index(searcher.fields().story)
            .map_err(engine)?;
        let mut stream = inverted
            .terms()
            .stream()
            .map_err(|e| searcher.engine_error(e.into()))?;
        while stream.advance() {
            let name = String::from_utf8_lossy(stream.key());
            // Each story once, though its id is in several segments.
            if let Some(n) = counts.remove(&document::story_key(&name))
                && n >= min_copies.max(1)
            {
                out.push((name.into_owned(), n));
            }
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(out)
}

/// See [`Searcher::matching_comments`].
pub(crate) fn matching_comments(
    searcher: &Searcher,
    id_or_path: &str,
    request: &SearchRequest,
) -> Result<Vec<(StoredArticle, Vec<CommentSnippet>)>> {
    let ast = query::parse(&request.query)?;
    let mut builder = QueryBuilder::new(searcher.tantivy(), searcher.fields())
        .search_in(request.search_in)
        .any(request.any);
    if builder.build(&ast)?.is_none() {
        return Err(QueryError::at(&request.query, 0, NO_WORDS).into());
    }
    let matcher = query::positive(&ast)
        .map(|positive| builder.matcher(&positive, Text::Comments))
        .unwrap_or_else(Matcher::nothing);
    let generators = Generators::new(Matcher::nothing(), matcher, usize::MAX);
    Ok(get(searcher, id_or_path)?
        .into_iter()
        .map(|article| {
            let comments = generators.matching_comments(&article);
            (article, comments)
        })
        .collect())
}

/// Distinct ids that start with `prefix`, at most `limit`, in order.
fn ids_starting_with(searcher: &Searcher, prefix: &str, limit: usize) -> Result<Vec<String>> {
    let mut ids = BTreeSet::new();
    for segment in searcher.tantivy().segment_readers() {
        let inverted = segment
            .inverted_index(searcher.fields().id)
            .map_err(|e| searcher.engine_error(e))?;
        let mut stream = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .into_stream()
            .map_err(|e| searcher.engine_error(e.into()))?;
        while stream.advance() && stream.key().starts_with(prefix.as_bytes()) {
            ids.insert(String::from_utf8_lossy(stream.key()).into_owned());
        }
    }
    Ok(ids.into_iter().take(limit).collect())
}

/// The stored articles whose raw `field` is exactly `value`.
fn find(searcher: &Searcher, field: Field, value: &str) -> Result<Vec<StoredArticle>> {
    let query = TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    );
    let hits = searcher
        .tantivy()
        .search(&query, &DocSetCollector)
        .map_err(|e| searcher.engine_error(e))?;
    let mut addresses: Vec<DocAddress> = hits.into_iter().collect();
    addresses.sort();
    addresses
        .into_iter()
        .map(|address| searcher.article_at(address))
        .collect()
}

/// `path` relative to the recorded archive root, when it names an existing
/// file inside it.
fn archive_relative(searcher: &Searcher, path: &str) -> Option<String> {
    let root = searcher.record().archive.as_deref()?;
    let file = Path::new(path).canonicalize().ok()?;
    file.starts_with(root).then(|| walk::relative(root, &file))
}

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
