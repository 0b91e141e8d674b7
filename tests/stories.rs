//! Stories in the index: the grouping after any history of incremental runs
//! (adds, edits, deletes, date changes; one or two threads; frequent
//! commits or one; runs cancelled before they finish) equals the grouping
//! of a fresh index of the final folder, and `export` carries each
//! article's story, from an index and from the folder alike.
//!
//! The archives are generated from invented words: a few "wire" stories,
//! each run by several papers with the edits syndication makes (the end
//! cut, a local paragraph added, a few words changed, its own dateline and
//! headline), papers that spliced two wire stories into one article (which
//! links two stories without making them one), and unrelated articles.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::Rng;
use newsidx::{Index, IndexOptions};
use proptest::prelude::*;

/// What one file holds: a version of wire story `story` (`variant` picks
/// its edits; with `splice`, followed by the first three paragraphs of that
/// other wire story), or an article of its own when `story` is `None`; its
/// date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileSpec {
    story: Option<u64>,
    splice: Option<u64>,
    variant: u64,
    day: u32,
}

/// The paragraphs of wire story `story`: five paragraphs of invented words
/// with a few figures and names, fixed by the story's number.
fn wire(story: u64) -> Vec<String> {
    let mut rng = Rng::new(0x0570_21E5 ^ story.wrapping_mul(0x9E37_79B9));
    (0..5)
        .map(|p| {
            let mut paragraph = common::sentence(&mut rng, 14, 24);
            paragraph.push_str(&format!(
                " Mayor Tal{} said {} crowns were spent.",
                common::word(&mut rng),
                100 + rng.below(900) + p
            ));
            paragraph
        })
        .collect()
}

/// The text of a file.
fn text(spec: FileSpec, seed: u64) -> String {
    let mut rng = Rng::new(seed ^ spec.variant.wrapping_mul(0x2545_F491));
    let mut body = match spec.story {
        Some(story) => {
            let mut paragraphs = wire(story);
            // Cut 0-2 paragraphs from the end.
            let cut = rng.below(3) as usize;
            paragraphs.truncate(paragraphs.len() - cut);
            // Change a word or two.
            for _ in 0..rng.below(3) {
                let p = rng.below(paragraphs.len() as u64) as usize;
                let mut words: Vec<String> = paragraphs[p].split(' ').map(str::to_string).collect();
                let w = 1 + rng.below(words.len() as u64 - 1) as usize;
                words[w] = common::word(&mut rng);
                paragraphs[p] = words.join(" ");
            }
            // A local paragraph.
            if rng.below(2) == 0 {
                paragraphs.push(common::sentence(&mut rng, 12, 20));
            }
            if let Some(other) = spec.splice.filter(|&o| o != story) {
                paragraphs.extend(wire(other).into_iter().take(3));
            }
            paragraphs
        }
        None => (0..rng.range(2, 4))
            .map(|_| common::sentence(&mut rng, 15, 25))
            .collect(),
    };
    // The paper's own headline and dateline.
    let headline = common::sentence(&mut rng, 5, 9);
    body[0] = format!("{}, Harbour Wire - {}", common::word(&mut rng), body[0]);
    let date = common::day_of(spec.day as usize);
    format!(
        " date {:04}-{:02}-{:02} {headline}\n{}\n© {} Brellwick Tidings\n",
        date.year(),
        u8::from(date.month()),
        date.day(),
        body.join("\n"),
        date.year()
    )
}

/// One change to the folder.
#[derive(Debug, Clone)]
enum Op {
    /// Add file `n` (a new name) with this content.
    Add(u32, FileSpec),
    /// Give the `k`-th file (modulo the count) this content.
    Edit(usize, FileSpec),
    /// Delete the `k`-th file.
    Delete(usize),
    /// Move the `k`-th file to another day (same text otherwise).
    Redate(usize, u32),
}

