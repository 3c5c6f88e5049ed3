//! The shape of the text before the csv crate parses it: which delimiter separates fields, and
//! one linear pass that enforces the column and row limits while it reads (so a 30 MB header or
//! a million rows is refused at the first line over the limit, before anything is allocated per
//! field) and finds what the parser would swallow without a word: quoted fields that run over
//! many lines and a quote left open at the end of the file. Its quoting rules are the csv
//! crate's (a quote opens a field only at its start; `""` inside is a quote), so both agree on
//! where records end. It must never parse values: that is the csv crate's job.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::warning::{Kind, Warnings};
use super::{ImportError, MAX_COLUMNS, MAX_ROWS};

/// A field separator the import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    /// In the order a tie is settled: the comma is the most common.
    pub const ALL: [Delimiter; 3] = [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab];

    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Delimiter::Comma => "comma",
            Delimiter::Semicolon => "semicolon",
            Delimiter::Tab => "tab",
        }
    }
}

impl FromStr for Delimiter {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim_matches(' ').to_ascii_lowercase().as_str() {
            "," | "comma" => Ok(Delimiter::Comma),
            ";" | "semicolon" => Ok(Delimiter::Semicolon),
            "\t" | "tab" | "\\t" => Ok(Delimiter::Tab),
            _ => Err(format!(
                "unknown delimiter '{s}': use comma, semicolon or tab (or , ; \\t)"
            )),
        }
    }
}

/// A quoted field spanning more lines than this gets a warning: real descriptions run to a few
/// paragraphs, a missing closing quote runs to the next stray quote.
pub(super) const LONG_FIELD_LINES: u64 = 30;

/// What the walk reports.
enum Event {
    /// A record ended: the line it started on, its field count, and whether any field held
    /// something other than spaces.
    Record {
        line: u64,
        fields: usize,
        content: bool,
    },
    /// A quoted field closed after running over `lines` line breaks from `line`.
    Quoted { line: u64, lines: u64 },
    /// The file ended inside a quoted field opened at `line`, `lines` line breaks before.
    Unclosed { line: u64, lines: u64 },
}

/// Walks the text once, calling `on` at each event; `on` returns false to stop.
fn walk(
    text: &str,
    delimiter: u8,
    mut on: impl FnMut(Event) -> Result<bool, ImportError>,
) -> Result<(), ImportError> {
    let bytes = text.as_bytes();
    let mut line: u64 = 1;
    let mut start_line: u64 = 1;
    let mut fields = 1usize;
    let mut content = false;
    let mut field_start = true;
    let mut quote: Option<(u64, u64)> = None; // (opened at line, line breaks inside)
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some((opened, breaks)) = quote.as_mut() {
            match b {
                b'"' if bytes.get(i + 1) == Some(&b'"') => i += 1,
                b'"' => {
                    let (opened, breaks) = (*opened, *breaks);
                    quote = None;
                    if !on(Event::Quoted {
                        line: opened,
                        lines: breaks,
                    })? {
                        return Ok(());
                    }
                }
                b'\n' => {
                    line += 1;
                    *breaks += 1;
                }
                _ => {}
            }
        } else if b == b'"' && field_start {
            quote = Some((line, 0));
            content = true;
            field_start = false;
        } else if b == delimiter {
            fields += 1;
            field_start = true;
        } else if b == b'\n' || b == b'\r' {
            if !on(Event::Record {
                line: start_line,
                fields,
                content,
            })? {
                return Ok(());
            }
            if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            if bytes[i] == b'\n' {
                line += 1;
            }
            start_line = line;
            fields = 1;
            content = false;
            field_start = true;
        } else {
            if !b.is_ascii_whitespace() {
                content = true;
            }
            field_start = false;
        }
        i += 1;
    }
    if let Some((opened, breaks)) = quote {
        on(Event::Unclosed {
            line: opened,
            lines: breaks,
        })?;
    }
    on(Event::Record {
        line: start_line,
        fields,
        content,
    })?;
    Ok(())
}

