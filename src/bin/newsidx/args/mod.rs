//! The command line, as close to the flags as possible (clap derive).
//!
//! Nothing here does any work: each subcommand's arguments are a plain
//! struct, turned into library options by a small method (`IndexArgs::options`),
//! and `cmd` runs them. To add a subcommand, add a variant to [`Command`] (see
//! the marked place), an `XArgs` struct here and a `cmd/x.rs` module.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use newsidx::article::ParseOptions;
use newsidx::export::ExportOptions;
use newsidx::search::{SearchIn, SearchRequest};
use newsidx::{IndexOptions, SourceFrom};

use crate::exit::EXIT_CODES_HELP;

mod search;

#[cfg(all(feature = "serve", test))]
pub use search::PeriodArg;
#[cfg(feature = "serve")]
pub use search::{CountArg, FacetArg, InArg, SortArg};
pub use search::{KwicArgs, KwicSortArg, SearchArgs, SimilarArgs};

/// Full-text search for news archives.
///
/// Index a folder of article files once, then keep the index up to date by
/// running `newsidx index` again: only new and changed files are read.
#[derive(Debug, Parser)]
#[command(name = "newsidx", version, after_help = EXIT_CODES_HELP, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse article files and print them as JSON Lines (one object per file).
    ///
    /// Each line is either an article
    /// `{"path","id","date","date_problem","source","headline","body","notice","comments","repaired"}`
    /// (`date_problem` says why the date of a date line was not taken, such
    /// as 2018-02-30)
    /// or a file that holds none, `{"path","skipped","detail"}` with `skipped`
    /// one of empty, binary, too_large, unreadable. Nothing is indexed.
    #[command(after_help = EXIT_CODES_HELP)]
    Parse(ParseArgs),
    /// Index an archive folder: add new files, re-index changed ones, drop
    /// removed ones.
    ///
    /// Creates the index if it does not exist. The summary goes to standard
    /// output; progress (on a terminal) to standard error. Ctrl-C stops early:
    /// an update commits the work done so far, a rebuild is abandoned and the
    /// old index kept. A run refuses to mix settings with the index's or to
    /// delete most of it (see --rebuild and --max-delete).
    #[command(after_help = EXIT_CODES_HELP)]
    Index(IndexArgs),
    /// Show what an index holds: documents, sources, dates, comments, size.
    #[command(after_help = EXIT_CODES_HELP)]
    Stats(StatsArgs),
    /// List the most syndicated stories: the articles that are copies of
    /// one another, with their papers and dates.
    #[command(after_help = EXIT_CODES_HELP)]
    Stories(StoriesArgs),
    /// Show one article from the index, by id (file stem) or path.
    ///
    /// Several articles can share an id (in different folders): all are shown.
    /// With --json the output is always a JSON array of articles.
    #[command(after_help = EXIT_CODES_HELP)]
    Show(ShowArgs),
    /// Search the index.
    ///
    /// All words are required unless --any is given. Query language: words
    /// (stemmed: banks finds banking); "exact phrases"; "phrase with slop"~3;
    /// AND, OR, NOT, +word, -word and parentheses; headline:, body:, comments:
    /// and source: before a word or phrase; prefixes of words as written such
    /// as bank*, also in phrases ("petro* company"); =word and ="a phrase" as
    /// written; word~1 and word~2 for words within 1 or 2 edits; word^2 to
    /// boost. Exits 1 when nothing matches, as grep does.
    #[command(after_help = EXIT_CODES_HELP)]
    Search(SearchArgs),
    /// List the articles most like a given one (related coverage).
    ///
    /// The article's most distinctive words (frequent in it, rare in the
    /// index) are searched as alternatives, each weighed by how distinctive
    /// it is; the article itself is never listed. Filters, --sort and the
    /// output (text or --json) are those of search. Exits 1 when nothing is
    /// similar or no article has that ID.
    #[command(after_help = EXIT_CODES_HELP)]
    Similar(SimilarArgs),
    /// Keyword in context: every occurrence of the query's words and
    /// phrases in the matching articles, one line each, with the words
    /// around it.
    ///
    /// Columns: date, source, id, left context, the match, right context.
    /// Filters are those of search. Lines stop at --limit, and the total is
    /// said at the end (on standard error for text). --json prints JSON
    /// Lines with the byte range of each match in its text (`at`): the body
    /// as show --json gives it, paragraphs joined by a line feed, or the
    /// comment numbered `comment`. Exits 1 when nothing matches.
    #[command(after_help = EXIT_CODES_HELP)]
    Kwic(KwicArgs),
    /// Score the ranking on a test collection (queries and relevance
    /// judgments): MAP, nDCG@10, P@10, MRR and Recall@100, as trec_eval
    /// computes them.
    ///
    /// Each query is run as plain words joined by OR (natural language, not
    /// query syntax).
    #[command(after_help = EXIT_CODES_HELP)]
    Eval(EvalArgs),
    /// Export the archive as NDJSON for Quickwit, one article a line.
    ///
    /// From an archive folder (DIR, no index needed: files are read as
    /// `index` reads them) or from an index (--index, or the default index
    /// when DIR is not given). Lines go to standard output, or to --out;
    /// the report goes to standard error. schema/quickwit-index.yaml is the
    /// matching Quickwit index config; docs/scale-out.md says how to use it.
    #[command(after_help = EXIT_CODES_HELP)]
    Export(ExportArgs),
    /// Print a shell completion script for newsidx.
    ///
    /// For bash: `newsidx completions bash > ~/.local/share/bash-completion/completions/newsidx`.
    Completions(CompletionsArgs),
    /// Print the manual page of newsidx, or of one subcommand, (roff) to
    /// standard output.
    ///
    /// `newsidx man > ~/.local/share/man/man1/newsidx.1`, then `man newsidx`;
    /// `newsidx man search` is the page newsidx-search(1).
    Man(ManArgs),
    /// Serve the index over HTTP: a search page at / and a JSON API under
    /// /api/ (read-only).
    ///
    /// The API takes the options of `search` as query parameters and answers
    /// with the JSON of `search --json`, `show --json` and `stats --json`
    /// (GET /api/search, /api/articles/ID, /api/stats; the OpenAPI document
    /// is /api/openapi.json). New commits of the index are picked up while it
    /// runs. One line per request goes to standard error (--quiet silences
    /// it). Ctrl-C or SIGTERM stops it; the exit code is then 0.
    #[cfg(feature = "serve")]
    #[command(after_help = EXIT_CODES_HELP)]
    Serve(ServeArgs),
}

