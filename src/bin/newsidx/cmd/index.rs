//! `newsidx index DIR`: index an archive folder and print the report.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use newsidx::{Index, IndexReport};

use super::{Out, human_bytes, skipped_line};
use crate::args::IndexArgs;
use crate::exit::{Exit, UsageError, advise};
use crate::progress;
use crate::term::maybe_escape;

pub(crate) fn run(args: &IndexArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    let index_path = args.index.path();
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => remembered_archive(&index_path)?,
    };
    // Refuse a bad archive folder or an index inside it before creating anything.
    Index::check_locations(&dir, &index_path)?;
    let index = if args.rebuild {
        // An index the error messages say to rebuild (damaged, of another
        // schema version or text analysis) is accepted rather than refused.
        Index::open_for_rebuild(&index_path)?
    } else {
        Index::open_or_create(&index_path)?
    };
    let bar = progress::bar();
    let mut options = args.options();
    options.progress = Some(progress::callback(bar.clone()));
    options.cancel = Some(progress::cancel_on_ctrl_c(bar.clone(), args.rebuild));
    let result = index.index_dir(&dir, &options);
    bar.finish_and_clear();
    let mut report = result?;
    advise(&mut report.skipped_files);
    for note in &report.notes {
        eprintln!("newsidx: note: {note}");
    }
    if args.json.json {
        serde_json::to_writer_pretty(&mut out.w, &report).context("cannot encode JSON")?;
        writeln!(out.w)?;
    } else {
        write_report(&report, args.verbose, out)?;
    }
    if report.interrupted {
        out.w.flush()?;
        if report.rebuild {
            eprintln!(
                "newsidx: interrupted: the rebuild was abandoned and the index is as it was ({} documents); run the same command again to rebuild",
                report.documents
            );
        } else {
            eprintln!(
                "newsidx: interrupted: the work done so far is committed; run the same command again to finish ({} files left)",
                report.not_processed
            );
        }
        return Ok(Exit::Interrupted);
    }
    let unreadable = report.skipped.get("unreadable").copied().unwrap_or(0);
    Ok(Exit::complete_if(unreadable == 0 && report.kept == 0))
}

/// The archive folder the index was built from, for `newsidx index` without
/// a folder.
fn remembered_archive(index: &Path) -> anyhow::Result<PathBuf> {
    match Index::open(index) {
        Ok(index_found) => index_found.record()?.archive.ok_or_else(|| {
            UsageError(format!(
                "the index at {} has not indexed an archive yet: name the archive folder (newsidx index DIR)",
                index.display()
            ))
            .into()
        }),
        Err(newsidx::Error::IndexNotFound { .. }) => Err(UsageError(format!(
            "no index at {}: name the archive folder to create one (newsidx index DIR)",
            index.display()
        ))
        .into()),
        Err(e) => Err(e.into()),
    }
}

/// The report for people.
fn write_report(r: &IndexReport, verbose: bool, out: &mut Out<impl Write>) -> anyhow::Result<()> {
    let w = &mut out.w;
    writeln!(
        w,
        "indexed {} into {}",
        r.archive.display(),
        r.index.display()
    )?;
    writeln!(w, "  files seen   {:>9}", r.files_seen)?;
    writeln!(w, "  added        {:>9}", r.added)?;
    writeln!(w, "  updated      {:>9}", r.updated)?;
    writeln!(w, "  unchanged    {:>9}", r.unchanged)?;
    writeln!(w, "  deleted      {:>9}", r.deleted)?;
    writeln!(w, "{}", skipped_line(&r.skipped))?;
    if r.kept > 0 {
        let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
        for file in &r.kept_files {
            *reasons.entry(file.reason.to_string()).or_default() += 1;
        }
        let reasons: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
        writeln!(
            w,
            "  kept stale   {:>9}  ({}: last indexed version kept)",
            r.kept,
            reasons.join(", ")
        )?;
    }
    if r.not_processed > 0 {
        writeln!(w, "  left for next run {:>4}", r.not_processed)?;
    }
    if r.stories_checked > 0 {
        writeln!(
            w,
            "  stories      {:>9}  (articles grouped; {} unchanged ones moved to another story)",
            r.stories_checked, r.stories_changed
        )?;
    }
    if r.stories_pending {
        writeln!(
            w,
            "  stories pending: the run did not finish them; the next run groups every article"
        )?;
    }
    writeln!(w, "  undated      {:>9}", r.undated)?;
    writeln!(w, "  repaired     {:>9}", r.repaired)?;
    writeln!(
        w,
        "  read         {:>9}  in {:.2} s, {:.1} MB/s",
        human_bytes(r.bytes_read),
        r.seconds,
        r.mb_per_s
    )?;
    writeln!(
        w,
        "  documents    {:>9}  ({} commits)",
        r.documents, r.commits
    )?;
    let p = &r.phases;
    writeln!(
        w,
        "  time         walk {:.2} s, sign {:.2} s, stories {:.2} s, index {:.2} s, commit {:.2} s",
        p.walk, p.sign, p.group, p.index, p.commit
    )?;
    if verbose {
        for file in &r.skipped_files {
            writeln!(
                w,
                "  skipped {}: {} ({})",
                maybe_escape(&file.path, out.terminal),
                file.reason,
                maybe_escape(&file.detail, out.terminal)
            )?;
        }
        for file in &r.kept_files {
            writeln!(
                w,
                "  kept {}: {} ({})",
                maybe_escape(&file.path, out.terminal),
                file.reason,
                maybe_escape(&file.detail, out.terminal)
            )?;
        }
        for file in &r.deleted_files {
            writeln!(
                w,
                "  deleted {}: {}",
                maybe_escape(&file.path, out.terminal),
                file.reason
            )?;
        }
    } else if !(r.skipped_files.is_empty() && r.kept_files.is_empty() && r.deleted_files.is_empty())
    {
        writeln!(w, "  (--verbose lists the skipped, kept and deleted files)")?;
    }
    Ok(())
}