fn file_spec() -> impl Strategy<Value = FileSpec> {
    (
        prop_oneof![3 => (0u64..3).prop_map(Some), 1 => Just(None)],
        prop_oneof![3 => Just(None), 1 => (0u64..3).prop_map(Some)],
        0u64..1000,
        0u32..6,
    )
        .prop_map(|(story, splice, variant, day)| FileSpec {
            story,
            splice,
            variant,
            day,
        })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u32..1000, file_spec()).prop_map(|(n, s)| Op::Add(n, s)),
        2 => (0usize..100, file_spec()).prop_map(|(k, s)| Op::Edit(k, s)),
        2 => (0usize..100).prop_map(Op::Delete),
        1 => (0usize..100, 0u32..6).prop_map(|(k, d)| Op::Redate(k, d)),
    ]
}

/// The folder as the test holds it: file name to content.
type Folder = BTreeMap<String, FileSpec>;

fn apply(folder: &mut Folder, op: &Op) {
    let nth = |folder: &Folder, k: usize| folder.keys().nth(k % folder.len().max(1)).cloned();
    match *op {
        Op::Add(n, spec) => {
            folder.insert(format!("p{}/{n:04}_a.txt", n % 3), spec);
        }
        Op::Edit(k, spec) => {
            if let Some(name) = nth(folder, k) {
                folder.insert(name, spec);
            }
        }
        Op::Delete(k) => {
            if let Some(name) = nth(folder, k) {
                folder.remove(&name);
            }
        }
        Op::Redate(k, day) => {
            if let Some(name) = nth(folder, k)
                && let Some(spec) = folder.get_mut(&name)
            {
                spec.day = day;
            }
        }
    }
}

/// Makes the archive folder hold exactly `folder`.
fn write(root: &Path, folder: &Folder, seed: u64) {
    std::fs::create_dir_all(root).expect("mkdir");
    for entry in walk(root) {
        let rel = entry
            .strip_prefix(root)
            .expect("below root")
            .to_string_lossy()
            .replace('\\', "/");
        if !folder.contains_key(&rel) {
            std::fs::remove_file(&entry).expect("remove file");
        }
    }
    for (name, spec) in folder {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let text = text(*spec, seed ^ common_hash(name));
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).expect("write file");
        }
    }
}

fn common_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn walk(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    common::scan::visible_txt_files(root, &mut out);
    out
}

/// Path to story of every article, read back through `export`.
fn stories(index: &Index) -> BTreeMap<String, String> {
    let mut lines = Vec::new();
    index
        .searcher()
        .expect("searcher")
        .export(&mut lines)
        .expect("export");
    String::from_utf8(lines)
        .expect("UTF-8")
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            let story = value["story"]
                .as_str()
                .expect("an indexed article has a story")
                .to_string();
            (value["path"].as_str().expect("path").to_string(), story)
        })
        .collect()
}

/// Path to story of every article of an export of the folder `root`
/// (no index: the export groups the folder itself).
fn folder_stories(root: &Path) -> BTreeMap<String, String> {
    let mut lines = Vec::new();
    let report =
        newsidx::export::export_dir(root, &newsidx::export::ExportOptions::default(), &mut lines)
            .expect("export the folder");
    assert_eq!(report.unsettled_stories, 0, "{report:#?}");
    let stories: BTreeMap<String, String> = String::from_utf8(lines)
        .expect("UTF-8")
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            let story = value["story"]
                .as_str()
                .expect("a folder's article has a story")
                .to_string();
            (value["path"].as_str().expect("path").to_string(), story)
        })
        .collect();
    assert_eq!(stories.len() as u64, report.exported, "one line a path");
    stories
}

fn run(index: &Index, root: &Path, threads: usize, frequent: bool) {
    run_or_cancel(index, root, threads, frequent, false);
}

/// An index run; `cancel`: cancelled from the start (it commits what it
/// did before it noticed: the deletions, and leaves its stories pending).
fn run_or_cancel(index: &Index, root: &Path, threads: usize, frequent: bool, cancel: bool) {
    let options = IndexOptions {
        max_delete_percent: 100,
        cancel: cancel.then(|| std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true))),
        ..if frequent {
            common::frequent_commits(threads)
        } else {
            common::options(threads)
        }
    };
    let report = index.index_dir(root, &options).expect("index run");
    // A cancelled run with no file to read has nothing to stop.
    assert!(cancel || !report.interrupted, "{report:#?}");
}

