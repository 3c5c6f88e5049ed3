//! The gap map: the shape of the disagreement between two perspectives at a glance. Each change
//! both placed is a point at (impact gap, likelihood gap), `to` − `from` in levels; changes with
//! the same two gaps share one circle with their count. The four quadrants are named in words
//! ("Ops rates it more likely, Dev more severe"), the diagonals (the same gap on both axes) are
//! drawn, and the wedges between them are shaded: above and below, the disagreement is mostly
//! about likelihood; left and right, mostly about impact. When the room's thesis holds, the
//! points line up along one axis.
//!
//! Both axes use the same unit (the larger of the two ranges), so a diagonal means equal gaps.
//! Gaps, the order of changes and the dominant axis come from `crate::analysis`; it must never
//! compute one of its own, only group equal gaps into one circle.

use std::collections::BTreeMap;

use super::gaps::{analyse_pair, pair_rows};
use super::grid::{header, legend_right, legend_x, GRID_Y0};
use super::markers::change_key;
use super::{name, plural};
use crate::analysis::Dominant;
use crate::export::scene::{fit_lines, text_width, Align, Part, Rgb, Scene, Shape, WIDTH};
use crate::export::ExportError;
use crate::{Axis, PerspectiveId, Workshop};

/// The plot's square frame on the canvas.
/// The plot is a square at most this side, its top at `PLOT_Y0`.
const PLOT_Y0: f64 = 196.0;
const PLOT_SIDE: f64 = 750.0;

/// The plot's square and the width of the quadrant words on either side of it, on a canvas as
/// wide as `s`: the words keep 300 px on a 16:9 canvas and give up to a third of that on a
/// narrower one; the square takes what is left (at most `PLOT_SIDE`), centred in its room and
/// vertically in its band.
fn plot_box(s: &Scene) -> ((f64, f64, f64, f64), f64) {
    let words = (300.0 + 0.25 * (s.width() - WIDTH)).clamp(200.0, 300.0);
    let left = words + 100.0;
    let room = legend_x(s) - 36.0 - words - left;
    let side = room.min(PLOT_SIDE);
    let x0 = left + (room - side) / 2.0;
    let y0 = PLOT_Y0 + (PLOT_SIDE - side) / 2.0;
    ((x0, y0, x0 + side, y0 + side), words)
}

/// Shading of the wedges where one axis dominates.
const LIKELIHOOD_WEDGE: Rgb = Rgb(222, 230, 247);
const IMPACT_WEDGE: Rgb = Rgb(252, 236, 204);
const DIAGONAL: Rgb = Rgb(140, 146, 152);
const GROUP_FILL: Rgb = Rgb(52, 58, 64);

/// The changes sharing one pair of gaps, by number in the analysis' order.
struct Point {
    likelihood: i8,
    impact: i8,
    numbers: Vec<usize>,
}

