//! `newsidx serve` over real HTTP, on a free loopback port: the API answers
//! as the command line does (same JSON, same schemas), every parameter and
//! every error status, the security headers, new commits seen without a
//! restart, the busy and timeout answers, clean stops on SIGINT and SIGTERM,
//! and random or malformed requests that never get a 5xx.
//!
//! The sample corpus is indexed once per test binary; each test starts its
//! own server (they are cheap) unless it needs a special one.

#[path = "common/server.rs"]
mod server;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use server::{BIN, Server};

const RESULTS_SCHEMA: &str = include_str!("../schema/search-results.schema.json");
const OPENAPI: &str = include_str!("../schema/openapi.json");
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/// An article of the sample corpus with 29 comments.
const ARTICLE: &str = "003_9c2e920cb43519b3";

struct Fixture {
    index: PathBuf,
    _dir: tempfile::TempDir,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempdir();
    let index = dir.path().join("index");
    server::index(&server::sample_corpus(), &index);
    Fixture { index, _dir: dir }
});

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("newsidx-serve-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temporary folder")
}

fn sample_server() -> Server {
    Server::start(&FIXTURE.index, &[], &[])
}

/// An HTTP answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn answer(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut response = response.expect("an HTTP answer");
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_string()
        .expect("a UTF-8 body");
    Answer {
        status,
        headers,
        body,
    }
}

fn get(server: &Server, path: &str) -> Answer {
    answer(agent().get(server.url(path)).call())
}

/// Sends `request` as it is (with `Connection: close` added by the caller)
/// and reads the answer's status, headers and body.
fn raw(port: u16, request: &[u8]) -> Option<Answer> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    // The server may answer and close before it has read everything.
    let _ = stream.write_all(request);
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Answer {
        status,
        headers,
        body: body.to_string(),
    })
}

/// `newsidx ARGS --index <fixture>`: its exit code and parsed standard output.
fn cli(args: &[&str]) -> (i32, Value) {
    let out = Command::new(BIN)
        .args(args)
        .arg("--index")
        .arg(&FIXTURE.index)
        .env_remove("NEWSIDX_INDEX")
        .output()
        .expect("run newsidx");
    let value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().expect("exit code"), value)
}

fn without_time(mut value: Value) -> Value {
    value
        .as_object_mut()
        .expect("an object")
        .remove("took_ms")
        .expect("took_ms");
    value
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::validator_for(schema).expect("a valid schema")
}

fn assert_valid(validator: &jsonschema::Validator, value: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{value:#}");
}

/// A validator for one of the OpenAPI document's component schemas.
fn component(name: &str) -> jsonschema::Validator {
    let doc: Value = serde_json::from_str(OPENAPI).expect("OpenAPI is JSON");
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": doc["components"],
    });
    validator(&root)
}

fn results_validator() -> jsonschema::Validator {
    validator(&serde_json::from_str(RESULTS_SCHEMA).expect("schema is JSON"))
}

/// The query strings of the API and the `newsidx search` arguments they
/// stand for: every parameter, in both forms where it has two.
const SEARCH_CASES: &[(&str, &[&str])] = &[
    ("q=storm+surge", &["storm surge"]),
    (
        "q=storm&facets=source,year&timeline=month",
        &["storm", "--facets", "source,year", "--timeline", "month"],
    ),
    (
        "q=storm&facets=source&facets=year",
        &["storm", "--facets", "source,year"],
    ),
    (
        "q=*&from=2011&to=2012-06&sort=newest&limit=5&offset=2",
        &[
            "*", "--from", "2011", "--to", "2012-06", "--sort", "newest", "-n", "5", "--offset",
            "2",
        ],
    ),
    (
        "q=storm&source=herald&source=Kestrel%20Bay%20Evening%20Post%20Ltd.",
        &[
            "storm",
            "--source",
            "herald",
            "--source",
            "Kestrel Bay Evening Post Ltd.",
        ],
    ),
    ("q=*&unknown_source=true", &["*", "--unknown-source"]),
    (
        "q=nobody+OR+please&in=comments&per_comment=1&limit=50",
        &[
            "nobody OR please",
            "--in",
            "comments",
            "--per-comment",
            "-n",
            "50",
        ],
    ),
    (
        "q=storm+insurance&any&in=body&sort=oldest",
        &[
            "storm insurance",
            "--any",
            "--in",
            "body",
            "--sort",
            "oldest",
        ],
    ),
    (
        "q=storm&timeline=week&from=2011-09&to=2011-10-31",
        &[
            "storm",
            "--timeline",
            "week",
            "--from",
            "2011-09",
            "--to",
            "2011-10-31",
        ],
    ),
    (
        "q=%22S%C3%A3o+Paulo%22&timeline=day&from=2019-01-01&to=2019-01-31",
        &[
            "\"São Paulo\"",
            "--timeline",
            "day",
            "--from",
            "2019-01-01",
            "--to",
            "2019-01-31",
        ],
    ),
    (
        "q=bank*&limit=0&facets=year",
        &["bank*", "-n", "0", "--facets", "year"],
    ),
    ("q=quokka&facets=source", &["quokka", "--facets", "source"]),
    (
        "q=storm&any=false&unknown_source=0&per_comment=false",
        &["storm"],
    ),
];

