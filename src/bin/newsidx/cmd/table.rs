//! `--csv`: the tables of search (hits, facets, a timeline), kwic and
//! stats as CSV with a header row, quoted by the csv crate (RFC 4180: a
//! field with a comma, a quote or a line break is quoted, quotes doubled).
//! Article text is written as it is, never escaped for a terminal.

use std::io::Write;

use newsidx::Stats;
use newsidx::search::{Facets, KwicLine, SearchResults, Timeline};

/// A CSV writer over `w`.
pub(crate) fn writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::Writer::from_writer(w)
}

/// One row a hit.
pub(crate) fn hits(r: &SearchResults, w: impl Write) -> anyhow::Result<()> {
    let mut csv = writer(w);
    csv.write_record(["id", "date", "source", "headline", "path", "file", "score"])?;
    for hit in &r.hits {
        csv.write_record([
            hit.id.as_str(),
            hit.date.as_deref().unwrap_or(""),
            hit.source.as_deref().unwrap_or(""),
            &hit.headline,
            &hit.path,
            hit.file.as_deref().unwrap_or(""),
            &hit.score.map_or(String::new(), |s| s.to_string()),
        ])?;
    }
    csv.flush()?;
    Ok(())
}

/// One row a facet value: `facet,value,count` (an empty value for articles
/// without a source or a date).
pub(crate) fn facets(f: &Facets, w: impl Write) -> anyhow::Result<()> {
    let mut csv = writer(w);
    csv.write_record(["facet", "value", "count"])?;
    for c in f.source.iter().flatten() {
        csv.write_record(["source", &c.value, &c.count.to_string()])?;
    }
    if let Some(n) = f.unknown_source.filter(|n| *n > 0) {
        csv.write_record(["source", "", &n.to_string()])?;
    }
    for c in f.year.iter().flatten() {
        csv.write_record(["year", &c.value, &c.count.to_string()])?;
    }
    if let Some(n) = f.undated.filter(|n| *n > 0) {
        csv.write_record(["year", "", &n.to_string()])?;
    }
    csv.flush()?;
    Ok(())
}

/// One row a period, and with `--by source` a row a period and source
/// (`source` empty for the whole timeline, `(unknown)` for articles
/// without one, `(other N)` for the others summed); `total` with
/// `--share`.
pub(crate) fn timeline(t: &Timeline, w: impl Write) -> anyhow::Result<()> {
    let mut csv = writer(w);
    let share = t.totals.is_some();
    let mut header = vec!["period", "source", "count"];
    if share {
        header.push("total");
    }
    csv.write_record(&header)?;
    let mut rows = |source: &str, counts: &[u64], totals: Option<&[u64]>| -> anyhow::Result<()> {
        for (i, bucket) in t.buckets.iter().enumerate() {
            let mut row = vec![
                bucket.value.clone(),
                source.to_string(),
                counts[i].to_string(),
            ];
            if share {
                row.push(totals.map_or(String::new(), |t| t[i].to_string()));
            }
            csv.write_record(&row)?;
        }
        Ok(())
    };
    let counts: Vec<u64> = t.buckets.iter().map(|b| b.count).collect();
    rows("", &counts, t.totals.as_deref())?;
    for line in t.sources.iter().flatten() {
        let name = line.source.as_deref().unwrap_or("(unknown)");
        rows(name, &line.counts, line.totals.as_deref())?;
    }
    if let Some(other) = &t.other_sources {
        rows(
            &format!("(other {})", other.sources),
            &other.counts,
            other.totals.as_deref(),
        )?;
    }
    csv.flush()?;
    Ok(())
}

/// The header of kwic's CSV.
pub(crate) const KWIC_HEADER: [&str; 10] = [
    "date", "source", "id", "path", "comment", "start", "end", "left", "match", "right",
];

/// Writes one concordance line as a CSV record, after the header when
/// given (a small writer per line, so that lines stream).
pub(crate) fn kwic_rows(
    header: Option<[&str; 10]>,
    line: &KwicLine,
    w: impl Write,
) -> anyhow::Result<()> {
    let mut csv = csv::WriterBuilder::new()
        .buffer_capacity(1024)
        .from_writer(w);
    if let Some(header) = header {
        csv.write_record(header)?;
    }
    csv.write_record(kwic_record(line))?;
    csv.flush()?;
    Ok(())
}

/// One concordance line as a CSV record.
fn kwic_record(line: &KwicLine) -> [String; 10] {
    [
        line.date.clone().unwrap_or_default(),
        line.source.clone().unwrap_or_default(),
        line.id.clone(),
        line.path.clone(),
        line.comment.map_or(String::new(), |n| n.to_string()),
        line.at[0].to_string(),
        line.at[1].to_string(),
        line.left.clone(),
        line.matched.clone(),
        line.right.clone(),
    ]
}

/// `stats` as rows `kind,value,articles`.
pub(crate) fn stats(s: &Stats, w: impl Write) -> anyhow::Result<()> {
    let mut csv = writer(w);
    csv.write_record(["kind", "value", "count"])?;
    let n = |v: u64| v.to_string();
    csv.write_record(["documents", "", &n(s.documents)])?;
    csv.write_record(["undated", "", &n(s.undated)])?;
    csv.write_record(["comments", "", &n(s.comments)])?;
    csv.write_record(["articles_with_comments", "", &n(s.articles_with_comments)])?;
    for src in &s.sources {
        csv.write_record(["source", &src.source, &n(src.articles)])?;
    }
    if s.unknown_source > 0 {
        csv.write_record(["source", "", &n(s.unknown_source)])?;
    }
    for y in &s.per_year {
        csv.write_record(["year", &y.year.to_string(), &n(y.articles)])?;
    }
    csv.flush()?;
    Ok(())
}
