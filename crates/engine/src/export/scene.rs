//! A chart as a list of plain shapes on a logical canvas 1080 high (1920 wide for a picture; as
//! wide as a slide's content area calls for, see [`Scene::with_width`]), and the painter that
//! draws such a list onto a plotters backend (PNG pixels or SVG) at any size of its proportions. Layout code builds
//! scenes and can be tested without pixels (no overlaps, nothing outside the canvas); the painter
//! only draws. It must never draw a non-finite coordinate: plotters silently drops such shapes,
//! which would hide a layout bug, so the painter refuses the whole scene instead.

use std::cell::RefCell;
use std::collections::HashMap;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::error::ExportError;
use super::fonts;
use super::glyphs::GlyphPainter;
use super::shaping;
pub use super::style::{Align, Rgb};

/// The logical canvas a picture is laid out on (16:9). Every scene is `HEIGHT` high; its width
/// is `WIDTH` unless a slide asks for other proportions, between `MIN_WIDTH` and `MAX_WIDTH`.
pub const WIDTH: f64 = 1920.0;
pub const HEIGHT: f64 = 1080.0;
/// The narrowest canvas a chart is laid out on (a 4:3 slide's content area under its title is
/// about 1.6:1); a narrower area gets this canvas, scaled down.
pub const MIN_WIDTH: f64 = 1440.0;
/// The widest canvas (a 16:9 slide's content area under a title is about 2.3:1).
pub const MAX_WIDTH: f64 = 2560.0;

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Rect {
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f64)>,
    },
    Circle {
        cx: f64,
        cy: f64,
        r: f64,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f64)>,
    },
    Polygon {
        points: Vec<(f64, f64)>,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f64)>,
    },
    Line {
        points: Vec<(f64, f64)>,
        color: Rgb,
        width: f64,
    },
    /// One line of text; `y` is the vertical middle of the line.
    Text {
        x: f64,
        y: f64,
        text: String,
        size: f64,
        bold: bool,
        color: Rgb,
        align: Align,
    },
}

impl Shape {
    /// Every coordinate and length of the shape, for validation.
    fn numbers(&self) -> Vec<f64> {
        match self {
            Shape::Rect {
                x0,
                y0,
                x1,
                y1,
                stroke,
                ..
            } => {
                vec![*x0, *y0, *x1, *y1, stroke.map_or(0.0, |s| s.1)]
            }
            Shape::Circle {
                cx, cy, r, stroke, ..
            } => vec![*cx, *cy, *r, stroke.map_or(0.0, |s| s.1)],
            Shape::Polygon { points, stroke, .. } => points
                .iter()
                .flat_map(|p| [p.0, p.1])
                .chain([stroke.map_or(0.0, |s| s.1)])
                .collect(),
            Shape::Line { points, width, .. } => points
                .iter()
                .flat_map(|p| [p.0, p.1])
                .chain([*width])
                .collect(),
            Shape::Text { x, y, size, .. } => vec![*x, *y, *size],
        }
    }
}

/// What some painted shapes mean, by their indices in [`Scene::shapes`]. The painter ignores
/// parts; the native slide writer (`shapes.rs`) turns each into one editable shape or group with
/// a name a person recognises.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// A matrix cell: its rectangle and its score label.
    Cell {
        rect: usize,
        label: Option<usize>,
        name: String,
    },
    /// A perspective's marker (a polygon of `kind`, the change's number inside) or a card (a
    /// rectangle with the number and title).
    Marker {
        shape: usize,
        labels: Vec<usize>,
        kind: MarkerKind,
        name: String,
        /// The change's 1-based number; `None` for a legend sample.
        number: Option<usize>,
    },
    /// An arrow (line and head) and the marker shapes it joins.
    Arrow {
        line: usize,
        head: usize,
        from: Option<usize>,
        to: Option<usize>,
        name: String,
    },
    /// Shapes a person moves together: the grid, a change's markers and arrow, a legend.
    Group { name: String, shapes: Vec<usize> },
}

/// The outline of a marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerKind {
    Shape(Marker),
    Card,
}

/// The shapes that tell perspectives apart without colour, in perspective order. The charts
/// draw them (their outlines are in `chart/markers.rs`); the native slide writer names them as
/// preset shapes, so the word lives here, below both.
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

