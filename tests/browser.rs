//! The search page of `newsidx serve` in a real headless Chromium, driven
//! through chromedriver (WebDriver): search, highlights, the timeline, the
//! source facets, paging, an article, Back and the `/` key; and an archive
//! whose text is hostile markup, which must show as text and never run.
//! Every expected figure comes from the API, so these tests check that the
//! page shows what the server says (the API's own tests are in serve.rs).
//!
//! Needs Debian's `chromium` and `chromium-driver` (or `NEWSIDX_CHROMIUM`
//! and `NEWSIDX_CHROMEDRIVER`); skipped with a message without them, unless
//! `NEWSIDX_REQUIRE_BROWSER=1` (set by `.ci/run`). Screenshots of the main
//! views are saved under `target/screenshots/`.

#[path = "common/server.rs"]
mod server;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use server::Server;

/// One browser at a time: the machine may have two cores.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

/// Flags for a headless Chromium on a machine without a display or network.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
];

/// The Chromium and chromedriver binaries, or `None` (said on stdout) when
/// absent and not required.
fn browser_binaries() -> Option<(PathBuf, PathBuf)> {
    let find = |var: &str, defaults: &[&str]| -> Option<PathBuf> {
        if let Some(path) = std::env::var_os(var) {
            return Some(PathBuf::from(path));
        }
        defaults.iter().map(PathBuf::from).find(|p| p.is_file())
    };
    let chromium = find(
        "NEWSIDX_CHROMIUM",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    );
    let driver = find("NEWSIDX_CHROMEDRIVER", &["/usr/bin/chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ if std::env::var_os("NEWSIDX_REQUIRE_BROWSER").is_some_and(|v| v == "1") => {
            panic!(
                "NEWSIDX_REQUIRE_BROWSER=1 but chromium or chromedriver is missing: apt-get install chromium chromium-driver"
            )
        }
        _ => {
            println!(
                "skipped: chromium and chromedriver not found (apt-get install chromium chromium-driver, or set NEWSIDX_CHROMIUM and NEWSIDX_CHROMEDRIVER)"
            );
            None
        }
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("address").port()
}

fn tempdir(prefix: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temporary folder")
}

/// Runs `scenario` against a server of `index` in a fresh browser, and
/// closes the browser whatever happens.
fn with_browser<F, Fut>(index: &Path, scenario: F)
where
    F: FnOnce(Client, Arc<Server>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some((chromium, chromedriver)) = browser_binaries() else {
        return;
    };
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let server = Arc::new(Server::start(index, &["--quiet"], &[]));
    let profile = tempdir("newsidx-chromium-");
    let port = free_port();
    let mut driver: Child = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let outcome = runtime.block_on(async {
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({
            "goog:chromeOptions": { "binary": chromium, "args": args },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session");
        let outcome = tokio::spawn(scenario(client.clone(), Arc::clone(&server))).await;
        let _ = client.close().await;
        outcome
    });
    let _ = driver.kill();
    let _ = driver.wait();
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}

/// Runs a script and returns its value.
async fn js(client: &Client, script: &str) -> Value {
    client
        .execute(script, Vec::new())
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// Waits until `condition` (a JavaScript expression) is truthy.
async fn wait(client: &Client, condition: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let value = js(client, &format!("return !!({condition});")).await;
        if value == Value::Bool(true) {
            return;
        }
        if Instant::now() > deadline {
            let page = js(
                client,
                "return location.href + ' | ' + document.getElementById('status').textContent;",
            )
            .await;
            panic!("timed out waiting for {condition} ({page})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for the results of a search to be drawn for the current URL.
async fn wait_for_results(client: &Client, url_part: &str) {
    wait(
        client,
        &format!(
            "location.href.includes({}) && !document.getElementById('results-view').hidden \
             && document.getElementById('status').textContent === ''",
            json!(url_part)
        ),
    )
    .await;
}

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("a screenshot");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots folder");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write the screenshot");
}

/// The API's answer to `target` (a blocking request: the server is another
/// process).
fn api(server: &Server, target: &str) -> Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent.get(server.url(target)).call().expect("an API answer");
    let body = response.body_mut().read_to_string().expect("a body");
    serde_json::from_str(&body).expect("JSON")
}

/// The text of `[start, end)` byte ranges of a snippet, as the API means them.
fn marks_of(snippet: &Value) -> Vec<String> {
    let text = snippet["text"].as_str().expect("text");
    snippet["highlights"]
        .as_array()
        .expect("highlights")
        .iter()
        .map(|r| {
            let (s, e) = (r[0].as_u64().expect("start"), r[1].as_u64().expect("end"));
            text[s as usize..e as usize].to_string()
        })
        .collect()
}

/// Per hit of a search answer: every highlighted text, body first, then the
/// quoted comments.
fn expected_marks(results: &Value) -> Vec<Vec<String>> {
    let hits = results["hits"].as_array().expect("hits");
    hits.iter()
        .map(|hit| {
            let mut marks = Vec::new();
            if !hit["snippets"]["body"].is_null() {
                marks.extend(marks_of(&hit["snippets"]["body"]));
            }
            for comment in hit["snippets"]["comments"].as_array().expect("comments") {
                marks.extend(marks_of(&comment["snippet"]));
            }
            marks
        })
        .collect()
}

/// Per hit on the page: the text of every `<mark>`.
async fn page_marks(client: &Client) -> Vec<Vec<String>> {
    let value = js(
        client,
        "return [...document.querySelectorAll('#hits > li.hit')]
            .map(li => [...li.querySelectorAll('mark')].map(m => m.textContent));",
    )
    .await;
    serde_json::from_value(value).expect("lists of strings")
}

async fn text_of(client: &Client, selector: &str) -> String {
    let value = js(
        client,
        &format!(
            "const e = document.querySelector({}); return e ? e.textContent : null;",
            json!(selector)
        ),
    )
    .await;
    value
        .as_str()
        .unwrap_or_else(|| panic!("no {selector}"))
        .to_string()
}

async fn click(client: &Client, selector: &str) {
    client
        .find(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("{selector}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {selector}: {e}"));
}

async fn press(client: &Client, key: char) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    client.perform_actions(keys).await.expect("key press");
}

async fn url(client: &Client) -> String {
    client.current_url().await.expect("url").to_string()
}

/// Search results drawn on the page: the headline of each hit.
async fn headlines(client: &Client) -> Vec<String> {
    let value = js(
        client,
        "return [...document.querySelectorAll('#hits > li.hit h3')].map(h => h.textContent);",
    )
    .await;
    serde_json::from_value(value).expect("strings")
}

fn api_headlines(results: &Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["headline"].as_str().expect("headline").to_string())
        .collect()
}

struct Sample {
    index: PathBuf,
    _dir: tempfile::TempDir,
}

fn sample_index() -> Sample {
    let dir = tempdir("newsidx-browser-");
    let index = dir.path().join("index");
    server::index(&server::sample_corpus(), &index);
    Sample { index, _dir: dir }
}

#[test]
fn the_search_page_works_in_a_real_browser() {
    let sample = sample_index();
    with_browser(&sample.index, |client, server| async move {
        journey(&client, &server).await;
    });
}

async fn journey(client: &Client, server: &Server) {
    // Home: what the index holds.
    client.goto(&server.url("/")).await.expect("goto /");
    wait(client, "!document.getElementById('home-view').hidden").await;
    let stats = api(server, "/api/stats");
    let lead = text_of(client, "#home-view .lead").await;
    let documents = stats["documents"].as_u64().expect("documents");
    assert!(lead.starts_with(&format!("{documents} articles")), "{lead}");
    screenshot(client, "home").await;

    // `/` focuses the search box, and is not typed into it.
    press(client, '/').await;
    assert_eq!(js(client, "return document.activeElement.id").await, "q");
    assert_eq!(
        js(client, "return document.getElementById('q').value").await,
        ""
    );

    // A search: the URL says it, the page shows the API's hits and marks
    // exactly the API's byte ranges.
    let q = client.find(Locator::Id("q")).await.expect("the search box");
    q.send_keys("storm\u{E007}").await.expect("type");
    wait_for_results(client, "/?q=storm").await;
    let results = api(server, "/api/search?q=storm&facets=source&timeline=year");
    let total = results["total"].as_u64().expect("total");
    assert!(total > 10, "enough hits to page");
    assert_eq!(
        text_of(client, "#summary strong").await,
        format!("{total} articles")
    );
    assert_eq!(headlines(client).await, api_headlines(&results));
    let marks = page_marks(client).await;
    assert_eq!(marks, expected_marks(&results));
    assert!(
        marks
            .iter()
            .flatten()
            .all(|m| m.to_lowercase().starts_with("storm"))
    );
    assert!(marks.iter().flatten().count() >= 10, "{marks:?}");
    screenshot(client, "results").await;

    // A phone-sized window: nothing wider than the screen.
    client.set_window_size(390, 844).await.expect("resize");
    client.refresh().await.expect("reload");
    wait_for_results(client, "/?q=storm").await;
    assert_eq!(
        js(
            client,
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )
        .await,
        true
    );
    screenshot(client, "results-phone").await;
    client.set_window_size(1280, 900).await.expect("resize");

    // Highlights after characters of several bytes (ã is two).
    client
        .goto(&server.url("/?q=%22S%C3%A3o+Paulo%22"))
        .await
        .expect("goto");
    wait_for_results(client, "S%C3%A3o").await;
    let paulo = api(server, "/api/search?q=%22S%C3%A3o+Paulo%22");
    let marks = page_marks(client).await;
    assert_eq!(marks, expected_marks(&paulo));
    assert!(
        marks.iter().flatten().any(|m| m == "São Paulo"),
        "{marks:?}"
    );

    // The timeline: a click on the busiest year narrows the dates to it and
    // shows its months.
    client.goto(&server.url("/?q=storm")).await.expect("goto");
    wait_for_results(client, "/?q=storm").await;
    let buckets = results["timeline"]["buckets"].as_array().expect("buckets");
    let bars = js(
        client,
        "return [...document.querySelectorAll('#chart g.bar')].map(g => g.dataset.value);",
    )
    .await;
    let values: Vec<&str> = buckets
        .iter()
        .map(|b| b["value"].as_str().expect("value"))
        .collect();
    assert_eq!(bars, json!(values));
    let busiest = buckets
        .iter()
        .max_by_key(|b| b["count"].as_u64())
        .and_then(|b| b["value"].as_str())
        .expect("a year");
    click(client, &format!("#chart g.bar[data-value='{busiest}']")).await;
    let narrowed = format!("from={busiest}&to={busiest}&timeline=month");
    wait_for_results(client, &narrowed).await;
    let year = api(
        server,
        &format!("/api/search?q=storm&{narrowed}&facets=source"),
    );
    let in_year = year["total"].as_u64().expect("total");
    assert!(in_year < total);
    assert_eq!(
        text_of(client, "#summary strong").await,
        format!(
            "{in_year} {}",
            if in_year == 1 { "article" } else { "articles" }
        )
    );
    let months = js(
        client,
        "return [...document.querySelectorAll('#chart g.bar')].map(g => g.dataset.value);",
    )
    .await;
    let expected: Vec<String> = (1..=12).map(|m| format!("{busiest}-{m:02}")).collect();
    assert_eq!(months, json!(expected));
    assert_eq!(
        js(client, "return document.getElementById('from').value").await,
        busiest
    );
    screenshot(client, "timeline-narrowed").await;

    // A source facet: ticking one keeps the hits of that source, and the
    // others stay listed to be ticked too.
    client.goto(&server.url("/?q=storm")).await.expect("goto");
    wait_for_results(client, "/?q=storm").await;
    let sources = results["facets"]["source"]
        .as_array()
        .expect("source facet");
    let second = sources[1]["value"].as_str().expect("a source");
    click(client, "#facets li:nth-child(2) input[type=checkbox]").await;
    wait_for_results(client, "source=").await;
    let page_url = url(client).await;
    let query = page_url
        .split('?')
        .nth(1)
        .expect("a query string")
        .to_string();
    let by_source = api(
        server,
        &format!("/api/search?{query}&facets=source&timeline=year"),
    );
    assert_eq!(by_source["filters"]["source_names"], json!([second]));
    let count = by_source["total"].as_u64().expect("total");
    assert_eq!(
        text_of(client, "#summary strong").await,
        format!(
            "{count} {}",
            if count == 1 { "article" } else { "articles" }
        )
    );
    let metas = js(
        client,
        "return [...document.querySelectorAll('#hits .meta')].map(m => m.textContent);",
    )
    .await;
    for meta in metas.as_array().expect("metas") {
        assert!(meta.as_str().expect("text").contains(second), "{meta}");
    }
    let listed = js(
        client,
        "return document.querySelectorAll('#facets li').length",
    )
    .await;
    let unknown = u64::from(results["facets"]["unknown_source"].as_u64() > Some(0));
    assert_eq!(listed.as_u64(), Some(sources.len() as u64 + unknown));
    assert_eq!(
        js(
            client,
            "return document.querySelector('#facets li:nth-child(2) input').checked"
        )
        .await,
        true
    );

    // An article from the results: every comment numbered, the matching
    // ones marked; then Back restores the results.
    client.goto(&server.url("/?q=storm")).await.expect("goto");
    wait_for_results(client, "/?q=storm").await;
    let first = &results["hits"][0];
    let id = first["id"].as_str().expect("id");
    click(client, "#hits > li.hit:first-child h3 a").await;
    wait(
        client,
        "location.pathname.startsWith('/articles/') && !document.getElementById('article-view').hidden",
    )
    .await;
    assert_eq!(
        url(client).await,
        server.url(&format!("/articles/{id}?matching=storm"))
    );
    let article = &api(server, &format!("/api/articles/{id}"))[0];
    let matching = &api(server, &format!("/api/articles/{id}?matching=storm"))[0];
    let comments = article["comments"].as_array().expect("comments");
    let numbers = js(
        client,
        "return [...document.querySelectorAll('ol.comments > li .number')].map(n => n.textContent);",
    )
    .await;
    let expected: Vec<String> = (1..=comments.len())
        .map(|n| format!("{n}/{}", comments.len()))
        .collect();
    assert_eq!(numbers, json!(expected));
    let marked = js(
        client,
        "return [...document.querySelectorAll('ol.comments > li.match')].map(li => li.id);",
    )
    .await;
    let expected: Vec<String> = matching["comments"]
        .as_array()
        .expect("matching comments")
        .iter()
        .map(|c| format!("c{}", c["number"]))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(marked, json!(expected));
    screenshot(client, "article").await;
    client.back().await.expect("back");
    wait_for_results(client, "/?q=storm").await;
    assert_eq!(headlines(client).await, api_headlines(&results));

    // Paging through every article, and Back to the first page.
    client.goto(&server.url("/?q=*")).await.expect("goto");
    wait_for_results(client, "/?q=*").await;
    let page_one = headlines(client).await;
    click(client, "#pager a:last-child").await;
    wait_for_results(client, "offset=10").await;
    let page_two = api(
        server,
        "/api/search?q=*&offset=10&facets=source&timeline=year",
    );
    assert_eq!(headlines(client).await, api_headlines(&page_two));
    assert_eq!(
        js(client, "return document.getElementById('hits').start").await,
        11
    );
    // Each story once: the pages are pages of stories.
    let stories = page_two["stories"].as_u64().expect("stories");
    assert!(
        stories < documents,
        "the sample corpus has syndicated copies"
    );
    let pages = stories.div_ceil(10);
    assert_eq!(
        text_of(client, "#pager .page").await,
        format!("page 2 of {pages}")
    );
    client.back().await.expect("back");
    wait(client, "!location.search.includes('offset')").await;
    wait_for_results(client, "/?q=*").await;
    assert_eq!(headlines(client).await, page_one);

    // A syndicated story: shown once, its other copies a click away, and
    // every copy with "every copy" ticked.
    client
        .goto(&server.url("/?q=gale+claims"))
        .await
        .expect("goto");
    wait_for_results(client, "/?q=gale").await;
    let wire = api(
        server,
        "/api/search?q=gale+claims&facets=source&timeline=year",
    );
    let copies = wire["hits"][0]["copies"].as_u64().expect("copies");
    assert!(copies > 1, "a story with copies first: {wire}");
    let others = copies - 1;
    let noun = if others == 1 { "copy" } else { "copies" };
    assert_eq!(
        text_of(client, "#hits > li:first-child .copies").await,
        format!("+{others} other matching {noun} of this story")
    );
    click(client, "#hits > li:first-child .copies a").await;
    wait(
        client,
        "location.pathname.startsWith('/articles/') && !document.getElementById('article-view').hidden",
    )
    .await;
    let listed = js(
        client,
        "return document.querySelectorAll('#article-view ul.copies li').length",
    )
    .await;
    assert!(listed.as_u64().expect("a count") >= others, "{listed}");
    client.back().await.expect("back");
    wait_for_results(client, "/?q=gale").await;
    click(client, "#all_copies").await;
    wait_for_results(client, "all_copies=true").await;
    let every = api(
        server,
        "/api/search?q=gale+claims&all_copies=true&facets=source&timeline=year",
    );
    assert_eq!(headlines(client).await, api_headlines(&every));
    assert!(
        every["hits"].as_array().expect("hits").len()
            > wire["hits"].as_array().expect("hits").len()
    );

    // A malformed query: the message and where the problem is.
    client
        .goto(&server.url("/?q=%22storm"))
        .await
        .expect("goto");
    wait(client, "document.querySelector('#status .error')").await;
    let error = api(server, "/api/search?q=%22storm&facets=source&timeline=year");
    assert_eq!(
        text_of(client, "#status .error").await,
        error["error"]["message"]
    );
    assert_eq!(text_of(client, "#status .caret").await, "\"storm\n^");
}

/// Archive text that would run script if it were ever parsed as HTML: each
/// payload would set `window.__pwned` or the page title.
const HOSTILE: &str = " date 2020-05-01 Harbour storm <script>document.title='PWNED';window.__pwned='headline script'</script> and <img src=x onerror=\"window.__pwned='headline img'\"> reported\n\
The storm body says <a href=\"javascript:window.__pwned='body link'\">click</a> &lt;b&gt;not bold&lt;/b&gt; &amp; more, and <iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>.\n\
© 2020 Quill <script>window.__pwned='source'</script> Press\n\
Join the discussion\n\
<img src=x onerror=\"window.__pwned='comment img'\"> the storm took our fence\n\
javascript:window.__pwned='comment url' storm\n\
Ünïcödé 😀 first, then storm <svg onload=\"window.__pwned='svg'\">\n";

/// An article whose file name is markup (so are its id and path).
const HOSTILE_NAME: &str = "<img src=x onerror=window.__pwned=7>";

#[test]
fn hostile_archive_text_is_shown_as_text_and_never_runs() {
    let dir = tempdir("newsidx-hostile-");
    let archive = dir.path().join("archive");
    std::fs::create_dir(&archive).expect("archive");
    std::fs::write(archive.join("000_00000000000000e1.txt"), HOSTILE).expect("write");
    std::fs::write(
        archive.join(format!("{HOSTILE_NAME}.txt")),
        " date 2020-05-02 A second storm report, filed under a file name made of markup.\n",
    )
    .expect("write");
    let index = dir.path().join("index");
    server::index(&archive, &index);
    with_browser(&index, |client, server| async move {
        hostile(&client, &server).await;
    });
}

/// Whether any payload ran, and any element the archive's text could have
/// made.
async fn assert_nothing_ran(client: &Client) {
    let state = js(
        client,
        "return {
            pwned: window.__pwned === undefined ? null : String(window.__pwned),
            title: document.title,
            made: document.querySelectorAll('main script, main img, main iframe, main a[href^=\"javascript\"], #hits svg, #article-view svg, main b').length,
        };",
    )
    .await;
    assert_eq!(state["pwned"], Value::Null, "{state}");
    assert_ne!(state["title"], "PWNED", "{state}");
    assert_eq!(state["made"], 0, "{state}");
}

async fn hostile(client: &Client, server: &Server) {
    client.goto(&server.url("/?q=storm")).await.expect("goto");
    wait_for_results(client, "/?q=storm").await;
    // Give an image's onerror or an iframe time to fire, had one been made.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_nothing_ran(client).await;
    let results = api(server, "/api/search?q=storm&facets=source&timeline=year");
    assert_eq!(results["total"], 2);
    let hits = text_of(client, "#hits").await;
    let article = &api(server, "/api/articles/000_00000000000000e1")[0];
    for text in [
        article["headline"].as_str().expect("headline"),
        "Quill <script>window.__pwned='source'</script> Press",
        HOSTILE_NAME,
    ] {
        assert!(
            hits.contains(text),
            "{text:?} is not shown as text in {hits:?}"
        );
    }
    assert_eq!(page_marks(client).await, expected_marks(&results));
    let facets = text_of(client, "#facets").await;
    assert!(facets.contains("Quill <script>window.__pwned='source'</script> Press"));
    // The only links are the site's own.
    let hrefs = js(
        client,
        "return [...document.querySelectorAll('a')].map(a => a.getAttribute('href'));",
    )
    .await;
    for href in hrefs.as_array().expect("hrefs") {
        let href = href.as_str().expect("an href");
        assert!(href.starts_with('/'), "{href}");
    }
    screenshot(client, "hostile-results").await;

    // The article whose file name is markup opens by its id.
    let name_hit = results["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .position(|h| h["id"] == HOSTILE_NAME)
        .expect("the hit of the markup file name");
    click(
        client,
        &format!("#hits > li.hit:nth-child({}) h3 a", name_hit + 1),
    )
    .await;
    wait(client, "!document.getElementById('article-view').hidden").await;
    assert_nothing_ran(client).await;
    assert!(
        text_of(client, "#article-view .meta")
            .await
            .contains(HOSTILE_NAME)
    );
    client.back().await.expect("back");
    wait_for_results(client, "/?q=storm").await;

    // The hostile article in full: every part literally, the marks of the
    // matching comments where the API puts them (after characters of two,
    // three and four bytes).
    client
        .goto(&server.url("/articles/000_00000000000000e1?matching=storm"))
        .await
        .expect("goto");
    wait(client, "!document.getElementById('article-view').hidden").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_nothing_ran(client).await;
    let shown = text_of(client, "#article-view").await;
    for paragraph in article["body"].as_array().expect("body") {
        let paragraph = paragraph.as_str().expect("text");
        assert!(shown.contains(paragraph), "{paragraph:?} not in {shown:?}");
    }
    assert!(shown.contains("&lt;b&gt;not bold&lt;/b&gt; &amp; more"));
    let comments = js(
        client,
        "return [...document.querySelectorAll('ol.comments > li')].map(li => li.textContent);",
    )
    .await;
    let expected: Vec<String> = article["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{}/3 {}", i + 1, c.as_str().expect("text")))
        .collect();
    assert_eq!(comments, json!(expected));
    let matching = &api(server, "/api/articles/000_00000000000000e1?matching=storm")[0];
    let expected: Vec<String> = matching["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .flat_map(|c| marks_of(&c["snippet"]))
        .collect();
    let marks = js(
        client,
        "return [...document.querySelectorAll('ol.comments mark')].map(m => m.textContent);",
    )
    .await;
    assert_eq!(marks, json!(expected));
    assert_eq!(expected, ["storm", "storm", "storm"]);
    screenshot(client, "hostile-article").await;
}
