//! Importing a CSV (from Jira, ServiceNow, a spreadsheet) as a new workshop, in two steps: Rust
//! asks for the file and the engine reads it into a preview the facilitator checks (which
//! columns became what, how many changes and placements, what was ignored), and only then does
//! the workshop replace the open one — after unsaved changes are settled. Nothing is added before
//! the facilitator says so. The reading is the engine's (`import::import_csv`).

use std::path::{Path, PathBuf};

use parallax_engine::import::{import_csv, ImportOptions, MAX_CSV_BYTES};
use parallax_engine::{Document, Template, Workshop};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use crate::clock::now;
use crate::error::{CommandError, ErrorCode};
use crate::files::settle_unsaved;
use crate::state::{AppState, Session, WorkshopView};
use crate::window::show;

/// A perspective found in the CSV, with how many of its placements were read.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportedPerspective {
    pub name: String,
    pub placements: u32,
}

/// One of the first changes, as the preview shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportedChange {
    pub title: String,
    pub change_type: String,
    pub ticket: String,
    pub tags: Vec<String>,
}

/// What importing the CSV would give, before anything changes.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportPreview {
    pub file_name: String,
    pub changes: u32,
    /// Which change fields had values in the file (title, description, type, ticket, tags).
    pub fields: Vec<String>,
    pub perspectives: Vec<ImportedPerspective>,
    pub ignored_columns: Vec<String>,
    /// The first changes, in file order.
    pub first: Vec<ImportedChange>,
}

/// The workshop read from the CSV, waiting for the facilitator's go.
pub struct PendingImport(pub std::sync::Mutex<Option<Workshop>>);

fn preview_of(file: &Path, w: &Workshop, ignored: Vec<String>) -> ImportPreview {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let mut fields = vec!["title".to_owned()];
    let any = |f: &dyn Fn(&parallax_engine::Change) -> bool| w.changes.iter().any(f);
    if any(&|c| !c.description.is_empty()) {
        fields.push("description".into());
    }
    if any(&|c| c.change_type != parallax_engine::ChangeType::Normal) {
        fields.push("type".into());
    }
    if any(&|c| !c.ticket.is_empty()) {
        fields.push("ticket".into());
    }
    if any(&|c| !c.tags.is_empty()) {
        fields.push("tags".into());
    }
    ImportPreview {
        file_name: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        changes: count(w.changes.len()),
        fields,
        perspectives: w
            .perspectives
            .iter()
            .map(|p| ImportedPerspective {
                name: p.name.clone(),
                placements: count(
                    w.changes
                        .iter()
                        .filter(|c| c.placements.contains_key(&p.id))
                        .count(),
                ),
            })
            .collect(),
        ignored_columns: ignored,
        first: w
            .changes
            .iter()
            .take(8)
            .map(|c| ImportedChange {
                title: c.title.clone(),
                change_type: format!("{:?}", c.change_type).to_lowercase(),
                ticket: c.ticket.clone(),
                tags: c.tags.clone(),
            })
            .collect(),
    }
}

async fn pick_csv<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> Option<PathBuf> {
    if let Some(o) = &state.dialog_override {
        // Test-only: the newest .csv in the folder.
        return std::fs::read_dir(&o.dir)
            .ok()?
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "csv"))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .max()
            .map(|(_, p)| p);
    }
    let dialog = app
        .dialog()
        .file()
        .set_title("Import changes from a CSV file")
        .add_filter("CSV", &["csv", "txt"]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .ok()
        .flatten()?;
    picked.into_path().ok()
}

/// Asks for a CSV and reads it into a preview; None when the user cancels.
#[tauri::command]
pub async fn preview_import<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    pending: State<'_, PendingImport>,
) -> Result<Option<ImportPreview>, CommandError> {
    let Some(path) = pick_csv(&app, &state).await else {
        return Ok(None);
    };
    let cannot =
        |m: String| CommandError::new(ErrorCode::CannotOpen, format!("{}: {m}", path.display()));
    let size = std::fs::metadata(&path)
        .map_err(|e| cannot(e.to_string()))?
        .len();
    if size > MAX_CSV_BYTES as u64 {
        return Err(cannot(format!(
            "the file is {size} bytes; Parallax imports at most {MAX_CSV_BYTES}"
        )));
    }
    let bytes = std::fs::read(&path).map_err(|e| cannot(e.to_string()))?;
    let title = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Imported changes".into());
    let options = ImportOptions {
        title,
        template: Template::FiveByFive,
        now: now(),
    };
    let imported = import_csv(&bytes, &options).map_err(|e| cannot(e.to_string()))?;
    let preview = preview_of(&path, &imported.workshop, imported.ignored_columns);
    if let Ok(mut slot) = pending.0.lock() {
        *slot = Some(imported.workshop);
    }
    Ok(Some(preview))
}

/// Opens the previewed workshop in place of the current one (after settling unsaved changes).
#[tauri::command]
pub async fn apply_import<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    pending: State<'_, PendingImport>,
) -> Result<WorkshopView, CommandError> {
    if !settle_unsaved(&app, &state).await? {
        return Ok(show(&app, &*state.lock()?));
    }
    let workshop = pending
        .0
        .lock()
        .ok()
        .and_then(|mut slot| slot.take())
        .ok_or_else(|| CommandError::new(ErrorCode::BadRequest, "there is no import to apply"))?;
    let view = {
        let mut current = state.lock()?;
        *current = Session::new(Document::new(workshop), None, None);
        crate::room::workshop_changed(&app, &current);
        show(&app, &current)
    };
    crate::state::warm_save_memo(&app);
    Ok(view)
}
