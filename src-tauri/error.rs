//! The one shape an error takes when it crosses IPC: `{ code, message }`. The message is for a
//! person and says what is wrong and where; the code is for the UI to branch on. It never carries
//! a backtrace or a Rust type name.

use parallax_engine::{EditError, LoadError, SaveError};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The edit was refused; the workshop is unchanged.
    InvalidEdit,
    /// A file could not be opened as a workshop.
    CannotOpen,
    /// The workshop could not be written; the file on disk is unchanged.
    CannotSave,
    /// A request the UI should not have made (an unknown perspective, say); nothing changed.
    BadRequest,
    /// The app is in a state it should never be in.
    Internal,
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CommandError {
            code,
            message: message.into(),
        }
    }
}

impl From<EditError> for CommandError {
    fn from(e: EditError) -> Self {
        CommandError::new(ErrorCode::InvalidEdit, e.to_string())
    }
}

impl From<SaveError> for CommandError {
    fn from(e: SaveError) -> Self {
        CommandError::new(ErrorCode::CannotSave, e.to_string())
    }
}

impl From<LoadError> for CommandError {
    fn from(e: LoadError) -> Self {
        CommandError::new(ErrorCode::CannotOpen, e.to_string())
    }
}
