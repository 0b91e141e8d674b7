//! The research tools (issue 13) through the library: spelling suggestions
//! ("did you mean") and related articles (`Searcher::similar`), on the
//! sample corpus. Words are found by a plain scan of the files (lowercase,
//! split on non-letters), not by the engine's analyzer.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use newsidx::Index;
use newsidx::search::{SearchRequest, SearchResults};

/// The sample corpus indexed in a temporary folder.
fn sample_index() -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let archive = common::copy_sample(dir.path());
    let index = Index::create(dir.path().join("index")).expect("create index");
    index
        .index_dir(&archive, &common::options(2))
        .expect("index the sample corpus");
    (dir, index)
}

/// Each word (lowercase letters) of the sample corpus's files, with the
/// number of files it is in.
fn scanned_words() -> BTreeMap<String, usize> {
    let mut files = Vec::new();
    common::scan::visible_txt_files(&common::sample_corpus(), &mut files);
    let mut df: BTreeMap<String, usize> = BTreeMap::new();
    for file in files {
        let text = String::from_utf8_lossy(&std::fs::read(&file).expect("read")).to_lowercase();
        let words: BTreeSet<&str> = text
            .split(|c: char| !c.is_ascii_lowercase())
            .filter(|w| !w.is_empty())
            .collect();
        for w in words {
            *df.entry(w.to_string()).or_default() += 1;
        }
    }
    df
}

fn suggest(index: &Index, query: &str) -> SearchResults {
    index
        .search(&SearchRequest::new(query).snippets(false).suggest(true))
        .expect("search")
}

#[test]
fn crafted_misspellings_are_corrected_with_their_hits() {
    let (_dir, index) = sample_index();
    let words = scanned_words();
    // Frequent words of 7 letters or more; the misspelling drops a middle
    // letter, and is taken only when no word of the files is spelled so.
    let mut tried = 0;
    for (word, _) in words.iter().filter(|(w, df)| w.len() >= 7 && **df >= 8) {
        let typo = format!("{}{}", &word[..3], &word[4..]);
        // A word of the files that the index sees (not only in a notice).
        if words.contains_key(&typo) || common::total(&index, &format!("={word}")) == 0 {
            continue;
        }
        // An unambiguous case: no other word of the files within two
        // edits of the misspelling is as close, or as frequent and within
        // two edits.
        let rival = words.iter().any(|(other, df)| {
            let edits = strsim::osa_distance(other, &typo);
            other != word && (edits <= 1 || (*df >= words[word] && edits <= 2))
        });
        if rival {
            continue;
        }
        let query = format!("{typo} OR zzzqx");
        let results = suggest(&index, &query);
        if results.total > 0 {
            // Its stem is a stem of the index (`busness`, `business`): it
            // finds articles, and is left alone.
            assert!(results.suggestions.is_empty(), "{typo}");
            continue;
        }
        tried += 1;
        let first = results
            .suggestions
            .first()
            .unwrap_or_else(|| panic!("no suggestion for {typo} (meant: {word})"));
        assert_eq!(first.query, format!("{word} OR zzzqx"), "{typo}");
        assert_eq!(first.corrections[0].at, [0, typo.len()]);
        assert_eq!(first.corrections[0].word_articles, 0);
        assert_eq!(first.total, common::total(&index, word), "{word}");
        assert!(first.total > 0);
    }
    assert!(tried >= 10, "only {tried} crafted misspellings");
}

#[test]
fn capitals_and_the_rest_of_the_query_are_kept() {
    let (_dir, index) = sample_index();
    let words = scanned_words();
    let (word, _) = words
        .iter()
        .filter(|(w, df)| w.len() >= 7 && **df >= 8)
        .find(|(w, _)| {
            !words.contains_key(&format!("{}{}", &w[..3], &w[4..]))
                && common::total(&index, &format!("={w}")) > 0
        })
        .expect("a frequent long word");
    let typo = format!("{}{}", &word[..3], &word[4..]);
    let mut capital = typo.clone();
    capital[..1].make_ascii_uppercase();
    let query = format!("+\"storm surge\" {capital}^2");
    let results = suggest(&index, &query);
    let mut fixed = word.clone();
    fixed[..1].make_ascii_uppercase();
    assert_eq!(
        results.suggestions[0].query,
        format!("+\"storm surge\" {fixed}^2")
    );
}