/// A chart ready to paint.
#[derive(Debug, Clone)]
pub struct Scene {
    pub shapes: Vec<Shape>,
    pub parts: Vec<Part>,
    width: f64,
}

impl Default for Scene {
    fn default() -> Scene {
        Scene::with_width(WIDTH)
    }
}

impl Scene {
    /// An empty scene on a canvas `width` wide (kept between `MIN_WIDTH` and `MAX_WIDTH`; a
    /// non-finite width gives the picture's) and `HEIGHT` high.
    pub fn with_width(width: f64) -> Scene {
        let width = if width.is_finite() {
            width.clamp(MIN_WIDTH, MAX_WIDTH)
        } else {
            WIDTH
        };
        Scene {
            shapes: Vec::new(),
            parts: Vec::new(),
            width,
        }
    }

    /// The canvas' width in logical pixels.
    pub fn width(&self) -> f64 {
        self.width
    }

    pub fn push(&mut self, shape: Shape) {
        self.shapes.push(shape);
    }

    /// The index the next shape will get.
    pub fn next_index(&self) -> usize {
        self.shapes.len()
    }

    /// Indices of the shapes pushed since `start`.
    pub fn since(&self, start: usize) -> Vec<usize> {
        (start..self.shapes.len()).collect()
    }

    pub fn tag(&mut self, part: Part) {
        self.parts.push(part);
    }

    /// A group of the shapes pushed since `start`, when there are any.
    pub fn group_since(&mut self, start: usize, name: impl Into<String>) {
        let shapes = self.since(start);
        if !shapes.is_empty() {
            self.tag(Part::Group {
                name: name.into(),
                shapes,
            });
        }
    }

    pub fn rect(
        &mut self,
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f64)>,
    ) {
        self.push(Shape::Rect {
            x0,
            y0,
            x1,
            y1,
            fill,
            stroke,
        });
    }

    pub fn line(&mut self, points: Vec<(f64, f64)>, color: Rgb, width: f64) {
        self.push(Shape::Line {
            points,
            color,
            width,
        });
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        x: f64,
        y: f64,
        text: impl Into<String>,
        size: f64,
        bold: bool,
        color: Rgb,
        align: Align,
    ) {
        let text = text.into();
        if !text.is_empty() {
            self.push(Shape::Text {
                x,
                y,
                text,
                size,
                bold,
                color,
                align,
            });
        }
    }

    /// Text shortened with an ellipsis to fit `max_width`.
    #[allow(clippy::too_many_arguments)]
    pub fn text_fit(
        &mut self,
        x: f64,
        y: f64,
        text: &str,
        size: f64,
        bold: bool,
        color: Rgb,
        align: Align,
        max_width: f64,
    ) {
        let fitted = fit(text, size, bold, max_width);
        self.text(x, y, fitted, size, bold, color, align);
    }

    /// An arrow from `from` to `to` with a filled head at `to`; the indices of its line and
    /// head, or `None` when it is too short to draw.
    pub fn arrow(
        &mut self,
        from: (f64, f64),
        to: (f64, f64),
        color: Rgb,
        width: f64,
        head: f64,
    ) -> Option<(usize, usize)> {
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let len = (dx * dx + dy * dy).sqrt();
        if !len.is_finite() || len < 1.0 {
            return None;
        }
        let (ux, uy) = (dx / len, dy / len);
        let base = (to.0 - ux * head, to.1 - uy * head);
        let half = head * 0.5;
        let line = self.next_index();
        self.line(vec![from, base], color, width);
        self.push(Shape::Polygon {
            points: vec![
                to,
                (base.0 - uy * half, base.1 + ux * half),
                (base.0 + uy * half, base.1 - ux * half),
            ],
            fill: Some(color),
            stroke: None,
        });
        Some((line, line + 1))
    }

    /// The first non-finite number in the scene, if any.
    pub fn check_finite(&self) -> Result<(), ExportError> {
        for (i, shape) in self.shapes.iter().enumerate() {
            if shape.numbers().iter().any(|v| !v.is_finite()) {
                return Err(ExportError::Layout(format!(
                    "shape {i} has a coordinate that is not a finite number"
                )));
            }
        }
        Ok(())
    }
}

