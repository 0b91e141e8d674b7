//! Unit tests of the query parser: one group per form of the language (see
//! the table in the docs of `query.rs`), then malformed queries with the
//! column of their error, then properties over arbitrary input.

use super::parse::{Form, Modifier, Node};
use super::*;

fn ok(query: &str) -> Node {
    match parse(query) {
        Ok(node) => node,
        Err(e) => panic!("{query:?} should parse, got {e}"),
    }
}

/// The error of a query that must not parse.
fn err(query: &str) -> QueryError {
    match parse(query) {
        Ok(node) => panic!("{query:?} should not parse, got {node:?}"),
        Err(e) => e,
    }
}

/// The column of a malformed query's error, checked against its message.
fn column(query: &str) -> usize {
    let e = err(query);
    let column = e.column.expect("query errors have a column");
    assert!(
        e.to_string()
            .starts_with(&format!("malformed query at column {column}: ")),
        "{e}"
    );
    column
}

fn word(text: &str) -> Node {
    Node::Word {
        field: None,
        text: text.into(),
        form: Form::Stemmed,
        boost: 1.0,
    }
}

fn in_field(field: &str, mut node: Node) -> Node {
    match &mut node {
        Node::Word { field: f, .. } | Node::Phrase { field: f, .. } => *f = Some(field.into()),
        _ => panic!("only words and phrases have a field"),
    }
    node
}

fn prefix(text: &str) -> Node {
    Node::Word {
        field: None,
        text: text.into(),
        form: Form::Prefix,
        boost: 1.0,
    }
}

fn phrase(text: &str, slop: u32) -> Node {
    Node::Phrase {
        field: None,
        text: text.into(),
        slop,
        exact: false,
        boost: 1.0,
    }
}

fn boosted(mut node: Node, value: f32) -> Node {
    match &mut node {
        Node::All => {}
        Node::Word { boost, .. }
        | Node::Phrase { boost, .. }
        | Node::And { boost, .. }
        | Node::Or { boost, .. } => *boost = value,
    }
    node
}

fn and(clauses: Vec<(Modifier, Node)>) -> Node {
    Node::And {
        clauses,
        explicit_and: false,
        boost: 1.0,
    }
}

fn explicit_and(clauses: Vec<(Modifier, Node)>) -> Node {
    Node::And {
        clauses,
        explicit_and: true,
        boost: 1.0,
    }
}

fn plain(nodes: &[&str]) -> Vec<(Modifier, Node)> {
    nodes.iter().map(|w| (Modifier::Plain, word(w))).collect()
}

fn or(branches: Vec<Node>) -> Node {
    Node::Or {
        branches,
        boost: 1.0,
    }
}

mod words {
    use super::*;

    #[test]
    fn a_single_word() {
        assert_eq!(ok("storm"), word("storm"));
        assert_eq!(ok("  storm\t"), word("storm"));
    }

    #[test]
    fn words_keep_their_case_and_punctuation_for_the_analyzer() {
        assert_eq!(ok("Banks"), word("Banks"));
        assert_eq!(ok("U.S."), word("U.S."));
        assert_eq!(ok("e-mail"), word("e-mail"));
        assert_eq!(ok("São"), word("São"));
        // A colon after a number is not a field.
        assert_eq!(ok("10:30"), word("10:30"));
        // Nor is a URL scheme, or a colon before white space.
        assert_eq!(ok("http://example.com"), word("http://example.com"));
        assert_eq!(ok("update: storm"), and(plain(&["update:", "storm"])));
    }

    #[test]
    fn juxtaposed_words_are_an_implicit_and() {
        assert_eq!(ok("storm surge"), and(plain(&["storm", "surge"])));
        assert_eq!(
            ok("storm surge  insurance"),
            and(plain(&["storm", "surge", "insurance"]))
        );
    }

    #[test]
    fn a_lone_plus_or_minus_is_a_word() {
        assert_eq!(ok("storm - surge"), and(plain(&["storm", "-", "surge"])));
        assert_eq!(ok("+"), word("+"));
        assert_eq!(ok("storm -"), and(plain(&["storm", "-"])));
    }

