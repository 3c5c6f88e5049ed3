//! The charts a facilitator puts on slides: a matrix per perspective, the overlay of two
//! perspectives (a marker per perspective, an arrow from one to the other), the axis-gap chart
//! (per change, the likelihood gap beside the impact gap), the consensus matrix and inherent →
//! residual arrows. Each is laid out as a [`Scene`] on a 1920×1080 canvas and painted as PNG
//! (1920×1080 or 3840×2160) or SVG.
//!
//! Made for a projector and a greyscale printout: big type, perspectives told apart by marker
//! shape as well as colour, every cell labelled with its score and band. Crowded cells show what
//! fits and "+N more"; long titles end in "…"; nothing is drawn outside the canvas. It must never
//! compute statistics of its own: gaps, their order and inherent cells come from `crate::analysis`.

use plotters::prelude::*;

use super::scene::{self, text_width, Align, MarkerKind, Part, Rgb, Scene, Shape, HEIGHT, WIDTH};
use super::text::one_line;
use super::ExportError;
use crate::analysis::{analyse, Analysis, AnalysisError, AnalysisOptions, InherentSource};
use crate::{Axis, Cell, PerspectiveId, Workshop};

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
    /// The consensus placements as cards on the matrix.
    Consensus,
    /// An arrow from each change's inherent (consensus) cell to its residual cell.
    Residual,
}

/// The kinds of chart, as the command line names them.
pub const KINDS: [&str; 5] = ["matrix", "overlay", "gaps", "consensus", "residual"];

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
    /// The charts of a whole export, in slide order: a matrix per perspective, then the overlay
    /// and gaps of the first two perspectives, the consensus and the residual chart.
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
            charts.push(Chart::Gaps {
                from: a.id.clone(),
                to: b.id.clone(),
            });
        }
        charts.push(Chart::Consensus);
        charts.push(Chart::Residual);
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
            Chart::Consensus => "Consensus: where the room agreed each change sits".to_owned(),
            Chart::Residual => "Inherent → residual: what the mitigations buy".to_owned(),
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
            Chart::Consensus => "consensus".to_owned(),
            Chart::Residual => "residual".to_owned(),
        }
    }

    /// Lays the chart out on the 1920×1080 canvas.
    pub fn scene(&self, w: &Workshop) -> Result<Scene, ExportError> {
        self.scene_with_title(w, true)
    }

    /// The chart without its title line, for a slide whose own title sits in that band.
    pub fn scene_for_slide(&self, w: &Workshop) -> Result<Scene, ExportError> {
        self.scene_with_title(w, false)
    }

    fn scene_with_title(&self, w: &Workshop, show_title: bool) -> Result<Scene, ExportError> {
        let title = self.title(w)?;
        let title = if show_title { title } else { String::new() };
        match self {
            Chart::Matrix { perspective } => {
                let cards = w
                    .changes
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| {
                        Some((
                            i + 1,
                            c.title.as_str(),
                            c.placements.get(perspective)?.cell(),
                        ))
                    })
                    .collect::<Vec<_>>();
                let unplaced = w.changes.len() - cards.len();
                let subtitle = count_line(cards.len(), unplaced, "not placed by this perspective");
                Ok(card_matrix(
                    w,
                    &title,
                    &subtitle,
                    &name(w, perspective)?,
                    &cards,
                ))
            }
            Chart::Consensus => {
                let cards = w
                    .changes
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| Some((i + 1, c.title.as_str(), c.consensus?)))
                    .collect::<Vec<_>>();
                let missing = w.changes.len() - cards.len();
                let subtitle = count_line(cards.len(), missing, "without a consensus yet");
                Ok(card_matrix(w, &title, &subtitle, "Consensus", &cards))
            }
            Chart::Overlay { from, to } => overlay(w, &title, from, to),
            Chart::Gaps { from, to } => gaps(w, &title, from, to),
            Chart::Residual => Ok(residual(w, &title)),
        }
    }
}

