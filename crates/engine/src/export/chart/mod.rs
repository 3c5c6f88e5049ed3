//! The charts a facilitator puts on slides: a matrix per perspective, the overlay of two
//! perspectives (a marker per perspective, an arrow from one to the other), the axis-gap chart
//! (per change, the likelihood gap beside the impact gap), the gap map (each change at its
//! impact and likelihood gap, quadrants in words), the consensus matrix and inherent → residual
//! arrows, and the mitigation mix (per perspective, how many mitigations lower each axis). Each is laid out as a [`Scene`] on a 1920×1080 canvas and painted as PNG
//! (1920×1080 or 3840×2160) or SVG.
//!
//! Made for a projector and a greyscale printout: big type, perspectives told apart by marker
//! shape as well as colour, every cell labelled with its score and band. Crowded cells show what
//! fits and "+N more"; long titles end in "…"; nothing is drawn outside the canvas. It must never
//! compute statistics of its own: gaps, their order and inherent cells come from `crate::analysis`.
//!
//! This file names the charts, dispatches to one file per chart (`matrix` for the card charts,
//! `overlay`, `gaps`, `gap_map`, `residual`, `mix`; `trend` for the chart across workshops) over what they share (`grid`, `markers`), and paints a scene.
//! Which chart a person asked for is resolved in `request`.

use plotters::prelude::*;

use super::scene::{self, Scene};
use super::text::one_line;
use super::ExportError;
use crate::{PerspectiveId, Workshop};

mod gap_map;
mod gaps;
mod grid;
mod markers;
mod matrix;
mod mix;
mod overlay;
mod request;
mod residual;
#[cfg(test)]
pub(crate) mod tests;
mod trend;

pub(crate) use gaps::analysis_error;
pub use gaps::{analyse_pair, pair_rows, GapRow};
pub use mix::{mitigation_count, mix_rows};
pub use request::{ChartKind, ChartRequest};
pub use trend::{scene as trend_scene, title as trend_title};

/// Which chart to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chart {
    /// One perspective's placements as cards on the matrix.
    Matrix { perspective: PerspectiveId },
    /// Two perspectives' placements as markers, with an arrow from `from` to `to`.
    Overlay {
        from: PerspectiveId,
        to: PerspectiveId,
    },
    /// Per change, the signed likelihood gap beside the impact gap (`to` − `from`).
    Gaps {
        from: PerspectiveId,
        to: PerspectiveId,
    },
    /// Each change at (impact gap, likelihood gap), `to` − `from`, quadrants named in words.
    GapMap {
        from: PerspectiveId,
        to: PerspectiveId,
    },
    /// The consensus placements as cards on the matrix.
    Consensus,
    /// An arrow from each change's inherent (consensus) cell to its residual cell.
    Residual,
    /// Per perspective (and "not recorded"), how many mitigations it proposed that lower
    /// likelihood and how many lower impact.
    MitigationMix,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Svg,
}

/// The size of a rendered chart; both are 16:9.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartSize {
    pub width: u32,
    pub height: u32,
}

impl ChartSize {
    pub const HD: ChartSize = ChartSize {
        width: 1920,
        height: 1080,
    };
    pub const UHD: ChartSize = ChartSize {
        width: 3840,
        height: 2160,
    };

    /// "1920x1080" or "3840x2160".
    pub fn parse(s: &str) -> Option<ChartSize> {
        match s.trim().to_ascii_lowercase().replace('×', "x").as_str() {
            "1920x1080" => Some(ChartSize::HD),
            "3840x2160" => Some(ChartSize::UHD),
            _ => None,
        }
    }
}

impl Chart {
    /// Which kind of chart this is.
    pub fn kind(&self) -> ChartKind {
        match self {
            Chart::Matrix { .. } => ChartKind::Matrix,
            Chart::Overlay { .. } => ChartKind::Overlay,
            Chart::Gaps { .. } => ChartKind::Gaps,
            Chart::GapMap { .. } => ChartKind::GapMap,
            Chart::Consensus => ChartKind::Consensus,
            Chart::Residual => ChartKind::Residual,
            Chart::MitigationMix => ChartKind::MitigationMix,
        }
    }

