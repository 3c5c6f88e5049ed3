//! The app's state: the open document, where it lives on disk, and whether it may be written.
//! It holds no logic about workshops (that is the engine's) and no window.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Mutex, MutexGuard, OnceLock};

use parallax_engine::store::recovery::RecoveryKey;
use parallax_engine::store::{Fingerprint, LockGuard, SaveMemo};
use parallax_engine::view::{Progress, Viewer};
use parallax_engine::{Change, ChangeId, Document, DocumentStatus, Workshop};
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
    /// What the file was when it was opened or last saved, to notice changes made elsewhere.
    pub fingerprint: Option<Fingerprint>,
    /// This window's claim on the file; another instance opens it read-only meanwhile.
    pub lock: Option<LockGuard>,
    /// Names the recovery copy of a workshop that has no file yet. Unique to this session, so it
    /// also tells a session from the one it replaced.
    pub untitled_id: String,
    /// What the last save wrote, so that the next serializes only the changes that differ.
    pub memo: SaveMemo,
}

impl Session {
    /// A workshop with no file yet.
    pub fn new(doc: Document, path: Option<PathBuf>, read_only: Option<String>) -> Self {
        Session {
            doc,
            path,
            read_only,
            fingerprint: None,
            lock: None,
            untitled_id: untitled_id(),
            memo: SaveMemo::default(),
        }
    }

    /// Whose recovery copy this session writes.
    pub fn recovery_key(&self) -> RecoveryKey {
        match &self.path {
            Some(path) => RecoveryKey::Document(path.clone()),
            None => RecoveryKey::Untitled(self.untitled_id.clone()),
        }
    }

    /// True when `path` names this session's own file (through any link or relative form).
    pub fn is_file(&self, path: &Path) -> bool {
        let Some(own) = &self.path else {
            return false;
        };
        match (std::fs::canonicalize(own), std::fs::canonicalize(path)) {
            (Ok(a), Ok(b)) => a == b,
            _ => own == path,
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

    /// The reply to an edit that touched `touched` alone (or the whole workshop when None), as
    /// `viewer` may see it.
    pub fn reply(&self, touched: Option<&ChangeId>, viewer: &Viewer) -> EditReply {
        let w = self.doc.workshop();
        let change = touched.and_then(|id| {
            let index = w.change_index(id)?;
            Some(ChangeAt {
                index: u32::try_from(index).ok()?,
                change: w.change_seen_by(index, viewer)?,
            })
        });
        EditReply {
            workshop: change.is_none().then(|| w.seen_by(viewer)),
            change,
            ..self.unchanged_reply()
        }
    }

    /// The reply to a step that changed nothing (nothing to undo): the status alone, so the UI
    /// keeps its workshop.
    pub fn unchanged_reply(&self) -> EditReply {
        let w = self.doc.workshop();
        EditReply {
            status: self.doc.status(),
            file_name: self.file_name(),
            read_only: self.read_only.clone(),
            workshop: None,
            change: None,
            hidden: w.is_hidden(),
            progress: w.progress(),
        }
    }

    /// Everything `viewer` may see of the open workshop.
    pub fn view(&self, viewer: &Viewer) -> WorkshopView {
        let w = self.doc.workshop();
        WorkshopView {
            workshop: w.seen_by(viewer),
            status: self.doc.status(),
            file_name: self.file_name(),
            read_only: self.read_only.clone(),
            hidden: w.is_hidden(),
            progress: w.progress(),
        }
    }
}

/// Fills the open session's `SaveMemo` on another thread, so that the first save of a workshop
/// just opened is as quick as the later ones (1,000 changes: about 2 ms of work, off the path of
/// any command). Call it whenever a new session is put in place. The memo is only a speed-up: if
/// the session was replaced or saved meanwhile, it is dropped.
pub fn warm_save_memo<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use tauri::Manager;
    let (who, workshop) = match app.state::<AppState>().lock() {
        Ok(session) if !session.memo.is_warm() => {
            (session.untitled_id.clone(), session.doc.workshop().clone())
        }
        _ => return,
    };
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("save-memo".into())
        .spawn(move || {
            let mut memo = SaveMemo::default();
            memo.remember(&workshop);
            if let Ok(mut session) = app.state::<AppState>().lock() {
                if session.untitled_id == who && !session.memo.is_warm() {
                    session.memo = memo;
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("no thread to prepare saving: {e}");
    }
}

/// A name for an untitled workshop's recovery copy, unique per process and start.
fn untitled_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}-{nanos:x}", std::process::id())
}

/// What an edit, undo or redo changed, for the UI to redraw: the one change it touched (with its
/// place), the whole workshop, or neither when nothing changed. Sending one change keeps a drop
/// (or its undo) on a 1,000-change workshop cheap.
#[derive(Debug, Clone, Serialize, TS)]
pub struct EditReply {
    pub status: DocumentStatus,
    #[ts(optional = nullable)]
    pub file_name: Option<String>,
    #[ts(optional = nullable)]
    pub read_only: Option<String>,
    #[ts(optional = nullable)]
    pub change: Option<ChangeAt>,
    #[ts(optional = nullable)]
    pub workshop: Option<Workshop>,
    /// True while placements are hidden (blind mode, not yet revealed): the workshop above then
    /// holds only the viewer's own perspective's placements.
    pub hidden: bool,
    /// How far each perspective has got; safe to show while placements are hidden.
    pub progress: Vec<Progress>,
}

/// A change and its position in the workshop.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ChangeAt {
    pub index: u32,
    pub change: Change,
}

/// Everything the UI shows of the open workshop, as the window's viewer may see it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WorkshopView {
    pub workshop: Workshop,
    pub status: DocumentStatus,
    #[ts(optional = nullable)]
    pub file_name: Option<String>,
    #[ts(optional = nullable)]
    pub read_only: Option<String>,
    /// True while placements are hidden (blind mode, not yet revealed).
    pub hidden: bool,
    /// How far each perspective has got; safe to show while placements are hidden.
    pub progress: Vec<Progress>,
}

