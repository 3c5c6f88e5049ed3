//! Inherent → residual: an arrow from each change's inherent cell to its residual cell, so the
//! room sees what the mitigations buy. The inherent cell is the analysis' (the consensus, or the
//! highest placement without one); this chart never defines it anew.

use super::grid::{draw_grid, empty_note, header, legend_x, Grid};
use super::markers::{
    between, change_key, draw_marker, place_marks, tag_arrows, Mark, Marker, MARK_R, MARK_SLOT,
};
use super::plural;
use crate::analysis::InherentSource;
use crate::export::scene::{Align, Rgb, Scene};
use crate::export::text::one_line;
use crate::{Cell, Workshop};

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

pub(super) fn scene(w: &Workshop, title: &str, width: f64) -> Scene {
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
    let mut s = Scene::with_width(width);
    header(&mut s, title, &subtitle);
    let g = Grid::of(w, &s);
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
    let legend_x = legend_x(&s);
    let legend_start = s.next_index();
    s.text(legend_x, y, "Markers", 22.0, true, Rgb::INK, Align::Start);
    y += 40.0;
    draw_marker(
        &mut s,
        Marker::Circle,
        legend_x + 20.0,
        y,
        MARK_R,
        inherent_fill,
        "",
        "Legend: inherent".into(),
        None,
    );
    s.text(
        legend_x + 50.0,
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
        legend_x + 20.0,
        y,
        MARK_R,
        residual_fill,
        "",
        "Legend: residual".into(),
        None,
    );
    s.text(
        legend_x + 50.0,
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
        s.text(legend_x, y, line, 18.0, false, Rgb::MUTED, Align::Start);
        y += 26.0;
    }
    s.group_since(legend_start, "Legend: markers");
    y += 24.0;
    change_key(&mut s, w, y, &numbers);
    s
}