#[test]
fn correctly_spelled_words_with_hits_get_no_suggestion() {
    let (_dir, index) = sample_index();
    let mut checked = 0;
    for (i, (word, _)) in scanned_words().iter().enumerate() {
        if i % 5 != 0 || word.len() < 3 {
            continue;
        }
        let results = suggest(&index, word);
        if results.total == 0 {
            continue;
        }
        checked += 1;
        assert!(
            results.suggestions.is_empty(),
            "{word} ({} hits) got {:?}",
            results.total,
            results.suggestions
        );
    }
    assert!(checked >= 200, "only {checked} words checked");
}

#[test]
fn suggestions_are_off_unless_asked_and_quoted_words_are_left_alone() {
    let (_dir, index) = sample_index();
    let plain = index
        .search(&SearchRequest::new("harbr").snippets(false))
        .expect("search");
    assert!(plain.suggestions.is_empty());
    assert!(!suggest(&index, "harbr").suggestions.is_empty());
    for query in ["\"harbr\"", "=harbr", "harbr*", "harbr~1", "source:harbr"] {
        let results = index.search(&SearchRequest::new(query).snippets(false).suggest(true));
        if let Ok(results) = results {
            assert!(results.suggestions.is_empty(), "{query}");
        }
    }
}

#[test]
fn similar_never_returns_the_article_itself() {
    let (_dir, index) = sample_index();
    let searcher = index.searcher().expect("searcher");
    let all = common::all_hits(&index);
    let everything = SearchRequest::new("")
        .page(all.len() + 1, 0)
        .snippets(false);
    let mut related = 0;
    for hit in &all {
        let results = searcher
            .similar(&hit.path, &everything)
            .expect("similar")
            .expect("the article exists");
        assert!(
            results.hits.iter().all(|h| h.path != hit.path),
            "{} is similar to itself",
            hit.path
        );
        // Nor to its syndicated copies; the hits are each story once.
        assert!(
            results.hits.iter().all(|h| h.story != hit.story),
            "{} is similar to a copy of itself",
            hit.path
        );
        assert_eq!(results.stories as usize, results.hits.len());
        assert!(results.total < all.len() as u64);
        assert_eq!(results.query, format!("similar to {}", hit.id));
        related += usize::from(results.total > 0);
    }
    assert!(related * 2 > all.len(), "most articles have related ones");
}

#[test]
fn similar_applies_the_filters_and_names_missing_articles() {
    let (_dir, index) = sample_index();
    let searcher = index.searcher().expect("searcher");
    let storm = index
        .search(&SearchRequest::new("storm surge").snippets(false))
        .expect("search");
    let first = &storm.hits[0];
    let source = first.source.clone().expect("a source");
    let request = SearchRequest::new("")
        .source(&source)
        .page(100, 0)
        .snippets(false);
    let results = searcher
        .similar(&first.id, &request)
        .expect("similar")
        .expect("exists");
    assert!(results.total > 0);
    assert!(
        results
            .hits
            .iter()
            .all(|h| h.source.as_deref() == Some(source.as_str()))
    );
    assert!(
        searcher
            .similar("999_nosucharticle", &request)
            .expect("similar")
            .is_none()
    );
}

/// Per year, the files of the sample corpus that hold `word` (lowercase
/// letters, split on anything else), by a plain scan.
fn scanned_years_with(word: &str) -> BTreeMap<i32, u64> {
    let mut files = Vec::new();
    common::scan::visible_txt_files(&common::sample_corpus(), &mut files);
    let mut out = BTreeMap::new();
    for file in files {
        let text = String::from_utf8_lossy(&std::fs::read(&file).expect("read")).to_lowercase();
        let holds = text
            .split(|c: char| !c.is_ascii_lowercase())
            .any(|w| w == word);
        if let (true, Some(year)) = (holds, common::scan::year_of_file(&file)) {
            *out.entry(year).or_default() += 1;
        }
    }
    out
}

