//! Reading a `.parallax` file: bounded read → UTF-8 → JSON tree (no duplicate key) → format and
//! version → (migrate) → typed model → validate. Every refusal names the JSON path of the
//! problem. It must never trust the bytes: no panic, no stack overflow, no silently dropped
//! data.
//!
//! Why a visitor of its own for the tree: `serde_json::Value` keeps the last of two equal keys
//! and drops the first without a word, and so does a `BTreeMap` field such as `placements` — a
//! file edited by hand or merged badly would lose data on open. serde_json has no option to
//! refuse duplicates, and no well-kept crate does it for a whole document. So a `DeserializeSeed`
//! drives serde_json's own parser to build the tree, refusing a key seen twice in one object, and
//! on any error collects the path as the error unwinds. serde_json's recursion limit (128 levels)
//! applies to it, so deep nesting is an error, never a stack overflow, and its string handling
//! refuses lone surrogates. Migrations rewrite that tree; the typed model is read from it with
//! `serde_path_to_error` for the path of a wrong type or an unknown field.
//!
//! A file that begins as this Parallax writes its files skips the tree and is read straight into
//! the typed model, which refuses unknown fields and duplicate keys itself; if that fails for
//! any reason, the file goes the way above for the exact message.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::path::Path;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::fingerprint::Fingerprint;
use super::read::{read_with_metadata, ReadError};
use super::{layout, migrate, LoadError, Loaded, FORMAT, MAX_FILE_BYTES, SCHEMA_VERSION};
use crate::validate::{check_workshop, ValidationError};
use crate::Workshop;

/// Reads and checks a workshop file (a symbolic link the user chose is followed).
pub fn load_path(path: &Path) -> Result<Loaded, LoadError> {
    let (bytes, meta) = read_with_metadata(path, MAX_FILE_BYTES).map_err(|e| match e {
        ReadError::TooLarge { size, max } => LoadError::TooLarge { size, max },
        ReadError::Io(e) => LoadError::Io(e),
        not_a_file => LoadError::Io(std::io::Error::other(not_a_file.to_string())),
    })?;
    load_checked(&bytes, Fingerprint::of_bytes(&bytes, meta.modified().ok()))
}

/// What to tell a person when `path` could not be opened: which file, what is wrong and where
/// in it, and, when the previous version is kept beside it (`NAME.parallax.bak`), that it is
/// there to open instead.
pub fn explain_failure(path: &Path, error: &LoadError) -> String {
    let mut text = format!("{}: {error}", path.display());
    let kept = super::backup_path_for(path)
        .filter(|bak| std::fs::symlink_metadata(bak).is_ok_and(|m| m.file_type().is_file()));
    if let Some(bak) = kept {
        let name = bak.file_name().unwrap_or_default().to_string_lossy();
        text.push_str(&format!(
            ". The version saved before the last save is kept beside it as {name}: open that file to get it back"
        ));
    }
    text
}

/// Parses and checks the bytes of a workshop file.
pub fn load_bytes(bytes: &[u8]) -> Result<Loaded, LoadError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            size: bytes.len() as u64,
            max: MAX_FILE_BYTES,
        });
    }
    load_checked(bytes, Fingerprint::of_bytes(bytes, None))
}

fn load_checked(bytes: &[u8], fingerprint: Fingerprint) -> Result<Loaded, LoadError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(LoadError::WrongFormat(
            "the file is UTF-16 text; Parallax workshops are UTF-8".to_owned(),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(LoadError::Empty);
    }
    // A file as this Parallax writes it is read straight into the typed model, several times
    // faster than through the tree: the model itself refuses unknown fields and duplicate keys.
    // Any other file, and any error, goes the careful way below, which says exactly what is
    // wrong and where.
    if let Some(workshop) = typed_in_one_pass(text) {
        check_workshop(&workshop)?;
        return Ok(Loaded {
            workshop,
            read_only: None,
            migrated_from: None,
            fingerprint,
        });
    }
    let mut tree = parse_tree(text)?;
    let Value::Object(object) = &mut tree else {
        return Err(LoadError::WrongFormat(format!(
            "the file holds a JSON {}, not an object",
            kind(&tree)
        )));
    };
    let version = check_header(object.remove("format"), object.remove("schema_version"))?;
    let newer = version > SCHEMA_VERSION;
    let read_only = newer.then(|| {
        format!(
            "this workshop was saved by a newer Parallax (file format {version}; this version \
             knows {SCHEMA_VERSION}). It is open read-only so that nothing in it is lost."
        )
    });
    let migrated_from = (version < SCHEMA_VERSION).then_some(version);
    if migrated_from.is_some() {
        migrate::migrate(object, version)?;
    }
    let workshop = typed_from_tree(&tree, version)?;
    check_workshop(&workshop)?;
    Ok(Loaded {
        workshop,
        read_only,
        migrated_from,
        fingerprint,
    })
}

