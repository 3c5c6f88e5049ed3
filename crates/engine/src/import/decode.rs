//! Bytes to text: the encodings spreadsheets and ticket systems write (UTF-8 with or without a
//! byte-order mark, UTF-16 with one, Windows-1252 from older Excel). Detection is a BOM, else
//! "is it valid UTF-8", else Windows-1252; the facilitator can override it. The transcoding is
//! encoding_rs's; this module must never decode by hand.

use std::borrow::Cow;
use std::str::FromStr;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A text encoding the import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub enum TextEncoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "utf-16le")]
    Utf16Le,
    #[serde(rename = "utf-16be")]
    Utf16Be,
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl TextEncoding {
    pub const ALL: [TextEncoding; 4] = [
        TextEncoding::Utf8,
        TextEncoding::Utf16Le,
        TextEncoding::Utf16Be,
        TextEncoding::Windows1252,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Windows1252 => "windows-1252",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 => UTF_8,
            TextEncoding::Utf16Le => UTF_16LE,
            TextEncoding::Utf16Be => UTF_16BE,
            TextEncoding::Windows1252 => WINDOWS_1252,
        }
    }
}

impl FromStr for TextEncoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        let alias = match wanted.as_str() {
            "utf8" => "utf-8",
            "utf16le" | "utf-16" => "utf-16le",
            "utf16be" => "utf-16be",
            "cp1252" | "latin1" | "latin-1" | "iso-8859-1" => "windows-1252",
            other => other,
        };
        TextEncoding::ALL
            .into_iter()
            .find(|e| e.name() == alias)
            .ok_or_else(|| {
                format!("unknown encoding '{s}': use utf-8, utf-16le, utf-16be or windows-1252")
            })
    }
}

/// The text, the encoding it was read as, and whether some bytes were not valid in it (they
/// read as U+FFFD, and the caller warns).
pub(super) fn decode(
    bytes: &[u8],
    chosen: Option<TextEncoding>,
) -> (Cow<'_, str>, TextEncoding, bool) {
    let encoding = chosen.unwrap_or_else(|| detect(bytes));
    // A BOM of the chosen encoding is not text; a BOM of another one is left for the reader to see.
    let (text, had_errors) = encoding.encoding().decode_with_bom_removal(bytes);
    (text, encoding, had_errors)
}

fn detect(bytes: &[u8]) -> TextEncoding {
    match Encoding::for_bom(bytes) {
        Some((e, _)) if e == UTF_16LE => TextEncoding::Utf16Le,
        Some((e, _)) if e == UTF_16BE => TextEncoding::Utf16Be,
        Some(_) => TextEncoding::Utf8,
        None if std::str::from_utf8(bytes).is_ok() => TextEncoding::Utf8,
        None => TextEncoding::Windows1252,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_detected_and_boms_dropped() {
        let (t, e, bad) = decode(b"\xEF\xBB\xBFtitle", None);
        assert_eq!((t.as_ref(), e, bad), ("title", TextEncoding::Utf8, false));
        let (t, e, _) = decode(b"\xFF\xFEt\x00\xE9\x00", None);
        assert_eq!((t.as_ref(), e), ("té", TextEncoding::Utf16Le));
        let (t, e, _) = decode(b"\xFE\xFF\x00t\x00\xE9", None);
        assert_eq!((t.as_ref(), e), ("té", TextEncoding::Utf16Be));
        let (t, e, _) = decode(b"caf\xE9 \x80", None);
        assert_eq!((t.as_ref(), e), ("café €", TextEncoding::Windows1252));
        let (t, e, bad) = decode("café".as_bytes(), Some(TextEncoding::Utf8));
        assert_eq!((t.as_ref(), e, bad), ("café", TextEncoding::Utf8, false));
        let (_, _, bad) = decode(b"caf\xE9", Some(TextEncoding::Utf8));
        assert!(bad, "an override that does not fit is reported");
    }

    #[test]
    fn encoding_names_parse() {
        for e in TextEncoding::ALL {
            assert_eq!(e.name().parse::<TextEncoding>(), Ok(e));
        }
        assert_eq!("CP1252".parse(), Ok(TextEncoding::Windows1252));
        assert!("ebcdic".parse::<TextEncoding>().is_err());
    }
}
