//! Exports of a workshop: charts (PNG/SVG through plotters with an embedded font), a native
//! PowerPoint deck, CSV, JSON and a Markdown report. Exports only read a workshop; user text is
//! always escaped for the format it lands in.
//!
//! The entry points for the app and the command line:
//! - [`ChartRequest::resolve`]: the chart a person asked for (kind, perspectives, defaults and
//!   refusals), decided here for the app and the command line alike;
//! - [`chart::Chart`] with [`chart::render`]: one chart as PNG or SVG bytes;
//! - [`deck::build_deck`]: the whole .pptx, with a progress callback;
//! - [`csv::to_csv`], [`json::to_json`], [`markdown::report`]: the data;
//! - [`export_to_path`]: any of them to a file (and the report's images beside it), every file
//!   through [`write_file`], an atomic write.

pub mod chart;
pub mod csv;
pub mod deck;
mod error;
pub mod fonts;
pub mod glyphs;
pub mod json;
pub mod markdown;
pub mod pptx;
pub mod record;
pub mod record_slides;
pub mod scene;
pub mod shapes;
pub mod shaping;
pub mod style;
pub mod template;
pub mod text;
pub mod trend_deck;

use std::path::{Path, PathBuf};

pub use chart::{render, Chart, ChartKind, ChartRequest, ChartSize, ImageFormat};
pub use deck::{build_deck, ChartStyle, DeckOptions, DeckProgress};
pub use error::ExportError;

/// Writes `bytes` to `path` atomically and durably: a temporary file beside it, fsynced, renamed
/// over the target. On failure the file that was there before is left as it was.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let io = |source| ExportError::Io {
        path: path.display().to_string(),
        source,
    };
    crate::store::atomic::write(path, bytes).map_err(|e| io(e.into()))?;
    Ok(())
}

/// What to export, for [`export_to_path`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportRequest {
    Chart {
        chart: Chart,
        format: ImageFormat,
        size: ChartSize,
    },
    Deck(DeckOptions),
    Csv,
    Json,
    /// The report, with its charts as PNG files beside it.
    Markdown {
        size: ChartSize,
    },
}

/// Exports `w` to `path` and returns every file written, `path` last. `progress` hears about
/// the deck's steps (other exports are one step). Nothing is written when building fails; each
/// file is written atomically.
pub fn export_to_path(
    w: &crate::Workshop,
    request: &ExportRequest,
    path: &Path,
    progress: &mut dyn FnMut(DeckProgress),
) -> Result<Vec<PathBuf>, ExportError> {
    let mut written = Vec::new();
    let bytes = match request {
        ExportRequest::Chart {
            chart,
            format,
            size,
        } => render(w, chart, *format, *size)?,
        ExportRequest::Deck(options) => build_deck(w, options, progress)?,
        ExportRequest::Csv => csv::to_csv(w)?.into_bytes(),
        ExportRequest::Json => json::to_json(w)?.into_bytes(),
        ExportRequest::Markdown { size } => {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let report = markdown::report(w, &stem, *size)?;
            let dir = path.parent().unwrap_or_else(|| Path::new(""));
            for (name, png) in &report.images {
                let image = dir.join(name);
                write_file(&image, png)?;
                written.push(image);
            }
            report.text.into_bytes()
        }
    };
    write_file(path, &bytes)?;
    written.push(path.to_path_buf());
    Ok(written)
}
