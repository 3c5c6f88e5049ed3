//! What every matrix chart stands on: the canvas' layout (margins, the grid's box, the legend's
//! column), the title and subtitle, the band-coloured grid with its level labels (each with its
//! numeric anchor in brackets on the lines under it, wrapped and cut to the label's room so that
//! it never runs into a neighbour) and band legend, and the note shown over an empty grid. Charts
//! draw on top of it; it never draws a change.

use crate::export::scene::{fit_lines, Align, Part, Rgb, Scene, HEIGHT};
use crate::export::text::one_line;
use crate::{Axis, Cell, Workshop};

pub(super) const MARGIN: f64 = 60.0;
pub(super) const TITLE_Y: f64 = 58.0;
pub(super) const SUBTITLE_Y: f64 = 108.0;
pub(super) const GRID_X0: f64 = 300.0;
pub(super) const GRID_Y0: f64 = 150.0;
pub(super) const GRID_Y1: f64 = 920.0;
pub(super) const BOTTOM: f64 = HEIGHT - 24.0;
pub(super) const CELL_FOOTER: f64 = 24.0;
pub(super) const CELL_PAD: f64 = 7.0;
// The columns of a canvas: the margin, the titles and the grid's left edge stay where they are
// whatever the canvas' width; the legend column keeps its width against the right edge, and the
// grid (or a plot, or the bars) takes the room between. So a narrower slide gets a narrower grid
// with text at the same size, not a smaller picture of a wide one.

/// Where the legend column starts.
pub(super) fn legend_x(s: &Scene) -> f64 {
    s.width() - 410.0
}

/// Where the legend column ends.
pub(super) fn legend_right(s: &Scene) -> f64 {
    s.width() - 40.0
}

/// The grid's right edge.
pub(super) fn grid_x1(s: &Scene) -> f64 {
    s.width() - 450.0
}

/// A level's anchor: its size, the step between its lines, and how many lines it may take.
const ANCHOR_SIZE: f64 = 17.0;
const ANCHOR_STEP: f64 = 20.0;
const ANCHOR_LINES: usize = 2;

/// "(about 1 in 10 such changes)" wrapped into the lines it takes in `width`; none without an
/// anchor.
fn anchor_lines(w: &Workshop, axis: Axis, level: u8, width: f64) -> Vec<String> {
    let anchor = w
        .matrix
        .level(axis, level)
        .map_or("", |lv| lv.anchor.trim());
    if anchor.is_empty() {
        return Vec::new();
    }
    fit_lines(
        &format!("({})", one_line(anchor)),
        ANCHOR_SIZE,
        false,
        width,
        ANCHOR_LINES,
    )
}

pub(super) fn header(s: &mut Scene, title: &str, subtitle: &str) {
    s.text_fit(
        MARGIN,
        TITLE_Y,
        title,
        44.0,
        true,
        Rgb::INK,
        Align::Start,
        s.width() - 2.0 * MARGIN,
    );
    s.text_fit(
        MARGIN,
        SUBTITLE_Y,
        subtitle,
        26.0,
        false,
        Rgb::MUTED,
        Align::Start,
        s.width() - 2.0 * MARGIN,
    );
}

/// The matrix with likelihood up (level 1 at the bottom) and impact to the right.
pub(super) struct Grid {
    pub(super) likelihood: u8,
    pub(super) impact: u8,
    /// The grid's right edge on its scene's canvas.
    pub(super) x1: f64,
}

impl Grid {
    pub(super) fn of(w: &Workshop, s: &Scene) -> Grid {
        Grid {
            likelihood: w.matrix.max_level(Axis::Likelihood).max(1),
            impact: w.matrix.max_level(Axis::Impact).max(1),
            x1: grid_x1(s),
        }
    }
    pub(super) fn cell_w(&self) -> f64 {
        (self.x1 - GRID_X0) / f64::from(self.impact)
    }
    pub(super) fn cell_h(&self) -> f64 {
        (GRID_Y1 - GRID_Y0) / f64::from(self.likelihood)
    }
    /// The rectangle of a cell; `None` for a cell outside the matrix (validation rules it out).
    pub(super) fn rect(&self, cell: Cell) -> Option<(f64, f64, f64, f64)> {
        if !(1..=self.likelihood).contains(&cell.likelihood)
            || !(1..=self.impact).contains(&cell.impact)
        {
            return None;
        }
        let x0 = GRID_X0 + f64::from(cell.impact - 1) * self.cell_w();
        let y0 = GRID_Y0 + f64::from(self.likelihood - cell.likelihood) * self.cell_h();
        Some((x0, y0, x0 + self.cell_w(), y0 + self.cell_h()))
    }
    pub(super) fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        (1..=self.likelihood).flat_map(move |l| (1..=self.impact).map(move |i| Cell::new(l, i)))
    }
}

