//! What a file was when Parallax read or wrote it: size, modification time and a hash of its
//! bytes. Saving compares it with the file on disk to notice that someone else changed it.
//! The content decides: a file that was only touched (same bytes, new time) has not changed,
//! and a file rewritten with other bytes within the same clock tick has. It never reads a
//! file without a size bound.

use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

use super::MAX_FILE_BYTES;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub size: u64,
    /// The file's modification time, when there is a file (not for bytes from elsewhere).
    pub modified: Option<SystemTime>,
    /// XXH3-128 of the bytes. It only has to notice a change, not resist an attacker (whoever
    /// can write the file can change it anyway), and at ~10 GB/s it costs ~0.1 ms for a big
    /// workshop where SHA-256 cost over 1 ms on every load and twice on every save.
    pub hash: u128,
}

impl Fingerprint {
    pub fn of_bytes(bytes: &[u8], modified: Option<SystemTime>) -> Fingerprint {
        Fingerprint {
            size: bytes.len() as u64,
            modified,
            hash: xxhash_rust::xxh3::xxh3_128(bytes),
        }
    }

    /// Same bytes, whatever the times say.
    pub fn same_content(&self, other: &Fingerprint) -> bool {
        self.size == other.size && self.hash == other.hash
    }

    /// The hash as 32 hex digits, e.g. for logs.
    pub fn hex(&self) -> String {
        format!("{:032x}", self.hash)
    }
}

/// Reads a file whole, refusing (with `None` bytes) one larger than `MAX_FILE_BYTES`.
/// Returns Ok(None) when there is no file at `path`.
pub(crate) fn read_bounded(path: &Path) -> std::io::Result<Option<OnDisk>> {
    read_bounded_into(path, Vec::new())
}

/// `read_bounded` into `buffer`, whose memory is used again (a save reads the document each
/// time, and fresh memory cost more than the read itself).
pub(crate) fn read_bounded_into(path: &Path, buffer: Vec<u8>) -> std::io::Result<Option<OnDisk>> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    let modified = meta.modified().ok();
    if meta.len() > MAX_FILE_BYTES {
        return Ok(Some(OnDisk {
            bytes: None,
            size: meta.len(),
            modified,
        }));
    }
    let mut bytes = buffer;
    bytes.clear();
    bytes.reserve(usize::try_from(meta.len()).unwrap_or(0));
    // One byte past the limit, so that a file that grew after the size check is still caught.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Ok(Some(OnDisk {
            size: bytes.len() as u64,
            bytes: None,
            modified,
        }));
    }
    Ok(Some(OnDisk {
        size: bytes.len() as u64,
        bytes: Some(bytes),
        modified,
    }))
}

/// A file as read from disk; `bytes` is None when it is too large to read.
pub(crate) struct OnDisk {
    pub bytes: Option<Vec<u8>>,
    pub size: u64,
    pub modified: Option<SystemTime>,
}

impl OnDisk {
    /// None for a file too large to hash (it cannot be a workshop Parallax wrote).
    pub fn fingerprint(&self) -> Option<Fingerprint> {
        self.bytes
            .as_deref()
            .map(|b| Fingerprint::of_bytes(b, self.modified))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_not_time() {
        let a = Fingerprint::of_bytes(b"{\"a\": 1}", Some(SystemTime::UNIX_EPOCH));
        let touched = Fingerprint::of_bytes(b"{\"a\": 1}", Some(SystemTime::now()));
        let same_size = Fingerprint::of_bytes(b"{\"a\": 2}", Some(SystemTime::UNIX_EPOCH));
        assert!(a.same_content(&touched));
        assert!(!a.same_content(&same_size));
        assert_eq!(a.hex().len(), 32);
    }
}
