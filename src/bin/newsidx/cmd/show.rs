//! `newsidx show ID`: one article in full.

use std::io::Write;

use anyhow::Context;
use newsidx::Archive;
use newsidx::show::StoredArticle;

use super::Out;
use crate::args::ShowArgs;
use crate::exit::Exit;
use crate::term::maybe_escape;

pub(crate) fn run(args: &ShowArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    let archive = Archive::open(args.index.path())?;
    let articles = archive.get(&args.id)?;
    if args.json.json {
        serde_json::to_writer_pretty(&mut out.w, &articles).context("cannot encode JSON")?;
        writeln!(out.w)?;
    } else {
        for (i, article) in articles.iter().enumerate() {
            if i > 0 {
                writeln!(out.w)?;
            }
            write_article(article, out)?;
        }
    }
    if articles.is_empty() {
        out.w.flush()?;
        eprintln!(
            "newsidx: no article with id or path {:?} in the index",
            args.id
        );
        return Ok(Exit::Incomplete);
    }
    Ok(Exit::Success)
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
