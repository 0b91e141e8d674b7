//! `newsidx search` as a user runs it: exit codes, messages, `--json` against
//! its schema, colour and escaping.
//!
//! `sample-corpus/` is indexed once per test binary by running
//! `newsidx index` into a temporary folder; every test then runs the binary
//! on that index.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::LazyLock;

use newsidx::Index;
use newsidx::search::Period;
use newsidx::search::SearchIn;
use newsidx::search::{DateEnd, SearchRequest, SortOrder, parse_date_filter};
use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-corpus");
const SCHEMA: &str = include_str!("../schema/search-results.schema.json");

/// The article with an ANSI colour sequence and BEL characters in a comment.
const CONTROL_CHARS_ID: &str = "001_08c4c9859ec9bd7e";

struct Fixture {
    index: PathBuf,
    // Never dropped (a static): left in the target folder's tmp/.
    _dir: tempfile::TempDir,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempfile::Builder::new()
        .prefix("newsidx-cli-search-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temporary folder");
    let index = dir.path().join("index");
    let out = newsidx(&["index", CORPUS, "--index", path_str(&index)]);
    assert!(
        out.status.success(),
        "newsidx index failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Fixture { index, _dir: dir }
});

fn index() -> &'static Path {
    &FIXTURE.index
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temporary path")
}

/// A `newsidx` command with none of the caller's settings that would change
/// its output.
fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_newsidx"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("NEWSIDX_INDEX")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("TERM", "xterm-256color");
    cmd
}

fn newsidx(args: &[&str]) -> Output {
    command(args).output().expect("run newsidx")
}

/// `newsidx search --index <fixture> ARGS...`
fn search(args: &[&str]) -> Output {
    let mut all = vec!["search", "--index", path_str(index())];
    all.extend_from_slice(args);
    newsidx(&all)
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn validate(json: &Value) {
    let schema: Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema is a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(json)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{json:#}");
}

/// Runs a `--json` search and returns its parsed output.
fn json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = search(&all);
    let text = stdout(&out);
    assert!(
        text.ends_with('\n') && text.trim_end().lines().count() == 1,
        "one JSON object on one line: {text:?}"
    );
    let value: Value = serde_json::from_str(&text).expect("stdout is JSON");
    (code(&out), value)
}

#[test]
fn json_output_follows_the_schema() {
    let cases: &[&[&str]] = &[
        &["storm surge"],
        &["storm", "--facets", "source,year", "--timeline", "month"],
        &[
            "*",
            "--facets",
            "source",
            "--timeline",
            "year",
            "--limit",
            "100",
        ],
        &["--sort", "newest", "--facets", "year", "*"],
        &["--in", "comments", "nobody OR please", "-n", "50"],
        &["\"São Paulo\"", "--sort", "oldest"],
        &["bank*", "--offset", "12", "--limit", "3"],
        &["comments:(warning OR charged)"],
        &["quokka", "--facets", "source,year", "--timeline", "year"],
    ];
    for args in cases {
        let (code, value) = json(args);
        validate(&value);
        let total = value["total"].as_u64().expect("total");
        assert_eq!(code, if total > 0 { 0 } else { 1 }, "{args:?}");
    }
}

#[test]
fn json_output_is_the_library_result() {
    let archive = Index::open(index()).expect("open index");
    let args = [
        "storm OR flood",
        "--any",
        "--from",
        "2011",
        "--to",
        "2016-09",
        "--source",
        "coastline herald media group",
        "--source",
        "Kestrel Bay Evening Post Ltd.",
        "--in",
        "body",
        "--sort",
        "oldest",
        "--limit",
        "3",
        "--offset",
        "1",
        "--facets",
        "source,year",
        "--timeline",
        "month",
    ];
    let (code, mut got) = json(&args);
    assert_eq!(code, 0);
    let request = SearchRequest::new("storm OR flood")
        .any(true)
        .dates(
            Some(parse_date_filter("2011", DateEnd::Start).unwrap()),
            Some(parse_date_filter("2016-09", DateEnd::End).unwrap()),
        )
        .source("coastline herald media group")
        .source("Kestrel Bay Evening Post Ltd.")
        .search_in(SearchIn::Body)
        .sort(SortOrder::Oldest)
        .page(3, 1)
        .facets(true, true)
        .timeline(Some(Period::Month));
    let mut want = serde_json::to_value(archive.search(&request).expect("search")).unwrap();
    assert!(want["total"].as_u64().unwrap() > 4, "a telling case");
    // Only the time differs.
    got["took_ms"] = Value::Null;
    want["took_ms"] = Value::Null;
    assert_eq!(got, want);
}

#[test]
fn json_output_keeps_article_text_exactly() {
    // JSON escapes control characters itself; no raw ones reach stdout.
    let out = search(&["--json", "--color", "always", "comments:\"charged twice\""]);
    assert_eq!(code(&out), 0);
    assert!(!out.stdout.contains(&0x1b) && !out.stdout.contains(&0x07));
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(&value);
    assert_eq!(value["total"], 1);
    let hit = &value["hits"][0];
    assert_eq!(hit["id"], CONTROL_CHARS_ID);
    let comment = &hit["snippets"]["comments"][0];
    assert_eq!(comment["number"], 2);
    assert_eq!(comment["of"], 4);
    let text = comment["snippet"]["text"].as_str().unwrap();
    assert!(text.contains("\u{1b}[31mWARNING\u{1b}[0m") && text.contains('\u{7}'));
}

#[test]
fn no_hits_exit_1() {
    for args in [
        &["quokka"][..],
        &["wombat"],
        &["--json", "quokka"],
        &["storm", "--from", "1995", "--to", "1995"],
        &["comet", "--source", "Harbor Valley"],
    ] {
        let out = search(args);
        assert_eq!(code(&out), 1, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).is_empty(), "{args:?}: {}", stderr(&out));
    }
    let out = search(&["quokka"]);
    assert!(stdout(&out).starts_with("0 articles match quokka ("));
}

