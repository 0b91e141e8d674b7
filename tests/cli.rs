//! The `newsidx` binary's parse, index, stats and show commands, run as a
//! user runs them: output shapes, exit codes and error messages.
//! (Search has its own file, `cli_search.rs`.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;

use common::sample_corpus;
use common::scan::visible_txt_files;

fn newsidx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_newsidx"))
        .args(args)
        .env_remove("NEWSIDX_INDEX")
        .env("NO_COLOR", "1")
        .output()
        .expect("the newsidx binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn index_sample(index: &Path) -> Value {
    let corpus = sample_corpus();
    let out = newsidx(&[
        "index",
        corpus.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("index --json prints one JSON object")
}

#[test]
fn parse_gives_an_article_or_a_reason_for_every_sample_file() {
    let mut files = Vec::new();
    visible_txt_files(&sample_corpus(), &mut files);
    let scan = common::sample_scan();
    assert_eq!(files.len() as u64, scan.files);
    let mut args = vec!["parse"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let out = newsidx(&args);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), files.len(), "one line per file");
    let mut skipped = BTreeMap::new();
    let (mut articles, mut undated, mut repaired, mut comments) = (0, 0, 0, 0u64);
    for (line, file) in lines.iter().zip(&files) {
        assert!(
            line["path"]
                .as_str()
                .unwrap()
                .ends_with(file.file_name().unwrap().to_str().unwrap()),
            "lines come in the order of the files"
        );
        if let Some(reason) = line.get("skipped") {
            assert!(!line["detail"].as_str().unwrap().is_empty());
            *skipped
                .entry(reason.as_str().unwrap().to_string())
                .or_insert(0) += 1;
            continue;
        }
        articles += 1;
        let keys: Vec<&str> = line
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = [
            "path",
            "id",
            "date",
            "date_problem",
            "source",
            "headline",
            "body",
            "notice",
            "comments",
            "repaired",
        ];
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
        let stem = file.file_stem().unwrap().to_str().unwrap();
        assert_eq!(line["id"], stem);
        undated += u64::from(line["date"].is_null());
        // A date line whose date does not exist says why it was not taken.
        let bytes = std::fs::read(file).expect("read");
        let first_line = String::from_utf8_lossy(&bytes);
        let header = first_line
            .trim_start()
            .strip_prefix("date ")
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
        assert_eq!(
            line["date_problem"].is_string(),
            line["date"].is_null() && header,
            "{}: {}",
            file.display(),
            line["date_problem"]
        );
        if let Some(problem) = line["date_problem"].as_str() {
            assert!(problem.contains("is not a date"), "{problem}");
        }
        repaired += u64::from(line["repaired"] == true);
        comments += line["comments"].as_array().unwrap().len() as u64;
    }
    assert_eq!(articles, scan.articles);
    assert_eq!(
        (undated, repaired, comments),
        (scan.undated, scan.repaired, scan.comments)
    );
    assert_eq!(
        skipped,
        BTreeMap::from([
            ("binary".to_string(), scan.binary),
            ("empty".to_string(), scan.empty)
        ])
    );
}

#[test]
fn parse_reports_an_unreadable_file_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("gone.txt");
    let out = newsidx(&["parse", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let line: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["skipped"], "unreadable");
    assert!(!line["detail"].as_str().unwrap().is_empty());
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(newsidx(&["parse"]).status.code(), Some(2));
    assert_eq!(newsidx(&["index"]).status.code(), Some(2));
    assert_eq!(newsidx(&["frobnicate"]).status.code(), Some(2));
    let out = newsidx(&["index", "sample-corpus", "--memory", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn index_refuses_an_index_inside_the_archive() {
    let archive = tempfile::tempdir().unwrap();
    std::fs::write(archive.path().join("a.txt"), " date 2020-01-01 Text.").unwrap();
    let inside = archive.path().join("idx");
    let out = newsidx(&[
        "index",
        archive.path().to_str().unwrap(),
        "--index",
        inside.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("inside the archive"));
    assert!(!inside.exists(), "nothing was written into the archive");
}

#[test]
fn index_then_stats_and_show_agree_with_the_sample_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("idx");
    let report = index_sample(&index);
    let scan = common::sample_scan();
    assert_eq!(report["files_seen"], scan.files);
    assert_eq!(report["added"], scan.articles);
    assert_eq!(report["skipped"]["empty"], scan.empty);
    assert_eq!(report["skipped"]["binary"], scan.binary);
    assert_eq!(report["documents"], scan.articles);

    // A second run finds nothing to do; the text report says so.
    let corpus = sample_corpus();
    let out = newsidx(&[
        "index",
        corpus.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
        "--verbose",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let report = text(&out.stdout);
    let unchanged = format!("unchanged    {:>9}", scan.articles);
    assert!(report.contains(&unchanged), "{report}");
    assert!(
        report.contains(": empty ("),
        "--verbose lists skips: {report}"
    );

    let out = newsidx(&["stats", "--index", index.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["documents"], scan.articles);
    assert_eq!(stats["undated"], scan.undated);
    assert_eq!(stats["comments"], scan.comments);
    assert_eq!(stats["articles_with_comments"], scan.with_comments);
    assert_eq!(stats["unknown_source"], scan.unknown_source);
    let sources: BTreeMap<String, u64> = stats["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["source"].as_str().unwrap().to_string(),
                s["articles"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(sources, scan.sources);
    let first_year = scan.per_year.keys().next().unwrap().to_string();
    let last_year = scan.per_year.keys().next_back().unwrap().to_string();
    assert_eq!(stats["first_date"].as_str().unwrap()[..4], first_year);
    assert_eq!(stats["last_date"].as_str().unwrap()[..4], last_year);
    let per_year: u64 = stats["per_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["articles"].as_u64().unwrap())
        .sum();
    assert_eq!(per_year, scan.dated, "every dated article counted once");

    let out = newsidx(&["stats", "--index", index.to_str().unwrap()]);
    let documents = format!("documents    {}", scan.articles);
    assert!(text(&out.stdout).contains(&documents));

    // show: the article with the most comments, numbered.
    let parsed = newsidx(&[
        "parse",
        corpus
            .join("coastline-herald/2011/003_9c2e920cb43519b3.txt")
            .to_str()
            .unwrap(),
    ]);
    let parsed: Value = serde_json::from_slice(&parsed.stdout).unwrap();
    let out = newsidx(&[
        "show",
        "003_9c2e920cb43519b3",
        "--index",
        index.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    let shown = &shown[0];
    for key in [
        "id", "date", "source", "headline", "body", "notice", "comments",
    ] {
        assert_eq!(shown[key], parsed[key], "show and parse agree on {key}");
    }
    assert_eq!(
        shown["path"],
        "coastline-herald/2011/003_9c2e920cb43519b3.txt"
    );
    let of = parsed["comments"].as_array().unwrap().len();
    let out = newsidx(&[
        "show",
        "003_9c2e920cb43519b3",
        "--index",
        index.to_str().unwrap(),
    ]);
    let page = text(&out.stdout);
    assert!(page.contains(&format!("[1/{of}] ")) && page.contains(&format!("[{of}/{of}] ")));

    let out = newsidx(&[
        "show",
        "999_nosucharticle",
        "--index",
        index.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no article"));
}

#[test]
fn a_missing_index_exits_3_and_says_how_to_create_one() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here");
    for command in ["stats", "show x"] {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.extend(["--index", missing.to_str().unwrap()]);
        let out = newsidx(&args);
        assert_eq!(out.status.code(), Some(3), "{command}");
        let message = text(&out.stderr);
        assert!(message.starts_with("newsidx: "), "{message}");
        assert!(message.contains("newsidx index"), "{message}");
        assert_eq!(message.lines().count(), 1, "reported once: {message}");
    }
}

// ---------------------------------------------------------------------------
// Issue 15.

/// A sample-corpus index shared by the tests below (each test its own).
fn sample_index() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("idx");
    index_sample(&index);
    (dir, index)
}

#[test]
fn show_takes_a_file_name_or_a_unique_id_prefix() {
    let (_dir, index) = sample_index();
    let index = index.to_str().unwrap();
    let show = |id: &str| newsidx(&["show", id, "--index", index, "--json"]);
    let ids = |out: &Output| -> Vec<String> {
        let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
        shown
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect()
    };
    for name in [
        "003_9c2e920cb43519b3",
        "003_9c2e920cb43519b3.txt",
        "003_9c2e",
        "003_9c2e920cb43519b",
    ] {
        let out = show(name);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        assert_eq!(ids(&out), ["003_9c2e920cb43519b3"], "{name}");
    }
    // A prefix of several ids: a usage error that lists them.
    let out = show("003_");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("003_9c2e920cb43519b3") && err.contains("type more"),
        "{err}"
    );
    assert_eq!(show("zz9").status.code(), Some(1));
}

#[test]
fn show_matching_gives_the_comments_search_counts() {
    let (_dir, index) = sample_index();
    let index = index.to_str().unwrap();
    let search = newsidx(&["search", "--index", index, "--json", "\"flood insurance\""]);
    let results: Value = serde_json::from_slice(&search.stdout).unwrap();
    let hit = &results["hits"][0];
    let out = newsidx(&[
        "show",
        hit["id"].as_str().unwrap(),
        "--index",
        index,
        "--matching",
        "\"flood insurance\"",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    let comments = shown[0]["comments"].as_array().unwrap();
    assert_eq!(
        comments.len() as u64,
        hit["snippets"]["comments_matched"].as_u64().unwrap()
    );
    let numbers: Vec<u64> = comments
        .iter()
        .map(|c| c["number"].as_u64().unwrap())
        .collect();
    let mut sorted = numbers.clone();
    sorted.sort_unstable();
    assert_eq!(numbers, sorted, "in article order");
    for c in comments {
        let text = c["snippet"]["text"].as_str().unwrap();
        for pair in c["snippet"]["highlights"].as_array().unwrap() {
            let (s, e) = (
                pair[0].as_u64().unwrap() as usize,
                pair[1].as_u64().unwrap() as usize,
            );
            assert_eq!(text[s..e].to_lowercase(), "flood insurance");
        }
    }
    // No comment matches: exit 1.
    let out = newsidx(&[
        "show",
        hit["id"].as_str().unwrap(),
        "--index",
        index,
        "--matching",
        "quokka",
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn index_without_a_folder_refreshes_the_archive_the_index_remembers() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    std::fs::create_dir(&archive).unwrap();
    std::fs::write(archive.join("a.txt"), " date 2020-01-01 The first story.").unwrap();
    let index = dir.path().join("idx");
    let index = index.to_str().unwrap();
    let out = newsidx(&[
        "index",
        archive.to_str().unwrap(),
        "--index",
        index,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    std::fs::write(archive.join("b.txt"), " date 2020-01-02 The second story.").unwrap();
    let out = newsidx(&["index", "--index", index, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["added"].as_u64(), report["unchanged"].as_u64()),
        (Some(1), Some(1))
    );
    // Without an index to remember one: a usage error that says what to do.
    let fresh = dir.path().join("fresh");
    let out = newsidx(&["index", "--index", fresh.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("name the archive folder"),
        "{}",
        text(&out.stderr)
    );
    assert!(!fresh.exists());
}

#[test]
fn eval_says_when_the_judged_articles_are_not_in_the_index() {
    let (dir, index) = sample_index();
    let index = index.to_str().unwrap();
    let file = |name: &str, content: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path.to_str().unwrap().to_string()
    };
    let queries = file("q.tsv", "1\tstorm surge\n2\tcomet\n");
    let eval = |qrels: &str| {
        newsidx(&[
            "eval",
            "--index",
            index,
            "--queries",
            &queries,
            "--qrels",
            qrels,
        ])
    };
    // The wrong index: every figure 0, a warning, exit 1; no "-0.0000".
    let wrong = file("wrong.txt", "1 0 999_nosuch 1\n2 0 999_other 1\n");
    let out = eval(&wrong);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("none of the 2 judged articles is in the index"),
        "{err}"
    );
    assert!(
        !text(&out.stdout).contains("-0.0000"),
        "{}",
        text(&out.stdout)
    );
    // Some missing: how many.
    let some = file("some.txt", "1 0 003_9c2e920cb43519b3 1\n2 0 999_other 1\n");
    let out = eval(&some);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("1 of the 2 judged articles are not in the index"),
        "{}",
        text(&out.stderr)
    );
    // A missing or malformed file is a usage error.
    let missing = dir.path().join("nope.txt");
    let out = eval(missing.to_str().unwrap());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cannot read"));
    let malformed = file("bad.txt", "1 0 x\n");
    let out = eval(&malformed);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a TREC qrels file"),
        "{}",
        text(&out.stderr)
    );
    let bad_queries = file("badq.tsv", "no tab here\n");
    let out = newsidx(&[
        "eval",
        "--index",
        index,
        "--queries",
        &bad_queries,
        "--qrels",
        &some,
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn completions_and_man_pages_come_from_the_command_line_definitions() {
    let out = newsidx(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let script = text(&out.stdout);
    assert!(script.contains("_newsidx()"), "{script}");
    for sub in ["index", "search", "show", "completions", "man"] {
        assert!(script.contains(sub), "{sub} is completed");
    }
    assert!(script.contains("--max-delete"), "flags are completed");
    assert_eq!(newsidx(&["completions", "tcsh"]).status.code(), Some(2));

    let out = newsidx(&["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(page.contains(".TH newsidx 1"), "{page}");
    assert!(page.contains("newsidx\\-search(1)"), "subcommands listed");
    assert!(page.contains("Exit codes:"), "exit codes in the page");
    let out = newsidx(&["man", "search"]);
    let page = text(&out.stdout);
    assert!(page.contains(".TH newsidx-search 1"), "{page}");
    assert!(page.contains("\\-\\-timeline"), "its flags: {page}");
    assert_eq!(newsidx(&["man", "nonsense"]).status.code(), Some(2));
}

#[test]
fn a_file_over_the_size_limit_says_which_flag_raises_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.txt");
    std::fs::write(&file, " date 2020-01-01 ".to_string() + &"word ".repeat(10)).unwrap();
    let out = newsidx(&["parse", "--max-file-size", "16", file.to_str().unwrap()]);
    let line: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["skipped"], "too_large");
    let detail = line["detail"].as_str().unwrap();
    assert!(detail.contains("over the limit of 16 bytes"), "{detail}");
    assert!(detail.contains("raise it with --max-file-size"), "{detail}");
    let index = dir.path().join("idx");
    let archive = dir.path();
    let out = newsidx(&[
        "index",
        archive.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
        "--max-file-size",
        "16",
        "--json",
    ]);
    // An index folder inside the archive is refused; the hint names the flag.
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("pass --index with a folder outside it"));
    let outside = tempfile::tempdir().unwrap();
    let index = outside.path().join("idx");
    let out = newsidx(&[
        "index",
        archive.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
        "--max-file-size",
        "16",
        "--json",
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let detail = report["skipped_files"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("raise it with --max-file-size"), "{detail}");
}
