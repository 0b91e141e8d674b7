//! "Did you mean": spelling suggestions for the plain words of a query.
//!
//! A plain word (not quoted, not `=`, `*` or `~N`) is looked up as written
//! (lowercased, folded) in the unstemmed term dictionaries of the fields it
//! searches (`body_words`, ...), and by its stem in the stemmed ones: its
//! articles are the most found either way in one field. The spellings
//! within [`MAX_EDITS`] edits of it (a Levenshtein automaton over the term
//! dictionary, transpositions counting one edit) are its candidates, but
//! not words under three letters, nor function words under five letters.
//! They are ranked as a noisy channel would:
//!
//! * how often the candidate is written (its articles, in the unstemmed
//!   field) times how likely the word as typed is as a slip of it
//!   (`typo_cost`: a missing or swapped letter is likelier than a given
//!   wrong or extra one, one slip much likelier than two);
//! * in a query of several words, the context: the phrases a candidate
//!   makes with its neighbours (the nearest words on either side that are
//!   not function words), and how much more often than by chance it shares
//!   articles with the other words (see `in_context`).
//!
//! A word is corrected when it is in no article, or when it is very rare
//! ([`RARE`] articles at most) and a close spelling is [`RATIO`] times more
//! frequent. A word that is in the index and not rare is never corrected,
//! nor is one whose stem is (`quotes` finds `quoted`), so a misspelling that
//! stems like the meant word (`meeteing`) is left alone. A word of two
//! letters is corrected only when it is in no article (`ws germany`).
//!
//! The suggestion is the query with each such word replaced, and its number
//! of hits. When the words are required, it is given only when it finds
//! more articles than the query as typed, or as many when every corrected
//! word was in no article; when they are alternatives (`--any`), whenever
//! it finds any (the other words may find more articles than a corrected
//! word adds or takes away).

use std::collections::HashMap;

use serde::Serialize;
use tantivy::Term;
use tantivy::schema::Field;

use super::SearchRequest;
use crate::analysis::{self, WordStemmer};
use crate::error::Result;
use crate::query::build::SearchIn;
use crate::query::{self, QueryBuilder};
use crate::searcher::Searcher;

/// Most edits between a word and a suggested spelling.
pub const MAX_EDITS: u8 = 2;
/// Most articles a word may be in and still be corrected (0: only missing
/// words would be).
pub const RARE: u64 = 1;
/// How many times more articles a spelling must be in than a rare word to
/// be suggested in its place.
pub const RATIO: u64 = 500;
/// Most suggestions given for one query.
pub const MAX_SUGGESTIONS: usize = 3;

/// A corrected query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The query with its corrected words replaced.
    pub query: String,
    /// Articles that the corrected query matches (with the same filters).
    pub total: u64,
    /// The words replaced.
    pub corrections: Vec<Correction>,
}

/// One word replaced in a [`Suggestion`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Correction {
    /// The word as typed.
    pub word: String,
    /// Byte range `[start, end)` of the word in the query as typed.
    pub at: [usize; 2],
    /// The spelling put in its place (as the index holds it: lowercase).
    pub replacement: String,
    /// Articles holding the word as typed (or its stem), in the field it
    /// searches that has it most.
    pub word_articles: u64,
    /// Articles holding the replacement, in the same fields.
    pub replacement_articles: u64,
}

