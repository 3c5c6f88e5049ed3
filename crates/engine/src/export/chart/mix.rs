//! The mitigation mix, "who lowers what", as a bar chart: one row per perspective (its colour
//! and marker shape, as on the other charts) and a last row for mitigations without a recorded
//! proposer, each row a bar of the likelihood-reducing and a bar of the impact-reducing
//! mitigations it proposed, with the count written beside each bar. The two kinds are told apart
//! three ways, so a greyscale printout and a colour-blind reader lose nothing: the word beside
//! each bar, a full shade for likelihood and a light one with an outline for impact, and the
//! upper and lower place in the row.
//!
//! Counts come from `crate::analysis::mitigation_mix` on the changes that count (calibration
//! changes left out, as everywhere in the analysis); it must never count or classify a
//! mitigation of its own.

use super::grid::{header, legend_right, legend_x, GRID_Y0, MARGIN};
use super::markers::{draw_marker, Marker};
use super::plural;
use crate::analysis::{mitigation_mix, MixRow};
use crate::export::scene::{fit_lines, Align, Rgb, Scene};
use crate::export::text::one_line;
use crate::Workshop;

/// The bar area: names left of `BAR_X0`, counts right of the bars up to `bar_x1` (150 short of
/// the legend, wherever the canvas' width puts it).
const NAME_X1: f64 = 470.0;
const KIND_X1: f64 = 610.0;
const BAR_X0: f64 = 624.0;
const TOP: f64 = GRID_Y0 + 50.0;
const BOTTOM: f64 = 930.0;
/// The row of mitigations nobody is recorded as proposing: grey, no marker.
const UNRECORDED: Rgb = Rgb(120, 125, 130);

/// The rows to draw: every perspective, then "not recorded" when it holds any mitigation.
/// Calibration changes are left out, as the analysis leaves them out of every figure.
pub fn mix_rows(w: &Workshop) -> Vec<MixRow> {
    let rows = if w.changes.iter().any(|c| c.calibration) {
        let mut counted = w.clone();
        counted.changes.retain(|c| !c.calibration);
        mitigation_mix(&counted)
    } else {
        mitigation_mix(w)
    };
    rows.into_iter()
        .filter(|r| r.perspective.is_some() || r.likelihood + r.impact > 0)
        .collect()
}

/// How many mitigations the chart shows (calibration changes left out).
pub fn mitigation_count(w: &Workshop) -> usize {
    mix_rows(w).iter().map(|r| r.likelihood + r.impact).sum()
}

/// The likelihood bar's fill and the impact bar's fill and outline for a row's colour.
fn shades(base: Rgb) -> (Rgb, Rgb) {
    (base, base.lighten(0.72))
}

/// A step for the count axis giving at most about eight ticks: 1, 2, 5, 10, 20, 50…
fn tick_step(max: usize) -> usize {
    let mut step = 1;
    loop {
        for k in [1, 2, 5] {
            if max / (step * k) <= 8 {
                return step * k;
            }
        }
        step *= 10;
    }
}

