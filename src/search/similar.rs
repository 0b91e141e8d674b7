//! Related articles: [`Searcher::similar`](crate::Searcher::similar).
//!
//! The article's own headline and body are read as the index reads them
//! (words, stems); each stem is weighed by its count in the article (a
//! headline word once more) times its inverse document frequency in the
//! index's stemmed body field, and the [`MAX_TERMS`] heaviest make a query:
//! those words as alternatives, run by the ordinary search with its BM25
//! ranking (the request's filters, page, facets and timeline apply, and
//! snippets mark the words).
//! Words in fewer than two articles (nothing to relate), stop words, words
//! under three letters and numbers are left out. The article itself is left
//! out of the results by its path, and its syndicated copies by its story
//! ([`excluded`]).

use std::collections::HashMap;

use tantivy::Term;

use super::{SearchRequest, SearchResults, run};
use crate::analysis::{self, WordStemmer};
use crate::document::StoredArticle;
use crate::error::Result;
use crate::query::{Form, Node, QueryError};
use crate::searcher::Searcher;

/// Most words of the article that the query is made of.
pub const MAX_TERMS: usize = 100;
/// How many more times a headline word counts.
const HEADLINE_WEIGHT: usize = 1;

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
    let words = weighed_words(searcher, article)?;
    let label = format!("similar to {}", article.id);
    // Without words shared with another article, nothing is similar.
    let ast = query_of(&words);
    let mut results = run::run_node(searcher, request, ast.as_ref(), excluded(searcher, article))?;
    results.query = label;
    Ok(Some(results))
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

/// The article's words worth searching, heaviest first: (a word as written
/// that stands for its stem, weight).
fn weighed_words(searcher: &Searcher, article: &StoredArticle) -> Result<Vec<(String, f32)>> {
    let mut counts: HashMap<String, (String, u32)> = HashMap::new();
    let mut analyzer = analysis::news_plain();
    let mut stemmer = WordStemmer::default();
    // The headline says what the article is about: its words count
    // [`HEADLINE_WEIGHT`] more times (the body's first paragraph holds it
    // already).
    let texts = std::iter::repeat_n(&article.headline, HEADLINE_WEIGHT).chain(&article.body);
    for text in texts {
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            let plain = &token.text;
            if plain.chars().count() < 3
                || !plain.chars().all(char::is_alphabetic)
                || analysis::is_stop_word(plain)
            {
                continue;
            }
            let entry = counts
                .entry(stemmer.stem(plain))
                .or_insert_with(|| (plain.clone(), 0));
            entry.1 += 1;
        }
    }
    let documents = searcher.documents() as f32;
    let body = searcher.fields().body;
    let mut weighed = Vec::with_capacity(counts.len());
    for (stem, (plain, count)) in counts {
        let df = searcher
            .tantivy()
            .doc_freq(&Term::from_field_text(body, &stem))
            .map_err(|e| searcher.engine_error(e))?;
        if df < 2 {
            continue;
        }
        let idf = (documents / df as f32).ln();
        weighed.push((plain, count as f32 * idf));
    }
    weighed.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    weighed.retain(|(_, w)| *w > 0.0);
    weighed.truncate(MAX_TERMS);
    Ok(weighed)
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
