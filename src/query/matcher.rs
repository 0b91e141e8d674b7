//! A query as plain Rust can check it against one text: what snippets mark,
//! and how well a comment matches.
//!
//! tantivy tells which articles match, not where: its snippet generator
//! marks every query term on its own, so a phrase was marked word by word
//! (`"bank of america"` bolded every "of"). A [`Matcher`] is built from the
//! same parsed query as the tantivy query ([`super::QueryBuilder::matcher`])
//! and finds, in the words of a text, each term and each whole phrase, and
//! whether the text satisfies the query on its own (all required words, or
//! the phrase), which orders an article's matching comments.
//!
//! A text is read as the index reads it: [`crate::analysis::news_plain`]
//! words, each with its stem ([`crate::analysis::WordStemmer`]), so a
//! stemmed term, an exact word, a prefix and a fuzzy word's expansions are
//! all checked on the same tokens. A sloppy phrase (`"a b"~3`) matches where
//! each word lies within the slop of its place (summed), a close reading of
//! tantivy's rule.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use tantivy::tokenizer::TextAnalyzer;

use crate::analysis::{self, WordStemmer};

/// What one word of the query accepts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pattern {
    /// A word whose stem is this.
    Stem(String),
    /// This word as written (lowercased, folded).
    Word(String),
    /// A word as written that starts with this.
    Prefix(String),
    /// One of these words as written (a fuzzy word's expansions).
    AnyOf(Arc<BTreeSet<String>>),
}

impl Pattern {
    fn accepts(&self, token: &Token) -> bool {
        match self {
            Pattern::Stem(stem) => token.stem == *stem,
            Pattern::Word(word) => token.plain == *word,
            Pattern::Prefix(prefix) => token.plain.starts_with(prefix.as_str()),
            Pattern::AnyOf(words) => words.contains(&token.plain),
        }
    }
}

/// A term or a phrase of the query, with its weight for choosing fragments.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Leaf {
    /// One word.
    Term(Pattern),
    /// Words at offsets from the first, with a slop.
    Phrase(Vec<(u32, Pattern)>, u32),
}

/// How the leaves combine, as the query's clauses do.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tree {
    /// A leaf, by index.
    Leaf(usize),
    /// Every `must` part, and at least one `should` part when there is no
    /// `must` part.
    Group {
        /// Required parts.
        must: Vec<Tree>,
        /// Alternatives.
        should: Vec<Tree>,
    },
}

/// One field's view of a query (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    leaves: Vec<(Leaf, f32)>,
    tree: Option<Tree>,
}

/// A word of a text: as written (folded), its stem, where it is.
#[derive(Debug, Clone)]
struct Token {
    plain: String,
    stem: String,
    from: usize,
    to: usize,
    position: u32,
}

/// A place in a text where a leaf matched: bytes `from..to`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    /// First byte.
    pub from: usize,
    /// End byte.
    pub to: usize,
    /// The leaf's weight.
    pub weight: f32,
    leaf: usize,
}

/// What a matcher found in a text.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Every match, in text order.
    pub spans: Vec<Span>,
    /// Whether the text satisfies the query on its own.
    pub satisfied: bool,
    /// How many different terms and phrases of the query it holds.
    pub distinct: usize,
    /// The sum of the matches' weights.
    pub score: f32,
}

impl Matcher {
    /// A matcher that finds nothing.
    pub fn nothing() -> Matcher {
        Matcher::default()
    }

    pub(crate) fn new(leaves: Vec<(Leaf, f32)>, tree: Option<Tree>) -> Matcher {
        Matcher { leaves, tree }
    }

