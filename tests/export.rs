//! `newsidx export` and `schema/quickwit-index.yaml`: the contract with
//! Quickwit.
//!
//! Quickwit cannot run here, so what is tested is what newsidx controls:
//!
//! * the index config mirrors the newsidx schema (`schema/fields.json`,
//!   `schema/tantivy-schema.json`) field by field, and its analyzers produce
//!   newsidx's terms where Quickwit allows it;
//! * every exported line is a JSON object with exactly the mapped fields, each
//!   of the JSON type its mapping ingests;
//! * the export of `sample-corpus` round-trips: what it says of ids, dates,
//!   sources, comments and stories is what the index reports (`stats`,
//!   `get`, `export`), from the folder and from an index alike.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use newsidx::export::{self, ExportOptions, ExportReport, ExportedArticle};
use newsidx::{Index, SourceFrom};
use serde::Deserialize;
use serde_json::Value;

// ---------------------------------------------------------------------------
// The index config, as Quickwit reads it (only the keys used here; an
// unexpected key fails the parse, so this test is updated with the file).

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexConfig {
    version: f64,
    index_id: String,
    doc_mapping: DocMapping,
    search_settings: SearchSettings,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocMapping {
    mode: String,
    store_source: bool,
    #[serde(default)]
    timestamp_field: Option<String>,
    #[serde(default)]
    tokenizers: Vec<TokenizerEntry>,
    field_mappings: Vec<FieldMapping>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenizerEntry {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    filters: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldMapping {
    name: String,
    description: String,
    #[serde(rename = "type")]
    kind: String,
    tokenizer: Option<String>,
    record: Option<String>,
    fieldnorms: Option<bool>,
    indexed: Option<bool>,
    stored: Option<bool>,
    fast: Option<bool>,
}

impl FieldMapping {
    // Quickwit's defaults (index-config docs, and `QuickwitTextOptions`,
    // `QuickwitNumericOptions`).
    fn indexed(&self) -> bool {
        self.indexed.unwrap_or(true)
    }
    fn stored(&self) -> bool {
        self.stored.unwrap_or(true)
    }
    fn fast(&self) -> bool {
        self.fast.unwrap_or(false)
    }
    fn tokenizer(&self) -> &str {
        self.tokenizer.as_deref().unwrap_or("default")
    }
    fn record(&self) -> &str {
        self.record.as_deref().unwrap_or("basic")
    }
    fn fieldnorms(&self) -> bool {
        self.fieldnorms.unwrap_or(false)
    }
    fn is_array(&self) -> bool {
        self.kind.starts_with("array<")
    }
    fn element_type(&self) -> &str {
        self.kind
            .strip_prefix("array<")
            .and_then(|t| t.strip_suffix('>'))
            .unwrap_or(&self.kind)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchSettings {
    default_search_fields: Vec<String>,
}

fn manifest_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn index_config() -> IndexConfig {
    let path = manifest_path("schema/quickwit-index.yaml");
    let text = std::fs::read_to_string(&path).expect("read schema/quickwit-index.yaml");
    serde_norway::from_str(&text).expect("schema/quickwit-index.yaml parses")
}

/// tantivy's rendering of the newsidx schema, by field name.
fn tantivy_schema() -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(manifest_path("schema/tantivy-schema.json"))
        .expect("read schema/tantivy-schema.json");
    let fields: Vec<Value> = serde_json::from_str(&text).expect("tantivy-schema.json parses");
    fields
        .into_iter()
        .map(|f| (f["name"].as_str().expect("name").to_string(), f))
        .collect()
}

/// The newsidx fields a Quickwit document carries: those that are stored or
/// searchable (the bookkeeping columns are neither), except the unstemmed
/// copies of the text, which fields.json marks `"export": false`.
fn exported_specs() -> Vec<FieldSpec> {
    let declaration: Declaration =
        serde_json::from_str(include_str!("../schema/fields.json")).expect("fields.json");
    declaration
        .fields
        .into_iter()
        .filter(|f| (f.stored || f.indexed) && f.export)
        .collect()
}

/// `schema/fields.json`, the declaration of the newsidx schema (the keys
/// used here).
#[derive(Debug, Deserialize)]
struct Declaration {
    fields: Vec<FieldSpec>,
}

/// One field of `schema/fields.json`.
#[derive(Debug, Deserialize)]
struct FieldSpec {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    analyzer: Option<String>,
    indexed: bool,
    positions: bool,
    stored: bool,
    fast: bool,
    #[serde(default = "yes")]
    export: bool,
    doc: String,
}

fn yes() -> bool {
    true
}

/// The day of a `YYYYMMDD` number, if it is one.
fn date_of_value(value: i64) -> Option<time::Date> {
    let month = time::Month::try_from(u8::try_from(value / 100 % 100).ok()?).ok()?;
    let day = u8::try_from(value % 100).ok()?;
    let year = i32::try_from(value / 10_000).ok()?;
    (value > 0)
        .then(|| time::Date::from_calendar_date(year, month, day).ok())
        .flatten()
}

/// The Quickwit tokenizer that stands for a newsidx analyzer.
fn quickwit_tokenizer_for(analyzer: &str) -> &'static str {
    match analyzer {
        "raw" => "raw",
        "lower_raw" => "lowercase",
        "news_plain" => "news_plain",
        "news_en" => "en_stem",
        other => panic!("no Quickwit tokenizer chosen for newsidx analyzer {other:?}"),
    }
}

/// The Quickwit type of a newsidx field type.
fn quickwit_type_for(kind: &str) -> &'static str {
    match kind {
        "text" => "text",
        "u64" => "u64",
        "i64" => "i64",
        other => panic!("no Quickwit type chosen for newsidx type {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// The mapping against the schema.

#[test]
fn the_mapping_names_every_stored_or_searchable_field_in_schema_order() {
    let config = index_config();
    let mapped: Vec<&str> = config
        .doc_mapping
        .field_mappings
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    let specs = exported_specs();
    let expected: Vec<&str> = specs.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(mapped, expected);
    assert_eq!(mapped, export::KEYS, "the export writes these keys");
}

#[test]
fn each_mapping_matches_its_newsidx_field() {
    let config = index_config();
    let tantivy = tantivy_schema();
    let mappings: BTreeMap<&str, &FieldMapping> = config
        .doc_mapping
        .field_mappings
        .iter()
        .map(|m| (m.name.as_str(), m))
        .collect();
    for spec in exported_specs() {
        let name = spec.name.as_str();
        let m = mappings[name];
        let rendered = &tantivy[name]["options"];
        assert_eq!(
            m.element_type(),
            quickwit_type_for(&spec.kind),
            "{name}: type"
        );
        assert_eq!(
            m.description, spec.doc,
            "{name}: description = fields.json doc"
        );
        assert_eq!(m.indexed(), spec.indexed, "{name}: indexed");
        assert_eq!(m.stored(), spec.stored, "{name}: stored");
        assert_eq!(m.fast(), spec.fast, "{name}: fast");
        match spec.kind.as_str() {
            "text" if spec.indexed => {
                let analyzer = spec
                    .analyzer
                    .as_deref()
                    .expect("indexed text has an analyzer");
                assert_eq!(m.tokenizer(), quickwit_tokenizer_for(analyzer), "{name}");
                let record = if spec.positions { "position" } else { "basic" };
                assert_eq!(m.record(), record, "{name}: record");
                assert_eq!(
                    Some(m.fieldnorms()),
                    rendered["indexing"]["fieldnorms"].as_bool(),
                    "{name}: field norms as in tantivy-schema.json (BM25 needs them)"
                );
            }
            "text" => {
                // Quickwit refuses these keys on a field that is not indexed.
                assert!(m.tokenizer.is_none() && m.record.is_none() && m.fieldnorms.is_none());
            }
            _ => assert!(m.tokenizer.is_none() && m.record.is_none(), "{name}"),
        }
    }
}

#[test]
fn the_index_settings_follow_newsidx() {
    let config = index_config();
    assert_eq!(config.version, 0.8);
    assert_eq!(config.index_id, "newsidx");
    assert_eq!(config.doc_mapping.mode, "strict");
    assert!(!config.doc_mapping.store_source);
    // Quickwit rejects documents without the timestamp field, and undated
    // articles are exported: see the comment in the yaml.
    assert_eq!(config.doc_mapping.timestamp_field, None);
    // Unqualified words search what `newsidx search` searches by default.
    assert_eq!(
        config.search_settings.default_search_fields,
        ["headline", "body", "comments"]
    );
    // Exactly one multi-valued field: the comments.
    let arrays: Vec<&str> = config
        .doc_mapping
        .field_mappings
        .iter()
        .filter(|m| m.is_array())
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(arrays, ["comments"]);
    // The custom tokenizer is newsidx's news_plain chain (analysis.rs).
    let [plain] = &config.doc_mapping.tokenizers[..] else {
        panic!("one custom tokenizer expected");
    };
    assert_eq!(
        (plain.name.as_str(), plain.kind.as_str()),
        ("news_plain", "simple")
    );
    assert_eq!(
        plain.filters,
        ["remove_long", "lower_caser", "ascii_folding"]
    );
}

// ---------------------------------------------------------------------------
// The export against the mapping.

fn lines(ndjson: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(ndjson).expect("the export is UTF-8");
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "lines end with \\n"
    );
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}: {line}", i + 1))
        })
        .collect()
}

/// Fields whose value may be `null` (newsidx leaves them out of a document).
/// Not `story`: both exports write it on every line.
const NULLABLE: [&str; 5] = ["date", "source", "source_key", "source_text", "notice"];

/// Checks one JSON value against the Quickwit type that ingests it.
fn check_value(field: &str, kind: &str, value: &Value) {
    match kind {
        "text" => assert!(value.is_string(), "{field}: a string, not {value}"),
        "u64" => assert!(
            value.is_u64(),
            "{field}: a non-negative integer, not {value}"
        ),
        // The only i64 exported is the date, YYYYMMDD.
        "i64" => {
            let number = value.as_i64().unwrap_or_else(|| panic!("{field}: {value}"));
            assert!(
                date_of_value(number).is_some(),
                "{field}: {number} is not a YYYYMMDD date"
            );
        }
        other => panic!("{field}: no check for Quickwit type {other}"),
    }
}

/// Checks every line against the mapping; returns the parsed articles.
fn check_lines(ndjson: &[u8]) -> Vec<ExportedArticle> {
    let config = index_config();
    let mappings = &config.doc_mapping.field_mappings;
    let names: BTreeSet<&str> = mappings.iter().map(|m| m.name.as_str()).collect();
    let mut articles = Vec::new();
    for line in lines(ndjson) {
        let object = line.as_object().expect("each line is a JSON object");
        let keys: BTreeSet<&str> = object.keys().map(String::as_str).collect();
        assert_eq!(keys, names, "exactly the mapped fields (mode: strict)");
        for m in mappings {
            let value = &object[&m.name];
            if value.is_null() {
                assert!(NULLABLE.contains(&m.name.as_str()), "{} is null", m.name);
                continue;
            }
            if m.is_array() {
                let items = value
                    .as_array()
                    .unwrap_or_else(|| panic!("{}: array", m.name));
                for item in items {
                    check_value(&m.name, m.element_type(), item);
                }
            } else {
                check_value(&m.name, &m.kind, value);
            }
        }
        let article: ExportedArticle =
            serde_json::from_value(line.clone()).expect("a line reads back as ExportedArticle");
        assert_eq!(article.comment_count, article.comments.len() as u64);
        assert_eq!(article.source_key, article.source);
        assert_eq!(article.source_text, article.source);
        articles.push(article);
    }
    articles
}

fn export_folder(dir: &Path, source_from: SourceFrom) -> (Vec<u8>, ExportReport) {
    let options = ExportOptions {
        source_from,
        ..ExportOptions::default()
    };
    let mut out = Vec::new();
    let report = export::export_dir(dir, &options, &mut out).expect("export folder");
    (out, report)
}

fn build_index(dir: &Path, archive: &Path, source_from: SourceFrom) -> Index {
    let index = Index::create(dir.join("idx")).expect("create index");
    let options = newsidx::IndexOptions {
        source_from,
        ..common::options(2)
    };
    index
        .index_dir(archive, &options)
        .expect("index sample corpus");
    index
}

/// The export of an index: its lines and report.
fn export_index(index: &Index) -> (Vec<u8>, ExportReport) {
    let mut out = Vec::new();
    let report = index
        .searcher()
        .expect("searcher")
        .export(&mut out)
        .expect("export index");
    (out, report)
}

fn by_path(articles: Vec<ExportedArticle>) -> BTreeMap<String, ExportedArticle> {
    let count = articles.len();
    let map: BTreeMap<String, ExportedArticle> =
        articles.into_iter().map(|a| (a.path.clone(), a)).collect();
    assert_eq!(map.len(), count, "paths are unique");
    map
}

#[test]
fn every_line_of_the_sample_export_fits_the_mapping() {
    let (out, report) = export_folder(&common::sample_corpus(), SourceFrom::Copyright);
    let articles = check_lines(&out);
    // The figures of sample-corpus/README.md.
    let scan = common::sample_scan();
    assert_eq!(articles.len() as u64, scan.articles);
    assert_eq!(report.exported, scan.articles);
    assert_eq!(report.files_seen, scan.files);
    assert_eq!(report.skipped_total(), scan.empty + scan.binary);
    assert_eq!(report.skipped.get("empty"), Some(&scan.empty));
    assert_eq!(report.skipped.get("binary"), Some(&scan.binary));
    assert_eq!(report.undated, scan.undated);
    assert_eq!(report.repaired, scan.repaired);
    assert_eq!(report.bytes_written, out.len() as u64);
    let comments: u64 = articles.iter().map(|a| a.comment_count).sum();
    assert_eq!(comments, scan.comments);
    let sourceless = articles.iter().filter(|a| a.source.is_none()).count();
    assert_eq!(sourceless as u64, scan.unknown_source);
    // Walk order: paths sorted folder by folder.
    let paths: Vec<&str> = articles.iter().map(|a| a.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted);
}

#[test]
fn the_export_round_trips_through_stats_and_show() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sample = common::sample_corpus();
    let archive = build_index(dir.path(), &sample, SourceFrom::Copyright);
    let (out, report) = export_index(&archive);
    let from_index = check_lines(&out);
    let stats = archive
        .searcher()
        .expect("searcher")
        .stats()
        .expect("stats");

    assert_eq!(from_index.len() as u64, stats.documents);
    assert_eq!(report.exported, stats.documents);
    assert_eq!(report.undated, stats.undated);
    assert_eq!(report.index.as_deref(), Some(archive.path()));
    assert_eq!(report.archive, stats.archive);
    let undated = from_index.iter().filter(|a| a.date.is_none()).count() as u64;
    assert_eq!(undated, stats.undated);

    // Sources.
    let mut sources: BTreeMap<String, u64> = BTreeMap::new();
    for a in &from_index {
        if let Some(source) = &a.source {
            *sources.entry(source.clone()).or_default() += 1;
        }
    }
    let stats_sources: BTreeMap<String, u64> = stats
        .sources
        .iter()
        .map(|s| (s.source.clone(), s.articles))
        .collect();
    assert_eq!(sources, stats_sources);
    let unknown = from_index.iter().filter(|a| a.source.is_none()).count() as u64;
    assert_eq!(unknown, stats.unknown_source);

    // Comments.
    let comments: u64 = from_index.iter().map(|a| a.comment_count).sum();
    assert_eq!(comments, stats.comments);
    let with_comments = from_index.iter().filter(|a| a.comment_count > 0).count() as u64;
    assert_eq!(with_comments, stats.articles_with_comments);

    // Dates: range and years.
    let day = |d: i64| newsidx::article::format_date(date_of_value(d).expect("a date"));
    let days: BTreeSet<String> = from_index.iter().filter_map(|a| a.date).map(day).collect();
    assert_eq!(days.first(), stats.first_date.as_ref());
    assert_eq!(days.last(), stats.last_date.as_ref());
    let mut years: BTreeMap<i32, u64> = BTreeMap::new();
    for a in &from_index {
        if let Some(d) = a.date {
            *years.entry((d / 10_000) as i32).or_default() += 1;
        }
    }
    let stats_years: BTreeMap<i32, u64> = stats
        .per_year
        .iter()
        .map(|y| (y.year, y.articles))
        .collect();
    assert_eq!(years, stats_years);

    // Each article as `newsidx show` reports it.
    for a in &from_index {
        let shown = archive
            .searcher()
            .expect("searcher")
            .get(&a.id)
            .expect("get");
        let shown = shown
            .iter()
            .find(|s| s.path == a.path)
            .unwrap_or_else(|| panic!("show {} finds {}", a.id, a.path));
        assert_eq!(shown.id, a.id);
        assert_eq!(shown.date, a.date.map(day), "{}", a.path);
        assert_eq!(shown.source, a.source, "{}", a.path);
        assert_eq!(shown.comments.len() as u64, a.comment_count, "{}", a.path);
        assert_eq!(shown.comments, a.comments, "{}", a.path);
        assert_eq!(shown.headline, a.headline, "{}", a.path);
        assert_eq!(shown.body.join("\n"), a.body, "{}", a.path);
        assert_eq!(shown.notice, a.notice, "{}", a.path);
        assert_eq!(shown.repaired, a.invalid_utf8 > 0, "{}", a.path);
    }

    // Every line carries its story; the folder gives the same articles with
    // the same stories (the index's were grouped when it was built, the
    // folder's by the export), and the report the index gave.
    assert!(from_index.iter().all(|a| a.story.is_some()));
    let (out, folder_report) = export_folder(&sample, SourceFrom::Copyright);
    let folder = check_lines(&out);
    assert!(folder.iter().all(|a| a.story.is_some()));
    assert_eq!(by_path(folder), by_path(from_index));
    assert_eq!(folder_report.unsettled_stories, 0);
    let index_report = archive
        .index_dir(&sample, &common::options(1))
        .expect("re-index");
    assert_eq!(index_report.unchanged, folder_report.exported);
    let first = Index::create(dir.path().join("again"))
        .expect("create")
        .index_dir(&sample, &common::options(1))
        .expect("index");
    assert_eq!(folder_report.files_seen, first.files_seen);
    assert_eq!(folder_report.skipped, first.skipped);
    assert_eq!(folder_report.skipped_files, first.skipped_files);
    assert_eq!(folder_report.undated, first.undated);
    assert_eq!(folder_report.repaired, first.repaired);
    assert_eq!(folder_report.bytes_read, first.bytes_read);
}

