//! `newsidx export [DIR | --index PATH] [--out FILE]`: NDJSON for Quickwit.
//!
//! The lines go to standard output (or `--out`), so the report goes to
//! standard error: `newsidx export DIR | quickwit tool local-ingest …` works.

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::Context;
use newsidx::Index;
use newsidx::export::{self, ExportReport};

use super::{Out, human_bytes, skipped_line};
use crate::args::ExportArgs;
use crate::exit::{Exit, advise};
use crate::term::maybe_escape;

pub(crate) fn run(args: &ExportArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    let report = match &args.out {
        Some(file) => {
            if let Some(dir) = &args.dir {
                refuse_output_inside(file, dir)?;
            }
            let handle = File::create(file)
                .map_err(|e| newsidx::Error::io(file, e))
                .context("cannot create the output file")?;
            export(args, handle)?
        }
        None => {
            let report = export(args, &mut out.w)?;
            out.w.flush().context("cannot write to standard output")?;
            report
        }
    };
    let target = args.out.as_ref().map_or_else(
        || "standard output".to_string(),
        |f| f.display().to_string(),
    );
    write_report(&report, &target, args.verbose).context("cannot write to standard error")?;
    let unreadable = report.skipped.get("unreadable").copied().unwrap_or(0);
    Ok(Exit::complete_if(unreadable == 0))
}

fn export(args: &ExportArgs, writer: impl Write) -> anyhow::Result<ExportReport> {
    let mut report = match &args.dir {
        Some(dir) => export::export_dir(dir, &args.options(), writer)?,
        None => Index::open(args.index.path())?.searcher()?.export(writer)?,
    };
    advise(&mut report.skipped_files);
    Ok(report)
}

/// newsidx never writes into an archive: an export file there would also be
/// read back as part of it by other tools.
fn refuse_output_inside(file: &Path, dir: &Path) -> anyhow::Result<()> {
    let (Ok(root), Some(parent)) = (dir.canonicalize(), file.parent()) else {
        // A missing archive is reported by the export itself.
        return Ok(());
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    if parent.canonicalize().is_ok_and(|p| p.starts_with(&root)) {
        return Err(newsidx::Error::ArchiveFolder {
            path: dir.to_path_buf(),
            detail: format!(
                "--out {} lies inside it, and newsidx never writes into an archive: write the export elsewhere",
                file.display()
            ),
        }
        .into());
    }
    Ok(())
}

/// The report, on standard error.
fn write_report(r: &ExportReport, target: &str, verbose: bool) -> io::Result<()> {
    let stderr = io::stderr();
    let esc = stderr.is_terminal();
    let mut w = stderr.lock();
    let from = match (&r.index, &r.archive) {
        (Some(index), _) => format!("the index {}", index.display()),
        (None, Some(archive)) => archive.display().to_string(),
        (None, None) => "nothing".to_string(),
    };
    let from = maybe_escape(&from, esc);
    let target = maybe_escape(target, esc);
    writeln!(w, "exported {from} to {target}")?;
    if r.index.is_none() {
        writeln!(w, "  files seen   {:>9}", r.files_seen)?;
    }
    writeln!(w, "  articles     {:>9}", r.exported)?;
    if r.index.is_none() {
        writeln!(w, "{}", skipped_line(&r.skipped))?;
    }
    writeln!(w, "  undated      {:>9}", r.undated)?;
    writeln!(w, "  repaired     {:>9}", r.repaired)?;
    if r.unsettled_stories > 0 {
        writeln!(
            w,
            "  note: {} articles changed during the export and are written as stories of their own; export again for their stories",
            r.unsettled_stories
        )?;
    }
    writeln!(
        w,
        "  written      {:>9}  in {:.2} s",
        human_bytes(r.bytes_written),
        r.seconds
    )?;
    if verbose {
        for file in &r.skipped_files {
            writeln!(
                w,
                "  skipped {}: {} ({})",
                maybe_escape(&file.path, esc),
                file.reason,
                maybe_escape(&file.detail, esc)
            )?;
        }
    } else if !r.skipped_files.is_empty() {
        writeln!(w, "  (--verbose lists the skipped files)")?;
    }
    Ok(())
}
