//! A bound on the text handed to tantivy's index writer and not yet
//! analysed by it.
//!
//! `IndexWriter::add_document` queues a document for the writer's threads
//! in a channel of 10,000 operations. Reading and parsing a file is much
//! cheaper than indexing it, so in a long run that channel stays full, and
//! a document holds its text twice (stemmed and as written): at the
//! average article of the bench corpora, some 100 MB on top of the memory
//! budget, for no gain in speed. tantivy lets a caller neither size the
//! channel nor learn when a document leaves it, but a writer thread that
//! takes a document analyses each of its text values once. So the run
//! wraps the analyzer of the words-as-written fields
//! ([`analysis::NEWS_PLAIN`]) in one that adds up the bytes it is given,
//! and a reader thread that would put more than [`LIMIT`] bytes of such
//! text in flight waits until the writer threads have caught up.
//!
//! The bound only saves memory; nothing depends on it for correctness. A
//! writer that analyses nothing for [`STALL`] (a thread flushing a large
//! segment, or one that failed: `add_document` then reports it) no longer
//! holds the reader back, and text analysed for other reasons (a query
//! parsed on the same index meanwhile) only loosens the bound.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tantivy::schema::{FieldType, Value};
use tantivy::tokenizer::{BoxTokenStream, TextAnalyzer, Tokenizer};
use tantivy::{IndexWriter, TantivyDocument};

use crate::analysis;

/// Most bytes of words-as-written text in flight: about 5,000 articles of
/// the bench corpora (a few MB of text, kept twice in a queued document),
/// where tantivy's channel would hold 10,000.
pub(super) const LIMIT: u64 = 8 << 20;

/// How long a reader waits for a writer that analyses nothing before it
/// stops waiting.
pub(super) const STALL: Duration = Duration::from_secs(2);

/// How often a waiting reader looks again: [`LIMIT`] is a few tenths of a
/// second of the writer's work, so a few milliseconds late costs nothing,
/// where waking every half millisecond took 3-5% of a first run of
/// 100,000 articles from the writer's threads.
const POLL: Duration = Duration::from_millis(5);

/// The run's bound: registered on the index when made, the plain analyzer
/// put back when dropped.
pub(super) struct InFlight {
    index: tantivy::Index,
    /// Per field id: whether the field is analysed by [`analysis::NEWS_PLAIN`].
    counted: Vec<bool>,
    /// Bytes of counted text sent to the writer.
    sent: AtomicU64,
    /// Bytes of counted text the writer's threads have analysed.
    analysed: Arc<AtomicU64>,
    limit: u64,
    stall: Duration,
}

impl InFlight {
    /// Wraps the plain analyzer of `index` so that what it analyses is
    /// counted, and bounds what is in flight to `limit` bytes. Make it
    /// before the run's first document is added.
    pub(super) fn new(index: &tantivy::Index, limit: u64, stall: Duration) -> InFlight {
        let schema = index.schema();
        let counted = schema
            .fields()
            .map(|(_, entry)| match entry.field_type() {
                FieldType::Str(options) => options
                    .get_indexing_options()
                    .is_some_and(|i| i.tokenizer() == analysis::NEWS_PLAIN),
                _ => false,
            })
            .collect();
        let analysed = Arc::new(AtomicU64::new(0));
        index.tokenizers().register(
            analysis::NEWS_PLAIN,
            TextAnalyzer::from(Counting {
                inner: analysis::news_plain(),
                analysed: Arc::clone(&analysed),
            }),
        );
        InFlight {
            index: index.clone(),
            counted,
            sent: AtomicU64::new(0),
            analysed,
            limit,
            stall,
        }
    }

    /// Adds `doc` to `writer` once the text in flight leaves room for it
    /// (or the writer has stalled).
    pub(super) fn add(&self, writer: &IndexWriter, doc: TantivyDocument) -> tantivy::Result<u64> {
        let weight = self.weight(&doc);
        let end = self.sent.fetch_add(weight, Ordering::Relaxed) + weight;
        self.wait_for(end.saturating_sub(self.limit));
        writer.add_document(doc)
    }

    /// Bytes of counted text in `doc`: what its analysis will add up.
    fn weight(&self, doc: &TantivyDocument) -> u64 {
        doc.field_values()
            .filter(|(field, _)| {
                self.counted
                    .get(field.field_id() as usize)
                    .copied()
                    .unwrap_or(false)
            })
            .filter_map(|(_, value)| value.as_str().map(|s| s.len() as u64))
            .sum()
    }

    /// Waits until the writer has analysed `target` bytes, or has analysed
    /// nothing for the stall time.
    fn wait_for(&self, target: u64) {
        let mut seen = self.analysed.load(Ordering::Relaxed);
        let mut since = Instant::now();
        while seen < target {
            std::thread::sleep(POLL);
            let now = self.analysed.load(Ordering::Relaxed);
            if now != seen {
                seen = now;
                since = Instant::now();
            } else if since.elapsed() >= self.stall {
                return;
            }
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.index
            .tokenizers()
            .register(analysis::NEWS_PLAIN, analysis::news_plain());
    }
}

/// An analyzer that adds up the bytes of the text it is given.
#[derive(Clone)]
struct Counting {
    inner: TextAnalyzer,
    analysed: Arc<AtomicU64>,
}

impl Tokenizer for Counting {
    type TokenStream<'a> = BoxTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BoxTokenStream<'a> {
        self.analysed
            .fetch_add(text.len() as u64, Ordering::Relaxed);
        self.inner.token_stream(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    fn index() -> tantivy::Index {
        let index = tantivy::Index::create_in_ram(schema::build_schema());
        analysis::register(&index);
        index
    }

    #[test]
    fn the_analysis_of_a_document_counts_what_its_weight_says() {
        let index = index();
        let fields = schema::Fields::new(&index.schema()).unwrap();
        let inflight = InFlight::new(&index, LIMIT, STALL);
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.body_words, "Harbour ferries run");
        doc.add_text(fields.body, "Harbour ferries run");
        doc.add_text(fields.comments_words, "late again");
        doc.add_text(fields.id, "a1");
        assert_eq!(inflight.weight(&doc), 19 + 10);
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        inflight.add(&writer, doc).unwrap();
        writer.commit().unwrap();
        assert_eq!(inflight.analysed.load(Ordering::Relaxed), 29);
    }

    #[test]
    fn a_stalled_writer_does_not_hold_the_reader_back() {
        let index = index();
        let inflight = InFlight::new(&index, 0, Duration::from_millis(50));
        let started = Instant::now();
        // Nothing will ever be analysed: the wait ends at the stall time.
        inflight.wait_for(1);
        assert!(started.elapsed() >= Duration::from_millis(50));
    }

    #[test]
    fn dropping_the_bound_puts_the_plain_analyzer_back() {
        let index = index();
        let inflight = InFlight::new(&index, LIMIT, STALL);
        let analysed = Arc::clone(&inflight.analysed);
        drop(inflight);
        let mut analyzer = index.tokenizers().get(analysis::NEWS_PLAIN).unwrap();
        let mut stream = analyzer.token_stream("Harbour");
        assert!(stream.advance());
        assert_eq!(stream.token().text, "harbour");
        assert_eq!(analysed.load(Ordering::Relaxed), 0);
    }
}
