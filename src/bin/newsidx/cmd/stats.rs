//! `newsidx stats`: what an index holds.

use std::io::Write;

use anyhow::Context;
use newsidx::Index;

use super::{Out, human_bytes};
use crate::args::StatsArgs;
use crate::exit::Exit;
use crate::term::maybe_escape;

pub(crate) fn run(args: &StatsArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    let stats = Index::open(args.index.path())?.searcher()?.stats()?;
    if args.json.json {
        serde_json::to_writer_pretty(&mut out.w, &stats).context("cannot encode JSON")?;
        writeln!(out.w)?;
        return Ok(Exit::Success);
    }
    if args.csv {
        super::table::stats(&stats, &mut out.w)?;
        return Ok(Exit::Success);
    }
    let esc = out.terminal;
    let w = &mut out.w;
    writeln!(w, "index        {}", stats.index.display())?;
    if let Some(archive) = &stats.archive {
        let from = stats.source_from.as_deref().unwrap_or("copyright");
        writeln!(
            w,
            "archive      {} (sources from {from})",
            archive.display()
        )?;
    }
    writeln!(w, "schema       version {}", stats.schema_version)?;
    writeln!(
        w,
        "size         {} in {} segments",
        human_bytes(stats.index_bytes),
        stats.segments
    )?;
    writeln!(w, "documents    {}", stats.documents)?;
    match (&stats.first_date, &stats.last_date) {
        (Some(first), Some(last)) => writeln!(w, "dates        {first} to {last}")?,
        _ => writeln!(w, "dates        none")?,
    }
    writeln!(w, "undated      {}", stats.undated)?;
    writeln!(
        w,
        "comments     {} on {} articles",
        stats.comments, stats.articles_with_comments
    )?;
    writeln!(w, "sources      {}", stats.sources.len())?;
    let width = stats
        .sources
        .iter()
        .map(|s| s.source.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    for s in &stats.sources {
        let name = maybe_escape(&s.source, esc);
        writeln!(w, "  {name:<width$}  {:>8}", s.articles)?;
    }
    if stats.unknown_source > 0 {
        writeln!(w, "  {:<width$}  {:>8}", "unknown", stats.unknown_source)?;
    }
    writeln!(w, "per year")?;
    for y in &stats.per_year {
        writeln!(w, "  {}  {:>8}", y.year, y.articles)?;
    }
    Ok(Exit::Success)
}