/// The delimiter that splits the first lines most consistently: the header must have at least
/// two fields, and the candidate with the most sampled rows matching the header's field count
/// wins (then the one with more fields, then comma before semicolon before tab). A `;` file
/// whose descriptions hold commas therefore reads as `;`.
pub(super) fn detect(text: &str) -> Delimiter {
    const SAMPLE: usize = 20;
    let mut best = (Delimiter::Comma, 0usize, 0usize);
    for d in Delimiter::ALL {
        let mut counts: Vec<usize> = Vec::new();
        let _ = walk(text, d.byte(), |e| {
            if let Event::Record {
                fields,
                content: true,
                ..
            } = e
            {
                counts.push(fields);
            }
            Ok(counts.len() < SAMPLE)
        });
        let Some(&header) = counts.first() else {
            continue;
        };
        if header < 2 {
            continue;
        }
        let consistent = counts.iter().filter(|&&n| n == header).count();
        if (consistent, header) > (best.1, best.2) {
            best = (d, consistent, header);
        }
    }
    best.0
}

/// The full pass: refuses the first record over the column limit or the first row over the
/// row limit, naming its line, and warns about long and unclosed quoted fields.
pub(super) fn scan(
    text: &str,
    delimiter: Delimiter,
    warnings: &mut Warnings,
) -> Result<(), ImportError> {
    let mut rows = 0usize;
    walk(text, delimiter.byte(), |e| {
        match e {
            Event::Record {
                line,
                fields,
                content,
            } => {
                if fields > MAX_COLUMNS {
                    return Err(ImportError::at_line(
                        line,
                        format!(
                            "this row has more than {MAX_COLUMNS} columns, the most Parallax \
                             reads; is the delimiter right?"
                        ),
                    ));
                }
                if content {
                    rows += 1;
                    // The header is one of the rows.
                    if rows > MAX_ROWS + 1 {
                        return Err(ImportError::at_line(
                            line,
                            format!(
                                "the file has more than {MAX_ROWS} rows of changes; a workshop \
                                 holds at most {MAX_ROWS}"
                            ),
                        ));
                    }
                }
            }
            Event::Quoted { line, lines } if lines > LONG_FIELD_LINES => warnings.push(
                Kind::LongField,
                Some(line),
                format!(
                    "a quoted field runs over {} lines (to line {}); check that no quote is \
                     missing",
                    lines + 1,
                    line + lines
                ),
            ),
            Event::Quoted { .. } => {}
            Event::Unclosed { line, lines } => warnings.push(
                Kind::Other,
                Some(line),
                format!(
                    "a quote opens here and is never closed: the rest of the file ({} lines) \
                     is read as one field; close the quote or remove it",
                    lines + 1
                ),
            ),
        }
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_consistent_one() {
        assert_eq!(detect("a,b,c\n1,2,3\n"), Delimiter::Comma);
        assert_eq!(
            detect("title;description\nA;\"one, two, three\"\nB;x, y\nC;z\n"),
            Delimiter::Semicolon
        );
        assert_eq!(detect("title\tticket\nA, B\tX-1\n"), Delimiter::Tab);
        assert_eq!(
            detect("title\nA\n"),
            Delimiter::Comma,
            "one column: the default"
        );
        assert_eq!(
            detect("title,tags\nA,x;y\nB,z\n"),
            Delimiter::Comma,
            "a header of one field never wins"
        );
        assert_eq!(detect(""), Delimiter::Comma);
    }

    #[test]
    fn limits_stop_at_the_first_line_over_them() {
        let mut w = Warnings::default();
        let wide = format!("title\nA\n{}\n", ",".repeat(MAX_COLUMNS));
        let e = scan(&wide, Delimiter::Comma, &mut w).unwrap_err();
        assert_eq!(e.line, Some(3));
        let mut long = String::from("title\n\"a\nb\"\n");
        long.push_str(&"x\n".repeat(MAX_ROWS));
        let e = scan(&long, Delimiter::Comma, &mut w).unwrap_err();
        assert_eq!(e.line, Some(MAX_ROWS as u64 + 3), "{e}");
        long.truncate(long.len() - 2);
        scan(&long, Delimiter::Comma, &mut w).unwrap();
    }

    #[test]
    fn long_and_unclosed_quotes_are_found() {
        let mut w = Warnings::default();
        let text = format!(
            "title,description\nA,\"{}\"\nB,\"\"\"quoted\"\" and fine\"\nC,\"open\nD,x\n",
            "line\n".repeat(40)
        );
        scan(&text, Delimiter::Comma, &mut w).unwrap();
        let list: Vec<String> = w.finish().iter().map(ToString::to_string).collect();
        assert_eq!(
            list,
            [
                "line 2: a quoted field runs over 41 lines (to line 42); check that no quote is missing",
                "line 44: a quote opens here and is never closed: the rest of the file (3 lines) is read as one field; close the quote or remove it",
            ]
        );
    }
}
