//! `newsidx completions SHELL` and `newsidx man`: what a packaged command
//! ships, generated from the clap definitions so that they never drift.

use std::io::Write;

use anyhow::Context;
use clap::CommandFactory;

use super::Out;
use crate::args::{Cli, CompletionsArgs, ManArgs};
use crate::exit::{Exit, UsageError};

/// Prints the completion script of `args.shell`.
pub(crate) fn completions(
    args: &CompletionsArgs,
    out: &mut Out<impl Write>,
) -> anyhow::Result<Exit> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "newsidx", &mut out.w);
    Ok(Exit::Success)
}

/// Prints a manual page (roff): the command's (its subcommands and the exit
/// codes), or with a subcommand named, that subcommand's, newsidx-NAME(1).
pub(crate) fn man(args: &ManArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    let command = Cli::command();
    let page = match &args.subcommand {
        None => command,
        Some(name) => {
            let Some(sub) = command.find_subcommand(name) else {
                return Err(
                    UsageError(format!("no subcommand {name:?}: newsidx help lists them")).into(),
                );
            };
            sub.clone()
                .display_name(format!("newsidx-{name}"))
                .bin_name(format!("newsidx {name}"))
        }
    };
    clap_mangen::Man::new(page)
        .render(&mut out.w)
        .context("cannot write the manual page")?;
    Ok(Exit::Success)
}
