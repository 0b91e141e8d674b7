//! Exit codes: one enum, documented in `--help`, so scripts can rely on them.

use newsidx::article::SkipReason;
use newsidx::query::Filter;
use newsidx::{ErrorKind, SkippedFile};

/// The text of the "Exit codes" section of `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success
  1    nothing found or incomplete: parse or index met unreadable files, show
       found no such article, search found no hits
  2    usage error: bad arguments, a malformed query, an --index inside the
       archive, a missing archive folder
  3    missing or unusable index: create or rebuild it as the message says
  4    internal failure: I/O errors (permissions, too many open files, a
       full disk: the index is not damaged), a busy (locked) index, engine
       failures
  130  indexing interrupted by Ctrl-C (an update commits the work done so
       far; a rebuild is abandoned and the old index kept)";

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

/// What to do about a library error, in terms of this command's flags: the
/// library's messages say what is wrong and what must happen ("rebuild
/// it"), never which flag or command does it, since library users have
/// none.
pub fn hint(err: &newsidx::Error) -> Option<String> {
    use newsidx::Error as E;
    let rebuild = |path: &std::path::Path| {
        format!(
            "run `newsidx index ARCHIVE_DIR --index {} --rebuild`",
            path.display()
        )
    };
    Some(match err {
        E::IndexNotFound { path } => format!(
            "run `newsidx index ARCHIVE_DIR --index {}`",
            path.display()
        ),
        E::Damaged { path, .. } | E::SchemaVersion { path, .. } | E::AnalysisChanged { path, .. } => {
            rebuild(path)
        }
        E::NotAnIndex { .. } => {
            "pass --index with a newsidx index, or with a new or empty folder to create one (--rebuild cannot help: it never deletes files newsidx did not write)".into()
        }
        E::IndexInsideArchive { .. } => "pass --index with a folder outside it".into(),
        E::OtherArchive { .. } => {
            "pass --index with another folder, or --rebuild to replace the index's contents".into()
        }
        E::SettingsChanged { setting, recorded, .. } => format!(
            "pass --rebuild to re-index everything with the new setting, or --{} {recorded} to keep the index's",
            setting.replace('_', "-")
        ),
        E::TooManyDeletes { .. } => "pass --max-delete 100 to allow the deletions".into(),
        E::Query(query) => match query.filter? {
            Filter::Source => {
                "`newsidx stats` lists the sources; --unknown-source keeps the articles without one".into()
            }
            Filter::Dates => "check --from and --to".into(),
            Filter::Timeline => {
                "narrow it with --from and --to, or choose a longer --timeline period".into()
            }
            _ => return None,
        },
        _ => return None,
    })
}

/// The detail of a skipped file, with what this command can do about it.
pub fn advice(reason: SkipReason, detail: &str) -> String {
    match reason {
        SkipReason::TooLarge => format!("{detail} (raise it with --max-file-size)"),
        _ => detail.to_string(),
    }
}

/// Adds [`advice`] to the details of skipped files.
pub fn advise(skipped: &mut [SkippedFile]) {
    for file in skipped {
        file.detail = advice(file.reason, &file.detail);
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
    fn hints_name_the_flags_the_library_messages_leave_out() {
        let path = std::path::PathBuf::from("idx");
        let cases = [
            (
                newsidx::Error::SettingsChanged {
                    path: path.clone(),
                    setting: "source_from",
                    recorded: "copyright".into(),
                    requested: "folder".into(),
                },
                "--source-from copyright",
            ),
            (
                newsidx::Error::TooManyDeletes {
                    path: path.clone(),
                    archive: "a".into(),
                    would_delete: 5,
                    documents: 5,
                    max_percent: 50,
                },
                "--max-delete 100",
            ),
            (
                newsidx::Error::AnalysisChanged {
                    path: path.clone(),
                    recorded: "x".into(),
                    current: "y".into(),
                },
                "--index idx --rebuild",
            ),
        ];
        let more = [
            (
                newsidx::Error::IndexNotFound { path: path.clone() },
                "newsidx index ARCHIVE_DIR --index idx",
            ),
            (
                newsidx::Error::IndexInsideArchive {
                    index: path.clone(),
                    archive: "a".into(),
                },
                "--index with a folder outside",
            ),
        ];
        for (err, flag) in cases.into_iter().chain(more) {
            assert!(!err.to_string().contains("--"), "{err}");
            let hint = hint(&err).expect("a hint");
            assert!(hint.contains(flag), "{hint}");
        }
        let io = newsidx::Error::io("x", std::io::Error::other("disk"));
        assert_eq!(hint(&io), None);
    }
}
