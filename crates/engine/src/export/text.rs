//! User text made safe for the place it lands in: characters XML 1.0 forbids removed (they make
//! a deck or an SVG unreadable), bidirectional overrides and isolates removed from text that is
//! laid out on a chart or a slide (a stray U+202E would mirror the rest of a line), line breaks
//! folded for one-line labels, and long text shortened with an ellipsis to a measured width.
//! It never escapes for a particular format: each writer escapes what it writes.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;

/// Whether XML 1.0 allows `c` in a document (`Char` production of the XML spec).
pub fn xml_allowed(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Bidirectional embeddings, overrides, isolates and marks.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// `text` without the characters XML 1.0 forbids. Everything else is kept as it is.
pub fn xml_clean(text: &str) -> Cow<'_, str> {
    if text.chars().all(xml_allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| xml_allowed(c)).collect())
    }
}

/// Text for a slide or a report paragraph: XML-safe, without bidi controls, line breaks kept.
pub fn paragraph(text: &str) -> String {
    text.chars()
        .filter(|&c| xml_allowed(c) && !is_bidi_control(c) && (c == '\n' || !c.is_control()))
        .collect()
}

/// Text for one line of a chart, a title or a table cell: like [`paragraph`], with every run of
/// whitespace (line breaks included) folded into one space and the ends trimmed.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if !xml_allowed(c) || is_bidi_control(c) {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// At most `max_chars` characters of `text`, ending in "…" when shortened.
pub fn truncate_chars(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let keep = max_chars.saturating_sub(1);
    let mut out: String = text.chars().take(keep).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// The longest prefix of `text` (ending in "…" when shortened) whose width, as `measure` says,
/// fits in `max_width`. Returns an empty string when not even "…" fits. The prefix is logical:
/// a right-to-left title keeps its first words and loses its last (the ellipsis then sits at its
/// visual left), and it is cut between grapheme clusters, never between a letter and its marks.
pub fn ellipsize(text: &str, max_width: f64, measure: impl Fn(&str) -> f64) -> String {
    if measure(text) <= max_width {
        return text.to_owned();
    }
    // Byte offsets where the text may be cut: the ends of its grapheme clusters.
    let cuts: Vec<usize> = std::iter::once(0)
        .chain(text.grapheme_indices(true).map(|(i, g)| i + g.len()))
        .collect();
    // Binary search on the number of clusters kept: widths grow with the prefix.
    let (mut lo, mut hi) = (0usize, cuts.len() - 1);
    let candidate = |n: usize| {
        let mut s = text[..cuts[n]].trim_end().to_owned();
        s.push('…');
        s
    };
    if measure("…") > max_width {
        return String::new();
    }
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if measure(&candidate(mid)) <= max_width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    candidate(lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_go_and_the_rest_stays() {
        assert_eq!(xml_clean("a\u{0}b\u{1b}c\u{FFFE}d\te"), "abcd\te");
        assert!(matches!(xml_clean("plain <&> text"), Cow::Borrowed(_)));
    }

    #[test]
    fn one_line_folds_whitespace_and_drops_overrides() {
        assert_eq!(
            one_line("  Rotate\u{202E}  TLS\n\tcerts \u{2066}now\u{2069} "),
            "Rotate TLS certs now"
        );
        assert_eq!(paragraph("a\u{202E}b\nc\u{7}"), "ab\nc");
    }

    #[test]
    fn ellipsize_fits_the_width() {
        let measure = |s: &str| s.chars().count() as f64 * 10.0;
        assert_eq!(ellipsize("short", 100.0, measure), "short");
        let cut = ellipsize("a very long title indeed", 100.0, measure);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(measure(&cut) <= 100.0);
        assert_eq!(cut, "a very lo…");
        assert_eq!(ellipsize("abc", 5.0, measure), "");
        assert_eq!(truncate_chars("abcdef", 4), "abc…");
        assert_eq!(truncate_chars("abc", 4), "abc");
    }
}