    #[test]
    fn operators_are_upper_case_only() {
        assert_eq!(ok("storm or surge"), and(plain(&["storm", "or", "surge"])));
        assert_eq!(ok("and"), word("and"));
        assert_eq!(ok("not storm"), and(plain(&["not", "storm"])));
    }
}

mod phrases {
    use super::*;

    #[test]
    fn a_quoted_phrase() {
        assert_eq!(ok("\"flood insurance\""), phrase("flood insurance", 0));
        assert_eq!(
            ok("storm \"flood insurance\""),
            and(vec![
                (Modifier::Plain, word("storm")),
                (Modifier::Plain, phrase("flood insurance", 0)),
            ])
        );
    }

    #[test]
    fn operators_inside_quotes_are_text() {
        assert_eq!(ok("\"a OR (b)\""), phrase("a OR (b)", 0));
        assert_eq!(ok("\"\""), phrase("", 0));
    }

    #[test]
    fn slop_follows_the_closing_quote() {
        assert_eq!(ok("\"insurance flood\"~3"), phrase("insurance flood", 3));
        assert_eq!(ok("\"a b\"~0"), phrase("a b", 0));
        assert_eq!(ok("\"a b\"~255"), phrase("a b", 255));
    }

    #[test]
    fn slop_and_boost_together() {
        assert_eq!(ok("\"a b\"~2^3"), boosted(phrase("a b", 2), 3.0));
    }

    #[test]
    fn phrases_may_touch_parentheses() {
        assert_eq!(ok("(\"a b\" OR c)"), or(vec![phrase("a b", 0), word("c")]));
    }
}

mod operators {
    use super::*;

    #[test]
    fn or_gives_alternatives() {
        assert_eq!(
            ok("merger OR acquisition"),
            or(vec![word("merger"), word("acquisition")])
        );
        assert_eq!(ok("a || b"), or(vec![word("a"), word("b")]));
        assert_eq!(ok("a OR b OR c"), or(vec![word("a"), word("b"), word("c")]));
    }

    #[test]
    fn and_is_marked_explicit() {
        assert_eq!(
            ok("storm AND surge"),
            explicit_and(plain(&["storm", "surge"]))
        );
        assert_eq!(
            ok("storm && surge"),
            explicit_and(plain(&["storm", "surge"]))
        );
        // AND binds tighter than juxtaposition: `a AND b c` is `(a AND b) c`,
        // which with --any is `(a AND b) OR c`.
        assert_eq!(
            ok("a AND b c"),
            and(vec![
                (Modifier::Plain, explicit_and(plain(&["a", "b"]))),
                (Modifier::Plain, word("c")),
            ])
        );
        assert_eq!(
            ok("a b AND c"),
            and(vec![
                (Modifier::Plain, word("a")),
                (Modifier::Plain, explicit_and(plain(&["b", "c"]))),
            ])
        );
        assert_eq!(
            ok("-a AND b"),
            explicit_and(vec![
                (Modifier::Not, word("a")),
                (Modifier::Plain, word("b")),
            ])
        );
    }

    #[test]
    fn and_binds_tighter_than_or() {
        assert_eq!(
            ok("a AND b OR c"),
            or(vec![explicit_and(plain(&["a", "b"])), word("c")])
        );
        assert_eq!(
            ok("a OR b AND c"),
            or(vec![word("a"), explicit_and(plain(&["b", "c"]))])
        );
        assert_eq!(
            ok("a AND b OR c AND d"),
            or(vec![
                explicit_and(plain(&["a", "b"])),
                explicit_and(plain(&["c", "d"]))
            ])
        );
    }

    #[test]
    fn juxtaposition_binds_tighter_than_or() {
        assert_eq!(ok("a b OR c"), or(vec![and(plain(&["a", "b"])), word("c")]));
        assert_eq!(ok("a OR b c"), or(vec![word("a"), and(plain(&["b", "c"]))]));
    }