#[test]
fn hits_exit_0() {
    let out = search(&["storm"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.contains(" articles match storm") && first.contains(" showing 1-10 "),
        "{first}"
    );
}

#[test]
fn malformed_queries_exit_2_and_point_at_the_column() {
    for (query, column) in [
        ("\"unclosed", 1),
        ("storm (surge", 7),
        ("storm AND", 10),
        ("storm)", 6),
        ("title:storm", 1),
    ] {
        for json_flag in [false, true] {
            let mut args = vec![query];
            if json_flag {
                args.push("--json");
            }
            let out = search(&args);
            assert_eq!(code(&out), 2, "{query:?}");
            assert!(out.stdout.is_empty(), "{query:?}");
            let err = stderr(&out);
            assert!(
                err.starts_with(&format!("newsidx: malformed query at column {column}: ")),
                "{query:?}: {err}"
            );
            // The query, and a caret under the column.
            let lines: Vec<&str> = err.lines().collect();
            assert_eq!(lines[1].trim_start(), query, "{err}");
            let caret = lines[2].find('^').expect("a caret");
            let start = lines[1].find(query).unwrap();
            assert_eq!(caret - start + 1, column, "{err}");
        }
    }
}

#[test]
fn bad_filters_exit_2() {
    for args in [
        &["storm", "--from", "2019-13"][..],
        &["storm", "--to", "yesterday"],
        &["storm", "--from", "2012", "--to", "2011"],
        &["storm", "--sort", "sideways"],
    ] {
        let out = search(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
        assert!(!stderr(&out).is_empty());
    }
}

#[test]
fn a_missing_index_exits_3_and_says_how_to_create_one() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-index-here");
    let out = newsidx(&["search", "--index", path_str(&missing), "storm"]);
    assert_eq!(code(&out), 3);
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("no index at"), "{err}");
    assert!(err.contains("newsidx index"), "{err}");
    assert!(err.contains(path_str(&missing)), "{err}");
    // Without --index: $NEWSIDX_INDEX, else ./.newsidx.
    let out = command(&["search", "storm"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).contains(".newsidx"), "{}", stderr(&out));
    let out = command(&["search", "storm"])
        .current_dir(dir.path())
        .env("NEWSIDX_INDEX", index())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// The pieces of `text` between a bold and a reset sequence.
fn bold_pieces(text: &str) -> Vec<&str> {
    text.split(BOLD)
        .skip(1)
        .map(|rest| rest.split(RESET).next().unwrap_or(""))
        .collect()
}

#[test]
fn color_always_puts_highlights_in_bold() {
    let out = search(&["--color", "always", "storm surge"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    let pieces = bold_pieces(&text);
    assert!(!pieces.is_empty(), "{text}");
    for piece in pieces {
        let lower = piece.to_lowercase();
        assert!(
            lower.starts_with("storm") || lower.starts_with("surge"),
            "{piece:?} is no query term"
        );
    }
    // NO_COLOR does not overrule an explicit --color always.
    let out = command(&[
        "search",
        "--index",
        path_str(index()),
        "--color",
        "always",
        "storm",
    ])
    .env("NO_COLOR", "1")
    .output()
    .unwrap();
    assert!(stdout(&out).contains(BOLD));
}

#[test]
fn color_never_and_no_color_write_plain_text() {
    let plain = |out: Output| {
        assert_eq!(code(&out), 0);
        assert!(!out.stdout.contains(&0x1b), "{}", stdout(&out));
        stdout(&out)
    };
    let never = plain(search(&["--color", "never", "storm surge"]));
    // Off a terminal, auto means no colour either.
    let auto = plain(search(&["storm surge"]));
    let no_color = plain(
        command(&["search", "--index", path_str(index()), "storm surge"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap(),
    );
    // The same text but for the timing in the first line.
    let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&never), body(&auto));
    assert_eq!(body(&never), body(&no_color));
    // With colour, the same text once the bold sequences are removed.
    let color = stdout(&search(&["--color", "always", "storm surge"]));
    assert_eq!(
        body(&color.replace(BOLD, "").replace(RESET, "")),
        body(&never)
    );
}

#[test]
fn article_control_characters_are_escaped_on_terminal_output() {
    // `--color always` writes for a terminal: the comment's ESC [31m and
    // BEL characters must not reach it raw.
    let out = search(&["--color", "always", "comments:(warning OR charged)"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.contains(CONTROL_CHARS_ID), "{text}");
    assert!(text.contains("comment 2 of 4"), "{text}");
    let without_bold = text.replace(BOLD, "").replace(RESET, "");
    assert!(
        !without_bold.contains('\x1b') && !without_bold.contains('\x07'),
        "raw control characters in {without_bold:?}"
    );
    assert!(without_bold.contains("^[[31m"), "{without_bold}");
    assert!(without_bold.contains("^[[0m"), "{without_bold}");
    assert!(without_bold.contains("^G"), "{without_bold}");
}

// ---------------------------------------------------------------------------
// Issue 15: what a user meets first.

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// `newsidx search --index <fixture> ARGS...` run in `dir`.
fn search_in(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["search", "--index", path_str(index())];
    all.extend_from_slice(args);
    command(&all)
        .current_dir(dir)
        .output()
        .expect("run newsidx")
}

#[test]
fn the_header_echoes_the_query_once_and_the_filters() {
    // The query used to be echoed escaped ("\"flood insurance\""), and
    // "1 articles match".
    let first = |args: &[&str]| {
        stdout(&search(args))
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    };
    let line = first(&["\"flood insurance\""]);
    assert!(line.contains(" match '\"flood insurance\"'"), "{line}");
    assert!(!line.contains('\\'), "{line}");
    assert!(first(&["comet"]).starts_with("1 article matches comet, showing 1-1 "));
    // The filters in force, on the line below.
    let out = search(&[
        "storm", "--from", "2011", "--to", "2012-06", "--source", "herald", "--in", "comments",
        "--any",
    ]);
    let text = stdout(&out);
    let second = text.lines().nth(1).unwrap_or("");
    assert_eq!(
        second,
        "  from 2011-01-01, to 2012-06-30, source \"Coastline Herald Media Group\", in comments, any word"
    );
    let (_, json) = json(&[
        "storm",
        "--from",
        "2011",
        "--to",
        "2012-06",
        "--source",
        "herald",
        "--unknown-source",
    ]);
    assert_eq!(
        json["filters"],
        serde_json::json!({
            "from": "2011-01-01", "to": "2012-06-30", "sources": ["herald"],
            "source_names": ["Coastline Herald Media Group"], "unknown_source": true,
            "in": "all", "any": false
        })
    );
    // `-n 0` counts, and says nothing of an offset.
    let text = stdout(&search(&["storm", "-n", "0"]));
    assert!(
        !text.contains("offset") && !text.contains("showing"),
        "{text}"
    );
    let count = stdout(&search(&["storm", "--count"]));
    assert!(
        text.starts_with(&format!("{} articles match storm ", count.trim())),
        "{text}"
    );
}

/// The blocks of hits of a text search: each hit's lines.
fn hit_blocks(text: &str) -> Vec<Vec<&str>> {
    text.split("\n\n")
        .skip(1)
        .map(|b| b.lines().collect::<Vec<_>>())
        .filter(|b| {
            b.first()
                .is_some_and(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        })
        .collect()
}

#[test]
fn paths_open_from_where_the_user_stands() {
    // Below the current folder: relative to it.
    let here = Path::new(MANIFEST);
    let text = stdout(&search_in(here, &["storm", "-n", "100", "--all-copies"]));
    let blocks = hit_blocks(&text);
    let count = stdout(&search_in(here, &["storm", "--count"]));
    assert_eq!(blocks.len().to_string(), count.trim());
    for block in &blocks {
        let path = block[2].trim();
        assert!(path.starts_with("sample-corpus/"), "{path}");
        assert!(here.join(path).is_file(), "{path}");
    }
    // Elsewhere: absolute.
    let elsewhere = tempfile::tempdir().unwrap();
    let text = stdout(&search_in(elsewhere.path(), &["storm", "-n", "100"]));
    for block in hit_blocks(&text) {
        let path = Path::new(block[2].trim());
        assert!(path.is_absolute() && path.is_file(), "{}", path.display());
    }
    // -l: every matching path, one a line, and nothing else.
    let out = search_in(here, &["-l", "storm"]);
    assert_eq!(code(&out), 0);
    let paths: Vec<String> = stdout(&out).lines().map(String::from).collect();
    assert_eq!(paths.len(), blocks.len());
    assert!(paths.iter().all(|p| here.join(p).is_file()), "{paths:?}");
    // --count: the total alone; 0 and exit 1 for nothing.
    let out = search(&["--count", "storm"]);
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, format!("{}\n", blocks.len()))
    );
    let out = search(&["--count", "quokka"]);
    assert_eq!((code(&out), stdout(&out)), (1, "0\n".to_string()));
}

#[test]
fn snippets_keep_punctuation_mark_cuts_and_leave_the_headline_alone() {
    let text = stdout(&search(&["--in", "comments", "\"that is on you\""]));
    // "that is on you." used to lose its period.
    assert!(
        text.lines()
            .any(|l| l.trim_end().ends_with("that is on you.")),
        "{text}"
    );
    for query in [&["storm"][..], &["*"], &["--in", "comments", "storm"]] {
        let mut args = query.to_vec();
        args.extend(["-n", "100", "--color", "never"]);
        let text = stdout(&search(&args));
        for block in hit_blocks(&text) {
            let headline = block[1].trim();
            let start: String = headline.chars().take(40).collect();
            // The headline is printed once: no body line repeats it.
            for line in &block[3..] {
                assert!(!line.trim().starts_with(&start), "{query:?}: {line}");
            }
            // With --in comments, only comments are quoted.
            if query.contains(&"comments") {
                assert!(
                    block[3..].iter().all(|l| {
                        let l = l.trim();
                        l.starts_with("comment ") || l.starts_with("(+")
                    }),
                    "{block:#?}"
                );
            }
        }
    }
    // Cut points are marked.
    let text = stdout(&search(&["\"flood insurance\"", "--color", "never"]));
    assert!(text.lines().any(|l| l.trim().starts_with('…')), "{text}");
}

#[test]
fn the_more_comments_hint_runs_as_printed() {
    let out = search(&["--color", "never", "\"flood insurance\""]);
    let text = stdout(&out);
    let hint = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("(+"))
        .expect("a hint");
    let (more, command_line) = hint
        .split_once(" more matching comments: ")
        .expect("the hint's shape");
    let command_line = command_line.strip_suffix(')').expect("closing parenthesis");
    assert!(command_line.contains(" --index "), "{command_line}");
    // Run it as printed, with this build's newsidx first in PATH.
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_newsidx")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .args(["-c", &format!("{command_line} --color always")])
        .env("PATH", path)
        .env_remove("NO_COLOR")
        .output()
        .expect("run the hint");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let shown = stdout(&out);
    let comments: Vec<&str> = shown.lines().skip(1).collect();
    let cited: usize = 3;
    assert_eq!(
        comments.len(),
        more.parse::<usize>().unwrap() + cited,
        "{shown}"
    );
    for line in comments {
        let pieces = bold_pieces(line);
        assert!(!pieces.is_empty(), "{line}");
        assert!(
            pieces.iter().all(|p| p.to_lowercase() == "flood insurance"),
            "{line}"
        );
    }
}

#[test]
fn per_comment_gives_a_line_per_matching_comment() {
    let (_, json) = json(&["--in", "comments", "-n", "100", "flood insurance"]);
    let matched: u64 = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["snippets"]["comments_matched"].as_u64().unwrap())
        .sum();
    assert!(matched > 3);
    let text = stdout(&search(&[
        "--in",
        "comments",
        "-n",
        "100",
        "--per-comment",
        "--color",
        "never",
        "flood insurance",
    ]));
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(" comment ")).collect();
    assert_eq!(lines.len() as u64, matched, "{text}");
    assert!(lines.iter().all(|l| l.contains(" of ")), "{text}");
}

