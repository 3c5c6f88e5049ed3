//! A change's line in a `.parallax` file, written by hand: exactly the bytes serde_json writes for
//! a `Change` in the file layout (compact JSON), which the tests check against serde itself for
//! arbitrary changes. The changes are nearly all of a file, and serde_json spent most of a save's
//! serializing on field names and on testing every byte of every text for escapes one by one;
//! here names are constants and a text is tested for escapes a whole word at a time, and only a
//! text that needs one goes through serde_json's own escaping.
//!
//! It must never write anything serde would not: a field added to `Change` (or to what it holds)
//! fails to compile here until it is written, in the order the derive writes it.

use std::io::{self, Write};

use crate::{Axis, Cell, Change, ChangeType, Mitigation, Placement};

/// Writes `change` as the compact JSON object its line holds (no line break or indent).
pub(crate) fn write_change<W: Write>(w: &mut W, change: &Change) -> io::Result<()> {
    let Change {
        id,
        title,
        description,
        change_type,
        ticket,
        tags,
        placements,
        consensus,
        mitigations,
        residual,
        answers,
    } = change;
    field_text(w, b"{\"id\":", &id.0)?;
    field_text(w, b",\"title\":", title)?;
    field_text(w, b",\"description\":", description)?;
    w.write_all(b",\"change_type\":")?;
    w.write_all(match change_type {
        ChangeType::Standard => b"\"standard\"",
        ChangeType::Normal => b"\"normal\"",
        ChangeType::Emergency => b"\"emergency\"",
    })?;
    field_text(w, b",\"ticket\":", ticket)?;
    w.write_all(b",\"tags\":[")?;
    for (i, tag) in tags.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        string(w, tag)?;
    }
    w.write_all(b"],\"placements\":{")?;
    for (i, (perspective, placement)) in placements.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        string(w, &perspective.0)?;
        w.write_all(b":")?;
        write_placement(w, placement)?;
    }
    w.write_all(b"}")?;
    // `skip_serializing_if = "Option::is_none"` on both cells.
    if let Some(cell) = consensus {
        w.write_all(b",\"consensus\":")?;
        write_cell(w, cell)?;
    }
    w.write_all(b",\"mitigations\":[")?;
    for (i, mitigation) in mitigations.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write_mitigation(w, mitigation)?;
    }
    w.write_all(b"]")?;
    if let Some(cell) = residual {
        w.write_all(b",\"residual\":")?;
        write_cell(w, cell)?;
    }
    // The room's answers are rare and few: serde writes them.
    if !answers.is_empty() {
        w.write_all(b",\"answers\":")?;
        serde_json::to_writer(&mut *w, answers).map_err(io::Error::other)?;
    }
    w.write_all(b"}")
}

fn write_placement<W: Write>(w: &mut W, placement: &Placement) -> io::Result<()> {
    let Placement {
        likelihood,
        impact,
        rationale,
        placed_at_ms,
        spread,
    } = placement;
    field_number(w, b"{\"likelihood\":", *likelihood)?;
    field_number(w, b",\"impact\":", *impact)?;
    field_text(w, b",\"rationale\":", rationale)?;
    field_number(w, b",\"placed_at_ms\":", *placed_at_ms)?;
    if let Some(spread) = spread {
        w.write_all(b",\"spread\":")?;
        serde_json::to_writer(&mut *w, spread).map_err(io::Error::other)?;
    }
    w.write_all(b"}")
}

fn write_cell<W: Write>(w: &mut W, cell: &Cell) -> io::Result<()> {
    let Cell { likelihood, impact } = cell;
    field_number(w, b"{\"likelihood\":", *likelihood)?;
    field_number(w, b",\"impact\":", *impact)?;
    w.write_all(b"}")
}

fn write_mitigation<W: Write>(w: &mut W, mitigation: &Mitigation) -> io::Result<()> {
    let Mitigation {
        id,
        text,
        owner,
        lowers,
    } = mitigation;
    field_text(w, b"{\"id\":", &id.0)?;
    field_text(w, b",\"text\":", text)?;
    field_text(w, b",\"owner\":", owner)?;
    w.write_all(b",\"lowers\":")?;
    w.write_all(match lowers {
        Axis::Likelihood => b"\"likelihood\"",
        Axis::Impact => b"\"impact\"",
    })?;
    w.write_all(b"}")
}

/// `key` (a name and its colon, after a brace or comma), then the text as a JSON string.
fn field_text<W: Write>(w: &mut W, key: &[u8], value: &str) -> io::Result<()> {
    w.write_all(key)?;
    string(w, value)
}

/// `key`, then the integer as serde_json writes it.
fn field_number<W: Write>(w: &mut W, key: &[u8], value: impl itoa::Integer) -> io::Result<()> {
    w.write_all(key)?;
    w.write_all(itoa::Buffer::new().format(value).as_bytes())
}

/// A JSON string. serde_json escapes exactly the bytes below 0x20, `"` and `\`; a text without
/// any (nearly all of them) is written as it is, and the rest by serde_json itself.
fn string<W: Write>(w: &mut W, text: &str) -> io::Result<()> {
    // A fold over every byte, not a search that stops early: it compiles to vector code.
    let plain = text
        .bytes()
        .fold(true, |ok, b| ok & (b >= 0x20) & (b != b'"') & (b != b'\\'));
    if plain {
        w.write_all(b"\"")?;
        w.write_all(text.as_bytes())?;
        w.write_all(b"\"")
    } else {
        serde_json::to_writer(w, text).map_err(io::Error::other)
    }
}