/// Arguments of `newsidx man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print [default: the command's].
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

/// Arguments of `newsidx completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// The index folder (shared by every subcommand that uses an index).
#[derive(Debug, Clone, Args)]
pub struct IndexPath {
    /// Index folder [default: $NEWSIDX_INDEX, else ./.newsidx].
    #[arg(long, value_name = "PATH")]
    pub index: Option<PathBuf>,
}

/// The environment variable that names the default index folder.
pub const INDEX_ENV: &str = "NEWSIDX_INDEX";
/// The default index folder, relative to the working directory.
pub const DEFAULT_INDEX_DIR: &str = ".newsidx";

impl IndexPath {
    /// The folder given, or else `$NEWSIDX_INDEX`, or else `./.newsidx`.
    pub fn path(&self) -> PathBuf {
        if let Some(path) = &self.index {
            return path.clone();
        }
        match std::env::var_os(INDEX_ENV) {
            Some(path) if !path.is_empty() => PathBuf::from(path),
            _ => PathBuf::from(DEFAULT_INDEX_DIR),
        }
    }
}

/// The output format switch.
#[derive(Debug, Clone, Copy, Args)]
pub struct JsonFlag {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `newsidx parse`.
#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Article files to parse (not folders).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Skip files larger than this (suffixes K, M, G: powers of 1024).
    #[arg(long, value_name = "BYTES", value_parser = parse_size, default_value = "64M")]
    pub max_file_size: u64,
}

