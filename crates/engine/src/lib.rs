//! parallax-engine: everything a Parallax workshop is and does — the model, the edits that change
//! it, the analysis of where perspectives disagree, and the `.parallax` file format.
//!
//! It must never know about a window: no Tauri, no webview, no dialogs, no clock of its own
//! (the caller passes the time in), so that all of it is tested fast and headless.

pub mod aggregate;
pub mod analysis;
pub mod answer;
pub mod change;
pub mod document;
pub mod edit;
pub mod export;
pub mod import;
pub mod level;
pub mod matrix;
pub mod mitigation;
pub mod participant;
pub mod perspective;
pub mod placement;
pub mod round;
pub mod sample;
pub mod store;
pub mod validate;
pub mod view;
pub mod workshop;

pub use answer::Answer;
pub use change::{Change, ChangeId, ChangeType};
pub use document::{Document, DocumentStatus};
pub use edit::{Edit, EditError};
pub use level::{Axis, Level};
pub use matrix::{Band, Matrix, ReferenceChange, Template};
pub use mitigation::{Mitigation, MitigationId};
pub use participant::{Participant, ParticipantId, MAX_NAME_CHARS, MAX_PARTICIPANTS};
pub use perspective::{Perspective, PerspectiveId};
pub use placement::{Cell, Placement, Spread};
pub use round::{
    ParticipantView, PerspectiveName, RevealedPlacement, RoomPerson, RoomProgress, Round,
    RoundChange,
};
pub use store::{LoadError, Loaded, SaveError};
pub use validate::ValidationError;
pub use view::{Progress, Viewer};
pub use workshop::{Phase, Workshop};

/// Milliseconds since the Unix epoch. The engine never reads the clock: callers stamp edits.
pub type Millis = i64;
