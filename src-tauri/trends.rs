//! The Trends view's commands: several workshops side by side, to see whether two perspectives
//! converge over months. The facilitator chooses files in the open dialog (several at once, in
//! Rust) or ticks recent workshops; the UI then names each by its place in one of those two
//! lists, never by path, as it opens recent workshops. Each file is read as `parallax-cli trend`
//! reads it: the engine's bounded load, no lock taken, never written, nothing in the open
//! workshop changed. The engine's `analysis::trend` orders them and computes every figure; the
//! chart is the engine's trend chart as SVG text. At most [`MAX_TREND_WORKSHOPS`] files per trend.
//!
//! The trend shown can be saved as the engine's chart (PNG or SVG) or slides: the figures are
//! computed again from the files (never taken from the web side), Rust asks where, and the
//! engine's atomic writer writes the one file chosen, on the deck template remembered for the
//! workshop's Export when there is one.
//!
//! It must never compute a statistic, take a document's lock, or write anything but that export,
//! and never over one of the workshops it follows.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use parallax_engine::analysis::trend::{
    trend as engine_trend, ChangeSeries, Trend, TrendInput, TrendPoint,
};
use parallax_engine::analysis::{AnalysisOptions, MIN_CHANGES_TO_READ};
use parallax_engine::export::chart::{render_trend, trend_title};
use parallax_engine::export::trend_deck::build_trend_deck;
use parallax_engine::export::{write_file, ChartSize, DeckOptions, ImageFormat};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;
use crate::{dialogs, export, recent};

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
    /// The engine's `MIN_CHANGES_TO_READ`: a workshop whose pair placed fewer changes than this
    /// has agreement figures too unstable to read much into.
    pub min_changes_to_read: u32,
}

/// What the Trends view saves of the trend it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum TrendExportKind {
    /// The trend chart as a 1920×1080 picture.
    Png,
    /// The trend chart as SVG.
    Svg,
    /// Slides (.pptx): a title slide, the chart as native shapes, the table of workshops and
    /// the changes followed across them.
    Deck,
}

/// What an export of the trend wrote.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TrendExported {
    /// The file written, as a path to show.
    pub file: String,
    /// Its name alone.
    pub name: String,
    /// The company template the slides are built on (its file name); null for a chart, and for
    /// slides in Parallax's own layout.
    pub template: Option<String>,
    /// The workshops on the trend.
    pub workshops: u32,
    /// The chosen files left out because they could not be read or analysed.
    pub left_out: u32,
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
    blocking(move || report(&paths, &options)).await
}

/// Saves the trend of `workshops` for `from` → `to` (as [`trend`] takes them) as `kind`: the
/// figures are computed again from the files, Rust asks where (starting in the folder of the
/// latest workshop), and the engine's atomic writer writes that one file. Slides are built on
/// the deck template remembered on this machine when there is one; a remembered template that
/// cannot be used refuses them before anything is asked or written. Refuses a trend no
/// workshop of which could be read, and a file chosen that is one of the workshops followed.
/// Null when the user cancels.
#[tauri::command]
pub async fn export_trend<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    chosen: State<'_, ChosenWorkshops>,
    workshops: Vec<TrendSource>,
    from: Option<String>,
    to: Option<String>,
    kind: TrendExportKind,
) -> Result<Option<TrendExported>, CommandError> {
    let paths = resolve(&state, &chosen, &workshops)?;
    let template = match kind {
        TrendExportKind::Deck => export::remembered_template(&state).await?,
        TrendExportKind::Png | TrendExportKind::Svg => None,
    };
    let options = AnalysisOptions {
        from,
        to,
        ..AnalysisOptions::default()
    };
    let read = paths.clone();
    let (t, failed) = blocking(move || Ok(load(&read, &options))).await?;
    let Some(latest) = t.points.last() else {
        return Err(CommandError::new(
            ErrorCode::BadRequest,
            "no workshop could be read, so there is no trend to save; nothing was written",
        ));
    };
    let folder = export::export_folder(Some(Path::new(&latest.file)));
    let extension = match kind {
        TrendExportKind::Png => "png",
        TrendExportKind::Svg => "svg",
        TrendExportKind::Deck => "pptx",
    };
    let over = state.dialog_override.as_ref();
    let Some(path) = dialogs::export_path(&app, over, &trend_title(&t), extension, folder).await
    else {
        return Ok(None);
    };
    if is_followed(&path, &paths) {
        return Err(CommandError::new(
            ErrorCode::CannotSave,
            format!(
                "{}: that is one of the workshops the trend follows; nothing was written",
                path.display()
            ),
        ));
    }
    let (template, template_name) = template.unzip();
    let exported = TrendExported {
        file: path.display().to_string(),
        name: file_name(&path),
        template: template_name.map(|c| c.name),
        workshops: u32::try_from(t.points.len()).unwrap_or(u32::MAX),
        left_out: u32::try_from(failed.len()).unwrap_or(u32::MAX),
    };
    blocking(move || {
        let bytes = match kind {
            TrendExportKind::Png => render_trend(&t, ImageFormat::Png, ChartSize::HD),
            TrendExportKind::Svg => render_trend(&t, ImageFormat::Svg, ChartSize::HD),
            TrendExportKind::Deck => build_trend_deck(
                &t,
                &DeckOptions {
                    template,
                    ..DeckOptions::default()
                },
            ),
        }
        .map_err(|e| {
            CommandError::new(ErrorCode::Internal, format!("cannot draw the trend: {e}"))
        })?;
        write_file(&path, &bytes)
            .map_err(|e| CommandError::new(ErrorCode::CannotSave, e.to_string()))
    })
    .await?;
    tracing::info!("saved the trend of {} workshop(s)", exported.workshops);
    Ok(Some(exported))
}

/// Runs `work` off the window's thread.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, CommandError> + Send + 'static,
) -> Result<T, CommandError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| CommandError::new(ErrorCode::Internal, format!("the trend stopped: {e}")))?
}

/// Whether `target` is one of the workshops `followed` (the same file by any of its names a
/// link or `..` gives it).
fn is_followed(target: &Path, followed: &[PathBuf]) -> bool {
    let Ok(target) = std::fs::canonicalize(target) else {
        // Nothing there yet (or unreachable): no workshop to write over.
        return false;
    };
    followed
        .iter()
        .any(|f| std::fs::canonicalize(f).is_ok_and(|f| f == target))
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

/// Reads `paths` and puts those that load on the trend; the others listed, in the order given.
fn load(paths: &[PathBuf], options: &AnalysisOptions) -> (Trend, Vec<TrendFailed>) {
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
        name: file_name(Path::new(&f.file)),
        message: f.error.to_string(),
    }));
    // Failures in the order the files were given, whichever step refused them.
    failed.sort_by_key(|f| {
        paths
            .iter()
            .position(|p| p.display().to_string() == f.file)
            .unwrap_or(usize::MAX)
    });
    (t, failed)
}

fn report(paths: &[PathBuf], options: &AnalysisOptions) -> Result<TrendReport, CommandError> {
    let (t, failed) = load(paths, options);
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
        min_changes_to_read: u32::try_from(MIN_CHANGES_TO_READ).unwrap_or(u32::MAX),
    })
}

fn file_name(path: &Path) -> String {
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
