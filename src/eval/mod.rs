//! Ranking quality: run a test collection's queries against an index and
//! score the ranking with trec_eval's measures ([`metrics`]).
//!
//! A test collection is three files: the articles (indexed as usual), the
//! queries (`qid<TAB>text`, one a line) and the relevance judgments (TREC
//! qrels). Queries are natural language, so [`run_queries`] reads
//! them as plain words joined by OR (see [`plain_words`]), never as query
//! syntax: "NOT" or a stray quote in a question must not change its meaning.
//! They are searched with [`SearchRequest::any`], so function words
//! (`what`, `has`, `the`) are left out (see [`crate::query`])
//! and the ranking measured is the one users get. `benches/RELEVANCE.md`
//! records the measurements behind the ranking defaults.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let archive_dir = tempfile::tempdir()?;
//! # for (name, text) in [
//! #     ("d1.txt", " date 2001-01-01 The ferry fares rose again."),
//! #     ("d2.txt", " date 2001-01-02 A new ferry joined the fleet."),
//! #     ("d3.txt", " date 2001-01-03 The council met about the library."),
//! # ] {
//! #     std::fs::write(archive_dir.path().join(name), text)?;
//! # }
//! # let index_dir = tempfile::tempdir()?;
//! use newsidx::Index;
//! use newsidx::eval::{self, metrics};
//!
//! let index = Index::create(index_dir.path())?;
//! index.index_dir(archive_dir.path(), &Default::default())?;
//! let searcher = index.searcher()?;
//! // The queries file and the judgments (TREC qrels), as read from files.
//! let queries = eval::parse_queries("q1\tWhat happened to the ferry fares?\n")?;
//! let qrels = metrics::parse_qrels("q1 0 d1 1\nq1 0 d2 0\n")?;
//! assert_eq!(eval::coverage(&searcher, &qrels)?.missing, 0);
//! let run = eval::run_queries(&searcher, &queries, &eval::EvalOptions::default())?;
//! let evaluation = metrics::evaluate(&run, &qrels, false);
//! assert_eq!(run["q1"][0].0, "d1");
//! assert_eq!(evaluation.mean.map, 1.0);
//! # Ok(())
//! # }
//! ```

pub mod metrics;

use crate::error::Result;
use crate::search::FieldWeights;
use crate::search::SearchRequest;
use crate::searcher::Searcher;
use metrics::{MetricsError, Run};

/// One query of a test collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalQuery {
    /// The query id, as in the qrels.
    pub id: String,
    /// The query text, natural language.
    pub text: String,
}

/// How the queries are run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvalOptions {
    /// Results kept per query (trec_eval reads at most 1000).
    pub depth: usize,
    /// Field weights.
    pub weights: FieldWeights,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            depth: 1000,
            weights: FieldWeights::default(),
        }
    }
}

/// Parses a queries file: one query a line, `qid<TAB>text` (blank lines and
/// lines starting with `#` are skipped).
pub fn parse_queries(text: &str) -> std::result::Result<Vec<EvalQuery>, MetricsError> {
    let mut queries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((id, query)) = line.split_once('\t') else {
            return Err(MetricsError::Malformed {
                line: i + 1,
                what: "expected `qid<TAB>query text`".to_string(),
            });
        };
        let id = id.trim();
        if id.is_empty() || id.contains(char::is_whitespace) {
            return Err(MetricsError::Malformed {
                line: i + 1,
                what: format!("query id {id:?} is empty or holds white space"),
            });
        }
        queries.push(EvalQuery {
            id: id.to_string(),
            text: query.trim().to_string(),
        });
    }
    Ok(queries)
}

/// A natural-language text as a query of plain words: every run of letters
/// and digits, lowercased (so `NOT`, `AND` and `OR` are words, not
/// operators), everything else dropped.
pub fn plain_words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// How many of the judged articles of a test collection the index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    /// Distinct article ids in the judgments.
    pub judged: usize,
    /// Of those, ids the index has no article of.
    pub missing: usize,
}

/// How many of the ids judged in `qrels` the index holds: an index of
/// another collection holds none, and every figure is 0.
pub fn coverage(searcher: &Searcher, qrels: &metrics::Qrels) -> Result<Coverage> {
    let ids: std::collections::BTreeSet<&str> = qrels
        .values()
        .flat_map(|judged| judged.keys().map(String::as_str))
        .collect();
    let mut missing = 0;
    for id in &ids {
        let term = tantivy::Term::from_field_text(searcher.fields().id, id);
        let found = searcher
            .tantivy()
            .doc_freq(&term)
            .map_err(|e| searcher.engine_error(e))?;
        missing += usize::from(found == 0);
    }
    Ok(Coverage {
        judged: ids.len(),
        missing,
    })
}

/// Runs each query with OR semantics (stop words left out, as with
/// [`SearchRequest::any`]) and returns the ranked ids, best first, at most
/// `options.depth` a query.
pub fn run_queries(
    searcher: &Searcher,
    queries: &[EvalQuery],
    options: &EvalOptions,
) -> Result<Run> {
    {
        let mut run = Run::new();
        for query in queries {
            let words = plain_words(&query.text);
            let mut ranking: Vec<(String, f64)> = if words.is_empty() {
                Vec::new()
            } else {
                let request = SearchRequest::new(words)
                    .any(true)
                    .weights(options.weights)
                    .snippets(false)
                    .page(options.depth, 0);
                searcher
                    .search(&request)?
                    .hits
                    .into_iter()
                    .map(|hit| (hit.id, f64::from(hit.score.unwrap_or(0.0))))
                    .collect()
            };
            // Equal scores in trec_eval's order rather than the index's, so
            // that the ranks of a run file are the ones trec_eval scores.
            metrics::sort_trec_eval(&mut ranking);
            run.insert(query.id.clone(), ranking);
        }
        Ok(run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_tab_separated() {
        let queries = parse_queries("1\tFirst QUERY .\n\n# note\n22\t  second\r\n").unwrap();
        assert_eq!(
            queries,
            [
                EvalQuery {
                    id: "1".into(),
                    text: "First QUERY .".into()
                },
                EvalQuery {
                    id: "22".into(),
                    text: "second".into()
                },
            ]
        );
    }

    #[test]
    fn a_line_without_tab_names_its_number() {
        let err = parse_queries("1\tok\n2 no tab\n").unwrap_err();
        assert_eq!(err.to_string(), "line 2: expected `qid<TAB>query text`");
    }

    #[test]
    fn plain_words_drop_syntax_and_operators() {
        assert_eq!(
            plain_words("VIET NAM'S troops -- NOT \"allies\" (1963)."),
            "viet nam s troops not allies 1963"
        );
        assert_eq!(plain_words("?!"), "");
    }
}
