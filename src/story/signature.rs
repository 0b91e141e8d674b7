//! Near-duplicate signatures: word shingles, bottom-k sketches, band keys,
//! and the rule that says whether two signatures are copies of one story.
//!
//! A [`Signature`] holds, for the running text of a body ([`super::text`]):
//!
//! * its number of words;
//! * a *bottom-k sketch* of its [`Params::shingle`]-word shingles: their
//!   number, and the [`SKETCH`] least of their distinct 32-bit hashes (all
//!   of them for a body with fewer shingles). The parts of two sketches
//!   below the lower of their two cut-offs are exact samples of both
//!   shingle sets over the same stretch of hash values, from which the
//!   share of the smaller set found in the larger (containment) and the
//!   Jaccard similarity are estimated; for bodies of up to [`SKETCH`]
//!   shingles both are exact. MinHash with `k` hash functions would estimate
//!   as well, but costs `k` hashes per shingle, where this sketch costs only
//!   the sort that counting distinct shingles needs anyway;
//! * the same kind of sketch, of [`PARTICULARS`] hashes at most, of its
//!   *figures* (words with a digit) and of its *names* (capitalised words
//!   inside sentences): what a templated item changes from one issue to the
//!   next, and what a copy keeps.
//!
//! Its band keys ([`Signature::band_keys`]) are its [`Params::bands`] least
//! shingle hashes: two bodies share one when one of the least hashes of the
//! union of their shingles is in both, which happens with probability about
//! `1 - (1 - J)^bands` for Jaccard similarity `J`: copies that lost half
//! their text are still found by a term lookup, unrelated articles almost
//! never are.

use std::fmt;

use super::text::{self, Word};

/// At most this many shingle hashes are kept in a signature.
pub const SKETCH: usize = 64;
/// At most this many figure hashes, and as many name hashes, are kept.
pub const PARTICULARS: usize = 16;
/// Version of the signature bytes and band keys; a change means reindexing.
pub const VERSION: u8 = 1;

/// The parameters of signatures and of the pair rule.
///
/// [`Params::DEFAULT`] is what the index uses: signatures made with other
/// values are not comparable with the index's. The other values exist for
/// experiments (`benches/stories.rs` compares a few).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Words per shingle.
    pub shingle: usize,
    /// A body with fewer words of running text is a story of one: it gets
    /// no band keys and matches nothing.
    pub min_words: usize,
    /// Shingle hashes kept (at most [`SKETCH`]).
    pub sketch: usize,
    /// Band keys per signature (at most `sketch`).
    pub bands: usize,
    /// Band keys two signatures must share to be compared: with one, a
    /// shingle common to many unrelated bodies (a stock phrase) makes
    /// every pair of them a candidate.
    pub min_shared_bands: usize,
    /// Least share of the smaller shingle set found in the larger.
    pub min_containment: f32,
    /// Least Jaccard similarity of the two shingle sets.
    pub min_jaccard: f32,
    /// Least number of shingles the two bodies have in common (estimated:
    /// containment times the smaller set's size).
    pub min_shared: f32,
    /// The figures are compared when both bodies have at least this many.
    pub min_figures: usize,
    /// Least share of the figures of the body with fewer figures that the
    /// other body also has.
    pub min_figure_overlap: f32,
    /// The names are compared when both bodies have at least this many.
    pub min_names: usize,
    /// Least share of the names of the body with fewer names that the other
    /// body also has.
    pub min_name_overlap: f32,
    /// How stories are formed from the pairs ([`Chaining`]).
    pub chaining: Chaining,
}

/// How a story is formed from the pairs of copies that link its articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chaining {
    /// A story is a connected component of the pair graph.
    Components,
    /// Within a connected component, articles taken from the earliest on
    /// each join the earliest story whose first article they copy, or start
    /// a story of their own.
    Leader,
    /// Within a connected component, articles taken from the earliest on
    /// each join the story of the earliest article they copy, or start a
    /// story of their own: a story is a tree of copies, and an article
    /// linked to two stories joins one, never merges them.
    First,
}

impl Params {
    /// The parameters the index uses.
    pub const DEFAULT: Params = Params {
        shingle: 6,
        min_words: 20,
        sketch: SKETCH,
        bands: 12,
        min_shared_bands: 2,
        min_containment: 0.4,
        min_jaccard: 0.15,
        min_shared: 12.0,
        min_figures: 2,
        min_figure_overlap: 0.5,
        min_names: 4,
        min_name_overlap: 0.5,
        chaining: Chaining::First,
    };
}

