//! The lock beside a document, `.NAME.parallax.lock`, that keeps a second instance (or window)
//! from editing the same file: it opens read-only and can say who holds the lock (pid, host,
//! user, since when). Dropping the `LockGuard` removes the lock.
//!
//! How a live holder is told from a crashed one: the holder keeps an OS lock (`flock` on Unix,
//! `LockFileEx` on Windows, through `std::fs::File::try_lock`, stable since Rust 1.89, so no
//! crate is needed) on the lock file for as long as it lives. The OS drops it when the process
//! dies, however it dies, so a lock file whose OS lock is free is stale and is taken over, and
//! a recycled pid cannot fool it. Where the file system has no OS locks, the file's contents
//! decide: a holder on this host whose pid is dead is stale; one on another host is respected.
//!
//! The lock file sits in a folder others may write to, so anyone there can plant something under
//! its name. It is opened without following a symbolic link (`O_NOFOLLOW`) and without waiting
//! on a FIFO, and the opened descriptor must be a regular file with no other name (a hard link
//! to someone's file has two) before a byte is written into it.
//! It must never take a lock that a live process holds, never delete someone else's lock, and
//! never write into anything but a lock file of its own.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Millis;

/// Who holds a lock; written into the lock file as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    pub pid: u32,
    pub host: String,
    pub user: String,
    /// When the lock was taken (ms since the Unix epoch, stamped by the caller).
    pub since_ms: Millis,
}

impl LockHolder {
    /// This process, now.
    pub fn me(now_ms: Millis) -> LockHolder {
        LockHolder {
            pid: std::process::id(),
            host: host_name(),
            user: user_name(),
            since_ms: now_ms,
        }
    }
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} on {} (process {})", self.user, self.host, self.pid)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Someone else is editing the document; open it read-only. `by` is None when the lock file
    /// cannot be read (it is being written at this very moment, or is not ours).
    #[error("{document} is already open for editing{}", match by {
        Some(h) => format!(" by {h}"),
        None => String::new(),
    })]
    Held {
        document: String,
        by: Option<LockHolder>,
    },
    /// Something else sits under the lock file's name: left alone, and the document is not
    /// locked (the shell opens it read-only).
    #[error(
        "cannot lock {document}: {lock} is {what}, not a lock file; it was left as it is \
         (remove it if nobody should have put it there)"
    )]
    NotALockFile {
        document: String,
        lock: String,
        what: &'static str,
    },
    #[error("cannot lock {document}: {source}")]
    Io {
        document: String,
        #[source]
        source: std::io::Error,
    },
}

/// The lock of an open document; dropping it removes the lock file.
#[derive(Debug)]
pub struct LockGuard {
    path: PathBuf,
    file: File,
    holder: LockHolder,
    took_over: Option<LockHolder>,
}

impl LockGuard {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn holder(&self) -> &LockHolder {
        &self.holder
    }

