//! Exit codes: one enum, documented in `--help`, so scripts can rely on them.

use newsidx::ErrorKind;

/// The text of the "Exit codes" section of `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success
  1    nothing found or incomplete: parse or index met unreadable files, show
       found no such article, search found no hits
  2    usage error: bad arguments, a malformed query, an --index inside the
       archive, a missing archive folder
  3    missing or unusable index: create or rebuild it as the message says
  4    internal failure: I/O errors, a busy (locked) index, engine failures
  130  indexing interrupted by Ctrl-C (the work done so far is committed)";

/// How the program ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked.
    Success,
    /// Nothing found, or the work is incomplete (some files unreadable).
    Incomplete,
    /// The command line or the request is wrong.
    Usage,
    /// There is no usable index.
    Index,
    /// Anything else failed.
    Internal,
    /// Interrupted by Ctrl-C.
    Interrupted,
}

impl Exit {
    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Incomplete => 1,
            Exit::Usage => 2,
            Exit::Index => 3,
            Exit::Internal => 4,
            Exit::Interrupted => 130,
        }
    }

    /// `Success`, or `Incomplete` when `complete` is false.
    pub fn complete_if(complete: bool) -> Exit {
        if complete {
            Exit::Success
        } else {
            Exit::Incomplete
        }
    }
}

/// A usage error found by the command itself rather than the library (a
/// missing queries file, a missing archive folder): exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

impl From<ErrorKind> for Exit {
    fn from(kind: ErrorKind) -> Exit {
        match kind {
            ErrorKind::Usage => Exit::Usage,
            ErrorKind::Index => Exit::Index,
            ErrorKind::Internal => Exit::Internal,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> std::process::ExitCode {
        std::process::ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Exit; 6] = [
        Exit::Success,
        Exit::Incomplete,
        Exit::Usage,
        Exit::Index,
        Exit::Internal,
        Exit::Interrupted,
    ];

    #[test]
    fn codes_are_the_documented_ones() {
        let codes: Vec<u8> = ALL.iter().map(|e| e.code()).collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 130]);
        for code in codes {
            assert!(
                EXIT_CODES_HELP.contains(&format!("\n  {code} ")),
                "exit code {code} is not documented"
            );
        }
    }

    #[test]
    fn clap_usage_errors_share_our_usage_code() {
        // clap exits with 2 on a bad command line; so do our usage errors.
        assert_eq!(Exit::Usage.code(), 2);
        let err = clap::Error::new(clap::error::ErrorKind::UnknownArgument);
        assert_eq!(err.exit_code(), i32::from(Exit::Usage.code()));
    }

    #[test]
    fn error_kinds_map_to_codes() {
        assert_eq!(Exit::from(ErrorKind::Usage), Exit::Usage);
        assert_eq!(Exit::from(ErrorKind::Index).code(), 3);
        assert_eq!(Exit::from(ErrorKind::Internal).code(), 4);
    }

    #[test]
    fn complete_if_picks_success_or_incomplete() {
        assert_eq!(Exit::complete_if(true), Exit::Success);
        assert_eq!(Exit::complete_if(false).code(), 1);
    }
}
