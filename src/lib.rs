//! newsidx (work in progress).
pub mod article;
