//! Searching: [`Archive::search`] with a [`SearchRequest`], giving
//! [`SearchResults`].
//!
//! One pass over the matching documents collects the page of hits, the total
//! count, and (when asked) the facet and timeline counts; then the page's
//! documents are loaded and their snippets made.

use std::ops::Bound;
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, DocAddress, Order, Searcher, TantivyDocument, Term};
use time::{Date, Month};

use crate::archive::Archive;
use crate::error::Result;
use crate::query::{self, FieldWeights, Node, QueryBuilder, QueryError, SearchIn};
use crate::snippet::{self, Snippets};
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
    /// Only articles of these sources (exact names, any case).
    pub sources: Vec<String>,
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
            search_in: SearchIn::All,
            any: false,
            sort: SortOrder::Relevance,
            limit: DEFAULT_LIMIT,
            offset: 0,
            facet_sources: false,
            facet_years: false,
            timeline: None,
            snippets: true,
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

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
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

impl Archive {
    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let started = Instant::now();
        let searcher = self.reader().searcher();
        let ast = query::parse(&request.query)?;
        let text_query = self.builder(&searcher, request).build(&ast);
        let highlight = self.highlight_query(&searcher, &ast, text_query.as_deref(), request);
        let query = self.with_filters(text_query, request)?;
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
                    .order_by_fast_field::<DateTime>("date", order);
                let (top, total, counts) = searcher
                    .search(&*query, &(top, Count, tally))
                    .map_err(|e| self.engine_error(e))?;
                let top: Vec<(Option<f32>, DocAddress)> =
                    top.into_iter().map(|(_, a)| (None, a)).collect();
                (top, total, counts)
            }
        };
        let top = if request.limit == 0 { Vec::new() } else { top };
        let hits = self.hits(&searcher, &top, highlight.as_deref(), request)?;
        let (facets, timeline) = counts.map_or((None, None), |c| c.finish(request));
        Ok(SearchResults {
            query: request.query.clone(),
            total: total as u64,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            offset: request.offset,
            limit: request.limit,
            hits,
            facets,
            timeline,
        })
    }

    /// The query that snippets highlight: the text query without its
    /// excluded parts. Most queries have none, and theirs is reused rather
    /// than built (and its prefixes expanded) a second time; without
    /// snippets there is nothing to build.
    fn highlight_query(
        &self,
        searcher: &Searcher,
        ast: &Node,
        text_query: Option<&dyn Query>,
        request: &SearchRequest,
    ) -> Option<Box<dyn Query>> {
        if !request.snippets || request.limit == 0 {
            return None;
        }
        match query::positive(ast) {
            Some(positive) if positive == *ast => text_query.map(|q| q.box_clone()),
            Some(positive) => self.builder(searcher, request).build(&positive),
            None => None,
        }
    }

    fn builder<'a>(&'a self, searcher: &'a Searcher, request: &SearchRequest) -> QueryBuilder<'a> {
        QueryBuilder::new(searcher, self.fields())
            .weights(request.weights)
            .search_in(request.search_in)
            .any(request.any)
    }

    /// Adds the date and source filters to the text query.
    fn with_filters(
        &self,
        text: Option<Box<dyn Query>>,
        request: &SearchRequest,
    ) -> Result<Box<dyn Query>> {
        let fields = self.fields();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        clauses.push((Occur::Must, text.unwrap_or_else(|| Box::new(EmptyQuery))));
        if let (Some(from), Some(to)) = (request.from, request.to)
            && from > to
        {
            return Err(QueryError::value(
                &format!("--from {from} --to {to}"),
                "the start date is after the end date",
            )
            .into());
        }
        if request.from.is_some() || request.to.is_some() {
            let bound = |date: Option<Date>| match date {
                Some(d) => Bound::Included(Term::from_field_date(fields.date, day_start(d))),
                None => Bound::Unbounded,
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(request.from), bound(request.to))),
            ));
        }
        if !request.sources.is_empty() {
            let any_source: Vec<(Occur, Box<dyn Query>)> = request
                .sources
                .iter()
                .map(|s| {
                    let term = Term::from_field_text(fields.source_key, &s.trim().to_lowercase());
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any_source))));
        }
        if clauses.len() == 1 {
            return Ok(clauses.remove(0).1);
        }
        // Filters must not change the ranking: only the text query scores.
        let filters: Vec<(Occur, Box<dyn Query>)> = clauses.split_off(1);
        let filter = Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(filters)),
            0.0,
        ));
        clauses.push((Occur::Must, filter));
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    fn hits(
        &self,
        searcher: &Searcher,
        top: &[(Option<f32>, DocAddress)],
        highlight: Option<&dyn Query>,
        request: &SearchRequest,
    ) -> Result<Vec<Hit>> {
        let generators = match (request.snippets, highlight) {
            (true, Some(q)) => Some(
                snippet::Generators::new(searcher, q, self.fields())
                    .map_err(|e| self.engine_error(e))?,
            ),
            _ => None,
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

/// Midnight UTC of a day, as the index stores dates.
pub(crate) fn day_start(date: Date) -> DateTime {
    DateTime::from_timestamp_secs(date.midnight().assume_utc().unix_timestamp())
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
            "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, between 1678 and 2261",
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
    if !(1678..=2261).contains(&year) {
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
