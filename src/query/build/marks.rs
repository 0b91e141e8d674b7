//! The other half of the builder: the [`Matcher`] of a query, which finds
//! in one text (the body, a comment) the terms and phrases the tantivy query
//! matched, for snippets and for ranking an article's comments.

use std::collections::BTreeSet;
use std::sync::Arc;

use tantivy::Term;
use tantivy::query::Occur;

use super::{PhraseWord, QueryBuilder, Target, Text, occur};
use crate::query::matcher::{Leaf, Matcher, Pattern, Tree};
use crate::query::parse::{Form, Node};

impl QueryBuilder<'_> {
    /// The [`Matcher`] of the positive part of `node` (see
    /// [`super::positive`]) in one text: what a snippet of the body or of a
    /// comment marks.
    pub fn matcher(&mut self, node: &Node, text: Text) -> Matcher {
        let mut leaves = Vec::new();
        let tree = self.tree(node, text, &mut leaves);
        Matcher::new(leaves, tree)
    }

    fn tree(&mut self, node: &Node, text: Text, leaves: &mut Vec<(Leaf, f32)>) -> Option<Tree> {
        match node {
            Node::All => None,
            Node::Word {
                field,
                text: word,
                form,
                ..
            } => {
                let target = self.text_target(field.as_deref(), text)?;
                let leaf = self.word_leaf(target, word, *form)?;
                Some(self.push(leaf, target, leaves))
            }
            Node::Phrase {
                field,
                text: phrase,
                slop,
                exact,
                ..
            } => {
                let target = self.text_target(field.as_deref(), text)?;
                let words = self.words(phrase);
                let as_written = *exact || words.iter().any(|w| w.prefix);
                let leaf = leaf_of(&words, *slop, |w| pattern(w, as_written))?;
                Some(self.push(leaf, target, leaves))
            }
            Node::Or { branches, .. } => {
                let should: Vec<Tree> = branches
                    .iter()
                    .filter_map(|b| self.tree(b, text, leaves))
                    .collect();
                group(Vec::new(), should)
            }
            Node::And {
                clauses,
                explicit_and,
                ..
            } => {
                let plain = self.plain_occur(*explicit_and);
                let (mut must, mut should) = (Vec::new(), Vec::new());
                for (modifier, clause) in clauses {
                    let occur = occur(*modifier, plain);
                    if occur == Occur::MustNot {
                        continue;
                    }
                    if let Some(t) = self.tree(clause, text, leaves) {
                        if occur == Occur::Must {
                            must.push(t);
                        } else {
                            should.push(t);
                        }
                    }
                }
                group(must, should)
            }
        }
    }

    /// The target of a term in the text a matcher reads, if it is searched
    /// there.
    fn text_target(&self, field: Option<&str>, text: Text) -> Option<Target> {
        self.targets(field)
            .into_iter()
            .find(|t| t.text == Some(text))
    }

    fn word_leaf(&mut self, target: Target, word: &str, form: Form) -> Option<Leaf> {
        let mut words = self.words(word);
        match form {
            Form::Stemmed => leaf_of(&words, 0, |w| pattern(w, false)),
            Form::Exact => leaf_of(&words, 0, |w| pattern(w, true)),
            Form::Prefix => {
                words.last_mut()?.prefix = true;
                leaf_of(&words, 0, |w| pattern(w, true))
            }
            Form::Fuzzy(distance) => match words.as_slice() {
                [w] => {
                    let expansions = self.expand_fuzzy(target.words, &w.plain, distance);
                    let set: BTreeSet<String> = expansions.into_iter().map(|(t, _)| t).collect();
                    Some(Leaf::Term(Pattern::AnyOf(Arc::new(set))))
                }
                _ => leaf_of(&words, 0, |w| pattern(w, true)),
            },
        }
    }

    /// Adds a leaf with its weight (rarer terms weigh more, as in tantivy's
    /// snippets; a phrase weighs twice its words, so that the fragment
    /// holding the phrase wins).
    fn push(&self, leaf: Leaf, target: Target, leaves: &mut Vec<(Leaf, f32)>) -> Tree {
        let weight = match &leaf {
            Leaf::Term(p) => self.weight(target, p),
            Leaf::Phrase(patterns, _) => {
                2.0 * patterns
                    .iter()
                    .map(|(_, p)| self.weight(target, p))
                    .sum::<f32>()
            }
        };
        leaves.push((leaf, weight));
        Tree::Leaf(leaves.len() - 1)
    }

    fn weight(&self, target: Target, pattern: &Pattern) -> f32 {
        let doc_freq = |field, text: &str| {
            self.searcher
                .doc_freq(&Term::from_field_text(field, text))
                .unwrap_or(0)
        };
        let df = match pattern {
            Pattern::Stem(stem) => doc_freq(target.stemmed, stem),
            Pattern::Word(word) => doc_freq(target.words, word),
            Pattern::Prefix(prefix) => self
                .expand_prefix(target.words, prefix, 1)
                .first()
                .map_or(0, |(_, df)| *df),
            Pattern::AnyOf(words) => words
                .iter()
                .map(|w| doc_freq(target.words, w))
                .max()
                .unwrap_or(0),
        };
        1.0 / (1.0 + df as f32)
    }
}

/// The matcher that checks a phrase of words as written in a stored text.
pub(super) fn phrase_matcher(words: &[PhraseWord], slop: u32) -> Matcher {
    let leaf = leaf_of(words, slop, |w| pattern(w, true));
    let tree = leaf.is_some().then_some(Tree::Leaf(0));
    Matcher::new(leaf.into_iter().map(|l| (l, 1.0)).collect(), tree)
}

/// The leaf of words in a row: a term for one word, a phrase for several.
fn leaf_of(
    words: &[PhraseWord],
    slop: u32,
    pattern: impl Fn(&PhraseWord) -> Pattern,
) -> Option<Leaf> {
    match words {
        [] => None,
        [w] => Some(Leaf::Term(pattern(w))),
        _ => {
            let first = words[0].position;
            Some(Leaf::Phrase(
                words
                    .iter()
                    .map(|w| (w.position - first, pattern(w)))
                    .collect(),
                slop,
            ))
        }
    }
}

/// What one word accepts: its stem, or, as written, itself or its prefix.
fn pattern(word: &PhraseWord, as_written: bool) -> Pattern {
    match (word.prefix, as_written) {
        (true, _) => Pattern::Prefix(word.plain.clone()),
        (false, true) => Pattern::Word(word.plain.clone()),
        (false, false) => Pattern::Stem(word.stem.clone()),
    }
}

fn group(must: Vec<Tree>, should: Vec<Tree>) -> Option<Tree> {
    match (must.len(), should.len()) {
        (0, 0) => None,
        (1, 0) => must.into_iter().next(),
        (0, 1) => should.into_iter().next(),
        _ => Some(Tree::Group { must, should }),
    }
}
