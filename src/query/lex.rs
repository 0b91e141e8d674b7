//! The lexer of the query language: the query text to tokens, each with
//! its byte offset for error columns. Words, phrases, their field, form
//! (`=`, `*`, `~N`) and boost are read here; [`super::parse`] builds the
//! tree from the tokens.

use super::QueryError;
use super::parse::{Form, MAX_SLOP, QUERY_FIELDS};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Open,
    Close,
    Plus,
    Minus,
    And,
    Or,
    Not,
    Star,
    /// A word, with the field prefix split off (`headline:` alone gives an
    /// empty word and a field).
    Word {
        field: Option<String>,
        text: String,
        form: Form,
        boost: Option<f32>,
    },
    Phrase {
        field: Option<String>,
        text: String,
        slop: u32,
        exact: bool,
        boost: Option<f32>,
    },
    /// `field:` directly before `(`.
    FieldGroup(String),
    /// `^N` after `)`.
    Boost(f32),
}

pub(super) fn lex(input: &str) -> Result<Vec<(Tok, usize)>, QueryError> {
    let mut out = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                out.push((Tok::Open, at));
            }
            ')' => {
                chars.next();
                out.push((Tok::Close, at));
                if let Some(boost) = lex_boost(input, &mut chars)? {
                    out.push((Tok::Boost(boost), at));
                }
            }
            '"' => out.push((lex_phrase(input, &mut chars, None, false, at)?, at)),
            '=' if !starts_word_boundary(&mut chars) => {
                chars.next();
                out.push((lex_exact(input, &mut chars, None, at)?, at));
            }
            '+' | '-' if !starts_word_boundary(&mut chars) => {
                chars.next();
                out.push((if c == '+' { Tok::Plus } else { Tok::Minus }, at));
            }
            _ => out.push((lex_word(input, &mut chars, at)?, at)),
        }
    }
    Ok(out)
}

/// The plain (stemmed, unquoted) words of a query, each with its field and
/// its byte range in `input`: the words a spelling suggestion may replace.
pub(super) fn plain_words(input: &str) -> Result<Vec<(Option<String>, usize, usize)>, QueryError> {
    let mut out = Vec::new();
    for (tok, at) in lex(input)? {
        if let Tok::Word {
            field,
            text,
            form: Form::Stemmed,
            ..
        } = tok
            && !text.is_empty()
            && let Some(i) = input[at..].find(text.as_str())
        {
            out.push((field, at + i, at + i + text.len()));
        }
    }
    Ok(out)
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

/// Whether the `+`/`-` at the cursor is followed by white space or the end
/// (then it is part of a word, e.g. a lone `-`).
fn starts_word_boundary(chars: &mut Chars<'_>) -> bool {
    let mut ahead = chars.clone();
    ahead.next();
    ahead.peek().is_none_or(|&(_, c)| c.is_whitespace())
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '(' | ')' | '"')
}

/// What follows `=`: a word or a phrase, matched as written.
fn lex_exact(
    input: &str,
    chars: &mut Chars<'_>,
    field: Option<String>,
    start: usize,
) -> Result<Tok, QueryError> {
    match chars.peek().map(|&(_, c)| c) {
        Some('"') => lex_phrase(input, chars, field, true, start),
        Some(c) if is_word_char(c) => {
            let Some(&(at, _)) = chars.peek() else {
                return Err(QueryError::at(input, start, "expected a word after ="));
            };
            match lex_word(input, chars, at)? {
                Tok::Word {
                    field: inner,
                    text,
                    form,
                    boost,
                } => Ok(Tok::Word {
                    field: field.or(inner),
                    text,
                    form: if form == Form::Stemmed {
                        Form::Exact
                    } else {
                        form
                    },
                    boost,
                }),
                Tok::Phrase {
                    field: inner,
                    text,
                    slop,
                    boost,
                    ..
                } => Ok(Tok::Phrase {
                    field: field.or(inner),
                    text,
                    slop,
                    exact: true,
                    boost,
                }),
                _ => Err(QueryError::at(
                    input,
                    start,
                    "= goes before a word or a \"phrase\" (=banking, =\"bank of\")",
                )),
            }
        }
        _ => Err(QueryError::at(
            input,
            start,
            "= goes before a word or a \"phrase\" (=banking, =\"bank of\")",
        )),
    }
}

