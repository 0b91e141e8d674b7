//! Lexer and recursive-descent parser of the query language.
//!
//! Grammar (`AND` binds tighter than `OR`; juxtaposition is an implicit
//! `AND`, or an alternative with `--any`):
//!
//! ```text
//! query   := or EOF
//! or      := seq ("OR" seq)*
//! seq     := conj conj*                 (juxtaposition)
//! conj    := unary ("AND" unary)*
//! unary   := ("+" | "-" | "NOT") unary | primary
//! primary := [FIELD ":"] ["="] ( "(" or ")" | PHRASE ["~" N] | WORD ["*" | "~" D] ) ["^" NUMBER]
//! ```
//!
//! An explicit `AND` binds tighter than juxtaposition: with `--any`,
//! `a AND b c` is `(a AND b) OR c`.

use super::QueryError;

/// Fields that may qualify a term.
pub(crate) const QUERY_FIELDS: [&str; 4] = ["headline", "body", "comments", "source"];

/// Deepest nesting of parentheses and modifiers accepted.
const MAX_DEPTH: usize = 64;

/// Largest slop of a phrase: tantivy's phrase scorer counts slop in a byte,
/// and a larger one would wrap around and match what it should not.
pub const MAX_SLOP: u32 = 255;

/// How a word is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// As a word of the text, stemmed (`Banks` finds `banking`).
    Stemmed,
    /// `=word`: the word as written (case and accents aside), not its other
    /// forms.
    Exact,
    /// `word*`: any word as written that starts with it.
    Prefix,
    /// `word~1`, `word~2`: any word as written within that many edits
    /// (insert, delete, replace, swap two letters).
    Fuzzy(u8),
}

