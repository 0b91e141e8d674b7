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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn partial_dates_cover_their_period() {
        let start = |t| parse_date_filter(t, DateEnd::Start).unwrap();
        let end = |t| parse_date_filter(t, DateEnd::End).unwrap();
        assert_eq!(start("2019"), date!(2019 - 01 - 01));
        assert_eq!(end("2019"), date!(2019 - 12 - 31));
        assert_eq!(start("2020-02"), date!(2020 - 02 - 01));
        assert_eq!(end("2020-02"), date!(2020 - 02 - 29));
        assert_eq!(end("2019-02"), date!(2019 - 02 - 28));
        assert_eq!(end("2019-04"), date!(2019 - 04 - 30));
        assert_eq!(start("2019-04-07"), date!(2019 - 04 - 07));
        assert_eq!(end("2019-04-07"), date!(2019 - 04 - 07));
        assert_eq!(start(" 2019 "), date!(2019 - 01 - 01));
        assert_eq!(start("0001"), date!(0001 - 01 - 01));
        assert_eq!(start("1665-11"), date!(1665 - 11 - 01));
        assert_eq!(end("9999"), date!(9999 - 12 - 31));
    }

    #[test]
    fn malformed_dates_are_value_errors() {
        for text in [
            "",
            "19",
            "20190",
            "2019-1",
            "2019-13",
            "2019-00",
            "2019-02-30",
            "2019-1-01",
            "2019-01-1",
            "2019-01-01-01",
            "2019/01/01",
            "0000",
            "10000",
            "２０１９",
            "-2019",
            "2019-",
            "yesterday",
        ] {
            for end in [DateEnd::Start, DateEnd::End] {
                let e = parse_date_filter(text, end).expect_err(text);
                assert_eq!(e.column, None, "{text:?}");
                assert!(e.to_string().contains("YYYY-MM-DD"), "{e}");
            }
        }
    }

    fn config(default_cases: u32) -> ProptestConfig {
        // NEWSIDX_PROPTEST_CASES raises (or lowers) the count for long runs.
        let cases = std::env::var("NEWSIDX_PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default_cases);
        ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    proptest! {
        #![proptest_config(config(2_000))]

        #[test]
        fn arbitrary_date_filters_never_panic(text in any::<String>()) {
            for end in [DateEnd::Start, DateEnd::End] {
                if let Err(e) = parse_date_filter(&text, end) {
                    prop_assert_eq!(e.column, None);
                }
            }
        }

        #[test]
        fn date_like_filters_never_panic(text in "[0-9]{0,5}(-[0-9]{0,3}){0,4}") {
            let start = parse_date_filter(&text, DateEnd::Start);
            let end = parse_date_filter(&text, DateEnd::End);
            // Both ends accept the same texts, and a period never ends
            // before it starts.
            prop_assert_eq!(start.is_ok(), end.is_ok());
            if let (Ok(start), Ok(end)) = (start, end) {
                prop_assert!(start <= end);
                prop_assert!((1..=9999).contains(&start.year()));
            }
        }

        #[test]
        fn full_dates_round_trip(y in 1i32..=9999, m in 1u8..=12, d in 1u8..=31) {
            let text = format!("{y:04}-{m:02}-{d:02}");
            let expected = time::Month::try_from(m)
                .ok()
                .and_then(|month| time::Date::from_calendar_date(y, month, d).ok());
            for end in [DateEnd::Start, DateEnd::End] {
                prop_assert_eq!(parse_date_filter(&text, end).ok(), expected);
            }
        }
    }
}
