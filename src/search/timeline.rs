//! Facets and timelines: counts over all matching articles, not just the
//! page of hits, made from the per-day counts of [`super::counts`].
//!
//! A timeline covers every period from the first to the last matching one,
//! empty periods included; `from` and `to` widen it to their own periods, so
//! that the charts of two queries over the same range line up. Years,
//! months, ISO weeks and days are summed from the days.

use std::collections::BTreeMap;

use serde::Serialize;
use time::{Date, Duration, Month};

use super::counts::Counts;
use crate::article::format_date;
use crate::query::{Filter, QueryError};
use crate::schema::date_of_value;

/// Most buckets a timeline may have (a day timeline over 270 years).
pub const MAX_BUCKETS: usize = 100_000;

/// A timeline's bucket size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Calendar years (`2019`).
    Year,
    /// Calendar months (`2019-03`).
    Month,
    /// ISO 8601 weeks, Monday to Sunday (`2019-W09`).
    Week,
    /// Days (`2019-03-04`).
    Day,
}

impl Period {
    /// The first day of the period that holds `date`.
    pub fn start(self, date: Date) -> Date {
        match self {
            Period::Year => date
                .replace_month(Month::January)
                .and_then(|d| d.replace_day(1)),
            Period::Month => date.replace_day(1),
            Period::Week => {
                let back = date.weekday().number_days_from_monday();
                Ok(date
                    .checked_sub(Duration::days(i64::from(back)))
                    .unwrap_or(date))
            }
            Period::Day => Ok(date),
        }
        .unwrap_or(date)
    }

    /// The first day of the next period, if the calendar has one.
    fn next(self, start: Date) -> Option<Date> {
        match self {
            Period::Year => Date::from_calendar_date(start.year() + 1, Month::January, 1).ok(),
            Period::Month => {
                let (year, month) = match start.month() {
                    Month::December => (start.year() + 1, Month::January),
                    m => (start.year(), m.next()),
                };
                Date::from_calendar_date(year, month, 1).ok()
            }
            Period::Week => start.checked_add(Duration::days(7)),
            Period::Day => start.next_day(),
        }
    }

    /// The label of the period that starts on `start`.
    pub fn label(self, start: Date) -> String {
        match self {
            Period::Year => format!("{:04}", start.year()),
            Period::Month => format!("{:04}-{:02}", start.year(), u8::from(start.month())),
            Period::Week => {
                let (year, week, _) = start.to_iso_week_date();
                format!("{year:04}-W{week:02}")
            }
            Period::Day => format_date(start),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Period::Year => "year",
            Period::Month => "month",
            Period::Week => "week",
            Period::Day => "day",
        }
    }
}

/// A value with its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    /// The source name, or the period (`2019`, `2019-03`, `2019-W09`,
    /// `2019-03-04`).
    pub value: String,
    /// Matching articles.
    pub count: u64,
}

/// Facet counts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Facets {
    /// Matching articles per source, most first (when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Vec<Count>>,
    /// Matching articles without a source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown_source: Option<u64>,
    /// Matching articles per year, oldest first (when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<Vec<Count>>,
    /// Matching articles without a date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undated: Option<u64>,
}

/// Matching articles per period, every period from the first to the last
/// (empty ones included, so a chart shows the gaps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// The bucket size.
    pub period: Period,
    /// The buckets, oldest first.
    pub buckets: Vec<Count>,
    /// Matching articles without a date.
    pub undated: u64,
    /// With a share asked for ([`crate::search::SearchRequest::timeline_share`]):
    /// every article that passes the search's filters (any text), per
    /// bucket, in the order of `buckets`; a bucket's share is its count
    /// divided by this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals: Option<Vec<u64>>,
    /// With a share asked for: undated articles that pass the filters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undated_total: Option<u64>,
    /// With a timeline per source asked for
    /// ([`crate::search::SearchRequest::timeline_by_source`]): the sources
    /// with the most dated matches, most first, each over the same buckets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<SourceTimeline>>,
    /// With a timeline per source: the other sources summed, when there are
    /// more than asked for (so the lines of a bucket add up to its count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_sources: Option<OtherSources>,
}

/// One source's line of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceTimeline {
    /// The source's name; `None` for the articles without a source.
    pub source: Option<String>,
    /// Its matching articles per bucket of the timeline.
    pub counts: Vec<u64>,
    /// With a share: all its articles that pass the filters, per bucket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals: Option<Vec<u64>>,
}