/// The suggestions for `request`, whose query matched `typed_total`
/// articles; `run` counts the hits of a corrected request.
pub(crate) fn suggestions(
    searcher: &Searcher,
    request: &SearchRequest,
    typed_total: u64,
    run: impl Fn(&SearchRequest) -> Result<u64>,
) -> Result<Vec<Suggestion>> {
    let words = query::plain_words(&request.query)?;
    let folded: Vec<String> = words
        .iter()
        .map(|(_, f, t)| analysis::fold(&request.query[*f..*t]))
        .collect();
    // The other words' articles (with the request's filters), counted once
    // for the whole query and only when a word has candidates.
    let mut others_articles: Option<Vec<u64>> = None;
    // Per word: its candidates, best first.
    let mut choices: Vec<(Correction, Vec<(String, u64)>)> = Vec::new();
    for (k, (field, from, to)) in words.iter().enumerate() {
        let typed = &request.query[*from..*to];
        let fields = word_fields(searcher, field.as_deref(), request.search_in);
        let Some((word_articles, ranked)) = candidates(searcher, &fields, typed)? else {
            continue;
        };
        let articles = match &others_articles {
            Some(articles) => articles,
            None => others_articles.insert(
                folded
                    .iter()
                    .map(|w| match context_word(w) {
                        true => count(&run, request, w.clone()),
                        false => Ok(0),
                    })
                    .collect::<Result<_>>()?,
            ),
        };
        // The nearest word on each side that says something: function
        // words are skipped (a phrase with `of` or `the` tells little and
        // costs much), and stand within the phrase's slop.
        let neighbour = |mut side: Box<dyn Iterator<Item = usize>>| {
            side.find(|&j| context_word(&folded[j]))
                .map(|j| (folded[j].clone(), articles[j]))
        };
        let context = Context {
            left: neighbour(Box::new((0..k).rev())),
            right: neighbour(Box::new(k + 1..folded.len())),
            others: nearest_others(&folded, k)
                .into_iter()
                .filter(|&j| articles[j] > 0)
                .map(|j| (folded[j].clone(), articles[j]))
                .collect(),
            documents: searcher.documents(),
        };
        let candidates = in_context(ranked, &context, request, &run)?;
        if let Some((best, best_articles)) = candidates.first().cloned() {
            choices.push((
                Correction {
                    word: typed.to_string(),
                    at: [*from, *to],
                    replacement: best,
                    word_articles,
                    replacement_articles: best_articles,
                },
                candidates,
            ));
        }
    }
    if choices.is_empty() {
        return Ok(Vec::new());
    }
    let mut out: Vec<Suggestion> = Vec::new();
    for rank in 0..MAX_SUGGESTIONS {
        let corrections: Vec<Correction> = choices
            .iter()
            .map(|(first, all)| {
                let (replacement, articles) = all.get(rank).unwrap_or(&all[0]).clone();
                Correction {
                    replacement,
                    replacement_articles: articles,
                    ..first.clone()
                }
            })
            .collect();
        let corrected = rewrite(&request.query, &corrections);
        if out.iter().any(|s| s.query == corrected) {
            continue;
        }
        let total = run(&SearchRequest {
            query: corrected.clone(),
            ..request.clone()
        })?;
        // When the words are alternatives (`--any`), the other words may
        // find more articles than the corrected word adds or takes away:
        // the ranking alone decides. Otherwise the correction must find more
        // articles, or as many when every corrected word was in no article
        // (a word that is optional may add none).
        let missing = corrections.iter().all(|c| c.word_articles == 0);
        let offered = match request.any {
            true => total > 0,
            false => total > typed_total || (missing && total > 0 && total == typed_total),
        };
        if offered {
            out.push(Suggestion {
                query: corrected,
                total,
                corrections,
            });
        }
    }
    Ok(out)
}

/// Articles of `query` with the filters of `request`, all its words
/// required.
fn count(
    run: &impl Fn(&SearchRequest) -> Result<u64>,
    request: &SearchRequest,
    query: String,
) -> Result<u64> {
    run(&SearchRequest {
        query,
        any: false,
        ..request.clone()
    })
}

/// Whether a query word (folded) can be part of a candidate's context: a
/// word of letters, three at least, not a function word.
fn context_word(word: &str) -> bool {
    word.chars().count() >= 3
        && word.chars().all(char::is_alphabetic)
        && !analysis::is_stop_word(word)
}

/// Most other query words whose articles a candidate's are compared with,
/// the nearest in the query first.
const MAX_OTHERS: usize = 10;

