//! Writing a `.parallax` file so that no crash, full disk or second writer loses a workshop.
//!
//! Order of a save, and why:
//! 1. serialize and validate (an invalid workshop never reaches the disk);
//! 2. read what is on disk now: refuse if it is not what the caller expects (changed by someone
//!    else since it was opened) or if a newer Parallax wrote it (never overwritten);
//! 3. keep the file that is there as `NAME.parallax.bak`: a hard link made under a temporary name
//!    and renamed over the old `.bak` (no bytes copied; a copy only where links are unsupported);
//! 4. write the new bytes with atomic-write-file: a temporary file in the same folder, fsync
//!    (fdatasync again after linking it on Linux), rename over the document, fsync the folder —
//!    checked in its source (0.3.1: `_commit` calls `sync_all`, then `rename_file` does
//!    `renameat` + `fsync(dir)`).
//!
//! At every moment the document's name points at a complete version, old or new: step 4 is a
//! rename of a file already on disk. The `.bak` rename of step 3 is made durable by the folder
//! fsync of step 4 (one fsync for both, which keeps a save near the cost of a plain write); should
//! a crash come between them, the document still holds the old version, so nothing is lost.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::Deserializer as _;

use super::fingerprint::{read_bounded, Fingerprint, OnDisk};
use super::{to_bytes, SaveError, FORMAT, SCHEMA_VERSION};
use crate::Workshop;

/// What the caller believes is at the path it saves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// The document's own file, still as it was loaded or last saved (`Loaded::fingerprint`,
    /// `Saved::fingerprint`). Anything else there — other bytes, or no file at all — is refused
    /// with `SaveError::ChangedOnDisk`, and the shell asks the user.
    Unchanged(Fingerprint),
    /// Whatever is there may be replaced: a path the user picked with Save As (the dialog asked
    /// about replacing), or "overwrite anyway" after `ChangedOnDisk`. Even so, a file written by
    /// a newer Parallax is never replaced.
    Anything,
}

/// A successful save.
#[derive(Debug, Clone)]
pub struct Saved {
    /// What the file is now: expect it at the next save.
    pub fingerprint: Fingerprint,
    /// Where the previous version was kept, when there was one.
    pub backup: Option<PathBuf>,
}

/// `NAME.parallax` → `NAME.parallax.bak`, beside it.
pub fn backup_path_for(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let mut bak = name.to_os_string();
    bak.push(".bak");
    Some(path.with_file_name(bak))
}

/// Validates and saves `workshop` to `path` (see the module notes for the guarantees).
pub fn save(path: &Path, workshop: &Workshop, expect: &Expect) -> Result<Saved, SaveError> {
    let bytes = to_bytes(workshop)?;
    save_bytes(path, &bytes, expect)
}

/// Saves over whatever is at `path` (`Expect::Anything`), keeping it as `.bak`.
pub fn save_path(path: &Path, workshop: &Workshop) -> Result<(), SaveError> {
    save(path, workshop, &Expect::Anything).map(|_| ())
}

fn io_error(path: &Path, kept: bool) -> impl FnOnce(std::io::Error) -> SaveError + '_ {
    move |source| SaveError::Io {
        path: path.display().to_string(),
        source,
        kept,
    }
}

pub(crate) fn save_bytes(path: &Path, bytes: &[u8], expect: &Expect) -> Result<Saved, SaveError> {
    let Some(backup) = backup_path_for(path) else {
        return Err(SaveError::NotAFilePath(path.to_owned()));
    };
    let on_disk = read_bounded(path).map_err(io_error(path, true))?;
    if let Expect::Unchanged(expected) = expect {
        let what = match &on_disk {
            None => Some("it was deleted or moved"),
            Some(d) => match d.fingerprint() {
                Some(now) if now.same_content(expected) => None,
                _ => Some("its content is different"),
            },
        };
        if let Some(what) = what {
            return Err(SaveError::ChangedOnDisk {
                path: path.display().to_string(),
                what: what.to_owned(),
                now: on_disk.as_ref().and_then(OnDisk::fingerprint),
            });
        }
    }
    if let Some(version) = on_disk.as_ref().and_then(newer_version) {
        return Err(SaveError::NewerVersion {
            path: path.display().to_string(),
            version,
        });
    }
    let backup = match &on_disk {
        Some(d) => {
            keep_backup(path, &backup, d.bytes.as_deref()).map_err(|e| SaveError::Io {
                path: path.display().to_string(),
                source: std::io::Error::new(
                    e.kind(),
                    format!(
                        "could not keep the previous version as {}: {e}",
                        backup.display()
                    ),
                ),
                kept: true,
            })?;
            Some(backup)
        }
        None => None,
    };
    if let Err(source) = write_atomically(path, bytes) {
        // The rename may have happened before the folder fsync failed: look, don't guess.
        let written = matches!(
            read_bounded(path).ok().flatten().and_then(|d| d.bytes),
            Some(now) if now == bytes
        );
        return Err(SaveError::Io {
            path: path.display().to_string(),
            source,
            kept: !written,
        });
    }
    remove_leftovers(path);
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    Ok(Saved {
        fingerprint: Fingerprint::of_bytes(bytes, modified),
        backup,
    })
}

