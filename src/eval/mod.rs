//! Ranking-quality evaluation (work in progress).
pub mod metrics;
