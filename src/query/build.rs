//! From a parsed query to a tantivy query over the newsidx fields, and to
//! the matcher that marks the same query in a text ([`marks`]).
//!
//! Stemmed words and phrases run on the stemmed fields (`headline`, `body`,
//! `comments`). Prefixes, exact words (`=word`) and fuzzy words (`word~1`)
//! run on the unstemmed copies (`headline_words`, `body_words`,
//! `comments_words`), so they match the words as written: `banki*` finds
//! "banking", never "banks" (whose stem, `bank`, starts no word with
//! "banki"). The copies keep no positions: exact phrases and phrases with a
//! prefix take their candidates from the stemmed fields and check them
//! against the stored text ([`super::verified`]). `source:` runs on
//! `source_text`, which is unstemmed, with positions, already.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, FuzzyTermQuery, Occur, PhraseQuery, Query,
    RegexPhraseQuery, RegexQuery, TermQuery, wildcard_query_to_regex_str,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

mod marks;

use marks::phrase_matcher;

use super::exclusion::Excluded;

use super::parse::{Form, Modifier, Node};
use super::verified::Verified;
use super::{MAX_PREFIX_TERMS, QueryError};
use crate::analysis::{self, WordStemmer};
use crate::schema::Fields;

/// Most words the prefixes and fuzzy words of one phrase may stand for.
pub const MAX_PHRASE_EXPANSIONS: usize = 10_000;

/// Which text an unqualified word is searched in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchIn {
    /// Headline and body (the article's own text).
    Body,
    /// Reader comments.
    Comments,
    /// Headline, body and comments.
    #[default]
    All,
}

/// Weights of the fields an unqualified word is searched in.
///
/// Each field is scored with BM25 on its own and the scores are added, each
/// times its weight. The headline is the lede, which the body holds as well,
/// so a match there already counts in the body score: the headline's weight
/// is a bonus for articles that name the subject in their first lines. It is
/// kept small because BM25 saturates within a field, and the headline is
/// short: one mention there would otherwise outweigh a whole article about
/// the subject. `benches/RELEVANCE.md` has the measurements.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct FieldWeights {
    /// Weight of the headline (the lede, cut near 200 characters), on top of
    /// the body, which holds the lede too.
    pub headline: f32,
    /// Weight of the body.
    pub body: f32,
    /// Weight of the comments.
    pub comments: f32,
}

impl Default for FieldWeights {
    /// The body in full, a small bonus for the lede (news puts the subject
    /// first, but the lede is counted in the body already), and comments
    /// below the body: readers stray from the topic.
    fn default() -> Self {
        FieldWeights {
            headline: 0.1,
            body: 1.0,
            comments: 0.3,
        }
    }
}

/// The text a matcher reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// The body (which holds the headline, its lede).
    Body,
    /// One comment.
    Comments,
}

/// One field a term is searched in: the stemmed field, its unstemmed copy,
/// the weight, and which text a snippet finds it in.
#[derive(Debug, Clone, Copy)]
struct Target {
    stemmed: Field,
    words: Field,
    weight: f32,
    /// `None` for the headline and the source, which no snippet quotes on
    /// their own.
    text: Option<Text>,
    /// The source: words are not stemmed there.
    source: bool,
}

/// A word of a phrase, or a multi-token word, as the builder sees it.
#[derive(Debug, Clone)]
struct PhraseWord {
    position: u32,
    plain: String,
    stem: String,
    prefix: bool,
}

/// Builds tantivy queries from parsed ones, for one searcher.
pub struct QueryBuilder<'a> {
    searcher: &'a Searcher,
    fields: &'a Fields,
    weights: FieldWeights,
    search_in: SearchIn,
    any: bool,
    plain: TextAnalyzer,
    stemmer: WordStemmer,
}

