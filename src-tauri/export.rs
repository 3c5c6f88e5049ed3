//! The Export command: the UI says what to export ("the deck", "the overlay chart as PNG"), Rust
//! asks where (a native save dialog — a path to write never comes from the web side), and the
//! engine renders it on a worker thread while progress flows back over an IPC channel. The
//! rendering itself is all the engine's, and so is the choice of chart (the engine's
//! `ChartRequest`, with its defaults and refusals); this only translates the choice and owns the
//! thread.

use std::path::PathBuf;

use parallax_engine::export::{
    export_to_path, ChartRequest, ChartSize, DeckOptions, ExportRequest, ImageFormat,
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
        ExportKind::Deck => (ExportRequest::Deck(DeckOptions::default()), "pptx"),
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

/// Asks where to write the export; None when the user cancels.
async fn target<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    stem: &str,
    extension: &str,
) -> Option<PathBuf> {
    let name = format!("{}.{extension}", dialogs::file_stem(stem));
    if let Some(o) = &state.dialog_override {
        return Some(o.dir.join(name));
    }
    let dialog = app
        .dialog()
        .file()
        .set_title("Export")
        .add_filter(extension.to_uppercase(), &[extension])
        .set_file_name(name);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .ok()
        .flatten()?;
    let path = picked.into_path().ok()?;
    Some(if path.extension().is_some_and(|e| e == extension) {
        path
    } else {
        path.with_extension(extension)
    })
}

#[tauri::command]
pub async fn export<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    choice: ExportChoice,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportOutcome, CommandError> {
    let workshop = state.lock()?.doc.workshop().clone();
    let (request, extension) = request_for(&workshop, &choice)?;
    let stem = match choice.kind {
        ExportKind::Png | ExportKind::Svg => format!(
            "{} - {}",
            workshop.title,
            choice.chart.as_ref().map(|c| c.kind).unwrap_or_default()
        )
        .to_lowercase(),
        _ => workshop.title.clone(),
    };
    let Some(path) = target(&app, &state, &stem, extension).await else {
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