#[test]
fn search_answers_as_the_command_line_does() {
    let server = sample_server();
    let validate = results_validator();
    for (query, args) in SEARCH_CASES {
        let answer = get(&server, &format!("/api/search?{query}"));
        assert_eq!(answer.status, 200, "{query}: {}", answer.body);
        assert_eq!(answer.header("content-type"), Some("application/json"));
        let api = answer.json();
        assert_valid(&validate, &api);
        let mut cli_args = vec!["search", "--json"];
        cli_args.extend_from_slice(args);
        let (code, expected) = cli(&cli_args);
        let total = api["total"].as_u64().expect("total");
        assert_eq!(code, if total > 0 { 0 } else { 1 }, "{query}");
        assert_eq!(without_time(api), without_time(expected), "{query}");
    }
}

#[test]
fn articles_answer_as_show_does() {
    let server = sample_server();
    let articles = component("Articles");
    let matching = component("MatchingComments");
    let prefix = &ARTICLE[..8];
    let path = "coastline-herald/2011/003_9c2e920cb43519b3.txt";
    let cases: &[(String, &[&str])] = &[
        (ARTICLE.to_string(), &[ARTICLE]),
        (format!("{ARTICLE}.txt"), &[ARTICLE]),
        (prefix.to_string(), &[prefix]),
        (path.replace('/', "%2F"), &[path]),
        (
            format!("{ARTICLE}?matching=storm"),
            &[ARTICLE, "--matching", "storm"],
        ),
        (
            format!("{ARTICLE}?matching=storm+insurance&any=true"),
            &[ARTICLE, "--matching", "storm insurance", "--any"],
        ),
        (
            format!("{ARTICLE}?matching=quokka"),
            &[ARTICLE, "--matching", "quokka"],
        ),
    ];
    for (target, args) in cases {
        let answer = get(&server, &format!("/api/articles/{target}"));
        assert_eq!(answer.status, 200, "{target}: {}", answer.body);
        let api = answer.json();
        let mut cli_args = vec!["show", "--json"];
        cli_args.extend_from_slice(args);
        let (_, expected) = cli(&cli_args);
        assert_eq!(api, expected, "{target}");
        let schema = if target.contains("matching") {
            &matching
        } else {
            &articles
        };
        assert_valid(schema, &api);
    }
}

#[test]
fn stats_answer_as_stats_does() {
    let server = sample_server();
    let answer = get(&server, "/api/stats");
    assert_eq!(answer.status, 200);
    let api = answer.json();
    assert_valid(&component("Stats"), &api);
    assert_eq!(api, cli(&["stats", "--json"]).1);
}

/// One request and the error it must get.
struct Bad {
    target: String,
    status: u16,
    kind: &'static str,
    parameter: Option<&'static str>,
    column: Option<u64>,
}

fn bad(target: impl Into<String>, status: u16, kind: &'static str) -> Bad {
    Bad {
        target: target.into(),
        status,
        kind,
        parameter: None,
        column: None,
    }
}

