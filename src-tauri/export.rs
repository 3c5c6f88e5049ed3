//! The Export command: the UI says what to export ("the deck", "the overlay chart as PNG"), Rust
//! asks where (a native save dialog — a path to write never comes from the web side), and the
//! engine renders it on a worker thread while progress flows back over an IPC channel. The
//! rendering itself is all the engine's, and so is the choice of chart (the engine's
//! `ChartRequest`, with its defaults and refusals); this only translates the choice and owns the
//! thread.
//!
//! The deck's company template is chosen once per machine ("Use a template…") and remembered in
//! the app's data folder, never inside a workshop; the UI sees its name and folder, never sends a
//! path. A remembered template that can no longer be read refuses the deck before anything is
//! asked or written, saying so, rather than silently using Parallax's own layout.

use std::path::{Path, PathBuf};

use parallax_engine::export::template::Template;
use parallax_engine::export::{
    export_to_path, ChartRequest, ChartSize, ChartStyle, DeckOptions, ExportRequest, ImageFormat,
};
use parallax_engine::Workshop;
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use crate::dialogs;
use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportKind {
    /// A PowerPoint deck (.pptx) with every chart, the contested table and speaker notes.
    Deck,
    Png,
    Svg,
    Csv,
    Json,
    /// A Markdown report with its charts as PNG files beside it.
    Markdown,
}

/// What the user chose in the Export dialog.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
pub struct ExportChoice {
    pub kind: ExportKind,
    /// For PNG and SVG: which chart, resolved by the engine (none: the engine's default chart).
    #[ts(optional = nullable)]
    pub chart: Option<ChartRequest>,
    /// 3840×2160 instead of 1920×1080 for pictures.
    #[serde(default)]
    pub uhd: bool,
    /// For the deck: charts as editable shapes (the default) or as pictures.
    #[serde(default)]
    pub charts: DeckCharts,
    /// For the deck: the pairs of perspectives compared, by id; empty: every pair once.
    #[serde(default)]
    pub pairs: Vec<PerspectivePair>,
}

/// How the deck's charts are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum DeckCharts {
    /// Native shapes a person can edit (a chart with very many markers is a picture anyway).
    #[default]
    Shapes,
    Pictures,
}

/// Two perspectives the deck compares, first → second.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
pub struct PerspectivePair {
    pub from: String,
    pub to: String,
}

/// The company template the deck is built on, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TemplateChoice {
    pub name: String,
    pub folder: String,
}

/// How far an export is, for the progress bar.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportProgress {
    pub done: u32,
    pub total: u32,
    pub step: String,
}

/// What an export wrote (file names, for the message), or nothing when the user cancelled.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportOutcome {
    pub files: Vec<String>,
    pub cancelled: bool,
}

fn bad(message: impl Into<String>) -> CommandError {
    CommandError::new(ErrorCode::BadRequest, message)
}

/// The engine request for a choice, and the file extension it writes.
pub fn request_for(
    w: &Workshop,
    choice: &ExportChoice,
) -> Result<(ExportRequest, &'static str), CommandError> {
    let size = if choice.uhd {
        ChartSize::UHD
    } else {
        ChartSize::HD
    };
    let chart = || {
        choice
            .chart
            .clone()
            .unwrap_or_default()
            .resolve(w)
            .map_err(|e| bad(e.to_string()))
    };
    Ok(match choice.kind {
        ExportKind::Deck => (
            ExportRequest::Deck(DeckOptions {
                charts: match choice.charts {
                    DeckCharts::Shapes => ChartStyle::Shapes,
                    DeckCharts::Pictures => ChartStyle::Pictures,
                },
                pairs: choice
                    .pairs
                    .iter()
                    .map(|p| (p.from.clone(), p.to.clone()))
                    .collect(),
                ..DeckOptions::default()
            }),
            "pptx",
        ),
        ExportKind::Png => (
            ExportRequest::Chart {
                chart: chart()?,
                format: ImageFormat::Png,
                size,
            },
            "png",
        ),
        ExportKind::Svg => (
            ExportRequest::Chart {
                chart: chart()?,
                format: ImageFormat::Svg,
                size,
            },
            "svg",
        ),
        ExportKind::Csv => (ExportRequest::Csv, "csv"),
        ExportKind::Json => (ExportRequest::Json, "json"),
        ExportKind::Markdown => (ExportRequest::Markdown { size }, "md"),
    })
}

/// Where the save dialog opens: the workshop's own folder, when it has a file.
pub fn export_folder(workshop_file: Option<&Path>) -> Option<PathBuf> {
    workshop_file
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
}

