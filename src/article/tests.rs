//! Unit tests of the article parser, one group per rule of the format (the
//! rule names are those listed in the module docs of `article.rs`).

use super::*;
use time::macros::date;

fn parse_ok(text: &str) -> Article {
    match parse(
        text.as_bytes(),
        "group/000_00000000000000aa.txt",
        &ParseOptions::default(),
    ) {
        Ok(article) => article,
        Err(skip) => panic!("expected an article, got {skip:?}"),
    }
}

fn parse_skip(bytes: &[u8]) -> SkipReason {
    match parse(bytes, "x.txt", &ParseOptions::default()) {
        Ok(article) => panic!("expected a skip, got {article:?}"),
        Err(skip) => skip.reason,
    }
}

/// A file of the seed's shape: leading space before `date`, the body's first
/// paragraph on the date line, `©` copyright, em-dash separator, a notice,
/// comments, and no final newline. (Our own words, the seed's layout.)
const SEED_SHAPE: &str = " date 2018-08-08 A lighthouse keeper in Brannock Bay said on Tuesday that the lamp would stay lit.\n\
The county had planned to switch it off in the spring.\n\
“We still have boats out there,” she said.\n\
© Copyright (c) 2018 Brannock Bay Courier, Inc.\n\
—-\n\
This content is distributed under a licence from the Coastal Wire syndicate.\n\
Join the discussion\n\
Keep the light on, it saved my uncle in 1987.\n\
The county never listens to the harbour.";

#[test]
fn seed_shape_parses_into_every_part() {
    let a = parse_ok(SEED_SHAPE);
    assert_eq!(a.id, "000_00000000000000aa");
    assert_eq!(a.path, "group/000_00000000000000aa.txt");
    assert_eq!(a.date, Some(date!(2018 - 08 - 08)));
    assert_eq!(a.source.as_deref(), Some("Brannock Bay Courier, Inc."));
    assert_eq!(a.body.len(), 3);
    assert_eq!(
        a.body[0],
        "A lighthouse keeper in Brannock Bay said on Tuesday that the lamp would stay lit."
    );
    assert_eq!(a.body[2], "“We still have boats out there,” she said.");
    assert_eq!(a.headline, a.body[0]);
    assert_eq!(
        a.notice.as_deref(),
        Some("This content is distributed under a licence from the Coastal Wire syndicate.")
    );
    assert_eq!(
        a.comments,
        vec![
            "Keep the light on, it saved my uncle in 1987.",
            "The county never listens to the harbour."
        ]
    );
    assert!(!a.repaired());
}

// ---- file-bom, file-invalid-utf8, file-line-endings ----

#[test]
fn file_bom_is_dropped_before_the_header() {
    let text = format!("\u{feff}{SEED_SHAPE}");
    let a = parse_ok(&text);
    assert_eq!(a, parse_ok(SEED_SHAPE));
}

#[test]
fn file_invalid_utf8_is_repaired_and_counted() {
    let mut bytes = b" date 2001-05-02 The caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b" reopened.\nIts owner \xff\xfe was pleased.");
    let a = parse(&bytes, "a.txt", &ParseOptions::default()).expect("article");
    // 0xE9 is one invalid sequence; 0xFF and 0xFE are one each.
    assert_eq!(a.invalid_utf8, 3);
    assert!(a.repaired());
    assert_eq!(a.body[0], "The caf\u{fffd} reopened.");
    assert_eq!(a.body[1], "Its owner \u{fffd}\u{fffd} was pleased.");
}

#[test]
fn file_line_endings_crlf_equals_lf() {
    let crlf = SEED_SHAPE.replace('\n', "\r\n");
    assert_eq!(parse_ok(&crlf), parse_ok(SEED_SHAPE));
}

#[test]
fn file_line_endings_final_newline_is_optional() {
    let with_newline = format!("{SEED_SHAPE}\n");
    assert_eq!(parse_ok(&with_newline), parse_ok(SEED_SHAPE));
}

