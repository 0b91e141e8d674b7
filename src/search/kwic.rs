//! Keyword in context: [`Searcher::kwic`](crate::Searcher::kwic) calls a
//! visitor with every occurrence of a query's words and phrases in the
//! matching articles, one [`KwicLine`] each, with the words around it.
//!
//! Occurrences are what snippets mark: the [`Matcher`](crate::query) of the
//! query's positive part, run on each text; a phrase is one occurrence,
//! from its first word to its last, and overlapping matches are merged.
//! Articles come oldest first (undated ones last; same-day ones in index
//! order);
//! within an article, the body first, then each comment, in text order.
//! Only one article is held at a time: the visitor decides what to keep.

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::{DocAddress, Order};

use super::{SearchRequest, filters};
use crate::document::StoredArticle;
use crate::error::Result;
use crate::query::{self, QueryBuilder, QueryError, Text, TextReader, merge};
use crate::searcher::Searcher;

/// Which texts of an article the lines come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KwicText {
    /// The body (its first paragraph is the headline).
    #[default]
    Body,
    /// The reader comments.
    Comments,
    /// Body and comments.
    All,
}

/// A concordance: the search (query and filters) and how lines are cut.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KwicRequest {
    /// The query and filters (its page, sort and snippet settings are not
    /// used).
    pub search: SearchRequest,
    /// Words of context on each side.
    pub width: usize,
    /// Which texts the lines come from.
    pub text: KwicText,
}

/// One occurrence with its context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KwicLine {
    /// Article id.
    pub id: String,
    /// Path relative to the archive root.
    pub path: String,
    /// `YYYY-MM-DD`, or `None` when undated.
    pub date: Option<String>,
    /// Publisher, or `None` when unknown.
    pub source: Option<String>,
    /// `None` for the body, else the 1-based number of the comment.
    pub comment: Option<usize>,
    /// Byte range `[start, end)` of the occurrence in its text: the body as
    /// [`StoredArticle::body`] paragraphs joined by `"\n"` (the article's
    /// body text as `show --json` gives it, headline paragraph first), or
    /// the comment as [`StoredArticle::comments`] holds it.
    pub at: [usize; 2],
    /// Up to `width` words before it, white space made single spaces.
    pub left: String,
    /// The occurrence, as in the text (white space made single spaces).
    #[serde(rename = "match")]
    pub matched: String,
    /// Up to `width` words after it.
    pub right: String,
}

/// What a concordance found in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct KwicSummary {
    /// Articles that match the query and filters.
    pub articles: u64,
    /// Articles with at least one line.
    pub articles_with_lines: u64,
    /// Lines (occurrences) in all.
    pub lines: u64,
}

/// See [`Searcher::kwic`](crate::Searcher::kwic).
pub(crate) fn kwic(
    searcher: &Searcher,
    request: &KwicRequest,
    mut visit: impl FnMut(KwicLine),
) -> Result<KwicSummary> {
    let search = &request.search;
    let ast = query::parse(&search.query)?;
    let mut builder = QueryBuilder::new(searcher.tantivy(), searcher.fields())
        .weights(search.weights)
        .search_in(search.search_in)
        .any(search.any);
    let Some(text_query) = builder.build(&ast)? else {
        return Err(QueryError::at(&search.query, 0, super::NO_WORDS).into());
    };
    let positive = query::positive(&ast);
    let matchers = positive.map(|p| {
        (
            builder.matcher(&p, Text::Body),
            builder.matcher(&p, Text::Comments),
        )
    });
    let echo = filters::echo(searcher, search)?;
    let query = filters::apply(searcher, text_query, search, &echo.source_names);
    let addresses = oldest_first(searcher, &*query)?;
    let mut summary = KwicSummary {
        articles: addresses.len() as u64,
        ..KwicSummary::default()
    };
    let Some((body, comments)) = matchers else {
        return Ok(summary);
    };
    let reader = TextReader::default();
    for address in addresses {
        let article = searcher.article_at(address)?;
        let before = summary.lines;
        let mut emit = |comment: Option<usize>, text: &str, matcher: &crate::query::Matcher| {
            for [from, to] in merge(&matcher.find(text, &reader).spans) {
                summary.lines += 1;
                visit(line(&article, comment, text, from, to, request.width));
            }
        };
        if request.text != KwicText::Comments {
            emit(None, &article.body.join("\n"), &body);
        }
        if request.text != KwicText::Body {
            for (i, comment) in article.comments.iter().enumerate() {
                emit(Some(i + 1), comment, &comments);
            }
        }
        summary.articles_with_lines += u64::from(summary.lines > before);
    }
    Ok(summary)
}

/// The matching documents, oldest first, undated last, then by path.
fn oldest_first(searcher: &Searcher, query: &dyn tantivy::query::Query) -> Result<Vec<DocAddress>> {
    let engine = searcher.tantivy();
    let docs = usize::try_from(searcher.documents())
        .unwrap_or(usize::MAX)
        .max(1);
    let top = TopDocs::with_limit(docs).order_by_fast_field::<i64>("date", Order::Asc);
    let found = engine
        .search(query, &top)
        .map_err(|e| searcher.engine_error(e))?;
    Ok(found.into_iter().map(|(_, a)| a).collect())
}

/// The line of the occurrence `from..to` of `text`.
fn line(
    article: &StoredArticle,
    comment: Option<usize>,
    text: &str,
    from: usize,
    to: usize,
    width: usize,
) -> KwicLine {
    let before: Vec<&str> = text[..from].split_whitespace().collect();
    let left = before[before.len().saturating_sub(width)..].join(" ");
    let right = text[to..]
        .split_whitespace()
        .take(width)
        .collect::<Vec<_>>()
        .join(" ");
    KwicLine {
        id: article.id.clone(),
        path: article.path.clone(),
        date: article.date.clone(),
        source: article.source.clone(),
        comment,
        at: [from, to],
        left,
        matched: text[from..to]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        right,
    }
}
