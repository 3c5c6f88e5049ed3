//! The Trends view's commands: several workshops side by side, to see whether two perspectives
//! converge over months. The facilitator chooses files in the open dialog (several at once, in
//! Rust) or ticks recent workshops; the UI then names each by its place in one of those two
//! lists, never by path, as it opens recent workshops. Each file is read as `parallax-cli trend`
//! reads it: the engine's bounded load, no lock taken, never written, nothing in the open
//! workshop changed. The engine's `analysis::trend` orders them and computes every figure; the
//! chart is the engine's trend chart as SVG text. At most [`MAX_TREND_WORKSHOPS`] files per trend.
//!
//! It must never compute a statistic, take a document's lock, or write anything.

use std::path::PathBuf;
use std::sync::Mutex;

use parallax_engine::analysis::trend::{
    trend as engine_trend, ChangeSeries, TrendInput, TrendPoint,
};
use parallax_engine::analysis::AnalysisOptions;
use parallax_engine::export::chart::render_trend;
use parallax_engine::export::{ChartSize, ImageFormat};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;
use crate::{dialogs, recent};

/// The most workshops one trend reads: a few years of monthly workshops, with room to spare.
/// Each file is read with the engine's bound on one workshop.
pub const MAX_TREND_WORKSHOPS: usize = 50;

/// The files chosen in the dialog during this run, in the order they were first chosen. The UI
/// names them by index; a path never comes back from the web side.
#[derive(Default)]
pub struct ChosenWorkshops(pub Mutex<Vec<PathBuf>>);

/// A workshop chosen in the dialog, as the UI shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ChosenWorkshop {
    /// Its place in the chosen list, to name it in [`TrendSource::Chosen`].
    pub index: u32,
    pub name: String,
    pub folder: String,
}

/// One workshop to put on the trend, by its place in a list Rust holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TrendSource {
    /// A file chosen in the dialog (`ChosenWorkshop::index`).
    Chosen { index: u32 },
    /// A recent workshop (`RecentFile::index`).
    Recent { index: u32 },
}

/// A file left out of the trend, and why.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TrendFailed {
    /// The path, as shown to the person who chose it.
    pub file: String,
    /// The file's name alone.
    pub name: String,
    pub message: String,
}

/// The trend as the Trends view shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TrendReport {
    /// The workshops that loaded, in date order (as `parallax-cli trend --json` prints them).
    pub points: Vec<TrendPoint>,
    /// The changes seen in two or more of them, by ticket, else exact title.
    pub series: Vec<ChangeSeries>,
    /// The files left out, in the order they were given.
    pub failed: Vec<TrendFailed>,
    /// The engine's trend chart (1920×1080 SVG); null when no workshop loaded.
    #[ts(optional = nullable)]
    pub chart_svg: Option<String>,
}

/// Asks (in Rust) for workshops to follow, several at once, and adds them to the chosen list
/// (a file already there keeps its place). Replies with the whole list; a cancelled dialog
/// adds nothing.
#[tauri::command]
pub async fn choose_trend_workshops<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    chosen: State<'_, ChosenWorkshops>,
) -> Result<Vec<ChosenWorkshop>, CommandError> {
    let picked = dialogs::open_paths(&app, state.dialog_override.as_ref()).await;
    let mut list = chosen.0.lock().map_err(|_| poisoned())?;
    for path in picked {
        if !list.contains(&path) {
            list.push(path);
        }
    }
    Ok(list
        .iter()
        .enumerate()
        .map(|(i, path)| ChosenWorkshop {
            index: u32::try_from(i).unwrap_or(u32::MAX),
            name: file_name(path),
            folder: path
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        })
        .collect())
}

/// The trend of `workshops` for the pair `from` → `to` (ids or names, chosen in each workshop
/// as `summary` chooses them; the first two perspectives when not given). Refuses an index that
/// names nothing and more than [`MAX_TREND_WORKSHOPS`] files; a file that cannot be read or
/// analysed is listed in `failed` with its error and left out.
#[tauri::command]
pub async fn trend(
    state: State<'_, AppState>,
    chosen: State<'_, ChosenWorkshops>,
    workshops: Vec<TrendSource>,
    from: Option<String>,
    to: Option<String>,
) -> Result<TrendReport, CommandError> {
    let paths = resolve(&state, &chosen, &workshops)?;
    let options = AnalysisOptions {
        from,
        to,
        ..AnalysisOptions::default()
    };
    // Reading up to fifty files and drawing the chart is no work for the window's thread.
    tauri::async_runtime::spawn_blocking(move || report(&paths, &options))
        .await
        .map_err(|e| {
            CommandError::new(
                ErrorCode::Internal,
                format!("cannot read the workshops: {e}"),
            )
        })?
}

/// The paths `sources` name, each once, in the order given.
fn resolve(
    state: &AppState,
    chosen: &ChosenWorkshops,
    sources: &[TrendSource],
) -> Result<Vec<PathBuf>, CommandError> {
    let list = chosen.0.lock().map_err(|_| poisoned())?.clone();
    let mut paths: Vec<PathBuf> = Vec::new();
    for source in sources {
        let path = match *source {
            TrendSource::Chosen { index } => list.get(index as usize).cloned(),
            TrendSource::Recent { index } => state
                .data_dir
                .get()
                .and_then(|dir| recent::path_at(dir, index)),
        };
        let Some(path) = path else {
            return Err(CommandError::new(
                ErrorCode::BadRequest,
                "a workshop chosen for the trend is no longer in its list: choose it again",
            ));
        };
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    if paths.len() > MAX_TREND_WORKSHOPS {
        return Err(CommandError::new(
            ErrorCode::BadRequest,
            format!(
                "a trend follows at most {MAX_TREND_WORKSHOPS} workshops; {} were chosen",
                paths.len()
            ),
        ));
    }
    Ok(paths)
}

fn report(paths: &[PathBuf], options: &AnalysisOptions) -> Result<TrendReport, CommandError> {
    let mut failed = Vec::new();
    let mut inputs = Vec::new();
    for path in paths {
        match parallax_engine::store::load_path(path) {
            Ok(loaded) => inputs.push(TrendInput::from_loaded(path, loaded)),
            Err(e) => failed.push(TrendFailed {
                file: path.display().to_string(),
                name: file_name(path),
                message: e.to_string(),
            }),
        }
    }
    let t = engine_trend(&inputs, options);
    failed.extend(t.failures.iter().map(|f| TrendFailed {
        file: f.file.clone(),
        name: file_name(std::path::Path::new(&f.file)),
        message: f.error.to_string(),
    }));
    // Failures in the order the files were given, whichever step refused them.
    failed.sort_by_key(|f| {
        paths
            .iter()
            .position(|p| p.display().to_string() == f.file)
            .unwrap_or(usize::MAX)
    });
    let chart_svg = if t.points.is_empty() {
        None
    } else {
        let bytes = render_trend(&t, ImageFormat::Svg, ChartSize::HD).map_err(|e| {
            CommandError::new(ErrorCode::Internal, format!("cannot draw the trend: {e}"))
        })?;
        Some(String::from_utf8(bytes).map_err(|e| {
            CommandError::new(
                ErrorCode::Internal,
                format!("the trend chart is not text: {e}"),
            )
        })?)
    };
    Ok(TrendReport {
        series: t.series(),
        points: t.points,
        failed,
        chart_svg,
    })
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn poisoned() -> CommandError {
    CommandError::new(
        ErrorCode::Internal,
        "the list of chosen workshops is unavailable after an earlier failure",
    )
}