#[tauri::command]
pub async fn export<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    choice: ExportChoice,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportOutcome, CommandError> {
    let (workshop, folder) = {
        let session = state.lock()?;
        (
            session.doc.workshop().clone(),
            export_folder(session.path.as_deref()),
        )
    };
    let (mut request, extension) = request_for(&workshop, &choice)?;
    if let ExportRequest::Deck(options) = &mut request {
        // Read and checked before asking where: a template that fails writes nothing.
        options.template = remembered_template(&state).await?.map(|(t, _)| t);
    }
    let stem = match choice.kind {
        ExportKind::Png | ExportKind::Svg => format!(
            "{} - {}",
            workshop.title,
            choice.chart.as_ref().map(|c| c.kind).unwrap_or_default()
        )
        .to_lowercase(),
        _ => workshop.title.clone(),
    };
    let Some(path) = dialogs::export_path(
        &app,
        state.dialog_override.as_ref(),
        &stem,
        extension,
        folder,
    )
    .await
    else {
        return Ok(ExportOutcome {
            files: Vec::new(),
            cancelled: true,
        });
    };
    let written = tauri::async_runtime::spawn_blocking(move || {
        export_to_path(&workshop, &request, &path, &mut |p| {
            let _ = on_progress.send(ExportProgress {
                done: u32::try_from(p.done).unwrap_or(u32::MAX),
                total: u32::try_from(p.total).unwrap_or(u32::MAX),
                step: p.step,
            });
        })
    })
    .await
    .map_err(|e| CommandError::new(ErrorCode::Internal, format!("the export stopped: {e}")))?
    .map_err(|e| CommandError::new(ErrorCode::CannotSave, e.to_string()))?;
    tracing::info!("exported {} file(s)", written.len());
    Ok(ExportOutcome {
        files: written.iter().map(|p| p.display().to_string()).collect(),
        cancelled: false,
    })
}

/// The deck template remembered on this machine, read and checked, with its name as the UI
/// shows it; None when none is remembered. One that can no longer be used is an error, so that a
/// deck is refused before anything is asked or written rather than quietly built without it.
/// The workshop's Export and the Trends view's slides share it.
pub async fn remembered_template(
    state: &AppState,
) -> Result<Option<(Template, TemplateChoice)>, CommandError> {
    let Some(path) = state.data_dir.get().and_then(|d| remembered::get(d)) else {
        return Ok(None);
    };
    let choice = choice_of(&path);
    Ok(Some((open_template(path).await?, choice)))
}

/// Reads and checks a template off the async runtime (it may be tens of megabytes).
async fn open_template(path: PathBuf) -> Result<Template, CommandError> {
    tauri::async_runtime::spawn_blocking(move || Template::open(&path))
        .await
        .map_err(|e| CommandError::new(ErrorCode::Internal, format!("the template stopped: {e}")))?
        .map_err(|e| CommandError::new(ErrorCode::CannotOpen, e.to_string()))
}

fn choice_of(path: &Path) -> TemplateChoice {
    TemplateChoice {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        folder: path
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
    }
}

/// The template the deck is built on, if one is remembered on this machine.
#[tauri::command]
pub fn export_template(state: State<'_, AppState>) -> Option<TemplateChoice> {
    let path = remembered::get(state.data_dir.get()?)?;
    Some(choice_of(&path))
}

/// Asks for a template (.pptx or .potx), checks it and remembers it on this machine; None
/// (and the previous choice kept) when the user cancels. A file that is not a usable template
/// is refused with the engine's reason, and not remembered.
#[tauri::command]
pub async fn choose_export_template<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<TemplateChoice>, CommandError> {
    let Some(dir) = state.data_dir.get().cloned() else {
        return Err(CommandError::new(
            ErrorCode::Internal,
            "the app's data folder is unavailable, so a template cannot be remembered",
        ));
    };
    let Some(path) = pick_template(&app, &state).await else {
        return Ok(None);
    };
    open_template(path.clone()).await?;
    remembered::put(&dir, &path).map_err(|e| {
        CommandError::new(
            ErrorCode::CannotSave,
            format!("the template choice was not remembered: {e}"),
        )
    })?;
    Ok(Some(choice_of(&path)))
}

/// Back to Parallax's own layout: forgets the remembered template.
#[tauri::command]
pub fn forget_export_template(state: State<'_, AppState>) -> Result<(), CommandError> {
    if let Some(dir) = state.data_dir.get() {
        remembered::forget(dir).map_err(|e| {
            CommandError::new(
                ErrorCode::CannotSave,
                format!("the template choice was not forgotten: {e}"),
            )
        })?;
    }
    Ok(())
}

