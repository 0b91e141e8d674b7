//! The analysis fingerprint: what turned text into the terms of an index.
//!
//! Query words match indexed words only if both went through the same
//! analysis. The stemmer crate follows Snowball's main branch, so a
//! `cargo update` can change stems with no schema change; a change of a token
//! limit, a filter or the stop list has the same effect. Every commit records
//! this fingerprint ([`crate::archive::IndexRecord::analysis`]); an index
//! whose fingerprint differs is refused ([`crate::Error::AnalysisChanged`])
//! until it is rebuilt.
//!
//! The fingerprint is computed from the code, not kept by hand: it names the
//! stemmer crate and version (pinned exactly in `Cargo.toml`, and a test
//! keeps [`STEMMER`] equal to the pin), and hashes what every analyzer the
//! schema uses makes of a probe text that exercises the tokenizer, the token
//! length limit, lowercasing, ASCII folding and many of the stemmer's rules,
//! and the query stop list. A change to any of them changes the fingerprint.

use std::collections::BTreeSet;

use tantivy::schema::FieldType;
use tantivy::tokenizer::TokenStream;
use xxhash_rust::xxh3::Xxh3;

use crate::analysis;

/// The stemmer crate and its exact version (see `Cargo.toml`).
pub(crate) const STEMMER: &str = "frostem 1.20260821.8";

/// Text run through every analyzer. Words chosen to reach the stemmer's
/// suffix rules (Porter/Snowball test vocabulary), folding, numbers,
/// tokens of 39 and 40 bytes (either side of the length limit), and
/// punctuation.
const PROBE: &str = "\
    Caresses ponies ties caress cats feed agreed plastered bled motoring sing \
    conflated troubled sized hopping tanned falling hissing fizzed failing filing \
    happy sky relational conditional rational valenci hesitanci digitizer \
    conformabli radicalli differentli vileli analogousli vietnamization \
    predication operator feudalism decisiveness hopefulness callousness \
    formaliti sensitiviti sensibiliti triplicate formative formalize \
    electriciti electrical hopeful goodness revival allowance inference \
    airliner gyroscopic adjustable defensible irritant replacement adjustment \
    dependent adoption homologou communism activate angulariti homologous \
    effective bowdlerize probate rate cease controll roll generously \
    generalizations knightly skies dying lying tying news innings outing \
    canning herring earring proceed exceed succeed consign consigned \
    consigning consignment consist consisted consistency consistent \
    elections elected electing presidential governments' markets' \
    Banks BANKING banker's Café naïve Ærø Straße Łódź 1999 2021-05-04 \
    U.S.A. e-mail co-operate don't it's O'Neill x86_64 3.14 \
    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \
    bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/// The fingerprint of the analysis of `index` (its analyzers must be
/// registered): `STEMMER; analyzers NAMES HASH; stop words HASH`.
pub(crate) fn analysis_fingerprint(index: &tantivy::Index) -> String {
    let names = analyzer_names(index);
    let mut hasher = Xxh3::new();
    for name in &names {
        hasher.update(name.as_bytes());
        hasher.update(&[0]);
        let Some(mut analyzer) = index.tokenizers().get(name) else {
            hasher.update(b"unregistered\0");
            continue;
        };
        let mut stream = analyzer.token_stream(PROBE);
        while stream.advance() {
            let token = stream.token();
            hasher.update(token.text.as_bytes());
            hasher.update(&[0]);
            hasher.update(&(token.position as u64).to_le_bytes());
        }
    }
    let mut stop = Xxh3::new();
    for word in analysis::QUERY_STOP_WORDS {
        stop.update(word.as_bytes());
        stop.update(&[0]);
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    format!(
        "{STEMMER}; analyzers {} {:016x}; stop words {:016x}",
        names.join(","),
        hasher.digest(),
        stop.digest()
    )
}

/// The analyzers the schema's indexed text fields use, sorted.
fn analyzer_names(index: &tantivy::Index) -> BTreeSet<String> {
    let schema = index.schema();
    let mut names = BTreeSet::new();
    for (_, entry) in schema.fields() {
        let indexing = match entry.field_type() {
            FieldType::Str(options) => options.get_indexing_options(),
            FieldType::JsonObject(options) => options.get_text_indexing_options(),
            _ => None,
        };
        if let Some(indexing) = indexing {
            names.insert(indexing.tokenizer().to_string());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};

    fn index() -> tantivy::Index {
        let index = tantivy::Index::create_in_ram(crate::schema::build_schema());
        analysis::register(&index);
        index
    }

    /// The `[[package]]` version of `name` in Cargo.lock.
    fn locked_version(lock: &str, name: &str) -> Option<String> {
        let mut lines = lock.lines();
        while let Some(line) = lines.next() {
            if line == format!("name = \"{name}\"") {
                let version = lines.next()?;
                return Some(
                    version
                        .strip_prefix("version = ")?
                        .trim_matches('"')
                        .to_string(),
                );
            }
        }
        None
    }

    #[test]
    fn the_stemmer_named_is_the_one_pinned_and_locked() {
        let root = env!("CARGO_MANIFEST_DIR");
        let lock = std::fs::read_to_string(format!("{root}/Cargo.lock")).expect("Cargo.lock");
        let version = locked_version(&lock, "frostem").expect("frostem in Cargo.lock");
        assert_eq!(STEMMER, format!("frostem {version}"));
        let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).expect("Cargo.toml");
        assert!(
            manifest.contains(&format!("frostem = {{ version = \"={version}\"")),
            "Cargo.toml must pin frostem exactly to {version}"
        );
    }

    #[test]
    fn the_fingerprint_is_stable_and_names_what_it_hashes() {
        let a = analysis_fingerprint(&index());
        assert_eq!(a, analysis_fingerprint(&index()));
        assert!(a.starts_with(STEMMER), "{a}");
        for name in [analysis::NEWS_EN, analysis::NEWS_PLAIN, analysis::LOWER_RAW] {
            assert!(a.contains(name), "{a}");
        }
    }

    #[test]
    fn any_change_to_an_analyzer_changes_the_fingerprint() {
        let current = analysis_fingerprint(&index());
        let variants: [(&str, TextAnalyzer); 3] = [
            // The stemmer left out.
            (analysis::NEWS_EN, analysis::news_plain()),
            // A token limit one byte shorter.
            (
                analysis::NEWS_PLAIN,
                TextAnalyzer::builder(SimpleTokenizer::default())
                    .filter(RemoveLongFilter::limit(analysis::MAX_TOKEN_BYTES - 1))
                    .filter(LowerCaser)
                    .filter(tantivy::tokenizer::AsciiFoldingFilter)
                    .build(),
            ),
            // No ASCII folding.
            (
                analysis::NEWS_PLAIN,
                TextAnalyzer::builder(SimpleTokenizer::default())
                    .filter(RemoveLongFilter::limit(analysis::MAX_TOKEN_BYTES))
                    .filter(LowerCaser)
                    .build(),
            ),
        ];
        for (name, analyzer) in variants {
            let index = index();
            index.tokenizers().register(name, analyzer);
            assert_ne!(analysis_fingerprint(&index), current, "{name}");
        }
    }
}