fn lex_word(input: &str, chars: &mut Chars<'_>, start: usize) -> Result<Tok, QueryError> {
    let mut end = start;
    while let Some(&(i, c)) = chars.peek() {
        if !is_word_char(c) {
            break;
        }
        // `field:"phrase"` and `field:(group)`: stop at the colon.
        if c == ':' {
            let name = &input[start..i];
            if QUERY_FIELDS.contains(&name) {
                chars.next();
                return lex_after_field(input, chars, name, start, i + 1);
            }
            // `title:storm` reads like a field, and silently searching the
            // phrase "title storm" instead would hide the mistake. (`10:30`
            // and `http://` stay words.)
            let qualifies =
                input[i + 1..].starts_with(|n: char| n.is_alphanumeric() || n == '"' || n == '(');
            if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphabetic()) && qualifies {
                return Err(QueryError::at(
                    input,
                    start,
                    format!(
                        "unknown field {name}: the fields are {}; quote the text to search it as words",
                        QUERY_FIELDS.join(", ")
                    ),
                ));
            }
        }
        chars.next();
        end = i + c.len_utf8();
    }
    let raw = &input[start..end];
    match raw {
        "AND" | "&&" => return Ok(Tok::And),
        "OR" | "||" => return Ok(Tok::Or),
        "NOT" => return Ok(Tok::Not),
        "*" => return Ok(Tok::Star),
        _ => {}
    }
    let (text, boost) = split_boost(input, raw, start)?;
    let (text, fuzzy) = split_fuzzy(input, text, start)?;
    let (text, prefix) = match text.strip_suffix('*') {
        Some(stem) => (stem, true),
        None => (text, false),
    };
    if let Some(star) = text.find('*') {
        let message = if star == 0 {
            "a word cannot start with *: a prefix matches the start of words (oil*), not their end"
        } else {
            "a * may only end a word (bank*), or stand alone for every article"
        };
        return Err(QueryError::at(input, start + star, message));
    }
    // `split_fuzzy` took only letters and digits before `~N`: a fuzzy word
    // is never a prefix.
    let form = match (prefix, fuzzy) {
        (true, _) => Form::Prefix,
        (false, Some(distance)) => Form::Fuzzy(distance),
        (false, None) => Form::Stemmed,
    };
    Ok(Tok::Word {
        field: None,
        text: text.to_string(),
        form,
        boost,
    })
}

/// Splits `word~1` into the word and its edit distance. A `~` that is not
/// followed by 1 or 2 is an error rather than text: `oil~3` must not quietly
/// become the phrase "oil 3".
fn split_fuzzy<'a>(
    input: &str,
    word: &'a str,
    start: usize,
) -> Result<(&'a str, Option<u8>), QueryError> {
    let Some(at) = word.rfind('~') else {
        return Ok((word, None));
    };
    let base = &word[..at];
    if !base.is_empty() && !base.chars().all(char::is_alphanumeric) {
        return Err(QueryError::at(
            input,
            start,
            "only a word of letters and digits can be fuzzy (oil~1)",
        ));
    }
    match &word[at + 1..] {
        "1" if at > 0 => Ok((base, Some(1))),
        "2" if at > 0 => Ok((base, Some(2))),
        _ => Err(QueryError::at(
            input,
            start + at,
            "~ after a word asks for words spelled like it: write word~1 or word~2 (edits allowed); after a \"phrase\", ~N allows N moves",
        )),
    }
}

fn lex_after_field(
    input: &str,
    chars: &mut Chars<'_>,
    field: &str,
    start: usize,
    after: usize,
) -> Result<Tok, QueryError> {
    match chars.peek().map(|&(_, c)| c) {
        Some('"') => lex_phrase(input, chars, Some(field.to_string()), false, start),
        Some('(') => Ok(Tok::FieldGroup(field.to_string())),
        Some('=') => {
            chars.next();
            lex_exact(input, chars, Some(field.to_string()), after)
        }
        Some(c) if is_word_char(c) => match lex_word(input, chars, after)? {
            Tok::Word {
                field: None,
                text,
                form,
                boost,
            } => Ok(Tok::Word {
                field: Some(field.to_string()),
                text,
                form,
                boost,
            }),
            _ => Err(QueryError::at(
                input,
                after,
                format!("expected a word, a \"phrase\" or a (group) after {field}:"),
            )),
        },
        _ => Err(QueryError::at(
            input,
            after,
            format!("expected a word, a \"phrase\" or a (group) after {field}:"),
        )),
    }
}

