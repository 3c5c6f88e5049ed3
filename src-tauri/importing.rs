//! Importing a CSV (from Jira, ServiceNow, a spreadsheet) as a new workshop, in two steps: Rust
//! asks for the file and the engine previews it (what each column becomes, the detected
//! delimiter and encoding, the type values, warnings by line); the facilitator may change the
//! mapping, which previews again; only then, after unsaved changes are settled, does the
//! engine build the workshop under the final mapping and it replaces the open one. The shell
//! keeps no import logic: reading, recognising and building are the engine's (`import`). What
//! it adds is memory: the mapping used is remembered per set of header names on this machine,
//! in the app's data folder, never inside a workshop.

use std::path::{Path, PathBuf};

use parallax_engine::import::{self, ImportOptions, ImportPreview, ImportSettings};
use parallax_engine::{Document, Template};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::clock::now;
use crate::error::{CommandError, ErrorCode};
use crate::files::settle_unsaved;
use crate::state::{AppState, Session, WorkshopView};
use crate::window::show;

/// The file being imported, read once, waiting for the facilitator's mapping and go.
pub struct Pending {
    path: PathBuf,
    bytes: Vec<u8>,
    title: String,
    header_key: String,
}

#[derive(Default)]
pub struct PendingImport(pub std::sync::Mutex<Option<Pending>>);

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
        .add_filter("CSV", &["csv", "txt", "tsv"]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .ok()
        .flatten()?;
    picked.into_path().ok()
}

fn options(title: &str, settings: ImportSettings) -> ImportOptions {
    ImportOptions {
        title: title.to_owned(),
        template: Template::FiveByFive,
        now: now(),
        settings,
    }
}

fn cannot(path: &Path, e: impl std::fmt::Display) -> CommandError {
    CommandError::new(ErrorCode::CannotOpen, format!("{}: {e}", path.display()))
}

/// Without `settings`: asks for a CSV and previews it (with the mapping remembered for its
/// header, if any); None when the user cancels. With `settings`: previews the file already
/// chosen again under them (a changed delimiter, encoding or mapping).
#[tauri::command]
pub async fn preview_import<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    pending: State<'_, PendingImport>,
    settings: Option<ImportSettings>,
) -> Result<Option<ImportPreview>, CommandError> {
    if let Some(settings) = settings {
        let slot = pending
            .0
            .lock()
            .map_err(|_| CommandError::new(ErrorCode::BadRequest, "the import is unavailable"))?;
        let p = slot.as_ref().ok_or_else(|| {
            CommandError::new(ErrorCode::BadRequest, "there is no import to preview")
        })?;
        return import::preview(&p.bytes, &options(&p.title, settings))
            .map(Some)
            .map_err(|e| cannot(&p.path, e));
    }
    let Some(path) = pick_csv(&app, &state).await else {
        return Ok(None);
    };
    let bytes = import::read_csv_file(&path)
        .map_err(|e| CommandError::new(ErrorCode::CannotOpen, e.to_string()))?;
    let title = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Imported changes".into());
    let mut preview = import::preview(&bytes, &options(&title, ImportSettings::default()))
        .map_err(|e| cannot(&path, e))?;
    let remembered = state
        .data_dir
        .get()
        .and_then(|dir| remembered::get(dir, &preview.header_key));
    if let Some(settings) = remembered {
        // A remembered mapping that no longer fits the file (it cannot, for the same header,
        // unless the file was edited by hand) is dropped for the recognised one.
        if let Ok(again) = import::preview(&bytes, &options(&title, settings)) {
            preview = again;
        }
    }
    if let Ok(mut slot) = pending.0.lock() {
        *slot = Some(Pending {
            path,
            bytes,
            title,
            header_key: preview.header_key.clone(),
        });
    }
    Ok(Some(preview))
}

/// Builds the workshop under the facilitator's final `settings` and opens it in place of the
/// current one (after settling unsaved changes); remembers the mapping for this header.
#[tauri::command]
pub async fn apply_import<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    pending: State<'_, PendingImport>,
    settings: ImportSettings,
) -> Result<WorkshopView, CommandError> {
    if !settle_unsaved(&app, &state).await? {
        return Ok(show(&app, &*state.lock()?));
    }
    let file = pending
        .0
        .lock()
        .ok()
        .and_then(|mut slot| slot.take())
        .ok_or_else(|| CommandError::new(ErrorCode::BadRequest, "there is no import to apply"))?;
    let workshop = match import::apply(&file.bytes, &options(&file.title, settings.clone())) {
        Ok(w) => w,
        Err(e) => {
            let err = cannot(&file.path, e);
            // Kept, so that the facilitator can change the mapping and try again.
            if let Ok(mut slot) = pending.0.lock() {
                *slot = Some(file);
            }
            return Err(err);
        }
    };
    if let Some(dir) = state.data_dir.get() {
        remembered::put(dir, &file.header_key, settings);
    }
    let view = {
        let mut current = state.lock()?;
        *current = Session::new(Document::new(workshop), None, None);
        show(&app, &current)
    };
    crate::state::warm_save_memo(&app);
    Ok(view)
}