/// The workshop of a file that begins as `layout` writes this version's files, read without the
/// tree; None for any other file and on any error.
fn typed_in_one_pass(text: &str) -> Option<Workshop> {
    let rest = text.strip_prefix(layout::head().as_str())?;
    // The same object without the format tag and the version, which `Workshop` does not know.
    let body = format!("{{{rest}");
    serde_json::from_str(&body).ok()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The JSON tree of `text`, or the first problem in it with its path.
pub(crate) fn parse_tree(text: &str) -> Result<Value, LoadError> {
    let trail = RefCell::new(Trail::default());
    let mut de = serde_json::Deserializer::from_str(text);
    let result = TreeSeed { trail: &trail }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    match result {
        Ok(value) => Ok(value),
        Err(e) => Err(trail_error(trail.into_inner(), &e, text)),
    }
}

/// The error of a failed tree, with its path.
fn trail_error(trail: Trail, e: &serde_json::Error, text: &str) -> LoadError {
    let path = trail.path();
    match trail.problem {
        Some(Problem::DuplicateKey) => LoadError::Invalid(ValidationError {
            path,
            problem: "appears twice in the same object; Parallax refuses the file rather than \
                      silently keep only one of them"
                .to_owned(),
        }),
        Some(Problem::NotFinite(n)) => LoadError::Invalid(ValidationError {
            path,
            problem: format!("{n} is not a finite number"),
        }),
        None => LoadError::Syntax {
            path,
            message: explain(strip_position(&e.to_string()), text, e.line(), e.column()),
            line: e.line(),
            column: e.column(),
        },
    }
}

/// serde_json's words for a broken `\u` escape or a `NaN` do not say what is wrong.
fn explain(message: String, text: &str, line: usize, column: usize) -> String {
    if message.contains("surrogate") || message.contains("hex escape") {
        return format!(
            "{message}: a \\u escape that is half of a UTF-16 surrogate pair (a lone \
             surrogate) or incomplete is not text"
        );
    }
    // `column` is 1-based and counts bytes; the error points at the first byte it refused.
    let rest = text
        .lines()
        .nth(line.saturating_sub(1))
        .and_then(|l| l.get(column.saturating_sub(1)..))
        .unwrap_or("");
    let rest = rest.trim_start_matches('-');
    if ["NaN", "Infinity", "inf"]
        .iter()
        .any(|w| rest.starts_with(w))
    {
        return format!("{message}: NaN and infinities are not numbers a workshop can hold");
    }
    message
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

enum Segment {
    Key(String),
    Index(usize),
}

enum Problem {
    DuplicateKey,
    NotFinite(f64),
}

/// Where a parse error happened, filled in from the inside out while the error unwinds.
#[derive(Default)]
struct Trail {
    outward: Vec<Segment>,
    problem: Option<Problem>,
}

/// Paths longer than this (only deep nesting makes them) are shortened in messages.
const MAX_PATH_SEGMENTS: usize = 12;

impl Trail {
    /// `changes[3].placements.ops`, the same notation serde_path_to_error and validation use.
    fn path(&self) -> String {
        let mut out = String::new();
        for (n, segment) in self.outward.iter().rev().enumerate() {
            if n == MAX_PATH_SEGMENTS {
                out.push_str(&format!("… ({} levels deep)", self.outward.len()));
                break;
            }
            match segment {
                Segment::Key(k) if out.is_empty() => out.push_str(k),
                Segment::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

/// Builds a `serde_json::Value`, refusing duplicate keys and non-finite numbers.
#[derive(Clone, Copy)]
struct TreeSeed<'t> {
    trail: &'t RefCell<Trail>,
}

impl<'de> DeserializeSeed<'de> for TreeSeed<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TreeSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // serde_json already refuses 1e400 ("number out of range") and has no NaN literal; this
        // keeps the promise "no NaN or infinity anywhere" even if that ever changes.
        match serde_json::Number::from_f64(v) {
            Some(n) => Ok(Value::Number(n)),
            None => {
                self.trail.borrow_mut().problem = Some(Problem::NotFinite(v));
                Err(E::custom("not a finite number"))
            }
        }
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        loop {
            match seq.next_element_seed(self) {
                Ok(Some(item)) => items.push(item),
                Ok(None) => return Ok(Value::Array(items)),
                Err(e) => {
                    self.trail
                        .borrow_mut()
                        .outward
                        .push(Segment::Index(items.len()));
                    return Err(e);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            match access.next_value_seed(self) {
                Ok(value) => match map.entry(key) {
                    serde_json::map::Entry::Vacant(slot) => {
                        slot.insert(value);
                    }
                    serde_json::map::Entry::Occupied(taken) => {
                        let mut trail = self.trail.borrow_mut();
                        trail.problem = Some(Problem::DuplicateKey);
                        trail.outward.push(Segment::Key(taken.key().clone()));
                        return Err(de::Error::custom("duplicate key"));
                    }
                },
                Err(e) => {
                    self.trail.borrow_mut().outward.push(Segment::Key(key));
                    return Err(e);
                }
            }
        }
        Ok(Value::Object(map))
    }
}

fn invalid(path: &str, problem: impl Into<String>) -> LoadError {
    LoadError::Invalid(ValidationError {
        path: path.to_owned(),
        problem: problem.into(),
    })
}

/// The format tag and the version, or why the file is not a workshop this Parallax can read.
fn check_header(format: Option<Value>, schema_version: Option<Value>) -> Result<u64, LoadError> {
    match format {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(other) => {
            return Err(LoadError::WrongFormat(format!(
                "\"format\" is {}, expected \"{FORMAT}\"",
                shorten(&other.to_string())
            )))
        }
        None => {
            return Err(LoadError::WrongFormat(format!(
                "there is no \"format\": \"{FORMAT}\" field"
            )))
        }
    }
    match schema_version {
        Some(v) => v.as_u64().ok_or_else(|| {
            invalid(
                "schema_version",
                format!("{} is not a version number", shorten(&v.to_string())),
            )
        }),
        None => Err(invalid("schema_version", "is missing")),
    }
}

fn typed_error(path: String, message: String, version: u64) -> LoadError {
    let message = if version > SCHEMA_VERSION {
        format!(
            "{message} (the file is from a newer Parallax, format {version}, and uses \
             something this version does not know)"
        )
    } else {
        message
    };
    invalid(if path == "." { "(top level)" } else { &path }, message)
}

/// The typed model from a (migrated) tree.
fn typed_from_tree(value: &Value, version: u64) -> Result<Workshop, LoadError> {
    match Workshop::deserialize(value) {
        Ok(w) => Ok(w),
        Err(first) => {
            let (path, message) = match serde_path_to_error::deserialize::<_, Workshop>(value) {
                Err(e) => (e.path().to_string(), e.into_inner().to_string()),
                Ok(_) => (".".to_owned(), first.to_string()),
            };
            Err(typed_error(path, message, version))
        }
    }
}

/// Whether `bytes` start like a Parallax file, and the `schema_version` they say. Parallax writes
/// `format` and `schema_version` first, so reading stops right after them; a file with them
/// elsewhere is read to its end.
pub(crate) fn peek_header(bytes: &[u8]) -> (bool, Option<u64>) {
    let found = std::cell::Cell::new((false, None));
    let mut de = serde_json::Deserializer::from_slice(bytes);
    // Stopping early makes serde_json complain about the rest of the object: what was found
    // before that is all that is wanted.
    let _ = de::Deserializer::deserialize_map(&mut de, HeaderVisitor { found: &found });
    found.get()
}

struct HeaderVisitor<'a> {
    found: &'a std::cell::Cell<(bool, Option<u64>)>,
}

impl<'de> Visitor<'de> for HeaderVisitor<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Parallax file")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (mut format, mut version) = (None, None);
        while let Some(key) = map.next_key::<Cow<str>>()? {
            match key.as_ref() {
                "format" => format = Some(map.next_value::<Cow<str>>()?),
                "schema_version" => version = Some(map.next_value::<u64>()?),
                _ => map.next_value::<de::IgnoredAny>().map(|_| ())?,
            }
            if let (Some(f), Some(v)) = (&format, version) {
                self.found.set((f == FORMAT, Some(v)));
                return Ok(());
            }
        }
        Ok(())
    }
}

/// Keeps messages about hostile values short (a 10 MB string must not become a 10 MB message).
fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> String {
        parse_tree(text).unwrap_err().to_string()
    }

    #[test]
    fn a_failure_names_the_file_and_the_kept_previous_version_when_there_is_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q3.parallax");
        std::fs::write(&path, b"{ broken").unwrap();
        let e = load_path(&path).unwrap_err();
        let alone = explain_failure(&path, &e);
        assert!(
            alone.starts_with(&format!("{}: ", path.display())),
            "{alone}"
        );
        assert!(!alone.contains(".bak"), "{alone}");
        std::fs::write(dir.path().join("q3.parallax.bak"), b"{}").unwrap();
        let with_copy = explain_failure(&path, &e);
        assert!(
            with_copy.ends_with("kept beside it as q3.parallax.bak: open that file to get it back"),
            "{with_copy}"
        );
        // A folder of that name is not a copy to offer.
        let other = dir.path().join("other.parallax");
        std::fs::create_dir(dir.path().join("other.parallax.bak")).unwrap();
        let e = load_path(&other).unwrap_err();
        assert!(!explain_failure(&other, &e).contains(".bak"));
    }

    #[test]
    fn a_file_parallax_wrote_reads_the_same_both_ways() {
        let w = crate::sample::workshop();
        let text = String::from_utf8(crate::store::to_bytes(&w).unwrap()).unwrap();
        let mut tree = parse_tree(&text).unwrap();
        let object = tree.as_object_mut().unwrap();
        object.remove("format");
        object.remove("schema_version");
        assert_eq!(typed_from_tree(&tree, SCHEMA_VERSION).unwrap(), w);
        assert_eq!(typed_in_one_pass(&text).unwrap(), w);
        // Fields left to their defaults are the model's defaults either way.
        let bare = text.replace(",\n  \"phase\": \"placing\",\n  \"blind\": true", "");
        assert_ne!(bare, text);
        let mut tree = parse_tree(&bare).unwrap();
        let object = tree.as_object_mut().unwrap();
        object.remove("format");
        object.remove("schema_version");
        assert_eq!(
            typed_in_one_pass(&bare).unwrap(),
            typed_from_tree(&tree, SCHEMA_VERSION).unwrap()
        );
        // A duplicate in such a file still gets the careful way's message.
        let duplicate = text.replacen("{\"id\":\"c1\",", "{\"id\":\"c1\",\"id\":\"c1\",", 1);
        assert!(typed_in_one_pass(&duplicate).is_none());
        let err = load_bytes(duplicate.as_bytes()).unwrap_err().to_string();
        assert!(
            err.starts_with("change 1 (changes[0].id): appears twice"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_keys_are_refused_with_their_path() {
        assert_eq!(
            problem(r#"{"a": [1, {"b": 1, "c": {"d": 2, "d": 3}}]}"#),
            "a[1].c.d: appears twice in the same object; Parallax refuses the file rather than \
             silently keep only one of them"
        );
        assert!(problem(r#"{"k": 1, "k": 1}"#).starts_with("k: appears twice"));
    }

    #[test]
    fn duplicates_are_found_in_big_objects_and_deep_down() {
        let mut keys: Vec<String> = (0..100).map(|i| format!("\"k{i}\": {i}")).collect();
        keys.push("\"k57\": 0".to_owned());
        let text = format!("{{\"a\": [{{}}, {{{}}}]}}", keys.join(", "));
        let err = problem(&text);
        assert!(err.starts_with("a[1].k57: appears twice"), "{err}");
        // Equal keys in different objects, and an escaped spelling of the same key.
        assert!(parse_tree(r#"{"a": {"x": 1}, "b": {"x": 1}, "c": [{"x": 1}, {"x": 2}]}"#).is_ok());
        let err = problem(r#"{"t": {"x": 1, "\u0078": 2}}"#);
        assert!(err.starts_with("t.x: appears twice"), "{err}");
    }

    #[test]
    fn syntax_errors_say_where_in_the_tree_they_are() {
        let e = problem(r#"{"changes": [{"title": "\ud800"}]}"#);
        assert!(
            e.starts_with("change 1 (changes[0].title): the file is not valid JSON: ")
                && e.contains("lone surrogate"),
            "{e}"
        );
        let e = problem(r#"{"x": 1e400}"#);
        assert!(
            e.starts_with("x: the file is not valid JSON: number out of range"),
            "{e}"
        );
        let e = problem("[1, 2");
        assert!(e.contains("(line 1, column 5)"), "{e}");
    }

    #[test]
    fn deep_nesting_is_refused_with_a_short_path() {
        let e = problem(&"[".repeat(100_000));
        assert!(e.contains("recursion limit exceeded"), "{e}");
        assert!(e.contains("levels deep"), "{e}");
        assert!(e.len() < 300, "{e}");
    }

    #[test]
    fn the_tree_equals_serde_json_s_when_keys_are_unique() {
        let text = r#"{"a": [1, -2, 3.5, true, null, "s\u00e9"], "b": {"c": {}}, "d": []}"#;
        let ours = parse_tree(text).unwrap();
        let theirs: Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
    }
}