    #[test]
    fn not_and_minus_exclude() {
        let expected = and(vec![
            (Modifier::Plain, word("storm")),
            (Modifier::Not, word("insurance")),
        ]);
        assert_eq!(ok("storm NOT insurance"), expected);
        assert_eq!(ok("storm -insurance"), expected);
        assert_eq!(ok("-storm"), and(vec![(Modifier::Not, word("storm"))]));
        assert_eq!(ok("NOT storm"), and(vec![(Modifier::Not, word("storm"))]));
    }

    #[test]
    fn plus_requires() {
        assert_eq!(
            ok("+storm surge"),
            and(vec![
                (Modifier::Must, word("storm")),
                (Modifier::Plain, word("surge")),
            ])
        );
        assert_eq!(ok("+storm"), and(vec![(Modifier::Must, word("storm"))]));
    }

    #[test]
    fn stacked_modifiers_combine() {
        // Double negation cancels; any exclusion otherwise wins.
        assert_eq!(ok("--storm"), and(vec![(Modifier::Must, word("storm"))]));
        assert_eq!(ok("NOT -storm"), and(vec![(Modifier::Must, word("storm"))]));
        assert_eq!(ok("+-storm"), and(vec![(Modifier::Not, word("storm"))]));
        assert_eq!(ok("-+storm"), and(vec![(Modifier::Not, word("storm"))]));
        assert_eq!(ok("++storm"), and(vec![(Modifier::Must, word("storm"))]));
    }

    #[test]
    fn modifiers_apply_to_groups_and_phrases() {
        assert_eq!(
            ok("storm -(insurance OR claim)"),
            and(vec![
                (Modifier::Plain, word("storm")),
                (Modifier::Not, or(vec![word("insurance"), word("claim")])),
            ])
        );
        assert_eq!(
            ok("+\"sea wall\""),
            and(vec![(Modifier::Must, phrase("sea wall", 0))])
        );
    }

    #[test]
    fn a_word_with_an_inner_minus_is_one_word() {
        assert_eq!(ok("re-elected"), word("re-elected"));
    }
}

mod groups {
    use super::*;

    #[test]
    fn parentheses_group() {
        assert_eq!(
            ok("(merger OR takeover) bank"),
            and(vec![
                (Modifier::Plain, or(vec![word("merger"), word("takeover")])),
                (Modifier::Plain, word("bank")),
            ])
        );
        assert_eq!(
            ok("a AND (b OR c)"),
            explicit_and(vec![
                (Modifier::Plain, word("a")),
                (Modifier::Plain, or(vec![word("b"), word("c")])),
            ])
        );
    }

    #[test]
    fn redundant_parentheses_vanish() {
        assert_eq!(ok("((storm))"), word("storm"));
        assert_eq!(ok("( storm )"), word("storm"));
    }

    #[test]
    fn groups_nest() {
        assert_eq!(
            ok("(a (b OR (c d)))"),
            and(vec![
                (Modifier::Plain, word("a")),
                (
                    Modifier::Plain,
                    or(vec![word("b"), and(plain(&["c", "d"]))])
                ),
            ])
        );
    }

    #[test]
    fn nesting_up_to_the_limit_parses() {
        let query = format!("{}storm{}", "(".repeat(60), ")".repeat(60));
        assert_eq!(ok(&query), word("storm"));
    }
}

mod fields {
    use super::*;

    #[test]
    fn every_field_qualifies_a_word() {
        for field in ["headline", "body", "comments", "source"] {
            assert_eq!(
                ok(&format!("{field}:storm")),
                in_field(field, word("storm"))
            );
        }
    }

    #[test]
    fn a_field_qualifies_a_phrase() {
        assert_eq!(
            ok("body:\"sea wall\""),
            in_field("body", phrase("sea wall", 0))
        );
        assert_eq!(
            ok("body:\"sea wall\"~2"),
            in_field("body", phrase("sea wall", 2))
        );
    }