#[test]
fn timeline_shares_are_independent_counts_over_independent_totals() {
    let (_dir, index) = sample_index();
    let scan = common::sample_scan();
    let word = "storm";
    let matching = scanned_years_with(word);
    let request = SearchRequest::new(format!("={word}"))
        .snippets(false)
        .timeline(Some(newsidx::search::Period::Year))
        .timeline_share(true);
    let timeline = index
        .search(&request)
        .expect("search")
        .timeline
        .expect("a timeline");
    let totals = timeline.totals.expect("totals");
    assert_eq!(totals.len(), timeline.buckets.len());
    let mut compared = 0;
    for (bucket, total) in timeline.buckets.iter().zip(&totals) {
        let year: i32 = bucket.value.parse().expect("a year");
        let want_total = scan.per_year.get(&year).copied().unwrap_or(0);
        let want_count = matching.get(&year).copied().unwrap_or(0);
        assert_eq!(*total, want_total, "articles of {year}");
        assert_eq!(bucket.count, want_count, "articles of {year} with {word}");
        if want_total > 0 {
            let share = bucket.count as f64 / *total as f64;
            let want = want_count as f64 / want_total as f64;
            assert!((share - want).abs() < 1e-12, "{year}");
            compared += 1;
        }
    }
    assert!(compared >= 3, "only {compared} years compared");
    assert_eq!(timeline.undated_total, Some(scan.undated));
}

#[test]
fn timelines_by_source_add_up_and_match_a_source_filter() {
    let (_dir, index) = sample_index();
    let period = Some(newsidx::search::Period::Year);
    let request = SearchRequest::new("*")
        .snippets(false)
        .timeline(period)
        .timeline_share(true)
        .timeline_by_source(Some(2));
    let timeline = index
        .search(&request)
        .expect("search")
        .timeline
        .expect("a timeline");
    let lines = timeline.sources.as_ref().expect("source lines");
    assert_eq!(lines.len(), 2);
    let other = timeline.other_sources.as_ref().expect("other sources");
    let scan = common::sample_scan();
    let named = scan.sources.len() + usize::from(scan.unknown_source > 0);
    assert!(other.sources + 2 <= named);
    for (i, bucket) in timeline.buckets.iter().enumerate() {
        let sum: u64 = lines.iter().map(|l| l.counts[i]).sum::<u64>() + other.counts[i];
        assert_eq!(sum, bucket.count, "{}", bucket.value);
    }
    for line in lines {
        let Some(source) = &line.source else { continue };
        let alone = index
            .search(
                &SearchRequest::new("*")
                    .source(source)
                    .snippets(false)
                    .timeline(period),
            )
            .expect("search")
            .timeline
            .expect("a timeline");
        for bucket in &alone.buckets {
            let at = timeline
                .buckets
                .iter()
                .position(|b| b.value == bucket.value)
                .expect("same buckets");
            assert_eq!(line.counts[at], bucket.count, "{source} {}", bucket.value);
        }
        // `*` matches every article: a source's totals are its counts.
        assert_eq!(line.totals.as_ref(), Some(&line.counts));
    }
}

/// Byte offsets in the file of each whole word `word` (any case) before the
/// comments (`Join the discussion`), by a plain scan.
fn scanned_offsets(path: &std::path::Path, word: &str) -> Vec<usize> {
    let text = std::fs::read_to_string(path).expect("a UTF-8 article");
    let end = text
        .to_lowercase()
        .find("\njoin the discussion")
        .unwrap_or(text.len());
    let bytes = text.as_bytes();
    let letter = |i: usize| bytes.get(i).is_some_and(|b| b.is_ascii_alphabetic());
    let lower = text[..end].to_ascii_lowercase();
    lower
        .match_indices(word)
        .map(|(i, _)| i)
        .filter(|&i| (i == 0 || !letter(i - 1)) && !letter(i + word.len()))
        .collect()
}