pub(super) fn scene(
    w: &Workshop,
    title: &str,
    from: &PerspectiveId,
    to: &PerspectiveId,
    width: f64,
) -> Result<Scene, ExportError> {
    let (nf, nt) = (name(w, from)?, name(w, to)?);
    let analysis = analyse_pair(w, from.clone(), to.clone())?;
    let rows = pair_rows(&analysis);

    let mut points: BTreeMap<(i8, i8), Point> = BTreeMap::new();
    for r in &rows {
        points
            .entry((r.likelihood_gap, r.impact_gap))
            .or_insert_with(|| Point {
                likelihood: r.likelihood_gap,
                impact: r.impact_gap,
                numbers: Vec::new(),
            })
            .numbers
            .push(r.number);
    }
    // Within a circle, the numbers read in order.
    for p in points.values_mut() {
        p.numbers.sort_unstable();
    }
    let count = |d: Dominant| {
        analysis
            .changes
            .iter()
            .filter(|g| g.dominant == Some(d))
            .count()
    };
    let subtitle = format!(
        "{} placed by both · mostly about likelihood {} · mostly about impact {} · equally both {} · same cell {}",
        plural(rows.len(), "change", "changes"),
        count(Dominant::Likelihood),
        count(Dominant::Impact),
        count(Dominant::Both),
        count(Dominant::Agree),
    );
    let mut s = Scene::with_width(width);
    header(&mut s, title, &subtitle);

    // The same unit on both axes: the larger range, so that the diagonals mean equal gaps.
    let span = i32::from(
        w.matrix
            .max_level(Axis::Likelihood)
            .max(w.matrix.max_level(Axis::Impact)),
    )
    .max(2)
        - 1;
    let ((x0, y0, x1, y1), words) = plot_box(&s);
    let plot_side = x1 - x0;
    let unit = plot_side / f64::from(2 * span + 1);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let x_of = |v: i32| cx + f64::from(v) * unit;
    let y_of = |v: i32| cy - f64::from(v) * unit;

    // Wedges, grid, diagonals, axes.
    let frame = s.next_index();
    for (wedge, fill) in [
        (vec![(x0, y0), (x1, y0), (cx, cy)], LIKELIHOOD_WEDGE),
        (vec![(x0, y1), (x1, y1), (cx, cy)], LIKELIHOOD_WEDGE),
        (vec![(x0, y0), (x0, y1), (cx, cy)], IMPACT_WEDGE),
        (vec![(x1, y0), (x1, y1), (cx, cy)], IMPACT_WEDGE),
    ] {
        s.push(Shape::Polygon {
            points: wedge,
            fill: Some(fill),
            stroke: None,
        });
    }
    for v in -span..=span {
        if v == 0 {
            continue;
        }
        let line = Rgb(206, 210, 215);
        s.line(vec![(x_of(v), y0), (x_of(v), y1)], line, 1.0);
        s.line(vec![(x0, y_of(v)), (x1, y_of(v))], line, 1.0);
    }
    s.line(vec![(x0, y1), (x1, y0)], DIAGONAL, 2.0);
    s.line(vec![(x0, y0), (x1, y1)], DIAGONAL, 2.0);
    s.line(vec![(cx, y0), (cx, y1)], Rgb::INK, 3.0);
    s.line(vec![(x0, cy), (x1, cy)], Rgb::INK, 3.0);
    s.rect(x0, y0, x1, y1, None, Some((Rgb::RULE, 2.0)));
    let signed = |v: i32| {
        if v > 0 {
            format!("+{v}")
        } else {
            v.to_string()
        }
    };
    for v in -span..=span {
        s.text(
            x_of(v),
            y1 + 20.0,
            signed(v),
            18.0,
            false,
            Rgb::MUTED,
            Align::Middle,
        );
        s.text(
            x0 - 10.0,
            y_of(v),
            signed(v),
            18.0,
            false,
            Rgb::MUTED,
            Align::End,
        );
    }
    s.text_fit(
        cx,
        y0 - 26.0,
        &format!("↑ Likelihood gap: {nt} − {nf} (levels)"),
        22.0,
        true,
        Rgb::INK,
        Align::Middle,
        plot_side + 200.0,
    );
    s.text_fit(
        cx,
        y1 + 56.0,
        &format!("Impact gap: {nt} − {nf} (levels) →"),
        22.0,
        true,
        Rgb::INK,
        Align::Middle,
        plot_side + 200.0,
    );
    s.group_since(frame, "Gap map axes");

    // The quadrants in words, beside their corners.
    let quadrants = s.next_index();
    let corners = [
        (
            format!("{nt} rates it more likely, {nf} more severe"),
            x0 - 50.0,
            Align::End,
            true,
        ),
        (
            format!("{nt} rates it more likely and more severe"),
            x1 + 24.0,
            Align::Start,
            true,
        ),
        (
            format!("{nf} rates it more likely and more severe"),
            x0 - 50.0,
            Align::End,
            false,
        ),
        (
            format!("{nf} rates it more likely, {nt} more severe"),
            x1 + 24.0,
            Align::Start,
            false,
        ),
    ];
    for (text, x, align, top) in corners {
        let lines = fit_lines(&text, 22.0, true, words, 4);
        let line_h = 30.0;
        let first = if top {
            y0 + 16.0
        } else {
            y1 - 16.0 - line_h * (lines.len().max(1) - 1) as f64
        };
        for (k, line) in lines.into_iter().enumerate() {
            s.text(
                x,
                first + k as f64 * line_h,
                line,
                22.0,
                true,
                Rgb::INK,
                align,
            );
        }
    }
    s.group_since(quadrants, "Quadrants");

    // The points: one circle per pair of gaps, the change's number or the count inside, the
    // numbers below a shared circle as far as they fit, on a white strip so that the axes and
    // diagonals do not run through them. The strips go first, so no circle is ever under one.
    let single_r = (unit * 0.3).min(22.0);
    let radius = |n: usize| {
        if n == 1 {
            single_r
        } else {
            (single_r * (1.0 + 0.15 * (n as f64).ln())).min(unit * 0.36)
        }
    };
    let centre = |p: &Point| (x_of(i32::from(p.impact)), y_of(i32::from(p.likelihood)));
    const NUMBERS_SIZE: f64 = 13.0;
    let mut strips: Vec<Option<(usize, String)>> = Vec::with_capacity(points.len());
    for p in points.values() {
        if p.numbers.len() < 2 {
            strips.push(None);
            continue;
        }
        let (px, py) = centre(p);
        let numbers = numbers_that_fit(&p.numbers, NUMBERS_SIZE, unit - 8.0);
        let half = text_width(&numbers, NUMBERS_SIZE, false) / 2.0 + 3.0;
        let ty = py + radius(p.numbers.len()) + 8.5;
        strips.push(Some((s.next_index(), numbers)));
        s.rect(
            px - half,
            ty - 7.5,
            px + half,
            ty + 7.5,
            Some(Rgb::WHITE),
            None,
        );
    }
    for (p, strip) in points.values().zip(strips) {
        let start = s.next_index();
        let (px, py) = centre(p);
        let n = p.numbers.len();
        let r = radius(n);
        let (fill, ink, label) = if n == 1 {
            (Rgb::WHITE, Rgb::INK, p.numbers[0].to_string())
        } else {
            (GROUP_FILL, Rgb::WHITE, format!("×{n}"))
        };
        s.push(Shape::Circle {
            cx: px,
            cy: py,
            r,
            fill: Some(fill),
            stroke: Some((Rgb::INK, 2.0)),
        });
        let size = if label.chars().count() >= 3 {
            14.0
        } else {
            17.0
        };
        s.text_fit(
            px,
            py,
            &label,
            size,
            true,
            ink,
            Align::Middle,
            2.0 * r - 4.0,
        );
        let mut shapes = Vec::new();
        if let Some((backing, numbers)) = strip {
            shapes.push(backing);
            s.text(
                px,
                py + r + 8.5,
                numbers,
                NUMBERS_SIZE,
                false,
                Rgb::INK,
                Align::Middle,
            );
        }
        shapes.extend(s.since(start));
        s.tag(Part::Group {
            name: format!(
                "{}: likelihood {}, impact {}",
                plural(n, "change", "changes"),
                signed(i32::from(p.likelihood)),
                signed(i32::from(p.impact))
            ),
            shapes,
        });
    }
    if rows.is_empty() {
        let (bx0, by0, bx1, by1) = (x0 + 40.0, cy - 40.0, x1 - 40.0, cy + 40.0);
        s.rect(bx0, by0, bx1, by1, Some(Rgb::WHITE), Some((Rgb::RULE, 2.0)));
        s.text_fit(
            cx,
            cy,
            &format!("No change is placed by both {nf} and {nt} yet"),
            26.0,
            true,
            Rgb::INK,
            Align::Middle,
            bx1 - bx0 - 30.0,
        );
    }

    let y = legend(&mut s, &nf, &nt, single_r);
    // The key: the changes in the analysis' order, most contested first.
    let numbers: Vec<usize> = rows.iter().map(|r| r.number).collect();
    change_key(&mut s, w, y, &numbers);
    Ok(s)
}