    #[test]
    fn a_field_group_scopes_its_words() {
        assert_eq!(
            ok("comments:(refund OR scam)"),
            or(vec![
                in_field("comments", word("refund")),
                in_field("comments", word("scam")),
            ])
        );
        // The same field inside is allowed.
        assert_eq!(
            ok("headline:(headline:storm surge)"),
            and(vec![
                (Modifier::Plain, in_field("headline", word("storm"))),
                (Modifier::Plain, in_field("headline", word("surge"))),
            ])
        );
    }

    #[test]
    fn a_field_applies_to_one_term_only() {
        assert_eq!(
            ok("headline:storm surge"),
            and(vec![
                (Modifier::Plain, in_field("headline", word("storm"))),
                (Modifier::Plain, word("surge")),
            ])
        );
    }

    #[test]
    fn fields_combine_with_modifiers_prefixes_and_boosts() {
        assert_eq!(
            ok("storm -comments:scam"),
            and(vec![
                (Modifier::Plain, word("storm")),
                (Modifier::Not, in_field("comments", word("scam"))),
            ])
        );
        assert_eq!(ok("headline:bank*"), in_field("headline", prefix("bank")));
        assert_eq!(
            ok("source:Gazette^2"),
            boosted(in_field("source", word("Gazette")), 2.0)
        );
    }

    #[test]
    fn field_names_are_case_sensitive() {
        // `Headline` is no field; it reads like an unknown field.
        assert_eq!(column("Headline:storm"), 1);
    }
}

mod prefixes_boosts_and_all {
    use super::*;

    #[test]
    fn a_trailing_star_is_a_prefix() {
        assert_eq!(ok("bank*"), prefix("bank"));
        assert_eq!(ok("Élect*"), prefix("Élect"));
        assert_eq!(
            ok("bank* merger"),
            and(vec![
                (Modifier::Plain, prefix("bank")),
                (Modifier::Plain, word("merger")),
            ])
        );
    }

    #[test]
    fn a_star_alone_is_every_article() {
        assert_eq!(ok("*"), Node::All);
        assert_eq!(ok(" * "), Node::All);
        assert_eq!(
            ok("* -storm"),
            and(vec![
                (Modifier::Plain, Node::All),
                (Modifier::Not, word("storm")),
            ])
        );
    }

    #[test]
    fn exact_words_and_phrases() {
        let exact = |node: Node| match node {
            Node::Word { text, .. } => Node::Word {
                field: None,
                text,
                form: Form::Exact,
                boost: 1.0,
            },
            Node::Phrase { text, slop, .. } => Node::Phrase {
                field: None,
                text,
                slop,
                exact: true,
                boost: 1.0,
            },
            other => other,
        };
        assert_eq!(ok("=banking"), exact(word("banking")));
        assert_eq!(ok("=\"bank of\"~2"), exact(phrase("bank of", 2)));
        assert_eq!(
            ok("headline:=banking"),
            in_field("headline", exact(word("banking")))
        );
        assert_eq!(ok("=banking^2"), boosted(exact(word("banking")), 2.0));
        // A prefix or a fuzzy word is as written already.
        assert_eq!(ok("=bank*"), prefix("bank"));
        // `=` alone, or inside a word, is text.
        assert_eq!(ok("="), word("="));
        assert_eq!(ok("a=b"), word("a=b"));
        assert_eq!(column("=AND"), 1);
    }

    #[test]
    fn fuzzy_words() {
        let fuzzy = |text: &str, distance| Node::Word {
            field: None,
            text: text.into(),
            form: Form::Fuzzy(distance),
            boost: 1.0,
        };
        assert_eq!(ok("oil~1"), fuzzy("oil", 1));
        assert_eq!(ok("Öl~2"), fuzzy("Öl", 2));
        assert_eq!(ok("oil~2^3"), boosted(fuzzy("oil", 2), 3.0));
        assert_eq!(ok("body:oil~1"), in_field("body", fuzzy("oil", 1)));
    }

    #[test]
    fn phrases_may_hold_prefixes() {
        assert_eq!(ok("\"petro* company\""), phrase("petro* company", 0));
        assert_eq!(ok("\"petro*, comp*\"~2"), phrase("petro*, comp*", 2));
    }

