//! Query language (work in progress).

/// A malformed query.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    /// What is wrong.
    pub message: String,
}
