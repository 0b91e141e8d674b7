//! Source filters: which sources a source filter's value names.
//!
//! A value names a source when it is the source's whole name (any case, as
//! the statistics list it) or when its words occur in a row among the
//! name's words, as `source:"value"` in a query matches them (lowercased,
//! folded, not stemmed): `marrowfield` and `Fox News` name "The Marrowfield
//! Courier, Inc." and "Fox News Network LLC". The
//! names come from the index, so a value that names none is reported with
//! the closest names, not answered with "0 articles".

use std::collections::BTreeSet;

use tantivy::Searcher;

use crate::analysis;
use crate::query::{Filter, QueryError};

/// Most names suggested when a value names no source.
const SUGGESTIONS: usize = 3;

/// Every source name of the index (of documents still alive or not: a
/// name only of deleted documents matches nothing, harmlessly).
pub(crate) fn names(searcher: &Searcher) -> tantivy::Result<BTreeSet<String>> {
    let mut names = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let Some(column) = segment.fast_fields().str("source")? else {
            continue;
        };
        let mut stream = column.dictionary().stream()?;
        while stream.advance() {
            names.insert(String::from_utf8_lossy(stream.key()).into_owned());
        }
    }
    Ok(names)
}

/// The names that `value` names (see the module docs), or an error that
/// lists the closest ones.
pub(crate) fn resolve<'a>(
    value: &str,
    names: &'a BTreeSet<String>,
) -> Result<Vec<&'a str>, QueryError> {
    let key = value.trim().to_lowercase();
    let wanted = words(value);
    let found: Vec<&str> = names
        .iter()
        .filter(|name| {
            name.to_lowercase() == key
                || (!wanted.is_empty()
                    && words(name)
                        .windows(wanted.len())
                        .any(|w| w == wanted.as_slice()))
        })
        .map(String::as_str)
        .collect();
    if !found.is_empty() {
        return Ok(found);
    }
    if names.is_empty() {
        return Err(QueryError::filter(
            Filter::Source,
            value,
            "no article of the index has a source; the articles without one are asked for apart",
        ));
    }
    let closest: Vec<String> = closest(&key, names)
        .into_iter()
        .map(|n| format!("{n:?}"))
        .collect();
    Err(QueryError::filter(
        Filter::Source,
        value,
        format!(
            "no source of the index is named so or has these words in its name; the closest: {}",
            closest.join(", ")
        ),
    ))
}

/// The names most like `key` (lowercased): by similarity of the whole name
/// and of its best-matching word.
fn closest<'a>(key: &str, names: &'a BTreeSet<String>) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = names
        .iter()
        .map(|name| {
            let lower = name.to_lowercase();
            let whole = strsim::jaro_winkler(key, &lower);
            let word = words(name)
                .iter()
                .map(|w| strsim::jaro_winkler(key, w))
                .fold(0.0, f64::max);
            (whole.max(word), name.as_str())
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(SUGGESTIONS)
        .map(|(_, n)| n)
        .collect()
}

/// The words of a name, as `source:` reads them.
fn words(text: &str) -> Vec<String> {
    let mut analyzer = analysis::news_plain();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push(t.text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> BTreeSet<String> {
        [
            "The Marrowfield Courier, Inc.",
            "Fox News Network LLC",
            "Harbor Valley Gazette Co.",
            "None",
        ]
        .into_iter()
        .map(String::from)
        .collect()
    }

    #[test]
    fn a_value_names_whole_names_or_words_in_a_row() {
        let names = names();
        let one = |v: &str| resolve(v, &names).unwrap();
        assert_eq!(one("marrowfield"), ["The Marrowfield Courier, Inc."]);
        assert_eq!(one("Fox News"), ["Fox News Network LLC"]);
        assert_eq!(
            one("  harbor valley gazette co. "),
            ["Harbor Valley Gazette Co."]
        );
        assert_eq!(one("none"), ["None"]);
        // Words must be in a row, and whole words.
        assert!(resolve("News Fox", &names).is_err());
        assert!(resolve("gaz", &names).is_err());
    }

    #[test]
    fn no_match_lists_the_closest_names() {
        let err = resolve("marowfield", &names()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("invalid source filter \"marowfield\""),
            "{text}"
        );
        assert!(
            text.contains("the closest: \"The Marrowfield Courier, Inc.\""),
            "{text}"
        );
        let none = resolve("x", &BTreeSet::new()).unwrap_err();
        assert!(none.to_string().contains("without one"), "{none}");
        assert_eq!(none.filter, Some(Filter::Source));
    }
}