    /// Finds the query's terms and phrases in `text`.
    pub fn find(&self, text: &str, reader: &TextReader) -> Found {
        if self.tree.is_none() {
            return Found::default();
        }
        let tokens = reader.tokens(text);
        let mut by_position: HashMap<u32, usize> = HashMap::with_capacity(tokens.len());
        for (i, t) in tokens.iter().enumerate() {
            by_position.insert(t.position, i);
        }
        let mut spans = Vec::new();
        for (id, (leaf, weight)) in self.leaves.iter().enumerate() {
            match leaf {
                Leaf::Term(pattern) => {
                    spans.extend(tokens.iter().filter(|t| pattern.accepts(t)).map(|t| Span {
                        from: t.from,
                        to: t.to,
                        weight: *weight,
                        leaf: id,
                    }));
                }
                Leaf::Phrase(patterns, slop) => {
                    phrase_spans(&tokens, &by_position, patterns, *slop, |from, to| {
                        spans.push(Span {
                            from,
                            to,
                            weight: *weight,
                            leaf: id,
                        })
                    });
                }
            }
        }
        spans.sort_by(|a, b| a.from.cmp(&b.from).then(b.to.cmp(&a.to)));
        let found: BTreeSet<usize> = spans.iter().map(|s| s.leaf).collect();
        let satisfied = self.tree.as_ref().is_some_and(|t| holds(t, &found));
        Found {
            score: spans.iter().map(|s| s.weight).sum(),
            distinct: found.len(),
            satisfied,
            spans,
        }
    }
}

/// Calls `emit(from, to)` for every place the phrase matches.
fn phrase_spans(
    tokens: &[Token],
    by_position: &HashMap<u32, usize>,
    patterns: &[(u32, Pattern)],
    slop: u32,
    mut emit: impl FnMut(usize, usize),
) {
    let Some((first_offset, first)) = patterns.first() else {
        return;
    };
    for anchor in tokens.iter().filter(|t| first.accepts(t)) {
        let Some(base) = anchor.position.checked_sub(*first_offset) else {
            continue;
        };
        let (mut from, mut to, mut cost) = (anchor.from, anchor.to, 0u32);
        let mut matched = true;
        for (offset, pattern) in &patterns[1..] {
            let want = base + offset;
            let exact = by_position
                .get(&want)
                .map(|&i| &tokens[i])
                .filter(|t| pattern.accepts(t));
            let hit = match exact {
                Some(t) => Some((t, 0)),
                None if slop > 0 => tokens
                    .iter()
                    .filter(|t| t.position != anchor.position && pattern.accepts(t))
                    .map(|t| (t, t.position.abs_diff(want)))
                    .min_by_key(|&(_, d)| d),
                None => None,
            };
            match hit {
                Some((t, d)) if cost + d <= slop => {
                    cost += d;
                    from = from.min(t.from);
                    to = to.max(t.to);
                }
                _ => {
                    matched = false;
                    break;
                }
            }
        }
        if matched {
            emit(from, to);
        }
    }
}

fn holds(tree: &Tree, found: &BTreeSet<usize>) -> bool {
    match tree {
        Tree::Leaf(id) => found.contains(id),
        Tree::Group { must, should } => {
            must.iter().all(|t| holds(t, found))
                && (!must.is_empty() || should.iter().any(|t| holds(t, found)))
        }
    }
}

/// Reads texts into words and stems, keeping its analyzer and stem cache
/// from text to text (a page of hits reads many comments).
pub struct TextReader {
    analyzer: RefCell<TextAnalyzer>,
    stemmer: RefCell<WordStemmer>,
}

impl Default for TextReader {
    fn default() -> Self {
        TextReader {
            analyzer: RefCell::new(analysis::news_plain()),
            stemmer: RefCell::new(WordStemmer::default()),
        }
    }
}

impl TextReader {
    fn tokens(&self, text: &str) -> Vec<Token> {
        let mut analyzer = self.analyzer.borrow_mut();
        let mut stemmer = self.stemmer.borrow_mut();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push(Token {
                stem: stemmer.stem(&t.text),
                plain: t.text.clone(),
                from: t.offset_from,
                to: t.offset_to,
                position: t.position as u32,
            });
        }
        out
    }
}

