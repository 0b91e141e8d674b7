//! `newsidx show ID`: one article in full, or (`--matching QUERY`) only its
//! comments that match a query.

use std::io::Write;

use anyhow::Context;
use newsidx::search::{CommentSnippet, SearchRequest};
use newsidx::{Index, Searcher, StoredArticle};
use serde::Serialize;

use super::Out;
use super::search::{Style, highlighted, shell_word};
use crate::args::ShowArgs;
use crate::exit::Exit;
use crate::term::maybe_escape;

pub(crate) fn run(args: &ShowArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    let searcher = Index::open(args.index.path())?.searcher()?;
    if let (Some(query), Some(request)) = (&args.matching, args.matching_request()) {
        return run_matching(&searcher, query, &request, args, out);
    }
    let articles = with_copies(&searcher, searcher.get(&args.id)?)?;
    if args.json.json {
        serde_json::to_writer_pretty(&mut out.w, &articles).context("cannot encode JSON")?;
        writeln!(out.w)?;
    } else {
        for (i, shown) in articles.iter().enumerate() {
            if i > 0 {
                writeln!(out.w)?;
            }
            write_article(&shown.article, out)?;
            write_copies(&shown.other_copies, out)?;
        }
    }
    if articles.is_empty() {
        return not_found(args, out);
    }
    Ok(Exit::Success)
}

fn not_found(args: &ShowArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    out.w.flush()?;
    eprintln!(
        "newsidx: no article with id, file name or path {:?} in the index",
        args.id
    );
    Ok(Exit::Incomplete)
}

/// An article and the other articles of its story, as `--json` writes it
/// (and `newsidx serve`'s `/api/articles/ID`).
#[derive(Serialize)]
pub(crate) struct Shown {
    #[serde(flatten)]
    article: StoredArticle,
    /// The other articles of its story, earliest first.
    other_copies: Vec<CopyOf>,
}

/// An article of a story, as `show` and `stories` list it.
#[derive(Serialize)]
pub(crate) struct CopyOf {
    pub id: String,
    pub path: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub headline: String,
}

impl From<StoredArticle> for CopyOf {
    fn from(a: StoredArticle) -> CopyOf {
        CopyOf {
            id: a.id,
            path: a.path,
            date: a.date,
            source: a.source,
            headline: a.headline,
        }
    }
}

/// `articles`, each with the other articles of its story.
pub(crate) fn with_copies(
    searcher: &Searcher,
    articles: Vec<StoredArticle>,
) -> newsidx::Result<Vec<Shown>> {
    articles
        .into_iter()
        .map(|article| {
            let other_copies = searcher
                .story(&article.story)?
                .into_iter()
                .filter(|a| a.path != article.path)
                .map(CopyOf::from)
                .collect();
            Ok(Shown {
                article,
                other_copies,
            })
        })
        .collect()
}

/// The other articles of a story, one a line.
fn write_copies(copies: &[CopyOf], out: &mut Out<impl Write>) -> anyhow::Result<()> {
    if copies.is_empty() {
        return Ok(());
    }
    let esc = out.terminal;
    let w = &mut out.w;
    let n = copies.len();
    writeln!(w)?;
    writeln!(
        w,
        "also in {n} paper{} (the same story):",
        if n == 1 { "" } else { "s" }
    )?;
    for c in copies {
        writeln!(
            w,
            "  {}  {}  {}  {}",
            c.date.as_deref().unwrap_or("undated"),
            maybe_escape(c.source.as_deref().unwrap_or("unknown"), esc),
            maybe_escape(&c.id, esc),
            maybe_escape(&c.headline, esc)
        )?;
    }
    Ok(())
}

/// One article with its matching comments, as `--json` writes it (and
/// `newsidx serve`'s `/api/articles/ID?matching=QUERY`).
#[derive(Serialize)]
pub(crate) struct Matching<'a> {
    id: &'a str,
    path: &'a str,
    comment_count: usize,
    comments_matched: usize,
    comments: &'a [CommentSnippet],
}

impl<'a> Matching<'a> {
    /// The JSON lines of `matching_comments`' answer.
    pub(crate) fn all(found: &'a [(StoredArticle, Vec<CommentSnippet>)]) -> Vec<Matching<'a>> {
        found
            .iter()
            .map(|(a, c)| Matching {
                id: &a.id,
                path: &a.path,
                comment_count: a.comments.len(),
                comments_matched: c.len(),
                comments: c,
            })
            .collect()
    }
}

fn run_matching(
    searcher: &Searcher,
    query: &str,
    request: &SearchRequest,
    args: &ShowArgs,
    out: &mut Out<impl Write>,
) -> anyhow::Result<Exit> {
    let found = searcher.matching_comments(&args.id, request)?;
    if args.json.json {
        serde_json::to_writer_pretty(&mut out.w, &Matching::all(&found))
            .context("cannot encode JSON")?;
        writeln!(out.w)?;
    } else {
        let style = Style::new(args.color, out.terminal);
        for (i, (article, comments)) in found.iter().enumerate() {
            if i > 0 {
                writeln!(out.w)?;
            }
            let of = article.comments.len();
            writeln!(
                out.w,
                "{}: {} of {of} comment{} match {}",
                maybe_escape(&article.path, style.escape),
                comments.len(),
                if of == 1 { "" } else { "s" },
                maybe_escape(&shell_word(query), style.escape)
            )?;
            for c in comments {
                writeln!(
                    out.w,
                    "  [{}/{}] {}",
                    c.number,
                    c.of,
                    highlighted(&c.snippet, style)
                )?;
            }
        }
    }
    if found.is_empty() {
        return not_found(args, out);
    }
    Ok(Exit::complete_if(found.iter().any(|(_, c)| !c.is_empty())))
}

fn write_article(a: &StoredArticle, out: &mut Out<impl Write>) -> anyhow::Result<()> {
    let esc = out.terminal;
    let w = &mut out.w;
    writeln!(w, "id       {}", maybe_escape(&a.id, esc))?;
    writeln!(w, "path     {}", maybe_escape(&a.path, esc))?;
    writeln!(w, "date     {}", a.date.as_deref().unwrap_or("undated"))?;
    let source = a.source.as_deref().unwrap_or("unknown");
    writeln!(w, "source   {}", maybe_escape(source, esc))?;
    if a.repaired {
        writeln!(
            w,
            "note     invalid UTF-8 in the file was replaced by U+FFFD"
        )?;
    }
    writeln!(w)?;
    for paragraph in &a.body {
        writeln!(w, "{}", maybe_escape(paragraph, esc))?;
        writeln!(w)?;
    }
    if let Some(notice) = &a.notice {
        writeln!(w, "[{}]", maybe_escape(notice, esc))?;
        writeln!(w)?;
    }
    if !a.comments.is_empty() {
        let of = a.comments.len();
        writeln!(w, "{of} comment{}:", if of == 1 { "" } else { "s" })?;
        for (i, comment) in a.comments.iter().enumerate() {
            writeln!(w, "  [{}/{of}] {}", i + 1, maybe_escape(comment, esc))?;
        }
    }
    Ok(())
}
