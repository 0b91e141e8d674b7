//! Searching: [`Archive::search`] with a [`SearchRequest`], giving
//! [`SearchResults`].
//!
//! One pass over the matching documents collects the page of hits, the total
//! count, and (when asked) the facet and timeline counts; then the page's
//! documents are loaded and their snippets made.
//!
//! A query without searchable words (`""`, `+`, an emoji alone) is a usage
//! error rather than "0 articles"; so is a `--source` that names no source of
//! the index ([`crate::sources`]). Whether an index's first indexing run is
//! still going, with nothing committed yet, [`Archive::first_run_in_progress`]
//! tells; `newsidx search` says so rather than "0 articles".

use std::ops::Bound;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, EmptyQuery, ExistsQuery, Occur, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};
use time::{Date, Month};

use crate::archive::Archive;
use crate::article::format_date;
use crate::error::Result;
use crate::query::{self, FieldWeights, Matcher, QueryBuilder, QueryError, SearchIn, Text};
use crate::schema::date_value;
use crate::snippet::{self, MAX_COMMENT_SNIPPETS, Snippets};
use crate::sources;
use crate::tally::{Facets, Period, Tally, Timeline};

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
    /// case) or words in a row of a name (see [`crate::sources`]).
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
    /// Make snippets for hits.
    pub snippets: bool,
    /// Most matching comments quoted per hit.
    pub comment_snippets: usize,
    /// Field weights.
    pub weights: FieldWeights,
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
            snippets: true,
            comment_snippets: MAX_COMMENT_SNIPPETS,
            weights: FieldWeights::default(),
        }
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
    /// Quoted text with the matched terms marked.
    pub snippets: Snippets,
}

/// The filters a search ran with, as the results echo them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filters {
    /// `--from`, as the first day it stands for (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// `--to`, as the last day it stands for.
    pub to: Option<String>,
    /// `--source` values, as given.
    pub sources: Vec<String>,
    /// The source names they name.
    pub source_names: Vec<String>,
    /// `--unknown-source`: articles without a source are kept.
    pub unknown_source: bool,
    /// `--in`: where unqualified words are searched.
    #[serde(rename = "in")]
    pub search_in: SearchIn,
    /// `--any`: juxtaposed words are alternatives.
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
}

/// The message of a query without searchable words.
pub(crate) const NO_WORDS: &str = "the query has no searchable words: words are made of letters and digits (* alone finds every article)";

