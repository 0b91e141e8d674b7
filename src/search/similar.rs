//! Related articles: [`Searcher::similar`](crate::Searcher::similar).
//!
//! The article's body (its headline is its first paragraph) is read as the
//! index reads it (words, stems) into a tf-idf vector: each stem weighs
//! `(1 + ln count) * ln(articles / articles with the stem)`, from the
//! index's stemmed body field. Stop words, words under three letters and
//! numbers are left out, and so are rare words: a word counts when it is in
//! at least one article in [`MIN_SHARE`] (at least [`MIN_ARTICLES`], at most
//! [`ENOUGH_ARTICLES`] needed); rarer words are mostly names and
//! particulars, which find the same story rather than the same subject (on
//! Reuters-21578, keeping them lowered the share of results on the query
//! article's topic from 0.758 to 0.690: see `benches/README.md`). An article
//! with only rare words keeps them.
//!
//! Two stages: the [`MAX_TERMS`] heaviest words make a query, those words as
//! alternatives run by the ordinary search with its BM25 ranking (the
//! request's filters, facets and timeline apply, and snippets mark the
//! words); then its first [`RERANK_DEPTH`] results (more when the page goes
//! further) are ordered by the cosine of their own vectors with the
//! article's, which is the score they show. Sorted by date, the results
//! are the query's, by date. The article itself is left out of the results
//! by its path, and its syndicated copies by its story ([`excluded`]).

use std::collections::HashMap;

use tantivy::{DocAddress, Term};

use super::{SearchRequest, SearchResults, run};
use crate::analysis::{self, WordStemmer};
use crate::document::StoredArticle;
use crate::error::Result;
use crate::query::{Form, Node, QueryError};
use crate::searcher::Searcher;

/// Most words of the article that the query is made of.
pub const MAX_TERMS: usize = 100;

/// See [`Searcher::similar`](crate::Searcher::similar).
pub(crate) fn similar(
    searcher: &Searcher,
    id_or_path: &str,
    request: &SearchRequest,
) -> Result<Option<SearchResults>> {
    let found = crate::lookup::get(searcher, id_or_path)?;
    let article = match found.as_slice() {
        [] => return Ok(None),
        [one] => one,
        several => {
            let paths: Vec<&str> = several.iter().map(|a| a.path.as_str()).collect();
            return Err(QueryError::value(
                id_or_path,
                format!(
                    "{} articles have this id; name one by its path: {}",
                    several.len(),
                    paths.join(", ")
                ),
            )
            .into());
        }
    };
    let mut vectors = Vectors::new(searcher, min_articles(searcher.documents()));
    let mut mine = vectors.of(article)?;
    if mine.weights.is_empty() {
        // An article made only of rare words: they are all it has.
        vectors = Vectors::new(searcher, MIN_ARTICLES);
        mine = vectors.of(article)?;
    }
    let words = query_words(&mine);
    let label = format!("similar to {}", article.id);
    // Without words shared with another article, nothing is similar.
    let ast = query_of(&words);
    let mut rerank = |top: &[(Option<f32>, DocAddress)]| -> Result<Vec<f32>> {
        let mut scores = Vec::with_capacity(top.len());
        for (_, address) in top {
            let other = searcher.article_at(*address)?;
            scores.push(mine.cosine(&vectors.of(&other)?));
        }
        Ok(scores)
    };
    let mut results = run::run_node_reranked(
        searcher,
        request,
        ast.as_ref(),
        excluded(searcher, article),
        Some((RERANK_DEPTH, &mut rerank)),
    )?;
    results.query = label;
    Ok(Some(results))
}

/// How many of the best documents of the word query are ranked again by
/// the cosine of their word vectors and the article's.
pub const RERANK_DEPTH: usize = 100;

/// Least number of articles a word must be in to count at all: in one
/// article only, it relates nothing.
pub const MIN_ARTICLES: u64 = 2;
/// A word counts when it is in at least one article in this many (but
/// never needs more than [`ENOUGH_ARTICLES`]): rarer words are mostly
/// names and particulars, which find the same story rather than the same
/// subject.
pub const MIN_SHARE: u64 = 200;
/// Articles that are always enough for a word to count.
pub const ENOUGH_ARTICLES: u64 = 100;

/// The least number of articles a word must be in, in an index of
/// `documents` articles.
fn min_articles(documents: u64) -> u64 {
    (documents / MIN_SHARE).clamp(MIN_ARTICLES, ENOUGH_ARTICLES)
}

/// An article's words: stem -> (a spelling, weight), and the vector's norm.
struct Vector {
    weights: HashMap<String, (String, f32)>,
    norm: f32,
}

