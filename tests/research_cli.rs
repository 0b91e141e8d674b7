//! The research tools through the command line (issue 13): CSV tables read
//! back with a CSV reader against the `--json` of the same command,
//! `kwic`'s JSON Lines, limits and sorting, `similar`, "did you mean",
//! timelines by share and by source; every JSON shape checked against its
//! JSON Schema in `schema/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::LazyLock;

use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-corpus");
const SEARCH_SCHEMA: &str = include_str!("../schema/search-results.schema.json");
const KWIC_SCHEMA: &str = include_str!("../schema/kwic.schema.json");

struct Fixture {
    index: PathBuf,
    _dir: tempfile::TempDir,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempfile::Builder::new()
        .prefix("newsidx-research-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temporary folder");
    let index = dir.path().join("index");
    let out = run(&["index", CORPUS, "--index", index.to_str().expect("UTF-8")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Fixture { index, _dir: dir }
});

fn index() -> &'static Path {
    &FIXTURE.index
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_newsidx"))
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("NEWSIDX_INDEX")
        .output()
        .expect("run newsidx")
}

/// `newsidx COMMAND --index IDX ARGS...`.
fn cmd(command: &str, args: &[&str]) -> Output {
    let mut all = vec![command, "--index", index().to_str().expect("UTF-8")];
    all.extend_from_slice(args);
    run(&all)
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&stdout(out)).expect("one JSON object")
}

/// The rows of a CSV output, header first, through a CSV reader.
fn csv_rows(out: &Output) -> Vec<Vec<String>> {
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.stdout.as_slice());
    reader
        .records()
        .map(|r| r.expect("a CSV record").iter().map(String::from).collect())
        .collect()
}