fn bad_param(target: impl Into<String>, parameter: &'static str) -> Bad {
    Bad {
        parameter: Some(parameter),
        ..bad(target, 400, "bad_parameter")
    }
}

fn bad_query(target: impl Into<String>, column: u64) -> Bad {
    Bad {
        column: Some(column),
        ..bad(target, 400, "bad_query")
    }
}

#[test]
fn every_error_has_its_status_and_shape() {
    let server = sample_server();
    let error = component("Error");
    let long_query = format!("/api/search?q={}", "a".repeat(1001));
    // 1000 characters, 1200 bytes.
    let wide_query = format!("/api/search?q={}", "caf%C3%A9+".repeat(200));
    let cases = [
        bad_query("/api/search?q=%22storm", 1),
        bad_query("/api/search?q=storm+%28surge", 7),
        bad_query("/api/search?q=%2Ail", 1),
        bad_query("/api/search?q=oil~3", 4),
        bad_query("/api/search?q=%22%22", 1),
        bad_query("/api/search?q=", 1),
        bad_param("/api/search", "q"),
        bad_param("/api/search?q=a&q=b", "q"),
        bad_param(long_query, "q"),
        bad_param("/api/search?q=storm&form=2011", "form"),
        bad_param("/api/search?q=storm&from=2011-13", "from"),
        bad_param("/api/search?q=storm&to=20x1", "to"),
        bad_param("/api/search?q=storm&limit=101", "limit"),
        bad_param("/api/search?q=storm&limit=-1", "limit"),
        bad_param("/api/search?q=storm&limit=ten", "limit"),
        bad_param("/api/search?q=storm&offset=10001", "offset"),
        bad_param("/api/search?q=storm&sort=best", "sort"),
        bad_param("/api/search?q=storm&in=title", "in"),
        bad_param("/api/search?q=storm&facets=month", "facets"),
        bad_param("/api/search?q=storm&timeline=hour", "timeline"),
        bad_param("/api/search?q=storm&any=maybe", "any"),
        bad_param("/api/search?q=%FF", "q"),
        bad_param("/api/stats?verbose=1", "verbose"),
        bad_param(format!("/api/articles/{ARTICLE}?any=1"), "any"),
        bad_param(format!("/api/articles/{ARTICLE}?q=storm"), "q"),
        bad("/api/search?q=storm&from=2012&to=2011", 400, "bad_value"),
        bad("/api/search?q=storm&source=nosuchpaper", 400, "bad_value"),
        bad("/api/articles/00", 400, "bad_value"),
        bad_query(format!("/api/articles/{ARTICLE}?matching=%22storm"), 1),
        bad("/api/articles/000_nosuchid", 404, "not_found"),
        bad("/api/articles/..%2F..%2Fetc%2Fpasswd", 404, "not_found"),
        bad("/api/articles/%2Fetc%2Fpasswd", 404, "not_found"),
        bad("/api/nope", 404, "not_found"),
        bad("/api/search/", 404, "not_found"),
        bad("/favicon.ico", 404, "not_found"),
        bad(
            format!("/api/search?q={}", "a".repeat(9000)),
            414,
            "uri_too_long",
        ),
    ];
    for case in &cases {
        let answer = get(&server, &case.target);
        let short: String = case.target.chars().take(80).collect();
        assert_eq!(answer.status, case.status, "{short}: {}", answer.body);
        assert_eq!(
            answer.header("content-type"),
            Some("application/json"),
            "{short}"
        );
        let body = answer.json();
        assert_valid(&error, &body);
        let e = &body["error"];
        assert_eq!(e["status"], case.status, "{short}");
        assert_eq!(e["kind"], case.kind, "{short}: {e}");
        assert_eq!(e["parameter"].as_str(), case.parameter, "{short}: {e}");
        assert_eq!(e["column"].as_u64(), case.column, "{short}: {e}");
        assert!(!e["message"].as_str().unwrap_or("").is_empty());
    }
    // Caps count characters, not bytes: 1000 two-byte characters are fine.
    assert_eq!(get(&server, &wide_query).status, 200);
    // The messages say what the command line says.
    let e = get(&server, "/api/search?q=%22storm").json();
    assert_eq!(
        e["error"]["message"],
        "malformed query at column 1: unclosed quote: add the closing \""
    );
    let e = get(&server, "/api/search?q=storm&source=nosuchpaper").json();
    assert!(
        e["error"]["message"]
            .as_str()
            .expect("message")
            .contains("closest"),
        "{e}"
    );
    let e = get(&server, "/api/search?q=storm&limit=101").json();
    assert_eq!(
        e["error"]["message"],
        "limit is 101; at most 100 is accepted"
    );
}