/// The stories of a fresh index of `root`.
fn fresh(root: &Path) -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = Index::create(dir.path().join("index")).expect("create");
    run(&index, root, 1, false);
    stories(&index)
}

/// The generator makes copies the detector groups, and apart what is apart:
/// checked here so that the property below compares real groupings.
#[test]
fn generated_copies_form_stories() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("archive");
    let mut folder = Folder::new();
    for n in 0..12u32 {
        let story = (n < 9).then_some(u64::from(n % 3));
        let spec = FileSpec {
            story,
            splice: None,
            variant: u64::from(n) * 7,
            day: n % 5,
        };
        folder.insert(format!("p{}/{n:04}_a.txt", n % 3), spec);
    }
    write(&root, &folder, 1);
    let stories = fresh(&root);
    assert_eq!(stories.len(), folder.len());
    for (name, spec) in &folder {
        // The expected story: the earliest (by date, then id) file of the
        // same wire story, or the file itself.
        let expected = match spec.story {
            None => name.clone(),
            Some(s) => folder
                .iter()
                .filter(|(_, o)| o.story == Some(s))
                .min_by_key(|(n, o)| (o.day, file_id(n)))
                .map(|(n, _)| n.clone())
                .expect("itself"),
        };
        assert_eq!(stories[name], file_id(&expected), "{name}: {spec:?}");
    }
    assert_eq!(folder_stories(&root), stories);
}

/// The id of a file name: its stem.
fn file_id(name: &str) -> String {
    Path::new(name)
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("NEWSIDX_STORY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(12),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any history of incremental runs ends with the stories of a fresh
    /// index of the final folder, which an export of the folder gives too.
    #[test]
    fn incremental_runs_end_with_the_stories_of_a_fresh_index(
        start in proptest::collection::vec((0u32..1000, file_spec()), 0..8),
        steps in proptest::collection::vec(
            (
                proptest::collection::vec(op(), 1..5),
                1usize..3,
                any::<bool>(),
                proptest::bool::weighted(0.2),
            ),
            1..5,
        ),
        seed in any::<u64>(),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("archive");
        std::fs::create_dir_all(&root).expect("mkdir");
        let mut folder = Folder::new();
        for (n, spec) in start {
            apply(&mut folder, &Op::Add(n, spec));
        }
        write(&root, &folder, seed);
        let index = Index::create(dir.path().join("index")).expect("create");
        run(&index, &root, 2, false);
        let mut cancelled = false;
        for (ops, threads, frequent, cancel) in steps {
            for op in &ops {
                apply(&mut folder, op);
            }
            write(&root, &folder, seed);
            run_or_cancel(&index, &root, threads, frequent, cancel);
            cancelled = cancel;
        }
        if cancelled {
            // The run that follows a cancelled one completes its work.
            run(&index, &root, 1, false);
        }
        let stories = stories(&index);
        prop_assert_eq!(&stories, &fresh(&root));
        prop_assert_eq!(&stories, &folder_stories(&root));
    }
}

// ---------------------------------------------------------------------------
// The sample corpus against its hand-written labels.

/// The labelled groups: group name to paths (`tests/data/sample-stories.tsv`).
fn labels() -> BTreeMap<String, Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sample-stories.tsv");
    let text = std::fs::read_to_string(path).expect("label file");
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (group, path) = line.split_once('\t').expect("group<TAB>path");
        groups
            .entry(group.to_string())
            .or_default()
            .push(path.to_string());
    }
    groups
}

/// The date of an article file as written on its date line (`YYYY-MM-DD`),
/// read without the parser; `None` when it has none.
fn written_date(root: &Path, rel: &str) -> Option<String> {
    let text = std::fs::read_to_string(root.join(rel)).ok()?;
    let rest = text.trim_start().strip_prefix("date ")?;
    Some(rest.get(..10)?.to_string())
}

