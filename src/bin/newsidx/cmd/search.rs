//! `newsidx search QUERY`: ranked hits with snippets, facets and a timeline.

use std::env;
use std::io::Write;

use anyhow::Context;
use newsidx::Archive;
use newsidx::search::{Hit, SearchResults};
use newsidx::snippet::Snippet;
use newsidx::tally::{Count, Facets, Timeline};

use super::Out;
use crate::args::{ColorArg, SearchArgs};
use crate::exit::Exit;
use crate::term::maybe_escape;

/// Bold on, bold off (SGR).
const BOLD: (&str, &str) = ("\x1b[1m", "\x1b[0m");
/// The widest bar of a timeline, in cells.
const BAR_WIDTH: usize = 40;

pub(crate) fn run(args: &SearchArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    let request = args.request().map_err(newsidx::Error::from)?;
    let archive = Archive::open(args.index.path())?;
    let results = archive.search(&request)?;
    if args.json.json {
        serde_json::to_writer(&mut out.w, &results).context("cannot encode JSON")?;
        writeln!(out.w)?;
    } else {
        let color = use_color(args.color, out.terminal);
        let style = Style {
            color,
            escape: out.terminal || color,
        };
        write_results(&results, style, &mut out.w)?;
    }
    Ok(Exit::complete_if(results.total > 0))
}

/// Whether to highlight with SGR bold.
fn use_color(arg: ColorArg, terminal: bool) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => terminal && env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// How text is written.
#[derive(Debug, Clone, Copy)]
struct Style {
    /// Bold highlights.
    color: bool,
    /// Escape control characters of article text.
    escape: bool,
}

impl Style {
    fn text<'a>(&self, s: &'a str) -> std::borrow::Cow<'a, str> {
        maybe_escape(s, self.escape)
    }
}

fn write_results(r: &SearchResults, style: Style, w: &mut impl Write) -> anyhow::Result<()> {
    let shown = if r.hits.is_empty() {
        String::new()
    } else {
        format!(", showing {}-{}", r.offset + 1, r.offset + r.hits.len())
    };
    let noun = if r.total == 1 { "article" } else { "articles" };
    writeln!(
        w,
        "{} {noun} match {}{shown} ({:.1} ms)",
        r.total,
        style.text(&format!("{:?}", r.query)),
        r.took_ms
    )?;
    for (i, hit) in r.hits.iter().enumerate() {
        writeln!(w)?;
        write_hit(r.offset + i + 1, hit, style, w)?;
    }
    if r.hits.is_empty() && r.total > 0 {
        writeln!(w, "(no hits on this page: --offset is past the last hit)")?;
    }
    if let Some(facets) = &r.facets {
        write_facets(facets, style, w)?;
    }
    if let Some(timeline) = &r.timeline {
        write_timeline(timeline, w)?;
    }
    Ok(())
}

fn write_hit(rank: usize, hit: &Hit, style: Style, w: &mut impl Write) -> anyhow::Result<()> {
    let date = hit.date.as_deref().unwrap_or("undated");
    let source = style.text(hit.source.as_deref().unwrap_or("unknown"));
    let score = hit
        .score
        .map_or_else(String::new, |s| format!("  score {s:.2}"));
    writeln!(w, "{rank:>3}. {date}  {source}{score}")?;
    writeln!(w, "     {}", style.text(&hit.headline))?;
    writeln!(w, "     {}", style.text(&hit.path))?;
    if let Some(body) = &hit.snippets.body {
        writeln!(w, "     {}", highlighted(body, style))?;
    }
    for c in &hit.snippets.comments {
        writeln!(
            w,
            "     comment {} of {}: {}",
            c.number,
            c.of,
            highlighted(&c.snippet, style)
        )?;
    }
    let more = hit
        .snippets
        .comments_matched
        .saturating_sub(hit.snippets.comments.len());
    if more > 0 {
        writeln!(
            w,
            "     (+{more} more matching comment{}: newsidx show {})",
            if more == 1 { "" } else { "s" },
            style.text(&hit.id)
        )?;
    }
    Ok(())
}