impl Vector {
    /// The cosine of the two vectors (0 when either is empty).
    fn cosine(&self, other: &Vector) -> f32 {
        if self.norm == 0.0 || other.norm == 0.0 {
            return 0.0;
        }
        let (small, large) = if self.weights.len() <= other.weights.len() {
            (self, other)
        } else {
            (other, self)
        };
        let dot: f32 = small
            .weights
            .iter()
            .filter_map(|(stem, (_, w))| large.weights.get(stem).map(|(_, v)| w * v))
            .sum();
        dot / (self.norm * other.norm)
    }
}

/// Weighs articles' words by tf-idf, remembering document frequencies.
struct Vectors<'s> {
    searcher: &'s Searcher,
    analyzer: tantivy::tokenizer::TextAnalyzer,
    stemmer: WordStemmer,
    /// Per stem: its inverse document frequency, `None` when it does not
    /// count.
    idf: HashMap<String, Option<f32>>,
    min_articles: u64,
}

impl<'s> Vectors<'s> {
    fn new(searcher: &'s Searcher, min_articles: u64) -> Self {
        Vectors {
            searcher,
            analyzer: analysis::news_plain(),
            stemmer: WordStemmer::default(),
            idf: HashMap::new(),
            min_articles,
        }
    }

    /// `ln(articles / articles with the stem)` in the stemmed body field;
    /// `None` for a stem in fewer than `min_articles` articles, or in all.
    fn idf(&mut self, stem: &str) -> Result<Option<f32>> {
        if let Some(idf) = self.idf.get(stem) {
            return Ok(*idf);
        }
        let searcher = self.searcher;
        let df = searcher
            .tantivy()
            .doc_freq(&Term::from_field_text(searcher.fields().body, stem))
            .map_err(|e| searcher.engine_error(e))?;
        let idf = (df >= self.min_articles)
            .then(|| (searcher.documents() as f32 / df as f32).ln())
            .filter(|idf| *idf > 0.0);
        self.idf.insert(stem.to_string(), idf);
        Ok(idf)
    }

    /// The vector of `article`'s body: its words of three letters or more,
    /// not numbers nor stop words, by stem.
    fn of(&mut self, article: &StoredArticle) -> Result<Vector> {
        let mut counts: HashMap<String, (String, u32)> = HashMap::new();
        for text in &article.body {
            let mut stream = self.analyzer.token_stream(text);
            while let Some(token) = stream.next() {
                let plain = &token.text;
                if plain.chars().count() < 3
                    || !plain.chars().all(char::is_alphabetic)
                    || analysis::is_stop_word(plain)
                {
                    continue;
                }
                let entry = counts
                    .entry(self.stemmer.stem(plain))
                    .or_insert_with(|| (plain.clone(), 0));
                entry.1 += 1;
            }
        }
        let mut weights = HashMap::with_capacity(counts.len());
        let mut norm = 0.0;
        for (stem, (plain, count)) in counts {
            let Some(idf) = self.idf(&stem)? else {
                continue;
            };
            let w = (1.0 + (count as f32).ln()) * idf;
            norm += w * w;
            weights.insert(stem, (plain, w));
        }
        Ok(Vector {
            weights,
            norm: f32::sqrt(norm),
        })
    }
}

/// The article's heaviest words, heaviest first.
fn query_words(vector: &Vector) -> Vec<(String, f32)> {
    let mut weighed: Vec<(String, f32)> = vector
        .weights
        .values()
        .map(|(plain, w)| (plain.clone(), *w))
        .collect();
    weighed.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    weighed.truncate(MAX_TERMS);
    weighed
}

/// The terms whose documents are never similar to `article`: its own path,
/// and its story (every syndicated copy of it, itself included).
fn excluded(searcher: &Searcher, article: &StoredArticle) -> Vec<Term> {
    let fields = searcher.fields();
    vec![
        Term::from_field_text(fields.path, &article.path),
        Term::from_field_text(fields.story, &article.story),
    ]
}

/// The words as alternatives, unweighted: BM25 scores each in the other
/// articles (weighing them by their weight in the article as well did worse
/// on Reuters-21578: see `benches/research.rs`); `None` without words.
fn query_of(words: &[(String, f32)]) -> Option<Node> {
    if words.is_empty() {
        return None;
    }
    Some(Node::Or {
        branches: words
            .iter()
            .map(|(word, _)| Node::Word {
                field: None,
                text: word.clone(),
                form: Form::Stemmed,
                boost: 1.0,
            })
            .collect(),
        boost: 1.0,
    })
}