impl<'a> QueryBuilder<'a> {
    /// A builder over `searcher`'s index.
    pub fn new(searcher: &'a Searcher, fields: &'a Fields) -> QueryBuilder<'a> {
        QueryBuilder {
            searcher,
            fields,
            weights: FieldWeights::default(),
            search_in: SearchIn::All,
            any: false,
            plain: analysis::news_plain(),
            stemmer: WordStemmer::default(),
        }
    }

    /// Sets the field weights.
    pub fn weights(mut self, weights: FieldWeights) -> Self {
        self.weights = weights;
        self
    }

    /// Sets which fields unqualified words search.
    pub fn search_in(mut self, search_in: SearchIn) -> Self {
        self.search_in = search_in;
        self
    }

    /// Makes juxtaposed words alternatives instead of requirements.
    pub fn any(mut self, any: bool) -> Self {
        self.any = any;
        self
    }

    /// Builds the query. `Ok(None)` means the query has no searchable words
    /// (only punctuation, say). A phrase whose prefixes stand for too many
    /// words is an error.
    pub fn build(&mut self, node: &Node) -> Result<Option<Box<dyn Query>>, QueryError> {
        match node {
            Node::All => Ok(Some(Box::new(AllQuery))),
            Node::Word {
                field,
                text,
                form,
                boost,
            } => {
                let mut per_field = Vec::new();
                for target in self.targets(field.as_deref()) {
                    if let Some(q) = self.word(target, text, *form)? {
                        per_field.push(boosted(q, target.weight));
                    }
                }
                Ok(either(per_field).map(|q| boosted(q, *boost)))
            }
            Node::Phrase {
                field,
                text,
                slop,
                exact,
                boost,
            } => {
                let mut per_field = Vec::new();
                for target in self.targets(field.as_deref()) {
                    if let Some(q) = self.phrase(target, text, *slop, *exact)? {
                        per_field.push(boosted(q, target.weight));
                    }
                }
                Ok(either(per_field).map(|q| boosted(q, *boost)))
            }
            Node::Or { branches, boost } => {
                let mut built = Vec::new();
                for branch in branches {
                    built.extend(self.build(branch)?);
                }
                Ok(either(built).map(|q| boosted(q, *boost)))
            }
            Node::And {
                clauses,
                explicit_and,
                boost,
            } => self.and(clauses, *explicit_and, *boost),
        }
    }

    fn and(
        &mut self,
        clauses: &[(Modifier, Node)],
        explicit_and: bool,
        boost: f32,
    ) -> Result<Option<Box<dyn Query>>, QueryError> {
        let plain = self.plain_occur(explicit_and);
        // As alternatives, stop words would make every article a hit and add
        // noise to every score: they drop out, unless nothing else is left
        // to search for (`the who`, or `the "..."`).
        let mut built: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut stop_words = Vec::new();
        for (modifier, clause) in clauses {
            if plain == Occur::Should && *modifier == Modifier::Plain && is_stop_word(clause) {
                stop_words.push(clause);
                continue;
            }
            let occur = occur(*modifier, plain);
            // A clause without searchable words drops out, like a stop word.
            if let Some(q) = self.build(clause)? {
                built.push((occur, excluded_if(occur, q)));
            }
        }
        if !built.iter().any(|(occur, _)| *occur != Occur::MustNot) {
            for clause in stop_words {
                built.extend(self.build(clause)?.map(|q| (plain, q)));
            }
        }
        if built.is_empty() {
            return Ok(None);
        }
        if built.iter().all(|(occur, _)| *occur == Occur::MustNot) {
            built.push((Occur::Must, Box::new(AllQuery)));
        }
        Ok(Some(boosted(Box::new(BooleanQuery::new(built)), boost)))
    }

    fn plain_occur(&self, explicit_and: bool) -> Occur {
        if self.any && !explicit_and {
            Occur::Should
        } else {
            Occur::Must
        }
    }

    /// The fields a term is searched in, with their weight.
    fn targets(&self, field: Option<&str>) -> Vec<Target> {
        let f = self.fields;
        let w = self.weights;
        let target = |stemmed, words, weight, text| Target {
            stemmed,
            words,
            weight,
            text,
            source: false,
        };
        let headline = |weight| target(f.headline, f.headline_words, weight, None);
        let body = |weight| target(f.body, f.body_words, weight, Some(Text::Body));
        let comments = |weight| target(f.comments, f.comments_words, weight, Some(Text::Comments));
        match field {
            Some("headline") => vec![headline(1.0)],
            Some("body") => vec![body(1.0)],
            Some("comments") => vec![comments(1.0)],
            Some(_) => vec![Target {
                stemmed: f.source_text,
                words: f.source_text,
                weight: 1.0,
                text: None,
                source: true,
            }],
            None => match self.search_in {
                SearchIn::Body => vec![headline(w.headline), body(w.body)],
                SearchIn::Comments => vec![comments(1.0)],
                SearchIn::All => vec![headline(w.headline), body(w.body), comments(w.comments)],
            },
        }
    }

    /// The words of `text` as the index reads them, with their stems, and
    /// whether a `*` follows each.
    fn words(&mut self, text: &str) -> Vec<PhraseWord> {
        let mut stream = self.plain.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push(PhraseWord {
                position: t.position as u32,
                plain: t.text.clone(),
                stem: String::new(),
                prefix: text[t.offset_to..].starts_with('*'),
            });
        }
        for w in &mut out {
            w.stem = self.stemmer.stem(&w.plain);
        }
        out
    }

    /// A word in one field.
    fn word(
        &mut self,
        target: Target,
        text: &str,
        form: Form,
    ) -> Result<Option<Box<dyn Query>>, QueryError> {
        let mut words = self.words(text);
        match form {
            Form::Stemmed => Ok(self.sequence(target, &words, 0, false)),
            Form::Exact => Ok(self.sequence(target, &words, 0, true)),
            Form::Prefix => {
                if let Some(last) = words.last_mut() {
                    last.prefix = true;
                }
                self.prefix_sequence(target, &words, 0)
            }
            Form::Fuzzy(distance) => Ok(match words.as_slice() {
                [] => None,
                [word] => Some(self.fuzzy(target.words, &word.plain, distance)),
                // The parser lets only letters and digits be fuzzy.
                _ => self.sequence(target, &words, 0, true),
            }),
        }
    }

    /// A phrase in one field.
    fn phrase(
        &mut self,
        target: Target,
        text: &str,
        slop: u32,
        exact: bool,
    ) -> Result<Option<Box<dyn Query>>, QueryError> {
        let words = self.words(text);
        if words.iter().any(|w| w.prefix) {
            self.prefix_sequence(target, &words, slop)
        } else {
            Ok(self.sequence(target, &words, slop, exact))
        }
    }

    /// Words in a row: one word gives a term query, several a phrase. As
    /// written (`exact`), one word is a term of the unstemmed copy, several
    /// a phrase of their stems checked against the stored text
    /// ([`Verified`]): the copies keep no positions.
    fn sequence(
        &self,
        target: Target,
        words: &[PhraseWord],
        slop: u32,
        exact: bool,
    ) -> Option<Box<dyn Query>> {
        let as_written = exact || target.source;
        match words {
            [] => None,
            [word] => {
                let (field, text) = if as_written {
                    (target.words, &word.plain)
                } else {
                    (target.stemmed, &word.stem)
                };
                Some(Box::new(TermQuery::new(
                    Term::from_field_text(field, text),
                    IndexRecordOption::WithFreqs,
                )))
            }
            _ if target.source => Some(phrase_query(target.words, words, slop, |w| &w.plain)),
            _ if !exact => Some(phrase_query(target.stemmed, words, slop, |w| &w.stem)),
            _ => Some(Box::new(Verified {
                candidates: Arc::from(phrase_query(target.stemmed, words, slop, |w| &w.stem)),
                field: target.stemmed,
                matcher: Arc::new(phrase_matcher(words, slop)),
            })),
        }
    }

    /// Words in a row of which some are prefixes, on the words as written:
    /// the candidates are the phrase of the stems that the prefixes' words
    /// have in common, checked against the stored text ([`Verified`]); the
    /// source's words (`source_text`) keep their positions and are searched
    /// directly.
    fn prefix_sequence(
        &mut self,
        target: Target,
        words: &[PhraseWord],
        slop: u32,
    ) -> Result<Option<Box<dyn Query>>, QueryError> {
        if let [word] = words {
            return Ok(Some(if word.prefix {
                self.prefix(target.words, &word.plain)
            } else {
                Box::new(TermQuery::new(
                    Term::from_field_text(target.words, &word.plain),
                    IndexRecordOption::WithFreqs,
                ))
            }));
        }
        if words.is_empty() {
            return Ok(None);
        }
        let mut expansions = 0;
        let mut as_written = Vec::new();
        let mut stems = Vec::new();
        for w in words {
            let position = w.position as usize;
            if !w.prefix {
                as_written.push((position, wildcard_query_to_regex_str(&w.plain)));
                stems.push((position, wildcard_query_to_regex_str(&w.stem)));
                continue;
            }
            let found = self.expand_prefix(target.words, &w.plain, usize::MAX);
            expansions += found.len();
            if found.is_empty() {
                // No word starts so: the phrase is nowhere.
                return Ok(Some(Box::new(EmptyQuery)));
            }
            let shared = found
                .iter()
                .map(|(word, _)| self.stemmer.stem(word))
                .reduce(|a, b| common_prefix(&a, &b).to_string())
                .unwrap_or_default();
            as_written.push((
                position,
                wildcard_query_to_regex_str(&format!("{}*", w.plain)),
            ));
            stems.push((position, wildcard_query_to_regex_str(&format!("{shared}*"))));
        }
        if expansions > MAX_PHRASE_EXPANSIONS {
            let prefixes: Vec<String> = words
                .iter()
                .filter(|w| w.prefix)
                .map(|w| format!("{}*", w.plain))
                .collect();
            return Err(QueryError::value(
                &prefixes.join(" "),
                format!(
                    "the prefixes of this phrase stand for {expansions} words, more than {MAX_PHRASE_EXPANSIONS}: make them longer"
                ),
            ));
        }
        let regex_phrase = |field, terms| {
            let mut query = RegexPhraseQuery::new_with_offset_and_slop(field, terms, slop);
            query.set_max_expansions(u32::MAX);
            query
        };
        if target.source {
            return Ok(Some(Box::new(regex_phrase(target.words, as_written))));
        }
        Ok(Some(Box::new(Verified {
            candidates: Arc::new(regex_phrase(target.stemmed, stems)),
            field: target.stemmed,
            matcher: Arc::new(phrase_matcher(words, slop)),
        })))
    }

    /// Every indexed word of `field` that starts with `prefix`, with its
    /// document frequency, most frequent first; at most `limit`.
    fn expand_prefix(&self, field: Field, prefix: &str, limit: usize) -> Vec<(String, u64)> {
        let mut freq: HashMap<Vec<u8>, u64> = HashMap::new();
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().range().ge(prefix.as_bytes()).into_stream()
            else {
                continue;
            };
            while stream.advance() {
                if !stream.key().starts_with(prefix.as_bytes()) {
                    break;
                }
                *freq.entry(stream.key().to_vec()).or_default() +=
                    u64::from(stream.value().doc_freq);
            }
        }
        most_frequent(freq, limit)
    }

    /// Every indexed word of `field` within `distance` edits of `word`.
    pub(crate) fn expand_fuzzy(
        &self,
        field: Field,
        word: &str,
        distance: u8,
    ) -> Vec<(String, u64)> {
        let query = FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true);
        let Ok(automaton) = query.automaton() else {
            return Vec::new();
        };
        let mut freq: HashMap<Vec<u8>, u64> = HashMap::new();
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().search(&automaton).into_stream() else {
                continue;
            };
            while stream.advance() {
                *freq.entry(stream.key().to_vec()).or_default() +=
                    u64::from(stream.value().doc_freq);
            }
        }
        most_frequent(freq, usize::MAX)
    }

    /// A prefix: the most frequent words that start with it, scored by
    /// BM25; when there are more than [`MAX_PREFIX_TERMS`], the others still
    /// match (with no score of their own), so counts stay exact.
    fn prefix(&self, field: Field, prefix: &str) -> Box<dyn Query> {
        let all = self.expand_prefix(field, prefix, usize::MAX);
        let rest = (all.len() > MAX_PREFIX_TERMS).then(|| {
            let pattern = wildcard_query_to_regex_str(&format!("{prefix}*"));
            RegexQuery::from_pattern(&pattern, field)
                .map(|q| Box::new(q) as Box<dyn Query>)
                .unwrap_or_else(|_| Box::new(EmptyQuery))
        });
        terms_query(field, &all, rest)
    }

    /// A fuzzy word: the words within the distance, scored by BM25.
    fn fuzzy(&self, field: Field, word: &str, distance: u8) -> Box<dyn Query> {
        let all = self.expand_fuzzy(field, word, distance);
        let rest = (all.len() > MAX_PREFIX_TERMS).then(|| {
            Box::new(FuzzyTermQuery::new(
                Term::from_field_text(field, word),
                distance,
                true,
            )) as Box<dyn Query>
        });
        terms_query(field, &all, rest)
    }
}

