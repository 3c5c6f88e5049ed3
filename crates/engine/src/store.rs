//! The `.parallax` file: UTF-8 JSON with `"format": "parallax-workshop"` and `"schema_version"`.
//! Loading goes size check → parse → migrate step by step → validate → typed model, and every
//! error says where in the file the problem is. Saving is atomic and durable: a temporary file in
//! the same folder, fsync, rename over the target, fsync the folder. It must never leave a
//! half-written document behind, and never trust a file.

use std::io::Read;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::validate::{check_workshop, ValidationError};
use crate::Workshop;

pub const FORMAT: &str = "parallax-workshop";
pub const SCHEMA_VERSION: u64 = 1;
/// Larger files are refused before they are read.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is {size} bytes; Parallax opens workshops of at most {max} bytes")]
    TooLarge { size: u64, max: u64 },
    #[error("the file is empty")]
    Empty,
    #[error("the file is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { offset: usize },
    #[error("the file is not valid JSON: {message} (line {line}, column {column})")]
    Syntax {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("this is not a Parallax workshop: {0}")]
    WrongFormat(String),
    #[error("{0}")]
    Invalid(#[from] ValidationError),
}

/// A workshop read from a file, with why it may only be read, if it may.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub workshop: Workshop,
    /// Set when the file must not be overwritten (e.g. it comes from a newer Parallax).
    pub read_only: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the workshop is not valid, so it was not saved: {0}")]
    Invalid(#[from] ValidationError),
}

/// Reads and checks a workshop file.
pub fn load_path(path: &Path) -> Result<Loaded, LoadError> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            size,
            max: MAX_FILE_BYTES,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // Read one byte past the limit so a file that grew after the size check is still caught.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    load_bytes(&bytes)
}

/// Parses and checks the bytes of a workshop file.
pub fn load_bytes(bytes: &[u8]) -> Result<Loaded, LoadError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            size: bytes.len() as u64,
            max: MAX_FILE_BYTES,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(LoadError::Empty);
    }
    let value: Value = serde_json::from_str(text).map_err(|e| LoadError::Syntax {
        message: strip_position(&e.to_string()),
        line: e.line(),
        column: e.column(),
    })?;
    from_value(value)
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn invalid(path: &str, problem: impl Into<String>) -> LoadError {
    LoadError::Invalid(ValidationError {
        path: path.to_owned(),
        problem: problem.into(),
    })
}

fn from_value(mut value: Value) -> Result<Loaded, LoadError> {
    let Some(object) = value.as_object_mut() else {
        return Err(LoadError::WrongFormat(format!(
            "the file holds a JSON {}, not an object",
            json_kind(&value)
        )));
    };
    match object.remove("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(other) => {
            return Err(LoadError::WrongFormat(format!(
                "\"format\" is {other}, expected \"{FORMAT}\""
            )))
        }
        None => {
            return Err(LoadError::WrongFormat(format!(
                "there is no \"format\": \"{FORMAT}\" field"
            )))
        }
    }
    let version = match object.remove("schema_version") {
        Some(v) => v
            .as_u64()
            .filter(|v| *v >= 1)
            .ok_or_else(|| invalid("schema_version", format!("{v} is not a version number")))?,
        None => return Err(invalid("schema_version", "is missing")),
    };
    let read_only = (version > SCHEMA_VERSION).then(|| {
        format!(
            "this workshop was saved by a newer Parallax (file format {version}; this version \
             knows {SCHEMA_VERSION}). It is open read-only so that nothing in it is lost."
        )
    });
    // Older versions would be migrated here, one step at a time, before the typed parse.
    let workshop: Workshop = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        invalid(if path == "." { "(top level)" } else { &path }, message)
    })?;
    check_workshop(&workshop)?;
    Ok(Loaded {
        workshop,
        read_only,
    })
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    schema_version: u64,
    #[serde(flatten)]
    workshop: &'a Workshop,
}

