//! Keeps work from being lost: a recovery copy of the open workshop written about two seconds
//! after the last change (and removed once the workshop is saved or knowingly discarded), and at
//! start the offer to restore a copy newer than its document. The file logic is the engine's
//! (`store::recovery`); this module only owns time and asks the user. It must never write over a
//! document: recovery copies live in the app's data folder only.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Duration;

use parallax_engine::store::recovery::{self, RecoveryCopy, RecoveryKey};
use parallax_engine::{store, Document};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogKind};

use crate::clock::now;
use crate::dialogs::{self, Restore};
use crate::state::{AppState, Session};

/// How long after the last change the recovery copy is written.
pub const AUTOSAVE_DELAY: Duration = Duration::from_secs(2);

/// Call after every change of the workshop: schedules a recovery copy once changes stop.
pub fn changed<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let generation = state.autosave_generation.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(AUTOSAVE_DELAY).await;
        let state = app.state::<AppState>();
        if state.autosave_generation.load(Ordering::SeqCst) == generation {
            write_now(&state);
        }
    });
}

/// Writes the recovery copy now if there are unsaved changes (also used when closing).
pub fn write_now(state: &AppState) {
    let Some(dir) = state.recovery_dir.get() else {
        return;
    };
    let (key, workshop) = match state.lock() {
        Ok(s) if s.doc.is_dirty() => (s.recovery_key(), s.doc.workshop().clone()),
        _ => return,
    };
    match recovery::write(dir, &key, &workshop, now()) {
        Ok(path) => tracing::debug!("recovery copy {}", path.display()),
        Err(e) => tracing::warn!("cannot write the recovery copy: {e}"),
    }
}

/// The workshop is saved or knowingly discarded: its recovery copy has nothing left to keep.
pub fn forget(state: &AppState, key: &RecoveryKey) {
    // A change still waiting for its autosave must not bring the copy back.
    state.autosave_generation.fetch_add(1, Ordering::SeqCst);
    if let Some(dir) = state.recovery_dir.get() {
        if let Err(e) = recovery::discard(dir, key) {
            tracing::warn!("cannot remove the recovery copy: {e}");
        }
    }
}

/// Opens the recovered workshop as an unsaved session over its document, when it has one.
pub fn session_from(found: &RecoveryCopy) -> Result<Session, String> {
    let loaded = recovery::load(found).map_err(|e| format!("the recovery copy is damaged: {e}"))?;
    let mut session = Session::new(Document::new(loaded.workshop), None, None);
    if let RecoveryKey::Document(path) = &found.key {
        session.path = Some(path.clone());
        if path.exists() {
            match store::load_path(path) {
                Ok(on_disk) => {
                    session.fingerprint = Some(on_disk.fingerprint);
                    session.read_only = on_disk.read_only;
                }
                Err(e) => tracing::warn!("{}: {e}", path.display()),
            }
            match store::acquire(path, now()) {
                Ok(lock) => session.lock = Some(lock),
                Err(e) => session.read_only = Some(format!("{e}; opened read-only")),
            }
        }
    }
    Ok(session)
}

/// At start: offers the newest pending recovery copy, and applies the user's answer.
pub async fn offer<R: Runtime>(app: &AppHandle<R>, dir: &Path) {
    let pending = match recovery::pending(dir) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!("cannot look for recovery copies: {e}");
            return;
        }
    };
    let Some(found) = pending.into_iter().max_by_key(|c| c.saved_at_ms) else {
        return;
    };
    let state = app.state::<AppState>();
    let answer = dialogs::ask_restore(app, state.dialog_override.as_ref(), &found).await;
    match answer {
        Restore::Recovered => {
            // The window may hold the very document being recovered: let go of it first.
            if let Ok(mut current) = state.lock() {
                current.lock = None;
            }
            restore(app, &state, session_from(&found));
        }
        Restore::Saved => {}
        Restore::Discard => {
            if let Err(e) = recovery::discard(dir, &found.key) {
                tracing::warn!("cannot discard the recovery copy: {e}");
            }
        }
    }
}

/// Puts the recovered session in place, or says why it could not and keeps the current one.
fn restore<R: Runtime>(app: &AppHandle<R>, state: &AppState, recovered: Result<Session, String>) {
    match recovered {
        Ok(session) => {
            if let Ok(mut current) = state.lock() {
                *current = session;
                crate::window::show(app, &current);
            }
            // The copy stays until the recovered work is saved or discarded.
        }
        Err(problem) => {
            if let Ok(mut current) = state.lock() {
                if let Some(path) = current.path.clone() {
                    current.lock = store::acquire(&path, now()).ok();
                }
            }
            tracing::warn!("{problem}");
            app.dialog()
                .message(problem)
                .title("Cannot restore")
                .kind(MessageDialogKind::Error)
                .show(|_| {});
        }
    }
}