/// The snippet's text with its highlighted ranges in bold (when colours are
/// on), control characters escaped (when headed for a terminal).
fn highlighted(snippet: &Snippet, style: Style) -> String {
    let text = &snippet.text;
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for &[start, end] in &snippet.highlights {
        // Ranges come from the library; guard against any that do not fit.
        let (Some(before), Some(word)) = (text.get(at..start), text.get(start..end)) else {
            continue;
        };
        out.push_str(&style.text(before));
        if style.color {
            out.push_str(BOLD.0);
            out.push_str(&style.text(word));
            out.push_str(BOLD.1);
        } else {
            out.push_str(&style.text(word));
        }
        at = end;
    }
    out.push_str(&style.text(text.get(at..).unwrap_or_default()));
    out
}

fn write_facets(facets: &Facets, style: Style, w: &mut impl Write) -> anyhow::Result<()> {
    if let Some(sources) = &facets.source {
        writeln!(w, "\nby source")?;
        let unknown = facets.unknown_source.unwrap_or(0);
        write_counts(sources, ("unknown", unknown), style, w)?;
    }
    if let Some(years) = &facets.year {
        writeln!(w, "\nby year")?;
        let undated = facets.undated.unwrap_or(0);
        write_counts(years, ("undated", undated), style, w)?;
    }
    Ok(())
}

fn write_counts(
    counts: &[Count],
    missing: (&str, u64),
    style: Style,
    w: &mut impl Write,
) -> anyhow::Result<()> {
    let width = counts
        .iter()
        .map(|c| c.value.chars().count())
        .chain([missing.0.len()])
        .max()
        .unwrap_or(0);
    for c in counts {
        writeln!(w, "  {:<width$}  {:>7}", style.text(&c.value), c.count)?;
    }
    if missing.1 > 0 {
        writeln!(w, "  {:<width$}  {:>7}", missing.0, missing.1)?;
    }
    Ok(())
}

fn write_timeline(timeline: &Timeline, w: &mut impl Write) -> anyhow::Result<()> {
    writeln!(w, "\ntimeline")?;
    let max = timeline.buckets.iter().map(|b| b.count).max().unwrap_or(0);
    for bucket in &timeline.buckets {
        writeln!(
            w,
            "  {:<7} {:<BAR_WIDTH$} {}",
            bucket.value,
            bar(bucket.count, max),
            bucket.count
        )?;
    }
    if timeline.undated > 0 {
        writeln!(
            w,
            "  {:<7} {:<BAR_WIDTH$} {}",
            "undated", "", timeline.undated
        )?;
    }
    Ok(())
}

/// A bar of `count` against `max`, in eighths of a cell; any count above
/// zero shows at least a sliver.
fn bar(count: u64, max: u64) -> String {
    const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    if count == 0 || max == 0 {
        return String::new();
    }
    let eighths = ((count as u128 * (BAR_WIDTH as u128 * 8)) / max as u128).max(1) as usize;
    let mut bar = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        bar.push(EIGHTHS[eighths % 8 - 1]);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_count() {
        assert_eq!(bar(0, 10), "");
        assert_eq!(bar(10, 10).chars().count(), BAR_WIDTH);
        assert_eq!(bar(5, 10), "█".repeat(BAR_WIDTH / 2));
        assert_eq!(bar(1, 1_000_000), "▏");
        assert_eq!(bar(u64::MAX, u64::MAX).chars().count(), BAR_WIDTH);
    }

    #[test]
    fn highlights_are_bold_only_with_colour() {
        let snippet = Snippet {
            text: "a storm\x1b hit".to_string(),
            highlights: vec![[2, 7]],
        };
        let plain = Style {
            color: false,
            escape: true,
        };
        assert_eq!(highlighted(&snippet, plain), "a storm^[ hit");
        let bold = Style {
            color: true,
            escape: true,
        };
        assert_eq!(highlighted(&snippet, bold), "a \x1b[1mstorm\x1b[0m^[ hit");
    }

    #[test]
    fn bad_ranges_are_ignored_not_fatal() {
        let snippet = Snippet {
            text: "é".to_string(),
            highlights: vec![[1, 2], [0, 9]],
        };
        let style = Style {
            color: true,
            escape: false,
        };
        assert_eq!(highlighted(&snippet, style), "é");
    }
}
