//! Recovery copies: the workshop as it is in memory, written (atomically) into a folder the shell
//! gives — the app's data folder — so that a crash or power cut loses at most the last couple of
//! seconds of a session, saved or never saved. The shell decides when (debounce, on close) and
//! asks the user; this module only does the files.
//!
//! Each copy is `<key>.parallax` (a normal workshop file) with a sidecar `<key>.json` saying
//! whose copy it is and when it was made. The key is `doc-<hash of the document's path>` or
//! `untitled-<id>` for a workshop that was never saved. It must never write beside or over a
//! document, and never offer a copy that is not newer than its document.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    atomic, load_path, read_bounded, to_bytes, LoadError, Loaded, SaveError, MAX_FILE_BYTES,
};
use crate::{Millis, Workshop};

const SIDECAR_FORMAT: &str = "parallax-recovery";

/// Whose recovery copy it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecoveryKey {
    /// A workshop with a file.
    Document(PathBuf),
    /// A workshop never saved, with an id the shell chose for its session (letters, digits,
    /// '-' and '_', at most 64).
    Untitled(String),
}

#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    #[error("{0:?} cannot name a recovery copy: use 1 to 64 letters, digits, '-' or '_'")]
    BadId(String),
    #[error("cannot write the recovery copy in {dir}: {source}")]
    Io {
        dir: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the recovery copy: {0}")]
    Save(#[from] SaveError),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sidecar {
    format: String,
    /// The document's path; None for an untitled workshop, or when the path is not UTF-8.
    document: Option<PathBuf>,
    /// The bytes of a document path that is not UTF-8 (Unix file names are any bytes), which
    /// JSON text cannot hold as a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    document_bytes: Option<Vec<u8>>,
    untitled: Option<String>,
    saved_at_ms: Millis,
    title: String,
}

/// A recovery copy found in the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryCopy {
    pub key: RecoveryKey,
    /// The copy itself: open it with `load`.
    pub copy: PathBuf,
    pub saved_at_ms: Millis,
    /// The workshop's title when the copy was made, to show in the offer.
    pub title: String,
}

impl RecoveryKey {
    /// The file stem of this key's copy and sidecar.
    pub fn stem(&self) -> Result<String, RecoveryError> {
        match self {
            RecoveryKey::Document(path) => {
                // Canonical when the file exists, so that two spellings of one path agree.
                let path = std::fs::canonicalize(path)
                    .or_else(|_| std::path::absolute(path))
                    .unwrap_or_else(|_| path.clone());
                let digest = Sha256::digest(path.as_os_str().as_encoded_bytes());
                let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
                Ok(format!("doc-{hex}"))
            }
            RecoveryKey::Untitled(id) => {
                let ok = !id.is_empty()
                    && id.len() <= 64
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if ok {
                    Ok(format!("untitled-{id}"))
                } else {
                    Err(RecoveryError::BadId(id.clone()))
                }
            }
        }
    }
}

/// Writes (or replaces) the recovery copy of `workshop` for `key` in `dir`, creating `dir`.
/// Returns the copy's path.
pub fn write(
    dir: &Path,
    key: &RecoveryKey,
    workshop: &Workshop,
    now_ms: Millis,
) -> Result<PathBuf, RecoveryError> {
    let stem = key.stem()?;
    let io = |source| RecoveryError::Io {
        dir: dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let bytes = to_bytes(workshop)?;
    let copy = dir.join(format!("{stem}.parallax"));
    // The copy first, then the sidecar: a crash in between leaves a copy newer than its sidecar
    // says, never a sidecar pointing at nothing new.
    atomic::write(&copy, &bytes).map_err(|e| io(e.into()))?;
    let sidecar = Sidecar {
        format: SIDECAR_FORMAT.to_owned(),
        document: match key {
            RecoveryKey::Document(p) if p.to_str().is_some() => Some(p.clone()),
            _ => None,
        },
        document_bytes: match key {
            RecoveryKey::Document(p) if p.to_str().is_none() => {
                Some(p.as_os_str().as_encoded_bytes().to_vec())
            }
            _ => None,
        },
        untitled: match key {
            RecoveryKey::Untitled(id) => Some(id.clone()),
            RecoveryKey::Document(_) => None,
        },
        saved_at_ms: now_ms,
        title: workshop.title.clone(),
    };
    let json = serde_json::to_vec_pretty(&sidecar).map_err(|e| io(std::io::Error::other(e)))?;
    atomic::write(&dir.join(format!("{stem}.json")), &json).map_err(|e| io(e.into()))?;
    Ok(copy)
}

/// Every recovery copy in `dir` with its sidecar, newest first. Files that are not ours or are
/// damaged are skipped (a damaged copy is refused by `load` anyway).
pub fn list(dir: &Path) -> std::io::Result<Vec<RecoveryCopy>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut copies = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let Some(found) = read_sidecar(&path) else {
            continue;
        };
        copies.push(found);
    }
    copies.sort_by_key(|c| std::cmp::Reverse(c.saved_at_ms));
    Ok(copies)
}