// ---- file-empty, file-binary, file-too-large ----

#[test]
fn file_empty_zero_bytes_and_white_space() {
    assert_eq!(parse_skip(b""), SkipReason::Empty);
    assert_eq!(parse_skip(b"  \r\n\n\t "), SkipReason::Empty);
    assert_eq!(parse_skip(b"\xEF\xBB\xBF\n"), SkipReason::Empty);
}

#[test]
fn file_binary_nul_bytes_or_control_bytes() {
    assert_eq!(
        parse_skip(b" date 2018-08-08 text\0more"),
        SkipReason::Binary
    );
    let controls: Vec<u8> = (0..200u8)
        .map(|i| if i % 3 == 0 { 0x01 } else { b'a' })
        .collect();
    assert_eq!(parse_skip(&controls), SkipReason::Binary);
}

#[test]
fn file_binary_allows_tabs_form_feeds_and_escapes() {
    let a = parse_ok(" date 2018-08-08 Tab\there, form feed\x0c, escape \x1b[1m here.");
    assert_eq!(a.body.len(), 1);
}

#[test]
fn file_too_large_names_the_limit() {
    let options = ParseOptions { max_file_size: 10 };
    let skip = parse(b"0123456789AB", "big.txt", &options).expect_err("too large");
    assert_eq!(skip.reason, SkipReason::TooLarge);
    assert!(skip.detail.contains("12 bytes"), "{}", skip.detail);
    assert!(skip.detail.contains("limit of 10 bytes"), "{}", skip.detail);
}

// ---- date-header ----

#[test]
fn date_header_leading_white_space_is_optional() {
    for prefix in ["", " ", "  \t"] {
        let a = parse_ok(&format!("{prefix}date 1999-12-31 Party lede."));
        assert_eq!(a.date, Some(date!(1999 - 12 - 31)), "prefix {prefix:?}");
        assert_eq!(a.body, vec!["Party lede."]);
    }
}

#[test]
fn date_header_without_header_is_undated_body() {
    let a = parse_ok("The mayor resigned.\nMore at eleven.");
    assert_eq!(a.date, None);
    assert_eq!(a.body, vec!["The mayor resigned.", "More at eleven."]);
}

#[test]
fn date_header_impossible_date_is_removed_and_undated() {
    for (bad, why) in [
        ("2018-02-30", "February 2018 has 28 days"),
        ("2021-13-01", "there is no month 13"),
        ("2019-00-10", "there is no month 00"),
        ("0000-01-01", "there is no year 0000"),
    ] {
        let a = parse_ok(&format!(" date {bad} Lede text."));
        assert_eq!(a.date, None, "{bad}");
        assert_eq!(a.body, vec!["Lede text."], "{bad}");
        let problem = a.date_problem.expect("the reason is given");
        assert!(
            problem.starts_with(bad) && problem.ends_with(why),
            "{problem}"
        );
    }
}

#[test]
fn date_header_takes_any_year_from_1_to_9999() {
    // tantivy's own date type ends at 1678 and 2261; newsidx's does not.
    for (text, day) in [
        ("0001-01-01", date!(0001 - 01 - 01)),
        ("0999-01-01", date!(0999 - 01 - 01)),
        ("1665-11-16", date!(1665 - 11 - 16)),
        ("1677-12-31", date!(1677 - 12 - 31)),
        ("2262-04-12", date!(2262 - 04 - 12)),
        ("9999-12-31", date!(9999 - 12 - 31)),
    ] {
        let a = parse_ok(&format!(" date {text} An old paper."));
        assert_eq!((a.date, a.date_problem), (Some(day), None), "{text}");
    }
}

#[test]
fn no_header_is_no_date_problem() {
    let a = parse_ok("Just a body.");
    assert_eq!((a.date, a.date_problem), (None, None));
}

