//! The query language: from the text a person types to a tantivy query.
//!
//! newsidx parses queries itself rather than with tantivy's `QueryParser`,
//! for three reasons: errors must say where the query is wrong (column and
//! what was expected), prefixes must match words as written (tantivy's parser
//! has no term wildcard), and words must be searched in several fields with
//! per-field boosts.
//!
//! # Syntax
//!
//! | form | meaning |
//! |---|---|
//! | `storm surge` | both words (all words are required by default; `--any` makes them alternatives) |
//! | `"flood insurance"` | the exact phrase |
//! | `"insurance flood"~3` | the words within 3 position moves of each other (at most [`MAX_SLOP`]) |
//! | `bank*` | any word that starts with `bank`, as written |
//! | `"petro* company"` | a phrase whose starred words are prefixes (matched as written) |
//! | `=banking`, `="bank of"` | the word or phrase as written: not its other forms |
//! | `oil~1`, `oil~2` | any word within 1 or 2 edits of `oil`, as written (`oli`, `soil`, `oils`) |
//! | `merger OR acquisition` | either; `AND` binds tighter than `OR`, and than juxtaposition |
//! | `storm NOT insurance`, `storm -insurance` | excludes articles that match |
//! | `+storm surge` | `storm` is required (useful with `--any`) |
//! | `(merger OR takeover) bank` | grouping |
//! | `headline:storm`, `body:"sea wall"`, `comments:(refund OR scam)` | one field; also `source:`; any other `name:` is an error (quote it to search the words) |
//! | `storm^2` | weighs a word, phrase or group |
//! | `*` | every article (for filters, facets and timelines) |
//!
//! Plain words are analyzed like the text they are matched against:
//! lowercased, folded to ASCII and stemmed, so `Banks` finds `banking`. A
//! word of several tokens (`U.S.`, `e-mail`) is searched as a phrase.
//! Prefixes, `=` words, fuzzy words and phrases with a prefix are matched
//! against the words as written (lowercased and folded, not stemmed), which
//! the index keeps beside the stems (`body_words`, ...): `banki*` finds
//! "banking" and never "banks". A prefix matches every such word; the
//! [`MAX_PREFIX_TERMS`] most frequent are scored by BM25, the others match
//! with no score of their own. A word starting with `*` (`*il`), a `*` inside
//! a word, and `~` after a word with anything but 1 or 2 (`oil~3`) are
//! errors, not quietly other queries; so is a query with no word of letters
//! or digits at all (`""`, `+`, an emoji).
//!
//! With `--any`, plain words that are English function words (`the`, `what`,
//! `has`: the Snowball project's English stop list) are left out, unless nothing
//! else would be searched: as alternatives they would match every article.
//! Quoted, required (`+the`), field-qualified, exact and boosted words stay.
//! Words joined by `AND` stay required: `a AND b c` is `(a AND b) OR c`.
//!
//! Inside the crate, one parsed query gives both the tantivy query and the
//! matcher that marks the same query in a text for snippets.

pub(crate) mod build;
mod exclusion;
mod lex;
pub(crate) mod matcher;
mod parse;
mod verified;

pub use build::MAX_PHRASE_EXPANSIONS;
pub(crate) use build::{QueryBuilder, Text};
pub(crate) use matcher::{Found, Matcher, Span, TextReader, merge};
pub use parse::MAX_SLOP;
pub(crate) use parse::{Form, Node, parse, positive};

/// The plain words of a query with their field and byte range (see
/// [`crate::search`]'s spelling suggestions).
pub(crate) fn plain_words(input: &str) -> Result<Vec<(Option<String>, usize, usize)>, QueryError> {
    lex::plain_words(input)
}

/// Most terms a prefix expands to.
pub const MAX_PREFIX_TERMS: usize = 64;

/// A malformed query or filter, with the place it went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct QueryError {
    /// The query (or filter value) as given.
    pub input: String,
    /// 1-based column (in characters) of the problem, when there is one.
    pub column: Option<usize>,
    /// What is wrong and what was expected.
    pub message: String,
    /// The filter of the request the error is about, when it is one.
    pub filter: Option<Filter>,
}

/// The filter of a search request that a [`QueryError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Filter {
    /// A source filter ([`crate::search::SearchRequest::source`]).
    Source,
    /// The date range ([`crate::search::SearchRequest::dates`]).
    Dates,
    /// The timeline's period, over the date range.
    Timeline,
}

impl Filter {
    fn name(self) -> &'static str {
        match self {
            Filter::Source => "source filter",
            Filter::Dates => "date range",
            Filter::Timeline => "timeline by",
        }
    }
}

impl QueryError {
    /// An error at byte offset `at` of `input`.
    pub fn at(input: &str, at: usize, message: impl Into<String>) -> QueryError {
        let column = input
            .get(..at.min(input.len()))
            .map_or(1, |head| head.chars().count() + 1);
        QueryError {
            input: input.to_string(),
            column: Some(column),
            message: message.into(),
            filter: None,
        }
    }

    /// An error about a whole value (a date, an id).
    pub fn value(input: &str, message: impl Into<String>) -> QueryError {
        QueryError {
            input: input.to_string(),
            column: None,
            message: message.into(),
            filter: None,
        }
    }

    /// An error about the value of a filter of the request.
    pub(crate) fn filter(filter: Filter, input: &str, message: impl Into<String>) -> QueryError {
        QueryError {
            filter: Some(filter),
            ..QueryError::value(input, message)
        }
    }

    fn render(&self) -> String {
        match self.column {
            Some(column) => {
                let shown: String = self
                    .input
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                format!(
                    "malformed query at column {column}: {}\n  {shown}\n  {}^",
                    self.message,
                    " ".repeat(column - 1)
                )
            }
            None => {
                let what = self.filter.map_or("value", Filter::name);
                format!("invalid {what} {:?}: {}", self.input, self.message)
            }
        }
    }
}

#[cfg(test)]
mod tests;