/// Path to story of each exported article.
fn stories_of(articles: &BTreeMap<String, ExportedArticle>) -> BTreeMap<&str, &str> {
    articles
        .iter()
        .map(|(path, a)| (path.as_str(), a.story.as_deref().expect("a story")))
        .collect()
}

/// Whether some story holds several of the articles (so that comparing
/// stories compares groupings, not just ids).
fn some_story_is_shared(stories: &BTreeMap<&str, &str>) -> bool {
    let distinct: BTreeSet<&&str> = stories.values().collect();
    distinct.len() < stories.len()
}

/// The export of an index and of its folder carry each article's story:
/// the labelled copies of a wire story share one, the id of the earliest;
/// each article's story is the same in both.
#[test]
fn the_exports_of_an_index_and_of_its_folder_carry_the_same_stories() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sample = common::sample_corpus();
    let archive = build_index(dir.path(), &sample, SourceFrom::Copyright);
    let (out, _) = export_index(&archive);
    let from_index = by_path(check_lines(&out));
    let (out, _) = export_folder(&sample, SourceFrom::Copyright);
    let from_folder = by_path(check_lines(&out));
    let index_stories = stories_of(&from_index);
    assert!(some_story_is_shared(&index_stories), "{index_stories:?}");
    assert_eq!(stories_of(&from_folder), index_stories);
    for lines in [&from_index, &from_folder] {
        check_labelled_stories(lines);
    }
}

