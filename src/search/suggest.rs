//! "Did you mean": spelling suggestions for the plain words of a query.
//!
//! A plain word (not quoted, not `=`, `*` or `~N`) is looked up as written
//! (lowercased, folded) in the unstemmed term dictionaries of the fields it
//! searches (`body_words`, ...), and by its stem in the stemmed ones. When
//! it is missing from both, or when it is very rare
//! ([`RARE`] articles at most) and a close spelling is [`RATIO`] times more
//! frequent, the words within [`MAX_EDITS`] edits (a Levenshtein automaton
//! over the term dictionary, transpositions counting one edit) are
//! candidates (not words under three letters, nor function words under
//! four letters or two edits away). Alone in
//! the query, fewer edits come first, then the most frequent; next to other
//! plain words, the phrases a candidate makes with its neighbours weigh
//! most (see [`in_context`]). The suggestion is the query with each such
//! word replaced, and its number of hits; it is given only when it finds
//! more articles than the query as typed, or as many when every corrected
//! word was in no article (the other words of an `--any` query may find
//! them all already). A word that is in the index and not rare is never
//! corrected.

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
    /// Articles holding the word as typed, in the field it searches that
    /// has it most.
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
    // Per word: its candidates, best first.
    let mut choices: Vec<(Correction, Vec<(String, u64)>)> = Vec::new();
    for (k, (field, from, to)) in words.iter().enumerate() {
        let typed = &request.query[*from..*to];
        let fields = word_fields(searcher, field.as_deref(), request.search_in);
        let Some((word_articles, ranked)) = candidates(searcher, &fields, typed)? else {
            continue;
        };
        let neighbour = |j: Option<usize>| {
            j.and_then(|j| words.get(j))
                .map(|(_, f, t)| analysis::fold(&request.query[*f..*t]))
                .filter(|w| !w.is_empty())
        };
        let context = Context {
            left: neighbour(k.checked_sub(1)),
            right: neighbour(k.checked_add(1)),
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
        // With `--any` (or a word that is optional), the other words may
        // find every article the corrected word is in: a word that is in
        // no article is still worth correcting when nothing is lost.
        let missing = corrections.iter().all(|c| c.word_articles == 0);
        if total > typed_total || (missing && total > 0 && total == typed_total) {
            out.push(Suggestion {
                query: corrected,
                total,
                corrections,
            });
        }
    }
    Ok(out)
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
/// spellings to put in its place, best first; `None` otherwise.
fn candidates(
    searcher: &Searcher,
    fields: &[(Field, Field)],
    typed: &str,
) -> Result<Option<(u64, Vec<Candidate>)>> {
    let word = analysis::fold(typed);
    // A word of several tokens (`U.S.`), with digits (years, figures), or
    // too short to have neighbours that mean anything, is left alone.
    let letters = word.chars().count();
    if fields.is_empty() || word.is_empty() || letters < 3 || !word.chars().all(char::is_alphabetic)
    {
        return Ok(None);
    }
    let engine = searcher.tantivy();
    // Articles: the most in any one field (a sum would count an article
    // once per field), as written or by its stem (`quotes` is not written
    // anywhere, but finds `quoted`: it is spelled right).
    let stem = WordStemmer::default().stem(&word);
    let mut typed_articles = 0;
    for &(stemmed, words) in fields {
        for term in [
            Term::from_field_text(words, &word),
            Term::from_field_text(stemmed, &stem),
        ] {
            let df = engine
                .doc_freq(&term)
                .map_err(|e| searcher.engine_error(e))?;
            typed_articles = typed_articles.max(df);
        }
    }
    if typed_articles > RARE {
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
    let floor = if typed_articles == 0 {
        1
    } else {
        typed_articles.saturating_mul(RATIO)
    };
    let mut ranked: Vec<Candidate> = freq
        .into_iter()
        .filter(|(term, df)| *term != word && *df >= floor)
        .map(|(term, df)| Candidate {
            edits: strsim::osa_distance(&word, &term),
            term,
            articles: df,
        })
        // A word under three letters, a short function word (`tok`: `to`,
        // `heas`: `has`) or one two edits away (`chae`: `the`) is rarely
        // what was meant, and searching it changes little; `aganst` is
        // `against`.
        .filter(|c| {
            let letters = c.term.chars().count();
            letters >= 3 && (!analysis::is_stop_word(&c.term) || (c.edits == 1 && letters >= 4))
        })
        .collect();
    ranked.sort_by(|a, b| {
        a.edits
            .cmp(&b.edits)
            .then(b.articles.cmp(&a.articles))
            .then(a.term.cmp(&b.term))
    });
    if ranked.is_empty() {
        return Ok(None);
    }
    Ok(Some((typed_articles, ranked)))
}

/// A spelling within [`MAX_EDITS`] of a word.
#[derive(Debug, Clone)]
struct Candidate {
    term: String,
    edits: usize,
    articles: u64,
}

/// The query words on either side of a word being corrected (folded).
struct Context {
    left: Option<String>,
    right: Option<String>,
}

/// How much each edit beyond the first lowers a candidate's score (on the
/// scale of natural logarithms: with [`FREQUENCY_WEIGHT`], a second edit
/// outweighs `e^10`, about 22,000, times more articles).
const EDIT_COST: f64 = 5.0;

/// Weight of the logarithm of a candidate's articles in its score.
const FREQUENCY_WEIGHT: f64 = 0.5;

/// Weight of the logarithm of `1 +` the articles where a candidate stands
/// next to a neighbouring query word (within [`NEIGHBOUR_SLOP`]), for
/// each neighbour.
const NEIGHBOUR_WEIGHT: f64 = 3.0;

/// Slop of the phrase a candidate makes with a neighbouring query word:
/// words left out of a query (`of`, `the`) may stand between them.
const NEIGHBOUR_SLOP: u32 = 3;

/// Most candidates of a word weighed in the context of the query.
const IN_CONTEXT: usize = 20;

/// The candidates, best first. Alone in the query, by fewer edits then
/// more articles. With neighbouring words, the first [`IN_CONTEXT`] (fewer
/// edits, then more frequent) by a score: `FREQUENCY_WEIGHT * ln(articles)
/// + NEIGHBOUR_WEIGHT * ln(1 + articles with the phrase)` for each
/// neighbour `- EDIT_COST` per edit beyond the first. The phrases are
/// matched as written (`="prime minister"~3` tells `prime` from `time`
/// next to `minister`; `="west germany"` tells `germany` from `german`).
/// On misspelled TIME query words (seeds 13 and 7), this restored 83-84%
/// where co-occurrence with the other query words in whole articles
/// restored at most 78-80% and edits then articles 77-78% (see
/// `benches/README.md`).
fn in_context(
    mut ranked: Vec<Candidate>,
    context: &Context,
    request: &SearchRequest,
    run: &impl Fn(&SearchRequest) -> Result<u64>,
) -> Result<Vec<(String, u64)>> {
    let neighbours: Vec<(&str, bool)> = [
        context.left.as_deref().map(|w| (w, true)),
        context.right.as_deref().map(|w| (w, false)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !neighbours.is_empty() {
        // Fewer edits first, then the most frequent (as ranked).
        ranked.truncate(IN_CONTEXT);
        let mut scored = Vec::with_capacity(ranked.len());
        for c in ranked {
            let mut score = FREQUENCY_WEIGHT * (c.articles.max(1) as f64).ln()
                - EDIT_COST * c.edits.saturating_sub(1) as f64;
            for &(word, left) in &neighbours {
                let phrase = match left {
                    true => format!("=\"{word} {}\"~{NEIGHBOUR_SLOP}", c.term),
                    false => format!("=\"{} {word}\"~{NEIGHBOUR_SLOP}", c.term),
                };
                let together = run(&SearchRequest {
                    query: phrase,
                    any: false,
                    ..request.clone()
                })?;
                score += NEIGHBOUR_WEIGHT * (1.0 + together as f64).ln();
            }
            scored.push((score, c));
        }
        scored.sort_by(|(sa, a), (sb, b)| {
            sb.total_cmp(sa)
                .then(a.edits.cmp(&b.edits))
                .then(b.articles.cmp(&a.articles))
                .then(a.term.cmp(&b.term))
        });
        ranked = scored.into_iter().map(|(_, c)| c).collect();
    }
    Ok(ranked.into_iter().map(|c| (c.term, c.articles)).collect())
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
}