/// A sidecar is a few hundred bytes; never read much of one that is not ours.
const MAX_SIDECAR_BYTES: u64 = 64 * 1024;

fn read_sidecar(path: &Path) -> Option<RecoveryCopy> {
    let bytes = read_bounded(path, MAX_SIDECAR_BYTES).ok()?;
    let sidecar: Sidecar = serde_json::from_slice(&bytes).ok()?;
    if sidecar.format != SIDECAR_FORMAT {
        return None;
    }
    let key = match (sidecar.document, sidecar.document_bytes, sidecar.untitled) {
        (Some(doc), None, None) => RecoveryKey::Document(doc),
        (None, Some(bytes), None) => RecoveryKey::Document(path_from_bytes(bytes)?),
        (None, None, Some(id)) => RecoveryKey::Untitled(id),
        _ => return None,
    };
    // The sidecar must be the one its key names (not a copy renamed by hand).
    let stem = key.stem().ok()?;
    if path.file_stem()?.to_str()? != stem {
        return None;
    }
    let copy = path.with_file_name(format!("{stem}.parallax"));
    copy.is_file().then_some(RecoveryCopy {
        key,
        copy,
        saved_at_ms: sidecar.saved_at_ms,
        title: sidecar.title,
    })
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

/// Elsewhere paths that are not UTF-8 are not written as bytes (see `write`), so none are read.
#[cfg(not(unix))]
fn path_from_bytes(_bytes: Vec<u8>) -> Option<PathBuf> {
    None
}

/// The copies worth offering at start: every untitled one, and each document's copy when the
/// document is gone or older than the copy and different from it.
pub fn pending(dir: &Path) -> std::io::Result<Vec<RecoveryCopy>> {
    Ok(list(dir)?.into_iter().filter(is_newer).collect())
}

fn is_newer(found: &RecoveryCopy) -> bool {
    let RecoveryKey::Document(doc) = &found.key else {
        return true;
    };
    let Ok(meta) = std::fs::metadata(doc) else {
        return true; // the document is gone: the copy is all there is
    };
    let doc_ms = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| Millis::try_from(d.as_millis()).ok())
        .unwrap_or(0);
    if doc_ms >= found.saved_at_ms {
        return false;
    }
    // Newer, but the same workshop (saved right after the copy was made): nothing to recover.
    match (
        read_bounded(doc, MAX_FILE_BYTES),
        read_bounded(&found.copy, MAX_FILE_BYTES),
    ) {
        (Ok(a), Ok(b)) => a != b,
        _ => true,
    }
}

/// Opens a recovery copy, with every check a document gets.
pub fn load(found: &RecoveryCopy) -> Result<Loaded, LoadError> {
    load_path(&found.copy)
}

