//! The `.parallax` file and everything Parallax writes to disk.
//!
//! Loading (`load`) reads a bounded regular file, refuses duplicate keys, migrates older formats
//! step by step (`migrate`), validates, and says where in the file any problem is. Saving
//! (`save`) checks that the file on disk is still what was opened and that no newer Parallax
//! wrote it, keeps the previous version as `NAME.parallax.bak` (a hard link), and replaces the
//! file with `atomic::write`, which recovery copies (`recovery`) and exports use too. Beside the
//! document lives its lock (`lock`). Every read of a file a user chose goes through
//! `read_bounded`.
//!
//! It must never leave a half-written document behind, never lose both the old and the new
//! version, never write through a symbolic link or into a file it did not just create, never
//! read without a bound, and never trust a file.

pub mod atomic;
mod fingerprint;
mod layout;
mod load;
mod location;
pub mod lock;
pub mod migrate;
mod read;
pub mod recovery;
mod save;

use std::path::PathBuf;

use crate::validate::{check_workshop, ValidationError};
use crate::Workshop;

pub use fingerprint::Fingerprint;
pub use load::{explain_failure, load_bytes, load_path};
pub use lock::{acquire, LockError, LockGuard, LockHolder};
pub use read::{read_bounded, ReadError};
pub use save::{backup_path_for, save, save_path, Expect, Saved};

pub const FORMAT: &str = "parallax-workshop";
pub const SCHEMA_VERSION: u64 = 3;
/// The oldest `schema_version` that `migrate` can bring up to date.
pub const OLDEST_SCHEMA_VERSION: u64 = 0;
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
    /// Broken JSON. `path` is where in the document the parser was (empty at the top level).
    #[error(
        "{}the file is not valid JSON: {message} (line {line}, column {column})",
        location::at(path)
    )]
    Syntax {
        path: String,
        message: String,
        line: usize,
        column: usize,
    },
    #[error("this is not a Parallax workshop: {0}")]
    WrongFormat(String),
    #[error("{}{}", location::at(&.0.path), .0.problem)]
    Invalid(#[from] ValidationError),
}

/// A workshop read from a file, with why it may only be read, if it may.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub workshop: Workshop,
    /// Set when the file must not be overwritten (it comes from a newer Parallax): the shell
    /// offers Save As only, and `save` refuses that file anyway.
    pub read_only: Option<String>,
    /// The `schema_version` the file had when it was older than this Parallax and was brought up
    /// to date in memory. Saving writes the current version (the old file is kept as `.bak`).
    pub migrated_from: Option<u64>,
    /// What the file was when it was read. Pass it to `save` as `Expect::Unchanged` so that a
    /// file someone else changed meanwhile is not overwritten without asking.
    pub fingerprint: Fingerprint,
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The disk refused (full, read-only folder, no permission…). `kept` says whether the file
    /// that was there before is known to be untouched, which the message tells the user.
    #[error("cannot save {path}: {source}. {}", if *kept {
        "The file on disk was left as it was."
    } else {
        "The new version was written, but the system could not confirm it reached the disk."
    })]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
        kept: bool,
    },
    #[error("the workshop is not valid, so it was not saved: {0}")]
    Invalid(#[from] ValidationError),
    /// The file is no longer what was loaded (or last saved): someone or something changed it.
    /// The shell asks, then saves with `Expect::Anything`, or saves elsewhere.
    #[error("{path} changed on disk since it was opened ({what}); it was not overwritten")]
    ChangedOnDisk {
        path: String,
        what: String,
        /// What is on disk now; None when the file is gone.
        now: Option<Fingerprint>,
    },
    /// The file on disk was written by a newer Parallax; it is never overwritten.
    #[error(
        "{path} was written by a newer Parallax (file format {version}; this version writes \
         {SCHEMA_VERSION}) and is never overwritten: save the workshop under another name"
    )]
    NewerVersion { path: String, version: u64 },
    #[error("cannot save to {0}: it is not a file path")]
    NotAFilePath(PathBuf),
}

/// A document reached through a symbolic link is saved (and locked) where the link points, so
/// that the link stays a link to the new version, and two names of one file share one lock.
pub(crate) fn follow_symlinks(path: &std::path::Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
        }
        _ => path.to_owned(),
    }
}

/// The bytes of a workshop file, laid out as `layout` says, after validating the workshop.
pub fn to_bytes(workshop: &Workshop) -> Result<Vec<u8>, SaveError> {
    check_workshop(workshop)?;
    layout::to_vec(workshop).map_err(|e| SaveError::Io {
        path: String::new(),
        source: e.into(),
        kept: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;
    use serde_json::Value;

    #[test]
    fn sample_round_trips_through_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sample.parallax");
        let w = sample::workshop();
        save_path(&path, &w).unwrap();
        let loaded = load_path(&path).unwrap();
        assert_eq!(loaded.workshop, w);
        assert!(loaded.read_only.is_none());
        assert!(loaded.migrated_from.is_none());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("{\n  \"format\": \"parallax-workshop\",\n  \"schema_version\": 3,")
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
        assert_eq!(
            err,
            "change 4 (changes[3].placements.ops.impact): 9 is outside 1..=5"
        );
    }

    #[test]
    fn type_errors_name_their_json_path() {
        let mut v = sample_value();
        v["changes"][2]["title"] = serde_json::json!(42);
        let err = load_value(&v).unwrap_err().to_string();
        assert!(
            err.starts_with("change 3 (changes[2].title): invalid type"),
            "{err}"
        );
    }

    #[test]
    fn newer_version_opens_read_only() {
        let mut v = sample_value();
        v["schema_version"] = serde_json::json!(SCHEMA_VERSION + 1);
        let loaded = load_value(&v).unwrap();
        assert!(loaded.read_only.unwrap().contains("newer Parallax"));
    }
}