#[test]
fn concordance_lines_are_every_occurrence_at_its_place_in_the_file() {
    use newsidx::search::{KwicRequest, KwicText};
    let (dir, index) = sample_index();
    let archive = dir.path().join("archive");
    let searcher = index.searcher().expect("searcher");
    let request = KwicRequest {
        search: SearchRequest::new("=storm"),
        width: 3,
        text: KwicText::Body,
    };
    let mut lines = Vec::new();
    let summary = searcher
        .kwic(&request, |line| lines.push(line))
        .expect("kwic");
    assert_eq!(summary.lines as usize, lines.len());
    // Each line, placed in its file through the stored body's paragraphs.
    let mut found: BTreeSet<(String, usize)> = BTreeSet::new();
    for line in &lines {
        assert_eq!(line.comment, None);
        let article = &searcher.get(&line.path).expect("get")[0];
        let body = article.body.join("\n");
        assert_eq!(&body[line.at[0]..line.at[1]], line.matched);
        assert!(line.matched.eq_ignore_ascii_case("storm"), "{line:?}");
        let words: Vec<&str> = body[..line.at[0]].split_whitespace().collect();
        assert_eq!(line.left, words[words.len().saturating_sub(3)..].join(" "));
        let (mut start, mut para) = (0, 0);
        while start + article.body[para].len() < line.at[0] {
            start += article.body[para].len() + 1;
            para += 1;
        }
        let file = std::fs::read_to_string(archive.join(&line.path)).expect("read");
        let para_at = file
            .find(&article.body[para])
            .expect("the paragraph is in the file");
        let at = para_at + line.at[0] - start;
        assert!(file[at..].to_ascii_lowercase().starts_with("storm"));
        assert!(found.insert((line.path.clone(), at)), "{line:?} twice");
    }
    // The same places, by a scan of the files.
    let mut files = Vec::new();
    common::scan::visible_txt_files(&archive, &mut files);
    let mut scanned = BTreeSet::new();
    for file in files {
        let Ok(rel) = file.strip_prefix(&archive) else {
            continue;
        };
        if std::fs::read_to_string(&file).is_err() {
            continue;
        }
        for at in scanned_offsets(&file, "storm") {
            scanned.insert((rel.to_string_lossy().replace('\\', "/"), at));
        }
    }
    assert!(scanned.len() >= 10, "{} occurrences", scanned.len());
    assert_eq!(found, scanned);
    assert_eq!(summary.articles_with_lines, {
        let paths: BTreeSet<&String> = found.iter().map(|(p, _)| p).collect();
        paths.len() as u64
    });
}

#[test]
fn concordance_of_comments_numbers_them_and_phrases_are_one_line() {
    use newsidx::search::{KwicRequest, KwicText};
    let (_dir, index) = sample_index();
    let searcher = index.searcher().expect("searcher");
    let request = KwicRequest {
        search: SearchRequest::new("\"storm surge\""),
        width: 2,
        text: KwicText::All,
    };
    let mut lines = Vec::new();
    searcher
        .kwic(&request, |line| lines.push(line))
        .expect("kwic");
    assert!(!lines.is_empty());
    for line in &lines {
        let article = &searcher.get(&line.path).expect("get")[0];
        let text = match line.comment {
            Some(n) => article.comments[n - 1].clone(),
            None => article.body.join("\n"),
        };
        let phrase = text[line.at[0]..line.at[1]].to_lowercase();
        let words: Vec<&str> = phrase
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(words.first().map(|w| &w[..5]), Some("storm"), "{line:?}");
        assert!(
            words.last().is_some_and(|w| w.starts_with("surg")),
            "{line:?}"
        );
    }
}

/// An index of a small invented archive: `articles` (file name, text) in
/// the archive format.
fn archive_index(articles: &[(String, String)]) -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let archive = dir.path().join("archive");
    std::fs::create_dir_all(&archive).expect("archive folder");
    for (name, text) in articles {
        std::fs::write(archive.join(name), text).expect("write article");
    }
    let index = Index::create(dir.path().join("index")).expect("create index");
    index
        .index_dir(&archive, &common::options(2))
        .expect("index the archive");
    (dir, index)
}

/// Six articles with `lighthouse keeper`; thirty with `keener` and
/// `lighthouse`, never near each other; eight with `took`; `to` in every
/// one.
fn keeper_archive() -> Vec<(String, String)> {
    let mut articles = Vec::new();
    for i in 0..6 {
        articles.push((
            format!("keeper{i}.txt"),
            format!(
                " date 2021-03-{:02} Night on the point\nThe lighthouse keeper climbed to the lamp room before dusk, log book number {i} in hand.",
                i + 1
            ),
        ));
    }
    for i in 0..30 {
        articles.push((
            format!("keener{i}.txt"),
            format!(
                " date 2021-04-{:02} Market day\nTraders grew keener to sell as the rain came in over stall {i}, far below the old lighthouse.",
                i % 28 + 1
            ),
        ));
    }
    for i in 0..8 {
        articles.push((
            format!("took{i}.txt"),
            format!(
                " date 2021-05-{:02} Ferry report\nThe crossing took an hour longer than planned on run {i}.",
                i + 1
            ),
        ));
    }
    articles
}

