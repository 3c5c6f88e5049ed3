//! The trend chart: whether two perspectives converge over months. The mean absolute gap per
//! axis of each workshop, one line per axis (likelihood and impact told apart by marker shape as
//! well as colour), workshops left to right in date order, each labelled with its date and
//! title. Workshops are spaced evenly rather than by elapsed time: they are held every few weeks
//! or months, and even spacing keeps every label readable. A workshop where the pair compared
//! nothing has no point, and its axis' line breaks there rather than pretend a value.
//!
//! The figures are the trend's (`crate::analysis::trend`, which takes them from the analysis):
//! it must never compute a gap of its own.

use super::grid::{header, legend_right, legend_x};
use super::markers::{draw_marker, Marker};
use super::plural;
use crate::analysis::trend::{Trend, TrendPoint};
use crate::export::scene::{fit, text_width, Align, Part, Rgb, Scene};
use crate::export::text::one_line;
use crate::export::ExportError;

const PLOT_X0: f64 = 200.0;
const PLOT_Y0: f64 = 190.0;
const PLOT_Y1: f64 = 860.0;
/// The narrowest room a workshop's label gets; closer workshops share a label every few.
const MIN_LABEL: f64 = 110.0;

const LIKELIHOOD: (Rgb, Marker, &str) = (Rgb(31, 58, 147), Marker::Circle, "Likelihood");
const IMPACT: (Rgb, Marker, &str) = (Rgb(196, 84, 10), Marker::Square, "Impact");

/// Where the value label of a marker at `y` goes, given the other axis' marker at the same
/// workshop: the higher marker's label above it; the lower one's below it, unless that would
/// reach the dates under the plot, then above it when there is room between the two markers,
/// else stacked above the higher label. Likelihood counts as the higher on a tie.
fn label_y(y: f64, other: Option<f64>, likelihood: bool, r: f64) -> f64 {
    const GAP: f64 = 16.0;
    let above = y - r - GAP;
    let Some(o) = other else {
        return above;
    };
    let higher = y < o || (y == o && likelihood);
    if higher {
        return above;
    }
    if y + r + GAP + 9.0 <= PLOT_Y1 - 2.0 {
        y + r + GAP
    } else if y - o >= 2.0 * r + 28.0 {
        above
    } else {
        o - r - GAP - 20.0
    }
}

/// A workshop's mean absolute gap on likelihood (`true`) or impact, when it has one.
fn mean(p: &TrendPoint, likelihood: bool) -> Option<f64> {
    let axis = if likelihood { &p.likelihood } else { &p.impact };
    axis.mean_abs_gap.filter(|v| v.is_finite())
}

/// Each workshop's pair, one line each.
fn pairs(t: &Trend) -> Vec<(String, String)> {
    t.points
        .iter()
        .map(|p| (one_line(&p.pair.from), one_line(&p.pair.to)))
        .collect()
}

/// "Dev and Ops across workshops", or "Across workshops" when the pair differs between them.
pub fn title(t: &Trend) -> String {
    let pairs = pairs(t);
    match pairs.first() {
        Some((from, to)) if pairs.windows(2).all(|w| w[0] == w[1]) => {
            format!("{from} and {to} across workshops")
        }
        _ => "Across workshops".to_owned(),
    }
}

