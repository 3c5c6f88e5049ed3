//! The one way Parallax puts bytes into a file: documents, recovery copies and exports alike.
//! A new temporary file beside the target (`.NAME.XXXXXX`, created exclusively), the bytes,
//! fsync, rename over the target, fsync the folder. At every moment the target's name holds a
//! complete version, the old one or the new one.
//!
//! It must never write into a file that already exists (nor through a symbolic link: an
//! exclusive create refuses any name that is taken, links included), and never leave its
//! temporary file behind, except when the process is killed before the rename; such leftovers
//! are removed by a later write once they are a minute old.

use std::fs::Metadata;
use std::io::Write;
use std::path::Path;

/// A write that failed; `renamed` says whether the target already holds the new bytes (the
/// folder's fsync failed, so the system could not confirm they reached the disk). When false,
/// the target is as it was.
#[derive(Debug, thiserror::Error)]
#[error("{source}")]
pub struct WriteError {
    #[source]
    pub source: std::io::Error,
    pub renamed: bool,
}

impl From<WriteError> for std::io::Error {
    fn from(e: WriteError) -> Self {
        e.source
    }
}

fn before(source: std::io::Error) -> WriteError {
    WriteError {
        source,
        renamed: false,
    }
}

/// Replaces the file at `path` with `bytes`, atomically and durably. A file that was there
/// keeps its permissions (and owner, where the system allows). Returns what the new file is
/// (its modification time is part of a document's fingerprint).
pub fn write(path: &Path, bytes: &[u8]) -> Result<Metadata, WriteError> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(before(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is not a file path",
        )));
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let existing = std::fs::symlink_metadata(path)
        .ok()
        .filter(Metadata::is_file);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix("").rand_bytes(6);
    // A new file gets what `File::create` would give (the umask still applies), not the
    // owner-only mode of temporary files.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temp = builder.tempfile_in(dir).map_err(before)?;
    let file = temp.as_file_mut();
    if let Some(existing) = &existing {
        same_permissions(file, existing).map_err(before)?;
    }
    file.write_all(bytes).map_err(before)?;
    file.sync_all().map_err(before)?;
    let written = file.metadata().map_err(before)?;
    // On failure the temporary file comes back inside the error, whose drop removes it.
    temp.persist(path).map_err(|e| before(e.error))?;
    sync_folder(dir).map_err(|source| WriteError {
        source,
        renamed: true,
    })?;
    remove_leftovers(dir, &prefix);
    Ok(written)
}

/// Gives the new version the old file's permissions (and owner, where allowed).
#[cfg(unix)]
fn same_permissions(file: &std::fs::File, old: &Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    file.set_permissions(old.permissions())?;
    let mine = file.metadata()?;
    if (mine.uid(), mine.gid()) != (old.uid(), old.gid()) {
        // Only root may give a file away; anyone else keeps ownership, as a new file would.
        let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
    }
    Ok(())
}

#[cfg(not(unix))]
fn same_permissions(file: &std::fs::File, old: &Metadata) -> std::io::Result<()> {
    file.set_permissions(old.permissions())
}

#[cfg(unix)]
fn sync_folder(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_dir: &Path) -> std::io::Result<()> {
    // Folders cannot be opened for fsync here; the rename is as durable as the system makes it.
    Ok(())
}

/// Removes temporary files that a killed process left in `dir`: `prefix` and six letters or
/// digits, regular files only (never what a link points at), and only ones older than a minute
/// (so never the temporary file of a write running right now elsewhere).
fn remove_leftovers(dir: &Path, prefix: &std::ffi::OsStr) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = prefix.as_encoded_bytes();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let bytes = file_name.as_encoded_bytes();
        let is_leftover = bytes.len() == prefix.len() + 6
            && bytes.starts_with(prefix)
            && bytes[prefix.len()..].iter().all(u8::is_ascii_alphanumeric);
        if !is_leftover {
            continue;
        }
        // `DirEntry::metadata` does not follow a symbolic link.
        let old = entry.metadata().ok().filter(|m| m.is_file()).and_then(|m| {
            let age = m.modified().ok()?.elapsed().ok()?;
            Some(age.as_secs() >= 60)
        });
        if old == Some(true) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_replaces_the_file_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write(&path, b"one").unwrap();
        let meta = write(&path, b"two!").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two!");
        assert_eq!(meta.len(), 4);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn temporary_files_left_by_a_kill_are_cleaned_up() {
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
        write(&path, b"{}").unwrap();
        assert!(!old.exists(), "an old leftover is removed");
        assert!(
            young.exists(),
            "a temporary file of a write running elsewhere is not"
        );
        assert!(other.exists(), "names that are not ours are left alone");
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_gets_the_usual_permissions_and_an_old_one_keeps_its_own() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.parallax");
        write(&path, b"1").unwrap();
        let plain = std::fs::File::create(dir.path().join("plain")).unwrap();
        let mode = |m: Metadata| m.permissions().mode() & 0o777;
        assert_eq!(
            mode(std::fs::metadata(&path).unwrap()),
            mode(plain.metadata().unwrap())
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(&path, b"2").unwrap();
        assert_eq!(mode(std::fs::metadata(&path).unwrap()), 0o640);
    }
}