/// Merges overlapping or touching spans into highlight ranges, in order.
pub fn merge(spans: &[Span]) -> Vec<[usize; 2]> {
    let mut ranges: Vec<[usize; 2]> = Vec::new();
    let mut sorted: Vec<[usize; 2]> = spans.iter().map(|s| [s.from, s.to]).collect();
    sorted.sort_unstable();
    for [from, to] in sorted {
        match ranges.last_mut() {
            Some(last) if from < last[1] => last[1] = last[1].max(to),
            _ => ranges.push([from, to]),
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(leaves: Vec<Leaf>, tree: Tree) -> Matcher {
        Matcher::new(leaves.into_iter().map(|l| (l, 1.0)).collect(), Some(tree))
    }

    fn stem(word: &str) -> Pattern {
        Pattern::Stem(WordStemmer::default().stem(word))
    }

    fn texts(text: &str, found: &Found) -> Vec<String> {
        merge(&found.spans)
            .iter()
            .map(|[a, b]| text[*a..*b].to_string())
            .collect()
    }

    #[test]
    fn a_phrase_is_found_whole_and_only_as_a_phrase() {
        let m = matcher(
            vec![Leaf::Phrase(
                vec![(0, stem("bank")), (1, stem("of")), (2, stem("america"))],
                0,
            )],
            Tree::Leaf(0),
        );
        let text = "Bank of America, the bank of the year, and banks of America.";
        let found = m.find(text, &TextReader::default());
        assert_eq!(texts(text, &found), ["Bank of America", "banks of America"]);
        assert!(found.satisfied);
    }

    #[test]
    fn sloppy_phrases_allow_moves_in_both_directions() {
        let m = matcher(
            vec![Leaf::Phrase(
                vec![(0, stem("flood")), (1, stem("insurance"))],
                2,
            )],
            Tree::Leaf(0),
        );
        let reader = TextReader::default();
        let text = "insurance flood; flood cover and insurance";
        let found = m.find(text, &reader);
        assert_eq!(
            texts(text, &found),
            ["insurance flood", "flood cover and insurance"]
        );
        assert!(
            m.find("flood, one two three insurance", &reader)
                .spans
                .is_empty()
        );
    }

    #[test]
    fn required_words_decide_satisfaction() {
        let m = matcher(
            vec![Leaf::Term(stem("obamas")), Leaf::Term(stem("advice"))],
            Tree::Group {
                must: vec![Tree::Leaf(0), Tree::Leaf(1)],
                should: vec![],
            },
        );
        let reader = TextReader::default();
        let one = m.find("Obama again.", &reader);
        assert!(!one.satisfied && one.distinct == 1);
        let both = m.find("Obama's advice was good", &reader);
        assert!(both.satisfied && both.distinct == 2);
    }

    #[test]
    fn words_prefixes_and_expansions_match_as_written() {
        let reader = TextReader::default();
        let text = "Banking bank BANKS bankers";
        let cases = [
            (Pattern::Word("bank".into()), vec!["bank"]),
            (Pattern::Prefix("banki".into()), vec!["Banking"]),
            (
                Pattern::AnyOf(Arc::new(["banks".to_string()].into())),
                vec!["BANKS"],
            ),
            (stem("bank"), vec!["Banking", "bank", "BANKS"]),
        ];
        for (pattern, want) in cases {
            let m = matcher(vec![Leaf::Term(pattern.clone())], Tree::Leaf(0));
            assert_eq!(texts(text, &m.find(text, &reader)), want, "{pattern:?}");
        }
    }

    #[test]
    fn overlapping_spans_merge() {
        let span = |from, to| Span {
            from,
            to,
            weight: 1.0,
            leaf: 0,
        };
        assert_eq!(
            merge(&[span(5, 9), span(0, 3), span(2, 4), span(4, 5)]),
            [[0, 4], [4, 5], [5, 9]]
        );
    }
}