    #[test]
    fn boosts_weigh_words_phrases_and_groups() {
        assert_eq!(ok("storm^2"), boosted(word("storm"), 2.0));
        assert_eq!(ok("storm^0.5"), boosted(word("storm"), 0.5));
        assert_eq!(ok("bank*^3"), boosted(prefix("bank"), 3.0));
        assert_eq!(ok("\"sea wall\"^2"), boosted(phrase("sea wall", 0), 2.0));
        assert_eq!(
            ok("(merger OR takeover)^4"),
            boosted(or(vec![word("merger"), word("takeover")]), 4.0)
        );
        assert_eq!(
            ok("(a b)^2 c"),
            and(vec![
                (Modifier::Plain, boosted(and(plain(&["a", "b"])), 2.0)),
                (Modifier::Plain, word("c")),
            ])
        );
    }

    #[test]
    fn the_largest_boost_is_accepted() {
        assert_eq!(ok("storm^1000"), boosted(word("storm"), 1000.0));
    }
}

mod positive_part {
    use super::*;

    #[test]
    fn excluded_clauses_are_dropped() {
        assert_eq!(
            positive(&ok("storm -insurance")),
            Some(and(vec![(Modifier::Plain, word("storm"))]))
        );
        assert_eq!(
            positive(&ok("a OR (b -c)")),
            Some(or(vec![word("a"), and(vec![(Modifier::Plain, word("b"))])]))
        );
    }

    #[test]
    fn nothing_positive_is_none() {
        assert_eq!(positive(&ok("-storm")), None);
        assert_eq!(positive(&ok("NOT a -b")), None);
        assert_eq!(positive(&ok("-a OR -b")), None);
    }

    #[test]
    fn queries_without_exclusions_are_kept() {
        for query in ["storm", "a OR b", "+a b", "\"a b\"~2", "*", "bank*"] {
            assert_eq!(positive(&ok(query)), Some(ok(query)), "{query}");
        }
    }
}

mod malformed {
    use super::*;

    #[test]
    fn empty_queries() {
        for query in ["", " ", "\t\n "] {
            let e = err(query);
            assert_eq!(e.column, Some(1), "{query:?}");
            assert!(e.message.contains("empty query"), "{e}");
        }
    }

    #[test]
    fn unclosed_quote_points_at_the_opening_quote() {
        assert_eq!(column("\"unclosed"), 1);
        assert_eq!(column("storm \"flood insurance"), 7);
        assert_eq!(column("body:\"sea wall"), 6);
        assert!(err("a \"b").message.contains("unclosed quote"));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        // `é` and `ü` are two bytes each, the emoji four.
        assert_eq!(column("café \"x"), 6);
        assert_eq!(column("Zoë Müller (x"), 12);
        assert_eq!(column("👍 )"), 3);
    }

    #[test]
    fn unbalanced_parentheses() {
        let e = err("storm (surge");
        assert_eq!(e.column, Some(7));
        assert!(e.message.contains("unclosed '('"), "{e}");
        let e = err("storm)");
        assert_eq!(e.column, Some(6));
        assert!(e.message.contains("unmatched ')'"), "{e}");
        assert_eq!(column(")"), 1);
        assert_eq!(column("(a OR b))"), 9);
        assert_eq!(column("((a)"), 1);
        assert_eq!(column("a (b (c)"), 3);
        // Nothing after the `(`: the column is just past the end.
        assert_eq!(column("storm ("), 8);
    }

    #[test]
    fn empty_parentheses() {
        let e = err("storm ()");
        assert_eq!(e.column, Some(8));
        assert!(e.message.contains("empty parentheses"), "{e}");
        assert_eq!(column("headline:()"), 11);
    }

