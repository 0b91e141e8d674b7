//! The article file format: a pure parser from bytes to [`Article`].
//!
//! This module implements the archive format described in `docs/format.md`
//! (the rules, the skips, the dates and the reasons a date is not taken,
//! the sources, the trailer and the comments). It does no I/O and knows
//! nothing of tantivy: [`parse`] takes the bytes of one file and the file's
//! path relative to the archive root, and returns either an [`Article`] or a
//! [`Skip`] that says why the file holds no article.
//!
//! ```
//! use newsidx::article::{self, ParseOptions, SkipReason};
//!
//! let file = " date 2021-05-04 The bridge reopened.\n© 2021 Example Gazette\n\
//!             Join the discussion\nAbout time.";
//! let article = article::parse(file.as_bytes(), "000_a1.txt", &ParseOptions::default())?;
//! assert_eq!(article.id, "000_a1");
//! assert_eq!(article.source.as_deref(), Some("Example Gazette"));
//! assert_eq!(article.comments, ["About time."]);
//!
//! let skip = article::parse(b"a\0b", "x.txt", &ParseOptions::default()).unwrap_err();
//! assert_eq!(skip.reason, SkipReason::Binary);
//! # Ok::<(), article::Skip>(())
//! ```
//!
//! # The rules, by name
//!
//! `docs/format.md` explains each; the unit tests (`src/article/tests.rs`)
//! are named after them.
//!
//! * **file-bom**: a UTF-8 byte-order mark before the first line is dropped.
//! * **file-invalid-utf8**: invalid bytes are decoded lossily (U+FFFD); the
//!   article is kept and marked repaired ([`Article::repaired`]).
//! * **file-line-endings**: lines end in LF or CRLF; the last line may lack one.
//! * **file-empty**, **file-binary**, **file-too-large**: the three skips.
//!   A file is binary when it holds a NUL byte, or when more than a tenth of
//!   its first 4 KiB are control characters that text never holds.
//! * **date-header**: optional leading white space, the word `date`, white
//!   space, `YYYY-MM-DD`, then white space or the end of the line; the rest of
//!   the line is the first paragraph. A header of that shape whose date does
//!   not exist (`2018-02-30`) is still removed from the text, and the article
//!   is undated, with the reason in [`Article::date_problem`]. A first line of
//!   another shape is body text, and the article is undated; when it starts
//!   with `date` and a number (`date 20-01-2019`), `date_problem` says so. Any year from
//!   0001 to 9999 is taken (the index stores dates as `YYYYMMDD` numbers).
//! * **body-paragraphs**: every non-blank line between the header and the
//!   trailer is one paragraph, trimmed of surrounding white space.
//! * **headline**: the first paragraph, cut at a word boundary near
//!   [`HEADLINE_MAX_CHARS`] characters.
//! * **trailer-copyright**: `©`, `(c)` or `Copyright` in any mix and case,
//!   a four-digit year (a range such as `2001-2018` is allowed), then the
//!   holder, which becomes the article's source. The copyright line is the
//!   last non-blank line before the separator, or before the comments marker
//!   (or the end of the file) when there is no separator. A line that starts
//!   with the word "Copyright" but lacks a year and a holder is body text.
//! * **trailer-separator**: a line of 2 to 4 characters from `—`, `–`, `-`.
//!   The last such line before the comments marker is the separator when a
//!   copyright line precedes it or a comments marker follows it; otherwise it
//!   is body text (a scene break).
//! * **trailer-notice**: the non-blank lines after the separator and before
//!   the comments marker, joined with `\n`.
//! * **comments-marker**: the first line that reads `Join the discussion`
//!   (trimmed, any case); every non-blank line after it is one comment.

use std::fmt;

use serde::{Serialize, Serializer};
use time::{Date, Month};

/// Headlines longer than this many characters are cut at a word boundary.
pub const HEADLINE_MAX_CHARS: usize = 200;

/// Default for [`ParseOptions::max_file_size`]: 64 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Limits that the parser applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Files larger than this many bytes are skipped as [`SkipReason::TooLarge`].
    pub max_file_size: u64,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

impl ParseOptions {
    /// Whether a file of `size` bytes is within the size limit: the skip of
    /// a larger one, [`SkipReason::TooLarge`], otherwise. Callers that read
    /// files check the size before reading.
    pub fn check_size(&self, size: u64) -> Result<(), Skip> {
        if size <= self.max_file_size {
            return Ok(());
        }
        Err(Skip::new(
            SkipReason::TooLarge,
            format!(
                "{size} bytes, over the limit of {} bytes",
                self.max_file_size
            ),
        ))
    }
}

