//! From a parsed query to a tantivy query over the newsidx fields.

use std::collections::HashMap;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::MAX_PREFIX_TERMS;
use super::exclusion::Excluded;
use super::parse::{Modifier, Node};
use crate::analysis;
use crate::schema::Fields;

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

/// Builds tantivy queries from parsed ones, for one searcher.
pub struct QueryBuilder<'a> {
    searcher: &'a Searcher,
    fields: &'a Fields,
    weights: FieldWeights,
    search_in: SearchIn,
    any: bool,
    analyzers: HashMap<&'static str, TextAnalyzer>,
}

impl<'a> QueryBuilder<'a> {
    /// A builder over `searcher`'s index.
    pub fn new(searcher: &'a Searcher, fields: &'a Fields) -> QueryBuilder<'a> {
        let mut analyzers = HashMap::new();
        analyzers.insert(analysis::NEWS_EN, analysis::news_en());
        analyzers.insert(analysis::NEWS_PLAIN, analysis::news_plain());
        QueryBuilder {
            searcher,
            fields,
            weights: FieldWeights::default(),
            search_in: SearchIn::All,
            any: false,
            analyzers,
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

    /// Builds the query. `None` means the query has no searchable words
    /// (only punctuation, say) and matches nothing.
    pub fn build(&mut self, node: &Node) -> Option<Box<dyn Query>> {
        match node {
            Node::All => Some(Box::new(AllQuery)),
            Node::Word {
                field,
                text,
                prefix,
                boost,
            } => {
                let targets = self.targets(field.as_deref());
                let per_field = targets
                    .into_iter()
                    .filter_map(|(f, analyzer, w)| {
                        let q = if *prefix {
                            self.prefix(f, text)
                        } else {
                            self.text(f, analyzer, text, 0)
                        };
                        q.map(|q| boosted(q, w))
                    })
                    .collect();
                either(per_field).map(|q| boosted(q, *boost))
            }
            Node::Phrase {
                field,
                text,
                slop,
                boost,
            } => {
                let targets = self.targets(field.as_deref());
                let per_field = targets
                    .into_iter()
                    .filter_map(|(f, analyzer, w)| {
                        self.text(f, analyzer, text, *slop).map(|q| boosted(q, w))
                    })
                    .collect();
                either(per_field).map(|q| boosted(q, *boost))
            }
            Node::Or { branches, boost } => {
                let built = branches.iter().filter_map(|b| self.build(b)).collect();
                either(built).map(|q| boosted(q, *boost))
            }
            Node::And {
                clauses,
                explicit_and,
                boost,
            } => {
                let plain = if self.any && !explicit_and {
                    Occur::Should
                } else {
                    Occur::Must
                };
                // As alternatives, stop words would make every article a
                // hit and add noise to every score: they drop out, unless
                // nothing else is left to search for.
                let drop_stop_words = plain == Occur::Should && has_content_word(clauses);
                let mut built: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (modifier, clause) in clauses {
                    let occur = match modifier {
                        Modifier::Plain => plain,
                        Modifier::Must => Occur::Must,
                        Modifier::Not => Occur::MustNot,
                    };
                    if drop_stop_words && *modifier == Modifier::Plain && is_stop_word(clause) {
                        continue;
                    }
                    // A clause without searchable words drops out, like a
                    // stop word would.
                    if let Some(q) = self.build(clause) {
                        let q: Box<dyn Query> = if occur == Occur::MustNot {
                            Box::new(Excluded(q))
                        } else {
                            q
                        };
                        built.push((occur, q));
                    }
                }
                if built.is_empty() {
                    return None;
                }
                if built.iter().all(|(occur, _)| *occur == Occur::MustNot) {
                    built.push((Occur::Must, Box::new(AllQuery)));
                }
                Some(boosted(Box::new(BooleanQuery::new(built)), *boost))
            }
        }
    }

    /// The fields a term is searched in, with their analyzer and weight.
    fn targets(&self, field: Option<&str>) -> Vec<(Field, &'static str, f32)> {
        let f = self.fields;
        let w = self.weights;
        match field {
            Some("headline") => vec![(f.headline, analysis::NEWS_EN, 1.0)],
            Some("body") => vec![(f.body, analysis::NEWS_EN, 1.0)],
            Some("comments") => vec![(f.comments, analysis::NEWS_EN, 1.0)],
            Some(_) => vec![(f.source_text, analysis::NEWS_PLAIN, 1.0)],
            None => match self.search_in {
                SearchIn::Body => vec![
                    (f.headline, analysis::NEWS_EN, w.headline),
                    (f.body, analysis::NEWS_EN, w.body),
                ],
                SearchIn::Comments => vec![(f.comments, analysis::NEWS_EN, 1.0)],
                SearchIn::All => vec![
                    (f.headline, analysis::NEWS_EN, w.headline),
                    (f.body, analysis::NEWS_EN, w.body),
                    (f.comments, analysis::NEWS_EN, w.comments),
                ],
            },
        }
    }

    /// A word or phrase: one token gives a term query, several a phrase.
    fn text(
        &mut self,
        field: Field,
        analyzer: &str,
        text: &str,
        slop: u32,
    ) -> Option<Box<dyn Query>> {
        let analyzer = self.analyzers.get_mut(analyzer)?;
        let mut stream = analyzer.token_stream(text);
        let mut terms = Vec::new();
        while let Some(token) = stream.next() {
            terms.push((token.position, Term::from_field_text(field, &token.text)));
        }
        match terms.len() {
            0 => None,
            1 => {
                let (_, term) = terms.remove(0);
                Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)))
            }
            _ => Some(Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))),
        }
    }

    /// A prefix: the most frequent indexed terms that start with it (or with
    /// its stem), as alternatives scored by BM25.
    fn prefix(&mut self, field: Field, text: &str) -> Option<Box<dyn Query>> {
        let folded = analysis::fold(text);
        if folded.is_empty() {
            return None;
        }
        let mut prefixes = vec![folded.clone()];
        if let Some(stemmer) = self.analyzers.get_mut(analysis::NEWS_EN) {
            let mut stream = stemmer.token_stream(&folded);
            if let Some(token) = stream.next()
                && token.text != folded
            {
                prefixes.push(token.text.clone());
            }
        }
        let mut freq: HashMap<Vec<u8>, u64> = HashMap::new();
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            for prefix in &prefixes {
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
        }
        let mut terms: Vec<(Vec<u8>, u64)> = freq.into_iter().collect();
        terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        terms.truncate(MAX_PREFIX_TERMS);
        let queries: Vec<Box<dyn Query>> = terms
            .into_iter()
            .filter_map(|(bytes, _)| String::from_utf8(bytes).ok())
            .map(|t| {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &t),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn Query>
            })
            .collect();
        Some(either(queries).unwrap_or_else(|| Box::new(EmptyQuery)))
    }
}

