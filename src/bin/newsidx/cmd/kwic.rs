//! `newsidx kwic QUERY`: a concordance, one line per occurrence.
//!
//! Lines in date order are printed as the library finds them; sorted by
//! their left or right words, only the first `--limit` of that order are
//! kept (a bounded heap), so a million occurrences never sit in memory.

use std::collections::BinaryHeap;
use std::io::Write;

use anyhow::Context;
use newsidx::Index;
use newsidx::search::{KwicLine, KwicSummary};
use serde::Serialize;

use super::Out;
use super::search::{BOLD, Style};
use crate::args::{KwicArgs, KwicSortArg};
use crate::exit::Exit;

/// Characters of context shown on each side in text, at most.
const MAX_CONTEXT_CHARS: usize = 60;
/// Characters of a source name shown in text, at most.
const SOURCE_CHARS: usize = 20;

pub(crate) fn run(args: &KwicArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    let request = args.request().map_err(newsidx::Error::from)?;
    let index = Index::open(args.index.path())?;
    let searcher = index.searcher()?;
    let style = Style::new(args.color, out.terminal && !args.json);
    let context = (args.width * 8).clamp(8, MAX_CONTEXT_CHARS);
    let mut printer = Printer {
        json: args.json,
        csv: args.csv,
        style,
        context,
        shown: 0,
        error: None,
    };
    let summary = match args.sort {
        KwicSortArg::Date => searcher.kwic(&request, |line| {
            if printer.shown < args.limit as u64 {
                printer.print(&line, &mut out.w);
            }
        })?,
        sort => {
            let mut kept: BinaryHeap<Sorted> = BinaryHeap::new();
            let mut seq = 0u64;
            let summary = searcher.kwic(&request, |line| {
                seq += 1;
                kept.push(Sorted {
                    key: key(&line, sort),
                    seq,
                    line,
                });
                if kept.len() > args.limit {
                    kept.pop();
                }
            })?;
            for sorted in kept.into_sorted_vec() {
                printer.print(&sorted.line, &mut out.w);
            }
            summary
        }
    };
    if let Some(error) = printer.error {
        return Err(error);
    }
    if args.csv {
        if printer.shown == 0 {
            let mut csv = super::table::writer(&mut out.w);
            csv.write_record(super::table::KWIC_HEADER)?;
            csv.flush()?;
        }
        eprintln!("{}", summary_line(&summary, printer.shown));
    } else if args.json {
        let end = JsonSummary {
            kind: "summary",
            summary,
            shown: printer.shown,
        };
        serde_json::to_writer(&mut out.w, &end).context("cannot encode JSON")?;
        writeln!(out.w)?;
    } else {
        eprintln!("{}", summary_line(&summary, printer.shown));
    }
    Ok(Exit::complete_if(summary.lines > 0))
}

/// `12 lines in 5 articles (7 matching articles), showing 10`.
fn summary_line(s: &KwicSummary, shown: u64) -> String {
    let noun = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} in {} ({} matching), showing {shown}",
        noun(s.lines, "line", "lines"),
        noun(s.articles_with_lines, "article", "articles"),
        s.articles
    )
}

/// The sort key of a line: its nearest words on that side first, lowercased.
fn key(line: &KwicLine, sort: KwicSortArg) -> Vec<String> {
    let words: Vec<String> = match sort {
        KwicSortArg::Left => line.left.split(' ').rev().map(str::to_lowercase).collect(),
        _ => line.right.split(' ').map(str::to_lowercase).collect(),
    };
    words.into_iter().filter(|w| !w.is_empty()).collect()
}

/// A line with its sort key; the heap keeps the smallest keys (earliest
/// found first among equal keys).
#[derive(PartialEq, Eq)]
struct Sorted {
    key: Vec<String>,
    seq: u64,
    line: KwicLine,
}

impl Ord for Sorted {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key).then(self.seq.cmp(&other.seq))
    }
}

impl PartialOrd for Sorted {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// One JSON line of a concordance.
#[derive(Serialize)]
struct JsonLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    line: &'a KwicLine,
}

/// The last JSON line: the counts in all.
#[derive(Serialize)]
struct JsonSummary {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    summary: KwicSummary,
    /// Lines printed.
    shown: u64,
}

/// Writes lines, remembering the first write error (the visitor cannot
/// return one).
struct Printer {
    json: bool,
    /// With --csv (rows written as they come, the header before the first).
    csv: bool,
    style: Style,
    context: usize,
    shown: u64,
    error: Option<anyhow::Error>,
}

impl Printer {
    fn print(&mut self, line: &KwicLine, w: &mut impl Write) {
        if self.error.is_some() {
            return;
        }
        if self.csv {
            let header = (self.shown == 0).then_some(super::table::KWIC_HEADER);
            let written = super::table::kwic_rows(header, line, &mut *w);
            match written {
                Ok(()) => self.shown += 1,
                Err(e) => self.error = Some(e),
            }
            return;
        }
        let written = if self.json {
            serde_json::to_writer(&mut *w, &JsonLine { kind: "line", line })
                .context("cannot encode JSON")
                .and_then(|()| writeln!(w).map_err(Into::into))
        } else {
            writeln!(w, "{}", self.text(line)).map_err(Into::into)
        };
        match written {
            Ok(()) => self.shown += 1,
            Err(e) => self.error = Some(e),
        }
    }

    /// `2011-09-02  Coastline Herald  003_ab  …left context | match | right…`
    fn text(&self, line: &KwicLine) -> String {
        let c = self.context;
        let left = tail_chars(&line.left, c);
        let right = head_chars(&line.right, c);
        let source = head_chars(line.source.as_deref().unwrap_or("unknown"), SOURCE_CHARS);
        let matched = self.style.text(&line.matched);
        let matched = if self.style.color {
            format!("{}{matched}{}", BOLD.0, BOLD.1)
        } else {
            matched.into_owned()
        };
        let place = match line.comment {
            Some(n) => format!("{}#c{n}", line.id),
            None => line.id.clone(),
        };
        format!(
            "{:<10}  {:<SOURCE_CHARS$}  {place}  {:>c$} {matched} {}",
            line.date.as_deref().unwrap_or("undated"),
            self.style.text(&source),
            self.style.text(&left),
            self.style.text(&right),
        )
    }
}

/// The last `n` characters of `text`, with `…` when cut.
fn tail_chars(text: &str, n: usize) -> String {
    let count = text.chars().count();
    if count <= n {
        return text.to_string();
    }
    let skip = count - (n - 1);
    format!("…{}", text.chars().skip(skip).collect::<String>())
}

/// The first `n` characters of `text`, with `…` when cut.
fn head_chars(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_string();
    }
    format!("{}…", text.chars().take(n - 1).collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_cut_on_the_far_side() {
        assert_eq!(tail_chars("abcdef", 4), "…def");
        assert_eq!(head_chars("abcdef", 4), "abc…");
        assert_eq!(tail_chars("abc", 4), "abc");
    }
}