fn lex_phrase(
    input: &str,
    chars: &mut Chars<'_>,
    field: Option<String>,
    exact: bool,
    start: usize,
) -> Result<Tok, QueryError> {
    let Some((open, _)) = chars.next() else {
        return Err(QueryError::at(input, start, "expected a phrase"));
    };
    let mut text = String::new();
    loop {
        match chars.next() {
            Some((_, '"')) => break,
            Some((_, c)) => text.push(c),
            None => {
                return Err(QueryError::at(
                    input,
                    open,
                    "unclosed quote: add the closing \"",
                ));
            }
        }
    }
    check_phrase_stars(input, &text, open + 1)?;
    let mut slop = 0;
    if let Some(&(at, '~')) = chars.peek() {
        chars.next();
        let digits = take_while(chars, |c| c.is_ascii_digit());
        slop = digits
            .parse()
            .ok()
            .filter(|&n: &u32| n <= MAX_SLOP)
            .ok_or_else(|| {
                QueryError::at(
                    input,
                    at,
                    format!("expected a number from 0 to {MAX_SLOP} after ~ (\"a b\"~3)"),
                )
            })?;
    }
    let boost = lex_boost(input, chars)?;
    if let Some(&(at, c)) = chars.peek()
        && is_word_char(c)
    {
        return Err(QueryError::at(
            input,
            at,
            "expected white space after the phrase",
        ));
    }
    Ok(Tok::Phrase {
        field,
        text,
        slop,
        exact,
        boost,
    })
}

/// A `*` in a phrase must end a word (`"petro* company"`): directly after a
/// letter or digit, and not before one. `text` starts at byte `offset` of
/// the input.
fn check_phrase_stars(input: &str, text: &str, offset: usize) -> Result<(), QueryError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if c != '*' {
            continue;
        }
        let after_word = i > 0 && chars[i - 1].1.is_alphanumeric();
        let before_word = chars
            .get(i + 1)
            .is_some_and(|&(_, n)| n.is_alphanumeric() || n == '*');
        if !after_word || before_word {
            return Err(QueryError::at(
                input,
                offset + at,
                "a * in a phrase may only end a word (\"petro* company\")",
            ));
        }
    }
    Ok(())
}

fn lex_boost(input: &str, chars: &mut Chars<'_>) -> Result<Option<f32>, QueryError> {
    let Some(&(at, '^')) = chars.peek() else {
        return Ok(None);
    };
    chars.next();
    let number = take_while(chars, |c| c.is_ascii_digit() || c == '.');
    parse_boost(&number)
        .map(Some)
        .ok_or_else(|| QueryError::at(input, at, "expected a positive number after ^ (storm^2)"))
}

fn take_while(chars: &mut Chars<'_>, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::new();
    while let Some(&(_, c)) = chars.peek() {
        if !keep(c) {
            break;
        }
        out.push(c);
        chars.next();
    }
    out
}

fn parse_boost(text: &str) -> Option<f32> {
    text.parse::<f32>()
        .ok()
        .filter(|b| b.is_finite() && *b > 0.0 && *b <= 1000.0)
}

/// Splits `word^2` into the word and its boost.
fn split_boost<'a>(
    input: &str,
    raw: &'a str,
    start: usize,
) -> Result<(&'a str, Option<f32>), QueryError> {
    match raw.rfind('^') {
        Some(i) if i > 0 => {
            let boost = parse_boost(&raw[i + 1..]).ok_or_else(|| {
                QueryError::at(
                    input,
                    start + i,
                    "expected a positive number after ^ (storm^2)",
                )
            })?;
            Ok((&raw[..i], Some(boost)))
        }
        _ => Ok((raw, None)),
    }
}
