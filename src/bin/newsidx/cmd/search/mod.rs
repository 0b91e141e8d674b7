//! `newsidx search QUERY`: ranked hits with snippets, facets and a timeline;
//! or only paths (`-l`), only the count (`--count`), or one line per
//! matching comment (`--per-comment`).

use std::env;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::CommandFactory;
use newsidx::Index;
use newsidx::search::Hit;

mod chart;
mod text;

pub(crate) use text::highlighted;
use text::{write_comment_lines, write_results};

use super::Out;
use crate::args::{Cli, ColorArg, SearchArgs, SimilarArgs};
use crate::exit::Exit;
use crate::term::maybe_escape;

/// Bold on, bold off (SGR).
pub(crate) const BOLD: (&str, &str) = ("\x1b[1m", "\x1b[0m");

pub(crate) fn run(args: &SearchArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    warn_about_flags_in_the_query(&env::args().collect::<Vec<_>>());
    let request = args.request().map_err(newsidx::Error::from)?;
    let index = Index::open(args.index.path())?;
    let searcher = index.searcher()?;
    let results = searcher.search(&request)?;
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
    if args.csv {
        match (&results.timeline, &results.facets) {
            (Some(timeline), _) => super::table::timeline(timeline, &mut out.w)?,
            (None, Some(facets)) => super::table::facets(facets, &mut out.w)?,
            (None, None) => super::table::hits(&results, &mut out.w)?,
        }
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
        let others = if request.collapse {
            results
                .hits
                .iter()
                .map(|hit| Ok(also_in(hit, &searcher.story(&hit.story)?)))
                .collect::<anyhow::Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        write_results(&results, &others, style, places, &mut out.w)?;
    }
    Ok(found)
}

/// `newsidx similar ID`: the articles most like one, as search shows hits.
pub(crate) fn similar(args: &SimilarArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    let request = args.request().map_err(newsidx::Error::from)?;
    let index = Index::open(args.index.path())?;
    let Some(results) = index.searcher()?.similar(&args.id, &request)? else {
        eprintln!(
            "newsidx: no article with id, file name or path {:?} in the index",
            args.id
        );
        return Ok(Exit::complete_if(false));
    };
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
    write_results(
        &results,
        &[],
        Style::new(args.color, out.terminal),
        places,
        &mut out.w,
    )?;
    Ok(found)
}

/// The line naming the other articles of a hit's story (`None` for a story
/// of one): `also in 2 papers: Harbor Valley Gazette 1987-03-06, ...`.
fn also_in(hit: &Hit, story: &[newsidx::StoredArticle]) -> Option<String> {
    let others: Vec<String> = story
        .iter()
        .filter(|a| a.path != hit.path)
        .map(|a| {
            format!(
                "{} {}",
                a.source.as_deref().unwrap_or("unknown"),
                a.date.as_deref().unwrap_or("undated")
            )
        })
        .collect();
    if others.is_empty() {
        return None;
    }
    let noun = if others.len() == 1 { "paper" } else { "papers" };
    Some(format!(
        "also in {} {noun}: {}",
        others.len(),
        others.join(", ")
    ))
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
    pub(crate) fn text<'a>(&self, s: &'a str) -> std::borrow::Cow<'a, str> {
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

#[cfg(test)]
mod tests {
    use super::chart::{BAR_WIDTH, bar};
    use super::text::split_at_headline;
    use super::*;
    use newsidx::search::Snippet;

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