    #[test]
    fn dangling_operators() {
        // Missing right-hand side: the column is just past the end.
        let e = err("storm AND");
        assert_eq!(e.column, Some(10));
        assert!(
            e.message.contains("AND needs something on its right"),
            "{e}"
        );
        assert_eq!(column("storm OR"), 9);
        assert_eq!(column("storm NOT"), 10);
        assert_eq!(column("NOT"), 4);
        // Missing left-hand side: the operator's own column.
        let e = err("AND storm");
        assert_eq!(e.column, Some(1));
        assert!(e.message.contains("AND needs something on its left"), "{e}");
        let e = err("OR storm");
        assert_eq!(e.column, Some(1));
        assert!(e.message.contains("OR needs something on each side"), "{e}");
        // Operators in a row.
        assert_eq!(column("a AND OR b"), 7);
        assert_eq!(column("a OR OR b"), 6);
        assert_eq!(column("a AND AND b"), 7);
        assert_eq!(column("(a OR) b"), 6);
        assert_eq!(column("(AND a)"), 2);
        assert_eq!(column("a -)"), 4);
    }

    #[test]
    fn unknown_fields() {
        let e = err("title:storm");
        assert_eq!(e.column, Some(1));
        assert!(e.message.contains("title"), "{e}");
        assert!(
            e.message.contains("headline"),
            "names the known fields: {e}"
        );
        assert_eq!(column("storm author:\"Corwin Hale\""), 7);
        assert_eq!(column("storm date:(2019 OR 2020)"), 7);
    }

    #[test]
    fn a_field_without_a_term() {
        assert_eq!(column("headline:"), 10);
        assert_eq!(column("headline: storm"), 10);
        assert_eq!(column("storm body:)"), 12);
    }

    #[test]
    fn conflicting_fields_in_a_field_group() {
        let e = err("headline:(storm body:surge)");
        assert_eq!(e.column, Some(17));
        assert!(
            e.message.contains("body: inside a headline:(...) group"),
            "{e}"
        );
    }

    #[test]
    fn misplaced_stars() {
        assert_eq!(column("ba*nk*"), 3);
        assert_eq!(column("storm **"), 7);
        assert!(err("ba*nk").message.contains("a * may only end a word"));
    }

    #[test]
    fn a_leading_star_is_refused_not_dropped() {
        // `*il` used to run as `il`.
        for (query, col) in [("*il", 1), ("oil *il", 5), ("**", 1), ("headline:*il", 10)] {
            let e = err(query);
            assert_eq!(e.column, Some(col), "{query}: {e}");
            assert!(e.message.contains("cannot start with *"), "{query}: {e}");
        }
    }

    #[test]
    fn a_tilde_after_a_word_must_be_a_fuzzy_distance() {
        // `oil~3` used to become the phrase "oil 3".
        for (query, col) in [
            ("oil~3", 4),
            ("oil~", 4),
            ("storm oil~0", 10),
            ("~2", 1),
            ("oil~1x", 4),
        ] {
            let e = err(query);
            assert_eq!(e.column, Some(col), "{query}: {e}");
            assert!(e.message.contains("word~1 or word~2"), "{query}: {e}");
        }
        let e = err("e-mail~1");
        assert_eq!(e.column, Some(1));
        assert!(e.message.contains("letters and digits"), "{e}");
        // Not a prefix and fuzzy at once.
        assert_eq!(column("oil*~1"), 1);
        assert_eq!(column("oil~1*"), 4);
    }

    #[test]
    fn a_star_in_a_phrase_must_end_a_word() {
        for (query, col) in [
            ("\"*il company\"", 2),
            ("\"pe*ro company\"", 4),
            ("\"oil * company\"", 6),
            ("storm \"oil **\"", 12),
        ] {
            let e = err(query);
            assert_eq!(e.column, Some(col), "{query}: {e}");
            assert!(e.message.contains("may only end a word"), "{query}: {e}");
        }
    }

    #[test]
    fn slop_is_at_most_255() {
        // tantivy's phrase scorer counts slop in a byte.
        assert_eq!(column("\"a b c\"~300"), 8);
        assert!(err("\"a b\"~256").message.contains("0 to 255"));
    }

