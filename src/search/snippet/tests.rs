//! Unit tests of fragments and comment order, with matchers built by hand.

use super::*;
use crate::analysis::WordStemmer;
use crate::query::matcher::{Leaf, Pattern, Tree};
use proptest::prelude::*;

fn stem(word: &str) -> Pattern {
    Pattern::Stem(WordStemmer::default().stem(word))
}

fn phrase(words: &[&str]) -> Leaf {
    Leaf::Phrase(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| (i as u32, stem(w)))
            .collect(),
        0,
    )
}

/// A matcher of leaves that are all required.
fn all_of(leaves: Vec<Leaf>) -> Matcher {
    let tree = Tree::Group {
        must: (0..leaves.len()).map(Tree::Leaf).collect(),
        should: Vec::new(),
    };
    Matcher::new(leaves.into_iter().map(|l| (l, 1.0)).collect(), Some(tree))
}

fn snippet(matcher: &Matcher, text: &str) -> Option<Snippet> {
    fragment(text, &matcher.find(text, &TextReader::default()))
}

fn marked(s: &Snippet) -> Vec<&str> {
    s.highlights.iter().map(|[a, b]| &s.text[*a..*b]).collect()
}

#[test]
fn a_phrase_is_marked_whole_and_its_fragment_holds_it() {
    let filler = "Of the towns of the coast, most of them of old. ".repeat(6);
    let text = format!("{filler}The Bank of America said on Monday it would close.");
    let m = all_of(vec![phrase(&["bank", "of", "america"])]);
    let s = snippet(&m, &text).expect("a fragment");
    assert_eq!(marked(&s), ["Bank of America"]);
    assert!(s.cut_before && !s.cut_after);
    assert!(s.text.ends_with("close."), "{:?}", s.text);
}

#[test]
fn the_text_keeps_its_punctuation() {
    let m = all_of(vec![Leaf::Term(stem("you"))]);
    let s = snippet(&m, "Nobody else will fix it: that is on you.").unwrap();
    assert_eq!(s.text, "Nobody else will fix it: that is on you.");
    assert!(!s.cut_before && !s.cut_after);
    let long = format!(
        "{} that is on you. {}",
        "word ".repeat(60),
        "more ".repeat(60)
    );
    let s = snippet(&m, &long).unwrap();
    assert!(s.text.contains("on you."), "{:?}", s.text);
    assert!(s.cut_before && s.cut_after);
    assert!(s.text.len() <= FRAGMENT_BYTES, "{}", s.text.len());
}

#[test]
fn the_heaviest_window_wins() {
    let m = all_of(vec![Leaf::Term(stem("storm")), Leaf::Term(stem("surge"))]);
    let text = format!(
        "A storm came. {} The storm surge rose over the storm wall.",
        "Nothing here. ".repeat(20)
    );
    let s = snippet(&m, &text).unwrap();
    assert_eq!(marked(&s), ["storm", "surge", "storm"]);
}

#[test]
fn no_match_no_fragment() {
    let m = all_of(vec![Leaf::Term(stem("quokka"))]);
    assert_eq!(snippet(&m, "bank storm"), None);
    assert_eq!(snippet(&Matcher::nothing(), "bank storm"), None);
}

#[test]
fn comments_that_satisfy_the_query_come_first() {
    let m = all_of(vec![Leaf::Term(stem("obamas")), Leaf::Term(stem("advice"))]);
    let generators = Generators::new(Matcher::nothing(), m, 3);
    let comments = [
        "Obama said so.",
        "Nothing to see.",
        "Obama again, Obama always.",
        "Good advice from Obama.",
        "Advice is cheap.",
    ];
    let article = StoredArticle {
        id: "x".into(),
        path: "x.txt".into(),
        date: None,
        source: None,
        headline: "Lede".into(),
        body: vec!["Lede".into()],
        notice: None,
        comments: comments.iter().map(|c| c.to_string()).collect(),
        repaired: false,
        story: "x".into(),
    };
    let s = generators.snippets(&article, true);
    assert_eq!(s.comments_matched, 4);
    let numbers: Vec<usize> = s.comments.iter().map(|c| c.number).collect();
    // Comment 4 holds both words; then the heavier of the others (two
    // mentions), then article order.
    assert_eq!(numbers, [4, 3, 1]);
    let all: Vec<usize> = generators
        .matching_comments(&article)
        .iter()
        .map(|c| c.number)
        .collect();
    assert_eq!(all, [1, 3, 4, 5]);
}

/// Words, some of which match the leaves below.
const WORDS: [&str; 14] = [
    "Banks", "banking", "bank", "the", "storm", "Storms", "of", "America", "café", "U.S.", "a",
    "surge.", "é", "x",
];

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn fragments_quote_the_text_and_mark_whole_matches(
        words in prop::collection::vec((0..WORDS.len(), prop::sample::select(vec![" ", ", ", ". ", "  "])), 0..150),
        leaf in 0..3usize,
    ) {
        let text: String = words.iter().map(|&(w, sep)| format!("{}{sep}", WORDS[w])).collect();
        let leaves = match leaf {
            0 => vec![Leaf::Term(stem("bank"))],
            1 => vec![phrase(&["bank", "of", "america"])],
            _ => vec![Leaf::Term(stem("storm")), phrase(&["the", "bank"])],
        };
        let m = Matcher::new(leaves.into_iter().map(|l| (l, 1.0)).collect(), Some(Tree::Leaf(0)));
        let found = m.find(&text, &TextReader::default());
        let Some(s) = fragment(&text, &found) else {
            prop_assert!(found.spans.is_empty());
            return Ok(());
        };
        // The fragment is a piece of the text, where the flags say.
        let at = (0..=text.len() - s.text.len())
            .find(|&i| text.is_char_boundary(i) && text[i..].starts_with(&s.text))
            .expect("a piece of the text");
        prop_assert_eq!(s.cut_after, !text[at + s.text.len()..].trim().is_empty());
        prop_assert!(!s.highlights.is_empty());
        let mut last = 0;
        for &[a, b] in &s.highlights {
            prop_assert!(a < b && b <= s.text.len() && a >= last);
            prop_assert!(s.text.is_char_boundary(a) && s.text.is_char_boundary(b));
            last = b;
            // A highlight is a whole match (or matches run together).
            prop_assert!(found.spans.iter().any(|sp| sp.from == at + a));
            prop_assert!(found.spans.iter().any(|sp| sp.to == at + b));
        }
        let longest = found.spans.iter().map(|sp| sp.to - sp.from).max().unwrap_or(0);
        prop_assert!(s.text.len() <= FRAGMENT_BYTES.max(longest) + 4 * 4, "{} bytes", s.text.len());
    }
}