fn sample_index() -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = Index::create(dir.path().join("index")).expect("create");
    index
        .index_dir(common::sample_corpus(), &common::options(2))
        .expect("index the sample corpus");
    (dir, index)
}

#[test]
fn sample_corpus_stories_are_the_labelled_groups() {
    let root = common::sample_corpus();
    let (_dir, index) = sample_index();
    let stories = stories(&index);
    let mut expected: BTreeMap<String, String> = stories
        .keys()
        .map(|path| (path.clone(), file_id(path)))
        .collect();
    let groups = labels();
    assert!(groups.len() >= 6, "{groups:?}");
    for (group, paths) in &groups {
        for path in paths {
            assert!(stories.contains_key(path), "{group}: {path} is not indexed");
        }
        if group.starts_with("apart-") {
            continue;
        }
        assert!(paths.len() >= 3, "{group}: a wire story has several copies");
        let first = paths
            .iter()
            .min_by_key(|p| (written_date(&root, p), file_id(p)))
            .expect("a group has articles");
        for path in paths {
            expected.insert(path.clone(), file_id(first));
        }
    }
    assert_eq!(stories, expected);
    assert_eq!(folder_stories(&root), expected, "the folder's export");
}

// ---------------------------------------------------------------------------
// Collapsed results.

use newsidx::search::{Hit, SearchRequest, SortOrder};

/// Every page of `request` with `limit` hits a page.
fn pages(index: &Index, request: &SearchRequest, limit: usize) -> Vec<Vec<Hit>> {
    let searcher = index.searcher().expect("searcher");
    let mut out = Vec::new();
    for page in 0.. {
        let results = searcher
            .search(&request.clone().page(limit, page * limit))
            .expect("search");
        if results.hits.is_empty() {
            break;
        }
        out.push(results.hits);
    }
    out
}

#[test]
fn collapse_shows_each_story_once_in_every_order_and_page_size() {
    let (_dir, index) = sample_index();
    check_collapse(&index);
}

/// The sample corpus indexed in three runs (a third of the files at a
/// time, one commit each), so that the copies of a story lie in different
/// segments.
fn stepped_index() -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = common::copy_sample(&dir.path().join("archive"));
    let held = dir.path().join("held");
    let mut files = Vec::new();
    common::scan::visible_txt_files(&root, &mut files);
    files.sort();
    for (i, file) in files.iter().enumerate() {
        let aside = held.join(i.to_string());
        std::fs::create_dir_all(&aside).expect("mkdir");
        std::fs::rename(file, aside.join("article")).expect("set aside");
    }
    let index = Index::create(dir.path().join("index")).expect("create");
    for step in 0..3 {
        for (i, file) in files.iter().enumerate() {
            if i % 3 == step {
                std::fs::rename(held.join(i.to_string()).join("article"), file).expect("put back");
            }
        }
        index
            .index_dir(&root, &common::options(1))
            .expect("index a step");
    }
    (dir, index)
}

#[test]
fn collapse_is_the_same_when_copies_lie_in_different_segments() {
    let (_dir, index) = stepped_index();
    let segments = index
        .searcher()
        .expect("searcher")
        .stats()
        .expect("stats")
        .segments;
    assert!(
        segments >= 3,
        "{segments} segments: the steps should make several"
    );
    // The same stories as a one-run index of the same files.
    let (_one_dir, one) = sample_index();
    assert_eq!(stories(&index), stories(&one));
    check_collapse(&index);
}