/// Removes the recovery copy of `key` (after a save, or when the user discards it).
pub fn discard(dir: &Path, key: &RecoveryKey) -> Result<(), RecoveryError> {
    let stem = key.stem()?;
    // Sidecar first: a crash in between leaves a copy that is no longer listed.
    for name in [format!("{stem}.json"), format!("{stem}.parallax")] {
        match std::fs::remove_file(dir.join(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(RecoveryError::Io {
                    dir: dir.display().to_string(),
                    source: e,
                })
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    fn now_ms() -> Millis {
        // Tests may read the clock; the engine itself never does.
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as Millis)
            .unwrap_or(0)
    }

    #[test]
    fn an_untitled_workshop_is_recovered() {
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().join("recovery");
        let mut w = sample::workshop();
        w.title = "never saved".into();
        let key = RecoveryKey::Untitled("s-42".into());
        let copy = write(&dir, &key, &w, 1234).unwrap();
        assert_eq!(copy, dir.join("untitled-s-42.parallax"));
        let found = pending(&dir).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].key, key);
        assert_eq!(found[0].saved_at_ms, 1234);
        assert_eq!(found[0].title, "never saved");
        assert_eq!(load(&found[0]).unwrap().workshop, w);
        discard(&dir, &key).unwrap();
        assert!(list(&dir).unwrap().is_empty());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    }

    #[test]
    fn a_document_s_copy_is_offered_only_when_newer_and_different() {
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().join("recovery");
        let doc = data.path().join("w.parallax");
        let w = sample::workshop();
        crate::store::save_path(&doc, &w).unwrap();
        let key = RecoveryKey::Document(doc.clone());

        // Older than the document: not offered.
        write(&dir, &key, &w, 1).unwrap();
        assert_eq!(list(&dir).unwrap().len(), 1);
        assert!(pending(&dir).unwrap().is_empty());

        // Newer, but the same bytes as the document: not offered either.
        write(&dir, &key, &w, now_ms() + 60_000).unwrap();
        assert!(pending(&dir).unwrap().is_empty());

        // Newer and different: offered, keyed by the document.
        let mut edited = w.clone();
        edited.title = "edited after the last save".into();
        write(&dir, &key, &edited, now_ms() + 60_000).unwrap();
        let found = pending(&dir).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].key, key);
        assert_eq!(load(&found[0]).unwrap().workshop, edited);

        // The document is gone: offered.
        std::fs::remove_file(&doc).unwrap();
        write(&dir, &key, &edited, 2).unwrap();
        assert_eq!(pending(&dir).unwrap().len(), 1);
        discard(&dir, &key).unwrap();
        assert!(pending(&dir).unwrap().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_document_whose_path_is_not_utf8_is_recovered() {
        use std::os::unix::ffi::OsStrExt;
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().join("recovery");
        let doc = data
            .path()
            .join(std::ffi::OsStr::from_bytes(b"Workshop \xE9t\xE9.parallax"));
        let w = sample::workshop();
        crate::store::save_path(&doc, &w).unwrap();
        let mut edited = w.clone();
        edited.title = "edited".into();
        let key = RecoveryKey::Document(doc.clone());
        write(&dir, &key, &edited, now_ms() + 60_000).unwrap();
        let found = pending(&dir).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].key, key);
        assert_eq!(load(&found[0]).unwrap().workshop, edited);
    }

    #[test]
    fn keys_are_stable_and_safe() {
        let a = RecoveryKey::Document(PathBuf::from("/tmp/x/../x/w.parallax"));
        let b = RecoveryKey::Document(PathBuf::from("/tmp/x/../x/w.parallax"));
        assert_eq!(a.stem().unwrap(), b.stem().unwrap());
        assert!(a.stem().unwrap().starts_with("doc-"));
        for bad in ["", "../x", "a/b", &"x".repeat(65)] {
            assert!(
                RecoveryKey::Untitled(bad.to_owned()).stem().is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn damaged_or_foreign_sidecars_are_skipped() {
        let data = tempfile::tempdir().unwrap();
        let dir = data.path();
        std::fs::write(dir.join("junk.json"), b"{not json").unwrap();
        std::fs::write(dir.join("other.json"), br#"{"format":"x"}"#).unwrap();
        write(
            dir,
            &RecoveryKey::Untitled("a".into()),
            &sample::workshop(),
            5,
        )
        .unwrap();
        std::fs::remove_file(dir.join("untitled-a.parallax")).unwrap();
        assert!(list(dir).unwrap().is_empty());
    }
}
