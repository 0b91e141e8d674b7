//! The filters of a search: its date range and its sources, as constant
//! clauses beside the text query, and echoed in the results.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, EmptyQuery, ExistsQuery, Occur, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::IndexRecordOption;
use time::{Date, Month};

use super::sources;
use super::{Filters, SearchRequest};
use crate::article::format_date;
use crate::error::Result;
use crate::query::{Filter, QueryError};
use crate::schema::date_value;
use crate::searcher::Searcher;

/// The filters of `request`, as the results echo them, with the source
/// names its source filters name; a value that names none, or a date range
/// that ends before it starts, is an error.
pub(super) fn echo(searcher: &Searcher, request: &SearchRequest) -> Result<Filters> {
    if let (Some(from), Some(to)) = (request.from, request.to)
        && from > to
    {
        return Err(QueryError::filter(
            Filter::Dates,
            &format!("{} to {}", format_date(from), format_date(to)),
            "the start date is after the end date",
        )
        .into());
    }
    let mut source_names = Vec::new();
    if !request.sources.is_empty() {
        let names = sources::names(searcher.tantivy()).map_err(|e| searcher.engine_error(e))?;
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

/// The text query with the date and source filters of `request`: a source
/// must be one of `source_names` (or none, with `unknown_source`). Filters
/// do not change the ranking: only the text query scores.
pub(super) fn apply(
    searcher: &Searcher,
    text: Box<dyn Query>,
    request: &SearchRequest,
    source_names: &[String],
) -> Box<dyn Query> {
    let fields = searcher.fields();
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
        filters.push((Occur::Must, source_filter(searcher, request, source_names)));
    }
    if filters.is_empty() {
        return text;
    }
    let filter = Box::new(ConstScoreQuery::new(
        Box::new(BooleanQuery::new(filters)),
        0.0,
    ));
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, text),
        (Occur::Must, filter),
    ]))
}

/// Articles of one of `source_names`, or without a source when asked.
fn source_filter(
    searcher: &Searcher,
    request: &SearchRequest,
    source_names: &[String],
) -> Box<dyn Query> {
    let mut any_source: Vec<(Occur, Box<dyn Query>)> = source_names
        .iter()
        .map(|name| {
            let term = Term::from_field_text(searcher.fields().source, name);
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
    if any_source.is_empty() {
        Box::new(EmptyQuery)
    } else {
        Box::new(BooleanQuery::new(any_source))
    }
}

/// Which end of a period a partial date stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateEnd {
    /// The first day (`2019` is 2019-01-01).
    Start,
    /// The last day (`2019` is 2019-12-31).
    End,
}

/// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (years 0001 to 9999) into the
/// first or last day it covers: what [`SearchRequest::dates`] takes.
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
