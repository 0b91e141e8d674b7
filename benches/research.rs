//! Research tools benchmark (issue 13): how good `similar` and "did you
//! mean" are, on real corpora.
//!
//! # What's measured
//!
//! * **similar** on Reuters-21578 (`../shared/corpora/reuters21578`, topic
//!   labels per article in its `metadata.tsv`; `reuters-topics.tsv` names
//!   the topics): for `NEWSIDX_BENCH_SIMILAR` (300) articles with at least
//!   one topic, drawn with a fixed seed, the share of the top 10 results
//!   that share a topic with the query article (a result without topics
//!   shares none), averaged over the articles; for `Searcher::similar` and
//!   for the baseline, the article's headline run as a query (its words as
//!   alternatives, the article itself left out). Target: similar >=
//!   baseline + 0.1.
//! * **did you mean** on TIME (`../shared/corpora/time`): words of the
//!   queries in `queries.tsv` (4 letters or more, not stop words, in the
//!   index), each misspelled by one or two random edits (insert, delete,
//!   replace, swap; seed fixed), `NEWSIDX_BENCH_MISSPELLINGS` (400) cases.
//!   Each is searched in its query (the other words as typed, words as
//!   alternatives, as `search --any`); a case is restored when the first
//!   suggestion puts the original word back. Misspellings that are words
//!   of the index themselves are counted apart. The false-suggestion rate is
//!   the share of the queries as written (and of their words alone) that
//!   get any suggestion; and, where Reuters-21578 is there, the share of
//!   its words (four letters or more) that TIME does not write but finds by
//!   their stem (`quotes` where `quoted` is written) that get one, and the
//!   share of `NEWSIDX_BENCH_RUNS` (1,000) runs of three to five consecutive
//!   Reuters words, each with hits in TIME, that get one. Targets:
//!   restored >= 90%, false suggestions 0.
//!
//! # Running
//!
//! ```text
//! cargo bench --bench research
//! ```
//!
//! Without the corpora it says so and skips (and fails with
//! `NEWSIDX_REQUIRE_CORPORA=1`). The indexes go to a temporary folder.
//! Settings: `NEWSIDX_BENCH_SEED` (13); `NEWSIDX_BENCH_PART` (`similar` or
//! `suggest`: only that half); `NEWSIDX_BENCH_SHOW_MISSES=1` prints every
//! misspelling not restored (typed, meant, first suggestion).

#[path = "common/util.rs"]
mod util;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use newsidx::search::{SearchIn, SearchRequest};
use newsidx::{Index, IndexOptions, Searcher};

fn main() {
    let seed = util::env_u64("NEWSIDX_BENCH_SEED", 13);
    let part = std::env::var("NEWSIDX_BENCH_PART").unwrap_or_default();
    if part != "suggest"
        && let Some(root) = corpus("reuters21578")
    {
        similar_bench(&root, seed);
    }
    if part != "similar"
        && let Some(root) = corpus("time")
    {
        suggest_bench(&root, seed);
    }
}

/// `../shared/corpora/NAME`, or `None` (said) when absent.
fn corpus(name: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(name);
    if root.join("articles").is_dir() {
        return Some(root);
    }
    if std::env::var_os("NEWSIDX_REQUIRE_CORPORA").is_some_and(|v| v == "1") {
        panic!("NEWSIDX_REQUIRE_CORPORA=1 but {} is absent", root.display());
    }
    println!("skipped: {} not found", root.display());
    None
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// An index of `root/articles` in a temporary folder.
fn index_of(root: &Path) -> (tempfile::TempDir, Searcher) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let index = Index::create(dir.path()).expect("create index");
    index
        .index_dir(root.join("articles"), &IndexOptions::default())
        .expect("index the corpus");
    let searcher = index.searcher().expect("searcher");
    (dir, searcher)
}

