//! Markers for the charts that show changes as points rather than cards (the overlay and the
//! residual chart): shapes that tell perspectives apart without colour, their slots inside a cell
//! ("+N" when a cell overflows), the segment between two markers, and the numbered key of the
//! changes beside the grid. It never decides which changes are shown or in which order: the
//! chart passes the marks and their priority.

use super::grid::{legend_right, legend_x, Grid, BOTTOM, CELL_FOOTER, CELL_PAD};
use crate::export::scene::{Align, MarkerKind, Part, Rgb, Scene, Shape};
use crate::export::text::one_line;
use crate::{Cell, Workshop};

/// The radius of a marker and the side of the square slot each one gets in a cell.
pub(super) const MARK_R: f64 = 17.0;
pub(super) const MARK_SLOT: f64 = 46.0;

pub(crate) use crate::export::scene::Marker;

impl Marker {
    pub(super) fn for_index(i: usize) -> Marker {
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

/// Draws a marker and tags it with `name` (and the change's `number`; `None` for a legend
/// sample); returns the index of its outline.
#[allow(clippy::too_many_arguments)]
pub(super) fn draw_marker(
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
pub(super) fn slots(rect: (f64, f64, f64, f64), slot: f64) -> Vec<(f64, f64)> {
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
pub(super) struct Mark {
    pub(super) number: usize,
    pub(super) series: usize,
    pub(super) cell: Cell,
}

/// Puts marks into cell slots; returns the centre of each mark that got a slot (by index into
/// `marks`) and draws "+N" where a cell overflows.
/// A crowded cell shows the marks with the lowest `priority` first.
pub(super) fn place_marks(
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
pub(super) fn between(a: (f64, f64), b: (f64, f64), r: f64) -> Option<((f64, f64), (f64, f64))> {
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
/// arrow under the change's number and title. `arrows` holds ((line, head), from mark, to mark);
/// `outline` the index of each mark's drawn outline.
pub(super) fn tag_arrows(
    s: &mut Scene,
    w: &Workshop,
    marks: &[Mark],
    outline: &[Option<usize>],
    arrows: &[((usize, usize), usize, usize)],
    what: &str,
) {
    let title = |number: usize| {
        w.changes
            .get(number - 1)
            .map_or(String::new(), |c| one_line(&c.title))
    };
    let mut by_change: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for &((line, head), a, b) in arrows {
        s.tag(Part::Arrow {
            line,
            head,
            from: outline[a],
            to: outline[b],
            name: format!("Arrow {what}: {}", title(marks[a].number)),
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
        s.tag(Part::Group {
            name: format!("{number} {}", title(number)),
            shapes,
        });
    }
}

/// A numbered key of the changes shown, as many as fit below `y`, then "+N more".
pub(super) fn change_key(s: &mut Scene, w: &Workshop, mut y: f64, numbers: &[usize]) {
    let (legend_x, legend_right) = (legend_x(s), legend_right(s));
    let start = s.next_index();
    s.text(legend_x, y, "Changes", 22.0, true, Rgb::INK, Align::Start);
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
            legend_x,
            y,
            n.to_string(),
            18.0,
            true,
            Rgb::INK,
            Align::Start,
        );
        s.text_fit(
            legend_x + 46.0,
            y,
            &c.title,
            18.0,
            false,
            Rgb::INK,
            Align::Start,
            legend_right - legend_x - 46.0,
        );
        y += LINE;
    }
    if shown < numbers.len() {
        s.text(
            legend_x,
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
