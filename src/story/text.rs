//! From body paragraphs to the words a signature is made of.
//!
//! Papers that run a wire story change its form more than its words: they
//! write their own headline and dateline, drop the byline and the closing
//! credits, re-break paragraphs, swap straight and curly quotes, dashes and
//! apostrophes, change case, drop accents and write `1,000` or `1000`. All of
//! that is removed here, so that a signature sees only the running text:
//!
//! * **headline**: a first paragraph that reads like a headline (no
//!   lowercase letter and at most [`HEADLINE_MAX_WORDS`] words, or at most
//!   [`HEADLINE_MAX_WORDS`] words without a closing full stop, question or
//!   exclamation mark) is dropped. A first paragraph that is a sentence (the
//!   lede of the article format) is text and is kept.
//! * **byline**: the next paragraph is dropped when it starts with `By` and
//!   has at most [`BYLINE_MAX_WORDS`] words.
//! * **dateline**: the first kept paragraph loses a leading `PLACE, Date
//!   (Agency) -` (any dash: `-`, `--`, `–`, `—`), that is, up to
//!   [`DATELINE_MAX_WORDS`] words before a dash in its first
//!   [`DATELINE_MAX_BYTES`] bytes, starting with a capital and holding no
//!   sentence punctuation or quotes.
//! * **credits**: trailing paragraphs such as `(Reporting by ...; Editing
//!   by ...)` or a lone `Reuter` sign-off are dropped.
//! * **words**: maximal runs of letters and digits, lowercased, with Latin
//!   accents folded (`é` → `e`, `ß` → `ss`); apostrophes inside a word are
//!   dropped (`company’s` = `company's` = `companys`); a number keeps its
//!   `.`, `/` and `-` between digits (`6-1/8`, `1.5`) and loses its
//!   thousands commas (`1,000` = `1000`). Paragraph breaks are ignored.
//!
//! A word is *numeric* when it holds a digit, and a *name* when it is
//! written with a capital and then lowercase letters and does not start a
//! sentence (`Harbour City`, not `The` nor `UNION`): templated items
//! (earnings tables, results, weather, filings) share their words and
//! differ in their figures and names, which is how the pair rule tells them
//! apart.

use xxhash_rust::xxh3::xxh3_64;

/// A first paragraph of at most this many words can be a headline.
pub const HEADLINE_MAX_WORDS: usize = 20;
/// A byline (`By Jane Doe, Reuters`) has at most this many words.
pub const BYLINE_MAX_WORDS: usize = 8;
/// A dateline has at most this many words before its dash.
pub const DATELINE_MAX_WORDS: usize = 10;
/// A dateline's dash comes within this many bytes of the paragraph's start.
pub const DATELINE_MAX_BYTES: usize = 80;

/// One word of the running text, as a 64-bit hash of its normalised form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Word {
    /// xxh3 of the normalised word.
    pub hash: u64,
    /// Whether the word holds a digit.
    pub numeric: bool,
    /// Whether the word is written as a name: a capital, then at least one
    /// lowercase letter, and not the first word of a sentence.
    pub name: bool,
}

/// The paragraphs that carry the story: without headline, byline, dateline
/// and credits. The first one may start later than the paragraph (dateline).
pub fn running_text<S: AsRef<str>>(paragraphs: &[S]) -> Vec<&str> {
    let mut rest: Vec<&str> = paragraphs
        .iter()
        .map(|p| p.as_ref().trim())
        .filter(|p| !p.is_empty())
        .collect();
    if rest.first().is_some_and(|p| is_headline(p)) {
        rest.remove(0);
    }
    if rest.first().is_some_and(|p| is_byline(p)) {
        rest.remove(0);
    }
    while rest.last().is_some_and(|p| is_credit(p)) {
        rest.pop();
    }
    if let Some(first) = rest.first_mut() {
        *first = strip_dateline(first);
    }
    rest.retain(|p| !p.is_empty());
    rest
}

/// The words of the running text of `paragraphs`, in order.
pub(crate) fn words<S: AsRef<str>>(paragraphs: &[S], out: &mut Vec<Word>) {
    let mut word = WordBuf::default();
    for paragraph in running_text(paragraphs) {
        word.sentence_start = true;
        split_words(paragraph, &mut word, out);
    }
}

fn word_count(p: &str) -> usize {
    p.split_whitespace().count()
}

fn is_headline(p: &str) -> bool {
    let words = word_count(p);
    let has_lower = p.chars().any(char::is_lowercase);
    let closes_sentence = p
        .trim_end_matches(['"', '\'', '”', '’', ')', '»'])
        .ends_with(['.', '!', '?', '…']);
    words <= HEADLINE_MAX_WORDS && (!has_lower || !closes_sentence)
}