/// The bytes of a workshop file: pretty JSON, so that files diff well in version control.
pub fn to_bytes(workshop: &Workshop) -> Result<Vec<u8>, SaveError> {
    check_workshop(workshop)?;
    let mut bytes = serde_json::to_vec_pretty(&FileOut {
        format: FORMAT,
        schema_version: SCHEMA_VERSION,
        workshop,
    })
    .map_err(|e| SaveError::Io {
        path: String::new(),
        source: std::io::Error::other(e),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes the workshop to `path` atomically and durably; on any failure the file that was there
/// before is left as it was.
pub fn save_path(path: &Path, workshop: &Workshop) -> Result<(), SaveError> {
    let bytes = to_bytes(workshop)?;
    let io = |source| SaveError::Io {
        path: path.display().to_string(),
        source,
    };
    // atomic-write-file writes a temporary file beside the target, fsyncs it, renames it over
    // the target and fsyncs the folder.
    let mut file = atomic_write_file::AtomicWriteFile::open(path).map_err(io)?;
    std::io::Write::write_all(&mut file, &bytes).map_err(io)?;
    file.commit().map_err(io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    #[test]
    fn sample_round_trips_through_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sample.parallax");
        let w = sample::workshop();
        save_path(&path, &w).unwrap();
        let loaded = load_path(&path).unwrap();
        assert_eq!(loaded.workshop, w);
        assert!(loaded.read_only.is_none());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("{\n  \"format\": \"parallax-workshop\",\n  \"schema_version\": 1,")
        );
    }

    fn sample_value() -> Value {
        serde_json::from_slice(&to_bytes(&sample::workshop()).unwrap()).unwrap()
    }

    fn load_value(v: &Value) -> Result<Loaded, LoadError> {
        load_bytes(&serde_json::to_vec(v).unwrap())
    }

    #[test]
    fn out_of_range_level_names_its_json_path() {
        let mut v = sample_value();
        v["changes"][3]["placements"] = serde_json::json!({
            "ops": {"likelihood": 2, "impact": 9, "placed_at_ms": 0}
        });
        let err = load_value(&v).unwrap_err().to_string();
        assert_eq!(err, "changes[3].placements.ops.impact: 9 is outside 1..=5");
    }

    #[test]
    fn type_errors_name_their_json_path() {
        let mut v = sample_value();
        v["changes"][2]["title"] = serde_json::json!(42);
        let err = load_value(&v).unwrap_err().to_string();
        assert!(err.starts_with("changes[2].title: invalid type"), "{err}");
    }

    #[test]
    fn dangling_perspective_is_refused() {
        let mut v = sample_value();
        v["changes"][0]["placements"] = serde_json::json!({
            "sec": {"likelihood": 1, "impact": 1, "placed_at_ms": 0}
        });
        let err = load_value(&v).unwrap_err().to_string();
        assert_eq!(
            err,
            "changes[0].placements.sec: names a perspective that does not exist"
        );
    }

    #[test]
    fn duplicate_change_ids_are_refused() {
        let mut v = sample_value();
        let first = v["changes"][0]["id"].clone();
        v["changes"][1]["id"] = first;
        let err = load_value(&v).unwrap_err().to_string();
        assert!(err.starts_with("changes[1].id: "), "{err}");
    }

    #[test]
    fn wrong_format_and_wrong_shape_are_refused() {
        let mut v = sample_value();
        v["format"] = serde_json::json!("something-else");
        assert!(matches!(load_value(&v), Err(LoadError::WrongFormat(_))));
        assert!(matches!(
            load_bytes(b"[1,2]"),
            Err(LoadError::WrongFormat(_))
        ));
        assert!(matches!(load_bytes(b""), Err(LoadError::Empty)));
        assert!(matches!(
            load_bytes(b"\0\0\0"),
            Err(LoadError::Syntax { .. })
        ));
        assert!(matches!(
            load_bytes(b"{\"a\":"),
            Err(LoadError::Syntax { .. })
        ));
        assert!(matches!(
            load_bytes(b"\xff\xfe"),
            Err(LoadError::NotUtf8 { .. })
        ));
    }

    #[test]
    fn bom_is_accepted() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(to_bytes(&sample::workshop()).unwrap());
        assert!(load_bytes(&bytes).is_ok());
    }

    #[test]
    fn newer_version_opens_read_only() {
        let mut v = sample_value();
        v["schema_version"] = serde_json::json!(SCHEMA_VERSION + 1);
        let loaded = load_value(&v).unwrap();
        assert!(loaded.read_only.unwrap().contains("newer Parallax"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(matches!(
            load_bytes(deep.as_bytes()),
            Err(LoadError::Syntax { .. })
        ));
    }

    #[test]
    fn a_failed_save_leaves_the_original() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.parallax");
        let w = sample::workshop();
        save_path(&path, &w).unwrap();
        let before = std::fs::read(&path).unwrap();
        let mut broken = w.clone();
        broken.changes[0].title.clear();
        assert!(matches!(
            save_path(&path, &broken),
            Err(SaveError::Invalid(_))
        ));
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
                let _ = load_bytes(&bytes);
            }

            #[test]
            fn placements_round_trip(cells in proptest::collection::vec((1u8..=5, 1u8..=5, any::<bool>()), 8)) {
                let mut w = sample::workshop();
                for (change, (l, i, dev)) in w.changes.iter_mut().zip(cells) {
                    let who = if dev { "dev" } else { "ops" };
                    change.placements.insert(
                        crate::PerspectiveId::new(who),
                        crate::Placement { likelihood: l, impact: i, rationale: format!("<b>{l}</b>\""), placed_at_ms: 1_700_000_000_000 },
                    );
                }
                let loaded = load_bytes(&to_bytes(&w).unwrap()).unwrap();
                prop_assert_eq!(loaded.workshop, w);
            }
        }
    }
}
