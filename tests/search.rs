//! Searches over `sample-corpus/`, checked against answers worked out here.
//!
//! The corpus is indexed once per test binary, into a temporary folder under
//! the target folder; the corpus is only read. Expected hits are derived
//! independently of the engine where possible: every article file is parsed
//! with `newsidx::article::parse`, split into lowercase words at
//! non-alphanumeric characters, folded and stemmed with the same Snowball
//! stemmer (called directly, not through tantivy), and each query feature is
//! evaluated over those words with plain Rust. A few precise cases are
//! hard-coded as well (README figures, hidden files, single-article words).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::LazyLock;

use newsidx::article::{self, Article, ParseOptions};
use newsidx::search::SearchIn;
use newsidx::search::Snippet;
use newsidx::search::{Count, Period};
use newsidx::search::{DateEnd, SearchRequest, SearchResults, SortOrder, parse_date_filter};
use newsidx::{Error, Index, IndexOptions};
use time::Date;

mod common;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-corpus");

/// The articles of the corpus, by a plain scan of its files.
fn articles() -> usize {
    common::sample_scan().articles as usize
}
const SCHEMA: &str = include_str!("../schema/search-results.schema.json");

/// More than the corpus holds: one page has every hit.
const ALL: usize = 1000;

// ---------------------------------------------------------------------------
// The fixture: the index, and the articles as the test reads them.

struct Fixture {
    index: Index,
    docs: BTreeMap<String, Doc>,
    // The index lives in it. A static is never dropped, so the folder is
    // left in the target folder's tmp/ (`cargo clean` removes it).
    _dir: tempfile::TempDir,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempfile::Builder::new()
        .prefix("newsidx-search-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temporary folder");
    let index = Index::create(dir.path().join("index")).expect("create index");
    let options = IndexOptions {
        commit_every: None,
        threads: 2,
        memory_mb: 50,
        ..IndexOptions::default()
    };
    let report = index.index_dir(CORPUS, &options).expect("index corpus");
    assert_eq!(report.documents as usize, articles(), "{report:?}");
    let mut docs = BTreeMap::new();
    read_corpus(Path::new(CORPUS), "", &mut docs);
    Fixture {
        index,
        docs,
        _dir: dir,
    }
});

fn fixture() -> &'static Fixture {
    &FIXTURE
}

/// Parses every visible `.txt` file under `dir`, as the indexer sees them.
fn read_corpus(dir: &Path, rel: &str, docs: &mut BTreeMap<String, Doc>) {
    for entry in std::fs::read_dir(dir).expect("read corpus folder") {
        let entry = entry.expect("corpus entry");
        let name = entry.file_name().into_string().expect("UTF-8 names");
        if name.starts_with('.') {
            continue;
        }
        let rel = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let path = entry.path();
        if path.is_dir() {
            read_corpus(&path, &rel, docs);
        } else if name.ends_with(".txt") {
            let bytes = std::fs::read(&path).expect("read article");
            if let Ok(article) = article::parse(&bytes, &rel, &ParseOptions::default()) {
                let doc = Doc::new(article);
                let id = doc.article.id.clone();
                assert!(docs.insert(id, doc).is_none(), "ids are unique");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The independent model of the index: stemmed word streams per field.

static STEMMER: LazyLock<frostem::Stemmer> =
    LazyLock::new(|| frostem::Stemmer::new(frostem::Algorithm::English));

/// Between two comments the engine leaves one empty position.
const GAP: &str = "\u{0}";

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| fold(&w.to_lowercase()))
}

/// Folds the accented letters of the corpus to ASCII, as the analyzer does.
fn fold(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            c => c,
        })
        .collect()
}

fn stem(word: &str) -> String {
    STEMMER.stem(&fold(&word.to_lowercase())).into_owned()
}

