//! `newsidx search` as a user runs it: exit codes, messages, `--json` against
//! its schema, colour and escaping.
//!
//! `sample-corpus/` is indexed once per test binary by running
//! `newsidx index` into a temporary folder; every test then runs the binary
//! on that index.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::LazyLock;

use newsidx::Archive;
use newsidx::query::SearchIn;
use newsidx::search::{DateEnd, SearchRequest, SortOrder, parse_date_filter};
use newsidx::tally::Period;
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
    let archive = Archive::open(index()).expect("open index");
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
        first.contains(" articles match storm, showing 1-10 "),
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
