//! What the command line prints is made safe for a terminal here, once, for every message: text
//! quoted from a file (a title, an unknown key, a bad value, a file name) may hold escape
//! sequences that would recolour, retitle or rewrite the user's terminal, or bidirectional
//! overrides that would make a line read differently from what it says. Every control character
//! but the line break (C0, DEL, C1) and every bidirectional control is written as a `\uXXXX`
//! escape instead. That is also JSON's own escape, so `summary --json` stays valid JSON that
//! parses to the same text. It must never drop a character silently: a reader sees that
//! something was there.

use std::borrow::Cow;

use parallax_engine::export::text::is_bidi_control;

/// Whether `c` must not reach a terminal as it is.
fn unsafe_for_terminal(c: char) -> bool {
    (c.is_control() && c != '\n') || is_bidi_control(c)
}

/// `text` with every control character but `\n`, and every bidirectional control, escaped as
/// `\uXXXX` (all of them are in the Basic Multilingual Plane).
pub fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_for_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_for_terminal(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn controls_and_bidi_overrides_are_escaped_and_the_rest_kept() {
        assert_eq!(
            safe("a\u{1b}[31mred\u{7}\tb\r\u{7f}\u{9b}2J\u{202e}x\u{2066}y\nz"),
            "a\\u001b[31mred\\u0007\\u0009b\\u000d\\u007f\\u009b2J\\u202ex\\u2066y\nz"
        );
        assert!(matches!(
            safe("plain — text\nnext line"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn json_stays_json_with_the_same_text() {
        let value = serde_json::json!({ "title": "Q3 \u{202e}review\u{7f}\u{85}" });
        let text = serde_json::to_string(&value).unwrap();
        let escaped = safe(&text);
        assert!(escaped.chars().all(|c| !c.is_control() || c == '\n'));
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }
}