/// The labelled copies of `tests/data/sample-stories.tsv` share a story;
/// the labelled near-misses are stories of their own.
fn check_labelled_stories(lines: &BTreeMap<String, ExportedArticle>) {
    let labels = std::fs::read_to_string(manifest_path("tests/data/sample-stories.tsv"))
        .expect("label file");
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for line in labels.lines().filter(|l| !l.starts_with('#')) {
        if let Some((group, path)) = line.split_once('\t') {
            groups.entry(group).or_default().push(path);
        }
    }
    assert!(groups.contains_key("storm-claims") && groups.contains_key("apart-earnings"));
    for (group, paths) in &groups {
        let stories: BTreeSet<&str> = paths
            .iter()
            .map(|p| lines[*p].story.as_deref().expect("a story"))
            .collect();
        if group.starts_with("apart-") {
            for path in paths {
                assert_eq!(
                    lines[*path].story.as_ref(),
                    Some(&lines[*path].id),
                    "{path}"
                );
            }
        } else {
            assert_eq!(stories.len(), 1, "{group}: {stories:?}");
        }
    }
}

/// A folder of three copies of one wire story (one undated), two items
/// with the same short body, and two files with no article: its export
/// gives each article the story that a fresh index of the folder gives it
/// (the earliest copy's id; its own for a body too short to compare), and
/// no line to the files with no article.
#[test]
fn a_folder_export_groups_as_a_fresh_index_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("archive");
    let wire = |dateline: &str, last: &str| {
        format!(
            "{dateline} - The ferry company said on Monday that fares on all crossings of \
             the bay would rise by a third from June, the first rise in six years, after \
             the price of fuel doubled over the winter.\n\
             Commuters who cross twice a day would pay about 30 crowns more a week, the \
             company said, and season tickets would rise by the same share from July.\n\
             {last}\n© 2020 Harbour Wire\n"
        )
    };
    let files: [(&str, String); 7] = [
        (
            "post/001_a.txt",
            format!(
                " date 2020-05-02 Fares up a third\n{}",
                wire(
                    "HARBOUR CITY",
                    "The council will discuss the fares on Thursday."
                )
            ),
        ),
        (
            "herald/002_b.txt",
            format!(
                " date 2020-05-01 Ferry fares to rise\n{}",
                wire(
                    "PORT ELLIS",
                    "In Port Ellis, the mayor called the rise a scandal."
                )
            ),
        ),
        (
            "herald/000_c.txt",
            format!("Bay ferries dearer\n{}", wire("BAYSIDE", "")),
        ),
        (
            "ledger/004_d.txt",
            " date 2020-05-01 Qtly div 10 cts vs 10 cts prior. Pay June 1.\n".to_string(),
        ),
        (
            "ledger/003_e.txt",
            " date 2020-05-03 Qtly div 10 cts vs 10 cts prior. Pay June 1.\n".to_string(),
        ),
        ("ledger/empty.txt", String::new()),
        ("ledger/binary.txt", "\0\0\0".to_string()),
    ];
    for (rel, text) in &files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let (out, report) = export_folder(&root, SourceFrom::Copyright);
    assert_eq!((report.exported, report.skipped_total()), (5, 2));
    let from_folder = by_path(check_lines(&out));
    let archive = build_index(dir.path(), &root, SourceFrom::Copyright);
    let (out, _) = export_index(&archive);
    let from_index = by_path(check_lines(&out));
    let stories = stories_of(&from_folder);
    assert_eq!(stories, stories_of(&from_index));
    let expected = BTreeMap::from([
        // The earliest dated copy; the undated one comes last whatever
        // its id.
        ("post/001_a.txt", "002_b"),
        ("herald/002_b.txt", "002_b"),
        ("herald/000_c.txt", "002_b"),
        // Short bodies: stories of one, same text or not.
        ("ledger/004_d.txt", "004_d"),
        ("ledger/003_e.txt", "003_e"),
    ]);
    assert_eq!(stories, expected);
}