/// "3, 7, 12 +4": the numbers that fit in `width`, then how many more.
fn numbers_that_fit(numbers: &[usize], size: f64, width: f64) -> String {
    let mut shown = String::new();
    for (k, n) in numbers.iter().enumerate() {
        let candidate = if shown.is_empty() {
            n.to_string()
        } else {
            format!("{shown}, {n}")
        };
        let rest = numbers.len() - k - 1;
        let with_more = if rest > 0 {
            format!("{candidate} +{rest}")
        } else {
            candidate.clone()
        };
        if text_width(&with_more, size, false) > width {
            let more = numbers.len() - k;
            return if shown.is_empty() {
                format!("+{more}")
            } else {
                format!("{shown} +{more}")
            };
        }
        shown = candidate;
    }
    shown
}

/// How to read the map; returns the y where the change key may start.
fn legend(s: &mut Scene, nf: &str, nt: &str, r: f64) -> f64 {
    let (legend_x, legend_right) = (legend_x(s), legend_right(s));
    let start = s.next_index();
    let width = legend_right - legend_x;
    let mut y = GRID_Y0 + 14.0;
    s.text(
        legend_x,
        y,
        "Reading the map",
        22.0,
        true,
        Rgb::INK,
        Align::Start,
    );
    y += 34.0;
    let explain = format!(
        "Each change sits at its impact gap (across) and likelihood gap (up), {nt} − {nf}."
    );
    for line in fit_lines(&explain, 18.0, false, width, 3) {
        s.text(legend_x, y, line, 18.0, false, Rgb::MUTED, Align::Start);
        y += 25.0;
    }
    y += 14.0;
    let sample_r = r.min(18.0);
    let samples: [(Rgb, Rgb, &str, &str); 2] = [
        (Rgb::WHITE, Rgb::INK, "7", "one change, by its number"),
        (GROUP_FILL, Rgb::WHITE, "×3", "three with the same gaps"),
    ];
    for (fill, ink, label, meaning) in samples {
        s.push(Shape::Circle {
            cx: legend_x + 20.0,
            cy: y,
            r: sample_r,
            fill: Some(fill),
            stroke: Some((Rgb::INK, 2.0)),
        });
        s.text(legend_x + 20.0, y, label, 14.0, true, ink, Align::Middle);
        s.text_fit(
            legend_x + 50.0,
            y,
            meaning,
            18.0,
            false,
            Rgb::INK,
            Align::Start,
            width - 50.0,
        );
        y += 42.0;
    }
    for (fill, meaning) in [
        (LIKELIHOOD_WEDGE, "mostly about likelihood"),
        (IMPACT_WEDGE, "mostly about impact"),
    ] {
        s.rect(
            legend_x,
            y - 12.0,
            legend_x + 40.0,
            y + 12.0,
            Some(fill),
            Some((Rgb::RULE, 1.0)),
        );
        s.text_fit(
            legend_x + 50.0,
            y,
            meaning,
            18.0,
            false,
            Rgb::INK,
            Align::Start,
            width - 50.0,
        );
        y += 34.0;
    }
    s.line(vec![(legend_x, y), (legend_x + 40.0, y)], DIAGONAL, 2.0);
    s.text_fit(
        legend_x + 50.0,
        y,
        "diagonal: the same gap on both",
        18.0,
        false,
        Rgb::INK,
        Align::Start,
        width - 50.0,
    );
    y += 40.0;
    s.group_since(start, "Legend: reading the map");
    y
}

