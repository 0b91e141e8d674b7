//! `newsidx search QUERY`: ranked hits with snippets, facets and a timeline;
//! or only paths (`-l`), only the count (`--count`), or one line per
//! matching comment (`--per-comment`).

use std::env;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::CommandFactory;
use newsidx::Index;
use newsidx::search::{Count, Facets, Hit, SearchIn, SearchResults, Snippet, Timeline};

use super::Out;
use crate::args::{Cli, ColorArg, SearchArgs};
use crate::exit::Exit;
use crate::term::maybe_escape;

/// Bold on, bold off (SGR).
const BOLD: (&str, &str) = ("\x1b[1m", "\x1b[0m");
/// The widest bar of a timeline, in cells.
const BAR_WIDTH: usize = 40;

pub(crate) fn run(args: &SearchArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    warn_about_flags_in_the_query(&env::args().collect::<Vec<_>>());
    let request = args.request().map_err(newsidx::Error::from)?;
    let index = Index::open(args.index.path())?;
    let results = index.search(&request)?;
    if results.total == 0 && index.first_run_in_progress()? {
        return Err(newsidx::Error::IndexingInProgress {
            path: index.path().to_path_buf(),
        }
        .into());
    }
    let found = Exit::complete_if(results.total > 0);
    if args.json.json {
        serde_json::to_writer(&mut out.w, &results).context("cannot encode JSON")?;
        writeln!(out.w)?;
        return Ok(found);
    }
    let cwd = env::current_dir().ok();
    let places = Places {
        cwd: cwd.as_deref(),
        index: args.index.index.as_deref(),
    };
    if args.count {
        writeln!(out.w, "{}", results.total)?;
        return Ok(found);
    }
    if args.files_with_matches {
        for hit in &results.hits {
            writeln!(out.w, "{}", maybe_escape(&places.shown(hit), out.terminal))?;
        }
        return Ok(found);
    }
    let style = Style::new(args.color, out.terminal);
    if args.per_comment {
        write_comment_lines(&results, style, &mut out.w)?;
    } else {
        write_results(&results, style, places, &mut out.w)?;
    }
    Ok(found)
}

/// Warns about words after `--` that are options of `search` (`-n 0`):
/// they are read as part of the query, which is rarely what was meant.
fn warn_about_flags_in_the_query(raw: &[String]) {
    for word in flags_after_dashes(raw) {
        eprintln!(
            "newsidx: warning: {word:?} comes after --, so it is read as part of the query, not as an option; put options before --"
        );
    }
}

/// The words after the first `--` of a `search` command line that name one
/// of its options.
fn flags_after_dashes(raw: &[String]) -> Vec<&str> {
    let Some(dashes) = raw.iter().position(|a| a == "--") else {
        return Vec::new();
    };
    let command = Cli::command();
    let Some(search) = command.find_subcommand("search") else {
        return Vec::new();
    };
    let mut longs = vec!["--help".to_string()];
    let mut shorts = vec!["-h".to_string()];
    for arg in search.get_arguments() {
        longs.extend(arg.get_long().map(|l| format!("--{l}")));
        shorts.extend(arg.get_short().map(|c| format!("-{c}")));
    }
    // A short option alone, or with a number run on (`-n5`); `-lawsuit` is
    // an excluded word, not `-l`.
    let short = |w: &str| {
        shorts.iter().any(|s| {
            w.strip_prefix(s.as_str())
                .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
        })
    };
    raw[dashes + 1..]
        .iter()
        .flat_map(|a| a.split_whitespace())
        .filter(|w| {
            let name = w.split('=').next().unwrap_or(w);
            longs.iter().any(|l| l == name) || short(w)
        })
        .collect()
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
pub(crate) struct Style {
    /// Bold highlights.
    pub color: bool,
    /// Escape control characters of article text.
    pub escape: bool,
}

impl Style {
    fn text<'a>(&self, s: &'a str) -> std::borrow::Cow<'a, str> {
        maybe_escape(s, self.escape)
    }

    /// The style of a command's output.
    pub(crate) fn new(arg: ColorArg, terminal: bool) -> Style {
        let color = use_color(arg, terminal);
        Style {
            color,
            escape: terminal || color,
        }
    }
}