    #[test]
    fn bad_boosts() {
        for (query, col) in [
            ("storm^", 6),
            ("storm^0", 6),
            ("storm^-1", 6),
            ("storm^abc", 6),
            ("storm^1001", 6),
            ("a \"b c\"^", 8),
            ("(a)^x", 4),
        ] {
            let e = err(query);
            assert_eq!(e.column, Some(col), "{query}: {e}");
            assert!(e.message.contains("positive number after ^"), "{e}");
        }
        // A weight must follow something.
        assert_eq!(column("a ) ^2"), 3);
    }

    #[test]
    fn bad_slop() {
        for (query, col) in [("\"a b\"~", 6), ("\"a b\"~x", 6), ("\"a b\"~1001", 6)] {
            let e = err(query);
            assert_eq!(e.column, Some(col), "{query}: {e}");
            assert!(e.message.contains("after ~"), "{e}");
        }
    }

    #[test]
    fn text_glued_to_a_phrase() {
        let e = err("\"a b\"c");
        assert_eq!(e.column, Some(6));
        assert!(e.message.contains("white space after the phrase"), "{e}");
    }

    #[test]
    fn too_deep_nesting() {
        let query = format!("{}storm{}", "(".repeat(100), ")".repeat(100));
        assert!(err(&query).message.contains("nests too deeply"));
        let query = format!("{}storm", "-".repeat(100));
        assert!(err(&query).message.contains("nests too deeply"));
        let query = format!("{}storm", "NOT ".repeat(100));
        assert!(err(&query).message.contains("nests too deeply"));
    }

    #[test]
    fn the_rendered_message_shows_the_query_and_a_caret() {
        let e = err("storm (surge");
        assert_eq!(
            e.to_string(),
            "malformed query at column 7: unclosed '(': add the closing ')'\n  storm (surge\n        ^"
        );
    }

    #[test]
    fn control_characters_do_not_shift_the_caret() {
        let e = err("a\tb\x1b )");
        let rendered = e.to_string();
        assert!(!rendered.contains('\x1b') && !rendered.contains('\t'));
        let lines: Vec<&str> = rendered.lines().collect();
        assert_eq!(lines[1], "  a b  )");
        assert_eq!(lines[2].find('^'), lines[1].find(')'));
    }

    #[test]
    fn filter_values_have_no_column() {
        let e = QueryError::value("2019-13", "expected a date");
        assert_eq!(e.column, None);
        assert_eq!(e.to_string(), "invalid value \"2019-13\": expected a date");
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn config(default_cases: u32) -> ProptestConfig {
        // NEWSIDX_PROPTEST_CASES raises (or lowers) the count for long runs.
        let cases = std::env::var("NEWSIDX_PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default_cases);
        ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    /// Text made mostly of the language's own pieces, so that the parser
    /// goes deep rather than failing at the first character.
    fn query_like() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[a-zA-Z0-9éü👍]{1,6}",
            Just("AND".to_string()),
            Just("OR".to_string()),
            Just("NOT".to_string()),
            Just("&&".to_string()),
            Just("||".to_string()),
            "[-+()*\"~^:.]{1,3}",
            "(headline|body|comments|source|title):",
            "\\^[0-9.]{0,5}",
            "~[0-9]{0,5}",
            "[ \t\n\r\u{1b}\u{0}]{1,2}",
        ];
        prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
    }

    fn check(input: &str) -> Result<(), TestCaseError> {
        match parse(input) {
            Ok(node) => {
                let _ = positive(&node);
            }
            Err(e) => {
                prop_assert_eq!(&e.input, input);
                let column = e.column.expect("parse errors have a column");
                prop_assert!(column >= 1 && column <= input.chars().count() + 1);
                prop_assert!(!e.message.is_empty());
                let rendered = e.to_string();
                let marker = format!("column {column}");
                prop_assert!(rendered.contains(&marker));
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(config(2_000))]

        #[test]
        fn arbitrary_strings_never_panic(input in any::<String>()) {
            check(&input)?;
        }

        #[test]
        fn query_like_strings_never_panic(input in query_like()) {
            check(&input)?;
        }
    }
}