    /// The crashed holder whose stale lock was taken over, if there was one.
    pub fn took_over(&self) -> Option<&LockHolder> {
        self.took_over.as_ref()
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        // Remove the file while still holding the OS lock, and only if it is still ours.
        if is_same_file(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// `dir/NAME.parallax` → `dir/.NAME.parallax.lock`.
pub fn lock_path_for(document: &Path) -> Option<PathBuf> {
    let name = document.file_name()?;
    let mut lock = std::ffi::OsString::from(".");
    lock.push(name);
    lock.push(".lock");
    Some(document.with_file_name(lock))
}

/// Takes the lock of `document` for this process, or says who holds it.
pub fn acquire(document: &Path, now_ms: Millis) -> Result<LockGuard, LockError> {
    let io = |source| LockError::Io {
        document: document.display().to_string(),
        source,
    };
    let Some(path) = lock_path_for(&super::follow_symlinks(document)) else {
        return Err(io(std::io::Error::other("it is not a file path")));
    };
    let me = LockHolder::me(now_ms);
    // A holder that is releasing may delete the file between our open and our lock: retry then.
    let not_a_lock_file = |what| LockError::NotALockFile {
        document: document.display().to_string(),
        lock: path.display().to_string(),
        what,
    };
    for _ in 0..16 {
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        let mut file = match open_no_follow(&mut options, &path) {
            Ok(file) => file,
            Err(e) if is_symlink_refusal(&e) => return Err(not_a_lock_file("a symbolic link")),
            Err(e) => return Err(io(e)),
        };
        if let Some(what) = not_plain(&file).map_err(io)? {
            return Err(not_a_lock_file(what));
        }
        match file.try_lock() {
            Ok(()) => {
                if !is_same_file(&file, &path) {
                    continue;
                }
            }
            Err(TryLockError::WouldBlock) => {
                return Err(LockError::Held {
                    document: document.display().to_string(),
                    by: read_holder(&mut file),
                })
            }
            Err(TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
                // No OS locks here: the contents decide.
                if let Some(holder) = read_holder(&mut file) {
                    if holder.pid != me.pid && (holder.host != me.host || pid_alive(holder.pid)) {
                        return Err(LockError::Held {
                            document: document.display().to_string(),
                            by: Some(holder),
                        });
                    }
                }
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        let took_over = read_holder(&mut file);
        let json = serde_json::to_vec(&me).map_err(|e| io(std::io::Error::other(e)))?;
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        file.write_all(&json).map_err(io)?;
        return Ok(LockGuard {
            path,
            file,
            holder: me,
            took_over,
        });
    }
    Err(io(std::io::Error::other(
        "the lock file keeps disappearing; try again",
    )))
}

/// Reads who holds a lock, without taking it (e.g. to show it beside a read-only document).
pub fn holder_of(document: &Path) -> Option<LockHolder> {
    let mut options = OpenOptions::new();
    options.read(true);
    let mut file = open_no_follow(&mut options, &lock_path_for(document)?).ok()?;
    if not_plain(&file).ok()?.is_some() {
        return None;
    }
    read_holder(&mut file)
}

/// Opens without following a symbolic link at `path` and without waiting for a FIFO's other end.
#[cfg(unix)]
fn open_no_follow(options: &mut OpenOptions, path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    options
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .mode(0o644)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(options: &mut OpenOptions, path: &Path) -> std::io::Result<File> {
    options.open(path)
}

/// Linux says ELOOP when `O_NOFOLLOW` meets a link; FreeBSD and others say EMLINK.
#[cfg(unix)]
fn is_symlink_refusal(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ELOOP) | Some(libc::EMLINK))
}

#[cfg(not(unix))]
fn is_symlink_refusal(_e: &std::io::Error) -> bool {
    false
}

/// What the opened file is when it is not a plain file of its own (checked on the descriptor,
/// so nothing can be swapped in after the check).
fn not_plain(file: &File) -> std::io::Result<Option<&'static str>> {
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(Some("not a regular file"));
    }
    #[cfg(unix)]
    if std::os::unix::fs::MetadataExt::nlink(&meta) != 1 {
        return Ok(Some("a second name of another file (a hard link)"));
    }
    Ok(None)
}

fn read_holder(file: &mut File) -> Option<LockHolder> {
    let mut bytes = Vec::new();
    file.rewind().ok()?;
    // A lock file is tiny; never read much of one that is not ours.
    file.take(4096).read_to_end(&mut bytes).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(unix)]
fn is_same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_same_file(_file: &File, path: &Path) -> bool {
    // Windows does not let an open file be deleted, so the path still names our file.
    path.exists()
}

/// Whether a process with this pid is running on this host.
#[cfg(unix)]
pub fn pid_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false; // 0 and negatives address process groups, never a holder
    }
    // SAFETY: kill with signal 0 sends nothing; it only checks that the process exists.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
pub fn pid_alive(_pid: u32) -> bool {
    true // cannot tell: treat the holder as alive
}

#[cfg(unix)]
fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that much.
    let result = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if result != 0 {
        return "unknown host".to_owned();
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

#[cfg(not(unix))]
fn host_name() -> String {
    std::env::var("COMPUTERNAME").unwrap_or_else(|_| "unknown host".to_owned())
}

fn user_name() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "someone".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_acquire_is_refused_and_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("w.parallax");
        let guard = acquire(&doc, 1_000).unwrap();
        let lock = dir.path().join(".w.parallax.lock");
        assert_eq!(guard.path(), lock);
        assert!(guard.took_over().is_none());
        match acquire(&doc, 2_000) {
            Err(LockError::Held { by: Some(by), .. }) => {
                assert_eq!(by, LockHolder::me(1_000));
            }
            other => panic!("expected Held, got {other:?}"),
        }
        assert_eq!(holder_of(&doc), Some(LockHolder::me(1_000)));
        drop(guard);
        assert!(!lock.exists(), "dropping the guard removes the lock");
        let again = acquire(&doc, 3_000).unwrap();
        assert_eq!(again.holder().since_ms, 3_000);
    }

    #[test]
    fn a_lock_left_by_a_dead_process_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("w.parallax");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        assert!(!pid_alive(dead));
        let crashed = LockHolder {
            pid: dead,
            host: host_name(),
            user: "alice".into(),
            since_ms: 5,
        };
        std::fs::write(
            lock_path_for(&doc).unwrap(),
            serde_json::to_vec(&crashed).unwrap(),
        )
        .unwrap();
        let guard = acquire(&doc, 9).unwrap();
        assert_eq!(guard.took_over(), Some(&crashed));
        assert_eq!(holder_of(&doc), Some(LockHolder::me(9)));
    }

    #[test]
    fn pids_are_checked_for_life() {
        assert!(pid_alive(std::process::id()));
        assert!(!pid_alive(0));
        assert!(!pid_alive(u32::MAX));
    }

    #[cfg(unix)]
    #[test]
    fn two_names_of_one_document_share_its_lock() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("w.parallax");
        std::fs::write(&doc, b"{}").unwrap();
        let link = dir.path().join("link.parallax");
        std::os::unix::fs::symlink(&doc, &link).unwrap();
        let _guard = acquire(&doc, 1_000).unwrap();
        assert!(matches!(acquire(&link, 2_000), Err(LockError::Held { .. })));
    }
}