impl ParseArgs {
    /// The parser options.
    pub fn options(&self) -> ParseOptions {
        ParseOptions {
            max_file_size: self.max_file_size,
        }
    }
}

/// Where sources come from (`--source-from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceFromArg {
    /// The holder named in the copyright line.
    Copyright,
    /// The top-level folder under the archive root (one publisher per folder).
    Folder,
}

impl From<SourceFromArg> for SourceFrom {
    fn from(arg: SourceFromArg) -> SourceFrom {
        match arg {
            SourceFromArg::Copyright => SourceFrom::Copyright,
            SourceFromArg::Folder => SourceFrom::Folder,
        }
    }
}

/// Arguments of `newsidx index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The archive folder: every *.txt file below it is an article (hidden
    /// files and folders are skipped) [default: the folder the index was
    /// built from].
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    pub index: IndexPath,
    /// Memory budget of the index writer, in megabytes.
    #[arg(long, value_name = "MB", default_value_t = IndexOptions::DEFAULT_MEMORY_MB,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000).map(|v| v as usize))]
    pub memory: usize,
    /// Indexing threads [default: 0, all cores]. No more than the cores,
    /// and one per 15 MB of --memory, are used (the report notes it).
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    pub threads: usize,
    /// Where an article's source (publisher) comes from.
    #[arg(long, value_enum, value_name = "FROM", default_value_t = SourceFromArg::Copyright)]
    pub source_from: SourceFromArg,
    /// Skip files larger than this (suffixes K, M, G: powers of 1024).
    #[arg(long, value_name = "BYTES", value_parser = parse_size, default_value = "64M")]
    pub max_file_size: u64,
    /// Commit at least every SECS seconds during a long run, so that an
    /// interrupted run loses little (decimals allowed; 0 commits after every
    /// batch of 512 files).
    #[arg(long, value_name = "SECS", default_value_t = 60.0, value_parser = parse_seconds)]
    pub commit_every: f64,
    /// Index the whole archive afresh, replacing every document (also an
    /// index built from another archive folder, with another --source-from
    /// or by another newsidx version). Searches see the old index until the
    /// new one is complete; Ctrl-C abandons the rebuild and keeps the old
    /// index.
    #[arg(long)]
    pub rebuild: bool,
    /// Refuse a run that would delete more than PERCENT% of the index's
    /// documents (files gone from the archive, or no longer indexable), or
    /// every one of them, as an emptied or unmounted archive folder would;
    /// nothing is written then. Up to 10 deletions are always allowed unless
    /// they empty the index. 100 allows any deletion.
    #[arg(long, value_name = "PERCENT", default_value_t = IndexOptions::DEFAULT_MAX_DELETE_PERCENT,
          value_parser = clap::value_parser!(u8).range(0..=100))]
    pub max_delete: u8,
    #[command(flatten)]
    pub json: JsonFlag,
    /// Also list every file that was not indexed, with the reason.
    #[arg(long, short)]
    pub verbose: bool,
}

impl IndexArgs {
    /// The library options (without the progress callback and cancel flag,
    /// which the command adds).
    pub fn options(&self) -> IndexOptions {
        IndexOptions {
            memory_mb: self.memory,
            threads: self.threads,
            source_from: self.source_from.into(),
            parse: ParseOptions {
                max_file_size: self.max_file_size,
            },
            rebuild: self.rebuild,
            commit_every: Some(Duration::from_secs_f64(self.commit_every)),
            max_delete_percent: self.max_delete,
            ..IndexOptions::default()
        }
    }
}