fn similar_bench(root: &Path, seed: u64) {
    let cases = util::env_u64("NEWSIDX_BENCH_SIMILAR", 300) as usize;
    let metadata = std::fs::read_to_string(root.join("metadata.tsv")).expect("metadata.tsv");
    let mut topics: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut lines = metadata.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let at = |name| header.iter().position(|h| *h == name).expect("column");
    let (id_col, topics_col) = (at("docid"), at("topics"));
    for line in lines {
        let cols: Vec<&str> = line.split('\t').collect();
        let set: BTreeSet<String> = cols
            .get(topics_col)
            .unwrap_or(&"")
            .split(',')
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect();
        topics.insert(cols[id_col].to_string(), set);
    }
    let (_dir, searcher) = index_of(root);
    let mut labelled: Vec<&String> = topics
        .iter()
        .filter(|(_, t)| !t.is_empty())
        .map(|(id, _)| id)
        .collect();
    labelled.sort();
    let mut rng = Rng(seed);
    let share = |query: &str, hits: &[String]| {
        let mine = &topics[query];
        let shared = hits
            .iter()
            .take(10)
            .filter(|h| topics.get(*h).is_some_and(|t| !t.is_disjoint(mine)))
            .count();
        shared as f64 / 10.0
    };
    let (mut similar_sum, mut baseline_sum, mut measured) = (0.0, 0.0, 0);
    for _ in 0..cases {
        let id = labelled[rng.below(labelled.len())].clone();
        let article = &searcher.get(&id).expect("get")[0];
        let request = SearchRequest::new("")
            .search_in(SearchIn::Body)
            .snippets(false);
        let similar: Vec<String> = searcher
            .similar(&id, &request)
            .expect("similar")
            .expect("the article exists")
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect();
        let words: Vec<&str> = article
            .headline
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let baseline: Vec<String> = if words.is_empty() {
            Vec::new()
        } else {
            let request = SearchRequest::new(words.join(" "))
                .any(true)
                .search_in(SearchIn::Body)
                .snippets(false)
                .page(11, 0);
            match searcher.search(&request) {
                Ok(r) => r
                    .hits
                    .into_iter()
                    .map(|h| h.id)
                    .filter(|h| *h != id)
                    .collect(),
                Err(_) => Vec::new(),
            }
        };
        if std::env::var_os("NEWSIDX_BENCH_SHOW_MISSES").is_some_and(|v| v == "1") {
            let topics_of = |h: &String| {
                topics
                    .get(h)
                    .map(|t| t.iter().cloned().collect::<Vec<_>>().join(","))
                    .unwrap_or_default()
            };
            println!(
                "SIMILAR {id} [{}] {:.1} {:.1} | {}",
                topics_of(&id),
                share(&id, &similar),
                share(&id, &baseline),
                similar
                    .iter()
                    .take(10)
                    .map(|h| format!("{h}[{}]", topics_of(h)))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        similar_sum += share(&id, &similar);
        baseline_sum += share(&id, &baseline);
        measured += 1;
    }
    let n = measured as f64;
    println!("\n## similar: Reuters-21578, share of the top 10 sharing a topic\n");
    println!("| method | articles | mean share@10 |");
    println!("|---|---|---|");
    println!(
        "| headline as a query (baseline) | {measured} | {:.3} |",
        baseline_sum / n
    );
    println!("| `similar` | {measured} | {:.3} |", similar_sum / n);
    println!(
        "\ndifference: {:+.3} (target >= +0.100), seed {seed}",
        (similar_sum - baseline_sum) / n
    );
}

/// Letters of the words of `text`, lowercased.
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The text of every Reuters-21578 article, in path order; none (said)
/// when the corpus is absent. Read once for the checks below.
fn reuters_texts() -> Vec<String> {
    let Some(reuters) = corpus("reuters21578") else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(reuters.join("articles"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .collect()
}

/// False suggestions for words that TIME does not write but whose stem it
/// holds (`quotes` where only `quoted` is written): each word of four
/// letters or more in the Reuters-21578 articles that is such a word, asked
/// alone. Reuters is edited copy, so these are (nearly all) spelled right:
/// a suggestion for one is a false one, unless the word is a slip in
/// Reuters itself (`NEWSIDX_BENCH_SHOW_MISSES=1` lists them to check).
fn unwritten_forms(
    reuters: &[String],
    searcher: &Searcher,
    in_index: &dyn Fn(&str) -> bool,
    ask: &dyn Fn(&str) -> newsidx::search::SearchResults,
) {
    let mut words: BTreeSet<String> = BTreeSet::new();
    for text in reuters {
        words.extend(
            words_of(text)
                .into_iter()
                .filter(|w| w.len() >= 4 && w.bytes().all(|b| b.is_ascii_lowercase())),
        );
    }
    let by_stem = |word: &str| {
        searcher
            .search(&SearchRequest::new(word).page(0, 0).snippets(false))
            .is_ok_and(|r| r.total > newsidx::search::RARE)
    };
    let unwritten: Vec<&String> = words
        .iter()
        .filter(|w| !in_index(w) && by_stem(w))
        .collect();
    let flagged: Vec<String> = unwritten
        .iter()
        .filter_map(|w| {
            let first = ask(w).suggestions.into_iter().next()?;
            Some(format!("{w}: {}", first.query))
        })
        .collect();
    println!(
        "\nfalse suggestions for words of Reuters that TIME does not write but finds by their stem: {} of {}",
        flagged.len(),
        unwritten.len()
    );
    if std::env::var_os("NEWSIDX_BENCH_SHOW_MISSES").is_some_and(|v| v == "1") {
        println!("{}", flagged.join("; "));
    }
}

/// False suggestions for words that have hits in TIME, in the company of
/// other such words: runs of three to five consecutive words of Reuters
/// sentences (four letters or more, not the bench's stop words, each with
/// hits in TIME, as written or by its stem), `NEWSIDX_BENCH_RUNS` (1,000)
/// drawn with the seed, each asked as a query. Reuters writes of other things
/// than TIME, so such words seldom stand together in TIME: the hardest case
/// for a correction weighed by the phrases a word makes with its
/// neighbours. A suggestion is a false one unless Reuters misspelled a word
/// (`NEWSIDX_BENCH_SHOW_MISSES=1` lists them to check).
fn written_runs(
    reuters: &[String],
    seed: u64,
    stop: &HashSet<&str>,
    in_index: &dyn Fn(&str) -> bool,
    ask: &dyn Fn(&str) -> newsidx::search::SearchResults,
) {
    if reuters.is_empty() {
        return;
    }
    let wanted = util::env_u64("NEWSIDX_BENCH_RUNS", 1000) as usize;
    let mut has_hits: HashMap<String, bool> = HashMap::new();
    let mut rng = Rng(seed ^ 0x5eed);
    let (mut asked, mut flagged) = (0, Vec::new());
    let mut tries = 0;
    while asked < wanted && tries < wanted * 500 {
        tries += 1;
        let text = &reuters[rng.below(reuters.len())];
        // The body: what follows the header's blank line.
        let body = text.split_once("\n\n").map_or(text.as_str(), |(_, b)| b);
        let sentences: Vec<&str> = body.split(['.', '\n']).collect();
        let sentence = sentences[rng.below(sentences.len())];
        let words: Vec<String> = sentence
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let len = 3 + rng.below(3);
        if words.len() < len {
            continue;
        }
        let start = rng.below(words.len() - len + 1);
        let run = &words[start..start + len];
        let fits = |w: &String| {
            w.len() >= 4 && w.chars().all(char::is_alphabetic) && !stop.contains(w.as_str())
        };
        if !run.iter().all(fits) {
            continue;
        }
        let all_found = run.iter().all(|w| {
            *has_hits
                .entry(w.clone())
                .or_insert_with(|| in_index(w) || ask(w).total > 0)
        });
        if !all_found {
            continue;
        }
        asked += 1;
        let query = run.join(" ");
        if let Some(first) = ask(&query).suggestions.into_iter().next() {
            flagged.push(format!("{query} -> {}", first.query));
        }
    }
    println!(
        "\nfalse suggestions for runs of Reuters words that all have hits in TIME: {} of {asked}",
        flagged.len()
    );
    if std::env::var_os("NEWSIDX_BENCH_SHOW_MISSES").is_some_and(|v| v == "1") {
        println!("{}", flagged.join("; "));
    }
}

/// `word` with one random edit.
fn edit(word: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    let letter = (b'a' + rng.below(26) as u8) as char;
    match rng.below(4) {
        0 => chars.insert(rng.below(chars.len() + 1), letter),
        1 if chars.len() > 1 => {
            chars.remove(rng.below(chars.len()));
        }
        2 if chars.len() > 1 => {
            let i = rng.below(chars.len() - 1);
            chars.swap(i, i + 1);
        }
        _ => {
            let i = rng.below(chars.len());
            chars[i] = letter;
        }
    }
    chars.into_iter().collect()
}

fn suggest_bench(root: &Path, seed: u64) {
    let cases = util::env_u64("NEWSIDX_BENCH_MISSPELLINGS", 400) as usize;
    let text = std::fs::read_to_string(root.join("queries.tsv")).expect("queries.tsv");
    let (_dir, searcher) = index_of(root);
    let in_index = |word: &str| {
        searcher
            .search(
                &SearchRequest::new(format!("={word}"))
                    .page(0, 0)
                    .snippets(false),
            )
            .is_ok_and(|r| r.total > 0)
    };
    let stop: HashSet<&str> = [
        "with", "from", "that", "this", "have", "were", "which", "their", "been", "what", "about",
        "between", "against", "into", "they", "them", "there", "other", "such", "after", "before",
        "during", "over", "under", "than", "will", "would", "should", "could", "being", "does",
        "made", "make", "most", "more", "some", "these", "those", "only", "also", "both", "each",
        "very", "where", "when", "while", "whom", "whose",
    ]
    .into();
    let queries: Vec<Vec<String>> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(_, q)| {
            words_of(q)
                .into_iter()
                .filter(|w| w.chars().count() >= 4 && !stop.contains(w.as_str()))
                .filter(|w| in_index(w))
                .collect::<Vec<_>>()
        })
        .filter(|q| !q.is_empty())
        .collect();
    let ask = |query: &str| {
        searcher
            .search(
                &SearchRequest::new(query)
                    .any(true)
                    .page(0, 0)
                    .snippets(false)
                    .suggest(true),
            )
            .expect("search")
    };
    // False suggestions: the queries as written, and each word alone.
    let mut false_queries = 0;
    let mut words_alone: BTreeSet<&String> = BTreeSet::new();
    for q in &queries {
        if !ask(&q.join(" ")).suggestions.is_empty() {
            false_queries += 1;
        }
        words_alone.extend(q);
    }
    let false_words: Vec<&String> = words_alone
        .iter()
        .copied()
        .filter(|w| !ask(w).suggestions.is_empty())
        .collect();
    let mut rng = Rng(seed);
    let (mut restored, mut real_words, mut none, mut wrong) = (0, 0, 0, 0);
    let mut by_edits = [[0usize; 2]; 3];
    let mut examples = Vec::new();
    let show_all = std::env::var_os("NEWSIDX_BENCH_SHOW_MISSES").is_some_and(|v| v == "1");
    let mut misses = Vec::new();
    for _ in 0..cases {
        let q = &queries[rng.below(queries.len())];
        let i = rng.below(q.len());
        let edits = 1 + rng.below(2);
        let mut typo = q[i].clone();
        while typo == q[i] {
            typo = (0..edits).fold(q[i].clone(), |w, _| edit(&w, &mut rng));
        }
        let mut typed = q.clone();
        typed[i] = typo.clone();
        let query = typed.join(" ");
        let start: usize = typed[..i].iter().map(|w| w.len() + 1).sum();
        let results = ask(&query);
        let first = results.suggestions.first();
        let fixed = first.and_then(|s| s.corrections.iter().find(|c| c.at[0] == start));
        by_edits[edits][1] += 1;
        if show_all && fixed.is_none_or(|c| c.replacement != q[i]) {
            misses.push(format!(
                "| {edits} | {typo} | {} | {} | {} | {} |",
                q[i],
                fixed.map_or("-", |c| c.replacement.as_str()),
                if in_index(&typo) { "yes" } else { "no" },
                query
            ));
        }
        match fixed {
            Some(c) if c.replacement == q[i] => {
                restored += 1;
                by_edits[edits][0] += 1;
            }
            _ if in_index(&typo) => real_words += 1,
            None => {
                none += 1;
                if examples.len() < 8 {
                    examples.push(format!("{typo} (for {}): none", q[i]));
                }
            }
            Some(c) => {
                wrong += 1;
                if examples.len() < 8 {
                    examples.push(format!("{typo} (for {}): {}", q[i], c.replacement));
                }
            }
        }
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!("\n## did you mean: TIME queries, one or two random edits\n");
    println!(
        "| cases | restored | 1 edit | 2 edits | misspelling is an indexed word | no suggestion | another word |"
    );
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| {cases} | {restored} ({:.1}%) | {}/{} ({:.1}%) | {}/{} ({:.1}%) | {real_words} | {none} | {wrong} |",
        pct(restored, cases),
        by_edits[1][0],
        by_edits[1][1],
        pct(by_edits[1][0], by_edits[1][1]),
        by_edits[2][0],
        by_edits[2][1],
        pct(by_edits[2][0], by_edits[2][1]),
    );
    println!(
        "\nrestored among misspellings that are not indexed words: {:.1}%",
        pct(restored, cases - real_words)
    );
    println!(
        "false suggestions: {false_queries} of {} queries as written, {} of {} words alone {:?}",
        queries.len(),
        false_words.len(),
        words_alone.len(),
        false_words
    );
    println!("seed {seed}; some misses: {}", examples.join("; "));
    let reuters = reuters_texts();
    unwritten_forms(&reuters, &searcher, &in_index, &ask);
    written_runs(&reuters, seed, &stop, &in_index, &ask);
    if show_all {
        println!("\n| edits | typed | meant | suggested | typed is indexed | query |");
        println!("|---|---|---|---|---|---|");
        for m in &misses {
            println!("{m}");
        }
    }
}
