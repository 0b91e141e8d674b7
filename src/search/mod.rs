//! Searching: a [`SearchRequest`] answered with [`SearchResults`] by
//! [`Searcher::search`](crate::Searcher::search) (or
//! [`Index::search`](crate::Index::search) on a fresh snapshot).
//!
//! The query is written in the newsidx query language ([`crate::query`]
//! describes it). One pass over the matching documents collects the page of
//! hits, the total count, and (when asked) the [`Facets`] and the
//! [`Timeline`]; then the page's documents are loaded and their
//! [`Snippets`] made: the best fragment of the body and the best matching
//! comments, with the byte ranges of the matches.
//!
//! A query without searchable words (`""`, `+`, an emoji alone) is an
//! [`Error::Query`](crate::Error::Query) rather than "0 articles"; so is a
//! source filter that names no source of the index.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let archive_dir = tempfile::tempdir()?;
//! # for (name, text) in [
//! #     ("000_a.txt", " date 2011-09-02 Storm Idalene reached the coast.\n© 2011 Example Herald"),
//! #     ("000_b.txt", " date 2012-03-01 The storm insurance claims were settled."),
//! # ] {
//! #     std::fs::write(archive_dir.path().join(name), text)?;
//! # }
//! # let index_dir = tempfile::tempdir()?;
//! use newsidx::Index;
//! use newsidx::search::{Period, SearchRequest, SortOrder, parse_date_filter, DateEnd};
//!
//! let index = Index::create(index_dir.path())?;
//! index.index_dir(archive_dir.path(), &Default::default())?;
//! let from = parse_date_filter("2011", DateEnd::Start)?;
//! let request = SearchRequest::new("storm")
//!     .dates(Some(from), None)
//!     .sort(SortOrder::Oldest)
//!     .facets(true, false)
//!     .timeline(Some(Period::Year));
//! let results = index.search(&request)?;
//! assert_eq!(results.total, 2);
//! assert_eq!(results.hits[0].date.as_deref(), Some("2011-09-02"));
//! let by_year: Vec<u64> = results.timeline.unwrap().buckets.iter().map(|b| b.count).collect();
//! assert_eq!(by_year, [1, 1]);
//! assert_eq!(results.facets.unwrap().unknown_source, Some(1));
//! # Ok(())
//! # }
//! ```

mod collapse;
pub(crate) mod counts;
mod filters;
mod kwic;
mod run;
mod similar;
mod snippet;
pub(crate) mod sources;
mod suggest;
pub(crate) mod timeline;

use serde::Serialize;
use time::Date;

pub use crate::query::build::{FieldWeights, SearchIn};
pub(crate) use collapse::KeyMap;
pub use filters::{DateEnd, parse_date_filter};
pub(crate) use kwic::kwic;
pub use kwic::{KwicLine, KwicRequest, KwicSummary, KwicText};
pub(crate) use run::{NO_WORDS, run};
pub use similar::MAX_TERMS as MAX_SIMILAR_TERMS;
pub(crate) use similar::similar;
pub(crate) use snippet::Generators;
pub use snippet::{CommentSnippet, FRAGMENT_BYTES, MAX_COMMENT_SNIPPETS, Snippet, Snippets};
pub use suggest::{Correction, MAX_EDITS, MAX_SUGGESTIONS, RARE, RATIO, Suggestion};
pub use timeline::{Count, Facets, MAX_BUCKETS, OtherSources, Period, SourceTimeline, Timeline};

/// Default page size.
pub const DEFAULT_LIMIT: usize = 10;

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Best BM25 score first.
    #[default]
    Relevance,
    /// Most recent first; undated articles last.
    Newest,
    /// Oldest first; undated articles last.
    Oldest,
}