/// The replacement that the first suggestion puts for the word at `at`.
fn first_replacement(results: &SearchResults, at: usize) -> Option<String> {
    results
        .suggestions
        .first()?
        .corrections
        .iter()
        .find(|c| c.at[0] == at)
        .map(|c| c.replacement.clone())
}

#[test]
fn a_misspelling_is_corrected_by_its_neighbour_in_the_query() {
    let (_dir, index) = archive_index(&keeper_archive());
    // `keeber` is one edit from `keeper` and from `keener`, which is in
    // five times more articles: alone, the more frequent word is taken.
    let alone = suggest(&index, "keeber");
    assert_eq!(first_replacement(&alone, 0).as_deref(), Some("keener"));
    assert_eq!(alone.suggestions[0].total, 30);
    // Next to `lighthouse`, the word that stands next to it in the
    // articles wins, though `keener` shares more articles with it.
    let typed = "lighthouse keeber";
    let results = suggest(&index, typed);
    assert_eq!(results.total, 0);
    assert_eq!(
        first_replacement(&results, "lighthouse ".len()).as_deref(),
        Some("keeper")
    );
    assert_eq!(results.suggestions[0].query, "lighthouse keeper");
    assert_eq!(results.suggestions[0].total, 6);
    assert_eq!(
        results.suggestions[0].total,
        common::total(&index, "lighthouse keeper")
    );
    // The other way round as well.
    let results = suggest(&index, "keeber lighthouse");
    assert_eq!(first_replacement(&results, 0).as_deref(), Some("keeper"));
}

#[test]
fn a_function_word_between_does_not_hide_the_neighbour() {
    let (_dir, index) = archive_index(&keeper_archive());
    // The neighbour of `keeber` is `lighthouse`, past `to`: `keeper`, as
    // next to it; with `to` as the neighbour, no phrase would tell (`to`
    // comes after both spellings), and the more frequent `keener` would be
    // taken.
    let results = suggest(&index, "lighthouse to keeber");
    assert_eq!(
        first_replacement(&results, "lighthouse to ".len()).as_deref(),
        Some("keeper")
    );
}

#[test]
fn the_other_words_of_the_query_decide_between_equal_spellings() {
    // `keeper` and `keeler` are each in six articles and one wrong letter
    // from `keeber`; neither stands next to `dusk` or `lamp`. The other
    // words go with the lighthouse keeper's articles only.
    let mut articles: Vec<(String, String)> = keeper_archive()
        .into_iter()
        .filter(|(name, _)| name.starts_with("keeper"))
        .collect();
    for i in 0..6 {
        articles.push((
            format!("keeler{i}.txt"),
            format!(
                " date 2021-06-{:02} Regatta notes\nThe old keeler drifted past the jetty on tide {i}, full of nets.",
                i + 1
            ),
        ));
    }
    let (_dir, index) = archive_index(&articles);
    // As alternatives, so that both corrections find articles and the
    // ranking alone decides.
    let any = |query: &str| {
        index
            .search(
                &SearchRequest::new(query)
                    .any(true)
                    .snippets(false)
                    .suggest(true),
            )
            .expect("search")
    };
    let results = any("keeber dusk lamp");
    assert_eq!(first_replacement(&results, 0).as_deref(), Some("keeper"));
    let results = any("keeber jetty tide");
    assert_eq!(first_replacement(&results, 0).as_deref(), Some("keeler"));
}

#[test]
fn a_missing_two_letter_word_is_corrected_and_a_present_one_is_not() {
    let (_dir, index) = archive_index(&keeper_archive());
    // `tk` is in no article: `took`, next to `crossing`.
    let results = suggest(&index, "crossing tk");
    assert_eq!(
        first_replacement(&results, "crossing ".len()).as_deref(),
        Some("took")
    );
    // `in` is in the articles: left alone, however close to other words.
    let results = suggest(&index, "lighthouse in");
    assert!(results.suggestions.is_empty(), "{:?}", results.suggestions);
}

