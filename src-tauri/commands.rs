//! The commands the web UI may call. Each is thin: it parses its arguments, takes the state lock,
//! calls the engine, and maps errors to `{ code, message }`. No workshop logic lives here.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use parallax_engine::analysis::{analyse, AnalysisOptions};
use parallax_engine::{store, Document, Edit, Millis};
use tauri::{AppHandle, Manager, Runtime, State};

use crate::dialogs;
use crate::error::{CommandError, ErrorCode};
use crate::state::{AppState, Session, WorkshopView};

/// The shell owns time: every edit is stamped here.
fn now() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX))
        .unwrap_or(0)
}

/// Keeps the window title in step with the document (name and unsaved marker).
fn show<R: Runtime>(app: &AppHandle<R>, session: &Session) -> WorkshopView {
    if let Some(window) = app.get_webview_window("main") {
        if let Err(e) = window.set_title(&session.window_title()) {
            tracing::warn!("cannot set the window title: {e}");
        }
    }
    session.view()
}

#[tauri::command]
pub fn get_workshop<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<WorkshopView, CommandError> {
    let session = state.lock()?;
    Ok(show(&app, &session))
}

#[tauri::command]
pub fn apply_edit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    edit: Edit,
) -> Result<WorkshopView, CommandError> {
    let mut session = state.lock()?;
    let label = session.doc.apply(edit, now())?;
    tracing::debug!("edit: {label}");
    Ok(show(&app, &session))
}

#[tauri::command]
pub fn undo<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<WorkshopView, CommandError> {
    let mut session = state.lock()?;
    session.doc.undo(now())?;
    Ok(show(&app, &session))
}

#[tauri::command]
pub fn redo<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<WorkshopView, CommandError> {
    let mut session = state.lock()?;
    session.doc.redo(now())?;
    Ok(show(&app, &session))
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

/// Saves the open workshop; false when the user cancelled the dialog.
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
    let path = match known {
        Some(path) => path,
        None => match dialogs::save_path(app, state.dialog_override.as_ref(), &title).await {
            Some(path) => path,
            None => return Ok(false),
        },
    };
    let mut session = state.lock()?;
    store::save_path(&path, session.doc.workshop())?;
    tracing::info!("saved {}", path.display());
    session.doc.mark_saved();
    session.path = Some(path);
    session.read_only = None;
    show(app, &session);
    Ok(true)
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
        dialogs::Unsaved::Discard => Ok(true),
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
    let session = open_session(path)?;
    let mut current = state.lock()?;
    *current = session;
    Ok(show(&app, &current))
}

/// Reads a workshop file into a session, or says what is wrong with it and where.
pub fn open_session(path: PathBuf) -> Result<Session, CommandError> {
    let loaded = store::load_path(&path).map_err(|e| {
        CommandError::new(ErrorCode::CannotOpen, format!("{}: {e}", path.display()))
    })?;
    tracing::info!("opened {}", path.display());
    Ok(Session::new(
        Document::opened(loaded.workshop),
        Some(path),
        loaded.read_only,
    ))
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