/// The positions of the other query words that can be context, nearest to
/// `k` first (at most [`MAX_OTHERS`]).
fn nearest_others(words: &[String], k: usize) -> Vec<usize> {
    let mut others: Vec<usize> = (0..words.len())
        .filter(|&j| j != k && context_word(&words[j]))
        .collect();
    others.sort_by_key(|&j| (j.abs_diff(k), j));
    others.truncate(MAX_OTHERS);
    others
}

/// The fields a plain word searches: (stemmed, as written).
fn word_fields(
    searcher: &Searcher,
    field: Option<&str>,
    search_in: SearchIn,
) -> Vec<(Field, Field)> {
    let f = searcher.fields();
    let headline = (f.headline, f.headline_words);
    let body = (f.body, f.body_words);
    let comments = (f.comments, f.comments_words);
    match (field, search_in) {
        (Some("headline"), _) => vec![headline],
        (Some("body"), _) => vec![body],
        (Some("comments"), _) => vec![comments],
        (Some(_), _) => Vec::new(),
        (None, SearchIn::Body) => vec![headline, body],
        (None, SearchIn::Comments) => vec![comments],
        (None, SearchIn::All) => vec![headline, body, comments],
    }
}

/// When `typed` should be corrected: the articles that hold it, and the
/// spellings to put in its place, best first by their score alone; `None`
/// otherwise.
fn candidates(
    searcher: &Searcher,
    fields: &[(Field, Field)],
    typed: &str,
) -> Result<Option<(u64, Vec<Candidate>)>> {
    let word = analysis::fold(typed);
    // A word of several tokens (`U.S.`), with digits (years, figures), or
    // of one letter, is left alone.
    let letters = word.chars().count();
    if fields.is_empty() || letters < 2 || !word.chars().all(char::is_alphabetic) {
        return Ok(None);
    }
    let engine = searcher.tantivy();
    // Articles: the most in any one field (a sum would count an article
    // once per field), as written or by its stem (`quotes` is not written
    // anywhere, but finds `quoted`: it is spelled right).
    let stem = WordStemmer::default().stem(&word);
    let mut articles = 0;
    for &(stemmed, words) in fields {
        for term in [
            Term::from_field_text(words, &word),
            Term::from_field_text(stemmed, &stem),
        ] {
            let df = engine
                .doc_freq(&term)
                .map_err(|e| searcher.engine_error(e))?;
            articles = articles.max(df);
        }
    }
    // Two letters have too many neighbours to weigh against a word that is
    // there (`un`, `eu`): only a missing one is corrected.
    if articles > RARE || (letters < 3 && (articles > 0 || analysis::is_stop_word(&word))) {
        return Ok(None);
    }
    let builder = QueryBuilder::new(engine, searcher.fields());
    let mut freq: HashMap<String, u64> = HashMap::new();
    for &(_, field) in fields {
        for (term, df) in builder.expand_fuzzy(field, &word, MAX_EDITS) {
            let most = freq.entry(term).or_default();
            *most = (*most).max(df);
        }
    }
    let floor = match articles {
        0 => 1,
        n => n.saturating_mul(RATIO),
    };
    let mut ranked: Vec<Candidate> = freq
        .into_iter()
        .filter(|(term, df)| *term != word && *df >= floor)
        .filter(|(term, _)| suggestable(term))
        .map(|(term, df)| Candidate {
            score: (df as f64).ln() - typo_cost(&term, &word),
            term,
            articles: df,
        })
        .collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.term.cmp(&b.term)));
    if ranked.is_empty() {
        return Ok(None);
    }
    Ok(Some((articles, ranked)))
}

/// Whether a word of the index may be put in place of a misspelling: not
/// a word under three letters, nor a function word under five (`tok`: `to`,
/// `heas`: `has`, `chae`: `the`, `fro`: `from`), which are close to too
/// many misspellings and change little in a search; `aganst` is `against`,
/// `bxcause` is `because`.
fn suggestable(term: &str) -> bool {
    let letters = term.chars().count();
    letters >= 3 && (letters >= 5 || !analysis::is_stop_word(term))
}

