//! Reading a file a user chose (a document, a recovery copy, a CSV to import) into memory, with
//! a bound. The path may be a symbolic link the user picked, so it is followed; what is then
//! open is checked on its descriptor, not on the path, so that nothing can be swapped in between.
//!
//! It must never hang on a FIFO, never read a device, a folder or a socket, and never read more
//! than `max + 1` bytes, whatever the size the file claims or reaches while it is read.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("it is not a regular file but {0}")]
    NotAFile(&'static str),
    /// `size` is at least the file's size: a file that grew while it was read is not read on.
    #[error("the file is {size} bytes; at most {max} bytes are read")]
    TooLarge { size: u64, max: u64 },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl ReadError {
    /// True when there is no file at the path.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// The bytes of the regular file at `path` (a symbolic link is followed), at most `max` of them.
pub fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    read_with_metadata(path, max).map(|(bytes, _)| bytes)
}

/// `read_bounded`, with what the opened file's descriptor said about it (its modification time
/// goes into a fingerprint).
pub(crate) fn read_with_metadata(path: &Path, max: u64) -> Result<(Vec<u8>, Metadata), ReadError> {
    let file = open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(what(&meta)));
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            max,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // One byte past the limit tells a file that grew after the size check from one that did not.
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    let size = bytes.len() as u64;
    if size > max {
        return Err(ReadError::TooLarge { size, max });
    }
    Ok((bytes, meta))
}

/// Opens for reading. Opening a FIFO for reading waits for a writer, so it is opened without
/// waiting (`O_NONBLOCK`) and then refused; the flag changes nothing for a regular file.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

/// What a file that is not a regular file is, for the message.
fn what(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "something else"
    }
}
