//! newsidx (work in progress).
pub mod analysis;
pub mod archive;
pub mod article;
pub mod error;
pub mod eval;
pub mod indexer;
pub mod query;
pub mod schema;
pub mod search;
pub mod show;
pub mod snippet;
pub mod stats;
pub mod tally;
pub mod walk;

pub use archive::Archive;
pub use error::{Error, ErrorKind, Result};
pub use indexer::{IndexOptions, IndexReport};