/// How a clause takes part in its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modifier {
    /// No modifier: required by default, optional with `--any`.
    Plain,
    /// `+`: required.
    Must,
    /// `-` or `NOT`: excluded.
    Not,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `*`: every article.
    All,
    /// A word: stemmed, exact (`=word`), a prefix (`bank*`) or fuzzy
    /// (`word~1`).
    Word {
        /// Restricting field, if any.
        field: Option<String>,
        /// The word as typed (without `=`, `*` or `~N`).
        text: String,
        /// How it is matched.
        form: Form,
        /// Weight (`^2`), 1 without.
        boost: f32,
    },
    /// A quoted phrase, with its slop (`~3`). Words of the phrase that end
    /// in `*` are prefixes (`"petro* company"`); such a phrase, and an
    /// exact one (`="..."`), is matched on the words as written.
    Phrase {
        /// Restricting field, if any.
        field: Option<String>,
        /// The text between the quotes.
        text: String,
        /// Allowed position moves.
        slop: u32,
        /// `="..."`: the words as written, not their other forms.
        exact: bool,
        /// Weight.
        boost: f32,
    },
    /// A sequence of clauses. `explicit_and` is set when `AND` joined any of
    /// them, which makes plain clauses required even with `--any`.
    And {
        /// The clauses.
        clauses: Vec<(Modifier, Node)>,
        /// Whether an explicit `AND` appeared.
        explicit_and: bool,
        /// Weight.
        boost: f32,
    },
    /// Alternatives joined by `OR`.
    Or {
        /// The alternatives.
        branches: Vec<Node>,
        /// Weight.
        boost: f32,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
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

/// Parses a query string.
pub fn parse(input: &str) -> Result<Node, QueryError> {
    let tokens = lex(input)?;
    if tokens.is_empty() {
        return Err(QueryError::at(
            input,
            0,
            "empty query: type some words, or * for every article",
        ));
    }
    let mut parser = Parser {
        input,
        tokens,
        next: 0,
        depth: 0,
    };
    let node = parser.or(None)?;
    match parser.peek() {
        None => Ok(node),
        Some((Tok::Close, at)) => Err(QueryError::at(input, at, "unmatched ')'")),
        Some((_, at)) => Err(QueryError::at(input, at, "unexpected text")),
    }
}

fn lex(input: &str) -> Result<Vec<(Tok, usize)>, QueryError> {
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

struct Parser<'a> {
    input: &'a str,
    tokens: Vec<(Tok, usize)>,
    next: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<(Tok, usize)> {
        self.tokens.get(self.next).cloned()
    }

    fn end_offset(&self) -> usize {
        self.input.len()
    }

    fn error_here(&self, message: &str) -> QueryError {
        let at = self.peek().map_or(self.end_offset(), |(_, at)| at);
        QueryError::at(self.input, at, message)
    }

    fn descend(&mut self) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here("the query nests too deeply"));
        }
        Ok(())
    }

    fn or(&mut self, field: Option<&str>) -> Result<Node, QueryError> {
        let mut branches = vec![self.and(field)?];
        while let Some((Tok::Or, _)) = self.peek() {
            self.next += 1;
            branches.push(self.and(field)?);
        }
        Ok(if branches.len() == 1 {
            branches.remove(0)
        } else {
            Node::Or {
                branches,
                boost: 1.0,
            }
        })
    }

    /// Clauses side by side (juxtaposition), each an `AND` chain.
    fn and(&mut self, field: Option<&str>) -> Result<Node, QueryError> {
        let mut clauses = Vec::new();
        loop {
            match self.peek() {
                None | Some((Tok::Close | Tok::Or, _)) => break,
                Some((Tok::And, at)) => {
                    return Err(QueryError::at(
                        self.input,
                        at,
                        "AND needs something on its left",
                    ));
                }
                Some(_) => clauses.push(self.conj(field)?),
            }
        }
        if clauses.is_empty() {
            let what = match self.peek() {
                Some((Tok::Or, _)) => "OR needs something on each side",
                Some((Tok::Close, _)) => "empty parentheses",
                _ => "expected a word, a \"phrase\" or a (group)",
            };
            return Err(self.error_here(what));
        }
        if clauses.len() == 1 && clauses[0].0 == Modifier::Plain {
            return Ok(clauses.remove(0).1);
        }
        Ok(Node::And {
            clauses,
            explicit_and: false,
            boost: 1.0,
        })
    }

    /// A clause, or clauses joined by `AND`: those are all required, also
    /// with `--any`, and form one clause of the sequence around them.
    fn conj(&mut self, field: Option<&str>) -> Result<(Modifier, Node), QueryError> {
        let first = self.unary(field)?;
        if !matches!(self.peek(), Some((Tok::And, _))) {
            return Ok(first);
        }
        let mut clauses = vec![first];
        while let Some((Tok::And, _)) = self.peek() {
            self.next += 1;
            if matches!(
                self.peek(),
                None | Some((Tok::Close | Tok::Or | Tok::And, _))
            ) {
                return Err(self.error_here("AND needs something on its right"));
            }
            clauses.push(self.unary(field)?);
        }
        Ok((
            Modifier::Plain,
            Node::And {
                clauses,
                explicit_and: true,
                boost: 1.0,
            },
        ))
    }

    fn unary(&mut self, field: Option<&str>) -> Result<(Modifier, Node), QueryError> {
        let modifier = match self.peek() {
            Some((Tok::Plus, _)) => Modifier::Must,
            Some((Tok::Minus | Tok::Not, _)) => Modifier::Not,
            _ => return Ok((Modifier::Plain, self.primary(field)?)),
        };
        self.next += 1;
        self.descend()?;
        let (inner, node) = self.unary(field)?;
        self.depth -= 1;
        // `-(-a)`, `+-a`: the innermost exclusion wins, double negation cancels.
        let combined = match (modifier, inner) {
            (Modifier::Not, Modifier::Not) => Modifier::Must,
            (Modifier::Not, _) | (_, Modifier::Not) => Modifier::Not,
            _ => Modifier::Must,
        };
        Ok((combined, node))
    }

    fn primary(&mut self, field: Option<&str>) -> Result<Node, QueryError> {
        let Some((tok, at)) = self.peek() else {
            return Err(self.error_here("expected a word, a \"phrase\" or a (group) at the end"));
        };
        self.next += 1;
        match tok {
            Tok::Star => Ok(Node::All),
            Tok::Word {
                field: f,
                text,
                form,
                boost,
            } => {
                let field = self.field(f, field, at)?;
                Ok(Node::Word {
                    field,
                    text,
                    form,
                    boost: boost.unwrap_or(1.0),
                })
            }
            Tok::Phrase {
                field: f,
                text,
                slop,
                exact,
                boost,
            } => {
                let field = self.field(f, field, at)?;
                Ok(Node::Phrase {
                    field,
                    text,
                    slop,
                    exact,
                    boost: boost.unwrap_or(1.0),
                })
            }
            Tok::FieldGroup(f) => {
                let field = self.field(Some(f), field, at)?;
                match self.peek() {
                    Some((Tok::Open, _)) => self.group(field.as_deref()),
                    _ => Err(self.error_here("expected ( after the field name")),
                }
            }
            Tok::Open => {
                self.next -= 1;
                self.group(field)
            }
            Tok::Close => Err(QueryError::at(self.input, at, "unmatched ')'")),
            Tok::And | Tok::Or => Err(QueryError::at(
                self.input,
                at,
                "AND/OR needs a word on each side",
            )),
            Tok::Not | Tok::Plus | Tok::Minus => Err(QueryError::at(
                self.input,
                at,
                "expected a word after the operator",
            )),
            Tok::Boost(_) => Err(QueryError::at(
                self.input,
                at,
                "a ^ weight must follow a word, phrase or group",
            )),
        }
    }

    fn group(&mut self, field: Option<&str>) -> Result<Node, QueryError> {
        let Some((Tok::Open, open)) = self.peek() else {
            return Err(self.error_here("expected ("));
        };
        self.next += 1;
        self.descend()?;
        if let Some((Tok::Close, at)) = self.peek() {
            return Err(QueryError::at(self.input, at, "empty parentheses"));
        }
        let mut node = self.or(field)?;
        self.depth -= 1;
        match self.peek() {
            Some((Tok::Close, _)) => self.next += 1,
            _ => {
                return Err(QueryError::at(
                    self.input,
                    open,
                    "unclosed '(': add the closing ')'",
                ));
            }
        }
        if let Some((Tok::Boost(b), _)) = self.peek() {
            self.next += 1;
            set_boost(&mut node, b);
        }
        Ok(node)
    }

    /// Resolves the field of a term inside a possibly field-scoped group.
    fn field(
        &self,
        own: Option<String>,
        outer: Option<&str>,
        at: usize,
    ) -> Result<Option<String>, QueryError> {
        match (own, outer) {
            (Some(own), Some(outer)) if own != outer => Err(QueryError::at(
                self.input,
                at,
                format!("{own}: inside a {outer}:(...) group"),
            )),
            (Some(own), _) => Ok(Some(own)),
            (None, outer) => Ok(outer.map(str::to_string)),
        }
    }
}

fn set_boost(node: &mut Node, value: f32) {
    match node {
        Node::All => {}
        Node::Word { boost, .. }
        | Node::Phrase { boost, .. }
        | Node::And { boost, .. }
        | Node::Or { boost, .. } => *boost = value,
    }
}

/// The query without its excluded parts: what snippets should highlight.
/// `None` when nothing positive is left (`-storm`).
pub fn positive(node: &Node) -> Option<Node> {
    match node {
        Node::And {
            clauses,
            explicit_and,
            boost,
        } => {
            let kept: Vec<(Modifier, Node)> = clauses
                .iter()
                .filter(|(m, _)| *m != Modifier::Not)
                .filter_map(|(m, n)| positive(n).map(|n| (*m, n)))
                .collect();
            (!kept.is_empty()).then_some(Node::And {
                clauses: kept,
                explicit_and: *explicit_and,
                boost: *boost,
            })
        }
        Node::Or { branches, boost } => {
            let kept: Vec<Node> = branches.iter().filter_map(positive).collect();
            (!kept.is_empty()).then_some(Node::Or {
                branches: kept,
                boost: *boost,
            })
        }
        other => Some(other.clone()),
    }
}