#[test]
fn a_missing_word_is_corrected_even_when_the_other_words_find_every_article() {
    let (_dir, index) = archive_index(&keeper_archive());
    // With alternatives, `lighthouse` alone finds every article that the
    // corrected query finds: the suggestion is still given.
    let results = index
        .search(
            &SearchRequest::new("lighthouse keeber")
                .any(true)
                .snippets(false)
                .suggest(true),
        )
        .expect("search");
    assert_eq!(results.total, 36);
    let first = results.suggestions.first().expect("a suggestion");
    assert_eq!(first.query, "lighthouse keeper");
    assert_eq!(first.total, 36);
    assert_eq!(first.corrections[0].word_articles, 0);
}

#[test]
fn short_function_words_are_never_suggested() {
    let (_dir, index) = archive_index(&keeper_archive());
    // `to` (in every article) and `tok` are one edit apart, `took` too.
    let results = suggest(&index, "tok");
    let replacements: Vec<String> = results
        .suggestions
        .iter()
        .flat_map(|s| s.corrections.iter().map(|c| c.replacement.clone()))
        .collect();
    assert_eq!(replacements.first().map(String::as_str), Some("took"));
    assert!(
        replacements.iter().all(|r| r.len() >= 3),
        "{replacements:?}"
    );
}

/// Four articles with `tower`, twelve with `other`, eight with `because`;
/// none has two of them.
fn tower_archive() -> Vec<(String, String)> {
    let mut articles = Vec::new();
    let mut add = |name: &str, n: usize, text: &str| {
        for i in 0..n {
            articles.push((
                format!("{name}{i}.txt"),
                format!(" date 2022-06-{:02} {text} (note {i}).", i + 1),
            ));
        }
    };
    add("tower", 4, "Gulls nested on the clock tower all summer");
    add("other", 12, "The ferry left for the other shore at noon");
    add("because", 8, "The market closed early because of the gale");
    articles
}

#[test]
fn a_swapped_letter_is_likelier_than_a_wrong_one() {
    let (_dir, index) = archive_index(&tower_archive());
    // `otwer` is `tower` with two letters swapped and `other` with one
    // letter wrong: one edit each, and `other` is in three times more
    // articles, but a swap is one of four slips in a five-letter word
    // while a wrong letter is also one of 26.
    assert_eq!(common::total(&index, "=tower"), 4);
    assert_eq!(common::total(&index, "=other"), 12);
    let results = suggest(&index, "otwer");
    assert_eq!(first_replacement(&results, 0).as_deref(), Some("tower"));
    assert_eq!(results.suggestions[0].total, 4);
    // A function word of five letters or more is suggested like any word,
    // two edits away too.
    let results = suggest(&index, "bcuase");
    assert_eq!(first_replacement(&results, 0).as_deref(), Some("because"));
}

#[test]
fn similar_ranks_by_its_scores_and_pages_them_consistently() {
    let (_dir, index) = sample_index();
    let searcher = index.searcher().expect("searcher");
    let all = common::all_hits(&index);
    let mut checked = 0;
    for hit in all.iter().step_by(7) {
        let first = searcher
            .similar(
                &hit.path,
                &SearchRequest::new("").page(10, 0).snippets(false),
            )
            .expect("similar")
            .expect("exists");
        if first.hits.len() < 6 {
            continue;
        }
        checked += 1;
        let scores: Vec<f32> = first
            .hits
            .iter()
            .map(|h| h.score.expect("ranked by relevance: a score"))
            .collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "{}: {scores:?}",
            hit.path
        );
        // A cosine: at most 1, and above 0 for an article that shares
        // words with this one.
        assert!(scores.iter().all(|s| *s <= 1.0 + 1e-4), "{scores:?}");
        assert!(scores[0] > 0.0);
        // The second page continues the first.
        let second = searcher
            .similar(
                &hit.path,
                &SearchRequest::new("").page(5, 5).snippets(false),
            )
            .expect("similar")
            .expect("exists");
        let ids = |r: &SearchResults| r.hits.iter().map(|h| h.path.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&second), ids(&first)[5..].to_vec(), "{}", hit.path);
        assert_eq!(second.total, first.total);
    }
    assert!(checked >= 3, "only {checked} articles with related ones");
}