pub(super) fn scene(w: &Workshop, title: &str, width: f64) -> Scene {
    let rows = mix_rows(w);
    let likelihood: usize = rows.iter().map(|r| r.likelihood).sum();
    let impact: usize = rows.iter().map(|r| r.impact).sum();
    let total = likelihood + impact;
    let unrecorded = rows
        .iter()
        .find(|r| r.perspective.is_none())
        .map_or(0, |r| r.likelihood + r.impact);
    let mut subtitle = format!(
        "{} · {likelihood} lower likelihood · {impact} lower impact",
        plural(total, "mitigation", "mitigations"),
    );
    if unrecorded > 0 {
        subtitle.push_str(&format!(" · {unrecorded} without a recorded proposer"));
    }
    if w.changes.iter().any(|c| c.calibration) {
        subtitle.push_str(" · calibration changes left out");
    }
    let mut s = Scene::with_width(width);
    header(&mut s, title, &subtitle);
    let bar_x1 = legend_x(&s) - 150.0;

    let max = rows
        .iter()
        .map(|r| r.likelihood.max(r.impact))
        .max()
        .unwrap_or(0);
    let step = tick_step(max.max(1));
    let axis_max = (max.max(1)).div_ceil(step) * step;
    // Room on the right of the longest bar for its count.
    let unit = (bar_x1 - BAR_X0 - 70.0) / axis_max as f64;
    let x_of = |v: usize| BAR_X0 + v as f64 * unit;

    let row_h = ((BOTTOM - TOP) / rows.len().max(1) as f64).min(150.0);
    let bar_h = ((row_h - 24.0) / 2.0).min(44.0);
    let text_size = (bar_h * 0.62).clamp(16.0, 24.0);
    let name_size = (row_h * 0.3).clamp(20.0, 30.0);
    let plot_bottom = TOP + row_h * rows.len() as f64;

    // Every other row shaded, under the grid lines so that they run through it.
    for k in (1..rows.len()).step_by(2) {
        let y0 = TOP + k as f64 * row_h;
        s.rect(
            MARGIN - 10.0,
            y0,
            bar_x1 + 20.0,
            y0 + row_h,
            Some(Rgb(246, 247, 249)),
            None,
        );
    }
    // The count axis: grid lines, ticks, the zero line.
    let axis_start = s.next_index();
    let mut v = 0;
    while v <= axis_max {
        let x = x_of(v);
        let (color, width) = if v == 0 {
            (Rgb::INK, 3.0)
        } else {
            (Rgb(215, 218, 222), 1.0)
        };
        s.line(vec![(x, TOP - 10.0), (x, plot_bottom)], color, width);
        s.text(
            x,
            plot_bottom + 22.0,
            v.to_string(),
            20.0,
            false,
            Rgb::MUTED,
            Align::Middle,
        );
        v += step;
    }
    s.text(
        BAR_X0,
        plot_bottom + 56.0,
        "Mitigations proposed →",
        21.0,
        true,
        Rgb::INK,
        Align::Start,
    );
    s.text(
        MARGIN,
        TOP - 28.0,
        "Proposed by",
        21.0,
        true,
        Rgb::INK,
        Align::Start,
    );
    s.group_since(axis_start, "Count axis");

    for (k, r) in rows.iter().enumerate() {
        let row_start = s.next_index();
        let y0 = TOP + k as f64 * row_h;
        let mid = y0 + row_h / 2.0;
        let index = r
            .perspective
            .as_ref()
            .and_then(|id| w.perspective_index(id));
        let base = index.map_or(UNRECORDED, |i| Rgb::parse(&w.perspectives[i].color));
        let name = if r.perspective.is_some() {
            one_line(&r.name)
        } else {
            "Not recorded".to_owned()
        };
        let marker_r = (row_h * 0.16).clamp(9.0, 17.0);
        if let Some(i) = index {
            draw_marker(
                &mut s,
                Marker::for_index(i),
                MARGIN + marker_r + 2.0,
                mid,
                marker_r,
                base,
                "",
                format!("{name}: marker"),
                None,
            );
        }
        let name_x = MARGIN + 2.0 * marker_r + 16.0;
        s.text_fit(
            name_x,
            mid,
            &name,
            name_size,
            true,
            Rgb::INK,
            Align::Start,
            NAME_X1 - name_x,
        );
        let (dark, light) = shades(base);
        let gap = 6.0;
        let first = mid - gap / 2.0 - bar_h;
        for (slot, (count, kind, fill, stroke)) in [
            (r.likelihood, "likelihood", dark, (Rgb::INK, 1.0)),
            (r.impact, "impact", light, (dark, 3.0)),
        ]
        .into_iter()
        .enumerate()
        {
            let by0 = first + slot as f64 * (bar_h + gap);
            let by1 = by0 + bar_h;
            let cy = (by0 + by1) / 2.0;
            s.text(
                KIND_X1,
                cy,
                kind,
                (text_size - 2.0).max(15.0),
                false,
                Rgb::MUTED,
                Align::End,
            );
            let end = x_of(count);
            if count > 0 {
                s.rect(BAR_X0, by0, end, by1, Some(fill), Some(stroke));
            }
            s.text(
                end + 10.0,
                cy,
                count.to_string(),
                text_size,
                true,
                Rgb::INK,
                Align::Start,
            );
        }
        s.group_since(
            row_start,
            format!(
                "{name}: {} lower likelihood, {} lower impact",
                r.likelihood, r.impact
            ),
        );
    }
    if total == 0 {
        let (x0, y0, x1, y1) = (BAR_X0 + 120.0, TOP - 4.0, bar_x1, TOP + 76.0);
        s.rect(x0, y0, x1, y1, Some(Rgb::WHITE), Some((Rgb::RULE, 2.0)));
        s.text_fit(
            (x0 + x1) / 2.0,
            (y0 + y1) / 2.0,
            "No mitigation is recorded yet",
            28.0,
            true,
            Rgb::INK,
            Align::Middle,
            x1 - x0 - 30.0,
        );
    }
    legend(&mut s);
    s
}