pub struct AppState {
    session: Mutex<Session>,
    /// Test-only answers for every dialog (see dialogs.rs).
    pub dialog_override: Option<DialogOverride>,
    /// Set once the user has agreed to close, so the second close request goes through.
    pub closing: AtomicBool,
    /// Where recovery copies go (in the app's data folder); set when the app starts.
    pub recovery_dir: OnceLock<PathBuf>,
    /// The app's data folder (recent files); set when the app starts.
    pub data_dir: OnceLock<PathBuf>,
    /// Counts changes, so that a debounced autosave only writes after the last one.
    pub autosave_generation: AtomicU64,
    /// Set by the UI's first call, which offers recovered work once.
    pub started: AtomicBool,
    /// Who the window shows the workshop to: the facilitator, placing for the active
    /// perspective. Kept apart from the session so that it outlives a workshop replaced by
    /// another. Lock order: the session first, then this, never the other way round.
    viewer: Mutex<Viewer>,
}

impl AppState {
    pub fn new(session: Session, dialog_override: Option<DialogOverride>) -> Self {
        AppState {
            session: Mutex::new(session),
            dialog_override,
            closing: AtomicBool::new(false),
            recovery_dir: OnceLock::new(),
            data_dir: OnceLock::new(),
            autosave_generation: AtomicU64::new(0),
            started: AtomicBool::new(false),
            viewer: Mutex::new(Viewer::Facilitator { active: None }),
        }
    }

    /// Adds the open workshop's file to the recent files, when it has one.
    pub fn remember_current(&self) {
        let (Some(dir), Ok(session)) = (self.data_dir.get(), self.lock()) else {
            return;
        };
        if let Some(path) = &session.path {
            crate::recent::remember(dir, path, &session.doc.workshop().title);
        }
    }

    /// Who the window shows the workshop to.
    pub fn viewer(&self) -> Viewer {
        self.viewer
            .lock()
            .map(|v| v.clone())
            .unwrap_or(Viewer::Facilitator { active: None })
    }

    pub fn set_viewer(&self, viewer: Viewer) {
        if let Ok(mut v) = self.viewer.lock() {
            *v = viewer;
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