/// The sources of a timeline beyond its top ones, summed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherSources {
    /// How many sources are summed here.
    pub sources: usize,
    /// Their matching articles per bucket.
    pub counts: Vec<u64>,
    /// With a share: all their articles that pass the filters, per bucket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals: Option<Vec<u64>>,
}

/// What a search asks to count: facets and a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Wanted {
    /// Matching articles per source.
    pub sources: bool,
    /// Matching articles per year.
    pub years: bool,
    /// Matching articles per period, over `from..=to` when given.
    pub timeline: Option<Period>,
    /// The first day of the search's date range.
    pub from: Option<Date>,
    /// The last day of the search's date range.
    pub to: Option<Date>,
    /// Totals per period beside the counts (a share).
    pub share: bool,
    /// A line per source, for this many sources (the rest summed).
    pub by_source: Option<usize>,
}

impl Wanted {
    /// Whether anything is to be counted.
    pub fn any(&self) -> bool {
        self.sources || self.years || self.timeline.is_some()
    }
}

impl Counts {
    /// Turns the counts into what `wanted` asks for. A timeline of more than
    /// [`MAX_BUCKETS`] periods is refused (a usage error that says how to
    /// narrow it).
    /// `totals` are the counts of every article that passes the filters,
    /// for a share.
    pub(crate) fn finish(
        self,
        wanted: &Wanted,
        totals: Option<&Counts>,
    ) -> Result<(Option<Facets>, Option<Timeline>), QueryError> {
        let facets = (wanted.sources || wanted.years).then(|| self.facets(wanted));
        let timeline = match wanted.timeline {
            Some(period) => {
                let (mut timeline, starts) =
                    self.timeline_and_starts(period, wanted.from, wanted.to)?;
                if let Some(totals) = totals {
                    let by_period = totals.by_period(period);
                    timeline.totals = Some(at(&by_period, &starts));
                    timeline.undated_total = Some(totals.undated);
                }
                if let Some(top) = wanted.by_source {
                    self.source_lines(&mut timeline, period, &starts, top, totals);
                }
                Some(timeline)
            }
            None => None,
        };
        Ok((facets, timeline))
    }

    /// The counts per source and period, keyed by source (`None`: unknown).
    fn by_source_period(&self, period: Period) -> BTreeMap<Option<String>, BTreeMap<Date, u64>> {
        let mut out: BTreeMap<Option<String>, BTreeMap<Date, u64>> = BTreeMap::new();
        for ((source, value), &n) in &self.source_days {
            if let Some(day) = date_of_value(*value) {
                *out.entry(source.clone())
                    .or_default()
                    .entry(period.start(day))
                    .or_default() += n;
            }
        }
        out
    }

    /// Fills the timeline's `sources` (the `top` with most matches in its
    /// buckets) and `other_sources`.
    fn source_lines(
        &self,
        timeline: &mut Timeline,
        period: Period,
        starts: &[Date],
        top: usize,
        totals: Option<&Counts>,
    ) {
        let matching = self.by_source_period(period);
        let all = totals.map(|t| t.by_source_period(period));
        let mut lines: Vec<(Option<String>, Vec<u64>)> = matching
            .iter()
            .map(|(source, per)| (source.clone(), at(per, starts)))
            .filter(|(_, counts)| counts.iter().any(|&n| n > 0))
            .collect();
        lines.sort_by(|a, b| {
            let sum = |c: &[u64]| c.iter().sum::<u64>();
            sum(&b.1).cmp(&sum(&a.1)).then_with(|| a.0.cmp(&b.0))
        });
        let totals_of = |source: &Option<String>| {
            all.as_ref().map(|all| {
                all.get(source)
                    .map_or(vec![0; starts.len()], |per| at(per, starts))
            })
        };
        let rest = lines.split_off(top.min(lines.len()));
        if !rest.is_empty() {
            let mut counts = vec![0; starts.len()];
            let mut rest_totals = all.as_ref().map(|_| vec![0; starts.len()]);
            for (source, line) in &rest {
                add_to(&mut counts, line);
                if let (Some(sum), Some(t)) = (&mut rest_totals, totals_of(source)) {
                    add_to(sum, &t);
                }
            }
            timeline.other_sources = Some(OtherSources {
                sources: rest.len(),
                counts,
                totals: rest_totals,
            });
        }
        timeline.sources = Some(
            lines
                .into_iter()
                .map(|(source, counts)| SourceTimeline {
                    totals: totals_of(&source),
                    source,
                    counts,
                })
                .collect(),
        );
    }

