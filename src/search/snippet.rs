//! Snippets: the quoted text of a hit, with the matched terms marked.
//!
//! A snippet is plain text plus byte ranges of the matches; there is no HTML
//! or terminal markup here (the binary adds bold and `…` on a terminal). The
//! body gets its best fragment; each comment is looked at on its own, so a
//! hit in a comment can say which comment it was ("comment 3 of 12").
//!
//! Matches come from a [`Matcher`] of the query (its positive part): a term
//! is marked where it occurs, a phrase where it occurs as a phrase, as one
//! range from its first word to its last. The fragment is the window of at
//! most [`FRAGMENT_BYTES`] bytes whose whole matches weigh most (rarer terms
//! weigh more, phrases twice their words); it never cuts a match, is widened
//! to whole words around it, and keeps the text's own punctuation. Whether
//! text was cut before or after it is said ([`Snippet::cut_before`],
//! [`Snippet::cut_after`]).
//!
//! An article's matching comments are ordered by how well they match: those
//! that satisfy the whole query on their own first (all its required words,
//! or its phrase), then those holding more of its terms, then by weight, then
//! in article order; so the comments quoted are the reason the article
//! matched.

use serde::Serialize;

use crate::article::cut_at_word;
use crate::document::StoredArticle;
use crate::query::{Found, Matcher, Span, TextReader, merge};

/// Length of a fragment, in bytes: at most this many, unless a single match
/// is longer.
pub const FRAGMENT_BYTES: usize = 160;
/// Most characters of punctuation kept after the last word of a fragment.
const MAX_TRAILING_PUNCTUATION: usize = 4;
/// Most matching comments quoted per hit by default.
pub const MAX_COMMENT_SNIPPETS: usize = 3;
/// Length of the lede quoted for a query without words (`*`), in
/// characters: a fragment's length.
const LEDE_MAX_CHARS: usize = FRAGMENT_BYTES;

/// A fragment of text with the byte ranges of its matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The fragment, exactly as in the text.
    pub text: String,
    /// Byte ranges `[start, end)` of the matches within `text`: a term, or a
    /// whole phrase.
    pub highlights: Vec<[usize; 2]>,
    /// Whether the text goes on before the fragment.
    pub cut_before: bool,
    /// Whether the text goes on after the fragment.
    pub cut_after: bool,
}

/// A matching comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommentSnippet {
    /// 1-based position of the comment in the article.
    pub number: usize,
    /// Number of comments of the article.
    pub of: usize,
    /// The fragment of the comment (or the whole comment, see
    /// `Searcher::matching_comments`).
    pub snippet: Snippet,
}

/// The snippets of one hit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Snippets {
    /// Best fragment of the body (the lede's start when no term matched it).
    pub body: Option<Snippet>,
    /// Number of comments that match.
    pub comments_matched: usize,
    /// The best matching comments, best first (see the module docs).
    pub comments: Vec<CommentSnippet>,
}

impl Snippets {
    /// The start of the body, unmarked: for queries without words (`*`).
    pub(crate) fn lede(article: &StoredArticle) -> Snippets {
        Snippets {
            body: lede(article),
            ..Snippets::default()
        }
    }
}

/// Snippet makers for the body and the comments of one query.
pub(crate) struct Generators {
    body: Matcher,
    comments: Matcher,
    reader: TextReader,
    max_comments: usize,
}

impl Generators {
    /// Generators that mark what `body` and `comments` find, quoting at most
    /// `max_comments` comments a hit.
    pub(crate) fn new(body: Matcher, comments: Matcher, max_comments: usize) -> Generators {
        Generators {
            body,
            comments,
            reader: TextReader::default(),
            max_comments,
        }
    }

    /// The comments' matcher (to tell from the index which articles have
    /// a comment that it can find anything in).
    pub(crate) fn comments(&self) -> &Matcher {
        &self.comments
    }

    /// The snippets of one article; `comments`: whether any of its comments
    /// may match (when the index says none can, none is read).
    pub(crate) fn snippets(&self, article: &StoredArticle, comments: bool) -> Snippets {
        // Paragraphs joined by spaces (same byte length as the stored `\n`),
        // so a fragment that spans two paragraphs reads as one line.
        let body_text = article.body.join(" ");
        let found = self.body.find(&body_text, &self.reader);
        let body = fragment(&body_text, &found).or_else(|| lede(article));
        let ranked = match comments {
            true => self.ranked_comments(article),
            false => Vec::new(),
        };
        Snippets {
            body,
            comments_matched: ranked.len(),
            comments: ranked
                .into_iter()
                .take(self.max_comments)
                .map(|(i, found)| CommentSnippet {
                    number: i + 1,
                    of: article.comments.len(),
                    snippet: fragment(&article.comments[i], &found)
                        .unwrap_or_else(|| whole(&article.comments[i], &found)),
                })
                .collect(),
        }
    }

