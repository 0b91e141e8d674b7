//! The hits for people: the header, each hit with its snippets, the hint
//! for more matching comments, and one line per comment.

use std::io::Write;

use newsidx::search::{Hit, SearchIn, SearchResults, Snippet};

use super::chart::{write_facets, write_timeline};
use super::{BOLD, Places, Style, shell_word};

pub(super) fn write_results(
    r: &SearchResults,
    others: &[Option<String>],
    style: Style,
    places: Places<'_>,
    w: &mut impl Write,
) -> anyhow::Result<()> {
    writeln!(w, "{}", style.text(&header(r)))?;
    if let Some(filters) = filters_line(r) {
        writeln!(w, "{}", style.text(&filters))?;
    }
    if let Some(line) = did_you_mean(r) {
        writeln!(w, "{}", style.text(&line))?;
    }
    for (i, hit) in r.hits.iter().enumerate() {
        writeln!(w)?;
        write_hit(r.offset + i + 1, hit, r, style, places, w)?;
        if let Some(line) = others.get(i).and_then(Option::as_ref) {
            writeln!(w, "     {}", style.text(line))?;
        }
    }
    if r.hits.is_empty() && r.total > 0 && r.limit > 0 {
        writeln!(w, "(no hits on this page: --offset is past the last hit)")?;
    }
    if let Some(facets) = &r.facets {
        write_facets(facets, style, w)?;
    }
    if let Some(timeline) = &r.timeline {
        write_timeline(timeline, style, w)?;
    }
    Ok(())
}

/// `did you mean: harbour bridge (2 articles)`, with the other suggestions
/// after `or`.
fn did_you_mean(r: &SearchResults) -> Option<String> {
    let shown: Vec<String> = r
        .suggestions
        .iter()
        .map(|s| {
            let noun = if s.total == 1 { "article" } else { "articles" };
            format!("{} ({} {noun})", shell_word(&s.query), s.total)
        })
        .collect();
    (!shown.is_empty()).then(|| format!("did you mean: {}", shown.join(" or ")))
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
    // Collapsed, the hits are stories: say how many.
    let stories = if r.stories != r.total {
        let noun = if r.stories == 1 { "story" } else { "stories" };
        format!(" in {} {noun}", r.stories)
    } else {
        String::new()
    };
    format!(
        "{} {noun} {verb} {}{stories}{shown} ({:.1} ms)",
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
pub(super) fn split_at_headline(
    headline: &str,
    body: Option<&Snippet>,
) -> (Snippet, Option<Snippet>) {
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
pub(super) fn write_comment_lines(
    r: &SearchResults,
    style: Style,
    w: &mut impl Write,
) -> anyhow::Result<()> {
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