#[test]
fn sources_from_folders_are_exported_as_indexed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sample = common::sample_corpus();
    let archive = build_index(dir.path(), &sample, SourceFrom::Folder);
    let (out, _) = export_index(&archive);
    let from_index = by_path(check_lines(&out));
    let (out, _) = export_folder(&sample, SourceFrom::Folder);
    let from_folder = by_path(check_lines(&out));
    assert_eq!(from_folder, from_index);
    for (path, a) in &from_folder {
        let top = path.split('/').next().expect("top folder");
        assert_eq!(a.source.as_deref(), Some(top), "{path}");
    }
}

#[test]
fn an_empty_archive_exports_nothing_and_a_missing_one_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = export_folder(dir.path(), SourceFrom::Copyright);
    assert!(out.is_empty());
    assert_eq!((report.files_seen, report.exported), (0, 0));
    let mut sink = Vec::new();
    let err = export::export_dir(
        dir.path().join("missing"),
        &ExportOptions::default(),
        &mut sink,
    )
    .expect_err("no such folder");
    assert_eq!(err.kind(), newsidx::ErrorKind::Usage, "{err}");
}

#[test]
fn a_failing_writer_is_an_output_error() {
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "closed",
            ))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let err = export::export_dir(common::sample_corpus(), &ExportOptions::default(), Full)
        .expect_err("the writer fails");
    assert!(matches!(err, newsidx::Error::Output { .. }), "{err}");
    let source = std::error::Error::source(&err).expect("the I/O error is kept");
    let io = source.downcast_ref::<std::io::Error>().expect("io::Error");
    assert_eq!(io.kind(), std::io::ErrorKind::BrokenPipe);
}

