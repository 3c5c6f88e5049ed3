//! From a path to the bytes of a CSV, through the store's bounded read (`store::read_bounded`):
//! the opened descriptor is checked, a FIFO cannot block the open, and at most one byte past the
//! limit is read. It must never add a reading of its own; what the bytes mean is the rest of
//! `import`'s job.

use std::path::Path;

use super::{ImportError, MAX_CSV_BYTES};
use crate::store::{read_bounded, ReadError};

/// The file's bytes; a file that is not a regular file, cannot be read, or is larger than
/// [`MAX_CSV_BYTES`] is refused with a message naming it.
pub fn read_csv_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    let limit = u64::try_from(MAX_CSV_BYTES).unwrap_or(u64::MAX);
    read_bounded(path, limit).map_err(|e| {
        let problem = match e {
            ReadError::NotAFile(what) => {
                format!("cannot read: it is not a regular file but {what}; choose a CSV file")
            }
            ReadError::TooLarge { .. } => {
                format!("the file is larger than {MAX_CSV_BYTES} bytes, the most Parallax imports")
            }
            ReadError::Io(e) => format!("cannot read: {e}"),
        };
        ImportError::whole(format!("{}: {problem}", path.display()))
    })
}
