//! What a file was when Parallax read or wrote it: size, modification time and a hash of its
//! bytes. Saving compares it with the file on disk to notice that someone else changed it.
//! The content decides: a file that was only touched (same bytes, new time) has not changed,
//! and a file rewritten with other bytes within the same clock tick has. It never reads a
//! file itself: it is made from bytes already read (bounded, by `read`).

use std::time::SystemTime;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub size: u64,
    /// The file's modification time, when there is a file (not for bytes from elsewhere).
    pub modified: Option<SystemTime>,
    /// XXH3-128 of the bytes. It only has to notice a change, not resist an attacker (whoever
    /// can write the file can change it anyway), so a fast non-cryptographic hash will do.
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