impl Default for Params {
    fn default() -> Self {
        Params::DEFAULT
    }
}

/// A bottom-k sketch: how many distinct values a set has, and the least of
/// them, ascending.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
struct Sketch {
    count: u32,
    least: Vec<u32>,
}

impl Sketch {
    /// The sketch of `values`, sorted and deduplicated in place.
    fn of(values: &mut Vec<u32>, keep: usize) -> Sketch {
        values.sort_unstable();
        values.dedup();
        Sketch {
            count: u32::try_from(values.len()).unwrap_or(u32::MAX),
            least: values[..values.len().min(keep)].to_vec(),
        }
    }

    fn count(&self) -> usize {
        self.count as usize
    }

    /// The value below which the sketch holds every value of the set.
    fn cut(&self) -> u32 {
        if self.least.len() == self.count() {
            u32::MAX
        } else {
            self.least.last().copied().unwrap_or(0)
        }
    }

    /// Compares the two sketches over the values up to the lower of their
    /// cut-offs, where both are exact samples of their sets.
    fn overlap(&self, other: &Sketch) -> Overlap {
        let limit = self.cut().min(other.cut());
        let a = &self.least[..self.least.partition_point(|&v| v <= limit)];
        let b = &other.least[..other.least.partition_point(|&v| v <= limit)];
        // Branch-free merge: grouping compares millions of pairs, and which
        // side moves on is a coin toss that a branch predictor loses.
        let (mut i, mut j, mut both) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            let (x, y) = (a[i], b[j]);
            both += usize::from(x == y);
            i += usize::from(x <= y);
            j += usize::from(y <= x);
        }
        Overlap {
            a: a.len(),
            b: b.len(),
            both,
        }
    }

    /// Share of the smaller set found in the other, when both sets have at
    /// least `min` values.
    fn share_of_smaller(&self, other: &Sketch, min: usize) -> Option<f32> {
        if self.count() < min.max(1) || other.count() < min.max(1) {
            return None;
        }
        let o = self.overlap(other);
        let least = o.a.min(o.b);
        Some(if least == 0 {
            0.0
        } else {
            o.both as f32 / least as f32
        })
    }
}

/// What two sketches say about their sets, over the range they share.
struct Overlap {
    /// Values of the first sketch in the range.
    a: usize,
    /// Values of the second sketch in the range.
    b: usize,
    /// Values in both.
    both: usize,
}

/// The near-duplicate signature of one article body.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Signature {
    words: u32,
    shingles: Sketch,
    figures: Sketch,
    names: Sketch,
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature")
            .field("words", &self.words)
            .field("shingles", &self.shingles.count)
            .field("figures", &self.figures.count)
            .field("names", &self.names.count)
            .finish_non_exhaustive()
    }
}

/// Makes signatures, reusing its buffers from one body to the next.
#[derive(Debug, Default)]
pub struct Signer {
    params: Params,
    /// Keep every value of each set, not a sketch: [`same_story`] then
    /// compares the exact sets.
    exact: bool,
    words: Vec<Word>,
    values: Vec<u32>,
}

impl Signer {
    /// A signer with the given parameters.
    pub fn new(params: Params) -> Signer {
        Signer {
            params,
            ..Signer::default()
        }
    }

    /// A signer whose signatures hold the whole sets of shingles, figures
    /// and names instead of sketches: [`same_story`] on two of them uses
    /// the exact Jaccard similarity and containment rather than estimates,
    /// and [`Signature::band_keys`] are the same as a sketch's. For
    /// verifying candidates (the indexer signs stored bodies this way when
    /// it settles stories); larger than a sketch, so not for storing.
    pub fn exact(params: Params) -> Signer {
        Signer {
            params,
            exact: true,
            ..Signer::default()
        }
    }