    /// The charts of a whole export, in slide order: a matrix per perspective, then the overlay
    /// gap map and gaps of the first two perspectives, the consensus and the residual chart,
    /// and the mitigation mix when any mitigation is recorded.
    pub fn all(w: &Workshop) -> Vec<Chart> {
        let mut charts: Vec<Chart> = w
            .perspectives
            .iter()
            .map(|p| Chart::Matrix {
                perspective: p.id.clone(),
            })
            .collect();
        if let [a, b, ..] = w.perspectives.as_slice() {
            charts.push(Chart::Overlay {
                from: a.id.clone(),
                to: b.id.clone(),
            });
            charts.push(Chart::GapMap {
                from: a.id.clone(),
                to: b.id.clone(),
            });
            charts.push(Chart::Gaps {
                from: a.id.clone(),
                to: b.id.clone(),
            });
        }
        charts.push(Chart::Consensus);
        charts.push(Chart::Residual);
        if mitigation_count(w) > 0 {
            charts.push(Chart::MitigationMix);
        }
        charts
    }

    /// The chart's title, as on the chart and its slide.
    pub fn title(&self, w: &Workshop) -> Result<String, ExportError> {
        Ok(match self {
            Chart::Matrix { perspective } => {
                format!(
                    "{}: where {} placed the changes",
                    one_line(&w.title),
                    name(w, perspective)?
                )
            }
            Chart::Overlay { from, to } => {
                format!(
                    "{} vs {}: the same changes, seen from two places",
                    name(w, from)?,
                    name(w, to)?
                )
            }
            Chart::Gaps { from, to } => {
                format!(
                    "Where {} and {} disagree, axis by axis",
                    name(w, from)?,
                    name(w, to)?
                )
            }
            Chart::GapMap { from, to } => {
                format!(
                    "{} vs {}: the shape of the disagreement",
                    name(w, from)?,
                    name(w, to)?
                )
            }
            Chart::Consensus => "Consensus: where the room agreed each change sits".to_owned(),
            Chart::Residual => "Inherent → residual: what the mitigations buy".to_owned(),
            Chart::MitigationMix => {
                "Who lowers what: the mitigations each perspective proposed".to_owned()
            }
        })
    }

    /// A short name for files: `matrix-dev`, `overlay-dev-ops`, `consensus`…
    pub fn slug(&self, w: &Workshop) -> String {
        let id = |p: &PerspectiveId| {
            let i = w.perspectives.iter().position(|x| &x.id == p).unwrap_or(0);
            let s: String =
                p.0.chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
            if s.is_empty() {
                format!("p{}", i + 1)
            } else {
                s
            }
        };
        match self {
            Chart::Matrix { perspective } => format!("matrix-{}", id(perspective)),
            Chart::Overlay { from, to } => format!("overlay-{}-{}", id(from), id(to)),
            Chart::Gaps { from, to } => format!("gaps-{}-{}", id(from), id(to)),
            Chart::GapMap { from, to } => format!("gap-map-{}-{}", id(from), id(to)),
            Chart::Consensus => "consensus".to_owned(),
            Chart::Residual => "residual".to_owned(),
            Chart::MitigationMix => "mitigation-mix".to_owned(),
        }
    }

    /// Lays the chart out on the picture's 1920×1080 canvas.
    pub fn scene(&self, w: &Workshop) -> Result<Scene, ExportError> {
        self.scene_with_title(w, true, scene::WIDTH)
    }

    /// The chart without its title line, for a slide whose own title sits in that band, on a
    /// canvas `width` wide (see [`canvas_width`]): a 4:3 slide gets a narrower grid rather than
    /// a smaller picture of a 16:9 one.
    pub fn scene_for_slide(&self, w: &Workshop, width: f64) -> Result<Scene, ExportError> {
        self.scene_with_title(w, false, width)
    }

    fn scene_with_title(
        &self,
        w: &Workshop,
        show_title: bool,
        width: f64,
    ) -> Result<Scene, ExportError> {
        if let Chart::Overlay { from, to } | Chart::Gaps { from, to } | Chart::GapMap { from, to } =
            self
        {
            // `ChartRequest::resolve` refuses such a request with the names; a chart built
            // directly is refused here, once for every chart of a pair.
            if from == to {
                return Err(ExportError::NotApplicable(format!(
                    "the {} chart compares two different perspectives",
                    self.kind().name()
                )));
            }
        }
        let title = self.title(w)?;
        let title = if show_title { title } else { String::new() };
        match self {
            Chart::Matrix { perspective } => matrix::perspective(w, &title, perspective, width),
            Chart::Consensus => Ok(matrix::consensus(w, &title, width)),
            Chart::Overlay { from, to } => overlay::scene(w, &title, from, to, width),
            Chart::Gaps { from, to } => gaps::scene(w, &title, from, to, width),
            Chart::GapMap { from, to } => gap_map::scene(w, &title, from, to, width),
            Chart::Residual => Ok(residual::scene(w, &title, width)),
            Chart::MitigationMix => Ok(mix::scene(w, &title, width)),
        }
    }
}

