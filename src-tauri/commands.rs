//! The commands the web UI may call. Each is thin: it parses its arguments, takes the state lock,
//! calls the engine, and maps errors to `{ code, message }`. No workshop logic lives here.

use parallax_engine::analysis::{analyse, Analysis, AnalysisOptions};
use parallax_engine::document::{Crossed, StepsError};
use parallax_engine::view::Viewer;
use parallax_engine::{
    sample, Document, Edit, Matrix, Millis, PerspectiveId, ReferenceChange, Template, Workshop,
};
use tauri::{AppHandle, Manager, Runtime, State};

use crate::clock::now;
use crate::error::{CommandError, ErrorCode};
use crate::files::{replace_with, save_flow, settle_unsaved, start_afresh};
use crate::state::{AppState, EditReply, WorkshopView};
use crate::window::{retitle, show};
use crate::{dialogs, keeper, recent};

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

/// Whose placements the window shows while they are hidden: the facilitator placing for
/// `active` (a perspective id), or for none. Replies with the view as that viewer may see it.
#[tauri::command]
pub fn set_viewer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    active: Option<PerspectiveId>,
) -> Result<WorkshopView, CommandError> {
    let session = state.lock()?;
    if let Some(id) = &active {
        if session.doc.workshop().perspective(id).is_none() {
            return Err(CommandError::new(
                ErrorCode::BadRequest,
                format!("there is no perspective \"{id}\" in this workshop"),
            ));
        }
    }
    state.set_viewer(Viewer::Facilitator { active });
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
    crate::room::workshop_changed(&app, &session);
    Ok(session.reply(touched.as_ref(), &state.viewer()))
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
    crate::room::workshop_changed(app, &session);
    Ok(session.reply(crossed.only_change.as_ref(), &state.viewer()))
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
    let view = replace_with(&app, &state, path)?;
    // A room open on the workshop that was replaced closes.
    crate::room::workshop_changed(&app, &*state.lock()?);
    Ok(view)
}

/// The title a new workshop starts with; the facilitator renames it in Prepare or the header.
pub const NEW_WORKSHOP_TITLE: &str = "New workshop";

/// A new, empty workshop on the matrix of `template` (with Dev and Ops), after settling unsaved
/// changes. Nothing in it is unsaved until it is edited. Null when the user cancelled.
#[tauri::command]
pub async fn new_workshop<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    template: Template,
) -> Result<Option<WorkshopView>, CommandError> {
    let workshop = Workshop::new(NEW_WORKSHOP_TITLE, Matrix::from_template(template));
    start_afresh(&app, &state, workshop).await
}

/// The sample workshop, after settling unsaved changes; untouched, so it never asks to be saved.
/// Null when the user cancelled.
#[tauri::command]
pub async fn open_sample<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<WorkshopView>, CommandError> {
    start_afresh(&app, &state, sample::workshop()).await
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
    let view = replace_with(&app, &state, path)?;
    // A room open on the workshop that was replaced closes.
    crate::room::workshop_changed(&app, &*state.lock()?);
    Ok(view)
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
/// when not given). It is computed under the lock and returned after it: the analysis owns what
/// it shows, so serialising it for the UI does not hold the workshop.
#[tauri::command]
pub fn analyze(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
) -> Result<Analysis, CommandError> {
    let options = AnalysisOptions {
        from,
        to,
        ..AnalysisOptions::default()
    };
    let analysis = {
        let session = state.lock()?;
        analyse(session.doc.workshop(), &options)
    };
    analysis.map_err(|e| CommandError::new(ErrorCode::BadRequest, e.to_string()))
}

/// The reference changes suggested for the open workshop's calibration round (the engine's,
/// for its matrix's size). Adding them is the UI's edits; this only offers them.
#[tauri::command]
pub fn reference_changes(state: State<'_, AppState>) -> Result<Vec<ReferenceChange>, CommandError> {
    let session = state.lock()?;
    Ok(session.doc.workshop().matrix.reference_changes())
}