async fn pick_template<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> Option<PathBuf> {
    if let Some(o) = &state.dialog_override {
        // Test-only: the newest .pptx or .potx in the folder.
        return std::fs::read_dir(&o.dir)
            .ok()?
            .filter_map(Result::ok)
            .filter(|e| {
                e.path()
                    .extension()
                    .is_some_and(|x| x == "pptx" || x == "potx")
            })
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .max()
            .map(|(_, p)| p);
    }
    let dialog = app
        .dialog()
        .file()
        .set_title("Use a template for the deck")
        .add_filter("PowerPoint template", &["pptx", "potx"]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .ok()
        .flatten()?;
    picked.into_path().ok()
}

/// The template chosen on this machine (`export-template.json` in the data folder), read
/// bounded. A file that cannot be read or parsed is no choice (logged): it never stops an
/// export of Parallax's own deck.
mod remembered {
    use std::path::{Path, PathBuf};

    use parallax_engine::store;
    use serde::{Deserialize, Serialize};

    const FILE: &str = "export-template.json";
    /// One path: anything larger is not this file.
    const MAX_BYTES: u64 = 64 * 1024;

    #[derive(Serialize, Deserialize)]
    struct Remembered {
        template: PathBuf,
    }

    pub fn get(dir: &Path) -> Option<PathBuf> {
        let path = dir.join(FILE);
        let bytes = match store::read_bounded(&path, MAX_BYTES) {
            Ok(b) => b,
            Err(e) if e.is_not_found() => return None,
            Err(e) => {
                tracing::warn!("{}: the template choice is not read: {e}", path.display());
                return None;
            }
        };
        match serde_json::from_slice::<Remembered>(&bytes) {
            Ok(r) => Some(r.template),
            Err(e) => {
                tracing::warn!("{}: the template choice is ignored: {e}", path.display());
                None
            }
        }
    }

    pub fn put(dir: &Path, template: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let bytes = serde_json::to_vec_pretty(&Remembered {
            template: template.to_path_buf(),
        })
        .map_err(std::io::Error::other)?;
        // The store's atomic writer: never half a file, never through a planted link.
        store::atomic::write(&dir.join(FILE), &bytes)?;
        Ok(())
    }

    pub fn forget(dir: &Path) -> std::io::Result<()> {
        match std::fs::remove_file(dir.join(FILE)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use parallax_engine::export::{Chart, ChartKind};
    use parallax_engine::PerspectiveId;

    use super::*;

    fn choice(json: serde_json::Value) -> ExportChoice {
        serde_json::from_value(json).expect("the UI's shape of a choice")
    }

    #[test]
    fn the_dialogs_choice_is_resolved_by_the_engine() {
        let w = parallax_engine::sample::workshop();
        let id = PerspectiveId::new;
        // No chart said: the engine's default, the overlay of the first two perspectives.
        let (request, ext) = request_for(&w, &choice(serde_json::json!({"kind": "png"}))).unwrap();
        assert_eq!(ext, "png");
        assert!(matches!(
            request,
            ExportRequest::Chart { chart: Chart::Overlay { from, to }, .. }
                if from == id("dev") && to == id("ops")
        ));
        assert_eq!(ChartKind::default(), ChartKind::Overlay);
        // The UI sends ids; the engine resolves them.
        let (request, _) = request_for(
            &w,
            &choice(serde_json::json!({
                "kind": "svg",
                "chart": {"kind": "gaps", "perspectives": ["ops", "dev"]},
            })),
        )
        .unwrap();
        assert!(matches!(
            request,
            ExportRequest::Chart { chart: Chart::Gaps { from, to }, .. }
                if from == id("ops") && to == id("dev")
        ));
    }

    #[test]
    fn the_deck_takes_the_dialogs_charts_and_pairs() {
        let w = parallax_engine::sample::workshop();
        let (request, ext) = request_for(&w, &choice(serde_json::json!({"kind": "deck"}))).unwrap();
        assert_eq!(ext, "pptx");
        let ExportRequest::Deck(options) = request else {
            panic!("a deck")
        };
        assert_eq!(options.charts, ChartStyle::Shapes, "shapes unless asked");
        assert!(options.pairs.is_empty(), "every pair unless asked");
        let (request, _) = request_for(
            &w,
            &choice(serde_json::json!({
                "kind": "deck",
                "charts": "pictures",
                "pairs": [{"from": "ops", "to": "dev"}],
            })),
        )
        .unwrap();
        let ExportRequest::Deck(options) = request else {
            panic!("a deck")
        };
        assert_eq!(options.charts, ChartStyle::Pictures);
        assert_eq!(options.pairs, vec![("ops".to_owned(), "dev".to_owned())]);
    }

    #[test]
    fn exports_start_in_the_workshops_folder() {
        assert_eq!(
            export_folder(Some(Path::new("/work/shop/q3.parallax"))),
            Some(PathBuf::from("/work/shop"))
        );
        assert_eq!(export_folder(Some(Path::new("q3.parallax"))), None);
        assert_eq!(export_folder(None), None);
    }

    #[test]
    fn the_same_perspective_twice_is_a_bad_request_before_any_dialog() {
        let w = parallax_engine::sample::workshop();
        let err = request_for(
            &w,
            &choice(serde_json::json!({
                "kind": "png",
                "chart": {"kind": "overlay", "perspectives": ["dev", "dev"]},
            })),
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::BadRequest);
        assert!(err.message.contains("with itself"), "{}", err.message);
    }
}
