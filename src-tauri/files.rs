//! The open workshop's file: opening one in place of the current workshop, putting a workshop the
//! app made (a new one, the sample) in its place, saving (asking where when needed), and settling
//! unsaved changes before the workshop is closed or replaced. These are the flows the commands,
//! the CSV import, the start screen and a second launch share. The disk work is the engine's
//! (`store`); this module orders the steps and asks the user. It must never write a document
//! anywhere but through `store::save`, and never reach up into the commands.

use std::path::{Path, PathBuf};

use parallax_engine::{store, Document, Workshop};
use tauri::{AppHandle, Runtime};

use crate::clock::now;
use crate::error::{CommandError, ErrorCode};
use crate::state::{AppState, Session, WorkshopView};
use crate::window::show;
use crate::{dialogs, keeper};

/// Saves the open workshop; false when the user cancelled a dialog. The document's own file is
/// only overwritten when it is still what was opened (or last saved) — otherwise the user is
/// asked — and never when a newer Parallax wrote it. Saving to another file first takes that
/// file's lock, so a workshop another Parallax holds is refused before anything is written.
pub async fn save_flow<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    ask: bool,
) -> Result<bool, CommandError> {
    // One save at a time: a second Ctrl+S waits for the first instead of racing it to the disk.
    let _one_at_a_time = state.saving.lock().await;
    let (known, title) = {
        let session = state.lock()?;
        let known = session
            .path
            .clone()
            .filter(|_| session.read_only.is_none() && !ask);
        (known, session.doc.workshop().title.clone())
    };
    let (path, mut expect) = match known {
        Some(path) => {
            let expect = match &state.lock()?.fingerprint {
                Some(fp) => store::Expect::Unchanged(fp.clone()),
                // Never loaded from disk (a recovered untitled workshop): whatever is there now
                // was put there by someone else, so ask before replacing it.
                None if path.exists() => store::Expect::Unchanged(
                    store::load_path(&path)
                        .map(|l| l.fingerprint)
                        .map_err(|e| CommandError::new(ErrorCode::CannotSave, e.to_string()))?,
                ),
                None => store::Expect::Anything,
            };
            (path, expect)
        }
        None => match dialogs::save_path(app, state.dialog_override.as_ref(), &title).await {
            // The dialog itself asked before replacing an existing file.
            Some(path) => (path, store::Expect::Anything),
            None => return Ok(false),
        },
    };
    // A new file is claimed before it is written: if another Parallax holds it, nothing is
    // written and the message names the holder.
    let mut claimed = None;
    if !state.lock()?.is_file(&path) {
        claimed = match store::acquire(&path, now()) {
            Ok(lock) => Some(lock),
            Err(e @ store::LockError::Held { .. }) => {
                return Err(CommandError::new(
                    ErrorCode::CannotSave,
                    format!("{e}; it was not overwritten. Save under another name."),
                ))
            }
            Err(e) => {
                // A folder where no lock can be made (read-only media) is refused by the save
                // itself with the disk's own reason.
                tracing::warn!("{e}");
                None
            }
        };
    }
    loop {
        // The disk work runs off the session lock and off the window's thread: edits go on
        // while a slow share takes its time, and only the snapshot taken here is written.
        let (generation, snapshot) = {
            let session = state.lock()?;
            (session.doc.generation(), session.doc.workshop().clone())
        };
        let write = state.writer;
        let (target, wanted) = (path.clone(), expect.clone());
        let attempt =
            tauri::async_runtime::spawn_blocking(move || write(&target, &snapshot, &wanted))
                .await
                .map_err(|e| {
                    CommandError::new(
                        ErrorCode::CannotSave,
                        format!("the save stopped part-way ({e}); the file on disk was kept"),
                    )
                })?;
        match attempt {
            Ok(saved) => {
                let mut session = state.lock()?;
                let old_key = session.recovery_key();
                if !session.is_file(&path) {
                    // Let go of the old file; keep the claim on the new one.
                    session.lock = claimed.take();
                }
                // Edits made while the disk worked stay unsaved.
                session.doc.mark_saved_at(generation);
                session.path = Some(path.clone());
                session.read_only = None;
                session.fingerprint = Some(saved.fingerprint);
                let new_key = session.recovery_key();
                show(app, &session);
                drop(session);
                keeper::forget(state, &old_key);
                keeper::forget(state, &new_key);
                state.remember_current();
                tracing::info!("saved {}", path.display());
                return Ok(true);
            }
            Err(store::SaveError::ChangedOnDisk { .. }) if expect != store::Expect::Anything => {
                let problem = format!("{} changed on disk since it was opened", path.display());
                if dialogs::ask_overwrite(app, state.dialog_override.as_ref(), &problem).await {
                    expect = store::Expect::Anything;
                    continue;
                }
                return Err(CommandError::new(
                    ErrorCode::CannotSave,
                    format!("{problem}; it was not overwritten. Use Save As to keep your work elsewhere."),
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Before the open workshop is closed or replaced: true when it may go (saved, nothing to save,
/// or the user chose not to save), false when the user cancelled.
pub async fn settle_unsaved<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
) -> Result<bool, CommandError> {
    let name = {
        let session = state.lock()?;
        if !session.doc.is_dirty() {
            return Ok(true);
        }
        session
            .file_name()
            .unwrap_or_else(|| session.doc.workshop().title.clone())
    };
    match dialogs::ask_unsaved(app, state.dialog_override.as_ref(), &name).await {
        dialogs::Unsaved::Save => save_flow(app, state, false).await,
        dialogs::Unsaved::Discard => {
            let key = state.lock()?.recovery_key();
            keeper::forget(state, &key);
            Ok(true)
        }
        dialogs::Unsaved::Cancel => Ok(false),
    }
}

/// Opens `path` in place of the current workshop after settling unsaved changes, and tells the
/// UI to show it (used when a file arrives from outside: a second launch).
pub async fn open_in_place<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    path: PathBuf,
) -> Result<(), CommandError> {
    if settle_unsaved(app, state).await? {
        replace_with(app, state, path)?;
        let _ = tauri::Emitter::emit(app, "workshop-replaced", ());
    }
    Ok(())
}

/// Opens `path` in place of the current workshop (already settled), or leaves it as it was.
/// Reopening the file that is open keeps this window's lock on it: the window never finds its
/// own lock in the way.
pub fn replace_with<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    path: PathBuf,
) -> Result<WorkshopView, CommandError> {
    let loaded = load(&path)?;
    let view = {
        let mut current = state.lock()?;
        let ours = if current.is_file(&path) {
            current.lock.take()
        } else {
            None
        };
        *current = session_from(loaded, path, ours);
        show(app, &current)
    };
    state.remember_current();
    Ok(view)
}

/// A workshop the app made (a new one from a template, the sample), with no file yet. Nothing in
/// it is unsaved: the user has not touched it, so replacing or closing it asks nothing. Its first
/// edit makes it unsaved, as in any document.
pub fn untouched_session(workshop: Workshop) -> Session {
    Session::new(Document::opened(workshop), None, None)
}

/// Puts `workshop`, made by the app, in place of the open one after settling unsaved changes.
/// None when the user cancelled: the open workshop stays as it was.
pub async fn start_afresh<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    workshop: Workshop,
) -> Result<Option<WorkshopView>, CommandError> {
    if !settle_unsaved(app, state).await? {
        return Ok(None);
    }
    let view = {
        let mut current = state.lock()?;
        *current = untouched_session(workshop);
        show(app, &current)
    };
    Ok(Some(view))
}

/// Reads a workshop file into a session, or says what is wrong with it and where. The file is
/// locked for this window; when another Parallax holds it, it opens read-only and says who.
pub fn open_session(path: PathBuf) -> Result<Session, CommandError> {
    let loaded = load(&path)?;
    Ok(session_from(loaded, path, None))
}

fn load(path: &Path) -> Result<store::Loaded, CommandError> {
    let loaded = store::load_path(path)
        .map_err(|e| CommandError::new(ErrorCode::CannotOpen, store::explain_failure(path, &e)))?;
    tracing::info!("opened {}", path.display());
    Ok(loaded)
}

/// A session on a loaded file, with `held` (this window's lock on that very file) or a new lock.
fn session_from(loaded: store::Loaded, path: PathBuf, held: Option<store::LockGuard>) -> Session {
    let mut read_only = loaded.read_only;
    let lock = match held.map(Ok).unwrap_or_else(|| store::acquire(&path, now())) {
        Ok(lock) => Some(lock),
        Err(e @ store::LockError::Held { .. }) => {
            read_only.get_or_insert(format!(
                "{e}. It is open read-only here: use Save As to keep changes."
            ));
            None
        }
        Err(e) => {
            // A folder where no lock can be made (read-only media): open anyway.
            tracing::warn!("{e}");
            None
        }
    };
    let mut session = Session::new(Document::opened(loaded.workshop), Some(path), read_only);
    session.fingerprint = Some(loaded.fingerprint);
    session.lock = lock;
    session
}
