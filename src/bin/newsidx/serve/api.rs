//! The server's only door into the library: opening the index, and the
//! three read operations the API offers, each answering with the JSON the
//! command line prints for `--json`. Every `newsidx::` call of the server
//! is here, so that a change of the library's API changes this file only.
//!
//! The index is opened once; its reader reloads by itself when an indexer
//! commits (tantivy's `OnCommitWithDelay`, which watches `meta.json`), so a
//! running server sees new articles without a restart.

use std::path::{Component, Path};

use newsidx::search::{DateEnd, parse_date_filter};
use newsidx::{Error, ErrorKind, Index};

use super::error::ApiError;
use crate::args::{SearchArgs, ShowArgs};
use crate::cmd::show::{Matching, with_copies};

/// The index the server reads.
pub(crate) struct Api {
    index: Index,
}

impl Api {
    /// Opens the index (the errors are those of every other command, with
    /// their exit codes).
    pub fn open(path: &Path) -> anyhow::Result<Api> {
        Ok(Api {
            index: Index::open(path)?,
        })
    }

    /// The index folder.
    pub fn path(&self) -> &Path {
        self.index.path()
    }

    /// `newsidx search --json`.
    pub fn search(&self, args: &SearchArgs) -> Result<Vec<u8>, ApiError> {
        for (name, value, end) in [
            ("from", &args.from, DateEnd::Start),
            ("to", &args.to, DateEnd::End),
        ] {
            if let Some(value) = value {
                parse_date_filter(value, end)
                    .map_err(|e| ApiError::bad_parameter(name, format!("{e} (in {name})")))?;
            }
        }
        let request = args.request().map_err(|e| api_error(e.into()))?;
        let results = self.index.search(&request).map_err(api_error)?;
        if results.total == 0 && self.index.first_run_in_progress().map_err(api_error)? {
            return Err(api_error(Error::IndexingInProgress {
                path: self.index.path().to_path_buf(),
            }));
        }
        to_json(&results)
    }

    /// `newsidx show ID --json`, or with `--matching QUERY`.
    pub fn article(&self, args: &ShowArgs) -> Result<Vec<u8>, ApiError> {
        if !names_an_article(&args.id) {
            return Err(not_found(&args.id));
        }
        let searcher = self.index.searcher().map_err(api_error)?;
        if let Some(request) = args.matching_request() {
            let found = searcher
                .matching_comments(&args.id, &request)
                .map_err(api_error)?;
            if found.is_empty() {
                return Err(not_found(&args.id));
            }
            return to_json(&Matching::all(&found));
        }
        let articles = searcher.get(&args.id).map_err(api_error)?;
        if articles.is_empty() {
            return Err(not_found(&args.id));
        }
        to_json(&with_copies(&searcher, articles).map_err(api_error)?)
    }

    /// `newsidx stats --json`.
    pub fn stats(&self) -> Result<Vec<u8>, ApiError> {
        let searcher = self.index.searcher().map_err(api_error)?;
        to_json(&searcher.stats().map_err(api_error)?)
    }
}

/// Whether `id` may name an article over HTTP: an id, a file name, an id
/// prefix or a path relative to the archive, never a path that leaves it
/// (`Searcher::get` also takes paths of the server's file system, which a
/// client has no business naming).
fn names_an_article(id: &str) -> bool {
    let path = Path::new(id);
    !id.is_empty()
        && !id.contains('\0')
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!(
        "no article with id, file name or path {id:?} in the index"
    ))
}

fn to_json(value: &impl serde::Serialize) -> Result<Vec<u8>, ApiError> {
    let mut json = serde_json::to_vec(value)
        .map_err(|e| ApiError::internal(format!("cannot encode JSON: {e}")))?;
    json.push(b'\n');
    Ok(json)
}

/// The answer to a library error: 400 for what the request got wrong, 503
/// while the first indexing run goes on, 500 for the server's own trouble.
fn api_error(err: Error) -> ApiError {
    match err {
        Error::Query(q) => match q.column {
            Some(column) => ApiError::bad_query(
                format!("malformed query at column {column}: {}", q.message),
                Some(column),
            ),
            None => ApiError::bad_value(q.to_string()),
        },
        Error::IndexingInProgress { .. } => ApiError::indexing(err.to_string()),
        other if other.kind() == ErrorKind::Usage => ApiError::bad_value(other.to_string()),
        other => ApiError::internal(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_inside_the_archive_are_looked_up() {
        for good in [
            "003_9c2e",
            "003_9c2e.txt",
            "herald/2011/003_9c2e.txt",
            "./a",
        ] {
            assert!(names_an_article(good), "{good}");
        }
        for bad in ["", "/etc/passwd", "../x", "a/../../b", "a\0b"] {
            assert!(!names_an_article(bad), "{bad:?}");
        }
    }

    #[test]
    fn query_errors_keep_their_column() {
        let err = newsidx::query::QueryError::at("\"unclosed", 0, "unclosed quote");
        let api = api_error(err.into());
        assert_eq!((api.status.as_u16(), api.kind), (400, "bad_query"));
        assert_eq!(api.column, Some(1));
        assert!(
            api.message.starts_with("malformed query at column 1: "),
            "{}",
            api.message
        );
    }
}