fn legend(s: &mut Scene) {
    let (legend_x, legend_right) = (legend_x(s), legend_right(s));
    let start = s.next_index();
    let width = legend_right - legend_x;
    let mut y = GRID_Y0 + 14.0;
    s.text(legend_x, y, "Bars", 22.0, true, Rgb::INK, Align::Start);
    y += 40.0;
    let sample = Rgb(85, 90, 96);
    let (dark, light) = shades(sample);
    for (label, fill, stroke) in [
        ("upper, full: lowers likelihood", dark, (Rgb::INK, 1.0)),
        ("lower, light: lowers impact", light, (dark, 3.0)),
    ] {
        s.rect(
            legend_x,
            y - 11.0,
            legend_x + 50.0,
            y + 11.0,
            Some(fill),
            Some(stroke),
        );
        for (k, line) in fit_lines(label, 18.0, false, width - 62.0, 2)
            .into_iter()
            .enumerate()
        {
            s.text(
                legend_x + 62.0,
                y + k as f64 * 24.0,
                line,
                18.0,
                false,
                Rgb::INK,
                Align::Start,
            );
        }
        y += 62.0;
    }
    y += 6.0;
    let explain = "Each row: the mitigations one perspective proposed, by the axis they lower. \
                   Change management tends to lower likelihood, DevOps practice impact.";
    for line in fit_lines(explain, 18.0, false, width, 7) {
        s.text(legend_x, y, line, 18.0, false, Rgb::MUTED, Align::Start);
        y += 25.0;
    }
    s.group_since(start, "Legend: bars");
}

#[cfg(test)]
mod tests {
    use super::super::tests::{outside_canvas, placed, text_boxes, texts};
    use super::super::{render, Chart, ChartSize, ImageFormat};
    use super::*;
    use crate::{Axis, Mitigation, MitigationId, Perspective, PerspectiveId};

    /// `n` mitigations spread over the changes of `placed`, proposers and axes cycling through
    /// every perspective and "not recorded".
    pub(crate) fn mitigated(n: usize) -> Workshop {
        let mut w = placed(n.clamp(1, 60), 9);
        let proposers: Vec<Option<PerspectiveId>> = w
            .perspectives
            .iter()
            .map(|p| Some(p.id.clone()))
            .chain([None])
            .collect();
        let changes = w.changes.len();
        for k in 0..n {
            let axis = if k % 2 == 0 {
                Axis::Impact
            } else {
                Axis::Likelihood
            };
            w.changes[k % changes].mitigations.push(Mitigation {
                id: MitigationId(format!("m{k}")),
                text: format!("Mitigation {k}"),
                owner: String::new(),
                lowers: axis,
                proposed_by: proposers[k % proposers.len()].clone(),
            });
        }
        w
    }