/// Mappings remembered per header (`import-mappings.json` in the data folder): newest first,
/// at most `KEEP` of them, the file read bounded. A file that cannot be read or parsed is
/// ignored with a log line and replaced at the next import; it must never stop an import.
mod remembered {
    use std::io::Read;
    use std::path::{Path, PathBuf};

    use parallax_engine::import::ImportSettings;

    const FILE: &str = "import-mappings.json";
    const KEEP: usize = 50;
    /// 50 mappings of 1,000 columns fit in well under this.
    const MAX_BYTES: u64 = 4 * 1024 * 1024;

    type Entries = Vec<(String, ImportSettings)>;

    fn path(dir: &Path) -> PathBuf {
        dir.join(FILE)
    }

    fn load(dir: &Path) -> Entries {
        let path = path(dir);
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
            Err(e) => {
                tracing::warn!(
                    "{}: remembered import mappings not read: {e}",
                    path.display()
                );
                return Vec::new();
            }
        };
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            tracing::warn!(
                "{}: not a regular file; remembered import mappings ignored",
                path.display()
            );
            return Vec::new();
        }
        let mut text = Vec::new();
        if let Err(e) = file.take(MAX_BYTES + 1).read_to_end(&mut text) {
            tracing::warn!(
                "{}: remembered import mappings not read: {e}",
                path.display()
            );
            return Vec::new();
        }
        if text.len() as u64 > MAX_BYTES {
            tracing::warn!("{}: larger than {MAX_BYTES} bytes; ignored", path.display());
            return Vec::new();
        }
        serde_json::from_slice(&text).unwrap_or_else(|e| {
            tracing::warn!(
                "{}: remembered import mappings ignored: {e}",
                path.display()
            );
            Vec::new()
        })
    }

    pub fn get(dir: &Path, key: &str) -> Option<ImportSettings> {
        load(dir)
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, s)| s)
    }

    pub fn put(dir: &Path, key: &str, settings: ImportSettings) {
        let mut entries = load(dir);
        entries.retain(|(k, _)| k != key);
        entries.insert(0, (key.to_owned(), settings));
        entries.truncate(KEEP);
        let written = serde_json::to_vec(&entries)
            .map_err(std::io::Error::other)
            .and_then(|bytes| {
                std::fs::create_dir_all(dir)?;
                let tmp = dir.join(format!("{FILE}.tmp"));
                std::fs::write(&tmp, bytes)?;
                std::fs::rename(&tmp, path(dir))
            });
        if let Err(e) = written {
            tracing::warn!(
                "{}: import mapping not remembered: {e}",
                path(dir).display()
            );
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use parallax_engine::import::{ColumnRole, Delimiter};

        fn settings(role: ColumnRole) -> ImportSettings {
            ImportSettings {
                delimiter: Some(Delimiter::Semicolon),
                columns: Some(vec![role]),
                ..ImportSettings::default()
            }
        }

        #[test]
        fn mappings_are_remembered_per_header_and_bounded() {
            let dir = tempfile::tempdir().unwrap();
            assert_eq!(get(dir.path(), "a"), None);
            put(dir.path(), "a", settings(ColumnRole::Title));
            put(dir.path(), "b", settings(ColumnRole::Ticket));
            put(dir.path(), "a", settings(ColumnRole::Description));
            assert_eq!(
                get(dir.path(), "a"),
                Some(settings(ColumnRole::Description))
            );
            assert_eq!(get(dir.path(), "b"), Some(settings(ColumnRole::Ticket)));
            for i in 0..KEEP {
                put(dir.path(), &format!("k{i}"), settings(ColumnRole::Title));
            }
            assert_eq!(load(dir.path()).len(), KEEP);
            assert_eq!(get(dir.path(), "a"), None, "the oldest went first");
        }

        #[test]
        fn a_broken_file_is_ignored_and_replaced() {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(path(dir.path()), "{ not json").unwrap();
            assert_eq!(get(dir.path(), "a"), None);
            put(dir.path(), "a", settings(ColumnRole::Title));
            assert_eq!(get(dir.path(), "a"), Some(settings(ColumnRole::Title)));
            std::fs::remove_file(path(dir.path())).unwrap();
            std::fs::create_dir(path(dir.path())).unwrap();
            assert_eq!(
                get(dir.path(), "a"),
                None,
                "a folder in its place is ignored"
            );
        }
    }
}
