//! The recursive-descent parser of the query language, on the tokens of
//! [`super::lex`].
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
use super::lex::{Tok, lex};

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