/// Arguments of `newsidx stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub index: IndexPath,
    #[command(flatten)]
    pub json: JsonFlag,
    /// Print CSV rows kind,value,count (documents, undated, comments,
    /// articles_with_comments, each source, each year) with a header.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

/// Arguments of `newsidx stories`.
#[derive(Debug, Args)]
pub struct StoriesArgs {
    /// Only stories of at least this many articles.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub min_copies: u64,
    /// Stories to list, most copies first.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 20)]
    pub limit: usize,
    #[command(flatten)]
    pub index: IndexPath,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// Arguments of `newsidx show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The article's id (file stem, e.g. 000_0649edb95e3e8da2), its file
    /// name (ID.txt), a prefix of its id that no other id shares, or its
    /// path (relative to the archive folder, or to where you stand).
    #[arg(value_name = "ID")]
    pub id: String,
    #[command(flatten)]
    pub index: IndexPath,
    /// Show only the comments that match this query, with the matches
    /// marked (what `search` counts as matching comments).
    #[arg(long, value_name = "QUERY")]
    pub matching: Option<String>,
    /// With --matching: match any word instead of all of them, as `search
    /// --any` does.
    #[arg(long, requires = "matching")]
    pub any: bool,
    /// With --matching: when shown in bold.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    #[command(flatten)]
    pub json: JsonFlag,
}

impl ShowArgs {
    /// The request whose matching comments `--matching` shows: its query,
    /// searched in comments, with `--any`.
    pub fn matching_request(&self) -> Option<SearchRequest> {
        let query = self.matching.as_deref()?;
        Some(
            SearchRequest::new(query)
                .search_in(SearchIn::Comments)
                .any(self.any),
        )
    }
}

/// Arguments of `newsidx serve`.
#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub index: IndexPath,
    /// Address to listen on (port 0 picks a free port; the start line on
    /// standard error says which). Anything but a loopback address lets
    /// other machines read the index, and is said so on start.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Searches run at once [default: the number of cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_searches: Option<u32>,
    /// Searches that may wait for a free slot; more are answered at once
    /// with 503 and Retry-After.
    #[arg(long, value_name = "N", default_value_t = 256,
          value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub queue: u32,
    /// Longest time a request may take, waiting included, before it is
    /// answered with 503 (decimals allowed).
    #[arg(long, value_name = "SECS", default_value_t = 10.0, value_parser = parse_seconds)]
    pub timeout: f64,
    /// No access log.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `newsidx export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export this archive folder rather than an index.
    #[arg(value_name = "DIR", conflicts_with = "index")]
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    pub index: IndexPath,
    /// Write the lines to FILE (created or replaced) [default: standard
    /// output].
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Where an article's source comes from, as for `index` (with DIR)
    /// [default: copyright].
    #[arg(long, value_enum, value_name = "FROM", requires = "dir")]
    pub source_from: Option<SourceFromArg>,
    /// Skip files larger than this, as for `index` (with DIR) [default:
    /// 64M].
    #[arg(long, value_name = "BYTES", value_parser = parse_size, requires = "dir")]
    pub max_file_size: Option<u64>,
    /// Parsing threads (with DIR) [default: 0, all cores].
    #[arg(long, value_name = "N", requires = "dir")]
    pub threads: Option<usize>,
    /// Also list every file that was not exported, with the reason.
    #[arg(long, short)]
    pub verbose: bool,
}

impl ExportArgs {
    /// The library options of an export from a folder.
    pub fn options(&self) -> ExportOptions {
        let defaults = ParseOptions::default();
        ExportOptions {
            source_from: self.source_from.map_or(SourceFrom::Copyright, Into::into),
            parse: ParseOptions {
                max_file_size: self.max_file_size.unwrap_or(defaults.max_file_size),
            },
            threads: self.threads.unwrap_or(0),
        }
    }
}

/// When to highlight with terminal colours (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// When standard output is a terminal and NO_COLOR is not set.
    Auto,
    /// Always (even when NO_COLOR is set).
    Always,
    /// Never.
    Never,
}