#[test]
fn methods_bodies_and_heads() {
    let server = sample_server();
    let agent = agent();
    let error = component("Error");
    let methods = [
        answer(agent.post(server.url("/api/search?q=storm")).send_empty()),
        answer(agent.put(server.url("/api/stats")).send_empty()),
        answer(
            agent
                .delete(server.url(&format!("/api/articles/{ARTICLE}")))
                .call(),
        ),
        answer(agent.post(server.url("/")).send_empty()),
        answer(agent.options(server.url("/api/search?q=storm")).call()),
    ];
    for answer in &methods {
        assert_eq!(answer.status, 405, "{answer:?}");
        assert_eq!(answer.header("allow"), Some("GET,HEAD"));
        assert_eq!(answer.json()["error"]["kind"], "method_not_allowed");
        assert_valid(&error, &answer.json());
    }
    let with_body = raw(
        server.port,
        b"GET /api/search?q=storm HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    )
    .expect("an answer");
    assert_eq!(with_body.status, 413, "{with_body:?}");
    assert_eq!(with_body.json()["error"]["kind"], "payload_too_large");
    let chunked = raw(
        server.port,
        b"GET /api/stats HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    )
    .expect("an answer");
    assert_eq!(chunked.status, 413, "{chunked:?}");
    let head = answer(agent.head(server.url("/api/stats")).call());
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    assert_eq!(head.header("content-type"), Some("application/json"));
}

#[test]
fn every_answer_has_the_security_headers_and_no_cors() {
    let server = sample_server();
    let agent = agent();
    let targets = [
        "/",
        "/?q=storm",
        &format!("/articles/{ARTICLE}"),
        "/assets/app.js",
        "/assets/app.css",
        "/assets/icon.svg",
        "/api/search?q=storm",
        "/api/search?q=%22",
        "/api/stats",
        "/api/openapi.json",
        "/api/nope",
    ];
    let mut answers: Vec<Answer> = targets
        .iter()
        .map(|t| {
            answer(
                agent
                    .get(server.url(t))
                    .header("Origin", "http://evil.example")
                    .call(),
            )
        })
        .collect();
    answers.push(answer(
        agent
            .options(server.url("/api/search?q=storm"))
            .header("Origin", "http://evil.example")
            .header("Access-Control-Request-Method", "GET")
            .call(),
    ));
    for (i, answer) in answers.iter().enumerate() {
        let target = targets.get(i).copied().unwrap_or("OPTIONS");
        assert_eq!(
            answer.header("content-security-policy"),
            Some(CSP),
            "{target}"
        );
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{target}"
        );
        assert_eq!(
            answer.header("referrer-policy"),
            Some("no-referrer"),
            "{target}"
        );
        let cors: Vec<&(String, String)> = answer
            .headers
            .iter()
            .filter(|(n, _)| n.to_ascii_lowercase().starts_with("access-control-"))
            .collect();
        assert!(cors.is_empty(), "{target}: {cors:?}");
    }
}

#[test]
fn the_page_and_its_assets_are_served() {
    let server = sample_server();
    for target in [
        "/",
        "/?q=storm&from=2011",
        &format!("/articles/{ARTICLE}?matching=storm"),
    ] {
        let page = get(&server, target);
        assert_eq!(page.status, 200);
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert!(
            page.body
                .contains(r#"<script type="module" src="/assets/app.js"></script>"#)
        );
    }
    let types = [
        ("/assets/app.js", "text/javascript; charset=utf-8"),
        ("/assets/app.css", "text/css; charset=utf-8"),
        ("/assets/icon.svg", "image/svg+xml"),
    ];
    for (target, content_type) in types {
        let asset = get(&server, target);
        assert_eq!(
            (asset.status, asset.header("content-type")),
            (200, Some(content_type))
        );
        assert!(!asset.body.is_empty());
    }
    // No CDN, no other origin: every script, style and image is the page's own.
    let page = get(&server, "/").body;
    for url in ["http://", "https://", "//"] {
        let outside = page
            .split(['"', '\''])
            .any(|part| part.starts_with(url) && !part.starts_with("//"));
        assert!(!outside, "{url} in index.html");
    }
}

#[test]
fn the_openapi_document_is_served_and_its_examples_work() {
    let server = sample_server();
    let doc = get(&server, "/api/openapi.json");
    assert_eq!(doc.status, 200);
    let served: Value = doc.json();
    let file: Value = serde_json::from_str(OPENAPI).expect("JSON");
    assert_eq!(served, file);
    let schema = get(&server, "/api/search-results.schema.json");
    assert_eq!(
        schema.json(),
        serde_json::from_str::<Value>(RESULTS_SCHEMA).expect("JSON")
    );
    // Every path the document lists answers its examples with a 200.
    for (path, item) in file["paths"].as_object().expect("paths") {
        let params = item["get"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut target = path.clone();
        let mut query = Vec::new();
        for p in &params {
            let name = p["name"].as_str().expect("name");
            let example = &p["example"];
            let values: Vec<String> = match example {
                Value::Array(items) => items.iter().map(plain).collect(),
                other => vec![plain(other)],
            };
            if p["in"] == "path" {
                target = target.replace(&format!("{{{name}}}"), &values[0]);
            } else if p["style"] == "form" && p["explode"] == false {
                query.push(format!("{name}={}", values.join(",")));
            } else {
                query.extend(values.iter().map(|v| format!("{name}={}", encode(v))));
            }
        }
        // All of them together; for a search, each on its own too.
        let all = if query.is_empty() {
            target.clone()
        } else {
            format!("{target}?{}", query.join("&"))
        };
        let answer = get(&server, &all);
        assert_eq!(answer.status, 200, "{all}: {}", answer.body);
        if path == "/api/search" {
            for one in query.iter().filter(|p| !p.starts_with("q=")) {
                let alone = format!("{target}?q=storm&{one}");
                let answer = get(&server, &alone);
                assert_eq!(answer.status, 200, "{alone}: {}", answer.body);
            }
        }
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An article file that holds `word`.
fn write_article(dir: &Path, name: &str, word: &str) {
    let text = format!(
        " date 2024-02-03 The harbour authority met about the {word} on Tuesday.\n\
         It decided nothing.\n© 2024 Fictional Harbour Press\n"
    );
    std::fs::write(dir.join(name), text).expect("write an article");
}

#[test]
fn new_commits_appear_without_a_restart() {
    let dir = tempdir();
    let archive = dir.path().join("archive");
    std::fs::create_dir(&archive).expect("archive folder");
    write_article(&archive, "000_0000000000000001.txt", "lighthouse");
    let index = dir.path().join("index");
    server::index(&archive, &index);
    let server = Server::start(&index, &[], &[]);
    let total = |q: &str| get(&server, &format!("/api/search?q={q}")).json()["total"].clone();
    assert_eq!(total("lighthouse"), 1);
    assert_eq!(total("zeppelin"), 0);
    write_article(&archive, "000_0000000000000002.txt", "zeppelin");
    server::index(&archive, &index);
    // At once: each request reads the last commit (no watcher, no delay).
    assert_eq!(total("zeppelin"), 1);
    assert_eq!(get(&server, "/api/stats").json()["documents"], 2);
    let article = get(&server, "/api/articles/000_0000000000000002");
    assert_eq!(article.status, 200);
}

#[test]
fn a_search_during_the_first_index_run_answers_503() {
    use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
    let dir = tempdir();
    let index = dir.path().join("index");
    newsidx::Index::create(&index).expect("create");
    // An indexer at work: it holds the writer lock, nothing is committed.
    let directory = MmapDirectory::open(&index).expect("open");
    let lock = directory.acquire_lock(&INDEX_WRITER_LOCK).expect("lock");
    let server = Server::start(&index, &[], &[]);
    let answer = get(&server, "/api/search?q=storm");
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(answer.json()["error"]["kind"], "indexing");
    assert_eq!(answer.header("retry-after"), Some("5"));
    assert_valid(&component("Error"), &answer.json());
    drop(lock);
    let answer = get(&server, "/api/search?q=storm");
    assert_eq!(
        (answer.status, answer.json()["total"].clone()),
        (200, json!(0))
    );
}

#[test]
fn a_full_queue_and_a_slow_search_answer_503() {
    // Every search sleeps 4 s first; one runs at a time, one may wait, and
    // a request may take 2 s.
    let server = Server::start(
        &FIXTURE.index,
        &["--max-searches", "1", "--queue", "1", "--timeout", "2"],
        &[("NEWSIDX_SERVE_TEST_DELAY_MS", "4000")],
    );
    let url = server.url("/api/search?q=storm");
    let first = {
        let url = url.clone();
        thread::spawn(move || answer(agent().get(&url).call()))
    };
    thread::sleep(Duration::from_millis(300));
    let second = {
        let url = url.clone();
        thread::spawn(move || answer(agent().get(&url).call()))
    };
    thread::sleep(Duration::from_millis(300));
    // Running: the first; waiting: the second; no place for a third.
    let third = answer(agent().get(&url).call());
    assert_eq!(third.status, 503, "{third:?}");
    assert_eq!(third.header("retry-after"), Some("1"));
    assert_eq!(third.json()["error"]["kind"], "busy");
    for slow in [first.join().expect("first"), second.join().expect("second")] {
        assert_eq!(slow.status, 503, "{slow:?}");
        assert_eq!(slow.json()["error"]["kind"], "timeout");
        assert!(slow.header("retry-after").is_some());
    }
    // The server is still up. Once the slow searches have ended there is a
    // place again (for a search that outlives the limit too: every search
    // sleeps 4 s here).
    assert_eq!(get(&server, "/").status, 200);
    thread::sleep(Duration::from_millis(2500));
    let again = get(&server, "/api/stats");
    assert_eq!(again.json()["error"]["kind"], "timeout", "{again:?}");
    // Four answers of 503 in the access log (read by another thread).
    server.wait_for_line(|l| l.starts_with("GET /api/stats 503 "));
    let unavailable = server
        .stderr()
        .iter()
        .filter(|l| l.contains(" 503 "))
        .count();
    assert_eq!(unavailable, 4, "{:?}", server.stderr());
}

#[test]
fn sigint_and_sigterm_stop_the_server_cleanly() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let server = Server::start(
            &FIXTURE.index,
            &[],
            &[("NEWSIDX_SERVE_TEST_DELAY_MS", "2000")],
        );
        // A search in flight when the signal comes is answered first.
        let url = server.url("/api/search?q=storm");
        let in_flight = thread::spawn(move || answer(agent().get(&url).call()));
        server.wait_for_line(|l| l.contains("TEST_DELAY"));
        thread::sleep(Duration::from_millis(600));
        let started = Instant::now();
        let (status, stderr) = server.stop(signal);
        assert_eq!(status.code(), Some(0), "signal {signal}: {stderr:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(in_flight.join().expect("in flight").status, 200);
        assert_eq!(stderr.last().map(String::as_str), Some("newsidx: stopped"));
    }
}

#[test]
fn the_access_log_has_a_line_per_request_and_quiet_silences_it() {
    let server = sample_server();
    get(&server, "/api/search?q=storm&limit=1");
    get(&server, "/api/nope");
    let line = server.wait_for_line(|l| l.starts_with("GET /api/search"));
    let parts: Vec<&str> = line.split(' ').collect();
    assert_eq!(
        parts[..3],
        ["GET", "/api/search?q=storm&limit=1", "200"],
        "{line}"
    );
    assert!(
        parts[3].parse::<f64>().is_ok() && parts[4] == "ms",
        "{line}"
    );
    server.wait_for_line(|l| l.starts_with("GET /api/nope 404 "));

    let quiet = Server::start(&FIXTURE.index, &["--quiet"], &[]);
    get(&quiet, "/api/search?q=storm");
    let (_, stderr) = quiet.stop(libc::SIGTERM);
    assert_eq!(stderr.len(), 2, "start and stop only: {stderr:?}");
}

#[test]
fn addresses_the_start_line_and_start_failures() {
    let server = sample_server();
    let start = &server.stderr()[0];
    assert!(
        start.starts_with("newsidx: serving ")
            && start.contains(&format!("http://127.0.0.1:{}/", server.port)),
        "{start}"
    );
    assert!(!server.stderr().iter().any(|l| l.contains("loopback")));

    // Another address must be asked for, and says so.
    let mut command = Command::new(BIN);
    command
        .args(["serve", "--addr", "0.0.0.0:0", "--index"])
        .arg(&FIXTURE.index)
        .stderr(std::process::Stdio::piped());
    let open = Server::spawn(command);
    let warning = open.wait_for_line(|l| l.contains("not a loopback address"));
    assert!(
        warning.contains("anyone who can reach this machine"),
        "{warning}"
    );
    assert_eq!(get(&open, "/api/stats").status, 200);

    // A port in use is a usage error; a missing index exits 3.
    let taken = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{}", server.port),
            "--index",
        ])
        .arg(&FIXTURE.index)
        .output()
        .expect("run");
    assert_eq!(taken.status.code(), Some(2));
    let message = String::from_utf8_lossy(&taken.stderr);
    assert!(
        message.contains("cannot listen on") && message.contains("--addr"),
        "{message}"
    );
    let dir = tempdir();
    let missing = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--index"])
        .arg(dir.path().join("none"))
        .output()
        .expect("run");
    assert_eq!(missing.status.code(), Some(3));
    let no_time = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--timeout",
            "0",
            "--index",
        ])
        .arg(&FIXTURE.index)
        .output()
        .expect("run");
    assert_eq!(no_time.status.code(), Some(2));
}