fn name(w: &Workshop, id: &PerspectiveId) -> Result<String, ExportError> {
    w.perspective(id)
        .map(|p| one_line(&p.name))
        .ok_or_else(|| ExportError::UnknownPerspective(id.0.clone()))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn count_line(shown: usize, missing: usize, why: &str) -> String {
    let mut s = plural(shown, "change", "changes");
    if missing > 0 {
        s.push_str(&format!(" · {missing} {why}"));
    }
    s
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

/// Paints a laid-out scene as PNG or SVG bytes.
pub fn render_scene(
    scene: &Scene,
    format: ImageFormat,
    size: ChartSize,
) -> Result<Vec<u8>, ExportError> {
    let (wpx, hpx) = (size.width, size.height);
    match format {
        ImageFormat::Png => {
            let mut rgb = vec![0u8; (wpx as usize) * (hpx as usize) * 3];
            {
                let area = BitMapBackend::with_buffer(&mut rgb, (wpx, hpx)).into_drawing_area();
                scene::paint_with(scene, &area, false)?;
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

// ---------------------------------------------------------------------------------------------
// Layout

const MARGIN: f64 = 60.0;
const TITLE_Y: f64 = 58.0;
const SUBTITLE_Y: f64 = 108.0;
const GRID_X0: f64 = 300.0;
const GRID_X1: f64 = 1470.0;
const GRID_Y0: f64 = 150.0;
const GRID_Y1: f64 = 920.0;
const LEGEND_X: f64 = 1510.0;
const LEGEND_RIGHT: f64 = WIDTH - 40.0;
const BOTTOM: f64 = HEIGHT - 24.0;
const CELL_FOOTER: f64 = 24.0;
const CELL_PAD: f64 = 7.0;

fn header(s: &mut Scene, title: &str, subtitle: &str) {
    s.text_fit(
        MARGIN,
        TITLE_Y,
        title,
        44.0,
        true,
        Rgb::INK,
        Align::Start,
        WIDTH - 2.0 * MARGIN,
    );
    s.text_fit(
        MARGIN,
        SUBTITLE_Y,
        subtitle,
        26.0,
        false,
        Rgb::MUTED,
        Align::Start,
        WIDTH - 2.0 * MARGIN,
    );
}

/// The matrix with likelihood up (level 1 at the bottom) and impact to the right.
struct Grid {
    likelihood: u8,
    impact: u8,
}

impl Grid {
    fn of(w: &Workshop) -> Grid {
        Grid {
            likelihood: w.matrix.max_level(Axis::Likelihood).max(1),
            impact: w.matrix.max_level(Axis::Impact).max(1),
        }
    }
    fn cell_w(&self) -> f64 {
        (GRID_X1 - GRID_X0) / f64::from(self.impact)
    }
    fn cell_h(&self) -> f64 {
        (GRID_Y1 - GRID_Y0) / f64::from(self.likelihood)
    }
    /// The rectangle of a cell; `None` for a cell outside the matrix (validation rules it out).
    fn rect(&self, cell: Cell) -> Option<(f64, f64, f64, f64)> {
        if !(1..=self.likelihood).contains(&cell.likelihood)
            || !(1..=self.impact).contains(&cell.impact)
        {
            return None;
        }
        let x0 = GRID_X0 + f64::from(cell.impact - 1) * self.cell_w();
        let y0 = GRID_Y0 + f64::from(self.likelihood - cell.likelihood) * self.cell_h();
        Some((x0, y0, x0 + self.cell_w(), y0 + self.cell_h()))
    }
    fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        (1..=self.likelihood).flat_map(move |l| (1..=self.impact).map(move |i| Cell::new(l, i)))
    }
}

fn band_fill(color: &str) -> Rgb {
    Rgb::parse(color).lighten(0.35)
}

/// Cells coloured by band with score and band name, level labels on both axes, band legend.
/// Returns the y where the legend's free space starts.
fn draw_grid(s: &mut Scene, w: &Workshop, g: &Grid) -> f64 {
    let grid_start = s.next_index();
    for cell in g.cells() {
        let Some((x0, y0, x1, y1)) = g.rect(cell) else {
            continue;
        };
        let band = w.matrix.band_of(cell);
        let fill = band.map_or(Rgb(230, 230, 230), |b| band_fill(&b.color));
        let rect = s.next_index();
        s.rect(x0, y0, x1, y1, Some(fill), Some((Rgb::WHITE, 3.0)));
        let label = match band {
            Some(b) => format!("{} · {}", cell.score(), one_line(&b.name)),
            None => cell.score().to_string(),
        };
        s.text_fit(
            x1 - 8.0,
            y1 - CELL_FOOTER / 2.0 - 2.0,
            &label,
            16.0,
            false,
            Rgb::MUTED,
            Align::End,
            x1 - x0 - 16.0,
        );
        let label = (s.next_index() > rect + 1).then_some(rect + 1);
        s.tag(Part::Cell {
            rect,
            label,
            name: format!("Cell L{} × I{}", cell.likelihood, cell.impact),
        });
    }
    let (cw, ch) = (g.cell_w(), g.cell_h());
    for l in 1..=g.likelihood {
        let y = GRID_Y0 + f64::from(g.likelihood - l) * ch + ch / 2.0;
        let label = w
            .matrix
            .level(Axis::Likelihood, l)
            .map_or(String::new(), |lv| lv.label.clone());
        s.text_fit(
            GRID_X0 - 14.0,
            y - 13.0,
            &label,
            22.0,
            true,
            Rgb::INK,
            Align::End,
            GRID_X0 - 14.0 - MARGIN,
        );
        s.text(
            GRID_X0 - 14.0,
            y + 15.0,
            format!("L{l}"),
            19.0,
            false,
            Rgb::MUTED,
            Align::End,
        );
    }
    for i in 1..=g.impact {
        let x = GRID_X0 + f64::from(i - 1) * cw + cw / 2.0;
        let label = w
            .matrix
            .level(Axis::Impact, i)
            .map_or(String::new(), |lv| lv.label.clone());
        s.text_fit(
            x,
            GRID_Y1 + 24.0,
            &label,
            22.0,
            true,
            Rgb::INK,
            Align::Middle,
            cw - 10.0,
        );
        s.text(
            x,
            GRID_Y1 + 52.0,
            format!("I{i}"),
            19.0,
            false,
            Rgb::MUTED,
            Align::Middle,
        );
    }
    s.text(
        GRID_X0 - 14.0,
        GRID_Y1 + 52.0,
        "Likelihood ↑",
        22.0,
        true,
        Rgb::INK,
        Align::End,
    );
    s.text(
        (GRID_X0 + GRID_X1) / 2.0,
        GRID_Y1 + 86.0,
        "Impact →",
        22.0,
        true,
        Rgb::INK,
        Align::Middle,
    );

    s.group_since(grid_start, "Matrix grid");

    // Band legend.
    let legend_start = s.next_index();
    let mut y = GRID_Y0 + 14.0;
    s.text(
        LEGEND_X,
        y,
        "Bands (score = L × I)",
        22.0,
        true,
        Rgb::INK,
        Align::Start,
    );
    y += 38.0;
    for (i, b) in w.matrix.bands.iter().enumerate() {
        let hi = w
            .matrix
            .bands
            .get(i + 1)
            .map(|n| n.min_score.saturating_sub(1));
        let range = match hi {
            Some(hi) if hi > b.min_score => format!("{}–{}", b.min_score, hi),
            Some(_) => b.min_score.to_string(),
            None => format!("{}+", b.min_score),
        };
        s.rect(
            LEGEND_X,
            y - 14.0,
            LEGEND_X + 40.0,
            y + 14.0,
            Some(band_fill(&b.color)),
            Some((Rgb::RULE, 1.0)),
        );
        let label = format!("{} ({range})", one_line(&b.name));
        s.text_fit(
            LEGEND_X + 52.0,
            y,
            &label,
            20.0,
            false,
            Rgb::INK,
            Align::Start,
            LEGEND_RIGHT - LEGEND_X - 52.0,
        );
        y += 36.0;
    }
    s.group_since(legend_start, "Legend: bands");
    y + 12.0
}

/// A centred note over the grid when there is nothing to show.
fn empty_note(s: &mut Scene, text: &str) {
    let (x0, y0, x1, y1) = (
        GRID_X0 + 80.0,
        (GRID_Y0 + GRID_Y1) / 2.0 - 40.0,
        GRID_X1 - 80.0,
        (GRID_Y0 + GRID_Y1) / 2.0 + 40.0,
    );
    s.rect(x0, y0, x1, y1, Some(Rgb::WHITE), Some((Rgb::RULE, 2.0)));
    s.text_fit(
        (x0 + x1) / 2.0,
        (y0 + y1) / 2.0,
        text,
        28.0,
        true,
        Rgb::INK,
        Align::Middle,
        x1 - x0 - 30.0,
    );
}

/// Cards (number and title) in their cells; a crowded cell shows what fits and "+N more".
fn card_matrix(
    w: &Workshop,
    title: &str,
    subtitle: &str,
    who: &str,
    cards: &[(usize, &str, Cell)],
) -> Scene {
    let mut s = Scene::default();
    header(&mut s, title, subtitle);
    let g = Grid::of(w);
    let legend_y = draw_grid(&mut s, w, &g);
    let (cw, ch) = (g.cell_w(), g.cell_h());
    const CARD_H: f64 = 30.0;
    const CARD_H2: f64 = 54.0;
    const GAP: f64 = 5.0;
    const CARD_TEXT: f64 = 20.0;
    let fits = |h: f64| {
        ((ch - CELL_FOOTER - CELL_PAD + GAP) / (h + GAP))
            .floor()
            .max(0.0) as usize
    };
    let capacity = fits(CARD_H);
    for cell in g.cells() {
        let Some((x0, y0, x1, _)) = g.rect(cell) else {
            continue;
        };
        let here: Vec<_> = cards.iter().filter(|c| c.2 == cell).collect();
        if here.is_empty() {
            continue;
        }
        // Few cards: two lines of title each; crowded: one line each, then "+N more".
        let two_lines = here.len() <= fits(CARD_H2);
        let card_h = if two_lines { CARD_H2 } else { CARD_H };
        let shown = if here.len() <= capacity {
            here.len()
        } else {
            capacity.saturating_sub(1)
        };
        let (cx0, cx1) = (x0 + CELL_PAD, x1 - CELL_PAD);
        for (k, (n, t, _)) in here.iter().take(shown).enumerate() {
            let top = y0 + CELL_PAD + k as f64 * (card_h + GAP);
            let shape = s.next_index();
            s.rect(
                cx0,
                top,
                cx1,
                top + card_h,
                Some(Rgb::WHITE),
                Some((Rgb::INK, 1.5)),
            );
            let label = format!("{n} {}", one_line(t));
            let lines = scene::fit_lines(
                &label,
                CARD_TEXT,
                false,
                cx1 - cx0 - 14.0,
                if two_lines { 2 } else { 1 },
            );
            let line_h = CARD_TEXT * 1.2;
            let first = top + card_h / 2.0 - (lines.len() as f64 - 1.0) * line_h / 2.0;
            for (j, line) in lines.iter().enumerate() {
                s.text(
                    cx0 + 7.0,
                    first + j as f64 * line_h,
                    line.clone(),
                    CARD_TEXT,
                    false,
                    Rgb::INK,
                    Align::Start,
                );
            }
            let labels = s.since(shape + 1);
            s.tag(Part::Marker {
                shape,
                labels,
                kind: MarkerKind::Card,
                name: format!("{who}: {}", one_line(t)),
                number: Some(*n),
            });
        }
        if shown < here.len() {
            let more = format!("+{} more", here.len() - shown);
            let y = y0 + CELL_PAD + shown as f64 * (card_h + GAP) + card_h / 2.0;
            s.text_fit(
                cx0 + 7.0,
                y,
                &more,
                19.0,
                true,
                Rgb::INK,
                Align::Start,
                cw - 2.0 * CELL_PAD,
            );
        }
    }
    if cards.is_empty() {
        empty_note(&mut s, "Nothing placed here yet");
    }
    let mut y = legend_y + 10.0;
    let legend_start = s.next_index();
    s.text(LEGEND_X, y, "Cards", 22.0, true, Rgb::INK, Align::Start);
    y += 34.0;
    for line in [
        "The number is the change's",
        "place in the workshop list.",
        "Full titles: see the table.",
    ] {
        s.text(LEGEND_X, y, line, 18.0, false, Rgb::MUTED, Align::Start);
        y += 26.0;
    }
    s.group_since(legend_start, "Legend: cards");
    s
}

/// The shapes that tell perspectives apart without colour, in perspective order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Square,
    TriangleUp,
    Diamond,
    TriangleDown,
    Hexagon,
    Cross,
    Star,
}

impl Marker {
    pub fn for_index(i: usize) -> Marker {
        const ALL: [Marker; 8] = [
            Marker::Circle,
            Marker::Square,
            Marker::TriangleUp,
            Marker::Diamond,
            Marker::TriangleDown,
            Marker::Hexagon,
            Marker::Cross,
            Marker::Star,
        ];
        ALL[i % ALL.len()]
    }

    fn polygon(self, cx: f64, cy: f64, r: f64) -> Vec<(f64, f64)> {
        let ring = |n: usize, rot: f64, radius: &dyn Fn(usize) -> f64| -> Vec<(f64, f64)> {
            (0..n)
                .map(|k| {
                    let a = rot + std::f64::consts::TAU * k as f64 / n as f64;
                    let rr = radius(k);
                    (cx + rr * a.cos(), cy + rr * a.sin())
                })
                .collect()
        };
        let up = -std::f64::consts::FRAC_PI_2;
        match self {
            Marker::Circle => ring(40, 0.0, &|_| r),
            Marker::Square => ring(4, std::f64::consts::FRAC_PI_4, &|_| r * 1.2),
            Marker::TriangleUp => ring(3, up, &|_| r * 1.35),
            Marker::Diamond => ring(4, 0.0, &|_| r * 1.3),
            Marker::TriangleDown => ring(3, -up, &|_| r * 1.35),
            Marker::Hexagon => ring(6, 0.0, &|_| r * 1.1),
            Marker::Cross => {
                let (a, b) = (r * 0.45, r * 1.15);
                vec![
                    (cx - a, cy - b),
                    (cx + a, cy - b),
                    (cx + a, cy - a),
                    (cx + b, cy - a),
                    (cx + b, cy + a),
                    (cx + a, cy + a),
                    (cx + a, cy + b),
                    (cx - a, cy + b),
                    (cx - a, cy + a),
                    (cx - b, cy + a),
                    (cx - b, cy - a),
                    (cx - a, cy - a),
                ]
            }
            Marker::Star => ring(10, up, &|k| if k % 2 == 0 { r * 1.35 } else { r * 0.7 }),
        }
    }

    /// Where a label inside the marker sits (the centroid, lower for an upward triangle).
    fn label_centre(self, cx: f64, cy: f64, r: f64) -> (f64, f64) {
        match self {
            Marker::TriangleUp => (cx, cy + r * 0.2),
            Marker::TriangleDown => (cx, cy - r * 0.2),
            _ => (cx, cy),
        }
    }
}

/// Draws a marker and tags it; returns the index of its outline.
#[allow(clippy::too_many_arguments)]
fn draw_marker(
    s: &mut Scene,
    marker: Marker,
    cx: f64,
    cy: f64,
    r: f64,
    fill: Rgb,
    label: &str,
    name: String,
    number: Option<usize>,
) -> usize {
    let shape = s.next_index();
    s.push(Shape::Polygon {
        points: marker.polygon(cx, cy, r),
        fill: Some(fill),
        stroke: Some((Rgb::INK, 2.0)),
    });
    if !label.is_empty() {
        let (lx, ly) = marker.label_centre(cx, cy, r);
        let size = if label.chars().count() >= 3 {
            14.0
        } else {
            17.0
        };
        s.text(lx, ly, label, size, true, fill.text_on(), Align::Middle);
    }
    let labels = s.since(shape + 1);
    s.tag(Part::Marker {
        shape,
        labels,
        kind: MarkerKind::Shape(marker),
        name,
        number,
    });
    shape
}

/// Slots for markers inside a cell, row by row.
fn slots(rect: (f64, f64, f64, f64), slot: f64) -> Vec<(f64, f64)> {
    let (x0, y0, x1, y1) = rect;
    let cols = ((x1 - x0 - 2.0 * CELL_PAD) / slot).floor().max(0.0) as usize;
    let rows = ((y1 - y0 - CELL_FOOTER - CELL_PAD) / slot).floor().max(0.0) as usize;
    let mut out = Vec::with_capacity(cols * rows);
    for r in 0..rows {
        for c in 0..cols {
            out.push((
                x0 + CELL_PAD + slot * (c as f64 + 0.5),
                y0 + CELL_PAD + slot * (r as f64 + 0.5),
            ));
        }
    }
    out
}

/// One marker to place: the change's number, which series it belongs to, and its cell.
struct Mark {
    number: usize,
    series: usize,
    cell: Cell,
}

/// Puts marks into cell slots; returns the centre of each mark that got a slot (by index into
/// `marks`) and draws "+N" where a cell overflows.
/// A crowded cell shows the marks with the lowest `priority` first.
fn place_marks(
    s: &mut Scene,
    g: &Grid,
    marks: &[Mark],
    slot: f64,
    priority: &dyn Fn(&Mark) -> usize,
) -> Vec<Option<(f64, f64)>> {
    let mut pos = vec![None; marks.len()];
    for cell in g.cells() {
        let Some(rect) = g.rect(cell) else { continue };
        let mut here: Vec<usize> = (0..marks.len())
            .filter(|&i| marks[i].cell == cell)
            .collect();
        here.sort_by_key(|&i| (priority(&marks[i]), marks[i].number, marks[i].series));
        if here.is_empty() {
            continue;
        }
        let free = slots(rect, slot);
        let shown = if here.len() <= free.len() {
            here.len()
        } else {
            free.len().saturating_sub(1)
        };
        for (k, &i) in here.iter().take(shown).enumerate() {
            pos[i] = Some(free[k]);
        }
        if shown < here.len() {
            let more = format!("+{}", here.len() - shown);
            match free.get(shown) {
                Some(&(x, y)) => s.text_fit(x, y, &more, 18.0, true, Rgb::INK, Align::Middle, slot),
                None => s.text_fit(
                    rect.0 + CELL_PAD,
                    rect.1 + CELL_FOOTER / 2.0,
                    &more,
                    16.0,
                    true,
                    Rgb::INK,
                    Align::Start,
                    rect.2 - rect.0,
                ),
            }
        }
    }
    pos
}

/// Shortens a segment between two marker centres so it starts and ends at the markers' edges.
fn between(a: (f64, f64), b: (f64, f64), r: f64) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt();
    if len <= 2.0 * r + 4.0 {
        return None;
    }
    let (ux, uy) = (dx / len, dy / len);
    Some((
        (a.0 + ux * r, a.1 + uy * r),
        (b.0 - ux * (r + 2.0), b.1 - uy * (r + 2.0)),
    ))
}

/// Tags each drawn arrow with the markers it joins, and groups each change's markers with its
/// arrow under the change's number and title. `arrows` holds ((line, head), from mark, to mark).
fn tag_arrows(
    s: &mut Scene,
    w: &Workshop,
    marks: &[Mark],
    outline: &[Option<usize>],
    arrows: &[((usize, usize), usize, usize)],
    what: &str,
) {
    let mut by_change: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for &((line, head), a, b) in arrows {
        let title = w
            .changes
            .get(marks[a].number - 1)
            .map_or(String::new(), |c| one_line(&c.title));
        s.tag(Part::Arrow {
            line,
            head,
            from: outline[a],
            to: outline[b],
            name: format!("Arrow {what}: {title}"),
        });
        by_change
            .entry(marks[a].number)
            .or_default()
            .extend([line, head]);
    }
    for (i, m) in marks.iter().enumerate() {
        if let Some(o) = outline[i] {
            by_change.entry(m.number).or_default().push(o);
        }
    }
    for (number, mut shapes) in by_change {
        if shapes.len() < 2 {
            continue;
        }
        shapes.sort_unstable();
        let title = w
            .changes
            .get(number - 1)
            .map_or(String::new(), |c| one_line(&c.title));
        s.tag(Part::Group {
            name: format!("{number} {title}"),
            shapes,
        });
    }
}

/// A numbered key of the changes shown, as many as fit below `y`, then "+N more".
fn change_key(s: &mut Scene, w: &Workshop, mut y: f64, numbers: &[usize]) {
    let start = s.next_index();
    s.text(LEGEND_X, y, "Changes", 22.0, true, Rgb::INK, Align::Start);
    y += 32.0;
    const LINE: f64 = 26.0;
    let room = ((BOTTOM - y) / LINE).floor().max(0.0) as usize;
    let shown = if numbers.len() <= room {
        numbers.len()
    } else {
        room.saturating_sub(1)
    };
    for &n in numbers.iter().take(shown) {
        let Some(c) = w.changes.get(n - 1) else {
            continue;
        };
        s.text(
            LEGEND_X,
            y,
            n.to_string(),
            18.0,
            true,
            Rgb::INK,
            Align::Start,
        );
        s.text_fit(
            LEGEND_X + 46.0,
            y,
            &c.title,
            18.0,
            false,
            Rgb::INK,
            Align::Start,
            LEGEND_RIGHT - LEGEND_X - 46.0,
        );
        y += LINE;
    }
    if shown < numbers.len() {
        s.text(
            LEGEND_X,
            y,
            format!("+{} more in the table", numbers.len() - shown),
            18.0,
            true,
            Rgb::MUTED,
            Align::Start,
        );
    }
    s.group_since(start, "Key: changes");
}

const MARK_R: f64 = 17.0;
/// The most arrows an overlay draws.
const MAX_ARROWS: usize = 30;
const MARK_SLOT: f64 = 46.0;

fn overlay(
    w: &Workshop,
    title: &str,
    from: &PerspectiveId,
    to: &PerspectiveId,
) -> Result<Scene, ExportError> {
    if from == to {
        return Err(ExportError::NotApplicable(
            "the overlay compares two different perspectives".into(),
        ));
    }
    let pair = [from, to];
    let persp = pair
        .iter()
        .map(|id| {
            let i = w
                .perspectives
                .iter()
                .position(|p| &p.id == *id)
                .ok_or_else(|| ExportError::UnknownPerspective(id.0.clone()))?;
            Ok((i, &w.perspectives[i]))
        })
        .collect::<Result<Vec<_>, ExportError>>()?;
    let mut marks = Vec::new();
    let mut numbers = Vec::new();
    let mut both = 0usize;
    let mut agree = 0usize;
    for (i, c) in w.changes.iter().enumerate() {
        let cells: Vec<Option<Cell>> = pair
            .iter()
            .map(|p| c.placements.get(*p).map(|pl| pl.cell()))
            .collect();
        if cells.iter().all(Option::is_none) {
            continue;
        }
        if let [Some(a), Some(b)] = cells.as_slice() {
            both += 1;
            if a == b {
                agree += 1;
            }
        }
        numbers.push(i + 1);
        for (series, cell) in cells.iter().enumerate() {
            if let Some(cell) = cell {
                marks.push(Mark {
                    number: i + 1,
                    series,
                    cell: *cell,
                });
            }
        }
    }
    // A room can follow a few dozen arrows; past that, only the most contested get one.
    let analysis = analyse_pair(w, from.clone(), to.clone())?;
    let contested: Vec<usize> = pair_rows(&analysis)
        .into_iter()
        .filter(|r| r.likelihood_gap != 0 || r.impact_gap != 0)
        .map(|r| r.number)
        .collect();
    let with_arrow: std::collections::HashSet<usize> =
        contested.iter().take(MAX_ARROWS).copied().collect();
    let mut subtitle = format!(
        "{} placed by both · {} in the same cell · arrow from {} to {}",
        plural(both, "change", "changes"),
        agree,
        one_line(&persp[0].1.name),
        one_line(&persp[1].1.name)
    );
    if contested.len() > MAX_ARROWS {
        subtitle.push_str(&format!(" · arrows for the {MAX_ARROWS} most contested"));
    }
    let mut s = Scene::default();
    header(&mut s, title, &subtitle);
    let g = Grid::of(w);
    let mut y = draw_grid(&mut s, w, &g);
    // The changes that get an arrow get their markers first in a crowded cell.
    let arrow_rank: std::collections::HashMap<usize, usize> = contested
        .iter()
        .take(MAX_ARROWS)
        .enumerate()
        .map(|(rank, &n)| (n, rank))
        .collect();
    let pos = place_marks(&mut s, &g, &marks, MARK_SLOT, &|m| {
        arrow_rank.get(&m.number).copied().unwrap_or(usize::MAX)
    });
    // Arrows first, markers on top of them.
    let mut arrows = Vec::new();
    for (i, m) in marks.iter().enumerate() {
        if m.series != 0 || !with_arrow.contains(&m.number) {
            continue;
        }
        let partner = marks
            .iter()
            .position(|o| o.number == m.number && o.series == 1);
        if let (Some(a), Some(j)) = (pos[i], partner) {
            if let Some(b) = pos[j] {
                if let Some((p, q)) = between(a, b, MARK_R + 2.0) {
                    if let Some(drawn) = s.arrow(p, q, Rgb::INK, 3.0, 16.0) {
                        arrows.push((drawn, i, j));
                    }
                }
            }
        }
    }
    let mut outline = vec![None; marks.len()];
    for (i, m) in marks.iter().enumerate() {
        if let Some((x, y)) = pos[i] {
            let (pi, p) = persp[m.series];
            let title = w.changes.get(m.number - 1).map_or("", |c| c.title.as_str());
            outline[i] = Some(draw_marker(
                &mut s,
                Marker::for_index(pi),
                x,
                y,
                MARK_R,
                Rgb::parse(&p.color),
                &m.number.to_string(),
                format!("{}: {}", one_line(&p.name), one_line(title)),
                Some(m.number),
            ));
        }
    }
    tag_arrows(
        &mut s,
        w,
        &marks,
        &outline,
        &arrows,
        &format!(
            "{} → {}",
            one_line(&persp[0].1.name),
            one_line(&persp[1].1.name)
        ),
    );
    if marks.is_empty() {
        empty_note(&mut s, "Neither perspective has placed a change yet");
    }
    y += 10.0;
    let legend_start = s.next_index();
    s.text(
        LEGEND_X,
        y,
        "Perspectives",
        22.0,
        true,
        Rgb::INK,
        Align::Start,
    );
    y += 40.0;
    for (pi, p) in &persp {
        draw_marker(
            &mut s,
            Marker::for_index(*pi),
            LEGEND_X + 20.0,
            y,
            MARK_R,
            Rgb::parse(&p.color),
            "",
            format!("Legend: {}", one_line(&p.name)),
            None,
        );
        s.text_fit(
            LEGEND_X + 50.0,
            y,
            &p.name,
            20.0,
            false,
            Rgb::INK,
            Align::Start,
            LEGEND_RIGHT - LEGEND_X - 50.0,
        );
        y += 44.0;
    }
    s.arrow((LEGEND_X, y), (LEGEND_X + 40.0, y), Rgb::INK, 3.0, 14.0);
    s.text_fit(
        LEGEND_X + 50.0,
        y,
        &format!("{} → {}", persp[0].1.name, persp[1].1.name),
        20.0,
        false,
        Rgb::INK,
        Align::Start,
        LEGEND_RIGHT - LEGEND_X - 50.0,
    );
    y += 44.0;
    s.group_since(legend_start, "Legend: perspectives");
    // The key lists the changes with arrows first (most contested first), then the rest.
    numbers.sort_by_key(|n| (arrow_rank.get(n).copied().unwrap_or(usize::MAX), *n));
    change_key(&mut s, w, y, &numbers);
    Ok(s)
}

/// The cell a change's mitigations are measured from, as the analysis defines it: the consensus,
/// or without one the placement with the highest score (the first perspective on a tie).
fn inherent_cell(ir: &crate::analysis::InherentResidual) -> Option<Cell> {
    let cells = ir
        .inherent
        .iter()
        .map(|r| Cell::new(r.likelihood, r.impact));
    match ir.inherent_source {
        InherentSource::Consensus => cells.into_iter().next(),
        InherentSource::Placements => cells.fold(None, |best: Option<Cell>, c| match best {
            Some(b) if b.score() >= c.score() => Some(b),
            _ => Some(c),
        }),
        InherentSource::None => None,
    }
}

fn residual(w: &Workshop, title: &str) -> Scene {
    let mut marks = Vec::new();
    let mut numbers = Vec::new();
    let mut skipped = 0usize;
    let mut lower = 0usize;
    for (i, c) in w.changes.iter().enumerate() {
        let ir = crate::analysis::inherent_residual(w, c);
        let residual = ir
            .residual
            .as_ref()
            .map(|r| Cell::new(r.likelihood, r.impact));
        match (inherent_cell(&ir), residual) {
            (Some(a), Some(b)) => {
                numbers.push(i + 1);
                if ir
                    .reduction
                    .as_ref()
                    .is_some_and(|r| r.score_lowered_by > 0)
                {
                    lower += 1;
                }
                marks.push(Mark {
                    number: i + 1,
                    series: 0,
                    cell: a,
                });
                marks.push(Mark {
                    number: i + 1,
                    series: 1,
                    cell: b,
                });
            }
            _ => skipped += 1,
        }
    }
    let mut subtitle = format!(
        "{} with a residual placement · {} with a lower score after mitigation",
        plural(numbers.len(), "change", "changes"),
        lower
    );
    if skipped > 0 {
        subtitle.push_str(&format!(" · {skipped} without a residual yet"));
    }
    let mut s = Scene::default();
    header(&mut s, title, &subtitle);
    let g = Grid::of(w);
    let mut y = draw_grid(&mut s, w, &g);
    let pos = place_marks(&mut s, &g, &marks, MARK_SLOT, &|_| 0);
    let mut arrows = Vec::new();
    for i in (0..marks.len()).step_by(2) {
        if let (Some(a), Some(b)) = (pos[i], pos.get(i + 1).copied().flatten()) {
            if let Some((p, q)) = between(a, b, MARK_R + 2.0) {
                if let Some(drawn) = s.arrow(p, q, Rgb::INK, 3.0, 16.0) {
                    arrows.push((drawn, i, i + 1));
                }
            }
        }
    }
    let inherent_fill = Rgb::WHITE;
    let residual_fill = Rgb(43, 138, 62);
    let mut outline = vec![None; marks.len()];
    for (i, m) in marks.iter().enumerate() {
        if let Some((x, y)) = pos[i] {
            let (marker, fill, what) = if m.series == 0 {
                (Marker::Circle, inherent_fill, "Inherent")
            } else {
                (Marker::Square, residual_fill, "Residual")
            };
            let title = w.changes.get(m.number - 1).map_or("", |c| c.title.as_str());
            outline[i] = Some(draw_marker(
                &mut s,
                marker,
                x,
                y,
                MARK_R,
                fill,
                &m.number.to_string(),
                format!("{what}: {}", one_line(title)),
                Some(m.number),
            ));
        }
    }
    tag_arrows(&mut s, w, &marks, &outline, &arrows, "inherent → residual");
    if marks.is_empty() {
        empty_note(
            &mut s,
            "No change has both a consensus and a residual placement yet",
        );
    }
    y += 10.0;
    let legend_start = s.next_index();
    s.text(LEGEND_X, y, "Markers", 22.0, true, Rgb::INK, Align::Start);
    y += 40.0;
    draw_marker(
        &mut s,
        Marker::Circle,
        LEGEND_X + 20.0,
        y,
        MARK_R,
        inherent_fill,
        "",
        "Legend: inherent".into(),
        None,
    );
    s.text(
        LEGEND_X + 50.0,
        y,
        "Inherent",
        20.0,
        false,
        Rgb::INK,
        Align::Start,
    );
    y += 44.0;
    draw_marker(
        &mut s,
        Marker::Square,
        LEGEND_X + 20.0,
        y,
        MARK_R,
        residual_fill,
        "",
        "Legend: residual".into(),
        None,
    );
    s.text(
        LEGEND_X + 50.0,
        y,
        "Residual (mitigated)",
        20.0,
        false,
        Rgb::INK,
        Align::Start,
    );
    y += 40.0;
    for line in [
        "Inherent: the consensus, or",
        "the highest placement if the",
        "room has not agreed one yet.",
    ] {
        s.text(LEGEND_X, y, line, 18.0, false, Rgb::MUTED, Align::Start);
        y += 26.0;
    }
    s.group_since(legend_start, "Legend: markers");
    y += 24.0;
    change_key(&mut s, w, y, &numbers);
    s
}

/// One row of the gap chart and of the "most contested" table: a change both perspectives of
/// the pair placed, with the analysis' signed gaps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapRow {
    /// The change's 1-based place in the workshop list.
    pub number: usize,
    pub title: String,
    /// `to` − `from` on the likelihood axis.
    pub likelihood_gap: i8,
    /// `to` − `from` on the impact axis.
    pub impact_gap: i8,
}

/// The analysis of `w` for the pair `from → to`, with its errors in export terms.
/// (The ids are taken by value so that the analysis borrows from the workshop alone.)
pub fn analyse_pair(
    w: &Workshop,
    from: PerspectiveId,
    to: PerspectiveId,
) -> Result<Analysis<'_>, ExportError> {
    let options = AnalysisOptions {
        from: Some(from.0),
        to: Some(to.0),
        ..AnalysisOptions::default()
    };
    analyse(w, &options).map_err(analysis_error)
}

pub(crate) fn analysis_error(e: AnalysisError) -> ExportError {
    match e {
        AnalysisError::UnknownPerspective { name, .. } => ExportError::UnknownPerspective(name),
        other => ExportError::NotApplicable(other.to_string()),
    }
}

/// The changes both perspectives of the analysed pair placed, in the order of the analysis'
/// discussion queue (most contested first); changes the queue leaves out (placed alike by
/// everyone) follow in workshop order.
pub fn pair_rows(analysis: &Analysis) -> Vec<GapRow> {
    let rank: std::collections::HashMap<_, usize> = analysis
        .queue
        .iter()
        .map(|q| (q.change.clone(), q.rank))
        .collect();
    let mut rows: Vec<(usize, GapRow)> = analysis
        .changes
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            let row = GapRow {
                number: i + 1,
                title: g.title.to_string(),
                likelihood_gap: g.likelihood_gap?,
                impact_gap: g.impact_gap?,
            };
            Some((rank.get(g.change).copied().unwrap_or(usize::MAX), row))
        })
        .collect();
    rows.sort_by_key(|(rank, row)| (*rank, row.number));
    rows.into_iter().map(|(_, row)| row).collect()
}