/// One news article, as read from one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    /// The file stem: `000_0649edb95e3e8da2` for `000_0649edb95e3e8da2.txt`.
    pub id: String,
    /// The file's path relative to the archive root, with `/` separators.
    pub path: String,
    /// The publication date, or `None` when the header is missing or impossible.
    #[serde(serialize_with = "serialize_date")]
    pub date: Option<Date>,
    /// Why the date of a date line was not taken (`2018-02-30 is not a
    /// date: February 2018 has 28 days`, or a first line `date 20-01-2019`
    /// that is not of the form YYYY-MM-DD); `None` when it was, or when the
    /// file has no date line.
    pub date_problem: Option<String>,
    /// The copyright holder, or `None` without a copyright line.
    pub source: Option<String>,
    /// The first paragraph, cut near [`HEADLINE_MAX_CHARS`] characters.
    pub headline: String,
    /// The body paragraphs, in order; the first is the lede.
    pub body: Vec<String>,
    /// The syndication or licensing notice after the separator.
    pub notice: Option<String>,
    /// The reader comments, in order.
    pub comments: Vec<String>,
    /// How many invalid UTF-8 sequences were replaced by U+FFFD.
    pub invalid_utf8: usize,
}

impl Article {
    /// Whether decoding had to repair invalid bytes.
    pub fn repaired(&self) -> bool {
        self.invalid_utf8 > 0
    }

    /// The body as one text, paragraphs separated by `\n`.
    pub fn body_text(&self) -> String {
        self.body.join("\n")
    }

    /// Writes the article in the archive file format.
    ///
    /// Parsing the result gives the article back, provided its parts could be
    /// told apart in the first place (no body line that reads like a
    /// copyright line, separator or comments marker).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut body = self.body.iter();
        if let Some(date) = self.date {
            out.push_str(&format!(" date {} ", format_date(date)));
            out.push_str(body.next().map(String::as_str).unwrap_or(""));
            out.push('\n');
        }
        for paragraph in body {
            out.push_str(paragraph);
            out.push('\n');
        }
        if let Some(source) = &self.source {
            let year = self.date.map_or(2000, Date::year);
            out.push_str(&format!("© Copyright (c) {year} {source}\n"));
        }
        if let Some(notice) = &self.notice {
            out.push_str("—-\n");
            out.push_str(notice);
            out.push('\n');
        }
        if !self.comments.is_empty() {
            out.push_str("Join the discussion\n");
            out.push_str(&self.comments.join("\n"));
        }
        out
    }
}

/// Why a file holds no article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The file has no bytes, or only white space.
    Empty,
    /// The file holds NUL bytes or mostly control characters.
    Binary,
    /// The file is larger than the size limit.
    TooLarge,
    /// The file could not be read (permissions, vanished, not a file).
    Unreadable,
}

impl SkipReason {
    /// All reasons, in report order.
    pub const ALL: [SkipReason; 4] = [
        SkipReason::Empty,
        SkipReason::Binary,
        SkipReason::TooLarge,
        SkipReason::Unreadable,
    ];