impl Archive {
    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let started = Instant::now();
        let searcher = self.reader().searcher();
        let ast = query::parse(&request.query)?;
        let mut builder = self.builder(&searcher, request);
        let Some(text_query) = builder.build(&ast)? else {
            return Err(QueryError::at(&request.query, 0, NO_WORDS).into());
        };
        let matchers = (request.snippets && request.limit > 0)
            .then(|| query::positive(&ast))
            .flatten()
            .map(|positive| {
                (
                    builder.matcher(&positive, Text::Body),
                    builder.matcher(&positive, Text::Comments),
                )
            });
        let filters = self.filters(&searcher, request)?;
        let query = self.with_filters(text_query, request, &filters.source_names)?;
        let tally = Tally::new(request.facet_sources, request.facet_years, request.timeline);
        // There are never more hits than documents: clamping the page keeps
        // tantivy from overflowing `offset + limit` or sizing its buffers for
        // a huge page.
        let docs = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
        let limit = request.limit.clamp(1, docs.max(1));
        let offset = request.offset.min(docs);
        let (top, total, counts) = match request.sort {
            SortOrder::Relevance => {
                let top = TopDocs::with_limit(limit)
                    .and_offset(offset)
                    .order_by_score();
                let (top, total, counts) = searcher
                    .search(&*query, &(top, Count, tally))
                    .map_err(|e| self.engine_error(e))?;
                let top: Vec<(Option<f32>, DocAddress)> =
                    top.into_iter().map(|(s, a)| (Some(s), a)).collect();
                (top, total, counts)
            }
            SortOrder::Newest | SortOrder::Oldest => {
                let order = if request.sort == SortOrder::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let top = TopDocs::with_limit(limit)
                    .and_offset(offset)
                    .order_by_fast_field::<i64>("date", order);
                let (top, total, counts) = searcher
                    .search(&*query, &(top, Count, tally))
                    .map_err(|e| self.engine_error(e))?;
                let top: Vec<(Option<f32>, DocAddress)> =
                    top.into_iter().map(|(_, a)| (None, a)).collect();
                (top, total, counts)
            }
        };
        let top = if request.limit == 0 { Vec::new() } else { top };
        let hits = self.hits(&searcher, &top, matchers, request)?;
        let (facets, timeline) = match counts {
            Some(c) => c.finish(request)?,
            None => (None, None),
        };
        Ok(SearchResults {
            query: request.query.clone(),
            filters,
            total: total as u64,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            offset: request.offset,
            limit: request.limit,
            hits,
            facets,
            timeline,
        })
    }

    fn builder<'a>(&'a self, searcher: &'a Searcher, request: &SearchRequest) -> QueryBuilder<'a> {
        QueryBuilder::new(searcher, self.fields())
            .weights(request.weights)
            .search_in(request.search_in)
            .any(request.any)
    }

    /// The filters of the request, with the source names its `--source`
    /// values name; a value that names none is an error.
    fn filters(&self, searcher: &Searcher, request: &SearchRequest) -> Result<Filters> {
        if let (Some(from), Some(to)) = (request.from, request.to)
            && from > to
        {
            return Err(QueryError::value(
                &format!("--from {from} --to {to}"),
                "the start date is after the end date",
            )
            .into());
        }
        let mut source_names = Vec::new();
        if !request.sources.is_empty() {
            let names = sources::names(searcher).map_err(|e| self.engine_error(e))?;
            for value in &request.sources {
                for name in sources::resolve(value, &names)? {
                    if !source_names.iter().any(|n| n == name) {
                        source_names.push(name.to_string());
                    }
                }
            }
        }
        Ok(Filters {
            from: request.from.map(format_date),
            to: request.to.map(format_date),
            sources: request.sources.clone(),
            source_names,
            unknown_source: request.unknown_source,
            search_in: request.search_in,
            any: request.any,
        })
    }

    /// Adds the date and source filters to the text query.
    fn with_filters(
        &self,
        text: Box<dyn Query>,
        request: &SearchRequest,
        source_names: &[String],
    ) -> Result<Box<dyn Query>> {
        let fields = self.fields();
        let mut filters: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if request.from.is_some() || request.to.is_some() {
            let bound = |date: Option<Date>| match date {
                Some(d) => Bound::Included(Term::from_field_i64(fields.date, date_value(d))),
                None => Bound::Unbounded,
            };
            filters.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(request.from), bound(request.to))),
            ));
        }
        if !request.sources.is_empty() || request.unknown_source {
            let mut any_source: Vec<(Occur, Box<dyn Query>)> = source_names
                .iter()
                .map(|name| {
                    let term = Term::from_field_text(fields.source, name);
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            if request.unknown_source {
                let without: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (Occur::Must, Box::new(AllQuery)),
                    (
                        Occur::MustNot,
                        Box::new(ExistsQuery::new("source".to_string(), false)),
                    ),
                ]));
                any_source.push((Occur::Should, without));
            }
            let filter: Box<dyn Query> = if any_source.is_empty() {
                Box::new(EmptyQuery)
            } else {
                Box::new(BooleanQuery::new(any_source))
            };
            filters.push((Occur::Must, filter));
        }
        if filters.is_empty() {
            return Ok(text);
        }
        // Filters must not change the ranking: only the text query scores.
        let filter = Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(filters)),
            0.0,
        ));
        Ok(Box::new(BooleanQuery::new(vec![
            (Occur::Must, text),
            (Occur::Must, filter),
        ])))
    }

    /// Whether the index is empty, has never been committed to by an
    /// indexing run (it records no archive), and an indexer holds its lock:
    /// its first run is still going, and a search that finds nothing says
    /// nothing of the archive yet. `newsidx search` then reports
    /// [`crate::Error::IndexingInProgress`] rather than "0 articles".
    ///
    /// The lock is tried only then, and released at once; tantivy offers no
    /// way to look at a lock without trying it. An indexer starting in that
    /// same instant would find the index busy and say so.
    pub fn first_run_in_progress(&self) -> Result<bool> {
        if self.reader().searcher().num_docs() > 0 || self.record()?.archive.is_some() {
            return Ok(false);
        }
        Ok(writer_lock_held(self.path()))
    }

    fn hits(
        &self,
        searcher: &Searcher,
        top: &[(Option<f32>, DocAddress)],
        matchers: Option<(Matcher, Matcher)>,
        request: &SearchRequest,
    ) -> Result<Vec<Hit>> {
        let generators = matchers.map(|(body, comments)| {
            snippet::Generators::new(body, comments, request.comment_snippets)
        });
        let root = if top.is_empty() {
            None
        } else {
            self.record()?.archive
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(*address).map_err(|e| self.engine_error(e))?;
            let article = crate::show::from_doc(self.fields(), &doc);
            let snippets = match (&generators, request.snippets) {
                (Some(g), _) => g.snippets(&article),
                (None, true) => Snippets::lede(&article),
                (None, false) => Snippets::default(),
            };
            hits.push(Hit {
                file: root.as_deref().map(|r| file_of(r, &article.path)),
                id: article.id,
                path: article.path,
                date: article.date,
                source: article.source,
                headline: article.headline,
                score: *score,
                comment_count: article.comments.len(),
                snippets,
            });
        }
        Ok(hits)
    }
}

