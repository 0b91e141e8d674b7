//! Dates of any year from 1 to 9999 (issue 15): they used to become
//! "undated" outside 1678–2261, tantivy's nanosecond range, without a word.
//! Each date round-trips through the index, filters, sorting, facets,
//! timelines, `show`, `stats` and the export.

use std::collections::BTreeMap;

use newsidx::search::Period;
use newsidx::search::{DateEnd, SearchRequest, SortOrder, parse_date_filter};
use newsidx::{Index, IndexOptions};

/// Article ids and their dates, oldest first.
const DATES: [(&str, &str); 6] = [
    ("000_0000000000000001", "0042-03-15"),
    ("000_0000000000000002", "1665-11-16"),
    ("000_0000000000000003", "1677-12-31"),
    ("000_0000000000000004", "1999-06-01"),
    ("000_0000000000000005", "2262-04-12"),
    ("000_0000000000000006", "9999-12-31"),
];

struct Fixture {
    index: Index,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

fn fixture() -> Fixture {
    let archive_dir = tempfile::tempdir().expect("archive folder");
    for (id, date) in DATES {
        std::fs::write(
            archive_dir.path().join(format!("{id}.txt")),
            format!(" date {date} The harbour chronicle of {date}.\n© 2000 Old Papers Ltd"),
        )
        .expect("write article");
    }
    std::fs::write(
        archive_dir.path().join("000_0000000000000007.txt"),
        " date 1665-02-30 A day that never was.",
    )
    .expect("write article");
    let index_dir = tempfile::tempdir().expect("index folder");
    let index = Index::create(index_dir.path()).expect("create");
    let options = IndexOptions {
        commit_every: None,
        memory_mb: 50,
        ..IndexOptions::default()
    };
    let report = index
        .index_dir(archive_dir.path(), &options)
        .expect("index");
    assert_eq!((report.added, report.undated), (7, 1));
    Fixture {
        index,
        _dirs: (archive_dir, index_dir),
    }
}

fn day(text: &str, end: DateEnd) -> time::Date {
    parse_date_filter(text, end).expect("a date filter")
}

fn dated_ids(archive: &Index, request: SearchRequest) -> Vec<(String, Option<String>)> {
    archive
        .search(&request.page(100, 0).snippets(false))
        .expect("search")
        .hits
        .into_iter()
        .map(|h| (h.id, h.date))
        .collect()
}

#[test]
fn old_and_far_dates_round_trip() {
    let f = fixture();
    let a = &f.index;
    let searcher = a.searcher().expect("searcher");
    // Stored and shown as written.
    for (id, date) in DATES {
        let shown = searcher.get(id).expect("get");
        assert_eq!(shown[0].date.as_deref(), Some(date), "{id}");
    }
    let never = searcher.get("000_0000000000000007").expect("get");
    assert_eq!(never[0].date, None);

    // Sorted, undated last either way.
    let oldest = dated_ids(a, SearchRequest::new("*").sort(SortOrder::Oldest));
    let want: Vec<(String, Option<String>)> = DATES
        .iter()
        .map(|(id, d)| (id.to_string(), Some(d.to_string())))
        .chain([("000_0000000000000007".to_string(), None)])
        .collect();
    assert_eq!(oldest, want);
    let newest = dated_ids(a, SearchRequest::new("*").sort(SortOrder::Newest));
    let mut reversed: Vec<_> = want[..6].iter().rev().cloned().collect();
    reversed.push(want[6].clone());
    assert_eq!(newest, reversed);

    // Filtered by years of any size.
    for (from, to, ids) in [
        ("0001", "1000", vec![0]),
        ("1665-11", "1677", vec![1, 2]),
        ("1665-11-16", "1665-11-16", vec![1]),
        ("2262", "9999-12-31", vec![4, 5]),
        ("0042-03-16", "1665-11-15", vec![]),
    ] {
        let request = SearchRequest::new("*")
            .dates(Some(day(from, DateEnd::Start)), Some(day(to, DateEnd::End)))
            .sort(SortOrder::Oldest);
        let got: Vec<String> = dated_ids(a, request)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let expected: Vec<String> = ids.iter().map(|&i| DATES[i].0.to_string()).collect();
        assert_eq!(got, expected, "{from}..{to}");
    }

    // Facets and timelines.
    let results = a
        .search(
            &SearchRequest::new("harbour")
                .facets(false, true)
                .timeline(Some(Period::Year))
                .dates(
                    Some(day("1600", DateEnd::Start)),
                    Some(day("1700", DateEnd::End)),
                ),
        )
        .expect("search");
    let years: Vec<(String, u64)> = results
        .facets
        .expect("facets")
        .year
        .expect("years")
        .into_iter()
        .map(|c| (c.value, c.count))
        .collect();
    assert_eq!(years, [("1665".to_string(), 1), ("1677".to_string(), 1)]);
    let timeline = results.timeline.expect("timeline");
    assert_eq!(timeline.buckets.len(), 101, "1600 to 1700, every year");
    assert_eq!(timeline.buckets[65].value, "1665");
    assert_eq!(timeline.buckets[65].count, 1);
    let by_day = a
        .search(
            &SearchRequest::new("*")
                .timeline(Some(Period::Day))
                .dates(Some(day("9999-12-30", DateEnd::Start)), None),
        )
        .expect("search")
        .timeline
        .expect("timeline");
    let days: Vec<(String, u64)> = by_day
        .buckets
        .into_iter()
        .map(|c| (c.value, c.count))
        .collect();
    assert_eq!(
        days,
        [("9999-12-30".to_string(), 0), ("9999-12-31".to_string(), 1)]
    );

    // Statistics.
    let stats = a.searcher().expect("searcher").stats().expect("stats");
    assert_eq!(stats.first_date.as_deref(), Some("0042-03-15"));
    assert_eq!(stats.last_date.as_deref(), Some("9999-12-31"));
    assert_eq!(stats.undated, 1);
    assert_eq!(stats.per_year.len(), 6);

    // The export: the same days, as YYYYMMDD numbers.
    let mut out = Vec::new();
    a.searcher()
        .expect("searcher")
        .export(&mut out)
        .expect("export");
    let exported: BTreeMap<String, Option<i64>> = String::from_utf8(out)
        .expect("UTF-8")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON");
            (v["id"].as_str().unwrap().to_string(), v["date"].as_i64())
        })
        .collect();
    for (id, date) in DATES {
        let number: i64 = date.replace('-', "").parse().unwrap();
        assert_eq!(exported[id], Some(number), "{id}");
    }
    assert_eq!(exported["000_0000000000000007"], None);
}