/// The width of a canvas whose part below `crop_top` has the proportions of an area `cx` × `cy`
/// (a slide's content area), within the canvas' limits (`Scene::with_width`).
pub fn canvas_width(cx: f64, cy: f64, crop_top: f64) -> f64 {
    let visible = scene::HEIGHT - crop_top.clamp(0.0, scene::HEIGHT - 1.0);
    let width = cx / cy * visible;
    if width.is_finite() {
        width.clamp(scene::MIN_WIDTH, scene::MAX_WIDTH)
    } else {
        scene::WIDTH
    }
}

fn name(w: &Workshop, id: &PerspectiveId) -> Result<String, ExportError> {
    w.perspective(id)
        .map(|p| one_line(&p.name))
        .ok_or_else(|| unknown(w, &id.0))
}

/// The error for a perspective `w` does not have, naming the ones it has.
fn unknown(w: &Workshop, name: &str) -> ExportError {
    ExportError::UnknownPerspective {
        name: name.to_owned(),
        known: w
            .perspectives
            .iter()
            .map(|p| one_line(&p.name))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Renders `chart` of `w` as PNG or SVG bytes at `size`.
pub fn render(
    w: &Workshop,
    chart: &Chart,
    format: ImageFormat,
    size: ChartSize,
) -> Result<Vec<u8>, ExportError> {
    let scene = chart.scene(w)?;
    render_scene(&scene, format, size)
}

/// Renders the trend across workshops (see `trend.rs`) as PNG or SVG bytes at `size`.
pub fn render_trend(
    t: &crate::analysis::trend::Trend,
    format: ImageFormat,
    size: ChartSize,
) -> Result<Vec<u8>, ExportError> {
    render_scene(&trend::scene(t, scene::WIDTH, true)?, format, size)
}

/// Paints a laid-out scene as PNG or SVG bytes.
pub fn render_scene(
    scene: &Scene,
    format: ImageFormat,
    size: ChartSize,
) -> Result<Vec<u8>, ExportError> {
    // The requested height; the width follows the scene's proportions (1920×1080 or 3840×2160
    // for a picture's 16:9 canvas).
    let hpx = size.height;
    let wpx = (f64::from(hpx) * scene.width() / scene::HEIGHT).round() as u32;
    match format {
        ImageFormat::Png => {
            let mut rgb = vec![0u8; (wpx as usize) * (hpx as usize) * 3];
            {
                let area = BitMapBackend::with_buffer(&mut rgb, (wpx, hpx)).into_drawing_area();
                scene::paint(scene, &area)?;
            }
            // Text last, from a glyph cache (see glyphs.rs): labels sit on top of shapes.
            scene::paint_text(scene, &mut rgb, wpx, hpx)?;
            encode_png(&rgb, wpx, hpx)
        }
        ImageFormat::Svg => {
            let mut svg = String::new();
            {
                let area = SVGBackend::with_string(&mut svg, (wpx, hpx)).into_drawing_area();
                scene::paint(scene, &area)?;
            }
            // Texts last, on top of the shapes as in the PNG, before the document closes.
            let text = scene::svg_text(scene, wpx)?;
            let end = svg.rfind("</svg>").ok_or_else(|| {
                ExportError::Render("the SVG backend wrote no closing tag".into())
            })?;
            svg.insert_str(end, &text);
            Ok(svg.into_bytes())
        }
    }
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::with_capacity(rgb.len() / 16);
    let e = |e: png::EncodingError| ExportError::Encode(e.to_string());
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        // Charts are flat colours: the fast compressor already makes them small.
        enc.set_compression(png::Compression::Fast);
        let mut writer = enc.write_header().map_err(e)?;
        writer.write_image_data(rgb).map_err(e)?;
        writer.finish().map_err(e)?;
    }
    Ok(out)
}