    /// The signature of a body given as its paragraphs (the whole
    /// [`crate::article::Article::body`]: headline, byline, dateline and
    /// credits are removed here; notice and comments must not be passed).
    pub fn sign<S: AsRef<str>>(&mut self, paragraphs: &[S]) -> Signature {
        self.words.clear();
        text::words(paragraphs, &mut self.words);
        self.values.clear();
        shingles(&self.words, self.params.shingle, &mut self.values);
        let (keep_shingles, keep_particulars) = match self.exact {
            true => (usize::MAX, usize::MAX),
            false => (self.params.sketch.min(SKETCH), PARTICULARS),
        };
        let shingles = Sketch::of(&mut self.values, keep_shingles);
        let mut particulars = |keep: fn(&Word) -> bool| {
            self.values.clear();
            let words = self.words.iter().filter(|w| keep(w));
            self.values.extend(words.map(|w| (w.hash >> 32) as u32));
            Sketch::of(&mut self.values, keep_particulars)
        };
        let figures = particulars(|w| w.numeric);
        let names = particulars(|w| w.name);
        Signature {
            words: u32::try_from(self.words.len()).unwrap_or(u32::MAX),
            shingles,
            figures,
            names,
        }
    }
}

/// The signature of a body with [`Params::DEFAULT`] (see [`Signer::sign`]).
pub fn signature<S: AsRef<str>>(paragraphs: &[S]) -> Signature {
    Signer::new(Params::DEFAULT).sign(paragraphs)
}

/// 32-bit hashes of the `k`-word shingles of `words` (one shingle of all
/// words when there are fewer than `k`).
fn shingles(words: &[Word], k: usize, out: &mut Vec<u32>) {
    if words.is_empty() {
        return;
    }
    let k = k.clamp(1, words.len());
    for window in words.windows(k) {
        let mut h = 0u64;
        for (i, w) in window.iter().enumerate() {
            h ^= w.hash.rotate_left(17 * i as u32);
        }
        out.push((mix64(h) >> 32) as u32);
    }
}

/// SplitMix64's finaliser: a bijection that spreads every input bit.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// How alike two signatures are, as estimated from them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// Jaccard similarity of the shingle sets.
    pub jaccard: f32,
    /// Share of the smaller shingle set found in the larger.
    pub containment: f32,
    /// Shingles in common: `containment` times the smaller set's size.
    pub shared: f32,
    /// Share of the figures of the body with fewer figures found in the
    /// other, when both have at least [`Params::min_figures`].
    pub figures: Option<f32>,
    /// Share of the names of the body with fewer names found in the other,
    /// when both have at least [`Params::min_names`].
    pub names: Option<f32>,
}

impl Signature {
    /// Words of running text.
    pub fn words(&self) -> usize {
        self.words as usize
    }

    /// Distinct shingles of running text.
    pub fn shingles(&self) -> usize {
        self.shingles.count()
    }

    /// Distinct figures (words with a digit) of running text.
    pub fn figures(&self) -> usize {
        self.figures.count()
    }

    /// Distinct names (capitalised words inside sentences) of running text.
    pub fn names(&self) -> usize {
        self.names.count()
    }

    /// Whether the body is too short to be compared with others under
    /// `params`: such an article is a story of one.
    pub fn is_short(&self, params: &Params) -> bool {
        self.words() < params.min_words || self.shingles.least.is_empty()
    }

    /// The band keys to store as indexed terms: articles that share one are
    /// candidates for [`same_story`]. Empty for a short body.
    pub fn band_keys(&self, params: &Params) -> Vec<u64> {
        let tag = u64::from(VERSION) << 40 | (params.shingle as u64) << 32;
        self.band_hashes(params)
            .iter()
            .map(|&v| tag | u64::from(v))
            .collect()
    }

    /// The shingle hashes of [`Signature::band_keys`], without the tag
    /// that the keys of one version and shingle size share: for grouping
    /// in memory, where they are half the size.
    pub(crate) fn band_hashes(&self, params: &Params) -> &[u32] {
        if self.is_short(params) {
            return &[];
        }
        let least = &self.shingles.least;
        &least[..params.bands.min(least.len())]
    }