/// A phrase query of the words' `text` (stem or as written).
fn phrase_query(
    field: Field,
    words: &[PhraseWord],
    slop: u32,
    text: impl Fn(&PhraseWord) -> &String,
) -> Box<dyn Query> {
    let terms = words
        .iter()
        .map(|w| (w.position as usize, Term::from_field_text(field, text(w))))
        .collect();
    Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
}

/// The longest common prefix of two words, on a character boundary.
fn common_prefix<'a>(a: &'a str, b: &str) -> &'a str {
    let end = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    &a[..end]
}

fn occur(modifier: Modifier, plain: Occur) -> Occur {
    match modifier {
        Modifier::Plain => plain,
        Modifier::Must => Occur::Must,
        Modifier::Not => Occur::MustNot,
    }
}

fn excluded_if(occur: Occur, query: Box<dyn Query>) -> Box<dyn Query> {
    if occur == Occur::MustNot {
        Box::new(Excluded(query))
    } else {
        query
    }
}

/// The `limit` most frequent terms, ties by term.
fn most_frequent(freq: HashMap<Vec<u8>, u64>, limit: usize) -> Vec<(String, u64)> {
    let mut terms: Vec<(String, u64)> = freq
        .into_iter()
        .filter_map(|(bytes, n)| String::from_utf8(bytes).ok().map(|t| (t, n)))
        .collect();
    terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms.truncate(limit);
    terms
}

