//! Making untrusted text safe for a terminal.
//!
//! Article files come from anywhere: a comment holding `ESC [ 2 J` would
//! clear the user's screen, and a bidi override (U+202E) would make the text
//! after it read backwards. Text written to a terminal goes through
//! [`escape_controls`]; JSON and redirected output keep the text exactly.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal as is: C0 and C1 controls (except
/// line feed and tab), DEL, and the bidi embedding, override and isolate
/// characters (U+202A–U+202E, U+2066–U+2069).
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Replaces control and bidi characters by visible escapes: caret notation
/// for C0 controls and DEL (`ESC` → `^[`, BEL → `^G`, DEL → `^?`), `\u{…}`
/// for the others. Line feeds and tabs are kept. Borrows when nothing needs
/// escaping.
pub(crate) fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x20 {
            out.push('^');
            out.push(char::from(b'@' + c as u8));
        } else if c == '\u{7f}' {
            out.push_str("^?");
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// [`escape_controls`] when `escape` is set, the text unchanged otherwise.
pub(crate) fn maybe_escape(s: &str, escape: bool) -> Cow<'_, str> {
    if escape {
        escape_controls(s)
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        let text = "São Paulo — café 👍🏽\tline\nnext";
        assert!(matches!(escape_controls(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn c0_controls_use_caret_notation() {
        assert_eq!(escape_controls("a\x1b[31mred\x1b[0m"), "a^[[31mred^[[0m");
        assert_eq!(escape_controls("bell\x07"), "bell^G");
        assert_eq!(escape_controls("\0\r\x7f"), "^@^M^?");
    }

    #[test]
    fn c1_controls_and_bidi_are_spelled_out() {
        assert_eq!(escape_controls("x\u{9b}2J"), "x\\u{9b}2J");
        assert_eq!(escape_controls("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(escape_controls("\u{2066}i\u{2069}"), "\\u{2066}i\\u{2069}");
        // Neighbours of the ranges are ordinary text.
        let neighbours = "\u{2029}\u{202f}\u{2065}\u{206a}";
        assert!(matches!(escape_controls(neighbours), Cow::Borrowed(_)));
    }

    #[test]
    fn newlines_and_tabs_are_kept() {
        assert_eq!(escape_controls("a\tb\nc"), "a\tb\nc");
    }

    #[test]
    fn maybe_escape_only_when_asked() {
        assert_eq!(maybe_escape("\x1b", false), "\x1b");
        assert_eq!(maybe_escape("\x1b", true), "^[");
    }
}