/// Whether `node` is a plain stop word: unqualified, no prefix, no boost.
/// Stop words are left out of alternatives (see [`analysis::is_stop_word`]).
fn is_stop_word(node: &Node) -> bool {
    matches!(
        node,
        Node::Word { field: None, text, prefix: false, boost }
            if (*boost - 1.0).abs() < f32::EPSILON && analysis::is_stop_word(text)
    )
}

/// Whether some clause that is not excluded would remain once the plain stop
/// words are left out: a query of stop words only (`the who`) keeps them.
fn has_content_word(clauses: &[(Modifier, Node)]) -> bool {
    clauses
        .iter()
        .any(|(modifier, clause)| match (modifier, clause) {
            (Modifier::Not, _) => false,
            (Modifier::Must, Node::Word { text, .. }) => !analysis::fold(text).is_empty(),
            (Modifier::Plain, Node::Word { text, .. }) => {
                !is_stop_word(clause) && !analysis::fold(text).is_empty()
            }
            _ => true,
        })
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
        let flags: Vec<bool> = clauses("The storm headline:the the* the^2 \"the\" (the) +the -the")
            .iter()
            .map(|(_, node)| is_stop_word(node))
            .collect();
        assert_eq!(
            flags,
            [true, false, false, false, false, false, true, true, true]
        );
    }

    #[test]
    fn stop_words_stay_when_nothing_else_is_searched() {
        assert!(has_content_word(&clauses("the storm")));
        assert!(has_content_word(&clauses("+the of")));
        assert!(has_content_word(&clauses("the \"of the\"")));
        assert!(!has_content_word(&clauses("the who")));
        assert!(!has_content_word(&clauses("the who -storm")));
        assert!(!has_content_word(&clauses("the ... !!")));
        assert!(!has_content_word(&clauses("the +...")));
    }
}