/// Lays the trend out on a canvas `width` wide (1920 for a picture; see `Scene::with_width`),
/// with its title line unless it goes on a slide whose own title sits in that band.
pub fn scene(t: &Trend, width: f64, show_title: bool) -> Result<Scene, ExportError> {
    let points = &t.points;
    let n = points.len();
    let pairs = pairs(t);
    let same_pair = pairs.windows(2).all(|w| w[0] == w[1]);
    let title = if show_title { title(t) } else { String::new() };
    let mut subtitle = format!(
        "Mean absolute gap per axis, in levels · {}",
        plural(n, "workshop", "workshops")
    );
    if !same_pair {
        subtitle.push_str(" · the pair differs between workshops");
    }
    let without = points
        .iter()
        .filter(|p| p.likelihood.mean_abs_gap.is_none())
        .count();
    if without > 0 {
        subtitle.push_str(&format!(" · {without} with no change placed by both"));
    }
    let mut s = Scene::with_width(width);
    header(&mut s, &title, &subtitle);
    let (legend_x, legend_right) = (legend_x(&s), legend_right(&s));
    let plot_x1 = legend_x - 70.0;

    // The value axis: from 0 to the largest mean rounded up to a half level, at least 1.
    let values = points
        .iter()
        .flat_map(|p| [mean(p, true), mean(p, false)])
        .flatten();
    let top = (values.fold(0.0_f64, f64::max) * 2.0).ceil().max(2.0) / 2.0;
    let step = if top > 4.0 { 1.0 } else { 0.5 };
    let y_of = |v: f64| PLOT_Y1 - (v / top) * (PLOT_Y1 - PLOT_Y0);
    let slot = (plot_x1 - PLOT_X0) / n.max(1) as f64;
    let x_of = |i: usize| PLOT_X0 + slot * (i as f64 + 0.5);

    let axes = s.next_index();
    let mut v = 0.0;
    while v <= top + 1e-9 {
        let y = y_of(v);
        let (color, width) = if v == 0.0 {
            (Rgb::INK, 3.0)
        } else {
            (Rgb(215, 218, 222), 1.0)
        };
        s.line(vec![(PLOT_X0, y), (plot_x1, y)], color, width);
        s.text(
            PLOT_X0 - 12.0,
            y,
            format!("{v:.1}"),
            18.0,
            false,
            Rgb::MUTED,
            Align::End,
        );
        v += step;
    }
    s.text(
        PLOT_X0 - 12.0,
        PLOT_Y0 - 30.0,
        "Mean |gap| ↑",
        20.0,
        true,
        Rgb::INK,
        Align::End,
    );
    // Labels: every workshop when they fit, else every k-th counted back from the last (the
    // latest workshop is always labelled).
    let every = (MIN_LABEL / slot).ceil().max(1.0) as usize;
    let room = slot * every as f64 - 10.0;
    for (i, p) in points.iter().enumerate() {
        if !(n - 1 - i).is_multiple_of(every) {
            continue;
        }
        let x = x_of(i);
        s.line(vec![(x, PLOT_Y1), (x, PLOT_Y1 + 8.0)], Rgb::INK, 2.0);
        let date = p.date.as_deref().unwrap_or("no date");
        s.text_fit(
            x,
            PLOT_Y1 + 26.0,
            date,
            18.0,
            true,
            Rgb::INK,
            Align::Middle,
            room,
        );
        s.text_fit(
            x,
            PLOT_Y1 + 52.0,
            &p.title,
            17.0,
            false,
            Rgb::MUTED,
            Align::Middle,
            room,
        );
    }
    if let Some((from, to)) = pairs.first().filter(|_| same_pair) {
        s.text_fit(
            (PLOT_X0 + plot_x1) / 2.0,
            PLOT_Y1 + 100.0,
            &format!("Workshops in date order · gap = {to} − {from}, lower is closer"),
            20.0,
            true,
            Rgb::INK,
            Align::Middle,
            plot_x1 - PLOT_X0,
        );
    } else {
        s.text(
            (PLOT_X0 + plot_x1) / 2.0,
            PLOT_Y1 + 100.0,
            "Workshops in date order · lower is closer",
            20.0,
            true,
            Rgb::INK,
            Align::Middle,
        );
    }
    s.group_since(axes, "Trend axes");

    // One line per axis, broken where a workshop has no value; markers on top (while they
    // stay apart), the value beside each when there is room.
    let radius = (slot * 0.3).clamp(4.0, 12.0);
    let labelled = slot >= 70.0;
    let marked = slot >= 8.0;
    let width = if slot < 12.0 { 2.0 } else { 4.0 };
    // Both lines first, then the markers and labels (on a white strip), so no line crosses a
    // value.
    let axes_of = [(LIKELIHOOD, true), (IMPACT, false)];
    let mut shapes: [Vec<usize>; 2] = Default::default();
    for (k, ((color, _, _), likelihood)) in axes_of.into_iter().enumerate() {
        let start = s.next_index();
        let mut run: Vec<(f64, f64)> = Vec::new();
        for (i, p) in points.iter().enumerate() {
            match mean(p, likelihood) {
                Some(v) => run.push((x_of(i), y_of(v))),
                None => {
                    if run.len() > 1 {
                        s.line(std::mem::take(&mut run), color, width);
                    }
                    run.clear();
                }
            }
        }
        if run.len() > 1 {
            s.line(run, color, width);
        }
        shapes[k].extend(s.since(start));
    }
    for (k, ((color, marker, name), likelihood)) in axes_of.into_iter().enumerate() {
        let start = s.next_index();
        for (i, p) in points.iter().enumerate() {
            let Some(v) = mean(p, likelihood) else {
                continue;
            };
            if !marked {
                continue;
            }
            let (x, y) = (x_of(i), y_of(v));
            draw_marker(
                &mut s,
                marker,
                x,
                y,
                radius,
                color,
                "",
                format!("{name}: {}", one_line(&p.title)),
                None,
            );
            if labelled {
                let other = mean(p, !likelihood).map(y_of);
                let ly = label_y(y, other, likelihood, radius);
                let label = format!("{v:.2}");
                let half = text_width(&label, 16.0, true) / 2.0 + 3.0;
                s.rect(
                    x - half,
                    ly - 9.0,
                    x + half,
                    ly + 9.0,
                    Some(Rgb::WHITE),
                    None,
                );
                s.text(x, ly, label, 16.0, true, color, Align::Middle);
            }
        }
        shapes[k].extend(s.since(start));
        s.tag(Part::Group {
            name: format!("{name}: mean absolute gap"),
            shapes: std::mem::take(&mut shapes[k]),
        });
    }
    if n == 0 {
        let (x0, y0, x1, y1) = (
            PLOT_X0 + 80.0,
            (PLOT_Y0 + PLOT_Y1) / 2.0 - 40.0,
            plot_x1 - 80.0,
            (PLOT_Y0 + PLOT_Y1) / 2.0 + 40.0,
        );
        s.rect(x0, y0, x1, y1, Some(Rgb::WHITE), Some((Rgb::RULE, 2.0)));
        s.text(
            (x0 + x1) / 2.0,
            (y0 + y1) / 2.0,
            "No workshop to show",
            28.0,
            true,
            Rgb::INK,
            Align::Middle,
        );
    }

    // Legend.
    let legend = s.next_index();
    let mut y = PLOT_Y0 + 14.0;
    s.text(legend_x, y, "Axes", 22.0, true, Rgb::INK, Align::Start);
    y += 40.0;
    for (color, marker, name) in [LIKELIHOOD, IMPACT] {
        s.line(vec![(legend_x, y), (legend_x + 50.0, y)], color, 4.0);
        draw_marker(
            &mut s,
            marker,
            legend_x + 25.0,
            y,
            10.0,
            color,
            "",
            format!("Legend: {name}"),
            None,
        );
        s.text(
            legend_x + 64.0,
            y,
            format!("{name} gap"),
            20.0,
            false,
            Rgb::INK,
            Align::Start,
        );
        y += 40.0;
    }
    y += 10.0;
    for line in [
        "The mean of |gap| over the",
        "changes both placed, per",
        "workshop. Falling lines: the",
        "two sides are converging.",
    ] {
        s.text(legend_x, y, line, 18.0, false, Rgb::MUTED, Align::Start);
        y += 26.0;
    }
    if let Some((from, to)) = pairs.first().filter(|_| same_pair) {
        y += 10.0;
        let line = fit(
            &format!("Pair: {from} → {to}"),
            18.0,
            false,
            legend_right - legend_x,
        );
        s.text(legend_x, y, line, 18.0, false, Rgb::INK, Align::Start);
    }
    s.group_since(legend, "Legend: axes");
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{no_text_overlaps, outside_canvas, placed, text_boxes, texts};
    use super::super::{render_scene, ChartSize, ImageFormat};
    use super::*;
    use crate::analysis::trend::{trend, TrendInput};
    use crate::analysis::AnalysisOptions;
    use crate::export::scene::{MAX_WIDTH, MIN_WIDTH, WIDTH};

    fn inputs(n: usize, title: &str) -> Vec<TrendInput> {
        (0..n)
            .map(|i| {
                let mut w = placed(6 + i % 5, i as u64 + 1);
                w.title = format!("{title} {i}");
                for pl in w.changes.iter_mut().flat_map(|c| c.placements.values_mut()) {
                    pl.placed_at_ms = 1_764_000_000_000 + i as i64 * 86_400_000 * 30;
                }
                if i % 7 == 3 {
                    // Nothing placed by both: a break in the lines.
                    for c in &mut w.changes {
                        c.placements.remove(&crate::PerspectiveId::new("ops"));
                    }
                }
                TrendInput {
                    file: format!("w{i}.parallax"),
                    workshop: w,
                    modified_ms: None,
                }
            })
            .collect()
    }

    #[test]
    fn every_count_lays_out_inside_without_overlapping_text() {
        let hostile = "\u{202E}<script>&\"Q3\u{1} review with a very long title indeed";
        for n in [0usize, 1, 8, 500] {
            let t = trend(&inputs(n, hostile), &AnalysisOptions::default());
            assert_eq!(t.points.len(), n);
            for width in [MIN_WIDTH, MAX_WIDTH] {
                let s = scene(&t, width, false).unwrap();
                assert!(outside_canvas(&s).is_empty(), "{n} at {width}");
                no_text_overlaps(&s, &format!("{n} at {width}"));
            }
            let s = scene(&t, WIDTH, true).unwrap();
            assert!(
                outside_canvas(&s).is_empty(),
                "{n}: {:?}",
                outside_canvas(&s)
            );
            no_text_overlaps(&s, &n.to_string());
            let svg = String::from_utf8(render_scene(&s, ImageFormat::Svg, ChartSize::HD).unwrap())
                .unwrap();
            assert!(!svg.contains("<script>") && !svg.contains('\u{202E}'));
            assert!(!svg.contains('\u{1}'));
        }
    }

    #[test]
    fn each_axis_is_a_line_through_its_means_and_breaks_where_there_is_none() {
        let t = trend(&inputs(5, "W"), &AnalysisOptions::default());
        let s = scene(&t, WIDTH, true).unwrap();
        let all = texts(&s);
        for p in &t.points {
            if let Some(v) = p.likelihood.mean_abs_gap {
                assert!(all.contains(&format!("{v:.2}")), "{v}: {all:?}");
            }
        }
        assert!(all
            .iter()
            .any(|x| x.contains("1 with no change placed by both")));
        // Workshop 3 has no value: each axis is two runs (0–2 and 4).
        let lines: Vec<usize> = s
            .shapes
            .iter()
            .filter_map(|sh| match sh {
                crate::export::scene::Shape::Line { points, width, .. } if *width == 4.0 => {
                    Some(points.len())
                }
                _ => None,
            })
            .collect();
        // Two axes × one run of three, plus the two legend samples.
        assert_eq!(lines, [3, 3, 2, 2], "{lines:?}");
    }

    /// Writes the trend of 0, 1, 8 and 500 workshops as PNG into `$PARALLAX_DUMP_CHARTS` for a
    /// person to look at, as `dump_charts_for_a_person_to_look_at` does for the other charts.
    #[test]
    fn dump_trends_for_a_person_to_look_at() {
        let Some(dir) = std::env::var_os("PARALLAX_DUMP_CHARTS") else {
            return;
        };
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        for n in [0usize, 1, 8, 500] {
            let t = trend(
                &inputs(n, "Q3 platform review"),
                &AnalysisOptions::default(),
            );
            let png = render_scene(
                &scene(&t, WIDTH, true).unwrap(),
                ImageFormat::Png,
                ChartSize::HD,
            )
            .unwrap();
            std::fs::write(dir.join(format!("trend-{n}.png")), png).unwrap();
        }
    }

    #[test]
    fn value_labels_of_both_axes_never_meet_even_at_zero() {
        // Everyone agrees in every workshop: both means are 0.
        let mut t = trend(&inputs(4, "W"), &AnalysisOptions::default());
        for p in &mut t.points {
            for axis in [&mut p.likelihood, &mut p.impact] {
                axis.mean_abs_gap = Some(0.0);
            }
        }
        t.points[1].impact.mean_abs_gap = Some(0.1);
        let s = scene(&t, WIDTH, true).unwrap();
        let boxes = text_boxes(&s);
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let overlap =
                    a.0 < b.2 - 0.5 && b.0 < a.2 - 0.5 && a.1 < b.3 - 0.5 && b.1 < a.3 - 0.5;
                assert!(!overlap, "{:?} overlaps {:?}", a.4, b.4);
            }
        }
        assert_eq!(texts(&s).iter().filter(|t| *t == "0.00").count(), 7);
    }

    #[test]
    fn png_renders() {
        let t = trend(&inputs(8, "W"), &AnalysisOptions::default());
        let png = render_scene(
            &scene(&t, WIDTH, true).unwrap(),
            ImageFormat::Png,
            ChartSize::HD,
        )
        .unwrap();
        assert!(png.starts_with(b"\x89PNG"));
    }
}
