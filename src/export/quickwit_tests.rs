//! The contract with Quickwit, on the analyzers: Quickwit's tokenizer
//! chains (`schema/quickwit-index.yaml`), rebuilt from tantivy's filters as
//! Quickwit builds them, give newsidx's terms on the sample corpus's own
//! text, but for the documented differences.

use std::collections::BTreeMap;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token,
};

use super::{ExportOptions, ExportedArticle, export_dir};
use crate::analysis;

/// Quickwit's `remove_long` limit (`DEFAULT_REMOVE_TOKEN_LENGTH`).
const QUICKWIT_MAX_TOKEN_BYTES: usize = 255;

/// Quickwit's built-in `en_stem`.
fn quickwit_en_stem() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(QUICKWIT_MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The yaml's custom `news_plain`: `simple` with `remove_long`,
/// `lower_caser`, `ascii_folding`.
fn quickwit_news_plain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(QUICKWIT_MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.clone());
    }
    out
}

/// Terms of `ours` and `theirs` that differ, over tokens of ASCII words of at
/// most 40 bytes (the documented differences aside), keyed by byte offset.
fn differing_terms(
    ours: &mut TextAnalyzer,
    theirs: &mut TextAnalyzer,
    text: &str,
) -> Vec<(String, String, String)> {
    let theirs: BTreeMap<usize, Token> = tokens(theirs, text)
        .into_iter()
        .map(|t| (t.offset_from, t))
        .collect();
    let mut differ = Vec::new();
    for token in tokens(ours, text) {
        let word = &text[token.offset_from..token.offset_to];
        if !word.is_ascii() {
            continue;
        }
        match theirs.get(&token.offset_from) {
            Some(t) if t.text == token.text => {}
            other => differ.push((
                word.to_string(),
                token.text.clone(),
                other.map_or_else(|| "(none)".to_string(), |t| t.text.clone()),
            )),
        }
    }
    differ
}

#[test]
fn quickwit_analyzers_give_newsidx_terms_on_ascii_words() {
    let text = sample_text();
    let mut news_en = analysis::news_en();
    let differ = differing_terms(&mut news_en, &mut quickwit_en_stem(), &text);
    assert!(
        differ.is_empty(),
        "en_stem differs from news_en: {differ:?}"
    );
    let mut news_plain = analysis::news_plain();
    let differ = differing_terms(&mut news_plain, &mut quickwit_news_plain(), &text);
    assert!(differ.is_empty(), "news_plain differs: {differ:?}");
    // The comparison has teeth: stemmed and unstemmed terms differ.
    let stemmed_vs_plain = differing_terms(&mut news_en, &mut quickwit_news_plain(), &text);
    assert!(stemmed_vs_plain.len() > 100, "{}", stemmed_vs_plain.len());
}

#[test]
fn the_documented_differences_are_the_real_ones() {
    // en_stem does not fold to ASCII: an accented word is its own term.
    let folded: Vec<String> = tokens(&mut analysis::news_en(), "Zoë café")
        .into_iter()
        .map(|t| t.text)
        .collect();
    let unfolded: Vec<String> = tokens(&mut quickwit_en_stem(), "Zoë café")
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert_eq!(folded, ["zoe", "cafe"]);
    assert_eq!(unfolded, ["zoë", "café"]);
    // Quickwit keeps tokens of 41 to 255 bytes, which newsidx drops.
    let long = "x".repeat(analysis::MAX_TOKEN_BYTES + 1);
    assert!(tokens(&mut analysis::news_en(), &long).is_empty());
    assert_eq!(tokens(&mut quickwit_en_stem(), &long).len(), 1);
}

fn sample_text() -> String {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-corpus");
    let mut out = Vec::new();
    let report =
        export_dir(corpus, &ExportOptions::default(), &mut out).expect("export sample corpus");
    assert!(report.exported > 0);
    let mut text = String::new();
    for line in String::from_utf8(out).expect("UTF-8").lines() {
        let a: ExportedArticle = serde_json::from_str(line).expect("line");
        text.push_str(&a.headline);
        text.push('\n');
        text.push_str(&a.body);
        text.push('\n');
        text.push_str(&a.comments.join("\n"));
        text.push('\n');
        text.push_str(a.source.as_deref().unwrap_or(""));
        text.push('\n');
    }
    text
}
