//! The card charts: one perspective's placements, or the room's consensus, as numbered cards in
//! their cells. Few cards in a cell get two lines of title each; a crowded cell shows what fits and
//! "+N more". It only reads placements and consensus cells; it never compares perspectives.

use super::grid::{draw_grid, empty_note, header, legend_x, Grid, CELL_FOOTER, CELL_PAD};
use super::{name, plural};
use crate::export::scene::{self, Align, MarkerKind, Part, Rgb, Scene};
use crate::export::text::one_line;
use crate::export::ExportError;
use crate::{Cell, PerspectiveId, Workshop};

/// Where `perspective` placed each change.
pub(super) fn perspective(
    w: &Workshop,
    title: &str,
    perspective: &PerspectiveId,
    width: f64,
) -> Result<Scene, ExportError> {
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
        title,
        &subtitle,
        &name(w, perspective)?,
        &cards,
        width,
    ))
}

/// Where the room agreed each change sits.
pub(super) fn consensus(w: &Workshop, title: &str, width: f64) -> Scene {
    let cards = w
        .changes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i + 1, c.title.as_str(), c.consensus?)))
        .collect::<Vec<_>>();
    let missing = w.changes.len() - cards.len();
    let subtitle = count_line(cards.len(), missing, "without a consensus yet");
    card_matrix(w, title, &subtitle, "Consensus", &cards, width)
}

fn count_line(shown: usize, missing: usize, why: &str) -> String {
    let mut s = plural(shown, "change", "changes");
    if missing > 0 {
        s.push_str(&format!(" · {missing} {why}"));
    }
    s
}

/// Cards (number and title) in their cells; a crowded cell shows what fits and "+N more".
/// `who` names whose cards they are, in each card's name ("Dev: Upgrade PostgreSQL").
fn card_matrix(
    w: &Workshop,
    title: &str,
    subtitle: &str,
    who: &str,
    cards: &[(usize, &str, Cell)],
    width: f64,
) -> Scene {
    let mut s = Scene::with_width(width);
    header(&mut s, title, subtitle);
    let g = Grid::of(w, &s);
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
    let legend_x = legend_x(&s);
    let legend_start = s.next_index();
    s.text(legend_x, y, "Cards", 22.0, true, Rgb::INK, Align::Start);
    y += 34.0;
    for line in [
        "The number is the change's",
        "place in the workshop list.",
        "Full titles: see the table.",
    ] {
        s.text(legend_x, y, line, 18.0, false, Rgb::MUTED, Align::Start);
        y += 26.0;
    }
    s.group_since(legend_start, "Legend: cards");
    s
}

#[cfg(test)]
mod tests {
    use super::super::tests::{placed, texts};
    use super::super::Chart;
    use crate::PerspectiveId;

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
}
