//! One module per subcommand: each runs the library and writes its results
//! to the [`Out`] it is given.

mod conventions;
mod eval;
mod export;
mod index;
mod kwic;
mod parse;
mod search;
pub(crate) mod show;
mod stats;
mod stories;
mod table;

use std::collections::BTreeMap;
use std::io::{self, BufWriter, IsTerminal, Write};

use anyhow::Context;

use crate::args::{Cli, Command};
use crate::exit::Exit;

/// Standard output as the commands see it.
pub(crate) struct Out<W: Write> {
    /// Where results go (buffered standard output, or a `Vec<u8>` in tests).
    pub w: W,
    /// Whether text is headed for a terminal, so article text must be escaped
    /// (see [`crate::term`]).
    pub terminal: bool,
}

/// Runs the command; the exit code says how it went.
pub(crate) fn run(cli: Cli) -> anyhow::Result<Exit> {
    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    let mut out = Out {
        w: BufWriter::new(stdout.lock()),
        terminal,
    };
    let exit = match &cli.command {
        Command::Parse(args) => parse::run(args, &mut out)?,
        Command::Index(args) => index::run(args, &mut out)?,
        Command::Stats(args) => stats::run(args, &mut out)?,
        Command::Show(args) => show::run(args, &mut out)?,
        Command::Stories(args) => stories::run(args, &mut out)?,
        Command::Search(args) => search::run(args, &mut out)?,
        Command::Similar(args) => search::similar(args, &mut out)?,
        Command::Kwic(args) => kwic::run(args, &mut out)?,
        Command::Eval(args) => eval::run(args, &mut out)?,
        Command::Export(args) => export::run(args, &mut out)?,
        Command::Completions(args) => conventions::completions(args, &mut out)?,
        Command::Man(args) => conventions::man(args, &mut out)?,
        #[cfg(feature = "serve")]
        Command::Serve(args) => crate::serve::run(args)?,
    };
    out.w.flush().context("cannot write to standard output")?;
    Ok(exit)
}

/// The "skipped" line of the index and export reports: the total, then
/// each reason with its count.
pub(crate) fn skipped_line(skipped: &BTreeMap<String, u64>) -> String {
    let reasons: Vec<String> = skipped
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(reason, n)| format!("{n} {reason}"))
        .collect();
    let total: u64 = skipped.values().sum();
    if reasons.is_empty() {
        format!("  skipped      {total:>9}")
    } else {
        format!("  skipped      {total:>9}  ({})", reasons.join(", "))
    }
}

/// A byte count for people: `812 B`, `3.4 kB`, `12.3 MB`, `1.2 GB`
/// (powers of 1000, like the MB/s figures).
pub(crate) fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_lines_list_the_reasons_seen() {
        let mut skipped = BTreeMap::from([("binary".to_string(), 0), ("empty".to_string(), 0)]);
        assert_eq!(skipped_line(&skipped), "  skipped              0");
        skipped.insert("empty".to_string(), 2);
        skipped.insert("too_large".to_string(), 1);
        assert_eq!(
            skipped_line(&skipped),
            "  skipped              3  (2 empty, 1 too_large)"
        );
    }

    #[test]
    fn bytes_read_like_people_write_them() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1000), "1.0 kB");
        assert_eq!(human_bytes(12_345_678), "12.3 MB");
        assert_eq!(human_bytes(999_999), "1.0 MB");
        assert_eq!(human_bytes(u64::MAX), "18446744.1 TB");
    }
}