/// A small deterministic generator (xorshift64*), so that a failure can be
/// replayed with `NEWSIDX_SERVE_FUZZ_SEED`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Pieces of queries: the language's syntax, words, and awkward text.
const QUERY_PIECES: &[&str] = &[
    "storm",
    "surge",
    "bank*",
    "*",
    "*il",
    "oil~1",
    "oil~3",
    "\"",
    "\"flood insurance\"",
    "~3",
    "~999",
    "(",
    ")",
    "((",
    "))",
    "AND",
    "OR",
    "NOT",
    "-",
    "+",
    "^",
    "^2",
    "^-1",
    ":",
    "headline:",
    "comments:",
    "source:",
    "title:",
    "=",
    "=banking",
    "é",
    "São",
    "😀",
    "\u{202e}",
    "\u{0}",
    "\t",
    "%",
    "\\",
    "'",
    "&",
    "<script>",
    "  ",
    "petro*",
    "a*b",
];
const PARAM_NAMES: &[&str] = &[
    "q",
    "from",
    "to",
    "source",
    "unknown_source",
    "in",
    "sort",
    "limit",
    "offset",
    "any",
    "facets",
    "timeline",
    "per_comment",
    "all_copies",
    "count_by",
    "matching",
    "Q",
    "",
    "x",
    "q%5B%5D",
    "limit%20",
];
const PARAM_VALUES: &[&str] = &[
    "",
    "0",
    "1",
    "-1",
    "10",
    "100",
    "101",
    "10000",
    "99999999999999999999999",
    "true",
    "false",
    "yes",
    "2011",
    "2011-02",
    "2011-02-30",
    "0000",
    "9999-12-31",
    "2011-1",
    "year",
    "month",
    "week",
    "day",
    "hour",
    "source",
    "source,year",
    ",",
    "relevance",
    "newest",
    "all",
    "body",
    "comments",
    "herald",
    "Nobody",
    "%FF",
    "%00",
    "%",
    "%zz",
    "%C3%A9",
    "a+b",
];
const PATHS: &[&str] = &[
    "/api/search",
    "/api/stats",
    "/api/articles/",
    "/api/articles/003_9c2e920cb43519b3",
    "/api/articles/..%2F..%2Fetc%2Fpasswd",
    "/api/articles/%FF%FE",
    "/api/articles/%00",
    "/api/articles/00",
    "/api/articles/a%2Fb",
    "/api/openapi.json",
    "/api//search",
    "/api/./stats",
    "/api/../api/stats",
    "/articles/%E2%80%AE",
    "/assets/../assets/app.js",
    "/assets/app.js.map",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/api",
    "//",
    "/",
];