fn stems(text: &str) -> Vec<String> {
    words(text).map(|w| stem(&w)).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum F {
    Headline,
    Body,
    Comments,
    Source,
}

/// What unqualified words search, per [`SearchIn`].
const IN_ALL: &[F] = &[F::Headline, F::Body, F::Comments];
const IN_BODY: &[F] = &[F::Headline, F::Body];
const IN_COMMENTS: &[F] = &[F::Comments];

struct Doc {
    article: Article,
    headline: Vec<String>,
    body: Vec<String>,
    /// All comments in one stream, [`GAP`] after each.
    comments: Vec<String>,
    /// Source words, lowercased but not stemmed.
    source: Vec<String>,
    /// The words as written (lowercased, folded, not stemmed), per field.
    headline_words: Vec<String>,
    body_words: Vec<String>,
    comments_words: Vec<String>,
}

/// The words of a text as written, as the README documents them: split at
/// anything but letters and digits, lowercased, folded to ASCII, words over
/// 40 bytes left out.
fn plain_words(text: &str) -> Vec<String> {
    words(text).filter(|w| w.len() <= 40).collect()
}

impl Doc {
    fn new(article: Article) -> Doc {
        let comment_stems: Vec<Vec<String>> = article.comments.iter().map(|c| stems(c)).collect();
        let mut comments = Vec::new();
        for c in &comment_stems {
            comments.extend(c.iter().cloned());
            comments.push(GAP.to_string());
        }
        let mut comments_words = Vec::new();
        for c in &article.comments {
            comments_words.extend(plain_words(c));
            comments_words.push(GAP.to_string());
        }
        Doc {
            headline: stems(&article.headline),
            body: stems(&article.body_text()),
            headline_words: plain_words(&article.headline),
            body_words: plain_words(&article.body_text()),
            comments_words,
            comments,
            source: article
                .source
                .as_deref()
                .map_or_else(Vec::new, |s| words(s).collect()),
            article,
        }
    }

    fn stream(&self, field: F) -> &[String] {
        match field {
            F::Headline => &self.headline,
            F::Body => &self.body,
            F::Comments => &self.comments,
            F::Source => &self.source,
        }
    }

    /// The term a query word becomes in `field`.
    fn term(field: F, word: &str) -> String {
        match field {
            F::Source => fold(&word.to_lowercase()),
            _ => stem(word),
        }
    }

    /// `word` occurs in one of `fields`.
    fn has(&self, fields: &[F], word: &str) -> bool {
        fields
            .iter()
            .any(|&f| self.stream(f).contains(&Doc::term(f, word)))
    }

    /// The words of `phrase` occur in a row in one of `fields`.
    fn has_phrase(&self, fields: &[F], phrase: &str) -> bool {
        fields.iter().any(|&f| {
            let terms: Vec<String> = words(phrase).map(|w| Doc::term(f, &w)).collect();
            self.stream(f).windows(terms.len()).any(|w| w == terms)
        })
    }

    /// Two words within `slop` position moves: `"a b"~slop`, as tantivy
    /// counts them (`b` one after `a`, give or take `slop`; so the reversed
    /// pair needs a slop of 2).
    fn has_near(&self, fields: &[F], a: &str, b: &str, slop: usize) -> bool {
        fields.iter().any(|&f| {
            let (ta, tb) = (Doc::term(f, a), Doc::term(f, b));
            let s = self.stream(f);
            let positions = |t: &String| -> Vec<usize> {
                s.iter()
                    .enumerate()
                    .filter(|(_, x)| *x == t)
                    .map(|(i, _)| i)
                    .collect()
            };
            let (pa, pb) = (positions(&ta), positions(&tb));
            pa.iter().any(|&i| {
                pb.iter()
                    .any(|&j| (j as i64 - 1 - i as i64).unsigned_abs() as usize <= slop)
            })
        })
    }

    /// The words as written of a field (the source's words are so already).
    fn written(&self, field: F) -> &[String] {
        match field {
            F::Headline => &self.headline_words,
            F::Body => &self.body_words,
            F::Comments => &self.comments_words,
            F::Source => &self.source,
        }
    }

    /// A word of `fields`, as written, starts with `prefix` (folded).
    fn has_prefix(&self, fields: &[F], prefix: &str) -> bool {
        let lower = fold(&prefix.to_lowercase());
        fields.iter().any(|&f| {
            self.written(f)
                .iter()
                .any(|t| t != GAP && t.starts_with(&lower))
        })
    }

    /// A word of `fields`, as written, is `word` (folded).
    fn has_exact(&self, fields: &[F], word: &str) -> bool {
        let lower = fold(&word.to_lowercase());
        fields.iter().any(|&f| self.written(f).contains(&lower))
    }

    /// A word of `fields`, as written, is within `edits` of `word`.
    fn has_fuzzy(&self, fields: &[F], word: &str, edits: usize) -> bool {
        let lower = fold(&word.to_lowercase());
        fields.iter().any(|&f| {
            self.written(f)
                .iter()
                .any(|t| t != GAP && edit_distance(t, &lower) <= edits)
        })
    }

    /// Words as written in a row: each the given word, or (ending in `*`)
    /// starting with it.
    fn has_written_phrase(&self, fields: &[F], phrase: &[&str]) -> bool {
        let matches = |word: &String, want: &&str| match want.strip_suffix('*') {
            Some(prefix) => word.starts_with(prefix),
            None => word == want,
        };
        fields.iter().any(|&f| {
            self.written(f)
                .windows(phrase.len())
                .any(|w| w.iter().zip(phrase).all(|(word, want)| matches(word, want)))
        })
    }

    fn date(&self) -> Option<Date> {
        self.article.date
    }
}

/// The edit distance of two words: insertions, deletions, substitutions and
/// swaps of neighbours each cost 1 (the optimal string alignment distance).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// The ids of the articles for which `pred` holds.
fn expect(pred: impl Fn(&Doc) -> bool) -> BTreeSet<String> {
    fixture()
        .docs
        .values()
        .filter(|d| pred(d))
        .map(|d| d.article.id.clone())
        .collect()
}

/// An expected set that says something: not empty, not everything.
fn telling(set: BTreeSet<String>) -> BTreeSet<String> {
    assert!(!set.is_empty(), "expected set is empty");
    assert!(set.len() < articles(), "expected set is the whole corpus");
    set
}

// ---------------------------------------------------------------------------
// Running searches.

/// Runs `request` over every matching article: these tests are about
/// which articles match (`tests/stories.rs` tests collapsed results).
fn search(request: &SearchRequest) -> SearchResults {
    match fixture().index.search(&request.clone().collapse(false)) {
        Ok(results) => results,
        Err(e) => panic!("{:?} failed: {e}", request.query),
    }
}

fn ids(results: &SearchResults) -> Vec<String> {
    results.hits.iter().map(|h| h.id.clone()).collect()
}

/// All hits of a request, as a set; checks that the total counts them all.
fn hit_set(request: SearchRequest) -> BTreeSet<String> {
    // Every matching article: copies of one story too.
    let results = search(&request.page(ALL, 0).collapse(false));
    assert_eq!(
        results.total as usize,
        results.hits.len(),
        "total of {:?}",
        results.query
    );
    let set: BTreeSet<String> = ids(&results).into_iter().collect();
    assert_eq!(set.len(), results.hits.len(), "a hit repeats");
    set
}

fn assert_hits(request: SearchRequest, expected: &BTreeSet<String>) {
    let query = request.query.clone();
    let got = hit_set(request);
    assert_eq!(
        &got,
        expected,
        "{query:?}: missing {:?}, unexpected {:?}",
        expected.difference(&got).collect::<Vec<_>>(),
        got.difference(expected).collect::<Vec<_>>()
    );
}

fn q(query: &str) -> SearchRequest {
    SearchRequest::new(query).collapse(false)
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------
// The fixture itself.

#[test]
fn the_corpus_is_the_one_the_readme_describes() {
    let f = fixture();
    let scan = common::sample_scan();
    assert_eq!(f.docs.len(), articles());
    let undated = f.docs.values().filter(|d| d.date().is_none()).count();
    assert_eq!(undated as u64, scan.undated);
    let sourceless = f.docs.values().filter(|d| d.article.source.is_none());
    assert_eq!(sourceless.count() as u64, scan.unknown_source);
    // The stored articles are the parsed ones.
    let searcher = f.index.searcher().expect("searcher");
    for (id, doc) in &f.docs {
        let stored = searcher.get(id).expect("get");
        assert_eq!(stored.len(), 1, "{id}");
        let stored = &stored[0];
        assert_eq!(stored.path, doc.article.path);
        assert_eq!(stored.body, doc.article.body);
        assert_eq!(stored.comments, doc.article.comments);
        assert_eq!(stored.source, doc.article.source);
        assert_eq!(stored.headline, doc.article.headline);
    }
}

// ---------------------------------------------------------------------------
// Words.

#[test]
fn a_single_word_finds_every_article_with_it() {
    for word in [
        "storm",
        "seawall",
        "library",
        "Achterberg",
        "nobody",
        "internet",
        "elections",
        "Banks",
        "MILL",
    ] {
        let expected = telling(expect(|d| d.has(IN_ALL, word)));
        assert_hits(q(word), &expected);
    }
}

#[test]
fn single_article_words() {
    assert_hits(q("Quillfeather"), &set(&["001_eca18860b9138967"]));
    assert_hits(q("comet"), &set(&["005_7b1299c76b1bf8b9"]));
    assert_hits(q("lighthouse"), &set(&["000_5ade9724285458ca"]));
}

#[test]
fn hidden_and_foreign_files_are_not_searched() {
    // `quokka` is only in the hidden file and the file in a hidden folder,
    // `wombat` only in a .md file.
    for word in ["quokka", "wombat", "quokka OR wombat"] {
        let results = search(&q(word));
        assert_eq!(results.total, 0, "{word}");
        assert!(results.hits.is_empty());
    }
    assert_hits(q("quokka").any(true), &BTreeSet::new());
}

#[test]
fn stemming_and_folding_match_word_forms() {
    // `elections`, `elected` and `election` share a stem.
    assert_eq!(hit_set(q("elections")), hit_set(q("elect")));
    assert_eq!(hit_set(q("Elected")), hit_set(q("election")));
    // Folded to ASCII: `Sao Paulo` finds `São Paulo`.
    let sao = set(&["006_9577ace697196a21"]);
    assert_hits(q("\"São Paulo\""), &sao);
    assert_hits(q("\"sao paulo\""), &sao);
    assert_hits(q("zoe muller"), &sao);
}

#[test]
fn several_words_are_all_required() {
    for query in [
        "storm surge",
        "Pellham Norrland merger",
        "storm insurance",
        "storm nobody",
        "library internet",
    ] {
        let words: Vec<String> = words(query).collect();
        let expected = telling(expect(|d| words.iter().all(|w| d.has(IN_ALL, w))));
        assert_hits(q(query), &expected);
    }
    assert_hits(
        q("storm surge"),
        &set(&[
            "003_11e36e502cc67806",
            "003_3606ed88b7cf80bb",
            "003_3c8fffafb105e4f9",
            "003_9c2e920cb43519b3",
            "004_4d3ff15c16323bba",
            "004_79269d21a022fa24",
        ]),
    );
}

#[test]
fn any_makes_words_alternatives() {
    for query in [
        "storm surge",
        "comet lighthouse Quillfeather",
        "seawall library",
    ] {
        let words: Vec<String> = words(query).collect();
        let expected = telling(expect(|d| words.iter().any(|w| d.has(IN_ALL, w))));
        assert_hits(q(query).any(true), &expected);
    }
    assert_hits(
        q("comet lighthouse Quillfeather").any(true),
        &set(&[
            "001_eca18860b9138967",
            "005_7b1299c76b1bf8b9",
            "000_5ade9724285458ca",
        ]),
    );
    assert_hits(q("comet lighthouse Quillfeather"), &BTreeSet::new());
}

// ---------------------------------------------------------------------------
// Operators.

#[test]
fn and_or_and_their_precedence() {
    let both = telling(expect(|d| d.has(IN_ALL, "storm") && d.has(IN_ALL, "surge")));
    let either = telling(expect(|d| d.has(IN_ALL, "storm") || d.has(IN_ALL, "surge")));
    assert_hits(q("storm AND surge"), &both);
    assert_hits(q("storm && surge"), &both);
    assert_hits(q("storm OR surge"), &either);
    assert_hits(q("storm || surge"), &either);
    // An explicit AND stays required with --any.
    assert_hits(q("storm AND surge").any(true), &both);
    // AND binds tighter than OR.
    let expected = telling(expect(|d| {
        d.has(IN_ALL, "merger") || (d.has(IN_ALL, "takeover") && d.has(IN_ALL, "library"))
    }));
    assert_hits(q("merger OR takeover AND library"), &expected);
    assert_hits(q("merger OR takeover library"), &expected);
    let expected = telling(expect(|d| {
        (d.has(IN_ALL, "seawall") && d.has(IN_ALL, "lawsuit")) || d.has(IN_ALL, "comet")
    }));
    assert_hits(q("seawall AND lawsuit OR comet"), &expected);
}

#[test]
fn parentheses_group() {
    let expected = telling(expect(|d| {
        (d.has(IN_ALL, "merger") || d.has(IN_ALL, "takeover")) && d.has(IN_ALL, "library")
    }));
    assert_hits(q("(merger OR takeover) library"), &expected);
    assert_hits(q("library AND (takeover OR merger)"), &expected);
    let expected = telling(expect(|d| {
        d.has(IN_ALL, "storm") && !(d.has(IN_ALL, "insurance") || d.has(IN_ALL, "flood"))
    }));
    assert_hits(q("storm -(insurance OR flood)"), &expected);
    assert_hits(q("((storm)) NOT (insurance OR (flood))"), &expected);
}

#[test]
fn not_and_minus_exclude() {
    let expected = telling(expect(|d| {
        d.has(IN_ALL, "storm") && !d.has(IN_ALL, "insurance")
    }));
    assert_hits(q("storm -insurance"), &expected);
    assert_hits(q("storm NOT insurance"), &expected);
    assert_hits(q("storm -insurance").any(true), &expected);
    // Only exclusions: everything else.
    let expected = telling(expect(|d| !d.has(IN_ALL, "storm")));
    assert_hits(q("-storm"), &expected);
    assert_hits(q("NOT storm"), &expected);
    assert_hits(q("* -storm"), &expected);
    // Excluding a word that is nowhere excludes nothing.
    assert_eq!(search(&q("-quokka")).total as usize, articles());
}

#[test]
fn plus_requires_a_word_among_alternatives() {
    let storm = telling(expect(|d| d.has(IN_ALL, "storm")));
    assert_hits(q("+storm surge").any(true), &storm);
    assert_hits(q("+storm comet").any(true), &storm);
    // Without --any every plain word is required anyway.
    let both = expect(|d| d.has(IN_ALL, "storm") && d.has(IN_ALL, "surge"));
    assert_hits(q("+storm surge"), &both);
    let two = telling(expect(|d| d.has(IN_ALL, "storm") && d.has(IN_ALL, "surge")));
    assert_hits(q("+storm +surge comet").any(true), &two);
}

// ---------------------------------------------------------------------------
// Phrases.

#[test]
fn phrases_match_words_in_a_row() {
    for phrase in [
        "flood insurance",
        "hostile takeover",
        "Storm Idalene",
        "Norrland Savings",
        "Corwin Hale",
        "Electoral Commission",
        "storm surge",
        "the first time",
    ] {
        let expected = telling(expect(|d| d.has_phrase(IN_ALL, phrase)));
        assert_hits(q(&format!("\"{phrase}\"")), &expected);
        let body = expect(|d| d.has_phrase(IN_BODY, phrase));
        assert_hits(q(&format!("\"{phrase}\"")).search_in(SearchIn::Body), &body);
        let comments = expect(|d| d.has_phrase(IN_COMMENTS, phrase));
        assert_hits(
            q(&format!("\"{phrase}\"")).search_in(SearchIn::Comments),
            &comments,
        );
        // A phrase is narrower than its words.
        let words = hit_set(q(phrase));
        assert!(expected.is_subset(&words), "{phrase}");
    }
}

#[test]
fn phrase_counts_agree_with_the_readme() {
    // Articles whose body (or body and comments) contain the phrase.
    for (phrase, in_body, in_all) in [
        ("flood insurance", 5, 5),
        ("hostile takeover", 5, 6),
        ("Storm Idalene", 13, 13),
        ("Norrland Savings", 16, 16),
        ("Corwin Hale", 8, 8),
        ("Ruben Castellanos", 7, 7),
        ("Meridian Shore", 7, 7),
        ("Electoral Commission", 7, 7),
        ("São Paulo", 1, 1),
    ] {
        let query = format!("\"{phrase}\"");
        let body = search(&q(&query).search_in(SearchIn::Body));
        assert_eq!(body.total, in_body, "{phrase} in body");
        let all = search(&q(&query));
        assert_eq!(all.total, in_all, "{phrase} anywhere");
    }
    for (word, n) in [("Achterberg", 20), ("Pellham", 15)] {
        assert_eq!(search(&q(&format!("body:{word}"))).total, n, "{word}");
    }
    // `hostile takeover` is in the comments of exactly one article whose
    // body does not have it.
    let comments_only = &hit_set(q("\"hostile takeover\""))
        - &hit_set(q("\"hostile takeover\"").search_in(SearchIn::Body));
    assert_eq!(comments_only.len(), 1);
}

#[test]
fn phrase_slop_allows_moves() {
    for (a, b) in [
        ("flood", "insurance"),
        ("insurance", "flood"),
        ("storm", "surge"),
    ] {
        for slop in [0, 1, 2, 3, 5] {
            let expected = expect(|d| d.has_near(IN_ALL, a, b, slop));
            assert_hits(q(&format!("\"{a} {b}\"~{slop}")), &expected);
        }
    }
    // Reversed words need a slop of 2.
    let forward = telling(hit_set(q("\"flood insurance\"")));
    assert!(hit_set(q("\"insurance flood\"")).is_disjoint(&forward));
    assert!(hit_set(q("\"insurance flood\"~1")).is_disjoint(&forward));
    assert!(forward.is_subset(&hit_set(q("\"insurance flood\"~2"))));
    // More slop never finds fewer.
    let mut last = BTreeSet::new();
    for slop in 0..8 {
        let hits = hit_set(q(&format!("\"storm surge\"~{slop}")));
        assert!(last.is_subset(&hits), "slop {slop}");
        last = hits;
    }
    assert_eq!(
        last,
        hit_set(q("storm surge"))
            .intersection(&last)
            .cloned()
            .collect()
    );
}

// ---------------------------------------------------------------------------
// Fields.

#[test]
fn field_qualified_terms() {
    let cases: Vec<(&str, BTreeSet<String>)> = vec![
        ("headline:storm", expect(|d| d.has(&[F::Headline], "storm"))),
        ("body:storm", expect(|d| d.has(&[F::Body], "storm"))),
        ("comments:storm", expect(|d| d.has(&[F::Comments], "storm"))),
        (
            "comments:nobody",
            expect(|d| d.has(&[F::Comments], "nobody")),
        ),
        ("body:nobody", expect(|d| d.has(&[F::Body], "nobody"))),
        (
            "body:\"storm surge\"",
            expect(|d| d.has_phrase(&[F::Body], "storm surge")),
        ),
        (
            "comments:(please OR thank)",
            expect(|d| d.has(&[F::Comments], "please") || d.has(&[F::Comments], "thank")),
        ),
        (
            "headline:Achterberg comments:nobody",
            expect(|d| d.has(&[F::Headline], "Achterberg") && d.has(&[F::Comments], "nobody")),
        ),
        ("source:gazette", expect(|d| d.has(&[F::Source], "gazette"))),
        (
            "source:\"Business Ledger\"",
            expect(|d| d.has_phrase(&[F::Source], "Business Ledger")),
        ),
        (
            "storm -source:herald",
            expect(|d| d.has(IN_ALL, "storm") && !d.has(&[F::Source], "herald")),
        ),
    ];
    for (query, expected) in cases {
        assert_hits(q(query), &telling(expected));
    }
    // A field overrides --in.
    assert_hits(
        q("comments:nobody").search_in(SearchIn::Body),
        &expect(|d| d.has(&[F::Comments], "nobody")),
    );
}

#[test]
fn source_terms_count_like_the_readme() {
    assert_eq!(search(&q("source:gazette")).total, 10);
    assert_eq!(
        search(&q("source:\"Tri-County Business Ledger\"")).total,
        12
    );
    assert_eq!(search(&q("source:(courier OR radio)")).total, 10 + 7);
    // Source words are not stemmed: `couriers` is no source word.
    assert_eq!(search(&q("source:couriers")).total, 0);
}

#[test]
fn search_in_picks_the_text() {
    for word in ["nobody", "storm", "takeover", "please"] {
        let cases = [
            (SearchIn::All, IN_ALL),
            (SearchIn::Body, IN_BODY),
            (SearchIn::Comments, IN_COMMENTS),
        ];
        for (search_in, fields) in cases {
            let expected = expect(|d| d.has(fields, word));
            assert_hits(q(word).search_in(search_in), &expected);
        }
    }
    // `please` is only ever in comments.
    assert_eq!(search(&q("please").search_in(SearchIn::Body)).total, 0);
    assert!(search(&q("please").search_in(SearchIn::Comments)).total > 0);
}

// ---------------------------------------------------------------------------
// Prefixes.

#[test]
fn prefixes_match_words_as_written() {
    // `banki*` and `electi*` used to find nothing (the index held the stems
    // `bank` and `elect`), and `insure*` found every `insurance`.
    for prefix in [
        "bank", "banki", "elect", "electi", "electo", "insure", "regulat", "happen", "seawal",
        "Achter", "court", "storm", "Élect",
    ] {
        let expected = telling(expect(|d| d.has_prefix(IN_ALL, prefix)));
        assert_hits(q(&format!("{prefix}*")), &expected);
        let body = expect(|d| d.has_prefix(IN_BODY, prefix));
        assert_hits(q(&format!("{prefix}*")).search_in(SearchIn::Body), &body);
        let comments = expect(|d| d.has_prefix(IN_COMMENTS, prefix));
        assert_hits(
            q(&format!("{prefix}*")).search_in(SearchIn::Comments),
            &comments,
        );
    }
    let expected = telling(expect(|d| d.has_prefix(&[F::Headline], "elect")));
    assert_hits(q("headline:elect*"), &expected);
    let expected = telling(expect(|d| d.has_prefix(&[F::Source], "gaz")));
    assert_hits(q("source:gaz*"), &expected);
    // A prefix finds at least what the word as written finds.
    assert!(hit_set(q("=bank")).is_subset(&hit_set(q("bank*"))));
    assert_eq!(search(&q("quokk*")).total, 0);
}

#[test]
fn exact_words_match_only_as_written() {
    for word in ["banking", "bank", "elections", "Storms", "insurer"] {
        let expected = telling(expect(|d| d.has_exact(IN_ALL, word)));
        assert_hits(q(&format!("={word}")), &expected);
    }
    // `=elections` leaves out the articles that only say election or
    // elected, which `elections` finds.
    assert!(hit_set(q("=elections")).len() < hit_set(q("elections")).len());
    let expected = telling(expect(|d| d.has_exact(&[F::Headline], "storm")));
    assert_hits(q("headline:=storm"), &expected);
    let expected = telling(expect(|d| {
        d.has_written_phrase(IN_ALL, &["storm", "surge"])
    }));
    assert_hits(q("=\"storm surge\""), &expected);
}

#[test]
fn fuzzy_words_match_within_their_edits() {
    // `oil~2` used to be the phrase "oil 2".
    for (word, edits) in [
        ("storm", 1),
        ("strom", 1),
        ("insurence", 2),
        ("lighthous", 1),
        ("seawal", 1),
    ] {
        let expected = telling(expect(|d| d.has_fuzzy(IN_ALL, word, edits)));
        assert_hits(q(&format!("{word}~{edits}")), &expected);
    }
    let expected = telling(expect(|d| d.has_fuzzy(&[F::Comments], "plese", 1)));
    assert_hits(q("comments:plese~1"), &expected);
}

#[test]
fn phrases_may_end_words_with_a_prefix() {
    // `"petro* company"`-like phrases used to drop the prefix and find
    // nothing.
    for (query, words) in [
        ("\"flood insur*\"", vec!["flood", "insur*"]),
        ("\"storm sur*\"", vec!["storm", "sur*"]),
        ("\"hostile take*\"", vec!["hostile", "take*"]),
        ("\"norr* savings\"", vec!["norr*", "savings"]),
    ] {
        let expected = telling(expect(|d| d.has_written_phrase(IN_ALL, &words)));
        assert_hits(q(query), &expected);
    }
    // One word: a prefix.
    assert_eq!(hit_set(q("\"elect*\"")), hit_set(q("elect*")));
    // In one field, excluded, sorted by date, with --in.
    let phrase = ["flood", "insur*"];
    let in_comments = telling(expect(|d| d.has_written_phrase(&[F::Comments], &phrase)));
    assert_hits(q("comments:\"flood insur*\""), &in_comments);
    assert_hits(
        q("\"flood insur*\"").search_in(SearchIn::Comments),
        &in_comments,
    );
    let in_headline = expect(|d| d.has_written_phrase(&[F::Headline], &["storm", "idal*"]));
    assert_hits(q("headline:\"storm idal*\""), &telling(in_headline));
    let without = telling(expect(|d| {
        d.has(IN_ALL, "storm") && !d.has_written_phrase(IN_ALL, &phrase)
    }));
    assert_hits(q("storm -\"flood insur*\""), &without);
    let all = expect(|d| d.has_written_phrase(IN_ALL, &phrase));
    assert_hits(q("\"flood insur*\"").sort(SortOrder::Newest), &all);
    // An exact phrase is its words as written, in a row.
    let exact = telling(expect(|d| d.has_written_phrase(IN_ALL, &["plans", "to"])));
    assert_hits(q("=\"plans to\""), &exact);
    assert!(hit_set(q("\"plans to\"")).len() > exact.len());
    let sloppy = telling(expect(|d| {
        d.has_written_phrase(IN_ALL, &["three", "years"])
    }));
    assert!(sloppy.is_subset(&hit_set(q("=\"years three\"~2"))));
}

// ---------------------------------------------------------------------------
// Filters.

fn day(text: &str, end: DateEnd) -> Date {
    parse_date_filter(text, end).expect("date")
}

fn dated(from: &str, to: &str) -> SearchRequest {
    q("*").dates(Some(day(from, DateEnd::Start)), Some(day(to, DateEnd::End)))
}

fn in_range(d: &Doc, from: Option<&str>, to: Option<&str>) -> bool {
    d.date().is_some_and(|date| {
        from.is_none_or(|f| date >= day(f, DateEnd::Start))
            && to.is_none_or(|t| date <= day(t, DateEnd::End))
    })
}

#[test]
fn date_filters_take_years_months_and_days() {
    for (from, to) in [
        ("2011", "2011"),
        ("2011-09", "2011-09"),
        ("2011-09-09", "2011-10-18"),
        ("1995", "1999-06"),
        ("2003-03-14", "2003-03-14"),
        ("2019", "2020-02-11"),
    ] {
        let expected = telling(expect(|d| in_range(d, Some(from), Some(to))));
        assert_hits(dated(from, to), &expected);
    }
    // Ends are inclusive: both edge articles are in.
    assert_hits(
        dated("2011-09-09", "2011-10-18"),
        &set(&[
            "004_79269d21a022fa24",
            "003_4ba012e8781d9062",
            "003_9c2e920cb43519b3",
        ]),
    );
    assert_hits(
        dated("2011-09", "2011-09"),
        &set(&[
            "003_11e36e502cc67806",
            "004_79269d21a022fa24",
            "003_4ba012e8781d9062",
        ]),
    );
    assert_hits(dated("2011-09-10", "2011-09-13"), &BTreeSet::new());
    assert_hits(
        dated("1995-02-14", "1995-02-14"),
        &set(&["008_bb6375531e942e0e"]),
    );
    assert_hits(dated("2025-09", "2025"), &set(&["006_c554b11f8bb6cb91"]));
}

#[test]
fn open_ended_date_filters_and_undated_articles() {
    let from = q("*").dates(Some(day("2020", DateEnd::Start)), None);
    assert_hits(from, &telling(expect(|d| in_range(d, Some("2020"), None))));
    let to = q("*").dates(None, Some(day("1999", DateEnd::End)));
    assert_hits(to, &telling(expect(|d| in_range(d, None, Some("1999")))));
    // Any date filter leaves the four undated articles out.
    let everything = dated("1678", "2261");
    assert_eq!(search(&everything).total, common::sample_scan().dated);
    // With words.
    let expected = telling(expect(|d| {
        d.has(IN_ALL, "storm") && in_range(d, Some("2012"), None)
    }));
    assert_hits(
        q("storm").dates(Some(day("2012", DateEnd::Start)), None),
        &expected,
    );
}

#[test]
fn a_date_range_that_ends_before_it_starts_is_a_query_error() {
    let request = dated("2012", "2011");
    match fixture().index.search(&request) {
        Err(Error::Query(e)) => {
            assert_eq!(e.column, None);
            assert!(e.to_string().contains("after the end date"), "{e}");
        }
        other => panic!("expected a query error, got {other:?}"),
    }
}

#[test]
fn source_filters_match_whole_names_in_any_case() {
    let gazette = telling(expect(|d| {
        d.article.source.as_deref() == Some("Harbor Valley Gazette Co.")
    }));
    assert_eq!(gazette.len(), 10);
    for name in [
        "Harbor Valley Gazette Co.",
        "harbor valley gazette co.",
        "HARBOR VALLEY GAZETTE CO.",
        "  Harbor Valley Gazette Co. ",
    ] {
        assert_hits(q("*").source(name), &gazette);
    }
    // Repeated: any of them.
    let two = expect(|d| {
        matches!(
            d.article.source.as_deref(),
            Some("Harbor Valley Gazette Co.") | Some("Northgate Science Weekly")
        )
    });
    assert_eq!(two.len(), 10 + 6);
    assert_hits(
        q("*")
            .source("Northgate Science Weekly")
            .source("harbor valley gazette co."),
        &two,
    );
    // With words and dates.
    let expected = telling(expect(|d| {
        d.has(IN_ALL, "storm")
            && d.article.source.as_deref() == Some("Coastline Herald Media Group")
            && in_range(d, None, Some("2012"))
    }));
    assert_hits(
        q("storm")
            .source("coastline herald media group")
            .dates(None, Some(day("2012", DateEnd::End))),
        &expected,
    );
}

#[test]
fn source_filters_agree_with_source_words() {
    // `--source marrowfield` used to find nothing while `source:marrowfield`
    // found the Courier's articles.
    for value in [
        "marrowfield",
        "Gazette",
        "Harbor Valley",
        "harbor-valley-gazette",
        "tri-county",
        "Business Ledger",
        "Courier, Inc.",
    ] {
        let expected = telling(expect(|d| d.has_phrase(&[F::Source], value)));
        assert_hits(q("*").source(value), &expected);
        assert_eq!(
            hit_set(q("*").source(value)),
            hit_set(q(&format!("source:\"{value}\""))),
            "{value}"
        );
        let results = search(&q("*").source(value));
        assert!(!results.filters.source_names.is_empty(), "{value}");
    }
}

#[test]
fn a_source_filter_that_names_no_source_is_an_error() {
    for (value, closest) in [
        ("marowfield", "The Marrowfield Courier, Inc."),
        ("gazete", "Harbor Valley Gazette Co."),
        ("Harbor Valley Gazette Inc.", "Harbor Valley Gazette Co."),
    ] {
        match fixture().index.search(&q("*").source(value)) {
            Err(Error::Query(e)) => {
                let text = e.to_string();
                assert!(text.contains("invalid source filter"), "{text}");
                assert!(text.contains(&format!("{closest:?}")), "{value}: {text}");
                assert_eq!(Error::Query(e).kind(), newsidx::ErrorKind::Usage);
            }
            other => panic!("{value}: expected a usage error, got {other:?}"),
        }
    }
    // One good value does not excuse a bad one.
    assert!(
        fixture()
            .index
            .search(&q("*").source("gazette").source("quokka"))
            .is_err()
    );
}

#[test]
fn articles_without_a_source_can_be_kept() {
    let unknown = telling(expect(|d| d.article.source.is_none()));
    assert_eq!(unknown.len(), 7);
    assert_hits(q("*").unknown_source(true), &unknown);
    // A publisher named "None" would be a name, not this filter.
    let with_gazette: BTreeSet<String> = unknown
        .union(&expect(|d| d.has_phrase(&[F::Source], "gazette")))
        .cloned()
        .collect();
    assert_hits(q("*").unknown_source(true).source("gazette"), &with_gazette);
    let storm = telling(expect(|d| {
        d.has(IN_ALL, "storm") && d.article.source.is_none()
    }));
    assert_hits(q("storm").unknown_source(true), &storm);
}

#[test]
fn filters_do_not_change_scores() {
    let plain = search(&q("storm").page(ALL, 0));
    let filtered = search(
        &q("storm")
            .source("Coastline Herald Media Group")
            .dates(Some(day("1995", DateEnd::Start)), None)
            .page(ALL, 0),
    );
    assert!(filtered.total > 0 && filtered.total < plain.total);
    for hit in &filtered.hits {
        let same = plain
            .hits
            .iter()
            .find(|h| h.id == hit.id)
            .expect("also a hit");
        assert_eq!(hit.score, same.score, "{}", hit.id);
    }
}

// ---------------------------------------------------------------------------
// Order and pages.

/// Ids in date order (newest or oldest first), undated last in id order.
fn by_date(expected: &BTreeSet<String>, newest: bool) -> (Vec<String>, BTreeSet<String>) {
    let docs = &fixture().docs;
    let mut dated: Vec<(Date, String)> = expected
        .iter()
        .filter_map(|id| docs[id].date().map(|d| (d, id.clone())))
        .collect();
    dated.sort();
    if newest {
        dated.reverse();
    }
    let undated = expected
        .iter()
        .filter(|id| docs[*id].date().is_none())
        .cloned()
        .collect();
    (dated.into_iter().map(|(_, id)| id).collect(), undated)
}

#[test]
fn sorting_by_date() {
    for query in ["*", "storm", "Achterberg OR lighthouse", "bank*"] {
        let expected = hit_set(q(query));
        for (sort, newest) in [(SortOrder::Newest, true), (SortOrder::Oldest, false)] {
            let results = search(&q(query).sort(sort).page(ALL, 0));
            assert_eq!(results.total as usize, expected.len());
            let got = ids(&results);
            let (dated, undated) = by_date(&expected, newest);
            // Dates are all different, so the dated part is fully ordered;
            // undated articles come last.
            assert_eq!(got[..dated.len()], dated[..], "{query} {sort:?}");
            let tail: BTreeSet<String> = got[dated.len()..].iter().cloned().collect();
            assert_eq!(tail, undated, "{query} {sort:?}");
            assert!(results.hits.iter().all(|h| h.score.is_none()));
        }
    }
    let newest = search(&q("*").sort(SortOrder::Newest).page(3, 0));
    assert_eq!(
        ids(&newest),
        [
            "006_c554b11f8bb6cb91",
            "003_780b0d60352bd5a3",
            "001_6cbaa2b5b8c45eb9"
        ]
    );
    let oldest = search(&q("*").sort(SortOrder::Oldest).page(3, 0));
    assert_eq!(
        ids(&oldest),
        [
            "008_bb6375531e942e0e",
            "004_7b03753f9048215d",
            "000_fac342b21f312e10"
        ]
    );
}

#[test]
fn relevance_order() {
    for query in [
        "storm",
        "storm surge",
        "Pellham OR Achterberg",
        "bank*",
        "*",
    ] {
        let results = search(&q(query).page(ALL, 0));
        let scores: Vec<f32> = results
            .hits
            .iter()
            .map(|h| h.score.expect("relevance hits have a score"))
            .collect();
        assert!(scores.iter().all(|s| s.is_finite() && *s > 0.0), "{query}");
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "{query}: {scores:?}"
        );
    }
    // A heavy boost puts its articles first.
    let results = search(&q("Quillfeather^50 OR comet^20 OR storm").page(ALL, 0));
    let got = ids(&results);
    assert_eq!(got[0], "001_eca18860b9138967");
    assert_eq!(got[1], "005_7b1299c76b1bf8b9");
    assert_eq!(
        got[2..].iter().cloned().collect::<BTreeSet<_>>(),
        hit_set(q("storm"))
    );
    // A headline match outweighs a comment match of the same word.
    let results = search(&q("Idalene").page(ALL, 0));
    let first = &fixture().docs[&results.hits[0].id];
    assert!(first.has(&[F::Headline], "Idalene"));
}

#[test]
fn pages_split_the_hits() {
    let cases = [
        q("*").sort(SortOrder::Newest),
        q("*").sort(SortOrder::Oldest),
        q("*"),
        q("storm OR bank* OR Achterberg"),
        q("storm OR bank* OR Achterberg").sort(SortOrder::Oldest),
    ];
    for request in cases {
        let all = search(&request.clone().page(ALL, 0));
        let total = all.total;
        for size in [1, 7, 10, 25] {
            let mut seen = Vec::new();
            let mut offset = 0;
            loop {
                let page = search(&request.clone().page(size, offset));
                assert_eq!(page.total, total, "total changes across pages");
                assert_eq!((page.limit, page.offset), (size, offset));
                assert!(page.hits.len() <= size);
                if page.hits.is_empty() {
                    break;
                }
                seen.extend(ids(&page));
                offset += size;
            }
            assert_eq!(seen, ids(&all), "{:?} in pages of {size}", request.query);
        }
        // Past the end: no hits, the same total.
        let past = search(&request.clone().page(10, total as usize + 5));
        assert!(past.hits.is_empty());
        assert_eq!(past.total, total);
        // A zero limit only counts.
        let count = search(&request.clone().page(0, 0));
        assert!(count.hits.is_empty());
        assert_eq!(count.total, total);
    }
    assert_eq!(search(&q("storm")).hits.len(), 10);
}

#[test]
fn huge_pages_are_safe() {
    // Offsets and limits far beyond the corpus must neither overflow nor
    // size buffers for the page asked.
    let storm = hit_set(q("storm"));
    for sort in [SortOrder::Relevance, SortOrder::Newest] {
        for (limit, offset) in [
            (10, usize::MAX),
            (usize::MAX, usize::MAX),
            (10, 1 << 40),
            (1_000_000, articles() - 1),
        ] {
            let results = search(&q("*").sort(sort).page(limit, offset));
            assert_eq!(results.total as usize, articles());
            assert_eq!((results.limit, results.offset), (limit, offset));
            let expected = articles().saturating_sub(offset).min(limit);
            assert_eq!(results.hits.len(), expected, "{limit} {offset}");
        }
        let all = search(&q("storm").sort(sort).page(usize::MAX, 0));
        assert_eq!(ids(&all).into_iter().collect::<BTreeSet<_>>(), storm);
    }
}

// ---------------------------------------------------------------------------
// Snippets.

/// A positive part of a query, as the snippet checks see it.
#[derive(Debug, Clone, Copy)]
enum Part {
    /// A word: its stem.
    Word(&'static str),
    /// `=word`: the word as written.
    Exact(&'static str),
    /// `word*`: a word as written that starts with it.
    Prefix(&'static str),
    /// `word~N`: a word as written within N edits.
    Fuzzy(&'static str, usize),
    /// A phrase: its words' stems in a row.
    Phrase(&'static str),
}

impl Part {
    /// Whether a highlighted piece is exactly this part: one word for a
    /// word, the whole phrase for a phrase.
    fn marks(self, piece: &str) -> bool {
        let written = plain_words(piece);
        match self {
            Part::Word(w) => stems(piece) == [stem(w)],
            Part::Exact(w) => written == [fold(&w.to_lowercase())],
            Part::Prefix(p) => {
                written.len() == 1 && written[0].starts_with(&fold(&p.to_lowercase()))
            }
            Part::Fuzzy(w, n) => {
                written.len() == 1 && edit_distance(&written[0], &fold(&w.to_lowercase())) <= n
            }
            Part::Phrase(p) => stems(piece) == stems(p),
        }
    }

    /// Whether a text holds this part.
    fn held_by(self, text: &str) -> bool {
        let written = plain_words(text);
        let stemmed = stems(text);
        match self {
            Part::Phrase(p) => {
                let want = stems(p);
                stemmed.windows(want.len()).any(|w| w == want)
            }
            Part::Word(w) => stemmed.contains(&stem(w)),
            _ => written.iter().any(|w| self.marks(w)),
        }
    }
}

/// Checks that a snippet quotes `text` and marks only whole parts.
fn check_snippet(snippet: &Snippet, text: &str, parts: &[Part], context: &str) {
    let quoted = &snippet.text;
    let at = text
        .find(quoted.as_str())
        .unwrap_or_else(|| panic!("{context}: {quoted:?} is not a piece of the text"));
    if !snippet.cut_before {
        assert!(text[..at].trim().is_empty(), "{context}: cut before");
    }
    if !snippet.cut_after {
        assert!(
            text[at + quoted.len()..].trim().is_empty(),
            "{context}: cut after"
        );
    }
    let mut last_end = 0;
    for &[s, e] in &snippet.highlights {
        assert!(
            s < e && e <= quoted.len(),
            "{context}: [{s}, {e}] in {quoted:?}"
        );
        assert!(
            quoted.is_char_boundary(s) && quoted.is_char_boundary(e),
            "{context}: [{s}, {e}] splits a character"
        );
        assert!(
            s >= last_end,
            "{context}: highlights overlap or are unordered"
        );
        last_end = e;
        let piece = &quoted[s..e];
        assert!(
            parts.iter().any(|p| p.marks(piece)),
            "{context}: {piece:?} is none of {parts:?}"
        );
    }
}

/// Checks every snippet of a search whose positive parts are `parts`,
/// searched in `fields`: the body fragment marks a part whenever the body
/// holds one, every mark is a whole part (a phrase is marked whole, never
/// word by word), and the quoted comments are matching ones, those holding
/// more of the parts first.
fn check_snippets(request: SearchRequest, parts: &[Part], fields: &[F]) {
    let results = search(&request.page(ALL, 0));
    assert!(results.total > 0, "{:?}", results.query);
    let f = fixture();
    let held = |text: &str| parts.iter().filter(|p| p.held_by(text)).count();
    for hit in &results.hits {
        let context = format!("{:?} {}", results.query, hit.id);
        let stored = &f
            .index
            .searcher()
            .expect("searcher")
            .get(&hit.id)
            .expect("get")[0];
        assert_eq!(hit.comment_count, stored.comments.len(), "{context}");
        assert_eq!(hit.headline, stored.headline);
        assert_eq!(hit.path, stored.path);
        assert_eq!(hit.date, stored.date);
        assert_eq!(hit.source, stored.source);

        // The body: a piece of the body, marked where a part is.
        let body_text = stored.body.join(" ");
        let body = hit
            .snippets
            .body
            .as_ref()
            .expect("every article has a body");
        check_snippet(body, &body_text, parts, &context);
        let body_matches = fields.contains(&F::Body) && held(&body_text) > 0;
        assert_eq!(
            !body.highlights.is_empty(),
            body_matches,
            "{context}: body highlights"
        );

        // The comments: every matching one counted, the best quoted.
        let matching: Vec<(usize, usize)> = if fields.contains(&F::Comments) {
            stored
                .comments
                .iter()
                .enumerate()
                .map(|(i, c)| (i + 1, held(c)))
                .filter(|(_, n)| *n > 0)
                .collect()
        } else {
            Vec::new()
        };
        assert_eq!(hit.snippets.comments_matched, matching.len(), "{context}");
        assert_eq!(
            hit.snippets.comments.len(),
            matching.len().min(3),
            "{context}"
        );
        let quoted: Vec<usize> = hit
            .snippets
            .comments
            .iter()
            .map(|c| held(&stored.comments[c.number - 1]))
            .collect();
        assert!(
            quoted.windows(2).all(|w| w[0] >= w[1]),
            "{context}: comments holding more parts come first: {quoted:?}"
        );
        let numbers: Vec<usize> = hit.snippets.comments.iter().map(|c| c.number).collect();
        let best_left_out = matching
            .iter()
            .filter(|(n, _)| !numbers.contains(n))
            .map(|(_, held)| *held)
            .max()
            .unwrap_or(0);
        assert!(
            quoted.last().is_none_or(|&least| least >= best_left_out),
            "{context}: a comment holding more parts was left out"
        );
        for c in &hit.snippets.comments {
            assert_eq!(c.of, stored.comments.len(), "{context}");
            let comment = &stored.comments[c.number - 1];
            assert!(!c.snippet.highlights.is_empty(), "{context}");
            check_snippet(&c.snippet, comment, parts, &context);
        }
    }
}

#[test]
fn snippets_mark_query_terms() {
    use Part::*;
    check_snippets(q("storm"), &[Word("storm")], IN_ALL);
    check_snippets(q("storm surge"), &[Word("storm"), Word("surge")], IN_ALL);
    check_snippets(q("Banks").any(true), &[Word("bank")], IN_ALL);
    check_snippets(
        q("nobody OR elections"),
        &[Word("nobody"), Word("election")],
        IN_ALL,
    );
    check_snippets(q("bank*"), &[Prefix("bank")], IN_ALL);
    check_snippets(q("banki*"), &[Prefix("banki")], IN_ALL);
    check_snippets(
        q("elect* Achterberg"),
        &[Word("Achterberg"), Prefix("elect")],
        IN_ALL,
    );
    check_snippets(q("=elections"), &[Exact("elections")], IN_ALL);
    check_snippets(q("strom~1"), &[Fuzzy("strom", 1)], IN_ALL);
    check_snippets(q("\"São Paulo\""), &[Phrase("sao paulo")], IN_ALL);
    // Excluded words are not marked.
    check_snippets(q("storm -insurance"), &[Word("storm")], IN_ALL);
    // --in decides which text is marked.
    check_snippets(
        q("storm").search_in(SearchIn::Body),
        &[Word("storm")],
        IN_BODY,
    );
    check_snippets(
        q("storm OR nobody").search_in(SearchIn::Comments),
        &[Word("storm"), Word("nobody")],
        IN_COMMENTS,
    );
    check_snippets(q("comments:nobody"), &[Word("nobody")], &[F::Comments]);
    check_snippets(q("body:storm"), &[Word("storm")], &[F::Body]);
}

#[test]
fn phrases_are_marked_whole() {
    // "bank of america" used to bold every "of", and a fragment could cut
    // the phrase.
    use Part::*;
    for phrase in [
        "flood insurance",
        "storm surge",
        "the first time",
        "Norrland Savings",
        "Electoral Commission",
    ] {
        let query = format!("\"{phrase}\"");
        let part = [Phrase(phrase)];
        check_snippets(q(&query), &part, IN_ALL);
        // Every hit whose body holds the phrase quotes it in its fragment.
        for hit in search(&q(&query).page(ALL, 0)).hits {
            let body = hit.snippets.body.expect("a body");
            let stored = &fixture()
                .index
                .searcher()
                .expect("searcher")
                .get(&hit.id)
                .expect("get")[0];
            if part[0].held_by(&stored.body.join(" ")) {
                assert!(!body.highlights.is_empty(), "{query} {}", hit.id);
                for [s, e] in body.highlights {
                    assert_eq!(stems(&body.text[s..e]), stems(phrase), "{query} {}", hit.id);
                }
            }
        }
    }
    check_snippets(
        q("storm \"flood insurance\""),
        &[Word("storm"), Phrase("flood insurance")],
        IN_ALL,
    );
}

#[test]
fn a_long_thread_names_its_comments() {
    // 29 comments; the third matching one is quoted, the rest counted.
    let results = search(&q("storm surge").page(ALL, 0));
    let hit = results
        .hits
        .iter()
        .find(|h| h.id == "003_9c2e920cb43519b3")
        .expect("a hit");
    assert_eq!(hit.comment_count, 29);
    assert!(hit.snippets.comments_matched > 3);
    assert_eq!(hit.snippets.comments.len(), 3);
    assert!(hit.snippets.comments.iter().all(|c| c.of == 29));
}

#[test]
fn queries_without_words_quote_the_lede() {
    for request in [
        q("*"),
        q("-storm"),
        q("* -storm").source("Northgate Science Weekly"),
    ] {
        let results = search(&request.page(ALL, 0));
        for hit in &results.hits {
            let body = hit.snippets.body.as_ref().expect("a lede");
            assert!(body.highlights.is_empty());
            let stored = &fixture()
                .index
                .searcher()
                .expect("searcher")
                .get(&hit.id)
                .expect("get")[0];
            assert!(stored.body[0].starts_with(&body.text), "{}", hit.id);
            assert!(body.text.chars().count() <= newsidx::search::FRAGMENT_BYTES);
            assert!(hit.snippets.comments.is_empty());
            assert_eq!(hit.snippets.comments_matched, 0);
        }
    }
    let off = search(&q("storm").snippets(false));
    assert!(off.hits.iter().all(|h| h.snippets.body.is_none()
        && h.snippets.comments.is_empty()
        && h.snippets.comments_matched == 0));
}

// ---------------------------------------------------------------------------
// Facets and timelines.

/// What the facets and timeline of `request` must say, counted over its
/// hits.
struct Counted {
    sources: Vec<Count>,
    unknown_source: u64,
    years: Vec<Count>,
    months: BTreeMap<String, u64>,
    undated: u64,
}

fn count(request: &SearchRequest) -> Counted {
    let results = search(
        &request
            .clone()
            .facets(false, false)
            .timeline(None)
            .page(ALL, 0),
    );
    assert_eq!(results.total as usize, results.hits.len());
    let mut sources: BTreeMap<String, u64> = BTreeMap::new();
    let mut years: BTreeMap<String, u64> = BTreeMap::new();
    let mut months: BTreeMap<String, u64> = BTreeMap::new();
    let (mut unknown_source, mut undated) = (0, 0);
    for hit in &results.hits {
        match &hit.source {
            Some(s) => *sources.entry(s.clone()).or_default() += 1,
            None => unknown_source += 1,
        }
        match &hit.date {
            Some(d) => {
                *years.entry(d[..4].to_string()).or_default() += 1;
                *months.entry(d[..7].to_string()).or_default() += 1;
            }
            None => undated += 1,
        }
    }
    let mut sources: Vec<Count> = sources
        .into_iter()
        .map(|(value, count)| Count { value, count })
        .collect();
    sources.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    Counted {
        sources,
        unknown_source,
        years: years
            .into_iter()
            .map(|(value, count)| Count { value, count })
            .collect(),
        months,
        undated,
    }
}

fn check_counts(request: SearchRequest) {
    let expected = count(&request);
    let results = search(&request.clone().facets(true, true).page(3, 0));
    let facets = results.facets.expect("facets asked for");
    assert_eq!(
        facets.source.as_ref(),
        Some(&expected.sources),
        "{:?}",
        request.query
    );
    assert_eq!(facets.unknown_source, Some(expected.unknown_source));
    assert_eq!(facets.year.as_ref(), Some(&expected.years));
    assert_eq!(facets.undated, Some(expected.undated));
    let total: u64 =
        expected.sources.iter().map(|c| c.count).sum::<u64>() + expected.unknown_source;
    assert_eq!(total, results.total);

    // Only what is asked for.
    let sources_only = search(&request.clone().facets(true, false)).facets.unwrap();
    assert!(sources_only.year.is_none() && sources_only.undated.is_none());
    assert_eq!(sources_only.source, Some(expected.sources.clone()));
    let years_only = search(&request.clone().facets(false, true)).facets.unwrap();
    assert!(years_only.source.is_none() && years_only.unknown_source.is_none());
    assert!(search(&request).facets.is_none());
    assert!(search(&request).timeline.is_none());

    // Timelines: every period from the first to the last, gaps included.
    let by_year = search(&request.clone().timeline(Some(Period::Year)))
        .timeline
        .expect("timeline asked for");
    assert_eq!(by_year.period, Period::Year);
    assert_eq!(by_year.undated, expected.undated);
    let years: BTreeMap<i32, u64> = expected
        .years
        .iter()
        .map(|c| (c.value.parse().unwrap(), c.count))
        .collect();
    let first_year = request
        .from
        .map(|d| d.year())
        .or(years.keys().next().copied());
    let last_year = request
        .to
        .map(|d| d.year())
        .or(years.keys().next_back().copied());
    let want: Vec<Count> = match (first_year, last_year) {
        (Some(first), Some(last)) if !years.is_empty() => (first..=last)
            .map(|y| Count {
                value: y.to_string(),
                count: years.get(&y).copied().unwrap_or(0),
            })
            .collect(),
        _ => Vec::new(),
    };
    assert_eq!(by_year.buckets, want);

    let by_month = search(&request.clone().timeline(Some(Period::Month)))
        .timeline
        .expect("timeline asked for");
    assert_eq!(by_month.period, Period::Month);
    assert_eq!(by_month.undated, expected.undated);
    let mut want = Vec::new();
    let month_of = |d: Date| format!("{:04}-{:02}", d.year(), u8::from(d.month()));
    let first = request
        .from
        .map(month_of)
        .or(expected.months.keys().next().cloned());
    let last = request
        .to
        .map(month_of)
        .or(expected.months.keys().next_back().cloned());
    if let (Some(first), Some(last), false) = (first, last, expected.months.is_empty()) {
        let parse = |m: &str| -> (i32, u32) { (m[..4].parse().unwrap(), m[5..7].parse().unwrap()) };
        let (mut y, mut m) = parse(&first);
        let end = parse(&last);
        loop {
            let value = format!("{y:04}-{m:02}");
            let count = expected.months.get(&value).copied().unwrap_or(0);
            want.push(Count { value, count });
            if (y, m) == end {
                break;
            }
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
    }
    assert_eq!(by_month.buckets, want);
    let counted: u64 = by_month.buckets.iter().map(|c| c.count).sum::<u64>() + by_month.undated;
    assert_eq!(counted, results.total);
}

#[test]
fn facets_and_timelines_count_every_match() {
    check_counts(q("*"));
    check_counts(q("storm"));
    check_counts(q("Achterberg OR lighthouse"));
    check_counts(q("library"));
    check_counts(q("bank*").search_in(SearchIn::Comments));
    check_counts(
        q("*")
            .source("Marrowfield Courier, Inc.")
            .source("the marrowfield courier, inc."),
    );
    check_counts(dated("2011", "2013"));
}

#[test]
fn facets_of_the_whole_corpus() {
    let results = search(&q("*").facets(true, true).timeline(Some(Period::Year)));
    let facets = results.facets.unwrap();
    let sources: Vec<(String, u64)> = facets
        .source
        .unwrap()
        .into_iter()
        .map(|c| (c.value, c.count))
        .collect();
    // The README's table: most first, ties by name.
    let expected: Vec<(String, u64)> = [
        ("Harbor Valley Gazette Co.", 10),
        ("The Marrowfield Courier, Inc.", 10),
        ("Tri-County Business Ledger LLC", 12),
        ("Brisk River Sports Network", 9),
        ("Coastline Herald Media Group", 9),
        ("Kestrel Bay Evening Post Ltd.", 9),
        ("Wendmoor Daily Chronicle", 7),
        ("Ashgrove Public Radio Foundation", 7),
        ("Northgate Science Weekly", 6),
    ]
    .into_iter()
    .map(|(s, n)| (s.to_string(), n))
    .collect::<Vec<_>>();
    let mut expected = expected;
    expected.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    assert_eq!(sources, expected);
    assert_eq!(facets.unknown_source, Some(7));
    assert_eq!(facets.undated, Some(4));
    let timeline = results.timeline.unwrap();
    assert_eq!(timeline.buckets.first().unwrap().value, "1995");
    assert_eq!(timeline.buckets.last().unwrap().value, "2025");
    assert_eq!(timeline.buckets.len(), 31);
    assert_eq!(timeline.undated, 4);
}

#[test]
fn facets_of_no_hits_are_empty() {
    let results = search(&q("quokka").facets(true, true).timeline(Some(Period::Month)));
    assert_eq!(results.total, 0);
    let facets = results.facets.unwrap();
    assert_eq!(facets.source, Some(Vec::new()));
    assert_eq!(facets.year, Some(Vec::new()));
    assert_eq!((facets.unknown_source, facets.undated), (Some(0), Some(0)));
    let timeline = results.timeline.unwrap();
    assert!(timeline.buckets.is_empty());
    assert_eq!(timeline.undated, 0);
}

// ---------------------------------------------------------------------------
// Errors.

#[test]
fn malformed_queries_are_query_errors_with_a_column() {
    for (query, column) in [
        ("\"unclosed", 1),
        ("storm (surge", 7),
        ("storm AND", 10),
        ("storm)", 6),
        ("title:storm", 1),
        ("", 1),
        ("café \"x", 6),
    ] {
        match fixture().index.search(&q(query)) {
            Err(Error::Query(e)) => {
                assert_eq!(e.column, Some(column), "{query:?}: {e}");
                assert!(
                    e.to_string().contains(&format!("column {column}")),
                    "{query:?}: {e}"
                );
                assert_eq!(Error::Query(e).kind(), newsidx::ErrorKind::Usage);
            }
            other => panic!("{query:?}: expected a query error, got {other:?}"),
        }
    }
}

#[test]
fn queries_without_searchable_words_are_usage_errors() {
    // They used to answer "0 articles match".
    for query in [
        "-",
        "+",
        "\"\"",
        "!!!",
        "headline:\"...\"",
        "👍",
        "=",
        "- +",
    ] {
        match fixture().index.search(&q(query)) {
            Err(Error::Query(e)) => {
                assert!(e.message.contains("no searchable words"), "{query:?}: {e}");
                assert_eq!(Error::Query(e).kind(), newsidx::ErrorKind::Usage);
            }
            other => panic!("{query:?}: expected a usage error, got {other:?}"),
        }
    }
    // A clause without words among others drops out.
    assert_eq!(hit_set(q("storm +")), hit_set(q("storm")));
}

#[test]
fn slop_over_255_is_refused() {
    // tantivy's phrase scorer wraps a larger slop around and over-matches.
    match fixture().index.search(&q("\"storm surge insurance\"~300")) {
        Err(Error::Query(e)) => assert!(e.message.contains("0 to 255"), "{e}"),
        other => panic!("expected a query error, got {other:?}"),
    }
    let wide = hit_set(q("\"storm surge\"~255"));
    assert_eq!(wide, expect(|d| d.has_near(IN_ALL, "storm", "surge", 255)));
}

#[test]
fn with_any_and_binds_tighter_than_juxtaposition() {
    // `a AND b c` used to make `c` required too.
    let expected = telling(expect(|d| {
        (d.has(IN_ALL, "storm") && d.has(IN_ALL, "surge")) || d.has(IN_ALL, "comet")
    }));
    assert_hits(q("storm AND surge comet").any(true), &expected);
    assert_hits(q("comet storm AND surge").any(true), &expected);
    // Without --any everything is required, as before.
    let all = expect(|d| ["storm", "surge", "comet"].iter().all(|w| d.has(IN_ALL, w)));
    assert_hits(q("storm AND surge comet"), &all);
}

#[test]
fn with_any_stop_words_stay_when_nothing_else_is_searchable() {
    // `the "..."` used to drop `the` and find nothing.
    // Every article has `the`: the point is that they are found at all.
    let the = expect(|d| d.has(IN_ALL, "the"));
    assert_eq!(the.len(), articles());
    assert_hits(q("the \"...\"").any(true), &the);
    assert_hits(q("the !!!").any(true), &the);
    // With a content word, the stop word is left out.
    assert_hits(
        q("the comet").any(true),
        &telling(expect(|d| d.has(IN_ALL, "comet"))),
    );
}

// ---------------------------------------------------------------------------
// The JSON contract.

#[test]
fn json_output_follows_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema is a valid schema");
    let requests = [
        q("storm surge"),
        q("storm").facets(true, true).timeline(Some(Period::Month)),
        q("*")
            .facets(true, false)
            .timeline(Some(Period::Year))
            .page(ALL, 0),
        q("*")
            .facets(false, true)
            .sort(SortOrder::Newest)
            .page(ALL, 0),
        q("nobody OR please")
            .search_in(SearchIn::Comments)
            .page(ALL, 0),
        q("\"São Paulo\"").sort(SortOrder::Oldest),
        q("quokka").facets(true, true).timeline(Some(Period::Year)),
        q("bank*").page(5, 60),
        q("storm").snippets(false).page(0, 0),
        q("storm").timeline(Some(Period::Week)),
        q("storm").timeline(Some(Period::Day)).dates(
            Some(day("2011-09-01", DateEnd::Start)),
            Some(day("2011-10", DateEnd::End)),
        ),
        q("storm").source("gazette").unknown_source(true),
        q("nobody")
            .search_in(SearchIn::Comments)
            .comment_snippets(usize::MAX),
    ];
    for request in requests {
        let results = search(&request);
        let value = serde_json::to_value(&results).expect("results serialise");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{:?}: {errors:#?}", request.query);
    }
}

#[test]
fn the_schema_rejects_what_the_library_never_writes() {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let results = search(&q("storm").facets(true, true).timeline(Some(Period::Month)));
    let good = serde_json::to_value(&results).unwrap();
    assert!(validator.is_valid(&good));
    let broken: Vec<fn(&mut serde_json::Value)> = vec![
        |v| v["extra"] = 1.into(),
        |v| {
            v.as_object_mut().unwrap().remove("total");
        },
        |v| v["hits"][0]["date"] = "2019-1-01".into(),
        |v| v["hits"][0]["date"] = "yesterday".into(),
        |v| v["hits"][0]["colour"] = "red".into(),
        |v| {
            v["hits"][0].as_object_mut().unwrap().remove("snippets");
        },
        |v| v["hits"][0]["snippets"]["body"]["highlights"] = serde_json::json!([[1, 2, 3]]),
        |v| v["hits"][0]["comment_count"] = (-1).into(),
        |v| v["timeline"]["period"] = "fortnight".into(),
        |v| v["hits"][0]["snippets"]["body"]["cut_after"] = "yes".into(),
        |v| {
            v.as_object_mut().unwrap().remove("filters");
        },
        |v| v["filters"]["in"] = "headline".into(),
        |v| v["timeline"]["buckets"][0]["value"] = "2019".into(),
        |v| {
            v["facets"].as_object_mut().unwrap().remove("undated");
        },
    ];
    for (i, change) in broken.iter().enumerate() {
        let mut bad = good.clone();
        change(&mut bad);
        assert!(!validator.is_valid(&bad), "change {i} should be invalid");
    }
}

// ---------------------------------------------------------------------------
// Fuzzing the whole front end: arbitrary queries and filter values run
// against the real index, through prefix expansion, filters, sorting,
// snippets, facets and the timeline. Every request either succeeds or fails
// with a typed query error; nothing panics. NEWSIDX_PROPTEST_CASES sets the
// number of cases (default 500 here: each case is a real search).

mod front_end_fuzz {
    use super::*;
    use proptest::prelude::*;

    fn cases() -> u32 {
        std::env::var("NEWSIDX_PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(500)
    }

    /// Query text built from the language's pieces and the corpus's words,
    /// so that many cases parse and actually match.
    fn query() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "(storm|insurance|merger|achterberg|bank|flood|vote|the|of)",
            "[a-z]{1,3}\\*",
            "[a-zA-Zé0-9]{1,5}",
            Just(" AND ".to_string()),
            Just(" OR ".to_string()),
            Just(" NOT ".to_string()),
            "[-+()*\"~^:]{1,2}",
            "(headline|body|comments|source):",
            "~[0-9]{1,3}",
            "\\^[0-9]{1,2}",
            Just(" ".to_string()),
        ];
        prop::collection::vec(piece, 0..12).prop_map(|p| p.concat())
    }

    /// Date filter values: valid, partial, impossible and junk.
    fn date() -> impl Strategy<Value = Option<String>> {
        prop::option::of(prop_oneof![
            "(19|20)[0-9]{2}",
            "(19|20)[0-9]{2}-[0-9]{1,2}",
            "(19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}",
            ".{0,12}",
        ])
    }

    fn search_in() -> impl Strategy<Value = SearchIn> {
        prop_oneof![
            Just(SearchIn::All),
            Just(SearchIn::Body),
            Just(SearchIn::Comments)
        ]
    }

    fn sort() -> impl Strategy<Value = SortOrder> {
        prop_oneof![
            Just(SortOrder::Relevance),
            Just(SortOrder::Newest),
            Just(SortOrder::Oldest)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: cases(),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn any_request_succeeds_or_is_a_query_error(
            query in query(),
            from in date(),
            to in date(),
            sources in prop::collection::vec(".{0,20}", 0..3),
            search_in in search_in(),
            any in any::<bool>(),
            sort in sort(),
            limit in prop_oneof![0usize..20, Just(usize::MAX)],
            offset in prop_oneof![0usize..80, Just(usize::MAX)],
            facets in any::<(bool, bool)>(),
            month in any::<Option<bool>>(),
        ) {
            let from = match from.as_deref().map(|d| parse_date_filter(d, DateEnd::Start)) {
                Some(Err(_)) => return Ok(()),
                other => other.and_then(Result::ok),
            };
            let to = match to.as_deref().map(|d| parse_date_filter(d, DateEnd::End)) {
                Some(Err(_)) => return Ok(()),
                other => other.and_then(Result::ok),
            };
            let mut request = SearchRequest::new(query.clone())
                .dates(from, to)
                .search_in(search_in)
                .any(any)
                .sort(sort)
                .page(limit, offset)
                .facets(facets.0, facets.1)
                .timeline(month.map(|m| if m { Period::Month } else { Period::Year }));
            for source in &sources {
                request = request.source(source.clone());
            }
            match fixture().index.search(&request) {
                Ok(results) => {
                    prop_assert!(results.total as usize <= articles());
                    prop_assert!(results.hits.len() <= limit);
                    for hit in &results.hits {
                        for snippet in hit.snippets.body.iter()
                            .chain(hit.snippets.comments.iter().map(|c| &c.snippet))
                        {
                            for &[s, e] in &snippet.highlights {
                                prop_assert!(snippet.text.get(s..e).is_some());
                            }
                        }
                    }
                }
                Err(Error::Query(e)) => {
                    prop_assert!(!e.message.is_empty());
                }
                Err(other) => prop_assert!(false, "{query:?}: unexpected error {other}"),
            }
        }
    }
}

/// Excluding a phrase (tantivy's phrase scorer mishandled exclusion checks
/// behind its position: a panic in debug builds, wrong hits in release).
#[test]
fn excluding_a_phrase_removes_exactly_its_articles() {
    let ids = |query: &str| -> BTreeSet<String> {
        let results = fixture()
            .index
            .search(&SearchRequest::new(query).page(ALL, 0).collapse(false))
            .expect(query);
        assert_eq!(results.total as usize, results.hits.len());
        results.hits.into_iter().map(|h| h.id).collect()
    };
    let storm = ids("storm");
    let phrase = ids("storm \"flood insurance\"");
    assert!(!phrase.is_empty() && phrase.len() < storm.len());
    let expected: BTreeSet<String> = storm.difference(&phrase).cloned().collect();
    assert_eq!(ids("storm NOT \"flood insurance\""), expected);
    assert_eq!(ids("storm -\"flood insurance\""), expected);
    let all = ids("*");
    let not_phrase: BTreeSet<String> = all
        .difference(&ids("\"flood insurance\""))
        .cloned()
        .collect();
    assert_eq!(ids("NOT \"flood insurance\""), not_phrase);
}

// ---------------------------------------------------------------------------
// The comment a hit cites (issue 10): the one that matches best.

#[test]
fn the_cited_comment_is_the_one_that_matches_best() {
    // The sample corpus and one crafted article whose comment holding both
    // words comes after three that hold one.
    let dir = tempfile::Builder::new()
        .prefix("newsidx-search-crafted-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temporary folder");
    let archive_dir = dir.path().join("archive");
    common_copy(Path::new(CORPUS), &archive_dir);
    let comments = [
        "The lantern on the point was dark again last night.",
        "Nobody told the ferryman about the tide.",
        "Another lantern, another story from the harbour board.",
        "The ferryman lit the lantern himself when the board would not.",
        "Ask the ferryman, he knows.",
    ];
    std::fs::write(
        archive_dir.join("999_00000000000000aa.txt"),
        format!(
            " date 2024-02-02 The point light failed for a third night.\n© 2024 Crafted Tidings\nJoin the discussion\n{}",
            comments.join("\n")
        ),
    )
    .expect("write the crafted article");
    let index = Index::create(dir.path().join("index")).expect("create");
    index
        .index_dir(
            &archive_dir,
            &IndexOptions {
                commit_every: None,
                ..IndexOptions::default()
            },
        )
        .expect("index");
    let words = ["lantern", "ferryman"];
    let holds_all = |c: &str| {
        let s = stems(c);
        words.iter().all(|w| s.contains(&stem(w)))
    };
    for any in [false, true] {
        let results = index
            .search(
                &q("lantern ferryman")
                    .search_in(SearchIn::Comments)
                    .any(any)
                    .page(ALL, 0),
            )
            .expect("search");
        let hit = results
            .hits
            .iter()
            .find(|h| h.id == "999_00000000000000aa")
            .expect("the crafted article is a hit");
        let cited: Vec<usize> = hit.snippets.comments.iter().map(|c| c.number).collect();
        let best: Vec<usize> = (1..=comments.len())
            .filter(|&n| holds_all(comments[n - 1]))
            .collect();
        assert_eq!(best, [4]);
        assert_eq!(cited.first(), Some(&4), "--any {any}: {cited:?}");
        // Every matching comment still counts.
        assert_eq!(hit.snippets.comments_matched, 5, "--any {any}");
    }
}

/// Copies a folder tree.
fn common_copy(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("create folder");
    for entry in std::fs::read_dir(src).expect("read folder") {
        let entry = entry.expect("entry");
        let to = dst.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            common_copy(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
}

#[test]
fn facets_and_stats_count_articles_without_a_source_when_none_has_one() {
    // An index whose articles all lack a source: the facets and the
    // statistics (one counting routine) count them as unknown.
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("archive");
    std::fs::create_dir_all(&root).expect("mkdir");
    for (name, text) in [
        ("a.txt", " date 2020-01-01 Quarry workers met."),
        ("b.txt", " date 2020-02-01 Quarry owners met."),
    ] {
        std::fs::write(root.join(name), text).expect("write");
    }
    let index = Index::create(tmp.path().join("index")).expect("create");
    index
        .index_dir(&root, &IndexOptions::default())
        .expect("index");
    let results = index
        .search(&q("quarry").facets(true, true))
        .expect("search");
    let facets = results.facets.expect("facets");
    assert_eq!(facets.unknown_source, Some(2));
    assert_eq!(facets.source, Some(Vec::new()));
    let stats = index.searcher().expect("searcher").stats().expect("stats");
    assert_eq!(stats.unknown_source, 2);
}