pub(super) fn band_fill(color: &str) -> Rgb {
    Rgb::parse(color).lighten(0.35)
}

/// Cells coloured by band with score and band name, level labels on both axes, band legend.
/// Returns the y where the legend's free space starts.
pub(super) fn draw_grid(s: &mut Scene, w: &Workshop, g: &Grid) -> f64 {
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
    let row_width = GRID_X0 - 14.0 - MARGIN;
    for l in 1..=g.likelihood {
        let y = GRID_Y0 + f64::from(g.likelihood - l) * ch + ch / 2.0;
        let label = w
            .matrix
            .level(Axis::Likelihood, l)
            .map_or(String::new(), |lv| lv.label.clone());
        // The label, its anchor's lines, then "L4", centred together on the row: at most
        // 26 + 2 × 20 + 28 px apart, inside the 110 px of a row of the tallest (7-level) grid.
        let anchor = anchor_lines(w, Axis::Likelihood, l, row_width);
        let top = y - 13.0 - ANCHOR_STEP * anchor.len() as f64 / 2.0;
        s.text_fit(
            GRID_X0 - 14.0,
            top,
            &label,
            22.0,
            true,
            Rgb::INK,
            Align::End,
            row_width,
        );
        for (k, line) in anchor.iter().enumerate() {
            s.text(
                GRID_X0 - 14.0,
                top + 25.0 + ANCHOR_STEP * k as f64,
                line.clone(),
                ANCHOR_SIZE,
                false,
                Rgb::MUTED,
                Align::End,
            );
        }
        s.text(
            GRID_X0 - 14.0,
            top + 28.0 + ANCHOR_STEP * anchor.len() as f64,
            format!("L{l}"),
            19.0,
            false,
            Rgb::MUTED,
            Align::End,
        );
    }
    // Under a column: the label, its anchor's lines, then "I4"; the axis' title goes below the
    // deepest of them.
    let mut deepest = 0usize;
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
        let anchor = anchor_lines(w, Axis::Impact, i, cw - 10.0);
        for (k, line) in anchor.iter().enumerate() {
            s.text(
                x,
                GRID_Y1 + 47.0 + ANCHOR_STEP * k as f64,
                line.clone(),
                ANCHOR_SIZE,
                false,
                Rgb::MUTED,
                Align::Middle,
            );
        }
        deepest = deepest.max(anchor.len());
        s.text(
            x,
            GRID_Y1 + 52.0 + ANCHOR_STEP * anchor.len() as f64,
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
        (GRID_X0 + g.x1) / 2.0,
        GRID_Y1 + 86.0 + ANCHOR_STEP * deepest as f64,
        "Impact →",
        22.0,
        true,
        Rgb::INK,
        Align::Middle,
    );

    s.group_since(grid_start, "Matrix grid");

    // Band legend.
    let (legend_x, legend_right) = (legend_x(s), legend_right(s));
    let legend_start = s.next_index();
    let mut y = GRID_Y0 + 14.0;
    s.text(
        legend_x,
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
            legend_x,
            y - 14.0,
            legend_x + 40.0,
            y + 14.0,
            Some(band_fill(&b.color)),
            Some((Rgb::RULE, 1.0)),
        );
        let label = format!("{} ({range})", one_line(&b.name));
        s.text_fit(
            legend_x + 52.0,
            y,
            &label,
            20.0,
            false,
            Rgb::INK,
            Align::Start,
            legend_right - legend_x - 52.0,
        );
        y += 36.0;
    }
    s.group_since(legend_start, "Legend: bands");
    y + 12.0
}

/// A centred note over the grid when there is nothing to show.
pub(super) fn empty_note(s: &mut Scene, text: &str) {
    let (x0, y0, x1, y1) = (
        GRID_X0 + 80.0,
        (GRID_Y0 + GRID_Y1) / 2.0 - 40.0,
        grid_x1(s) - 80.0,
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