    fn facets(&self, wanted: &Wanted) -> Facets {
        let mut facets = Facets::default();
        if wanted.sources {
            let mut sources: Vec<Count> = self
                .sources
                .iter()
                .map(|(value, &count)| Count {
                    value: value.clone(),
                    count,
                })
                .collect();
            sources.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            facets.source = Some(sources);
            facets.unknown_source = Some(self.unknown_source);
        }
        if wanted.years {
            facets.year = Some(
                self.by_period(Period::Year)
                    .into_iter()
                    .map(|(start, count)| Count {
                        value: Period::Year.label(start),
                        count,
                    })
                    .collect(),
            );
            facets.undated = Some(self.undated);
        }
        facets
    }

    /// The counts summed per period, keyed by the period's first day.
    fn by_period(&self, period: Period) -> BTreeMap<Date, u64> {
        let mut out = BTreeMap::new();
        for (&value, &n) in &self.days {
            if let Some(day) = date_of_value(value) {
                *out.entry(period.start(day)).or_default() += n;
            }
        }
        out
    }

    /// The timeline alone.
    #[cfg(test)]
    fn timeline(
        &self,
        period: Period,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<Timeline, QueryError> {
        self.timeline_and_starts(period, from, to).map(|(t, _)| t)
    }

    /// The timeline, and the first day of each of its buckets.
    fn timeline_and_starts(
        &self,
        period: Period,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<(Timeline, Vec<Date>), QueryError> {
        let counts = self.by_period(period);
        let first = from
            .map(|d| period.start(d))
            .or_else(|| counts.keys().next().copied());
        let last = to
            .map(|d| period.start(d))
            .or_else(|| counts.keys().next_back().copied());
        let mut buckets = Vec::new();
        let mut starts = Vec::new();
        // Without a dated match, a timeline has a range only when both ends
        // are given.
        let anchored = !counts.is_empty() || (from.is_some() && to.is_some());
        if let (Some(first), Some(last), true) = (first, last, anchored) {
            let mut start = Some(first);
            while let Some(s) = start.filter(|s| *s <= last) {
                if buckets.len() == MAX_BUCKETS {
                    return Err(QueryError::filter(
                        Filter::Timeline,
                        period.name(),
                        format!(
                            "the timeline from {} to {} would have more than {MAX_BUCKETS} periods: \
                             choose a longer period, or narrow the date range",
                            period.label(first),
                            period.label(last)
                        ),
                    ));
                }
                buckets.push(Count {
                    value: period.label(s),
                    count: counts.get(&s).copied().unwrap_or(0),
                });
                starts.push(s);
                start = period.next(s);
            }
        }
        let timeline = Timeline {
            period,
            buckets,
            undated: self.undated,
            totals: None,
            undated_total: None,
            sources: None,
            other_sources: None,
        };
        Ok((timeline, starts))
    }
}

/// The values of `per` at each of `starts` (0 where it has none).
fn at(per: &BTreeMap<Date, u64>, starts: &[Date]) -> Vec<u64> {
    starts
        .iter()
        .map(|s| per.get(s).copied().unwrap_or(0))
        .collect()
}

/// Adds `other` to `sum`, bucket by bucket.
fn add_to(sum: &mut [u64], other: &[u64]) {
    for (s, o) in sum.iter_mut().zip(other) {
        *s += o;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::date_value;
    use time::macros::date;

    fn counts(days: &[(Date, u64)]) -> Counts {
        let mut counts = Counts::default();
        for &(day, n) in days {
            counts.days.insert(date_value(day), n);
        }
        counts
    }

    fn buckets(timeline: Timeline) -> Vec<(String, u64)> {
        timeline
            .buckets
            .into_iter()
            .map(|c| (c.value, c.count))
            .collect()
    }

    #[test]
    fn months_cross_years() {
        let c = counts(&[(date!(2019 - 11 - 30), 1), (date!(2020 - 02 - 01), 2)]);
        let got = buckets(c.timeline(Period::Month, None, None).unwrap());
        let want = [
            ("2019-11", 1),
            ("2019-12", 0),
            ("2020-01", 0),
            ("2020-02", 2),
        ];
        assert_eq!(got, want.map(|(v, n)| (v.to_string(), n)));
    }

    #[test]
    fn year_timeline_fills_gaps() {
        let c = counts(&[
            (date!(2001 - 05 - 01), 2),
            (date!(2003 - 01 - 01), 1),
            (date!(2003 - 07 - 09), 4),
        ]);
        let got = buckets(c.timeline(Period::Year, None, None).unwrap());
        assert_eq!(
            got,
            vec![("2001".into(), 2), ("2002".into(), 0), ("2003".into(), 5)]
        );
    }

    #[test]
    fn weeks_are_iso_weeks_from_monday() {
        // 2019-12-30 is the Monday of ISO week 2020-W01.
        let c = counts(&[(date!(2019 - 12 - 29), 1), (date!(2020 - 01 - 05), 2)]);
        let got = buckets(c.timeline(Period::Week, None, None).unwrap());
        assert_eq!(got, vec![("2019-W52".into(), 1), ("2020-W01".into(), 2)]);
        assert_eq!(
            Period::Week.start(date!(2020 - 01 - 05)),
            date!(2019 - 12 - 30)
        );
        let monday = Period::Week.start(date!(0001 - 01 - 07));
        assert_eq!(monday.weekday(), time::Weekday::Monday);
    }

    #[test]
    fn days_and_old_dates() {
        let c = counts(&[(date!(1665 - 11 - 16), 1), (date!(1665 - 11 - 18), 1)]);
        let got = buckets(c.timeline(Period::Day, None, None).unwrap());
        let want = [("1665-11-16", 1), ("1665-11-17", 0), ("1665-11-18", 1)];
        assert_eq!(got, want.map(|(v, n)| (v.to_string(), n)));
    }

    #[test]
    fn from_and_to_set_the_range() {
        let c = counts(&[(date!(2003 - 07 - 09), 4)]);
        let got = buckets(
            c.timeline(
                Period::Year,
                Some(date!(2001 - 06 - 01)),
                Some(date!(2005 - 01 - 01)),
            )
            .unwrap(),
        );
        let want = [
            ("2001", 0),
            ("2002", 0),
            ("2003", 4),
            ("2004", 0),
            ("2005", 0),
        ];
        assert_eq!(got, want.map(|(v, n)| (v.to_string(), n)));
        // One end given: the other is the last (or first) match.
        let got = buckets(
            c.timeline(Period::Year, Some(date!(2002 - 01 - 01)), None)
                .unwrap(),
        );
        assert_eq!(got, vec![("2002".into(), 0), ("2003".into(), 4)]);
        // Nothing dated matched: the range alone.
        let none = Counts::default();
        let got = buckets(
            none.timeline(
                Period::Month,
                Some(date!(2001 - 01 - 01)),
                Some(date!(2001 - 03 - 31)),
            )
            .unwrap(),
        );
        assert_eq!(got.len(), 3);
        assert!(
            none.timeline(Period::Month, Some(date!(2001 - 01 - 01)), None)
                .unwrap()
                .buckets
                .is_empty()
        );
    }

    #[test]
    fn the_last_day_of_the_calendar_ends_the_timeline() {
        let c = counts(&[(date!(9999 - 12 - 30), 1), (date!(9999 - 12 - 31), 1)]);
        for period in [Period::Year, Period::Month, Period::Week, Period::Day] {
            let t = c.timeline(period, None, None).unwrap();
            assert_eq!(
                t.buckets.iter().map(|b| b.count).sum::<u64>(),
                2,
                "{period:?}"
            );
        }
    }

    #[test]
    fn huge_timelines_are_refused() {
        let c = counts(&[(date!(0001 - 01 - 01), 1), (date!(9999 - 12 - 31), 1)]);
        let err = c.timeline(Period::Day, None, None).unwrap_err();
        assert_eq!(err.filter, Some(Filter::Timeline));
        assert!(err.to_string().contains("narrow the date range"), "{err}");
        assert_eq!(
            c.timeline(Period::Year, None, None).unwrap().buckets.len(),
            9999
        );
    }
}
