//! The commands the web UI may call. Each is thin: it parses its arguments, takes the state lock,
//! calls the engine, and maps errors to `{ code, message }`. No workshop logic lives here.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use parallax_engine::analysis::{analyse, AnalysisOptions};
use parallax_engine::document::{Crossed, StepsError};
use parallax_engine::{store, Document, Edit, Millis};
use tauri::{AppHandle, Manager, Runtime, State};

use crate::error::{CommandError, ErrorCode};
use crate::state::{AppState, EditReply, Session, WorkshopView};
use crate::{dialogs, keeper, recent};

/// The shell owns time: every edit is stamped here.
pub fn now() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX))
        .unwrap_or(0)
}

/// Keeps the window title in step with the document (name and unsaved marker).
pub fn retitle<R: Runtime>(app: &AppHandle<R>, session: &Session) {
    if let Some(window) = app.get_webview_window("main") {
        if let Err(e) = window.set_title(&session.window_title()) {
            tracing::warn!("cannot set the window title: {e}");
        }
    }
}

/// The window title brought up to date, and the whole view for the UI.
pub fn show<R: Runtime>(app: &AppHandle<R>, session: &Session) -> WorkshopView {
    retitle(app, session);
    session.view()
}

/// The UI's first call: offers unsaved work found from an earlier run (once), then the workshop.
#[tauri::command]
pub async fn start<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<WorkshopView, CommandError> {
    if !state
        .started
        .swap(true, std::sync::atomic::Ordering::SeqCst)
    {
        if let Some(dir) = state.recovery_dir.get().cloned() {
            keeper::offer(&app, &dir).await;
        }
    }
    get_workshop(app, state)
}

#[tauri::command]
pub fn get_workshop<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<WorkshopView, CommandError> {
    let session = state.lock()?;
    Ok(show(&app, &session))
}

/// Applies one edit; replies with the one change it touched, or the whole workshop.
#[tauri::command]
pub fn apply_edit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    edit: Edit,
) -> Result<EditReply, CommandError> {
    let mut session = state.lock()?;
    let touched = edit.only_change().cloned();
    let label = session.doc.apply(edit, now())?;
    tracing::debug!("edit: {label}");
    keeper::changed(&app);
    retitle(&app, &session);
    Ok(session.reply(touched.as_ref()))
}

/// Undoes the newest step; replies like an edit: the one change it touched, the whole workshop,
/// or neither when there was nothing to undo (Ctrl+Z with nothing left is no mistake).
#[tauri::command]
pub fn undo<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<EditReply, CommandError> {
    cross(&app, &state, |doc, now| {
        doc.undo_steps(doc.undo_count().min(1), now)
    })
}

/// Redoes the newest undone step; replies like `undo`.
#[tauri::command]
pub fn redo<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<EditReply, CommandError> {
    cross(&app, &state, |doc, now| {
        doc.redo_steps(doc.redo_count().min(1), now)
    })
}

/// Undoes the `count` newest steps at once: back to before the step the facilitator picked in
/// the history (`status.undo_labels[count - 1]`). All or nothing: a count the history no longer
/// has is refused.
#[tauri::command]
pub fn undo_steps<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    count: u32,
) -> Result<EditReply, CommandError> {
    cross(&app, &state, |doc, now| doc.undo_steps(steps(count), now))
}

/// Redoes the `count` next undone steps at once (`status.redo_labels[count - 1]` is the last).
#[tauri::command]
pub fn redo_steps<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    count: u32,
) -> Result<EditReply, CommandError> {
    cross(&app, &state, |doc, now| doc.redo_steps(steps(count), now))
}

fn steps(count: u32) -> usize {
    usize::try_from(count).unwrap_or(usize::MAX)
}

/// Crosses steps of the history with `step` and replies with what they touched.
fn cross<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    step: impl FnOnce(&mut Document, Millis) -> Result<Crossed, StepsError>,
) -> Result<EditReply, CommandError> {
    let mut session = state.lock()?;
    let crossed = step(&mut session.doc, now()).map_err(|e| match e {
        StepsError::NotThatMany { .. } => CommandError::new(ErrorCode::BadRequest, e.to_string()),
        StepsError::Edit(e) => CommandError::new(
            ErrorCode::Internal,
            format!("cannot step through the history: {e}"),
        ),
    })?;
    if crossed.is_empty() {
        return Ok(session.unchanged_reply());
    }
    tracing::debug!(
        "{} step(s): {}",
        crossed.labels.len(),
        crossed.labels.join("; ")
    );
    keeper::changed(app);
    retitle(app, &session);
    Ok(session.reply(crossed.only_change.as_ref()))
}