/// Collapsed searches of `index` against its uncollapsed ones: each story
/// once, with its best copy and its count of copies, in every order and
/// page size.
fn check_collapse(index: &Index) {
    let searcher = index.searcher().expect("searcher");
    let stories = stories(index);
    for query in ["storm", "*", "insurance claims", "plovers OR strike"] {
        // Every matching article, from an uncollapsed search.
        let all = searcher
            .search(&SearchRequest::new(query).collapse(false).page(1000, 0))
            .expect("search");
        let mut by_story: BTreeMap<String, Vec<&Hit>> = BTreeMap::new();
        for hit in &all.hits {
            assert_eq!(hit.story, stories[&hit.path], "{query}: {}", hit.path);
            by_story.entry(hit.story.clone()).or_default().push(hit);
        }
        for sort in [SortOrder::Relevance, SortOrder::Oldest, SortOrder::Newest] {
            let request = SearchRequest::new(query).sort(sort);
            let whole = searcher
                .search(&request.clone().page(1000, 0))
                .expect("search");
            assert_eq!(
                whole.total, all.total,
                "{query} {sort:?}: total counts articles"
            );
            assert_eq!(whole.stories as usize, by_story.len(), "{query} {sort:?}");
            assert_eq!(whole.hits.len(), by_story.len(), "{query} {sort:?}");
            for hit in &whole.hits {
                let copies = &by_story[&hit.story];
                assert_eq!(hit.copies as usize, copies.len(), "{query} {sort:?}");
                // The copy shown: the best score, or the first or last date.
                match sort {
                    SortOrder::Relevance => {
                        let best = copies
                            .iter()
                            .filter_map(|c| c.score)
                            .fold(f32::MIN, f32::max);
                        assert_eq!(hit.score, Some(best), "{query}: {}", hit.path);
                    }
                    SortOrder::Oldest => {
                        let first = copies.iter().filter_map(|c| c.date.clone()).min();
                        assert!(
                            hit.date.is_none() || hit.date == first,
                            "{query}: {}",
                            hit.path
                        );
                    }
                    SortOrder::Newest => {
                        let last = copies.iter().filter_map(|c| c.date.clone()).max();
                        assert!(
                            hit.date.is_none() || hit.date == last,
                            "{query}: {}",
                            hit.path
                        );
                    }
                }
            }
            // Stories come in the order of their shown copy.
            for pair in whole.hits.windows(2) {
                match sort {
                    SortOrder::Relevance => assert!(pair[0].score >= pair[1].score),
                    SortOrder::Oldest => assert!(
                        pair[1].date.is_none()
                            || pair[0].date.is_some() && pair[0].date <= pair[1].date
                    ),
                    SortOrder::Newest => assert!(
                        pair[1].date.is_none()
                            || pair[0].date.is_some() && pair[0].date >= pair[1].date
                    ),
                }
            }
            // Paged: the same stories in the same order, each on one page.
            for limit in [1, 2, 3, 7] {
                let paged: Vec<String> = pages(index, &request, limit)
                    .into_iter()
                    .flatten()
                    .map(|h| h.story)
                    .collect();
                let whole_order: Vec<String> = whole.hits.iter().map(|h| h.story.clone()).collect();
                assert_eq!(paged, whole_order, "{query} {sort:?} pages of {limit}");
            }
        }
    }
}

#[test]
fn a_search_for_a_wire_story_shows_it_once() {
    let (_dir, index) = sample_index();
    let groups = labels();
    let claims = &groups["storm-claims"];
    let searcher = index.searcher().expect("searcher");
    let results = searcher
        .search(&SearchRequest::new("gale claims adjusters").page(100, 0))
        .expect("search");
    let of_story: Vec<&Hit> = results
        .hits
        .iter()
        .filter(|h| claims.contains(&h.path))
        .collect();
    assert_eq!(of_story.len(), 1, "{:#?}", results.hits);
    let copies = searcher.story(&of_story[0].story).expect("story");
    let mut paths: Vec<&str> = copies.iter().map(|a| a.path.as_str()).collect();
    paths.sort();
    let mut expected: Vec<&str> = claims.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(paths, expected);
}

// ---------------------------------------------------------------------------
// Counting stories.

use newsidx::search::{Counted, Period};