/// A spelling within [`MAX_EDITS`] of a word, with its score alone: the
/// logarithm of its articles (how likely it is to be meant) less
/// [`typo_cost`] (how unlikely it is to be typed so).
#[derive(Debug, Clone)]
struct Candidate {
    term: String,
    articles: u64,
    score: f64,
}

/// `-ln P(typed | meant)` for a typist who makes each slip by picking one
/// of four kinds (leave a letter out, swap two, type a wrong one, add
/// one) and a place in the word; a wrong or extra letter is moreover one
/// of 26. So a missing or swapped letter (`goverment`, `nuclaer`) is 26
/// times likelier than a given wrong or extra one, and each slip costs
/// more in a longer word (it had more places to happen). The cheapest
/// alignment counts (an optimal string alignment, as the automaton's
/// distance is, transpositions counting one edit); more edits cost the
/// sum of theirs, so one slip beats two unless frequency or context
/// outweigh it. Chosen on misspelled TIME query words (seeds 13 and 7,
/// 800 cases): with the phrases of [`in_context`], this restored 705
/// where fewer edits first restored 664, and 649 with every slip alike
/// (`benches/README.md`).
fn typo_cost(meant: &str, typed: &str) -> f64 {
    let m: Vec<char> = meant.chars().collect();
    let t: Vec<char> = typed.chars().collect();
    let places = m.len().max(1) as f64;
    let letter = (LETTERS as f64).ln();
    let missing = (4.0 * places).ln();
    let swapped = (4.0 * (places - 1.0).max(1.0)).ln();
    let wrong = (4.0 * places).ln() + letter;
    let extra = (4.0 * (places + 1.0)).ln() + letter;
    // d[i][j]: the cheapest way from meant[..i] to typed[..j].
    let mut d = vec![vec![f64::INFINITY; t.len() + 1]; m.len() + 1];
    d[0][0] = 0.0;
    for i in 0..=m.len() {
        for j in 0..=t.len() {
            let mut best = d[i][j];
            if i > 0 {
                best = best.min(d[i - 1][j] + missing);
            }
            if j > 0 {
                best = best.min(d[i][j - 1] + extra);
            }
            if i > 0 && j > 0 {
                let same = m[i - 1] == t[j - 1];
                best = best.min(d[i - 1][j - 1] + if same { 0.0 } else { wrong });
            }
            if i > 1
                && j > 1
                && m[i - 1] == t[j - 2]
                && m[i - 2] == t[j - 1]
                && m[i - 1] != m[i - 2]
            {
                best = best.min(d[i - 2][j - 2] + swapped);
            }
            d[i][j] = best;
        }
    }
    d[m.len()][t.len()]
}

/// Letters a wrong or extra letter is drawn from, in [`typo_cost`].
const LETTERS: u32 = 26;

/// What a candidate is weighed against in the query: the words on either
/// side of the word being corrected and the other words nearest to it
/// (folded), each with its articles (with the request's filters).
struct Context {
    left: Option<(String, u64)>,
    right: Option<(String, u64)>,
    others: Vec<(String, u64)>,
    /// Articles in the index.
    documents: u64,
}

impl Context {
    fn is_empty(&self) -> bool {
        self.left.is_none() && self.right.is_none() && self.others.is_empty()
    }
}

/// Weight of the logarithm of `1 +` the articles where a candidate stands
/// next to a neighbouring query word (within [`NEIGHBOUR_SLOP`]), for
/// each neighbour, against the logarithm of its articles and
/// [`typo_cost`].
const NEIGHBOUR_WEIGHT: f64 = 2.0;

/// Slop of the phrase a candidate makes with a neighbouring query word:
/// words left out of a query (`of`, `the`) may stand between them.
const NEIGHBOUR_SLOP: u32 = 3;