    fn no_overlap(scene: &Scene, what: &str) {
        assert!(outside_canvas(scene).is_empty(), "{what}: outside");
        let boxes = text_boxes(scene);
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let overlap =
                    a.0 < b.2 - 0.5 && b.0 < a.2 - 0.5 && a.1 < b.3 - 0.5 && b.1 < a.3 - 0.5;
                assert!(!overlap, "{what}: {:?} overlaps {:?}", a.4, b.4);
            }
        }
    }

    fn hostile(mut w: Workshop) -> Workshop {
        w.title = format!("{}\u{202E}<script>&\"'\u{1}", "W".repeat(400));
        w.perspectives[0].name = format!("<Dev & \"Co\">\u{0}{}", "D".repeat(200));
        w.perspectives[1].name = "\u{202E}Ops</text><script>".into();
        for (k, name) in ["שדרוג שרת מסד הנתונים", "أمن المعلومات والبنية", "Sécurité"]
            .into_iter()
            .enumerate()
        {
            w.perspectives.push(Perspective {
                id: PerspectiveId::new(&format!("p{k}")),
                name: name.into(),
                color: "#117733".into(),
            });
        }
        w
    }

    #[test]
    fn zero_one_eight_and_five_hundred_mitigations_lay_out_inside_without_overlap() {
        for n in [0, 1, 8, 500] {
            for w in [mitigated(n), hostile(mitigated(n))] {
                let scene = Chart::MitigationMix.scene(&w).unwrap();
                no_overlap(&scene, &format!("{n}"));
                let mut eight = w.clone();
                while eight.perspectives.len() < 8 {
                    let k = eight.perspectives.len();
                    eight.perspectives.push(Perspective {
                        id: PerspectiveId::new(&format!("x{k}")),
                        name: format!("Perspective with a long name {k}"),
                        color: "#332288".into(),
                    });
                }
                let scene = Chart::MitigationMix.scene(&eight).unwrap();
                no_overlap(&scene, &format!("8 perspectives, {n}"));
            }
        }
    }

    #[test]
    fn each_row_shows_the_analysis_counts() {
        let w = mitigated(8);
        // Dev, Ops, not recorded cycling; every other one lowers impact.
        let rows = mix_rows(&w);
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.name.as_str(), r.likelihood, r.impact))
            .collect();
        assert_eq!(got, [("Dev", 1, 2), ("Ops", 2, 1), ("not recorded", 1, 1)]);
        let scene = Chart::MitigationMix.scene(&w).unwrap();
        let groups: Vec<String> = scene
            .parts
            .iter()
            .filter_map(|p| match p {
                crate::export::scene::Part::Group { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect();
        for g in [
            "Dev: 1 lower likelihood, 2 lower impact",
            "Ops: 2 lower likelihood, 1 lower impact",
            "Not recorded: 1 lower likelihood, 1 lower impact",
        ] {
            assert!(groups.iter().any(|x| x == g), "{g}: {groups:?}");
        }
        let t = texts(&scene);
        assert!(
            t.iter().any(|t| t
                .starts_with("8 mitigations · 4 lower likelihood · 4 lower impact · 2 without")),
            "{t:?}"
        );
    }

    #[test]
    fn calibration_changes_are_left_out_and_an_empty_row_of_not_recorded_is_not_drawn() {
        let mut w = mitigated(6);
        for m in w.changes.iter_mut().flat_map(|c| &mut c.mitigations) {
            m.proposed_by = Some(PerspectiveId::new("dev"));
        }
        w.changes[0].calibration = true;
        let calibrated = w.changes[0].mitigations.len();
        assert!(calibrated > 0);
        let rows = mix_rows(&w);
        assert_eq!(rows.len(), 2, "no not-recorded row: {rows:?}");
        assert_eq!(mitigation_count(&w), 6 - calibrated);
        let t = texts(&Chart::MitigationMix.scene(&w).unwrap()).join(" | ");
        assert!(t.contains("calibration changes left out"), "{t}");
        assert!(!t.contains("Not recorded"), "{t}");
    }

    #[test]
    fn no_mitigation_says_so() {
        let w = mitigated(0);
        let t = texts(&Chart::MitigationMix.scene(&w).unwrap());
        assert!(
            t.contains(&"No mitigation is recorded yet".to_owned()),
            "{t:?}"
        );
    }

    #[test]
    fn hostile_names_are_escaped_in_svg_and_the_png_renders() {
        let w = hostile(mitigated(8));
        let svg = String::from_utf8(
            render(&w, &Chart::MitigationMix, ImageFormat::Svg, ChartSize::HD).unwrap(),
        )
        .unwrap();
        assert!(!svg.contains("<script>") && !svg.contains("<Dev"));
        assert!(svg.contains("&lt;Dev &amp; &quot;Co&quot;&gt;"));
        assert!(!svg.contains('\u{202E}') && !svg.contains('\u{1}') && !svg.contains('\u{0}'));
        assert!(
            svg.contains("direction=\"rtl\""),
            "the Hebrew name says its direction"
        );
        let png = render(&w, &Chart::MitigationMix, ImageFormat::Png, ChartSize::HD).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
    }

    #[test]
    fn ticks_stay_few() {
        assert_eq!(tick_step(1), 1);
        assert_eq!(tick_step(8), 1);
        assert_eq!(tick_step(9), 2);
        assert_eq!(tick_step(40), 5);
        assert_eq!(tick_step(500), 100);
    }

    /// `PARALLAX_DUMP_CHARTS=/tmp/charts cargo test -p parallax-engine mix::tests::dump`
    #[test]
    fn dump_for_a_person_to_look_at() {
        let Some(dir) = std::env::var_os("PARALLAX_DUMP_CHARTS") else {
            return;
        };
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        for n in [0usize, 1, 8, 500] {
            for (tag, w) in [("plain", mitigated(n)), ("hostile", hostile(mitigated(n)))] {
                let png =
                    render(&w, &Chart::MitigationMix, ImageFormat::Png, ChartSize::HD).unwrap();
                std::fs::write(dir.join(format!("mix-{n}-{tag}.png")), png).unwrap();
            }
        }
    }
}
