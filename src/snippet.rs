//! Snippets: the quoted text of a hit, with the matched terms marked.
//!
//! A snippet is plain text plus byte ranges of the matched terms; there is no
//! HTML or terminal markup here (the binary adds bold on a terminal). The
//! body gets its best fragment; each comment is looked at on its own, so a
//! hit in a comment can say which comment it was ("comment 3 of 12").

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::schema::Fields;
use crate::show::StoredArticle;

/// Length of a fragment: at most this many bytes of a matched fragment (as
/// tantivy measures them), characters of the lede.
pub const FRAGMENT_CHARS: usize = 160;
/// Most matching comments quoted per hit.
pub const MAX_COMMENT_SNIPPETS: usize = 3;

/// A fragment of text with the byte ranges of its matched terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The fragment.
    pub text: String,
    /// Byte ranges `[start, end)` of the matched terms within `text`.
    pub highlights: Vec<[usize; 2]>,
}

/// A matching comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommentSnippet {
    /// 1-based position of the comment in the article.
    pub number: usize,
    /// Number of comments of the article.
    pub of: usize,
    /// The fragment of the comment.
    pub snippet: Snippet,
}

/// The snippets of one hit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Snippets {
    /// Best fragment of the body (the lede's start when no term matched it).
    pub body: Option<Snippet>,
    /// Number of comments that match.
    pub comments_matched: usize,
    /// The first matching comments (at most [`MAX_COMMENT_SNIPPETS`]).
    pub comments: Vec<CommentSnippet>,
}

impl Snippets {
    /// The start of the body, unmarked: for queries without words (`*`).
    pub fn lede(article: &StoredArticle) -> Snippets {
        Snippets {
            body: lede(article),
            ..Snippets::default()
        }
    }
}

/// Snippet generators for the body and the comments of one query.
pub struct Generators {
    body: FieldSnippets,
    comments: FieldSnippets,
}

impl Generators {
    /// Generators for `query` (its positive part: excluded words are not
    /// marked).
    pub fn new(
        searcher: &Searcher,
        query: &dyn Query,
        fields: &Fields,
    ) -> tantivy::Result<Generators> {
        Ok(Generators {
            body: FieldSnippets::new(searcher, query, fields.body)?,
            comments: FieldSnippets::new(searcher, query, fields.comments)?,
        })
    }

    /// The snippets of one article.
    pub fn snippets(&self, article: &StoredArticle) -> Snippets {
        // Paragraphs joined by spaces (same byte length as the stored `\n`),
        // so a fragment that spans two paragraphs reads as one line.
        let body_text = article.body.join(" ");
        let body = self.body.best(&body_text).or_else(|| lede(article));
        let mut comments = Vec::new();
        let mut matched = 0;
        for (i, comment) in article.comments.iter().enumerate() {
            if let Some(snippet) = self.comments.best(comment) {
                matched += 1;
                if comments.len() < MAX_COMMENT_SNIPPETS {
                    comments.push(CommentSnippet {
                        number: i + 1,
                        of: article.comments.len(),
                        snippet,
                    });
                }
            }
        }
        Snippets {
            body,
            comments_matched: matched,
            comments,
        }
    }
}

/// The best fragment of a field's text for one query.
///
/// This is tantivy's `SnippetGenerator` algorithm: the text is cut at token
/// boundaries into fragments of at most [`FRAGMENT_CHARS`] bytes, each scored
/// by the sum of `1 / (1 + document frequency)` of the query terms it holds;
/// the best fragment wins, the earliest on a tie. The one difference is that
/// the analyzer is kept from call to call. `SnippetGenerator::snippet` clones
/// its analyzer on every call, and a clone of the news analyzer starts with
/// an empty stem cache, so every word of every comment of every hit (up to 40
/// comments an article) was stemmed afresh: that was most of the time of a
/// search with snippets.
struct FieldSnippets {
    /// The query's terms in this field, with their weights.
    terms: BTreeMap<String, f32>,
    /// The field's analyzer (lowercasing, so its tokens compare with the
    /// terms as they are).
    analyzer: RefCell<TextAnalyzer>,
}

impl FieldSnippets {
    /// What `SnippetGenerator::create` gathers: the query's terms in `field`
    /// that occur in the index, and the field's analyzer.
    fn new(searcher: &Searcher, query: &dyn Query, field: Field) -> tantivy::Result<Self> {
        let mut field_terms: BTreeSet<&Term> = BTreeSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                field_terms.insert(term);
            }
        });
        let mut terms = BTreeMap::new();
        for term in field_terms {
            let value = term.value();
            let Some(text) = value.as_str() else {
                continue;
            };
            let doc_freq = searcher.doc_freq(term)?;
            if doc_freq > 0 {
                terms.insert(text.to_string(), 1.0 / (1.0 + doc_freq as f32));
            }
        }
        Ok(FieldSnippets {
            terms,
            analyzer: RefCell::new(searcher.index().tokenizer_for_field(field)?),
        })
    }

    /// The best fragment of `text`, or `None` when no query term occurs in
    /// it.
    fn best(&self, text: &str) -> Option<Snippet> {
        if self.terms.is_empty() {
            return None;
        }
        let mut analyzer = self.analyzer.borrow_mut();
        let mut stream = analyzer.token_stream(text);
        let mut best = None;
        let mut current = Fragment::at(0);
        while let Some(token) = stream.next() {
            if token.offset_to - current.start > FRAGMENT_CHARS {
                std::mem::replace(&mut current, Fragment::at(token.offset_from)).offer(&mut best);
            }
            current.stop = token.offset_to;
            if let Some(&score) = self.terms.get(&token.text) {
                current.score += score;
                current
                    .highlights
                    .push([token.offset_from, token.offset_to]);
            }
        }
        current.offer(&mut best);
        best.map(|f| Snippet {
            text: text[f.start..f.stop].to_string(),
            highlights: f
                .highlights
                .iter()
                .map(|[from, to]| [from - f.start, to - f.start])
                .collect(),
        })
    }
}

