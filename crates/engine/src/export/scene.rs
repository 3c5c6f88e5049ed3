//! A chart as a list of plain shapes in a 1920×1080 logical canvas, and the painter that draws
//! such a list onto a plotters backend (PNG pixels or SVG) at any 16:9 size. Layout code builds
//! scenes and can be tested without pixels (no overlaps, nothing outside the canvas); the painter
//! only draws. It must never draw a non-finite coordinate: plotters silently drops such shapes,
//! which would hide a layout bug, so the painter refuses the whole scene instead.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::error::ExportError;
use super::fonts;
use super::glyphs::GlyphPainter;
pub use super::style::{Align, Rgb};

/// The logical canvas every scene is laid out on.
pub const WIDTH: f64 = 1920.0;
pub const HEIGHT: f64 = 1080.0;

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
#[derive(Debug, Clone, Default)]
pub struct Scene {
    pub shapes: Vec<Shape>,
    pub parts: Vec<Part>,
}

impl Scene {
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

fn font(size: f64, bold: bool) -> FontDesc<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(FontFamily::Name(fonts::FAMILY), size, style)
}

/// The width of one line of text in logical pixels, as the bitmap painter will draw it.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    if !fonts::ensure_registered() {
        // Without a font nothing is drawn: a rough width still keeps layouts apart.
        return text.chars().count() as f64 * size * 0.6;
    }
    // Measured at 4× and scaled back so rounding to whole pixels does not add up.
    match font(size * 4.0, bold).box_size(text) {
        Ok((w, _)) => f64::from(w) / 4.0,
        Err(_) => text.chars().count() as f64 * size * 0.6,
    }
}

/// `text` as one line, shortened with an ellipsis to fit `max_width`.
pub fn fit(text: &str, size: f64, bold: bool, max_width: f64) -> String {
    let line = super::text::one_line(text);
    super::text::ellipsize(&line, max_width, |s| text_width(s, size, bold))
}

/// Draws `scene` on `area`, scaling the logical canvas to the area's size.
pub fn paint<DB: DrawingBackend>(
    scene: &Scene,
    area: &DrawingArea<DB, Shift>,
) -> Result<(), ExportError> {
    paint_with(scene, area, true)
}

/// Like [`paint`]; with `with_text` false the texts are left out, for [`paint_text`] to draw.
pub fn paint_with<DB: DrawingBackend>(
    scene: &Scene,
    area: &DrawingArea<DB, Shift>,
    with_text: bool,
) -> Result<(), ExportError> {
    scene.check_finite()?;
    if !fonts::ensure_registered() {
        return Err(ExportError::Layout(
            "the embedded font could not be loaded".into(),
        ));
    }
    let (w, _) = area.dim_in_pixel();
    let k = f64::from(w) / WIDTH;
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
            Shape::Text {
                x,
                y,
                text,
                size,
                bold,
                color,
                align,
            } => {
                if !with_text {
                    continue;
                }
                let h = match align {
                    Align::Start => HPos::Left,
                    Align::Middle => HPos::Center,
                    Align::End => HPos::Right,
                };
                let rgb = color.plotters();
                let style = TextStyle::from(font(size * k, *bold))
                    .color(&rgb)
                    .pos(Pos::new(h, VPos::Center));
                area.draw(&Text::new(text.clone(), (p(*x), p(*y)), style))
                    .map_err(err)?;
            }
        }
    }
    area.present().map_err(err)?;
    Ok(())
}

/// `text` word-wrapped into at most `max_lines` lines that each fit `max_width`; the last line
/// ends in "…" when text is left over. A word too long for a line is cut with "…".
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
            return lines;
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
    lines
}

/// Draws the texts of `scene` into an RGB buffer of `width` × `height` pixels (after
/// [`paint_with`] without text), through the glyph cache.
pub fn paint_text(
    scene: &Scene,
    rgb: &mut [u8],
    width: u32,
    height: u32,
) -> Result<(), ExportError> {
    scene.check_finite()?;
    let k = f64::from(width) / WIDTH;
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
