//! How a `.parallax` file is laid out: the top-level fields, the matrix's axes, each level, each
//! band, each perspective and each change on a line of its own, everything inside them compact.
//!
//! One change per line makes a version-control diff name the change it touches (its line holds
//! its id and title), where fully indented JSON shows a bare `"impact": 4` out of context. It is
//! also a third smaller than indented JSON and about half the work to write, which keeps saving
//! a big workshop close to the cost of the disk. It must never change what the JSON says: any
//! layout loads the same, and files are compared by content.

use std::io::{self, Write};

use super::{FORMAT, SCHEMA_VERSION};
use crate::{Change, Workshop};

/// Objects opened at this depth or above (the file, the matrix) put each field on a line of its
/// own; arrays opened at this depth or above (the changes, the perspectives, the matrix's levels
/// and bands) put each item on a line of its own. Deeper, everything is compact.
const LINED_OBJECT_DEPTH: usize = 2;
const LINED_ARRAY_DEPTH: usize = 3;

/// A `serde_json` formatter for the layout above (serde_json has only "all" or "nothing").
#[derive(Default)]
pub(crate) struct FileLayout {
    depth: usize,
    has_value: bool,
}

/// A line break and then `depth` two-space indents, written at once.
fn new_line<W: ?Sized + Write>(w: &mut W, depth: usize) -> io::Result<()> {
    const BREAK: &[u8] = b"\n        ";
    match BREAK.get(..1 + 2 * depth) {
        Some(bytes) => w.write_all(bytes),
        None => {
            w.write_all(b"\n")?;
            (0..depth).try_for_each(|_| w.write_all(b"  "))
        }
    }
}

// Arrays and objects differ only in their brackets and in how deep they still get lines.
impl FileLayout {
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        lined: usize,
        bracket: &[u8],
    ) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value && self.depth < lined {
            new_line(w, self.depth)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&self, w: &mut W, first: bool, lined: usize) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.depth <= lined {
            new_line(w, self.depth)?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for FileLayout {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, LINED_ARRAY_DEPTH, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first, LINED_ARRAY_DEPTH)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, LINED_OBJECT_DEPTH, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first, LINED_OBJECT_DEPTH)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.depth <= LINED_OBJECT_DEPTH {
            b": "
        } else {
            b":"
        })
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `value` in the file layout (the reference `write_workshop` is tested against).
#[cfg(test)]
pub(crate) fn write<W: Write, T: serde::Serialize + ?Sized>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(writer, FileLayout::default());
    value.serialize(&mut serializer)
}

/// Writes a whole workshop file: the same bytes as `write` of the format tag, the version and the
/// workshop (tested), with each change's line written by `change`. Saving hands over the line it
/// kept from the last save when the change has not changed since (`store::memo`). Lays out the
/// top level by hand, because serde gives no way to put bytes made earlier into its output.
pub(crate) fn write_workshop<W: Write>(
    w: &mut W,
    workshop: &Workshop,
    mut change: impl FnMut(&mut W, &Change) -> io::Result<()>,
) -> io::Result<()> {
    // Every field by name: a field added to `Workshop` fails to compile here until it is written.
    let Workshop {
        title,
        matrix,
        perspectives,
        changes,
        phase,
        blind,
        participants,
    } = workshop;
    w.write_all(b"{")?;
    field(w, FIRST_FIELD, &FORMAT)?;
    field(w, "schema_version", &SCHEMA_VERSION)?;
    field(w, "title", title)?;
    field(w, "matrix", matrix)?;
    field(w, "perspectives", perspectives)?;
    key(w, "changes")?;
    w.write_all(b"[")?;
    for (i, c) in changes.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        new_line(w, 2)?;
        change(w, c)?;
    }
    if !changes.is_empty() {
        new_line(w, 1)?;
    }
    w.write_all(b"]")?;
    field(w, "phase", phase)?;
    field(w, "blind", blind)?;
    if !participants.is_empty() {
        field(w, "participants", participants)?;
    }
    w.write_all(b"\n}\n")
}

/// `write_workshop` with every change's line written afresh.
pub(crate) fn write_file<W: Write>(w: &mut W, workshop: &Workshop) -> io::Result<()> {
    write_workshop(w, workshop, |w, change| {
        super::line::write_change(w, change)
    })
}

const FIRST_FIELD: &str = "format";

/// A top-level field's name; every field but the first (`format`) follows a comma.
fn key<W: Write>(w: &mut W, name: &str) -> io::Result<()> {
    if name != FIRST_FIELD {
        w.write_all(b",")?;
    }
    new_line(w, 1)?;
    serde_json::to_writer(&mut *w, name).map_err(io::Error::other)?;
    w.write_all(b": ")
}

/// A top-level field, its value laid out as it sits at depth 1 in the file.
fn field<W: Write, T: serde::Serialize + ?Sized>(
    w: &mut W,
    name: &str,
    value: &T,
) -> io::Result<()> {
    key(w, name)?;
    let layout = FileLayout {
        depth: 1,
        has_value: false,
    };
    let mut serializer = serde_json::Serializer::with_formatter(&mut *w, layout);
    value.serialize(&mut serializer).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn laid_out(v: &Value) -> String {
        let mut out = Vec::new();
        write(&mut out, v).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_item_per_line_down_to_changes_levels_and_bands() {
        let v = json!({
            "title": "T",
            "changes": [{"id": "c1", "tags": ["a", "b"], "placements": {"dev": {"impact": 2}}}, {"id": "c2"}],
            "empty": [],
            "matrix": {"bands": [{"name": "low"}], "none": {}}
        });
        // (serde_json's map sorts its keys.)
        assert_eq!(
            laid_out(&v),
            "{\n  \"changes\": [\n    \
             {\"id\":\"c1\",\"placements\":{\"dev\":{\"impact\":2}},\"tags\":[\"a\",\"b\"]},\n    \
             {\"id\":\"c2\"}\n  ],\n  \"empty\": [],\n  \"matrix\": {\n    \
             \"bands\": [\n      {\"name\":\"low\"}\n    ],\n    \"none\": {}\n  },\n  \"title\": \"T\"\n}"
        );
    }

    #[test]
    fn any_value_reads_back_the_same() {
        let v = json!([[[[{"a": [1, {"b": null}], "c": "x\ny\"z", "d": -1.5e300}]]], {}, [], "é"]);
        assert_eq!(serde_json::from_str::<Value>(&laid_out(&v)).unwrap(), v);
    }

    #[test]
    fn deep_indentation_is_not_cut_short() {
        let mut out = Vec::new();
        new_line(&mut out, 7).unwrap();
        assert_eq!(out.len(), 15);
    }
}
