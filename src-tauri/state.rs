//! The app's state: the open document, where it lives on disk, and whether it may be written.
//! It holds no logic about workshops (that is the engine's) and no window.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};

use parallax_engine::{Document, DocumentStatus, Workshop};
use serde::Serialize;
use ts_rs::TS;

use crate::dialogs::DialogOverride;
use crate::error::{CommandError, ErrorCode};

/// The open workshop and its file.
pub struct Session {
    pub doc: Document,
    pub path: Option<PathBuf>,
    /// Why the file must not be overwritten, when it must not.
    pub read_only: Option<String>,
}

impl Session {
    pub fn new(doc: Document, path: Option<PathBuf>, read_only: Option<String>) -> Self {
        Session {
            doc,
            path,
            read_only,
        }
    }

    pub fn file_name(&self) -> Option<String> {
        self.path
            .as_deref()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
    }

    /// What the window title says: the file (or workshop) name and an unsaved-changes marker.
    pub fn window_title(&self) -> String {
        let name = self
            .file_name()
            .unwrap_or_else(|| self.doc.workshop().title.clone());
        let marker = if self.doc.is_dirty() { " •" } else { "" };
        let ro = if self.read_only.is_some() {
            " (read-only)"
        } else {
            ""
        };
        format!("{name}{marker}{ro} — Parallax")
    }

    pub fn view(&self) -> WorkshopView {
        WorkshopView {
            workshop: self.doc.workshop().clone(),
            status: self.doc.status(),
            file_name: self.file_name(),
            read_only: self.read_only.clone(),
        }
    }
}

/// Everything the UI shows of the open workshop.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WorkshopView {
    pub workshop: Workshop,
    pub status: DocumentStatus,
    #[ts(optional = nullable)]
    pub file_name: Option<String>,
    #[ts(optional = nullable)]
    pub read_only: Option<String>,
}

pub struct AppState {
    session: Mutex<Session>,
    /// Test-only answers for every dialog (see dialogs.rs).
    pub dialog_override: Option<DialogOverride>,
    /// Set once the user has agreed to close, so the second close request goes through.
    pub closing: AtomicBool,
}

impl AppState {
    pub fn new(session: Session, dialog_override: Option<DialogOverride>) -> Self {
        AppState {
            session: Mutex::new(session),
            dialog_override,
            closing: AtomicBool::new(false),
        }
    }

    pub fn lock(&self) -> Result<MutexGuard<'_, Session>, CommandError> {
        self.session.lock().map_err(|_| {
            CommandError::new(
                ErrorCode::Internal,
                "an earlier action failed part-way; restart Parallax (your last save is intact)",
            )
        })
    }
}