/// A candidate fragment: byte range, score and matched terms.
struct Fragment {
    start: usize,
    stop: usize,
    score: f32,
    highlights: Vec<[usize; 2]>,
}

impl Fragment {
    fn at(start: usize) -> Fragment {
        Fragment {
            start,
            stop: start,
            score: 0.0,
            highlights: Vec::new(),
        }
    }

    /// Keeps this fragment if it matches and scores better than `best`
    /// (fragments come in text order, so the earliest wins a tie).
    fn offer(self, best: &mut Option<Fragment>) {
        if self.score > 0.0 && best.as_ref().is_none_or(|b| self.score > b.score) {
            *best = Some(self);
        }
    }
}

/// The body's first characters, cut at a word boundary.
fn lede(article: &StoredArticle) -> Option<Snippet> {
    let first = article.body.first()?;
    let text = match first.char_indices().nth(FRAGMENT_CHARS) {
        None => first.clone(),
        Some((cut, _)) => {
            let head = &first[..cut];
            let at = head
                .rfind(char::is_whitespace)
                .filter(|&i| i > cut / 2)
                .unwrap_or(cut);
            head[..at].trim_end().to_string()
        }
    };
    Some(Snippet {
        text,
        highlights: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::snippet::SnippetGenerator;

    /// Words, some of which stem to the query terms below.
    const WORDS: [&str; 16] = [
        "Banks",
        "banking",
        "bank",
        "the",
        "storm",
        "Storms",
        "insurance",
        "café",
        "U.S.",
        "a",
        "flood-insurance",
        "rates",
        "of",
        "and",
        "é",
        "x",
    ];

    fn field_snippets(terms: &BTreeMap<String, f32>) -> FieldSnippets {
        FieldSnippets {
            terms: terms.clone(),
            analyzer: RefCell::new(crate::analysis::news_en()),
        }
    }

    /// What tantivy's generator makes of the same text, as our snippet.
    fn tantivy_snippet(terms: &BTreeMap<String, f32>, text: &str) -> Option<Snippet> {
        let field = tantivy::schema::Field::from_field_id(0);
        let generator = SnippetGenerator::new(
            terms.clone(),
            crate::analysis::news_en(),
            field,
            FRAGMENT_CHARS,
        );
        let snippet = generator.snippet(text);
        (!snippet.highlighted().is_empty()).then(|| Snippet {
            text: snippet.fragment().to_string(),
            highlights: snippet
                .highlighted()
                .iter()
                .map(|r| [r.start, r.end])
                .collect(),
        })
    }

    fn terms(weights: &[(&str, f32)]) -> BTreeMap<String, f32> {
        weights.iter().map(|(t, w)| (t.to_string(), *w)).collect()
    }

    #[test]
    fn the_best_fragment_is_tantivys() {
        let terms = terms(&[("bank", 0.5), ("storm", 0.25), ("insur", 0.1)]);
        let snippets = field_snippets(&terms);
        let long = "the storm hit the coast ".repeat(12) + "Banks and banking; bank insurance";
        let tie = format!("bank {}bank", "x ".repeat(100));
        for text in [
            "",
            "nothing here",
            "Banks fell.",
            "a storm, then another Storm",
            long.as_str(),
            tie.as_str(),
        ] {
            assert_eq!(
                snippets.best(text),
                tantivy_snippet(&terms, text),
                "{text:?}"
            );
        }
        // Of two fragments that score the same, the first wins.
        assert!(
            snippets
                .best(&tie)
                .is_some_and(|s| s.highlights == [[0, 4]])
        );
        assert_eq!(
            snippets.best("Banks fell."),
            Some(Snippet {
                text: "Banks fell".into(),
                highlights: vec![[0, 5]]
            })
        );
    }

    #[test]
    fn no_terms_no_snippet() {
        assert_eq!(field_snippets(&BTreeMap::new()).best("bank storm"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        // The analyzer is kept from text to text; the results must not
        // depend on what it saw before.
        #[test]
        fn any_text_gets_tantivys_snippet(
            texts in prop::collection::vec(
                prop::collection::vec((0..WORDS.len(), prop::sample::select(vec![" ", ", ", ". ", "\n", "  "])), 0..120),
                1..4,
            ),
            weights in prop::collection::vec(0.01f32..1.0, 4),
        ) {
            let terms = terms(&[
                ("bank", weights[0]),
                ("storm", weights[1]),
                ("insur", weights[2]),
                ("cafe", weights[3]),
            ]);
            let snippets = field_snippets(&terms);
            for words in texts {
                let text: String = words.iter().map(|&(w, sep)| format!("{}{sep}", WORDS[w])).collect();
                prop_assert_eq!(snippets.best(&text), tantivy_snippet(&terms, &text));
            }
        }
    }
}