/// A search: the query text and everything that shapes the results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchRequest {
    /// The query, in the newsidx query language (see [`crate::query`]).
    pub query: String,
    /// Only articles dated on or after this day.
    pub from: Option<Date>,
    /// Only articles dated on or before this day.
    pub to: Option<Date>,
    /// Only articles of these sources: each value is a whole name (any
    /// case) or words in a row of a name, as `source:` words in a query
    /// match them.
    pub sources: Vec<String>,
    /// Only (or also, with `sources`) articles without a source.
    pub unknown_source: bool,
    /// Which text unqualified words search.
    pub search_in: SearchIn,
    /// Juxtaposed words are alternatives (OR) rather than all required.
    pub any: bool,
    /// Order of hits.
    pub sort: SortOrder,
    /// Hits per page.
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Count matching articles per source.
    pub facet_sources: bool,
    /// Count matching articles per year.
    pub facet_years: bool,
    /// Count matching articles per period.
    pub timeline: Option<Period>,
    /// With a timeline: also count every article that passes the filters
    /// per period ([`Timeline::totals`]), for the matches' share.
    pub timeline_share: bool,
    /// With a timeline: a line per source for this many sources, the
    /// others summed ([`Timeline::sources`], [`Timeline::other_sources`]).
    pub timeline_by_source: Option<usize>,
    /// Make snippets for hits.
    pub snippets: bool,
    /// Most matching comments quoted per hit.
    pub comment_snippets: usize,
    /// Field weights.
    pub weights: FieldWeights,
    /// Suggest spellings for plain words that are missing or rare
    /// ("did you mean"; see [`Suggestion`]).
    pub suggest: bool,
    /// Show each story once (its best copy), with the count of its
    /// matching articles; `false`: every article.
    pub collapse: bool,
    /// What facets and timelines count: articles (the default) or stories.
    pub counted: Counted,
}

/// What facets and timelines count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    /// Matching articles: every copy of a story counts.
    #[default]
    Articles,
    /// Matching stories. In a timeline and the year facet, each story
    /// counts once, in the period of its earliest matching article
    /// (undated when none of them has a date): a timeline of stories shows
    /// when stories broke, not how widely they were reprinted. In the
    /// source facet, each story counts once for each source that ran a
    /// matching copy of it (unknown: a copy without a source).
    Stories,
}

impl SearchRequest {
    /// A request for `query` with the defaults: all words required, all
    /// fields, by relevance, 10 hits, with snippets.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            from: None,
            to: None,
            sources: Vec::new(),
            unknown_source: false,
            search_in: SearchIn::All,
            any: false,
            sort: SortOrder::Relevance,
            limit: DEFAULT_LIMIT,
            offset: 0,
            facet_sources: false,
            facet_years: false,
            timeline: None,
            timeline_share: false,
            timeline_by_source: None,
            snippets: true,
            comment_snippets: MAX_COMMENT_SNIPPETS,
            weights: FieldWeights::default(),
            suggest: false,
            collapse: true,
            counted: Counted::Articles,
        }
    }

    /// What facets and timelines count: matching articles (the default) or
    /// matching stories ([`Counted::Stories`] says how).
    pub fn counted(mut self, counted: Counted) -> Self {
        self.counted = counted;
        self
    }

    /// Each story once (the default), or every matching article (`false`).
    ///
    /// Collapsed, a page holds stories: each by its best copy (the best
    /// score, or the earliest or latest by date with [`SortOrder::Oldest`]
    /// or [`SortOrder::Newest`]), and [`Hit::copies`] counts its matching
    /// articles. Paging goes over stories, so a story is on one page only;
    /// [`SearchResults::total`] still counts articles.
    ///
    /// ```
    /// use newsidx::search::SearchRequest;
    /// let every_copy = SearchRequest::new("ferry fares").collapse(false);
    /// assert!(!every_copy.collapse && SearchRequest::new("x").collapse);
    /// ```
    pub fn collapse(mut self, on: bool) -> Self {
        self.collapse = on;
        self
    }

    /// Only articles dated in `from..=to` (either end may be open).
    pub fn dates(mut self, from: Option<Date>, to: Option<Date>) -> Self {
        self.from = from;
        self.to = to;
        self
    }

    /// Adds a source filter (repeatable: any of the sources).
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.sources.push(source.into());
        self
    }

    /// Keeps articles without a source (besides those of [`Self::source`],
    /// if any).
    pub fn unknown_source(mut self, on: bool) -> Self {
        self.unknown_source = on;
        self
    }

    /// Sets which text unqualified words search.
    pub fn search_in(mut self, search_in: SearchIn) -> Self {
        self.search_in = search_in;
        self
    }

    /// Makes juxtaposed words alternatives.
    pub fn any(mut self, any: bool) -> Self {
        self.any = any;
        self
    }

    /// Sets the order of hits.
    pub fn sort(mut self, sort: SortOrder) -> Self {
        self.sort = sort;
        self
    }

    /// Sets the page: `limit` hits after skipping `offset`.
    pub fn page(mut self, limit: usize, offset: usize) -> Self {
        self.limit = limit;
        self.offset = offset;
        self
    }

    /// Asks for source and/or year facets.
    pub fn facets(mut self, sources: bool, years: bool) -> Self {
        self.facet_sources = sources;
        self.facet_years = years;
        self
    }

    /// Asks for a timeline.
    pub fn timeline(mut self, period: Option<Period>) -> Self {
        self.timeline = period;
        self
    }

    /// With a timeline, asks for the totals of every period (a share).
    pub fn timeline_share(mut self, on: bool) -> Self {
        self.timeline_share = on;
        self
    }

    /// With a timeline, asks for a line per source for the `top` sources
    /// with most matches (`None`: no lines).
    pub fn timeline_by_source(mut self, top: Option<usize>) -> Self {
        self.timeline_by_source = top;
        self
    }

    /// Turns snippets on or off.
    pub fn snippets(mut self, on: bool) -> Self {
        self.snippets = on;
        self
    }

    /// Sets how many matching comments a hit quotes (all: `usize::MAX`).
    pub fn comment_snippets(mut self, most: usize) -> Self {
        self.comment_snippets = most;
        self
    }

    /// Turns spelling suggestions on or off (off by default).
    pub fn suggest(mut self, on: bool) -> Self {
        self.suggest = on;
        self
    }

    /// Sets the field weights.
    pub fn weights(mut self, weights: FieldWeights) -> Self {
        self.weights = weights;
        self
    }
}