/// The width of one line of text in logical pixels, as the bitmap painter will draw it: the
/// advance of its shaped run (see `shaping`), so ligatures, joining forms and kerning count.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    thread_local! {
        /// Widths already measured: layouts measure the same words and labels many times over
        /// (wrapping, fitting, sizing text boxes), and shaping costs far more than a look-up.
        static WIDTHS: RefCell<HashMap<(String, u64, bool), f64>> = RefCell::new(HashMap::new());
    }
    let key = (text.to_owned(), size.to_bits(), bold);
    if let Some(w) = WIDTHS.with_borrow(|m| m.get(&key).copied()) {
        return w;
    }
    let w = match shaping::shape_line(text, size, bold) {
        Some(line) => f64::from(line.width),
        // Without a font nothing is drawn: a rough width still keeps layouts apart.
        None => text.chars().count() as f64 * size * 0.6,
    };
    WIDTHS.with_borrow_mut(|m| {
        // Bounded: a long-running app measures new text with every export.
        if m.len() >= 20_000 {
            m.clear();
        }
        m.insert(key, w);
    });
    w
}

/// `text` as one line, shortened with an ellipsis to fit `max_width`.
pub fn fit(text: &str, size: f64, bold: bool, max_width: f64) -> String {
    let line = super::text::one_line(text);
    super::text::ellipsize(&line, max_width, |s| text_width(s, size, bold))
}

/// Draws the shapes of `scene` on `area`, scaling the logical canvas to the area's size. Texts
/// are left out: [`paint_text`] draws them into PNG pixels, [`svg_text`] writes them for SVG.
pub fn paint<DB: DrawingBackend>(
    scene: &Scene,
    area: &DrawingArea<DB, Shift>,
) -> Result<(), ExportError> {
    scene.check_finite()?;
    let (w, _) = area.dim_in_pixel();
    let k = f64::from(w) / scene.width;
    let p = |v: f64| (v * k).round() as i32;
    let pt = |(x, y): (f64, f64)| (p(x), p(y));
    let width = |v: f64| ((v * k).round().max(1.0)) as u32;
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| ExportError::Render(e.to_string());
    area.fill(&WHITE).map_err(err)?;
    for shape in &scene.shapes {
        match shape {
            Shape::Rect {
                x0,
                y0,
                x1,
                y1,
                fill,
                stroke,
            } => {
                let corners = [(p(*x0), p(*y0)), (p(*x1), p(*y1))];
                if let Some(c) = fill {
                    area.draw(&Rectangle::new(corners, c.plotters().filled()))
                        .map_err(err)?;
                }
                if let Some((c, sw)) = stroke {
                    // Thick outlines as four filled bands: plotters' thick rectangle outlines
                    // are drawn as single-pixel lines in the bitmap backend.
                    let t = f64::from(width(*sw));
                    let (a, b) = (corners[0], corners[1]);
                    let ti = t as i32;
                    for band in [
                        [(a.0, a.1), (b.0, a.1 + ti)],
                        [(a.0, b.1 - ti), (b.0, b.1)],
                        [(a.0, a.1), (a.0 + ti, b.1)],
                        [(b.0 - ti, a.1), (b.0, b.1)],
                    ] {
                        area.draw(&Rectangle::new(band, c.plotters().filled()))
                            .map_err(err)?;
                    }
                }
            }
            Shape::Circle {
                cx,
                cy,
                r,
                fill,
                stroke,
            } => {
                let centre = (p(*cx), p(*cy));
                let radius = p(*r).max(1);
                if let Some(c) = fill {
                    area.draw(&Circle::new(centre, radius, c.plotters().filled()))
                        .map_err(err)?;
                }
                if let Some((c, sw)) = stroke {
                    // A ring of polygon segments: plotters draws thick circle outlines thin.
                    let n = 48;
                    let ring: Vec<(i32, i32)> = (0..=n)
                        .map(|i| {
                            let a = std::f64::consts::TAU * f64::from(i) / f64::from(n);
                            (p(cx + r * a.cos()), p(cy + r * a.sin()))
                        })
                        .collect();
                    area.draw(&PathElement::new(
                        ring,
                        c.plotters().stroke_width(width(*sw)),
                    ))
                    .map_err(err)?;
                }
            }
            Shape::Polygon {
                points,
                fill,
                stroke,
            } => {
                let pts: Vec<(i32, i32)> = points.iter().copied().map(pt).collect();
                if let Some(c) = fill {
                    area.draw(&Polygon::new(pts.clone(), c.plotters().filled()))
                        .map_err(err)?;
                }
                if let Some((c, sw)) = stroke {
                    let mut closed = pts;
                    if let Some(first) = closed.first().copied() {
                        closed.push(first);
                    }
                    area.draw(&PathElement::new(
                        closed,
                        c.plotters().stroke_width(width(*sw)),
                    ))
                    .map_err(err)?;
                }
            }
            Shape::Line {
                points,
                color,
                width: lw,
            } => {
                let pts: Vec<(i32, i32)> = points.iter().copied().map(pt).collect();
                area.draw(&PathElement::new(
                    pts,
                    color.plotters().stroke_width(width(*lw)),
                ))
                .map_err(err)?;
            }
            Shape::Text { .. } => {}
        }
    }
    area.present().map_err(err)?;
    Ok(())
}