/// Temporary file in the same folder, write, fsync, rename over `path`, fsync the folder.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = atomic_write_file::AtomicWriteFile::open(path)?;
    file.write_all(bytes)?;
    // Dropping `file` on an error above discards the temporary file.
    file.commit()
}

/// Removes temporary files that a crash left beside `path`. atomic-write-file links its fsynced
/// temporary file as `.NAME.XXXXXX` (six letters or digits) just before the rename; a process
/// killed in between leaves it there. Only such names, only regular files, and only ones older
/// than a minute (so never the temporary file of a save that is running right now elsewhere).
fn remove_leftovers(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut prefix = b".".to_vec();
    prefix.extend_from_slice(name.as_encoded_bytes());
    prefix.push(b'.');
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let bytes = file_name.as_encoded_bytes();
        let is_leftover = bytes.len() == prefix.len() + 6
            && bytes.starts_with(&prefix)
            && bytes[prefix.len()..].iter().all(u8::is_ascii_alphanumeric);
        if !is_leftover {
            continue;
        }
        let old = entry.metadata().ok().filter(|m| m.is_file()).and_then(|m| {
            m.modified()
                .ok()?
                .elapsed()
                .ok()
                .map(|age| age.as_secs() >= 60)
        });
        if old == Some(true) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The `schema_version` of a Parallax file newer than this one, if the bytes are such a file.
/// Parallax writes `format` and `schema_version` first, so reading stops right after them; a
/// file with them elsewhere is still read to its end.
fn newer_version(on_disk: &OnDisk) -> Option<u64> {
    let bytes = on_disk.bytes.as_deref()?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let found = std::cell::Cell::new((false, None));
    let mut de = serde_json::Deserializer::from_slice(bytes);
    // Stopping early makes serde_json complain about the rest of the object: what was found
    // before that is all that is wanted.
    let _ = de.deserialize_map(HeaderVisitor { found: &found });
    let (is_parallax, version) = found.get();
    version.filter(|v| is_parallax && *v > SCHEMA_VERSION)
}

struct HeaderVisitor<'a> {
    found: &'a std::cell::Cell<(bool, Option<u64>)>,
}

impl<'de> Visitor<'de> for HeaderVisitor<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a Parallax file")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (mut format, mut version) = (None, None);
        while let Some(key) = map.next_key::<std::borrow::Cow<str>>()? {
            match key.as_ref() {
                "format" => format = Some(map.next_value::<std::borrow::Cow<str>>()?),
                "schema_version" => version = Some(map.next_value::<u64>()?),
                _ => map.next_value::<IgnoredAny>().map(|_| ())?,
            }
            if let (Some(f), Some(v)) = (&format, version) {
                self.found.set((f == FORMAT, Some(v)));
                return Ok(());
            }
        }
        Ok(())
    }
}

