//! The indexing progress bar and the Ctrl-C handler.
//!
//! The bar is drawn on stderr, and only when stderr is a terminal, so
//! redirected output and logs stay clean. Ctrl-C asks the library to stop
//! (through [`IndexOptions::cancel`](newsidx::IndexOptions)), which commits
//! the work done so far (or abandons a rebuild); a second Ctrl-C exits at
//! once, leaving the index at its last commit.

use std::io::{self, IsTerminal};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use newsidx::{Phase, Progress, ProgressFn};

use crate::exit::Exit;

const TEMPLATE: &str = "{spinner} {msg:10} [{bar:30}] {pos}/{len} files, {elapsed}";

/// A progress bar on stderr, hidden when stderr is not a terminal.
pub(crate) fn bar() -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template(TEMPLATE)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    let bar = ProgressBar::new(0).with_style(style);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A library progress callback that moves `bar`.
pub(crate) fn callback(bar: ProgressBar) -> ProgressFn {
    Arc::new(move |progress: &Progress| match progress.phase {
        Phase::Walking => bar.set_message("walking"),
        Phase::Indexing => {
            bar.set_message("indexing");
            bar.set_length(progress.files_total);
            bar.set_position(progress.files_done);
        }
        Phase::Committing => bar.set_message("committing"),
        Phase::Stories => bar.set_message("stories"),
    })
}

/// Installs the Ctrl-C handler; returns the flag it sets. Its message is
/// printed around `bar`.
///
/// If no handler can be installed, Ctrl-C keeps its default effect (the
/// process ends, and the index stays at its last commit), which is safe.
pub(crate) fn cancel_on_ctrl_c(bar: ProgressBar, rebuild: bool) -> Arc<AtomicBool> {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            // Second Ctrl-C: the user does not want to wait for the commit.
            std::process::exit(i32::from(Exit::Interrupted.code()));
        }
        let doing = if rebuild {
            "abandoning the rebuild, the index stays as it was"
        } else {
            "committing the work done so far"
        };
        bar.suspend(|| eprintln!("newsidx: stopping: {doing} (Ctrl-C again to quit now)"));
    });
    cancel
}
