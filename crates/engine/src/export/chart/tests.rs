//! Tests over every chart at once: layouts of 0 to 500 changes stay inside the canvas without
//! overlapping text, hostile text is cleaned, bad pairs are refused, pictures have their size.
//! The workshops and scene probes here are shared with the deck's, report's and JSON's tests.

use super::*;
use crate::export::scene::{text_width, Align, Rgb, Shape, HEIGHT, MAX_WIDTH, MIN_WIDTH, WIDTH};
use crate::{Cell, Change, Matrix, Placement};

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
                    spread: None,
                },
            );
        }
        c.consensus = Some(Cell::new(next(5), next(5)));
        c.residual = Some(Cell::new(next(3), next(3)));
        w.changes.push(c);
    }
    w
}

/// Every chart on the picture's canvas and on the narrowest (a 4:3 slide) and widest ones.
fn check_layout(w: &Workshop) {
    for chart in Chart::all(w) {
        for width in [WIDTH, MIN_WIDTH, MAX_WIDTH] {
            let scene = chart.scene_with_title(w, true, width).unwrap();
            assert_eq!(scene.width(), width);
            let bad = outside_canvas(&scene);
            assert!(bad.is_empty(), "{chart:?} at {width}: {bad:?}");
            // No two texts overlap (markers' labels sit inside markers, not on other text).
            no_text_overlaps(&scene, &format!("{chart:?} at {width}"));
        }
    }
}

/// Panics when two texts of `scene` overlap.
pub(crate) fn no_text_overlaps(scene: &Scene, what: &str) {
    let boxes = text_boxes(scene);
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let overlap = a.0 < b.2 - 0.5 && b.0 < a.2 - 0.5 && a.1 < b.3 - 0.5 && b.1 < a.3 - 0.5;
            assert!(!overlap, "{what}: {:?} overlaps {:?}", a.4, b.4);
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
fn long_anchors_sit_under_their_levels_without_overlapping_on_the_tallest_grid() {
    // Seven levels on both axes (the smallest rows and columns), every anchor long enough to
    // wrap and be cut, one right-to-left.
    let mut w = placed(8, 3);
    for axis in [&mut w.matrix.likelihood, &mut w.matrix.impact] {
        while axis.len() < crate::matrix::MAX_LEVELS {
            let n = axis.len() + 1;
            axis.push(crate::Level::new(&format!("Level {n}"), "", ""));
        }
        for (k, level) in axis.iter_mut().enumerate() {
            level.anchor = if k == 3 {
                "בערך אחד מכל עשרה שינויים כאלה, לפי השנה האחרונה".into()
            } else {
                format!(
                    "about 1 in {} such changes over the last twelve months of deployments",
                    10 * (k + 1)
                )
            };
        }
    }
    check_layout(&w);
    let scene = Chart::Consensus.scene(&w).unwrap();
    let shown = texts(&scene);
    assert!(
        shown.iter().any(|t| t.starts_with("(about 1 in 10 such")),
        "the anchor is drawn in brackets: {shown:?}"
    );
    assert!(shown.iter().any(|t| t == "L7") && shown.iter().any(|t| t == "I7"));
    // Cut on its second line, not run past it.
    assert!(
        shown.iter().any(|t| t.ends_with('…'))
            && !shown.iter().any(|t| t.ends_with("deployments)")),
        "{shown:?}"
    );
}

#[test]
fn unknown_perspectives_and_same_pair_are_refused() {
    let w = placed(2, 1);
    let err = Chart::Matrix {
        perspective: PerspectiveId::new("sec"),
    }
    .scene(&w)
    .unwrap_err();
    assert!(matches!(err, ExportError::UnknownPerspective { .. }));
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

/// Every rectangle, circle, polygon and line end inside the canvas, and the texts inside it by
/// their measured width.
pub(crate) fn outside_canvas(scene: &Scene) -> Vec<String> {
    let inside = |x: f64, y: f64| {
        (-0.5..=scene.width() + 0.5).contains(&x) && (-0.5..=HEIGHT + 0.5).contains(&y)
    };
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

/// Texts of a scene.
pub(crate) fn texts(scene: &Scene) -> Vec<String> {
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
pub(crate) fn text_boxes(scene: &Scene) -> Vec<(f64, f64, f64, f64, String)> {
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

/// Writes every chart of a sample workshop as PNG into `$PARALLAX_DUMP_CHARTS` so a person can
/// look at them (`PARALLAX_DUMP_CHARTS=/tmp/charts cargo test -p parallax-engine dump_charts`).
#[test]
fn dump_charts_for_a_person_to_look_at() {
    let Some(dir) = std::env::var_os("PARALLAX_DUMP_CHARTS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    for n in [0usize, 1, 8, 500] {
        let w = placed(n, 11);
        for chart in Chart::all(&w) {
            let png = render(&w, &chart, ImageFormat::Png, ChartSize::HD).unwrap();
            std::fs::write(dir.join(format!("{n}-{}.png", chart.slug(&w))), png).unwrap();
        }
    }
}