/// Makes `backup` hold what `path` holds now, replacing an older backup atomically.
fn keep_backup(path: &Path, backup: &Path, bytes: Option<&[u8]>) -> std::io::Result<()> {
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(backup.file_name().unwrap_or_default());
    temp_name.push("-new");
    let temp = backup.with_file_name(temp_name);
    // A crash may have left one behind; it is only ever a link to an old version.
    match std::fs::remove_file(&temp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    match std::fs::hard_link(path, &temp) {
        Ok(()) => std::fs::rename(&temp, backup),
        Err(link_error) => {
            // No hard links on this file system (FAT, some network shares): copy the bytes
            // with the same atomic, durable write as the document itself.
            let Some(bytes) = bytes else {
                return Err(link_error);
            };
            write_atomically(backup, bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    #[test]
    fn the_previous_version_is_kept_as_bak() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.parallax");
        let mut w = sample::workshop();
        let first = save(&path, &w, &Expect::Anything).unwrap();
        assert_eq!(first.backup, None);
        let v1 = std::fs::read(&path).unwrap();
        w.title = "second".into();
        let second = save(&path, &w, &Expect::Unchanged(first.fingerprint)).unwrap();
        let bak = dir.path().join("w.parallax.bak");
        assert_eq!(second.backup.as_deref(), Some(bak.as_path()));
        assert_eq!(std::fs::read(&bak).unwrap(), v1);
        w.title = "third".into();
        save(&path, &w, &Expect::Unchanged(second.fingerprint)).unwrap();
        assert_eq!(
            crate::store::load_path(&bak).unwrap().workshop.title,
            "second"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "no temporary files are left: {names:?}");
    }

    #[test]
    fn a_file_changed_on_disk_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.parallax");
        let w = sample::workshop();
        let saved = save(&path, &w, &Expect::Anything).unwrap();
        let mut theirs = w.clone();
        theirs.title = "theirs".into();
        std::fs::write(&path, to_bytes(&theirs).unwrap()).unwrap();
        let err = save(&path, &w, &Expect::Unchanged(saved.fingerprint.clone())).unwrap_err();
        assert!(
            matches!(&err, SaveError::ChangedOnDisk { now: Some(_), .. }),
            "{err}"
        );
        assert!(err
            .to_string()
            .contains("changed on disk since it was opened"));
        assert_eq!(
            crate::store::load_path(&path).unwrap().workshop.title,
            "theirs"
        );
        // Touched but not changed: not a conflict.
        std::fs::write(&path, to_bytes(&w).unwrap()).unwrap();
        let again = save(&path, &w, &Expect::Unchanged(saved.fingerprint.clone())).unwrap();
        // Deleted: a conflict too, until the user says to write anyway.
        std::fs::remove_file(&path).unwrap();
        let err = save(&path, &w, &Expect::Unchanged(again.fingerprint)).unwrap_err();
        assert!(matches!(err, SaveError::ChangedOnDisk { now: None, .. }));
        save(&path, &w, &Expect::Anything).unwrap();
        assert!(path.exists());
    }

    #[test]
    fn a_newer_version_file_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.parallax");
        let w = sample::workshop();
        let mut v: serde_json::Value = serde_json::from_slice(&to_bytes(&w).unwrap()).unwrap();
        v["schema_version"] = serde_json::json!(SCHEMA_VERSION + 1);
        let bytes = serde_json::to_vec(&v).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        let loaded = crate::store::load_path(&path).unwrap();
        assert!(loaded.read_only.is_some());
        for expect in [
            Expect::Unchanged(loaded.fingerprint.clone()),
            Expect::Anything,
        ] {
            let err = save(&path, &loaded.workshop, &expect).unwrap_err();
            assert!(
                matches!(err, SaveError::NewerVersion { version: 2, .. }),
                "{err}"
            );
        }
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        assert!(!dir.path().join("new.parallax.bak").exists());
        // Save As elsewhere works.
        save(
            &dir.path().join("copy.parallax"),
            &loaded.workshop,
            &Expect::Anything,
        )
        .unwrap();
    }

    #[test]
    fn temporary_files_left_by_a_crash_are_cleaned_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.parallax");
        let old = dir.path().join(".w.parallax.Ab12Cd");
        let young = dir.path().join(".w.parallax.Zz99Yy");
        let other = dir.path().join(".w.parallax.notours");
        for p in [&old, &young, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for p in [&old, &other] {
            std::fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(an_hour_ago)
                .unwrap();
        }
        save_path(&path, &sample::workshop()).unwrap();
        assert!(!old.exists(), "an old leftover is removed");
        assert!(
            young.exists(),
            "a temporary file of a save running elsewhere is not"
        );
        assert!(
            other.exists(),
            "names that are not atomic-write-file's are left alone"
        );
    }

    #[test]
    fn an_invalid_workshop_is_not_saved() {
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
}