const LIKELIHOOD_BAR: Rgb = Rgb(31, 58, 147);
const IMPACT_BAR: Rgb = Rgb(160, 196, 255);

fn gaps(
    w: &Workshop,
    title: &str,
    from: &PerspectiveId,
    to: &PerspectiveId,
) -> Result<Scene, ExportError> {
    if from == to {
        return Err(ExportError::NotApplicable(
            "the gap chart compares two different perspectives".into(),
        ));
    }
    let (nf, nt) = (name(w, from)?, name(w, to)?);
    let analysis = analyse_pair(w, from.clone(), to.clone())?;
    let rows = pair_rows(&analysis);
    let total = rows.len();
    let disagree = rows
        .iter()
        .filter(|r| r.likelihood_gap != 0 || r.impact_gap != 0)
        .count();
    let subtitle = format!(
        "{} placed by both · {} placed differently · gap = {} − {} in levels",
        plural(total, "change", "changes"),
        disagree,
        nt,
        nf
    );
    let mut s = Scene::default();
    header(&mut s, title, &subtitle);

    let (top, bottom) = (GRID_Y0 + 40.0, 930.0);
    let (label_x0, label_x1) = (MARGIN, 640.0);
    let (px0, px1) = (680.0, 1440.0);
    let span = i32::from(
        w.matrix
            .max_level(Axis::Likelihood)
            .max(w.matrix.max_level(Axis::Impact)),
    )
    .max(2)
        - 1;
    let zero = (px0 + px1) / 2.0;
    let unit = (px1 - px0) / 2.0 / f64::from(span);
    let x_of = |v: i32| zero + f64::from(v) * unit;

    // Rows grow with fewer changes (bigger bars and type on a projector), down to 48 px.
    let row_h = ((bottom - top) / rows.len().max(1) as f64).clamp(48.0, 84.0);
    let bar_h = (row_h - 16.0) / 2.0;
    let label_size = (bar_h * 0.75).clamp(15.0, 22.0);
    let room = ((bottom - top) / row_h).floor().max(1.0) as usize;
    let shown = if rows.len() <= room {
        rows.len()
    } else {
        room - 1
    };

    // Grid lines and tick labels.
    let axis_start = s.next_index();
    for v in -span..=span {
        let x = x_of(v);
        let (color, width) = if v == 0 {
            (Rgb::INK, 3.0)
        } else {
            (Rgb(215, 218, 222), 1.0)
        };
        s.line(vec![(x, top - 10.0), (x, bottom)], color, width);
        let label = if v > 0 {
            format!("+{v}")
        } else {
            v.to_string()
        };
        s.text(
            x,
            bottom + 22.0,
            label,
            20.0,
            false,
            Rgb::MUTED,
            Align::Middle,
        );
    }
    s.text_fit(
        zero - 12.0,
        bottom + 56.0,
        &format!("← {nf} rated higher"),
        21.0,
        true,
        Rgb::INK,
        Align::End,
        zero - px0 + 120.0,
    );
    s.text_fit(
        zero + 12.0,
        bottom + 56.0,
        &format!("{nt} rated higher →"),
        21.0,
        true,
        Rgb::INK,
        Align::Start,
        px1 - zero + 120.0,
    );
    s.group_since(axis_start, "Gap axis");

    for (k, r) in rows.iter().take(shown).enumerate() {
        let row_start = s.next_index();
        let y0 = top + k as f64 * row_h;
        if k % 2 == 1 {
            s.rect(
                label_x0 - 10.0,
                y0,
                px1 + 20.0,
                y0 + row_h,
                Some(Rgb(246, 247, 249)),
                None,
            );
        }
        let label = format!("{} {}", r.number, one_line(&r.title));
        s.text_fit(
            label_x0,
            y0 + row_h / 2.0,
            &label,
            (label_size + 2.0).max(20.0),
            false,
            Rgb::INK,
            Align::Start,
            label_x1 - label_x0,
        );
        for (bar, (v, fill)) in [
            (r.likelihood_gap, LIKELIHOOD_BAR),
            (r.impact_gap, IMPACT_BAR),
        ]
        .into_iter()
        .enumerate()
        {
            let (by0, by1) = (
                y0 + 6.0 + bar as f64 * (bar_h + 4.0),
                y0 + 6.0 + bar as f64 * (bar_h + 4.0) + bar_h,
            );
            let (a, b) = (x_of(i32::from(0i8.min(v))), x_of(i32::from(0i8.max(v))));
            if v != 0 {
                s.rect(a, by0, b, by1, Some(fill), Some((Rgb::INK, 1.0)));
            } else {
                s.rect(zero - 2.0, by0, zero + 2.0, by1, Some(Rgb::INK), None);
            }
            let txt = if v > 0 {
                format!("+{v}")
            } else {
                v.to_string()
            };
            let (tx, al) = if v >= 0 {
                (b + 8.0, Align::Start)
            } else {
                (a - 8.0, Align::End)
            };
            s.text(tx, (by0 + by1) / 2.0, txt, label_size, true, Rgb::INK, al);
        }
        s.group_since(
            row_start,
            format!(
                "{} {}: likelihood {}, impact {}",
                r.number,
                one_line(&r.title),
                r.likelihood_gap,
                r.impact_gap
            ),
        );
    }
    if shown < rows.len() {
        let y = top + shown as f64 * row_h + row_h / 2.0;
        s.text(
            label_x0,
            y,
            format!("+{} more changes with smaller gaps", rows.len() - shown),
            20.0,
            true,
            Rgb::MUTED,
            Align::Start,
        );
    }
    if rows.is_empty() {
        let (x0, y0, x1, y1) = (
            px0 - 300.0,
            (top + bottom) / 2.0 - 40.0,
            px1,
            (top + bottom) / 2.0 + 40.0,
        );
        s.rect(x0, y0, x1, y1, Some(Rgb::WHITE), Some((Rgb::RULE, 2.0)));
        s.text_fit(
            (x0 + x1) / 2.0,
            (y0 + y1) / 2.0,
            &format!("No change is placed by both {nf} and {nt} yet"),
            28.0,
            true,
            Rgb::INK,
            Align::Middle,
            x1 - x0 - 30.0,
        );
    }
    s.text(
        label_x0,
        top - 24.0,
        "Change (most contested first)",
        21.0,
        true,
        Rgb::INK,
        Align::Start,
    );

    // Legend.
    let legend_start = s.next_index();
    let mut y = GRID_Y0 + 14.0;
    s.text(LEGEND_X, y, "Axes", 22.0, true, Rgb::INK, Align::Start);
    y += 40.0;
    for (label, fill) in [
        ("Likelihood gap", LIKELIHOOD_BAR),
        ("Impact gap", IMPACT_BAR),
    ] {
        s.rect(
            LEGEND_X,
            y - 9.0,
            LEGEND_X + 50.0,
            y + 9.0,
            Some(fill),
            Some((Rgb::INK, 1.0)),
        );
        s.text(
            LEGEND_X + 62.0,
            y,
            label,
            20.0,
            false,
            Rgb::INK,
            Align::Start,
        );
        y += 36.0;
    }
    y += 14.0;
    for line in [
        "Upper bar: likelihood,",
        "lower bar: impact.",
        "A bar to the right: ",
        &format!("{} rated it higher.", truncate(&nt, 14)),
    ] {
        s.text(LEGEND_X, y, line, 18.0, false, Rgb::MUTED, Align::Start);
        y += 26.0;
    }
    s.group_since(legend_start, "Legend: axes");
    Ok(s)
}