/// `text` word-wrapped into at most `max_lines` lines that each fit `max_width`; the last line
/// ends in "…" when text is left over. A word too long for a line is cut with "…". Every line
/// keeps the base direction of the whole text: a line of a right-to-left title that happens to
/// start with a Latin word starts with an invisible right-to-left mark (and the converse), as the
/// bidi algorithm lays out the lines of one paragraph.
pub fn fit_lines(
    text: &str,
    size: f64,
    bold: bool,
    max_width: f64,
    max_lines: usize,
) -> Vec<String> {
    let line = super::text::one_line(text);
    let words: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
    let mut lines: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() && lines.len() < max_lines {
        if lines.len() + 1 == max_lines {
            lines.push(fit(&words[i..].join(" "), size, bold, max_width));
            break;
        }
        let mut current = String::new();
        while i < words.len() {
            let candidate = if current.is_empty() {
                words[i].to_owned()
            } else {
                format!("{current} {}", words[i])
            };
            if text_width(&candidate, size, bold) <= max_width {
                current = candidate;
                i += 1;
            } else {
                break;
            }
        }
        if current.is_empty() {
            // One word wider than the line: cut it and go on with the next word.
            current = fit(words[i], size, bold, max_width);
            i += 1;
        }
        lines.push(current);
    }
    let rtl = shaping::is_rtl(&line);
    for l in lines.iter_mut().skip(1) {
        if shaping::is_rtl(l) != rtl && !l.is_empty() {
            l.insert(0, if rtl { '\u{200F}' } else { '\u{200E}' });
        }
    }
    lines
}

/// Draws the texts of `scene` into an RGB buffer of `width` × `height` pixels (after [`paint`]),
/// through the glyph cache.
pub fn paint_text(
    scene: &Scene,
    rgb: &mut [u8],
    width: u32,
    height: u32,
) -> Result<(), ExportError> {
    scene.check_finite()?;
    let k = f64::from(width) / scene.width;
    let mut painter = GlyphPainter::new(rgb, width, height)?;
    for shape in &scene.shapes {
        if let Shape::Text {
            x,
            y,
            text,
            size,
            bold,
            color,
            align,
        } = shape
        {
            painter.draw(text, x * k, y * k, size * k, *bold, *color, *align);
        }
    }
    Ok(())
}