    /// The estimated similarity of two signatures, or `None` when either
    /// body is short.
    pub fn similarity(&self, other: &Signature, params: &Params) -> Option<Similarity> {
        if self.is_short(params) || other.is_short(params) {
            return None;
        }
        let o = self.shingles.overlap(&other.shingles);
        let union = o.a + o.b - o.both;
        let jaccard = if union == 0 {
            0.0
        } else {
            o.both as f32 / union as f32
        };
        // The smaller set, by its true size, is the one whose share counts.
        let (sample, size) = if self.shingles() <= other.shingles() {
            (o.a, self.shingles())
        } else {
            (o.b, other.shingles())
        };
        let containment = if sample == 0 {
            0.0
        } else {
            o.both as f32 / sample as f32
        };
        Some(Similarity {
            jaccard,
            containment,
            shared: containment * size as f32,
            figures: self
                .figures
                .share_of_smaller(&other.figures, params.min_figures),
            names: self.names.share_of_smaller(&other.names, params.min_names),
        })
    }
}

/// The pair rule: whether two bodies are copies of one story under
/// `params`. Symmetric; false when either body is short.
pub fn same_story(a: &Signature, b: &Signature, params: &Params) -> bool {
    let Some(s) = a.similarity(b, params) else {
        return false;
    };
    s.containment >= params.min_containment
        && s.jaccard >= params.min_jaccard
        && s.shared >= params.min_shared
        && s.figures.is_none_or(|f| f >= params.min_figure_overlap)
        && s.names.is_none_or(|n| n >= params.min_name_overlap)
}

/// Why signature bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The bytes are of another version of the signature format.
    #[error(
        "story signature of version {found}, this build reads version {VERSION}: rebuild the index"
    )]
    Version {
        /// The version found.
        found: u8,
    },
    /// The bytes are cut short, too long, or inconsistent.
    #[error("story signature of {len} bytes is damaged: rebuild the index")]
    Damaged {
        /// How many bytes there were.
        len: usize,
    },
}

/// Version, four counts, three sketch lengths.
const HEADER: usize = 1 + 4 * 4 + 3;

impl Signature {
    fn sketches(&self) -> [&Sketch; 3] {
        [&self.shingles, &self.figures, &self.names]
    }

    /// The signature as bytes, to store with the article: a 20-byte header,
    /// then 4 bytes per kept hash (at most `20 + 4 * (SKETCH + 2 *
    /// PARTICULARS)` = 404 bytes), little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        // An exact signature ([`Signer::exact`]) is written as a sketch of
        // its 255 least values: still a valid bottom-k sketch.
        let kept = |s: &Sketch| s.least.len().min(usize::from(u8::MAX));
        let total: usize = self.sketches().iter().map(|s| kept(s)).sum();
        let mut out = Vec::with_capacity(HEADER + 4 * total);
        out.push(VERSION);
        out.extend_from_slice(&self.words.to_le_bytes());
        for s in self.sketches() {
            out.extend_from_slice(&s.count.to_le_bytes());
        }
        for s in self.sketches() {
            out.push(kept(s) as u8);
        }
        for v in self.sketches().iter().flat_map(|s| &s.least[..kept(s)]) {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// Reads bytes written by [`Signature::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Signature, SignatureError> {
        let damaged = SignatureError::Damaged { len: bytes.len() };
        match bytes.first() {
            None => return Err(damaged),
            Some(&v) if v != VERSION => return Err(SignatureError::Version { found: v }),
            Some(_) => {}
        }
        if bytes.len() < HEADER {
            return Err(damaged);
        }
        let lens = [bytes[17], bytes[18], bytes[19]].map(usize::from);
        if bytes.len() != HEADER + 4 * lens.iter().sum::<usize>() {
            return Err(damaged);
        }
        let u32s = |b: &[u8]| -> Vec<u32> {
            b.chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        };
        let counts = u32s(&bytes[1..17]);
        let mut values = u32s(&bytes[HEADER..]).into_iter();
        let mut sketch = |k: usize, max: usize| {
            let least: Vec<u32> = values.by_ref().take(lens[k]).collect();
            let sorted = least.windows(2).all(|w| w[0] < w[1]);
            let count = counts[k + 1];
            let fits = least.len() <= max && least.len() <= count as usize;
            (sorted && fits).then_some(Sketch { count, least })
        };
        let (shingles, figures, names) = (
            sketch(0, SKETCH),
            sketch(1, PARTICULARS),
            sketch(2, PARTICULARS),
        );
        match (shingles, figures, names) {
            (Some(shingles), Some(figures), Some(names)) => Ok(Signature {
                words: counts[0],
                shingles,
                figures,
                names,
            }),
            _ => Err(damaged),
        }
    }
}
