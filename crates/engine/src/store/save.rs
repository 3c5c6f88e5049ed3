//! Saving a workshop to its `.parallax` file so that no crash, full disk or second writer loses
//! it. In order, and why:
//! 1. validate and lay out the bytes: an invalid workshop never reaches the disk;
//! 2. read what is on disk now (bounded): refuse if it is not what the caller expects (changed
//!    by someone else since it was opened) or if a newer Parallax wrote it;
//! 3. keep that file as `NAME.parallax.bak`: a hard link made under `.NAME.parallax.bak-new` and
//!    renamed over the old `.bak` (no bytes copied or rewritten; a copy only where the file
//!    system has no hard links);
//! 4. write the new bytes with `atomic::write` (temporary file, fsync, rename, fsync the folder).
//!
//! At every moment the document's name holds a complete version, old or new, and so does the
//! `.bak`'s. A save that fails after step 3 leaves the document as it was, with a `.bak` equal
//! to it. It must never write into an existing file (the `.bak` is a second name of the old
//! version, never rewritten), never follow a link it did not get from the user, and needs
//! nothing but the workshop it is given, so that it can run on another thread.

use std::path::{Path, PathBuf};

use super::fingerprint::Fingerprint;
use super::load::peek_header;
use super::read::{read_with_metadata, ReadError};
use super::{atomic, to_bytes, SaveError, MAX_FILE_BYTES, SCHEMA_VERSION};
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
    let path = &super::follow_symlinks(path);
    let Some(backup) = backup_path_for(path) else {
        return Err(SaveError::NotAFilePath(path.to_owned()));
    };
    let bytes = to_bytes(workshop)?;
    let on_disk = look_before_saving(path, expect)?;
    let had_file = !matches!(on_disk, OnDisk::Nothing);
    if had_file {
        keep_backup(path, &backup, &on_disk).map_err(|e| SaveError::Io {
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
    }
    let written = atomic::write(path, &bytes).map_err(|e| SaveError::Io {
        path: path.display().to_string(),
        kept: !e.renamed,
        source: e.source,
    })?;
    Ok(Saved {
        fingerprint: Fingerprint::of_bytes(&bytes, written.modified().ok()),
        backup: had_file.then_some(backup),
    })
}

/// Saves over whatever is at `path` (`Expect::Anything`), keeping it as `.bak`.
pub fn save_path(path: &Path, workshop: &Workshop) -> Result<(), SaveError> {
    save(path, workshop, &Expect::Anything).map(|_| ())
}

/// What is at the path before a save.
enum OnDisk {
    Nothing,
    /// A file too large to read: it cannot be a workshop.
    TooLarge,
    File(Vec<u8>),
}

/// Reads what is at `path` now and refuses to go on when the caller's expectation does not hold
/// or a newer Parallax wrote the file.
fn look_before_saving(path: &Path, expect: &Expect) -> Result<OnDisk, SaveError> {
    let (on_disk, now) = match read_with_metadata(path, MAX_FILE_BYTES) {
        Ok((bytes, meta)) => {
            let now = Fingerprint::of_bytes(&bytes, meta.modified().ok());
            (OnDisk::File(bytes), Some(now))
        }
        Err(e) if e.is_not_found() => (OnDisk::Nothing, None),
        Err(ReadError::TooLarge { .. }) => (OnDisk::TooLarge, None),
        Err(e) => {
            return Err(SaveError::Io {
                path: path.display().to_string(),
                source: match e {
                    ReadError::Io(e) => e,
                    other => std::io::Error::other(other.to_string()),
                },
                kept: true,
            })
        }
    };
    if let Expect::Unchanged(expected) = expect {
        let what = match (&on_disk, &now) {
            (OnDisk::Nothing, _) => Some("it was deleted or moved"),
            (_, Some(now)) if now.same_content(expected) => None,
            _ => Some("its content is different"),
        };
        if let Some(what) = what {
            return Err(SaveError::ChangedOnDisk {
                path: path.display().to_string(),
                what: what.to_owned(),
                now,
            });
        }
    }
    if let OnDisk::File(bytes) = &on_disk {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if let (true, Some(version)) = peek_header(bytes) {
            if version > SCHEMA_VERSION {
                return Err(SaveError::NewerVersion {
                    path: path.display().to_string(),
                    version,
                });
            }
        }
    }
    Ok(on_disk)
}

/// Makes `backup` a second name of the file at `path`, replacing an older backup atomically.
/// `link` and `rename` act on names and never follow a symbolic link at either end, so nothing
/// planted under these names can redirect them to another file.
fn keep_backup(path: &Path, backup: &Path, on_disk: &OnDisk) -> std::io::Result<()> {
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(backup.file_name().unwrap_or_default());
    temp_name.push("-new");
    let temp = backup.with_file_name(temp_name);
    // A crash may have left one behind; removing a name never touches what a link points at.
    match std::fs::remove_file(&temp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    match std::fs::hard_link(path, &temp) {
        Ok(()) => std::fs::rename(&temp, backup),
        Err(link_error) => {
            // No hard links on this file system (FAT, some network shares): copy the bytes
            // with the same atomic, durable write as the document itself.
            let OnDisk::File(bytes) = on_disk else {
                return Err(link_error);
            };
            atomic::write(backup, bytes).map(|_| ()).map_err(Into::into)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;
    use crate::store::to_bytes;
    use crate::store::SaveError;

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
                matches!(err, SaveError::NewerVersion { version, .. } if version == SCHEMA_VERSION + 1),
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
    fn an_invalid_workshop_is_not_saved() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.parallax");
        let w = sample::workshop();
        save(&path, &w, &Expect::Anything).unwrap();
        let before = std::fs::read(&path).unwrap();
        let mut broken = w.clone();
        broken.changes[0].title.clear();
        assert!(matches!(
            save(&path, &broken, &Expect::Anything),
            Err(SaveError::Invalid(_))
        ));
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_document_stays_a_link_to_the_new_version() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("shared").join("w.parallax");
        std::fs::create_dir(real.parent().unwrap()).unwrap();
        let link = dir.path().join("w.parallax");
        let mut w = sample::workshop();
        save_path(&real, &w).unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        w.title = "through the link".into();
        save_path(&link, &w).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            crate::store::load_path(&real).unwrap().workshop.title,
            "through the link"
        );
        assert!(real.with_file_name("w.parallax.bak").exists());
    }

    #[test]
    fn a_backup_with_another_link_is_never_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.parallax");
        let mut w = sample::workshop();
        for title in ["one", "two"] {
            w.title = title.into();
            save_path(&path, &w).unwrap();
        }
        // Someone keeps the backup ("one") under a name of their own.
        let theirs = dir.path().join("kept-by-hand.parallax");
        std::fs::hard_link(dir.path().join("w.parallax.bak"), &theirs).unwrap();
        let kept = std::fs::read(&theirs).unwrap();
        for title in ["three", "four"] {
            w.title = title.into();
            save_path(&path, &w).unwrap();
        }
        assert_eq!(std::fs::read(&theirs).unwrap(), kept);
        let title = |p: &Path| crate::store::load_path(p).unwrap().workshop.title;
        assert_eq!(title(&path), "four");
        assert_eq!(title(&dir.path().join("w.parallax.bak")), "three");
    }

    #[test]
    fn a_shorter_version_after_a_longer_one_is_exactly_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.parallax");
        let mut w = sample::workshop();
        let short = w.clone();
        w.title = "a much longer title ".repeat(20);
        save(&path, &w, &Expect::Anything).unwrap();
        save(&path, &short, &Expect::Anything).unwrap();
        // The next save writes over the file the long version was in.
        save(&path, &short, &Expect::Anything).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), to_bytes(&short).unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn the_document_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.parallax");
        let w = sample::workshop();
        save_path(&path, &w).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        for _ in 0..3 {
            save_path(&path, &w).unwrap();
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn save_writes_the_bytes_to_bytes_makes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.parallax");
        let w = sample::workshop();
        let saved = save(&path, &w, &Expect::Anything).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes, to_bytes(&w).unwrap());
        assert!(saved
            .fingerprint
            .same_content(&Fingerprint::of_bytes(&bytes, None)));
    }
}