/// The texts of `scene` as SVG `<text>` elements for a `width`-pixel-wide image, to close the
/// document after [`paint`]'s shapes (text on top, as in the PNG). Each element holds its text in
/// logical order for the viewer to order and shape; a right-to-left paragraph says so with
/// `direction="rtl"`, so the viewer's bidi algorithm starts from the same base direction as the
/// PNG's, and its anchor is the same visual edge as in the PNG (an RTL line's start is its right
/// edge). Text is XML-escaped here.
pub fn svg_text(scene: &Scene, width: u32) -> Result<String, ExportError> {
    use std::fmt::Write;
    scene.check_finite()?;
    let k = f64::from(width) / scene.width;
    let mut out = String::new();
    for shape in &scene.shapes {
        let Shape::Text {
            x,
            y,
            text,
            size,
            bold,
            color,
            align,
        } = shape
        else {
            continue;
        };
        let clean = super::text::xml_clean(text);
        let rtl = shaping::is_rtl(&clean);
        let anchor = match (align, rtl) {
            (Align::Middle, _) => "middle",
            (Align::Start, false) | (Align::End, true) => "start",
            (Align::Start, true) | (Align::End, false) => "end",
        };
        let metrics = shaping::metrics(size * k, *bold);
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\"{} font-family=\"{}\" font-size=\"{:.2}\"{} fill=\"#{:02X}{:02X}{:02X}\">{}</text>",
            x * k,
            y * k + metrics.baseline_from_middle,
            if rtl { " direction=\"rtl\"" } else { "" },
            fonts::SVG_FAMILY,
            metrics.em,
            if *bold { " font-weight=\"bold\"" } else { "" },
            color.0,
            color.1,
            color.2,
            quick_xml::escape::escape(clean.as_ref())
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEBREW: &str = "שדרוג שרת מסד הנתונים לגרסה 16 לפני סוף הרבעון";

    #[test]
    fn a_shortened_right_to_left_title_keeps_its_logical_start() {
        let full = text_width(HEBREW, 20.0, false);
        let cut = fit(HEBREW, 20.0, false, full / 2.0);
        assert!(cut.starts_with("שדרוג שרת"), "{cut}");
        assert!(cut.ends_with('…') && text_width(&cut, 20.0, false) <= full / 2.0);
        // Drawn, the ellipsis is the leftmost glyph: the logical end of an RTL line.
        let line = shaping::shape_line(&cut, 20.0, false).unwrap();
        assert_eq!(&cut[line.glyphs[0].cluster..], "…");
        // Measuring is the shaped run's width: ligatures and joining forms count.
        assert_eq!(
            text_width("سلام", 20.0, false),
            f64::from(shaping::shape_line("سلام", 20.0, false).unwrap().width)
        );
    }

    #[test]
    fn wrapped_lines_keep_the_direction_of_the_whole_text() {
        let title = "החלפת תעודות TLS בשרתי הקצה";
        let width = text_width("החלפת תעודות", 20.0, false) + 1.0;
        let lines = fit_lines(title, 20.0, false, width, 3);
        assert_eq!(lines[0], "החלפת תעודות");
        // The second line starts with a Latin word; a right-to-left mark keeps it RTL.
        assert!(lines[1].starts_with("\u{200F}TLS בשרתי"), "{lines:?}");
        assert!(lines.iter().all(|l| shaping::is_rtl(l)));
        // The mark is invisible and takes no room.
        assert_eq!(
            text_width(&lines[1], 20.0, false),
            text_width(lines[1].trim_start_matches('\u{200F}'), 20.0, false)
        );
        // Left-to-right text is left alone.
        let lines = fit_lines("Rotate the TLS certificates", 20.0, false, 120.0, 3);
        assert!(lines.iter().all(|l| l.is_ascii()), "{lines:?}");
    }

    #[test]
    fn svg_text_gives_right_to_left_lines_their_direction_and_edge() {
        let mut s = Scene::default();
        s.text(100.0, 50.0, HEBREW, 20.0, true, Rgb::INK, Align::Start);
        s.text(
            100.0,
            80.0,
            "Upgrade <db> & \"more\"",
            20.0,
            false,
            Rgb::INK,
            Align::Start,
        );
        s.text(
            900.0,
            80.0,
            "تحديث الخادم",
            20.0,
            false,
            Rgb::INK,
            Align::End,
        );
        let svg = svg_text(&s, 1920).unwrap();
        let lines: Vec<&str> = svg.lines().collect();
        assert_eq!(lines.len(), 3);
        // The PNG draws a Start-aligned line from x rightwards: an RTL line's end is its left.
        assert!(
            lines[0].contains("text-anchor=\"end\" direction=\"rtl\""),
            "{}",
            lines[0]
        );
        assert!(
            lines[0].contains(HEBREW),
            "logical order for the viewer to reorder"
        );
        assert!(
            lines[1].contains("text-anchor=\"start\" font-family"),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains("Upgrade &lt;db&gt; &amp; &quot;more&quot;"));
        assert!(
            lines[2].contains("text-anchor=\"start\" direction=\"rtl\""),
            "{}",
            lines[2]
        );
    }
}