/// `--count-by stories` against an independent count: the stories from the
/// hand-written labels (every unlabelled article a story of its own), the
/// years and sources from a plain scan of the files. A story counts once
/// in the year of its earliest article, and once per source that ran it.
#[test]
fn counting_stories_matches_an_independent_count() {
    let root = common::sample_corpus();
    let mut files = Vec::new();
    common::scan::visible_txt_files(&root, &mut files);
    let mut story_of: BTreeMap<String, String> = BTreeMap::new();
    let mut facts = BTreeMap::new();
    for file in &files {
        let rel = file
            .strip_prefix(&root)
            .expect("below root")
            .to_string_lossy()
            .replace('\\', "/");
        if let Some(f) = common::scan::article_facts(file) {
            story_of.insert(rel.clone(), rel.clone());
            facts.insert(rel, f);
        }
    }
    for (group, paths) in labels() {
        if !group.starts_with("apart-") {
            for path in paths {
                story_of.insert(path, group.clone());
            }
        }
    }
    // Year of each story: its earliest dated article's (undated: none).
    let mut year_of: BTreeMap<&str, Option<i32>> = BTreeMap::new();
    for (path, story) in &story_of {
        let year = facts[path].0;
        let entry = year_of.entry(story.as_str()).or_insert(year);
        *entry = match (*entry, year) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let mut per_year: BTreeMap<String, u64> = BTreeMap::new();
    let mut undated = 0;
    for year in year_of.values() {
        match year {
            Some(y) => *per_year.entry(format!("{y:04}")).or_default() += 1,
            None => undated += 1,
        }
    }
    let mut pairs = std::collections::BTreeSet::new();
    for (path, story) in &story_of {
        pairs.insert((story.clone(), facts[path].1.clone()));
    }
    let mut per_source: BTreeMap<String, u64> = BTreeMap::new();
    let mut unknown = 0;
    for (_, source) in pairs {
        match source {
            Some(s) => *per_source.entry(s).or_default() += 1,
            None => unknown += 1,
        }
    }

    let (_dir, index) = sample_index();
    let results = index
        .searcher()
        .expect("searcher")
        .search(
            &SearchRequest::new("*")
                .counted(Counted::Stories)
                .facets(true, true)
                .timeline(Some(Period::Year)),
        )
        .expect("search");
    assert_eq!(results.stories as usize, year_of.len(), "stories");
    let timeline = results.timeline.expect("a timeline");
    let got: BTreeMap<String, u64> = timeline
        .buckets
        .iter()
        .filter(|b| b.count > 0)
        .map(|b| (b.value.clone(), b.count))
        .collect();
    assert_eq!(got, per_year, "stories per year");
    assert_eq!(timeline.undated, undated, "undated stories");
    let facets = results.facets.expect("facets");
    let got: BTreeMap<String, u64> = facets
        .source
        .expect("source facet")
        .into_iter()
        .map(|c| (c.value, c.count))
        .collect();
    assert_eq!(got, per_source, "stories per source");
    assert_eq!(facets.unknown_source, Some(unknown));
    // Counting articles is unchanged: the timeline sums to the articles.
    let articles = index
        .search(&SearchRequest::new("*").timeline(Some(Period::Year)))
        .expect("search");
    let timeline = articles.timeline.expect("a timeline");
    let sum: u64 = timeline.buckets.iter().map(|b| b.count).sum::<u64>() + timeline.undated;
    assert_eq!(sum, articles.total);
    assert!(
        articles.total > results.stories,
        "copies make fewer stories"
    );
}

/// A timeline of stories has no shares and no lines per source (a share of
/// stories over articles would mean nothing): the request is refused as a
/// usage error, not answered with article figures.
#[test]
fn a_story_timeline_refuses_shares_and_lines_per_source() {
    let (_dir, index) = sample_index();
    let stories = SearchRequest::new("*")
        .counted(Counted::Stories)
        .timeline(Some(Period::Year));
    for request in [
        stories.clone().timeline_share(true),
        stories.clone().timeline_by_source(Some(3)),
    ] {
        let error = index.search(&request).expect_err("refused");
        assert_eq!(error.kind(), newsidx::ErrorKind::Usage, "{error}");
    }
    assert!(index.search(&stories).is_ok());
}

/// Deleting the first copy of a story, changing a copy into another story
/// and moving a copy's date regroup what they touched, with no other file
/// indexed in the same run (nothing else leads the indexer to the copies).
#[test]
fn deleting_or_changing_a_copy_regroups_its_story() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("archive");
    let mut folder = Folder::new();
    for n in 0..4u32 {
        let spec = FileSpec {
            story: Some(0),
            splice: None,
            variant: u64::from(n) * 11,
            day: n,
        };
        folder.insert(format!("p0/{n:04}_a.txt"), spec);
    }
    folder.insert(
        "p1/0100_a.txt".into(),
        FileSpec {
            story: Some(1),
            splice: None,
            variant: 5,
            day: 2,
        },
    );
    write(&root, &folder, 3);
    let index = Index::create(dir.path().join("index")).expect("create");
    run(&index, &root, 1, false);
    assert_eq!(stories(&index), fresh(&root));
    assert_eq!(stories(&index)["p0/0003_a.txt"], "0000_a");
    let steps: [&dyn Fn(&mut Folder); 3] = [
        // The first copy goes: the story is named after the next one.
        &|f| {
            f.remove("p0/0000_a.txt");
        },
        // The new first copy becomes another story's copy.
        &|f| {
            if let Some(spec) = f.get_mut("p0/0001_a.txt") {
                spec.story = Some(1);
            }
        },
        // The last copy moves before all others.
        &|f| {
            if let Some(spec) = f.get_mut("p0/0003_a.txt") {
                spec.day = 0;
            }
        },
    ];
    for (i, step) in steps.iter().enumerate() {
        step(&mut folder);
        write(&root, &folder, 3);
        run(&index, &root, 1, false);
        assert_eq!(stories(&index), fresh(&root), "after step {i}");
    }
}

