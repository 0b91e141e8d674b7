//! Text analysis: the tokenizers that turn article text into index terms.
//!
//! `news_en` is the analyzer of headlines, bodies and comments: words split at
//! non-alphanumeric characters, tokens over 40 bytes dropped, lowercased,
//! folded to ASCII, then stemmed with the English Snowball stemmer. Query text
//! goes through the same analyzer, so `Banks` finds `banking`. Stop words
//! are indexed; queries whose words are alternatives leave them out
//! ([`is_stop_word`]).
//!
//! The stemmer is the dominant cost of analysis (about 250 ns a token), and
//! news vocabulary is highly repetitive, so [`CachedStemmer`] remembers the
//! stems it has computed. Each indexing thread holds its own cache (tantivy
//! clones the analyzer per segment writer), so there is no locking; the cache
//! is cleared when it reaches [`STEM_CACHE_CAPACITY`] entries, which bounds its
//! memory to a few megabytes. A word met before costs a foldhash of its bytes,
//! one probe of a table of offsets and one read of a buffer that holds the
//! word and its stem side by side: on one thread, over the bodies of 20,000
//! generated articles, `news_en` takes 61-68 ns a token where a map of boxed
//! words to shared stems hashed with streaming xxh3 took 87-106 (and
//! `news_plain`, without stemming, about 32).

use std::collections::HashMap;
use std::sync::Arc;

use foldhash::fast::FixedState;
use hashbrown::HashTable;
use std::hash::BuildHasher;
use std::mem;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

/// Name of the English news analyzer.
pub(crate) const NEWS_EN: &str = "news_en";
/// Name of the unstemmed analyzer used for source names.
pub const NEWS_PLAIN: &str = "news_plain";
/// Name of the analyzer that lowercases a whole value into one token.
pub const LOWER_RAW: &str = "lower_raw";
/// Tokens longer than this many bytes are dropped (URLs, base64 noise).
pub const MAX_TOKEN_BYTES: usize = 40;
/// Entries a stem cache holds before it is cleared.
pub const STEM_CACHE_CAPACITY: usize = 200_000;

/// English function words, dropped from natural-language queries (see
/// [`is_stop_word`]): the Snowball project's English stop list without its
/// contractions (which the tokenizer splits anyway), sorted. `us` is not on
/// it, so `US` (the country) stays searchable.
#[rustfmt::skip]
pub const QUERY_STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
    "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "me", "more",
    "most", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other",
    "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so",
    "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then",
    "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up",
    "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why",
    "with", "would", "you", "your", "yours", "yourself", "yourselves",
];

/// Registers the newsidx analyzers on an index. Call before writing or
/// parsing queries.
pub fn register(index: &tantivy::Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(NEWS_EN, news_en());
    tokenizers.register(NEWS_PLAIN, news_plain());
    tokenizers.register(LOWER_RAW, lower_raw());
}

/// The English news analyzer (see the module docs).
pub fn news_en() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer)
        .build()
}

/// Words, lowercased and folded to ASCII, without stemming.
pub fn news_plain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The whole value as one lowercased token.
pub fn lower_raw() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Normalises a word the way [`news_plain`] does (lowercase, ASCII folding),
/// without stemming: what a prefix query matches against.
pub fn fold(text: &str) -> String {
    let mut analyzer = news_plain();
    let mut stream = analyzer.token_stream(text);
    let mut out = String::new();
    while let Some(token) = stream.next() {
        out.push_str(&token.text);
    }
    out
}

/// Whether `word`, folded as [`fold`] does, is one of the
/// [`QUERY_STOP_WORDS`].
///
/// Stop words are kept in the index (phrases such as `"state of the union"`
/// and words such as `The Who` stay searchable); only queries whose words are
/// alternatives (`--any`, and the natural-language queries of
/// [`crate::eval`]) leave them out. A stop word required by an AND query
/// matches nearly every article and changes nothing, but as an alternative it
/// makes every article a hit and adds a little score to each for `what`,
/// `which` or `has`: noise that pushes relevant articles down.
pub fn is_stop_word(word: &str) -> bool {
    QUERY_STOP_WORDS.binary_search(&fold(word).as_str()).is_ok()
}

/// Stems single words as [`news_en`] does, remembering the stems it has
/// computed: for code that has a word already tokenized by [`news_plain`]
/// and needs its stem too (snippets).
#[derive(Default)]
pub struct WordStemmer(StemCache);

impl WordStemmer {
    /// The stem of `word`, which must be lowercased and folded already.
    pub fn stem(&mut self, word: &str) -> String {
        let mut word = word.to_string();
        self.0.stem_in_place(&mut word);
        word
    }

    /// The stem of `word` (lowercased and folded), shared with every other
    /// occurrence the stemmer has met: no allocation once it is known.
    pub(crate) fn stem_shared(&mut self, word: &str) -> Arc<str> {
        self.0.stem_shared(word)
    }
}