/// The absolute path of an article file: the archive folder and the
/// `/`-separated path relative to it.
fn file_of(root: &Path, rel: &str) -> String {
    rel.split('/')
        .fold(root.to_path_buf(), |path, part| path.join(part))
        .to_string_lossy()
        .into_owned()
}

/// Whether another process (or handle) holds the index writer's lock.
fn writer_lock_held(index: &Path) -> bool {
    let Ok(directory) = MmapDirectory::open(index) else {
        return false;
    };
    matches!(
        directory.acquire_lock(&INDEX_WRITER_LOCK),
        Err(LockError::LockBusy)
    )
}

/// Which end of a period a partial date stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateEnd {
    /// The first day (`--from 2019` is 2019-01-01).
    Start,
    /// The last day (`--to 2019` is 2019-12-31).
    End,
}

/// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` into the first or last day it
/// covers.
pub fn parse_date_filter(text: &str, end: DateEnd) -> Result<Date, QueryError> {
    let bad = || {
        QueryError::value(
            text,
            "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, from 0001 to 9999",
        )
    };
    let parts: Vec<&str> = text.trim().split('-').collect();
    let number = |s: &str, len: usize| -> Result<u32, QueryError> {
        if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let year = number(parts[0], 4)? as i32;
    if !(1..=9999).contains(&year) {
        return Err(bad());
    }
    let month = match parts.get(1) {
        Some(m) => Month::try_from(number(m, 2)? as u8).map_err(|_| bad())?,
        None if end == DateEnd::Start => Month::January,
        None => Month::December,
    };
    let day = match (parts.get(2), end) {
        (Some(d), _) => number(d, 2)? as u8,
        (None, DateEnd::Start) => 1,
        (None, DateEnd::End) => month.length(year),
    };
    if parts.len() > 3 {
        return Err(bad());
    }
    Date::from_calendar_date(year, month, day).map_err(|_| bad())
}
