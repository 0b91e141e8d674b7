//! The `newsidx` command: a thin clap layer over the `newsidx` library.
//!
//! `main` parses the command line, hands it to [`cmd::run`], and turns the
//! outcome into an exit code (see [`exit`]). Errors are reported here, once,
//! as `newsidx: <message>: <cause>…`.

mod args;
mod cmd;
mod exit;
mod progress;
#[cfg(feature = "serve")]
mod serve;
mod term;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::exit::Exit;

/// mimalloc rather than the system's allocator: see `Cargo.toml`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // clap prints its own errors and exits with 2 (0 for --help/--version).
    let cli = Cli::parse();
    if keeps_huge_pages(&cli.command) {
        huge_pages_again();
    }
    match cmd::run(cli) {
        Ok(exit) => exit.into(),
        Err(err) => report_error(&err).into(),
    }
}

/// Whether the command runs long over a large heap (the indexer, the
/// server), where huge pages pay (see `SMALL_PAGES_FIRST`).
fn keeps_huge_pages(command: &Command) -> bool {
    match command {
        Command::Index(_) => true,
        #[cfg(feature = "serve")]
        Command::Serve(_) => true,
        _ => false,
    }
}

/// Turns transparent huge pages off for this process, on Linux, before
/// anything else runs: the C runtime calls it from `.init_array`, ahead of
/// Rust's own start-up, whose first allocations already make mimalloc
/// reserve its arena and touch it. `main` turns them on again for the
/// commands that keep them ([`huge_pages_again`]).
///
/// mimalloc asks the kernel for huge pages (`madvise`), and the kernel
/// zeroes 2 MB at the first touch of each. The indexer gains from them
/// (its hash tables miss the TLB less: a first index of 100,000 articles
/// took 12% longer without them, for 11% less memory), and so may a
/// server; a command that reads once and exits only pays: a third of a
/// search's time on a 100,000-article index went to zeroing pages it
/// barely used, and its peak RSS was 37 MB where 21 MB do
/// (`benches/README.md`). Turned off in `main`, after start-up, it still
/// left a fifth of a search's samples zeroing the pages that start-up had
/// touched.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static SMALL_PAGES_FIRST: extern "C" fn() = small_pages;

#[cfg(target_os = "linux")]
extern "C" fn small_pages() {
    // SAFETY: `PR_SET_THP_DISABLE` takes integers only and sets a flag of
    // this process; it touches no memory of ours and needs nothing set up.
    // A failure (an old kernel) leaves huge pages on, which is only slower.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Turns transparent huge pages back on (see [`SMALL_PAGES_FIRST`]).
#[cfg(target_os = "linux")]
fn huge_pages_again() {
    // SAFETY: as in `small_pages`.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 0, 0, 0, 0);
    }
}

#[cfg(not(target_os = "linux"))]
fn huge_pages_again() {}

/// Prints the error (unless it is a closed pipe) and picks the exit code.
fn report_error(err: &anyhow::Error) -> Exit {
    if is_broken_pipe(err) {
        // The reader went away (`newsidx parse … | head`): that is success,
        // as it is for other Unix filters.
        return Exit::Success;
    }
    let mut message = error_message(err);
    if let Some(hint) = library_error(err).and_then(exit::hint) {
        message.push_str("; ");
        message.push_str(&hint);
    }
    let message = term::escape_controls(&message).into_owned();
    // If stderr is gone too there is nobody left to tell.
    let _ = writeln!(io::stderr().lock(), "newsidx: {message}");
    exit_code(err)
}

/// The exit code of an error: from the library's error kind when a library
/// error is in the chain, "internal" otherwise.
fn exit_code(err: &anyhow::Error) -> Exit {
    if err
        .chain()
        .any(|cause| cause.downcast_ref::<exit::UsageError>().is_some())
    {
        return Exit::Usage;
    }
    library_error(err).map_or(Exit::Internal, |e| e.kind().into())
}

/// The first library error in the chain.
fn library_error(err: &anyhow::Error) -> Option<&newsidx::Error> {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<newsidx::Error>())
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes, joined with `: ` like `{:#}`, except that a
/// cause whose text the message already shows is not repeated (some errors
/// print their source in their own message).
fn error_message(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if text.is_empty() || message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn the_chain_is_printed_once() {
        let io = io::Error::new(io::ErrorKind::PermissionDenied, "permission denied");
        let err = anyhow::Error::new(newsidx::Error::io("/a/b", io)).context("cannot index");
        assert_eq!(error_message(&err), "cannot index: /a/b: permission denied");
    }

    #[test]
    fn causes_are_joined_like_alternate_display() {
        let err = anyhow::anyhow!("inner").context("middle").context("outer");
        assert_eq!(error_message(&err), format!("{err:#}"));
    }

    #[test]
    fn library_errors_pick_the_exit_code() {
        let err = anyhow::Error::new(newsidx::Error::IndexNotFound { path: "x".into() });
        assert_eq!(exit_code(&err), Exit::Index);
        let err = Err::<(), _>(err).context("stats").unwrap_err();
        assert_eq!(exit_code(&err).code(), 3);
        assert_eq!(exit_code(&anyhow::anyhow!("other")), Exit::Internal);
        let usage = anyhow::Error::new(exit::UsageError("no such file".into())).context("eval");
        assert_eq!(exit_code(&usage), Exit::Usage);
    }

    #[test]
    fn broken_pipes_are_recognised_through_context() {
        let pipe = io::Error::new(io::ErrorKind::BrokenPipe, "pipe");
        let err = Err::<(), _>(pipe).context("writing").unwrap_err();
        assert!(is_broken_pipe(&err));
        assert_eq!(report_error(&err), Exit::Success);
    }
}