    /// The reason's name as it appears in reports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Empty => "empty",
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too_large",
            SkipReason::Unreadable => "unreadable",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A file that holds no article, with the reason and a human-readable detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skip {
    /// The kind of problem.
    pub reason: SkipReason,
    /// What exactly was found, for the report.
    pub detail: String,
}

impl Skip {
    /// A skip with the given reason and detail.
    pub fn new(reason: SkipReason, detail: impl Into<String>) -> Skip {
        Skip {
            reason,
            detail: detail.into(),
        }
    }
}

/// Parses the bytes of one article file.
///
/// `rel_path` is the file's path relative to the archive root; the article's
/// id is its file stem. This function never panics, whatever the bytes.
pub fn parse(bytes: &[u8], rel_path: &str, options: &ParseOptions) -> Result<Article, Skip> {
    check_bytes(bytes, options)?;
    let (text, invalid_utf8) = decode(bytes);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect();
    if lines.iter().all(|line| line.trim().is_empty()) {
        return Err(Skip::new(SkipReason::Empty, "only white space"));
    }
    let (date, first) = parse_header(lines[0]);
    let (date, date_problem) = match date {
        Some(Ok(date)) => (Some(date), None),
        Some(Err(problem)) => (None, Some(problem)),
        None => (None, None),
    };
    let mut pre: Vec<&str> = Vec::with_capacity(lines.len());
    pre.push(first);
    let marker = lines[1..].iter().position(|line| is_comments_marker(line));
    let pre_end = marker.map_or(lines.len(), |m| m + 1);
    pre.extend_from_slice(&lines[1..pre_end]);
    let comments = marker.map_or_else(Vec::new, |m| non_blank(&lines[m + 2..]));
    let trailer = split_trailer(&pre, marker.is_some());
    let body = non_blank(&pre[..trailer.body_end]);
    let headline = body.first().map_or_else(String::new, |lede| headline(lede));
    Ok(Article {
        id: file_stem(rel_path).to_string(),
        path: rel_path.to_string(),
        date,
        date_problem,
        source: trailer.source,
        headline,
        body,
        notice: trailer.notice,
        comments,
        invalid_utf8,
    })
}

/// The file stem of a `/`-separated relative path.
pub fn file_stem(rel_path: &str) -> &str {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    match name.rfind('.') {
        Some(dot) if dot > 0 => &name[..dot],
        _ => name,
    }
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Parses `YYYY-MM-DD` (years 0001 to 9999) into a date.
pub fn parse_date(text: &str) -> Option<Date> {
    check_date(text).ok()
}

/// Parses `YYYY-MM-DD`, or says why the text is not a date.
pub fn check_date(text: &str) -> Result<Date, String> {
    if text.len() != 10 || !has_date_shape(text) {
        return Err(format!("{text:?} is not of the form YYYY-MM-DD"));
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u16>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    if year == 0 {
        return Err(format!("{text} is not a date: there is no year 0000"));
    }
    let Some(month) = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
    else {
        return Err(format!(
            "{text} is not a date: there is no month {month:02}"
        ));
    };
    let year = i32::from(year);
    Date::from_calendar_date(year, month, day as u8).map_err(|_| {
        format!(
            "{text} is not a date: {month} {year} has {} days",
            month.length(year)
        )
    })
}

fn serialize_date<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => s.serialize_str(&format_date(*date)),
        None => s.serialize_none(),
    }
}

fn check_bytes(bytes: &[u8], options: &ParseOptions) -> Result<(), Skip> {
    options.check_size(bytes.len() as u64)?;
    if bytes.is_empty() {
        return Err(Skip::new(SkipReason::Empty, "0 bytes"));
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(Skip::new(
            SkipReason::Binary,
            format!("NUL byte at offset {at}"),
        ));
    }
    let head = &bytes[..bytes.len().min(4096)];
    let controls = head.iter().filter(|&&b| is_binary_control(b)).count();
    if controls * 10 > head.len() {
        return Err(Skip::new(
            SkipReason::Binary,
            format!("{controls} control bytes in the first {} bytes", head.len()),
        ));
    }
    Ok(())
}

/// Control bytes that text files do not hold (tab, LF, FF, CR and ESC are
/// allowed).
fn is_binary_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | 0x1b)) || b == 0x7f
}

/// Decodes lossily, dropping a byte-order mark; returns the text and the
/// number of invalid sequences replaced.
fn decode(bytes: &[u8]) -> (String, usize) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut text = String::with_capacity(bytes.len());
    let mut invalid = 0;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            text.push(char::REPLACEMENT_CHARACTER);
            invalid += 1;
        }
    }
    (text, invalid)
}

/// Splits the first line into its date and the rest (the first paragraph).
/// The date is `None` without a header, and an error (why) when the header's
/// date does not exist.
#[allow(clippy::type_complexity)]
fn parse_header(line: &str) -> (Option<Result<Date, String>>, &str) {
    let trimmed = line.trim_start();
    let Some(word) = trimmed.get(..4) else {
        return (None, line);
    };
    if !word.eq_ignore_ascii_case("date") {
        return (None, line);
    }
    let after_word = &trimmed[4..];
    let date_part = after_word.trim_start();
    if date_part.len() == after_word.len() {
        return (None, line);
    }
    // `date` and a number that is not a YYYY-MM-DD date: the line is body
    // text, and the report says why the article has no date.
    let misshapen = || {
        let token = date_part.split_whitespace().next().unwrap_or_default();
        token.starts_with(|c: char| c.is_ascii_digit()).then(|| {
            Err(format!(
                "the first line starts with \"date {token}\", which is not a date of the form YYYY-MM-DD: the line is read as body text"
            ))
        })
    };
    let Some(candidate) = date_part.get(..10) else {
        return (misshapen(), line);
    };
    let rest = &date_part[10..];
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) || !has_date_shape(candidate) {
        return (misshapen(), line);
    }
    (Some(check_date(candidate)), rest.trim_start())
}

fn has_date_shape(text: &str) -> bool {
    text.bytes().enumerate().all(|(i, c)| {
        if i == 4 || i == 7 {
            c == b'-'
        } else {
            c.is_ascii_digit()
        }
    })
}

fn is_comments_marker(line: &str) -> bool {
    line.trim().eq_ignore_ascii_case("join the discussion")
}

