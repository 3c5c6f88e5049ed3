//! How a `.parallax` file is laid out: the top-level fields, the matrix's axes, each level, each
//! band, each perspective and each change on a line of its own, everything inside them compact.
//!
//! One change per line makes a version-control diff name the change it touches (its line holds
//! its id and title), where fully indented JSON shows a bare `"impact": 4` out of context. Every
//! value is written by serde_json; this module only puts the line breaks between them. It must
//! never change what the JSON says: any layout loads the same, and files are compared by content.

use serde::Serialize;

use super::{FORMAT, SCHEMA_VERSION};
use crate::{Matrix, Workshop};

/// The bytes of a workshop file.
pub(crate) fn to_vec(workshop: &Workshop) -> serde_json::Result<Vec<u8>> {
    // Every field by name: a field added to `Workshop` or `Matrix` fails to compile here until
    // it is written.
    let Workshop {
        title,
        matrix,
        perspectives,
        changes,
        phase,
        blind,
        participants,
    } = workshop;
    let Matrix {
        likelihood,
        impact,
        bands,
    } = matrix;
    let mut out = Vec::with_capacity(512 + 1024 * changes.len());
    out.extend_from_slice(head().as_bytes());
    out.extend_from_slice(b"\n  \"title\": ");
    serde_json::to_writer(&mut out, title)?;
    out.extend_from_slice(b",\n  \"matrix\": {\n    \"likelihood\": ");
    lines(&mut out, likelihood, "    ")?;
    out.extend_from_slice(b",\n    \"impact\": ");
    lines(&mut out, impact, "    ")?;
    out.extend_from_slice(b",\n    \"bands\": ");
    lines(&mut out, bands, "    ")?;
    out.extend_from_slice(b"\n  },\n  \"perspectives\": ");
    lines(&mut out, perspectives, "  ")?;
    out.extend_from_slice(b",\n  \"changes\": ");
    lines(&mut out, changes, "  ")?;
    out.extend_from_slice(b",\n  \"phase\": ");
    serde_json::to_writer(&mut out, phase)?;
    out.extend_from_slice(b",\n  \"blind\": ");
    serde_json::to_writer(&mut out, blind)?;
    // The room's participants, each on a line of their own; absent when nobody joined, so a
    // workshop placed on one laptop is written as before.
    if !participants.is_empty() {
        out.extend_from_slice(b",\n  \"participants\": ");
        lines(&mut out, participants, "  ")?;
    }
    out.extend_from_slice(b"\n}\n");
    Ok(out)
}

/// How every file this Parallax writes begins: the format tag and the version, up to the comma
/// after them. `load` reads a file that begins so straight into the typed model.
pub(crate) fn head() -> String {
    format!("{{\n  \"format\": \"{FORMAT}\",\n  \"schema_version\": {SCHEMA_VERSION},")
}

/// A list with each item compact on a line of its own, one step deeper than `indent`.
fn lines<T: Serialize>(out: &mut Vec<u8>, items: &[T], indent: &str) -> serde_json::Result<()> {
    if items.is_empty() {
        out.extend_from_slice(b"[]");
        return Ok(());
    }
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'\n');
        out.extend_from_slice(indent.as_bytes());
        out.extend_from_slice(b"  ");
        serde_json::to_writer(&mut *out, item)?;
    }
    out.push(b'\n');
    out.extend_from_slice(indent.as_bytes());
    out.push(b']');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{sample, Change, Perspective};

    fn json<T: Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap()
    }

    #[test]
    fn one_item_per_line_down_to_changes_levels_and_bands() {
        let mut matrix = Matrix::default();
        matrix.likelihood.truncate(1);
        matrix.impact.truncate(1);
        matrix.bands.truncate(1);
        let mut w = Workshop::new("T \"quoted\"\n", matrix);
        w.perspectives = vec![Perspective::new("dev", "Dev", "#2f6fdf")];
        w.changes = vec![Change::new("c1", "One"), Change::new("c2", "Two")];
        let expected = format!(
            "{{\n  \"format\": \"parallax-workshop\",\n  \"schema_version\": {SCHEMA_VERSION},\n  \
             \"title\": \"T \\\"quoted\\\"\\n\",\n  \"matrix\": {{\n    \"likelihood\": [\n      \
             {}\n    ],\n    \"impact\": [\n      {}\n    ],\n    \"bands\": [\n      {}\n    \
             ]\n  }},\n  \"perspectives\": [\n    {}\n  ],\n  \"changes\": [\n    {},\n    {}\n  \
             ],\n  \"phase\": \"placing\",\n  \"blind\": true\n}}\n",
            json(&w.matrix.likelihood[0]),
            json(&w.matrix.impact[0]),
            json(&w.matrix.bands[0]),
            json(&w.perspectives[0]),
            json(&w.changes[0]),
            json(&w.changes[1]),
        );
        assert_eq!(String::from_utf8(to_vec(&w).unwrap()).unwrap(), expected);
        w.changes.clear();
        let text = String::from_utf8(to_vec(&w).unwrap()).unwrap();
        assert!(text.contains("\n  \"changes\": [],\n"), "{text}");
    }

    /// What serde's derive makes of a file: the reference the layout must match.
    #[derive(Serialize)]
    struct FileOut<'a> {
        format: &'static str,
        schema_version: u64,
        #[serde(flatten)]
        workshop: &'a Workshop,
    }

    #[test]
    fn without_its_line_breaks_the_file_is_what_serde_s_derive_writes() {
        for w in [sample::workshop(), Workshop::new("", Matrix::default())] {
            let text = String::from_utf8(to_vec(&w).unwrap()).unwrap();
            // Line breaks, indentation and the space after the lined-up keys are all the layout
            // adds; values are compact and their strings hold no raw line break.
            let mut squeezed: String = text.lines().map(str::trim_start).collect();
            for key in [
                "format",
                "schema_version",
                "title",
                "matrix",
                "likelihood",
                "impact",
                "bands",
                "perspectives",
                "changes",
                "phase",
                "blind",
            ] {
                squeezed = squeezed.replacen(&format!("\"{key}\": "), &format!("\"{key}\":"), 1);
            }
            let derived = FileOut {
                format: FORMAT,
                schema_version: SCHEMA_VERSION,
                workshop: &w,
            };
            assert_eq!(squeezed, json(&derived));
        }
    }
}
