//! `newsidx stories`: the most syndicated stories, with their papers and
//! dates.

use std::io::Write;

use anyhow::Context;
use newsidx::Index;
use serde::Serialize;

use super::Out;
use super::show::CopyOf;
use crate::args::StoriesArgs;
use crate::exit::Exit;
use crate::term::maybe_escape;

/// One story as `--json` writes it.
#[derive(Serialize)]
struct Story {
    /// The story id: the id of its earliest article.
    story: String,
    /// Its number of articles.
    copies: u64,
    /// Its articles, earliest first.
    articles: Vec<CopyOf>,
}

pub(crate) fn run(args: &StoriesArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    let searcher = Index::open(args.index.path())?.searcher()?;
    let all = searcher.stories(args.min_copies)?;
    let mut stories = Vec::new();
    for (story, copies) in all.into_iter().take(args.limit) {
        let articles = searcher
            .story(&story)?
            .into_iter()
            .map(CopyOf::from)
            .collect();
        stories.push(Story {
            story,
            copies,
            articles,
        });
    }
    let found = Exit::complete_if(!stories.is_empty());
    if args.json.json {
        serde_json::to_writer_pretty(&mut out.w, &stories).context("cannot encode JSON")?;
        writeln!(out.w)?;
        return Ok(found);
    }
    let esc = out.terminal;
    let w = &mut out.w;
    if stories.is_empty() {
        writeln!(w, "no story of {} or more articles", args.min_copies.max(1))?;
    }
    for (i, story) in stories.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        let headline = story.articles.first().map_or("", |a| a.headline.as_str());
        writeln!(
            w,
            "{:>3}. {} articles  {}  {}",
            i + 1,
            story.copies,
            maybe_escape(&story.story, esc),
            maybe_escape(headline, esc)
        )?;
        for a in &story.articles {
            writeln!(
                w,
                "     {}  {}  {}",
                a.date.as_deref().unwrap_or("undated"),
                maybe_escape(a.source.as_deref().unwrap_or("unknown"), esc),
                maybe_escape(&a.path, esc)
            )?;
        }
    }
    Ok(found)
}
