//! Near-duplicate signatures: word shingles, a bottom-k sketch, band keys,
//! and the rule that says whether two signatures are copies of one story.
//!
//! A [`Signature`] holds, for the running text of a body ([`super::text`]):
//!
//! * the number of words and of distinct [`Params::shingle`]-word shingles;
//! * a *bottom-k sketch* of the shingles: the [`SKETCH`] least 32-bit
//!   shingle hashes (all of them for a body with fewer shingles). The part
//!   of two sketches below the lower of their two cut-offs is an exact
//!   sample of both shingle sets over the same stretch of hash values, from
//!   which the share of the smaller set found in the larger (containment)
//!   and the Jaccard similarity are estimated; for bodies of up to
//!   [`SKETCH`] shingles both are exact. MinHash with `k` hash functions
//!   would estimate as well, but costs `k` hashes per shingle, where the
//!   sketch costs the sort that counting distinct shingles needs anyway;
//! * the same kind of sketch of its distinct figures (words with a digit),
//!   at most [`FIGURE_SKETCH`] of them.
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
/// At most this many figure hashes are kept in a signature.
pub const FIGURE_SKETCH: usize = 16;
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
}

impl Params {
    /// The parameters the index uses.
    pub const DEFAULT: Params = Params {
        shingle: 6,
        min_words: 20,
        sketch: SKETCH,
        bands: 12,
        min_containment: 0.4,
        min_jaccard: 0.15,
        min_shared: 12.0,
        min_figures: 2,
        min_figure_overlap: 0.5,
        chaining: Chaining::Components,
    };
}

impl Default for Params {
    fn default() -> Self {
        Params::DEFAULT
    }
}

/// The near-duplicate signature of one article body.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature {
    words: u32,
    shingles: u32,
    figures: u32,
    /// The least distinct shingle hashes, ascending.
    sketch: Vec<u32>,
    /// The least distinct figure hashes, ascending.
    figure_sketch: Vec<u32>,
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature")
            .field("words", &self.words)
            .field("shingles", &self.shingles)
            .field("figures", &self.figures)
            .finish_non_exhaustive()
    }
}

/// Makes signatures, reusing its buffers from one body to the next.
#[derive(Debug, Default)]
pub struct Signer {
    params: Params,
    words: Vec<Word>,
    shingles: Vec<u32>,
    figures: Vec<u32>,
}

impl Signer {
    /// A signer with the given parameters.
    pub fn new(params: Params) -> Signer {
        Signer {
            params,
            ..Signer::default()
        }
    }

    /// The signature of a body given as its paragraphs (the whole
    /// [`crate::article::Article::body`]: headline, byline, dateline and
    /// credits are removed here; notice and comments must not be passed).
    pub fn sign<S: AsRef<str>>(&mut self, paragraphs: &[S]) -> Signature {
        self.words.clear();
        text::words(paragraphs, &mut self.words);
        self.shingles.clear();
        shingles(&self.words, self.params.shingle, &mut self.shingles);
        let shingles = sort_distinct(&mut self.shingles);
        self.figures.clear();
        let figure_hashes = self.words.iter().filter(|w| w.numeric);
        self.figures
            .extend(figure_hashes.map(|w| (w.hash >> 32) as u32));
        let figures = sort_distinct(&mut self.figures);
        let keep = self.params.sketch.min(SKETCH);
        Signature {
            words: saturate(self.words.len()),
            shingles: saturate(shingles),
            figures: saturate(figures),
            sketch: self.shingles[..shingles.min(keep)].to_vec(),
            figure_sketch: self.figures[..figures.min(FIGURE_SKETCH)].to_vec(),
        }
    }
}