/// Alternatives over expanded terms: the [`MAX_PREFIX_TERMS`] most frequent
/// scored by BM25, and `rest` (all of them, scored 0) when there are more.
fn terms_query(
    field: Field,
    terms: &[(String, u64)],
    rest: Option<Box<dyn Query>>,
) -> Box<dyn Query> {
    let mut queries: Vec<Box<dyn Query>> = terms
        .iter()
        .take(MAX_PREFIX_TERMS)
        .map(|(t, _)| {
            Box::new(TermQuery::new(
                Term::from_field_text(field, t),
                IndexRecordOption::WithFreqs,
            )) as Box<dyn Query>
        })
        .collect();
    if let Some(rest) = rest {
        queries.push(Box::new(BoostQuery::new(rest, 0.0)));
    }
    either(queries).unwrap_or_else(|| Box::new(EmptyQuery))
}

/// Whether `node` is a plain stop word: unqualified, stemmed, no boost.
/// Stop words are left out of alternatives (see [`analysis::is_stop_word`]).
fn is_stop_word(node: &Node) -> bool {
    matches!(
        node,
        Node::Word { field: None, text, form: Form::Stemmed, boost }
            if (*boost - 1.0).abs() < f32::EPSILON && analysis::is_stop_word(text)
    )
}

/// Alternatives: one query as itself, several as a disjunction.
fn either(mut queries: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match queries.len() {
        0 => None,
        1 => queries.pop(),
        _ => Some(Box::new(BooleanQuery::new(
            queries.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))),
    }
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    fn clauses(query: &str) -> Vec<(Modifier, Node)> {
        match parse(query).expect("parses") {
            Node::And { clauses, .. } => clauses,
            other => panic!("{query}: not a sequence: {other:?}"),
        }
    }

    #[test]
    fn only_plain_unqualified_words_are_stop_words() {
        let flags: Vec<bool> =
            clauses("The storm headline:the the* the^2 \"the\" (the) +the -the =the")
                .iter()
                .map(|(_, node)| is_stop_word(node))
                .collect();
        assert_eq!(
            flags,
            [
                true, false, false, false, false, false, true, true, true, false
            ]
        );
    }
}