fn is_byline(p: &str) -> bool {
    let mut first = p.split_whitespace().next().unwrap_or("").chars();
    matches!(
        (first.next(), first.next(), first.next()),
        (Some('B' | 'b'), Some('Y' | 'y'), None)
    ) && word_count(p) <= BYLINE_MAX_WORDS
}

fn is_credit(p: &str) -> bool {
    let lower = p.trim_start_matches('(').to_lowercase();
    let signoff = matches!(lower.as_str(), "reuter" | "reuters" | "ap" | "afp");
    let credit = [
        "reporting by",
        "additional reporting",
        "writing by",
        "editing by",
    ]
    .iter()
    .any(|c| lower.starts_with(c));
    signoff || (credit && word_count(p) <= 30)
}

/// `p` without a leading dateline, or `p` itself.
fn strip_dateline(p: &str) -> &str {
    let Some((dash_start, dash_end)) = first_dash(p) else {
        return p;
    };
    let prefix = p[..dash_start].trim();
    let starts_capital = prefix.chars().next().is_some_and(char::is_uppercase);
    let plain = !prefix.contains(['!', '?', ';', '"', '“', '”', ':']);
    let words = word_count(prefix);
    if starts_capital && plain && (1..=DATELINE_MAX_WORDS).contains(&words) {
        p[dash_end..].trim_start()
    } else {
        p
    }
}

/// Byte range of the first dash that can end a dateline: a run of `-`, `–`
/// or `—` with white space after it (or an em dash alone), within the first
/// [`DATELINE_MAX_BYTES`] bytes.
fn first_dash(p: &str) -> Option<(usize, usize)> {
    let mut chars = p.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i > DATELINE_MAX_BYTES {
            return None;
        }
        if !matches!(c, '-' | '–' | '—') {
            continue;
        }
        let before_space = p[..i].ends_with(char::is_whitespace);
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if !matches!(d, '-' | '–' | '—') {
                break;
            }
            end = j + d.len_utf8();
            chars.next();
        }
        let after_space = p[end..].starts_with(char::is_whitespace);
        let em_dash = c == '—' && end - i == c.len_utf8();
        if (before_space && after_space) || em_dash {
            return Some((i, end));
        }
    }
    None
}

/// The word being read, and what is known of it.
#[derive(Debug, Default)]
struct WordBuf {
    /// Its normalised bytes.
    bytes: Vec<u8>,
    numeric: bool,
    capital: bool,
    lower: bool,
    /// Whether the word starts a sentence (or a paragraph).
    first: bool,
    /// Whether the next word will start a sentence.
    sentence_start: bool,
}

impl WordBuf {
    /// Notes the first character of a new word.
    fn begin(&mut self, c: char) {
        if self.bytes.is_empty() {
            self.capital = c.is_uppercase();
            self.first = self.sentence_start;
        }
    }

    fn flush(&mut self, out: &mut Vec<Word>) {
        if self.bytes.is_empty() {
            return;
        }
        out.push(Word {
            hash: xxh3_64(&self.bytes),
            numeric: self.numeric,
            name: self.capital && self.lower && !self.first,
        });
        self.bytes.clear();
        self.numeric = false;
        self.lower = false;
        self.sentence_start = false;
    }
}

/// Appends the words of one paragraph to `out`.
fn split_words(text: &str, word: &mut WordBuf, out: &mut Vec<Word>) {
    let bytes = text.as_bytes();
    let mut prev: Option<char> = None;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphanumeric() {
            // Fast path: a run of ASCII letters and digits.
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            word.begin(char::from(bytes[start]));
            let run = &bytes[start..i];
            word.numeric |= run.iter().any(u8::is_ascii_digit);
            word.lower |= run.iter().any(u8::is_ascii_lowercase);
            let at = word.bytes.len();
            word.bytes.extend_from_slice(run);
            word.bytes[at..].make_ascii_lowercase();
            prev = Some(char::from(bytes[i - 1]));
            continue;
        }
        // `i` is on a character boundary: it only moves by whole characters.
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        let next = text[i..].chars().next();
        if c.is_alphanumeric() {
            word.begin(c);
            word.lower |= c.is_lowercase();
            fold_into(c, &mut word.bytes);
        } else if joins_word(prev, c, next) {
            if let '.' | '/' | '-' = c {
                word.bytes.push(c as u8);
            }
        } else {
            word.flush(out);
            if let '.' | '!' | '?' | ':' | ';' = c {
                word.sentence_start = true;
            }
        }
        prev = Some(c);
    }
    word.flush(out);
}