// ---------------------------------------------------------------------------
// The command.

fn newsidx() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_newsidx"));
    command.env_remove("NEWSIDX_INDEX");
    command
}

#[test]
fn the_command_exports_a_folder_to_a_file_and_an_index_to_stdout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sample = common::sample_corpus();
    let file = dir.path().join("articles.ndjson");
    let run = newsidx()
        .arg("export")
        .arg(&sample)
        .arg("--out")
        .arg(&file)
        .output()
        .expect("run newsidx export DIR");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(run.stdout.is_empty(), "the lines went to --out");
    let articles = format!("articles     {:>9}", common::sample_scan().articles);
    assert!(stderr.contains(&articles), "{stderr}");
    assert!(stderr.contains("(1 binary, 1 empty)"), "{stderr}");
    let from_folder = by_path(check_lines(&std::fs::read(&file).expect("read --out")));
    assert_eq!(from_folder.len() as u64, common::sample_scan().articles);
    // Every line carries a story (check_lines refuses a null one), and
    // copies share theirs.
    assert!(from_folder.values().all(|a| a.story.is_some()));
    assert!(some_story_is_shared(&stories_of(&from_folder)));

    build_index(dir.path(), &sample, SourceFrom::Copyright);
    let run = newsidx()
        .args(["export", "--index"])
        .arg(dir.path().join("idx"))
        .output()
        .expect("run newsidx export --index");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("exported the index"), "{stderr}");
    assert_eq!(by_path(check_lines(&run.stdout)), from_folder);
}

#[test]
fn the_command_refuses_to_write_into_the_archive_or_mix_sources() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = common::copy_sample(dir.path());
    let inside = archive.join("export.ndjson");
    let run = newsidx()
        .arg("export")
        .arg(&archive)
        .arg("--out")
        .arg(&inside)
        .output()
        .expect("run");
    assert_eq!(run.status.code(), Some(2));
    assert!(!inside.exists());
    assert!(String::from_utf8_lossy(&run.stderr).contains("never writes into an archive"));
    let run = newsidx()
        .arg("export")
        .arg(&archive)
        .arg("--index")
        .arg(dir.path().join("idx"))
        .output()
        .expect("run");
    assert_eq!(run.status.code(), Some(2), "DIR or --index, not both");
    let run = newsidx()
        .args(["export", "--index"])
        .arg(dir.path().join("none"))
        .output()
        .expect("run");
    assert_eq!(run.status.code(), Some(3), "no index there");
}
