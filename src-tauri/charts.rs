//! Charts the window shows, drawn by the engine (the one drawing of each, shared with export):
//! the gap map of the open workshop for the pair chosen in Compare, as SVG text the UI shows as
//! an image. While placements are hidden (blind mode before Reveal) there is nothing to draw,
//! as the analysis gives nothing: the reply is null. Otherwise the chart is drawn from the
//! workshop as the window's viewer may see it.
//!
//! It must never draw from placements the blind rule withholds, or choose the pair itself (the
//! analysis resolves it, as for Compare's figures).

use parallax_engine::analysis::{analyse, AnalysisOptions};
use parallax_engine::export::chart::{render, Chart};
use parallax_engine::export::{ChartSize, ImageFormat};
use tauri::State;

use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;

/// The gap map between `from` and `to` (ids or names; the first two perspectives when not
/// given) as SVG text, 1920×1080; null while placements are hidden.
#[tauri::command]
pub async fn gap_map(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
) -> Result<Option<String>, CommandError> {
    let bad = |e: String| CommandError::new(ErrorCode::BadRequest, e);
    let options = AnalysisOptions {
        from,
        to,
        ..AnalysisOptions::default()
    };
    let (seen, chart) = {
        let session = state.lock()?;
        let w = session.doc.workshop();
        // The analysis resolves the pair as Compare's figures do, and keeps the blind rule:
        // what it hides, the chart must not show.
        let analysis = analyse(w, &options).map_err(|e| bad(e.to_string()))?;
        if analysis.hidden {
            return Ok(None);
        }
        let chart = Chart::GapMap {
            from: analysis.pair.from_id,
            to: analysis.pair.to_id,
        };
        (w.seen_by(&state.viewer()), chart)
    };
    let bytes = render(&seen, &chart, ImageFormat::Svg, ChartSize::HD).map_err(|e| {
        CommandError::new(ErrorCode::Internal, format!("cannot draw the gap map: {e}"))
    })?;
    String::from_utf8(bytes).map(Some).map_err(|e| {
        CommandError::new(ErrorCode::Internal, format!("the gap map is not text: {e}"))
    })
}