/// A run cancelled after it deleted a story's first copy commits the
/// deletion with its stories pending; the next run, with nothing else to
/// do, regroups every article.
#[test]
fn a_cancelled_run_leaves_its_stories_to_the_next() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("archive");
    let mut folder = Folder::new();
    for n in 0..3u32 {
        let spec = FileSpec {
            story: Some(0),
            splice: None,
            variant: u64::from(n) * 13,
            day: n,
        };
        folder.insert(format!("p0/{n:04}_a.txt"), spec);
    }
    let alone = FileSpec {
        story: None,
        splice: None,
        variant: 1,
        day: 4,
    };
    folder.insert("p1/0200_a.txt".into(), alone);
    write(&root, &folder, 5);
    let index = Index::create(dir.path().join("index")).expect("create");
    run(&index, &root, 1, false);
    assert_eq!(stories(&index)["p0/0002_a.txt"], "0000_a");

    // The first copy goes, and another file changes: the cancelled run
    // deletes the first and never reads the second.
    folder.remove("p0/0000_a.txt");
    folder.insert(
        "p1/0200_a.txt".into(),
        FileSpec {
            variant: 2,
            ..alone
        },
    );
    write(&root, &folder, 5);
    run_or_cancel(&index, &root, 1, false, true);
    assert_eq!(stories(&index).len(), 3, "the deletion is committed");

    run(&index, &root, 1, false);
    let after = stories(&index);
    assert_eq!(after, fresh(&root));
    assert_eq!(after["p0/0002_a.txt"], "0001_a");
}

// ---------------------------------------------------------------------------
// Story counts against a plain scan of the files and the hand labels.

/// The story of each article of the sample corpus by the labels alone: its
/// group's name for a copy of a wire story, its own path otherwise.
fn labelled_story_of(root: &Path) -> BTreeMap<String, String> {
    let mut files = Vec::new();
    common::scan::visible_txt_files(root, &mut files);
    let mut story_of = BTreeMap::new();
    for file in &files {
        if common::scan::article_facts(file).is_some() {
            let rel = file
                .strip_prefix(root)
                .expect("below root")
                .to_string_lossy()
                .replace('\\', "/");
            story_of.insert(rel.clone(), rel);
        }
    }
    for (group, paths) in labels() {
        if !group.starts_with("apart-") {
            for path in paths {
                story_of.insert(path, group.clone());
            }
        }
    }
    story_of
}