fn truncate(t: &str, n: usize) -> String {
    super::text::truncate_chars(t, n)
}

/// Every rectangle, circle, polygon and line end inside the canvas, and the texts inside it by
/// their measured width: used by tests to check that nothing is cut off.
pub fn outside_canvas(scene: &Scene) -> Vec<String> {
    let inside =
        |x: f64, y: f64| (-0.5..=WIDTH + 0.5).contains(&x) && (-0.5..=HEIGHT + 0.5).contains(&y);
    let mut bad = Vec::new();
    for shape in &scene.shapes {
        let ok = match shape {
            Shape::Rect { x0, y0, x1, y1, .. } => inside(*x0, *y0) && inside(*x1, *y1),
            Shape::Circle { cx, cy, r, .. } => inside(cx - r, cy - r) && inside(cx + r, cy + r),
            Shape::Polygon { points, .. } | Shape::Line { points, .. } => {
                points.iter().all(|p| inside(p.0, p.1))
            }
            Shape::Text {
                x,
                y,
                text,
                size,
                bold,
                align,
                ..
            } => {
                let wd = text_width(text, *size, *bold);
                let x0 = match align {
                    Align::Start => *x,
                    Align::Middle => x - wd / 2.0,
                    Align::End => x - wd,
                };
                inside(x0, y - size / 2.0) && inside(x0 + wd, y + size / 2.0)
            }
        };
        if !ok {
            bad.push(format!("{shape:?}"));
        }
    }
    bad
}

