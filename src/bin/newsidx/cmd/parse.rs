//! `newsidx parse FILE...`: each file as one JSON line, for debugging archives.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use newsidx::article::{self, Article, ParseOptions, SkipReason};
use serde::Serialize;

use super::Out;
use crate::args::ParseArgs;
use crate::exit::{Exit, advice};

/// One line of output: an article.
#[derive(Serialize)]
struct ParsedLine<'a> {
    path: &'a str,
    id: &'a str,
    date: Option<String>,
    /// Why the date header's date was not taken.
    date_problem: Option<&'a str>,
    source: Option<&'a str>,
    headline: &'a str,
    body: &'a [String],
    notice: Option<&'a str>,
    comments: &'a [String],
    repaired: bool,
}

impl<'a> From<&'a Article> for ParsedLine<'a> {
    fn from(a: &'a Article) -> ParsedLine<'a> {
        ParsedLine {
            path: &a.path,
            id: &a.id,
            date: a.date.map(article::format_date),
            date_problem: a.date_problem.as_deref(),
            source: a.source.as_deref(),
            headline: &a.headline,
            body: &a.body,
            notice: a.notice.as_deref(),
            comments: &a.comments,
            repaired: a.repaired(),
        }
    }
}

/// One line of output: a file that holds no article.
#[derive(Serialize)]
struct SkippedLine<'a> {
    path: &'a str,
    skipped: SkipReason,
    detail: &'a str,
}

pub(crate) fn run(args: &ParseArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    let options = args.options();
    let mut all_read = true;
    for file in &args.files {
        let shown = file.to_string_lossy();
        let line = match read(file, &options) {
            Ok(Ok(article)) => serde_json::to_string(&ParsedLine::from(&article)),
            Ok(Err(skip)) => serde_json::to_string(&SkippedLine {
                path: &shown,
                skipped: skip.reason,
                detail: &advice(skip.reason, &skip.detail),
            }),
            Err(detail) => {
                all_read = false;
                serde_json::to_string(&SkippedLine {
                    path: &shown,
                    skipped: SkipReason::Unreadable,
                    detail: &detail,
                })
            }
        }
        .context("cannot encode JSON")?;
        writeln!(out.w, "{line}").context("cannot write to standard output")?;
    }
    Ok(Exit::complete_if(all_read))
}

/// Reads and parses one file: the outer error is a file that could not be
/// read (the detail says why).
fn read(file: &Path, options: &ParseOptions) -> Result<Result<Article, article::Skip>, String> {
    let meta = fs::metadata(file).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    if let Err(skip) = options.check_size(meta.len()) {
        return Ok(Err(skip));
    }
    let bytes = fs::read(file).map_err(|e| e.to_string())?;
    let shown = file.to_string_lossy().replace('\\', "/");
    Ok(article::parse(&bytes, &shown, options))
}