/// Weight of the pointwise mutual information of a candidate and each
/// other query word (see [`in_context`]).
const COOCCURRENCE_WEIGHT: f64 = 0.1;

/// Most candidates of a word weighed in the context of the query.
const IN_CONTEXT: usize = 20;

/// The candidates, best first.
///
/// Alone in the query, by their score alone ([`Candidate`]). With other
/// words, the first [`IN_CONTEXT`] by
///
/// ```text
/// score + NEIGHBOUR_WEIGHT  * sum over neighbours n  of ln(1 + phrase(c, n))
///       + COOCCURRENCE_WEIGHT * sum over other words w of ln((both(c, w) + 1/2) N
///                                                     / ((articles(c) + 1/2) (articles(w) + 1/2)))
/// ```
///
/// where `phrase(c, n)` counts the articles with the candidate written
/// next to the neighbour (`="prime minister"~3` tells `prime` from `time`
/// next to `minister`; `="west germany"` tells `germany` from `german`),
/// `both(c, w)` the articles with both, and `N` the articles of the index:
/// a candidate that goes with the rest of the query more often than chance
/// would have it gains, one that never does loses. On misspelled TIME
/// query words (seeds 13 and 7), phrases with the neighbours lifted the
/// share restored from 84% to 88%, the other words another point (see
/// `benches/README.md`).
fn in_context(
    mut ranked: Vec<Candidate>,
    context: &Context,
    request: &SearchRequest,
    run: &impl Fn(&SearchRequest) -> Result<u64>,
) -> Result<Vec<(String, u64)>> {
    let weigh = |term: &str, articles: u64| -> Result<f64> {
        let mut score = 0.0;
        for (word, left) in [(&context.left, true), (&context.right, false)] {
            let Some((word, _)) = word else { continue };
            let phrase = match left {
                true => format!("=\"{word} {term}\"~{NEIGHBOUR_SLOP}"),
                false => format!("=\"{term} {word}\"~{NEIGHBOUR_SLOP}"),
            };
            let together = count(run, request, phrase)?;
            score += NEIGHBOUR_WEIGHT * (1.0 + together as f64).ln();
        }
        for (word, word_articles) in &context.others {
            let both = count(run, request, format!("={term} {word}"))?;
            score += COOCCURRENCE_WEIGHT * pmi(both, articles, *word_articles, context.documents);
        }
        Ok(score)
    };
    // The most the context can add to a candidate: a phrase with each
    // neighbour in every article of the rarer of the two, and as many
    // articles shared with each other word (about: a candidate's articles
    // are those of the field that has it most).
    let most = |articles: u64| -> f64 {
        let phrases = [&context.left, &context.right]
            .into_iter()
            .flatten()
            .map(|(_, n)| NEIGHBOUR_WEIGHT * (1.0 + articles.min(*n) as f64).ln());
        let others = context.others.iter().map(|(_, n)| {
            COOCCURRENCE_WEIGHT * pmi(articles.min(*n), articles, *n, context.documents)
        });
        phrases.chain(others).sum()
    };
    if context.is_empty() || ranked.len() < 2 {
        return Ok(ranked.into_iter().map(|c| (c.term, c.articles)).collect());
    }
    ranked.truncate(IN_CONTEXT);
    // In the order of their score alone, a candidate that cannot overtake
    // the best weighed so far is not weighed (it keeps its place after the
    // weighed ones): the first is the same as if all were, for a fraction
    // of the counts.
    let (mut weighed, mut rest) = (Vec::new(), Vec::new());
    let mut best = f64::NEG_INFINITY;
    for mut c in ranked {
        if c.score + most(c.articles) <= best {
            rest.push(c);
            continue;
        }
        c.score += weigh(&c.term, c.articles)?;
        best = best.max(c.score);
        weighed.push(c);
    }
    weighed.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.term.cmp(&b.term)));
    Ok(weighed
        .into_iter()
        .chain(rest)
        .map(|c| (c.term, c.articles))
        .collect())
}