/// One matching article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Article id (file stem).
    pub id: String,
    /// Path relative to the archive root.
    pub path: String,
    /// The file's absolute path (the archive folder the index records, and
    /// `path`); `None` before anything was indexed.
    pub file: Option<String>,
    /// `YYYY-MM-DD`, or `None` when undated.
    pub date: Option<String>,
    /// Publisher, or `None` when unknown.
    pub source: Option<String>,
    /// Headline.
    pub headline: String,
    /// BM25 score (`None` when sorted by date).
    pub score: Option<f32>,
    /// Number of comments of the article.
    pub comment_count: usize,
    /// The story id: the `id` of the earliest article among the syndicated
    /// copies of this article's body (its own `id` when it has none).
    pub story: String,
    /// Matching articles of this hit's story, itself included (1: no other
    /// copy matches).
    pub copies: u64,
    /// Quoted text with the matched terms marked.
    pub snippets: Snippets,
}

/// The filters a search ran with, as the results echo them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filters {
    /// [`SearchRequest::from`], `YYYY-MM-DD`.
    pub from: Option<String>,
    /// [`SearchRequest::to`], `YYYY-MM-DD`.
    pub to: Option<String>,
    /// [`SearchRequest::sources`], as given.
    pub sources: Vec<String>,
    /// The source names they name.
    pub source_names: Vec<String>,
    /// [`SearchRequest::unknown_source`]: articles without a source are kept.
    pub unknown_source: bool,
    /// [`SearchRequest::search_in`]: where unqualified words are searched.
    #[serde(rename = "in")]
    pub search_in: SearchIn,
    /// [`SearchRequest::any`]: juxtaposed words are alternatives.
    pub any: bool,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// The filters in force.
    pub filters: Filters,
    /// Number of matching articles (all of them, not just this page).
    pub total: u64,
    /// Number of distinct stories among the matching articles.
    pub stories: u64,
    /// Time taken, in milliseconds.
    pub took_ms: f64,
    /// Hits skipped.
    pub offset: usize,
    /// Page size asked for.
    pub limit: usize,
    /// The page of hits.
    pub hits: Vec<Hit>,
    /// Facet counts, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
    /// Timeline counts, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Timeline>,
    /// Spelling suggestions, best first (empty unless
    /// [`SearchRequest::suggest`] is on and a word looks misspelled).
    pub suggestions: Vec<Suggestion>,
}