/// Whether a file holds a word starting with `prefix` (lowercase ASCII),
/// words being runs of letters and digits, read without the parser. The
/// lines that are no text of the article's (the copyright line, the
/// separator and the notice after it) must not hold one: checked, so that
/// reading every line stays right.
fn holds_prefix(path: &Path, prefix: &str) -> bool {
    let bytes = std::fs::read(path).expect("read article");
    let text = String::from_utf8_lossy(&bytes).to_lowercase();
    let has = |line: &str| {
        line.split(|c: char| !c.is_alphanumeric())
            .any(|w| w.starts_with(prefix))
    };
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let not_text = line.starts_with('©') || *line == "—-" || (i > 0 && lines[i - 1] == "—-");
        assert!(
            !(not_text && has(line)),
            "{}: `{prefix}` in a line that is no text: {line}",
            path.display()
        );
    }
    lines.iter().any(|line| has(line))
}

/// A query's total, its number of stories and each hit's copies equal
/// those of the files a scan finds holding the words, grouped by the
/// labels; so do the stories that `Searcher::stories` lists.
#[test]
fn story_counts_match_a_scan_of_the_files() {
    let root = common::sample_corpus();
    let story_of = labelled_story_of(&root);
    let (_dir, index) = sample_index();
    let searcher = index.searcher().expect("searcher");
    for prefix in ["storm", "insur", "claim", "plover", "signal", "ferr"] {
        let matching: Vec<&String> = story_of
            .keys()
            .filter(|rel| holds_prefix(&root.join(rel.as_str()), prefix))
            .collect();
        assert!(!matching.is_empty(), "{prefix}: the scan finds nothing");
        let mut copies: BTreeMap<&str, u64> = BTreeMap::new();
        for rel in &matching {
            *copies.entry(story_of[*rel].as_str()).or_default() += 1;
        }
        let results = searcher
            .search(
                &SearchRequest::new(format!("{prefix}*"))
                    .search_in(newsidx::search::SearchIn::All)
                    .page(1000, 0),
            )
            .expect("search");
        assert_eq!(results.total as usize, matching.len(), "{prefix}: total");
        assert_eq!(results.stories as usize, copies.len(), "{prefix}: stories");
        assert_eq!(
            results.hits.len(),
            copies.len(),
            "{prefix}: one hit a story"
        );
        for hit in &results.hits {
            assert_eq!(
                hit.copies,
                copies[story_of[&hit.path].as_str()],
                "{prefix}: copies of {}",
                hit.path
            );
        }
    }
    // The stories of more than one article, with their sizes.
    let mut groups: BTreeMap<&str, u64> = BTreeMap::new();
    for story in story_of.values() {
        *groups.entry(story.as_str()).or_default() += 1;
    }
    let mut expected: Vec<u64> = groups.values().copied().filter(|&n| n >= 2).collect();
    expected.sort_unstable();
    let listed = searcher.stories(2).expect("stories");
    let mut got: Vec<u64> = listed.iter().map(|(_, n)| *n).collect();
    got.sort_unstable();
    assert_eq!(got, expected, "stories of two articles or more");
    for (story, n) in &listed {
        let articles = searcher.story(story).expect("story");
        assert_eq!(articles.len() as u64, *n, "{story}");
        let group = &story_of[&articles[0].path];
        assert!(
            articles.iter().all(|a| &story_of[&a.path] == group),
            "{story}: one labelled group"
        );
    }
}

/// The index report's count of articles grouped: every article on a first
/// run (as many as a scan finds), none on a run that changes nothing.
#[test]
fn the_report_counts_the_articles_grouped() {
    let root = common::sample_corpus();
    let dir = tempfile::tempdir().expect("tempdir");
    let index = Index::create(dir.path().join("index")).expect("create");
    let first = index
        .index_dir(&root, &common::options(2))
        .expect("first run");
    assert_eq!(first.stories_checked, common::sample_scan().articles);
    assert_eq!((first.stories_changed, first.stories_pending), (0, false));
    let again = index
        .index_dir(&root, &common::options(2))
        .expect("second run");
    assert_eq!(again.stories_checked, 0, "{again:#?}");
    assert!(!again.stories_pending);
}