#[cfg(test)]
mod tests {
    use super::super::tests::{outside_canvas, placed, text_boxes, texts};
    use super::super::{render, Chart, ChartSize, ImageFormat};
    use super::*;
    use crate::export::scene::MIN_WIDTH;

    fn map(_: &Workshop) -> Chart {
        Chart::GapMap {
            from: PerspectiveId::new("dev"),
            to: PerspectiveId::new("ops"),
        }
    }

    #[test]
    fn equal_gaps_share_one_circle_with_their_count() {
        let mut w = placed(3, 1);
        // Every change: Dev L1 × I1, Ops L3 × I2 (likelihood +2, impact +1).
        for c in &mut w.changes {
            for (p, (l, i)) in [("dev", (1, 1)), ("ops", (3, 2))] {
                let pl = c.placements.get_mut(&PerspectiveId::new(p)).unwrap();
                pl.likelihood = l;
                pl.impact = i;
            }
        }
        let scene = map(&w).scene(&w).unwrap();
        let circles = scene
            .shapes
            .iter()
            .filter(|s| matches!(s, Shape::Circle { .. }))
            .count();
        // One on the map, two legend samples.
        assert_eq!(circles, 3);
        let t = texts(&scene);
        assert!(t.contains(&"×3".to_owned()), "{t:?}");
        assert!(t.contains(&"1, 2, 3".to_owned()), "{t:?}");
        assert!(
            t.iter().any(|t| t.contains("mostly about likelihood 3")),
            "{t:?}"
        );
    }

    #[test]
    fn quadrants_are_named_with_the_perspectives() {
        let mut w = placed(2, 1);
        w.perspectives[0].name = "Build".into();
        w.perspectives[1].name = "Run".into();
        let all = texts(&map(&w).scene(&w).unwrap()).join(" ");
        for words in [
            "Run rates it more likely, Build more severe",
            "Run rates it more likely and more severe",
            "Build rates it more likely and more severe",
            "Build rates it more likely, Run more severe",
            "Likelihood gap: Run − Build",
            "Impact gap: Run − Build",
        ] {
            assert!(all.contains(words), "{words}: {all}");
        }
    }

