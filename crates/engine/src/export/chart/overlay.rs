//! The overlay: two perspectives' placements on one matrix, a marker per perspective (shape as
//! well as colour), and an arrow from the `from` marker to the `to` marker of each contested
//! change, at most thirty: past that a room cannot follow them, so only the most contested get
//! one, in the analysis' order. It never ranks changes itself: the order is `crate::analysis`'s.

use super::gaps::{analyse_pair, pair_rows};
use super::grid::{draw_grid, empty_note, header, legend_right, legend_x, Grid};
use super::markers::{
    between, change_key, draw_marker, place_marks, tag_arrows, Mark, Marker, MARK_R, MARK_SLOT,
};
use super::{plural, unknown};
use crate::export::scene::{Align, Rgb, Scene};
use crate::export::text::one_line;
use crate::export::ExportError;
use crate::{Cell, PerspectiveId, Workshop};

/// The most arrows an overlay draws.
const MAX_ARROWS: usize = 30;

pub(super) fn scene(
    w: &Workshop,
    title: &str,
    from: &PerspectiveId,
    to: &PerspectiveId,
    width: f64,
) -> Result<Scene, ExportError> {
    let pair = [from, to];
    let persp = pair
        .iter()
        .map(|id| {
            let i = w
                .perspectives
                .iter()
                .position(|p| &p.id == *id)
                .ok_or_else(|| unknown(w, &id.0))?;
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
    let mut s = Scene::with_width(width);
    header(&mut s, title, &subtitle);
    let g = Grid::of(w, &s);
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
            if let Some((p, q)) = pos[j].and_then(|b| between(a, b, MARK_R + 2.0)) {
                if let Some(drawn) = s.arrow(p, q, Rgb::INK, 3.0, 16.0) {
                    arrows.push((drawn, i, j));
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
    let (legend_x, legend_right) = (legend_x(&s), legend_right(&s));
    let legend_start = s.next_index();
    s.text(
        legend_x,
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
            legend_x + 20.0,
            y,
            MARK_R,
            Rgb::parse(&p.color),
            "",
            format!("Legend: {}", one_line(&p.name)),
            None,
        );
        s.text_fit(
            legend_x + 50.0,
            y,
            &p.name,
            20.0,
            false,
            Rgb::INK,
            Align::Start,
            legend_right - legend_x - 50.0,
        );
        y += 44.0;
    }
    s.arrow((legend_x, y), (legend_x + 40.0, y), Rgb::INK, 3.0, 14.0);
    s.text_fit(
        legend_x + 50.0,
        y,
        &format!("{} → {}", persp[0].1.name, persp[1].1.name),
        20.0,
        false,
        Rgb::INK,
        Align::Start,
        legend_right - legend_x - 50.0,
    );
    y += 44.0;
    s.group_since(legend_start, "Legend: perspectives");
    // The key lists the changes with arrows first (most contested first), then the rest.
    numbers.sort_by_key(|n| (arrow_rank.get(n).copied().unwrap_or(usize::MAX), *n));
    change_key(&mut s, w, y, &numbers);
    Ok(s)
}
