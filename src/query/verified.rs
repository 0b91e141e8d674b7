//! Phrases of words as written (`="bank of america"`, `"petro* company"`),
//! checked against the stored text.
//!
//! The unstemmed copies of the text (`body_words`, ...) keep no positions:
//! positions would make indexing cost half as much again, for queries that
//! are rare. Such a phrase is answered in two steps: the stemmed field, which
//! keeps positions, gives the candidates (the phrase of the words' stems, or
//! of their prefixes' stems: every article that holds the phrase as written
//! holds it stemmed too); then each candidate's stored text (the headline,
//! the body, or each comment on its own, as the index reads them) is read
//! with the query's [`Matcher`], and only articles where the words as
//! written form the phrase match. Scores are those of the candidate query.

use std::fmt;
use std::sync::Arc;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, Value};
use tantivy::store::StoreReader;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyDocument};

use super::matcher::{Matcher, TextReader};

/// A query that matches the candidates of `candidates` whose stored
/// `field` holds what `matcher` looks for (in any one of its values).
#[derive(Clone)]
pub(crate) struct Verified {
    pub(crate) candidates: Arc<dyn Query>,
    pub(crate) field: Field,
    pub(crate) matcher: Arc<Matcher>,
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Verified({:?} in {:?})", self.candidates, self.field)
    }
}

impl Query for Verified {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(VerifiedWeight {
            candidates: self.candidates.weight(enable_scoring)?,
            field: self.field,
            matcher: Arc::clone(&self.matcher),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.candidates.query_terms(visitor);
    }
}

struct VerifiedWeight {
    candidates: Box<dyn Weight>,
    field: Field,
    matcher: Arc<Matcher>,
}

impl VerifiedWeight {
    fn check(&self, reader: &SegmentReader) -> tantivy::Result<Check> {
        Ok(Check {
            store: reader.get_store_reader(1)?,
            field: self.field,
            matcher: Arc::clone(&self.matcher),
            text: TextReader::default(),
        })
    }
}

impl Weight for VerifiedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorer = VerifiedScorer {
            inner: self.candidates.scorer(reader, boost)?,
            check: self.check(reader)?,
        };
        if scorer.inner.doc() != TERMINATED && !scorer.check.holds(scorer.inner.doc()) {
            scorer.advance();
        }
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.check(reader)?.holds(doc) {
            self.candidates.explain(reader, doc)
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not hold the phrase as written"
            )))
        }
    }
}

/// Reads a candidate's stored text and looks for the phrase in it.
struct Check {
    store: StoreReader,
    field: Field,
    matcher: Arc<Matcher>,
    text: TextReader,
}

impl Check {
    fn holds(&self, doc: DocId) -> bool {
        // A document the store cannot give back cannot be checked: it does
        // not match (the index is damaged, and other reads will say so).
        let Ok(stored) = self.store.get::<TantivyDocument>(doc) else {
            return false;
        };
        stored
            .get_all(self.field)
            .filter_map(|v| v.as_str())
            .any(|text| self.matcher.find(text, &self.text).satisfied)
    }
}

struct VerifiedScorer {
    inner: Box<dyn Scorer>,
    check: Check,
}

impl DocSet for VerifiedScorer {
    fn advance(&mut self) -> DocId {
        loop {
            let doc = self.inner.advance();
            if doc == TERMINATED || self.check.holds(doc) {
                return doc;
            }
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.inner.seek(target);
        if doc == TERMINATED || self.check.holds(doc) {
            return doc;
        }
        self.advance()
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for VerifiedScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}