/// Saves to the document's file, asking where first if it has none (or is read-only).
#[tauri::command]
pub async fn save_workshop<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<WorkshopView, CommandError> {
    save_flow(&app, &state, false).await?;
    get_workshop(app, state)
}

/// Always asks where to save.
#[tauri::command]
pub async fn save_workshop_as<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<WorkshopView, CommandError> {
    save_flow(&app, &state, true).await?;
    get_workshop(app, state)
}

/// Saves the open workshop; false when the user cancelled a dialog. The document's own file is
/// only overwritten when it is still what was opened (or last saved) — otherwise the user is
/// asked — and never when a newer Parallax wrote it.
pub async fn save_flow<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    ask: bool,
) -> Result<bool, CommandError> {
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
    loop {
        let attempt = {
            let session = state.lock()?;
            store::save(&path, session.doc.workshop(), &expect)
        };
        match attempt {
            Ok(saved) => {
                let mut session = state.lock()?;
                let old_key = session.recovery_key();
                let same_file = session.path.as_deref() == Some(path.as_path());
                if !same_file {
                    // Claim the new file and let go of the old one.
                    session.lock = match store::acquire(&path, now()) {
                        Ok(lock) => Some(lock),
                        Err(e) => {
                            tracing::warn!("{e}");
                            None
                        }
                    };
                }
                session.doc.mark_saved();
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

/// Asks which workshop to open and opens it, after settling unsaved changes; the current one
/// stays open if the user cancels or the file cannot be opened.
#[tauri::command]
pub async fn open_workshop<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<WorkshopView, CommandError> {
    if !settle_unsaved(&app, &state).await? {
        return get_workshop(app, state);
    }
    let Some(path) = dialogs::open_path(&app, state.dialog_override.as_ref()).await else {
        return get_workshop(app, state);
    };
    replace_with(&app, &state, path)
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
fn replace_with<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    path: PathBuf,
) -> Result<WorkshopView, CommandError> {
    let session = open_session(path)?;
    let view = {
        let mut current = state.lock()?;
        *current = session;
        show(app, &current)
    };
    state.remember_current();
    Ok(view)
}

/// Recently opened workshops, newest first.
#[tauri::command]
pub fn recent_files(state: State<'_, AppState>) -> Vec<recent::RecentFile> {
    state
        .data_dir
        .get()
        .map(|dir| recent::list(dir))
        .unwrap_or_default()
}

/// Opens the recent workshop at `index` of the list, after settling unsaved changes.
#[tauri::command]
pub async fn open_recent<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    index: u32,
) -> Result<WorkshopView, CommandError> {
    let Some(path) = state
        .data_dir
        .get()
        .and_then(|dir| recent::path_at(dir, index))
    else {
        return Err(CommandError::new(
            ErrorCode::BadRequest,
            "that workshop is no longer in the recent list",
        ));
    };
    if !settle_unsaved(&app, &state).await? {
        return get_workshop(app, state);
    }
    replace_with(&app, &state, path)
}

/// Reads a workshop file into a session, or says what is wrong with it and where. The file is
/// locked for this window; when another Parallax holds it, it opens read-only and says who.
pub fn open_session(path: PathBuf) -> Result<Session, CommandError> {
    let loaded = store::load_path(&path).map_err(|e| {
        CommandError::new(ErrorCode::CannotOpen, format!("{}: {e}", path.display()))
    })?;
    tracing::info!("opened {}", path.display());
    let mut read_only = loaded.read_only;
    let lock = match store::acquire(&path, now()) {
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
    Ok(session)
}

/// Presentation mode: the window fills the screen, or goes back.
#[tauri::command]
pub fn set_fullscreen<R: Runtime>(app: AppHandle<R>, on: bool) -> Result<(), CommandError> {
    let window = app
        .get_webview_window("main")
        .ok_or_else(|| CommandError::new(ErrorCode::Internal, "the main window is gone"))?;
    window.set_fullscreen(on).map_err(|e| {
        CommandError::new(
            ErrorCode::Internal,
            format!("cannot change full screen: {e}"),
        )
    })
}

/// The analysis of the open workshop for a pair of perspectives (ids or names; the first two
/// when not given), as the JSON of `parallax_engine::analysis::Analysis`. It is serialised while
/// the lock is held because the analysis borrows the workshop.
#[tauri::command]
pub fn analyze(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
) -> Result<serde_json::Value, CommandError> {
    let session = state.lock()?;
    let options = AnalysisOptions {
        from,
        to,
        ..AnalysisOptions::default()
    };
    let analysis = analyse(session.doc.workshop(), &options)
        .map_err(|e| CommandError::new(ErrorCode::BadRequest, e.to_string()))?;
    serde_json::to_value(&analysis)
        .map_err(|e| CommandError::new(ErrorCode::Internal, e.to_string()))
}
