//! Stories: syndicated copies of one article, found from their bodies.
//!
//! A news archive holds the same wire story many times, each paper with its
//! own headline and dateline, the last paragraphs cut, a local paragraph
//! added, a few words changed. This module finds such copies (issue 11). It
//! is pure: no I/O, no tantivy.
//!
//! 1. [`signature()`] (or a [`Signer`], which reuses its buffers) turns a
//!    body's paragraphs into a [`Signature`]: the running text without
//!    headline, byline, dateline and credits ([`text`]), its word shingles,
//!    a bottom-k sketch of their hashes and one of its figures.
//! 2. [`Signature::band_keys`] are the terms to index: articles that share
//!    one are the candidates for the pair rule, [`same_story`].
//! 3. [`group`] makes stories from a set of articles at once, and
//!    [`regroup`] updates them after articles were added, changed or
//!    removed; both give the same stories for the same articles, whatever
//!    the order. A story's id is the id of its earliest article.
//!
//! Bodies with fewer than [`Params::min_words`] words of running text are
//! stories of one: a short body such as `Qtly div 10 cts vs 10 cts prior.
//! Pay April 1. Record March 15.` is the same for every company that pays
//! that dividend, and only the headline (which papers rewrite) tells them
//! apart.

mod group;
mod signature;
pub mod text;

pub use group::{Entry, Lookup, group, regroup};
pub use signature::{
    Chaining, FIGURE_SKETCH, Params, SKETCH, Signature, SignatureError, Signer, Similarity,
    VERSION, same_story, signature,
};

#[cfg(test)]
mod tests;