fn random_query(rng: &mut Rng) -> String {
    let pieces = 1 + rng.below(6);
    let mut q = String::new();
    for _ in 0..pieces {
        q.push_str(rng.pick(QUERY_PIECES));
        if rng.below(2) == 0 {
            q.push(' ');
        }
    }
    q
}

fn random_target(rng: &mut Rng) -> String {
    let mut target = rng.pick(PATHS).to_string();
    let params = rng.below(5);
    for i in 0..params {
        target.push(if i == 0 { '?' } else { '&' });
        let name = rng.pick(PARAM_NAMES);
        target.push_str(name);
        if rng.below(5) > 0 {
            target.push('=');
            if name == "q" || name == "matching" {
                target.push_str(&encode(&random_query(rng)));
            } else {
                target.push_str(rng.pick(PARAM_VALUES));
            }
        }
    }
    target
}

/// Requests no well-behaved client sends.
fn malformed_requests(rng: &mut Rng) -> Vec<Vec<u8>> {
    let target = random_target(rng);
    let mut requests: Vec<Vec<u8>> = [
        format!("GET {target} HTTP/1.0\r\n\r\n"),
        format!("BREW {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        format!("GET {target}\r\n\r\n"),
        format!("GET  {target}  HTTP/1.1\r\n\r\n"),
        "GET /api/search?q=a b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(),
        "GET http://127.0.0.1/api/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(),
        "GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(),
        format!(
            "GET /api/stats HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
            "a".repeat(100_000)
        ),
        format!(
            "GET /api/search?q={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "a".repeat(600_000)
        ),
        "GET /api/stats HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\nConnection: close\r\n\r\n"
            .into(),
        "\r\n\r\nGET /api/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(),
        "GET /api/stats HTTP/9.9\r\n\r\n".into(),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    let mut bytes = b"GET /api/search?q=".to_vec();
    bytes.extend([0xff, 0xfe, b' ', 0x80]);
    bytes.extend(b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    requests.push(bytes);
    requests
}

#[test]
fn random_and_malformed_requests_never_get_a_5xx() {
    let seed = std::env::var("NEWSIDX_SERVE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_cafe_u64);
    let cases: usize = std::env::var("NEWSIDX_SERVE_FUZZ")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(400);
    println!("seed {seed}, {cases} requests (NEWSIDX_SERVE_FUZZ_SEED, NEWSIDX_SERVE_FUZZ)");
    let mut server = sample_server();
    let mut rng = Rng(seed | 1);
    let mut statuses = std::collections::BTreeMap::new();
    for _ in 0..cases {
        let target = random_target(&mut rng);
        let request = format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let answer =
            raw(server.port, request.as_bytes()).unwrap_or_else(|| panic!("{target}: no answer"));
        assert!(answer.status < 500, "{target}: {answer:?}");
        if answer.status >= 400 {
            let kind = answer.json()["error"]["kind"].clone();
            assert!(kind.is_string(), "{target}: {}", answer.body);
        }
        *statuses.entry(answer.status).or_insert(0) += 1;
    }
    for _ in 0..3 {
        for request in malformed_requests(&mut rng) {
            if let Some(answer) = raw(server.port, &request) {
                let shown = String::from_utf8_lossy(&request[..request.len().min(80)]).into_owned();
                assert!(answer.status < 500, "{shown:?}: {answer:?}");
            }
        }
    }
    println!("statuses: {statuses:?}");
    assert!(server.running(), "the server is still up");
    assert!(statuses.contains_key(&200) && statuses.contains_key(&400));
    assert_eq!(get(&server, "/api/search?q=storm").status, 200);
}