#[test]
fn date_header_leap_day_is_possible() {
    assert_eq!(
        parse_ok("date 2020-02-29 Leap.").date,
        Some(date!(2020 - 02 - 29))
    );
    assert_eq!(parse_ok("date 2019-02-29 Not leap.").date, None);
}

#[test]
fn date_header_of_another_shape_is_body_text() {
    for line in [
        "date 20-01-2019 Lede.",
        "date 2019/01/20 Lede.",
        "dated 2019-01-20 Lede.",
        "date2019-01-20 Lede.",
        "date 2019-01-201 Lede.",
    ] {
        let a = parse_ok(line);
        assert_eq!(a.date, None, "{line}");
        if line.starts_with("date ") {
            let problem = a
                .date_problem
                .as_deref()
                .expect("a date line that is no date");
            assert!(
                problem.contains("not a date of the form YYYY-MM-DD"),
                "{problem}"
            );
        }
        assert_eq!(a.body, vec![line.to_string()]);
    }
}

#[test]
fn date_header_alone_on_its_line_gives_body_from_next_line() {
    let a = parse_ok(" date 2005-06-07\nFirst paragraph.\nSecond.");
    assert_eq!(a.date, Some(date!(2005 - 06 - 07)));
    assert_eq!(a.body, vec!["First paragraph.", "Second."]);
}

// ---- body-paragraphs, headline ----

#[test]
fn body_paragraphs_skip_blank_lines_and_trim() {
    let a = parse_ok(" date 2010-01-01 One.\n\n   \n  Two.  \n\nThree.");
    assert_eq!(a.body, vec!["One.", "Two.", "Three."]);
    assert_eq!(a.body_text(), "One.\nTwo.\nThree.");
}

#[test]
fn headline_is_the_lede_when_short() {
    let a = parse_ok(" date 2010-01-01 Short lede.\nSecond.");
    assert_eq!(a.headline, "Short lede.");
}

#[test]
fn headline_is_cut_at_a_word_boundary_near_200_chars() {
    let lede = "word ".repeat(60);
    let a = parse_ok(&format!(" date 2010-01-01 {lede}"));
    assert!(a.headline.chars().count() <= HEADLINE_MAX_CHARS + 1);
    assert!(a.headline.ends_with("word…"), "{}", a.headline);
    let unbroken = "x".repeat(300);
    let b = parse_ok(&format!(" date 2010-01-01 {unbroken}"));
    assert_eq!(b.headline.chars().count(), HEADLINE_MAX_CHARS + 1);
}

#[test]
fn headline_is_empty_without_body() {
    let a = parse_ok(" date 2010-01-01\n© 2010 Example Press");
    assert_eq!(a.headline, "");
    assert!(a.body.is_empty());
    assert_eq!(a.source.as_deref(), Some("Example Press"));
}

// ---- trailer-copyright ----

#[test]
fn trailer_copyright_accepts_any_mix_of_markers() {
    for (line, holder) in [
        (
            "© Copyright (c) 2018 News World Communications, Inc.",
            "News World Communications, Inc.",
        ),
        ("© 2018 Harbor Gazette", "Harbor Gazette"),
        ("(c) 1997 The Valley Sun", "The Valley Sun"),
        (
            "COPYRIGHT © 2003 Norrland Press Ltd.",
            "Norrland Press Ltd.",
        ),
        ("copyright 2011, Ledger Media", "Ledger Media"),
        (
            "Copyright (C) 2001-2018 Example Wire Inc. All rights reserved.",
            "Example Wire Inc.",
        ),
        ("©2020 Tight Spacing Co", "Tight Spacing Co"),
    ] {
        assert_eq!(copyright_holder(line).as_deref(), Some(holder), "{line}");
    }
}

#[test]
fn trailer_copyright_needs_a_year_and_a_holder() {
    for line in [
        "Copyright law experts said the ruling was narrow.",
        "Copyright 2019",
        "© 20199 Too Many Digits",
        "Copyright 2019 !!!",
        "The © 2019 Example is not at the start",
    ] {
        assert_eq!(copyright_holder(line), None, "{line}");
    }
}