fn validate(schema: &str, value: &Value) {
    let schema: Value = serde_json::from_str(schema).expect("schema parses");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{value}");
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn search_csv_round_trips_the_hits() {
    let args = ["storm OR harbor", "-n", "50"];
    let j = json(&cmd("search", &[&args[..], &["--json"]].concat()));
    let rows = csv_rows(&cmd("search", &[&args[..], &["--csv"]].concat()));
    assert_eq!(
        rows[0],
        ["id", "date", "source", "headline", "path", "file", "score"]
    );
    let hits = j["hits"].as_array().expect("hits");
    assert!(hits.len() > 5);
    assert_eq!(rows.len(), hits.len() + 1);
    for (row, hit) in rows[1..].iter().zip(hits) {
        for (i, key) in ["id", "date", "source", "headline", "path", "file"]
            .iter()
            .enumerate()
        {
            assert_eq!(row[i], text(&hit[*key]), "{key}");
        }
        let score: f64 = row[6].parse().expect("a score");
        assert!((score - hit["score"].as_f64().expect("score")).abs() < 1e-3);
    }
    // Headlines with commas and quotes came back whole.
    assert!(
        rows.iter().any(|r| r[3].contains(',')),
        "a headline with a comma"
    );
}

#[test]
fn facets_timeline_and_stats_csv_round_trip() {
    let j = json(&cmd(
        "search",
        &["*", "--facets", "source,year", "--json", "-n", "0"],
    ));
    let rows = csv_rows(&cmd("search", &["*", "--facets", "source,year", "--csv"]));
    assert_eq!(rows[0], ["facet", "value", "count"]);
    let mut want = Vec::new();
    for c in j["facets"]["source"].as_array().expect("sources") {
        want.push(vec!["source".into(), text(&c["value"]), text(&c["count"])]);
    }
    if j["facets"]["unknown_source"].as_u64() > Some(0) {
        want.push(vec![
            "source".into(),
            String::new(),
            text(&j["facets"]["unknown_source"]),
        ]);
    }
    for c in j["facets"]["year"].as_array().expect("years") {
        want.push(vec!["year".into(), text(&c["value"]), text(&c["count"])]);
    }
    if j["facets"]["undated"].as_u64() > Some(0) {
        want.push(vec![
            "year".into(),
            String::new(),
            text(&j["facets"]["undated"]),
        ]);
    }
    assert_eq!(rows[1..], want[..]);

    let args = [
        "storm",
        "--timeline",
        "year",
        "--share",
        "--by",
        "source",
        "--top",
        "2",
    ];
    let j = json(&cmd("search", &[&args[..], &["--json"]].concat()));
    validate(SEARCH_SCHEMA, &j);
    let t = &j["timeline"];
    let rows = csv_rows(&cmd("search", &[&args[..], &["--csv"]].concat()));
    assert_eq!(rows[0], ["period", "source", "count", "total"]);
    let buckets = t["buckets"].as_array().expect("buckets");
    let lines = t["sources"].as_array().expect("source lines");
    let other = usize::from(t["other_sources"].is_object());
    assert_eq!(rows.len(), 1 + buckets.len() * (1 + lines.len() + other));
    for (i, b) in buckets.iter().enumerate() {
        let row = &rows[1 + i];
        assert_eq!(
            row[..3],
            [text(&b["value"]), String::new(), text(&b["count"])]
        );
        assert_eq!(row[3], text(&t["totals"][i]));
    }
    for (k, line) in lines.iter().enumerate() {
        let name = line["source"].as_str().unwrap_or("(unknown)");
        for (i, b) in buckets.iter().enumerate() {
            let row = &rows[1 + (k + 1) * buckets.len() + i];
            assert_eq!(
                row[..],
                [
                    text(&b["value"]),
                    name.to_string(),
                    text(&line["counts"][i]),
                    text(&line["totals"][i])
                ]
            );
        }
    }

    let j = json(&cmd("stats", &["--json"]));
    let rows = csv_rows(&cmd("stats", &["--csv"]));
    assert_eq!(rows[0], ["kind", "value", "count"]);
    assert_eq!(rows[1], ["documents", "", &text(&j["documents"])]);
    for s in j["sources"].as_array().expect("sources") {
        let row = vec![
            "source".to_string(),
            text(&s["source"]),
            text(&s["articles"]),
        ];
        assert!(rows.contains(&row), "{row:?}");
    }
    for y in j["per_year"].as_array().expect("years") {
        let row = vec!["year".to_string(), text(&y["year"]), text(&y["articles"])];
        assert!(rows.contains(&row), "{row:?}");
    }
}

/// The JSON Lines of `kwic`, each checked against the schema.
fn kwic_json(args: &[&str]) -> (Vec<Value>, Value) {
    let out = cmd("kwic", &[args, &["--json"]].concat());
    let mut values: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    for v in &values {
        validate(KWIC_SCHEMA, v);
    }
    let summary = values.pop().expect("a summary");
    assert_eq!(summary["type"], "summary");
    (values, summary)
}

#[test]
fn kwic_limits_counts_sorts_and_writes_csv() {
    let (all, summary) = kwic_json(&["storm", "-n", "100000", "--width", "3"]);
    assert!(all.len() > 10);
    assert_eq!(summary["lines"].as_u64(), Some(all.len() as u64));
    let (few, summary) = kwic_json(&["storm", "-n", "4", "--width", "3"]);
    assert_eq!(few[..], all[..4]);
    assert_eq!(summary["lines"].as_u64(), Some(all.len() as u64));
    assert_eq!(summary["shown"].as_u64(), Some(4));
    // Dates never go back.
    let dates: Vec<String> = all
        .iter()
        .filter_map(|l| l["date"].as_str().map(String::from))
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    // Sorted by the words to the right: the first 5 of the full order.
    let key = |l: &Value| -> Vec<String> {
        text(&l["right"])
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let mut sorted: Vec<Vec<String>> = all.iter().map(key).collect();
    sorted.sort();
    let (top, _) = kwic_json(&["storm", "-n", "5", "--width", "3", "--sort", "right"]);
    let got: Vec<Vec<String>> = top.iter().map(key).collect();
    assert_eq!(got[..], sorted[..5]);
    // CSV: the same lines.
    let rows = csv_rows(&cmd(
        "kwic",
        &["storm", "-n", "100000", "--width", "3", "--csv"],
    ));
    assert_eq!(
        rows[0],
        [
            "date", "source", "id", "path", "comment", "start", "end", "left", "match", "right"
        ]
    );
    assert_eq!(rows.len(), all.len() + 1);
    for (row, line) in rows[1..].iter().zip(&all) {
        let want = [
            text(&line["date"]),
            text(&line["source"]),
            text(&line["id"]),
            text(&line["path"]),
            text(&line["comment"]),
            text(&line["at"][0]),
            text(&line["at"][1]),
            text(&line["left"]),
            text(&line["match"]),
            text(&line["right"]),
        ];
        assert_eq!(row[..], want[..]);
    }
    // Text: one line each, the total on standard error; nothing found is 1.
    let out = cmd("kwic", &["storm", "-n", "3", "--color", "never"]);
    assert_eq!(stdout(&out).lines().count(), 3);
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("{} lines", all.len())));
    assert_eq!(cmd("kwic", &["zzzqxq"]).status.code(), Some(1));
}

#[test]
fn similar_and_did_you_mean_through_the_command() {
    let j = json(&cmd("search", &["storm", "--json", "-n", "1"]));
    let id = text(&j["hits"][0]["id"]);
    let out = cmd("similar", &[&id, "--json", "-n", "100"]);
    assert_eq!(out.status.code(), Some(0));
    let similar = json(&out);
    validate(SEARCH_SCHEMA, &similar);
    assert!(
        similar["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .all(|h| h["id"] != id.as_str())
    );
    assert_eq!(
        cmd("similar", &["999_nosucharticle"]).status.code(),
        Some(1)
    );

    let out = cmd("search", &["harbr", "--color", "never"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit code of the query as typed"
    );
    let shown = stdout(&out);
    assert!(
        shown
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("did you mean: harbor (")),
        "{shown}"
    );
    let j = json(&cmd("search", &["harbr", "--json"]));
    validate(SEARCH_SCHEMA, &j);
    let first = &j["suggestions"][0];
    assert_eq!(first["query"], "harbor");
    let fixed = json(&cmd("search", &["harbor", "--json", "-n", "0"]));
    assert_eq!(first["total"], fixed["total"]);
    let j = json(&cmd("search", &["harbor", "--json", "-n", "0"]));
    assert_eq!(j["suggestions"], Value::Array(Vec::new()));
}