/// Texts of a scene, for tests.
pub fn texts(scene: &Scene) -> Vec<String> {
    scene
        .shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// The text rectangles of a scene (x0, y0, x1, y1), for overlap tests.
pub fn text_boxes(scene: &Scene) -> Vec<(f64, f64, f64, f64, String)> {
    scene
        .shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Text {
                x,
                y,
                text,
                size,
                bold,
                align,
                ..
            } => {
                let wd = text_width(text, *size, *bold);
                let x0 = match align {
                    Align::Start => *x,
                    Align::Middle => x - wd / 2.0,
                    Align::End => x - wd,
                };
                Some((x0, y - size / 2.0, x0 + wd, y + size / 2.0, text.clone()))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{Change, Matrix, Placement};

    pub(crate) fn placed(n: usize, seed: u64) -> Workshop {
        let mut w = Workshop::new("Q3 platform changes", Matrix::default());
        let mut x = seed;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 33) % m) as u8 + 1
        };
        for i in 0..n {
            let mut c = Change::new(
                &format!("c{}", i + 1),
                &format!(
                    "Change number {} with a fairly long title to shorten",
                    i + 1
                ),
            );
            for p in ["dev", "ops"] {
                c.placements.insert(
                    PerspectiveId::new(p),
                    Placement {
                        likelihood: next(5),
                        impact: next(5),
                        rationale: String::new(),
                        placed_at_ms: 0,
                    },
                );
            }
            c.consensus = Some(Cell::new(next(5), next(5)));
            c.residual = Some(Cell::new(next(3), next(3)));
            w.changes.push(c);
        }
        w
    }

    fn check_layout(w: &Workshop) {
        for chart in Chart::all(w) {
            let scene = chart.scene(w).unwrap();
            let bad = outside_canvas(&scene);
            assert!(bad.is_empty(), "{chart:?}: {bad:?}");
            // No two texts overlap (markers' labels sit inside markers, not on other text).
            let boxes = text_boxes(&scene);
            for (i, a) in boxes.iter().enumerate() {
                for b in &boxes[i + 1..] {
                    let overlap =
                        a.0 < b.2 - 0.5 && b.0 < a.2 - 0.5 && a.1 < b.3 - 0.5 && b.1 < a.3 - 0.5;
                    assert!(!overlap, "{chart:?}: {:?} overlaps {:?}", a.4, b.4);
                }
            }
        }
    }

    #[test]
    fn zero_one_and_five_hundred_changes_lay_out_inside_without_overlap() {
        for n in [0, 1, 8, 500] {
            check_layout(&placed(n, 7));
        }
    }

    #[test]
    fn crowded_cells_say_how_many_more() {
        let w = placed(500, 3);
        let scene = Chart::Matrix {
            perspective: PerspectiveId::new("dev"),
        }
        .scene(&w)
        .unwrap();
        let t = texts(&scene);
        assert!(
            t.iter().any(|s| s.starts_with('+') && s.ends_with("more")),
            "{t:?}"
        );
        assert!(t.iter().any(|s| s.ends_with('…')));
    }

    #[test]
    fn hostile_titles_stay_inside_and_lose_control_characters() {
        let mut w = placed(3, 1);
        w.title = format!("{}\u{202E}<script>&\"'\u{1}", "W".repeat(400));
        w.changes[0].title = format!("\u{202E}{}", "M".repeat(300));
        w.perspectives[0].name = "<Dev & \"Co\">\u{0}".into();
        check_layout(&w);
        let svg = render(
            &w,
            &Chart::Overlay {
                from: PerspectiveId::new("dev"),
                to: PerspectiveId::new("ops"),
            },
            ImageFormat::Svg,
            ChartSize::HD,
        )
        .unwrap();
        let svg = String::from_utf8(svg).unwrap();
        assert!(!svg.contains("<script>") && !svg.contains("<Dev"));
        assert!(svg.contains("&lt;Dev &amp; &quot;Co&quot;&gt;"));
        assert!(!svg.contains('\u{202E}') && !svg.contains('\u{1}') && !svg.contains('\u{0}'));
    }

    #[test]
    fn unknown_perspectives_and_same_pair_are_refused() {
        let w = placed(2, 1);
        let err = Chart::Matrix {
            perspective: PerspectiveId::new("sec"),
        }
        .scene(&w)
        .unwrap_err();
        assert!(matches!(err, ExportError::UnknownPerspective(_)));
        let same = Chart::Gaps {
            from: PerspectiveId::new("dev"),
            to: PerspectiveId::new("dev"),
        };
        assert!(matches!(
            same.scene(&w).unwrap_err(),
            ExportError::NotApplicable(_)
        ));
    }

    #[test]
    fn non_finite_coordinates_are_refused_not_dropped() {
        let mut s = Scene::default();
        s.rect(0.0, 0.0, f64::NAN, 10.0, Some(Rgb::INK), None);
        assert!(matches!(
            render_scene(&s, ImageFormat::Png, ChartSize::HD),
            Err(ExportError::Layout(_))
        ));
    }

    #[test]
    fn png_has_the_requested_size() {
        let w = placed(8, 2);
        for size in [ChartSize::HD, ChartSize::UHD] {
            let png = render(&w, &Chart::Consensus, ImageFormat::Png, size).unwrap();
            let decoder = png::Decoder::new(std::io::Cursor::new(png));
            let reader = decoder.read_info().unwrap();
            let info = reader.info();
            assert_eq!((info.width, info.height), (size.width, size.height));
        }
    }

    #[test]
    fn gap_rows_follow_the_analysis_queue() {
        let w = placed(30, 5);
        let (dev, ops) = (PerspectiveId::new("dev"), PerspectiveId::new("ops"));
        let a = analyse_pair(&w, dev.clone(), ops.clone()).unwrap();
        let rows = pair_rows(&a);
        assert_eq!(rows.len(), 30);
        let first = &a.queue[0];
        assert_eq!(rows[0].number, first.position + 1);
        let c = &w.changes[rows[0].number - 1];
        let expected =
            i16::from(c.placements[&ops].likelihood) - i16::from(c.placements[&dev].likelihood);
        assert_eq!(i16::from(rows[0].likelihood_gap), expected);
    }
}

/// Writes every chart of a sample workshop as PNG into `$PARALLAX_DUMP_CHARTS` so a person can
/// look at them (`PARALLAX_DUMP_CHARTS=/tmp/charts cargo test -p parallax-engine dump_charts`).
#[cfg(test)]
#[test]
fn dump_charts_for_a_person_to_look_at() {
    let Some(dir) = std::env::var_os("PARALLAX_DUMP_CHARTS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    for n in [0usize, 1, 8, 500] {
        let w = tests::placed(n, 11);
        for chart in Chart::all(&w) {
            let png = render(&w, &chart, ImageFormat::Png, ChartSize::HD).unwrap();
            std::fs::write(dir.join(format!("{n}-{}.png", chart.slug(&w))), png).unwrap();
        }
    }
}
