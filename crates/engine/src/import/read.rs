//! From a path to the bytes of a CSV, without hanging or running out of memory: the descriptor
//! that was opened is checked (never the path, which can change in between), a FIFO cannot block
//! the open, and at most one byte past the limit is ever read. It must never follow up the read
//! with anything but the byte count check; what the bytes mean is the rest of `import`'s job.

use std::fs::OpenOptions;
use std::io::Read;
use std::path::Path;

use super::{ImportError, MAX_CSV_BYTES};

/// The file's bytes; a file that is not a regular file, cannot be read, or is larger than
/// [`MAX_CSV_BYTES`] is refused with a message naming it.
pub fn read_csv_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    let shown = path.display();
    let refuse = |problem: String| ImportError::whole(format!("{shown}: {problem}"));
    let mut open = OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    {
        // A FIFO opened for reading waits for a writer; non-blocking, the open returns at once
        // and the check below refuses it.
        use std::os::unix::fs::OpenOptionsExt;
        open.custom_flags(libc::O_NONBLOCK);
    }
    let file = open
        .open(path)
        .map_err(|e| refuse(format!("cannot read: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| refuse(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(refuse(
            "cannot read: not a regular file (a folder, device or pipe); choose a CSV file"
                .to_owned(),
        ));
    }
    let limit = u64::try_from(MAX_CSV_BYTES).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| refuse(format!("cannot read: {e}")))?;
    if bytes.len() > MAX_CSV_BYTES {
        return Err(refuse(format!(
            "the file is larger than {MAX_CSV_BYTES} bytes, the most Parallax imports"
        )));
    }
    Ok(bytes)
}