/// Where the user stands, for paths and the hints' commands.
#[derive(Debug, Clone, Copy)]
struct Places<'a> {
    /// The current folder.
    cwd: Option<&'a Path>,
    /// The `--index` given, if any.
    index: Option<&'a Path>,
}

impl Places<'_> {
    /// The hit's file as the user can open it from where they stand:
    /// relative to the current folder when it lies below it, else absolute
    /// (or the archive-relative path of an index that records no archive).
    fn shown(&self, hit: &Hit) -> String {
        let Some(file) = hit.file.as_deref().map(PathBuf::from) else {
            return hit.path.clone();
        };
        match self.cwd.and_then(|cwd| file.strip_prefix(cwd).ok()) {
            Some(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
            _ => file.display().to_string(),
        }
    }
}

/// `text` as one shell word: as it is when it is plain, else in single
/// quotes.
pub(crate) fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@,+%".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

fn write_results(
    r: &SearchResults,
    style: Style,
    places: Places<'_>,
    w: &mut impl Write,
) -> anyhow::Result<()> {
    writeln!(w, "{}", style.text(&header(r)))?;
    if let Some(filters) = filters_line(r) {
        writeln!(w, "{}", style.text(&filters))?;
    }
    for (i, hit) in r.hits.iter().enumerate() {
        writeln!(w)?;
        write_hit(r.offset + i + 1, hit, r, style, places, w)?;
    }
    if r.hits.is_empty() && r.total > 0 && r.limit > 0 {
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

/// `3 articles match 'storm surge', showing 1-3 (1.2 ms)`.
fn header(r: &SearchResults) -> String {
    let (noun, verb) = if r.total == 1 {
        ("article", "matches")
    } else {
        ("articles", "match")
    };
    let shown = if r.hits.is_empty() {
        String::new()
    } else {
        format!(", showing {}-{}", r.offset + 1, r.offset + r.hits.len())
    };
    format!(
        "{} {noun} {verb} {}{shown} ({:.1} ms)",
        r.total,
        shell_word(&r.query),
        r.took_ms
    )
}

/// The filters in force, when there are any: `  from 2011-01-01, to
/// 2012-12-31, source "Harbor Valley Gazette Co.", in comments, any word`.
fn filters_line(r: &SearchResults) -> Option<String> {
    let f = &r.filters;
    let mut parts = Vec::new();
    if let Some(from) = &f.from {
        parts.push(format!("from {from}"));
    }
    if let Some(to) = &f.to {
        parts.push(format!("to {to}"));
    }
    let mut sources: Vec<String> = f.source_names.iter().map(|n| format!("{n:?}")).collect();
    if f.unknown_source {
        sources.push("unknown".to_string());
    }
    if !sources.is_empty() {
        let noun = if sources.len() == 1 {
            "source"
        } else {
            "sources"
        };
        parts.push(format!("{noun} {}", sources.join(" or ")));
    }
    match f.search_in {
        SearchIn::All => {}
        SearchIn::Body => parts.push("in headline and body".to_string()),
        SearchIn::Comments => parts.push("in comments".to_string()),
    }
    if f.any {
        parts.push("any word".to_string());
    }
    (!parts.is_empty()).then(|| format!("  {}", parts.join(", ")))
}

fn write_hit(
    rank: usize,
    hit: &Hit,
    r: &SearchResults,
    style: Style,
    places: Places<'_>,
    w: &mut impl Write,
) -> anyhow::Result<()> {
    let date = hit.date.as_deref().unwrap_or("undated");
    let source = style.text(hit.source.as_deref().unwrap_or("unknown"));
    let score = hit
        .score
        .map_or_else(String::new, |s| format!("  score {s:.2}"));
    writeln!(w, "{rank:>3}. {date}  {source}{score}")?;
    // The headline is the lede: a body fragment that starts with it, or the
    // lede quoted for want of a match in the body, would say it twice. The
    // headline is marked instead, and only the rest of the fragment quoted.
    let (headline, rest) = split_at_headline(&hit.headline, hit.snippets.body.as_ref());
    writeln!(w, "     {}", highlighted(&headline, style))?;
    writeln!(w, "     {}", style.text(&places.shown(hit)))?;
    if let Some(body) = rest.filter(|b| !b.highlights.is_empty()) {
        writeln!(w, "     {}", highlighted(&body, style))?;
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
            "     (+{more} more matching comment{}: {})",
            if more == 1 { "" } else { "s" },
            style.text(&show_command(hit, r, places))
        )?;
    }
    Ok(())
}

/// The headline, with the marks of a body fragment that starts with it,
/// and the part of the fragment that goes beyond it (the whole fragment
/// when it starts elsewhere).
fn split_at_headline(headline: &str, body: Option<&Snippet>) -> (Snippet, Option<Snippet>) {
    let mut head = Snippet {
        text: headline.to_string(),
        highlights: Vec::new(),
        cut_before: false,
        cut_after: false,
    };
    let Some(body) = body else {
        return (head, None);
    };
    // A headline cut near 200 characters ends in "…".
    let lede = headline.strip_suffix('…').unwrap_or(headline);
    let common = lede
        .char_indices()
        .zip(body.text.chars())
        .find(|((_, a), b)| a != b)
        .map_or(lede.len().min(body.text.len()), |((i, _), _)| i);
    let one_starts_the_other = common == lede.len() || common == body.text.len();
    if body.cut_before || common == 0 || !one_starts_the_other {
        return (head, Some(body.clone()));
    }
    // A mark across the end of the headline goes with the rest.
    let split = body
        .highlights
        .iter()
        .find(|[s, e]| *s < common && common < *e)
        .map_or(common, |[s, _]| *s);
    head.highlights = body
        .highlights
        .iter()
        .filter(|[_, e]| *e <= split)
        .copied()
        .collect();
    let tail = &body.text[split..];
    let lead = tail.len() - tail.trim_start().len();
    let rest = Snippet {
        text: tail.trim().to_string(),
        highlights: body
            .highlights
            .iter()
            .filter(|[s, _]| *s >= split)
            .map(|[s, e]| [s - split - lead, e - split - lead])
            .collect(),
        cut_before: true,
        cut_after: body.cut_after,
    };
    (head, (!rest.text.is_empty()).then_some(rest))
}

/// The command that shows every matching comment of a hit, as it can be
/// run from where the user stands.
fn show_command(hit: &Hit, r: &SearchResults, places: Places<'_>) -> String {
    let mut command = format!(
        "newsidx show {} --matching {}",
        shell_word(&hit.path),
        shell_word(&r.query)
    );
    if r.filters.any {
        command.push_str(" --any");
    }
    if let Some(index) = places.index {
        command.push_str(" --index ");
        command.push_str(&shell_word(&index.to_string_lossy()));
    }
    command
}

/// One line per matching comment: `ID  date  comment 3 of 12: fragment`.
fn write_comment_lines(r: &SearchResults, style: Style, w: &mut impl Write) -> anyhow::Result<()> {
    let comments: usize = r.hits.iter().map(|h| h.snippets.comments.len()).sum();
    writeln!(
        w,
        "{}; {comments} matching comment{} on this page",
        style.text(&header(r)),
        if comments == 1 { "" } else { "s" }
    )?;
    if let Some(filters) = filters_line(r) {
        writeln!(w, "{}", style.text(&filters))?;
    }
    for hit in &r.hits {
        for c in &hit.snippets.comments {
            writeln!(
                w,
                "{}  {}  comment {} of {}: {}",
                style.text(&hit.id),
                hit.date.as_deref().unwrap_or("undated"),
                c.number,
                c.of,
                highlighted(&c.snippet, style)
            )?;
        }
    }
    Ok(())
}

/// The snippet's text with its highlighted ranges in bold (when colours are
/// on), control characters escaped (when headed for a terminal), and `…`
/// where the text was cut.
pub(crate) fn highlighted(snippet: &Snippet, style: Style) -> String {
    let text = &snippet.text;
    let mut out = String::with_capacity(text.len() + 16);
    if snippet.cut_before {
        out.push('…');
    }
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
    if snippet.cut_after {
        out.push('…');
    }
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
    let width = timeline
        .buckets
        .iter()
        .map(|b| b.value.len())
        .chain(["undated".len()])
        .max()
        .unwrap_or(0);
    for bucket in &timeline.buckets {
        writeln!(
            w,
            "  {:<width$} {:<BAR_WIDTH$} {}",
            bucket.value,
            bar(bucket.count, max),
            bucket.count
        )?;
    }
    if timeline.undated > 0 {
        writeln!(
            w,
            "  {:<width$} {:<BAR_WIDTH$} {}",
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
            cut_before: false,
            cut_after: false,
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
            cut_before: false,
            cut_after: false,
        };
        let style = Style {
            color: true,
            escape: false,
        };
        assert_eq!(highlighted(&snippet, style), "é");
    }

    #[test]
    fn cut_points_are_marked() {
        let snippet = Snippet {
            text: "on you.".to_string(),
            highlights: vec![[3, 6]],
            cut_before: true,
            cut_after: true,
        };
        let style = Style {
            color: false,
            escape: false,
        };
        assert_eq!(highlighted(&snippet, style), "…on you.…");
    }

    #[test]
    fn a_fragment_that_starts_with_the_headline_marks_it() {
        let body = Snippet {
            text: "Storm hits coast. Storm surge rose.".to_string(),
            highlights: vec![[0, 5], [18, 23], [18, 29]],
            cut_before: false,
            cut_after: true,
        };
        let (head, rest) = split_at_headline("Storm hits coast.", Some(&body));
        assert_eq!(head.highlights, [[0, 5]]);
        let rest = rest.expect("the rest");
        assert_eq!(rest.text, "Storm surge rose.");
        assert_eq!(rest.highlights, [[0, 5], [0, 11]]);
        assert!(rest.cut_before && rest.cut_after);
        // Within the headline: nothing left to quote.
        let short = Snippet {
            text: "Storm hits".to_string(),
            highlights: vec![[0, 5]],
            cut_before: false,
            cut_after: true,
        };
        let (head, rest) = split_at_headline("Storm hits coast and…", Some(&short));
        assert_eq!((head.highlights, rest), (vec![[0, 5]], None));
        // From elsewhere in the body: quoted whole.
        let elsewhere = Snippet {
            cut_before: true,
            ..short.clone()
        };
        let (head, rest) = split_at_headline("Storm hits coast.", Some(&elsewhere));
        assert!(head.highlights.is_empty());
        assert_eq!(rest, Some(elsewhere));
    }

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("herald/003_ab.txt"), "herald/003_ab.txt");
        assert_eq!(shell_word("storm surge"), "'storm surge'");
        assert_eq!(shell_word("\"flood insurance\""), "'\"flood insurance\"'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
        assert_eq!(shell_word("$HOME"), "'$HOME'");
    }

    #[test]
    fn options_after_dashes_are_found() {
        let raw = |line: &str| line.split(' ').map(String::from).collect::<Vec<_>>();
        let line = raw("newsidx search -- storm -n 0 --json --limit=3 -lawsuit -l -n5");
        assert_eq!(
            flags_after_dashes(&line),
            ["-n", "--json", "--limit=3", "-l", "-n5"]
        );
        assert!(flags_after_dashes(&raw("newsidx search -n 0 -- -merger")).is_empty());
        assert!(flags_after_dashes(&raw("newsidx search storm")).is_empty());
    }
}