/// The signature of a body with [`Params::DEFAULT`] (see [`Signer::sign`]).
pub fn signature<S: AsRef<str>>(paragraphs: &[S]) -> Signature {
    Signer::new(Params::DEFAULT).sign(paragraphs)
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Sorts `values` and moves the distinct ones to the front; their number.
fn sort_distinct(values: &mut Vec<u32>) -> usize {
    values.sort_unstable();
    values.dedup();
    values.len()
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
}

/// What two sorted sketches of two sets say about the sets.
struct Overlap {
    /// Values of the first sketch in the compared range.
    a: usize,
    /// Values of the second sketch in the compared range.
    b: usize,
    /// Values in both.
    both: usize,
}

/// Compares two bottom-k sketches over the values up to the lower of their
/// cut-offs (a full sketch, holding the whole set, has none).
fn overlap(a: &[u32], a_full: bool, b: &[u32], b_full: bool) -> Overlap {
    let cut = |s: &[u32], full: bool| {
        if full {
            u32::MAX
        } else {
            s.last().copied().unwrap_or(0)
        }
    };
    let limit = cut(a, a_full).min(cut(b, b_full));
    let a = &a[..a.partition_point(|&v| v <= limit)];
    let b = &b[..b.partition_point(|&v| v <= limit)];
    let (mut i, mut j, mut both) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    Overlap {
        a: a.len(),
        b: b.len(),
        both,
    }
}

impl Signature {
    /// Words of running text.
    pub fn words(&self) -> usize {
        self.words as usize
    }

    /// Distinct shingles of running text.
    pub fn shingles(&self) -> usize {
        self.shingles as usize
    }

    /// Distinct figures (words with a digit) of running text.
    pub fn figures(&self) -> usize {
        self.figures as usize
    }

    /// Whether the body is too short to be compared with others under
    /// `params`: such an article is a story of one.
    pub fn is_short(&self, params: &Params) -> bool {
        self.words() < params.min_words || self.sketch.is_empty()
    }

    /// The band keys to store as indexed terms: articles that share one are
    /// candidates for [`same_story`]. Empty for a short body.
    pub fn band_keys(&self, params: &Params) -> Vec<u64> {
        if self.is_short(params) {
            return Vec::new();
        }
        let tag = u64::from(VERSION) << 40 | (params.shingle as u64) << 32;
        let n = params.bands.min(self.sketch.len());
        self.sketch[..n]
            .iter()
            .map(|&v| tag | u64::from(v))
            .collect()
    }

    fn sketch_full(&self) -> bool {
        self.sketch.len() == self.shingles()
    }

    /// The estimated similarity of two signatures, or `None` when either
    /// body is short.
    pub fn similarity(&self, other: &Signature, params: &Params) -> Option<Similarity> {
        if self.is_short(params) || other.is_short(params) {
            return None;
        }
        let o = overlap(
            &self.sketch,
            self.sketch_full(),
            &other.sketch,
            other.sketch_full(),
        );
        let union = o.a + o.b - o.both;
        let jaccard = if union == 0 {
            0.0
        } else {
            o.both as f32 / union as f32
        };
        // The smaller set, by its true size, is the one whose share counts.
        let (smaller, size) = if self.shingles <= other.shingles {
            (o.a, self.shingles)
        } else {
            (o.b, other.shingles)
        };
        let containment = if smaller == 0 {
            0.0
        } else {
            o.both as f32 / smaller as f32
        };
        let shared = containment * size as f32;
        let enough = |s: &Signature| s.figures() >= params.min_figures.max(1);
        let figures = (enough(self) && enough(other)).then(|| self.figure_overlap(other));
        Some(Similarity {
            jaccard,
            containment,
            shared,
            figures,
        })
    }

    /// Share of the figures of the signature with fewer figures found in the
    /// other (over the compared range of the figure sketches).
    fn figure_overlap(&self, other: &Signature) -> f32 {
        let full = |s: &Signature| s.figure_sketch.len() == s.figures();
        let o = overlap(
            &self.figure_sketch,
            full(self),
            &other.figure_sketch,
            full(other),
        );
        let least = o.a.min(o.b);
        if least == 0 {
            0.0
        } else {
            o.both as f32 / least as f32
        }
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
}

/// Why signature bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The bytes are of another version of the signature format.
    #[error(
        "story signature of version {found}, this newsidx reads version {VERSION}: rebuild the index"
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

/// Version, three counts, two sketch lengths.
const HEADER: usize = 1 + 3 * 4 + 2;

impl Signature {
    /// The signature as bytes, to store with the article: 15 bytes, then 4
    /// per kept hash (at most `15 + 4 * (SKETCH + FIGURE_SKETCH)`),
    /// little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(HEADER + 4 * (self.sketch.len() + self.figure_sketch.len()));
        out.push(VERSION);
        for n in [self.words, self.shingles, self.figures] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        out.push(self.sketch.len() as u8);
        out.push(self.figure_sketch.len() as u8);
        for v in self.sketch.iter().chain(&self.figure_sketch) {
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
        let (n_sketch, n_figures) = (usize::from(bytes[13]), usize::from(bytes[14]));
        if bytes.len() != HEADER + 4 * (n_sketch + n_figures) {
            return Err(damaged);
        }
        let u32s = |b: &[u8]| -> Vec<u32> {
            b.chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        };
        let counts = u32s(&bytes[1..13]);
        let values = u32s(&bytes[HEADER..]);
        let (sketch, figure_sketch) = values.split_at(n_sketch);
        let sorted = |s: &[u32]| s.windows(2).all(|w| w[0] < w[1]);
        let signature = Signature {
            words: counts[0],
            shingles: counts[1],
            figures: counts[2],
            sketch: sketch.to_vec(),
            figure_sketch: figure_sketch.to_vec(),
        };
        let consistent = sorted(sketch)
            && sorted(figure_sketch)
            && n_sketch <= SKETCH
            && n_figures <= FIGURE_SKETCH
            && n_sketch <= signature.shingles()
            && n_figures <= signature.figures();
        if consistent {
            Ok(signature)
        } else {
            Err(damaged)
        }
    }
}