    /// Every matching comment of the article, whole, with its matches
    /// marked, in article order (`newsidx show --matching`).
    pub(crate) fn matching_comments(&self, article: &StoredArticle) -> Vec<CommentSnippet> {
        let mut ranked = self.ranked_comments(article);
        ranked.sort_by_key(|(i, _)| *i);
        ranked
            .into_iter()
            .map(|(i, found)| CommentSnippet {
                number: i + 1,
                of: article.comments.len(),
                snippet: whole(&article.comments[i], &found),
            })
            .collect()
    }

    /// The matching comments (index, matches), best first.
    fn ranked_comments(&self, article: &StoredArticle) -> Vec<(usize, Found)> {
        let mut ranked: Vec<(usize, Found)> = article
            .comments
            .iter()
            .enumerate()
            .map(|(i, c)| (i, self.comments.find(c, &self.reader)))
            .filter(|(_, found)| !found.spans.is_empty())
            .collect();
        ranked.sort_by(|(ia, a), (ib, b)| {
            b.satisfied
                .cmp(&a.satisfied)
                .then(b.distinct.cmp(&a.distinct))
                .then(b.score.total_cmp(&a.score))
                .then(ia.cmp(ib))
        });
        ranked
    }
}

/// The whole text with every match marked.
fn whole(text: &str, found: &Found) -> Snippet {
    Snippet {
        text: text.to_string(),
        highlights: merge(&found.spans),
        cut_before: false,
        cut_after: false,
    }
}

/// The best fragment of `text` for the matches `found`, or `None` when
/// there are none.
fn fragment(text: &str, found: &Found) -> Option<Snippet> {
    let spans = &found.spans;
    // The window that starts at a match and holds the heaviest whole
    // matches; the earliest wins a tie.
    let mut best: Option<(f32, usize, usize)> = None;
    for (i, first) in spans.iter().enumerate() {
        let limit = first.from + FRAGMENT_BYTES;
        let (mut score, mut end) = (first.weight, first.to);
        for s in &spans[i + 1..] {
            if s.from >= limit {
                break;
            }
            if s.to <= limit {
                score += s.weight;
                end = end.max(s.to);
            }
        }
        if best.is_none_or(|(b, _, _)| score > b) {
            best = Some((score, first.from, end));
        }
    }
    let (_, start, end) = best?;
    let (start, end) = widen(text, start, end, spans);
    let (start, end) = trim(text, start, end);
    let highlights = merge(
        &spans
            .iter()
            .filter(|s| s.from >= start && s.to <= end)
            .copied()
            .collect::<Vec<_>>(),
    )
    .into_iter()
    .map(|[a, b]| [a - start, b - start])
    .collect();
    Some(Snippet {
        text: text[start..end].to_string(),
        highlights,
        cut_before: !text[..start].trim().is_empty(),
        cut_after: !text[end..].trim().is_empty(),
    })
}

/// Widens `start..end` to about [`FRAGMENT_BYTES`] bytes of whole words: a
/// little context before, the rest after; never into a match that would be
/// cut.
fn widen(text: &str, start: usize, end: usize, spans: &[Span]) -> (usize, usize) {
    let budget = FRAGMENT_BYTES.saturating_sub(end - start);
    let before = budget / 3;
    let mut from = if start <= before {
        0
    } else {
        let candidate = floor_boundary(text, start - before);
        text[candidate..start]
            .find(char::is_whitespace)
            .map_or(start, |i| candidate + i)
    };
    let after = budget - (start - from);
    let mut to = if end + after >= text.len() {
        text.len()
    } else {
        let candidate = floor_boundary(text, end + after);
        let cut = text[end..candidate]
            .rfind(char::is_whitespace)
            .map_or(end, |i| end + i);
        // Keep the punctuation that ends the last word ("on you.").
        cut + text[cut..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !c.is_alphanumeric())
            .take(MAX_TRAILING_PUNCTUATION)
            .map(char::len_utf8)
            .sum::<usize>()
    };
    for s in spans {
        if s.from < from && from < s.to {
            from = s.to;
        }
        if s.from < to && to < s.to {
            to = s.from;
        }
    }
    (from.min(start), to.max(end))
}

/// `start..end` without white space at either end.
fn trim(text: &str, start: usize, end: usize) -> (usize, usize) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let tail = piece.len() - piece.trim_end().len();
    if lead == piece.len() {
        return (start, start);
    }
    (start + lead, end - tail)
}

/// The largest character boundary at or before `i`.
fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The body's first characters, cut at a word boundary.
fn lede(article: &StoredArticle) -> Option<Snippet> {
    let first = article.body.first()?;
    let text = cut_at_word(first, LEDE_MAX_CHARS)
        .unwrap_or(first)
        .to_string();
    let cut_after = text.len() < first.trim_end().len() || article.body.len() > 1;
    Some(Snippet {
        text,
        highlights: Vec::new(),
        cut_before: false,
        cut_after,
    })
}

#[cfg(test)]
mod tests;