#[test]
fn trailer_copyright_word_in_body_is_body_text() {
    let a = parse_ok(
        " date 2015-03-03 A court ruled on a song.\n\
         Copyright lawyers called the decision narrow.\n\
         © 2015 Ledger Media\n\
         —-\n\
         Syndicated.",
    );
    assert_eq!(
        a.body,
        vec![
            "A court ruled on a song.",
            "Copyright lawyers called the decision narrow."
        ]
    );
    assert_eq!(a.source.as_deref(), Some("Ledger Media"));
}

#[test]
fn trailer_copyright_without_separator_ends_the_body() {
    let a =
        parse_ok(" date 2015-03-03 Lede.\n© 2015 Ledger Media\nJoin the discussion\nA comment.");
    assert_eq!(a.body, vec!["Lede."]);
    assert_eq!(a.source.as_deref(), Some("Ledger Media"));
    assert_eq!(a.notice, None);
    assert_eq!(a.comments, vec!["A comment."]);
}

#[test]
fn trailer_copyright_missing_means_no_source() {
    let a = parse_ok(" date 2015-03-03 Lede.\nSecond.");
    assert_eq!(a.source, None);
    assert_eq!(a.body.len(), 2);
}

// ---- trailer-separator, trailer-notice ----

#[test]
fn trailer_separator_accepts_dash_runs_of_2_to_4() {
    for sep in ["—-", "--", "---", "----", "–-", "——", "—–—-"] {
        let a = parse_ok(&format!(
            " date 2001-01-01 Lede.\n© 2001 X Co\n{sep}\nNotice."
        ));
        assert_eq!(a.notice.as_deref(), Some("Notice."), "{sep}");
        assert_eq!(a.body, vec!["Lede."], "{sep}");
    }
    for not_sep in ["-", "-----", "- -", "—x"] {
        assert!(!is_separator(not_sep), "{not_sep}");
    }
}

#[test]
fn trailer_separator_without_copyright_before_comments() {
    let a =
        parse_ok(" date 2001-01-01 Lede.\n--\nReprinted by permission.\nJoin the discussion\nHi.");
    assert_eq!(a.source, None);
    assert_eq!(a.body, vec!["Lede."]);
    assert_eq!(a.notice.as_deref(), Some("Reprinted by permission."));
    assert_eq!(a.comments, vec!["Hi."]);
}

#[test]
fn trailer_separator_alone_in_body_is_a_scene_break() {
    let a = parse_ok(" date 2001-01-01 Part one.\n---\nPart two.");
    assert_eq!(a.body, vec!["Part one.", "---", "Part two."]);
    assert_eq!(a.notice, None);
}

#[test]
fn trailer_notice_keeps_several_lines() {
    let a = parse_ok(
        " date 2001-01-01 Lede.\n© 2001 X Co\n—-\nLine one.\n\nLine two.\nJoin the discussion",
    );
    assert_eq!(a.notice.as_deref(), Some("Line one.\nLine two."));
    assert!(a.comments.is_empty());
}

// ---- comments-marker ----

#[test]
fn comments_marker_is_trimmed_and_case_insensitive() {
    let a =
        parse_ok(" date 2001-01-01 Lede.\n© 2001 X Co\n  join the DISCUSSION  \nFirst.\n\nSecond.");
    assert_eq!(a.comments, vec!["First.", "Second."]);
}

#[test]
fn comments_marker_without_comments() {
    let a = parse_ok(" date 2001-01-01 Lede.\n© 2001 X Co\n—-\nNotice.\nJoin the discussion");
    assert!(a.comments.is_empty());
    assert_eq!(a.notice.as_deref(), Some("Notice."));
}

#[test]
fn comments_marker_hard_wrapped_comments_are_one_per_line() {
    let a = parse_ok(
        " date 2001-01-01 Lede.\nJoin the discussion\nA long comment that\ncontinues here.",
    );
    assert_eq!(a.comments, vec!["A long comment that", "continues here."]);
}

