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
use std::collections::BTreeSet;
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
    fn accepts(&self, words: &Words, token: &Token) -> bool {
        match self {
            Pattern::Stem(stem) => token.stem.as_deref() == Some(stem.as_str()),
            Pattern::Word(word) => words.plain(token) == word,
            Pattern::Prefix(prefix) => words.plain(token).starts_with(prefix.as_str()),
            Pattern::AnyOf(expansions) => expansions.contains(words.plain(token)),
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

impl Leaf {
    /// The patterns of its words: one for a term, each word's for a phrase.
    fn patterns(&self) -> impl Iterator<Item = &Pattern> {
        let (term, phrase) = match self {
            Leaf::Term(pattern) => (Some(pattern), None),
            Leaf::Phrase(words, _) => (None, Some(words.iter().map(|(_, pattern)| pattern))),
        };
        term.into_iter().chain(phrase.into_iter().flatten())
    }
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

/// Most terms [`Matcher::needed_terms`] gives: past this, looking them up
/// in the index would cost about what reading the texts does.
pub(crate) const MAX_NEEDED_TERMS: usize = 32;

/// One field's view of a query (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    leaves: Vec<(Leaf, f32)>,
    tree: Option<Tree>,
    /// The first letters of the stems that the leaves look for: a word is
    /// stemmed only when it starts with one of them (see [`Initials`]).
    initials: Initials,
}

/// The first characters of a set of stems.
///
/// English Snowball stemming keeps a word's first character: it rewrites
/// suffixes (`-ies`, `-ational`, `y` to `i`), and its exceptions (`dying` to
/// `die`, `skies` to `sky`) keep it too; it only drops a leading apostrophe,
/// which the tokenizer never leaves in a word. So a word whose first
/// character starts none of the stems cannot have one of them, and
/// [`TextReader`] skips stemming it: most words of a text, for most queries.
/// `the_first_character_survives_stemming` checks the rule on the stemmer's
/// exceptions and a large vocabulary.
#[derive(Debug, Clone, Default)]
struct Initials(Vec<char>);

impl Initials {
    fn of(leaves: &[(Leaf, f32)]) -> Initials {
        let mut firsts = Vec::new();
        for (leaf, _) in leaves {
            firsts.extend(leaf.patterns().filter_map(|pattern| match pattern {
                Pattern::Stem(stem) => stem.chars().next(),
                _ => None,
            }));
        }
        firsts.sort_unstable();
        firsts.dedup();
        Initials(firsts)
    }

    /// Whether `word` may have one of the stems.
    fn admit(&self, word: &str) -> bool {
        word.chars().next().is_some_and(|c| self.0.contains(&c))
    }
}

/// The words of a text, as written (folded) one after another in one
/// buffer, so that reading a text allocates per text, not per word.
struct Words {
    plain: String,
    tokens: Vec<Token>,
}

impl Words {
    /// The word as written (lowercased, folded).
    fn plain(&self, token: &Token) -> &str {
        &self.plain[token.plain.0 as usize..token.plain.1 as usize]
    }
}

/// A word of a text: where its folded form sits in [`Words::plain`], its
/// stem (shared with every other occurrence; none where the matcher's
/// [`Initials`] rule out every stem it looks for), where it is in the text.
#[derive(Debug, Clone)]
struct Token {
    plain: (u32, u32),
    stem: Option<Arc<str>>,
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
        let initials = Initials::of(&leaves);
        Matcher {
            leaves,
            tree,
            initials,
        }
    }

    /// The index terms of which a text must hold one for [`Matcher::find`]
    /// to find anything in it: `(true, stem)` for a stemmed word,
    /// `(false, word)` for a word as written, from every leaf (a phrase
    /// needs all of its words, so any of them will do). `None` when a
    /// leaf stands for words that are not spelled out (a prefix), or for
    /// more than [`MAX_NEEDED_TERMS`] (a fuzzy word's many expansions).
    pub(crate) fn needed_terms(&self) -> Option<Vec<(bool, &str)>> {
        let mut terms = Vec::new();
        if self.tree.is_none() {
            return Some(terms);
        }
        for (leaf, _) in &self.leaves {
            for pattern in leaf.patterns() {
                match pattern {
                    Pattern::Stem(stem) => terms.push((true, stem.as_str())),
                    Pattern::Word(word) => terms.push((false, word.as_str())),
                    Pattern::Prefix(_) => return None,
                    Pattern::AnyOf(words) => {
                        terms.extend(words.iter().map(|w| (false, w.as_str())));
                    }
                }
                if terms.len() > MAX_NEEDED_TERMS {
                    return None;
                }
            }
        }
        terms.sort_unstable();
        terms.dedup();
        Some(terms)
    }

    /// Finds the query's terms and phrases in `text`.
    pub fn find(&self, text: &str, reader: &TextReader) -> Found {
        if self.tree.is_none() {
            return Found::default();
        }
        let words = reader.words(text, &self.initials);
        let tokens = &words.tokens;
        let mut spans = Vec::new();
        for (id, (leaf, weight)) in self.leaves.iter().enumerate() {
            match leaf {
                Leaf::Term(pattern) => {
                    spans.extend(
                        tokens
                            .iter()
                            .filter(|t| pattern.accepts(&words, t))
                            .map(|t| Span {
                                from: t.from,
                                to: t.to,
                                weight: *weight,
                                leaf: id,
                            }),
                    );
                }
                Leaf::Phrase(patterns, slop) => {
                    phrase_spans(&words, patterns, *slop, |from, to| {
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
    words: &Words,
    patterns: &[(u32, Pattern)],
    slop: u32,
    mut emit: impl FnMut(usize, usize),
) {
    let Some((first_offset, first)) = patterns.first() else {
        return;
    };
    let tokens = &words.tokens;
    for anchor in tokens.iter().filter(|t| first.accepts(words, t)) {
        let Some(base) = anchor.position.checked_sub(*first_offset) else {
            continue;
        };
        let (mut from, mut to, mut cost) = (anchor.from, anchor.to, 0u32);
        let mut matched = true;
        for (offset, pattern) in &patterns[1..] {
            let want = base + offset;
            // Positions rise through the text (with gaps where a long
            // word was left out).
            let exact = tokens
                .binary_search_by_key(&want, |t| t.position)
                .ok()
                .map(|i| &tokens[i])
                .filter(|t| pattern.accepts(words, t));
            let hit = match exact {
                Some(t) => Some((t, 0)),
                None if slop > 0 => tokens
                    .iter()
                    .filter(|t| t.position != anchor.position && pattern.accepts(words, t))
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

/// Reads texts into words and stems, keeping its analyzer from text to
/// text (a page of hits reads many comments). Stems come from a memo that
/// each thread keeps from query to query.
pub struct TextReader {
    analyzer: RefCell<TextAnalyzer>,
}

impl Default for TextReader {
    fn default() -> Self {
        TextReader {
            analyzer: RefCell::new(analysis::news_plain()),
        }
    }
}

impl TextReader {
    fn words(&self, text: &str, initials: &Initials) -> Words {
        let mut analyzer = self.analyzer.borrow_mut();
        let mut stream = analyzer.token_stream(text);
        let mut words = Words {
            plain: String::with_capacity(text.len()),
            tokens: Vec::with_capacity(text.len() / 6),
        };
        STEMS.with_borrow_mut(|stemmer| {
            while let Some(t) = stream.next() {
                let start = words.plain.len();
                words.plain.push_str(&t.text);
                words.tokens.push(Token {
                    plain: (start as u32, words.plain.len() as u32),
                    stem: initials
                        .admit(&t.text)
                        .then(|| stemmer.stem_shared(&t.text)),
                    from: t.offset_from,
                    to: t.offset_to,
                    position: t.position as u32,
                });
            }
        });
        words
    }
}

thread_local! {
    /// The stems this thread has computed for matchers. Stems depend on the
    /// word alone, so one stemmer serves every query and text: a server
    /// thread or a search reading ten bodies stems each distinct word once
    /// (its cache is bounded as the indexer's is).
    static STEMS: RefCell<WordStemmer> = RefCell::new(WordStemmer::default());
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

    #[test]
    fn needed_terms_are_every_word_unless_one_is_not_spelled_out() {
        let m = matcher(
            vec![
                Leaf::Term(stem("harbours")),
                Leaf::Phrase(
                    vec![(0, Pattern::Word("tide".into())), (1, stem("tables"))],
                    0,
                ),
            ],
            Tree::Group {
                must: vec![Tree::Leaf(0), Tree::Leaf(1)],
                should: Vec::new(),
            },
        );
        assert_eq!(
            m.needed_terms(),
            Some(vec![(false, "tide"), (true, "harbour"), (true, "tabl")])
        );
        let prefix = matcher(
            vec![Leaf::Term(Pattern::Prefix("harb".into()))],
            Tree::Leaf(0),
        );
        assert_eq!(prefix.needed_terms(), None);
        let many: BTreeSet<String> = (0..=MAX_NEEDED_TERMS).map(|i| format!("w{i}")).collect();
        let fuzzy = matcher(
            vec![Leaf::Term(Pattern::AnyOf(Arc::new(many)))],
            Tree::Leaf(0),
        );
        assert_eq!(fuzzy.needed_terms(), None);
        assert_eq!(Matcher::nothing().needed_terms(), Some(Vec::new()));
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

    /// Every distinct word of sample-corpus, read as the index reads it.
    fn sample_vocabulary() -> BTreeSet<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus");
        let mut words = BTreeSet::new();
        let mut analyzer = analysis::news_plain();
        for entry in walkdir::WalkDir::new(root).into_iter().flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            let mut stream = analyzer.token_stream(&text);
            while let Some(token) = stream.next() {
                words.insert(token.text.clone());
            }
        }
        words
    }

    #[test]
    fn the_first_character_survives_stemming() {
        // The stemmer's exceptions, suffix rewrites on every initial letter,
        // and a real vocabulary.
        let mut words: BTreeSet<String> = [
            "skis",
            "skies",
            "dying",
            "lying",
            "tying",
            "idly",
            "gently",
            "ugly",
            "early",
            "only",
            "singly",
            "news",
            "howe",
            "atlas",
            "cosmos",
            "bias",
            "andes",
            "yes",
            "yield",
            "y",
            "ies",
            "ying",
            "generously",
            "communal",
            "arsenal",
            "1990s",
            "x2",
        ]
        .map(String::from)
        .into();
        let suffixes = [
            "ies", "ying", "y", "ational", "tional", "ization", "fulness", "ously", "ly", "s",
            "es", "ing", "ed", "eed", "ement", "ly", "li", "ogi", "iviti", "biliti",
        ];
        for initial in ('a'..='z').chain('0'..='9') {
            for middle in ["", "a", "y", "ra", "ee", "yi", "st"] {
                for suffix in suffixes {
                    words.insert(format!("{initial}{middle}{suffix}"));
                }
            }
        }
        words.extend(sample_vocabulary());
        assert!(
            words.len() > 3000,
            "too small a vocabulary: {}",
            words.len()
        );
        let mut stemmer = WordStemmer::default();
        for word in &words {
            let stem = stemmer.stem(word);
            assert_eq!(
                stem.chars().next(),
                word.chars().next(),
                "{word} stems to {stem}"
            );
        }
    }

    #[test]
    fn skipping_words_by_initial_finds_what_stemming_every_word_finds() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus");
        let texts: Vec<String> = walkdir::WalkDir::new(root)
            .into_iter()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        assert!(texts.len() > 20);
        let vocabulary: Vec<String> = sample_vocabulary().into_iter().collect();
        // Initials that admit every word of the texts.
        let mut firsts: Vec<char> = vocabulary.iter().filter_map(|w| w.chars().next()).collect();
        firsts.sort_unstable();
        firsts.dedup();
        let everything = Initials(firsts);
        let reader = TextReader::default();
        // Terms and two-word phrases on words spread over the vocabulary.
        for (i, word) in vocabulary.iter().enumerate().step_by(37) {
            let next = &vocabulary[(i * 7 + 3) % vocabulary.len()];
            let leaves = vec![
                (Leaf::Term(stem(word)), 1.0),
                (Leaf::Phrase(vec![(0, stem(word)), (1, stem(next))], 1), 1.0),
            ];
            let tree = Tree::Group {
                must: vec![],
                should: vec![Tree::Leaf(0), Tree::Leaf(1)],
            };
            let filtered = Matcher::new(leaves.clone(), Some(tree.clone()));
            let mut every = Matcher::new(leaves, Some(tree));
            every.initials = everything.clone();
            for text in &texts {
                let (a, b) = (filtered.find(text, &reader), every.find(text, &reader));
                assert_eq!(a.spans, b.spans, "{word} / {next}");
                assert_eq!(a.satisfied, b.satisfied);
            }
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