    #[test]
    fn a_change_sits_where_its_gaps_are() {
        let mut w = placed(1, 1);
        let c = &mut w.changes[0];
        for (p, (l, i)) in [("dev", (1, 5)), ("ops", (4, 3))] {
            let pl = c.placements.get_mut(&PerspectiveId::new(p)).unwrap();
            pl.likelihood = l;
            pl.impact = i;
        }
        // On the picture's canvas and on a 4:3 slide's narrower one.
        for width in [WIDTH, MIN_WIDTH] {
            let scene = map(&w).scene_for_slide(&w, width).unwrap();
            let ((x0, y0, x1, y1), _) = plot_box(&scene);
            let unit = (x1 - x0) / 9.0;
            let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
            let circle = scene.shapes.iter().find_map(|s| match s {
                Shape::Circle { cx, cy, .. } if *cx < legend_x(&scene) => Some((*cx, *cy)),
                _ => None,
            });
            let (x, y) = circle.unwrap();
            // Impact −2 to the left, likelihood +3 up.
            assert!((x - (cx - 2.0 * unit)).abs() < 1e-9, "{width}: {x}");
            assert!((y - (cy - 3.0 * unit)).abs() < 1e-9, "{width}: {y}");
        }
    }

    #[test]
    fn crowded_numbers_end_in_how_many_more() {
        let many: Vec<usize> = (100..160).collect();
        let s = numbers_that_fit(&many, 13.0, 70.0);
        assert!(s.starts_with("100") && s.contains(" +"), "{s}");
        assert!(text_width(&s, 13.0, false) <= 70.0, "{s}");
        assert_eq!(numbers_that_fit(&[1, 2], 13.0, 70.0), "1, 2");
        assert_eq!(numbers_that_fit(&[123456], 13.0, 5.0), "+1");
    }

    #[test]
    fn every_size_lays_out_inside_without_overlapping_text() {
        for levels in [3usize, 5, 7] {
            for n in [0, 1, 8, 500] {
                let mut w = placed(n, 5);
                // Levels 1..=levels on both axes, every placement brought inside them.
                let level = w.matrix.likelihood[0].clone();
                w.matrix.likelihood = vec![level.clone(); levels];
                w.matrix.impact = vec![level; levels];
                let max = levels as u8;
                for pl in w.changes.iter_mut().flat_map(|c| c.placements.values_mut()) {
                    pl.likelihood = pl.likelihood.min(max);
                    pl.impact = pl.impact.min(max);
                }
                if levels == 7 {
                    // The far corners too: gaps of ±6.
                    for (k, c) in w.changes.iter_mut().take(4).enumerate() {
                        let (a, b) = if k % 2 == 0 { (1, 7) } else { (7, 1) };
                        let dev = c.placements.get_mut(&PerspectiveId::new("dev")).unwrap();
                        (dev.likelihood, dev.impact) = (a, if k < 2 { a } else { b });
                        let ops = c.placements.get_mut(&PerspectiveId::new("ops")).unwrap();
                        (ops.likelihood, ops.impact) = (b, if k < 2 { b } else { a });
                    }
                }
                let scene = map(&w).scene(&w).unwrap();
                assert!(outside_canvas(&scene).is_empty(), "{levels} {n}");
                let boxes = text_boxes(&scene);
                for (i, a) in boxes.iter().enumerate() {
                    for b in &boxes[i + 1..] {
                        let overlap = a.0 < b.2 - 0.5
                            && b.0 < a.2 - 0.5
                            && a.1 < b.3 - 0.5
                            && b.1 < a.3 - 0.5;
                        assert!(!overlap, "{levels}×{n}: {:?} overlaps {:?}", a.4, b.4);
                    }
                }
            }
        }
    }

    #[test]
    fn hostile_names_and_titles_are_escaped_and_cut() {
        let mut w = placed(8, 3);
        w.perspectives[0].name = format!("<Dev & \"Co\">\u{0}{}", "D".repeat(200));
        w.perspectives[1].name = "\u{202E}Ops</text><script>".into();
        w.changes[0].title = format!("\u{1}<b>{}", "M".repeat(300));
        let chart = map(&w);
        let scene = chart.scene(&w).unwrap();
        assert!(outside_canvas(&scene).is_empty());
        let svg = String::from_utf8(render(&w, &chart, ImageFormat::Svg, ChartSize::HD).unwrap())
            .unwrap();
        assert!(!svg.contains("<script>") && !svg.contains("<Dev") && !svg.contains("<b>"));
        assert!(svg.contains("&lt;Dev &amp; &quot;Co&quot;&gt;"));
        assert!(!svg.contains('\u{202E}') && !svg.contains('\u{1}') && !svg.contains('\u{0}'));
        let png = render(&w, &chart, ImageFormat::Png, ChartSize::HD).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
    }
}