#[test]
fn options_after_dashes_are_warned_about() {
    let out = search(&["--", "storm", "-n", "0"]);
    let err = stderr(&out);
    assert!(err.contains("warning: \"-n\" comes after --"), "{err}");
    // An excluded word is no option.
    let out = search(&["--", "-lawsuit storm"]);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn a_source_that_names_nothing_exits_2_with_the_closest_names() {
    let out = search(&["storm", "--source", "marowfield"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("The Marrowfield Courier, Inc."), "{err}");
    let out = search(&["*", "--source", "marrowfield"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = search(&["--count", "*", "--unknown-source"]);
    assert_eq!(stdout(&out), "7\n");
}

#[test]
fn timelines_by_week_and_day_span_the_range() {
    use time::macros::date;
    let (_, weekly) = json(&[
        "*",
        "--timeline",
        "week",
        "--from",
        "2011-09",
        "--to",
        "2011-10",
    ]);
    let weeks: Vec<&str> = weekly["timeline"]["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["value"].as_str().unwrap())
        .collect();
    let mut want = Vec::new();
    let mut day = date!(2011 - 09 - 01);
    while day <= date!(2011 - 10 - 31) {
        let (y, w, _) = day.to_iso_week_date();
        let label = format!("{y:04}-W{w:02}");
        if want.last() != Some(&label) {
            want.push(label);
        }
        day = day.next_day().unwrap();
    }
    assert_eq!(weeks, want);
    validate(&weekly);
    let (_, daily) = json(&[
        "*",
        "--timeline",
        "day",
        "--from",
        "2011-09",
        "--to",
        "2011-10",
    ]);
    let days = daily["timeline"]["buckets"].as_array().unwrap();
    assert_eq!(days.len(), 61);
    assert_eq!(days[0]["value"], "2011-09-01");
    let total: u64 = days.iter().map(|b| b["count"].as_u64().unwrap()).sum();
    assert_eq!(total, daily["total"].as_u64().unwrap());
    validate(&daily);
    // A timeline of too many days is refused, saying what to do.
    let out = search(&["*", "--timeline", "day", "--from", "0001", "--to", "9999"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--from"), "{}", stderr(&out));
}

#[test]
fn a_search_during_the_first_index_run_says_so() {
    use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    Index::create(&path).expect("create");
    // An indexer at work: it holds the writer lock, nothing is committed.
    let directory = MmapDirectory::open(&path).expect("open");
    let lock = directory.acquire_lock(&INDEX_WRITER_LOCK).expect("lock");
    let out = newsidx(&["search", "--index", path_str(&path), "storm"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("is being built"), "{}", stderr(&out));
    drop(lock);
    let out = newsidx(&["search", "--index", path_str(&path), "storm"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("0 articles match storm"));
}