/// Whether the non-alphanumeric `c` between `prev` and `next` stays inside
/// a word: an apostrophe between letters, or `.` `,` `/` `-` between digits.
fn joins_word(prev: Option<char>, c: char, next: Option<char>) -> bool {
    let (Some(p), Some(n)) = (prev, next) else {
        return false;
    };
    match c {
        '\'' | '’' | 'ʼ' => p.is_alphanumeric() && n.is_alphanumeric(),
        '.' | ',' | '/' | '-' => p.is_ascii_digit() && n.is_ascii_digit(),
        _ => false,
    }
}

/// Pushes `c` lowercased, with a Latin accent folded away.
fn fold_into(c: char, buf: &mut Vec<u8>) {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match fold_latin(lower) {
        Some(folded) => buf.extend_from_slice(folded.as_bytes()),
        None => buf.extend_from_slice(lower.encode_utf8(&mut [0; 4]).as_bytes()),
    }
}

/// The ASCII letters of a lowercase Latin letter with a diacritic.
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<Word> {
        let mut out = Vec::new();
        let mut word = WordBuf {
            sentence_start: true,
            ..WordBuf::default()
        };
        split_words(text, &mut word, &mut out);
        out
    }

    fn hashes(text: &str) -> Vec<u64> {
        split(text).iter().map(|w| w.hash).collect()
    }

    #[test]
    fn headline_is_dropped_and_a_lede_is_kept() {
        let headline = [
            "HARBOUR CITY FERRY FARES TO RISE",
            "The ferry company said fares rise.",
        ];
        assert_eq!(
            running_text(&headline),
            ["The ferry company said fares rise."]
        );
        let mixed = [
            "Ferry fares to rise in May",
            "The ferry company said fares rise.",
        ];
        assert_eq!(running_text(&mixed).len(), 1);
        let lede = [
            "The ferry company said fares rise.",
            "Commuters were angry.",
        ];
        assert_eq!(running_text(&lede), lede);
    }

    #[test]
    fn byline_dateline_and_credits_are_dropped() {
        let story = [
            "FERRY FARES TO RISE",
            "By Mara Quell, Harbour Wire",
            "HARBOUR CITY, March 3 (Harbour Wire) - The ferry company said fares rise.",
            "Commuters were angry.",
            "(Reporting by Mara Quell; Editing by Ted Lune)",
        ];
        assert_eq!(
            running_text(&story),
            [
                "The ferry company said fares rise.",
                "Commuters were angry."
            ]
        );
        for dateline in [
            "Harbour City — The ferry company said fares rise.",
            "HARBOUR CITY, Md., March 3 -- The ferry company said fares rise.",
            "HARBOUR CITY –  The ferry company said fares rise.",
        ] {
            assert_eq!(
                running_text(&[dateline]),
                ["The ferry company said fares rise."]
            );
        }
    }

    #[test]
    fn only_a_short_plain_prefix_before_an_early_dash_is_a_dateline() {
        let quote = "\"We will not pay\" - commuters said the fares were too high.";
        assert_eq!(running_text(&[quote]), [quote]);
        let late = "The ferry company that runs the harbour crossings for the whole bay said - on Monday - that fares rise.";
        assert_eq!(running_text(&[late]), [late]);
        let long = "The ferry company that runs all the crossings of the bay - it said on Monday - will raise fares.";
        assert_eq!(running_text(&[long]), [long]);
        // A false strip costs a few words, and happens alike in every copy.
        let short = "Fares will rise by a third - the company said - from May.";
        assert_eq!(running_text(&[short]), ["the company said - from May."]);
    }

    #[test]
    fn words_ignore_case_accents_quotes_and_thousands_commas() {
        assert_eq!(
            hashes("Café’s FARE rose to 1,000"),
            hashes("cafe's fare rose to 1000")
        );
        assert_eq!(hashes("Straße"), hashes("strasse"));
        assert_ne!(hashes("1.5"), hashes("15"));
        assert_eq!(hashes("6-1/8 pct").len(), 2);
        assert_eq!(hashes("well-known").len(), 2);
        assert_eq!(hashes("Fares rose 5.5 pct, to 1,200 dlrs.").len(), 7);
    }

    #[test]
    fn numeric_words_are_flagged() {
        let flags: Vec<bool> = split("Shr 12 cts vs 1.10 dlrs")
            .iter()
            .map(|w| w.numeric)
            .collect();
        assert_eq!(flags, [false, true, false, false, true, false]);
    }

    #[test]
    fn names_are_capitalised_words_inside_sentences() {
        let text = "Crews of Harbour City walked out. Orla Penhale said: \"Crews are angry.\" The UNION agreed with Élodie.";
        let names: Vec<bool> = split(text).iter().map(|w| w.name).collect();
        assert_eq!(
            names,
            [
                false, false, true, true, false, false, // Crews of Harbour City walked out.
                false, true, false, // Orla Penhale said:
                false, false, false, // "Crews are angry."
                false, false, false, false, true, // The UNION agreed with Élodie.
            ]
        );
    }
}