#[test]
fn comments_marker_later_markers_are_comments() {
    let a = parse_ok(" date 2001-01-01 Lede.\nJoin the discussion\nOne.\nJoin the discussion");
    assert_eq!(a.comments, vec!["One.", "Join the discussion"]);
}

#[test]
fn comments_keep_copyright_looking_lines() {
    let a = parse_ok(" date 2001-01-01 Lede.\nJoin the discussion\n© 2001 Not A Source");
    assert_eq!(a.source, None);
    assert_eq!(a.comments, vec!["© 2001 Not A Source"]);
}

// ---- ids and paths ----

#[test]
fn id_is_the_file_stem() {
    assert_eq!(
        file_stem("a/b/000_0649edb95e3e8da2.txt"),
        "000_0649edb95e3e8da2"
    );
    assert_eq!(file_stem("plain"), "plain");
    assert_eq!(file_stem(".hidden"), ".hidden");
    assert_eq!(file_stem("x/y.tar.txt"), "y.tar");
}

#[test]
fn render_then_parse_gives_the_article_back() {
    let a = parse_ok(SEED_SHAPE);
    assert_eq!(parse_ok(&a.render()), a);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn config() -> ProptestConfig {
        // At least 10,000 cases; NEWSIDX_PROPTEST_CASES raises it for long runs.
        let cases = std::env::var("NEWSIDX_PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10_000);
        ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    /// Text of one paragraph or comment: words from a small alphabet that
    /// includes non-ASCII letters, with no line breaks.
    fn line() -> impl Strategy<Value = String> {
        prop::collection::vec("[a-zA-Zéø“’0-9,.!?]{1,12}", 1..12).prop_map(|w| w.join(" "))
    }

    fn article() -> impl Strategy<Value = Article> {
        (
            prop::option::of((1700i32..2200, 1u8..=12, 1u8..=28)),
            prop::option::of("[A-Z][a-z]{2,10}( [A-Z][a-z]{1,8}){0,3}( Inc\\.)?"),
            prop::collection::vec(line(), 0..8),
            prop::option::of(line()),
            prop::collection::vec(line(), 0..10),
        )
            .prop_map(|(date, source, body, notice, comments)| {
                let date = date.and_then(|(y, m, d)| {
                    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
                });
                // Undated articles cannot start with a paragraph that looks
                // like a header, and a notice needs a source or comments to
                // be told from the body.
                let notice = notice.filter(|_| source.is_some() || !comments.is_empty());
                let headline = body.first().map_or_else(String::new, |l| headline(l));
                Article {
                    id: "000_0123456789abcdef".into(),
                    path: "p/000_0123456789abcdef.txt".into(),
                    date,
                    date_problem: None,
                    source,
                    headline,
                    body,
                    notice,
                    comments,
                    invalid_utf8: 0,
                }
            })
            // Without a date, body or source, the first line would be the
            // comments marker, which the format reads as body text.
            .prop_filter("needs a first line", |a| {
                a.date.is_some() || !a.body.is_empty() || a.source.is_some()
            })
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse(&bytes, "a/b.txt", &ParseOptions::default());
        }

        #[test]
        fn arbitrary_text_never_panics_and_keeps_every_line(text in "[ -~\n\r©—–\u{feff}]{0,400}") {
            if let Ok(a) = parse(text.as_bytes(), "a.txt", &ParseOptions::default()) {
                let kept = a.body.len() + a.comments.len() + usize::from(a.source.is_some())
                    + a.notice.as_ref().map_or(0, |n| n.lines().count());
                prop_assert!(kept <= text.split('\n').count());
            }
        }

        #[test]
        fn render_parse_round_trip(a in article()) {
            let text = a.render();
            let back = parse(text.as_bytes(), &a.path, &ParseOptions::default());
            prop_assert_eq!(back, Ok(a), "rendered:\n{}", text);
        }
    }
}
