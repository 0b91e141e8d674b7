//! Snippets: the quoted text of a hit, with the matched terms marked.
//!
//! A snippet is plain text plus byte ranges of the matched terms; there is no
//! HTML or terminal markup here (the binary adds bold on a terminal). The
//! body gets its best fragment; each comment is looked at on its own, so a
//! hit in a comment can say which comment it was ("comment 3 of 12").

use serde::Serialize;
use tantivy::Searcher;
use tantivy::query::Query;
use tantivy::snippet::SnippetGenerator;

use crate::schema::Fields;
use crate::show::StoredArticle;

/// Length of a fragment, in characters.
pub const FRAGMENT_CHARS: usize = 160;
/// Most matching comments quoted per hit.
pub const MAX_COMMENT_SNIPPETS: usize = 3;

/// A fragment of text with the byte ranges of its matched terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The fragment.
    pub text: String,
    /// Byte ranges `[start, end)` of the matched terms within `text`.
    pub highlights: Vec<[usize; 2]>,
}

/// A matching comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommentSnippet {
    /// 1-based position of the comment in the article.
    pub number: usize,
    /// Number of comments of the article.
    pub of: usize,
    /// The fragment of the comment.
    pub snippet: Snippet,
}

/// The snippets of one hit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Snippets {
    /// Best fragment of the body (the lede's start when no term matched it).
    pub body: Option<Snippet>,
    /// Number of comments that match.
    pub comments_matched: usize,
    /// The first matching comments (at most [`MAX_COMMENT_SNIPPETS`]).
    pub comments: Vec<CommentSnippet>,
}

impl Snippets {
    /// The start of the body, unmarked: for queries without words (`*`).
    pub fn lede(article: &StoredArticle) -> Snippets {
        Snippets {
            body: lede(article),
            ..Snippets::default()
        }
    }
}

/// Snippet generators for the body and the comments of one query.
pub struct Generators {
    body: SnippetGenerator,
    comments: SnippetGenerator,
}

impl Generators {
    /// Generators for `query` (its positive part: excluded words are not
    /// marked).
    pub fn new(
        searcher: &Searcher,
        query: &dyn Query,
        fields: &Fields,
    ) -> tantivy::Result<Generators> {
        let make = |field| -> tantivy::Result<SnippetGenerator> {
            let mut generator = SnippetGenerator::create(searcher, query, field)?;
            generator.set_max_num_chars(FRAGMENT_CHARS);
            Ok(generator)
        };
        Ok(Generators {
            body: make(fields.body)?,
            comments: make(fields.comments)?,
        })
    }

    /// The snippets of one article.
    pub fn snippets(&self, article: &StoredArticle) -> Snippets {
        // Paragraphs joined by spaces (same byte length as the stored `\n`),
        // so a fragment that spans two paragraphs reads as one line.
        let body_text = article.body.join(" ");
        let body = convert(self.body.snippet(&body_text)).or_else(|| lede(article));
        let mut comments = Vec::new();
        let mut matched = 0;
        for (i, comment) in article.comments.iter().enumerate() {
            if let Some(snippet) = convert(self.comments.snippet(comment)) {
                matched += 1;
                if comments.len() < MAX_COMMENT_SNIPPETS {
                    comments.push(CommentSnippet {
                        number: i + 1,
                        of: article.comments.len(),
                        snippet,
                    });
                }
            }
        }
        Snippets {
            body,
            comments_matched: matched,
            comments,
        }
    }
}

/// A tantivy snippet with at least one match, as our [`Snippet`].
fn convert(snippet: tantivy::snippet::Snippet) -> Option<Snippet> {
    if snippet.highlighted().is_empty() {
        return None;
    }
    Some(Snippet {
        text: snippet.fragment().to_string(),
        highlights: snippet
            .highlighted()
            .iter()
            .map(|r| [r.start, r.end])
            .collect(),
    })
}

/// The body's first characters, cut at a word boundary.
fn lede(article: &StoredArticle) -> Option<Snippet> {
    let first = article.body.first()?;
    let text = match first.char_indices().nth(FRAGMENT_CHARS) {
        None => first.clone(),
        Some((cut, _)) => {
            let head = &first[..cut];
            let at = head
                .rfind(char::is_whitespace)
                .filter(|&i| i > cut / 2)
                .unwrap_or(cut);
            head[..at].trim_end().to_string()
        }
    };
    Some(Snippet {
        text,
        highlights: Vec::new(),
    })
}