/// The English Snowball stemmer, with a per-thread memo of computed stems.
#[derive(Clone, Copy, Debug, Default)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            cache: TokenStems::default(),
        }
    }
}

/// The tokenizer that [`CachedStemmer`] wraps around another.
#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    cache: TokenStems,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            cache: &mut self.cache,
        }
    }
}

/// Token stream of [`CachedStemmerFilter`].
pub struct CachedStemmerStream<'a, S> {
    tail: S,
    cache: &'a mut TokenStems,
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        self.cache.stem_in_place(&mut token.text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The stems of a token stream's words: each word and its stem side by
/// side in one buffer, found through a table of offsets, so that a word
/// met before costs a hash, one probe and one read of the buffer (no
/// pointer to follow to the word, none to its stem).
struct TokenStems {
    stemmer: frostem::Stemmer,
    hasher: FixedState,
    table: HashTable<StemSlot>,
    /// Each entry: the word's bytes, then its stem's (when it differs).
    bytes: Vec<u8>,
}

/// Where a word and its stem are in [`TokenStems::bytes`]; words are at
/// most [`MAX_TOKEN_BYTES`] long, and stems no longer than their words.
#[derive(Clone, Copy)]
struct StemSlot {
    start: u32,
    word_len: u8,
    /// `u8::MAX`: the stem is the word itself.
    stem_len: u8,
}

impl Default for TokenStems {
    fn default() -> Self {
        TokenStems {
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            hasher: FixedState::default(),
            table: HashTable::new(),
            bytes: Vec::new(),
        }
    }
}

impl Clone for TokenStems {
    /// A clone starts empty: caches are per thread.
    fn clone(&self) -> Self {
        TokenStems::default()
    }
}

impl TokenStems {
    fn stem_in_place(&mut self, word: &mut String) {
        let hash = self.hasher.hash_one(word.as_bytes());
        let bytes = &self.bytes;
        let found = self.table.find(hash, |slot| {
            let start = slot.start as usize;
            bytes.get(start..start + usize::from(slot.word_len)) == Some(word.as_bytes())
        });
        if let Some(&slot) = found {
            if slot.stem_len != u8::MAX {
                let start = slot.start as usize + usize::from(slot.word_len);
                let stem = &self.bytes[start..start + usize::from(slot.stem_len)];
                // The bytes of a stem stored whole: valid UTF-8.
                word.clear();
                word.push_str(std::str::from_utf8(stem).unwrap_or_default());
            }
            return;
        }
        let stem = self.stemmer.stem(word);
        if self.table.len() >= STEM_CACHE_CAPACITY {
            self.table.clear();
            self.bytes.clear();
        }
        // A word or stem too long for a slot is stemmed and not kept (the
        // analyzer drops tokens over `MAX_TOKEN_BYTES` before this).
        let unchanged = *stem == **word;
        let lengths = (
            u8::try_from(word.len()),
            u8::try_from(stem.len()).ok().filter(|&len| len < u8::MAX),
            u32::try_from(self.bytes.len()),
        );
        let (Ok(word_len), Some(stem_len), Ok(start)) = lengths else {
            *word = stem.into_owned();
            return;
        };
        let stem_len = if unchanged { u8::MAX } else { stem_len };
        self.bytes.extend_from_slice(word.as_bytes());
        if stem_len != u8::MAX {
            self.bytes.extend_from_slice(stem.as_bytes());
        }
        let slot = StemSlot {
            start,
            word_len,
            stem_len,
        };
        let hasher = &self.hasher;
        let bytes = &self.bytes;
        self.table.insert_unique(hash, slot, |slot| {
            let start = slot.start as usize;
            hasher.hash_one(&bytes[start..start + usize::from(slot.word_len)])
        });
        if stem_len != u8::MAX {
            *word = stem.into_owned();
        }
    }
}

/// The stems a [`WordStemmer`] has computed (the token filter has
/// [`TokenStems`]).
struct StemCache {
    stemmer: frostem::Stemmer,
    /// Keyed with foldhash: words are short, and the default
    /// (DoS-resistant) hasher costs far more than the lookup. Stems are
    /// shared (`Arc`) so that a reader of many texts
    /// ([`WordStemmer::stem_shared`]) holds one copy of each.
    stems: HashMap<Box<str>, Arc<str>, FixedState>,
}

impl Default for StemCache {
    fn default() -> Self {
        StemCache {
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            stems: HashMap::with_hasher(FixedState::default()),
        }
    }
}

impl Clone for StemCache {
    /// A clone starts with an empty cache: caches are per thread.
    fn clone(&self) -> Self {
        StemCache::default()
    }
}

impl StemCache {
    fn stem_in_place(&mut self, word: &mut String) {
        if let Some(stem) = self.stems.get(word.as_str()) {
            if **stem != **word {
                word.clear();
                word.push_str(stem);
            }
            return;
        }
        let stem = self.compute(word);
        let original = mem::replace(word, stem.to_string());
        self.stems.insert(original.into_boxed_str(), stem);
    }

    /// The stem of `word`, computed once while the cache holds it.
    fn stem_shared(&mut self, word: &str) -> Arc<str> {
        if let Some(stem) = self.stems.get(word) {
            return Arc::clone(stem);
        }
        let stem = self.compute(word);
        self.stems.insert(word.into(), Arc::clone(&stem));
        stem
    }

    /// Computes the stem of a word the cache does not hold, making room
    /// for it (the caller inserts it).
    fn compute(&mut self, word: &str) -> Arc<str> {
        let stem: Arc<str> = self.stemmer.stem(word).into();
        if self.stems.len() >= STEM_CACHE_CAPACITY {
            self.stems.clear();
        }
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms_with(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    fn terms(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
        terms_with(&mut analyzer, text)
    }

    #[test]
    fn news_en_lowercases_folds_and_stems() {
        assert_eq!(
            terms(news_en(), "Banks BANKING banker Zoë naïve Elections"),
            vec!["bank", "bank", "banker", "zoe", "naiv", "elect"]
        );
    }

    #[test]
    fn cached_stems_equal_uncached_stems() {
        let text = "running runs ran runner running RUNS flooded floods flooding";
        let mut reference = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(tantivy::tokenizer::Stemmer::default())
            .build();
        let expected = terms_with(&mut reference, text);
        // The same analyzer three times: the second and third passes are
        // answered from the cache.
        let mut cached = news_en();
        for _ in 0..3 {
            assert_eq!(terms_with(&mut cached, text), expected);
        }
    }

    #[test]
    fn cached_stems_stay_right_past_the_cache_capacity() {
        // More distinct words than the cache holds, each met twice in a
        // row (computed, then found): the cache is cleared on the way and
        // goes on answering from what it learns again. Words of every
        // length up to the longest kept, some the stemmer changes, some it
        // leaves, some not ASCII.
        let endings = ["", "ing", "ed", "s", "ations", "ness", "é"];
        let words: Vec<String> = (0..STEM_CACHE_CAPACITY + STEM_CACHE_CAPACITY / 4)
            .map(|i| {
                let stem = format!("w{}", i * 7919 % 1_000_003);
                let word = format!("{stem}{}", endings[i % endings.len()]);
                let pad = "a".repeat(i % 12);
                format!("{pad}{word}")
            })
            .collect();
        let reference = frostem::Stemmer::new(frostem::Algorithm::English);
        let mut stems = TokenStems::default();
        for word in &words {
            for _ in 0..2 {
                let mut cached = word.clone();
                stems.stem_in_place(&mut cached);
                assert_eq!(cached, reference.stem(word), "{word}");
            }
        }
        assert!(stems.table.len() < words.len() && !stems.table.is_empty());
        // Words as long as the analyzer keeps, and longer than a slot holds
        // (stemmed, not kept), each twice.
        for long in ["x".repeat(MAX_TOKEN_BYTES), "flooding".repeat(40)] {
            for _ in 0..2 {
                let mut cached = long.clone();
                stems.stem_in_place(&mut cached);
                assert_eq!(cached, reference.stem(&long));
            }
        }
    }

    #[test]
    fn word_stemmer_stems_plain_tokens_as_news_en_does() {
        let text = "Banks BANKING banker Zoë naïve Elections running";
        let plain = terms(news_plain(), text);
        let mut stemmer = WordStemmer::default();
        let stems: Vec<String> = plain.iter().map(|w| stemmer.stem(w)).collect();
        assert_eq!(stems, terms(news_en(), text));
    }

    #[test]
    fn long_tokens_are_dropped() {
        let long = "x".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(terms(news_en(), &format!("a {long} b")), vec!["a", "b"]);
    }

    #[test]
    fn fold_keeps_prefixes_unstemmed() {
        assert_eq!(fold("Électi"), "electi");
        assert_eq!(fold("banking"), "banking");
    }

    #[test]
    fn stop_words_are_sorted_folded_and_unique() {
        assert!(QUERY_STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        for word in QUERY_STOP_WORDS {
            assert_eq!(fold(word), *word);
        }
    }

    #[test]
    fn stop_words_ignore_case_but_not_content_words() {
        for word in ["the", "The", "WHICH", "has", "a"] {
            assert!(is_stop_word(word), "{word}");
        }
        for word in ["us", "US", "storm", "s", "u", "nam", "Über", ""] {
            assert!(!is_stop_word(word), "{word}");
        }
    }

    #[test]
    fn lower_raw_keeps_the_whole_value() {
        assert_eq!(terms(lower_raw(), "Fox News, LLC"), vec!["fox news, llc"]);
    }
}