/// Arguments of `newsidx eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The queries: one a line, `qid<TAB>text`.
    #[arg(long, value_name = "FILE")]
    pub queries: PathBuf,
    /// The relevance judgments, TREC qrels format (`qid iter docid rel`).
    #[arg(long, value_name = "FILE")]
    pub qrels: PathBuf,
    #[command(flatten)]
    pub index: IndexPath,
    /// Also write the ranking as a TREC run file (for trec_eval).
    #[arg(long, value_name = "FILE")]
    pub run: Option<PathBuf>,
    /// Results kept per query.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub depth: usize,
    /// Also print each query's figures.
    #[arg(long, short)]
    pub verbose: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// Parses a number of seconds: finite, not negative, at most a year.
pub fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(secs) if (0.0..=31_536_000.0).contains(&secs) => Ok(secs),
        _ => Err(format!(
            "{text:?} is not a number of seconds between 0 and 31536000"
        )),
    }
}

/// Parses a byte size: a number with an optional suffix K, M, G or T
/// (powers of 1024; `KB`, `KiB`, `MB`… and any case are accepted too).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(digits);
    let number: u64 = number.parse().map_err(|_| {
        format!("{text:?} is not a size: expected a number such as 512K, 64M or 1G")
    })?;
    let shift = match suffix.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        other => return Err(format!("unknown size suffix {other:?}: use K, M, G or T")),
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("{text} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn seconds_are_finite_and_not_negative() {
        assert_eq!(parse_seconds("0"), Ok(0.0));
        assert_eq!(parse_seconds("2.5"), Ok(2.5));
        for bad in ["-1", "NaN", "inf", "", "1e12", "soon"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("123"), Ok(123));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert_eq!(parse_size("512 KiB"), Ok(512 << 10));
        assert_eq!(parse_size("10b"), Ok(10));
        assert!(parse_size("").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("12X").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("99999999999999999999T").is_err());
        assert!(parse_size("16777216T").is_err());
    }

    #[test]
    fn index_options_follow_the_flags() {
        let cli = Cli::try_parse_from([
            "newsidx",
            "index",
            "archive",
            "--memory",
            "100",
            "--threads",
            "3",
            "--source-from",
            "folder",
            "--max-file-size",
            "1K",
            "--rebuild",
            "--max-delete",
            "100",
        ])
        .unwrap();
        let Command::Index(args) = cli.command else {
            panic!("not index");
        };
        let options = args.options();
        assert_eq!((options.memory_mb, options.threads), (100, 3));
        assert_eq!(options.source_from, SourceFrom::Folder);
        assert_eq!(options.parse.max_file_size, 1024);
        assert!(options.rebuild);
        assert_eq!(options.max_delete_percent, 100);
        assert!(Cli::try_parse_from(["newsidx", "index", "a", "--max-delete", "101"]).is_err());
    }

    #[test]
    fn defaults_match_the_library() {
        let cli = Cli::try_parse_from(["newsidx", "index", "a"]).unwrap();
        let Command::Index(args) = cli.command else {
            panic!("not index");
        };
        let (ours, lib) = (args.options(), IndexOptions::default());
        assert_eq!(ours.memory_mb, lib.memory_mb);
        assert_eq!(ours.parse, lib.parse);
        assert_eq!(ours.source_from, lib.source_from);
        assert_eq!(ours.max_delete_percent, lib.max_delete_percent);
    }

    #[test]
    fn the_max_delete_help_states_the_free_deletions() {
        use clap::CommandFactory;
        let mut cli = Cli::command();
        let index = cli.find_subcommand_mut("index").expect("index");
        let help = index.render_long_help().to_string();
        let free = IndexOptions::FREE_DELETES;
        assert!(help.contains(&format!("Up to {free} deletions")), "{help}");
    }
}