/// Pointwise mutual information of two words in `n` articles, from the
/// articles with both and with each (smoothed by a half article).
fn pmi(both: u64, a: u64, b: u64, n: u64) -> f64 {
    let h = |x: u64| x as f64 + 0.5;
    (h(both) * n.max(1) as f64 / (h(a) * h(b))).ln()
}

/// `query` with each correction's range replaced; a word typed with a
/// capital keeps it.
fn rewrite(query: &str, corrections: &[Correction]) -> String {
    let mut out = String::with_capacity(query.len());
    let mut last = 0;
    for c in corrections {
        out.push_str(&query[last..c.at[0]]);
        let capital = c.word.chars().next().is_some_and(char::is_uppercase);
        if capital {
            let mut chars = c.replacement.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(&c.replacement);
        }
        last = c.at[1];
    }
    out.push_str(&query[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrite_replaces_ranges_and_keeps_capitals() {
        let c = |word: &str, at, replacement: &str| Correction {
            word: word.into(),
            at,
            replacement: replacement.into(),
            word_articles: 0,
            replacement_articles: 1,
        };
        assert_eq!(
            rewrite(
                "Harbur AND bridg^2",
                &[
                    c("Harbur", [0, 6], "harbour"),
                    c("bridg", [11, 16], "bridge")
                ]
            ),
            "Harbour AND bridge^2"
        );
    }

    #[test]
    fn typo_cost_prefers_one_slip_and_missing_or_swapped_letters() {
        assert_eq!(typo_cost("nuclear", "nuclear"), 0.0);
        // One slip of each kind: a missing or swapped letter is likelier
        // than a wrong or an extra one.
        let missing = typo_cost("nuclear", "nuclar");
        let swapped = typo_cost("nuclear", "nuclaer");
        let wrong = typo_cost("nuclear", "nuclbar");
        let extra = typo_cost("nuclear", "nuclebar");
        assert!(
            missing < wrong && missing < extra,
            "{missing} {wrong} {extra}"
        );
        assert!(
            swapped < wrong && swapped < extra,
            "{swapped} {wrong} {extra}"
        );
        // Two slips cost more than either alone.
        let both = typo_cost("nuclear", "nucaer");
        assert!(both > missing && both > swapped, "{both}");
        // `forcse` is `forces` with two letters swapped, `force` with an
        // extra letter: the swap is the likelier slip.
        assert!(typo_cost("forces", "forcse") < typo_cost("force", "forcse"));
        // The same slip costs more in a longer word (more places for it).
        assert!(typo_cost("sent", "snt") < typo_cost("seeking", "seekng"));
    }

    #[test]
    fn pmi_is_above_zero_for_words_that_go_together_and_below_for_apart() {
        // 10 of 1,000 articles each, together in all 10; 100 each, where
        // chance would put 10 together, in none.
        assert!(pmi(10, 10, 10, 1000) > 3.0);
        assert!(pmi(0, 100, 100, 1000) < -2.0);
        // Independent words: about as often together as chance has it.
        assert!(pmi(10, 100, 100, 1000).abs() < 0.1);
    }

    #[test]
    fn nearest_others_skip_function_words_and_start_next_to_the_word() {
        let words: Vec<String> = ["storm", "of", "harbour", "x", "ferry", "tides"]
            .map(String::from)
            .to_vec();
        assert_eq!(nearest_others(&words, 2), vec![0, 4, 5]);
        assert_eq!(nearest_others(&words, 5), vec![4, 2, 0]);
    }

    #[test]
    fn short_function_words_are_not_suggestable() {
        assert!(!suggestable("the"));
        assert!(!suggestable("from"));
        assert!(!suggestable("it"));
        assert!(suggestable("against"));
        assert!(suggestable("because"));
        assert!(suggestable("took"));
    }
}