fn is_separator(line: &str) -> bool {
    let line = line.trim();
    let count = line.chars().count();
    (2..=4).contains(&count) && line.chars().all(|c| matches!(c, '—' | '–' | '-'))
}

/// The source named by a copyright line, or `None` when the line is not one.
pub fn copyright_holder(line: &str) -> Option<String> {
    let mut rest = line.trim();
    let mut tokens = 0;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix('©') {
            rest = r;
        } else if let Some(r) = strip_prefix_ci(rest, "(c)") {
            rest = r;
        } else if let Some(r) = strip_prefix_ci(rest, "copyright") {
            rest = r;
        } else {
            break;
        }
        tokens += 1;
    }
    if tokens == 0 {
        return None;
    }
    let rest = strip_year(rest)?;
    let holder = rest.trim_start_matches(|c: char| c.is_whitespace() || ",.;:".contains(c));
    let holder = strip_suffix_ci(holder.trim_end(), "all rights reserved.")
        .or_else(|| strip_suffix_ci(holder.trim_end(), "all rights reserved"))
        .unwrap_or(holder)
        .trim_end()
        .trim_end_matches([',', ';'])
        .trim_end();
    holder
        .chars()
        .any(char::is_alphanumeric)
        .then(|| holder.to_string())
}

/// Strips a four-digit year (or range `YYYY-YYYY`) that must be followed by
/// white space, punctuation or the end.
fn strip_year(text: &str) -> Option<&str> {
    let four = |s: &str| s.len() >= 4 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    if !four(text) {
        return None;
    }
    let mut rest = &text[4..];
    for dash in ['-', '–', '—'] {
        if let Some(r) = rest.strip_prefix(dash)
            && four(r)
        {
            rest = &r[4..];
            break;
        }
    }
    match rest.chars().next() {
        None => Some(rest),
        Some(c) if c.is_whitespace() || ",.;:".contains(c) => Some(rest),
        Some(_) => None,
    }
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn strip_suffix_ci<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let start = text.len().checked_sub(suffix.len())?;
    let tail = text.get(start..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &text[..start])
}

/// Where the body ends, and what the trailer holds.
struct Trailer {
    body_end: usize,
    source: Option<String>,
    notice: Option<String>,
}

/// Finds the copyright line, separator and notice at the end of the lines
/// before the comments marker.
fn split_trailer(pre: &[&str], has_marker: bool) -> Trailer {
    let last_non_blank = |end: usize| pre[..end].iter().rposition(|l| !l.trim().is_empty());
    // The first line is never the separator: it holds the header's paragraph.
    let separator = pre
        .iter()
        .skip(1)
        .rposition(|line| is_separator(line))
        .map(|i| i + 1);
    if let Some(sep) = separator {
        let holder =
            last_non_blank(sep).and_then(|i| copyright_holder(pre[i]).map(|holder| (i, holder)));
        if holder.is_some() || has_marker {
            let notice = non_blank(&pre[sep + 1..]);
            let (body_end, source) = match holder {
                Some((i, holder)) => (i, Some(holder)),
                None => (sep, None),
            };
            return Trailer {
                body_end,
                source,
                notice: (!notice.is_empty()).then(|| notice.join("\n")),
            };
        }
    }
    let copyright =
        last_non_blank(pre.len()).and_then(|i| copyright_holder(pre[i]).map(|holder| (i, holder)));
    match copyright {
        Some((i, holder)) => Trailer {
            body_end: i,
            source: Some(holder),
            notice: None,
        },
        None => Trailer {
            body_end: pre.len(),
            source: None,
            notice: None,
        },
    }
}

fn non_blank(lines: &[&str]) -> Vec<String> {
    lines
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

/// The lede, cut at a word boundary near [`HEADLINE_MAX_CHARS`] characters.
fn headline(lede: &str) -> String {
    match cut_at_word(lede, HEADLINE_MAX_CHARS) {
        Some(head) => format!("{head}…"),
        None => lede.to_string(),
    }
}

/// The start of `text` when it is longer than `max_chars` characters: its
/// first `max_chars` characters, less the word the limit cuts (unless that
/// would drop more than half), without trailing white space. `None` when
/// the text is no longer than that.
pub(crate) fn cut_at_word(text: &str, max_chars: usize) -> Option<&str> {
    let (cut, _) = text.char_indices().nth(max_chars)?;
    let head = &text[..cut];
    let at = head
        .rfind(char::is_whitespace)
        .filter(|&i| i >= cut / 2)
        .unwrap_or(cut);
    Some(head[..at].trim_end())
}

#[cfg(test)]
mod tests;
